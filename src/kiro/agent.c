/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent.c - loading and validating custom agent configurations.
 *
 * Severity follows what Kiro does with the value: what makes Kiro refuse
 * the agent or lose part of it is an error (a bare "*" in allowedTools,
 * an unknown key under "hooks", which kiro-cli >= 2.4.2 rejects by
 * falling back to the default agent, a prompt file that does not exist,
 * a value of the wrong type); what Kiro ignores is a warning (unknown
 * fields, a matcher on a hook that takes none, a deprecated name).
 */
#include "base/compat.h"
#include "base/contain.h"
#include "kiro/agent.h"
#include "base/fs.h"
#include "base/glob.h"
#include "base/json.h"
#include "kiro/frontmatter.h"
#include "kiro/source.h"
#include "kiro/workspace.h"

#include <ctype.h>
#include <limits.h>

#define AGENT_FILE_MAX (4u << 20)
#define PROMPT_FILE_MAX (4u << 20)

static const char *const hook_names[KIRO_AGENT_HOOK_TRIGGER_COUNT] = {
	"agentSpawn", "userPromptSubmit", "preToolUse", "postToolUse", "stop",
};

const char *kiro_agent_hook_trigger_name(enum kiro_agent_hook_trigger t)
{
	return (unsigned)t < KIRO_AGENT_HOOK_TRIGGER_COUNT ? hook_names[t] : "unknown";
}

void kiro_agent_free(struct kiro_agent *a)
{
	size_t i;

	if (!a)
		return;
	free(a->name);
	free(a->path);
	free(a->rel);
	free(a->description);
	free(a->prompt_raw);
	free(a->prompt);
	free(a->prompt_file);
	sw_strvec_clear(&a->tools);
	sw_strvec_clear(&a->allowed_tools);
	sw_strvec_clear(&a->excluded_tools);
	kiro_mcp_release(&a->mcp);
	for (i = 0; i < a->resources_nr; i++) {
		free(a->resources[i].uri);
		free(a->resources[i].path);
		free(a->resources[i].name);
		free(a->resources[i].description);
	}
	free(a->resources);
	for (i = 0; i < a->hooks_nr; i++) {
		free(a->hooks[i].command);
		free(a->hooks[i].matcher);
	}
	free(a->hooks);
	free(a->model);
	free(a->keyboard_shortcut);
	free(a->welcome_message);
	cJSON_Delete(a->json);
	free(a->overrides);
	free(a);
}

void kiro_agents_release(struct kiro_agents *agents)
{
	size_t i;

	if (!agents)
		return;
	for (i = 0; i < agents->nr; i++)
		kiro_agent_free(agents->v[i]);
	free(agents->v);
	agents->v = NULL;
	agents->nr = agents->alloc = 0;
}

const struct kiro_agent *kiro_agents_find(const struct kiro_agents *agents, const char *name)
{
	size_t i;

	for (i = 0; i < agents->nr; i++)
		if (!strcmp(agents->v[i]->name, name))
			return agents->v[i];
	return NULL;
}

char *kiro_agent_to_json(const struct kiro_agent *a)
{
	struct sw_buf b = SW_BUF_INIT;

	sw_json_print(&b, a->json, 1);
	sw_buf_addch(&b, '\n');
	return sw_buf_detach(&b, NULL);
}

struct ctx {
	struct kiro_agent *a;
	const struct kiro_source *src;
	struct sw_diags *d;
	const char *dir;  /* folder of the agent file */
	const char *root; /* workspace root, may be NULL */
};

static void field_error(struct ctx *c, const char *jpath, const struct sw_error *err)
{
	kiro_diag_err(c->d, c->src, "agent-field", jpath, err);
}

static void get_str(struct ctx *c, char **out, const char *key)
{
	struct sw_error err = SW_ERROR_INIT;
	const char *s = NULL;

	if (sw_json_get_string(&s, c->a->json, key, 0, "$", &err) < 0) {
		char *p = sw_json_path_key("$", key);

		field_error(c, p, &err);
		free(p);
	} else if (s) {
		*out = sw_xstrdup(s);
	}
}

static void get_strs(struct ctx *c, struct sw_strvec *out, const cJSON *obj, const char *key, const char *jpath)
{
	struct sw_error err = SW_ERROR_INIT;

	if (sw_json_get_strings(out, obj, key, 0, jpath, &err) < 0) {
		char *p = sw_json_path_key(jpath, key);

		field_error(c, p, &err);
		free(p);
	}
}

