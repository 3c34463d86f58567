/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The steering tool set driven through an MCP session: steering_for_path
 * explains each document for a file, steering_read returns one, and
 * hostile paths or unknown names are isError results.
 */
#include "helpers/sw_test.h"
#include "helpers/mcp_fx.h"
#include "base/fs.h"
#include "base/json.h"
#include "mcp/server.h"
#include "mcp/tools_steering.h"

#include <unistd.h>

struct fx {
	struct sw_mcp_fx mcp;
	char *root;
};

static void fx_start(struct fx *f)
{
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_steering_opts so = MCP_STEERING_OPTS_INIT;
	struct mcp_toolset *set = NULL;

	memset(f, 0, sizeof(*f));
	f->root = sw_test_tmpdir();
	sw_test_write(f->root, ".kiro/steering/tech.md", "---\ninclusion: always\n---\nUse C11.\n");
	sw_test_write(f->root, ".kiro/steering/react.md",
		      "---\ninclusion: fileMatch\nfileMatchPattern: [\"*.md\", \"src/**/*.tsx\"]\n---\nReact rules.\n");
	sw_test_write(f->root, ".kiro/steering/manual.md", "---\ninclusion: manual\n---\nOn request.\n");
	so.root = f->root;
	assert_sw_ok(mcp_steering_toolset_new(&set, &so, &err), &err);
	sw_mcp_fx_start(&f->mcp, NULL, set);
}

static void fx_stop(struct fx *f)
{
	sw_mcp_fx_stop(&f->mcp);
	sw_test_rmtree(f->root);
	free(f->root);
}

/* tools/call @name with @args (JSON text); returns the result object (borrowed). */
static const cJSON *call(struct fx *f, const char *name, const char *args)
{
	return sw_mcp_fx_call(&f->mcp, name, args);
}

static const cJSON *doc_named(const cJSON *res, const char *name)
{
	const cJSON *d;

	cJSON_ArrayForEach(d, cJSON_GetObjectItem(cJSON_GetObjectItem(res, "structuredContent"), "documents"))
		if (!strcmp(cJSON_GetObjectItem(d, "name")->valuestring, name))
			return d;
	fail_msg("no document '%s'", name);
	return NULL;
}

static const char *field(const cJSON *d, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(d, key);

	return v ? v->valuestring : NULL;
}

static void mcp_steering__explains_each_document_for_a_path(void **state)
{
	struct fx f;
	const cJSON *res, *d;
	struct sw_buf abs = SW_BUF_INIT;

	SW_UNUSED(state);
	fx_start(&f);
	res = call(&f, "steering_for_path", "{\"path\":\"src/ui/App.tsx\"}");
	assert_false(sw_mcp_is_error(res));
	d = doc_named(res, "tech.md");
	assert_string_equal(field(d, "load"), "loads");
	assert_string_equal(field(d, "inclusion"), "always");
	d = doc_named(res, "react.md");
	assert_string_equal(field(d, "load"), "loads");
	assert_string_equal(field(d, "pattern"), "src/**/*.tsx");
	d = doc_named(res, "manual.md");
	assert_string_equal(field(d, "load"), "on-request");
	assert_non_null(strstr(sw_mcp_text0(res), ".kiro/steering/react.md"));

	/* an absolute path under the root is the same file; another file misses the pattern */
	sw_buf_addf(&abs, "{\"path\":\"%s/lib/x.c\"}", f.root);
	res = call(&f, "steering_for_path", abs.ptr);
	assert_false(sw_mcp_is_error(res));
	assert_string_equal(field(cJSON_GetObjectItem(res, "structuredContent"), "path"), "lib/x.c");
	d = doc_named(res, "react.md");
	assert_string_equal(field(d, "load"), "not");
	assert_null(field(d, "pattern"));
	sw_buf_release(&abs);
	fx_stop(&f);
}

