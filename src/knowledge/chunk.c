/* SPDX-License-Identifier: Apache-2.0 */
/*
 * chunk.c - line-exact chunking of Markdown, code and plain text.
 *
 * Three passes over one line table: classify each line (blank, heading,
 * fence), group lines into units (paragraphs or blank-line blocks, tagged
 * with their Markdown section), then pack units into chunks within the
 * line and byte bounds.  Spans are computed from the line table only, so
 * a chunk's text is always exactly the lines it claims.
 */
#include "base/compat.h"
#include "knowledge/chunk.h"

#include <ctype.h>

#define HEADING_MAX 200 /* bytes of a heading kept per chunk */

struct line {
	size_t off, len;  /* bytes, without '\n' and a trailing '\r' */
	int blank;        /* only spaces and tabs */
	int level;        /* Markdown heading level, 0 if not a heading */
};

struct unit {
	int first, last;  /* 0-based line indexes, inclusive */
	int section;      /* Markdown section number (a heading starts a new one) */
};

static const char *const code_exts[] = {
	"c", "h", "cc", "cpp", "cxx", "hpp", "hh", "hxx", "rs", "py", "js", "jsx", "mjs", "cjs",
	"ts", "tsx", "java", "go", "rb", "php", "swift", "kt", "kts", "cs", "sh", "bash", "zsh",
	"sql", "yaml", "yml", "toml", "json", "css", "scss", "sass", "less", "html", "htm", "xml",
	"lua", "pl", "pm", "m", "mm", "scala", "el", "clj", "ex", "exs", "erl", "hs", "ml", "vue",
	"svelte", "dart", "r", "jl", "zig", "nim", "tf", "proto", "gradle", "cmake", "mk",
};

enum kb_kind kb_kind_for_path(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t i;

	if (!strcmp(base, "Makefile") || !strcmp(base, "Dockerfile") || !strcmp(base, "CMakeLists.txt"))
		return KB_KIND_CODE;
	if (!dot || dot == base)
		return KB_KIND_TEXT;
	dot++;
	if (!strcasecmp(dot, "md") || !strcasecmp(dot, "markdown") || !strcasecmp(dot, "mdx"))
		return KB_KIND_MARKDOWN;
	for (i = 0; i < SW_ARRAY_SIZE(code_exts); i++)
		if (!strcasecmp(dot, code_exts[i]))
			return KB_KIND_CODE;
	return KB_KIND_TEXT;
}

static int is_fence(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && i < 3 && s[i] == ' ')
		i++;
	return len - i >= 3 && ((s[i] == '`' && s[i + 1] == '`' && s[i + 2] == '`') ||
				(s[i] == '~' && s[i + 1] == '~' && s[i + 2] == '~'));
}

static int heading_level(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == '#')
		i++;
	if (i == 0 || i > 6)
		return 0;
	return (i == len || s[i] == ' ' || s[i] == '\t') ? (int)i : 0;
}

static size_t scan_lines(struct line **out, const char *text, size_t len)
{
	struct line *v = NULL;
	size_t nr = 0, alloc = 0, pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - pos, i;
		struct line *l;

		SW_ALLOC_GROW(v, nr + 1, alloc);
		l = &v[nr++];
		if (n && text[pos + n - 1] == '\r')
			n--;
		l->off = pos;
		l->len = n;
		l->blank = 1;
		for (i = 0; i < n; i++)
			if (text[pos + i] != ' ' && text[pos + i] != '\t') {
				l->blank = 0;
				break;
			}
		l->level = 0;
		pos = nl ? end + 1 : len;
	}
	*out = v;
	return nr;
}

static void set_heading(struct kb_chunk *c, const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len > HEADING_MAX) {
		len = HEADING_MAX;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
			len--;
	}
	free(c->heading);
	c->heading = sw_xstrndup(s, len);
}

