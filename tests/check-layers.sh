#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Static checks of the architecture (DESIGN.md, STYLE.md R1 and R19):
#  1. layers: a module includes headers of its own layer or below only;
#  2. seams: each dependency's header is included by exactly one module.
# Prints every violation and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.." || exit 1
fail=0

# layer number of a source folder (higher may include lower or equal)
layer_of() {
	case $1 in
	src/cmd|src/main.c|src) echo 5 ;;
	src/dispatch|web|hooks) echo 4 ;;
	src/agent|src/acp|mcp|src/model) echo 3 ;;
	specs-engine|src/kiro|src/knowledge|src/git|flock) echo 2 ;;
	src/base) echo 1 ;;
	*) echo 0 ;;
	esac
}

# folder of an include path as written ("base/buf.h" -> src/base, "mcp/x.h" -> mcp)
include_dir() {
	case $1 in
	base/*|kiro/*|model/*|agent/*|acp/*|knowledge/*|git/*|dispatch/*|cmd/*) echo "src/${1%%/*}" ;;
	specs-engine/*|hooks/*|flock/*|mcp/*|web/*) echo "${1%%/*}" ;;
	*) echo "" ;;
	esac
}

for f in $(find src specs-engine hooks flock mcp web -name '*.[ch]' 2>/dev/null); do
	dir=$(dirname "$f")
	[ "$f" = src/main.c ] && dir=src/cmd
	from=$(layer_of "$dir")
	grep -n '^#include "' "$f" | while IFS= read -r line; do
		inc=$(printf '%s' "$line" | sed 's/^[0-9]*:#include "\([^"]*\)".*/\1/')
		to_dir=$(include_dir "$inc")
		[ -n "$to_dir" ] || continue
		to=$(layer_of "$to_dir")
		if [ "$to" -gt "$from" ]; then
			echo "layers: $f:${line%%:*}: includes '$inc' from a higher layer ($to_dir)"
			echo x >> "${TMPDIR:-/tmp}/sw-layers.$$"
		fi
	done
done

# dependency header -> the one place allowed to include it (a regular expression on paths)
check_seam() {
	header=$1 allowed=$2
	for f in $(grep -rl --include='*.[ch]' "^#include <$header" src specs-engine hooks flock mcp web 2>/dev/null); do
		if ! printf '%s\n' "$f" | grep -Eq "^($allowed)$"; then
			echo "seams: $f includes <$header>; only $allowed may"
			echo x >> "${TMPDIR:-/tmp}/sw-layers.$$"
		fi
	done
}
check_seam 'curl/' 'src/base/http_client\.[ch]'
check_seam 'microhttpd\.h' 'src/base/http_server\.[ch]'
check_seam 'git2' 'src/git/[a-z_]+\.[ch]'
check_seam 'cmark' 'specs-engine/md\.[ch]'
check_seam 'md4c' 'web/render\.[ch]'
check_seam 'sqlite3\.h' 'src/knowledge/[a-z_]+\.[ch]'
check_seam 'yaml\.h' 'src/kiro/frontmatter\.[ch]'
check_seam 'sys/inotify\.h' 'hooks/watch\.[ch]'

if [ -s "${TMPDIR:-/tmp}/sw-layers.$$" ]; then
	fail=1
fi
rm -f "${TMPDIR:-/tmp}/sw-layers.$$"
[ "$fail" -eq 0 ] && echo "check-layers: layers and seams clean"
exit "$fail"
