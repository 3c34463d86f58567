/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec.c - "specwright spec": list, show, lint, trace, next, waves, task.
 *
 * The verb table below is the group's whole interface; each verb parses its
 * options, calls specs-engine/spec.h and prints text, or with --json exactly
 * one JSON document (shapes in docs/json.md).  Diagnostics go to stderr in
 * compiler style with a caret excerpt.  Exit: 0 ok, 1 error (lint errors,
 * or warnings with --strict), 2 usage.
 */
#include "base/compat.h"
#include "cmd/spec.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/contain.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "base/opt.h"
#include "specs-engine/spec_json.h"
#include "specs-engine/trace.h"
#include "specs-engine/waves.h"

static int spec_list_cmd(int argc, const char **argv, struct sw_ctx *ctx);
static int spec_show_cmd(int argc, const char **argv, struct sw_ctx *ctx);
static int spec_lint_cmd(int argc, const char **argv, struct sw_ctx *ctx);
static int spec_trace_cmd(int argc, const char **argv, struct sw_ctx *ctx);
static int spec_next_cmd(int argc, const char **argv, struct sw_ctx *ctx);
static int spec_waves_cmd(int argc, const char **argv, struct sw_ctx *ctx);
static int spec_task_cmd(int argc, const char **argv, struct sw_ctx *ctx);

static const struct sw_cmd spec_verbs[] = {
	{ "list", spec_list_cmd, 0, "List the specs of the workspace" },
	{ "show", spec_show_cmd, 0, "Show a spec: requirements, properties, tasks" },
	{ "lint", spec_lint_cmd, 0, "Check specs: EARS, numbering, references, waves" },
	{ "trace", spec_trace_cmd, 0, "Criterion x task x property matrix" },
	{ "next", spec_next_cmd, 0, "Tasks ready to start" },
	{ "waves", spec_waves_cmd, 0, "Dependency waves, computed and from the file" },
	{ "task", spec_task_cmd, 0, "Set a task's status (todo, queued, doing, done)" },
	/* generation (new, refine, approve, status, commit): handlers declared in cmd/spec.h */
	{ "new", cmd_spec_new, SW_CMD_NEEDS_WORKSPACE, "Write a new spec from a prompt through the agent, phase by phase" },
	{ "approve", cmd_spec_approve, SW_CMD_NEEDS_WORKSPACE, "Approve a phase's document and write the next one" },
	{ "refine", cmd_spec_refine, SW_CMD_NEEDS_WORKSPACE, "Revise a phase's document from a review comment" },
	{ "status", cmd_spec_status, SW_CMD_NEEDS_WORKSPACE, "Where a spec stands: each phase written, waiting or approved" },
	{ "commit", cmd_spec_commit, SW_CMD_NEEDS_WORKSPACE, "Commit a spec's files (and nothing else) with git" },

	{ NULL, NULL, 0, NULL },
};

int cmd_spec(int argc, const char **argv, struct sw_ctx *ctx)
{
	return sw_cmd_dispatch("spec", spec_verbs, argc, argv, ctx);
}

/* ---- shared helpers ----------------------------------------------------------------- */

const char *cmd_spec_kiro_dir(struct sw_ctx *ctx)
{
	sw_cmd_find_workspace(ctx, NULL);
	return ctx->kiro_dir;
}

const char *cmd_spec_root_for(struct sw_ctx *ctx, const char *dir)
{
	char *abs = sw_path_absolute(dir);
	int in = ctx->root && sw_inside_is_under(abs, ctx->root);

	free(abs);
	return in ? ctx->root : NULL;
}

int cmd_spec_open(struct spec **out, struct sw_ctx *ctx, const char *name)
{
	struct sw_error err = SW_ERROR_INIT;
	char *dir = NULL;
	int rc;

	*out = NULL;
	rc = spec_resolve(&dir, cmd_spec_kiro_dir(ctx), name, &err);
	if (rc == 0)
		rc = spec_load_inside(out, dir, ctx->cwd, cmd_spec_root_for(ctx, dir), &err);
	free(dir);
	if (rc < 0) {
		sw_report(&err);
		return 1;
	}
	return 0;
}

