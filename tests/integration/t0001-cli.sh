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

# Each verb's argument count: "VERB ARGS|message".  Too many or too few
# arguments are a usage error (exit 2) that names the problem and shows the
# verb's usage line, before any work is done.
arity_cases='version x|too many arguments
init x|too many arguments
doctor x|too many arguments
steering list x|too many arguments
steering explain a b|too many arguments
steering explain|missing PATH
steering generate x|too many arguments
agent list x|too many arguments
agent show a b|too many arguments
agent show|missing NAME
agent validate a b|too many arguments
hooks list x|too many arguments
hooks run a b|too many arguments
hooks run|which hook? give its name
hooks watch x|too many arguments
hooks status x|too many arguments
hooks stop x|too many arguments
spec list x|too many arguments
spec show a b|too many arguments
spec show|which spec?
spec trace a b|too many arguments
spec trace|which spec?
spec next a b|too many arguments
spec next|which spec?
spec waves a b|too many arguments
spec waves|which spec?
spec task a b c --status done|too many arguments
spec task a --status done|expected a spec name and a task id
spec commit a b|too many arguments
spec commit|missing the spec NAME
spec approve a b|too many arguments
spec approve|missing the spec NAME
spec status a b|too many arguments
spec status|missing the spec NAME
knowledge list x|too many arguments
knowledge status x|too many arguments
knowledge clear x|too many arguments
knowledge update a b|too many arguments
knowledge remove a b|too many arguments
knowledge remove|remove needs a NAME, PATH or ID
knowledge add a b c|too many arguments'

sw_test 'every verb checks its argument count: usage error, message and usage line' '
	sw init >/dev/null &&
	printf "%s\n" "$arity_cases" | while IFS="|" read -r cmd msg; do
		set -- $cmd
		case $1 in version|init|doctor) verb=$1 ;; *) verb="$1 $2" ;; esac
		expect_fail 2 sw $cmd >out 2>err || exit 1
		expect_grep "^specwright: $msg" err || exit 1
		expect_grep "^usage: specwright $verb" err || exit 1
		[ ! -s out ] || { echo "stdout not empty for: $cmd" >&2; exit 1; }
	done
'

sw_test 'help text: description lines are not usage alternatives, and single-spaced' '
	for v in run watch status stop; do
		sw hooks $v --help >out && expect_no_grep "^   or:" out || exit 1
	done &&
	# blank lines: after the usage, before the options (and one paragraph break in lint)
	for v in task:2 trace:2 next:2 waves:2 lint:3; do
		sw spec ${v%:*} --help >out &&
		test "$(grep -c "^$" out)" -eq ${v#*:} || { echo "spec ${v%:*} --help:"; cat out; exit 1; }
	done
'

sw_test '-q silences progress and confirmation lines; data and errors stay' '
	sw -q init >out 2>err && test ! -s out && test ! -s err &&
	mkdir -p .kiro/specs/s &&
	printf "# Tasks\n\n- [ ] 1. One\n" >.kiro/specs/s/tasks.md &&
	sw -q spec task s 1 --status done >out 2>err && test ! -s out && test ! -s err &&
	expect_grep "^- \[x\] 1. One" .kiro/specs/s/tasks.md &&
	mkdir docs && printf "# Doc\n\nhello world\n" >docs/a.md &&
	sw -q knowledge add --name docs --path docs >out 2>err && test ! -s out && test ! -s err &&
	sw -q knowledge list >out && expect_grep "docs" out &&
	sw -q --json spec task s 1 --status todo >out && expect_grep "\"id\"" out &&
	expect_fail 1 sw -q spec task s 9 --status done 2>err && test -s err
'

sw_test 'counts are singular for one: "1 error", "1 warning"' '
	sw init >/dev/null && mkdir -p .kiro/specs/one &&
	printf "# Requirements Document\n\n## Requirements\n\n### Requirement 1\n\n**User Story:** As a user, I want x, so that y\n\n#### Acceptance Criteria\n\n1. the system does things\n" \
		>.kiro/specs/one/requirements.md &&
	expect_fail 1 sw spec lint one 2>err && expect_grep "^1 spec checked: 1 error, 0 warnings" err &&
	sw spec list >out && expect_grep "^one .* 1 error, 0 warnings$" out &&
	sw spec show one >out && expect_grep "^Lint: 1 error, 0 warnings" out &&
	expect_grep "^Requirements: 1 requirement, 1 criterion, 0 glossary terms" out
'

# A reader that stops early: the write end of a pipe whose read end is closed.
sw_test 'a closed stdout pipe ends the command quietly (no "Broken pipe")' '
	sw init >/dev/null &&
	python3 -c "
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run([os.environ[\"SPECWRIGHT\"], \"doctor\", \"--json\"], stdout=w, stderr=subprocess.PIPE)
err = p.stderr.decode()
assert p.returncode == 0, (p.returncode, err)
assert err == \"\", err
" &&
	expect_fail 1 sw doctor --json >/dev/full 2>err && expect_grep "cannot write to standard output" err
'
