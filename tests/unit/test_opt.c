/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/opt.h"

static const char *const usage[] = { "specwright test [options] ARGS", NULL };

static void opt__parses_all_kinds(void **state)
{
	int json = 0, strict = 1, verbose = 0;
	const char *name = NULL;
	long limit = 0;
	struct sw_strvec inc = SW_STRVEC_INIT;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "json", &json, "json"),
		SW_OPT_BOOL(0, "strict", &strict, "strict"),
		SW_OPT_COUNT('v', "verbose", &verbose, "more"),
		SW_OPT_STRING('n', "name", &name, "NAME", "name"),
		SW_OPT_INT(0, "limit", &limit, "K", "limit"),
		SW_OPT_LIST(0, "include", &inc, "GLOB", "include"),
		SW_OPT_END,
	};
	const char *argv[] = { "test", "pos1", "--json", "--no-strict", "-vv", "-nfoo", "--lim=7",
			 "--include", "*.md", "--include=*.c", "pos2", "--", "--not-an-option", NULL };
	int argc = (int)SW_ARRAY_SIZE(argv) - 1;

	SW_UNUSED(state);
	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	assert_int_equal(argc, 3);
	assert_string_equal(argv[0], "pos1");
	assert_string_equal(argv[1], "pos2");
	assert_string_equal(argv[2], "--not-an-option");
	assert_null(argv[3]);
	assert_int_equal(json, 1);
	assert_int_equal(strict, 0);
	assert_int_equal(verbose, 2);
	assert_string_equal(name, "foo");
	assert_int_equal(limit, 7);
	assert_int_equal(inc.nr, 2);
	assert_string_equal(inc.v[1], "*.c");
	sw_strvec_clear(&inc);
}

static void opt__usage_errors(void **state)
{
	long limit = 0;
	const char *name = NULL;
	const struct sw_opt opts[] = {
		SW_OPT_INT(0, "limit", &limit, "K", "limit"),
		SW_OPT_STRING(0, "name", &name, "N", "name"),
		SW_OPT_STRING(0, "names", &name, "N", "names"),
		SW_OPT_END,
	};
	const char *bad_int[] = { "t", "--limit", "x7", NULL };
	const char *unknown[] = { "t", "--nope", NULL };
	const char *missing[] = { "t", "--limit", NULL };
	const char *ambiguous[] = { "t", "--na=x", NULL };
	const char *help[] = { "t", "--help", NULL };

	SW_UNUSED(state);
	assert_int_equal(sw_opt_parse(3, bad_int, opts, usage, 0), SW_OPT_USAGE);
	assert_int_equal(sw_opt_parse(2, unknown, opts, usage, 0), SW_OPT_USAGE);
	assert_int_equal(sw_opt_parse(2, missing, opts, usage, 0), SW_OPT_USAGE);
	assert_int_equal(sw_opt_parse(2, ambiguous, opts, usage, 0), SW_OPT_USAGE);
	assert_int_equal(sw_opt_exit(SW_OPT_USAGE), 2);
	assert_int_equal(sw_opt_parse(2, help, opts, usage, 0), SW_OPT_HELP);
	assert_int_equal(sw_opt_exit(SW_OPT_HELP), 0);
}

static void opt__stop_at_non_option(void **state)
{
	int json = 0;
	const struct sw_opt opts[] = { SW_OPT_BOOL(0, "json", &json, "json"), SW_OPT_END };
	const char *argv[] = { "t", "--json", "sub", "--json", NULL };

	SW_UNUSED(state);
	assert_int_equal(sw_opt_parse(4, argv, opts, usage, SW_OPT_STOP_AT_NON_OPTION), 2);
	assert_string_equal(argv[0], "sub");
	assert_string_equal(argv[1], "--json");
	assert_int_equal(json, 1);
}

static void opt__help_lists_every_option(void **state)
{
	int json = 0;
	const char *file = NULL;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "json", &json, "print one JSON document"),
		SW_OPT_STRING('f', "file", &file, "FILE", "read from FILE"),
		SW_OPT_END,
	};
	char out[1024] = "";
	FILE *fp = fmemopen(out, sizeof(out), "w");

	SW_UNUSED(state);
	sw_opt_print_help(fp, opts, usage);
	fclose(fp);
	assert_non_null(strstr(out, "usage: specwright test [options] ARGS"));
	assert_non_null(strstr(out, "--json"));
	assert_non_null(strstr(out, "-f, --file FILE"));
	assert_non_null(strstr(out, "read from FILE"));
	assert_non_null(strstr(out, "--help"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opt__parses_all_kinds),
		cmocka_unit_test(opt__usage_errors),
		cmocka_unit_test(opt__stop_at_non_option),
		cmocka_unit_test(opt__help_lists_every_option),
	};
	return sw_run_group("opt", tests);
}
