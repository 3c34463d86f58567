/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fs.c - whole-file reads, atomic writes, directories, safe paths.
 */
#include "compat.h"
#include "fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- fault injection ---------------------------------------------------- */

static struct {
	int loaded;
	char spec[256];
	int calls[4];
} faults;

static const char *const fault_ops[] = { "open", "write", "fsync", "rename" };

void sw_fault_reset(void)
{
	memset(&faults, 0, sizeof(faults));
}

int sw_fault_hit(const char *op)
{
	size_t i;
	const char *p;

	if (!faults.loaded) {
		const char *env = getenv("SW_FAULT");

		snprintf(faults.spec, sizeof(faults.spec), "%s", env ? env : "");
		faults.loaded = 1;
	}
	if (!faults.spec[0])
		return 0;
	for (i = 0; i < SW_ARRAY_SIZE(fault_ops); i++)
		if (!strcmp(op, fault_ops[i]))
			break;
	if (i == SW_ARRAY_SIZE(fault_ops))
		return 0;
	faults.calls[i]++;
	for (p = faults.spec; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t n = strlen(op);

		if (!strncmp(p, op, n) && p[n] == ':' && strtol(p + n + 1, NULL, 10) == faults.calls[i]) {
			errno = EIO;
			return 1;
		}
	}
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

int sw_read_file(struct sw_buf *out, const char *path, size_t max, struct sw_error *err)
{
	int fd = -1, rc = 0;
	struct stat st;
	size_t start = out->len;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = sw_error_errno(err, errno == ENOENT ? SW_ENOTFOUND : SW_EIO, "cannot open '%s'", path);
		goto out;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = sw_error_set(err, SW_EINVAL, "'%s' is a directory", path);
		goto out;
	}
	if (st.st_size > 0 && (uint64_t)st.st_size > max) {
		rc = sw_error_set(err, SW_ETOOBIG, "'%s' is larger than %zu bytes", path, max);
		goto out;
	}
	sw_buf_grow(out, st.st_size > 0 ? (size_t)st.st_size : 4096);
	for (;;) {
		ssize_t n;

		sw_buf_grow(out, 65536);
		n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = sw_error_errno(err, SW_EIO, "cannot read '%s'", path);
			goto out;
		}
		if (n == 0)
			break;
		sw_buf_setlen(out, out->len + (size_t)n);
		if (out->len - start > max) {
			rc = sw_error_set(err, SW_ETOOBIG, "'%s' is larger than %zu bytes", path, max);
			goto out;
		}
	}
out:
	if (rc < 0) {
		sw_buf_setlen(out, start);
		sw_error_at(err, path, 0, 0);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ---- atomic write ------------------------------------------------------- */

static int fsync_dir(const char *dir, struct sw_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return sw_error_errno(err, SW_EIO, "cannot open directory '%s'", dir);
	if (sw_fault_hit("fsync") || fsync(fd) < 0)
		rc = sw_error_errno(err, SW_EIO, "cannot sync directory '%s'", dir);
	close(fd);
	return rc;
}

int sw_write_atomic(const char *path, const void *data, size_t len, struct sw_error *err)
{
	struct sw_buf tmp = SW_BUF_INIT;
	char *dir = sw_dirname(path);
	const char *p = data;
	struct stat st;
	mode_t mode = 0644;
	int fd = -1, rc = 0, attempt;

	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	for (attempt = 0; attempt < 100; attempt++) {
		sw_buf_reset(&tmp);
		sw_buf_addf(&tmp, "%s/.%s.tmp.%ld.%d", dir, sw_basename(path), (long)getpid(), attempt);
		if (sw_fault_hit("open")) {
			fd = -1;
			break;
		}
		fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot create a temporary file beside '%s'", path);
		goto out;
	}
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
	if (sw_fault_hit("rename") || rename(tmp.ptr, path) < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot rename '%s' to '%s'", tmp.ptr, path);
		goto out;
	}
	sw_buf_reset(&tmp); /* renamed: nothing to remove */
	rc = fsync_dir(dir, err);
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		if (tmp.len)
			unlink(tmp.ptr);
		sw_error_at(err, path, 0, 0);
	}
	sw_buf_release(&tmp);
	free(dir);
	return rc;
}

/* ---- directories and names ---------------------------------------------- */

