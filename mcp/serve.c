/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serve.c - stdio and Streamable HTTP transports for the MCP server core.
 *
 * Both hand parsed messages to mcp_session_*() with an origin and put what
 * the session sends back where it belongs:
 *   stdio  origin = the jrpc request; a result or error answers it, a final
 *          NULL (cancelled call) drops it; notifications go out as they come.
 *   HTTP   origin = a struct post (one POST carrying a request).  Messages
 *          are held until it is clear whether the answer is one JSON object
 *          (the result came before the handler returned, alone) or an event
 *          stream (anything else); NULL origin goes to the session's GET
 *          stream if one is open, else it is dropped, as the transport allows.
 * A struct post lives until both its final message was sent and the HTTP
 * request is closed, whichever is later, because either side may go first.
 */
#include "base/compat.h"
#include "serve.h"
#include "protocol.h"
#include "base/http_server.h"
#include "base/jrpc.h"
#include "base/json.h"

#include <strings.h>
#include <sys/random.h>

#define KEEPALIVE_MS 15000

/* ---- stdio ---- */

struct mcp_stdio {
	struct jrpc *rpc;
	struct mcp_session *s;
	void (*on_end)(void *data);
	void *data;
	int sending;                  /* inside stdio_send: the session is on the stack */
	int end_due;                  /* the connection ended during a send */
	int ended;
};

static void stdio_end(struct mcp_stdio *io)
{
	io->ended = 1;
	/* Running calls are detached; their requests died with the connection. */
	mcp_session_free(io->s);
	io->s = NULL;
	if (io->on_end)
		io->on_end(io->data);
}

static void stdio_send(void *ctx, cJSON *msg, void *origin, int final)
{
	struct mcp_stdio *io = ctx;
	struct jrpc_request *req = origin;
	cJSON *item;

	/* Answering the last request after end of input ends the connection (drain_on_eof). */
	io->sending++;
	if (!msg) {
		if (final && req)
			jrpc_request_drop(req);
		goto out;
	}
	if ((item = cJSON_GetObjectItemCaseSensitive(msg, "method"))) {
		cJSON *params = cJSON_DetachItemFromObjectCaseSensitive(msg, "params");

		jrpc_notify_take(io->rpc, item->valuestring, params, NULL);
	} else if (!req) {
		/* An answer with no request behind it: an envelope error for a message jrpc let through. */
	} else if ((item = cJSON_DetachItemFromObjectCaseSensitive(msg, "result"))) {
		jrpc_reply_take(req, item, NULL);
	} else if ((item = cJSON_GetObjectItemCaseSensitive(msg, "error"))) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(item, "code");
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(item, "message");

		jrpc_reply_error(req, (long long)code->valuedouble, m->valuestring,
				 cJSON_DetachItemFromObjectCaseSensitive(item, "data"), NULL);
	}
	cJSON_Delete(msg);
out:
	/*
	 * The connection ended under this send (the last answer after end of
	 * input, or a failed write): end the session now that the write is
	 * done.  The session's frames above us touch only the call, never the
	 * session, once its send returns.
	 */
	if (--io->sending == 0 && io->end_due && !io->ended)
		stdio_end(io);
}

static void stdio_method(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			 const cJSON *params, void *data)
{
	struct mcp_stdio *io = data;

	SW_UNUSED(rpc);
	mcp_session_dispatch(io->s, method, req ? jrpc_request_id(req) : NULL, params, req);
}

static void stdio_closed(struct jrpc *rpc, const struct sw_error *err, void *data)
{
	struct mcp_stdio *io = data;

	SW_UNUSED(rpc);
	SW_UNUSED(err);
	if (io->ended)
		return;
	if (io->sending)
		io->end_due = 1;
	else
		stdio_end(io);
}

int mcp_stdio_start(struct mcp_stdio **out, struct mcp_server *srv, uv_loop_t *loop, int in_fd,
		    int out_fd, void (*on_end)(void *data), void *data, struct sw_error *err)
{
	struct mcp_stdio *io = sw_xcalloc(1, sizeof(*io));
	struct jrpc_opts o = JRPC_OPTS_INIT;
	int rc;

	*out = NULL;
	io->on_end = on_end;
	io->data = data;
	o.name = "mcp client";
	o.refuse_nul = 1;
	o.drain_on_eof = 1; /* a client may write its requests and close stdin: answer them all */
	o.on_close = stdio_closed;
	o.data = io;
	jrpc_new(&io->rpc, loop, &o);
	mcp_session_new(&io->s, srv, stdio_send, io);
	jrpc_on_default(io->rpc, stdio_method, io);
	if ((rc = jrpc_attach_fds(io->rpc, in_fd, out_fd, err)) < 0) {
		io->ended = 1;
		mcp_stdio_free(io);
		return rc;
	}
	*out = io;
	return 0;
}

