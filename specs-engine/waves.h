/* SPDX-License-Identifier: Apache-2.0 */
/*
 * waves.h - task dependencies, dependency waves and ready tasks.
 *
 * The units of work are leaf tasks (tasks without sub-tasks).  Computed
 * dependencies follow the plan's hierarchy and order, and explicit ones:
 *   1. a task depends on the required (non-'*') leaves of its closest
 *      previous required sibling; the first child of a parent inherits the
 *      parent's dependencies, so top-level groups run in order and steps
 *      inside a group run in order;
 *   2. optional tasks depend the same way, but nothing depends on them, so
 *      an optional test runs beside the next step;
 *   3. "depends_on" lists of the file's graph add dependencies (a parent id
 *      stands for its leaves).
 * Wave 0 holds the leaves with no dependencies, wave k those whose
 * dependencies are all in earlier waves.
 *
 * The file's own graph ("## Task Dependency Graph", tasks.h) is what Kiro
 * schedules with, so it wins for readiness when present: a leaf listed in
 * it is ready when every required leaf of earlier waves, every required
 * leaf of the waves its wave's "depends_on" names, and each explicit
 * dependency is done; a leaf it does not list falls back to the computed
 * dependencies.
 *
 * waves_build, waves_ready and waves_check are O(n) in tasks, waves and
 * dependencies (times the depth of the task tree).
 *
 * Diagnostic codes (waves_check): waves-missing-task (warning),
 * waves-dependency-order, waves-cycle, waves-self-dependency,
 * waves-unknown-wave, waves-unknown-task (errors), each at the line and
 * column of the entry at fault.
 */
#ifndef SPECS_WAVES_H
#define SPECS_WAVES_H

#include "base/compat.h"
#include "base/error.h"
#include "specs-engine/tasks.h"

struct waves_deps {
	size_t *v;  /* task indices */
	size_t nr, alloc;
};

struct waves_plan {
	size_t ntasks;             /* doc->ntasks at build time */
	struct waves_deps *deps;   /* per leaf: the nodes it waits for (waves.c: a task index, a parent
	                              standing for its required leaves; ntasks + p: every leaf of p) */
	long *wave;                /* per task: computed wave, -1 for parents or tasks in a cycle */
	long *file_wave;           /* per task: wave index in the file's graph, -1 if not listed */
	size_t nwaves;             /* computed waves */
	int cycle;                 /* explicit dependencies form a cycle */
	struct waves_deps *file_deps; /* per file wave: the file waves its "depends_on" names, in order
	                                 (TASKS_NONE for a name the graph does not have) */
	size_t nfile_waves;        /* doc->graph.nwaves at build time */
};

/* Builds the plan of @doc (free with waves_plan_free()).  Returns 0. */
int waves_build(struct waves_plan **out, const struct tasks_doc *doc, struct sw_error *err);
void waves_plan_free(struct waves_plan *plan);

/*
 * Fills @out (caller frees out->v) with the indices of the leaf tasks that
 * are ready to start, in file order: not done and not in progress, and
 * unblocked as described above.  Optional tasks are included (callers may
 * skip them: tasks->tasks[i].optional).
 */
void waves_ready(struct waves_deps *out, const struct tasks_doc *doc, const struct waves_plan *plan);

/* Checks the file's graph against the tasks and explicit dependencies; findings go to @diags. */
void waves_check(const struct tasks_doc *doc, const char *path, struct sw_diags *diags);

#endif
