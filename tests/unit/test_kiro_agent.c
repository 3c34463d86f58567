/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "kiro/agent.h"
#include "base/fs.h"

static struct kiro_agent *load_text(const char *dir, const char *rel, const char *text, struct sw_diags *d)
{
	struct sw_error err = SW_ERROR_INIT;
	struct kiro_agent *a = NULL;
	char *path = sw_path_join(dir, rel);

	sw_test_write(dir, rel, text);
	assert_sw_ok(kiro_agent_load_file(&a, path, rel, sw_basename(rel), dir, 0, d, &err), &err);
	free(path);
	return a;
}

static const char full_agent[] =
	"{\n"
	"  \"name\": \"reviewer\",\n"
	"  \"description\": \"Reviews code\",\n"
	"  \"prompt\": \"file://./prompts/review.md\",\n"
	"  \"mcpServers\": {\"git\": {\"command\": \"uvx\", \"args\": [\"mcp-server-git\"], \"timeout\": 120000}},\n"
	"  \"tools\": [\"read\", \"@git\", \"@builtin\"],\n"
	"  \"toolAliases\": {\"@git/git_status\": \"status\"},\n"
	"  \"allowedTools\": [\"read\", \"@git/git_*\"],\n"
	"  \"toolsSettings\": {\"write\": {\"allowedPaths\": [\"src/**\"]}},\n"
	"  \"resources\": [\"file://README.md\", \"skill://.kiro/skills/**/SKILL.md\",\n"
	"    {\"type\": \"knowledgeBase\", \"source\": \"file://./docs\", \"name\": \"Docs\", \"description\": \"d\","
	" \"indexType\": \"fast\", \"autoUpdate\": true}],\n"
	"  \"hooks\": {\"agentSpawn\": [{\"command\": \"git status\"}],\n"
	"    \"userPromptSubmit\": [{\"command\": \"ls\", \"cache_ttl_seconds\": 60}],\n"
	"    \"preToolUse\": [{\"matcher\": \"execute_bash\", \"command\": \"audit\", \"timeout_ms\": 5000}],\n"
	"    \"postToolUse\": [{\"matcher\": \"fs_write\", \"command\": \"fmt\", \"max_output_size\": 100}],\n"
	"    \"stop\": [{\"command\": \"npm test\"}]},\n"
	"  \"includeMcpJson\": true,\n"
	"  \"model\": \"claude-sonnet-4\",\n"
	"  \"keyboardShortcut\": \"ctrl+shift+r\",\n"
	"  \"welcomeMessage\": \"Ready\",\n"
	"  \"permissions\": {\"rules\": [{\"capability\": \"shell\", \"match\": [\"npm *\"], \"effect\": \"allow\"}]},\n"
	"  \"excludedTools\": [\"web_fetch\"],\n"
	"  \"x-team\": {\"owner\": \"qa\"}\n"
	"}\n";

