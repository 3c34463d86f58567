/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vcs.c - spec commits over libgit2.
 *
 * The commit's tree is built in an in-memory index seeded from HEAD's
 * tree: the folder's entries are dropped and re-added from the working
 * tree (blobs written through libgit2's filters, so core.autocrlf and
 * .gitattributes apply as for 'git add').  The user's own index is only
 * touched after the commit exists, and then only under the folder, with
 * the same entries (and the files' stat data, so 'git status' does not
 * see them as changed).
 */
#include "base/compat.h"
#include "git/vcs.h"
#include "base/buf.h"
#include "base/fs.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <git2.h>

struct vcs_spec_commit {
	git_repository *repo;
	git_signature *author, *committer;
	git_commit *head;     /* NULL on an unborn branch */
	git_oid tree_oid;     /* the commit's tree */
	git_index_entry *ents; /* the folder's new entries (paths owned) */
	size_t nents, aents;
	struct vcs_change *changes;
	size_t nchanges, achanges;
	char *branch;  /* short name, NULL when detached */
	char *rel;     /* folder relative to the working tree, no trailing slash */
	int committed; /* vcs_spec_commit succeeded */
};

/* Copies libgit2's last message into @err under @code, after @what. */
static int lg_fail(struct sw_error *err, int code, const char *what)
{
	const git_error *e = git_error_last();

	return sw_error_set(err, code, "%s: %s", what, e && e->message ? e->message : "unknown error");
}

static const char *state_name(int state)
{
	switch (state) {
	case GIT_REPOSITORY_STATE_MERGE:
		return "merge";
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		return "revert";
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
		return "cherry-pick";
	case GIT_REPOSITORY_STATE_BISECT:
		return "bisect";
	case GIT_REPOSITORY_STATE_REBASE:
	case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
	case GIT_REPOSITORY_STATE_REBASE_MERGE:
		return "rebase";
	default:
		return "mailbox apply ('git am')";
	}
}

/* One signature from the environment pair, or NULL (*@out untouched) when unset. */
static int env_signature(git_signature **out, const char *name_var, const char *mail_var,
			 struct sw_error *err)
{
	const char *name = getenv(name_var), *mail = getenv(mail_var);

	if (!name || !*name || !mail || !*mail)
		return 0;
	if (git_signature_now(out, name, mail) < 0)
		return lg_fail(err, SW_EINVAL, name_var);
	return 0;
}

static int load_identity(struct vcs_spec_commit *c, struct sw_error *err)
{
	git_signature *def = NULL;
	int rc;

	if ((rc = env_signature(&c->author, "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", err)) < 0)
		return rc;
	if ((rc = env_signature(&c->committer, "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", err)) < 0)
		return rc;
	if (c->author && c->committer)
		return 0;
	if (git_signature_default(&def, c->repo) < 0)
		return sw_error_set(err, SW_EINVAL,
				    "no committer identity: set user.name and user.email "
				    "('git config user.name \"Your Name\"' and "
				    "'git config user.email you@example.com')");
	if (!c->author && git_signature_dup(&c->author, def) < 0)
		rc = lg_fail(err, SW_ERROR, "identity");
	if (!rc && !c->committer && git_signature_dup(&c->committer, def) < 0)
		rc = lg_fail(err, SW_ERROR, "identity");
	git_signature_free(def);
	return rc;
}

static int load_head(struct vcs_spec_commit *c, int allow_detached, struct sw_error *err)
{
	git_reference *head = NULL;
	git_object *obj = NULL;
	const char *target;
	int rc = 0;

	if (git_reference_lookup(&head, c->repo, "HEAD") < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot read HEAD");
		goto out;
	}
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		target = git_reference_symbolic_target(head);
		c->branch = sw_xstrdup(sw_starts_with(target, "refs/heads/") ? target + 11 : target);
	} else if (!allow_detached) {
		rc = sw_error_set(err, SW_ECONFLICT,
				  "HEAD is detached: check out a branch first, or pass --allow-detached");
		goto out;
	}
	if (git_repository_head_unborn(c->repo) == 1)
		goto out; /* the first commit of the branch */
	if (git_revparse_single(&obj, c->repo, "HEAD^{commit}") < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot read HEAD");
		goto out;
	}
	c->head = (git_commit *)obj;
	obj = NULL;
