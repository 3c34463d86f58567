/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonpos.c - one scan of the text records where each value starts, one
 * pre-order walk of the tree pairs the nodes with those offsets; both
 * iterative (explicit stacks), so deep documents cost no C stack.
 */
#include "base/compat.h"
#include "base/jsonpos.h"
#include "base/error.h"

static size_t ptr_hash(const void *v, size_t mask)
{
	uint64_t h = (uint64_t)(uintptr_t)v * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 17) & mask;
}

static void put(struct sw_json_pos *p, const void *key, size_t off)
{
	size_t h;

	for (h = ptr_hash(key, p->cap - 1); p->keys[h] && p->keys[h] != key; h = (h + 1) & (p->cap - 1))
		;
	p->keys[h] = key;
	p->offs[h] = off;
}

/* Offsets of the values of the text, in text order (which is pre-order). */
static void scan_values(const char *t, size_t n, size_t **out, size_t *nout)
{
	struct level {
		char obj;       /* 1 in an object */
		char want_key;  /* an object expects a key next */
	} *st = NULL;
	size_t sp = 0, salloc = 0, i = 0, nr = 0, alloc = 0, *v = NULL;

	if (n >= 3 && !memcmp(t, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n) {
		char c = t[i];
		int is_key = 0;

		switch (c) {
		case ' ': case '\t': case '\n': case '\r': case ':':
			i++;
			continue;
		case ',':
			if (sp && st[sp - 1].obj)
				st[sp - 1].want_key = 1;
			i++;
			continue;
		case '}': case ']':
			if (sp)
				sp--;
			i++;
			continue;
		default:
			break;
		}
		if (c == '"' && sp && st[sp - 1].obj && st[sp - 1].want_key) {
			st[sp - 1].want_key = 0;
			is_key = 1;
		}
		if (!is_key) {
			SW_ALLOC_GROW(v, nr + 1, alloc);
			v[nr++] = i;
		}
		if (c == '"') {
			for (i++; i < n && t[i] != '"'; i++)
				if (t[i] == '\\')
					i++;
			i++;
		} else if (c == '{' || c == '[') {
			SW_ALLOC_GROW(st, sp + 1, salloc);
			st[sp].obj = c == '{';
			st[sp].want_key = c == '{';
			sp++;
			i++;
		} else {
			while (i < n && !strchr(" \t\n\r,]}:", t[i]))
				i++;
		}
	}
	free(st);
	*out = v;
	*nout = nr;
}

void sw_json_pos_build(struct sw_json_pos *p, const cJSON *root, const char *text, size_t len)
{
	const cJSON **stack = NULL;
	size_t *offs = NULL, noffs = 0, k = 0, sp = 0, salloc = 0, cap = 16, i;
	const cJSON *node;

	sw_json_pos_release(p);
	scan_values(text, len, &offs, &noffs);
	while (cap < noffs * 2 + 2)
		cap *= 2;
	p->cap = cap;
	p->keys = sw_xcalloc(cap, sizeof(*p->keys));
	p->offs = sw_xcalloc(cap, sizeof(*p->offs));
	/* Pre-order: a node, then its children, then its next sibling. */
	for (node = root; node && k < noffs;) {
		put(p, node, offs[k++]);
		if (node->child) {
			SW_ALLOC_GROW(stack, sp + 1, salloc);
			stack[sp++] = node->next;
			node = node->child;
			continue;
		}
		node = node->next;
		while (!node && sp)
			node = stack[--sp];
	}
	free(stack);
	free(offs);
	/* Line starts, for line and column. */
	for (i = 0, k = 0; i < len; i++)
		if (text[i] == '\n')
			k++;
	p->lines = sw_xcalloc(k + 1, sizeof(*p->lines));
	p->nlines = 1;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			p->lines[p->nlines++] = i + 1;
}

int sw_json_pos_get(const struct sw_json_pos *p, const cJSON *v, int *line, int *col)
{
	size_t h, off, lo = 0, hi;

	if (!p->cap || !v)
		return SW_ENOTFOUND;
	for (h = ptr_hash(v, p->cap - 1); p->keys[h] != (const void *)v; h = (h + 1) & (p->cap - 1))
		if (!p->keys[h])
			return SW_ENOTFOUND;
	off = p->offs[h];
	hi = p->nlines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*col = (int)(off - p->lines[lo]) + 1;
	return 0;
}

void sw_json_pos_release(struct sw_json_pos *p)
{
	free(p->keys);
	free(p->offs);
	free(p->lines);
	memset(p, 0, sizeof(*p));
}
