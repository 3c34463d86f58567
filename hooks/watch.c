/* SPDX-License-Identifier: Apache-2.0 */
/*
 * watch.c - recursive inotify watcher (see watch.h).  The only file that
 * includes <sys/inotify.h>.
 *
 * State: three maps.  files (relative path -> struct fent) is the snapshot
 * used to tell an edit from a creation and to diff after an overflow; dirs
 * (relative path -> struct dent, "" for the root) and wds (watch descriptor
 * -> the same struct dent) tie the kernel's descriptors to paths.  A moved
 * directory keeps its descriptor, so a move only rewrites paths.  Each
 * directory counts its direct files and subdirectories, so removing an
 * already emptied directory (the common "rm -r" case) costs nothing.
 *
 * Renames: IN_MOVED_FROM parks the entry under its cookie; the matching
 * IN_MOVED_TO (queued right after it by the same rename) decides what the
 * move was: an atomic save (target existed: EDITED), a rename (RENAMED), a
 * temporary file moved into place (CREATED), or a file moved onto an
 * ignored or temporary name (DELETED).  The kernel queues the two halves
 * of a rename one after the other, so a read can end between them: a
 * parked move is not judged when the queue is drained but only once it is
 * WATCH_MOVE_GRACE_MS old, after one more read of the queue (the pairing
 * timer).  Cookies still unmatched then are moves out of the tree.
 */
#include "base/compat.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/glob.h"
#include "base/strmap.h"
#include "hooks/watch.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define WATCH_MASK                                                                               \
	(IN_CREATE | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | \
	 IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
#define WATCH_READ_BUF (64u << 10)
#define WATCH_MAX_GITIGNORE (1u << 20) /* one .gitignore file */
#define WATCH_MOVE_GRACE_MS 50 /* how long an IN_MOVED_FROM waits for its IN_MOVED_TO */

enum scan_mode {
	SCAN_SILENT, /* the first scan: fill the snapshot, report nothing */
	SCAN_NEW,    /* a new directory: report files not yet known as CREATED */
	SCAN_RESCAN, /* after an overflow: report every difference */
};

struct fent {
	int64_t mtime_ns;
	int64_t size;
	uint64_t ino;
	uint32_t gen;       /* scan generation that last saw it */
	unsigned fresh : 1; /* created, not yet written and closed: not reported */
};

struct dent {
	char *path;       /* relative, "" for the root */
	int wd;           /* -1 once the kernel dropped the watch */
	uint32_t gen;     /* scan generation that last saw it */
	size_t nfiles;    /* tracked files directly inside */
	size_t ndirs;     /* watched directories directly inside */
	unsigned gitignore : 1; /* a .gitignore was read here */
};

struct pmove {
	uint32_t cookie;
	char *path;
	int is_dir;
	int dir_tracked;  /* is_dir: the directory was watched */
	struct fent *fe;  /* !is_dir: the detached snapshot entry, NULL if untracked */
	uint64_t parked;  /* uv_now when IN_MOVED_FROM was read */
};

struct hooks_watch {
	uv_loop_t *loop;
	uv_poll_t poll;
	uv_timer_t pair_timer;  /* judges parked moves whose IN_MOVED_TO did not come */
	int poll_open;
	int handles;            /* open libuv handles; released at 0 after closing */
	int closing;
	int fd;
	char *root;
	struct sw_strmap files; /* rel -> struct fent * */
	struct sw_strmap dirs;  /* rel -> struct dent * */
	struct sw_strmap wds;   /* "wd" -> struct dent * (borrowed from dirs) */
	struct sw_ignore ign_rules;  /* defaults and the caller's rules */
	struct sw_ignore ign_git;    /* every .gitignore found */
	int no_default_ignore, no_gitignore;
	struct pmove *moves;
	size_t moves_nr, moves_alloc;
	int need_rescan;
	uint32_t gen;
	hooks_watch_event_cb on_event;
	hooks_watch_error_cb on_error;
	void *data;
	struct hooks_watch_stats st;
};

static const char *const temp_globs[] = {
	"*.swp", "*.swo", "*.swx", "*.swpx", "*~", "4913", ".#*", "#*#", /* vim, emacs */
	".*.tmp.*",                        /* sw_write_atomic and many atomic writers */
	"*.tmp.[0-9]*",                    /* agents' "file.tmp.<pid>.<time>" */
	"*___jb_tmp___", "*___jb_old___",  /* JetBrains safe write */
	".goutputstream-*", "*.kate-swp", "*.crswap", ".~lock.*#",
};

int hooks_watch_is_temp_name(const char *name)
{
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(temp_globs); i++)
		if (sw_glob_match(temp_globs[i], name, 0))
			return 1;
	return 0;
}

