/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools_knowledge.c - knowledge_search, knowledge_list and knowledge_fetch
 * over kb_tool_run().
 *
 * Each tool turns its MCP arguments into the knowledge tool's own input
 * ({"command": "search"|"show"|"read", ...}), runs it as a job on the
 * loop's thread pool, and turns the answer back: the "text" rendering
 * becomes the text item, the rest the structuredContent.  Jobs run one at
 * a time (a FIFO), so the embedding provider and SQLite see one caller.
 * The set may be freed while a job runs (server shutdown): it is then only
 * marked closing, and the job's completion frees it.
 */
#include "base/compat.h"
#include "tools_knowledge.h"
#include "base/buf.h"
#include "base/fs.h"
#include "knowledge/embed.h"
#include "knowledge/knowledge.h"
#include "knowledge/tool.h"

#include <time.h>

enum job_kind { JOB_SEARCH, JOB_LIST, JOB_FETCH };

struct knowledge_set;

struct job {
	uv_work_t work;
	struct knowledge_set *ks;
	struct mcp_call *call;
	enum job_kind kind;
	cJSON *args;            /* kb_tool_run input (owned) */
	cJSON *out;             /* its result, NULL on error */
	int rc;                 /* of kb_open / kb_tool_run */
	int no_index;           /* .kiro/knowledge.db does not exist */
	struct sw_error err;
	struct job *next;       /* queue */
};

struct knowledge_set {
	char *root;
	struct kb_embedder_http *embedder; /* NULL: no provider configured */
	struct job *head, *tail;           /* waiting jobs */
	struct job *running;
	uv_loop_t *loop;
	int closing;                        /* freed by the server while a job ran */
	struct mcp_toolset set;
};

/* ---- schemas ---- */

