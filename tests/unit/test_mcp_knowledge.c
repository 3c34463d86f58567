/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The knowledge tool set driven through an MCP session over a temporary
 * workspace with a really indexed knowledge base: knowledge_search finds
 * a known file:line, knowledge_list describes the knowledge bases,
 * knowledge_fetch reads a chunk or lines of an indexed file; bad
 * arguments, mode "best" without an embedding provider and a missing
 * index are isError results that say what to do; a search runs while
 * another connection holds the database's write lock.
 */
#include "helpers/sw_test.h"
#include "helpers/mcp_fx.h"
#include "base/fs.h"
#include "base/json.h"
#include "knowledge/knowledge.h"
#include "mcp/server.h"
#include "mcp/tools_knowledge.h"

#include <sqlite3.h>

static const char guide_md[] =
	"# Guide\n"
	"\n"
	"Some words of introduction.\n"
	"\n"
	"## Deploy\n"
	"\n"
	"The zanzibar deployment uses a blue green rollout.\n";

static const char main_c[] =
	"#include <stdio.h>\n"
	"\n"
	"int main(void)\n"
	"{\n"
	"\treturn quokka_frobnicate();\n"
	"}\n";

struct fx {
	uv_loop_t loop;
	struct sw_mcp_fx mcp;
	char *root;
};

/* A bag-of-letters embedding (for a "best" knowledge base made by the test itself). */
static int fake_embed(void *self, const char *const *texts, size_t n, float **out, size_t *dim,
		      struct sw_error *err)
{
	size_t i;

	SW_UNUSED(self);
	SW_UNUSED(err);
	*dim = 26;
	*out = sw_xcalloc(n * 26, sizeof(float));
	for (i = 0; i < n; i++)
		for (const char *p = texts[i]; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				(*out)[i * 26 + (size_t)(*p - 'a')] += 1;
	return 0;
}

/* Indexes @folder of @root as knowledge base @name. */
static void index_kb(const char *root, const char *name, const char *folder, enum kb_index_type type)
{
	struct kb_embedder e = { "fake-letters", fake_embed, NULL };
	struct kb_index_opts o = KB_INDEX_OPTS_INIT;
	struct kb_spec spec = KB_SPEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct kb_stats stats;
	struct kb_db *db = NULL;

	memset(&stats, 0, sizeof(stats));
	o.embedder = &e;
	spec.name = name;
	spec.path = folder;
	spec.index_type = type;
	assert_sw_ok(kb_open(&db, root, 0, &err), &err);
	assert_sw_ok(kb_add(db, &spec, &o, &stats, &err), &err);
	kb_close(db);
}

/* A workspace; with @indexed, "docs" holds guide.md and main.c, indexed as knowledge base "docs". */
static void fx_start(struct fx *f, int indexed)
{
	static const char *const no_env[] = { NULL }; /* no embedding provider, whatever the caller's env */
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_knowledge_opts ko = MCP_KNOWLEDGE_OPTS_INIT;
	struct mcp_toolset *set = NULL;

	memset(f, 0, sizeof(*f));
	uv_loop_init(&f->loop);
	f->root = sw_test_tmpdir();
	sw_test_write(f->root, ".kiro/steering/tech.md", "Use C11.\n");
	sw_test_write(f->root, "docs/guide.md", guide_md);
	sw_test_write(f->root, "docs/src/main.c", main_c);
	sw_test_write(f->root, "secret.txt", "not in any knowledge base\n");
	if (indexed)
		index_kb(f->root, "docs", "docs", KB_INDEX_FAST);
	ko.root = f->root;
	ko.env = no_env;
	assert_sw_ok(mcp_knowledge_toolset_new(&set, &ko, &err), &err);
	sw_mcp_fx_start(&f->mcp, &f->loop, set);
}

static void fx_stop(struct fx *f)
{
	sw_mcp_fx_stop(&f->mcp);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	sw_test_rmtree(f->root);
	free(f->root);
}

/* Sends @method with @params (JSON text) and runs the loop until the answer (borrowed). */
static const cJSON *request(struct fx *f, const char *method, const char *params)
{
	return sw_mcp_fx_rpc(&f->mcp, method, params);
}

/* tools/call @name with @args (JSON text); returns the CallToolResult (borrowed). */
static const cJSON *call(struct fx *f, const char *name, const char *args)
{
	return sw_mcp_fx_call(&f->mcp, name, args);
}

static const cJSON *sc(const cJSON *res, const char *key)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(res, "structuredContent"), key);
}