void cmd_spec_print_diags(const struct spec *s, int errors_only)
{
	size_t i;

	for (i = 0; i < s->diags.nr; i++) {
		const struct sw_diag *d = &s->diags.v[i];
		const char *src = NULL;
		size_t len = 0;

		if (errors_only && d->severity != SW_SEV_ERROR)
			continue;
		spec_source(s, d->path, &src, &len);
		sw_report_diag(stderr, d, src, len);
	}
}

/* The .kiro folder, for the verbs that go over every spec; prints the error outside a workspace. */
static const char *need_kiro_dir(struct sw_ctx *ctx)
{
	const char *kiro = cmd_spec_kiro_dir(ctx);

	if (!kiro)
		sw_errorf("not in a .kiro workspace (no .kiro folder in '%s' or above)", ctx->cwd);
	return kiro;
}

/*
 * Loads the spec a verb names in its one argument, @name (NULL when none
 * was given: a usage error).  Returns 0, or the exit code once the problem
 * is printed.
 */
static int open_spec_arg(struct spec **s, struct sw_ctx *ctx, const char *name, const char *const *usage)
{
	*s = NULL;
	if (!name)
		return sw_usage_error(usage, "which spec? (see 'specwright spec list')");
	return cmd_spec_open(s, ctx, name);
}

/* open_spec_arg() for the verbs that work on the plan, which need a tasks.md. */
static int open_plan_arg(struct spec **s, struct sw_ctx *ctx, const char *name, const char *const *usage)
{
	int rc = open_spec_arg(s, ctx, name, usage);

	if (rc || (*s)->tasks_doc)
		return rc;
	sw_errorf("spec '%s' has no tasks.md yet", (*s)->name);
	spec_free(*s);
	*s = NULL;
	return 1;
}

/* ---- list ---------------------------------------------------------------------------- */

