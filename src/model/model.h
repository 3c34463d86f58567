/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model.h - language model providers over base/http_client.
 *
 * Three wire formats behind one call: Anthropic Messages, OpenAI-compatible
 * chat completions (OpenAI, Ollama, vLLM, llama.cpp server, LM Studio: any
 * base URL) and Amazon Bedrock Converse (SigV4 signed by libcurl).
 *
 * The conversation is provider-neutral and kept in the Anthropic Messages
 * shape, as cJSON: an array of {"role": "user"|"assistant", "content":
 * [block...]} where a block is {"type":"text","text"}, {"type":"thinking",
 * "thinking","signature"}, {"type":"tool_use","id","name","input"} or
 * {"type":"tool_result","tool_use_id","content": text,"is_error"}.  Each
 * provider translates it to its own format and back; the reply arrives as
 * one assistant message of the same shape.
 *
 * Choosing a model: a "provider/model" string ("anthropic/claude-sonnet-4-5",
 * "openai/gpt-4o-mini", "bedrock/anthropic.claude-3-haiku-20240307-v1:0",
 * "openai/llama3.2" against Ollama).  It comes from --model, else the agent's
 * "model" field, else "model" in .kiro/settings/specwright.json (workspace),
 * else ~/.kiro/settings/specwright.json; a model without a provider prefix
 * takes the provider whose credentials are present, an unknown prefix is an
 * error, and "auto" stands for the next source down.  Keys come only from
 * the environment (ANTHROPIC_API_KEY, OPENAI_API_KEY, AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN or an AWS profile) and are never
 * written anywhere.  Base URLs: ANTHROPIC_BASE_URL, OPENAI_BASE_URL,
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME (or AWS_ENDPOINT_URL), or
 * "providers": {"openai": {"baseUrl": ...}} in the settings file.
 *
 * Settings file (.kiro/settings/specwright.json, every key optional):
 *   { "model": "anthropic/claude-sonnet-4-5",
 *     "providers": { "openai": { "baseUrl": "http://127.0.0.1:11434/v1" },
 *                    "bedrock": { "region": "us-east-1", "profile": "dev" } },
 *     "contextWindow": 200000, "maxTokens": 8192, "stream": true,
 *     "retries": 4, "connectTimeoutMs": 10000, "idleTimeoutMs": 120000,
 *     "prices": { "openai/gpt-4o-mini": { "input": 0.15, "output": 0.6,
 *                                          "cacheRead": 0.075, "cacheWrite": 0 } } }
 * Prices are US dollars per million tokens; the table in prices.c holds
 * the defaults and "prices" entries (workspace over global) override them.
 *
 * Calling sequence:
 *   1. model_config_resolve(&cfg, &opts, &err)        -- which provider, model, keys
 *   2. model_client_new(&mc, loop, cfg, &err)
 *   3. model_call_start(&call, mc, &req, &cb, done, data, &err)
 *      cb.text / cb.thinking / cb.tool_start stream as the reply arrives;
 *      done(call, resp, rc, err, data) is called once, from the loop
 *   4. model_call_cancel(call) to stop early (done follows with SW_ECANCELED)
 *   5. model_client_free(mc); model_config_free(cfg)
 * model_complete() runs steps 2-5 on a private loop.
 *
 * Retries: 408, 409, 429, 5xx and 529 answers and connection failures are
 * retried with exponential backoff (honouring retry-after / retry-after-ms)
 * up to cfg->retries times, unless part of the reply was already streamed.
 * A host that does not resolve or refuses the connection is retried once,
 * after 200 ms, and the error then says how many attempts were made.
 */
#ifndef MODEL_MODEL_H
#define MODEL_MODEL_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#include <cjson/cJSON.h>
#include <uv.h>

#define MODEL_SETTINGS_FILE "specwright.json" /* in .kiro/settings/ and ~/.kiro/settings/ */

enum model_provider { MODEL_ANTHROPIC, MODEL_OPENAI, MODEL_BEDROCK };

struct model_config {
	enum model_provider provider;
	char *provider_name;      /* "anthropic", "openai", "bedrock" */
	char *model;              /* provider's model id */
	char *base_url;           /* without a trailing slash */
	char *api_key;            /* from the environment; NULL for keyless local servers */
	char *region;             /* bedrock */
	char *aws_access_key, *aws_secret_key, *aws_session_token; /* bedrock */
	long connect_timeout_ms;
	long idle_timeout_ms;     /* no byte from the provider for this long */
	long total_timeout_ms;    /* one attempt; 0 none */
	int retries;              /* attempts after the first */
	long retry_base_ms;       /* first backoff */
	long retry_max_ms;        /* backoff ceiling */
	long context_window;      /* tokens */
	int max_tokens;           /* reply ceiling */
	int stream;               /* use the streaming API */
	double price_in, price_out, price_cache_read, price_cache_write; /* $ per million tokens */
	char *source;             /* where the model came from ("--model", "agent", file path, "environment") */
	char *note;               /* for the user ("agent 'x': model 'auto' mapped to ..."), or NULL */
};