#define assert_contains(hay, needle)                                                 \
	do {                                                                          \
		const char *h_ = (hay);                                               \
		if (!strstr(h_, (needle)))                                            \
			fail_msg("expected '%s' in '%s'", (needle), h_);              \
	} while (0)

/* Each result is isError with a message containing @needle. */
static void assert_tool_error(struct fx *f, const char *tool, const char *args, const char *needle)
{
	const cJSON *res = call(f, tool, args);

	if (!sw_mcp_is_error(res))
		fail_msg("%s %s: expected isError, got %s", tool, args, cJSON_PrintUnformatted(res));
	assert_contains(sw_mcp_text0(res), needle);
}

static void mcp_knowledge__lists_three_read_only_tools_with_schemas(void **state)
{
	struct fx f;
	const cJSON *r, *t;
	int n = 0;

	SW_UNUSED(state);
	fx_start(&f, 1);
	r = request(&f, "tools/list", "{}");
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(cJSON_GetObjectItem(r, "result"), "tools")) {
		const char *name = cJSON_GetObjectItem(t, "name")->valuestring;
		const cJSON *ann = cJSON_GetObjectItem(t, "annotations");

		assert_true(!strcmp(name, "knowledge_search") || !strcmp(name, "knowledge_list") ||
			    !strcmp(name, "knowledge_fetch"));
		assert_true(cJSON_IsObject(cJSON_GetObjectItem(t, "inputSchema")));
		assert_true(cJSON_IsObject(cJSON_GetObjectItem(t, "outputSchema")));
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(ann, "readOnlyHint")));
		assert_false(cJSON_IsTrue(cJSON_GetObjectItem(ann, "destructiveHint")));
		n++;
	}
	assert_int_equal(n, 3);
	fx_stop(&f);
}

static void mcp_knowledge__search_finds_a_known_file_line(void **state)
{
	struct fx f;
	const cJSON *res, *hit;

	SW_UNUSED(state);
	fx_start(&f, 1);
	res = call(&f, "knowledge_search", "{\"query\":\"zanzibar rollout\"}");
	assert_false(sw_mcp_is_error(res));
	assert_string_equal(sc(res, "query")->valuestring, "zanzibar rollout");
	assert_string_equal(sc(res, "mode")->valuestring, "lexical");
	hit = cJSON_GetArrayItem(sc(res, "results"), 0);
	assert_non_null(hit);
	assert_string_equal(cJSON_GetObjectItem(hit, "path")->valuestring, "docs/guide.md");
	assert_string_equal(cJSON_GetObjectItem(hit, "kb")->valuestring, "docs");
	/* the "## Deploy" section: lines 5 to 7 */
	assert_int_equal(cJSON_GetObjectItem(hit, "start_line")->valueint, 5);
	assert_int_equal(cJSON_GetObjectItem(hit, "end_line")->valueint, 7);
	assert_contains(cJSON_GetObjectItem(hit, "snippet")->valuestring, "zanzibar");
	assert_true(cJSON_GetObjectItem(hit, "chunk_id")->valuedouble >= 1);
	assert_contains(sw_mcp_text0(res), "docs/guide.md:5-7");
	/* restricted to the knowledge base, by name and by id; code files are found too */
	res = call(&f, "knowledge_search", "{\"query\":\"quokka_frobnicate\",\"knowledge_base\":\"docs\",\"limit\":1}");
	assert_false(sw_mcp_is_error(res));
	assert_int_equal(cJSON_GetArraySize(sc(res, "results")), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(sc(res, "results"), 0), "path")->valuestring,
			    "docs/src/main.c");
	res = call(&f, "knowledge_search", "{\"query\":\"zanzibar\",\"knowledge_base\":\"1\",\"mode\":\"lexical\"}");
	assert_int_equal(cJSON_GetArraySize(sc(res, "results")), 1);
	/* no hits is an answer, not an error */
	res = call(&f, "knowledge_search", "{\"query\":\"xylophone\"}");
	assert_false(sw_mcp_is_error(res));
	assert_int_equal(cJSON_GetArraySize(sc(res, "results")), 0);
	assert_contains(sw_mcp_text0(res), "no results for 'xylophone'");
	fx_stop(&f);
}

