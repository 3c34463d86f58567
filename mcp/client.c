/* SPDX-License-Identifier: Apache-2.0 */
/*
 * client.c - MCP client over the JSON-RPC core: stdio children and
 * Streamable HTTP endpoints.
 *
 * Each server is a struct mcp_conn with its own struct jrpc.  For stdio the
 * connection owns the child (jrpc_attach_child).  For HTTP the connection
 * gets a transport whose write() POSTs each outgoing line and feeds what
 * comes back (one JSON object, or the data of each SSE event) into
 * jrpc_feed(), so request matching, timeouts and cancellation are the
 * core's.  An HTTP failure of a POST that carried a request is turned into
 * a JSON-RPC error response for that id, fed back the same way, so the
 * caller sees one kind of failure whatever the transport.
 *
 * State machine: STARTING (initialize, initialized, tools/list pages) ->
 * READY; any failure before READY, or the server going away after it,
 * -> FAILED; mcp_client_free -> CLOSED.  on_change fires on each change
 * of state and after each re-listing of tools.
 */
#include "base/compat.h"
#include "client.h"
#include "protocol.h"
#include "base/http_client.h"
#include "base/jrpc.h"
#include "base/json.h"
#include "base/proc.h"
#include "base/sse.h"
#include "version.h"

#include <ctype.h>
#include <strings.h>

extern char **environ;

#define STDERR_TAIL 8192 /* bytes of a server's stderr kept for messages */

struct tool_rec {
	struct mcp_tool t;
	char *name;
	cJSON *json; /* the Tool object as the server sent it */
};

struct http_tx;

struct mcp_conn {
	struct mcp_client *c;
	char *name;
	struct sw_strvec argv, env, headers, disabled;
	char *cwd, *url;
	uint64_t connect_timeout_ms, request_timeout_ms;
	enum mcp_conn_state state;
	char error[1024];
	struct jrpc *rpc;
	struct http_tx *tx;
	struct sw_buf err_tail;   /* the end of the child's stderr */
	int child_running;
	char *version;
	cJSON *server_info, *caps;
	char *instructions;
	struct tool_rec *tools;
	size_t nr_tools, alloc_tools;
	cJSON *listing;           /* tools of the pages received so far */
	int listing_now, relist;  /* a listing runs; another is wanted after it */
	struct mcp_pending *calls;
	unsigned next_token;
};

struct mcp_pending {
	struct mcp_conn *conn;
	int64_t id;
	char token[32];
	struct mcp_call_opts o;
	struct mcp_pending *prev, *next;
};

struct mcp_client {
	struct mcp_client_opts o;
	char *client_name, *client_version;
	struct mcp_conn **conns;
	size_t nr_conns, alloc_conns;
	struct sw_http *http;     /* shared by the HTTP servers */
	int freeing;
};

/* ---- state ---- */

static void conn_changed(struct mcp_conn *conn)
{
	struct mcp_client *c = conn->c;

	if (c->o.on_change && !c->freeing)
		c->o.on_change(c, conn, c->o.data);
}

static void conn_fail(struct mcp_conn *conn, const char *fmt, ...) SW_PRINTF(2, 3);

static void conn_fail(struct mcp_conn *conn, const char *fmt, ...)
{
	va_list ap;

	if (conn->state == MCP_CONN_FAILED || conn->state == MCP_CONN_CLOSED)
		return;
	va_start(ap, fmt);
	vsnprintf(conn->error, sizeof(conn->error), fmt, ap);
	va_end(ap);
	conn->state = MCP_CONN_FAILED;
	/* Pending calls fail with SW_EIO once the connection closes. */
	jrpc_close(conn->rpc);
	conn_changed(conn);
}

/* A stack frame ("    at f (x.js:1:2)", '  File "x.py", line 3') or a runtime banner ("Node.js v20"). */
static int stderr_noise(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i > 0 && (sw_starts_with(line + i, "at ") || sw_starts_with(line + i, "File \"")))
		return 1;
	return sw_starts_with(line, "Node.js v");
}

/*
 * 2 when @line starts with an error label ("Error: x", "TypeError: x",
 * "ModuleNotFoundError: x", "error: x", "fatal: x", "panic: x"); 1 when it
 * only mentions one (a source line echoed above a Node.js error does); else 0.
 */
static int stderr_error_rank(const char *line, size_t len)
{
	static const char *const labels[] = { "Error", "Exception", "error", "ERROR", "fatal", "FATAL",
					      "panic", NULL };
	size_t i, n, w = 0;

	while (w < len && (isalnum((unsigned char)line[w]) || line[w] == '_' || line[w] == '.'))
		w++;
	for (i = 0; labels[i]; i++) {
		n = strlen(labels[i]);
		if (w >= n && w < len && line[w] == ':' && !memcmp(line + w - n, labels[i], n))
			return 2;
	}
	for (i = 0; labels[i]; i++) {
		n = strlen(labels[i]);
		if (len >= n && memmem(line, len, labels[i], n))
			return 1;
	}
	return 0;
}

/* The next line of [*@p, @end) without its newline and trailing blanks; 0 at the end. */
static int next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = (size_t)((nl ? nl : end) - *p);
	*p = nl ? nl + 1 : end;
	while (*len && ((*line)[*len - 1] == '\r' || (*line)[*len - 1] == ' ' || (*line)[*len - 1] == '\t'))
		(*len)--;
	return 1;
}

/*
 * The lines of the child's stderr that say why it stopped, for error
 * messages, as " (stderr: ...)".  Runtimes print the reason and then a
 * stack and a banner (Node.js ends with "Node.js v20..."), so the last line
 * alone often says nothing: take the first line that starts with an error
 * label (else the first that mentions one) and the lines that continue it,
 * up to STDERR_HINT_LINES, stopping at a blank line or a stack frame;
 * failing that, the last non-empty lines that are not noise.  Lines are
 * joined with "; " (a space after a line that ends with ':').
 */
#define STDERR_HINT_LINES 3
static void stderr_hint(struct mcp_conn *conn, struct sw_buf *out)
{
	const char *t = conn->err_tail.ptr, *end = t + conn->err_tail.len, *p, *line, *start = NULL, *nl;
	const char *pick[STDERR_HINT_LINES];
	size_t plen[STDERR_HINT_LINES], n = 0, i, len;
	int best = 0, r;

	/* A tail cut at its ceiling starts inside a line: drop that part. */
	if (conn->err_tail.len >= STDERR_TAIL && (nl = memchr(t, '\n', conn->err_tail.len)))
		t = nl + 1;
	for (p = t; best < 2 && next_line(&p, end, &line, &len);) {
		if ((r = stderr_error_rank(line, len)) > best) {
			best = r;
			start = line;
		}
	}
	if (start) {
		for (p = start; n < STDERR_HINT_LINES && next_line(&p, end, &line, &len); n++) {
			if (n && (!len || stderr_noise(line, len)))
				break;
			pick[n] = line;
			plen[n] = len;
		}
	} else {
		for (p = t; next_line(&p, end, &line, &len);) {
			if (!len || stderr_noise(line, len))
				continue;
			if (n == STDERR_HINT_LINES) { /* keep the last lines */
				memmove(pick, pick + 1, sizeof(pick[0]) * (STDERR_HINT_LINES - 1));
				memmove(plen, plen + 1, sizeof(plen[0]) * (STDERR_HINT_LINES - 1));
				n--;
			}
			pick[n] = line;
			plen[n++] = len;
		}
	}
	if (!n)
		return;
	sw_buf_adds(out, " (stderr: ");
	for (i = 0; i < n; i++) {
		if (i)
			sw_buf_adds(out, plen[i - 1] && pick[i - 1][plen[i - 1] - 1] == ':' ? " " : "; ");
		sw_buf_add(out, pick[i], plen[i]);
	}
	sw_buf_addch(out, ')');
}

