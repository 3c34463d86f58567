/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.c - which provider, which model, which endpoint and credentials
 * (see model.h for the order of precedence and the settings file).
 *
 * Keys are read from the environment only; the settings file may name
 * endpoints, regions, profiles, limits and prices but never holds a key.
 */
#include "base/compat.h"
#include "model/model.h"
#include "base/fs.h"
#include "base/json.h"

#include <ctype.h>
#include <strings.h>

#define DEFAULT_ANTHROPIC_URL "https://api.anthropic.com"
#define DEFAULT_OPENAI_URL "https://api.openai.com/v1"

struct settings {
	cJSON *ws, *global;        /* parsed files, NULL when absent */
	char *ws_path, *global_path;
};

static const char *env_get(const struct model_config_opts *o, const char *name)
{
	size_t n = strlen(name);
	const char *const *e;
	const char *v;

	if (!o->env) {
		v = getenv(name);
		return v && *v ? v : NULL;
	}
	for (e = o->env; *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return (*e)[n + 1] ? *e + n + 1 : NULL;
	return NULL;
}

static int load_settings(cJSON **out, char **path_out, const char *dir, struct sw_error *err)
{
	char *path;
	int rc = 0;

	*out = NULL;
	*path_out = NULL;
	if (!dir)
		return 0;
	path = sw_path_join(dir, ".kiro/settings/" MODEL_SETTINGS_FILE);
	if (!sw_is_file(path)) {
		free(path);
		return 0;
	}
	if ((rc = sw_json_parse_file(out, path, err)) < 0) {
		free(path);
		return rc;
	}
	if (!cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		sw_error_set(err, SW_EINVAL, "expected a JSON object");
		sw_error_at(err, path, 1, 1);
		free(path);
		return SW_EINVAL;
	}
	*path_out = path;
	return 0;
}

/* The member @key of the workspace settings, else of the global ones; sets *@from to the file. */
static const cJSON *setting(const struct settings *s, const char *key, const char **from)
{
	const cJSON *v = s->ws ? cJSON_GetObjectItemCaseSensitive(s->ws, key) : NULL;

	if (v) {
		*from = s->ws_path;
		return v;
	}
	v = s->global ? cJSON_GetObjectItemCaseSensitive(s->global, key) : NULL;
	*from = v ? s->global_path : NULL;
	return v;
}

/* providers.<name>.<key> (workspace first). */
static const char *provider_setting(const struct settings *s, const char *provider, const char *key)
{
	const cJSON *docs[2] = { s->ws, s->global };
	int i;

	for (i = 0; i < 2; i++) {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(docs[i], "providers"), provider);
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, key);

		if (cJSON_IsString(v) && *v->valuestring)
			return v->valuestring;
	}
	return NULL;
}

static int number_setting(long *out, const struct settings *s, const char *key, long def,
			  struct sw_error *err)
{
	const char *from = NULL;
	const cJSON *v = setting(s, key, &from);

	*out = def;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0) {
		sw_error_set(err, SW_EINVAL, "$.%s: expected a non-negative number, found %s", key,
			     sw_json_type_name(v));
		sw_error_at(err, from, 0, 0);
		return SW_EINVAL;
	}
	*out = (long)v->valuedouble;
	return 0;
}