void mcp_stdio_free(struct mcp_stdio *io)
{
	if (!io)
		return;
	io->ended = 1;
	mcp_session_free(io->s);
	jrpc_free(io->rpc);
	free(io);
}

/* ---- Streamable HTTP ---- */

struct http_session;

struct post {
	struct http_session *hs;      /* NULL once the session ended */
	struct sw_http_request *req;  /* NULL once the HTTP request closed */
	cJSON *held;                  /* messages not yet written */
	int in_handler;               /* inside mcp_session_handle */
	int streaming;                /* answered with an event stream */
	int final;                    /* the final message was sent */
	struct post *prev, *next;     /* the session's posts */
};

struct http_session {
	struct mcp_http *h;
	char id[33];
	struct mcp_session *s;
	struct sw_http_request *get;  /* the GET stream, or NULL */
	uint64_t used_ms;             /* uv_now of the last request */
	struct post *posts;
	struct http_session *prev, *next;
};

struct mcp_http {
	struct mcp_server *srv;
	uv_loop_t *loop;
	struct sw_http_server *http;
	char *path;
	char *token;
	struct sw_strvec origins;
	int loopback;                 /* bound to a loopback address */
	struct http_session *sessions;
	size_t nr_sessions;
	uv_timer_t keepalive;
	int keepalive_open;
};

static void post_maybe_free(struct post *p)
{
	if (p->req || !p->final)
		return;
	if (p->hs) {
		if (p->prev)
			p->prev->next = p->next;
		else
			p->hs->posts = p->next;
		if (p->next)
			p->next->prev = p->prev;
	}
	cJSON_Delete(p->held);
	free(p);
}

static void write_event(struct sw_http_request *req, cJSON *msg)
{
	char *txt = cJSON_PrintUnformatted(msg);

	sw_http_stream_sse(req, "message", NULL, txt, strlen(txt), NULL);
	free(txt);
}

/* Switches @p to an event stream and writes what was held. */
static void post_stream(struct post *p)
{
	cJSON *m;

	if (!p->req)
		return;
	if (!p->streaming) {
		p->streaming = 1;
		sw_http_stream_start(p->req, 200, "text/event-stream");
	}
	while ((m = cJSON_DetachItemFromArray(p->held, 0))) {
		write_event(p->req, m);
		cJSON_Delete(m);
	}
	if (p->final)
		sw_http_stream_end(p->req);
}

static void http_send(void *ctx, cJSON *msg, void *origin, int final)
{
	struct http_session *hs = ctx;
	struct post *p = origin;

	if (!p) {
		/* Not tied to a request: the GET stream if there is one. */
		if (msg && hs->get)
			write_event(hs->get, msg);
		cJSON_Delete(msg);
		return;
	}
	if (msg)
		cJSON_AddItemToArray(p->held, msg);
	if (final)
		p->final = 1;
	if (!p->in_handler && (p->streaming || msg || final)) {
		if (!p->streaming && final && !cJSON_GetArraySize(p->held)) {
			/* A cancelled call with nothing said: the POST still needs an answer. */
			if (p->req)
				sw_http_respond(p->req, 202, NULL, "", 0);
		} else {
			post_stream(p);
		}
	}
	if (final)
		post_maybe_free(p);
}

static void post_closed(struct sw_http_request *req, void *data)
{
	struct post *p = data;

	SW_UNUSED(req);
	p->req = NULL;
	post_maybe_free(p);
}

static void get_closed(struct sw_http_request *req, void *data)
{
	struct http_session *hs = data;

	if (hs->get == req)
		hs->get = NULL;
}

static void session_end(struct http_session *hs)
{
	struct mcp_http *h = hs->h;
	struct post *p, *next;

	if (hs->prev)
		hs->prev->next = hs->next;
	else
		h->sessions = hs->next;
	if (hs->next)
		hs->next->prev = hs->prev;
	h->nr_sessions--;
	mcp_session_free(hs->s); /* running calls are detached: no more sends */
	for (p = hs->posts; p; p = next) {
		next = p->next;
		p->hs = NULL;
		p->prev = p->next = NULL;
		if (p->req && !p->final) {
			/* The client ended the session under a running call: close its stream. */
			p->final = 1;
			if (p->streaming)
				sw_http_stream_end(p->req);
			else
				sw_http_respond(p->req, 404, "text/plain", "session ended\n", 14);
		}
		post_maybe_free(p);
	}
	if (hs->get) {
		sw_http_request_on_close(hs->get, NULL, NULL);
		sw_http_stream_end(hs->get);
	}
	free(hs);
}