/* ---- tools ---- */

static void tools_release(struct mcp_conn *conn)
{
	size_t i;

	for (i = 0; i < conn->nr_tools; i++) {
		free(conn->tools[i].name);
		cJSON_Delete(conn->tools[i].json);
	}
	conn->nr_tools = 0;
}

static const char *str_or(const cJSON *obj, const char *key, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : def;
}

/* Replaces the tool table with the listing just completed. */
static void tools_adopt(struct mcp_conn *conn)
{
	cJSON *t;

	tools_release(conn);
	while ((t = cJSON_DetachItemFromArray(conn->listing, 0))) {
		const char *name = str_or(t, "name", NULL);
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(t, "inputSchema");
		struct tool_rec *r;
		struct sw_buf full = SW_BUF_INIT;

		/* Skip what cannot be used: no name, no schema, or disabled by configuration. */
		if (!name || !cJSON_IsObject(in) || sw_strvec_contains(&conn->disabled, name)) {
			cJSON_Delete(t);
			continue;
		}
		SW_ALLOC_GROW(conn->tools, conn->nr_tools + 1, conn->alloc_tools);
		r = &conn->tools[conn->nr_tools++];
		memset(r, 0, sizeof(*r));
		sw_buf_addf(&full, "@%s/%s", conn->name, name);
		r->name = sw_buf_detach(&full, NULL);
		r->json = t;
		r->t.name = r->name;
		r->t.server = conn->name;
		r->t.tool = name;
		r->t.title = str_or(t, "title", NULL);
		r->t.description = str_or(t, "description", "");
		r->t.input_schema = in;
		r->t.output_schema = cJSON_GetObjectItemCaseSensitive(t, "outputSchema");
		if (!cJSON_IsObject(r->t.output_schema))
			r->t.output_schema = NULL;
		r->t.annotations = cJSON_GetObjectItemCaseSensitive(t, "annotations");
		r->t.conn = conn;
	}
	cJSON_Delete(conn->listing);
	conn->listing = NULL;
}

static void list_tools(struct mcp_conn *conn, const char *cursor);

static void on_tools_page(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct mcp_conn *conn = data;
	const cJSON *tools, *next, *t;

	SW_UNUSED(rpc);
	if (res->rc < 0) {
		conn->listing_now = 0;
		cJSON_Delete(conn->listing);
		conn->listing = NULL;
		if (conn->state == MCP_CONN_STARTING)
			conn_fail(conn, "tools/list failed: %s", res->err ? res->err->msg : "error");
		return;
	}
	tools = cJSON_GetObjectItemCaseSensitive(res->result, "tools");
	cJSON_ArrayForEach(t, tools)
		cJSON_AddItemToArray(conn->listing, cJSON_Duplicate(t, 1));
	next = cJSON_GetObjectItemCaseSensitive(res->result, "nextCursor");
	if (cJSON_IsString(next) && next->valuestring[0]) {
		list_tools(conn, next->valuestring);
		return;
	}
	conn->listing_now = 0;
	tools_adopt(conn);
	if (conn->state == MCP_CONN_STARTING)
		conn->state = MCP_CONN_READY;
	conn_changed(conn);
	if (conn->relist) {
		conn->relist = 0;
		list_tools(conn, NULL);
	}
}

static void list_tools(struct mcp_conn *conn, const char *cursor)
{
	struct jrpc_call_opts o = JRPC_CALL_OPTS_INIT;
	cJSON *params = NULL;

	if (!cursor) {
		if (conn->listing_now) {
			conn->relist = 1; /* a change during a listing: list again after it */
			return;
		}
		conn->listing_now = 1;
		cJSON_Delete(conn->listing);
		conn->listing = cJSON_CreateArray();
	} else {
		params = cJSON_CreateObject();
		cJSON_AddStringToObject(params, "cursor", cursor);
	}
	o.timeout_ms = conn->request_timeout_ms;
	o.on_response = on_tools_page;
	o.data = conn;
	if (jrpc_call_take(conn->rpc, NULL, "tools/list", params, &o, NULL) < 0)
		conn->listing_now = 0;
}

/* ---- lifecycle ---- */

static void on_initialized(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct mcp_conn *conn = data;
	const cJSON *v, *tools;
	struct sw_buf hint = SW_BUF_INIT;

	SW_UNUSED(rpc);
	if (res->rc < 0) {
		if (conn->state == MCP_CONN_STARTING) {
			stderr_hint(conn, &hint);
			conn_fail(conn, "initialize failed: %s%s", res->err ? res->err->msg : "error", hint.ptr);
		}
		sw_buf_release(&hint);
		return;
	}
	v = cJSON_GetObjectItemCaseSensitive(res->result, "protocolVersion");
	if (!cJSON_IsString(v) || !mcp_version_supported(v->valuestring)) {
		conn_fail(conn, "the server answered protocol version '%s', which is not one of ours",
			  cJSON_IsString(v) ? v->valuestring : "(none)");
		return;
	}
	conn->version = sw_xstrdup(v->valuestring);
	conn->server_info = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(res->result, "serverInfo"), 1);
	conn->caps = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(res->result, "capabilities"), 1);
	if (!conn->caps)
		conn->caps = cJSON_CreateObject();
	v = cJSON_GetObjectItemCaseSensitive(res->result, "instructions");
	if (cJSON_IsString(v))
		conn->instructions = sw_xstrdup(v->valuestring);
	jrpc_notify_take(conn->rpc, "notifications/initialized", NULL, NULL);
	tools = cJSON_GetObjectItemCaseSensitive(conn->caps, "tools");
	if (tools) {
		list_tools(conn, NULL);
	} else {
		conn->state = MCP_CONN_READY;
		conn_changed(conn);
	}
}

/* The params of our initialize request (caller owns). */
static cJSON *initialize_params(const struct mcp_conn *conn)
{
	cJSON *params = cJSON_CreateObject(), *info;

	cJSON_AddStringToObject(params, "protocolVersion", MCP_LATEST_VERSION);
	/* No roots, sampling or elicitation: a server must not ask for them. */
	cJSON_AddObjectToObject(params, "capabilities");
	info = cJSON_AddObjectToObject(params, "clientInfo");
	cJSON_AddStringToObject(info, "name", conn->c->client_name);
	cJSON_AddStringToObject(info, "version", conn->c->client_version);
	return params;
}

static void send_initialize(struct mcp_conn *conn)
{
	struct jrpc_call_opts o = JRPC_CALL_OPTS_INIT;
	cJSON *params = initialize_params(conn);
	struct sw_error err = SW_ERROR_INIT;

	o.timeout_ms = conn->connect_timeout_ms;
	o.on_response = on_initialized;
	o.data = conn;
	if (jrpc_call_take(conn->rpc, NULL, "initialize", params, &o, &err) < 0)
		conn_fail(conn, "%s", err.msg);
}

/* ---- messages from the server ---- */

static void on_ping(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		    void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(method);
	SW_UNUSED(params);
	SW_UNUSED(data);
	if (req)
		jrpc_reply_take(req, NULL, NULL);
}

