#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The first spec: creates a workspace in DIR (a git repository with .kiro)
# and runs the whole generation pipeline in it, 'specwright spec new' with
# --yes --commit, which writes requirements.md, design.md and tasks.md,
# checks each one and commits each approved phase.
#
#   tests/model-server/demo/run.sh [DIR]        (default /tmp/demo)
#
# With a model provider configured (ANTHROPIC_API_KEY, OPENAI_API_KEY, AWS
# credentials, or "model" in ~/.kiro/settings/specwright.json) the model
# writes the spec.  With none, or with SW_DEMO_CANNED=1, the same pipeline
# runs against the scripted model server (tests/model-server/server.py)
# replaying the canned answers in this folder, and says so loudly.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
SPECWRIGHT=${SPECWRIGHT:-$top/build/specwright}
dir=${1:-/tmp/demo}
name=todo-cli
prompt="A command-line todo list that keeps items in todo.txt in the current directory: add items with an optional due date, list open items with the most urgent first, mark items done."

[ -x "$SPECWRIGHT" ] || { echo "run.sh: build first ('make'); no $SPECWRIGHT" >&2; exit 1; }
sw() { "$SPECWRIGHT" -C "$dir" "$@"; }

provider=
if [ "${SW_DEMO_CANNED:-0}" != 1 ]; then
	if [ -n "${ANTHROPIC_API_KEY:-}" ] || [ -n "${OPENAI_API_KEY:-}" ] ||
	   [ -n "${AWS_ACCESS_KEY_ID:-}" ] || [ -n "${AWS_PROFILE:-}" ] ||
	   grep -qs '"model"' "$HOME/.kiro/settings/specwright.json"; then
		provider=yes
	fi
fi

mkdir -p "$dir"
if [ ! -d "$dir/.git" ]; then
	git -C "$dir" init -q
fi
# The spec is committed with the user's identity; a demo folder without one gets a local one.
if ! git -C "$dir" config user.email >/dev/null; then
	git -C "$dir" config user.name "Specwright Demo"
	git -C "$dir" config user.email "demo@example.invalid"
fi
[ -d "$dir/.kiro" ] || sw init >/dev/null
# Running the demo again makes a second spec rather than touching the first.
n=1
while [ -d "$dir/.kiro/specs/$name" ]; do
	n=$((n + 1)); name=todo-cli-$n
done

if [ -n "$provider" ]; then
	echo "== generating spec '$name' with your configured model provider"
	sw spec new "$name" "$prompt" --yes --commit
else
	ms=$(mktemp -d "${TMPDIR:-/tmp}/sw-demo.XXXXXX")
	trap 'kill $pid 2>/dev/null; rm -rf "$ms"' EXIT
	python3 "$here/mkscript.py" --fence "$here/requirements.md" "$here/design.md" "$here/tasks.md" \
		>"$ms/script.json"
	python3 "$top/tests/model-server/server.py" --script "$ms/script.json" --dir "$ms" 2>"$ms/log" &
	pid=$!
	i=0
	while [ ! -s "$ms/port" ]; do
		i=$((i + 1)); [ $i -lt 200 ] || { cat "$ms/log" >&2; exit 1; }
		sleep 0.05
	done
	banner="NO MODEL PROVIDER CONFIGURED: the answers below are CANNED, replayed by the scripted model server (tests/model-server), not written by a model."
	echo "== $banner"
	echo "== Set ANTHROPIC_API_KEY or OPENAI_API_KEY (or AWS credentials) to generate a real spec."
	OPENAI_BASE_URL=http://127.0.0.1:$(cat "$ms/port")/v1 OPENAI_API_KEY=canned-demo \
		sw spec new "$name" "$prompt" --yes --commit --model openai/canned-demo
	echo "== (canned) The answers above were replayed by the scripted model server, not written by a model."
fi
echo "== the spec, checked and committed:"
sw spec status "$name"
sw spec lint "$name"
git -C "$dir" log --oneline -- ".kiro/specs/$name"
echo "== read it: ls $dir/.kiro/specs/$name"
