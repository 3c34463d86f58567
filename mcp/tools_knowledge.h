/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools_knowledge.h - the "knowledge" tool set: the workspace's knowledge
 * bases (knowledge/knowledge.h) for MCP clients, read-only.
 *
 *   knowledge_search {query, knowledge_base?, limit?, mode?}
 *                    the best matching chunks as path:start-end with a
 *                    snippet and a chunk_id; mode "lexical" (BM25, needs
 *                    nothing) or "best" (BM25 fused with embeddings: needs an
 *                    embedding provider, else an isError result saying what
 *                    to set); by default each knowledge base's index type
 *   knowledge_list   {} the knowledge bases: name, source folder, index
 *                    type, file and chunk counts, when last indexed
 *   knowledge_fetch  {chunk_id} a chunk as indexed, or {path, start_line?,
 *                    end_line?} lines of an indexed file (only files some
 *                    knowledge base indexed can be read)
 *
 * Every call goes through kb_tool_run(), the same entry point as the
 * built-in agent's knowledge tool, so both answer alike.  Each result has
 * structuredContent (matching the tool's outputSchema) and a text item.
 * Bad arguments and a missing index are isError results that say what to
 * do ("run 'specwright knowledge add NAME FOLDER'").
 *
 * Calls run on the loop's thread pool (uv_queue_work), one at a time, each
 * on its own connection to .kiro/knowledge.db opened without creating it.
 * The database is in WAL mode and the connection waits on a busy database
 * (kb_open), so a search runs while 'specwright knowledge update' writes
 * and sees the last committed state.
 */
#ifndef MCP_TOOLS_KNOWLEDGE_H
#define MCP_TOOLS_KNOWLEDGE_H

#include "base/compat.h"
#include "base/error.h"
#include "server.h"

struct mcp_knowledge_opts {
	const char *root;       /* the workspace root (the folder holding .kiro) */
	const char *const *env; /* "K=V" for the embedding provider (knowledge/embed.h); NULL: ours */
};

#define MCP_KNOWLEDGE_OPTS_INIT { NULL, NULL }

/*
 * Makes the tool set (add it with mcp_server_add_toolset); the server's
 * options must name its loop.  A workspace without knowledge bases is not
 * an error: the tools say so when called.
 * Errors: SW_ENOTFOUND (no workspace root given, or it is not a folder).
 */
int mcp_knowledge_toolset_new(struct mcp_toolset **out, const struct mcp_knowledge_opts *o,
			      struct sw_error *err);

#endif
