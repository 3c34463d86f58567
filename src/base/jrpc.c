/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jrpc.c - JSON-RPC 2.0 over NDJSON (see jrpc.h for the contract).
 *
 * State: our outstanding requests (a list; connections carry a handful at
 * a time, so lookups are linear), the peer's unanswered requests (a list),
 * an input buffer with a consumed offset and a newline scan offset, and one
 * timer armed at the earliest request deadline.
 *
 * Re-entrancy: any callback may call back into the connection, including
 * jrpc_feed() (an in-memory transport that loops back), jrpc_close() and
 * jrpc_free().  Entry points that run callbacks hold rpc->busy; freeing is
 * deferred until busy drops to zero and every libuv handle has closed.  The
 * line being dispatched is parsed before any callback runs, so a callback
 * that grows the input buffer cannot pull it from under the parser.
 */
#include "compat.h"
#include "jrpc.h"
#include "json.h"

#include <math.h>
#include <unistd.h>

struct method {
	char *name;
	jrpc_method_cb cb;
	void *data;
};

struct pending {
	int64_t id;
	char *method;
	uint64_t deadline;     /* uv_now() time; 0: none */
	uint64_t timeout_ms;   /* for the message */
	jrpc_response_cb cb;
	void *data;
	struct pending *next;
};

struct jrpc_request {
	struct jrpc *rpc;
	cJSON *id;             /* the peer's id, owned */
	char *method;
	int cancelled;         /* jrpc_request_cancel ran */
	int closing;           /* inside the close hook: replies are no-ops */
	jrpc_request_cancel_cb on_cancel;
	void *cancel_data;
	struct jrpc_request *prev, *next;
};

/* A libuv handle owned by the connection; freed by its close callback. */
struct owned_handle {
	union {
		uv_handle_t handle;
		uv_stream_t stream;
		uv_pipe_t pipe;
		uv_tty_t tty;
		uv_tcp_t tcp;
	} u;
	struct jrpc *rpc;
};

struct write_req {
	uv_write_t req;
	struct jrpc *rpc;
	char *data;
};

struct jrpc {
	uv_loop_t *loop;
	struct jrpc_opts o;
	char *name;                   /* for messages */

	struct method *methods;
	size_t methods_nr, methods_alloc;
	jrpc_method_cb default_cb;
	void *default_data;

	const struct jrpc_transport_ops *ops;
	void *tself;

	struct sw_buf in;             /* unconsumed input from @off */
	size_t off;                   /* start of the current line */
	size_t scan;                  /* bytes before this hold no newline after @off */
	int discarding;               /* dropping an oversized line up to its newline */
	int dispatching;              /* inside process_input */

	int64_t next_id;
	struct pending *pending;
	size_t pending_nr;
	struct jrpc_request *reqs;

	uv_timer_t timer;
	int timer_open;
	int handles;                  /* open libuv handles; released at 0 */

	struct owned_handle *in_h, *out_h; /* jrpc_attach_fds; equal for a socket */
	int out_shutdown;             /* shutdown requested on out_h */
	int in_file, out_file;        /* regular files (not pollable): fds, else -1 */
	uv_fs_t in_req;               /* the read in flight on in_file */
	char *in_buf;

	struct sw_proc *child;        /* jrpc_attach_child */
	sw_proc_data_cb child_stderr;
	sw_proc_exit_cb child_exit;
	void *child_data;

	int busy;                     /* callbacks running; defer release */
	int eof;                      /* drain_on_eof: input ended, answering what is left */
	int closed;                   /* no more traffic */
	int freed;                    /* jrpc_free called */
};

static void maybe_release(struct jrpc *rpc);
static void on_timer(uv_timer_t *t);
static void drained_check(struct jrpc *rpc);

/* ---------- lifetime helpers ---------- */

static void enter(struct jrpc *rpc)
{
	rpc->busy++;
}

static void leave(struct jrpc *rpc)
{
	rpc->busy--;
	maybe_release(rpc);
}

static void release_all(struct jrpc *rpc)
{
	size_t i;

	if (rpc->ops && rpc->ops->release)
		rpc->ops->release(rpc->tself);
	for (i = 0; i < rpc->methods_nr; i++)
		free(rpc->methods[i].name);
	free(rpc->methods);
	sw_buf_release(&rpc->in);
	free(rpc->in_buf);
	free(rpc->name);
	free(rpc);
}

static void maybe_release(struct jrpc *rpc)
{
	if (rpc->freed && rpc->busy == 0 && rpc->handles == 0)
		release_all(rpc);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct owned_handle *oh = h->data;
	struct jrpc *rpc = oh->rpc;

	free(oh);
	rpc->handles--;
	maybe_release(rpc);
}

static void on_timer_closed(uv_handle_t *h)
{
	struct jrpc *rpc = h->data;

	rpc->handles--;
	maybe_release(rpc);
}

static void close_owned(struct jrpc *rpc, struct owned_handle **hp)
{
	struct owned_handle *oh = *hp;

	if (!oh)
		return;
	if (rpc->in_h == oh)
		rpc->in_h = NULL;
	if (rpc->out_h == oh)
		rpc->out_h = NULL;
	*hp = NULL;
	if (!uv_is_closing(&oh->u.handle))
		uv_close(&oh->u.handle, on_handle_closed);
}

/* ---------- writing ---------- */

