/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model.c - calls to a model: attempts, retries with backoff, streaming
 * callbacks, and the assembly of the reply (see model.h).
 *
 * One call may take several HTTP attempts.  An attempt's answer is routed
 * by status: 200 goes to the provider (feed or parse), anything else is
 * collected as an error body.  When an attempt fails with a retryable
 * cause and nothing has been streamed to the caller yet, the call waits
 * (retry-after, else exponential backoff with jitter) and tries again.
 */
#include "base/compat.h"
#include "model/provider.h"
#include "base/json.h"

#include <math.h>

#define MODEL_MAX_ERROR_BODY (64u << 10)
#define MODEL_UNREACHABLE_RETRIES 1     /* quick retries when the host is unresolvable or refuses */
#define MODEL_UNREACHABLE_RETRY_MS 200  /* the wait before one */

struct model_client {
	uv_loop_t *loop;
	struct sw_http *http;
	struct model_config *cfg;  /* a private copy of the strings it needs */
	struct model_call *calls;
	int freed;
};

static void call_finish(struct model_call *c, int rc, struct sw_error *err);
static int attempt_start(struct model_call *c, struct sw_error *err);

const struct model_config *model__cfg(const struct model_call *c)
{
	return c->mc->cfg;
}

const struct model_config *model_client_config(const struct model_client *mc)
{
	return mc->cfg;
}

/* ------------------------------------------------------------------ blocks */

static void blocks_reset(struct model_call *c)
{
	size_t i;

	for (i = 0; i < c->nblocks; i++) {
		struct model__block *b = &c->blocks[i];

		sw_buf_release(&b->text);
		sw_buf_release(&b->sig);
		sw_buf_release(&b->json);
		free(b->id);
		free(b->name);
		cJSON_Delete(b->input);
	}
	c->nblocks = 0;
	free(c->stop_reason);
	c->stop_reason = NULL;
	memset(&c->usage, 0, sizeof(c->usage));
	c->complete = 0;
}

struct model__block *model__block(struct model_call *c, int index, int kind)
{
	size_t i;
	struct model__block *b;

	for (i = 0; i < c->nblocks; i++)
		if (c->blocks[i].index == index)
			return &c->blocks[i];
	SW_ALLOC_GROW(c->blocks, c->nblocks + 1, c->ablocks);
	b = &c->blocks[c->nblocks++];
	memset(b, 0, sizeof(*b));
	b->index = index;
	b->kind = kind;
	sw_buf_init(&b->text, 0);
	sw_buf_init(&b->sig, 0);
	sw_buf_init(&b->json, 0);
	return b;
}

void model__text(struct model_call *c, struct model__block *b, const char *s, size_t len)
{
	if (!len)
		return;
	sw_buf_add(&b->text, s, len);
	c->streamed = 1;
	if (c->cb.text)
		c->cb.text(c->cb.data, s, len);
}

void model__thinking(struct model_call *c, struct model__block *b, const char *s, size_t len)
{
	if (!len)
		return;
	sw_buf_add(&b->text, s, len);
	c->streamed = 1;
	if (c->cb.thinking)
		c->cb.thinking(c->cb.data, s, len);
}

void model__tool_start(struct model_call *c, struct model__block *b, const char *id, const char *name)
{
	free(b->id);
	free(b->name);
	b->id = sw_xstrdup(id ? id : "");
	b->name = sw_xstrdup(name ? name : "");
	c->streamed = 1;
	if (c->cb.tool_start)
		c->cb.tool_start(c->cb.data, b->id, b->name);
}

void model__set_stop(struct model_call *c, const char *reason)
{
	free(c->stop_reason);
	c->stop_reason = sw_xstrdup(reason);
}