static int spec_list_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright spec list [--json]",
					     "\nLists the specs under .kiro/specs (and .kiro/plans).", NULL };
	int json = ctx->json, rc = 0;
	struct sw_strvec dirs = SW_STRVEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	const char *kiro;
	cJSON *doc = NULL, *arr = NULL;
	size_t i;

	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!(kiro = need_kiro_dir(ctx)))
		return 1;
	if (spec_list(&dirs, kiro, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (json) {
		doc = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(doc, "specs");
	} else if (dirs.nr) {
		printf("%-32s %-8s %5s %8s %11s %s\n", "NAME", "TYPE", "REQS", "CRITERIA", "TASKS DONE", "LINT");
	}
	for (i = 0; i < dirs.nr; i++) {
		struct spec *s = NULL;
		size_t counts[4], total;
		char *rel = sw_path_relative(dirs.v[i], ctx->cwd);

		sw_error_clear(&err);
		if (spec_load_inside(&s, dirs.v[i], ctx->cwd, cmd_spec_root_for(ctx, dirs.v[i]), &err) < 0) {
			/* Listed with its error, like the others; the exit status says something failed. */
			const char *slash = strrchr(dirs.v[i], '/');
			const char *name = slash ? slash + 1 : dirs.v[i];

			if (json) {
				cJSON *o = cJSON_CreateObject();

				cJSON_AddStringToObject(o, "name", name);
				cJSON_AddStringToObject(o, "path", rel);
				cJSON_AddStringToObject(o, "error", err.msg);
				cJSON_AddItemToArray(arr, o);
			} else {
				printf("%-32s %-8s error: %s\n", name, "-", err.msg);
				sw_report(&err);
			}
			rc = 1;
			free(rel);
			continue;
		}
		spec_task_counts(s, counts, &total);
		if (json) {
			cJSON_AddItemToArray(arr, spec_json_summary(s, rel));
		} else {
			printf("%-32s %-8s %5zu %8zu %5zu/%-5zu %zu error%s, %zu warning%s\n", s->name,
			       spec_kind_name(s), s->reqs ? s->reqs->nreqs : 0, s->reqs ? s->reqs->ncrit : 0,
			       counts[TASKS_DONE], total, s->diags.errors, s->diags.errors == 1 ? "" : "s",
			       s->diags.warnings, s->diags.warnings == 1 ? "" : "s");
		}
		free(rel);
		spec_free(s);
	}
	if (json)
		sw_cmd_json_print_line_take(doc);
	else if (!dirs.nr)
		printf("no specs under %s/specs\n", kiro);
out:
	sw_strvec_clear(&dirs);
	return rc;
}

/* ---- show ---------------------------------------------------------------------------- */

static void refs_text(struct sw_buf *b, const struct req_refs *refs)
{
	cJSON *arr = spec_json_refs(refs), *e;
	int first = 1;

	cJSON_ArrayForEach(e, arr) {
		sw_buf_addf(b, "%s%s", first ? "" : ", ", e->valuestring);
		first = 0;
	}
	cJSON_Delete(arr);
}

static void show_text(const struct spec *s, const char *rel)
{
	size_t i, j, counts[4], total;

	spec_task_counts(s, counts, &total);
	printf("%s (%s spec) at %s\n", s->name, spec_kind_name(s), rel);
	if (s->config.present)
		printf("  config: workflowType=%s specType=%s\n",
		       s->config.workflow_type ? s->config.workflow_type : s->config.generation_mode ? s->config.generation_mode : "-",
		       s->config.spec_type ? s->config.spec_type : "-");
	printf("  files: %s, %s, %s\n", s->req.display ? s->req.display : "(no requirements)",
	       s->design.display ? s->design.display : "(no design)", s->tasks.display ? s->tasks.display : "(no tasks)");
	if (s->reqs) {
		printf("\n%s: %zu requirement%s, %zu criteri%s, %zu glossary term%s\n",
		       s->bugfix ? "Bug analysis" : "Requirements", s->reqs->nreqs, s->reqs->nreqs == 1 ? "" : "s",
		       s->reqs->ncrit, s->reqs->ncrit == 1 ? "on" : "a", s->reqs->nterms,
		       s->reqs->nterms == 1 ? "" : "s");
		for (i = 0; i < s->reqs->nreqs; i++) {
			const struct req_requirement *r = &s->reqs->reqs[i];

			const size_t *idx;
			size_t nc = req_criteria_of(s->reqs, r->num, &idx);

			printf("  %s %s\n", r->id, r->title);
			for (j = 0; j < nc; j++) {
				const struct req_criterion *c = &s->reqs->crit[idx[j]];
				char *text;

				text = spec_criterion_text(s, c);
				printf("    %-6s [%s] %.100s%s\n", c->id, ears_class_name(c->cls), text, strlen(text) > 100 ? "…" : "");
				free(text);
			}
		}
	}
	if (s->design_doc && s->design_doc->nprops) {
		printf("\nProperties: %zu\n", s->design_doc->nprops);
		for (i = 0; i < s->design_doc->nprops; i++) {
			struct sw_buf b = SW_BUF_INIT;

			refs_text(&b, &s->design_doc->props[i].validates);
			printf("  %-4s %s%s%s%s\n", s->design_doc->props[i].id, s->design_doc->props[i].title,
			       b.len ? " (validates " : "", b.ptr, b.len ? ")" : "");
			sw_buf_release(&b);
		}
	}
	if (s->tasks_doc) {
		printf("\nTasks: %zu (%zu done, %zu in progress, %zu queued, %zu to do)\n", total, counts[TASKS_DONE],
		       counts[TASKS_DOING], counts[TASKS_QUEUED], counts[TASKS_TODO]);
		for (i = 0; i < s->tasks_doc->ntasks; i++) {
			const struct tasks_task *t = &s->tasks_doc->tasks[i];

			printf("  %*s[%c]%s %s %.90s\n", t->level * 2, "", tasks_state_char(t->state), t->optional ? "*" : " ",
			       t->id, t->title);
		}
	}
	printf("\nLint: %zu error%s, %zu warning%s (see 'specwright spec lint %s')\n", s->diags.errors,
	       s->diags.errors == 1 ? "" : "s", s->diags.warnings, s->diags.warnings == 1 ? "" : "s", s->name);
}

static int spec_show_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright spec show [--json] <name>",
					     "\nShows a spec: its requirements, properties and tasks.", NULL };
	int json = ctx->json, rc;
	struct spec *s = NULL;
	char *rel;

	argc = sw_cmd_parse_json(argc, argv, usage, 1, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if ((rc = open_spec_arg(&s, ctx, argc ? argv[0] : NULL, usage)) != 0)
		return rc;
	rel = sw_path_relative(s->dir, ctx->cwd);
	if (json)
		sw_cmd_json_print_line_take(spec_json_show(s, rel));
	else
		show_text(s, rel);
	free(rel);
	spec_free(s);
	return 0;
}

