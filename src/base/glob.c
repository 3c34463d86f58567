/* SPDX-License-Identifier: Apache-2.0 */
/*
 * glob.c - glob matcher with brace alternatives, and gitignore rule sets.
 *
 * Matching is bounded.  Braces are expanded first, one alternative at a
 * time (at most GLOB_MAX_BRACE_DEPTH groups deep, and at most
 * GLOB_MAX_ALTERNATIVES expanded patterns per match: past that the match
 * gives up and reports no match).  Each expanded pattern is compiled into a
 * short token program ('*', '?', class, literal, and the two whole-component
 * forms of "**") that is run as a nondeterministic automaton over the path:
 * one set of live token positions, advanced one path byte at a time.  That
 * costs O(len(path) * len(pattern)) whatever the pattern, where a
 * backtracking matcher is exponential in the number of stars.
 */
#include "compat.h"
#include "glob.h"

#define GLOB_MAX_BRACE_DEPTH 16   /* nesting of expansions; deeper braces are literal */
#define GLOB_MAX_ALTERNATIVES 4096 /* expanded patterns tried per match */

/* Past the ']' of the class opening at @p, or NULL when it is unterminated. */
static const char *class_end(const char *p)
{
	p++; /* past '[' */
	if (*p == '!' || *p == '^')
		p++;
	if (*p == ']') /* a leading ']' is literal */
		p++;
	while (*p && *p != ']') {
		if (*p == '\\' && p[1])
			p++;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			if (p[2] == '\\' && p[3])
				p++;
			p += 3;
		} else {
			p++;
		}
	}
	return *p == ']' ? p + 1 : NULL;
}

/* 1 if @c is a member of the (terminated) class opening at @p. */
static int class_has(const char *p, unsigned char c)
{
	int negate = 0, ok = 0;

	p++; /* past '[' */
	if (*p == '!' || *p == '^') {
		negate = 1;
		p++;
	}
	if (*p == ']') {
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
	return ok ^ negate;
}

enum glob_op {
	GLOB_LIT,     /* one byte, @ch */
	GLOB_ANY,     /* '?': one byte but '/' */
	GLOB_CLASS,   /* "[...]": one byte of the class at @cls, never '/' */
	GLOB_STAR,    /* '*' (and "**" not a whole component): any run without '/' */
	GLOB_DIR,     /* "**" + "/": zero or more directories; at a component start */
	GLOB_DIR_MID, /* inside GLOB_DIR (the token before), mid-component */
	GLOB_ALL,     /* a final "/" + "**" or a lone "**": everything */
};

struct glob_tok {
	unsigned char op; /* enum glob_op */
	unsigned char ch; /* GLOB_LIT */
	const char *cls;  /* GLOB_CLASS: its '[' in the pattern */
};

/*
 * Compiles @p (no braces left to expand) into @t, which has room for
 * strlen(@p) + 1 tokens; returns the count.  "**" is whole-component when
 * it is exactly two stars, at the start or after '/', and before '/' or
 * the end; any other run of stars is one '*'.
 */
static size_t glob_compile(struct glob_tok *t, const char *p)
{
	const char *q = p;
	size_t n = 0;

	while (*q) {
		struct glob_tok tok = { GLOB_LIT, (unsigned char)*q, NULL };

		switch (*q) {
		case '*': {
			size_t run = strspn(q, "*");

			if (run == 2 && (q == p || q[-1] == '/') && (q[2] == '/' || !q[2])) {
				if (!q[2]) {
					tok.op = GLOB_ALL;
					q += 2;
					break;
				}
				t[n++] = (struct glob_tok){ GLOB_DIR, 0, NULL };
				tok.op = GLOB_DIR_MID;
				q += 3;
				break;
			}
			tok.op = GLOB_STAR;
			q += run;
			break;
		}
		case '?':
			tok.op = GLOB_ANY;
			q++;
			break;
		case '[': {
			const char *end = class_end(q);

			if (end) {
				tok.op = GLOB_CLASS;
				tok.cls = q;
				q = end;
			} else {
				q++; /* unterminated: a literal '[' */
			}
			break;
		}
		case '\\':
			if (q[1])
				q++;
			tok.ch = (unsigned char)*q++;
			break;
		default:
			q++;
		}
		t[n++] = tok;
	}
	return n;
}

/* Adds to @set the positions reachable from its members without consuming a byte. */
static void glob_closure(const struct glob_tok *t, size_t n, unsigned char *set)
{
	size_t i;

	/* Empty moves only go forward, so one ascending pass reaches them all. */
	for (i = 0; i < n; i++) {
		if (!set[i])
			continue;
		if (t[i].op == GLOB_STAR || t[i].op == GLOB_ALL)
			set[i + 1] = 1;
		else if (t[i].op == GLOB_DIR)
			set[i + 2] = 1;
	}
}

/* Runs the token program @t (@n tokens) over @s. */
static int glob_run(const struct glob_tok *t, size_t n, const char *s)
{
	unsigned char small[2 * 64];
	unsigned char *buf = n < 64 ? small : sw_xmalloc(2 * (n + 1));
	unsigned char *cur = buf, *nxt = buf + n + 1, *swap;
	int hit = 0;

	memset(cur, 0, n + 1);
	cur[0] = 1;
	glob_closure(t, n, cur);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int live = 0;
		size_t i;

		memset(nxt, 0, n + 1);
		for (i = 0; i < n; i++) {
			if (!cur[i])
				continue;
			switch ((enum glob_op)t[i].op) {
			case GLOB_LIT:
				nxt[i + 1] |= c == t[i].ch;
				break;
			case GLOB_ANY:
				nxt[i + 1] |= c != '/';
				break;
			case GLOB_CLASS:
				nxt[i + 1] |= c != '/' && class_has(t[i].cls, c);
				break;
			case GLOB_STAR:
				nxt[i] |= c != '/';
				break;
			case GLOB_DIR:
				nxt[c == '/' ? i : i + 1] = 1;
				break;
			case GLOB_DIR_MID:
				nxt[c == '/' ? i - 1 : i] = 1;
				break;
			case GLOB_ALL:
				hit = 1; /* the rest of the path matches */
				goto out;
			}
		}
		glob_closure(t, n, nxt);
		for (i = 0; i <= n && !live; i++)
			live = nxt[i];
		if (!live)
			goto out;
		swap = cur, cur = nxt, nxt = swap;
	}
	hit = cur[n];
out:
	if (buf != small)
		free(buf);
	return hit;
}