static int block_cmp(const void *a, const void *b)
{
	const struct model__block *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* Builds the assistant message from the accumulators. */
static int assemble(cJSON **out, struct model_call *c, struct sw_error *err)
{
	cJSON *msg = cJSON_CreateObject(), *content = cJSON_CreateArray();
	int has_tool = 0, rc = 0;
	size_t i;

	*out = NULL;
	cJSON_AddStringToObject(msg, "role", "assistant");
	cJSON_AddItemToObject(msg, "content", content);
	SW_QSORT(c->blocks, c->nblocks, block_cmp);
	for (i = 0; i < c->nblocks; i++) {
		struct model__block *b = &c->blocks[i];
		cJSON *blk = cJSON_CreateObject();

		if (b->kind == MODEL__TEXT) {
			if (!b->text.len) {
				cJSON_Delete(blk);
				continue;
			}
			cJSON_AddStringToObject(blk, "type", "text");
			cJSON_AddStringToObject(blk, "text", b->text.ptr);
		} else if (b->kind == MODEL__THINKING) {
			cJSON_AddStringToObject(blk, "type", "thinking");
			cJSON_AddStringToObject(blk, "thinking", b->text.ptr);
			if (b->sig.len)
				cJSON_AddStringToObject(blk, "signature", b->sig.ptr);
		} else {
			cJSON *input = NULL;

			if (b->input) {
				input = b->input;
				b->input = NULL;
			} else if (b->json.len) {
				struct sw_error jerr = SW_ERROR_INIT;

				if (sw_json_parse(&input, b->json.ptr, b->json.len, &jerr) < 0 ||
				    !cJSON_IsObject(input)) {
					cJSON_Delete(input);
					cJSON_Delete(blk);
					rc = sw_error_set(err, SW_EPROTO,
							  "%s: the arguments of tool call '%s' are not a JSON object",
							  c->ops->name, b->name ? b->name : "?");
					goto out;
				}
			} else {
				input = cJSON_CreateObject();
			}
			cJSON_AddStringToObject(blk, "type", "tool_use");
			cJSON_AddStringToObject(blk, "id", b->id ? b->id : "");
			cJSON_AddStringToObject(blk, "name", b->name ? b->name : "");
			cJSON_AddItemToObject(blk, "input", input);
			has_tool = 1;
		}
		cJSON_AddItemToArray(content, blk);
	}
	/* Some OpenAI-compatible servers say "stop" even when they call tools. */
	if (has_tool && (!c->stop_reason || !strcmp(c->stop_reason, "end_turn")))
		model__set_stop(c, "tool_use");
	if (!c->stop_reason)
		model__set_stop(c, "end_turn");
	*out = msg;
	msg = NULL;
out:
	cJSON_Delete(msg);
	return rc;
}

void model_response_release(struct model_response *r)
{
	if (!r)
		return;
	cJSON_Delete(r->message);
	free(r->stop_reason);
	memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------ errors */

void model__error_text(struct sw_buf *b, const char *body, size_t len)
{
	cJSON *doc = NULL, *e, *m = NULL, *t = NULL;
	struct sw_error jerr = SW_ERROR_INIT;

	if (len && sw_json_parse(&doc, body, len, &jerr) == 0) {
		e = cJSON_GetObjectItemCaseSensitive(doc, "error");
		if (cJSON_IsObject(e)) {
			m = cJSON_GetObjectItemCaseSensitive(e, "message");
			t = cJSON_GetObjectItemCaseSensitive(e, "type");
			if (!cJSON_IsString(t))
				t = cJSON_GetObjectItemCaseSensitive(e, "code");
		} else if (cJSON_IsString(e)) {
			m = e;
		} else {
			m = cJSON_GetObjectItemCaseSensitive(doc, "message");
			if (!cJSON_IsString(m))
				m = cJSON_GetObjectItemCaseSensitive(doc, "Message");
		}
	}
	if (cJSON_IsString(t) && cJSON_IsString(m))
		sw_buf_addf(b, "%s: %.300s", t->valuestring, m->valuestring);
	else if (cJSON_IsString(m))
		sw_buf_addf(b, "%.300s", m->valuestring);
	else if (len) {
		size_t i, n = len < 200 ? len : 200;

		for (i = 0; i < n; i++)
			sw_buf_addch(b, (unsigned char)body[i] >= 0x20 ? body[i] : ' ');
	}
	cJSON_Delete(doc);
}

static int retryable_status(long s)
{
	return s == 408 || s == 409 || s == 429 || s >= 500;
}

/* Backoff before attempt number @attempt (>= 2): retry-after wins. */
static long backoff_ms(const struct model_call *c)
{
	const struct model_config *cfg = c->mc->cfg;
	double d;
	int n = c->attempt - 1;

	if (c->retry_after_ms >= 0)
		return c->retry_after_ms > 60000 ? 60000 : c->retry_after_ms;
	d = (double)cfg->retry_base_ms * pow(2.0, n > 20 ? 20 : n - 1);
	if (d > (double)cfg->retry_max_ms)
		d = (double)cfg->retry_max_ms;
	/* +-20% jitter so many clients do not retry in step. */
	d *= 0.8 + 0.4 * ((double)(uv_hrtime() % 1000) / 1000.0);
	return (long)d;
}

/* ------------------------------------------------------------------ attempts */

static void on_timer(uv_timer_t *t)
{
	struct model_call *c = t->data;
	struct sw_error err = SW_ERROR_INIT;
	int rc;

	if (c->finished)
		return;
	if (c->canceled || c->pending_rc < 0) {
		if (c->canceled)
			sw_error_set(&err, SW_ECANCELED, "%s: call canceled", c->ops->name);
		else
			err = c->pending;
		call_finish(c, c->canceled ? SW_ECANCELED : c->pending_rc, &err);
		return;
	}
	if ((rc = attempt_start(c, &err)) < 0)
		call_finish(c, rc, &err);
}

/* Either schedules another attempt (after @delay ms, or the backoff if negative) or finishes with @rc. */
static void retry_or_fail_after(struct model_call *c, int rc, struct sw_error *err, long delay)
{
	const struct model_config *cfg = c->mc->cfg;

	if (c->streamed || c->attempt > cfg->retries || c->canceled) {
		call_finish(c, c->canceled ? SW_ECANCELED : rc, err);
		return;
	}
	if (delay < 0)
		delay = backoff_ms(c);
	if (c->cb.retry)
		c->cb.retry(c->cb.data, c->attempt, delay, err);
	uv_timer_start(&c->timer, on_timer, (uint64_t)delay, 0);
}

static void retry_or_fail(struct model_call *c, int rc, struct sw_error *err)
{
	retry_or_fail_after(c, rc, err, -1);
}

/*
 * The host did not resolve or refused the connection: no request reached
 * it, and backing off for seconds will not bring it up.  One quick retry
 * covers a local server that is restarting; then the call fails, saying so.
 */
static void unreachable_retry_or_fail(struct model_call *c, int rc, struct sw_error *err)
{
	size_t n;

	if (c->unreachable++ < MODEL_UNREACHABLE_RETRIES) {
		retry_or_fail_after(c, rc, err, MODEL_UNREACHABLE_RETRY_MS);
		return;
	}
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, " (%d attempt%s: a host that cannot be reached is "
		 "retried once, after a short wait)", c->attempt, c->attempt == 1 ? "" : "s");
	call_finish(c, rc, err);
}

static int on_http_headers(struct sw_http_req *req, struct sw_http_response *resp, void *data,
			   struct sw_error *err)
{
	struct model_call *c = data;

	SW_UNUSED(req);
	SW_UNUSED(err);
	c->status = resp->status;
	return 0;
}

static int on_http_body(struct sw_http_req *req, const char *chunk, size_t len, void *data,
			struct sw_error *err)
{
	struct model_call *c = data;

	SW_UNUSED(req);
	if (c->status != 200) {
		if (c->errbody.len + len > MODEL_MAX_ERROR_BODY)
			return 0; /* keep the head of a long error page */
		sw_buf_add(&c->errbody, chunk, len);
		return 0;
	}
	if (!c->mc->cfg->stream) {
		sw_buf_add(&c->raw, chunk, len);
		return 0;
	}
	return c->ops->feed(c, chunk, len, err);
}

static void on_http_done(struct sw_http_req *req, struct sw_http_response *resp, int rc,
			 const struct sw_error *herr, void *data)
{
	struct model_call *c = data;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf msg = SW_BUF_INIT;

	SW_UNUSED(req);
	c->req = NULL;
	if (c->finished)
		return;
	if (c->canceled) {
		sw_error_set(&err, SW_ECANCELED, "%s: call canceled", c->ops->name);
		call_finish(c, SW_ECANCELED, &err);
		return;
	}
	if (rc < 0) {
		err = *herr;
		if (rc == SW_EIO && resp->unreachable)
			unreachable_retry_or_fail(c, rc, &err);
		else if (rc == SW_EIO || rc == SW_ETIMEOUT)
			retry_or_fail(c, rc, &err);
		else
			call_finish(c, rc, &err);
		return;
	}
	if (resp->status != 200) {
		model__error_text(&msg, c->errbody.ptr, c->errbody.len);
		c->retry_after_ms = -1;
		{
			const char *ms = sw_http_header(resp, "retry-after-ms");
			const char *ra = sw_http_header(resp, "retry-after");

			if (ms)
				c->retry_after_ms = sw_http_retry_after_ms(ms) / 1000;
			if (c->retry_after_ms < 0)
				c->retry_after_ms = sw_http_retry_after_ms(ra);
		}
		rc = retryable_status(resp->status) ? SW_EIO : SW_EINVAL;
		sw_error_set(&err, rc, "%s: HTTP %ld%s%s", c->ops->name, resp->status, msg.len ? ": " : "",
			     msg.ptr);
		sw_buf_release(&msg);
		if (retryable_status(resp->status))
			retry_or_fail(c, rc, &err);
		else
			call_finish(c, rc, &err);
		return;
	}
	if (!c->mc->cfg->stream) {
		if ((rc = c->ops->parse(c, c->raw.ptr, c->raw.len, &err)) < 0) {
			call_finish(c, rc, &err);
			return;
		}
	} else if (!c->complete) {
		sw_error_set(&err, SW_EPROTO, "%s: the stream ended before the reply was complete",
			     c->ops->name);
		retry_or_fail(c, SW_EPROTO, &err);
		return;
	}
	call_finish(c, 0, &err);
}

static int attempt_start(struct model_call *c, struct sw_error *err)
{
	const struct model_config *cfg = c->mc->cfg;
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_buf sigv4 = SW_BUF_INIT, userpwd = SW_BUF_INIT;
	int rc;

	c->attempt++;
	c->status = 0;
	c->retry_after_ms = -1;
	sw_buf_reset(&c->errbody);
	sw_buf_reset(&c->raw);
	sw_buf_reset(&c->frames);
	sw_sse_release(&c->sse);
	sw_sse_init(&c->sse, 0);
	blocks_reset(c);
	o.method = "POST";
	o.url = c->url.ptr;
	o.headers = (const char *const *)c->headers.v;
	o.body = c->body.ptr;
	o.body_len = c->body.len;
	o.connect_timeout_ms = cfg->connect_timeout_ms;
	o.idle_timeout_ms = cfg->idle_timeout_ms;
	o.total_timeout_ms = cfg->total_timeout_ms;
	o.on_headers = on_http_headers;
	o.on_body = on_http_body;
	o.on_done = on_http_done;
	o.data = c;
	if (cfg->provider == MODEL_BEDROCK) {
		sw_buf_addf(&sigv4, "aws:amz:%s:bedrock", cfg->region ? cfg->region : "us-east-1");
		sw_buf_addf(&userpwd, "%s:%s", cfg->aws_access_key ? cfg->aws_access_key : "",
			    cfg->aws_secret_key ? cfg->aws_secret_key : "");
		o.aws_sigv4 = sigv4.ptr;
		o.userpwd = userpwd.ptr;
	}
	rc = sw_http_start(&c->req, c->mc->http, &o, err);
	sw_buf_release(&sigv4);
	memset(userpwd.ptr, 0, userpwd.len);
	sw_buf_release(&userpwd);
	return rc;
}

static void on_call_closed(uv_handle_t *h)
{
	struct model_call *c = h->data;

	blocks_reset(c);
	free(c->blocks);
	sw_buf_release(&c->url);
	sw_strvec_clear(&c->headers);
	sw_buf_release(&c->body);
	sw_buf_release(&c->errbody);
	sw_buf_release(&c->raw);
	sw_buf_release(&c->frames);
	sw_sse_release(&c->sse);
	free(c);
}

static void call_unlink(struct model_call *c)
{
	struct model_client *mc = c->mc;

	if (c->prev)
		c->prev->next = c->next;
	else if (mc)
		mc->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

static void call_finish(struct model_call *c, int rc, struct sw_error *err)
{
	struct model_response resp;
	struct sw_error aerr = SW_ERROR_INIT;

	if (c->finished)
		return;
	c->finished = 1;
	uv_timer_stop(&c->timer);
	assert(!c->req); /* every path clears it in on_http_done first */
	memset(&resp, 0, sizeof(resp));
	if (rc == 0 && (rc = assemble(&resp.message, c, &aerr)) < 0)
		err = &aerr;
	if (rc == 0) {
		resp.stop_reason = sw_xstrdup(c->stop_reason);
		resp.usage = c->usage;
		resp.usage.calls = 1;
		model_usage_price(&resp.usage, c->mc->cfg);
	}
	resp.attempts = c->attempt;
	call_unlink(c);
	if (c->done)
		c->done(c, rc == 0 ? &resp : NULL, rc, err, c->data);
	model_response_release(&resp);
	uv_close((uv_handle_t *)&c->timer, on_call_closed);
}

/* ------------------------------------------------------------------ client */

int model_client_new(struct model_client **out, uv_loop_t *loop, const struct model_config *cfg,
		     struct sw_error *err)
{
	struct model_client *mc = sw_xcalloc(1, sizeof(*mc));
	int rc;

	*out = NULL;
	mc->loop = loop;
	mc->cfg = (struct model_config *)cfg;
	if ((rc = sw_http_new(&mc->http, loop, err)) < 0) {
		free(mc);
		return rc;
	}
	*out = mc;
	return 0;
}

void model_client_free(struct model_client *mc)
{
	if (!mc)
		return;
	while (mc->calls) {
		struct model_call *c = mc->calls;

		c->finished = 1;
		c->req = NULL; /* dropped with the HTTP client below */
		call_unlink(c);
		uv_timer_stop(&c->timer);
		uv_close((uv_handle_t *)&c->timer, on_call_closed);
	}
	sw_http_free(mc->http);
	free(mc);
}

int model_call_start(struct model_call **out, struct model_client *mc, const struct model_request *req,
		     const struct model_stream_cb *cb, model_done_cb done, void *data,
		     struct sw_error *err)
{
	struct model_call *c = sw_xcalloc(1, sizeof(*c));
	const struct model_config *cfg = mc->cfg;
	int rc;

	if (out)
		*out = NULL;
	c->mc = mc;
	c->ops = cfg->provider == MODEL_ANTHROPIC ? &model__anthropic_ops
		 : cfg->provider == MODEL_OPENAI  ? &model__openai_ops
						  : &model__bedrock_ops;
	sw_buf_init(&c->url, 0);
	sw_buf_init(&c->body, 0);
	sw_buf_init(&c->errbody, 0);
	sw_buf_init(&c->raw, 0);
	sw_buf_init(&c->frames, 0);
	c->headers.v = sw_strvec_empty;
	sw_sse_init(&c->sse, 0);
	if (cb)
		c->cb = *cb;
	c->done = done;
	c->data = data;
	if ((rc = c->ops->build(c, cfg, req, err)) < 0)
		goto fail;
	uv_timer_init(mc->loop, &c->timer);
	c->timer.data = c;
	if ((rc = attempt_start(c, err)) < 0) {
		c->finished = 1;
		uv_close((uv_handle_t *)&c->timer, on_call_closed);
		return rc;
	}
	c->next = mc->calls;
	if (mc->calls)
		mc->calls->prev = c;
	mc->calls = c;
	if (out)
		*out = c;
	return 0;
fail:
	sw_buf_release(&c->url);
	sw_strvec_clear(&c->headers);
	sw_buf_release(&c->body);
	sw_sse_release(&c->sse);
	free(c);
	return rc;
}

void model_call_cancel(struct model_call *c)
{
	if (!c || c->finished || c->canceled)
		return;
	c->canceled = 1;
	if (c->req)
		sw_http_cancel(c->req);
	else
		uv_timer_start(&c->timer, on_timer, 0, 0);
}

/* ------------------------------------------------------------------ sync */

struct complete_state {
	struct model_response *resp;
	struct sw_error *err;
	int rc, done;
};

static void complete_done(struct model_call *call, struct model_response *resp, int rc,
			  const struct sw_error *err, void *data)
{
	struct complete_state *st = data;

	SW_UNUSED(call);
	st->done = 1;
	st->rc = rc;
	if (rc < 0) {
		if (st->err && err)
			*st->err = *err;
		return;
	}
	*st->resp = *resp;
	memset(resp, 0, sizeof(*resp));
}

static void walk_close(uv_handle_t *h, void *arg)
{
	SW_UNUSED(arg);
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int model_complete(struct model_response *resp, const struct model_config *cfg,
		   const struct model_request *req, const struct model_stream_cb *cb,
		   struct sw_error *err)
{
	uv_loop_t loop;
	struct model_client *mc = NULL;
	struct complete_state st = { resp, err, 0, 0 };
	int rc;

	uv_loop_init(&loop);
	if ((rc = model_client_new(&mc, &loop, cfg, err)) < 0)
		goto out;
	if ((rc = model_call_start(NULL, mc, req, cb, complete_done, &st, err)) < 0)
		goto out;
	while (!st.done && uv_run(&loop, UV_RUN_ONCE))
		;
	rc = st.rc;
out:
	model_client_free(mc);
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_walk(&loop, walk_close, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return rc;
}

/* ------------------------------------------------------------------ helpers */

void model_add_user_text(cJSON *messages, const char *text)
{
	cJSON *m = cJSON_CreateObject(), *content = cJSON_CreateArray(), *b = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "role", "user");
	cJSON_AddStringToObject(b, "type", "text");
	cJSON_AddStringToObject(b, "text", text);
	cJSON_AddItemToArray(content, b);
	cJSON_AddItemToObject(m, "content", content);
	cJSON_AddItemToArray(messages, m);
}

char *model_message_text(const cJSON *message)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(message, "content"), *b;
	struct sw_buf out = SW_BUF_INIT;

	if (cJSON_IsString(content))
		return sw_xstrdup(content->valuestring);
	cJSON_ArrayForEach(b, content) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "type");
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(b, "text");

		if (cJSON_IsString(t) && !strcmp(t->valuestring, "text") && cJSON_IsString(x)) {
			if (out.len)
				sw_buf_addch(&out, '\n');
			sw_buf_adds(&out, x->valuestring);
		}
	}
	return sw_buf_detach(&out, NULL);
}

