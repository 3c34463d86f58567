/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.h - messages to stderr, and reporting of errors and diagnostics.
 *
 * Only cmd/ and main.c print (STYLE R15); modules return errors and
 * diagnostics instead.  The verbosity is the process's one piece of global
 * state: -q lowers it, -v raises it.  Colour is used only when stderr is a
 * terminal and NO_COLOR is unset (or when forced by sw_log_set_color()).
 */
#ifndef SW_LOG_H
#define SW_LOG_H

#include "compat.h"
#include "error.h"

enum sw_log_level { SW_LOG_QUIET = -1, SW_LOG_NORMAL = 0, SW_LOG_VERBOSE = 1, SW_LOG_DEBUG = 2 };

void sw_log_set_level(int level);
int sw_log_level(void);
/* -1 auto (TTY and no NO_COLOR), 0 never, 1 always. */
void sw_log_set_color(int mode);
int sw_log_color(void);
/* The same decision for output on file descriptor @fd (1 for data on stdout). */
int sw_log_color_fd(int fd);

/* "specwright: warning: ..." (hidden with -q). */
void sw_warn(const char *fmt, ...) SW_PRINTF(1, 2);
/* "specwright: ..." (hidden with -q). */
void sw_info(const char *fmt, ...) SW_PRINTF(1, 2);
/* Shown with -v. */
void sw_verbose(const char *fmt, ...) SW_PRINTF(1, 2);
/* Shown with -vv. */
void sw_debug(const char *fmt, ...) SW_PRINTF(1, 2);
/* "specwright: error: ..." (always shown) */
void sw_errorf(const char *fmt, ...) SW_PRINTF(1, 2);

/*
 * Prints @err as "specwright: <file>:<line>:<col>: <message>"; when the
 * file can be read and a line is known, the source line follows with a
 * caret under the column (jq locfile_locate).
 */
void sw_report(const struct sw_error *err);

/*
 * Prints one diagnostic in compiler style:
 *   path:line:col: error: message [code]
 *       source line
 *       ^
 * @src/@src_len, if non-NULL, is the file's text for the source excerpt.
 */
void sw_report_diag(FILE *fp, const struct sw_diag *dg, const char *src, size_t src_len);

/* Writes the 1-based @line of @src (without its newline) and a caret line for @col. */
void sw_print_excerpt(FILE *fp, const char *src, size_t len, int line, int col);

#endif
