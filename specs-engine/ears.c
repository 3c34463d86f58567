/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ears.c - the EARS classifier: one pass over the criterion collecting
 * keyword events, then a decision on the events.
 *
 * The main SHALL is the first one.  The main clause starts at the last
 * boundary before it: "THEN", "THE" or a comma (ASCII, full-width or the
 * ideographic '、').  What lies before the boundary is the precondition and
 * must open with WHEN, WHILE, IF or WHERE (or an opener read as one of
 * them); what lies between the boundary and SHALL is the system name (or,
 * when SHALL stands last, the response).  Keywords are matched on whole
 * ASCII words, so they work next to CJK text without spaces.  When no
 * upper-case SHALL exists but a lower-case one does, or the first word is a
 * keyword in lower case, the pass is repeated case-insensitively and a
 * warning says so.  "FOR ALL" criteria are read first, on their own.
 *
 * ears_classify() is a short sequence: property, scan (with the opener and
 * case retries), no-SHALL diagnosis, response, precondition, subject, style.
 */
#include "base/compat.h"
#include "specs-engine/ears.h"

#include <ctype.h>

enum ev_kind { EV_WHEN, EV_WHILE, EV_IF, EV_WHERE, EV_THEN, EV_THE, EV_COMMA };

static const char *const ev_word[] = { "WHEN", "WHILE", "IF", "WHERE", "THEN", "THE" };

struct scan {
	int ci;                  /* case-insensitive keywords */
	size_t shall, shall_end; /* first SHALL, (size_t)-1 if none */
	size_t shall2;           /* second SHALL */
	int shall_count;
	/* Before the first SHALL: */
	int have_bnd;
	enum ev_kind bnd_kind;
	size_t bnd, bnd_end;     /* last boundary */
	unsigned mask_committed; /* precondition kinds before the last boundary */
	unsigned mask_pending;   /* ... seen since it */
	int first_kind;          /* kind of the first token: -1 content, or enum ev_kind */
	size_t first_off, first_end;
	int first_kw_kind;       /* first precondition keyword, -1 if none */
	size_t empty_kw, empty_kw_end; /* a precondition keyword followed by nothing */
	int have_empty;
	int if_seen, then_seen;
	size_t modal, modal_end; /* first MUST / SHOULD / WILL, (size_t)-1 if none */
	size_t lower_shall;      /* a shall in another case, (size_t)-1 if none */
	/* While scanning: */
	int content;             /* content seen since the last keyword */
	int pre_open;            /* the last keyword event was a precondition keyword */
	size_t pre, pre_end;     /* ... that keyword */
};

static int is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int word_eq(const char *w, size_t n, const char *kw, int ci)
{
	size_t i;

	if (strlen(kw) != n)
		return 0;
	for (i = 0; i < n; i++) {
		char a = w[i], b = kw[i];

		if (ci) {
			a = (char)toupper((unsigned char)a);
			b = (char)toupper((unsigned char)b);
		}
		if (a != b)
			return 0;
	}
	return 1;
}

/* Bytes that carry no words: white space and ASCII punctuation. */
static int is_filler(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || (c < 0x80 && ispunct(c));
}

