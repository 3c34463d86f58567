/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec.c - spec folders: discovery, loading with the full lint, and the
 * locked, atomic status change.
 *
 * Loading reads each document whole (bounded by SPEC_MAX_FILE), parses it
 * once with cmark and hands the same md_doc to the document's parser, which
 * reports its own findings; the cross-document findings come from the trace
 * matrix and the waves comparison.  Diagnostics name files by a display path
 * relative to the caller's base folder, and spec_source() maps that path
 * back to the bytes for caret excerpts.
 */
#include "base/compat.h"
#include "specs-engine/spec.h"
#include "base/contain.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/fsat.h"
#include "specs-engine/trace.h"
#include "specs-engine/waves.h"

#include <dirent.h>
#include <sys/stat.h>

#define SPEC_LOCK_TIMEOUT_MS 30000

static const char *const kinds[] = { "requirements", "bugfix", "design", "tasks" };

/* ---- discovery --------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_spec_file(const char *dir)
{
	static const char *const names[] = { "requirements.md", "bugfix.md", "design.md", "tasks.md", ".config.kiro" };
	size_t i;
	int found = 0;

	for (i = 0; i < SW_ARRAY_SIZE(names) && !found; i++) {
		char *p = sw_path_join(dir, names[i]);

		found = sw_is_file(p);
		free(p);
	}
	return found;
}

/* Names of the sub-folders of @dir, sorted. */
static int list_dirs(struct sw_strvec *out, const char *dir, struct sw_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct sw_strvec names = SW_STRVEC_INIT;
	size_t i;

	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return sw_error_errno(err, SW_EIO, "cannot read '%s'", dir);
	}
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = sw_path_join(dir, de->d_name);
		if (sw_is_dir(p) && has_spec_file(p))
			sw_strvec_push(&names, de->d_name);
		free(p);
	}
	closedir(d);
	SW_QSORT(names.v, names.nr, cmp_str);
	for (i = 0; i < names.nr; i++)
		sw_strvec_push_take(out, sw_path_join(dir, names.v[i]));
	sw_strvec_clear(&names);
	return 0;
}

int spec_list(struct sw_strvec *out, const char *kiro_dir, struct sw_error *err)
{
	static const char *const subs[] = { "specs", "plans" };
	size_t i;
	int rc = 0;

	for (i = 0; i < SW_ARRAY_SIZE(subs) && rc == 0; i++) {
		char *p = sw_path_join(kiro_dir, subs[i]);

		rc = list_dirs(out, p, err);
		free(p);
	}
	return rc;
}

/*
 * The workspace around spec folder @dir: the nearest folder at or above it
 * that holds a ".kiro" folder, else @dir itself.  A link in the spec (a
 * tasks.md kept elsewhere in the project) is written through only when
 * it stays inside.  Caller frees.
 */
static char *workspace_of(const char *dir)
{
	char *abs = sw_path_absolute(dir), *cur = sw_xstrdup(abs);

	for (;;) {
		char *k = sw_path_join(cur, ".kiro"), *up;
		int found = sw_is_dir(k);

		free(k);
		if (found) {
			free(abs);
			return cur;
		}
		if (!strcmp(cur, "/"))
			break;
		up = sw_dirname(cur);
		free(cur);
		cur = up;
	}
	free(cur);
	return abs;
}

