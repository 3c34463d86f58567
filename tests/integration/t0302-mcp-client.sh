#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The MCP client commands (mcp list --status, mcp tools, mcp call) against
# real servers configured in .kiro/settings/mcp.json: the reference
# everything and filesystem servers, Specwright's own server, and servers
# that cannot start.
. "$(dirname "$0")/lib.sh"

BIN=$SW_TOP/tests/node_modules/.bin
sw_require_file "$BIN/mcp-server-everything" "$BIN/mcp-server-filesystem"
sw_require_cmd python3

setup() {
	mkdir -p .kiro/settings fs &&
	printf 'hello fs\n' > fs/a.txt &&
	cat > .kiro/settings/mcp.json <<-EOF2
	{"mcpServers": {
	  "everything": {"command": "$BIN/mcp-server-everything"},
	  "fs": {"command": "$BIN/mcp-server-filesystem", "args": ["$PWD/fs"], "disabledTools": ["write_file"]},
	  "self": {"command": "$SPECWRIGHT", "args": ["mcp", "serve", "--root", "\${STORE_ROOT}"]},
	  "broken": {"command": "$PWD/no-such-server"},
	  "off": {"command": "whatever", "disabled": true}
	}}
	EOF2
}

sw_test 'mcp list --status starts each server: state, tool count, why it failed' '
	setup && STORE_ROOT=$PWD/fs expect_fail 1 sw mcp list --status >out &&
	expect_grep "^everything  *ready  *stdio  *1[0-9] tools" out &&
	expect_grep "^fs  *ready  *stdio  *13 tools" out &&
	expect_grep "^self  *ready  *stdio  *3 tools" out &&
	expect_grep "^broken  *failed.*no-such-server" out &&
	expect_grep "^off  *disabled" out
'

sw_test 'mcp list --status --json is one document; an unset ${VAR} is a failure of that server' '
	setup && expect_fail 1 sw mcp list --status --json >out &&
	python3 -c "
import json
d = json.load(open(\"out\"))
s = {x[\"name\"]: x for x in d[\"servers\"]}
assert s[\"fs\"][\"status\"] == \"ready\" and s[\"fs\"][\"tools\"] == 13, s[\"fs\"]
assert s[\"self\"][\"status\"] == \"failed\" and \"STORE_ROOT\" in s[\"self\"][\"error\"], s[\"self\"]
assert s[\"off\"][\"status\"] == \"disabled\"
"
'

sw_test 'mcp tools lists @server/tool names without disabledTools' '
	setup && sw mcp tools fs >out &&
	expect_grep "^@fs/read_text_file " out && expect_grep "^@fs/list_directory " out &&
	expect_no_grep "@fs/write_file " out &&
	sw mcp tools everything --json >out &&
	python3 -c "import json; d=json.load(open(\"out\")); n=[t[\"name\"] for t in d[\"tools\"]]; assert \"@everything/echo\" in n and \"@everything/get-sum\" in n, n"
'

sw_test 'mcp call: everything echo, get-sum and structured content' '
	setup &&
	sw mcp call everything echo "{\"message\":\"hi there\"}" >out && expect_grep "^Echo: hi there$" out &&
	sw mcp call everything get-sum "{\"a\":2,\"b\":3}" >out && expect_grep "is 5" out &&
	sw mcp call everything get-structured-content "{\"location\":\"Chicago\"}" --json >out &&
	python3 -c "import json; d=json.load(open(\"out\")); assert \"temperature\" in d[\"structuredContent\"]"
'

sw_test 'mcp call: filesystem read, list, and a denied path (exit 1, reason on stderr)' '
	setup &&
	sw mcp call fs read_text_file "{\"path\":\"$PWD/fs/a.txt\"}" >out && expect_grep "^hello fs$" out &&
	sw mcp call fs list_directory "{\"path\":\"$PWD/fs\"}" >out && expect_grep "a.txt" out &&
	expect_fail 1 sw mcp call fs read_text_file "{\"path\":\"/etc/passwd\"}" >out 2>err &&
	expect_grep "Access denied" err && expect_no_grep "root:" out
'

sw_test 'mcp call: our own server through the client, hostile key refused' '
	setup &&
	STORE_ROOT=$PWD/fs sw mcp call self fs_read "{\"path\":\"a.txt\"}" >out && expect_grep "^hello fs$" out &&
	STORE_ROOT=$PWD/fs expect_fail 1 sw mcp call self fs_read "{\"path\":\"../.kiro/settings/mcp.json\"}" 2>err &&
	expect_grep "refused key" err
'

sw_test 'mcp call errors: unknown server, disabled, failed start, unknown tool, bad JSON' '
	setup &&
	expect_fail 1 sw mcp call nosuch t 2>err && expect_grep "no MCP server .nosuch." err &&
	expect_fail 1 sw mcp call off t 2>err && expect_grep "disabled" err &&
	expect_fail 1 sw mcp call broken t 2>err && expect_grep "failed to start" err &&
	expect_fail 1 sw mcp call everything nosuch 2>err && expect_grep "has no tool .nosuch." err &&
	expect_fail 2 sw mcp call everything echo "{\"message\":" 2>err && expect_grep "JSON-ARGS:1:" err &&
	expect_fail 2 sw mcp call everything echo "[1]" 2>err && expect_grep "must be a JSON object" err
'

sw_test 'a Node.js server that throws: the error line, not the "Node.js v..." banner' '
	sw_require_cmd node
	mkdir -p .kiro/settings &&
	printf "const cfg = require(\"./no-such-config.json\");\n" >crash.js &&
	printf "throw new Error(\"DATABASE_URL is missing\");\n" >throw.js &&
	cat >.kiro/settings/mcp.json <<-EOF2 &&
	{"mcpServers": {
	  "missing": {"command": "node", "args": ["$PWD/crash.js"]},
	  "throws": {"command": "node", "args": ["$PWD/throw.js"]}
	}}
	EOF2
	expect_fail 1 sw mcp list --status >out 2>err &&
	expect_grep "^missing  *failed .*.missing. exited with status 1 (stderr: Error: Cannot find module ..\/no-such-config.json.; Require stack: - .*crash.js)$" out &&
	expect_grep "^throws  *failed .*.throws. exited with status 1 (stderr: Error: DATABASE_URL is missing)$" out &&
	expect_no_grep "Node.js v\|mcp server .[a-z]*.. " out
'
