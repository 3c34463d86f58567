/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tasks.c - tasks.md into tasks, their trace bullets and the waves graph.
 *
 * One iterative pre-order walk over the blocks (md_walk_next).  A stack of
 * the task items that contain the current block (found by byte ranges, so
 * no parent chasing and no recursion) says which task a detail bullet or a
 * checklist entry belongs to and which task a nested sub-task sits under.
 * The id decides the hierarchy ("2.1" belongs to "2"); the nesting is only
 * checked against it.  Ids are looked up through a small hash table so that
 * a file with many tasks stays linear; the table stays with the document
 * for tasks_find().  Positions in the graph's JSON come from one scan of
 * the block (base/jsonpos.h), and a task entry's "depends_on" is handed to
 * its task once every task is known (the graph may come first).
 */
#include "base/compat.h"
#include "specs-engine/tasks.h"
#include "base/json.h"
#include "base/jsonpos.h"
#include "base/strmap.h"

#include <ctype.h>

#define TASKS_MAX_NEST 64 /* task items nested deeper are read as plain tasks */

/* ---- id index ---------------------------------------------------------------------- */

struct idx {
	size_t *slot; /* task index + 1, 0 = empty */
	size_t mask;
};

static size_t id_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void idx_build(struct idx *x, const struct tasks_doc *doc)
{
	size_t cap = 16, i;

	while (cap < doc->ntasks * 2 + 2)
		cap *= 2;
	x->slot = sw_xcalloc(cap, sizeof(*x->slot));
	x->mask = cap - 1;
	SW_UNUSED(i);
}

static size_t idx_get(const struct idx *x, const struct tasks_doc *doc, const char *id)
{
	size_t h = id_hash(id) & x->mask;

	while (x->slot[h]) {
		if (!strcmp(doc->tasks[x->slot[h] - 1].id, id))
			return x->slot[h] - 1;
		h = (h + 1) & x->mask;
	}
	return TASKS_NONE;
}

/* Adds task @i unless its id is taken; returns the holder of the id. */
static size_t idx_put(struct idx *x, const struct tasks_doc *doc, size_t i)
{
	size_t h = id_hash(doc->tasks[i].id) & x->mask;

	while (x->slot[h]) {
		if (!strcmp(doc->tasks[x->slot[h] - 1].id, doc->tasks[i].id))
			return x->slot[h] - 1;
		h = (h + 1) & x->mask;
	}
	x->slot[h] = i + 1;
	return i;
}

/* ---- names ------------------------------------------------------------------------- */

const char *tasks_state_name(enum tasks_state st)
{
	switch (st) {
	case TASKS_QUEUED: return "queued";
	case TASKS_DOING: return "doing";
	case TASKS_DONE: return "done";
	default: return "todo";
	}
}

int tasks_state_from_name(const char *name)
{
	if (!strcmp(name, "todo") || !strcmp(name, "open") || !strcmp(name, "not_started"))
		return TASKS_TODO;
	if (!strcmp(name, "queued"))
		return TASKS_QUEUED;
	if (!strcmp(name, "doing") || !strcmp(name, "in_progress") || !strcmp(name, "in-progress"))
		return TASKS_DOING;
	if (!strcmp(name, "done") || !strcmp(name, "completed"))
		return TASKS_DONE;
	return -1;
}

char tasks_state_char(enum tasks_state st)
{
	switch (st) {
	case TASKS_QUEUED: return '~';
	case TASKS_DOING: return '-';
	case TASKS_DONE: return 'x';
	default: return ' ';
	}
}

static int state_of_mark(char c, enum tasks_state *st)
{
	switch (c) {
	case ' ': *st = TASKS_TODO; return 1;
	case 'x': case 'X': *st = TASKS_DONE; return 1;
	case '-': *st = TASKS_DOING; return 1;
	case '~': *st = TASKS_QUEUED; return 1;
	default: return 0;
	}
}

/* ---- the model --------------------------------------------------------------------- */

void tasks_doc_free(struct tasks_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->ntasks; i++) {
		struct tasks_task *t = &doc->tasks[i];

		free(t->title);
		sw_strvec_clear(&t->details);
		sw_strvec_clear(&t->deps);
		req_refs_release(&t->reqs);
		req_refs_release(&t->validates);
		free(t->props);
		free(t->deps_pos);
	}
	for (i = 0; i < doc->graph.nwaves; i++) {
		free(doc->graph.waves[i].id);
		free(doc->graph.waves[i].name);
		sw_strvec_clear(&doc->graph.waves[i].tasks);
		sw_strvec_clear(&doc->graph.waves[i].depends_on);
		free(doc->graph.waves[i].tasks_pos);
		free(doc->graph.waves[i].depends_pos);
	}
	free(doc->graph.waves);
	free(doc->graph.json);
	free(doc->tasks);
	free(doc->title);
	free(doc->id_slot);
	free(doc);
}

size_t tasks_find(const struct tasks_doc *doc, const char *id)
{
	char buf[REQ_ID_MAX];
	size_t n = strlen(id), i;

	if (n && n < sizeof(buf) && id[n - 1] == '.') {
		memcpy(buf, id, n - 1);
		buf[n - 1] = '\0';
		id = buf;
	}
	if (doc && doc->id_slot) {
		struct idx x = { doc->id_slot, doc->id_mask };

		return idx_get(&x, doc, id);
	}
	for (i = 0; doc && i < doc->ntasks; i++)
		if (!strcmp(doc->tasks[i].id, id))
			return i;
	return TASKS_NONE;
}

int tasks_is_leaf(const struct tasks_doc *doc, size_t i)
{
	return doc->tasks[i].nchildren == 0;
}

