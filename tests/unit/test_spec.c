/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_spec.c - spec folders: discovery, loading with the cross-document
 * lint, single-file lint, status changes under concurrent writers, and
 * large generated documents parsed under an alarm that only a super-linear
 * parser trips.
 */
#include "helpers/sw_test.h"
#include "base/fs.h"
#include "specs-engine/spec.h"
#include "specs-engine/trace.h"
#include "specs-engine/waves.h"

#include <sys/wait.h>
#include <unistd.h>

static const char reqs[] =
	"# Requirements Document\n\n## Requirements\n\n"
	"### Requirement 1: One\n\n#### Acceptance Criteria\n\n"
	"1. WHEN a user saves, THE system SHALL store the note\n"
	"2. THE system SHALL reject empty notes\n"
	"3. THE system SHALL log every save\n";

static const char design[] =
	"# Design\n\n## Correctness Properties\n\n"
	"### Property 1: Round trip\n\n**Validates: Requirements 1.1, 4.4**\n";

static const char tasks[] =
	"# Implementation Plan\n\n"
	"- [ ] 1. Storage\n"
	"  - [ ] 1.1 Save\n"
	"    - _Requirements: 1.1, 9.9_\n"
	"  - [ ]* 1.2 Test\n"
	"    - **Property 7: Missing**\n"
	"    - **Validates: Requirements 1.2**\n"
	"- [ ] 2. Other\n";

static const struct sw_diag *find(const struct spec *s, const char *code, const char *file)
{
	size_t i;

	for (i = 0; i < s->diags.nr; i++)
		if (!strcmp(s->diags.v[i].code, code) && (!file || sw_ends_with(s->diags.v[i].path, file)))
			return &s->diags.v[i];
	for (i = 0; i < s->diags.nr; i++)
		print_message("  have %s %s: %s\n", s->diags.v[i].path, s->diags.v[i].code, s->diags.v[i].msg);
	fail_msg("no diagnostic %s in %s", code, file ? file : "any file");
	return NULL;
}

static char *make_ws(void)
{
	char *dir = sw_test_tmpdir();

	sw_test_write(dir, ".kiro/specs/notes/requirements.md", reqs);
	sw_test_write(dir, ".kiro/specs/notes/design.md", design);
	sw_test_write(dir, ".kiro/specs/notes/tasks.md", tasks);
	sw_test_write(dir, ".kiro/specs/notes/.config.kiro",
		      "{\"specId\": \"x\", \"workflowType\": \"requirements-first\", \"specType\": \"feature\"}");
	sw_test_write(dir, ".kiro/specs/notes/tasks-es.md", "- [ ] 1. Uno\n  - _Requisitos: 1.3_\n");
	sw_test_write(dir, ".kiro/specs/fix/bugfix.md",
		      "# Bugfix\n\n## Bug Analysis\n\n### Current Behavior (Defect)\n\n1.1 WHEN x THEN y breaks\n\n"
		      "### Expected Behavior (Correct)\n\n2.1 WHEN x THEN the system SHALL work\n");
	sw_test_write(dir, ".kiro/plans/old/requirements.md", reqs);
	sw_test_write(dir, ".kiro/specs/empty-folder/notes.txt", "x");
	return dir;
}

static void spec__list_and_resolve(void **state)
{
	char *ws = make_ws(), *kiro = sw_path_join(ws, ".kiro"), *dir = NULL;
	struct sw_strvec v = SW_STRVEC_INIT;
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(state);
	assert_sw_ok(spec_list(&v, kiro, &err), &err);
	assert_int_equal(v.nr, 3);
	assert_string_equal(sw_basename(v.v[0]), "fix");
	assert_string_equal(sw_basename(v.v[1]), "notes");
	assert_string_equal(sw_basename(v.v[2]), "old");
	assert_sw_ok(spec_resolve(&dir, kiro, "old", &err), &err);
	assert_true(sw_ends_with(dir, ".kiro/plans/old"));
	free(dir);
	assert_int_equal(spec_resolve(&dir, kiro, "note", &err), SW_ENOTFOUND);
	assert_string_equal(err.msg, "no spec 'note' (nearest: 'notes')");
	sw_strvec_clear(&v);
	sw_test_rmtree(ws);
	free(kiro);
	free(ws);
}

