/* SPDX-License-Identifier: Apache-2.0 */
/*
 * alloc.c - allocation wrappers that abort on out-of-memory, and the
 * overflow-checked size arithmetic used by SW_ALLOC_GROW.
 */
#include "compat.h"

void sw_bug_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "specwright: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static SW_NORETURN void oom(size_t n)
{
	fprintf(stderr, "specwright: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *sw_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *sw_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom(nmemb * size);
	return p;
}

void *sw_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *sw_xstrdup(const char *s)
{
	return sw_xstrndup(s, strlen(s));
}

char *sw_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = sw_xmalloc(sw_st_add(len, 1));

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

size_t sw_st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		SW_BUG("size overflow: %zu * %zu", a, b);
	return a * b;
}

size_t sw_st_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		SW_BUG("size overflow: %zu + %zu", a, b);
	return a + b;
}