enum tasks_state tasks_parent_state(const struct tasks_doc *doc, size_t parent)
{
	size_t i, required = 0, required_done = 0, all = 0, all_done = 0;
	int active = 0, queued = 0;

	for (i = parent + 1; i < doc->ntasks; i++) {
		const struct tasks_task *c = &doc->tasks[i];

		if (c->parent != parent)
			continue;
		all++;
		if (c->state == TASKS_DONE)
			all_done++;
		if (!c->optional) {
			required++;
			if (c->state == TASKS_DONE)
				required_done++;
		}
		if (c->state == TASKS_DOING || c->state == TASKS_DONE)
			active = 1;
		if (c->state == TASKS_QUEUED)
			queued = 1;
	}
	if (!all)
		return doc->tasks[parent].state;
	if (required ? required_done == required : all_done == all)
		return TASKS_DONE;
	if (active)
		return TASKS_DOING;
	if (queued)
		return TASKS_QUEUED;
	return TASKS_TODO;
}

/* Sets @open[p] (ntasks bytes) to 1 for each task p with a required (non-'*') direct sub-task not done. */
static void required_open(const struct tasks_doc *doc, unsigned char *open)
{
	size_t i;

	for (i = 0; i < doc->ntasks; i++) {
		const struct tasks_task *t = &doc->tasks[i];

		if (t->parent != TASKS_NONE && !t->optional && t->state != TASKS_DONE)
			open[t->parent] = 1;
	}
}

/* ---- line classification ---------------------------------------------------------- */

enum line_kind { LINE_TEXT, LINE_REQS, LINE_VALIDATES, LINE_PROPERTY };

static size_t skip_markup(const char *t, size_t i, size_t e)
{
	while (i < e && (t[i] == ' ' || t[i] == '\t' || t[i] == '*' || t[i] == '_'))
		i++;
	return i;
}

/* After a label word: optional closing markup, then ':' (or '：'). Returns the offset past it or 0. */
static size_t after_label(const char *t, size_t i, size_t e)
{
	while (i < e && (t[i] == '*' || t[i] == '_' || t[i] == ' '))
		i++;
	if (i < e && t[i] == ':')
		return i + 1;
	if (i + 3 <= e && !strncmp(t + i, "：", 3))
		return i + 3;
	return 0;
}

static enum line_kind classify_line(const char *t, size_t s, size_t e, size_t *vs, size_t *ve, char *num)
{
	static const char *const req_words[] = { "Requirements", "Requirement", "Requisitos", "Requisito",
						 "Requerimientos", "需求", "要件", "要求事項", "요구사항" };
	size_t i = skip_markup(t, s, e), k, w;

	for (w = 0; w < SW_ARRAY_SIZE(req_words); w++) {
		size_t n = strlen(req_words[w]);

		if (e - i >= n && !strncmp(t + i, req_words[w], n) && (k = after_label(t, i + n, e)) != 0) {
			*vs = k;
			*ve = e;
			return LINE_REQS;
		}
	}
	if (e - i >= 9 && !strncmp(t + i, "Validates", 9)) {
		k = i + 9;
		while (k < e && (t[k] == '*' || t[k] == '_' || t[k] == ':' || t[k] == ' '))
			k++;
		*vs = k;
		*ve = e;
		return LINE_VALIDATES;
	}
	if (e - i > 9 && !strncmp(t + i, "Property ", 9) && isdigit((unsigned char)t[i + 9])) {
		req_scan_id(t + i + 9, e - i - 9, num, REQ_ID_MAX);
		*vs = i;
		*ve = e;
		return LINE_PROPERTY;
	}
	return LINE_TEXT;
}

static int is_none_word(const char *t, size_t s, size_t e)
{
	static const char *const words[] = { "无", "無", "none", "None", "N/A", "n/a", "-", "なし", "없음", "ninguno" };
	size_t w;

	s = skip_markup(t, s, e);
	while (e > s && (t[e - 1] == '_' || t[e - 1] == '*' || t[e - 1] == ' ' || t[e - 1] == '.'))
		e--;
	for (w = 0; w < SW_ARRAY_SIZE(words); w++)
		if (e - s == strlen(words[w]) && !strncmp(t + s, words[w], e - s))
			return 1;
	return 0;
}

struct pending_dep;

struct walk {
	struct tasks_doc *doc;
	const struct md_doc *md;
	const char *path;
	struct sw_diags *diags;
	const char *t;
	struct pending_dep *pending; /* graph "depends_on" of task entries, until the tasks are known */
	size_t npending, apending;
};

/*
 * Reference lists grow in steps of 16 entries; trimmed as soon as a line
 * is read, a large plan holds a few bytes per reference, not kilobytes
 * per task.
 */
static void refs_fit(struct req_refs *r)
{
	if (r->alloc > r->nr && r->nr) {
		r->v = sw_xrealloc(r->v, r->nr * sizeof(*r->v));
		r->alloc = r->nr;
	}
}