static const cJSON *get_obj(struct ctx *c, const char *key)
{
	struct sw_error err = SW_ERROR_INIT;
	const cJSON *o = NULL;

	if (sw_json_get_object(&o, c->a->json, key, 0, "$", &err) < 0) {
		char *p = sw_json_path_key("$", key);

		field_error(c, p, &err);
		free(p);
		return NULL;
	}
	return o;
}

static int get_nonneg(struct ctx *c, long long *out, const cJSON *obj, const char *key, const char *jpath)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *p;

	if (!v)
		return 0;
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15) {
		*out = (long long)v->valuedouble;
		return 0;
	}
	p = sw_json_path_key(jpath, key);
	kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-field", p, 0, "%s: expected a non-negative number, found %s",
		     p, sw_json_type_name(v));
	free(p);
	return -1;
}

static void unknown_fields(struct ctx *c, const cJSON *obj, const char *jpath, const char *const *known,
			   const char *what)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj) {
		const char *const *k;
		char *p;

		for (k = known; *k && strcmp(*k, it->string); k++)
			;
		if (*k)
			continue;
		p = sw_json_path_key(jpath, it->string);
		kiro_diag_at(c->d, c->src, SW_SEV_WARNING, "agent-unknown-field", p, 1,
			     "unknown %s field '%s' (kept; Kiro ignores it)", what, it->string);
		free(p);
	}
}

/*
 * Reads prompt file @path (named @rest in the agent).  A relative name in a
 * workspace agent must resolve inside the workspace (a link out of it is
 * refused, SW_EINVAL); an absolute one names an outside file on purpose.
 */
static int read_prompt(struct sw_buf *text, const struct ctx *c, const char *rest, const char *path,
		       struct sw_error *err)
{
	struct sw_inside in = SW_INSIDE_INIT;
	int rc;

	/* a global agent's files live beside it, under ~/.kiro */
	if (rest[0] == '/' || !c->root || c->a->global)
		return sw_read_file(text, path, PROMPT_FILE_MAX, err);
	if ((rc = sw_inside_init(&in, c->root, "the workspace", err)) == 0)
		rc = sw_inside_read(text, &in, path, PROMPT_FILE_MAX, err);
	sw_inside_release(&in);
	return rc;
}

/* Resolves and reads the prompt named by @v ("file://..." / "file:..."), or keeps it inline. */
static void load_prompt(struct ctx *c, const char *v, const char *jpath)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf text = SW_BUF_INIT;
	const char *rest;
	char *path = NULL;

	if (sw_skip_prefix(v, "file://", &rest)) {
		path = rest[0] == '/' ? sw_xstrdup(rest) : sw_path_join(c->dir, rest);
	} else if (sw_skip_prefix(v, "file:", &rest) && *rest && !strchr(rest, '\n')) {
		path = rest[0] == '/' ? sw_xstrdup(rest) : sw_path_join(c->dir, rest);
		if (!sw_is_file(path) && c->root && rest[0] != '/') {
			free(path);
			path = sw_path_join(c->root, rest);
		}
	} else {
		c->a->prompt = sw_xstrdup(v);
		return;
	}
	if (read_prompt(&text, c, rest, path, &err) < 0) {
		struct sw_diag *dg;

		if (err.code == SW_EINVAL) {
			kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-prompt", jpath, 0, "prompt file '%s': %s", rest,
				     err.msg);
			free(path);
			sw_buf_release(&text);
			return;
		}
		dg = kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-prompt", jpath, 0,
			"prompt file '%s' %s", rest, err.code == SW_ENOTFOUND ? "does not exist" : "cannot be read");
		if (err.code == SW_ENOTFOUND)
			sw_diag_set_hint(dg, "'file://' paths are relative to the agent file's folder");
		free(path);
	} else {
		char real[PATH_MAX];

		c->a->prompt = sw_buf_detach(&text, NULL);
		c->a->prompt_file = realpath(path, real) ? sw_xstrdup(real) : sw_xstrdup(path);
		free(path);
	}
	sw_buf_release(&text);
}