static int send_msg(struct jrpc *rpc, cJSON *msg, struct sw_error *err)
{
	struct sw_buf b = SW_BUF_INIT;
	int rc = 0;

	if (rpc->closed || !rpc->ops) {
		rc = sw_error_set(err, SW_EIO, "connection to '%s' is closed", rpc->name);
		goto out;
	}
	sw_json_print(&b, msg, 0);
	sw_buf_addch(&b, '\n');
	rc = rpc->ops->write(rpc->tself, b.ptr, b.len, err);
out:
	sw_buf_release(&b);
	cJSON_Delete(msg);
	return rc;
}

static cJSON *new_msg(void)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "jsonrpc", "2.0");
	return m;
}

/* Sends an error response; @id is copied (NULL: null). @data consumed. */
static int send_error(struct jrpc *rpc, const cJSON *id, long long code, const char *message,
		      cJSON *data, struct sw_error *err)
{
	cJSON *m = new_msg(), *e = cJSON_CreateObject();

	cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
	cJSON_AddNumberToObject(e, "code", (double)code);
	cJSON_AddStringToObject(e, "message", message);
	if (data)
		cJSON_AddItemToObject(e, "data", data);
	cJSON_AddItemToObject(m, "error", e);
	return send_msg(rpc, m, err);
}

/* ---------- our requests ---------- */

static void arm_timer(struct jrpc *rpc)
{
	struct pending *p;
	uint64_t first = 0, now;

	if (!rpc->timer_open)
		return;
	for (p = rpc->pending; p; p = p->next)
		if (p->deadline && (!first || p->deadline < first))
			first = p->deadline;
	if (!first) {
		uv_timer_stop(&rpc->timer);
		return;
	}
	now = uv_now(rpc->loop);
	uv_timer_start(&rpc->timer, on_timer, first > now ? first - now : 0, 0);
}

static void unlink_pending(struct jrpc *rpc, struct pending *p)
{
	struct pending **pp;

	for (pp = &rpc->pending; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			rpc->pending_nr--;
			return;
		}
}

/* Completes @p (already unlinked) with @res and frees it. */
static void finish_pending(struct jrpc *rpc, struct pending *p, struct jrpc_response *res)
{
	res->id = p->id;
	res->method = p->method;
	if (p->cb)
		p->cb(rpc, res, p->data);
	free(p->method);
	free(p);
}

/* Gives up @p (unlinked) for @why: on_cancel first, then its callback. */
static void abandon_pending(struct jrpc *rpc, struct pending *p, int rc, enum jrpc_cancel_reason why,
			    const struct sw_error *err)
{
	struct jrpc_response res = { 0 };

	if (rpc->o.on_cancel)
		rpc->o.on_cancel(rpc, p->id, p->method, why, rpc->o.data);
	res.rc = rc;
	res.err = err;
	finish_pending(rpc, p, &res);
}

static void on_timer(uv_timer_t *t)
{
	struct jrpc *rpc = t->data;
	uint64_t now = uv_now(rpc->loop);
	struct pending *p;

	enter(rpc);
	for (;;) {
		struct sw_error err = SW_ERROR_INIT;

		for (p = rpc->pending; p; p = p->next)
			if (p->deadline && p->deadline <= now)
				break;
		if (!p)
			break;
		unlink_pending(rpc, p);
		sw_error_set(&err, SW_ETIMEOUT, "'%s' did not answer '%s' within %llu ms", rpc->name,
			     p->method, (unsigned long long)p->timeout_ms);
		abandon_pending(rpc, p, SW_ETIMEOUT, JRPC_CANCEL_TIMEOUT, &err);
	}
	if (!rpc->closed)
		arm_timer(rpc);
	leave(rpc);
}

/* ---------- the peer's requests ---------- */

static void unlink_request(struct jrpc_request *r)
{
	struct jrpc *rpc = r->rpc;

	if (r->prev)
		r->prev->next = r->next;
	else if (rpc->reqs == r)
		rpc->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
}

static void free_request(struct jrpc_request *r)
{
	cJSON_Delete(r->id);
	free(r->method);
	free(r);
}

/* ---------- connection end ---------- */

/* Ends all traffic; @err (may be NULL) explains to pending callbacks. */
static void shut_down(struct jrpc *rpc, const struct sw_error *why)
{
	struct sw_error err = SW_ERROR_INIT;
	struct pending *p;
	struct jrpc_request *r;

	if (rpc->closed)
		return;
	rpc->closed = 1;
	if (why)
		err = *why;
	else
		sw_error_set(&err, SW_EIO, "connection to '%s' closed", rpc->name);
	err.code = SW_EIO;
	if (rpc->ops && rpc->ops->close)
		rpc->ops->close(rpc->tself);
	if (rpc->timer_open)
		uv_timer_stop(&rpc->timer);
	while ((p = rpc->pending)) {
		unlink_pending(rpc, p);
		abandon_pending(rpc, p, SW_EIO, JRPC_CANCEL_CLOSED, &err);
	}
	while ((r = rpc->reqs)) {
		unlink_request(r);
		r->closing = 1;
		if (r->on_cancel)
			r->on_cancel(r, JRPC_CANCEL_CLOSED, r->cancel_data);
		free_request(r);
	}
}

/* The peer went away (end of input, exit, transport failure). */
static void peer_gone(struct jrpc *rpc, const struct sw_error *why)
{
	if (rpc->closed)
		return;
	shut_down(rpc, why);
	if (rpc->o.on_close)
		rpc->o.on_close(rpc, why, rpc->o.data);
}

/*
 * Input ended with drain_on_eof: nothing more can arrive, so our own calls
 * can never be answered and fail now; the peer's requests keep the
 * connection open for writing until the last one is answered or dropped.
 */
