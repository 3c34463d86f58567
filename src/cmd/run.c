// SPDX-License-Identifier: Apache-2.0
/*
 * run.c - "specwright run": carry out a spec's task plan, and look at runs.
 *
 *   run SPEC [TASK...] [options]   the central orchestrator (dispatch/orch.h);
 *                                  with --dry-run only the plan (dispatch/plan.h)
 *   run list                       the runs under .kiro/runs
 *   run status [RUN]               each task of a run, from its journal
 *   run log RUN [TASK]             the journal, or one task's log
 *   run cancel RUN                 SIGTERM to a running run
 *
 * A first argument that names a verb is the verb; a spec with such a name
 * is run through its path (.kiro/specs/list).
 */
#include "base/compat.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "cmd/spec.h"
#include "dispatch/journal.h"
#include "dispatch/orch.h"
#include "dispatch/plan.h"
#include "dispatch/runs.h"

static const char *const run_usage[] = {
	"specwright run <spec> [<task>...] [--dry-run] [--parallel N | --sequential] [options]",
	"specwright run list | status [<run>] | log <run> [<task>] | cancel <run> | resume <run>",
	"\nCarries out the spec's task plan: each task goes to a fresh ACP agent session\n"
	"(the built-in agent, --agent NAME, or --agent-cmd 'CMD ARGS'), at most N at once\n"
	"(default min(4, cores)), in the order of the plan's hierarchy, its Task Dependency\n"
	"Graph, '_Depends: 1.2_' lines and Checkpoint tasks; two tasks naming the same file\n"
	"or '_Uses: NAME_' resource never run at the same time.  Each task is verified by\n"
	"--verify CMD (or \"verify\" in .kiro/settings/specwright.json) and the spec's lint,\n"
	"retried with the failure up to --max-retries times, and marked in tasks.md: [~]\n"
	"queued, [-] running, [x] verified, [ ] failed.  Named tasks (a parent stands for\n"
	"its sub-tasks) run alone; done and optional ('*') tasks are skipped unless named or\n"
	"--include-optional.  The journal is .kiro/runs/<run>/journal.ndjson.",
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

/* ---- running ---------------------------------------------------------------------------- */

struct show {
	int json;
	int verbose;
};

/* One line of text for a journal record; NULL for records not shown without -v. */
static void describe(struct sw_buf *b, const char *event, const cJSON *r, int verbose)
{
	const char *task = runs_str(r, "task");
	const char *ts = runs_str(r, "ts");
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "ok");

	sw_buf_reset(b);
	sw_buf_addf(b, "%.8s  ", strlen(ts) >= 19 ? ts + 11 : ts);
	if (!strcmp(event, "plan")) {
		const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(r, "tasks");

		sw_buf_addf(b, "run %s: %d task%s of %s, at most %.0f at once", runs_str(r, "runId"),
			    cJSON_GetArraySize(tasks), cJSON_GetArraySize(tasks) == 1 ? "" : "s", runs_str(r, "spec"),
			    runs_num(r, "parallel"));
	} else if (!strcmp(event, "dispatch")) {
		sw_buf_addf(b, "%-8s started (%.0f running, packet %.0f bytes)", task, runs_num(r, "running"),
			    runs_num(r, "packetBytes"));
	} else if (!strcmp(event, "worktree")) {
		if (!verbose)
			goto none;
		sw_buf_addf(b, "%-8s worktree %s (branch %s)", task, runs_str(r, "worktree"), runs_str(r, "branch"));
	} else if (!strcmp(event, "tool")) {
		if (!verbose)
			goto none;
		sw_buf_addf(b, "%-8s tool: %s", task, runs_str(r, "title"));
	} else if (!strcmp(event, "usage")) {
		if (!verbose)
			goto none;
		sw_buf_addf(b, "%-8s usage recorded", task);
	} else if (!strcmp(event, "verify")) {
		sw_buf_addf(b, "%-8s verify (%s): %s", task, runs_str(r, "check"), cJSON_IsTrue(ok) ? "ok" : "failed");
	} else if (!strcmp(event, "retry")) {
		sw_buf_addf(b, "%-8s retry %.0f: %s", task, runs_num(r, "attempt"), runs_str(r, "reason"));
	} else if (!strcmp(event, "done")) {
		sw_buf_addf(b, "%-8s done in %.1f s (%.0f attempt%s, %.0f tokens)", task, runs_num(r, "elapsedMs") / 1000,
			    runs_num(r, "attempts"), runs_num(r, "attempts") == 1 ? "" : "s", runs_num(r, "tokens"));
	} else if (!strcmp(event, "failed") || !strcmp(event, "cancelled") || !strcmp(event, "skipped") ||
		   !strcmp(event, "not-run")) {
		sw_buf_addf(b, "%-8s %s: %s", task, event, runs_str(r, "reason"));
	} else if (!strcmp(event, "cancel")) {
		sw_buf_addf(b, "cancelling: %s", runs_str(r, "reason"));
	} else if (!strcmp(event, "budget")) {
		sw_buf_addf(b, "budget reached: %.0f tokens, %.4f USD", runs_num(r, "tokens"), runs_num(r, "costUsd"));
	} else if (!strcmp(event, "end")) {
		sw_buf_addf(b, "run %s: %.0f done, %.0f failed, %.0f skipped, %.0f not run, %.0f tokens",
			    runs_str(r, "status"), runs_num(r, "done"), runs_num(r, "failed"), runs_num(r, "skipped"),
			    runs_num(r, "notRun"), runs_num(r, "tokens"));
	} else {
		if (!strcmp(event, "commit") && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "commit")))
			sw_buf_addf(b, "%-8s committed %.12s", *task ? task : runs_str(r, "file"), runs_str(r, "commit"));
		else if (!strcmp(event, "commit"))
			sw_buf_addf(b, "%-8s nothing to commit", task);
		else
			sw_buf_addf(b, "%s %s %s", event, task, runs_str(r, "error"));
	}
	return;
