/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of base/jrpc: framing, dispatch, errors the connection answers
 * by itself, both-way requests with overlapping ids, timeouts, cancellation,
 * end of input, and the socketpair and child-process transports.
 *
 * Most cases use an in-memory transport: what the connection writes is kept
 * in a buffer (struct mem) or fed straight into a second connection (a
 * loopback pair, which also exercises re-entrant feeding).
 */
#include "helpers/sw_test.h"
#include "base/jrpc.h"
#include "base/json.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---------- in-memory transport ---------- */

struct mem {
	struct sw_buf out;  /* everything written */
	int closed;
	struct jrpc *peer;  /* if set, writes are fed to this connection */
};

static int mem_write(void *self, const char *buf, size_t len, struct sw_error *err)
{
	struct mem *m = self;

	SW_UNUSED(err);
	sw_buf_add(&m->out, buf, len);
	if (m->peer)
		jrpc_feed(m->peer, buf, len);
	return 0;
}

static void mem_close(void *self)
{
	((struct mem *)self)->closed = 1;
}

static const struct jrpc_transport_ops mem_ops = { mem_write, mem_close, NULL };

/* The @n-th line written (0-based), parsed; NULL if there is none. */
static cJSON *out_line(const struct mem *m, int n)
{
	const char *p = m->out.ptr, *nl;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *v = NULL;

	while (n-- > 0) {
		nl = strchr(p, '\n');
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	nl = strchr(p, '\n');
	if (!nl)
		return NULL;
	assert_sw_ok(sw_json_parse(&v, p, (size_t)(nl - p), &err), &err);
	return v;
}

static int out_lines(const struct mem *m)
{
	int n = 0;
	const char *p;

	for (p = m->out.ptr; *p; p++)
		n += *p == '\n';
	return n;
}

static long long error_code(const cJSON *msg)
{
	const cJSON *e = cJSON_GetObjectItem(msg, "error");

	assert_non_null(e);
	return (long long)cJSON_GetObjectItem(e, "code")->valuedouble;
}

static void feeds(struct jrpc *rpc, const char *s)
{
	jrpc_feed(rpc, s, strlen(s));
}

/* ---------- handlers and hooks ---------- */

struct seen {
	int errors, closes, cancels, notes;
	int last_error_code;
	enum jrpc_cancel_reason last_why;
	int64_t last_cancel_id;
	struct jrpc_request *held;   /* a request kept for a later answer */
	int held_cancel;             /* its cancel hook ran (reason + 1) */
};

static void on_error(struct jrpc *rpc, const struct sw_error *err, void *data)
{
	struct seen *s = data;

	SW_UNUSED(rpc);
	s->errors++;
	s->last_error_code = err->code;
}

static void on_close(struct jrpc *rpc, const struct sw_error *err, void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(err);
	((struct seen *)data)->closes++;
}

static void on_cancel(struct jrpc *rpc, int64_t id, const char *method, enum jrpc_cancel_reason why,
		      void *data)
{
	struct seen *s = data;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	s->cancels++;
	s->last_why = why;
	s->last_cancel_id = id;
}

/* "add": {a, b} -> a + b */
static void m_add(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		  void *data)
{
	struct sw_error err = SW_ERROR_INIT;
	const cJSON *a = cJSON_GetObjectItem(params, "a"), *b = cJSON_GetObjectItem(params, "b");

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	SW_UNUSED(data);
	if (!req)
		return;
	if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b)) {
		assert_sw_ok(jrpc_reply_error(req, JRPC_INVALID_PARAMS, "Invalid params", NULL, &err), &err);
		return;
	}
	assert_sw_ok(jrpc_reply_take(req, cJSON_CreateNumber(a->valuedouble + b->valuedouble), &err), &err);
}

static void m_note(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		   void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(method);
	SW_UNUSED(params);
	assert_null(req);
	((struct seen *)data)->notes++;
}

static void held_cancelled(struct jrpc_request *req, enum jrpc_cancel_reason why, void *data)
{
	struct seen *s = data;
	struct sw_error err = SW_ERROR_INIT;

	s->held_cancel = (int)why + 1;
	s->held = NULL;
	if (why == JRPC_CANCEL_REQUESTED)
		assert_sw_ok(jrpc_reply_error(req, JRPC_REQUEST_CANCELLED, "Request cancelled", NULL, &err),
			     &err);
}

