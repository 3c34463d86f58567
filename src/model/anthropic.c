/* SPDX-License-Identifier: Apache-2.0 */
/*
 * anthropic.c - the Anthropic Messages API (POST /v1/messages).
 *
 * The conversation is already in this API's shape, so building a request
 * is mostly copying.  Streaming replies are SSE: message_start (input and
 * cache usage), content_block_start / _delta / _stop per block (text_delta,
 * thinking_delta, signature_delta, input_json_delta), message_delta (stop
 * reason, output usage), message_stop (the end marker), ping, and error.
 */
#include "base/compat.h"
#include "model/provider.h"
#include "base/json.h"

#define ANTHROPIC_VERSION "2023-06-01"

static int anthropic_build(struct model_call *c, const struct model_config *cfg,
			   const struct model_request *req, struct sw_error *err)
{
	cJSON *body = cJSON_CreateObject();
	const cJSON *m;
	cJSON *msgs;

	SW_UNUSED(err);
	sw_buf_addf(&c->url, "%s/v1/messages", cfg->base_url);
	if (cfg->api_key)
		sw_strvec_pushf(&c->headers, "x-api-key: %s", cfg->api_key);
	sw_strvec_push(&c->headers, "anthropic-version: " ANTHROPIC_VERSION);
	sw_strvec_push(&c->headers, "content-type: application/json");
	if (cfg->stream)
		sw_strvec_push(&c->headers, "accept: text/event-stream");
	cJSON_AddStringToObject(body, "model", cfg->model);
	cJSON_AddNumberToObject(body, "max_tokens", req->max_tokens > 0 ? req->max_tokens : cfg->max_tokens);
	if (req->system && *req->system)
		cJSON_AddStringToObject(body, "system", req->system);
	msgs = cJSON_AddArrayToObject(body, "messages");
	cJSON_ArrayForEach(m, req->messages) {
		cJSON *copy = cJSON_Duplicate(m, 1), *content = cJSON_GetObjectItem(copy, "content"), *b;

		/* Thinking without a signature cannot be sent back: drop it. */
		if (cJSON_IsArray(content)) {
			for (b = content->child; b;) {
				cJSON *next = b->next, *t = cJSON_GetObjectItem(b, "type");

				if (cJSON_IsString(t) && !strcmp(t->valuestring, "thinking") &&
				    !cJSON_IsString(cJSON_GetObjectItem(b, "signature")))
					cJSON_Delete(cJSON_DetachItemViaPointer(content, b));
				b = next;
			}
		}
		cJSON_AddItemToArray(msgs, copy);
	}
	if (req->tools && cJSON_GetArraySize(req->tools) > 0)
		cJSON_AddItemToObject(body, "tools", cJSON_Duplicate(req->tools, 1));
	if (cfg->stream)
		cJSON_AddTrueToObject(body, "stream");
	sw_json_print(&c->body, body, 0);
	cJSON_Delete(body);
	return 0;
}

static long num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

