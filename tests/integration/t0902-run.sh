#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright run: a task plan carried out by ACP agents (the built-in agent
# over the scripted model server, the ACP SDK's example agent), verified,
# retried with the failure, journalled; the cap checked from the journal;
# agents that hang, do not start or do not speak ACP; run status, list, log
# and cancel.
. "$(dirname "$0")/lib.sh"
. "$SW_TOP/tests/model-server/lib.sh"

NM=$SW_TOP/tests/node_modules
EXAMPLE=$NM/@agentclientprotocol/sdk/dist/examples/agent.js
DEMO=$SW_TOP/tests/model-server/demo
sw_require_cmd python3

model_env() { OPENAI_API_KEY=dummy OPENAI_BASE_URL=$MS_URL/v1; export OPENAI_API_KEY OPENAI_BASE_URL; }
demo_ws() {
	mkdir -p .kiro/specs/todo-cli && cp "$DEMO"/*.md .kiro/specs/todo-cli/
}
# script N [DELAY_MS]: N answers "Done." with usage
script() {
	python3 -c "
import json,sys
n,d=int(sys.argv[1]),int(sys.argv[2])
json.dump({'steps':[{'respond':{'text':'Done.','usage':{'input':100,'output':10},'delay_ms':d}} for _ in range(n)]},open('script.json','w'))
" "$1" "${2:-0}"
}
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }
journal() { ls .kiro/runs/*/journal.ndjson | tail -n 1; }

sw_test 'the demo plan runs to the end: statuses, journal, run status and list' '
	demo_ws && script 12 && ms_start script.json && model_env &&
	sw run todo-cli --model openai/test-model --verify "test -f .kiro/specs/todo-cli/design.md" >out 2>err &&
	expect_grep "run done: 6 done, 0 failed, 0 skipped, 0 not run, 660 tokens" out &&
	test "$(grep -c "^ *- \[x\]" .kiro/specs/todo-cli/tasks.md)" -eq 8 &&
	test "$(grep -c "^ *- \[ \]\*" .kiro/specs/todo-cli/tasks.md)" -eq 2 &&
	python3 - "$(journal)" <<PY &&
import json,sys
recs=[json.loads(l) for l in open(sys.argv[1])]
ev=[r["event"] for r in recs]
assert ev[0]=="plan" and ev[-1]=="end", ev
done=[r["task"] for r in recs if r["event"]=="done"]
assert sorted(done)==["1.1","2","3.1","3.2","3.3","4"], done
assert done[:2]==["1.1","2"] and done[-1]=="4", done  # checkpoints are barriers
assert all(r["ts"].endswith("Z") for r in recs)
assert recs[-1]["status"]=="done" and recs[-1]["tokens"]==660
assert 1 <= recs[-1]["agentProcesses"] <= 2, recs[-1]  # agents serve task after task, one session each
PY
	python3 - "$MS_DIR/requests.ndjson" <<PY &&
import json,sys
bodies=[json.loads(l)["body"] for l in open(sys.argv[1])]
assert len(bodies)==6
for b in bodies:  # a new session per task: no task sees the conversation of another
    assert sum(("Task %s of the spec" % t) in b for t in ["1.1","2","3.1","3.2","3.3","4"])==1, b[:300]
PY
	sw run status --json >st.json &&
	jq_py st.json "assert d[\"status\"]==\"done\" and d[\"done\"]==6 and [t[\"state\"] for t in d[\"tasks\"]]==[\"done\"]*6, d" &&
	sw run list >list && expect_grep "todo-cli *done *todo-cli *6 done" list &&
	run=$(ls .kiro/runs) && sw run log "$run" 3.2 >log && expect_grep "Done." log &&
	expect_grep "== verify: test -f" log && ms_check 6
'

sw_test 'a failed verification goes back to the same session with its output, then passes' '
	demo_ws &&
	cat >script.json <<JSON &&
{"steps": [
 {"expect": {"last_user_contains": ["Task 1.1 of the spec", "1.1: WHEN"]}, "respond": {"text": "First try."}},
 {"expect": {"last_user_contains": ["verification of task 1.1 failed", "MISSING-MARKER"], "messages_min": 3},
  "respond": {"text": "Fixed."}}
]}
JSON
	ms_start script.json && model_env &&
	cat >verify.sh <<SH &&
if [ -f seen ]; then exit 0; fi
touch seen; echo MISSING-MARKER; exit 1
SH
	sw run todo-cli 1.1 --model openai/test-model --verify "sh verify.sh" >out 2>err &&
	expect_grep "1.1 *retry 2: .sh verify.sh. exited with status 1" out &&
	expect_grep "1.1 *done in .* (2 attempts" out &&
	grep -q "^  - \[x\] 1.1 " .kiro/specs/todo-cli/tasks.md && ms_check 2
'