static void mcp_knowledge__bad_arguments_are_tool_errors(void **state)
{
	struct fx f;

	SW_UNUSED(state);
	fx_start(&f, 1);
	assert_tool_error(&f, "knowledge_search", "{}", "missing required argument 'query'");
	assert_tool_error(&f, "knowledge_search", "{\"query\":7}", "'query' must be of type string");
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"a\",\"limit\":0}", "$.limit: expected 1 to 100");
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"a\",\"limit\":1000}", "$.limit: expected 1 to 100");
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"a\",\"mode\":\"fuzzy\"}",
			  "$.mode: expected 'lexical' or 'best', found 'fuzzy'");
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"a\",\"knowledge_base\":\"nope\"}",
			  "no knowledge base named 'nope'");
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"\\\"unbalanced\"}", "invalid search query");
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"a\",\"colour\":\"red\"}", "unknown argument 'colour'");
	assert_tool_error(&f, "knowledge_fetch", "{}", "not neither");
	assert_tool_error(&f, "knowledge_fetch", "{\"chunk_id\":1,\"path\":\"docs/guide.md\"}", "not both");
	assert_tool_error(&f, "knowledge_fetch", "{\"chunk_id\":1,\"start_line\":2}", "go with 'path'");
	assert_tool_error(&f, "knowledge_fetch", "{\"chunk_id\":999999}", "no chunk 999999");
	assert_tool_error(&f, "knowledge_fetch", "{\"path\":\"docs/guide.md\",\"start_line\":5,\"end_line\":2}",
			  "end_line 2 is before start_line 5");
	assert_tool_error(&f, "knowledge_fetch", "{\"path\":\"docs/guide.md\",\"start_line\":80}",
			  "past the end of 'docs/guide.md' (7 lines)");
	fx_stop(&f);
}

static void mcp_knowledge__best_needs_a_provider_lexical_does_not(void **state)
{
	struct fx f;
	const cJSON *res;

	SW_UNUSED(state);
	fx_start(&f, 1);
	/* mode best: a clear error, since this server has no embedding provider */
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"zanzibar\",\"mode\":\"best\"}",
			  "mode 'best' needs an embedding provider: set OPENAI_API_KEY");
	/* a "best" knowledge base: searched by default it needs the provider; lexical works without */
	sw_test_write(f.root, "notes/n.md", "# Notes\n\nThe wombat migration plan.\n");
	index_kb(f.root, "notes", "notes", KB_INDEX_BEST);
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"wombat\",\"knowledge_base\":\"notes\"}",
			  "needs an embedding provider");
	res = call(&f, "knowledge_search", "{\"query\":\"wombat\",\"knowledge_base\":\"notes\",\"mode\":\"lexical\"}");
	assert_false(sw_mcp_is_error(res));
	assert_string_equal(sc(res, "mode")->valuestring, "lexical");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(sc(res, "results"), 0), "path")->valuestring,
			    "notes/n.md");
	/* every knowledge base at once, lexically */
	res = call(&f, "knowledge_search", "{\"query\":\"zanzibar OR wombat\",\"mode\":\"lexical\"}");
	assert_false(sw_mcp_is_error(res));
	assert_int_equal(cJSON_GetArraySize(sc(res, "results")), 2);
	fx_stop(&f);
}

static void mcp_knowledge__list_describes_each_knowledge_base(void **state)
{
	struct fx f;
	const cJSON *res, *kb;
	char *src;

	SW_UNUSED(state);
	fx_start(&f, 1);
	res = call(&f, "knowledge_list", "{}");
	assert_false(sw_mcp_is_error(res));
	assert_true(cJSON_IsTrue(sc(res, "indexed")));
	assert_contains(sc(res, "database")->valuestring, ".kiro/knowledge.db");
	assert_int_equal(cJSON_GetArraySize(sc(res, "knowledge_bases")), 1);
	kb = cJSON_GetArrayItem(sc(res, "knowledge_bases"), 0);
	assert_string_equal(cJSON_GetObjectItem(kb, "name")->valuestring, "docs");
	assert_string_equal(cJSON_GetObjectItem(kb, "path")->valuestring, "docs");
	src = sw_path_join(f.root, "docs");
	assert_string_equal(cJSON_GetObjectItem(kb, "source")->valuestring, src);
	free(src);
	assert_string_equal(cJSON_GetObjectItem(kb, "index_type")->valuestring, "fast");
	assert_int_equal(cJSON_GetObjectItem(kb, "files")->valueint, 2);
	assert_true(cJSON_GetObjectItem(kb, "chunks")->valueint >= 2);
	/* RFC 3339 in UTC: 2026-01-02T03:04:05Z */
	assert_int_equal(strlen(cJSON_GetObjectItem(kb, "last_indexed")->valuestring), 20);
	assert_int_equal(cJSON_GetObjectItem(kb, "last_indexed")->valuestring[19], 'Z');
	assert_contains(sw_mcp_text0(res), "docs (fast): docs, 2 files");
	fx_stop(&f);
}

