/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commitmsg.c - spec commit messages.
 *
 * The subject lists the documents touched in workflow order so that a
 * log of a spec reads like its history ("Add spec auth: requirements",
 * "Update spec auth: design").  It never exceeds COMMITMSG_SUBJECT_MAX: the
 * document list is dropped first, then the name is shortened.
 *
 * The body compares the old and new text of each document through the
 * specs engine's parsers: requirements (and bugfix items) and tasks added,
 * changed or removed by ID, tasks whose status changed, design properties.
 * A requirement changed when its title or any criterion's text did; a task
 * changed when its title, details or references did.  Lines are wrapped
 * at 72 columns.
 */
#include "base/compat.h"
#include "specs-engine/commitmsg.h"
#include "base/buf.h"
#include "base/fs.h"
#include "specs-engine/bugfix.h"
#include "specs-engine/design.h"
#include "specs-engine/md.h"
#include "specs-engine/req.h"
#include "specs-engine/tasks.h"

#define WRAP 72

static const char *const doc_order[] = { "requirements.md", "bugfix.md", "design.md", "tasks.md" };

static const char *doc_label(const char *base)
{
	if (!strcmp(base, "requirements.md"))
		return "requirements";
	if (!strcmp(base, "bugfix.md"))
		return "bugfix";
	if (!strcmp(base, "design.md"))
		return "design";
	if (!strcmp(base, "tasks.md"))
		return "tasks";
	return NULL;
}

static const char *status_word(char st)
{
	return st == 'A' ? "added" : st == 'D' ? "removed" : "changed";
}

static void subject(struct sw_buf *out, const char *name, const struct vcs_spec_commit *c)
{
	size_t i, j, n = vcs_spec_nchanges(c), adds = 0, dels = 0, ndocs = 0;
	struct sw_buf docs = SW_BUF_INIT;
	const char *verb;

	for (i = 0; i < n; i++) {
		char st = vcs_spec_change(c, i)->status;

		adds += st == 'A';
		dels += st == 'D';
	}
	verb = adds == n ? "Add" : dels == n ? "Remove" : "Update";
	for (j = 0; j < SW_ARRAY_SIZE(doc_order); j++)
		for (i = 0; i < n; i++)
			if (!strcmp(sw_basename(vcs_spec_change(c, i)->path), doc_order[j])) {
				sw_buf_addf(&docs, "%s%s", ndocs++ ? ", " : "", doc_label(doc_order[j]));
				break;
			}
	sw_buf_addf(out, "%s spec %s", verb, name);
	if (ndocs && dels != n && out->len + 2 + docs.len <= COMMITMSG_SUBJECT_MAX)
		sw_buf_addf(out, ": %s", docs.ptr);
	if (out->len > COMMITMSG_SUBJECT_MAX) {
		sw_buf_setlen(out, COMMITMSG_SUBJECT_MAX - 3);
		sw_buf_adds(out, "...");
	}
	sw_buf_release(&docs);
}

/* "  <label>: a, b, c" wrapped at WRAP with continuation lines indented. */
static void list_line(struct sw_buf *b, const char *label, const struct sw_strvec *items)
{
	size_t i, col;

	if (!items->nr)
		return;
	col = (size_t)snprintf(NULL, 0, "  %s:", label);
	sw_buf_addf(b, "  %s:", label);
	for (i = 0; i < items->nr; i++) {
		size_t w = strlen(items->v[i]) + 2;

		if (col + w > WRAP && col > 6) {
			sw_buf_adds(b, "\n     ");
			col = 5;
		}
		sw_buf_addf(b, " %s%s", items->v[i], i + 1 < items->nr ? "," : "");
		col += w;
	}
	sw_buf_addch(b, '\n');
}

/* ---- requirements --------------------------------------------------------- */

struct parsed {
	struct md_doc *md;
	struct req_doc *req;
	struct tasks_doc *tasks;
	struct design_doc *design;
};

static void parse(struct parsed *p, const char *base, const char *text, size_t len)
{
	memset(p, 0, sizeof(*p));
	if (!text || md_parse(&p->md, text, len, NULL) < 0)
		return;
	if (!strcmp(base, "requirements.md"))
		req_parse(&p->req, p->md, base, NULL, NULL);
	else if (!strcmp(base, "bugfix.md"))
		bugfix_parse(&p->req, p->md, base, NULL, NULL);
	else if (!strcmp(base, "tasks.md"))
		tasks_parse(&p->tasks, p->md, base, NULL, NULL);
	else if (!strcmp(base, "design.md"))
		design_parse(&p->design, p->md, base, NULL, NULL);
}