none:
	sw_buf_reset(b);
}

static void show_event(const char *event, const cJSON *rec, void *data)
{
	struct show *sh = data;
	struct sw_buf b = SW_BUF_INIT;

	if (sh->json) {
		sw_json_print(&b, rec, 0);
	} else {
		describe(&b, event, rec, sh->verbose);
		if (!b.len) {
			sw_buf_release(&b);
			return;
		}
	}
	puts(b.ptr);
	fflush(stdout);
	sw_buf_release(&b);
}

/* "verify" in .kiro/settings/specwright.json, or NULL. */
static char *settings_verify(const char *kiro_dir)
{
	char *path = sw_path_join(kiro_dir, "settings/specwright.json");
	cJSON *doc = NULL;
	const cJSON *v;
	char *out = NULL;

	if (sw_is_file(path) && sw_json_parse_file(&doc, path, NULL) == 0) {
		v = cJSON_GetObjectItemCaseSensitive(doc, "verify");
		if (cJSON_IsString(v) && *v->valuestring)
			out = sw_xstrdup(v->valuestring);
	}
	cJSON_Delete(doc);
	free(path);
	return out;
}

static int run_plan_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	int json = ctx->json, dry = 0, sequential = 0, optional = 0, trust_all = 0, commit = 0, review = 0, worktrees = 0, rc, code = 0;
	long parallel = 0, retries = 2, timeout = 0, budget = 0;
	const char *agent = NULL, *agent_cmd = NULL, *model = NULL, *verify = NULL, *budget_usd = NULL;
	double usd = 0;
	struct sw_strvec trust = SW_STRVEC_INIT, trust_split = SW_STRVEC_INIT, agent_argv = SW_STRVEC_INIT;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "dry-run", &dry, "print the plan: waves, conflicts, what is left out"),
		SW_OPT_INT(0, "parallel", &parallel, "N", "run at most N tasks at once (default min(4, cores))"),
		SW_OPT_BOOL(0, "sequential", &sequential, "one task at a time, in file order"),
		SW_OPT_BOOL(0, "include-optional", &optional, "run optional ('*') tasks too"),
		SW_OPT_STRING(0, "agent", &agent, "NAME", "the built-in agent with this custom agent's settings"),
		SW_OPT_STRING(0, "agent-cmd", &agent_cmd, "'CMD ARGS'", "any ACP agent command (split at blanks)"),
		SW_OPT_STRING(0, "model", &model, "P/M", "the built-in agent's model"),
		SW_OPT_BOOL(0, "trust-all-tools", &trust_all, "allow every tool an agent asks for"),
		SW_OPT_LIST(0, "trust-tools", &trust, "T,...", "allow these tools (globs) when an agent asks"),
		SW_OPT_STRING(0, "verify", &verify, "CMD", "shell command that must pass after each task"),
		SW_OPT_INT(0, "max-retries", &retries, "N", "attempts after a failed one (default 2)"),
		SW_OPT_INT(0, "task-timeout", &timeout, "S", "seconds one agent turn may take (default 1800)"),
		SW_OPT_INT(0, "budget-tokens", &budget, "N", "stop the run once agents used N tokens"),
		SW_OPT_STRING(0, "budget-usd", &budget_usd, "X", "stop the run once agents reported X USD of cost"),
		SW_OPT_BOOL(0, "commit", &commit, "commit each verified task (with --sequential)"),
		SW_OPT_BOOL(0, "review", &review, "a second, read-only agent session accepts or rejects each task"),
		SW_OPT_BOOL(0, "worktrees", &worktrees, "each task in its own git worktree, its commit applied once verified"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};
	struct plan_opts po = PLAN_OPTS_INIT;
	struct orch_opts oo = ORCH_OPTS_INIT;
	struct orch_result res = ORCH_RESULT_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct show sh = { 0, 0 };
	struct plan *p = NULL;
	struct spec *s = NULL;
	char *dir = NULL, *settings_cmd = NULL;
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
	if (retries < 0 || retries > 100)
		return sw_usage_error(run_usage, "--max-retries: expected 0 to 100, got %ld", retries);
	if (timeout < 0 || budget < 0)
		return sw_usage_error(run_usage, "--task-timeout and --budget-tokens take positive numbers");
	if (agent && agent_cmd)
		return sw_usage_error(run_usage, "--agent and --agent-cmd exclude each other");
	if (budget_usd) {
		char *end = NULL;

		usd = strtod(budget_usd, &end);
		if (!*budget_usd || *end || !(usd > 0) || usd > 1e9)
			return sw_usage_error(run_usage, "--budget-usd: expected a positive amount, got '%s'", budget_usd);
	}
	if (commit && !worktrees && !dry && !sequential && parallel != 1)
		return sw_usage_error(run_usage, "--commit takes one task at a time: add --sequential, or "
				      "--worktrees (tasks running side by side share one working tree)");
	if (agent_cmd && (model))
		return sw_usage_error(run_usage, "--model is for the built-in agent; give the model in --agent-cmd");
	if ((rc = cmd_spec_open(&s, ctx, argv[0])) != 0)
		return rc;
	if (!s->tasks_doc) {
		sw_errorf("spec '%s' has no tasks.md yet", s->name);
		spec_free(s);
		return 1;
	}
	po.tasks = argc > 1 ? argv + 1 : NULL;
	po.ntasks = (size_t)argc - 1;
	po.include_optional = optional;
	po.parallel = sequential ? 1 : (size_t)parallel;
	if (dry) {
		rc = plan_build(&p, s->tasks_doc, s->tasks.display, &po, &diags, &err);
		if (rc && rc != SW_EINVAL) {
			code = sw_cmd_fail(&err);
			goto done;
		}
		/* The spec's own errors in tasks.md (a cycle in its graph, ...) stop a run too. */
		for (i = 0; i < s->diags.nr; i++)
			if (s->diags.v[i].severity == SW_SEV_ERROR && !strcmp(s->diags.v[i].path, s->tasks.display) &&
			    !strncmp(s->diags.v[i].code, "waves-", 6))
				rc = sw_error_set(&err, SW_EINVAL, "%s: the task plan cannot run as written",
						  s->tasks.display);
		if (json)
			sw_cmd_json_print_line_take(plan_json(s, p, &diags));
		else
			plan_print(s, p);
		sw_cmd_print_diags(&diags, ctx->cwd, SW_SEV_WARNING);
		if (rc) {
			cmd_spec_print_diags(s, 1);
			sw_report(&err);
			code = 1;
		}
		goto done;
	}
	if (sw_cmd_need_workspace(ctx)) {
		code = 1;
		goto done;
	}
	for (i = 0; i < trust.nr; i++)
		sw_strvec_split(&trust_split, trust.v[i], ',');
	if (agent_cmd) {
		sw_strvec_split(&agent_argv, agent_cmd, ' ');
		for (i = 0; i < agent_argv.nr; i++)
			if (!*agent_argv.v[i]) {
				free(agent_argv.v[i]);
				memmove(&agent_argv.v[i], &agent_argv.v[i + 1], (agent_argv.nr - i) * sizeof(char *));
				agent_argv.nr--;
				i--;
			}
		if (!agent_argv.nr) {
			code = sw_usage_error(run_usage, "--agent-cmd: no command given");
			goto done;
		}
	}
	if (!verify)
		verify = settings_cmd = settings_verify(ctx->kiro_dir);
	dir = sw_xstrdup(s->dir);
	sh.json = json;
	sh.verbose = sw_log_level() >= SW_LOG_VERBOSE;
	oo.root = ctx->root;
	oo.kiro_dir = ctx->kiro_dir;
	oo.spec_dir = dir;
	oo.base = ctx->cwd;
	oo.plan = po;
	oo.agent_argv = agent_cmd ? (const char *const *)agent_argv.v : NULL;
	oo.agent = agent;
	oo.model = model;
	oo.trust_all = trust_all;
	oo.trust = trust_split.nr ? (const char *const *)trust_split.v : NULL;
	oo.verify = verify;
	oo.max_retries = (int)retries;
	oo.task_timeout_ms = (uint64_t)timeout * 1000;
	oo.budget_tokens = budget;
	oo.budget_usd = usd;
	oo.commit = commit;
	oo.review = review;
	oo.worktrees = worktrees;
	oo.on_event = show_event;
	oo.data = &sh;
	spec_free(s);
	s = NULL;
	rc = orch_run(&res, &oo, &diags, &err);
	sw_cmd_print_diags(&diags, ctx->cwd, SW_SEV_WARNING);
	if (rc < 0) {
		code = sw_cmd_fail(&err);
		goto done;
	}
	if (!res.run_id && !json)
		printf("nothing to run: every task asked for is done or left out\n");
	code = res.failed || res.skipped || res.cancelled || res.cancelled_run ? 1 : 0;
