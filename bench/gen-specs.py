#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates N synthetic specs in two layouts with the same content:
Kiro (.kiro/specs/<name>/{requirements,design,tasks}.md) under OUT/kiro and
OpenSpec (openspec/specs/<name>/spec.md) under OUT/openspec.  Deterministic.

usage: gen-specs.py OUT N
"""
import os
import random
import sys

WORDS = ("account invoice order payment customer report widget session token upload export "
         "search filter cache queue worker schedule notice profile address catalog").split()
VERBS = "store validate display reject log send update remove compute render".split()
TRIGGERS = [("WHEN", "a user submits the {0} form"), ("WHILE", "the {0} queue is draining"),
            ("IF", "the {0} service times out"), ("WHERE", "{0} auditing is enabled"),
            (None, None)]


def sentence(rnd, n):
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def criterion(rnd, system):
    kw, trig = rnd.choice(TRIGGERS)
    resp = "%s the %s %s within %d ms" % (rnd.choice(VERBS), rnd.choice(WORDS), rnd.choice(WORDS),
                                          rnd.randint(50, 900))
    if kw is None:
        return "THE %s SHALL %s" % (system, resp), ("the %s is used" % rnd.choice(WORDS)), resp
    cond = trig.format(rnd.choice(WORDS))
    if kw == "IF":
        return "IF %s, THEN THE %s SHALL %s" % (cond, system, resp), cond, resp
    return "%s %s, THE %s SHALL %s" % (kw, cond, system, resp), cond, resp


def one(rnd, i):
    system = "Service_%d" % i
    reqs = []
    for r in range(1, 9):
        crits = [criterion(rnd, system) for _ in range(5)]
        reqs.append(("%s %s" % (rnd.choice(WORDS).title(), rnd.choice(WORDS)), sentence(rnd, 14), crits))
    # requirements.md
    out = ["# Requirements Document\n\n## Introduction\n\n%s.\n\n## Glossary\n\n" % sentence(rnd, 60),
           "- **%s**: the service under specification\n- **Store**: %s\n\n## Requirements\n\n" % (system, sentence(rnd, 8))]
    for r, (title, story, crits) in enumerate(reqs, 1):
        out.append("### Requirement %d: %s\n\n**User Story:** As a user, I want %s, so that %s.\n\n"
                   "#### Acceptance Criteria\n\n" % (r, title, story, sentence(rnd, 6)))
        for c, (text, _, _) in enumerate(crits, 1):
            out.append("%d. %s\n" % (c, text))
        out.append("\n")
    requirements = "".join(out)
    # design.md
    out = ["# Design Document: spec %d\n\n## Overview\n\n%s.\n\n## Architecture\n\n```mermaid\ngraph TB\n"
           "  A[Client] --> B[%s]\n  B --> C[Store]\n```\n\n## Components and Interfaces\n\n" % (i, sentence(rnd, 80), system)]
    for r in range(1, 9):
        out.append("### Component %d\n\n%s.\n\n```ts\ninterface C%d { id: string; %s: number }\n```\n\n"
                   % (r, sentence(rnd, 40), r, rnd.choice(WORDS)))
    out.append("## Correctness Properties\n\n")
    for p in range(1, 9):
        out.append("### Property %d: %s\n\n*For any* %s, %s.\n\n**Validates: Requirements %d.1, %d.2**\n\n"
                   % (p, sentence(rnd, 3), sentence(rnd, 4), sentence(rnd, 10), p, p))
    out.append("## Error Handling\n\n%s.\n\n## Testing Strategy\n\n%s.\n" % (sentence(rnd, 50), sentence(rnd, 50)))
    design = "".join(out)
    # tasks.md
    out = ["# Implementation Plan: spec %d\n\n## Overview\n\n%s.\n\n## Tasks\n\n" % (i, sentence(rnd, 30))]
    waves = []
    for g in range(1, 9):
        out.append("- [%s] %d. Implement %s\n" % ("x" if g < 3 else " ", g, sentence(rnd, 3)))
        for s in range(1, 5):
            opt = "*" if s == 4 else ""
            out.append("  - [%s]%s %d.%d %s\n    - %s\n    - _Requirements: %d.%d, %d.%d_\n"
                       % ("x" if g < 3 else " ", opt, g, s, sentence(rnd, 5).capitalize(), sentence(rnd, 9),
                          g, s, g, s + 1))
            if s == 4:
                out.append("    - **Property %d: %s**\n    - **Validates: Requirements %d.1**\n" % (g, sentence(rnd, 2), g))
            out.append("\n")
        waves.append(["%d.%d" % (g, s) for s in range(1, 5)])
    out.append("## Task Dependency Graph\n\n```json\n{\n  \"waves\": [\n")
    out.append(",\n".join('    { "id": %d, "tasks": [%s] }' % (k, ", ".join('"%s"' % t for t in w))
                          for k, w in enumerate(waves)))
    out.append("\n  ]\n}\n```\n")
    tasks = "".join(out)
    # OpenSpec spec.md with the same requirements as scenarios.
    out = ["# spec-%05d Specification\n\n## Purpose\n%s.\n\n## Requirements\n\n" % (i, sentence(rnd, 60))]
    for r, (title, story, crits) in enumerate(reqs, 1):
        out.append("### Requirement: %s %d\nThe %s SHALL serve %s.\n\n" % (title, r, system, story))
        for c, (text, cond, resp) in enumerate(crits, 1):
            out.append("#### Scenario: case %d\n- **WHEN** %s\n- **THEN** the %s SHALL %s\n\n" % (c, cond, system, resp))
    openspec = "".join(out)
    return requirements, design, tasks, openspec


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(42)
    for i in range(n):
        name = "spec-%05d" % i
        r, d, t, o = one(rnd, i)
        kd = os.path.join(out, "kiro", ".kiro", "specs", name)
        od = os.path.join(out, "openspec", "openspec", "specs", name)
        os.makedirs(kd)
        os.makedirs(od)
        for fn, text in (("requirements.md", r), ("design.md", d), ("tasks.md", t)):
            with open(os.path.join(kd, fn), "w") as f:
                f.write(text)
        with open(os.path.join(od, "spec.md"), "w") as f:
            f.write(o)


if __name__ == "__main__":
    main()
