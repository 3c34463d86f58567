/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The specs tool set driven through an MCP session over a temporary
 * workspace with real spec files: listing, reading documents, requirements
 * and tasks, lint, trace, next, the one writing tool (checked byte by byte
 * against the file), spec documents as resources, the generation prompts,
 * and a table of hostile spec names that must be refused.  The server has
 * a loop, so the reading tools run on its thread pool; a second session
 * is answered while one lints a large spec.
 */
#include "helpers/sw_test.h"
#include "helpers/mcp_fx.h"
#include "base/fs.h"
#include "base/json.h"
#include "mcp/server.h"
#include "mcp/tools_specs.h"
#include "specs-engine/prompts.h"
#include "specs-engine/spec.h"

#include <sys/stat.h>
#include <unistd.h>

static const char requirements_md[] =
	"# Requirements Document\n\n## Introduction\n\nNotes.\n\n## Requirements\n\n"
	"### Requirement 1: Create notes\n\n**User Story:** As a user, I want notes, so that I remember.\n\n"
	"#### Acceptance Criteria\n\n"
	"1. WHEN the user saves a note, THE Notes_Service SHALL store it.\n"
	"2. THE Notes_Service SHALL list notes.\n\n"
	"### Requirement 2: Delete notes\n\n**User Story:** As a user, I want to delete notes, so that I tidy up.\n\n"
	"#### Acceptance Criteria\n\n"
	"1. WHEN the user deletes a note, THE Notes_Service SHALL remove it.\n"
	"2. WHEN the user undoes a delete, THE Notes_Service SHALL restore it.\n";

/* CRLF line endings on purpose: the status edit must keep them. */
static const char tasks_md[] =
	"# Implementation Plan\r\n\r\n"
	"- [ ] 1. Set up the store\r\n  - Create the schema\r\n  - _Requirements: 1.1_\r\n\r\n"
	"- [-] 2. Notes API\r\n"
	"- [x] 2.1 Save endpoint\r\n  - _Requirements: 1.1, 1.2_\r\n"
	"- [ ] 2.2 Delete endpoint\r\n  - _Requirements: 2.1, 9.9_\r\n";

static const char broken_req_md[] =
	"# Requirements Document\n\n## Requirements\n\n### Requirement 1: Broken\n\n"
	"#### Acceptance Criteria\n\n1. The system stores notes quickly.\n";

struct fx {
	struct sw_mcp_fx mcp;
	uv_loop_t loop;
	char *root;
};

static void fx_start(struct fx *f)
{
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_specs_opts so = MCP_SPECS_OPTS_INIT;
	struct mcp_toolset *set = NULL;

	memset(f, 0, sizeof(*f));
	f->root = sw_test_tmpdir();
	sw_test_write(f->root, ".kiro/specs/notes/requirements.md", requirements_md);
	sw_test_write(f->root, ".kiro/specs/notes/tasks.md", tasks_md);
	sw_test_write(f->root, ".kiro/specs/broken/requirements.md", broken_req_md);
	sw_test_write(f->root, "outside/requirements.md", requirements_md);
	so.root = f->root;
	assert_sw_ok(mcp_specs_toolset_new(&set, &so, &err), &err);
	uv_loop_init(&f->loop);
	sw_mcp_fx_start(&f->mcp, &f->loop, set);
}

static void fx_stop(struct fx *f)
{
	sw_mcp_fx_stop(&f->mcp);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	sw_test_rmtree(f->root);
	free(f->root);
}

/* Sends request @method with @params (JSON text or NULL); returns the response (borrowed). */
static const cJSON *rpc(struct fx *f, const char *method, const char *params)
{
	return sw_mcp_fx_rpc(&f->mcp, method, params);
}

static int err_code(const cJSON *r)
{
	const cJSON *e = cJSON_GetObjectItem(r, "error");

	if (!e)
		fail_msg("expected an error, got %s", cJSON_PrintUnformatted(r));
	return (int)cJSON_GetObjectItem(e, "code")->valuedouble;
}

static const char *err_msg(const cJSON *r)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(r, "error"), "message")->valuestring;
}

/* tools/call @name with @args (JSON text); returns the result object (borrowed). */
static const cJSON *call(struct fx *f, const char *name, const char *args)
{
	return sw_mcp_fx_call(&f->mcp, name, args);
}

/* The structured content of a successful call; its text block must be the same JSON. */
static const cJSON *ok(const cJSON *res)
{
	const cJSON *sc = cJSON_GetObjectItem(res, "structuredContent");
	cJSON *again = NULL;
	struct sw_error err = SW_ERROR_INIT;

	if (sw_mcp_is_error(res))
		fail_msg("unexpected isError: %s", sw_mcp_text0(res));
	assert_non_null(sc);
	assert_sw_ok(sw_json_parse(&again, sw_mcp_text0(res), strlen(sw_mcp_text0(res)), &err), &err);
	assert_true(cJSON_Compare(again, sc, 1));
	cJSON_Delete(again);
	return sc;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	if (!cJSON_IsString(v))
		fail_msg("'%s' is not a string in %s", key, cJSON_PrintUnformatted(o));
	return v->valuestring;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	if (!cJSON_IsNumber(v))
		fail_msg("'%s' is not a number in %s", key, cJSON_PrintUnformatted(o));
	return v->valuedouble;
}