int spec_resolve(char **dir, const char *kiro_dir, const char *name, struct sw_error *err)
{
	struct sw_strvec all = SW_STRVEC_INIT;
	const char *best = NULL;
	size_t i, bd = (size_t)-1;
	int rc = 0;

	*dir = NULL;
	if (kiro_dir && *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..")) {
		static const char *const subs[] = { "specs", "plans" };

		for (i = 0; i < SW_ARRAY_SIZE(subs); i++) {
			char *sub = sw_path_join(kiro_dir, subs[i]), *p = sw_path_join(sub, name);

			free(sub);
			if (sw_is_dir(p)) {
				*dir = p;
				return 0;
			}
			free(p);
		}
	}
	if (sw_is_dir(name)) {
		*dir = sw_xstrdup(name);
		return 0;
	}
	if (kiro_dir)
		spec_list(&all, kiro_dir, NULL);
	for (i = 0; i < all.nr; i++) {
		size_t d = sw_edit_distance(name, sw_basename(all.v[i]));

		if (d < bd) {
			bd = d;
			best = sw_basename(all.v[i]);
		}
	}
	if (best && bd <= 3 + strlen(name) / 4)
		rc = sw_error_set(err, SW_ENOTFOUND, "no spec '%s' (nearest: '%s')", name, best);
	else
		rc = sw_error_set(err, SW_ENOTFOUND, "no spec '%s'%s", name,
				  kiro_dir ? " under .kiro/specs or .kiro/plans" : "");
	sw_strvec_clear(&all);
	return rc;
}

/* ---- loading ----------------------------------------------------------------------- */

static void file_release(struct spec_file *f)
{
	free(f->path);
	free(f->display);
	sw_buf_release(&f->text);
	md_doc_free(f->md);
	memset(f, 0, sizeof(*f));
	f->text = (struct sw_buf)SW_BUF_INIT;
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->dir);
	free(s->config.spec_id);
	free(s->config.workflow_type);
	free(s->config.spec_type);
	free(s->config.generation_mode);
	req_doc_free(s->reqs);
	design_doc_free(s->design_doc);
	tasks_doc_free(s->tasks_doc);
	file_release(&s->req);
	file_release(&s->design);
	file_release(&s->tasks);
	sw_strvec_clear(&s->extra);
	sw_diags_release(&s->diags);
	free(s);
}

static char *display_path(const char *path, const char *base)
{
	char *abs, *rel;

	if (!base)
		return sw_xstrdup(path);
	abs = sw_path_absolute(path);
	rel = sw_path_relative(abs, base);
	free(abs);
	return rel;
}

/* Reads @path, through @in when it is given (the file must resolve inside its root). */
static int read_bytes(struct sw_buf *out, const struct sw_inside *in, const char *path, size_t max,
		      struct sw_error *err)
{
	return in ? sw_inside_read(out, in, path, max, err) : sw_read_file(out, path, max, err);
}

static int read_doc(struct spec_file *f, const char *path, const char *base, const struct sw_inside *in,
		    struct sw_error *err)
{
	int rc;

	f->text = (struct sw_buf)SW_BUF_INIT;
	if ((rc = read_bytes(&f->text, in, path, SPEC_MAX_FILE, err)) < 0) {
		if (rc == SW_ETOOBIG) {
			/* Name the file as the lint shows it, its size and the cap, at 1:1. */
			struct stat st;
			char *disp = display_path(path, base);
			const char *slash = strrchr(disp, '/'), *file = slash ? slash + 1 : disp;

			if (stat(path, &st) == 0)
				rc = sw_error_set(err, SW_ETOOBIG, "%s is %lld bytes, over the %u-byte (%u MiB) limit for a spec document",
						  file, (long long)st.st_size, SPEC_MAX_FILE, SPEC_MAX_FILE >> 20);
			else
				rc = sw_error_set(err, SW_ETOOBIG, "%s is over the %u-byte (%u MiB) limit for a spec document",
						  file, SPEC_MAX_FILE, SPEC_MAX_FILE >> 20);
			sw_error_at(err, disp, 1, 1);
			free(disp);
		}
		return rc;
	}
	f->path = sw_xstrdup(path);
	f->display = display_path(path, base);
	return md_parse(&f->md, f->text.ptr, f->text.len, err);
}

static char *dup_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? sw_xstrdup(v->valuestring) : NULL;
}

