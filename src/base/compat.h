/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compat.h - the first include of every Specwright source file.
 *
 * Pulls in the feature-test macros and the few standard headers every
 * module uses, then base/banned.h, which turns footgun functions into
 * compile errors.  Include it first so the feature macros take effect.
 */
#ifndef SW_COMPAT_H
#define SW_COMPAT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <assert.h>

#define SW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SW_UNUSED(x) ((void)(x))
#define SW_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SW_NORETURN __attribute__((noreturn))

/* Continuing after this would corrupt data: print where and abort (git BUG). */
#define SW_BUG(...) sw_bug_at(__FILE__, __LINE__, __VA_ARGS__)
SW_NORETURN SW_PRINTF(3, 4) void sw_bug_at(const char *file, int line, const char *fmt, ...);

/* Allocation that never returns NULL: out of memory aborts (STYLE R10). */
void *sw_xmalloc(size_t n);
void *sw_xcalloc(size_t nmemb, size_t size);
void *sw_xrealloc(void *p, size_t n);
char *sw_xstrdup(const char *s);
char *sw_xstrndup(const char *s, size_t n);
/* a * b, aborting on overflow. */
size_t sw_st_mult(size_t a, size_t b);
size_t sw_st_add(size_t a, size_t b);

/*
 * Grow array @x (element count @nr wanted, capacity @alloc) so that it holds
 * at least @nr elements; overflow-checked (git ALLOC_GROW).
 */
#define SW_ALLOC_GROW(x, nr, alloc)                                                     \
	do {                                                                            \
		if ((size_t)(nr) > (size_t)(alloc)) {                                   \
			size_t sw_new_ = (alloc) < 8 ? 16 : sw_st_add((alloc), (alloc) / 2); \
			if (sw_new_ < (size_t)(nr))                                     \
				sw_new_ = (nr);                                         \
			(x) = sw_xrealloc((x), sw_st_mult(sw_new_, sizeof(*(x))));      \
			(alloc) = sw_new_;                                              \
		}                                                                       \
	} while (0)

/* qsort that accepts an empty, possibly NULL, array, which qsort itself does not (git QSORT). */
#define SW_QSORT(base, n, cmp)                                           \
	do {                                                             \
		if ((n) > 1)                                             \
			qsort((base), (n), sizeof(*(base)), (cmp));      \
	} while (0)

#include "banned.h"

#endif
