/* SPDX-License-Identifier: Apache-2.0 */
/*
 * walk.h - choosing the files of a knowledge base.
 *
 * A walk lists the regular files under a root directory that a knowledge
 * base indexes, sorted by path.  The rules, in order:
 *   1. names starting with '.' are skipped (files and directories), as
 *      Kiro does; the root itself may be a dot-directory;
 *   2. symbolic links to directories are not followed (no cycles);
 *      links to regular files are indexed;
 *   3. .gitignore files apply: those in the root and below, and those in
 *      the directories between @ignore_root and the root;
 *   4. exclude globs drop files, and prune directories they match
 *      (a name such as "target", or "target/" followed by "**");
 *   5. when include globs are given, a file must match one of them.
 * Globs are matched against the path relative to the root with
 * sw_glob_match(): a glob without '/' matches the name at any depth
 * (so "*.rs" matches "a.rs" and "src/b.rs"), one with '/' is anchored at the root.
 *
 * The walk stops with SW_ETOOBIG as soon as more than max_files files are
 * selected, so an accidental "add --path /" fails fast.
 */
#ifndef KB_WALK_H
#define KB_WALK_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#define KB_DEFAULT_MAX_FILES 10000

struct kb_walk_opts {
	const char *root;                 /* absolute directory to walk */
	const char *ignore_root;          /* outermost directory whose .gitignore applies; NULL: root */
	const struct sw_strvec *include;  /* NULL or empty: every file */
	const struct sw_strvec *exclude;  /* NULL or empty: none */
	size_t max_files;                 /* 0: KB_DEFAULT_MAX_FILES */
};

#define KB_WALK_OPTS_INIT { NULL, NULL, NULL, NULL, 0 }

struct kb_walk_file {
	char *rel;        /* path relative to the root, '/'-separated */
	uint64_t size;    /* bytes */
	int64_t mtime_ns; /* modification time, nanoseconds since the epoch */
};

struct kb_walk {
	struct kb_walk_file *v;
	size_t nr, alloc;
	size_t ignored;   /* files and directories dropped by .gitignore, dot names or excludes */
};

#define KB_WALK_INIT { NULL, 0, 0, 0 }

/*
 * Lists the selected files under @o->root into @out (sorted by rel).
 * Errors: SW_ENOTFOUND (root missing), SW_EINVAL (root not a directory),
 * SW_ETOOBIG (more than max_files; the message says how to narrow it),
 * SW_EIO (a directory cannot be read).
 */
int kb_walk_run(struct kb_walk *out, const struct kb_walk_opts *o, struct sw_error *err);
void kb_walk_release(struct kb_walk *w);

/*
 * 1 if the file @rel (relative to @o->root) would be selected by a walk,
 * 0 if not: checks dot names, .gitignore files along its path, and the
 * globs, without listing anything else.  The file need not exist.
 */
int kb_walk_selects(const struct kb_walk_opts *o, const char *rel);

/* 1 if @rel passes @include/@exclude (rules 4 and 5 above). */
int kb_globs_select(const struct sw_strvec *include, const struct sw_strvec *exclude, const char *rel);

#endif
