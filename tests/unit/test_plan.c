/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_plan.c - the plan a run carries out: which tasks run, waves under
 * the cap, resources that keep tasks apart, _Depends lines, checkpoints,
 * the file graph, cycles, and the scheduler's failure handling.
 */
#include "helpers/sw_test.h"

#include <unistd.h>

#include "dispatch/plan.h"

struct parsed {
	struct md_doc *md;
	struct tasks_doc *doc;
	struct plan *plan;
	struct sw_diags diags;
	int rc;
};

static void parse_with(struct parsed *p, const char *text, const struct plan_opts *o)
{
	struct sw_error err = SW_ERROR_INIT;

	memset(p, 0, sizeof(*p));
	assert_sw_ok(md_parse(&p->md, text, strlen(text), &err), &err);
	assert_sw_ok(tasks_parse(&p->doc, p->md, "tasks.md", NULL, &err), &err);
	p->rc = plan_build(&p->plan, p->doc, "tasks.md", o, &p->diags, &err);
}

static void parse_n(struct parsed *p, const char *text, size_t parallel)
{
	struct plan_opts o = PLAN_OPTS_INIT;

	o.parallel = parallel;
	parse_with(p, text, &o);
	assert_int_equal(p->rc, 0);
}

static void release(struct parsed *p)
{
	plan_free(p->plan);
	tasks_doc_free(p->doc);
	md_doc_free(p->md);
	sw_diags_release(&p->diags);
}

static size_t find(const struct parsed *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->plan->n; i++)
		if (!strcmp(plan_task_id(p->plan, i), id))
			return i;
	fail_msg("no plan entry %s", id);
	return PLAN_NONE;
}

/* The waves as "1.1 1.2 | 2.1" (1-based order as listed). */
static void waves(const struct parsed *p, char *buf, size_t n)
{
	size_t w, i, used = 0;

	buf[0] = '\0';
	for (w = 0; w < p->plan->nwaves; w++)
		for (i = 0, used += (size_t)snprintf(buf + used, n - used, "%s", w ? " |" : "");
		     i < p->plan->n; i++)
			if (p->plan->v[i].why == PLAN_RUNS && p->plan->v[i].wave == (long)w)
				used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? " " : "",
							 plan_task_id(p->plan, i));
}

static const char independent[] =
	"- [ ] 1. A\n  - [ ] 1.1 a\n- [ ] 2. B\n  - [ ] 2.1 b\n"
	"- [ ] 3. C\n  - [ ] 3.1 c\n  - [ ] 3.2 d\n";

