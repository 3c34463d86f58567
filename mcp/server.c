/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server.c - MCP requests to tool sets: lifecycle, tools, resources,
 * prompts, logging, progress and cancellation.
 *
 * The server owns a flat table of tools (each with its parsed schemas and
 * its set); sessions own the calls in flight.  A call outlives its session
 * when the tool is asynchronous: the session then only detaches it, and
 * mcp_call_finish() frees it without sending anything.
 *
 * Arguments are checked against the top level of the tool's input schema
 * (required members, JSON types of declared members, additionalProperties
 * false) before the tool runs; a mismatch is an isError result, as the
 * 2025-11-25 revision prefers for input errors, so the model can correct
 * itself.  An unknown tool is a JSON-RPC -32602 error (the specification's
 * own example).
 */
#include "base/compat.h"
#include "server.h"
#include "protocol.h"
#include "base/json.h"

struct tool_entry {
	const struct mcp_tool_def *def;
	struct mcp_toolset *set;
	cJSON *input;  /* parsed input schema */
	cJSON *output; /* parsed output schema or NULL */
};

struct mcp_server {
	struct mcp_server_opts o;
	char *name, *version, *instructions;
	struct mcp_toolset **sets;
	size_t nr_sets, alloc_sets;
	struct tool_entry *tools;
	size_t nr_tools, alloc_tools;
};

struct mcp_call {
	struct mcp_session *session; /* NULL once the session is gone */
	struct mcp_server *srv;
	const struct tool_entry *tool;
	cJSON *id;          /* the request id (copy) */
	cJSON *progress;    /* the progressToken (copy) or NULL */
	void *origin;
	cJSON *content;     /* array of content blocks */
	cJSON *structured;  /* or NULL */
	int is_error;
	int cancelled;
	int pending;        /* returned MCP_CALL_PENDING */
	void (*on_cancel)(struct mcp_call *call, void *data);
	void *cancel_data;
	struct mcp_call *prev, *next;
};

struct mcp_session {
	struct mcp_server *srv;
	mcp_send_fn send;
	void *ctx;
	char *version;      /* negotiated */
	int initialized;
	int log_level;      /* -1: the client has not asked for messages */
	struct mcp_call *calls;
	size_t nr_calls;
};

static void server_free_sets(struct mcp_server *srv)
{
	size_t i;

	for (i = 0; i < srv->nr_tools; i++) {
		cJSON_Delete(srv->tools[i].input);
		cJSON_Delete(srv->tools[i].output);
	}
	free(srv->tools);
	for (i = 0; i < srv->nr_sets; i++)
		if (srv->sets[i]->free_data)
			srv->sets[i]->free_data(srv->sets[i]->data);
	free(srv->sets);
}

int mcp_server_new(struct mcp_server **out, const struct mcp_server_opts *o, struct sw_error *err)
{
	struct mcp_server *srv = sw_xcalloc(1, sizeof(*srv));

	SW_UNUSED(err);
	srv->o = *o;
	srv->name = sw_xstrdup(o->name ? o->name : "specwright");
	srv->version = sw_xstrdup(o->version ? o->version : "0");
	srv->instructions = o->instructions ? sw_xstrdup(o->instructions) : NULL;
	if (!srv->o.page_size)
		srv->o.page_size = 100;
	*out = srv;
	return 0;
}

static const struct tool_entry *find_tool(const struct mcp_server *srv, const char *name)
{
	size_t i;

	for (i = 0; i < srv->nr_tools; i++)
		if (!strcmp(srv->tools[i].def->name, name))
			return &srv->tools[i];
	return NULL;
}