/* "hold": keep the request unanswered. */
static void m_hold(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		   void *data)
{
	struct seen *s = data;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	SW_UNUSED(params);
	s->held = req;
	jrpc_request_on_cancel(req, held_cancelled, s);
}

/* "$/cancel_request" {requestId}: cancel the peer's request. */
static void m_cancel_request(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			     const cJSON *params, void *data)
{
	struct jrpc_request *target;

	SW_UNUSED(method);
	SW_UNUSED(data);
	SW_UNUSED(req);
	target = jrpc_request_find(rpc, cJSON_GetObjectItem(params, "requestId"));
	if (target)
		jrpc_request_cancel(target);
}

struct answer {
	int calls;
	int rc;
	double number;
	long long code;
	char message[64];
};

static void got_answer(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct answer *a = data;

	SW_UNUSED(rpc);
	a->calls++;
	a->rc = res->rc;
	a->code = res->code;
	if (res->rc == 0 && cJSON_IsNumber(res->result))
		a->number = res->result->valuedouble;
	if (res->message)
		snprintf(a->message, sizeof(a->message), "%s", res->message);
}

static struct jrpc *mem_rpc(struct mem *m, struct seen *s, uv_loop_t *loop, size_t cap)
{
	struct jrpc_opts o = JRPC_OPTS_INIT;
	struct jrpc *rpc = NULL;

	o.on_error = on_error;
	o.on_close = on_close;
	o.on_cancel = on_cancel;
	o.data = s;
	o.max_message = cap;
	o.name = "test peer";
	jrpc_new(&rpc, loop, &o);
	jrpc_set_transport(rpc, &mem_ops, m);
	jrpc_on(rpc, "add", m_add, s);
	jrpc_on(rpc, "note", m_note, s);
	jrpc_on(rpc, "hold", m_hold, s);
	jrpc_on(rpc, "$/cancel_request", m_cancel_request, s);
	return rpc;
}

/* ---------- cases ---------- */

static void jrpc__serves_requests_and_ignores_unknown_fields(void **state)
{
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc *rpc = mem_rpc(&m, &s, NULL, 0);
	cJSON *r;

	SW_UNUSED(state);
	/* Key order is arbitrary and unknown fields are ignored, "\r\n" accepted. */
	feeds(rpc, "{\"params\":{\"a\":2,\"b\":3,\"x\":[1]},\"method\":\"add\",\"id\":\"k1\","
		   "\"jsonrpc\":\"2.0\",\"_meta\":{}}\r\n\n   \n");
	feeds(rpc, "{\"jsonrpc\":\"2.0\",\"method\":\"note\",\"params\":{}}\n");
	assert_int_equal(out_lines(&m), 1);
	r = out_line(&m, 0);
	assert_string_equal(cJSON_GetObjectItem(r, "id")->valuestring, "k1");
	assert_int_equal((int)cJSON_GetObjectItem(r, "result")->valuedouble, 5);
	cJSON_Delete(r);
	assert_int_equal(s.notes, 1);
	assert_int_equal(s.errors, 0);
	jrpc_free(rpc);
	sw_buf_release(&m.out);
}

