/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.h - a run's append-only journal: one JSON object a line, each
 * written with one write() and fsync'd before the call returns.
 *
 * Every record carries "ts" (UTC, milliseconds) and "event"; the rest
 * depends on the event (plan, dispatch, tool, usage, verify, done, failed,
 * skipped, end, ...).  The journal is the truth about a run: `run status`
 * and the dashboard read it back, and nothing else of the run is needed to
 * tell what happened.
 *
 * Reading is strict: a line that is not a JSON object (a journal cut short
 * mid-line, a hand edit) is an error naming the file and line.
 *
 * Calling sequence:
 *   journal_open(&j, ".kiro/runs/ID/journal.ndjson", &err);
 *   rec = cJSON_CreateObject(); ... journal_append(j, "done", rec, &err);
 *   journal_close(j);
 *   journal_read(&records, path, &err);   -- a cJSON array, caller frees
 */
#ifndef SW_DISPATCH_JOURNAL_H
#define SW_DISPATCH_JOURNAL_H

#include "base/compat.h"
#include "base/error.h"

#include <cjson/cJSON.h>

#define JOURNAL_MAX (256u << 20) /* a journal read back */

struct journal;

/* Opens (creating) @path for appending.  Errors: SW_EIO. */
int journal_open(struct journal **out, const char *path, struct sw_error *err);
void journal_close(struct journal *j);

/*
 * Adds "ts" and "event" = @event in front of @rec's members (consumed; NULL
 * for none), writes it as one line and fsyncs.  Errors: SW_EIO.
 */
int journal_append(struct journal *j, const char *event, cJSON *rec, struct sw_error *err);

/* The records of @path as a cJSON array (caller frees).  Errors: SW_ENOTFOUND, SW_EIO, SW_EINVAL, SW_ETOOBIG. */
int journal_read(cJSON **out, const char *path, struct sw_error *err);

/* "2026-12-07T17:49:10.123Z" for now, into @buf (at least 32 bytes). */
void journal_timestamp(char *buf, size_t n);

#endif
