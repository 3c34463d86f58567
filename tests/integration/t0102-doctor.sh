#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright doctor: every .kiro file checked, located findings, exit status.
. "$(dirname "$0")/lib.sh"

broken_workspace() {
	sw init >/dev/null
	printf -- "---\ninclusion: sometimes\n---\n" >.kiro/steering/odd.md
	printf "{\"allowedTools\": [\"*\"]}\n" >.kiro/agents/bad.json
	printf "{\"name\": \"h\", \"when\": {\"type\": \"fileEdited\"}, \"then\": {\"type\": \"askAgent\", \"prompt\": \"p\"}}\n" >.kiro/hooks/h.kiro.hook
	printf "{\"mcpServers\": {\"s\": {\"command\": \"x\", \"env\": {\"A\": 1}}}}\n" >.kiro/settings/mcp.json
}

sw_test 'doctor reports every area with file:line:col and exits 1' '
	broken_workspace &&
	expect_fail 1 sw doctor >out 2>err &&
	expect_grep "^\.kiro/steering/odd.md:2:12: warning: unknown inclusion .sometimes.; Kiro treats the document as .always." err &&
	expect_grep "^\.kiro/agents/bad.json:1:19: error: \$.allowedTools\[0\]: a bare .\*. is not allowed" err &&
	expect_grep "^\.kiro/hooks/h.kiro.hook:1:23: error: \$.when.patterns: missing" err &&
	expect_grep "^\.kiro/settings/mcp.json:1:52: error: \$.mcpServers.s.env.A: expected string, found number" err &&
	expect_grep "^problems found: 3 errors, 1 warning" out
'

sw_test 'doctor --json is one document with every diagnostic' '
	broken_workspace &&
	expect_fail 1 sw doctor --json >out &&
	python3 -c "import json; d=json.load(open(\"out\")); assert d[\"ok\"] is False and d[\"errors\"]==3 and d[\"warnings\"]==1, d; c={x[\"code\"] for x in d[\"diagnostics\"]}; assert c=={\"steering-inclusion\",\"agent-allowed-tools\",\"hook-patterns\",\"mcp-field\"}, c; assert d[\"checked\"][\"steering\"]==4"
'

sw_test 'doctor checks the global configuration too' '
	sw init >/dev/null && mkdir -p "$HOME/.kiro/steering" "$HOME/.kiro/settings" &&
	printf "{\"mcpServers\": {\"g\": {\"url\": \"ftp://x\"}}}\n" >"$HOME/.kiro/settings/mcp.json" &&
	expect_fail 1 sw doctor 2>err &&
	expect_grep "^~/.kiro/settings/mcp.json:1:30: error: .*http:// or https://" err
'

sw_test 'doctor refuses references, steering and spec documents that resolve outside the workspace' '
	mkdir -p ws out && cd ws && sw init >/dev/null &&
	printf "x\n" >../out/hosts.md && printf "# Implementation Plan\n\n- [ ] 1. Outside\n" >../out/tasks.md &&
	printf "See #[[file:../../../../../../../../../../../../etc/passwd]].\n" >.kiro/steering/refs.md &&
	ln -s "$PWD/../out/hosts.md" .kiro/steering/x.md &&
	mkdir -p .kiro/specs/s && ln -s "$PWD/../out/tasks.md" .kiro/specs/s/tasks.md &&
	{ sw doctor >../out.txt 2>../err; echo $? >../rc; } && cd .. &&
	test "$(cat rc)" -eq 1 &&
	expect_grep "^\.kiro/steering/refs.md:1:5: error: referenced file .\(\.\./\)*etc/passwd. resolves outside the workspace (/etc/passwd); refused" err &&
	expect_grep "\.kiro/steering/x.md.*error: .*resolves outside the workspace (.*/out/hosts.md); refused" err &&
	expect_grep "\.kiro/specs/s.*error: .\.kiro/specs/s/tasks.md. resolves outside the workspace (.*/out/tasks.md); refused" err
'

sw_test 'doctor outside a workspace says how to start' '
	expect_fail 1 sw doctor 2>err && expect_grep "specwright init" err
'

sw_test 'doctor -q hides warnings but not errors' '
	broken_workspace && expect_fail 1 sw -q doctor >out 2>err &&
	expect_no_grep "warning:" err && expect_grep "error:" err
'

sw_test '--help works outside a workspace' '
	sw doctor --help >out && expect_grep "usage: specwright doctor" out &&
	sw steering explain --help >out && expect_grep "usage: specwright steering explain" out &&
	sw help agent validate >out && expect_grep "usage: specwright agent validate" out
'
