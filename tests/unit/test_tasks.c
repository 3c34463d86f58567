/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_tasks.c - every tasks.md variant: markers, optional tasks, ids,
 * nested and flat sub-tasks, multi-line titles, trace bullets, the
 * dependency graph forms, and byte-preserving status changes.
 */
#include "helpers/sw_test.h"
#include "specs-engine/tasks.h"

struct parsed {
	struct md_doc *md;
	struct tasks_doc *doc;
	struct sw_diags diags;
};

static void parse(struct parsed *p, const char *text)
{
	struct sw_error err = SW_ERROR_INIT;

	memset(p, 0, sizeof(*p));
	assert_sw_ok(md_parse(&p->md, text, strlen(text), &err), &err);
	assert_sw_ok(tasks_parse(&p->doc, p->md, "tasks.md", &p->diags, &err), &err);
}

static void release(struct parsed *p)
{
	tasks_doc_free(p->doc);
	md_doc_free(p->md);
	sw_diags_release(&p->diags);
}

static const struct tasks_task *task(const struct parsed *p, const char *id)
{
	size_t i = tasks_find(p->doc, id);

	if (i == TASKS_NONE)
		fail_msg("no task %s", id);
	return &p->doc->tasks[i];
}

/* The diagnostic with @code, or a failure listing what there was. */
static const char kiro2026[] =
	"# Implementation Plan: GitHub Issue Automation\n"
	"\n"
	"## Overview\n"
	"\n"
	"Prose.\n"
	"\n"
	"## Tasks\n"
	"\n"
	"- [x] 1. Set up project structure and dependencies\n"
	"  - Create `scripts/` directory for TypeScript modules\n"
	"  - _Requirements: 5.1, 5.2_\n"
	"\n"
	"- [ ] 2. Implement core data models\n"
	"  - [x] 2.1 Create data models module (`data_models.ts`)\n"
	"    - Implement `ClassificationResult` interface\n"
	"    - _Requirements: 6.1, 6.2, 6.3_\n"
	"\n"
	"  - [ ]* 2.2 Write property test for Bedrock API invocation\n"
	"    - **Property 1: Bedrock API Invocation**\n"
	"    - **Validates: Requirements 1.1, 5.5**\n"
	"\n"
	"- [ ] 3. Checkpoint - Core classification working\n"
	"  - Ensure all tests pass, ask the user if questions arise.\n"
	"\n"
	"## Notes\n"
	"\n"
	"- Tasks marked with `*` are optional\n";

static void tasks__kiro_2026_format(void **state)
{
	struct parsed p;
	const struct tasks_task *t;

	SW_UNUSED(state);
	parse(&p, kiro2026);
	assert_string_equal(p.doc->title, "Implementation Plan: GitHub Issue Automation");
	assert_int_equal(p.doc->ntasks, 5);
	t = task(&p, "1");
	assert_int_equal(t->state, TASKS_DONE);
	assert_string_equal(t->title, "Set up project structure and dependencies");
	assert_int_equal(t->line, 9);
	assert_int_equal(t->mark_line, 9);
	assert_int_equal(t->mark_col, 4);
	assert_int_equal(t->details.nr, 1);
	assert_string_equal(t->details.v[0], "Create `scripts/` directory for TypeScript modules");
	assert_int_equal(t->reqs.nr, 2);
	assert_string_equal(t->reqs.v[1].id, "5.2");
	assert_int_equal(t->reqs.v[1].line, 11);
	assert_int_equal(t->reqs.v[1].col, 25);
	t = task(&p, "2.2");
	assert_true(t->optional);
	assert_int_equal(t->parent, tasks_find(p.doc, "2"));
	assert_int_equal(t->level, 1);
	assert_int_equal(t->nprops, 1);
	assert_string_equal(t->props[0].id, "1");
	assert_int_equal(t->validates.nr, 2);
	assert_string_equal(t->validates.v[0].id, "1.1");
	assert_int_equal(task(&p, "2")->nchildren, 2);
	assert_true(task(&p, "3")->checkpoint);
	assert_false(task(&p, "2")->checkpoint);
	assert_int_equal(p.diags.nr, 0);
	release(&p);
}

