/* SPDX-License-Identifier: Apache-2.0 */
/*
 * workspace.h - finding the .kiro workspace.
 *
 * Like git, discovery walks up from a directory to the nearest one that
 * holds a .kiro folder.  The home directory's ~/.kiro is the global
 * configuration, not a workspace, so it is skipped on the way up unless
 * the walk starts in the home directory itself.
 */
#ifndef KIRO_WORKSPACE_H
#define KIRO_WORKSPACE_H

#include "base/compat.h"
#include "base/error.h"

/*
 * Sets *@out (caller frees) to the absolute path of the nearest directory
 * at or above @start that contains a .kiro directory.
 * Errors: SW_ENOTFOUND with a message naming @start.
 */
int kiro_find_root(char **out, const char *start, struct sw_error *err);

/* The global configuration folder: $HOME/.kiro (caller frees), NULL without HOME. */
char *kiro_global_dir(void);

/*
 * The folder @name ("agents") of the global configuration @global_dir, to
 * load after the workspace's own .kiro/@name (caller frees).  NULL when
 * @global_dir is NULL, or when that folder is the workspace's .kiro/@name
 * itself (a workspace at $HOME), which is then loaded once, as the
 * workspace's.
 */
char *kiro_global_subdir(const char *global_dir, const char *root, const char *name);

#endif
