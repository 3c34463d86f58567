#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Hostile spec files: truncated, 1 MB lines, invalid UTF-8, 10,000 nested
# bullets, binary noise, CRLF with a BOM.  Each gives a clear message (or a
# clean result), never a crash or a hang.
. "$(dirname "$0")/lib.sh"

FIX=$SW_TOP/tests/fixtures/specs

spec_dir() {
	mkdir -p .kiro/specs/h && cp "$FIX/demo/requirements.md" "$FIX/demo/design.md" "$FIX/demo/tasks.md" .kiro/specs/h/
}

# lint must exit 0 or 1 (never crash) within 20 seconds.
lint_ok() {
	st=0; timeout 20 "$SPECWRIGHT" spec lint "$@" || st=$?
	[ $st -le 1 ] || { echo "spec lint exited $st" >&2; return 1; }
}

sw_test 'truncated files give located errors' '
	spec_dir &&
	head -c 700 "$FIX/demo/tasks.md" >.kiro/specs/h/tasks.md &&
	head -c 300 "$FIX/demo/requirements.md" >.kiro/specs/h/requirements.md &&
	lint_ok h 2>err &&
	expect_grep "tasks.md:[0-9]*:[0-9]*: error: task dependency graph: " err &&
	expect_grep "\[tasks-graph-json\]" err
'

sw_test 'invalid UTF-8 is reported at its byte' '
	spec_dir &&
	printf "# Requirements\n\n## Requirements\n\n### Requirement 1\n\n#### Acceptance Criteria\n\n1. THE S SHALL caf\303\050 work\n" >.kiro/specs/h/requirements.md &&
	{ lint_ok h 2>err; } &&
	expect_grep "requirements.md:9:19: error: invalid UTF-8 byte 0xc3 \[md-utf8\]" err
'

sw_test 'a 1 MB line and 10,000 nested bullets' '
	spec_dir &&
	python3 -c "
import sys
sys.stdout.write(\"# R\n\n## Requirements\n\n### Requirement 1\n\n#### Acceptance Criteria\n\n1. WHEN \" + \"x\" * (1 << 20) + \" THEN the system SHALL work\n\")
" >.kiro/specs/h/requirements.md &&
	python3 -c "
import sys
sys.stdout.write(\"# Tasks\n\n\" + \"- \" * 10000 + \"[ ] 1. deep\n\")
" >.kiro/specs/h/tasks.md &&
	lint_ok h 2>err && expect_grep "1 spec checked" err &&
	timeout 20 "$SPECWRIGHT" spec show --json h >s.json &&
	python3 -c "import json; s=json.load(open(\"s.json\")); assert s[\"tasks\"][0][\"title\"]==\"deep\""
'

sw_test 'binary noise and empty files' '
	spec_dir &&
	head -c 65536 /dev/urandom >.kiro/specs/h/design.md &&
	: >.kiro/specs/h/tasks.md &&
	lint_ok h 2>err && expect_grep "tasks.md:1:1: warning: file is empty \[spec-empty\]" err &&
	{ grep -q "md-utf8" err || ! python3 -c "open(\".kiro/specs/h/design.md\",encoding=\"utf-8\").read()" 2>/dev/null; }
'

sw_test 'CRLF and a BOM: positions and status changes keep every other byte' '
	spec_dir &&
	printf "\357\273\277" >t && sed "s/\$/\r/" "$FIX/demo/tasks.md" >>t && mv t .kiro/specs/h/tasks.md &&
	cp .kiro/specs/h/tasks.md before &&
	lint_ok h 2>err && expect_grep "0 errors" err &&
	sw spec task h 4.2 --status done >out &&
	{ cmp -l before .kiro/specs/h/tasks.md >diff || true; } && test "$(wc -l <diff)" -eq 2 &&
	head -c 3 .kiro/specs/h/tasks.md | od -An -tx1 | grep -q "ef bb bf" &&
	grep -c "$(printf "\r")\$" .kiro/specs/h/tasks.md >crlf && test "$(cat crlf)" -eq "$(wc -l <before)"
'

sw_test 'a bad .config.kiro is an error that names the file' '
	spec_dir && printf "{\"specType\": \"feature\",}" >.kiro/specs/h/.config.kiro &&
	expect_fail 1 "$SPECWRIGHT" spec lint h 2>err && expect_grep "\.config\.kiro:1:[0-9]*: error: .*\[spec-config\]" err
'
