/* SPDX-License-Identifier: Apache-2.0 */
/*
 * buf.c - struct sw_buf, struct sw_strvec and small string helpers.
 * See buf.h for the invariants.
 */
#include "compat.h"
#include "buf.h"
#include "error.h"

#include <ctype.h>

char sw_buf_empty[1];
char *sw_strvec_empty[1];

void sw_buf_init(struct sw_buf *b, size_t hint)
{
	b->ptr = sw_buf_empty;
	b->len = b->cap = 0;
	if (hint)
		sw_buf_grow(b, hint);
}

void sw_buf_release(struct sw_buf *b)
{
	if (!b)
		return;
	if (b->cap)
		free(b->ptr);
	b->ptr = sw_buf_empty;
	b->len = b->cap = 0;
}

void sw_buf_grow(struct sw_buf *b, size_t extra)
{
	size_t want = sw_st_add(sw_st_add(b->len, extra), 1);

	if (want <= b->cap)
		return;
	if (!b->cap)
		b->ptr = NULL;
	SW_ALLOC_GROW(b->ptr, want, b->cap);
	if (b->len == 0)
		b->ptr[0] = '\0';
}

char *sw_buf_detach(struct sw_buf *b, size_t *len)
{
	char *s;

	if (!b->cap)
		sw_buf_grow(b, 0);
	s = b->ptr;
	if (len)
		*len = b->len;
	b->ptr = sw_buf_empty;
	b->len = b->cap = 0;
	return s;
}

void sw_buf_attach(struct sw_buf *b, char *s, size_t len)
{
	sw_buf_release(b);
	b->ptr = s;
	b->len = len;
	b->cap = len + 1;
	b->ptr[len] = '\0';
}

void sw_buf_reset(struct sw_buf *b)
{
	sw_buf_setlen(b, 0);
}

void sw_buf_setlen(struct sw_buf *b, size_t len)
{
	if (len > (b->cap ? b->cap - 1 : 0))
		SW_BUG("sw_buf_setlen beyond capacity (%zu)", len);
	b->len = len;
	if (b->cap)
		b->ptr[len] = '\0';
}

void sw_buf_add(struct sw_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	sw_buf_grow(b, len);
	memmove(b->ptr + b->len, data, len);
	sw_buf_setlen(b, b->len + len);
}

void sw_buf_adds(struct sw_buf *b, const char *s)
{
	sw_buf_add(b, s, strlen(s));
}

void sw_buf_addch(struct sw_buf *b, int c)
{
	sw_buf_grow(b, 1);
	b->ptr[b->len] = (char)c;
	sw_buf_setlen(b, b->len + 1);
}

void sw_buf_vaddf(struct sw_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	sw_buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		SW_BUG("vsnprintf failed for format '%s'", fmt);
	if ((size_t)n >= b->cap - b->len) {
		sw_buf_grow(b, (size_t)n);
		n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
	}
	sw_buf_setlen(b, b->len + (size_t)n);
}

void sw_buf_addf(struct sw_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sw_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void sw_buf_addbuf(struct sw_buf *b, const struct sw_buf *src)
{
	sw_buf_add(b, src->ptr, src->len);
}

void sw_buf_add_json_escaped(struct sw_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': sw_buf_add(b, "\\\"", 2); break;
		case '\\': sw_buf_add(b, "\\\\", 2); break;
		case '\n': sw_buf_add(b, "\\n", 2); break;
		case '\r': sw_buf_add(b, "\\r", 2); break;
		case '\t': sw_buf_add(b, "\\t", 2); break;
		case '\b': sw_buf_add(b, "\\b", 2); break;
		case '\f': sw_buf_add(b, "\\f", 2); break;
		default:
			if (c < 0x20) {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				sw_buf_add(b, u, 6);
			} else {
				sw_buf_addch(b, c);
			}
		}
	}
}

void sw_buf_remove(struct sw_buf *b, size_t pos, size_t len)
{
	sw_buf_splice(b, pos, len, NULL, 0);
}

