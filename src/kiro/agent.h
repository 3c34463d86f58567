/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent.h - custom agent configurations (Kiro CLI agents).
 *
 * Sources: the workspace's .kiro/agents/ and the global ~/.kiro/agents/
 * (sub-folders included; a workspace agent wins over a global one of the
 * same name, with a warning, as Kiro does).  Two formats:
 *   - JSON, "<name>.json": every field of Kiro's agent format;
 *   - Markdown, "<name>.md": YAML front matter = the same fields, body =
 *     the prompt.  A Markdown file that a JSON agent names as its prompt
 *     file is a prompt, not an agent, and is skipped.
 * The name defaults to the file's path below the agents folder without
 * its extension ("reviewer", "team/planner").
 *
 * Prompts: inline text; "file://p" relative to the agent file's folder
 * ("file:///abs" absolute); "file:p" (seen in real configurations)
 * relative to the agent file's folder, else to the workspace root.
 *
 * The whole configuration is kept as cJSON (unknown fields included, and
 * for Markdown agents the front matter converted), so a rewrite through
 * kiro_agent_to_json() never drops what Kiro or a newer version wrote.
 * Diagnostics point at file:line:col of the value (sw_json_locate for
 * JSON, the front matter tree for Markdown).
 *
 * Calling sequence:
 *   struct kiro_agents agents = KIRO_AGENTS_INIT;
 *   kiro_agents_load(&agents, root, global_dir, &diags, &err);
 *   a = kiro_agents_find(&agents, "reviewer");
 *   kiro_agent_mcp(&cfg, a, root, global_dir, &diags, &err);   -- its MCP servers
 *   kiro_agents_release(&agents);
 */
#ifndef KIRO_AGENT_H
#define KIRO_AGENT_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "kiro/mcpconfig.h"

#include <cjson/cJSON.h>

enum kiro_agent_hook_trigger {
	KIRO_AGENT_SPAWN,          /* "agentSpawn" */
	KIRO_AGENT_PROMPT_SUBMIT,  /* "userPromptSubmit" */
	KIRO_AGENT_PRE_TOOL_USE,   /* "preToolUse" */
	KIRO_AGENT_POST_TOOL_USE,  /* "postToolUse" */
	KIRO_AGENT_STOP,           /* "stop" */
	KIRO_AGENT_HOOK_TRIGGER_COUNT
};

#define KIRO_AGENT_HOOK_TIMEOUT_MS 30000
#define KIRO_AGENT_HOOK_MAX_OUTPUT 10240

struct kiro_agent_hook {
	enum kiro_agent_hook_trigger trigger;
	char *command;                /* run with bash -c */
	char *matcher;                /* tool hooks: tool name, glob, "@server", "*"; NULL = all */
	long long timeout_ms;         /* default KIRO_AGENT_HOOK_TIMEOUT_MS */
	long long max_output_size;    /* bytes, default KIRO_AGENT_HOOK_MAX_OUTPUT */
	long long cache_ttl_seconds;  /* default 0 (no cache) */
	int line, col;                /* where the hook object is */
};

enum kiro_resource_kind {
	KIRO_RESOURCE_FILE,           /* "file://path-or-glob" */
	KIRO_RESOURCE_SKILL,          /* "skill://path-or-glob" */
	KIRO_RESOURCE_KNOWLEDGE_BASE, /* {"type": "knowledgeBase", ...} */
};

struct kiro_agent_resource {
	enum kiro_resource_kind kind;
	char *uri;          /* file/skill: as written; knowledge base: its "source" */
	char *path;         /* the part after "file://" or "skill://" */
	char *name;         /* knowledge base "name" */
	char *description;  /* knowledge base "description", NULL if absent */
	int index_best;     /* knowledge base "indexType": 1 best (default), 0 fast */
	int auto_update;    /* knowledge base "autoUpdate" (default 0) */
	int line, col;
};

struct kiro_agent {
	char *name;                  /* "name", else the file's path below agents/ without extension */
	char *path;                  /* absolute path of the file */
	char *rel;                   /* shown to users: ".kiro/agents/x.json", "~/.kiro/agents/x.md" */
	int global;                  /* 1 if from ~/.kiro/agents */
	int markdown;                /* 1 for a Markdown agent */
	char *description;
	char *prompt_raw;            /* "prompt" as written, NULL if absent */
	char *prompt;                /* the prompt text (inline, file, or Markdown body), NULL if none */
	char *prompt_file;           /* absolute path of the prompt file, NULL when inline */
	struct sw_strvec tools;      /* "tools" */
	struct sw_strvec allowed_tools;  /* "allowedTools" */
	struct sw_strvec excluded_tools; /* V3 "excludedTools" */
	const cJSON *tool_aliases;   /* "toolAliases" object, borrowed from @json, NULL if absent */
	const cJSON *tools_settings; /* "toolsSettings" object, borrowed, NULL if absent */
	const cJSON *permissions;    /* V3 "permissions", borrowed, NULL if absent */
	struct kiro_mcp_config mcp;  /* "mcpServers", origin agent */
	struct kiro_agent_resource *resources;
	size_t resources_nr, resources_alloc;
	struct kiro_agent_hook *hooks;
	size_t hooks_nr, hooks_alloc;
	int include_mcp_json;        /* "includeMcpJson" / "useLegacyMcpJson": 1, 0, or -1 if absent */
	char *model;
	char *keyboard_shortcut;
	char *welcome_message;
	cJSON *json;                 /* the whole configuration, unknown fields included */
	char *overrides;             /* rel of the global agent this one shadows, NULL if none */
};

struct kiro_agents {
	struct kiro_agent **v; /* sorted by name */
	size_t nr, alloc;
};

#define KIRO_AGENTS_INIT { NULL, 0, 0 }

/*
 * Loads the agents of @root/.kiro/agents (NULL root: none) and of
 * @global_dir/agents (NULL: none) into @agents; findings go to @diags.
 * An agent with errors is still listed (so it can be shown), but the
 * errors say what Kiro would refuse.  Errors: SW_EIO only.
 */
int kiro_agents_load(struct kiro_agents *agents, const char *root, const char *global_dir,
		     struct sw_diags *diags, struct sw_error *err);

/*
 * Loads one agent file @path (shown as @rel; name default from @name_hint,
 * e.g. "team/planner") into *@out.  @root resolves "file:" prompts (may be
 * NULL).  Returns 0, or SW_ENOTFOUND/SW_EIO when the file cannot be read
 * (*@out NULL); problems inside the file are diagnostics.
 */
int kiro_agent_load_file(struct kiro_agent **out, const char *path, const char *rel, const char *name_hint,
			 const char *root, int global, struct sw_diags *diags, struct sw_error *err);

void kiro_agent_free(struct kiro_agent *a);
void kiro_agents_release(struct kiro_agents *agents);

/* The agent named @name, or NULL. Borrowed. */
const struct kiro_agent *kiro_agents_find(const struct kiro_agents *agents, const char *name);

const char *kiro_agent_hook_trigger_name(enum kiro_agent_hook_trigger t);

/*
 * The MCP servers agent @a sees, merged into @cfg: the global and
 * workspace mcp.json when @a includes them (includeMcpJson, default
 * false for custom agents), then @a's own mcpServers on top.
 */
int kiro_agent_mcp(struct kiro_mcp_config *cfg, const struct kiro_agent *a, const char *root,
		   const char *global_dir, struct sw_diags *diags, struct sw_error *err);

/* The configuration as pretty JSON text, every field kept (caller frees). */
char *kiro_agent_to_json(const struct kiro_agent *a);

#endif