static void spec__load_lints_across_documents(void **state)
{
	char *ws = make_ws(), *dir = sw_path_join(ws, ".kiro/specs/notes");
	struct sw_error err = SW_ERROR_INIT;
	struct spec *s = NULL;
	const struct sw_diag *d;
	const char *src;
	size_t len;

	SW_UNUSED(state);
	assert_sw_ok(spec_load(&s, dir, ws, &err), &err);
	assert_string_equal(s->name, "notes");
	assert_false(s->bugfix);
	assert_true(s->config.present);
	assert_string_equal(s->config.workflow_type, "requirements-first");
	assert_string_equal(s->req.display, ".kiro/specs/notes/requirements.md");
	assert_int_equal(s->extra.nr, 1);
	assert_string_equal(s->extra.v[0], "tasks-es.md");
	d = find(s, "trace-unknown-criterion", "tasks.md");
	assert_int_equal(d->line, 5);
	assert_int_equal(d->col, 27);
	assert_string_equal(d->msg, "task 1.1 names requirement 9.9, which requirements.md does not have");
	d = find(s, "trace-unknown-criterion", "design.md");
	assert_string_equal(d->msg, "property 1 validates 4.4, which requirements.md does not have");
	find(s, "trace-unknown-property", "tasks.md");
	d = find(s, "trace-uncovered", "requirements.md");
	assert_string_equal(d->msg, "criterion 1.3 is not covered by any task");
	assert_int_equal(s->diags.errors, 2);
	assert_true(spec_source(s, d->path, &src, &len));
	assert_int_equal(len, strlen(reqs));
	spec_free(s);
	free(dir);
	/* A bugfix spec; a folder with nothing in it. */
	dir = sw_path_join(ws, ".kiro/specs/fix");
	assert_sw_ok(spec_load(&s, dir, ws, &err), &err);
	assert_true(s->bugfix);
	assert_int_equal(s->reqs->ncrit, 2);
	assert_int_equal(s->diags.errors, 0);
	spec_free(s);
	free(dir);
	dir = sw_path_join(ws, ".kiro/specs/empty-folder");
	assert_int_equal(spec_load(&s, dir, ws, &err), SW_ENOTFOUND);
	assert_null(s);
	free(dir);
	sw_test_rmtree(ws);
	free(ws);
}

static void spec__single_file_keeps_its_own_findings(void **state)
{
	char *ws = make_ws(), *path = sw_path_join(ws, ".kiro/specs/notes/tasks-es.md");
	struct sw_error err = SW_ERROR_INIT;
	struct spec *s = NULL;
	size_t i;

	SW_UNUSED(state);
	assert_sw_ok(spec_load_file(&s, path, ws, &err), &err);
	/* tasks-es.md pairs with requirements.md (no requirements-es.md); 1.3 exists. */
	for (i = 0; i < s->diags.nr; i++)
		assert_string_equal(s->diags.v[i].path, ".kiro/specs/notes/tasks-es.md");
	assert_int_equal(s->diags.errors, 0);
	assert_int_equal(s->tasks_doc->ntasks, 1);
	spec_free(s);
	free(path);
	path = sw_path_join(ws, ".kiro/specs/empty-folder/notes.txt");
	assert_int_equal(spec_load_file(&s, path, ws, &err), SW_EINVAL);
	free(path);
	sw_test_rmtree(ws);
	free(ws);
}