out:
	git_object_free(obj);
	git_reference_free(head);
	return rc;
}

/* Sets c->rel to @dir relative to the working tree (both resolved). */
static int locate_folder(struct vcs_spec_commit *c, const char *dir, struct sw_error *err)
{
	char wd[PATH_MAX], d[PATH_MAX];
	const char *workdir = git_repository_workdir(c->repo);
	size_t n;

	if (!workdir)
		return sw_error_set(err, SW_EINVAL, "the repository at '%s' is bare",
				    git_repository_path(c->repo));
	if (!realpath(workdir, wd))
		return sw_error_errno(err, SW_EIO, "cannot resolve '%s'", workdir);
	if (!realpath(dir, d))
		return sw_error_errno(err, SW_ENOTFOUND, "cannot resolve '%s'", dir);
	n = strlen(wd);
	if (strncmp(d, wd, n) || d[n] != '/' || !d[n + 1])
		return sw_error_set(err, SW_EINVAL, "'%s' is not inside the working tree '%s'", dir, wd);
	c->rel = sw_xstrdup(d + n + 1);
	return 0;
}

static int tracked_in_head(struct vcs_spec_commit *c, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int found;

	if (!c->head || git_commit_tree(&tree, c->head) < 0)
		return 0;
	found = git_tree_entry_bypath(&e, tree, path) == 0;
	git_tree_entry_free(e);
	git_tree_free(tree);
	return found;
}

static int add_file(struct vcs_spec_commit *c, git_index *idx, const char *path,
		    const struct stat *st, struct sw_error *err)
{
	git_index_entry *e;
	int ignored = 0;

	if (git_ignore_path_is_ignored(&ignored, c->repo, path) < 0)
		return lg_fail(err, SW_ERROR, path);
	if (ignored && !tracked_in_head(c, path))
		return 0;
	SW_ALLOC_GROW(c->ents, c->nents + 1, c->aents);
	e = &c->ents[c->nents];
	memset(e, 0, sizeof(*e));
	if (git_blob_create_from_workdir(&e->id, c->repo, path) < 0)
		return lg_fail(err, SW_ERROR, path);
	e->path = sw_xstrdup(path);
	c->nents++;
	e->mode = S_ISLNK(st->st_mode) ? GIT_FILEMODE_LINK
		  : (st->st_mode & 0100) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
	e->ctime.seconds = (int32_t)st->st_ctim.tv_sec;
	e->ctime.nanoseconds = (uint32_t)st->st_ctim.tv_nsec;
	e->mtime.seconds = (int32_t)st->st_mtim.tv_sec;
	e->mtime.nanoseconds = (uint32_t)st->st_mtim.tv_nsec;
	e->dev = (uint32_t)st->st_dev;
	e->ino = (uint32_t)st->st_ino;
	e->uid = (uint32_t)st->st_uid;
	e->gid = (uint32_t)st->st_gid;
	e->file_size = (uint32_t)st->st_size;
	if (git_index_add(idx, e) < 0)
		return lg_fail(err, SW_ERROR, path);
	return 0;
}

/* Adds every file under @abs (whose repository path is @rel) to @idx. */
static int add_tree(struct vcs_spec_commit *c, git_index *idx, const char *abs, const char *rel,
		    struct sw_error *err)
{
	DIR *d = opendir(abs);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return sw_error_errno(err, SW_EIO, "cannot read '%s'", abs);
	while (!rc && (de = readdir(d))) {
		struct stat st;
		char *a, *r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".git"))
			continue;
		a = sw_path_join(abs, de->d_name);
		r = sw_path_join(rel, de->d_name);
		if (lstat(a, &st) < 0)
			rc = sw_error_errno(err, SW_EIO, "cannot stat '%s'", a);
		else if (S_ISDIR(st.st_mode))
			rc = add_tree(c, idx, a, r, err);
		else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
			rc = add_file(c, idx, r, &st, err);
		free(a);
		free(r);
	}
	closedir(d);
	return rc;
}

