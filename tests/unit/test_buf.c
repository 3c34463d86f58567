/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"

static void buf__init_is_empty_string(void **state)
{
	struct sw_buf b = SW_BUF_INIT;

	SW_UNUSED(state);
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	assert_int_equal(b.len, 0);
	sw_buf_release(&b);
	assert_string_equal(b.ptr, "");
}

static void buf__addf_grows_and_terminates(void **state)
{
	struct sw_buf b = SW_BUF_INIT;
	int i;

	SW_UNUSED(state);
	for (i = 0; i < 1000; i++)
		sw_buf_addf(&b, "%d,", i);
	assert_true(b.len > 1000);
	assert_int_equal(b.ptr[b.len], '\0');
	assert_true(sw_starts_with(b.ptr, "0,1,2,"));
	assert_true(sw_ends_with(b.ptr, "998,999,"));
	sw_buf_release(&b);
}

static void buf__binary_safe(void **state)
{
	struct sw_buf b = SW_BUF_INIT;

	SW_UNUSED(state);
	sw_buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.ptr, "a\0b", 3);
	sw_buf_release(&b);
}

static void buf__detach_hands_ownership(void **state)
{
	struct sw_buf b = SW_BUF_INIT;
	size_t len;
	char *s;

	SW_UNUSED(state);
	s = sw_buf_detach(&b, &len); /* even an empty buffer gives a malloc'd string */
	assert_string_equal(s, "");
	free(s);
	sw_buf_adds(&b, "hello");
	s = sw_buf_detach(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_string_equal(b.ptr, "");
	free(s);
}

static void buf__splice_and_trim(void **state)
{
	struct sw_buf b = SW_BUF_INIT;

	SW_UNUSED(state);
	sw_buf_adds(&b, "  - [ ] task  \n");
	sw_buf_splice(&b, 5, 1, "x", 1);
	assert_string_equal(b.ptr, "  - [x] task  \n");
	sw_buf_splice(&b, 4, 3, "[-]*", 4);
	assert_string_equal(b.ptr, "  - [-]* task  \n");
	sw_buf_trim(&b);
	assert_string_equal(b.ptr, "- [-]* task");
	sw_buf_remove(&b, 0, 2);
	assert_string_equal(b.ptr, "[-]* task");
	sw_buf_release(&b);
}

static void buf__capped_refuses_growth(void **state)
{
	struct sw_buf b = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(state);
	assert_sw_ok(sw_buf_add_capped(&b, "12345", 5, 8, "line", &err), &err);
	assert_int_equal(sw_buf_add_capped(&b, "6789", 4, 8, "line", &err), SW_ETOOBIG);
	assert_string_equal(b.ptr, "12345");
	assert_string_equal(err.msg, "line exceeds the limit of 8 bytes");
	sw_buf_release(&b);
}

static void buf__json_escape(void **state)
{
	struct sw_buf b = SW_BUF_INIT;

	SW_UNUSED(state);
	sw_buf_add_json_escaped(&b, "a\"b\\c\n\x01", 7);
	assert_string_equal(b.ptr, "a\\\"b\\\\c\\n\\u0001");
	sw_buf_release(&b);
}

static void buf__strvec_split_and_contains(void **state)
{
	struct sw_strvec sv = SW_STRVEC_INIT;

	SW_UNUSED(state);
	assert_null(sv.v[0]);
	sw_strvec_split(&sv, " **/*.ts, **/*.tsx ,,", ',');
	assert_int_equal(sv.nr, 2);
	assert_string_equal(sv.v[0], "**/*.ts");
	assert_string_equal(sv.v[1], "**/*.tsx");
	assert_null(sv.v[2]);
	assert_true(sw_strvec_contains(&sv, "**/*.tsx"));
	assert_false(sw_strvec_contains(&sv, "*.ts"));
	sw_strvec_pop(&sv);
	assert_int_equal(sv.nr, 1);
	sw_strvec_clear(&sv);
	assert_int_equal(sv.nr, 0);
}

static void buf__edit_distance(void **state)
{
	SW_UNUSED(state);
	assert_int_equal(sw_edit_distance("spec", "spec"), 0);
	assert_int_equal(sw_edit_distance("sepc", "spec"), 2);
	assert_int_equal(sw_edit_distance("docter", "doctor"), 1);
	assert_int_equal(sw_edit_distance("", "abc"), 3);
}

static void buf__utf8_clip(void **state)
{
	SW_UNUSED(state);
	assert_int_equal(sw_utf8_clip("abc", 10), 3);
	assert_int_equal(sw_utf8_clip("abcdef", 4), 4);
	assert_int_equal(sw_utf8_clip("ab\xC3\xA9z", 3), 2);  /* do not cut the e-acute */
	assert_int_equal(sw_utf8_clip("ab\xC3\xA9z", 4), 4);
	assert_int_equal(sw_utf8_clip("\xE2\x80\x94x", 2), 0);
	assert_int_equal(sw_utf8_clip("", 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf__utf8_clip),
		cmocka_unit_test(buf__init_is_empty_string),
		cmocka_unit_test(buf__addf_grows_and_terminates),
		cmocka_unit_test(buf__binary_safe),
		cmocka_unit_test(buf__detach_hands_ownership),
		cmocka_unit_test(buf__splice_and_trim),
		cmocka_unit_test(buf__capped_refuses_growth),
		cmocka_unit_test(buf__json_escape),
		cmocka_unit_test(buf__strvec_split_and_contains),
		cmocka_unit_test(buf__edit_distance),
	};
	return sw_run_group("buf", tests);
}