static void jrpc__answers_protocol_errors_and_stays_open(void **state)
{
	static const struct {
		const char *line;
		long long code;
		int answered; /* 0: a notification, silently ignored */
	} cases[] = {
		{ "this is not json", JRPC_PARSE_ERROR, 1 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\"", JRPC_PARSE_ERROR, 1 },
		{ "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\"}]", JRPC_INVALID_REQUEST, 1 },
		{ "[]", JRPC_INVALID_REQUEST, 1 },
		{ "42", JRPC_INVALID_REQUEST, 1 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", JRPC_INVALID_REQUEST, 1 },
		{ "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"add\"}", JRPC_INVALID_REQUEST, 1 },
		{ "{\"id\":1,\"method\":\"add\"}", JRPC_INVALID_REQUEST, 1 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"add\"}", JRPC_INVALID_REQUEST, 1 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":3}", JRPC_INVALID_REQUEST, 1 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1}", JRPC_INVALID_REQUEST, 1 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"no/such\"}", JRPC_METHOD_NOT_FOUND, 1 },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"no/such\",\"params\":{}}", 0, 0 },
		{ "{\"jsonrpc\":\"2.0\",\"method\":\"_vendor/thing\"}", 0, 0 },
		{ "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"add\",\"params\":{\"a\":\"x\"}}", JRPC_INVALID_PARAMS, 1 },
	};
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++) {
		struct mem m = { SW_BUF_INIT, 0, NULL };
		struct seen s = { 0 };
		struct jrpc *rpc = mem_rpc(&m, &s, NULL, 0);
		cJSON *r;

		feeds(rpc, cases[i].line);
		feeds(rpc, "\n{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"add\",\"params\":{\"a\":1,\"b\":1}}\n");
		assert_int_equal(out_lines(&m), cases[i].answered + 1);
		if (cases[i].answered) {
			r = out_line(&m, 0);
			if (error_code(r) != cases[i].code)
				fail_msg("case %zu '%s': code %lld, expected %lld", i, cases[i].line,
					 error_code(r), cases[i].code);
			cJSON_Delete(r);
		}
		/* The connection is still usable. */
		r = out_line(&m, cases[i].answered);
		assert_int_equal((int)cJSON_GetObjectItem(r, "id")->valuedouble, 99);
		assert_int_equal((int)cJSON_GetObjectItem(r, "result")->valuedouble, 2);
		cJSON_Delete(r);
		assert_false(jrpc_closed(rpc));
		jrpc_free(rpc);
		sw_buf_release(&m.out);
	}
}

static void jrpc__parse_error_has_null_id(void **state)
{
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc *rpc = mem_rpc(&m, &s, NULL, 0);
	cJSON *r;

	SW_UNUSED(state);
	feeds(rpc, "{oops\n");
	r = out_line(&m, 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r, "id")));
	assert_int_equal(error_code(r), JRPC_PARSE_ERROR);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.last_error_code, SW_EINVAL);
	cJSON_Delete(r);
	jrpc_free(rpc);
	sw_buf_release(&m.out);
}

/* Lines split anywhere, and a long line (no fixed limit below the cap). */
static void jrpc__reassembles_split_and_long_lines(void **state)
{
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc *rpc = mem_rpc(&m, &s, NULL, 0);
	struct sw_buf big = SW_BUF_INIT;
	size_t i;
	cJSON *r;

	SW_UNUSED(state);
	sw_buf_adds(&big, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"add\",\"params\":{\"a\":40,\"b\":2,\"pad\":\"");
	for (i = 0; i < (3u << 20); i++)
		sw_buf_addch(&big, 'a' + (char)(i % 26));
	sw_buf_adds(&big, "\"}}\n");
	for (i = 0; i < big.len; i += 4093)
		jrpc_feed(rpc, big.ptr + i, big.len - i < 4093 ? big.len - i : 4093);
	assert_int_equal(out_lines(&m), 1);
	r = out_line(&m, 0);
	assert_int_equal((int)cJSON_GetObjectItem(r, "result")->valuedouble, 42);
	cJSON_Delete(r);
	/* One byte at a time. */
	{
		const char *l = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"add\",\"params\":{\"a\":1,\"b\":2}}\n";

		for (i = 0; l[i]; i++)
			jrpc_feed(rpc, l + i, 1);
	}
	assert_int_equal(out_lines(&m), 2);
	jrpc_free(rpc);
	sw_buf_release(&m.out);
	sw_buf_release(&big);
}

static void jrpc__line_over_cap_is_too_big_and_skipped(void **state)
{
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc *rpc = mem_rpc(&m, &s, NULL, 128);
	struct sw_buf big = SW_BUF_INIT;
	size_t i;
	cJSON *r;

	SW_UNUSED(state);
	sw_buf_adds(&big, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":{\"pad\":\"");
	for (i = 0; i < 1000; i++)
		sw_buf_addch(&big, 'x');
	sw_buf_adds(&big, "\"}}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"add\",\"params\":{\"a\":1,\"b\":1}}\n");
	/* In chunks, so the cap is hit before the newline arrives. */
	for (i = 0; i < big.len; i += 50)
		jrpc_feed(rpc, big.ptr + i, big.len - i < 50 ? big.len - i : 50);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.last_error_code, SW_ETOOBIG);
	assert_int_equal(out_lines(&m), 2);
	r = out_line(&m, 0);
	assert_int_equal(error_code(r), JRPC_INVALID_REQUEST);
	assert_non_null(strstr(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "error"), "data")->valuestring,
			       "128-byte limit"));
	cJSON_Delete(r);
	r = out_line(&m, 1);
	assert_int_equal((int)cJSON_GetObjectItem(r, "id")->valuedouble, 2);
	cJSON_Delete(r);
	/* A whole over-long line in one chunk is refused the same way. */
	jrpc_feed(rpc, big.ptr, big.len);
	assert_int_equal(s.errors, 2);
	assert_int_equal(out_lines(&m), 4);
	jrpc_free(rpc);
	sw_buf_release(&m.out);
	sw_buf_release(&big);
}