const char *hooks_event_kind_name(enum hooks_event_kind kind)
{
	switch (kind) {
	case HOOKS_CREATED: return "created";
	case HOOKS_EDITED: return "edited";
	case HOOKS_DELETED: return "deleted";
	case HOOKS_RENAMED: return "renamed";
	}
	return "unknown";
}

long hooks_watch_max_user_watches(void)
{
	struct sw_buf b = SW_BUF_INIT;
	long v = -1;

	if (sw_read_file(&b, "/proc/sys/fs/inotify/max_user_watches", 64, NULL) == 0) {
		char *end;

		v = strtol(b.ptr, &end, 10);
		if (end == b.ptr)
			v = -1;
	}
	sw_buf_release(&b);
	return v;
}

/* ---- paths and rules ---- */

static char *rel_join(const char *dir, const char *name)
{
	struct sw_buf b = SW_BUF_INIT;

	if (*dir)
		sw_buf_addf(&b, "%s/%s", dir, name);
	else
		sw_buf_adds(&b, name);
	return sw_buf_detach(&b, NULL);
}

static void abs_path(struct sw_buf *b, const struct hooks_watch *w, const char *rel)
{
	sw_buf_reset(b);
	sw_buf_adds(b, w->root);
	if (*rel) {
		sw_buf_addch(b, '/');
		sw_buf_adds(b, rel);
	}
}

static int ignored(const struct hooks_watch *w, const char *rel, int is_dir)
{
	if (!*rel)
		return 0;
	if (sw_ignore_match(&w->ign_rules, rel, is_dir))
		return 1;
	return !w->no_gitignore && sw_ignore_match(&w->ign_git, rel, is_dir);
}

static int tracked_file(const struct hooks_watch *w, const char *rel)
{
	return !hooks_watch_is_temp_name(sw_basename(rel)) && !ignored(w, rel, 0);
}

static void set_rules(struct hooks_watch *w, const char *const *extra)
{
	static const char *const defaults[] = { WATCH_DEFAULT_IGNORE };
	size_t i;

	sw_ignore_release(&w->ign_rules);
	if (!w->no_default_ignore)
		for (i = 0; i < SW_ARRAY_SIZE(defaults); i++)
			sw_ignore_add(&w->ign_rules, defaults[i], "");
	for (i = 0; extra && extra[i]; i++)
		sw_ignore_add(&w->ign_rules, extra[i], "");
}

/* Reads @rel/.gitignore into the rule set; returns 1 if there was one. */
static int load_gitignore(struct hooks_watch *w, const char *rel)
{
	struct sw_buf path = SW_BUF_INIT, text = SW_BUF_INIT;
	int found = 0;

	abs_path(&path, w, rel);
	sw_buf_adds(&path, "/.gitignore");
	if (sw_read_file(&text, path.ptr, WATCH_MAX_GITIGNORE, NULL) == 0) {
		sw_ignore_add_text(&w->ign_git, text.ptr, text.len, rel);
		found = 1;
	}
	sw_buf_release(&path);
	sw_buf_release(&text);
	return found;
}

/* A .gitignore changed: rebuild the rules from every watched directory. */
static void reload_gitignores(struct hooks_watch *w)
{
	size_t it = 0;
	const char *key;
	void *v;

	sw_ignore_release(&w->ign_git);
	while (sw_strmap_next(&w->dirs, &it, &key, &v)) {
		struct dent *de = v;

		de->gitignore = load_gitignore(w, de->path);
	}
}

/* ---- reporting ---- */

static void emit(struct hooks_watch *w, enum hooks_event_kind kind, const char *path, const char *from,
		 int synthetic)
{
	struct hooks_event ev;

	if (w->closing)
		return;
	ev.kind = kind;
	ev.path = path;
	ev.from = from;
	ev.synthetic = synthetic;
	w->st.events++;
	w->on_event(&ev, w->data);
}

static void report(struct hooks_watch *w, const struct sw_error *err)
{
	if (!w->closing && w->on_error)
		w->on_error(err, w->data);
}

