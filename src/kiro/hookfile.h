/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hookfile.h - the hook files of a workspace, both generations, as one
 * hook model.
 *
 * Two formats live in .kiro/hooks/:
 *   - IDE hooks, one per "<name>.kiro.hook" file:
 *       {"name", "description", "version", "enabled",
 *        "when": {"type", "patterns" | "toolTypes"},
 *        "then": {"type": "askAgent", "prompt"} | {"type": "runCommand", "command", "timeout"}}
 *   - v1 hook files, "<name>.json", each holding several hooks:
 *       {"version": "v1", "hooks": [{"name", "description", "trigger", "matcher",
 *        "action": {"type": "command", "command"} | {"type": "agent", "prompt"},
 *        "timeout", "enabled"}]}
 * Both load into struct kiro_hook, with one trigger enum (v1 trigger names
 * map onto the IDE ones: PostFileSave = fileEdited, SessionStart = its own,
 * Manual = userTriggered, ...).  A file is recognised by its content, so
 * an IDE-format hook saved as .json still loads (with a warning).
 *
 * The hook runner (hooks/) consumes this model: it picks hooks by trigger
 * and asks kiro_hook_matches_*() whether an event concerns a hook.
 *
 * Calling sequence:
 *   struct kiro_hooks hooks = KIRO_HOOKS_INIT;
 *   struct sw_diags diags = SW_DIAGS_INIT;
 *   kiro_hooks_load(&hooks, root, &diags, &err);   -- <0 only for I/O trouble
 *   for (i = 0; i < hooks.nr; i++) use(hooks.v[i]);
 *   kiro_hooks_release(&hooks); sw_diags_release(&diags);
 * Problems in a file are diagnostics (file:line:col); a hook with an error
 * is left out of the list, the others in the same file still load.
 */
#ifndef KIRO_HOOKFILE_H
#define KIRO_HOOKFILE_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#include <regex.h>

enum kiro_hook_trigger {
	KIRO_HOOK_FILE_EDITED,   /* IDE fileEdited, v1 PostFileSave */
	KIRO_HOOK_FILE_CREATED,  /* fileCreated, PostFileCreate */
	KIRO_HOOK_FILE_DELETED,  /* fileDeleted, PostFileDelete */
	KIRO_HOOK_USER_TRIGGERED,/* userTriggered, Manual */
	KIRO_HOOK_PROMPT_SUBMIT, /* promptSubmit, UserPromptSubmit */
	KIRO_HOOK_AGENT_STOP,    /* agentStop, Stop */
	KIRO_HOOK_PRE_TOOL_USE,  /* preToolUse, PreToolUse */
	KIRO_HOOK_POST_TOOL_USE, /* postToolUse, PostToolUse */
	KIRO_HOOK_PRE_TASK,      /* preTaskExecution, PreTaskExec */
	KIRO_HOOK_POST_TASK,     /* postTaskExecution, PostTaskExec */
	KIRO_HOOK_SESSION_START, /* v1 SessionStart (no IDE equivalent) */
	KIRO_HOOK_TRIGGER_COUNT
};

enum kiro_hook_action {
	KIRO_HOOK_ASK_AGENT,   /* IDE askAgent, v1 agent: send/append @prompt */
	KIRO_HOOK_RUN_COMMAND, /* IDE runCommand, v1 command: run @command with bash --norc -c */
};

enum kiro_hook_format {
	KIRO_HOOK_FORMAT_IDE, /* a .kiro.hook file: one hook */
	KIRO_HOOK_FORMAT_V1,  /* a v1 .json file: one of its "hooks" */
};

#define KIRO_HOOK_TIMEOUT_UNSET (-1)
#define KIRO_HOOK_DEFAULT_TIMEOUT_S 60

