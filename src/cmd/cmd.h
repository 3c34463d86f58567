/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd.h - the command table and what every command handler receives.
 *
 * Commands are a table (STYLE R13): main.c holds the top-level one, and a
 * group file (cmd/spec.c, ...) holds its own table of verbs and hands it to
 * sw_cmd_dispatch().  Flags declare preconditions, so handlers do not
 * repeat them: with SW_CMD_NEEDS_WORKSPACE the dispatcher finds .kiro (or
 * fails with a clear message) before the handler runs.
 *
 * A handler is int fn(int argc, const char **argv, struct sw_ctx *ctx), where
 * argv[0] is its own name; it returns the exit code: 0 success, 1 error,
 * 2 usage.  Only main() calls exit().
 *
 * A verb's calling sequence:
 *   1. argc = sw_cmd_parse(argc, argv, opts, usage, MAX), or
 *      sw_cmd_parse_json() when --json is its only option;
 *      if (argc < 0) return sw_opt_exit(argc);
 *      then its own check for missing arguments (sw_usage_error()).
 *   2. sw_cmd_need_workspace() if it needs .kiro only now (else the flag
 *      SW_CMD_NEEDS_WORKSPACE has found it already).
 *   3. Do the work through a module; a failure is reported once with
 *      sw_cmd_fail(), diagnostics through cmd/diagout.h.
 *   4. Print text, or with --json exactly one document (cmd/diagout.h).
 */
#ifndef SW_CMD_H
#define SW_CMD_H

#include "base/compat.h"
#include "base/error.h"
#include "base/opt.h"

struct sw_ctx {
	char *cwd;      /* absolute directory the command runs in (-C applied) */
	int json;       /* --json given globally */
	char *root;     /* workspace root (the folder holding .kiro), NULL if not found */
	char *kiro_dir; /* root/.kiro, NULL if not found */
	const char *argv0;
};

enum {
	SW_CMD_NEEDS_WORKSPACE = 1 << 0, /* fail unless a .kiro folder is found */
	SW_CMD_HIDDEN = 1 << 1,          /* not listed in help */
};

struct sw_cmd {
	const char *name;
	int (*fn)(int argc, const char **argv, struct sw_ctx *ctx);
	unsigned flags;
	const char *summary;
};

/*
 * Runs the verb named by argv[1] from @table (NULL-name terminated) for
 * command group @group ("spec").  No verb or --help prints the group's
 * verbs; an unknown verb is a usage error with the nearest verb suggested.
 */
int sw_cmd_dispatch(const char *group, const struct sw_cmd *table, int argc, const char **argv,
		    struct sw_ctx *ctx);

/* Finds .kiro for @ctx if needed by @flags; prints and returns 1 on failure. */
int sw_cmd_prepare(const struct sw_cmd *c, struct sw_ctx *ctx);

/*
 * Sets ctx->root and ctx->kiro_dir to the workspace around ctx->cwd, unless
 * they are set already.  Prints nothing, for verbs that also work outside a
 * workspace (pass a NULL @err then).  Errors: SW_ENOTFOUND (kiro_find_root).
 */
int sw_cmd_find_workspace(struct sw_ctx *ctx, struct sw_error *err);

/*
 * The same for a verb that needs the workspace only after its options are
 * parsed (so --help works anywhere): prints the error and returns 1, else 0.
 */
int sw_cmd_need_workspace(struct sw_ctx *ctx);

/*
 * 1 under the global -q: a verb then prints no progress or confirmation
 * lines ("created ...", "added ...") in text mode, only errors; data it was
 * asked for (a listing, --json) is printed all the same.
 */
int sw_cmd_quiet(void);

/* 1 if argv[1..] asks for --help/-h (before any "--"): preconditions are then skipped. */
int sw_cmd_wants_help(int argc, const char **argv);

/*
 * sw_opt_parse() for a verb that takes at most @max positional arguments:
 * more is the usage error "too many arguments".  Returns how many there are
 * (now argv[0..n-1]), or, once --help or a usage error has been printed, a
 * negative value to return as sw_opt_exit(n).  A verb checks its minimum
 * itself, since the message names what is missing.
 */
int sw_cmd_parse(int argc, const char **argv, const struct sw_opt *opts, const char *const *usage,
		 int max);

/*
 * sw_cmd_parse() for the many verbs whose only option is --json
 * (SW_OPT_JSON): sets *@json to 1 when it is given, and leaves it as it
 * is (the global --json) otherwise.
 */
int sw_cmd_parse_json(int argc, const char **argv, const char *const *usage, int max, int *json);

/* Prints the nearest command name as a hint, if one is close enough. */
void sw_cmd_suggest(const struct sw_cmd *table, const char *name);

/* Prints @err (sw_report) and returns the exit code for it (1, or 2 for SW_EINVAL usage). */
int sw_cmd_fail(const struct sw_error *err);

/* The top-level table, for 'help' and completion. */
extern const struct sw_cmd sw_commands[];

#endif
