/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP client against the scripted model server on loopback: collected and
 * streamed bodies, headers, Retry-After, idle timeout, cancellation, the
 * response ceiling, a refused connection, and the exact bytes sent.
 */
#include "helpers/sw_test.h"
#include "helpers/model_server.h"
#include "base/http_client.h"
#include "base/json.h"
#include "base/sse.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define SKIP_WITHOUT_SERVER(m) do { if (!(m)) { skip(); return; } } while (0)

static void url_of(struct sw_buf *b, struct ms *m, const char *path)
{
	sw_buf_reset(b);
	sw_buf_addf(b, "%s%s", m->url, path);
}

static void http_client__fetch_collects_body_and_headers(void **state)
{
	struct ms *m = ms_start("{\"steps\":[{\"expect\":{\"path\":\"/v1/messages\","
				"\"headers\":{\"x-test\":\"yes\"},\"contains\":[\"\\\"hi\\\"\"]},"
				"\"respond\":{\"text\":\"hello\"}}]}");
	struct sw_error err = SW_ERROR_INIT;
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_http_response resp = SW_HTTP_RESPONSE_INIT;
	struct sw_buf url = SW_BUF_INIT, reqs = SW_BUF_INIT;
	const char *hdrs[] = { "X-Test: yes", "Content-Type: application/json", NULL };
	const char *body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
	cJSON *doc = NULL;

	SW_UNUSED(state);
	SKIP_WITHOUT_SERVER(m);
	url_of(&url, m, "/v1/messages");
	o.url = url.ptr;
	o.headers = hdrs;
	o.body = body;
	o.body_len = strlen(body);
	assert_sw_ok(sw_http_fetch(&resp, &o, &err), &err);
	assert_int_equal(resp.status, 200);
	assert_string_equal(sw_http_header(&resp, "content-type"), "application/json");
	assert_string_equal(sw_http_header(&resp, "Content-Type"), "application/json");
	assert_null(sw_http_header(&resp, "x-missing"));
	assert_sw_ok(sw_json_parse(&doc, resp.body.ptr, resp.body.len, &err), &err);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "content"), 0),
						"text")->valuestring, "hello");
	ms_assert_clean(m);
	/* The server recorded the exact body and method. */
	ms_read(m, "requests.ndjson", &reqs);
	assert_non_null(strstr(reqs.ptr, "\"method\": \"POST\""));
	assert_non_null(strstr(reqs.ptr, "{\\\"messages\\\":[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"hi\\\"}]}"));
	cJSON_Delete(doc);
	sw_http_response_release(&resp);
	sw_buf_release(&url);
	sw_buf_release(&reqs);
	ms_stop(m);
}

struct stream_state {
	struct sw_sse sse;
	struct sw_buf types;
	int headers_seen;
	long status;
};

static int on_ev(const struct sw_sse_event *ev, void *data, struct sw_error *err)
{
	struct stream_state *st = data;

	SW_UNUSED(err);
	sw_buf_addf(&st->types, "%s,", ev->type);
	return 0;
}

static int on_hdrs(struct sw_http_req *req, struct sw_http_response *resp, void *data,
		   struct sw_error *err)
{
	struct stream_state *st = data;

	SW_UNUSED(req);
	SW_UNUSED(err);
	st->headers_seen++;
	st->status = resp->status;
	return 0;
}

static int on_body(struct sw_http_req *req, const char *chunk, size_t len, void *data,
		   struct sw_error *err)
{
	struct stream_state *st = data;

	SW_UNUSED(req);
	return sw_sse_feed(&st->sse, chunk, len, on_ev, st, err);
}

