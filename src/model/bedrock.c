/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bedrock.c - Amazon Bedrock Converse and ConverseStream
 * (POST {endpoint}/model/{modelId}/converse[-stream]).
 *
 * Requests are signed with SigV4 by libcurl (CURLOPT_AWS_SIGV4, service
 * "bedrock"; see model.c); a session token travels in
 * x-amz-security-token.  The conversation is translated to Converse's
 * shape: content blocks {"text"}, {"toolUse": {toolUseId, name, input}},
 * {"toolResult": {toolUseId, content: [{"text"}], status}}; the system
 * prompt is [{"text"}]; tools are toolConfig.tools[].toolSpec with
 * inputSchema.json.
 *
 * ConverseStream answers in the binary application/vnd.amazon.eventstream
 * framing: each message is a 12-byte prelude (total length, headers
 * length, CRC32 of those 8 bytes), headers (name length u8, name, type u8,
 * value; type 7 = string with a u16 length), a JSON payload and a CRC32 of
 * everything before it.  ":message-type" is "event" or "exception";
 * ":event-type" names messageStart, contentBlockStart, contentBlockDelta,
 * contentBlockStop, messageStop and metadata (usage).
 */
#include "base/compat.h"
#include "model/provider.h"
#include "base/json.h"

#define ES_MAX_MESSAGE (16u << 20) /* one event-stream message */

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *text_block(const char *text)
{
	cJSON *b = cJSON_CreateObject();

	cJSON_AddStringToObject(b, "text", text);
	return b;
}

static cJSON *convert_content(const cJSON *content)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *b;

	if (cJSON_IsString(content)) {
		cJSON_AddItemToArray(out, text_block(content->valuestring));
		return out;
	}
	cJSON_ArrayForEach(b, (cJSON_IsArray(content) ? content : NULL)) {
		const char *t = str(b, "type");

		if (!t)
			continue;
		if (!strcmp(t, "text") && str(b, "text") && *str(b, "text")) {
			cJSON_AddItemToArray(out, text_block(str(b, "text")));
		} else if (!strcmp(t, "tool_use")) {
			cJSON *w = cJSON_CreateObject(), *tu = cJSON_CreateObject();
			const cJSON *input = cJSON_GetObjectItem(b, "input");

			cJSON_AddStringToObject(tu, "toolUseId", str(b, "id") ? str(b, "id") : "");
			cJSON_AddStringToObject(tu, "name", str(b, "name") ? str(b, "name") : "");
			cJSON_AddItemToObject(tu, "input", input ? cJSON_Duplicate(input, 1) : cJSON_CreateObject());
			cJSON_AddItemToObject(w, "toolUse", tu);
			cJSON_AddItemToArray(out, w);
		} else if (!strcmp(t, "tool_result")) {
			cJSON *w = cJSON_CreateObject(), *tr = cJSON_CreateObject(), *rc = cJSON_CreateArray();
			const cJSON *c = cJSON_GetObjectItem(b, "content"), *x;
			const cJSON *ie = cJSON_GetObjectItem(b, "is_error");

			cJSON_AddStringToObject(tr, "toolUseId", str(b, "tool_use_id") ? str(b, "tool_use_id") : "");
			if (cJSON_IsString(c))
				cJSON_AddItemToArray(rc, text_block(c->valuestring));
			cJSON_ArrayForEach(x, (cJSON_IsArray(c) ? c : NULL))
				if (str(x, "text"))
					cJSON_AddItemToArray(rc, text_block(str(x, "text")));
			if (!cJSON_GetArraySize(rc))
				cJSON_AddItemToArray(rc, text_block("(no output)"));
			cJSON_AddItemToObject(tr, "content", rc);
			cJSON_AddStringToObject(tr, "status", cJSON_IsTrue(ie) ? "error" : "success");
			cJSON_AddItemToObject(w, "toolResult", tr);
			cJSON_AddItemToArray(out, w);
		}
	}
	return out;
}

