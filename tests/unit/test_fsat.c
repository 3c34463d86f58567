/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fsat: opening beneath a directory descriptor with no link followed,
 * atomic writes within the folder that was opened, stale temporary files.
 */
#include "helpers/sw_test.h"
#include "base/fs.h"
#include "base/fsat.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char *at(const char *root, const char *rel)
{
	return sw_path_join(root, rel);
}

static void link_at(const char *root, const char *rel, const char *target)
{
	char *p = at(root, rel);

	if (symlink(target, p) < 0)
		fail_msg("symlink %s: %s", p, strerror(errno));
	free(p);
}

static void read_at(struct sw_buf *b, const char *root, const char *rel)
{
	struct sw_error err = SW_ERROR_INIT;
	char *p = at(root, rel);

	sw_buf_reset(b);
	assert_sw_ok(sw_read_file(b, p, 1 << 20, &err), &err);
	free(p);
}

static int is_link_at(const char *root, const char *rel)
{
	char *p = at(root, rel);
	struct stat st;
	int yes = lstat(p, &st) == 0 && S_ISLNK(st.st_mode);

	free(p);
	return yes;
}

static int exists_at(const char *root, const char *rel)
{
	char *p = at(root, rel);
	int yes = sw_path_exists(p);

	free(p);
	return yes;
}

static int open_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* A process id that existed and no longer does. */
static long dead_pid(void)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return (long)pid;
}

static void write_temp(const char *dir, const char *name, long pid, int n)
{
	char rel[256];

	snprintf(rel, sizeof(rel), ".%s.tmp.%ld.%d", name, pid, n);
	sw_test_write(dir, rel, "partial");
}

/* root: a/f, l -> a, a/lf -> f, out -> @outside */
static char *fixture(const char *outside)
{
	char *root = sw_test_tmpdir();

	sw_test_write(root, "a/f", "hi\n");
	link_at(root, "l", "a");
	link_at(root, "a/lf", "f");
	link_at(root, "out", outside);
	return root;
}

static void fsat__open_beneath_follows_no_link(void **state)
{
	static const struct {
		const char *rel;
		int code;          /* 0: opens */
		const char *msg;   /* part of the message */
	} cases[] = {
		{ "a/f", 0, NULL },
		{ "a//f", 0, NULL },
		{ "l/f", SW_EINVAL, "'l' is a symbolic link" },
		{ "a/lf", SW_EINVAL, "'a/lf' is a symbolic link" },
		{ "out/secret", SW_EINVAL, "'out' is a symbolic link" },
		{ "out", SW_EINVAL, "'out' is a symbolic link" },
		{ "a/missing", SW_ENOTFOUND, "no such file or folder 'a/missing'" },
		{ "a/f/x", SW_ENOTFOUND, "'a/f' is not a folder" },
		{ "../x", SW_EINVAL, "'..'" },
		{ "a/../../x", SW_EINVAL, "'..'" },
		{ "/etc/passwd", SW_EINVAL, "absolute" },
	};
	char *outside = sw_test_tmpdir(), *root;
	struct sw_buf b = SW_BUF_INIT;
	int rootfd, fd;
	size_t i;

	SW_UNUSED(state);
	sw_test_write(outside, "secret", "s\n");
	root = fixture(outside);
	rootfd = open_dir(root);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++) {
		struct sw_error err = SW_ERROR_INIT;
		int rc = sw_fs_open_beneath(&fd, rootfd, cases[i].rel, O_RDONLY, &err);

		if (rc != cases[i].code)
			fail_msg("'%s': got %d (%s), expected %d", cases[i].rel, rc, err.msg, cases[i].code);
		if (rc == 0) {
			assert_sw_ok(sw_fs_read_fd(&b, fd, 100, cases[i].rel, &err), &err);
			assert_string_equal(b.ptr, "hi\n");
			sw_buf_reset(&b);
			close(fd);
		} else {
			assert_int_equal(fd, -1);
			if (!strstr(err.msg, cases[i].msg))
				fail_msg("'%s': message '%s' lacks '%s'", cases[i].rel, err.msg, cases[i].msg);
		}
	}
	/* "" is the folder itself */
	{
		struct sw_error err = SW_ERROR_INIT;
		struct stat st;

		assert_sw_ok(sw_fs_open_beneath(&fd, rootfd, "", O_RDONLY | O_DIRECTORY, &err), &err);
		assert_int_equal(fstat(fd, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		close(fd);
	}
	close(rootfd);
	sw_buf_release(&b);
	sw_test_rmtree(root);
	sw_test_rmtree(outside);
	free(root);
	free(outside);
}

/* In a child whose seccomp filter answers openat2 with ENOSYS (as some container runtimes do). */
static int walk_without_openat2(const char *root)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { (unsigned short)SW_ARRAY_SIZE(filter), filter };
	struct sw_error err = SW_ERROR_INIT;
	struct open_how how;
	int rootfd, fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return 10;
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY;
	if (syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof(how)) >= 0 || errno != ENOSYS)
		return 11; /* the filter must be in force, or this test proves nothing */
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return 12;
	if (sw_fs_open_beneath(&fd, rootfd, "a/f", O_RDONLY, &err) < 0)
		return 1;
	close(fd);
	if (sw_fs_open_beneath(&fd, rootfd, "", O_RDONLY | O_DIRECTORY, &err) < 0)
		return 2;
	close(fd);
	if (sw_fs_open_beneath(&fd, rootfd, "l/f", O_RDONLY, &err) != SW_EINVAL || !strstr(err.msg, "'l'"))
		return 3;
	if (sw_fs_open_beneath(&fd, rootfd, "a/lf", O_RDONLY, &err) != SW_EINVAL)
		return 4;
	if (sw_fs_open_beneath(&fd, rootfd, "out/secret", O_RDONLY, &err) != SW_EINVAL)
		return 5;
	if (sw_fs_mkdir_beneath(&fd, rootfd, "n/m", &err) < 0)
		return 6;
	if (sw_fs_write_atomic_at(fd, "w", "w", 1, &err) < 0)
		return 7;
	close(fd);
	if (sw_fs_mkdir_beneath(&fd, rootfd, "out/n", &err) != SW_EINVAL)
		return 8;
	close(rootfd);
	return 0;
}