struct kiro_hook {
	char *id;                       /* "stem" (IDE) or "stem/name" (v1); unique in a workspace */
	char *name;                     /* as written (the file stem when absent) */
	char *description;              /* NULL if absent */
	char *version;                  /* as written ("1", "1.0.0", "v1"), NULL if absent */
	enum kiro_hook_format format;
	enum kiro_hook_trigger trigger;
	char *trigger_raw;              /* the trigger as written ("fileEdited", "PostFileSave") */
	struct sw_strvec patterns;      /* IDE file events: globs relative to the workspace */
	struct sw_strvec tool_types;    /* IDE tool events: categories, names, "@..." regexes, "*" */
	char *matcher;                  /* v1: regex source, NULL = always matches */
	regex_t matcher_re;             /* compiled @matcher (valid when @matcher != NULL) */
	enum kiro_hook_action action;
	char *command;                  /* KIRO_HOOK_RUN_COMMAND */
	char *prompt;                   /* KIRO_HOOK_ASK_AGENT */
	long timeout_s;                 /* seconds, 0 = none, KIRO_HOOK_TIMEOUT_UNSET if not written */
	int enabled;                    /* "enabled" (default 1) */
	char *path;                     /* absolute path of the file */
	char *rel;                      /* path shown to users (relative to the workspace) */
	int line, col;                  /* where the hook starts in the file */
};

struct kiro_hooks {
	struct kiro_hook **v; /* in file name order, then order within a file */
	size_t nr, alloc;
};

#define KIRO_HOOKS_INIT { NULL, 0, 0 }

/*
 * Loads every *.kiro.hook and *.json file of @root/.kiro/hooks (sorted by
 * name) into @hooks, appending findings to @diags.  A missing hooks folder
 * is not an error.  Errors: SW_EIO when the folder cannot be read.
 */
int kiro_hooks_load(struct kiro_hooks *hooks, const char *root, struct sw_diags *diags, struct sw_error *err);

/*
 * Loads one hook file (@text, @len bytes, read from @path and shown as
 * @rel) into @hooks; findings go to @diags.  Returns the number of hooks
 * added (0 when the file has errors).
 */
int kiro_hooks_load_text(struct kiro_hooks *hooks, const char *path, const char *rel, const char *text,
			 size_t len, struct sw_diags *diags);

void kiro_hooks_release(struct kiro_hooks *hooks);
void kiro_hook_free(struct kiro_hook *h);

/* The hook whose id or name is @key, or NULL. Borrowed. */
const struct kiro_hook *kiro_hooks_find(const struct kiro_hooks *hooks, const char *key);

/* IDE name of a trigger ("fileEdited", ..., "sessionStart"). */
const char *kiro_hook_trigger_name(enum kiro_hook_trigger t);
/* Parses an IDE or v1 trigger name; returns -1 if unknown. */
int kiro_hook_trigger_parse(const char *s);
/* 1 for fileEdited/fileCreated/fileDeleted, and for pre/postToolUse. */
int kiro_hook_trigger_is_file(enum kiro_hook_trigger t);
int kiro_hook_trigger_is_tool(enum kiro_hook_trigger t);

/* Effective timeout in milliseconds: the written one, else 60 s; 0 means none. */
long kiro_hook_timeout_ms(const struct kiro_hook *h);

/*
 * 1 if a file event on @relpath (workspace-relative, '/'-separated)
 * concerns @h: IDE hooks match any of their patterns (gitignore-style,
 * a pattern without '/' matches at any depth); v1 hooks search their
 * matcher regex in the path (no matcher = all).  The trigger is not
 * checked here.
 */
int kiro_hook_matches_path(const struct kiro_hook *h, const char *relpath);

/*
 * 1 if a tool event for tool @name concerns @h.  @category is the
 * built-in tool's category ("read", "write", "shell", "web", "spec") or
 * NULL for an MCP tool (named "@server/tool").  IDE toolTypes: "*" all,
 * a category, an exact tool name, "@builtin" every built-in tool, "@mcp"
 * every MCP tool, other "@..." entries are regexes searched in @name.
 * v1 hooks search their matcher in @name.
 */
int kiro_hook_matches_tool(const struct kiro_hook *h, const char *name, const char *category);

/* 1 if @text (a submitted prompt) matches a v1 hook's matcher; IDE hooks always match. */
int kiro_hook_matches_text(const struct kiro_hook *h, const char *text);

#endif