/* Applies a classified line to task @task; returns 1 if it was one. */
static int apply_line(struct walk *w, struct tasks_task *task, size_t ls, size_t le)
{
	size_t vs, ve;
	char num[REQ_ID_MAX] = "";
	enum line_kind k = classify_line(w->t, ls, le, &vs, &ve, num);
	size_t before;

	switch (k) {
	case LINE_REQS:
		if (is_none_word(w->t, vs, ve))
			return 1;
		before = task->reqs.nr;
		req_refs_parse(&task->reqs, w->md, vs, ve);
		refs_fit(&task->reqs);
		for (; before < task->reqs.nr; before++)
			if (task->reqs.v[before].kind == REQ_REF_TEXT && w->diags) {
				struct req_ref *r = &task->reqs.v[before];
				struct sw_diag *dg = sw_diag_add(w->diags, SW_SEV_WARNING, "tasks-ref-text", w->path, r->line,
								 r->col, "task %s: '%s' is not a requirement id",
								 task->id, r->text);

				sw_diag_set_hint(dg, "write ids such as '1.2', ranges '2.1–2.4', or 'all'");
			}
		return 1;
	case LINE_VALIDATES:
		req_refs_parse(&task->validates, w->md, vs, ve);
		refs_fit(&task->validates);
		return 1;
	case LINE_PROPERTY: {
		struct tasks_prop_ref *p;

		SW_ALLOC_GROW(task->props, task->nprops + 1, task->aprops);
		p = &task->props[task->nprops++];
		snprintf(p->id, sizeof(p->id), "%s", num);
		md_offset_pos(w->md, vs, &p->line, &p->col);
		/* "**Property 1: X** … **Validates: Requirements 1.1**" on one line. */
		{
			size_t i;

			for (i = vs; i + 9 < le; i++)
				if (!strncmp(w->t + i, "Validates", 9)) {
					size_t k2 = i + 9;

					while (k2 < le && (w->t[k2] == '*' || w->t[k2] == '_' || w->t[k2] == ':' || w->t[k2] == ' '))
						k2++;
					req_refs_parse(&task->validates, w->md, k2, le);
					break;
				}
		}
		return 1;
	}
	default:
		return 0;
	}
}

/* Walks the lines of [s, e) applying classified ones; others are appended to @text. */
static void apply_lines(struct walk *w, struct tasks_task *task, size_t s, size_t e, struct sw_buf *text)
{
	int line, last, col;

	md_offset_pos(w->md, s, &line, &col);
	md_offset_pos(w->md, e, &last, &col);
	for (; line <= last; line++) {
		size_t ls = md_line_start(w->md, line), le = md_line_end(w->md, line);

		if (ls < s)
			ls = s;
		if (le > e)
			le = e;
		if (ls >= le)
			continue;
		if (task && apply_line(w, task, ls, le))
			continue;
		if (text) {
			size_t a = ls, b = le;

			while (a < b && (w->t[a] == ' ' || w->t[a] == '\t'))
				a++;
			while (b > a && (w->t[b - 1] == ' ' || w->t[b - 1] == '\t'))
				b--;
			if (a < b) {
				if (text->len)
					sw_buf_addch(text, ' ');
				sw_buf_add(text, w->t + a, b - a);
			}
		}
	}
}

/*
 * "[c]" with optional '*' at @s: 1 and the mark, -1 for a malformed box
 * ("[]", "[?]", "[ x]"), 0 for no box at all.  *@after is past the box.
 */
static int checkbox_at(const char *t, size_t s, size_t e, char *mark, int *optional, size_t *after)
{
	size_t k;
	enum tasks_state st;

	if (s >= e || t[s] != '[')
		return 0;
	for (k = s + 1; k < e && k <= s + 4 && t[k] != ']' && t[k] != '\n'; k++)
		;
	if (k >= e || t[k] != ']')
		return 0;
	/* "[text](url)", "[ref][x]" and "[x]: def" are links, not boxes. */
	if (k + 1 < e && (t[k + 1] == '(' || t[k + 1] == '[' || t[k + 1] == ':'))
		return 0;
	if (k + 1 < e && t[k + 1] != ' ' && t[k + 1] != '*' && t[k + 1] != '\t' && t[k + 1] != '\n' && t[k + 1] != '\r')
		return 0;
	if (k == s + 2 && state_of_mark(t[s + 1], &st)) {
		*mark = t[s + 1];
		k++;
		*optional = 0;
		if (k < e && t[k] == '*') {
			*optional = 1;
			k++;
		}
		*after = k;
		return 1;
	}
	/* Anything short and bracketed at the start of a bullet is a box gone wrong. */
	for (; s + 1 < k; s++)
		if (isalpha((unsigned char)t[s + 1]) && k - s > 3)
			return 0;
	*after = k + 1;
	return -1;
}

static int is_checkpoint(const char *title)
{
	return !strncasecmp(title, "checkpoint", 10) || !strncasecmp(title, "final checkpoint", 16) ||
	       strstr(title, "检查点") || strstr(title, "チェックポイント") || strstr(title, "체크포인트") ||
	       !strncasecmp(title, "punto de control", 16);
}

struct open_item {
	size_t start, end;
	size_t task; /* TASKS_NONE for an item that is not a task */
};

