/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent.h - the built-in agent: a session that turns prompts into model
 * calls and tool calls until the model ends its turn.
 *
 * A session holds one conversation (model/model.h's shape), one agent
 * profile (prompt, tools, permissions, hooks, resources), the model
 * client, the usage ledger and the transcript.  Everything runs on the
 * caller's libuv loop; nothing blocks except short file operations of the
 * built-in tools.  The caller sees the turn through struct agent_events:
 * streamed text and thoughts, tool calls as they start and finish, the
 * plan (todo list), usage after each model call, permission requests
 * (answered asynchronously with agent_permission_answer) and the end of
 * the turn.  The ACP agent side (specwright acp) and `specwright chat`
 * both drive this API.
 *
 * One turn:
 *   1. userPromptSubmit hooks run; their output joins the prompt as context
 *   2. the model is called with the system prompt (agent prompt, steering
 *      by inclusion rules, AGENTS.md, file:// resources within 75% of the
 *      context window, skill:// metadata) and the tools the agent may use
 *   3. for each tool call: permission (allowedTools, toolsSettings, trust
 *      flags; ask or refuse), preToolUse hooks (exit 2 blocks the call and
 *      its stderr goes to the model), the tool, postToolUse hooks
 *   4. tool results go back to the model; repeat from 2 (compacting the
 *      history first when it nears the context window)
 *   5. on end_turn (or max_tokens, refusal, cancel, error) the stop hooks
 *      run and on turn_end reports the stop reason
 *
 * Calling sequence:
 *   struct agent_session_opts o = AGENT_SESSION_OPTS_INIT;  fill loop, cwd, root, profile, model, ev
 *   agent_session_new(&s, &o, &err)            -- resolves the model, runs agentSpawn hooks lazily
 *   agent_session_prompt(s, "text", &err)      -- starts a turn; ev.turn_end when it ends
 *   agent_session_cancel(s)                    -- turn_end follows with "cancelled"
 *   agent_session_free(s)
 * agent_run_prompt() runs one turn to its end on the session's loop.
 *
 * MCP tools: the caller attaches servers to a struct mcp_client (mcp/client.h)
 * and passes it in the options; their tools are offered to the model as
 * "<server>___<tool>" (model APIs allow only [A-Za-z0-9_-] in names) and
 * known everywhere else, permissions and hook matchers included, as
 * "@server/tool".
 *
 * Tool I/O: fs_read, fs_write and execute_bash do their file and shell
 * work locally unless the options carry a struct agent_tool_io (the ACP
 * agent side routes them through the client's fs and terminal methods).  The
 * tools' argument checks, permissions and hooks run first either way;
 * directory listings, glob and grep stay local.
 *
 * Transcript: .kiro/sessions/<id>.ndjson under the workspace root (or the
 * working directory), one JSON object per line: session, message,
 * usage, tool, compaction, turn_end.  Secrets are redacted before
 * anything is written (agent_redact).
 */
#ifndef AGENT_AGENT_H
#define AGENT_AGENT_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "model/model.h"

#include <cjson/cJSON.h>
#include <uv.h>

#define AGENT_MAX_SUBAGENTS 4        /* use_subagent runs at most this many at once */
#define AGENT_MAX_MODEL_CALLS 100    /* per turn, then stop reason max_turn_requests */
#define AGENT_HOOK_TIMEOUT_MS 30000  /* agent hook default timeout_ms */
#define AGENT_HOOK_MAX_OUTPUT 10240  /* agent hook default max_output_size */
#define AGENT_TOOL_OUTPUT_MAX (100u << 10) /* a tool result sent to the model */

enum agent_hook_trigger {
	AGENT_HOOK_SPAWN,        /* agentSpawn */
	AGENT_HOOK_PROMPT,       /* userPromptSubmit */
	AGENT_HOOK_PRE_TOOL,     /* preToolUse */
	AGENT_HOOK_POST_TOOL,    /* postToolUse */
	AGENT_HOOK_STOP,         /* stop */
	AGENT_HOOK_TRIGGERS
};

struct agent_hook {
	enum agent_hook_trigger trigger;
	char *command;           /* run with bash -c */
	char *matcher;           /* tool hooks: name, glob, @server, @server/tool, @builtin, *; NULL all */
	long timeout_ms;         /* default AGENT_HOOK_TIMEOUT_MS */
	long max_output;         /* default AGENT_HOOK_MAX_OUTPUT */
	long cache_ttl_s;        /* 0: no cache */
};

/* What an agent definition says, in the form the loop uses. */
struct agent_profile {
	char *name;                   /* "kiro_default" for the default agent */
	char *prompt;                 /* system prompt text, NULL if none */
	char *model;                  /* the agent's "model", NULL if none */
	int all_tools;                /* every built-in tool (the default agent) */
	struct sw_strvec tools;       /* "tools" (names, aliases, "@builtin", "*", "@server") */
	struct sw_strvec allowed_tools; /* "allowedTools" */
	cJSON *tools_settings;        /* "toolsSettings", owned, NULL if none */
	cJSON *tool_aliases;          /* "toolAliases", owned, NULL if none */
	struct sw_strvec resources;   /* "file://..." and "skill://..." as written */
	struct agent_hook *hooks;
	size_t hooks_nr, hooks_alloc;
	int include_mcp_json;
	int default_resources;        /* also load steering and AGENTS.md (Kiro's inherited defaults) */
};

#define AGENT_PROFILE_INIT { NULL, NULL, NULL, 0, SW_STRVEC_INIT, SW_STRVEC_INIT, NULL, NULL, \
		SW_STRVEC_INIT, NULL, 0, 0, 0, 1 }

/* The default agent: every built-in tool, reads allowed in the workspace, steering loaded. */
void agent_profile_default(struct agent_profile *p);
void agent_profile_release(struct agent_profile *p);
struct kiro_agent;
/* Fills @p (caller releases) from an agent loaded by kiro/agent.h. */
void agent_profile_from_kiro(struct agent_profile *p, const struct kiro_agent *a);
/* Adds a hook (strings copied). */
void agent_profile_add_hook(struct agent_profile *p, enum agent_hook_trigger t, const char *command,
			    const char *matcher, long timeout_ms, long max_output, long cache_ttl_s);
/* "agentSpawn", ... and back (-1 if unknown). */
const char *agent_hook_trigger_name(enum agent_hook_trigger t);
int agent_hook_trigger_parse(const char *s);

/* A tool call as the caller sees it. */
enum agent_tool_status { AGENT_TOOL_PENDING, AGENT_TOOL_RUNNING, AGENT_TOOL_DONE, AGENT_TOOL_FAILED };

struct agent_tool_call {
	const char *id;          /* the model's tool call id */
	const char *name;        /* canonical name ("fs_read") or "@server/tool" */
	const char *title;       /* one line for people: "Reading src/main.c" */
	const char *kind;        /* ACP tool kind: read, edit, execute, search, think, other */
	const cJSON *input;      /* the model's arguments */
	enum agent_tool_status status;
	const char *output;      /* result text once done (DONE or FAILED), else NULL */
	const char *path;        /* file concerned, or NULL */
	const char *new_text;    /* fs_write once done: the file's new text, else NULL */
	const char *old_text;    /* with new_text: the text before, NULL for a new file */
};

enum agent_permission_outcome {
	AGENT_ALLOW_ONCE,
	AGENT_ALLOW_ALWAYS,      /* for the rest of the session */
	AGENT_REJECT,
	AGENT_PERMISSION_CANCELLED,
};

struct agent_permission;

struct agent_events {
	void (*text)(void *data, const char *s, size_t len);
	void (*thought)(void *data, const char *s, size_t len);
	void (*tool_call)(void *data, const struct agent_tool_call *tc);   /* a call starts */
	void (*tool_update)(void *data, const struct agent_tool_call *tc); /* status / result */
	void (*plan)(void *data, const cJSON *entries); /* [{content, status, priority}] */
	void (*usage)(void *data, const struct model_usage *call, const struct model_usage *total,
		      long context_used, long context_size);
	/* Answer with agent_permission_answer(req, ...) now or later; never both. */
	void (*permission)(void *data, struct agent_permission *req, const struct agent_tool_call *tc);
	void (*notice)(void *data, const char *msg); /* retries, compaction, hook warnings */
	void (*turn_end)(void *data, const char *stop_reason, int rc, const struct sw_error *err);
	void *data;
};

/*
 * Where the file and shell tools do their I/O (see the file comment).  Each
 * member may be NULL: that operation stays local.  Every operation ends
 * with exactly one call of @done, from the loop or before the operation
 * returns: @rc 0, or a negative SW_E* with @err (SW_ENOTFOUND: no such
 * file; SW_ECANCELED: given up, and the turn ends "cancelled"; any other
 * code fails the tool call with err->msg for the model).  Paths are
 * absolute.  Strings passed to @done are borrowed for the call.
 */
typedef void (*agent_io_text_cb)(void *ctx, int rc, const char *text, const struct sw_error *err);
typedef void (*agent_io_exit_cb)(void *ctx, int rc, const char *output, int exit_code, const char *signal_name,
				 const struct sw_error *err);

struct agent_tool_io {
	/* The text of @path; with @line > 0 (1-based), lines @line.. (@limit of them; 0: to the end). */
	void (*read_file)(void *self, const char *path, long line, long limit, agent_io_text_cb done, void *ctx);
	/* Replaces (or creates) @path with @content; @done gets text NULL. */
	void (*write_file)(void *self, const char *path, const char *content, agent_io_text_cb done, void *ctx);
	/*
	 * Runs `bash -c @command` in @cwd with @env ("NAME=value" added to the
	 * environment, NULL-terminated), killed after @timeout_ms; @done gets
	 * stdout and stderr together (at most @output_limit bytes, the end
	 * kept) and the exit code, or -1 and the signal's name.
	 */
	void (*run_command)(void *self, const char *command, const char *cwd, const char *const *env,
			    uint64_t timeout_ms, size_t output_limit, agent_io_exit_cb done, void *ctx);
	void *self;
};

struct agent_session_opts {
	uv_loop_t *loop;
	const char *cwd;                 /* tools run here (absolute) */
	const char *root;                /* workspace root (holds .kiro), or NULL */
	const struct agent_profile *profile; /* NULL: the default agent; copied */
	const char *model;               /* --model, or NULL */
	const struct model_config *model_cfg; /* use this instead of resolving (borrowed), or NULL */
	int trust_all;                   /* --trust-all-tools */
	const char *trust_tools;         /* --trust-tools a,b (comma list), or NULL */
	int interactive;                 /* ask through ev.permission; else refuse what is not allowed */
	const char *resume_id;           /* continue this session's transcript, or NULL */
	int resume_last;                 /* continue the most recent session */
	int transcript;                  /* write .kiro/sessions/<id>.ndjson */
	int depth;                       /* 0 for a top-level session */
	struct agent_events ev;
	struct mcp_client *mcp;          /* attached MCP servers whose tools the agent may use (borrowed), or NULL */
	const char *const *mcp_auto_approve; /* "@server/tool" patterns (mcp.json autoApprove) run without asking */
	const struct agent_tool_io *io;  /* file and shell tool I/O (borrowed; sub-agents share it), NULL: local */
};

#define AGENT_SESSION_OPTS_INIT { NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, 0, 1, 0, \
		{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }, NULL, NULL, NULL }

struct agent_session;
struct mcp_client;

/*
 * Creates a session.  Errors: SW_ENOTFOUND (no model provider configured,
 * or the session to resume does not exist), SW_EINVAL (a bad model string
 * or settings file), SW_EIO.
 */
int agent_session_new(struct agent_session **out, const struct agent_session_opts *o,
		      struct sw_error *err);
/* Frees @s; a turn in progress is dropped without callbacks. Accepts NULL. */
void agent_session_free(struct agent_session *s);

/* Starts a turn. Errors: SW_ECONFLICT (a turn is running). */
int agent_session_prompt(struct agent_session *s, const char *text, struct sw_error *err);
/* Cancels the running turn (model call, tools, hooks, sub-agents); turn_end says "cancelled". */
void agent_session_cancel(struct agent_session *s);
int agent_session_busy(const struct agent_session *s);

/* Answers a permission request (exactly once). */
void agent_permission_answer(struct agent_permission *req, enum agent_permission_outcome outcome);

const char *agent_session_id(const struct agent_session *s);
const char *agent_session_model(const struct agent_session *s);  /* "provider/model" */
const struct model_usage *agent_session_usage(const struct agent_session *s);
/* The conversation so far (borrowed). */
const cJSON *agent_session_messages(const struct agent_session *s);
/* Path of the transcript file, or NULL. */
const char *agent_session_transcript(const struct agent_session *s);
/* The tool definitions offered to the model (borrowed). */
const cJSON *agent_session_tools(const struct agent_session *s);
/*
 * Rebuilds the tool definitions from the profile and the MCP client's
 * current tools (after its servers became ready or changed their lists);
 * call between turns.
 */
void agent_session_update_tools(struct agent_session *s);

/*
 * Runs one turn of @s to its end on its loop.  *@stop (borrowed static
 * string) gets the stop reason.  Returns 0, or the turn's error.
 */
int agent_run_prompt(struct agent_session *s, const char *text, const char **stop, struct sw_error *err);

/*
 * Replaces secrets in @b: values of key-like environment variables
 * (…_API_KEY, …_TOKEN, …_SECRET…, AWS_SECRET_ACCESS_KEY, …), values after
 * "Authorization:" / "x-api-key:", sk-… and AKIA… tokens.
 */
void agent_redact(struct sw_buf *b);

/* Id of the most recent session under @root's .kiro/sessions (caller frees), or NULL. */
char *agent_last_session(const char *root);

#endif