static void start_drain(struct jrpc *rpc)
{
	struct sw_error err = SW_ERROR_INIT;
	struct pending *p;

	rpc->eof = 1;
	sw_error_set(&err, SW_EIO, "'%s' closed its end before answering", rpc->name);
	while ((p = rpc->pending)) {
		unlink_pending(rpc, p);
		abandon_pending(rpc, p, SW_EIO, JRPC_CANCEL_CLOSED, &err);
	}
	if (rpc->timer_open)
		uv_timer_stop(&rpc->timer);
	drained_check(rpc);
}

/* After end of input: once no request of the peer is left, the connection ends. */
static void drained_check(struct jrpc *rpc)
{
	struct sw_error err = SW_ERROR_INIT;

	if (!rpc->eof || rpc->closed || rpc->reqs)
		return;
	sw_error_set(&err, SW_EIO, "'%s' closed the connection", rpc->name);
	peer_gone(rpc, &err);
}

/* ---------- reading ---------- */

static void report(struct jrpc *rpc, const struct sw_error *err)
{
	if (rpc->o.on_error)
		rpc->o.on_error(rpc, err, rpc->o.data);
}

static int valid_id(const cJSON *id)
{
	return cJSON_IsString(id) || cJSON_IsNumber(id) || cJSON_IsNull(id);
}

static void invalid_request(struct jrpc *rpc, const cJSON *id, const char *why)
{
	struct sw_error err = SW_ERROR_INIT;

	sw_error_set(&err, SW_EPROTO, "invalid message from '%s': %s", rpc->name, why);
	report(rpc, &err);
	send_error(rpc, id, JRPC_INVALID_REQUEST, "Invalid Request", cJSON_CreateString(why), NULL);
}

static const struct method *find_method(const struct jrpc *rpc, const char *name)
{
	size_t i;

	for (i = 0; i < rpc->methods_nr; i++)
		if (!strcmp(rpc->methods[i].name, name))
			return &rpc->methods[i];
	return NULL;
}

static void handle_call(struct jrpc *rpc, cJSON *msg, const char *method)
{
	cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
	const struct method *m = find_method(rpc, method);
	jrpc_method_cb cb = m ? m->cb : rpc->default_cb;
	void *data = m ? m->data : rpc->default_data;
	struct jrpc_request *r;

	if (id && !valid_id(id)) {
		invalid_request(rpc, NULL, "'id' must be a string, a number or null");
		return;
	}
	if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "2.0")) {
		if (id)
			invalid_request(rpc, id, "'jsonrpc' must be \"2.0\"");
		return;
	}
	if (params && !cJSON_IsObject(params) && !cJSON_IsArray(params)) {
		if (id)
			invalid_request(rpc, id, "'params' must be an object or an array");
		return;
	}
	if (!id) { /* notification: never answered, unknown ones ignored */
		if (cb)
			cb(rpc, NULL, method, params, data);
		return;
	}
	if (!cb) {
		cJSON *d = cJSON_CreateObject();

		cJSON_AddStringToObject(d, "method", method);
		send_error(rpc, id, JRPC_METHOD_NOT_FOUND, "Method not found", d, NULL);
		return;
	}
	r = sw_xcalloc(1, sizeof(*r));
	r->rpc = rpc;
	r->id = cJSON_Duplicate(id, 1);
	r->method = sw_xstrdup(method);
	r->next = rpc->reqs;
	if (rpc->reqs)
		rpc->reqs->prev = r;
	rpc->reqs = r;
	cb(rpc, r, method, params, data);
}

static void handle_response(struct jrpc *rpc, cJSON *msg)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(msg, "result");
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(msg, "error");
	struct sw_error err = SW_ERROR_INIT;
	struct jrpc_response res = { 0 };
	struct pending *p = NULL;

	if (!result && !error) {
		invalid_request(rpc, valid_id(id) ? id : NULL, "a message needs 'method', 'result' or 'error'");
		return;
	}
	if (cJSON_IsNumber(id) && isfinite(id->valuedouble))
		for (p = rpc->pending; p; p = p->next)
			if ((double)p->id == id->valuedouble)
				break;
	if (!p) {
		struct sw_buf ids = SW_BUF_INIT;

		if (id)
			sw_json_print(&ids, id, 0);
		else
			sw_buf_adds(&ids, "(none)");
		sw_error_set(&err, SW_EPROTO, "'%s' answered unknown request id %.64s", rpc->name, ids.ptr);
		sw_buf_release(&ids);
		report(rpc, &err);
		return;
	}
	unlink_pending(rpc, p);
	arm_timer(rpc);
	if (error) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(error, "code");
		const cJSON *message = cJSON_GetObjectItemCaseSensitive(error, "message");

		res.rc = SW_EPROTO;
		res.error = error;
		res.code = cJSON_IsNumber(code) ? (long long)code->valuedouble : 0;
		res.message = cJSON_IsString(message) ? message->valuestring : "";
		sw_error_set(&err, SW_EPROTO, "'%s' failed: %s (%lld)", p->method, res.message, res.code);
		res.err = &err;
	} else {
		res.result = result;
	}
	finish_pending(rpc, p, &res);
}