/* Length of a comma at @p (0 if none): ',', U+FF0C, U+3001. */
static size_t comma_at(const char *p, size_t left)
{
	if (*p == ',')
		return 1;
	if (left >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC && (unsigned char)p[2] == 0x8C)
		return 3;
	if (left >= 3 && (unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x81)
		return 3;
	return 0;
}

/*
 * A non-EARS opener read by meaning ("AFTER <event>, …", "ON <condition>,
 * …"): @kind is the keyword it stands for (EV_WHEN, EV_WHILE, EV_WHERE), or
 * -1 for one that adds no condition ("AT ALL TIMES").
 */
struct opener {
	const char *words; /* the opener, upper case, words separated by one space */
	int kind;
	int upper_only;    /* matched only in capitals: "On the page, …" names a place, not a trigger */
};

static const struct opener openers[] = {
	{ "AS SOON AS", EV_WHEN, 0 }, { "AS LONG AS", EV_WHILE, 0 }, { "AT ALL TIMES", -1, 0 },
	{ "WHENEVER", EV_WHEN, 0 },   { "AFTER", EV_WHEN, 0 },      { "BEFORE", EV_WHEN, 0 },
	{ "ONCE", EV_WHEN, 0 },       { "UPON", EV_WHEN, 0 },       { "ON", EV_WHEN, 1 },
	{ "EVERY", EV_WHEN, 0 },      { "DURING", EV_WHILE, 0 },    { "WITH", EV_WHILE, 1 },
	{ "FOR", EV_WHERE, 1 },
};

struct opener_hit {
	const struct opener *op;
	size_t off, end; /* the opener's bytes */
};

/* The first token, when none was seen yet: -1 for content, else the keyword's kind. */
static void note_first(struct scan *s, int kind, size_t i, size_t j)
{
	if (s->first_kind != -2)
		return;
	s->first_kind = kind;
	s->first_off = i;
	s->first_end = j;
}

/* A precondition keyword with nothing after it ("WHEN , THE …"). */
static void note_empty(struct scan *s)
{
	if (s->pre_open && !s->content && !s->have_empty) {
		s->have_empty = 1;
		s->empty_kw = s->pre;
		s->empty_kw_end = s->pre_end;
	}
}

/* Starts a scan; with @op, the opener stands for its keyword.  Returns where scanning begins. */
static size_t scan_init(struct scan *s, int ci, const struct opener_hit *op)
{
	memset(s, 0, sizeof(*s));
	s->ci = ci;
	s->shall = s->shall2 = s->modal = s->lower_shall = (size_t)-1;
	s->first_kind = -2;
	s->first_kw_kind = -1;
	s->content = 1;
	if (!op)
		return 0;
	/* One that adds no condition ("AT ALL TIMES") is not a precondition. */
	s->first_kind = op->op->kind < 0 ? EV_WHEN : op->op->kind;
	s->first_off = op->off;
	s->first_end = op->end;
	if (op->op->kind >= 0) {
		s->mask_pending = 1u << op->op->kind;
		s->first_kw_kind = op->op->kind;
		s->pre_open = 1;
		s->pre = op->off;
		s->pre_end = op->end;
		s->content = 0;
	}
	return op->end;
}

/*
 * The word [@i, @j): SHALL (returns -2), a keyword before the first SHALL
 * (returns its kind), or content (returns -1); notes modals and a SHALL in
 * another case on the way.
 */
static int scan_word(struct scan *s, const char *t, size_t i, size_t j)
{
	size_t w;

	if (word_eq(t + i, j - i, "SHALL", s->ci)) {
		if (s->shall == (size_t)-1) {
			s->shall = i;
			s->shall_end = j;
		} else if (s->shall2 == (size_t)-1) {
			s->shall2 = i;
		}
		s->shall_count++;
		note_first(s, -1, i, j);
		return -2;
	}
	if (!s->ci && s->lower_shall == (size_t)-1 && word_eq(t + i, j - i, "SHALL", 1))
		s->lower_shall = i;
	if (s->modal == (size_t)-1 && (word_eq(t + i, j - i, "MUST", 0) || word_eq(t + i, j - i, "SHOULD", 0) ||
				       word_eq(t + i, j - i, "WILL", 0))) {
		s->modal = i;
		s->modal_end = j;
	}
	if (s->shall == (size_t)-1)
		for (w = 0; w < SW_ARRAY_SIZE(ev_word); w++)
			if (word_eq(t + i, j - i, ev_word[w], s->ci))
				return (int)w;
	return -1;
}

/* A keyword or comma event [@i, @j) before the first SHALL. */
static void scan_event(struct scan *s, int kind, size_t i, size_t j)
{
	/* "WHEN THE user …" is not an empty trigger: THE only opens a noun. */
	if (kind != EV_THE)
		note_empty(s);
	if (kind != EV_COMMA)
		note_first(s, kind, i, j);
	if (kind <= EV_WHERE) {
		s->mask_pending |= 1u << kind;
		if (s->first_kw_kind < 0)
			s->first_kw_kind = kind;
		if (kind == EV_IF)
			s->if_seen = 1;
		s->pre_open = 1;
		s->pre = i;
		s->pre_end = j;
	} else {
		if (kind == EV_THEN)
			s->then_seen = 1;
		s->have_bnd = 1;
		s->bnd_kind = (enum ev_kind)kind;
		s->bnd = i;
		s->bnd_end = j;
		s->mask_committed |= s->mask_pending;
		s->mask_pending = 0;
		if (kind == EV_THE)
			return;
		s->pre_open = 0;
	}
	s->content = 0;
}

static void scan_text(struct scan *s, const char *t, size_t len, int ci, const struct opener_hit *op)
{
	size_t i = scan_init(s, ci, op);

	while (i < len) {
		unsigned char c = (unsigned char)t[i];
		size_t k, j;
		int kind;

		if ((k = comma_at(t + i, len - i)) != 0) {
			kind = EV_COMMA;
			j = i + k;
		} else if (is_word(c)) {
			for (j = i; j < len && is_word((unsigned char)t[j]); j++)
				;
			kind = scan_word(s, t, i, j);
			if (kind == -1) {
				note_first(s, -1, i, j);
				s->content = 1;
			}
			if (kind < 0) {
				i = j;
				continue;
			}
		} else {
			if (!is_filler(c)) {
				for (j = i + 1; j < len && j - i < 12 && !is_filler((unsigned char)t[j]); j++)
					;
				note_first(s, -1, i, j);
				s->content = 1;
			}
			i++;
			continue;
		}
		if (s->shall == (size_t)-1)
			scan_event(s, kind, i, j);
		i = j;
	}
	note_empty(s);
}

static struct ears_finding *add_finding(struct ears_result *r, enum sw_severity sev, const char *code, size_t off,
					const char *hint, const char *fmt, ...) SW_PRINTF(6, 7);

static struct ears_finding *add_finding(struct ears_result *r, enum sw_severity sev, const char *code, size_t off,
					const char *hint, const char *fmt, ...)
{
	struct ears_finding *f;
	va_list ap;

	if (r->nr >= EARS_MAX_FINDINGS)
		return NULL;
	f = &r->f[r->nr++];
	f->severity = sev;
	f->code = code;
	f->off = off;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	snprintf(f->hint, sizeof(f->hint), "%s", hint ? hint : "");
	return f;
}

static enum ears_class class_of_mask(unsigned mask)
{
	int n = 0;
	enum ears_class cls = EARS_UBIQUITOUS;

	if (mask & (1u << EV_WHEN)) {
		n++;
		cls = EARS_EVENT;
	}
	if (mask & (1u << EV_WHILE)) {
		n++;
		cls = EARS_STATE;
	}
	if (mask & (1u << EV_IF)) {
		n++;
		cls = EARS_UNWANTED;
	}
	if (mask & (1u << EV_WHERE)) {
		n++;
		cls = EARS_OPTIONAL;
	}
	return n > 1 ? EARS_COMPLEX : cls;
}

static enum ears_class class_of_kind(int kind)
{
	switch (kind) {
	case EV_WHEN: return EARS_EVENT;
	case EV_WHILE: return EARS_STATE;
	case EV_IF: return EARS_UNWANTED;
	case EV_WHERE: return EARS_OPTIONAL;
	default: return EARS_UBIQUITOUS;
	}
}

static void nearest_hint(char *buf, size_t n, enum ears_class cls)
{
	snprintf(buf, n, "nearest pattern: %s '%s'", ears_class_name(cls), ears_class_template(cls));
}

/* A short quote of the text at @off for messages (up to 24 bytes, not splitting UTF-8). */
static void quote(char *buf, size_t n, const char *t, size_t len, size_t off)
{
	size_t e = off, max = off + 24;

	while (e < len && e < max && t[e] != '\n' && t[e] != '\r')
		e++;
	while (e > off && e < len && ((unsigned char)t[e] & 0xC0) == 0x80)
		e--;
	snprintf(buf, n, "%.*s", (int)(e - off), t + off);
}

static size_t skip_space(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

static const char *const vague_words[] = {
	"fast", "quick", "quickly", "easy", "easily", "simple", "intuitive", "efficient", "efficiently",
	"appropriate", "appropriately", "adequate", "adequately", "reasonable", "robust", "seamless",
	"seamlessly", "flexible", "etc", "user-friendly",
};

static void find_vague(struct ears_result *r, const char *t, size_t len)
{
	size_t i = 0, found = 0;

	while (i < len && found < 3) {
		size_t j, w;

		if (!is_word((unsigned char)t[i]) || (i > 0 && is_word((unsigned char)t[i - 1]))) {
			i++;
			continue;
		}
		for (j = i; j < len && (is_word((unsigned char)t[j]) || (t[j] == '-' && j + 1 < len &&
									is_word((unsigned char)t[j + 1]))); j++)
			;
		if (word_eq(t + i, j - i, "and", 1) && j + 3 <= len && !strncmp(t + j, "/or", 3)) {
			add_finding(r, SW_SEV_WARNING, "ears-vague", i, "say which one: 'and', 'or', or both cases separately",
				    "ambiguous 'and/or'");
			found++;
		}
		for (w = 0; w < SW_ARRAY_SIZE(vague_words); w++)
			if (word_eq(t + i, j - i, vague_words[w], 1)) {
				add_finding(r, SW_SEV_WARNING, "ears-vague", i,
					    "state a measurable criterion instead", "vague word '%.*s'", (int)(j - i), t + i);
				found++;
				break;
			}
		i = j;
	}
}

static int has(const char *t, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (t[i] == needle[0] && !memcmp(t + i, needle, n))
			return 1;
	return 0;
}

static int ends_with_word(const char *t, size_t len, const char *w)
{
	size_t n = strlen(w);

	return len >= n && !memcmp(t + len - n, w, n);
}

/*
 * Spanish, Portuguese and Vietnamese specs sometimes translate the upper-case
 * keywords too: "CUANDO …, LA X DEBERÁ …", "QUANDO …, O X DEVE …",
 * "KHI …, HỆ THỐNG PHẢI …".  Words are split on white space and commas.
 */
static int localized_words(struct ears_result *r, const char *t, size_t len)
{
	static const char *const modal_words[] = { "DEBERÁ", "DEBERA", "DEBE", "DEBERÁN", "DEVERÁ", "DEVERA", "DEVE",
						   "DEVEM", "PHẢI" };
	static const struct { const char *w; int kind; } conds[] = {
		{ "CUANDO", EARS_EVENT }, { "QUANDO", EARS_EVENT }, { "KHI", EARS_EVENT },
		{ "SI", EARS_UNWANTED }, { "SE", EARS_UNWANTED }, { "NẾU", EARS_UNWANTED },
		{ "MIENTRAS", EARS_STATE }, { "ENQUANTO", EARS_STATE },
		{ "DONDE", EARS_OPTIONAL }, { "ONDE", EARS_OPTIONAL },
	};
	size_t i = 0, k;
	unsigned kinds = 0;
	int modal = 0, nkinds = 0;
	enum ears_class cls = EARS_UBIQUITOUS;

	while (i < len) {
		size_t j;

		while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == ','))
			i++;
		for (j = i; j < len && t[j] != ' ' && t[j] != '\t' && t[j] != '\n' && t[j] != '\r' && t[j] != ','; j++)
			;
		for (k = 0; k < SW_ARRAY_SIZE(modal_words) && !modal; k++)
			modal = j - i == strlen(modal_words[k]) && !memcmp(t + i, modal_words[k], j - i);
		if (!modal)
			for (k = 0; k < SW_ARRAY_SIZE(conds); k++)
				if (j - i == strlen(conds[k].w) && !memcmp(t + i, conds[k].w, j - i) &&
				    !(kinds & (1u << conds[k].kind))) {
					kinds |= 1u << conds[k].kind;
					nkinds++;
					cls = (enum ears_class)conds[k].kind;
				}
		i = j;
	}
	if (!modal)
		return 0;
	r->cls = nkinds > 1 ? EARS_COMPLEX : cls;
	r->flags |= EARS_LOCALIZED;
	add_finding(r, SW_SEV_WARNING, "ears-localized", 0,
		    "Kiro keeps WHEN, IF, WHILE, WHERE, THE and SHALL in English in every language",
		    "EARS keywords are translated; read as %s", ears_class_name(r->cls));
	return 1;
}