static void check_allowed_tools(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->a->allowed_tools.nr; i++) {
		if (!strcmp(c->a->allowed_tools.v[i], "*")) {
			char *p = sw_json_path_index("$.allowedTools", i);
			struct sw_diag *dg = kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-allowed-tools", p, 0,
							  "%s: a bare '*' is not allowed in allowedTools", p);

			sw_diag_set_hint(dg, "name the trusted tools (\"read\", \"@server\", \"@server/read_*\", "
				"\"@builtin\") instead");
			free(p);
		}
	}
}

static const char *const kb_known[] = { "type", "source", "name", "description", "indexType", "autoUpdate", NULL };

/*
 * Warns when the file:// resource @path (at @jpath) names nothing: a plain
 * path that does not exist, or a glob whose folder before the first
 * wildcard does not exist (the files under it are not walked).  Paths resolve as the agent loop resolves them: "~/" from
 * $HOME, absolute as is, anything else from the workspace root (unknown
 * without a workspace, so not checked then).  Kiro starts such an agent
 * without the file, so this is a warning, not an error.
 */
static void check_resource_exists(struct ctx *c, const char *jpath, const char *path)
{
	const char *home = getenv("HOME");
	char *full = NULL, *slash;
	int found;

	if (!strncmp(path, "~/", 2))
		full = home ? sw_path_join(home, path + 2) : NULL;
	else if (path[0] == '/')
		full = sw_xstrdup(path);
	else if (c->root)
		full = sw_path_join(c->root, path);
	if (!full)
		return;
	if (!sw_glob_has_magic(full)) {
		found = sw_path_exists(full);
	} else {
		while ((slash = strrchr(full, '/')) && sw_glob_has_magic(full))
			*slash = '\0';
		found = !*full || sw_is_dir(full);
	}
	if (!found) {
		struct sw_diag *dg = kiro_diag_at(c->d, c->src, SW_SEV_WARNING, "agent-resource-missing", jpath,
						  0, "%s: resource 'file://%s' matches no file", jpath, path);

		sw_diag_set_hint(dg, "paths resolve from the workspace root (or '~/', or absolute)");
	}
	free(full);
}

static void parse_resources(struct ctx *c)
{
	struct sw_error err = SW_ERROR_INIT;
	const cJSON *arr = NULL, *it;
	size_t i = 0;

	if (sw_json_get_array(&arr, c->a->json, "resources", 0, "$", &err) < 0) {
		field_error(c, "$.resources", &err);
		return;
	}
	cJSON_ArrayForEach(it, arr) {
		char *p = sw_json_path_index("$.resources", i++);
		struct kiro_agent_resource r;
		const char *rest;

		memset(&r, 0, sizeof(r));
		r.index_best = 1;
		kiro_source_locate(c->src, p, 0, &r.line, &r.col);
		if (cJSON_IsString(it)) {
			if (sw_skip_prefix(it->valuestring, "file://", &rest)) {
				r.kind = KIRO_RESOURCE_FILE;
				check_resource_exists(c, p, rest);
			} else if (sw_skip_prefix(it->valuestring, "skill://", &rest)) {
				r.kind = KIRO_RESOURCE_SKILL;
			} else {
				struct sw_diag *dg = kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-resource", p, 0,
					"%s: resource '%s' must start with 'file://' or 'skill://'", p, it->valuestring);

				sw_diag_set_hint(dg, "write \"file://%s\"", it->valuestring);
				free(p);
				continue;
			}
			r.uri = sw_xstrdup(it->valuestring);
			r.path = sw_xstrdup(rest);
		} else if (cJSON_IsObject(it)) {
			const char *type = NULL, *source = NULL, *name = NULL, *desc = NULL, *itype = NULL;
			int au = 0, bad = 0;

			unknown_fields(c, it, p, kb_known, "knowledge base");
			sw_error_clear(&err);
			if (sw_json_get_string(&type, it, "type", 1, p, &err) < 0 ||
			    sw_json_get_string(&source, it, "source", 1, p, &err) < 0 ||
			    sw_json_get_string(&name, it, "name", 1, p, &err) < 0 ||
			    sw_json_get_string(&desc, it, "description", 0, p, &err) < 0 ||
			    sw_json_get_string(&itype, it, "indexType", 0, p, &err) < 0 ||
			    sw_json_get_bool(&au, it, "autoUpdate", 0, p, &err) < 0) {
				field_error(c, p, &err);
				free(p);
				continue;
			}
			if (strcmp(type, "knowledgeBase")) {
				char *tp = sw_json_path_key(p, "type");

				kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-resource", tp, 0,
					     "%s: unknown resource type '%s' (expected 'knowledgeBase')", tp, type);
				free(tp);
				bad = 1;
			}
			if (itype && strcmp(itype, "best") && strcmp(itype, "fast")) {
				char *tp = sw_json_path_key(p, "indexType");

				kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-resource", tp, 0,
					     "%s: expected 'best' or 'fast', found '%s'", tp, itype);
				free(tp);
				bad = 1;
			}
			if (!sw_starts_with(source, "file://")) {
				char *tp = sw_json_path_key(p, "source");

				kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-resource", tp, 0,
					     "%s: knowledge base source must be a 'file://' path, found '%s'", tp, source);
				free(tp);
				bad = 1;
			}
			if (bad) {
				free(p);
				continue;
			}
			r.kind = KIRO_RESOURCE_KNOWLEDGE_BASE;
			r.uri = sw_xstrdup(source);
			r.path = sw_xstrdup(source + strlen("file://"));
			r.name = sw_xstrdup(name);
			r.description = desc ? sw_xstrdup(desc) : NULL;
			r.index_best = !itype || !strcmp(itype, "best");
			r.auto_update = au;
		} else {
			kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-resource", p, 0,
				     "%s: expected a 'file://' or 'skill://' string or a knowledgeBase object, found %s",
				     p, sw_json_type_name(it));
			free(p);
			continue;
		}
		SW_ALLOC_GROW(c->a->resources, c->a->resources_nr + 1, c->a->resources_alloc);
		c->a->resources[c->a->resources_nr++] = r;
		free(p);
	}
}