static void dispatch_line(struct jrpc *rpc, const char *line, size_t len)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *msg = NULL;
	const cJSON *method;
	size_t i, nul;

	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'); i++)
		;
	if (i == len)
		return; /* blank line */
	if (sw_json_parse(&msg, line, len, &err) < 0) {
		sw_error_prefix(&err, "bad message from '%s'", rpc->name);
		report(rpc, &err);
		send_error(rpc, NULL, JRPC_PARSE_ERROR, "Parse error", cJSON_CreateString(err.msg), NULL);
		return;
	}
	/*
	 * cJSON cuts a string at a decoded \u0000, so a name or path would be
	 * acted on cut short; peers that ask for it get the request refused.
	 */
	if (rpc->o.refuse_nul && cJSON_IsObject(msg) && cJSON_GetObjectItemCaseSensitive(msg, "method") &&
	    sw_json_find_nul(line, len, &nul)) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
		int l, c;

		sw_text_position(line, nul, &l, &c);
		sw_error_set(&err, SW_EINVAL,
			     "invalid params: a string holds \\u0000 (a NUL byte) at %d:%d; names, paths and "
			     "arguments must not contain NUL", l, c);
		report(rpc, &err);
		if (id && valid_id(id))
			send_error(rpc, id, JRPC_INVALID_PARAMS, err.msg, NULL, NULL);
		goto out;
	}
	/* From here on @line may move: callbacks can feed more input. */
	if (cJSON_IsArray(msg)) {
		invalid_request(rpc, NULL, "batches are not supported");
		goto out;
	}
	if (!cJSON_IsObject(msg)) {
		invalid_request(rpc, NULL, "a message must be a json object");
		goto out;
	}
	method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	if (method) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");

		if (!cJSON_IsString(method)) {
			invalid_request(rpc, valid_id(id) ? id : NULL, "'method' must be a string");
			goto out;
		}
		handle_call(rpc, msg, method->valuestring);
	} else {
		handle_response(rpc, msg);
	}
out:
	cJSON_Delete(msg);
}

static void too_big(struct jrpc *rpc)
{
	struct sw_error err = SW_ERROR_INIT;

	sw_error_set(&err, SW_ETOOBIG, "message from '%s' exceeds the %zu-byte limit", rpc->name,
		     rpc->o.max_message);
	report(rpc, &err);
	send_error(rpc, NULL, JRPC_INVALID_REQUEST, "Invalid Request", cJSON_CreateString(err.msg), NULL);
}

static void process_input(struct jrpc *rpc)
{
	if (rpc->dispatching)
		return;
	rpc->dispatching = 1;
	while (!rpc->closed) {
		char *start = rpc->in.ptr + rpc->off;
		char *nl = memchr(rpc->in.ptr + rpc->scan, '\n', rpc->in.len - rpc->scan);
		size_t n, next;

		if (!nl) {
			rpc->scan = rpc->in.len;
			if (rpc->discarding) {
				sw_buf_setlen(&rpc->in, rpc->off);
				rpc->scan = rpc->off;
			} else if (rpc->in.len - rpc->off > rpc->o.max_message) {
				sw_buf_setlen(&rpc->in, rpc->off);
				rpc->scan = rpc->off;
				rpc->discarding = 1;
			}
			break;
		}
		n = (size_t)(nl - start);
		next = (size_t)(nl - rpc->in.ptr) + 1;
		rpc->off = rpc->scan = next;
		if (rpc->discarding) {
			rpc->discarding = 0;
			too_big(rpc);
		} else if (n > rpc->o.max_message) {
			too_big(rpc);
		} else {
			/* Copy: a callback may grow (move) the buffer during dispatch. */
			char *line = sw_xmalloc(n + 1);

			memcpy(line, start, n); /* not strndup: the line may hold NUL bytes */
			line[n] = '\0';

			dispatch_line(rpc, line, n);
			free(line);
		}
	}
	if (rpc->off) {
		sw_buf_remove(&rpc->in, 0, rpc->off);
		rpc->scan -= rpc->off;
		rpc->off = 0;
	}
	rpc->dispatching = 0;
}

void jrpc_feed(struct jrpc *rpc, const char *buf, size_t len)
{
	if (rpc->closed || rpc->eof)
		return;
	enter(rpc);
	sw_buf_add(&rpc->in, buf, len);
	process_input(rpc);
	leave(rpc);
}

void jrpc_feed_eof(struct jrpc *rpc)
{
	struct sw_error err = SW_ERROR_INIT;

	if (rpc->closed || rpc->eof)
		return;
	enter(rpc);
	if (!rpc->dispatching && !rpc->discarding && rpc->in.len > rpc->off) {
		/* A last line without its newline still counts. */
		sw_buf_addch(&rpc->in, '\n');
		process_input(rpc);
	}
	if (rpc->o.drain_on_eof && !rpc->closed && !rpc->eof) {
		start_drain(rpc);
	} else if (!rpc->eof) {
		sw_error_set(&err, SW_EIO, "'%s' closed the connection", rpc->name);
		peer_gone(rpc, &err);
	}
	leave(rpc);
}

/* ---------- public: setup ---------- */

void jrpc_new(struct jrpc **out, uv_loop_t *loop, const struct jrpc_opts *o)
{
	struct jrpc *rpc = sw_xcalloc(1, sizeof(*rpc));
	struct jrpc_opts def = JRPC_OPTS_INIT;

	rpc->loop = loop;
	rpc->o = o ? *o : def;
	if (!rpc->o.max_message)
		rpc->o.max_message = JRPC_MAX_MESSAGE;
	rpc->name = sw_xstrdup(rpc->o.name ? rpc->o.name : "peer");
	rpc->in_file = rpc->out_file = -1;
	rpc->o.name = rpc->name;
	sw_buf_init(&rpc->in, 0);
	if (loop) {
		uv_timer_init(loop, &rpc->timer);
		rpc->timer.data = rpc;
		rpc->timer_open = 1;
		rpc->handles++;
	}
	*out = rpc;
}

