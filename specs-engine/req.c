/* SPDX-License-Identifier: Apache-2.0 */
/*
 * req.c - requirements.md into requirements, criteria and glossary terms.
 *
 * The walk goes over the document's top-level blocks only (Kiro never nests
 * requirements), with a small state: the current requirement, whether its
 * acceptance criteria have started, whether we are in the glossary.  Criteria
 * text is kept as a byte range of the file, not a copy, so every EARS finding
 * maps back to a line and column without a translation table.
 */
#include "base/compat.h"
#include "specs-engine/req.h"
#include "base/buf.h"

#include <ctype.h>

/* ---- small text helpers ------------------------------------------------------------ */

int req_is_id(const char *s, size_t n)
{
	char tmp[REQ_ID_MAX];

	return n && req_scan_id(s, n, tmp, sizeof(tmp)) == n;
}

size_t req_scan_id(const char *s, size_t n, char *id, size_t idsz)
{
	size_t i = 0, last_good = 0;

	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (!i || i > 6)
		goto none;
	last_good = i;
	while (i < n && s[i] == '.') {
		size_t j = i + 1;

		while (j < n && isdigit((unsigned char)s[j]))
			j++;
		if (j == i + 1 || j - i > 7)
			break;
		i = last_good = j;
	}
	if (last_good >= idsz)
		goto none;
	memcpy(id, s, last_good);
	id[last_good] = '\0';
	/* An optional final '.' ("1.1." as the preview wrote it). */
	if (last_good < n && s[last_good] == '.' && (last_good + 1 >= n || !isdigit((unsigned char)s[last_good + 1])))
		return last_good + 1;
	return last_good;
none:
	if (idsz)
		id[0] = '\0';
	return 0;
}

int req_id_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		long x = strtol(a, NULL, 10), y = strtol(b, NULL, 10);

		if (x != y)
			return x < y ? -1 : 1;
		a = strchr(a, '.');
		b = strchr(b, '.');
		if (!a || !b)
			return !a && !b ? 0 : !a ? -1 : 1;
		a++;
		b++;
	}
	return 0;
}

static int ci_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return 0;
}

static int is_glossary_heading(const char *t)
{
	static const char *const words[] = { "glossary", "terminolog", "definitions", "glosario", "glossário",
					     "glossario", "thuật ngữ", "术语", "術語", "用語", "용어", "glossaire" };
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(words); i++)
		if (ci_has(t, words[i]))
			return 1;
	return 0;
}

static int is_criteria_heading(const char *t)
{
	static const char *const words[] = { "acceptance criteria", "aceptaci", "aceitação", "aceitacao", "aceite",
					     "chấp nhận", "akzeptanz", "acceptation", "验收标准", "驗收標準",
					     "受け入れ基準", "受入基準", "受け入れ条件", "인수 기준", "수락 기준", "승인 기준" };
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(words); i++)
		if (ci_has(t, words[i]))
			return 1;
	return 0;
}

static int is_story(const char *t)
{
	static const char *const words[] = { "user story", "historia de usuario", "história de usuário",
					     "historia de usuário", "câu chuyện người dùng", "用户故事", "用戶故事",
					     "ユーザーストーリー", "사용자 스토리" };
	size_t i;

	while (*t == '*' || *t == '_' || *t == ' ')
		t++;
	for (i = 0; i < SW_ARRAY_SIZE(words); i++)
		if (!strncasecmp(t, words[i], strlen(words[i])))
			return 1;
	return 0;
}

/*
 * "Requirement 3: Title" (and localised words) -> 3 and the title.
 * Returns 0 when @t is not a requirement heading.
 */
static int parse_req_heading(const char *t, int *num, const char **title)
{
	static const char *const words[] = { "requirements", "requirement", "requisitos", "requisito",
					     "requerimiento", "exigence", "anforderung", "yêu cầu", "需求", "要件",
					     "要求", "요구사항", "요구 사항", "req-", "req " };
	size_t i, n;
	const char *p = NULL;
	char *end;
	long v;

	for (i = 0; i < SW_ARRAY_SIZE(words); i++) {
		n = strlen(words[i]);
		if (!strncasecmp(t, words[i], n)) {
			p = t + n;
			break;
		}
	}
	if (!p)
		return 0;
	while (*p == ' ' || *p == '#')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	v = strtol(p, &end, 10);
	if (v <= 0 || v > 100000)
		return 0;
	p = end;
	if (*p == '.' && isdigit((unsigned char)p[1]))
		return 0; /* "Requirement 1.2" is a criterion reference, not a heading */
	while (*p == ' ')
		p++;
	if (*p == ':' || *p == '.' || *p == '-')
		p++;
	else if (!strncmp(p, "：", 3) || !strncmp(p, "–", 3) || !strncmp(p, "—", 3) || !strncmp(p, "．", 3))
		p += 3;
	else if (*p && !isspace((unsigned char)p[-1]))
		return 0;
	while (*p == ' ')
		p++;
	*num = (int)v;
	*title = p;
	return 1;
}

/* ---- the model --------------------------------------------------------------------- */

struct req__index;
static void index_free(struct req__index *x);

void req_doc_free(struct req_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->nterms; i++)
		free(doc->terms[i].name);
	for (i = 0; i < doc->nreqs; i++) {
		free(doc->reqs[i].title);
		free(doc->reqs[i].story);
	}
	free(doc->terms);
	free(doc->reqs);
	free(doc->crit);
	free(doc->title);
	index_free(doc->index);
	free(doc);
}

/* ---- lookups ---------------------------------------------------------------------- */

