#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The test harness itself (lib.sh, run.sh): a case that cannot run is a
# skip with its reason, never "ok"; a skip for a missing dependency fails
# the run once 'make deps' has run; a skip for an absent ../shared does not.
. "$(dirname "$0")/lib.sh"

# fake_top: a copy of the harness around one script, t9001-x.sh, whose cases
# lack a peer, lack ../shared, and run; no unit tests (an empty BUILD).
fake_top() {
	mkdir -p top/tests/integration nobuild &&
	cp "$SW_TOP/tests/run.sh" top/tests/ && cp "$SW_TOP/tests/integration/lib.sh" top/tests/integration/ &&
	cat >top/tests/integration/t9001-x.sh <<-\EOF2
	. "$(dirname "$0")/lib.sh"
	sw_test "needs a peer" '
		sw_require_file "$SW_TOP/tests/node_modules/.bin/no-such-peer"
		echo "reached after a missing peer" >&2; exit 1
	'
	sw_test "needs the corpus" '
		sw_skip_unless_shared
		exit 0
	'
	sw_test "runs" "true"
	EOF2
}

run_fake() {
	(unset SW_REQUIRE_DEPS; BUILD=$PWD/nobuild SW_SHARED=$PWD/noshared sh top/tests/run.sh "$@")
}

sw_test 'a case body skips with its class and reason; exit 77 without a reason fails' '
	fake_top &&
	(export SW_TOP=$PWD/top SW_SHARED=$PWD/noshared; sh top/tests/integration/t9001-x.sh) >out &&
	expect_grep "^skip 1 - needs a peer (dep: tests/node_modules/.bin/no-such-peer is absent (make deps))$" out &&
	expect_grep "^skip 2 - needs the corpus (shared: ../shared/corpus is absent)$" out &&
	expect_grep "^ok 3 - runs$" out &&
	printf ". \"\$(dirname \"\$0\")/lib.sh\"\nsw_test \"exits 77\" \"exit 77\"\n" >top/tests/integration/t9002-y.sh &&
	(export SW_TOP=$PWD/top; sh top/tests/integration/t9002-y.sh) >out2 &&
	expect_grep "^not ok 1 - exits 77$" out2
'

sw_test 'a script-level prerequisite skips every case with its reason' '
	fake_top &&
	printf ". \"\$(dirname \"\$0\")/lib.sh\"\nsw_require_cmd no-such-command-here\nsw_test a false\nsw_test b false\n" \
		>top/tests/integration/t9002-y.sh &&
	(export SW_TOP=$PWD/top; sh top/tests/integration/t9002-y.sh) >out &&
	test "$(grep -c "^skip [12] - [ab] (dep: no-such-command-here is not installed (make deps))$" out)" = 2
'

sw_test 'run.sh: a missing peer is a skip, and a failure once make deps has run' '
	fake_top &&
	run_fake >out 2>&1 && expect_grep "^1 passed, 0 failed, 2 skipped$" out &&
	: >top/tests/.deps-ok &&
	expect_fail 1 run_fake >out 2>&1 &&
	expect_grep "t9001-x: 1 case(s) skipped for a missing dependency although .make deps. has run" out &&
	expect_grep "skip 1 - needs a peer (dep: " out &&
	expect_grep "^1 passed, 1 failed, 1 skipped$" out &&
	SW_REQUIRE_DEPS=0 BUILD=$PWD/nobuild SW_SHARED=$PWD/noshared sh top/tests/run.sh >out 2>&1 &&
	expect_grep "^1 passed, 0 failed, 2 skipped$" out
'