static int bedrock_build(struct model_call *c, const struct model_config *cfg,
			 const struct model_request *req, struct sw_error *err)
{
	cJSON *body = cJSON_CreateObject(), *msgs, *inf;
	const cJSON *m, *t;

	SW_UNUSED(err);
	sw_buf_addf(&c->url, "%s/model/", cfg->base_url);
	sw_http_url_escape(&c->url, cfg->model);
	sw_buf_adds(&c->url, cfg->stream ? "/converse-stream" : "/converse");
	sw_strvec_push(&c->headers, "Content-Type: application/json");
	if (cfg->aws_session_token)
		sw_strvec_pushf(&c->headers, "x-amz-security-token: %s", cfg->aws_session_token);
	msgs = cJSON_AddArrayToObject(body, "messages");
	cJSON_ArrayForEach(m, req->messages) {
		cJSON *bm = cJSON_CreateObject();
		const char *role = str(m, "role");

		cJSON_AddStringToObject(bm, "role", role && !strcmp(role, "assistant") ? "assistant" : "user");
		cJSON_AddItemToObject(bm, "content", convert_content(cJSON_GetObjectItem(m, "content")));
		cJSON_AddItemToArray(msgs, bm);
	}
	if (req->system && *req->system) {
		cJSON *sys = cJSON_AddArrayToObject(body, "system");

		cJSON_AddItemToArray(sys, text_block(req->system));
	}
	inf = cJSON_AddObjectToObject(body, "inferenceConfig");
	cJSON_AddNumberToObject(inf, "maxTokens", req->max_tokens > 0 ? req->max_tokens : cfg->max_tokens);
	if (req->tools && cJSON_GetArraySize(req->tools) > 0) {
		cJSON *tc = cJSON_AddObjectToObject(body, "toolConfig"), *tools = cJSON_AddArrayToObject(tc, "tools");

		cJSON_ArrayForEach(t, req->tools) {
			cJSON *w = cJSON_CreateObject(), *spec = cJSON_CreateObject(), *is = cJSON_CreateObject();
			const cJSON *schema = cJSON_GetObjectItem(t, "input_schema");

			cJSON_AddStringToObject(spec, "name", str(t, "name") ? str(t, "name") : "");
			cJSON_AddStringToObject(spec, "description",
						str(t, "description") ? str(t, "description") : str(t, "name") ? str(t, "name") : "");
			cJSON_AddItemToObject(is, "json", schema ? cJSON_Duplicate(schema, 1) : cJSON_CreateObject());
			cJSON_AddItemToObject(spec, "inputSchema", is);
			cJSON_AddItemToObject(w, "toolSpec", spec);
			cJSON_AddItemToArray(tools, w);
		}
	}
	sw_json_print(&c->body, body, 0);
	cJSON_Delete(body);
	return 0;
}

static long num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

static void read_usage(struct model_call *c, const cJSON *u)
{
	if (!cJSON_IsObject(u))
		return;
	c->usage.input = num(u, "inputTokens");
	c->usage.output = num(u, "outputTokens");
	c->usage.cache_read = num(u, "cacheReadInputTokens");
	c->usage.cache_write = num(u, "cacheWriteInputTokens");
}

