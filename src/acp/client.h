/* SPDX-License-Identifier: Apache-2.0 */
/*
 * client.h - the Agent Client Protocol (v1) client: drive any ACP agent.
 *
 * One struct acp_client is one agent process (built-in "specwright acp",
 * "kiro-cli acp", "gemini --acp", ...) spoken to over its stdin/stdout
 * through base/jrpc, holding at most one session at a time.  The client
 * answers what the agent asks while our own request is outstanding:
 * session/request_permission from a policy, fs/read_text_file and
 * fs/write_text_file inside the session's cwd only, and (when offered)
 * the terminal methods.  Every session/update of a turn is folded into a struct
 * acp_turn (text, thoughts, tool calls merged by id, the plan, usage).
 *
 * Failure is always an answer, never a hang: every request has a timeout,
 * a turn has an overall deadline, and an agent that exits, hangs up or
 * breaks the protocol completes whatever is pending with an error.  On a
 * deadline or acp_client_cancel(): session/cancel, pending permission
 * requests answered "cancelled", and if the agent has not ended the turn
 * within cancel_grace_ms, its whole process group is killed.
 *
 * Calling sequence (asynchronous, on the caller's loop):
 *   1. struct acp_client_opts o = ACP_CLIENT_OPTS_INIT; fill argv, policy...
 *   2. acp_client_start(&c, loop, &o, done, data, &err)   spawn + initialize
 *   3. acp_client_new_session(c, cwd, mcp_servers, done, data, &err)
 *      (or acp_client_load_session)
 *   4. acp_client_prompt(c, blocks, deadline_ms, done, data, &err); updates
 *      arrive through o.on_update as they come; when done runs,
 *      acp_client_turn(c) holds the whole turn.  Repeat 4 as needed.
 *   5. acp_client_shutdown(c, done, data): close stdin, wait, SIGTERM, SIGKILL
 *   6. acp_client_free(c)
 * Each done callback runs exactly once per accepted call (not when the call
 * itself returned an error).  One operation at a time.
 *
 * Synchronous: acp_run() does 1-6 on a private loop for one prompt.
 */
#ifndef SW_ACP_CLIENT_H
#define SW_ACP_CLIENT_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#include <cjson/cJSON.h>
#include <uv.h>

#define ACP_PROTOCOL_VERSION 1
#define ACP_TERMINAL_OUTPUT_MAX (1u << 20) /* terminal output kept when the agent names no limit */

struct acp_client;

/* How session/request_permission is answered. */
enum acp_permit {
	ACP_PERMIT_LISTED = 0, /* allow tools matching @allow, reject the rest (default) */
	ACP_PERMIT_ALL,        /* trust every tool */
	ACP_PERMIT_NONE,       /* reject every tool */
};

struct acp_policy {
	enum acp_permit mode;
	const char *const *allow; /* NULL-terminated globs matched against the tool
				   * call's kind, title and rawInput.command; may be NULL */
};

/* One prompt turn, folded from its session/update notifications. */
struct acp_turn {
	char *stop_reason;      /* end_turn, cancelled, ...; NULL if the turn failed */
	int rc;                 /* 0, or why the turn failed (SW_ETIMEOUT, SW_ECANCELED,
				 * SW_EIO: agent gone, SW_EPROTO: error answer) */
	struct sw_error err;    /* when rc < 0 */
	struct sw_buf text;     /* agent_message_chunk text, concatenated */
	struct sw_buf thought;  /* agent_thought_chunk text */
	cJSON *tool_calls;      /* array of tool calls, updates merged by toolCallId */
	cJSON *plan;            /* the last plan's entries, or NULL */
	cJSON *usage;           /* the last usage_update (used, size, cost), or NULL */
	cJSON *meta;            /* the prompt result's _meta, or NULL */
	size_t updates;         /* session/update notifications seen */
	size_t permissions;     /* permission requests answered */
	size_t permissions_allowed;
};

