/* SPDX-License-Identifier: Apache-2.0 */
/*
 * steering_gen.c - 'specwright steering generate': the three foundation
 * steering files (product.md, tech.md, structure.md) written from the
 * repository through the agent, which reads it with its read-only tools.
 * Each file is one conversation; the engine writes the file atomically.
 * Existing files are kept unless --force.
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "cmd/spec_gen.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "specs-engine/generate.h"
#include "specs-engine/prompts.h"

static const char *const files[] = { "product", "tech", "structure" };

/* One steering file; returns 0, 1 (kept) or SW_E*. */
static int write_one(const struct gen_agent *agent, const char *dir, const char *base, int force,
		     char **display, const struct sw_ctx *ctx, struct sw_error *err)
{
	struct sw_buf name = SW_BUF_INIT, what = SW_BUF_INIT, reply = SW_BUF_INIT, doc = SW_BUF_INIT;
	char *path, *system = NULL, *message = NULL;
	int rc = 0;

	sw_buf_addf(&name, "%s.md", base);
	path = sw_path_join(dir, name.ptr);
	*display = sw_path_relative(path, ctx->cwd);
	if (!force && sw_path_exists(path)) {
		struct sw_buf cur = SW_BUF_INIT;
		struct sw_buf rel = SW_BUF_INIT;
		int tmpl;

		/* the placeholder 'specwright init' wrote is replaced; anything else is kept */
		sw_buf_addf(&rel, ".kiro/steering/%s", name.ptr);
		tmpl = sw_read_file(&cur, path, 1 << 20, NULL) == 0 &&
		       cmd_workspace_is_template(rel.ptr, cur.ptr, cur.len);
		sw_buf_release(&cur);
		sw_buf_release(&rel);
		if (!tmpl) {
			rc = 1;
			goto out;
		}
	}
	sw_buf_addf(&what, "steering-%s", base);
	{
		const char *const vars[] = { "file", name.ptr, "what", prompts_get(what.ptr)->text, NULL };

		system = prompts_render(prompts_get("steering")->text, vars);
	}
	sw_buf_reset(&what);
	sw_buf_addf(&what, "Write `.kiro/steering/%s` now: read the repository first, then reply with the "
		    "document only.", name.ptr);
	message = sw_buf_detach(&what, NULL);
	if ((rc = agent->turn(agent->self, system, message, &reply, err)) < 0)
		goto out;
	if ((rc = gen_extract(&doc, reply.ptr, reply.len, err)) < 0)
		goto out;
	if (doc.ptr[0] != '#') {
		rc = sw_error_set(err, SW_EPROTO, "the agent's %s does not start with a heading", name.ptr);
		goto out;
	}
	if ((rc = sw_mkdir_p(dir, err)) < 0)
		goto out;
	rc = sw_write_atomic(path, doc.ptr, doc.len, err);
out:
	sw_buf_release(&name);
	sw_buf_release(&what);
	sw_buf_release(&reply);
	sw_buf_release(&doc);
	free(path);
	free(system);
	free(message);
	return rc;
}

int cmd_steering_generate(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright steering generate [--force] [--agent A] [--model M] [--json]",
		"\nWrites .kiro/steering/product.md, tech.md and structure.md from the repository\n"
		"(README, build files, layout) through the agent.  Existing files are kept unless\n"
		"--force (the placeholders 'specwright init' writes are replaced).",
		NULL,
	};
	struct spec_agent_opts ao = SPEC_AGENT_OPTS_INIT;
	struct spec_agent *sa = NULL;
	struct gen_agent agent = { NULL, NULL };
	struct sw_error err = SW_ERROR_INIT;
	int force = 0, json = ctx->json, rc = 0;
	char *dir = NULL;
	cJSON *doc = NULL, *arr;
	size_t i;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL('f', "force", &force, "rewrite files that exist"),
		SW_OPT_STRING(0, "agent", &ao.agent, "NAME", "generate with this custom agent"),
		SW_OPT_STRING(0, "model", &ao.model, "MODEL", "use this provider/model"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};

	argc = sw_cmd_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	doc = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(doc, "files");
	if (spec_agent_open(&sa, &agent, ctx, &ao, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	dir = sw_path_join(ctx->kiro_dir, "steering");
	for (i = 0; i < SW_ARRAY_SIZE(files); i++) {
		char *disp = NULL;
		cJSON *f;
		int r;

		if (!json)
			sw_info("writing %s.md ...", files[i]);
		r = write_one(&agent, dir, files[i], force, &disp, ctx, &err);
		if (r < 0) {
			free(disp);
			rc = sw_cmd_fail(&err);
			goto out;
		}
		f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "file", disp);
		cJSON_AddStringToObject(f, "status", r == 1 ? "kept" : "written");
		cJSON_AddItemToArray(arr, f);
		if (!json && !sw_cmd_quiet())
			printf("%s %s\n", r == 1 ? "kept   " : "wrote  ", disp);
		free(disp);
	}
	if (json) {
		sw_cmd_json_print_line_take(doc);
		doc = NULL;
	}
out:
	spec_agent_close(sa);
	cJSON_Delete(doc);
	free(dir);
	return rc;
}
