/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/log.h"

static void error__set_returns_code_and_formats(void **state)
{
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(state);
	assert_int_equal(sw_error_set(&err, SW_EINVAL, "expected '%s', found '%s'", "- [ ]", "- [?]"), SW_EINVAL);
	assert_int_equal(err.code, SW_EINVAL);
	assert_string_equal(err.msg, "expected '- [ ]', found '- [?]'");
	sw_error_at(&err, "tasks.md", 14, 7);
	assert_string_equal(err.path, "tasks.md");
	assert_int_equal(err.line, 14);
	assert_int_equal(err.col, 7);
	sw_error_prefix(&err, "task %s", "2.1");
	assert_string_equal(err.msg, "task 2.1: expected '- [ ]', found '- [?]'");
	assert_int_equal(sw_error_set(NULL, SW_EIO, "ignored"), SW_EIO);
}

static void error__errno_appends_reason(void **state)
{
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(state);
	errno = ENOENT;
	sw_error_errno(&err, SW_ENOTFOUND, "cannot open '%s'", "x");
	assert_string_equal(err.msg, "cannot open 'x': No such file or directory");
}

static void error__long_message_truncates(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	char big[2000];

	SW_UNUSED(state);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sw_error_set(&err, SW_ERROR, "%s", big);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
}

static void error__diags_count_and_sort_stably(void **state)
{
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_diag *dg;

	SW_UNUSED(state);
	sw_diag_add(&d, SW_SEV_WARNING, "w1", "b.md", 3, 1, "second in b");
	sw_diag_add(&d, SW_SEV_ERROR, "e1", "a.md", 9, 2, "late in a");
	sw_diag_add(&d, SW_SEV_ERROR, "e2", "a.md", 2, 5, "first %s", "in a");
	dg = sw_diag_add(&d, SW_SEV_NOTE, "n1", "a.md", 2, 5, "same place, found later");
	sw_diag_set_hint(dg, "try %d", 3);
	assert_int_equal(d.errors, 2);
	assert_int_equal(d.warnings, 1);
	sw_diags_sort(&d);
	assert_string_equal(d.v[0].code, "e2");
	assert_string_equal(d.v[1].code, "n1");
	assert_string_equal(d.v[1].hint, "try 3");
	assert_string_equal(d.v[2].code, "e1");
	assert_string_equal(d.v[3].code, "w1");
	sw_diags_release(&d);
	assert_int_equal(d.nr, 0);
}

static void error__excerpt_puts_caret_under_column(void **state)
{
	const char *src = "line one\n\tx = [?]\nlast";
	char out[256] = "";
	FILE *fp = fmemopen(out, sizeof(out), "w");

	SW_UNUSED(state);
	sw_log_set_color(0);
	sw_print_excerpt(fp, src, strlen(src), 2, 7);
	fclose(fp);
	assert_string_equal(out, "    \tx = [?]\n    \t     ^\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(error__set_returns_code_and_formats),
		cmocka_unit_test(error__errno_appends_reason),
		cmocka_unit_test(error__long_message_truncates),
		cmocka_unit_test(error__diags_count_and_sort_stably),
		cmocka_unit_test(error__excerpt_puts_caret_under_column),
	};
	return sw_run_group("error", tests);
}