static const char search_input[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"query\":{\"type\":\"string\",\"minLength\":1,\"description\":\"words to find, or FTS5 syntax "
	"(\\\"a phrase\\\", AND, OR, NOT, prefix*)\"},"
	"\"knowledge_base\":{\"type\":\"string\",\"description\":\"search only this knowledge base (name or id); "
	"default: all\"},"
	"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"description\":\"results (default 5)\"},"
	"\"mode\":{\"type\":\"string\",\"enum\":[\"lexical\",\"best\"],\"description\":\"lexical: BM25 ranking, "
	"works everywhere; best: BM25 fused with embeddings for 'best' knowledge bases (needs an embedding "
	"provider); default: each knowledge base's index type\"}},"
	"\"required\":[\"query\"],\"additionalProperties\":false}";

static const char search_output[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"query\":{\"type\":\"string\"},"
	"\"mode\":{\"type\":\"string\",\"enum\":[\"lexical\",\"best\"]},"
	"\"results\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"kb\":{\"type\":\"string\"},\"path\":{\"type\":\"string\"},"
	"\"start_line\":{\"type\":\"integer\"},\"end_line\":{\"type\":\"integer\"},"
	"\"heading\":{\"type\":\"string\"},\"score\":{\"type\":\"number\"},"
	"\"snippet\":{\"type\":\"string\"},\"chunk_id\":{\"type\":\"integer\"}},"
	"\"required\":[\"kb\",\"path\",\"start_line\",\"end_line\",\"snippet\",\"chunk_id\"]}}},"
	"\"required\":[\"query\",\"mode\",\"results\"]}";

static const char list_input[] = "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}";

static const char list_output[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"database\":{\"type\":\"string\"},"
	"\"indexed\":{\"type\":\"boolean\",\"description\":\"false: no knowledge index in this workspace yet\"},"
	"\"knowledge_bases\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},"
	"\"path\":{\"type\":\"string\",\"description\":\"the indexed folder as stored (workspace-relative or absolute)\"},"
	"\"source\":{\"type\":\"string\",\"description\":\"the indexed folder, absolute\"},"
	"\"description\":{\"type\":\"string\"},\"index_type\":{\"type\":\"string\",\"enum\":[\"fast\",\"best\"]},"
	"\"files\":{\"type\":\"integer\"},\"chunks\":{\"type\":\"integer\"},\"bytes\":{\"type\":\"integer\"},"
	"\"created\":{\"type\":\"integer\"},\"updated\":{\"type\":\"integer\",\"description\":\"Unix seconds\"},"
	"\"last_indexed\":{\"type\":\"string\",\"description\":\"RFC 3339, UTC\"}},"
	"\"required\":[\"name\",\"path\",\"source\",\"index_type\",\"files\",\"chunks\",\"last_indexed\"]}}},"
	"\"required\":[\"database\",\"indexed\",\"knowledge_bases\"]}";

static const char fetch_input[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"chunk_id\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"a chunk_id from knowledge_search\"},"
	"\"path\":{\"type\":\"string\",\"description\":\"an indexed file, as knowledge_search shows it\"},"
	"\"start_line\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"with path: the first line (default 1)\"},"
	"\"end_line\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"with path: the last line (default: "
	"up to 500 lines)\"}},"
	"\"additionalProperties\":false}";

static const char fetch_output[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"kb\":{\"type\":\"string\"},\"path\":{\"type\":\"string\"},"
	"\"start_line\":{\"type\":\"integer\"},\"end_line\":{\"type\":\"integer\"},"
	"\"total_lines\":{\"type\":\"integer\"},\"chunk_id\":{\"type\":\"integer\"},"
	"\"heading\":{\"type\":\"string\"},\"truncated\":{\"type\":\"boolean\"},"
	"\"content\":{\"type\":\"string\"}},"
	"\"required\":[\"kb\",\"path\",\"start_line\",\"end_line\",\"truncated\",\"content\"]}";

/* ---- jobs ---- */

static void job_free(struct job *j)
{
	cJSON_Delete(j->args);
	cJSON_Delete(j->out);
	free(j);
}

static void set_free_now(struct knowledge_set *ks)
{
	kb_embedder_http_free(ks->embedder);
	free(ks->root);
	free(ks);
}

/* On the thread pool: touches only the job and the set's read-only fields. */
static void job_work(uv_work_t *w)
{
	struct job *j = w->data;
	const struct kb_embedder *e = j->ks->embedder ? kb_embedder_http_get(j->ks->embedder) : NULL;
	struct kb_db *db = NULL;

	j->rc = kb_open(&db, j->ks->root, KB_OPEN_READ, &j->err);
	if (j->rc == SW_ENOTFOUND) {
		j->no_index = 1;
		return;
	}
	if (j->rc == 0)
		j->rc = kb_tool_run(db, j->args, e, &j->out, &j->err);
	kb_close(db);
}

static void rfc3339(char *buf, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, n, "%lld", t);
}

static void no_index(struct job *j)
{
	char *db = sw_path_join(j->ks->root, ".kiro/" KB_DB_NAME);

	if (j->kind == JOB_LIST) {
		cJSON *res = cJSON_CreateObject();

		cJSON_AddStringToObject(res, "database", db);
		cJSON_AddBoolToObject(res, "indexed", 0);
		cJSON_AddArrayToObject(res, "knowledge_bases");
		mcp_call_textf(j->call, "no knowledge bases: this workspace has no knowledge index yet ('%s' does "
			       "not exist); run 'specwright knowledge add NAME FOLDER' to index a folder\n", db);
		mcp_call_structured_take(j->call, res);
	} else {
		mcp_call_error(j->call, "no knowledge index in this workspace ('%s' does not exist): run "
			       "'specwright knowledge add NAME FOLDER' to index a folder, then search again", db);
	}
	free(db);
}

/* Turns kb_tool_run's answer into the call's text item and structuredContent. */
static void answer(struct job *j)
{
	cJSON *res = j->out, *text = cJSON_DetachItemFromObjectCaseSensitive(res, "text"), *it;

	j->out = NULL;
	cJSON_DeleteItemFromObjectCaseSensitive(res, "command");
	if (j->kind == JOB_SEARCH) {
		int fused = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "fused"));
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(j->args, "query");

		cJSON_DeleteItemFromObjectCaseSensitive(res, "fused");
		cJSON_AddStringToObject(res, "query", q->valuestring);
		cJSON_AddStringToObject(res, "mode", fused ? "best" : "lexical");
	} else if (j->kind == JOB_LIST) {
		char *db = sw_path_join(j->ks->root, ".kiro/" KB_DB_NAME);

		cJSON_AddStringToObject(res, "database", db);
		cJSON_AddBoolToObject(res, "indexed", 1);
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(res, "knowledge_bases")) {
			const cJSON *u = cJSON_GetObjectItemCaseSensitive(it, "updated");
			char when[64];

			rfc3339(when, sizeof(when), cJSON_IsNumber(u) ? (long long)u->valuedouble : 0);
			cJSON_AddStringToObject(it, "last_indexed", when);
		}
		free(db);
	}
	mcp_call_text(j->call, cJSON_IsString(text) ? text->valuestring : "",
		      cJSON_IsString(text) ? strlen(text->valuestring) : 0);
	mcp_call_structured_take(j->call, res);
	cJSON_Delete(text);
}

static void start_next(struct knowledge_set *ks);

static void job_done(uv_work_t *w, int status)
{
	struct job *j = w->data;
	struct knowledge_set *ks = j->ks;

	ks->running = NULL;
	if (status == UV_ECANCELED || mcp_call_cancelled(j->call)) {
		/* nothing to say: the client gave up, or the server is going away */
	} else if (j->no_index) {
		no_index(j);
	} else if (j->rc < 0) {
		if (j->err.path[0] && !strstr(j->err.msg, j->err.path))
			mcp_call_error(j->call, "%s: %s", j->err.path, j->err.msg);
		else
			mcp_call_error(j->call, "%s", j->err.msg);
	} else {
		answer(j);
	}
	mcp_call_finish(j->call);
	job_free(j);
	if (ks->closing)
		set_free_now(ks);
	else
		start_next(ks);
}

static void start_next(struct knowledge_set *ks)
{
	struct job *j = ks->head;

	if (ks->running || !j)
		return;
	ks->head = j->next;
	if (!ks->head)
		ks->tail = NULL;
	ks->running = j;
	j->work.data = j;
	/* Fails only without a work callback. */
	(void)uv_queue_work(ks->loop, &j->work, job_work, job_done);
}

/* Queues @args (taken) for @call; the call's answer comes from job_done. */
static int enqueue(struct knowledge_set *ks, struct mcp_call *call, enum job_kind kind, cJSON *args)
{
	struct job *j;

	if (!ks->loop)
		ks->loop = mcp_call_loop(call);
	if (!ks->loop) {
		cJSON_Delete(args);
		mcp_call_error(call, "the knowledge tools need the server's event loop");
		return 0;
	}
	j = sw_xcalloc(1, sizeof(*j));
	j->ks = ks;
	j->call = call;
	j->kind = kind;
	j->args = args;
	j->err = (struct sw_error)SW_ERROR_INIT;
	if (ks->tail)
		ks->tail->next = j;
	else
		ks->head = j;
	ks->tail = j;
	start_next(ks);
	return MCP_CALL_PENDING;
}

/* Copies @key of @from to @to under @as, when present. */
static void copy_arg(cJSON *to, const cJSON *from, const char *key, const char *as)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);

	if (v)
		cJSON_AddItemToObject(to, as, cJSON_Duplicate(v, 1));
}

