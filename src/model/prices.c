/* SPDX-License-Identifier: Apache-2.0 */
/*
 * prices.c - the default price table: US dollars per million tokens.
 *
 * Edit the table below to change the defaults, or override any entry
 * without rebuilding through "prices" in .kiro/settings/specwright.json
 * (see model.h).  A name matches the longest entry that is a prefix of
 * "provider/model", so dated model ids find their family.  Local servers
 * (any OpenAI-compatible base URL) cost nothing unless configured.
 */
#include "base/compat.h"
#include "model/model.h"

static const struct price {
	const char *prefix;
	double in, out, cache_read, cache_write;
} prices[] = {
	/* prefix                                  input   output  cache r. cache w. */
	{ "anthropic/claude-opus-4",               15.00,  75.00,  1.50,   18.75 },
	{ "anthropic/claude-sonnet-4",              3.00,  15.00,  0.30,    3.75 },
	{ "anthropic/claude-3-7-sonnet",            3.00,  15.00,  0.30,    3.75 },
	{ "anthropic/claude-3-5-sonnet",            3.00,  15.00,  0.30,    3.75 },
	{ "anthropic/claude-haiku-4",               1.00,   5.00,  0.10,    1.25 },
	{ "anthropic/claude-3-5-haiku",             0.80,   4.00,  0.08,    1.00 },
	{ "anthropic/claude-3-haiku",               0.25,   1.25,  0.03,    0.30 },
	{ "openai/gpt-4o-mini",                     0.15,   0.60,  0.075,   0.00 },
	{ "openai/gpt-4o",                          2.50,  10.00,  1.25,    0.00 },
	{ "openai/gpt-4.1-mini",                    0.40,   1.60,  0.10,    0.00 },
	{ "openai/gpt-4.1-nano",                    0.10,   0.40,  0.025,   0.00 },
	{ "openai/gpt-4.1",                         2.00,   8.00,  0.50,    0.00 },
	{ "openai/o3-mini",                         1.10,   4.40,  0.55,    0.00 },
	{ "openai/o4-mini",                         1.10,   4.40,  0.275,   0.00 },
	{ "openai/gpt-5-mini",                      0.25,   2.00,  0.025,   0.00 },
	{ "openai/gpt-5",                           1.25,  10.00,  0.125,   0.00 },
	{ "bedrock/us.anthropic.claude-sonnet-4",   3.00,  15.00,  0.30,    3.75 },
	{ "bedrock/anthropic.claude-sonnet-4",      3.00,  15.00,  0.30,    3.75 },
	{ "bedrock/us.anthropic.claude-3-7-sonnet", 3.00,  15.00,  0.30,    3.75 },
	{ "bedrock/anthropic.claude-3-5-sonnet",    3.00,  15.00,  0.30,    3.75 },
	{ "bedrock/anthropic.claude-3-5-haiku",     0.80,   4.00,  0.08,    1.00 },
	{ "bedrock/anthropic.claude-3-haiku",       0.25,   1.25,  0.03,    0.30 },
	{ "bedrock/amazon.nova-pro",                0.80,   3.20,  0.20,    0.00 },
	{ "bedrock/amazon.nova-lite",               0.06,   0.24,  0.015,   0.00 },
	{ "bedrock/amazon.nova-micro",              0.035,  0.14,  0.00875, 0.00 },
};

int model_price_lookup(const char *name, double *in, double *out, double *cache_read,
		       double *cache_write)
{
	size_t i, best_len = 0;
	const struct price *best = NULL;

	for (i = 0; i < SW_ARRAY_SIZE(prices); i++) {
		size_t n = strlen(prices[i].prefix);

		if (n > best_len && !strncmp(name, prices[i].prefix, n)) {
			best = &prices[i];
			best_len = n;
		}
	}
	*in = best ? best->in : 0;
	*out = best ? best->out : 0;
	*cache_read = best ? best->cache_read : 0;
	*cache_write = best ? best->cache_write : 0;
	return best ? 0 : SW_ENOTFOUND;
}
