/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcpconfig.c - loading and merging MCP server configuration.
 *
 * Validation follows Kiro's documented schema: an entry needs "command"
 * (local) or "url" (remote, http:// or https://); list fields hold
 * strings; timeouts are non-negative numbers of milliseconds.  Unknown
 * fields are kept in the entry's JSON and reported as warnings.
 */
#include "base/compat.h"
#include "kiro/mcpconfig.h"
#include "base/fs.h"
#include "base/json.h"

#define MCP_FILE_MAX (4u << 20)

const char *kiro_mcp_origin_name(enum kiro_mcp_origin o)
{
	switch (o) {
	case KIRO_MCP_GLOBAL:
		return "global";
	case KIRO_MCP_WORKSPACE:
		return "workspace";
	case KIRO_MCP_AGENT:
	default:
		return "agent";
	}
}

static void server_free(struct kiro_mcp_server *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->file);
	free(s->command);
	sw_strvec_clear(&s->args);
	sw_strvec_clear(&s->env_names);
	sw_strvec_clear(&s->env_values);
	free(s->url);
	sw_strvec_clear(&s->header_names);
	sw_strvec_clear(&s->header_values);
	free(s->type);
	sw_strvec_clear(&s->auto_approve);
	sw_strvec_clear(&s->disabled_tools);
	cJSON_Delete(s->json);
	free(s->overrides);
	while (s->refs_nr)
		free(s->refs[--s->refs_nr].name);
	free(s->refs);
	free(s);
}

void kiro_mcp_release(struct kiro_mcp_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nr; i++)
		server_free(cfg->v[i]);
	free(cfg->v);
	cfg->v = NULL;
	cfg->nr = cfg->alloc = 0;
}

const struct kiro_mcp_server *kiro_mcp_find(const struct kiro_mcp_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nr; i++)
		if (!strcmp(cfg->v[i]->name, name))
			return cfg->v[i];
	return NULL;
}

static int cmp_server(const void *a, const void *b)
{
	return strcmp((*(struct kiro_mcp_server *const *)a)->name, (*(struct kiro_mcp_server *const *)b)->name);
}

/* Adds @s, replacing a same-named entry of equal or lower precedence; frees @s if outranked. */
static int merge(struct kiro_mcp_config *cfg, struct kiro_mcp_server *s)
{
	size_t i;

	for (i = 0; i < cfg->nr; i++) {
		struct kiro_mcp_server *old = cfg->v[i];

		if (strcmp(old->name, s->name))
			continue;
		if (s->origin < old->origin) {
			free(old->overrides);
			old->overrides = sw_xstrdup(s->file);
			old->overrides_origin = s->origin;
			server_free(s);
			return 0;
		}
		s->overrides = sw_xstrdup(old->file);
		s->overrides_origin = old->origin;
		server_free(old);
		cfg->v[i] = s;
		return 1;
	}
	SW_ALLOC_GROW(cfg->v, cfg->nr + 1, cfg->alloc);
	cfg->v[cfg->nr++] = s;
	SW_QSORT(cfg->v, cfg->nr, cmp_server);
	return 1;
}

static void strvec_copy(struct sw_strvec *dst, const struct sw_strvec *src)
{
	size_t i;

	for (i = 0; i < src->nr; i++)
		sw_strvec_push(dst, src->v[i]);
}

static char *dup_or_null(const char *s)
{
	return s ? sw_xstrdup(s) : NULL;
}