static void read_config(struct spec *s, const char *dir, const char *base, const struct sw_inside *in)
{
	char *p = sw_path_join(dir, ".config.kiro");
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf text = SW_BUF_INIT;
	cJSON *root = NULL;

	if (!sw_is_file(p))
		goto out;
	s->config.present = 1;
	if (read_bytes(&text, in, p, SW_JSON_MAX_DOC, &err) < 0 || sw_json_parse(&root, text.ptr, text.len, &err) < 0) {
		char *disp = display_path(p, base);
		struct sw_diag *dg = sw_diag_add(&s->diags, SW_SEV_ERROR, "spec-config", disp, err.line, err.col,
						 "%s", err.msg);

		sw_diag_set_hint(dg, "expected {\"specId\": …, \"workflowType\": …, \"specType\": …}");
		free(disp);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		char *disp = display_path(p, base);

		sw_diag_add(&s->diags, SW_SEV_ERROR, "spec-config", disp, 1, 1, "expected a json object, found %s",
			    sw_json_type_name(root));
		free(disp);
		goto out;
	}
	s->config.spec_id = dup_string(root, "specId");
	s->config.workflow_type = dup_string(root, "workflowType");
	s->config.spec_type = dup_string(root, "specType");
	s->config.generation_mode = dup_string(root, "generationMode");
out:
	cJSON_Delete(root);
	sw_buf_release(&text);
	free(p);
}

static void list_extra(struct spec *s, const char *dir, const char *const used[3])
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t i;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		int taken = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".config.kiro");

		for (i = 0; i < 3 && !taken; i++)
			taken = used[i] && !strcmp(sw_basename(used[i]), de->d_name);
		if (!taken)
			sw_strvec_push(&s->extra, de->d_name);
	}
	closedir(d);
	SW_QSORT(s->extra.v, s->extra.nr, cmp_str);
}

/*
 * References into a requirements file that numbers no criterion at all
 * (free prose, "## Acceptance Criteria" checklists without numbers) cannot
 * be checked: one warning per citing file says so, instead of an error per
 * reference.  Returns 1 when it reported them.
 */
static int untraceable(struct spec *s, const struct trace *tr)
{
	size_t i, n[2] = { 0, 0 };
	const struct trace_dangling *first[2] = { NULL, NULL };

	if (!s->reqs || s->reqs->ncrit)
		return 0;
	for (i = 0; i < tr->ndangling; i++) {
		const struct trace_dangling *d = &tr->dangling[i];
		int k = d->from == TRACE_FROM_PROPERTY;

		if (d->from == TRACE_FROM_TASK_PROPERTY)
			continue;
		if (!n[k]++)
			first[k] = d;
	}
	for (i = 0; i < 2; i++)
		if (n[i]) {
			struct sw_diag *dg = sw_diag_add(&s->diags, SW_SEV_WARNING, "trace-untraceable",
							 i ? s->design.display : s->tasks.display, first[i]->line,
							 first[i]->col, "%zu reference%s to criteria cannot be traced: %s numbers none",
							 n[i], n[i] == 1 ? "" : "s", sw_basename(s->req.display));
			sw_diag_set_hint(dg, "number the criteria ('### Requirement N' with '1. WHEN …, THE … SHALL …') "
					 "so references can name them");
		}
	return 1;
}