static void new_task(struct walk *w, const struct md_node *item, size_t ps, size_t pe, char mark, int optional,
		     size_t after, size_t structural)
{
	struct tasks_doc *doc = w->doc;
	const char *t = w->t;
	struct tasks_task *task;
	struct sw_buf title = SW_BUF_INIT;
	char id[REQ_ID_MAX];
	size_t k, i = after, le;
	int line, col;

	while (i < pe && (t[i] == ' ' || t[i] == '\t'))
		i++;
	k = req_scan_id(t + i, pe - i, id, sizeof(id));
	if (!k || (i + k < pe && t[i + k] != ' ' && t[i + k] != '\t' && t[i + k] != '\n' && t[i + k] != '\r')) {
		/* A checklist entry, not a task. */
		if (structural != TASKS_NONE)
			doc->tasks[structural].checklist++;
		else
			doc->unnumbered++;
		return;
	}
	SW_ALLOC_GROW(doc->tasks, doc->ntasks + 1, doc->atasks);
	task = &doc->tasks[doc->ntasks++];
	memset(task, 0, sizeof(*task));
	snprintf(task->id, sizeof(task->id), "%s", id);
	task->mark = mark;
	state_of_mark(mark, &task->state);
	task->optional = optional;
	task->parent = structural; /* replaced by the id parent later */
	task->details = (struct sw_strvec)SW_STRVEC_INIT;
	task->deps = (struct sw_strvec)SW_STRVEC_INIT;
	md_node_pos(w->md, item, &task->line, &task->col, NULL, NULL);
	task->mark_off = ps + 1;
	md_offset_pos(w->md, ps + 1, &task->mark_line, &task->mark_col);
	for (le = 0; id[le]; le++)
		if (id[le] == '.')
			task->level++;
	/* Title: the rest of the first line, then continuation lines. */
	i += k;
	md_offset_pos(w->md, ps, &line, &col);
	le = md_line_end(w->md, line);
	if (le > pe)
		le = pe;
	while (i < le && (t[i] == ' ' || t[i] == '\t'))
		i++;
	sw_buf_add(&title, t + i, le > i ? le - i : 0);
	sw_buf_rtrim(&title);
	if (le < pe)
		apply_lines(w, task, le, pe, &title);
	task->title = sw_buf_detach(&title, NULL);
	task->checkpoint = is_checkpoint(task->title);
}

static void add_detail(struct walk *w, size_t task, size_t s, size_t e)
{
	struct sw_buf text = SW_BUF_INIT;

	apply_lines(w, &w->doc->tasks[task], s, e, &text);
	if (text.len)
		sw_strvec_push(&w->doc->tasks[task].details, text.ptr);
	sw_buf_release(&text);
}

/* ---- the dependency graph ---------------------------------------------------------- */

static char *json_scalar_text(const cJSON *v)
{
	char buf[64];

	if (cJSON_IsString(v))
		return sw_xstrdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		snprintf(buf, sizeof(buf), "%.15g", v->valuedouble);
		return sw_xstrdup(buf);
	}
	return NULL;
}

struct graph_ctx {
	struct walk *w;
	const char *lit;       /* the block's text */
	size_t lit_len;
	int line0;             /* file line of the block's first line */
	int col0;              /* columns to add (the fence's indentation) */
	struct sw_json_pos pos;/* where each value of the block starts */
};

/* The file position of value @v of the block (the block's start when unknown). */
static struct tasks_pos graph_pos(const struct graph_ctx *g, const cJSON *v)
{
	struct tasks_pos p = { 1, 1 };

	sw_json_pos_get(&g->pos, v, &p.line, &p.col);
	p.line += g->line0 - 1;
	p.col += g->col0;
	return p;
}

/*
 * Appends the scalars of @v (one, or an array's) to @out, and where each
 * is written to *@pos (grown along with @out).
 */
static void push_scalars(struct graph_ctx *g, struct sw_strvec *out, struct tasks_pos **pos, const cJSON *v)
{
	const cJSON *e;
	char *s;
	size_t alloc;

	if (!v)
		return;
	if ((s = json_scalar_text(v)) != NULL) {
		sw_strvec_push_take(out, s);
		*pos = sw_xrealloc(*pos, out->nr * sizeof(**pos));
		(*pos)[out->nr - 1] = graph_pos(g, v);
		return;
	}
	alloc = out->nr;
	cJSON_ArrayForEach(e, v)
		if ((s = json_scalar_text(e)) != NULL) {
			sw_strvec_push_take(out, s);
			SW_ALLOC_GROW(*pos, out->nr, alloc);
			(*pos)[out->nr - 1] = graph_pos(g, e);
		}
}

static void graph_diag(struct graph_ctx *g, enum sw_severity sev, const char *code, const cJSON *at,
		       const char *hint, const char *fmt, ...) SW_PRINTF(6, 7);

static void graph_diag(struct graph_ctx *g, enum sw_severity sev, const char *code, const cJSON *at,
		       const char *hint, const char *fmt, ...)
{
	struct sw_buf msg = SW_BUF_INIT;
	struct sw_diag *dg;
	struct tasks_pos p = graph_pos(g, at);
	va_list ap;

	if (!g->w->diags)
		return;
	va_start(ap, fmt);
	sw_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	dg = sw_diag_add(g->w->diags, sev, code, g->w->path, p.line, p.col, "%s", msg.ptr);
	if (hint)
		sw_diag_set_hint(dg, "%s", hint);
	sw_buf_release(&msg);
}

/*
 * A task entry's "depends_on" waits until the tasks are read (the graph
 * may come first): task id, dependency and where it is written.
 */
struct pending_dep {
	char *task;
	char *dep;
	struct tasks_pos pos;
};

static void graph_task_entry(struct graph_ctx *g, struct tasks_wave *wave, const cJSON *e, const char *jpath)
{
	struct walk *w = g->w;
	char *id = json_scalar_text(e);
	const cJSON *at = e;

	if (!id && cJSON_IsObject(e)) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "id");

		if (!v)
			v = cJSON_GetObjectItemCaseSensitive(e, "task");
		id = json_scalar_text(v);
		if (id) {
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "depends_on");
			struct sw_strvec deps = SW_STRVEC_INIT;
			struct tasks_pos *pos = NULL;
			size_t k;

			if (!d)
				d = cJSON_GetObjectItemCaseSensitive(e, "dependsOn");
			push_scalars(g, &deps, &pos, d);
			for (k = 0; k < deps.nr; k++) {
				struct pending_dep *p;

				SW_ALLOC_GROW(w->pending, w->npending + 1, w->apending);
				p = &w->pending[w->npending++];
				p->task = sw_xstrdup(id);
				p->dep = sw_xstrdup(deps.v[k]);
				p->pos = pos[k];
			}
			free(pos);
			sw_strvec_clear(&deps);
			at = v;
		}
	}
	if (!id) {
		graph_diag(g, SW_SEV_ERROR, "tasks-graph-shape", e, NULL,
			   "%s: expected a task id (string), found %s", jpath, sw_json_type_name(e));
		return;
	}
	sw_strvec_push_take(&wave->tasks, id);
	wave->tasks_pos = sw_xrealloc(wave->tasks_pos, wave->tasks.nr * sizeof(*wave->tasks_pos));
	wave->tasks_pos[wave->tasks.nr - 1] = graph_pos(g, at);
}

