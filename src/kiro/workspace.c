/* SPDX-License-Identifier: Apache-2.0 */
/*
 * workspace.c - .kiro discovery.
 */
#include "base/compat.h"
#include "kiro/workspace.h"
#include "base/buf.h"
#include "base/fs.h"

#include <limits.h>

static int has_kiro(const char *dir)
{
	char *p = sw_path_join(dir, ".kiro");
	int r = sw_is_dir(p);

	free(p);
	return r;
}

char *kiro_global_dir(void)
{
	const char *home = getenv("HOME");

	if (!home || !*home)
		return NULL;
	return sw_path_join(home, ".kiro");
}

char *kiro_global_subdir(const char *global_dir, const char *root, const char *name)
{
	struct sw_buf own = SW_BUF_INIT;
	char ra[PATH_MAX], rb[PATH_MAX];
	char *dir;

	if (!global_dir)
		return NULL;
	dir = sw_path_join(global_dir, name);
	if (!root)
		return dir;
	sw_buf_addf(&own, "%s/.kiro/%s", root, name);
	if (realpath(dir, ra) && realpath(own.ptr, rb) && !strcmp(ra, rb)) {
		free(dir);
		dir = NULL;
	}
	sw_buf_release(&own);
	return dir;
}

int kiro_find_root(char **out, const char *start, struct sw_error *err)
{
	char real_home[PATH_MAX];
	const char *home = getenv("HOME");
	char *dir = sw_path_absolute(start);
	int have_home = home && *home && realpath(home, real_home);
	char real_dir[PATH_MAX];

	*out = NULL;
	if (realpath(dir, real_dir)) {
		free(dir);
		dir = sw_xstrdup(real_dir);
	}
	for (;;) {
		int is_home = have_home && !strcmp(dir, real_home);

		if (has_kiro(dir) && (!is_home || !strcmp(dir, real_dir))) {
			*out = dir;
			return 0;
		}
		if (!strcmp(dir, "/"))
			break;
		{
			char *parent = sw_dirname(dir);

			free(dir);
			dir = parent;
		}
	}
	free(dir);
	return sw_error_set(err, SW_ENOTFOUND,
			    "no .kiro folder in '%s' or any parent (run 'specwright init' to create one)",
			    start);
}
