#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright acp-client against real ACP agents: the SDK's example agent,
# a scripted SDK agent (fs, terminals, permissions), gemini-cli offline,
# and hostile agents (garbage, early exit, silence).
. "$(dirname "$0")/lib.sh"

NM=$SW_TOP/tests/node_modules
EXAMPLE=$NM/@agentclientprotocol/sdk/dist/examples/agent.js
TOOL_AGENT=$SW_TOP/tests/acp/tool-agent.mjs
sw_require_cmd node
[ -f "$EXAMPLE" ] || sw_skip_all dep "${EXAMPLE#"$SW_TOP"/} is absent (make deps)"

# jq-like reads with node: jget FILE 'd.turn.stopReason'
jget() { node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const v=eval(process.argv[2]); console.log(typeof v==="string"?v:JSON.stringify(v))' "$1" "$2"; }
# alive PID: running (a zombie left for a reaper that is not us does not count)
alive() { kill -0 "$1" 2>/dev/null && ! grep -q "^[0-9]* ([^)]*) Z" "/proc/$1/stat" 2>/dev/null; }
expect_eq() { [ "$1" = "$2" ] || { echo "expected '$2', found '$1'" >&2; return 1; }; }

sw_test 'example agent: full turn, tool calls, permission allowed' '
	sw acp-client --allow-all --json --prompt "hi" -- node "$EXAMPLE" >out.json 2>err &&
	expect_eq "$(jget out.json d.turn.stopReason)" end_turn &&
	expect_eq "$(jget out.json d.agent.protocolVersion)" 1 &&
	expect_eq "$(jget out.json "d.turn.toolCalls.map(t=>t.toolCallId+\":\"+t.kind+\":\"+t.status).join()")" \
		"call_1:read:completed,call_2:edit:completed" &&
	expect_eq "$(jget out.json d.turn.permissionsAllowed)" 1 &&
	expect_eq "$(jget out.json "d.turn.toolCalls[0].content[0].content.text")" "# My Project

This is a sample project..." &&
	expect_grep "successfully updated the configuration" out.json
'

sw_test 'example agent: the default policy rejects the edit, text streams' '
	sw acp-client --prompt "hi" -- node "$EXAMPLE" >out 2>err &&
	expect_grep "I will skip\|skip the configuration update" out &&
	expect_grep "^stop: end_turn" out &&
	expect_grep "permission: rejected .Modifying critical configuration file. (reject)" err &&
	expect_grep "^tool: Reading project files \[read\] pending" err
'

sw_test 'example agent: the turn deadline cancels mid-turn' '
	start=$(date +%s) &&
	expect_fail 1 sw acp-client --timeout 2 --prompt "hi" -- node "$EXAMPLE" >out 2>err &&
	end=$(date +%s) &&
	expect_grep "^stop: cancelled" out &&
	expect_grep "exceeded its 2000 ms deadline" err &&
	expect_no_grep "successfully updated" out &&
	[ $((end - start)) -lt 9 ]
'

sw_test 'fs requests are served inside the session directory only' '
	mkdir -p work && printf "one\ntwo\nthree\n" >work/notes.txt && echo secret >secret.txt &&
	mkdir outside && ln -s "$PWD/outside" work/link &&
	sw acp-client --cwd work --prompt fs -- node "$TOOL_AGENT" >out 2>err &&
	expect_grep "^read: ok {\"content\":\"two\\\\n\"}" out &&
	expect_grep "^write: ok" out && expect_eq "$(cat work/sub/out.txt)" "written by agent" &&
	expect_grep "^outside: refused -32602 .*outside the session directory" out &&
	expect_grep "^traversal: refused -32602" out &&
	expect_grep "^escape-write: refused -32602 .*symbolic link" out &&
	[ ! -e outside/evil.txt ] &&
	expect_grep "^missing: refused -32002" out
'

sw_test '--read-only and --no-fs withdraw the capabilities' '
	mkdir work && echo x >work/notes.txt &&
	sw acp-client --cwd work --read-only --prompt fs -- node "$TOOL_AGENT" >out 2>err &&
	expect_grep "^read: ok" out && expect_grep "^write: refused -32601" out && [ ! -e work/sub ] &&
	sw acp-client --cwd work --no-fs --prompt fs -- node "$TOOL_AGENT" >out 2>err &&
	expect_grep "^read: refused -32601" out
'

sw_test 'terminals run commands for the agent when offered' '
	sw acp-client --terminal --prompt terminal -- node "$TOOL_AGENT" >out 2>err &&
	expect_grep "^terminal: exit=3 output=\"hello\\\\nfrom-env\\\\n\" truncated=false" out &&
	expect_fail 1 sw acp-client --prompt terminal -- node "$TOOL_AGENT" >out 2>err &&
	expect_grep "Method not found" err
'

sw_test 'permission policy by glob; plan and usage in the result' '
	sw acp-client --allow "make *" --json --prompt permission -- node "$TOOL_AGENT" >out.json 2>err &&
	expect_grep "optionId\\\\\":\\\\\"yes" out.json &&
	expect_eq "$(jget out.json "d.turn.plan.map(e=>e.content+\"=\"+e.status).join()")" "look=completed,change=in_progress" &&
	expect_eq "$(jget out.json d.turn.usage.used)" 1234 &&
	expect_eq "$(jget out.json d.turn.toolCalls[0].status)" completed &&
	sw acp-client --deny-all --json --prompt permission -- node "$TOOL_AGENT" >out.json 2>err &&
	expect_eq "$(jget out.json d.turn.toolCalls[0].status)" failed &&
	expect_eq "$(jget out.json d.turn.permissionsAllowed)" 0
'

sw_test 'mcp.json servers are attached in the ACP shape' '
	cat >mcp.json <<-JSON &&
	{"mcpServers": {
	  "files": {"command": "node", "args": ["server.js"], "env": {"TOKEN": "t1"}},
	  "web": {"url": "http://127.0.0.1:9/mcp", "headers": {"Authorization": "Bearer x"}},
	  "off": {"command": "nothing", "disabled": true}}}
	JSON
	sw acp-client --mcp-config mcp.json --prompt servers -- node "$TOOL_AGENT" >out 2>err &&
	node_path=$(command -v node) &&
	expect_grep "{\"name\":\"files\",\"command\":\"$node_path\",\"args\":\[\"server.js\"\],\"env\":\[{\"name\":\"TOKEN\",\"value\":\"t1\"}\]}" out &&
	expect_grep "{\"name\":\"web\",\"url\":\"http://127.0.0.1:9/mcp\",\"headers\":\[{\"name\":\"Authorization\",\"value\":\"Bearer x\"}\],\"type\":\"http\"}" out &&
	expect_no_grep "\"off\"" out &&
	echo "{\"mcpServers\": {\"bad\": {\"command\": 3}}}" >bad.json &&
	expect_fail 1 sw acp-client --mcp-config bad.json --prompt x -- node "$TOOL_AGENT" 2>err &&
	expect_grep "bad.json.*mcpServers.bad.command: expected string, found number" err
'

GEMINI=$NM/.bin/gemini
sw_test 'gemini --acp: initialize and session/new offline with a dummy key' '
	if [ ! -x "$GEMINI" ]; then echo "gemini-cli is not installed" >&2; exit 1; fi
	GEMINI_API_KEY=dummy sw acp-client --no-prompt --json -- "$GEMINI" --acp >out.json 2>err &&
	expect_eq "$(jget out.json d.agent.agentInfo.name)" gemini-cli &&
	expect_eq "$(jget out.json d.agent.protocolVersion)" 1 &&
	expect_grep "^[0-9a-f-]\{36\}$" "$(jget out.json d.sessionId >sid; echo sid)" &&
	expect_eq "$(jget out.json d.session.modes.currentModeId)" default &&
	expect_fail 1 env -u GEMINI_API_KEY "$SPECWRIGHT" acp-client --no-prompt -- "$GEMINI" --acp >out 2>err &&
	expect_grep "session/new. failed: .*(-32000)" err
'

# Hostile agents.  Our ids are 0 (initialize), 1 (session/new), 2 (session/prompt).
cat >"$SW_TMP_ROOT/partial-agent.sh" <<'AGENT'
read l; echo '{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":1}}'
read l; echo '{"jsonrpc":"2.0","id":1,"result":{"sessionId":"s1"}}'
read l
echo "garbage that is not json"
echo '{"jsonrpc":"2.0","method":"session/update","params":{"sessionId":"s1","update":{"sessionUpdate":"agent_message_chunk","content":{"type":"text","text":"partial answer"}}}}'
echo '{"jsonrpc":"2.0","method":"session/update","params":{"sessionId":"s1","update":{"sessionUpdate":"brand_new_kind","x":1}}}'
case $MODE in
exit) echo "agent crashed: out of cheese" >&2; exit 7 ;;
hang) echo $$ >"$PIDFILE"; sleep 120 & echo $! >>"$PIDFILE"; wait ;;
ok) sleep 0.2; echo '{"jsonrpc":"2.0","id":2,"result":{"stopReason":"end_turn","_meta":{"x":1}},"extra":1}'; read l ;;
esac
AGENT