done:
	orch_result_release(&res);
	plan_free(p);
	sw_diags_release(&diags);
	spec_free(s);
	sw_strvec_clear(&trust);
	sw_strvec_clear(&trust_split);
	sw_strvec_clear(&agent_argv);
	free(settings_cmd);
	free(dir);
	return code;
}

/* ---- looking at runs ------------------------------------------------------------------------ */

/* Loads the journal of run @id; prints the error and returns 1. */
static int load_run(cJSON **journal, char **dir_out, struct sw_ctx *ctx, const char *id)
{
	struct sw_error err = SW_ERROR_INIT;
	char *dir = NULL, *path;
	int rc;

	*journal = NULL;
	*dir_out = NULL;
	if (runs_dir(&dir, ctx->kiro_dir, id, &err) < 0)
		return sw_cmd_fail(&err);
	path = sw_path_join(dir, "journal.ndjson");
	rc = journal_read(journal, path, &err);
	free(path);
	if (rc < 0) {
		free(dir);
		return sw_cmd_fail(&err);
	}
	*dir_out = dir;
	return 0;
}

static int run_list_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright run list [--json]",
					     "\nThe runs under .kiro/runs, oldest first, with their state.", NULL };
	int json = ctx->json, code = 0;
	struct sw_strvec names = SW_STRVEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *arr = cJSON_CreateArray();
	char *runs = NULL;
	size_t i;

	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0) {
		cJSON_Delete(arr);
		return sw_opt_exit(argc);
	}
	if (sw_cmd_need_workspace(ctx)) {
		cJSON_Delete(arr);
		return 1;
	}
	if (runs_list(&names, ctx->kiro_dir, &err) < 0) {
		code = sw_cmd_fail(&err);
		goto done;
	}
	runs = sw_path_join(ctx->kiro_dir, "runs");
	for (i = 0; i < names.nr; i++) {
		cJSON *j = NULL, *sum;
		char *dir = sw_path_join(runs, names.v[i]), *path = sw_path_join(dir, "journal.ndjson");
		struct sw_error jerr = SW_ERROR_INIT;

		if (sw_is_dir(dir) && journal_read(&j, path, &jerr) == 0) {
			sum = runs_summary(names.v[i], dir, j);
		} else {
			sum = cJSON_CreateObject();
			cJSON_AddStringToObject(sum, "run", names.v[i]);
			cJSON_AddStringToObject(sum, "status", "unreadable");
			cJSON_AddStringToObject(sum, "error", jerr.code ? jerr.msg : "no journal");
			code = 1;
		}
		cJSON_DeleteItemFromObject(sum, "tasks");
		cJSON_AddItemToArray(arr, sum);
		cJSON_Delete(j);
		free(path);
		free(dir);
	}
	if (json) {
		cJSON *doc = cJSON_CreateObject();

		cJSON_AddItemToObject(doc, "runs", arr);
		arr = NULL;
		sw_cmd_json_print_line_take(doc);
	} else {
		cJSON *r;

		if (!cJSON_GetArraySize(arr))
			printf("no runs yet (start one with 'specwright run SPEC')\n");
		cJSON_ArrayForEach(r, arr)
			printf("%-40s %-12s %-24s %3.0f done %3.0f failed %3.0f skipped\n", runs_str(r, "run"),
			       runs_str(r, "status"), runs_str(r, "spec"), runs_num(r, "done"), runs_num(r, "failed"),
			       runs_num(r, "skipped"));
	}
