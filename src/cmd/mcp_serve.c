/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcp_serve.c - "specwright mcp serve": Specwright's own MCP server.
 *
 *   mcp serve [--tools LIST] [--http HOST:PORT] [--root DIR] [--read P,...]
 *             [--write P,...] [--token T] [--origin O]... [--idle-timeout S]
 *             [--header-timeout S] [--max-connections N] [--max-per-ip N]
 *
 * Over stdio (the default) stdout carries only protocol messages; anything
 * for people goes to stderr.  With --http the server listens on one
 * Streamable HTTP endpoint (/mcp), 127.0.0.1 unless told otherwise, and
 * prints "listening on http://HOST:PORT/mcp" to stderr once it accepts
 * connections (port 0 picks a free port, and that line names it).
 * SIGINT and SIGTERM end it cleanly.
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "mcp/serve.h"
#include "mcp/server.h"
#include "mcp/tools_knowledge.h"
#include "mcp/tools_specs.h"
#include "mcp/tools_steering.h"
#include "mcp/tools_store.h"
#include "kiro/workspace.h"
#include "version.h"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

/* The tool sets this build can serve, in the order --tools lists them. */
static const char *const known_sets[] = { "store", "steering", "specs", "knowledge", NULL };

struct serve_state {
	uv_loop_t *loop;
	uv_signal_t sigint, sigterm;
	int stopping;
};

static void stop_loop(void *data)
{
	struct serve_state *st = data;

	st->stopping = 1;
	uv_stop(st->loop);
}

/*
 * The stdio client hung up and every answer is queued: the loop ends on its
 * own once the answers have been written.  uv_stop() here would cut off an
 * answer still waiting for a slow reader of a full pipe.
 */
static void stdio_ended(void *data)
{
	struct serve_state *st = data;

	st->stopping = 1;
	uv_unref((uv_handle_t *)&st->sigint);
	uv_unref((uv_handle_t *)&st->sigterm);
}

static void on_signal(uv_signal_t *h, int sig)
{
	SW_UNUSED(sig);
	stop_loop(h->data);
}

static void split_into(struct sw_strvec *dst, const struct sw_strvec *src)
{
	size_t i;

	for (i = 0; i < src->nr; i++)
		sw_strvec_split(dst, src->v[i], ',');
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT"/"PORT". */
static int parse_listen(const char *s, char **host, unsigned *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long p;

	if (!colon) {
		*host = sw_xstrdup("127.0.0.1");
		colon = s - 1;
	} else if (colon == s) {
		*host = sw_xstrdup("127.0.0.1");
	} else {
		*host = sw_xstrndup(s, (size_t)(colon - s));
	}
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno || *end || !colon[1] || p > 65535) {
		free(*host);
		*host = NULL;
		return -1;
	}
	*port = (unsigned)p;
	return 0;
}

