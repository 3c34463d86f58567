/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/fs.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	if (d)
		closedir(d);
	return n;
}

static void fs__atomic_write_replaces_and_keeps_mode(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	char *dir = sw_test_tmpdir(), *path = sw_path_join(dir, "f.md");
	struct stat st;

	SW_UNUSED(state);
	assert_sw_ok(sw_write_atomic(path, "one", 3, &err), &err);
	chmod(path, 0600);
	assert_sw_ok(sw_write_atomic(path, "two\n", 4, &err), &err);
	assert_sw_ok(sw_read_file(&b, path, 100, &err), &err);
	assert_string_equal(b.ptr, "two\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_entries(dir), 1); /* no temporary file left */
	sw_buf_release(&b);
	sw_test_rmtree(dir);
	free(path);
	free(dir);
}

/* Each injected failure leaves the old content intact and no temporary file behind. */
static void fs__atomic_write_injected_failures_lose_nothing(void **state)
{
	static const char *const faults[] = { "open:1", "write:1", "fsync:1", "rename:1" };
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(faults); i++) {
		struct sw_error err = SW_ERROR_INIT;
		struct sw_buf b = SW_BUF_INIT;
		char *dir = sw_test_tmpdir(), *path = sw_path_join(dir, "tasks.md");

		assert_sw_ok(sw_write_atomic(path, "original", 8, &err), &err);
		setenv("SW_FAULT", faults[i], 1);
		sw_fault_reset();
		if (sw_write_atomic(path, "replacement", 11, &err) != SW_EIO)
			fail_msg("fault %s did not fail the write", faults[i]);
		assert_string_equal(err.path, path);
		unsetenv("SW_FAULT");
		sw_fault_reset();
		assert_sw_ok(sw_read_file(&b, path, 100, &err), &err);
		if (strcmp(b.ptr, "original"))
			fail_msg("fault %s: content is '%s'", faults[i], b.ptr);
		if (count_entries(dir) != 1)
			fail_msg("fault %s left %d entries", faults[i], count_entries(dir));
		sw_buf_release(&b);
		sw_test_rmtree(dir);
		free(path);
		free(dir);
	}
}

static void fs__second_rename_fails_only_second_write(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir(), *a = sw_path_join(dir, "a"), *b = sw_path_join(dir, "b");

	SW_UNUSED(state);
	setenv("SW_FAULT", "rename:2", 1);
	sw_fault_reset();
	assert_sw_ok(sw_write_atomic(a, "a", 1, &err), &err);
	assert_int_equal(sw_write_atomic(b, "b", 1, &err), SW_EIO);
	assert_true(sw_is_file(a));
	assert_false(sw_path_exists(b));
	unsetenv("SW_FAULT");
	sw_fault_reset();
	sw_test_rmtree(dir);
	free(a);
	free(b);
	free(dir);
}

static void fs__read_limits_and_missing(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	char *dir = sw_test_tmpdir(), *path = sw_path_join(dir, "big");

	SW_UNUSED(state);
	assert_sw_ok(sw_write_atomic(path, "0123456789", 10, &err), &err);
	assert_int_equal(sw_read_file(&b, path, 5, &err), SW_ETOOBIG);
	assert_int_equal(b.len, 0);
	assert_int_equal(sw_read_file(&b, "/nonexistent/x", 5, &err), SW_ENOTFOUND);
	assert_string_equal(err.path, "/nonexistent/x");
	assert_int_equal(sw_read_file(&b, dir, 5, &err), SW_EINVAL);
	sw_test_rmtree(dir);
	free(path);
	free(dir);
}

static void fs__mkdir_p_nested(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir(), *deep = sw_path_join(dir, "a/b/c/d");

	SW_UNUSED(state);
	assert_sw_ok(sw_mkdir_p(deep, &err), &err);
	assert_true(sw_is_dir(deep));
	assert_sw_ok(sw_mkdir_p(deep, &err), &err); /* idempotent */
	sw_test_write(dir, "file", "x");
	free(deep);
	deep = sw_path_join(dir, "file/sub");
	assert_int_equal(sw_mkdir_p(deep, &err), SW_EIO);
	sw_test_rmtree(dir);
	free(deep);
	free(dir);
}

struct path_case {
	const char *in;
	size_t len; /* 0: strlen */
	const char *want; /* NULL: must be refused */
};

static void fs__normalize_hostile_inputs(void **state)
{
	static const struct path_case cases[] = {
		{ "a/b/c.md", 0, "a/b/c.md" },
		{ "./a//b/./c", 0, "a/b/c" },
		{ "output/", 0, "output" },
		{ "../etc/passwd", 0, NULL },
		{ "a/../../b", 0, NULL },
		{ "a/..", 0, NULL },
		{ "..", 0, NULL },
		{ "/etc/passwd", 0, NULL },
		{ "//etc", 0, NULL },
		{ "a\0b", 3, NULL },
		{ "", 0, NULL },
		{ "./", 0, NULL },
		{ "...", 0, "..." },
		{ "a/..b", 0, "a/..b" },
		{ "store/agent-1.ndjson", 0, "store/agent-1.ndjson" },
	};
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++) {
		struct sw_error err = SW_ERROR_INIT;
		char *out = NULL;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		int rc = sw_path_normalize(&out, cases[i].in, len, 0, &err);

		if (cases[i].want) {
			if (rc < 0 || strcmp(out, cases[i].want))
				fail_msg("'%s': got %s (%s)", cases[i].in, out ? out : "error", err.msg);
		} else if (rc != SW_EINVAL) {
			fail_msg("'%s' was accepted as '%s'", cases[i].in, out);
		}
		free(out);
	}
}