/* Heading text of a Markdown heading line: without the #s and a closing #-run. */
static void heading_text(const char *s, size_t len, const char **ts, size_t *tlen)
{
	while (len && *s == '#')
		s++, len--;
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len && s[len - 1] == '#') {
		size_t e = len;

		while (e && s[e - 1] == '#')
			e--;
		if (e == 0 || s[e - 1] == ' ' || s[e - 1] == '\t')
			len = e;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
	}
	*ts = s;
	*tlen = len;
}

struct packer {
	struct kb_chunks *out;
	const char *text;
	const struct line *lines;
	const struct kb_chunk_opts *o;
	enum kb_kind kind;
	const char *section_heading; /* Markdown heading path of the current section */
};

static size_t span_bytes(const struct packer *p, int a, int b)
{
	return p->lines[b].off + p->lines[b].len - p->lines[a].off;
}

static void emit(struct packer *p, int a, int b)
{
	struct kb_chunk *c;
	int i;

	while (a <= b && p->lines[a].blank)
		a++;
	while (b >= a && p->lines[b].blank)
		b--;
	if (a > b)
		return;
	SW_ALLOC_GROW(p->out->v, p->out->nr + 1, p->out->alloc);
	c = &p->out->v[p->out->nr++];
	c->start_line = a + 1;
	c->end_line = b + 1;
	c->off = p->lines[a].off;
	c->len = span_bytes(p, a, b);
	c->heading = NULL;
	if (p->kind == KB_KIND_MARKDOWN) {
		c->heading = sw_xstrdup(p->section_heading);
		return;
	}
	if (p->kind == KB_KIND_CODE)
		for (i = a; i <= b; i++) {
			unsigned char ch = (unsigned char)p->text[p->lines[i].off];

			if (p->lines[i].len && (isalpha(ch) || ch == '_')) {
				set_heading(c, p->text + p->lines[i].off, p->lines[i].len);
				break;
			}
		}
	if (!c->heading)
		c->heading = sw_xstrdup("");
}

static int closes_block(const struct packer *p, int i)
{
	const char *s = p->text + p->lines[i].off;
	size_t n = p->lines[i].len;

	return n >= 1 && s[0] == '}' && (n == 1 || (n == 2 && s[1] == ';'));
}

/* Cuts the long unit [a, b] into overlapping windows. */
static void emit_windows(struct packer *p, int a, int b)
{
	int start = a;

	for (;;) {
		int end = start + p->o->max_lines - 1, i;

		if (end > b)
			end = b;
		while (end > start && span_bytes(p, start, end) > p->o->max_bytes)
			end--;
		if (end < b && p->kind == KB_KIND_CODE) {
			/* Prefer ending right after a top-level closing brace in the window's second half. */
			for (i = end; i > start + (end - start) / 2; i--)
				if (closes_block(p, i)) {
					end = i;
					break;
				}
		}
		emit(p, start, end);
		if (end >= b)
			break;
		i = end + 1 - p->o->overlap;
		start = i > start ? i : start + 1;
	}
}

static int too_big(const struct packer *p, int a, int b)
{
	return b - a + 1 > p->o->max_lines || span_bytes(p, a, b) > p->o->max_bytes;
}

static void pack(struct packer *p, const struct unit *u, size_t nu)
{
	int cs = -1, ce = -1;
	size_t i;

	for (i = 0; i < nu; i++) {
		if (cs >= 0 && (u[i].section != u[i - 1].section || too_big(p, cs, u[i].last))) {
			emit(p, cs, ce);
			cs = -1;
		}
		if (too_big(p, u[i].first, u[i].last)) {
			emit_windows(p, u[i].first, u[i].last);
			continue;
		}
		if (cs < 0)
			cs = u[i].first;
		ce = u[i].last;
	}
	if (cs >= 0)
		emit(p, cs, ce);
}