void sw_buf_splice(struct sw_buf *b, size_t pos, size_t len, const void *data, size_t dlen)
{
	if (pos > b->len || len > b->len - pos)
		SW_BUG("sw_buf_splice out of range (%zu+%zu > %zu)", pos, len, b->len);
	if (dlen > len)
		sw_buf_grow(b, dlen - len);
	memmove(b->ptr + pos + dlen, b->ptr + pos + len, b->len - pos - len);
	if (dlen)
		memcpy(b->ptr + pos, data, dlen);
	sw_buf_setlen(b, b->len + dlen - len);
}

void sw_buf_rtrim(struct sw_buf *b)
{
	while (b->len && isspace((unsigned char)b->ptr[b->len - 1]))
		b->len--;
	if (b->cap)
		b->ptr[b->len] = '\0';
}

void sw_buf_trim(struct sw_buf *b)
{
	size_t i = 0;

	sw_buf_rtrim(b);
	while (i < b->len && isspace((unsigned char)b->ptr[i]))
		i++;
	if (i)
		sw_buf_remove(b, 0, i);
}

int sw_buf_add_capped(struct sw_buf *b, const void *data, size_t len, size_t max,
		      const char *what, struct sw_error *err)
{
	if (len > max || b->len > max - len)
		return sw_error_set(err, SW_ETOOBIG, "%s exceeds the limit of %zu bytes",
				    what ? what : "input", max);
	sw_buf_add(b, data, len);
	return 0;
}

int sw_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int sw_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int sw_skip_prefix(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n))
		return 0;
	*rest = s + n;
	return 1;
}

size_t sw_edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), i, j, *row, d;

	row = sw_xcalloc(m + 1, sizeof(*row));
	for (j = 0; j <= m; j++)
		row[j] = j;
	for (i = 1; i <= n; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= m; j++) {
			size_t up = row[j], best;

			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[m];
	free(row);
	return d;
}

void sw_strvec_push_take(struct sw_strvec *sv, char *s)
{
	if (!sv->alloc)
		sv->v = NULL;
	SW_ALLOC_GROW(sv->v, sv->nr + 2, sv->alloc);
	sv->v[sv->nr++] = s;
	sv->v[sv->nr] = NULL;
}

void sw_strvec_push(struct sw_strvec *sv, const char *s)
{
	sw_strvec_push_take(sv, sw_xstrdup(s));
}

void sw_strvec_pushf(struct sw_strvec *sv, const char *fmt, ...)
{
	struct sw_buf b = SW_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sw_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	sw_strvec_push_take(sv, sw_buf_detach(&b, NULL));
}

void sw_strvec_pushv(struct sw_strvec *sv, const char *const *v)
{
	for (; v && *v; v++)
		sw_strvec_push(sv, *v);
}

void sw_strvec_pop(struct sw_strvec *sv)
{
	if (!sv->nr)
		return;
	free(sv->v[--sv->nr]);
	sv->v[sv->nr] = NULL;
}

void sw_strvec_clear(struct sw_strvec *sv)
{
	size_t i;

	if (!sv)
		return;
	if (sv->alloc) {
		for (i = 0; i < sv->nr; i++)
			free(sv->v[i]);
		free(sv->v);
	}
	sv->v = sw_strvec_empty;
	sv->nr = sv->alloc = 0;
}

void sw_strvec_split(struct sw_strvec *sv, const char *s, int sep)
{
	while (*s) {
		const char *end = strchr(s, sep);
		size_t n = end ? (size_t)(end - s) : strlen(s);
		struct sw_buf part = SW_BUF_INIT;

		sw_buf_add(&part, s, n);
		sw_buf_trim(&part);
		if (part.len)
			sw_strvec_push_take(sv, sw_buf_detach(&part, NULL));
		sw_buf_release(&part);
		s += n;
		if (*s)
			s++;
	}
}

int sw_strvec_contains(const struct sw_strvec *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

int sw_utf8_clip(const char *s, int max)
{
	size_t n = strnlen(s, max > 0 ? (size_t)max : 0);

	if (s[n] == '\0' || n == 0)
		return (int)n;
	/* s[n] is the first byte left out; back off while it continues a sequence. */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}