static char *blob_text(git_repository *repo, const git_oid *id, size_t *len)
{
	git_blob *b = NULL;
	char *s;

	if (git_blob_lookup(&b, repo, id) < 0) {
		*len = 0;
		return sw_xstrdup("");
	}
	*len = (size_t)git_blob_rawsize(b);
	s = sw_xmalloc(*len + 1);
	memcpy(s, git_blob_rawcontent(b), *len);
	s[*len] = '\0';
	git_blob_free(b);
	return s;
}

static int list_changes(struct vcs_spec_commit *c, struct sw_error *err)
{
	git_tree *old = NULL, *neu = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	char *spec = c->rel;
	size_t i, n;
	int rc = 0;

	if (git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION) < 0)
		return lg_fail(err, SW_ERROR, "diff options");
	o.pathspec.strings = &spec;
	o.pathspec.count = 1;
	if ((c->head && git_commit_tree(&old, c->head) < 0) ||
	    git_tree_lookup(&neu, c->repo, &c->tree_oid) < 0 ||
	    git_diff_tree_to_tree(&diff, c->repo, old, neu, &o) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot compare with HEAD");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		struct vcs_change *ch;

		SW_ALLOC_GROW(c->changes, c->nchanges + 1, c->achanges);
		ch = &c->changes[c->nchanges++];
		memset(ch, 0, sizeof(*ch));
		ch->status = d->status == GIT_DELTA_ADDED ? 'A' : d->status == GIT_DELTA_DELETED ? 'D' : 'M';
		ch->path = sw_xstrdup(d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path);
		if (ch->status != 'A')
			ch->old_text = blob_text(c->repo, &d->old_file.id, &ch->old_len);
		if (ch->status != 'D')
			ch->new_text = blob_text(c->repo, &d->new_file.id, &ch->new_len);
	}
out:
	git_diff_free(diff);
	git_tree_free(old);
	git_tree_free(neu);
	return rc;
}

int vcs_spec_prepare(struct vcs_spec_commit **out, const struct vcs_prepare_opts *opts,
		     struct sw_error *err)
{
	struct vcs_spec_commit *c = sw_xcalloc(1, sizeof(*c));
	git_index *idx = NULL;
	git_tree *tree = NULL;
	int rc = 0, state;

	assert(opts && opts->dir);
	*out = NULL;
	git_libgit2_init();
	if (!sw_is_dir(opts->dir)) {
		rc = sw_error_set(err, SW_ENOTFOUND, "'%s' is not a directory", opts->dir);
		goto out;
	}
	if ((rc = git_repository_open_ext(&c->repo, opts->dir, 0, NULL)) < 0) {
		rc = rc == GIT_ENOTFOUND
			     ? sw_error_set(err, SW_ENOTFOUND, "'%s' is not inside a git repository", opts->dir)
			     : lg_fail(err, SW_ERROR, "cannot open the repository");
		goto out;
	}
	if ((rc = locate_folder(c, opts->dir, err)) < 0)
		goto out;
	state = git_repository_state(c->repo);
	if (state != GIT_REPOSITORY_STATE_NONE) {
		rc = sw_error_set(err, SW_ECONFLICT,
				  "a %s is in progress: finish or abort it before committing a spec",
				  state_name(state));
		goto out;
	}
	if ((rc = load_head(c, opts->allow_detached, err)) < 0 || (rc = load_identity(c, err)) < 0)
		goto out;