static void on_list_changed(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			    const cJSON *params, void *data)
{
	struct mcp_conn *conn = data;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	SW_UNUSED(params);
	if (req) {
		jrpc_reply_error(req, MCP_METHOD_NOT_FOUND, "Method not found", NULL, NULL);
		return;
	}
	/* During a listing, list again once it ends: it may predate the change. */
	if (conn->state == MCP_CONN_READY || conn->listing_now)
		list_tools(conn, NULL);
}

static void on_progress(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			const cJSON *params, void *data)
{
	struct mcp_conn *conn = data;
	const cJSON *tok = params ? cJSON_GetObjectItemCaseSensitive(params, "progressToken") : NULL;
	const cJSON *p = params ? cJSON_GetObjectItemCaseSensitive(params, "progress") : NULL;
	const cJSON *t = params ? cJSON_GetObjectItemCaseSensitive(params, "total") : NULL;
	struct mcp_pending *call;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (req) {
		jrpc_reply_error(req, MCP_METHOD_NOT_FOUND, "Method not found", NULL, NULL);
		return;
	}
	if (!cJSON_IsString(tok) || !cJSON_IsNumber(p))
		return;
	for (call = conn->calls; call; call = call->next)
		if (!strcmp(call->token, tok->valuestring))
			break;
	if (call && call->o.on_progress)
		call->o.on_progress(call, p->valuedouble, cJSON_IsNumber(t) ? t->valuedouble : 0,
				    str_or(params, "message", NULL), call->o.data);
}

static void on_message(struct jrpc *rpc, struct jrpc_request *req, const char *method,
		       const cJSON *params, void *data)
{
	struct mcp_conn *conn = data;
	const cJSON *d = params ? cJSON_GetObjectItemCaseSensitive(params, "data") : NULL;
	char *text;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (req) {
		jrpc_reply_error(req, MCP_METHOD_NOT_FOUND, "Method not found", NULL, NULL);
		return;
	}
	if (!conn->c->o.on_log || !d)
		return;
	text = cJSON_IsString(d) ? sw_xstrdup(d->valuestring) : cJSON_PrintUnformatted(d);
	conn->c->o.on_log(conn, str_or(params, "level", "info"), str_or(params, "logger", NULL), text,
			  conn->c->o.data);
	free(text);
}

/* Our request was given up (timeout or cancel): tell the server, as the protocol asks. */
static void on_cancel(struct jrpc *rpc, int64_t id, const char *method, enum jrpc_cancel_reason why,
		      void *data)
{
	cJSON *params;

	SW_UNUSED(data);
	if (why == JRPC_CANCEL_CLOSED || !strcmp(method, "initialize") || jrpc_closed(rpc))
		return;
	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "requestId", (double)id);
	cJSON_AddStringToObject(params, "reason", why == JRPC_CANCEL_TIMEOUT ? "timeout" : "cancelled by the client");
	jrpc_notify_take(rpc, "notifications/cancelled", params, NULL);
}

static void on_close(struct jrpc *rpc, const struct sw_error *err, void *data)
{
	struct mcp_conn *conn = data;
	struct sw_buf hint = SW_BUF_INIT;

	SW_UNUSED(rpc);
	stderr_hint(conn, &hint);
	conn_fail(conn, "%s%s", err && err->msg[0] ? err->msg : "the server closed the connection", hint.ptr);
	sw_buf_release(&hint);
}

/* ---- stdio ---- */

static void on_child_stderr(struct sw_proc *p, const char *buf, size_t len, void *data)
{
	struct mcp_conn *conn = data;

	SW_UNUSED(p);
	sw_buf_add(&conn->err_tail, buf, len);
	if (conn->err_tail.len > STDERR_TAIL)
		sw_buf_remove(&conn->err_tail, 0, conn->err_tail.len - STDERR_TAIL);
}

static void on_child_exit(struct sw_proc *p, void *data)
{
	struct mcp_conn *conn = data;

	SW_UNUSED(p);
	conn->child_running = 0;
}

/* Our environment with @extra ("K=V") added or replacing. */
static void build_env(struct sw_strvec *out, const struct sw_strvec *extra)
{
	char **e;
	size_t i;

	for (e = environ; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		int replaced = 0;

		for (i = 0; eq && i < extra->nr; i++)
			if (!strncmp(extra->v[i], *e, (size_t)(eq - *e) + 1))
				replaced = 1;
		if (!replaced)
			sw_strvec_push(out, *e);
	}
	for (i = 0; i < extra->nr; i++)
		sw_strvec_push(out, extra->v[i]);
}

static int start_stdio(struct mcp_conn *conn, struct sw_error *err)
{
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	struct sw_strvec env = SW_STRVEC_INIT;
	int rc;

	build_env(&env, &conn->env);
	o.argv = (const char *const *)conn->argv.v;
	o.env = (const char *const *)env.v;
	o.cwd = conn->cwd;
	o.on_stderr = on_child_stderr;
	o.on_exit = on_child_exit;
	o.kill_grace_ms = 1000;
	o.die_with_parent = 1; /* a server never outlives its client, however the client dies */
	o.data = conn;
	rc = jrpc_attach_child(conn->rpc, &o, err);
	sw_strvec_clear(&env);
	if (rc == 0)
		conn->child_running = 1;
	return rc;
}

/* ---- Streamable HTTP ---- */

struct http_post;

struct http_tx {
	struct mcp_conn *conn;
	char *session;            /* Mcp-Session-Id, once the server gave one */
	struct sw_http_req *get;  /* the GET stream */
	struct sw_sse get_sse;
	int get_ok;               /* the GET answered 200 with an event stream */
	struct http_post *posts;
	int closed;
	int deleting;             /* a DELETE is in flight */
	int released;             /* jrpc let go of the transport */
	struct sw_strvec queue;   /* lines waiting to be POSTed */
	uv_timer_t kick;          /* posts the queue from the loop */
	int kick_open;
	int want_delete;          /* the session is to be ended */
	int reinit;               /* REINIT_*: the session expired and a new one is being made */
	int reinit_done;          /* a new session answered: post initialized, then the retries */
	struct sw_strvec retry;   /* request lines that met the expired session, to post again */
};

enum { REINIT_NONE, REINIT_WANTED, REINIT_RUNNING };

/* post_line() flags */
#define POST_RETRY 1  /* the second sending of a request after its session expired */
#define POST_REINIT 2 /* the transport's own initialize for a new session */

struct http_post {
	struct http_tx *tx;
	struct sw_http_req *req;
	cJSON *id;                /* the request's id, NULL for a notification or response */
	char *line;               /* a request's line, kept to send again if its session expired */
	char *sent_session;       /* the Mcp-Session-Id it carried, NULL if none */
	unsigned flags;           /* POST_* */
	int is_sse;
	struct sw_sse sse;
	struct sw_buf body;
	struct http_post *prev, *next;
};

static void on_kick(uv_timer_t *t);
static void send_delete(struct http_tx *tx);

static void tx_kick_closed(uv_handle_t *h)
{
	struct http_tx *tx = h->data;

	tx->kick_open = 0;
	free(tx->session);
	sw_sse_release(&tx->get_sse);
	sw_strvec_clear(&tx->queue);
	sw_strvec_clear(&tx->retry);
	free(tx);
}

static void tx_maybe_free(struct http_tx *tx)
{
	if (!tx->released || tx->posts || tx->get || tx->deleting || tx->want_delete)
		return;
	if (tx->kick_open) {
		if (!uv_is_closing((uv_handle_t *)&tx->kick))
			uv_close((uv_handle_t *)&tx->kick, tx_kick_closed);
		return;
	}
	free(tx->session);
	sw_sse_release(&tx->get_sse);
	sw_strvec_clear(&tx->queue);
	sw_strvec_clear(&tx->retry);
	free(tx);
}

