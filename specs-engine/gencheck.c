/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gencheck.c - the self-check of a generated document: the specs engine's
 * parse, lint and cross-document checks, run on the draft in the company
 * of the spec's other documents before anything is written.
 *
 * The draft is not on disk yet (it is written only once it passes), so the
 * spec's other documents and the draft are copied to a private temporary
 * folder and loaded there with spec_load().  Findings about the draft are
 * all kept.  Findings about the other documents are kept only when they
 * are errors the draft caused: those that a load of the same folder
 * without the draft does not report (a design whose properties cite
 * criteria the new requirements dropped, say).  An approved document's
 * own old problems never block the next phase.
 *
 * Generation is stricter than 'spec lint' in one place: a tasks.md that
 * leaves an acceptance criterion uncovered is an error here (lint warns),
 * because the tasks prompt asks for full coverage.
 *
 * A refinement must keep IDs stable: every requirement (with its title),
 * criterion, bugfix item, task and correctness property of the previous
 * version must still exist under the same number.
 */
#include "base/compat.h"
#include "specs-engine/generate.h"
#include "base/buf.h"
#include "base/fs.h"
#include "specs-engine/bugfix.h"
#include "specs-engine/design.h"
#include "specs-engine/md.h"
#include "specs-engine/req.h"
#include "specs-engine/spec.h"
#include "specs-engine/tasks.h"

#include <dirent.h>
#include <unistd.h>

static const char *const docs[] = { "requirements.md", "bugfix.md", "design.md", "tasks.md",
				    ".config.kiro" };

