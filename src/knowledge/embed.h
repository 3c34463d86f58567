/* SPDX-License-Identifier: Apache-2.0 */
/*
 * embed.h - the embedding provider of "best" knowledge bases: an
 * OpenAI-compatible POST {base}/embeddings endpoint.
 *
 * Configuration comes from the environment, as for the model providers:
 *   OPENAI_API_KEY            the key (sent as a bearer token, never logged)
 *   OPENAI_BASE_URL           default https://api.openai.com/v1
 *   SPECWRIGHT_EMBED_MODEL    default text-embedding-3-small
 * No key means no provider: kb_embedder_from_env() returns SW_ENOTFOUND
 * and "best" knowledge bases fail with a message saying what to set.
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

/* Errors: SW_ENOTFOUND (no provider configured). */
int kb_embedder_from_env(struct kb_embedder_http **out, struct sw_error *err);
/* The provider as a struct kb_embedder, borrowed from @e. */
const struct kb_embedder *kb_embedder_http_get(struct kb_embedder_http *e);
void kb_embedder_http_free(struct kb_embedder_http *e);

#endif
