#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The spec command group on a small spec: list, show, lint, trace, next,
# waves and task status changes, text and --json.
. "$(dirname "$0")/lib.sh"

FIX=$SW_TOP/tests/fixtures/specs

# A workspace holding a copy of the demo spec.
demo_ws() {
	mkdir -p .kiro/specs && cp -r "$FIX/demo" .kiro/specs/demo
}

json_ok() {
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1"
}

sw_test 'spec --help lists the verbs' '
	sw spec --help >out && expect_grep "lint" out && expect_grep "waves" out &&
	expect_fail 2 sw spec frobnicate 2>err && expect_grep "not a .spec. command" err
'

sw_test 'list and show, text and json' '
	demo_ws &&
	sw spec list >out && expect_grep "^demo  *feature  *2  *5" out &&
	sw spec list --json >out.json && json_ok out.json && expect_grep "\"name\":\"demo\"" out.json &&
	sw spec show demo >out && expect_grep "1.2 *\[unwanted\]" out && expect_grep "2.1 *\[state-driven\]" out &&
	sw spec show demo --json >show.json && json_ok show.json &&
	python3 -c "
import json; d=json.load(open(\"show.json\"))
assert d[\"type\"]==\"feature\"
assert [c[\"ears\"] for r in d[\"requirements\"] for c in r[\"criteria\"]]==[\"event-driven\",\"unwanted\",\"ubiquitous\",\"state-driven\",\"optional\"]
t={x[\"id\"]:x for x in d[\"tasks\"]}
assert t[\"2.2\"][\"optional\"] and t[\"2\"][\"status\"]==\"doing\" and t[\"2.1\"][\"parent\"]==\"2\"
assert t[\"3\"][\"checkpoint\"]
assert d[\"graph\"][\"format\"]==\"objects\" and d[\"graph\"][\"waves\"][1][\"tasks\"]==[\"2.1\",\"2.2\",\"2.3\"]
"
'

sw_test 'list keeps its header and lists a spec that fails to load, with its error' '
	demo_ws && mkdir .kiro/specs/aaa-huge && truncate -s 65M .kiro/specs/aaa-huge/tasks.md &&
	expect_fail 1 sw spec list >out 2>err &&
	head -n 1 out | grep -q "^NAME  *TYPE" &&
	expect_grep "^aaa-huge  *-  *error: tasks.md is 68157440 bytes, over the 67108864-byte (64 MiB) limit" out &&
	expect_grep "^demo  *feature  *2  *5" out &&
	expect_grep "aaa-huge/tasks.md:1:1: tasks.md is 68157440 bytes" err &&
	expect_fail 1 sw spec list --json >out.json && json_ok out.json &&
	python3 -c "
import json; d=json.load(open(\"out.json\"))
s={x[\"name\"]:x for x in d[\"specs\"]}
assert \"68157440 bytes\" in s[\"aaa-huge\"][\"error\"] and \"error\" not in s[\"demo\"]
"
'

sw_test 'lint of a spec over the size cap is a located error that counts' '
	demo_ws && mkdir .kiro/specs/aaa-huge && truncate -s 65M .kiro/specs/aaa-huge/tasks.md &&
	expect_fail 1 sw spec lint aaa-huge 2>err &&
	expect_grep "^specwright: .kiro/specs/aaa-huge/tasks.md:1:1: tasks.md is 68157440 bytes, over the 67108864-byte (64 MiB) limit" err &&
	expect_grep "1 spec checked: 1 error, 0 warnings" err &&
	expect_fail 1 sw spec lint 2>err && expect_grep "2 specs checked: 1 error" err &&
	expect_fail 1 sw spec lint --json aaa-huge >l.json && json_ok l.json &&
	python3 -c "
import json; d=json.load(open(\"l.json\"))
assert d[\"specs\"]==1 and d[\"errors\"]==1 and not d[\"ok\"]
g=d[\"diagnostics\"][0]
assert g[\"code\"]==\"spec-too-big\" and g[\"path\"]==\".kiro/specs/aaa-huge/tasks.md\" and g[\"line\"]==1
"
'

sw_test 'lint of a clean spec exits 0' '
	demo_ws && sw spec lint >out 2>err && expect_grep "0 errors" err
'

sw_test 'lint reports errors with file:line:col, code and caret, exits 1' '
	demo_ws &&
	sed -i "s/^2. IF the note body is empty,/2. IF ,/; s/_Requirements: 2.2_/_Requirements: 2.9_/; s/- \[ \] 4.1/- [?] 4.1/" .kiro/specs/demo/*.md &&
	expect_fail 1 sw spec lint demo 2>err &&
	expect_grep "requirements.md:21:6: error: criterion 1.2: expected the condition after .IF., found nothing \[ears-empty-condition\]" err &&
	expect_grep "tasks.md:25:22: error: task 4.2 names requirement 2.9" err &&
	expect_grep "tasks.md:22:5: error: expected .\[ \]., .\[x\]., .\[-\]. or .\[~\]., found .\[?\]. \[tasks-checkbox\]" err &&
	expect_grep "tasks.md:34:26: error: wave 2 names task .4.1., which tasks.md does not have \[waves-unknown-task\]" err &&
	expect_grep "^ *\^" err &&
	{ sw spec lint demo --json >out.json || test $? -eq 1; } && json_ok out.json &&
	expect_grep "\"code\":\"trace-unknown-criterion\"" out.json
'

sw_test 'lint --strict fails on warnings only' '
	demo_ws && sed -i "s/SHALL return at most 50/SHALL quickly return at most 50/" .kiro/specs/demo/requirements.md &&
	sw spec lint demo 2>err && expect_grep "vague word .quickly." err &&
	expect_fail 1 sw spec lint --strict demo 2>err && expect_grep "1 warning" err
'

sw_test 'lint accepts a folder path and a single file outside a workspace' '
	cp -r "$FIX/demo" d && sw spec lint d 2>err && expect_grep "1 spec checked" err &&
	sw spec lint d/tasks.md 2>err && expect_grep "0 errors" err
'

sw_test 'trace lists tasks and properties per criterion' '
	demo_ws && sw spec trace demo >out &&
	expect_grep "^1.1 .*1, 2.1, 2.2 .*P1" out && expect_grep "0 uncovered" out &&
	sw spec trace demo --markdown >md && expect_grep "^| 2.2 | optional | 4.2 | P2 |" md &&
	sw spec trace demo --json >t.json && json_ok t.json
'

sw_test 'next follows the file graph; waves shows both' '
	demo_ws && sw spec next demo >out &&
	expect_grep "^2.2 *\* Property test" out && expect_grep "^2.3 " out && expect_no_grep "^4.1" out &&
	sw spec next --required demo >out && expect_no_grep "^2.2" out &&
	sw spec waves demo >out && expect_grep "wave 1: 2.1 2.2 2.3" out &&
	sw spec waves demo --json >w.json && json_ok w.json
'

sw_test 'task --status edits only the bracket bytes and updates the parent' '
	demo_ws && cp .kiro/specs/demo/tasks.md before &&
	sw spec task demo 2.3 --status done >out && expect_grep "2.3: todo -> done" out && expect_grep "^2: doing -> done" out &&
	cmp -l before .kiro/specs/demo/tasks.md >diff || true &&
	test "$(wc -l <diff)" -eq 2 &&
	sw spec task demo 4.1 --status doing --json >o.json && json_ok o.json &&
	expect_grep "\"id\":\"4\"" o.json && grep -q "^- \[-\] 4. Listing" .kiro/specs/demo/tasks.md
'

sw_test 'task --status: unknown task and bad status' '
	demo_ws &&
	expect_fail 1 sw spec task demo 9.9 --status done 2>err && expect_grep "no task .9.9." err &&
	expect_fail 2 sw spec task demo 2.1 --status finished 2>err && expect_grep "unknown status" err &&
	expect_fail 1 sw spec show nosuch 2>err && expect_grep "no spec .nosuch." err
'