/*
 * A criterion written wholly in Chinese, Japanese or Korean, with the EARS
 * keywords translated too ("…とき、システムは…すること").  It is read by its
 * modal ending or word and its condition marker, classified, and flagged:
 * Kiro keeps the keywords in English.  Returns 0 when no modal is found.
 */
static int localized(struct ears_result *r, const char *t, size_t len)
{
	static const char *const endings[] = { "こと", "ものとする", "ならない", "なりません", "必要がある", "べきである",
					       "べき", "야 한다", "야 합니다", "야한다" };
	static const char *const modals[] = { "应当", "应该", "应", "應", "必须", "必須", "須" };
	size_t n = len, i;
	int modal = 0;

	/* Trailing spaces and full stops ("。", "．", "."). */
	for (;;) {
		if (n && (t[n - 1] == ' ' || t[n - 1] == '.' || t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == '\t'))
			n--;
		else if (n >= 3 && (ends_with_word(t, n, "。") || ends_with_word(t, n, "．")))
			n -= 3;
		else
			break;
	}
	for (i = 0; i < SW_ARRAY_SIZE(endings) && !modal; i++)
		modal = ends_with_word(t, n, endings[i]);
	for (i = 0; i < SW_ARRAY_SIZE(modals) && !modal; i++)
		modal = has(t, len, modals[i]);
	if (!modal)
		return localized_words(r, t, len);
	if (has(t, len, "間、") || has(t, len, "期间") || has(t, len, "期間") || has(t, len, "동안"))
		r->cls = EARS_STATE;
	else if (has(t, len, "如果") || has(t, len, "若") || has(t, len, "경우"))
		r->cls = EARS_UNWANTED;
	else if (has(t, len, "とき") || has(t, len, "時、") || has(t, len, "際、") || has(t, len, "場合") ||
		 has(t, len, "当") || has(t, len, "時，") || has(t, len, "时，") || has(t, len, "때"))
		r->cls = EARS_EVENT;
	else
		r->cls = EARS_UBIQUITOUS;
	r->flags |= EARS_LOCALIZED;
	add_finding(r, SW_SEV_WARNING, "ears-localized", 0,
		    "Kiro keeps WHEN, IF, WHILE, WHERE, THE and SHALL in English in every language",
		    "EARS keywords are translated; read as %s", ears_class_name(r->cls));
	return 1;
}