static char *strip_slash(const char *url)
{
	char *s = sw_xstrdup(url);
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* Known local OpenAI-compatible servers, usable as provider names. */
static const struct {
	const char *name, *url;
} local_servers[] = {
	{ "ollama", "http://127.0.0.1:11434/v1" },
	{ "lmstudio", "http://127.0.0.1:1234/v1" },
	{ "vllm", "http://127.0.0.1:8000/v1" },
	{ "llamacpp", "http://127.0.0.1:8080/v1" },
};

#define NO_PROVIDER_HELP                                                                            \
	"set ANTHROPIC_API_KEY (Anthropic), OPENAI_API_KEY or OPENAI_BASE_URL (OpenAI or a compatible " \
	"server such as Ollama), or AWS credentials (AWS_ACCESS_KEY_ID or AWS_PROFILE, for Bedrock); "  \
	"then choose a model with --model provider/model, the agent's \"model\" field, or \"model\" in " \
	".kiro/settings/" MODEL_SETTINGS_FILE

#define KNOWN_PROVIDERS "anthropic, openai, bedrock, ollama, lmstudio, vllm or llamacpp"

static int has_aws(const struct model_config_opts *o)
{
	return env_get(o, "AWS_ACCESS_KEY_ID") || env_get(o, "AWS_PROFILE");
}

/* Everything the steps of model_config_resolve() share. */
struct resolve {
	const struct model_config_opts *o;
	const char *home;
	struct settings s;
	const char *spec;          /* the chosen "provider/model" string, or NULL */
	const char *spec_where;    /* the file of $.model when it came from there */
	struct sw_buf asked_auto;  /* who asked for "auto" ("agent 'x'", "--model"), empty if nobody */
	const char *local_url;     /* a local server alias's endpoint */
};

static int is_auto(const char *m)
{
	return m && !strcasecmp(m, "auto");
}

/* Where @r->spec came from, for messages: "--model nosuch/m". */
static void describe_spec(struct sw_buf *b, const struct resolve *r, const struct model_config *cfg)
{
	if (!strcmp(cfg->source, "--model"))
		sw_buf_addf(b, "--model %s", r->spec);
	else if (r->spec_where)
		sw_buf_addf(b, "\"model\": \"%s\" in '%s'", r->spec, r->spec_where);
	else if (r->o->agent_name)
		sw_buf_addf(b, "agent '%s' (\"model\": \"%s\")", r->o->agent_name, r->spec);
	else
		sw_buf_addf(b, "the agent's \"model\": \"%s\"", r->spec);
}

/*
 * Picks the model string: --model, else the agent's, else the settings'.
 * "auto" (Kiro's "let the tool choose") passes the choice on to the next
 * source, ending at the default model of the provider whose credentials
 * are present; r->asked_auto remembers who asked, for the note.
 */
static int choose_spec(struct resolve *r, struct model_config *cfg, struct sw_error *err)
{
	const struct model_config_opts *o = r->o;
	const char *from = NULL;
	const cJSON *sv;

	if (o->model && *o->model && !is_auto(o->model)) {
		r->spec = o->model;
		cfg->source = sw_xstrdup("--model");
		return 0;
	}
	if (is_auto(o->model))
		sw_buf_adds(&r->asked_auto, "--model");
	if (!(o->model && *o->model) && o->agent_model && *o->agent_model) {
		if (!is_auto(o->agent_model)) {
			r->spec = o->agent_model;
			cfg->source = sw_xstrdup("the agent's model field");
			return 0;
		}
		if (o->agent_name)
			sw_buf_addf(&r->asked_auto, "agent '%s'", o->agent_name);
		else
			sw_buf_adds(&r->asked_auto, "the agent");
	}
	if (!(sv = setting(&r->s, "model", &from)))
		return 0;
	if (!cJSON_IsString(sv) || !*sv->valuestring) {
		sw_error_set(err, SW_EINVAL, "$.model: expected a \"provider/model\" string, found %s",
			     sw_json_type_name(sv));
		sw_error_at(err, from, 0, 0);
		return SW_EINVAL;
	}
	if (is_auto(sv->valuestring))
		return 0;
	r->spec = sv->valuestring;
	r->spec_where = from;
	cfg->source = sw_xstrdup(from);
	return 0;
}

/*
 * Splits "provider/model": sets cfg->provider_name and cfg->model when a
 * provider is named.  A string without a slash, or whose head holds a ':'
 * (an ARN), is a bare model id.  Errors: SW_EINVAL (an unknown provider,
 * or no model after it).
 */
static int split_spec(struct resolve *r, struct model_config *cfg, struct sw_error *err)
{
	const char *slash = r->spec ? strchr(r->spec, '/') : NULL;
	struct sw_buf where = SW_BUF_INIT;
	char *p = NULL;
	size_t i;
	int rc = 0;

	if (!slash)
		goto out;
	p = sw_xstrndup(r->spec, (size_t)(slash - r->spec));
	if (strchr(p, ':'))
		goto out;
	for (i = 0; p[i]; i++)
		p[i] = (char)tolower((unsigned char)p[i]);
	for (i = 0; i < SW_ARRAY_SIZE(local_servers); i++)
		if (!strcmp(p, local_servers[i].name))
			r->local_url = local_servers[i].url;
	describe_spec(&where, r, cfg);
	if (!r->local_url && strcmp(p, "anthropic") && strcmp(p, "openai") && strcmp(p, "bedrock")) {
		rc = sw_error_set(err, SW_EINVAL,
				  "unknown model provider '%s' in %s (expected " KNOWN_PROVIDERS
				  "; a model id that holds a slash is written with its provider, as in "
				  "openai/%s)", p, where.ptr, r->spec);
		goto out;
	}
	if (!slash[1]) {
		rc = sw_error_set(err, SW_EINVAL, "%s names no model after the provider", where.ptr);
		goto out;
	}
	cfg->provider_name = r->local_url ? sw_xstrdup("openai") : p;
	if (!r->local_url)
		p = NULL;
	cfg->model = sw_xstrdup(slash + 1);
out:
	if (!rc && r->spec && !cfg->model)
		cfg->model = sw_xstrdup(r->spec);
	free(p);
	sw_buf_release(&where);
	return rc;
}

/* No provider named: the one whose credentials are present.  Errors: SW_ENOTFOUND. */
static int provider_from_env(struct resolve *r, struct model_config *cfg, struct sw_error *err)
{
	const struct model_config_opts *o = r->o;
	struct sw_buf where = SW_BUF_INIT;

	if (env_get(o, "ANTHROPIC_API_KEY"))
		cfg->provider_name = sw_xstrdup("anthropic");
	else if (env_get(o, "OPENAI_API_KEY") || env_get(o, "OPENAI_BASE_URL"))
		cfg->provider_name = sw_xstrdup("openai");
	else if (has_aws(o))
		cfg->provider_name = sw_xstrdup("bedrock");
	if (cfg->provider_name) {
		if (!cfg->source)
			cfg->source = sw_xstrdup("environment");
		return 0;
	}
	if (r->spec) {
		describe_spec(&where, r, cfg);
		sw_error_set(err, SW_ENOTFOUND, "%s names no provider, and none is configured: " NO_PROVIDER_HELP,
			     where.ptr);
	} else if (r->asked_auto.len) {
		sw_error_set(err, SW_ENOTFOUND,
			     "%s: model 'auto' stands for the configured default model, and none is "
			     "configured: " NO_PROVIDER_HELP, r->asked_auto.ptr);
	} else {
		sw_error_set(err, SW_ENOTFOUND, "no model provider is configured: " NO_PROVIDER_HELP);
	}
	sw_buf_release(&where);
	return SW_ENOTFOUND;
}

static int resolve_anthropic(struct resolve *r, struct model_config *cfg, struct sw_error *err)
{
	const char *v;

	cfg->provider = MODEL_ANTHROPIC;
	if (!cfg->model)
		cfg->model = sw_xstrdup("claude-sonnet-4-5");
	v = env_get(r->o, "ANTHROPIC_BASE_URL");
	if (!v)
		v = provider_setting(&r->s, "anthropic", "baseUrl");
	cfg->base_url = strip_slash(v ? v : DEFAULT_ANTHROPIC_URL);
	if ((v = env_get(r->o, "ANTHROPIC_API_KEY")))
		cfg->api_key = sw_xstrdup(v);
	else if (!strcmp(cfg->base_url, DEFAULT_ANTHROPIC_URL))
		return sw_error_set(err, SW_ENOTFOUND, "model '%s/%s' needs ANTHROPIC_API_KEY in the environment",
				    cfg->provider_name, cfg->model);
	return 0;
}

static int resolve_openai(struct resolve *r, struct model_config *cfg, struct sw_error *err)
{
	const char *v;

	cfg->provider = MODEL_OPENAI;
	if (!cfg->model)
		cfg->model = sw_xstrdup("gpt-4o-mini");
	v = r->local_url;
	if (!v)
		v = env_get(r->o, "OPENAI_BASE_URL");
	if (!v)
		v = provider_setting(&r->s, "openai", "baseUrl");
	cfg->base_url = strip_slash(v ? v : DEFAULT_OPENAI_URL);
	if ((v = env_get(r->o, "OPENAI_API_KEY")) && !r->local_url)
		cfg->api_key = sw_xstrdup(v);
	else if (!strcmp(cfg->base_url, DEFAULT_OPENAI_URL))
		return sw_error_set(err, SW_ENOTFOUND,
				    "model '%s/%s' needs OPENAI_API_KEY in the environment "
				    "(or OPENAI_BASE_URL for a local server)", cfg->provider_name, cfg->model);
	return 0;
}

/* Bedrock credentials: the environment's keys, else a profile (named, or "default" if present). */
static int bedrock_credentials(struct resolve *r, struct model_config *cfg, struct sw_error *err)
{
	const struct model_config_opts *o = r->o;
	const char *profile = env_get(o, "AWS_PROFILE"), *v;

	if (!profile)
		profile = provider_setting(&r->s, "bedrock", "profile");
	if ((v = env_get(o, "AWS_ACCESS_KEY_ID")) && !env_get(o, "AWS_PROFILE")) {
		cfg->aws_access_key = sw_xstrdup(v);
		if ((v = env_get(o, "AWS_SECRET_ACCESS_KEY")))
			cfg->aws_secret_key = sw_xstrdup(v);
		if ((v = env_get(o, "AWS_SESSION_TOKEN")))
			cfg->aws_session_token = sw_xstrdup(v);
	} else {
		struct sw_error perr = SW_ERROR_INIT;

		if (model_aws_profile(cfg, r->home, profile ? profile : "default", &perr) < 0 && profile) {
			*err = perr;
			return perr.code;
		}
	}
	if (!cfg->aws_access_key || !cfg->aws_secret_key)
		return sw_error_set(err, SW_ENOTFOUND,
				    "model 'bedrock/%s' needs AWS credentials: AWS_ACCESS_KEY_ID and "
				    "AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials", cfg->model);
	return 0;
}

static int resolve_bedrock(struct resolve *r, struct model_config *cfg, struct sw_error *err)
{
	const struct model_config_opts *o = r->o;
	const char *v;
	int rc;

	cfg->provider = MODEL_BEDROCK;
	if (!cfg->model)
		cfg->model = sw_xstrdup("us.anthropic.claude-sonnet-4-20250514-v1:0");
	if ((rc = bedrock_credentials(r, cfg, err)) < 0)
		return rc;
	v = env_get(o, "AWS_REGION");
	if (!v)
		v = env_get(o, "AWS_DEFAULT_REGION");
	if (!v)
		v = provider_setting(&r->s, "bedrock", "region");
	if (v) {
		free(cfg->region);
		cfg->region = sw_xstrdup(v);
	}
	if (!cfg->region)
		cfg->region = sw_xstrdup("us-east-1");
	v = env_get(o, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME");
	if (!v)
		v = env_get(o, "AWS_ENDPOINT_URL");
	if (!v)
		v = provider_setting(&r->s, "bedrock", "baseUrl");
	if (v) {
		cfg->base_url = strip_slash(v);
	} else {
		struct sw_buf u = SW_BUF_INIT;

		sw_buf_addf(&u, "https://bedrock-runtime.%s.amazonaws.com", cfg->region);
		cfg->base_url = sw_buf_detach(&u, NULL);
	}
	return 0;
}

/* Context window, reply ceiling, retries, timeouts and streaming from the settings. */
static int read_limits(struct resolve *r, struct model_config *cfg, struct sw_error *err)
{
	const struct settings *s = &r->s;
	const char *from = NULL;
	const cJSON *sv;
	long n;
	int rc;

	if ((rc = number_setting(&cfg->context_window, s, "contextWindow",
				 cfg->provider == MODEL_OPENAI ? 128000 : 200000, err)) < 0 ||
	    (rc = number_setting(&n, s, "maxTokens", 8192, err)) < 0)
		return rc;
	cfg->max_tokens = n > 0 && n < 1000000 ? (int)n : 8192;
	if ((rc = number_setting(&n, s, "retries", 4, err)) < 0)
		return rc;
	cfg->retries = n > 20 ? 20 : (int)n;
	if ((rc = number_setting(&cfg->connect_timeout_ms, s, "connectTimeoutMs", 10000, err)) < 0 ||
	    (rc = number_setting(&cfg->idle_timeout_ms, s, "idleTimeoutMs", 300000, err)) < 0 ||
	    (rc = number_setting(&cfg->total_timeout_ms, s, "totalTimeoutMs", 0, err)) < 0 ||
	    (rc = number_setting(&cfg->retry_base_ms, s, "retryBaseMs", 1000, err)) < 0 ||
	    (rc = number_setting(&cfg->retry_max_ms, s, "retryMaxMs", 30000, err)) < 0)
		return rc;
	sv = setting(s, "stream", &from);
	cfg->stream = sv ? cJSON_IsTrue(sv) : 1;
	return 0;
}

/* Prices: the built-in table, then "prices" entries (workspace over global). */
static void read_prices(struct resolve *r, struct model_config *cfg)
{
	const cJSON *docs[2] = { r->s.global, r->s.ws };
	struct sw_buf name = SW_BUF_INIT;
	int d;

	sw_buf_addf(&name, "%s/%s", cfg->provider_name, cfg->model);
	model_price_lookup(name.ptr, &cfg->price_in, &cfg->price_out, &cfg->price_cache_read,
			   &cfg->price_cache_write);
	for (d = 0; d < 2; d++) {
		const cJSON *prices = cJSON_GetObjectItemCaseSensitive(docs[d], "prices");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(prices, name.ptr), *x;

		if (!p)
			p = cJSON_GetObjectItemCaseSensitive(prices, cfg->model);
		if (!cJSON_IsObject(p))
			continue;
		if (cJSON_IsNumber(x = cJSON_GetObjectItem(p, "input")))
			cfg->price_in = x->valuedouble;
		if (cJSON_IsNumber(x = cJSON_GetObjectItem(p, "output")))
			cfg->price_out = x->valuedouble;
		if (cJSON_IsNumber(x = cJSON_GetObjectItem(p, "cacheRead")))
			cfg->price_cache_read = x->valuedouble;
		if (cJSON_IsNumber(x = cJSON_GetObjectItem(p, "cacheWrite")))
			cfg->price_cache_write = x->valuedouble;
	}
	sw_buf_release(&name);
}

int model_config_resolve(struct model_config **out, const struct model_config_opts *o,
			 struct sw_error *err)
{
	struct resolve r = { o, NULL, { NULL, NULL, NULL, NULL }, NULL, NULL, SW_BUF_INIT, NULL };
	struct model_config *cfg = sw_xcalloc(1, sizeof(*cfg));
	int rc;

	*out = NULL;
	r.home = o->home ? o->home : getenv("HOME");
	if ((rc = load_settings(&r.s.global, &r.s.global_path, r.home, err)) < 0)
		goto out;
	/* The home folder's settings are the global ones. */
	if (!(o->root && r.home && !strcmp(o->root, r.home)) &&
	    (rc = load_settings(&r.s.ws, &r.s.ws_path, o->root, err)) < 0)
		goto out;
	if ((rc = choose_spec(&r, cfg, err)) < 0 || (rc = split_spec(&r, cfg, err)) < 0)
		goto out;
	if (!cfg->provider_name && (rc = provider_from_env(&r, cfg, err)) < 0)
		goto out;
	if (!strcmp(cfg->provider_name, "anthropic"))
		rc = resolve_anthropic(&r, cfg, err);
	else if (!strcmp(cfg->provider_name, "openai"))
		rc = resolve_openai(&r, cfg, err);
	else
		rc = resolve_bedrock(&r, cfg, err);
	if (rc < 0 || (rc = read_limits(&r, cfg, err)) < 0)
		goto out;
	read_prices(&r, cfg);
	if (r.asked_auto.len) {
		struct sw_buf note = SW_BUF_INIT;

		sw_buf_addf(&note, "%s: model 'auto' mapped to %s/%s (%s%s)", r.asked_auto.ptr,
			    cfg->provider_name, cfg->model, r.spec ? "from " : "",
			    r.spec ? cfg->source : "the provider's default model, chosen by the credentials set");
		cfg->note = sw_buf_detach(&note, NULL);
	}
	*out = cfg;
	cfg = NULL;
out:
	model_config_free(cfg);
	sw_buf_release(&r.asked_auto);
	cJSON_Delete(r.s.ws);
	cJSON_Delete(r.s.global);
	free(r.s.ws_path);
	free(r.s.global_path);
	return rc;
}

static void wipe_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void model_config_free(struct model_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->provider_name);
	free(cfg->model);
	free(cfg->base_url);
	wipe_free(cfg->api_key);
	free(cfg->region);
	wipe_free(cfg->aws_access_key);
	wipe_free(cfg->aws_secret_key);
	wipe_free(cfg->aws_session_token);
	free(cfg->source);
	free(cfg->note);
	free(cfg);
}

const char *model_config_name(struct model_config *cfg)
{
	static char name[512];

	snprintf(name, sizeof(name), "%s/%s", cfg->provider_name, cfg->model);
	return name;
}

/* ---------------------------------------------------------------- AWS files */

/* Scans an INI file for section @section; calls back per key. Returns 1 if the section exists. */
static int ini_section(const char *path, const char *section, struct model_config *cfg, int creds)
{
	struct sw_buf text = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *line, *save = NULL;
	int in = 0, found = 0;

	if (sw_read_file(&text, path, 1u << 20, &err) < 0)
		return 0;
	for (line = strtok_r(text.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *k = line, *eq, *val;
		size_t n;

		while (isspace((unsigned char)*k))
			k++;
		n = strlen(k);
		while (n && isspace((unsigned char)k[n - 1]))
			k[--n] = '\0';
		if (*k == '#' || *k == ';' || !*k)
			continue;
		if (*k == '[') {
			char *end = strchr(k, ']');

			if (end)
				*end = '\0';
			k++;
			while (isspace((unsigned char)*k))
				k++;
			in = !strcmp(k, section);
			found |= in;
			continue;
		}
		if (!in || !(eq = strchr(k, '=')))
			continue;
		*eq = '\0';
		val = eq + 1;
		n = strlen(k);
		while (n && isspace((unsigned char)k[n - 1]))
			k[--n] = '\0';
		while (isspace((unsigned char)*val))
			val++;
		if (creds && !strcmp(k, "aws_access_key_id")) {
			wipe_free(cfg->aws_access_key);
			cfg->aws_access_key = sw_xstrdup(val);
		} else if (creds && !strcmp(k, "aws_secret_access_key")) {
			wipe_free(cfg->aws_secret_key);
			cfg->aws_secret_key = sw_xstrdup(val);
		} else if (creds && !strcmp(k, "aws_session_token")) {
			wipe_free(cfg->aws_session_token);
			cfg->aws_session_token = sw_xstrdup(val);
		} else if (!strcmp(k, "region") && !cfg->region) {
			cfg->region = sw_xstrdup(val);
		}
	}
	memset(text.ptr, 0, text.len);
	sw_buf_release(&text);
	return found;
}

int model_aws_profile(struct model_config *cfg, const char *home, const char *profile,
		      struct sw_error *err)
{
	const char *cred_env = getenv("AWS_SHARED_CREDENTIALS_FILE"), *conf_env = getenv("AWS_CONFIG_FILE");
	char *cred = cred_env ? sw_xstrdup(cred_env) : home ? sw_path_join(home, ".aws/credentials") : NULL;
	char *conf = conf_env ? sw_xstrdup(conf_env) : home ? sw_path_join(home, ".aws/config") : NULL;
	struct sw_buf section = SW_BUF_INIT;
	int found = 0;

	if (cred)
		found |= ini_section(cred, profile, cfg, 1);
	/* ~/.aws/config names non-default profiles "profile NAME"; it may hold keys too. */
	if (strcmp(profile, "default"))
		sw_buf_addf(&section, "profile %s", profile);
	else
		sw_buf_adds(&section, "default");
	if (conf)
		found |= ini_section(conf, section.ptr, cfg, 1);
	free(cred);
	free(conf);
	sw_buf_release(&section);
	if (!found)
		return sw_error_set(err, SW_ENOTFOUND, "AWS profile '%s' not found in ~/.aws/credentials or ~/.aws/config",
				    profile);
	return 0;
}