static const cJSON *named(const cJSON *arr, const char *key, const char *value)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
		if (!strcmp(str(e, key), value))
			return e;
	fail_msg("no entry with %s '%s'", key, value);
	return NULL;
}

static char *read_text(const char *root, const char *rel, size_t *len)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	char *p = sw_path_join(root, rel);

	assert_sw_ok(sw_read_file(&b, p, 1 << 20, &err), &err);
	free(p);
	return sw_buf_detach(&b, len);
}

static void mcp_specs__lists_specs_with_documents_and_counts(void **state)
{
	struct fx f;
	const cJSON *sc, *notes, *broken, *files;

	SW_UNUSED(state);
	fx_start(&f);
	sc = ok(call(&f, "spec_list", "{}"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "specs")), 2);
	notes = named(cJSON_GetObjectItem(sc, "specs"), "name", "notes");
	assert_string_equal(str(notes, "type"), "feature");
	assert_string_equal(str(notes, "path"), ".kiro/specs/notes");
	files = cJSON_GetObjectItem(notes, "files");
	assert_string_equal(str(files, "requirements"), ".kiro/specs/notes/requirements.md");
	assert_string_equal(str(files, "tasks"), ".kiro/specs/notes/tasks.md");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(files, "design")));
	assert_int_equal((int)num(cJSON_GetObjectItem(notes, "tasks"), "total"), 4);
	assert_int_equal((int)num(cJSON_GetObjectItem(notes, "tasks"), "done"), 1);
	assert_int_equal((int)num(cJSON_GetObjectItem(notes, "tasks"), "doing"), 1);
	assert_int_equal((int)num(notes, "requirements"), 2);
	assert_int_equal((int)num(notes, "criteria"), 4);
	broken = named(cJSON_GetObjectItem(sc, "specs"), "name", "broken");
	assert_true(num(broken, "errors") >= 1);
	assert_int_equal((int)num(cJSON_GetObjectItem(broken, "tasks"), "total"), 0);
	fx_stop(&f);
}

static void mcp_specs__reads_documents_requirements_criteria_and_tasks(void **state)
{
	struct fx f;
	const cJSON *sc, *o;

	SW_UNUSED(state);
	fx_start(&f);
	sc = ok(call(&f, "spec_read", "{\"spec\":\"notes\",\"document\":\"requirements\"}"));
	assert_string_equal(str(sc, "kind"), "document");
	assert_string_equal(str(sc, "text"), requirements_md);
	assert_string_equal(str(sc, "path"), ".kiro/specs/notes/requirements.md");
	sc = ok(call(&f, "spec_read", "{\"spec\":\"notes\",\"document\":\"tasks\"}"));
	assert_string_equal(str(sc, "text"), tasks_md);

	sc = ok(call(&f, "spec_read", "{\"spec\":\"notes\",\"requirement\":\"2\"}"));
	assert_string_equal(str(sc, "kind"), "requirement");
	assert_int_equal((int)num(sc, "line"), 18);
	o = cJSON_GetObjectItem(sc, "requirement");
	assert_string_equal(str(o, "title"), "Delete notes");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "criteria")), 2);
	assert_true(sw_starts_with(str(sc, "source"), "### Requirement 2: Delete notes\n"));
	assert_non_null(strstr(str(sc, "source"), "SHALL restore it."));

	sc = ok(call(&f, "spec_read", "{\"spec\":\"notes\",\"requirement\":\"1.2\"}"));
	assert_string_equal(str(sc, "kind"), "criterion");
	o = cJSON_GetObjectItem(sc, "criterion");
	assert_string_equal(str(o, "text"), "THE Notes_Service SHALL list notes.");
	assert_string_equal(str(o, "ears"), "ubiquitous");
	assert_int_equal((int)num(sc, "line"), 16);

	sc = ok(call(&f, "spec_read", "{\"spec\":\"notes\",\"task\":\"2.1\"}"));
	assert_string_equal(str(sc, "kind"), "task");
	assert_int_equal((int)num(sc, "line"), 8);
	assert_string_equal(str(sc, "source"), "- [x] 2.1 Save endpoint\r\n  - _Requirements: 1.1, 1.2_");
	o = cJSON_GetObjectItem(sc, "task");
	assert_string_equal(str(o, "status"), "done");
	assert_string_equal(str(o, "parent"), "2");
	sc = ok(call(&f, "spec_read", "{\"spec\":\"notes\",\"task\":\"1\"}"));
	assert_non_null(strstr(str(sc, "source"), "Create the schema"));
	fx_stop(&f);
}

