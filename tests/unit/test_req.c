/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_req.c - requirements.md into the model: glossary, localised
 * headings, wrapped criteria, numbering checks, reference lists.
 */
#include "helpers/sw_test.h"
#include "specs-engine/req.h"

struct parsed {
	struct md_doc *md;
	struct req_doc *doc;
	struct sw_diags diags;
};

static void parse(struct parsed *p, const char *text)
{
	struct sw_error err = SW_ERROR_INIT;

	memset(p, 0, sizeof(*p));
	assert_sw_ok(md_parse(&p->md, text, strlen(text), &err), &err);
	assert_sw_ok(req_parse(&p->doc, p->md, "requirements.md", &p->diags, &err), &err);
}

static void release(struct parsed *p)
{
	req_doc_free(p->doc);
	md_doc_free(p->md);
	sw_diags_release(&p->diags);
}

static size_t count(const struct parsed *p, const char *code)
{
	size_t i, n = 0;

	for (i = 0; i < p->diags.nr; i++)
		n += !strcmp(p->diags.v[i].code, code);
	return n;
}

static const char kiro[] =
	"# Requirements Document\n"
	"\n"
	"## Introduction\n"
	"\n"
	"Automates issues.\n"
	"\n"
	"## Glossary\n"
	"\n"
	"- **Issue_Manager**: The automated system that handles issues\n"
	"- **Bedrock_Classifier (BC)**: The model client\n"
	"\n"
	"## Requirements\n"
	"\n"
	"### Requirement 1: Automatic Label Assignment\n"
	"\n"
	"**User Story:** As a maintainer, I want labels, so that triage is fast.\n"
	"\n"
	"#### Acceptance Criteria\n"
	"\n"
	"1. WHEN a new issue is created, THE Issue_Manager SHALL analyze the issue title and body\n"
	"   using Bedrock_Classifier\n"
	"2. THE BC SHALL use AWS Bedrock\n"
	"3. THE Label_Bot SHALL add labels\n"
	"\n"
	"**Note:** extra text after the list.\n"
	"\n"
	"### Requirement 2\n"
	"\n"
	"#### Acceptance Criteria\n"
	"\n"
	"1. WHEN label assignment fails THEN the system SHALL log the error\n";

static void req__kiro_format(void **state)
{
	struct parsed p;
	const struct req_criterion *c;
	const struct sw_diag *d;

	SW_UNUSED(state);
	parse(&p, kiro);
	assert_string_equal(p.doc->title, "Requirements Document");
	assert_int_equal(p.doc->nterms, 2);
	assert_string_equal(p.doc->terms[0].name, "Issue_Manager");
	assert_int_equal(p.doc->terms[0].line, 9);
	assert_int_equal(p.doc->terms[0].col, 5);
	assert_int_equal(p.doc->nreqs, 2);
	assert_string_equal(p.doc->reqs[0].title, "Automatic Label Assignment");
	assert_non_null(strstr(p.doc->reqs[0].story, "As a maintainer"));
	assert_string_equal(p.doc->reqs[1].title, "");
	assert_int_equal(p.doc->reqs[0].ncrit, 3);
	assert_int_equal(p.doc->ncrit, 4);
	c = req_find_criterion(p.doc, "1.1");
	assert_int_equal(c->line, 20);
	assert_int_equal(c->col, 4);
	/* The criterion wraps: its text runs to the end of the second line. */
	assert_memory_equal(md_doc_text(p.md) + c->end - 18, "Bedrock_Classifier", 18);
	assert_true(c->end > md_line_start(p.md, 21));
	assert_int_equal(c->cls, EARS_EVENT);
	assert_int_equal(req_find_criterion(p.doc, "2.1")->cls, EARS_EVENT);
	/* "THE BC" matches the glossary's "(BC)"; "Label_Bot" is not in it. */
	d = sw_test_diag(&p.diags, "ears-unknown-subject");
	assert_int_equal(d->line, 23);
	assert_int_equal(d->col, 8);
	assert_int_equal(count(&p, "ears-unknown-subject"), 1);
	assert_true(req_glossary_has(p.doc, "bedrock_classifier", 18));
	release(&p);
}

static void req__localised_and_numbering(void **state)
{
	struct parsed p;

	SW_UNUSED(state);
	parse(&p, "# 需求文档\n\n## 术语表\n\n- **年报（Annual Report）**: 报告\n\n## 需求\n\n"
		  "### 需求 1：直接上传\n\n**用户故事：** 作为用户\n\n#### 验收标准\n\n"
		  "1. WHEN 用户上传文件 THEN 系统 SHALL 接受文件\n"
		  "2. WHEN 年报 到达 THEN Annual Report SHALL 入库\n"
		  "\n### 需求 3：跳过\n\n#### 驗收標準\n\n1. THE 系统 SHALL 记录\n3. THE 系统 SHALL 记录\n3. THE 系统 SHALL 重复\n"
		  "\n### Requisito 3: Duplicado\n\n#### Criterios de Aceptación\n\n1. THE System SHALL x\n");
	assert_int_equal(p.doc->nreqs, 3);
	assert_string_equal(p.doc->reqs[0].title, "直接上传");
	assert_non_null(p.doc->reqs[0].story);
	assert_string_equal(p.doc->terms[0].name, "年报（Annual Report）");
	assert_true(req_glossary_has(p.doc, "Annual Report", 13));
	assert_int_equal(count(&p, "ears-unknown-subject"), 0); /* "系统" is the generic system */
	assert_int_equal(sw_test_diag(&p.diags, "req-numbering")->line, 18);
	assert_int_equal(sw_test_diag(&p.diags, "req-criterion-numbering")->severity, SW_SEV_WARNING);
	assert_int_equal(sw_test_diag(&p.diags, "req-duplicate-criterion")->severity, SW_SEV_ERROR);
	assert_int_equal(sw_test_diag(&p.diags, "req-duplicate")->severity, SW_SEV_ERROR);
	release(&p);
}