int mcp_server_add_toolset(struct mcp_server *srv, struct mcp_toolset *set, struct sw_error *err)
{
	size_t i, first = srv->nr_tools;
	int rc = 0;

	SW_ALLOC_GROW(srv->sets, srv->nr_sets + 1, srv->alloc_sets);
	srv->sets[srv->nr_sets++] = set;
	for (i = 0; i < set->nr_tools; i++) {
		const struct mcp_tool_def *def = &set->tools[i];
		struct tool_entry e = { def, set, NULL, NULL };

		if (find_tool(srv, def->name)) {
			rc = sw_error_set(err, SW_ECONFLICT, "tool '%s' of set '%s' is already defined",
					  def->name, set->name);
			goto fail;
		}
		if ((rc = sw_json_parse(&e.input, def->input_schema, strlen(def->input_schema), err)) < 0)
			goto bad_schema;
		if (def->output_schema &&
		    (rc = sw_json_parse(&e.output, def->output_schema, strlen(def->output_schema), err)) < 0) {
			cJSON_Delete(e.input);
			goto bad_schema;
		}
		SW_ALLOC_GROW(srv->tools, srv->nr_tools + 1, srv->alloc_tools);
		srv->tools[srv->nr_tools++] = e;
	}
	return 0;
bad_schema:
	sw_error_prefix(err, "schema of tool '%s'", set->tools[i].name);
fail:
	/* Keep the server consistent: drop the half-added set's tools. */
	while (srv->nr_tools > first) {
		srv->nr_tools--;
		cJSON_Delete(srv->tools[srv->nr_tools].input);
		cJSON_Delete(srv->tools[srv->nr_tools].output);
	}
	return rc;
}

size_t mcp_server_tool_count(const struct mcp_server *srv)
{
	return srv->nr_tools;
}

void mcp_server_free(struct mcp_server *srv)
{
	if (!srv)
		return;
	server_free_sets(srv);
	free(srv->name);
	free(srv->version);
	free(srv->instructions);
	free(srv);
}

/* ---- sending ---- */

static cJSON *envelope(const cJSON *id)
{
	cJSON *msg = cJSON_CreateObject();

	cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
	if (id)
		cJSON_AddItemToObject(msg, "id", cJSON_Duplicate(id, 1));
	else
		cJSON_AddNullToObject(msg, "id");
	return msg;
}

static void send_result(struct mcp_session *s, const cJSON *id, cJSON *result, void *origin)
{
	cJSON *msg = envelope(id);

	cJSON_AddItemToObject(msg, "result", result ? result : cJSON_CreateObject());
	s->send(s->ctx, msg, origin, 1);
}

static void send_error(struct mcp_session *s, const cJSON *id, int code, const char *message,
		       cJSON *data, void *origin)
{
	cJSON *msg = envelope(id), *e = cJSON_AddObjectToObject(msg, "error");

	cJSON_AddNumberToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	if (data)
		cJSON_AddItemToObject(e, "data", data);
	s->send(s->ctx, msg, origin, 1);
}

static void send_notification(struct mcp_session *s, const char *method, cJSON *params, void *origin)
{
	cJSON *msg = cJSON_CreateObject();

	cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
	cJSON_AddStringToObject(msg, "method", method);
	if (params)
		cJSON_AddItemToObject(msg, "params", params);
	s->send(s->ctx, msg, origin, 0);
}

/* ---- sessions ---- */

int mcp_session_new(struct mcp_session **out, struct mcp_server *srv, mcp_send_fn send, void *ctx)
{
	struct mcp_session *s = sw_xcalloc(1, sizeof(*s));

	s->srv = srv;
	s->send = send;
	s->ctx = ctx;
	s->log_level = -1;
	*out = s;
	return 0;
}

int mcp_session_initialized(const struct mcp_session *s)
{
	return s->initialized;
}

const char *mcp_session_version(const struct mcp_session *s)
{
	return s->version;
}

size_t mcp_session_pending(const struct mcp_session *s)
{
	return s->nr_calls;
}

static void call_unlink(struct mcp_call *call)
{
	struct mcp_session *s = call->session;

	if (!s)
		return;
	if (call->prev)
		call->prev->next = call->next;
	else
		s->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	call->prev = call->next = NULL;
	call->session = NULL;
	s->nr_calls--;
}

static void call_cancel(struct mcp_call *call)
{
	if (call->cancelled)
		return;
	call->cancelled = 1;
	if (call->on_cancel)
		call->on_cancel(call, call->cancel_data);
}

void mcp_session_free(struct mcp_session *s)
{
	if (!s)
		return;
	while (s->calls) {
		struct mcp_call *call = s->calls;

		call_unlink(call);
		call_cancel(call);
	}
	free(s->version);
	free(s);
}

