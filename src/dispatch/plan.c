// SPDX-License-Identifier: Apache-2.0
/*
 * plan.c - a task plan made ready to run (plan.h).
 *
 * The plan keeps one entry per leaf task.  Dependencies are edges between
 * entries that run; the two barriers (checkpoint segments and the file
 * graph's waves) are counters, not edges, so a plan of n tasks holds O(n)
 * edges whatever its shape.  The scheduler (plan_sched_*) is in sched.c.
 */
#include "dispatch/plan.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/strmap.h"
#include "specs-engine/waves.h"

/* ---- small helpers --------------------------------------------------------------------- */

static void idx_push(size_t **v, size_t *n, size_t *alloc, size_t x)
{
	SW_ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = x;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void uniq_sizes(size_t *v, size_t *n)
{
	size_t i, o = 0;

	if (!*n)
		return;
	SW_QSORT(v, *n, cmp_size);
	for (i = 0; i < *n; i++)
		if (!o || v[o - 1] != v[i])
			v[o++] = v[i];
	*n = o;
}

static void uniq_strs(struct sw_strvec *sv)
{
	size_t i, o = 0;

	if (!sv->nr)
		return;
	SW_QSORT(sv->v, sv->nr, cmp_str);
	for (i = 0; i < sv->nr; i++) {
		if (o && !strcmp(sv->v[o - 1], sv->v[i])) {
			free(sv->v[i]);
			continue;
		}
		sv->v[o++] = sv->v[i];
	}
	sv->nr = o;
	sv->v[o] = NULL;
}

size_t plan_default_parallel(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n < 4 ? (size_t)n : 4;
}

const char *plan_why_name(enum plan_why why)
{
	switch (why) {
	case PLAN_RUNS: return "runs";
	case PLAN_DONE: return "done";
	case PLAN_OPTIONAL: return "optional";
	case PLAN_NOT_ASKED: return "not-asked";
	}
	return "?";
}

const char *plan_task_id(const struct plan *p, size_t i)
{
	return p->doc->tasks[p->v[i].ti].id;
}

/* ---- detail lines: _Depends:, _Uses:, _Agent:, _Model: ------------------------------------ */

enum detail_kind { DETAIL_OTHER, DETAIL_DEPENDS, DETAIL_USES, DETAIL_AGENT, DETAIL_MODEL, DETAIL_TRACE };

/*
 * Recognises "_Key: value_" (also "*Key: value*", "**Key:** value", plain
 * "Key: value") and sets *@value (caller frees) to the value without its
 * emphasis.
 */
static enum detail_kind detail_parse(const char *line, char **value)
{
	static const struct {
		const char *key;
		enum detail_kind kind;
	} keys[] = {
		{ "depends on", DETAIL_DEPENDS }, { "depends", DETAIL_DEPENDS }, { "uses", DETAIL_USES },
		{ "agent", DETAIL_AGENT }, { "model", DETAIL_MODEL }, { "requirements", DETAIL_TRACE },
		{ "requirement", DETAIL_TRACE }, { "validates", DETAIL_TRACE }, { "property", DETAIL_TRACE },
	};
	const char *s = line, *e;
	size_t i, n;

	*value = NULL;
	while (*s == '_' || *s == '*')
		s++;
	for (i = 0; i < SW_ARRAY_SIZE(keys); i++) {
		n = strlen(keys[i].key);
		if (strncasecmp(s, keys[i].key, n))
			continue;
		if (keys[i].kind == DETAIL_TRACE)
			return DETAIL_TRACE;
		s += n;
		while (*s == '*' || *s == '_')
			s++;
		if (*s != ':')
			return DETAIL_OTHER;
		s++;
		while (*s == '*' || *s == '_' || *s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == '_' || e[-1] == '*' || e[-1] == ' ' || e[-1] == '\t' || e[-1] == '.'))
			e--;
		*value = sw_xstrndup(s, (size_t)(e - s));
		return keys[i].kind;
	}
	return DETAIL_OTHER;
}

/* Splits @value at commas and blanks into @out, lowercased when @lower. */
static void split_list(struct sw_strvec *out, const char *value, int lower)
{
	const char *s = value;

	while (*s) {
		const char *b;
		char *w;
		size_t i;

		while (*s == ',' || *s == ' ' || *s == '\t' || *s == ';')
			s++;
		b = s;
		while (*s && *s != ',' && *s != ' ' && *s != '\t' && *s != ';')
			s++;
		if (s == b)
			continue;
		w = sw_xstrndup(b, (size_t)(s - b));
		for (i = 0; lower && w[i]; i++)
			w[i] = (char)tolower((unsigned char)w[i]);
		sw_strvec_push_take(out, w);
	}
}