void kiro_mcp_merge_from(struct kiro_mcp_config *dst, const struct kiro_mcp_config *src)
{
	size_t i;

	for (i = 0; i < src->nr; i++) {
		const struct kiro_mcp_server *o = src->v[i];
		struct kiro_mcp_server *s = sw_xcalloc(1, sizeof(*s));
		struct sw_strvec init = SW_STRVEC_INIT;

		*s = *o;
		s->args = s->env_names = s->env_values = s->header_names = s->header_values = init;
		s->auto_approve = s->disabled_tools = init;
		s->name = sw_xstrdup(o->name);
		s->file = sw_xstrdup(o->file);
		s->command = dup_or_null(o->command);
		s->url = dup_or_null(o->url);
		s->type = dup_or_null(o->type);
		s->overrides = NULL;
		s->json = o->json ? cJSON_Duplicate(o->json, 1) : NULL;
		strvec_copy(&s->args, &o->args);
		strvec_copy(&s->env_names, &o->env_names);
		strvec_copy(&s->env_values, &o->env_values);
		strvec_copy(&s->header_names, &o->header_names);
		strvec_copy(&s->header_values, &o->header_values);
		strvec_copy(&s->auto_approve, &o->auto_approve);
		strvec_copy(&s->disabled_tools, &o->disabled_tools);
		s->refs = NULL;
		s->refs_nr = s->refs_alloc = 0;
		{
			size_t j;

			for (j = 0; j < o->refs_nr; j++) {
				SW_ALLOC_GROW(s->refs, s->refs_nr + 1, s->refs_alloc);
				s->refs[s->refs_nr] = o->refs[j];
				s->refs[s->refs_nr++].name = sw_xstrdup(o->refs[j].name);
			}
		}
		merge(dst, s);
	}
}

static void check_refs(const char *value, const char *jpath, const struct kiro_source *src,
		       struct sw_diags *d)
{
	const char *p = value;

	while ((p = strstr(p, "${"))) {
		const char *q = p + 2;

		while (*q && (*q == '_' || (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
			      (*q >= '0' && *q <= '9')))
			q++;
		if (*q != '}' || q == p + 2) {
			kiro_diag_at(d, src, SW_SEV_WARNING, "mcp-env-ref", jpath, 0,
				     "%s: '${' is not followed by a variable name and '}'; it will be kept "
				     "literally", jpath);
			return;
		}
		p = q + 1;
	}
}

/*
 * Records where each "${NAME}" of @value (the string at @jpath) is written.
 * The column is that of the "${" when the text before it needs no JSON
 * escape (so bytes and columns agree), else that of the string.
 */
static void record_refs(struct kiro_mcp_server *s, const char *value, const char *jpath,
			const struct kiro_source *src)
{
	const char *p = value, *q;
	int line = 0, col = 0;

	while ((p = strstr(p, "${")) && (q = strchr(p + 2, '}'))) {
		struct kiro_mcp_ref *r;
		const char *c;
		int plain = 1;

		if (!line)
			kiro_source_locate(src, jpath, 0, &line, &col);
		for (c = value; c < p; c++)
			plain &= *c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\';
		SW_ALLOC_GROW(s->refs, s->refs_nr + 1, s->refs_alloc);
		r = &s->refs[s->refs_nr++];
		r->name = sw_xstrndup(p + 2, (size_t)(q - p - 2));
		r->line = line;
		/* +1: past the opening quote (not there in YAML front matter) */
		r->col = plain && !src->fm ? col + 1 + (int)(p - value) : col;
		p = q + 1;
	}
}

/* record_refs() for every value of an entry that ${VAR} may appear in. */
static void record_entry_refs(struct kiro_mcp_server *s, const char *jpath, const struct kiro_source *src)
{
	char *p = NULL, *q = NULL;
	size_t i;

	if (s->command) {
		p = sw_json_path_key(jpath, "command");
		record_refs(s, s->command, p, src);
		free(p);
	}
	if (s->url) {
		p = sw_json_path_key(jpath, "url");
		record_refs(s, s->url, p, src);
		free(p);
	}
	p = sw_json_path_key(jpath, "args");
	for (i = 0; i < s->args.nr; i++) {
		q = sw_json_path_index(p, i);
		record_refs(s, s->args.v[i], q, src);
		free(q);
	}
	free(p);
	p = sw_json_path_key(jpath, "env");
	for (i = 0; i < s->env_names.nr; i++) {
		q = sw_json_path_key(p, s->env_names.v[i]);
		record_refs(s, s->env_values.v[i], q, src);
		free(q);
	}
	free(p);
	p = sw_json_path_key(jpath, "headers");
	for (i = 0; i < s->header_names.nr; i++) {
		q = sw_json_path_key(p, s->header_names.v[i]);
		record_refs(s, s->header_values.v[i], q, src);
		free(q);
	}
	free(p);
}

static int string_list(struct sw_strvec *out, const cJSON *obj, const char *key, const char *jpath,
		       const struct kiro_source *src, struct sw_diags *d)
{
	struct sw_error err = SW_ERROR_INIT;
	char *p = sw_json_path_key(jpath, key);
	int rc = sw_json_get_strings(out, obj, key, 0, jpath, &err);

	if (rc < 0)
		kiro_diag_err(d, src, "mcp-field", p, &err);
	free(p);
	return rc < 0 ? -1 : 0;
}

static int string_map(struct sw_strvec *names, struct sw_strvec *values, const cJSON *obj, const char *key,
		      const char *jpath, const struct kiro_source *src, struct sw_diags *d)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key), *it;
	char *p = sw_json_path_key(jpath, key);
	int rc = 0;

	if (!m)
		goto out;
	if (!cJSON_IsObject(m)) {
		kiro_diag_at(d, src, SW_SEV_ERROR, "mcp-field", p, 0, "%s: expected object, found %s", p,
			     sw_json_type_name(m));
		rc = -1;
		goto out;
	}
	cJSON_ArrayForEach(it, m) {
		char *ip = sw_json_path_key(p, it->string);

		if (!cJSON_IsString(it)) {
			kiro_diag_at(d, src, SW_SEV_ERROR, "mcp-field", ip, 0, "%s: expected string, found %s", ip,
				     sw_json_type_name(it));
			rc = -1;
		} else {
			sw_strvec_push(names, it->string);
			sw_strvec_push(values, it->valuestring);
			check_refs(it->valuestring, ip, src, d);
		}
		free(ip);
	}
