/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "kiro/frontmatter.h"

static void parse_ok(struct kiro_fm *fm, const char *text)
{
	struct sw_error err = SW_ERROR_INIT;

	assert_sw_ok(kiro_fm_parse(fm, text, strlen(text), &err), &err);
}

static void frontmatter__basic_mapping_with_positions(void **state)
{
	struct kiro_fm fm = KIRO_FM_INIT;
	const char *text = "---\ninclusion: fileMatch\nfileMatchPattern: \"src/**/*.ts\"\n---\n# Body\n";
	const struct kiro_fm_pair *p;

	SW_UNUSED(state);
	parse_ok(&fm, text);
	assert_true(fm.present);
	assert_non_null(fm.root);
	assert_int_equal(fm.root->nr, 2);
	p = kiro_fm_pair(fm.root, "inclusion");
	assert_non_null(p);
	assert_int_equal(p->line, 2);
	assert_int_equal(p->col, 1);
	assert_string_equal(p->value->value, "fileMatch");
	assert_int_equal(p->value->line, 2);
	assert_int_equal(p->value->col, 12);
	p = kiro_fm_pair(fm.root, "fileMatchPattern");
	assert_true(p->value->quoted);
	assert_int_equal(p->value->line, 3);
	assert_string_equal(text + fm.body_off, "# Body\n");
	assert_int_equal(fm.body_line, 5);
	kiro_fm_release(&fm);
}

static void frontmatter__absent_is_not_an_error(void **state)
{
	struct kiro_fm fm = KIRO_FM_INIT;
	const char *text = "# Title\n---\nnot: front matter\n---\n";

	SW_UNUSED(state);
	parse_ok(&fm, text);
	assert_false(fm.present);
	assert_null(fm.root);
	assert_int_equal(fm.body_off, 0);
	kiro_fm_release(&fm);
	parse_ok(&fm, "");
	assert_false(fm.present);
	kiro_fm_release(&fm);
}

static void frontmatter__crlf_and_bom(void **state)
{
	struct kiro_fm fm = KIRO_FM_INIT;
	const char *text = "\xEF\xBB\xBF---\r\ninclusion: manual\r\nname: x\r\n---\r\nbody\r\n";

	SW_UNUSED(state);
	parse_ok(&fm, text);
	assert_true(fm.present);
	assert_string_equal(kiro_fm_get(fm.root, "inclusion")->value, "manual");
	assert_string_equal(kiro_fm_get(fm.root, "name")->value, "x");
	assert_string_equal(text + fm.body_off, "body\r\n");
	kiro_fm_release(&fm);
}

static void frontmatter__sequences_nested_and_unknown_keys_kept(void **state)
{
	struct kiro_fm fm = KIRO_FM_INIT;
	const char *text = "---\nfileMatchPattern: ['**/*.ts', \"**/*.tsx\"]\ntools:\n  - read\n  - write\n"
			   "extra:\n  deep: {a: 1, b: [true, null]}\npriority: 10\n---\n";
	const struct kiro_fm_node *n;
	cJSON *j;
	char *s;
	int line = 0, col = 0;

	SW_UNUSED(state);
	parse_ok(&fm, text);
	n = kiro_fm_get(fm.root, "fileMatchPattern");
	assert_int_equal(n->kind, KIRO_FM_SEQ);
	assert_int_equal(n->nr, 2);
	assert_string_equal(n->items[1]->value, "**/*.tsx");
	n = kiro_fm_get(fm.root, "tools");
	assert_int_equal(n->nr, 2);
	assert_int_equal(n->items[1]->line, 5);
	assert_int_equal(n->items[1]->col, 5);
	assert_int_equal(kiro_fm_locate(fm.root, "$.extra.deep.b[1]", 0, &line, &col), 0);
	assert_int_equal(line, 7);
	assert_int_equal(kiro_fm_locate(fm.root, "$.priority", 1, &line, &col), 0);
	assert_int_equal(line, 8);
	assert_int_equal(col, 1);
	assert_int_equal(kiro_fm_locate(fm.root, "$.nope", 0, &line, &col), SW_ENOTFOUND);
	j = kiro_fm_to_json(fm.root);
	s = cJSON_PrintUnformatted(j);
	assert_string_equal(s, "{\"fileMatchPattern\":[\"**/*.ts\",\"**/*.tsx\"],\"tools\":[\"read\",\"write\"],"
			       "\"extra\":{\"deep\":{\"a\":1,\"b\":[true,null]}},\"priority\":10}");
	cJSON_free(s);
	cJSON_Delete(j);
	kiro_fm_release(&fm);
}

