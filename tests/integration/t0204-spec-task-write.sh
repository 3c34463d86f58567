#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Where 'spec task' writes: through a tasks.md link that stays in the
# workspace (the link stays a link), never through one that leaves it;
# temporary files of killed writes are reported by doctor and removed by
# the next write of the same file.
. "$(dirname "$0")/lib.sh"

FIX=$SW_TOP/tests/fixtures/specs

# ws/: a workspace holding the demo spec.
demo_ws() {
	mkdir -p ws/.kiro/specs && cp -r "$FIX/demo" ws/.kiro/specs/demo
}

# A process id that no longer exists (the shell that printed it has exited).
dead_pid() {
	sh -c 'echo $$'
}

sw_test 'task --status writes through a tasks.md link that stays in the workspace' '
	demo_ws && mkdir ws/docs && mv ws/.kiro/specs/demo/tasks.md ws/docs/tasks.md &&
	ln -s ../../../docs/tasks.md ws/.kiro/specs/demo/tasks.md &&
	(cd ws && sw spec task demo 2.3 --status done) >out &&
	expect_grep "2.3: todo -> done" out &&
	test -L ws/.kiro/specs/demo/tasks.md &&
	grep -q "^  - \[x\] 2.3 " ws/docs/tasks.md &&
	(cd ws && sw spec task demo 2.3 --status done) >out && expect_grep "already done" out &&
	[ -z "$(find ws -name ".*.tmp.*")" ]
'

sw_test 'task --status refuses a tasks.md link that leaves the workspace' '
	demo_ws && mkdir outside && mv ws/.kiro/specs/demo/tasks.md outside/tasks.md &&
	cp outside/tasks.md before &&
	ln -s ../../../../outside/tasks.md ws/.kiro/specs/demo/tasks.md &&
	(cd ws && expect_fail 1 sw spec task demo 2.3 --status done) 2>err &&
	expect_grep "tasks.md.*outside .*; refused" err &&
	cmp before outside/tasks.md &&
	test -L ws/.kiro/specs/demo/tasks.md &&
	[ -z "$(find ws outside -name ".*.tmp.*")" ]
'

sw_test 'doctor reports temporary files of killed writes; the next task --status removes its own' '
	demo_ws && d=ws/.kiro/specs/demo && dead=$(dead_pid) &&
	head -c 100000 /dev/zero >"$d/.tasks.md.tmp.$dead.0" &&
	echo x >"$d/.design.md.tmp.$dead.3" &&
	echo x >"$d/.tasks.md.tmp.$$.1" &&
	echo x >"$d/.tasks.md.tmp.notes" &&
	(cd ws && sw doctor) >out 2>err &&
	expect_grep "^.kiro/specs/demo/.tasks.md.tmp.$dead.0: warning: temporary file left by an interrupted write \[stale-temp\]" err &&
	expect_grep "^.kiro/specs/demo/.design.md.tmp.$dead.3: warning: .*\[stale-temp\]" err &&
	expect_no_grep "tmp\.$$\.1" err && expect_no_grep "tmp\.notes" err &&
	expect_grep "2 warnings" out &&
	(cd ws && sw doctor --json) >out.json &&
	python3 -c "
import json; d=json.load(open(\"out.json\"))
assert [x[\"code\"] for x in d[\"diagnostics\"]]==[\"stale-temp\", \"stale-temp\"], d
" &&
	(cd ws && sw spec task demo 2.3 --status done) >out &&
	[ ! -e "$d/.tasks.md.tmp.$dead.0" ] &&
	[ -e "$d/.tasks.md.tmp.$$.1" ] && [ -e "$d/.tasks.md.tmp.notes" ] &&
	[ -e "$d/.design.md.tmp.$dead.3" ] &&
	(cd ws && sw doctor) >out 2>err &&
	expect_no_grep "tasks.md.tmp" err && expect_grep "design.md.tmp.$dead.3" err
'
