#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# spec new / approve / refine / status: the generation pipeline end to end,
# through the built-in agent and the OpenAI wire format against the
# scripted model server (the only stand-in), with commits checked by git.
. "$(dirname "$0")/lib.sh"
. "$SW_TOP/tests/model-server/lib.sh"

sw_require_cmd python3 git

DEMO=$SW_TOP/tests/model-server/demo
MK="python3 $DEMO/mkscript.py"
PROMPT="A command-line todo list kept in todo.txt"

# A workspace: a git repository with an identity and a .kiro folder.
setup() {
	git init -q -b main . && git config user.name "Ada Lovelace" && git config user.email ada@example.com &&
	mkdir -p .kiro src && echo "int main(void) { return 0; }" >src/main.c &&
	echo "# Todo" >README.md && git add README.md src && git commit -q -m init
}

# gen ARGS...: specwright with the scripted server as an OpenAI-compatible provider
gen() {
	OPENAI_BASE_URL=$MS_URL/v1 OPENAI_API_KEY=test-key sw "$@" --model openai/scripted
}

sw_test 'a feature spec, phase by phase: requirements, approve, design, approve, tasks, approve' '
	setup &&
	$MK --fence "contains=Requirements Document|$PROMPT@$DEMO/requirements.md" \
		"contains=Design Document|Todo_CLI SHALL append@$DEMO/design.md" \
		"contains=Implementation Plan|Property 1: Adding keeps@$DEMO/tasks.md" >script.json &&
	ms_start script.json &&
	gen spec new todo "$PROMPT" >out 2>err &&
	expect_grep "^# Requirements Document" out && expect_grep "waiting for review" out &&
	expect_grep "spec approve todo --phase requirements" out &&
	cmp .kiro/specs/todo/requirements.md "$DEMO/requirements.md" &&
	test ! -e .kiro/specs/todo/design.md &&
	grep -Eq "^\{\"specId\": \"[0-9a-f-]{36}\", \"workflowType\": \"requirements-first\", \"specType\": \"feature\"\}$" .kiro/specs/todo/.config.kiro &&
	sw spec status todo >st && expect_grep "requirements.md *draft, waiting for review" st &&
	expect_grep "design.md *not written yet" st &&
	gen spec approve todo --phase requirements >out 2>err && expect_grep "^# Design Document" out &&
	cmp .kiro/specs/todo/design.md "$DEMO/design.md" &&
	gen spec approve todo >out 2>err && expect_grep "^# Implementation Plan" out &&
	gen spec approve todo --phase tasks >out 2>err && expect_grep "spec .todo. is complete" out &&
	cmp .kiro/specs/todo/tasks.md "$DEMO/tasks.md" &&
	sw spec lint todo &&
	sw spec status todo --json >st.json &&
	python3 -c "import json,sys; d=json.load(open(\"st.json\")); assert d[\"complete\"], d; assert [p[\"status\"] for p in d[\"phases\"]]==[\"approved\"]*3, d" &&
	ms_check 3 &&
	ms_request 1 | grep -q "todo.txt" &&
	ms_request 3 | grep -q "Todo_CLI SHALL append"
'