static void tasks__markers_and_optional(void **state)
{
	struct parsed p;

	SW_UNUSED(state);
	parse(&p, "- [-] 1. Running parent\n"
		  "  - [x] 1.1 Done\n"
		  "  - [~] 1.2 Queued\n"
		  "  - [X] 1.3 Done in capitals\n"
		  "  - [x]* 1.4 Optional and done\n"
		  "  - [-] 1.5 Running leaf\n");
	assert_int_equal(task(&p, "1")->state, TASKS_DOING);
	assert_int_equal(task(&p, "1.2")->state, TASKS_QUEUED);
	assert_int_equal(task(&p, "1.3")->state, TASKS_DONE);
	assert_int_equal(task(&p, "1.3")->mark, 'X');
	assert_true(task(&p, "1.4")->optional);
	assert_int_equal(task(&p, "1.4")->state, TASKS_DONE);
	assert_int_equal(task(&p, "1.5")->state, TASKS_DOING);
	assert_int_equal(tasks_parent_state(p.doc, 0), TASKS_DOING);
	release(&p);
}

static void tasks__flat_and_preview_ids(void **state)
{
	struct parsed p;

	SW_UNUSED(state);
	/* Sub-tasks at column 0; the preview's "1.1." ids; three levels. */
	parse(&p, "- [x] 1. Core\n"
		  "- [x] 1.1. First\n"
		  "- [-] 1.2. Second\n"
		  "    - [x] 1.2.1 Deeper\n"
		  "- [ ] 2. Next\n");
	assert_int_equal(task(&p, "1.1")->parent, tasks_find(p.doc, "1"));
	assert_int_equal(task(&p, "1.2.1")->parent, tasks_find(p.doc, "1.2"));
	assert_int_equal(task(&p, "1.2.1")->level, 2);
	assert_string_equal(task(&p, "1.1")->title, "First");
	assert_int_equal(tasks_find(p.doc, "1.1."), tasks_find(p.doc, "1.1"));
	assert_int_equal(task(&p, "2")->parent, TASKS_NONE);
	release(&p);
}

static void tasks__multiline_titles_and_checklists(void **state)
{
	struct parsed p;

	SW_UNUSED(state);
	parse(&p, "## Phase 1: Setup\n"
		  "\n"
		  "- [ ] 1. Implement the parser for\n"
		  "  multi-line task titles\n"
		  "  _Requirements: 2.1–2.4, all_\n"
		  "  - [x] checklist entry without an id\n"
		  "\n"
		  "---\n"
		  "\n"
		  "- [ ] 2. Second\n"
		  "- [ ] Unnumbered entry\n");
	assert_string_equal(task(&p, "1")->title, "Implement the parser for multi-line task titles");
	assert_int_equal(task(&p, "1")->reqs.nr, 2);
	assert_int_equal(task(&p, "1")->reqs.v[0].kind, REQ_REF_RANGE);
	assert_string_equal(task(&p, "1")->reqs.v[0].id, "2.1");
	assert_string_equal(task(&p, "1")->reqs.v[0].to, "2.4");
	assert_int_equal(task(&p, "1")->reqs.v[1].kind, REQ_REF_ALL);
	assert_int_equal(task(&p, "1")->checklist, 1);
	assert_int_equal(p.doc->unnumbered, 1);
	assert_int_equal(p.doc->ntasks, 2);
	release(&p);
}

static void tasks__reference_variants(void **state)
{
	struct parsed p;
	const struct tasks_task *t;

	SW_UNUSED(state);
	parse(&p, "- [ ] 1. A\n"
		  "  - _Requirements: 1.1-1.3, All_\n"
		  "- [ ] 2. B\n"
		  "  - _Requisitos: 2.1, 2.2_\n"
		  "- [ ] 3. C\n"
		  "  - _需求: 需求14, 需求16_\n"
		  "- [ ] 4. D\n"
		  "  - _需求: 无_\n"
		  "- [ ] 5. E\n"
		  "  - _Requirements: Various_\n"
		  "- [ ] 6. F\n"
		  "  - _Validates: Requirement 1.4_\n"
		  "  - **Property 4: Masking** — for any string\n");
	assert_int_equal(task(&p, "1")->reqs.v[0].kind, REQ_REF_RANGE);
	assert_int_equal(task(&p, "1")->reqs.v[1].kind, REQ_REF_ALL);
	assert_string_equal(task(&p, "2")->reqs.v[1].id, "2.2");
	t = task(&p, "3");
	assert_int_equal(t->reqs.nr, 2);
	assert_int_equal(t->reqs.v[0].kind, REQ_REF_REQUIREMENT);
	assert_string_equal(t->reqs.v[0].id, "14");
	assert_int_equal(task(&p, "4")->reqs.nr, 0);
	assert_int_equal(task(&p, "5")->reqs.v[0].kind, REQ_REF_TEXT);
	assert_string_equal(sw_test_diag(&p.diags, "tasks-ref-text")->msg, "task 5: 'Various' is not a requirement id");
	assert_string_equal(task(&p, "6")->validates.v[0].id, "1.4");
	assert_string_equal(task(&p, "6")->props[0].id, "4");
	release(&p);
}