static void mcp_steering__refuses_paths_outside_the_workspace(void **state)
{
	static const char *const bad[] = { "../x.c", "/etc/passwd", "src/../../x", "..", "" };
	struct fx f;
	struct sw_buf b = SW_BUF_INIT;
	size_t i;

	SW_UNUSED(state);
	fx_start(&f);
	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		const cJSON *res;

		sw_buf_reset(&b);
		sw_buf_addf(&b, "{\"path\":\"%s\"}", bad[i]);
		res = call(&f, "steering_for_path", b.ptr);
		if (!sw_mcp_is_error(res))
			fail_msg("path '%s' was not refused", bad[i]);
		assert_non_null(strstr(sw_mcp_text0(res), "refused path"));
		assert_null(cJSON_GetObjectItem(res, "structuredContent"));
	}
	/* a sibling folder whose name starts with the root's is outside too */
	sw_buf_reset(&b);
	sw_buf_addf(&b, "{\"path\":\"%sx/a.c\"}", f.root);
	assert_true(sw_mcp_is_error(call(&f, "steering_for_path", b.ptr)));
	sw_buf_release(&b);
	fx_stop(&f);
}

static void mcp_steering__reads_documents_and_names_unknown_ones(void **state)
{
	struct fx f;
	const cJSON *res;

	SW_UNUSED(state);
	fx_start(&f);
	res = call(&f, "steering_read", "{\"name\":\"tech\"}");
	assert_false(sw_mcp_is_error(res));
	assert_non_null(strstr(sw_mcp_text0(res), "Use C11."));
	assert_string_equal(field(cJSON_GetObjectItem(res, "structuredContent"), "inclusion"), "always");
	res = call(&f, "steering_read", "{\"name\":\"nosuch\"}");
	assert_true(sw_mcp_is_error(res));
	assert_non_null(strstr(sw_mcp_text0(res), "no steering document 'nosuch'"));
	assert_non_null(strstr(sw_mcp_text0(res), "'tech.md'"));
	fx_stop(&f);
}

/* A document linked to a file outside the workspace is served by no tool and no resource. */
static void mcp_steering__refuses_documents_linked_outside(void **state)
{
	struct fx f;
	const cJSON *res, *r, *e;
	char *out = sw_test_tmpdir(), *secret = sw_path_join(out, "hosts.md"), *link;
	const char *msg;

	SW_UNUSED(state);
	fx_start(&f);
	sw_test_write(out, "hosts.md", "OUTSIDE-SECRET\n");
	link = sw_path_join(f.root, ".kiro/steering/x.md");
	assert_int_equal(symlink(secret, link), 0);

	res = call(&f, "steering_read", "{\"name\":\"x\"}");
	assert_true(sw_mcp_is_error(res));
	msg = sw_mcp_text0(res);
	if (!strstr(msg, "'.kiro/steering/x.md' resolves outside the workspace (") || !strstr(msg, "); refused") ||
	    strstr(msg, "OUTSIDE-SECRET"))
		fail_msg("steering_read: %s", msg);
	assert_true(sw_mcp_is_error(call(&f, "steering_read", "{\"name\":\".kiro/steering/x.md\"}")));

	e = sw_mcp_fx_rpc(&f.mcp, "resources/read", "{\"uri\":\"steering:///x.md\"}");
	assert_non_null(cJSON_GetObjectItem(e, "error"));
	msg = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "error"), "message")->valuestring;
	if (!strstr(msg, "resolves outside the workspace") || strstr(msg, "OUTSIDE-SECRET"))
		fail_msg("resources/read: %s", msg);
	res = sw_mcp_result(sw_mcp_fx_rpc(&f.mcp, "resources/list", NULL));
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(res, "resources"))
		assert_string_not_equal(cJSON_GetObjectItem(r, "uri")->valuestring, "steering:///x.md");
	res = call(&f, "steering_for_path", "{\"path\":\"README.md\"}");
	assert_false(sw_mcp_is_error(res));
	assert_null(strstr(sw_mcp_text0(res), "x.md"));
	fx_stop(&f);
	sw_test_rmtree(out);
	free(out);
	free(secret);
	free(link);
}

static void mcp_steering__needs_a_workspace(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_steering_opts so = MCP_STEERING_OPTS_INIT;
	struct mcp_toolset *set = NULL;

	SW_UNUSED(state);
	assert_int_equal(mcp_steering_toolset_new(&set, &so, &err), SW_ENOTFOUND);
	assert_null(set);
	assert_non_null(strstr(err.msg, "need a workspace"));
	sw_error_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mcp_steering__explains_each_document_for_a_path),
		cmocka_unit_test(mcp_steering__refuses_paths_outside_the_workspace),
		cmocka_unit_test(mcp_steering__reads_documents_and_names_unknown_ones),
		cmocka_unit_test(mcp_steering__refuses_documents_linked_outside),
		cmocka_unit_test(mcp_steering__needs_a_workspace),
	};

	return sw_run_group("mcp_steering", tests);
}