static void mcp_specs__names_what_was_expected_for_unknown_input(void **state)
{
	static const struct {
		const char *tool, *args, *want;
	} cases[] = {
		{ "spec_read", "{\"spec\":\"notse\",\"task\":\"1\"}", "no spec 'notse' under .kiro/specs (available: 'broken', 'notes')" },
		{ "spec_read", "{\"spec\":\"notes\",\"task\":\"7.7\"}", "has no task '7.7' (expected a task id such as '2.1'; tasks: 1, 2, 2.1, 2.2)" },
		{ "spec_read", "{\"spec\":\"notes\",\"requirement\":\"9\"}", "has no requirement or criterion '9'" },
		{ "spec_read", "{\"spec\":\"notes\",\"document\":\"design\"}", "spec 'notes' has no design.md (it has: requirements.md, tasks.md)" },
		{ "spec_read", "{\"spec\":\"notes\",\"document\":\"readme\"}", "unknown document 'readme' (expected requirements, bugfix, design or tasks)" },
		{ "spec_read", "{\"spec\":\"notes\"}", "expected exactly one of 'document'" },
		{ "spec_read", "{\"spec\":\"notes\",\"task\":\"1\",\"requirement\":\"1\"}", "expected exactly one of" },
		{ "spec_read", "{\"spec\":7}", "argument 'spec' must be of type string" },
		{ "spec_read", "{\"task\":\"1\"}", "missing required argument 'spec'" },
		{ "spec_trace", "{\"spec\":\"nope\"}", "no spec 'nope'" },
		{ "spec_next", "{\"spec\":\"broken\"}", "spec 'broken' has no tasks.md yet" },
		{ "spec_lint", "{\"spec\":\"nope\"}", "no spec 'nope'" },
		{ "spec_set_task_status", "{\"spec\":\"notes\",\"task\":\"2.1\",\"status\":\"finished\"}",
		  "unknown status 'finished' (expected not_started, queued, in_progress or done)" },
		{ "spec_set_task_status", "{\"spec\":\"notes\",\"task\":\"2.9\",\"status\":\"done\"}", "2.9" },
	};
	struct fx f;
	size_t i;
	char *before, *after;

	SW_UNUSED(state);
	fx_start(&f);
	before = read_text(f.root, ".kiro/specs/notes/tasks.md", NULL);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++) {
		const cJSON *res = call(&f, cases[i].tool, cases[i].args);

		if (!sw_mcp_is_error(res))
			fail_msg("%s %s: expected isError", cases[i].tool, cases[i].args);
		if (!strstr(sw_mcp_text0(res), cases[i].want))
			fail_msg("%s %s: '%s' does not say '%s'", cases[i].tool, cases[i].args, sw_mcp_text0(res), cases[i].want);
		assert_null(cJSON_GetObjectItem(res, "structuredContent"));
	}
	after = read_text(f.root, ".kiro/specs/notes/tasks.md", NULL);
	assert_string_equal(before, after);
	free(before);
	free(after);
	fx_stop(&f);
}

static void mcp_specs__refuses_hostile_spec_names(void **state)
{
	static const char *const bad[] = {
		"../x", "..", ".", "a/b", "notes/../notes", "/etc", "/tmp", ".kiro", ".hidden", "",
		"a\\\\b", "x\\ty", "\\u001b[31m", "../../../../etc/passwd", "notes/", "evil",
	};
	static const char *const tools[] = { "spec_read", "spec_trace", "spec_next", "spec_lint", "spec_set_task_status" };
	struct sw_error err = SW_ERROR_INIT;
	struct fx f;
	struct sw_buf b = SW_BUF_INIT;
	char *link, *target, *before, *after, *listed;
	size_t i, k;

	SW_UNUSED(state);
	fx_start(&f);
	/* a spec folder that is a link leading outside the workspace */
	link = sw_path_join(f.root, ".kiro/specs/evil");
	target = sw_path_join(f.root, "outside");
	assert_int_equal(symlink(target, link), 0);
	before = read_text(f.root, ".kiro/specs/notes/tasks.md", NULL);
	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		for (k = 0; k < SW_ARRAY_SIZE(tools); k++) {
			const cJSON *res;

			sw_buf_reset(&b);
			sw_buf_addf(&b, "{\"spec\":\"%s\"%s}", bad[i],
				    !strcmp(tools[k], "spec_read") ? ",\"document\":\"requirements\""
				    : !strcmp(tools[k], "spec_set_task_status") ? ",\"task\":\"1\",\"status\":\"done\"" : "");
			res = call(&f, tools[k], b.ptr);
			if (!sw_mcp_is_error(res))
				fail_msg("%s: spec name '%s' was not refused", tools[k], bad[i]);
			if (!strstr(sw_mcp_text0(res), "refused spec name") && !strstr(sw_mcp_text0(res), "expected a spec name"))
				fail_msg("%s '%s': unclear message '%s'", tools[k], bad[i], sw_mcp_text0(res));
		}
	}
	/* the linked folder is not listed either, and nothing was written */
	listed = cJSON_PrintUnformatted(ok(call(&f, "spec_list", "{}")));
	assert_null(strstr(listed, "evil"));
	free(listed);
	after = read_text(f.root, ".kiro/specs/notes/tasks.md", NULL);
	assert_string_equal(before, after);
	/* the name gate itself sees a NUL byte within the given length */
	assert_sw_fails(mcp_specs_check_name("notes\0/../x", 11, &err), SW_EINVAL, &err);
	assert_non_null(strstr(err.msg, "NUL"));
	sw_error_clear(&err);
	assert_sw_ok(mcp_specs_check_name("notes", 5, &err), &err);
	free(before);
	free(after);
	free(link);
	free(target);
	sw_buf_release(&b);
	fx_stop(&f);
}