static const char *const hook_known[] = { "command", "matcher", "timeout_ms", "max_output_size",
					  "cache_ttl_seconds", NULL };

static void parse_hooks(struct ctx *c)
{
	const cJSON *hooks = get_obj(c, "hooks"), *list;

	if (!hooks)
		return;
	cJSON_ArrayForEach(list, hooks) {
		char *lp = sw_json_path_key("$.hooks", list->string);
		const cJSON *it;
		size_t i = 0;
		int t;

		for (t = 0; t < KIRO_AGENT_HOOK_TRIGGER_COUNT && strcmp(hook_names[t], list->string); t++)
			;
		if (t == KIRO_AGENT_HOOK_TRIGGER_COUNT) {
			struct sw_diag *dg = kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-hook", lp, 1,
				"unknown hook trigger '%s'; Kiro rejects the agent", list->string);

			sw_diag_set_hint(dg, "expected agentSpawn, userPromptSubmit, preToolUse, postToolUse or stop");
			free(lp);
			continue;
		}
		if (!cJSON_IsArray(list)) {
			kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-hook", lp, 0,
				     "%s: expected array of hooks, found %s", lp, sw_json_type_name(list));
			free(lp);
			continue;
		}
		cJSON_ArrayForEach(it, list) {
			struct sw_error err = SW_ERROR_INIT;
			char *p = sw_json_path_index(lp, i++);
			struct kiro_agent_hook h;
			const char *cmd = NULL, *matcher = NULL;

			memset(&h, 0, sizeof(h));
			h.trigger = (enum kiro_agent_hook_trigger)t;
			h.timeout_ms = KIRO_AGENT_HOOK_TIMEOUT_MS;
			h.max_output_size = KIRO_AGENT_HOOK_MAX_OUTPUT;
			kiro_source_locate(c->src, p, 0, &h.line, &h.col);
			if (!cJSON_IsObject(it)) {
				kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-hook", p, 0, "%s: expected object, found %s",
					     p, sw_json_type_name(it));
				free(p);
				continue;
			}
			unknown_fields(c, it, p, hook_known, "hook");
			if (sw_json_get_string(&cmd, it, "command", 1, p, &err) < 0 ||
			    sw_json_get_string(&matcher, it, "matcher", 0, p, &err) < 0) {
				kiro_diag_err(c->d, c->src, "agent-hook", p, &err);
				free(p);
				continue;
			}
			if (get_nonneg(c, &h.timeout_ms, it, "timeout_ms", p) < 0 ||
			    get_nonneg(c, &h.max_output_size, it, "max_output_size", p) < 0 ||
			    get_nonneg(c, &h.cache_ttl_seconds, it, "cache_ttl_seconds", p) < 0) {
				free(p);
				continue;
			}
			if (matcher && t != KIRO_AGENT_PRE_TOOL_USE && t != KIRO_AGENT_POST_TOOL_USE) {
				char *mp = sw_json_path_key(p, "matcher");

				kiro_diag_at(c->d, c->src, SW_SEV_WARNING, "agent-hook", mp, 1,
					     "'matcher' is ignored for '%s' hooks", hook_names[t]);
				free(mp);
			}
			h.command = sw_xstrdup(cmd);
			h.matcher = matcher ? sw_xstrdup(matcher) : NULL;
			SW_ALLOC_GROW(c->a->hooks, c->a->hooks_nr + 1, c->a->hooks_alloc);
			c->a->hooks[c->a->hooks_nr++] = h;
			free(p);
		}
		free(lp);
	}
}

