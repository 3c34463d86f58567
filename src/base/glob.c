/* SPDX-License-Identifier: Apache-2.0 */
/*
 * glob.c - wildmatch-style matcher with brace alternatives, and gitignore
 * rule sets.  Braces are handled by trying each alternative in turn (the
 * pattern is rewritten without allocation per alternative up to a fixed
 * depth), so the core matcher only knows '*', '?', classes and '**'.
 */
#include "compat.h"
#include "glob.h"

#define GLOB_MAX_DEPTH 64 /* recursion bound for pathological patterns */

static int match_class(const char **pp, unsigned char c)
{
	const char *p = *pp + 1; /* past '[' */
	int negate = 0, ok = 0;

	if (*p == '!' || *p == '^') {
		negate = 1;
		p++;
	}
	if (*p == ']') { /* a leading ']' is literal */
		ok |= c == ']';
		p++;
	}
	while (*p && *p != ']') {
		unsigned char lo = (unsigned char)*p, hi;

		if (lo == '\\' && p[1])
			lo = (unsigned char)*++p;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hi = (unsigned char)p[2];
			if (hi == '\\' && p[3])
				hi = (unsigned char)p[3], p++;
			ok |= c >= lo && c <= hi;
			p += 3;
		} else {
			ok |= c == lo;
			p++;
		}
	}
	if (*p != ']')
		return -1; /* unterminated: caller treats '[' literally */
	*pp = p + 1;
	return ok ^ negate;
}

static int wild(const char *p, const char *s, const char *pstart, int depth)
{
	if (depth > GLOB_MAX_DEPTH)
		return 0;
	for (; *p; p++, s++) {
		switch (*p) {
		case '?':
			if (!*s || *s == '/')
				return 0;
			break;
		case '[': {
			const char *q = p;
			int r;

			if (!*s || *s == '/')
				return 0;
			r = match_class(&q, (unsigned char)*s);
			if (r < 0) {
				if (*s != '[')
					return 0;
				break;
			}
			if (!r)
				return 0;
			p = q - 1;
			break;
		}
		case '\\':
			if (p[1])
				p++;
			if (*s != *p)
				return 0;
			break;
		case '*':
			if (p[1] == '*' && (p == pstart || p[-1] == '/') && (p[2] == '/' || p[2] == '\0')) {
				const char *rest = p + 2;

				if (!*rest)
					return 1;
				rest++; /* past '/': zero or more directories */
				for (;;) {
					if (wild(rest, s, pstart, depth + 1))
						return 1;
					s = strchr(s, '/');
					if (!s)
						return 0;
					s++;
				}
			}
			while (p[1] == '*')
				p++;
			for (;;) {
				if (wild(p + 1, s, pstart, depth + 1))
					return 1;
				if (!*s || *s == '/')
					return 0;
				s++;
			}
		default:
			if (*s != *p)
				return 0;
		}
	}
	return *s == '\0';
}

/* Finds the first top-level "{…,…}" in @p; returns 1 and its bounds. */
static int find_brace(const char *p, const char **open, const char **close)
{
	const char *q;

	for (q = p; *q; q++) {
		if (*q == '\\' && q[1]) {
			q++;
			continue;
		}
		if (*q == '{') {
			int depth = 0, comma = 0;
			const char *r;

			for (r = q; *r; r++) {
				if (*r == '\\' && r[1]) {
					r++;
					continue;
				}
				if (*r == '{')
					depth++;
				else if (*r == '}' && --depth == 0)
					break;
				else if (*r == ',' && depth == 1)
					comma = 1;
			}
			if (*r == '}' && comma) {
				*open = q;
				*close = r;
				return 1;
			}
		}
	}
	return 0;
}

static int match_braces(const char *pattern, const char *path, int depth)
{
	const char *open, *close, *alt;
	struct sw_buf b = SW_BUF_INIT;
	int hit = 0;

	if (depth > 16 || !find_brace(pattern, &open, &close))
		return wild(pattern, path, pattern, 0);
	alt = open + 1;
	while (!hit && alt <= close) {
		const char *end = alt;
		int d = 0;

		while (end < close) {
			if (*end == '\\' && end + 1 < close)
				end++;
			else if (*end == '{')
				d++;
			else if (*end == '}')
				d--;
			else if (*end == ',' && d == 0)
				break;
			end++;
		}
		sw_buf_reset(&b);
		sw_buf_add(&b, pattern, (size_t)(open - pattern));
		sw_buf_add(&b, alt, (size_t)(end - alt));
		sw_buf_adds(&b, close + 1);
		hit = match_braces(b.ptr, path, depth + 1);
		alt = end + 1;
	}
	sw_buf_release(&b);
	return hit;
}