/* ---- lint ---------------------------------------------------------------------------- */

/* The specs to lint: those named in @argv, or every spec of the workspace.  Returns an exit code. */
static int lint_targets(struct sw_strvec *targets, struct sw_ctx *ctx, int argc, const char **argv)
{
	struct sw_error err = SW_ERROR_INIT;
	const char *kiro;
	int i;

	for (i = 0; i < argc; i++)
		sw_strvec_push(targets, argv[i]);
	if (argc)
		return 0;
	if (!(kiro = need_kiro_dir(ctx)))
		return 1;
	return spec_list(targets, kiro, &err) < 0 ? sw_cmd_fail(&err) : 0;
}

/* Loads lint target @t: a spec file, or a spec by name or folder.  Returns 0 or the error code (@err set). */
static int open_lint_target(struct spec **s, struct sw_ctx *ctx, const char *t, struct sw_error *err)
{
	char *dir = NULL;
	int rc;

	*s = NULL;
	if (sw_is_file(t))
		return spec_load_file(s, t, ctx->cwd, err);
	rc = spec_resolve(&dir, cmd_spec_kiro_dir(ctx), t, err);
	if (rc == 0)
		rc = spec_load(s, dir, ctx->cwd, err);
	free(dir);
	return rc;
}

/* Appends the diagnostics of @s (only its errors with @errors_only) to @all, for --json. */
static void keep_diags(struct sw_diags *all, const struct spec *s, int errors_only)
{
	struct sw_diags copy = SW_DIAGS_INIT;
	size_t i;

	for (i = 0; i < s->diags.nr; i++) {
		const struct sw_diag *g = &s->diags.v[i];
		struct sw_diag *n;

		if (errors_only && g->severity != SW_SEV_ERROR)
			continue;
		n = sw_diag_add(&copy, g->severity, g->code, g->path, g->line, g->col, "%s", g->msg);
		if (g->hint)
			sw_diag_set_hint(n, "%s", g->hint);
	}
	sw_diags_move(all, &copy);
	sw_diags_release(&copy);
}

