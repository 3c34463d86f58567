/* SPDX-License-Identifier: Apache-2.0 */
/*
 * internal.h - inside the agent module: the session and the helpers its
 * files share (context.c, tools.c, permission.c, hooks.c, transcript.c,
 * session.c).  Not for use outside src/agent/.
 */
#ifndef AGENT_INTERNAL_H
#define AGENT_INTERNAL_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/proc.h"
#include "agent/agent.h"

struct agent__call;
struct agent_session;
struct mcp_pending;
struct agent__io;

typedef void (*agent__step_cb)(struct agent_session *s, void *arg);

/* One tool call of the current assistant message. */
struct agent__call {
	struct agent_session *owner; /* the session running it */
	char *id;
	char *name;               /* canonical: "fs_read", "@server/tool" */
	char *raw_name;           /* as the model wrote it */
	const char *kind;         /* static */
	char *title;
	char *path;               /* file concerned, or NULL */
	const cJSON *input;       /* borrowed from the assistant message */
	struct sw_buf output;     /* result text for the model */
	int is_error;
	enum agent_tool_status status;
	struct sw_proc *proc;     /* execute_bash while it runs */
	struct mcp_pending *mcp_call; /* MCP tool call in flight */
	int mcp_dropped;          /* the call is being dropped: ignore its result */
	struct agent_session **subs; /* use_subagent children while they run */
	size_t nsubs, subs_done;
	char **sub_results;
	char *pre_hook_context;   /* preToolUse output (not sent) */
	struct agent__io *io;     /* tool I/O in flight through s->io */
	char *old_text;           /* fs_write: the file before (NULL: new file) */
	char *new_text;           /* fs_write: the file after, once written */
};

/* The cache of hook results (cache_ttl_seconds). */
struct agent__hook_cache {
	char *key;
	char *output;
	uint64_t expires_ms;      /* 0: never expires (agentSpawn) */
};

/* A hook run in progress: runs the matching hooks one by one. */
struct agent__hook_run {
	struct agent_session *s;
	enum agent_hook_trigger trigger;
	char *tool;               /* tool name for tool hooks */
	char *event;              /* JSON for stdin */
	size_t next;              /* index into profile hooks */
	struct sw_buf context;    /* stdout of exit-0 spawn/prompt hooks */
	struct sw_buf blocked;    /* preToolUse exit 2: stderr for the model */
	int block;
	struct sw_proc *proc;
	int gen;                  /* the session's turn generation at start */
	void (*done)(struct agent__hook_run *r);
	void *arg;
};

struct agent_permission {
	struct agent_session *s;
	int answered;
	int gen;                  /* the turn generation it belongs to */
};

enum agent__phase {
	AGENT__IDLE,
	AGENT__PROMPT_HOOKS,
	AGENT__MODEL,
	AGENT__TOOLS,
	AGENT__COMPACT,
	AGENT__STOP_HOOKS,
};

struct agent_session {
	uv_loop_t *loop;
	char *id;
	char *cwd, *root;
	struct agent_profile profile;
	struct model_config *cfg;     /* owned unless borrowed_cfg */
	int borrowed_cfg;
	struct model_client *mc;
	struct model_call *call;      /* model call in flight */
	struct agent_events ev;
	int trust_all;
	struct sw_strvec trusted;     /* --trust-tools and "allow always" answers */
	int interactive;
	int depth;
	cJSON *messages;              /* the conversation */
	cJSON *tools;                 /* definitions offered to the model */
	char *system;                 /* built once per session (steering may change per turn: rebuilt) */
	struct sw_buf spawn_context;  /* agentSpawn hook output */
	int spawned;                  /* agentSpawn hooks ran */
	struct model_usage usage;     /* the session's ledger */
	long last_input_tokens;       /* context used by the last call */
	/* the turn */
	enum agent__phase phase;
	int gen;                      /* turn generation (stale callbacks compare it) */
	int canceled;
	int model_calls;
	char *prompt;                 /* this turn's prompt text */
	struct agent__call *calls;
	size_t ncalls, cur;
	cJSON *results;               /* tool_result blocks being built */
	struct agent__hook_run *hook; /* hook run in progress */
	struct agent_permission *perm;/* permission request pending */
	const char *stop_reason;
	int turn_rc;
	struct sw_error turn_err;
	uv_timer_t defer;             /* runs the next step from the loop */
	agent__step_cb defer_cb;
	void *defer_arg;
	int defer_open;
	struct agent__hook_cache *cache;
	size_t cache_nr, cache_alloc;
	cJSON *todo;                  /* current todo list, or NULL */
	char *todo_path;
	/* transcript */
	char *transcript_path;
	FILE *transcript;
	/* sub-agent bookkeeping */
	struct agent__call *parent_call; /* set for a sub-agent session */
	struct agent_session *parent;
	char *final_text;             /* last assistant text (sub-agents' summary) */
	int turn_done;                /* set when turn_end was delivered (agent_run_prompt) */
	int compacted_at;             /* model_calls when the history was last compacted */
	void *compact_job;            /* compaction in progress */
	struct sw_strvec files;       /* files in play (for fileMatch steering) */
	struct mcp_client *mcp;       /* borrowed, or NULL */
	struct sw_strvec mcp_names;   /* pairs: model-facing name, "@server/tool" */
	struct sw_strvec auto_approve;/* MCP autoApprove patterns */
	const struct agent_tool_io *io; /* borrowed, or NULL: local tool I/O */
};

