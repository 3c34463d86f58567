/* SPDX-License-Identifier: Apache-2.0 */
/*
 * waves.c - dependencies from hierarchy and order, Kahn's algorithm for the
 * waves (no recursion, cycles detected), readiness against the file graph.
 *
 * Linear in the plan: "the required leaves of task s" is one node of the
 * graph, not a list of leaves copied into every task that waits for them.
 * Nodes 0..n-1 are the tasks (a leaf is itself; a parent stands for its
 * required leaves) and n..2n-1 stand for all the leaves of a parent.  A
 * parent's nodes depend on its children's, so the graph has O(n) edges
 * however wide the groups are; Kahn's walk carries "latest leaf wave" up
 * through them (a leaf adds one, a group node adds nothing).
 */
#include "base/compat.h"
#include "specs-engine/waves.h"
#include "base/strmap.h"

void waves_plan_free(struct waves_plan *plan)
{
	size_t i;

	if (!plan)
		return;
	for (i = 0; i < plan->ntasks; i++)
		free(plan->deps[i].v);
	for (i = 0; i < plan->nfile_waves; i++)
		free(plan->file_deps[i].v);
	free(plan->deps);
	free(plan->wave);
	free(plan->file_wave);
	free(plan->file_deps);
	free(plan);
}

static int is_ancestor(const struct tasks_doc *doc, size_t a, size_t x)
{
	for (x = doc->tasks[x].parent; x != TASKS_NONE; x = doc->tasks[x].parent)
		if (x == a)
			return 1;
	return 0;
}

/* Pushes @v onto @d unless leaf @owner pushed it already (@stamp: per node, owner + 1). */
static void push_once(struct waves_deps *d, size_t v, size_t *stamp, size_t owner)
{
	if (stamp[v] == owner + 1)
		return;
	stamp[v] = owner + 1;
	SW_ALLOC_GROW(d->v, d->nr + 1, d->alloc);
	d->v[d->nr++] = v;
}

/* The node for "the required leaves of @s" (@all: every leaf of it). */
static size_t node_of(const struct tasks_doc *doc, size_t s, int all)
{
	return doc->tasks[s].nchildren && all ? doc->ntasks + s : s;
}

/* Children lists in compressed form: the children of p are kids[first[p] .. first[p + 1]). */
struct kids {
	size_t *first, *v;
};

static void kids_build(struct kids *k, const struct tasks_doc *doc)
{
	size_t n = doc->ntasks, i, *fill = sw_xcalloc(n + 2, sizeof(*fill));

	k->first = sw_xcalloc(n + 2, sizeof(*k->first));
	k->v = sw_xcalloc(n + 1, sizeof(*k->v));
	for (i = 0; i < n; i++)
		if (doc->tasks[i].parent != TASKS_NONE)
			k->first[doc->tasks[i].parent + 1]++;
	for (i = 0; i < n; i++)
		k->first[i + 1] += k->first[i];
	for (i = 0; i < n; i++) {
		size_t p = doc->tasks[i].parent;

		if (p != TASKS_NONE)
			k->v[k->first[p] + fill[p]++] = i;
	}
	free(fill);
}

static void kids_release(struct kids *k)
{
	free(k->first);
	free(k->v);
}

/* Calls @fn for each node @u depends on (leaf: plan deps; group nodes: the children's nodes). */
#define FOR_EACH_DEP(doc, plan, kids, u, d, body)                                          \
	do {                                                                                \
		size_t n_ = (doc)->ntasks, j_;                                              \
		if ((u) < n_ && !(doc)->tasks[u].nchildren) {                               \
			for (j_ = 0; j_ < (plan)->deps[u].nr; j_++) {                       \
				size_t d = (plan)->deps[u].v[j_];                           \
				body;                                                       \
			}                                                                   \
		} else {                                                                    \
			size_t p_ = (u) < n_ ? (u) : (u) - n_;                              \
			for (j_ = (kids)->first[p_]; j_ < (kids)->first[p_ + 1]; j_++) {    \
				size_t c_ = (kids)->v[j_];                                  \
				if ((u) < n_ && (doc)->tasks[c_].optional)                  \
					continue;                                           \
				{                                                           \
					size_t d = node_of(doc, c_, (u) >= n_);             \
					body;                                               \
				}                                                           \
			}                                                                   \
		}                                                                           \
	} while (0)

