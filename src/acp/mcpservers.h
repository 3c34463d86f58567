/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcpservers.h - the MCP servers an ACP client hands a session, turned into
 * what mcp/client.h attaches.
 *
 * ACP's McpServer (session/new and session/load "mcpServers") comes in two
 * shapes this agent accepts:
 *   stdio (no "type", or "stdio"): {name, command, args: [string],
 *         env: [{name, value}]}
 *   http  ({"type": "http"}):      {name, url, headers: [{name, value}]}
 * env and headers are arrays of {name, value}, not maps.  "sse" is refused
 * with a message saying so: initialize offers mcpCapabilities.http only.
 * args, env and headers may be absent (an empty list).  A name may appear
 * once.  Values are taken as given: nothing is expanded.
 *
 * Every error is SW_EINVAL and names the JSON path of the offending value:
 * "$.mcpServers[1].env[0].value: expected a string".
 *
 * Calling sequence:
 *   struct acp_mcp_list l = ACP_MCP_LIST_INIT;
 *   acp_mcp_servers_parse(&l, params_mcp_servers, &err);
 *   for each l.v[i]: acp_mcp_server_spec(&spec, &l.v[i]); mcp_client_attach(c, &spec, ...)
 *   acp_mcp_list_release(&l);
 */
#ifndef SW_ACP_MCPSERVERS_H
#define SW_ACP_MCPSERVERS_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "mcp/client.h"

#include <cjson/cJSON.h>

struct acp_mcp_server {
	char *name;
	struct sw_strvec argv;    /* stdio: command, then args; empty for http */
	struct sw_strvec env;     /* stdio: "NAME=value" added to the environment */
	char *url;                /* http: the endpoint; NULL for stdio */
	struct sw_strvec headers; /* http: "Name: value" */
};

struct acp_mcp_list {
	struct acp_mcp_server *v;
	size_t nr, alloc;
};

#define ACP_MCP_LIST_INIT { NULL, 0, 0 }

/*
 * Appends the servers of @servers (ACP's mcpServers array; NULL means none)
 * to @out.  Errors: SW_EINVAL with the path and what was expected; @out is
 * left as it was.
 */
int acp_mcp_servers_parse(struct acp_mcp_list *out, const cJSON *servers, struct sw_error *err);

/* The server named @name, or NULL.  Borrowed. */
const struct acp_mcp_server *acp_mcp_list_find(const struct acp_mcp_list *l, const char *name);

void acp_mcp_list_release(struct acp_mcp_list *l);

/*
 * Fills @spec (initialised here) to attach @s; its strings are borrowed
 * from @s, and the stdio server runs in @cwd (NULL: ours).
 */
void acp_mcp_server_spec(struct mcp_server_spec *spec, const struct acp_mcp_server *s, const char *cwd);

#endif