static void jrpc__matches_responses_to_own_requests_only(void **state)
{
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc *rpc = mem_rpc(&m, &s, NULL, 0);
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct answer a = { 0 }, b = { 0 };
	struct sw_error err = SW_ERROR_INIT;
	int64_t id_a = -1, id_b = -1;
	cJSON *r;

	SW_UNUSED(state);
	co.on_response = got_answer;
	co.data = &a;
	assert_sw_ok(jrpc_call_take(rpc, &id_a, "peer/a", cJSON_CreateObject(), &co, &err), &err);
	co.data = &b;
	assert_sw_ok(jrpc_call_take(rpc, &id_b, "peer/b", NULL, &co, &err), &err);
	assert_int_equal(id_a, 0);
	assert_int_equal(id_b, 1);
	assert_int_equal(jrpc_pending(rpc), 2);
	/* The peer's own request with id 0 is a request, not our answer. */
	feeds(rpc, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"add\",\"params\":{\"a\":5,\"b\":5}}\n");
	assert_int_equal(a.calls, 0);
	r = out_line(&m, 2);
	assert_int_equal((int)cJSON_GetObjectItem(r, "result")->valuedouble, 10);
	cJSON_Delete(r);
	/* Answers out of order, one an error, with unknown fields. */
	feeds(rpc, "{\"id\":1,\"error\":{\"code\":-32000,\"message\":\"Authentication required\",\"data\":{}},"
		   "\"jsonrpc\":\"2.0\"}\n");
	feeds(rpc, "{\"result\":7,\"jsonrpc\":\"2.0\",\"id\":0,\"extra\":true}\n");
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.rc, 0);
	assert_true(a.number == 7);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.rc, SW_EPROTO);
	assert_int_equal(b.code, -32000);
	assert_string_equal(b.message, "Authentication required");
	/* A second answer, or one to an id we never used, is reported and ignored. */
	feeds(rpc, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":8}\n");
	feeds(rpc, "{\"jsonrpc\":\"2.0\",\"id\":\"0\",\"result\":8}\n");
	assert_int_equal(a.calls, 1);
	assert_int_equal(s.errors, 2);
	assert_int_equal(s.last_error_code, SW_EPROTO);
	assert_int_equal(jrpc_pending(rpc), 0);
	jrpc_free(rpc);
	sw_buf_release(&m.out);
}

/* Two connections wired back to back: both call each other at once with id 0. */
static void jrpc__both_sides_call_at_once(void **state)
{
	struct mem ma = { SW_BUF_INIT, 0, NULL }, mb = { SW_BUF_INIT, 0, NULL };
	struct seen sa = { 0 }, sb = { 0 };
	struct jrpc *a = mem_rpc(&ma, &sa, NULL, 0), *b = mem_rpc(&mb, &sb, NULL, 0);
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct answer ra = { 0 }, rb = { 0 };
	struct sw_error err = SW_ERROR_INIT;
	cJSON *p;

	SW_UNUSED(state);
	ma.peer = b;
	mb.peer = a;
	co.on_response = got_answer;
	/* a -> b "hold" (id 0): b keeps it unanswered. */
	co.data = &ra;
	assert_sw_ok(jrpc_call_take(a, NULL, "hold", NULL, &co, &err), &err);
	assert_non_null(sb.held);
	/* b -> a "add" (also id 0), answered synchronously through the loopback. */
	co.data = &rb;
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "a", 20);
	cJSON_AddNumberToObject(p, "b", 22);
	assert_sw_ok(jrpc_call_take(b, NULL, "add", p, &co, &err), &err);
	assert_int_equal(rb.calls, 1);
	assert_true(rb.number == 42);
	assert_int_equal(ra.calls, 0);
	/* a cancels its request the ACP way; b answers -32800. */
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "requestId", 0);
	assert_sw_ok(jrpc_notify_take(a, "$/cancel_request", p, &err), &err);
	assert_int_equal(sb.held_cancel, JRPC_CANCEL_REQUESTED + 1);
	assert_int_equal(ra.calls, 1);
	assert_int_equal(ra.rc, SW_EPROTO);
	assert_int_equal(ra.code, JRPC_REQUEST_CANCELLED);
	assert_int_equal(sa.errors + sb.errors, 0);
	jrpc_free(a);
	jrpc_free(b);
	sw_buf_release(&ma.out);
	sw_buf_release(&mb.out);
}