/* An update as it arrives: @kind is update.sessionUpdate, @update borrowed. */
typedef void (*acp_update_cb)(struct acp_client *c, const char *kind, const cJSON *update, void *data);
/* Bytes the agent wrote to stderr. */
typedef void (*acp_stderr_cb)(struct acp_client *c, const char *buf, size_t len, void *data);
/* A permission decision was made (for display). */
typedef void (*acp_permission_cb)(struct acp_client *c, const cJSON *tool_call, const char *option_id,
				  int allowed, void *data);
/* An operation finished: rc 0 or a negative SW_E* with @err. */
typedef void (*acp_done_cb)(struct acp_client *c, int rc, const struct sw_error *err, void *data);

struct acp_client_opts {
	const char *const *argv;     /* the agent command, NULL-terminated */
	const char *const *env;      /* full environment; NULL inherits ours */
	const char *cwd;             /* where the process runs; NULL: ours */
	uint64_t request_timeout_ms; /* every request but session/prompt; 0: 30 s */
	uint64_t cancel_grace_ms;    /* after session/cancel until the kill; 0: 5 s */
	int fs_read;                 /* offer fs/read_text_file */
	int fs_write;                /* offer fs/write_text_file */
	int terminal;                /* offer the terminal methods */
	struct acp_policy policy;
	acp_update_cb on_update;     /* may be NULL */
	acp_stderr_cb on_stderr;     /* NULL: the agent's stderr is discarded */
	acp_permission_cb on_permission; /* may be NULL */
	void *data;                  /* for the three callbacks above */
};

#define ACP_CLIENT_OPTS_INIT { NULL, NULL, NULL, 0, 0, 1, 1, 0, { ACP_PERMIT_LISTED, NULL }, \
			       NULL, NULL, NULL, NULL }

/*
 * Spawns the agent and sends initialize; @done runs when the agent has
 * answered (or failed to).  Errors (returned, @done not called): SW_EINVAL,
 * SW_ENOTFOUND (no such program), SW_EIO.  The caller frees *@out with
 * acp_client_free() in every case where it was set.
 */
int acp_client_start(struct acp_client **out, uv_loop_t *loop, const struct acp_client_opts *o,
		     acp_done_cb done, void *data, struct sw_error *err);

/* The agent's initialize result (borrowed), NULL before it answered. */
const cJSON *acp_client_agent_info(const struct acp_client *c);
/* The session id (borrowed), NULL before a session exists. */
const char *acp_client_session_id(const struct acp_client *c);
/* The session/new (or load) result (borrowed: modes, configOptions, ...). */
const cJSON *acp_client_session_info(const struct acp_client *c);
/* The agent's process id, 0 if it is gone. */
long acp_client_pid(const struct acp_client *c);

/*
 * Opens a session rooted at absolute @cwd with @mcp_servers (an ACP-shaped
 * array, consumed; NULL sends []).  Errors: SW_EINVAL (relative cwd, a
 * session already open), SW_EIO (agent gone).
 */
int acp_client_new_session(struct acp_client *c, const char *cwd, cJSON *mcp_servers, acp_done_cb done,
			   void *data, struct sw_error *err);
/* Resumes session @session_id with history replay (session/load). */
int acp_client_load_session(struct acp_client *c, const char *session_id, const char *cwd,
			    cJSON *mcp_servers, acp_done_cb done, void *data, struct sw_error *err);

/*
 * Sends @prompt (an array of ContentBlocks, consumed) and collects the
 * turn; @deadline_ms (0: none) bounds the whole turn.  @done runs with 0
 * when the agent answered with a stop reason (any reason: look at
 * acp_client_turn()), or with the failure.  Errors: SW_EINVAL (no session,
 * a turn running), SW_EIO.
 */
int acp_client_prompt(struct acp_client *c, cJSON *prompt, uint64_t deadline_ms, acp_done_cb done,
		      void *data, struct sw_error *err);
/* Convenience: one text block. */
int acp_client_prompt_text(struct acp_client *c, const char *text, uint64_t deadline_ms,
			   acp_done_cb done, void *data, struct sw_error *err);