static int limit_error(const struct hooks_watch *w, const char *rel, struct sw_error *err)
{
	long max = hooks_watch_max_user_watches();

	return sw_error_set(err, SW_EIO,
			    "cannot watch '%s': the inotify watch limit is reached (%zu watches held here, "
			    "fs.inotify.max_user_watches = %ld, shared by every program of this user); "
			    "raise it with 'sysctl fs.inotify.max_user_watches=%ld' or ignore large directories",
			    *rel ? rel : ".", w->dirs.nr, max, max > 0 ? max * 2 : 524288);
}

/* ---- snapshot bookkeeping ---- */

static struct dent *parent_dent(const struct hooks_watch *w, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	struct dent *de;
	char *dir;

	if (!slash)
		return sw_strmap_get(&w->dirs, "");
	dir = sw_xstrndup(rel, (size_t)(slash - rel));
	de = sw_strmap_get(&w->dirs, dir);
	free(dir);
	return de;
}

static void fill(struct fent *fe, const struct stat *st)
{
	fe->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	fe->size = (int64_t)st->st_size;
	fe->ino = (uint64_t)st->st_ino;
}

static int same_stat(const struct fent *fe, const struct stat *st)
{
	struct fent now;

	fill(&now, st);
	return now.mtime_ns == fe->mtime_ns && now.size == fe->size && now.ino == fe->ino;
}

static void file_put(struct hooks_watch *w, const char *rel, struct fent *fe)
{
	struct dent *pd = parent_dent(w, rel);

	if (sw_strmap_put(&w->files, rel, fe))
		SW_BUG("file '%s' entered twice", rel);
	if (pd)
		pd->nfiles++;
}

/* Detaches and returns the entry for @rel (caller frees), or NULL. */
static struct fent *file_take(struct hooks_watch *w, const char *rel)
{
	struct fent *fe = sw_strmap_remove(&w->files, rel);
	struct dent *pd;

	if (fe && (pd = parent_dent(w, rel)) && pd->nfiles)
		pd->nfiles--;
	return fe;
}

static void wd_key(char *buf, size_t n, int wd)
{
	snprintf(buf, n, "%d", wd);
}

static struct dent *wd_get(const struct hooks_watch *w, int wd)
{
	char k[24];

	wd_key(k, sizeof(k), wd);
	return sw_strmap_get(&w->wds, k);
}

static void dent_free(struct dent *de)
{
	if (de) {
		free(de->path);
		free(de);
	}
}

/* Forgets directory @de (already out of the dirs map): drops its watch. */
static void dent_drop(struct hooks_watch *w, struct dent *de)
{
	struct dent *pd;

	if (de->wd >= 0) {
		char k[24];

		wd_key(k, sizeof(k), de->wd);
		if (sw_strmap_get(&w->wds, k) == de)
			sw_strmap_remove(&w->wds, k);
		inotify_rm_watch(w->fd, de->wd);
	}
	if (*de->path && (pd = parent_dent(w, de->path)) && pd->ndirs)
		pd->ndirs--;
	dent_free(de);
}

