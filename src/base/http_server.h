/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_server.h - a small HTTP/1.1 server on the libuv loop.
 *
 * This is the one module that includes <microhttpd.h> (STYLE R19).  It
 * sits in base/ rather than web/ because the MCP server's Streamable HTTP
 * transport (mcp/, a lower layer than web/) needs it too; the dashboard and
 * the flock controller reuse it from above.
 *
 * libmicrohttpd runs in external mode with epoll (STYLE R17): its epoll fd
 * sits in a uv_poll and MHD_get_timeout() drives a uv_timer, so every
 * handler runs on the loop thread and no lock is ever needed.
 *
 * Connections are bounded so that idle clients cannot shut others out:
 * at most max_connections at once and max_per_ip from one address (more
 * are closed at accept); a request line and headers not in within
 * header_timeout_s are dropped, counted from the accept or from the end
 * of the previous request on the connection; and a connection with no
 * traffic for idle_timeout_s is closed, unless its request is parked
 * waiting for the handler's answer or for the next streamed bytes.
 *
 * A request reaches its handler once, with the whole body read (bounded by
 * max_body; a larger body is answered 413 without calling the handler).
 * The handler answers at once or later, in one of two ways:
 *   - sw_http_respond(): status, content type and a complete body;
 *   - sw_http_stream_start() then sw_http_stream_write()... and
 *     sw_http_stream_end(): a streamed body (Server-Sent Events with
 *     sw_http_stream_sse()).
 * Until it answers, the connection is parked.  The request object lives
 * until the connection is done with it; on_close (if set) fires then,
 * whether the response completed or the client went away, and the
 * request must not be used afterwards.
 *
 * Calling sequence:
 *   1. struct sw_http_server_opts o = SW_HTTP_SERVER_OPTS_INIT; fill host/port
 *   2. sw_http_server_start(&srv, loop, &o, &err)
 *   3. sw_http_server_route(srv, "POST", "/mcp", handler, data) ...
 *   4. run the loop; handlers answer requests
 *   5. sw_http_server_free(srv) (closes every connection)
 */
#ifndef SW_HTTP_SERVER_H
#define SW_HTTP_SERVER_H

#include "compat.h"
#include "buf.h"
#include "error.h"

#include <uv.h>

#define SW_HTTP_MAX_BODY (4u << 20) /* default ceiling for one request body */
#define SW_HTTP_IDLE_TIMEOUT_S 60   /* default: close a connection silent this long */
#define SW_HTTP_HEADER_TIMEOUT_S 10 /* default: the request line and headers must be in by then */
#define SW_HTTP_MAX_CONNECTIONS 256 /* default: connections open at once */
#define SW_HTTP_MAX_PER_IP 64       /* default: connections open at once from one address */

struct sw_http_server;
struct sw_http_request;

/* Handles one request; see the file comment for how to answer. */
typedef void (*sw_http_handler)(struct sw_http_request *req, void *data);
/* The request is finished (answered, or the client went away). */
typedef void (*sw_http_close_cb)(struct sw_http_request *req, void *data);

struct sw_http_server_opts {
	const char *host;        /* numeric address to bind; NULL: 127.0.0.1 */
	unsigned port;           /* 0: an ephemeral port (see sw_http_server_port) */
	size_t max_body;         /* request body ceiling; 0: SW_HTTP_MAX_BODY */
	unsigned idle_timeout_s; /* close a connection without traffic after this; 0: never */
	unsigned max_connections; /* 0: SW_HTTP_MAX_CONNECTIONS */
	unsigned header_timeout_s; /* drop a request whose head takes longer; 0: never */
	unsigned max_per_ip;     /* 0: SW_HTTP_MAX_PER_IP */
};

#define SW_HTTP_SERVER_OPTS_INIT \
	{ NULL, 0, 0, SW_HTTP_IDLE_TIMEOUT_S, 0, SW_HTTP_HEADER_TIMEOUT_S, 0 }

/*
 * Binds and starts listening.  Errors: SW_EINVAL (bad host), SW_EIO
 * (cannot bind, e.g. the port is taken).  *@out is owned by the caller.
 */
int sw_http_server_start(struct sw_http_server **out, uv_loop_t *loop,
			 const struct sw_http_server_opts *o, struct sw_error *err);

/* The port actually bound (useful with port 0). */
unsigned sw_http_server_port(const struct sw_http_server *srv);

/* Connections open now (accepted and not yet closed). */
unsigned sw_http_server_connections(const struct sw_http_server *srv);

/*
 * Routes requests for @path to @fn.  @method NULL matches every method;
 * @path ending in '*' matches that prefix.  Routes are tried in order.
 * A path with no route gets 404; a path whose routes all name other
 * methods gets 405 with an Allow header.  The strings are copied.
 */
void sw_http_server_route(struct sw_http_server *srv, const char *method, const char *path,
			  sw_http_handler fn, void *data);

/* Stops listening, ends every open connection and frees @srv. Accepts NULL. */
void sw_http_server_free(struct sw_http_server *srv);

/* Request accessors; the strings are borrowed from @req. */
const char *sw_http_request_method(const struct sw_http_request *req);
const char *sw_http_request_path(const struct sw_http_request *req);
/* A header value (case-insensitive name), NULL if absent. */
const char *sw_http_request_header(const struct sw_http_request *req, const char *name);
/* A query-string argument, NULL if absent. */
const char *sw_http_request_query(const struct sw_http_request *req, const char *name);
/* The request body (NUL-terminated; may hold NULs). */
const char *sw_http_request_body(const struct sw_http_request *req, size_t *len);

/* Attaches a callback for the end of @req (replaces an earlier one). */
void sw_http_request_on_close(struct sw_http_request *req, sw_http_close_cb cb, void *data);

/* Adds a response header (before answering). Both strings are copied. */
void sw_http_request_add_header(struct sw_http_request *req, const char *name, const char *value);

/*
 * Answers with a complete body (copied).  @content_type may be NULL.
 * Only the first answer counts; later calls are ignored.
 */
void sw_http_respond(struct sw_http_request *req, unsigned status, const char *content_type,
		     const char *body, size_t len);

/* Starts a streamed answer with @status and @content_type. */
void sw_http_stream_start(struct sw_http_request *req, unsigned status, const char *content_type);
/*
 * Queues @len bytes (copied) on a started stream.  Errors: SW_EIO when the
 * client has gone away or the stream has ended.
 */
int sw_http_stream_write(struct sw_http_request *req, const char *data, size_t len,
			 struct sw_error *err);
/*
 * Queues one Server-Sent Event: "event: @event" (if non-NULL), "id: @id"
 * (if non-NULL), then @data split into one "data:" line per line.
 * Errors: as sw_http_stream_write.
 */
int sw_http_stream_sse(struct sw_http_request *req, const char *event, const char *id,
		       const char *data, size_t len, struct sw_error *err);
/* Ends the stream once the queued bytes are sent. */
void sw_http_stream_end(struct sw_http_request *req);

/* 1 while @req may still be answered or written to. */
int sw_http_request_alive(const struct sw_http_request *req);

/* The reason phrase for @status ("Not Found"). */
const char *sw_http_status_text(unsigned status);

#endif