static struct http_session *session_find(struct mcp_http *h, const char *id)
{
	struct http_session *hs;

	for (hs = h->sessions; id && hs; hs = hs->next)
		if (!strcmp(hs->id, id))
			return hs;
	return NULL;
}

static struct http_session *session_create(struct mcp_http *h)
{
	struct http_session *hs = sw_xcalloc(1, sizeof(*hs));
	unsigned char rnd[16];
	size_t i, got = 0;

	while (got < sizeof(rnd)) {
		ssize_t n = getrandom(rnd + got, sizeof(rnd) - got, 0);

		if (n > 0)
			got += (size_t)n;
		else if (errno != EINTR)
			SW_BUG("getrandom failed: %s", strerror(errno));
	}
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(hs->id + 2 * i, 3, "%02x", rnd[i]);
	if (h->nr_sessions >= MCP_HTTP_MAX_SESSIONS) {
		/* Evict the least recently used session with nothing running. */
		struct http_session *it, *lru = NULL;

		for (it = h->sessions; it; it = it->next)
			if (!mcp_session_pending(it->s) && !it->get && (!lru || it->used_ms < lru->used_ms))
				lru = it;
		if (lru)
			session_end(lru);
	}
	hs->h = h;
	mcp_session_new(&hs->s, h->srv, http_send, hs);
	hs->next = h->sessions;
	if (h->sessions)
		h->sessions->prev = hs;
	h->sessions = hs;
	h->nr_sessions++;
	return hs;
}

static void reply_status(struct sw_http_request *req, unsigned status, int code, const char *message)
{
	struct sw_buf b = SW_BUF_INIT;

	sw_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,\"message\":\"", code);
	sw_buf_add_json_escaped(&b, message, strlen(message));
	sw_buf_adds(&b, "\"}}");
	sw_http_respond(req, status, "application/json", b.ptr, b.len);
	sw_buf_release(&b);
}

/* A loopback host name or address, with or without a port. */
static int loopback_host(const char *host)
{
	static const char *const names[] = { "127.0.0.1", "localhost", "[::1]" };
	size_t i, n;

	for (i = 0; i < SW_ARRAY_SIZE(names); i++) {
		n = strlen(names[i]);
		if (!strncasecmp(host, names[i], n) && (host[n] == '\0' || host[n] == ':'))
			return 1;
	}
	return 0;
}

static int origin_ok(struct mcp_http *h, const char *origin)
{
	const char *rest;

	if (!origin)
		return 1; /* not a browser */
	if (sw_strvec_contains(&h->origins, origin))
		return 1;
	if (sw_skip_prefix(origin, "http://", &rest) || sw_skip_prefix(origin, "https://", &rest))
		return loopback_host(rest) && !strchr(rest, '/');
	return 0;
}

/* Compares without an early exit, so timing does not tell how much of a token matched. */
static int token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = (unsigned char)(la != lb);

	for (i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return d == 0;
}

static int accepts(const char *accept, const char *type)
{
	return !accept || strstr(accept, type) || strstr(accept, "*/*");
}

/* Checks common to every method; answers and returns -1 on refusal. */
static int gatekeep(struct mcp_http *h, struct sw_http_request *req)
{
	const char *origin = sw_http_request_header(req, "Origin");
	const char *host = sw_http_request_header(req, "Host");
	const char *auth;

	if (!origin_ok(h, origin)) {
		reply_status(req, 403, -32000, "Forbidden: origin not allowed");
		return -1;
	}
	if (h->loopback && host && !loopback_host(host)) {
		reply_status(req, 403, -32000, "Forbidden: host not allowed");
		return -1;
	}
	if (h->token) {
		const char *v;

		auth = sw_http_request_header(req, "Authorization");
		if (!auth || !sw_skip_prefix(auth, "Bearer ", &v) || !token_equal(v, h->token)) {
			sw_http_request_add_header(req, "WWW-Authenticate", "Bearer");
			reply_status(req, 401, -32000, "Unauthorized: a valid bearer token is required");
			return -1;
		}
	}
	return 0;
}