static int under(const char *path, const char *dir, size_t dlen)
{
	return !strncmp(path, dir, dlen) && (path[dlen] == '/' || path[dlen] == '\0');
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the keys of @m equal to @dir or beneath it, sorted (reports come out in path order). */
static void keys_under(struct sw_strvec *out, const struct sw_strmap *m, const char *dir)
{
	size_t it = 0, dlen = strlen(dir);
	const char *key;
	void *v;

	while (sw_strmap_next(m, &it, &key, &v))
		if (!dlen || under(key, dir, dlen))
			sw_strvec_push(out, key);
	SW_QSORT(out->v, out->nr, cmp_str);
}

/* The tree at @rel is gone (deleted, or moved out): report its files, drop its watches. */
static void drop_tree(struct hooks_watch *w, const char *rel, int report_files)
{
	struct dent *de = sw_strmap_get(&w->dirs, rel);
	struct sw_strvec keys = SW_STRVEC_INIT;
	size_t i;

	if (de && !de->nfiles && !de->ndirs) {
		dent_drop(w, sw_strmap_remove(&w->dirs, rel));
		return;
	}
	keys_under(&keys, &w->files, rel);
	for (i = 0; i < keys.nr; i++) {
		struct fent *fe = file_take(w, keys.v[i]);

		if (report_files && !fe->fresh)
			emit(w, HOOKS_DELETED, keys.v[i], NULL, 0);
		free(fe);
	}
	sw_strvec_clear(&keys);
	keys_under(&keys, &w->dirs, rel);
	/* Deepest first, so parents' counters stay meaningful. */
	for (i = keys.nr; i-- > 0;) {
		struct dent *d = sw_strmap_remove(&w->dirs, keys.v[i]);

		if (d)
			dent_drop(w, d);
	}
	sw_strvec_clear(&keys);
}

/* ---- scanning ---- */

static int add_dir(struct hooks_watch *w, const char *rel, enum scan_mode mode, struct sw_error *err);

static void scan_file(struct hooks_watch *w, const char *rel, const struct stat *st, enum scan_mode mode)
{
	struct fent *fe = sw_strmap_get(&w->files, rel);
	int changed;

	if (!fe) {
		fe = sw_xcalloc(1, sizeof(*fe));
		fill(fe, st);
		fe->gen = w->gen;
		file_put(w, rel, fe);
		if (mode != SCAN_SILENT)
			emit(w, HOOKS_CREATED, rel, NULL, 1);
		return;
	}
	changed = fe->size != (int64_t)st->st_size || fe->ino != (uint64_t)st->st_ino ||
		  fe->mtime_ns != (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	fe->gen = w->gen;
	if (mode != SCAN_RESCAN)
		return; /* a new directory's known file: its own events follow */
	fill(fe, st);
	if (fe->fresh) {
		fe->fresh = 0;
		emit(w, HOOKS_CREATED, rel, NULL, 1);
	} else if (changed) {
		emit(w, HOOKS_EDITED, rel, NULL, 1);
	}
}

/*
 * Watches @rel, then reads it: the watch comes first so that nothing
 * created in between is missed (watch.h).
 */
static int add_dir(struct hooks_watch *w, const char *rel, enum scan_mode mode, struct sw_error *err)
{
	struct sw_buf abs = SW_BUF_INIT;
	struct sw_strvec subdirs = SW_STRVEC_INIT;
	struct dent *de, *old;
	struct dirent *d;
	DIR *dir = NULL;
	char k[24];
	int wd, rc = 0;
	size_t i;

	abs_path(&abs, w, rel);
	wd = inotify_add_watch(w->fd, abs.ptr, WATCH_MASK);
	if (wd < 0) {
		if (errno == ENOSPC)
			rc = limit_error(w, rel, err);
		else if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
			rc = sw_error_errno(err, SW_EIO, "cannot watch '%s'", abs.ptr);
		goto out; /* vanished or unreadable: nothing to watch */
	}
	de = sw_strmap_get(&w->dirs, rel);
	if (!de) {
		struct dent *pd = *rel ? parent_dent(w, rel) : NULL;

		de = sw_xcalloc(1, sizeof(*de));
		de->path = sw_xstrdup(rel);
		de->wd = -1;
		sw_strmap_put(&w->dirs, rel, de);
		if (pd)
			pd->ndirs++;
	}
	if (de->wd >= 0 && de->wd != wd) {
		/* The path now holds another directory: forget the old descriptor. */
		wd_key(k, sizeof(k), de->wd);
		if (sw_strmap_get(&w->wds, k) == de)
			sw_strmap_remove(&w->wds, k);
	}
	wd_key(k, sizeof(k), wd);
	old = sw_strmap_put(&w->wds, k, de);
	if (old && old != de && old->wd == wd) {
		/* The same inode under a stale path (a move we did not see): forget the old path. */
		old->wd = -1;
		drop_tree(w, old->path, mode == SCAN_RESCAN);
	}
	de->wd = wd;
	de->gen = w->gen;
	if (!w->no_gitignore && !de->gitignore)
		de->gitignore = load_gitignore(w, rel);

	dir = opendir(abs.ptr);
	if (!dir)
		goto out;
	while ((d = readdir(dir))) {
		struct stat st;
		char *child;
		int is_dir;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		is_dir = S_ISDIR(st.st_mode);
		child = rel_join(rel, d->d_name);
		if (is_dir) {
			if (!ignored(w, child, 1))
				sw_strvec_push(&subdirs, child);
		} else if (tracked_file(w, child)) {
			scan_file(w, child, &st, mode);
		}
		free(child);
	}
	closedir(dir);
	dir = NULL;
	for (i = 0; i < subdirs.nr && rc == 0; i++)
		rc = add_dir(w, subdirs.v[i], mode, err);
out:
	if (dir)
		closedir(dir);
	sw_strvec_clear(&subdirs);
	sw_buf_release(&abs);
	return rc;
}

int hooks_watch_rescan(struct hooks_watch *w, struct sw_error *err)
{
	struct sw_strvec gone = SW_STRVEC_INIT;
	uint64_t before = w->st.events;
	size_t it = 0, i;
	const char *key;
	void *v;
	int rc;

	w->st.rescans++;
	w->gen++;
	/* Parked moves belong to the event stream the rescan replaces. */
	for (i = 0; i < w->moves_nr; i++) {
		free(w->moves[i].path);
		free(w->moves[i].fe);
	}
	w->moves_nr = 0;
	rc = add_dir(w, "", SCAN_RESCAN, err);
	if (rc < 0)
		goto out;
	while (sw_strmap_next(&w->files, &it, &key, &v))
		if (((struct fent *)v)->gen != w->gen)
			sw_strvec_push(&gone, key);
	for (i = 0; i < gone.nr; i++) {
		struct fent *fe = file_take(w, gone.v[i]);

		if (!fe->fresh && tracked_file(w, gone.v[i]))
			emit(w, HOOKS_DELETED, gone.v[i], NULL, 1);
		free(fe);
	}
	sw_strvec_clear(&gone);
	it = 0;
	while (sw_strmap_next(&w->dirs, &it, &key, &v))
		if (((struct dent *)v)->gen != w->gen)
			sw_strvec_push(&gone, key);
	for (i = gone.nr; i-- > 0;) {
		struct dent *de = sw_strmap_remove(&w->dirs, gone.v[i]);

		if (de)
			dent_drop(w, de);
	}
	rc = (int)(w->st.events - before);
out:
	sw_strvec_clear(&gone);
	return rc;
}

/* ---- events ---- */

static struct pmove *take_move(struct hooks_watch *w, uint32_t cookie, struct pmove *out)
{
	size_t i;

	for (i = 0; i < w->moves_nr; i++) {
		if (w->moves[i].cookie == cookie) {
			*out = w->moves[i];
			memmove(&w->moves[i], &w->moves[i + 1], (w->moves_nr - i - 1) * sizeof(*w->moves));
			w->moves_nr--;
			return out;
		}
	}
	return NULL;
}

static void moved_from(struct hooks_watch *w, const char *rel, int is_dir, uint32_t cookie)
{
	struct pmove *pm;

	SW_ALLOC_GROW(w->moves, w->moves_nr + 1, w->moves_alloc);
	pm = &w->moves[w->moves_nr++];
	memset(pm, 0, sizeof(*pm));
	pm->cookie = cookie;
	pm->path = sw_xstrdup(rel);
	pm->is_dir = is_dir;
	pm->parked = uv_now(w->loop);
	if (is_dir)
		pm->dir_tracked = sw_strmap_get(&w->dirs, rel) != NULL;
	else
		pm->fe = file_take(w, rel);
}

/* A watched directory moved from @from to @to inside the tree. */
static void move_tree(struct hooks_watch *w, const char *from, const char *to)
{
	struct sw_strvec keys = SW_STRVEC_INIT;
	struct dent *opd = parent_dent(w, from), *npd;
	size_t flen = strlen(from), i;
	struct sw_buf nk = SW_BUF_INIT;

	if (opd && opd->ndirs)
		opd->ndirs--;
	keys_under(&keys, &w->dirs, from);
	for (i = 0; i < keys.nr; i++) {
		struct dent *de = sw_strmap_remove(&w->dirs, keys.v[i]);

		sw_buf_reset(&nk);
		sw_buf_addf(&nk, "%s%s", to, keys.v[i] + flen);
		free(de->path);
		de->path = sw_xstrdup(nk.ptr);
		sw_strmap_put(&w->dirs, nk.ptr, de);
	}
	if ((npd = parent_dent(w, to)))
		npd->ndirs++;
	sw_strvec_clear(&keys);
	keys_under(&keys, &w->files, from);
	for (i = 0; i < keys.nr; i++) {
		struct fent *fe = sw_strmap_remove(&w->files, keys.v[i]);

		sw_buf_reset(&nk);
		sw_buf_addf(&nk, "%s%s", to, keys.v[i] + flen);
		sw_strmap_put(&w->files, nk.ptr, fe);
		if (!fe->fresh)
			emit(w, HOOKS_RENAMED, nk.ptr, keys.v[i], 0);
	}
	sw_strvec_clear(&keys);
	sw_buf_release(&nk);
}

static void moved_to(struct hooks_watch *w, const char *rel, int is_dir, uint32_t cookie)
{
	struct pmove pmv, *pm = take_move(w, cookie, &pmv);
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf abs = SW_BUF_INIT;
	struct fent *fe, *existing;
	struct stat st;
	int from_reported = pm && pm->fe && !pm->fe->fresh;

	if (is_dir) {
		if (pm && pm->dir_tracked) {
			if (ignored(w, rel, 1))
				drop_tree(w, pm->path, 1);
			else
				move_tree(w, pm->path, rel);
		} else if (!ignored(w, rel, 1) && add_dir(w, rel, SCAN_NEW, &err) < 0) {
			report(w, &err);
		}
		goto out;
	}
	abs_path(&abs, w, rel);
	if (!tracked_file(w, rel) || lstat(abs.ptr, &st) < 0) {
		/* Moved onto a temporary or ignored name (or gone again): the old path is gone. */
		if (from_reported)
			emit(w, HOOKS_DELETED, pm->path, NULL, 0);
		goto out;
	}
	existing = sw_strmap_get(&w->files, rel);
	if (existing) {
		int was_fresh = existing->fresh;

		/* An atomic save: the target is replaced, not created. */
		fill(existing, &st);
		existing->fresh = 0;
		emit(w, was_fresh ? HOOKS_CREATED : HOOKS_EDITED, rel, NULL, 0);
		if (from_reported)
			emit(w, HOOKS_DELETED, pm->path, NULL, 0);
		goto out;
	}
	fe = pm && pm->fe ? pm->fe : sw_xcalloc(1, sizeof(*fe));
	if (pm)
		pm->fe = NULL;
	fill(fe, &st);
	fe->fresh = 0;
	fe->gen = w->gen;
	file_put(w, rel, fe);
	if (from_reported)
		emit(w, HOOKS_RENAMED, rel, pm->path, 0);
	else
		emit(w, HOOKS_CREATED, rel, NULL, 0);
out:
	if (pm) {
		free(pm->path);
		free(pm->fe);
	}
	sw_buf_release(&abs);
}

/*
 * Moves parked for at least WATCH_MOVE_GRACE_MS whose IN_MOVED_TO never
 * came: the entries left the tree.  Younger ones stay parked.
 */
static void flush_moves(struct hooks_watch *w)
{
	uint64_t now = uv_now(w->loop);
	size_t i = 0;

	while (i < w->moves_nr && !w->closing) {
		struct pmove pm = w->moves[i];

		if (now - pm.parked < WATCH_MOVE_GRACE_MS) {
			i++;
			continue;
		}
		memmove(&w->moves[i], &w->moves[i + 1], (w->moves_nr - i - 1) * sizeof(*w->moves));
		w->moves_nr--;
		if (pm.is_dir && pm.dir_tracked)
			drop_tree(w, pm.path, 1);
		else if (pm.fe && !pm.fe->fresh)
			emit(w, HOOKS_DELETED, pm.path, NULL, 0);
		free(pm.path);
		free(pm.fe);
	}
}

static void file_event(struct hooks_watch *w, const char *rel, uint32_t mask)
{
	struct sw_buf abs = SW_BUF_INIT;
	struct fent *fe;
	struct stat st;

	if (!strcmp(sw_basename(rel), ".gitignore") && !w->no_gitignore &&
	    (mask & (IN_CLOSE_WRITE | IN_DELETE)))
		reload_gitignores(w);
	if (!tracked_file(w, rel))
		goto out;
	abs_path(&abs, w, rel);
	if (mask & IN_CREATE) {
		if (sw_strmap_get(&w->files, rel) || lstat(abs.ptr, &st) < 0 || S_ISDIR(st.st_mode))
			goto out;
		fe = sw_xcalloc(1, sizeof(*fe));
		fill(fe, &st);
		fe->gen = w->gen;
		/* A regular file being written is reported when it is closed; links at once. */
		fe->fresh = S_ISREG(st.st_mode) && st.st_nlink == 1;
		file_put(w, rel, fe);
		if (!fe->fresh)
			emit(w, HOOKS_CREATED, rel, NULL, 0);
	} else if (mask & IN_CLOSE_WRITE) {
		if (lstat(abs.ptr, &st) < 0)
			goto out; /* already gone; its removal event follows */
		fe = sw_strmap_get(&w->files, rel);
		if (!fe) {
			fe = sw_xcalloc(1, sizeof(*fe));
			fill(fe, &st);
			fe->gen = w->gen;
			file_put(w, rel, fe);
			emit(w, HOOKS_CREATED, rel, NULL, 0);
		} else if (fe->fresh) {
			fill(fe, &st);
			fe->fresh = 0;
			emit(w, HOOKS_CREATED, rel, NULL, 0);
		} else if (!same_stat(fe, &st)) {
			/* Unchanged since the snapshot: a scan already reported this write. */
			fill(fe, &st);
			emit(w, HOOKS_EDITED, rel, NULL, 0);
		}
	} else if (mask & IN_DELETE) {
		fe = file_take(w, rel);
		if (fe && !fe->fresh)
			emit(w, HOOKS_DELETED, rel, NULL, 0);
		free(fe);
	}
out:
	sw_buf_release(&abs);
}

static void handle_event(struct hooks_watch *w, const struct inotify_event *ie)
{
	struct sw_error err = SW_ERROR_INIT;
	struct dent *de;
	char *rel = NULL;
	int is_dir = (ie->mask & IN_ISDIR) != 0;

	if (ie->mask & IN_Q_OVERFLOW) {
		w->st.overflows++;
		w->need_rescan = 1;
		return;
	}
	de = wd_get(w, ie->wd);
	if (ie->mask & IN_IGNORED) {
		char k[24];

		wd_key(k, sizeof(k), ie->wd);
		sw_strmap_remove(&w->wds, k);
		if (de && de->wd == ie->wd)
			de->wd = -1;
		return;
	}
	if (!de)
		return;
	if (ie->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
		if (!*de->path) {
			sw_error_set(&err, SW_ENOTFOUND, "the watched directory '%s' was removed or moved",
				     w->root);
			report(w, &err);
		}
		return;
	}
	if (!ie->len || !ie->name[0])
		return;
	rel = rel_join(de->path, ie->name);
	if (ie->mask & IN_MOVED_FROM) {
		moved_from(w, rel, is_dir, ie->cookie);
	} else if (ie->mask & IN_MOVED_TO) {
		moved_to(w, rel, is_dir, ie->cookie);
	} else if (is_dir) {
		if ((ie->mask & IN_CREATE) && !ignored(w, rel, 1)) {
			if (add_dir(w, rel, SCAN_NEW, &err) < 0)
				report(w, &err);
		} else if (ie->mask & IN_DELETE) {
			drop_tree(w, rel, 1);
		}
	} else {
		file_event(w, rel, ie->mask);
	}
	free(rel);
}

/* Reads and handles every queued event. */
static void read_events(struct hooks_watch *w)
{
	struct sw_error err = SW_ERROR_INIT;
	char buf[WATCH_READ_BUF] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (!w->closing) {
		ssize_t n = read(w->fd, buf, sizeof(buf));
		char *p;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				sw_error_errno(&err, SW_EIO, "cannot read inotify events");
				report(w, &err);
			}
			break;
		}
		for (p = buf; p < buf + n && !w->closing;) {
			const struct inotify_event *ie = (const struct inotify_event *)p;

			handle_event(w, ie);
			p += sizeof(*ie) + ie->len;
		}
	}
}

