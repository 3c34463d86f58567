/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP server on a real loop, driven by the curl command line tool as
 * the client (a separate process on the same loop, loopback only).
 */
#include "helpers/sw_test.h"
#include "base/http_server.h"
#include "base/proc.h"

struct fixture {
	uv_loop_t loop;
	struct sw_http_server *srv;
	uv_timer_t later;
	struct sw_http_request *pending; /* answered by the timer */
	int closed;                       /* on_close calls */
	int sse_sent;
};

static void echo(struct sw_http_request *req, void *data)
{
	struct sw_buf b = SW_BUF_INIT;
	const char *q = sw_http_request_query(req, "q");
	const char *h = sw_http_request_header(req, "x-test");
	size_t len;
	const char *body = sw_http_request_body(req, &len);

	SW_UNUSED(data);
	sw_buf_addf(&b, "%s %s q=%s h=%s body=", sw_http_request_method(req), sw_http_request_path(req),
		    q ? q : "-", h ? h : "-");
	sw_buf_add(&b, body, len);
	sw_http_request_add_header(req, "X-Reply", "yes");
	sw_http_respond(req, 200, "text/plain", b.ptr, b.len);
	sw_buf_release(&b);
}

static void on_closed(struct sw_http_request *req, void *data)
{
	struct fixture *fx = data;

	SW_UNUSED(req);
	fx->closed++;
	if (fx->pending == req)
		fx->pending = NULL;
}

static void on_later(uv_timer_t *t)
{
	struct fixture *fx = t->data;

	if (fx->pending)
		sw_http_respond(fx->pending, 202, "text/plain", "late\n", 5);
}

static void deferred(struct sw_http_request *req, void *data)
{
	struct fixture *fx = data;

	fx->pending = req;
	sw_http_request_on_close(req, on_closed, fx);
	uv_timer_start(&fx->later, on_later, 50, 0);
}

static void on_sse_tick(uv_timer_t *t)
{
	struct fixture *fx = t->data;
	struct sw_error err = SW_ERROR_INIT;

	if (!fx->pending)
		return;
	if (fx->sse_sent < 3) {
		char id[16];

		snprintf(id, sizeof(id), "%d", fx->sse_sent);
		assert_sw_ok(sw_http_stream_sse(fx->pending, "message", id, "a\nb", 3, &err), &err);
		fx->sse_sent++;
		uv_timer_start(&fx->later, on_sse_tick, 20, 0);
		return;
	}
	sw_http_stream_end(fx->pending);
}

static void sse(struct sw_http_request *req, void *data)
{
	struct fixture *fx = data;

	fx->pending = req;
	sw_http_request_on_close(req, on_closed, fx);
	sw_http_stream_start(req, 200, "text/event-stream");
	uv_timer_start(&fx->later, on_sse_tick, 20, 0);
}

static void fixture_start(struct fixture *fx)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT;

	memset(fx, 0, sizeof(*fx));
	uv_loop_init(&fx->loop);
	uv_timer_init(&fx->loop, &fx->later);
	fx->later.data = fx;
	o.max_body = 1000;
	assert_sw_ok(sw_http_server_start(&fx->srv, &fx->loop, &o, &err), &err);
	assert_true(sw_http_server_port(fx->srv) > 0);
	sw_http_server_route(fx->srv, NULL, "/echo*", echo, fx);
	sw_http_server_route(fx->srv, "GET", "/later", deferred, fx);
	sw_http_server_route(fx->srv, "GET", "/sse", sse, fx);
}

static void fixture_stop(struct fixture *fx)
{
	sw_http_server_free(fx->srv);
	uv_close((uv_handle_t *)&fx->later, NULL);
	uv_run(&fx->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&fx->loop), 0);
}

static void curl_done(struct sw_proc *p, void *data)
{
	SW_UNUSED(p);
	*(int *)data = 1;
}

/* Runs curl with @args against the fixture; returns its stdout (caller frees). */
static char *curl(struct fixture *fx, const char *const *args)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	struct sw_strvec argv = SW_STRVEC_INIT;
	struct sw_proc *p = NULL;
	char *out;
	int done = 0;

	sw_strvec_pushv(&argv, (const char *const[]){ "curl", "-sS", "-i", "--max-time", "10", NULL });
	sw_strvec_pushv(&argv, args);
	o.argv = (const char *const *)argv.v;
	o.capture_stdout = 1;
	o.on_exit = curl_done;
	o.data = &done;
	assert_sw_ok(sw_proc_start(&p, &fx->loop, &o, &err), &err);
	while (!done)
		uv_run(&fx->loop, UV_RUN_ONCE);
	out = sw_xstrdup(p->out.ptr);
	sw_proc_free(p);
	sw_strvec_clear(&argv);
	return out;
}

