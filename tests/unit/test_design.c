/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_design.c - design.md sections and correctness properties in each
 * form Kiro and its users write them.
 */
#include "helpers/sw_test.h"
#include "specs-engine/design.h"

struct parsed {
	struct md_doc *md;
	struct design_doc *doc;
	struct sw_diags diags;
};

static void parse(struct parsed *p, const char *text)
{
	struct sw_error err = SW_ERROR_INIT;

	memset(p, 0, sizeof(*p));
	assert_sw_ok(md_parse(&p->md, text, strlen(text), &err), &err);
	assert_sw_ok(design_parse(&p->doc, p->md, "design.md", &p->diags, &err), &err);
}

static void release(struct parsed *p)
{
	design_doc_free(p->doc);
	md_doc_free(p->md);
	sw_diags_release(&p->diags);
}

static void design__heading_properties(void **state)
{
	struct parsed p;
	const struct design_property *pr;

	SW_UNUSED(state);
	parse(&p, "# Design Document: X\n\n## Overview\n\n## Correctness Properties\n\n"
		  "### Property 1: Bedrock API Invocation\n\n*For any* issue, the classifier is called.\n\n"
		  "**Validates: Requirements 1.1, 5.5**\n\n"
		  "### Property 2: Labels\n\n**Validates**: Requirements 2.1-2.3\n\n"
		  "## Testing Strategy\n\n"
		  "```ts\n// Feature: x, Property 3: not a property\n```\n\n"
		  "- **Property 1**: generate issues (a reference, not a definition)\n");
	assert_string_equal(p.doc->title, "Design Document: X");
	assert_int_equal(p.doc->nprops, 2);
	pr = design_find_property(p.doc, "1");
	assert_string_equal(pr->title, "Bedrock API Invocation");
	assert_int_equal(pr->line, 7);
	assert_int_equal(pr->col, 5);
	assert_int_equal(pr->validates.nr, 2);
	assert_string_equal(pr->validates.v[1].id, "5.5");
	assert_int_equal(pr->validates.v[1].line, 11);
	pr = design_find_property(p.doc, "2");
	assert_int_equal(pr->validates.v[0].kind, REQ_REF_RANGE);
	assert_null(design_find_property(p.doc, "3"));
	assert_int_equal(p.diags.nr, 0);
	assert_true(p.doc->nsections >= 5);
	release(&p);
}

static void design__paragraph_and_list_properties(void **state)
{
	struct parsed p;

	SW_UNUSED(state);
	parse(&p, "## Correctness Properties\n\n"
		  "Property 1: Name uniqueness\n*For any* two methods, names differ.\n**Validates: Requirements 1.2**\n\n"
		  "1. **Property 2: Round trip**\n   **Validates: Requirements 6.1**\n\n"
		  "#### Property 3.1: Dotted ids\n\n_Validates: Requirements 3.1_\n\n"
		  "Property 4: No validates line\n\n"
		  "Property 2: Duplicate\n\n**Validates: Requirements 9.9**\n");
	assert_int_equal(p.doc->nprops, 1); /* a heading defines one, so only headings define properties */
	assert_non_null(design_find_property(p.doc, "3.1"));
	release(&p);
	parse(&p, "## Correctness Properties\n\n"
		  "Property 1: Name uniqueness\n*For any* two methods, names differ.\n**Validates: Requirements 1.2**\n\n"
		  "1. **Property 2: Round trip**\n   **Validates: Requirements 6.1**\n\n"
		  "Property 3: No validates line\n\n"
		  "Property 2: Duplicate\n\n**Validates: Requirements 9.9**\n");
	assert_int_equal(p.doc->nprops, 4);
	assert_string_equal(design_find_property(p.doc, "1")->validates.v[0].id, "1.2");
	assert_string_equal(design_find_property(p.doc, "2")->title, "Round trip");
	assert_string_equal(design_find_property(p.doc, "2")->validates.v[0].id, "6.1");
	assert_false(design_find_property(p.doc, "3")->has_validates);
	assert_int_equal(p.diags.nr, 2);
	assert_string_equal(p.diags.v[0].code, "design-duplicate-property");
	assert_string_equal(p.diags.v[1].code, "design-no-validates");
	release(&p);
	parse(&p, "## Properties\n\n#### Property 1.1: Entity identity\n\n#### Property 1.2: Value objects\n");
	assert_int_equal(p.doc->nprops, 2);
	assert_string_equal(p.doc->props[1].id, "1.2");
	assert_int_equal(p.diags.nr, 0);
	release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(design__heading_properties),
		cmocka_unit_test(design__paragraph_and_list_properties),
	};

	return sw_run_group("design", tests);
}