static void on_pair_timer(uv_timer_t *t);

/* After a read: judge old parked moves, keep the pairing timer armed for the rest, rescan if needed. */
static void after_read(struct hooks_watch *w)
{
	struct sw_error err = SW_ERROR_INIT;
	uint64_t now, due;
	size_t i;

	if (w->closing)
		return;
	flush_moves(w);
	if (w->need_rescan) {
		w->need_rescan = 0;
		if (hooks_watch_rescan(w, &err) < 0)
			report(w, &err);
	}
	if (w->closing)
		return;
	uv_timer_stop(&w->pair_timer);
	if (!w->moves_nr)
		return;
	now = uv_now(w->loop);
	due = UINT64_MAX;
	for (i = 0; i < w->moves_nr; i++) {
		uint64_t age = now - w->moves[i].parked;
		uint64_t left = age < WATCH_MOVE_GRACE_MS ? WATCH_MOVE_GRACE_MS - age : 0;

		if (left < due)
			due = left;
	}
	uv_timer_start(&w->pair_timer, on_pair_timer, due, 0);
}

static void on_pair_timer(uv_timer_t *t)
{
	struct hooks_watch *w = t->data;

	/* A rename's second half may be queued by now: read it before judging. */
	read_events(w);
	after_read(w);
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct hooks_watch *w = h->data;
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(events);
	if (status < 0) {
		sw_error_set(&err, SW_EIO, "inotify poll failed: %s", uv_strerror(status));
		report(w, &err);
		return;
	}
	read_events(w);
	after_read(w);
}

