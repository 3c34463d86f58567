/* SPDX-License-Identifier: Apache-2.0 */
/*
 * workspace.c - "specwright init" and "specwright doctor".
 *
 *   init [--force] [--json]   create the .kiro skeleton in the current folder
 *   doctor [--json]           validate the whole workspace; exit 1 on any error
 *
 * init never overwrites an existing file unless --force is given, writes
 * every file atomically, and reports what it created, kept or replaced.
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/fsat.h"
#include "base/log.h"
#include "kiro/agent.h"
#include "kiro/hookfile.h"
#include "kiro/mcpconfig.h"
#include "kiro/steering.h"
#include "kiro/workspace.h"
#include "knowledge/knowledge.h"
#include "specs-engine/spec.h"

static const char *const init_dirs[] = {
	".kiro/steering", ".kiro/settings", ".kiro/specs", ".kiro/hooks", ".kiro/agents", NULL,
};

static const struct {
	const char *path, *text;
} init_files[] = {
	{ ".kiro/steering/product.md",
	  "---\n"
	  "inclusion: always\n"
	  "---\n"
	  "\n"
	  "# Product\n"
	  "\n"
	  "What the product is and who it is for. Agents read this on every request.\n"
	  "\n"
	  "- Purpose: the problem it solves, in one or two sentences.\n"
	  "- Users: who uses it and what they need from it.\n"
	  "- Key features: the capabilities that matter most.\n"
	  "- Goals: what success looks like; what is out of scope.\n" },
	{ ".kiro/steering/tech.md",
	  "---\n"
	  "inclusion: always\n"
	  "---\n"
	  "\n"
	  "# Technology\n"
	  "\n"
	  "The stack and the rules for using it. Agents read this on every request.\n"
	  "\n"
	  "- Languages, frameworks and libraries (with versions that matter).\n"
	  "- Build, test and lint commands.\n"
	  "- Constraints: platforms, dependencies that are allowed or banned, performance budgets.\n" },
	{ ".kiro/steering/structure.md",
	  "---\n"
	  "inclusion: always\n"
	  "---\n"
	  "\n"
	  "# Structure\n"
	  "\n"
	  "How the repository is organised. Agents read this on every request.\n"
	  "\n"
	  "- Folder layout and what lives where.\n"
	  "- Naming conventions for files, modules and tests.\n"
	  "- Import rules and architectural boundaries.\n" },
	{ ".kiro/settings/mcp.json", "{\n  \"mcpServers\": {}\n}\n" },
	/* Generated files stay out of version control, so "git status" stays clean. */
	{ ".kiro/.gitignore", "# the knowledge index, rebuilt by 'specwright knowledge update'\n" KB_GITIGNORE_LINE "\n" },
};

int cmd_workspace_is_template(const char *rel, const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(init_files); i++)
		if (!strcmp(init_files[i].path, rel))
			return strlen(init_files[i].text) == len && !memcmp(init_files[i].text, text, len);
	return 0;
}