/* Resolves each file wave's "depends_on" to wave indices (unknown ones are left out). */
static void file_wave_deps(struct waves_plan *p, const struct tasks_doc *doc)
{
	const struct tasks_graph *g = &doc->graph;
	struct sw_strmap ids = SW_STRMAP_INIT;
	size_t i, j;

	p->nfile_waves = g->nwaves;
	p->file_deps = sw_xcalloc(g->nwaves + 1, sizeof(*p->file_deps));
	for (i = 0; i < g->nwaves; i++)
		if (!sw_strmap_get(&ids, g->waves[i].id))
			sw_strmap_put(&ids, g->waves[i].id, (void *)(uintptr_t)(i + 1));
	for (i = 0; i < g->nwaves; i++)
		for (j = 0; j < g->waves[i].depends_on.nr; j++) {
			uintptr_t w = (uintptr_t)sw_strmap_get(&ids, g->waves[i].depends_on.v[j]);
			struct waves_deps *d = &p->file_deps[i];

			SW_ALLOC_GROW(d->v, d->nr + 1, d->alloc);
			d->v[d->nr++] = w ? (size_t)w - 1 : TASKS_NONE;
		}
	sw_strmap_release(&ids);
}

int waves_build(struct waves_plan **out, const struct tasks_doc *doc, struct sw_error *err)
{
	struct waves_plan *p = sw_xcalloc(1, sizeof(*p));
	size_t n = doc->ntasks, nn = 2 * n, i, j, *last_req = NULL, top_last = TASKS_NONE, *prev = NULL;
	size_t *stamp = NULL, *indeg = NULL, *queue = NULL, qh = 0, qt = 0, *rfirst = NULL, *rv = NULL, *fill = NULL;
	long *val = NULL, *direct = NULL;
	struct kids kids = { NULL, NULL };

	SW_UNUSED(err);
	p->ntasks = n;
	p->deps = sw_xcalloc(n + 1, sizeof(*p->deps));
	p->wave = sw_xcalloc(n + 1, sizeof(*p->wave));
	p->file_wave = sw_xcalloc(n + 1, sizeof(*p->file_wave));
	for (i = 0; i < n; i++) {
		p->wave[i] = -1;
		p->file_wave[i] = -1;
	}
	kids_build(&kids, doc);
	/* The closest previous required sibling of each task (a parent comes before its children). */
	last_req = sw_xcalloc(n + 1, sizeof(*last_req));
	prev = sw_xcalloc(n + 1, sizeof(*prev));
	for (i = 0; i < n; i++)
		last_req[i] = TASKS_NONE;
	for (i = 0; i < n; i++) {
		size_t par = doc->tasks[i].parent, *slot = par == TASKS_NONE ? &top_last : &last_req[par];

		prev[i] = *slot;
		if (!doc->tasks[i].optional)
			*slot = i;
	}
	stamp = sw_xcalloc(nn + 1, sizeof(*stamp));
	for (i = 0; i < n; i++) {
		size_t at;

		if (doc->tasks[i].nchildren)
			continue;
		/* Rule 1/2: climb until some level has a previous required sibling. */
		for (at = i; at != TASKS_NONE; at = doc->tasks[at].parent)
			if (prev[at] != TASKS_NONE) {
				push_once(&p->deps[i], node_of(doc, prev[at], 0), stamp, i);
				break;
			}
		/* Rule 3: explicit dependencies of the task and of its ancestors. */
		for (at = i; at != TASKS_NONE; at = doc->tasks[at].parent)
			for (j = 0; j < doc->tasks[at].deps.nr; j++) {
				size_t d = tasks_find(doc, doc->tasks[at].deps.v[j]);

				if (d != TASKS_NONE && d != i && !is_ancestor(doc, d, i))
					push_once(&p->deps[i], node_of(doc, d, 1), stamp, i);
			}
	}
	/* Kahn over every node: reverse edges (who waits for me) in compressed form. */
	indeg = sw_xcalloc(nn + 1, sizeof(*indeg));
	rfirst = sw_xcalloc(nn + 2, sizeof(*rfirst));
	for (i = 0; i < nn; i++)
		FOR_EACH_DEP(doc, p, &kids, i, d, { rfirst[d + 1]++; indeg[i]++; });
	for (i = 0; i < nn; i++)
		rfirst[i + 1] += rfirst[i];
	rv = sw_xcalloc(rfirst[nn] + 1, sizeof(*rv));
	fill = sw_xcalloc(nn + 1, sizeof(*fill));
	for (i = 0; i < nn; i++)
		FOR_EACH_DEP(doc, p, &kids, i, d, { rv[rfirst[d] + fill[d]++] = i; });
	/* val: a leaf's wave; a group node's latest leaf wave (-1 when it has none). */
	val = sw_xcalloc(nn + 1, sizeof(*val));
	queue = sw_xcalloc(nn + 1, sizeof(*queue));
	for (i = 0; i < nn; i++) {
		val[i] = -1;
		if (!indeg[i])
			queue[qt++] = i;
	}
	while (qh < qt) {
		size_t u = queue[qh++];

		if (u < n && !doc->tasks[u].nchildren) {
			val[u]++; /* one past the latest wave it waits for */
			p->wave[u] = val[u];
			if ((size_t)val[u] + 1 > p->nwaves)
				p->nwaves = (size_t)val[u] + 1;
		}
		for (j = rfirst[u]; j < rfirst[u + 1]; j++) {
			size_t v = rv[j];

			if (val[v] < val[u])
				val[v] = val[u];
			if (--indeg[v] == 0)
				queue[qt++] = v;
		}
	}
	for (i = 0; i < n; i++)
		if (!doc->tasks[i].nchildren && indeg[i]) {
			p->wave[i] = -1;
			p->cycle = 1;
		}
	/* Where the file's graph puts each leaf: the first wave naming it or an ancestor. */
	direct = sw_xcalloc(n + 1, sizeof(*direct));
	for (i = 0; i < n; i++)
		direct[i] = -1;
	for (i = 0; i < doc->graph.nwaves; i++)
		for (j = 0; j < doc->graph.waves[i].tasks.nr; j++) {
			size_t t = tasks_find(doc, doc->graph.waves[i].tasks.v[j]);

			if (t != TASKS_NONE && direct[t] < 0)
				direct[t] = (long)i;
		}
	for (i = 0; i < n; i++) {
		size_t par = doc->tasks[i].parent;

		if (par != TASKS_NONE && direct[par] >= 0 && (direct[i] < 0 || direct[par] < direct[i]))
			direct[i] = direct[par];
		if (!doc->tasks[i].nchildren)
			p->file_wave[i] = direct[i];
	}
	file_wave_deps(p, doc);
	free(direct);
	free(val);
	free(queue);
	free(fill);
	free(rv);
	free(rfirst);
	free(indeg);
	free(stamp);
	free(prev);
	free(last_req);
	kids_release(&kids);
	*out = p;
	return 0;
}

