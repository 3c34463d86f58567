/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec.h - what the files of the "spec" command group share.
 *
 * cmd/spec.c owns the verb table of "specwright spec".  Verbs implemented
 * in other files of cmd/ declare their handlers here (under the slot
 * comment of their family) and add one line to the table in cmd/spec.c;
 * the helpers below find and load a spec the same way for every verb.
 */
#ifndef SW_CMD_SPEC_H
#define SW_CMD_SPEC_H

#include "cmd/cmd.h"
#include "specs-engine/spec.h"

/*
 * The .kiro folder of @ctx, looked up on first use without failing (spec
 * verbs also work on plain folder paths); NULL outside a workspace.
 */
const char *cmd_spec_kiro_dir(struct sw_ctx *ctx);

/*
 * Resolves @name (a spec name or a folder path) and loads it; on failure
 * prints the error and returns the exit code (1), else 0.
 */
int cmd_spec_open(struct spec **out, struct sw_ctx *ctx, const char *name);

/* Prints the diagnostics of @s (only its errors with @errors_only) to stderr in compiler style, with excerpts. */
void cmd_spec_print_diags(const struct spec *s, int errors_only);

/* Generation verbs (new, refine, approve, status, commit) declare their handlers here. */
int cmd_spec_new(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_spec_approve(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_spec_refine(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_spec_status(int argc, const char **argv, struct sw_ctx *ctx);
int cmd_spec_commit(int argc, const char **argv, struct sw_ctx *ctx);

#endif