static void frontmatter__quoted_scalars_stay_strings(void **state)
{
	struct kiro_fm fm = KIRO_FM_INIT;
	cJSON *j;
	char *s;

	SW_UNUSED(state);
	parse_ok(&fm, "---\na: 'true'\nb: \"12\"\nc:\nd: ~\n---\n");
	j = kiro_fm_to_json(fm.root);
	s = cJSON_PrintUnformatted(j);
	assert_string_equal(s, "{\"a\":\"true\",\"b\":\"12\",\"c\":null,\"d\":null}");
	assert_string_equal(kiro_fm_type_name(kiro_fm_get(fm.root, "c")), "null");
	cJSON_free(s);
	cJSON_Delete(j);
	kiro_fm_release(&fm);
}

struct bad_case {
	const char *text;
	int line, col;
	const char *msg;
};

static const struct bad_case bad[] = {
	{ "---\ninclusion: always\n", 1, 1, "not closed" },
	{ "---\na: [1, 2\n---\n", 3, 1, "invalid YAML" },
	{ "---\na: b: c\n---\n", 2, 5, "invalid YAML" },
	{ "---\n- a\n- b\n---\n", 2, 1, "must be a mapping" },
	{ "---\na: &x 1\nb: *x\n---\n", 2, 4, "anchors" },
	{ "---\n\tinclusion: always\n---\n", 2, 1, "invalid YAML" },
	{ "---\n? [a]\n: b\n---\n", 2, 3, "plain value" },
};

static void frontmatter__bad_yaml_is_located(void **state)
{
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		struct kiro_fm fm = KIRO_FM_INIT;
		struct sw_error err = SW_ERROR_INIT;

		if (kiro_fm_parse(&fm, bad[i].text, strlen(bad[i].text), &err) != SW_EINVAL)
			fail_msg("case %zu parsed", i);
		if (!strstr(err.msg, bad[i].msg) || err.line != bad[i].line || err.col != bad[i].col)
			fail_msg("case %zu: got %d:%d '%s', want %d:%d '%s'", i, err.line, err.col, err.msg,
				 bad[i].line, bad[i].col, bad[i].msg);
		assert_null(fm.root);
		kiro_fm_release(&fm);
	}
}

static void frontmatter__deep_nesting_refused(void **state)
{
	struct sw_buf b = SW_BUF_INIT;
	struct kiro_fm fm = KIRO_FM_INIT;
	struct sw_error err = SW_ERROR_INIT;
	int i;

	SW_UNUSED(state);
	sw_buf_adds(&b, "---\na: ");
	for (i = 0; i < 200; i++)
		sw_buf_addch(&b, '[');
	for (i = 0; i < 200; i++)
		sw_buf_addch(&b, ']');
	sw_buf_adds(&b, "\n---\n");
	assert_int_equal(kiro_fm_parse(&fm, b.ptr, b.len, &err), SW_EINVAL);
	assert_non_null(strstr(err.msg, "deeper"));
	kiro_fm_release(&fm);
	sw_buf_release(&b);
}

static void frontmatter__empty_block_and_dots_close(void **state)
{
	struct kiro_fm fm = KIRO_FM_INIT;
	const char *text = "---\n---\nbody";

	SW_UNUSED(state);
	parse_ok(&fm, text);
	assert_true(fm.present);
	assert_null(fm.root);
	assert_string_equal(text + fm.body_off, "body");
	kiro_fm_release(&fm);
	parse_ok(&fm, "---\na: 1\n...\n");
	assert_string_equal(kiro_fm_get(fm.root, "a")->value, "1");
	kiro_fm_release(&fm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(frontmatter__basic_mapping_with_positions),
		cmocka_unit_test(frontmatter__absent_is_not_an_error),
		cmocka_unit_test(frontmatter__crlf_and_bom),
		cmocka_unit_test(frontmatter__sequences_nested_and_unknown_keys_kept),
		cmocka_unit_test(frontmatter__quoted_scalars_stay_strings),
		cmocka_unit_test(frontmatter__bad_yaml_is_located),
		cmocka_unit_test(frontmatter__deep_nesting_refused),
		cmocka_unit_test(frontmatter__empty_block_and_dots_close),
	};

	return sw_run_group("frontmatter", tests);
}
