/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tool.h - the "knowledge" tool for agents and MCP clients.
 *
 * One JSON-in, JSON-out entry point with Kiro's tool input (KIRO-FORMATS
 * §6.1): {"command": "show"|"add"|"remove"|"clear"|"search"|"update"|
 * "status"|"cancel", "name", "value", "context_id", "path", "query",
 * "limit"}.  The built-in agent's knowledge tool and the MCP server's
 * knowledge tools both call kb_tool_run(), so both behave the same.
 *
 *   search   query (required); context_id or name restricts to one knowledge
 *            base; limit (default 5); mode "lexical" (BM25 only) or "best"
 *            (needs @embedder); by default each knowledge base's index type
 *   add      name and value or path (required); "index_type": "fast"|"best";
 *            "include"/"exclude": arrays of globs
 *   update   path, name or context_id (one), or none for all
 *   remove   name, context_id, path or value (one)
 *   read     chunk_id (a search result's), or path with start_line and
 *            end_line: the chunk as indexed, or those lines of an indexed
 *            file (kb_read)
 *   show     (alias "list") the knowledge bases
 *   status   the database's totals
 *   clear    every knowledge base
 *   cancel   indexing here is synchronous: there is nothing to cancel
 *
 * The result object always has "text", a rendering for a language model
 * ("docs/a.md:12-30 ..." per hit), plus the data: "results" (search),
 * "knowledge_bases" (show), "content" and its place (read), "stats" (add, update), "removed" (remove,
 * clear), and the totals (status).  Relative paths resolve against the
 * workspace root.
 */
#ifndef KB_TOOL_H
#define KB_TOOL_H

#include "base/compat.h"
#include "base/error.h"
#include "knowledge/knowledge.h"

#include <cjson/cJSON.h>

/* The tool's JSON Schema (for tools/list and the model's tool list); a static string. */
const char *kb_tool_input_schema(void);
/* A one-paragraph description of the tool for the model; a static string. */
const char *kb_tool_description(void);

/*
 * Runs one tool call.  @embedder may be NULL (then "best" knowledge bases
 * fail with the usual message).  *@out is the result (caller frees with
 * cJSON_Delete).  Errors: SW_EINVAL for bad arguments (the message names
 * the field), and those of the knowledge.h call made.
 */
int kb_tool_run(struct kb_db *db, const cJSON *args, const struct kb_embedder *embedder, cJSON **out,
		struct sw_error *err);

#endif
