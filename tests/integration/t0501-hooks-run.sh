#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hooks run: one hook now, with the environment, the JSON event, timeouts and the log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

sw_test 'hooks run gives the command its environment, cwd and JSON event' '
	mkdir ws && cd ws &&
	hook_script show fileEdited "src/**" <<-"EOF2" &&
	echo "hook=$SPECWRIGHT_HOOK event=$SPECWRIGHT_EVENT file=$SPECWRIGHT_FILE cwd=$(pwd)"
	cat
	EOF2
	mkdir -p src/deep && echo x >src/deep/a.ts &&
	(cd src && sw hooks run show --file deep/a.ts --file ../README >../../out 2>../../err) &&
	expect_grep "^hook=show event=userTriggered file=src/deep/a.ts cwd=$(pwd)$" ../out &&
	expect_grep "^{\"hook_event_name\":\"userTriggered\",\"hook\":\"show\",\"cwd\":\"$(pwd)\",\"file\":\"src/deep/a.ts\",\"files\":\[\"src/deep/a.ts\",\"README\"\]}$" ../out &&
	expect_grep "hook .show. exited with status 0" ../err &&
	expect_grep "run show src/deep/a.ts (+1 more) .* ms exit 0" .kiro/run/hooks.log &&
	expect_grep "    out| hook=show event=userTriggered" .kiro/run/hooks.log
'

sw_test 'hooks run --json reports exit code, output and duration' '
	mkdir ws && cd ws &&
	hook_script fail fileEdited "*" <<-"EOF2" &&
	echo to-out; echo to-err >&2; exit 3
	EOF2
	expect_fail 1 sw hooks run --json fail >../out &&
	python3 -c "import json; d=json.load(open(\"../out\")); assert d[\"hook\"]==\"fail\" and d[\"exitCode\"]==3 and not d[\"ok\"] and d[\"stdout\"]==\"to-out\n\" and d[\"stderr\"]==\"to-err\n\" and d[\"durationMs\"]>0 and d[\"files\"]==[], d"
'

sw_test 'a hook over its timeout is killed with its children' '
	mkdir ws && cd ws &&
	hook_script slow fileEdited "*" "\"description\": \"slow\", " <<-"EOF2" &&
	sleep 30 & echo $! >../child.pid; wait
	EOF2
	sed -i "s/\"command\"/\"timeout\": 1, \"command\"/" .kiro/hooks/slow.kiro.hook &&
	expect_fail 1 sw hooks run slow 2>../err &&
	expect_grep "hook .slow. timed out after" ../err &&
	wait_for "! alive $(cat ../child.pid)"
'

sw_test 'v1 hooks run by their id; disabled and unknown hooks are errors' '
	mkdir -p ws/.kiro/hooks && cd ws &&
	cat >.kiro/hooks/ci.json <<-EOF2 &&
	{"version": "v1", "hooks": [
	  {"name": "hello", "trigger": "Manual", "action": {"type": "command", "command": "echo hi from \$SPECWRIGHT_HOOK"}},
	  {"name": "off", "trigger": "PostFileSave", "enabled": false, "action": {"type": "command", "command": "true"}}]}
	EOF2
	sw hooks run ci/hello >../out 2>/dev/null && expect_grep "^hi from ci/hello$" ../out &&
	expect_fail 1 sw hooks run ci/off 2>../err &&
	expect_grep "^specwright: \.kiro/hooks/ci.json:3:3: hook .ci/off. is disabled" ../err &&
	expect_fail 1 sw hooks run ci/helo 2>../err &&
	expect_grep "no hook named .ci/helo." ../err && expect_grep "did you mean .ci/hello." ../err &&
	expect_fail 2 sw hooks run 2>../err && expect_grep "usage: specwright hooks run" ../err &&
	expect_fail 1 sw hooks run ci/hello --file /etc/passwd 2>../err &&
	expect_grep "./etc/passwd. is not a file inside the workspace" ../err
'

sw_test 'an askAgent hook sends its prompt to an ACP agent and shows the answer' '
	example=$SW_TOP/tests/node_modules/@agentclientprotocol/sdk/dist/examples/agent.js &&
	if ! command -v node >/dev/null || [ ! -f "$example" ]; then echo "node or the ACP SDK is absent (make deps)"; exit 1; fi &&
	mkdir -p ws/.kiro/hooks && cd ws &&
	printf "{\"name\": \"ask\", \"when\": {\"type\": \"userTriggered\"}, \"then\": {\"type\": \"askAgent\", \"prompt\": \"review\"}}\n" >.kiro/hooks/ask.kiro.hook &&
	SPECWRIGHT_HOOK_AGENT="node $example" sw hooks run ask >../out 2>../err &&
	expect_grep "help you with that" ../out &&
	expect_grep "run ask - .* exit 0" .kiro/run/hooks.log &&
	SPECWRIGHT_HOOK_AGENT="specwright-no-such-agent acp" expect_fail 1 sw hooks run ask 2>../err &&
	expect_grep "specwright-no-such-agent" ../err
'