/* ---- paths named in a task's text ---------------------------------------------------------- */

/* Dotted names that read like files but are products. */
static const char *const not_files[] = {
	"node.js", "vue.js", "next.js", "nuxt.js", "react.js", "express.js", "three.js", "d3.js",
	"chart.js", "nest.js", "ember.js", "backbone.js", "asp.net", "ado.net", "vb.net",
};

/*
 * A name without a folder ("store.load", "config.ts") is a file only with
 * one of these extensions; with a folder ("src/x.load") any will do.
 */
static const char *const file_exts[] = {
	"c", "h", "cc", "cpp", "cxx", "hh", "hpp", "m", "mm", "rs", "go", "py", "pyi", "rb", "php", "java",
	"kt", "kts", "scala", "swift", "cs", "fs", "vb", "dart", "lua", "pl", "pm", "r", "jl", "ex", "exs",
	"erl", "hs", "ml", "clj", "js", "mjs", "cjs", "ts", "mts", "cts", "tsx", "jsx", "vue", "svelte",
	"astro", "html", "htm", "css", "scss", "sass", "less", "md", "mdx", "txt", "rst", "adoc", "json",
	"jsonc", "json5", "yaml", "yml", "toml", "ini", "cfg", "conf", "env", "xml", "plist", "csv", "tsv",
	"sql", "prisma", "graphql", "gql", "proto", "sh", "bash", "zsh", "fish", "ps1", "bat", "mk", "cmake",
	"gradle", "lock", "tf", "tfvars", "hcl", "dockerfile", "ipynb", "svg", "png", "jpg", "jpeg", "gif",
	"webp", "ico", "pdf", "wasm", "hook", "kiro", "log", "db", "sqlite",
};

static int path_char(int c)
{
	return isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == '@';
}

/* 1 if @w (length @n) reads as a file path. */
static int looks_like_path(const char *w, size_t n)
{
	size_t i, dot = 0, slash = 0, base;
	int has_dot = 0, has_slash = 0;

	if (n < 3 || n > 1024)
		return 0;
	for (i = 0; i < n; i++) {
		if (!path_char((unsigned char)w[i]))
			return 0;
		if (w[i] == '.') {
			dot = i;
			has_dot = 1;
		} else if (w[i] == '/') {
			slash = i + 1;
			has_slash = 1;
		}
	}
	if (!has_dot || dot + 1 >= n || dot < slash)
		return 0;
	/* extension: 1-8 characters, letter first, letters and digits only */
	if (n - dot - 1 > 8 || !isalpha((unsigned char)w[dot + 1]))
		return 0;
	for (i = dot + 1; i < n; i++)
		if (!isalnum((unsigned char)w[i]))
			return 0;
	base = has_slash ? slash : 0;
	if (dot == base)
		return 0; /* ".env", "src/.x": no name before the extension */
	if (!has_slash && dot - base < 2)
		return 0; /* "e.g", "i.e" */
	if (has_slash)
		return 1;
	for (i = 0; i < SW_ARRAY_SIZE(not_files); i++)
		if (strlen(not_files[i]) == n && !strncasecmp(not_files[i], w, n))
			return 0;
	for (i = 0; i < SW_ARRAY_SIZE(file_exts); i++)
		if (strlen(file_exts[i]) == n - dot - 1 && !strncasecmp(file_exts[i], w + dot + 1, n - dot - 1))
			return 1;
	return 0;
}

static void scan_paths(struct sw_strvec *out, const char *text)
{
	const char *s = text;

	while (*s) {
		const char *b, *e;

		while (*s && !path_char((unsigned char)*s))
			s++;
		b = s;
		while (*s && path_char((unsigned char)*s))
			s++;
		e = s;
		/* "./x" is "x"; a sentence's full stop is not part of the name */
		while (e > b && (e[-1] == '.' || e[-1] == '-'))
			e--;
		if (e - b > 2 && b[0] == '.' && b[1] == '/')
			b += 2;
		if (e > b && looks_like_path(b, (size_t)(e - b)))
			sw_strvec_pushf(out, "file:%.*s", (int)(e - b), b);
	}
}