static void fsat__walk_when_the_kernel_has_no_openat2(void **state)
{
	char *outside = sw_test_tmpdir(), *root;
	pid_t pid;
	int status;

	SW_UNUSED(state);
	sw_test_write(outside, "secret", "s\n");
	root = fixture(outside);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(walk_without_openat2(root));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status))
		fail_msg("step %d of the walk without openat2 failed", WEXITSTATUS(status));
	assert_true(exists_at(root, "n/m/w"));
	assert_false(exists_at(outside, "n"));
	sw_test_rmtree(root);
	sw_test_rmtree(outside);
	free(root);
	free(outside);
}

static void fsat__mkdir_beneath_creates_and_refuses_links(void **state)
{
	char *outside = sw_test_tmpdir(), *root = fixture(outside);
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	int rootfd = open_dir(root), fd;

	SW_UNUSED(state);
	assert_sw_ok(sw_fs_mkdir_beneath(&fd, rootfd, "x/y/z", &err), &err);
	assert_sw_ok(sw_fs_write_atomic_at(fd, "w.txt", "w\n", 2, &err), &err);
	close(fd);
	read_at(&b, root, "x/y/z/w.txt");
	assert_string_equal(b.ptr, "w\n");
	assert_sw_ok(sw_fs_mkdir_beneath(&fd, rootfd, "x/y", &err), &err); /* exists: fine */
	close(fd);
	assert_sw_fails(sw_fs_mkdir_beneath(&fd, rootfd, "l/new", &err), SW_EINVAL, &err);
	assert_non_null(strstr(err.msg, "'l' is a symbolic link"));
	assert_false(exists_at(root, "a/new"));
	assert_sw_fails(sw_fs_mkdir_beneath(&fd, rootfd, "out/new", &err), SW_EINVAL, &err);
	assert_false(exists_at(outside, "new"));
	assert_sw_fails(sw_fs_mkdir_beneath(&fd, rootfd, "a/f/sub", &err), SW_EINVAL, &err);
	assert_non_null(strstr(err.msg, "'a/f' is not a folder"));
	assert_int_equal(fd, -1);
	close(rootfd);
	sw_buf_release(&b);
	sw_test_rmtree(root);
	sw_test_rmtree(outside);
	free(root);
	free(outside);
}