static int spec_lint_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec lint [--strict] [--json] [<name>|<path>...]",
		"\nChecks specs: EARS wording of every criterion, numbering, task structure,",
		"references between requirements, design and tasks, and the waves graph.",
		"\nWith no argument, every spec of the workspace.  Exits 1 when there are errors.",
		NULL,
	};
	int json = ctx->json, strict = 0, quiet = 0, rc;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "strict", &strict, "treat warnings as errors"),
		SW_OPT_BOOL('q', "errors-only", &quiet, "print only errors"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};
	struct sw_strvec targets = SW_STRVEC_INIT;
	struct sw_diags all = SW_DIAGS_INIT;
	size_t errors = 0, warnings = 0, specs = 0, k;

	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if ((rc = lint_targets(&targets, ctx, argc, argv)) != 0)
		goto out;
	for (k = 0; k < targets.nr; k++) {
		struct spec *s = NULL;
		struct sw_error err = SW_ERROR_INIT;
		int lrc = open_lint_target(&s, ctx, targets.v[k], &err);

		if (lrc < 0) {
			/* A spec that cannot be loaded is checked and found wanting: one error, where it is. */
			specs++;
			errors++;
			if (json)
				sw_diag_add_error(&all, lrc == SW_ETOOBIG ? "spec-too-big" : "spec-load", &err);
			else
				sw_report(&err);
			rc = 1;
			continue;
		}
		specs++;
		errors += s->diags.errors;
		warnings += s->diags.warnings;
		if (json)
			keep_diags(&all, s, quiet);
		else
			cmd_spec_print_diags(s, quiet);
		spec_free(s);
	}
	if (json) {
		cJSON *doc = cJSON_CreateObject();

		cJSON_AddNumberToObject(doc, "specs", (double)specs);
		cJSON_AddNumberToObject(doc, "errors", (double)errors);
		cJSON_AddNumberToObject(doc, "warnings", (double)warnings);
		cJSON_AddBoolToObject(doc, "ok", !rc && !errors && !(strict && warnings));
		cJSON_AddItemToObject(doc, "diagnostics", spec_json_diags(&all, 0));
		sw_cmd_json_print_line_take(doc);
	} else if (sw_log_level() >= SW_LOG_NORMAL) {
		fprintf(stderr, "%zu spec%s checked: %zu error%s, %zu warning%s\n", specs, specs == 1 ? "" : "s", errors,
			errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	}
	if (errors || (strict && warnings))
		rc = 1;
out:
	sw_diags_release(&all);
	sw_strvec_clear(&targets);
	return rc;
}

/* ---- trace --------------------------------------------------------------------------- */

static void join(struct sw_buf *b, const struct sw_strvec *v, const char *prefix)
{
	size_t i;

	for (i = 0; i < v->nr; i++)
		sw_buf_addf(b, "%s%s%s", i ? ", " : "", prefix, v->v[i]);
}

static int spec_trace_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec trace [--markdown|--json] <name>",
		"\nThe traceability matrix: each acceptance criterion with the tasks and",
		"design properties that name it, then uncovered criteria and dangling references.",
		NULL,
	};
	int json = ctx->json, markdown = 0, rc;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "markdown", &markdown, "print a Markdown table"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};
	struct spec *s = NULL;
	struct trace *tr = NULL;
	size_t i;

	argc = sw_cmd_parse(argc, argv, opts, usage, 1);
	if (argc < 0)
		return sw_opt_exit(argc);
	if ((rc = open_spec_arg(&s, ctx, argc ? argv[0] : NULL, usage)) != 0)
		return rc;
	trace_build(&tr, s->reqs, s->design_doc, s->tasks_doc, NULL);
	if (json) {
		sw_cmd_json_print_line_take(spec_json_trace(s, tr));
	} else {
		if (markdown)
			printf("| Criterion | EARS | Tasks | Properties |\n|---|---|---|---|\n");
		else
			printf("%-10s %-13s %-30s %s\n", "CRITERION", "EARS", "TASKS", "PROPERTIES");
		for (i = 0; i < tr->nrows; i++) {
			const struct trace_row *r = &tr->rows[i];
			struct sw_buf ts = SW_BUF_INIT, ps = SW_BUF_INIT;

			join(&ts, &r->tasks, "");
			join(&ps, &r->props, markdown ? "P" : "P");
			if (markdown)
				printf("| %s | %s | %s | %s |\n", r->crit->id, ears_class_name(r->crit->cls),
				       ts.len ? ts.ptr : (r->needs_task ? "**uncovered**" : "—"), ps.len ? ps.ptr : "—");
			else
				printf("%-10s %-13s %-30s %s\n", r->crit->id, ears_class_name(r->crit->cls),
				       ts.len ? ts.ptr : (r->needs_task ? "(uncovered)" : "-"), ps.len ? ps.ptr : "-");
			sw_buf_release(&ts);
			sw_buf_release(&ps);
		}
		printf("\n%zu criteri%s, %zu uncovered, %zu dangling reference%s\n", tr->nrows,
		       tr->nrows == 1 ? "on" : "a", tr->uncovered, tr->ndangling, tr->ndangling == 1 ? "" : "s");
		for (i = 0; i < tr->ndangling; i++) {
			const struct trace_dangling *d = &tr->dangling[i];

			printf("%s%s:%d:%d: %s %s names %s\n", markdown ? "- " : "  ",
			       d->from == TRACE_FROM_PROPERTY ? s->design.display : s->tasks.display, d->line, d->col,
			       d->from == TRACE_FROM_PROPERTY ? "property" : "task", d->owner, d->ref);
		}
	}
	trace_free(tr);
	spec_free(s);
	return 0;
}

