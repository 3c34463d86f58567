/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcpconfig.h - configured MCP servers: ~/.kiro/settings/mcp.json, the
 * workspace's .kiro/settings/mcp.json and an agent's "mcpServers".
 *
 * Each layer is {"mcpServers": {"<name>": {...}}}.  An entry is a local
 * server (command, args, env) or a remote one (url, headers, type), plus
 * disabled, autoApprove, disabledTools, timeout (ms) and requestTimeout
 * (ms).  Layers merge by server name with precedence agent > workspace >
 * global; a higher layer replaces the whole entry (so "disabled": true
 * there suppresses the server) and the entry remembers where it came from
 * and which file it overrode.  Different names add up.
 *
 * Values are kept exactly as written: "${VAR}" references are expanded
 * only at use time by kiro_mcp_resolve(), never stored expanded, so a
 * rewrite of the file cannot leak a secret into it.  Each entry also
 * keeps its cJSON object, unknown fields included.
 *
 * Calling sequence (the MCP client):
 *   struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
 *   kiro_mcp_load(&cfg, root, global_dir, &diags, &err);
 *   kiro_mcp_add_servers(&cfg, agent->mcp_servers, ..., KIRO_MCP_AGENT, ...);  -- optional
 *   s = kiro_mcp_find(&cfg, "github");
 *   kiro_mcp_resolve(&r, s, NULL, NULL, &err);     -- argv/env/url/headers, expanded
 *   ... spawn r.argv with r.env, or connect to r.url with r.headers ...
 *   kiro_mcp_resolved_release(&r); kiro_mcp_release(&cfg);
 */
#ifndef KIRO_MCPCONFIG_H
#define KIRO_MCPCONFIG_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "kiro/source.h"

#include <cjson/cJSON.h>

enum kiro_mcp_origin { KIRO_MCP_GLOBAL, KIRO_MCP_WORKSPACE, KIRO_MCP_AGENT };

#define KIRO_MCP_UNSET (-1LL)

/* Where one "${NAME}" reference is written, to report it when NAME is unset. */
struct kiro_mcp_ref {
	char *name;    /* the variable */
	int line, col; /* of the "${" in the entry's file (or of its string) */
};

struct kiro_mcp_server {
	char *name;
	enum kiro_mcp_origin origin;
	char *file;                      /* the file it was written in, as shown to users */
	int line, col;                   /* position of its key in @file */
	char *command;                   /* local server: program, NULL for remote */
	struct sw_strvec args;           /* local server arguments, as written */
	struct sw_strvec env_names;      /* "env" names, in file order */
	struct sw_strvec env_values;     /* matching values, as written (may hold ${VAR}) */
	char *url;                       /* remote server, NULL for local */
	struct sw_strvec header_names;   /* "headers", in file order */
	struct sw_strvec header_values;  /* as written */
	char *type;                      /* "type" as written ("http", "stdio", ...), NULL if absent */
	int disabled;                    /* "disabled" (default 0) */
	struct sw_strvec auto_approve;   /* tool names run without asking ("*" allowed) */
	struct sw_strvec disabled_tools; /* tool names hidden from the agent */
	long long timeout_ms;            /* "timeout", KIRO_MCP_UNSET if absent */
	long long request_timeout_ms;    /* "requestTimeout", KIRO_MCP_UNSET if absent */
	cJSON *json;                     /* the entry as written (owned copy) */
	char *overrides;                 /* file of the entry this one replaced, NULL if none */
	enum kiro_mcp_origin overrides_origin;
	struct kiro_mcp_ref *refs;       /* every ${NAME} of command, args, env, url, headers */
	size_t refs_nr, refs_alloc;
};

struct kiro_mcp_config {
	struct kiro_mcp_server **v; /* sorted by name after each load */
	size_t nr, alloc;
};

#define KIRO_MCP_CONFIG_INIT { NULL, 0, 0 }

/*
 * Loads the global file (@global_dir/settings/mcp.json, skipped when
 * @global_dir is NULL or the file is absent) then the workspace file
 * (@root/.kiro/settings/mcp.json, likewise) into @cfg.  Problems in the
 * files are diagnostics; the function fails only for SW_EIO.
 */
int kiro_mcp_load(struct kiro_mcp_config *cfg, const char *root, const char *global_dir,
		  struct sw_diags *diags, struct sw_error *err);

/*
 * Merges one mcp.json document (@text, shown as @rel) at @origin.
 * Returns the number of servers taken, or -1 when the document is unusable
 * (reported in @diags).
 */
int kiro_mcp_load_text(struct kiro_mcp_config *cfg, const char *text, size_t len, const char *rel,
		       enum kiro_mcp_origin origin, struct sw_diags *diags);

/*
 * Merges the servers of object @servers (found at JSON path @jpath of
 * @src, e.g. an agent's "$.mcpServers") at @origin.  Entries with errors
 * are reported and left out.  Returns the number taken.
 */
int kiro_mcp_add_servers(struct kiro_mcp_config *cfg, const cJSON *servers, const char *jpath,
			 enum kiro_mcp_origin origin, const struct kiro_source *src, struct sw_diags *diags);

/* Merges copies of every server of @src into @dst (each keeps its origin). */
void kiro_mcp_merge_from(struct kiro_mcp_config *dst, const struct kiro_mcp_config *src);

void kiro_mcp_release(struct kiro_mcp_config *cfg);

/* The server named @name, or NULL. Borrowed from @cfg. */
const struct kiro_mcp_server *kiro_mcp_find(const struct kiro_mcp_config *cfg, const char *name);

/* "global", "workspace" or "agent". */
const char *kiro_mcp_origin_name(enum kiro_mcp_origin o);

/* Looks up an environment variable for expansion; NULL if unset. */
typedef const char *(*kiro_env_fn)(const char *name, void *ctx);

/*
 * Expands every "${NAME}" in @s (NAME: letters, digits, '_') using
 * @lookup (getenv when NULL) into *@out (caller frees).  "$$" is not
 * special; a '$' not followed by '{' is kept.
 * Errors: SW_ENOTFOUND "environment variable 'NAME' is not set";
 * SW_EINVAL for an unterminated "${".
 */
int kiro_mcp_expand(char **out, const char *s, kiro_env_fn lookup, void *ctx, struct sw_error *err);

/* A server's launch or connection data with every ${VAR} expanded. */
struct kiro_mcp_resolved {
	struct sw_strvec argv;    /* local: command then args; empty for remote */
	struct sw_strvec env;     /* local: "NAME=value" to add to the environment */
	char *url;                /* remote: the URL, NULL for local */
	struct sw_strvec headers; /* remote: "Name: value" lines */
};

#define KIRO_MCP_RESOLVED_INIT { SW_STRVEC_INIT, SW_STRVEC_INIT, NULL, SW_STRVEC_INIT }

/*
 * Fills @out for @s (see kiro_mcp_expand for @lookup and the errors, prefixed
 * with the server name).  An unset variable is located at its reference,
 * "file:line:col" of the "${" (else of the server's entry).
 */
int kiro_mcp_resolve(struct kiro_mcp_resolved *out, const struct kiro_mcp_server *s, kiro_env_fn lookup,
		     void *ctx, struct sw_error *err);
void kiro_mcp_resolved_release(struct kiro_mcp_resolved *r);

#endif
