#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Parse + lint throughput of the specs engine on a generated spec corpus
# (about 100 MB by default), on one core, next to `openspec validate` on
# the same number of specs with the same requirements, in the same run.
#
#   bench/specs-parse.sh            SPECS=5300 by default (~100 MB of Kiro specs)
#   SPECS=500 bench/specs-parse.sh  a quicker run
#
# Not a test: it prints numbers.  OpenSpec (@fission-ai/openspec, pinned in
# bench/package.json) is installed into bench/node_modules on first use.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SPECWRIGHT=${SPECWRIGHT:-$top/build/specwright}
SPECS=${SPECS:-5300}
work=$(mktemp -d "${TMPDIR:-/tmp}/sw-bench-specs.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
pin() { if command -v taskset >/dev/null; then taskset -c 0 "$@"; else "$@"; fi; }

echo "generating $SPECS specs in $work ..."
python3 "$here/gen-specs.py" "$work" "$SPECS"
kiro_bytes=$(find "$work/kiro" -type f -name '*.md' -exec cat {} + | wc -c)
os_bytes=$(find "$work/openspec" -type f -name '*.md' -exec cat {} + | wc -c)

# Warm the page cache, then time one process linting every spec (one thread, pinned to one core).
find "$work/kiro" -type f -exec cat {} + >/dev/null
t0=$(now)
(cd "$work/kiro" && pin "$SPECWRIGHT" spec lint -q >/dev/null 2>"$work/sw.err") || true
t1=$(now)
tail -n 1 "$work/sw.err"

if [ ! -x "$here/node_modules/.bin/openspec" ]; then
	echo "installing the pinned OpenSpec into bench/node_modules ..."
	(cd "$here" && npm install --no-audit --no-fund --silent >/dev/null 2>&1) ||
		{ echo "npm install failed: OpenSpec not measured"; }
fi
os_time=
if [ -x "$here/node_modules/.bin/openspec" ]; then
	mkdir -p "$work/home"
	find "$work/openspec" -type f -exec cat {} + >/dev/null
	t2=$(now)
	(cd "$work/openspec" && HOME=$work/home DO_NOT_TRACK=1 OPENSPEC_TELEMETRY=0 \
		pin "$here/node_modules/.bin/openspec" validate --specs --no-interactive --concurrency 1 \
		>"$work/os.out" 2>&1) || true
	t3=$(now)
	tail -n 1 "$work/os.out"
	os_time=$(echo "$t3 - $t2" | bc -l)
fi

sw_time=$(echo "$t1 - $t0" | bc -l)
printf '\nspecs: %d\n' "$SPECS"
printf 'specwright spec lint:  %6.2f s  %7.1f MB/s  %8.0f specs/s  (%.1f MB of Kiro specs)\n' \
	"$sw_time" "$(echo "$kiro_bytes / 1000000 / $sw_time" | bc -l)" "$(echo "$SPECS / $sw_time" | bc -l)" \
	"$(echo "$kiro_bytes / 1000000" | bc -l)"
if [ -n "$os_time" ]; then
	printf 'openspec validate:     %6.2f s  %7.1f MB/s  %8.0f specs/s  (%.1f MB of OpenSpec specs)\n' \
		"$os_time" "$(echo "$os_bytes / 1000000 / $os_time" | bc -l)" "$(echo "$SPECS / $os_time" | bc -l)" \
		"$(echo "$os_bytes / 1000000" | bc -l)"
	printf 'ratio (same number of specs): specwright is %.1fx faster per spec, %.1fx per MB\n' \
		"$(echo "$os_time / $sw_time" | bc -l)" \
		"$(echo "($kiro_bytes / $sw_time) / ($os_bytes / $os_time)" | bc -l)"
fi
