/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "kiro/hookfile.h"

static int load(struct kiro_hooks *hooks, struct sw_diags *d, const char *rel, const char *text)
{
	return kiro_hooks_load_text(hooks, rel, rel, text, strlen(text), d);
}

static void hookfile__ide_file_hook(void **state)
{
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	const struct kiro_hook *h;

	SW_UNUSED(state);
	assert_int_equal(load(&hooks, &d, ".kiro/hooks/docs.kiro.hook",
		"{\n  \"name\": \"Docs\",\n  \"version\": \"1\",\n  \"when\": {\"type\": \"fileEdited\", "
		"\"patterns\": [\"**/*.ts\", \"docker-compose.yml\"]},\n  \"then\": {\"type\": \"askAgent\", "
		"\"prompt\": \"update docs\"}\n}\n"), 1);
	sw_test_print_diags(&d);
	assert_int_equal(d.nr, 0);
	h = hooks.v[0];
	assert_string_equal(h->id, "docs");
	assert_string_equal(h->name, "Docs");
	assert_int_equal(h->format, KIRO_HOOK_FORMAT_IDE);
	assert_int_equal(h->trigger, KIRO_HOOK_FILE_EDITED);
	assert_int_equal(h->action, KIRO_HOOK_ASK_AGENT);
	assert_string_equal(h->prompt, "update docs");
	assert_true(h->enabled);
	assert_true(kiro_hook_matches_path(h, "src/a/b.ts"));
	assert_true(kiro_hook_matches_path(h, "sub/docker-compose.yml"));
	assert_false(kiro_hook_matches_path(h, "src/a.js"));
	assert_int_equal(kiro_hook_timeout_ms(h), 60000);
	kiro_hooks_release(&hooks);
	sw_diags_release(&d);
}

static void hookfile__ide_run_command_with_timeout_and_disabled(void **state)
{
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct sw_diags d = SW_DIAGS_INIT;

	SW_UNUSED(state);
	assert_int_equal(load(&hooks, &d, "t.kiro.hook",
		"{\"name\":\"t\",\"enabled\":false,\"when\":{\"type\":\"postTaskExecution\"},"
		"\"then\":{\"type\":\"runCommand\",\"command\":\"make test\",\"timeout\":5}}"), 1);
	assert_int_equal(d.nr, 0);
	assert_int_equal(hooks.v[0]->trigger, KIRO_HOOK_POST_TASK);
	assert_int_equal(hooks.v[0]->action, KIRO_HOOK_RUN_COMMAND);
	assert_string_equal(hooks.v[0]->command, "make test");
	assert_int_equal(hooks.v[0]->timeout_s, 5);
	assert_int_equal(kiro_hook_timeout_ms(hooks.v[0]), 5000);
	assert_false(hooks.v[0]->enabled);
	kiro_hooks_release(&hooks);
	sw_diags_release(&d);
}

static void hookfile__ide_tool_hook_matching(void **state)
{
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	const struct kiro_hook *h;

	SW_UNUSED(state);
	assert_int_equal(load(&hooks, &d, "w.kiro.hook",
		"{\"name\":\"w\",\"when\":{\"type\":\"preToolUse\",\"toolTypes\":[\"write\",\"@mcp.*sql.*\"]},"
		"\"then\":{\"type\":\"askAgent\",\"prompt\":\"check\"}}"), 1);
	h = hooks.v[0];
	assert_true(kiro_hook_matches_tool(h, "fs_write", "write"));
	assert_false(kiro_hook_matches_tool(h, "fs_read", "read"));
	assert_true(kiro_hook_matches_tool(h, "@mcp-postgres-sql/query", NULL));
	assert_false(kiro_hook_matches_tool(h, "@github/list", NULL));
	kiro_hooks_release(&hooks);
	sw_diags_release(&d);
}