static void session_vlog(struct mcp_session *s, int level, const char *logger, void *origin,
			 const char *fmt, va_list ap)
{
	struct sw_buf b = SW_BUF_INIT;
	cJSON *params;

	if (!s || s->log_level < 0 || level < s->log_level)
		return;
	sw_buf_vaddf(&b, fmt, ap);
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "level", mcp_log_level_name(level));
	if (logger)
		cJSON_AddStringToObject(params, "logger", logger);
	cJSON_AddStringToObject(params, "data", b.ptr);
	sw_buf_release(&b);
	send_notification(s, "notifications/message", params, origin);
}

void mcp_session_log(struct mcp_session *s, int level, const char *logger, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	session_vlog(s, level, logger, NULL, fmt, ap);
	va_end(ap);
}

void mcp_session_parse_error(struct mcp_session *s, const char *detail, void *origin)
{
	cJSON *data = NULL;

	if (detail) {
		data = cJSON_CreateObject();
		cJSON_AddStringToObject(data, "detail", detail);
	}
	send_error(s, NULL, MCP_PARSE_ERROR, "Parse error", data, origin);
}

/* ---- pagination ---- */

/*
 * Cursors are "p<index>": opaque to the client, checked here.  Returns the
 * start index, or -1 for a cursor we did not hand out.
 */
static long page_start(const cJSON *params, size_t total)
{
	const cJSON *c = params ? cJSON_GetObjectItemCaseSensitive(params, "cursor") : NULL;
	char *end;
	unsigned long v;

	if (!c || cJSON_IsNull(c))
		return 0;
	if (!cJSON_IsString(c) || c->valuestring[0] != 'p' || !c->valuestring[1])
		return -1;
	errno = 0;
	v = strtoul(c->valuestring + 1, &end, 10);
	if (errno || *end || v > total)
		return -1;
	return (long)v;
}

/* Moves one page of @all (consumed) into @result under @key, with nextCursor. */
static void page_into(cJSON *result, const char *key, cJSON *all, size_t start, size_t page)
{
	cJSON *arr = cJSON_AddArrayToObject(result, key);
	size_t total = (size_t)cJSON_GetArraySize(all), i;

	for (i = start; i < total && i < start + page; i++)
		cJSON_AddItemToArray(arr, cJSON_DetachItemFromArray(all, (int)start));
	if (start + page < total) {
		char cur[32];

		snprintf(cur, sizeof(cur), "p%zu", start + page);
		cJSON_AddStringToObject(result, "nextCursor", cur);
	}
	cJSON_Delete(all);
}

/* ---- methods ---- */

static int has_resources(const struct mcp_server *srv)
{
	size_t i;

	for (i = 0; i < srv->nr_sets; i++)
		if (srv->sets[i]->list_resources || srv->sets[i]->list_templates)
			return 1;
	return 0;
}

static int has_prompts(const struct mcp_server *srv)
{
	size_t i;

	for (i = 0; i < srv->nr_sets; i++)
		if (srv->sets[i]->list_prompts)
			return 1;
	return 0;
}

static void m_initialize(struct mcp_session *s, const cJSON *id, const cJSON *params, void *origin)
{
	struct mcp_server *srv = s->srv;
	const cJSON *pv = params ? cJSON_GetObjectItemCaseSensitive(params, "protocolVersion") : NULL;
	cJSON *res, *caps, *info;
	const char *v;

	if (!cJSON_IsString(pv)) {
		send_error(s, id, MCP_INVALID_PARAMS, "initialize: 'protocolVersion' must be a string",
			   NULL, origin);
		return;
	}
	v = mcp_version_negotiate(pv->valuestring);
	free(s->version);
	s->version = sw_xstrdup(v);
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "protocolVersion", v);
	caps = cJSON_AddObjectToObject(res, "capabilities");
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(caps, "tools"), "listChanged", 0);
	cJSON_AddObjectToObject(caps, "logging");
	if (has_resources(srv)) {
		cJSON *r = cJSON_AddObjectToObject(caps, "resources");

		cJSON_AddBoolToObject(r, "subscribe", 0);
		cJSON_AddBoolToObject(r, "listChanged", 0);
	}
	if (has_prompts(srv))
		cJSON_AddBoolToObject(cJSON_AddObjectToObject(caps, "prompts"), "listChanged", 0);
	info = cJSON_AddObjectToObject(res, "serverInfo");
	cJSON_AddStringToObject(info, "name", srv->name);
	cJSON_AddStringToObject(info, "version", srv->version);
	if (srv->instructions)
		cJSON_AddStringToObject(res, "instructions", srv->instructions);
	send_result(s, id, res, origin);
}