static void req__scenarios_are_not_requirements(void **state)
{
	struct parsed p;

	SW_UNUSED(state);
	parse(&p, "# R\n\n## Requirements\n\n### Requirement 1\n\n#### Acceptance Criteria\n\n1. THE System SHALL x\n\n"
		  "## Scenarios\n\n### Scenario 1: Onboarding\n\n1. WHEN x\n\n### Requirement 2\n\n");
	assert_int_equal(p.doc->nreqs, 2);
	assert_int_equal(p.doc->ncrit, 1);
	assert_int_equal(sw_test_diag(&p.diags, "req-no-criteria")->line, 17);
	release(&p);
	parse(&p, "# 系统架构需求规格文档\n\n## 概述\n\ntext\n");
	sw_test_diag(&p.diags, "req-none");
	release(&p);
	parse(&p, "\xEF\xBB\xBF");
	sw_test_diag(&p.diags, "spec-empty");
	release(&p);
}

static void req__reference_lists(void **state)
{
	const char *t = "1.1, 2.3–2.5, 3, All requirements (validation), 4.1 and 4.2, Requirements 5.1-5.2, Various, 1-3";
	struct sw_error err = SW_ERROR_INIT;
	struct md_doc *md = NULL;
	struct req_refs refs = REQ_REFS_INIT;

	SW_UNUSED(state);
	assert_sw_ok(md_parse(&md, t, strlen(t), &err), &err);
	req_refs_parse(&refs, md, 0, strlen(t));
	assert_int_equal(refs.nr, 9);
	assert_int_equal(refs.v[0].kind, REQ_REF_CRITERION);
	assert_int_equal(refs.v[1].kind, REQ_REF_RANGE);
	assert_string_equal(refs.v[1].to, "2.5");
	assert_int_equal(refs.v[1].col, 6);
	assert_int_equal(refs.v[2].kind, REQ_REF_REQUIREMENT);
	assert_int_equal(refs.v[3].kind, REQ_REF_ALL);
	assert_string_equal(refs.v[5].id, "4.2");
	assert_int_equal(refs.v[6].kind, REQ_REF_RANGE);
	assert_string_equal(refs.v[6].id, "5.1");
	assert_int_equal(refs.v[7].kind, REQ_REF_TEXT);
	assert_string_equal(refs.v[7].text, "Various");
	assert_int_equal(refs.v[8].kind, REQ_REF_RANGE);
	req_refs_release(&refs);
	md_doc_free(md);
}

static void count_hit(const struct req_criterion *c, void *data)
{
	SW_UNUSED(c);
	(*(int *)data)++;
}

static void req__ranges_expand(void **state)
{
	struct parsed p;
	struct req_ref r;
	int hits = 0;

	SW_UNUSED(state);
	parse(&p, "## Requirements\n\n### Requirement 1\n\n#### Acceptance Criteria\n\n"
		  "1. THE S SHALL a\n2. THE S SHALL b\n3. THE S SHALL c\n\n"
		  "### Requirement 2\n\n#### Acceptance Criteria\n\n1. THE S SHALL d\n10. THE S SHALL e\n");
	memset(&r, 0, sizeof(r));
	r.kind = REQ_REF_RANGE;
	snprintf(r.id, sizeof(r.id), "1.2");
	snprintf(r.to, sizeof(r.to), "2.1");
	assert_int_equal(req_ref_expand(p.doc, &r, count_hit, &hits), 3);
	assert_int_equal(hits, 3);
	r.kind = REQ_REF_REQUIREMENT;
	snprintf(r.id, sizeof(r.id), "2");
	assert_int_equal(req_ref_expand(p.doc, &r, NULL, NULL), 2);
	r.kind = REQ_REF_CRITERION;
	snprintf(r.id, sizeof(r.id), "2.10");
	assert_int_equal(req_ref_expand(p.doc, &r, NULL, NULL), 1);
	r.kind = REQ_REF_ALL;
	assert_int_equal(req_ref_expand(p.doc, &r, NULL, NULL), 5);
	assert_int_equal(req_id_cmp("2.10", "2.9"), 1);
	assert_int_equal(req_id_cmp("1.1", "1.1"), 0);
	release(&p);
}