static void rmtree_flat(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char *p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = sw_path_join(dir, de->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Copies the spec's documents except @skip into @tmp; returns how many. */
static int copy_docs(const char *dir, const char *tmp, const char *skip, struct sw_error *err)
{
	size_t i;
	int n = 0, rc;

	for (i = 0; i < SW_ARRAY_SIZE(docs); i++) {
		struct sw_buf t = SW_BUF_INIT;
		char *from, *to;

		if (!strcmp(docs[i], skip))
			continue;
		from = sw_path_join(dir, docs[i]);
		to = sw_path_join(tmp, docs[i]);
		rc = sw_read_file(&t, from, GEN_MAX_DOC * 4, NULL);
		if (rc == 0) {
			rc = sw_write_atomic(to, t.ptr, t.len, err);
			n += rc == 0 && docs[i][0] != '.';
		} else {
			rc = 0; /* absent: fine, a spec is written one phase at a time */
		}
		sw_buf_release(&t);
		free(from);
		free(to);
		if (rc < 0)
			return rc;
	}
	return n;
}

static int same_diag(const struct sw_diag *a, const struct sw_diag *b)
{
	return a->line == b->line && a->col == b->col && !strcmp(a->code ? a->code : "", b->code ? b->code : "") &&
	       !strcmp(a->path ? a->path : "", b->path ? b->path : "") && !strcmp(a->msg, b->msg);
}

static void copy_diag(struct sw_diags *out, const struct sw_diag *d, enum sw_severity sev, const char *path,
		      const char *hint)
{
	struct sw_diag *n = sw_diag_add(out, sev, d->code, path, d->line, d->col, "%s", d->msg);

	if (hint)
		sw_diag_set_hint(n, "%s", hint);
	else if (d->hint)
		sw_diag_set_hint(n, "%s", d->hint);
}

/* ---- IDs kept across a refinement ------------------------------------------- */

struct parsed {
	struct md_doc *md;
	struct req_doc *req;
	struct tasks_doc *tasks;
	struct design_doc *design;
};

static void parse(struct parsed *p, enum review_doc doc, const char *text, size_t len)
{
	memset(p, 0, sizeof(*p));
	if (md_parse(&p->md, text, len, NULL) < 0)
		return;
	if (doc == REVIEW_DOC_REQUIREMENTS)
		req_parse(&p->req, p->md, "", NULL, NULL);
	else if (doc == REVIEW_DOC_BUGFIX)
		bugfix_parse(&p->req, p->md, "", NULL, NULL);
	else if (doc == REVIEW_DOC_TASKS)
		tasks_parse(&p->tasks, p->md, "", NULL, NULL);
	else
		design_parse(&p->design, p->md, "", NULL, NULL);
}

static void release(struct parsed *p)
{
	req_doc_free(p->req);
	tasks_doc_free(p->tasks);
	design_doc_free(p->design);
	md_doc_free(p->md);
}

#define KEEP_HINT "keep existing numbers; add new items after the last one"

static void check_ids(struct sw_diags *out, enum review_doc doc, const char *text, size_t len,
		      const char *display, const char *previous)
{
	struct parsed o, n;
	size_t i;

	parse(&o, doc, previous, strlen(previous));
	parse(&n, doc, text, len);
	if (o.req && n.req && doc == REVIEW_DOC_REQUIREMENTS) {
		for (i = 0; i < o.req->nreqs; i++) {
			const struct req_requirement *r = &o.req->reqs[i];
			const struct req_requirement *x = req_find_requirement(n.req, r->id);
			struct sw_diag *d;

			if (!x) {
				d = sw_diag_add(out, SW_SEV_ERROR, "refine-id-removed", display, 1, 1,
						"requirement %s ('%s') is missing from the revision", r->id, r->title);
				sw_diag_set_hint(d, KEEP_HINT);
			} else if (strcmp(x->title, r->title)) {
				size_t j;

				/* a rename is fine; the old title under another number is a renumbering */
				for (j = 0; j < n.req->nreqs; j++)
					if (!strcmp(n.req->reqs[j].title, r->title) && *r->title)
						break;
				if (j < n.req->nreqs) {
					d = sw_diag_add(out, SW_SEV_ERROR, "refine-id-renumbered", display,
							n.req->reqs[j].line, n.req->reqs[j].col,
							"requirement %s ('%s') was renumbered to %s", r->id, r->title,
							n.req->reqs[j].id);
					sw_diag_set_hint(d, KEEP_HINT);
				}
			}
		}
	}
	if (o.req && n.req) {
		for (i = 0; i < o.req->ncrit; i++)
			if (!req_find_criterion(n.req, o.req->crit[i].id)) {
				struct sw_diag *d = sw_diag_add(out, SW_SEV_ERROR, "refine-id-removed", display, 1, 1,
								"%s %s is missing from the revision",
								doc == REVIEW_DOC_BUGFIX ? "item" : "criterion",
								o.req->crit[i].id);
				sw_diag_set_hint(d, KEEP_HINT);
			}
	}
	if (o.tasks && n.tasks) {
		for (i = 0; i < o.tasks->ntasks; i++)
			if (tasks_find(n.tasks, o.tasks->tasks[i].id) == TASKS_NONE) {
				struct sw_diag *d = sw_diag_add(out, SW_SEV_ERROR, "refine-id-removed", display, 1, 1,
								"task %s ('%s') is missing from the revision",
								o.tasks->tasks[i].id, o.tasks->tasks[i].title);
				sw_diag_set_hint(d, KEEP_HINT);
			}
	}
	if (o.design && n.design) {
		for (i = 0; i < o.design->nprops; i++)
			if (!design_find_property(n.design, o.design->props[i].id)) {
				struct sw_diag *d = sw_diag_add(out, SW_SEV_ERROR, "refine-id-removed", display, 1, 1,
								"property %s ('%s') is missing from the revision",
								o.design->props[i].id, o.design->props[i].title);
				sw_diag_set_hint(d, KEEP_HINT);
			}
	}
	release(&o);
	release(&n);
}

int gen_check(struct sw_diags *out, enum review_doc doc, const char *text, size_t len,
	      const char *dir, const char *display_path, const char *previous, struct sw_error *err)
{
	const char *file = review_doc_file(doc);
	char *tmp, *draft = NULL, *disp_dir = sw_dirname(display_path);
	const char *tdir = getenv("TMPDIR");
	struct spec *base = NULL, *s = NULL;
	struct sw_buf tpl = SW_BUF_INIT;
	size_t i, j;
	int rc, others;

	sw_buf_addf(&tpl, "%s/sw-gencheck.XXXXXX", tdir && *tdir ? tdir : "/tmp");
	tmp = mkdtemp(tpl.ptr);
	if (!tmp) {
		rc = sw_error_errno(err, SW_EIO, "cannot create a temporary folder");
		goto out;
	}
	if ((rc = copy_docs(dir, tmp, file, err)) < 0)
		goto out;
	others = rc;
	rc = 0;
	if (others && (rc = spec_load(&base, tmp, tmp, err)) < 0)
		goto out;
	draft = sw_path_join(tmp, file);
	if ((rc = sw_write_atomic(draft, text, len, err)) < 0)
		goto out;
	if ((rc = spec_load(&s, tmp, tmp, err)) < 0)
		goto out;
	for (i = 0; i < s->diags.nr; i++) {
		const struct sw_diag *d = &s->diags.v[i];
		const char *name = d->path ? sw_basename(d->path) : file;
		char *shown = sw_path_join(disp_dir, name);

		if (!strcmp(name, file)) {
			copy_diag(out, d, d->severity, shown, NULL);
		} else if (doc == REVIEW_DOC_TASKS && d->code && !strcmp(d->code, "trace-uncovered")) {
			copy_diag(out, d, SW_SEV_ERROR, shown,
				  "every criterion must be cited by a task's _Requirements:_ line in tasks.md");
		} else if (d->severity == SW_SEV_ERROR) {
			int old = 0;

			for (j = 0; base && j < base->diags.nr && !old; j++)
				old = same_diag(d, &base->diags.v[j]);
			if (!old)
				copy_diag(out, d, SW_SEV_ERROR, shown, NULL);
		}
		free(shown);
	}
	if (previous)
		check_ids(out, doc, text, len, display_path, previous);
out:
	spec_free(base);
	spec_free(s);
	if (tmp)
		rmtree_flat(tmp);
	sw_buf_release(&tpl);
	free(draft);
	free(disp_dir);
	return rc;
}
