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
