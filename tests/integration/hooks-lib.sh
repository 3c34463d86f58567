# SPDX-License-Identifier: Apache-2.0
# Helpers for the hook tests (t05xx), sourced after lib.sh.  A case works in
# ws/ (the workspace) and keeps its records beside it, outside the watch.
#
#   hook_script NAME TRIGGER PATTERN [EXTRA_JSON]   an IDE hook running ws/.kiro/h/NAME.sh,
#                                                   whose body is read from stdin
#   start_watch [ARGS]    'hooks watch --foreground' in the background (output in ../watch.out/.err)
#   stop_watch            Ctrl-C it and wait
#   wait_for 'COND'       polls COND for up to 30 s (a bound for a hang, not a measurement)
#   settle                lets late events arrive before counting "nothing else happened"

hook_script() {
	name=$1 trigger=$2 pattern=$3 extra=${4:-}
	mkdir -p .kiro/hooks .kiro/h
	cat >".kiro/h/$name.sh"
	printf '{"name": "%s", "version": "1", %s"when": {"type": "%s", "patterns": ["%s"]},\n "then": {"type": "runCommand", "command": "sh .kiro/h/%s.sh"}}\n' \
		"$name" "$extra" "$trigger" "$pattern" "$name" >".kiro/hooks/$name.kiro.hook"
}

wait_for() {
	n=0
	while ! eval "$1" 2>/dev/null; do
		n=$((n + 1))
		if [ $n -ge 600 ]; then
			echo "timed out waiting for: $1" >&2
			return 1
		fi
		sleep 0.05
	done
}

start_watch() {
	"$SPECWRIGHT" hooks watch --foreground "$@" >../watch.out 2>../watch.err &
	WATCH_PID=$!
	trap 'rc=$?; kill $WATCH_PID 2>/dev/null || :; exit $rc' EXIT
	wait_for 'grep -q "watching" ../watch.err'
}

stop_watch() {
	kill -INT "$WATCH_PID"
	if ! wait_for "! alive $WATCH_PID"; then
		kill -KILL "$WATCH_PID"
		return 1
	fi
	wait "$WATCH_PID"
}

settle() {
	sleep 1
}

lines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d " "; else echo 0; fi
}

# alive PID: the process exists and is not a zombie.
alive() {
	st=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -n "$st" ] && [ "${st#Z}" = "$st" ]
}
