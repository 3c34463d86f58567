/* SPDX-License-Identifier: Apache-2.0 */
/*
 * plan.h - a task plan made ready to run: which leaf tasks run, what each
 * waits for, what may not run beside what, and the order a scheduler hands
 * them out in.
 *
 * The units are leaf tasks of tasks.md.  A task waits for:
 *   1. its dependencies from the specs engine (waves.h: hierarchy and order,
 *      the graph's "depends_on"), or, for a task the file's Task Dependency
 *      Graph lists, every required task of the graph's earlier waves plus its
 *      own "depends_on";
 *   2. the tasks named on a "_Depends: 1.2, 3_" detail line (a parent id
 *      stands for its leaves);
 *   3. the last Checkpoint task before it; a Checkpoint waits for every task
 *      before it, so checkpoints cut the plan into segments run in order.
 * A dependency that is done is met; one that does not run in this plan (not
 * asked for, or optional) and is not done gives a warning, and the task runs
 * without it.
 *
 * Resources: a path named in a task's text ("src/api.c", "`README.md`") and
 * each name of a "_Uses: db, simulator_" line.  Two tasks that share one
 * never run at the same time.  "_Agent: NAME_" and "_Model: P/M_" choose a
 * task's own agent and model.
 *
 * Scheduling is incremental, for the orchestrator and the dry run alike:
 * plan_sched_next() gives the first task in file order that may start now
 * (dependencies finished, its segment reached, the graph's earlier waves
 * finished, none of its resources held by a running task), and the caller
 * reports plan_sched_start() and plan_sched_finish().  A failed task's
 * dependants are skipped; independent tasks go on.
 *
 * plan_build() simulates the whole run (every task succeeds, cap as given)
 * and keeps the waves it produces; a plan in which some tasks can never
 * start is refused (plan-cycle, located at one of them).
 *
 * Diagnostic codes: plan-cycle, plan-unknown-dependency (errors),
 * plan-dependency-not-run (warning).
 *
 * Calling sequence:
 *   struct plan_opts o = PLAN_OPTS_INIT;
 *   plan_build(&p, spec->tasks_doc, "tasks.md", &o, &diags, &err);
 *   ... p->v[i], p->waves, p->conflicts ...
 *   plan_sched_new(&s, p);
 *   while ((t = plan_sched_next(s)) != PLAN_NONE) { plan_sched_start(s, t); ... }
 *   ... plan_sched_finish(s, t, ok) as tasks end ...
 *   plan_sched_free(s); plan_free(p);
 */
#ifndef SW_DISPATCH_PLAN_H
#define SW_DISPATCH_PLAN_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "specs-engine/tasks.h"

#define PLAN_NONE ((size_t)-1)

enum plan_why {
	PLAN_RUNS = 0,          /* runs in this plan */
	PLAN_DONE,              /* already [x] */
	PLAN_OPTIONAL,          /* a '*' task without --include-optional */
	PLAN_NOT_ASKED,         /* other tasks were named */
};

struct plan_task {
	size_t ti;                  /* index in the tasks_doc */
	enum plan_why why;
	int checkpoint;             /* a Checkpoint task */
	size_t segment;             /* checkpoints before it (a checkpoint closes its own) */
	long file_wave;             /* its wave in the file's graph, -1 if not listed */
	size_t *deps;               /* plan indices of running tasks it waits for */
	size_t ndeps, adeps;
	struct sw_strvec resources; /* "file:PATH" and "uses:NAME", sorted, unique */
	char *agent;                /* "_Agent: NAME_", NULL if none */
	char *model;                /* "_Model: P/M_", NULL if none */
	long wave;                  /* in the simulated run; -1 when it does not run */
};

/* In the simulated run, @later could have started in @wave but @holder held @resource. */
struct plan_conflict {
	size_t holder, later;       /* plan indices */
	char *resource;
	long wave;
};

struct plan {
	const struct tasks_doc *doc;/* borrowed: must outlive the plan */
	struct plan_task *v;        /* every leaf task, in file order */
	size_t n;
	size_t nrun;                /* tasks that run */
	size_t parallel;            /* the cap */
	size_t nwaves;              /* waves of the simulated run */
	struct plan_conflict *conflicts;
	size_t nconflicts, aconflicts;
};

struct plan_opts {
	const char *const *tasks;   /* ids asked for (a parent stands for its leaves); NULL: all,
				       an empty list (ntasks 0): none */
	size_t ntasks;
	int include_optional;       /* run '*' tasks too */
	size_t parallel;            /* the cap; 0: plan_default_parallel() */
};

#define PLAN_OPTS_INIT { NULL, 0, 0, 0 }

/* min(4, online cores), at least 1. */
size_t plan_default_parallel(void);

/*
 * Builds the plan of @doc (tasks.md shown as @path in diagnostics) into
 * *@out (free with plan_free()).  Findings go to @diags.  Errors:
 * SW_ENOTFOUND (a task asked for does not exist: the message names the
 * nearest id), SW_EINVAL (the plan has an error in @diags: a cycle, an
 * unknown dependency).  *@out is set on SW_EINVAL too, so a dry run can
 * show what it could.
 */
int plan_build(struct plan **out, const struct tasks_doc *doc, const char *path, const struct plan_opts *opts,
	       struct sw_diags *diags, struct sw_error *err);
void plan_free(struct plan *p);

/* The task id of plan entry @i. */
const char *plan_task_id(const struct plan *p, size_t i);
/* "runs", "done", "optional", "not-asked". */
const char *plan_why_name(enum plan_why why);

enum plan_state {
	PLAN_WAITING = 0,
	PLAN_RUNNING,
	PLAN_SUCCEEDED,
	PLAN_FAILED,
	PLAN_SKIPPED,               /* a dependency failed */
};

struct plan_sched;

/* A scheduler over @p (borrowed) with nothing started. */
struct plan_sched *plan_sched_new(const struct plan *p);
void plan_sched_free(struct plan_sched *s);

/*
 * The first task in file order that may start now, or PLAN_NONE.  The
 * tasks passed over on the way because a running task holds one of their
 * resources are listed by plan_sched_conflicts() until the next call.
 */
size_t plan_sched_next(struct plan_sched *s);
/* The conflicts met by the last plan_sched_next() (resources borrowed from the plan). */
const struct plan_conflict *plan_sched_conflicts(const struct plan_sched *s, size_t *n);
void plan_sched_start(struct plan_sched *s, size_t t);
/* Ends task @t; when !@ok, its dependants (and what waits on them) become PLAN_SKIPPED. */
void plan_sched_finish(struct plan_sched *s, size_t t, int ok);
enum plan_state plan_sched_state(const struct plan_sched *s, size_t t);
/* Tasks running now. */
size_t plan_sched_running(const struct plan_sched *s);
/* 1 when no task waits: every task that runs has succeeded, failed or been skipped. */
int plan_sched_over(const struct plan_sched *s);

#endif
