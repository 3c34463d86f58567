/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/strmap.h"

static void strmap__put_get_replace_remove(void **state)
{
	struct sw_strmap m = SW_STRMAP_INIT;
	int a = 1, b = 2;

	SW_UNUSED(state);
	assert_null(sw_strmap_get(&m, "x"));
	assert_null(sw_strmap_remove(&m, "x"));
	assert_null(sw_strmap_put(&m, "x", &a));
	assert_ptr_equal(sw_strmap_get(&m, "x"), &a);
	assert_ptr_equal(sw_strmap_put(&m, "x", &b), &a);
	assert_int_equal(m.nr, 1);
	assert_ptr_equal(sw_strmap_remove(&m, "x"), &b);
	assert_int_equal(m.nr, 0);
	assert_null(sw_strmap_get(&m, "x"));
	sw_strmap_release(&m);
}

/* Many inserts and interleaved removals keep every survivor reachable (backward shift). */
static void strmap__churn_keeps_entries_reachable(void **state)
{
	struct sw_strmap m = SW_STRMAP_INIT;
	static int vals[5000];
	char key[32];
	size_t it = 0, seen = 0;
	const char *k;
	void *v;
	int i;

	SW_UNUSED(state);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "dir/%d.c", i);
		vals[i] = i;
		sw_strmap_put(&m, key, &vals[i]);
	}
	for (i = 0; i < 5000; i += 3) {
		snprintf(key, sizeof(key), "dir/%d.c", i);
		assert_ptr_equal(sw_strmap_remove(&m, key), &vals[i]);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "dir/%d.c", i);
		if (i % 3 == 0)
			assert_null(sw_strmap_get(&m, key));
		else
			assert_ptr_equal(sw_strmap_get(&m, key), &vals[i]);
	}
	while (sw_strmap_next(&m, &it, &k, &v)) {
		assert_non_null(sw_strmap_get(&m, k));
		assert_ptr_equal(sw_strmap_get(&m, k), v);
		seen++;
	}
	assert_int_equal(seen, m.nr);
	assert_int_equal(m.nr, 5000 - 1667);
	sw_strmap_release(&m);
}

static void strmap__hash_is_fnv1a(void **state)
{
	SW_UNUSED(state);
	/* FNV-1a 64 reference values. */
	assert_true(sw_hash64("", 0, SW_HASH_SEED) == 0xcbf29ce484222325ull);
	assert_true(sw_hash64("a", 1, SW_HASH_SEED) == 0xaf63dc4c8601ec8cull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strmap__put_get_replace_remove),
		cmocka_unit_test(strmap__churn_keeps_entries_reachable),
		cmocka_unit_test(strmap__hash_is_fnv1a),
	};
	return sw_run_group("strmap", tests);
}
