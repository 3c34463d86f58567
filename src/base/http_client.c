/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_client.c - libcurl's multi socket interface on a libuv loop.
 *
 * curl tells us which sockets to watch (socket callback) and when to call
 * it back (timer callback); we keep one uv_poll per socket and one
 * uv_timer, and hand readiness back with curl_multi_socket_action().  After
 * each action, finished transfers are collected from curl_multi_info_read()
 * and completed.  Each request also owns a uv_timer of its own, used for
 * the idle timeout and to deliver a cancellation from the loop.
 *
 * Lifetime: a request is freed when its timer handle has closed, after
 * on_done returned.  The client is freed when every handle it opened has
 * closed; sw_http_free() may be called from any callback (the work is
 * deferred while a dispatch is running).
 */
#include "compat.h"
#include "http_client.h"

#include <ctype.h>
#include <curl/curl.h>

struct sw_http {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;          /* curl's timeout */
	int handles;               /* open uv handles (timer + polls); freed at 0 */
	int busy;                  /* dispatch depth: defer destruction while > 0 */
	int freed;                 /* sw_http_free called */
	struct sw_http_req *reqs;  /* in flight, doubly linked */
	struct poll_ctx *polls;    /* open socket polls, doubly linked */
	size_t nreqs;
};

struct sw_http_req {
	struct sw_http *h;
	struct sw_http_req *prev, *next;
	CURL *easy;
	struct curl_slist *hdrs;
	struct sw_http_opts o;     /* copied; strings below are owned copies */
	char *url, *method, *sigv4, *userpwd;
	struct sw_buf body;        /* request body copy */
	struct sw_http_response resp;
	uv_timer_t timer;          /* idle timeout / deferred cancel */
	int timer_open;
	int in_multi;
	int finished;              /* on_done delivered (or dropped) */
	int cancel_pending;
	int headers_done;          /* on_headers called for the final response */
	int abort_rc;              /* set by a callback to abort the transfer */
	void *done_data;           /* passed to on_done (o.data unless sw_http_fetch) */
	struct sw_error abort_err;
	char errbuf[CURL_ERROR_SIZE];
};

struct poll_ctx {
	uv_poll_t poll;            /* first member: the handle is the context */
	curl_socket_t fd;
	struct sw_http *h;
	struct poll_ctx *prev, *next; /* open polls of h */
};

static int curl_ready;

static void http_maybe_destroy(struct sw_http *h);

static void poll_close(struct sw_http *h, struct poll_ctx *pc);

static void on_handle_closed(uv_handle_t *hd)
{
	struct sw_http *h = hd->data;

	if (hd->type == UV_POLL)
		free(hd);
	h->handles--;
	http_maybe_destroy(h);
}

/* The URL without its query or fragment, for messages (a query may hold a key). */
static void url_for_message(char *dst, size_t n, const char *url)
{
	size_t len = strcspn(url, "?#");

	if (len >= n)
		len = n - 1;
	memcpy(dst, url, len);
	dst[len] = '\0';
}

static void req_free(struct sw_http_req *r)
{
	sw_http_response_release(&r->resp);
	sw_buf_release(&r->body);
	free(r->url);
	free(r->method);
	free(r->sigv4);
	if (r->userpwd) {
		memset(r->userpwd, 0, strlen(r->userpwd));
		free(r->userpwd);
	}
	free(r);
}

static void on_req_timer_closed(uv_handle_t *hd)
{
	struct sw_http_req *r = hd->data;
	struct sw_http *h = r->h;

	req_free(r);
	h->handles--;
	http_maybe_destroy(h);
}

static void req_unlink(struct sw_http_req *r)
{
	struct sw_http *h = r->h;

	if (r->prev)
		r->prev->next = r->next;
	else
		h->reqs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
	h->nreqs--;
}

