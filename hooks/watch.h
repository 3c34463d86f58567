/* SPDX-License-Identifier: Apache-2.0 */
/*
 * watch.h - a recursive inotify watcher on the libuv loop.
 *
 * The one module that talks to inotify (STYLE R19).  It holds one watch per
 * directory under a root, polls the inotify fd with a uv_poll handle on the
 * caller's loop, and turns the kernel's events into four file events:
 *
 *   CREATED  a new file, reported once it has been written and closed
 *            (IN_CLOSE_WRITE) so a hook never sees a half-written file;
 *            a symbolic link or a hard link is reported at once
 *   EDITED   a file written and closed (IN_CLOSE_WRITE), or replaced by a
 *            rename onto its path: an atomic save (write a temporary file,
 *            rename it into place, as editors, agents and sw_write_atomic
 *            do) is one EDITED of the target, never a create/delete pair
 *   DELETED  a file removed, or moved out of the tree or onto a temporary name
 *   RENAMED  a tracked file moved to a path that did not exist ("from" is set);
 *            a directory move reports one RENAMED per file beneath it
 *
 * Never reported: directories themselves, ignored paths (.gitignore rules
 * of every directory, the default list WATCH_DEFAULT_IGNORE, the caller's
 * extra rules) and temporary files of editors and atomic writers, matched
 * by name (hooks_watch_is_temp_name: "*.swp", "*~", "4913", ".#*", ...).
 *
 * Invariants:
 * - A directory's watch is added before the directory is read, so a file
 *   created right after "mkdir -p a/b/c" is seen either by the read
 *   (reported with synthetic = 1) or by its own events, never by neither.
 *   A file found both ways is reported once as CREATED (plus an EDITED if it
 *   was written again after the read).
 * - The watcher keeps a snapshot (type, size, mtime, inode) of every tracked
 *   file.  On IN_Q_OVERFLOW (the kernel dropped events) it rescans the tree
 *   and reports what changed against the snapshot: CREATED, EDITED (size,
 *   mtime or inode differ) and DELETED, with synthetic = 1.  The same rescan
 *   can be run on demand with hooks_watch_rescan().
 * - Raw events are reported as the kernel orders them; a short-lived file
 *   can appear as CREATED then DELETED.  A move out of the tree is known
 *   only once its IN_MOVED_FROM has waited a short grace (50 ms) for an
 *   IN_MOVED_TO, so its DELETED events come that much later, and after
 *   any events the kernel queued meanwhile.  Coalescing bursts per path is the
 *   debouncer's job (hooks/debounce.h).
 *
 * Calling sequence:
 *   1. struct hooks_watch_opts o = HOOKS_WATCH_OPTS_INIT; o.root = ...; o.on_event = ...;
 *   2. hooks_watch_start(&w, loop, &o, &err)   -- scans and watches the tree
 *   3. uv_run(loop, ...): on_event fires for each change; on_error for
 *      problems that do not stop the watcher (a new directory that cannot
 *      be watched because the limit is reached)
 *   4. hooks_watch_free(w)                      -- closes the fd on the loop
 */
#ifndef HOOKS_WATCH_H
#define HOOKS_WATCH_H

#include "base/compat.h"
#include "base/error.h"

#include <uv.h>

enum hooks_event_kind {
	HOOKS_CREATED = 1,
	HOOKS_EDITED,
	HOOKS_DELETED,
	HOOKS_RENAMED,
};

struct hooks_event {
	enum hooks_event_kind kind;
	const char *path; /* relative to the root, '/'-separated; the new path for RENAMED */
	const char *from; /* RENAMED: the old path; NULL otherwise */
	int synthetic;    /* 1 when found by reading a directory, not told by inotify */
};

typedef void (*hooks_watch_event_cb)(const struct hooks_event *ev, void *data);
typedef void (*hooks_watch_error_cb)(const struct sw_error *err, void *data);

/* Gitignore-style rules every watcher applies unless told not to. */
#define WATCH_DEFAULT_IGNORE \
	".git/", ".hg/", ".svn/", "node_modules/", "build/", "dist/", "target/", "__pycache__/", \
	".kiro/run/", ".kiro/knowledge/", ".kiro/knowledge.db*", ".kiro/sessions/", "*.o", "*.pyc"

struct hooks_watch_opts {
	const char *root;            /* directory to watch */
	const char *const *ignore;   /* extra rules relative to root, NULL-terminated, or NULL */
	int no_default_ignore;       /* skip WATCH_DEFAULT_IGNORE */
	int no_gitignore;            /* do not read .gitignore files */
	hooks_watch_event_cb on_event;
	hooks_watch_error_cb on_error; /* may be NULL */
	void *data;                  /* passed to the callbacks */
};

#define HOOKS_WATCH_OPTS_INIT { NULL, NULL, 0, 0, NULL, NULL, NULL }

struct hooks_watch_stats {
	size_t watches;         /* directories watched by this watcher */
	size_t files;           /* files in the snapshot */
	long max_user_watches;  /* the per-user kernel limit, -1 if unknown */
	uint64_t events;        /* file events reported */
	uint64_t overflows;     /* IN_Q_OVERFLOW seen */
	uint64_t rescans;       /* full rescans done */
};

struct hooks_watch;

/*
 * Watches @o->root recursively on @loop.  The initial scan reports nothing.
 * Errors: SW_ENOTFOUND (root missing), SW_EIO (inotify unavailable, or the
 * watch limit reached: the message gives the count and the sysctl to raise).
 * On success *@out is owned by the caller (hooks_watch_free).
 */
int hooks_watch_start(struct hooks_watch **out, uv_loop_t *loop, const struct hooks_watch_opts *o,
		      struct sw_error *err);

/*
 * Walks the tree again and reports every difference from the snapshot (the
 * overflow path).  Returns the number of events reported, or SW_EIO.
 */
int hooks_watch_rescan(struct hooks_watch *w, struct sw_error *err);

/*
 * Reads and reports, now, every event the kernel has queued so far, as a
 * readable poll would on a later loop turn.  A caller that has just seen a
 * writer exit uses it to know every change that writer made.
 */
void hooks_watch_drain(struct hooks_watch *w);
/* Replaces the extra ignore rules (hot reload); .gitignore rules are kept. */
void hooks_watch_set_ignore(struct hooks_watch *w, const char *const *ignore);

void hooks_watch_get_stats(const struct hooks_watch *w, struct hooks_watch_stats *st);

/* The absolute root being watched (borrowed). */
const char *hooks_watch_root(const struct hooks_watch *w);

/* 1 if the file name @name is an editor's or atomic writer's temporary file. */
int hooks_watch_is_temp_name(const char *name);

/* /proc/sys/fs/inotify/max_user_watches, or -1 if it cannot be read. */
long hooks_watch_max_user_watches(void);

/* "created", "edited", "deleted", "renamed". */
const char *hooks_event_kind_name(enum hooks_event_kind kind);

/* Stops watching and releases @w once the loop has closed its handle.  Accepts NULL. */
void hooks_watch_free(struct hooks_watch *w);

#endif
