/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - the specwright command line: global options and the command
 * table.  Each command lives in cmd/<group>.c; this file only finds it,
 * applies the global options and the command's preconditions, and turns
 * its return value into the exit status.
 */
#include "base/compat.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "version.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

static int cmd_help(int argc, const char **argv, struct sw_ctx *ctx);
static int cmd_version(int argc, const char **argv, struct sw_ctx *ctx);

const struct sw_cmd sw_commands[] = {
	{ "help", cmd_help, 0, "Show help for specwright or one of its commands" },
	{ "version", cmd_version, 0, "Print the version" },
	/* workspace (cmd/workspace.c, cmd/steering.c, cmd/agent.c, cmd/hooks.c) */
	{ "init", cmd_workspace_init, 0, "Create the .kiro workspace (steering, settings, specs, hooks, agents)" },
	{ "doctor", cmd_workspace_doctor, SW_CMD_NEEDS_WORKSPACE, "Validate the whole .kiro workspace" },
	{ "steering", cmd_steering, 0, "List steering documents and explain when they load" },
	{ "agent", cmd_agent, 0, "List, show and validate custom agents" },
	{ "hooks", cmd_hooks, 0, "List and run the hooks of .kiro/hooks" },

	/* specs (cmd/spec.c) */
	{ "spec", cmd_spec, 0, "Create, lint and track specs (requirements, design, tasks)" },

	/* run (cmd/run.c) */
	{ "run", cmd_run, 0, "Carry out a spec's task plan (--dry-run: waves, conflicts)" },

	/* mcp (cmd/mcp.c) */
	{ "mcp", cmd_mcp, 0, "List, call and serve MCP tools" },

	/* knowledge (cmd/knowledge.c) */
	{ "knowledge", cmd_knowledge, 0, "Index folders and search them (SQLite FTS5, embeddings)" },

	/* chat (cmd/chat.c) */
	{ "chat", cmd_chat, 0, "Talk to the built-in agent (interactive, or one turn headless)" },

	/* acp (cmd/acp.c) */
	{ "acp", cmd_acp, 0, "Serve the built-in agent over the Agent Client Protocol" },
	{ "acp-client", cmd_acp_client, 0, "Drive an ACP agent for one prompt" },

	{ NULL, NULL, 0, NULL },
};

static const char *const main_usage[] = {
	"specwright [-C DIR] [-v|-q] [--json] [--color=WHEN] <command> [args]",
	NULL,
};

static void print_main_help(FILE *fp)
{
	const struct sw_cmd *c;

	fprintf(fp, "usage: %s\n\n", main_usage[0]);
	fputs("Specwright turns prompts into Kiro-compatible specs (requirements, design, tasks)\n"
	      "and manages the .kiro folder around them.\n\n"
	      "global options:\n"
	      "    -C DIR          run as if started in DIR\n"
	      "    -v, --verbose   more messages (repeat for debug)\n"
	      "    -q, --quiet     only errors\n"
	      "    --json          print data as one JSON document\n"
	      "    --color=WHEN    always, never or auto (default; NO_COLOR is honoured)\n"
	      "    --version       print the version\n\n"
	      "commands:\n", fp);
	for (c = sw_commands; c->name; c++)
		if (!(c->flags & SW_CMD_HIDDEN))
			fprintf(fp, "    %-14s %s\n", c->name, c->summary);
	fputs("\nRun 'specwright help <command>' or 'specwright <command> --help' for details.\n", fp);
}

