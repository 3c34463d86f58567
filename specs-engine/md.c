/* SPDX-License-Identifier: Apache-2.0 */
/*
 * md.c - cmark behind source positions that refer to the file on disk.
 *
 * cmark numbers lines from 1 and columns in bytes from 1, relative to the
 * buffer it was given.  We give it the text without a leading BOM, so on
 * line 1 every column is shifted by the BOM's length before it leaves this
 * file; a table of line starts (built once, with the same line-ending rules
 * as cmark) turns line:col into byte offsets and back.
 *
 * struct md_node is never defined: a pointer to one is a cmark_node.
 */
#include "base/compat.h"
#include "specs-engine/md.h"

#include <cmark.h>

struct md_doc {
	const char *text;   /* borrowed */
	size_t len;
	size_t bom;         /* 3 or 0 */
	int crlf;           /* first line ending is CRLF */
	size_t *lines;      /* start offset of each line */
	size_t nlines;
	cmark_node *root;
	int utf8_checked;   /* utf8_bad/utf8_off are valid */
	int utf8_bad;
	size_t utf8_off;
};

#define CM(n) ((cmark_node *)(n))
#define MDN(n) ((struct md_node *)(n))

static void build_lines(struct md_doc *d)
{
	const char *t = d->text;
	size_t alloc = 0, i, n = d->len;

	SW_ALLOC_GROW(d->lines, 1, alloc);
	d->lines[d->nlines++] = 0;
	if (!memchr(t, '\r', n)) {
		const char *p = t, *end = t + n;

		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			p++;
			SW_ALLOC_GROW(d->lines, d->nlines + 1, alloc);
			d->lines[d->nlines++] = (size_t)(p - t);
		}
	} else {
		for (i = 0; i < n; i++) {
			if (t[i] == '\r') {
				if (!d->crlf && d->nlines == 1 && i + 1 < n && t[i + 1] == '\n')
					d->crlf = 1;
				if (i + 1 < n && t[i + 1] == '\n')
					i++;
			} else if (t[i] != '\n') {
				continue;
			}
			SW_ALLOC_GROW(d->lines, d->nlines + 1, alloc);
			d->lines[d->nlines++] = i + 1;
		}
	}
	/* A final line ending does not start a line of its own. */
	if (d->nlines > 1 && d->lines[d->nlines - 1] == n)
		d->nlines--;
}

int md_parse(struct md_doc **out, const char *text, size_t len, struct sw_error *err)
{
	struct md_doc *d;

	*out = NULL;
	if (len > MD_MAX_DOC)
		return sw_error_set(err, SW_ETOOBIG, "document is larger than %u MB", MD_MAX_DOC >> 20);
	d = sw_xcalloc(1, sizeof(*d));
	d->text = text;
	d->len = len;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		d->bom = 3;
	build_lines(d);
	d->root = cmark_parse_document(text + d->bom, len - d->bom, CMARK_OPT_SOURCEPOS);
	if (!d->root)
		SW_BUG("cmark returned no document");
	*out = d;
	return 0;
}

void md_doc_free(struct md_doc *d)
{
	if (!d)
		return;
	if (d->root)
		cmark_node_free(d->root);
	free(d->lines);
	free(d);
}

const char *md_doc_text(const struct md_doc *d) { return d->text; }
size_t md_doc_len(const struct md_doc *d) { return d->len; }
size_t md_doc_bom(const struct md_doc *d) { return d->bom; }
int md_doc_crlf(const struct md_doc *d) { return d->crlf; }
int md_doc_lines(const struct md_doc *d) { return (int)d->nlines; }

size_t md_line_start(const struct md_doc *d, int line)
{
	if (line < 1)
		return 0;
	if ((size_t)line > d->nlines)
		return d->len;
	return d->lines[line - 1];
}

size_t md_line_end(const struct md_doc *d, int line)
{
	size_t e;

	if (line < 1)
		line = 1;
	if ((size_t)line >= d->nlines)
		e = d->len;
	else
		e = d->lines[line];
	while (e > md_line_start(d, line) && (d->text[e - 1] == '\n' || d->text[e - 1] == '\r'))
		e--;
	return e;
}

void md_offset_pos(const struct md_doc *d, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = d->nlines;

	if (off > d->len)
		off = d->len;
	/* Binary search for the last line starting at or before off. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*col = (int)(off - d->lines[lo]) + 1;
}

size_t md_pos_offset(const struct md_doc *d, int line, int col)
{
	size_t off = md_line_start(d, line) + (size_t)(col > 0 ? col - 1 : 0);

	return off > d->len ? d->len : off;
}

/* Length of the valid UTF-8 sequence at @s (0 if invalid or NUL). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k, i;
	unsigned cp;

	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		k = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return k;
}

int md_doc_utf8_error(const struct md_doc *d, size_t *off)
{
	struct md_doc *m = (struct md_doc *)d; /* the answer is cached */
	const unsigned char *s = (const unsigned char *)d->text;
	size_t i = 0, k;

	if (!m->utf8_checked) {
		m->utf8_checked = 1;
		while (i < d->len) {
			if (s[i] && s[i] < 0x80) {
				i++;
				continue;
			}
			k = utf8_seq(s + i, d->len - i);
			if (!k) {
				m->utf8_bad = 1;
				m->utf8_off = i;
				break;
			}
			i += k;
		}
	}
	if (m->utf8_bad && off)
		*off = m->utf8_off;
	return m->utf8_bad;
}

