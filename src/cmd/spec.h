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
 * The folder a spec folder @dir must not leave when its documents are
 * read: the workspace when @dir is named inside it (so a link there that
 * leads outside is refused), NULL (no check) for a folder named outside.
 * Borrowed from @ctx.
 */
const char *cmd_spec_root_for(struct sw_ctx *ctx, const char *dir);

/*
 * Resolves @name (a spec name or a folder path) and loads it (documents
 * held to cmd_spec_root_for()); on failure
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
