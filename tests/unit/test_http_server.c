/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP server on a real loop, driven by the curl command line tool as
 * the client (a separate process on the same loop, loopback only).  The
 * connection-bound cases add raw client sockets that misbehave: silent,
 * too many, or sending their request head a byte at a time.
 */
#include "helpers/sw_test.h"
#include "base/http_server.h"
#include "base/proc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

struct fixture {
	uv_loop_t loop;
	struct sw_http_server *srv;
	uv_timer_t later;
	struct sw_http_request *pending; /* answered by the timer */
	int closed;                       /* on_close calls */
	int sse_sent;
	uint64_t sse_gap_ms;              /* between events; 0: 20 */
	uv_timer_t bound;                 /* run_until()'s limit and tick */
	uint64_t bound_start;
	int trickle_fd;                   /* a client sending its head bytewise, or -1 */
	unsigned want;                    /* for the run_until() conditions */
	int fd;                           /* ditto */
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
		uv_timer_start(&fx->later, on_sse_tick, fx->sse_gap_ms ? fx->sse_gap_ms : 20, 0);
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

static void fixture_start_opts(struct fixture *fx, const struct sw_http_server_opts *o)
{
	struct sw_error err = SW_ERROR_INIT;

	memset(fx, 0, sizeof(*fx));
	fx->trickle_fd = -1;
	uv_loop_init(&fx->loop);
	uv_timer_init(&fx->loop, &fx->later);
	fx->later.data = fx;
	uv_timer_init(&fx->loop, &fx->bound);
	fx->bound.data = fx;
	assert_sw_ok(sw_http_server_start(&fx->srv, &fx->loop, o, &err), &err);
	assert_true(sw_http_server_port(fx->srv) > 0);
	sw_http_server_route(fx->srv, NULL, "/echo*", echo, fx);
	sw_http_server_route(fx->srv, "GET", "/later", deferred, fx);
	sw_http_server_route(fx->srv, "GET", "/sse", sse, fx);
}

static void fixture_start(struct fixture *fx)
{
	struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT;

	o.max_body = 1000;
	fixture_start_opts(fx, &o);
}

static void fixture_stop(struct fixture *fx)
{
	sw_http_server_free(fx->srv);
	uv_close((uv_handle_t *)&fx->later, NULL);
	uv_close((uv_handle_t *)&fx->bound, NULL);
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

/* A blocking client socket connected to the fixture (the kernel's backlog takes it). */
static int client(struct fixture *fx)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)sw_http_server_port(fx->srv));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* 1 once the peer of @fd has closed (end of stream or reset), without blocking. */
static int peer_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

#define BOUND_MS 20000 /* a generous limit on waiting, never a measurement */

