/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_gen.h - helpers shared by the spec generation and commit verbs
 * (cmd/spec_gen.c) inside the command layer.
 */
#ifndef SW_CMD_SPEC_GEN_H
#define SW_CMD_SPEC_GEN_H

#include "cmd/cmd.h"

/* Checks that @name can be a spec folder name. Errors: SW_EINVAL. */
int spec_gen_check_name(const char *name, struct sw_error *err);

/* The spec's folder, <kiro_dir>/specs/<name> (caller frees). */
char *spec_gen_dir(const struct sw_ctx *ctx, const char *name);

/*
 * Commits spec @name (message @message, or one written from the changes
 * when NULL), prints the result (one JSON document with @json) and
 * returns the exit code.
 */
int spec_gen_commit(const struct sw_ctx *ctx, const char *name, const char *message,
		    int allow_detached, int json);

#endif
