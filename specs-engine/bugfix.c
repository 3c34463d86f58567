/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bugfix.c - bugfix.md items into pseudo-requirements 1, 2 and 3.
 *
 * Items are not a Markdown list, so one paragraph may hold several of them
 * when the blank line between them is missing: the paragraph is split at
 * every line that opens with an "N.M" id.  The section headings are only
 * a cross-check, in any language; the id's first number decides the
 * section.
 */
#include "base/compat.h"
#include "specs-engine/bugfix.h"
#include "base/buf.h"

#include <ctype.h>

/*
 * The section a heading names, by its words (English, and the words Kiro
 * uses in Chinese, Japanese, Korean and Spanish); 0 when it names none.
 * This is only a cross-check: files in other languages are read by
 * structure (see bugfix_parse()).
 */
static int section_of(const char *t)
{
	static const struct { const char *w; int section; } words[] = {
		{ "unchanged", 3 }, { "regression", 3 }, { "preservation", 3 }, { "不变", 3 }, { "未改变", 3 },
		{ "不變", 3 }, { "回归", 3 }, { "回歸", 3 }, { "変更されない", 3 }, { "회귀", 3 }, { "sin cambios", 3 },
		{ "expected", 2 }, { "correct", 2 }, { "期望", 2 }, { "预期", 2 }, { "預期", 2 }, { "期待", 2 },
		{ "예상", 2 }, { "esperado", 2 },
		{ "current", 1 }, { "defect", 1 }, { "当前", 1 }, { "當前", 1 }, { "缺陷", 1 }, { "現在", 1 }, { "현재", 1 },
		{ "actual", 1 },
	};
	char low[256];
	size_t i;

	for (i = 0; t[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)t[i]);
	low[i] = '\0';
	for (i = 0; i < SW_ARRAY_SIZE(words); i++)
		if (strstr(low, words[i].w))
			return words[i].section;
	return 0;
}

static const char *const section_titles[] = { "", "Current Behavior (Defect)", "Expected Behavior (Correct)",
					      "Unchanged Behavior (Regression Prevention)" };

static struct req_requirement *pseudo_req(struct req_doc *doc, int major, const struct md_doc *md, size_t off)
{
	struct req_requirement *rq;
	size_t i;

	for (i = 0; i < doc->nreqs; i++)
		if (doc->reqs[i].num == major)
			return &doc->reqs[i];
	SW_ALLOC_GROW(doc->reqs, doc->nreqs + 1, doc->areqs);
	rq = &doc->reqs[doc->nreqs++];
	memset(rq, 0, sizeof(*rq));
	rq->num = major;
	snprintf(rq->id, sizeof(rq->id), "%d", major);
	rq->title = sw_xstrdup(major >= 1 && major <= 3 ? section_titles[major] : "");
	md_offset_pos(md, off, &rq->line, &rq->col);
	return rq;
}

struct ctx {
	struct req_doc *doc;
	const struct md_doc *md;
	const char *path;
	struct sw_diags *diags;
	int section;       /* from the last heading: its words, or its place (1st, 2nd, 3rd); 0 if unknown */
	int ordinal;       /* place of the last heading among the analysis sections, 0 before the first */
	char heading[128]; /* the last heading's text, for messages */
};

static void add_item(struct ctx *x, int major, int minor, size_t id_off, size_t s, size_t e)
{
	struct req_doc *doc = x->doc;
	const char *t = md_doc_text(x->md);
	struct req_requirement *rq = pseudo_req(doc, major, x->md, id_off);
	struct req_criterion *c;
	char id[REQ_ID_MAX];
	size_t i;

	snprintf(id, sizeof(id), "%d.%d", major, minor);
	if (doc->ncrit < 20000)
		for (i = 0; i < doc->ncrit; i++)
			if (!strcmp(doc->crit[i].id, id)) {
				md_diag_at(x->diags, x->md, x->path, SW_SEV_ERROR, "req-duplicate-criterion", id_off,
					     NULL, "duplicate item %s", id);
				return;
			}
	if (x->section && x->section != major && major >= 1 && major <= 3)
		md_diag_at(x->diags, x->md, x->path, SW_SEV_WARNING, "bugfix-section", id_off, NULL,
			     "item %s is under '%s'", id, x->heading);
	while (e > s && isspace((unsigned char)t[e - 1]))
		e--;
	SW_ALLOC_GROW(doc->crit, doc->ncrit + 1, doc->acrit);
	c = &doc->crit[doc->ncrit++];
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->req = major;
	c->num = minor;
	c->off = s;
	c->end = e;
	c->ctx = major == 1 ? EARS_CTX_BUG_CURRENT : major == 3 ? EARS_CTX_BUG_UNCHANGED : EARS_CTX_BUG_EXPECTED;
	md_offset_pos(x->md, s, &c->line, &c->col);
	rq->ncrit++;
	req__check_criterion(c, doc, x->md, x->path, x->diags);
}

/* An "N.M " item id at @p (within [p, e)); returns its length or 0. */
static size_t item_id(const char *p, size_t n, int *major, int *minor)
{
	char id[REQ_ID_MAX];
	size_t k = req_scan_id(p, n, id, sizeof(id));
	const char *dot;

	if (!k || !(dot = strchr(id, '.')) || strchr(dot + 1, '.'))
		return 0;
	if (k < n && p[k] != ' ' && p[k] != '\t' && p[k] != ':' && p[k] != ')')
		return 0;
	*major = (int)strtol(id, NULL, 10);
	*minor = (int)strtol(dot + 1, NULL, 10);
	return k;
}

/*
 * Splits a paragraph into items at lines that open with an id.  Outside a
 * section recognised as the bug analysis (@any_major 0), only ids 1.x, 2.x
 * and 3.x open items.  Returns 1 when it found an item.
 */
