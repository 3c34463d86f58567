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
	/* The defect describes today's behaviour: no EARS class. */
	assert_int_equal(c->cls, EARS_NONE);
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

/* Headings in Chinese: the three sections are found by their N.M clauses, in order. */
static const char zh[] =
	"# Bugfix 需求文档\n"
	"\n"
	"## 简介\n"
	"\n"
	"导出按钮在空列表上崩溃。\n"
	"\n"
	"## Bug 分析\n"
	"\n"
	"### 当前行为（缺陷）\n"
	"\n"
	"1.1 WHEN 列表为空时用户点击导出 THEN 系统抛出异常\n"
	"\n"
	"1.2 The export button is fast and simple and crashes\n"
	"\n"
	"### 期望行为（正确）\n"
	"\n"
	"2.1 WHEN 列表为空时用户点击导出, THE Exporter SHALL 生成只有表头的文件\n"
	"\n"
	"### 不变行为（回归防护）\n"
	"\n"
	"3.1 WHEN 列表非空时用户点击导出 THEN 系统 SHALL CONTINUE TO 导出全部行\n"
	"\n"
	"## 修复方案\n"
	"\n"
	"4.1 修改导出函数\n";

static const char es[] =
	"# Corrección\n\n## Análisis del error\n\n### Comportamiento que falla\n\n"
	"1.1 WHEN el usuario guarda THEN el sistema pierde el borrador\n\n"
	"### Lo que debe pasar\n\n"
	"1. WHEN el usuario guarda, THE Editor SHALL conservar el borrador\n\n"
	"### Lo que no cambia\n\n"
	"1. WHEN el usuario abre un borrador THEN el sistema SHALL CONTINUE TO mostrarlo\n";

static void bugfix__localized_sections_by_structure(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct md_doc *md = NULL;
	struct req_doc *doc = NULL;
	size_t i;

	SW_UNUSED(state);
	assert_sw_ok(md_parse(&md, zh, strlen(zh), &err), &err);
	assert_sw_ok(bugfix_parse(&doc, md, "bugfix.md", &diags, &err), &err);
	assert_int_equal(doc->ncrit, 4); /* 4.1 is not in the analysis */
	assert_int_equal(req_find_criterion(doc, "1.2")->ctx, EARS_CTX_BUG_CURRENT);
	assert_int_equal(req_find_criterion(doc, "1.2")->cls, EARS_NONE);
	assert_int_equal(req_find_criterion(doc, "2.1")->cls, EARS_EVENT);
	assert_int_equal(req_find_criterion(doc, "3.1")->ctx, EARS_CTX_BUG_UNCHANGED);
	assert_true(req_find_criterion(doc, "3.1")->ears_flags & EARS_CONTINUE);
	/* Defect clauses are not linted: no vague word, no missing SHALL. */
	for (i = 0; i < diags.nr; i++)
		if (diags.v[i].line == 13)
			fail_msg("defect clause linted: %s %s", diags.v[i].code, diags.v[i].msg);
	assert_int_equal(diags.errors, 0);
	req_doc_free(doc);
	md_doc_free(md);
	sw_diags_release(&diags);

	/* Headings the parser has no words for, ordered lists: sections by their place. */
	diags = (struct sw_diags)SW_DIAGS_INIT;
	assert_sw_ok(md_parse(&md, es, strlen(es), &err), &err);
	assert_sw_ok(bugfix_parse(&doc, md, "bugfix.md", &diags, &err), &err);
	assert_int_equal(doc->ncrit, 3);
	assert_int_equal(req_find_criterion(doc, "2.1")->ctx, EARS_CTX_BUG_EXPECTED);
	assert_int_equal(req_find_criterion(doc, "3.1")->ctx, EARS_CTX_BUG_UNCHANGED);
	assert_int_equal(diags.errors, 0);
	req_doc_free(doc);
	md_doc_free(md);
	sw_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bugfix__sections_items_and_contexts),
		cmocka_unit_test(bugfix__empty_and_shapeless),
		cmocka_unit_test(bugfix__localized_sections_by_structure),
	};

	return sw_run_group("bugfix", tests);
}
