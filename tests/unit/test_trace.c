/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_trace.c - the criterion x task x property matrix.
 */
#include "helpers/sw_test.h"
#include "specs-engine/trace.h"
#include "specs-engine/bugfix.h"

static void trace__matrix_uncovered_and_dangling(void **state)
{
	const char *r = "## Requirements\n\n### Requirement 1\n\n#### Acceptance Criteria\n\n"
			"1. THE S SHALL a\n2. THE S SHALL b\n3. THE S SHALL c\n\n"
			"### Requirement 2\n\n#### Acceptance Criteria\n\n1. THE S SHALL d\n";
	const char *d = "### Property 1: P\n\n**Validates: Requirements 1.1, 2.1**\n\n### Property 2: Q\n\n"
			"**Validates: Requirements 3.3**\n";
	const char *t = "- [ ] 1. A\n  - _Requirements: 1.1-1.2_\n- [ ] 2. B\n  - _Requirements: 2, 9.1_\n"
			"  - **Property 5: gone**\n";
	struct sw_error err = SW_ERROR_INIT;
	struct md_doc *mr = NULL, *md = NULL, *mt = NULL;
	struct req_doc *rd = NULL;
	struct design_doc *dd = NULL;
	struct tasks_doc *td = NULL;
	struct trace *tr = NULL;

	SW_UNUSED(state);
	assert_sw_ok(md_parse(&mr, r, strlen(r), &err), &err);
	assert_sw_ok(md_parse(&md, d, strlen(d), &err), &err);
	assert_sw_ok(md_parse(&mt, t, strlen(t), &err), &err);
	assert_sw_ok(req_parse(&rd, mr, "r", NULL, &err), &err);
	assert_sw_ok(design_parse(&dd, md, "d", NULL, &err), &err);
	assert_sw_ok(tasks_parse(&td, mt, "t", NULL, &err), &err);
	assert_sw_ok(trace_build(&tr, rd, dd, td, &err), &err);
	assert_int_equal(tr->nrows, 4);
	assert_string_equal(tr->rows[0].crit->id, "1.1");
	assert_int_equal(tr->rows[0].tasks.nr, 1);
	assert_string_equal(tr->rows[0].tasks.v[0], "1");
	assert_string_equal(tr->rows[0].props.v[0], "1");
	assert_string_equal(tr->rows[3].tasks.v[0], "2");
	assert_int_equal(tr->uncovered, 1); /* 1.3 */
	assert_int_equal(tr->untested, 2);  /* 1.2, 1.3 */
	assert_int_equal(tr->ndangling, 3);
	assert_string_equal(tr->dangling[0].ref, "9.1");
	assert_int_equal(tr->dangling[0].line, 4);
	assert_string_equal(tr->dangling[1].ref, "Property 5");
	assert_int_equal(tr->dangling[2].from, TRACE_FROM_PROPERTY);
	assert_string_equal(tr->dangling[2].owner, "2");
	trace_free(tr);
	/* Without documents the matrix is empty, and nothing dangles. */
	assert_sw_ok(trace_build(&tr, NULL, NULL, td, &err), &err);
	assert_int_equal(tr->nrows, 0);
	assert_int_equal(tr->ndangling, 0);
	trace_free(tr);
	req_doc_free(rd);
	design_doc_free(dd);
	tasks_doc_free(td);
	md_doc_free(mr);
	md_doc_free(md);
	md_doc_free(mt);
}

static void trace__bugfix_defects_need_no_task(void **state)
{
	const char *b = "## Bug Analysis\n\n### Current Behavior (Defect)\n\n1.1 WHEN x THEN y breaks\n\n"
			"### Expected Behavior (Correct)\n\n2.1 WHEN x THEN the system SHALL work\n";
	struct sw_error err = SW_ERROR_INIT;
	struct md_doc *m = NULL;
	struct req_doc *rd = NULL;
	struct trace *tr = NULL;

	SW_UNUSED(state);
	assert_sw_ok(md_parse(&m, b, strlen(b), &err), &err);
	assert_sw_ok(bugfix_parse(&rd, m, "bugfix.md", NULL, &err), &err);
	assert_sw_ok(trace_build(&tr, rd, NULL, NULL, &err), &err);
	assert_int_equal(tr->nrows, 2);
	assert_false(tr->rows[0].needs_task);
	assert_int_equal(tr->uncovered, 1);
	trace_free(tr);
	req_doc_free(rd);
	md_doc_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trace__matrix_uncovered_and_dangling),
		cmocka_unit_test(trace__bugfix_defects_need_no_task),
	};

	return sw_run_group("trace", tests);
}
