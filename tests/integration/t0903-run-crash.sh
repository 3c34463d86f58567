#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright run killed with SIGKILL at random points, then run resume, over
# and over: in the end every task is verified once, committed once, journalled
# once, and tasks.md holds the plan's final state.
. "$(dirname "$0")/lib.sh"

AGENT=$SW_TOP/tests/acp/task-agent.py
DEMO=$SW_TOP/tests/model-server/demo
KILLS=${SW_RUN_KILLS:-100}
# Debian's interpreter itself: a version manager's shim adds half a second to every start.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
[ -n "$PY" ] || sw_skip_all dep "python3 (the scripted ACP agent) is not installed (make deps)"

sw_test "SIGKILL at $KILLS random points, run resume after each: nothing lost, nothing done twice" '
	git init -q . && git config user.name Tester && git config user.email t@example.com &&
	mkdir -p .kiro/specs/todo-cli && cp "$DEMO"/*.md .kiro/specs/todo-cli/ &&
	printf "*.log\n" >.gitignore && git add -A && git commit -q -m base &&
	TASK_AGENT_DELAY_MS=60 && export TASK_AGENT_DELAY_MS &&
	python3 -c "import random; random.seed(int(\"${SW_RUN_SEED:-7}\")); print(\"\\n\".join(\"%.3f\" % random.uniform(0, 0.9) for _ in range($KILLS)))" >delays &&
	verify="test -z \"\$(grep -L ^task task-out/*.txt)\"" &&
	start() {
		run=$(ls .kiro/runs 2>/dev/null | tail -n 1)
		if [ -n "$run" ] && grep -q "\"event\":\"plan\"" ".kiro/runs/$run/journal.ndjson" 2>/dev/null; then
			"$SPECWRIGHT" run resume "$run" >>runs.log 2>&1 &
		else
			rm -rf .kiro/runs
			"$SPECWRIGHT" run todo-cli --sequential --commit --agent-cmd "$PY $AGENT" --verify "$verify" >>runs.log 2>&1 &
		fi
		pid=$!
	} &&
	while read -r d; do
		start && sleep "$d" && kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; true
	done <delays &&
	n=0 && until [ "$n" -ge 5 ]; do
		start && wait "$pid" && break; n=$((n + 1))
	done &&
	test "$n" -lt 5 &&
	run=$(ls .kiro/runs) && test "$(echo "$run" | wc -l)" -eq 1 &&
	test "$(grep -c "^ *- \[x\]" .kiro/specs/todo-cli/tasks.md)" -eq 8 &&
	test "$(grep -c "^ *- \[ \]\*" .kiro/specs/todo-cli/tasks.md)" -eq 2 &&
	test "$(grep -c "^ *- \[[-~]\]" .kiro/specs/todo-cli/tasks.md)" -eq 0 &&
	for t in 1.1 2 3.1 3.2 3.3 4; do
		c=$(git log --format=%B | grep -c "^Task: $t\$") &&
		{ [ "$c" -eq 1 ] || { echo "task $t committed $c times"; git log --format="%h %s" | head -n 30; exit 1; }; } &&
		grep -qx "task $t" "task-out/$t.txt" &&
		test -z "$(git status --porcelain -- "task-out/$t.txt")" || exit 1
	done &&
	python3 - ".kiro/runs/$run/journal.ndjson" <<PY &&
import json,sys,collections
recs=[json.loads(l) for l in open(sys.argv[1])]
done=collections.Counter(r["task"] for r in recs if r["event"]=="done")
assert sorted(done)==["1.1","2","3.1","3.2","3.3","4"] and set(done.values())=={1}, done
assert sum(1 for r in recs if r["event"]=="resume") >= 1
PY
	git log -1 --format=%s | grep -q "todo-cli: .* done" &&
	test -z "$(find .kiro -name ".tasks.md.tmp.*")" &&
	sw run status >st && expect_grep ": done$" st
'
