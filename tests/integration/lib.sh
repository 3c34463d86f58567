# SPDX-License-Identifier: Apache-2.0
# Integration test library (git t/ style).  A script sources this file and
# calls
#     sw_test 'what it checks' '
#             shell commands; any failing command fails the case
#     '
# Each case runs in a fresh temporary directory with HOME pointing at an
# empty folder inside it.  Output: "ok N - name", "not ok N - name" or
# "skip N - name (CLASS: reason)", one line per case.
#
# Helpers: sw (the binary under test), expect_fail CODE cmd..., expect_grep
# PATTERN FILE, and the prerequisites below.
#
# Prerequisites.  A case that cannot run is reported as a skip with its
# reason, never as "ok".  The CLASS of a skip says whether it is expected:
#   shared  ../shared (the Kiro corpus) is absent: allowed anywhere
#   dep     something 'make deps' installs is missing: tests/run.sh fails
#           the run when make deps has run (tests/.deps-ok), since the
#           suite would otherwise pass without running those cases
# At the top of a script, sw_require_cmd CMD, sw_require_file PATH and
# sw_skip_unless_shared skip every later case; sw_skip_all CLASS REASON
# does the same for any other reason.  Inside a case body the same helpers
# (and sw_skip CLASS REASON) end the body and skip that case only: the
# body runs in a subshell, so they leave it with status 77 (automake's
# "skipped") and pass the reason through a file; a body that exits 77
# without one is a failure.
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

SW_SKIP_REASON=   # set: every later case of the script is skipped
SW_SKIP_CLASS=dep # its class (a script that sets SW_SKIP_REASON itself gets "dep")
SW_IN_CASE=       # set inside a case body (in its subshell)
SW_SKIP_STATUS=77

# sw_skip_all CLASS REASON: skip every later case of the script (the first reason stays).
sw_skip_all() {
	[ -n "$SW_SKIP_REASON" ] && return 0
	SW_SKIP_CLASS=$1
	SW_SKIP_REASON=$2
}

# sw_skip CLASS REASON: inside a case body, end it and report the case as skipped.
sw_skip() {
	if [ -z "$SW_IN_CASE" ]; then
		sw_skip_all "$1" "$2"
		return 0
	fi
	printf '%s: %s\n' "$1" "$2" >"$SW_SKIP_FILE"
	exit $SW_SKIP_STATUS
}

# sw_require_cmd CMD...: each command must be on PATH (make deps installs them).
sw_require_cmd() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || { sw_skip dep "$_c is not installed (make deps)"; return 0; }
	done
}

# sw_require_file PATH...: each file must exist and be executable (an npm peer, ...).
sw_require_file() {
	for _f in "$@"; do
		[ -x "$_f" ] || { sw_skip dep "${_f#"$SW_TOP"/} is absent (make deps)"; return 0; }
	done
}

sw_skip_unless_shared() {
	[ -d "$SW_SHARED/corpus" ] || sw_skip shared "../shared/corpus is absent"
}

sw_test() {
	SW_CASE=$((SW_CASE + 1))
	name=$1
	body=$2
	if [ -n "$SW_SKIP_REASON" ]; then
		echo "skip $SW_CASE - $name ($SW_SKIP_CLASS: $SW_SKIP_REASON)"
		return 0
	fi
	dir=$SW_TMP_ROOT/case$SW_CASE
	mkdir -p "$dir/home"
	# Not inside "if": set -e is ignored in a tested command list.
	( cd "$dir" && HOME=$dir/home && export HOME && SW_IN_CASE=1 && SW_SKIP_FILE=$dir.skip &&
	  set -e && eval "$body" ) >"$dir.log" 2>&1
	SW_STATUS=$?
	if [ $SW_STATUS -eq 0 ]; then
		echo "ok $SW_CASE - $name"
	elif [ $SW_STATUS -eq $SW_SKIP_STATUS ] && [ -s "$dir.skip" ]; then
		echo "skip $SW_CASE - $name ($(cat "$dir.skip"))"
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