/* The session named by the request's Mcp-Session-Id; answers 400/404 when there is none. */
static struct http_session *session_of(struct mcp_http *h, struct sw_http_request *req)
{
	const char *id = sw_http_request_header(req, "Mcp-Session-Id");
	const char *pv = sw_http_request_header(req, "MCP-Protocol-Version");
	struct http_session *hs;

	if (!id) {
		reply_status(req, 400, -32000, "Bad Request: missing Mcp-Session-Id header");
		return NULL;
	}
	hs = session_find(h, id);
	if (!hs) {
		reply_status(req, 404, -32001, "Session not found");
		return NULL;
	}
	if (pv && !mcp_version_supported(pv)) {
		reply_status(req, 400, -32000, "Bad Request: unsupported MCP-Protocol-Version");
		return NULL;
	}
	hs->used_ms = uv_now(h->loop);
	return hs;
}

static int is_initialize(const cJSON *msg)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");

	return cJSON_IsString(m) && !strcmp(m->valuestring, "initialize") &&
	       cJSON_GetObjectItemCaseSensitive(msg, "id");
}

static void on_post(struct mcp_http *h, struct sw_http_request *req)
{
	const char *ctype = sw_http_request_header(req, "Content-Type");
	const char *accept = sw_http_request_header(req, "Accept");
	struct sw_error err = SW_ERROR_INIT;
	struct http_session *hs;
	struct post *p;
	cJSON *msg = NULL;
	size_t len, nul;
	const char *body = sw_http_request_body(req, &len);

	if (!ctype || strncasecmp(ctype, "application/json", 16)) {
		reply_status(req, 415, -32000, "Unsupported Media Type: Content-Type must be application/json");
		return;
	}
	if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream")) {
		reply_status(req, 406, -32000,
			     "Not Acceptable: Accept must list application/json and text/event-stream");
		return;
	}
	if (sw_json_parse(&msg, body, len, &err) < 0) {
		struct sw_buf m = SW_BUF_INIT;

		sw_buf_addf(&m, "Parse error: %d:%d: %s", err.line, err.col, err.msg);
		reply_status(req, 400, MCP_PARSE_ERROR, m.ptr);
		sw_buf_release(&m);
		return;
	}
	if (sw_json_find_nul(body, len, &nul)) {
		/* cJSON would hand the tools strings cut at the NUL; refuse instead */
		struct sw_buf m = SW_BUF_INIT;
		int l, c;

		sw_text_position(body, nul, &l, &c);
		sw_buf_addf(&m, "invalid params: a string holds \\u0000 (a NUL byte) at %d:%d; names, paths and "
			    "arguments must not contain NUL", l, c);
		cJSON_Delete(msg);
		reply_status(req, 400, MCP_INVALID_PARAMS, m.ptr);
		sw_buf_release(&m);
		return;
	}
	if (is_initialize(msg)) {
		hs = session_create(h);
		hs->used_ms = uv_now(h->loop);
		sw_http_request_add_header(req, "Mcp-Session-Id", hs->id);
	} else if (!(hs = session_of(h, req))) {
		cJSON_Delete(msg);
		return;
	}
	p = sw_xcalloc(1, sizeof(*p));
	p->hs = hs;
	p->req = req;
	p->held = cJSON_CreateArray();
	p->next = hs->posts;
	if (hs->posts)
		hs->posts->prev = p;
	hs->posts = p;
	sw_http_request_on_close(req, post_closed, p);
	p->in_handler = 1;
	mcp_session_handle(hs->s, msg, p);
	cJSON_Delete(msg);
	p->in_handler = 0;
	if (p->final && !cJSON_GetArraySize(p->held)) {
		sw_http_respond(req, 202, NULL, "", 0); /* a notification or a response */
	} else if (p->final && cJSON_GetArraySize(p->held) == 1) {
		char *txt = cJSON_PrintUnformatted(cJSON_GetArrayItem(p->held, 0));

		sw_http_respond(req, 200, "application/json", txt, strlen(txt));
		free(txt);
	} else if (cJSON_GetArraySize(p->held) || p->final) {
		post_stream(p);
	}
	/* Otherwise the call is running and has said nothing yet: the stream opens with its first message. */
	if (p->final)
		post_maybe_free(p);
}

