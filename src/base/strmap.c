/* SPDX-License-Identifier: Apache-2.0 */
/*
 * strmap.c - open-addressing string map (see strmap.h).
 *
 * Deletion shifts later members of the probe run back into the hole
 * (Knuth's algorithm R), so lookups never walk over dead slots.
 */
#include "compat.h"
#include "strmap.h"

uint64_t sw_hash64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t key_hash(const char *key)
{
	return sw_hash64(key, strlen(key), SW_HASH_SEED);
}

static size_t find_slot(const struct sw_strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	while (m->v[i].key && (m->v[i].hash != h || strcmp(m->v[i].key, key)))
		i = (i + 1) & mask;
	return i;
}

static void grow(struct sw_strmap *m)
{
	struct sw_strmap_slot *old = m->v;
	size_t oldcap = m->cap, i;

	m->cap = oldcap ? sw_st_mult(oldcap, 2) : 16;
	m->v = sw_xcalloc(m->cap, sizeof(*m->v));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key) {
			size_t j = find_slot(m, old[i].key, old[i].hash);

			m->v[j] = old[i];
		}
	}
	free(old);
}

void *sw_strmap_get(const struct sw_strmap *m, const char *key)
{
	size_t i;

	if (!m->nr)
		return NULL;
	i = find_slot(m, key, key_hash(key));
	return m->v[i].key ? m->v[i].value : NULL;
}

void *sw_strmap_put(struct sw_strmap *m, const char *key, void *value)
{
	uint64_t h = key_hash(key);
	size_t i;
	void *old;

	if ((m->nr + 1) * 2 > m->cap)
		grow(m);
	i = find_slot(m, key, h);
	if (m->v[i].key) {
		old = m->v[i].value;
		m->v[i].value = value;
		return old;
	}
	m->v[i].key = sw_xstrdup(key);
	m->v[i].hash = h;
	m->v[i].value = value;
	m->nr++;
	return NULL;
}

static void *remove_slot(struct sw_strmap *m, size_t i)
{
	size_t mask = m->cap - 1, j = i;
	void *value = m->v[i].value;

	free(m->v[i].key);
	m->v[i].key = NULL;
	m->nr--;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!m->v[j].key)
			break;
		home = (size_t)m->v[j].hash & mask;
		/* Move j back into the hole unless its home lies cyclically in (i, j]. */
		if ((i <= j) ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		m->v[i] = m->v[j];
		m->v[j].key = NULL;
		i = j;
	}
	return value;
}

void *sw_strmap_remove(struct sw_strmap *m, const char *key)
{
	size_t i;

	if (!m->nr)
		return NULL;
	i = find_slot(m, key, key_hash(key));
	if (!m->v[i].key)
		return NULL;
	return remove_slot(m, i);
}

int sw_strmap_next(const struct sw_strmap *m, size_t *it, const char **key, void **value)
{
	while (*it < m->cap) {
		size_t i = (*it)++;

		if (m->v[i].key) {
			*key = m->v[i].key;
			*value = m->v[i].value;
			return 1;
		}
	}
	return 0;
}

void sw_strmap_release(struct sw_strmap *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	m->v = NULL;
	m->nr = m->cap = 0;
}