out:
	free(p);
	return rc;
}

static int millis(long long *out, const cJSON *obj, const char *key, const char *jpath,
		  const struct kiro_source *src, struct sw_diags *d)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *p;

	if (!v)
		return 0;
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e12) {
		*out = (long long)v->valuedouble;
		return 0;
	}
	p = sw_json_path_key(jpath, key);
	kiro_diag_at(d, src, SW_SEV_ERROR, "mcp-field", p, 0,
		     "%s: expected a non-negative number of milliseconds, found %s", p, sw_json_type_name(v));
	free(p);
	return -1;
}

static const char *const entry_known[] = { "command", "args", "env", "url", "headers", "type", "disabled",
					   "autoApprove", "disabledTools", "timeout", "requestTimeout",
					   "oauth", "oauthScopes", NULL };

static struct kiro_mcp_server *parse_entry(const cJSON *e, const char *jpath, enum kiro_mcp_origin origin,
					   const struct kiro_source *src, struct sw_diags *d)
{
	struct sw_error err = SW_ERROR_INIT;
	struct kiro_mcp_server *s = sw_xcalloc(1, sizeof(*s));
	struct sw_strvec init = SW_STRVEC_INIT;
	const cJSON *it;
	const char *str = NULL;
	int disabled = 0, bad = 0;
	size_t i;

	s->args = s->env_names = s->env_values = s->header_names = s->header_values = init;
	s->auto_approve = s->disabled_tools = init;
	s->name = sw_xstrdup(e->string);
	s->origin = origin;
	s->file = sw_xstrdup(src->rel);
	s->timeout_ms = s->request_timeout_ms = KIRO_MCP_UNSET;
	kiro_source_locate(src, jpath, 1, &s->line, &s->col);
	if (!cJSON_IsObject(e)) {
		kiro_diag_at(d, src, SW_SEV_ERROR, "mcp-field", jpath, 0, "%s: expected object, found %s", jpath,
			     sw_json_type_name(e));
		goto bad;
	}
	s->json = cJSON_Duplicate(e, 1);
	cJSON_ArrayForEach(it, e) {
		const char *const *k;

		for (k = entry_known; *k && strcmp(*k, it->string); k++)
			;
		if (!*k) {
			char *p = sw_json_path_key(jpath, it->string);

			kiro_diag_at(d, src, SW_SEV_WARNING, "mcp-unknown-field", p, 1,
				     "unknown MCP server field '%s' (kept; Kiro ignores it)", it->string);
			free(p);
		}
	}
#define GETSTR(key, dst)                                                                  \
	do {                                                                              \
		str = NULL;                                                               \
		sw_error_clear(&err);                                                     \
		if (sw_json_get_string(&str, e, key, 0, jpath, &err) < 0) {               \
			char *p_ = sw_json_path_key(jpath, key);                          \
			kiro_diag_err(d, src, "mcp-field", p_, &err);                     \
			free(p_);                                                         \
			bad = 1;                                                          \
		} else if (str) {                                                         \
			dst = sw_xstrdup(str);                                            \
		}                                                                         \
	} while (0)
	GETSTR("command", s->command);
	GETSTR("url", s->url);
	GETSTR("type", s->type);
#undef GETSTR
	if (string_list(&s->args, e, "args", jpath, src, d) < 0)
		bad = 1;
	for (i = 0; i < s->args.nr; i++) {
		char *p = sw_json_path_key(jpath, "args"), *ap = sw_json_path_index(p, i);

		check_refs(s->args.v[i], ap, src, d);
		free(ap);
		free(p);
	}
	if (string_map(&s->env_names, &s->env_values, e, "env", jpath, src, d) < 0)
		bad = 1;
	if (string_map(&s->header_names, &s->header_values, e, "headers", jpath, src, d) < 0)
		bad = 1;
	if (string_list(&s->auto_approve, e, "autoApprove", jpath, src, d) < 0)
		bad = 1;
	if (string_list(&s->disabled_tools, e, "disabledTools", jpath, src, d) < 0)
		bad = 1;
	sw_error_clear(&err);
	if (sw_json_get_bool(&disabled, e, "disabled", 0, jpath, &err) < 0) {
		char *p = sw_json_path_key(jpath, "disabled");

		kiro_diag_err(d, src, "mcp-field", p, &err);
		free(p);
		bad = 1;
	}
	s->disabled = disabled;
	if (millis(&s->timeout_ms, e, "timeout", jpath, src, d) < 0 ||
	    millis(&s->request_timeout_ms, e, "requestTimeout", jpath, src, d) < 0)
		bad = 1;
	if (bad)
		goto bad;
	if (!s->command && !s->url) {
		struct sw_diag *dg = kiro_diag_at(d, src, SW_SEV_ERROR, "mcp-server", jpath, 1,
						  "MCP server '%s' has neither 'command' nor 'url'", s->name);

		sw_diag_set_hint(dg, "a local server needs \"command\" (and \"args\"); a remote one \"url\"");
		goto bad;
	}
	if (s->command && s->url) {
		char *p = sw_json_path_key(jpath, "url");

		kiro_diag_at(d, src, SW_SEV_WARNING, "mcp-server", p, 1,
			     "MCP server '%s' has both 'command' and 'url'; it runs as a local server", s->name);
		free(p);
	}
	if (s->url && !s->command && !sw_starts_with(s->url, "https://") && !sw_starts_with(s->url, "http://") &&
	    !sw_starts_with(s->url, "${")) {
		char *p = sw_json_path_key(jpath, "url");

		kiro_diag_at(d, src, SW_SEV_ERROR, "mcp-url", p, 0, "%s: expected an http:// or https:// URL, found '%s'",
			     p, s->url);
		free(p);
		goto bad;
	}
	if (s->url)
		check_refs(s->url, jpath, src, d);
	if (s->command && !*s->command) {
		char *p = sw_json_path_key(jpath, "command");

		kiro_diag_at(d, src, SW_SEV_ERROR, "mcp-server", p, 0, "%s: empty command", p);
		free(p);
		goto bad;
	}
	record_entry_refs(s, jpath, src);
	return s;
bad:
	server_free(s);
	return NULL;
}