static void http_client__streams_sse(void **state)
{
	struct ms *m = ms_start("{\"steps\":[{\"respond\":{\"text\":\"a streamed answer\","
				"\"tool_calls\":[{\"id\":\"t1\",\"name\":\"fs_read\",\"input\":{\"path\":\"x\"}}]}}]}");
	struct sw_error err = SW_ERROR_INIT;
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_http_response resp = SW_HTTP_RESPONSE_INIT;
	struct sw_buf url = SW_BUF_INIT;
	struct stream_state st;
	const char *body = "{\"stream\":true}";

	SW_UNUSED(state);
	SKIP_WITHOUT_SERVER(m);
	memset(&st, 0, sizeof(st));
	sw_sse_init(&st.sse, 0);
	sw_buf_init(&st.types, 0);
	url_of(&url, m, "/v1/messages");
	o.url = url.ptr;
	o.body = body;
	o.body_len = strlen(body);
	o.on_headers = on_hdrs;
	o.on_body = on_body;
	o.data = &st;
	o.idle_timeout_ms = 5000;
	assert_sw_ok(sw_http_fetch(&resp, &o, &err), &err);
	assert_int_equal(st.headers_seen, 1);
	assert_int_equal(st.status, 200);
	assert_int_equal(resp.body.len, 0); /* streamed, not collected */
	assert_true(resp.received > 0);
	assert_true(sw_starts_with(st.types.ptr, "message_start,ping,content_block_start,content_block_delta,"));
	assert_true(sw_ends_with(st.types.ptr, "content_block_stop,message_delta,message_stop,"));
	sw_sse_release(&st.sse);
	sw_buf_release(&st.types);
	sw_http_response_release(&resp);
	sw_buf_release(&url);
	ms_stop(m);
}

static void http_client__error_status_and_retry_after(void **state)
{
	struct ms *m = ms_start("{\"steps\":[{\"respond\":{\"status\":429,\"headers\":{\"retry-after\":\"2\"}}}]}");
	struct sw_error err = SW_ERROR_INIT;
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_http_response resp = SW_HTTP_RESPONSE_INIT;
	struct sw_buf url = SW_BUF_INIT;

	SW_UNUSED(state);
	SKIP_WITHOUT_SERVER(m);
	url_of(&url, m, "/v1/chat/completions");
	o.url = url.ptr;
	o.body = "{}";
	o.body_len = 2;
	assert_sw_ok(sw_http_fetch(&resp, &o, &err), &err);
	assert_int_equal(resp.status, 429);
	assert_int_equal(sw_http_retry_after_ms(sw_http_header(&resp, "retry-after")), 2000);
	assert_int_equal(sw_http_retry_after_ms("0.5"), 500);
	assert_int_equal(sw_http_retry_after_ms("soon"), -1);
	assert_int_equal(sw_http_retry_after_ms(NULL), -1);
	assert_int_equal(sw_http_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), 0); /* past */
	sw_http_response_release(&resp);
	sw_buf_release(&url);
	ms_stop(m);
}

static void http_client__idle_timeout(void **state)
{
	struct ms *m = ms_start("{\"steps\":[{\"respond\":{\"text\":\"x\",\"hang\":true,"
				"\"events_before_hang\":1}}]}");
	struct sw_error err = SW_ERROR_INIT;
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_http_response resp = SW_HTTP_RESPONSE_INIT;
	struct sw_buf url = SW_BUF_INIT;

	SW_UNUSED(state);
	SKIP_WITHOUT_SERVER(m);
	url_of(&url, m, "/v1/messages");
	o.url = url.ptr;
	o.body = "{\"stream\":true}";
	o.body_len = strlen(o.body);
	o.idle_timeout_ms = 300;
	assert_int_equal(sw_http_fetch(&resp, &o, &err), SW_ETIMEOUT);
	assert_non_null(strstr(err.msg, "no data from"));
	assert_int_equal(resp.status, 200);
	assert_true(resp.received > 0); /* the first event arrived before the stall */
	sw_http_response_release(&resp);
	sw_buf_release(&url);
	ms_stop(m);
}

struct cancel_state {
	struct sw_http_req *req;
	uv_timer_t timer;
	int rc;
	int done;
};

static void cancel_done(struct sw_http_req *req, struct sw_http_response *resp, int rc,
			const struct sw_error *err, void *data)
{
	struct cancel_state *cs = data;

	SW_UNUSED(req);
	SW_UNUSED(resp);
	SW_UNUSED(err);
	cs->rc = rc;
	cs->done++;
}