	if (git_index_new(&idx) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot create an index");
		goto out;
	}
	if (c->head && (git_commit_tree(&tree, c->head) < 0 || git_index_read_tree(idx, tree) < 0)) {
		rc = lg_fail(err, SW_ERROR, "cannot read HEAD's tree");
		goto out;
	}
	if (git_index_remove_directory(idx, c->rel, 0) < 0) {
		rc = lg_fail(err, SW_ERROR, c->rel);
		goto out;
	}
	if ((rc = add_tree(c, idx, opts->dir, c->rel, err)) < 0)
		goto out;
	if (git_index_write_tree_to(&c->tree_oid, idx, c->repo) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot write the tree");
		goto out;
	}
	if ((rc = list_changes(c, err)) < 0)
		goto out;
	*out = c;
	c = NULL;
out:
	git_tree_free(tree);
	git_index_free(idx);
	vcs_spec_free(c);
	return rc < 0 ? rc : 0;
}

size_t vcs_spec_nchanges(const struct vcs_spec_commit *c)
{
	return c->nchanges;
}

const struct vcs_change *vcs_spec_change(const struct vcs_spec_commit *c, size_t i)
{
	assert(i < c->nchanges);
	return &c->changes[i];
}

const char *vcs_spec_branch(const struct vcs_spec_commit *c)
{
	return c->branch;
}

const char *vcs_spec_relpath(const struct vcs_spec_commit *c)
{
	return c->rel;
}

/* Sets the folder's entries of the user's index to what was committed. */
static int update_index(struct vcs_spec_commit *c, const char *oid, struct sw_error *err)
{
	git_index *idx = NULL;
	size_t i;
	int rc = 0;

	if (git_repository_index(&idx, c->repo) < 0 || git_index_read(idx, 1) < 0 ||
	    git_index_remove_directory(idx, c->rel, 0) < 0)
		goto fail;
	for (i = 0; i < c->nents; i++)
		if (git_index_add(idx, &c->ents[i]) < 0)
			goto fail;
	if (git_index_write(idx) < 0)
		goto fail;
	goto out;
fail:
	rc = sw_error_set(err, SW_ERROR, "committed %.12s, but the index could not be updated: %s", oid,
			  git_error_last() ? git_error_last()->message : "unknown error");
out:
	git_index_free(idx);
	return rc;
}

/* Commits @tree on HEAD (its parent, if any) with @msg; @oid_hex gets the new id. */
static int create_on_head(struct vcs_spec_commit *c, const git_signature *author, const char *msg,
			  const git_tree *tree, char oid_hex[VCS_OID_HEX], struct sw_error *err)
{
	const git_commit *parents[1] = { c->head };
	git_oid oid;
	int lrc;

	lrc = git_commit_create(&oid, c->repo, "HEAD", author, c->committer, NULL, msg, tree, c->head ? 1 : 0,
				parents);
	if (lrc == GIT_EMODIFIED)
		return sw_error_set(err, SW_ECONFLICT, "the branch moved while committing; try again");
	if (lrc < 0)
		return lg_fail(err, SW_ERROR, "cannot commit");
	git_oid_tostr(oid_hex, VCS_OID_HEX, &oid);
	return 0;
}

int vcs_spec_commit(struct vcs_spec_commit *c, const char *message, char oid_hex[VCS_OID_HEX],
		    struct sw_error *err)
{
	git_buf msg = GIT_BUF_INIT;
	git_tree *tree = NULL;
	int rc = 0;

	oid_hex[0] = '\0';
	if (c->committed || !c->nchanges) {
		rc = sw_error_set(err, SW_ECONFLICT, "nothing to commit in '%s'", c->rel);
		goto out;
	}
	if (git_message_prettify(&msg, message ? message : "", 0, '#') < 0 || !msg.size) {
		rc = sw_error_set(err, SW_EINVAL, "the commit message is empty");
		goto out;
	}
	if (git_tree_lookup(&tree, c->repo, &c->tree_oid) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot read the new tree");
		goto out;
	}
	if ((rc = create_on_head(c, c->author, msg.ptr, tree, oid_hex, err)) < 0)
		goto out;
	c->committed = 1;
	rc = update_index(c, oid_hex, err);
out:
	git_tree_free(tree);
	git_buf_dispose(&msg);
	return rc;
}