/* Detaches @r from curl and the list, then closes its timer (which frees it). */
static void req_dispose(struct sw_http_req *r)
{
	struct sw_http *h = r->h;

	if (r->in_multi) {
		curl_multi_remove_handle(h->multi, r->easy);
		r->in_multi = 0;
	}
	if (r->easy) {
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
	req_unlink(r);
	if (r->timer_open) {
		r->timer_open = 0;
		uv_close((uv_handle_t *)&r->timer, on_req_timer_closed);
	} else {
		req_free(r);
	}
}

/* Delivers on_done once and disposes of @r. */
static void req_finish(struct sw_http_req *r, int rc, struct sw_error *err)
{
	struct sw_http *h = r->h;

	if (r->finished)
		return;
	r->finished = 1;
	if (r->in_multi) {
		curl_multi_remove_handle(h->multi, r->easy);
		r->in_multi = 0;
	}
	if (r->timer_open)
		uv_timer_stop(&r->timer);
	h->busy++;
	if (r->o.on_done)
		r->o.on_done(r, &r->resp, rc, err, r->done_data);
	h->busy--;
	req_dispose(r);
	http_maybe_destroy(h);
}

static void req_complete(struct sw_http_req *r, CURLcode cc)
{
	struct sw_error err = SW_ERROR_INIT;
	char where[512];
	int rc = 0;

	url_for_message(where, sizeof(where), r->url);
	if (r->cancel_pending) {
		rc = sw_error_set(&err, SW_ECANCELED, "request to '%s' canceled", where);
	} else if (r->abort_rc < 0) {
		err = r->abort_err;
		rc = r->abort_rc;
	} else if (cc == CURLE_OK) {
		rc = 0;
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		curl_off_t connect_us = 0;

		curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME_T, &connect_us);
		if (connect_us == 0 && r->resp.status == 0)
			rc = sw_error_set(&err, SW_ETIMEOUT, "timed out connecting to '%s'", where);
		else
			rc = sw_error_set(&err, SW_ETIMEOUT, "request to '%s' timed out", where);
	} else {
		rc = sw_error_set(&err, SW_EIO, "request to '%s' failed: %s", where,
				  r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc));
		r->resp.unreachable = cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_RESOLVE_PROXY ||
				      cc == CURLE_COULDNT_CONNECT;
	}
	req_finish(r, rc, &err);
}

static void check_multi_info(struct sw_http *h)
{
	CURLMsg *msg;
	int left;

	h->busy++;
	while (!h->freed && (msg = curl_multi_info_read(h->multi, &left))) {
		struct sw_http_req *r = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (r && !r->finished)
			req_complete(r, msg->data.result);
	}
	h->busy--;
	http_maybe_destroy(h);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	struct poll_ctx *pc = (struct poll_ctx *)p; /* the poll handle is its first member */
	struct sw_http *h = pc->h;
	int flags = 0, running = 0;

	if (h->freed)
		return;
	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (!status && (events & UV_READABLE))
		flags |= CURL_CSELECT_IN;
	if (!status && (events & UV_WRITABLE))
		flags |= CURL_CSELECT_OUT;
	h->busy++;
	curl_multi_socket_action(h->multi, pc->fd, flags, &running);
	h->busy--;
	check_multi_info(h);
}

static void on_timeout(uv_timer_t *t)
{
	struct sw_http *h = t->data;
	int running = 0;

	if (h->freed)
		return;
	h->busy++;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	h->busy--;
	check_multi_info(h);
}

static void poll_close(struct sw_http *h, struct poll_ctx *pc)
{
	if (pc->prev)
		pc->prev->next = pc->next;
	else
		h->polls = pc->next;
	if (pc->next)
		pc->next->prev = pc->prev;
	uv_poll_stop(&pc->poll);
	uv_close((uv_handle_t *)&pc->poll, on_handle_closed);
}