struct model_config_opts {
	const char *model;        /* --model value, or NULL */
	const char *agent_model;  /* the agent's "model" field, or NULL */
	const char *agent_name;   /* that agent's name, for messages, or NULL */
	const char *root;         /* workspace root (for .kiro/settings), or NULL */
	const char *home;         /* home directory; NULL: $HOME */
	const char *const *env;   /* "K=V" environment to read; NULL: the process's */
};

#define MODEL_CONFIG_OPTS_INIT { NULL, NULL, NULL, NULL, NULL, NULL }

/*
 * Resolves the provider, model, endpoint, credentials and limits.  The
 * model "auto" (from --model or the agent) stands for the configured
 * default: the settings' "model", else the default model of the provider
 * whose credentials are present; cfg->note then says what it became.
 * Errors: SW_ENOTFOUND when no provider is configured (the message names
 * the model asked for and the ways to configure one), SW_EINVAL for an
 * unknown provider, a malformed model string or settings file (with
 * file:line:col), SW_EIO.
 */
int model_config_resolve(struct model_config **out, const struct model_config_opts *o,
			 struct sw_error *err);
void model_config_free(struct model_config *cfg);
/* "provider/model" (borrowed from @cfg's storage until it is freed). */
const char *model_config_name(struct model_config *cfg);

/*
 * Reads one AWS profile (credentials and region) from ~/.aws/credentials and
 * ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE override the
 * paths).  Missing values stay NULL.  Errors: SW_ENOTFOUND (no such profile).
 */
int model_aws_profile(struct model_config *cfg, const char *home, const char *profile,
		      struct sw_error *err);

/* Tokens and cost of one call, or summed over many. */
struct model_usage {
	long input;        /* prompt tokens not read from cache */
	long output;
	long cache_read;
	long cache_write;
	double cost;       /* US dollars, from the price table */
	long calls;
};

void model_usage_add(struct model_usage *sum, const struct model_usage *u);
/* Fills u->cost from @cfg's prices. */
void model_usage_price(struct model_usage *u, const struct model_config *cfg);
/* "1.2k in, 340 out, 800 cached, $0.0123" */
void model_usage_format(struct sw_buf *b, const struct model_usage *u);

/* Looks up the built-in price of "provider/model" (longest prefix); 0 if found. */
int model_price_lookup(const char *name, double *in, double *out, double *cache_read,
		       double *cache_write);

struct model_request {
	const char *system;       /* system prompt, or NULL */
	const cJSON *messages;    /* the conversation (see above); borrowed */
	const cJSON *tools;       /* [{"name","description","input_schema"}] or NULL; borrowed */
	int max_tokens;           /* 0: cfg->max_tokens */
};

struct model_response {
	cJSON *message;           /* {"role":"assistant","content":[...]}; owned */
	char *stop_reason;        /* end_turn, tool_use, max_tokens, stop_sequence, refusal, ... */
	struct model_usage usage; /* with cost */
	int attempts;             /* HTTP attempts made */
};

void model_response_release(struct model_response *r);

struct model_call;

struct model_stream_cb {
	void (*text)(void *data, const char *s, size_t len);      /* reply text as it arrives */
	void (*thinking)(void *data, const char *s, size_t len);  /* reasoning text */
	void (*tool_start)(void *data, const char *id, const char *name); /* a tool call begins */
	void (*retry)(void *data, int attempt, long delay_ms, const struct sw_error *why);
	void *data;
};

/*
 * Called once per call.  On success (rc 0) @resp holds the reply (take
 * resp->message by setting it to NULL); on failure @err says why
 * (SW_ETIMEOUT, SW_ECANCELED, SW_EPROTO, SW_EIO, SW_EINVAL for a 4xx the
 * model refused).  The call is freed after the callback returns.
 */
typedef void (*model_done_cb)(struct model_call *call, struct model_response *resp, int rc,
			      const struct sw_error *err, void *data);

struct model_client;

int model_client_new(struct model_client **out, uv_loop_t *loop, const struct model_config *cfg,
		     struct sw_error *err);
/* Drops calls in flight without callbacks. Accepts NULL. */
void model_client_free(struct model_client *mc);
const struct model_config *model_client_config(const struct model_client *mc);

/* Starts a call; @cb may be NULL.  Errors: SW_EINVAL (a request that cannot be encoded). */
int model_call_start(struct model_call **out, struct model_client *mc, const struct model_request *req,
		     const struct model_stream_cb *cb, model_done_cb done, void *data,
		     struct sw_error *err);
/* Cancels: done follows from the loop with SW_ECANCELED.  Idempotent. */
void model_call_cancel(struct model_call *call);

/* One call on a private loop.  @resp must be zeroed; release it with model_response_release. */
int model_complete(struct model_response *resp, const struct model_config *cfg,
		   const struct model_request *req, const struct model_stream_cb *cb,
		   struct sw_error *err);

/* Appends to @messages a user message holding @text. */
void model_add_user_text(cJSON *messages, const char *text);
/* All text blocks of @message joined (caller frees). */
char *model_message_text(const cJSON *message);

#endif