static void mcp_specs__lint_matches_the_engine(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct fx f;
	struct spec *s = NULL;
	char *dir;
	const cJSON *sc, *d, *g;
	int errors = 0;

	SW_UNUSED(state);
	fx_start(&f);
	dir = sw_path_join(f.root, ".kiro/specs/broken");
	assert_sw_ok(spec_load(&s, dir, f.root, &err), &err);
	sc = ok(call(&f, "spec_lint", "{\"spec\":\"broken\"}"));
	assert_int_equal((int)num(sc, "errors"), (int)s->diags.errors);
	assert_int_equal((int)num(sc, "warnings"), (int)s->diags.warnings);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "diagnostics")), (int)s->diags.nr);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(sc, "ok")));
	d = cJSON_GetObjectItem(sc, "diagnostics");
	cJSON_ArrayForEach(g, d) {
		assert_string_equal(str(g, "path"), ".kiro/specs/broken/requirements.md");
		assert_true(num(g, "line") > 0 && num(g, "col") > 0);
		str(g, "code");
		str(g, "message");
		if (!strcmp(str(g, "severity"), "error"))
			errors++;
	}
	assert_int_equal(errors, (int)s->diags.errors);
	assert_non_null(named(d, "code", "ears-no-shall"));

	/* errors_only lists only errors; all specs add up */
	sc = ok(call(&f, "spec_lint", "{\"spec\":\"broken\",\"errors_only\":true}"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "diagnostics")), (int)s->diags.errors);
	sc = ok(call(&f, "spec_lint", "{}"));
	assert_int_equal((int)num(sc, "specs"), 2);
	/* notes names criterion 9.9, which does not exist */
	assert_int_equal((int)num(sc, "errors"), (int)s->diags.errors + 1);
	assert_non_null(named(cJSON_GetObjectItem(sc, "diagnostics"), "code", "trace-unknown-criterion"));
	spec_free(s);
	free(dir);
	fx_stop(&f);
}

/* A FOR ALL criterion is a property, linked to the correctness property that validates it. */
static void mcp_specs__property_criteria(void **state)
{
	struct fx f;
	const cJSON *sc, *o, *row;

	SW_UNUSED(state);
	fx_start(&f);
	sw_test_write(f.root, ".kiro/specs/codec/requirements.md",
		      "# Requirements\n\n### Requirement 1: Codec\n\n#### Acceptance Criteria\n\n"
		      "1. WHEN a record is saved, THE Codec SHALL encode it\n"
		      "2. FOR ALL valid records, encoding then decoding SHALL produce an equal record\n");
	sw_test_write(f.root, ".kiro/specs/codec/design.md",
		      "# Design\n\n## Correctness Properties\n\n### Property 1: Round trip\n\n"
		      "*For any* valid record, decode(encode(r)) equals r.\n\n**Validates: Requirements 1.2**\n");
	sc = ok(call(&f, "spec_read", "{\"spec\":\"codec\",\"requirement\":\"1.2\"}"));
	o = cJSON_GetObjectItem(sc, "criterion");
	assert_string_equal(str(o, "ears"), "property");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "properties"), 0)->valuestring, "1");
	sc = ok(call(&f, "spec_trace", "{\"spec\":\"codec\"}"));
	row = named(cJSON_GetObjectItem(sc, "rows"), "criterion", "1.2");
	assert_string_equal(str(row, "ears"), "property");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(row, "properties")), 1);
	sc = ok(call(&f, "spec_lint", "{\"spec\":\"codec\"}"));
	assert_int_equal((int)num(sc, "errors"), 0);
	fx_stop(&f);
}

static void mcp_specs__trace_and_next(void **state)
{
	struct fx f;
	const cJSON *sc, *row, *dang, *ready;

	SW_UNUSED(state);
	fx_start(&f);
	sc = ok(call(&f, "spec_trace", "{\"spec\":\"notes\"}"));
	assert_string_equal(str(sc, "spec"), "notes");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(sc, "rows")), 4);
	row = named(cJSON_GetObjectItem(sc, "rows"), "criterion", "1.1");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(row, "tasks")), 2);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "uncovered"), 0)->valuestring, "2.2");
	dang = cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "dangling"), 0);
	assert_string_equal(str(dang, "ref"), "9.9");
	assert_string_equal(str(dang, "owner"), "2.2");

	sc = ok(call(&f, "spec_next", "{\"spec\":\"notes\"}"));
	ready = cJSON_GetObjectItem(sc, "ready");
	/* 1 has nothing before it; 2.2 waits only for 2.1, which is done */
	assert_int_equal(cJSON_GetArraySize(ready), 2);
	assert_string_equal(str(cJSON_GetArrayItem(ready, 0), "id"), "1");
	assert_string_equal(str(cJSON_GetArrayItem(ready, 1), "id"), "2.2");
	assert_string_equal(str(sc, "source"), "computed");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(sc, "waves"), "computed")), 3);
	fx_stop(&f);
}

