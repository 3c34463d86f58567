/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server.h - the MCP server core, independent of any transport.
 *
 * A server holds tool sets (tools, and optionally resources and prompts);
 * a session is one client's conversation with it.  A transport (stdio
 * NDJSON, Streamable HTTP) parses each incoming JSON-RPC message and hands
 * it to mcp_session_handle() together with an opaque @origin; every
 * message the session sends because of it (progress, log messages, the
 * response) goes to the transport's send callback with the same origin,
 * and the last one is flagged final.  That is what lets the HTTP transport
 * put a response on the POST that asked for it.
 *
 * Tool calls may finish later: a tool returns MCP_CALL_PENDING, keeps the
 * struct mcp_call, reports progress with mcp_call_progress(), watches
 * mcp_call_cancelled() and ends with mcp_call_finish().  A client's
 * notifications/cancelled marks the call cancelled and suppresses its
 * response, as the protocol asks.
 *
 * Calling sequence:
 *   1. mcp_server_new(&srv, &opts)
 *   2. mcp_server_add_toolset(srv, set, &err) for each selected set
 *   3. per client: mcp_session_new(&s, srv, send, ctx)
 *   4. mcp_session_handle(s, msg, origin) for each message received
 *   5. mcp_session_free(s); mcp_server_free(srv)
 */
#ifndef MCP_SERVER_H
#define MCP_SERVER_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#include <cjson/cJSON.h>
#include <uv.h>

struct mcp_server;
struct mcp_session;
struct mcp_call;

#define MCP_CALL_PENDING 1 /* a tool's return value: it will call mcp_call_finish() */

enum {
	MCP_TOOL_READ_ONLY = 1 << 0,   /* annotations.readOnlyHint */
	MCP_TOOL_DESTRUCTIVE = 1 << 1, /* annotations.destructiveHint */
	MCP_TOOL_IDEMPOTENT = 1 << 2,  /* annotations.idempotentHint */
};

/*
 * Runs one call.  @args is the "arguments" object (never NULL: {} when
 * absent), borrowed for the duration of the function.  Returns 0 when the
 * result is complete (content added, or an error set with
 * mcp_call_error()), or MCP_CALL_PENDING.  A negative return is a protocol
 * error: @err's message goes back as JSON-RPC error -32602 (SW_EINVAL) or
 * -32603.
 */
typedef int (*mcp_tool_fn)(struct mcp_call *call, const cJSON *args, void *data,
			   struct sw_error *err);

struct mcp_tool_def {
	const char *name;          /* [A-Za-z0-9_.-], unique in the server */
	const char *title;         /* may be NULL */
	const char *description;
	const char *input_schema;  /* JSON text of an object schema */
	const char *output_schema; /* JSON text, or NULL: no structuredContent */
	unsigned flags;            /* MCP_TOOL_* hints */
	mcp_tool_fn fn;
};

/*
 * A named group of tools selected with --tools, with optional resources
 * and prompts.  The set's functions get @data.  Optional callbacks may be
 * NULL.
 */
struct mcp_toolset {
	const char *name;
	const struct mcp_tool_def *tools;
	size_t nr_tools;
	void *data;
	void (*free_data)(void *data);
	/* Appends {uri,name,mimeType?,...} objects to @out (an array). */
	int (*list_resources)(void *data, cJSON *out, struct sw_error *err);
	/* Appends {uriTemplate,name,...} objects to @out. */
	int (*list_templates)(void *data, cJSON *out, struct sw_error *err);
	/* Appends {uri,mimeType,text} to @out; SW_ENOTFOUND when @uri is not this set's. */
	int (*read_resource)(void *data, const char *uri, cJSON *out, struct sw_error *err);
	/* Appends {name,description,arguments} objects to @out. */
	int (*list_prompts)(void *data, cJSON *out, struct sw_error *err);
	/* Fills *@result {description?, messages}; SW_ENOTFOUND when not this set's prompt. */
	int (*get_prompt)(void *data, const char *name, const cJSON *args, cJSON **result,
			  struct sw_error *err);
};

struct mcp_server_opts {
	const char *name;         /* serverInfo.name */
	const char *version;      /* serverInfo.version */
	const char *instructions; /* may be NULL */
	size_t page_size;         /* list page size; 0: 100 */
	uv_loop_t *loop;          /* handed to tools that work asynchronously */
};