/* Length of the word at @i (0 when @i does not start one). */
static size_t word_len(const char *t, size_t len, size_t i)
{
	size_t j = i;

	if (i > 0 && is_word((unsigned char)t[i - 1]))
		return 0;
	while (j < len && is_word((unsigned char)t[j]))
		j++;
	return j - i;
}

/* The first byte of the criterion's first word, past spaces and Markdown emphasis. */
static size_t first_word(const char *t, size_t len)
{
	size_t i = 0;

	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == '*' || t[i] == '_'))
		i++;
	return i;
}

/*
 * Matches the space-separated upper-case words @words at @i, in any case
 * unless @upper; returns the end of the match or 0.  Sets *@exact when the
 * text is in capitals.
 */
static size_t match_words(const char *t, size_t len, size_t i, const char *words, int upper, int *exact)
{
	*exact = 1;
	while (*words) {
		const char *sp = strchr(words, ' ');
		size_t n = sp ? (size_t)(sp - words) : strlen(words), k = word_len(t, len, i);

		if (k != n)
			return 0;
		if (strncmp(t + i, words, n)) {
			if (upper || strncasecmp(t + i, words, n))
				return 0;
			*exact = 0;
		}
		i += n;
		if (!sp)
			return i;
		words = sp + 1;
		if (i >= len || (t[i] != ' ' && t[i] != '\t'))
			return 0;
		while (i < len && (t[i] == ' ' || t[i] == '\t'))
			i++;
	}
	return i;
}

