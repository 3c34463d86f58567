/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_ears.c - the EARS classifier against the data-driven cases in
 * the .test files in tests/fixtures/ears (format in tests/fixtures/ears/README).
 */
#include "helpers/sw_test.h"
#include "base/fs.h"
#include "specs-engine/ears.h"

#include <dirent.h>

static const char *const ctx_names[] = { "feature", "bug-current", "bug-expected", "bug-unchanged" };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Unescapes "\n" in @s into a fresh string. */
static char *unescape(const char *s)
{
	struct sw_buf b = SW_BUF_INIT;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			sw_buf_addch(&b, '\n');
			s++;
		} else {
			sw_buf_addch(&b, *s);
		}
	}
	return sw_buf_detach(&b, NULL);
}

static unsigned flag_of(const char *name)
{
	if (!strcmp(name, "negative")) return EARS_NEGATIVE;
	if (!strcmp(name, "continue")) return EARS_CONTINUE;
	if (!strcmp(name, "shall-last")) return EARS_SHALL_LAST;
	if (!strcmp(name, "lowercase")) return EARS_LOWERCASE;
	if (!strcmp(name, "localized")) return EARS_LOCALIZED;
	fail_msg("unknown flag '%s'", name);
	return 0;
}

/* Runs every case of one file; returns the number of cases. */
static int run_file(const char *path)
{
	struct sw_buf text = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_strvec lines = SW_STRVEC_INIT;
	enum ears_context ctx = EARS_CTX_FEATURE;
	size_t i = 0, start;
	int cases = 0;
	char *p, *nl;

	assert_sw_ok(sw_read_file(&text, path, 1 << 20, &err), &err);
	for (p = text.ptr; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		sw_strvec_push_take(&lines, sw_xstrndup(p, (size_t)(nl - p)));
		if (!*nl)
			break;
	}
	while (i < lines.nr) {
		const char *l = lines.v[i];
		struct ears_result r;
		struct sw_strvec want = SW_STRVEC_INIT, got = SW_STRVEC_INIT;
		char *input;
		int cls, k;
		size_t f;

		if (!*l || l[0] == '#') {
			i++;
			continue;
		}
		if (!strncmp(l, "%context ", 9)) {
			for (k = 0; k < 4; k++)
				if (!strcmp(l + 9, ctx_names[k]))
					ctx = (enum ears_context)k;
			i++;
			continue;
		}
		start = i;
		if (i + 2 >= lines.nr)
			fail_msg("%s:%zu: a case needs three lines", path, start + 1);
		input = unescape(lines.v[i]);
		cls = ears_class_from_name(lines.v[i + 1]);
		if (cls < 0)
			fail_msg("%s:%zu: unknown class '%s'", path, i + 2, lines.v[i + 1]);
		if (strcmp(lines.v[i + 2], "-"))
			sw_strvec_split(&want, lines.v[i + 2], ' ');
		ears_classify(&r, input, strlen(input), ctx);
		for (f = 0; f < r.nr; f++)
			sw_strvec_pushf(&got, "%s@%zu", r.f[f].code, r.f[f].off + 1);
		qsort(want.v, want.nr, sizeof(*want.v), cmp_str);
		qsort(got.v, got.nr, sizeof(*got.v), cmp_str);
		if ((int)r.cls != cls)
			fail_msg("%s:%zu: '%s': expected class %s, got %s (%s)", path, start + 1, input,
				 lines.v[i + 1], ears_class_name(r.cls), r.nr ? r.f[0].msg : "no findings");
		if (want.nr != got.nr)
			fail_msg("%s:%zu: '%s': expected %zu findings, got %zu (first: %s %s)", path, start + 1, input,
				 want.nr, got.nr, got.nr ? got.v[0] : "-", r.nr ? r.f[0].msg : "");
		for (f = 0; f < want.nr; f++)
			if (strcmp(want.v[f], got.v[f]))
				fail_msg("%s:%zu: '%s': expected %s, got %s", path, start + 1, input, want.v[f], got.v[f]);
		for (f = 0; f < r.nr; f++) {
			/* Every finding speaks lowercase, no full stop, and errors name the nearest pattern. */
			assert_false(r.f[f].msg[strlen(r.f[f].msg) - 1] == '.');
			if (r.f[f].severity == SW_SEV_ERROR && strcmp(r.f[f].code, "ears-empty-response"))
				assert_non_null(strstr(r.f[f].hint, "nearest pattern"));
		}
		i += 3;
		if (i < lines.nr && !strncmp(lines.v[i], "%flags ", 7)) {
			struct sw_strvec fl = SW_STRVEC_INIT;

			sw_strvec_split(&fl, lines.v[i] + 7, ' ');
			for (f = 0; f < fl.nr; f++)
				if (!(r.flags & flag_of(fl.v[f])))
					fail_msg("%s:%zu: '%s': flag %s not set", path, start + 1, input, fl.v[f]);
			sw_strvec_clear(&fl);
			i++;
		}
		free(input);
		sw_strvec_clear(&want);
		sw_strvec_clear(&got);
		cases++;
	}
	sw_strvec_clear(&lines);
	sw_buf_release(&text);
	return cases;
}

static void ears__fixture_cases(void **state)
{
	DIR *d;
	struct dirent *de;
	int files = 0, cases = 0;
	const char *dir = "tests/fixtures/ears";

	SW_UNUSED(state);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (!sw_ends_with(de->d_name, ".test"))
			continue;
		p = sw_path_join(dir, de->d_name);
		cases += run_file(p);
		files++;
		free(p);
	}
	closedir(d);
	assert_true(files >= 5);
	assert_true(cases >= 40);
}

