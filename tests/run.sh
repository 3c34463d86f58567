#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs every unit test binary (cmocka) and every integration script, then
# prints one summary line: "N passed, N failed[, N skipped]".
#
# Environment: SPECWRIGHT (the binary under test), BUILD (build folder),
# SW_TEST_FILTER (cmocka test name filter), T (integration scripts to run,
# as a glob such as 't01*').
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