static void release(struct parsed *p)
{
	req_doc_free(p->req);
	tasks_doc_free(p->tasks);
	design_doc_free(p->design);
	md_doc_free(p->md);
}

/* The criteria texts of requirement @num, joined, for comparison. */
static void req_body(struct sw_buf *b, const struct parsed *p, const struct req_requirement *r)
{
	const char *text = md_doc_text(p->md);
	size_t i;

	sw_buf_addf(b, "%s\n", r->title);
	for (i = 0; i < p->req->ncrit; i++) {
		const struct req_criterion *c = &p->req->crit[i];

		if (c->req == r->num)
			sw_buf_addf(b, "%s %.*s\n", c->id, (int)(c->end - c->off), text + c->off);
	}
}

static void item_name(struct sw_strvec *v, const char *id, const char *title)
{
	if (title && *title)
		sw_strvec_pushf(v, "%s %s", id, title);
	else
		sw_strvec_push(v, id);
}

static void describe_reqs(struct sw_buf *b, const struct parsed *o, const struct parsed *n, int bugfix)
{
	struct sw_strvec added = SW_STRVEC_INIT, changed = SW_STRVEC_INIT, removed = SW_STRVEC_INIT;
	const char *what = bugfix ? "items" : "requirements";
	size_t i;

	if (bugfix) { /* bugfix.md: compare the numbered items one by one */
		for (i = 0; n->req && i < n->req->ncrit; i++) {
			const struct req_criterion *c = &n->req->crit[i], *old;

			old = o->req ? req_find_criterion(o->req, c->id) : NULL;
			if (!old)
				sw_strvec_push(&added, c->id);
			else if (old->end - old->off != c->end - c->off ||
				 memcmp(md_doc_text(o->md) + old->off, md_doc_text(n->md) + c->off, c->end - c->off))
				sw_strvec_push(&changed, c->id);
		}
		for (i = 0; o->req && i < o->req->ncrit; i++)
			if (!n->req || !req_find_criterion(n->req, o->req->crit[i].id))
				sw_strvec_push(&removed, o->req->crit[i].id);
	} else {
		for (i = 0; n->req && i < n->req->nreqs; i++) {
			const struct req_requirement *r = &n->req->reqs[i], *old;
			struct sw_buf a = SW_BUF_INIT, z = SW_BUF_INIT;

			old = o->req ? req_find_requirement(o->req, r->id) : NULL;
			if (!old) {
				item_name(&added, r->id, r->title);
				continue;
			}
			req_body(&a, o, old);
			req_body(&z, n, r);
			if (strcmp(a.ptr, z.ptr))
				item_name(&changed, r->id, r->title);
			sw_buf_release(&a);
			sw_buf_release(&z);
		}
		for (i = 0; o->req && i < o->req->nreqs; i++)
			if (!n->req || !req_find_requirement(n->req, o->req->reqs[i].id))
				item_name(&removed, o->req->reqs[i].id, o->req->reqs[i].title);
	}
	{
		char l1[48], l2[48], l3[48];

		snprintf(l1, sizeof(l1), "%s added", what);
		snprintf(l2, sizeof(l2), "%s changed", what);
		snprintf(l3, sizeof(l3), "%s removed", what);
		list_line(b, l1, &added);
		list_line(b, l2, &changed);
		list_line(b, l3, &removed);
	}
	sw_strvec_clear(&added);
	sw_strvec_clear(&changed);
	sw_strvec_clear(&removed);
}

/* ---- tasks ---------------------------------------------------------------- */

static void task_body(struct sw_buf *b, const struct tasks_task *t)
{
	size_t i;

	sw_buf_addf(b, "%s%s\n", t->title, t->optional ? "*" : "");
	for (i = 0; i < t->details.nr; i++)
		sw_buf_addf(b, "%s\n", t->details.v[i]);
	for (i = 0; i < t->reqs.nr; i++)
		sw_buf_addf(b, "r%s-%s\n", t->reqs.v[i].id, t->reqs.v[i].to);
}