static void add_headers(struct http_tx *tx, struct sw_strvec *h, const char *accept)
{
	struct mcp_conn *conn = tx->conn;

	sw_strvec_pushf(h, "Accept: %s", accept);
	sw_strvec_push(h, "Content-Type: application/json");
	if (tx->session)
		sw_strvec_pushf(h, "Mcp-Session-Id: %s", tx->session);
	if (conn->version)
		sw_strvec_pushf(h, "MCP-Protocol-Version: %s", conn->version);
	sw_strvec_pushv(h, (const char *const *)conn->headers.v);
}

static int feed_event(const struct sw_sse_event *ev, void *data, struct sw_error *err)
{
	struct http_tx *tx = data;

	SW_UNUSED(err);
	if (strcmp(ev->type, "message") || !ev->data_len || tx->closed)
		return 0;
	jrpc_feed(tx->conn->rpc, ev->data, ev->data_len);
	jrpc_feed(tx->conn->rpc, "\n", 1);
	return 0;
}

static int is_event_stream(struct sw_http_response *resp)
{
	const char *ct = sw_http_header(resp, "Content-Type");

	return ct && !strncasecmp(ct, "text/event-stream", 17);
}

static int post_headers(struct sw_http_req *req, struct sw_http_response *resp, void *data,
			struct sw_error *err)
{
	struct http_post *p = data;
	const char *sid = sw_http_header(resp, "Mcp-Session-Id");

	SW_UNUSED(req);
	SW_UNUSED(err);
	if (sid && !p->tx->session)
		p->tx->session = sw_xstrdup(sid);
	p->is_sse = resp->status == 200 && is_event_stream(resp);
	return 0;
}

static int post_body(struct sw_http_req *req, const char *chunk, size_t len, void *data,
		     struct sw_error *err)
{
	struct http_post *p = data;

	SW_UNUSED(req);
	if (p->is_sse && !(p->flags & POST_REINIT))
		return sw_sse_feed(&p->sse, chunk, len, feed_event, p->tx, err);
	return sw_buf_add_capped(&p->body, chunk, len, SW_JSON_MAX_DOC, "an MCP HTTP response", err);
}

/* Answers our own request @id with an error, through the JSON-RPC core. */
static void feed_error(struct http_tx *tx, const cJSON *id, const char *fmt, ...) SW_PRINTF(3, 4);

static void feed_error(struct http_tx *tx, const cJSON *id, const char *fmt, ...)
{
	cJSON *msg = cJSON_CreateObject(), *e;
	struct sw_buf m = SW_BUF_INIT;
	char *txt;
	va_list ap;

	va_start(ap, fmt);
	sw_buf_vaddf(&m, fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
	cJSON_AddItemToObject(msg, "id", cJSON_Duplicate(id, 1));
	e = cJSON_AddObjectToObject(msg, "error");
	cJSON_AddNumberToObject(e, "code", -32000);
	cJSON_AddStringToObject(e, "message", m.ptr);
	txt = cJSON_PrintUnformatted(msg);
	jrpc_feed(tx->conn->rpc, txt, strlen(txt));
	jrpc_feed(tx->conn->rpc, "\n", 1);
	free(txt);
	cJSON_Delete(msg);
	sw_buf_release(&m);
}

static void post_free(struct http_post *p)
{
	struct http_tx *tx = p->tx;

	if (p->prev)
		p->prev->next = p->next;
	else
		tx->posts = p->next;
	if (p->next)
		p->next->prev = p->prev;
	cJSON_Delete(p->id);
	free(p->line);
	free(p->sent_session);
	sw_sse_release(&p->sse);
	sw_buf_release(&p->body);
	free(p);
	tx_maybe_free(tx);
}

static void on_kick(uv_timer_t *t);

/* Answers the request on @line (ours, waiting in jrpc) with an error. */
static void fail_line(struct http_tx *tx, const char *line, const char *why)
{
	cJSON *msg = NULL;
	const cJSON *id;

	if (sw_json_parse(&msg, line, strlen(line), NULL) == 0 && (id = cJSON_GetObjectItemCaseSensitive(msg, "id")))
		feed_error(tx, id, "%s", why);
	cJSON_Delete(msg);
}

/*
 * MCP Streamable HTTP: a 404 to a request carrying our Mcp-Session-Id means
 * the server ended the session (or restarted).  The client must start a
 * new one: initialize, notifications/initialized, then the request again,
 * once.  The requests that meet the expired session wait in tx->retry;
 * the queue waits too, so nothing goes out between the two sessions.
 */
static void session_expired(struct http_tx *tx, struct http_post *p)
{
	sw_strvec_push(&tx->retry, p->line);
	if (!tx->reinit && tx->session && !strcmp(tx->session, p->sent_session)) {
		free(tx->session);
		tx->session = NULL;
		tx->reinit = REINIT_WANTED;
	}
	/* Otherwise a new session is on its way, or here already: the retry waits for it or goes now. */
	uv_timer_start(&tx->kick, on_kick, 0, 0);
}

static int find_result(const struct sw_sse_event *ev, void *data, struct sw_error *err)
{
	cJSON *msg = NULL;

	SW_UNUSED(err);
	if (!strcmp(ev->type, "message") && ev->data_len &&
	    sw_json_parse(&msg, ev->data, ev->data_len, NULL) == 0 &&
	    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(msg, "result")))
		*(int *)data = 1;
	cJSON_Delete(msg);
	return 0;
}

/* The new session's initialize came back (@status 0: no HTTP answer). */
static void reinit_done(struct http_tx *tx, struct http_post *p, long status, const struct sw_error *err)
{
	struct sw_buf why = SW_BUF_INIT;
	int ok = 0;
	size_t i;

	if (status == 200 && p->is_sse) {
		struct sw_sse sse;

		sw_sse_init(&sse, 0);
		sw_sse_feed(&sse, p->body.ptr, p->body.len, find_result, &ok, NULL);
		sw_sse_feed(&sse, "\n\n", 2, find_result, &ok, NULL);
		sw_sse_release(&sse);
	} else if (status == 200) {
		cJSON *msg = NULL;

		ok = sw_json_parse(&msg, p->body.ptr, p->body.len, NULL) == 0 &&
		     cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(msg, "result"));
		cJSON_Delete(msg);
	}
	tx->reinit = REINIT_NONE;
	if (ok && tx->session) {
		tx->reinit_done = 1;
	} else {
		sw_buf_addf(&why, "the session with '%s' expired (HTTP 404) and a new one could not be started: ",
			    tx->conn->url);
		if (!status)
			sw_buf_adds(&why, err ? err->msg : "no answer");
		else if (ok)
			sw_buf_adds(&why, "the server gave no Mcp-Session-Id");
		else
			sw_buf_addf(&why, "initialize answered HTTP %ld", status);
		for (i = 0; i < tx->retry.nr; i++)
			fail_line(tx, tx->retry.v[i], why.ptr);
		sw_strvec_clear(&tx->retry);
		sw_buf_release(&why);
	}
	uv_timer_start(&tx->kick, on_kick, 0, 0);
}