int cmd_workspace_init(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright init [--force] [--json]",
		"\nCreates the .kiro workspace in the current folder (or -C DIR): steering documents"
		"\n(product, tech, structure), settings/mcp.json, and the specs, hooks and agents folders."
		"\nExisting files are kept unless --force is given.",
		NULL,
	};
	struct sw_strvec created = SW_STRVEC_INIT, kept = SW_STRVEC_INIT, replaced = SW_STRVEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	int force = 0, json = ctx->json, rc = 0;
	size_t i;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL('f', "force", &force, "overwrite existing files with the defaults"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};

	argc = sw_cmd_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	for (i = 0; init_dirs[i]; i++) {
		char *dir = sw_path_join(ctx->cwd, init_dirs[i]);
		struct sw_buf shown = SW_BUF_INIT;

		sw_buf_addf(&shown, "%s/", init_dirs[i]);
		if (sw_is_dir(dir)) {
			sw_strvec_push(&kept, shown.ptr);
		} else if (sw_mkdir_p(dir, &err) < 0) {
			free(dir);
			sw_buf_release(&shown);
			rc = sw_cmd_fail(&err);
			goto out;
		} else {
			sw_strvec_push(&created, shown.ptr);
		}
		sw_buf_release(&shown);
		free(dir);
	}
	for (i = 0; i < SW_ARRAY_SIZE(init_files); i++) {
		char *path = sw_path_join(ctx->cwd, init_files[i].path);
		int exists = sw_path_exists(path);

		if (exists && !force) {
			sw_strvec_push(&kept, init_files[i].path);
		} else if (exists && !sw_is_file(path)) {
			sw_error_set(&err, SW_ECONFLICT, "'%s' exists and is not a file", init_files[i].path);
			free(path);
			rc = sw_cmd_fail(&err);
			goto out;
		} else if (sw_write_atomic(path, init_files[i].text, strlen(init_files[i].text), &err) < 0) {
			free(path);
			rc = sw_cmd_fail(&err);
			goto out;
		} else {
			sw_strvec_push(exists ? &replaced : &created, init_files[i].path);
		}
		free(path);
	}
	if (json) {
		cJSON *doc = cJSON_CreateObject();

		cJSON_AddStringToObject(doc, "root", ctx->cwd);
		cJSON_AddItemToObject(doc, "created", sw_cmd_json_strs(created.v, created.nr));
		cJSON_AddItemToObject(doc, "kept", sw_cmd_json_strs(kept.v, kept.nr));
		cJSON_AddItemToObject(doc, "overwritten", sw_cmd_json_strs(replaced.v, replaced.nr));
		sw_cmd_json_print_take(doc);
	} else if (!sw_cmd_quiet()) {
		for (i = 0; i < created.nr; i++)
			printf("created     %s\n", created.v[i]);
		for (i = 0; i < replaced.nr; i++)
			printf("overwritten %s\n", replaced.v[i]);
		for (i = 0; i < kept.nr; i++)
			printf("kept        %s%s\n", kept.v[i],
			       sw_ends_with(kept.v[i], "/") ? "" : " (exists; --force to overwrite)");
		printf("initialised .kiro in %s\n", ctx->cwd);
	}
out:
	sw_strvec_clear(&created);
	sw_strvec_clear(&kept);
	sw_strvec_clear(&replaced);
	return rc;
}

/* Lints every spec of the workspace into @diags; returns the number of specs or <0. */
static int doctor_specs(struct sw_diags *diags, struct sw_ctx *ctx, struct sw_error *err)
{
	struct sw_strvec dirs = SW_STRVEC_INIT;
	size_t i;
	int rc = spec_list(&dirs, ctx->kiro_dir, err), n = 0;

	if (rc < 0)
		goto out;
	for (i = 0; i < dirs.nr; i++) {
		struct spec *s = NULL;
		struct sw_error serr = SW_ERROR_INIT;

		if (spec_load_inside(&s, dirs.v[i], ctx->root, ctx->root, &serr) < 0) {
			char *rel = sw_path_relative(dirs.v[i], ctx->root);

			/* A folder with no spec file in it is not worth an error. */
			if (serr.code != SW_ENOTFOUND)
				sw_diag_add(diags, SW_SEV_ERROR, "spec-load", rel, serr.line, serr.col, "%s", serr.msg);
			free(rel);
			continue;
		}
		sw_diags_move(diags, &s->diags);
		spec_free(s);
		n++;
	}
	rc = n;
out:
	sw_strvec_clear(&dirs);
	return rc;
}

