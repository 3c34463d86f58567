/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "kiro/mcpconfig.h"
#include "base/fs.h"
#include "base/json.h"

static void mcpconfig__precedence_agent_workspace_global(void **state)
{
	struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	const char *agent_text = "{\"mcpServers\": {\"shared\": {\"command\": \"agent-cmd\"}}}";
	struct kiro_source src = { ".kiro/agents/a.json", agent_text, strlen(agent_text), NULL };
	char *dir = sw_test_tmpdir(), *home = sw_path_join(dir, "home/.kiro");
	const struct kiro_mcp_server *s;
	cJSON *agent = NULL;

	SW_UNUSED(state);
	sw_test_write(dir, "home/.kiro/settings/mcp.json",
		      "{\"mcpServers\": {\"shared\": {\"command\": \"global-cmd\", \"args\": [\"-g\"], \"timeout\": 5000},\n"
		      " \"only-global\": {\"url\": \"https://example.test/mcp\", \"headers\": {\"Authorization\": \"Bearer ${TOK}\"}}}}");
	sw_test_write(dir, "ws/.kiro/settings/mcp.json",
		      "{\"mcpServers\": {\n  \"shared\": {\"command\": \"ws-cmd\", \"disabled\": true},\n"
		      "  \"only-ws\": {\"command\": \"x\", \"autoApprove\": [\"*\"], \"disabledTools\": [\"rm\"]}}}");
	{
		char *root = sw_path_join(dir, "ws");

		assert_sw_ok(kiro_mcp_load(&cfg, root, home, &d, &err), &err);
		free(root);
	}
	sw_test_print_diags(&d);
	assert_int_equal(d.nr, 0);
	assert_int_equal(cfg.nr, 3);
	/* sorted by name */
	assert_string_equal(cfg.v[0]->name, "only-global");
	assert_string_equal(cfg.v[1]->name, "only-ws");
	s = kiro_mcp_find(&cfg, "shared");
	assert_string_equal(s->command, "ws-cmd");
	assert_int_equal(s->origin, KIRO_MCP_WORKSPACE);
	assert_true(s->disabled);
	assert_int_equal(s->args.nr, 0); /* whole-entry override: nothing inherited */
	assert_int_equal(s->timeout_ms, KIRO_MCP_UNSET);
	assert_string_equal(s->overrides, "~/.kiro/settings/mcp.json");
	assert_int_equal(s->overrides_origin, KIRO_MCP_GLOBAL);
	assert_int_equal(s->line, 2);
	assert_int_equal(s->col, 3);
	s = kiro_mcp_find(&cfg, "only-ws");
	assert_string_equal(s->auto_approve.v[0], "*");
	assert_string_equal(s->disabled_tools.v[0], "rm");
	s = kiro_mcp_find(&cfg, "only-global");
	assert_string_equal(s->header_values.v[0], "Bearer ${TOK}");
	assert_int_equal(s->origin, KIRO_MCP_GLOBAL);

	assert_sw_ok(sw_json_parse(&agent, agent_text, strlen(agent_text), &err), &err);
	assert_int_equal(kiro_mcp_add_servers(&cfg, cJSON_GetObjectItem(agent, "mcpServers"), "$.mcpServers",
					      KIRO_MCP_AGENT, &src, &d), 1);
	s = kiro_mcp_find(&cfg, "shared");
	assert_string_equal(s->command, "agent-cmd");
	assert_int_equal(s->origin, KIRO_MCP_AGENT);
	assert_false(s->disabled);
	assert_string_equal(s->overrides, ".kiro/settings/mcp.json");
	/* a lower layer loaded later does not win */
	assert_sw_ok(kiro_mcp_load(&cfg, NULL, home, &d, &err), &err);
	s = kiro_mcp_find(&cfg, "shared");
	assert_string_equal(s->command, "agent-cmd");
	cJSON_Delete(agent);
	kiro_mcp_release(&cfg);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(home);
	free(dir);
}

static const char *fake_env(const char *name, void *ctx)
{
	SW_UNUSED(ctx);
	if (!strcmp(name, "TOK"))
		return "s3cret";
	if (!strcmp(name, "EMPTY"))
		return "";
	return NULL;
}

static void mcpconfig__expand_at_use_time(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	char *out = NULL;

	SW_UNUSED(state);
	assert_sw_ok(kiro_mcp_expand(&out, "Bearer ${TOK}/${EMPTY}$HOME$", fake_env, NULL, &err), &err);
	assert_string_equal(out, "Bearer s3cret/$HOME$");
	free(out);
	assert_int_equal(kiro_mcp_expand(&out, "${NOPE}", fake_env, NULL, &err), SW_ENOTFOUND);
	assert_non_null(strstr(err.msg, "'NOPE'"));
	assert_null(out);
	assert_int_equal(kiro_mcp_expand(&out, "x ${TOK", fake_env, NULL, &err), SW_EINVAL);
}

