/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runs.h - the runs under .kiro/runs, read back from their journals.
 *
 * A run is a folder .kiro/runs/<run-id>/ holding journal.ndjson (journal.h),
 * logs/<task>.log and, while the run goes on, a pid file.  A summary is what
 * the journal says: the spec, the status ("done", "failed", "cancelled",
 * "running" while its process lives, "interrupted" when it died without an
 * end record), counts by task state, and each task with its state,
 * attempts, elapsed time, tokens and the reason it did not finish.
 */
#ifndef SW_DISPATCH_RUNS_H
#define SW_DISPATCH_RUNS_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#include <cjson/cJSON.h>

/* Appends the run folder names under @kiro_dir/runs, oldest first (ids sort by time).  Errors: SW_EIO. */
int runs_list(struct sw_strvec *out, const char *kiro_dir, struct sw_error *err);

/*
 * Sets *@dir (caller frees) to the folder of run @id, which must be one
 * folder name under @kiro_dir/runs.  Errors: SW_EINVAL (not a plain name),
 * SW_ENOTFOUND.
 */
int runs_dir(char **dir, const char *kiro_dir, const char *id, struct sw_error *err);

/* The pid of the run in @dir while its process lives, else 0. */
long runs_pid(const char *dir);

/* A journal record's string member @key ("" when absent) and number member (0 when absent). */
const char *runs_str(const cJSON *rec, const char *key);
double runs_num(const cJSON *rec, const char *key);

/* The summary of run @id from @journal (a journal_read() array); caller frees. */
cJSON *runs_summary(const char *id, const char *dir, const cJSON *journal);

#endif
