#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright run --dry-run: the plan of the canned demo spec (waves under the
# cap, checkpoints, optional and named tasks), resource conflicts, --json,
# and plans that cannot run (cycles, unknown tasks and dependencies), which
# are refused at their line with tasks.md unchanged.
. "$(dirname "$0")/lib.sh"

DEMO=$SW_TOP/tests/model-server/demo

demo_ws() {
	mkdir -p .kiro/specs/todo-cli && cp "$DEMO"/*.md .kiro/specs/todo-cli/
}

sw_test 'run --help; usage errors' '
	demo_ws &&
	sw run --help >out && expect_grep "dry-run" out && expect_grep "_Uses: NAME_" out &&
	expect_fail 2 sw run 2>err && expect_grep "which spec" err &&
	expect_fail 2 sw run todo-cli --dry-run --parallel 0x 2>err &&
	expect_fail 2 sw run todo-cli --dry-run --sequential --parallel 3 2>err && expect_grep "contradict" err
'

sw_test 'dry run of the demo plan: checkpoints split it, the cap splits a wave' '
	demo_ws &&
	sw run todo-cli --dry-run --parallel 2 >out &&
	expect_grep "6 tasks to run in 5 waves, at most 2 at once" out &&
	expect_grep "left out: 0 done, 2 optional, 0 not named" out &&
	python3 - out <<PY
import sys
waves, cur = [], None
for line in open(sys.argv[1]):
    if line.startswith("wave "):
        cur = []; waves.append(cur)
    elif cur is not None and line.startswith("  ") and line.strip() and not line.startswith("    "):
        cur.append(line.split()[0])
assert waves == [["1.1"], ["2"], ["3.1", "3.2"], ["3.3"], ["4"]], waves
PY
	sw run todo-cli --dry-run --sequential --json >seq.json &&
	python3 -c "
import json; d=json.load(open(\"seq.json\"))
assert d[\"parallel\"]==1 and all(len(w)==1 for w in d[\"waves\"]), d[\"waves\"]
assert [w[0] for w in d[\"waves\"]]==[\"1.1\",\"2\",\"3.1\",\"3.2\",\"3.3\",\"4\"]
"
'

sw_test 'named tasks and optional ones' '
	demo_ws &&
	sw run todo-cli 3 --dry-run --include-optional --json >o.json &&
	python3 -c "
import json; d=json.load(open(\"o.json\"))
run=[t[\"id\"] for t in d[\"tasks\"] if t[\"plan\"]==\"runs\"]
assert run==[\"3.1\",\"3.2\",\"3.3\",\"3.4\"], run
assert {t[\"id\"]:t[\"plan\"] for t in d[\"tasks\"]}[\"1.1\"]==\"not-asked\"
" &&
	sw run todo-cli 3.3 --dry-run 2>err >out &&
	expect_grep "plan-dependency-not-run" err && expect_grep "1 task to run" out &&
	expect_fail 1 sw run todo-cli 3.9 --dry-run 2>err && expect_grep "no task .3.9. (nearest: .3.[0-9].)" err
'

sw_test 'tasks naming one file or one _Uses resource never share a wave' '
	mkdir -p .kiro/specs/s && cat >.kiro/specs/s/tasks.md <<MD &&
# Plan

- [ ] 1. Add the route to \`src/api.c\`
- [ ] 2. Seed the test database
  - _Uses: db_
- [ ] 3. Document the route in src/api.c
- [ ] 4. Migrate the schema
  - _Uses: DB_

## Task Dependency Graph

\`\`\`json
{"waves": [{"id": 0, "tasks": ["1", "2", "3", "4"]}]}
\`\`\`
MD
	sw run s --dry-run --parallel 4 >out &&
	expect_grep "2 waves" out && expect_grep "waited: file:src/api.c held by 1" out &&
	expect_grep "waited: uses:db held by 2" out &&
	sw run s --dry-run --parallel 4 --json >s.json &&
	python3 -c "
import json; d=json.load(open(\"s.json\"))
assert d[\"waves\"]==[[\"1\",\"2\"],[\"3\",\"4\"]], d[\"waves\"]
assert {(c[\"task\"],c[\"waitsFor\"],c[\"resource\"]) for c in d[\"conflicts\"]}=={(\"3\",\"1\",\"file:src/api.c\"),(\"4\",\"2\",\"uses:db\")}
"
'

sw_test 'a cycle or an unknown dependency is refused at its line; tasks.md unchanged' '
	mkdir -p .kiro/specs/c && printf "# Plan\n\n- [ ] 1. a\n  - _Depends: 2_\n- [ ] 2. b\n  - _Depends: 1_\n- [ ] 3. c\n  - _Depends: 9_\n" >.kiro/specs/c/tasks.md &&
	cp .kiro/specs/c/tasks.md before.md &&
	expect_fail 1 sw run c --dry-run >out 2>err &&
	expect_grep "tasks.md:3:1: error: 3 tasks can never start, each waiting on another: 1, 2, 3 \[plan-cycle\]" err &&
	expect_grep "tasks.md:7:1: error: task 3 depends on .9., which is not a task of this plan \[plan-unknown-dependency\]" err &&
	expect_grep "the task plan cannot run as written" err &&
	cmp before.md .kiro/specs/c/tasks.md
'

sw_test 'a spec without tasks.md, an unknown spec' '
	mkdir -p .kiro/specs/r && printf "# R\n" >.kiro/specs/r/requirements.md &&
	expect_fail 1 sw run r --dry-run 2>err && expect_grep "has no tasks.md yet" err &&
	expect_fail 1 sw run nosuch --dry-run 2>err && expect_grep "nosuch" err
'


