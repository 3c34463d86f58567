#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hooks watch: concurrency (parallel hooks, one run per hook, one follow-up) and the loop guard.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

sw_test 'saves during a slow run queue exactly one follow-up run' '
	mkdir -p ws && cd ws && echo 0 >a.txt &&
	hook_script slow fileEdited "*.txt" <<-"EOF2" &&
	echo start >>../runs; sleep 1.5; echo end >>../runs
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

# Run 1 changes a.txt (stripped) and gen.txt; the run for those changes writes the
# same bytes again, which triggers nothing.  gen.txt may join that run or get its own.
sw_test 'a hook rewriting its files with the same bytes does not trigger itself again' '
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
	test "$(grep -c "^a.txt$" ../runs)" -eq 2 && test "$(grep -c "^gen.txt$" ../runs)" -le 1 &&
	expect_no_grep paused ../watch.err
'

sw_test 'a hook that keeps re-triggering itself is paused with a warning' '
	mkdir -p ws && cd ws && echo 0 >log.txt &&
	hook_script grow fileEdited "log.txt" <<-"EOF2" &&
	date +%s%N >>log.txt
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
