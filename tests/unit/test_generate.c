/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generation phase loop with an in-process agent that replays a list
 * of replies and records what it was sent, and a check function that
 * rejects documents containing "BAD".  (The end-to-end runs through the
 * real agent and the scripted model server are in tests/integration/t08*.)
 */
#include "helpers/sw_test.h"
#include "base/fs.h"
#include "base/json.h"
#include "specs-engine/generate.h"
#include "specs-engine/prompts.h"

struct script {
	const char *const *replies;
	size_t next;
	struct sw_strvec sent;    /* messages received */
	struct sw_strvec systems; /* system prompts received ("" on follow-ups) */
};

static int script_turn(void *self, const char *system, const char *message, struct sw_buf *reply,
		       struct sw_error *err)
{
	struct script *s = self;

	sw_strvec_push(&s->sent, message);
	sw_strvec_push(&s->systems, system ? system : "");
	if (!s->replies[s->next])
		return sw_error_set(err, SW_EPROTO, "script exhausted");
	sw_buf_adds(reply, s->replies[s->next++]);
	return 0;
}

static int check_bad(struct sw_diags *out, enum review_doc doc, const char *text, size_t len,
		     const char *dir, const char *display, const char *previous, struct sw_error *err)
{
	const char *p = strstr(text, "BAD");

	SW_UNUSED(doc);
	SW_UNUSED(len);
	SW_UNUSED(dir);
	SW_UNUSED(err);
	if (p) {
		int line = 1, col;

		sw_text_position(text, (size_t)(p - text), &line, &col);
		sw_diag_add(out, SW_SEV_ERROR, "ears-no-shall", display, line, col, "criterion has no SHALL");
	}
	if (previous && !strstr(text, "Requirement 1: Login"))
		sw_diag_add(out, SW_SEV_ERROR, "refine-id", display, 1, 1, "requirement 1 lost its title");
	return 0;
}

static void run(const char *const *replies, int max_repairs, const char *comment, int want_rc,
		struct script *s, struct gen_phase_result *res, char **dir_out)
{
	struct sw_error err = SW_ERROR_INIT;
	struct review r;
	struct gen_phase_opts o = GEN_PHASE_OPTS_INIT;
	struct gen_agent agent = { script_turn, s };
	char *dir = sw_test_tmpdir();
	int rc;

	memset(s, 0, sizeof(*s));
	s->replies = replies;
	s->sent = (struct sw_strvec)SW_STRVEC_INIT;
	s->systems = (struct sw_strvec)SW_STRVEC_INIT;
	review_init(&r, REVIEW_TYPE_FEATURE, 0, "a login page");
	if (comment)
		sw_test_write(dir, "requirements.md", "# Requirements Document\n\n### Requirement 1: Login\n");
	o.spec = "login";
	o.dir = dir;
	o.display = ".kiro/specs/login";
	o.request = "a login page";
	o.review = &r;
	o.doc = REVIEW_DOC_REQUIREMENTS;
	o.comment = comment;
	o.max_repairs = max_repairs;
	o.agent = &agent;
	o.check = check_bad;
	rc = gen_run_phase(res, &o, &err);
	if (rc != want_rc)
		fail_msg("gen_run_phase -> %d (%s), expected %d", rc, err.msg, want_rc);
	review_release(&r);
	*dir_out = dir;
}

static void release(struct script *s, struct gen_phase_result *res, char *dir)
{
	sw_strvec_clear(&s->sent);
	sw_strvec_clear(&s->systems);
	gen_phase_result_release(res);
	sw_test_rmtree(dir);
	free(dir);
}

