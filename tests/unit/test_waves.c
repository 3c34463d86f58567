/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_waves.c - computed dependencies and waves, ready tasks with and
 * without the file's graph, explicit dependencies and cycles.
 */
#include "helpers/sw_test.h"
#include "specs-engine/waves.h"

struct parsed {
	struct md_doc *md;
	struct tasks_doc *doc;
	struct waves_plan *plan;
	struct sw_diags diags;
};

static void parse(struct parsed *p, const char *text)
{
	struct sw_error err = SW_ERROR_INIT;

	memset(p, 0, sizeof(*p));
	assert_sw_ok(md_parse(&p->md, text, strlen(text), &err), &err);
	assert_sw_ok(tasks_parse(&p->doc, p->md, "tasks.md", NULL, &err), &err);
	assert_sw_ok(waves_build(&p->plan, p->doc, &err), &err);
	waves_check(p->doc, "tasks.md", &p->diags);
}

static void release(struct parsed *p)
{
	waves_plan_free(p->plan);
	tasks_doc_free(p->doc);
	md_doc_free(p->md);
	sw_diags_release(&p->diags);
}

static long wave(const struct parsed *p, const char *id)
{
	return p->plan->wave[tasks_find(p->doc, id)];
}

/* The ready task ids joined with spaces. */
static void ready(const struct parsed *p, char *buf, size_t n)
{
	struct waves_deps r;
	size_t i, used = 0;

	waves_ready(&r, p->doc, p->plan);
	buf[0] = '\0';
	for (i = 0; i < r.nr && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? " " : "", p->doc->tasks[r.v[i]].id);
	free(r.v);
}

static const char plan[] =
	"- [x] 1. Setup\n"
	"- [ ] 2. Storage\n"
	"  - [ ] 2.1 Model\n"
	"  - [ ]* 2.2 Model tests\n"
	"  - [ ] 2.3 Store\n"
	"- [ ] 3. Checkpoint - storage works\n"
	"- [ ] 4. API\n"
	"  - [ ] 4.1 Routes\n";

