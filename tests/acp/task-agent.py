#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A deterministic ACP agent for the run tests: each prompt that names a task
("# Task ID of the spec ...") writes task-out/ID.txt in the session's folder
and ends its turn.  JSON-RPC 2.0 over newline-delimited stdio, standard
library only.

Environment: TASK_AGENT_DELAY_MS (a pause before the turn ends, default 0),
TASK_AGENT_FAIL (a task id whose file is written as "broken", for
verification failures), TASK_AGENT_LOG (a file that gets one line per
prompt: "pid task"), TASK_AGENT_SHARED (a file every task also writes, with
its own content, so tasks side by side conflict).
"""
import json
import os
import re
import sys
import time

cwd = os.getcwd()
delay = int(os.environ.get("TASK_AGENT_DELAY_MS", "0")) / 1000.0


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def prompt_text(params):
    out = []
    for block in params.get("prompt", []):
        if block.get("type") == "text":
            out.append(block.get("text", ""))
    return "\n".join(out)


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    msg = json.loads(line)
    method, mid = msg.get("method"), msg.get("id")
    params = msg.get("params") or {}
    if mid is None:
        continue  # notifications (session/cancel) need no answer
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": mid, "result": {
            "protocolVersion": 1, "agentCapabilities": {"loadSession": False},
            "agentInfo": {"name": "task-agent", "version": "1"}, "authMethods": []}})
    elif method == "session/new":
        cwd = params.get("cwd", cwd)
        send({"jsonrpc": "2.0", "id": mid, "result": {"sessionId": "s%d" % os.getpid()}})
    elif method == "session/prompt":
        text = prompt_text(params)
        m = re.search(r"Task (\S+) of the spec", text)
        task = m.group(1) if m else "unknown"
        if os.environ.get("TASK_AGENT_LOG"):
            with open(os.environ["TASK_AGENT_LOG"], "a") as f:
                f.write("%d %s\n" % (os.getpid(), task))
        os.makedirs(os.path.join(cwd, "task-out"), exist_ok=True)
        body = "broken\n" if os.environ.get("TASK_AGENT_FAIL") == task else "task %s\n" % task
        with open(os.path.join(cwd, "task-out", task + ".txt"), "w") as f:
            f.write(body)
        if os.environ.get("TASK_AGENT_SHARED"):
            with open(os.path.join(cwd, os.environ["TASK_AGENT_SHARED"]), "w") as f:
                f.write("written by task %s\n" % task)
        time.sleep(delay)
        send({"jsonrpc": "2.0", "method": "session/update", "params": {
            "sessionId": params.get("sessionId"),
            "update": {"sessionUpdate": "agent_message_chunk",
                       "content": {"type": "text", "text": "wrote task-out/%s.txt" % task}}}})
        send({"jsonrpc": "2.0", "id": mid, "result": {"stopReason": "end_turn"}})
    else:
        send({"jsonrpc": "2.0", "id": mid, "error": {"code": -32601, "message": "no method " + str(method)}})