int sw_mkdir_p(const char *path, struct sw_error *err)
{
	char *copy = sw_xstrdup(path), *p;
	int rc = 0;

	for (p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
				rc = sw_error_errno(err, SW_EIO, "cannot create directory '%s'", copy);
				goto out;
			}
			*p = saved;
			if (!saved)
				break;
		}
	}
	if (!sw_is_dir(path))
		rc = sw_error_set(err, SW_EIO, "'%s' exists and is not a directory", path);
out:
	free(copy);
	return rc;
}

int sw_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int sw_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int sw_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *sw_path_join(const char *a, const char *b)
{
	struct sw_buf out = SW_BUF_INIT;

	if (!a || !*a || b[0] == '/')
		return sw_xstrdup(b);
	sw_buf_adds(&out, a);
	while (out.len > 1 && out.ptr[out.len - 1] == '/')
		sw_buf_setlen(&out, out.len - 1);
	while (b[0] == '.' && b[1] == '/')
		b += 2;
	if (*b) {
		if (out.ptr[out.len - 1] != '/')
			sw_buf_addch(&out, '/');
		sw_buf_adds(&out, b);
	}
	return sw_buf_detach(&out, NULL);
}

char *sw_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return sw_xstrdup(".");
	if (slash == path)
		return sw_xstrdup("/");
	return sw_xstrndup(path, (size_t)(slash - path));
}

const char *sw_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Folds "." and ".." lexically in an absolute path. */
static char *fold_absolute(const char *abs)
{
	struct sw_buf out = SW_BUF_INIT;
	const char *p = abs;

	while (*p) {
		const char *end;
		size_t n;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *s = memrchr(out.ptr, '/', out.len);

			sw_buf_setlen(&out, s ? (size_t)(s - out.ptr) : 0);
		} else {
			sw_buf_addch(&out, '/');
			sw_buf_add(&out, p, n);
		}
		p = end;
	}
	if (!out.len)
		sw_buf_addch(&out, '/');
	return sw_buf_detach(&out, NULL);
}

char *sw_path_absolute(const char *path)
{
	char cwd[PATH_MAX];
	char *joined, *res;

	if (path[0] == '/')
		return fold_absolute(path);
	if (!getcwd(cwd, sizeof(cwd)))
		SW_BUG("getcwd failed: %s", strerror(errno));
	joined = sw_path_join(cwd, path);
	res = fold_absolute(joined);
	free(joined);
	return res;
}

char *sw_path_relative(const char *path, const char *base)
{
	size_t n = strlen(base);

	while (n > 1 && base[n - 1] == '/')
		n--;
	if (!strncmp(path, base, n)) {
		if (path[n] == '/')
			return sw_xstrdup(path + n + 1);
		if (path[n] == '\0')
			return sw_xstrdup(".");
	}
	return sw_xstrdup(path);
}

int sw_path_normalize(char **out, const char *rel, size_t len, int allow_empty, struct sw_error *err)
{
	struct sw_buf b = SW_BUF_INIT;
	size_t i = 0;

	*out = NULL;
	if (memchr(rel, '\0', len))
		return sw_error_set(err, SW_EINVAL, "path contains a NUL byte");
	if (len && rel[0] == '/')
		return sw_error_set(err, SW_EINVAL, "absolute path '%.*s' not allowed", (int)len, rel);
	while (i < len) {
		size_t start, n;

		while (i < len && rel[i] == '/')
			i++;
		start = i;
		while (i < len && rel[i] != '/')
			i++;
		n = i - start;
		if (n == 0 || (n == 1 && rel[start] == '.'))
			continue;
		if (n == 2 && rel[start] == '.' && rel[start + 1] == '.') {
			sw_buf_release(&b);
			return sw_error_set(err, SW_EINVAL, "path '%.*s' must not contain '..'", (int)len, rel);
		}
		if (b.len)
			sw_buf_addch(&b, '/');
		sw_buf_add(&b, rel + start, n);
	}
	if (!b.len && !allow_empty) {
		sw_buf_release(&b);
		return sw_error_set(err, SW_EINVAL, "empty path");
	}
	*out = sw_buf_detach(&b, NULL);
	return 0;
}

int sw_path_resolve_under(char **out, const char *root, const char *rel, size_t len,
			  struct sw_error *err)
{
	char real_root[PATH_MAX], real[PATH_MAX];
	char *norm = NULL, *joined = NULL, *probe = NULL;
	size_t rootlen;
	int rc;

