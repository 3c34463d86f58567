#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hooks list: both hook generations in one model.
. "$(dirname "$0")/lib.sh"

sw_test 'hooks list shows IDE and v1 hooks' '
	mkdir -p .kiro/hooks &&
	cat >.kiro/hooks/docs.kiro.hook <<-EOF2 &&
	{"name": "Update docs", "version": "1", "when": {"type": "fileEdited", "patterns": ["src/**/*.ts"]},
	 "then": {"type": "askAgent", "prompt": "update the docs"}}
	EOF2
	cat >.kiro/hooks/ci.json <<-EOF2 &&
	{"version": "v1", "hooks": [
	  {"name": "lint", "trigger": "PostFileSave", "matcher": "\\\\.ts$", "action": {"type": "command", "command": "npm run lint"}, "timeout": 30},
	  {"name": "guard", "trigger": "PreToolUse", "enabled": false, "action": {"type": "agent", "prompt": "careful"}}]}
	EOF2
	sw hooks list >out 2>err && test ! -s err &&
	expect_grep "^ci/lint  *fileEdited  *runCommand  *enabled  *lint" out &&
	expect_grep "^ci/guard  *preToolUse  *askAgent  *disabled  *guard" out &&
	expect_grep "^docs  *fileEdited  *askAgent  *enabled  *Update docs" out &&
	sw hooks list --json >out &&
	python3 -c "import json; d=json.load(open(\"out\")); h={x[\"id\"]:x for x in d[\"hooks\"]}; assert h[\"ci/lint\"][\"matcher\"]==\"\\\\.ts$\" and h[\"ci/lint\"][\"timeout\"]==30 and h[\"ci/lint\"][\"format\"]==\"v1\"; assert h[\"docs\"][\"patterns\"]==[\"src/**/*.ts\"]; assert d[\"diagnostics\"]==[]"
'

sw_test 'a broken hook file is reported with file:line:col and exit 1' '
	mkdir -p .kiro/hooks &&
	printf "{\"name\": \"x\",\n \"when\": {\"type\": \"onSave\", \"patterns\": [\"*\"]},\n \"then\": {\"type\": \"askAgent\", \"prompt\": \"p\"}}\n" >.kiro/hooks/x.kiro.hook &&
	expect_fail 1 sw hooks list >out 2>err &&
	expect_grep "^\.kiro/hooks/x.kiro.hook:2:19: error: unknown hook type .onSave." err &&
	expect_grep "hint: expected fileEdited" err
'

sw_test 'no hooks folder lists nothing' '
	mkdir .kiro && sw hooks list >out && expect_grep "no hooks" out
'
