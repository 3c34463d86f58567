/* SPDX-License-Identifier: Apache-2.0 */
/*
 * openai.c - OpenAI-compatible chat completions (POST {base}/chat/completions).
 *
 * The same wire format is served by OpenAI, Ollama, vLLM, llama.cpp server
 * and LM Studio, so only the base URL differs.  The conversation is
 * translated: the system prompt becomes the first message; tool_use blocks
 * become an assistant message's tool_calls (arguments as a JSON string);
 * each tool_result becomes a "tool" message.  Streaming replies are SSE
 * "data:" chunks with choices[0].delta (content, reasoning_content or
 * reasoning, tool_calls by index), a finish_reason, an optional usage
 * chunk (stream_options.include_usage) and "data: [DONE]".
 */
#include "base/compat.h"
#include "model/provider.h"
#include "base/json.h"

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A tool result's content as text: a string, or its text blocks joined. */
static char *result_text(const cJSON *content)
{
	struct sw_buf out = SW_BUF_INIT;
	const cJSON *b;

	if (cJSON_IsString(content))
		return sw_xstrdup(content->valuestring);
	cJSON_ArrayForEach(b, (cJSON_IsArray(content) ? content : NULL)) {
		if (str(b, "text")) {
			if (out.len)
				sw_buf_addch(&out, '\n');
			sw_buf_adds(&out, str(b, "text"));
		}
	}
	return sw_buf_detach(&out, NULL);
}

static void add_user(cJSON *msgs, const cJSON *content)
{
	struct sw_buf text = SW_BUF_INIT;
	const cJSON *b;

	if (cJSON_IsString(content)) {
		sw_buf_adds(&text, content->valuestring);
	} else {
		/* Tool results first: they must follow the assistant's tool_calls. */
		cJSON_ArrayForEach(b, content) {
			const char *t = str(b, "type");

			if (t && !strcmp(t, "tool_result")) {
				cJSON *m = cJSON_CreateObject();
				const cJSON *rc = cJSON_GetObjectItem(b, "content");
				char *s = NULL;

				cJSON_AddStringToObject(m, "role", "tool");
				cJSON_AddStringToObject(m, "tool_call_id", str(b, "tool_use_id") ? str(b, "tool_use_id") : "");
				s = result_text(rc);
				cJSON_AddStringToObject(m, "content", s);
				free(s);
				cJSON_AddItemToArray(msgs, m);
			}
		}
		cJSON_ArrayForEach(b, content) {
			const char *t = str(b, "type");

			if (t && !strcmp(t, "text") && str(b, "text")) {
				if (text.len)
					sw_buf_addch(&text, '\n');
				sw_buf_adds(&text, str(b, "text"));
			}
		}
	}
	if (text.len) {
		cJSON *m = cJSON_CreateObject();

		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddStringToObject(m, "content", text.ptr);
		cJSON_AddItemToArray(msgs, m);
	}
	sw_buf_release(&text);
}

static void add_assistant(cJSON *msgs, const cJSON *content)
{
	cJSON *m = cJSON_CreateObject(), *calls = NULL;
	struct sw_buf text = SW_BUF_INIT;
	const cJSON *b;

	cJSON_AddStringToObject(m, "role", "assistant");
	if (cJSON_IsString(content))
		sw_buf_adds(&text, content->valuestring);
	cJSON_ArrayForEach(b, (cJSON_IsArray(content) ? content : NULL)) {
		const char *t = str(b, "type");

		if (!t)
			continue;
		if (!strcmp(t, "text") && str(b, "text")) {
			sw_buf_adds(&text, str(b, "text"));
		} else if (!strcmp(t, "tool_use")) {
			cJSON *call = cJSON_CreateObject(), *fn = cJSON_CreateObject();
			struct sw_buf args = SW_BUF_INIT;
			const cJSON *input = cJSON_GetObjectItem(b, "input");

			if (!calls)
				calls = cJSON_CreateArray();
			cJSON_AddStringToObject(call, "id", str(b, "id") ? str(b, "id") : "");
			cJSON_AddStringToObject(call, "type", "function");
			cJSON_AddStringToObject(fn, "name", str(b, "name") ? str(b, "name") : "");
			if (input)
				sw_json_print(&args, input, 0);
			else
				sw_buf_adds(&args, "{}");
			cJSON_AddStringToObject(fn, "arguments", args.ptr);
			sw_buf_release(&args);
			cJSON_AddItemToObject(call, "function", fn);
			cJSON_AddItemToArray(calls, call);
		}
	}
	if (text.len)
		cJSON_AddStringToObject(m, "content", text.ptr);
	else
		cJSON_AddNullToObject(m, "content");
	if (calls)
		cJSON_AddItemToObject(m, "tool_calls", calls);
	cJSON_AddItemToArray(msgs, m);
	sw_buf_release(&text);
}