static void hookfile__v1_file_loads_every_hook(void **state)
{
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	const struct kiro_hook *a, *b;

	SW_UNUSED(state);
	assert_int_equal(load(&hooks, &d, ".kiro/hooks/all.json",
		"{\"version\": \"v1\", \"hooks\": [\n"
		" {\"name\": \"lint-on-save\", \"trigger\": \"PostFileSave\", \"matcher\": \"\\\\.ts$\",\n"
		"  \"action\": {\"type\": \"command\", \"command\": \"npm run lint\"}, \"timeout\": 30, \"enabled\": true},\n"
		" {\"name\": \"remind\", \"trigger\": \"PreToolUse\", \"matcher\": \"fs_write|str_replace\",\n"
		"  \"action\": {\"type\": \"agent\", \"prompt\": \"tests?\"}}]}\n"), 2);
	sw_test_print_diags(&d);
	assert_int_equal(d.nr, 0);
	a = hooks.v[0];
	b = hooks.v[1];
	assert_string_equal(a->id, "all/lint-on-save");
	assert_int_equal(a->format, KIRO_HOOK_FORMAT_V1);
	assert_int_equal(a->trigger, KIRO_HOOK_FILE_EDITED);
	assert_string_equal(a->trigger_raw, "PostFileSave");
	assert_int_equal(a->line, 2);
	assert_int_equal(a->timeout_s, 30);
	assert_true(kiro_hook_matches_path(a, "src/x.ts"));
	assert_false(kiro_hook_matches_path(a, "src/x.tsx"));
	assert_int_equal(b->trigger, KIRO_HOOK_PRE_TOOL_USE);
	assert_int_equal(b->action, KIRO_HOOK_ASK_AGENT);
	assert_true(kiro_hook_matches_tool(b, "str_replace", "write"));
	assert_false(kiro_hook_matches_tool(b, "fs_read", "read"));
	assert_int_equal(b->line, 4);
	assert_int_equal(kiro_hook_timeout_ms(b), 60000);
	assert_ptr_equal(kiro_hooks_find(&hooks, "remind"), b);
	assert_ptr_equal(kiro_hooks_find(&hooks, "all/remind"), b);
	kiro_hooks_release(&hooks);
	sw_diags_release(&d);
}

struct bad_hook {
	const char *rel, *text;
	int added;
	enum sw_severity sev;
	const char *code, *frag;
	int line, col;
};

static const struct bad_hook bad[] = {
	{ "a.kiro.hook", "{\"name\":\"a\",\n\"when\":{\"type\":\"fileSaved\",\"patterns\":[\"*\"]},"
	  "\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"}}", 0, SW_SEV_ERROR, "hook-type", "unknown hook type", 2, 16 },
	{ "a.kiro.hook", "{\"name\":\"a\",\"when\":{\"type\":\"fileEdited\"},"
	  "\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"}}", 0, SW_SEV_ERROR, "hook-patterns", "needs file patterns", 1, 20 },
	{ "a.kiro.hook", "{\"name\":\"a\",\"when\":{\"type\":\"fileEdited\",\"patterns\":[]},"
	  "\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"}}", 1, SW_SEV_WARNING, "hook-patterns", "never fires", 1, 52 },
	{ "a.kiro.hook", "{\"name\":\"a\",\"when\":{\"type\":\"preToolUse\"},"
	  "\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"}}", 0, SW_SEV_ERROR, "hook-tooltypes", "needs tool types", 1, 20 },
	{ "a.kiro.hook", "{\"name\":\"a\",\"when\":{\"type\":\"manual\"},"
	  "\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"}}", 1, SW_SEV_WARNING, "hook-type", "loaded as 'userTriggered'", 1, 28 },
	{ "a.kiro.hook", "{\"name\":\"a\",\"when\":{\"type\":\"agentStop\"},"
	  "\"then\":{\"type\":\"runCommand\"}}", 0, SW_SEV_ERROR, "hook-field", "missing required field", 1, 41 },
	{ "a.kiro.hook", "{\"name\":\"a\",\"when\":{\"type\":\"agentStop\"},"
	  "\"then\":{\"type\":\"shout\"}}", 0, SW_SEV_ERROR, "hook-action", "unknown hook action", 1, 56 },
	{ "a.kiro.hook", "{\"name\":\"a\",\"when\":{\"type\":\"agentStop\"},\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"},"
	  "\"metadata\":{}}", 1, SW_SEV_WARNING, "hook-unknown-field", "'metadata'", 1, 81 },
	{ "a.kiro.hook", "{\"name\":\"a\",\"when\":{\"type\":\"userTriggered\",\"patterns\":[\"x\"]},"
	  "\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"}}", 1, SW_SEV_NOTE, "hook-patterns", "ignored", 1, 44 },
	{ "a.kiro.hook", "{\"name\": 1, \"when\":{\"type\":\"agentStop\"},\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"}}", 0, SW_SEV_ERROR, "hook-field", "expected string", 1, 10 },
	{ "a.kiro.hook", "{\"name\": \"x\",", 0, SW_SEV_ERROR, "hook-json", "", 1, 13 },
	{ "a.json", "{\"name\":\"x\",\"trigger\":{\"type\":\"manual\"},\"prompt\":\"p\"}", 0, SW_SEV_ERROR,
	  "hook-format", "not a hook file", 1, 1 },
	{ "a.json", "{\"name\":\"x\",\"when\":{\"type\":\"userTriggered\"},\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"}}",
	  1, SW_SEV_WARNING, "hook-extension", "only from '*.kiro.hook'", 1, 1 },
	{ "a.json", "{\"version\":\"v2\",\"hooks\":[]}", 0, SW_SEV_ERROR, "hook-version", "must be \"v1\"", 1, 12 },
	{ "a.json", "{\"version\":\"v1\",\"hooks\":[{\"name\":\"n\",\"trigger\":\"OnSave\",\"action\":"
	  "{\"type\":\"command\",\"command\":\"x\"}}]}", 0, SW_SEV_ERROR, "hook-type", "unknown hook trigger", 1, 48 },
	{ "a.json", "{\"version\":\"v1\",\"hooks\":[{\"name\":\"n\",\"trigger\":\"Stop\",\"matcher\":\"(\",\"action\":"
	  "{\"type\":\"command\",\"command\":\"x\"}}]}", 0, SW_SEV_ERROR, "hook-matcher", "invalid regular expression", 1, 65 },
	{ "a.json", "{\"version\":\"v1\",\"hooks\":[{\"name\":\"n\",\"trigger\":\"Stop\",\"timeout\":\"5\",\"action\":"
	  "{\"type\":\"command\",\"command\":\"x\"}}]}", 0, SW_SEV_ERROR, "hook-timeout", "seconds", 1, 65 },
	{ "a.json", "{\"version\":\"v1\",\"hooks\":[{\"name\":\"n\",\"trigger\":\"Stop\"}]}", 0, SW_SEV_ERROR,
	  "hook-action", "missing required field", 1, 26 },
};

