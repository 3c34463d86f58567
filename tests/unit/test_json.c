/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/json.h"

static void json__syntax_error_has_line_and_column(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	const char *text = "{\n  \"name\": \"x\",\n  \"tools\": [1,,2]\n}";
	cJSON *v = NULL;

	SW_UNUSED(state);
	assert_int_equal(sw_json_parse(&v, text, strlen(text), &err), SW_EINVAL);
	assert_null(v);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 15);
}

static void json__trailing_garbage_rejected(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *v = NULL;

	SW_UNUSED(state);
	assert_int_equal(sw_json_parse(&v, "{} x", 4, &err), SW_EINVAL);
	assert_int_equal(err.col, 4);
	assert_sw_ok(sw_json_parse(&v, "{}\n\n", 4, &err), &err);
	cJSON_Delete(v);
}

static void json__bom_accepted(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *v = NULL;

	SW_UNUSED(state);
	assert_sw_ok(sw_json_parse(&v, "\xEF\xBB\xBF{\"a\":1}", 10, &err), &err);
	assert_true(cJSON_IsObject(v));
	cJSON_Delete(v);
}

static void json__getters_name_the_path(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	const char *text = "{\"hooks\":{\"preToolUse\":[{\"command\":5}]},\"odd key\":{\"x\":\"y\"}}";
	cJSON *v = NULL;
	const cJSON *hooks, *arr, *odd;
	const char *s;
	long long n;
	int b;
	struct sw_strvec sv = SW_STRVEC_INIT;

	SW_UNUSED(state);
	assert_sw_ok(sw_json_parse(&v, text, strlen(text), &err), &err);
	assert_sw_ok(sw_json_get_object(&hooks, v, "hooks", 1, "$", &err), &err);
	assert_sw_ok(sw_json_get_array(&arr, hooks, "preToolUse", 1, "$.hooks", &err), &err);
	assert_int_equal(sw_json_get_string(&s, cJSON_GetArrayItem(arr, 0), "command", 1,
					    "$.hooks.preToolUse[0]", &err), SW_EINVAL);
	assert_string_equal(err.msg, "$.hooks.preToolUse[0].command: expected string, found number");
	assert_int_equal(sw_json_get_string(&s, v, "name", 1, "$", &err), SW_EINVAL);
	assert_string_equal(err.msg, "$.name: missing required field");
	assert_sw_ok(sw_json_get_string(&s, v, "name", 0, "$", &err), &err);
	assert_null(s);
	assert_sw_ok(sw_json_get_int(&n, cJSON_GetArrayItem(arr, 0), "command", 0, "$", &err), &err);
	assert_int_equal(n, 5);
	assert_sw_ok(sw_json_get_bool(&b, v, "enabled", 1, "$", &err), &err);
	assert_int_equal(b, 1);
	assert_int_equal(sw_json_get_bool(&b, v, "hooks", 1, "$", &err), SW_EINVAL);
	assert_string_equal(err.msg, "$.hooks: expected boolean, found object");
	assert_sw_ok(sw_json_get_object(&odd, v, "odd key", 1, "$", &err), &err);
	assert_int_equal(sw_json_get_strings(&sv, odd, "x", 0, "$['odd key']", &err), SW_EINVAL);
	assert_string_equal(err.msg, "$['odd key'].x: expected array of strings, found string");
	assert_sw_ok(sw_json_get_strings(&sv, odd, "x", 1, "$['odd key']", &err), &err);
	assert_string_equal(sv.v[0], "y");
	sw_strvec_clear(&sv);
	cJSON_Delete(v);
}

static void json__locate_finds_values_and_keys(void **state)
{
	const char *text = "{\n  \"name\": \"a\",\n  \"hooks\": {\n    \"stop\": [\n      {\"command\": 1},\n"
			   "      {\"command\": \"ok\", \"odd key\": true}\n    ]\n  }\n}\n";
	int line = 0, col = 0;

	SW_UNUSED(state);
	assert_int_equal(sw_json_locate(text, strlen(text), "$.name", 0, &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 11);
	assert_int_equal(sw_json_locate(text, strlen(text), "$.hooks.stop[1].command", 0, &line, &col), 0);
	assert_int_equal(line, 6);
	assert_int_equal(col, 19);
	assert_int_equal(sw_json_locate(text, strlen(text), "$.hooks.stop[1]['odd key']", 1, &line, &col), 0);
	assert_int_equal(line, 6);
	assert_int_equal(col, 25);
	assert_int_equal(sw_json_locate(text, strlen(text), "$.hooks.stop[2]", 0, &line, &col), SW_ENOTFOUND);
	assert_int_equal(sw_json_locate(text, strlen(text), "$.missing", 0, &line, &col), SW_ENOTFOUND);
	assert_int_equal(sw_json_locate(text, strlen(text), "$", 0, &line, &col), 0);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
}

static void json__path_builders_quote_odd_keys(void **state)
{
	char *p = sw_json_path_key("$", "mcpServers"), *q = sw_json_path_key(p, "my server"),
	     *r = sw_json_path_index(q, 3);

	SW_UNUSED(state);
	assert_string_equal(r, "$.mcpServers['my server'][3]");
	free(p);
	free(q);
	free(r);
}

static void json__deep_nesting_fails_cleanly(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	cJSON *v = NULL;
	int i;

	SW_UNUSED(state);
	for (i = 0; i < 100000; i++)
		sw_buf_addch(&b, '[');
	assert_int_equal(sw_json_parse(&v, b.ptr, b.len, &err), SW_EINVAL);
	assert_null(v);
	sw_buf_release(&b);
}

static void json__find_nul_sees_escaped_nul_in_strings_only(void **state)
{
	static const struct {
		const char *text;
		int found;
		size_t off;
	} cases[] = {
		{ "{\"a\":\"x\\u0000y\"}", 1, 7 },
		{ "{\"a\\u0000\":1}", 1, 3 },
		{ "{\"a\":\"x\\\\u0000y\"}", 0, 0 },       /* an escaped backslash, then text */
		{ "{\"a\":\"\\\"\\u0000\"}", 1, 8 },     /* after an escaped quote */
		{ "{\"a\":\"\\u00001\"}", 1, 6 },
		{ "{\"a\":\"\\u0001\\u1000\"}", 0, 0 },
		{ "[\"u0000\", 0]", 0, 0 },
	};
	size_t i, off;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++) {
		int found;

		off = 0;
		found = sw_json_find_nul(cases[i].text, strlen(cases[i].text), &off);
		if (found != cases[i].found || (found && off != cases[i].off))
			fail_msg("%s: found %d at %zu, expected %d at %zu", cases[i].text, found, off, cases[i].found,
				 cases[i].off);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json__syntax_error_has_line_and_column),
		cmocka_unit_test(json__trailing_garbage_rejected),
		cmocka_unit_test(json__bom_accepted),
		cmocka_unit_test(json__getters_name_the_path),
		cmocka_unit_test(json__locate_finds_values_and_keys),
		cmocka_unit_test(json__path_builders_quote_odd_keys),
		cmocka_unit_test(json__deep_nesting_fails_cleanly),
		cmocka_unit_test(json__find_nul_sees_escaped_nul_in_strings_only),
	};
	return sw_run_group("json", tests);
}