sw_test 'retries run out: the task fails, its dependants are skipped, the rest goes on; exit 1' '
	demo_ws && script 10 && ms_start script.json && model_env &&
	cp .kiro/specs/todo-cli/tasks.md before.md &&
	expect_fail 1 sw run todo-cli --model openai/test-model --max-retries 1 \
		--verify "grep -q \"\\[-\\] 1.1\" .kiro/specs/todo-cli/tasks.md && exit 1; exit 0" >out 2>err &&
	expect_grep "1.1 *retry 2" out && expect_grep "1.1 *failed: .grep" out &&
	expect_grep "2 *skipped: a task it depends on failed" out &&
	expect_grep "run failed: 0 done, 1 failed, 5 skipped" out &&
	cmp before.md .kiro/specs/todo-cli/tasks.md &&
	sw run status --json >st.json &&
	jq_py st.json "assert d[\"status\"]==\"failed\" and d[\"tasks\"][0][\"state\"]==\"failed\" and d[\"tasks\"][0][\"attempts\"]==2, d"
'

sw_test 'independent tasks run at most --parallel at once (checked from the journal)' '
	mkdir -p .kiro/specs/p && {
		printf "# Plan\n\n"; for i in 1 2 3 4 5 6; do printf -- "- [ ] %s. task %s\n" $i $i; done
		printf "\n## Task Dependency Graph\n\n\`\`\`json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"]}]}\n\`\`\`\n"
	} >.kiro/specs/p/tasks.md &&
	script 6 600 && ms_start script.json && model_env &&
	sw run p --parallel 3 --model openai/test-model >out 2>err &&
	expect_grep "run done: 6 done" out &&
	python3 - "$(journal)" <<PY
import json,sys
run=peak=0
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r["event"]=="dispatch": run+=1; peak=max(peak,run)
    if r["event"] in ("done","failed","cancelled"): run-=1
assert peak==3, peak
PY
'

sw_test 'the ACP SDK example agent as --agent-cmd' '
	sw_require_cmd node && { [ -f "$EXAMPLE" ] || sw_skip dep "the ACP SDK example agent is absent (make deps)"; } &&
	demo_ws && sw run todo-cli 1.1 --agent-cmd "node $EXAMPLE" --trust-all-tools >out 2>err &&
	expect_grep "1.1 *done" out && grep -q "^  - \[x\] 1.1 " .kiro/specs/todo-cli/tasks.md
'

sw_test 'an agent that does not start or does not speak ACP: exit 1, tasks.md unchanged, no run' '
	demo_ws && cp .kiro/specs/todo-cli/tasks.md before.md &&
	expect_fail 1 sw run todo-cli --agent-cmd "no-such-agent-cmd acp" >out 2>err &&
	expect_grep "no-such-agent-cmd" err &&
	expect_fail 1 sw run todo-cli --agent-cmd "echo not-json-rpc" >out 2>err &&
	expect_grep "does not start or speak ACP" err &&
	expect_fail 1 env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u ANTHROPIC_API_KEY -u AWS_ACCESS_KEY_ID \
		-u AWS_PROFILE "$SPECWRIGHT" run todo-cli >out 2>err &&
	expect_grep "cannot open a session: .session/new. failed: no model provider is configured" err &&
	cmp before.md .kiro/specs/todo-cli/tasks.md && test ! -d .kiro/runs
'

sw_test 'a hung agent times out; a running run is cancelled with run cancel' '
	demo_ws &&
	python3 -c "import json; json.dump({\"steps\": [{\"respond\": {\"text\": \"thinking\", \"hang\": True}}]*4}, open(\"script.json\", \"w\"))" &&
	ms_start script.json && model_env &&
	expect_fail 1 sw run todo-cli 1.1 --model openai/test-model --task-timeout 1 --max-retries 0 >out 2>err &&
	expect_grep "1.1 *failed: the agent" out &&
	grep -q "^  - \[ \] 1.1 " .kiro/specs/todo-cli/tasks.md &&
	{ sw run todo-cli 3 --model openai/test-model >bg.out 2>bg.err & pid=$!; } &&
	first=$(ls .kiro/runs) &&
	i=0; until [ "$(ls .kiro/runs | wc -l)" -eq 2 ] && grep -q "\"dispatch\"" "$(journal)" 2>/dev/null; do
		i=$((i+1)); [ $i -lt 200 ] || { echo "no dispatch"; cat bg.out bg.err; exit 1; }; sleep 0.05; done &&
	run=$(ls .kiro/runs | tail -n 1) && sw run status "$run" >st && expect_grep "running" st &&
	grep -q "^  - \[-\] 3.1 " .kiro/specs/todo-cli/tasks.md &&
	sw run cancel "$run" >c.out && expect_grep "cancelling run" c.out &&
	{ wait $pid; test $? -eq 1; } &&
	expect_grep "run cancelled" bg.out &&
	test "$(grep -c "^ *- \[[-~]\]" .kiro/specs/todo-cli/tasks.md)" -eq 0 &&
	expect_fail 1 sw run cancel "$run" 2>err && expect_grep "is not running" err
'

sw_test 'run verbs: bad names, nothing to run, a journal cut mid-line' '
	demo_ws &&
	expect_fail 1 sw run status 2>err && expect_grep "no runs yet" err &&
	expect_fail 1 sw run log ../x 2>err && expect_grep "not a run" err &&
	sed -i "s/- \[ \]/- [x]/" .kiro/specs/todo-cli/tasks.md &&
	sw run todo-cli 3.1 >out && expect_grep "nothing to run" out &&
	mkdir -p .kiro/runs/r1 && printf "{\"event\":\"plan\",\"tasks\":[]}\n{\"event\":\"dis" >.kiro/runs/r1/journal.ndjson &&
	expect_fail 1 sw run status r1 2>err &&
	expect_grep "runs/r1/journal.ndjson:2:1: .*ends in the middle of a record" err
'

sw_test '--commit: one commit per verified task with trailers, tasks.md committed at the end' '
	git init -q . && git config user.name Tester && git config user.email t@example.com &&
	demo_ws && printf "script.json\nout\nerr\nm1\nlast\n" >.gitignore && git add -A && git commit -q -m base &&
	python3 - <<PY &&
import json
steps = []
for i, name in enumerate(["store.c", "check.txt", "add.c", "list.c", "done.c", "final.txt"]):
    steps.append({"respond": {"tool_calls": [{"id": "w%d" % i, "name": "fs_write",
                  "input": {"command": "create", "path": name, "file_text": "made by task %d\\n" % i}}]}})
    steps.append({"expect": {"tool_result_is_error": False}, "respond": {"text": "Done."}})
json.dump({"steps": steps}, open("script.json", "w"))
PY
	ms_start script.json && model_env &&
	expect_fail 2 sw run todo-cli --commit --model openai/test-model 2>err && expect_grep "add --sequential" err &&
	sw run todo-cli --commit --sequential --trust-all-tools --model openai/test-model >out 2>err &&
	expect_grep "run done: 6 done" out && expect_grep "1.1 *committed" out &&
	test "$(git rev-list --count HEAD)" -eq 8 &&
	git log -1 --format=%B HEAD~6 >m1 && expect_grep "^todo-cli: task 1.1 Implement" m1 &&
	expect_grep "^Spec: todo-cli$" m1 && expect_grep "^Task: 1.1$" m1 &&
	expect_grep "^Requirements: 1.1, 1.2, 1.4, 3.3$" m1 &&
	test "$(git show --name-only --format= HEAD~6)" = "store.c" &&
	git show --name-only --format= HEAD >last && expect_grep "tasks.md" last &&
	git log -1 --format=%s HEAD | grep -q "todo-cli: 6 tasks done" &&
	test -z "$(git status --porcelain --untracked-files=no)" && ms_check 12
'

sw_test 'a token budget stops new work and cancels what runs' '
	demo_ws && script 6 && ms_start script.json && model_env &&
	expect_fail 1 sw run todo-cli --sequential --budget-tokens 150 --model openai/test-model >out 2>err &&
	expect_grep "1.1 *done" out && expect_grep "budget reached: 220 tokens" out &&
	expect_grep "run cancelled: 1 done, 0 failed, 0 skipped, 5 not run" out &&
	grep -q "^  - \[x\] 1.1 " .kiro/specs/todo-cli/tasks.md &&
	test "$(grep -c "^ *- \[[-~]\]" .kiro/specs/todo-cli/tasks.md)" -eq 0 &&
	expect_fail 2 sw run todo-cli --budget-usd abc 2>err && expect_grep "budget-usd" err
'

sw_test 'Kiro task hooks: preTaskExecution runs first and can block a task, postTaskExecution after it' '
	demo_ws && mkdir -p .kiro/hooks &&
	printf "{\"name\": \"pre\", \"version\": \"1\", \"when\": {\"type\": \"preTaskExecution\"},\n \"then\": {\"type\": \"runCommand\", \"command\": \"echo pre \$SPECWRIGHT_TASK >>hooks.log; test \$SPECWRIGHT_TASK != 3.2 || { echo no 3.2 today >&2; exit 3; }\"}}\n" >.kiro/hooks/pre.kiro.hook &&
	printf "{\"name\": \"post\", \"version\": \"1\", \"when\": {\"type\": \"postTaskExecution\"},\n \"then\": {\"type\": \"runCommand\", \"command\": \"cat >>post-input.json; echo post \$SPECWRIGHT_TASK >>hooks.log\"}}\n" >.kiro/hooks/post.kiro.hook &&
	script 6 && ms_start script.json && model_env &&
	expect_fail 1 sw run todo-cli --sequential --model openai/test-model >out 2>err &&
	expect_grep "3.2 *failed: blocked by the preTaskExecution hook .pre. (exit status 3): no 3.2 today" out &&
	expect_grep "3.3 *done" out && expect_grep "4 *skipped" out &&
	test "$(sed -n 1,4p hooks.log | tr "\n" " ")" = "pre 1.1 post 1.1 pre 2 post 2 " &&
	grep -q "^pre 3.2$" hooks.log && ! grep -q "^post 3.2$" hooks.log &&
	python3 -c "
import json
recs=[json.loads(l) for l in open(\"post-input.json\")]
assert recs[0][\"hook_event_name\"]==\"postTaskExecution\" and recs[0][\"task\"]==\"1.1\" and recs[0][\"spec\"]==\"todo-cli\", recs[0]
" &&
	ms_check 4
'

sw_test '--review: a read-only session sees the changes; a rejection goes back to the implementer' '
	git init -q . && git config user.name Tester && git config user.email t@example.com &&
	demo_ws && printf "script.json\nout\nerr\n" >.gitignore && git add -A && git commit -q -m base &&
	cat >script.json <<JSON &&
{"steps": [
 {"expect": {"last_user_contains": ["Task 1.1 of the spec"]},
  "respond": {"tool_calls": [{"id": "w1", "name": "fs_write", "input": {"command": "create", "path": "store.c", "file_text": "int store;\\n"}}]}},
 {"respond": {"text": "Implemented the store."}},
 {"expect": {"last_user_contains": ["You review the work", "+int store;", "Implemented the store.", "ACCEPT", "REJECT"]},
  "respond": {"text": "REJECT: the round trip has no test"}},
 {"expect": {"last_user_contains": ["the reviewer rejected it", "the round trip has no test"]},
  "respond": {"text": "Added the test."}},
 {"respond": {"text": "ACCEPT\\nThe task is done."}}
]}
JSON
	ms_start script.json && model_env &&
	sw run todo-cli 1.1 --review --trust-all-tools --model openai/test-model >out 2>err &&
	expect_grep "1.1 *verify (review): failed" out && expect_grep "1.1 *retry 2: the reviewer rejected it" out &&
	expect_grep "1.1 *verify (review): ok" out && expect_grep "1.1 *done in .* (2 attempts" out &&
	ms_check 5
'

sw_test '--worktrees: tasks side by side in their own worktrees, each commit applied; a conflict fails its task' '
	git init -q . && git config user.name Tester && git config user.email t@example.com &&
	mkdir -p .kiro/specs/p && {
		printf "# Plan\n\n"; for i in 1 2 3 4; do printf -- "- [ ] %s. task %s\n" $i $i; done
		printf "\n## Task Dependency Graph\n\n\`\`\`json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1\",\"2\",\"3\",\"4\"]}]}\n\`\`\`\n"
	} >.kiro/specs/p/tasks.md &&
	printf "out\nerr\n" >.gitignore && git add -A && git commit -q -m base &&
	PY=/usr/bin/python3 && { [ -x "$PY" ] || PY=python3; } &&
	TASK_AGENT_DELAY_MS=300 sw run p --worktrees --parallel 4 --agent-cmd "$PY $SW_TOP/tests/acp/task-agent.py" \
		--verify "test -f task-out/\$(ls task-out | head -n 1)" >out 2>err &&
	expect_grep "run done: 4 done" out &&
	test "$(git rev-list --count HEAD)" -eq 6 && git log -1 --format=%s | grep -q "p: 4 tasks done" &&
	for t in 1 2 3 4; do grep -qx "task $t" task-out/$t.txt || exit 1; done &&
	test "$(git log --format=%B | grep -c "^Task: ")" -eq 4 &&
	test -z "$(git status --porcelain --untracked-files=no -- task-out)" &&
	test -z "$(git worktree list | grep -v "$(pwd) ")" && test -z "$(git branch --list "sw-*")" &&
	git reset -q --hard HEAD~5 && rm -rf task-out &&
	TASK_AGENT_SHARED=shared.txt TASK_AGENT_DELAY_MS=300 expect_fail 1 sw run p --worktrees --parallel 4 \
		--agent-cmd "$PY $SW_TOP/tests/acp/task-agent.py" >out 2>err &&
	expect_grep "run failed: 1 done, 3 failed" out &&
	expect_grep "failed: its commit does not apply: its changes conflict with what is on HEAD now: shared.txt" out &&
	test "$(git rev-list --count HEAD)" -eq 3 && test -z "$(git branch --list "sw-*")" &&
	test "$(grep -c "^- \[x\]" .kiro/specs/p/tasks.md)" -eq 1 && test "$(grep -c "^- \[ \]" .kiro/specs/p/tasks.md)" -eq 3
'