void hooks_watch_drain(struct hooks_watch *w)
{
	if (!w || w->closing)
		return;
	read_events(w);
	after_read(w);
}

/* ---- lifecycle ---- */

static void release(struct hooks_watch *w)
{
	size_t it = 0, i;
	const char *key;
	void *v;

	while (sw_strmap_next(&w->files, &it, &key, &v))
		free(v);
	it = 0;
	while (sw_strmap_next(&w->dirs, &it, &key, &v))
		dent_free(v);
	sw_strmap_release(&w->files);
	sw_strmap_release(&w->dirs);
	sw_strmap_release(&w->wds);
	sw_ignore_release(&w->ign_rules);
	sw_ignore_release(&w->ign_git);
	for (i = 0; i < w->moves_nr; i++) {
		free(w->moves[i].path);
		free(w->moves[i].fe);
	}
	free(w->moves);
	if (w->fd >= 0)
		close(w->fd);
	free(w->root);
	free(w);
}

static void on_closed(uv_handle_t *h)
{
	struct hooks_watch *w = h->data;

	if (--w->handles == 0)
		release(w);
}

int hooks_watch_start(struct hooks_watch **out, uv_loop_t *loop, const struct hooks_watch_opts *o,
		      struct sw_error *err)
{
	struct hooks_watch *w;
	int rc, r;