/* Cross-document findings: dangling references, coverage, the waves graph. */
static void cross_check(struct spec *s)
{
	struct trace *tr = NULL;
	size_t i;
	int skip_criteria;

	if (trace_build(&tr, s->reqs, s->design_doc, s->tasks_doc, NULL) < 0)
		return;
	skip_criteria = untraceable(s, tr);
	for (i = 0; i < tr->ndangling; i++) {
		const struct trace_dangling *d = &tr->dangling[i];
		const char *file = d->from == TRACE_FROM_PROPERTY ? s->design.display : s->tasks.display;
		struct sw_diag *dg;

		if (d->from == TRACE_FROM_TASK_PROPERTY) {
			dg = sw_diag_add(&s->diags, SW_SEV_WARNING, "trace-unknown-property", file, d->line, d->col,
					 "task %s names %s, which design.md does not define", d->owner, d->ref);
			continue;
		}
		if (skip_criteria)
			continue;
		if (d->from == TRACE_FROM_PROPERTY)
			dg = sw_diag_add(&s->diags, SW_SEV_ERROR, "trace-unknown-criterion", file, d->line, d->col,
					 "property %s validates %s, which %s does not have", d->owner, d->ref,
					 sw_basename(s->req.display));
		else if (strchr(d->ref, '-') && !strchr(d->ref, '.')) {
			dg = sw_diag_add(&s->diags, SW_SEV_ERROR, "trace-unknown-criterion", file, d->line, d->col,
					 "task %s names requirements %s, a range with no criteria in %s", d->owner, d->ref,
					 sw_basename(s->req.display));
			sw_diag_set_hint(dg, "criteria are written N.M; did you mean %.*s.%s?",
					 (int)(strchr(d->ref, '-') - d->ref), d->ref, strchr(d->ref, '-') + 1);
			continue;
		}
		else
			dg = sw_diag_add(&s->diags, SW_SEV_ERROR, "trace-unknown-criterion", file, d->line, d->col,
					 "task %s names requirement %s, which %s does not have", d->owner, d->ref,
					 sw_basename(s->req.display));
		sw_diag_set_hint(dg, "criteria are numbered N.M: requirement N, item M");
	}
	if (s->tasks_doc && s->tasks_doc->ntasks && s->reqs) {
		for (i = 0; i < tr->nrows; i++) {
			const struct req_criterion *c = tr->rows[i].crit;

			if (!tr->rows[i].needs_task || tr->rows[i].tasks.nr)
				continue;
			sw_diag_add(&s->diags, SW_SEV_WARNING, "trace-uncovered", s->req.display, c->line, c->col,
				    "criterion %s is not covered by any task", c->id);
		}
	}
	trace_free(tr);
	if (s->tasks_doc)
		waves_check(s->tasks_doc, s->tasks.display, &s->diags);
}

static int load_paths(struct spec *s, const char *const paths[3], int bugfix, const char *base,
		      const struct sw_inside *in, struct sw_error *err)
{
	int rc = 0;

	s->bugfix = bugfix;
	if (paths[0] && (rc = read_doc(&s->req, paths[0], base, in, err)) < 0)
		return rc;
	if (paths[1] && (rc = read_doc(&s->design, paths[1], base, in, err)) < 0)
		return rc;
	if (paths[2] && (rc = read_doc(&s->tasks, paths[2], base, in, err)) < 0)
		return rc;
	if (s->req.md) {
		if (bugfix)
			rc = bugfix_parse(&s->reqs, s->req.md, s->req.display, &s->diags, err);
		else
			rc = req_parse(&s->reqs, s->req.md, s->req.display, &s->diags, err);
		if (rc < 0)
			return rc;
	}
	if (s->design.md && (rc = design_parse(&s->design_doc, s->design.md, s->design.display, &s->diags, err)) < 0)
		return rc;
	if (s->tasks.md && (rc = tasks_parse(&s->tasks_doc, s->tasks.md, s->tasks.display, &s->diags, err)) < 0)
		return rc;
	cross_check(s);
	sw_diags_sort(&s->diags);
	return 0;
}

static char *existing(const char *dir, const char *name)
{
	char *p = sw_path_join(dir, name);

	if (sw_is_file(p))
		return p;
	free(p);
	return NULL;
}

static struct spec *spec_new(const char *dir)
{
	struct spec *s = sw_xcalloc(1, sizeof(*s));
	char *abs = sw_path_absolute(dir);

	s->dir = sw_xstrdup(dir);
	s->name = sw_xstrdup(sw_basename(abs));
	free(abs);
	s->extra = (struct sw_strvec)SW_STRVEC_INIT;
	s->diags = (struct sw_diags)SW_DIAGS_INIT;
	s->req.text = s->design.text = s->tasks.text = (struct sw_buf)SW_BUF_INIT;
	return s;
}

int spec_load(struct spec **out, const char *dir, const char *base, struct sw_error *err)
{
	return spec_load_inside(out, dir, base, NULL, err);
}