static void graph_wave(struct graph_ctx *g, const cJSON *e, size_t index, const char *jpath)
{
	struct tasks_graph *gr = &g->w->doc->graph;
	struct tasks_wave *wave;
	struct tasks_pos wp = graph_pos(g, e);
	const cJSON *tasks = NULL, *v;
	char buf[32];
	size_t i = 0;

	SW_ALLOC_GROW(gr->waves, gr->nwaves + 1, gr->awaves);
	wave = &gr->waves[gr->nwaves++];
	memset(wave, 0, sizeof(*wave));
	wave->tasks = (struct sw_strvec)SW_STRVEC_INIT;
	wave->depends_on = (struct sw_strvec)SW_STRVEC_INIT;
	wave->line = wp.line;
	wave->col = wp.col - g->col0;
	snprintf(buf, sizeof(buf), "%zu", index);
	if (cJSON_IsArray(e)) {
		if (gr->format == TASKS_GRAPH_NONE)
			gr->format = TASKS_GRAPH_COMPACT;
		tasks = e;
	} else if (cJSON_IsObject(e)) {
		gr->format = TASKS_GRAPH_OBJECTS;
		v = cJSON_GetObjectItemCaseSensitive(e, "id");
		if (!v)
			v = cJSON_GetObjectItemCaseSensitive(e, "wave");
		wave->id = json_scalar_text(v);
		v = cJSON_GetObjectItemCaseSensitive(e, "description");
		if (!v)
			v = cJSON_GetObjectItemCaseSensitive(e, "name");
		if (cJSON_IsString(v))
			wave->name = sw_xstrdup(v->valuestring);
		v = cJSON_GetObjectItemCaseSensitive(e, "depends_on");
		if (!v)
			v = cJSON_GetObjectItemCaseSensitive(e, "dependsOn");
		push_scalars(g, &wave->depends_on, &wave->depends_pos, v);
		tasks = cJSON_GetObjectItemCaseSensitive(e, "tasks");
		if (!cJSON_IsArray(tasks)) {
			char *p = sw_json_path_key(jpath, "tasks");

			graph_diag(g, SW_SEV_ERROR, "tasks-graph-shape", tasks ? tasks : e, NULL,
				   "%s: expected an array of task ids, found %s", p, tasks ? sw_json_type_name(tasks) : "nothing");
			free(p);
			tasks = NULL;
		}
	} else {
		graph_diag(g, SW_SEV_ERROR, "tasks-graph-shape", e, NULL,
			   "%s: expected a wave (object or array of task ids), found %s", jpath, sw_json_type_name(e));
	}
	if (!wave->id)
		wave->id = sw_xstrdup(buf);
	if (tasks) {
		const cJSON *te;
		char *base = cJSON_IsArray(e) ? sw_xstrdup(jpath) : sw_json_path_key(jpath, "tasks");

		cJSON_ArrayForEach(te, tasks) {
			char *p = sw_json_path_index(base, i++);

			graph_task_entry(g, wave, te, p);
			free(p);
		}
		free(base);
	}
}

static void parse_graph(struct walk *w, const struct md_node *code)
{
	struct tasks_graph *gr = &w->doc->graph;
	const char *lit = md_code_literal(code), *info = md_code_info(code);
	struct sw_error err = SW_ERROR_INIT;
	struct graph_ctx g = { w, lit, strlen(lit), 0, 0, SW_JSON_POS_INIT };
	cJSON *root = NULL;
	const cJSON *waves, *e;
	size_t s, e_off, i = 0, k;
	int line, col;

	md_node_range(w->md, code, &s, &e_off);
	md_node_pos(w->md, code, &line, &col, NULL, NULL);
	g.line0 = (w->t[s] == '`' || w->t[s] == '~') ? line + 1 : line;
	g.col0 = col - 1;
	gr->line = g.line0;
	gr->col0 = g.col0;
	gr->json = sw_xstrdup(lit);
	for (k = 0; lit[k] == ' ' || lit[k] == '\n' || lit[k] == '\t' || lit[k] == '\r'; k++)
		;
	if (strncmp(info, "json", 4) && lit[k] != '{' && lit[k] != '[') {
		gr->format = TASKS_GRAPH_TEXT;
		return;
	}
	if (sw_json_parse(&root, lit, g.lit_len, &err) < 0) {
		gr->format = TASKS_GRAPH_INVALID;
		if (w->diags) {
			struct sw_diag *dg = sw_diag_add(w->diags, SW_SEV_ERROR, "tasks-graph-json", w->path,
							 g.line0 + (err.line ? err.line : 1) - 1, (err.col ? err.col : 1) + g.col0,
							 "task dependency graph: %s", err.msg);

			sw_diag_set_hint(dg, "expected {\"waves\": [{\"id\": 0, \"tasks\": [\"1.1\"]}, ...]}");
		}
		return;
	}
	sw_json_pos_build(&g.pos, root, lit, g.lit_len);
	gr->bare = cJSON_IsArray(root);
	waves = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "waves");
	if (!cJSON_IsArray(waves)) {
		gr->format = TASKS_GRAPH_INVALID;
		graph_diag(&g, SW_SEV_ERROR, "tasks-graph-shape", waves ? waves : root,
			   "expected {\"waves\": [{\"id\": 0, \"tasks\": [\"1.1\"]}, ...]}",
			   "task dependency graph: %s", waves ? "$.waves: expected an array" : "expected a \"waves\" array");
		goto out;
	}
	cJSON_ArrayForEach(e, waves) {
		char *p = sw_json_path_index(cJSON_IsArray(root) ? "$" : "$.waves", i);

		graph_wave(&g, e, i, p);
		free(p);
		i++;
	}
	if (gr->format == TASKS_GRAPH_NONE)
		gr->format = TASKS_GRAPH_OBJECTS;