struct md_node *md_root(const struct md_doc *d)
{
	return MDN(d->root);
}

enum md_type md_node_type(const struct md_node *n)
{
	switch (cmark_node_get_type(CM(n))) {
	case CMARK_NODE_DOCUMENT: return MD_DOCUMENT;
	case CMARK_NODE_HEADING: return MD_HEADING;
	case CMARK_NODE_PARAGRAPH: return MD_PARAGRAPH;
	case CMARK_NODE_LIST: return MD_LIST;
	case CMARK_NODE_ITEM: return MD_ITEM;
	case CMARK_NODE_CODE_BLOCK: return MD_CODE;
	case CMARK_NODE_BLOCK_QUOTE: return MD_QUOTE;
	case CMARK_NODE_HTML_BLOCK: return MD_HTML;
	case CMARK_NODE_THEMATIC_BREAK: return MD_RULE;
	default: return MD_OTHER;
	}
}

static int is_block(cmark_node *n)
{
	cmark_node_type t = cmark_node_get_type(n);

	return t >= CMARK_NODE_FIRST_BLOCK && t <= CMARK_NODE_LAST_BLOCK;
}

struct md_node *md_first_child(const struct md_node *n)
{
	cmark_node *c = cmark_node_first_child(CM(n));

	return c && is_block(c) ? MDN(c) : NULL;
}

struct md_node *md_next(const struct md_node *n)
{
	return MDN(cmark_node_next(CM(n)));
}

struct md_node *md_parent(const struct md_node *n)
{
	return MDN(cmark_node_parent(CM(n)));
}

int md_node_depth(const struct md_node *n)
{
	int depth = 0;
	cmark_node *p;

	for (p = cmark_node_parent(CM(n)); p; p = cmark_node_parent(p))
		depth++;
	return depth;
}

struct md_node *md_walk_next(const struct md_node *root, const struct md_node *n, int skip_children)
{
	cmark_node *c = CM(n);

	if (!skip_children) {
		cmark_node *f = cmark_node_first_child(c);

		if (f && is_block(f))
			return MDN(f);
	}
	while (c && c != CM(root)) {
		if (cmark_node_next(c))
			return MDN(cmark_node_next(c));
		c = cmark_node_parent(c);
	}
	return NULL;
}

int md_heading_level(const struct md_node *n)
{
	return cmark_node_get_type(CM(n)) == CMARK_NODE_HEADING ? cmark_node_get_heading_level(CM(n)) : 0;
}

int md_list_ordered(const struct md_node *n)
{
	cmark_node *l = CM(n);

	if (cmark_node_get_type(l) == CMARK_NODE_ITEM)
		l = cmark_node_parent(l);
	return l && cmark_node_get_type(l) == CMARK_NODE_LIST && cmark_node_get_list_type(l) == CMARK_ORDERED_LIST;
}

int md_list_start(const struct md_node *n)
{
	return cmark_node_get_list_start(CM(n));
}

const char *md_code_info(const struct md_node *n)
{
	const char *s = cmark_node_get_fence_info(CM(n));

	return s ? s : "";
}

const char *md_code_literal(const struct md_node *n)
{
	const char *s = cmark_node_get_literal(CM(n));

	return s ? s : "";
}

void md_node_pos(const struct md_doc *d, const struct md_node *n, int *line, int *col, int *end_line,
		 int *end_col)
{
	int l = cmark_node_get_start_line(CM(n)), c = cmark_node_get_start_column(CM(n));
	int el = cmark_node_get_end_line(CM(n)), ec = cmark_node_get_end_column(CM(n));

	if (l < 1)
		l = 1;
	if (c < 1)
		c = 1;
	if (el < l)
		el = l;
	if (l == 1)
		c += (int)d->bom;
	if (el == 1 && ec > 0)
		ec += (int)d->bom;
	if (line)
		*line = l;
	if (col)
		*col = c;
	if (end_line)
		*end_line = el;
	if (end_col)
		*end_col = ec;
}

void md_node_range(const struct md_doc *d, const struct md_node *n, size_t *start, size_t *end)
{
	int l, c, el, ec;
	size_t s, e;

	md_node_pos(d, n, &l, &c, &el, &ec);
	s = md_pos_offset(d, l, c);
	if (ec <= 0)
		e = md_line_start(d, el);
	else
		e = md_line_start(d, el) + (size_t)ec;
	if (e > md_line_end(d, el) && (size_t)el <= d->nlines)
		e = md_line_end(d, el);
	if (e > d->len)
		e = d->len;
	if (e < s)
		e = s;
	*start = s;
	*end = e;
}

void md_node_text(const struct md_node *n, struct sw_buf *out)
{
	cmark_iter *it = cmark_iter_new(CM(n));
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			lit = cmark_node_get_literal(c);
			if (lit)
				sw_buf_adds(out, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			sw_buf_addch(out, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

void md_diag_at(struct sw_diags *d, const struct md_doc *md, const char *path, enum sw_severity sev,
		    const char *code, size_t off, const char *hint, const char *fmt, ...)
{
	struct sw_buf msg = SW_BUF_INIT;
	struct sw_diag *dg;
	int line, col;
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	sw_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	md_offset_pos(md, off, &line, &col);
	dg = sw_diag_add(d, sev, code, path, line, col, "%s", msg.ptr);
	if (hint && *hint)
		sw_diag_set_hint(dg, "%s", hint);
	sw_buf_release(&msg);
}