static void waves__computed_from_hierarchy_and_order(void **state)
{
	struct parsed p;
	char buf[128];

	SW_UNUSED(state);
	parse(&p, plan);
	assert_int_equal(wave(&p, "1"), 0);
	assert_int_equal(wave(&p, "2.1"), 1);
	/* The optional test runs beside the next step; nothing waits for it. */
	assert_int_equal(wave(&p, "2.2"), 2);
	assert_int_equal(wave(&p, "2.3"), 2);
	assert_int_equal(wave(&p, "3"), 3);
	assert_int_equal(wave(&p, "4.1"), 4);
	assert_int_equal(wave(&p, "2"), -1); /* parents have no wave */
	assert_int_equal(p.plan->nwaves, 5);
	ready(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2.1");
	assert_int_equal(p.diags.nr, 0);
	release(&p);
}

static void waves__file_graph_decides_readiness(void **state)
{
	struct parsed p;
	char buf[128];

	SW_UNUSED(state);
	parse(&p, "- [x] 1. Setup\n  - [x] 1.1 a\n  - [ ] 1.2 b\n  - [ ] 1.3 c\n- [ ] 2. Next\n  - [ ] 2.1 d\n"
		  "  - [-] 2.2 e\n- [ ] 3. Checkpoint\n- [ ] 4. Last\n\n## Task Dependency Graph\n\n"
		  "```json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1.1\"]},{\"id\":1,\"tasks\":[\"1.2\",\"1.3\",\"2.1\",\"2.2\"]},"
		  "{\"id\":2,\"tasks\":[\"4\"]}]}\n```\n");
	ready(&p, buf, sizeof(buf));
	/* Wave 1 is open: its tasks are ready (2.2 is running); 4 waits; the checkpoint is not in the graph. */
	assert_string_equal(buf, "1.2 1.3 2.1");
	assert_int_equal(p.plan->file_wave[tasks_find(p.doc, "2.1")], 1);
	assert_int_equal(p.diags.nr, 0); /* checkpoints may stay out of the graph */
	release(&p);
}

static void waves__explicit_dependencies_and_cycles(void **state)
{
	struct parsed p;

	SW_UNUSED(state);
	parse(&p, "- [ ] 1. A\n- [ ] 2. B\n- [ ] 3. C\n\n## Task Dependency Graph\n\n"
		  "```json\n{\"waves\":[{\"id\":0,\"tasks\":[{\"id\":\"1\",\"depends_on\":[\"3\"]},\"2\"]},{\"id\":1,\"tasks\":[\"3\"]}]}\n```\n");
	assert_true(p.plan->cycle);
	assert_int_equal(wave(&p, "1"), -1);
	assert_int_equal(p.diags.nr, 2);
	assert_string_equal(p.diags.v[0].code, "waves-cycle");
	assert_string_equal(p.diags.v[1].code, "waves-dependency-order");
	release(&p);
	parse(&p, "- [ ] 1. A\n- [ ] 2. B\n- [ ] 3. C\n\n## Task Dependency Graph\n\n"
		  "```json\n{\"waves\":[[\"1\"],[\"3\"]]}\n```\n");
	assert_int_equal(p.diags.nr, 1);
	assert_string_equal(p.diags.v[0].code, "waves-missing-task");
	assert_string_equal(p.diags.v[0].msg, "task dependency graph leaves out 1 task: 2");
	release(&p);
}

/* The diagnostic with @code, or NULL. */
static const struct sw_diag *diag(const struct parsed *p, const char *code)
{
	size_t i;

	for (i = 0; i < p->diags.nr; i++)
		if (!strcmp(p->diags.v[i].code, code))
			return &p->diags.v[i];
	return NULL;
}

#define GRAPH_HEAD "- [ ] 1. A\n- [ ] 2. B\n- [ ] 3. C\n\n## Task Dependency Graph\n\n```json\n"

static void waves__wave_dependencies_are_checked_where_written(void **state)
{
	struct parsed p;
	const struct sw_diag *d;

	SW_UNUSED(state);
	/* Line 8 is the JSON's first line; the entry is the "1" in "depends_on":[0, 1]. */
	parse(&p, GRAPH_HEAD "{\"waves\":[{\"id\":0,\"tasks\":[\"1\"]},\n"
		  "{\"id\":1,\"tasks\":[\"2\",\"3\"],\"depends_on\":[0, 1]}]}\n```\n");
	assert_non_null(d = diag(&p, "waves-self-dependency"));
	assert_int_equal(d->line, 9);
	assert_int_equal(d->col, 44);
	assert_string_equal(d->msg, "wave 1 depends on itself");
	assert_int_equal(d->severity, SW_SEV_ERROR);
	assert_int_equal(p.diags.nr, 1);
	release(&p);

	parse(&p, GRAPH_HEAD "{\"waves\":[{\"id\":0,\"tasks\":[\"1\"]},\n"
		  "  {\"id\":1,\"tasks\":[\"2\",\"3\"],\"depends_on\":[\"7\"]}]}\n```\n");
	assert_non_null(d = diag(&p, "waves-unknown-wave"));
	assert_int_equal(d->line, 9);
	assert_int_equal(d->col, 43);
	assert_string_equal(d->msg, "wave 1 depends on wave '7', which the graph does not have");
	assert_int_equal(p.diags.nr, 1);
	release(&p);

	/* 0 -> 2 -> 1 -> 0: one cycle, reported once, at the entry that closes it. */
	parse(&p, GRAPH_HEAD "{\"waves\":[\n"
		  "{\"id\":0,\"tasks\":[\"1\"],\"depends_on\":[2]},\n"
		  "{\"id\":1,\"tasks\":[\"2\"],\"depends_on\":[0]},\n"
		  "{\"id\":2,\"tasks\":[\"3\"],\"depends_on\":[1]}]}\n```\n");
	assert_non_null(d = diag(&p, "waves-cycle"));
	assert_int_equal(d->line, 10);
	assert_int_equal(d->col, 37);
	assert_string_equal(d->msg, "wave 1 depends on wave 0, which closes a cycle: 1 -> 0 -> 2 -> 1");
	{
		size_t i, cycles = 0;

		for (i = 0; i < p.diags.nr; i++)
			cycles += !strcmp(p.diags.v[i].code, "waves-cycle");
		assert_int_equal(cycles, 1);
	}
	/* Wave 0 waiting for wave 2, which runs after it, is reported too. */
	assert_non_null(d = diag(&p, "waves-dependency-order"));
	assert_int_equal(d->line, 9);
	release(&p);

	/* A well-formed chain lints clean. */
	parse(&p, GRAPH_HEAD "{\"waves\":[{\"id\":0,\"tasks\":[\"1\"]},{\"id\":1,\"tasks\":[\"2\"],\"depends_on\":[0]},"
		  "{\"id\":2,\"tasks\":[\"3\"],\"depends_on\":[0,1]}]}\n```\n");
	assert_int_equal(p.diags.nr, 0);
	release(&p);
}

static void waves__task_dependency_errors_point_at_the_entry(void **state)
{
	struct parsed p;
	const struct sw_diag *d;

	SW_UNUSED(state);
	parse(&p, GRAPH_HEAD "{\"waves\":[{\"id\":0,\"tasks\":[\"1\"]},\n"
		  "{\"id\":1,\"tasks\":[{\"id\":\"2\",\"depends_on\":[\"9\"]},\"3\"]}]}\n```\n");
	assert_non_null(d = diag(&p, "waves-unknown-task"));
	assert_int_equal(d->line, 9);
	assert_int_equal(d->col, 42);
	release(&p);
}

static void waves__next_honours_wave_dependencies(void **state)
{
	struct parsed p;
	char buf[128];

	SW_UNUSED(state);
	/* Wave 0 waits for wave 1, whose task is not done: nothing in wave 0 may start. */
	parse(&p, GRAPH_HEAD "{\"waves\":[{\"id\":0,\"tasks\":[\"1\"],\"depends_on\":[1]},"
		  "{\"id\":1,\"tasks\":[\"2\",\"3\"]}]}\n```\n");
	ready(&p, buf, sizeof(buf));
	assert_string_equal(buf, "");
	release(&p);
	/* Once wave 1 is done, wave 0's task is offered. */
	parse(&p, "- [ ] 1. A\n- [x] 2. B\n- [x] 3. C\n\n## Task Dependency Graph\n\n```json\n"
		  "{\"waves\":[{\"id\":0,\"tasks\":[\"1\"],\"depends_on\":[1]},{\"id\":1,\"tasks\":[\"2\",\"3\"]}]}\n```\n");
	ready(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1");
	release(&p);
	/* A dependency on an earlier wave holds while that wave is open. */
	parse(&p, "- [ ] 1. A\n- [ ] 2. B\n- [ ] 3. C\n- [ ] 4. D\n\n## Task Dependency Graph\n\n```json\n"
		  "{\"waves\":[{\"id\":\"a\",\"tasks\":[\"1\"]},{\"id\":\"b\",\"tasks\":[\"2\"]},"
		  "{\"id\":\"c\",\"tasks\":[\"3\", \"4\"],\"depends_on\":[\"a\"]}]}\n```\n");
	ready(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1");
	release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(waves__computed_from_hierarchy_and_order),
		cmocka_unit_test(waves__file_graph_decides_readiness),
		cmocka_unit_test(waves__explicit_dependencies_and_cycles),
		cmocka_unit_test(waves__wave_dependencies_are_checked_where_written),
		cmocka_unit_test(waves__task_dependency_errors_point_at_the_entry),
		cmocka_unit_test(waves__next_honours_wave_dependencies),
	};

	return sw_run_group("waves", tests);
}
