/* SPDX-License-Identifier: Apache-2.0 */
/*
 * embed.c - the OpenAI-compatible embeddings provider.
 *
 * The HTTP transport is base/http_client; until it is present no provider
 * is offered and "best" knowledge bases report that none is configured.
 */
#include "base/compat.h"
#include "knowledge/embed.h"

struct kb_embedder_http {
	struct kb_embedder e;
};

int kb_embedder_from_env(struct kb_embedder_http **out, struct sw_error *err)
{
	*out = NULL;
	return sw_error_set(err, SW_ENOTFOUND, "no embedding provider configured");
}

const struct kb_embedder *kb_embedder_http_get(struct kb_embedder_http *e)
{
	return &e->e;
}

void kb_embedder_http_free(struct kb_embedder_http *e)
{
	free(e);
}
