#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright init: the skeleton, never overwriting without --force, atomic writes.
. "$(dirname "$0")/lib.sh"

sw_test 'init creates the skeleton and doctor is clean' '
	sw init >out &&
	for f in .kiro/steering/product.md .kiro/steering/tech.md .kiro/steering/structure.md .kiro/settings/mcp.json; do
		test -f "$f" && expect_grep "^created  *$f" out || exit 1
	done &&
	for d in specs hooks agents; do test -d ".kiro/$d" || exit 1; done &&
	expect_grep "^inclusion: always" .kiro/steering/tech.md &&
	expect_grep "\"mcpServers\": {}" .kiro/settings/mcp.json &&
	sw doctor >out 2>err && expect_grep "^ok: 0 errors, 0 warnings" out && test ! -s err &&
	sw steering list >out && test "$(grep -c " always " out)" -eq 3
'

sw_test 'init twice keeps every file and says so' '
	sw init >/dev/null && printf "# mine\n" >.kiro/steering/tech.md &&
	sw init >out &&
	expect_grep "^kept  *.kiro/steering/tech.md (exists; --force to overwrite)" out &&
	expect_grep "^kept  *.kiro/specs/" out &&
	expect_no_grep "^created" out &&
	test "$(cat .kiro/steering/tech.md)" = "# mine"
'

sw_test 'init --force overwrites and reports it' '
	sw init >/dev/null && printf "# mine\n" >.kiro/steering/tech.md &&
	sw init --force >out &&
	expect_grep "^overwritten .kiro/steering/tech.md" out &&
	expect_grep "^inclusion: always" .kiro/steering/tech.md
'

sw_test 'init --json lists created and kept' '
	mkdir -p .kiro/steering && printf "x\n" >.kiro/steering/product.md &&
	sw init --json >out &&
	python3 -c "import json; d=json.load(open(\"out\")); assert \".kiro/steering/product.md\" in d[\"kept\"], d; assert \".kiro/steering/tech.md\" in d[\"created\"]; assert d[\"overwritten\"]==[]"
'

sw_test 'init with -C into another folder' '
	mkdir proj && sw -C proj init >/dev/null && test -f proj/.kiro/steering/structure.md &&
	sw -C proj/.kiro/specs doctor >out && expect_grep "^ok:" out
'

sw_test 'a failing write loses nothing and leaves no temporary file' '
	sw init >/dev/null && printf "# mine\n" >.kiro/steering/product.md &&
	expect_fail 1 env SW_FAULT=rename:1 "$SPECWRIGHT" init --force 2>err &&
	test "$(cat .kiro/steering/product.md)" = "# mine" &&
	test -z "$(find .kiro -name "*.tmp*" -o -name ".*~*")" && test "$(ls -a .kiro/steering | wc -l)" -eq 5
'

sw_test 'init --help and unknown options' '
	sw init --help >out && expect_grep "usage: specwright init" out &&
	expect_fail 2 sw init --frobnicate 2>err && expect_grep "unknown option" err &&
	expect_fail 2 sw init extra 2>err && expect_grep "too many arguments" err
'