/* ---- the tools ---- */

static int t_search(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	cJSON *a = cJSON_CreateObject();

	SW_UNUSED(err);
	cJSON_AddStringToObject(a, "command", "search");
	copy_arg(a, args, "query", "query");
	copy_arg(a, args, "knowledge_base", "name");
	copy_arg(a, args, "limit", "limit");
	copy_arg(a, args, "mode", "mode");
	return enqueue(data, call, JOB_SEARCH, a);
}

static int t_list(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	cJSON *a = cJSON_CreateObject();

	SW_UNUSED(args);
	SW_UNUSED(err);
	cJSON_AddStringToObject(a, "command", "show");
	return enqueue(data, call, JOB_LIST, a);
}

static int t_fetch(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(args, "chunk_id");
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(args, "path");
	cJSON *a;

	SW_UNUSED(err);
	if (!id == !path) {
		mcp_call_error(call, "give either 'chunk_id' (from knowledge_search) or 'path' (an indexed file, "
			       "with start_line and end_line), not %s", id ? "both" : "neither");
		return 0;
	}
	if (id && (cJSON_GetObjectItemCaseSensitive(args, "start_line") ||
		   cJSON_GetObjectItemCaseSensitive(args, "end_line"))) {
		mcp_call_error(call, "start_line and end_line go with 'path'; a chunk is read whole");
		return 0;
	}
	a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "command", "read");
	copy_arg(a, args, "chunk_id", "chunk_id");
	copy_arg(a, args, "path", "path");
	copy_arg(a, args, "start_line", "start_line");
	copy_arg(a, args, "end_line", "end_line");
	return enqueue(data, call, JOB_FETCH, a);
}