done:
	cJSON_Delete(arr);
	sw_strvec_clear(&names);
	free(runs);
	return code;
}

/* The newest run's name, or NULL. */
static char *latest_run(struct sw_ctx *ctx)
{
	struct sw_strvec names = SW_STRVEC_INIT;
	char *out = NULL;

	if (runs_list(&names, ctx->kiro_dir, NULL) == 0 && names.nr)
		out = sw_xstrdup(names.v[names.nr - 1]);
	sw_strvec_clear(&names);
	return out;
}

static int run_status_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright run status [<run>] [--json]",
					     "\nEach task of a run (the newest when none is named), from its journal.",
					     NULL };
	int json = ctx->json, code = 0;
	cJSON *journal = NULL, *sum, *t;
	char *dir = NULL, *id = NULL;

	argc = sw_cmd_parse_json(argc, argv, usage, 1, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (sw_cmd_need_workspace(ctx))
		return 1;
	id = argc ? sw_xstrdup(argv[0]) : latest_run(ctx);
	if (!id) {
		sw_errorf("no runs yet under .kiro/runs (start one with 'specwright run SPEC')");
		return 1;
	}
	if (load_run(&journal, &dir, ctx, id)) {
		free(id);
		return 1;
	}
	sum = runs_summary(id, dir, journal);
	if (json) {
		sw_cmd_json_print_line_take(sum);
		sum = NULL;
	} else {
		printf("run %s (%s): %s\n", id, runs_str(sum, "spec"), runs_str(sum, "status"));
		printf("%-8s %-10s %8s %9s %8s  %s\n", "task", "state", "attempts", "elapsed", "tokens", "title");
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(sum, "tasks")) {
			char el[32] = "-";

			if (cJSON_GetObjectItemCaseSensitive(t, "elapsedMs"))
				snprintf(el, sizeof(el), "%.1f s", runs_num(t, "elapsedMs") / 1000);
			printf("%-8s %-10s %8.0f %9s %8.0f  %s\n", runs_str(t, "id"), runs_str(t, "state"),
			       runs_num(t, "attempts"), el, runs_num(t, "tokens"), runs_str(t, "title"));
			if (*runs_str(t, "reason") && strcmp(runs_str(t, "state"), "done"))
				printf("%-8s   %s\n", "", runs_str(t, "reason"));
		}
	}
	cJSON_Delete(sum);
	cJSON_Delete(journal);
	free(dir);
	free(id);
	return code;
}

