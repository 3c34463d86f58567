/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runner.h - the hook engine: one watcher, the workspace's hooks, and their runs.
 *
 * Pipeline per change: watcher (hooks/watch) -> path match per hook
 * (hooks/match) -> that hook's debouncer (hooks/debounce) -> net kind
 * match -> the hook's queue -> a run (hooks/action).
 *
 * Rules:
 * - Parallel: hooks run independently of each other; each hook has at most
 *   one run at a time.  Changes that reach a hook while it runs wait in its
 *   queue, and when the run ends exactly one follow-up run takes all of
 *   them (never lost, never one run per save).  Changes that go quiet in
 *   the same loop turn start one run together (a 10 000-file burst is one
 *   run, not 10 000).
 * - Unchanged content does not re-run a hook: before a run, the content
 *   hash of each of its files is recorded; a later change that leaves a
 *   file with the hash the hook last ran on is dropped.  So a hook that
 *   rewrites its files with the same bytes (formatters on formatted code,
 *   generators, touch) does not trigger itself again.
 * - A run's own writes do not re-run it: when the command exits, the
 *   watcher's queued events are read at once, and each file the hook has
 *   run on before that changed during the run, last touched within the
 *   run's final second (or debounce period, if longer), is recorded with
 *   its content as the run left it, and that change is dropped.  So a hook
 *   that normalises or appends to its own input runs once per outside
 *   save; another save (other content) runs it again.  Inotify cannot tell
 *   who wrote a file: an earlier change during a long run may be a save
 *   made meanwhile, and is queued as above rather than lost (a save in a
 *   run's final second is taken as the run's); new files may be another
 *   writer's burst, and run the hook as usual.  A hook that writes its
 *   files and then keeps running for longer is left to the loop guard.
 * - Loop guard: a run is a follow-up when it starts because files the hook
 *   had already run on changed again while it was running (or in the
 *   moment its command exited).  Inotify cannot tell who wrote a file, so a
 *   hook that keeps changing what it watches shows up as a stream of
 *   follow-ups: more than max_followups of them within a minute pauses the
 *   hook with a warning, and its events are dropped until the hook file is
 *   edited (which resumes it).  New files arriving during runs (a burst
 *   from another writer) are not follow-ups.
 * - Hot reload: a change under .kiro/hooks/ reloads every hook file (after
 *   the debounce); hooks keep their state by id; disabled hooks
 *   ("enabled": false) and hooks without a file trigger get no events.
 *
 * Calling sequence:
 *   1. struct hooks_runner_opts o = HOOKS_RUNNER_OPTS_INIT; o.root = ...; callbacks
 *   2. hooks_runner_start(&r, loop, &o, &err)     -- loads hooks, starts the watcher
 *   3. uv_run(loop): on_run fires after each run; on_notice for warnings
 *   4. hooks_runner_free(r)                        -- kills runs still going
 */
#ifndef HOOKS_RUNNER_H
#define HOOKS_RUNNER_H

#include "base/compat.h"
#include "base/error.h"
#include "hooks/action.h"
#include "hooks/watch.h"

#include <cjson/cJSON.h>
#include <uv.h>

#define HOOKS_DEFAULT_MAX_FOLLOWUPS 10 /* follow-up runs per minute before a hook is paused */

/* One finished (or failed to start) run, borrowed for the callback. */
struct hooks_run_report {
	const char *hook_id;
	const char *event;               /* trigger name, e.g. "fileEdited" */
	const char *const *files;        /* NULL-terminated, workspace-relative */
	size_t nfiles;
	int followup;                    /* started by changes made during the previous run */
	const struct hooks_action *action; /* the finished run; NULL if it could not start */
	const struct sw_error *err;      /* why it could not start (action == NULL) */
};

enum hooks_notice { HOOKS_NOTICE_INFO, HOOKS_NOTICE_WARNING, HOOKS_NOTICE_ERROR };

typedef void (*hooks_runner_run_cb)(const struct hooks_run_report *rep, void *data);
typedef void (*hooks_runner_notice_cb)(enum hooks_notice level, const char *msg, void *data);
typedef void (*hooks_runner_file_cb)(const struct hooks_event *ev, void *data);

struct hooks_runner_opts {
	const char *root;              /* the workspace root (holding .kiro) */
	long debounce_ms;              /* quiet period per hook and path; < 0: the default (50) */
	unsigned max_followups;        /* per minute before pausing; 0: the default */
	const char *const *ignore;     /* extra watcher ignore rules, or NULL */
	hooks_runner_run_cb on_run;    /* after every run; may be NULL */
	hooks_runner_notice_cb on_notice; /* reload findings, pauses, watcher trouble; may be NULL */
	hooks_runner_file_cb on_file;  /* every change the watcher reports; may be NULL */
	void *data;
};

#define HOOKS_RUNNER_OPTS_INIT { NULL, -1, 0, NULL, NULL, NULL, NULL, NULL }

struct hooks_runner;

/*
 * Loads the hooks of @o->root and starts watching it.  Problems in hook
 * files are notices, not errors.  Errors: those of hooks_watch_start and
 * kiro_hooks_load.  On success *@out is the caller's (hooks_runner_free).
 */
int hooks_runner_start(struct hooks_runner **out, uv_loop_t *loop, const struct hooks_runner_opts *o,
		       struct sw_error *err);

/* Number of runs going on now. */
size_t hooks_runner_running(const struct hooks_runner *r);

/* Total runs finished (or failed to start) since the start. */
uint64_t hooks_runner_runs(const struct hooks_runner *r);

/*
 * The engine's state as JSON (caller owns): watch usage ("watches",
 * "maxUserWatches", "files", "overflows", "rescans") and per hook its id,
 * trigger, state ("idle", "running", "paused", "disabled"), runs, failures,
 * follow-ups, last file, exit code and duration.
 */
cJSON *hooks_runner_status(const struct hooks_runner *r);

/* The watcher (borrowed), e.g. for its statistics. */
struct hooks_watch *hooks_runner_watcher(const struct hooks_runner *r);

/* Stops everything; running commands are killed.  Accepts NULL. */
void hooks_runner_free(struct hooks_runner *r);

#endif