/* A non-EARS opener at the start of @t, followed by white space. */
static int find_opener(struct opener_hit *h, const char *t, size_t len)
{
	size_t i = first_word(t, len), k, e;
	int exact;

	for (k = 0; k < SW_ARRAY_SIZE(openers); k++) {
		e = match_words(t, len, i, openers[k].words, openers[k].upper_only, &exact);
		if (e && e < len && (t[e] == ' ' || t[e] == '\t' || t[e] == ',')) {
			h->op = &openers[k];
			h->off = i;
			h->end = e;
			return 1;
		}
	}
	return 0;
}

static const char *const keyword_names[] = { "WHEN", "WHILE", "IF", "WHERE" };

/*
 * A quantified property, "FOR ALL <inputs>, THE <system> SHALL …" or
 * "FOR ALL valid X, parsing then printing SHALL produce X", written for
 * property-based tests.  Never an error: a property without SHALL gets a
 * warning.  Returns 0 when @t does not open with FOR ALL / FOR ANY.
 */
static int classify_property(struct ears_result *r, const char *t, size_t len)
{
	size_t i = first_word(t, len), e = 0, bnd = (size_t)-1, k;
	int exact = 1;
	struct scan s;

	if (!(e = match_words(t, len, i, "FOR ALL", 0, &exact)) && !(e = match_words(t, len, i, "FOR ANY", 0, &exact)))
		return 0;
	r->cls = EARS_PROPERTY;
	if (!exact)
		add_finding(r, SW_SEV_WARNING, "ears-lowercase", i, "EARS keywords are written in capitals",
			    "expected 'FOR ALL' in capitals, found '%.*s'", (int)(e - i), t + i);
	scan_text(&s, t, len, 0, NULL);
	if (s.shall == (size_t)-1 && s.lower_shall != (size_t)-1) {
		add_finding(r, SW_SEV_WARNING, "ears-lowercase", s.lower_shall, "EARS keywords are written in capitals",
			    "expected 'SHALL' in capitals, found '%.5s'", t + s.lower_shall);
		scan_text(&s, t, len, 1, NULL);
	}
	if (s.shall == (size_t)-1) {
		add_finding(r, SW_SEV_WARNING, "ears-property-form", e,
			    "a property reads 'FOR ALL <inputs>, THE <system> SHALL <what holds>'",
			    "expected 'SHALL' in the property");
		return 1;
	}
	r->shall_off = s.shall;
	k = skip_space(t, len, s.shall_end);
	if (k + 3 <= len && word_eq(t + k, 3, "NOT", s.ci) && word_len(t, len, k) == 3)
		r->flags |= EARS_NEGATIVE;
	/* The system is named only in the "…, THE <system> SHALL" form. */
	for (k = e; k < s.shall; k++)
		if (t[k] == ',')
			bnd = k;
	if (bnd != (size_t)-1) {
		size_t a = skip_space(t, len, bnd + 1), b = s.shall;

		if (a + 4 < b && word_eq(t + a, 3, "THE", s.ci) && word_len(t, len, a) == 3) {
			a = skip_space(t, len, a + 3);
			while (b > a && is_filler((unsigned char)t[b - 1]))
				b--;
			r->subject_off = a;
			r->subject_len = b - a;
		}
	}
	if (s.shall_count > 1)
		add_finding(r, SW_SEV_WARNING, "ears-multiple-shall", s.shall2, "split the criterion: one SHALL each",
			    "criterion has %d SHALLs", s.shall_count);
	return 1;
}

