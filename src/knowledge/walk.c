/* SPDX-License-Identifier: Apache-2.0 */
/*
 * walk.c - a depth-first directory walk with gitignore rules and globs.
 *
 * Ignore rules are kept in one sw_ignore set whose paths are relative to
 * the ignore root, so rules from a parent directory's .gitignore and from
 * the knowledge base's own folders are matched the same way; rules of a
 * subdirectory are added when the walk enters it and stay afterwards,
 * which is harmless because their base confines them to that directory.
 */
#include "base/compat.h"
#include "knowledge/walk.h"
#include "base/fs.h"
#include "base/glob.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define GITIGNORE_MAX (1u << 20) /* bytes of one .gitignore file */

struct walker {
	const struct kb_walk_opts *o;
	struct kb_walk *out;
	struct sw_ignore ign;
	char *prefix;        /* root relative to the ignore root, "" when they are the same */
	size_t max_files;
};

static int exclude_prunes_dir(const struct sw_strvec *exclude, const char *rel)
{
	size_t i;

	if (!exclude)
		return 0;
	for (i = 0; i < exclude->nr; i++) {
		const char *p = exclude->v[i];
		size_t n = strlen(p);

		if (sw_glob_match(p, rel, SW_GLOB_ANY_DEPTH))
			return 1;
		if (n > 3 && !strcmp(p + n - 3, "/**")) {
			char *head = sw_xstrndup(p, n - 3);
			int hit = sw_glob_match(head, rel, SW_GLOB_ANY_DEPTH);

			free(head);
			if (hit)
				return 1;
		}
	}
	return 0;
}

int kb_globs_select(const struct sw_strvec *include, const struct sw_strvec *exclude, const char *rel)
{
	size_t i;

	if (exclude)
		for (i = 0; i < exclude->nr; i++)
			if (sw_glob_match(exclude->v[i], rel, SW_GLOB_ANY_DEPTH))
				return 0;
	if (!include || !include->nr)
		return 1;
	for (i = 0; i < include->nr; i++)
		if (sw_glob_match(include->v[i], rel, SW_GLOB_ANY_DEPTH))
			return 1;
	return 0;
}

/* "prefix/rel" or "rel": the path the ignore rules see. */
static char *ign_path(const char *prefix, const char *rel)
{
	struct sw_buf b = SW_BUF_INIT;

	if (*prefix) {
		sw_buf_adds(&b, prefix);
		if (*rel)
			sw_buf_addch(&b, '/');
	}
	sw_buf_adds(&b, rel);
	return sw_buf_detach(&b, NULL);
}

static void load_gitignore(struct sw_ignore *ign, const char *dir_abs, const char *base)
{
	struct sw_buf text = SW_BUF_INIT;
	char *path = sw_path_join(dir_abs, ".gitignore");

	/* An unreadable .gitignore is treated as absent, as git does. */
	if (sw_read_file(&text, path, GITIGNORE_MAX, NULL) == 0)
		sw_ignore_add_text(ign, text.ptr, text.len, base);
	sw_buf_release(&text);
	free(path);
}

/* Loads the .gitignore files of the ignore root and each directory down to @upto (excluded). */
static void load_ancestors(struct sw_ignore *ign, const char *ignore_root, const char *prefix,
			   const char *upto_rel)
{
	struct sw_buf rel = SW_BUF_INIT;
	const char *p = prefix;

	load_gitignore(ign, ignore_root, "");
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char *abs;

		if (!n)
			break;
		if (rel.len)
			sw_buf_addch(&rel, '/');
		sw_buf_add(&rel, p, n);
		if (upto_rel && !strcmp(rel.ptr, upto_rel))
			break;
		abs = sw_path_join(ignore_root, rel.ptr);
		load_gitignore(ign, abs, rel.ptr);
		free(abs);
		if (!slash)
			break;
		p = slash + 1;
	}
	sw_buf_release(&rel);
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kb_walk_file *)a)->rel, ((const struct kb_walk_file *)b)->rel);
}