static void mcp_specs__set_task_status_changes_only_the_bracket_bytes(void **state)
{
	static const struct {
		const char *task, *status;
		char mark;
	} steps[] = { { "2.2", "in_progress", '-' }, { "2.2", "done", 'x' }, { "1", "in_progress", '-' },
		      { "1", "not_started", ' ' }, { "2.1", "queued", '~' } };
	struct fx f;
	size_t i, k;

	SW_UNUSED(state);
	fx_start(&f);
	for (i = 0; i < SW_ARRAY_SIZE(steps); i++) {
		struct sw_buf args = SW_BUF_INIT;
		size_t blen, alen, ndiff = 0;
		char *before = read_text(f.root, ".kiro/specs/notes/tasks.md", &blen), *after;
		const cJSON *sc, *ch;

		sw_buf_addf(&args, "{\"spec\":\"notes\",\"task\":\"%s\",\"status\":\"%s\"}", steps[i].task, steps[i].status);
		sc = ok(call(&f, "spec_set_task_status", args.ptr));
		assert_string_equal(str(sc, "path"), ".kiro/specs/notes/tasks.md");
		after = read_text(f.root, ".kiro/specs/notes/tasks.md", &alen);
		assert_int_equal(blen, alen);
		/* every byte that changed is a bracket character the result names */
		for (k = 0; k < alen; k++) {
			if (before[k] == after[k])
				continue;
			ndiff++;
			assert_true(k > 0 && before[k - 1] == '[' && after[k + 1] == ']');
		}
		assert_int_equal(ndiff, (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(sc, "changes")));
		ch = named(cJSON_GetObjectItem(sc, "changes"), "id", steps[i].task);
		{
			const char *line = after;
			int l;

			for (l = 1; l < (int)num(ch, "line"); l++)
				line = strchr(line, '\n') + 1;
			assert_int_equal(line[(int)num(ch, "col") - 1], steps[i].mark);
		}
		/* re-reading through the tool agrees with the file */
		sw_buf_reset(&args);
		sw_buf_addf(&args, "{\"spec\":\"notes\",\"task\":\"%s\"}", steps[i].task);
		sc = ok(call(&f, "spec_read", args.ptr));
		assert_int_equal(str(cJSON_GetObjectItem(sc, "task"), "mark")[0], steps[i].mark);
		free(before);
		free(after);
		sw_buf_release(&args);
	}
	/* parent 2 followed its children (done while both were, in progress again once 2.1 was
	 * queued); the CRLF endings are all still there */
	{
		char *t = read_text(f.root, ".kiro/specs/notes/tasks.md", NULL);

		assert_non_null(strstr(t, "- [-] 2. Notes API\r\n"));
		assert_non_null(strstr(t, "- [ ] 1. Set up the store\r\n"));
		assert_non_null(strstr(t, "- [~] 2.1 Save endpoint\r\n"));
		assert_null(strstr(t, "t\n"));
		free(t);
	}
	/* setting the status it already has changes nothing */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(
				 ok(call(&f, "spec_set_task_status", "{\"spec\":\"notes\",\"task\":\"2.2\",\"status\":\"done\"}")),
				 "changes")), 0);
	fx_stop(&f);
}

static void mcp_specs__tools_list_carries_schemas_and_hints(void **state)
{
	struct fx f;
	const cJSON *tools, *t;
	int n = 0;

	SW_UNUSED(state);
	fx_start(&f);
	tools = cJSON_GetObjectItem(sw_mcp_result(rpc(&f, "tools/list", NULL)), "tools");
	cJSON_ArrayForEach(t, tools) {
		const cJSON *ann = cJSON_GetObjectItem(t, "annotations");
		int writes = !strcmp(str(t, "name"), "spec_set_task_status");

		n++;
		assert_string_equal(str(cJSON_GetObjectItem(t, "inputSchema"), "type"), "object");
		assert_string_equal(str(cJSON_GetObjectItem(t, "outputSchema"), "type"), "object");
		assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(ann, "readOnlyHint")), !writes);
		assert_true(cJSON_IsFalse(cJSON_GetObjectItem(ann, "destructiveHint")));
	}
	assert_int_equal(n, 6);
	fx_stop(&f);
}

static void mcp_specs__serves_spec_documents_as_resources(void **state)
{
	static const char *const bad[] = {
		"spec:///../outside/requirements.md", "spec:///evil/requirements.md", "spec:///notes/../../x.md",
		"spec:///notes/README.md", "spec:///notes", "spec:////etc/requirements.md", "spec:///.kiro/tasks.md",
	};
	struct fx f;
	const cJSON *res, *r, *c;
	char *link, *target;
	size_t i;

	SW_UNUSED(state);
	fx_start(&f);
	link = sw_path_join(f.root, ".kiro/specs/evil");
	target = sw_path_join(f.root, "outside");
	assert_int_equal(symlink(target, link), 0);
	res = sw_mcp_result(rpc(&f, "resources/list", NULL));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(res, "resources")), 3);
	r = named(cJSON_GetObjectItem(res, "resources"), "uri", "spec:///notes/tasks.md");
	assert_string_equal(str(r, "mimeType"), "text/markdown");
	named(cJSON_GetObjectItem(res, "resources"), "uri", "spec:///broken/requirements.md");

	res = sw_mcp_result(rpc(&f, "resources/read", "{\"uri\":\"spec:///notes/tasks.md\"}"));
	c = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "contents"), 0);
	assert_string_equal(str(c, "uri"), "spec:///notes/tasks.md");
	assert_string_equal(str(c, "mimeType"), "text/markdown");
	assert_string_equal(str(c, "text"), tasks_md);

	res = sw_mcp_result(rpc(&f, "resources/templates/list", NULL));
	assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "resourceTemplates"), 0), "uriTemplate"),
			    "spec:///{spec}/{document}");

	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		struct sw_buf p = SW_BUF_INIT;
		const cJSON *e;

		sw_buf_addf(&p, "{\"uri\":\"%s\"}", bad[i]);
		e = rpc(&f, "resources/read", p.ptr);
		if (!cJSON_GetObjectItem(e, "error"))
			fail_msg("resource '%s' was served", bad[i]);
		sw_buf_release(&p);
	}
	assert_int_equal(err_code(rpc(&f, "resources/read", "{\"uri\":\"spec:///notes/design.md\"}")), -32002);
	assert_int_equal(err_code(rpc(&f, "resources/read", "{\"uri\":\"spec:///notes/b/tasks.md\"}")), -32602);
	assert_non_null(strstr(err_msg(rpc(&f, "resources/read", "{\"uri\":\"spec:///../x/tasks.md\"}")), "refused spec name"));
	free(link);
	free(target);
	fx_stop(&f);
}

