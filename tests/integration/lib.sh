# SPDX-License-Identifier: Apache-2.0
# Integration test library (git t/ style).  A script sources this file and
# calls
#     sw_test 'what it checks' '
#             shell commands; any failing command fails the case
#     '
# Each case runs in a fresh temporary directory with HOME pointing at an
# empty folder inside it.  Output: "ok N - name", "not ok N - name" or
# "skip N - name (reason)", one line per case.
#
# Helpers: sw (the binary under test), expect_fail CODE cmd..., expect_grep
# PATTERN FILE, sw_skip_unless_shared (skip when ../shared is absent).
set -u
: "${SPECWRIGHT:?SPECWRIGHT must name the binary under test}"
: "${SW_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SW_SHARED:=$SW_TOP/../shared}"
SW_CASE=0
SW_TMP_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/sw-test.XXXXXX")
trap 'rm -rf "$SW_TMP_ROOT"' EXIT
export NO_COLOR=1

sw() { "$SPECWRIGHT" "$@"; }

# expect_fail CODE cmd...: the command must exit with exactly CODE.
expect_fail() {
	want=$1; shift
	"$@"; got=$?
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got: $*" >&2
		return 1
	fi
	return 0
}

expect_grep() {
	if ! grep -q -e "$1" "$2"; then
		echo "expected /$1/ in $2:" >&2
		sed 's/^/    | /' "$2" | head -n 40 >&2
		return 1
	fi
}

expect_no_grep() {
	if grep -q -e "$1" "$2"; then
		echo "unexpected /$1/ in $2:" >&2
		grep -e "$1" "$2" | sed 's/^/    | /' | head -n 20 >&2
		return 1
	fi
}

SW_SKIP_REASON=
sw_skip_unless_shared() {
	[ -d "$SW_SHARED/corpus" ] || SW_SKIP_REASON="../shared/corpus is absent"
}

sw_test() {
	SW_CASE=$((SW_CASE + 1))
	name=$1
	body=$2
	if [ -n "$SW_SKIP_REASON" ]; then
		echo "skip $SW_CASE - $name ($SW_SKIP_REASON)"
		return 0
	fi
	dir=$SW_TMP_ROOT/case$SW_CASE
	mkdir -p "$dir/home"
	# Not inside "if": set -e is ignored in a tested command list.
	( cd "$dir" && HOME=$dir/home && export HOME && set -e && eval "$body" ) >"$dir.log" 2>&1
	if [ $? -eq 0 ]; then
		echo "ok $SW_CASE - $name"
	else
		echo "not ok $SW_CASE - $name"
		sed 's/^/#   /' "$dir.log" | tail -n 40
	fi
}

# mcp_serve_http DIR [ARGS...]: starts `specwright mcp serve ARGS --http` in
# DIR on a free loopback port (its stderr in srv.err); sets SRV (its pid),
# PORT and URL.  mcp_serve_stop stops it.
mcp_serve_http() {
	_dir=$1; shift
	(cd "$_dir" && exec "$SPECWRIGHT" mcp serve "$@" --http 127.0.0.1:0) 2>srv.err &
	SRV=$!
	i=0
	while ! grep -q "listening on" srv.err 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat srv.err; return 1; }
		sleep 0.1
	done
	PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/mcp.*/\1/p' srv.err)
	URL=http://127.0.0.1:$PORT/mcp
}

mcp_serve_stop() { kill "$SRV" && wait "$SRV"; }
