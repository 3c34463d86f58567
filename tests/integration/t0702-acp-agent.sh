#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright acp (the built-in agent over ACP) driven by a client over the
# real @agentclientprotocol/sdk and by specwright acp-client, with the
# scripted model server behind it.
. "$(dirname "$0")/lib.sh"
. "$SW_TOP/tests/model-server/lib.sh"

NM=$SW_TOP/tests/node_modules
CLIENT=$SW_TOP/tests/acp/sdk-client.mjs
sw_require_cmd node python3
[ -d "$NM/@agentclientprotocol/sdk" ] || sw_skip_all dep "tests/node_modules/@agentclientprotocol/sdk is absent (make deps)"

jget() { node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const v=eval(process.argv[2]); console.log(typeof v==="string"?v:JSON.stringify(v))' "$1" "$2"; }
expect_eq() { [ "$1" = "$2" ] || { echo "expected '$2', found '$1'" >&2; return 1; }; }
model_env() { OPENAI_API_KEY=dummy OPENAI_BASE_URL=$MS_URL/v1; export OPENAI_API_KEY OPENAI_BASE_URL; }
agent() { echo "$SPECWRIGHT" acp --model openai/test-model "$@"; }

cat >"$SW_TMP_ROOT/turns.json" <<'JSON'
{"steps": [
 {"expect": {"last_user_contains": ["run it"], "tools": ["execute_bash", "fs_read"]},
  "respond": {"text": "Let me check.", "tool_calls": [{"id": "c1", "name": "execute_bash", "input": {"command": "echo hello-from-tool"}}],
              "usage": {"input": 50, "output": 10}}},
 {"expect": {"tool_result_contains": ["hello-from-tool"]}, "respond": {"text": "All done.", "usage": {"input": 80, "output": 5}}},
 {"expect": {"last_user_contains": ["slow"]}, "respond": {"text": "Working on it slowly", "hang": true, "events_before_hang": 3}}
]}
JSON

sw_test 'SDK client: new session, a tool call with permission, cancel mid-turn, load' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/turns.json" && model_env && mkdir work &&
	node "$CLIENT" "new,prompt:run it,cancel:slow" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_no_grep "Error handling" err &&
	expect_eq "$(jget out.json d.init.protocolVersion)" 1 &&
	expect_eq "$(jget out.json d.init.agentCapabilities.loadSession)" true &&
	expect_eq "$(jget out.json d.init.agentInfo.name)" specwright &&
	expect_eq "$(jget out.json d.results[0].modes.currentModeId)" kiro_default &&
	expect_eq "$(jget out.json d.results[1].stopReason)" end_turn &&
	expect_eq "$(jget out.json d.results[1].text)" "Let me check.All done." &&
	expect_eq "$(jget out.json "d.results[1].tools.map(t=>t.id+\"=\"+t.status).join()")" "c1=completed" &&
	expect_eq "$(jget out.json "d.permissions.map(p=>p.toolCallId+\":\"+p.options.join(\"/\")).join()")" \
		"c1:allow_once/allow_always/reject_once" &&
	expect_eq "$(jget out.json d.results[1].meta.usage.inputTokens)" 130 &&
	expect_eq "$(jget out.json d.results[1].meta.usage.outputTokens)" 15 &&
	expect_eq "$(jget out.json "d.results[1].updates.includes(\"usage_update\")")" true &&
	expect_eq "$(jget out.json d.results[2].stopReason)" cancelled &&
	[ "$(jget out.json d.results[2].cancelMs)" -lt 1000 ] &&
	ms_check 3 &&
	sid=$(jget out.json d.sessions[0]) && [ -f "work/.kiro/sessions/$sid.ndjson" ] &&
	node "$CLIENT" "load:$sid" "$PWD/work" -- $(agent) >load.json 2>err &&
	expect_no_grep "Error handling" err &&
	expect_eq "$(jget load.json d.results[0].error)" undefined &&
	expect_eq "$(jget load.json "d.results[0].updates.join()")" \
		"user_message_chunk,agent_message_chunk,tool_call,tool_call_update,agent_message_chunk,user_message_chunk,available_commands_update" &&
	expect_eq "$(jget load.json d.results[0].text)" "[user] run itLet me check.All done.[user] slow" &&
	node "$CLIENT" "load:no-such-session" "$PWD/work" -- $(agent) >bad.json 2>err &&
	expect_eq "$(jget bad.json d.results[0].error.code)" -32002
'

cat >"$SW_TMP_ROOT/deny.json" <<'JSON'
{"steps": [
 {"respond": {"tool_calls": [{"id": "w1", "name": "fs_write", "input": {"command": "create", "path": "x.txt", "file_text": "hi"}}]}},
 {"expect": {"tool_result_contains": ["did not allow"]}, "respond": {"text": "Understood, not writing."}}
]}
JSON

sw_test 'a rejected permission fails the tool and the model hears of it' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/deny.json" && model_env && mkdir work &&
	node "$CLIENT" "new,deny,prompt:write x" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.results[2].stopReason)" end_turn &&
	expect_eq "$(jget out.json "d.results[2].tools.map(t=>t.id+\"=\"+t.status).join()")" "w1=failed" &&
	[ ! -e work/x.txt ] && ms_check 2