/*
 * Scans @t: with an opener when one starts it and a boundary follows it
 * (otherwise "On-call engineers SHALL …" would read as a trigger), then in
 * any case when only a lower-case SHALL or a lower-case first keyword
 * exists.  Sets *@hit to the opener used, NULL if none.
 */
static void scan_criterion(struct ears_result *r, struct scan *s, const char *t, size_t len,
			   struct opener_hit *h, const struct opener_hit **hit)
{
	int ci = 0, have_op = find_opener(h, t, len);
	size_t fw;

	*hit = NULL;
	scan_text(s, t, len, 0, NULL);
	if (s->shall == (size_t)-1 && s->lower_shall != (size_t)-1) {
		add_finding(r, SW_SEV_WARNING, "ears-lowercase", s->lower_shall, "EARS keywords are written in capitals",
			    "expected 'SHALL' in capitals, found '%.5s'", t + s->lower_shall);
		ci = 1;
	} else if (s->shall != (size_t)-1 && s->first_kind == -1 && !have_op) {
		size_t k, n;

		fw = first_word(t, len);
		n = word_len(t, len, fw);
		for (k = 0; k < SW_ARRAY_SIZE(keyword_names); k++)
			if (word_eq(t + fw, n, keyword_names[k], 1)) {
				add_finding(r, SW_SEV_WARNING, "ears-lowercase", fw, "EARS keywords are written in capitals",
					    "expected '%s' in capitals, found '%.*s'", keyword_names[k], (int)n, t + fw);
				ci = 1;
				break;
			}
	}
	if (ci) {
		scan_text(s, t, len, 1, NULL);
		r->flags |= EARS_LOWERCASE;
	}
	if (have_op && (s->first_kind == -1 || !s->have_bnd)) {
		struct scan with;

		scan_text(&with, t, len, ci, h);
		if (with.have_bnd && with.shall != (size_t)-1) {
			*s = with;
			*hit = h;
		}
	}
}

/* No SHALL at all: a localized criterion, or an error naming what was expected. */
static void classify_no_shall(struct ears_result *r, const struct scan *s, const char *t, size_t len)
{
	enum ears_class near = s->first_kind >= 0 && s->first_kind <= EV_WHERE ? class_of_kind(s->first_kind)
									      : EARS_UBIQUITOUS;
	char q[64], hint[160];

	if (s->first_kind == -1 && s->first_kw_kind < 0 && localized(r, t, len))
		return;
	r->cls = EARS_NONE;
	nearest_hint(hint, sizeof(hint), near);
	if (s->modal != (size_t)-1) {
		add_finding(r, SW_SEV_ERROR, "ears-no-shall", s->modal, hint, "expected 'SHALL', found '%.*s'",
			    (int)(s->modal_end - s->modal), t + s->modal);
	} else if (s->first_kind >= 0 && s->first_kind <= EV_WHERE && s->have_bnd) {
		size_t at = skip_space(t, len, s->bnd_end);

		quote(q, sizeof(q), t, len, at);
		add_finding(r, SW_SEV_ERROR, "ears-no-shall", at, hint,
			    "expected '<system> SHALL <response>' after the %s, found '%s' and no SHALL",
			    near == EARS_STATE ? "state" : near == EARS_OPTIONAL ? "feature" : near == EARS_UNWANTED ? "condition" : "trigger",
			    q);
	} else if (s->first_kind >= 0 && s->first_kind <= EV_WHERE) {
		add_finding(r, SW_SEV_ERROR, "ears-no-shall", len, hint,
			    "expected ', THE <system> SHALL <response>' before the end, found no SHALL");
	} else {
		size_t at = s->first_kind == -2 ? 0 : s->first_off;

		quote(q, sizeof(q), t, len, at);
		add_finding(r, SW_SEV_ERROR, "ears-no-shall", at, hint,
			    "expected an EARS requirement (WHEN, WHILE, IF, WHERE or THE … SHALL), found '%s'", q);
	}
}

