/* SPDX-License-Identifier: Apache-2.0 */
/*
 * steering.c - "specwright steering": the steering documents and when
 * each one loads.
 *
 *   steering list [--json]            every document with its inclusion mode
 *   steering explain PATH [--json]    which documents load for PATH, and why
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "kiro/steering.h"
#include "kiro/workspace.h"

static const char *scope_name(enum kiro_steering_scope s)
{
	return s == KIRO_STEERING_GLOBAL ? "global" : s == KIRO_STEERING_AGENTS_MD ? "agents-md" : "workspace";
}

static int load(struct kiro_steering *st, struct sw_diags *diags, struct sw_ctx *ctx)
{
	struct sw_error err = SW_ERROR_INIT;
	char *global = kiro_global_dir();
	int rc = kiro_steering_load(st, ctx->root, global, diags, &err);

	free(global);
	if (rc < 0)
		return sw_cmd_fail(&err);
	return 0;
}

/* Where the warning count of the steering verbs sends the reader. */
#define WARNINGS_WHERE "in steering (see 'specwright doctor')"

static cJSON *doc_json(const struct kiro_steering_doc *doc)
{
	cJSON *o = cJSON_CreateObject(), *refs;
	size_t i;

	cJSON_AddStringToObject(o, "name", doc->name);
	cJSON_AddStringToObject(o, "file", doc->rel);
	cJSON_AddStringToObject(o, "scope", scope_name(doc->scope));
	cJSON_AddStringToObject(o, "inclusion", kiro_inclusion_name(doc->inclusion));
	sw_cmd_json_str(o, "inclusionAsWritten", doc->inclusion_raw);
	cJSON_AddItemToObject(o, "fileMatchPattern", sw_cmd_json_strs(doc->patterns.v, doc->patterns.nr));
	sw_cmd_json_str(o, "title", doc->fm_name);
	sw_cmd_json_str(o, "description", doc->description);
	refs = cJSON_AddArrayToObject(o, "references");
	for (i = 0; i < doc->refs_nr; i++) {
		cJSON *r = cJSON_CreateObject();

		cJSON_AddStringToObject(r, "target", doc->refs[i].target);
		cJSON_AddStringToObject(r, "kind", doc->refs[i].folder ? "folder" : "file");
		cJSON_AddNumberToObject(r, "line", doc->refs[i].line);
		cJSON_AddBoolToObject(r, "found", doc->refs[i].found);
		cJSON_AddItemToArray(refs, r);
	}
	sw_cmd_json_str(o, "overrides", doc->overrides);
	cJSON_AddItemToObject(o, "frontMatter", doc->fm.present ? kiro_fm_to_json(doc->fm.root) : cJSON_CreateNull());
	return o;
}

static int cmd_steering_list(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright steering list [--json]",
		"\nLists the steering documents (.kiro/steering, ~/.kiro/steering, AGENTS.md) with"
		"\ntheir inclusion mode.",
		NULL,
	};
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	int json = ctx->json, rc;
	size_t i;

	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if ((rc = load(&st, &diags, ctx)))
		goto out;
	if (json) {
		cJSON *arr = cJSON_CreateArray();

		for (i = 0; i < st.nr; i++)
			cJSON_AddItemToArray(arr, doc_json(st.v[i]));
		sw_cmd_json_print_list_take("documents", arr, &diags);
	} else {
		if (!st.nr)
			printf("no steering documents\n");
		for (i = 0; i < st.nr; i++) {
			const struct kiro_steering_doc *d = st.v[i];
			struct sw_buf detail = SW_BUF_INIT;
			size_t j;

			if (d->inclusion == KIRO_INCLUDE_FILEMATCH)
				for (j = 0; j < d->patterns.nr; j++)
					sw_buf_addf(&detail, "%s%s", j ? " " : "", d->patterns.v[j]);
			else if (d->inclusion == KIRO_INCLUDE_AUTO && d->description)
				sw_buf_addf(&detail, "%.*s", sw_utf8_clip(d->description, 70), d->description);
			if (d->overrides)
				sw_buf_addf(&detail, "%s(overrides %s)", detail.len ? " " : "", d->overrides);
			printf("%-44s %-9s %-9s %s\n", d->rel, kiro_inclusion_name(d->inclusion), scope_name(d->scope),
			       detail.ptr);
			sw_buf_release(&detail);
		}
	}
	rc = sw_cmd_finish_list(&diags, ctx->root, json, WARNINGS_WHERE);