void vcs_spec_free(struct vcs_spec_commit *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nents; i++)
		free((char *)c->ents[i].path);
	free(c->ents);
	for (i = 0; i < c->nchanges; i++) {
		free(c->changes[i].path);
		free(c->changes[i].old_text);
		free(c->changes[i].new_text);
	}
	free(c->changes);
	git_commit_free(c->head);
	git_signature_free(c->author);
	git_signature_free(c->committer);
	git_repository_free(c->repo);
	free(c->branch);
	free(c->rel);
	free(c);
	git_libgit2_shutdown();
}

void vcs_blob_id(char oid_hex[VCS_OID_HEX], const void *data, size_t len)
{
	git_oid oid;

	git_libgit2_init();
	if (git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB) < 0)
		SW_BUG("cannot hash %zu bytes", len); /* only fails on allocation */
	git_oid_tostr(oid_hex, VCS_OID_HEX, &oid);
	git_libgit2_shutdown();
}

/* ---- the whole working tree ---------------------------------------------------------------- */

struct skip_list {
	char **rel;  /* repository-relative paths to leave alone */
	size_t n, alloc;
};

static int skip_excluded(const char *path, const char *matched, void *payload)
{
	const struct skip_list *sk = payload;
	size_t i;

	SW_UNUSED(matched);
	for (i = 0; i < sk->n; i++)
		if (!strcmp(sk->rel[i], path))
			return 1;
	return 0;
}

static int commit_index(struct vcs_spec_commit *c, git_index *idx, const char *message, char oid_hex[VCS_OID_HEX],
			struct sw_error *err)
{
	git_buf msg = GIT_BUF_INIT;
	git_tree *tree = NULL;
	git_oid tree_oid;
	int rc = 0;

	if (git_index_write_tree(&tree_oid, idx) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot write the tree");
		goto out;
	}
	if (c->head && git_oid_equal(&tree_oid, git_commit_tree_id(c->head))) {
		rc = sw_error_set(err, SW_ECONFLICT, "nothing to commit");
		goto out;
	}
	if (git_message_prettify(&msg, message ? message : "", 0, '#') < 0 || !msg.size) {
		rc = sw_error_set(err, SW_EINVAL, "the commit message is empty");
		goto out;
	}
	if (git_tree_lookup(&tree, c->repo, &tree_oid) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot read the new tree");
		goto out;
	}
	if ((rc = create_on_head(c, c->author, msg.ptr, tree, oid_hex, err)) < 0)
		goto out;
	if (git_index_write(idx) < 0)
		rc = lg_fail(err, SW_ERROR, "committed, but the index could not be written");
out:
	git_tree_free(tree);
	git_buf_dispose(&msg);
	return rc;
}