int kiro_mcp_add_servers(struct kiro_mcp_config *cfg, const cJSON *servers, const char *jpath,
			 enum kiro_mcp_origin origin, const struct kiro_source *src, struct sw_diags *d)
{
	const cJSON *it;
	int n = 0;

	if (!servers)
		return 0;
	if (!cJSON_IsObject(servers)) {
		kiro_diag_at(d, src, SW_SEV_ERROR, "mcp-field", jpath, 0, "%s: expected object, found %s", jpath,
			     sw_json_type_name(servers));
		return 0;
	}
	cJSON_ArrayForEach(it, servers) {
		char *p = sw_json_path_key(jpath, it->string);
		struct kiro_mcp_server *s = parse_entry(it, p, origin, src, d);

		free(p);
		if (s && merge(cfg, s))
			n++;
	}
	return n;
}

int kiro_mcp_load_text(struct kiro_mcp_config *cfg, const char *text, size_t len, const char *rel,
		       enum kiro_mcp_origin origin, struct sw_diags *d)
{
	struct sw_error err = SW_ERROR_INIT;
	struct kiro_source src = { rel, text, len, NULL };
	cJSON *root = NULL;
	const cJSON *servers, *it;
	int n = -1;

	if (sw_json_parse(&root, text, len, &err) < 0) {
		sw_diag_add(d, SW_SEV_ERROR, "mcp-json", rel, err.line, err.col, "%s", err.msg);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		kiro_diag_at(d, &src, SW_SEV_ERROR, "mcp-json", "$", 0, "expected a JSON object, found %s",
			     sw_json_type_name(root));
		goto out;
	}
	cJSON_ArrayForEach(it, root) {
		if (!strcmp(it->string, "mcpServers"))
			continue;
		{
			char *p = sw_json_path_key("$", it->string);

			kiro_diag_at(d, &src, SW_SEV_WARNING, "mcp-unknown-field", p, 1,
				     "unknown top-level field '%s' (kept; Kiro ignores it)", it->string);
			free(p);
		}
	}
	servers = cJSON_GetObjectItemCaseSensitive(root, "mcpServers");
	if (!servers) {
		struct sw_diag *dg = kiro_diag_at(d, &src, SW_SEV_ERROR, "mcp-json", "$", 0,
						  "missing 'mcpServers'");

		sw_diag_set_hint(dg, "an empty configuration is {\"mcpServers\": {}}");
		goto out;
	}
	n = kiro_mcp_add_servers(cfg, servers, "$.mcpServers", origin, &src, d);
out:
	cJSON_Delete(root);
	return n;
}

