/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strmap.h - a hash map from strings to pointers, and a 64-bit hash.
 *
 * Open addressing with linear probing and backward-shift deletion, so no
 * tombstones accumulate under churn (a file watcher adds and removes paths
 * all day).  Keys are copied into the map; values are borrowed pointers the
 * caller owns.  The table grows at 1/2 load and never shrinks.
 *
 * Iteration order is the table order (unspecified, stable while the map is
 * not modified).  Do not put or remove while iterating: collect the keys
 * first.
 *
 * Calling sequence:
 *   struct sw_strmap m = SW_STRMAP_INIT;
 *   sw_strmap_put(&m, "src/a.c", ent);
 *   ent = sw_strmap_get(&m, "src/a.c");
 *   size_t it = 0; const char *k; void *v;
 *   while (sw_strmap_next(&m, &it, &k, &v)) ...
 *   sw_strmap_release(&m);          -- frees the keys, not the values
 */
#ifndef SW_STRMAP_H
#define SW_STRMAP_H

#include "compat.h"

struct sw_strmap_slot {
	char *key;    /* owned copy; NULL for an empty slot */
	uint64_t hash;
	void *value;  /* borrowed */
};

struct sw_strmap {
	struct sw_strmap_slot *v; /* cap slots, cap a power of two (or 0) */
	size_t nr;                /* entries */
	size_t cap;               /* slots */
};

#define SW_STRMAP_INIT { NULL, 0, 0 }

/* FNV-1a over @len bytes, continuing from @seed (use SW_HASH_SEED to start). */
#define SW_HASH_SEED 14695981039346656037ull
uint64_t sw_hash64(const void *data, size_t len, uint64_t seed);

/* The value stored under @key, or NULL. */
void *sw_strmap_get(const struct sw_strmap *m, const char *key);
/* Stores @value under @key (copied); returns the value it replaced, or NULL. */
void *sw_strmap_put(struct sw_strmap *m, const char *key, void *value);
/* Removes @key; returns its value, or NULL when absent. */
void *sw_strmap_remove(struct sw_strmap *m, const char *key);
/*
 * Advances *@it to the next entry; sets *@key (borrowed, valid until the
 * entry is removed) and *@value.  Returns 0 when done.  Start with *@it = 0.
 */
int sw_strmap_next(const struct sw_strmap *m, size_t *it, const char **key, void **value);
/* Frees the table and keys (values are the caller's); @m is SW_STRMAP_INIT after. */
void sw_strmap_release(struct sw_strmap *m);

#endif