/* session.c */
void agent__defer(struct agent_session *s, agent__step_cb cb, void *arg);
void agent__notice(struct agent_session *s, const char *fmt, ...) SW_PRINTF(2, 3);

/* context.c: the system prompt for @s (caller frees); @prompt is this turn's text. */
char *agent__system_prompt(struct agent_session *s, const char *prompt);
/* Rough token count of @text (4 bytes per token). */
long agent__tokens(const char *text, size_t len);

/* tools.c */
/*
 * Walks the files below @root/@start ("" for all), skipping .git and what
 * .gitignore files exclude; @cb gets each path relative to @root and
 * returns non-zero to stop.  At most @max entries are visited.
 */
void agent__walk(const char *root, const char *start, size_t max,
		 int (*cb)(const char *rel, int is_dir, void *data), void *data);
/* "@server/tool" for a model-facing MCP tool name, or NULL. */
const char *agent__mcp_name(const struct agent_session *s, const char *model_name);
/* Canonical name of a built-in tool name or alias, or NULL when not built in. */
const char *agent__builtin(const char *name);
/* 1 if @canonical is a read-only built-in (fs_read, glob, grep). */
int agent__builtin_readonly(const char *canonical);
/* The tool definitions the profile allows (caller frees). */
cJSON *agent__tool_defs(struct agent_session *s);
/* Fills title, kind, path for a call. */
void agent__describe_call(struct agent_session *s, struct agent__call *c);
/* Runs call @c; calls agent__tool_finished(s, c) when done (maybe before returning). */
void agent__tool_run(struct agent_session *s, struct agent__call *c);
void agent__tool_finished(struct agent_session *s, struct agent__call *c);
/* Stops a running tool (process, sub-agents); it still finishes through agent__tool_finished. */
void agent__tool_cancel(struct agent_session *s, struct agent__call *c);
/* Drops a running tool at once, without callbacks. */
void agent__tool_drop(struct agent__call *c);

/* permission.c */
enum agent__verdict { AGENT__ALLOW, AGENT__ASK, AGENT__DENY };
/* Whether call @c may run; on DENY @why says why. */
enum agent__verdict agent__permission(struct agent_session *s, const struct agent__call *c, struct sw_buf *why);
/* 1 if tool @name (canonical) is offered by the profile's "tools". */
int agent__tool_enabled(const struct agent_session *s, const char *name);
/* 1 if @pattern (allowedTools / matcher syntax) matches tool @name (canonical or @server/tool). */
int agent__tool_pattern_match(const char *pattern, const char *name);

/* hooks.c */
/* Runs the hooks of @trigger for @tool (may be NULL); @done is called from the loop. */
void agent__hooks_run(struct agent_session *s, enum agent_hook_trigger trigger, const char *tool,
		      const cJSON *tool_input, const char *tool_response, const char *prompt,
		      void (*done)(struct agent__hook_run *r), void *arg);
void agent__hook_run_free(struct agent__hook_run *r);
/* Stops the running hook; its run still completes through @done. */
void agent__hooks_cancel(struct agent_session *s);
/* Drops the running hook at once, without callbacks. */
void agent__hooks_drop(struct agent_session *s);
void agent__hook_cache_release(struct agent_session *s);

/* transcript.c */
int agent__transcript_open(struct agent_session *s, const char *resume_id, struct sw_error *err);
/* Appends one record (redacted) to the transcript. */
void agent__transcript(struct agent_session *s, const char *type, cJSON *rec_take);
void agent__transcript_close(struct agent_session *s);

#endif
