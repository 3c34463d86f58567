#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright chat against the scripted model server (tests/model-server):
# tool-using turns in the Anthropic and OpenAI wire formats, hooks that
# block a tool, permission refusal, retries, timeouts, cancellation,
# compaction, redaction, usage accounting, resume, sub-agents.
. "$(dirname "$0")/lib.sh"
. "$SW_TOP/tests/model-server/lib.sh"

sw_require_cmd python3

FAKE_ANTHROPIC_KEY=sk-ant-api03-FAKEKEYFORTESTS0123456789abcdef
FAKE_OPENAI_KEY=sk-proj-FAKEOPENAIKEY0123456789abcdef

# use_provider anthropic|openai: point the environment at the model server.
use_provider() {
	unset ANTHROPIC_API_KEY ANTHROPIC_BASE_URL OPENAI_API_KEY OPENAI_BASE_URL
	if [ "$1" = anthropic ]; then
		export ANTHROPIC_API_KEY=$FAKE_ANTHROPIC_KEY ANTHROPIC_BASE_URL=$MS_URL
		MODEL=anthropic/claude-sonnet-4-5
	else
		export OPENAI_API_KEY=$FAKE_OPENAI_KEY OPENAI_BASE_URL=$MS_URL/v1
		MODEL=openai/gpt-4o-mini
	fi
}

workspace() {
	mkdir -p ws/.kiro/steering ws/.kiro/settings
	printf 'Always answer in English.\n' > ws/.kiro/steering/lang.md
	printf -- '---\ninclusion: manual\n---\nSecret handshake: banana.\n' > ws/.kiro/steering/handshake.md
	printf 'alpha beta gamma\n' > ws/notes.txt
}

for fmt in anthropic openai; do

sw_test "$fmt: a multi-step tool-using turn" '
	workspace
	cat > s.json <<EOF
{"steps":[
 {"expect":{"tools":["fs_read","fs_write","execute_bash","glob","grep"],
   "system_contains":["Always answer in English."],"last_user_contains":["copy notes.txt"],
   "not_contains":["Secret handshake"]},
  "respond":{"text":"Reading it first.","tool_calls":[{"id":"call_a1","name":"fs_read","input":{"path":"notes.txt"}}]}},
 {"expect":{"tool_result_contains":["alpha beta gamma"]},
  "respond":{"tool_calls":[{"id":"call_a2","name":"fs_write","input":{"command":"create","path":"copy.txt","file_text":"alpha beta gamma\n"}}]}},
 {"expect":{"tool_result_contains":["created"]},"respond":{"text":"Copied notes.txt to copy.txt."}}
]}
EOF
	ms_start s.json && use_provider '$fmt' && cd ws &&
	sw chat --no-interactive --trust-tools fs_write --model $MODEL "copy notes.txt to copy.txt" >../out 2>../err &&
	cd .. && ms_check 3 && expect_grep "Copied notes.txt to copy.txt." out &&
	cmp ws/notes.txt ws/copy.txt && expect_grep "Reading notes.txt" err
'

sw_test "$fmt: exit 2 from a preToolUse hook blocks the tool and tells the model" '
	workspace && mkdir -p ws/.kiro/agents
	cat > ws/.kiro/agents/guarded.json <<EOF
{"name":"guarded","tools":["*"],"allowedTools":["execute_bash"],
 "hooks":{"preToolUse":[{"matcher":"execute_bash","command":"cat > hook-event.json; echo no shell today >&2; exit 2"}]}}
EOF
	cat > s.json <<EOF
{"steps":[
 {"respond":{"tool_calls":[{"id":"call_b1","name":"execute_bash","input":{"command":"touch hacked"}}]}},
 {"expect":{"tool_result_contains":["no shell today"]},"respond":{"text":"The hook refused."}}
]}
EOF
	ms_start s.json && use_provider '$fmt' && cd ws &&
	sw chat --no-interactive --agent guarded --model $MODEL "make a file" >../out 2>../err &&
	cd .. && ms_check 2 && test ! -e ws/hacked &&
	expect_grep "\"hook_event_name\":\"preToolUse\"" ws/hook-event.json &&
	expect_grep "\"tool_name\":\"execute_bash\"" ws/hook-event.json &&
	expect_grep "touch hacked" ws/hook-event.json
'

