#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The HTTP server's connection bounds, through 'specwright mcp serve --http':
# bursts of idle connections and silent sockets held past the limits must
# never leave it unable to answer, and a request head trickled in too slowly
# is dropped.  Every client is on loopback, bounded, and closed at the end;
# curl gives up after 20 s, so a wedged server fails instead of hanging.
. "$(dirname "$0")/lib.sh"

CLIENTS=$SW_TOP/tests/fixtures/http/idle_clients.py

init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'

# answers: an authorised initialize on $URL gets its answer.
answers() {
	curl -sS -m 20 -D h -H "Authorization: Bearer T" -H "Content-Type: application/json" \
		-H "Accept: application/json, text/event-stream" -d "$init" "$URL" >b &&
	expect_grep "^HTTP/1.1 200" h && expect_grep "protocolVersion" b
}

# hold_silent COUNT: COUNT silent connections held open (HOLD: the holder's pid).
hold_silent() {
	: >held
	python3 "$CLIENTS" hold "$PORT" "$1" 60 >held &
	HOLD=$!
	i=0
	while ! grep -q holding held; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1
		sleep 0.1
	done
}

cleanup() { kill ${HOLD:-} ${SRV:-} 2>/dev/null || :; }

sw_test 'three bursts of 300 idle connections leave the server answering' '
	trap cleanup EXIT &&
	mcp_serve_http . --token T &&
	python3 "$CLIENTS" burst "$PORT" "$SRV" 300 3 &&
	answers && mcp_serve_stop
'

sw_test 'the same when one address may fill the global limit' '
	trap cleanup EXIT &&
	mcp_serve_http . --token T --max-per-ip 1000 &&
	python3 "$CLIENTS" burst "$PORT" "$SRV" 300 3 &&
	answers && mcp_serve_stop
'

sw_test 'silent connections beyond the limit time out and a request is answered' '
	trap cleanup EXIT &&
	mcp_serve_http . --token T --max-connections 8 --max-per-ip 1000 --idle-timeout 1 \
		--header-timeout 3600 &&
	hold_silent 12 && answers && kill $HOLD && mcp_serve_stop
'

sw_test 'silent connections beyond the limit miss the header timeout and a request is answered' '
	trap cleanup EXIT &&
	mcp_serve_http . --token T --max-connections 8 --max-per-ip 1000 --idle-timeout 3600 \
		--header-timeout 1 &&
	hold_silent 12 && answers && kill $HOLD && mcp_serve_stop
'

sw_test 'a request head trickled in past the header timeout is dropped' '
	trap cleanup EXIT &&
	mcp_serve_http . --token T --header-timeout 1 &&
	python3 "$CLIENTS" trickle "$PORT" 20 >out &&
	expect_grep dropped out && answers && mcp_serve_stop
'

sw_test 'connection bounds out of range are usage errors' '
	expect_fail 2 sw mcp serve --max-connections 0 --http 127.0.0.1:0 2>err &&
	expect_grep "max-connections expects a number from 1" err &&
	expect_fail 2 sw mcp serve --idle-timeout soon --http 127.0.0.1:0 2>err &&
	expect_grep "whole number" err
'