sw_test 'a bugfix spec with --yes --commit: bugfix.md, design.md, tasks.md, one commit per phase' '
	setup &&
	mkdir docs && cat >docs/bugfix.md <<-EOF &&
	# Bugfix Requirements Document

	## Introduction

	Listing crashes when todo.txt ends without a newline.

	## Bug Analysis

	### Current Behavior (Defect)

	1.1 WHEN todo.txt does not end with a newline THEN the system drops the last item from the listing

	### Expected Behavior (Correct)

	2.1 WHEN todo.txt does not end with a newline THEN the system SHALL list the last item

	### Unchanged Behavior (Regression Prevention)

	3.1 WHEN todo.txt ends with a newline THEN the system SHALL CONTINUE TO list every item
	EOF
	cat >docs/design.md <<-EOF &&
	# Design Document: Last line fix

	## Overview

	Read the final line even without a newline.

	## Correctness Properties

	### Property 1: Every line is an item

	*For any* file, every non-empty line is listed.

	**Validates: Requirements 2.1, 3.1**
	EOF
	cat >docs/tasks.md <<-EOF &&
	# Implementation Plan: Last line fix

	## Tasks

	- [ ] 1. Fix the reader
	  - [ ] 1.1 Keep a final line without a newline
	    - _Requirements: 2.1, 3.1_

	- [ ] 2. Checkpoint - listing works
	  - Ensure all tests pass, ask the user if questions arise.

	## Task Dependency Graph

	\`\`\`json
	{ "waves": [ { "id": 0, "tasks": ["1.1"] } ] }
	\`\`\`
	EOF
	$MK "contains=Bugfix Requirements Document@docs/bugfix.md" docs/design.md docs/tasks.md >script.json &&
	ms_start script.json &&
	gen spec new last-line "The last item is lost when todo.txt has no final newline" --type bugfix --yes --commit >out 2>err &&
	expect_grep "spec .last-line. is complete" out &&
	test -f .kiro/specs/last-line/bugfix.md && test ! -e .kiro/specs/last-line/requirements.md &&
	expect_grep "\"specType\": \"bugfix\"" .kiro/specs/last-line/.config.kiro &&
	git log --format=%s >log && test "$(wc -l <log)" = 4 &&
	expect_grep "^Add spec last-line: bugfix$" log &&
	expect_grep "^Update spec last-line: design$" log &&
	expect_grep "^Update spec last-line: tasks$" log &&
	git show --stat --format= HEAD >stat && expect_grep "tasks.md" stat && expect_grep "review.json" stat &&
	git log -1 --format=%b HEAD~2 >body && expect_grep "items added: 1.1, 2.1, 3.1" body &&
	git fsck --no-progress && git status --porcelain -- .kiro/specs >st && test ! -s st &&
	ms_check 3
'

sw_test 'a design-first spec writes design.md first and records design-first' '
	setup &&
	$MK "contains=Write \`design.md\`@$DEMO/design.md" "contains=Write \`requirements.md\`|Property 1@$DEMO/requirements.md" \
		"$DEMO/tasks.md" >script.json &&
	ms_start script.json &&
	gen spec new todo "$PROMPT" --design-first --json >out.json 2>err &&
	python3 -c "import json; d=json.load(open(\"out.json\")); assert d[\"waiting\"]==\"design\" and d[\"workflow\"]==\"design-first\", d" &&
	test -f .kiro/specs/todo/design.md && test ! -e .kiro/specs/todo/requirements.md &&
	expect_grep "\"workflowType\": \"design-first\"" .kiro/specs/todo/.config.kiro &&
	gen spec approve todo --yes --json >out.json 2>err &&
	python3 -c "import json; d=json.load(open(\"out.json\")); assert d[\"ok\"] and [g[\"phase\"] for g in d[\"generated\"]]==[\"requirements\",\"tasks\"], d" &&
	sw spec lint todo && ms_check 3
'

sw_test 'non-EARS criteria go back to the agent with file:line:col and the repair is written' '
	setup &&
	sed "s/THE Todo_CLI SHALL store the due date with the item/the due date should be stored/" "$DEMO/requirements.md" >bad.md &&
	$MK bad.md "contains=requirements.md:23:@$DEMO/requirements.md" >script.json &&
	ms_start script.json &&
	gen spec new todo "$PROMPT" >out 2>err &&
	cmp .kiro/specs/todo/requirements.md "$DEMO/requirements.md" &&
	expect_grep "after 1 repair" err &&
	sw spec status todo --json >st.json && expect_grep "\"repairs\":1" st.json &&
	ms_check 2 && ms_request 2 | grep -q "does not pass the checks"
'

sw_test 'a document the agent cannot fix fails loudly and nothing is left looking approved' '
	setup &&
	sed "s/THE Todo_CLI SHALL store the due date with the item/the due date should be stored/" "$DEMO/requirements.md" >bad.md &&
	$MK bad.md bad.md bad.md >script.json &&
	ms_start script.json &&
	expect_fail 1 gen spec new todo "$PROMPT" --max-repairs 2 >out 2>err &&
	expect_grep "requirements.md still has 1 error after 2 repairs; the file was not written" err &&
	expect_grep "requirements.md:23:" err &&
	expect_grep "rejected draft is in .\.kiro/run/rejected/todo/requirements.md" err &&
	test ! -e .kiro/specs/todo/requirements.md &&
	cmp .kiro/run/rejected/todo/requirements.md bad.md &&
	sw spec status todo >st && expect_grep "requirements.md *failed its checks" st &&
	expect_fail 1 sw spec approve todo --phase requirements --no-next 2>err2 &&
	expect_grep "does not exist yet" err2 &&
	ms_check 3
'

sw_test 'refine sends the comment and keeps requirement IDs stable' '
	setup &&
	python3 - <<-EOF &&
	src = open("$DEMO/requirements.md").read()
	extra = "\n### Requirement 4: Remove items\n\n**User Story:** As a user, I want to remove an item, so that mistakes go away.\n\n#### Acceptance Criteria\n\n1. WHEN the user runs \`todo rm N\`, THE Todo_CLI SHALL remove the N-th listed item\n"
	open("good.md", "w").write(src + extra)
	# the same content, renumbered: the new requirement put first
	head, _, rest = src.partition("### Requirement 1:")
	bad = head + extra.strip().replace("Requirement 4", "Requirement 1") + "\n\n### Requirement 2:" + rest.replace("### Requirement 3:", "### Requirement 4:").replace("### Requirement 2:", "### Requirement 3:")
	open("renumbered.md", "w").write(bad)
	EOF
	$MK "$DEMO/requirements.md" "contains=add a way to remove items|Keep existing IDs stable@renumbered.md" \
		"contains=was renumbered@good.md" >script.json &&
	ms_start script.json &&
	gen spec new todo "$PROMPT" >/dev/null 2>&1 &&
	gen spec refine todo --phase requirements "add a way to remove items" >out 2>err &&
	cmp .kiro/specs/todo/requirements.md good.md &&
	grep -q "^### Requirement 1: Add items" .kiro/specs/todo/requirements.md &&
	sw spec status todo --json >st.json && expect_grep "\"refinements\":1" st.json &&
	ms_check 3
'

sw_test 'the generation prompt gets steering with #[[file:]] expanded and nothing from outside the workspace' '
	mkdir -p ws outside && printf "OUTSIDE-SECRET\n" >outside/hosts.md && cd ws && setup &&
	mkdir -p .kiro/steering docs && printf "Storage: todo.txt, one item per line\n" >docs/storage.md &&
	printf "Storage rules: #[[file:docs/storage.md]]\n" >.kiro/steering/storage.md &&
	ln -s "$PWD/../outside/hosts.md" .kiro/steering/linked.md &&
	$MK "contains=Storage rules: <file path=|Storage: todo.txt, one item per line@$DEMO/requirements.md" >script.json &&
	python3 -c "import json; d=json.load(open(\"script.json\")); d[\"steps\"][0][\"expect\"][\"not_contains\"]=[\"OUTSIDE-SECRET\",\"#[[file:docs/storage.md]]\"]; json.dump(d, open(\"script.json\",\"w\"))" &&
	ms_start script.json &&
	gen spec new todo "$PROMPT" >out 2>err &&
	cmp .kiro/specs/todo/requirements.md "$DEMO/requirements.md" &&
	ms_check 1
'

sw_test '--commit with a dirty index commits only the spec and keeps the rest staged' '
	setup &&
	echo "change" >>README.md && echo new >staged.txt && git add README.md staged.txt &&
	git diff --cached >before &&
	$MK "$DEMO/requirements.md" "$DEMO/design.md" "$DEMO/tasks.md" >script.json &&
	ms_start script.json &&
	gen spec new todo "$PROMPT" --yes --commit >out 2>err &&
	git diff --cached >after && cmp before after &&
	for c in HEAD HEAD~1 HEAD~2; do git show --stat --format= $c >stat; expect_no_grep "README.md" stat; expect_no_grep "staged.txt" stat; done &&
	git log --format=%s -3 >log && expect_grep "^Add spec todo: requirements$" log &&
	git fsck --no-progress && ms_check 3
'

sw_test 'the agent reads the code with its read-only tools before answering' '
	setup &&
	$MK --tool "fs_read:{\"path\": \"src/main.c\"}" "$DEMO/requirements.md" >script.json &&
	python3 - <<-EOF &&
	import json
	s = json.load(open("script.json"))
	s["steps"][1]["expect"] = {"tool_result_contains": ["int main(void)"]}
	s["steps"][0]["expect"] = {"tools": ["fs_read", "glob", "grep"], "tools_absent": ["fs_write", "execute_bash"]}
	json.dump(s, open("script.json", "w"))
	EOF
	ms_start script.json &&
	gen spec new todo "$PROMPT" >out 2>err &&
	test -f .kiro/specs/todo/requirements.md && ms_check 2
'

sw_test 'without a provider nothing is created and the error says how to configure one' '
	setup &&
	expect_fail 1 env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u AWS_ACCESS_KEY_ID -u AWS_PROFILE \
		"$SPECWRIGHT" spec new todo "$PROMPT" 2>err &&
	test ! -e .kiro/specs/todo && test -s err
'

sw_test 'usage errors: bad name, type, phase, missing prompt; an existing spec is not overwritten' '
	setup && mkdir -p .kiro/specs/todo &&
	expect_fail 2 sw spec new "a/b" "x" 2>err && expect_grep "invalid spec name" err &&
	expect_fail 2 sw spec new x "p" --type epic 2>err && expect_grep "unknown spec type" err &&
	expect_fail 2 sw spec new x 2>err && expect_grep "expected NAME and" err &&
	expect_fail 2 sw spec new x "p" --type bugfix --design-first 2>err &&
	expect_fail 1 sw spec new todo "p" 2>err && expect_grep "exists already" err &&
	expect_fail 2 sw spec refine todo "c" 2>err && expect_grep "phase is required" err &&
	expect_fail 2 sw spec refine todo --phase plan "c" 2>err && expect_grep "unknown phase" err &&
	sw spec new --help >out && expect_grep "usage: specwright spec new" out
'

sw_test 'steering generate writes product.md, tech.md and structure.md and keeps existing ones' '
	setup &&
	printf "# Product Overview\n\nA todo list.\n" >p.md && printf "# Technology Stack\n\nC11.\n" >t.md &&
	printf "# Project Structure\n\nsrc/ holds the code.\n" >s.md &&
	$MK "contains=product.md@p.md" "contains=tech.md@t.md" "contains=structure.md@s.md" >script.json &&
	ms_start script.json &&
	gen steering generate >out 2>err &&
	cmp .kiro/steering/product.md p.md && cmp .kiro/steering/tech.md t.md && cmp .kiro/steering/structure.md s.md &&
	gen steering generate --json >out.json 2>err && expect_grep "\"status\":\"kept\"" out.json &&
	ms_check 3
'

sw_test 'the README demo runs the whole pipeline on canned answers and says so' '
	SW_DEMO_CANNED=1 "$SW_TOP/tests/model-server/demo/run.sh" "$PWD/demo" >out 2>&1 &&
	expect_grep "NO MODEL PROVIDER CONFIGURED: the answers below are CANNED" out &&
	expect_grep "spec .todo-cli. is complete" out &&
	expect_grep "1 spec checked: 0 errors" out &&
	test "$(git -C demo log --oneline | wc -l)" = 3 &&
	SW_DEMO_CANNED=1 "$SW_TOP/tests/model-server/demo/run.sh" "$PWD/demo" >out 2>&1 &&
	test -f demo/.kiro/specs/todo-cli-2/tasks.md
'

sw_test 'at a terminal the gate asks: request changes, then approve, then quit' '
	command -v script >/dev/null || { echo "script(1) missing"; exit 1; }
	setup &&
	$MK "$DEMO/requirements.md" "contains=make it shorter@$DEMO/requirements.md" "$DEMO/design.md" >script.json &&
	ms_start script.json &&
	printf "r\nmake it shorter\na\nq\n" | OPENAI_BASE_URL=$MS_URL/v1 OPENAI_API_KEY=k \
		script -qec "\"$SPECWRIGHT\" spec new todo \"$PROMPT\" --model openai/scripted" /dev/null >tty.out &&
	grep -aq "What should change?" tty.out &&
	sw spec status todo >st &&
	expect_grep "requirements.md *approved" st && expect_grep "design.md *draft" st &&
	sw spec status todo --json >st.json && expect_grep "\"refinements\":1" st.json &&
	ms_check 3
'

sw_test '--agent lends a custom agent prompt; an unknown agent is an error before anything is created' '
	setup && mkdir -p .kiro/agents &&
	printf "{\"name\": \"planner\", \"prompt\": \"You are PLANNER-7, terse and exact.\", \"tools\": [\"*\"]}\n" >.kiro/agents/planner.json &&
	$MK "$DEMO/requirements.md" >script.json &&
	python3 - <<-EOF &&
	import json
	s = json.load(open("script.json"))
	s["steps"][0]["expect"] = {"system_contains": ["PLANNER-7", "A spec is three Markdown documents"], "tools_absent": ["fs_write", "execute_bash"]}
	json.dump(s, open("script.json", "w"))
	EOF
	ms_start script.json &&
	gen spec new todo "$PROMPT" --agent planner >out 2>err &&
	test -f .kiro/specs/todo/requirements.md && ms_check 1 &&
	expect_fail 1 gen spec new other "$PROMPT" --agent nobody 2>err &&
	expect_grep "no agent .nobody." err && test ! -e .kiro/specs/other
'

sw_test 'a quick spec writes all three documents without stopping' '
	setup &&
	$MK "$DEMO/requirements.md" "$DEMO/design.md" "$DEMO/tasks.md" >script.json &&
	ms_start script.json &&
	gen spec new todo "$PROMPT" --type quick --json >out.json 2>err &&
	python3 -c "import json; d=json.load(open(\"out.json\")); assert d[\"ok\"] and d[\"waiting\"] is None and d[\"type\"]==\"quick\" and [p[\"status\"] for p in d[\"phases\"]]==[\"approved\"]*3, d" &&
	expect_grep "\"specType\": \"feature\"" .kiro/specs/todo/.config.kiro &&
	test -f .kiro/specs/todo/tasks.md && ms_check 3
'

sw_test 'status of a spec Kiro wrote: its documents are unreviewed; an edit after approval shows' '
	sw_skip_unless_shared
	setup && mkdir -p .kiro/specs &&
	cp -r "$SW_SHARED/corpus/michaelada__holism-aws-framework/.kiro/specs/event-ticketing-save-fix" .kiro/specs/fix &&
	chmod -R u+w .kiro/specs/fix &&
	sw spec status fix >st && expect_grep "spec fix (bugfix, requirements-first)" st &&
	expect_grep "bugfix.md *present, no review recorded" st &&
	$MK "$DEMO/requirements.md" >script.json && ms_start script.json &&
	gen spec new todo "$PROMPT" >/dev/null 2>&1 && sw spec approve todo --no-next >/dev/null 2>&1 &&
	echo "extra line" >>.kiro/specs/todo/requirements.md &&
	sw spec status todo >st && expect_grep "requirements.md *approved .*, edited since" st
'
