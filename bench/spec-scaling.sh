#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# How the specs engine scales with one large spec: `spec lint` and
# `spec show` of a generated spec (bench/gen-big-spec.py) at 1x, 4x and
# 16x the base size, on one core.  Prints MB/s at each size and the ratio
# of the 16x rate to the 1x rate: about 1 for a linear engine, about 1/16
# for a quadratic one.  At 16x the requirements.md has about 1,000,000
# lines and the tasks.md is about 32 MB.
#
#   bench/spec-scaling.sh             LINES=62500 MB=2 at 1x
#   LINES=15000 MB=0.5 bench/spec-scaling.sh   a quicker run
#
# Not a test: it prints numbers.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
SPECWRIGHT=${SPECWRIGHT:-$top/build/specwright}
LINES=${LINES:-62500}
MB=${MB:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/sw-bench-scaling.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
pin() { if command -v taskset >/dev/null; then taskset -c 0 "$@"; else "$@"; fi; }

# Seconds one command takes (output discarded; its exit status does not matter here).
timed() {
	t0=$(now)
	pin "$@" >/dev/null 2>&1 || true
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}

printf '%-6s %9s %10s %10s %10s %10s\n' size MB lint_s lint_MB/s show_s show_MB/s
first_lint= first_show=
for k in 1 4 16; do
	dir=$work/x$k
	mkdir -p "$dir"
	python3 "$here/gen-big-spec.py" "$dir" "$((LINES * k))" "$(echo "$MB * $k" | bc -l)"
	bytes=$(cat "$dir"/.kiro/specs/big/*.md | wc -c)
	cat "$dir"/.kiro/specs/big/*.md >/dev/null
	lint=$(cd "$dir" && timed "$SPECWRIGHT" spec lint -q big)
	show=$(cd "$dir" && timed "$SPECWRIGHT" spec show big)
	lrate=$(echo "$bytes / 1000000 / $lint" | bc -l)
	srate=$(echo "$bytes / 1000000 / $show" | bc -l)
	printf '%-6s %9.1f %10.2f %10.1f %10.2f %10.1f\n' "${k}x" "$(echo "$bytes / 1000000" | bc -l)" \
		"$lint" "$lrate" "$show" "$srate"
	[ -n "$first_lint" ] || { first_lint=$lrate; first_show=$srate; }
	last_lint=$lrate last_show=$srate
	rm -rf "$dir"
done
printf '\nlinearity (MB/s at 16x / MB/s at 1x; 1.0 is linear, 0.06 quadratic): lint %.2f, show %.2f\n' \
	"$(echo "$last_lint / $first_lint" | bc -l)" "$(echo "$last_show / $first_show" | bc -l)"