int spec_load_inside(struct spec **out, const char *dir, const char *base, const char *root, struct sw_error *err)
{
	struct sw_inside ws = SW_INSIDE_INIT;
	const struct sw_inside *in = NULL;
	struct spec *s = NULL;
	char *req = NULL, *bug = NULL, *paths[3] = { NULL, NULL, NULL };
	int rc, bugfix;

	*out = NULL;
	if (!sw_is_dir(dir)) {
		rc = sw_error_set(err, SW_ENOTFOUND, "'%s' is not a folder", dir);
		goto out;
	}
	if (root) {
		if ((rc = sw_inside_init(&ws, root, "the workspace", err)) < 0)
			goto out;
		in = &ws;
	}
	s = spec_new(dir);
	read_config(s, dir, base, in);
	req = existing(dir, "requirements.md");
	bug = existing(dir, "bugfix.md");
	paths[1] = existing(dir, "design.md");
	paths[2] = existing(dir, "tasks.md");
	if (!req && !bug && !paths[1] && !paths[2] && !s->config.present) {
		rc = sw_error_set(err, SW_ENOTFOUND, "no spec files in '%s' (requirements.md, design.md, tasks.md)", dir);
		goto out;
	}
	bugfix = bug && (!req || (s->config.spec_type && !strcmp(s->config.spec_type, "bugfix")));
	paths[0] = bugfix ? bug : req;
	list_extra(s, dir, (const char *const *)paths);
	if ((rc = load_paths(s, (const char *const *)paths, bugfix, base, in, err)) < 0)
		goto out;
	*out = s;
	s = NULL;
out:
	sw_inside_release(&ws);
	free(req);
	free(bug);
	free(paths[1]);
	free(paths[2]);
	spec_free(s);
	return rc;
}

int spec_load_file(struct spec **out, const char *path, const char *base, struct sw_error *err)
{
	struct spec *s = NULL;
	const char *name = sw_basename(path), *suffix = NULL;
	char *dir = sw_dirname(path), *paths[3] = { NULL, NULL, NULL }, *target = NULL;
	int rc = 0, kind = -1, bugfix = 0, k;
	size_t i, j;

	*out = NULL;
	for (k = 0; k < (int)SW_ARRAY_SIZE(kinds) && kind < 0; k++)
		if (!strncmp(name, kinds[k], strlen(kinds[k]))) {
			kind = k;
			suffix = name + strlen(kinds[k]);
		}
	if (!sw_is_file(path)) {
		rc = sw_error_set(err, SW_ENOTFOUND, "no file '%s'", path);
		goto out;
	}
	if (kind < 0 || !sw_ends_with(name, ".md")) {
		rc = sw_error_set(err, SW_EINVAL,
				  "cannot tell what '%s' is: expected a name starting with requirements, bugfix, design or tasks",
				  path);
		goto out;
	}
	bugfix = kind == 1;
	for (k = 0; k < 4; k++) {
		int slot = k <= 1 ? 0 : k - 1;
		struct sw_buf b = SW_BUF_INIT;

		if (k == kind) {
			paths[slot] = sw_xstrdup(path);
			continue;
		}
		if ((k <= 1 && kind <= 1) || paths[slot] || (k == 1 && !bugfix && paths[0]))
			continue;
		sw_buf_addf(&b, "%s%s", kinds[k], suffix);
		paths[slot] = existing(dir, b.ptr);
		if (!paths[slot])
			paths[slot] = existing(dir, k == 0 ? "requirements.md" : k == 1 ? "bugfix.md" : k == 2 ? "design.md" : "tasks.md");
		if (k == 1 && paths[slot] && kind > 1)
			bugfix = 1;
		sw_buf_release(&b);
	}
	if (kind > 1 && !paths[0]) {
		paths[0] = existing(dir, "bugfix.md");
		bugfix = paths[0] != NULL;
	}
	s = spec_new(dir);
	read_config(s, dir, base, NULL);
	if ((rc = load_paths(s, (const char *const *)paths, bugfix, base, NULL, err)) < 0)
		goto out;
	/* Keep only the findings about the file asked for. */
	target = display_path(path, base);
	for (i = j = 0; i < s->diags.nr; i++) {
		struct sw_diag *d = &s->diags.v[i];

		if (d->path && !strcmp(d->path, target)) {
			s->diags.v[j++] = *d;
			continue;
		}
		if (d->severity == SW_SEV_ERROR)
			s->diags.errors--;
		else if (d->severity == SW_SEV_WARNING)
			s->diags.warnings--;
		free(d->code);
		free(d->path);
		free(d->msg);
		free(d->hint);
	}
	s->diags.nr = j;
	*out = s;
	s = NULL;
out:
	for (k = 0; k < 3; k++)
		free(paths[k]);
	free(dir);
	free(target);
	spec_free(s);
	return rc;
}

