// SPDX-License-Identifier: Apache-2.0
/*
 * run.c - "specwright run": a spec's task plan, as it would be carried out.
 *
 * "run SPEC [TASK...] --dry-run" builds the plan (dispatch/plan.h) and
 * prints its waves under the parallel cap, the resource conflicts that
 * split them, and why each task that does not run is left out.  The plan
 * is checked as a whole first: a dependency cycle, an unknown dependency or
 * an unknown task is reported at its line and nothing is changed.
 */
#include "base/compat.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/log.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "cmd/spec.h"
#include "dispatch/plan.h"

static const char *const run_usage[] = {
	"specwright run <spec> [<task>...] --dry-run [--parallel N | --sequential] [--include-optional] [--json]",
	"\nThe spec's task plan as it would run: tasks in waves of at most N at once",
	"\n(default min(4, cores)), ordered by the plan's hierarchy, its Task Dependency",
	"\nGraph, '_Depends: 1.2_' lines and Checkpoint tasks; two tasks naming the same",
	"\nfile or '_Uses: NAME_' resource never run at the same time.  Named tasks (a",
	"\nparent stands for its sub-tasks) run alone; done and optional ('*') tasks are",
	"\nskipped unless named or --include-optional.",
	NULL,
};

static cJSON *ids_json(const struct plan *p, const size_t *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(plan_task_id(p, v[i])));
	return a;
}

