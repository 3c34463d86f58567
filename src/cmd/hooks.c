/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hooks.c - "specwright hooks": the hook files of the workspace.
 *
 *   hooks list [--json]     every hook of .kiro/hooks (*.kiro.hook and v1 *.json)
 *
 * The verb table below is the place to add verbs that act on hooks.
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "base/json.h"
#include "base/log.h"
#include "kiro/hookfile.h"

static cJSON *hook_json(const struct kiro_hook *h)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", h->id);
	sw_cmd_json_str(o, "name", h->name);
	sw_cmd_json_str(o, "description", h->description);
	cJSON_AddStringToObject(o, "file", h->rel);
	cJSON_AddNumberToObject(o, "line", h->line);
	cJSON_AddStringToObject(o, "format", h->format == KIRO_HOOK_FORMAT_V1 ? "v1" : "kiro.hook");
	sw_cmd_json_str(o, "version", h->version);
	cJSON_AddStringToObject(o, "trigger", kiro_hook_trigger_name(h->trigger));
	sw_cmd_json_str(o, "triggerAsWritten", h->trigger_raw);
	cJSON_AddItemToObject(o, "patterns", sw_cmd_json_strs(h->patterns.v, h->patterns.nr));
	cJSON_AddItemToObject(o, "toolTypes", sw_cmd_json_strs(h->tool_types.v, h->tool_types.nr));
	sw_cmd_json_str(o, "matcher", h->matcher);
	cJSON_AddStringToObject(o, "action", h->action == KIRO_HOOK_RUN_COMMAND ? "runCommand" : "askAgent");
	sw_cmd_json_str(o, "command", h->command);
	sw_cmd_json_str(o, "prompt", h->prompt);
	if (h->timeout_s == KIRO_HOOK_TIMEOUT_UNSET)
		cJSON_AddNullToObject(o, "timeout");
	else
		cJSON_AddNumberToObject(o, "timeout", (double)h->timeout_s);
	cJSON_AddBoolToObject(o, "enabled", h->enabled);
	return o;
}

static int cmd_hooks_list(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright hooks list [--json]",
		"\nLists the hooks of .kiro/hooks: IDE hooks (*.kiro.hook) and v1 hook files (*.json).",
		NULL,
	};
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	int json = ctx->json, rc = 0;
	size_t i;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "json", &json, "print one JSON document"),
		SW_OPT_END,
	};

	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc)
		return sw_usage_error(usage, "too many arguments");
	if (kiro_hooks_load(&hooks, ctx->root, &diags, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (json) {
		cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "hooks");

		for (i = 0; i < hooks.nr; i++)
			cJSON_AddItemToArray(arr, hook_json(hooks.v[i]));
		cJSON_AddItemToObject(doc, "diagnostics", sw_cmd_diags_json(&diags));
		sw_cmd_json_print_take(doc);
	} else {
		if (!hooks.nr)
			printf("no hooks in .kiro/hooks\n");
		for (i = 0; i < hooks.nr; i++) {
			const struct kiro_hook *h = hooks.v[i];

			printf("%-32s %-18s %-10s %-8s %s\n", h->id, kiro_hook_trigger_name(h->trigger),
			       h->action == KIRO_HOOK_RUN_COMMAND ? "runCommand" : "askAgent",
			       h->enabled ? "enabled" : "disabled", h->name ? h->name : "");
		}
	}
	sw_cmd_print_diags(&diags, ctx->root, SW_SEV_ERROR);
	if (diags.warnings && !json)
		sw_info("%zu warning%s in hook files (see 'specwright doctor')", diags.warnings,
			diags.warnings == 1 ? "" : "s");
	rc = diags.errors ? 1 : 0;
out:
	kiro_hooks_release(&hooks);
	sw_diags_release(&diags);
	return rc;
}

int cmd_hooks(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const struct sw_cmd verbs[] = {
		{ "list", cmd_hooks_list, SW_CMD_NEEDS_WORKSPACE, "List the hooks of .kiro/hooks" },
		/* verbs that run hooks go below */

		{ NULL, NULL, 0, NULL },
	};

	return sw_cmd_dispatch("hooks", verbs, argc, argv, ctx);
}
