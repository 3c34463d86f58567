/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tool.c - Kiro's "knowledge" tool over the knowledge.h API.
 *
 * Arguments are read with the typed JSON getters so a model's malformed
 * call gets a message naming the field ("$.query: expected string, found
 * number"); every command answers with a "text" rendering and its data.
 */
#include "base/compat.h"
#include "knowledge/tool.h"
#include "base/fs.h"
#include "base/json.h"

#include <limits.h>

static const char input_schema[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"command\":{\"type\":\"string\",\"enum\":[\"search\",\"show\",\"read\",\"add\",\"remove\","
	"\"update\",\"status\",\"clear\",\"cancel\"],\"description\":\"what to do\"},"
	"\"query\":{\"type\":\"string\",\"description\":\"search: words, or FTS5 syntax (\\\"phrase\\\", "
	"AND, OR, NOT, prefix*)\"},"
	"\"context_id\":{\"type\":\"string\",\"description\":\"a knowledge base's name or id\"},"
	"\"name\":{\"type\":\"string\",\"description\":\"a knowledge base's name\"},"
	"\"value\":{\"type\":\"string\",\"description\":\"add: the folder to index\"},"
	"\"path\":{\"type\":\"string\",\"description\":\"a folder or file, relative to the workspace\"},"
	"\"index_type\":{\"type\":\"string\",\"enum\":[\"fast\",\"best\"]},"
	"\"include\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	"\"exclude\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100},"
	"\"mode\":{\"type\":\"string\",\"enum\":[\"lexical\",\"best\"],\"description\":\"search: lexical "
	"(BM25 only) or best (BM25 fused with embeddings; needs a provider); default: by index type\"},"
	"\"chunk_id\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"read: a search result's chunk\"},"
	"\"start_line\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"read: first line of 'path'\"},"
	"\"end_line\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"read: last line of 'path'\"}"
	"},\"required\":[\"command\"]}";

const char *kb_tool_input_schema(void)
{
	return input_schema;
}

const char *kb_tool_description(void)
{
	return "Search the workspace's indexed knowledge bases (project docs and code) and manage them. "
	       "'search' returns the best matching chunks as path:start-end with a snippet; cite them "
	       "as such. 'read' returns a chunk (chunk_id) or lines of an indexed file (path, start_line, "
	       "end_line). 'show' lists the knowledge bases; 'add' indexes a folder; 'update' re-indexes "
	       "changed files; 'remove', 'clear' and 'status' manage the index.";
}

static void add_stats(cJSON *o, const struct kb_stats *s)
{
	cJSON *j = cJSON_AddObjectToObject(o, "stats");

	cJSON_AddNumberToObject(j, "files", (double)s->files_seen);
	cJSON_AddNumberToObject(j, "new", (double)s->files_new);
	cJSON_AddNumberToObject(j, "changed", (double)s->files_changed);
	cJSON_AddNumberToObject(j, "deleted", (double)s->files_deleted);
	cJSON_AddNumberToObject(j, "unchanged", (double)s->files_unchanged);
	cJSON_AddNumberToObject(j, "chunks_added", (double)s->chunks_added);
	cJSON_AddNumberToObject(j, "skipped", (double)(s->skipped_binary + s->skipped_non_utf8 +
						      s->skipped_unreadable));
	cJSON_AddNumberToObject(j, "truncated", (double)s->truncated);
}

static int run_search(struct kb_db *db, const cJSON *args, const struct kb_embedder *e, const char *which,
		      cJSON *o, struct sw_buf *text, struct sw_error *err)
{
	struct kb_query q = KB_QUERY_INIT;
	struct kb_hits h = KB_HITS_INIT;
	const char *query = NULL, *mode = NULL;
	long long limit = KB_DEFAULT_LIMIT;
	cJSON *arr;
	size_t i;
	int rc;

	if ((rc = sw_json_get_string(&query, args, "query", 1, "$", err)) < 0 ||
	    (rc = sw_json_get_int(&limit, args, "limit", KB_DEFAULT_LIMIT, "$", err)) < 0 ||
	    (rc = sw_json_get_string(&mode, args, "mode", 0, "$", err)) < 0)
		return rc;
	if (limit < 1 || limit > 100)
		return sw_error_set(err, SW_EINVAL, "$.limit: expected 1 to 100, found %lld", limit);
	if (mode && strcmp(mode, "lexical") && strcmp(mode, "best"))
		return sw_error_set(err, SW_EINVAL, "$.mode: expected 'lexical' or 'best', found '%s'", mode);
	if (mode && !strcmp(mode, "best") && !(e && e->embed))
		return sw_error_set(err, SW_EINVAL,
				    "mode 'best' needs an embedding provider: set OPENAI_API_KEY (and "
				    "OPENAI_BASE_URL for another OpenAI-compatible server), or search with mode 'lexical'");
	q.lexical = mode && !strcmp(mode, "lexical");
	q.text = query;
	q.kb = which;
	q.limit = (size_t)limit;
	q.embedder = e;
	if ((rc = kb_search(db, &q, &h, err)) < 0)
		return rc;
	cJSON_AddBoolToObject(o, "fused", h.fused);
	arr = cJSON_AddArrayToObject(o, "results");
	if (!h.nr)
		sw_buf_addf(text, "no results for '%s'\n", query);
	for (i = 0; i < h.nr; i++) {
		const struct kb_hit *x = &h.v[i];
		cJSON *r = cJSON_CreateObject();

		cJSON_AddStringToObject(r, "kb", x->kb);
		cJSON_AddStringToObject(r, "path", x->path);
		cJSON_AddNumberToObject(r, "start_line", x->start_line);
		cJSON_AddNumberToObject(r, "end_line", x->end_line);
		cJSON_AddStringToObject(r, "heading", x->heading);
		cJSON_AddNumberToObject(r, "score", x->score);
		cJSON_AddStringToObject(r, "snippet", x->snippet);
		cJSON_AddNumberToObject(r, "chunk_id", (double)x->chunk_id);
		cJSON_AddItemToArray(arr, r);
		sw_buf_addf(text, "%s:%d-%d%s%s (%s)\n%s\n\n", x->path, x->start_line, x->end_line,
			    *x->heading ? "  " : "", x->heading, x->kb, x->snippet);
	}
	kb_hits_release(&h);
	return 0;
}

static int run_show(struct kb_db *db, cJSON *o, struct sw_buf *text, struct sw_error *err)
{
	struct kb_list l = KB_LIST_INIT;
	cJSON *arr;
	size_t i;
	int rc;

	if ((rc = kb_list(db, &l, err)) < 0)
		return rc;
	arr = cJSON_AddArrayToObject(o, "knowledge_bases");
	if (!l.nr)
		sw_buf_adds(text, "no knowledge bases\n");
	for (i = 0; i < l.nr; i++) {
		const struct kb_info *k = &l.v[i];
		cJSON *j = cJSON_CreateObject();
		char *joined = sw_path_join(kb_db_root(db), k->path), *src = sw_path_absolute(joined);

		cJSON_AddNumberToObject(j, "id", (double)k->id);
		cJSON_AddStringToObject(j, "name", k->name);
		cJSON_AddStringToObject(j, "path", k->path);
		cJSON_AddStringToObject(j, "description", k->description);
		cJSON_AddStringToObject(j, "index_type", kb_index_type_name(k->index_type));
		cJSON_AddNumberToObject(j, "files", (double)k->files);
		cJSON_AddNumberToObject(j, "chunks", (double)k->chunks);
		cJSON_AddNumberToObject(j, "bytes", (double)k->bytes);
		cJSON_AddNumberToObject(j, "created", (double)k->created);
		cJSON_AddNumberToObject(j, "updated", (double)k->updated);
		cJSON_AddItemToObject(j, "source", cJSON_CreateString(src));
		cJSON_AddItemToArray(arr, j);
		sw_buf_addf(text, "%lld %s (%s): %s, %lld files, %lld chunks%s%s\n", k->id, k->name,
			    kb_index_type_name(k->index_type), k->path, k->files, k->chunks,
			    *k->description ? " - " : "", k->description);
		free(joined);
		free(src);
	}
	kb_list_release(&l);
	return 0;
}

static int run_read(struct kb_db *db, const cJSON *args, const char *path, cJSON *o, struct sw_buf *text,
		    struct sw_error *err)
{
	struct kb_read_req r = KB_READ_REQ_INIT;
	struct kb_excerpt x = KB_EXCERPT_INIT;
	long long id = 0, first = 0, last = 0;
	int rc;

	if ((rc = sw_json_get_int(&id, args, "chunk_id", 0, "$", err)) < 0 ||
	    (rc = sw_json_get_int(&first, args, "start_line", 0, "$", err)) < 0 ||
	    (rc = sw_json_get_int(&last, args, "end_line", 0, "$", err)) < 0)
		return rc;
	if (id < 0 || first < 0 || last < 0 || first > INT_MAX || last > INT_MAX)
		return sw_error_set(err, SW_EINVAL, "$: chunk_id, start_line and end_line must be positive");
	if (!id && !path)
		return sw_error_set(err, SW_EINVAL, "$: 'read' needs 'chunk_id' or 'path'");
	r.chunk_id = id;
	r.path = path;
	r.start_line = (int)first;
	r.end_line = (int)last;
	if ((rc = kb_read(db, &r, &x, err)) < 0)
		return rc;
	cJSON_AddStringToObject(o, "kb", x.kb);
	cJSON_AddStringToObject(o, "path", x.path);
	cJSON_AddNumberToObject(o, "start_line", x.start_line);
	cJSON_AddNumberToObject(o, "end_line", x.end_line);
	if (x.total_lines)
		cJSON_AddNumberToObject(o, "total_lines", x.total_lines);
	if (x.chunk_id)
		cJSON_AddNumberToObject(o, "chunk_id", (double)x.chunk_id);
	cJSON_AddStringToObject(o, "heading", x.heading);
	cJSON_AddBoolToObject(o, "truncated", x.truncated);
	cJSON_AddStringToObject(o, "content", x.text);
	sw_buf_addf(text, "%s:%d-%d (%s)%s\n%s", x.path, x.start_line, x.end_line, x.kb,
		    x.truncated ? " [truncated]" : "", x.text);
	kb_excerpt_release(&x);
	return 0;
}

static int get_strvec(struct sw_strvec *v, const cJSON *args, const char *key, struct sw_error *err)
{
	return sw_json_get_strings(v, args, key, 1, "$", err);
}

int kb_tool_run(struct kb_db *db, const cJSON *args, const struct kb_embedder *embedder, cJSON **out,
		struct sw_error *err)
{
	const char *cmd = NULL, *name = NULL, *value = NULL, *ctx_id = NULL, *path = NULL, *itype = NULL;
	struct kb_index_opts opts = KB_INDEX_OPTS_INIT;
	struct sw_strvec inc = SW_STRVEC_INIT, exc = SW_STRVEC_INIT;
	struct sw_buf text = SW_BUF_INIT;
	struct kb_stats stats;
	cJSON *o = cJSON_CreateObject();
	const char *which;
	char *removed = NULL;
	int rc;

	*out = NULL;
	memset(&stats, 0, sizeof(stats));
	opts.embedder = embedder;
	if (!cJSON_IsObject(args)) {
		rc = sw_error_set(err, SW_EINVAL, "$: expected object, found %s", sw_json_type_name(args));
		goto out;
	}
	if ((rc = sw_json_get_string(&cmd, args, "command", 1, "$", err)) < 0 ||
	    (rc = sw_json_get_string(&name, args, "name", 0, "$", err)) < 0 ||
	    (rc = sw_json_get_string(&value, args, "value", 0, "$", err)) < 0 ||
	    (rc = sw_json_get_string(&ctx_id, args, "context_id", 0, "$", err)) < 0 ||
	    (rc = sw_json_get_string(&path, args, "path", 0, "$", err)) < 0 ||
	    (rc = sw_json_get_string(&itype, args, "index_type", 0, "$", err)) < 0)
		goto out;
	which = ctx_id ? ctx_id : name;
	cJSON_AddStringToObject(o, "command", cmd);
	if (!strcmp(cmd, "search")) {
		rc = run_search(db, args, embedder, which, o, &text, err);
	} else if (!strcmp(cmd, "read")) {
		rc = run_read(db, args, path, o, &text, err);
	} else if (!strcmp(cmd, "show") || !strcmp(cmd, "list")) {
		rc = run_show(db, o, &text, err);
	} else if (!strcmp(cmd, "add")) {
		struct kb_spec s = KB_SPEC_INIT;

		if ((rc = get_strvec(&inc, args, "include", err)) < 0 ||
		    (rc = get_strvec(&exc, args, "exclude", err)) < 0)
			goto out;
		if (itype && (rc = kb_index_type_parse(&s.index_type, itype, err)) < 0)
			goto out;
		s.name = name;
		s.path = value ? value : path;
		s.include = &inc;
		s.exclude = &exc;
		if (!s.name || !s.path) {
			rc = sw_error_set(err, SW_EINVAL, "$: 'add' needs 'name' and 'value' (the folder to index)");
			goto out;
		}
		if ((rc = kb_add(db, &s, &opts, &stats, err)) < 0)
			goto out;
		add_stats(o, &stats);
		sw_buf_addf(&text, "added knowledge base '%s': %zu files, %zu chunks\n", name, stats.files_new,
			    stats.chunks_added);
	} else if (!strcmp(cmd, "update")) {
		const char *w = path ? path : which;
		char *abs = path ? sw_path_join(kb_db_root(db), path) : NULL;
		int one_file = abs && sw_is_file(abs);
		size_t n = 0;

		free(abs);
		if (one_file) {
			if ((rc = kb_index_file(db, path, &opts, &n, err)) < 0)
				goto out;
			cJSON_AddNumberToObject(o, "knowledge_bases", (double)n);
			sw_buf_addf(&text, "re-indexed '%s' in %zu knowledge bases\n", path, n);
			goto done;
		}
		if ((rc = kb_update(db, w, &opts, &stats, err)) < 0)
			goto out;
		add_stats(o, &stats);
		sw_buf_addf(&text, "updated: %zu new, %zu changed, %zu deleted, %zu unchanged files\n",
			    stats.files_new, stats.files_changed, stats.files_deleted, stats.files_unchanged);
	} else if (!strcmp(cmd, "remove")) {
		const char *w = which ? which : path ? path : value;

		if (!w) {
			rc = sw_error_set(err, SW_EINVAL, "$: 'remove' needs 'name', 'context_id' or 'path'");
			goto out;
		}
		if ((rc = kb_remove(db, w, &removed, err)) < 0)
			goto out;
		cJSON_AddStringToObject(o, "removed", removed);
		sw_buf_addf(&text, "removed knowledge base '%s'\n", removed);
	} else if (!strcmp(cmd, "clear")) {
		if ((rc = kb_clear(db, err)) < 0)
			goto out;
		cJSON_AddNumberToObject(o, "removed", rc);
		sw_buf_addf(&text, "removed %d knowledge bases\n", rc);
	} else if (!strcmp(cmd, "status")) {
		struct kb_status st;

		if ((rc = kb_status_get(db, &st, err)) < 0)
			goto out;
		cJSON_AddNumberToObject(o, "knowledge_bases", (double)st.kbs);
		cJSON_AddNumberToObject(o, "files", (double)st.files);
		cJSON_AddNumberToObject(o, "chunks", (double)st.chunks);
		cJSON_AddNumberToObject(o, "vectors", (double)st.vectors);
		sw_buf_addf(&text, "%lld knowledge bases, %lld files, %lld chunks; no indexing in progress\n",
			    st.kbs, st.files, st.chunks);
		kb_status_release(&st);
	} else if (!strcmp(cmd, "cancel")) {
		sw_buf_adds(&text, "no indexing in progress: nothing to cancel\n");
	} else {
		rc = sw_error_set(err, SW_EINVAL,
				  "$.command: expected search, show, read, add, remove, update, status, clear or cancel, "
				  "found '%s'", cmd);
		goto out;
	}
	if (rc < 0)
		goto out;
done:
	cJSON_AddStringToObject(o, "text", text.ptr);
	*out = o;
	o = NULL;
	rc = 0;
out:
	cJSON_Delete(o);
	free(removed);
	sw_strvec_clear(&inc);
	sw_strvec_clear(&exc);
	sw_buf_release(&text);
	return rc;
}