static void close_walk(uv_handle_t *h, void *arg)
{
	SW_UNUSED(arg);
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

#define NOT_GIVEN LONG_MIN /* strtol() never yields it without an error */

/* A connection bound from the command line: 1..@max, or not given. */
static int check_bound(const char *const *usage, const char *flag, long *v, long max)
{
	if (*v == NOT_GIVEN) {
		*v = 0; /* the server's default */
		return 0;
	}
	if (*v < 1 || *v > max)
		return sw_usage_error(usage, "%s expects a number from 1 to %ld, not %ld",
				      flag, max, *v);
	return 0;
}

int cmd_mcp_serve(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright mcp serve [--tools LIST] [--http HOST:PORT] [--root DIR] [--read P,...] [--write P,...] [--token T]",
		"\nServes Specwright's tools over MCP: on stdin/stdout by default, or on a Streamable"
		"\nHTTP endpoint http://HOST:PORT/mcp with --http (127.0.0.1 unless a host is given)."
		"\nTool sets: store (fs_read, fs_write, fs_list over --root, default the current folder);"
		"\nsteering (steering_for_path, steering_read over the workspace's steering documents);"
		"\nspecs (spec_list, spec_read, spec_lint, spec_trace, spec_next, spec_set_task_status over"
		"\nthe workspace's .kiro/specs, the spec documents as resources spec:///NAME/FILE, and the"
		"\nspec-generation prompts as prompts);"
		"\nknowledge (knowledge_search, knowledge_list, knowledge_fetch over the workspace's"
		"\nknowledge bases, read-only; lexical search needs no embedding provider)."
		"\nKeys outside --read prefixes (default: all) or --write prefixes (default: output/,store/)"
		"\nare refused.  Over HTTP a connection is closed after --idle-timeout seconds"
		"\nwithout traffic (default 60; an event stream waiting for messages is exempt),"
		"\nor when its request line and headers take over --header-timeout seconds"
		"\n(default 10); at most --max-connections are open at once (default 256),"
		"\n--max-per-ip from one address (64).",
		NULL,
	};
	struct sw_strvec tools_opt = SW_STRVEC_INIT, read_opt = SW_STRVEC_INIT, write_opt = SW_STRVEC_INIT;
	struct sw_strvec origin_opt = SW_STRVEC_INIT, tools = SW_STRVEC_INIT, rd = SW_STRVEC_INIT;
	struct sw_strvec wr = SW_STRVEC_INIT;
	const char *http = NULL, *root = NULL, *token = NULL;
	struct mcp_server_opts so = MCP_SERVER_OPTS_INIT;
	struct mcp_server *srv = NULL;
	struct mcp_stdio *io = NULL;
	struct mcp_http *h = NULL;
	struct sw_error err = SW_ERROR_INIT;
	struct serve_state st;
	uv_loop_t loop;
	char *host = NULL;
	unsigned port = 0;
	long idle_s = NOT_GIVEN, header_s = NOT_GIVEN;
	long max_conns = NOT_GIVEN, max_per_ip = NOT_GIVEN;
	int rc = 0, have_write = 0;
	size_t i;
	const struct sw_opt opts[] = {
		SW_OPT_LIST(0, "tools", &tools_opt, "LIST", "tool sets to serve, comma-separated (default: store)"),
		SW_OPT_STRING(0, "http", &http, "HOST:PORT", "serve Streamable HTTP instead of stdio"),
		SW_OPT_STRING(0, "root", &root, "DIR", "the store's root folder (default: the current folder)"),
		SW_OPT_LIST(0, "read", &read_opt, "P,...", "key prefixes fs_read and fs_list may see (default: all)"),
		SW_OPT_LIST(0, "write", &write_opt, "P,...", "key prefixes fs_write may write (default: output/,store/)"),
		SW_OPT_STRING(0, "token", &token, "T", "require 'Authorization: Bearer T' over HTTP (or $SPECWRIGHT_MCP_TOKEN)"),
		SW_OPT_LIST(0, "origin", &origin_opt, "ORIGIN", "also accept this browser Origin over HTTP"),
		SW_OPT_INT(0, "idle-timeout", &idle_s, "S", "close an HTTP connection silent this long (default 60)"),
		SW_OPT_INT(0, "header-timeout", &header_s, "S", "drop an HTTP request whose head takes longer (default 10)"),
		SW_OPT_INT(0, "max-connections", &max_conns, "N", "HTTP connections open at once (default 256)"),
		SW_OPT_INT(0, "max-per-ip", &max_per_ip, "N", "HTTP connections open at once from one address (default 64)"),
		SW_OPT_END,
	};

	memset(&st, 0, sizeof(st));
	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0) {
		rc = sw_opt_exit(argc);
		goto out;
	}
	if (argc) {
		rc = sw_usage_error(usage, "unexpected argument '%s'", argv[0]);
		goto out;
	}
	split_into(&tools, &tools_opt);
	if (!tools.nr)
		sw_strvec_push(&tools, "store");
	for (i = 0; i < tools.nr; i++) {
		size_t k;

		for (k = 0; known_sets[k] && strcmp(known_sets[k], tools.v[i]); k++)
			;
		if (!known_sets[k]) {
			rc = sw_usage_error(usage, "unknown tool set '%s' (available: store, steering, specs, knowledge)",
					    tools.v[i]);
			goto out;
		}
	}
	split_into(&rd, &read_opt);
	split_into(&wr, &write_opt);
	have_write = write_opt.nr > 0;
	if (http && parse_listen(http, &host, &port) < 0) {
		rc = sw_usage_error(usage, "--http expects HOST:PORT, not '%s'", http);
		goto out;
	}
	if ((rc = check_bound(usage, "--idle-timeout", &idle_s, 86400)) ||
	    (rc = check_bound(usage, "--header-timeout", &header_s, 86400)) ||
	    (rc = check_bound(usage, "--max-connections", &max_conns, 65536)) ||
	    (rc = check_bound(usage, "--max-per-ip", &max_per_ip, 65536)))
		goto out;
	if (!token)
		token = getenv("SPECWRIGHT_MCP_TOKEN");
	if (token && !*token)
		token = NULL;

	uv_loop_init(&loop);
	st.loop = &loop;
	so.name = "specwright";
	so.version = SPECWRIGHT_VERSION;
	so.loop = &loop;
	so.instructions = "Specwright's MCP server. The store tools (fs_read, fs_write, fs_list) work on "
			  "keys relative to the store root; fs_read takes offset/limit or tail_lines, fs_write "
			  "takes append:true for an atomic append. The steering tools say which steering "
			  "documents apply to a workspace file (steering_for_path) and return one (steering_read). "
			  "The specs tools work on the specs under .kiro/specs, named by folder: spec_list, "
			  "spec_read (a document, a requirement '3' or criterion '3.2', or a task '2.1'), "
			  "spec_lint, spec_trace, spec_next, and spec_set_task_status, the one tool that writes "
			  "(only the task's checkbox). Spec documents are also resources spec:///NAME/FILE.md, and "
			  "the spec-generation prompts are prompts. "
			  "The knowledge tools search the workspace's indexed knowledge bases (knowledge_search), "
			  "list them (knowledge_list) and read a hit's chunk or lines of an indexed file "
			  "(knowledge_fetch).";
	mcp_server_new(&srv, &so, &err);
	for (i = 0; i < tools.nr; i++) {
		struct mcp_toolset *set = NULL;

		if (!strcmp(tools.v[i], "store")) {
			struct mcp_store_opts o = MCP_STORE_OPTS_INIT;

			o.root = root ? root : ctx->cwd;
			o.read = &rd;
			o.write = have_write ? &wr : NULL;
			if ((rc = mcp_store_toolset_new(&set, &o, &err)) < 0)
				goto fail;
		} else if (!strcmp(tools.v[i], "steering")) {
			struct mcp_steering_opts o = MCP_STEERING_OPTS_INIT;
			char *global = kiro_global_dir(), *ws = NULL;

			if (!ctx->root && kiro_find_root(&ws, ctx->cwd, &err) < 0)
				sw_error_clear(&err);
			o.root = ctx->root ? ctx->root : ws;
			o.global_dir = global;
			rc = mcp_steering_toolset_new(&set, &o, &err);
			free(global);
			free(ws);
			if (rc < 0)
				goto fail;
		} else if (!strcmp(tools.v[i], "specs")) {
			struct mcp_specs_opts o = MCP_SPECS_OPTS_INIT;

			if ((rc = sw_cmd_find_workspace(ctx, &err)) < 0)
				goto fail;
			o.root = ctx->root;
			if ((rc = mcp_specs_toolset_new(&set, &o, &err)) < 0)
				goto fail;
		} else if (!strcmp(tools.v[i], "knowledge")) {
			struct mcp_knowledge_opts o = MCP_KNOWLEDGE_OPTS_INIT;

			if ((rc = sw_cmd_find_workspace(ctx, &err)) < 0)
				goto fail;
			o.root = ctx->root;
			if ((rc = mcp_knowledge_toolset_new(&set, &o, &err)) < 0)
				goto fail;
		}
		if (set && (rc = mcp_server_add_toolset(srv, set, &err)) < 0)
			goto fail;
	}
	signal(SIGPIPE, SIG_IGN);
	uv_signal_init(&loop, &st.sigint);
	uv_signal_init(&loop, &st.sigterm);
	st.sigint.data = st.sigterm.data = &st;
	uv_signal_start(&st.sigint, on_signal, SIGINT);
	uv_signal_start(&st.sigterm, on_signal, SIGTERM);
	if (http) {
		struct mcp_http_opts ho = MCP_HTTP_OPTS_INIT;

		ho.host = host;
		ho.port = port;
		ho.token = token;
		ho.origins = &origin_opt;
		ho.idle_timeout_s = (unsigned)idle_s;
		ho.header_timeout_s = (unsigned)header_s;
		ho.max_connections = (unsigned)max_conns;
		ho.max_per_ip = (unsigned)max_per_ip;
		if ((rc = mcp_http_start(&h, srv, &loop, &ho, &err)) < 0)
			goto fail;
		fprintf(stderr, "specwright: listening on http://%s%s%s:%u/mcp\n", strchr(host, ':') ? "[" : "",
			host, strchr(host, ':') ? "]" : "", mcp_http_port(h));
		fflush(stderr);
	} else {
		if ((rc = mcp_stdio_start(&io, srv, &loop, STDIN_FILENO, STDOUT_FILENO, stdio_ended, &st, &err)) < 0)
			goto fail;
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	rc = 0;
	goto cleanup;
fail:
	rc = sw_cmd_fail(&err);
cleanup:
	mcp_stdio_free(io);
	mcp_http_free(h);
	mcp_server_free(srv);
	uv_walk(&loop, close_walk, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
out:
	sw_strvec_clear(&tools_opt);
	sw_strvec_clear(&read_opt);
	sw_strvec_clear(&write_opt);
	sw_strvec_clear(&origin_opt);
	sw_strvec_clear(&tools);
	sw_strvec_clear(&rd);
	sw_strvec_clear(&wr);
	free(host);
	return rc;
}
