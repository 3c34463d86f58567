/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the JSON-RPC reader (base/jrpc).
 *
 * The input is split into chunks whose sizes come from the input itself and
 * fed to a connection with a small message ceiling, two of our requests
 * outstanding and handlers that answer, hold and cancel, so framing, the
 * oversize path, response matching and request cancellation all see
 * arbitrary bytes.  Every line the connection writes must be one JSON value.
 */
#include "base/compat.h"
#include "base/jrpc.h"
#include "base/json.h"

static int out_write(void *self, const char *buf, size_t len, struct sw_error *err)
{
	cJSON *v = NULL;

	SW_UNUSED(self);
	SW_UNUSED(err);
	/* One whole line per write, newline last, valid JSON before it. */
	if (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\n', len - 1))
		abort();
	if (sw_json_parse(&v, buf, len - 1, NULL) < 0)
		abort();
	cJSON_Delete(v);
	return 0;
}

static void out_close(void *self)
{
	SW_UNUSED(self);
}

static const struct jrpc_transport_ops ops = { out_write, out_close, NULL };

static void m_echo(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		   void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(method);
	SW_UNUSED(data);
	if (req)
		jrpc_reply_take(req, params ? cJSON_Duplicate(params, 1) : NULL, NULL);
}

static void m_hold(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		   void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(method);
	SW_UNUSED(params);
	SW_UNUSED(data);
	SW_UNUSED(req); /* answered by cancellation or freed at close */
}

static void held_cancel(struct jrpc_request *req, enum jrpc_cancel_reason why, void *data)
{
	SW_UNUSED(data);
	if (why == JRPC_CANCEL_REQUESTED)
		jrpc_reply_error(req, JRPC_REQUEST_CANCELLED, "Request cancelled", NULL, NULL);
}

static void m_hold_cancelable(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			      const cJSON *params, void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(method);
	SW_UNUSED(params);
	SW_UNUSED(data);
	if (req)
		jrpc_request_on_cancel(req, held_cancel, NULL);
}

static void m_cancel(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		     void *data)
{
	struct jrpc_request *t;

	SW_UNUSED(req);
	SW_UNUSED(method);
	SW_UNUSED(data);
	t = jrpc_request_find(rpc, cJSON_GetObjectItem(params, "requestId"));
	if (t)
		jrpc_request_cancel(t);
}

static void on_response(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	SW_UNUSED(data);
	/* Touch what the callback may read. */
	if (res->rc == 0 && !res->result)
		abort();
	if (res->rc == SW_EPROTO && !res->error)
		abort();
	if (res->id == 1)
		jrpc_cancel(rpc, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jrpc_opts o = JRPC_OPTS_INIT;
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct jrpc *rpc = NULL;
	size_t step = size ? (size_t)data[0] % 61 + 1 : 1, i;

	o.max_message = 1024;
	jrpc_new(&rpc, NULL, &o);
	jrpc_set_transport(rpc, &ops, NULL);
	jrpc_on(rpc, "echo", m_echo, NULL);
	jrpc_on(rpc, "hold", m_hold, NULL);
	jrpc_on(rpc, "wait", m_hold_cancelable, NULL);
	jrpc_on(rpc, "$/cancel_request", m_cancel, NULL);
	co.on_response = on_response;
	jrpc_call_take(rpc, NULL, "first", NULL, &co, NULL);
	jrpc_call_take(rpc, NULL, "second", cJSON_CreateObject(), &co, NULL);
	for (i = 0; i < size; i += step)
		jrpc_feed(rpc, (const char *)data + i, size - i < step ? size - i : step);
	jrpc_feed_eof(rpc);
	jrpc_free(rpc);
	return 0;
}