static int valid_shortcut(const char *s)
{
	sw_skip_prefix(s, "ctrl+", &s);
	sw_skip_prefix(s, "shift+", &s);
	return s[0] && !s[1] && (islower((unsigned char)s[0]) || isdigit((unsigned char)s[0]));
}

static const char *const agent_known[] = {
	"$schema", "name", "description", "prompt", "mcpServers", "tools", "toolAliases", "allowedTools",
	"toolsSettings", "resources", "hooks", "includeMcpJson", "useLegacyMcpJson", "model",
	"keyboardShortcut", "welcomeMessage", "permissions", "excludedTools", "includePowers", "systemPrompt",
	NULL,
};

static void parse_config(struct ctx *c, const char *md_body)
{
	struct sw_error err = SW_ERROR_INIT;
	struct kiro_agent *a = c->a;
	const cJSON *v;
	int b;

	unknown_fields(c, a->json, "$", agent_known, "agent");
	get_str(c, &a->description, "description");
	{
		char *name = NULL;

		get_str(c, &name, "name");
		if (name && *name) {
			free(a->name);
			a->name = name;
		} else {
			free(name);
		}
	}
	get_str(c, &a->prompt_raw, "prompt");
	v = cJSON_GetObjectItemCaseSensitive(a->json, "systemPrompt");
	if (v) {
		kiro_diag_at(c->d, c->src, SW_SEV_WARNING, "agent-deprecated", "$.systemPrompt", 1,
			     "'systemPrompt' is deprecated; use 'prompt'");
		if (!a->prompt_raw && cJSON_IsString(v))
			a->prompt_raw = sw_xstrdup(v->valuestring);
	}
	if (md_body && *md_body) {
		a->prompt = sw_xstrdup(md_body);
		if (a->prompt_raw)
			kiro_diag_at(c->d, c->src, SW_SEV_WARNING, "agent-prompt", "$.prompt", 1,
				     "'prompt' in the front matter is ignored: the Markdown body is the prompt");
	} else if (a->prompt_raw) {
		load_prompt(c, a->prompt_raw, cJSON_GetObjectItemCaseSensitive(a->json, "prompt") ? "$.prompt"
												   : "$.systemPrompt");
	}
	get_strs(c, &a->tools, a->json, "tools", "$");
	get_strs(c, &a->allowed_tools, a->json, "allowedTools", "$");
	check_allowed_tools(c);
	get_strs(c, &a->excluded_tools, a->json, "excludedTools", "$");
	a->tool_aliases = get_obj(c, "toolAliases");
	if (a->tool_aliases) {
		const cJSON *it;

		cJSON_ArrayForEach(it, a->tool_aliases) {
			if (!cJSON_IsString(it)) {
				char *p = sw_json_path_key("$.toolAliases", it->string);

				kiro_diag_at(c->d, c->src, SW_SEV_ERROR, "agent-field", p, 0,
					     "%s: expected string, found %s", p, sw_json_type_name(it));
				free(p);
			}
		}
	}
	a->tools_settings = get_obj(c, "toolsSettings");
	a->permissions = get_obj(c, "permissions");
	kiro_mcp_add_servers(&a->mcp, cJSON_GetObjectItemCaseSensitive(a->json, "mcpServers"), "$.mcpServers",
			     KIRO_MCP_AGENT, c->src, c->d);
	parse_resources(c);
	parse_hooks(c);
	a->include_mcp_json = -1;
	if (cJSON_GetObjectItemCaseSensitive(a->json, "useLegacyMcpJson")) {
		if (sw_json_get_bool(&b, a->json, "useLegacyMcpJson", 0, "$", &err) < 0)
			field_error(c, "$.useLegacyMcpJson", &err);
		else
			a->include_mcp_json = b;
	}
	if (cJSON_GetObjectItemCaseSensitive(a->json, "includeMcpJson")) {
		sw_error_clear(&err);
		if (sw_json_get_bool(&b, a->json, "includeMcpJson", 0, "$", &err) < 0)
			field_error(c, "$.includeMcpJson", &err);
		else
			a->include_mcp_json = b;
	}
	if (cJSON_GetObjectItemCaseSensitive(a->json, "includePowers")) {
		sw_error_clear(&err);
		if (sw_json_get_bool(&b, a->json, "includePowers", 0, "$", &err) < 0)
			field_error(c, "$.includePowers", &err);
	}
	get_str(c, &a->model, "model");
	get_str(c, &a->keyboard_shortcut, "keyboardShortcut");
	if (a->keyboard_shortcut && !valid_shortcut(a->keyboard_shortcut)) {
		struct sw_diag *dg = kiro_diag_at(c->d, c->src, SW_SEV_WARNING, "agent-shortcut", "$.keyboardShortcut",
						  0, "keyboard shortcut '%s' is not [ctrl+][shift+]<a-z|0-9>",
						  a->keyboard_shortcut);

		sw_diag_set_hint(dg, "for example \"ctrl+shift+r\"");
	}
	get_str(c, &a->welcome_message, "welcomeMessage");
}