static void plan__hierarchy_order_and_cap(void **state)
{
	struct parsed p;
	char buf[256];

	SW_UNUSED(state);
	/* Hierarchy and order alone: each group after the last, steps in order. */
	parse_n(&p, independent, 4);
	waves(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1.1 | 2.1 | 3.1 | 3.2");
	assert_int_equal(p.plan->nrun, 4);
	release(&p);

	/* A graph with every task in wave 0: the cap decides. */
	parse_n(&p,
		"- [ ] 1. a\n- [ ] 2. b\n- [ ] 3. c\n- [ ] 4. d\n- [ ] 5. e\n\n## Task Dependency Graph\n\n"
		"```json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}]}\n```\n",
		2);
	waves(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1 2 | 3 4 | 5");
	release(&p);
}

static const char shared_files[] =
	"- [ ] 1. a\n- [ ] 2. b\n- [ ] 3. c\n- [ ] 4. d\n\n"
	"## Task Dependency Graph\n\n```json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1\",\"2\",\"3\",\"4\"]}]}\n```\n";

static void plan__resources_keep_tasks_apart(void **state)
{
	struct parsed p;
	char buf[256], text[1024];
	size_t t;

	SW_UNUSED(state);
	snprintf(text, sizeof(text), "%s",
		 "- [ ] 1. Edit `src/api.c` for the route\n"
		 "- [ ] 2. Add tests in tests/api_test.c, e.g. for Node.js\n"
		 "- [ ] 3. Document the route in src/api.c.\n"
		 "  - _Uses: Database_\n"
		 "- [ ] 4. Seed the database\n"
		 "  - _Uses: database, port-8080_\n"
		 "\n## Task Dependency Graph\n\n```json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1\",\"2\",\"3\",\"4\"]}]}\n```\n");
	parse_n(&p, text, 8);
	waves(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1 2 4 | 3");
	t = find(&p, "1");
	assert_int_equal(p.plan->v[t].resources.nr, 1);
	assert_string_equal(p.plan->v[t].resources.v[0], "file:src/api.c");
	t = find(&p, "2");
	assert_int_equal(p.plan->v[t].resources.nr, 1); /* "e.g", "Node.js" are not files */
	t = find(&p, "4");
	assert_int_equal(p.plan->v[t].resources.nr, 2);
	assert_string_equal(p.plan->v[t].resources.v[0], "uses:database");
	assert_string_equal(p.plan->v[t].resources.v[1], "uses:port-8080");
	/* 3 could start in wave 1 but for src/api.c (held by 1); the database (4) is met first in order */
	assert_int_equal(p.plan->nconflicts, 1);
	assert_int_equal(p.plan->conflicts[0].wave, 0);
	assert_string_equal(plan_task_id(p.plan, p.plan->conflicts[0].later), "3");
	assert_string_equal(plan_task_id(p.plan, p.plan->conflicts[0].holder), "1");
	assert_string_equal(p.plan->conflicts[0].resource, "file:src/api.c");
	release(&p);

	/* Without shared names the same graph runs in one wave. */
	parse_n(&p, shared_files, 8);
	waves(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1 2 3 4");
	assert_int_equal(p.plan->nconflicts, 0);
	release(&p);
}

static void plan__depends_agent_model(void **state)
{
	struct parsed p;
	char buf[256];
	size_t t;

	SW_UNUSED(state);
	parse_n(&p,
		"- [ ] 1. a\n  - _Depends: 3_\n- [ ] 2. b\n  - _Agent: reviewer_\n  - _Model: openai/gpt-4o-mini_\n"
		"- [ ] 3. c\n\n## Task Dependency Graph\n\n"
		"```json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1\",\"2\",\"3\"]}]}\n```\n",
		8);
	waves(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2 3 | 1");
	t = find(&p, "2");
	assert_non_null(p.plan->v[t].agent);
	assert_string_equal(p.plan->v[t].agent, "reviewer");
	assert_string_equal(p.plan->v[t].model, "openai/gpt-4o-mini");
	release(&p);
}

static void plan__checkpoints_are_barriers(void **state)
{
	struct parsed p;
	char buf[256];

	SW_UNUSED(state);
	parse_n(&p,
		"- [ ] 1. a\n- [ ] 2. b\n- [ ] 3. Checkpoint - ensure all tests pass\n- [ ] 4. d\n- [ ] 5. e\n\n"
		"## Task Dependency Graph\n\n"
		"```json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}]}\n```\n",
		8);
	waves(&p, buf, sizeof(buf));
	assert_string_equal(buf, "1 2 | 3 | 4 5");
	release(&p);
}

static void plan__selection_done_optional(void **state)
{
	struct parsed p;
	struct plan_opts o = PLAN_OPTS_INIT;
	static const char *const named[] = { "3" };
	static const char *const bogus[] = { "3.9" };
	static const char text[] = "- [x] 1. a\n- [ ]* 2. b\n- [ ] 3. C\n  - [ ] 3.1 c\n  - [ ]* 3.2 d\n";
	char buf[256];

	SW_UNUSED(state);
	parse_n(&p, text, 4);
	assert_int_equal(p.plan->v[find(&p, "1")].why, PLAN_DONE);
	assert_int_equal(p.plan->v[find(&p, "2")].why, PLAN_OPTIONAL);
	waves(&p, buf, sizeof(buf));
	assert_string_equal(buf, "3.1");
	release(&p);

	o.include_optional = 1;
	parse_with(&p, text, &o);
	waves(&p, buf, sizeof(buf));
	assert_string_equal(buf, "2 3.1 | 3.2");
	release(&p);

	o.include_optional = 0;
	o.tasks = named;
	o.ntasks = 1;
	parse_with(&p, text, &o);
	assert_int_equal(p.rc, 0);
	assert_int_equal(p.plan->v[find(&p, "2")].why, PLAN_NOT_ASKED);
	waves(&p, buf, sizeof(buf));
	assert_string_equal(buf, "3.1");
	release(&p);

	o.tasks = bogus;
	parse_with(&p, text, &o);
	assert_int_equal(p.rc, SW_ENOTFOUND);
	assert_null(p.plan);
	release(&p);
}

static void plan__cycles_and_unknown_dependencies(void **state)
{
	struct parsed p;

	SW_UNUSED(state);
	parse_with(&p,
		   "- [ ] 1. a\n  - _Depends: 2_\n- [ ] 2. b\n  - _Depends: 1_\n- [ ] 3. c\n\n"
		   "## Task Dependency Graph\n\n"
		   "```json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1\",\"2\",\"3\"]}]}\n```\n",
		   NULL);
	assert_int_equal(p.rc, SW_EINVAL);
	assert_non_null(p.plan);
	sw_test_diag(&p.diags, "plan-cycle");
	assert_int_equal(p.diags.v[0].line, 1);
	assert_non_null(strstr(p.diags.v[0].msg, "2 tasks can never start"));
	assert_int_equal(p.plan->v[find(&p, "3")].wave, 0);
	release(&p);

	parse_with(&p, "- [ ] 1. a\n- [ ] 2. b\n  - _Depends: 7_\n", NULL);
	assert_int_equal(p.rc, SW_EINVAL);
	sw_test_diag(&p.diags, "plan-unknown-dependency");
	assert_int_equal(p.diags.v[0].line, 2);
	release(&p);
}

static void plan__scheduler_skips_dependants_of_a_failure(void **state)
{
	struct parsed p;
	struct plan_sched *s;
	size_t a, b, c, d;

	SW_UNUSED(state);
	/* 2 depends on 1; 3 is independent; 4 is behind the checkpoint-free graph wave 1. */
	parse_n(&p,
		"- [ ] 1. a\n- [ ] 2. b\n  - _Depends: 1_\n- [ ] 3. c\n- [ ] 4. d\n\n## Task Dependency Graph\n\n"
		"```json\n{\"waves\":[{\"id\":0,\"tasks\":[\"1\",\"2\",\"3\"]},{\"id\":1,\"tasks\":[\"4\"]}]}\n```\n",
		4);
	s = plan_sched_new(p.plan);
	a = plan_sched_next(s);
	assert_string_equal(plan_task_id(p.plan, a), "1");
	plan_sched_start(s, a);
	c = plan_sched_next(s);
	assert_string_equal(plan_task_id(p.plan, c), "3");
	plan_sched_start(s, c);
	assert_int_equal(plan_sched_next(s), PLAN_NONE);
	plan_sched_finish(s, a, 0);
	b = find(&p, "2");
	d = find(&p, "4");
	assert_int_equal(plan_sched_state(s, b), PLAN_SKIPPED);
	assert_int_equal(plan_sched_state(s, d), PLAN_SKIPPED);
	assert_int_equal(plan_sched_state(s, c), PLAN_RUNNING);
	assert_false(plan_sched_over(s));
	plan_sched_finish(s, c, 1);
	assert_true(plan_sched_over(s));
	plan_sched_free(s);
	release(&p);
}

/* A long chain and a wide fan must plan in one pass over the tasks (no hang under the alarm). */
static void plan__large_plans(void **state)
{
	struct sw_buf b = SW_BUF_INIT;
	struct parsed p;
	size_t i;

	SW_UNUSED(state);
	alarm(60);
	for (i = 1; i <= 20000; i++)
		sw_buf_addf(&b, "- [ ] %zu. task %zu in src/m%zu.c\n", i, i, i % 50);
	parse_n(&p, b.ptr, 4);
	assert_int_equal(p.plan->nrun, 20000);
	assert_int_equal(p.plan->nwaves, 20000);
	release(&p);
	alarm(0);
	sw_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan__hierarchy_order_and_cap),
		cmocka_unit_test(plan__resources_keep_tasks_apart),
		cmocka_unit_test(plan__depends_agent_model),
		cmocka_unit_test(plan__checkpoints_are_barriers),
		cmocka_unit_test(plan__selection_done_optional),
		cmocka_unit_test(plan__cycles_and_unknown_dependencies),
		cmocka_unit_test(plan__scheduler_skips_dependants_of_a_failure),
		cmocka_unit_test(plan__large_plans),
	};

	return sw_run_group("plan", tests);
}
