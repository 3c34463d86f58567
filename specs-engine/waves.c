/* SPDX-License-Identifier: Apache-2.0 */
/*
 * waves.c - dependencies from hierarchy and order, Kahn's algorithm for the
 * waves (no recursion, cycles detected), readiness against the file graph.
 */
#include "base/compat.h"
#include "specs-engine/waves.h"

static void deps_push(struct waves_deps *d, size_t v)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (d->v[i] == v)
			return;
	SW_ALLOC_GROW(d->v, d->nr + 1, d->alloc);
	d->v[d->nr++] = v;
}

void waves_plan_free(struct waves_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->ntasks; i++)
		free(plan->deps[i].v);
	free(plan->deps);
	free(plan->wave);
	free(plan->file_wave);
	free(plan);
}

static int is_ancestor(const struct tasks_doc *doc, size_t a, size_t x)
{
	int guard = 0;

	for (x = doc->tasks[x].parent; x != TASKS_NONE && guard < 64; x = doc->tasks[x].parent, guard++)
		if (x == a)
			return 1;
	return 0;
}

/* Adds the required leaves of @s's subtree (or @s itself when a leaf) to @d. */
static void add_leaves(struct waves_deps *d, const struct tasks_doc *doc, size_t s, int required_only)
{
	size_t i;

	if (!doc->tasks[s].nchildren) {
		deps_push(d, s);
		return;
	}
	for (i = s + 1; i < doc->ntasks; i++) {
		const struct tasks_task *t = &doc->tasks[i];
		size_t p;
		int opt = 0;

		if (t->nchildren || !is_ancestor(doc, s, i))
			continue;
		for (p = i; p != s && p != TASKS_NONE; p = doc->tasks[p].parent)
			opt |= doc->tasks[p].optional;
		if (!required_only || !opt)
			deps_push(d, i);
	}
}

/* The closest previous required sibling of @i, or TASKS_NONE. */
static size_t prev_required_sibling(const struct tasks_doc *doc, size_t i)
{
	size_t k;

	for (k = i; k-- > 0;) {
		if (doc->tasks[k].parent != doc->tasks[i].parent)
			continue;
		if (!doc->tasks[k].optional)
			return k;
	}
	return TASKS_NONE;
}

int waves_build(struct waves_plan **out, const struct tasks_doc *doc, struct sw_error *err)
{
	struct waves_plan *p = sw_xcalloc(1, sizeof(*p));
	size_t n = doc->ntasks, i, j, done = 0, *indeg = NULL, *queue = NULL, qh = 0, qt = 0;

	SW_UNUSED(err);
	p->ntasks = n;
	p->deps = sw_xcalloc(n + 1, sizeof(*p->deps));
	p->wave = sw_xcalloc(n + 1, sizeof(*p->wave));
	p->file_wave = sw_xcalloc(n + 1, sizeof(*p->file_wave));
	for (i = 0; i < n; i++) {
		p->wave[i] = -1;
		p->file_wave[i] = -1;
	}
	for (i = 0; i < n; i++) {
		const struct tasks_task *t = &doc->tasks[i];
		size_t at = i, s;

		if (t->nchildren)
			continue;
		/* Rule 1/2: climb until some level has a previous required sibling. */
		for (; at != TASKS_NONE; at = doc->tasks[at].parent) {
			s = prev_required_sibling(doc, at);
			if (s != TASKS_NONE) {
				add_leaves(&p->deps[i], doc, s, 1);
				break;
			}
		}
		/* Rule 3: explicit dependencies of the task and of its ancestors. */
		for (at = i; at != TASKS_NONE; at = doc->tasks[at].parent)
			for (j = 0; j < doc->tasks[at].deps.nr; j++) {
				size_t d = tasks_find(doc, doc->tasks[at].deps.v[j]);

				if (d != TASKS_NONE && d != i && !is_ancestor(doc, d, i))
					add_leaves(&p->deps[i], doc, d, 0);
			}
	}
	/* Kahn: waves by longest path. */
	indeg = sw_xcalloc(n + 1, sizeof(*indeg));
	queue = sw_xcalloc(n + 1, sizeof(*queue));
	{
		/* Reverse edges: who depends on me. */
		struct waves_deps *rev = sw_xcalloc(n + 1, sizeof(*rev));

		for (i = 0; i < n; i++)
			for (j = 0; j < p->deps[i].nr; j++) {
				size_t d = p->deps[i].v[j];

				SW_ALLOC_GROW(rev[d].v, rev[d].nr + 1, rev[d].alloc);
				rev[d].v[rev[d].nr++] = i;
				indeg[i]++;
			}
		for (i = 0; i < n; i++)
			if (!doc->tasks[i].nchildren && !indeg[i]) {
				p->wave[i] = 0;
				queue[qt++] = i;
			}
		while (qh < qt) {
			size_t u = queue[qh++];

			done++;
			if ((size_t)p->wave[u] + 1 > p->nwaves)
				p->nwaves = (size_t)p->wave[u] + 1;
			for (j = 0; j < rev[u].nr; j++) {
				size_t v = rev[u].v[j];

				if (p->wave[v] < p->wave[u] + 1)
					p->wave[v] = p->wave[u] + 1;
				if (--indeg[v] == 0)
					queue[qt++] = v;
			}
		}
		for (i = 0; i < n; i++) {
			if (!doc->tasks[i].nchildren && indeg[i]) {
				p->wave[i] = -1;
				p->cycle = 1;
			}
			free(rev[i].v);
		}
		free(rev);
	}
	/* Where the file's graph puts each task (a parent id stands for its leaves). */
	for (i = 0; i < doc->graph.nwaves; i++)
		for (j = 0; j < doc->graph.waves[i].tasks.nr; j++) {
			size_t t = tasks_find(doc, doc->graph.waves[i].tasks.v[j]), k;

			if (t == TASKS_NONE)
				continue;
			if (!doc->tasks[t].nchildren) {
				if (p->file_wave[t] < 0)
					p->file_wave[t] = (long)i;
				continue;
			}
			for (k = t + 1; k < n; k++)
				if (!doc->tasks[k].nchildren && is_ancestor(doc, t, k) && p->file_wave[k] < 0)
					p->file_wave[k] = (long)i;
		}
	free(indeg);
	free(queue);
	*out = p;
	return 0;
}

