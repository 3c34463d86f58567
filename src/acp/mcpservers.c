/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcpservers.c - ACP's mcpServers into mcp/client specs (contract in
 * mcpservers.h).  Parsing builds into a scratch list and moves it into the
 * caller's only when every entry passed, so an error leaves nothing
 * half-added.
 */
#include "base/compat.h"
#include "acp/mcpservers.h"

static void server_release(struct acp_mcp_server *s)
{
	free(s->name);
	sw_strvec_clear(&s->argv);
	sw_strvec_clear(&s->env);
	free(s->url);
	sw_strvec_clear(&s->headers);
}

void acp_mcp_list_release(struct acp_mcp_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		server_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->nr = l->alloc = 0;
}

const struct acp_mcp_server *acp_mcp_list_find(const struct acp_mcp_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			return 1;
	return 0;
}

/*
 * Reads the [{name, value}] array at @key of entry @i into @out as
 * "name=value" (env) or "name: value" (headers).
 */
static int pairs(struct sw_strvec *out, const cJSON *entry, int i, const char *key, int headers,
		 struct sw_error *err)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(entry, key), *p;
	int j = 0;

	if (!arr || cJSON_IsNull(arr))
		return 0;
	if (!cJSON_IsArray(arr))
		return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].%s: expected an array of {name, value}, found %s",
				    i, key, cJSON_IsObject(arr) ? "an object" : "another type");
	cJSON_ArrayForEach(p, arr) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
		const cJSON *value = cJSON_GetObjectItemCaseSensitive(p, "value");

		if (!cJSON_IsObject(p))
			return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].%s[%d]: expected an object {name, value}",
					    i, key, j);
		if (!cJSON_IsString(name) || !name->valuestring[0])
			return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].%s[%d].name: expected a non-empty string",
					    i, key, j);
		if (!cJSON_IsString(value))
			return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].%s[%d].value: expected a string", i, key,
					    j);
		if (strchr(name->valuestring, headers ? ':' : '=') || has_ctl(name->valuestring) ||
		    (headers && strpbrk(name->valuestring, " \t")))
			return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].%s[%d].name: '%s' is not a valid %s name",
					    i, key, j, name->valuestring, headers ? "header" : "variable");
		if (headers && has_ctl(value->valuestring))
			return sw_error_set(err, SW_EINVAL,
					    "$.mcpServers[%d].%s[%d].value: a header value cannot hold a line break", i, key,
					    j);
		if (headers)
			sw_strvec_pushf(out, "%s: %s", name->valuestring, value->valuestring);
		else
			sw_strvec_pushf(out, "%s=%s", name->valuestring, value->valuestring);
		j++;
	}
	return 0;
}

static int parse_one(struct acp_mcp_server *s, const cJSON *e, int i, struct sw_error *err)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
	const char *t = cJSON_IsString(type) ? type->valuestring : NULL;

	if (!cJSON_IsObject(e))
		return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d]: expected an object (an MCP server)", i);
	if (!cJSON_IsString(name) || !name->valuestring[0])
		return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].name: expected a non-empty string", i);
	if (strchr(name->valuestring, '/') || has_ctl(name->valuestring))
		return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].name: '%s' cannot hold '/' or a line break", i,
				    name->valuestring);
	if (type && !cJSON_IsString(type))
		return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].type: expected \"http\" (or none for stdio)", i);
	s->name = sw_xstrdup(name->valuestring);
	if (t && !strcmp(t, "sse"))
		return sw_error_set(err, SW_EINVAL,
				    "$.mcpServers[%d].type: \"sse\" is not supported (this agent offers "
				    "mcpCapabilities.http only): use \"http\"", i);
	if (t && !strcmp(t, "http")) {
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(e, "url");

		if (!cJSON_IsString(url) ||
		    (strncmp(url->valuestring, "http://", 7) && strncmp(url->valuestring, "https://", 8)))
			return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].url: expected an http:// or https:// URL",
					    i);
		s->url = sw_xstrdup(url->valuestring);
		return pairs(&s->headers, e, i, "headers", 1, err);
	}
	if (t && strcmp(t, "stdio"))
		return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].type: expected \"http\" (or none for stdio), "
				    "found \"%s\"", i, t);
	{
		const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(e, "command");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args"), *a;
		const cJSON *list = cJSON_IsArray(args) ? args : NULL;
		int j = 0;

		if (!cJSON_IsString(cmd) || !cmd->valuestring[0])
			return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].command: expected a non-empty string", i);
		sw_strvec_push(&s->argv, cmd->valuestring);
		if (args && !cJSON_IsNull(args) && !cJSON_IsArray(args))
			return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].args: expected an array of strings", i);
		cJSON_ArrayForEach(a, list) {
			if (!cJSON_IsString(a))
				return sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].args[%d]: expected a string", i, j);
			sw_strvec_push(&s->argv, a->valuestring);
			j++;
		}
		return pairs(&s->env, e, i, "env", 0, err);
	}
}

int acp_mcp_servers_parse(struct acp_mcp_list *out, const cJSON *servers, struct sw_error *err)
{
	struct acp_mcp_list l = ACP_MCP_LIST_INIT;
	const cJSON *e;
	size_t k;
	int i = 0, rc = 0;

	if (!servers || cJSON_IsNull(servers))
		return 0;
	if (!cJSON_IsArray(servers))
		return sw_error_set(err, SW_EINVAL, "$.mcpServers: expected an array of MCP servers");
	cJSON_ArrayForEach(e, servers) {
		struct acp_mcp_server s = { NULL, SW_STRVEC_INIT, SW_STRVEC_INIT, NULL, SW_STRVEC_INIT };

		if ((rc = parse_one(&s, e, i, err)) < 0) {
			server_release(&s);
			goto out;
		}
		if (acp_mcp_list_find(&l, s.name) || acp_mcp_list_find(out, s.name)) {
			rc = sw_error_set(err, SW_EINVAL, "$.mcpServers[%d].name: '%s' is given twice", i, s.name);
			server_release(&s);
			goto out;
		}
		SW_ALLOC_GROW(l.v, l.nr + 1, l.alloc);
		l.v[l.nr++] = s;
		i++;
	}
	for (k = 0; k < l.nr; k++) {
		SW_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		out->v[out->nr++] = l.v[k];
	}
	l.nr = 0;
out:
	acp_mcp_list_release(&l);
	return rc;
}

void acp_mcp_server_spec(struct mcp_server_spec *spec, const struct acp_mcp_server *s, const char *cwd)
{
	struct mcp_server_spec init = MCP_SERVER_SPEC_INIT;

	*spec = init;
	spec->name = s->name;
	if (s->url) {
		spec->url = s->url;
		spec->headers = (const char *const *)s->headers.v;
	} else {
		spec->argv = (const char *const *)s->argv.v;
		spec->env = (const char *const *)s->env.v;
		spec->cwd = cwd;
	}
}
