#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every unit test binary (cmocka) and every integration script, then
# prints one summary line: "N passed, N failed[, N skipped]".
#
# Environment: SPECWRIGHT (the binary under test), BUILD (build folder),
# SW_TEST_FILTER (cmocka test name filter), T (integration scripts to run,
# as a glob such as 't01*'), SW_REQUIRE_DEPS (see below).
#
# Skips are counted, never passed.  An integration case that skips names a
# class (tests/integration/lib.sh): "shared" (../shared is absent) is always
# allowed; any other skip means something 'make deps' installs is missing.
# Where make deps has run (it leaves tests/.deps-ok) such a skip fails the
# run, so a suite that silently stopped running its peers cannot pass.
# SW_REQUIRE_DEPS=1 demands that without the marker, =0 waives it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
export SPECWRIGHT=${SPECWRIGHT:-$BUILD/specwright}
export SW_TOP=$top
export SW_SHARED=${SW_SHARED:-$top/../shared}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

passed=0 failed=0 skipped=0
failures=""
require_deps=${SW_REQUIRE_DEPS:-}
if [ -z "$require_deps" ]; then
	if [ -f "$top/tests/.deps-ok" ]; then require_deps=1; else require_deps=0; fi
fi

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	out=$results/$name.out
	( cd "$top" && "$t" ) >"$out" 2>&1
	status=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or died before its summary
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		failures="$failures $name"
		echo "--- $name (exit $status)"; grep -v '^\[ \(RUN\|       OK\) ' "$out" | tail -n 60
	elif [ "${VERBOSE:-0}" = 1 ]; then
		cat "$out"
	fi
	printf '%-32s %4d passed %4d failed\n' "$name" "$p" "$f"
done

for t in "$top"/tests/integration/${T:-t[0-9]*}.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	out=$results/$name.out
	( cd "$top" && sh "$t" ) >"$out" 2>&1
	status=$?
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	s=$(grep -c '^skip ' "$out")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	# A skip that is not "(shared: ...)" is a missing dependency.
	u=0
	if [ "$require_deps" = 1 ]; then
		u=$(grep '^skip ' "$out" | grep -c -v ' (shared: [^()]*)$')
	fi
	if [ "$u" -ne 0 ]; then
		echo "--- $name: $u case(s) skipped for a missing dependency although 'make deps' has run"
		echo "    (tests/.deps-ok); run 'make deps' again, or remove tests/.deps-ok:"
		grep '^skip ' "$out" | grep -v ' (shared: [^()]*)$' | sed 's/^/    /'
		f=$((f + u)); s=$((s - u))
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		failures="$failures $name"
		echo "--- $name (exit $status)"; tail -n 80 "$out"
	elif [ "${VERBOSE:-0}" = 1 ]; then
		cat "$out"
	fi
	printf '%-32s %4d passed %4d failed %4d skipped\n' "$name" "$p" "$f" "$s"
done

[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
