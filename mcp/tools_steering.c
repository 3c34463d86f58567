/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools_steering.c - steering_for_path and steering_read over a workspace.
 *
 * Both tools load the workspace's steering with kiro_steering_load() on
 * each call and answer from kiro_steering_explain() / kiro_steering_find(),
 * so they say exactly what the "steering" command says.  Paths from the
 * client go through one gate, steering_relpath(): an absolute path must
 * lie under the root, and the remaining key is normalised with
 * sw_path_normalize() (which refuses "..").  Documents are read by the
 * loader, which refuses a file that resolves outside its root; asked for
 * such a document, the tools say why it is not there.
 */
#include "base/compat.h"
#include "tools_steering.h"
#include "base/buf.h"
#include "base/fs.h"
#include "kiro/steering.h"

#define URI_PREFIX "steering:///"

struct steering_set {
	char *root;
	char *global_dir;
	struct mcp_toolset set;
};

static const char *scope_name(enum kiro_steering_scope s)
{
	return s == KIRO_STEERING_GLOBAL ? "global" : s == KIRO_STEERING_AGENTS_MD ? "agents-md" : "workspace";
}

static const char *load_name(enum kiro_steering_load l)
{
	return l == KIRO_LOADS ? "loads" : l == KIRO_LOADS_ON_REQUEST ? "on-request" : "not";
}

static int load(struct steering_set *ss, struct kiro_steering *st, struct sw_diags *diags, struct sw_error *err)
{
	struct sw_diags none = SW_DIAGS_INIT;
	int rc = kiro_steering_load(st, ss->root, ss->global_dir, diags ? diags : &none, err);

	sw_diags_release(&none);
	return rc;
}

/* 1 if diagnostic path @path names steering document @name ("x.md", "x" or the path itself). */
static int names_doc(const char *path, const char *name)
{
	static const char *const prefixes[] = { ".kiro/steering/", "~/.kiro/steering/", "" };
	size_t i, n = strlen(name);

	for (i = 0; i < SW_ARRAY_SIZE(prefixes); i++) {
		const char *rest;

		if (!sw_skip_prefix(path, prefixes[i], &rest))
			continue;
		if (!strcmp(rest, name) || (!strncmp(rest, name, n) && !strcmp(rest + n, ".md")))
			return 1;
	}
	return 0;
}

/*
 * Why document @name is not in the set although a file of that name
 * exists: the error that left it out (outside the root, unreadable, a
 * broken front matter), or NULL.
 */
static const struct sw_diag *left_out(const struct sw_diags *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (d->v[i].severity == SW_SEV_ERROR && d->v[i].path && names_doc(d->v[i].path, name) &&
		    (!strcmp(d->v[i].code, "steering-outside") || !strcmp(d->v[i].code, "steering-read") ||
		     !strcmp(d->v[i].code, "steering-frontmatter")))
			return &d->v[i];
	return NULL;
}

/* The gate: @path as a normalised workspace-relative key in *@out, or -1 with isError set. */
static int steering_relpath(struct steering_set *ss, struct mcp_call *call, const char *path, char **out)
{
	struct sw_error err = SW_ERROR_INIT;
	const char *rel = path;
	size_t n = strlen(ss->root);

	*out = NULL;
	if (path[0] == '/') {
		if (strncmp(path, ss->root, n) || (path[n] != '/' && path[n] != '\0')) {
			mcp_call_error(call, "refused path '%s': it is outside the workspace '%s'", path, ss->root);
			return -1;
		}
		rel = path + n;
		while (*rel == '/')
			rel++;
	}
	if (sw_path_normalize(out, rel, strlen(rel), 0, &err) < 0) {
		mcp_call_error(call, "refused path '%s': %s (give a path inside the workspace)", path, err.msg);
		return -1;
	}
	return 0;
}

/* ---- steering_for_path ---- */