'

cat >"$SW_TMP_ROOT/one.json" <<'JSON'
{"steps": [
 {"expect": {"system_contains": ["You review code"]}, "respond": {"text": "Reviewed."}}
]}
JSON

sw_test 'modes are agents; set_mode switches the session to a custom agent' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/one.json" && model_env && mkdir -p work/.kiro/agents &&
	echo "{\"name\": \"reviewer\", \"prompt\": \"You review code.\", \"tools\": [\"fs_read\"]}" \
		>work/.kiro/agents/reviewer.json &&
	(cd work && node "$CLIENT" "new,mode:nosuch,mode:reviewer,prompt:look" "$PWD" -- $(agent)) >out.json 2>err &&
	expect_eq "$(jget out.json "d.results[0].modes.availableModes.map(m=>m.id).join()")" "kiro_default,reviewer" &&
	expect_eq "$(jget out.json d.results[1].error.code)" -32602 &&
	expect_eq "$(jget out.json d.results[2].error)" undefined &&
	expect_eq "$(jget out.json "d.results[2].updates.join()")" current_mode_update &&
	expect_eq "$(jget out.json d.results[3].text)" "Reviewed." && ms_check 1
'

cat >"$SW_TMP_ROOT/slash.json" <<'JSON'
{"steps": [
 {"expect": {"system_contains": ["Review rule: name every unchecked return"], "last_user_contains": ["#review the parser"]},
  "respond": {"text": "Reviewed with the rule."}},
 {"expect": {"not_contains": ["Review rule: name every unchecked return"]}, "respond": {"text": "Plain."}}
]}
JSON

sw_test 'manual steering documents are slash commands (available_commands_update, /name runs with it)' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/slash.json" && model_env && mkdir -p work/.kiro/steering &&
	printf -- "---\ninclusion: manual\ndescription: Code review checklist\n---\nReview rule: name every unchecked return.\n" \
		>work/.kiro/steering/review.md &&
	printf "Always: be brief.\n" >work/.kiro/steering/tech.md &&
	node "$CLIENT" "new,prompt:/review the parser,prompt:/nosuch thing" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_no_grep "Error handling" err &&
	expect_eq "$(jget out.json "d.commands.map(c=>c.name).join()")" review &&
	expect_grep "Code review checklist" out.json &&
	expect_eq "$(jget out.json d.results[1].text)" "Reviewed with the rule." &&
	expect_eq "$(jget out.json d.results[2].text)" "Plain." && ms_check 2 &&
	mkdir empty && node "$CLIENT" "new" "$PWD/empty" -- $(agent) >none.json 2>err &&
	expect_eq "$(jget none.json d.commands.length)" 0
'

sw_test 'specwright acp-client drives specwright acp' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/turns.json" && model_env && mkdir work &&
	sw acp-client --cwd work --allow "echo *" --json --prompt "run it" -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.turn.stopReason)" end_turn &&
	expect_eq "$(jget out.json d.turn.toolCalls[0].kind)" execute &&
	expect_eq "$(jget out.json d.turn.permissionsAllowed)" 1 &&
	expect_grep "hello-from-tool" out.json
'

sw_test 'no model configured: session/new fails clearly; unknown --agent exits 1' '
	mkdir work &&
	expect_fail 1 env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u AWS_ACCESS_KEY_ID \
		"$SPECWRIGHT" acp-client --cwd work --prompt hi -- "$SPECWRIGHT" acp >out 2>err &&
	expect_grep "session/new. failed" err &&
	expect_fail 1 sw acp --agent nosuch </dev/null 2>err && expect_grep "there is no agent .nosuch." err &&
	expect_fail 2 sw acp extra </dev/null 2>err && expect_grep "unexpected argument" err
'

sw_test 'the agent answers garbage with -32700 and keeps serving, from pipes or files' '
	printf "%s\n" "not json" "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":1}}" \
		"[1]" "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no/such\"}" >in.txt &&
	cat in.txt | sw acp | cat >out 2>err &&
	sw acp <in.txt >out2 2>err && cmp out out2 &&
	expect_grep "\"id\":null,\"error\":{\"code\":-32700" out &&
	expect_grep "\"result\":{\"protocolVersion\":1.*\"id\":1}" out &&
	expect_grep "\"code\":-32600" out &&
	expect_grep "\"id\":2,\"error\":{\"code\":-32601" out
'
