/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trace.h - the traceability matrix of a spec: criterion x task x property.
 *
 * A row per acceptance criterion (in requirements order) lists the tasks
 * that name it (through "_Requirements:_" or "Validates:" bullets, ranges,
 * whole requirements and "all" expanded) and the design properties that
 * validate it.  References that name nothing are "dangling"; criteria no
 * task names are "uncovered" (bugfix defect items, 1.x, describe the bug
 * and need no task, so they never count as uncovered).
 */
#ifndef SPECS_TRACE_H
#define SPECS_TRACE_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "specs-engine/design.h"
#include "specs-engine/req.h"
#include "specs-engine/tasks.h"

struct trace_row {
	const struct req_criterion *crit; /* borrowed from the req_doc */
	struct sw_strvec tasks;           /* task ids, file order, no repeats */
	struct sw_strvec props;           /* property numbers as text */
	int needs_task;                   /* 0 for bugfix defect items */
};

enum trace_from { TRACE_FROM_TASK, TRACE_FROM_TASK_VALIDATES, TRACE_FROM_TASK_PROPERTY, TRACE_FROM_PROPERTY };

struct trace_dangling {
	enum trace_from from;
	char owner[REQ_ID_MAX];           /* task id or property number */
	char ref[REQ_ID_MAX * 2 + 4];     /* what it names ("9.9", "2.1-2.9", "Property 7") */
	int line, col;                    /* in tasks.md (task) or design.md (property) */
};

struct trace {
	struct trace_row *rows;
	size_t nrows;
	struct trace_dangling *dangling;
	size_t ndangling, adangling;
	size_t uncovered;                 /* rows with needs_task and no task */
	size_t untested;                  /* rows no property validates (when the design has properties) */
};

/*
 * Builds the matrix from the three documents; any of them may be NULL.
 * References are only checked against a document that is present.
 * Free with trace_free().  Returns 0.
 */
int trace_build(struct trace **out, const struct req_doc *reqs, const struct design_doc *design,
		const struct tasks_doc *tasks, struct sw_error *err);
void trace_free(struct trace *tr);

#endif