void jrpc_on(struct jrpc *rpc, const char *method, jrpc_method_cb cb, void *data)
{
	size_t i;

	for (i = 0; i < rpc->methods_nr; i++)
		if (!strcmp(rpc->methods[i].name, method)) {
			rpc->methods[i].cb = cb;
			rpc->methods[i].data = data;
			return;
		}
	SW_ALLOC_GROW(rpc->methods, rpc->methods_nr + 1, rpc->methods_alloc);
	rpc->methods[rpc->methods_nr].name = sw_xstrdup(method);
	rpc->methods[rpc->methods_nr].cb = cb;
	rpc->methods[rpc->methods_nr].data = data;
	rpc->methods_nr++;
}

void jrpc_on_default(struct jrpc *rpc, jrpc_method_cb cb, void *data)
{
	rpc->default_cb = cb;
	rpc->default_data = data;
}

void jrpc_set_transport(struct jrpc *rpc, const struct jrpc_transport_ops *ops, void *self)
{
	assert(!rpc->ops);
	rpc->ops = ops;
	rpc->tself = self;
}

/* ---------- transport: file descriptors ---------- */

static void fd_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	SW_UNUSED(h);
	buf->base = sw_xmalloc(suggested);
	buf->len = suggested;
}

static void fd_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct owned_handle *oh = s->data;
	struct jrpc *rpc = oh->rpc;

	enter(rpc);
	if (n > 0) {
		jrpc_feed(rpc, buf->base, (size_t)n);
	} else if (n < 0) {
		uv_read_stop(s);
		if (n == UV_EOF) {
			jrpc_feed_eof(rpc);
		} else {
			struct sw_error err = SW_ERROR_INIT;

			sw_error_set(&err, SW_EIO, "cannot read from '%s': %s", rpc->name, uv_strerror((int)n));
			peer_gone(rpc, &err);
		}
	}
	free(buf->base);
	leave(rpc);
}

static void fd_written(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;
	struct jrpc *rpc = w->rpc;

	free(w->data);
	free(w);
	if (status < 0 && status != UV_ECANCELED) {
		struct sw_error err = SW_ERROR_INIT;

		enter(rpc);
		sw_error_set(&err, SW_EIO, "cannot write to '%s': %s", rpc->name, uv_strerror(status));
		peer_gone(rpc, &err);
		leave(rpc);
	}
}