void waves_ready(struct waves_deps *out, const struct tasks_doc *doc, const struct waves_plan *plan)
{
	size_t i, j, n = doc->ntasks;
	long first_open_wave = -1;

	memset(out, 0, sizeof(*out));
	/* The earliest file wave that still has a required leaf not done. */
	for (i = 0; i < n; i++) {
		const struct tasks_task *t = &doc->tasks[i];

		if (t->nchildren || plan->file_wave[i] < 0 || t->state == TASKS_DONE || t->optional)
			continue;
		if (first_open_wave < 0 || plan->file_wave[i] < first_open_wave)
			first_open_wave = plan->file_wave[i];
	}
	for (i = 0; i < n; i++) {
		const struct tasks_task *t = &doc->tasks[i];
		int ok = 1;

		if (t->nchildren || t->state == TASKS_DONE || t->state == TASKS_DOING)
			continue;
		if (plan->file_wave[i] >= 0) {
			ok = first_open_wave < 0 || plan->file_wave[i] <= first_open_wave;
			/* Explicit dependencies still hold. */
			for (j = 0; ok && j < doc->tasks[i].deps.nr; j++) {
				size_t d = tasks_find(doc, doc->tasks[i].deps.v[j]);

				if (d != TASKS_NONE && doc->tasks[d].state != TASKS_DONE)
					ok = 0;
			}
		} else {
			if (plan->wave[i] < 0)
				ok = 0;
			for (j = 0; ok && j < plan->deps[i].nr; j++)
				if (doc->tasks[plan->deps[i].v[j]].state != TASKS_DONE)
					ok = 0;
		}
		if (ok)
			deps_push(out, i);
	}
}

void waves_check(const struct tasks_doc *doc, const char *path, struct sw_diags *diags)
{
	struct waves_plan *plan = NULL;
	struct sw_buf missing = SW_BUF_INIT;
	size_t i, j, nmissing = 0;
	const struct tasks_graph *g = &doc->graph;

	if (!diags || waves_build(&plan, doc, NULL) < 0)
		return;
	if (plan->cycle)
		for (i = 0; i < doc->ntasks; i++)
			if (!doc->tasks[i].nchildren && plan->wave[i] < 0) {
				sw_diag_add(diags, SW_SEV_ERROR, "waves-cycle", path, doc->tasks[i].line, doc->tasks[i].col,
					    "task %s is part of a dependency cycle", doc->tasks[i].id);
				break;
			}
	if (g->format != TASKS_GRAPH_OBJECTS && g->format != TASKS_GRAPH_COMPACT)
		goto out;
	for (i = 0; i < doc->ntasks; i++) {
		const struct tasks_task *t = &doc->tasks[i];

		if (t->nchildren || t->checkpoint || plan->file_wave[i] >= 0)
			continue;
		if (nmissing < 8)
			sw_buf_addf(&missing, "%s%s", nmissing ? ", " : "", t->id);
		nmissing++;
	}
	if (nmissing) {
		struct sw_diag *dg = sw_diag_add(diags, SW_SEV_WARNING, "waves-missing-task", path, g->line, 1,
						 "task dependency graph leaves out %zu task%s: %s%s", nmissing,
						 nmissing == 1 ? "" : "s", missing.ptr, nmissing > 8 ? ", …" : "");

		sw_diag_set_hint(dg, "such tasks are scheduled after the computed dependencies instead");
	}
	/* An explicit dependency must sit in an earlier wave. */
	for (i = 0; i < doc->ntasks; i++)
		for (j = 0; plan->file_wave[i] >= 0 && j < doc->tasks[i].deps.nr; j++) {
			size_t d = tasks_find(doc, doc->tasks[i].deps.v[j]);

			if (d == TASKS_NONE) {
				sw_diag_add(diags, SW_SEV_ERROR, "waves-unknown-task", path, g->line, 1,
					    "task %s depends on '%s', which tasks.md does not have", doc->tasks[i].id,
					    doc->tasks[i].deps.v[j]);
				continue;
			}
			if (plan->file_wave[d] >= plan->file_wave[i])
				sw_diag_add(diags, SW_SEV_ERROR, "waves-dependency-order", path, g->line, 1,
					    "task %s (wave %ld) depends on %s, which is not in an earlier wave (wave %ld)",
					    doc->tasks[i].id, plan->file_wave[i], doc->tasks[d].id, plan->file_wave[d]);
		}
out:
	sw_buf_release(&missing);
	waves_plan_free(plan);
}