static void fsat__write_atomic_at_replaces_links_and_cleans_up(void **state)
{
	char *outside = sw_test_tmpdir(), *root = fixture(outside), *p;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	int rootfd = open_dir(root), dfd;
	struct stat st;

	SW_UNUSED(state);
	sw_test_write(outside, "victim", "safe\n");
	assert_sw_ok(sw_fs_open_beneath(&dfd, rootfd, "a", O_RDONLY | O_DIRECTORY, &err), &err);
	/* mode kept */
	p = at(root, "a/f");
	assert_int_equal(chmod(p, 0600), 0);
	assert_sw_ok(sw_fs_write_atomic_at(dfd, "f", "two\n", 4, &err), &err);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(p);
	read_at(&b, root, "a/f");
	assert_string_equal(b.ptr, "two\n");
	/* a link named like the target is replaced, not followed */
	link_at(root, "a/victim", "../out/victim");
	assert_sw_ok(sw_fs_write_atomic_at(dfd, "victim", "new\n", 4, &err), &err);
	assert_false(is_link_at(root, "a/victim"));
	read_at(&b, outside, "victim");
	assert_string_equal(b.ptr, "safe\n");
	/* a failing rename leaves the target and no temporary file */
	setenv("SW_FAULT", "rename:1", 1);
	sw_fault_reset();
	assert_sw_fails(sw_fs_write_atomic_at(dfd, "f", "lost", 4, &err), SW_EIO, &err);
	unsetenv("SW_FAULT");
	sw_fault_reset();
	read_at(&b, root, "a/f");
	assert_string_equal(b.ptr, "two\n");
	{
		struct sw_strvec files = SW_STRVEC_INIT;
		char *a = at(root, "a");
		size_t i;

		assert_sw_ok(sw_list_dir(&files, a, 0, &err), &err);
		for (i = 0; i < files.nr; i++)
			if (sw_fs_is_temp_name(files.v[i], NULL, NULL))
				fail_msg("temporary file left: %s", files.v[i]);
		sw_strvec_clear(&files);
		free(a);
	}
	close(dfd);
	close(rootfd);
	sw_buf_release(&b);
	sw_test_rmtree(root);
	sw_test_rmtree(outside);
	free(root);
	free(outside);
}

static void fsat__write_within_follows_inside_links_only(void **state)
{
	char *outside = sw_test_tmpdir(), *root = sw_test_tmpdir(), *p;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	long dead = dead_pid();

	SW_UNUSED(state);
	sw_test_write(root, "docs/tasks.md", "old\n");
	sw_test_write(root, "spec/x", "");
	sw_test_write(outside, "t.md", "outside\n");
	link_at(root, "spec/tasks.md", "../docs/tasks.md");
	link_at(root, "spec/out.md", outside);
	link_at(root, "spec/dangling.md", "../docs/none.md");
	{
		char *docs = at(root, "docs");

		write_temp(docs, "tasks.md", dead, 0);
		write_temp(docs, "tasks.md", (long)getpid(), 7);
		write_temp(docs, "other.md", dead, 0);
		free(docs);
	}

	/* through a link that stays inside: the target changes, the link stays */
	p = at(root, "spec/tasks.md");
	assert_sw_ok(sw_write_atomic_within(p, root, "new\n", 4, &err), &err);
	free(p);
	assert_true(is_link_at(root, "spec/tasks.md"));
	read_at(&b, root, "docs/tasks.md");
	assert_string_equal(b.ptr, "new\n");
	/* the dead writer's temporary file went, the live one's and another target's stay */
	{
		char rel[128];

		snprintf(rel, sizeof(rel), "docs/.tasks.md.tmp.%ld.0", dead);
		assert_false(exists_at(root, rel));
		snprintf(rel, sizeof(rel), "docs/.tasks.md.tmp.%ld.7", (long)getpid());
		assert_true(exists_at(root, rel));
		snprintf(rel, sizeof(rel), "docs/.other.md.tmp.%ld.0", dead);
		assert_true(exists_at(root, rel));
	}

	/* a link that leaves: refused, nothing written */
	sw_buf_reset(&b);
	sw_buf_addf(&b, "%s/t.md", outside);
	link_at(root, "spec/leave.md", b.ptr);
	p = at(root, "spec/leave.md");
	assert_sw_fails(sw_write_atomic_within(p, root, "pwned", 5, &err), SW_EINVAL, &err);
	assert_non_null(strstr(err.msg, "outside"));
	assert_string_equal(err.path, p);
	free(p);
	read_at(&b, outside, "t.md");
	assert_string_equal(b.ptr, "outside\n");
	/* through a linked folder that leaves */
	p = at(root, "spec/out.md/t.md");
	assert_sw_fails(sw_write_atomic_within(p, root, "pwned", 5, &err), SW_EINVAL, &err);
	free(p);
	read_at(&b, outside, "t.md");
	assert_string_equal(b.ptr, "outside\n");
	/* a dangling link is not a new file */
	p = at(root, "spec/dangling.md");
	assert_sw_fails(sw_write_atomic_within(p, root, "x", 1, &err), SW_ENOTFOUND, &err);
	free(p);
	assert_false(exists_at(root, "docs/none.md"));
	/* a new file in an existing folder */
	p = at(root, "spec/new.md");
	assert_sw_ok(sw_write_atomic_within(p, root, "n\n", 2, &err), &err);
	free(p);
	read_at(&b, root, "spec/new.md");
	assert_string_equal(b.ptr, "n\n");
	sw_buf_release(&b);
	sw_test_rmtree(root);
	sw_test_rmtree(outside);
	free(root);
	free(outside);
}