/*
 * Per node, 1 while it is not done: a leaf not marked done, a group node
 * with such a leaf under it.  Children come after their parent, so one
 * backward pass settles every group.
 */
static unsigned char *open_nodes(const struct tasks_doc *doc)
{
	size_t n = doc->ntasks, i;
	unsigned char *open = sw_xcalloc(2 * n + 1, 1);

	for (i = n; i-- > 0;) {
		const struct tasks_task *t = &doc->tasks[i];

		if (!t->nchildren)
			open[i] = open[n + i] = t->state != TASKS_DONE;
		if (t->parent == TASKS_NONE)
			continue;
		open[n + t->parent] |= open[n + i];
		if (!t->optional)
			open[t->parent] |= open[i];
	}
	return open;
}

void waves_ready(struct waves_deps *out, const struct tasks_doc *doc, const struct waves_plan *plan)
{
	size_t i, j, n = doc->ntasks, nfw = plan->nfile_waves;
	long first_open_wave = -1;
	unsigned char *open = open_nodes(doc), *wave_open = sw_xcalloc(nfw + 1, 1);

	memset(out, 0, sizeof(*out));
	/* The earliest file wave that still has a required leaf not done, and which waves have one. */
	for (i = 0; i < n; i++) {
		const struct tasks_task *t = &doc->tasks[i];

		if (t->nchildren || plan->file_wave[i] < 0 || t->state == TASKS_DONE || t->optional)
			continue;
		if ((size_t)plan->file_wave[i] < nfw)
			wave_open[plan->file_wave[i]] = 1;
		if (first_open_wave < 0 || plan->file_wave[i] < first_open_wave)
			first_open_wave = plan->file_wave[i];
	}
	for (i = 0; i < n; i++) {
		const struct tasks_task *t = &doc->tasks[i];
		int ok = 1;

		if (t->nchildren || t->state == TASKS_DONE || t->state == TASKS_DOING)
			continue;
		if (plan->file_wave[i] >= 0) {
			size_t fw = (size_t)plan->file_wave[i];

			ok = first_open_wave < 0 || plan->file_wave[i] <= first_open_wave;
			/* The waves its wave depends on are finished (an unknown one blocks nothing). */
			for (j = 0; ok && fw < nfw && j < plan->file_deps[fw].nr; j++) {
				size_t w = plan->file_deps[fw].v[j];

				if (w != TASKS_NONE && wave_open[w])
					ok = 0;
			}
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
				if (open[plan->deps[i].v[j]])
					ok = 0;
		}
		if (ok) {
			SW_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
			out->v[out->nr++] = i;
		}
	}
	free(wave_open);
	free(open);
}