/* ---- next / waves -------------------------------------------------------------------- */

static int spec_next_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec next [--required] [--json] <name>",
		"\nTasks ready to start: not done, not in progress, and unblocked by the",
		"file's dependency graph (or, without one, by the plan's order).",
		NULL,
	};
	int json = ctx->json, required = 0, rc;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "required", &required, "leave out optional ('*') tasks"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};
	struct spec *s = NULL;
	struct waves_plan *plan = NULL;
	struct waves_deps ready = { NULL, 0, 0 };
	size_t i;

	argc = sw_cmd_parse(argc, argv, opts, usage, 1);
	if (argc < 0)
		return sw_opt_exit(argc);
	if ((rc = open_plan_arg(&s, ctx, argc ? argv[0] : NULL, usage)) != 0)
		return rc;
	waves_build(&plan, s->tasks_doc, NULL);
	waves_ready(&ready, s->tasks_doc, plan);
	if (json) {
		sw_cmd_json_print_line_take(spec_json_next(s, &ready, required));
	} else {
		for (i = 0; i < ready.nr; i++) {
			const struct tasks_task *t = &s->tasks_doc->tasks[ready.v[i]];

			if (!(required && t->optional))
				printf("%-8s%s %s\n", t->id, t->optional ? "*" : " ", t->title);
		}
		if (!ready.nr)
			printf("no task is ready (all done, in progress, or blocked)\n");
	}
	free(ready.v);
	waves_plan_free(plan);
	spec_free(s);
	return 0;
}

