/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fsat.c - opening beneath a directory descriptor without following links,
 * atomic writes within the directory that was opened, stale temporary files.
 *
 * The openat2() call is the fast path; every failure of it falls back to
 * the component walk, which is just as strict and also says which
 * component was missing or a link (openat2 reports only ENOENT or ELOOP
 * for the whole path).  Where openat2 is missing (ENOSYS) or filtered
 * (EPERM under seccomp) it is not tried again.
 */
#include "compat.h"
#include "fsat.h"
#include "fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WALK_DEPTH 32 /* sw_fs_list_stale_temps descends at most this deep */

static int no_openat2; /* set once the kernel said it has no openat2 */

/* openat2 with no links at all; -1 with errno on failure. */
static int open_no_links(int dirfd, const char *rel, int flags)
{
	struct open_how how;
	long fd;

	if (no_openat2)
		return -1;
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		no_openat2 = 1;
	return fd < 0 ? -1 : (int)fd;
}

/* Explains why opening component @name of @shown (the path so far) in @cur failed. */
static int walk_error(int cur, const char *name, const char *shown, int create, int e,
		      struct sw_error *err)
{
	struct stat sb;

	if ((e == ELOOP || e == ENOTDIR || e == EEXIST) && fstatat(cur, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(sb.st_mode))
			return sw_error_set(err, SW_EINVAL, "'%s' is a symbolic link (links are not followed here)",
					    shown);
		if (e == ENOTDIR || e == EEXIST)
			return sw_error_set(err, create ? SW_EINVAL : SW_ENOTFOUND, "'%s' is not a folder", shown);
	}
	if (e == ENOENT)
		return sw_error_set(err, SW_ENOTFOUND, "no such file or folder '%s'", shown);
	errno = e;
	return sw_error_errno(err, SW_EIO, "cannot open '%s'", shown);
}

/*
 * Opens @rel one component at a time from @dirfd, each with O_NOFOLLOW.
 * Every component but the last is opened as a folder; the last with
 * @flags, or as a folder (created when missing) when @create is set.
 */
static int walk(int *out, int dirfd, const char *rel, int flags, int create, struct sw_error *err)
{
	struct sw_buf shown = SW_BUF_INIT;
	char *copy = sw_xstrdup(rel), *p = copy;
	int cur = -1, rc = 0;

	*out = -1;
	cur = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot open the folder of '%s'", rel);
		goto out;
	}
	while (*p) {
		char *slash = strchr(p, '/');
		int last, next, dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

		if (slash)
			*slash = '\0';
		while (slash && slash[1] == '/')
			*++slash = '\0';
		last = !slash || !slash[1];
		if (!*p || !strcmp(p, ".")) {
			p = slash ? slash + 1 : p + strlen(p);
			continue;
		}
		if (shown.len)
			sw_buf_addch(&shown, '/');
		sw_buf_adds(&shown, p);
		if (!strcmp(p, "..")) {
			rc = sw_error_set(err, SW_EINVAL, "path '%s' must not contain '..'", rel);
			goto out;
		}
		if (last && !create) {
			next = openat(cur, p, flags | O_NOFOLLOW | O_CLOEXEC);
		} else {
			next = openat(cur, p, dir_flags);
			if (next < 0 && errno == ENOENT && create) {
				if (mkdirat(cur, p, 0755) < 0 && errno != EEXIST) {
					rc = sw_error_errno(err, SW_EIO, "cannot create folder '%s'", shown.ptr);
					goto out;
				}
				next = openat(cur, p, dir_flags);
			}
		}
		if (next < 0) {
			rc = walk_error(cur, p, shown.ptr, create, errno, err);
			goto out;
		}
		close(cur);
		cur = next;
		p = slash ? slash + 1 : p + strlen(p);
		if (last)
			break;
	}
	if (!shown.len && !create) {
		/* "" or ".": the folder itself, opened again with the caller's flags. */
		int fd = openat(cur, ".", flags | O_CLOEXEC);

		if (fd < 0) {
			rc = sw_error_errno(err, SW_EIO, "cannot open the folder of '%s'", rel);
			goto out;
		}
		close(cur);
		cur = fd;
	}
	*out = cur;
	cur = -1;
out:
	if (cur >= 0)
		close(cur);
	free(copy);
	sw_buf_release(&shown);
	return rc;
}

int sw_fs_open_beneath(int *fd, int dirfd, const char *rel, int flags, struct sw_error *err)
{
	assert(!(flags & O_CREAT));
	*fd = -1;
	if (rel[0] == '/')
		return sw_error_set(err, SW_EINVAL, "absolute path '%s' not allowed", rel);
	*fd = open_no_links(dirfd, rel[0] ? rel : ".", flags);
	if (*fd >= 0)
		return 0;
	return walk(fd, dirfd, rel, flags, 0, err);
}