	*out = NULL;
	assert(o->root && o->on_event);
	w = sw_xcalloc(1, sizeof(*w));
	w->loop = loop;
	w->fd = -1;
	w->root = sw_path_absolute(o->root);
	w->no_default_ignore = o->no_default_ignore;
	w->no_gitignore = o->no_gitignore;
	w->on_event = o->on_event;
	w->on_error = o->on_error;
	w->data = o->data;
	w->gen = 1;
	if (!sw_is_dir(w->root)) {
		rc = sw_error_set(err, SW_ENOTFOUND, "no such directory '%s'", w->root);
		goto fail;
	}
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		if (errno == EMFILE)
			rc = sw_error_set(err, SW_EIO, "cannot start an inotify instance: the per-user limit "
					  "fs.inotify.max_user_instances is reached");
		else
			rc = sw_error_errno(err, SW_EIO, "cannot start an inotify instance");
		goto fail;
	}
	set_rules(w, o->ignore);
	rc = add_dir(w, "", SCAN_SILENT, err);
	if (rc < 0)
		goto fail;
	r = uv_poll_init(loop, &w->poll, w->fd);
	if (r < 0) {
		rc = sw_error_set(err, SW_EIO, "cannot poll the inotify descriptor: %s", uv_strerror(r));
		goto fail;
	}
	w->poll.data = w;
	w->poll_open = 1;
	uv_timer_init(loop, &w->pair_timer);
	w->pair_timer.data = w;
	w->handles = 2;
	uv_poll_start(&w->poll, UV_READABLE, on_readable);
	*out = w;
	return 0;
fail:
	release(w);
	return rc;
}

void hooks_watch_set_ignore(struct hooks_watch *w, const char *const *ignore)
{
	set_rules(w, ignore);
}

void hooks_watch_get_stats(const struct hooks_watch *w, struct hooks_watch_stats *st)
{
	*st = w->st;
	st->watches = w->wds.nr;
	st->files = w->files.nr;
	st->max_user_watches = hooks_watch_max_user_watches();
}

const char *hooks_watch_root(const struct hooks_watch *w)
{
	return w->root;
}

void hooks_watch_free(struct hooks_watch *w)
{
	if (!w || w->closing)
		return;
	w->closing = 1;
	uv_poll_stop(&w->poll);
	uv_timer_stop(&w->pair_timer);
	uv_close((uv_handle_t *)&w->poll, on_closed);
	uv_close((uv_handle_t *)&w->pair_timer, on_closed);
}