static int paragraph_items(struct ctx *x, size_t s, size_t e, int any_major)
{
	const char *t = md_doc_text(x->md);
	int line, col, last, major = 0, minor = 0, have = 0;
	size_t item_s = 0, id_off = 0;

	md_offset_pos(x->md, s, &line, &col);
	md_offset_pos(x->md, e, &last, &col);
	for (; line <= last; line++) {
		size_t ls = md_line_start(x->md, line), le = md_line_end(x->md, line), k;
		int ma, mi;

		if (ls < s)
			ls = s;
		if (le > e)
			le = e;
		while (ls < le && (t[ls] == ' ' || t[ls] == '\t'))
			ls++;
		k = item_id(t + ls, le - ls, &ma, &mi);
		if (!k || (!any_major && (ma < 1 || ma > 3)))
			continue;
		if (have)
			add_item(x, major, minor, id_off, item_s, ls);
		have = 1;
		major = ma;
		minor = mi;
		id_off = ls;
		item_s = ls + k;
		while (item_s < le && (t[item_s] == ' ' || t[item_s] == '\t' || t[item_s] == ':' || t[item_s] == ')'))
			item_s++;
	}
	if (have)
		add_item(x, major, minor, id_off, item_s, e);
	return have;
}

/* "Bug Analysis" and its translations ("Bug 分析", "Análisis del error", "버그 분석", "バグ分析"). */
static int is_analysis_heading(const char *t)
{
	static const char *const analysis[] = { "analysis", "análisis", "analisis", "分析", "분석" };
	static const char *const bug[] = { "bug", "defect", "error", "fallo", "缺陷", "问题", "問題", "错误", "錯誤",
					   "버그", "バグ" };
	size_t i, j;

	for (i = 0; i < SW_ARRAY_SIZE(analysis); i++)
		for (j = 0; j < SW_ARRAY_SIZE(bug); j++)
			if (strcasestr(t, analysis[i]) && strcasestr(t, bug[j]))
				return 1;
	return section_of(t) != 0;
}

/*
 * A heading: the title, the start of an analysis, or one of its sections.
 * A section heading in words the parser does not know takes its place
 * among the analysis sections once the analysis has begun: the first is
 * the defect, the second the expected behaviour, the third the unchanged.
 */
static void on_heading(struct ctx *x, const struct md_node *n, int *in_analysis)
{
	struct sw_buf b = SW_BUF_INIT;
	int level = md_heading_level(n);

	md_node_text(n, &b);
	sw_buf_trim(&b);
	if (level == 1 && !*x->doc->title) {
		free(x->doc->title);
		x->doc->title = sw_buf_detach(&b, NULL);
		return;
	}
	snprintf(x->heading, sizeof(x->heading), "%s", b.ptr);
	x->section = section_of(b.ptr);
	if (level <= 2) {
		*in_analysis = is_analysis_heading(b.ptr);
		x->ordinal = 0;
	} else if (*in_analysis || x->section) {
		*in_analysis = 1;
		x->ordinal++;
		if (!x->section && x->ordinal <= 3)
			x->section = x->ordinal;
	}
	sw_buf_release(&b);
}

int bugfix_parse(struct req_doc **out, const struct md_doc *md, const char *path, struct sw_diags *diags,
		 struct sw_error *err)
{
	struct req_doc *doc = sw_xcalloc(1, sizeof(*doc));
	struct ctx x = { doc, md, path, diags, 0, 0, "" };
	struct md_node *n;
	int in_analysis = 0;
	size_t bad;

	SW_UNUSED(err);
	doc->bugfix = 1;
	doc->title = sw_xstrdup("");
	if (md_doc_utf8_error(md, &bad))
		md_diag_at(diags, md, path, SW_SEV_ERROR, "md-utf8", bad, "save the file as UTF-8",
			     "invalid UTF-8 byte 0x%02x", (unsigned char)md_doc_text(md)[bad]);
	for (n = md_first_child(md_root(md)); n; n = md_next(n)) {
		enum md_type type = md_node_type(n);
		size_t s, e;

		if (type == MD_HEADING) {
			on_heading(&x, n, &in_analysis);
			continue;
		}
		if (type == MD_PARAGRAPH) {
			/* Items are found by structure too: "N.M" clauses, N in 1..3, under any heading. */
			md_node_range(md, n, &s, &e);
			if (paragraph_items(&x, s, e, in_analysis && x.section) && !in_analysis) {
				in_analysis = 1;
				x.ordinal = 1;
			}
		} else if (type == MD_LIST && md_list_ordered(n) && in_analysis && x.section) {
			const struct md_node *item;

			for (item = md_first_child(n); item; item = md_next(item)) {
				const struct md_node *para = md_first_child(item);
				size_t is, ie;
				long num;

				md_node_range(md, item, &is, &ie);
				num = strtol(md_doc_text(md) + is, NULL, 10);
				if (para && md_node_type(para) == MD_PARAGRAPH)
					md_node_range(md, para, &s, &e);
				else
					s = e = ie;
				add_item(&x, x.section, (int)num, is, s, e);
			}
		}
	}
	if (diags && !doc->ncrit) {
		if (md_doc_len(md) == md_doc_bom(md))
			md_diag_at(diags, md, path, SW_SEV_WARNING, "spec-empty", 0, NULL, "file is empty");
		else
			md_diag_at(diags, md, path, SW_SEV_WARNING, "bugfix-none", 0,
				     "items read '1.1 WHEN … THEN …' under '## Bug Analysis'",
				     "no bug analysis items found");
	}
	*out = doc;
	return 0;
}