static void mcp_specs__serves_the_generation_prompts(void **state)
{
	struct fx f;
	const cJSON *res, *p, *a, *caps;
	size_t n;
	const char *text;

	SW_UNUSED(state);
	fx_start(&f);
	caps = cJSON_GetObjectItem(sw_mcp_result(rpc(&f, "initialize",
					       "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
					       "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}")), "capabilities");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(caps, "prompts"), "listChanged")));
	assert_non_null(cJSON_GetObjectItem(caps, "resources"));

	res = sw_mcp_result(rpc(&f, "prompts/list", NULL));
	prompts_list(&n);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(res, "prompts")), (int)n);
	p = named(cJSON_GetObjectItem(res, "prompts"), "name", "refine");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(p, "arguments")), 3);
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(p, "arguments"))
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(a, "required")));
	named(cJSON_GetObjectItem(p, "arguments"), "name", "comment");
	p = named(cJSON_GetObjectItem(res, "prompts"), "name", "repair");
	named(cJSON_GetObjectItem(p, "arguments"), "name", "diagnostics");
	p = named(cJSON_GetObjectItem(res, "prompts"), "name", "requirements");
	a = named(cJSON_GetObjectItem(p, "arguments"), "name", "request");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(a, "required")));

	res = sw_mcp_result(rpc(&f, "prompts/get",
			 "{\"name\":\"refine\",\"arguments\":{\"spec\":\"notes\",\"file\":\"tasks.md\",\"comment\":\"split task 2\"}}"));
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "messages"), 0);
	assert_string_equal(str(p, "role"), "user");
	text = str(cJSON_GetObjectItem(p, "content"), "text");
	assert_non_null(strstr(text, "Revise `tasks.md` of spec \"notes\""));
	assert_non_null(strstr(text, "split task 2"));
	assert_null(strstr(text, "{{"));

	res = sw_mcp_result(rpc(&f, "prompts/get", "{\"name\":\"requirements\",\"arguments\":{\"request\":\"a notes app\"}}"));
	text = str(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "messages"), 0), "content"), "text");
	assert_true(sw_starts_with(text, prompts_get("requirements")->text));
	assert_non_null(strstr(text, "## The request\n\na notes app\n"));

	res = sw_mcp_result(rpc(&f, "prompts/get", "{\"name\":\"steering\",\"arguments\":{\"file\":\"tech.md\",\"what\":\"tech\"}}"));
	text = str(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(res, "messages"), 0), "content"), "text");
	assert_non_null(strstr(text, prompts_get("steering-tech")->text));

	assert_int_equal(err_code(rpc(&f, "prompts/get", "{\"name\":\"refine\",\"arguments\":{\"spec\":\"notes\"}}")), -32602);
	assert_non_null(strstr(err_msg(rpc(&f, "prompts/get", "{\"name\":\"refine\",\"arguments\":{\"spec\":\"notes\"}}")),
			       "needs argument 'file'"));
	assert_int_equal(err_code(rpc(&f, "prompts/get", "{\"name\":\"nosuch\"}")), -32602);
	assert_non_null(strstr(err_msg(rpc(&f, "prompts/get", "{\"name\":\"system\",\"arguments\":{\"spec\":\"x\",\"y\":\"z\"}}")),
			       "has no argument 'y' (expected: 'spec')"));
	assert_non_null(strstr(err_msg(rpc(&f, "prompts/get", "{\"name\":\"system\",\"arguments\":{\"spec\":3}}")),
			       "must be a string"));
	fx_stop(&f);
}

static void mcp_specs__needs_a_workspace(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_specs_opts so = MCP_SPECS_OPTS_INIT;
	struct mcp_toolset *set = NULL;
	char *dir = sw_test_tmpdir();

	SW_UNUSED(state);
	assert_int_equal(mcp_specs_toolset_new(&set, &so, &err), SW_ENOTFOUND);
	assert_null(set);
	assert_non_null(strstr(err.msg, "need a workspace"));
	sw_error_clear(&err);
	so.root = dir;
	assert_int_equal(mcp_specs_toolset_new(&set, &so, &err), SW_ENOTFOUND);
	assert_non_null(strstr(err.msg, "has no .kiro folder"));
	sw_error_clear(&err);
	sw_test_rmtree(dir);
	free(dir);
}

