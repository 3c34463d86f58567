/* SPDX-License-Identifier: Apache-2.0 */
/*
 * embed.h - the embedding provider of "best" knowledge bases: an
 * OpenAI-compatible POST {base}/embeddings endpoint.
 *
 * Configuration comes from the environment, as for the OpenAI-compatible
 * model provider (model/model.h):
 *   OPENAI_API_KEY            the key (sent as a bearer token, never logged)
 *   OPENAI_BASE_URL           default https://api.openai.com/v1; a local
 *                             server (Ollama, llama.cpp, vLLM) needs no key
 *   SPECWRIGHT_EMBED_MODEL    default text-embedding-3-small
 * Neither a key nor a base URL means no provider: kb_embedder_from_env()
 * returns SW_ENOTFOUND and "best" knowledge bases fail with a message
 * saying what to set.
 *
 * Requests run synchronously (sw_http_fetch on a private loop): inline in
 * short commands, and on a uv_queue_work job inside a daemon.  Answers 429
 * and 5xx are retried twice, honouring Retry-After.
 *
 * Calling sequence:
 *   struct kb_embedder_http *e = NULL;
 *   if (kb_embedder_from_env(&e, &err) == 0)
 *           opts.embedder = kb_embedder_http_get(e);
 *   ... kb_add / kb_update / kb_search ...
 *   kb_embedder_http_free(e);
 */
#ifndef KB_EMBED_H
#define KB_EMBED_H

#include "base/compat.h"
#include "base/error.h"
#include "knowledge/knowledge.h"

#define KB_EMBED_DEFAULT_MODEL "text-embedding-3-small"

struct kb_embedder_http;

/*
 * Reads the configuration from @env ("K=V" strings, NULL-terminated) or,
 * when @env is NULL, from the process environment.
 * Errors: SW_ENOTFOUND (no provider configured).
 */
int kb_embedder_from_env(struct kb_embedder_http **out, const char *const *env, struct sw_error *err);
/* The provider as a struct kb_embedder, borrowed from @e. */
const struct kb_embedder *kb_embedder_http_get(struct kb_embedder_http *e);
void kb_embedder_http_free(struct kb_embedder_http *e);

#endif