int spec_source(const struct spec *s, const char *display, const char **text, size_t *len)
{
	const struct spec_file *files[3] = { &s->req, &s->design, &s->tasks };
	size_t i;

	for (i = 0; i < 3; i++)
		if (files[i]->display && display && !strcmp(files[i]->display, display)) {
			*text = files[i]->text.ptr;
			*len = files[i]->text.len;
			return 1;
		}
	return 0;
}

/* ---- change ------------------------------------------------------------------------ */

int spec_set_task_state(const char *dir, const char *id, enum tasks_state st, struct tasks_change **changes,
			size_t *nchanges, struct sw_error *err)
{
	return spec_set_task_state_inside(NULL, dir, id, st, changes, nchanges, err);
}

int spec_set_task_state_inside(const char *root, const char *dir, const char *id, enum tasks_state st,
			       struct tasks_change **changes, size_t *nchanges, struct sw_error *err)
{
	struct sw_inside ws = SW_INSIDE_INIT;
	char *path = sw_path_join(dir, "tasks.md");
	struct sw_buf text = SW_BUF_INIT;
	int fd = -1, rc;
	char *top = NULL;

	*changes = NULL;
	*nchanges = 0;
	if (root && (rc = sw_inside_init(&ws, root, "the workspace", err)) < 0)
		goto out;
	/* Read-modify-write under a lock on the folder: concurrent writers serialise. */
	if ((rc = sw_dir_lock(&fd, dir, SPEC_LOCK_TIMEOUT_MS, err)) < 0)
		goto out;
	if ((rc = read_bytes(&text, root ? &ws : NULL, path, SPEC_MAX_FILE, err)) < 0)
		goto out;
	if ((rc = tasks_set_state(&text, id, st, changes, nchanges, err)) < 0) {
		sw_error_at(err, path, 0, 0);
		goto out;
	}
	/* Through a link that stays in the workspace, beside its target; never out of it. */
	top = *nchanges ? workspace_of(dir) : NULL;
	if (*nchanges && (rc = sw_write_atomic_within(path, top, text.ptr, text.len, err)) < 0) {
		free(*changes);
		*changes = NULL;
		*nchanges = 0;
		goto out;
	}
	rc = 0;
out:
	sw_file_unlock(fd, dir);
	sw_inside_release(&ws);
	sw_buf_release(&text);
	free(path);
	free(top);
	return rc;
}

int spec_set_task_states(const char *dir, const char *const *ids, size_t n, enum tasks_state st,
			 struct sw_error *err)
{
	char *path = sw_path_join(dir, "tasks.md"), *top = NULL;
	struct sw_buf text = SW_BUF_INIT;
	size_t i, changed = 0;
	int fd = -1, rc;

	if ((rc = sw_dir_lock(&fd, dir, SPEC_LOCK_TIMEOUT_MS, err)) < 0)
		goto out;
	if ((rc = read_bytes(&text, NULL, path, SPEC_MAX_FILE, err)) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		struct tasks_change *ch = NULL;
		size_t nch = 0;

		if ((rc = tasks_set_state(&text, ids[i], st, &ch, &nch, err)) < 0) {
			sw_error_at(err, path, 0, 0);
			goto out;
		}
		changed += nch;
		free(ch);
	}
	top = changed ? workspace_of(dir) : NULL;
	if (changed && (rc = sw_write_atomic_within(path, top, text.ptr, text.len, err)) < 0)
		goto out;
	rc = 0;
out:
	sw_file_unlock(fd, dir);
	sw_buf_release(&text);
	free(path);
	free(top);
	return rc;
}
