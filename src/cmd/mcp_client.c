/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcp_client.c - the "mcp" verbs that talk to configured servers:
 *
 *   mcp list --status [--json]        start every enabled server, show its state,
 *                                     tool count and, if it failed, why
 *   mcp tools SERVER [--json]         the tools of one server
 *   mcp call SERVER TOOL [JSON-ARGS]  call one tool and print its result
 *
 * Servers come from ~/.kiro/settings/mcp.json and .kiro/settings/mcp.json
 * (kiro/mcpconfig.h: precedence, ${VAR} expansion at use time); the
 * client is mcp/client.h.  Secrets in env and headers never reach output.
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "kiro/mcpconfig.h"
#include "kiro/workspace.h"
#include "mcp/client.h"

struct session {
	uv_loop_t loop;
	struct mcp_client *c;
	struct kiro_mcp_config cfg;
	struct sw_diags diags;
	char *root, *global;
};

static int session_open(struct session *s, struct sw_ctx *ctx, struct sw_error *err)
{
	struct mcp_client_opts o = MCP_CLIENT_OPTS_INIT;
	struct sw_error ignore = SW_ERROR_INIT;
	int rc;

	memset(s, 0, sizeof(*s));
	s->diags = (struct sw_diags)SW_DIAGS_INIT;
	s->global = kiro_global_dir();
	if (!ctx->root && kiro_find_root(&s->root, ctx->cwd, &ignore) < 0)
		s->root = NULL;
	if ((rc = kiro_mcp_load(&s->cfg, ctx->root ? ctx->root : s->root, s->global, &s->diags, err)) < 0)
		return rc;
	uv_loop_init(&s->loop);
	o.loop = &s->loop;
	mcp_client_new(&s->c, &o);
	return 0;
}

static void session_close(struct session *s)
{
	if (s->c) {
		mcp_client_free(s->c);
		uv_run(&s->loop, UV_RUN_DEFAULT);
		uv_loop_close(&s->loop);
	}
	kiro_mcp_release(&s->cfg);
	sw_diags_release(&s->diags);
	free(s->root);
	free(s->global);
}

/* Attaches configured server @k; a resolution failure (unset ${VAR}) is returned. */
static int attach(struct session *s, const struct kiro_mcp_server *k, uint64_t timeout_ms,
		  struct sw_error *err)
{
	struct mcp_kiro_attach_opts o = MCP_KIRO_ATTACH_OPTS_INIT;

	o.connect_timeout_ms = timeout_ms;
	return mcp_client_attach_kiro(s->c, k, &o, NULL, err);
}

/* Finds and attaches @name, then waits for it; prints and returns 1 on failure. */
static int attach_one(struct session *s, const char *name, uint64_t timeout_ms, struct mcp_conn **conn)
{
	struct sw_error err = SW_ERROR_INIT;
	const struct kiro_mcp_server *k = kiro_mcp_find(&s->cfg, name);

	*conn = NULL;
	if (!k) {
		fprintf(stderr, "specwright: no MCP server '%s' is configured (see 'specwright mcp list')\n", name);
		return 1;
	}
	if (k->disabled) {
		fprintf(stderr, "specwright: MCP server '%s' is disabled in %s\n", name, k->file);
		return 1;
	}
	if (attach(s, k, timeout_ms, &err) < 0)
		return sw_cmd_fail(&err);
	mcp_client_wait(s->c, 0);
	*conn = mcp_client_find_conn(s->c, name);
	if (mcp_conn_state(*conn) != MCP_CONN_READY) {
		fprintf(stderr, "specwright: MCP server '%s' failed to start: %s\n", name, mcp_conn_error(*conn));
		return 1;
	}
	return 0;
}

