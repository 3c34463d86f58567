/* SPDX-License-Identifier: Apache-2.0 */
/*
 * embed.c - the OpenAI-compatible embeddings provider over base/http_client.
 *
 * One POST {base}/embeddings per batch: {"model", "input": [texts],
 * "encoding_format": "float"}; the answer's data[i].embedding arrays are
 * put back in input order by their "index".  All vectors of one answer
 * must have the same length.
 */
#include "base/compat.h"
#include "knowledge/embed.h"
#include "base/http_client.h"
#include "base/json.h"

#include <time.h>

#define DEFAULT_BASE_URL "https://api.openai.com/v1"
#define EMBED_TIMEOUT_MS 120000
#define EMBED_RETRIES 2

struct kb_embedder_http {
	struct kb_embedder e;
	char *base_url; /* without a trailing slash */
	char *api_key;  /* NULL for keyless local servers */
	char *model;
};

static const char *env_get(const char *const *env, const char *name)
{
	size_t n = strlen(name);
	const char *v;

	if (!env) {
		v = getenv(name);
		return v && *v ? v : NULL;
	}
	for (; *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return (*env)[n + 1] ? *env + n + 1 : NULL;
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A short, secret-free reason from an error answer: its error.message, if any. */
static void answer_reason(struct sw_buf *out, const struct sw_http_response *r)
{
	cJSON *j = NULL;
	const cJSON *e, *m;

	if (sw_json_parse(&j, r->body.ptr, r->body.len, NULL) == 0 && (e = cJSON_GetObjectItem(j, "error"))) {
		m = cJSON_IsString(e) ? e : cJSON_GetObjectItem(e, "message");
		if (cJSON_IsString(m))
			sw_buf_addf(out, ": %.200s", m->valuestring);
	}
	cJSON_Delete(j);
}

static int parse_answer(const struct sw_http_response *r, size_t n, float **out, size_t *dim,
			struct sw_error *err)
{
	cJSON *j = NULL;
	const cJSON *data, *item;
	float *v = NULL;
	size_t d = 0, seen = 0;
	int rc;

	if ((rc = sw_json_parse(&j, r->body.ptr, r->body.len, err)) < 0) {
		sw_error_prefix(err, "embedding provider answer");
		rc = SW_EPROTO;
		goto out;
	}
	data = cJSON_GetObjectItem(j, "data");
	if (!cJSON_IsArray(data) || (size_t)cJSON_GetArraySize(data) != n) {
		rc = sw_error_set(err, SW_EPROTO, "embedding provider answer: expected 'data' with %zu vectors", n);
		goto out;
	}
	cJSON_ArrayForEach(item, data) {
		const cJSON *emb = cJSON_GetObjectItem(item, "embedding"), *x;
		const cJSON *idx = cJSON_GetObjectItem(item, "index");
		size_t at = cJSON_IsNumber(idx) ? (size_t)idx->valuedouble : seen, k = 0;

		if (!cJSON_IsArray(emb) || cJSON_GetArraySize(emb) < 1 || at >= n) {
			rc = sw_error_set(err, SW_EPROTO,
					  "embedding provider answer: data[%zu] has no usable 'embedding'", seen);
			goto out;
		}
		if (!v) {
			d = (size_t)cJSON_GetArraySize(emb);
			v = sw_xcalloc(sw_st_mult(n, d), sizeof(float));
		} else if ((size_t)cJSON_GetArraySize(emb) != d) {
			rc = sw_error_set(err, SW_EPROTO, "embedding provider answer: vectors of %zu and %d numbers",
					  d, cJSON_GetArraySize(emb));
			goto out;
		}
		cJSON_ArrayForEach(x, emb)
			v[at * d + k++] = cJSON_IsNumber(x) ? (float)x->valuedouble : 0.0f;
		seen++;
	}
	*out = v;
	*dim = d;
	v = NULL;
	rc = 0;
out:
	free(v);
	cJSON_Delete(j);
	return rc;
}

static int http_embed(void *self, const char *const *texts, size_t n, float **out, size_t *dim,
		      struct sw_error *err)
{
	struct kb_embedder_http *e = self;
	struct sw_http_opts o = SW_HTTP_OPTS_INIT;
	struct sw_http_response r = SW_HTTP_RESPONSE_INIT;
	struct sw_buf body = SW_BUF_INIT, url = SW_BUF_INIT, auth = SW_BUF_INIT, why = SW_BUF_INIT;
	const char *headers[3] = { "Content-Type: application/json", NULL, NULL };
	size_t i;
	int rc = 0, attempt;

	*out = NULL;
	*dim = 0;
	sw_buf_adds(&body, "{\"model\":\"");
	sw_buf_add_json_escaped(&body, e->model, strlen(e->model));
	sw_buf_adds(&body, "\",\"encoding_format\":\"float\",\"input\":[");
	for (i = 0; i < n; i++) {
		sw_buf_adds(&body, i ? ",\"" : "\"");
		sw_buf_add_json_escaped(&body, texts[i], strlen(texts[i]));
		sw_buf_addch(&body, '"');
	}
	sw_buf_adds(&body, "]}");
	sw_buf_addf(&url, "%s/embeddings", e->base_url);
	if (e->api_key) {
		sw_buf_addf(&auth, "Authorization: Bearer %s", e->api_key);
		headers[1] = auth.ptr;
	}
	o.method = "POST";
	o.url = url.ptr;
	o.headers = headers;
	o.body = body.ptr;
	o.body_len = body.len;
	o.total_timeout_ms = EMBED_TIMEOUT_MS;
	for (attempt = 0;; attempt++) {
		long wait;

		sw_http_response_release(&r);
		r = (struct sw_http_response)SW_HTTP_RESPONSE_INIT;
		rc = sw_http_fetch(&r, &o, err);
		if (rc == 0 && r.status == 200)
			break;
		if (attempt >= EMBED_RETRIES || (rc == 0 && r.status != 429 && r.status < 500) ||
		    (rc < 0 && rc != SW_EIO && rc != SW_ETIMEOUT))
			break;
		wait = rc == 0 ? sw_http_retry_after_ms(sw_http_header(&r, "retry-after")) : -1;
		sleep_ms(wait >= 0 && wait <= 10000 ? wait : 250L << attempt);
	}
	if (rc < 0) {
		sw_error_prefix(err, "embedding provider '%s'", e->base_url);
		goto out;
	}
	if (r.status != 200) {
		answer_reason(&why, &r);
		rc = sw_error_set(err, r.status == 401 || r.status == 403 || r.status == 404 || r.status == 400
					       ? SW_EINVAL : SW_EPROTO,
				  "embedding provider '%s' answered HTTP %ld%s", e->base_url, r.status, why.ptr);
		goto out;
	}
	rc = parse_answer(&r, n, out, dim, err);
out:
	sw_http_response_release(&r);
	sw_buf_release(&body);
	sw_buf_release(&url);
	sw_buf_release(&auth);
	sw_buf_release(&why);
	return rc;
}

int kb_embedder_from_env(struct kb_embedder_http **out, const char *const *env, struct sw_error *err)
{
	const char *key = env_get(env, "OPENAI_API_KEY"), *base = env_get(env, "OPENAI_BASE_URL");
	const char *model = env_get(env, "SPECWRIGHT_EMBED_MODEL");
	struct kb_embedder_http *e;
	size_t n;

	*out = NULL;
	if (!key && !base)
		return sw_error_set(err, SW_ENOTFOUND,
				    "no embedding provider configured: set OPENAI_API_KEY, or OPENAI_BASE_URL for "
				    "an OpenAI-compatible server");
	e = sw_xcalloc(1, sizeof(*e));
	e->base_url = sw_xstrdup(base ? base : DEFAULT_BASE_URL);
	n = strlen(e->base_url);
	while (n > 0 && e->base_url[n - 1] == '/')
		e->base_url[--n] = '\0';
	e->api_key = key ? sw_xstrdup(key) : NULL;
	e->model = sw_xstrdup(model ? model : KB_EMBED_DEFAULT_MODEL);
	e->e.model = e->model;
	e->e.embed = http_embed;
	e->e.self = e;
	*out = e;
	return 0;
}

const struct kb_embedder *kb_embedder_http_get(struct kb_embedder_http *e)
{
	return &e->e;
}

void kb_embedder_http_free(struct kb_embedder_http *e)
{
	if (!e)
		return;
	free(e->base_url);
	if (e->api_key) /* do not leave the key in freed memory */
		memset(e->api_key, 0, strlen(e->api_key));
	free(e->api_key);
	free(e->model);
	free(e);
}
