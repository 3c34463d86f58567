/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/buf.h"
#include "hooks/action.h"
#include "kiro/hookfile.h"

static struct kiro_hook *load_one(struct kiro_hooks *hooks, const char *json)
{
	struct sw_diags diags = SW_DIAGS_INIT;

	if (kiro_hooks_load_text(hooks, "/ws/.kiro/hooks/t.kiro.hook", ".kiro/hooks/t.kiro.hook", json,
				 strlen(json), &diags) != 1)
		fail_msg("hook did not load: %s", diags.nr ? diags.v[0].msg : "?");
	sw_diags_release(&diags);
	return hooks->v[hooks->nr - 1];
}

static void action__command_gets_env_cwd_and_json_event(void **state)
{
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct hooks_action_opts o = HOOKS_ACTION_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct hooks_action *a = NULL;
	char *dir = sw_test_tmpdir();
	const char *files[] = { "src/a.c", "b.c", NULL };
	struct sw_buf want = SW_BUF_INIT;

	SW_UNUSED(state);
	o.hook = load_one(&hooks, "{\"name\": \"t\", \"when\": {\"type\": \"fileEdited\", \"patterns\": [\"*\"]},"
				  " \"then\": {\"type\": \"runCommand\", \"command\": \"printf '%s|%s|%s|%s|' "
				  "\\\"$SPECWRIGHT_HOOK\\\" \\\"$SPECWRIGHT_EVENT\\\" \\\"$SPECWRIGHT_FILE\\\" "
				  "\\\"$(pwd)\\\"; printf '%s|' \\\"$SPECWRIGHT_FILES\\\"; cat; exit 7\"}}");
	o.root = dir;
	o.event = "fileEdited";
	o.files = files;
	assert_sw_ok(hooks_action_run(&a, &o, &err), &err);
	sw_buf_addf(&want, "t|fileEdited|src/a.c|%s|src/a.c\nb.c|{\"hook_event_name\":\"fileEdited\",\"hook\":\"t\","
		    "\"cwd\":\"%s\",\"file\":\"src/a.c\",\"files\":[\"src/a.c\",\"b.c\"]}\n", dir, dir);
	assert_string_equal(a->out.ptr, want.ptr);
	assert_int_equal(a->exit_status, 7);
	assert_false(a->ok);
	assert_int_equal(a->nfiles, 2);
	hooks_action_free(a);
	sw_buf_release(&want);
	kiro_hooks_release(&hooks);
	sw_test_rmtree(dir);
	free(dir);
}

/* Thousands of files: SPECWRIGHT_FILES keeps whole paths under its cap, the JSON keeps all. */
static void action__many_files_stay_under_the_env_limit(void **state)
{
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct hooks_action_opts o = HOOKS_ACTION_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct hooks_action *a = NULL;
	struct sw_strvec files = SW_STRVEC_INIT;
	char *dir = sw_test_tmpdir();
	long env_len, json_files;
	int i;

	SW_UNUSED(state);
	for (i = 0; i < 6000; i++)
		sw_strvec_pushf(&files, "some/rather/long/directory/name/file-%05d.txt", i);
	o.hook = load_one(&hooks, "{\"name\": \"t\", \"when\": {\"type\": \"fileCreated\", \"patterns\": [\"*\"]},"
				  " \"then\": {\"type\": \"runCommand\", \"command\": \"printf '%s ' "
				  "\\\"${#SPECWRIGHT_FILES}\\\"; tr ',' '\\\\n' | grep -c file-\"}}");
	o.root = dir;
	o.event = "fileCreated";
	o.files = (const char *const *)files.v;
	assert_sw_ok(hooks_action_run(&a, &o, &err), &err);
	assert_true(a->ok);
	assert_int_equal(sscanf(a->out.ptr, "%ld %ld", &env_len, &json_files), 2);
	assert_true(env_len > 0 && env_len < HOOKS_ACTION_MAX_FILES_ENV);
	assert_int_equal(json_files, 6001); /* every file, plus "file" naming the first */
	hooks_action_free(a);
	sw_strvec_clear(&files);
	kiro_hooks_release(&hooks);
	sw_test_rmtree(dir);
	free(dir);
}

static void action__ask_agent_needs_a_prompt_and_an_agent(void **state)
{
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct hooks_action_opts o = HOOKS_ACTION_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct hooks_action *a = NULL;
	const char *const missing[] = { "specwright-no-such-agent", "acp", NULL };

	SW_UNUSED(state);
	o.hook = load_one(&hooks, "{\"name\": \"ask\", \"when\": {\"type\": \"userTriggered\"},"
				  " \"then\": {\"type\": \"askAgent\", \"prompt\": \"review\"}}");
	o.root = "/";
	o.event = "userTriggered";
	o.agent_argv = missing;
	assert_int_equal(hooks_action_run(&a, &o, &err), SW_ENOTFOUND);
	assert_null(a);
	assert_non_null(strstr(err.msg, "specwright-no-such-agent"));
	kiro_hooks_release(&hooks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(action__command_gets_env_cwd_and_json_event),
		cmocka_unit_test(action__many_files_stay_under_the_env_limit),
		cmocka_unit_test(action__ask_agent_needs_a_prompt_and_an_agent),
	};
	return sw_run_group("action", tests);
}