static void cancel_now(uv_timer_t *t)
{
	struct cancel_state *cs = t->data;

	sw_http_cancel(cs->req);
	sw_http_cancel(cs->req); /* idempotent */
	assert_int_equal(cs->done, 0); /* delivered later, from the loop */
	uv_close((uv_handle_t *)t, NULL);
}

static void http_client__cancel_on_the_loop(void **state)
{
	struct ms *m = ms_start("{\"steps\":[{\"respond\":{\"hang\":true}}]}");
	struct sw_error err = SW_ERROR_INIT;
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_buf url = SW_BUF_INIT;
	struct sw_http *h = NULL;
	struct cancel_state cs;
	uv_loop_t loop;

	SW_UNUSED(state);
	SKIP_WITHOUT_SERVER(m);
	memset(&cs, 0, sizeof(cs));
	uv_loop_init(&loop);
	assert_sw_ok(sw_http_new(&h, &loop, &err), &err);
	url_of(&url, m, "/v1/messages");
	o.url = url.ptr;
	o.body = "{}";
	o.body_len = 2;
	o.on_done = cancel_done;
	o.data = &cs;
	assert_sw_ok(sw_http_start(&cs.req, h, &o, &err), &err);
	assert_int_equal(sw_http_pending(h), 1);
	uv_timer_init(&loop, &cs.timer);
	cs.timer.data = &cs;
	uv_timer_start(&cs.timer, cancel_now, 200, 0);
	while (!cs.done && uv_run(&loop, UV_RUN_ONCE))
		;
	assert_int_equal(cs.done, 1);
	assert_int_equal(cs.rc, SW_ECANCELED);
	assert_int_equal(sw_http_pending(h), 0);
	sw_http_free(h);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0); /* every handle closed */
	sw_buf_release(&url);
	ms_stop(m);
}

static void http_client__response_ceiling(void **state)
{
	struct ms *m = ms_start("{\"steps\":[{\"respond\":{\"text\":\"a long enough answer to pass the ceiling\"}}]}");
	struct sw_error err = SW_ERROR_INIT;
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_http_response resp = SW_HTTP_RESPONSE_INIT;
	struct sw_buf url = SW_BUF_INIT;

	SW_UNUSED(state);
	SKIP_WITHOUT_SERVER(m);
	url_of(&url, m, "/v1/messages");
	o.url = url.ptr;
	o.body = "{}";
	o.body_len = 2;
	o.max_response = 32;
	assert_int_equal(sw_http_fetch(&resp, &o, &err), SW_ETOOBIG);
	assert_non_null(strstr(err.msg, "exceeds the limit of 32 bytes"));
	sw_http_response_release(&resp);
	sw_buf_release(&url);
	ms_stop(m);
}

static void http_client__refused_connection_and_bad_url(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_http_response resp = SW_HTTP_RESPONSE_INIT;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	char url[128];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	SW_UNUSED(state);
	/* A port that was just free: bind, read it, close. */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/messages?key=secret", ntohs(sa.sin_port));
	o.url = url;
	assert_int_equal(sw_http_fetch(&resp, &o, &err), SW_EIO);
	assert_non_null(strstr(err.msg, "127.0.0.1"));
	assert_null(strstr(err.msg, "secret")); /* the query never reaches messages */
	o.url = "ftp://example.invalid/";
	assert_int_equal(sw_http_fetch(&resp, &o, &err), SW_EINVAL);
	sw_http_response_release(&resp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(http_client__fetch_collects_body_and_headers),
		cmocka_unit_test(http_client__streams_sse),
		cmocka_unit_test(http_client__error_status_and_retry_after),
		cmocka_unit_test(http_client__idle_timeout),
		cmocka_unit_test(http_client__cancel_on_the_loop),
		cmocka_unit_test(http_client__response_ceiling),
		cmocka_unit_test(http_client__refused_connection_and_bad_url),
	};
	return sw_run_group("http_client", tests);
}
