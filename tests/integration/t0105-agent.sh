#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# specwright agent list / show / validate.
. "$(dirname "$0")/lib.sh"

setup_agents() {
	mkdir -p .kiro/agents/prompts "$HOME/.kiro/agents"
	cat >.kiro/agents/reviewer.json <<-EOF2
	{
	  "name": "reviewer",
	  "description": "Reviews code",
	  "prompt": "file://./prompts/reviewer.md",
	  "tools": ["read", "@git"],
	  "allowedTools": ["read"],
	  "mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git"]}},
	  "resources": ["file://README.md", {"type": "knowledgeBase", "source": "file://./docs", "name": "Docs"}],
	  "hooks": {"agentSpawn": [{"command": "git status"}]},
	  "x-extra": 1
	}
	EOF2
	printf "You review.\n" >.kiro/agents/prompts/reviewer.md
	printf "# Project\n" >README.md
	printf -- "---\ndescription: Writes docs\nmodel: auto\n---\nYou write docs.\n" >.kiro/agents/docs.md
	printf "{\"description\": \"global reviewer\"}\n" >"$HOME/.kiro/agents/reviewer.json"
	printf "{\"description\": \"global helper\"}\n" >"$HOME/.kiro/agents/helper.json"
}

sw_test 'agent list shows workspace and global agents, workspace winning' '
	setup_agents && sw agent list >out 2>err &&
	expect_grep "^docs  *workspace markdown .kiro/agents/docs.md  *Writes docs" out &&
	expect_grep "^helper  *global  *json  *~/.kiro/agents/helper.json" out &&
	expect_grep "^reviewer  *workspace json  *.kiro/agents/reviewer.json  *Reviews code" out &&
	test "$(grep -c reviewer out)" -eq 1 && expect_no_grep prompts out &&
	expect_grep "2 warnings" err
'

sw_test 'agent show resolves the prompt file and lists everything' '
	setup_agents && sw agent show reviewer >out &&
	expect_grep "^prompt file .*/.kiro/agents/prompts/reviewer.md (12 bytes)" out &&
	expect_grep "^overrides  *~/.kiro/agents/reviewer.json" out &&
	expect_grep "^resources  *file://README.md" out &&
	expect_grep "file://./docs (knowledge base Docs" out &&
	expect_grep "^hooks  *agentSpawn: git status" out &&
	expect_grep "^mcpServers  *git" out &&
	sw agent show --json reviewer >out &&
	python3 -c "import json; d=json.load(open(\"out\")); assert d[\"prompt\"]==\"You review.\\n\"; assert d[\"config\"][\"x-extra\"]==1; assert d[\"resources\"][1][\"kind\"]==\"knowledgeBase\""
'

sw_test 'agent show of an unknown agent fails' '
	setup_agents && expect_fail 1 sw agent show nobody 2>err && expect_grep "no agent named .nobody." err
'

sw_test 'agent validate FILE reports located problems' '
	printf "{\n  \"allowedTools\": [\"read\", \"*\"],\n  \"hooks\": {\"onSave\": []}\n}\n" >bad.json &&
	expect_fail 1 sw agent validate bad.json >out 2>err &&
	expect_grep "^bad.json:2:28: error: \$.allowedTools\[1\]: a bare .\*. is not allowed" err &&
	expect_grep "^bad.json:3:13: error: unknown hook trigger .onSave.; Kiro rejects the agent" err &&
	expect_grep "^1 agent checked: 2 errors" out &&
	expect_fail 1 sw agent validate missing.json 2>err && expect_grep "missing.json" err
'

sw_test 'agent validate of every agent, and --json' '
	setup_agents && sw agent validate >out 2>err &&
	expect_grep "^3 agents checked: 0 errors, 2 warnings" out &&
	expect_grep "warning: agent conflict for .reviewer." err &&
	sw agent validate --json >out &&
	python3 -c "import json; d=json.load(open(\"out\")); assert d[\"ok\"] and d[\"agents\"]==3 and d[\"warnings\"]==2, d"