sw_test "$fmt: headless mode refuses a tool that needs approval" '
	workspace
	cat > s.json <<EOF
{"steps":[
 {"respond":{"tool_calls":[{"id":"call_c1","name":"fs_write","input":{"command":"create","path":"x.txt","file_text":"x"}}]}},
 {"expect":{"tool_result_contains":["needs approval"]},"respond":{"text":"I was not allowed."}}
]}
EOF
	ms_start s.json && use_provider '$fmt' && cd ws &&
	sw chat --no-interactive --model $MODEL "write x" >../out 2>../err &&
	cd .. && ms_check 2 && test ! -e ws/x.txt && expect_grep "needs approval" err
'

sw_test "$fmt: usage and cost are summed per session" '
	workspace
	cat > ws/.kiro/settings/specwright.json <<EOF
{"prices":{"anthropic/claude-sonnet-4-5":{"input":2,"output":10,"cacheRead":1},
           "openai/gpt-4o-mini":{"input":2,"output":10,"cacheRead":1}}}
EOF
	cat > s.json <<EOF
{"steps":[
 {"respond":{"tool_calls":[{"id":"call_d1","name":"glob","input":{"pattern":"*.txt"}}],"usage":{"input":1000,"output":100}}},
 {"expect":{"tool_result_contains":["notes.txt"]},"respond":{"text":"one file","usage":{"input":2000,"output":200,"cache_read":1000}}}
]}
EOF
	ms_start s.json && use_provider '$fmt' && cd ws &&
	sw chat --no-interactive --model $MODEL "list text files" >../out 2>../err && cd .. &&
	ms_check 2 &&
	expect_grep "3000 in, 300 out, 1000 cache read, 0 cache write, \$0.0100 (session 2 calls, \$0.0100)" err &&
	test "$(grep -c "\"type\":\"usage\"" ws/.kiro/sessions/*.ndjson)" = 2 &&
	expect_grep "\"session_cost\":0.01[,}]" ws/.kiro/sessions/*.ndjson
'

sw_test "$fmt: a 429 with retry-after is retried" '
	workspace
	cat > s.json <<EOF
{"steps":[
 {"respond":{"status":429,"headers":{"retry-after":"1"}}},
 {"respond":{"text":"after the wait"}}
]}
EOF
	ms_start s.json && use_provider '$fmt' && cd ws &&
	sw chat --no-interactive --model $MODEL "hi" >../out 2>../err && cd .. &&
	ms_check 2 && expect_grep "after the wait" out && expect_grep "HTTP 429" err && expect_grep "retrying in 1000 ms" err
'

sw_test "$fmt: the secrets never reach the transcript" '
	workspace
	cat > s.json <<EOF
{"steps":[
 {"respond":{"tool_calls":[{"id":"call_e1","name":"execute_bash","input":{"command":"echo key=\$ANTHROPIC_API_KEY\$OPENAI_API_KEY; echo Authorization: Bearer abcdefgh12345678"}}]}},
 {"expect":{"tool_result_contains":["key=sk-"]},"respond":{"text":"done"}}
]}
EOF
	ms_start s.json && use_provider '$fmt' && cd ws &&
	sw chat --no-interactive --trust-all-tools --model $MODEL "my other token is sk-live-0123456789abcdefghij" >../out 2>../err && cd .. &&
	ms_check 2 && t=$(ls ws/.kiro/sessions/*.ndjson) &&
	expect_no_grep "$FAKE_ANTHROPIC_KEY" "$t" && expect_no_grep "$FAKE_OPENAI_KEY" "$t" &&
	expect_no_grep "sk-live-0123456789abcdefghij" "$t" && expect_no_grep "abcdefgh12345678" "$t" &&
	expect_grep "key=\[REDACTED\]" "$t" && expect_grep "Authorization: \[REDACTED\]" "$t"
'

done

sw_test 'an idle model times out' '
	workspace
	printf "{\"retries\":0,\"idleTimeoutMs\":500}\n" > ws/.kiro/settings/specwright.json
	printf "{\"steps\":[{\"respond\":{\"text\":\"x\",\"hang\":true,\"events_before_hang\":1}}]}" > s.json
	ms_start s.json && use_provider anthropic && cd ws &&
	expect_fail 1 sw chat --no-interactive "hi" >../out 2>../err && cd .. &&
	expect_grep "no data from" err
'

sw_test 'SIGINT cancels the turn and the transcript says so' '
	workspace
	printf "{\"steps\":[{\"respond\":{\"hang\":true}}]}" > s.json
	ms_start s.json && use_provider openai && cd ws &&
	{ "$SPECWRIGHT" chat --no-interactive "wait forever" >../out 2>../err & pid=$!; } &&
	i=0; while ! grep -q chat/completions "$MS_DIR/requests.ndjson" 2>/dev/null; do i=$((i+1)); [ $i -lt 100 ]; sleep 0.1; done &&
	kill -INT $pid && code=0 && { wait $pid || code=$?; } && cd .. &&
	test "$code" = 130 && expect_grep "cancelled" err &&
	expect_grep "\"type\":\"turn_end\",\"stop_reason\":\"cancelled\"" ws/.kiro/sessions/*.ndjson
'

sw_test 'compaction summarises old turns near the context window' '
	workspace
	printf "{\"contextWindow\":3200}\n" > ws/.kiro/settings/specwright.json
	for f in a b c; do i=0; while [ $i -lt 800 ]; do printf "word "; i=$((i+1)); done > ws/$f.txt; done
	cat > s.json <<EOF
{"steps":[
 {"respond":{"tool_calls":[{"id":"t1","name":"fs_read","input":{"path":"a.txt"}}],"usage":{"input":10,"output":5}}},
 {"respond":{"tool_calls":[{"id":"t2","name":"fs_read","input":{"path":"b.txt"}}],"usage":{"input":10,"output":5}}},
 {"respond":{"tool_calls":[{"id":"t3","name":"fs_read","input":{"path":"c.txt"}}],"usage":{"input":10,"output":5}}},
 {"expect":{"contains":["Summarize the conversation"],"no_tools":true},"respond":{"text":"SUMMARY: read a.txt, it is all words."}},
 {"expect":{"contains":["[Summary of the earlier conversation]","SUMMARY: read a.txt"],"messages_max":5,
            "tool_result_contains":["word word"]},"respond":{"text":"Read all three."}}
]}
EOF
	ms_start s.json && use_provider anthropic && cd ws &&
	sw chat --no-interactive "read a.txt, b.txt and c.txt" >../out 2>../err && cd .. &&
	ms_check 5 && expect_grep "Read all three." out && expect_grep "summarised 3 earlier messages" err &&
	expect_grep "\"type\":\"compaction\"" ws/.kiro/sessions/*.ndjson
'

sw_test '--resume continues the last session' '
	workspace
	cat > s.json <<EOF
{"steps":[
 {"respond":{"text":"First answer."}},
 {"expect":{"contains":["remember the word pineapple","First answer."],"last_user_contains":["what word"],"messages_min":3},
  "respond":{"text":"pineapple"}}
]}
EOF
	ms_start s.json && use_provider anthropic && cd ws &&
	sw chat --no-interactive "remember the word pineapple" >../out1 2>../err1 &&
	sw chat --no-interactive --resume "what word?" >../out2 2>../err2 && cd .. &&
	ms_check 2 && expect_grep pineapple out2 && test "$(ls ws/.kiro/sessions | wc -l)" = 1
'

sw_test 'use_subagent runs sub-agents and returns their summaries' '
	workspace
	cat > s.json <<EOF
{"steps":[
 {"respond":{"tool_calls":[{"id":"u1","name":"use_subagent","input":{"command":"InvokeSubagents",
   "content":{"subagents":[{"query":"look at notes"},{"query":"look at notes too"}]}}}]}},
 {"expect":{"last_user_contains":["When you are done"],"tools_absent":["use_subagent"]},"respond":{"text":"child summary"}},
 {"expect":{"last_user_contains":["When you are done"],"tools_absent":["use_subagent"]},"respond":{"text":"child summary"}},
 {"expect":{"tool_result_contains":["Sub-agent 1","Sub-agent 2","child summary"]},"respond":{"text":"Both reported."}}
]}
EOF
	ms_start s.json && use_provider anthropic && cd ws &&
	sw chat --no-interactive --trust-tools use_subagent "delegate" >../out 2>../err && cd .. &&
	ms_check 4 && expect_grep "Both reported." out && expect_grep "session 4 calls" err
'

sw_test 'manual steering loads when named with #, prompt from stdin' '
	workspace
	printf "{\"steps\":[{\"expect\":{\"system_contains\":[\"Secret handshake: banana.\"]},\"respond\":{\"text\":\"ok\"}}]}" > s.json
	ms_start s.json && use_provider anthropic && cd ws &&
	echo "use #handshake please" | sw chat --no-interactive >../out 2>../err && cd .. &&
	ms_check 1 && expect_grep "^ok" out
'

sw_test 'steering reaches the model with #[[file:]] expanded and nothing from outside the workspace' '
	workspace
	mkdir -p out ws/docs && printf "OUTSIDE-SECRET\n" >out/hosts.md &&
	printf "Endpoints: GET /v1/notes\n" >ws/docs/api.md &&
	printf "API contract: #[[file:docs/api.md]]\nHosts: #[[file:../out/hosts.md]]\nGone: #[[file:docs/gone.md]]\n" >ws/.kiro/steering/api.md &&
	ln -s "$PWD/out/hosts.md" ws/.kiro/steering/linked.md &&
	printf -- "---\ninclusion: manual\nbad: [\n---\nBROKEN-FRONT-MATTER\n" >ws/.kiro/steering/broken.md &&
	cat > s.json <<EOF
{"steps":[{"expect":{
   "system_contains":["API contract: <file path=\"docs/api.md\">\nEndpoints: GET /v1/notes\n</file>",
     "Hosts: [not included: #[[file:../out/hosts.md]]: ",
     "resolves outside the workspace (",
     "Gone: [not included: #[[file:docs/gone.md]]: ", "does not exist]", "Always answer in English."],
   "not_contains":["OUTSIDE-SECRET","BROKEN-FRONT-MATTER","#[[file:docs/api.md]]"]},
  "respond":{"text":"ok"}}]}
EOF
	ms_start s.json && use_provider anthropic && cd ws &&
	sw chat --no-interactive "hello" >../out.txt 2>../err && cd .. &&
	ms_check 1 && expect_grep "^ok" out.txt &&
	test "$(cat ws/.kiro/steering/api.md)" = "$(printf "API contract: #[[file:docs/api.md]]\nHosts: #[[file:../out/hosts.md]]\nGone: #[[file:docs/gone.md]]")"
'

sw_test 'todo_list keeps its list under .kiro/cli-todo-lists' '
	workspace
	cat > s.json <<EOF
{"steps":[
 {"respond":{"tool_calls":[{"id":"d1","name":"todo_list","input":{"command":"create","todo_list_description":"Ship it","tasks":["write code","test code"]}}]}},
 {"respond":{"tool_calls":[{"id":"d2","name":"todo_list","input":{"command":"complete","completed_indices":[0]}}]}},
 {"expect":{"tool_result_contains":["[x] write code"]},"respond":{"text":"half done"}}
]}
EOF
	ms_start s.json && use_provider openai && cd ws &&
	sw chat --no-interactive "plan" >../out 2>../err && cd .. &&
	ms_check 3 && f=$(ls ws/.kiro/cli-todo-lists/*-ship-it.json) &&
	grep -A1 "write code" "$f" | grep -q "\"completed\":[[:space:]]*true"
'

sw_test 'bedrock requests are SigV4-signed by libcurl' '
	workspace
	cat > s.json <<EOF
{"steps":[{"expect":{"path":"/model/amazon.nova-lite-v1%3A0/converse-stream",
  "headers_match":{"authorization":"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/[0-9]{8}/eu-central-1/bedrock/aws4_request, SignedHeaders=[a-z;-]*, Signature=[0-9a-f]{64}$",
                   "x-amz-date":"^[0-9]{8}T[0-9]{6}Z$"}},
  "respond":{"text":"hello from bedrock"}}]}
EOF
	ms_start s.json && cd ws &&
	AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIEXAMPLEKEY AWS_REGION=eu-central-1 \
	AWS_ENDPOINT_URL=$MS_URL sw chat --no-interactive --model bedrock/amazon.nova-lite-v1:0 "hi" >../out 2>../err &&
	cd .. && ms_check 1 && expect_grep "hello from bedrock" out &&
	expect_no_grep wJalrXUtnFEMIEXAMPLEKEY ws/.kiro/sessions/*.ndjson
'

sw_test 'the knowledge tool searches the workspace knowledge bases' '
	workspace && mkdir -p ws/docs && printf "# Fruit\nThe banana is yellow and curved.\n" > ws/docs/fruit.md &&
	(cd ws && sw knowledge add --name docs --path docs --index-type fast >/dev/null)
	cat > s.json <<EOF
{"steps":[
 {"expect":{"tools":["knowledge"]},
  "respond":{"tool_calls":[{"id":"k1","name":"knowledge","input":{"command":"search","query":"banana"}}]}},
 {"expect":{"tool_result_contains":["fruit.md","banana is yellow"]},"respond":{"text":"Found it."}}
]}
EOF
	ms_start s.json && use_provider anthropic && cd ws &&
	sw chat --no-interactive "what colour is the banana" >../out 2>../err && cd .. &&
	ms_check 2 && expect_grep "Found it." out
'

EVERYTHING=$SW_TOP/tests/node_modules/.bin/mcp-server-everything
sw_test 'MCP tools from mcp.json reach the model and run' '
	sw_require_file "$EVERYTHING"
	workspace
	printf "{\"mcpServers\":{\"everything\":{\"command\":\"%s\",\"args\":[\"stdio\"]}}}" "$EVERYTHING" > ws/.kiro/settings/mcp.json
	cat > s.json <<EOF
{"steps":[
 {"expect":{"tools":["everything___echo","fs_read"]},
  "respond":{"tool_calls":[{"id":"m1","name":"everything___echo","input":{"message":"hello mcp"}}]}},
 {"expect":{"tool_result_contains":["Echo: hello mcp"]},"respond":{"text":"The server echoed."}}
]}
EOF
	ms_start s.json && use_provider openai && cd ws &&
	sw chat --no-interactive --require-mcp-startup --trust-tools "@everything" "echo something" >../out 2>../err && cd .. &&
	ms_check 2 && expect_grep "The server echoed." out && expect_grep "Calling @everything/echo" err
'

sw_test 'no provider configured names the ways to configure one' '
	workspace && cd ws && code=0 &&
	env -u ANTHROPIC_API_KEY -u OPENAI_API_KEY -u OPENAI_BASE_URL -u AWS_ACCESS_KEY_ID -u AWS_PROFILE \
		"$SPECWRIGHT" chat --no-interactive "hi" >../out 2>../err || code=$?; cd .. &&
	test $code = 1 && expect_grep "ANTHROPIC_API_KEY" err && expect_grep "OPENAI_API_KEY" err &&
	expect_grep "AWS_ACCESS_KEY_ID" err && expect_grep "specwright.json" err
'

sw_test 'an unknown provider is an error naming it, not a fallback to another provider' '
	workspace && cd ws && export OPENAI_API_KEY=$FAKE_OPENAI_KEY OPENAI_BASE_URL=http://127.0.0.1:9/v1 &&
	expect_fail 1 sw chat --no-interactive --model nosuch/m "hi" >../out 2>../err && cd .. &&
	expect_grep "unknown model provider .nosuch. in --model nosuch/m (expected anthropic, openai, bedrock" err &&
	expect_no_grep "request to" err
'

sw_test 'an agent with model "auto" gets the configured default, or an error naming auto' '
	workspace && mkdir -p ws/.kiro/agents &&
	printf "{\"name\":\"autos\",\"model\":\"auto\"}" > ws/.kiro/agents/autos.json &&
	printf "{\"steps\":[{\"respond\":{\"text\":\"auto works\"}}]}" > s.json &&
	ms_start s.json && use_provider anthropic && cd ws &&
	sw chat --no-interactive --agent autos "hi" >../out 2>../err &&
	expect_fail 1 env -u ANTHROPIC_API_KEY -u ANTHROPIC_BASE_URL -u OPENAI_API_KEY -u OPENAI_BASE_URL \
		-u AWS_ACCESS_KEY_ID -u AWS_PROFILE "$SPECWRIGHT" chat --no-interactive --agent autos "hi" >../out2 2>../err2 &&
	cd .. &&
	ms_check 1 && expect_grep "auto works" out &&
	expect_grep "agent .autos.: model .auto. mapped to anthropic/claude-sonnet-4-5" err &&
	expect_grep "agent .autos.: model .auto. stands for the configured default model" err2 &&
	expect_grep "ANTHROPIC_API_KEY" err2 && expect_no_grep "no model provider is configured" err2
'

sw_test 'connection refused is retried once, at once, and the error counts the attempts' '
	workspace && port=$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])") &&
	cd ws && export ANTHROPIC_API_KEY=$FAKE_ANTHROPIC_KEY ANTHROPIC_BASE_URL=http://127.0.0.1:$port &&
	expect_fail 1 sw chat --no-interactive --model anthropic/m "hi" >../out 2>../err && cd .. &&
	test "$(grep -c "retrying in" err)" = 1 && expect_grep "retrying in 200 ms (attempt 2)" err &&
	expect_grep "(2 attempts" err
'

sw_test 'an unknown agent exits 4 headless; --require-mcp-startup exits 3' '
	workspace && cd ws && export ANTHROPIC_API_KEY=$FAKE_ANTHROPIC_KEY &&
	expect_fail 4 sw chat --no-interactive --agent nosuch "hi" 2>../err &&
	printf "{\"mcpServers\":{\"x\":{\"command\":\"true\"}}}" > .kiro/settings/mcp.json &&
	expect_fail 3 sw chat --no-interactive --require-mcp-startup "hi" 2>>../err && cd .. &&
	expect_grep "nosuch" err && expect_grep "MCP" err
'

sw_test 'chat --help and usage errors' '
	sw chat --help >out && expect_grep "no-interactive" out && expect_grep "trust-tools" out &&
	expect_fail 2 sw chat --bogus 2>err && expect_grep "unknown option" err
'