/* ---- building -------------------------------------------------------------------------------- */

struct build {
	struct plan *p;
	const struct tasks_doc *doc;
	const char *path;
	struct sw_diags *diags;
	size_t *of;                 /* doc index -> plan index, PLAN_NONE for parents */
	size_t **leaves;            /* doc index -> its leaves (doc indices), for parents */
	size_t *nleaves, *aleaves;
	struct sw_strmap ids;       /* id -> doc index + 1 */
	size_t av;                  /* p->v allocated */
	size_t *missing_before;     /* per file wave: a required leaf of an earlier wave that is
				       neither done nor run (doc index), TASKS_NONE if none */
	size_t nfw;
	int errors;
};

static size_t find_id(const struct build *b, const char *id)
{
	char buf[REQ_ID_MAX];
	size_t n = strlen(id);
	void *v;

	if (n && n < sizeof(buf) && id[n - 1] == '.') {
		memcpy(buf, id, n - 1);
		buf[n - 1] = '\0';
		id = buf;
	}
	v = sw_strmap_get(&b->ids, id);
	return v ? (size_t)(uintptr_t)v - 1 : TASKS_NONE;
}

static int nearest_error(const struct build *b, const char *id, struct sw_error *err)
{
	size_t i, best = TASKS_NONE, bestd = (size_t)-1;

	for (i = 0; i < b->doc->ntasks; i++) {
		size_t d = sw_edit_distance(id, b->doc->tasks[i].id);

		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	if (best == TASKS_NONE)
		return sw_error_set(err, SW_ENOTFOUND, "no task '%s': the plan has no tasks", id);
	return sw_error_set(err, SW_ENOTFOUND, "no task '%s' (nearest: '%s')", id, b->doc->tasks[best].id);
}

/* Leaves of doc task @t: itself (kept in *@self) when it is a leaf. */
static void leaves_of(const struct build *b, size_t t, const size_t **v, size_t *n, size_t *self)
{
	if (!b->doc->tasks[t].nchildren) {
		*self = t;
		*v = self;
		*n = 1;
		return;
	}
	*v = b->leaves[t];
	*n = b->nleaves[t];
}

static void index_tasks(struct build *b)
{
	const struct tasks_doc *doc = b->doc;
	size_t n = doc->ntasks, i, at;

	b->of = sw_xcalloc(n + 1, sizeof(*b->of));
	b->leaves = sw_xcalloc(n + 1, sizeof(*b->leaves));
	b->nleaves = sw_xcalloc(n + 1, sizeof(*b->nleaves));
	b->aleaves = sw_xcalloc(n + 1, sizeof(*b->aleaves));
	for (i = 0; i < n; i++) {
		b->of[i] = PLAN_NONE;
		if (!sw_strmap_get(&b->ids, doc->tasks[i].id))
			sw_strmap_put(&b->ids, doc->tasks[i].id, (void *)(uintptr_t)(i + 1));
		if (doc->tasks[i].nchildren)
			continue;
		b->of[i] = b->p->n;
		SW_ALLOC_GROW(b->p->v, b->p->n + 1, b->av);
		memset(&b->p->v[b->p->n], 0, sizeof(b->p->v[0]));
		b->p->v[b->p->n].ti = i;
		b->p->v[b->p->n].wave = -1;
		b->p->v[b->p->n].file_wave = -1;
		b->p->v[b->p->n].resources = (struct sw_strvec)SW_STRVEC_INIT;
		b->p->n++;
		for (at = doc->tasks[i].parent; at != TASKS_NONE; at = doc->tasks[at].parent)
			idx_push(&b->leaves[at], &b->nleaves[at], &b->aleaves[at], i);
	}
}

/* Marks why each entry runs or not. */
static int select_tasks(struct build *b, const struct plan_opts *o, struct sw_error *err)
{
	const struct tasks_doc *doc = b->doc;
	unsigned char *asked = NULL;
	size_t i, j;
	int rc = 0;

	if (o->tasks) {
		asked = sw_xcalloc(doc->ntasks + 1, 1);
		for (i = 0; i < o->ntasks; i++) {
			size_t t = find_id(b, o->tasks[i]), n, self;
			const size_t *lv;

			if (t == TASKS_NONE) {
				rc = nearest_error(b, o->tasks[i], err);
				goto done;
			}
			leaves_of(b, t, &lv, &n, &self);
			for (j = 0; j < n; j++)
				asked[lv[j]] = 1 + (lv[j] == t); /* 2: named itself */
		}
	}
	for (i = 0; i < b->p->n; i++) {
		struct plan_task *pt = &b->p->v[i];
		const struct tasks_task *t = &doc->tasks[pt->ti];

		if (asked && !asked[pt->ti])
			pt->why = PLAN_NOT_ASKED;
		else if (t->state == TASKS_DONE)
			pt->why = PLAN_DONE;
		else if (t->optional && !o->include_optional && !(asked && asked[pt->ti] == 2))
			pt->why = PLAN_OPTIONAL;
		else
			pt->why = PLAN_RUNS;
		pt->checkpoint = t->checkpoint;
		if (pt->why == PLAN_RUNS)
			b->p->nrun++;
	}
done:
	free(asked);
	return rc;
}

static void add_dep(struct build *b, size_t pi, size_t d, const char *how)
{
	struct plan_task *pt = &b->p->v[pi];
	size_t dp = b->of[d];
	const struct tasks_task *t = &b->doc->tasks[pt->ti];

	if (dp == PLAN_NONE || dp == pi)
		return;
	if (b->p->v[dp].why == PLAN_RUNS) {
		idx_push(&pt->deps, &pt->ndeps, &pt->adeps, dp);
		return;
	}
	if (b->doc->tasks[d].state == TASKS_DONE || b->p->v[dp].why == PLAN_OPTIONAL)
		return;
	sw_diag_add(b->diags, SW_SEV_WARNING, "plan-dependency-not-run", b->path, t->line, t->col,
		    "task %s %s task %s, which is not done and does not run in this plan; %s runs without it",
		    t->id, how, b->doc->tasks[d].id, t->id);
}

static void add_dep_id(struct build *b, size_t pi, size_t at, const char *id, const char *how)
{
	size_t d = find_id(b, id), n, k, self;
	const size_t *lv;
	const struct tasks_task *t = &b->doc->tasks[at];

	if (d == TASKS_NONE) {
		sw_diag_add(b->diags, SW_SEV_ERROR, "plan-unknown-dependency", b->path, t->line, t->col,
			    "task %s depends on '%s', which is not a task of this plan", t->id, id);
		b->errors++;
		return;
	}
	leaves_of(b, d, &lv, &n, &self);
	for (k = 0; k < n; k++)
		add_dep(b, pi, lv[k], how);
}

/* What one task's detail lines and text say: _Depends, _Uses, _Agent, _Model, paths. */
static void read_details(struct build *b, size_t pi)
{
	struct plan_task *pt = &b->p->v[pi];
	size_t at, j;

	scan_paths(&pt->resources, b->doc->tasks[pt->ti].title);
	/* The task's own lines, then its ancestors' (a group's _Uses holds for its steps). */
	for (at = pt->ti; at != TASKS_NONE; at = b->doc->tasks[at].parent) {
		const struct tasks_task *t = &b->doc->tasks[at];

		for (j = 0; j < t->details.nr; j++) {
			char *value = NULL;
			struct sw_strvec items = SW_STRVEC_INIT;
			size_t k;

			switch (detail_parse(t->details.v[j], &value)) {
			case DETAIL_DEPENDS:
				split_list(&items, value, 0);
				for (k = 0; k < items.nr; k++)
					add_dep_id(b, pi, at, items.v[k], "depends on");
				break;
			case DETAIL_USES:
				split_list(&items, value, 1);
				for (k = 0; k < items.nr; k++)
					sw_strvec_pushf(&pt->resources, "uses:%s", items.v[k]);
				break;
			case DETAIL_AGENT:
				if (!pt->agent && *value)
					pt->agent = sw_xstrdup(value);
				break;
			case DETAIL_MODEL:
				if (!pt->model && *value)
					pt->model = sw_xstrdup(value);
				break;
			case DETAIL_TRACE:
				break;
			case DETAIL_OTHER:
				if (at == pt->ti)
					scan_paths(&pt->resources, t->details.v[j]);
				break;
			}
			sw_strvec_clear(&items);
			free(value);
		}
	}
	uniq_strs(&pt->resources);
}

/* Edges from the specs engine: computed dependencies, or the file graph's wave and depends_on. */
static void engine_deps(struct build *b, const struct waves_plan *wp, size_t pi)
{
	struct plan_task *pt = &b->p->v[pi];
	const struct tasks_doc *doc = b->doc;
	int graph = doc->graph.format == TASKS_GRAPH_OBJECTS || doc->graph.format == TASKS_GRAPH_COMPACT;
	size_t j, at;

	if (graph && wp->file_wave[pt->ti] >= 0) {
		pt->file_wave = wp->file_wave[pt->ti];
		if (b->missing_before[pt->file_wave] != TASKS_NONE) {
			const struct tasks_task *t = &doc->tasks[pt->ti];

			sw_diag_add(b->diags, SW_SEV_WARNING, "plan-dependency-not-run", b->path, t->line, t->col,
				    "task %s comes after task %s (an earlier wave of the graph), which is not done "
				    "and does not run in this plan; %s runs without it",
				    t->id, doc->tasks[b->missing_before[pt->file_wave]].id, t->id);
		}
		for (at = pt->ti; at != TASKS_NONE; at = doc->tasks[at].parent)
			for (j = 0; j < doc->tasks[at].deps.nr; j++)
				add_dep_id(b, pi, at, doc->tasks[at].deps.v[j], "depends on");
		return;
	}
	/*
	 * The engine's nodes: a leaf; a parent, standing for its required leaves;
	 * ntasks + p, standing for every leaf of p.
	 */
	for (j = 0; j < wp->deps[pt->ti].nr; j++) {
		size_t v = wp->deps[pt->ti].v[j], p = v >= doc->ntasks ? v - doc->ntasks : v, n, k, self;
		const size_t *lv;

		if (p >= doc->ntasks)
			continue;
		leaves_of(b, p, &lv, &n, &self);
		for (k = 0; k < n; k++)
			if (v >= doc->ntasks || lv[k] == p || !doc->tasks[lv[k]].optional)
				add_dep(b, pi, lv[k], "comes after");
	}
}

/* b->missing_before, from the file graph's waves. */
static void find_missing_waves(struct build *b, const struct waves_plan *wp)
{
	size_t i, w, first = TASKS_NONE, *in_wave;

	for (i = 0; i < b->doc->ntasks; i++)
		if (wp->file_wave[i] >= 0 && (size_t)wp->file_wave[i] + 1 > b->nfw)
			b->nfw = (size_t)wp->file_wave[i] + 1;
	in_wave = sw_xcalloc(b->nfw + 1, sizeof(*in_wave));
	b->missing_before = sw_xcalloc(b->nfw + 1, sizeof(*b->missing_before));
	for (w = 0; w <= b->nfw; w++)
		in_wave[w] = TASKS_NONE;
	for (i = 0; i < b->p->n; i++) {
		const struct plan_task *pt = &b->p->v[i];
		long fw = wp->file_wave[pt->ti];

		if (fw >= 0 && pt->why == PLAN_NOT_ASKED && !b->doc->tasks[pt->ti].optional &&
		    in_wave[fw] == TASKS_NONE)
			in_wave[fw] = pt->ti;
	}
	for (w = 0; w <= b->nfw; w++) {
		b->missing_before[w] = first;
		if (in_wave[w] != TASKS_NONE && (first == TASKS_NONE || in_wave[w] < first))
			first = in_wave[w];
	}
	free(in_wave);
}

static void set_segments(struct plan *p)
{
	size_t i, seg = 0;

	for (i = 0; i < p->n; i++) {
		p->v[i].segment = seg;
		if (p->v[i].why == PLAN_RUNS && p->v[i].checkpoint)
			seg++;
	}
}

/* Runs the plan with every task succeeding; records waves and conflicts; 0, or -1 when stuck. */
static int simulate(struct plan *p, const char *path, struct sw_diags *diags)
{
	struct plan_sched *s = plan_sched_new(p);
	size_t *started = NULL, nstarted = 0, astarted = 0, i, wave_first;
	long wave = 0;
	int rc = 0;

	while (!plan_sched_over(s)) {
		size_t t;

		nstarted = 0;
		wave_first = p->nconflicts;
		for (;;) {
			const struct plan_conflict *c;
			size_t nc, k;

			if (plan_sched_running(s) >= p->parallel)
				break;
			t = plan_sched_next(s);
			c = plan_sched_conflicts(s, &nc);
			for (k = 0; k < nc; k++) {
				for (i = wave_first; i < p->nconflicts; i++)
					if (p->conflicts[i].later == c[k].later)
						break; /* already told for this wave */
				if (i < p->nconflicts)
					continue;
				SW_ALLOC_GROW(p->conflicts, p->nconflicts + 1, p->aconflicts);
				p->conflicts[p->nconflicts] = c[k];
				p->conflicts[p->nconflicts].resource = sw_xstrdup(c[k].resource);
				p->conflicts[p->nconflicts].wave = wave;
				p->nconflicts++;
			}
			if (t == PLAN_NONE)
				break;
			plan_sched_start(s, t);
			p->v[t].wave = wave;
			idx_push(&started, &nstarted, &astarted, t);
		}
		if (!nstarted) {
			struct sw_buf ids = SW_BUF_INIT;
			size_t first = PLAN_NONE, k = 0;

			for (i = 0; i < p->n; i++)
				if (p->v[i].why == PLAN_RUNS && plan_sched_state(s, i) == PLAN_WAITING) {
					if (first == PLAN_NONE)
						first = i;
					if (k++ < 8)
						sw_buf_addf(&ids, "%s%s", k > 1 ? ", " : "", plan_task_id(p, i));
				}
			if (k > 8)
				sw_buf_addf(&ids, " and %zu more", k - 8);
			if (first != PLAN_NONE) {
				const struct tasks_task *t0 = &p->doc->tasks[p->v[first].ti];

				sw_diag_add(diags, SW_SEV_ERROR, "plan-cycle", path, t0->line, t0->col,
					    "%zu task%s can never start, each waiting on another: %s", k,
					    k == 1 ? "" : "s", ids.ptr);
			}
			sw_buf_release(&ids);
			for (i = 0; i < p->n; i++)
				if (p->v[i].why == PLAN_RUNS && plan_sched_state(s, i) == PLAN_WAITING)
					p->v[i].wave = -1;
			rc = -1;
			break;
		}
		for (i = 0; i < nstarted; i++)
			plan_sched_finish(s, started[i], 1);
		wave++;
	}
	p->nwaves = (size_t)wave;
	free(started);
	plan_sched_free(s);
	return rc;
}

int plan_build(struct plan **out, const struct tasks_doc *doc, const char *path, const struct plan_opts *opts,
	       struct sw_diags *diags, struct sw_error *err)
{
	struct build b;
	struct waves_plan *wp = NULL;
	struct plan_opts dflt = PLAN_OPTS_INIT;
	size_t i;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &dflt;
	memset(&b, 0, sizeof(b));
	b.p = sw_xcalloc(1, sizeof(*b.p));
	b.p->doc = doc;
	b.p->parallel = opts->parallel ? opts->parallel : plan_default_parallel();
	b.doc = doc;
	b.path = path;
	b.diags = diags;
	index_tasks(&b);
	rc = select_tasks(&b, opts, err);
	if (rc)
		goto done;
	waves_build(&wp, doc, NULL);
	find_missing_waves(&b, wp);
	for (i = 0; i < b.p->n; i++) {
		if (b.p->v[i].why != PLAN_RUNS)
			continue;
		engine_deps(&b, wp, i);
		read_details(&b, i);
		uniq_sizes(b.p->v[i].deps, &b.p->v[i].ndeps);
	}
	set_segments(b.p);
	if (simulate(b.p, path, diags) || b.errors)
		rc = sw_error_set(err, SW_EINVAL, "%s: the task plan cannot run as written", path);
done:
	waves_plan_free(wp);
	for (i = 0; i < doc->ntasks; i++)
		free(b.leaves[i]);
	free(b.leaves);
	free(b.nleaves);
	free(b.aleaves);
	free(b.of);
	free(b.missing_before);
	sw_strmap_release(&b.ids);
	if (rc && rc != SW_EINVAL) {
		plan_free(b.p);
		return rc;
	}
	*out = b.p;
	return rc;
}

void plan_free(struct plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].deps);
		sw_strvec_clear(&p->v[i].resources);
		free(p->v[i].agent);
		free(p->v[i].model);
	}
	for (i = 0; i < p->nconflicts; i++)
		free(p->conflicts[i].resource);
	free(p->conflicts);
	free(p->v);
	free(p);
}
