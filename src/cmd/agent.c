/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent.c - "specwright agent": custom agent configurations.
 *
 *   agent list [--json]              workspace and global agents
 *   agent show NAME [--json]         one agent's configuration, resolved
 *   agent validate [FILE] [--json]   check one agent file, or every agent
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "kiro/agent.h"
#include "kiro/workspace.h"

static const char *resource_kind(enum kiro_resource_kind k)
{
	return k == KIRO_RESOURCE_FILE ? "file" : k == KIRO_RESOURCE_SKILL ? "skill" : "knowledgeBase";
}

static cJSON *agent_json(const struct kiro_agent *a, int full)
{
	cJSON *o = cJSON_CreateObject(), *arr;
	size_t i;

	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "file", a->rel);
	cJSON_AddStringToObject(o, "scope", a->global ? "global" : "workspace");
	cJSON_AddStringToObject(o, "format", a->markdown ? "markdown" : "json");
	sw_cmd_json_str(o, "description", a->description);
	sw_cmd_json_str(o, "model", a->model);
	cJSON_AddItemToObject(o, "tools", sw_cmd_json_strs(a->tools.v, a->tools.nr));
	cJSON_AddItemToObject(o, "allowedTools", sw_cmd_json_strs(a->allowed_tools.v, a->allowed_tools.nr));
	sw_cmd_json_str(o, "overrides", a->overrides);
	sw_cmd_json_str(o, "promptFile", a->prompt_file);
	if (!full)
		return o;
	sw_cmd_json_str(o, "prompt", a->prompt);
	arr = cJSON_AddArrayToObject(o, "resources");
	for (i = 0; i < a->resources_nr; i++) {
		const struct kiro_agent_resource *r = &a->resources[i];
		cJSON *x = cJSON_CreateObject();

		cJSON_AddStringToObject(x, "kind", resource_kind(r->kind));
		cJSON_AddStringToObject(x, "uri", r->uri);
		if (r->kind == KIRO_RESOURCE_KNOWLEDGE_BASE) {
			cJSON_AddStringToObject(x, "name", r->name);
			sw_cmd_json_str(x, "description", r->description);
			cJSON_AddStringToObject(x, "indexType", r->index_best ? "best" : "fast");
			cJSON_AddBoolToObject(x, "autoUpdate", r->auto_update);
		}
		cJSON_AddItemToArray(arr, x);
	}
	arr = cJSON_AddArrayToObject(o, "hooks");
	for (i = 0; i < a->hooks_nr; i++) {
		const struct kiro_agent_hook *h = &a->hooks[i];
		cJSON *x = cJSON_CreateObject();

		cJSON_AddStringToObject(x, "trigger", kiro_agent_hook_trigger_name(h->trigger));
		cJSON_AddStringToObject(x, "command", h->command);
		sw_cmd_json_str(x, "matcher", h->matcher);
		cJSON_AddNumberToObject(x, "timeout_ms", (double)h->timeout_ms);
		cJSON_AddNumberToObject(x, "max_output_size", (double)h->max_output_size);
		cJSON_AddNumberToObject(x, "cache_ttl_seconds", (double)h->cache_ttl_seconds);
		cJSON_AddItemToArray(arr, x);
	}
	if (a->tools_settings)
		cJSON_AddItemToObject(o, "toolsSettings", cJSON_Duplicate(a->tools_settings, 1));
	else
		cJSON_AddNullToObject(o, "toolsSettings");
	arr = cJSON_AddArrayToObject(o, "mcpServers");
	for (i = 0; i < a->mcp.nr; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(a->mcp.v[i]->name));
	if (a->include_mcp_json < 0)
		cJSON_AddNullToObject(o, "includeMcpJson");
	else
		cJSON_AddBoolToObject(o, "includeMcpJson", a->include_mcp_json);
	sw_cmd_json_str(o, "keyboardShortcut", a->keyboard_shortcut);
	sw_cmd_json_str(o, "welcomeMessage", a->welcome_message);
	cJSON_AddItemToObject(o, "config", cJSON_Duplicate(a->json, 1));
	return o;
}

static int load_all(struct kiro_agents *agents, struct sw_diags *diags, struct sw_ctx *ctx)
{
	struct sw_error err = SW_ERROR_INIT;
	char *global = kiro_global_dir();
	int rc = kiro_agents_load(agents, ctx->root, global, diags, &err);

	free(global);
	return rc < 0 ? sw_cmd_fail(&err) : 0;
}