static void hookfile__bad_files_are_located(void **state)
{
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		struct kiro_hooks hooks = KIRO_HOOKS_INIT;
		struct sw_diags d = SW_DIAGS_INIT;
		size_t j;
		int n = load(&hooks, &d, bad[i].rel, bad[i].text), found = 0;

		for (j = 0; j < d.nr; j++)
			if (d.v[j].severity == bad[i].sev && !strcmp(d.v[j].code, bad[i].code) &&
			    strstr(d.v[j].msg, bad[i].frag) && d.v[j].line == bad[i].line && d.v[j].col == bad[i].col)
				found = 1;
		if (!found || n != bad[i].added) {
			sw_test_print_diags(&d);
			fail_msg("case %zu: added %d (want %d), no %s [%s] '%s' at %d:%d", i, n, bad[i].added,
				 sw_severity_name(bad[i].sev), bad[i].code, bad[i].frag, bad[i].line, bad[i].col);
		}
		kiro_hooks_release(&hooks);
		sw_diags_release(&d);
	}
}

static void hookfile__trigger_names_round_trip(void **state)
{
	int t;

	SW_UNUSED(state);
	for (t = 0; t < KIRO_HOOK_TRIGGER_COUNT; t++)
		assert_int_equal(kiro_hook_trigger_parse(kiro_hook_trigger_name((enum kiro_hook_trigger)t)), t);
	assert_int_equal(kiro_hook_trigger_parse("PostFileCreate"), KIRO_HOOK_FILE_CREATED);
	assert_int_equal(kiro_hook_trigger_parse("Manual"), KIRO_HOOK_USER_TRIGGERED);
	assert_int_equal(kiro_hook_trigger_parse("nope"), -1);
}

static void hookfile__folder_load_in_name_order(void **state)
{
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir();

	SW_UNUSED(state);
	assert_sw_ok(kiro_hooks_load(&hooks, dir, &d, &err), &err);
	assert_int_equal(hooks.nr, 0);
	sw_test_write(dir, ".kiro/hooks/b.kiro.hook", "{\"name\":\"b\",\"when\":{\"type\":\"agentStop\"},"
		      "\"then\":{\"type\":\"askAgent\",\"prompt\":\"p\"}}");
	sw_test_write(dir, ".kiro/hooks/a.json", "{\"version\":\"v1\",\"hooks\":[{\"name\":\"s\",\"trigger\":"
		      "\"SessionStart\",\"action\":{\"type\":\"command\",\"command\":\"date\"}}]}");
	sw_test_write(dir, ".kiro/hooks/README.md", "not a hook");
	assert_sw_ok(kiro_hooks_load(&hooks, dir, &d, &err), &err);
	assert_int_equal(hooks.nr, 2);
	assert_string_equal(hooks.v[0]->rel, ".kiro/hooks/a.json");
	assert_int_equal(hooks.v[0]->trigger, KIRO_HOOK_SESSION_START);
	assert_string_equal(hooks.v[1]->id, "b");
	assert_int_equal(d.nr, 0);
	kiro_hooks_release(&hooks);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hookfile__ide_file_hook),
		cmocka_unit_test(hookfile__ide_run_command_with_timeout_and_disabled),
		cmocka_unit_test(hookfile__ide_tool_hook_matching),
		cmocka_unit_test(hookfile__v1_file_loads_every_hook),
		cmocka_unit_test(hookfile__bad_files_are_located),
		cmocka_unit_test(hookfile__trigger_names_round_trip),
		cmocka_unit_test(hookfile__folder_load_in_name_order),
	};

	return sw_run_group("hookfile", tests);
}