static void spec__set_task_state_writes_atomically(void **state)
{
	char *ws = make_ws(), *dir = sw_path_join(ws, ".kiro/specs/notes"), *path = sw_path_join(dir, "tasks.md");
	struct sw_error err = SW_ERROR_INIT;
	struct tasks_change *ch = NULL;
	struct sw_buf b = SW_BUF_INIT;
	size_t n;

	SW_UNUSED(state);
	assert_sw_ok(spec_set_task_state(dir, "1.1", TASKS_DONE, &ch, &n, &err), &err);
	assert_int_equal(n, 2);
	free(ch);
	assert_sw_ok(sw_read_file(&b, path, 1 << 20, &err), &err);
	assert_non_null(strstr(b.ptr, "- [x] 1. Storage\n  - [x] 1.1 Save\n"));
	assert_int_equal(b.len, strlen(tasks));
	/* A failing rename leaves the file as it was. */
	setenv("SW_FAULT", "rename:1", 1);
	sw_fault_reset();
	assert_int_equal(spec_set_task_state(dir, "2", TASKS_DONE, &ch, &n, &err), SW_EIO);
	unsetenv("SW_FAULT");
	sw_fault_reset();
	sw_buf_reset(&b);
	assert_sw_ok(sw_read_file(&b, path, 1 << 20, &err), &err);
	assert_non_null(strstr(b.ptr, "- [ ] 2. Other"));
	assert_int_equal(spec_set_task_state(dir, "7", TASKS_DONE, &ch, &n, &err), SW_ENOTFOUND);
	sw_buf_release(&b);
	sw_test_rmtree(ws);
	free(path);
	free(dir);
	free(ws);
}

static void spec__concurrent_writers_lose_nothing(void **state)
{
	enum { WRITERS = 8, ROUNDS = 15 };
	char *dir = sw_test_tmpdir(), *path = sw_path_join(dir, "tasks.md");
	struct sw_buf text = SW_BUF_INIT, got = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	pid_t pids[WRITERS];
	int i;

	SW_UNUSED(state);
	sw_buf_adds(&text, "# Plan\n\n- [ ] 1. Parent\n");
	for (i = 0; i < WRITERS; i++)
		sw_buf_addf(&text, "  - [ ] 1.%d Task %d\n", i + 1, i + 1);
	sw_test_write(dir, "tasks.md", text.ptr);
	for (i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char id[16];
			int r, rc = 0;

			snprintf(id, sizeof(id), "1.%d", i + 1);
			/* Each writer flips its own task many times and ends on done. */
			for (r = 0; r < ROUNDS && rc == 0; r++) {
				struct tasks_change *ch = NULL;
				size_t n;

				rc = spec_set_task_state(dir, id, r % 2 ? TASKS_DOING : TASKS_DONE, &ch, &n, &err);
				free(ch);
			}
			_exit(rc == 0 ? 0 : 1);
		}
	}
	for (i = 0; i < WRITERS; i++) {
		int st = 0;

		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_sw_ok(sw_read_file(&got, path, 1 << 20, &err), &err);
	for (i = 0; i < WRITERS; i++) {
		char line[64];

		snprintf(line, sizeof(line), "  - [x] 1.%d Task %d\n", i + 1, i + 1);
		if (!strstr(got.ptr, line))
			fail_msg("update of 1.%d lost:\n%s", i + 1, got.ptr);
	}
	assert_non_null(strstr(got.ptr, "- [x] 1. Parent\n"));
	assert_int_equal(got.len, text.len);
	sw_buf_release(&text);
	sw_buf_release(&got);
	sw_test_rmtree(dir);
	free(path);
	free(dir);
}

#define BIG_REQS 25000   /* x 8 criteria = 200000 criteria */
#define BIG_GROUPS 40000 /* x 5 sub-tasks = 200000 leaf tasks, one wave each group */

static void check_crit(const struct req_criterion *c, void *data)
{
	size_t *n = data;

	SW_UNUSED(c);
	(*n)++;
}