static char *name_from(const char *hint)
{
	size_t n = strlen(hint);

	if (sw_ends_with(hint, ".json"))
		n -= 5;
	else if (sw_ends_with(hint, ".md"))
		n -= 3;
	return sw_xstrndup(hint, n);
}

static void agent_from_text(struct kiro_agent **out, const char *path, const char *rel, const char *name_hint,
			    const char *root, int global, const char *text, size_t len, struct sw_diags *d)
{
	struct kiro_agent *a = sw_xcalloc(1, sizeof(*a));
	struct sw_strvec init = SW_STRVEC_INIT;
	struct kiro_mcp_config mcp_init = KIRO_MCP_CONFIG_INIT;
	struct kiro_source src = { rel, NULL, 0, NULL };
	struct kiro_fm fm = KIRO_FM_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_dirname(path);
	struct ctx c = { a, &src, d, dir, root };
	const char *body = NULL;

	a->tools = a->allowed_tools = a->excluded_tools = init;
	a->mcp = mcp_init;
	a->include_mcp_json = -1;
	a->name = name_from(name_hint);
	a->path = sw_xstrdup(path);
	a->rel = sw_xstrdup(rel);
	a->global = global;
	a->markdown = sw_ends_with(path, ".md");
	*out = a;
	if (a->markdown) {
		if (kiro_fm_parse(&fm, text, len, &err) < 0) {
			sw_diag_add(d, SW_SEV_ERROR, "agent-frontmatter", rel, err.line, err.col, "%s", err.msg);
			a->json = cJSON_CreateObject();
			goto out;
		}
		a->json = kiro_fm_to_json(fm.root);
		src.fm = fm.root;
		body = text + fm.body_off;
		while (*body == '\n' || *body == '\r')
			body++;
	} else {
		if (sw_json_parse(&a->json, text, len, &err) < 0) {
			sw_diag_add(d, SW_SEV_ERROR, "agent-json", rel, err.line, err.col, "%s", err.msg);
			a->json = cJSON_CreateObject();
			goto out;
		}
		src.text = text;
		src.len = len;
		if (!cJSON_IsObject(a->json)) {
			kiro_diag_at(d, &src, SW_SEV_ERROR, "agent-json", "$", 0, "expected a JSON object, found %s",
				     sw_json_type_name(a->json));
			cJSON_Delete(a->json);
			a->json = cJSON_CreateObject();
			goto out;
		}
	}
	parse_config(&c, body);
out:
	kiro_fm_release(&fm);
	free(dir);
}

int kiro_agent_load_file(struct kiro_agent **out, const char *path, const char *rel, const char *name_hint,
			 const char *root, int global, struct sw_diags *d, struct sw_error *err)
{
	struct sw_buf text = SW_BUF_INIT;
	int rc = sw_read_file(&text, path, AGENT_FILE_MAX, err);

	*out = NULL;
	if (rc == 0)
		agent_from_text(out, path, rel, name_hint, root, global, text.ptr, text.len, d);
	sw_buf_release(&text);
	return rc;
}

