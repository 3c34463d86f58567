#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The command line itself: help, version, usage errors, suggestions.
. "$(dirname "$0")/lib.sh"

sw_test '--version and version --json' '
	sw --version >out && expect_grep "^specwright [0-9]" out &&
	sw version --json >out && expect_grep "\"version\":" out
'

sw_test 'help lists commands and exits 0' '
	sw --help >out && expect_grep "^commands:" out && expect_grep "version" out &&
	sw help >out && expect_grep "usage: specwright" out
'

sw_test 'no command is a usage error' '
	expect_fail 2 sw 2>err && expect_grep "usage:" err
'

sw_test 'unknown command suggests the nearest one' '
	expect_fail 2 sw vresion 2>err &&
	expect_grep "not a specwright command" err && expect_grep "version" err
'

sw_test 'unknown global option is a usage error' '
	expect_fail 2 sw --bogus 2>err && expect_grep "unknown option" err
'

sw_test 'unknown command option is a usage error, --help exits 0' '
	expect_fail 2 sw version --frobnicate 2>err && expect_grep "unknown option" err &&
	sw version --help >out && expect_grep "usage: specwright version" out
'

sw_test '-C to a missing directory fails with exit 1' '
	expect_fail 1 sw -C /nonexistent/dir version 2>err && expect_grep "cannot change" err
'

sw_test 'help for a command prints its usage' '
	sw help version >out && expect_grep "usage: specwright version" out
'
