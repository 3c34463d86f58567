#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates one large spec for scaling runs: OUT/.kiro/specs/big/ with a
requirements.md of about LINES lines (requirements of 8 criteria each) and
a tasks.md of about MB megabytes (groups of sub-tasks, each naming a few
criteria, optional test tasks, and a Task Dependency Graph with waves that
depend on earlier waves).  Deterministic.

usage: gen-big-spec.py OUT LINES MB
"""
import os
import sys


def main():
    out, lines, mb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    d = os.path.join(out, ".kiro", "specs", "big")
    os.makedirs(d, exist_ok=True)
    nreq = max(1, lines // 12)
    with open(os.path.join(d, "requirements.md"), "w") as f:
        f.write("# Requirements Document\n\n## Glossary\n\n- **Store**: the record store\n\n## Requirements\n\n")
        for r in range(1, nreq + 1):
            f.write("### Requirement %d: Item %d\n\n#### Acceptance Criteria\n\n" % (r, r))
            for c in range(1, 9):
                f.write("%d. WHEN record %d.%d arrives, THE Store SHALL keep it within %d ms\n" % (c, r, c, 10 + c))
            f.write("\n")
    target = int(mb * 1000000)
    size = 0
    g = 0
    waves = []
    with open(os.path.join(d, "tasks.md"), "w") as f:
        f.write("# Implementation Plan\n\n")
        while size < target:
            g += 1
            chunk = ["- [ ] %d. Group %d\n" % (g, g)]
            ids = []
            for s in range(1, 6):
                tid = "%d.%d" % (g, s)
                ids.append(tid)
                r = (g * 5 + s) % nreq + 1
                mark = "x" if g % 3 == 0 else " "
                opt = "*" if s == 5 else ""
                chunk.append("  - [%s]%s %s Implement part %d of group %d\n"
                             "    - Write the code for part %d\n"
                             "    - _Requirements: %d.1, %d.2, %d.3-%d.5_\n" % (mark, opt, tid, s, g, s, r, r, r, r))
            text = "".join(chunk) + "\n"
            f.write(text)
            size += len(text)
            waves.append(ids)
        f.write("## Task Dependency Graph\n\n```json\n{\n  \"waves\": [\n")
        for i, ids in enumerate(waves):
            dep = ", \"depends_on\": [%d]" % (i - 1) if i else ""
            f.write("    {\"id\": %d, \"tasks\": [%s]%s}%s\n" % (i, ", ".join('"%s"' % t for t in ids), dep,
                                                              "," if i + 1 < len(waves) else ""))
        f.write("  ]\n}\n```\n")


main()
