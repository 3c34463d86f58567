#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# 'specwright mcp serve' driven by the real MCP Inspector CLI (0.15.0) over
# stdio and Streamable HTTP: tools/list, tools/call of each store tool,
# resources, logging; plus the HTTP transport's own rules with curl.
. "$(dirname "$0")/lib.sh"

INSPECTOR=$SW_TOP/tests/node_modules/.bin/mcp-inspector
sw_require_file "$INSPECTOR"

store() {
	mkdir -p store/output store/store &&
	printf 'alpha\n' > store/output/a.txt &&
	printf '1\n2\n3\n4\n' > store/store/log.ndjson &&
	printf 'top secret\n' > store/secret.txt
}

insp() { "$INSPECTOR" --cli "$SPECWRIGHT" mcp serve --root store "$@"; }

# Starts an HTTP server on a free port; sets PORT and SRV (its pid).
start_http() { mcp_serve_http . --root store "$@"; }

stop_http() { mcp_serve_stop; }

sw_test 'inspector lists the store tools over stdio' '
	store &&
	insp --method tools/list >out &&
	expect_grep "\"name\": \"fs_read\"" out && expect_grep "\"name\": \"fs_write\"" out &&
	expect_grep "\"name\": \"fs_list\"" out && expect_grep "outputSchema" out
'

sw_test 'inspector calls fs_read, fs_write (append) and fs_list over stdio' '
	store &&
	insp --method tools/call --tool-name fs_read --tool-arg path=output/a.txt >out &&
	expect_grep "\"text\": \"alpha" out && expect_grep "structuredContent" out &&
	insp --method tools/call --tool-name fs_read --tool-arg path=store/log.ndjson --tool-arg tail_lines=2 >out &&
	expect_grep "\"content\": \"3.n4.n\"" out &&
	insp --method tools/call --tool-name fs_write --tool-arg path=store/agent-1.ndjson --tool-arg "content=one" --tool-arg append=true >out &&
	insp --method tools/call --tool-name fs_write --tool-arg path=store/agent-1.ndjson --tool-arg "content=two" --tool-arg append=true >out &&
	expect_grep "\"size\": 6" out &&
	[ "$(cat store/store/agent-1.ndjson)" = onetwo ] &&
	insp --method tools/call --tool-name fs_list --tool-arg path=output >out &&
	expect_grep "output/a.txt" out
'

sw_test 'hostile keys are refused with isError over stdio, nothing written' '
	store &&
	for k in ../x /etc/passwd output/../../x secret.txt; do
		insp --method tools/call --tool-name fs_write --tool-arg "path=$k" --tool-arg content=pwned >out &&
		expect_grep "\"isError\": true" out && expect_grep "refused key" out || return 1
	done &&
	insp --method tools/call --tool-name fs_read --tool-arg path=../../etc/passwd >out &&
	expect_grep "\"isError\": true" out && expect_no_grep "root:" out &&
	[ "$(cat store/secret.txt)" = "top secret" ] && [ ! -e x ]
'

sw_test 'inspector reads resources and sets the log level over stdio' '
	store &&
	insp --method resources/list >out && expect_grep "store:///output/a.txt" out &&
	insp --method resources/templates/list >out && expect_grep "store:///{+key}" out &&
	insp --method resources/read --uri store:///output/a.txt >out && expect_grep "\"text\": \"alpha" out &&
	insp --method logging/setLevel --log-level debug >out && expect_grep "{}" out
'

steering_ws() {
	mkdir -p ws/.kiro/steering ws/src &&
	printf -- "---\ninclusion: always\n---\nUse C11.\n" > ws/.kiro/steering/tech.md &&
	printf -- "---\ninclusion: fileMatch\nfileMatchPattern: \"src/**/*.tsx\"\n---\nReact rules.\n" > ws/.kiro/steering/react.md &&
	printf -- "---\ninclusion: manual\n---\nOnly on request.\n" > ws/.kiro/steering/manual.md
}

insp_ws() { (cd ws && "$INSPECTOR" --cli "$SPECWRIGHT" mcp serve --tools steering "$@"); }

sw_test 'inspector calls steering_for_path and steering_read over stdio' '
	steering_ws &&
	insp_ws --method tools/list >out &&
	expect_grep "\"name\": \"steering_for_path\"" out && expect_grep "\"readOnlyHint\": true" out &&
	insp_ws --method tools/call --tool-name steering_for_path --tool-arg path=src/app/App.tsx >out &&
	expect_grep "\"pattern\": \"src/\*\*/\*.tsx\"" out && expect_grep "\"load\": \"on-request\"" out &&
	insp_ws --method tools/call --tool-name steering_read --tool-arg name=tech >out &&
	expect_grep "Use C11" out &&
	insp_ws --method resources/list >out && expect_grep "steering:///react.md" out