static void post_done(struct sw_http_req *req, struct sw_http_response *resp, int rc,
		      const struct sw_error *err, void *data)
{
	struct http_post *p = data;
	struct http_tx *tx = p->tx;

	SW_UNUSED(req);
	p->req = NULL;
	if (tx->closed || tx->released) {
		post_free(p);
		return;
	}
	if (p->flags & POST_REINIT) {
		reinit_done(tx, p, rc < 0 ? 0 : resp->status, err);
	} else if (rc == 0 && resp->status == 404 && p->line && p->sent_session && !(p->flags & POST_RETRY)) {
		session_expired(tx, p);
	} else if (rc < 0) {
		if (p->id)
			feed_error(tx, p->id, "%s", err ? err->msg : "HTTP request failed");
	} else if (resp->status == 200 && !p->is_sse) {
		if (p->body.len) {
			jrpc_feed(tx->conn->rpc, p->body.ptr, p->body.len);
			jrpc_feed(tx->conn->rpc, "\n", 1);
		}
	} else if (resp->status >= 400 && p->id) {
		struct sw_buf snippet = SW_BUF_INIT;

		sw_buf_add(&snippet, p->body.ptr, p->body.len < 200 ? p->body.len : 200);
		feed_error(tx, p->id, "HTTP %ld from '%s'%s%s%s", resp->status, tx->conn->url,
			   resp->status == 404 && tx->session ? " (the session has ended)" : "",
			   snippet.len ? ": " : "", snippet.ptr);
		sw_buf_release(&snippet);
	}
	post_free(p);
}

static int get_headers(struct sw_http_req *req, struct sw_http_response *resp, void *data,
		       struct sw_error *err)
{
	struct http_tx *tx = data;

	SW_UNUSED(req);
	if (resp->status != 200 || !is_event_stream(resp))
		return sw_error_set(err, SW_EPROTO, "no GET stream");
	tx->get_ok = 1;
	return 0;
}

static int get_body(struct sw_http_req *req, const char *chunk, size_t len, void *data,
		    struct sw_error *err)
{
	struct http_tx *tx = data;

	SW_UNUSED(req);
	return sw_sse_feed(&tx->get_sse, chunk, len, feed_event, tx, err);
}

static void get_done(struct sw_http_req *req, struct sw_http_response *resp, int rc,
		     const struct sw_error *err, void *data)
{
	struct http_tx *tx = data;

	SW_UNUSED(req);
	SW_UNUSED(resp);
	SW_UNUSED(rc);
	SW_UNUSED(err);
	/* The stream is optional (405 is allowed); without it, notifications come on POST streams only. */
	tx->get = NULL;
	tx_maybe_free(tx);
}

static void open_get(struct http_tx *tx)
{
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_strvec h = SW_STRVEC_INIT;

	if (tx->get || tx->closed || !tx->session)
		return;
	add_headers(tx, &h, "text/event-stream");
	o.method = "GET";
	o.url = tx->conn->url;
	o.headers = (const char *const *)h.v;
	o.on_headers = get_headers;
	o.on_body = get_body;
	o.on_done = get_done;
	o.data = tx;
	/* A new session's stream starts clean; the old one may have left a partial event. */
	sw_sse_release(&tx->get_sse);
	sw_sse_init(&tx->get_sse, 0);
	if (sw_http_start(&tx->get, tx->conn->c->http, &o, NULL) < 0)
		tx->get = NULL;
	sw_strvec_clear(&h);
}

static int post_line(struct http_tx *tx, const char *line, size_t len, unsigned flags, struct sw_error *err)
{
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_strvec h = SW_STRVEC_INIT;
	struct http_post *p = sw_xcalloc(1, sizeof(*p));
	cJSON *msg = NULL;
	const cJSON *id, *method;
	int rc;

	p->tx = tx;
	p->flags = flags;
	sw_sse_init(&p->sse, 0);
	if (sw_json_parse(&msg, line, len, NULL) == 0) {
		id = cJSON_GetObjectItemCaseSensitive(msg, "id");
		method = cJSON_GetObjectItemCaseSensitive(msg, "method");
		if (id && method && !(flags & POST_REINIT)) {
			p->id = cJSON_Duplicate(id, 1);
			if (tx->session) {
				p->line = sw_xstrndup(line, len);
				p->sent_session = sw_xstrdup(tx->session);
			}
		}
		/* After initialized, open the stream for server-initiated messages. */
		if (cJSON_IsString(method) && !strcmp(method->valuestring, "notifications/initialized"))
			open_get(tx);
	}
	cJSON_Delete(msg);
	add_headers(tx, &h, "application/json, text/event-stream");
	o.method = "POST";
	o.url = tx->conn->url;
	o.headers = (const char *const *)h.v;
	o.body = line;
	o.body_len = len;
	o.on_headers = post_headers;
	o.on_body = post_body;
	o.on_done = post_done;
	o.data = p;
	p->next = tx->posts;
	if (tx->posts)
		tx->posts->prev = p;
	tx->posts = p;
	rc = sw_http_start(&p->req, tx->conn->c->http, &o, err);
	sw_strvec_clear(&h);
	if (rc < 0) {
		p->req = NULL;
		post_free(p);
	}
	return rc;
}

/* Starts a new session after the old one expired: the transport's own initialize. */
static void start_reinit(struct http_tx *tx)
{
	cJSON *msg = cJSON_CreateObject();
	struct sw_error err = SW_ERROR_INIT;
	char *txt;

	tx->reinit = REINIT_RUNNING;
	if (tx->get)
		sw_http_cancel(tx->get); /* it belonged to the old session */
	cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
	/* An id of the transport's own: the answer never reaches the JSON-RPC core. */
	cJSON_AddStringToObject(msg, "id", "specwright-reinitialize");
	cJSON_AddStringToObject(msg, "method", "initialize");
	cJSON_AddItemToObject(msg, "params", initialize_params(tx->conn));
	txt = cJSON_PrintUnformatted(msg);
	if (post_line(tx, txt, strlen(txt), POST_REINIT, &err) < 0) {
		struct http_post fake;

		memset(&fake, 0, sizeof(fake));
		reinit_done(tx, &fake, 0, &err);
	}
	free(txt);
	cJSON_Delete(msg);
}

/*
 * libcurl refuses new transfers from inside its own callbacks, and our
 * writes often happen there (an answer arrives, the next request goes out),
 * so lines are queued and POSTed from a zero-delay timer.
 */
static void on_kick(uv_timer_t *t)
{
	struct http_tx *tx = t->data;
	struct sw_strvec q = SW_STRVEC_INIT, r = SW_STRVEC_INIT;
	size_t i;

	if (tx->want_delete)
		send_delete(tx);
	if (tx->closed)
		return;
	if (tx->reinit == REINIT_WANTED) {
		start_reinit(tx);
		return;
	}
	if (tx->reinit == REINIT_RUNNING)
		return; /* everything waits for the new session */
	if (tx->reinit_done) {
		static const char initialized[] = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
		struct sw_error err = SW_ERROR_INIT;

		tx->reinit_done = 0;
		post_line(tx, initialized, strlen(initialized), 0, &err);
	}
	r = tx->retry;
	tx->retry = (struct sw_strvec)SW_STRVEC_INIT;
	for (i = 0; i < r.nr && !tx->closed; i++) {
		struct sw_error err = SW_ERROR_INIT;

		if (post_line(tx, r.v[i], strlen(r.v[i]), POST_RETRY, &err) < 0)
			fail_line(tx, r.v[i], err.msg);
	}
	sw_strvec_clear(&r);
	q = tx->queue;
	tx->queue = (struct sw_strvec)SW_STRVEC_INIT;
	for (i = 0; i < q.nr && !tx->closed; i++) {
		struct sw_error err = SW_ERROR_INIT;

		if (post_line(tx, q.v[i], strlen(q.v[i]), 0, &err) < 0) {
			cJSON *msg = NULL;
			const cJSON *id;

			/* A request that cannot be sent is answered with the reason. */
			if (sw_json_parse(&msg, q.v[i], strlen(q.v[i]), NULL) == 0 &&
			    (id = cJSON_GetObjectItemCaseSensitive(msg, "id")) &&
			    cJSON_GetObjectItemCaseSensitive(msg, "method"))
				feed_error(tx, id, "%s", err.msg);
			cJSON_Delete(msg);
		}
	}
	sw_strvec_clear(&q);
}