static int walk_dir(struct walker *w, const char *abs, const char *rel, struct sw_error *err)
{
	DIR *d = NULL;
	struct dirent *de;
	char *ipath = ign_path(w->prefix, rel);
	int rc = 0;

	load_gitignore(&w->ign, abs, ipath);
	d = opendir(abs);
	if (!d) {
		rc = sw_error_errno(err, SW_EIO, "cannot read directory '%s'", abs);
		goto out;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *crel, *cabs, *cipath;
		int is_dir;

		if (de->d_name[0] == '.') {
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				w->out->ignored++;
			continue;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* vanished while we walked */
		if (S_ISLNK(st.st_mode)) {
			/* Follow links to files only; a linked directory could loop. */
			if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
				continue;
		}
		is_dir = S_ISDIR(st.st_mode);
		if (!is_dir && !S_ISREG(st.st_mode))
			continue;
		crel = *rel ? sw_path_join(rel, de->d_name) : sw_xstrdup(de->d_name);
		cipath = ign_path(w->prefix, crel);
		if (sw_ignore_match(&w->ign, cipath, is_dir) ||
		    (is_dir ? exclude_prunes_dir(w->o->exclude, crel)
			    : !kb_globs_select(w->o->include, w->o->exclude, crel))) {
			w->out->ignored++;
			free(cipath);
			free(crel);
			continue;
		}
		free(cipath);
		if (is_dir) {
			cabs = sw_path_join(abs, de->d_name);
			rc = walk_dir(w, cabs, crel, err);
			free(cabs);
			free(crel);
			if (rc < 0)
				goto out;
			continue;
		}
		if (w->out->nr >= w->max_files) {
			free(crel);
			rc = sw_error_set(err, SW_ETOOBIG,
					  "'%s' holds more than %zu files to index; narrow it with "
					  "--include/--exclude or raise --max-files",
					  w->o->root, w->max_files);
			goto out;
		}
		SW_ALLOC_GROW(w->out->v, w->out->nr + 1, w->out->alloc);
		w->out->v[w->out->nr].rel = crel;
		w->out->v[w->out->nr].size = (uint64_t)st.st_size;
		w->out->v[w->out->nr].mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		w->out->nr++;
	}
out:
	if (d)
		closedir(d);
	free(ipath);
	return rc;
}

static char *prefix_of(const struct kb_walk_opts *o)
{
	const char *ir = o->ignore_root ? o->ignore_root : o->root;
	char *rel = sw_path_relative(o->root, ir);

	if (!strcmp(rel, o->root) && strcmp(ir, o->root)) {
		/* The root is not under the ignore root: only its own rules apply. */
		free(rel);
		return NULL;
	}
	if (!strcmp(rel, "."))
		rel[0] = '\0';
	return rel;
}

int kb_walk_run(struct kb_walk *out, const struct kb_walk_opts *o, struct sw_error *err)
{
	struct walker w = { o, out, SW_IGNORE_INIT, NULL, o->max_files ? o->max_files : KB_DEFAULT_MAX_FILES };
	const char *ir;
	struct stat st;
	int rc;

	if (stat(o->root, &st) < 0) {
		rc = errno == ENOENT ? sw_error_set(err, SW_ENOTFOUND, "'%s' does not exist", o->root)
				     : sw_error_errno(err, SW_EIO, "cannot read '%s'", o->root);
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		rc = sw_error_set(err, SW_EINVAL, "'%s' is not a directory", o->root);
		goto out;
	}
	w.prefix = prefix_of(o);
	ir = w.prefix ? (o->ignore_root ? o->ignore_root : o->root) : o->root;
	if (!w.prefix)
		w.prefix = sw_xstrdup("");
	if (*w.prefix)
		load_ancestors(&w.ign, ir, w.prefix, w.prefix);
	rc = walk_dir(&w, o->root, "", err);
	if (rc == 0)
		SW_QSORT(out->v, out->nr, file_cmp);
out:
	sw_ignore_release(&w.ign);
	free(w.prefix);
	return rc;
}

int kb_walk_selects(const struct kb_walk_opts *o, const char *rel)
{
	struct sw_ignore ign = SW_IGNORE_INIT;
	char *prefix = prefix_of(o), *full = NULL, *dir = NULL;
	const char *ir = prefix ? (o->ignore_root ? o->ignore_root : o->root) : o->root;
	const char *p;
	int ok = 0;

	if (!prefix)
		prefix = sw_xstrdup("");
	if (!*rel || rel[0] == '/')
		goto out;
	for (p = rel; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (*p == '.' || !*p)
			goto out;
	}
	if (!kb_globs_select(o->include, o->exclude, rel))
		goto out;
	/* Directories on the way down must not be pruned by an exclude glob. */
	dir = sw_xstrdup(rel);
	for (char *s = strchr(dir, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (exclude_prunes_dir(o->exclude, dir))
			goto out;
		*s = '/';
	}
	full = ign_path(prefix, rel);
	/* Every .gitignore from the ignore root down to the file's directory. */
	{
		char *fdir = strrchr(full, '/') ? sw_xstrndup(full, (size_t)(strrchr(full, '/') - full)) : sw_xstrdup("");

		load_gitignore(&ign, ir, "");
		if (*fdir) {
			struct sw_buf acc = SW_BUF_INIT;
			const char *q = fdir;

			for (;;) {
				const char *slash = strchr(q, '/');
				size_t n = slash ? (size_t)(slash - q) : strlen(q);
				char *abs;

				if (acc.len)
					sw_buf_addch(&acc, '/');
				sw_buf_add(&acc, q, n);
				abs = sw_path_join(ir, acc.ptr);
				load_gitignore(&ign, abs, acc.ptr);
				free(abs);
				if (!slash)
					break;
				q = slash + 1;
			}
			sw_buf_release(&acc);
		}
		free(fdir);
	}
	ok = !sw_ignore_match(&ign, full, 0);
out:
	sw_ignore_release(&ign);
	free(prefix);
	free(full);
	free(dir);
	return ok;
}

void kb_walk_release(struct kb_walk *w)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->nr; i++)
		free(w->v[i].rel);
	free(w->v);
	w->v = NULL;
	w->nr = w->alloc = 0;
	w->ignored = 0;
}
