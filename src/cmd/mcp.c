/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcp.c - "specwright mcp": configured MCP servers.
 *
 *   mcp list [--json]     servers from ~/.kiro/settings/mcp.json and
 *                         .kiro/settings/mcp.json, merged (workspace wins),
 *                         each with the file it came from
 *
 * Values are shown as written: ${VAR} references stay unexpanded and the
 * values of "env" and "headers" are never printed (they may be secrets),
 * only their names.  The verb table below is the place to add verbs that
 * talk to servers.
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "kiro/mcpconfig.h"
#include "kiro/workspace.h"

static cJSON *server_json(const struct kiro_mcp_server *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "origin", kiro_mcp_origin_name(s->origin));
	cJSON_AddStringToObject(o, "file", s->file);
	cJSON_AddNumberToObject(o, "line", s->line);
	cJSON_AddStringToObject(o, "transport", s->command ? "stdio" : "http");
	sw_cmd_json_str(o, "command", s->command);
	cJSON_AddItemToObject(o, "args", sw_cmd_json_strs(s->args.v, s->args.nr));
	cJSON_AddItemToObject(o, "env", sw_cmd_json_strs(s->env_names.v, s->env_names.nr));
	sw_cmd_json_str(o, "url", s->url);
	cJSON_AddItemToObject(o, "headers", sw_cmd_json_strs(s->header_names.v, s->header_names.nr));
	sw_cmd_json_str(o, "type", s->type);
	cJSON_AddBoolToObject(o, "disabled", s->disabled);
	cJSON_AddItemToObject(o, "autoApprove", sw_cmd_json_strs(s->auto_approve.v, s->auto_approve.nr));
	cJSON_AddItemToObject(o, "disabledTools", sw_cmd_json_strs(s->disabled_tools.v, s->disabled_tools.nr));
	if (s->timeout_ms == KIRO_MCP_UNSET)
		cJSON_AddNullToObject(o, "timeout");
	else
		cJSON_AddNumberToObject(o, "timeout", (double)s->timeout_ms);
	if (s->request_timeout_ms == KIRO_MCP_UNSET)
		cJSON_AddNullToObject(o, "requestTimeout");
	else
		cJSON_AddNumberToObject(o, "requestTimeout", (double)s->request_timeout_ms);
	if (s->overrides) {
		cJSON *ov = cJSON_AddObjectToObject(o, "overrides");

		cJSON_AddStringToObject(ov, "origin", kiro_mcp_origin_name(s->overrides_origin));
		cJSON_AddStringToObject(ov, "file", s->overrides);
	} else {
		cJSON_AddNullToObject(o, "overrides");
	}
	return o;
}

static void print_server(const struct kiro_mcp_server *s)
{
	struct sw_buf target = SW_BUF_INIT;
	size_t i;

	if (s->command) {
		sw_buf_adds(&target, s->command);
		for (i = 0; i < s->args.nr; i++)
			sw_buf_addf(&target, " %s", s->args.v[i]);
	} else {
		sw_buf_adds(&target, s->url);
	}
	printf("%-24s %-9s %-8s %-6s %s\n", s->name, kiro_mcp_origin_name(s->origin),
	       s->disabled ? "disabled" : "enabled", s->command ? "stdio" : "http", target.ptr);
	if (s->overrides)
		printf("%-24s (overrides %s entry in %s)\n", "", kiro_mcp_origin_name(s->overrides_origin),
		       s->overrides);
	sw_buf_release(&target);
}

static int cmd_mcp_list(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright mcp list [--status [--timeout MS]] [--json]",
		"\nLists the configured MCP servers: ~/.kiro/settings/mcp.json and the workspace's"
		"\n.kiro/settings/mcp.json merged by name (the workspace wins), with their origin.",
		NULL,
	};
	struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *global = kiro_global_dir(), *root = NULL;
	int json = ctx->json, rc = 0, status = 0;
	long timeout = 0;
	size_t i;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "json", &json, "print one JSON document"),
		SW_OPT_BOOL(0, "status", &status, "start each enabled server: state, tool count, error"),
		SW_OPT_INT(0, "timeout", &timeout, "MS", "with --status, how long a server may take to start"),
		SW_OPT_END,
	};

	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0) {
		rc = sw_opt_exit(argc);
		goto out;
	}
	if (argc) {
		rc = sw_usage_error(usage, "too many arguments");
		goto out;
	}
	if (status) {
		rc = timeout < 0 ? sw_usage_error(usage, "--timeout must not be negative")
				 : cmd_mcp_status(json, ctx, (uint64_t)timeout);
		goto out;
	}
	/* Outside a workspace the global servers still list. */
	if (!ctx->root && kiro_find_root(&root, ctx->cwd, &err) < 0)
		sw_error_clear(&err);
	if (kiro_mcp_load(&cfg, ctx->root ? ctx->root : root, global, &diags, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (json) {
		cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "servers");

		for (i = 0; i < cfg.nr; i++)
			cJSON_AddItemToArray(arr, server_json(cfg.v[i]));
		cJSON_AddItemToObject(doc, "diagnostics", sw_cmd_diags_json(&diags));
		sw_cmd_json_print_take(doc);
	} else {
		if (!cfg.nr)
			printf("no MCP servers configured\n");
		for (i = 0; i < cfg.nr; i++)
			print_server(cfg.v[i]);
	}
	sw_cmd_print_diags(&diags, ctx->root ? ctx->root : root, SW_SEV_ERROR);
	if (diags.warnings && !json)
		sw_info("%zu warning%s in mcp.json (see 'specwright doctor')", diags.warnings,
			diags.warnings == 1 ? "" : "s");
	rc = diags.errors ? 1 : 0;
out:
	kiro_mcp_release(&cfg);
	sw_diags_release(&diags);
	free(global);
	free(root);
	return rc;
}

int cmd_mcp(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const struct sw_cmd verbs[] = {
		{ "list", cmd_mcp_list, 0, "List configured MCP servers and where each comes from" },
		/* verbs that talk to servers go below */
		{ "tools", cmd_mcp_tools, 0, "Start a configured server and list its tools" },
		{ "call", cmd_mcp_call, 0, "Call a tool of a configured server" },
		{ "serve", cmd_mcp_serve, 0, "Serve Specwright's tools over MCP (stdio or Streamable HTTP)" },

		{ NULL, NULL, 0, NULL },
	};

	return sw_cmd_dispatch("mcp", verbs, argc, argv, ctx);
}