static void ears__every_class_has_a_name_and_template(void **state)
{
	int c;

	SW_UNUSED(state);
	for (c = EARS_NONE; c <= EARS_PROPERTY; c++) {
		assert_int_equal(ears_class_from_name(ears_class_name((enum ears_class)c)), c);
		assert_non_null(strstr(ears_class_template((enum ears_class)c), "SHALL"));
	}
	assert_int_equal(ears_class_from_name("nonsense"), -1);
}

static void ears__subject_span(void **state)
{
	struct ears_result r;
	const char *a = "WHEN a user posts, THE Notes_Service SHALL store it";
	const char *b = "WHEN x THEN the system SHALL y";
	const char *c = "WHILE a sync is running the Editor SHALL queue the change";
	const char *d = "FOR ALL registered users, THE Auth_Service SHALL store a salted hash";
	const char *e = "FOR ALL valid X, parsing then printing SHALL produce X";

	SW_UNUSED(state);
	ears_classify(&r, a, strlen(a), EARS_CTX_FEATURE);
	assert_int_equal(r.subject_len, strlen("Notes_Service"));
	assert_memory_equal(a + r.subject_off, "Notes_Service", r.subject_len);
	assert_int_equal(r.shall_off, (size_t)(strstr(a, "SHALL") - a));
	ears_classify(&r, b, strlen(b), EARS_CTX_FEATURE);
	assert_memory_equal(b + r.subject_off, "system", r.subject_len);
	/* Without its comma, the system is what follows the last "the". */
	ears_classify(&r, c, strlen(c), EARS_CTX_FEATURE);
	assert_int_equal(r.cls, EARS_STATE);
	assert_int_equal(r.subject_len, strlen("Editor"));
	assert_memory_equal(c + r.subject_off, "Editor", r.subject_len);
	/* A property names its system only in the ", THE <system> SHALL" form. */
	ears_classify(&r, d, strlen(d), EARS_CTX_FEATURE);
	assert_int_equal(r.cls, EARS_PROPERTY);
	assert_memory_equal(d + r.subject_off, "Auth_Service", r.subject_len);
	assert_int_equal(r.subject_len, strlen("Auth_Service"));
	ears_classify(&r, e, strlen(e), EARS_CTX_FEATURE);
	assert_int_equal(r.cls, EARS_PROPERTY);
	assert_int_equal(r.subject_len, 0);
}

/* The severity policy: what breaks meaning is an error, style is a warning. */
static void ears__style_is_a_warning(void **state)
{
	static const struct { const char *text; const char *code; enum sw_severity sev; } cases[] = {
		{ "Given a valid token, THE API SHALL return the profile", "ears-precondition", SW_SEV_WARNING },
		{ "WHILE a sync runs the Editor SHALL lock the note", "ears-missing-then", SW_SEV_WARNING },
		{ "AFTER login, THE Dashboard SHALL show the summary", "ears-opener", SW_SEV_WARNING },
		{ "When the user saves, THE Editor SHALL store the draft", "ears-lowercase", SW_SEV_WARNING },
		{ "FOR ALL inputs, parse(print(x)) equals x", "ears-property-form", SW_SEV_WARNING },
		{ "THE Editor SHALL store the draft and SHALL sync it", "ears-multiple-shall", SW_SEV_WARNING },
		{ "WHEN , THE System SHALL log the event", "ears-empty-condition", SW_SEV_ERROR },
		{ "Users can export reports", "ears-no-shall", SW_SEV_ERROR },
		{ "THE System SHALL NOT", "ears-empty-response", SW_SEV_ERROR },
	};
	struct ears_result r;
	size_t i, f;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++) {
		ears_classify(&r, cases[i].text, strlen(cases[i].text), EARS_CTX_FEATURE);
		for (f = 0; f < r.nr && strcmp(r.f[f].code, cases[i].code); f++)
			;
		if (f == r.nr)
			fail_msg("'%s': no %s", cases[i].text, cases[i].code);
		if (r.f[f].severity != cases[i].sev)
			fail_msg("'%s': %s has the wrong severity", cases[i].text, cases[i].code);
		/* A style warning keeps the class; an error leaves none. */
		assert_true((r.cls == EARS_NONE) == (cases[i].sev == SW_SEV_ERROR || !strcmp(cases[i].code, "ears-precondition")));
	}
}

static void ears__long_input_is_linear_and_safe(void **state)
{
	/* A 1 MB criterion: one pass, no allocation, no overflow of the findings. */
	size_t n = 1 << 20, i;
	char *s = sw_xmalloc(n + 1);
	struct ears_result r;

	SW_UNUSED(state);
	for (i = 0; i < n; i++)
		s[i] = "WHEN fast SHALL x, "[i % 19];
	s[n] = '\0';
	ears_classify(&r, s, n, EARS_CTX_FEATURE);
	assert_true(r.nr <= EARS_MAX_FINDINGS);
	memset(s, 0xFF, n); /* invalid UTF-8 throughout */
	ears_classify(&r, s, n, EARS_CTX_FEATURE);
	assert_int_equal(r.cls, EARS_NONE);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ears__fixture_cases),
		cmocka_unit_test(ears__every_class_has_a_name_and_template),
		cmocka_unit_test(ears__subject_span),
		cmocka_unit_test(ears__style_is_a_warning),
		cmocka_unit_test(ears__long_input_is_linear_and_safe),
	};

	return sw_run_group("ears", tests);
}