static int tx_write(void *self, const char *buf, size_t len, struct sw_error *err)
{
	struct http_tx *tx = self;
	size_t start = 0, i;

	if (tx->closed)
		return sw_error_set(err, SW_EIO, "the connection to '%s' is closed", tx->conn->url);
	for (i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n')
			continue;
		if (i > start)
			sw_strvec_push_take(&tx->queue, sw_xstrndup(buf + start, i - start));
		start = i + 1;
	}
	uv_timer_start(&tx->kick, on_kick, 0, 0);
	return 0;
}

static void delete_done(struct sw_http_req *req, struct sw_http_response *resp, int rc,
			const struct sw_error *err, void *data)
{
	struct http_tx *tx = data;

	SW_UNUSED(req);
	SW_UNUSED(resp);
	SW_UNUSED(rc);
	SW_UNUSED(err);
	tx->deleting = 0;
	tx_maybe_free(tx);
}

static void send_delete(struct http_tx *tx)
{
	/* End the session on the server; it may answer 405, which is fine. */
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_strvec h = SW_STRVEC_INIT;

	tx->want_delete = 0;
	sw_strvec_pushf(&h, "Mcp-Session-Id: %s", tx->session);
	sw_strvec_pushv(&h, (const char *const *)tx->conn->headers.v);
	o.method = "DELETE";
	o.url = tx->conn->url;
	o.headers = (const char *const *)h.v;
	o.total_timeout_ms = 2000;
	o.on_done = delete_done;
	o.data = tx;
	if (sw_http_start(NULL, tx->conn->c->http, &o, NULL) == 0)
		tx->deleting = 1;
	sw_strvec_clear(&h);
	tx_maybe_free(tx);
}

static void tx_close(void *self)
{
	struct http_tx *tx = self;
	struct http_post *p;

	if (tx->closed)
		return;
	tx->closed = 1;
	if (tx->get)
		sw_http_cancel(tx->get);
	for (p = tx->posts; p; p = p->next)
		if (p->req)
			sw_http_cancel(p->req);
	if (tx->session) {
		tx->want_delete = 1;
		uv_timer_start(&tx->kick, on_kick, 0, 0);
	}
}

static void tx_release(void *self)
{
	struct http_tx *tx = self;

	tx->released = 1;
	tx_maybe_free(tx);
}

static const struct jrpc_transport_ops http_ops = { tx_write, tx_close, tx_release };

static int start_http(struct mcp_conn *conn, struct sw_error *err)
{
	struct http_tx *tx;
	int rc;

	if (!conn->c->http && (rc = sw_http_new(&conn->c->http, conn->c->o.loop, err)) < 0)
		return rc;
	tx = sw_xcalloc(1, sizeof(*tx));
	tx->conn = conn;
	tx->queue = (struct sw_strvec)SW_STRVEC_INIT;
	tx->retry = (struct sw_strvec)SW_STRVEC_INIT;
	uv_timer_init(conn->c->o.loop, &tx->kick);
	tx->kick.data = tx;
	tx->kick_open = 1;
	sw_sse_init(&tx->get_sse, 0);
	conn->tx = tx;
	jrpc_set_transport(conn->rpc, &http_ops, tx);
	return 0;
}

/* ---- the client ---- */

void mcp_client_new(struct mcp_client **out, const struct mcp_client_opts *o)
{
	struct mcp_client *c = sw_xcalloc(1, sizeof(*c));

	assert(o->loop);
	c->o = *o;
	c->client_name = sw_xstrdup(o->client_name ? o->client_name : "specwright");
	c->client_version = sw_xstrdup(o->client_version ? o->client_version : SPECWRIGHT_VERSION);
	if (!c->o.shutdown_grace_ms)
		c->o.shutdown_grace_ms = 1000;
	*out = c;
}

static void push_all(struct sw_strvec *dst, const char *const *src)
{
	if (src)
		sw_strvec_pushv(dst, src);
}

int mcp_client_attach(struct mcp_client *c, const struct mcp_server_spec *spec, struct mcp_conn **out,
		      struct sw_error *err)
{
	struct mcp_conn *conn;
	struct jrpc_opts jo = JRPC_OPTS_INIT;
	struct sw_buf peer = SW_BUF_INIT;
	int rc;

	if (out)
		*out = NULL;
	if (!spec->name || !*spec->name)
		return sw_error_set(err, SW_EINVAL, "an MCP server needs a name");
	if (!(spec->argv && spec->argv[0]) == !spec->url)
		return sw_error_set(err, SW_EINVAL, "MCP server '%s' needs either a command or a url", spec->name);
	if (mcp_client_find_conn(c, spec->name))
		return sw_error_set(err, SW_EINVAL, "MCP server '%s' is attached already", spec->name);
	conn = sw_xcalloc(1, sizeof(*conn));
	conn->c = c;
	conn->name = sw_xstrdup(spec->name);
	conn->argv = (struct sw_strvec)SW_STRVEC_INIT;
	conn->env = (struct sw_strvec)SW_STRVEC_INIT;
	conn->headers = (struct sw_strvec)SW_STRVEC_INIT;
	conn->disabled = (struct sw_strvec)SW_STRVEC_INIT;
	push_all(&conn->argv, spec->argv);
	push_all(&conn->env, spec->env);
	push_all(&conn->headers, spec->headers);
	push_all(&conn->disabled, spec->disabled_tools);
	conn->cwd = spec->cwd ? sw_xstrdup(spec->cwd) : NULL;
	conn->url = spec->url ? sw_xstrdup(spec->url) : NULL;
	conn->connect_timeout_ms = spec->connect_timeout_ms ? spec->connect_timeout_ms : MCP_CONNECT_TIMEOUT_MS;
	conn->request_timeout_ms = spec->request_timeout_ms ? spec->request_timeout_ms : MCP_REQUEST_TIMEOUT_MS;
	sw_buf_init(&conn->err_tail, 0);
	SW_ALLOC_GROW(c->conns, c->nr_conns + 1, c->alloc_conns);
	c->conns[c->nr_conns++] = conn;

	/* jrpc quotes the peer name in its messages ("'github' exited with status 1"). */
	sw_buf_adds(&peer, conn->name);
	jo.name = peer.ptr;
	jo.default_timeout_ms = conn->request_timeout_ms;
	jo.on_cancel = on_cancel;
	jo.on_close = on_close;
	jo.data = conn;
	jrpc_new(&conn->rpc, c->o.loop, &jo);
	sw_buf_release(&peer);
	jrpc_on(conn->rpc, "ping", on_ping, conn);
	jrpc_on(conn->rpc, "notifications/tools/list_changed", on_list_changed, conn);
	jrpc_on(conn->rpc, "notifications/progress", on_progress, conn);
	jrpc_on(conn->rpc, "notifications/message", on_message, conn);
	if (out)
		*out = conn;
	{
		struct sw_error e = SW_ERROR_INIT;

		rc = conn->url ? start_http(conn, &e) : start_stdio(conn, &e);
		if (rc < 0) {
			/* Attached all the same, as FAILED: 'mcp list' shows why. */
			snprintf(conn->error, sizeof(conn->error), "%s", e.msg);
			conn->state = MCP_CONN_FAILED;
			conn_changed(conn);
			return 0;
		}
	}
	send_initialize(conn);
	return 0;
}

