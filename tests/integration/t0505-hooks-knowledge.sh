#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hooks watch keeps the knowledge index fresh for saved files.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

sw_test 'a saved file is re-indexed by the hook watcher' '
	mkdir -p ws/.kiro ws/docs && cd ws &&
	printf "# Install\n\nRun the installer.\n" >docs/a.md &&
	sw knowledge add --name docs --path docs >/dev/null 2>&1 &&
	sw knowledge search pelican >../out 2>&1 || : &&
	expect_no_grep "docs/a.md" ../out &&
	start_watch &&
	printf "# Birds\n\nA pelican walks in.\n" >>docs/a.md &&
	printf "# New\n\nAn albatross too.\n" >docs/b.md &&
	wait_for "grep -q \"knowledge index refreshed\" ../watch.err" &&
	wait_for "sw knowledge search pelican 2>/dev/null | grep -q docs/a.md" &&
	wait_for "sw knowledge search albatross 2>/dev/null | grep -q docs/b.md" &&
	stop_watch
'
