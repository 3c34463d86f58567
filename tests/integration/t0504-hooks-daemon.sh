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

# group_alive PGID: a process of the group is still running (zombies do not count).
group_alive() {
	ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { n++ } END { exit n ? 0 : 1 }'
}

# The watcher is killed outright while a hook sleeps past its own timeout:
# nothing is left to enforce the timeout, so the hook's group must go with it.
sw_test 'a watcher killed with SIGKILL takes its running hooks with it' '
	mkdir -p ws/.kiro/hooks ws/.kiro/h && cd ws && echo 0 >a.txt &&
	printf "echo \$\$ >../hookpid; sleep 25; touch ../marker\n" >.kiro/h/slow.sh &&
	printf "{\"name\": \"slow\", \"version\": \"1\", \"when\": {\"type\": \"fileEdited\", \"patterns\": [\"*.txt\"]},\n \"then\": {\"type\": \"runCommand\", \"command\": \"sh .kiro/h/slow.sh\", \"timeout\": 5}}\n" \
		>.kiro/hooks/slow.kiro.hook &&
	start_watch &&
	echo 1 >>a.txt &&
	wait_for "test -s ../hookpid" &&
	pg=$(ps -o pgid= -p "$(cat ../hookpid)" | tr -d " ") && test -n "$pg" &&
	wait_for "ps -e -o pgid=,args= | grep -q \"^ *$pg sleep 25\"" &&
	kill -KILL "$WATCH_PID" && { wait "$WATCH_PID" || :; } &&
	n=0 && while group_alive "$pg" && [ $n -lt 300 ]; do n=$((n + 1)); sleep 0.05; done &&
	if group_alive "$pg"; then ps -e -o pid=,pgid=,stat=,args= | awk -v g="$pg" "\$2 == g" >&2; false; fi &&
	test ! -e ../marker
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