static void m_set_level(struct mcp_session *s, const cJSON *id, const cJSON *params, void *origin)
{
	const cJSON *lv = params ? cJSON_GetObjectItemCaseSensitive(params, "level") : NULL;
	int level = cJSON_IsString(lv) ? mcp_log_level(lv->valuestring) : -1;

	if (level < 0) {
		send_error(s, id, MCP_INVALID_PARAMS,
			   "logging/setLevel: 'level' must be one of debug, info, notice, warning, "
			   "error, critical, alert, emergency", NULL, origin);
		return;
	}
	s->log_level = level;
	send_result(s, id, NULL, origin);
}

static cJSON *tool_json(const struct tool_entry *t)
{
	const struct mcp_tool_def *d = t->def;
	cJSON *o = cJSON_CreateObject(), *ann;

	cJSON_AddStringToObject(o, "name", d->name);
	if (d->title)
		cJSON_AddStringToObject(o, "title", d->title);
	cJSON_AddStringToObject(o, "description", d->description);
	cJSON_AddItemToObject(o, "inputSchema", cJSON_Duplicate(t->input, 1));
	if (t->output)
		cJSON_AddItemToObject(o, "outputSchema", cJSON_Duplicate(t->output, 1));
	ann = cJSON_AddObjectToObject(o, "annotations");
	if (d->title)
		cJSON_AddStringToObject(ann, "title", d->title);
	cJSON_AddBoolToObject(ann, "readOnlyHint", !!(d->flags & MCP_TOOL_READ_ONLY));
	cJSON_AddBoolToObject(ann, "destructiveHint", !!(d->flags & MCP_TOOL_DESTRUCTIVE));
	cJSON_AddBoolToObject(ann, "idempotentHint", !!(d->flags & MCP_TOOL_IDEMPOTENT));
	cJSON_AddBoolToObject(ann, "openWorldHint", 0);
	return o;
}

static void m_tools_list(struct mcp_session *s, const cJSON *id, const cJSON *params, void *origin)
{
	struct mcp_server *srv = s->srv;
	long start = page_start(params, srv->nr_tools);
	cJSON *all, *res;
	size_t i;

	if (start < 0) {
		send_error(s, id, MCP_INVALID_PARAMS, "tools/list: invalid cursor", NULL, origin);
		return;
	}
	all = cJSON_CreateArray();
	for (i = (size_t)start; i < srv->nr_tools && i < (size_t)start + srv->o.page_size; i++)
		cJSON_AddItemToArray(all, tool_json(&srv->tools[i]));
	res = cJSON_CreateObject();
	cJSON_AddItemToObject(res, "tools", all);
	if ((size_t)start + srv->o.page_size < srv->nr_tools) {
		char cur[32];

		snprintf(cur, sizeof(cur), "p%zu", (size_t)start + srv->o.page_size);
		cJSON_AddStringToObject(res, "nextCursor", cur);
	}
	send_result(s, id, res, origin);
}

/* JSON Schema type check of one value (the subset our tools declare). */
static int type_matches(const cJSON *v, const char *type)
{
	if (!strcmp(type, "string"))
		return cJSON_IsString(v);
	if (!strcmp(type, "integer"))
		return cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble;
	if (!strcmp(type, "number"))
		return cJSON_IsNumber(v);
	if (!strcmp(type, "boolean"))
		return cJSON_IsBool(v);
	if (!strcmp(type, "object"))
		return cJSON_IsObject(v);
	if (!strcmp(type, "array"))
		return cJSON_IsArray(v);
	if (!strcmp(type, "null"))
		return cJSON_IsNull(v);
	return 1;
}

