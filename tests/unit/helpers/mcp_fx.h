/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcp_fx.h - an MCP server session in a unit test: one tool set served,
 * requests handed to the session as parsed messages, every message it
 * sends kept in order.  No transport is involved.
 *
 *   struct sw_mcp_fx fx;
 *   sw_mcp_fx_start(&fx, loop_or_NULL, set);   -- the server owns @set
 *   res = sw_mcp_fx_call(&fx, "tool", "{...}"); -- the CallToolResult
 *   sw_mcp_fx_stop(&fx);
 *
 * With a loop, a request runs the loop until its answer is sent (tool sets
 * that work on the thread pool); without one, the answer must have been
 * sent before mcp_session_handle() returned.  Failures end the test.
 */
#ifndef SW_MCP_FX_H
#define SW_MCP_FX_H

#include "base/compat.h"
#include <cjson/cJSON.h>
#include <uv.h>

struct mcp_server;
struct mcp_session;
struct mcp_toolset;

struct sw_mcp_fx {
	uv_loop_t *loop;         /* the server's loop, or NULL */
	struct mcp_server *srv;
	struct mcp_session *s;
	cJSON *sent;             /* every message the session sent, in order */
	int next_id;
};

void sw_mcp_fx_start(struct sw_mcp_fx *f, uv_loop_t *loop, struct mcp_toolset *set);
/* Frees the session and the server, then runs @f->loop (if any) until it is idle. */
void sw_mcp_fx_stop(struct sw_mcp_fx *f);

/* Sends request @method with @params (JSON text, or NULL); returns its answer (borrowed). */
const cJSON *sw_mcp_fx_rpc(struct sw_mcp_fx *f, const char *method, const char *params);
/* tools/call @name with @args (JSON text); returns the CallToolResult (borrowed). */
const cJSON *sw_mcp_fx_call(struct sw_mcp_fx *f, const char *name, const char *args);

/* The "result" member of answer @r; fails the test when it is an error answer. */
const cJSON *sw_mcp_result(const cJSON *r);
int sw_mcp_is_error(const cJSON *res);
/* The text of a result's first content item, which must be text. */
const char *sw_mcp_text0(const cJSON *res);

#endif
