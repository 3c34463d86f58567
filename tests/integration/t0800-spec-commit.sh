#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# spec commit: exactly the spec's files are committed on the current branch,
# checked with the real git CLI (log, show --stat, fsck, diff --cached).
. "$(dirname "$0")/lib.sh"

sw_require_cmd git

# A repository with one commit, an identity, and spec 'auth' on disk.
setup_repo() {
	git init -q -b main . &&
	git config user.name "Ada Lovelace" && git config user.email ada@example.com &&
	echo one >other.txt && git add other.txt && git commit -q -m init &&
	mkdir -p .kiro/specs/auth &&
	printf "# Requirements Document\n\n## Requirements\n" >.kiro/specs/auth/requirements.md &&
	printf "# Design Document\n" >.kiro/specs/auth/design.md
}

sw_test 'commits the spec files with a generated message and the configured identity' '
	setup_repo &&
	sw spec commit auth >out && expect_grep "^\[main [0-9a-f]\{7\}\] Add spec auth: requirements, design$" out &&
	git log -1 --format="%an <%ae>|%s" >log && expect_grep "^Ada Lovelace <ada@example.com>|Add spec auth: requirements, design$" log &&
	git show --stat --format= HEAD >stat &&
	expect_grep "\.kiro/specs/auth/requirements.md" stat && expect_grep "\.kiro/specs/auth/design.md" stat &&
	expect_grep "2 files changed" stat &&
	git log -1 --format=%b >body && expect_grep "^requirements.md: added$" body &&
	git fsck --strict --no-progress 2>&1 | tee fsck && expect_no_grep "error" fsck &&
	test "$(git rev-list --count HEAD)" = 2 &&
	git status --porcelain -- .kiro other.txt >st && test ! -s st
'

sw_test 'a dirty index keeps its other staged changes, out of the commit' '
	setup_repo &&
	echo two >>other.txt && echo new >staged.txt && git add other.txt staged.txt &&
	echo unstaged >>other.txt &&
	git diff --cached >cached.before && git diff >wt.before &&
	sw spec commit auth -m "Spec auth" &&
	git show --stat --format= HEAD >stat && expect_no_grep "other.txt" stat && expect_no_grep "staged.txt" stat &&
	expect_grep "2 files changed" stat &&
	git diff --cached >cached.after && git diff >wt.after &&
	cmp cached.before cached.after && cmp wt.before wt.after &&
	git diff --cached --name-only >names && expect_no_grep "\.kiro" names &&
	git fsck --no-progress
'

sw_test 'a second commit lists what changed and deletions are committed' '
	setup_repo && sw spec commit auth >/dev/null &&
	echo "more" >>.kiro/specs/auth/design.md && rm .kiro/specs/auth/requirements.md &&
	sw spec commit auth --json >out &&
	expect_grep "\"subject\":\"Update spec auth: requirements, design\"" out &&
	expect_grep "\"status\":\"D\"" out && expect_grep "\"branch\":\"main\"" out &&
	git show --stat --format= HEAD >stat && expect_grep "requirements.md | 3 ---" stat &&
	git log -1 --format=%b >body && expect_grep "^requirements.md: removed$" body &&
	expect_grep "^design.md: changed$" body &&
	test "$(git ls-files .kiro/specs/auth)" = ".kiro/specs/auth/design.md"
'

sw_test 'nothing to commit is an error that changes nothing' '
	setup_repo && sw spec commit auth >/dev/null && head=$(git rev-parse HEAD) &&
	expect_fail 1 sw spec commit auth 2>err && expect_grep "nothing to commit for spec .auth." err &&
	test "$(git rev-parse HEAD)" = "$head"
'

sw_test 'the first commit of an unborn branch has no parent' '
	git init -q -b trunk . && git config user.name A && git config user.email a@example.com &&
	mkdir -p .kiro/specs/x && echo "# Tasks" >.kiro/specs/x/tasks.md &&
	sw spec commit x -m "First" && test "$(git rev-list --count trunk)" = 1 &&
	git log -1 --format=%s trunk >s && expect_grep "^First$" s && git fsck --no-progress
'

sw_test 'refuses outside a repository' '
	mkdir -p .kiro/specs/auth && echo x >.kiro/specs/auth/requirements.md &&
	GIT_CEILING_DIRECTORIES=$PWD/.. expect_fail 1 sw spec commit auth 2>err &&
	expect_grep "not inside a git repository" err
'