/* Checks @args against the top level of @schema; fills @why on a mismatch. */
static int check_args(const cJSON *schema, const cJSON *args, struct sw_buf *why)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(schema, "required");
	const cJSON *addl = cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties");
	const cJSON *it;

	if (!cJSON_IsObject(args)) {
		sw_buf_adds(why, "'arguments' must be an object");
		return -1;
	}
	cJSON_ArrayForEach(it, req) {
		if (cJSON_IsString(it) && !cJSON_GetObjectItemCaseSensitive(args, it->valuestring)) {
			sw_buf_addf(why, "missing required argument '%s'", it->valuestring);
			return -1;
		}
	}
	cJSON_ArrayForEach(it, args) {
		const cJSON *p = props ? cJSON_GetObjectItemCaseSensitive(props, it->string) : NULL;
		const cJSON *type = p ? cJSON_GetObjectItemCaseSensitive(p, "type") : NULL;

		if (!p) {
			if (cJSON_IsFalse(addl)) {
				sw_buf_addf(why, "unknown argument '%s'", it->string);
				return -1;
			}
			continue;
		}
		if (cJSON_IsString(type) && !type_matches(it, type->valuestring)) {
			sw_buf_addf(why, "argument '%s' must be of type %s, found %s", it->string,
				    type->valuestring, sw_json_type_name(it));
			return -1;
		}
	}
	return 0;
}

static void call_free(struct mcp_call *call)
{
	cJSON_Delete(call->id);
	cJSON_Delete(call->progress);
	cJSON_Delete(call->content);
	cJSON_Delete(call->structured);
	free(call);
}

static void call_deliver(struct mcp_call *call)
{
	struct mcp_session *s = call->session;
	cJSON *res;

	call_unlink(call);
	if (!s) {
		call_free(call);
		return;
	}
	if (call->cancelled) {
		/* notifications/cancelled: no response, but the transport may close its stream. */
		s->send(s->ctx, NULL, call->origin, 1);
		call_free(call);
		return;
	}
	if (call->structured && cJSON_GetArraySize(call->content) == 0) {
		char *txt = cJSON_PrintUnformatted(call->structured);

		mcp_call_text(call, txt, strlen(txt));
		free(txt);
	}
	res = cJSON_CreateObject();
	cJSON_AddItemToObject(res, "content", call->content);
	call->content = NULL;
	if (call->structured) {
		cJSON_AddItemToObject(res, "structuredContent", call->structured);
		call->structured = NULL;
	}
	if (call->is_error)
		cJSON_AddBoolToObject(res, "isError", 1);
	send_result(s, call->id, res, call->origin);
	call_free(call);
}

