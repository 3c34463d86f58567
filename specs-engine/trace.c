/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trace.c - expand every reference of tasks.md and design.md onto the
 * criteria of requirements.md (or bugfix.md).
 *
 * Each reference is expanded with req_ref_expand(), a binary search over
 * the criteria; the row of a criterion is found by its index in the
 * req_doc.  An owner's references are added together, so a row already
 * naming the owner has it last, and "no repeats" costs one comparison
 * (owners whose id came before, such as a duplicate task id, are checked
 * against the whole row).  The build is O(references x log criteria +
 * matrix entries).
 */
#include "base/compat.h"
#include "specs-engine/trace.h"
#include "base/strmap.h"

void trace_free(struct trace *tr)
{
	size_t i;

	if (!tr)
		return;
	for (i = 0; i < tr->nrows; i++) {
		sw_strvec_clear(&tr->rows[i].tasks);
		sw_strvec_clear(&tr->rows[i].props);
	}
	free(tr->rows);
	free(tr->dangling);
	free(tr);
}

struct add_ctx {
	struct trace *tr;
	const struct req_doc *reqs;
	const char *owner;
	int prop;
	int repeated; /* an earlier owner had this id */
};

static void add_hit(const struct req_criterion *c, void *data)
{
	struct add_ctx *a = data;
	struct trace_row *row = &a->tr->rows[c - a->reqs->crit];
	struct sw_strvec *v = a->prop ? &row->props : &row->tasks;

	if (!v->nr || strcmp(v->v[v->nr - 1], a->owner))
		if (!a->repeated || !sw_strvec_contains(v, a->owner))
			sw_strvec_push(v, a->owner);
}

static void dangling(struct trace *tr, enum trace_from from, const char *owner, const struct req_ref *r)
{
	struct trace_dangling *d;

	SW_ALLOC_GROW(tr->dangling, tr->ndangling + 1, tr->adangling);
	d = &tr->dangling[tr->ndangling++];
	memset(d, 0, sizeof(*d));
	d->from = from;
	snprintf(d->owner, sizeof(d->owner), "%s", owner);
	if (r->kind == REQ_REF_RANGE)
		snprintf(d->ref, sizeof(d->ref), "%s-%s", r->id, r->to);
	else
		snprintf(d->ref, sizeof(d->ref), "%s", r->id);
	d->line = r->line;
	d->col = r->col;
}

static void add_refs(struct trace *tr, const struct req_doc *reqs, const struct req_refs *refs,
		     enum trace_from from, const char *owner, int prop, int repeated)
{
	struct add_ctx a = { tr, reqs, owner, prop, repeated };
	size_t i;

	for (i = 0; i < refs->nr; i++) {
		const struct req_ref *r = &refs->v[i];

		if (r->kind == REQ_REF_TEXT)
			continue;
		if (!reqs)
			continue;
		if (!req_ref_expand(reqs, r, add_hit, &a) && r->kind != REQ_REF_ALL)
			dangling(tr, from, owner, r);
	}
}

int trace_build(struct trace **out, const struct req_doc *reqs, const struct design_doc *design,
		const struct tasks_doc *tasks, struct sw_error *err)
{
	struct trace *tr = sw_xcalloc(1, sizeof(*tr));
	struct sw_strmap seen_tasks = SW_STRMAP_INIT, seen_props = SW_STRMAP_INIT, props = SW_STRMAP_INIT;
	size_t i, j;

	SW_UNUSED(err);
	for (i = 0; design && i < design->nprops; i++)
		sw_strmap_put(&props, design->props[i].id, (void *)&design->props[i]);
	if (reqs && reqs->ncrit) {
		tr->rows = sw_xcalloc(reqs->ncrit, sizeof(*tr->rows));
		tr->nrows = reqs->ncrit;
		for (i = 0; i < reqs->ncrit; i++) {
			tr->rows[i].crit = &reqs->crit[i];
			tr->rows[i].tasks = (struct sw_strvec)SW_STRVEC_INIT;
			tr->rows[i].props = (struct sw_strvec)SW_STRVEC_INIT;
			tr->rows[i].needs_task = reqs->crit[i].ctx != EARS_CTX_BUG_CURRENT;
		}
	}
	for (i = 0; tasks && i < tasks->ntasks; i++) {
		const struct tasks_task *t = &tasks->tasks[i];
		int repeated = sw_strmap_put(&seen_tasks, t->id, (void *)t) != NULL;

		add_refs(tr, reqs, &t->reqs, TRACE_FROM_TASK, t->id, 0, repeated);
		add_refs(tr, reqs, &t->validates, TRACE_FROM_TASK_VALIDATES, t->id, 0, repeated);
		for (j = 0; design && j < t->nprops; j++) {
			if (sw_strmap_get(&props, t->props[j].id))
				continue;
			SW_ALLOC_GROW(tr->dangling, tr->ndangling + 1, tr->adangling);
			memset(&tr->dangling[tr->ndangling], 0, sizeof(tr->dangling[0]));
			tr->dangling[tr->ndangling].from = TRACE_FROM_TASK_PROPERTY;
			snprintf(tr->dangling[tr->ndangling].owner, sizeof(tr->dangling[0].owner), "%s", t->id);
			snprintf(tr->dangling[tr->ndangling].ref, sizeof(tr->dangling[0].ref), "Property %s", t->props[j].id);
			tr->dangling[tr->ndangling].line = t->props[j].line;
			tr->dangling[tr->ndangling].col = t->props[j].col;
			tr->ndangling++;
		}
	}
	for (i = 0; design && i < design->nprops; i++) {
		int repeated = sw_strmap_put(&seen_props, design->props[i].id, (void *)&design->props[i]) != NULL;

		add_refs(tr, reqs, &design->props[i].validates, TRACE_FROM_PROPERTY, design->props[i].id, 1, repeated);
	}
	for (i = 0; i < tr->nrows; i++) {
		if (tr->rows[i].needs_task && !tr->rows[i].tasks.nr)
			tr->uncovered++;
		if (design && design->nprops && !tr->rows[i].props.nr)
			tr->untested++;
	}
	sw_strmap_release(&seen_tasks);
	sw_strmap_release(&seen_props);
	sw_strmap_release(&props);
	*out = tr;
	return 0;
}