static void tasks__structure_errors(void **state)
{
	struct parsed p;
	const struct sw_diag *d;

	SW_UNUSED(state);
	parse(&p, "- [ ] 1. One\n"
		  "  - [ ] 2.1 Under the wrong parent\n"
		  "- [ ] 2. Two\n"
		  "- [ ] 2. Two again\n"
		  "- [?] 3. Bad box\n"
		  "- [ ] 5. Gap\n"
		  "- [x] 6. Done parent\n"
		  "  - [ ] 6.1 Open child\n"
		  "  - [ ]* 6.2 Optional child\n");
	d = sw_test_diag(&p.diags, "tasks-wrong-parent");
	assert_int_equal(d->line, 2);
	assert_int_equal(d->severity, SW_SEV_ERROR);
	d = sw_test_diag(&p.diags, "tasks-duplicate");
	assert_int_equal(d->line, 4);
	d = sw_test_diag(&p.diags, "tasks-checkbox");
	assert_int_equal(d->line, 5);
	assert_int_equal(d->col, 3);
	assert_string_equal(d->msg, "expected '[ ]', '[x]', '[-]' or '[~]', found '[?]'");
	d = sw_test_diag(&p.diags, "tasks-numbering");
	assert_int_equal(d->severity, SW_SEV_WARNING);
	d = sw_test_diag(&p.diags, "tasks-done-parent-open");
	assert_int_equal(d->line, 7);
	release(&p);
	/* Links and empty files are not tasks. */
	parse(&p, "- [link](http://x) text\n- [ref][x]\n");
	assert_int_equal(p.doc->ntasks, 0);
	sw_test_diag(&p.diags, "tasks-none");
	release(&p);
	parse(&p, "");
	sw_test_diag(&p.diags, "spec-empty");
	release(&p);
}

static const char graph_tasks[] = "- [ ] 1. A\n  - [ ] 1.1 a\n  - [ ] 1.2 b\n- [ ] 2. B\n\n## Task Dependency Graph\n\n";

static void graph(struct parsed *p, const char *block)
{
	struct sw_buf b = SW_BUF_INIT;
	static char text[4096];

	sw_buf_adds(&b, graph_tasks);
	sw_buf_adds(&b, block);
	assert_true(b.len < sizeof(text));
	memcpy(text, b.ptr, b.len + 1);
	sw_buf_release(&b);
	parse(p, text);
}

static void tasks__graph_variants(void **state)
{
	struct parsed p;

	SW_UNUSED(state);
	graph(&p, "```json\n{\n  \"waves\": [\n    { \"id\": 0, \"tasks\": [\"1.1\"] },\n"
		  "    { \"id\": 1, \"tasks\": [\"1.2\", \"2\"] }\n  ]\n}\n```\n");
	assert_int_equal(p.doc->graph.format, TASKS_GRAPH_OBJECTS);
	assert_int_equal(p.doc->graph.nwaves, 2);
	assert_string_equal(p.doc->graph.waves[1].id, "1");
	assert_string_equal(p.doc->graph.waves[1].tasks.v[1], "2");
	assert_int_equal(p.diags.nr, 0);
	release(&p);

	graph(&p, "```json\n{\"waves\":[{\"wave\":1,\"description\":\"setup\",\"tasks\":[\"1.1\"]},"
		  "{\"wave\":2,\"name\":\"rest\",\"depends_on\":[1],\"tasks\":[{\"id\":\"1.2\",\"depends_on\":[\"1.1\"]},\"2\"]}]}\n```\n");
	assert_int_equal(p.doc->graph.format, TASKS_GRAPH_OBJECTS);
	assert_string_equal(p.doc->graph.waves[0].id, "1");
	assert_string_equal(p.doc->graph.waves[0].name, "setup");
	assert_string_equal(p.doc->graph.waves[1].name, "rest");
	assert_string_equal(p.doc->graph.waves[1].depends_on.v[0], "1");
	assert_string_equal(task(&p, "1.2")->deps.v[0], "1.1");
	assert_int_equal(p.diags.nr, 0);
	release(&p);

	graph(&p, "```json\n{\"waves\":[[\"1.1\"],[\"1.2\",\"2\"]]}\n```\n");
	assert_int_equal(p.doc->graph.format, TASKS_GRAPH_COMPACT);
	assert_int_equal(p.doc->graph.waves[1].tasks.nr, 2);
	release(&p);

	graph(&p, "```\n[[\"1.1\"],[\"1.2\"],[\"2\"]]\n```\n");
	assert_int_equal(p.doc->graph.format, TASKS_GRAPH_COMPACT);
	assert_true(p.doc->graph.bare);
	assert_int_equal(p.doc->graph.nwaves, 3);
	release(&p);

	graph(&p, "```\nT1 --> T2\nT2 --> T3\n```\n");
	assert_int_equal(p.doc->graph.format, TASKS_GRAPH_TEXT);
	assert_int_equal(p.diags.nr, 0);
	release(&p);
}