static char *url(struct fixture *fx, const char *path)
{
	struct sw_buf b = SW_BUF_INIT;

	sw_buf_addf(&b, "http://127.0.0.1:%u%s", sw_http_server_port(fx->srv), path);
	return sw_buf_detach(&b, NULL);
}

static void http_server__routes_query_headers_and_body(void **state)
{
	struct fixture fx;
	char *u, *out;

	SW_UNUSED(state);
	fixture_start(&fx);
	u = url(&fx, "/echo/x?q=1");
	out = curl(&fx, (const char *const[]){ "-H", "X-Test: hi", "--data-binary", "payload", u, NULL });
	assert_non_null(strstr(out, "HTTP/1.1 200"));
	assert_non_null(strstr(out, "X-Reply: yes"));
	assert_non_null(strstr(out, "POST /echo/x q=1 h=hi body=payload"));
	free(out);
	free(u);
	fixture_stop(&fx);
}

static void http_server__unknown_path_and_method(void **state)
{
	struct fixture fx;
	char *u, *out;

	SW_UNUSED(state);
	fixture_start(&fx);
	u = url(&fx, "/nope");
	out = curl(&fx, (const char *const[]){ u, NULL });
	assert_non_null(strstr(out, "HTTP/1.1 404"));
	free(out);
	free(u);
	u = url(&fx, "/later");
	out = curl(&fx, (const char *const[]){ "-X", "DELETE", u, NULL });
	assert_non_null(strstr(out, "HTTP/1.1 405"));
	assert_non_null(strstr(out, "Allow: GET"));
	free(out);
	free(u);
	fixture_stop(&fx);
}

static void http_server__body_over_ceiling_is_413(void **state)
{
	struct fixture fx;
	char *u, *out, big[2001];

	SW_UNUSED(state);
	memset(big, 'x', 2000);
	big[2000] = '\0';
	fixture_start(&fx);
	u = url(&fx, "/echo");
	out = curl(&fx, (const char *const[]){ "--data-binary", big, u, NULL });
	assert_non_null(strstr(out, "HTTP/1.1 413"));
	assert_null(strstr(out, "body=xxx"));
	free(out);
	free(u);
	fixture_stop(&fx);
}

static void http_server__answer_later(void **state)
{
	struct fixture fx;
	char *u, *out;

	SW_UNUSED(state);
	fixture_start(&fx);
	u = url(&fx, "/later");
	out = curl(&fx, (const char *const[]){ u, NULL });
	assert_non_null(strstr(out, "HTTP/1.1 202"));
	assert_non_null(strstr(out, "late"));
	assert_int_equal(fx.closed, 1);
	free(out);
	free(u);
	fixture_stop(&fx);
}

static void http_server__server_sent_events(void **state)
{
	struct fixture fx;
	char *u, *out;

	SW_UNUSED(state);
	fixture_start(&fx);
	u = url(&fx, "/sse");
	out = curl(&fx, (const char *const[]){ "-N", u, NULL });
	assert_non_null(strstr(out, "Content-Type: text/event-stream"));
	assert_non_null(strstr(out, "event: message\nid: 0\ndata: a\ndata: b\n\n"));
	assert_non_null(strstr(out, "id: 2\ndata: a\ndata: b\n\n"));
	assert_int_equal(fx.sse_sent, 3);
	assert_int_equal(fx.closed, 1);
	free(out);
	free(u);
	fixture_stop(&fx);
}

static void http_server__bad_host_and_taken_port(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT;
	struct sw_http_server *a = NULL, *b = NULL;
	uv_loop_t loop;

	SW_UNUSED(state);
	uv_loop_init(&loop);
	o.host = "not-an-address";
	assert_sw_fails(sw_http_server_start(&a, &loop, &o, &err), SW_EINVAL, &err);
	assert_non_null(strstr(err.msg, "not-an-address"));
	o.host = NULL;
	assert_sw_ok(sw_http_server_start(&a, &loop, &o, &err), &err);
	o.port = sw_http_server_port(a);
	assert_sw_fails(sw_http_server_start(&b, &loop, &o, &err), SW_EIO, &err);
	assert_null(b);
	sw_http_server_free(a);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(http_server__routes_query_headers_and_body),
		cmocka_unit_test(http_server__unknown_path_and_method),
		cmocka_unit_test(http_server__body_over_ceiling_is_413),
		cmocka_unit_test(http_server__answer_later),
		cmocka_unit_test(http_server__server_sent_events),
		cmocka_unit_test(http_server__bad_host_and_taken_port),
	};

	return sw_run_group("http_server", tests);
}