int vcs_commit_worktree(const char *dir, const char *const *exclude, const char *message,
			char oid_hex[VCS_OID_HEX], struct sw_error *err)
{
	struct vcs_spec_commit *c = sw_xcalloc(1, sizeof(*c));
	struct skip_list sk = { NULL, 0, 0 };
	char star[] = "*", *all[] = { star };
	git_strarray paths = { all, 1 };
	git_index *idx = NULL;
	const char *wd;
	char wdreal[PATH_MAX], real[PATH_MAX];
	size_t i;
	int rc = 0, state;

	oid_hex[0] = '\0';
	git_libgit2_init();
	if ((rc = git_repository_open_ext(&c->repo, dir, 0, NULL)) < 0) {
		rc = rc == GIT_ENOTFOUND ? sw_error_set(err, SW_ENOTFOUND, "'%s' is not inside a git repository", dir)
					 : lg_fail(err, SW_ERROR, "cannot open the repository");
		goto out;
	}
	wd = git_repository_workdir(c->repo);
	if (!wd || !realpath(wd, wdreal)) {
		rc = sw_error_set(err, SW_EINVAL, "the repository of '%s' has no working tree", dir);
		goto out;
	}
	state = git_repository_state(c->repo);
	if (state != GIT_REPOSITORY_STATE_NONE) {
		rc = sw_error_set(err, SW_ECONFLICT, "a %s is in progress: finish or abort it before committing",
				  state_name(state));
		goto out;
	}
	if ((rc = load_head(c, 0, err)) < 0 || (rc = load_identity(c, err)) < 0)
		goto out;
	for (i = 0; exclude && exclude[i]; i++) {
		size_t n = strlen(wdreal);

		if (!realpath(exclude[i], real) || strncmp(real, wdreal, n) || real[n] != '/')
			continue;
		SW_ALLOC_GROW(sk.rel, sk.n + 1, sk.alloc);
		sk.rel[sk.n++] = sw_xstrdup(real + n + 1);
	}
	if (git_repository_index(&idx, c->repo) < 0 || git_index_read(idx, 0) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot read the index");
		goto out;
	}
	if (git_index_add_all(idx, &paths, GIT_INDEX_ADD_DEFAULT, skip_excluded, &sk) < 0 ||
	    git_index_update_all(idx, &paths, skip_excluded, &sk) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot stage the working tree");
		goto out;
	}
	rc = commit_index(c, idx, message, oid_hex, err);
out:
	for (i = 0; i < sk.n; i++)
		free(sk.rel[i]);
	free(sk.rel);
	git_index_free(idx);
	vcs_spec_free(c);
	return rc;
}

int vcs_head_message(char **msg, char oid_hex[VCS_OID_HEX], const char *dir, struct sw_error *err)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	int rc = 0;

	*msg = NULL;
	oid_hex[0] = '\0';
	git_libgit2_init();
	if (git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
		rc = sw_error_set(err, SW_ENOTFOUND, "'%s' is not inside a git repository", dir);
		goto out;
	}
	if (git_revparse_single(&obj, repo, "HEAD^{commit}") < 0) {
		rc = sw_error_set(err, SW_ENOTFOUND, "the repository of '%s' has no commit yet", dir);
		goto out;
	}
	*msg = sw_xstrdup(git_commit_message((git_commit *)obj));
	git_oid_tostr(oid_hex, VCS_OID_HEX, git_object_id(obj));
out:
	git_object_free(obj);
	git_repository_free(repo);
	return rc;
}

struct diff_sink {
	struct sw_buf *out;
	size_t max, start;
	int cut;
};

static int diff_line(const git_diff_delta *delta, const git_diff_hunk *hunk, const git_diff_line *line,
		     void *payload)
{
	struct diff_sink *d = payload;

	SW_UNUSED(delta);
	SW_UNUSED(hunk);
	if (d->out->len - d->start + line->content_len + 1 > d->max) {
		d->cut = 1;
		return 1; /* stop */
	}
	if (line->origin == GIT_DIFF_LINE_CONTEXT || line->origin == GIT_DIFF_LINE_ADDITION ||
	    line->origin == GIT_DIFF_LINE_DELETION)
		sw_buf_addch(d->out, line->origin);
	sw_buf_add(d->out, line->content, line->content_len);
	return 0;
}

int vcs_diff_worktree(struct sw_buf *out, const char *dir, size_t max, struct sw_error *err)
{
	git_repository *repo = NULL;
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	struct diff_sink d = { out, max, out->len, 0 };
	int rc = 0, lrc;

	git_libgit2_init();
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	if (git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
		rc = sw_error_set(err, SW_ENOTFOUND, "'%s' is not inside a git repository", dir);
		goto out;
	}
	if (git_revparse_single(&head, repo, "HEAD^{tree}") == 0)
		tree = (git_tree *)head;
	o.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_SHOW_UNTRACKED_CONTENT;
	if (git_diff_tree_to_workdir_with_index(&diff, repo, tree, &o) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot compare the working tree with HEAD");
		goto out;
	}
	lrc = git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, diff_line, &d);
	if (lrc < 0 && !d.cut) {
		rc = lg_fail(err, SW_ERROR, "cannot print the changes");
		goto out;
	}
	if (d.cut)
		sw_buf_addf(out, "\n[... the changes go on past %zu bytes]\n", max);