sw_test 'hostile: garbage lines are skipped, unknown updates ignored' '
	MODE=ok sw acp-client --json --prompt hi -- sh "$SW_TMP_ROOT/partial-agent.sh" >out.json 2>err &&
	expect_eq "$(jget out.json d.turn.stopReason)" end_turn &&
	expect_eq "$(jget out.json d.turn.text)" "partial answer" &&
	expect_eq "$(jget out.json d.turn.updates)" 2
'

sw_test 'hostile: an agent that exits mid-turn is an error with its stderr' '
	MODE=exit expect_fail 1 sw acp-client --json --prompt hi -- sh "$SW_TMP_ROOT/partial-agent.sh" >out.json 2>err &&
	expect_grep "exited with status 7 (stderr: agent crashed: out of cheese)" err &&
	expect_eq "$(jget out.json d.turn.text)" "partial answer" &&
	expect_eq "$(jget out.json d.turn.stopReason)" null
'

sw_test 'hostile: an agent that never ends the turn is killed after the grace' '
	start=$(date +%s) &&
	MODE=hang PIDFILE=$PWD/pids expect_fail 1 sw acp-client --timeout 1 --cancel-grace 1 --prompt hi \
		-- sh "$SW_TMP_ROOT/partial-agent.sh" >out 2>err &&
	end=$(date +%s) && [ $((end - start)) -lt 8 ] &&
	expect_grep "exceeded its 1000 ms deadline" err &&
	sleep 0.2 && for p in $(cat pids); do alive "$p" && { echo "process $p survived" >&2; exit 1; }; done; true
'

sw_test 'hostile: silence and garbage during initialize time out, a missing program fails' '
	expect_fail 1 sw acp-client --request-timeout 1 --prompt hi -- sh -c "sleep 60" 2>err &&
	expect_grep "did not answer .initialize. within 1000 ms" err &&
	expect_fail 1 sw acp-client --prompt hi -- sh -c "printf \"not json\\n\\377\\n\"; exit 3" 2>err &&
	expect_grep "exited with status 3" err &&
	expect_fail 1 sw acp-client --prompt hi -- specwright-no-such-agent 2>err &&
	expect_grep "specwright-no-such-agent" err &&
	expect_fail 2 sw acp-client --prompt hi 2>err && expect_grep "no agent command" err
'