out:
	sw_json_pos_release(&g.pos);
	cJSON_Delete(root);
}

/* Index of task @id through @x (a final '.' is ignored), or TASKS_NONE. */
static size_t idx_find(const struct idx *x, const struct tasks_doc *doc, const char *id)
{
	char buf[REQ_ID_MAX];
	size_t n = strlen(id);

	if (n && n < sizeof(buf) && id[n - 1] == '.') {
		memcpy(buf, id, n - 1);
		buf[n - 1] = '\0';
		id = buf;
	}
	return idx_get(x, doc, id);
}

/* Hands the task entries' "depends_on" to their tasks; needs the tasks indexed. */
static void apply_pending(struct walk *w, const struct idx *x)
{
	struct tasks_doc *doc = w->doc;
	size_t k;

	for (k = 0; k < w->npending; k++) {
		struct pending_dep *p = &w->pending[k];
		size_t ti = idx_find(x, doc, p->task);

		if (ti != TASKS_NONE) {
			struct tasks_task *t = &doc->tasks[ti];

			sw_strvec_push(&t->deps, p->dep);
			t->deps_pos = sw_xrealloc(t->deps_pos, t->deps.nr * sizeof(*t->deps_pos));
			t->deps_pos[t->deps.nr - 1] = p->pos;
		}
		free(p->task);
		free(p->dep);
	}
	free(w->pending);
	w->pending = NULL;
	w->npending = w->apending = 0;
}

/* Unknown and repeated task ids in the graph; needs the tasks parsed. */
static void check_graph(struct walk *w, const struct idx *x)
{
	struct tasks_doc *doc = w->doc;
	struct tasks_graph *gr = &doc->graph;
	unsigned char *seen;
	size_t i, j;

	if (!w->diags || !gr->nwaves)
		return;
	seen = sw_xcalloc(doc->ntasks + 1, 1);
	for (i = 0; i < gr->nwaves; i++) {
		for (j = 0; j < gr->waves[i].tasks.nr; j++) {
			const char *id = gr->waves[i].tasks.v[j];
			size_t ti = idx_get(x, doc, id);
			int line = gr->waves[i].tasks_pos[j].line, col = gr->waves[i].tasks_pos[j].col;

			if (ti != TASKS_NONE && !seen[ti]) {
				seen[ti] = 1;
				continue;
			}
			if (ti == TASKS_NONE)
				sw_diag_add(w->diags, SW_SEV_ERROR, "waves-unknown-task", w->path, line, col,
					    "wave %s names task '%s', which tasks.md does not have", gr->waves[i].id, id);
			else
				sw_diag_add(w->diags, SW_SEV_ERROR, "waves-duplicate-task", w->path, line, col,
					    "task %s appears in more than one place in the graph (again in wave %s)", id,
					    gr->waves[i].id);
		}
	}
	free(seen);
}

/* ---- parse ------------------------------------------------------------------------- */

/* Headings that number a group of flat sub-tasks: "1. Title", "Task 1: Title", "Phase 1 - …". */
static void heading_group(struct sw_strvec *groups, const char *t)
{
	static const char *const words[] = { "Task ", "Tasks ", "Phase ", "Fase ", "Tarea ", "Etapa ", "Stage ", "Step " };
	char id[REQ_ID_MAX];
	size_t i, k;

	while (*t == ' ')
		t++;
	for (i = 0; i < SW_ARRAY_SIZE(words); i++)
		if (!strncasecmp(t, words[i], strlen(words[i]))) {
			t += strlen(words[i]);
			break;
		}
	k = req_scan_id(t, strlen(t), id, sizeof(id));
	if (k && !strchr(id, '.') && (t[k] == ' ' || t[k] == ':' || t[k] == '\0' || t[k - 1] == '.'))
		sw_strvec_push(groups, id);
}

/* "2.1" and "2.3" have the same parent part; "1.3" and "2.1" do not. */
static int same_prefix(const char *a, const char *b)
{
	const char *da = strrchr(a, '.'), *db = strrchr(b, '.');

	if (!da || !db)
		return !da && !db;
	return da - a == db - b && !strncmp(a, b, (size_t)(da - a));
}

static int is_graph_heading(const char *t)
{
	return strstr(t, "Dependency Graph") || strstr(t, "dependency graph") || strstr(t, "依赖图") ||
	       strstr(t, "依存関係") || strstr(t, "Grafo de Dependencias") || strstr(t, "Grafo de dependencias");
}