static int cmd_agent_list(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright agent list [--json]",
		"\nLists the custom agents of .kiro/agents and ~/.kiro/agents (JSON and Markdown).",
		NULL,
	};
	struct kiro_agents agents = KIRO_AGENTS_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	int json = ctx->json, rc;
	size_t i;

	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if ((rc = load_all(&agents, &diags, ctx)))
		goto out;
	if (json) {
		cJSON *arr = cJSON_CreateArray();

		for (i = 0; i < agents.nr; i++)
			cJSON_AddItemToArray(arr, agent_json(agents.v[i], 0));
		sw_cmd_json_print_list_take("agents", arr, &diags);
	} else {
		if (!agents.nr)
			printf("no agents in .kiro/agents or ~/.kiro/agents\n");
		for (i = 0; i < agents.nr; i++) {
			const struct kiro_agent *a = agents.v[i];

			const char *desc = a->description ? a->description : "";

			printf("%-24s %-9s %-8s %-32s %.*s\n", a->name, a->global ? "global" : "workspace",
			       a->markdown ? "markdown" : "json", a->rel, sw_utf8_clip(desc, 60), desc);
		}
	}
	rc = sw_cmd_finish_list(&diags, ctx->root, json,
				"in agents (see 'specwright agent validate')");
out:
	kiro_agents_release(&agents);
	sw_diags_release(&diags);
	return rc;
}

static void print_list(const char *label, const struct sw_strvec *v)
{
	size_t i;

	if (!v->nr)
		return;
	printf("%-16s", label);
	for (i = 0; i < v->nr; i++)
		printf("%s%s", i ? ", " : "", v->v[i]);
	putchar('\n');
}

/* "toolsSettings   fs_write: {...}", one line per tool, the value compact. */
static void print_tools_settings(const cJSON *ts)
{
	const cJSON *it;
	int first = 1;

	cJSON_ArrayForEach(it, ts) {
		char *v = cJSON_PrintUnformatted(it);

		printf("%-16s%s: %s\n", first ? "toolsSettings" : "", it->string, v ? v : "?");
		free(v);
		first = 0;
	}
}

/* Copies the diagnostics of @all that are about @rel (one agent's file) to @mine. */
static void keep_agent_diags(struct sw_diags *mine, const struct sw_diags *all, const char *rel)
{
	size_t i;

	for (i = 0; i < all->nr; i++) {
		const struct sw_diag *dg = &all->v[i];
		struct sw_diag *copy;

		if (!dg->path || strcmp(dg->path, rel))
			continue;
		copy = sw_diag_add(mine, dg->severity, dg->code, dg->path, dg->line, dg->col, "%s", dg->msg);
		if (dg->hint)
			sw_diag_set_hint(copy, "%s", dg->hint);
	}
}

static int cmd_agent_show(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright agent show NAME [--json]",
		"\nShows one agent: where it is defined, its prompt, tools, resources, hooks and MCP servers.",
		NULL,
	};
	struct kiro_agents agents = KIRO_AGENTS_INIT;
	struct sw_diags diags = SW_DIAGS_INIT, mine = SW_DIAGS_INIT;
	const struct kiro_agent *a;
	int json = ctx->json, rc;
	size_t i;

	argc = sw_cmd_parse_json(argc, argv, usage, 1, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(usage, "missing NAME");
	sw_cmd_find_workspace(ctx, NULL); /* global agents are shown outside a workspace too */
	if ((rc = load_all(&agents, &diags, ctx)))
		goto out;
	a = kiro_agents_find(&agents, argv[0]);
	if (!a) {
		fprintf(stderr, "specwright: no agent named '%s' (see 'specwright agent list')\n", argv[0]);
		rc = 1;
		goto out;
	}
	/* Only this agent's findings: the others' are 'agent validate' business. */
	keep_agent_diags(&mine, &diags, a->rel);
	if (json) {
		cJSON *doc = agent_json(a, 1);

		cJSON_AddItemToObject(doc, "diagnostics", sw_cmd_diags_json(&mine));
		sw_cmd_json_print_take(doc);
	} else {
		printf("%-16s%s\n", "name", a->name);
		printf("%-16s%s (%s, %s)\n", "file", a->rel, a->global ? "global" : "workspace",
		       a->markdown ? "markdown" : "json");
		if (a->overrides)
			printf("%-16s%s\n", "overrides", a->overrides);
		if (a->description)
			printf("%-16s%s\n", "description", a->description);
		if (a->model)
			printf("%-16s%s\n", "model", a->model);
		if (a->prompt_file)
			printf("%-16s%s (%zu bytes)\n", "prompt file", a->prompt_file, strlen(a->prompt));
		else if (a->prompt)
			printf("%-16s%.*s%s\n", "prompt", sw_utf8_clip(a->prompt, 70), a->prompt,
			       strlen(a->prompt) > 70 ? "..." : "");
		print_list("tools", &a->tools);
		print_list("allowedTools", &a->allowed_tools);
		print_list("excludedTools", &a->excluded_tools);
		if (a->tools_settings)
			print_tools_settings(a->tools_settings);
		for (i = 0; i < a->resources_nr; i++)
			printf("%-16s%s%s%s%s\n", i ? "" : "resources", a->resources[i].uri,
			       a->resources[i].kind == KIRO_RESOURCE_KNOWLEDGE_BASE ? " (knowledge base " : "",
			       a->resources[i].kind == KIRO_RESOURCE_KNOWLEDGE_BASE ? a->resources[i].name : "",
			       a->resources[i].kind == KIRO_RESOURCE_KNOWLEDGE_BASE ? ")" : "");
		for (i = 0; i < a->hooks_nr; i++)
			printf("%-16s%s%s%s: %s\n", i ? "" : "hooks", kiro_agent_hook_trigger_name(a->hooks[i].trigger),
			       a->hooks[i].matcher ? " " : "", a->hooks[i].matcher ? a->hooks[i].matcher : "",
			       a->hooks[i].command);
		for (i = 0; i < a->mcp.nr; i++)
			printf("%-16s%s\n", i ? "" : "mcpServers", a->mcp.v[i]->name);
		if (a->include_mcp_json >= 0)
			printf("%-16s%s\n", "includeMcpJson", a->include_mcp_json ? "true" : "false");
		if (a->keyboard_shortcut)
			printf("%-16s%s\n", "shortcut", a->keyboard_shortcut);
		if (a->welcome_message)
			printf("%-16s%s\n", "welcome", a->welcome_message);
	}
	/* An agent Kiro would refuse (invalid JSON, bad fields) is shown, but is a failure. */
	rc = mine.errors ? 1 : 0;
	if (!json)
		sw_cmd_print_diags(&mine, ctx->root, SW_SEV_WARNING);
out:
	kiro_agents_release(&agents);
	sw_diags_release(&diags);
	sw_diags_release(&mine);
	return rc;
}

