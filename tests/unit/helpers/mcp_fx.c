/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcp_fx.c - an MCP server session for unit tests (see mcp_fx.h).
 */
#include "base/compat.h"
#include "base/buf.h"
#include "base/json.h"
#include "mcp/server.h"
#include "mcp_fx.h"
#include "sw_test.h"

static void on_send(void *ctx, cJSON *msg, void *origin, int final)
{
	struct sw_mcp_fx *f = ctx;

	SW_UNUSED(origin);
	SW_UNUSED(final);
	if (msg)
		cJSON_AddItemToArray(f->sent, msg);
}

void sw_mcp_fx_start(struct sw_mcp_fx *f, uv_loop_t *loop, struct mcp_toolset *set)
{
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_server_opts o = MCP_SERVER_OPTS_INIT;

	memset(f, 0, sizeof(*f));
	f->loop = loop;
	o.loop = loop;
	assert_sw_ok(mcp_server_new(&f->srv, &o, &err), &err);
	assert_sw_ok(mcp_server_add_toolset(f->srv, set, &err), &err);
	f->sent = cJSON_CreateArray();
	assert_sw_ok(mcp_session_new(&f->s, f->srv, on_send, f), &err);
}

void sw_mcp_fx_stop(struct sw_mcp_fx *f)
{
	mcp_session_free(f->s);
	mcp_server_free(f->srv);
	if (f->loop)
		uv_run(f->loop, UV_RUN_DEFAULT);
	cJSON_Delete(f->sent);
	memset(f, 0, sizeof(*f));
}

static const cJSON *answer_to(const struct sw_mcp_fx *f, int id)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, f->sent) {
		const cJSON *mid = cJSON_GetObjectItem(m, "id");

		if (cJSON_IsNumber(mid) && mid->valueint == id)
			return m;
	}
	return NULL;
}

const cJSON *sw_mcp_fx_rpc(struct sw_mcp_fx *f, const char *method, const char *params)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	cJSON *msg = NULL;
	const cJSON *r;
	int id = ++f->next_id;

	sw_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\"", id, method);
	if (params)
		sw_buf_addf(&b, ",\"params\":%s", params);
	sw_buf_adds(&b, "}");
	assert_sw_ok(sw_json_parse(&msg, b.ptr, b.len, &err), &err);
	mcp_session_handle(f->s, msg, NULL);
	cJSON_Delete(msg);
	sw_buf_release(&b);
	/* Work on the thread pool keeps the loop alive until the answer is sent. */
	while (!(r = answer_to(f, id))) {
		if (f->loop && uv_run(f->loop, UV_RUN_ONCE))
			continue;
		if (!(r = answer_to(f, id)))
			fail_msg("%s: no answer and nothing left to run", method);
		break;
	}
	return r;
}

const cJSON *sw_mcp_result(const cJSON *r)
{
	const cJSON *res = cJSON_GetObjectItem(r, "result");

	if (!res)
		fail_msg("expected a result, got %s", cJSON_PrintUnformatted(r)); /* does not return */
	return res;
}

const cJSON *sw_mcp_fx_call(struct sw_mcp_fx *f, const char *name, const char *args)
{
	struct sw_buf b = SW_BUF_INIT;
	const cJSON *r;

	sw_buf_addf(&b, "{\"name\":\"%s\",\"arguments\":%s}", name, args);
	r = sw_mcp_fx_rpc(f, "tools/call", b.ptr);
	sw_buf_release(&b);
	return sw_mcp_result(r);
}

int sw_mcp_is_error(const cJSON *res)
{
	return cJSON_IsTrue(cJSON_GetObjectItem(res, "isError"));
}

const char *sw_mcp_text0(const cJSON *res)
{
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "content"), 0);

	assert_non_null(c);
	assert_string_equal(cJSON_GetObjectItem(c, "type")->valuestring, "text");
	return cJSON_GetObjectItem(c, "text")->valuestring;
}
