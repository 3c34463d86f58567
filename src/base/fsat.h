/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fsat.h - files beneath a directory descriptor, and atomic writes there.
 *
 * A path that comes from outside (an MCP peer's key, a link in a user's
 * workspace) is checked and opened in one step: the root is opened once
 * as a directory descriptor and every path is opened relative to it with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS),
 * or, where the kernel lacks openat2, by a walk that opens one component
 * at a time with O_NOFOLLOW from the previous component's descriptor.
 * No symbolic link is followed on the way, so the normalised relative
 * path (sw_path_normalize) *is* the resolved path: a check made on it is
 * a check on what gets opened, and a directory swapped for a link in
 * between makes the open fail instead of leading somewhere else.
 *
 * Writes create the temporary file in the directory that was resolved
 * (openat, O_EXCL), fsync it, renameat it over the target within that
 * same directory descriptor and fsync the directory; on any failure the
 * temporary file is removed.  Temporary files are named ".NAME.tmp.PID.N"
 * (the same pattern as sw_write_atomic()).  One whose process no longer
 * exists, or older than SW_FS_STALE_TEMP_AGE, was left by a writer that
 * was killed: sw_fs_remove_stale_temps() removes those of one target and
 * sw_fs_list_stale_temps() finds them for a report.
 *
 * Fault injection (SW_FAULT, see fs.h) counts the same open, write, fsync
 * and rename operations as sw_write_atomic().
 */
#ifndef SW_FSAT_H
#define SW_FSAT_H

#include "compat.h"
#include "buf.h"
#include "error.h"

#define SW_FS_STALE_TEMP_AGE (60 * 60) /* seconds after which any temporary file is stale */

/*
 * Opens @rel beneath directory @dirfd without following any symbolic link
 * (the last component included), with open(2) @flags (O_CLOEXEC and
 * O_NOFOLLOW are added; O_CREAT is not allowed).  @rel is a normalised
 * relative path; "" or "." opens @dirfd's directory again.  *@fd (caller
 * closes) is the descriptor.
 * Errors: SW_ENOTFOUND (a component is missing, or one before the last is
 * not a folder), SW_EINVAL (a component is a symbolic link, or @rel is
 * absolute or climbs with ".."; the message names the component), SW_EIO.
 */
int sw_fs_open_beneath(int *fd, int dirfd, const char *rel, int flags, struct sw_error *err);

/*
 * Opens folder @rel beneath @dirfd like sw_fs_open_beneath(), creating the
 * missing folders on the way (mode 0755).  Each component is created with
 * mkdirat() and opened with O_NOFOLLOW from its parent's descriptor.
 * Errors: SW_EINVAL (a component is a symbolic link or not a folder), SW_EIO.
 */
int sw_fs_mkdir_beneath(int *fd, int dirfd, const char *rel, struct sw_error *err);

/*
 * Atomically replaces file @name (one component) in directory @dirfd with
 * @data: temporary file in @dirfd, write, fsync, renameat, fsync @dirfd.
 * The mode of an existing regular file is kept, else 0644.  A symbolic
 * link named @name is replaced, never followed.  On failure the target
 * is untouched and no temporary file remains.  Errors: SW_EIO.
 */
int sw_fs_write_atomic_at(int dirfd, const char *name, const void *data, size_t len,
			  struct sw_error *err);

/*
 * Atomically replaces the file @path resolves to, which must lie beneath
 * folder @root once links are followed (a link that stays inside is
 * written through; the link itself stays).  The target's directory is
 * then opened beneath @root without following links, so a link swapped
 * in after the check fails the write instead of moving it.  Stale
 * temporary files of the target are removed first.
 * Errors: SW_EINVAL (@path resolves outside @root), SW_ENOTFOUND (@root or
 * the target's folder is missing, or @path is a dangling link), SW_EIO.
 * The error's path is @path.
 */
int sw_write_atomic_within(const char *path, const char *root, const void *data, size_t len,
			   struct sw_error *err);

/*
 * Appends the whole regular file open on @fd (from its current offset) to
 * @out, at most @max bytes.  @what names it in messages.  @out is left as
 * it was on error.  Errors: SW_EINVAL (not a regular file), SW_ETOOBIG, SW_EIO.
 */
int sw_fs_read_fd(struct sw_buf *out, int fd, size_t max, const char *what, struct sw_error *err);

/*
 * 1 if directory entry @entry is a temporary file of target @name (any
 * target when @name is NULL) in the ".NAME.tmp.PID.N" pattern; *@pid (may
 * be NULL) is then the writer's process id.
 */
int sw_fs_is_temp_name(const char *entry, const char *name, long *pid);

/*
 * Removes the stale temporary files of target @name in @dirfd (see the
 * top of this file); returns how many were removed.  Best effort: errors
 * only leave a file in place.
 */
int sw_fs_remove_stale_temps(int dirfd, const char *name);

/*
 * Appends to @out the stale temporary files under folder @dir (descending
 * into sub-folders, not into links), as paths joined to @dir, sorted.
 * Errors: SW_ENOTFOUND when @dir does not exist, SW_EIO.
 */
int sw_fs_list_stale_temps(struct sw_strvec *out, const char *dir, struct sw_error *err);

#endif
