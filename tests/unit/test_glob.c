/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/glob.h"

#include <unistd.h>

struct glob_case {
	const char *pattern;
	const char *path;
	int flags;
	int want;
};

/* Drawn from gitignore(5)'s rules and the patterns seen in Kiro steering and hooks. */
static const struct glob_case cases[] = {
	{ "*.c", "main.c", 0, 1 },
	{ "*.c", "src/main.c", 0, 0 },
	{ "*.c", "src/main.c", SW_GLOB_ANY_DEPTH, 1 },
	{ "src/*.c", "src/main.c", SW_GLOB_ANY_DEPTH, 1 },
	{ "src/*.c", "a/src/main.c", SW_GLOB_ANY_DEPTH, 0 },
	{ "*", "a/b", 0, 0 },
	{ "?.md", "a.md", 0, 1 },
	{ "?.md", "ab.md", 0, 0 },
	{ "?", "/", 0, 0 },
	{ "**/foo", "foo", 0, 1 },
	{ "**/foo", "a/b/foo", 0, 1 },
	{ "**/foo/bar", "x/foo/bar", 0, 1 },
	{ "abc/**", "abc/x", 0, 1 },
	{ "abc/**", "abc/x/y/z", 0, 1 },
	{ "abc/**", "abcd/x", 0, 0 },
	{ "a/**/b", "a/b", 0, 1 },
	{ "a/**/b", "a/x/b", 0, 1 },
	{ "a/**/b", "a/x/y/b", 0, 1 },
	{ "a/**/b", "a/x/y/c", 0, 0 },
	{ "**/*.tsx", "components/ui/Button.tsx", 0, 1 },
	{ "**/*.tsx", "Button.tsx", 0, 1 },
	{ "components/**/*.tsx", "components/Button.tsx", 0, 1 },
	{ "components/**/*.tsx", "lib/Button.tsx", 0, 0 },
	{ "**/*.{js,ts}", "src/a.ts", 0, 1 },
	{ "**/*.{js,ts}", "src/a.js", 0, 1 },
	{ "**/*.{js,ts}", "src/a.jsx", 0, 0 },
	{ "{src,lib}/**/*.{c,h}", "lib/x/y.h", 0, 1 },
	{ "{a,{b,c}}.md", "c.md", 0, 1 },
	{ "[abc].md", "b.md", 0, 1 },
	{ "[!abc].md", "b.md", 0, 0 },
	{ "[^abc].md", "d.md", 0, 1 },
	{ "[a-c]x", "bx", 0, 1 },
	{ "[a-c]x", "dx", 0, 0 },
	{ "[]]", "]", 0, 1 },
	{ "a[/]b", "a/b", 0, 0 },
	{ "\\*.md", "*.md", 0, 1 },
	{ "\\*.md", "a.md", 0, 0 },
	{ "a**b", "axxb", 0, 1 },
	{ "a**b", "ax/xb", 0, 0 },
	{ "./src/*.c", "src/a.c", 0, 1 },
	{ "docker-compose.yml", "docker-compose.yml", SW_GLOB_ANY_DEPTH, 1 },
	{ "**/*.ts,**/*.tsx", "a.ts", 0, 0 }, /* a comma list is one literal pattern */
	{ "[unterminated", "[unterminated", 0, 1 },
	{ "*", ".hidden", 0, 1 }, /* no dotfile rule: '*' matches a leading '.' */
	{ "**/*.md", ".kiro/specs/a.md", 0, 1 },
	{ "**", "", 0, 1 },
	{ "abc/**", "abc/", 0, 1 },
	{ "abc/**", "abc", 0, 0 },
	{ "a/**/b", "a/xb", 0, 0 },
	{ "a/**/b", "a//b", 0, 1 },
	{ "**/b", "x/b/c", 0, 0 },
	{ "a/***/b", "a/x/y/b", 0, 0 }, /* three stars are one '*' */
	{ "a/***/b", "a/x/b", 0, 1 },
	{ "x**/b", "xy/z/b", 0, 0 },
	{ "{**,x}/b", "y/z/b", 0, 1 }, /* "**" whole once the braces are expanded */
	{ "*{*,}/b", "y/z/b", 0, 1 },
	{ "[{a,b}]", "b", 0, 1 },
	{ "{[a,b}]", "a", 0, 1 }, /* alternatives "[a" and "b": "[a]" is a class */
	{ "{[a,b}]", "b]", 0, 1 },
	{ "\\{a,b}", "{a,b}", 0, 1 }, /* an escaped brace is literal */
	{ "a\\/**/b", "a/x/y/b", 0, 1 },
	{ "*[!a]", "b/", 0, 0 },
};

static void glob__table(void **state)
{
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++) {
		int got = sw_glob_match(cases[i].pattern, cases[i].path, cases[i].flags);

		if (got != cases[i].want)
			fail_msg("'%s' ~ '%s' (flags %d): got %d, want %d", cases[i].pattern, cases[i].path,
				 cases[i].flags, got, cases[i].want);
	}
}

/*
 * Pathological inputs: a backtracking matcher takes seconds to hours on
 * these (it retries every split of the path between the stars).  The
 * alarm only trips when matching is exponential; it is a hang guard, not
 * a timing assertion.
 */
#define GLOB_HANG_GUARD 20 /* seconds */

static char *repeat(const char *unit, size_t n, const char *tail)
{
	struct sw_buf b = SW_BUF_INIT;

	while (n--)
		sw_buf_adds(&b, unit);
	sw_buf_adds(&b, tail);
	return sw_buf_detach(&b, NULL);
}

static void glob__pathological_pattern_terminates(void **state)
{
	SW_UNUSED(state);
	alarm(GLOB_HANG_GUARD);
	assert_int_equal(sw_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0), 0);
	alarm(0);
}