static int spec_waves_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec waves [--json] <name>",
		"\nDependency waves computed from the plan's hierarchy, order and explicit",
		"dependencies, next to the file's own '## Task Dependency Graph'.",
		NULL,
	};
	int json = ctx->json, rc;
	struct spec *s = NULL;
	struct waves_plan *plan = NULL;
	const struct tasks_doc *td;
	size_t w, i;

	argc = sw_cmd_parse_json(argc, argv, usage, 1, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if ((rc = open_plan_arg(&s, ctx, argc ? argv[0] : NULL, usage)) != 0)
		return rc;
	td = s->tasks_doc;
	waves_build(&plan, td, NULL);
	if (json) {
		sw_cmd_json_print_line_take(spec_json_waves(s, plan));
	} else {
		struct sw_buf *line = sw_xcalloc(plan->nwaves + 1, sizeof(*line));

		/* One line per wave, filled in one pass over the tasks. */
		for (w = 0; w < plan->nwaves; w++)
			sw_buf_init(&line[w], 0);
		for (i = 0; i < td->ntasks; i++)
			if (plan->wave[i] >= 0 && (size_t)plan->wave[i] < plan->nwaves)
				sw_buf_addf(&line[plan->wave[i]], "%s%s", line[plan->wave[i]].len ? " " : "", td->tasks[i].id);
		printf("computed from the plan (%zu wave%s):\n", plan->nwaves, plan->nwaves == 1 ? "" : "s");
		for (w = 0; w < plan->nwaves; w++) {
			printf("  wave %zu: %s\n", w, line[w].ptr);
			sw_buf_release(&line[w]);
		}
		free(line);
		if (plan->cycle)
			printf("  (some tasks are in a dependency cycle and have no wave)\n");
		if (td->graph.nwaves) {
			size_t ndiff = 0;

			printf("from %s (%zu wave%s):\n", s->tasks.display, td->graph.nwaves,
			       td->graph.nwaves == 1 ? "" : "s");
			for (w = 0; w < td->graph.nwaves; w++) {
				struct sw_buf b = SW_BUF_INIT;

				for (i = 0; i < td->graph.waves[w].tasks.nr; i++)
					sw_buf_addf(&b, "%s%s", i ? " " : "", td->graph.waves[w].tasks.v[i]);
				printf("  wave %s: %s\n", td->graph.waves[w].id, b.ptr);
				sw_buf_release(&b);
			}
			for (i = 0; i < td->ntasks; i++)
				if (!td->tasks[i].nchildren && plan->wave[i] != plan->file_wave[i])
					ndiff++;
			printf("%zu task%s sit in a different wave in the file than computed\n", ndiff, ndiff == 1 ? "" : "s");
		} else {
			printf("%s has no task dependency graph\n", s->tasks.display);
		}
	}
	waves_plan_free(plan);
	spec_free(s);
	return 0;
}

/* ---- task --status ------------------------------------------------------------------- */

static int spec_task_cmd(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec task [--json] <name> <id> --status todo|queued|doing|done",
		"\nSets a task's status in tasks.md and updates its parents' markers the way",
		"Kiro does; only the bracket characters change.",
		NULL,
	};
	int json = ctx->json, st;
	const char *status = NULL;
	const struct sw_opt opts[] = {
		SW_OPT_STRING('s', "status", &status, "STATE", "todo, queued, doing or done"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};
	struct sw_error err = SW_ERROR_INIT;
	struct tasks_change *changes = NULL;
	size_t n = 0, i;
	char *dir = NULL;

	argc = sw_cmd_parse(argc, argv, opts, usage, 2);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc < 2)
		return sw_usage_error(usage, "expected a spec name and a task id");
	if (!status)
		return sw_usage_error(usage, "--status is required");
	if ((st = tasks_state_from_name(status)) < 0)
		return sw_usage_error(usage, "unknown status '%s' (expected todo, queued, doing or done)", status);
	if (spec_resolve(&dir, cmd_spec_kiro_dir(ctx), argv[0], &err) < 0 ||
	    spec_set_task_state_inside(cmd_spec_root_for(ctx, dir), dir, argv[1], (enum tasks_state)st, &changes, &n,
				       &err) < 0) {
		free(dir);
		return sw_cmd_fail(&err);
	}
	if (json) {
		sw_cmd_json_print_line_take(spec_json_task_changes(sw_basename(dir), argv[1], (enum tasks_state)st, changes, n));
	} else if (sw_cmd_quiet()) {
		/* -q: the exit status says it */
	} else if (!n) {
		printf("task %s is already %s\n", argv[1], tasks_state_name((enum tasks_state)st));
	} else {
		for (i = 0; i < n; i++)
			printf("%s: %s -> %s\n", changes[i].id, tasks_state_name(changes[i].from), tasks_state_name(changes[i].to));
	}
	free(changes);
	free(dir);
	return 0;
}