int mcp_client_attach_kiro(struct mcp_client *c, const struct kiro_mcp_server *k,
			   const struct mcp_kiro_attach_opts *o, struct mcp_conn **out, struct sw_error *err)
{
	static const struct mcp_kiro_attach_opts defaults = MCP_KIRO_ATTACH_OPTS_INIT;
	struct kiro_mcp_resolved r = KIRO_MCP_RESOLVED_INIT;
	struct mcp_server_spec spec = MCP_SERVER_SPEC_INIT;
	size_t i;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!o)
		o = &defaults;
	if (k->disabled)
		goto out;
	if ((rc = kiro_mcp_resolve(&r, k, o->lookup, o->lookup_ctx, err)) < 0)
		goto out;
	spec.name = k->name;
	if (r.url) {
		spec.url = r.url;
		spec.headers = (const char *const *)r.headers.v;
	} else {
		spec.argv = (const char *const *)r.argv.v;
		spec.env = (const char *const *)r.env.v;
		spec.cwd = o->cwd;
	}
	spec.disabled_tools = (const char *const *)k->disabled_tools.v;
	spec.connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms
				: k->timeout_ms > 0 ? (uint64_t)k->timeout_ms : 0;
	spec.request_timeout_ms = k->request_timeout_ms > 0 ? (uint64_t)k->request_timeout_ms : 0;
	if ((rc = mcp_client_attach(c, &spec, out, err)) < 0)
		goto out;
	for (i = 0; o->auto_approve && i < k->auto_approve.nr; i++)
		sw_strvec_pushf(o->auto_approve, "@%s/%s", k->name, k->auto_approve.v[i]);
out:
	kiro_mcp_resolved_release(&r);
	return rc;
}

static int any_starting(const struct mcp_client *c)
{
	size_t i;

	for (i = 0; i < c->nr_conns; i++)
		if (c->conns[i]->state == MCP_CONN_STARTING)
			return 1;
	return 0;
}

static void on_wait_timer(uv_timer_t *t)
{
	*(int *)t->data = 1;
}

size_t mcp_client_wait(struct mcp_client *c, uint64_t timeout_ms)
{
	uv_timer_t timer;
	int expired = 0;
	size_t i, ready = 0;

	uv_timer_init(c->o.loop, &timer);
	timer.data = &expired;
	if (timeout_ms)
		uv_timer_start(&timer, on_wait_timer, timeout_ms, 0);
	while (any_starting(c) && !expired)
		if (!uv_run(c->o.loop, UV_RUN_ONCE) && any_starting(c))
			break; /* nothing left that could finish the start */
	uv_close((uv_handle_t *)&timer, NULL);
	uv_run(c->o.loop, UV_RUN_NOWAIT);
	for (i = 0; i < c->nr_conns; i++)
		ready += c->conns[i]->state == MCP_CONN_READY;
	return ready;
}

size_t mcp_client_conn_count(const struct mcp_client *c)
{
	return c->nr_conns;
}

struct mcp_conn *mcp_client_conn(const struct mcp_client *c, size_t i)
{
	return i < c->nr_conns ? c->conns[i] : NULL;
}

struct mcp_conn *mcp_client_find_conn(const struct mcp_client *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nr_conns; i++)
		if (!strcmp(c->conns[i]->name, name))
			return c->conns[i];
	return NULL;
}

const char *mcp_conn_name(const struct mcp_conn *conn)
{
	return conn->name;
}

enum mcp_conn_state mcp_conn_state(const struct mcp_conn *conn)
{
	return conn->state;
}

const char *mcp_conn_state_name(enum mcp_conn_state s)
{
	switch (s) {
	case MCP_CONN_STARTING: return "starting";
	case MCP_CONN_READY: return "ready";
	case MCP_CONN_FAILED: return "failed";
	case MCP_CONN_CLOSED: return "closed";
	}
	return "unknown";
}

const char *mcp_conn_error(const struct mcp_conn *conn)
{
	return conn->error;
}

const char *mcp_conn_transport(const struct mcp_conn *conn)
{
	return conn->url ? "http" : "stdio";
}

const char *mcp_conn_protocol_version(const struct mcp_conn *conn)
{
	return conn->version;
}

const cJSON *mcp_conn_server_info(const struct mcp_conn *conn)
{
	return conn->server_info;
}

const cJSON *mcp_conn_capabilities(const struct mcp_conn *conn)
{
	return conn->caps;
}

const char *mcp_conn_instructions(const struct mcp_conn *conn)
{
	return conn->instructions;
}

size_t mcp_conn_tool_count(const struct mcp_conn *conn)
{
	return conn->state == MCP_CONN_READY ? conn->nr_tools : 0;
}

size_t mcp_client_tool_count(const struct mcp_client *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->nr_conns; i++)
		n += mcp_conn_tool_count(c->conns[i]);
	return n;
}

const struct mcp_tool *mcp_client_tool(const struct mcp_client *c, size_t i)
{
	size_t k;

	for (k = 0; k < c->nr_conns; k++) {
		size_t n = mcp_conn_tool_count(c->conns[k]);

		if (i < n)
			return &c->conns[k]->tools[i].t;
		i -= n;
	}
	return NULL;
}

const struct mcp_tool *mcp_client_find_tool(const struct mcp_client *c, const char *name)
{
	const char *slash;
	struct mcp_conn *conn;
	char *server;
	size_t i;

	if (*name == '@')
		name++;
	slash = strchr(name, '/');
	if (!slash)
		return NULL;
	server = sw_xstrndup(name, (size_t)(slash - name));
	conn = mcp_client_find_conn(c, server);
	free(server);
	if (!conn || conn->state != MCP_CONN_READY)
		return NULL;
	for (i = 0; i < conn->nr_tools; i++)
		if (!strcmp(conn->tools[i].t.tool, slash + 1))
			return &conn->tools[i].t;
	return NULL;
}

/* ---- calls ---- */

static void pending_unlink(struct mcp_pending *call)
{
	struct mcp_conn *conn = call->conn;

	if (call->prev)
		call->prev->next = call->next;
	else
		conn->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
}

static void on_call_response(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct mcp_pending *call = data;
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(rpc);
	pending_unlink(call);
	if (res->rc == SW_EPROTO) {
		sw_error_set(&err, SW_EPROTO, "%s", res->message ? res->message : "the server answered an error");
		call->o.on_result(call, SW_EPROTO, NULL, res->code, &err, call->o.data);
	} else if (res->rc < 0) {
		call->o.on_result(call, res->rc, NULL, 0, res->err, call->o.data);
	} else if (!cJSON_IsObject(res->result) ||
		   !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(res->result, "content"))) {
		sw_error_set(&err, SW_EPROTO, "mcp server '%s' answered tools/call without a 'content' array",
			     call->conn->name);
		call->o.on_result(call, SW_EPROTO, NULL, 0, &err, call->o.data);
	} else {
		call->o.on_result(call, 0, res->result, 0, NULL, call->o.data);
	}
	free(call);
}