static void describe_tasks(struct sw_buf *b, const struct parsed *o, const struct parsed *n)
{
	struct sw_strvec added = SW_STRVEC_INIT, changed = SW_STRVEC_INIT, removed = SW_STRVEC_INIT;
	struct sw_strvec done = SW_STRVEC_INIT, status = SW_STRVEC_INIT;
	size_t i;

	for (i = 0; n->tasks && i < n->tasks->ntasks; i++) {
		const struct tasks_task *t = &n->tasks->tasks[i], *old = NULL;
		size_t k = o->tasks ? tasks_find(o->tasks, t->id) : TASKS_NONE;
		struct sw_buf a = SW_BUF_INIT, z = SW_BUF_INIT;

		if (k == TASKS_NONE) {
			sw_strvec_push(&added, t->id);
			continue;
		}
		old = &o->tasks->tasks[k];
		task_body(&a, old);
		task_body(&z, t);
		if (strcmp(a.ptr, z.ptr))
			sw_strvec_push(&changed, t->id);
		if (old->state != t->state) {
			if (t->state == TASKS_DONE)
				sw_strvec_push(&done, t->id);
			else
				sw_strvec_pushf(&status, "%s %s", t->id, tasks_state_name(t->state));
		}
		sw_buf_release(&a);
		sw_buf_release(&z);
	}
	for (i = 0; o->tasks && i < o->tasks->ntasks; i++)
		if (!n->tasks || tasks_find(n->tasks, o->tasks->tasks[i].id) == TASKS_NONE)
			sw_strvec_push(&removed, o->tasks->tasks[i].id);
	list_line(b, "tasks added", &added);
	list_line(b, "tasks changed", &changed);
	list_line(b, "tasks removed", &removed);
	list_line(b, "tasks done", &done);
	list_line(b, "task status", &status);
	sw_strvec_clear(&added);
	sw_strvec_clear(&changed);
	sw_strvec_clear(&removed);
	sw_strvec_clear(&done);
	sw_strvec_clear(&status);
}

static void describe_design(struct sw_buf *b, const struct parsed *o, const struct parsed *n)
{
	struct sw_strvec added = SW_STRVEC_INIT, removed = SW_STRVEC_INIT;
	size_t i;

	for (i = 0; n->design && i < n->design->nprops; i++)
		if (!o->design || !design_find_property(o->design, n->design->props[i].id))
			item_name(&added, n->design->props[i].id, n->design->props[i].title);
	for (i = 0; o->design && i < o->design->nprops; i++)
		if (!n->design || !design_find_property(n->design, o->design->props[i].id))
			item_name(&removed, o->design->props[i].id, o->design->props[i].title);
	list_line(b, "properties added", &added);
	list_line(b, "properties removed", &removed);
	sw_strvec_clear(&added);
	sw_strvec_clear(&removed);
}

static void describe(struct sw_buf *b, const struct vcs_change *ch)
{
	const char *base = sw_basename(ch->path);
	struct parsed o, nw;

	sw_buf_addf(b, "%s: %s\n", base, status_word(ch->status));
	if (!doc_label(base))
		return;
	parse(&o, base, ch->old_text, ch->old_len);
	parse(&nw, base, ch->new_text, ch->new_len);
	if (!strcmp(base, "requirements.md") || !strcmp(base, "bugfix.md"))
		describe_reqs(b, &o, &nw, !strcmp(base, "bugfix.md"));
	else if (!strcmp(base, "tasks.md"))
		describe_tasks(b, &o, &nw);
	else
		describe_design(b, &o, &nw);
	release(&o);
	release(&nw);
}

char *commitmsg_build(const char *name, const struct vcs_spec_commit *c)
{
	struct sw_buf b = SW_BUF_INIT;
	size_t i, j, n = vcs_spec_nchanges(c);

	subject(&b, name, c);
	sw_buf_adds(&b, "\n\n");
	/* the documents in workflow order, then the other files */
	for (j = 0; j < SW_ARRAY_SIZE(doc_order); j++)
		for (i = 0; i < n; i++)
			if (!strcmp(sw_basename(vcs_spec_change(c, i)->path), doc_order[j]))
				describe(&b, vcs_spec_change(c, i));
	for (i = 0; i < n; i++)
		if (!doc_label(sw_basename(vcs_spec_change(c, i)->path)))
			describe(&b, vcs_spec_change(c, i));
	return sw_buf_detach(&b, NULL);
}
