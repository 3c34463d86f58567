#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright acp: the built-in agent's file and shell tools go through the
# client when it offers fs / terminal (a client over the real
# @agentclientprotocol/sdk that serves them for real and logs each request),
# and run locally when it does not; MCP servers given in session/new are
# attached (the real @modelcontextprotocol/server-everything over stdio).
. "$(dirname "$0")/lib.sh"
. "$SW_TOP/tests/model-server/lib.sh"

NM=$SW_TOP/tests/node_modules
CLIENT=$SW_TOP/tests/acp/sdk-client.mjs
sw_require_cmd node python3
[ -d "$NM/@agentclientprotocol/sdk" ] || sw_skip_all dep "tests/node_modules/@agentclientprotocol/sdk is absent (make deps)"

jget() { node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const v=eval(process.argv[2]); console.log(typeof v==="string"?v:JSON.stringify(v))' "$1" "$2"; }
# lget FILE EXPR: EXPR over the array of the client's logged requests (L)
lget() { node -e 'const L=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").filter(Boolean).map(JSON.parse); const v=eval(process.argv[2]); console.log(typeof v==="string"?v:JSON.stringify(v))' "$1" "$2"; }
expect_eq() { [ "$1" = "$2" ] || { echo "expected '$2', found '$1'" >&2; return 1; }; }
model_env() { OPENAI_API_KEY=dummy OPENAI_BASE_URL=$MS_URL/v1; export OPENAI_API_KEY OPENAI_BASE_URL; }
agent() { echo "$SPECWRIGHT" acp --model openai/test-model "$@"; }
notes() { mkdir work && printf "line one\nline two\nline three\n" >work/notes.txt; }

# A read of one line, an edit, a command: the model checks what reached it.
cat >"$SW_TMP_ROOT/tools.json" <<'JSON'
{"steps": [
 {"expect": {"last_user_contains": ["go"]},
  "respond": {"tool_calls": [{"id": "r1", "name": "fs_read", "input": {"path": "notes.txt", "mode": "Line", "start_line": 2, "end_line": 2}}]}},
 {"expect": {"tool_result_contains": ["line two"], "not_contains": ["line three"]},
  "respond": {"tool_calls": [{"id": "w1", "name": "fs_write", "input": {"command": "str_replace", "path": "notes.txt", "old_str": "line two", "new_str": "line 2"}}]}},
 {"expect": {"tool_result_contains": ["updated 'notes.txt'"]},
  "respond": {"tool_calls": [{"id": "x1", "name": "shell", "input": {"command": "echo out-$((6*7)); echo err-side >&2; cat notes.txt; echo sid=$KIRO_SESSION_ID."}}]}},
 {"expect": {"tool_result_contains": ["out-42", "err-side", "line 2", "sid=20"], "not_contains": ["sid=."]}, "respond": {"text": "All three done."}}
]}
JSON

sw_test 'with fs and terminal offered, fs_read, fs_write and shell go through the client' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/tools.json" && model_env && notes &&
	node "$CLIENT" --caps fs,terminal --log "$PWD/client.log" "new,prompt:go" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_no_grep "Error handling" err &&
	expect_eq "$(jget out.json d.results[1].stopReason)" end_turn &&
	expect_eq "$(jget out.json d.results[1].text)" "All three done." &&
	expect_eq "$(jget out.json "d.results[1].tools.map(t=>t.id+\"=\"+t.status).join()")" "r1=completed,w1=completed,x1=completed" &&
	ms_check 4 &&
	expect_eq "$(lget client.log "L.map(r=>r.method).join()")" \
		"fs/read_text_file,fs/read_text_file,fs/write_text_file,terminal/create,terminal/wait_for_exit,terminal/output,terminal/release" &&
	expect_eq "$(lget client.log "[L[0].path, L[0].line, L[0].limit].join()")" "$PWD/work/notes.txt,2,1" &&
	expect_eq "$(lget client.log "L[1].line===undefined && L[1].limit===undefined")" true &&
	expect_eq "$(lget client.log "L[2].content")" "line one
line 2
line three" &&
	expect_eq "$(lget client.log "[L[3].command, L[3].args[0], L[3].cwd].join()")" "bash,-c,$PWD/work" &&
	expect_eq "$(lget client.log "L[3].env.map(e=>e.name+\"=\"+e.value).join()")" "KIRO_SESSION_ID=$(jget out.json d.sessions[0])" &&
	expect_eq "$(lget client.log "[...new Set(L.slice(4).map(r=>r.terminalId))].join()")" term-1 &&
	expect_eq "$(cat work/notes.txt)" "line one
line 2
line three" &&
	expect_eq "$(jget out.json "d.results[1].tools[1].locations[0].path")" "$PWD/work/notes.txt" &&
	expect_eq "$(jget out.json "d.results[1].tools[1].content[0].type")" diff &&
	expect_eq "$(jget out.json "d.results[1].tools[1].content[0].oldText.includes(\"line two\")")" true &&
	expect_eq "$(jget out.json "d.results[1].tools[1].content[0].newText.includes(\"line 2\")")" true
'

sw_test 'without fs or terminal offered, the same tools run locally' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/tools.json" && model_env && notes &&
	node "$CLIENT" --log "$PWD/client.log" "new,prompt:go" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.results[1].stopReason)" end_turn &&
	expect_eq "$(jget out.json d.results[1].text)" "All three done." &&
	ms_check 4 && [ ! -e client.log ] &&
	expect_eq "$(sed -n 2p work/notes.txt)" "line 2"
