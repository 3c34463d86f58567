/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diagout.h - printing diagnostics from commands, as text or JSON.
 *
 * Diagnostic paths are relative to the workspace root (or start with
 * "~/" for the global configuration); the source excerpt under each
 * diagnostic is read back from that file when it can be.
 */
#ifndef SW_CMD_DIAGOUT_H
#define SW_CMD_DIAGOUT_H

#include "base/compat.h"
#include "base/error.h"

#include <cjson/cJSON.h>

/*
 * Prints the diagnostics of @d at or above @min severity to stderr in
 * compiler style (sw_report_diag), sorted by file and line.  Warnings and
 * notes are hidden with -q.  @root resolves relative paths.
 */
void sw_cmd_print_diags(struct sw_diags *d, const char *root, enum sw_severity min);

/* A JSON array of the diagnostics of @d (caller owns it). */
cJSON *sw_cmd_diags_json(const struct sw_diags *d);

/*
 * Ends a verb that loads and lists part of the workspace: prints the
 * errors of @d (sw_cmd_print_diags) and, unless @json, a line counting its
 * warnings, "2 warnings @where" (@where: "in hook files (see 'specwright
 * doctor')").  Returns the exit code: 1 when @d holds errors, else 0.
 */
int sw_cmd_finish_list(struct sw_diags *d, const char *root, int json, const char *where);

/* Prints "N errors, N warnings" style summary line for @d to stderr when non-zero. */
void sw_cmd_diag_summary(const struct sw_diags *d, const char *what);

/* Adds @s as a string member, or null when @s is NULL. */
void sw_cmd_json_str(cJSON *obj, const char *key, const char *s);
/* An array of the strings of @v (n entries). */
cJSON *sw_cmd_json_strs(char *const *v, size_t n);
/* Prints @v as one JSON document and a newline to stdout, then frees it. */
void sw_cmd_json_print_take(cJSON *v);
/* Prints @v compact, on one line, to stdout, then frees it (the form the spec verbs print). */
void sw_cmd_json_print_line_take(cJSON *v);
/* Prints the document of a listing verb, {"@key": @items, "diagnostics": [...]}; takes @items. */
void sw_cmd_json_print_list_take(const char *key, cJSON *items, const struct sw_diags *d);

#endif