/* ------------------------------------------------------------------ usage */

void model_usage_add(struct model_usage *sum, const struct model_usage *u)
{
	sum->input += u->input;
	sum->output += u->output;
	sum->cache_read += u->cache_read;
	sum->cache_write += u->cache_write;
	sum->cost += u->cost;
	sum->calls += u->calls;
}

void model_usage_price(struct model_usage *u, const struct model_config *cfg)
{
	u->cost = ((double)u->input * cfg->price_in + (double)u->output * cfg->price_out +
		   (double)u->cache_read * cfg->price_cache_read +
		   (double)u->cache_write * cfg->price_cache_write) / 1e6;
}

static void add_count(struct sw_buf *b, long n)
{
	if (n >= 10000)
		sw_buf_addf(b, "%.1fk", (double)n / 1000.0);
	else
		sw_buf_addf(b, "%ld", n);
}

void model_usage_format(struct sw_buf *b, const struct model_usage *u)
{
	add_count(b, u->input);
	sw_buf_adds(b, " in, ");
	add_count(b, u->output);
	sw_buf_adds(b, " out");
	if (u->cache_read || u->cache_write) {
		sw_buf_adds(b, ", ");
		add_count(b, u->cache_read);
		sw_buf_adds(b, " cache read, ");
		add_count(b, u->cache_write);
		sw_buf_adds(b, " cache write");
	}
	sw_buf_addf(b, ", $%.4f", u->cost);
}
