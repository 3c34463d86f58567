/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_gen.h - helpers shared by the spec generation and commit verbs
 * (cmd/spec_gen.c) inside the command layer.
 */
#ifndef SW_CMD_SPEC_GEN_H
#define SW_CMD_SPEC_GEN_H

#include "cmd/cmd.h"
#include "git/vcs.h"
#include "specs-engine/generate.h"

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

/*
 * Commits spec @name with the generated message without printing; sets
 * @oid_hex and *@subject (caller frees).  Returns 0 or SW_E* with @err set.
 */
int spec_gen_commit_quiet(const struct sw_ctx *ctx, const char *name, char oid_hex[VCS_OID_HEX],
			  char **subject, struct sw_error *err);

/* Which agent answers generation turns (spec_agent.c). */
struct spec_agent_opts {
	const char *agent; /* --agent: a custom agent's name, NULL for the default */
	const char *model; /* --model: "provider/model", NULL for the configured one */
	int quiet;         /* do not print the tool calls as they happen */
};
#define SPEC_AGENT_OPTS_INIT { NULL, NULL, 0 }

struct spec_agent;

/*
 * Opens the agent for generation in workspace @ctx: read-only tools over
 * the workspace, no write tools.  Fills @out with its turn function.
 * Errors: SW_ENOTFOUND (no provider configured, or no such agent),
 * SW_EINVAL (bad configuration).
 */
int spec_agent_open(struct spec_agent **sa, struct gen_agent *out, const struct sw_ctx *ctx,
		    const struct spec_agent_opts *o, struct sw_error *err);
void spec_agent_close(struct spec_agent *sa);

/* Steering text for prompts (always-included files), NULL if none; caller frees. */
char *spec_agent_steering(const struct sw_ctx *ctx);

/* The knowledge base's best hits for @query as text, NULL without an index; caller frees. */
char *spec_agent_knowledge(const struct sw_ctx *ctx, const char *query);

#endif