'

sw_test 'fs only: files through the client, the shell locally; paths outside the session stay local' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/tools.json" && model_env && notes &&
	node "$CLIENT" --caps fs --log "$PWD/client.log" "new,prompt:go" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.results[1].text)" "All three done." && ms_check 4 &&
	expect_eq "$(lget client.log "L.map(r=>r.method).join()")" "fs/read_text_file,fs/read_text_file,fs/write_text_file"
'

cat >"$SW_TMP_ROOT/missing.json" <<'JSON'
{"steps": [
 {"respond": {"tool_calls": [{"id": "r1", "name": "read", "input": {"path": "nope.txt"}},
                             {"id": "w1", "name": "write", "input": {"command": "append", "path": "sub/new.txt", "new_str": "fresh"}}]}},
 {"expect": {"tool_result_contains": ["nope.txt' does not exist", "updated 'sub/new.txt'"]}, "respond": {"text": "ok"}}
]}
JSON

sw_test 'through the client: a missing file is reported to the model; append creates the file' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/missing.json" && model_env && mkdir work &&
	node "$CLIENT" --caps fs --log "$PWD/client.log" "new,prompt:go" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.results[1].text)" ok && ms_check 2 &&
	expect_eq "$(jget out.json "d.results[1].tools.map(t=>t.id+\"=\"+t.status).join()")" "r1=failed,w1=completed" &&
	expect_eq "$(cat work/sub/new.txt)" fresh &&
	expect_eq "$(lget client.log "L.map(r=>r.method).join()")" "fs/read_text_file,fs/read_text_file,fs/write_text_file"
'

cat >"$SW_TMP_ROOT/slow.json" <<'JSON'
{"steps": [
 {"respond": {"tool_calls": [{"id": "x1", "name": "execute_bash", "input": {"command": "sleep 30"}}]}}
]}
JSON

sw_test 'cancel during a client terminal command: terminal/kill, then release; stopReason cancelled' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/slow.json" && model_env && mkdir work &&
	node "$CLIENT" --caps terminal --log "$PWD/client.log" --cancel-on terminal/wait_for_exit "new,cancel:go" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.results[1].stopReason)" cancelled &&
	[ "$(jget out.json d.results[1].cancelMs)" -lt 1000 ] &&
	expect_eq "$(lget client.log "L.map(r=>r.method).join()")" \
		"terminal/create,terminal/wait_for_exit,terminal/kill,terminal/output,terminal/release"
'

BIN=$NM/.bin
cat >"$SW_TMP_ROOT/mcp.json" <<'JSON'
{"steps": [
 {"expect": {"tools": ["everything___echo", "ws___get-sum"], "last_user_contains": ["echo it"]},
  "respond": {"tool_calls": [{"id": "m1", "name": "everything___echo", "input": {"message": "ping-from-acp"}}]}},
 {"expect": {"tool_result_contains": ["Echo: ping-from-acp"]}, "respond": {"text": "Echoed."}}
]}
JSON

