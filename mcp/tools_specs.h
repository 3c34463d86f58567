/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools_specs.h - the "specs" tool set: a workspace's specs through the
 * specs engine, plus the spec documents as resources and the generation
 * prompts as prompts.
 *
 *   spec_list                       every spec: type, documents present,
 *                                   task counts, lint counts
 *   spec_read {spec, document|requirement|task}
 *                                   a whole document, one requirement or
 *                                   criterion ("3", "3.2"), or one task
 *                                   ("2.1") with its source lines
 *   spec_lint {spec?, errors_only?} diagnostics of one spec or of all
 *   spec_trace {spec}               criterion x task x property matrix
 *   spec_next {spec, required?}     the ready tasks and the waves
 *   spec_set_task_status {spec, task, status}
 *                                   the one writing tool: the engine's
 *                                   locked, atomic, bracket-only edit
 *
 * Structured results have the shapes of docs/spec-json.md (built by
 * specs-engine/spec_json.h), so they match "specwright spec ... --json".
 *
 * A spec name is one folder name under <root>/.kiro/specs: names with '/'
 * or '\', ".", "..", a leading dot, control characters, or a folder that
 * is a symbolic link leading outside the workspace are refused with an
 * isError result naming the rule; nothing is read.  Spec files load afresh
 * on each call, so edits show without restarting the server.
 *
 * Resources: "spec:///<name>/<file>" for each requirements.md, bugfix.md,
 * design.md and tasks.md present (text/markdown), and the template
 * "spec:///{spec}/{document}".  Prompts: specs-engine/prompts.h, each
 * "{{variable}}" of a template declared as a required argument.
 */
#ifndef MCP_TOOLS_SPECS_H
#define MCP_TOOLS_SPECS_H

#include "base/compat.h"
#include "base/error.h"
#include "server.h"

struct mcp_specs_opts {
	const char *root; /* the workspace root (the folder holding .kiro) */
};

#define MCP_SPECS_OPTS_INIT { NULL }

/*
 * Makes the tool set (add it with mcp_server_add_toolset).
 * Errors: SW_ENOTFOUND (no root given, or it holds no .kiro folder).
 */
int mcp_specs_toolset_new(struct mcp_toolset **out, const struct mcp_specs_opts *o, struct sw_error *err);

/*
 * Checks that the @len bytes at @name are a spec name as described above
 * (one folder name; a NUL byte within @len is refused).  Returns 0 or
 * SW_EINVAL with a message naming what was expected.
 */
int mcp_specs_check_name(const char *name, size_t len, struct sw_error *err);

#endif