static void m_tools_call(struct mcp_session *s, const cJSON *id, const cJSON *params, void *origin)
{
	const cJSON *name = params ? cJSON_GetObjectItemCaseSensitive(params, "name") : NULL;
	const cJSON *args = params ? cJSON_GetObjectItemCaseSensitive(params, "arguments") : NULL;
	const cJSON *meta = params ? cJSON_GetObjectItemCaseSensitive(params, "_meta") : NULL;
	const cJSON *tok = meta ? cJSON_GetObjectItemCaseSensitive(meta, "progressToken") : NULL;
	const struct tool_entry *t;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf why = SW_BUF_INIT;
	struct mcp_call *call;
	cJSON *empty = NULL;
	int rc;

	if (!cJSON_IsString(name)) {
		send_error(s, id, MCP_INVALID_PARAMS, "tools/call: 'name' must be a string", NULL, origin);
		return;
	}
	t = find_tool(s->srv, name->valuestring);
	if (!t) {
		struct sw_buf m = SW_BUF_INIT;

		sw_buf_addf(&m, "unknown tool '%s'", name->valuestring);
		send_error(s, id, MCP_INVALID_PARAMS, m.ptr, NULL, origin);
		sw_buf_release(&m);
		return;
	}
	if (!args || cJSON_IsNull(args))
		args = empty = cJSON_CreateObject();
	call = sw_xcalloc(1, sizeof(*call));
	call->session = s;
	call->srv = s->srv;
	call->tool = t;
	call->id = cJSON_Duplicate(id, 1);
	call->progress = (cJSON_IsString(tok) || cJSON_IsNumber(tok)) ? cJSON_Duplicate(tok, 1) : NULL;
	call->origin = origin;
	call->content = cJSON_CreateArray();
	call->next = s->calls;
	if (s->calls)
		s->calls->prev = call;
	s->calls = call;
	s->nr_calls++;

	if (check_args(t->input, args, &why) < 0) {
		mcp_call_error(call, "invalid arguments for tool '%s': %s", t->def->name, why.ptr);
		rc = 0;
	} else {
		rc = t->def->fn(call, args, t->set->data, &err);
	}
	cJSON_Delete(empty);
	sw_buf_release(&why);
	if (rc == MCP_CALL_PENDING) {
		call->pending = 1;
		return;
	}
	if (rc < 0) {
		call_unlink(call);
		send_error(s, id, rc == SW_EINVAL ? MCP_INVALID_PARAMS : MCP_INTERNAL_ERROR,
			   err.msg[0] ? err.msg : "internal error", NULL, origin);
		call_free(call);
		return;
	}
	call_deliver(call);
}

static cJSON *collect(struct mcp_session *s, int which, struct sw_error *err, int *rc)
{
	cJSON *all = cJSON_CreateArray();
	size_t i;

	*rc = 0;
	for (i = 0; i < s->srv->nr_sets; i++) {
		const struct mcp_toolset *set = s->srv->sets[i];
		int (*fn)(void *, cJSON *, struct sw_error *) =
			which == 0 ? set->list_resources : which == 1 ? set->list_templates : set->list_prompts;

		if (fn && (*rc = fn(set->data, all, err)) < 0)
			break;
	}
	return all;
}

static void m_list(struct mcp_session *s, const cJSON *id, const cJSON *params, void *origin,
		   int which, const char *key, const char *method)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *all, *res;
	long start;
	int rc;

	all = collect(s, which, &err, &rc);
	if (rc < 0) {
		cJSON_Delete(all);
		send_error(s, id, MCP_INTERNAL_ERROR, err.msg, NULL, origin);
		return;
	}
	start = page_start(params, (size_t)cJSON_GetArraySize(all));
	if (start < 0) {
		struct sw_buf m = SW_BUF_INIT;

		cJSON_Delete(all);
		sw_buf_addf(&m, "%s: invalid cursor", method);
		send_error(s, id, MCP_INVALID_PARAMS, m.ptr, NULL, origin);
		sw_buf_release(&m);
		return;
	}
	res = cJSON_CreateObject();
	page_into(res, key, all, (size_t)start, s->srv->o.page_size);
	send_result(s, id, res, origin);
}

static void m_resources_read(struct mcp_session *s, const cJSON *id, const cJSON *params, void *origin)
{
	const cJSON *uri = params ? cJSON_GetObjectItemCaseSensitive(params, "uri") : NULL;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *contents, *data;
	size_t i;
	int rc = SW_ENOTFOUND;

	if (!cJSON_IsString(uri)) {
		send_error(s, id, MCP_INVALID_PARAMS, "resources/read: 'uri' must be a string", NULL, origin);
		return;
	}
	contents = cJSON_CreateArray();
	for (i = 0; i < s->srv->nr_sets && rc == SW_ENOTFOUND; i++) {
		const struct mcp_toolset *set = s->srv->sets[i];

		if (set->read_resource) {
			sw_error_clear(&err);
			rc = set->read_resource(set->data, uri->valuestring, contents, &err);
		}
	}
	if (rc == 0) {
		cJSON *res = cJSON_CreateObject();

		cJSON_AddItemToObject(res, "contents", contents);
		send_result(s, id, res, origin);
		return;
	}
	cJSON_Delete(contents);
	if (rc == SW_ENOTFOUND) {
		struct sw_buf m = SW_BUF_INIT;

		data = cJSON_CreateObject();
		cJSON_AddStringToObject(data, "uri", uri->valuestring);
		sw_buf_addf(&m, "resource '%s' not found", uri->valuestring);
		send_error(s, id, MCP_RESOURCE_NOT_FOUND, m.ptr, data, origin);
		sw_buf_release(&m);
		return;
	}
	send_error(s, id, rc == SW_EINVAL ? MCP_INVALID_PARAMS : MCP_INTERNAL_ERROR, err.msg, NULL, origin);
}