/* The position of wave @w's @k-th "depends_on" entry. */
static void dep_pos(const struct tasks_graph *g, size_t w, size_t k, int *line, int *col)
{
	*line = g->waves[w].depends_pos ? g->waves[w].depends_pos[k].line : g->waves[w].line;
	*col = g->waves[w].depends_pos ? g->waves[w].depends_pos[k].col : g->waves[w].col;
}

/* The first dependency of wave @u that Kahn's walk left unresolved. */
static size_t first_open_dep(const struct waves_plan *plan, const size_t *left, size_t u)
{
	size_t k;

	for (k = 0; k < plan->file_deps[u].nr; k++) {
		size_t w = plan->file_deps[u].v[k];

		if (w != TASKS_NONE && w != u && left[w])
			return w;
	}
	return TASKS_NONE;
}

/*
 * Wave-level "depends_on": unknown waves, a wave naming itself, a wave
 * naming a later one (the waves run in order), and cycles, each reported
 * at the entry that makes it.  Cycles: Kahn peels off the waves that can
 * be ordered; from each wave left, following its unresolved dependencies
 * must come back to a wave of the same walk, and that entry closes a cycle.
 */
static void check_wave_deps(const struct tasks_doc *doc, const struct waves_plan *plan, const char *path,
			    struct sw_diags *diags)
{
	const struct tasks_graph *g = &doc->graph;
	size_t nw = plan->nfile_waves, i, j, qh = 0, qt = 0;
	size_t *left = NULL, *queue = NULL, *walk = NULL, *rfirst = NULL, *rv = NULL, *fill = NULL;
	int line, col;