static void jrpc__cancel_completes_and_forgets_the_id(void **state)
{
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc *rpc = mem_rpc(&m, &s, NULL, 0);
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct answer a = { 0 };
	struct sw_error err = SW_ERROR_INIT;
	int64_t id = -1;

	SW_UNUSED(state);
	co.on_response = got_answer;
	co.data = &a;
	assert_sw_ok(jrpc_call_take(rpc, &id, "slow", NULL, &co, &err), &err);
	assert_int_equal(jrpc_cancel(rpc, id), 0);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.rc, SW_ECANCELED);
	assert_int_equal(s.cancels, 1);
	assert_int_equal(s.last_why, JRPC_CANCEL_REQUESTED);
	assert_int_equal(s.last_cancel_id, id);
	assert_int_equal(jrpc_cancel(rpc, id), SW_ENOTFOUND);
	feeds(rpc, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}\n");
	assert_int_equal(a.calls, 1);
	assert_int_equal(s.errors, 1);
	jrpc_free(rpc);
	sw_buf_release(&m.out);
}

static void jrpc__timeout_gives_up_and_reports(void **state)
{
	uv_loop_t loop;
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc *rpc;
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct answer a = { 0 }, b = { 0 };
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(state);
	uv_loop_init(&loop);
	rpc = mem_rpc(&m, &s, &loop, 0);
	co.on_response = got_answer;
	co.data = &a;
	co.timeout_ms = 30;
	assert_sw_ok(jrpc_call_take(rpc, NULL, "never", NULL, &co, &err), &err);
	co.data = &b;
	co.timeout_ms = 10000;
	assert_sw_ok(jrpc_call_take(rpc, NULL, "later", NULL, &co, &err), &err);
	while (a.calls == 0 && uv_run(&loop, UV_RUN_ONCE))
		;
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.rc, SW_ETIMEOUT);
	assert_int_equal(s.cancels, 1);
	assert_int_equal(s.last_why, JRPC_CANCEL_TIMEOUT);
	assert_int_equal(b.calls, 0);
	assert_int_equal(jrpc_pending(rpc), 1);
	/* Closing fails what is left with SW_EIO. */
	jrpc_free(rpc);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.rc, SW_EIO);
	assert_true(m.closed);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	sw_buf_release(&m.out);
}

static void jrpc__eof_fails_pending_and_cancels_incoming(void **state)
{
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc *rpc = mem_rpc(&m, &s, NULL, 0);
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct answer a = { 0 };
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(state);
	co.on_response = got_answer;
	co.data = &a;
	assert_sw_ok(jrpc_call_take(rpc, NULL, "x", NULL, &co, &err), &err);
	/* The last line has no newline: it still counts. */
	feeds(rpc, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"hold\"}");
	assert_null(s.held);
	jrpc_feed_eof(rpc);
	assert_int_equal(s.held_cancel, JRPC_CANCEL_CLOSED + 1);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.rc, SW_EIO);
	assert_int_equal(s.closes, 1);
	assert_true(jrpc_closed(rpc));
	assert_int_equal(jrpc_call_take(rpc, NULL, "y", NULL, &co, &err), SW_EIO);
	assert_int_equal(jrpc_notify_take(rpc, "y", NULL, &err), SW_EIO);
	jrpc_free(rpc);
	sw_buf_release(&m.out);
}