static void generate__repair_loop_fixes_and_writes(void **state)
{
	static const char *const replies[] = {
		"Here you go:\n\n```markdown\n# Requirements Document\n\n1. WHEN x BAD\n```\n",
		"# Requirements Document\n\n1. WHEN x, THE S SHALL y\n",
		NULL,
	};
	struct script s;
	struct gen_phase_result res = GEN_PHASE_RESULT_INIT;
	struct sw_buf disk = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir, *path;

	SW_UNUSED(state);
	run(replies, 2, NULL, 0, &s, &res, &dir);
	assert_int_equal(res.repairs, 1);
	assert_true(res.written);
	assert_int_equal(s.sent.nr, 2);
	/* the first turn starts a conversation with the system prompt, the repair continues it */
	assert_non_null(strstr(s.systems.v[0], "\"login\""));
	assert_string_equal(s.systems.v[1], "");
	assert_non_null(strstr(s.sent.v[0], "# Requirements Document"));
	assert_non_null(strstr(s.sent.v[0], "a login page"));
	/* the diagnostics go back with file:line:col */
	assert_non_null(strstr(s.sent.v[1], ".kiro/specs/login/requirements.md:3:11: error: criterion has no SHALL [ears-no-shall]"));
	path = sw_path_join(dir, "requirements.md");
	assert_sw_ok(sw_read_file(&disk, path, 1 << 20, &err), &err);
	assert_string_equal(disk.ptr, "# Requirements Document\n\n1. WHEN x, THE S SHALL y\n");
	sw_buf_release(&disk);
	free(path);
	release(&s, &res, dir);
}

static void generate__unfixable_fails_and_writes_nothing(void **state)
{
	static const char *const replies[] = { "# R\n\nBAD\n", "# R\n\nstill BAD\n", "# R\nBAD\n", NULL };
	struct script s;
	struct gen_phase_result res = GEN_PHASE_RESULT_INIT;
	char *dir, *path;

	SW_UNUSED(state);
	run(replies, 2, NULL, SW_EINVAL, &s, &res, &dir);
	assert_int_equal(res.repairs, 2);
	assert_false(res.written);
	assert_int_equal(s.sent.nr, 3);
	assert_int_equal(res.diags.errors, 1);
	assert_string_equal(res.text.ptr, "# R\nBAD\n"); /* the last draft is handed back */
	path = sw_path_join(dir, "requirements.md");
	assert_false(sw_path_exists(path));
	free(path);
	release(&s, &res, dir);
}

static void generate__refine_sends_comment_and_document(void **state)
{
	static const char *const replies[] = {
		"# Requirements Document\n\n### Requirement 2: Other\n",
		"# Requirements Document\n\n### Requirement 1: Login\n\n### Requirement 2: Logout\n",
		NULL,
	};
	struct script s;
	struct gen_phase_result res = GEN_PHASE_RESULT_INIT;
	char *dir;

	SW_UNUSED(state);
	run(replies, 1, "add logout", 0, &s, &res, &dir);
	assert_non_null(strstr(s.sent.v[0], "add logout"));
	assert_non_null(strstr(s.sent.v[0], "~~~~markdown\n# Requirements Document\n\n### Requirement 1: Login\n~~~~"));
	assert_non_null(strstr(s.sent.v[0], "Keep existing IDs stable"));
	assert_non_null(strstr(s.sent.v[1], "requirement 1 lost its title"));
	assert_int_equal(res.repairs, 1);
	release(&s, &res, dir);
}

static void generate__agent_failure_propagates(void **state)
{
	static const char *const replies[] = { NULL };
	struct script s;
	struct gen_phase_result res = GEN_PHASE_RESULT_INIT;
	char *dir;

	SW_UNUSED(state);
	run(replies, 2, NULL, SW_EPROTO, &s, &res, &dir);
	assert_false(res.written);
	release(&s, &res, dir);
}