static void mcp_knowledge__fetch_reads_chunks_and_lines_of_indexed_files_only(void **state)
{
	struct fx f;
	const cJSON *res;
	struct sw_buf args = SW_BUF_INIT;
	double id;

	SW_UNUSED(state);
	fx_start(&f, 1);
	res = call(&f, "knowledge_search", "{\"query\":\"zanzibar\"}");
	id = cJSON_GetObjectItem(cJSON_GetArrayItem(sc(res, "results"), 0), "chunk_id")->valuedouble;
	sw_buf_addf(&args, "{\"chunk_id\":%.0f}", id);
	res = call(&f, "knowledge_fetch", args.ptr);
	assert_false(sw_mcp_is_error(res));
	assert_string_equal(sc(res, "path")->valuestring, "docs/guide.md");
	assert_int_equal(sc(res, "start_line")->valueint, 5);
	assert_int_equal(sc(res, "end_line")->valueint, 7);
	assert_contains(sc(res, "content")->valuestring, "The zanzibar deployment");
	assert_contains(sw_mcp_text0(res), "docs/guide.md:5-7 (docs)");
	/* lines of an indexed file, from disk */
	res = call(&f, "knowledge_fetch", "{\"path\":\"docs/src/main.c\",\"start_line\":3,\"end_line\":5}");
	assert_false(sw_mcp_is_error(res));
	assert_string_equal(sc(res, "content")->valuestring, "int main(void)\n{\n\treturn quokka_frobnicate();\n");
	assert_int_equal(sc(res, "total_lines")->valueint, 6);
	assert_false(cJSON_IsTrue(sc(res, "truncated")));
	/* an absolute path of an indexed file; no range: the whole file */
	sw_buf_reset(&args);
	sw_buf_addf(&args, "{\"path\":\"%s/docs/guide.md\"}", f.root);
	res = call(&f, "knowledge_fetch", args.ptr);
	assert_false(sw_mcp_is_error(res));
	assert_string_equal(sc(res, "content")->valuestring, guide_md);
	/* nothing outside the knowledge bases */
	assert_tool_error(&f, "knowledge_fetch", "{\"path\":\"secret.txt\"}",
			  "'secret.txt' is not a file of any knowledge base");
	assert_tool_error(&f, "knowledge_fetch", "{\"path\":\"docs/../secret.txt\"}", "is not a file of any");
	assert_tool_error(&f, "knowledge_fetch", "{\"path\":\"/etc/passwd\"}", "is not a file of any");
	assert_tool_error(&f, "knowledge_fetch", "{\"path\":\".kiro/steering/tech.md\"}", "is not a file of any");
	sw_buf_release(&args);
	fx_stop(&f);
}

static void mcp_knowledge__fetch_stops_at_its_limits(void **state)
{
	struct fx f;
	const cJSON *res;
	struct sw_buf lines = SW_BUF_INIT, wide = SW_BUF_INIT;
	int i;

	SW_UNUSED(state);
	fx_start(&f, 0);
	for (i = 1; i <= 600; i++)
		sw_buf_addf(&lines, "line %d\n", i);
	for (i = 1; i <= 100; i++) {
		sw_buf_addf(&wide, "%04d ", i);
		sw_buf_addch(&wide, 'w');
		while (wide.len % 1000 != 999)
			sw_buf_addch(&wide, 'w');
		sw_buf_addch(&wide, '\n');
	}
	sw_test_write(f.root, "long/many.txt", lines.ptr);
	sw_test_write(f.root, "long/wide.txt", wide.ptr);
	index_kb(f.root, "long", "long", KB_INDEX_FAST);
	/* no range: the first 500 lines */
	res = call(&f, "knowledge_fetch", "{\"path\":\"long/many.txt\"}");
	assert_false(sw_mcp_is_error(res));
	assert_int_equal(sc(res, "start_line")->valueint, 1);
	assert_int_equal(sc(res, "end_line")->valueint, 500);
	assert_int_equal(sc(res, "total_lines")->valueint, 600);
	assert_true(cJSON_IsTrue(sc(res, "truncated")));
	assert_contains(sw_mcp_text0(res), "long/many.txt:1-500 (long) [truncated]");
	/* the rest, asked for */
	res = call(&f, "knowledge_fetch", "{\"path\":\"long/many.txt\",\"start_line\":590}");
	assert_int_equal(sc(res, "end_line")->valueint, 600);
	assert_false(cJSON_IsTrue(sc(res, "truncated")));
	assert_string_equal(sc(res, "content")->valuestring, lines.ptr + strlen(lines.ptr) - 11 * strlen("line 600\n"));
	/* 1000-byte lines: whole lines up to 64 KiB */
	res = call(&f, "knowledge_fetch", "{\"path\":\"long/wide.txt\"}");
	assert_true(cJSON_IsTrue(sc(res, "truncated")));
	assert_int_equal(sc(res, "end_line")->valueint, 65);
	assert_int_equal(strlen(sc(res, "content")->valuestring), 65 * 1000);
	sw_buf_release(&lines);
	sw_buf_release(&wide);
	fx_stop(&f);
}

