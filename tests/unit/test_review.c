/* SPDX-License-Identifier: Apache-2.0 */
/* The review record (.review.json) and Kiro's .config.kiro. */
#include "helpers/sw_test.h"
#include "base/fs.h"
#include "specs-engine/review.h"

#include <regex.h>

static char *slurp(const char *dir, const char *rel)
{
	struct sw_buf b = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *p = sw_path_join(dir, rel);

	assert_sw_ok(sw_read_file(&b, p, 1 << 20, &err), &err);
	free(p);
	return sw_buf_detach(&b, NULL);
}

static void review__workflow_orders(void **state)
{
	struct review r;

	SW_UNUSED(state);
	review_init(&r, REVIEW_TYPE_FEATURE, 0, "x");
	assert_int_equal(r.phases[0].doc, REVIEW_DOC_REQUIREMENTS);
	assert_int_equal(r.phases[1].doc, REVIEW_DOC_DESIGN);
	assert_int_equal(r.phases[2].doc, REVIEW_DOC_TASKS);
	review_release(&r);
	review_init(&r, REVIEW_TYPE_FEATURE, 1, "x");
	assert_int_equal(r.phases[0].doc, REVIEW_DOC_DESIGN);
	assert_int_equal(r.phases[1].doc, REVIEW_DOC_REQUIREMENTS);
	review_release(&r);
	review_init(&r, REVIEW_TYPE_BUGFIX, 1, NULL); /* design-first does not apply */
	assert_int_equal(r.phases[0].doc, REVIEW_DOC_BUGFIX);
	assert_int_equal(r.phases[1].doc, REVIEW_DOC_DESIGN);
	assert_null(review_phase(&r, REVIEW_DOC_REQUIREMENTS));
	review_release(&r);
}

/* Byte for byte the shape Kiro writes: one line, ", " and ": ", no final newline. */
static void review__config_is_written_like_kiro(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct review r;
	char *dir = sw_test_tmpdir(), *text, *again;
	regex_t re;

	SW_UNUSED(state);
	review_init(&r, REVIEW_TYPE_FEATURE, 1, "x");
	assert_sw_ok(review_write_config(&r, dir, &err), &err);
	text = slurp(dir, ".config.kiro");
	assert_int_equal(regcomp(&re,
				 "^\\{\"specId\": \"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
				 "[0-9a-f]{12}\", \"workflowType\": \"design-first\", \"specType\": \"feature\"\\}$",
				 REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, text, 0, NULL, 0))
		fail_msg("unexpected .config.kiro: [%s]", text);
	regfree(&re);
	/* never rewritten: the specId stays */
	assert_sw_ok(review_write_config(&r, dir, &err), &err);
	again = slurp(dir, ".config.kiro");
	assert_string_equal(text, again);
	review_release(&r);
	free(text);
	free(again);
	review_init(&r, REVIEW_TYPE_BUGFIX, 0, "x");
	sw_test_rmtree(dir);
	free(dir);
	dir = sw_test_tmpdir();
	assert_sw_ok(review_write_config(&r, dir, &err), &err);
	text = slurp(dir, ".config.kiro");
	assert_non_null(strstr(text, "\"workflowType\": \"requirements-first\", \"specType\": \"bugfix\"}"));
	free(text);
	review_release(&r);
	sw_test_rmtree(dir);
	free(dir);
}

static void review__roundtrip_keeps_unknown_fields(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct review r, back;
	char *dir = sw_test_tmpdir(), *text;

	SW_UNUSED(state);
	review_init(&r, REVIEW_TYPE_QUICK, 0, "build \"it\"");
	review_mark_generated(&r.phases[0], 2, 0);
	review_mark_approved(&r.phases[0], "hello\n", 6);
	review_mark_generated(&r.phases[1], 0, 1);
	assert_sw_ok(review_save(&r, dir, &err), &err);
	review_release(&r);

	/* someone adds a field; it must survive a rewrite */
	text = slurp(dir, ".review.json");
	{
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_adds(&b, "{\"custom\": [1, 2],");
		sw_buf_adds(&b, text + 1);
		sw_test_write(dir, ".review.json", b.ptr);
		sw_buf_release(&b);
	}
	free(text);
	assert_sw_ok(review_load(&back, dir, &err), &err);
	assert_int_equal(back.type, REVIEW_TYPE_QUICK);
	assert_string_equal(back.request, "build \"it\"");
	assert_int_equal(back.phases[0].status, REVIEW_APPROVED);
	assert_int_equal(back.phases[0].repairs, 2);
	/* git hash-object of "hello\n" */
	assert_string_equal(back.phases[0].blob, "ce013625030ba8dba906f756967f9e9ca394464a");
	assert_int_equal(back.phases[1].status, REVIEW_DRAFT);
	assert_int_equal(back.phases[1].refinements, 1);
	assert_int_equal(back.phases[2].status, REVIEW_PENDING);
	assert_false(review_edited_since_approval(&back.phases[0], "hello\n", 6));
	assert_true(review_edited_since_approval(&back.phases[0], "hello!\n", 7));
	assert_true(review_edited_since_approval(&back.phases[0], NULL, 0));
	review_mark_later_stale(&back, 0);
	assert_false(back.phases[0].stale);
	assert_sw_ok(review_save(&back, dir, &err), &err);
	review_release(&back);
	text = slurp(dir, ".review.json");
	assert_non_null(strstr(text, "\"custom\""));
	free(text);
	sw_test_rmtree(dir);
	free(dir);
}

