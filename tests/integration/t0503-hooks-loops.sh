#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hooks watch: concurrency (parallel hooks, one run per hook, one follow-up) and the loop guard.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

sw_test 'saves during a slow run queue exactly one follow-up run' '
	mkdir -p ws && cd ws && echo 0 >a.txt &&
	hook_script slow fileEdited "*.txt" <<-"EOF2" &&
	echo start >>../runs; sleep 3; echo end >>../runs
	EOF2
	start_watch &&
	echo 1 >>a.txt && wait_for "grep -q start ../runs" &&
	for i in 2 3 4 5 6; do echo $i >>a.txt; sleep 0.1; done &&
	wait_for "[ \$(grep -c end ../runs) -ge 2 ]" && settle && settle &&
	stop_watch &&
	test "$(cat ../runs | tr "\n" " ")" = "start end start end " &&
	expect_grep "^slow a.txt .* exit 0 (follow-up)$" ../watch.out
'

sw_test 'hooks run in parallel with each other' '
	mkdir -p ws && cd ws && echo 0 >a.md &&
	echo "echo A-start >>../order; sleep 1; echo A-end >>../order" | hook_script a fileEdited "*.md" &&
	echo "echo B-start >>../order; sleep 1; echo B-end >>../order" | hook_script b fileEdited "*.md" &&
	start_watch &&
	echo 1 >>a.md &&
	wait_for "[ \$(lines ../order) -ge 4 ]" &&
	stop_watch &&
	head -n 2 ../order | grep -q A-start && head -n 2 ../order | grep -q B-start
'

# Run 1 strips a.txt, its own input, taken as seen when it exits; gen.txt is
# a file the hook has not run on, so it gets a run of its own, which writes the
# same bytes again and triggers nothing.
sw_test 'a hook rewriting its files does not trigger itself again' '
	mkdir -p ws && cd ws && echo old >gen.txt && echo x >a.txt &&
	hook_script fmt fileEdited "*.txt" <<-"EOF2" &&
	echo "$SPECWRIGHT_FILE" >>../runs
	sed -i "s/  *\$//" "$SPECWRIGHT_FILE"
	printf "generated\n" >gen.txt
	EOF2
	start_watch &&
	printf "x   \n" >a.txt &&
	wait_for "[ \$(lines ../runs) -ge 2 ]" && settle && settle &&
	stop_watch &&
	test "$(cat a.txt)" = "x" && test "$(cat gen.txt)" = "generated" &&
	test "$(cat ../runs | tr "\n" " ")" = "a.txt gen.txt " &&
	expect_no_grep paused ../watch.err
'

# runs HOOK: the hook's run count in "hooks status --json".
runs() {
	sw hooks status --json | python3 -c "import json, sys; print([h for h in json.load(sys.stdin)[\"hooks\"] if h[\"id\"] == sys.argv[1]][0][\"runs\"])" "$1"
}

# One hook normalises its input (idempotent), the other appends to it (never
# the same twice): either way what the run leaves is what the hook has seen.
sw_test 'a hook that normalises or appends to its own input runs once per outside save' '
	mkdir -p ws && cd ws && echo x >a.txt && echo y >b.log &&
	hook_script norm fileEdited "*.txt" <<-"EOF2" &&
	echo "$SPECWRIGHT_FILE" >>../runs
	sed -i "s/  *\$//" "$SPECWRIGHT_FILE"
	EOF2
	hook_script stamp fileEdited "*.log" <<-"EOF2" &&
	echo "$SPECWRIGHT_FILE" >>../runs
	date +%s%N >>"$SPECWRIGHT_FILE"
	EOF2
	start_watch &&
	printf "x   \n" >a.txt && echo y2 >>b.log &&
	wait_for "[ \$(lines ../runs) -ge 2 ]" && settle && settle &&
	test "$(lines ../runs)" -eq 2 && test "$(runs norm)" -eq 1 && test "$(runs stamp)" -eq 1 &&
	printf "z   \n" >a.txt && echo y3 >>b.log &&
	wait_for "[ \$(lines ../runs) -ge 4 ]" && settle && settle &&
	test "$(runs norm)" -eq 2 && test "$(runs stamp)" -eq 2 &&
	stop_watch &&
	test "$(sort ../runs | tr "\n" " ")" = "a.txt a.txt b.log b.log " &&
	test "$(cat a.txt)" = "z" && test "$(lines b.log)" -eq 5 &&
	expect_no_grep paused ../watch.err
'

# A write made well before the run ends is not taken as the run's own (it
# could be a save made during a slow run), so this hook loops: the guard
# pauses it.
sw_test 'a hook that keeps re-triggering itself is paused with a warning' '
	mkdir -p ws && cd ws && echo 0 >log.txt &&
	hook_script grow fileEdited "log.txt" <<-"EOF2" &&
	date +%s%N >>log.txt
	sleep 1.5
	EOF2
	start_watch --max-followups 3 &&
	echo go >>log.txt &&
	wait_for "grep -q \"hook .grow. paused\" ../watch.err" &&
	n=$(lines log.txt) && settle && test "$(lines log.txt)" -eq "$n" &&
	test "$(grep -c "^grow log.txt" ../watch.out)" -le 5 &&
	sw hooks status --json >../status &&
	python3 -c "import json; d=json.load(open(\"../status\")); h=d[\"hooks\"][0]; assert d[\"running\"] and h[\"state\"]==\"paused\", d" &&
	sed -i "s/\"version\": \"1\",/\"version\": \"1\", \"description\": \"edited\",/" .kiro/hooks/grow.kiro.hook &&
	wait_for "grep -q \"reloaded 1 hook\" ../watch.err" &&
	sw hooks status --json >../status &&
	python3 -c "import json; d=json.load(open(\"../status\")); assert d[\"hooks\"][0][\"state\"]!=\"paused\", d" &&
	stop_watch
'