int mcp_conn_call(struct mcp_conn *conn, const char *tool, const cJSON *args,
		  const struct mcp_call_opts *o, struct mcp_pending **out, struct sw_error *err)
{
	struct jrpc_call_opts jo = JRPC_CALL_OPTS_INIT;
	struct mcp_pending *call;
	cJSON *params;
	int rc;

	assert(o->on_result);
	if (out)
		*out = NULL;
	if (conn->state != MCP_CONN_READY)
		return sw_error_set(err, SW_ENOTFOUND, "mcp server '%s' is not ready (%s%s%s)", conn->name,
				    mcp_conn_state_name(conn->state), conn->error[0] ? ": " : "", conn->error);
	call = sw_xcalloc(1, sizeof(*call));
	call->conn = conn;
	call->o = *o;
	params = cJSON_CreateObject();
	cJSON_AddStringToObject(params, "name", tool);
	cJSON_AddItemToObject(params, "arguments", args ? cJSON_Duplicate(args, 1) : cJSON_CreateObject());
	if (o->on_progress) {
		snprintf(call->token, sizeof(call->token), "sw-%u", ++conn->next_token);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(params, "_meta"), "progressToken", call->token);
	}
	jo.timeout_ms = o->timeout_ms ? o->timeout_ms : conn->request_timeout_ms;
	jo.on_response = on_call_response;
	jo.data = call;
	call->next = conn->calls;
	if (conn->calls)
		conn->calls->prev = call;
	conn->calls = call;
	rc = jrpc_call_take(conn->rpc, &call->id, "tools/call", params, &jo, err);
	if (rc < 0) {
		pending_unlink(call);
		free(call);
		return rc;
	}
	if (out)
		*out = call;
	return 0;
}

int mcp_client_call(struct mcp_client *c, const char *name, const cJSON *args,
		    const struct mcp_call_opts *o, struct mcp_pending **out, struct sw_error *err)
{
	const struct mcp_tool *t = mcp_client_find_tool(c, name);

	if (out)
		*out = NULL;
	if (!t)
		return sw_error_set(err, SW_ENOTFOUND, "no MCP tool '%s' (see 'specwright mcp tools')", name);
	return mcp_conn_call(t->conn, t->tool, args, o, out, err);
}

void mcp_pending_cancel(struct mcp_pending *call)
{
	jrpc_cancel(call->conn->rpc, call->id);
}

struct sync_call {
	int done, rc;
	long long code;
	cJSON *result;
	struct sw_error err;
	mcp_progress_cb progress;
	void *pdata;
};

static void sync_result(struct mcp_pending *call, int rc, const cJSON *result, long long code,
			const struct sw_error *err, void *data)
{
	struct sync_call *s = data;

	SW_UNUSED(call);
	s->done = 1;
	s->rc = rc;
	s->code = code;
	if (result)
		s->result = cJSON_Duplicate(result, 1);
	if (err)
		s->err = *err;
}

static void sync_progress(struct mcp_pending *call, double progress, double total, const char *message,
			  void *data)
{
	struct sync_call *s = data;

	s->progress(call, progress, total, message, s->pdata);
}

int mcp_client_call_sync(struct mcp_client *c, const char *name, const cJSON *args, uint64_t timeout_ms,
			 mcp_progress_cb progress, void *pdata, cJSON **result, struct sw_error *err)
{
	struct mcp_call_opts o = MCP_CALL_OPTS_INIT;
	struct sync_call s;
	int rc;

	*result = NULL;
	memset(&s, 0, sizeof(s));
	s.progress = progress;
	s.pdata = pdata;
	o.timeout_ms = timeout_ms;
	o.on_result = sync_result;
	o.on_progress = progress ? sync_progress : NULL;
	o.data = &s;
	if ((rc = mcp_client_call(c, name, args, &o, NULL, err)) < 0)
		return rc;
	while (!s.done)
		uv_run(c->o.loop, UV_RUN_ONCE);
	if (s.rc < 0) {
		if (err)
			*err = s.err;
		return s.rc;
	}
	*result = s.result;
	return 0;
}

/* ---- shutdown ---- */

static int children_running(const struct mcp_client *c)
{
	size_t i;

	for (i = 0; i < c->nr_conns; i++)
		if (c->conns[i]->child_running)
			return 1;
	return 0;
}

static int http_busy(const struct mcp_client *c)
{
	size_t i;

	for (i = 0; i < c->nr_conns; i++) {
		const struct http_tx *tx = c->conns[i]->tx;

		if (tx && (tx->deleting || tx->posts || tx->get || tx->want_delete))
			return 1;
	}
	return 0;
}

static void conn_free(struct mcp_conn *conn)
{
	jrpc_free(conn->rpc);
	tools_release(conn);
	free(conn->tools);
	cJSON_Delete(conn->listing);
	cJSON_Delete(conn->server_info);
	cJSON_Delete(conn->caps);
	free(conn->instructions);
	free(conn->version);
	free(conn->name);
	free(conn->cwd);
	free(conn->url);
	sw_strvec_clear(&conn->argv);
	sw_strvec_clear(&conn->env);
	sw_strvec_clear(&conn->headers);
	sw_strvec_clear(&conn->disabled);
	sw_buf_release(&conn->err_tail);
	free(conn);
}

void mcp_client_free(struct mcp_client *c)
{
	uv_timer_t timer;
	int expired = 0, termed = 0;
	size_t i;

	if (!c)
		return;
	c->freeing = 1;
	/* 1. close stdin (and end HTTP sessions) */
	for (i = 0; i < c->nr_conns; i++) {
		c->conns[i]->state = MCP_CONN_CLOSED;
		jrpc_close(c->conns[i]->rpc);
	}
	/* 2. wait, then SIGTERM, then (base/proc) SIGKILL after the kill grace */
	uv_timer_init(c->o.loop, &timer);
	timer.data = &expired;
	uv_timer_start(&timer, on_wait_timer, c->o.shutdown_grace_ms, 0);
	while (children_running(c) || http_busy(c)) {
		if (expired && !termed) {
			termed = 1;
			for (i = 0; i < c->nr_conns; i++)
				if (c->conns[i]->child_running)
					sw_proc_terminate(jrpc_child(c->conns[i]->rpc));
			if (http_busy(c) && !children_running(c))
				break;
		}
		if (!uv_run(c->o.loop, UV_RUN_ONCE) && !expired)
			break;
	}
	uv_close((uv_handle_t *)&timer, NULL);
	for (i = 0; i < c->nr_conns; i++)
		conn_free(c->conns[i]);
	free(c->conns);
	sw_http_free(c->http);
	uv_run(c->o.loop, UV_RUN_NOWAIT);
	free(c->client_name);
	free(c->client_version);
	free(c);
}

void mcp_result_text(struct sw_buf *out, const cJSON *result)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(result, "content"), *b;

	cJSON_ArrayForEach(b, content) {
		const char *type = str_or(b, "type", "?");

		if (out->len && out->ptr[out->len - 1] != '\n')
			sw_buf_addch(out, '\n');
		if (!strcmp(type, "text"))
			sw_buf_adds(out, str_or(b, "text", ""));
		else if (!strcmp(type, "resource_link"))
			sw_buf_addf(out, "[link %s]", str_or(b, "uri", "?"));
		else if (!strcmp(type, "resource")) {
			const cJSON *r = cJSON_GetObjectItemCaseSensitive(b, "resource");

			if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "text")))
				sw_buf_adds(out, str_or(r, "text", ""));
			else
				sw_buf_addf(out, "[resource %s]", str_or(r, "uri", "?"));
		} else {
			sw_buf_addf(out, "[%s %s]", type, str_or(b, "mimeType", ""));
		}
	}
}