/* What follows SHALL: NOT, CONTINUE TO, the response, or nothing (SHALL last). */
static void read_response(struct ears_result *r, const struct scan *s, const char *t, size_t len)
{
	size_t after = skip_space(t, len, s->shall_end), k;

	if (after + 3 <= len && word_eq(t + after, 3, "NOT", s->ci) && (after + 3 == len || !is_word((unsigned char)t[after + 3]))) {
		r->flags |= EARS_NEGATIVE;
		after = skip_space(t, len, after + 3);
	}
	if (after + 8 <= len && word_eq(t + after, 8, "CONTINUE", s->ci) && (after + 8 == len || !is_word((unsigned char)t[after + 8]))) {
		size_t to = skip_space(t, len, after + 8);

		if (to + 2 <= len && word_eq(t + to, 2, "TO", s->ci) && (to + 2 == len || !is_word((unsigned char)t[to + 2]))) {
			r->flags |= EARS_CONTINUE;
			after = skip_space(t, len, to + 2);
		}
	}
	k = after;
	while (k < len && is_filler((unsigned char)t[k]))
		k++;
	/* Ideographic full stop and similar closing punctuation count as nothing. */
	while (k + 3 <= len && (unsigned char)t[k] == 0xE3 && (unsigned char)t[k + 1] == 0x80 &&
	       ((unsigned char)t[k + 2] == 0x82 || (unsigned char)t[k + 2] == 0x81))
		k += 3;
	if (k >= len && !(r->flags & (EARS_NEGATIVE | EARS_CONTINUE)))
		r->flags |= EARS_SHALL_LAST;
	else if (k >= len)
		add_finding(r, SW_SEV_ERROR, "ears-empty-response", len, NULL,
			    "expected the response after '%.*s', found the end of the criterion",
			    (int)(after - s->shall), t + s->shall);
}

static const char *cond_word(int kind)
{
	return kind == EV_WHILE ? "state" : kind == EV_WHERE ? "feature" : kind == EV_IF ? "condition" : "trigger";
}

/*
 * The precondition before the main clause.  A precondition that does not
 * open with an EARS keyword, or whose comma is missing, is a style warning:
 * the criterion keeps the class its keyword gives.
 */
static void classify_precondition(struct ears_result *r, const struct scan *s, const char *t, size_t len,
				  const struct opener_hit *op)
{
	char q[64], hint[160];

	if (s->have_bnd) {
		r->cls = class_of_mask(s->mask_committed);
		if (s->first_kind == -1) {
			/* Something before the boundary that is neither a keyword nor a known opener. */
			nearest_hint(hint, sizeof(hint), s->mask_committed ? class_of_mask(s->mask_committed) : EARS_EVENT);
			quote(q, sizeof(q), t, len, s->first_off);
			add_finding(r, SW_SEV_WARNING, "ears-precondition", s->first_off, hint,
				    "expected WHEN, WHILE, IF or WHERE to open the precondition, found '%s'", q);
			r->cls = EARS_NONE;
		} else if (op) {
			int kind = op->op->kind;

			snprintf(hint, sizeof(hint), "write '%s' (%s)",
				 kind < 0 ? ears_class_template(EARS_UBIQUITOUS) : ears_class_template(class_of_kind(kind)),
				 kind < 0 ? ears_class_name(EARS_UBIQUITOUS) : ears_class_name(class_of_kind(kind)));
			if (kind < 0)
				add_finding(r, SW_SEV_WARNING, "ears-opener", op->off, hint,
					    "'%.*s' is not an EARS keyword; a requirement that always holds needs none",
					    (int)(op->end - op->off), t + op->off);
			else
				add_finding(r, SW_SEV_WARNING, "ears-opener", op->off, hint,
					    "'%.*s' is not an EARS keyword; read as %s, write %s", (int)(op->end - op->off),
					    t + op->off, ears_class_name(class_of_kind(kind)), keyword_names[kind]);
		}
	} else {
		r->cls = EARS_UBIQUITOUS;
		if (s->first_kind >= 0 && s->first_kind <= EV_WHERE) {
			r->cls = class_of_mask(s->mask_pending);
			nearest_hint(hint, sizeof(hint), r->cls);
			add_finding(r, SW_SEV_WARNING, "ears-missing-then", s->shall, hint,
				    "expected ', THE <system>' or 'THEN' to end the %s before 'SHALL'", cond_word(s->first_kind));
		}
	}
	if (s->have_empty && r->cls != EARS_NONE) {
		nearest_hint(hint, sizeof(hint), r->cls);
		add_finding(r, SW_SEV_ERROR, "ears-empty-condition", s->empty_kw_end, hint,
			    "expected the condition after '%.*s', found nothing", (int)(s->empty_kw_end - s->empty_kw),
			    t + s->empty_kw);
		r->cls = EARS_NONE;
	}
}

/* The last "the" before SHALL, where a comma is missing ("WHILE x the system SHALL"). */
static size_t last_the(const char *t, size_t from, size_t to)
{
	size_t i, at = (size_t)-1;

	for (i = from; i + 3 < to; i++)
		if (word_len(t, to, i) == 3 && word_eq(t + i, 3, "THE", 1))
			at = i;
	return at;
}