static int socket_cb(CURL *easy, curl_socket_t s, int action, void *userp, void *socketp)
{
	struct sw_http *h = userp;
	struct poll_ctx *pc = socketp;
	int events = 0;

	SW_UNUSED(easy);
	if (action == CURL_POLL_REMOVE) {
		if (pc) {
			poll_close(h, pc);
			curl_multi_assign(h->multi, s, NULL);
		}
		return 0;
	}
	if (!pc) {
		pc = sw_xcalloc(1, sizeof(*pc));
		pc->fd = s;
		pc->h = h;
		if (uv_poll_init_socket(h->loop, &pc->poll, s) < 0) {
			free(pc);
			return -1;
		}
		pc->poll.data = h;
		pc->next = h->polls;
		if (h->polls)
			h->polls->prev = pc;
		h->polls = pc;
		h->handles++;
		curl_multi_assign(h->multi, s, pc);
	}
	if (action == CURL_POLL_IN || action == CURL_POLL_INOUT)
		events |= UV_READABLE;
	if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT)
		events |= UV_WRITABLE;
	uv_poll_start(&pc->poll, events, on_poll);
	return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct sw_http *h = userp;

	SW_UNUSED(multi);
	if (timeout_ms < 0)
		uv_timer_stop(&h->timer);
	else
		uv_timer_start(&h->timer, on_timeout, timeout_ms ? (uint64_t)timeout_ms : 1, 0);
	return 0;
}

static void http_maybe_destroy(struct sw_http *h)
{
	if (!h->freed || h->busy)
		return;
	if (h->multi) {
		/* Drop requests in flight without callbacks. */
		while (h->reqs) {
			h->reqs->finished = 1;
			req_dispose(h->reqs);
		}
		curl_multi_cleanup(h->multi);
		h->multi = NULL;
		while (h->polls)
			poll_close(h, h->polls);
		if (!uv_is_closing((uv_handle_t *)&h->timer))
			uv_close((uv_handle_t *)&h->timer, on_handle_closed);
		return;
	}
	if (h->handles == 0)
		free(h);
}

int sw_http_new(struct sw_http **out, uv_loop_t *loop, struct sw_error *err)
{
	struct sw_http *h;

	*out = NULL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return sw_error_set(err, SW_ERROR, "cannot initialise libcurl");
		curl_ready = 1;
	}
	h = sw_xcalloc(1, sizeof(*h));
	h->loop = loop;
	h->multi = curl_multi_init();
	if (!h->multi) {
		free(h);
		return sw_error_set(err, SW_ERROR, "cannot create a libcurl multi handle");
	}
	uv_timer_init(loop, &h->timer);
	h->timer.data = h;
	h->handles = 1;
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	*out = h;
	return 0;
}

void sw_http_free(struct sw_http *h)
{
	if (!h || h->freed)
		return;
	h->freed = 1;
	http_maybe_destroy(h);
}

size_t sw_http_pending(const struct sw_http *h)
{
	return h ? h->nreqs : 0;
}

static void req_abort(struct sw_http_req *r, int rc, const struct sw_error *err)
{
	if (r->abort_rc < 0)
		return;
	r->abort_rc = rc;
	if (err)
		r->abort_err = *err;
	else
		sw_error_set(&r->abort_err, rc, "request aborted");
	if (!r->abort_err.code)
		r->abort_err.code = rc;
}

static void on_idle_timeout(uv_timer_t *t)
{
	struct sw_http_req *r = t->data;
	struct sw_error err = SW_ERROR_INIT;
	char where[512];

	if (r->finished)
		return;
	url_for_message(where, sizeof(where), r->url);
	if (r->cancel_pending) {
		sw_error_set(&err, SW_ECANCELED, "request to '%s' canceled", where);
		req_finish(r, SW_ECANCELED, &err);
		return;
	}
	sw_error_set(&err, SW_ETIMEOUT, "no data from '%s' for %ld ms", where, r->o.idle_timeout_ms);
	req_finish(r, SW_ETIMEOUT, &err);
}