static int openai_build(struct model_call *c, const struct model_config *cfg,
			const struct model_request *req, struct sw_error *err)
{
	cJSON *body = cJSON_CreateObject(), *msgs;
	const cJSON *m, *t;

	SW_UNUSED(err);
	sw_buf_addf(&c->url, "%s/chat/completions", cfg->base_url);
	if (cfg->api_key && *cfg->api_key)
		sw_strvec_pushf(&c->headers, "Authorization: Bearer %s", cfg->api_key);
	sw_strvec_push(&c->headers, "Content-Type: application/json");
	cJSON_AddStringToObject(body, "model", cfg->model);
	msgs = cJSON_AddArrayToObject(body, "messages");
	if (req->system && *req->system) {
		cJSON *s = cJSON_CreateObject();

		cJSON_AddStringToObject(s, "role", "system");
		cJSON_AddStringToObject(s, "content", req->system);
		cJSON_AddItemToArray(msgs, s);
	}
	cJSON_ArrayForEach(m, req->messages) {
		const char *role = str(m, "role");
		const cJSON *content = cJSON_GetObjectItem(m, "content");

		if (role && !strcmp(role, "assistant"))
			add_assistant(msgs, content);
		else
			add_user(msgs, content);
	}
	if (req->tools && cJSON_GetArraySize(req->tools) > 0) {
		cJSON *tools = cJSON_AddArrayToObject(body, "tools");

		cJSON_ArrayForEach(t, req->tools) {
			cJSON *tool = cJSON_CreateObject(), *fn = cJSON_CreateObject();
			const cJSON *schema = cJSON_GetObjectItem(t, "input_schema");

			cJSON_AddStringToObject(tool, "type", "function");
			cJSON_AddStringToObject(fn, "name", str(t, "name") ? str(t, "name") : "");
			if (str(t, "description"))
				cJSON_AddStringToObject(fn, "description", str(t, "description"));
			cJSON_AddItemToObject(fn, "parameters",
					      schema ? cJSON_Duplicate(schema, 1) : cJSON_CreateObject());
			cJSON_AddItemToObject(tool, "function", fn);
			cJSON_AddItemToArray(tools, tool);
		}
	}
	cJSON_AddNumberToObject(body, "max_tokens", req->max_tokens > 0 ? req->max_tokens : cfg->max_tokens);
	if (cfg->stream) {
		cJSON *so = cJSON_CreateObject();

		cJSON_AddTrueToObject(body, "stream");
		cJSON_AddTrueToObject(so, "include_usage");
		cJSON_AddItemToObject(body, "stream_options", so);
	}
	sw_json_print(&c->body, body, 0);
	cJSON_Delete(body);
	return 0;
}

static const char *map_finish(const char *f)
{
	if (!strcmp(f, "stop"))
		return "end_turn";
	if (!strcmp(f, "tool_calls") || !strcmp(f, "function_call"))
		return "tool_use";
	if (!strcmp(f, "length"))
		return "max_tokens";
	if (!strcmp(f, "content_filter"))
		return "refusal";
	return f;
}

static void read_usage(struct model_call *c, const cJSON *u)
{
	const cJSON *p, *d, *cached;
	long prompt = 0, cr = 0;

	if (!cJSON_IsObject(u))
		return;
	p = cJSON_GetObjectItem(u, "prompt_tokens");
	if (cJSON_IsNumber(p))
		prompt = (long)p->valuedouble;
	d = cJSON_GetObjectItem(u, "prompt_tokens_details");
	cached = cJSON_GetObjectItem(d, "cached_tokens");
	if (cJSON_IsNumber(cached))
		cr = (long)cached->valuedouble;
	c->usage.input = prompt - cr;
	c->usage.cache_read = cr;
	p = cJSON_GetObjectItem(u, "completion_tokens");
	if (cJSON_IsNumber(p))
		c->usage.output = (long)p->valuedouble;
}