'

sw_test 'steering tools refuse paths outside the workspace and unknown documents' '
	steering_ws &&
	for p in ../outside.txt /etc/passwd src/../../x; do
		insp_ws --method tools/call --tool-name steering_for_path --tool-arg "path=$p" >out &&
		expect_grep "\"isError\": true" out && expect_grep "refused path" out || return 1
	done &&
	insp_ws --method tools/call --tool-name steering_read --tool-arg name=nosuch >out &&
	expect_grep "\"isError\": true" out && expect_grep "no steering document" out
'

sw_test 'the steering set outside a workspace is a clear error' '
	mkdir empty && cd empty &&
	expect_fail 1 "$SPECWRIGHT" mcp serve --tools steering </dev/null 2>err &&
	expect_grep "need a workspace" err
'

sw_test 'an unknown tool is a JSON-RPC error the inspector reports (exit 1)' '
	store &&
	expect_fail 1 insp --method tools/call --tool-name nosuch >out 2>err &&
	cat out err >all && expect_grep "unknown tool" all
'

sw_test 'inspector over Streamable HTTP: tools, a call, resources, logging' '
	store && start_http &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/list >out &&
	expect_grep "fs_list" out &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/call --tool-name fs_read --tool-arg path=output/a.txt >out &&
	expect_grep "\"text\": \"alpha" out &&
	"$INSPECTOR" --cli "$URL" --transport http --method tools/call --tool-name fs_write --tool-arg path=output/h.txt --tool-arg content=web >out &&
	[ "$(cat store/output/h.txt)" = web ] &&
	"$INSPECTOR" --cli "$URL" --transport http --method resources/read --uri store:///output/a.txt >out &&
	expect_grep "alpha" out &&
	"$INSPECTOR" --cli "$URL" --transport http --method logging/setLevel --log-level info >out &&
	stop_http
'

init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
hdr='-H Content-Type:application/json -H Accept:application/json,text/event-stream'

sw_test 'HTTP: session id, 400 without it, 404 after DELETE, 202 for notifications' '
	store && start_http &&
	curl -sS -D h1 $hdr -d "$init" "$URL" >b1 &&
	expect_grep "^HTTP/1.1 200" h1 && expect_grep "2025-06-18" b1 &&
	sid=$(sed -n "s/^Mcp-Session-Id: *\([0-9a-f]*\).*/\1/ip" h1) && [ -n "$sid" ] &&
	curl -sS -D h2 $hdr -H "Mcp-Session-Id: $sid" -d "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}" "$URL" >b2 &&
	expect_grep "^HTTP/1.1 202" h2 &&
	curl -sS -D h3 $hdr -d "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}" "$URL" >b3 &&
	expect_grep "^HTTP/1.1 400" h3 &&
	curl -sS -D h4 $hdr -H "Mcp-Session-Id: $sid" -d "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}" "$URL" >b4 &&
	expect_grep "^HTTP/1.1 200" h4 && expect_grep "fs_read" b4 &&
	curl -sS -D h5 -X DELETE -H "Mcp-Session-Id: $sid" "$URL" >b5 && expect_grep "^HTTP/1.1 200" h5 &&
	curl -sS -D h6 $hdr -H "Mcp-Session-Id: $sid" -d "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}" "$URL" >b6 &&
	expect_grep "^HTTP/1.1 404" h6 &&
	curl -sS -D h7 $hdr -d "{not json" "$URL" >b7 && expect_grep "^HTTP/1.1 400" h7 && expect_grep "32700" b7 &&
	curl -sS -D h8 -X PUT "$URL" >b8 && expect_grep "^HTTP/1.1 405" h8 &&
	stop_http
'

sw_test 'HTTP: foreign Origin and Host are refused (DNS rebinding), loopback ones pass' '
	store && start_http &&
	curl -sS -D h1 $hdr -H "Origin: http://evil.example" -d "$init" "$URL" >b1 &&
	expect_grep "^HTTP/1.1 403" h1 &&
	curl -sS -D h2 $hdr -H "Host: evil.example:$PORT" -d "$init" "$URL" >b2 &&
	expect_grep "^HTTP/1.1 403" h2 &&
	curl -sS -D h3 $hdr -H "Origin: http://localhost:5173" -d "$init" "$URL" >b3 &&
	expect_grep "^HTTP/1.1 200" h3 &&
	stop_http
'

