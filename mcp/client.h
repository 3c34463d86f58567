/* SPDX-License-Identifier: Apache-2.0 */
/*
 * client.h - the MCP client: attach servers, list their tools, call them.
 *
 * A struct mcp_client holds any number of attached servers (struct
 * mcp_conn), each reached over stdio (a child process speaking NDJSON)
 * or Streamable HTTP (POST per message, JSON or SSE answers,
 * Mcp-Session-Id, a GET stream for server notifications).  Both ride the
 * JSON-RPC core (base/jrpc.h), so requests, timeouts and cancellation work
 * the same way on either.
 *
 * Attaching is asynchronous: initialize (with the connect timeout), then
 * notifications/initialized, then every page of tools/list.  A server is
 * then READY, or FAILED with a message saying why (the child's exit status
 * and the end of its stderr, an HTTP status, a timeout, a protocol version
 * we do not speak).  notifications/tools/list_changed makes the client list
 * that server's tools again; on_change fires after every such change.
 *
 * Tools are named "@server/tool" (DESIGN: the agent loop's namespace for
 * MCP tools); a server's disabledTools are left out.  A call's result is
 * the raw CallToolResult (content[], structuredContent?, isError?); a
 * JSON-RPC error from the server (e.g. unknown tool) is rc SW_EPROTO with
 * the server's message.  Servers answer an unknown tool either way: both
 * reach the caller as an error it can show.
 *
 * Shutdown (mcp_client_free): each stdio child gets its stdin closed, then
 * SIGTERM after shutdown_grace_ms, then SIGKILL after the kill grace
 * (base/proc.h); each HTTP session gets a DELETE.  The function runs the
 * loop until that is done.
 *
 * Calling sequence:
 *   1. struct mcp_client_opts o = MCP_CLIENT_OPTS_INIT; o.loop = loop; ...
 *   2. mcp_client_new(&c, &o)
 *   3. mcp_client_attach(c, &spec, &conn, &err) per server, or
 *      mcp_client_attach_kiro(c, k, &ko, &conn, &err) per configured one
 *   4. mcp_client_wait(c, timeout_ms) -- runs the loop until no server is
 *      still starting; or keep running your own loop and watch on_change
 *   5. mcp_client_tool_count()/mcp_client_tool(), mcp_client_find_tool()
 *   6. mcp_client_call(c, "@server/tool", args, &opts, &call, &err) -- the
 *      callback fires once; or mcp_client_call_sync() outside callbacks
 *   7. mcp_client_free(c)
 */
#ifndef MCP_CLIENT_H
#define MCP_CLIENT_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "kiro/mcpconfig.h"

#include <cjson/cJSON.h>
#include <uv.h>

#define MCP_CONNECT_TIMEOUT_MS 60000  /* initialize handshake (Kiro's "timeout") */
#define MCP_REQUEST_TIMEOUT_MS 120000 /* one request (Kiro's "requestTimeout") */

struct mcp_client;
struct mcp_conn;
struct mcp_pending;

/*
 * How to reach one server, whatever described it (mcp.json through
 * mcp_client_attach_kiro(), an ACP session's mcpServers, a test): the
 * values are final, nothing is expanded.  Strings are copied by
 * mcp_client_attach.
 */
struct mcp_server_spec {
	const char *name;                 /* the server's name in "@name/tool" */
	const char *const *argv;          /* stdio: program and arguments; NULL for HTTP */
	const char *const *env;           /* stdio: "K=V" added to our environment, or NULL */
	const char *cwd;                  /* stdio: working folder, NULL: ours */
	const char *url;                  /* HTTP: the endpoint; NULL for stdio */
	const char *const *headers;       /* HTTP: "Name: value" lines sent with every request */
	const char *const *disabled_tools; /* tool names to leave out, or NULL */
	uint64_t connect_timeout_ms;      /* 0: MCP_CONNECT_TIMEOUT_MS */
	uint64_t request_timeout_ms;      /* 0: MCP_REQUEST_TIMEOUT_MS */
};

#define MCP_SERVER_SPEC_INIT { NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0 }