static const char for_path_input[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\",\"description\":\"a file of the workspace, relative to its root (or absolute under it)\"}},"
	"\"required\":[\"path\"],\"additionalProperties\":false}";

static const char for_path_output[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\"},"
	"\"documents\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"name\":{\"type\":\"string\"},\"path\":{\"type\":\"string\"},\"scope\":{\"type\":\"string\"},"
	"\"inclusion\":{\"type\":\"string\"},\"load\":{\"type\":\"string\",\"enum\":[\"loads\",\"not\",\"on-request\"]},"
	"\"pattern\":{\"type\":\"string\"},\"reason\":{\"type\":\"string\"}},"
	"\"required\":[\"name\",\"path\",\"scope\",\"inclusion\",\"load\",\"reason\"]}}},"
	"\"required\":[\"path\",\"documents\"]}";

static int for_path(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	struct steering_set *ss = data;
	const char *path = cJSON_GetObjectItemCaseSensitive(args, "path")->valuestring;
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct kiro_steering_why *why = NULL;
	struct sw_error lerr = SW_ERROR_INIT;
	struct sw_buf text = SW_BUF_INIT;
	char *rel = NULL;
	cJSON *res, *docs;
	size_t i;

	SW_UNUSED(err);
	if (steering_relpath(ss, call, path, &rel) < 0)
		goto out;
	if (load(ss, &st, NULL, &lerr) < 0) {
		mcp_call_error(call, "cannot load steering: %s", lerr.msg);
		goto out;
	}
	kiro_steering_explain(&why, &st, rel);
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "path", rel);
	docs = cJSON_AddArrayToObject(res, "documents");
	sw_buf_addf(&text, "steering for '%s':\n", rel);
	for (i = 0; i < st.nr; i++) {
		cJSON *d = cJSON_CreateObject();

		cJSON_AddStringToObject(d, "name", why[i].doc->name);
		cJSON_AddStringToObject(d, "path", why[i].doc->rel);
		cJSON_AddStringToObject(d, "scope", scope_name(why[i].doc->scope));
		cJSON_AddStringToObject(d, "inclusion", kiro_inclusion_name(why[i].doc->inclusion));
		cJSON_AddStringToObject(d, "load", load_name(why[i].load));
		if (why[i].pattern)
			cJSON_AddStringToObject(d, "pattern", why[i].pattern);
		cJSON_AddStringToObject(d, "reason", why[i].reason);
		cJSON_AddItemToArray(docs, d);
		sw_buf_addf(&text, "%-10s %s (%s)\n", load_name(why[i].load), why[i].doc->rel, why[i].reason);
	}
	if (!st.nr)
		sw_buf_adds(&text, "no steering documents\n");
	mcp_call_text(call, text.ptr, text.len);
	mcp_call_structured_take(call, res);
out:
	free(why);
	free(rel);
	sw_buf_release(&text);
	kiro_steering_release(&st);
	return 0;
}

/* ---- steering_read ---- */

static const char read_input[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"name\":{\"type\":\"string\",\"description\":\"the document: 'tech.md', 'tech', or its path as steering_for_path shows it\"}},"
	"\"required\":[\"name\"],\"additionalProperties\":false}";

static const char read_output[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"name\":{\"type\":\"string\"},\"path\":{\"type\":\"string\"},\"inclusion\":{\"type\":\"string\"},"
	"\"text\":{\"type\":\"string\"}},\"required\":[\"name\",\"path\",\"inclusion\",\"text\"]}";

static int steering_read(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	struct steering_set *ss = data;
	const char *name = cJSON_GetObjectItemCaseSensitive(args, "name")->valuestring;
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error lerr = SW_ERROR_INIT;
	const struct kiro_steering_doc *doc;
	const struct sw_diag *dg;
	cJSON *res;

	SW_UNUSED(err);
	if (load(ss, &st, &diags, &lerr) < 0) {
		mcp_call_error(call, "cannot load steering: %s", lerr.msg);
		goto out;
	}
	doc = kiro_steering_find(&st, name);
	if (!doc && (dg = left_out(&diags, name))) {
		mcp_call_error(call, "steering document '%s' is not loaded: %s", dg->path, dg->msg);
		goto out;
	}
	if (!doc) {
		struct sw_buf b = SW_BUF_INIT;
		size_t i;

		for (i = 0; i < st.nr; i++)
			sw_buf_addf(&b, "%s'%s'", i ? ", " : "", st.v[i]->name);
		mcp_call_error(call, "no steering document '%s' (available: %s)", name, st.nr ? b.ptr : "none");
		sw_buf_release(&b);
		goto out;
	}
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "name", doc->name);
	cJSON_AddStringToObject(res, "path", doc->rel);
	cJSON_AddStringToObject(res, "inclusion", kiro_inclusion_name(doc->inclusion));
	cJSON_AddStringToObject(res, "text", doc->text.ptr ? doc->text.ptr : "");
	mcp_call_text(call, doc->text.ptr ? doc->text.ptr : "", doc->text.len);
	mcp_call_structured_take(call, res);
out:
	kiro_steering_release(&st);
	sw_diags_release(&diags);
	return 0;
}

/* ---- resources ---- */

static int list_resources(void *data, cJSON *out, struct sw_error *err)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	size_t i;
	int rc;

	if ((rc = load(data, &st, NULL, err)) < 0)
		return rc;
	for (i = 0; i < st.nr; i++) {
		cJSON *r = cJSON_CreateObject();
		struct sw_buf uri = SW_BUF_INIT;

		sw_buf_addf(&uri, URI_PREFIX "%s", st.v[i]->name);
		cJSON_AddStringToObject(r, "uri", uri.ptr);
		cJSON_AddStringToObject(r, "name", st.v[i]->rel);
		cJSON_AddStringToObject(r, "mimeType", "text/markdown");
		if (st.v[i]->description)
			cJSON_AddStringToObject(r, "description", st.v[i]->description);
		cJSON_AddItemToArray(out, r);
		sw_buf_release(&uri);
	}
	kiro_steering_release(&st);
	return 0;
}

static int read_resource(void *data, const char *uri, cJSON *out, struct sw_error *err)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	const struct kiro_steering_doc *doc;
	const struct sw_diag *dg;
	const char *name;
	cJSON *c;
	int rc;

	if (!sw_skip_prefix(uri, URI_PREFIX, &name))
		return SW_ENOTFOUND;
	if ((rc = load(data, &st, &diags, err)) < 0)
		goto out;
	doc = kiro_steering_find(&st, name);
	if (!doc && (dg = left_out(&diags, name))) {
		rc = sw_error_set(err, SW_EINVAL, "steering document '%s' is not loaded: %s", dg->path, dg->msg);
		goto out;
	}
	if (!doc) {
		rc = sw_error_set(err, SW_ENOTFOUND, "no steering document '%s'", name);
		goto out;
	}
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "uri", uri);
	cJSON_AddStringToObject(c, "mimeType", "text/markdown");
	cJSON_AddStringToObject(c, "text", doc->text.ptr ? doc->text.ptr : "");
	cJSON_AddItemToArray(out, c);