static void m_prompts_get(struct mcp_session *s, const cJSON *id, const cJSON *params, void *origin)
{
	const cJSON *name = params ? cJSON_GetObjectItemCaseSensitive(params, "name") : NULL;
	const cJSON *args = params ? cJSON_GetObjectItemCaseSensitive(params, "arguments") : NULL;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *result = NULL;
	size_t i;
	int rc = SW_ENOTFOUND;

	if (!cJSON_IsString(name)) {
		send_error(s, id, MCP_INVALID_PARAMS, "prompts/get: 'name' must be a string", NULL, origin);
		return;
	}
	for (i = 0; i < s->srv->nr_sets && rc == SW_ENOTFOUND; i++) {
		const struct mcp_toolset *set = s->srv->sets[i];

		if (set->get_prompt) {
			sw_error_clear(&err);
			rc = set->get_prompt(set->data, name->valuestring, args, &result, &err);
		}
	}
	if (rc == 0) {
		send_result(s, id, result, origin);
		return;
	}
	cJSON_Delete(result);
	if (rc == SW_ENOTFOUND && !err.msg[0])
		snprintf(err.msg, sizeof(err.msg), "unknown prompt '%s'", name->valuestring);
	send_error(s, id, rc == SW_EINVAL || rc == SW_ENOTFOUND ? MCP_INVALID_PARAMS : MCP_INTERNAL_ERROR,
		   err.msg, NULL, origin);
}

static void n_cancelled(struct mcp_session *s, const cJSON *params)
{
	const cJSON *rid = params ? cJSON_GetObjectItemCaseSensitive(params, "requestId") : NULL;
	struct mcp_call *call;

	if (!rid)
		return;
	for (call = s->calls; call; call = call->next)
		if (cJSON_Compare(call->id, rid, 1))
			break;
	/* Unknown or finished ids are ignored, as the protocol says. */
	if (call && call->pending)
		call_cancel(call);
}

static void dispatch(struct mcp_session *s, const char *method, const cJSON *id, const cJSON *params,
		     void *origin)
{
	struct mcp_server *srv = s->srv;

	if (!id) { /* a notification: never answered */
		if (!strcmp(method, "notifications/initialized"))
			s->initialized = 1;
		else if (!strcmp(method, "notifications/cancelled"))
			n_cancelled(s, params);
		s->send(s->ctx, NULL, origin, 1);
		return;
	}
	if (!strcmp(method, "initialize"))
		m_initialize(s, id, params, origin);
	else if (!strcmp(method, "ping"))
		send_result(s, id, NULL, origin);
	else if (!strcmp(method, "tools/call"))
		m_tools_call(s, id, params, origin);
	else if (!strcmp(method, "tools/list"))
		m_tools_list(s, id, params, origin);
	else if (!strcmp(method, "logging/setLevel"))
		m_set_level(s, id, params, origin);
	else if (!strcmp(method, "resources/list") && has_resources(srv))
		m_list(s, id, params, origin, 0, "resources", method);
	else if (!strcmp(method, "resources/templates/list") && has_resources(srv))
		m_list(s, id, params, origin, 1, "resourceTemplates", method);
	else if (!strcmp(method, "resources/read") && has_resources(srv))
		m_resources_read(s, id, params, origin);
	else if (!strcmp(method, "prompts/list") && has_prompts(srv))
		m_list(s, id, params, origin, 2, "prompts", method);
	else if (!strcmp(method, "prompts/get") && has_prompts(srv))
		m_prompts_get(s, id, params, origin);
	else {
		struct sw_buf m = SW_BUF_INIT;
		cJSON *data = cJSON_CreateObject();

		cJSON_AddStringToObject(data, "method", method);
		sw_buf_addf(&m, "method not found: %s", method);
		send_error(s, id, MCP_METHOD_NOT_FOUND, m.ptr, data, origin);
		sw_buf_release(&m);
	}
}