static void mcp_knowledge__missing_index_says_how_to_make_one(void **state)
{
	struct fx f;
	const cJSON *res;
	char *db;

	SW_UNUSED(state);
	fx_start(&f, 0);
	res = call(&f, "knowledge_list", "{}");
	assert_false(sw_mcp_is_error(res));
	assert_false(cJSON_IsTrue(sc(res, "indexed")));
	assert_int_equal(cJSON_GetArraySize(sc(res, "knowledge_bases")), 0);
	assert_contains(sw_mcp_text0(res), "run 'specwright knowledge add NAME FOLDER'");
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"zanzibar\"}",
			  "no knowledge index in this workspace");
	assert_tool_error(&f, "knowledge_search", "{\"query\":\"zanzibar\"}", "run 'specwright knowledge add");
	assert_tool_error(&f, "knowledge_fetch", "{\"path\":\"docs/guide.md\"}", "no knowledge index");
	/* read-only: asking did not create the database */
	db = sw_path_join(f.root, ".kiro/knowledge.db");
	assert_false(sw_path_exists(db));
	free(db);
	fx_stop(&f);
}

static void mcp_knowledge__search_runs_while_a_writer_holds_the_lock(void **state)
{
	struct fx f;
	const cJSON *res;
	sqlite3 *w = NULL;
	char *db;

	SW_UNUSED(state);
	fx_start(&f, 1);
	/* Another process updating the index: a write transaction left open. */
	db = sw_path_join(f.root, ".kiro/knowledge.db");
	assert_int_equal(sqlite3_open(db, &w), SQLITE_OK);
	assert_int_equal(sqlite3_exec(w, "BEGIN IMMEDIATE; UPDATE kb SET description = 'being updated'",
				      NULL, NULL, NULL), SQLITE_OK);
	res = call(&f, "knowledge_search", "{\"query\":\"zanzibar\"}");
	assert_false(sw_mcp_is_error(res));
	assert_int_equal(cJSON_GetArraySize(sc(res, "results")), 1);
	/* it reads the last committed state */
	res = call(&f, "knowledge_list", "{}");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(sc(res, "knowledge_bases"), 0),
						"description")->valuestring, "");
	assert_int_equal(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	res = call(&f, "knowledge_list", "{}");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(sc(res, "knowledge_bases"), 0),
						"description")->valuestring, "being updated");
	sqlite3_close(w);
	free(db);
	fx_stop(&f);
}

static void mcp_knowledge__needs_a_workspace(void **state)
{
	struct mcp_knowledge_opts ko = MCP_KNOWLEDGE_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_toolset *set = NULL;

	SW_UNUSED(state);
	assert_sw_fails(mcp_knowledge_toolset_new(&set, &ko, &err), SW_ENOTFOUND, &err);
	assert_contains(err.msg, "need a workspace");
	assert_null(set);
	ko.root = "/nonexistent/specwright-workspace";
	assert_sw_fails(mcp_knowledge_toolset_new(&set, &ko, &err), SW_ENOTFOUND, &err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mcp_knowledge__lists_three_read_only_tools_with_schemas),
		cmocka_unit_test(mcp_knowledge__search_finds_a_known_file_line),
		cmocka_unit_test(mcp_knowledge__bad_arguments_are_tool_errors),
		cmocka_unit_test(mcp_knowledge__best_needs_a_provider_lexical_does_not),
		cmocka_unit_test(mcp_knowledge__list_describes_each_knowledge_base),
		cmocka_unit_test(mcp_knowledge__fetch_reads_chunks_and_lines_of_indexed_files_only),
		cmocka_unit_test(mcp_knowledge__fetch_stops_at_its_limits),
		cmocka_unit_test(mcp_knowledge__missing_index_says_how_to_make_one),
		cmocka_unit_test(mcp_knowledge__search_runs_while_a_writer_holds_the_lock),
		cmocka_unit_test(mcp_knowledge__needs_a_workspace),
	};

	return sw_run_group("mcp_knowledge", tests);
}