static void glob__many_stars_are_linear(void **state)
{
	char *pat = repeat("*a", 40, "*b"), *path = repeat("a", 200, ""), *hit = repeat("a", 200, "b");
	char *deep = repeat("a", 200, "/c.b");

	SW_UNUSED(state);
	alarm(GLOB_HANG_GUARD);
	assert_int_equal(sw_glob_match("*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0), 0);
	assert_int_equal(sw_glob_match(pat, path, 0), 0);
	assert_int_equal(sw_glob_match(pat, path, SW_GLOB_ANY_DEPTH), 0);
	assert_int_equal(sw_glob_match(pat, hit, 0), 1);
	assert_int_equal(sw_glob_match(pat, deep, SW_GLOB_ANY_DEPTH), 0);
	assert_int_equal(sw_glob_match("a**a**a**a**a**a**a**a**a**a**a**b", path, 0), 0);
	assert_int_equal(sw_glob_match("?*?*?*?*?*?*?*?*?*?*?*?*b", path, 0), 0);
	assert_int_equal(sw_glob_match("*[ab]*[ab]*[ab]*[ab]*[ab]*[ab]*[ab]*[ab]*[ab]*c", path, 0), 0);
	alarm(0);
	free(pat);
	free(path);
	free(hit);
	free(deep);
}

static void glob__many_double_stars_are_linear(void **state)
{
	char *pat = repeat("**/a/", 20, "**/b"), *miss = repeat("a/", 60, "c"), *hit = repeat("a/", 60, "b");
	char *mixed = repeat("**/*a*/", 15, "**/*b*/**/x.c"), *mixed_miss = repeat("xay/", 50, "x.c");

	SW_UNUSED(state);
	alarm(GLOB_HANG_GUARD);
	assert_int_equal(sw_glob_match(pat, miss, 0), 0);
	assert_int_equal(sw_glob_match(pat, hit, 0), 1);
	assert_int_equal(sw_glob_match(pat, hit + 2 * 40, 0), 1); /* exactly the 20 'a' directories */
	assert_int_equal(sw_glob_match(pat, hit + 2 * 41, 0), 0); /* 19 'a' directories: one short */
	assert_int_equal(sw_glob_match(mixed, mixed_miss, 0), 0);
	assert_int_equal(sw_glob_match("**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/c", miss, 0), 1);
	assert_int_equal(sw_glob_match("**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/d", miss, 0), 0);
	alarm(0);
	free(pat);
	free(miss);
	free(hit);
	free(mixed);
	free(mixed_miss);
}

static void glob__many_braces_are_bounded(void **state)
{
	char *pat = repeat("{a,b,c,d}", 30, "x"), *path = repeat("a", 30, "y"), *hit = repeat("ab", 2, "x");
	char *stars = repeat("{*a,*b}", 12, "c");

	SW_UNUSED(state);
	alarm(GLOB_HANG_GUARD);
	assert_int_equal(sw_glob_match(pat, path, 0), 0);
	assert_int_equal(sw_glob_match(stars, path, 0), 0);
	assert_int_equal(sw_glob_match("{a,b}{a,b}{a,b}{a,b}x", hit, 0), 1);
	alarm(0);
	free(pat);
	free(path);
	free(hit);
	free(stars);
}

static void glob__magic(void **state)
{
	SW_UNUSED(state);
	assert_true(sw_glob_has_magic("*.md"));
	assert_true(sw_glob_has_magic("a/{b,c}"));
	assert_false(sw_glob_has_magic("docs/readme.md"));
}

static void glob__gitignore_rules(void **state)
{
	struct sw_ignore ign = SW_IGNORE_INIT;
	const char *text = "# comment\nbuild/\n*.o\n!keep.o\n/root-only.txt\nnode_modules\ndocs/*.tmp\n"
			   "\\#literal\ntrailing   \n";

	SW_UNUSED(state);
	sw_ignore_add_text(&ign, text, strlen(text), "");
	sw_ignore_add(&ign, "*.log", "sub");
	assert_true(sw_ignore_match(&ign, "build", 1));
	assert_false(sw_ignore_match(&ign, "build", 0)); /* a file named build is not a directory */
	assert_true(sw_ignore_match(&ign, "build/out/x.c", 0));
	assert_true(sw_ignore_match(&ign, "a/build/x", 0));
	assert_true(sw_ignore_match(&ign, "src/a.o", 0));
	assert_false(sw_ignore_match(&ign, "src/keep.o", 0));
	assert_true(sw_ignore_match(&ign, "root-only.txt", 0));
	assert_false(sw_ignore_match(&ign, "a/root-only.txt", 0));
	assert_true(sw_ignore_match(&ign, "x/node_modules/y/z.js", 0));
	assert_true(sw_ignore_match(&ign, "docs/a.tmp", 0));
	assert_false(sw_ignore_match(&ign, "a/docs/a.tmp", 0));
	assert_true(sw_ignore_match(&ign, "#literal", 0));
	assert_true(sw_ignore_match(&ign, "trailing", 0));
	assert_true(sw_ignore_match(&ign, "sub/deep/x.log", 0));
	assert_false(sw_ignore_match(&ign, "x.log", 0));
	assert_false(sw_ignore_match(&ign, "src/main.c", 0));
	sw_ignore_release(&ign);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(glob__table),
		cmocka_unit_test(glob__pathological_pattern_terminates),
		cmocka_unit_test(glob__many_stars_are_linear),
		cmocka_unit_test(glob__many_double_stars_are_linear),
		cmocka_unit_test(glob__many_braces_are_bounded),
		cmocka_unit_test(glob__magic),
		cmocka_unit_test(glob__gitignore_rules),
	};
	return sw_run_group("glob", tests);
}