out:
	kiro_steering_release(&st);
	sw_diags_release(&diags);
	return rc;
}

/* ---- the set ---- */

static const struct mcp_tool_def steering_tools[] = {
	{ "steering_for_path", "Steering for a file",
	  "Which steering documents of the workspace apply to a file and why: always, the fileMatch "
	  "pattern that matched, or on request (manual: when referenced as #name; auto: when the "
	  "request fits the description).",
	  for_path_input, for_path_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, for_path },
	{ "steering_read", "Read a steering document",
	  "The text of one steering document, by name ('tech.md' or 'tech') or by its shown path.",
	  read_input, read_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, steering_read },
};

static void steering_free(void *data)
{
	struct steering_set *ss = data;

	free(ss->root);
	free(ss->global_dir);
	free(ss);
}

int mcp_steering_toolset_new(struct mcp_toolset **out, const struct mcp_steering_opts *o,
			     struct sw_error *err)
{
	struct steering_set *ss;

	*out = NULL;
	if (!o->root)
		return sw_error_set(err, SW_ENOTFOUND, "the steering tools need a workspace (no .kiro folder found)");
	if (!sw_is_dir(o->root))
		return sw_error_set(err, SW_ENOTFOUND, "workspace root '%s' is not a folder", o->root);
	ss = sw_xcalloc(1, sizeof(*ss));
	ss->root = sw_path_absolute(o->root);
	ss->global_dir = o->global_dir ? sw_xstrdup(o->global_dir) : NULL;
	ss->set.name = "steering";
	ss->set.tools = steering_tools;
	ss->set.nr_tools = SW_ARRAY_SIZE(steering_tools);
	ss->set.data = ss;
	ss->set.free_data = steering_free;
	ss->set.list_resources = list_resources;
	ss->set.read_resource = read_resource;
	*out = &ss->set;
	return 0;
}