int sw_fs_mkdir_beneath(int *fd, int dirfd, const char *rel, struct sw_error *err)
{
	*fd = -1;
	if (rel[0] == '/')
		return sw_error_set(err, SW_EINVAL, "absolute path '%s' not allowed", rel);
	*fd = open_no_links(dirfd, rel[0] ? rel : ".", O_RDONLY | O_DIRECTORY);
	if (*fd >= 0)
		return 0;
	return walk(fd, dirfd, rel, O_RDONLY | O_DIRECTORY, 1, err);
}

/* ---- writing ------------------------------------------------------------ */

int sw_fs_write_atomic_at(int dirfd, const char *name, const void *data, size_t len,
			  struct sw_error *err)
{
	struct sw_buf tmp = SW_BUF_INIT;
	const char *p = data;
	struct stat st;
	mode_t mode = 0644;
	int fd = -1, rc = 0, attempt, made = 0;

	assert(*name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, ".."));
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	for (attempt = 0; attempt < 100; attempt++) {
		sw_buf_reset(&tmp);
		sw_buf_addf(&tmp, ".%s.tmp.%ld.%d", name, (long)getpid(), attempt);
		if (sw_fault_hit("open")) {
			fd = -1;
			break;
		}
		fd = openat(dirfd, tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot create a temporary file beside '%s'", name);
		goto out;
	}
	made = 1;
	/* O_CREAT's mode is masked by the umask; keep the target's mode exactly. */
	(void)fchmod(fd, mode);
	while (len) {
		ssize_t n = sw_fault_hit("write") ? -1 : write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = sw_error_errno(err, SW_EIO, "cannot write '%s'", tmp.ptr);
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	if (sw_fault_hit("fsync") || fsync(fd) < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot sync '%s'", tmp.ptr);
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = sw_error_errno(err, SW_EIO, "cannot close '%s'", tmp.ptr);
		goto out;
	}
	fd = -1;
	if (sw_fault_hit("rename") || renameat(dirfd, tmp.ptr, dirfd, name) < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot rename '%s' to '%s'", tmp.ptr, name);
		goto out;
	}
	made = 0; /* renamed: nothing to remove */
	if (sw_fault_hit("fsync") || fsync(dirfd) < 0)
		rc = sw_error_errno(err, SW_EIO, "cannot sync the folder of '%s'", name);
out:
	if (fd >= 0)
		close(fd);
	if (made)
		unlinkat(dirfd, tmp.ptr, 0);
	sw_buf_release(&tmp);
	return rc;
}

/* @target (absolute, link-free) relative to @root (the same); NULL when not beneath it. */
static const char *beneath(const char *target, const char *root)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return target[1] ? target + 1 : NULL;
	if (strncmp(target, root, n) || target[n] != '/' || !target[n + 1])
		return NULL;
	return target + n + 1;
}

int sw_write_atomic_within(const char *path, const char *root, const void *data, size_t len,
			   struct sw_error *err)
{
	char rroot[PATH_MAX], target[PATH_MAX];
	char *dir = NULL, *parent = NULL;
	const char *rel;
	struct stat lst;
	int rootfd = -1, dfd = -1, rc = 0;