static int cmp_agent(const void *x, const void *y)
{
	const struct kiro_agent *a = *(struct kiro_agent *const *)x, *b = *(struct kiro_agent *const *)y;

	return strcmp(a->name, b->name);
}

static struct kiro_agent *find_mut(struct kiro_agents *agents, const char *name)
{
	size_t i;

	for (i = 0; i < agents->nr; i++)
		if (!strcmp(agents->v[i]->name, name))
			return agents->v[i];
	return NULL;
}

/* Loads one folder: JSON agents first, then Markdown files that are not their prompt files. */
static int load_dir(struct kiro_agents *agents, const char *dir, const char *rel_prefix, const char *root,
		    int global, struct sw_diags *d, struct sw_error *err)
{
	struct sw_strvec files = SW_STRVEC_INIT, prompts = SW_STRVEC_INIT;
	int rc = sw_list_dir(&files, dir, SW_LIST_RECURSIVE | SW_LIST_MISSING_OK, err), pass;
	size_t i;

	if (rc < 0)
		goto out;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < files.nr; i++) {
			struct sw_error ferr = SW_ERROR_INIT;
			struct kiro_agent *a = NULL, *old;
			char *path, *rel;

			if (!sw_ends_with(files.v[i], pass ? ".md" : ".json"))
				continue;
			path = sw_path_join(dir, files.v[i]);
			rel = sw_path_join(rel_prefix, files.v[i]);
			if (pass) {
				char real[PATH_MAX];

				if (sw_strvec_contains(&prompts, realpath(path, real) ? real : path)) {
					free(path);
					free(rel);
					continue;
				}
			}
			if (kiro_agent_load_file(&a, path, rel, files.v[i], root, global, d, &ferr) < 0) {
				sw_diag_add(d, SW_SEV_ERROR, "agent-read", rel, 0, 0, "%s", ferr.msg);
			} else if ((old = find_mut(agents, a->name))) {
				if (old->global && !global) {
					/* cannot happen: the workspace folder loads first */
					kiro_agent_free(a);
				} else if (!old->global && global) {
					struct sw_diag *dg = sw_diag_add(d, SW_SEV_WARNING, "agent-conflict", old->rel, 1, 1,
						"agent conflict for '%s': also defined in %s; the workspace version is used",
						a->name, a->rel);

					sw_diag_set_hint(dg, "rename or remove one of them to silence this");
					free(old->overrides);
					old->overrides = sw_xstrdup(a->rel);
					kiro_agent_free(a);
				} else {
					sw_diag_add(d, SW_SEV_ERROR, "agent-duplicate", a->rel, 1, 1,
						    "agent name '%s' is already used by %s", a->name, old->rel);
					kiro_agent_free(a);
				}
			} else {
				if (a->prompt_file)
					sw_strvec_push(&prompts, a->prompt_file);
				SW_ALLOC_GROW(agents->v, agents->nr + 1, agents->alloc);
				agents->v[agents->nr++] = a;
			}
			free(path);
			free(rel);
		}
	}
out:
	sw_strvec_clear(&files);
	sw_strvec_clear(&prompts);
	return rc;
}

int kiro_agents_load(struct kiro_agents *agents, const char *root, const char *global_dir,
		     struct sw_diags *d, struct sw_error *err)
{
	char *dir = NULL;
	int rc = 0;

	if (root) {
		dir = sw_path_join(root, ".kiro/agents");
		rc = load_dir(agents, dir, ".kiro/agents", root, 0, d, err);
		free(dir);
		if (rc < 0)
			return rc;
	}
	if ((dir = kiro_global_subdir(global_dir, root, "agents")))
		rc = load_dir(agents, dir, "~/.kiro/agents", root, 1, d, err);
	free(dir);
	SW_QSORT(agents->v, agents->nr, cmp_agent);
	return rc;
}

int kiro_agent_mcp(struct kiro_mcp_config *cfg, const struct kiro_agent *a, const char *root,
		   const char *global_dir, struct sw_diags *d, struct sw_error *err)
{
	int rc = 0;

	if (a->include_mcp_json == 1 && (rc = kiro_mcp_load(cfg, root, global_dir, d, err)) < 0)
		return rc;
	kiro_mcp_merge_from(cfg, &a->mcp);
	return rc;
}
