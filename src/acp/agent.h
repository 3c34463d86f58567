/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent.h - the agent side of the Agent Client Protocol (v1).
 *
 * acp_agent serves ACP over one base/jrpc connection (normally our own
 * stdin/stdout) and turns it into calls on a backend: the thing that runs
 * turns.  The backend is a vtable (STYLE R18), so the protocol layer is the
 * same for the built-in agent loop (acp/builtin.c) and for the scripted
 * backends the tests plug in.
 *
 * What the protocol layer does by itself: initialize (protocol version 1,
 * loadSession, embeddedContext prompts, http MCP servers), session/new and
 * session/load (checks the absolute cwd and the ACP-shaped mcpServers, then
 * replays the history of a loaded session as session/update notifications
 * before answering; the backend's slash commands follow as
 * available_commands_update), session/prompt (the prompt's text, resource links and
 * embedded resources become the turn's text; every event of the turn goes
 * out as a session/update as it happens; the answer carries the stop reason
 * and the usage in _meta), session/request_permission for what the backend
 * asks, session/cancel and $/cancel_request (the backend is told at once;
 * the prompt is answered with stopReason "cancelled"), session/set_mode
 * (modes are the backend's agents).  Unknown methods get -32601, unknown
 * notifications are ignored.
 *
 * The backend reports a turn through the acp_sink_* functions on the sink
 * it was given when its session opened.  When the client offered fs or
 * terminal capabilities, the backend can route file reads and writes and
 * shell commands through the client with acp_sink_read_file(),
 * acp_sink_write_file() and acp_sink_run_command().
 *
 * Calling sequence:
 *   1. struct acp_agent_opts o = ACP_AGENT_OPTS_INIT; o.ops = &ops; o.self = backend;
 *   2. acp_agent_new(&a, loop, &o)
 *   3. acp_agent_attach_fds(a, 0, 1, &err)   (or acp_agent_rpc() + a transport)
 *   4. run the loop; o.on_close runs when the client hangs up
 *   5. acp_agent_free(a)
 */
#ifndef SW_ACP_AGENT_H
#define SW_ACP_AGENT_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#include <cjson/cJSON.h>
#include <uv.h>

struct acp_agent;
struct acp_sink;   /* one ACP session, as its backend sees it */
struct jrpc;

enum acp_tool_status { ACP_TOOL_PENDING, ACP_TOOL_RUNNING, ACP_TOOL_DONE, ACP_TOOL_FAILED };

/* A tool call, as the backend describes it (everything borrowed for the call). */
struct acp_tool_info {
	const char *id;        /* unique within the session */
	const char *title;     /* one line for people */
	const char *kind;      /* read, edit, delete, move, search, execute, think, fetch, other */
	const cJSON *input;    /* arguments (rawInput), or NULL */
	const char *path;      /* file concerned (absolute), or NULL */
	enum acp_tool_status status;
	const char *output;    /* result text when DONE or FAILED, else NULL */
	const char *new_text;  /* an edit of @path: the new text (sent as a diff), else NULL */
	const char *old_text;  /* with new_text: the text before, NULL for a new file */
};

enum acp_permission {
	ACP_ALLOW_ONCE,
	ACP_ALLOW_ALWAYS,
	ACP_REJECT,
	ACP_PERMISSION_CANCELLED,
};

/* Usage after a model call (all optional: negative means unknown). */
struct acp_usage {
	long input, output, cache_read, cache_write; /* tokens of the turn so far */
	double cost;                                 /* US dollars, < 0 unknown */
	long context_used, context_size;             /* tokens */
};

/* What session/new and session/load hand the backend. */
struct acp_open_params {
	const char *cwd;             /* absolute */
	const cJSON *mcp_servers;    /* ACP-shaped array (validated), borrowed */
	const char *mode;            /* agent to use, NULL: the default */
	const char *resume_id;       /* session/load: the session to continue, else NULL */
};

struct acp_backend_ops {
	/*
	 * Opens a session reporting to @sink; *@sess is the backend's handle.
	 * Errors: SW_ENOTFOUND (no such session to resume, no such mode),
	 * SW_EINVAL, SW_EIO: all become JSON-RPC errors with the message.
	 */
	int (*open)(void *self, void **sess, const struct acp_open_params *p, struct acp_sink *sink,
		    struct sw_error *err);
	/* The session id (borrowed, lives as long as the session). */
	const char *(*session_id)(void *sess);
	/* The conversation so far in model/model.h's shape (borrowed), or NULL. */
	const cJSON *(*history)(void *sess);
	/* Starts a turn; it ends with acp_sink_turn_end(). Errors: SW_ECONFLICT, ... */
	int (*prompt)(void *sess, const char *text, struct sw_error *err);
	/* Stops the running turn; acp_sink_turn_end(..., "cancelled") follows. */
	void (*cancel)(void *sess);
	/* Switches @sess to agent @mode (may reopen it). Errors: SW_ENOTFOUND. */
	int (*set_mode)(void *sess, const char *mode, struct sw_error *err);
	/* Frees @sess (no callbacks after this). */
	void (*close)(void *sess);
	/* Appends the names of the available agents (modes); the first is the default. */
	void (*modes)(void *self, struct sw_strvec *names);
	/*
	 * Optional: appends the session's slash commands to array @out as ACP
	 * AvailableCommand objects ({name, description, input?: {hint}}).  They
	 * go out as available_commands_update once the session is open: after
	 * the session/new answer, before the session/load answer.
	 */
	void (*commands)(void *sess, cJSON *out);
};

typedef void (*acp_agent_close_cb)(struct acp_agent *a, void *data);

struct acp_agent_opts {
	const struct acp_backend_ops *ops;
	void *self;                  /* the backend */
	const char *name;            /* agentInfo.name */
	const char *version;         /* agentInfo.version */
	uint64_t request_timeout_ms; /* our requests to the client (permission: none); 0: 60 s */
	acp_agent_close_cb on_close; /* the client hung up */
	void *data;
};

#define ACP_AGENT_OPTS_INIT { NULL, NULL, "specwright", "0", 0, NULL, NULL }

void acp_agent_new(struct acp_agent **out, uv_loop_t *loop, const struct acp_agent_opts *o);
/* Serves on @in_fd/@out_fd (stdin/stdout, a socket). Errors: as jrpc_attach_fds. */
int acp_agent_attach_fds(struct acp_agent *a, int in_fd, int out_fd, struct sw_error *err);
/* The connection, to plug another transport in (borrowed). */
struct jrpc *acp_agent_rpc(struct acp_agent *a);
/* Closes every session and the connection; safe inside callbacks. Accepts NULL. */
void acp_agent_free(struct acp_agent *a);

/* ---------- what a backend calls during a turn ---------- */

void acp_sink_text(struct acp_sink *k, const char *s, size_t len);
void acp_sink_thought(struct acp_sink *k, const char *s, size_t len);
/* A tool call starts (tool_call update). */
void acp_sink_tool_call(struct acp_sink *k, const struct acp_tool_info *tc);
/* Its status or result changed (tool_call_update). */
void acp_sink_tool_update(struct acp_sink *k, const struct acp_tool_info *tc);
/* The plan: [{content, status, priority?}] (borrowed); sent whole, as ACP wants. */
void acp_sink_plan(struct acp_sink *k, const cJSON *entries);
void acp_sink_usage(struct acp_sink *k, const struct acp_usage *u);

typedef void (*acp_sink_permission_cb)(enum acp_permission outcome, void *data);
/*
 * Asks the client whether @tc may run; @cb runs exactly once, from the loop
 * (ACP_PERMISSION_CANCELLED if the turn is cancelled or the client is gone).
 */
void acp_sink_ask_permission(struct acp_sink *k, const struct acp_tool_info *tc, acp_sink_permission_cb cb,
			     void *data);
/* The turn ended: @stop_reason is an ACP StopReason; @rc < 0 answers the prompt with an error. */
void acp_sink_turn_end(struct acp_sink *k, const char *stop_reason, int rc, const struct sw_error *err);

/* Client capabilities, as offered in initialize. */
int acp_sink_client_reads(const struct acp_sink *k);
int acp_sink_client_writes(const struct acp_sink *k);
int acp_sink_client_terminal(const struct acp_sink *k);

/*
 * Delegation to the client (only when offered).  Each callback runs exactly
 * once from the loop: rc 0 with the result, or a negative SW_E* with @err
 * (SW_ENOTFOUND for a missing file, SW_EPROTO for other client errors,
 * SW_EIO when the client is gone).
 */
typedef void (*acp_text_cb)(int rc, const char *text, const struct sw_error *err, void *data);
typedef void (*acp_exit_cb)(int rc, const char *output, int exit_code, const char *signal_name,
			    const struct sw_error *err, void *data);
/* fs/read_text_file; @line (1-based) and @limit 0 mean the whole file. */
void acp_sink_read_file(struct acp_sink *k, const char *path, long line, long limit, acp_text_cb cb,
			void *data);
/* fs/write_text_file; @cb gets text NULL. */
void acp_sink_write_file(struct acp_sink *k, const char *path, const char *content, acp_text_cb cb,
			 void *data);
/*
 * Runs `bash -c @command` in a client terminal in @cwd (NULL: the session
 * cwd) with @env ("NAME=value", NULL-terminated; NULL: none):
 * terminal/create, wait_for_exit, output, release.  @timeout_ms (0: none)
 * kills it first, and so does a cancelled turn (terminal/kill).  @cb gets
 * the output and the exit code (or -1 and the signal name).
 */
void acp_sink_run_command(struct acp_sink *k, const char *command, const char *cwd, const char *const *env,
			  uint64_t timeout_ms, size_t output_limit, acp_exit_cb cb, void *data);

#endif