static void review__spec_without_record_is_unreviewed(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct review r;
	char *dir = sw_test_tmpdir();

	SW_UNUSED(state);
	sw_test_write(dir, ".config.kiro",
		      "{\"specId\": \"x\", \"workflowType\": \"design-first\", \"specType\": \"feature\"}");
	sw_test_write(dir, "design.md", "# Design\n");
	assert_sw_ok(review_load(&r, dir, &err), &err);
	assert_true(r.design_first);
	assert_int_equal(r.phases[0].doc, REVIEW_DOC_DESIGN);
	assert_int_equal(r.phases[0].status, REVIEW_UNREVIEWED);
	assert_int_equal(r.phases[1].status, REVIEW_PENDING);
	review_release(&r);
	sw_test_write(dir, ".review.json", "{\"phases\": {\"design\": {\"status\": \"bogus\"}}}");
	assert_sw_fails(review_load(&r, dir, &err), SW_EINVAL, &err);
	assert_non_null(strstr(err.path, ".review.json"));
	assert_non_null(strstr(err.msg, "bogus"));
	sw_test_rmtree(dir);
	free(dir);
}

static void review__names_parse(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	enum review_doc d;
	enum review_type t;

	SW_UNUSED(state);
	assert_sw_ok(review_doc_parse(&d, "tasks.md", &err), &err);
	assert_int_equal(d, REVIEW_DOC_TASKS);
	assert_sw_fails(review_doc_parse(&d, "plan", &err), SW_EINVAL, &err);
	assert_non_null(strstr(err.msg, "unknown phase 'plan'"));
	assert_sw_ok(review_type_parse(&t, "quick", &err), &err);
	assert_sw_fails(review_type_parse(&t, "epic", &err), SW_EINVAL, &err);
}

static void review__ticking_tasks_is_not_an_edit(void **state)
{
	static const char approved[] = "# Plan\r\n\r\n- [ ] 1. Store\r\n  - [ ]* 1.1 Tests\r\n* [ ] 2. API\r\n- [ ] not a task\n";
	static const char ticked[] = "# Plan\r\n\r\n- [x] 1. Store\r\n  - [-]* 1.1 Tests\r\n* [~] 2. API\r\n- [X] not a task\n";
	static const char edited[] = "# Plan\r\n\r\n- [x] 1. Store it\r\n  - [-]* 1.1 Tests\r\n* [~] 2. API\r\n- [X] not a task\n";
	struct review r;
	char legacy[VCS_OID_HEX];

	SW_UNUSED(state);
	review_init(&r, REVIEW_TYPE_FEATURE, 0, NULL);
	assert_int_equal(r.phases[2].doc, REVIEW_DOC_TASKS);
	review_mark_generated(&r.phases[2], 0, 0);
	review_mark_approved(&r.phases[2], ticked, strlen(ticked));
	/* Status characters are progress, whichever way they go; any other byte is an edit. */
	assert_false(review_edited_since_approval(&r.phases[2], approved, strlen(approved)));
	assert_false(review_edited_since_approval(&r.phases[2], ticked, strlen(ticked)));
	assert_true(review_edited_since_approval(&r.phases[2], edited, strlen(edited)));
	/* An approval recorded as the plain blob of the text still matches that text. */
	vcs_blob_id(legacy, ticked, strlen(ticked));
	memcpy(r.phases[2].blob, legacy, sizeof(legacy));
	assert_false(review_edited_since_approval(&r.phases[2], ticked, strlen(ticked)));
	/* Other documents count every byte. */
	review_mark_generated(&r.phases[0], 0, 0);
	review_mark_approved(&r.phases[0], approved, strlen(approved));
	assert_true(review_edited_since_approval(&r.phases[0], ticked, strlen(ticked)));
	review_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(review__workflow_orders),
		cmocka_unit_test(review__config_is_written_like_kiro),
		cmocka_unit_test(review__roundtrip_keeps_unknown_fields),
		cmocka_unit_test(review__spec_without_record_is_unreviewed),
		cmocka_unit_test(review__names_parse),
		cmocka_unit_test(review__ticking_tasks_is_not_an_edit),
	};
	return sw_run_group("review", tests);
}
