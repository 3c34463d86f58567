#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mcp list: global and workspace mcp.json merged, with origins; ${VAR} kept.
. "$(dirname "$0")/lib.sh"

setup_mcp() {
	mkdir -p .kiro/settings "$HOME/.kiro/settings"
	cat >"$HOME/.kiro/settings/mcp.json" <<-EOF2
	{"mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch"]},
	  "remote": {"url": "https://mcp.example.test/mcp", "headers": {"Authorization": "Bearer \${API_TOKEN}"}}}}
	EOF2
	cat >.kiro/settings/mcp.json <<-EOF2
	{"mcpServers": {"fetch": {"command": "docker", "args": ["run", "fetch"], "disabled": true},
	  "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"GITHUB_TOKEN": "\${GITHUB_TOKEN}"}}}}
	EOF2
}

sw_test 'mcp list merges with origins, workspace wins' '
	setup_mcp && API_TOKEN=secret-value GITHUB_TOKEN=also-secret sw mcp list >out 2>err && test ! -s err &&
	expect_grep "^fetch  *workspace disabled stdio  docker run fetch" out &&
	expect_grep "overrides global entry in ~/.kiro/settings/mcp.json" out &&
	expect_grep "^github  *workspace enabled  stdio  npx -y @modelcontextprotocol/server-github" out &&
	expect_grep "^remote  *global  *enabled  http  *https://mcp.example.test/mcp" out &&
	expect_no_grep "secret" out
'

sw_test 'mcp list --json keeps ${VAR} unexpanded and hides env values' '
	setup_mcp && GITHUB_TOKEN=also-secret sw mcp list --json >out &&
	expect_no_grep "also-secret" out &&
	python3 -c "import json; d=json.load(open(\"out\")); s={x[\"name\"]:x for x in d[\"servers\"]}; assert s[\"github\"][\"env\"]==[\"GITHUB_TOKEN\"]; assert s[\"fetch\"][\"overrides\"][\"origin\"]==\"global\"; assert s[\"remote\"][\"headers\"]==[\"Authorization\"]; assert s[\"fetch\"][\"origin\"]==\"workspace\""
'

sw_test 'mcp list works outside a workspace (global only)' '
	setup_mcp && mkdir elsewhere && cd elsewhere && rm -rf ../.kiro && sw mcp list >../out && cd .. &&
	expect_grep "^fetch  *global  *enabled  stdio  uvx mcp-server-fetch" out
'

sw_test 'a bad mcp.json entry is located' '
	mkdir -p .kiro/settings &&
	printf "{\"mcpServers\": {\n  \"x\": {\"args\": [\"a\"]}\n}}\n" >.kiro/settings/mcp.json &&
	expect_fail 1 sw mcp list >out 2>err &&
	expect_grep "^\.kiro/settings/mcp.json:2:3: error: MCP server .x. has neither .command. nor .url." err
'

# Servers that cannot start: why, from their stderr, and where an unset variable is.
sw_test 'mcp list --status: a failed server shows the error lines of its stderr' '
	sw_require_cmd python3
	mkdir -p .kiro/settings &&
	printf "import no_such_module_here\n" >crash.py &&
	cat >.kiro/settings/mcp.json <<-EOF2 &&
	{"mcpServers": {
	  "py": {"command": "python3", "args": ["$PWD/crash.py"]},
	  "sh": {"command": "sh", "args": ["-c", "echo starting >&2; echo fatal: cannot bind port 80 >&2; echo bye >&2; exit 3"]}
	}}
	EOF2
	expect_fail 1 sw mcp list --status >out 2>err &&
	expect_grep "^py  *failed .*exited with status 1 (stderr: ModuleNotFoundError: No module named .no_such_module_here.)$" out &&
	expect_grep "^sh  *failed .*exited with status 3 (stderr: fatal: cannot bind port 80; bye)$" out &&
	expect_no_grep "Traceback\|mcp server .[a-z]*.. " out &&
	expect_fail 1 sw mcp tools py 2>err &&
	expect_grep "^specwright: MCP server .py. failed to start: .*.py. exited with status 1 (stderr: ModuleNotFoundError" err
'

sw_test 'an unset ${VAR} is reported at the file:line:col of its reference' '
	mkdir -p .kiro/settings &&
	cat >.kiro/settings/mcp.json <<-EOF2 &&
	{"mcpServers": {
	  "gh": {"command": "true",
	    "env": {"A": "x", "TOKEN": "Bearer \${SW_TEST_UNSET_VAR}"}}
	}}
	EOF2
	unset SW_TEST_UNSET_VAR &&
	expect_fail 1 sw mcp list --status >out 2>err &&
	expect_grep "^gh  *failed .* \.kiro/settings/mcp\.json:3:40: MCP server .gh.: environment variable .SW_TEST_UNSET_VAR. is not set$" out &&
	expect_fail 1 sw mcp tools gh 2>err &&
	expect_grep "^specwright: \.kiro/settings/mcp\.json:3:40: MCP server .gh.: environment variable .SW_TEST_UNSET_VAR. is not set" err
'
