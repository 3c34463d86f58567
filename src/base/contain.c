/* SPDX-License-Identifier: Apache-2.0 */
/*
 * contain.c - the one check that a named file lies inside its root.
 *
 * realpath() first, so a name that leads outside is refused before
 * anything outside is opened (a device or a FIFO outside is never
 * touched); then the open, with O_NOFOLLOW on the resolved name and
 * O_NONBLOCK so a FIFO swapped in cannot block; then the check on the
 * descriptor itself, which is what is read.  See contain.h.
 */
#include "compat.h"
#include "contain.h"
#include "fsat.h"
#include "fs.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

int sw_inside_is_under(const char *real, const char *root_real)
{
	size_t n = strlen(root_real);

	if (n == 1 && root_real[0] == '/')
		return real[0] == '/';
	return !strncmp(real, root_real, n) && (real[n] == '/' || real[n] == '\0');
}

int sw_inside_init(struct sw_inside *in, const char *root, const char *label, struct sw_error *err)
{
	char real[PATH_MAX];

	sw_inside_release(in);
	if (!realpath(root, real))
		return sw_error_errno(err, errno == ENOENT || errno == ENOTDIR ? SW_ENOTFOUND : SW_EIO,
				      "cannot resolve '%s'", root);
	in->root = sw_path_absolute(root);
	in->real = sw_xstrdup(real);
	in->label = label;
	return 0;
}

void sw_inside_release(struct sw_inside *in)
{
	if (!in)
		return;
	free(in->root);
	free(in->real);
	in->root = in->real = NULL;
	in->label = NULL;
}

/* The name to show for @path: relative to the root when it is written under it. */
static char *shown(const struct sw_inside *in, const char *path)
{
	return path[0] == '/' ? sw_path_relative(path, in->root) : sw_xstrdup(path);
}

static int outside(struct sw_error *err, const struct sw_inside *in, const char *name, const char *target)
{
	if (in->label)
		return sw_error_set(err, SW_EINVAL, "'%s' resolves outside %s (%s); refused", name, in->label, target);
	return sw_error_set(err, SW_EINVAL, "'%s' resolves outside '%s' (%s); refused", name, in->root, target);
}

int sw_inside_resolve(char **real, const struct sw_inside *in, const char *path, struct sw_error *err)
{
	char buf[PATH_MAX];
	char *full = sw_path_join(in->root, path), *name = shown(in, path);
	int rc = 0;

	*real = NULL;
	if (!realpath(full, buf)) {
		if (errno == ENOENT || errno == ENOTDIR)
			rc = sw_error_set(err, SW_ENOTFOUND, "'%s' does not exist", name);
		else if (errno == ELOOP)
			rc = sw_error_set(err, SW_EINVAL, "'%s' is a loop of symbolic links; refused", name);
		else
			rc = sw_error_errno(err, SW_EIO, "cannot resolve '%s'", name);
		goto out;
	}
	if (!sw_inside_is_under(buf, in->real)) {
		rc = outside(err, in, name, buf);
		goto out;
	}
	*real = sw_xstrdup(buf);
out:
	if (rc < 0)
		sw_error_at(err, name, 0, 0);
	free(full);
	free(name);
	return rc;
}

/* Checks that descriptor @fd, opened from @real, is still inside the root. */
static int check_fd(int fd, const struct sw_inside *in, const char *real, const char *name,
		    struct sw_error *err)
{
	char link[64], target[PATH_MAX];
	struct stat a, b;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (target[0] == '/' && sw_inside_is_under(target, in->real))
			return 0;
		return outside(err, in, name, target);
	}
	/* Without /proc: the opened file must be the one the resolved name still names. */
	if (fstat(fd, &a) == 0 && stat(real, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	return sw_error_set(err, SW_EINVAL, "'%s' changed while it was opened; refused", name);
}

int sw_inside_open(int *fd, const struct sw_inside *in, const char *path, int want_dir, struct sw_error *err)
{
	char *real = NULL, *name = shown(in, path);
	struct stat st;
	int f = -1, rc;

	*fd = -1;
	if ((rc = sw_inside_resolve(&real, in, path, err)) < 0)
		goto out;
	f = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW | (want_dir ? O_DIRECTORY : 0));
	if (f < 0) {
		if (errno == ELOOP)
			rc = sw_error_set(err, SW_EINVAL, "'%s' changed while it was opened; refused", name);
		else if (errno == ENOENT)
			rc = sw_error_set(err, SW_ENOTFOUND, "'%s' does not exist", name);
		else if (errno == ENOTDIR && want_dir)
			rc = sw_error_set(err, SW_EINVAL, "'%s' is not a folder", name);
		else
			rc = sw_error_errno(err, SW_EIO, "cannot open '%s'", name);
		goto out;
	}
	if ((rc = check_fd(f, in, real, name, err)) < 0)
		goto out;
	if (fstat(f, &st) < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot stat '%s'", name);
		goto out;
	}
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		rc = sw_error_set(err, SW_EINVAL, "'%s' is not a %s", name, want_dir ? "folder" : "regular file");
		goto out;
	}
	*fd = f;
	f = -1;
out:
	if (rc < 0)
		sw_error_at(err, name, 0, 0);
	if (f >= 0)
		close(f);
	free(real);
	free(name);
	return rc;
}

int sw_inside_read(struct sw_buf *out, const struct sw_inside *in, const char *path, size_t max,
		   struct sw_error *err)
{
	size_t start = out->len;
	char *name = NULL;
	int fd = -1, rc;

	if ((rc = sw_inside_open(&fd, in, path, 0, err)) < 0)
		goto out;
	name = shown(in, path);
	rc = sw_fs_read_fd(out, fd, max, name, err);
out:
	if (rc < 0) {
		sw_buf_setlen(out, start);
		if (name)
			sw_error_at(err, name, 0, 0);
	}
	if (fd >= 0)
		close(fd);
	free(name);
	return rc;
}