int sw_glob_match(const char *pattern, const char *path, int flags)
{
	while (pattern[0] == '.' && pattern[1] == '/')
		pattern += 2;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if ((flags & SW_GLOB_ANY_DEPTH) && !strchr(pattern, '/')) {
		const char *base = strrchr(path, '/');

		return match_braces(pattern, base ? base + 1 : path, 0);
	}
	return match_braces(pattern, path, 0);
}

int sw_glob_has_magic(const char *pattern)
{
	return strpbrk(pattern, "*?[{\\") != NULL;
}

/* ---- gitignore ---------------------------------------------------------- */

void sw_ignore_add(struct sw_ignore *ign, const char *line, const char *base)
{
	struct sw_buf b = SW_BUF_INIT;
	struct sw_ignore_rule r = { NULL, NULL, 0, 0, 0 };

	sw_buf_adds(&b, line);
	/* Trailing spaces are ignored unless escaped. */
	while (b.len && (b.ptr[b.len - 1] == ' ' || b.ptr[b.len - 1] == '\r') &&
	       !(b.len > 1 && b.ptr[b.len - 2] == '\\'))
		sw_buf_setlen(&b, b.len - 1);
	if (!b.len || b.ptr[0] == '#')
		goto out;
	if (b.ptr[0] == '!') {
		r.negate = 1;
		sw_buf_remove(&b, 0, 1);
	} else if (b.ptr[0] == '\\' && (b.ptr[1] == '!' || b.ptr[1] == '#')) {
		sw_buf_remove(&b, 0, 1);
	}
	if (b.len && b.ptr[b.len - 1] == '/') {
		r.dir_only = 1;
		sw_buf_setlen(&b, b.len - 1);
	}
	if (b.len && b.ptr[0] == '/') {
		r.anchored = 1;
		sw_buf_remove(&b, 0, 1);
	}
	if (strchr(b.ptr, '/'))
		r.anchored = 1;
	if (!b.len)
		goto out;
	r.pattern = sw_buf_detach(&b, NULL);
	r.base = sw_xstrdup(base ? base : "");
	SW_ALLOC_GROW(ign->v, ign->nr + 1, ign->alloc);
	ign->v[ign->nr++] = r;
out:
	sw_buf_release(&b);
}

void sw_ignore_add_text(struct sw_ignore *ign, const char *text, size_t len, const char *base)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = sw_xstrndup(p, nl ? (size_t)(nl - p) : (size_t)(end - p));

		sw_ignore_add(ign, line, base);
		free(line);
		p = nl ? nl + 1 : end;
	}
}

/* Matches one path (no parent walk); returns 1 ignored, 0 re-included, -1 no rule. */
static int match_one(const struct sw_ignore *ign, const char *path, int is_dir)
{
	size_t i = ign->nr;

	while (i--) {
		const struct sw_ignore_rule *r = &ign->v[i];
		const char *rel = path;
		size_t bl = strlen(r->base);

		if (r->dir_only && !is_dir)
			continue;
		if (bl) {
			if (strncmp(path, r->base, bl) || path[bl] != '/')
				continue;
			rel = path + bl + 1;
		}
		if (sw_glob_match(r->pattern, rel, r->anchored ? 0 : SW_GLOB_ANY_DEPTH))
			return !r->negate;
	}
	return -1;
}

int sw_ignore_match(const struct sw_ignore *ign, const char *path, int is_dir)
{
	char *copy;
	char *slash;
	int r;

	if (!ign->nr)
		return 0;
	/* A file inside an ignored directory is ignored, whatever rules say of the file. */
	copy = sw_xstrdup(path);
	for (slash = strchr(copy, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		r = match_one(ign, copy, 1);
		*slash = '/';
		if (r == 1) {
			free(copy);
			return 1;
		}
	}
	free(copy);
	return match_one(ign, path, is_dir) == 1;
}

void sw_ignore_release(struct sw_ignore *ign)
{
	size_t i;

	if (!ign)
		return;
	for (i = 0; i < ign->nr; i++) {
		free(ign->v[i].pattern);
		free(ign->v[i].base);
	}
	free(ign->v);
	ign->v = NULL;
	ign->nr = ign->alloc = 0;
}
