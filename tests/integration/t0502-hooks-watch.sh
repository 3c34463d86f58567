#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hooks watch: real inotify, real saves (vim-style, agent-style, mkdir -p, bursts), hot reload.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

record='echo "$SPECWRIGHT_EVENT $SPECWRIGHT_FILE" >>"$SPECWRIGHT_WORKSPACE/../runs"'

sw_test 'a save runs the fileEdited hook; the live line has hook, file, duration and exit code' '
	mkdir -p ws/src && cd ws && echo 1 >src/a.ts && echo 1 >notes.md &&
	echo "$record" | hook_script lint fileEdited "src/**/*.ts" &&
	start_watch &&
	echo 2 >>src/a.ts && echo 2 >>notes.md &&
	wait_for "[ \$(lines ../runs) -ge 1 ]" && settle &&
	stop_watch &&
	test "$(cat ../runs)" = "fileEdited src/a.ts" &&
	expect_grep "^lint src/a.ts [0-9.]* ms exit 0$" ../watch.out &&
	expect_grep "run lint src/a.ts .* exit 0" .kiro/run/hooks.log
'

# Each step of these saves is its own process (mv, rm): the quiet period is
# set longer than any step takes on a loaded machine.
sw_test 'vim-style and agent-style saves are one edit each; no create or delete hook fires' '
	mkdir -p ws/src && cd ws && echo 1 >src/a.c && echo 1 >src/b.c &&
	echo "$record" | hook_script edited fileEdited "**/*.c" &&
	echo "echo created \$SPECWRIGHT_FILE >>../other" | hook_script created fileCreated "**/*.c" &&
	echo "echo deleted \$SPECWRIGHT_FILE >>../other" | hook_script deleted fileDeleted "**/*.c" &&
	start_watch --debounce 1000 &&
	(cd src && printf s >.a.c.swp && : >4913 && rm 4913 && mv a.c a.c~ && echo 2 >a.c && rm a.c~ && rm .a.c.swp) &&
	wait_for "[ \$(lines ../runs) -ge 1 ]" &&
	(cd src && printf 2 >b.c.tmp.$$.1 && mv b.c.tmp.$$.1 b.c) &&
	wait_for "[ \$(lines ../runs) -ge 2 ]" && settle &&
	stop_watch &&
	test "$(sort ../runs | tr "\n" " ")" = "fileEdited src/a.c fileEdited src/b.c " &&
	test ! -e ../other
'

sw_test 'files created right after mkdir -p are seen; deletes and v1 regex matchers fire' '
	mkdir -p ws/.kiro/hooks && cd ws &&
	echo "printf \"%s\\n\" \"\$SPECWRIGHT_FILES\" | sed \"s|^|\$SPECWRIGHT_EVENT |\" >>../runs" |
		hook_script new fileCreated "deep/**" &&
	cat >.kiro/hooks/v1.json <<-EOF2 &&
	{"version": "v1", "hooks": [{"name": "gone", "trigger": "PostFileDelete", "matcher": "\\\\.log$",
	  "action": {"type": "command", "command": "echo \"\$SPECWRIGHT_EVENT \$SPECWRIGHT_FILE\" >>../deleted"}}]}
	EOF2
	echo x >keep.log && echo x >keep.txt &&
	start_watch &&
	mkdir -p deep/a/b/c && touch deep/a/b/c/f && echo y >deep/a/g &&
	rm keep.log keep.txt &&
	wait_for "[ \$(lines ../runs) -ge 2 ] && [ \$(lines ../deleted) -ge 1 ]" && settle &&
	stop_watch &&
	test "$(sort ../runs | tr "\n" " ")" = "fileCreated deep/a/b/c/f fileCreated deep/a/g " &&
	test "$(cat ../deleted)" = "fileDeleted keep.log"
'

sw_test '10 000 files written in a burst: each reaches the hook exactly once' '
	mkdir -p ws && cd ws &&
	hook_script burst fileCreated "burst/**" <<-"EOF2" &&
	sed "s/.*\"files\"://" | tr "," "\n" | grep -o "burst/[a-z]*/f[0-9]*" >>../seen
	EOF2
	start_watch &&
	mkdir -p burst/x burst/y &&
	for i in $(seq 1 5000); do echo $i >burst/x/f$i; echo $i >burst/y/f$i; done &&
	wait_for "[ \$(lines ../seen) -ge 10000 ]" && settle &&
	stop_watch &&
	test "$(sort ../seen | uniq | wc -l)" -eq 10000 &&
	test "$(lines ../seen)" -eq 10000 &&
	runs=$(grep -c "^burst " ../watch.out) && echo "runs: $runs" &&
	test "$runs" -lt 1000
'

sw_test 'hook files edited while watching are reloaded; enabled false is respected' '
	mkdir -p ws && cd ws && echo 1 >a.txt &&
	echo "echo first >>../runs" | hook_script h fileEdited "*.txt" &&
	start_watch &&
	echo 2 >>a.txt && wait_for "[ \$(lines ../runs) -ge 1 ]" &&
	echo "echo second >>../runs" >.kiro/h/h.sh &&
	sed -i "s/h.sh/h2.sh/" .kiro/hooks/h.kiro.hook && cp .kiro/h/h.sh .kiro/h/h2.sh &&
	wait_for "grep -q \"reloaded 1 hook\" ../watch.err" &&
	echo 3 >>a.txt && wait_for "[ \$(lines ../runs) -ge 2 ]" &&
	sed -i "s/\"version\": \"1\",/\"version\": \"1\", \"enabled\": false,/" .kiro/hooks/h.kiro.hook &&
	wait_for "[ \$(grep -c \"reloaded 1 hook\" ../watch.err) -ge 2 ]" &&
	echo 4 >>a.txt && settle &&
	stop_watch &&
	test "$(cat ../runs | tr "\n" " ")" = "first second "
'

sw_test 'git-ignored and build output paths never fire' '
	mkdir -p ws && cd ws && printf "gen/\n*.tmp\n" >.gitignore &&
	echo "$record" | hook_script all fileCreated "**" &&
	start_watch &&
	mkdir -p gen build node_modules/x .git && echo 1 >gen/a && echo 1 >build/b && echo 1 >x.tmp &&
	echo 1 >node_modules/x/i.js && echo 1 >.git/HEAD && echo 1 >real.txt &&
	wait_for "[ \$(lines ../runs) -ge 1 ]" && settle &&
	stop_watch &&
	test "$(cat ../runs)" = "fileCreated real.txt"
'