static void touch_idle(struct sw_http_req *r)
{
	if (r->o.idle_timeout_ms > 0 && r->timer_open && !r->cancel_pending)
		uv_timer_start(&r->timer, on_idle_timeout, (uint64_t)r->o.idle_timeout_ms, 0);
}

static size_t header_cb(char *buf, size_t size, size_t n, void *userp)
{
	struct sw_http_req *r = userp;
	size_t len = size * n, l = len;
	const char *rest;

	if (r->cancel_pending || r->abort_rc < 0)
		return 0;
	touch_idle(r);
	while (l && (buf[l - 1] == '\n' || buf[l - 1] == '\r'))
		l--;
	if (l >= 5 && !strncmp(buf, "HTTP/", 5)) {
		/* A new status line: 1xx interim responses and redirects start over. */
		char *line = sw_xstrndup(buf, l);

		rest = strchr(line, ' ');
		r->resp.status = rest ? strtol(rest + 1, NULL, 10) : 0;
		free(line);
		sw_strvec_clear(&r->resp.headers);
		r->headers_done = 0;
		return len;
	}
	if (l == 0) {
		if (r->resp.status >= 200 && !r->headers_done) {
			r->headers_done = 1;
			if (r->o.on_headers) {
				struct sw_error err = SW_ERROR_INIT;
				int rc = r->o.on_headers(r, &r->resp, r->o.data, &err);

				if (rc < 0) {
					req_abort(r, rc, &err);
					return 0;
				}
			}
		}
		return len;
	}
	if (r->resp.headers.nr >= 1000) {
		struct sw_error err = SW_ERROR_INIT;

		sw_error_set(&err, SW_ETOOBIG, "too many response headers");
		req_abort(r, SW_ETOOBIG, &err);
		return 0;
	}
	{
		char *line = sw_xstrndup(buf, l);

		sw_strvec_push_take(&r->resp.headers, line);
	}
	return len;
}

static size_t write_cb(char *buf, size_t size, size_t n, void *userp)
{
	struct sw_http_req *r = userp;
	size_t len = size * n, max = r->o.max_response;
	struct sw_error err = SW_ERROR_INIT;

	if (r->cancel_pending || r->abort_rc < 0)
		return 0;
	touch_idle(r);
	if (len > max || r->resp.received > max - len) {
		char where[512];

		url_for_message(where, sizeof(where), r->url);
		sw_error_set(&err, SW_ETOOBIG, "response from '%s' exceeds the limit of %zu bytes", where,
			     max);
		req_abort(r, SW_ETOOBIG, &err);
		return 0;
	}
	r->resp.received += len;
	if (r->o.on_body) {
		int rc = r->o.on_body(r, buf, len, r->o.data, &err);

		if (rc < 0) {
			req_abort(r, rc, &err);
			return 0;
		}
		return len;
	}
	sw_buf_add(&r->resp.body, buf, len);
	return len;
}

static char *noproxy_list(void)
{
	const char *env = getenv("NO_PROXY");
	struct sw_buf b = SW_BUF_INIT;

	if (!env)
		env = getenv("no_proxy");
	/* Loopback never goes through a proxy (tests and local model servers). */
	sw_buf_adds(&b, "localhost,127.0.0.1,::1");
	if (env && *env) {
		sw_buf_addch(&b, ',');
		sw_buf_adds(&b, env);
	}
	return sw_buf_detach(&b, NULL);
}

