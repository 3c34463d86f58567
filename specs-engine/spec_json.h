/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_json.h - a loaded spec as JSON values, in the shapes of
 * docs/spec-json.md.
 *
 * The "spec" command prints these documents with --json and the MCP
 * "specs" tools return them as structuredContent, so both speak one shape
 * from one implementation.  Every builder returns a new cJSON value the
 * caller owns (cJSON_Delete); the spec and the other inputs are borrowed.
 * Paths inside the values are the display paths spec_load() was given a
 * base for; @path arguments say how to show the spec's folder.
 */
#ifndef SPECS_SPEC_JSON_H
#define SPECS_SPEC_JSON_H

#include "base/compat.h"
#include "base/error.h"
#include "specs-engine/spec.h"
#include "specs-engine/trace.h"
#include "specs-engine/waves.h"

#include <cjson/cJSON.h>

/* "feature" or "bugfix". */
const char *spec_kind_name(const struct spec *s);

/* Counts of the spec's tasks by state (indexed by enum tasks_state) and in all. */
void spec_task_counts(const struct spec *s, size_t counts[4], size_t *total);

/*
 * The criterion's text with line breaks and indentation folded to single
 * spaces (caller frees).
 */
char *spec_criterion_text(const struct spec *s, const struct req_criterion *c);

/* {path, line, col, severity, code, message, hint} */
cJSON *spec_json_diag(const struct sw_diag *d);
/* An array of spec_json_diag(); with @errors_only, only the errors. */
cJSON *spec_json_diags(const struct sw_diags *d, int errors_only);

/* The documents present: {"requirements"|"bugfix": path|null, "design": …, "tasks": …}. */
cJSON *spec_json_files(const struct spec *s);

/*
 * One entry of "spec list": {name, path, type, files, requirements,
 * criteria, properties, tasks: {total, todo, queued, doing, done},
 * errors, warnings}.
 */
cJSON *spec_json_summary(const struct spec *s, const char *path);

/* One requirement with its criteria (as "spec show" lists them). */
cJSON *spec_json_requirement(const struct spec *s, const struct req_requirement *r);
/* One criterion: {id, line, col, text, ears, negative}. */
cJSON *spec_json_criterion(const struct spec *s, const struct req_criterion *c);
/* One task (as "spec show" lists them). */
cJSON *spec_json_task(const struct spec *s, const struct tasks_task *t);
/* References as strings: "1.1", "2.1-2.4", "all", or the text. */
cJSON *spec_json_refs(const struct req_refs *refs);

/* The whole "spec show" document. */
cJSON *spec_json_show(const struct spec *s, const char *path);

/* The "spec trace" document for @tr built over @s. */
cJSON *spec_json_trace(const struct spec *s, const struct trace *tr);

/*
 * The "spec next" document: the tasks of @ready (indices into
 * s->tasks_doc), leaving out optional ones with @required.
 */
cJSON *spec_json_next(const struct spec *s, const struct waves_deps *ready, int required);

/* The "spec waves" document for @plan built over s->tasks_doc. */
cJSON *spec_json_waves(const struct spec *s, const struct waves_plan *plan);

/* The "spec task" document: what spec_set_task_state() changed. */
cJSON *spec_json_task_changes(const char *spec, const char *task, enum tasks_state st,
			      const struct tasks_change *changes, size_t n);

#endif