static int run_log_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright run log <run> [<task>] [--json]",
					     "\nA run's journal as lines (--json: as written), or one task's log.", NULL };
	int json = ctx->json, code = 0;
	cJSON *journal = NULL, *r;
	char *dir = NULL;
	struct sw_buf b = SW_BUF_INIT;

	argc = sw_cmd_parse_json(argc, argv, usage, 2, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(usage, "which run? (see 'specwright run list')");
	if (sw_cmd_need_workspace(ctx) || load_run(&journal, &dir, ctx, argv[0]))
		return 1;
	if (argc == 2) {
		struct sw_error err = SW_ERROR_INIT;
		char *path;

		sw_buf_addf(&b, "%s/logs/%s.log", dir, argv[1]);
		path = sw_buf_detach(&b, NULL);
		if (strchr(argv[1], '/') || argv[1][0] == '.' || !sw_is_file(path)) {
			sw_errorf("run '%s' has no log for task '%s'", argv[0], argv[1]);
			code = 1;
		} else if (sw_read_file(&b, path, 64u << 20, &err) < 0) {
			code = sw_cmd_fail(&err);
		} else {
			fwrite(b.ptr, 1, b.len, stdout);
		}
		free(path);
		goto done;
	}
	cJSON_ArrayForEach(r, journal) {
		if (json)
			sw_json_print(&b, r, 0);
		else
			describe(&b, runs_str(r, "event"), r, 1);
		if (b.len)
			puts(b.ptr);
		sw_buf_reset(&b);
	}
done:
	sw_buf_release(&b);
	cJSON_Delete(journal);
	free(dir);
	return code;
}