/* Every spec tool refuses a document linked outside the workspace, with one message, and reads none of it. */
static void mcp_specs__documents_linked_outside_are_refused_by_every_tool(void **state)
{
	static const char *const calls[][2] = {
		{ "spec_next", "{\"spec\":\"linked\"}" },
		{ "spec_read", "{\"spec\":\"linked\",\"document\":\"tasks\"}" },
		{ "spec_read", "{\"spec\":\"linked\",\"task\":\"1\"}" },
		{ "spec_lint", "{\"spec\":\"linked\"}" },
		{ "spec_trace", "{\"spec\":\"linked\"}" },
		{ "spec_set_task_status", "{\"spec\":\"linked\",\"task\":\"1\",\"status\":\"done\"}" },
	};
	static const char secret_md[] = "# Implementation Plan\n\n- [ ] 1. OUTSIDE-SECRET\n";
	struct fx f;
	char *out = sw_test_tmpdir(), *secret = sw_path_join(out, "tasks.md"), *link, *after;
	const cJSON *res, *sc, *r, *failed;
	struct stat st;
	size_t i;

	SW_UNUSED(state);
	fx_start(&f);
	sw_test_write(out, "tasks.md", secret_md);
	sw_test_write(f.root, ".kiro/specs/linked/requirements.md", requirements_md);
	link = sw_path_join(f.root, ".kiro/specs/linked/tasks.md");
	assert_int_equal(symlink(secret, link), 0);
	for (i = 0; i < SW_ARRAY_SIZE(calls); i++) {
		const char *msg;

		res = call(&f, calls[i][0], calls[i][1]);
		msg = sw_mcp_text0(res);
		if (!sw_mcp_is_error(res) || !strstr(msg, "'.kiro/specs/linked/tasks.md' resolves outside the workspace (") ||
		    !strstr(msg, "); refused") || strstr(msg, "OUTSIDE-SECRET"))
			fail_msg("%s %s: %s", calls[i][0], calls[i][1], msg);
	}
	/* nothing was written: the link is still a link, the file outside as it was */
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	after = read_text(out, "tasks.md", NULL);
	assert_string_equal(after, secret_md);
	free(after);
	sc = ok(call(&f, "spec_list", "{}"));
	failed = named(cJSON_GetObjectItem(sc, "failed"), "name", "linked");
	assert_non_null(strstr(str(failed, "error"), "resolves outside the workspace"));
	r = rpc(&f, "resources/read", "{\"uri\":\"spec:///linked/tasks.md\"}");
	assert_non_null(strstr(err_msg(r), "resolves outside the workspace"));
	res = sw_mcp_result(rpc(&f, "resources/list", NULL));
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(res, "resources"))
		assert_string_not_equal(str(r, "uri"), "spec:///linked/tasks.md");
	named(cJSON_GetObjectItem(res, "resources"), "uri", "spec:///linked/requirements.md");

	/* a document linked elsewhere inside the workspace is read by every tool alike */
	assert_int_equal(unlink(link), 0);
	sw_test_write(f.root, "docs/plan.md", secret_md);
	assert_int_equal(symlink("../../../docs/plan.md", link), 0);
	sc = ok(call(&f, "spec_read", "{\"spec\":\"linked\",\"document\":\"tasks\"}"));
	assert_string_equal(str(sc, "text"), secret_md);
	sc = ok(call(&f, "spec_next", "{\"spec\":\"linked\"}"));
	assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(sc, "ready"), 0), "id"), "1");
	fx_stop(&f);
	sw_test_rmtree(out);
	free(out);
	free(secret);
	free(link);
}

/* Both sessions' messages, in the order the server sent them: {"session": k, "msg": ...}. */
struct tagged {
	cJSON *log;
	int tag;
};

static void on_send_tagged(void *ctx, cJSON *msg, void *origin, int final)
{
	struct tagged *t = ctx;
	cJSON *e;

	SW_UNUSED(origin);
	SW_UNUSED(final);
	if (!msg)
		return;
	e = cJSON_CreateObject();
	cJSON_AddNumberToObject(e, "session", t->tag);
	cJSON_AddItemToObject(e, "msg", msg);
	cJSON_AddItemToArray(t->log, e);
}

/* Position in @log of session @tag's answer to request @id, or -1. */
static int answer_at(const cJSON *log, int tag, int id)
{
	const cJSON *e;
	int i = 0;

	cJSON_ArrayForEach(e, log) {
		const cJSON *m = cJSON_GetObjectItem(e, "msg"), *mid = cJSON_GetObjectItem(m, "id");

		if ((int)cJSON_GetObjectItem(e, "session")->valuedouble == tag && cJSON_IsNumber(mid) &&
		    mid->valueint == id)
			return i;
		i++;
	}
	return -1;
}

static void handle(struct mcp_session *s, const char *text)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *msg = NULL;

	assert_sw_ok(sw_json_parse(&msg, text, strlen(text), &err), &err);
	mcp_session_handle(s, msg, NULL);
	cJSON_Delete(msg);
}

