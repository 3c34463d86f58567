/* SPDX-License-Identifier: Apache-2.0 */
/*
 * contain.h - opening files named from inside a folder without leaving it.
 *
 * Workspace files name other files: steering documents sit in
 * .kiro/steering, specs in .kiro/specs, "#[[file:docs/api.md]]" points
 * at a document, and any of them may be a symbolic link.  Whatever the
 * name or the links say, a reader must not end up outside the folder it
 * works in (the workspace, or ~/.kiro/steering for global steering).
 * This is the one check for that; every such read goes through it.
 *
 * A name is resolved with realpath() (links followed, ".." folded) and
 * refused when the result is not the root or beneath realpath(root); only
 * then is it opened, with O_NOFOLLOW on the resolved name, and the opened
 * descriptor is checked again (its /proc/self/fd link, or its device and
 * inode against the resolved name where /proc is missing), so a link
 * swapped in between is caught on what was opened, not on the string.
 * Nothing outside is read.  The message for a refusal reads
 *   '.kiro/steering/x.md' resolves outside the workspace (/etc/hosts); refused
 * naming the file relative to the root as given and the resolved target.
 *
 * Calling sequence:
 *   struct sw_inside in = SW_INSIDE_INIT;
 *   sw_inside_init(&in, root, "the workspace", &err);
 *   sw_inside_read(&text, &in, ".kiro/steering/tech.md", max, &err);   -- any number
 *   sw_inside_release(&in);
 */
#ifndef SW_CONTAIN_H
#define SW_CONTAIN_H

#include "compat.h"
#include "buf.h"
#include "error.h"

struct sw_inside {
	char *root;        /* the root as given (names are shown relative to it) */
	char *real;        /* realpath of the root */
	const char *label; /* how messages name the root: "the workspace" (borrowed) */
};

#define SW_INSIDE_INIT { NULL, NULL, NULL }

/*
 * Prepares @in for root folder @root, named @label in messages (borrowed,
 * must outlive @in; NULL for "'<root>'").  Errors: SW_ENOTFOUND when @root
 * does not exist, SW_EIO.
 */
int sw_inside_init(struct sw_inside *in, const char *root, const char *label, struct sw_error *err);
void sw_inside_release(struct sw_inside *in);

/*
 * Resolves @path (relative to the root, or absolute) and sets *@real
 * (caller frees) to its real path, which lies inside the root.
 * Errors: SW_ENOTFOUND (nothing there, or a dangling link), SW_EINVAL
 * (resolves outside the root, or a link loop), SW_EIO.
 */
int sw_inside_resolve(char **real, const struct sw_inside *in, const char *path, struct sw_error *err);

/*
 * Opens @path as sw_inside_resolve() resolves it: a regular file for
 * reading, or a folder when @want_dir is 1.  *@fd (caller closes) is the
 * descriptor.  Errors: as sw_inside_resolve(), and SW_EINVAL when the
 * file is not of the kind wanted or was swapped for a link while opening.
 */
int sw_inside_open(int *fd, const struct sw_inside *in, const char *path, int want_dir, struct sw_error *err);

/*
 * Appends the regular file @path (see sw_inside_open) to @out, at most
 * @max bytes.  Errors: as sw_inside_open(), and SW_ETOOBIG; @out is left
 * as it was on any error.  The error's path is the name shown.
 */
int sw_inside_read(struct sw_buf *out, const struct sw_inside *in, const char *path, size_t max,
		   struct sw_error *err);

/* 1 if absolute, link-free @real is @root_real or lies beneath it. */
int sw_inside_is_under(const char *real, const char *root_real);

#endif
