/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sw_test.h - shared helpers for the cmocka unit tests.
 *
 * Include after <cmocka.h>'s prerequisites; provides assert_sw_ok(), which
 * prints the error message on failure (libgit2 cl_git_pass), temporary
 * directories, and the test-name filter from SW_TEST_FILTER.
 */
#ifndef SW_TEST_H
#define SW_TEST_H

#include "base/compat.h"
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"

#define assert_sw_ok(expr, err)                                                          \
	do {                                                                             \
		int rc_ = (expr);                                                        \
		if (rc_ < 0)                                                             \
			fail_msg("%s -> %d: %s (%s:%d:%d)", #expr, rc_, (err)->msg, (err)->path, \
				 (err)->line, (err)->col);                               \
	} while (0)

#define assert_sw_fails(expr, code, err)                                                 \
	do {                                                                             \
		int rc_ = (expr);                                                        \
		if (rc_ != (code))                                                       \
			fail_msg("%s -> %d, expected %d (%s)", #expr, rc_, (code), (err)->msg); \
	} while (0)

/* A fresh temporary directory (caller frees the string; removed by sw_test_rmtree). */
char *sw_test_tmpdir(void);
void sw_test_rmtree(const char *dir);
/* Writes @text to @dir/@rel, creating parents; aborts the test on failure. */
void sw_test_write(const char *dir, const char *rel, const char *text);
/* Prints each diagnostic of @d ("  file:line:col: severity: message [code]"), to explain a failure. */
void sw_test_print_diags(const struct sw_diags *d);
/* The first diagnostic of @d with @code; fails the test, printing those there are, when none has it. */
const struct sw_diag *sw_test_diag(const struct sw_diags *d, const char *code);
/* The shared reference folder (../shared) or NULL when absent. */
const char *sw_test_shared(void);
/* Runs the group with the SW_TEST_FILTER filter applied. */
#define sw_run_group(name, tests) \
	(cmocka_set_test_filter(getenv("SW_TEST_FILTER")), \
	 cmocka_run_group_tests_name(name, tests, NULL, NULL))

#endif
