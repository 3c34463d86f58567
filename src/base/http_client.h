/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_client.h - HTTP requests on the libuv loop (the only libcurl user).
 *
 * libcurl enters Specwright through this module alone (STYLE R19).  A
 * struct sw_http is one curl multi handle riding one uv_loop_t through the
 * multi SOCKET interface (curl's multi-uv pattern): one uv_poll per socket
 * curl asks about, one uv_timer for curl's timeout.  Nothing blocks and no
 * thread is started; every callback runs on the loop's thread.
 *
 * A request is described by struct sw_http_opts: method, URL, headers,
 * body, timeouts, a ceiling on the response size, and callbacks.  The
 * response body is either collected (resp->body) or streamed to on_body
 * (for SSE and NDJSON; pair it with base/sse.h).  on_done is called
 * exactly once per started request, always from the loop (never from
 * inside sw_http_start() or sw_http_cancel()), and is the last callback;
 * the request object is freed when on_done returns.
 *
 * Calling sequence (asynchronous):
 *   1. sw_http_new(&h, loop, &err)                -- once per loop
 *   2. struct sw_http_opts o = SW_HTTP_OPTS_INIT; o.url = ...; o.on_done = ...;
 *   3. sw_http_start(&req, h, &o, &err)           -- the opts are copied
 *   4. run the loop; on_headers (once the status and headers are in),
 *      on_body (each chunk, streaming only), then on_done(req, resp, rc, err)
 *   5. optionally sw_http_cancel(req) before on_done: on_done follows
 *      with rc SW_ECANCELED
 *   6. sw_http_free(h)                            -- pending requests are
 *      dropped without callbacks; run the loop once more to close handles
 *
 * Synchronous: sw_http_fetch() does 1-6 on a private loop (for short
 * commands and tests).
 *
 * Errors delivered to on_done (rc): 0 when an HTTP response arrived, whatever
 * its status (inspect resp->status); SW_ETIMEOUT (connect, idle or total
 * timeout); SW_ECANCELED; SW_ETOOBIG (response over max_response); SW_EIO
 * (connection refused, DNS, TLS, reset: the message names the URL's host
 * and curl's reason, never a header value); a negative code returned by
 * on_body or on_headers aborts the transfer and is passed through with its
 * message.
 *
 * Secrets: header values and the body are never copied into error messages.
 */
#ifndef SW_HTTP_CLIENT_H
#define SW_HTTP_CLIENT_H

#include "compat.h"
#include "buf.h"
#include "error.h"

#include <uv.h>

#define SW_HTTP_MAX_RESPONSE (64u << 20)   /* default ceiling on one response body */
#define SW_HTTP_CONNECT_TIMEOUT_MS 10000   /* default connect timeout */

struct sw_http;
struct sw_http_req;

/* A received response; valid during the callbacks of its request. */
struct sw_http_response {
	long status;              /* HTTP status, 0 before the headers arrived */
	struct sw_strvec headers; /* "name: value" lines of the final response, raw order */
	struct sw_buf body;       /* collected body (empty when on_body streams it) */
	size_t received;          /* body bytes received, streamed or not */
	int unreachable;          /* SW_EIO because the host did not resolve or refused the connection */
};

/*
 * Called once the status line and headers of the final response are in.
 * Return 0 to continue, or a negative SW_E* (with @err set) to abort.
 */
typedef int (*sw_http_headers_cb)(struct sw_http_req *req, struct sw_http_response *resp,
				  void *data, struct sw_error *err);
/*
 * Called for each chunk of the body when streaming.  Return 0 to continue,
 * or a negative SW_E* (with @err set) to abort the transfer; on_done then
 * receives that code and message.
 */
typedef int (*sw_http_body_cb)(struct sw_http_req *req, const char *chunk, size_t len, void *data,
			       struct sw_error *err);
/*
 * Called once when the request ends.  @resp may be modified (e.g. the body
 * detached with sw_buf_detach); it is freed after the callback returns.
 */
typedef void (*sw_http_done_cb)(struct sw_http_req *req, struct sw_http_response *resp, int rc,
				const struct sw_error *err, void *data);

struct sw_http_opts {
	const char *method;            /* "GET", "POST", "DELETE", ...; NULL: POST with a body, else GET */
	const char *url;               /* http:// or https:// */
	const char *const *headers;    /* NULL-terminated "Name: value" lines, or NULL */
	const char *body;              /* request body (copied), NULL for none */
	size_t body_len;
	long connect_timeout_ms;       /* 0: SW_HTTP_CONNECT_TIMEOUT_MS */
	long idle_timeout_ms;          /* no byte received for this long: SW_ETIMEOUT; 0 none */
	long total_timeout_ms;         /* whole transfer; 0 none */
	size_t max_response;           /* body ceiling; 0: SW_HTTP_MAX_RESPONSE */
	const char *aws_sigv4;         /* CURLOPT_AWS_SIGV4 value ("aws:amz:REGION:SERVICE") or NULL */
	const char *userpwd;           /* "user:password" (SigV4: "ACCESS_KEY:SECRET_KEY") or NULL */
	sw_http_headers_cb on_headers; /* optional */
	sw_http_body_cb on_body;       /* optional; when set the body is streamed, not collected */
	sw_http_done_cb on_done;       /* required for sw_http_start */
	void *data;                    /* passed to the callbacks */
};

#define SW_HTTP_OPTS_INIT { NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL }

/* Creates a client on @loop (caller frees with sw_http_free). Errors: SW_ERROR. */
int sw_http_new(struct sw_http **out, uv_loop_t *loop, struct sw_error *err);

/*
 * Frees @h.  Requests still in flight are dropped without callbacks.  The
 * loop handles close asynchronously: run the loop afterwards (sw_http_fetch
 * and the loop owners do) so the memory is released.  Accepts NULL.
 */
void sw_http_free(struct sw_http *h);

/*
 * Starts a request; *@out (may be NULL when the caller does not need it) is
 * borrowed and valid until on_done returns.  Errors: SW_EINVAL (no URL or
 * no on_done, an unsupported scheme).  On error no callback is called.
 */
int sw_http_start(struct sw_http_req **out, struct sw_http *h, const struct sw_http_opts *o,
		  struct sw_error *err);

/* Cancels @req: on_done follows from the loop with SW_ECANCELED. Idempotent. */
void sw_http_cancel(struct sw_http_req *req);

/* Number of requests in flight on @h. */
size_t sw_http_pending(const struct sw_http *h);

/*
 * Runs one request to completion on a private loop.  @out receives the
 * response (release with sw_http_response_release); on_done in @o is
 * ignored, on_headers and on_body are honoured.  Returns 0 when a response
 * arrived (any status), else the error codes listed above.
 */
int sw_http_fetch(struct sw_http_response *out, const struct sw_http_opts *o, struct sw_error *err);

#define SW_HTTP_RESPONSE_INIT { 0, SW_STRVEC_INIT, SW_BUF_INIT, 0, 0 }
void sw_http_response_release(struct sw_http_response *resp);

/* The value of response header @name (case-insensitive, first match, trimmed), or NULL. */
const char *sw_http_header(const struct sw_http_response *resp, const char *name);

/*
 * Seconds to wait from a Retry-After value: delta-seconds ("2", "1.5") or
 * an HTTP date.  Returns milliseconds, or -1 when @value is NULL or unparsable.
 */
long sw_http_retry_after_ms(const char *value);

/* The request's response so far (status and headers after on_headers). */
struct sw_http_response *sw_http_req_response(struct sw_http_req *req);

/* Percent-encodes @s for a URL path segment or query value, appending to @b. */
void sw_http_url_escape(struct sw_buf *b, const char *s);

#endif