static int bedrock_parse(struct model_call *c, const char *buf, size_t len, struct sw_error *err)
{
	cJSON *doc = NULL;
	const cJSON *content, *b;
	int rc, i = 0;

	if ((rc = sw_json_parse(&doc, buf, len, err)) < 0) {
		sw_error_prefix(err, "bedrock: reply");
		err->code = SW_EPROTO;
		return SW_EPROTO;
	}
	content = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "output"), "message"),
				      "content");
	if (!cJSON_IsArray(content)) {
		cJSON_Delete(doc);
		return sw_error_set(err, SW_EPROTO, "bedrock: reply without output.message.content");
	}
	cJSON_ArrayForEach(b, content) {
		const cJSON *tu = cJSON_GetObjectItem(b, "toolUse");
		const cJSON *rcont = cJSON_GetObjectItem(b, "reasoningContent");

		if (str(b, "text")) {
			model__text(c, model__block(c, i, MODEL__TEXT), str(b, "text"), strlen(str(b, "text")));
		} else if (cJSON_IsObject(tu)) {
			struct model__block *tb = model__block(c, i, MODEL__TOOL);
			const cJSON *input = cJSON_GetObjectItem(tu, "input");

			model__tool_start(c, tb, str(tu, "toolUseId"), str(tu, "name"));
			tb->input = cJSON_IsObject(input) ? cJSON_Duplicate(input, 1) : cJSON_CreateObject();
		} else if (cJSON_IsObject(rcont)) {
			const cJSON *rt = cJSON_GetObjectItem(rcont, "reasoningText");
			const char *s = str(rt, "text");

			if (s)
				model__thinking(c, model__block(c, i, MODEL__THINKING), s, strlen(s));
		}
		i++;
	}
	if (str(doc, "stopReason"))
		model__set_stop(c, str(doc, "stopReason"));
	read_usage(c, cJSON_GetObjectItem(doc, "usage"));
	c->complete = 1;
	cJSON_Delete(doc);
	return 0;
}

/* ---------------------------------------------------------- event stream */

static uint32_t crc32_ieee(uint32_t crc, const unsigned char *p, size_t n)
{
	static uint32_t table[256];
	static int ready;
	size_t i;

	if (!ready) {
		uint32_t k, c;

		for (k = 0; k < 256; k++) {
			c = k;
			for (i = 0; i < 8; i++)
				c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[k] = c;
		}
		ready = 1;
	}
	crc = ~crc;
	for (i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Finds string header @name; sets @val and @vlen. Returns 0, or SW_EPROTO on a malformed block. */
static int es_header(const unsigned char *h, size_t hlen, const char *name, const char **val,
		     size_t *vlen)
{
	size_t i = 0, nl = strlen(name);

	*val = NULL;
	*vlen = 0;
	while (i < hlen) {
		size_t n = h[i++], l;
		const unsigned char *hn = h + i;
		int type;

		if (i + n + 1 > hlen)
			return SW_EPROTO;
		i += n;
		type = h[i++];
		switch (type) {
		case 0: case 1: l = 0; break;              /* bool true / false */
		case 2: l = 1; break;                      /* byte */
		case 3: l = 2; break;                      /* short */
		case 4: l = 4; break;                      /* int */
		case 5: case 8: l = 8; break;              /* long, timestamp */
		case 9: l = 16; break;                     /* uuid */
		case 6: case 7:                            /* bytes, string */
			if (i + 2 > hlen)
				return SW_EPROTO;
			l = (size_t)h[i] << 8 | h[i + 1];
			i += 2;
			if (type == 7 && n == nl && !memcmp(hn, name, n)) {
				if (i + l > hlen)
					return SW_EPROTO;
				*val = (const char *)h + i;
				*vlen = l;
			}
			break;
		default:
			return SW_EPROTO;
		}
		if (i + l > hlen)
			return SW_EPROTO;
		i += l;
	}
	return 0;
}

static int es_event(struct model_call *c, const char *type, size_t tlen, const char *payload, size_t plen,
		    struct sw_error *err)
{
	cJSON *doc = NULL;
	int rc, idx;
	char name[64];

	if (tlen >= sizeof(name))
		tlen = sizeof(name) - 1;
	memcpy(name, type, tlen);
	name[tlen] = '\0';
	if ((rc = sw_json_parse(&doc, payload, plen, err)) < 0) {
		sw_error_prefix(err, "bedrock: event '%s'", name);
		err->code = SW_EPROTO;
		return SW_EPROTO;
	}
	idx = (int)num(doc, "contentBlockIndex");
	if (!strcmp(name, "contentBlockStart")) {
		const cJSON *tu = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "start"), "toolUse");

		if (cJSON_IsObject(tu))
			model__tool_start(c, model__block(c, idx, MODEL__TOOL), str(tu, "toolUseId"), str(tu, "name"));
	} else if (!strcmp(name, "contentBlockDelta")) {
		const cJSON *d = cJSON_GetObjectItem(doc, "delta"), *tu = cJSON_GetObjectItem(d, "toolUse");
		const cJSON *rcont = cJSON_GetObjectItem(d, "reasoningContent");

		if (str(d, "text"))
			model__text(c, model__block(c, idx, MODEL__TEXT), str(d, "text"), strlen(str(d, "text")));
		else if (cJSON_IsObject(tu) && str(tu, "input"))
			sw_buf_adds(&model__block(c, idx, MODEL__TOOL)->json, str(tu, "input"));
		else if (cJSON_IsObject(rcont) && str(rcont, "text"))
			model__thinking(c, model__block(c, idx, MODEL__THINKING), str(rcont, "text"),
					strlen(str(rcont, "text")));
	} else if (!strcmp(name, "messageStop")) {
		if (str(doc, "stopReason"))
			model__set_stop(c, str(doc, "stopReason"));
	} else if (!strcmp(name, "metadata")) {
		read_usage(c, cJSON_GetObjectItem(doc, "usage"));
		c->complete = 1;
	}
	cJSON_Delete(doc);
	return 0;
}