/*
 * The lookup cache: criteria and requirements sorted by id (req_id_cmp,
 * then file order) and criteria sorted by requirement number (then file
 * order), so a lookup is a binary search.  It remembers what it was built
 * for and is rebuilt when the arrays changed.
 */
struct req__index {
	const struct req_criterion *crit; /* doc->crit and ncrit when built */
	size_t ncrit;
	const struct req_requirement *reqs;
	size_t nreqs;
	size_t *crit_by_id;  /* indices into doc->crit */
	size_t *crit_by_req; /* indices into doc->crit */
	size_t *req_by_id;   /* indices into doc->reqs */
	int has_alias;       /* some criterion has a label ("AC-3") */
};

struct sort_ent {
	const char *id;
	long a, b;  /* the id's numbers when it is "N" or "N.M" */
	int ncomp;  /* 1 or 2 for those, 0 for any other shape */
	size_t i;   /* file order */
};

static void sort_key(struct sort_ent *e, const char *id, size_t i)
{
	const char *p = id;
	char *end;

	e->id = id;
	e->i = i;
	e->ncomp = 0;
	if (!isdigit((unsigned char)*p))
		return;
	e->a = strtol(p, &end, 10);
	if (!*end) {
		e->ncomp = 1;
		return;
	}
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return;
	e->b = strtol(end + 1, &end, 10);
	if (!*end)
		e->ncomp = 2;
}