static cJSON *plan_json(const struct spec *s, const struct plan *p, const struct sw_diags *d)
{
	cJSON *doc = cJSON_CreateObject(), *tasks = cJSON_CreateArray(), *waves = cJSON_CreateArray();
	cJSON *conf = cJSON_CreateArray();
	size_t i, w;

	sw_cmd_json_str(doc, "spec", s->name);
	sw_cmd_json_str(doc, "tasksFile", s->tasks.display);
	cJSON_AddNumberToObject(doc, "parallel", (double)p->parallel);
	cJSON_AddNumberToObject(doc, "tasksToRun", (double)p->nrun);
	for (i = 0; i < p->n; i++) {
		const struct plan_task *pt = &p->v[i];
		const struct tasks_task *t = &p->doc->tasks[pt->ti];
		cJSON *o = cJSON_CreateObject();

		sw_cmd_json_str(o, "id", t->id);
		sw_cmd_json_str(o, "title", t->title);
		sw_cmd_json_str(o, "plan", plan_why_name(pt->why));
		cJSON_AddNumberToObject(o, "line", t->line);
		cJSON_AddBoolToObject(o, "optional", t->optional);
		cJSON_AddBoolToObject(o, "checkpoint", pt->checkpoint);
		if (pt->why == PLAN_RUNS) {
			if (pt->wave >= 0)
				cJSON_AddNumberToObject(o, "wave", (double)pt->wave + 1);
			else
				cJSON_AddNullToObject(o, "wave");
			cJSON_AddItemToObject(o, "dependsOn", ids_json(p, pt->deps, pt->ndeps));
			cJSON_AddItemToObject(o, "resources", sw_cmd_json_strs(pt->resources.v, pt->resources.nr));
			sw_cmd_json_str(o, "agent", pt->agent);
			sw_cmd_json_str(o, "model", pt->model);
		}
		cJSON_AddItemToArray(tasks, o);
	}
	for (w = 0; w < p->nwaves; w++) {
		cJSON *a = cJSON_CreateArray();

		for (i = 0; i < p->n; i++)
			if (p->v[i].why == PLAN_RUNS && p->v[i].wave == (long)w)
				cJSON_AddItemToArray(a, cJSON_CreateString(plan_task_id(p, i)));
		cJSON_AddItemToArray(waves, a);
	}
	for (i = 0; i < p->nconflicts; i++) {
		const struct plan_conflict *c = &p->conflicts[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddNumberToObject(o, "wave", (double)c->wave + 1);
		sw_cmd_json_str(o, "task", plan_task_id(p, c->later));
		sw_cmd_json_str(o, "waitsFor", plan_task_id(p, c->holder));
		sw_cmd_json_str(o, "resource", c->resource);
		cJSON_AddItemToArray(conf, o);
	}
	cJSON_AddItemToObject(doc, "tasks", tasks);
	cJSON_AddItemToObject(doc, "waves", waves);
	cJSON_AddItemToObject(doc, "conflicts", conf);
	cJSON_AddItemToObject(doc, "diagnostics", sw_cmd_diags_json(d));
	return doc;
}

static void plan_print(const struct spec *s, const struct plan *p)
{
	size_t i, w, skipped[4] = { 0 };

	for (i = 0; i < p->n; i++)
		skipped[p->v[i].why]++;
	printf("plan of %s (%s): %zu task%s to run in %zu wave%s, at most %zu at once\n", s->name,
	       s->tasks.display, p->nrun, p->nrun == 1 ? "" : "s", p->nwaves, p->nwaves == 1 ? "" : "s",
	       p->parallel);
	if (skipped[PLAN_DONE] || skipped[PLAN_OPTIONAL] || skipped[PLAN_NOT_ASKED])
		printf("left out: %zu done, %zu optional, %zu not named\n", skipped[PLAN_DONE],
		       skipped[PLAN_OPTIONAL], skipped[PLAN_NOT_ASKED]);
	for (w = 0; w < p->nwaves; w++) {
		printf("\nwave %zu:\n", w + 1);
		for (i = 0; i < p->n; i++) {
			const struct plan_task *pt = &p->v[i];
			const struct tasks_task *t = &p->doc->tasks[pt->ti];
			size_t k;

			if (pt->why != PLAN_RUNS || pt->wave != (long)w)
				continue;
			printf("  %-8s%s %s\n", t->id, t->optional ? "*" : " ", t->title);
			if (pt->agent || pt->model)
				printf("            agent %s, model %s\n", pt->agent ? pt->agent : "(default)",
				       pt->model ? pt->model : "(default)");
			for (k = 0; k < p->nconflicts; k++)
				if (p->conflicts[k].later == i && p->conflicts[k].wave + 1 == (long)w)
					printf("            waited: %s held by %s\n", p->conflicts[k].resource,
					       plan_task_id(p, p->conflicts[k].holder));
		}
	}
	if (!p->nrun)
		printf("\nnothing to run\n");
}

static int run_plan_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	int json = ctx->json, dry = 0, sequential = 0, optional = 0, rc, code = 0;
	long parallel = 0;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "dry-run", &dry, "print the plan: waves, conflicts, what is left out"),
		SW_OPT_INT(0, "parallel", &parallel, "N", "run at most N tasks at once (default min(4, cores))"),
		SW_OPT_BOOL(0, "sequential", &sequential, "one task at a time, in file order"),
		SW_OPT_BOOL(0, "include-optional", &optional, "run optional ('*') tasks too"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};
	struct plan_opts po = PLAN_OPTS_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct plan *p = NULL;
	struct spec *s = NULL;
	size_t i;

	argc = sw_cmd_parse(argc, argv, opts, run_usage, 4096);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(run_usage, "which spec? (see 'specwright spec list')");
	if (parallel < 0 || parallel > 1024)
		return sw_usage_error(run_usage, "--parallel: expected a number from 1 to 1024, got %ld", parallel);
	if (sequential && parallel > 1)
		return sw_usage_error(run_usage, "--sequential and --parallel %ld contradict each other", parallel);
	if (!dry)
		return sw_usage_error(run_usage,
				      "this build plans a run but does not carry it out yet: add --dry-run");
	if ((rc = cmd_spec_open(&s, ctx, argv[0])) != 0)
		return rc;
	if (!s->tasks_doc) {
		sw_errorf("spec '%s' has no tasks.md yet", s->name);
		spec_free(s);
		return 1;
	}
	po.tasks = argv + 1;
	po.ntasks = (size_t)argc - 1;
	po.include_optional = optional;
	po.parallel = sequential ? 1 : (size_t)parallel;
	rc = plan_build(&p, s->tasks_doc, s->tasks.display, &po, &diags, &err);
	if (rc && rc != SW_EINVAL) {
		code = sw_cmd_fail(&err);
		goto done;
	}
	/* The spec's own errors in tasks.md (a cycle in its graph, ...) stop a run too. */
	for (i = 0; i < s->diags.nr; i++)
		if (s->diags.v[i].severity == SW_SEV_ERROR && !strcmp(s->diags.v[i].path, s->tasks.display) &&
		    !strncmp(s->diags.v[i].code, "waves-", 6))
			rc = sw_error_set(&err, SW_EINVAL, "%s: the task plan cannot run as written", s->tasks.display);
	if (json) {
		sw_cmd_json_print_line_take(plan_json(s, p, &diags));
	} else {
		plan_print(s, p);
	}
	sw_cmd_print_diags(&diags, ctx->cwd, SW_SEV_WARNING);
	if (rc) {
		cmd_spec_print_diags(s, 1);
		sw_report(&err);
		code = 1;
	}
done:
	plan_free(p);
	sw_diags_release(&diags);
	spec_free(s);
	return code;
}

int cmd_run(int argc, const char **argv, struct sw_ctx *ctx)
{
	return run_plan_cmd(argc, argv, ctx);
}