static int bedrock_feed(struct model_call *c, const char *buf, size_t len, struct sw_error *err)
{
	size_t off = 0;
	int rc = 0;

	if ((rc = sw_buf_add_capped(&c->frames, buf, len, ES_MAX_MESSAGE * 2, "bedrock event stream", err)) < 0)
		return rc;
	while (c->frames.len - off >= 16) {
		const unsigned char *p = (const unsigned char *)c->frames.ptr + off;
		uint32_t total = be32(p), hlen = be32(p + 4);
		const char *mt, *et;
		size_t mtl, etl;

		if (total < 16 || total > ES_MAX_MESSAGE || hlen > total - 16 ||
		    crc32_ieee(0, p, 8) != be32(p + 8)) {
			rc = sw_error_set(err, SW_EPROTO, "bedrock: malformed event-stream message");
			break;
		}
		if (c->frames.len - off < total)
			break;
		if (crc32_ieee(0, p, total - 4) != be32(p + total - 4)) {
			rc = sw_error_set(err, SW_EPROTO, "bedrock: event-stream checksum mismatch");
			break;
		}
		if (es_header(p + 12, hlen, ":message-type", &mt, &mtl) < 0 ||
		    es_header(p + 12, hlen, ":event-type", &et, &etl) < 0) {
			rc = sw_error_set(err, SW_EPROTO, "bedrock: malformed event-stream headers");
			break;
		}
		if (mt && mtl == 9 && !memcmp(mt, "exception", 9)) {
			struct sw_buf msg = SW_BUF_INIT;
			const char *xt;
			size_t xtl;

			es_header(p + 12, hlen, ":exception-type", &xt, &xtl);
			model__error_text(&msg, (const char *)p + 12 + hlen, total - 16 - hlen);
			rc = sw_error_set(err, SW_EIO, "bedrock: %.*s: %s", (int)(xt ? xtl : 9),
					  xt ? xt : "exception", msg.ptr);
			sw_buf_release(&msg);
			break;
		}
		if (et && (rc = es_event(c, et, etl, (const char *)p + 12 + hlen, total - 16 - hlen, err)) < 0)
			break;
		off += total;
	}
	sw_buf_remove(&c->frames, 0, off);
	return rc;
}

const struct model__ops model__bedrock_ops = {
	"bedrock", bedrock_build, bedrock_feed, bedrock_parse,
};