/* The system name: between the boundary and SHALL, without a leading "the". */
static void find_subject(struct ears_result *r, const struct scan *s, const char *t, size_t len)
{
	size_t main_start = s->have_bnd ? s->bnd_end : 0;

	if (!(r->flags & EARS_SHALL_LAST)) {
		size_t a = skip_space(t, len, main_start), b = s->shall;

		if (!s->have_bnd && s->first_kind >= 0 && s->first_kind <= EV_WHERE) {
			size_t the = last_the(t, s->first_end, s->shall);

			if (the == (size_t)-1)
				return;
			a = skip_space(t, len, the + 3);
		} else if (s->have_bnd && s->bnd_kind == EV_THEN && a + 3 < b && word_eq(t + a, 3, "THE", 1) &&
			   !is_word((unsigned char)t[a + 3])) {
			a = skip_space(t, len, a + 3);
		} else if (!s->have_bnd && a + 3 < b && word_eq(t + a, 3, "THE", 1) && !is_word((unsigned char)t[a + 3])) {
			a = skip_space(t, len, a + 3);
		}
		while (b > a && is_filler((unsigned char)t[b - 1]) && t[b - 1] != '_' && t[b - 1] != '*' && t[b - 1] != '`')
			b--;
		r->subject_off = a;
		r->subject_len = b > a ? b - a : 0;
	} else if (s->have_bnd && skip_space(t, len, main_start) >= s->shall) {
		add_finding(r, SW_SEV_ERROR, "ears-empty-response", s->shall, NULL,
			    "expected the response before the final 'SHALL', found nothing");
		r->cls = EARS_NONE;
	}
}

/* Warnings on a criterion that classified: IF without THEN, the unchanged form, several SHALLs. */
static void style_warnings(struct ears_result *r, const struct scan *s, enum ears_context ctx)
{
	if (s->if_seen && !s->then_seen && r->cls != EARS_NONE)
		add_finding(r, SW_SEV_WARNING, "ears-if-without-then", s->have_bnd ? s->bnd : s->shall,
			    "unwanted behaviour reads 'IF <condition>, THEN THE <system> SHALL <response>'",
			    "expected 'THEN' after the IF condition");
	if (ctx == EARS_CTX_BUG_UNCHANGED && !(r->flags & EARS_CONTINUE))
		add_finding(r, SW_SEV_WARNING, "ears-unchanged-form", s->shall,
			    "unchanged behaviour reads 'WHEN <condition> THEN the system SHALL CONTINUE TO <behaviour>'",
			    "expected 'SHALL CONTINUE TO' in an unchanged-behaviour item");
	if (s->shall_count > 1)
		add_finding(r, SW_SEV_WARNING, "ears-multiple-shall", s->shall2, "split the criterion: one SHALL each",
			    "criterion has %d SHALLs", s->shall_count);
}

void ears_classify(struct ears_result *r, const char *t, size_t len, enum ears_context ctx)
{
	struct scan s;
	struct opener_hit h;
	const struct opener_hit *op = NULL;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->shall_off = (size_t)-1;
	/* A defect clause describes today's faulty behaviour: it is not a requirement. */
	if (ctx == EARS_CTX_BUG_CURRENT)
		return;
	if (classify_property(r, t, len))
		goto vague;
	scan_criterion(r, &s, t, len, &h, &op);
	if (s.shall == (size_t)-1) {
		classify_no_shall(r, &s, t, len);
		goto vague;
	}
	r->shall_off = s.shall;
	read_response(r, &s, t, len);
	classify_precondition(r, &s, t, len, op);
	find_subject(r, &s, t, len);
	style_warnings(r, &s, ctx);
vague:
	/* A criterion with an error matches no pattern. */
	for (i = 0; i < r->nr; i++)
		if (r->f[i].severity == SW_SEV_ERROR)
			r->cls = EARS_NONE;
	find_vague(r, t, len);
}

static const char *const class_names[] = {
	"none", "ubiquitous", "event-driven", "state-driven", "unwanted", "optional", "complex", "property",
};

const char *ears_class_name(enum ears_class cls)
{
	return (size_t)cls < SW_ARRAY_SIZE(class_names) ? class_names[cls] : "none";
}

int ears_class_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(class_names); i++)
		if (!strcmp(name, class_names[i]))
			return (int)i;
	return -1;
}

const char *ears_class_template(enum ears_class cls)
{
	switch (cls) {
	case EARS_EVENT: return "WHEN <trigger>, THE <system> SHALL <response>";
	case EARS_STATE: return "WHILE <state>, THE <system> SHALL <response>";
	case EARS_UNWANTED: return "IF <condition>, THEN THE <system> SHALL <response>";
	case EARS_OPTIONAL: return "WHERE <feature>, THE <system> SHALL <response>";
	case EARS_COMPLEX: return "WHILE <state>, WHEN <trigger>, THE <system> SHALL <response>";
	case EARS_PROPERTY: return "FOR ALL <inputs>, THE <system> SHALL <what holds>";
	default: return "THE <system> SHALL <response>";
	}
}
