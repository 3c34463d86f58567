#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hooks watch in the background: pid file, log, status, stop.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

sw_test 'the daemon watches, reports its state, refuses a second copy and stops' '
	mkdir -p ws && cd ws && echo 0 >a.txt &&
	echo "echo ran \$SPECWRIGHT_FILE" | hook_script say fileEdited "*.txt" &&
	sw hooks watch >../out &&
	trap "sw hooks stop >/dev/null 2>&1 || :" EXIT &&
	expect_grep "watching hooks of .* in the background (pid [0-9]*); log: .kiro/run/hooks.log" ../out &&
	pid=$(cat .kiro/run/hooks.pid) && alive "$pid" &&
	sw hooks status >../status && expect_grep "hook watcher running for .* (pid $pid" ../status &&
	expect_grep "inotify watches: [0-9]* of [0-9]*" ../status &&
	echo 1 >>a.txt &&
	wait_for "grep -q \"run say a.txt .* exit 0\" .kiro/run/hooks.log" &&
	expect_grep "    out| ran a.txt" .kiro/run/hooks.log &&
	sw hooks status --json >../status.json &&
	python3 -c "import json; d=json.load(open(\"../status.json\")); assert d[\"running\"] and d[\"pid\"]==$pid and d[\"hooks\"][0][\"runs\"]==1 and d[\"hooks\"][0][\"lastExit\"]==0 and d[\"watches\"]>=1 and d[\"maxUserWatches\"]>0, d" &&
	expect_fail 1 sw hooks watch 2>../err &&
	expect_grep "already watched by process $pid" ../err &&
	expect_fail 1 sw hooks watch --foreground 2>../err &&
	sw hooks stop >../out && expect_grep "stopped the hook watcher (pid $pid)" ../out &&
	! alive "$pid" && test ! -e .kiro/run/hooks.pid &&
	sw hooks status >../status && expect_grep "no hook watcher is running" ../status &&
	sw hooks status --json >../status.json &&
	python3 -c "import json; assert json.load(open(\"../status.json\")) == {\"running\": False}"
'

sw_test 'a killed daemon leaves a stale pid file that status sees through' '
	mkdir -p ws/.kiro && cd ws &&
	sw hooks watch >/dev/null && pid=$(cat .kiro/run/hooks.pid) &&
	kill -KILL "$pid" && wait_for "! alive $pid" &&
	test -e .kiro/run/hooks.pid &&
	sw hooks status >../status && expect_grep "no hook watcher is running" ../status &&
	sw hooks stop >../out && expect_grep "no hook watcher is running" ../out &&
	sw hooks watch >/dev/null && sw hooks stop >/dev/null
'

sw_test 'watch and stop reject bad arguments with usage errors' '
	mkdir -p ws/.kiro && cd ws &&
	expect_fail 2 sw hooks watch --debounce -5 2>../err && expect_grep "usage: specwright hooks watch" ../err &&
	expect_fail 2 sw hooks stop now 2>../err &&
	sw hooks watch --help >../out && expect_grep "foreground" ../out
'

sw_test 'a workspace that never ran a watcher has none to report or stop' '
	mkdir ws && cd ws && sw init >/dev/null && test ! -e .kiro/run &&
	sw hooks status >../status && expect_grep "no hook watcher is running" ../status &&
	sw hooks status --json >../status.json &&
	python3 -c "import json; assert json.load(open(\"../status.json\")) == {\"running\": False}" &&
	sw hooks stop >../out && expect_grep "no hook watcher is running" ../out
'
