/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_gen.c - the verbs of 'specwright spec' that write specs through
 * the agent and commit them: commit (here), and the generation verbs.
 * Their lines sit in the verb table of cmd/spec.c.
 */
#include "base/compat.h"
#include "cmd/spec.h"
#include "cmd/spec_gen.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "base/opt.h"
#include "git/vcs.h"
#include "specs-engine/commitmsg.h"

int spec_gen_check_name(const char *name, struct sw_error *err)
{
	const char *p;

	if (!*name || *name == '.' || strlen(name) > 128)
		goto bad;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			goto bad;
	return 0;
bad:
	return sw_error_set(err, SW_EINVAL,
			    "invalid spec name '%s': expected letters, digits, '-', '_' or '.' "
			    "(kebab-case such as 'user-login')", name);
}

char *spec_gen_dir(const struct sw_ctx *ctx, const char *name)
{
	struct sw_buf b = SW_BUF_INIT;

	sw_buf_addf(&b, "%s/specs/%s", ctx->kiro_dir, name);
	return sw_buf_detach(&b, NULL);
}

static void print_commit_json(const char *name, const struct vcs_spec_commit *c, const char *oid,
			      const char *msg)
{
	cJSON *doc = cJSON_CreateObject(), *files = cJSON_AddArrayToObject(doc, "files");
	struct sw_buf out = SW_BUF_INIT;
	const char *nl = strchr(msg, '\n');
	char *subj = sw_xstrndup(msg, nl ? (size_t)(nl - msg) : strlen(msg));
	size_t i;

	cJSON_AddStringToObject(doc, "spec", name);
	cJSON_AddStringToObject(doc, "commit", oid);
	if (vcs_spec_branch(c))
		cJSON_AddStringToObject(doc, "branch", vcs_spec_branch(c));
	else
		cJSON_AddNullToObject(doc, "branch");
	cJSON_AddStringToObject(doc, "subject", subj);
	cJSON_AddStringToObject(doc, "message", msg);
	for (i = 0; i < vcs_spec_nchanges(c); i++) {
		const struct vcs_change *ch = vcs_spec_change(c, i);
		cJSON *f = cJSON_CreateObject();
		char st[2] = { ch->status, '\0' };

		cJSON_AddStringToObject(f, "path", ch->path);
		cJSON_AddStringToObject(f, "status", st);
		cJSON_AddItemToArray(files, f);
	}
	sw_json_print(&out, doc, 0);
	printf("%s\n", out.ptr);
	sw_buf_release(&out);
	cJSON_Delete(doc);
	free(subj);
}

int spec_gen_commit(const struct sw_ctx *ctx, const char *name, const char *message,
		    int allow_detached, int json)
{
	struct vcs_prepare_opts o = VCS_PREPARE_OPTS_INIT;
	struct vcs_spec_commit *c = NULL;
	struct sw_error err = SW_ERROR_INIT;
	char oid[VCS_OID_HEX], *dir = spec_gen_dir(ctx, name), *msg = NULL;
	const char *nl;
	size_t i;
	int rc = 0;

	o.dir = dir;
	o.allow_detached = allow_detached;
	if (!sw_is_dir(dir)) {
		sw_error_set(&err, SW_ENOTFOUND, "no spec '%s' (expected the folder '%s')", name, dir);
		goto fail;
	}
	if (vcs_spec_prepare(&c, &o, &err) < 0)
		goto fail;
	if (!vcs_spec_nchanges(c)) {
		sw_error_set(&err, SW_ECONFLICT, "nothing to commit for spec '%s': '%s' matches HEAD",
			     name, vcs_spec_relpath(c));
		goto fail;
	}
	msg = message ? sw_xstrdup(message) : commitmsg_build(name, c);
	if (vcs_spec_commit(c, msg, oid, &err) < 0)
		goto fail;
	if (json) {
		print_commit_json(name, c, oid, msg);
	} else {
		nl = strchr(msg, '\n');
		printf("[%s %.7s] %.*s\n", vcs_spec_branch(c) ? vcs_spec_branch(c) : "detached HEAD", oid,
		       (int)(nl ? (size_t)(nl - msg) : strlen(msg)), msg);
		for (i = 0; i < vcs_spec_nchanges(c); i++)
			printf(" %c %s\n", vcs_spec_change(c, i)->status, vcs_spec_change(c, i)->path);
	}
	goto out;
fail:
	rc = sw_cmd_fail(&err);
out:
	vcs_spec_free(c);
	free(msg);
	free(dir);
	return rc;
}

int cmd_spec_commit(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright spec commit NAME [-m MSG] [--allow-detached] [--json]",
		"\nCommits exactly the files of .kiro/specs/NAME on the current branch; other staged\n"
		"changes stay staged and out of the commit.  Without -m the message is written\n"
		"from the changes.",
		NULL,
	};
	const char *message = NULL;
	int allow_detached = 0, json = ctx->json;
	struct sw_error err = SW_ERROR_INIT;
	const struct sw_opt opts[] = {
		SW_OPT_STRING('m', "message", &message, "MSG", "use MSG as the commit message"),
		SW_OPT_BOOL(0, "allow-detached", &allow_detached, "commit even when HEAD is detached"),
		SW_OPT_BOOL(0, "json", &json, "print one JSON document"),
		SW_OPT_END,
	};

	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc != 1)
		return sw_usage_error(usage, argc ? "too many arguments" : "missing the spec NAME");
	if (spec_gen_check_name(argv[0], &err) < 0)
		return sw_usage_error(usage, "%s", err.msg);
	return spec_gen_commit(ctx, argv[0], message, allow_detached, json);
}
