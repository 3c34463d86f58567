/* SPDX-License-Identifier: Apache-2.0 */
/*
 * base/contain.h: names and links that stay inside the root are read,
 * anything that resolves outside is refused before it is opened, and odd
 * files (missing, dangling, loops, FIFOs, folders) get a clear error.
 */
#include "helpers/sw_test.h"
#include "base/contain.h"
#include "base/fs.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

struct fx {
	char *tmp, *root, *out; /* a temporary folder, the workspace in it, a folder beside it */
	struct sw_inside in;
};

static void fx_start(struct fx *f)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_inside init = SW_INSIDE_INIT;

	f->tmp = sw_test_tmpdir();
	f->root = sw_path_join(f->tmp, "ws");
	f->out = sw_path_join(f->tmp, "elsewhere");
	sw_test_write(f->root, "docs/api.md", "inside\n");
	sw_test_write(f->out, "secret.md", "outside\n");
	f->in = init;
	assert_sw_ok(sw_inside_init(&f->in, f->root, "the workspace", &err), &err);
}

static void fx_stop(struct fx *f)
{
	sw_inside_release(&f->in);
	sw_test_rmtree(f->tmp);
	free(f->tmp);
	free(f->root);
	free(f->out);
}

static void link_at(const struct fx *f, const char *target, const char *rel)
{
	char *p = sw_path_join(f->root, rel);

	if (symlink(target, p) != 0)
		fail_msg("symlink %s -> %s: %s", p, target, strerror(errno));
	free(p);
}

static void contain__reads_names_and_links_inside(void **state)
{
	struct fx f;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	char *abs, *real = NULL, want[PATH_MAX];

	SW_UNUSED(state);
	fx_start(&f);
	link_at(&f, "docs/api.md", "rel-link.md");
	abs = sw_path_join(f.root, "docs/api.md");
	link_at(&f, abs, "abs-link.md");
	assert_sw_ok(sw_inside_read(&b, &f.in, "docs/api.md", 100, &err), &err);
	assert_sw_ok(sw_inside_read(&b, &f.in, "rel-link.md", 100, &err), &err);
	assert_sw_ok(sw_inside_read(&b, &f.in, "abs-link.md", 100, &err), &err);
	assert_sw_ok(sw_inside_read(&b, &f.in, abs, 100, &err), &err);
	assert_string_equal(b.ptr, "inside\ninside\ninside\ninside\n");
	assert_sw_ok(sw_inside_resolve(&real, &f.in, "rel-link.md", &err), &err);
	assert_non_null(realpath(abs, want));
	assert_string_equal(real, want);
	free(real);
	free(abs);
	sw_buf_release(&b);
	fx_stop(&f);
}

static void contain__refuses_what_resolves_outside(void **state)
{
	struct fx f;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT, want = SW_BUF_INIT;
	char *secret = NULL, real[PATH_MAX];
	static const char *const names[] = { "linked.md", "dir/secret.md", "../elsewhere/secret.md", NULL };
	size_t i;
	int fd = 7;

	SW_UNUSED(state);
	fx_start(&f);
	secret = sw_path_join(f.out, "secret.md");
	assert_non_null(realpath(secret, real));
	link_at(&f, secret, "linked.md");
	link_at(&f, f.out, "dir");
	sw_buf_adds(&b, "kept");
	for (i = 0; i < SW_ARRAY_SIZE(names); i++) {
		const char *name = names[i] ? names[i] : secret;

		sw_error_clear(&err);
		assert_sw_fails(sw_inside_read(&b, &f.in, name, 100, &err), SW_EINVAL, &err);
		assert_string_equal(b.ptr, "kept");
		sw_buf_reset(&want);
		sw_buf_addf(&want, "resolves outside the workspace (%s); refused", real);
		if (!strstr(err.msg, want.ptr))
			fail_msg("'%s': message '%s' lacks '%s'", name, err.msg, want.ptr);
		assert_sw_fails(sw_inside_open(&fd, &f.in, name, 0, &err), SW_EINVAL, &err);
		assert_int_equal(fd, -1);
	}
	/* the name shown is the one written, relative to the root */
	sw_error_clear(&err);
	sw_inside_read(&b, &f.in, "linked.md", 100, &err);
	assert_non_null(strstr(err.msg, "'linked.md' resolves outside"));
	assert_string_equal(err.path, "linked.md");
	free(secret);
	sw_buf_release(&b);
	sw_buf_release(&want);
	fx_stop(&f);
}

static void contain__explains_missing_and_odd_files(void **state)
{
	struct fx f;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	char *fifo;
	int fd = -1;

	SW_UNUSED(state);
	fx_start(&f);
	link_at(&f, "nowhere.md", "dangling.md");
	link_at(&f, "loop-b", "loop-a");
	link_at(&f, "loop-a", "loop-b");
	fifo = sw_path_join(f.root, "pipe.md");
	assert_int_equal(mkfifo(fifo, 0600), 0);

	assert_sw_fails(sw_inside_read(&b, &f.in, "missing.md", 100, &err), SW_ENOTFOUND, &err);
	assert_non_null(strstr(err.msg, "'missing.md' does not exist"));
	assert_sw_fails(sw_inside_read(&b, &f.in, "dangling.md", 100, &err), SW_ENOTFOUND, &err);
	assert_sw_fails(sw_inside_read(&b, &f.in, "loop-a", 100, &err), SW_EINVAL, &err);
	assert_non_null(strstr(err.msg, "loop"));
	/* a FIFO is refused without blocking on it */
	assert_sw_fails(sw_inside_read(&b, &f.in, "pipe.md", 100, &err), SW_EINVAL, &err);
	assert_non_null(strstr(err.msg, "not a regular file"));
	assert_sw_fails(sw_inside_read(&b, &f.in, "docs", 100, &err), SW_EINVAL, &err);
	assert_sw_fails(sw_inside_read(&b, &f.in, "docs/api.md", 3, &err), SW_ETOOBIG, &err);
	assert_int_equal(b.len, 0);
	assert_sw_ok(sw_inside_open(&fd, &f.in, "docs", 1, &err), &err);
	close(fd);
	assert_sw_fails(sw_inside_open(&fd, &f.in, "docs/api.md", 1, &err), SW_EINVAL, &err);
	assert_true(sw_inside_is_under("/a/b", "/a"));
	assert_true(sw_inside_is_under("/a", "/a"));
	assert_false(sw_inside_is_under("/ab", "/a"));
	assert_true(sw_inside_is_under("/x", "/"));
	free(fifo);
	sw_buf_release(&b);
	fx_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contain__reads_names_and_links_inside),
		cmocka_unit_test(contain__refuses_what_resolves_outside),
		cmocka_unit_test(contain__explains_missing_and_odd_files),
	};

	return sw_run_group("contain", tests);
}