static int load_file(struct kiro_mcp_config *cfg, const char *path, const char *rel, enum kiro_mcp_origin o,
		     struct sw_diags *d, struct sw_error *err)
{
	struct sw_buf text = SW_BUF_INIT;
	int rc = sw_read_file(&text, path, MCP_FILE_MAX, err);

	if (rc == SW_ENOTFOUND) {
		sw_error_clear(err);
		rc = 0;
	} else if (rc == SW_ETOOBIG) {
		sw_diag_add(d, SW_SEV_ERROR, "mcp-json", rel, 0, 0, "%s", err->msg);
		sw_error_clear(err);
		rc = 0;
	} else if (rc == 0) {
		kiro_mcp_load_text(cfg, text.ptr, text.len, rel, o, d);
	}
	sw_buf_release(&text);
	return rc;
}

int kiro_mcp_load(struct kiro_mcp_config *cfg, const char *root, const char *global_dir, struct sw_diags *d,
		  struct sw_error *err)
{
	int rc = 0;

	if (global_dir) {
		char *path = sw_path_join(global_dir, "settings/mcp.json");

		rc = load_file(cfg, path, "~/.kiro/settings/mcp.json", KIRO_MCP_GLOBAL, d, err);
		free(path);
		if (rc < 0)
			return rc;
	}
	if (root) {
		char *path = sw_path_join(root, ".kiro/settings/mcp.json");

		rc = load_file(cfg, path, ".kiro/settings/mcp.json", KIRO_MCP_WORKSPACE, d, err);
		free(path);
	}
	return rc;
}

static const char *env_lookup(const char *name, void *ctx)
{
	SW_UNUSED(ctx);
	return getenv(name);
}

