/* SPDX-License-Identifier: Apache-2.0 */
/*
 * provider.h - inside the model module: one call's state and the table of
 * operations each wire format implements (anthropic.c, openai.c,
 * bedrock.c).  Not for use outside src/model/.
 *
 * A provider builds the HTTP request once (build), then for each attempt
 * either consumes the streamed body (feed, then end) or parses the whole
 * body (parse).  Both paths fill the block accumulators, the usage and the
 * stop reason through the model__ helpers below; model.c turns them into
 * the reply message, prices it and hands it to the caller.
 */
#ifndef MODEL_PROVIDER_H
#define MODEL_PROVIDER_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/http_client.h"
#include "base/sse.h"
#include "model/model.h"

struct model__block {
	int index;             /* provider's block index */
	int kind;              /* MODEL__TEXT, MODEL__THINKING, MODEL__TOOL */
	struct sw_buf text;    /* text or thinking */
	struct sw_buf sig;     /* thinking signature */
	struct sw_buf json;    /* tool input, accumulated JSON text */
	char *id, *name;       /* tool call */
	cJSON *input;          /* tool input given whole (non-streaming) */
};

enum { MODEL__TEXT, MODEL__THINKING, MODEL__TOOL };

struct model__ops;

struct model_call {
	struct model_client *mc;
	const struct model__ops *ops;
	struct model_call *prev, *next;   /* calls of mc */
	struct sw_buf url;
	struct sw_strvec headers;
	struct sw_buf body;
	struct model_stream_cb cb;
	model_done_cb done;
	void *data;
	struct sw_http_req *req;          /* the attempt in flight */
	uv_timer_t timer;                 /* backoff, deferred completion */
	int attempt;                      /* attempts started */
	int unreachable;                  /* attempts that found the host unresolvable or refusing */
	int streamed;                     /* reply content reached the callbacks */
	int canceled;
	int finished;
	long status;
	struct sw_buf errbody;            /* body of a non-200 answer */
	struct sw_buf raw;                /* whole body (non-streaming) */
	struct sw_sse sse;
	struct sw_buf frames;             /* bedrock event-stream bytes */
	struct model__block *blocks;
	size_t nblocks, ablocks;
	char *stop_reason;
	struct model_usage usage;
	int complete;                     /* the stream's end marker arrived */
	long retry_after_ms;              /* from the last error answer, -1 if none */
	struct sw_error pending;          /* error to deliver from the timer */
	int pending_rc;
};

struct model__ops {
	const char *name;
	/* Fills c->url, c->headers, c->body from @req. */
	int (*build)(struct model_call *c, const struct model_config *cfg,
		     const struct model_request *req, struct sw_error *err);
	/* Streamed body bytes. */
	int (*feed)(struct model_call *c, const char *buf, size_t len, struct sw_error *err);
	/* Whole body of a non-streaming answer. */
	int (*parse)(struct model_call *c, const char *buf, size_t len, struct sw_error *err);
};

extern const struct model__ops model__anthropic_ops;
extern const struct model__ops model__openai_ops;
extern const struct model__ops model__bedrock_ops;

/* The accumulator for block @index, created with @kind if new. */
struct model__block *model__block(struct model_call *c, int index, int kind);
/* Streams text / thinking to the callbacks and the accumulator. */
void model__text(struct model_call *c, struct model__block *b, const char *s, size_t len);
void model__thinking(struct model_call *c, struct model__block *b, const char *s, size_t len);
/* Sets a tool call's id and name and tells the callbacks. */
void model__tool_start(struct model_call *c, struct model__block *b, const char *id, const char *name);
void model__set_stop(struct model_call *c, const char *reason);
const struct model_config *model__cfg(const struct model_call *c);

/* The error message in a provider's error body ("type: message"), appended to @b. */
void model__error_text(struct sw_buf *b, const char *body, size_t len);

#endif