int cmd_mcp_status(int json, struct sw_ctx *ctx, uint64_t timeout_ms)
{
	struct session s;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *doc = NULL, *arr = NULL;
	char **why_attach = NULL;
	size_t i;
	int rc = 0, failed = 0;

	if (session_open(&s, ctx, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	/* Start them all at once: the slowest server sets the pace, not the sum. */
	why_attach = sw_xcalloc(s.cfg.nr + 1, sizeof(*why_attach));
	for (i = 0; i < s.cfg.nr; i++) {
		const struct kiro_mcp_server *k = s.cfg.v[i];

		sw_error_clear(&err);
		if (!k->disabled && attach(&s, k, timeout_ms, &err) < 0) {
			struct sw_buf why = SW_BUF_INIT;

			/* e.g. an unset ${VAR}: "file:line:col: message", as sw_report() names it */
			if (err.path[0] && err.line)
				sw_buf_addf(&why, "%s:%d:%d: ", err.path, err.line, err.col);
			sw_buf_adds(&why, err.msg);
			why_attach[i] = sw_buf_detach(&why, NULL);
		}
	}
	mcp_client_wait(s.c, 0);
	if (json) {
		doc = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(doc, "servers");
	} else if (!s.cfg.nr) {
		printf("no MCP servers configured\n");
	}
	for (i = 0; i < s.cfg.nr; i++) {
		const struct kiro_mcp_server *k = s.cfg.v[i];
		struct mcp_conn *conn = mcp_client_find_conn(s.c, k->name);
		const char *state = k->disabled ? "disabled" : conn ? mcp_conn_state_name(mcp_conn_state(conn)) : "failed";
		const char *why = k->disabled ? "" : conn ? mcp_conn_error(conn) : why_attach[i];
		size_t tools = conn ? mcp_conn_tool_count(conn) : 0;

		failed += !k->disabled && (!conn || mcp_conn_state(conn) != MCP_CONN_READY);
		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", k->name);
			cJSON_AddStringToObject(o, "origin", kiro_mcp_origin_name(k->origin));
			cJSON_AddStringToObject(o, "transport", k->command ? "stdio" : "http");
			cJSON_AddStringToObject(o, "status", state);
			cJSON_AddNumberToObject(o, "tools", (double)tools);
			sw_cmd_json_str(o, "protocolVersion", conn ? mcp_conn_protocol_version(conn) : NULL);
			sw_cmd_json_str(o, "error", why[0] ? why : NULL);
			cJSON_AddItemToArray(arr, o);
		} else {
			printf("%-24s %-9s %-6s %4zu %s%s%s\n", k->name, state, k->command ? "stdio" : "http", tools,
			       tools == 1 ? "tool" : "tools", why[0] ? (tools == 1 ? "   " : "  ") : "", why);
		}
	}
	if (json) {
		cJSON_AddItemToObject(doc, "diagnostics", sw_cmd_diags_json(&s.diags));
		sw_cmd_json_print_take(doc);
	}
	sw_cmd_print_diags(&s.diags, ctx->root ? ctx->root : s.root, SW_SEV_ERROR);
	rc = failed || s.diags.errors ? 1 : 0;
out:
	for (i = 0; why_attach && i < s.cfg.nr; i++)
		free(why_attach[i]);
	free(why_attach);
	session_close(&s);
	return rc;
}

int cmd_mcp_tools(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright mcp tools SERVER [--json] [--timeout MS]",
		"\nStarts the configured MCP server SERVER and lists its tools (as the agent sees them:"
		"\n@SERVER/TOOL, without the server's disabledTools).",
		NULL,
	};
	struct session s;
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_conn *conn = NULL;
	int json = ctx->json, rc = 0;
	long timeout = 0;
	size_t i;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "json", &json, "print one JSON document"),
		SW_OPT_INT(0, "timeout", &timeout, "MS", "how long the server may take to start"),
		SW_OPT_END,
	};

	memset(&s, 0, sizeof(s));
	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc != 1)
		return sw_usage_error(usage, argc ? "too many arguments" : "which server? (see 'specwright mcp list')");
	if (timeout < 0)
		return sw_usage_error(usage, "--timeout must not be negative");
	if (session_open(&s, ctx, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if ((rc = attach_one(&s, argv[0], (uint64_t)timeout, &conn)) != 0)
		goto out;
	if (json) {
		cJSON *doc = cJSON_CreateObject(), *arr;

		cJSON_AddStringToObject(doc, "server", argv[0]);
		sw_cmd_json_str(doc, "protocolVersion", mcp_conn_protocol_version(conn));
		if (mcp_conn_server_info(conn))
			cJSON_AddItemToObject(doc, "serverInfo", cJSON_Duplicate(mcp_conn_server_info(conn), 1));
		arr = cJSON_AddArrayToObject(doc, "tools");
		for (i = 0; i < mcp_client_tool_count(s.c); i++) {
			const struct mcp_tool *t = mcp_client_tool(s.c, i);
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "name", t->name);
			cJSON_AddStringToObject(o, "tool", t->tool);
			sw_cmd_json_str(o, "title", t->title);
			cJSON_AddStringToObject(o, "description", t->description);
			cJSON_AddItemToObject(o, "inputSchema", cJSON_Duplicate(t->input_schema, 1));
			if (t->output_schema)
				cJSON_AddItemToObject(o, "outputSchema", cJSON_Duplicate(t->output_schema, 1));
			cJSON_AddItemToArray(arr, o);
		}
		sw_cmd_json_print_take(doc);
	} else {
		for (i = 0; i < mcp_client_tool_count(s.c); i++) {
			const struct mcp_tool *t = mcp_client_tool(s.c, i);
			const char *nl = strchr(t->description, '\n');
			int dlen = nl ? (int)(nl - t->description) : (int)strlen(t->description);

			printf("%-40s %.*s\n", t->name, dlen, t->description);
		}
		if (!mcp_client_tool_count(s.c))
			printf("'%s' offers no tools\n", argv[0]);
	}
out:
	session_close(&s);
	return rc;
}