int sw_http_start(struct sw_http_req **out, struct sw_http *h, const struct sw_http_opts *o,
		  struct sw_error *err)
{
	struct sw_http_req *r = NULL;
	char *noproxy = NULL;
	size_t i;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!o->url || !*o->url)
		return sw_error_set(err, SW_EINVAL, "no URL given");
	if (!sw_starts_with(o->url, "http://") && !sw_starts_with(o->url, "https://")) {
		char where[512];

		url_for_message(where, sizeof(where), o->url);
		return sw_error_set(err, SW_EINVAL, "unsupported URL '%s': expected http:// or https://",
				    where);
	}
	if (!o->on_done)
		return sw_error_set(err, SW_EINVAL, "no completion callback given");
	assert(h && !h->freed);

	r = sw_xcalloc(1, sizeof(*r));
	r->h = h;
	r->o = *o;
	r->url = sw_xstrdup(o->url);
	r->method = o->method ? sw_xstrdup(o->method) : NULL;
	r->sigv4 = o->aws_sigv4 ? sw_xstrdup(o->aws_sigv4) : NULL;
	r->userpwd = o->userpwd ? sw_xstrdup(o->userpwd) : NULL;
	r->done_data = o->data;
	r->o.url = r->url;
	r->o.method = r->method;
	r->o.headers = NULL;
	r->o.aws_sigv4 = r->sigv4;
	r->o.userpwd = r->userpwd;
	if (!r->o.max_response)
		r->o.max_response = SW_HTTP_MAX_RESPONSE;
	if (!r->o.connect_timeout_ms)
		r->o.connect_timeout_ms = SW_HTTP_CONNECT_TIMEOUT_MS;
	sw_buf_init(&r->body, 0);
	if (o->body)
		sw_buf_add(&r->body, o->body, o->body_len);
	r->o.body = r->body.ptr;
	sw_strvec_clear(&r->resp.headers);
	sw_buf_init(&r->resp.body, 0);

	r->easy = curl_easy_init();
	if (!r->easy) {
		rc = sw_error_set(err, SW_ERROR, "cannot create a libcurl handle");
		goto out;
	}
	for (i = 0; o->headers && o->headers[i]; i++)
		r->hdrs = curl_slist_append(r->hdrs, o->headers[i]);
	/* No "Expect: 100-continue" round trip for request bodies. */
	r->hdrs = curl_slist_append(r->hdrs, "Expect:");

	curl_easy_setopt(r->easy, CURLOPT_URL, r->url);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS, r->o.connect_timeout_ms);
	if (r->o.total_timeout_ms > 0)
		curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, r->o.total_timeout_ms);
	curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, "specwright");
	noproxy = noproxy_list();
	curl_easy_setopt(r->easy, CURLOPT_NOPROXY, noproxy);
	if (o->body) {
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body.len);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body.ptr);
	}
	if (r->method) {
		if (!strcmp(r->method, "GET") && !o->body)
			curl_easy_setopt(r->easy, CURLOPT_HTTPGET, 1L);
		else if (!strcmp(r->method, "HEAD"))
			curl_easy_setopt(r->easy, CURLOPT_NOBODY, 1L);
		else if (strcmp(r->method, "POST") || !o->body)
			curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, r->method);
	}
	if (r->sigv4)
		curl_easy_setopt(r->easy, CURLOPT_AWS_SIGV4, r->sigv4);
	if (r->userpwd)
		curl_easy_setopt(r->easy, CURLOPT_USERPWD, r->userpwd);

	uv_timer_init(h->loop, &r->timer);
	r->timer.data = r;
	r->timer_open = 1;
	h->handles++;

	r->next = h->reqs;
	if (h->reqs)
		h->reqs->prev = r;
	h->reqs = r;
	h->nreqs++;
	touch_idle(r);
	if (curl_multi_add_handle(h->multi, r->easy) != CURLM_OK) {
		rc = sw_error_set(err, SW_ERROR, "cannot add a transfer to libcurl");
		r->finished = 1;
		req_dispose(r);
		r = NULL;
		goto out;
	}
	r->in_multi = 1;
	if (out)
		*out = r;
	r = NULL;
out:
	free(noproxy);
	if (r) {
		if (r->easy)
			curl_easy_cleanup(r->easy);
		curl_slist_free_all(r->hdrs);
		req_free(r);
	}
	return rc;
}

