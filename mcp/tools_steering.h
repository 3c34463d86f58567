/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools_steering.h - the "steering" tool set: which steering documents of
 * a workspace apply to a file, and their text.
 *
 *   steering_for_path {path}  every document with whether it loads for
 *                             the file and why (always, the fileMatch
 *                             pattern that matched, manual, auto)
 *   steering_read {name}      one document's text ("tech.md", "tech", or
 *                             its shown path)
 *
 * Documents are loaded afresh on each call (kiro_steering_load), so edits
 * show up without restarting the server.  A path is workspace-relative or
 * absolute under the root; anything that leaves the root ("..", another
 * absolute path) is an isError result naming the rule, and nothing is
 * read.  The documents are also listed as resources "steering:///NAME".
 */
#ifndef MCP_TOOLS_STEERING_H
#define MCP_TOOLS_STEERING_H

#include "base/compat.h"
#include "base/error.h"
#include "server.h"

struct mcp_steering_opts {
	const char *root;       /* the workspace root (the folder holding .kiro) */
	const char *global_dir; /* ~/.kiro, or NULL to leave global steering out */
};

#define MCP_STEERING_OPTS_INIT { NULL, NULL }

/*
 * Makes the tool set (add it with mcp_server_add_toolset).
 * Errors: SW_ENOTFOUND (no workspace root given, or it is not a folder).
 */
int mcp_steering_toolset_new(struct mcp_toolset **out, const struct mcp_steering_opts *o,
			     struct sw_error *err);

#endif