int cmd_mcp_call(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright mcp call SERVER TOOL [JSON-ARGS] [--json] [--timeout MS]",
		"\nStarts the configured MCP server SERVER, calls TOOL with the JSON object JSON-ARGS"
		"\n(default {}) and prints the result's text.  Exit status 1 when the server reports"
		"\nan error (isError or a JSON-RPC error).",
		NULL,
	};
	struct session s;
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_conn *conn = NULL;
	struct sw_buf name = SW_BUF_INIT, text = SW_BUF_INIT;
	cJSON *args = NULL, *result = NULL;
	int json = ctx->json, rc = 0, is_error;
	long timeout = 0;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "json", &json, "print the whole result as one JSON document"),
		SW_OPT_INT(0, "timeout", &timeout, "MS", "how long the call may take (default: the server's)"),
		SW_OPT_END,
	};

	memset(&s, 0, sizeof(s));
	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc < 2 || argc > 3)
		return sw_usage_error(usage, argc < 2 ? "a server and a tool are needed" : "too many arguments");
	if (timeout < 0)
		return sw_usage_error(usage, "--timeout must not be negative");
	if (argc == 3) {
		if (sw_json_parse(&args, argv[2], strlen(argv[2]), &err) < 0) {
			fprintf(stderr, "specwright: JSON-ARGS:%d:%d: %s\n", err.line, err.col, err.msg);
			return sw_usage_error(usage, "JSON-ARGS must be a JSON object");
		}
		if (!cJSON_IsObject(args)) {
			cJSON_Delete(args);
			return sw_usage_error(usage, "JSON-ARGS must be a JSON object, found %s", sw_json_type_name(args));
		}
	}
	if (session_open(&s, ctx, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if ((rc = attach_one(&s, argv[0], 0, &conn)) != 0)
		goto out;
	sw_buf_addf(&name, "@%s/%s", argv[0], argv[1]);
	if (!mcp_client_find_tool(s.c, name.ptr)) {
		fprintf(stderr, "specwright: MCP server '%s' has no tool '%s' (see 'specwright mcp tools %s')\n",
			argv[0], argv[1], argv[0]);
		rc = 1;
		goto out;
	}
	if (mcp_client_call_sync(s.c, name.ptr, args, (uint64_t)timeout, NULL, NULL, &result, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	is_error = cJSON_IsTrue(cJSON_GetObjectItem(result, "isError"));
	if (json) {
		sw_cmd_json_print_take(result);
		result = NULL;
	} else {
		mcp_result_text(&text, result);
		if (text.len && text.ptr[text.len - 1] != '\n')
			sw_buf_addch(&text, '\n');
		fputs(text.ptr, is_error ? stderr : stdout);
	}
	rc = is_error ? 1 : 0;
out:
	cJSON_Delete(args);
	cJSON_Delete(result);
	sw_buf_release(&name);
	sw_buf_release(&text);
	session_close(&s);
	return rc;
}