int kiro_mcp_expand(char **out, const char *s, kiro_env_fn lookup, void *ctx, struct sw_error *err)
{
	struct sw_buf b = SW_BUF_INIT;
	const char *p = s;

	*out = NULL;
	if (!lookup)
		lookup = env_lookup;
	while (*p) {
		const char *q, *v;
		char *name;

		if (p[0] != '$' || p[1] != '{') {
			sw_buf_addch(&b, *p++);
			continue;
		}
		q = strchr(p + 2, '}');
		if (!q) {
			sw_buf_release(&b);
			return sw_error_set(err, SW_EINVAL, "unterminated '${' in '%.40s'", p);
		}
		name = sw_xstrndup(p + 2, (size_t)(q - p - 2));
		v = lookup(name, ctx);
		if (!v) {
			sw_error_set(err, SW_ENOTFOUND, "environment variable '%s' is not set", name);
			free(name);
			sw_buf_release(&b);
			return SW_ENOTFOUND;
		}
		free(name);
		sw_buf_adds(&b, v);
		p = q + 1;
	}
	*out = sw_buf_detach(&b, NULL);
	return 0;
}

void kiro_mcp_resolved_release(struct kiro_mcp_resolved *r)
{
	if (!r)
		return;
	sw_strvec_clear(&r->argv);
	sw_strvec_clear(&r->env);
	free(r->url);
	r->url = NULL;
	sw_strvec_clear(&r->headers);
}

/* Remembers the first variable that was not set, to locate the error at its reference. */
struct unset_lookup {
	kiro_env_fn lookup;
	void *ctx;
	char name[128];
};

static const char *lookup_noting_unset(const char *name, void *ctx)
{
	struct unset_lookup *u = ctx;
	const char *v = u->lookup(name, u->ctx);

	if (!v && !u->name[0])
		snprintf(u->name, sizeof(u->name), "%s", name);
	return v;
}

int kiro_mcp_resolve(struct kiro_mcp_resolved *out, const struct kiro_mcp_server *s, kiro_env_fn lookup,
		     void *lookup_ctx, struct sw_error *err)
{
	struct unset_lookup u = { lookup ? lookup : env_lookup, lookup_ctx, "" };
	kiro_env_fn lk = lookup_noting_unset;
	void *ctx = &u;
	char *v = NULL;
	size_t i;
	int rc = 0;

	if (s->command) {
		if ((rc = kiro_mcp_expand(&v, s->command, lk, ctx, err)) < 0)
			goto out;
		sw_strvec_push_take(&out->argv, v);
		for (i = 0; i < s->args.nr; i++) {
			if ((rc = kiro_mcp_expand(&v, s->args.v[i], lk, ctx, err)) < 0)
				goto out;
			sw_strvec_push_take(&out->argv, v);
		}
		for (i = 0; i < s->env_names.nr; i++) {
			if ((rc = kiro_mcp_expand(&v, s->env_values.v[i], lk, ctx, err)) < 0)
				goto out;
			sw_strvec_pushf(&out->env, "%s=%s", s->env_names.v[i], v);
			free(v);
		}
	} else {
		if ((rc = kiro_mcp_expand(&out->url, s->url, lk, ctx, err)) < 0)
			goto out;
		for (i = 0; i < s->header_names.nr; i++) {
			if ((rc = kiro_mcp_expand(&v, s->header_values.v[i], lk, ctx, err)) < 0)
				goto out;
			sw_strvec_pushf(&out->headers, "%s: %s", s->header_names.v[i], v);
			free(v);
		}
	}
out:
	if (rc < 0) {
		int line = s->line, col = s->col;

		for (i = 0; rc == SW_ENOTFOUND && i < s->refs_nr; i++) {
			if (!strcmp(s->refs[i].name, u.name)) {
				line = s->refs[i].line;
				col = s->refs[i].col;
				break;
			}
		}
		sw_error_prefix(err, "MCP server '%s'", s->name);
		sw_error_at(err, s->file, line, col);
		kiro_mcp_resolved_release(out);
	}
	return rc;
}