static int glob_match_plain(const char *pattern, const char *path)
{
	struct glob_tok small[64];
	size_t len = strlen(pattern);
	struct glob_tok *t = len < SW_ARRAY_SIZE(small) ? small : sw_xmalloc((len + 1) * sizeof(*t));
	int hit = glob_run(t, glob_compile(t, pattern), path);

	if (t != small)
		free(t);
	return hit;
}

/*
 * Finds the first "{…,…}" group of @p: the leftmost '{' whose matching '}'
 * exists and which holds a ',' of its own (not one of a nested group).  One
 * pass with a stack of open braces, so a run of unmatched '{' stays linear.
 */
static int find_brace(const char *p, const char **open, const char **close)
{
	struct open_brace {
		const char *at;
		int comma;
	} small[32], *stack = small;
	size_t top = 0, alloc = SW_ARRAY_SIZE(small);
	const char *q;
	int found = 0;

	for (q = p; *q; q++) {
		if (*q == '\\' && q[1]) {
			q++;
		} else if (*q == '{') {
			if (top == alloc) {
				alloc *= 2;
				if (stack == small) {
					stack = sw_xmalloc(alloc * sizeof(*stack));
					memcpy(stack, small, sizeof(small));
				} else {
					stack = sw_xrealloc(stack, alloc * sizeof(*stack));
				}
			}
			stack[top].at = q;
			stack[top++].comma = 0;
		} else if (*q == ',' && top) {
			stack[top - 1].comma = 1;
		} else if (*q == '}' && top) {
			top--;
			if (stack[top].comma && (!found || stack[top].at < *open)) {
				*open = stack[top].at;
				*close = q;
				found = 1;
			}
		}
	}
	if (stack != small)
		free(stack);
	return found;
}

/* Tries each alternative of the first group in turn; @budget counts the patterns left to try. */
static int match_braces(const char *pattern, const char *path, int depth, size_t *budget)
{
	const char *open, *close, *alt;
	struct sw_buf b = SW_BUF_INIT;
	int hit = 0;

	if (depth > GLOB_MAX_BRACE_DEPTH || !find_brace(pattern, &open, &close)) {
		if (!*budget)
			return 0; /* too many alternatives: give up rather than spin */
		--*budget;
		return glob_match_plain(pattern, path);
	}
	alt = open + 1;
	while (!hit && *budget && alt <= close) {
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
		hit = match_braces(b.ptr, path, depth + 1, budget);
		alt = end + 1;
	}
	sw_buf_release(&b);
	return hit;
}

int sw_glob_match(const char *pattern, const char *path, int flags)
{
	size_t budget = GLOB_MAX_ALTERNATIVES;

	while (pattern[0] == '.' && pattern[1] == '/')
		pattern += 2;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if ((flags & SW_GLOB_ANY_DEPTH) && !strchr(pattern, '/')) {
		const char *base = strrchr(path, '/');

		return match_braces(pattern, base ? base + 1 : path, 0, &budget);
	}
	return match_braces(pattern, path, 0, &budget);
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