enum mcp_conn_state {
	MCP_CONN_STARTING, /* spawning / initializing / listing tools */
	MCP_CONN_READY,
	MCP_CONN_FAILED,   /* never became ready, or died; see mcp_conn_error */
	MCP_CONN_CLOSED,   /* shut down by us */
};

/* One tool of an attached server.  Borrowed: valid until the server's tool list changes. */
struct mcp_tool {
	const char *name;            /* "@server/tool" */
	const char *server;          /* the server's name */
	const char *tool;            /* the tool's own name */
	const char *title;           /* may be NULL */
	const char *description;     /* "" if none */
	const cJSON *input_schema;   /* never NULL */
	const cJSON *output_schema;  /* NULL if none */
	const cJSON *annotations;    /* NULL if none (untrusted hints) */
	struct mcp_conn *conn;
};

/* A server became ready or failed, or its tool list changed. */
typedef void (*mcp_change_cb)(struct mcp_client *c, struct mcp_conn *conn, void *data);
/* notifications/message from a server (level name, logger or NULL, data as JSON text). */
typedef void (*mcp_log_cb)(struct mcp_conn *conn, const char *level, const char *logger,
			   const char *text, void *data);

struct mcp_client_opts {
	uv_loop_t *loop;
	const char *client_name;     /* clientInfo.name; NULL: "specwright" */
	const char *client_version;  /* NULL: the build's version */
	uint64_t shutdown_grace_ms;  /* stdin close to SIGTERM; 0: 1000 */
	mcp_change_cb on_change;
	mcp_log_cb on_log;
	void *data;
};

#define MCP_CLIENT_OPTS_INIT { NULL, NULL, NULL, 0, NULL, NULL, NULL }

void mcp_client_new(struct mcp_client **out, const struct mcp_client_opts *o);

/*
 * Starts attaching one server; *@out (may be NULL) is borrowed from @c.
 * Errors: SW_EINVAL (no name, neither argv nor url, a name already
 * attached).  A server that cannot start is not an error here: it
 * attaches and turns FAILED (with the reason) from the loop.
 */
int mcp_client_attach(struct mcp_client *c, const struct mcp_server_spec *spec, struct mcp_conn **out,
		      struct sw_error *err);

/* How mcp_client_attach_kiro() turns a configured server into a spec. */
struct mcp_kiro_attach_opts {
	const char *cwd;                /* stdio: the server's working folder, NULL: ours */
	uint64_t connect_timeout_ms;    /* non-zero: replaces the entry's "timeout" */
	kiro_env_fn lookup;             /* ${VAR} values; NULL: the process environment */
	void *lookup_ctx;               /* handed to @lookup */
	struct sw_strvec *auto_approve; /* non-NULL: receives "@server/tool" per autoApprove name */
};

#define MCP_KIRO_ATTACH_OPTS_INIT { NULL, 0, NULL, NULL, NULL }

/*
 * Attaches the configured server @k (kiro/mcpconfig.h: mcp.json or an
 * agent's mcpServers) through mcp_client_attach(): command, args and env,
 * or url and headers, each ${VAR} expanded (kiro_mcp_resolve); "timeout"
 * as the connect timeout and "requestTimeout" per request; "disabledTools"
 * left out of the tool list; "autoApprove" names pushed to
 * @o->auto_approve.  A disabled server is skipped: 0 and *@out NULL.
 * @o may be NULL (defaults).  *@out (may be NULL) is borrowed from @c.
 * Errors: SW_ENOTFOUND for an unset ${VAR} ("MCP server 'NAME':
 * environment variable 'VAR' is not set", with err->path/line/col at the
 * entry in its file), SW_EINVAL (an unterminated "${", or as
 * mcp_client_attach).  Nothing is attached on error.
 */
int mcp_client_attach_kiro(struct mcp_client *c, const struct kiro_mcp_server *k,
			   const struct mcp_kiro_attach_opts *o, struct mcp_conn **out, struct sw_error *err);

/*
 * Runs the loop until no attached server is STARTING, or @timeout_ms passed
 * (0: no limit beyond each server's connect timeout).  Returns the number of
 * READY servers.  Must not be called from a loop callback.
 */
size_t mcp_client_wait(struct mcp_client *c, uint64_t timeout_ms);