/* The current or last turn (borrowed until the next prompt or free). */
const struct acp_turn *acp_client_turn(const struct acp_client *c);

/*
 * Lets the client open another session on the same agent process (one
 * agent serving task after task): the current session is forgotten here
 * (ACP v1 has no call to close one; the agent keeps it until it exits) and
 * the callbacks of acp_client_opts get @data from now on.  Errors:
 * SW_EINVAL (an operation is running), SW_EIO (the agent is gone).
 */
int acp_client_reuse(struct acp_client *c, void *data, struct sw_error *err);

/*
 * Cancels the running turn: session/cancel, pending permission requests
 * answered "cancelled"; the turn ends with the agent's answer (normally
 * stopReason "cancelled"), or after cancel_grace_ms with the process group
 * killed and SW_ECANCELED.  No effect without a running turn.
 */
void acp_client_cancel(struct acp_client *c);

/*
 * Ends the agent: closes its stdin, waits up to cancel_grace_ms, then
 * SIGTERM, then SIGKILL to the group.  @done (may be NULL) runs once it has
 * exited; rc is 0.
 */
void acp_client_shutdown(struct acp_client *c, acp_done_cb done, void *data);

/* Kills what is left and releases @c; safe inside its callbacks. Accepts NULL. */
void acp_client_free(struct acp_client *c);

/*
 * Converts Kiro-style MCP server settings ({"name": {command, args, env{},
 * url, headers{}, disabled}, ...}, the value of "mcpServers" in mcp.json)
 * into ACP's array shape (env and headers as [{name, value}], stdio
 * commands resolved to absolute paths through PATH).  Disabled servers are
 * left out.  *@out: caller frees.  Errors: SW_EINVAL naming the JSON path.
 */
int acp_mcp_servers_from_kiro(cJSON **out, const cJSON *servers, struct sw_error *err);

/* ---------- synchronous use ---------- */

struct acp_run_opts {
	struct acp_client_opts client;
	const char *session_cwd;   /* absolute; required */
	cJSON *mcp_servers;        /* ACP-shaped array, borrowed; NULL: [] */
	const char *prompt;        /* text; NULL: initialize and open a session only */
	uint64_t turn_timeout_ms;  /* the whole turn; 0: none */
};

#define ACP_RUN_OPTS_INIT { ACP_CLIENT_OPTS_INIT, NULL, NULL, NULL, 0 }

/* Everything one acp_run() learnt. Release with acp_run_result_release(). */
struct acp_run_result {
	cJSON *agent;          /* the initialize result */
	char *session_id;
	cJSON *session;        /* the session/new result */
	struct acp_turn turn;  /* the prompt turn (empty without a prompt) */
};

#define ACP_RUN_RESULT_INIT { NULL, NULL, NULL, { NULL, 0, SW_ERROR_INIT, SW_BUF_INIT, SW_BUF_INIT, \
				NULL, NULL, NULL, NULL, 0, 0, 0 } }

/*
 * Starts the agent on a private loop, initialises, opens a session, sends
 * one prompt (if any) and shuts the agent down.  Returns 0 when every step
 * worked (the stop reason may still be anything: see res->turn), else the
 * first failure (SW_ENOTFOUND, SW_EIO agent gone, SW_ETIMEOUT, SW_EPROTO
 * error answer), with what was learnt so far in @res.
 */
int acp_run(struct acp_run_result *res, const struct acp_run_opts *o, struct sw_error *err);
void acp_run_result_release(struct acp_run_result *res);

/* Folding helpers, exposed for the agent side and for tests. */
void acp_turn_init(struct acp_turn *t);
void acp_turn_release(struct acp_turn *t);
/* Folds one session/update's update object into @t. */
void acp_turn_apply(struct acp_turn *t, const cJSON *update);
/* The turn as one JSON object {stopReason, text, thought, toolCalls, plan, usage, ...}. */
cJSON *acp_turn_to_json(const struct acp_turn *t);

#endif