sw_test 'session/new mcpServers: a stdio server is attached, its tool runs, mcp.json merges (the client wins)' '
	[ -x "$BIN/mcp-server-everything" ] || { echo "mcp-server-everything is absent" >&2; exit 1; } &&
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/mcp.json" && model_env && mkdir -p work/.kiro/settings &&
	printf "{\"mcpServers\": {\"everything\": {\"command\": \"/nonexistent/not-this-one\"}, \"ws\": {\"command\": \"%s\"}}}\n" \
		"$BIN/mcp-server-everything" >work/.kiro/settings/mcp.json &&
	mark=sw-mark-$$-$(date +%s%N) &&
	printf "[{\"name\": \"everything\", \"command\": \"%s\", \"args\": [\"stdio\", \"%s\"], \"env\": [{\"name\": \"SW_T\", \"value\": \"1\"}]}]\n" \
		"$BIN/mcp-server-everything" "$mark" >servers.json &&
	node "$CLIENT" --mcp servers.json "new,prompt:echo it" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_no_grep "Error handling" err && expect_no_grep "did not start" err &&
	expect_eq "$(jget out.json d.results[1].stopReason)" end_turn &&
	expect_eq "$(jget out.json d.results[1].text)" "Echoed." &&
	expect_eq "$(jget out.json "d.results[1].tools.map(t=>t.id+\"=\"+t.status+\":\"+t.title).join()")" \
		"m1=completed:Calling @everything/echo" &&
	expect_eq "$(jget out.json "d.permissions.map(p=>p.toolCallId).join()")" m1 &&
	ms_check 2 &&
	i=0 && while pgrep -f "$mark" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done &&
	! pgrep -f "$mark" >/dev/null
'

cat >"$SW_TMP_ROOT/ghost.json" <<'JSON'
{"steps": [
 {"expect": {"last_user_contains": ["hi"], "tools_absent": ["ghost___echo"]}, "respond": {"text": "Fine."}}
]}
JSON

sw_test 'an MCP server that cannot start: session/new succeeds, the failure is reported, the turn goes on' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/ghost.json" && model_env && mkdir work &&
	echo "[{\"name\": \"ghost\", \"command\": \"/nonexistent/ghost-mcp\", \"args\": [], \"env\": []}]" >servers.json &&
	node "$CLIENT" --mcp servers.json "new,prompt:hi" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.results[0].error)" undefined &&
	expect_eq "$(jget out.json d.results[1].stopReason)" end_turn &&
	expect_grep "MCP server .ghost. did not start" err &&
	expect_eq "$(jget out.json "d.results[1].text.startsWith(\"[MCP server \x27ghost\x27 did not start: \")")" true &&
	expect_eq "$(jget out.json "d.results[1].text.endsWith(\"going on without its tools]\n\nFine.\")")" true &&
	ms_check 1
'

sw_test 'bad mcpServers entries are refused with the index and the field; sse is not offered' '
	mkdir work &&
	echo "[{\"name\": \"a\", \"command\": \"/bin/true\", \"env\": [{\"name\": \"K\"}]}]" >bad1.json &&
	echo "[{\"type\": \"sse\", \"name\": \"s\", \"url\": \"http://127.0.0.1:9/sse\", \"headers\": []}]" >bad2.json &&
	node "$CLIENT" --mcp bad1.json "new" "$PWD/work" -- $(agent) >out1.json 2>err &&
	expect_eq "$(jget out1.json d.results[0].error.code)" -32602 &&
	expect_grep "mcpServers\[0\].env\[0\].value: expected a string" out1.json &&
	node "$CLIENT" --mcp bad2.json "new" "$PWD/work" -- $(agent) >out2.json 2>err &&
	expect_eq "$(jget out2.json d.init.agentCapabilities.mcpCapabilities.sse)" false &&
	expect_grep "sse.*is not supported" out2.json
'

cat >"$SW_TMP_ROOT/http.json" <<'JSON'
{"steps": [
 {"expect": {"tools": ["web___echo"]},
  "respond": {"tool_calls": [{"id": "h1", "name": "web___echo", "input": {"message": "over-http"}}]}},
 {"expect": {"tool_result_contains": ["Echo: over-http"]}, "respond": {"text": "Done over HTTP."}}
]}
JSON