static void on_tick(uv_timer_t *t)
{
	struct fixture *fx = t->data;

	/* One header byte per tick keeps the connection busy but its head unfinished. */
	if (fx->trickle_fd >= 0)
		(void)!send(fx->trickle_fd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Runs the loop until @cond holds; 0 if it does not within BOUND_MS. */
static int run_until(struct fixture *fx, int (*cond)(struct fixture *))
{
	uint64_t start;

	uv_update_time(&fx->loop);
	start = uv_now(&fx->loop);
	uv_timer_start(&fx->bound, on_tick, 100, 100); /* also wakes the loop to look again */
	while (!cond(fx) && uv_now(&fx->loop) - start < BOUND_MS)
		uv_run(&fx->loop, UV_RUN_ONCE);
	uv_timer_stop(&fx->bound);
	return cond(fx);
}

static int at_want(struct fixture *fx)
{
	return sw_http_server_connections(fx->srv) == fx->want;
}

static int fd_closed(struct fixture *fx)
{
	return peer_closed(fx->fd);
}

static int fd_readable(struct fixture *fx)
{
	struct pollfd p = { .fd = fx->fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

static void assert_answers(struct fixture *fx)
{
	char *u = url(fx, "/echo"), *out;

	out = curl(fx, (const char *const[]){ u, NULL });
	if (!strstr(out, "HTTP/1.1 200"))
		fail_msg("no answer after the server's connections were released: '%s'", out);
	free(out);
	free(u);
}

static void http_server__listens_again_after_the_limit(void **state)
{
	struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT;
	struct fixture fx;
	int fds[12], i;

	SW_UNUSED(state);
	o.max_connections = 4;
	o.max_per_ip = 100;
	o.idle_timeout_s = 0; /* nothing but the clients ends these connections */
	o.header_timeout_s = 0;
	fixture_start_opts(&fx, &o);
	for (i = 0; i < 12; i++)
		fds[i] = client(&fx);
	fx.want = 4;
	assert_true(run_until(&fx, at_want));
	/* At the limit the server stops accepting; a few more turns must not change that. */
	for (i = 0; i < 5; i++)
		uv_run(&fx.loop, UV_RUN_NOWAIT);
	assert_int_equal(sw_http_server_connections(fx.srv), 4);
	/* All of them go at once: the server must take new clients again. */
	for (i = 0; i < 12; i++)
		close(fds[i]);
	assert_answers(&fx);
	fixture_stop(&fx);
}

static void http_server__idle_connections_time_out(void **state)
{
	struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT;
	struct fixture fx;
	int fds[2], i;

	SW_UNUSED(state);
	o.max_connections = 2;
	o.max_per_ip = 100;
	o.idle_timeout_s = 1;
	o.header_timeout_s = 0;
	fixture_start_opts(&fx, &o);
	for (i = 0; i < 2; i++)
		fds[i] = client(&fx);
	fx.want = 2;
	assert_true(run_until(&fx, at_want));
	/* Both slots are held by silent clients: the idle timeout must free them. */
	assert_answers(&fx);
	for (i = 0; i < 2; i++) {
		assert_true(peer_closed(fds[i]));
		close(fds[i]);
	}
	fixture_stop(&fx);
}

static void http_server__slow_request_head_is_dropped(void **state)
{
	static const char head[] = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
	struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT;
	struct fixture fx;

	SW_UNUSED(state);
	o.header_timeout_s = 1;
	o.idle_timeout_s = 3600; /* the bytes keep coming: only the header timeout can end it */
	fixture_start_opts(&fx, &o);
	fx.fd = fx.trickle_fd = client(&fx);
	assert_int_equal(send(fx.fd, head, sizeof(head) - 1, MSG_NOSIGNAL),
			 (ssize_t)(sizeof(head) - 1));
	if (!run_until(&fx, fd_closed))
		fail_msg("a head sent a byte every 100 ms was still open after %d ms", BOUND_MS);
	fx.trickle_fd = -1;
	fx.want = 0;
	assert_true(run_until(&fx, at_want));
	close(fx.fd);
	assert_answers(&fx);
	fixture_stop(&fx);
}

static void http_server__kept_alive_connection_owes_next_head(void **state)
{
	static const char req[] = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT;
	struct fixture fx;
	char buf[512];
	ssize_t n;

	SW_UNUSED(state);
	o.header_timeout_s = 1;
	o.idle_timeout_s = 3600;
	fixture_start_opts(&fx, &o);
	fx.fd = client(&fx);
	assert_int_equal(send(fx.fd, req, sizeof(req) - 1, MSG_NOSIGNAL),
			 (ssize_t)(sizeof(req) - 1));
	fx.want = 1;
	assert_true(run_until(&fx, at_want));
	/* The answer comes, the connection stays open for a next request... */
	assert_true(run_until(&fx, fd_readable));
	n = recv(fx.fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "HTTP/1.1 200"));
	/* ...which must come within the header timeout too. */
	if (!run_until(&fx, fd_closed))
		fail_msg("an idle kept-alive connection was still open after %d ms", BOUND_MS);
	close(fx.fd);
	fixture_stop(&fx);
}

static void http_server__connections_per_address_are_bounded(void **state)
{
	struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT;
	struct fixture fx;
	int fds[3], i;

	SW_UNUSED(state);
	o.max_per_ip = 2;
	o.max_connections = 10;
	o.idle_timeout_s = 0; /* only the limit may close a connection here */
	o.header_timeout_s = 0;
	fixture_start_opts(&fx, &o);
	for (i = 0; i < 3; i++)
		fds[i] = client(&fx);
	/* The backlog is first in, first out: the third is the one turned away. */
	fx.fd = fds[2];
	if (!run_until(&fx, fd_closed))
		fail_msg("a third connection from one address still open after %d ms", BOUND_MS);
	assert_int_equal(sw_http_server_connections(fx.srv), 2);
	assert_false(peer_closed(fds[0]));
	assert_false(peer_closed(fds[1]));
	for (i = 0; i < 3; i++)
		close(fds[i]);
	fixture_stop(&fx);
}

static void http_server__parked_stream_outlives_idle_timeout(void **state)
{
	struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT;
	struct fixture fx;
	char *u, *out;

	SW_UNUSED(state);
	o.idle_timeout_s = 1;
	fixture_start_opts(&fx, &o);
	fx.sse_gap_ms = 1500; /* each pause longer than the idle timeout */
	u = url(&fx, "/sse");
	out = curl(&fx, (const char *const[]){ "-N", u, NULL });
	assert_non_null(strstr(out, "id: 2\ndata: a\ndata: b\n\n"));
	assert_int_equal(fx.sse_sent, 3);
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
		cmocka_unit_test(http_server__listens_again_after_the_limit),
		cmocka_unit_test(http_server__idle_connections_time_out),
		cmocka_unit_test(http_server__slow_request_head_is_dropped),
		cmocka_unit_test(http_server__kept_alive_connection_owes_next_head),
		cmocka_unit_test(http_server__connections_per_address_are_bounded),
		cmocka_unit_test(http_server__parked_stream_outlives_idle_timeout),
	};

	return sw_run_group("http_server", tests);
}