static int cmd_agent_validate(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright agent validate [FILE] [--json]",
		"\nChecks an agent file (JSON or Markdown), or every agent of the workspace and"
		"\n~/.kiro/agents, and reports each problem with its file:line:col.  Exits 1 on errors.",
		NULL,
	};
	struct kiro_agents agents = KIRO_AGENTS_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	int json = ctx->json, rc = 0;
	size_t n = 0;

	argc = sw_cmd_parse_json(argc, argv, usage, 1, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	sw_cmd_find_workspace(ctx, NULL); /* validate FILE works outside a workspace */
	if (argc == 1) {
		struct kiro_agent *a = NULL;
		char *abs = sw_path_absolute(argv[0]);
		char *rel = ctx->root ? sw_path_relative(abs, ctx->root) : sw_xstrdup(argv[0]);

		if (kiro_agent_load_file(&a, abs, rel, sw_basename(abs), ctx->root, 0, &diags, &err) < 0) {
			sw_error_at(&err, argv[0], 0, 0);
			rc = sw_cmd_fail(&err);
		} else {
			n = 1;
		}
		kiro_agent_free(a);
		free(abs);
		free(rel);
		if (rc)
			goto out;
	} else {
		if (!ctx->root) {
			fprintf(stderr, "specwright: no .kiro folder here; name an agent FILE to validate\n");
			rc = 1;
			goto out;
		}
		if ((rc = load_all(&agents, &diags, ctx)))
			goto out;
		n = agents.nr;
	}
	if (json) {
		cJSON *doc = cJSON_CreateObject();

		cJSON_AddBoolToObject(doc, "ok", diags.errors == 0);
		cJSON_AddNumberToObject(doc, "agents", (double)n);
		cJSON_AddNumberToObject(doc, "errors", (double)diags.errors);
		cJSON_AddNumberToObject(doc, "warnings", (double)diags.warnings);
		cJSON_AddItemToObject(doc, "diagnostics", sw_cmd_diags_json(&diags));
		sw_cmd_json_print_take(doc);
	} else {
		sw_cmd_print_diags(&diags, ctx->root, SW_SEV_NOTE);
		printf("%zu agent%s checked: %zu error%s, %zu warning%s\n", n, n == 1 ? "" : "s", diags.errors,
		       diags.errors == 1 ? "" : "s", diags.warnings, diags.warnings == 1 ? "" : "s");
	}
	rc = diags.errors ? 1 : 0;
out:
	kiro_agents_release(&agents);
	sw_diags_release(&diags);
	return rc;
}

int cmd_agent(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const struct sw_cmd verbs[] = {
		{ "list", cmd_agent_list, SW_CMD_NEEDS_WORKSPACE, "List custom agents" },
		{ "show", cmd_agent_show, 0, "Show one agent's configuration" },
		{ "validate", cmd_agent_validate, 0, "Check agent files and report problems with their location" },
		{ NULL, NULL, 0, NULL },
	};

	return sw_cmd_dispatch("agent", verbs, argc, argv, ctx);
}