int tasks_parse(struct tasks_doc **out, const struct md_doc *md, const char *path, struct sw_diags *diags,
		struct sw_error *err)
{
	struct tasks_doc *doc = sw_xcalloc(1, sizeof(*doc));
	struct walk w = { doc, md, path, diags, md_doc_text(md), NULL, 0, 0 };
	const struct md_node *root = md_root(md), *n;
	struct open_item stack[TASKS_MAX_NEST];
	struct idx x = { NULL, 0 };
	struct sw_strvec groups = SW_STRVEC_INIT; /* "N" of headings "### N. Title" / "## Task N: …" */
	struct sw_strmap group_ids = SW_STRMAP_INIT; /* the same, for lookups */
	size_t sp = 0, i, bad;
	unsigned char *open = NULL;
	int graph_level = 0;

	SW_UNUSED(err);
	doc->title = sw_xstrdup("");
	if (md_doc_utf8_error(md, &bad))
		md_diag_at(diags, md, path, SW_SEV_ERROR, "md-utf8", bad, "save the file as UTF-8",
			   "invalid UTF-8 byte 0x%02x", (unsigned char)w.t[bad]);
	for (n = md_walk_next(root, root, 0); n; n = md_walk_next(root, n, 0)) {
		enum md_type type = md_node_type(n);
		size_t s, e, structural;

		if (type != MD_ITEM && type != MD_PARAGRAPH && type != MD_HEADING && type != MD_CODE)
			continue;
		md_node_range(md, n, &s, &e);
		while (sp && !(s >= stack[sp - 1].start && s < stack[sp - 1].end))
			sp--;
		structural = TASKS_NONE;
		for (i = sp; i > 0; i--)
			if (stack[i - 1].task != TASKS_NONE) {
				structural = stack[i - 1].task;
				break;
			}
		if (type == MD_HEADING) {
			struct sw_buf b = SW_BUF_INIT;
			int level = md_heading_level(n);

			md_node_text(n, &b);
			if (level == 1 && !*doc->title) {
				free(doc->title);
				sw_buf_trim(&b);
				doc->title = sw_buf_detach(&b, NULL);
			}
			if (graph_level && level <= graph_level)
				graph_level = 0;
			heading_group(&groups, b.ptr);
			if (is_graph_heading(b.ptr))
				graph_level = level;
			sw_buf_release(&b);
			continue;
		}
		if (type == MD_CODE) {
			if (graph_level && doc->graph.format == TASKS_GRAPH_NONE)
				parse_graph(&w, n);
			continue;
		}
		if (type == MD_PARAGRAPH) {
			const struct md_node *parent = md_parent(n);

			/* An item's first paragraph is read with the item. */
			if (md_node_type(parent) == MD_ITEM && md_first_child(parent) == n)
				continue;
			if (structural != TASKS_NONE)
				add_detail(&w, structural, s, e);
			continue;
		}
		/* A list item. */
		{
			const struct md_node *para = md_first_child(n);
			size_t ps, pe, after;
			char mark = ' ';
			int optional = 0, cb = 0;
			size_t task = TASKS_NONE;

			if (para && md_node_type(para) == MD_PARAGRAPH && !md_list_ordered(n)) {
				md_node_range(md, para, &ps, &pe);
				cb = checkbox_at(w.t, ps, pe, &mark, &optional, &after);
			}
			if (cb < 0) {
				md_diag_at(diags, md, path, SW_SEV_ERROR, "tasks-checkbox", ps, "a task reads '- [ ] 1. Title'",
					   "expected '[ ]', '[x]', '[-]' or '[~]', found '%.*s'", (int)(after - ps), w.t + ps);
			} else if (cb > 0) {
				size_t before = doc->ntasks;

				new_task(&w, n, ps, pe, mark, optional, after, structural);
				if (doc->ntasks > before)
					task = before;
			} else if (para && md_node_type(para) == MD_PARAGRAPH && structural != TASKS_NONE) {
				md_node_range(md, para, &ps, &pe);
				add_detail(&w, structural, ps, pe);
			}
			if (sp < TASKS_MAX_NEST) {
				stack[sp].start = s;
				stack[sp].end = e;
				stack[sp].task = task;
				sp++;
			}
		}
	}

