/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sw_test.c - helpers shared by the unit tests.
 */
#include "sw_test.h"
#include "base/fs.h"

#include <ftw.h>
#include <unistd.h>

char *sw_test_tmpdir(void)
{
	char tmpl[] = "/tmp/sw-unit.XXXXXX";

	if (!mkdtemp(tmpl))
		fail_msg("mkdtemp: %s", strerror(errno));
	return sw_xstrdup(tmpl);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	SW_UNUSED(st);
	SW_UNUSED(flag);
	SW_UNUSED(ftw);
	return remove(path);
}

void sw_test_rmtree(const char *dir)
{
	if (dir && *dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void sw_test_write(const char *dir, const char *rel, const char *text)
{
	struct sw_error err = SW_ERROR_INIT;
	char *path = sw_path_join(dir, rel);
	char *parent = sw_dirname(path);

	assert_sw_ok(sw_mkdir_p(parent, &err), &err);
	assert_sw_ok(sw_write_atomic(path, text, strlen(text), &err), &err);
	free(parent);
	free(path);
}

const char *sw_test_shared(void)
{
	static char path[4096];
	const char *env = getenv("SW_SHARED");

	snprintf(path, sizeof(path), "%s", env && *env ? env : "../shared");
	return sw_is_dir(path) ? path : NULL;
}

void sw_test_print_diags(const struct sw_diags *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		print_message("  %s:%d:%d: %s: %s [%s]\n", d->v[i].path, d->v[i].line, d->v[i].col,
			      sw_severity_name(d->v[i].severity), d->v[i].msg, d->v[i].code);
}

const struct sw_diag *sw_test_diag(const struct sw_diags *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (!strcmp(d->v[i].code, code))
			return &d->v[i];
	sw_test_print_diags(d);
	fail_msg("no diagnostic %s", code);
	return NULL;
}