static const struct mcp_tool_def knowledge_tools[] = {
	{ "knowledge_search", "Search the knowledge bases",
	  "Searches the workspace's indexed knowledge bases (project docs and code) and returns the best "
	  "matching chunks as path:start-end with a snippet and a chunk_id; cite them as path:line. "
	  "mode 'lexical' ranks by BM25 and needs nothing else; 'best' fuses in embeddings and needs an "
	  "embedding provider.",
	  search_input, search_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, t_search },
	{ "knowledge_list", "List the knowledge bases",
	  "The workspace's knowledge bases: name, indexed folder, index type, file and chunk counts, and "
	  "when each was last indexed.",
	  list_input, list_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, t_list },
	{ "knowledge_fetch", "Read from a knowledge base",
	  "Reads a chunk by the chunk_id knowledge_search returned, or lines start_line..end_line of an "
	  "indexed file by its path (at most 500 lines or 64 KiB per call).",
	  fetch_input, fetch_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, t_fetch },
};

/* Called by mcp_server_free. */
static void knowledge_free(void *data)
{
	struct knowledge_set *ks = data;

	while (ks->head) {
		struct job *j = ks->head;

		ks->head = j->next;
		mcp_call_finish(j->call); /* its session is gone: this only releases it */
		job_free(j);
	}
	ks->tail = NULL;
	if (ks->running)
		ks->closing = 1; /* job_done frees the set */
	else
		set_free_now(ks);
}

int mcp_knowledge_toolset_new(struct mcp_toolset **out, const struct mcp_knowledge_opts *o,
			      struct sw_error *err)
{
	struct knowledge_set *ks;
	struct sw_error ignore = SW_ERROR_INIT;

	*out = NULL;
	if (!o->root)
		return sw_error_set(err, SW_ENOTFOUND,
				    "the knowledge tools need a workspace (no .kiro folder found; run 'specwright init')");
	if (!sw_is_dir(o->root))
		return sw_error_set(err, SW_ENOTFOUND, "workspace root '%s' is not a folder", o->root);
	ks = sw_xcalloc(1, sizeof(*ks));
	ks->root = sw_path_absolute(o->root);
	/* No provider is fine: lexical search needs none, and 'best' says what to set. */
	if (kb_embedder_from_env(&ks->embedder, o->env, &ignore) < 0)
		ks->embedder = NULL;
	ks->set.name = "knowledge";
	ks->set.tools = knowledge_tools;
	ks->set.nr_tools = SW_ARRAY_SIZE(knowledge_tools);
	ks->set.data = ks;
	ks->set.free_data = knowledge_free;
	*out = &ks->set;
	return 0;
}