static void mcpconfig__resolve_expands_but_config_keeps_text(void **state)
{
	struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
	struct kiro_mcp_resolved r = KIRO_MCP_RESOLVED_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	const char *text = "{\"mcpServers\": {\"gh\": {\"command\": \"npx\", \"args\": [\"-y\", \"${TOK}\"],"
			   " \"env\": {\"GITHUB_TOKEN\": \"${TOK}\"}},"
			   " \"remote\": {\"url\": \"https://h.test/${TOK}\", \"headers\": {\"X\": \"a${TOK}\"}},"
			   " \"broken\": {\"command\": \"x\", \"env\": {\"A\": \"${MISSING}\"}}}}";

	SW_UNUSED(state);
	assert_int_equal(kiro_mcp_load_text(&cfg, text, strlen(text), "mcp.json", KIRO_MCP_WORKSPACE, &d), 3);
	assert_sw_ok(kiro_mcp_resolve(&r, kiro_mcp_find(&cfg, "gh"), fake_env, NULL, &err), &err);
	assert_int_equal(r.argv.nr, 3);
	assert_string_equal(r.argv.v[2], "s3cret");
	assert_string_equal(r.env.v[0], "GITHUB_TOKEN=s3cret");
	assert_string_equal(kiro_mcp_find(&cfg, "gh")->env_values.v[0], "${TOK}");
	kiro_mcp_resolved_release(&r);
	assert_sw_ok(kiro_mcp_resolve(&r, kiro_mcp_find(&cfg, "remote"), fake_env, NULL, &err), &err);
	assert_string_equal(r.url, "https://h.test/s3cret");
	assert_string_equal(r.headers.v[0], "X: as3cret");
	assert_int_equal(r.argv.nr, 0);
	kiro_mcp_resolved_release(&r);
	assert_int_equal(kiro_mcp_resolve(&r, kiro_mcp_find(&cfg, "broken"), fake_env, NULL, &err), SW_ENOTFOUND);
	assert_non_null(strstr(err.msg, "MCP server 'broken'"));
	assert_string_equal(err.path, "mcp.json");
	assert_int_equal(r.argv.nr, 0);
	kiro_mcp_release(&cfg);
	sw_diags_release(&d);
}

struct bad_mcp {
	const char *text;
	enum sw_severity sev;
	const char *code, *frag;
	int line, col;
	int taken;
};

static const struct bad_mcp bad[] = {
	{ "{}", SW_SEV_ERROR, "mcp-json", "missing 'mcpServers'", 1, 1, -1 },
	{ "[]", SW_SEV_ERROR, "mcp-json", "expected a JSON object", 1, 1, -1 },
	{ "{\"mcpServers\": {\"a\": {\"args\": []}}}", SW_SEV_ERROR, "mcp-server", "neither 'command' nor 'url'", 1, 17, 0 },
	{ "{\"mcpServers\": {\"a\": {\"command\": 5}}}", SW_SEV_ERROR, "mcp-field", "expected string", 1, 34, 0 },
	{ "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"args\": \"-y\"}}}", SW_SEV_ERROR, "mcp-field", "expected array", 1, 47, 0 },
	{ "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"env\": {\"K\": 1}}}}", SW_SEV_ERROR, "mcp-field", "expected string", 1, 52, 0 },
	{ "{\"mcpServers\": {\"a\": {\"url\": \"ftp://x\"}}}", SW_SEV_ERROR, "mcp-url", "http:// or https://", 1, 30, 0 },
	{ "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"timeout\": -1}}}", SW_SEV_ERROR, "mcp-field", "milliseconds", 1, 50, 0 },
	{ "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"autoApprov\": []}}}", SW_SEV_WARNING, "mcp-unknown-field", "'autoApprov'", 1, 39, 1 },
	{ "{\"mcpServers\": {}, \"_metadata\": {}}", SW_SEV_WARNING, "mcp-unknown-field", "'_metadata'", 1, 20, 0 },
	{ "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"env\": {\"K\": \"${OOPS\"}}}}", SW_SEV_WARNING, "mcp-env-ref", "kept literally", 1, 52, 1 },
	{ "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"url\": \"https://x\"}}}", SW_SEV_WARNING, "mcp-server", "both", 1, 39, 1 },
	{ "{\"mcpServers\": ", SW_SEV_ERROR, "mcp-json", "", 1, 15, -1 },
};

static void mcpconfig__bad_entries_are_located(void **state)
{
	size_t i, j;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
		struct sw_diags d = SW_DIAGS_INIT;
		int found = 0, n = kiro_mcp_load_text(&cfg, bad[i].text, strlen(bad[i].text), "m.json",
						      KIRO_MCP_WORKSPACE, &d);

		for (j = 0; j < d.nr; j++)
			if (d.v[j].severity == bad[i].sev && !strcmp(d.v[j].code, bad[i].code) &&
			    strstr(d.v[j].msg, bad[i].frag) && d.v[j].line == bad[i].line && d.v[j].col == bad[i].col)
				found = 1;
		if (!found || n != bad[i].taken) {
			sw_test_print_diags(&d);
			fail_msg("case %zu: took %d (want %d), no %s [%s] '%s' at %d:%d", i, n, bad[i].taken,
				 sw_severity_name(bad[i].sev), bad[i].code, bad[i].frag, bad[i].line, bad[i].col);
		}
		kiro_mcp_release(&cfg);
		sw_diags_release(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mcpconfig__precedence_agent_workspace_global),
		cmocka_unit_test(mcpconfig__expand_at_use_time),
		cmocka_unit_test(mcpconfig__resolve_expands_but_config_keeps_text),
		cmocka_unit_test(mcpconfig__bad_entries_are_located),
	};

	return sw_run_group("mcpconfig", tests);
}