static void tasks__graph_errors_point_into_the_file(void **state)
{
	struct parsed p;
	const struct sw_diag *d;

	SW_UNUSED(state);
	/* The block starts on line 8 of the file; the bad byte is on its second line. */
	graph(&p, "```json\n{\"waves\": [\n  {\"id\": 0, \"tasks\": [\"1.1\",]}\n]}\n```\n");
	d = sw_test_diag(&p.diags, "tasks-graph-json");
	assert_int_equal(d->line, 10);
	assert_int_equal(p.doc->graph.format, TASKS_GRAPH_INVALID);
	release(&p);
	graph(&p, "```json\n{\"waves\": [\n  {\"id\": 0, \"tasks\": [\"1.1\", \"9.9\"]},\n  {\"id\": 1, \"tasks\": [\"1.1\"]}\n]}\n```\n");
	d = sw_test_diag(&p.diags, "waves-unknown-task");
	assert_int_equal(d->line, 10);
	assert_int_equal(d->col, 30);
	d = sw_test_diag(&p.diags, "waves-duplicate-task");
	assert_int_equal(d->line, 11);
	release(&p);
	graph(&p, "```json\n{\"stages\": []}\n```\n");
	sw_test_diag(&p.diags, "tasks-graph-shape");
	release(&p);
}

/* Only the bracket bytes differ between @a and @b, at the given offsets. */
static void assert_only_marks_changed(const char *a, const struct sw_buf *b, size_t n)
{
	size_t i, diff = 0;

	assert_int_equal(strlen(a), b->len);
	for (i = 0; i < b->len; i++)
		if (a[i] != b->ptr[i]) {
			assert_true(i > 0 && a[i - 1] == '[' && b->ptr[i + 1] == ']');
			diff++;
		}
	assert_int_equal(diff, n);
}

static void tasks__set_state_changes_only_brackets(void **state)
{
	const char *orig = "\xEF\xBB\xBF# Plan\r\n\r\n- [ ] 1. Parent\r\n  - [ ] 1.1 A\r\n  - [ ]* 1.2 Optional\r\n"
			   "  - [ ] 1.3 C\r\n- [ ] 2. Next\r\n";
	struct sw_buf b = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct tasks_change *ch = NULL;
	size_t n = 0;

	SW_UNUSED(state);
	sw_buf_adds(&b, orig);
	assert_sw_ok(tasks_set_state(&b, "1.1", TASKS_DOING, &ch, &n, &err), &err);
	assert_int_equal(n, 2);
	assert_string_equal(ch[0].id, "1.1");
	assert_string_equal(ch[1].id, "1");
	assert_int_equal(ch[1].to, TASKS_DOING);
	assert_int_equal(ch[1].line, 3);
	assert_int_equal(ch[1].col, 4);
	assert_only_marks_changed(orig, &b, 2);
	assert_non_null(strstr(b.ptr, "- [-] 1. Parent\r\n  - [-] 1.1 A\r\n"));
	free(ch);
	/* Required children done, the optional one open: the parent is done. */
	assert_sw_ok(tasks_set_state(&b, "1.1", TASKS_DONE, &ch, &n, &err), &err);
	free(ch);
	assert_sw_ok(tasks_set_state(&b, "1.3", TASKS_DONE, &ch, &n, &err), &err);
	assert_int_equal(n, 2);
	assert_string_equal(ch[1].id, "1");
	assert_int_equal(ch[1].to, TASKS_DONE);
	free(ch);
	assert_non_null(strstr(b.ptr, "- [x] 1. Parent\r\n"));
	assert_non_null(strstr(b.ptr, "- [ ]* 1.2 Optional\r\n"));
	assert_memory_equal(b.ptr, "\xEF\xBB\xBF# Plan\r\n", 11);
	/* Back to todo: the parent goes back to in progress (1.3 is still done). */
	assert_sw_ok(tasks_set_state(&b, "1.1", TASKS_TODO, &ch, &n, &err), &err);
	assert_int_equal(ch[1].to, TASKS_DOING);
	free(ch);
	/* Queued children make a queued parent. */
	assert_sw_ok(tasks_set_state(&b, "1.3", TASKS_QUEUED, &ch, &n, &err), &err);
	free(ch);
	assert_non_null(strstr(b.ptr, "- [~] 1. Parent"));
	/* Same state: nothing changes. */
	assert_sw_ok(tasks_set_state(&b, "2", TASKS_TODO, &ch, &n, &err), &err);
	assert_int_equal(n, 0);
	free(ch);
	assert_int_equal(tasks_set_state(&b, "1.4", TASKS_DONE, &ch, &n, &err), SW_ENOTFOUND);
	assert_string_equal(err.msg, "no task '1.4' (nearest: '1.1')");
	sw_buf_release(&b);
}

