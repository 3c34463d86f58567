/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_md.c - source positions through cmark: BOM, CRLF, invalid UTF-8,
 * long lines and deep nesting.
 */
#include "helpers/sw_test.h"
#include "specs-engine/md.h"

static struct md_doc *parse(const char *text, size_t len)
{
	struct sw_error err = SW_ERROR_INIT;
	struct md_doc *d = NULL;

	assert_sw_ok(md_parse(&d, text, len, &err), &err);
	return d;
}

static void md__positions_map_to_the_file(void **state)
{
	const char *t = "# Title\n\nSome *text*\n\n- a\n- b\n";
	struct md_doc *d = parse(t, strlen(t));
	struct md_node *h = md_first_child(md_root(d)), *p, *l;
	struct sw_buf b = SW_BUF_INIT;
	size_t s, e;
	int line, col;

	SW_UNUSED(state);
	assert_int_equal(md_node_type(h), MD_HEADING);
	assert_int_equal(md_heading_level(h), 1);
	md_node_text(h, &b);
	assert_string_equal(b.ptr, "Title");
	p = md_next(h);
	md_node_range(d, p, &s, &e);
	assert_memory_equal(t + s, "Some *text*", e - s);
	l = md_next(p);
	assert_int_equal(md_node_type(l), MD_LIST);
	assert_false(md_list_ordered(l));
	md_node_pos(d, md_first_child(l), &line, &col, NULL, NULL);
	assert_int_equal(line, 5);
	assert_int_equal(col, 1);
	assert_int_equal(md_doc_lines(d), 6);
	md_offset_pos(d, (size_t)(strstr(t, "- b") - t) + 2, &line, &col);
	assert_int_equal(line, 6);
	assert_int_equal(col, 3);
	sw_buf_release(&b);
	md_doc_free(d);
}

static void md__bom_offsets_count_the_bom(void **state)
{
	const char *t = "\xEF\xBB\xBF# Title\r\n\r\nPara one\r\n";
	struct md_doc *d = parse(t, strlen(t));
	struct md_node *h = md_first_child(md_root(d)), *p = md_next(h);
	size_t s, e;
	int line, col;

	SW_UNUSED(state);
	assert_int_equal(md_doc_bom(d), 3);
	assert_true(md_doc_crlf(d));
	md_node_pos(d, h, &line, &col, NULL, NULL);
	assert_int_equal(line, 1);
	assert_int_equal(col, 4); /* the '#' after the three BOM bytes */
	md_node_range(d, h, &s, &e);
	assert_int_equal(t[s], '#');
	md_node_range(d, p, &s, &e);
	assert_memory_equal(t + s, "Para one", 8);
	assert_int_equal(e - s, 8); /* the CR is not part of the paragraph */
	assert_int_equal(md_line_end(d, 3) - md_line_start(d, 3), 8);
	md_doc_free(d);
}

static void md__invalid_utf8_is_reported_not_fatal(void **state)
{
	const char t[] = "# T\n\nok \xC3\x28 bad\n";
	struct md_doc *d = parse(t, sizeof(t) - 1);
	size_t off = 0;
	int line, col;

	SW_UNUSED(state);
	assert_true(md_doc_utf8_error(d, &off));
	md_offset_pos(d, off, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 4);
	md_doc_free(d);
	d = parse("caf\xC3\xA9 \xE4\xB8\xAD", 9);
	assert_false(md_doc_utf8_error(d, &off));
	md_doc_free(d);
	d = parse("a\0b", 3); /* a NUL byte is not text either */
	assert_true(md_doc_utf8_error(d, &off));
	assert_int_equal(off, 1);
	md_doc_free(d);
}

static void md__long_line_and_deep_nesting(void **state)
{
	size_t n = 1 << 20, i, depth = 0;
	struct sw_buf b = SW_BUF_INIT;
	struct md_doc *d;
	const struct md_node *root, *node;

	SW_UNUSED(state);
	sw_buf_adds(&b, "- [ ] 1. ");
	for (i = 0; i < n; i++)
		sw_buf_addch(&b, "abc "[i % 4]);
	sw_buf_addch(&b, '\n');
	d = parse(b.ptr, b.len);
	assert_int_equal(md_line_end(d, 1), b.len - 1);
	md_doc_free(d);
	sw_buf_reset(&b);
	/* 10,000 nested bullets ("- - - … x" nests a list in each item): the walk is iterative. */
	for (i = 0; i < 10000; i++)
		sw_buf_adds(&b, "- ");
	sw_buf_adds(&b, "x\n");
	d = parse(b.ptr, b.len);
	root = md_root(d);
	for (node = md_walk_next(root, root, 0); node; node = md_walk_next(root, node, 0))
		if (md_node_type(node) == MD_ITEM)
			depth++;
	assert_int_equal(depth, 10000);
	md_doc_free(d);
	sw_buf_release(&b);
}

static void md__empty_and_truncated(void **state)
{
	struct md_doc *d = parse("", 0);
	const char *t = "# Tit";

	SW_UNUSED(state);
	assert_null(md_first_child(md_root(d)));
	assert_int_equal(md_doc_lines(d), 1);
	md_doc_free(d);
	d = parse(t, 3); /* "# T" cut mid-way */
	assert_int_equal(md_node_type(md_first_child(md_root(d))), MD_HEADING);
	md_doc_free(d);
	d = parse("- [x] 1. a\xE4\xB8", 12); /* cut inside a UTF-8 sequence */
	assert_true(md_doc_utf8_error(d, NULL));
	md_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(md__positions_map_to_the_file),
		cmocka_unit_test(md__bom_offsets_count_the_bom),
		cmocka_unit_test(md__invalid_utf8_is_reported_not_fatal),
		cmocka_unit_test(md__long_line_and_deep_nesting),
		cmocka_unit_test(md__empty_and_truncated),
	};

	return sw_run_group("md", tests);
}