static int run_cancel_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright run cancel <run>",
					     "\nCancels a running run: its agents' turns are cancelled, tasks not",
					     "\nverified go back to [ ], and the journal records why.", NULL };
	const struct sw_opt opts[] = { SW_OPT_END };
	cJSON *journal = NULL;
	char *dir = NULL;
	long pid;
	int code = 0;

	argc = sw_cmd_parse(argc, argv, opts, usage, 1);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(usage, "which run? (see 'specwright run list')");
	if (sw_cmd_need_workspace(ctx) || load_run(&journal, &dir, ctx, argv[0]))
		return 1;
	pid = runs_pid(dir);
	if (!pid) {
		sw_errorf("run '%s' is not running", argv[0]);
		code = 1;
	} else if (kill((pid_t)pid, SIGTERM) != 0) {
		sw_errorf("cannot signal run '%s' (pid %ld): %s", argv[0], pid, strerror(errno));
		code = 1;
	} else {
		printf("cancelling run %s (pid %ld)\n", argv[0], pid);
	}
	cJSON_Delete(journal);
	free(dir);
	return code;
}

static int run_resume_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright run resume <run> [--json]",
		"\nGoes on with a run that was killed, cancelled or ended with failures: the tasks\n"
		"its journal shows verified are left out, every other one runs again with the run's\n"
		"options, and the same journal grows.",
		NULL,
	};
	int json = ctx->json, code = 0, rc;
	struct orch_resume r;
	struct orch_result res = ORCH_RESULT_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct show sh = { 0, 0 };

	argc = sw_cmd_parse_json(argc, argv, usage, 1, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(usage, "which run? (see 'specwright run list')");
	if (sw_cmd_need_workspace(ctx))
		return 1;
	if (orch_resume_load(&r, ctx->kiro_dir, argv[0], &err) < 0)
		return sw_cmd_fail(&err);
	sh.json = json;
	sh.verbose = sw_log_level() >= SW_LOG_VERBOSE;
	r.opts.root = ctx->root;
	r.opts.kiro_dir = ctx->kiro_dir;
	r.opts.base = ctx->cwd;
	r.opts.on_event = show_event;
	r.opts.data = &sh;
	rc = orch_run(&res, &r.opts, &diags, &err);
	sw_cmd_print_diags(&diags, ctx->cwd, SW_SEV_WARNING);
	if (rc < 0)
		code = sw_cmd_fail(&err);
	else
		code = res.failed || res.skipped || res.cancelled || res.cancelled_run ? 1 : 0;
	orch_result_release(&res);
	sw_diags_release(&diags);
	orch_resume_release(&r);
	return code;
}

int cmd_run(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const struct {
		const char *name;
		int (*fn)(int, const char **, struct sw_ctx *);
	} verbs[] = {
		{ "list", run_list_cmd }, { "status", run_status_cmd }, { "log", run_log_cmd },
		{ "cancel", run_cancel_cmd },
	};
	size_t i;

	if (argc >= 2)
		for (i = 0; i < SW_ARRAY_SIZE(verbs); i++)
			if (!strcmp(argv[1], verbs[i].name))
				return verbs[i].fn(argc - 1, argv + 1, ctx);
	if (argc >= 2 && !strcmp(argv[1], "resume"))
		return run_resume_cmd(argc - 1, argv + 1, ctx);
	return run_plan_cmd(argc, argv, ctx);
}
