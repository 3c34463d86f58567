/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serve.h - the MCP server's transports: stdio and Streamable HTTP.
 *
 * stdio: one session over NDJSON on two file descriptors (base/jrpc.h does
 * the framing, -32700 on bad lines, -32600 on batches and the line
 * ceiling).  When the client closes its end, nothing more is read; every
 * request read before is still answered, and then the session ends.
 *
 * Streamable HTTP (2025-11-25 transports §Streamable HTTP) on one endpoint:
 *   POST    one JSON-RPC message.  initialize creates a session and the
 *           answer carries Mcp-Session-Id; every later message must carry
 *           it (missing: 400, unknown or ended: 404).  A notification or
 *           response is answered 202.  A request is answered with
 *           application/json, or with an event stream when the call sends
 *           progress or log messages before its result.
 *   GET     an event stream for messages not tied to a request (one per
 *           session: a second gets 409; without Accept: text/event-stream,
 *           406).  A comment line every 15 s keeps it alive.
 *   DELETE  ends the session.
 * Protection against DNS rebinding: a request whose Origin is present and
 * not a loopback origin (or one of allowed_origins) gets 403, and while
 * bound to a loopback address the Host header must name a loopback host.
 * With a token, every request needs "Authorization: Bearer TOKEN" (401).
 * An event stream waiting for its next message is exempt from the idle
 * timeout; its keepalive comments find clients that have gone.
 *
 * Calling sequence:
 *   1. mcp_stdio_start(&io, srv, loop, 0, 1, on_end, data, &err), or
 *      mcp_http_start(&h, srv, loop, &opts, &err)
 *   2. run the loop
 *   3. mcp_stdio_free(io) / mcp_http_free(h); then run the loop once more
 */
#ifndef MCP_SERVE_H
#define MCP_SERVE_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "server.h"

#include <uv.h>

#define MCP_HTTP_MAX_SESSIONS 128 /* beyond this the least recently used idle session ends */

struct mcp_stdio;
struct mcp_http;

/*
 * Serves @srv on @in_fd/@out_fd.  @on_end(@data) runs once the client has
 * hung up (end of input) and every request it sent has been answered, or
 * the connection failed.  Errors: SW_EIO, SW_EINVAL (see jrpc_attach_fds).
 */
int mcp_stdio_start(struct mcp_stdio **out, struct mcp_server *srv, uv_loop_t *loop, int in_fd,
		    int out_fd, void (*on_end)(void *data), void *data, struct sw_error *err);
void mcp_stdio_free(struct mcp_stdio *io);

struct mcp_http_opts {
	const char *host;                     /* numeric address; NULL: 127.0.0.1 */
	unsigned port;                        /* 0: ephemeral */
	const char *path;                     /* endpoint; NULL: "/mcp" */
	const char *token;                    /* bearer token required, or NULL */
	const struct sw_strvec *origins;      /* extra allowed Origin values, or NULL */
	/* Connection bounds (base/http_server.h); 0: that module's default. */
	unsigned idle_timeout_s;              /* no traffic (parked streams exempt) */
	unsigned header_timeout_s;            /* request line and headers */
	unsigned max_connections;             /* open at once */
	unsigned max_per_ip;                  /* open at once from one address */
};

#define MCP_HTTP_OPTS_INIT { NULL, 0, NULL, NULL, NULL, 0, 0, 0, 0 }

/* Starts listening.  Errors: as sw_http_server_start. */
int mcp_http_start(struct mcp_http **out, struct mcp_server *srv, uv_loop_t *loop,
		   const struct mcp_http_opts *o, struct sw_error *err);
unsigned mcp_http_port(const struct mcp_http *h);
/* Live sessions. */
size_t mcp_http_sessions(const struct mcp_http *h);
/* Ends every session and stops listening.  Accepts NULL. */
void mcp_http_free(struct mcp_http *h);

#endif