void mcp_session_dispatch(struct mcp_session *s, const char *method, const cJSON *id,
			  const cJSON *params, void *origin)
{
	dispatch(s, method, id, params, origin);
}

void mcp_session_handle(struct mcp_session *s, const cJSON *msg, void *origin)
{
	const cJSON *v, *id, *method;

	if (!cJSON_IsObject(msg)) {
		send_error(s, NULL, MCP_INVALID_REQUEST,
			   cJSON_IsArray(msg) ? "Invalid Request: batches are not supported"
					      : "Invalid Request: expected an object", NULL, origin);
		return;
	}
	v = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
	id = cJSON_GetObjectItemCaseSensitive(msg, "id");
	method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	if (id && !cJSON_IsString(id) && !cJSON_IsNumber(id))
		id = NULL;
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0") || (method && !cJSON_IsString(method))) {
		send_error(s, id, MCP_INVALID_REQUEST, "Invalid Request: expected JSON-RPC 2.0", NULL, origin);
		return;
	}
	if (!method) {
		/* A response: we send no requests, so there is nothing to match. */
		s->send(s->ctx, NULL, origin, 1);
		return;
	}
	dispatch(s, method->valuestring, id, cJSON_GetObjectItemCaseSensitive(msg, "params"), origin);
}

/* ---- calls ---- */

void mcp_call_text(struct mcp_call *call, const char *text, size_t len)
{
	cJSON *block = cJSON_CreateObject();
	char *copy = sw_xstrndup(text, len);

	cJSON_AddStringToObject(block, "type", "text");
	cJSON_AddStringToObject(block, "text", copy);
	free(copy);
	cJSON_AddItemToArray(call->content, block);
}

void mcp_call_textf(struct mcp_call *call, const char *fmt, ...)
{
	struct sw_buf b = SW_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sw_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	mcp_call_text(call, b.ptr, b.len);
	sw_buf_release(&b);
}

void mcp_call_structured_take(struct mcp_call *call, cJSON *obj)
{
	cJSON_Delete(call->structured);
	call->structured = obj;
}

void mcp_call_error(struct mcp_call *call, const char *fmt, ...)
{
	struct sw_buf b = SW_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sw_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	/* An error result carries the explanation only. */
	cJSON_Delete(call->content);
	call->content = cJSON_CreateArray();
	cJSON_Delete(call->structured);
	call->structured = NULL;
	mcp_call_text(call, b.ptr, b.len);
	call->is_error = 1;
	sw_buf_release(&b);
}

void mcp_call_progress(struct mcp_call *call, double progress, double total, const char *message)
{
	cJSON *params;

	if (!call->session || !call->progress || call->cancelled)
		return;
	params = cJSON_CreateObject();
	cJSON_AddItemToObject(params, "progressToken", cJSON_Duplicate(call->progress, 1));
	cJSON_AddNumberToObject(params, "progress", progress);
	if (total > 0)
		cJSON_AddNumberToObject(params, "total", total);
	if (message)
		cJSON_AddStringToObject(params, "message", message);
	send_notification(call->session, "notifications/progress", params, call->origin);
}

int mcp_call_cancelled(const struct mcp_call *call)
{
	return call->cancelled || !call->session;
}

void mcp_call_on_cancel(struct mcp_call *call, void (*fn)(struct mcp_call *call, void *data), void *data)
{
	call->on_cancel = fn;
	call->cancel_data = data;
}

uv_loop_t *mcp_call_loop(const struct mcp_call *call)
{
	return call->srv->o.loop;
}

struct mcp_session *mcp_call_session(const struct mcp_call *call)
{
	return call->session;
}

void mcp_call_log(struct mcp_call *call, int level, const char *logger, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	session_vlog(call->session, level, logger, call->origin, fmt, ap);
	va_end(ap);
}

void mcp_call_finish(struct mcp_call *call)
{
	call_deliver(call);
}