static const struct sw_cmd *find_command(const char *name)
{
	const struct sw_cmd *c;

	for (c = sw_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int cmd_help(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright help [<command> [<verb>]]", NULL };
	const struct sw_opt opts[] = { SW_OPT_END };
	const struct sw_cmd *c;
	const char *args[4];

	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc == 0) {
		print_main_help(stdout);
		return 0;
	}
	c = find_command(argv[0]);
	if (!c) {
		fprintf(stderr, "specwright: '%s' is not a specwright command\n", argv[0]);
		sw_cmd_suggest(sw_commands, argv[0]);
		return 2;
	}
	/* "help spec lint" is "spec lint --help"; a group prints its verbs for "--help". */
	args[0] = argv[0];
	if (argc >= 2) {
		args[1] = argv[1];
		args[2] = "--help";
		args[3] = NULL;
		return c->fn(3, args, ctx);
	}
	args[1] = "--help";
	args[2] = NULL;
	return c->fn(2, args, ctx);
}

static int cmd_version(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright version [--json]", NULL };
	int json = ctx->json;

	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (json)
		printf("{\"name\":\"specwright\",\"version\":\"%s\"}\n", SPECWRIGHT_VERSION);
	else
		printf("specwright %s\n", SPECWRIGHT_VERSION);
	return 0;
}

/*
 * 1 when standard output is a pipe whose reader has gone (EPIPE now, or a
 * write that failed earlier: poll() reports POLLERR on such a pipe).
 */
static int stdout_reader_gone(int saved_errno)
{
	struct pollfd p = { STDOUT_FILENO, POLLOUT, 0 };

	if (saved_errno == EPIPE)
		return 1;
	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

int main(int argc, char **argv)
{
	struct sw_ctx ctx = { NULL, 0, NULL, NULL, argv[0] };
	const char *dir = NULL;
	const struct sw_cmd *c;
	int i, rc, verbose = 0, quiet = 0;

	/* A peer that exits while we write to it is an error on that stream, not our death. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v;

		if (!strcmp(a, "-C")) {
			if (++i >= argc)
				return sw_usage_error(main_usage, "option '-C' requires a directory");
			dir = argv[i];
		} else if (sw_skip_prefix(a, "-C", &v)) {
			dir = v;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbose++;
		} else if (!strcmp(a, "-vv")) {
			verbose += 2;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = 1;
		} else if (!strcmp(a, "--json")) {
			ctx.json = 1;
		} else if (sw_skip_prefix(a, "--color=", &v)) {
			if (!strcmp(v, "always"))
				sw_log_set_color(1);
			else if (!strcmp(v, "never"))
				sw_log_set_color(0);
			else if (strcmp(v, "auto"))
				return sw_usage_error(main_usage, "--color expects always, never or auto, not '%s'", v);
		} else if (!strcmp(a, "--version")) {
			printf("specwright %s\n", SPECWRIGHT_VERSION);
			return 0;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_main_help(stdout);
			return 0;
		} else {
			return sw_usage_error(main_usage, "unknown option '%s'", a);
		}
	}
	sw_log_set_level(quiet ? SW_LOG_QUIET : verbose);
	if (i >= argc) {
		print_main_help(stderr);
		return 2;
	}
	if (dir && chdir(dir) < 0) {
		fprintf(stderr, "specwright: cannot change to '%s': %s\n", dir, strerror(errno));
		return 1;
	}
	ctx.cwd = sw_path_absolute(".");
	c = find_command(argv[i]);
	if (!c) {
		fprintf(stderr, "specwright: '%s' is not a specwright command (see 'specwright --help')\n",
			argv[i]);
		sw_cmd_suggest(sw_commands, argv[i]);
		rc = 2;
		goto out;
	}
	if (!sw_cmd_wants_help(argc - i, (const char **)argv + i) && sw_cmd_prepare(c, &ctx)) {
		rc = 1;
		goto out;
	}
	rc = c->fn(argc - i, (const char **)argv + i, &ctx);
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		/*
		 * The reader stopped early ("doctor --json | head").  SIGPIPE is
		 * ignored above, so this is EPIPE rather than death by signal.  Like
		 * git, which then dies of SIGPIPE without a word, say nothing; unlike
		 * it, keep the command's own exit status (0 when it succeeded) rather
		 * than 141: the reader chose to stop, which is no failure of ours, and
		 * a "set -o pipefail" pipeline ending in head must not fail for it.
		 */
		if (!stdout_reader_gone(e)) {
			fprintf(stderr, "specwright: cannot write to standard output: %s\n",
				strerror(e ? e : EIO));
			rc = rc ? rc : 1;
		}
	}
out:
	free(ctx.cwd);
	free(ctx.root);
	free(ctx.kiro_dir);
	return rc;
}