	*out = NULL;
	if ((rc = sw_path_normalize(&norm, rel, len, 1, err)) < 0)
		goto out;
	if (!realpath(root, real_root)) {
		rc = sw_error_errno(err, SW_EIO, "cannot resolve root '%s'", root);
		goto out;
	}
	rootlen = strlen(real_root);
	joined = sw_path_join(root, norm);
	/* Resolve the longest existing prefix: a link anywhere on the way counts. */
	probe = sw_xstrdup(joined);
	for (;;) {
		if (realpath(probe, real)) {
			if (strncmp(real, real_root, rootlen) ||
			    (real[rootlen] != '/' && real[rootlen] != '\0' && rootlen != 1)) {
				rc = sw_error_set(err, SW_EINVAL, "path '%s' leaves the root through a symbolic link",
						  norm);
				goto out;
			}
			break;
		}
		if (errno != ENOENT && errno != ENOTDIR) {
			rc = sw_error_errno(err, SW_EIO, "cannot resolve '%s'", norm);
			goto out;
		}
		{
			char *slash = strrchr(probe, '/');

			if (!slash || (size_t)(slash - probe) < strlen(root))
				break;
			*slash = '\0';
		}
	}
	*out = joined;
	joined = NULL;
out:
	free(norm);
	free(joined);
	free(probe);
	return rc;
}

/* ---- locks -------------------------------------------------------------- */

int sw_file_lock(int *fd_out, const char *path, int timeout_ms, struct sw_error *err)
{
	struct sw_buf lp = SW_BUF_INIT;
	int fd, waited = 0, rc = 0;

	*fd_out = -1;
	sw_buf_addf(&lp, "%s.lock", path);
	fd = open(lp.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot open lock file '%s'", lp.ptr);
		goto out;
	}
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec ts = { 0, 5 * 1000000L };

		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = sw_error_errno(err, SW_EIO, "cannot lock '%s'", lp.ptr);
			goto out;
		}
		if (waited >= timeout_ms) {
			rc = sw_error_set(err, SW_ETIMEOUT, "'%s' is locked by another process", path);
			goto out;
		}
		nanosleep(&ts, NULL);
		waited += 5;
	}
	*fd_out = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	sw_buf_release(&lp);
	return rc;
}

int sw_dir_lock(int *fd_out, const char *dir, int timeout_ms, struct sw_error *err)
{
	int fd, waited = 0, rc = 0;

	*fd_out = -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sw_error_errno(err, errno == ENOENT ? SW_ENOTFOUND : SW_EIO, "cannot open '%s'", dir);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec ts = { 0, 2 * 1000000L };

		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = sw_error_errno(err, SW_EIO, "cannot lock '%s'", dir);
			goto out;
		}
		if (waited >= timeout_ms) {
			rc = sw_error_set(err, SW_ETIMEOUT, "'%s' is locked by another process", dir);
			goto out;
		}
		nanosleep(&ts, NULL);
		waited += 2;
	}
	*fd_out = fd;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

void sw_file_unlock(int fd, const char *path)
{
	SW_UNUSED(path);
	if (fd < 0)
		return;
	/* The lock file stays: unlinking it would race with a waiter holding the old inode. */
	flock(fd, LOCK_UN);
	close(fd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_into(struct sw_strvec *out, const char *dir, const char *prefix, int depth,
		     unsigned flags, struct sw_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		if ((errno == ENOENT || errno == ENOTDIR) && (flags & SW_LIST_MISSING_OK))
			return 0;
		if (errno == ENOENT || errno == ENOTDIR)
			return sw_error_set(err, SW_ENOTFOUND, "no folder '%s'", dir);
		return sw_error_errno(err, SW_EIO, "cannot read folder '%s'", dir);
	}
	while ((de = readdir(d))) {
		char *full, *rel;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		full = sw_path_join(dir, de->d_name);
		rel = *prefix ? sw_path_join(prefix, de->d_name) : sw_xstrdup(de->d_name);
		if (stat(full, &st) == 0) {
			if (S_ISREG(st.st_mode))
				sw_strvec_push(out, rel);
			else if (S_ISDIR(st.st_mode) && (flags & SW_LIST_RECURSIVE) && depth < 32 &&
				 !(de->d_name[0] == '.' && !(flags & SW_LIST_DOTDIRS)))
				list_into(out, full, rel, depth + 1, flags, NULL);
		}
		free(full);
		free(rel);
	}
	closedir(d);
	return 0;
}

int sw_list_dir(struct sw_strvec *out, const char *dir, unsigned flags, struct sw_error *err)
{
	size_t start = out->nr;
	int rc = list_into(out, dir, "", 0, flags, err);

	if (rc < 0)
		return rc;
	SW_QSORT(out->v + start, out->nr - start, cmp_str);
	return 0;
}