out:
	kiro_steering_release(&st);
	sw_diags_release(&diags);
	return rc;
}

static int cmd_steering_explain(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright steering explain PATH [--json]",
		"\nShows which steering documents load when PATH is in context, and why: always,"
		"\nwhich fileMatch pattern matched, or manual/auto (loaded on request).",
		NULL,
	};
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct kiro_steering_why *why = NULL;
	char *abs = NULL, *rel = NULL;
	int json = ctx->json, rc;
	size_t i;

	argc = sw_cmd_parse_json(argc, argv, usage, 1, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(usage, "missing PATH");
	abs = sw_path_absolute(argv[0]);
	rel = sw_path_relative(abs, ctx->root);
	if (rel[0] == '/' || !strcmp(rel, "..") || sw_starts_with(rel, "../")) {
		fprintf(stderr, "specwright: '%s' is outside the workspace '%s'\n", argv[0], ctx->root);
		rc = 1;
		goto out;
	}
	if ((rc = load(&st, &diags, ctx)))
		goto out;
	kiro_steering_explain(&why, &st, rel);
	if (json) {
		cJSON *doc = cJSON_CreateObject(), *arr;

		cJSON_AddStringToObject(doc, "path", rel);
		arr = cJSON_AddArrayToObject(doc, "documents");
		for (i = 0; i < st.nr; i++) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "file", why[i].doc->rel);
			cJSON_AddStringToObject(o, "name", why[i].doc->name);
			cJSON_AddStringToObject(o, "inclusion", kiro_inclusion_name(why[i].doc->inclusion));
			cJSON_AddStringToObject(o, "loads", why[i].load == KIRO_LOADS ? "yes"
					       : why[i].load == KIRO_LOADS_NOT ? "no" : "on-request");
			sw_cmd_json_str(o, "pattern", why[i].pattern);
			cJSON_AddStringToObject(o, "reason", why[i].reason);
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_AddItemToObject(doc, "diagnostics", sw_cmd_diags_json(&diags));
		sw_cmd_json_print_take(doc);
	} else {
		printf("steering for %s:\n", rel);
		if (!st.nr)
			printf("  (no steering documents)\n");
		for (i = 0; i < st.nr; i++)
			printf("  %-10s %-44s %s\n", why[i].load == KIRO_LOADS ? "loads" :
			       why[i].load == KIRO_LOADS_NOT ? "skipped" : "on request", why[i].doc->rel, why[i].reason);
	}
	rc = sw_cmd_finish_list(&diags, ctx->root, json, WARNINGS_WHERE);
out:
	free(why);
	free(abs);
	free(rel);
	kiro_steering_release(&st);
	sw_diags_release(&diags);
	return rc;
}

int cmd_steering(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const struct sw_cmd verbs[] = {
		{ "list", cmd_steering_list, SW_CMD_NEEDS_WORKSPACE, "List steering documents and their inclusion" },
		{ "explain", cmd_steering_explain, SW_CMD_NEEDS_WORKSPACE,
		  "Show which steering documents load for a file, and why" },
		{ "generate", cmd_steering_generate, SW_CMD_NEEDS_WORKSPACE,
		  "Write product.md, tech.md and structure.md from the repository through the agent" },
		{ NULL, NULL, 0, NULL },
	};

	return sw_cmd_dispatch("steering", verbs, argc, argv, ctx);
}