static void on_get(struct mcp_http *h, struct sw_http_request *req)
{
	struct http_session *hs;

	if (!accepts(sw_http_request_header(req, "Accept"), "text/event-stream")) {
		reply_status(req, 406, -32000, "Not Acceptable: Accept must list text/event-stream");
		return;
	}
	if (!(hs = session_of(h, req)))
		return;
	if (hs->get) {
		reply_status(req, 409, -32000, "Conflict: the session already has a GET stream");
		return;
	}
	hs->get = req;
	sw_http_request_on_close(req, get_closed, hs);
	sw_http_stream_start(req, 200, "text/event-stream");
	/* Headers go out now: a client must not wait for the first event to learn the stream is open. */
	sw_http_stream_write(req, ": stream open\n\n", 16, NULL);
}

static void on_delete(struct mcp_http *h, struct sw_http_request *req)
{
	struct http_session *hs = session_of(h, req);

	if (!hs)
		return;
	session_end(hs);
	sw_http_respond(req, 200, NULL, "", 0);
}

static void on_request(struct sw_http_request *req, void *data)
{
	struct mcp_http *h = data;
	const char *m = sw_http_request_method(req);

	if (gatekeep(h, req) < 0)
		return;
	if (!strcmp(m, "POST"))
		on_post(h, req);
	else if (!strcmp(m, "GET"))
		on_get(h, req);
	else if (!strcmp(m, "DELETE"))
		on_delete(h, req);
	else {
		sw_http_request_add_header(req, "Allow", "GET, POST, DELETE");
		reply_status(req, 405, -32000, "Method Not Allowed");
	}
}

static void on_keepalive(uv_timer_t *t)
{
	struct mcp_http *h = t->data;
	struct http_session *hs;

	/* A write to a vanished client is how the stream learns it is gone. */
	for (hs = h->sessions; hs; hs = hs->next)
		if (hs->get)
			sw_http_stream_write(hs->get, ": keepalive\n\n", 13, NULL);
}

int mcp_http_start(struct mcp_http **out, struct mcp_server *srv, uv_loop_t *loop,
		   const struct mcp_http_opts *o, struct sw_error *err)
{
	struct mcp_http *h = sw_xcalloc(1, sizeof(*h));
	struct sw_http_server_opts so = SW_HTTP_SERVER_OPTS_INIT;
	const char *host = o->host ? o->host : "127.0.0.1";
	int rc;

	*out = NULL;
	h->srv = srv;
	h->loop = loop;
	h->path = sw_xstrdup(o->path ? o->path : "/mcp");
	h->token = o->token ? sw_xstrdup(o->token) : NULL;
	h->origins = (struct sw_strvec)SW_STRVEC_INIT;
	if (o->origins)
		sw_strvec_pushv(&h->origins, (const char *const *)o->origins->v);
	h->loopback = loopback_host(host) || sw_starts_with(host, "127.") || !strcmp(host, "::1");
	so.host = host;
	so.port = o->port;
	/* Parked event streams are exempt from the idle timeout; keepalives find dead clients. */
	if (o->idle_timeout_s)
		so.idle_timeout_s = o->idle_timeout_s;
	if (o->header_timeout_s)
		so.header_timeout_s = o->header_timeout_s;
	so.max_connections = o->max_connections;
	so.max_per_ip = o->max_per_ip;
	if ((rc = sw_http_server_start(&h->http, loop, &so, err)) < 0) {
		mcp_http_free(h);
		return rc;
	}
	sw_http_server_route(h->http, NULL, h->path, on_request, h);
	uv_timer_init(loop, &h->keepalive);
	h->keepalive.data = h;
	h->keepalive_open = 1;
	uv_timer_start(&h->keepalive, on_keepalive, KEEPALIVE_MS, KEEPALIVE_MS);
	uv_unref((uv_handle_t *)&h->keepalive);
	*out = h;
	return 0;
}

unsigned mcp_http_port(const struct mcp_http *h)
{
	return sw_http_server_port(h->http);
}

size_t mcp_http_sessions(const struct mcp_http *h)
{
	return h->nr_sessions;
}

static void keepalive_closed(uv_handle_t *handle)
{
	free(handle->data);
}

void mcp_http_free(struct mcp_http *h)
{
	if (!h)
		return;
	while (h->sessions)
		session_end(h->sessions);
	sw_http_server_free(h->http);
	free(h->path);
	free(h->token);
	sw_strvec_clear(&h->origins);
	if (h->keepalive_open) {
		uv_timer_stop(&h->keepalive);
		uv_close((uv_handle_t *)&h->keepalive, keepalive_closed);
		return;
	}
	free(h);
}