static void tasks__state_names(void **state)
{
	SW_UNUSED(state);
	assert_int_equal(tasks_state_from_name("todo"), TASKS_TODO);
	assert_int_equal(tasks_state_from_name("queued"), TASKS_QUEUED);
	assert_int_equal(tasks_state_from_name("in_progress"), TASKS_DOING);
	assert_int_equal(tasks_state_from_name("completed"), TASKS_DONE);
	assert_int_equal(tasks_state_from_name("finished"), -1);
	assert_int_equal(tasks_state_char(TASKS_QUEUED), '~');
	assert_string_equal(tasks_state_name(TASKS_DOING), "doing");
}

static void tasks__hostile_inputs(void **state)
{
	struct parsed p;
	struct sw_buf b = SW_BUF_INIT;
	size_t i;

	SW_UNUSED(state);
	/* 10,000 nested bullets with a task at the bottom. */
	for (i = 0; i < 10000; i++)
		sw_buf_adds(&b, "- ");
	sw_buf_adds(&b, "[ ] 1. deep\n");
	parse(&p, b.ptr);
	assert_int_equal(p.doc->ntasks, 1);
	assert_string_equal(task(&p, "1")->title, "deep");
	release(&p);
	/* 300 task items nested in each other: past the nesting bound, still sane. */
	sw_buf_reset(&b);
	for (i = 0; i < 300; i++) {
		size_t k;

		for (k = 0; k < i * 2; k++)
			sw_buf_addch(&b, ' ');
		sw_buf_addf(&b, "- [ ] 1.%zu t\n", i);
	}
	parse(&p, b.ptr);
	assert_int_equal(p.doc->ntasks, 300);
	sw_test_diag(&p.diags, "tasks-wrong-parent");
	release(&p);
	/* A 1 MB title. */
	sw_buf_reset(&b);
	sw_buf_adds(&b, "- [ ] 1. ");
	for (i = 0; i < (1u << 20); i++)
		sw_buf_addch(&b, 'a');
	sw_buf_addch(&b, '\n');
	parse(&p, b.ptr);
	assert_int_equal(strlen(task(&p, "1")->title), 1u << 20);
	release(&p);
	/* Invalid UTF-8 and a truncated graph. */
	parse(&p, "- [ ] 1. caf\xC3 x\n\n## Task Dependency Graph\n\n```json\n{\"waves\": [{\"id\": 0, \"ta");
	sw_test_diag(&p.diags, "md-utf8");
	sw_test_diag(&p.diags, "tasks-graph-json");
	release(&p);
	sw_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tasks__kiro_2026_format),
		cmocka_unit_test(tasks__markers_and_optional),
		cmocka_unit_test(tasks__flat_and_preview_ids),
		cmocka_unit_test(tasks__multiline_titles_and_checklists),
		cmocka_unit_test(tasks__reference_variants),
		cmocka_unit_test(tasks__structure_errors),
		cmocka_unit_test(tasks__graph_variants),
		cmocka_unit_test(tasks__graph_errors_point_into_the_file),
		cmocka_unit_test(tasks__set_state_changes_only_brackets),
		cmocka_unit_test(tasks__state_names),
		cmocka_unit_test(tasks__hostile_inputs),
	};

	return sw_run_group("tasks", tests);
}