static int fd_write(void *self, const char *buf, size_t len, struct sw_error *err)
{
	struct jrpc *rpc = self;
	struct write_req *w;
	uv_buf_t b;
	int r;

	if (rpc->out_file >= 0) {
		/* A regular file cannot be polled; writing to it does not block for long. */
		while (len) {
			ssize_t n = write(rpc->out_file, buf, len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return sw_error_errno(err, SW_EIO, "cannot write to '%s'", rpc->name);
			buf += n;
			len -= (size_t)n;
		}
		return 0;
	}
	if (!rpc->out_h || rpc->out_shutdown)
		return sw_error_set(err, SW_EIO, "connection to '%s' is closed", rpc->name);
	w = sw_xcalloc(1, sizeof(*w));
	w->rpc = rpc;
	w->data = sw_xmalloc(len);
	memcpy(w->data, buf, len);
	b = uv_buf_init(w->data, (unsigned int)len);
	r = uv_write(&w->req, &rpc->out_h->u.stream, &b, 1, fd_written);
	if (r < 0) {
		free(w->data);
		free(w);
		return sw_error_set(err, SW_EIO, "cannot write to '%s': %s", rpc->name, uv_strerror(r));
	}
	return 0;
}

static void fd_shutdown_done(uv_shutdown_t *req, int status)
{
	struct owned_handle *oh = req->handle->data;
	struct jrpc *rpc = oh->rpc;

	SW_UNUSED(status);
	free(req);
	if (!uv_is_closing(&oh->u.handle))
		uv_close(&oh->u.handle, on_handle_closed);
	if (rpc->out_h == oh)
		rpc->out_h = NULL;
}

static void fd_close(void *self)
{
	struct jrpc *rpc = self;
	struct owned_handle *out = rpc->out_h;
	uv_shutdown_t *req;

	rpc->in_file = -1;  /* a read in flight finishes unheard */
	rpc->out_file = -1;
	if (rpc->in_h && rpc->in_h != out) {
		uv_read_stop(&rpc->in_h->u.stream);
		close_owned(rpc, &rpc->in_h);
	} else if (rpc->in_h) {
		uv_read_stop(&rpc->in_h->u.stream);
		rpc->in_h = NULL;
	}
	if (!out || rpc->out_shutdown)
		return;
	rpc->out_shutdown = 1;
	/* Let queued answers drain before the handle closes. */
	req = sw_xcalloc(1, sizeof(*req));
	if (uv_shutdown(req, &out->u.stream, fd_shutdown_done) < 0) {
		free(req);
		close_owned(rpc, &rpc->out_h);
	}
}

static const struct jrpc_transport_ops fd_ops = { fd_write, fd_close, NULL };

static int open_fd(struct jrpc *rpc, struct owned_handle **out, int fd, int readable, struct sw_error *err)
{
	struct owned_handle *oh = sw_xcalloc(1, sizeof(*oh));
	uv_handle_type t = uv_guess_handle(fd);
	int r;

	oh->rpc = rpc;
	switch (t) {
	case UV_NAMED_PIPE:
		r = uv_pipe_init(rpc->loop, &oh->u.pipe, 0);
		if (r == 0 && (r = uv_pipe_open(&oh->u.pipe, fd)) < 0)
			break;
		break;
	case UV_TCP:
		r = uv_tcp_init(rpc->loop, &oh->u.tcp);
		if (r == 0 && (r = uv_tcp_open(&oh->u.tcp, fd)) < 0)
			break;
		break;
	case UV_TTY:
		r = uv_tty_init(rpc->loop, &oh->u.tty, fd, readable);
		break;
	default:
		free(oh);
		return sw_error_set(err, SW_EINVAL, "file descriptor %d is not a pipe, socket or terminal", fd);
	}
	if (r < 0) {
		/* The handle may be initialised; close it properly. */
		oh->u.handle.data = oh;
		if (uv_is_closing(&oh->u.handle) == 0 && oh->u.handle.loop) {
			rpc->handles++;
			uv_close(&oh->u.handle, on_handle_closed);
		} else {
			free(oh);
		}
		return sw_error_set(err, SW_EIO, "cannot use file descriptor %d: %s", fd, uv_strerror(r));
	}
	oh->u.handle.data = oh;
	rpc->handles++;
	*out = oh;
	return 0;
}

static void file_read_next(struct jrpc *rpc);

static void file_read_done(uv_fs_t *req)
{
	struct jrpc *rpc = req->data;
	ssize_t n = req->result;

	uv_fs_req_cleanup(req);
	rpc->handles--;
	enter(rpc);
	if (rpc->in_file >= 0 && !rpc->closed) {
		if (n > 0) {
			jrpc_feed(rpc, rpc->in_buf, (size_t)n);
			file_read_next(rpc);
		} else if (n == 0) {
			jrpc_feed_eof(rpc);
		} else {
			struct sw_error err = SW_ERROR_INIT;

			sw_error_set(&err, SW_EIO, "cannot read from '%s': %s", rpc->name, uv_strerror((int)n));
			peer_gone(rpc, &err);
		}
	}
	leave(rpc);
}

static void file_read_next(struct jrpc *rpc)
{
	uv_buf_t b;
	int r;

	if (rpc->in_file < 0 || rpc->closed || rpc->freed)
		return;
	if (!rpc->in_buf)
		rpc->in_buf = sw_xmalloc(65536);
	b = uv_buf_init(rpc->in_buf, 65536);
	rpc->in_req.data = rpc;
	r = uv_fs_read(rpc->loop, &rpc->in_req, rpc->in_file, &b, 1, -1, file_read_done);
	if (r < 0) {
		struct sw_error err = SW_ERROR_INIT;

		sw_error_set(&err, SW_EIO, "cannot read from '%s': %s", rpc->name, uv_strerror(r));
		peer_gone(rpc, &err);
		return;
	}
	rpc->handles++;
}

int jrpc_attach_fds(struct jrpc *rpc, int in_fd, int out_fd, struct sw_error *err)
{
	int rc;

	if (!rpc->loop)
		return sw_error_set(err, SW_EINVAL, "a connection over file descriptors needs an event loop");
	assert(!rpc->ops);
	/* Regular files (a saved session replayed, output to a file) are read and written directly. */
	if (uv_guess_handle(in_fd) == UV_FILE || uv_guess_handle(out_fd) == UV_FILE) {
		if (uv_guess_handle(out_fd) == UV_FILE)
			rpc->out_file = out_fd;
		else if ((rc = open_fd(rpc, &rpc->out_h, out_fd, 0, err)) < 0)
			return rc;
		if (uv_guess_handle(in_fd) == UV_FILE) {
			rpc->in_file = in_fd;
			file_read_next(rpc);
		} else {
			int r = 0;

			rc = open_fd(rpc, &rpc->in_h, in_fd, 1, err);
			if (rc == 0 && (r = uv_read_start(&rpc->in_h->u.stream, fd_alloc, fd_read)) < 0)
				rc = sw_error_set(err, SW_EIO, "cannot read file descriptor %d: %s", in_fd,
						  uv_strerror(r));
			if (rc < 0) {
				if (rpc->out_h)
					close_owned(rpc, &rpc->out_h);
				if (rpc->in_h)
					close_owned(rpc, &rpc->in_h);
				rpc->out_file = -1;
				return rc;
			}
		}
		jrpc_set_transport(rpc, &fd_ops, rpc);
		return 0;
	}
	if ((rc = open_fd(rpc, &rpc->in_h, in_fd, 1, err)) < 0)
		return rc;
	if (out_fd == in_fd) {
		rpc->out_h = rpc->in_h;
	} else if ((rc = open_fd(rpc, &rpc->out_h, out_fd, 0, err)) < 0) {
		close_owned(rpc, &rpc->in_h);
		return rc;
	}
	rc = uv_read_start(&rpc->in_h->u.stream, fd_alloc, fd_read);
	if (rc < 0) {
		int r = rc;

		if (rpc->out_h != rpc->in_h)
			close_owned(rpc, &rpc->out_h);
		close_owned(rpc, &rpc->in_h);
		rpc->out_h = NULL;
		return sw_error_set(err, SW_EIO, "cannot read file descriptor %d: %s", in_fd, uv_strerror(r));
	}
	jrpc_set_transport(rpc, &fd_ops, rpc);
	return 0;
}

/* ---------- transport: a child process ---------- */

static int child_write(void *self, const char *buf, size_t len, struct sw_error *err)
{
	struct jrpc *rpc = self;

	if (!rpc->child)
		return sw_error_set(err, SW_EIO, "'%s' is gone", rpc->name);
	return sw_proc_write(rpc->child, buf, len, err);
}

static void child_close(void *self)
{
	struct jrpc *rpc = self;

	if (rpc->child)
		sw_proc_close_stdin(rpc->child);
}

static const struct jrpc_transport_ops child_ops = { child_write, child_close, NULL };

static void child_stdout(struct sw_proc *p, const char *buf, size_t len, void *data)
{
	SW_UNUSED(p);
	jrpc_feed(data, buf, len);
}

static void child_stderr(struct sw_proc *p, const char *buf, size_t len, void *data)
{
	struct jrpc *rpc = data;

	if (rpc->child_stderr)
		rpc->child_stderr(p, buf, len, rpc->child_data);
}

static void child_exited(struct sw_proc *p, void *data)
{
	struct jrpc *rpc = data;

	enter(rpc);
	if (!rpc->closed) {
		struct sw_error err = SW_ERROR_INIT;
		struct sw_buf how = SW_BUF_INIT;

		if (!rpc->dispatching && !rpc->discarding && rpc->in.len > rpc->off) {
			sw_buf_addch(&rpc->in, '\n');
			process_input(rpc);
		}
		sw_proc_describe(p, &how);
		sw_error_set(&err, SW_EIO, "'%s' %s", rpc->name, how.ptr);
		sw_buf_release(&how);
		peer_gone(rpc, &err);
	}
	if (rpc->child_exit && !rpc->freed)
		rpc->child_exit(p, rpc->child_data);
	leave(rpc);
}

int jrpc_attach_child(struct jrpc *rpc, const struct sw_proc_opts *o, struct sw_error *err)
{
	struct sw_proc_opts c = *o;
	int rc;

	if (!rpc->loop)
		return sw_error_set(err, SW_EINVAL, "a connection to a child process needs an event loop");
	assert(!rpc->ops);
	rpc->child_stderr = o->on_stderr;
	rpc->child_exit = o->on_exit;
	rpc->child_data = o->data;
	c.stdin_data = NULL;
	c.stdin_len = 0;
	c.keep_stdin = 1;
	c.capture_stdout = 0;
	c.on_stdout = child_stdout;
	c.on_stderr = o->on_stderr ? child_stderr : NULL;
	c.on_exit = child_exited;
	c.data = rpc;
	if ((rc = sw_proc_start(&rpc->child, rpc->loop, &c, err)) < 0)
		return rc;
	jrpc_set_transport(rpc, &child_ops, rpc);
	return 0;
}

struct sw_proc *jrpc_child(struct jrpc *rpc)
{
	return rpc->child;
}

/* ---------- public: talking ---------- */

int jrpc_call_take(struct jrpc *rpc, int64_t *id_out, const char *method, cJSON *params,
		   const struct jrpc_call_opts *o, struct sw_error *err)
{
	struct jrpc_call_opts def = JRPC_CALL_OPTS_INIT;
	cJSON *m = new_msg();
	struct pending *p;
	uint64_t timeout;
	int64_t id;
	int rc;

	if (!o)
		o = &def;
	if (rpc->eof) {
		/* The peer's end is closed: no answer could ever come. */
		cJSON_Delete(m);
		cJSON_Delete(params);
		return sw_error_set(err, SW_EIO, "'%s' closed its end: cannot call '%s'", rpc->name, method);
	}
	/* Registered before sending: a synchronous transport may answer at once. */
	p = sw_xcalloc(1, sizeof(*p));
	p->id = rpc->next_id++;
	p->method = sw_xstrdup(method);
	p->cb = o->on_response;
	p->data = o->data;
	timeout = o->timeout_ms ? o->timeout_ms : rpc->o.default_timeout_ms;
	if (timeout && rpc->loop)
		p->deadline = uv_now(rpc->loop) + timeout;
	p->timeout_ms = timeout;
	p->next = rpc->pending;
	rpc->pending = p;
	rpc->pending_nr++;
	id = p->id;
	cJSON_AddNumberToObject(m, "id", (double)id);
	cJSON_AddStringToObject(m, "method", method);
	if (params)
		cJSON_AddItemToObject(m, "params", params);
	enter(rpc);
	rc = send_msg(rpc, m, err);
	if (rc < 0) {
		/* Still ours unless the transport's failure already closed the connection. */
		struct pending *q;

		for (q = rpc->pending; q && q != p; q = q->next)
			;
		if (q) {
			unlink_pending(rpc, p);
			free(p->method);
			free(p);
		}
	} else {
		if (id_out)
			*id_out = id;
		arm_timer(rpc);
	}
	leave(rpc);
	return rc;
}

int jrpc_notify_take(struct jrpc *rpc, const char *method, cJSON *params, struct sw_error *err)
{
	cJSON *m = new_msg();

	cJSON_AddStringToObject(m, "method", method);
	if (params)
		cJSON_AddItemToObject(m, "params", params);
	return send_msg(rpc, m, err);
}

struct sync_state {
	int done;
	int rc;
	cJSON *result;
	long long code;
	struct sw_error err;
};

static void sync_done(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct sync_state *s = data;

	SW_UNUSED(rpc);
	s->done = 1;
	s->rc = res->rc;
	s->code = res->code;
	if (res->rc == 0)
		s->result = cJSON_Duplicate(res->result, 1);
	else if (res->err)
		s->err = *res->err;
}

int jrpc_call_sync(struct jrpc *rpc, cJSON **result, long long *code_out, const char *method,
		   cJSON *params, uint64_t timeout_ms, struct sw_error *err)
{
	struct sync_state s = { 0, 0, NULL, 0, SW_ERROR_INIT };
	struct jrpc_call_opts o = JRPC_CALL_OPTS_INIT;
	uv_loop_t *loop = rpc->loop;
	int rc;

	*result = NULL;
	if (code_out)
		*code_out = 0;
	if (!loop) {
		cJSON_Delete(params);
		return sw_error_set(err, SW_EINVAL, "a synchronous call needs an event loop");
	}
	o.timeout_ms = timeout_ms;
	o.on_response = sync_done;
	o.data = &s;
	if ((rc = jrpc_call_take(rpc, NULL, method, params, &o, err)) < 0)
		return rc;
	while (!s.done && uv_run(loop, UV_RUN_ONCE))
		;
	if (!s.done)
		return sw_error_set(err, SW_EIO, "the event loop stopped before '%s' answered '%s'",
				    rpc->name, method);
	if (code_out)
		*code_out = s.code;
	if (s.rc < 0) {
		if (err)
			*err = s.err;
		return s.rc;
	}
	*result = s.result;
	return 0;
}

int jrpc_cancel(struct jrpc *rpc, int64_t id)
{
	struct sw_error err = SW_ERROR_INIT;
	struct pending *p;

	for (p = rpc->pending; p; p = p->next)
		if (p->id == id)
			break;
	if (!p)
		return SW_ENOTFOUND;
	enter(rpc);
	unlink_pending(rpc, p);
	arm_timer(rpc);
	sw_error_set(&err, SW_ECANCELED, "'%s' cancelled", p->method);
	abandon_pending(rpc, p, SW_ECANCELED, JRPC_CANCEL_REQUESTED, &err);
	leave(rpc);
	return 0;
}

size_t jrpc_pending(const struct jrpc *rpc)
{
	return rpc->pending_nr;
}

/* ---------- public: answering ---------- */

static int finish_request(struct jrpc_request *req, cJSON *msg, struct sw_error *err)
{
	struct jrpc *rpc = req->rpc;
	int rc;

	if (req->closing) {
		cJSON_Delete(msg);
		return sw_error_set(err, SW_EIO, "connection to '%s' is closed", rpc->name);
	}
	cJSON_AddItemToObject(msg, "id", cJSON_Duplicate(req->id, 1));
	enter(rpc);
	rc = send_msg(rpc, msg, err);
	unlink_request(req);
	free_request(req);
	drained_check(rpc);
	leave(rpc);
	return rc;
}

int jrpc_reply_take(struct jrpc_request *req, cJSON *result, struct sw_error *err)
{
	cJSON *m = new_msg();

	cJSON_AddItemToObject(m, "result", result ? result : cJSON_CreateObject());
	return finish_request(req, m, err);
}

int jrpc_reply_error(struct jrpc_request *req, long long code, const char *message, cJSON *data,
		     struct sw_error *err)
{
	cJSON *m = new_msg(), *e = cJSON_CreateObject();

	cJSON_AddNumberToObject(e, "code", (double)code);
	cJSON_AddStringToObject(e, "message", message);
	if (data)
		cJSON_AddItemToObject(e, "data", data);
	cJSON_AddItemToObject(m, "error", e);
	return finish_request(req, m, err);
}

void jrpc_request_drop(struct jrpc_request *req)
{
	struct jrpc *rpc;

	if (!req || req->closing)
		return;
	rpc = req->rpc;
	enter(rpc);
	unlink_request(req);
	free_request(req);
	drained_check(rpc);
	leave(rpc);
}

const char *jrpc_request_method(const struct jrpc_request *req)
{
	return req->method;
}

const cJSON *jrpc_request_id(const struct jrpc_request *req)
{
	return req->id;
}

struct jrpc *jrpc_request_rpc(const struct jrpc_request *req)
{
	return req->rpc;
}

int jrpc_request_cancelled(const struct jrpc_request *req)
{
	return req->cancelled;
}

void jrpc_request_on_cancel(struct jrpc_request *req, jrpc_request_cancel_cb cb, void *data)
{
	req->on_cancel = cb;
	req->cancel_data = data;
}

struct jrpc_request *jrpc_request_find(struct jrpc *rpc, const cJSON *id)
{
	struct jrpc_request *r;

	if (!id)
		return NULL;
	for (r = rpc->reqs; r; r = r->next)
		if (cJSON_Compare(r->id, id, 1))
			return r;
	return NULL;
}

void jrpc_request_cancel(struct jrpc_request *req)
{
	struct jrpc *rpc = req->rpc;

	if (req->cancelled || req->closing)
		return;
	req->cancelled = 1;
	if (!req->on_cancel)
		return;
	enter(rpc);
	req->on_cancel(req, JRPC_CANCEL_REQUESTED, req->cancel_data);
	leave(rpc);
}

/* ---------- public: ending ---------- */

void jrpc_close(struct jrpc *rpc)
{
	if (!rpc || rpc->closed)
		return;
	enter(rpc);
	shut_down(rpc, NULL);
	leave(rpc);
}

int jrpc_closed(const struct jrpc *rpc)
{
	return rpc->closed;
}

void jrpc_free(struct jrpc *rpc)
{
	if (!rpc || rpc->freed)
		return;
	enter(rpc);
	rpc->freed = 1;
	shut_down(rpc, NULL);
	if (rpc->child) {
		sw_proc_free(rpc->child);
		rpc->child = NULL;
	}
	if (rpc->in_h && rpc->in_h != rpc->out_h)
		close_owned(rpc, &rpc->in_h);
	rpc->in_h = NULL;
	/* out_h closes after its shutdown drains; close it now if none is pending. */
	if (rpc->out_h && !rpc->out_shutdown)
		close_owned(rpc, &rpc->out_h);
	if (rpc->timer_open) {
		rpc->timer_open = 0;
		uv_close((uv_handle_t *)&rpc->timer, on_timer_closed);
	}
	leave(rpc);
}