	/* Hierarchy by id, checked against the nesting. */
	idx_build(&x, doc);
	for (i = 0; i < groups.nr; i++)
		sw_strmap_put(&group_ids, groups.v[i], (void *)1);
	for (i = 0; i < doc->ntasks; i++) {
		struct tasks_task *t = &doc->tasks[i];
		size_t holder = idx_put(&x, doc, i), idp = TASKS_NONE, structural = t->parent;
		char pid[REQ_ID_MAX], *dot;

		if (holder != i)
			md_diag_at(diags, md, path, SW_SEV_ERROR, "tasks-duplicate", md_pos_offset(md, t->line, t->col), NULL,
				   "duplicate task %s (first at line %d)", t->id, doc->tasks[holder].line);
		snprintf(pid, sizeof(pid), "%s", t->id);
		dot = strrchr(pid, '.');
		if (dot) {
			*dot = '\0';
			idp = idx_get(&x, doc, pid);
			if (idp != TASKS_NONE && idp >= i)
				idp = TASKS_NONE;
		}
		if (structural != TASKS_NONE && structural != idp) {
			md_diag_at(diags, md, path, SW_SEV_ERROR, "tasks-wrong-parent", md_pos_offset(md, t->line, t->col),
				   dot ? NULL : "a top-level task is not indented under another task",
				   "task %s is under task %s; %s", t->id, doc->tasks[structural].id,
				   dot ? "its number says otherwise" : "a top-level id cannot be a sub-task");
		} else if (dot && idp == TASKS_NONE && !sw_strmap_get(&group_ids, pid)) {
			md_diag_at(diags, md, path, SW_SEV_WARNING, "tasks-orphan", md_pos_offset(md, t->line, t->col), NULL,
				   "task %s has no parent task %s before it", t->id, pid);
		}
		t->parent = idp != TASKS_NONE ? idp : structural;
		if (t->parent != TASKS_NONE) {
			doc->tasks[t->parent].nchildren++;
		}
	}
	/* Numbering: each task follows its previous sibling by one. */
	if (diags) {
		size_t *last = sw_xcalloc(doc->ntasks + 1, sizeof(*last)); /* per parent: last child + 1 */
		size_t top_last = 0;

		for (i = 0; i < doc->ntasks; i++) {
			struct tasks_task *t = &doc->tasks[i];
			size_t *slot = t->parent == TASKS_NONE ? &top_last : &last[t->parent];
			const char *lc = strrchr(t->id, '.');
			long num = strtol(lc ? lc + 1 : t->id, NULL, 10), prev = -1;

			if (*slot && same_prefix(doc->tasks[*slot - 1].id, t->id)) {
				const char *pc = strrchr(doc->tasks[*slot - 1].id, '.');

				prev = strtol(pc ? pc + 1 : doc->tasks[*slot - 1].id, NULL, 10);
				if (num != prev + 1 && strcmp(doc->tasks[*slot - 1].id, t->id))
					md_diag_at(diags, md, path, SW_SEV_WARNING, "tasks-numbering",
						   md_pos_offset(md, t->line, t->col), NULL, "task %s follows task %s", t->id,
						   doc->tasks[*slot - 1].id);
			}
			*slot = i + 1;
		}
		free(last);
		open = sw_xcalloc(doc->ntasks + 1, 1);
		required_open(doc, open);
		for (i = 0; i < doc->ntasks; i++) {
			struct tasks_task *t = &doc->tasks[i];

			if (t->nchildren && t->state == TASKS_DONE && open[i])
				md_diag_at(diags, md, path, SW_SEV_WARNING, "tasks-done-parent-open", t->mark_off, NULL,
					   "task %s is marked done but some of its required sub-tasks are not", t->id);
		}
		free(open);
		if (!doc->ntasks) {
			if (md_doc_len(md) == md_doc_bom(md))
				md_diag_at(diags, md, path, SW_SEV_WARNING, "spec-empty", 0, NULL, "file is empty");
			else
				md_diag_at(diags, md, path, SW_SEV_WARNING, "tasks-none", 0, "a task reads '- [ ] 1. Title'",
					   "no numbered tasks found");
		}
	}
	apply_pending(&w, &x);
	check_graph(&w, &x);
	/* The index stays with the document for tasks_find(). */
	doc->id_slot = x.slot;
	doc->id_mask = x.mask;
	sw_strvec_clear(&groups);
	sw_strmap_release(&group_ids);
	*out = doc;
	return 0;
}

/* ---- status change ----------------------------------------------------------------- */

static void record(struct tasks_change **v, size_t *nr, size_t *alloc, const struct tasks_task *t,
		   enum tasks_state from, enum tasks_state to)
{
	struct tasks_change *c;

	SW_ALLOC_GROW(*v, *nr + 1, *alloc);
	c = &(*v)[(*nr)++];
	snprintf(c->id, sizeof(c->id), "%s", t->id);
	c->from = from;
	c->to = to;
	c->line = t->mark_line;
	c->col = t->mark_col;
}

int tasks_set_state(struct sw_buf *text, const char *id, enum tasks_state st, struct tasks_change **changes,
		    size_t *nchanges, struct sw_error *err)
{
	struct md_doc *md = NULL;
	struct tasks_doc *doc = NULL;
	struct tasks_change *v = NULL;
	size_t nr = 0, alloc = 0, i, p;
	int rc;

	*changes = NULL;
	*nchanges = 0;
	if ((rc = md_parse(&md, text->ptr, text->len, err)) < 0)
		goto out;
	if ((rc = tasks_parse(&doc, md, NULL, NULL, err)) < 0)
		goto out;
	i = tasks_find(doc, id);
	if (i == TASKS_NONE) {
		size_t best = TASKS_NONE, bd = (size_t)-1, k;

		for (k = 0; k < doc->ntasks; k++) {
			size_t d = sw_edit_distance(id, doc->tasks[k].id);

			if (d < bd) {
				bd = d;
				best = k;
			}
		}
		if (best != TASKS_NONE && bd <= 2)
			rc = sw_error_set(err, SW_ENOTFOUND, "no task '%s' (nearest: '%s')", id, doc->tasks[best].id);
		else
			rc = sw_error_set(err, SW_ENOTFOUND, "no task '%s'", id);
		goto out;
	}
	if (doc->tasks[i].state != st) {
		record(&v, &nr, &alloc, &doc->tasks[i], doc->tasks[i].state, st);
		doc->tasks[i].state = st;
		text->ptr[doc->tasks[i].mark_off] = tasks_state_char(st);
	}
	for (p = doc->tasks[i].parent; p != TASKS_NONE; p = doc->tasks[p].parent) {
		enum tasks_state ps = tasks_parent_state(doc, p);

		if (ps == doc->tasks[p].state)
			continue;
		record(&v, &nr, &alloc, &doc->tasks[p], doc->tasks[p].state, ps);
		doc->tasks[p].state = ps;
		text->ptr[doc->tasks[p].mark_off] = tasks_state_char(ps);
	}
	*changes = v;
	*nchanges = nr;
	v = NULL;
	rc = 0;
out:
	free(v);
	tasks_doc_free(doc);
	md_doc_free(md);
	return rc;
}