/* Layouts Kiro users keep: each loads, numbered criteria stay traceable, the rest is a warning. */
static void req__user_layouts(void **state)
{
	struct parsed p;
	struct req_refs refs = REQ_REFS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct md_doc *md = NULL;
	const char *reft = "AC-2, REQ-02, 01.03";
	const struct sw_diag *dg;

	SW_UNUSED(state);
	/* Flat AC-N checkbox lists: criterion N.M, also cited as AC-M. */
	parse(&p, "# R\n\n### Requirement 1: Login\n\n**Acceptance Criteria:**\n\n"
		  "- [ ] AC-1: WHEN a user signs in, THE Auth SHALL issue a token\n"
		  "- [x] **AC-2**: THE Auth SHALL lock the account after 5 failures\n");
	assert_int_equal(p.doc->ncrit, 2);
	assert_string_equal(p.doc->crit[1].id, "1.2");
	assert_string_equal(p.doc->crit[1].alias, "AC-2");
	assert_int_equal(p.doc->crit[0].cls, EARS_EVENT);
	assert_int_equal(p.diags.nr, 0);
	assert_sw_ok(md_parse(&md, reft, strlen(reft), &err), &err);
	req_refs_parse(&refs, md, 0, strlen(reft));
	assert_int_equal(refs.nr, 3);
	assert_int_equal(refs.v[0].kind, REQ_REF_CRITERION);
	assert_int_equal(req_ref_expand(p.doc, &refs.v[0], NULL, NULL), 1);
	assert_int_equal(refs.v[1].kind, REQ_REF_REQUIREMENT);
	assert_string_equal(refs.v[1].id, "2");
	assert_string_equal(refs.v[2].id, "1.3");
	req_refs_release(&refs);
	md_doc_free(md);
	release(&p);

	/* "#### REQ-NN" sections with bullets: read by their order, with one warning. */
	parse(&p, "# R\n\n## Functional\n\n#### REQ-01: Export\n\n"
		  "- WHEN the user clicks export, THE App SHALL write a CSV file\n"
		  "- THE App SHALL name the file after the list\n\n"
		  "#### REQ-02: Import\n\n- THE App SHALL read CSV files\n");
	assert_int_equal(p.doc->nreqs, 2);
	assert_int_equal(p.doc->ncrit, 3);
	assert_non_null(req_find_criterion(p.doc, "1.2"));
	assert_non_null(req_find_criterion(p.doc, "2.1"));
	assert_int_equal(count(&p, "req-unnumbered"), 2);
	assert_int_equal(p.diags.errors, 0);
	dg = sw_test_diag(&p.diags, "req-unnumbered");
	assert_non_null(strstr(dg->msg, "1.1-1.2"));
	release(&p);

	/* Numbered criteria outside any requirement: kept out, said why. */
	parse(&p, "# R\n\n### Requirement 1\n\n#### Acceptance Criteria\n\n1. THE App SHALL start\n\n"
		  "## Non-Functional Requirements\n\n1. THE App SHALL respond within 2 s\n2. THE App SHALL log errors\n\n"
		  "## Notes\n\n1. Written by the team\n");
	assert_int_equal(p.doc->ncrit, 1);
	assert_int_equal(count(&p, "req-orphan-criteria"), 1);
	dg = sw_test_diag(&p.diags, "req-orphan-criteria");
	assert_int_equal(dg->severity, SW_SEV_WARNING);
	assert_non_null(strstr(dg->msg, "Non-Functional Requirements"));
	release(&p);

	/* CAN / CANNOT sub-lists numbered from 1 each: the first keeps its ids, the second is a warning. */
	parse(&p, "# R\n\n### Requirement 1: Roles\n\n#### Acceptance Criteria\n\n**Editors CAN:**\n\n"
		  "1. THE Editor SHALL change drafts\n2. THE Editor SHALL publish\n\n**Editors CANNOT:**\n\n"
		  "1. THE Editor SHALL NOT delete users\n2. THE Editor SHALL NOT change roles\n");
	assert_int_equal(p.doc->ncrit, 2);
	assert_int_equal(p.diags.errors, 0);
	dg = sw_test_diag(&p.diags, "req-list-restart");
	assert_int_equal(dg->severity, SW_SEV_WARNING);
	assert_non_null(strstr(dg->msg, "Editors CANNOT:"));
	release(&p);

	/* Groups inside the criteria ("##### 28a: …") keep the criteria going. */
	parse(&p, "# R\n\n### Requirement 28: Core\n\n#### Acceptance Criteria\n\n##### 28a: Orchestration\n\n"
		  "1. THE Core SHALL monitor pillars\n\n##### 28b: Health\n\n2. THE Core SHALL assess health\n");
	assert_int_equal(p.doc->ncrit, 2);
	assert_non_null(req_find_criterion(p.doc, "28.2"));
	assert_int_equal(count(&p, "req-no-criteria"), 0);
	release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(req__kiro_format),
		cmocka_unit_test(req__localised_and_numbering),
		cmocka_unit_test(req__scenarios_are_not_requirements),
		cmocka_unit_test(req__reference_lists),
		cmocka_unit_test(req__ranges_expand),
		cmocka_unit_test(req__user_layouts),
	};

	return sw_run_group("req", tests);
}