static void generate__extract_cases(void **state)
{
	static const struct {
		const char *reply, *want;
	} cases[] = {
		{ "# A\n\ntext\n", "# A\n\ntext\n" },
		{ "\n\n# A\ntext", "# A\ntext\n" },
		{ "Sure! Here it is.\n\n# A\n\nx\n", "# A\n\nx\n" },
		{ "```markdown\n# A\n```\n", "# A\n" },
		{ "Intro\n```md\n# T\n\n```json\n{\"waves\":[]}\n```\n\n## Notes\n```\nThanks\n",
		  "# T\n\n```json\n{\"waves\":[]}\n```\n\n## Notes\n" },
		{ "````markdown\n# T\n```json\n{}\n```\n````\n", "# T\n```json\n{}\n```\n" },
		{ "```\n# A\nb\n```\n", "# A\nb\n" },
		{ "no heading at all\n", "no heading at all\n" },
		{ "~~~markdown\n# X\n~~~", "# X\n" },
	};
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++) {
		struct sw_buf b = SW_BUF_INIT;
		struct sw_error err = SW_ERROR_INIT;

		assert_sw_ok(gen_extract(&b, cases[i].reply, strlen(cases[i].reply), &err), &err);
		if (strcmp(b.ptr, cases[i].want))
			fail_msg("case %zu: got [%s], want [%s]", i, b.ptr, cases[i].want);
		sw_buf_release(&b);
	}
	{
		struct sw_buf b = SW_BUF_INIT;
		struct sw_error err = SW_ERROR_INIT;

		assert_sw_fails(gen_extract(&b, " \n\n", 3, &err), SW_EPROTO, &err);
		assert_sw_fails(gen_extract(&b, "```markdown\n\n```\n", 17, &err), SW_EPROTO, &err);
		sw_buf_release(&b);
	}
}

static void generate__prompts_are_embedded_and_render(void **state)
{
	static const char *const names[] = { "system", "requirements", "bugfix", "design", "tasks",
					     "refine", "repair", "steering" };
	const char *const vars[] = { "spec", "auth", "file", "x.md", NULL };
	size_t i, n;
	const struct prompt_info *all = prompts_list(&n);
	char *r;

	SW_UNUSED(state);
	assert_true(n >= SW_ARRAY_SIZE(names));
	for (i = 0; i < SW_ARRAY_SIZE(names); i++) {
		const struct prompt_info *p = prompts_get(names[i]);

		assert_non_null(p);
		assert_true(p->len > 100);
		assert_int_equal(strlen(p->text), p->len);
	}
	assert_true(all[0].len > 0);
	assert_null(prompts_get("nope"));
	r = prompts_render("a {{spec}} b {{file}}{{spec}} {{unknown}} {{", vars);
	assert_string_equal(r, "a auth b x.mdauth {{unknown}} {{");
	free(r);
	assert_non_null(strstr(prompts_get("requirements")->text, "#### Acceptance Criteria"));
	assert_non_null(strstr(prompts_get("tasks")->text, "## Task Dependency Graph"));
}

static char *demo(const char *name)
{
	struct sw_buf b = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *p = sw_path_join("tests/model-server/demo", name);

	assert_sw_ok(sw_read_file(&b, p, 1 << 20, &err), &err);
	free(p);
	return sw_buf_detach(&b, NULL);
}

static void print_diags(const struct sw_diags *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		print_message("  %s:%d:%d: %s [%s]\n", d->v[i].path, d->v[i].line, d->v[i].col, d->v[i].msg,
			      d->v[i].code);
}

static int has_msg(const struct sw_diags *d, const char *msg)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (strstr(d->v[i].msg, msg))
			return 1;
	return 0;
}