static void spec__large_documents_parse_in_linear_time(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf r = SW_BUF_INIT, t = SW_BUF_INIT;
	struct md_doc *rmd = NULL, *tmd = NULL;
	struct req_doc *rd = NULL;
	struct tasks_doc *td = NULL;
	struct waves_plan *plan = NULL;
	struct waves_deps ready = { NULL, 0, 0 };
	struct trace *tr = NULL;
	struct sw_diags diags = SW_DIAGS_INIT;
	size_t i, hits = 0;
	int g, k;

	SW_UNUSED(state);
	sw_buf_adds(&r, "# Requirements Document\n\n## Requirements\n\n");
	for (g = 1; g <= BIG_REQS; g++) {
		sw_buf_addf(&r, "### Requirement %d: R\n\n#### Acceptance Criteria\n\n", g);
		for (k = 1; k <= 8; k++)
			sw_buf_addf(&r, "%d. WHEN record %d arrives, THE system SHALL keep it\n", k, k);
		sw_buf_adds(&r, "\n");
	}
	sw_buf_adds(&t, "# Implementation Plan\n\n");
	for (g = 1; g <= BIG_GROUPS; g++) {
		sw_buf_addf(&t, "- [ ] %d. Group\n", g);
		for (k = 1; k <= 5; k++) {
			int q = (g * 5 + k) % BIG_REQS + 1;

			sw_buf_addf(&t, "  - [ ]%s %d.%d Part\n    - _Requirements: %d.1, %d.2-%d.5_\n", k == 5 ? "*" : "", g, k,
				    q, q, q);
		}
	}
	sw_buf_adds(&t, "\n## Task Dependency Graph\n\n```json\n{\"waves\": [\n");
	for (g = 1; g <= BIG_GROUPS; g++) {
		sw_buf_addf(&t, "{\"id\": %d, \"tasks\": [\"%d\"]", g - 1, g);
		if (g > 1)
			sw_buf_addf(&t, ", \"depends_on\": [%d]", g - 2);
		sw_buf_addf(&t, "}%s\n", g < BIG_GROUPS ? "," : "");
	}
	sw_buf_adds(&t, "]}\n```\n");

	/*
	 * Quadratic work on these sizes takes hours; the whole case takes
	 * seconds (a generous bound: the machine may be shared, or sanitized).
	 */
	alarm(120);
	assert_sw_ok(md_parse(&rmd, r.ptr, r.len, &err), &err);
	assert_sw_ok(req_parse(&rd, rmd, "requirements.md", &diags, &err), &err);
	assert_sw_ok(md_parse(&tmd, t.ptr, t.len, &err), &err);
	assert_sw_ok(tasks_parse(&td, tmd, "tasks.md", &diags, &err), &err);
	assert_int_equal(rd->ncrit, BIG_REQS * 8);
	assert_int_equal(td->ntasks, BIG_GROUPS * 6);
	assert_int_equal(td->graph.nwaves, BIG_GROUPS);
	for (i = 0; i < td->ntasks; i++)
		assert_int_equal(tasks_find(td, td->tasks[i].id), i);
	for (i = 0; i < rd->ncrit; i++)
		assert_ptr_equal(req_find_criterion(rd, rd->crit[i].id), &rd->crit[i]);
	for (i = 0; i < td->ntasks; i++)
		for (k = 0; (size_t)k < td->tasks[i].reqs.nr; k++)
			assert_true(req_ref_expand(rd, &td->tasks[i].reqs.v[k], check_crit, &hits) > 0);
	assert_int_equal(hits, (size_t)BIG_GROUPS * 5 * 5); /* q.1 and q.2-q.5: 5 criteria per leaf */
	assert_sw_ok(waves_build(&plan, td, &err), &err);
	assert_false(plan->cycle);
	/* Each group waits for the required parts of the one before; the last optional part runs after. */
	assert_int_equal(plan->nwaves, BIG_GROUPS * 4 + 1);
	waves_ready(&ready, td, plan);
	assert_int_equal(ready.nr, 5); /* the parts of group 1, which is wave 0 of the file */
	waves_check(td, "tasks.md", &diags);
	assert_int_equal(diags.errors, 0);
	assert_sw_ok(trace_build(&tr, rd, NULL, td, &err), &err);
	assert_int_equal(tr->uncovered, (size_t)BIG_REQS * 3); /* x.6 to x.8 are named by no task */
	assert_int_equal(tr->ndangling, 0);
	alarm(0);

	trace_free(tr);
	free(ready.v);
	waves_plan_free(plan);
	tasks_doc_free(td);
	req_doc_free(rd);
	md_doc_free(tmd);
	md_doc_free(rmd);
	sw_diags_release(&diags);
	sw_buf_release(&t);
	sw_buf_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec__list_and_resolve),
		cmocka_unit_test(spec__load_lints_across_documents),
		cmocka_unit_test(spec__single_file_keeps_its_own_findings),
		cmocka_unit_test(spec__set_task_state_writes_atomically),
		cmocka_unit_test(spec__concurrent_writers_lose_nothing),
		cmocka_unit_test(spec__large_documents_parse_in_linear_time),
	};

	return sw_run_group("spec", tests);
}