/* Temporary files that interrupted atomic writes (a killed 'spec task') left under .kiro. */
static void doctor_temps(struct sw_diags *diags, struct sw_ctx *ctx)
{
	struct sw_strvec temps = SW_STRVEC_INIT;
	size_t i;

	if (sw_fs_list_stale_temps(&temps, ctx->kiro_dir, NULL) < 0)
		return;
	for (i = 0; i < temps.nr; i++) {
		char *rel = sw_path_relative(temps.v[i], ctx->root);
		struct sw_diag *dg = sw_diag_add(diags, SW_SEV_WARNING, "stale-temp", rel, 0, 0,
						 "temporary file left by an interrupted write");

		sw_diag_set_hint(dg, "nothing reads it: remove it (the next write of that file removes it too)");
		free(rel);
	}
	sw_strvec_clear(&temps);
}

int cmd_workspace_doctor(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright doctor [--json]",
		"\nValidates the whole workspace: steering (and ~/.kiro/steering), agents, hooks,"
		"\nmcp.json files and specs.  Prints every finding with its file:line:col; exits 1 on any error.",
		NULL,
	};
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct kiro_agents agents = KIRO_AGENTS_INIT;
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct kiro_mcp_config mcp = KIRO_MCP_CONFIG_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *global = NULL;
	int json = ctx->json, rc = 0;
	size_t notes = 0, i;
	int nspecs = 0;

	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	global = kiro_global_dir();
	if (kiro_steering_load(&st, ctx->root, global, &diags, &err) < 0 ||
	    kiro_agents_load(&agents, ctx->root, global, &diags, &err) < 0 ||
	    kiro_hooks_load(&hooks, ctx->root, &diags, &err) < 0 ||
	    kiro_mcp_load(&mcp, ctx->root, global, &diags, &err) < 0 ||
	    (nspecs = doctor_specs(&diags, ctx, &err)) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	doctor_temps(&diags, ctx);
	sw_diags_sort(&diags);
	for (i = 0; i < diags.nr; i++)
		notes += diags.v[i].severity == SW_SEV_NOTE;
	if (json) {
		cJSON *doc = cJSON_CreateObject(), *counts;

		cJSON_AddStringToObject(doc, "root", ctx->root);
		cJSON_AddBoolToObject(doc, "ok", diags.errors == 0);
		cJSON_AddNumberToObject(doc, "errors", (double)diags.errors);
		cJSON_AddNumberToObject(doc, "warnings", (double)diags.warnings);
		cJSON_AddNumberToObject(doc, "notes", (double)notes);
		counts = cJSON_AddObjectToObject(doc, "checked");
		cJSON_AddNumberToObject(counts, "steering", (double)st.nr);
		cJSON_AddNumberToObject(counts, "agents", (double)agents.nr);
		cJSON_AddNumberToObject(counts, "hooks", (double)hooks.nr);
		cJSON_AddNumberToObject(counts, "mcpServers", (double)mcp.nr);
		cJSON_AddNumberToObject(counts, "specs", nspecs);
		cJSON_AddItemToObject(doc, "diagnostics", sw_cmd_diags_json(&diags));
		sw_cmd_json_print_take(doc);
	} else {
		sw_cmd_print_diags(&diags, ctx->root, SW_SEV_NOTE);
		printf("checked %zu steering document%s, %zu agent%s, %zu hook%s, %zu MCP server%s, %d spec%s\n",
		       st.nr, st.nr == 1 ? "" : "s", agents.nr, agents.nr == 1 ? "" : "s", hooks.nr,
		       hooks.nr == 1 ? "" : "s", mcp.nr, mcp.nr == 1 ? "" : "s", nspecs, nspecs == 1 ? "" : "s");
		printf("%s: %zu error%s, %zu warning%s, %zu note%s\n", diags.errors ? "problems found" : "ok",
		       diags.errors, diags.errors == 1 ? "" : "s", diags.warnings, diags.warnings == 1 ? "" : "s",
		       notes, notes == 1 ? "" : "s");
	}
	rc = diags.errors ? 1 : 0;
out:
	kiro_steering_release(&st);
	kiro_agents_release(&agents);
	kiro_hooks_release(&hooks);
	kiro_mcp_release(&mcp);
	sw_diags_release(&diags);
	free(global);
	return rc;
}