sw_test 'refuses a detached HEAD unless --allow-detached' '
	setup_repo && git checkout -q --detach &&
	expect_fail 1 sw spec commit auth 2>err && expect_grep "HEAD is detached" err &&
	test "$(git rev-list --count HEAD)" = 1 &&
	sw spec commit auth --allow-detached >out && expect_grep "detached HEAD" out &&
	test "$(git rev-list --count HEAD)" = 2 && git fsck --no-progress
'

sw_test 'refuses in the middle of a merge' '
	setup_repo && git checkout -q -b side && echo side >other.txt && git commit -qam side &&
	git checkout -q main && echo main >other.txt && git commit -qam main &&
	! git merge side >/dev/null 2>&1 && test -f .git/MERGE_HEAD &&
	head=$(git rev-parse HEAD) &&
	expect_fail 1 sw spec commit auth 2>err && expect_grep "a merge is in progress" err &&
	test "$(git rev-parse HEAD)" = "$head"
'

sw_test 'refuses without a configured identity' '
	git init -q -b main . && mkdir -p .kiro/specs/auth && echo x >.kiro/specs/auth/tasks.md &&
	GIT_CONFIG_NOSYSTEM=1 expect_fail 1 sw spec commit auth 2>err &&
	expect_grep "no committer identity: set user.name and user.email" err &&
	test -z "$(git rev-list --all)"
'

sw_test 'ignored files stay out, a missing spec and a bad name are errors' '
	setup_repo && echo "*.tmp" >.gitignore && git add .gitignore && git commit -qm ignore &&
	echo scratch >.kiro/specs/auth/notes.tmp &&
	sw spec commit auth >/dev/null && git show --stat --format= HEAD >stat && expect_no_grep "notes.tmp" stat &&
	expect_fail 1 sw spec commit nosuch 2>err && expect_grep "no spec .nosuch." err &&
	expect_fail 2 sw spec commit ../etc 2>err && expect_grep "invalid spec name" err &&
	expect_fail 2 sw spec commit 2>err && expect_grep "missing the spec NAME" err
'

sw_test 'the message lists requirements and tasks added, changed, removed and done' '
	setup_repo &&
	cat >.kiro/specs/auth/requirements.md <<-EOF &&
	# Requirements Document

	## Requirements

	### Requirement 1: Login

	#### Acceptance Criteria

	1. WHEN a user signs in, THE Auth_Service SHALL create a session

	### Requirement 2: Logout

	#### Acceptance Criteria

	1. WHEN a user signs out, THE Auth_Service SHALL end the session
	EOF
	cat >.kiro/specs/auth/tasks.md <<-EOF &&
	# Implementation Plan

	## Tasks

	- [ ] 1. Sessions
	  - [ ] 1.1 Create sessions
	    - _Requirements: 1.1_
	  - [ ] 1.2 End sessions
	    - _Requirements: 2.1_
	EOF
	sw spec commit auth >/dev/null &&
	git log -1 --format=%b >body &&
	expect_grep "^  requirements added: 1 Login, 2 Logout$" body &&
	expect_grep "^  tasks added: 1, 1.1, 1.2$" body &&
	sed -i "s/end the session/end the session and forget the token/" .kiro/specs/auth/requirements.md &&
	printf "\n### Requirement 3: Reset\n\n#### Acceptance Criteria\n\n1. WHEN a user asks, THE Auth_Service SHALL send a reset link\n" >>.kiro/specs/auth/requirements.md &&
	sed -i "s/- \[ \] 1.1/- [x] 1.1/; s/End sessions/End sessions on logout/" .kiro/specs/auth/tasks.md &&
	sw spec commit auth >/dev/null &&
	git log -1 --format=%s >subj && expect_grep "^Update spec auth: requirements, tasks$" subj &&
	git log -1 --format=%b >body &&
	expect_grep "^  requirements added: 3 Reset$" body &&
	expect_grep "^  requirements changed: 2 Logout$" body &&
	expect_grep "^  tasks changed: 1.2$" body &&
	expect_grep "^  tasks done: 1.1$" body &&
	expect_no_grep "requirements changed: 1" body
'

sw_test 'a long spec name keeps the subject within 72 characters' '
	setup_repo && n=a-very-long-spec-name-that-goes-on-and-on-for-far-too-many-characters-indeed &&
	mkdir -p .kiro/specs/$n && echo x >.kiro/specs/$n/requirements.md &&
	sw spec commit $n >/dev/null && s=$(git log -1 --format=%s) && test ${#s} -le 72
'
