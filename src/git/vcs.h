/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vcs.h - committing a spec's files with libgit2.  This module is the only
 * place that includes <git2.h> (STYLE R19); its prefix is vcs_, never git_
 * (STYLE R2).
 *
 * A spec commit takes exactly the files under one folder of the working
 * tree (.kiro/specs/NAME/), as they are on disk, and commits them on the
 * current branch.  The new tree is HEAD's tree with that folder replaced,
 * so whatever else the user has staged is neither committed nor disturbed:
 * afterwards the index entries under the folder match the commit and every
 * other entry is exactly as it was (git's 'commit --only -- DIR').
 * Files in the folder that .gitignore ignores are left out unless HEAD
 * already tracks them; files deleted from the folder are deleted in the
 * commit.  Repository hooks are not run.
 *
 * The identity is the user's: GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL and
 * GIT_COMMITTER_NAME/GIT_COMMITTER_EMAIL when set, else user.name and
 * user.email from the repository, global or system configuration.
 *
 * Calling sequence:
 *   struct vcs_spec_commit *c = NULL;
 *   struct vcs_prepare_opts o = VCS_PREPARE_OPTS_INIT;
 *   o.dir = "/abs/path/.kiro/specs/auth";
 *   1. vcs_spec_prepare(&c, &o, err)      -- checks and builds the tree
 *   2. vcs_spec_nchanges(c), vcs_spec_change(c, i)
 *                                         -- what the commit would change (0: nothing)
 *   3. vcs_spec_commit(c, message, oid, err)
 *   4. vcs_spec_free(c)
 */
#ifndef VCS_H
#define VCS_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#define VCS_OID_HEX 41 /* 40 hex digits and a NUL */

struct vcs_prepare_opts {
	const char *dir;    /* the folder to commit (must exist); the repository is found from it */
	int allow_detached; /* commit on a detached HEAD instead of refusing */
};
#define VCS_PREPARE_OPTS_INIT { NULL, 0 }

/* One file the commit changes; texts are the blobs' bytes, NUL-terminated. */
struct vcs_change {
	char status;    /* 'A' added, 'M' modified, 'D' deleted */
	char *path;     /* repository-relative, '/'-separated */
	char *old_text; /* HEAD's content, NULL when added */
	size_t old_len;
	char *new_text; /* the committed content, NULL when deleted */
	size_t new_len;
};

struct vcs_spec_commit;

/*
 * Opens the repository holding @opts->dir and prepares a commit of that
 * folder.  *@out (free with vcs_spec_free) is set on success, also when
 * nothing changed (vcs_spec_nchanges() is then 0).
 * Errors: SW_ENOTFOUND (no repository, or the folder is missing),
 * SW_ECONFLICT (a merge, rebase, revert, cherry-pick or bisect is in
 * progress; HEAD is detached without allow_detached), SW_EINVAL (no
 * identity configured; a bare repository; the folder outside the working
 * tree), SW_ERROR (libgit2 failed; its message is kept).
 */
int vcs_spec_prepare(struct vcs_spec_commit **out, const struct vcs_prepare_opts *opts,
		     struct sw_error *err);

/* The changes the commit would make, sorted by path; borrowed from @c. */
size_t vcs_spec_nchanges(const struct vcs_spec_commit *c);
const struct vcs_change *vcs_spec_change(const struct vcs_spec_commit *c, size_t i);

/* The short branch name HEAD is on ("main"), or NULL when detached; borrowed. */
const char *vcs_spec_branch(const struct vcs_spec_commit *c);

/* The folder's path relative to the repository's working tree ("x/.kiro/specs/a"); borrowed. */
const char *vcs_spec_relpath(const struct vcs_spec_commit *c);

/*
 * Writes the commit with @message (cleaned up like git: trailing spaces
 * and blank lines removed, one final newline), moves the current branch
 * (or the detached HEAD) to it and updates the index entries under the
 * folder.  @oid_hex receives the new commit's id.
 * Errors: SW_ECONFLICT (nothing to commit; the branch moved since
 * vcs_spec_prepare), SW_EINVAL (an empty message), SW_ERROR (libgit2; when
 * the commit was made but the index could not be written the message
 * says so).
 */
int vcs_spec_commit(struct vcs_spec_commit *c, const char *message, char oid_hex[VCS_OID_HEX],
		    struct sw_error *err);

void vcs_spec_free(struct vcs_spec_commit *c);

/*
 * Commits every change of the working tree holding @dir, the way
 * 'git add -A && git commit' does (ignored files stay out; deletions are
 * committed; the index is updated), except the files of @exclude (absolute
 * paths, NULL-terminated; may be NULL), which keep their index entries.
 * @oid_hex receives the commit's id.  Errors: SW_ENOTFOUND (no
 * repository), SW_ECONFLICT (nothing to commit; a merge or rebase in
 * progress; HEAD detached; the branch moved), SW_EINVAL (no identity, an
 * empty message), SW_ERROR (libgit2).
 */
/*
 * The message and id of the commit HEAD points at in the repository
 * holding @dir; *@msg is the caller's.  Errors: SW_ENOTFOUND (no
 * repository, or no commit yet), SW_ERROR.
 */
int vcs_head_message(char **msg, char oid_hex[VCS_OID_HEX], const char *dir, struct sw_error *err);

/*
 * Appends to @out the changes of the working tree holding @dir against
 * HEAD as a patch (untracked files included, ignored ones not), cut at
 * @max bytes with a note.  Errors: SW_ENOTFOUND (no repository), SW_ERROR.
 */
int vcs_diff_worktree(struct sw_buf *out, const char *dir, size_t max, struct sw_error *err);

/*
 * Worktrees for tasks that run side by side.  vcs_worktree_add() checks
 * HEAD of the repository holding @dir out at @path, on a new branch @name
 * (also the worktree's name); vcs_worktree_remove() deletes the folder,
 * the worktree's records and the branch.  Errors: SW_ENOTFOUND (no
 * repository, no commit yet), SW_ECONFLICT (the name is taken), SW_ERROR.
 */
int vcs_worktree_add(const char *dir, const char *name, const char *path, struct sw_error *err);
int vcs_worktree_remove(const char *dir, const char *name, struct sw_error *err);

/*
 * Applies commit @oid_hex (made in a worktree on top of an earlier HEAD)
 * to HEAD of the working tree holding @dir, as 'git cherry-pick' does:
 * the changed files are checked out, the index updated, and a commit with
 * the same message and author made on the current branch (@new_oid).
 * Nothing changes when it cannot apply.  Errors: SW_ECONFLICT (the
 * changes conflict with HEAD, or with files changed in the working tree;
 * the message names the paths), SW_ENOTFOUND, SW_EINVAL (no identity),
 * SW_ERROR.
 */
int vcs_pick_onto_head(const char *dir, const char *oid_hex, char new_oid[VCS_OID_HEX], struct sw_error *err);

int vcs_commit_worktree(const char *dir, const char *const *exclude, const char *message,
			char oid_hex[VCS_OID_HEX], struct sw_error *err);

/*
 * The git blob id of @data (what 'git hash-object' prints), a stable
 * fingerprint of a document that needs no repository.
 */
void vcs_blob_id(char oid_hex[VCS_OID_HEX], const void *data, size_t len);

#endif