#define MCP_SERVER_OPTS_INIT { "specwright", "0", NULL, 0, NULL }

int mcp_server_new(struct mcp_server **out, const struct mcp_server_opts *o, struct sw_error *err);
/*
 * Adds a tool set; the server owns @set afterwards (its free_data is
 * called by mcp_server_free), even on error.  Errors: SW_EINVAL (a tool's
 * schema is not valid JSON), SW_ECONFLICT (a tool name is taken).
 */
int mcp_server_add_toolset(struct mcp_server *srv, struct mcp_toolset *set, struct sw_error *err);
/* Number of tools over all sets. */
size_t mcp_server_tool_count(const struct mcp_server *srv);
/* Frees @srv; every session must have been freed.  Accepts NULL. */
void mcp_server_free(struct mcp_server *srv);

/*
 * Delivers one outgoing message.  @msg is owned by the callee (cJSON_Delete
 * it); it may be NULL together with @final to say "nothing more for
 * @origin" (a notification was handled, or a cancelled call ended).
 */
typedef void (*mcp_send_fn)(void *ctx, cJSON *msg, void *origin, int final);

int mcp_session_new(struct mcp_session **out, struct mcp_server *srv, mcp_send_fn send, void *ctx);

/*
 * Handles one parsed JSON-RPC message (borrowed).  Requests get exactly one
 * final send (the response, or NULL if the call was cancelled);
 * notifications and responses get a final NULL send.  Messages that are
 * not objects, or lack "jsonrpc":"2.0", are answered -32600.
 */
void mcp_session_handle(struct mcp_session *s, const cJSON *msg, void *origin);

/*
 * The same for a message a JSON-RPC layer already took apart: @id is NULL
 * for a notification (borrowed, like @params).
 */
void mcp_session_dispatch(struct mcp_session *s, const char *method, const cJSON *id,
			  const cJSON *params, void *origin);

/* Answers a line that did not parse: -32700 with a null id. */
void mcp_session_parse_error(struct mcp_session *s, const char *detail, void *origin);

/* Sends notifications/message if @level passes the client's logging level. */
void mcp_session_log(struct mcp_session *s, int level, const char *logger, const char *fmt, ...)
	SW_PRINTF(4, 5);

/* 1 once the client sent notifications/initialized. */
int mcp_session_initialized(const struct mcp_session *s);
/* The negotiated protocol version, NULL before initialize. */
const char *mcp_session_version(const struct mcp_session *s);
/* Calls still running. */
size_t mcp_session_pending(const struct mcp_session *s);

/*
 * Frees @s.  Running calls are marked cancelled; their tools still call
 * mcp_call_finish(), which then only releases them.  Accepts NULL.
 */
void mcp_session_free(struct mcp_session *s);

/* Result building, for tools. */
void mcp_call_text(struct mcp_call *call, const char *text, size_t len);
void mcp_call_textf(struct mcp_call *call, const char *fmt, ...) SW_PRINTF(2, 3);
/* Sets structuredContent (taking @obj) and, if no content was added, its text. */
void mcp_call_structured_take(struct mcp_call *call, cJSON *obj);
/* Marks the result isError:true with a text explaining why. */
void mcp_call_error(struct mcp_call *call, const char *fmt, ...) SW_PRINTF(2, 3);
/* Sends notifications/progress when the client asked for it (progressToken). */
void mcp_call_progress(struct mcp_call *call, double progress, double total, const char *message);
/* mcp_session_log() for the call's session, sent along with the call's messages. */
void mcp_call_log(struct mcp_call *call, int level, const char *logger, const char *fmt, ...)
	SW_PRINTF(4, 5);
/* 1 once the client cancelled the call (or went away). */
int mcp_call_cancelled(const struct mcp_call *call);
/* Registers a callback for the moment the call is cancelled. */
void mcp_call_on_cancel(struct mcp_call *call, void (*fn)(struct mcp_call *call, void *data),
			void *data);
/* The server's loop (from the options), for asynchronous tools. */
uv_loop_t *mcp_call_loop(const struct mcp_call *call);
/* The session the call belongs to (for mcp_session_log), NULL once it is gone. */
struct mcp_session *mcp_call_session(const struct mcp_call *call);
/* Ends a pending call: sends the result (unless cancelled) and frees @call. */
void mcp_call_finish(struct mcp_call *call);

#endif
