/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fs.h - files and paths.
 *
 * User files are written only through sw_write_atomic() (STYLE R21): a
 * temporary file beside the target, opened O_CREAT|O_EXCL, written,
 * fsync'd, renamed over the target, then the directory fsync'd.  On any
 * failure the temporary file is removed and the target is untouched.
 *
 * Fault injection for tests: SW_FAULT="op:N[,op:N]" makes the N-th call of
 * op fail with EIO inside this module, where op is one of open, write,
 * fsync, rename.  Counting is per process.
 *
 * Paths handed in by users or peers go through sw_path_resolve_under(),
 * which refuses anything that would leave a root directory.
 */
#ifndef SW_FS_H
#define SW_FS_H

#include "compat.h"
#include "buf.h"
#include "error.h"

/*
 * Reads the whole file at @path into @out (appending).
 * Errors: SW_ENOTFOUND (no such file), SW_ETOOBIG (over @max bytes), SW_EIO.
 * The error's path is set to @path.
 */
int sw_read_file(struct sw_buf *out, const char *path, size_t max, struct sw_error *err);

/* Atomically replaces @path with @data; the mode of an existing file is kept, else 0644. */
int sw_write_atomic(const char *path, const void *data, size_t len, struct sw_error *err);

/* Creates @path and its missing parents (mode 0755). Errors: SW_EIO. */
int sw_mkdir_p(const char *path, struct sw_error *err);

/* 1 if @path exists (any type), 0 if not. */
int sw_path_exists(const char *path);
int sw_is_dir(const char *path);
int sw_is_file(const char *path);

/* "@a/@b" with one slash between; @b absolute wins. Caller frees. */
char *sw_path_join(const char *a, const char *b);
/* Directory part ("." if none) and last component. Caller frees. */
char *sw_dirname(const char *path);
const char *sw_basename(const char *path);
/* Absolute path of @path without resolving links ("." and ".." folded lexically). */
char *sw_path_absolute(const char *path);
/* @path relative to @base when it lies beneath it, else a copy of @path. Caller frees. */
char *sw_path_relative(const char *path, const char *base);

/*
 * Lexically normalises a relative key: folds "." and empty components and
 * repeated slashes.  Errors: SW_EINVAL for an absolute path, a ".."
 * component, a NUL byte within @len, or an empty result when @allow_empty
 * is 0.  *@out is set to a malloc'd string on success.
 */
int sw_path_normalize(char **out, const char *rel, size_t len, int allow_empty, struct sw_error *err);

/*
 * Joins @rel under @root after sw_path_normalize(), then checks that no
 * existing component of the result is a symbolic link that leads outside
 * realpath(@root).  *@out is the joined path (not link-resolved).
 * Errors: SW_EINVAL (the message says which rule was broken).
 */
int sw_path_resolve_under(char **out, const char *root, const char *rel, size_t len,
			  struct sw_error *err);

/*
 * An advisory lock on @path's companion "@path.lock" file (flock), held
 * until sw_file_unlock().  Waits up to @timeout_ms.
 * Errors: SW_ETIMEOUT, SW_EIO.
 */
int sw_file_lock(int *fd_out, const char *path, int timeout_ms, struct sw_error *err);
void sw_file_unlock(int fd, const char *path);
/*
 * The same lock taken on directory @dir itself: nothing is created, and
 * files inside may be replaced by rename while it is held (a lock on a
 * file that sw_write_atomic() replaces would be lost with the old inode).
 * Release with sw_file_unlock(fd, dir).  Errors: SW_ENOTFOUND, SW_ETIMEOUT, SW_EIO.
 */
int sw_dir_lock(int *fd_out, const char *dir, int timeout_ms, struct sw_error *err);

enum {
	SW_LIST_RECURSIVE = 1 << 0, /* descend into sub-folders (at most 32 deep) */
	SW_LIST_DOTDIRS = 1 << 1,   /* with SW_LIST_RECURSIVE, also into folders named ".*" */
	SW_LIST_MISSING_OK = 1 << 2, /* a missing @dir lists nothing instead of SW_ENOTFOUND */
};

/*
 * Appends the regular files in @dir (following symbolic links) to @out as
 * paths relative to @dir, sorted bytewise ("a.md", "sub/b.md").  An
 * unreadable sub-folder is skipped.  Errors: SW_ENOTFOUND when @dir does
 * not exist (unless SW_LIST_MISSING_OK), SW_EIO when it cannot be read.
 */
int sw_list_dir(struct sw_strvec *out, const char *dir, unsigned flags, struct sw_error *err);

/* Used by tests: resets the SW_FAULT counters (re-reads the variable). */
void sw_fault_reset(void);
/* 1 if the fault named @op is due now (counts one call of @op). */
int sw_fault_hit(const char *op);

#endif