sw_test 'session/new mcpServers: an http server (Streamable HTTP, with headers) is attached' '
	[ -x "$BIN/mcp-server-everything" ] || { echo "mcp-server-everything is absent" >&2; exit 1; } &&
	port=$(python3 -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])") &&
	{ PORT=$port timeout 120 "$BIN/mcp-server-everything" streamableHttp >ev.log 2>&1 & EV_PID=$!; } &&
	trap "ms_stop; kill \$EV_PID 2>/dev/null" EXIT &&
	i=0 && while ! grep -q "listening" ev.log && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done &&
	ms_start "$SW_TMP_ROOT/http.json" && trap "ms_stop; kill \$EV_PID 2>/dev/null" EXIT && model_env && mkdir work &&
	echo "[{\"type\": \"http\", \"name\": \"web\", \"url\": \"http://127.0.0.1:$port/mcp\", \"headers\": [{\"name\": \"X-Test\", \"value\": \"1\"}]}]" >servers.json &&
	node "$CLIENT" --mcp servers.json "new,prompt:go" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_no_grep "did not start" err &&
	expect_eq "$(jget out.json d.results[1].text)" "Done over HTTP." &&
	expect_eq "$(jget out.json "d.results[1].tools.map(t=>t.id+\"=\"+t.status).join()")" "h1=completed" &&
	ms_check 2
'

sw_test 'specwright acp-client (fs and --terminal) drives the same tools of specwright acp' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/tools.json" && model_env && notes &&
	sw acp-client --cwd work --terminal --allow-all --json --prompt go -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.turn.stopReason)" end_turn &&
	expect_eq "$(jget out.json "d.turn.toolCalls.map(t=>t.toolCallId+\"=\"+t.status).join()")" "r1=completed,w1=completed,x1=completed" &&
	ms_check 4 && expect_eq "$(sed -n 2p work/notes.txt)" "line 2"
'

sw_test 'a prompt waits for a starting MCP server; cancel ends the wait; the server is stopped on close' '
	mkdir work && mark=sw-hang-$$-$(date +%s%N) &&
	printf "#!/bin/sh\nsleep 60\n" >"$mark.sh" && chmod +x "$mark.sh" &&
	echo "[{\"name\": \"slow\", \"command\": \"$PWD/$mark.sh\", \"args\": [], \"env\": []}]" >servers.json &&
	OPENAI_API_KEY=dummy OPENAI_BASE_URL=http://127.0.0.1:9/v1 \
		node "$CLIENT" --mcp servers.json --cancel-after 300 "new,cancel:hi" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.results[0].error)" undefined &&
	expect_eq "$(jget out.json d.results[1].stopReason)" cancelled &&
	[ "$(jget out.json d.results[1].ms)" -ge 300 ] && [ "$(jget out.json d.results[1].cancelMs)" -lt 1000 ] &&
	expect_eq "$(jget out.json "d.results[1].updates.filter(u=>u!==\"available_commands_update\").length")" 0 &&
	i=0 && while pgrep -f "$mark" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done &&
	! pgrep -f "$mark" >/dev/null
'

cat >"$SW_TMP_ROOT/ops.json" <<'JSON'
{"steps": [
 {"respond": {"tool_calls": [{"id": "r1", "name": "fs_read", "input": {"operations": [
   {"path": "notes.txt", "mode": "Line", "start_line": -1},
   {"path": ".", "mode": "Directory"},
   {"path": "notes.txt", "mode": "Search", "pattern": "TWO"}]}}]}},
 {"expect": {"tool_result_contains": ["=== notes.txt\nline three", "=== .\n", "\nnotes.txt\n\n=== notes.txt\n2: line two"]},
  "respond": {"text": "Read."}}
]}
JSON

sw_test 'fs_read operations through the client: a range from the end, a local listing, a search' '
	trap ms_stop EXIT && ms_start "$SW_TMP_ROOT/ops.json" && model_env && notes &&
	node "$CLIENT" --caps fs --log "$PWD/client.log" "new,prompt:go" "$PWD/work" -- $(agent) >out.json 2>err &&
	expect_eq "$(jget out.json d.results[1].text)" "Read." && ms_check 2 &&
	expect_eq "$(lget client.log "L.map(r=>r.method+\":\"+(r.line??\"-\")).join()")" "fs/read_text_file:-,fs/read_text_file:-"
'
