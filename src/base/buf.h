/* SPDX-License-Identifier: Apache-2.0 */
/*
 * buf.h - the one growable byte buffer (git strbuf semantics).
 *
 * Invariants: ptr is never NULL and always NUL-terminated, even for an
 * SW_BUF_INIT buffer (which points at a shared static ""), so a buffer can
 * be printed or compared at any time.  Contents are binary-safe: len counts
 * bytes, embedded NULs allowed.  Appends return void: memory exhaustion
 * aborts (STYLE R10).  For untrusted input use sw_buf_add_capped(), which
 * refuses to grow past a ceiling instead of growing without bound.
 *
 * Calling sequence:
 *   struct sw_buf b = SW_BUF_INIT;
 *   sw_buf_addf(&b, "%s/%s.md", dir, name);
 *   use(b.ptr, b.len);
 *   sw_buf_release(&b);            -- or char *s = sw_buf_detach(&b, NULL);
 */
#ifndef SW_BUF_H
#define SW_BUF_H

#include "compat.h"

extern char sw_buf_empty[];

struct sw_buf {
	char *ptr;  /* never NULL; NUL-terminated */
	size_t len; /* bytes used, excluding the NUL */
	size_t cap; /* bytes allocated; 0 while ptr is sw_buf_empty */
};

#define SW_BUF_INIT { sw_buf_empty, 0, 0 }

void sw_buf_init(struct sw_buf *b, size_t hint);
/* Frees the contents; @b is SW_BUF_INIT afterwards. Accepts NULL. */
void sw_buf_release(struct sw_buf *b);
/* Ensures room for @extra more bytes plus the NUL. */
void sw_buf_grow(struct sw_buf *b, size_t extra);
/* Hands the malloc'd string to the caller (who frees it); @b is reset. */
char *sw_buf_detach(struct sw_buf *b, size_t *len);
/* Takes ownership of malloc'd @s (length @len). */
void sw_buf_attach(struct sw_buf *b, char *s, size_t len);
void sw_buf_reset(struct sw_buf *b);
void sw_buf_setlen(struct sw_buf *b, size_t len);

void sw_buf_add(struct sw_buf *b, const void *data, size_t len);
void sw_buf_adds(struct sw_buf *b, const char *s);
void sw_buf_addch(struct sw_buf *b, int c);
void sw_buf_addf(struct sw_buf *b, const char *fmt, ...) SW_PRINTF(2, 3);
void sw_buf_vaddf(struct sw_buf *b, const char *fmt, va_list ap);
void sw_buf_addbuf(struct sw_buf *b, const struct sw_buf *src);
/* Appends @s with JSON string escaping, without the surrounding quotes. */
void sw_buf_add_json_escaped(struct sw_buf *b, const char *s, size_t len);
/* Removes @len bytes at @pos. */
void sw_buf_remove(struct sw_buf *b, size_t pos, size_t len);
/* Replaces @len bytes at @pos with @data/@dlen. */
void sw_buf_splice(struct sw_buf *b, size_t pos, size_t len, const void *data, size_t dlen);
void sw_buf_trim(struct sw_buf *b);
void sw_buf_rtrim(struct sw_buf *b);

/*
 * Appends unless the result would exceed @max bytes.
 * Errors: SW_ETOOBIG (nothing appended; @err names the ceiling).
 */
struct sw_error;
int sw_buf_add_capped(struct sw_buf *b, const void *data, size_t len, size_t max,
		      const char *what, struct sw_error *err);

/* String helpers. */
int sw_starts_with(const char *s, const char *prefix);
int sw_ends_with(const char *s, const char *suffix);
/* If @s starts with @prefix, sets *@rest past it and returns 1. */
int sw_skip_prefix(const char *s, const char *prefix, const char **rest);
/*
 * The number of bytes of @s to print for at most @max bytes without
 * cutting a UTF-8 sequence (for "%.*s" columns).
 */
int sw_utf8_clip(const char *s, int max);
/* Levenshtein distance (for "did you mean"). */
size_t sw_edit_distance(const char *a, const char *b);

/* A NULL-terminated, growable array of strings (git strvec). */
struct sw_strvec {
	char **v;     /* NULL-terminated; never NULL */
	size_t nr;    /* entries, excluding the terminating NULL */
	size_t alloc; /* capacity */
};
extern char *sw_strvec_empty[];
#define SW_STRVEC_INIT { sw_strvec_empty, 0, 0 }

void sw_strvec_push(struct sw_strvec *sv, const char *s);
void sw_strvec_pushf(struct sw_strvec *sv, const char *fmt, ...) SW_PRINTF(2, 3);
void sw_strvec_push_take(struct sw_strvec *sv, char *s);
void sw_strvec_pushv(struct sw_strvec *sv, const char *const *v);
void sw_strvec_pop(struct sw_strvec *sv);
void sw_strvec_clear(struct sw_strvec *sv);
/* Splits @s on @sep into trimmed, non-empty parts appended to @sv. */
void sw_strvec_split(struct sw_strvec *sv, const char *s, int sep);
int sw_strvec_contains(const struct sw_strvec *sv, const char *s);

#endif