static void mcp_specs__other_sessions_are_answered_while_a_large_spec_lints(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_specs_opts so = MCP_SPECS_OPTS_INIT;
	struct mcp_server_opts o = MCP_SERVER_OPTS_INIT;
	struct mcp_toolset *set = NULL;
	struct mcp_server *srv = NULL;
	struct mcp_session *a = NULL, *b = NULL;
	struct tagged ta, tb;
	struct sw_buf tasks = SW_BUF_INIT, reqs = SW_BUF_INIT;
	cJSON *log = cJSON_CreateArray();
	const cJSON *res;
	char *root = sw_test_tmpdir();
	uv_loop_t loop;
	int i, lint_at, ping_at, list_at;

	SW_UNUSED(state);
	/* 20000 tasks over 4000 requirements: a parse that takes a while. */
	sw_buf_adds(&reqs, "# Requirements Document\n\n## Requirements\n\n");
	for (i = 1; i <= 4000; i++)
		sw_buf_addf(&reqs, "### Requirement %d: R\n\n#### Acceptance Criteria\n\n"
			    "1. WHEN a record arrives, THE system SHALL store it.\n"
			    "2. THE system SHALL log record %d.\n\n", i, i);
	sw_buf_adds(&tasks, "# Implementation Plan\n\n");
	for (i = 1; i <= 4000; i++) {
		int k;

		sw_buf_addf(&tasks, "- [ ] %d. Group %d\n", i, i);
		for (k = 1; k <= 4; k++)
			sw_buf_addf(&tasks, "  - [ ] %d.%d Part\n    - _Requirements: %d.1, %d.2_\n", i, k, i, i);
	}
	sw_test_write(root, ".kiro/specs/big/requirements.md", reqs.ptr);
	sw_test_write(root, ".kiro/specs/big/tasks.md", tasks.ptr);
	uv_loop_init(&loop);
	so.root = root;
	o.loop = &loop;
	assert_sw_ok(mcp_specs_toolset_new(&set, &so, &err), &err);
	assert_sw_ok(mcp_server_new(&srv, &o, &err), &err);
	assert_sw_ok(mcp_server_add_toolset(srv, set, &err), &err);
	ta.log = tb.log = log;
	ta.tag = 1;
	tb.tag = 2;
	assert_sw_ok(mcp_session_new(&a, srv, on_send_tagged, &ta), &err);
	assert_sw_ok(mcp_session_new(&b, srv, on_send_tagged, &tb), &err);

	/* Session 1 asks for the lint: the call is pending, nothing is sent yet. */
	handle(a, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
		  "\"params\":{\"name\":\"spec_lint\",\"arguments\":{\"spec\":\"big\"}}}");
	assert_int_equal(answer_at(log, 1, 1), -1);
	assert_int_equal(mcp_session_pending(a), 1);
	/* Session 2 is answered at once, before the lint's answer. */
	handle(b, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
	handle(b, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
	ping_at = answer_at(log, 2, 1);
	list_at = answer_at(log, 2, 2);
	assert_true(ping_at >= 0 && list_at >= 0);
	assert_int_equal(answer_at(log, 1, 1), -1);
	/* The loop delivers the lint when the thread pool is done with it. */
	while (answer_at(log, 1, 1) < 0)
		assert_true(uv_run(&loop, UV_RUN_ONCE) || answer_at(log, 1, 1) >= 0);
	lint_at = answer_at(log, 1, 1);
	assert_true(lint_at > ping_at && lint_at > list_at);
	res = sw_mcp_result(cJSON_GetObjectItem(cJSON_GetArrayItem(log, lint_at), "msg"));
	assert_false(sw_mcp_is_error(res));
	assert_int_equal((int)num(cJSON_GetObjectItem(res, "structuredContent"), "specs"), 1);

	mcp_session_free(a);
	mcp_session_free(b);
	mcp_server_free(srv);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	cJSON_Delete(log);
	sw_buf_release(&tasks);
	sw_buf_release(&reqs);
	sw_test_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mcp_specs__lists_specs_with_documents_and_counts),
		cmocka_unit_test(mcp_specs__reads_documents_requirements_criteria_and_tasks),
		cmocka_unit_test(mcp_specs__names_what_was_expected_for_unknown_input),
		cmocka_unit_test(mcp_specs__refuses_hostile_spec_names),
		cmocka_unit_test(mcp_specs__lint_matches_the_engine),
		cmocka_unit_test(mcp_specs__trace_and_next),
		cmocka_unit_test(mcp_specs__property_criteria),
		cmocka_unit_test(mcp_specs__set_task_status_changes_only_the_bracket_bytes),
		cmocka_unit_test(mcp_specs__tools_list_carries_schemas_and_hints),
		cmocka_unit_test(mcp_specs__serves_spec_documents_as_resources),
		cmocka_unit_test(mcp_specs__serves_the_generation_prompts),
		cmocka_unit_test(mcp_specs__needs_a_workspace),
		cmocka_unit_test(mcp_specs__documents_linked_outside_are_refused_by_every_tool),
		cmocka_unit_test(mcp_specs__other_sessions_are_answered_while_a_large_spec_lints),
	};

	return sw_run_group("mcp_specs", tests);
}