'

sw_test 'agent show: the knowledge base line is balanced, toolsSettings shown' '
	setup_agents &&
	cat >.kiro/agents/writer.json <<-EOF2 &&
	{"tools": ["fs_write"], "toolsSettings": {"fs_write": {"allowedPaths": ["src/**"]}},
	 "resources": [{"type": "knowledgeBase", "source": "file://./docs", "name": "Docs"}]}
	EOF2
	sw agent show writer >out &&
	expect_grep "^resources  *file://./docs (knowledge base Docs)$" out &&
	expect_grep "^toolsSettings  *fs_write: {\"allowedPaths\":\[\"src/\*\*\"\]}$" out &&
	sw agent show reviewer >out && expect_grep "file://./docs (knowledge base Docs)$" out &&
	sw agent show writer --json >out &&
	python3 -c "import json; d=json.load(open(\"out\")); assert d[\"toolsSettings\"]=={\"fs_write\":{\"allowedPaths\":[\"src/**\"]}}, d"
'

sw_test 'agent show: exit 1 for an agent with invalid JSON, only its own errors' '
	setup_agents &&
	printf "{\"name\": \"broken\", \"tools\": [\n" >.kiro/agents/broken.json &&
	printf "{\"tools\": \"read\"}\n" >.kiro/agents/other.json &&
	expect_fail 1 sw agent show broken >out 2>err &&
	expect_grep "^\.kiro/agents/broken\.json:[0-9]*:[0-9]*: error: " err &&
	expect_no_grep "other.json" err &&
	sw agent show docs >out 2>err && expect_no_grep "broken.json\|other.json" err &&
	expect_fail 1 sw agent show other 2>err && expect_grep "other.json:1:[0-9]*: error: " err
'

sw_test 'agent validate warns of file:// resources that match no file' '
	sw init >/dev/null && mkdir -p .kiro/steering &&
	cat >.kiro/agents/r.json <<-EOF2 &&
	{"resources": ["file://README.md", "file://docs/**/*.md", "file://.kiro/steering/*.md",
	  "file://~/notes.md"]}
	EOF2
	sw agent validate >out 2>err &&
	expect_grep "^1 agent checked: 0 errors, 3 warnings" out &&
	expect_grep "^\.kiro/agents/r\.json:1:16: warning: \$\.resources\[0\]: resource .file://README.md. matches no file" err &&
	expect_grep "resource .file://docs/\*\*/\*.md. matches no file" err &&
	expect_grep "resource .file://~/notes.md. matches no file" err && expect_no_grep "file://.kiro/steering/\*.md. matches" err &&
	printf "# Readme\n" >README.md && mkdir docs && : >"$HOME/notes.md" &&
	sw agent validate >out 2>err && expect_grep "^1 agent checked: 0 errors, 0 warnings" out
'

sw_test 'a workspace agent prompt file that resolves outside the workspace is refused' '
	sw init >/dev/null && mkdir -p .kiro/prompts && printf "SECRET-PROMPT\n" >../outside-prompt.md &&
	ln -s "$(cd .. && pwd)/outside-prompt.md" .kiro/prompts/linked.md && printf "inside prompt\n" >.kiro/prompts/ok.md &&
	printf "{\"prompt\": \"file://../prompts/linked.md\"}\n" >.kiro/agents/l.json &&
	printf "{\"prompt\": \"file://../prompts/ok.md\"}\n" >.kiro/agents/k.json &&
	expect_fail 1 sw agent validate >out 2>err &&
	expect_grep "l.json:.*prompt file .\.\./prompts/linked\.md.: .*resolves outside the workspace" err &&
	expect_no_grep "k.json" err &&
	sw agent show k --json >k.json && grep -q "inside prompt" k.json &&
	expect_fail 1 sw agent show l --json >l.json 2>err && ! grep -q SECRET-PROMPT l.json
'