	for (i = 0; i < nw; i++)
		for (j = 0; j < plan->file_deps[i].nr; j++) {
			size_t w = plan->file_deps[i].v[j];

			dep_pos(g, i, j, &line, &col);
			if (w == TASKS_NONE)
				sw_diag_add(diags, SW_SEV_ERROR, "waves-unknown-wave", path, line, col,
					    "wave %s depends on wave '%s', which the graph does not have", g->waves[i].id,
					    g->waves[i].depends_on.v[j]);
			else if (w == i)
				sw_diag_add(diags, SW_SEV_ERROR, "waves-self-dependency", path, line, col,
					    "wave %s depends on itself", g->waves[i].id);
			else if (w > i)
				sw_diag_add(diags, SW_SEV_ERROR, "waves-dependency-order", path, line, col,
					    "wave %s depends on wave %s, which comes after it (waves run in order)",
					    g->waves[i].id, g->waves[w].id);
		}
	/* Kahn over the edges between distinct known waves; left[i] counts unresolved dependencies. */
	left = sw_xcalloc(nw + 1, sizeof(*left));
	rfirst = sw_xcalloc(nw + 2, sizeof(*rfirst));
	for (i = 0; i < nw; i++)
		for (j = 0; j < plan->file_deps[i].nr; j++) {
			size_t w = plan->file_deps[i].v[j];

			if (w != TASKS_NONE && w != i) {
				left[i]++;
				rfirst[w + 1]++;
			}
		}
	for (i = 0; i < nw; i++)
		rfirst[i + 1] += rfirst[i];
	rv = sw_xcalloc(rfirst[nw] + 1, sizeof(*rv));
	fill = sw_xcalloc(nw + 1, sizeof(*fill));
	for (i = 0; i < nw; i++)
		for (j = 0; j < plan->file_deps[i].nr; j++) {
			size_t w = plan->file_deps[i].v[j];

			if (w != TASKS_NONE && w != i)
				rv[rfirst[w] + fill[w]++] = i;
		}
	queue = sw_xcalloc(nw + 1, sizeof(*queue));
	for (i = 0; i < nw; i++)
		if (!left[i])
			queue[qt++] = i;
	while (qh < qt) {
		size_t u = queue[qh++];

		for (j = rfirst[u]; j < rfirst[u + 1]; j++)
			if (--left[rv[j]] == 0)
				queue[qt++] = rv[j];
	}
	/* walk[i]: 0 unvisited, else the walk (start + 1) that visited it. */
	walk = sw_xcalloc(nw + 1, sizeof(*walk));
	for (i = 0; i < nw; i++) {
		size_t u = i, k = 0;

		if (!left[i] || walk[i])
			continue;
		for (;;) {
			walk[u] = i + 1;
			/* The first dependency that is still unresolved. */
			for (k = 0; k < plan->file_deps[u].nr; k++) {
				size_t w = plan->file_deps[u].v[k];

				if (w != TASKS_NONE && w != u && left[w])
					break;
			}
			u = plan->file_deps[u].v[k];
			if (walk[u])
				break;
			k = 0;
		}
		if (walk[u] == i + 1) {
			/* u closes the cycle: find the entry of its predecessor on the walk that names it. */
			size_t from = u, to;

			for (;;) {
				for (k = 0; k < plan->file_deps[from].nr; k++) {
					to = plan->file_deps[from].v[k];
					if (to != TASKS_NONE && to != from && left[to])
						break;
				}
				to = plan->file_deps[from].v[k];
				if (to == u)
					break;
				from = to;
			}
			dep_pos(g, from, k, &line, &col);
			{
				struct sw_buf path_text = SW_BUF_INIT;
				size_t x = u, steps = 0;

				/* from -> u -> ... -> from, shortened past 16 steps. */
				sw_buf_addf(&path_text, "%s", g->waves[from].id);
				for (;;) {
					sw_buf_addf(&path_text, " -> %s", g->waves[x].id);
					if (x == from)
						break;
					if (++steps == 16) {
						sw_buf_addf(&path_text, " -> … -> %s", g->waves[from].id);
						break;
					}
					x = first_open_dep(plan, left, x);
				}
				sw_diag_add(diags, SW_SEV_ERROR, "waves-cycle", path, line, col,
					    "wave %s depends on wave %s, which closes a cycle: %s", g->waves[from].id,
					    g->waves[u].id, path_text.ptr);
				sw_buf_release(&path_text);
			}
		}
	}
	free(walk);
	free(queue);
	free(fill);
	free(rv);
	free(rfirst);
	free(left);
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
	check_wave_deps(doc, plan, path, diags);
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
			const struct tasks_task *t = &doc->tasks[i];
			size_t d = tasks_find(doc, t->deps.v[j]);
			int line = t->deps_pos ? t->deps_pos[j].line : g->line, col = t->deps_pos ? t->deps_pos[j].col : 1;

			if (d == TASKS_NONE) {
				sw_diag_add(diags, SW_SEV_ERROR, "waves-unknown-task", path, line, col,
					    "task %s depends on '%s', which tasks.md does not have", t->id, t->deps.v[j]);
				continue;
			}
			if (plan->file_wave[d] >= plan->file_wave[i])
				sw_diag_add(diags, SW_SEV_ERROR, "waves-dependency-order", path, line, col,
					    "task %s (wave %ld) depends on %s, which is not in an earlier wave (wave %ld)",
					    t->id, plan->file_wave[i], doc->tasks[d].id, plan->file_wave[d]);
		}
out:
	sw_buf_release(&missing);
	waves_plan_free(plan);
}