static void read_usage(struct model_call *c, const cJSON *u, int start)
{
	if (!cJSON_IsObject(u))
		return;
	if (start || cJSON_GetObjectItem(u, "input_tokens"))
		c->usage.input = num(u, "input_tokens");
	if (start || cJSON_GetObjectItem(u, "cache_read_input_tokens"))
		c->usage.cache_read = num(u, "cache_read_input_tokens");
	if (start || cJSON_GetObjectItem(u, "cache_creation_input_tokens"))
		c->usage.cache_write = num(u, "cache_creation_input_tokens");
	if (cJSON_GetObjectItem(u, "output_tokens"))
		c->usage.output = num(u, "output_tokens");
}

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int on_event(const struct sw_sse_event *ev, void *data, struct sw_error *err)
{
	struct model_call *c = data;
	cJSON *doc = NULL;
	const char *type;
	int rc = 0;

	if (!strcmp(ev->type, "ping"))
		return 0;
	if ((rc = sw_json_parse(&doc, ev->data, ev->data_len, err)) < 0) {
		sw_error_prefix(err, "anthropic: event '%s'", ev->type);
		err->code = rc = SW_EPROTO;
		return rc;
	}
	type = str(doc, "type");
	if (!type)
		type = ev->type;
	if (!strcmp(type, "message_start")) {
		const cJSON *msg = cJSON_GetObjectItem(doc, "message");

		read_usage(c, cJSON_GetObjectItem(msg, "usage"), 1);
	} else if (!strcmp(type, "content_block_start")) {
		const cJSON *cb = cJSON_GetObjectItem(doc, "content_block");
		const char *bt = str(cb, "type");
		int index = (int)num(doc, "index");

		if (bt && !strcmp(bt, "tool_use")) {
			struct model__block *b = model__block(c, index, MODEL__TOOL);

			model__tool_start(c, b, str(cb, "id"), str(cb, "name"));
		} else if (bt && (!strcmp(bt, "thinking") || !strcmp(bt, "redacted_thinking"))) {
			model__block(c, index, MODEL__THINKING);
		} else {
			struct model__block *b = model__block(c, index, MODEL__TEXT);
			const char *t = str(cb, "text");

			if (t)
				model__text(c, b, t, strlen(t));
		}
	} else if (!strcmp(type, "content_block_delta")) {
		const cJSON *d = cJSON_GetObjectItem(doc, "delta");
		const char *dt = str(d, "type"), *s;
		int index = (int)num(doc, "index");

		if (!dt) {
			;
		} else if (!strcmp(dt, "text_delta") && (s = str(d, "text"))) {
			model__text(c, model__block(c, index, MODEL__TEXT), s, strlen(s));
		} else if (!strcmp(dt, "thinking_delta") && (s = str(d, "thinking"))) {
			model__thinking(c, model__block(c, index, MODEL__THINKING), s, strlen(s));
		} else if (!strcmp(dt, "signature_delta") && (s = str(d, "signature"))) {
			sw_buf_adds(&model__block(c, index, MODEL__THINKING)->sig, s);
		} else if (!strcmp(dt, "input_json_delta") && (s = str(d, "partial_json"))) {
			sw_buf_adds(&model__block(c, index, MODEL__TOOL)->json, s);
		}
	} else if (!strcmp(type, "message_delta")) {
		const cJSON *d = cJSON_GetObjectItem(doc, "delta");
		const char *sr = str(d, "stop_reason");

		if (sr)
			model__set_stop(c, sr);
		read_usage(c, cJSON_GetObjectItem(doc, "usage"), 0);
	} else if (!strcmp(type, "message_stop")) {
		c->complete = 1;
	} else if (!strcmp(type, "error")) {
		struct sw_buf msg = SW_BUF_INIT;

		model__error_text(&msg, ev->data, ev->data_len);
		/* Overloaded mid-stream is transient: the caller may retry if nothing streamed. */
		rc = sw_error_set(err, SW_EIO, "anthropic: stream error: %s", msg.ptr);
		sw_buf_release(&msg);
	}
	cJSON_Delete(doc);
	return rc;
}

static int anthropic_feed(struct model_call *c, const char *buf, size_t len, struct sw_error *err)
{
	return sw_sse_feed(&c->sse, buf, len, on_event, c, err);
}

static int anthropic_parse(struct model_call *c, const char *buf, size_t len, struct sw_error *err)
{
	cJSON *doc = NULL;
	const cJSON *content, *b;
	int rc, i = 0;

	if ((rc = sw_json_parse(&doc, buf, len, err)) < 0) {
		sw_error_prefix(err, "anthropic: reply");
		err->code = SW_EPROTO;
		return SW_EPROTO;
	}
	content = cJSON_GetObjectItem(doc, "content");
	if (!cJSON_IsArray(content)) {
		cJSON_Delete(doc);
		return sw_error_set(err, SW_EPROTO, "anthropic: reply without a 'content' array");
	}
	cJSON_ArrayForEach(b, content) {
		const char *t = str(b, "type"), *s;

		if (!t)
			continue;
		if (!strcmp(t, "text") && (s = str(b, "text"))) {
			model__text(c, model__block(c, i, MODEL__TEXT), s, strlen(s));
		} else if (!strcmp(t, "thinking")) {
			struct model__block *tb = model__block(c, i, MODEL__THINKING);

			if ((s = str(b, "thinking")))
				model__thinking(c, tb, s, strlen(s));
			if ((s = str(b, "signature")))
				sw_buf_adds(&tb->sig, s);
		} else if (!strcmp(t, "tool_use")) {
			struct model__block *tb = model__block(c, i, MODEL__TOOL);
			const cJSON *input = cJSON_GetObjectItem(b, "input");

			model__tool_start(c, tb, str(b, "id"), str(b, "name"));
			tb->input = cJSON_IsObject(input) ? cJSON_Duplicate(input, 1) : cJSON_CreateObject();
		}
		i++;
	}
	if (str(doc, "stop_reason"))
		model__set_stop(c, str(doc, "stop_reason"));
	read_usage(c, cJSON_GetObjectItem(doc, "usage"), 1);
	c->complete = 1;
	cJSON_Delete(doc);
	return 0;
}

const struct model__ops model__anthropic_ops = {
	"anthropic", anthropic_build, anthropic_feed, anthropic_parse,
};
