#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Builds a scripted model server script (see ../server.py) whose steps answer
with the contents of files, one step per argument, in order.

    mkscript.py [--fence] [--tool NAME:JSON] FILE... > script.json

FILE        the reply text of one step (the agent's final message)
--fence     wrap every reply in a ```markdown block, as many models do
--tool N:J  before the first reply, one step that calls read-only tool N with
            input J (a JSON object), so the run shows the agent reading code
Per-step assertions: FILE may be written as 'contains=TEXT|...@FILE' to
require that the request of that step contains each TEXT.
"""
import json
import sys


def main():
    args = sys.argv[1:]
    fence = False
    tool = None
    steps = []
    while args and args[0].startswith("--"):
        a = args.pop(0)
        if a == "--fence":
            fence = True
        elif a == "--tool":
            name, _, js = args.pop(0).partition(":")
            tool = (name, json.loads(js or "{}"))
        else:
            sys.exit("mkscript.py: unknown option %s" % a)
    if tool:
        steps.append({"respond": {"tool_calls": [{"id": "call_1", "name": tool[0], "input": tool[1]}]}})
    for a in args:
        expect = {}
        if "@" in a and a.split("@", 1)[0].startswith("contains="):
            cond, a = a.split("@", 1)
            expect["contains"] = cond[len("contains="):].split("|")
        with open(a, encoding="utf-8") as f:
            text = f.read()
        if fence:
            text = "Here is the document.\n\n```markdown\n" + text + "```\n"
        step = {"respond": {"text": text}}
        if expect:
            step["expect"] = expect
        steps.append(step)
    json.dump({"steps": steps}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