/* drain_on_eof: requests read before the end of input are still answered, then the connection ends. */
static void jrpc__drain_on_eof_answers_what_was_read(void **state)
{
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc_opts o = JRPC_OPTS_INIT;
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct answer a = { 0 };
	struct sw_error err = SW_ERROR_INIT;
	struct jrpc *rpc = NULL;
	struct jrpc_request *held;
	cJSON *line;

	SW_UNUSED(state);
	o.on_close = on_close;
	o.on_cancel = on_cancel;
	o.data = &s;
	o.drain_on_eof = 1;
	jrpc_new(&rpc, NULL, &o);
	jrpc_set_transport(rpc, &mem_ops, &m);
	jrpc_on(rpc, "add", m_add, &s);
	jrpc_on(rpc, "hold", m_hold, &s);
	co.on_response = got_answer;
	co.data = &a;
	assert_sw_ok(jrpc_call_take(rpc, NULL, "x", NULL, &co, &err), &err);
	feeds(rpc, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"hold\"}\n"
		   "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"add\",\"params\":{\"a\":1,\"b\":2}}");
	jrpc_feed_eof(rpc);
	/* Our own call can never be answered now; the held request keeps the connection open. */
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.rc, SW_EIO);
	assert_int_equal(s.closes, 0);
	assert_false(m.closed);
	assert_false(jrpc_closed(rpc));
	assert_int_equal(s.held_cancel, 0);
	assert_non_null(s.held);
	assert_int_equal(jrpc_call_take(rpc, NULL, "y", NULL, &co, &err), SW_EIO);
	feeds(rpc, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"add\",\"params\":{\"a\":1,\"b\":1}}\n");
	assert_int_equal(out_lines(&m), 2); /* the call "x" and the answer to 6; 7 came after the end */
	held = s.held;
	s.held = NULL;
	assert_sw_ok(jrpc_reply_take(held, cJSON_CreateString("late"), &err), &err);
	assert_int_equal(out_lines(&m), 3);
	line = out_line(&m, 2);
	assert_int_equal((int)cJSON_GetObjectItem(line, "id")->valuedouble, 5);
	assert_string_equal(cJSON_GetObjectItem(line, "result")->valuestring, "late");
	cJSON_Delete(line);
	assert_int_equal(s.closes, 1);
	assert_true(m.closed);
	assert_true(jrpc_closed(rpc));
	jrpc_free(rpc);
	sw_buf_release(&m.out);
}

static void free_in_callback(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	SW_UNUSED(res);
	SW_UNUSED(data);
	jrpc_free(rpc);
}

/* Freeing the connection inside its own callback is safe (run under ASan). */
static void jrpc__free_inside_callback(void **state)
{
	struct mem m = { SW_BUF_INIT, 0, NULL };
	struct seen s = { 0 };
	struct jrpc *rpc = mem_rpc(&m, &s, NULL, 0);
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(state);
	co.on_response = free_in_callback;
	assert_sw_ok(jrpc_call_take(rpc, NULL, "x", NULL, &co, &err), &err);
	feeds(rpc, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":1}\n"
		   "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":{\"a\":1,\"b\":1}}\n");
	/* The second line was not dispatched: the connection closed first. */
	assert_int_equal(out_lines(&m), 1);
	sw_buf_release(&m.out);
}

/* Two connections over a real socketpair on a libuv loop. */
static void jrpc__socketpair_round_trip(void **state)
{
	uv_loop_t loop;
	int sv[2];
	struct seen sa = { 0 }, sb = { 0 };
	struct jrpc_opts o = JRPC_OPTS_INIT;
	struct jrpc *a = NULL, *b = NULL;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *params, *res = NULL;
	long long code = 0;

	SW_UNUSED(state);
	uv_loop_init(&loop);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	o.on_error = on_error;
	o.on_close = on_close;
	o.data = &sa;
	jrpc_new(&a, &loop, &o);
	o.data = &sb;
	jrpc_new(&b, &loop, &o);
	jrpc_on(b, "add", m_add, &sb);
	jrpc_on(b, "note", m_note, &sb);
	assert_sw_ok(jrpc_attach_fds(a, sv[0], sv[0], &err), &err);
	assert_sw_ok(jrpc_attach_fds(b, sv[1], sv[1], &err), &err);
	assert_sw_ok(jrpc_notify_take(a, "note", NULL, &err), &err);
	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "a", 1.5);
	cJSON_AddNumberToObject(params, "b", 2);
	assert_sw_ok(jrpc_call_sync(a, &res, &code, "add", params, 5000, &err), &err);
	assert_true(res->valuedouble == 3.5);
	cJSON_Delete(res);
	assert_int_equal(sb.notes, 1);
	assert_int_equal(jrpc_call_sync(a, &res, &code, "missing", NULL, 5000, &err), SW_EPROTO);
	assert_int_equal(code, JRPC_METHOD_NOT_FOUND);
	assert_non_null(strstr(err.msg, "'missing' failed"));
	/* b hangs up: a sees end of input. */
	jrpc_free(b);
	while (!sa.closes && uv_run(&loop, UV_RUN_ONCE))
		;
	assert_int_equal(sa.closes, 1);
	jrpc_free(a);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void child_gone(struct sw_proc *p, void *data)
{
	SW_UNUSED(p);
	(*(int *)data)++;
}

/* A child process as the peer, through base/proc. */
static void jrpc__child_transport(void **state)
{
	uv_loop_t loop;
	struct seen s = { 0 };
	struct jrpc_opts o = JRPC_OPTS_INIT;
	struct sw_proc_opts po = SW_PROC_OPTS_INIT;
	const char *argv[] = { "sh", "-c",
			       "read line; case $line in *'\"id\":0'*) "
			       "printf '%s\\n' '{\"jsonrpc\":\"2.0\",\"result\":{\"echo\":true},\"id\":0}';; esac; "
			       "read line2; exit 3", NULL };
	struct jrpc *rpc = NULL;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *res = NULL;
	int exits = 0;

	SW_UNUSED(state);
	uv_loop_init(&loop);
	o.on_close = on_close;
	o.data = &s;
	o.name = "sh";
	jrpc_new(&rpc, &loop, &o);
	po.argv = argv;
	po.on_exit = child_gone;
	po.data = &exits;
	assert_sw_ok(jrpc_attach_child(rpc, &po, &err), &err);
	assert_non_null(jrpc_child(rpc));
	assert_sw_ok(jrpc_call_sync(rpc, &res, NULL, "ping", NULL, 5000, &err), &err);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(res, "echo")));
	cJSON_Delete(res);
	/* Closing our side closes its stdin; it exits, and we hear of it. */
	jrpc_close(rpc);
	while (!exits && uv_run(&loop, UV_RUN_ONCE))
		;
	assert_int_equal(exits, 1);
	assert_int_equal(jrpc_child(rpc)->exit_status, 3);
	jrpc_free(rpc);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* A child that dies while we wait: the call fails, it does not hang. */