void kb_chunk_text(struct kb_chunks *out, const char *text, size_t len, enum kb_kind kind,
		   const struct kb_chunk_opts *opts)
{
	static const struct kb_chunk_opts defaults = KB_CHUNK_OPTS_INIT;
	struct kb_chunk_opts o = opts ? *opts : defaults;
	struct line *lines = NULL;
	struct unit *units = NULL;
	size_t nl, nu = 0, ualloc = 0, i;
	struct packer p;
	struct sw_buf path = SW_BUF_INIT;
	char *hs[7] = { NULL }; /* heading text per level, 1..6 */
	int in_fence = 0, section = 0, cur_first = -1, cur_section = 0;

	if (o.max_lines < 1)
		o.max_lines = 1;
	if (o.overlap < 0 || o.overlap >= o.max_lines)
		o.overlap = o.max_lines > 1 ? o.max_lines / 4 : 0;
	if (o.max_bytes < 1)
		o.max_bytes = 1;
	nl = scan_lines(&lines, text, len);
	p.out = out;
	p.text = text;
	p.lines = lines;
	p.o = &o;
	p.kind = kind;
	p.section_heading = "";

	/* Units: runs of non-blank lines; headings start sections; fences hold blank lines. */
	for (i = 0; i < nl; i++) {
		const char *s = text + lines[i].off;
		int split = 0;

		if (kind == KB_KIND_MARKDOWN) {
			if (is_fence(s, lines[i].len)) {
				in_fence = !in_fence;
			} else if (!in_fence && (lines[i].level = heading_level(s, lines[i].len))) {
				section++;
				split = 1;
			}
		}
		if ((lines[i].blank && !in_fence) || split) {
			if (cur_first >= 0) {
				SW_ALLOC_GROW(units, nu + 1, ualloc);
				units[nu].first = cur_first;
				units[nu].last = (int)i - 1;
				units[nu].section = cur_section;
				nu++;
				cur_first = -1;
			}
			if (lines[i].blank && !split)
				continue;
		}
		if (cur_first < 0) {
			cur_first = (int)i;
			cur_section = section;
		}
	}
	if (cur_first >= 0) {
		SW_ALLOC_GROW(units, nu + 1, ualloc);
		units[nu].first = cur_first;
		units[nu].last = (int)nl - 1;
		units[nu].section = cur_section;
		nu++;
	}

	if (kind != KB_KIND_MARKDOWN) {
		pack(&p, units, nu);
		goto out;
	}
	/* Markdown: pack each section alone, with its heading path. */
	for (i = 0; i < nu;) {
		size_t j = i;
		const struct line *h = &lines[units[i].first];

		if (h->level) {
			const char *ts;
			size_t tl;
			int lv;

			heading_text(text + h->off, h->len, &ts, &tl);
			free(hs[h->level]);
			hs[h->level] = sw_xstrndup(ts, tl);
			for (lv = h->level + 1; lv <= 6; lv++) {
				free(hs[lv]);
				hs[lv] = NULL;
			}
			sw_buf_reset(&path);
			for (lv = 1; lv <= 6; lv++) {
				if (!hs[lv])
					continue;
				if (path.len)
					sw_buf_adds(&path, " / ");
				sw_buf_adds(&path, hs[lv]);
			}
			if (path.len > HEADING_MAX) {
				size_t n = HEADING_MAX;

				while (n && ((unsigned char)path.ptr[n] & 0xC0) == 0x80)
					n--;
				sw_buf_setlen(&path, n);
			}
		}
		while (j < nu && units[j].section == units[i].section)
			j++;
		p.section_heading = path.ptr;
		pack(&p, units + i, j - i);
		i = j;
	}
out:
	for (i = 0; i < SW_ARRAY_SIZE(hs); i++)
		free(hs[i]);
	sw_buf_release(&path);
	free(units);
	free(lines);
}

void kb_chunks_release(struct kb_chunks *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nr; i++)
		free(c->v[i].heading);
	free(c->v);
	c->v = NULL;
	c->nr = c->alloc = 0;
}