static void fsat__temp_names_and_stale_listing(void **state)
{
	static const struct {
		const char *entry, *name;
		int yes;
		long pid;
	} names[] = {
		{ ".tasks.md.tmp.123.0", "tasks.md", 1, 123 },
		{ ".tasks.md.tmp.123.0", NULL, 1, 123 },
		{ ".tasks.md.tmp.123.45", "tasks.md", 1, 123 },
		{ ".tasks.md.tmp.123.0", "design.md", 0, 0 },
		{ ".a.tmp.1.2", "a", 1, 1 },
		{ ".tmp.1.2", NULL, 0, 0 },
		{ "tasks.md.tmp.123.0", NULL, 0, 0 },
		{ ".tasks.md.tmp.123.", NULL, 0, 0 },
		{ ".tasks.md.tmp..0", NULL, 0, 0 },
		{ ".tasks.md.tmp.12x.0", NULL, 0, 0 },
		{ ".tasks.md.tmp.notes", NULL, 0, 0 },
		{ ".tasks.md.tmp.123.0.bak", NULL, 0, 0 },
		{ ".x.tmp.123.0", "tasks.md", 0, 0 },
	};
	char *root = sw_test_tmpdir(), *outside = sw_test_tmpdir(), *sub;
	struct sw_strvec found = SW_STRVEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	long dead = dead_pid(), pid;
	char want[2][512];
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(names); i++) {
		pid = 0;
		if (sw_fs_is_temp_name(names[i].entry, names[i].name, &pid) != names[i].yes)
			fail_msg("'%s' for '%s': expected %d", names[i].entry, names[i].name ? names[i].name : "any",
				 names[i].yes);
		if (names[i].yes)
			assert_int_equal(pid, names[i].pid);
	}
	sw_test_write(root, "specs/a/tasks.md", "t");
	sub = at(root, "specs/a");
	write_temp(sub, "tasks.md", dead, 0);             /* stale */
	write_temp(sub, "tasks.md", (long)getpid(), 1);   /* a live writer */
	free(sub);
	write_temp(root, "config.json", dead, 2);         /* stale */
	write_temp(outside, "t.md", dead, 0);             /* behind a link: not looked at */
	link_at(root, "linked", outside);
	assert_sw_ok(sw_fs_list_stale_temps(&found, root, &err), &err);
	snprintf(want[0], sizeof(want[0]), "%s/.config.json.tmp.%ld.2", root, dead);
	snprintf(want[1], sizeof(want[1]), "%s/specs/a/.tasks.md.tmp.%ld.0", root, dead);
	if (found.nr != 2)
		fail_msg("expected 2 stale files, found %zu (first: %s)", found.nr, found.nr ? found.v[0] : "-");
	assert_string_equal(found.v[0], want[0]);
	assert_string_equal(found.v[1], want[1]);
	sw_strvec_clear(&found);
	assert_sw_fails(sw_fs_list_stale_temps(&found, "/nonexistent/sw-fsat", &err), SW_ENOTFOUND, &err);
	sw_test_rmtree(root);
	sw_test_rmtree(outside);
	free(root);
	free(outside);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fsat__open_beneath_follows_no_link),
		cmocka_unit_test(fsat__walk_when_the_kernel_has_no_openat2),
		cmocka_unit_test(fsat__mkdir_beneath_creates_and_refuses_links),
		cmocka_unit_test(fsat__write_atomic_at_replaces_links_and_cleans_up),
		cmocka_unit_test(fsat__write_within_follows_inside_links_only),
		cmocka_unit_test(fsat__temp_names_and_stale_listing),
	};

	return sw_run_group("fsat", tests);
}