/* req_id_cmp() on the ids (numbers compared directly when both are plain), then file order. */
static int sort_ent_cmp(const void *x, const void *y)
{
	const struct sort_ent *a = x, *b = y;
	int c;

	if (a->ncomp && b->ncomp) {
		c = a->a != b->a ? (a->a < b->a ? -1 : 1)
		    : a->ncomp != b->ncomp ? (a->ncomp < b->ncomp ? -1 : 1)
		    : a->ncomp == 2 && a->b != b->b ? (a->b < b->b ? -1 : 1) : 0;
	} else {
		c = req_id_cmp(a->id, b->id);
	}
	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Requirement number, then file order (a and i of struct sort_ent). */
static int by_req_cmp(const void *x, const void *y)
{
	const struct sort_ent *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static int size_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

static void index_free(struct req__index *x)
{
	if (!x)
		return;
	free(x->crit_by_id);
	free(x->crit_by_req);
	free(x->req_by_id);
	free(x);
}

/*
 * The doc's lookup cache, built (or rebuilt) when missing or stale.  The
 * cache is the one part of a req_doc a lookup writes; a doc is used by one
 * thread at a time.
 */
static const struct req__index *get_index(const struct req_doc *cdoc)
{
	struct req_doc *doc = (struct req_doc *)cdoc; /* only the cache changes */
	struct req__index *x = doc->index;
	struct sort_ent *e;
	size_t i, n = doc->ncrit > doc->nreqs ? doc->ncrit : doc->nreqs;

	if (x && x->crit == doc->crit && x->ncrit == doc->ncrit && x->reqs == doc->reqs && x->nreqs == doc->nreqs)
		return x;
	index_free(x);
	x = sw_xcalloc(1, sizeof(*x));
	x->crit = doc->crit;
	x->ncrit = doc->ncrit;
	x->reqs = doc->reqs;
	x->nreqs = doc->nreqs;
	x->crit_by_id = sw_xcalloc(doc->ncrit + 1, sizeof(size_t));
	x->crit_by_req = sw_xcalloc(doc->ncrit + 1, sizeof(size_t));
	x->req_by_id = sw_xcalloc(doc->nreqs + 1, sizeof(size_t));
	e = sw_xcalloc(n + 1, sizeof(*e));
	for (i = 0; i < doc->ncrit; i++) {
		sort_key(&e[i], doc->crit[i].id, i);
		x->has_alias |= doc->crit[i].alias[0] != '\0';
	}
	qsort(e, doc->ncrit, sizeof(*e), sort_ent_cmp);
	for (i = 0; i < doc->ncrit; i++)
		x->crit_by_id[i] = e[i].i;
	for (i = 0; i < doc->ncrit; i++) {
		e[i].a = doc->crit[i].req;
		e[i].i = i;
	}
	qsort(e, doc->ncrit, sizeof(*e), by_req_cmp);
	for (i = 0; i < doc->ncrit; i++)
		x->crit_by_req[i] = e[i].i;
	for (i = 0; i < doc->nreqs; i++)
		sort_key(&e[i], doc->reqs[i].id, i);
	qsort(e, doc->nreqs, sizeof(*e), sort_ent_cmp);
	for (i = 0; i < doc->nreqs; i++)
		x->req_by_id[i] = e[i].i;
	free(e);
	doc->index = x;
	return x;
}

/* First position in @order (of @n ids, ascending) whose id compares >= @id (> with @after). */
static size_t lower_bound(const size_t *order, size_t n, const char *(*id_of)(const struct req_doc *, size_t),
			  const struct req_doc *doc, const char *id, int after)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = req_id_cmp(id_of(doc, order[mid]), id);

		if (c < 0 || (after && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *crit_id(const struct req_doc *doc, size_t i)
{
	return doc->crit[i].id;
}

static const char *req_id(const struct req_doc *doc, size_t i)
{
	return doc->reqs[i].id;
}

/* First position in crit_by_req whose requirement number is >= @num (> with @after). */
static size_t req_bound(const struct req__index *x, const struct req_doc *doc, long num, int after)
{
	size_t lo = 0, hi = doc->ncrit;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		long r = doc->crit[x->crit_by_req[mid]].req;

		if (r < num || (after && r == num))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct req_criterion *req_find_criterion(const struct req_doc *doc, const char *id)
{
	const struct req__index *x;
	size_t k;

	if (!doc || !doc->ncrit)
		return NULL;
	x = get_index(doc);
	/* Ids that compare equal sit together, in file order: the first exact match wins. */
	for (k = lower_bound(x->crit_by_id, doc->ncrit, crit_id, doc, id, 0);
	     k < doc->ncrit && !req_id_cmp(doc->crit[x->crit_by_id[k]].id, id); k++)
		if (!strcmp(doc->crit[x->crit_by_id[k]].id, id))
			return &doc->crit[x->crit_by_id[k]];
	return NULL;
}

const struct req_requirement *req_find_requirement(const struct req_doc *doc, const char *id)
{
	const struct req__index *x;
	size_t k;

	if (!doc || !doc->nreqs)
		return NULL;
	x = get_index(doc);
	for (k = lower_bound(x->req_by_id, doc->nreqs, req_id, doc, id, 0);
	     k < doc->nreqs && !req_id_cmp(doc->reqs[x->req_by_id[k]].id, id); k++)
		if (!strcmp(doc->reqs[x->req_by_id[k]].id, id))
			return &doc->reqs[x->req_by_id[k]];
	return NULL;
}

size_t req_criteria_of(const struct req_doc *doc, int num, const size_t **idx)
{
	const struct req__index *x;
	size_t a, b;

	*idx = NULL;
	if (!doc || !doc->ncrit)
		return 0;
	x = get_index(doc);
	a = req_bound(x, doc, num, 0);
	b = req_bound(x, doc, num, 1);
	*idx = x->crit_by_req + a;
	return b - a;
}

static int name_eq(const char *a, size_t an, const char *b, size_t bn)
{
	while (an && (a[0] == ' ' || a[0] == '*' || a[0] == '`' || a[0] == '"'))
		a++, an--;
	while (an && (a[an - 1] == ' ' || a[an - 1] == '*' || a[an - 1] == '`' || a[an - 1] == '"'))
		an--;
	while (bn && b[bn - 1] == ' ')
		bn--;
	return an == bn && !strncasecmp(a, b, an);
}

int req_glossary_has(const struct req_doc *doc, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < doc->nterms; i++) {
		const char *t = doc->terms[i].name, *lp = strstr(t, "("), *flp = strstr(t, "（");
		const char *cut = lp && (!flp || lp < flp) ? lp : flp;

		if (name_eq(name, len, t, strlen(t)))
			return 1;
		if (cut) {
			const char *in = cut + (*cut == '(' ? 1 : 3), *close = strstr(in, *cut == '(' ? ")" : "）");

			if (name_eq(name, len, t, (size_t)(cut - t)))
				return 1;
			if (close && name_eq(name, len, in, (size_t)(close - in)))
				return 1;
		}
	}
	return 0;
}

/* Text of a paragraph or heading from the file, without markup. */
static char *node_plain(const struct md_node *n)
{
	struct sw_buf b = SW_BUF_INIT;

	md_node_text(n, &b);
	sw_buf_trim(&b);
	return sw_buf_detach(&b, NULL);
}

static void add_term(struct req_doc *doc, const struct md_doc *md, const struct md_node *item)
{
	const char *t = md_doc_text(md);
	size_t s, e, a, b;
	struct req_term *term;

	md_node_range(md, item, &s, &e);
	/* "- **Term**: definition": the item's text starts after the bullet. */
	while (s < e && (t[s] == '-' || t[s] == '*' || t[s] == '+' || t[s] == ' ') && !(t[s] == '*' && s + 1 < e && t[s + 1] == '*'))
		s++;
	if (s + 2 > e || t[s] != '*' || t[s + 1] != '*')
		return;
	a = s + 2;
	for (b = a; b + 1 < e && !(t[b] == '*' && t[b + 1] == '*') && t[b] != '\n'; b++)
		;
	if (b + 1 >= e || b == a || t[b] != '*')
		return;
	SW_ALLOC_GROW(doc->terms, doc->nterms + 1, doc->aterms);
	term = &doc->terms[doc->nterms++];
	term->name = sw_xstrndup(t + a, b - a);
	md_offset_pos(md, a, &term->line, &term->col);
}

/* "the system" is EARS's default subject and needs no glossary entry. */
static int generic_system(const char *s, size_t n)
{
	static const char *const words[] = { "system", "the system", "系统", "系統", "システム", "시스템", "sistema",
					     "el sistema", "o sistema", "hệ thống" };
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(words); i++)
		if (n == strlen(words[i]) && !strncasecmp(s, words[i], n))
			return 1;
	return 0;
}

void req__check_criterion(struct req_criterion *c, const struct req_doc *doc, const struct md_doc *md,
			    const char *path, struct sw_diags *diags)
{
	struct ears_result r;
	const char *t = md_doc_text(md) + c->off;
	size_t i;

	ears_classify(&r, t, c->end - c->off, c->ctx);
	c->cls = r.cls;
	c->ears_flags = r.flags;
	if (!diags)
		return;
	for (i = 0; i < r.nr; i++)
		md_diag_at(diags, md, path, r.f[i].severity, r.f[i].code, c->off + r.f[i].off, r.f[i].hint,
			"criterion %s: %s", c->id, r.f[i].msg);
	if (doc->nterms && r.subject_len && r.cls != EARS_NONE && !(r.flags & EARS_SHALL_LAST) &&
	    !generic_system(t + r.subject_off, r.subject_len) && !req_glossary_has(doc, t + r.subject_off, r.subject_len)) {
		/* A subject naming a term inside it ("THE ESM Browser_Bundle") is fine too. */
		size_t k, found = 0;

		for (k = 0; k < doc->nterms && !found; k++) {
			const char *nm = doc->terms[k].name;
			size_t nl = strlen(nm), j;

			for (j = 0; nl && j + nl <= r.subject_len; j++)
				if (!strncasecmp(t + r.subject_off + j, nm, nl))
					found = 1;
		}
		if (!found && r.subject_len <= 80)
			md_diag_at(diags, md, path, SW_SEV_WARNING, "ears-unknown-subject", c->off + r.subject_off,
				"define it under '## Glossary' as '- **Name**: …'",
				"criterion %s: '%.*s' is not in the glossary", c->id, (int)r.subject_len,
				t + r.subject_off);
	}
}

/*
 * The numbers seen so far (requirement numbers, or criterion numbers per
 * requirement), so that the duplicate checks stay linear: open addressing
 * over (scope, number) pairs, grown at half load.
 */
struct numset {
	struct numset_slot {
		size_t scope;
		long num;
		int used;
	} *v;
	size_t nr, cap;
};

static size_t numset_hash(size_t scope, long num, size_t mask)
{
	uint64_t h = ((uint64_t)scope * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)num * 0xC2B2AE3D27D4EB4Full);

	return (size_t)(h ^ (h >> 29)) & mask;
}

/* Adds (@scope, @num); returns 1 when it was there already. */
static int numset_add(struct numset *s, size_t scope, long num)
{
	size_t h, i;

	if ((s->nr + 1) * 2 > s->cap) {
		struct numset old = *s;

		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = sw_xcalloc(s->cap, sizeof(*s->v));
		s->nr = 0;
		for (i = 0; i < old.cap; i++)
			if (old.v[i].used)
				numset_add(s, old.v[i].scope, old.v[i].num);
		free(old.v);
	}
	for (h = numset_hash(scope, num, s->cap - 1); s->v[h].used; h = (h + 1) & (s->cap - 1))
		if (s->v[h].scope == scope && s->v[h].num == num)
			return 1;
	s->v[h].scope = scope;
	s->v[h].num = num;
	s->v[h].used = 1;
	s->nr++;
	return 0;
}

/* 1 when (@scope, @num) was added. */
static int numset_has(const struct numset *s, size_t scope, long num)
{
	size_t h;

	if (!s->cap)
		return 0;
	for (h = numset_hash(scope, num, s->cap - 1); s->v[h].used; h = (h + 1) & (s->cap - 1))
		if (s->v[h].scope == scope && s->v[h].num == num)
			return 1;
	return 0;
}

static void add_criteria(struct req_doc *doc, struct req_requirement *rq, const struct md_doc *md,
			 const struct md_node *list, const char *path, struct sw_diags *diags, struct numset *seen)
{
	const char *t = md_doc_text(md);
	const struct md_node *item;

	for (item = md_first_child(list); item; item = md_next(item)) {
		const struct md_node *para = md_first_child(item);
		struct req_criterion *c;
		size_t s, e, is, ie;
		long num;

		md_node_range(md, item, &is, &ie);
		num = strtol(t + is, NULL, 10);
		/* Scoped by the requirement's place in doc->reqs, so a repeated heading starts afresh. */
		if (numset_add(seen, (size_t)(rq - doc->reqs), num)) {
			md_diag_at(diags, md, path, SW_SEV_ERROR, "req-duplicate-criterion", is, NULL,
				"duplicate criterion %s.%ld in requirement %s", rq->id, num, rq->id);
			continue;
		}
		if (para && md_node_type(para) == MD_PARAGRAPH) {
			md_node_range(md, para, &s, &e);
		} else {
			s = e = ie;
		}
		SW_ALLOC_GROW(doc->crit, doc->ncrit + 1, doc->acrit);
		c = &doc->crit[doc->ncrit++];
		memset(c, 0, sizeof(*c));
		c->req = rq->num;
		c->num = (int)num;
		snprintf(c->id, sizeof(c->id), "%d.%ld", rq->num, num);
		c->off = s;
		c->end = e;
		c->ctx = EARS_CTX_FEATURE;
		md_offset_pos(md, s, &c->line, &c->col);
		if (rq->ncrit && num != doc->crit[doc->ncrit - 2].num + 1)
			md_diag_at(diags, md, path, SW_SEV_WARNING, "req-criterion-numbering", is, NULL,
				"criterion %s follows %s", c->id, doc->crit[doc->ncrit - 2].id);
		rq->ncrit++;
		req__check_criterion(c, doc, md, path, diags);
	}
}

/* ---- layouts besides Kiro's ordered criteria lists --------------------------------- */

/* 1 when some item of @list has the word SHALL (any case): a list of criteria, not of notes. */
static int list_has_shall(const struct md_doc *md, const struct md_node *list)
{
	const char *t = md_doc_text(md);
	size_t s, e, i;

	md_node_range(md, list, &s, &e);
	for (i = s; i + 5 <= e; i++)
		if (!strncasecmp(t + i, "shall", 5) && (i == s || !isalnum((unsigned char)t[i - 1])) &&
		    (i + 5 == e || !isalnum((unsigned char)t[i + 5])))
			return 1;
	return 0;
}

/*
 * An "AC-N" label opening a bullet ("[ ] AC-3: …", "**AC-3** …", "AC 3.") at
 * @t: sets *@num and the alias ("AC-3") and returns the bytes up to the
 * criterion text, or 0 when there is none.
 */
static size_t ac_label(const char *t, size_t n, long *num, char *alias, size_t asz)
{
	size_t i = 0, d;
	char *end;

	if (n >= 3 && t[0] == '[' && t[2] == ']')
		i = 3;
	while (i < n && (t[i] == ' ' || t[i] == '*' || t[i] == '_' || t[i] == '`'))
		i++;
	if (i + 3 > n || strncasecmp(t + i, "AC", 2))
		return 0;
	i += 2;
	if (i < n && (t[i] == '-' || t[i] == ' ' || t[i] == '_'))
		i++;
	if (i >= n || !isdigit((unsigned char)t[i]))
		return 0;
	*num = strtol(t + i, &end, 10);
	d = (size_t)(end - t);
	if (*num <= 0 || *num > 100000 || (d < n && isalnum((unsigned char)t[d])))
		return 0;
	snprintf(alias, asz, "AC-%ld", *num);
	while (d < n && (t[d] == '*' || t[d] == '_' || t[d] == '`' || t[d] == ':' || t[d] == '.' || t[d] == ')' ||
			 t[d] == ' ' || t[d] == '-'))
		d++;
	return d;
}

/* 1 when requirement @rq (its criteria are the last ones of @doc) has criterion number @num. */
/* 1 if requirement @rq has a criterion numbered @num (through the parse's set of numbers). */
static int rq_has_num(const struct req_doc *doc, const struct req_requirement *rq, long num, const struct numset *seen)
{
	return numset_has(seen, (size_t)(rq - doc->reqs), num);
}

/* Appends criterion @rq.@num over bytes [@s, @e); the caller checks it. */
static struct req_criterion *push_criterion(struct req_doc *doc, struct req_requirement *rq, const struct md_doc *md,
					    long num, size_t s, size_t e)
{
	struct req_criterion *c;

	SW_ALLOC_GROW(doc->crit, doc->ncrit + 1, doc->acrit);
	c = &doc->crit[doc->ncrit++];
	memset(c, 0, sizeof(*c));
	c->req = rq->num;
	c->num = (int)num;
	snprintf(c->id, sizeof(c->id), "%d.%ld", rq->num, num);
	c->off = s;
	c->end = e;
	c->ctx = EARS_CTX_FEATURE;
	md_offset_pos(md, s, &c->line, &c->col);
	rq->ncrit++;
	return c;
}

/*
 * Bullets under a requirement: "- [ ] AC-3: …" is criterion N.3 (also cited
 * as AC-3); a bullet without a number is read by its place (N.1, N.2, …)
 * and one warning says so, since its id changes when a bullet is added.
 */
static void add_bullet_criteria(struct req_doc *doc, struct req_requirement *rq, const struct md_doc *md,
				const struct md_node *list, const char *path, struct sw_diags *diags, struct numset *seen)
{
	const char *t = md_doc_text(md);
	const struct md_node *item;
	long place = (long)rq->ncrit, first = 0, last = 0;
	size_t first_off = 0;

	for (item = md_first_child(list); item; item = md_next(item)) {
		const struct md_node *para = md_first_child(item);
		struct req_criterion *c;
		char alias[REQ_ID_MAX];
		size_t s, e, k;
		long num;

		if (!para || md_node_type(para) != MD_PARAGRAPH)
			continue;
		md_node_range(md, para, &s, &e);
		place++;
		if ((k = ac_label(t + s, e - s, &num, alias, sizeof(alias))) != 0) {
			if (numset_add(seen, (size_t)(rq - doc->reqs), num)) {
				md_diag_at(diags, md, path, SW_SEV_ERROR, "req-duplicate-criterion", s, NULL,
					   "duplicate criterion %s in requirement %s", alias, rq->id);
				continue;
			}
			c = push_criterion(doc, rq, md, num, s + k, e);
			snprintf(c->alias, sizeof(c->alias), "%s", alias);
		} else {
			numset_add(seen, (size_t)(rq - doc->reqs), place);
			c = push_criterion(doc, rq, md, place, s, e);
			if (!first) {
				first = place;
				first_off = s;
			}
			last = place;
		}
		req__check_criterion(c, doc, md, path, diags);
	}
	if (first)
		md_diag_at(diags, md, path, SW_SEV_WARNING, "req-unnumbered", first_off,
			   "number them: '1. WHEN …, THE … SHALL …'",
			   "requirement %s: criteria written as bullets have no number; read as %s.%ld-%s.%ld by their order, "
			   "which changes when one is added", rq->id, rq->id, first, rq->id, last);
}

/*
 * A second ordered list in one requirement that numbers from the start
 * again (a "CAN:" list, then a "CANNOT:" list): its ids repeat the first
 * list's, so a reference could mean either.  The first list keeps its ids;
 * this one is reported, not loaded.  Returns 1 when @list restarts.
 */
static int list_restarts(const struct req_doc *doc, const struct req_requirement *rq, const struct md_doc *md,
			 const struct md_node *list, const char *label, const char *path, struct sw_diags *diags,
			 const struct numset *seen)
{
	const struct md_node *item = md_first_child(list);
	size_t is, ie, n = 0;
	long num;

	if (!item || !rq->ncrit)
		return 0;
	md_node_range(md, item, &is, &ie);
	num = strtol(md_doc_text(md) + is, NULL, 10);
	if (!rq_has_num(doc, rq, num, seen))
		return 0;
	for (; item; item = md_next(item))
		n++;
	md_diag_at(diags, md, path, SW_SEV_WARNING, "req-list-restart", is,
		   "number the lists on (…, N.4, N.5) or give each its own requirement",
		   "requirement %s: the list%s%s%s numbers its %zu criteria from %ld again; they repeat ids of an "
		   "earlier list and cannot be cited", rq->id, *label ? " after '" : "", label, *label ? "'" : "", n, num);
	return 1;
}

/*
 * Numbered criteria under no requirement ("## Non-Functional Requirements"
 * then "1. THE System SHALL …"): nothing can cite them.
 */
static void orphan_list(const struct md_doc *md, const struct md_node *list, const char *heading, const char *path,
			struct sw_diags *diags)
{
	const struct md_node *item;
	size_t s, e, n = 0;

	for (item = md_first_child(list); item; item = md_next(item))
		n++;
	md_node_range(md, list, &s, &e);
	md_diag_at(diags, md, path, SW_SEV_WARNING, "req-orphan-criteria", s,
		   "put them under '### Requirement N: Title' so they become N.1, N.2, …",
		   "%zu criteria%s%s%s belong to no requirement; tasks cannot cite them", n, *heading ? " under '" : "",
		   heading, *heading ? "'" : "");
}

int req_parse(struct req_doc **out, const struct md_doc *md, const char *path, struct sw_diags *diags,
	      struct sw_error *err)
{
	struct req_doc *doc = sw_xcalloc(1, sizeof(*doc));
	struct md_node *n;
	struct req_requirement *cur = NULL;
	int in_glossary = 0, in_criteria = 0, cur_level = 0, prev_num = 0;
	struct numset req_nums = { NULL, 0, 0 }, crit_nums = { NULL, 0, 0 };
	int crit_level = 0;   /* level of the criteria heading; deeper headings stay in the criteria */
	char heading[80] = "", label[48] = ""; /* the last heading; a short paragraph before a list ("CANNOT:") */
	size_t bad;

	SW_UNUSED(err);
	doc->title = sw_xstrdup("");
	if (md_doc_utf8_error(md, &bad))
		md_diag_at(diags, md, path, SW_SEV_ERROR, "md-utf8", bad, "save the file as UTF-8",
			"invalid UTF-8 byte 0x%02x", (unsigned char)md_doc_text(md)[bad]);
	for (n = md_first_child(md_root(md)); n; n = md_next(n)) {
		enum md_type type = md_node_type(n);

		if (type == MD_HEADING) {
			int level = md_heading_level(n), num;
			char *text = node_plain(n);
			const char *title;

			if (level == 1 && !*doc->title) {
				free(doc->title);
				doc->title = text;
				text = NULL;
			} else if (level >= 2 && level <= 4 && (!cur || level <= cur_level) &&
				   parse_req_heading(text, &num, &title)) {
				size_t s, e;

				md_node_range(md, n, &s, &e);
				SW_ALLOC_GROW(doc->reqs, doc->nreqs + 1, doc->areqs);
				cur = &doc->reqs[doc->nreqs++];
				memset(cur, 0, sizeof(*cur));
				cur->num = num;
				snprintf(cur->id, sizeof(cur->id), "%d", num);
				cur->title = sw_xstrdup(title);
				md_node_pos(md, n, &cur->line, &cur->col, NULL, NULL);
				cur_level = level;
				in_criteria = 0;
				in_glossary = 0;
				if (numset_add(&req_nums, 0, num))
					md_diag_at(diags, md, path, SW_SEV_ERROR, "req-duplicate", s, NULL,
						"duplicate requirement %d", num);
				else if (prev_num && num != prev_num + 1)
					md_diag_at(diags, md, path, SW_SEV_WARNING, "req-numbering", s, NULL,
						"requirement %d follows requirement %d", num, prev_num);
				prev_num = num;
			} else if (cur && level > cur_level && is_criteria_heading(text)) {
				in_criteria = 1;
				crit_level = level;
			} else if (cur && in_criteria && level > crit_level) {
				/* A group inside the criteria ("##### 28a: Proactive Orchestration"). */
			} else {
				if (cur && level <= cur_level)
					cur = NULL;
				in_criteria = 0;
				if (level <= 2)
					in_glossary = is_glossary_heading(text);
			}
			if (text && !is_criteria_heading(text))
				snprintf(heading, sizeof(heading), "%s", text);
			label[0] = '\0';
			free(text);
		} else if (type == MD_PARAGRAPH) {
			char *text = node_plain(n);

			snprintf(label, sizeof(label), "%s", strlen(text) < sizeof(label) ? text : "");
			if (cur && !cur->story && is_story(text) && !in_criteria) {
				cur->story = sw_xstrdup(text);
			} else if (cur && is_criteria_heading(text) && strlen(text) < 40) {
				in_criteria = 1;
				crit_level = 7; /* a heading after a bold "Acceptance Criteria" paragraph ends them */
			}
			free(text);
		} else if (type == MD_LIST) {
			int ordered = md_list_ordered(n), criteria = in_criteria || list_has_shall(md, n);

			if (in_glossary && !ordered) {
				const struct md_node *item;

				for (item = md_first_child(n); item; item = md_next(item))
					add_term(doc, md, item);
			} else if (cur && criteria && ordered) {
				if (!list_restarts(doc, cur, md, n, label, path, diags, &crit_nums))
					add_criteria(doc, cur, md, n, path, diags, &crit_nums);
			} else if (cur && criteria) {
				add_bullet_criteria(doc, cur, md, n, path, diags, &crit_nums);
			} else if (!cur && ordered && list_has_shall(md, n)) {
				orphan_list(md, n, heading, path, diags);
			}
			label[0] = '\0';
		}
	}
	if (diags) {
		size_t i;

		for (i = 0; i < doc->nreqs; i++)
			if (!doc->reqs[i].ncrit) {
				size_t off = md_pos_offset(md, doc->reqs[i].line, doc->reqs[i].col);

				md_diag_at(diags, md, path, SW_SEV_WARNING, "req-no-criteria", off,
					"list them under '#### Acceptance Criteria' as '1. WHEN …, THE … SHALL …'",
					"requirement %s has no acceptance criteria", doc->reqs[i].id);
			}
		if (!doc->nreqs) {
			if (md_doc_len(md) == md_doc_bom(md))
				md_diag_at(diags, md, path, SW_SEV_WARNING, "spec-empty", 0, NULL, "file is empty");
			else
				md_diag_at(diags, md, path, SW_SEV_WARNING, "req-none", 0,
					"requirements are headed '### Requirement N: Title'",
					"no requirements found");
		}
	}
	free(req_nums.v);
	free(crit_nums.v);
	*out = doc;
	return 0;
}

/* ---- references ------------------------------------------------------------------- */

void req_refs_release(struct req_refs *refs)
{
	free(refs->v);
	refs->v = NULL;
	refs->nr = refs->alloc = 0;
}

static struct req_ref *push_ref(struct req_refs *out, enum req_ref_kind kind, const struct md_doc *md, size_t off)
{
	struct req_ref *r;

	SW_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	r = &out->v[out->nr++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	md_offset_pos(md, off, &r->line, &r->col);
	return r;
}

/* Length of a range dash at @p: '-', en dash, em dash, or the word "to". */
static size_t dash_at(const char *p, size_t n)
{
	if (n >= 1 && p[0] == '-')
		return 1;
	if (n >= 3 && (!strncmp(p, "–", 3) || !strncmp(p, "—", 3) || !strncmp(p, "～", 3) || !strncmp(p, "〜", 3)))
		return 3;
	if (n >= 1 && p[0] == '~')
		return 1;
	if (n >= 3 && !strncmp(p, "to", 2) && p[2] == ' ')
		return 3;
	return 0;
}

/* "01.02" -> "1.2": references written with zero-padded numbers ("REQ-01") name the same ids. */
static void strip_zeros(char *id)
{
	char *w = id, *r = id;

	while (*r) {
		while (r[0] == '0' && isdigit((unsigned char)r[1]))
			r++;
		while (*r && *r != '.')
			*w++ = *r++;
		if (*r == '.')
			*w++ = *r++;
	}
	*w = '\0';
}

void req_refs_parse(struct req_refs *out, const struct md_doc *md, size_t off, size_t end)
{
	const char *t = md_doc_text(md);
	size_t i = off;

	while (i < end) {
		size_t s, e, k;
		char id[REQ_ID_MAX], to[REQ_ID_MAX];

		/* One item: up to ',' or ';' outside parentheses. */
		while (i < end && (t[i] == ' ' || t[i] == '\t' || t[i] == ',' || t[i] == ';' || t[i] == '\n' ||
				   t[i] == '\r' || t[i] == '*' || t[i] == '_' || t[i] == ':'))
			i++;
		if (i >= end)
			break;
		s = i;
		{
			int depth = 0;

			while (i < end && (depth || (t[i] != ',' && t[i] != ';' && strncmp(t + i, "，", 3) && strncmp(t + i, "、", 3)))) {
				if (t[i] == '(' || !strncmp(t + i, "（", 3))
					depth++;
				else if ((t[i] == ')' || !strncmp(t + i, "）", 3)) && depth)
					depth--;
				i++;
			}
		}
		e = i;
		if (i < end && (unsigned char)t[i] >= 0x80)
			i += 3;
		while (e > s && (t[e - 1] == ' ' || t[e - 1] == '*' || t[e - 1] == '_' || t[e - 1] == '.' ||
				 t[e - 1] == '\n' || t[e - 1] == '\r'))
			e--;
		/* "Requirements 1.1" / "Requirement 1.1" / "需求14" / "Requisito 2.1" */
		{
			static const char *const words[] = { "requirements", "requirement", "requisitos", "requisito",
							     "requerimientos", "requerimiento", "req.", "req", "需求", "要件",
							     "요구사항" };
			size_t w;

			for (w = 0; w < SW_ARRAY_SIZE(words); w++) {
				size_t wl = strlen(words[w]);

				if (e - s > wl && !strncasecmp(t + s, words[w], wl) &&
				    (t[s + wl] == ' ' || t[s + wl] == ':' || isdigit((unsigned char)t[s + wl]) ||
				     (t[s + wl] == '-' && !strcmp(words[w], "req")))) {
					s += wl + (t[s + wl] == '-');
					break;
				}
			}
		}
		while (s < e && (t[s] == ' ' || t[s] == ':' || t[s] == '#'))
			s++;
		if (s >= e)
			continue;
		{
			/* "AC-3": a criterion by the label it was written with. */
			long num;
			char alias[REQ_ID_MAX];

			if (ac_label(t + s, e - s, &num, alias, sizeof(alias))) {
				struct req_ref *r = push_ref(out, REQ_REF_CRITERION, md, s);

				snprintf(r->id, sizeof(r->id), "%s", alias);
				continue;
			}
		}
		k = req_scan_id(t + s, e - s, id, sizeof(id));
		strip_zeros(id);
		if (k) {
			size_t p = s + k, d;

			while (p < e && t[p] == ' ')
				p++;
			d = dash_at(t + p, e - p);
			if (d) {
				size_t q = p + d, k2;

				while (q < e && t[q] == ' ')
					q++;
				k2 = req_scan_id(t + q, e - q, to, sizeof(to));
				strip_zeros(to);
				if (k2) {
					struct req_ref *r = push_ref(out, REQ_REF_RANGE, md, s);

					snprintf(r->id, sizeof(r->id), "%s", id);
					snprintf(r->to, sizeof(r->to), "%s", to);
					/* "1.1-1.3, 1.5" also appears as "1.1-1.3 and 1.5": keep going after it. */
					continue;
				}
			}
			{
				struct req_ref *r = push_ref(out, strchr(id, '.') ? REQ_REF_CRITERION : REQ_REF_REQUIREMENT, md, s);

				snprintf(r->id, sizeof(r->id), "%s", id);
			}
			/* "1.1 and 1.2" inside one item. */
			while (p < e) {
				size_t a = p;

				if (e - a > 4 && !strncmp(t + a, "and ", 4))
					a += 4;
				else if (e - a > 1 && t[a] == '&')
					a += 1;
				else
					break;
				while (a < e && t[a] == ' ')
					a++;
				k = req_scan_id(t + a, e - a, id, sizeof(id));
				if (!k)
					break;
				{
					struct req_ref *r = push_ref(out, strchr(id, '.') ? REQ_REF_CRITERION : REQ_REF_REQUIREMENT, md, a);

					snprintf(r->id, sizeof(r->id), "%s", id);
				}
				p = a + k;
				while (p < e && t[p] == ' ')
					p++;
			}
			continue;
		}
		if (e - s >= 3 && !strncasecmp(t + s, "all", 3) && (e - s == 3 || !isalnum((unsigned char)t[s + 3]))) {
			push_ref(out, REQ_REF_ALL, md, s);
			continue;
		}
		{
			struct req_ref *r = push_ref(out, REQ_REF_TEXT, md, s);
			size_t n = e - s;

			if (n >= sizeof(r->text))
				n = sizeof(r->text) - 1;
			while (n && ((unsigned char)t[s + n] & 0xC0) == 0x80)
				n--;
			memcpy(r->text, t + s, n);
			r->text[n] = '\0';
		}
	}
}

/* A requirement reference "N" as "%d" writes it (no sign, no leading zero); 0 if it is not one. */
static int plain_number(const char *s, long *out)
{
	size_t n = strlen(s), i;

	if (!n || n > 9 || (s[0] == '0' && n > 1))
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	*out = strtol(s, NULL, 10);
	return 1;
}

int req_ref_names(const struct req_ref *ref, const struct req_criterion *c)
{
	char rid[16];

	switch (ref->kind) {
	case REQ_REF_ALL:
		return 1;
	case REQ_REF_CRITERION:
		return !strcmp(c->id, ref->id) || (*c->alias && !strcasecmp(c->alias, ref->id));
	case REQ_REF_REQUIREMENT:
		snprintf(rid, sizeof(rid), "%d", c->req);
		return !strcmp(rid, ref->id);
	case REQ_REF_RANGE:
		if (!strchr(ref->to, '.')) {
			/* "1-3": whole requirements 1 to 3. */
			long a = strtol(ref->id, NULL, 10), b = strtol(ref->to, NULL, 10);

			return c->req >= a && c->req <= b;
		}
		return req_id_cmp(c->id, ref->id) >= 0 && req_id_cmp(c->id, ref->to) <= 0;
	case REQ_REF_TEXT:
		break;
	}
	return 0;
}

size_t req_ref_expand(const struct req_doc *doc, const struct req_ref *ref,
		      void (*fn)(const struct req_criterion *c, void *data), void *data)
{
	const struct req__index *x;
	size_t *hits = NULL, nhits = 0, i, a = 0, b = 0;
	const size_t *order = NULL;
	long lo, hi;

	if (!doc || !doc->ncrit || ref->kind == REQ_REF_TEXT)
		return 0;
	if (ref->kind == REQ_REF_ALL) {
		for (i = 0; fn && i < doc->ncrit; i++)
			fn(&doc->crit[i], data);
		return doc->ncrit;
	}
	x = get_index(doc);
	switch (ref->kind) {
	case REQ_REF_CRITERION:
		order = x->crit_by_id;
		a = lower_bound(order, doc->ncrit, crit_id, doc, ref->id, 0);
		b = lower_bound(order, doc->ncrit, crit_id, doc, ref->id, 1);
		break;
	case REQ_REF_REQUIREMENT:
		/* Criteria whose requirement number, written "%d", is the reference. */
		if (!plain_number(ref->id, &lo))
			return 0;
		order = x->crit_by_req;
		a = req_bound(x, doc, lo, 0);
		b = req_bound(x, doc, lo, 1);
		break;
	case REQ_REF_RANGE:
		if (!strchr(ref->to, '.')) {
			/* "1-3": whole requirements 1 to 3. */
			lo = strtol(ref->id, NULL, 10);
			hi = strtol(ref->to, NULL, 10);
			order = x->crit_by_req;
			a = req_bound(x, doc, lo, 0);
			b = hi < lo ? a : req_bound(x, doc, hi, 1);
		} else {
			order = x->crit_by_id;
			a = lower_bound(order, doc->ncrit, crit_id, doc, ref->id, 0);
			b = lower_bound(order, doc->ncrit, crit_id, doc, ref->to, 1);
			if (b < a)
				b = a;
		}
		break;
	default:
		return 0;
	}
	hits = sw_xcalloc(b - a + 1, sizeof(*hits));
	for (i = a; i < b; i++)
		if (ref->kind != REQ_REF_CRITERION || !strcmp(doc->crit[order[i]].id, ref->id))
			hits[nhits++] = order[i];
	if (!nhits && ref->kind == REQ_REF_CRITERION && x->has_alias) {
		/* "AC-3" names a criterion by its label: rare, so a scan */
		free(hits);
		hits = sw_xcalloc(doc->ncrit + 1, sizeof(*hits));
		for (i = 0; i < doc->ncrit; i++)
			if (req_ref_names(ref, &doc->crit[i]))
				hits[nhits++] = i;
	}
	/* Callers see the criteria in file order. */
	qsort(hits, nhits, sizeof(*hits), size_cmp);
	for (i = 0; fn && i < nhits; i++)
		fn(&doc->crit[hits[i]], data);
	free(hits);
	return nhits;
}