static void kiro_agent__every_field(void **state)
{
	struct sw_diags d = SW_DIAGS_INIT;
	char *dir = sw_test_tmpdir(), *out;
	struct kiro_agent *a;

	SW_UNUSED(state);
	sw_test_write(dir, ".kiro/agents/prompts/review.md", "You review code.\n");
	sw_test_write(dir, "README.md", "# Project\n"); /* its file:// resource exists */
	a = load_text(dir, ".kiro/agents/reviewer.json", full_agent, &d);
	sw_test_print_diags(&d);
	/* the one finding: the unknown field, kept */
	assert_int_equal(d.nr, 1);
	assert_string_equal(d.v[0].code, "agent-unknown-field");
	assert_int_equal(d.v[0].line, 23);
	assert_int_equal(d.v[0].col, 3);
	assert_string_equal(a->name, "reviewer");
	assert_string_equal(a->description, "Reviews code");
	assert_string_equal(a->prompt, "You review code.\n");
	assert_non_null(strstr(a->prompt_file, "/.kiro/agents/prompts/review.md"));
	assert_int_equal(a->tools.nr, 3);
	assert_string_equal(cJSON_GetObjectItem(a->tool_aliases, "@git/git_status")->valuestring, "status");
	assert_int_equal(a->allowed_tools.nr, 2);
	assert_non_null(cJSON_GetObjectItem(a->tools_settings, "write"));
	assert_int_equal(a->mcp.nr, 1);
	assert_string_equal(a->mcp.v[0]->name, "git");
	assert_int_equal(a->mcp.v[0]->origin, KIRO_MCP_AGENT);
	assert_int_equal(a->mcp.v[0]->timeout_ms, 120000);
	assert_int_equal(a->resources_nr, 3);
	assert_int_equal(a->resources[0].kind, KIRO_RESOURCE_FILE);
	assert_string_equal(a->resources[0].path, "README.md");
	assert_int_equal(a->resources[1].kind, KIRO_RESOURCE_SKILL);
	assert_int_equal(a->resources[2].kind, KIRO_RESOURCE_KNOWLEDGE_BASE);
	assert_string_equal(a->resources[2].name, "Docs");
	assert_false(a->resources[2].index_best);
	assert_true(a->resources[2].auto_update);
	assert_int_equal(a->hooks_nr, 5);
	assert_int_equal(a->hooks[0].trigger, KIRO_AGENT_SPAWN);
	assert_int_equal(a->hooks[0].timeout_ms, KIRO_AGENT_HOOK_TIMEOUT_MS);
	assert_int_equal(a->hooks[1].cache_ttl_seconds, 60);
	assert_string_equal(a->hooks[2].matcher, "execute_bash");
	assert_int_equal(a->hooks[2].timeout_ms, 5000);
	assert_int_equal(a->hooks[3].max_output_size, 100);
	assert_int_equal(a->hooks[4].trigger, KIRO_AGENT_STOP);
	assert_int_equal(a->hooks[4].line, 16);
	assert_int_equal(a->include_mcp_json, 1);
	assert_string_equal(a->model, "claude-sonnet-4");
	assert_string_equal(a->keyboard_shortcut, "ctrl+shift+r");
	assert_string_equal(a->welcome_message, "Ready");
	assert_non_null(a->permissions);
	assert_string_equal(a->excluded_tools.v[0], "web_fetch");
	/* a rewrite keeps every field, unknown ones included */
	out = kiro_agent_to_json(a);
	assert_non_null(strstr(out, "\"x-team\""));
	assert_non_null(strstr(out, "\"owner\":\t\"qa\""));
	free(out);
	kiro_agent_free(a);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(dir);
}

struct bad_agent {
	const char *text;
	enum sw_severity sev;
	const char *code, *frag;
	int line, col;
};

static const struct bad_agent bad[] = {
	{ "{\"allowedTools\": [\"read\", \"*\"]}", SW_SEV_ERROR, "agent-allowed-tools", "bare '*'", 1, 27 },
	{ "{\"hooks\": {\"onSave\": []}}", SW_SEV_ERROR, "agent-hook", "Kiro rejects the agent", 1, 12 },
	{ "{\"hooks\": {\"stop\": {\"command\": \"x\"}}}", SW_SEV_ERROR, "agent-hook", "expected array", 1, 20 },
	{ "{\"hooks\": {\"stop\": [{\"cmd\": \"x\"}]}}", SW_SEV_ERROR, "agent-hook", "command: missing", 1, 21 },
	{ "{\"hooks\": {\"stop\": [{\"command\": \"x\", \"matcher\": \"*\"}]}}", SW_SEV_WARNING, "agent-hook",
	  "ignored for 'stop'", 1, 38 },
	{ "{\"hooks\": {\"preToolUse\": [{\"command\": \"x\", \"timeout_ms\": \"5\"}]}}", SW_SEV_ERROR, "agent-field",
	  "non-negative number", 1, 58 },
	{ "{\"resources\": [\"README.md\"]}", SW_SEV_ERROR, "agent-resource", "must start with 'file://'", 1, 16 },
	{ "{\"resources\": [{\"type\": \"knowledgeBase\", \"source\": \"file://d\"}]}", SW_SEV_ERROR, "agent-field",
	  "name: missing", 1, 16 },
	{ "{\"resources\": [{\"type\": \"knowledgeBase\", \"source\": \"file://d\", \"name\": \"n\", \"indexType\": \"slow\"}]}",
	  SW_SEV_ERROR, "agent-resource", "'best' or 'fast'", 1, 90 },
	{ "{\"resources\": [{\"type\": \"kb\", \"source\": \"file://d\", \"name\": \"n\"}]}", SW_SEV_ERROR,
	  "agent-resource", "unknown resource type", 1, 25 },
	{ "{\"resources\": [7]}", SW_SEV_ERROR, "agent-resource", "found number", 1, 16 },
	{ "{\"keyboardShortcut\": \"alt+x\"}", SW_SEV_WARNING, "agent-shortcut", "'alt+x'", 1, 22 },
	{ "{\"tools\": \"read\"}", SW_SEV_ERROR, "agent-field", "expected array", 1, 11 },
	{ "{\"model\": 4}", SW_SEV_ERROR, "agent-field", "expected string", 1, 11 },
	{ "{\"includeMcpJson\": \"yes\"}", SW_SEV_ERROR, "agent-field", "expected boolean", 1, 20 },
	{ "{\"toolAliases\": {\"a\": 1}}", SW_SEV_ERROR, "agent-field", "expected string", 1, 23 },
	{ "{\"systemPrompt\": \"hi\"}", SW_SEV_WARNING, "agent-deprecated", "use 'prompt'", 1, 2 },
	{ "{\"prompt\": \"file://missing.md\"}", SW_SEV_ERROR, "agent-prompt", "'missing.md' does not exist", 1, 12 },
	{ "{\"mcpServers\": {\"s\": {\"args\": []}}}", SW_SEV_ERROR, "mcp-server", "neither", 1, 17 },
	{ "{\"tols\": []}", SW_SEV_WARNING, "agent-unknown-field", "'tols'", 1, 2 },
	{ "[1]", SW_SEV_ERROR, "agent-json", "expected a JSON object", 1, 1 },
	{ "{\"name\": \"x\",}", SW_SEV_ERROR, "agent-json", "", 1, 14 },
};