void sw_http_cancel(struct sw_http_req *req)
{
	if (!req || req->finished || req->cancel_pending)
		return;
	req->cancel_pending = 1;
	/* Deliver from the loop: never call on_done from inside the caller. */
	if (req->timer_open)
		uv_timer_start(&req->timer, on_idle_timeout, 0, 0);
}

struct sw_http_response *sw_http_req_response(struct sw_http_req *req)
{
	return &req->resp;
}

struct fetch_state {
	struct sw_http_response *out;
	struct sw_error *err;
	int rc;
	int done;
};

static void fetch_done(struct sw_http_req *req, struct sw_http_response *resp, int rc,
		       const struct sw_error *err, void *data)
{
	struct fetch_state *st = data;

	SW_UNUSED(req);
	st->done = 1;
	st->rc = rc;
	if (rc < 0 && st->err && err)
		*st->err = *err;
	/* Move the response out; @resp is released after we return. */
	st->out->status = resp->status;
	st->out->received = resp->received;
	sw_buf_release(&st->out->body);
	st->out->body = resp->body;
	sw_buf_init(&resp->body, 0);
	sw_strvec_clear(&st->out->headers);
	st->out->headers = resp->headers;
	resp->headers.v = sw_strvec_empty;
	resp->headers.nr = resp->headers.alloc = 0;
}

static void walk_close(uv_handle_t *hd, void *arg)
{
	SW_UNUSED(arg);
	if (!uv_is_closing(hd))
		uv_close(hd, NULL);
}

int sw_http_fetch(struct sw_http_response *out, const struct sw_http_opts *o, struct sw_error *err)
{
	uv_loop_t loop;
	struct sw_http *h = NULL;
	struct sw_http_req *req = NULL;
	struct sw_http_opts copy = *o;
	struct fetch_state st = { out, err, 0, 0 };
	int rc;

	uv_loop_init(&loop);
	if ((rc = sw_http_new(&h, &loop, err)) < 0)
		goto out;
	copy.on_done = fetch_done;
	if ((rc = sw_http_start(&req, h, &copy, err)) < 0)
		goto out;
	/* on_headers and on_body keep the caller's data; on_done gets ours. */
	req->done_data = &st;
	while (!st.done && uv_run(&loop, UV_RUN_ONCE))
		;
	rc = st.done ? st.rc : sw_error_set(err, SW_ERROR, "the loop stopped before the request ended");
out:
	sw_http_free(h);
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_walk(&loop, walk_close, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return rc;
}

void sw_http_response_release(struct sw_http_response *resp)
{
	if (!resp)
		return;
	sw_strvec_clear(&resp->headers);
	sw_buf_release(&resp->body);
	resp->status = 0;
	resp->received = 0;
}

const char *sw_http_header(const struct sw_http_response *resp, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < resp->headers.nr; i++) {
		const char *line = resp->headers.v[i];

		if (!strncasecmp(line, name, n) && line[n] == ':') {
			const char *v = line + n + 1;

			while (*v == ' ' || *v == '\t')
				v++;
			return v;
		}
	}
	return NULL;
}

long sw_http_retry_after_ms(const char *value)
{
	char *end = NULL;
	double secs;
	time_t when;

	if (!value || !*value)
		return -1;
	while (isspace((unsigned char)*value))
		value++;
	if (isdigit((unsigned char)*value)) {
		secs = strtod(value, &end);
		while (end && isspace((unsigned char)*end))
			end++;
		if (end && *end == '\0' && secs >= 0 && secs < 86400.0 * 365)
			return (long)(secs * 1000.0 + 0.5);
		return -1;
	}
	when = curl_getdate(value, NULL);
	if (when < 0)
		return -1;
	{
		time_t now = time(NULL);

		return when > now ? (long)(when - now) * 1000 : 0;
	}
}

void sw_http_url_escape(struct sw_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			sw_buf_addch(b, c);
		} else {
			sw_buf_addch(b, '%');
			sw_buf_addch(b, hex[c >> 4]);
			sw_buf_addch(b, hex[c & 15]);
		}
	}
}
