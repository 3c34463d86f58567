/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_bugfix.c - bugfix.md: sections, ids in paragraphs, several bugs per
 * file, and the EARS context of each section.
 */
#include "helpers/sw_test.h"
#include "specs-engine/bugfix.h"

static const char text[] =
	"# Bugfix Requirements Document\n"
	"\n"
	"## Introduction\n"
	"\n"
	"1. **Missing endpoint**: a numbered list in the introduction is not an item.\n"
	"\n"
	"## Bug Analysis\n"
	"\n"
	"### Current Behavior (Defect)\n"
	"\n"
	"1.1 WHEN the backend starts without a seed THEN the system leaves the\n"
	"tenant table empty\n"
	"\n"
	"1.2 WHEN a user logs in THEN the system drops the role claim\n"
	"1.3 WHEN the token expires THEN the system keeps the old session\n"
	"\n"
	"### Expected Behavior (Correct)\n"
	"\n"
	"2.1 WHEN the backend starts, THEN the system SHALL seed the tenant table\n"
	"\n"
	"### Unchanged Behavior (Regression Prevention)\n"
	"\n"
	"3.1 WHEN a user logs out THEN the system SHALL CONTINUE TO clear the session\n"
	"\n"
	"3.2 WHEN a user logs in THEN the system SHALL issue a token\n"
	"\n"
	"## Bug Analysis — Bug 2: Invitations\n"
	"\n"
	"### Current Behavior (Defect)\n"
	"\n"
	"1.4 WHEN an invitation expires THEN the system accepts it\n"
	"\n"
	"### Expected Behavior (Correct)\n"
	"\n"
	"2.2 WHEN an invitation expires THEN the system SHALL reject it\n"
	"\n"
	"2.2 WHEN repeated THEN the system SHALL complain\n";

static void bugfix__sections_items_and_contexts(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct md_doc *md = NULL;
	struct req_doc *doc = NULL;
	const struct req_criterion *c;
	size_t i, dup = 0, unchanged = 0;

	SW_UNUSED(state);
	assert_sw_ok(md_parse(&md, text, strlen(text), &err), &err);
	assert_sw_ok(bugfix_parse(&doc, md, "bugfix.md", &diags, &err), &err);
	assert_true(doc->bugfix);
	assert_int_equal(doc->nreqs, 3);
	assert_string_equal(doc->reqs[0].title, "Current Behavior (Defect)");
	assert_int_equal(doc->ncrit, 8);
	c = req_find_criterion(doc, "1.1");
	assert_int_equal(c->line, 11);
	assert_int_equal(c->col, 5);
	assert_memory_equal(md_doc_text(md) + c->end - 11, "table empty", 11);
	assert_int_equal(c->ctx, EARS_CTX_BUG_CURRENT);
	assert_int_equal(c->cls, EARS_EVENT);
	/* Two items in one paragraph. */
	assert_int_equal(req_find_criterion(doc, "1.3")->line, 15);
	assert_int_equal(req_find_criterion(doc, "2.1")->ctx, EARS_CTX_BUG_EXPECTED);
	assert_true(req_find_criterion(doc, "3.1")->ears_flags & EARS_CONTINUE);
	assert_int_equal(req_find_criterion(doc, "1.4")->req, 1);
	assert_int_equal(doc->reqs[0].ncrit, 4);
	for (i = 0; i < diags.nr; i++) {
		dup += !strcmp(diags.v[i].code, "req-duplicate-criterion");
		unchanged += !strcmp(diags.v[i].code, "ears-unchanged-form");
		assert_true(diags.v[i].severity != SW_SEV_ERROR || !strcmp(diags.v[i].code, "req-duplicate-criterion"));
	}
	assert_int_equal(dup, 1);
	assert_int_equal(unchanged, 1); /* 3.2 lacks CONTINUE TO */
	req_doc_free(doc);
	md_doc_free(md);
	sw_diags_release(&diags);
}

static void bugfix__empty_and_shapeless(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct md_doc *md = NULL;
	struct req_doc *doc = NULL;

	SW_UNUSED(state);
	assert_sw_ok(md_parse(&md, "# Bug\n\nIt breaks.\n", 18, &err), &err);
	assert_sw_ok(bugfix_parse(&doc, md, "bugfix.md", &diags, &err), &err);
	assert_int_equal(doc->ncrit, 0);
	assert_int_equal(diags.nr, 1);
	assert_string_equal(diags.v[0].code, "bugfix-none");
	req_doc_free(doc);
	md_doc_free(md);
	sw_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bugfix__sections_items_and_contexts),
		cmocka_unit_test(bugfix__empty_and_shapeless),
	};

	return sw_run_group("bugfix", tests);
}
