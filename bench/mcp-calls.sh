#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tools/call round trips per second over stdio: 'specwright mcp serve'
# (fs_read) against the reference @modelcontextprotocol/server-filesystem
# (read_text_file) on the same read of the same small file, in the same run,
# driven by the same minimal C client (bench/mcp-calls-client.c).
#
#   bench/mcp-calls.sh            (SPECWRIGHT=path/to/specwright, CALLS, WINDOW)
#
# Two modes per server: WINDOW requests in flight (throughput) and one at a
# time (latency-bound round trips).  Prints both rates and the ratios.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
SPECWRIGHT=${SPECWRIGHT:-$top/build/specwright}
CALLS=${CALLS:-50000}
WINDOW=${WINDOW:-64}
NODE_CALLS=${NODE_CALLS:-5000}
FS=$top/tests/node_modules/.bin/mcp-server-filesystem
[ -x "$FS" ] || { echo "mcp-calls: tests/node_modules is absent (make deps)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/client" "$top/bench/mcp-calls-client.c"
mkdir -p "$tmp/root"
printf 'a small file, read again and again\n' > "$tmp/root/small.txt"

rate() { sed -n 's/.*rate=\([0-9]*\).*/\1/p'; }

run() { # name calls window tool args -- server...
	name=$1 calls=$2 window=$3 tool=$4 args=$5; shift 6
	out=$("$tmp/client" "$calls" "$window" "$tool" "$args" "again and again" -- "$@")
	echo "  $name: $out" >&2
	echo "$out" | rate
}

echo "mcp-calls: $CALLS calls (node: $NODE_CALLS), window $WINDOW, $(nproc) cores" >&2
sw_w=$(run "specwright window=$WINDOW" "$CALLS" "$WINDOW" fs_read '{"path":"small.txt"}' -- \
	"$SPECWRIGHT" mcp serve --root "$tmp/root")
fs_w=$(run "server-filesystem window=$WINDOW" "$NODE_CALLS" "$WINDOW" read_text_file \
	"{\"path\":\"$tmp/root/small.txt\"}" -- "$FS" "$tmp/root")
sw_1=$(run "specwright window=1" "$((CALLS / 5))" 1 fs_read '{"path":"small.txt"}' -- \
	"$SPECWRIGHT" mcp serve --root "$tmp/root")
fs_1=$(run "server-filesystem window=1" "$((NODE_CALLS / 5))" 1 read_text_file \
	"{\"path\":\"$tmp/root/small.txt\"}" -- "$FS" "$tmp/root")
echo "mcp-calls: pipelined (window $WINDOW): specwright $sw_w calls/s, server-filesystem $fs_w calls/s, ratio $(awk "BEGIN { printf \"%.1f\", $sw_w / $fs_w }")x"
echo "mcp-calls: one at a time:        specwright $sw_1 calls/s, server-filesystem $fs_1 calls/s, ratio $(awk "BEGIN { printf \"%.1f\", $sw_1 / $fs_1 }")x"
echo "mcp-calls: goal >= 50000 calls/s pipelined and >= 10x: $( [ "$sw_w" -ge 50000 ] && echo met || echo NOT met ) / $( [ "$sw_w" -ge $((10 * fs_w)) ] && echo met || echo NOT met )"
