/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd.c - dispatch of command groups and their shared preconditions.
 */
#include "base/compat.h"
#include "cmd/cmd.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "kiro/workspace.h"

void sw_cmd_suggest(const struct sw_cmd *table, const char *name)
{
	const struct sw_cmd *c, *best = NULL;
	size_t bestd = (size_t)-1;

	for (c = table; c->name; c++) {
		size_t d;

		if (c->flags & SW_CMD_HIDDEN)
			continue;
		d = sw_edit_distance(name, c->name);
		if (sw_starts_with(c->name, name))
			d = 0;
		if (d < bestd) {
			bestd = d;
			best = c;
		}
	}
	if (best && bestd <= 2 + strlen(name) / 4)
		fprintf(stderr, "\nThe most similar command is\n\t%s\n", best->name);
}

int sw_cmd_quiet(void)
{
	return sw_log_level() < SW_LOG_NORMAL;
}

int sw_cmd_wants_help(int argc, const char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

int sw_cmd_parse(int argc, const char **argv, const struct sw_opt *opts, const char *const *usage,
		 int max)
{
	int n = sw_opt_parse(argc, argv, opts, usage, 0);

	if (n > max) {
		sw_usage_error(usage, "too many arguments");
		return SW_OPT_USAGE;
	}
	return n;
}

int sw_cmd_parse_json(int argc, const char **argv, const char *const *usage, int max, int *json)
{
	const struct sw_opt opts[] = {
		SW_OPT_JSON(json),
		SW_OPT_END,
	};

	return sw_cmd_parse(argc, argv, opts, usage, max);
}

int sw_cmd_find_workspace(struct sw_ctx *ctx, struct sw_error *err)
{
	int rc;

	if (ctx->root)
		return 0;
	if ((rc = kiro_find_root(&ctx->root, ctx->cwd, err)) < 0)
		return rc;
	ctx->kiro_dir = sw_path_join(ctx->root, ".kiro");
	return 0;
}

int sw_cmd_need_workspace(struct sw_ctx *ctx)
{
	struct sw_error err = SW_ERROR_INIT;

	return sw_cmd_find_workspace(ctx, &err) < 0 ? sw_cmd_fail(&err) : 0;
}

int sw_cmd_prepare(const struct sw_cmd *c, struct sw_ctx *ctx)
{
	return (c->flags & SW_CMD_NEEDS_WORKSPACE) ? sw_cmd_need_workspace(ctx) : 0;
}

static void list_verbs(FILE *fp, const char *group, const struct sw_cmd *table)
{
	const struct sw_cmd *c;

	fprintf(fp, "usage: specwright %s <command> [options]\n\ncommands:\n", group);
	for (c = table; c->name; c++)
		if (!(c->flags & SW_CMD_HIDDEN))
			fprintf(fp, "    %-14s %s\n", c->name, c->summary);
	fprintf(fp, "\nRun 'specwright %s <command> --help' for a command's options.\n", group);
}

int sw_cmd_dispatch(const char *group, const struct sw_cmd *table, int argc, const char **argv,
		    struct sw_ctx *ctx)
{
	const struct sw_cmd *c;

	if (argc < 2) {
		list_verbs(stderr, group, table);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		list_verbs(stdout, group, table);
		return 0;
	}
	for (c = table; c->name; c++) {
		if (strcmp(c->name, argv[1]))
			continue;
		if (!sw_cmd_wants_help(argc - 1, argv + 1) && sw_cmd_prepare(c, ctx))
			return 1;
		return c->fn(argc - 1, argv + 1, ctx);
	}
	fprintf(stderr, "specwright: '%s' is not a '%s' command (see 'specwright %s --help')\n", argv[1],
		group, group);
	sw_cmd_suggest(table, argv[1]);
	return 2;
}

int sw_cmd_fail(const struct sw_error *err)
{
	sw_report(err);
	return 1;
}