static void kiro_agent__field_errors_are_located(void **state)
{
	char *dir = sw_test_tmpdir();
	size_t i, j;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		struct sw_diags d = SW_DIAGS_INIT;
		struct kiro_agent *a = load_text(dir, "a.json", bad[i].text, &d);
		int found = 0;

		for (j = 0; j < d.nr; j++)
			if (d.v[j].severity == bad[i].sev && !strcmp(d.v[j].code, bad[i].code) &&
			    strstr(d.v[j].msg, bad[i].frag) && d.v[j].line == bad[i].line && d.v[j].col == bad[i].col)
				found = 1;
		if (!found) {
			sw_test_print_diags(&d);
			fail_msg("case %zu: no %s [%s] '%s' at %d:%d", i, sw_severity_name(bad[i].sev), bad[i].code,
				 bad[i].frag, bad[i].line, bad[i].col);
		}
		assert_non_null(a->json);
		kiro_agent_free(a);
		sw_diags_release(&d);
	}
	sw_test_rmtree(dir);
	free(dir);
}

static void kiro_agent__prompt_forms(void **state)
{
	struct sw_diags d = SW_DIAGS_INIT;
	char *dir = sw_test_tmpdir();
	struct kiro_agent *a;

	SW_UNUSED(state);
	sw_test_write(dir, ".kiro/agents/prompts/p.md", "root-relative\n");
	sw_test_write(dir, ".kiro/shared.md", "parent\n");
	a = load_text(dir, ".kiro/agents/a.json", "{\"prompt\": \"file:.kiro/agents/prompts/p.md\"}", &d);
	assert_string_equal(a->prompt, "root-relative\n");
	kiro_agent_free(a);
	a = load_text(dir, ".kiro/agents/b.json", "{\"prompt\": \"file://../shared.md\"}", &d);
	assert_string_equal(a->prompt, "parent\n");
	kiro_agent_free(a);
	a = load_text(dir, ".kiro/agents/c.json", "{\"prompt\": \"Be brief.\"}", &d);
	assert_string_equal(a->prompt, "Be brief.");
	assert_null(a->prompt_file);
	assert_string_equal(a->name, "c");
	kiro_agent_free(a);
	sw_test_print_diags(&d);
	assert_int_equal(d.nr, 0);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(dir);
}