/* The specs engine's checks, through gen_check, on the demo documents and broken copies. */
static void generate__check_uses_the_specs_engine(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	char *dir = sw_test_tmpdir(), *req = demo("requirements.md"), *design = demo("design.md");
	char *tasks = demo("tasks.md"), *bad, *p;
	const char *disp = ".kiro/specs/todo/requirements.md";

	SW_UNUSED(state);
	/* 1. the demo requirements pass on their own */
	assert_sw_ok(gen_check(&d, REVIEW_DOC_REQUIREMENTS, req, strlen(req), dir, disp, NULL, &err), &err);
	if (d.errors)
		print_diags(&d);
	assert_int_equal(d.errors, 0);
	sw_diags_release(&d);

	/* 2. a criterion without SHALL is an error at its line */
	bad = sw_xstrdup(req);
	p = strstr(bad, "THE Todo_CLI SHALL store the due date");
	memcpy(p, "the program keeps the due date      ", 36);
	assert_sw_ok(gen_check(&d, REVIEW_DOC_REQUIREMENTS, bad, strlen(bad), dir, disp, NULL, &err), &err);
	assert_true(d.errors >= 1);
	assert_string_equal(d.v[0].path, disp);
	assert_int_equal(d.v[0].line, 23);
	sw_diags_release(&d);
	free(bad);

	/* 3. with requirements and design on disk, tasks that leave criteria uncovered fail */
	sw_test_write(dir, "requirements.md", req);
	sw_test_write(dir, "design.md", design);
	assert_sw_ok(gen_check(&d, REVIEW_DOC_TASKS, tasks, strlen(tasks), dir, ".kiro/specs/todo/tasks.md",
			       NULL, &err), &err);
	if (d.errors)
		print_diags(&d);
	assert_int_equal(d.errors, 0);
	sw_diags_release(&d);
	bad = sw_xstrdup(tasks);
	p = strstr(bad, "_Requirements: 2.1, 2.2, 2.3_");
	memcpy(p, "_Requirements: 2.1, 2.3, 2.3_", 29);
	assert_sw_ok(gen_check(&d, REVIEW_DOC_TASKS, bad, strlen(bad), dir, ".kiro/specs/todo/tasks.md", NULL,
			       &err), &err);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].code, "trace-uncovered");
	assert_string_equal(d.v[0].path, ".kiro/specs/todo/requirements.md");
	assert_non_null(strstr(d.v[0].msg, "2.2"));
	sw_diags_release(&d);
	free(bad);

	/* 4. a refinement that renumbers requirements fails; one that appends passes */
	bad = sw_xstrdup(req);
	p = strstr(bad, "### Requirement 1: Add items");
	memcpy(p, "### Requirement 1: Undo items", 29);
	assert_sw_ok(gen_check(&d, REVIEW_DOC_REQUIREMENTS, bad, strlen(bad), dir, disp, req, &err), &err);
	assert_int_equal(d.errors, 0); /* a rename is allowed */
	sw_diags_release(&d);
	free(bad);
	{
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_adds(&b, req);
		p = strstr(b.ptr, "### Requirement 3: Complete items");
		{
			static const char ins[] = "### Requirement 3: Undo\n\n#### Acceptance Criteria\n\n"
						  "1. THE Todo_CLI SHALL undo\n\n";

			sw_buf_splice(&b, (size_t)(p - b.ptr), 0, ins, sizeof(ins) - 1);
		}
		p = strstr(b.ptr, "### Requirement 3: Complete items");
		memcpy(p + 16, "4", 1);
		assert_sw_ok(gen_check(&d, REVIEW_DOC_REQUIREMENTS, b.ptr, b.len, dir, disp, req, &err), &err);
		print_diags(&d);
		assert_true(d.errors >= 1);
		assert_true(has_msg(&d, "requirement 3 ('Complete items') was renumbered to 4"));
		sw_diags_release(&d);
		sw_buf_release(&b);
	}
	free(req);
	free(design);
	free(tasks);
	sw_test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generate__repair_loop_fixes_and_writes),
		cmocka_unit_test(generate__unfixable_fails_and_writes_nothing),
		cmocka_unit_test(generate__refine_sends_comment_and_document),
		cmocka_unit_test(generate__agent_failure_propagates),
		cmocka_unit_test(generate__extract_cases),
		cmocka_unit_test(generate__prompts_are_embedded_and_render),
		cmocka_unit_test(generate__check_uses_the_specs_engine),
	};
	return sw_run_group("generate", tests);
}