/* Text blocks live at index 0, tool call i at 1 + i. */
static void read_delta(struct model_call *c, const cJSON *d)
{
	const char *s;
	const cJSON *calls, *tc;

	if ((s = str(d, "reasoning_content")) || (s = str(d, "reasoning")))
		model__thinking(c, model__block(c, -1, MODEL__THINKING), s, strlen(s));
	if ((s = str(d, "content")))
		model__text(c, model__block(c, 0, MODEL__TEXT), s, strlen(s));
	calls = cJSON_GetObjectItem(d, "tool_calls");
	cJSON_ArrayForEach(tc, (cJSON_IsArray(calls) ? calls : NULL)) {
		const cJSON *idx = cJSON_GetObjectItem(tc, "index"), *fn = cJSON_GetObjectItem(tc, "function");
		int i = cJSON_IsNumber(idx) ? (int)idx->valuedouble : 0;
		struct model__block *b = model__block(c, 1 + i, MODEL__TOOL);
		const char *args = str(fn, "arguments");

		if (str(tc, "id") || (str(fn, "name") && !b->name))
			model__tool_start(c, b, str(tc, "id") ? str(tc, "id") : b->id,
					  str(fn, "name") ? str(fn, "name") : b->name);
		if (args)
			sw_buf_adds(&b->json, args);
	}
}

static int on_event(const struct sw_sse_event *ev, void *data, struct sw_error *err)
{
	struct model_call *c = data;
	cJSON *doc = NULL;
	const cJSON *choices, *ch;
	int rc;

	if (!strcmp(ev->data, "[DONE]")) {
		c->complete = 1;
		return 0;
	}
	if ((rc = sw_json_parse(&doc, ev->data, ev->data_len, err)) < 0) {
		sw_error_prefix(err, "openai: chunk");
		err->code = SW_EPROTO;
		return SW_EPROTO;
	}
	if (cJSON_GetObjectItem(doc, "error")) {
		struct sw_buf msg = SW_BUF_INIT;

		model__error_text(&msg, ev->data, ev->data_len);
		rc = sw_error_set(err, SW_EIO, "openai: stream error: %s", msg.ptr);
		sw_buf_release(&msg);
		cJSON_Delete(doc);
		return rc;
	}
	choices = cJSON_GetObjectItem(doc, "choices");
	cJSON_ArrayForEach(ch, (cJSON_IsArray(choices) ? choices : NULL)) {
		const char *f = str(ch, "finish_reason");

		read_delta(c, cJSON_GetObjectItem(ch, "delta"));
		if (f) {
			model__set_stop(c, map_finish(f));
			/* Some servers close without [DONE]: a finish_reason ends the reply too. */
			c->complete = 1;
		}
		break; /* one choice */
	}
	read_usage(c, cJSON_GetObjectItem(doc, "usage"));
	cJSON_Delete(doc);
	return 0;
}

static int openai_feed(struct model_call *c, const char *buf, size_t len, struct sw_error *err)
{
	return sw_sse_feed(&c->sse, buf, len, on_event, c, err);
}

static int openai_parse(struct model_call *c, const char *buf, size_t len, struct sw_error *err)
{
	cJSON *doc = NULL;
	const cJSON *ch, *msg, *calls, *tc;
	const char *s;
	int rc, i = 0;

	if ((rc = sw_json_parse(&doc, buf, len, err)) < 0) {
		sw_error_prefix(err, "openai: reply");
		err->code = SW_EPROTO;
		return SW_EPROTO;
	}
	ch = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "choices"), 0);
	msg = cJSON_GetObjectItem(ch, "message");
	if (!cJSON_IsObject(msg)) {
		cJSON_Delete(doc);
		return sw_error_set(err, SW_EPROTO, "openai: reply without choices[0].message");
	}
	if ((s = str(msg, "reasoning_content")) || (s = str(msg, "reasoning")))
		model__thinking(c, model__block(c, -1, MODEL__THINKING), s, strlen(s));
	if ((s = str(msg, "content")))
		model__text(c, model__block(c, 0, MODEL__TEXT), s, strlen(s));
	calls = cJSON_GetObjectItem(msg, "tool_calls");
	cJSON_ArrayForEach(tc, (cJSON_IsArray(calls) ? calls : NULL)) {
		const cJSON *fn = cJSON_GetObjectItem(tc, "function");
		struct model__block *b = model__block(c, 1 + i++, MODEL__TOOL);

		model__tool_start(c, b, str(tc, "id"), str(fn, "name"));
		if (str(fn, "arguments"))
			sw_buf_adds(&b->json, str(fn, "arguments"));
	}
	if ((s = str(ch, "finish_reason")))
		model__set_stop(c, map_finish(s));
	read_usage(c, cJSON_GetObjectItem(doc, "usage"));
	c->complete = 1;
	cJSON_Delete(doc);
	return 0;
}

const struct model__ops model__openai_ops = {
	"openai", openai_build, openai_feed, openai_parse,
};