sw_test 'HTTP: a bearer token is required when set' '
	store && start_http --token s3cret &&
	curl -sS -D h1 $hdr -d "$init" "$URL" >b1 && expect_grep "^HTTP/1.1 401" h1 &&
	expect_grep "WWW-Authenticate: Bearer" h1 &&
	curl -sS -D h2 $hdr -H "Authorization: Bearer wrong" -d "$init" "$URL" >b2 && expect_grep "^HTTP/1.1 401" h2 &&
	curl -sS -D h3 $hdr -H "Authorization: Bearer s3cret" -d "$init" "$URL" >b3 && expect_grep "^HTTP/1.1 200" h3 &&
	expect_no_grep s3cret srv.err &&
	stop_http
'

sw_test 'stdio: bad JSON lines, batches and unknown methods get errors and the server keeps going' '
	store &&
	printf "%s\n" "$init" "this is not json" "[{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}]" \
		"{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"no/such\"}" "{\"jsonrpc\":\"2.0\",\"method\":\"no/such/notification\"}" \
		"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}" | sw mcp serve --root store | cat >out &&
	expect_grep "\"code\":-32700" out && expect_grep "\"code\":-32600" out &&
	expect_grep "\"code\":-32601" out && expect_grep "\"id\":7" out &&
	[ "$(wc -l < out)" -eq 5 ]
'

sw_test 'stdio: a line over the ceiling is refused and the next one is answered' '
	store &&
	python3 -c "
import sys
sys.stdout.write(\"{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"id\\\":1,\\\"method\\\":\\\"ping\\\",\\\"params\\\":{\\\"x\\\":\\\"\" + \"a\" * (17 << 20) + \"\\\"}}\n\")
sys.stdout.write(\"{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"id\\\":2,\\\"method\\\":\\\"ping\\\"}\n\")
" | sw mcp serve --root store | cat >out &&
	expect_grep "\"code\":-32600" out && expect_grep "\"id\":2,\"result\"\|\"result\":{},\"id\":2\|\"id\":2" out
'

sw_test 'usage errors: unknown tool set, bad --http, missing root' '
	store &&
	expect_fail 2 sw mcp serve --tools nosuch 2>err && expect_grep "unknown tool set" err &&
	expect_fail 2 sw mcp serve --http nonsense:port 2>err && expect_grep "HOST:PORT" err &&
	expect_fail 1 sw mcp serve --root /nonexistent/dir </dev/null 2>err && expect_grep "not a folder" err
'

# Every id answered with a result in FILE, as "1 2 3 ".
answered() { jq -r 'select(.result) | .id' "$1" | sort -n | tr '\n' ' '; }

sw_test 'stdio: stdin closed right after the requests, every tool set answers all it read' '
	sw init >/dev/null && store && steering_ws && cp -r ws/.kiro/steering/. .kiro/steering/ &&
	sw spec new demo >/dev/null 2>&1 || mkdir -p .kiro/specs/demo &&
	mkdir -p docs && printf "# Widgets\n\nwidgets are assembled from parts\n" > docs/w.md &&
	sw knowledge add docs docs >/dev/null &&
	for set in store steering specs knowledge; do
		case $set in
		store) call="{\"name\":\"fs_read\",\"arguments\":{\"path\":\"store/output/a.txt\"}}" ;;
		steering) call="{\"name\":\"steering_read\",\"arguments\":{\"name\":\"tech\"}}" ;;
		specs) call="{\"name\":\"spec_list\",\"arguments\":{}}" ;;
		knowledge) call="{\"name\":\"knowledge_search\",\"arguments\":{\"query\":\"widgets\"}}" ;;
		esac
		printf "%s\n" "$init" "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}" \
			"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":$call}" \
			"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}" |
			sw mcp serve --tools $set | cat >out.$set || return 1
		[ "$(answered out.$set)" = "1 2 3 " ] || { echo "$set answered: $(answered out.$set)"; cat out.$set; return 1; }
		expect_no_grep "isError" out.$set || return 1
	done &&
	expect_grep "widgets are assembled" out.knowledge && expect_grep "alpha" out.store
'

sw_test 'stdio: a long answer reaches a slow reader in full after stdin closed' '
	store &&
	python3 -c "
import sys
for i in range(15000): sys.stdout.write(\"line %06d %s\\n\" % (i, \"y\" * 40))" > store/output/big.txt &&
	printf "%s\n" "$init" "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"fs_read\",\"arguments\":{\"path\":\"output/big.txt\"}}}" |
		sw mcp serve --root store | { sleep 1; cat; } >out &&
	[ "$(answered out)" = "1 2 " ] && grep -q "line 014999 y*.n" out
'