static void jrpc__child_death_fails_the_call(void **state)
{
	uv_loop_t loop;
	struct seen s = { 0 };
	struct jrpc_opts o = JRPC_OPTS_INIT;
	struct sw_proc_opts po = SW_PROC_OPTS_INIT;
	const char *argv[] = { "sh", "-c", "read line; exit 0", NULL };
	struct jrpc *rpc = NULL;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *res = NULL;

	SW_UNUSED(state);
	uv_loop_init(&loop);
	o.on_close = on_close;
	o.data = &s;
	o.name = "sh";
	jrpc_new(&rpc, &loop, &o);
	po.argv = argv;
	assert_sw_ok(jrpc_attach_child(rpc, &po, &err), &err);
	assert_int_equal(jrpc_call_sync(rpc, &res, NULL, "ping", NULL, 10000, &err), SW_EIO);
	assert_non_null(strstr(err.msg, "'sh' exited with status 0"));
	assert_int_equal(s.closes, 1);
	jrpc_free(rpc);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jrpc__serves_requests_and_ignores_unknown_fields),
		cmocka_unit_test(jrpc__answers_protocol_errors_and_stays_open),
		cmocka_unit_test(jrpc__parse_error_has_null_id),
		cmocka_unit_test(jrpc__reassembles_split_and_long_lines),
		cmocka_unit_test(jrpc__line_over_cap_is_too_big_and_skipped),
		cmocka_unit_test(jrpc__matches_responses_to_own_requests_only),
		cmocka_unit_test(jrpc__both_sides_call_at_once),
		cmocka_unit_test(jrpc__cancel_completes_and_forgets_the_id),
		cmocka_unit_test(jrpc__timeout_gives_up_and_reports),
		cmocka_unit_test(jrpc__eof_fails_pending_and_cancels_incoming),
		cmocka_unit_test(jrpc__drain_on_eof_answers_what_was_read),
		cmocka_unit_test(jrpc__free_inside_callback),
		cmocka_unit_test(jrpc__socketpair_round_trip),
		cmocka_unit_test(jrpc__child_transport),
		cmocka_unit_test(jrpc__child_death_fails_the_call),
	};

	signal(SIGPIPE, SIG_IGN); /* as main() does: writing to a dead child is EPIPE */
	return sw_run_group("jrpc", tests);
}