	if (!realpath(root, rroot)) {
		rc = sw_error_errno(err, errno == ENOENT ? SW_ENOTFOUND : SW_EIO, "cannot resolve '%s'", root);
		goto out;
	}
	if (!realpath(path, target)) {
		if (errno != ENOENT) {
			rc = sw_error_errno(err, SW_EIO, "cannot resolve '%s'", path);
			goto out;
		}
		if (lstat(path, &lst) == 0) {
			rc = sw_error_set(err, SW_ENOTFOUND, "'%s' is a symbolic link to a missing file", path);
			goto out;
		}
		/* A new file: its folder must exist, and decides where it goes. */
		dir = sw_dirname(path);
		if (!realpath(dir, target)) {
			rc = sw_error_errno(err, errno == ENOENT ? SW_ENOTFOUND : SW_EIO, "cannot resolve '%s'", dir);
			goto out;
		}
		{
			size_t n = strlen(target);
			int w = snprintf(target + n, sizeof(target) - n, "%s%s", strcmp(target, "/") ? "/" : "",
					 sw_basename(path));

			if (w < 0 || (size_t)w >= sizeof(target) - n) {
				rc = sw_error_set(err, SW_EINVAL, "path '%s' is too long", path);
				goto out;
			}
		}
	}
	rel = beneath(target, rroot);
	if (!rel) {
		rc = sw_error_set(err, SW_EINVAL, "'%s' resolves to '%s', outside '%s'; refused", path, target, root);
		goto out;
	}
	rootfd = open(rroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot open '%s'", root);
		goto out;
	}
	parent = sw_dirname(rel);
	/* No links from here on: one swapped in since realpath() fails the write. */
	if ((rc = sw_fs_open_beneath(&dfd, rootfd, parent, O_RDONLY | O_DIRECTORY, err)) < 0)
		goto out;
	sw_fs_remove_stale_temps(dfd, sw_basename(rel));
	rc = sw_fs_write_atomic_at(dfd, sw_basename(rel), data, len, err);
out:
	if (rc < 0)
		sw_error_at(err, path, 0, 0);
	if (dfd >= 0)
		close(dfd);
	if (rootfd >= 0)
		close(rootfd);
	free(dir);
	free(parent);
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

int sw_fs_read_fd(struct sw_buf *out, int fd, size_t max, const char *what, struct sw_error *err)
{
	size_t start = out->len;
	struct stat st;
	int rc = 0;

	if (fstat(fd, &st) < 0)
		return sw_error_errno(err, SW_EIO, "cannot read '%s'", what);
	if (!S_ISREG(st.st_mode))
		return sw_error_set(err, SW_EINVAL, "'%s' is not a regular file", what);
	if (st.st_size > 0 && (uint64_t)st.st_size > max)
		return sw_error_set(err, SW_ETOOBIG, "'%s' is larger than %zu bytes", what, max);
	for (;;) {
		ssize_t n;

		sw_buf_grow(out, 65536);
		n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = sw_error_errno(err, SW_EIO, "cannot read '%s'", what);
			break;
		}
		if (n == 0)
			break;
		sw_buf_setlen(out, out->len + (size_t)n);
		if (out->len - start > max) {
			rc = sw_error_set(err, SW_ETOOBIG, "'%s' is larger than %zu bytes", what, max);
			break;
		}
	}
	if (rc < 0)
		sw_buf_setlen(out, start);
	return rc;
}

/* ---- stale temporary files ---------------------------------------------- */

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

int sw_fs_is_temp_name(const char *entry, const char *name, long *pid)
{
	size_t len = strlen(entry), i = len, dot2, namelen;

	/* ".NAME.tmp.PID.N", read from the end: N, then PID, then ".tmp." */
	while (i > 0 && entry[i - 1] != '.')
		i--;
	if (i == 0 || !all_digits(entry + i, len - i))
		return 0;
	dot2 = --i;
	while (i > 0 && entry[i - 1] != '.')
		i--;
	if (i == 0 || !all_digits(entry + i, dot2 - i) || dot2 - i > 12)
		return 0;
	if (i < 7 || strncmp(entry + i - 5, ".tmp.", 5) || entry[0] != '.')
		return 0;
	namelen = i - 6;
	if (name && (strlen(name) != namelen || strncmp(entry + 1, name, namelen)))
		return 0;
	if (pid)
		*pid = strtol(entry + i, NULL, 10);
	return 1;
}

/* 1 if @entry in @dirfd is one of our temporary files and its writer is gone or long done. */
static int is_stale(int dirfd, const char *entry, const char *name)
{
	struct stat st;
	long pid = 0;

	if (!sw_fs_is_temp_name(entry, name, &pid))
		return 0;
	if (fstatat(dirfd, entry, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (pid <= 0 || (long)(pid_t)pid != pid || (kill((pid_t)pid, 0) < 0 && errno == ESRCH))
		return 1;
	/* The process lives, but a write takes milliseconds: an old file is a reused pid's. */
	return time(NULL) - st.st_mtime > SW_FS_STALE_TEMP_AGE;
}

int sw_fs_remove_stale_temps(int dirfd, const char *name)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)))
		if (is_stale(fd, de->d_name, name) && unlinkat(fd, de->d_name, 0) == 0)
			n++;
	closedir(d);
	return n;
}

static void list_stale(struct sw_strvec *out, int dirfd, const char *shown, int depth)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		int sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (is_stale(fd, de->d_name, NULL)) {
			sw_strvec_push_take(out, sw_path_join(shown, de->d_name));
			continue;
		}
		if (depth >= WALK_DEPTH || fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0) {
			char *child = sw_path_join(shown, de->d_name);

			list_stale(out, sub, child, depth + 1);
			free(child);
			close(sub);
		}
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sw_fs_list_stale_temps(struct sw_strvec *out, const char *dir, struct sw_error *err)
{
	size_t start = out->nr;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return sw_error_errno(err, errno == ENOENT ? SW_ENOTFOUND : SW_EIO, "cannot open folder '%s'", dir);
	list_stale(out, fd, dir, 0);
	close(fd);
	SW_QSORT(out->v + start, out->nr - start, cmp_str);
	return 0;
}