static void kiro_agent__markdown_agent(void **state)
{
	struct sw_diags d = SW_DIAGS_INIT;
	char *dir = sw_test_tmpdir();
	struct kiro_agent *a;

	SW_UNUSED(state);
	sw_test_write(dir, ".kiro/steering/a.md", "# A\n");
	a = load_text(dir, ".kiro/agents/default.md",
		      "---\ndescription: Full-stack agent\nmodel: auto\ntools: [\"*\"]\nresources:\n"
		      "  - file://.kiro/steering/a.md\n  - docs/b.md\nallowedTools:\n  - '*'\n---\n\nYou are an engineer.\n", &d);
	assert_true(a->markdown);
	assert_string_equal(a->name, "default");
	assert_string_equal(a->description, "Full-stack agent");
	assert_string_equal(a->model, "auto");
	assert_string_equal(a->prompt, "You are an engineer.\n");
	assert_int_equal(a->tools.nr, 1);
	assert_int_equal(a->resources_nr, 1);
	sw_test_print_diags(&d);
	assert_int_equal(d.nr, 2);
	/* located in the front matter */
	assert_string_equal(d.v[0].code, "agent-allowed-tools");
	assert_int_equal(d.v[0].line, 9);
	assert_int_equal(d.v[0].col, 5);
	assert_string_equal(d.v[1].code, "agent-resource");
	assert_int_equal(d.v[1].line, 7);
	kiro_agent_free(a);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(dir);
}

static void kiro_agent__folders_merge_and_skip_prompt_files(void **state)
{
	struct kiro_agents agents = KIRO_AGENTS_INIT;
	struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir(), *root = sw_path_join(dir, "ws"), *global = sw_path_join(dir, "home/.kiro");
	const struct kiro_agent *a;

	SW_UNUSED(state);
	sw_test_write(root, ".kiro/agents/ada.json", "{\"name\": \"ada\", \"prompt\": \"file://./ada-prompt.md\","
		      " \"includeMcpJson\": true, \"mcpServers\": {\"fetch\": {\"command\": \"agent-fetch\"}}}");
	sw_test_write(root, ".kiro/agents/ada-prompt.md", "# Ada\nprompt text\n");
	sw_test_write(root, ".kiro/agents/team/planner.md", "---\ndescription: plans\n---\nPlan.\n");
	sw_test_write(root, ".kiro/settings/mcp.json", "{\"mcpServers\": {\"fetch\": {\"command\": \"ws-fetch\"},"
		      " \"gh\": {\"command\": \"gh-mcp\"}}}");
	sw_test_write(global, "agents/ada.json", "{\"description\": \"global ada\"}");
	sw_test_write(global, "agents/solo.json", "{\"description\": \"only global\"}");
	assert_sw_ok(kiro_agents_load(&agents, root, global, &d, &err), &err);
	sw_test_print_diags(&d);
	assert_int_equal(agents.nr, 3);
	assert_string_equal(agents.v[0]->name, "ada");
	assert_string_equal(agents.v[1]->name, "solo");
	assert_true(agents.v[1]->global);
	assert_string_equal(agents.v[2]->name, "team/planner");
	a = kiro_agents_find(&agents, "ada");
	assert_false(a->global);
	assert_string_equal(a->overrides, "~/.kiro/agents/ada.json");
	assert_int_equal(d.nr, 1);
	assert_string_equal(d.v[0].code, "agent-conflict");
	assert_int_equal(d.v[0].severity, SW_SEV_WARNING);
	assert_string_equal(d.v[0].path, ".kiro/agents/ada.json");

	assert_sw_ok(kiro_agent_mcp(&cfg, a, root, global, &d, &err), &err);
	assert_int_equal(cfg.nr, 2);
	assert_string_equal(kiro_mcp_find(&cfg, "fetch")->command, "agent-fetch");
	assert_int_equal(kiro_mcp_find(&cfg, "fetch")->origin, KIRO_MCP_AGENT);
	assert_string_equal(kiro_mcp_find(&cfg, "fetch")->overrides, ".kiro/settings/mcp.json");
	assert_int_equal(kiro_mcp_find(&cfg, "gh")->origin, KIRO_MCP_WORKSPACE);
	kiro_mcp_release(&cfg);
	/* without includeMcpJson only the agent's own servers */
	assert_sw_ok(kiro_agent_mcp(&cfg, kiro_agents_find(&agents, "solo"), root, global, &d, &err), &err);
	assert_int_equal(cfg.nr, 0);
	kiro_mcp_release(&cfg);
	kiro_agents_release(&agents);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(root);
	free(global);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kiro_agent__every_field),
		cmocka_unit_test(kiro_agent__field_errors_are_located),
		cmocka_unit_test(kiro_agent__prompt_forms),
		cmocka_unit_test(kiro_agent__markdown_agent),
		cmocka_unit_test(kiro_agent__folders_merge_and_skip_prompt_files),
	};

	return sw_run_group("kiro_agent", tests);
}