static void fs__resolve_under_refuses_symlink_escape(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir(), *root = sw_path_join(dir, "root"), *link = NULL, *out = NULL;
	char *inside = NULL;

	SW_UNUSED(state);
	sw_test_write(dir, "root/ok/file", "x");
	sw_test_write(dir, "outside/secret", "s");
	link = sw_path_join(root, "escape");
	assert_int_equal(symlink("../outside", link), 0);
	free(link);
	link = sw_path_join(root, "inner");
	assert_int_equal(symlink("ok", link), 0);

	assert_sw_ok(sw_path_resolve_under(&out, root, "ok/file", 7, &err), &err);
	assert_true(sw_ends_with(out, "root/ok/file"));
	free(out);
	assert_sw_ok(sw_path_resolve_under(&out, root, "ok/new/deeper", 13, &err), &err);
	free(out);
	assert_sw_ok(sw_path_resolve_under(&out, root, "inner/file", 10, &err), &err); /* link stays inside */
	free(out);
	assert_int_equal(sw_path_resolve_under(&out, root, "escape/secret", 13, &err), SW_EINVAL);
	assert_true(strstr(err.msg, "symbolic link") != NULL);
	assert_int_equal(sw_path_resolve_under(&out, root, "escape/new-file", 15, &err), SW_EINVAL);
	assert_int_equal(sw_path_resolve_under(&out, root, "../outside/secret", 17, &err), SW_EINVAL);
	assert_null(out);
	sw_test_rmtree(dir);
	free(inside);
	free(link);
	free(root);
	free(dir);
}

static void fs__path_helpers(void **state)
{
	char *s;

	SW_UNUSED(state);
	s = sw_path_join("/a/b/", "./c");
	assert_string_equal(s, "/a/b/c");
	free(s);
	s = sw_path_join("/a", "/abs");
	assert_string_equal(s, "/abs");
	free(s);
	s = sw_dirname("a/b/c.md");
	assert_string_equal(s, "a/b");
	free(s);
	s = sw_dirname("c.md");
	assert_string_equal(s, ".");
	free(s);
	assert_string_equal(sw_basename("a/b/c.md"), "c.md");
	s = sw_path_absolute("/x/./y/../z");
	assert_string_equal(s, "/x/z");
	free(s);
	s = sw_path_relative("/w/.kiro/specs/a", "/w");
	assert_string_equal(s, ".kiro/specs/a");
	free(s);
	s = sw_path_relative("/wx/a", "/w");
	assert_string_equal(s, "/wx/a");
	free(s);
}

static void fs__lock_excludes_second_holder(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir(), *path = sw_path_join(dir, "tasks.md");
	int fd1 = -1, fd2 = -1;
	pid_t pid;
	int status;

	SW_UNUSED(state);
	assert_sw_ok(sw_file_lock(&fd1, path, 100, &err), &err);
	pid = fork();
	if (pid == 0) /* flock locks are per open file: a second process must wait */
		_exit(sw_file_lock(&fd2, path, 50, &err) == SW_ETIMEOUT ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	sw_file_unlock(fd1, path);
	assert_sw_ok(sw_file_lock(&fd2, path, 100, &err), &err);
	sw_file_unlock(fd2, path);
	sw_test_rmtree(dir);
	free(path);
	free(dir);
}

static void fs__list_dir_sorted_recursive(void **state)
{
	struct sw_strvec v = SW_STRVEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir(), *missing = sw_path_join(dir, "nope");

	SW_UNUSED(state);
	sw_test_write(dir, "b.md", "b");
	sw_test_write(dir, "a b.md", "a");
	sw_test_write(dir, "sub/c.md", "c");
	sw_test_write(dir, ".hidden/d.md", "d");
	assert_sw_ok(sw_list_dir(&v, dir, 0, &err), &err);
	assert_int_equal(v.nr, 2);
	assert_string_equal(v.v[0], "a b.md");
	assert_string_equal(v.v[1], "b.md");
	sw_strvec_clear(&v);
	assert_sw_ok(sw_list_dir(&v, dir, SW_LIST_RECURSIVE, &err), &err);
	assert_int_equal(v.nr, 3);
	assert_string_equal(v.v[2], "sub/c.md");
	sw_strvec_clear(&v);
	assert_sw_ok(sw_list_dir(&v, dir, SW_LIST_RECURSIVE | SW_LIST_DOTDIRS, &err), &err);
	assert_int_equal(v.nr, 4);
	assert_string_equal(v.v[0], ".hidden/d.md");
	sw_strvec_clear(&v);
	assert_int_equal(sw_list_dir(&v, missing, 0, &err), SW_ENOTFOUND);
	assert_int_equal(v.nr, 0);
	sw_error_clear(&err);
	assert_sw_ok(sw_list_dir(&v, missing, SW_LIST_MISSING_OK, &err), &err);
	assert_int_equal(v.nr, 0);
	assert_int_equal(err.code, 0);
	sw_test_rmtree(dir);
	free(missing);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fs__atomic_write_replaces_and_keeps_mode),
		cmocka_unit_test(fs__atomic_write_injected_failures_lose_nothing),
		cmocka_unit_test(fs__second_rename_fails_only_second_write),
		cmocka_unit_test(fs__read_limits_and_missing),
		cmocka_unit_test(fs__mkdir_p_nested),
		cmocka_unit_test(fs__normalize_hostile_inputs),
		cmocka_unit_test(fs__resolve_under_refuses_symlink_escape),
		cmocka_unit_test(fs__path_helpers),
		cmocka_unit_test(fs__lock_excludes_second_holder),
		cmocka_unit_test(fs__list_dir_sorted_recursive),
	};
	return sw_run_group("fs", tests);
}