/* Attached servers, in attach order. */
size_t mcp_client_conn_count(const struct mcp_client *c);
struct mcp_conn *mcp_client_conn(const struct mcp_client *c, size_t i);
struct mcp_conn *mcp_client_find_conn(const struct mcp_client *c, const char *name);

const char *mcp_conn_name(const struct mcp_conn *conn);
enum mcp_conn_state mcp_conn_state(const struct mcp_conn *conn);
/* "starting", "ready", "failed", "closed". */
const char *mcp_conn_state_name(enum mcp_conn_state s);
/* Why the server failed ("" otherwise). */
const char *mcp_conn_error(const struct mcp_conn *conn);
/* "stdio" or "http". */
const char *mcp_conn_transport(const struct mcp_conn *conn);
/* The initialize result's fields (NULL before READY). Borrowed. */
const char *mcp_conn_protocol_version(const struct mcp_conn *conn);
const cJSON *mcp_conn_server_info(const struct mcp_conn *conn);
const cJSON *mcp_conn_capabilities(const struct mcp_conn *conn);
const char *mcp_conn_instructions(const struct mcp_conn *conn);
/* Tools of this server. */
size_t mcp_conn_tool_count(const struct mcp_conn *conn);

/* Tools of every READY server, servers in attach order. */
size_t mcp_client_tool_count(const struct mcp_client *c);
const struct mcp_tool *mcp_client_tool(const struct mcp_client *c, size_t i);
/* A tool by "@server/tool" (or "server/tool"), NULL if none. */
const struct mcp_tool *mcp_client_find_tool(const struct mcp_client *c, const char *name);

/*
 * The outcome of a call: rc 0 and @result (the CallToolResult, borrowed for
 * the callback); or rc < 0 with @err: SW_EPROTO (the server's JSON-RPC
 * error; @code holds its code), SW_ETIMEOUT, SW_ECANCELED, SW_EIO (the
 * server went away).
 */
typedef void (*mcp_result_cb)(struct mcp_pending *call, int rc, const cJSON *result, long long code,
			      const struct sw_error *err, void *data);
/* notifications/progress for a call. */
typedef void (*mcp_progress_cb)(struct mcp_pending *call, double progress, double total,
				const char *message, void *data);

struct mcp_call_opts {
	uint64_t timeout_ms;         /* 0: the server's request timeout */
	mcp_result_cb on_result;     /* required */
	mcp_progress_cb on_progress; /* when set, a progressToken is sent */
	void *data;
};

#define MCP_CALL_OPTS_INIT { 0, NULL, NULL, NULL }

/*
 * Calls tool @name ("@server/tool") with @args (borrowed; NULL sends {}).
 * *@out (may be NULL) is valid until on_result returns.  Errors (no
 * callback then): SW_ENOTFOUND (no such tool, or its server is not READY),
 * SW_EIO.
 */
int mcp_client_call(struct mcp_client *c, const char *name, const cJSON *args,
		    const struct mcp_call_opts *o, struct mcp_pending **out, struct sw_error *err);

/* The same, by server and the tool's own name (for tools not listed, e.g. tests of errors). */
int mcp_conn_call(struct mcp_conn *conn, const char *tool, const cJSON *args,
		  const struct mcp_call_opts *o, struct mcp_pending **out, struct sw_error *err);

/* Gives up @call: the server is told (notifications/cancelled), on_result runs with SW_ECANCELED. */
void mcp_pending_cancel(struct mcp_pending *call);

/*
 * Calls and runs the loop until the answer; *@result (caller frees with
 * cJSON_Delete) is the CallToolResult.  @progress/@pdata may be NULL.
 * Errors: as mcp_result_cb, plus those of mcp_client_call.
 */
int mcp_client_call_sync(struct mcp_client *c, const char *name, const cJSON *args, uint64_t timeout_ms,
			 mcp_progress_cb progress, void *pdata, cJSON **result, struct sw_error *err);

/*
 * Shuts every server down (see the file comment), runs the loop until they
 * are gone and frees @c.  Accepts NULL.  Must not be called from a callback
 * of @c.
 */
void mcp_client_free(struct mcp_client *c);

/* Joins the text blocks of a CallToolResult's content (other blocks as "[image/png]" etc.). */
void mcp_result_text(struct sw_buf *out, const cJSON *result);

#endif