out:
	git_diff_free(diff);
	git_object_free(head);
	git_repository_free(repo);
	return rc;
}

/* ---- worktrees ----------------------------------------------------------------------------- */

/* 'git worktree prune': records of worktrees whose folder is gone (a killed run's) are dropped. */
static void prune_stale_worktrees(git_repository *repo)
{
	git_strarray names = { NULL, 0 };
	size_t i;

	if (git_worktree_list(&names, repo) < 0)
		return;
	for (i = 0; i < names.count; i++) {
		git_worktree *wt = NULL;

		if (git_worktree_lookup(&wt, repo, names.strings[i]) == 0 && git_worktree_validate(wt) < 0)
			git_worktree_prune(wt, NULL);
		git_worktree_free(wt);
	}
	git_strarray_dispose(&names);
}

int vcs_worktree_add(const char *dir, const char *name, const char *path, struct sw_error *err)
{
	git_repository *repo = NULL;
	git_worktree *wt = NULL;
	int rc = 0, lrc;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
		rc = sw_error_set(err, SW_ENOTFOUND, "'%s' is not inside a git repository", dir);
		goto out;
	}
	if (git_repository_head_unborn(repo) == 1) {
		rc = sw_error_set(err, SW_ENOTFOUND, "the repository of '%s' has no commit yet", dir);
		goto out;
	}
	prune_stale_worktrees(repo);
	lrc = git_worktree_add(&wt, repo, name, path, NULL);
	if (lrc == GIT_EEXISTS)
		rc = sw_error_set(err, SW_ECONFLICT, "a worktree or branch named '%s' exists already", name);
	else if (lrc < 0)
		rc = lg_fail(err, SW_ERROR, "cannot add a worktree");
out:
	git_worktree_free(wt);
	git_repository_free(repo);
	return rc;
}

int vcs_worktree_remove(const char *dir, const char *name, struct sw_error *err)
{
	git_repository *repo = NULL;
	git_worktree *wt = NULL;
	git_reference *ref = NULL;
	git_worktree_prune_options po;
	int rc = 0;

	git_libgit2_init();
	git_worktree_prune_options_init(&po, GIT_WORKTREE_PRUNE_OPTIONS_VERSION);
	po.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_LOCKED | GIT_WORKTREE_PRUNE_WORKING_TREE;
	if (git_repository_open_ext(&repo, dir, 0, NULL) < 0) {
		rc = sw_error_set(err, SW_ENOTFOUND, "'%s' is not inside a git repository", dir);
		goto out;
	}
	if (git_worktree_lookup(&wt, repo, name) == 0 && git_worktree_prune(wt, &po) < 0)
		rc = lg_fail(err, SW_ERROR, "cannot remove the worktree");
	/* a fresh look at the repository: the pruned worktree no longer holds the branch */
	git_repository_free(repo);
	repo = NULL;
	if (!rc && git_repository_open_ext(&repo, dir, 0, NULL) < 0)
		rc = lg_fail(err, SW_ERROR, "cannot open the repository again");
	/*
	 * The reference itself: git_branch_delete() would refuse while any stale
	 * worktree record (of a killed run) names a branch checked out.
	 */
	if (!rc && git_branch_lookup(&ref, repo, name, GIT_BRANCH_LOCAL) == 0 && git_reference_delete(ref) < 0)
		rc = lg_fail(err, SW_ERROR, "cannot delete the worktree's branch");
out:
	git_reference_free(ref);
	git_worktree_free(wt);
	git_repository_free(repo);
	return rc;
}

/* "a.c, b/c.h" for the conflicts of @idx (at most 10 named). */
static void conflict_paths(struct sw_buf *b, git_index *idx)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *anc, *ours, *theirs;
	size_t n = 0;

	if (git_index_conflict_iterator_new(&it, idx) < 0)
		return;
	while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
		const git_index_entry *e = ours ? ours : theirs ? theirs : anc;

		if (n++ < 10)
			sw_buf_addf(b, "%s%s", n > 1 ? ", " : "", e->path);
	}
	if (n > 10)
		sw_buf_addf(b, " and %zu more", n - 10);
	git_index_conflict_iterator_free(it);
}

struct checkout_notes {
	struct sw_buf paths;
	size_t n;
};

static int checkout_conflict(git_checkout_notify_t why, const char *path, const git_diff_file *baseline,
			     const git_diff_file *target, const git_diff_file *workdir, void *payload)
{
	struct checkout_notes *cn = payload;

	SW_UNUSED(baseline);
	SW_UNUSED(target);
	SW_UNUSED(workdir);
	if (why == GIT_CHECKOUT_NOTIFY_CONFLICT && cn->n++ < 10)
		sw_buf_addf(&cn->paths, "%s%s", cn->n > 1 ? ", " : "", path);
	return 0;
}

int vcs_pick_onto_head(const char *dir, const char *oid_hex, char new_oid[VCS_OID_HEX], struct sw_error *err)
{
	struct vcs_spec_commit *c = sw_xcalloc(1, sizeof(*c));
	git_commit *pick = NULL;
	git_index *idx = NULL, *repo_idx = NULL;
	git_tree *tree = NULL;
	git_oid oid, tree_oid;
	git_checkout_options co;
	struct checkout_notes cn = { SW_BUF_INIT, 0 };
	struct sw_buf paths = SW_BUF_INIT;
	int rc = 0, lrc;

	new_oid[0] = '\0';
	git_libgit2_init();
	if (git_repository_open_ext(&c->repo, dir, 0, NULL) < 0) {
		rc = sw_error_set(err, SW_ENOTFOUND, "'%s' is not inside a git repository", dir);
		goto out;
	}
	if ((rc = load_head(c, 0, err)) < 0 || (rc = load_identity(c, err)) < 0)
		goto out;
	if (!c->head) {
		rc = sw_error_set(err, SW_ENOTFOUND, "the repository of '%s' has no commit yet", dir);
		goto out;
	}
	if (git_oid_fromstr(&oid, oid_hex) < 0 || git_commit_lookup(&pick, c->repo, &oid) < 0) {
		rc = sw_error_set(err, SW_ENOTFOUND, "no commit %s", oid_hex);
		goto out;
	}
	if (git_cherrypick_commit(&idx, c->repo, pick, c->head, 0, NULL) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot apply the task's commit");
		goto out;
	}
	if (git_index_has_conflicts(idx)) {
		conflict_paths(&paths, idx);
		rc = sw_error_set(err, SW_ECONFLICT, "its changes conflict with what is on HEAD now: %s", paths.ptr);
		goto out;
	}
	if (git_index_write_tree_to(&tree_oid, idx, c->repo) < 0 || git_tree_lookup(&tree, c->repo, &tree_oid) < 0) {
		rc = lg_fail(err, SW_ERROR, "cannot write the tree");
		goto out;
	}
	/* The working tree first: a file changed there and by the task stops everything here. */
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE;
	co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
	co.notify_cb = checkout_conflict;
	co.notify_payload = &cn;
	lrc = git_checkout_tree(c->repo, (git_object *)tree, &co);
	if (lrc < 0 || cn.n) {
		rc = cn.n ? sw_error_set(err, SW_ECONFLICT, "files changed in the working tree stand in the way: %s",
					  cn.paths.ptr)
			  : lg_fail(err, SW_ERROR, "cannot check the task's changes out");
		goto out;
	}
	rc = create_on_head(c, git_commit_author(pick), git_commit_message(pick), tree, new_oid, err);
out:
	sw_buf_release(&paths);
	sw_buf_release(&cn.paths);
	git_tree_free(tree);
	git_index_free(idx);
	git_index_free(repo_idx);
	git_commit_free(pick);
	vcs_spec_free(c);
	return rc;
}
