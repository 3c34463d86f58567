/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hookfile.c - loading .kiro/hooks: IDE .kiro.hook files and v1 JSON
 * hook files into one model.
 *
 * Judgement calls, each reported so users see what happened:
 *   - "manual" is not an IDE hook type, but Kiro-written files carry it
 *     (older IDE builds); it loads as userTriggered with a warning.
 *   - A file event hook with "patterns": [] never fires: a warning.
 *   - "patterns" on a non-file event, "toolTypes" on a non-tool event
 *     are ignored by Kiro: a note.
 *   - Fields Kiro does not know are kept and reported as warnings;
 *     "workspaceFolderName" and "shortName", which the IDE itself writes,
 *     are known.
 */
#include "base/compat.h"
#include "kiro/hookfile.h"
#include "base/fs.h"
#include "base/glob.h"
#include "base/json.h"
#include "kiro/source.h"

#define HOOK_FILE_MAX (4u << 20) /* one hook file */

static const struct {
	const char *ide, *v1;
} trigger_names[KIRO_HOOK_TRIGGER_COUNT] = {
	[KIRO_HOOK_FILE_EDITED] = { "fileEdited", "PostFileSave" },
	[KIRO_HOOK_FILE_CREATED] = { "fileCreated", "PostFileCreate" },
	[KIRO_HOOK_FILE_DELETED] = { "fileDeleted", "PostFileDelete" },
	[KIRO_HOOK_USER_TRIGGERED] = { "userTriggered", "Manual" },
	[KIRO_HOOK_PROMPT_SUBMIT] = { "promptSubmit", "UserPromptSubmit" },
	[KIRO_HOOK_AGENT_STOP] = { "agentStop", "Stop" },
	[KIRO_HOOK_PRE_TOOL_USE] = { "preToolUse", "PreToolUse" },
	[KIRO_HOOK_POST_TOOL_USE] = { "postToolUse", "PostToolUse" },
	[KIRO_HOOK_PRE_TASK] = { "preTaskExecution", "PreTaskExec" },
	[KIRO_HOOK_POST_TASK] = { "postTaskExecution", "PostTaskExec" },
	[KIRO_HOOK_SESSION_START] = { "sessionStart", "SessionStart" },
};

const char *kiro_hook_trigger_name(enum kiro_hook_trigger t)
{
	return (unsigned)t < KIRO_HOOK_TRIGGER_COUNT ? trigger_names[t].ide : "unknown";
}

static int parse_ide_trigger(const char *s)
{
	int i;

	for (i = 0; i < KIRO_HOOK_SESSION_START; i++)
		if (!strcmp(s, trigger_names[i].ide))
			return i;
	return -1;
}

static int parse_v1_trigger(const char *s)
{
	int i;

	for (i = 0; i < KIRO_HOOK_TRIGGER_COUNT; i++)
		if (!strcmp(s, trigger_names[i].v1))
			return i;
	return -1;
}

int kiro_hook_trigger_parse(const char *s)
{
	int t = parse_ide_trigger(s);

	if (t < 0)
		t = parse_v1_trigger(s);
	if (t < 0 && !strcmp(s, "sessionStart"))
		t = KIRO_HOOK_SESSION_START;
	return t;
}

int kiro_hook_trigger_is_file(enum kiro_hook_trigger t)
{
	return t == KIRO_HOOK_FILE_EDITED || t == KIRO_HOOK_FILE_CREATED || t == KIRO_HOOK_FILE_DELETED;
}

int kiro_hook_trigger_is_tool(enum kiro_hook_trigger t)
{
	return t == KIRO_HOOK_PRE_TOOL_USE || t == KIRO_HOOK_POST_TOOL_USE;
}

long kiro_hook_timeout_ms(const struct kiro_hook *h)
{
	long s = h->timeout_s == KIRO_HOOK_TIMEOUT_UNSET ? KIRO_HOOK_DEFAULT_TIMEOUT_S : h->timeout_s;

	return s * 1000;
}

void kiro_hook_free(struct kiro_hook *h)
{
	if (!h)
		return;
	free(h->id);
	free(h->name);
	free(h->description);
	free(h->version);
	free(h->trigger_raw);
	sw_strvec_clear(&h->patterns);
	sw_strvec_clear(&h->tool_types);
	if (h->matcher)
		regfree(&h->matcher_re);
	free(h->matcher);
	free(h->command);
	free(h->prompt);
	free(h->path);
	free(h->rel);
	free(h);
}

void kiro_hooks_release(struct kiro_hooks *hooks)
{
	size_t i;

	if (!hooks)
		return;
	for (i = 0; i < hooks->nr; i++)
		kiro_hook_free(hooks->v[i]);
	free(hooks->v);
	hooks->v = NULL;
	hooks->nr = hooks->alloc = 0;
}

const struct kiro_hook *kiro_hooks_find(const struct kiro_hooks *hooks, const char *key)
{
	size_t i;

	for (i = 0; i < hooks->nr; i++)
		if (!strcmp(hooks->v[i]->id, key))
			return hooks->v[i];
	for (i = 0; i < hooks->nr; i++)
		if (hooks->v[i]->name && !strcmp(hooks->v[i]->name, key))
			return hooks->v[i];
	return NULL;
}

static struct kiro_hook *hook_new(const char *path, const char *rel)
{
	struct kiro_hook *h = sw_xcalloc(1, sizeof(*h));
	struct sw_strvec init = SW_STRVEC_INIT;

	h->patterns = init;
	h->tool_types = init;
	h->enabled = 1;
	h->timeout_s = KIRO_HOOK_TIMEOUT_UNSET;
	h->path = sw_xstrdup(path);
	h->rel = sw_xstrdup(rel);
	return h;
}

/* Reports members of @obj (at @jpath) not in @known as unknown-but-kept. */
static void check_unknown(struct sw_diags *d, const struct kiro_source *src, const cJSON *obj,
			  const char *jpath, const char *const *known, const char *what)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj) {
		const char *const *k;
		char *p;

		for (k = known; *k; k++)
			if (!strcmp(*k, it->string))
				break;
		if (*k)
			continue;
		p = sw_json_path_key(jpath, it->string);
		kiro_diag_at(d, src, SW_SEV_WARNING, "hook-unknown-field", p, 1,
			     "unknown %s field '%s' (kept; Kiro ignores it)", what, it->string);
		free(p);
	}
}

/* Reads an optional string member; a wrong type is an error diagnostic. Returns -1 on error. */
static int opt_string(char **out, const cJSON *obj, const char *key, const char *jpath, int required,
		      struct sw_diags *d, const struct kiro_source *src)
{
	struct sw_error err = SW_ERROR_INIT;
	const char *s = NULL;
	char *p = sw_json_path_key(jpath, key);
	int rc = sw_json_get_string(&s, obj, key, required, jpath, &err);

	if (rc < 0)
		kiro_diag_err(d, src, "hook-field", p, &err);
	else if (s)
		*out = sw_xstrdup(s);
	free(p);
	return rc < 0 ? -1 : 0;
}

static int compile_matcher(struct kiro_hook *h, const char *jpath, struct sw_diags *d,
			   const struct kiro_source *src)
{
	int rc = regcomp(&h->matcher_re, h->matcher, REG_EXTENDED | REG_NOSUB);

	if (rc) {
		char buf[256];

		regerror(rc, &h->matcher_re, buf, sizeof(buf));
		kiro_diag_at(d, src, SW_SEV_ERROR, "hook-matcher", jpath, 0,
			     "%s: invalid regular expression '%s': %s", jpath, h->matcher, buf);
		free(h->matcher);
		h->matcher = NULL;
		return -1;
	}
	return 0;
}

static int read_timeout(struct kiro_hook *h, const cJSON *obj, const char *jpath, struct sw_diags *d,
			const struct kiro_source *src)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, "timeout");
	char *p;

	if (!t)
		return 0;
	p = sw_json_path_key(jpath, "timeout");
	if (!cJSON_IsNumber(t) || t->valuedouble < 0 || t->valuedouble > 86400 * 7) {
		kiro_diag_at(d, src, SW_SEV_ERROR, "hook-timeout", p, 0,
			     "%s: expected a number of seconds (0 for none), found %s", p,
			     cJSON_IsNumber(t) ? "an out-of-range number" : sw_json_type_name(t));
		free(p);
		return -1;
	}
	h->timeout_s = (long)t->valuedouble;
	free(p);
	return 0;
}

static int read_string_array(struct sw_strvec *out, const cJSON *obj, const char *key, const char *jpath,
			     struct sw_diags *d, const struct kiro_source *src)
{
	struct sw_error err = SW_ERROR_INIT;
	char *p = sw_json_path_key(jpath, key);
	int rc = sw_json_get_strings(out, obj, key, 0, jpath, &err);

	if (rc < 0)
		kiro_diag_err(d, src, "hook-field", p, &err);
	free(p);
	return rc < 0 ? -1 : 0;
}

static const char *const ide_known[] = { "name", "description", "version", "enabled", "when", "then",
					 "workspaceFolderName", "shortName", NULL };
static const char *const when_known[] = { "type", "patterns", "toolTypes", NULL };
static const char *const then_known[] = { "type", "prompt", "command", "timeout", NULL };

/* Loads an IDE-format hook from object @root; returns the hook or NULL after diagnostics. */
static struct kiro_hook *load_ide(const cJSON *root, const char *path, const char *rel, const char *stem,
				  struct sw_diags *d, const struct kiro_source *src)
{
	struct sw_error err = SW_ERROR_INIT;
	struct kiro_hook *h = hook_new(path, rel);
	const cJSON *when = NULL, *then = NULL, *v;
	char *type = NULL, *ttype = NULL;
	int t, bad = 0, enabled = 1;
	size_t errors = d->errors;

	h->format = KIRO_HOOK_FORMAT_IDE;
	h->id = sw_xstrdup(stem);
	h->line = h->col = 1;
	check_unknown(d, src, root, "$", ide_known, "hook");
	opt_string(&h->name, root, "name", "$", 0, d, src);
	opt_string(&h->description, root, "description", "$", 0, d, src);
	v = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (cJSON_IsString(v))
		h->version = sw_xstrdup(v->valuestring);
	else if (cJSON_IsNumber(v)) {
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_addf(&b, "%g", v->valuedouble);
		h->version = sw_buf_detach(&b, NULL);
	}
	if (sw_json_get_bool(&enabled, root, "enabled", 1, "$", &err) < 0)
		kiro_diag_err(d, src, "hook-field", "$.enabled", &err);
	h->enabled = enabled;
	if (!h->name) {
		h->name = sw_xstrdup(stem);
		if (!cJSON_GetObjectItemCaseSensitive(root, "name"))
			kiro_diag_at(d, src, SW_SEV_WARNING, "hook-name", "$", 0,
				     "hook has no 'name'; using '%s'", stem);
	}
	sw_error_clear(&err);
	if (sw_json_get_object(&when, root, "when", 1, "$", &err) < 0) {
		kiro_diag_err(d, src, "hook-when", "$.when", &err);
		bad = 1;
	}
	sw_error_clear(&err);
	if (sw_json_get_object(&then, root, "then", 1, "$", &err) < 0) {
		kiro_diag_err(d, src, "hook-then", "$.then", &err);
		bad = 1;
	}
	if (when) {
		check_unknown(d, src, when, "$.when", when_known, "'when'");
		if (opt_string(&type, when, "type", "$.when", 1, d, src) < 0)
			bad = 1;
	}
	if (type) {
		h->trigger_raw = sw_xstrdup(type);
		t = parse_ide_trigger(type);
		if (t < 0 && (!strcmp(type, "manual") || !strcmp(type, "Manual"))) {
			struct sw_diag *dg = kiro_diag_at(d, src, SW_SEV_WARNING, "hook-type", "$.when.type", 0,
				"'%s' is not a Kiro hook type; loaded as 'userTriggered'", type);
			sw_diag_set_hint(dg, "write \"type\": \"userTriggered\" (the IDE's manual trigger)");
			t = KIRO_HOOK_USER_TRIGGERED;
		}
		if (t < 0) {
			struct sw_diag *dg = kiro_diag_at(d, src, SW_SEV_ERROR, "hook-type", "$.when.type", 0,
				"unknown hook type '%s'", type);
			sw_diag_set_hint(dg, "expected fileEdited, fileCreated, fileDeleted, userTriggered, "
				"promptSubmit, agentStop, preToolUse, postToolUse, preTaskExecution or "
				"postTaskExecution");
			bad = 1;
		} else {
			h->trigger = (enum kiro_hook_trigger)t;
		}
	}
	if (when && type && !bad) {
		const cJSON *pat = cJSON_GetObjectItemCaseSensitive(when, "patterns");
		const cJSON *tools = cJSON_GetObjectItemCaseSensitive(when, "toolTypes");

		if (kiro_hook_trigger_is_file(h->trigger)) {
			if (!pat) {
				kiro_diag_at(d, src, SW_SEV_ERROR, "hook-patterns", "$.when", 0,
					     "$.when.patterns: missing; a '%s' hook needs file patterns", type);
				bad = 1;
			} else if (read_string_array(&h->patterns, when, "patterns", "$.when", d, src) < 0) {
				bad = 1;
			} else if (!h->patterns.nr) {
				kiro_diag_at(d, src, SW_SEV_WARNING, "hook-patterns", "$.when.patterns", 0,
					     "empty 'patterns': this '%s' hook never fires", type);
			}
		} else if (pat && !(cJSON_IsArray(pat) && !cJSON_GetArraySize(pat))) {
			kiro_diag_at(d, src, SW_SEV_NOTE, "hook-patterns", "$.when.patterns", 1,
				     "'patterns' is ignored for '%s' hooks", kiro_hook_trigger_name(h->trigger));
		}
		if (kiro_hook_trigger_is_tool(h->trigger)) {
			if (!tools) {
				kiro_diag_at(d, src, SW_SEV_ERROR, "hook-tooltypes", "$.when", 0,
					     "$.when.toolTypes: missing; a '%s' hook needs tool types", type);
				bad = 1;
			} else if (read_string_array(&h->tool_types, when, "toolTypes", "$.when", d, src) < 0) {
				bad = 1;
			} else if (!h->tool_types.nr) {
				kiro_diag_at(d, src, SW_SEV_WARNING, "hook-tooltypes", "$.when.toolTypes", 0,
					     "empty 'toolTypes': this '%s' hook never fires", type);
			}
		} else if (tools) {
			kiro_diag_at(d, src, SW_SEV_NOTE, "hook-tooltypes", "$.when.toolTypes", 1,
				     "'toolTypes' is ignored for '%s' hooks", kiro_hook_trigger_name(h->trigger));
		}
	}
	if (then) {
		check_unknown(d, src, then, "$.then", then_known, "'then'");
		if (opt_string(&ttype, then, "type", "$.then", 1, d, src) < 0)
			bad = 1;
	}
	if (ttype) {
		if (!strcmp(ttype, "askAgent")) {
			h->action = KIRO_HOOK_ASK_AGENT;
			if (opt_string(&h->prompt, then, "prompt", "$.then", 1, d, src) < 0)
				bad = 1;
		} else if (!strcmp(ttype, "runCommand")) {
			h->action = KIRO_HOOK_RUN_COMMAND;
			if (opt_string(&h->command, then, "command", "$.then", 1, d, src) < 0)
				bad = 1;
			if (read_timeout(h, then, "$.then", d, src) < 0)
				bad = 1;
		} else {
			struct sw_diag *dg = kiro_diag_at(d, src, SW_SEV_ERROR, "hook-action", "$.then.type", 0,
							  "unknown hook action '%s'", ttype);
			sw_diag_set_hint(dg, "expected 'askAgent' (with 'prompt') or 'runCommand' (with 'command')");
			bad = 1;
		}
	}
	free(type);
	free(ttype);
	if (bad || d->errors > errors) {
		kiro_hook_free(h);
		return NULL;
	}
	return h;
}

static const char *const v1_known[] = { "name", "description", "trigger", "matcher", "action", "timeout",
					"enabled", NULL };
static const char *const action_known[] = { "type", "command", "prompt", NULL };

static struct kiro_hook *load_v1_entry(const cJSON *e, size_t idx, const char *path, const char *rel,
				       const char *stem, struct sw_diags *d, const struct kiro_source *src)
{
	struct sw_error err = SW_ERROR_INIT;
	struct kiro_hook *h = hook_new(path, rel);
	char *jp = sw_json_path_index("$.hooks", idx), *p = NULL;
	const cJSON *action = NULL;
	char *atype = NULL;
	size_t errors = d->errors;
	int t, enabled = 1;

	h->format = KIRO_HOOK_FORMAT_V1;
	h->version = sw_xstrdup("v1");
	kiro_source_locate(src, jp, 0, &h->line, &h->col);
	if (!cJSON_IsObject(e)) {
		kiro_diag_at(d, src, SW_SEV_ERROR, "hook-field", jp, 0, "%s: expected object, found %s", jp,
			     sw_json_type_name(e));
		goto out;
	}
	check_unknown(d, src, e, jp, v1_known, "hook");
	opt_string(&h->name, e, "name", jp, 1, d, src);
	opt_string(&h->description, e, "description", jp, 0, d, src);
	if (opt_string(&h->trigger_raw, e, "trigger", jp, 1, d, src) == 0 && h->trigger_raw) {
		t = parse_v1_trigger(h->trigger_raw);
		if (t < 0) {
			struct sw_diag *dg;

			p = sw_json_path_key(jp, "trigger");
			dg = kiro_diag_at(d, src, SW_SEV_ERROR, "hook-type", p, 0, "unknown hook trigger '%s'",
					  h->trigger_raw);
			sw_diag_set_hint(dg, "expected SessionStart, Stop, PreToolUse, PostToolUse, PreTaskExec, "
				"PostTaskExec, UserPromptSubmit, PostFileCreate, PostFileSave, PostFileDelete or Manual");
			free(p);
			p = NULL;
		} else {
			h->trigger = (enum kiro_hook_trigger)t;
		}
	}
	if (opt_string(&h->matcher, e, "matcher", jp, 0, d, src) == 0 && h->matcher) {
		p = sw_json_path_key(jp, "matcher");
		compile_matcher(h, p, d, src);
		free(p);
		p = NULL;
	}
	if (sw_json_get_bool(&enabled, e, "enabled", 1, jp, &err) < 0) {
		p = sw_json_path_key(jp, "enabled");
		kiro_diag_err(d, src, "hook-field", p, &err);
		free(p);
		p = NULL;
	}
	h->enabled = enabled;
	read_timeout(h, e, jp, d, src);
	sw_error_clear(&err);
	if (sw_json_get_object(&action, e, "action", 1, jp, &err) < 0) {
		p = sw_json_path_key(jp, "action");
		kiro_diag_err(d, src, "hook-action", p, &err);
		free(p);
		p = NULL;
	}
	if (action) {
		p = sw_json_path_key(jp, "action");
		check_unknown(d, src, action, p, action_known, "'action'");
		if (opt_string(&atype, action, "type", p, 1, d, src) == 0 && atype) {
			if (!strcmp(atype, "command")) {
				h->action = KIRO_HOOK_RUN_COMMAND;
				opt_string(&h->command, action, "command", p, 1, d, src);
			} else if (!strcmp(atype, "agent")) {
				h->action = KIRO_HOOK_ASK_AGENT;
				opt_string(&h->prompt, action, "prompt", p, 1, d, src);
			} else {
				char *tp = sw_json_path_key(p, "type");
				struct sw_diag *dg = kiro_diag_at(d, src, SW_SEV_ERROR, "hook-action", tp, 0,
								  "unknown hook action type '%s'", atype);

				sw_diag_set_hint(dg, "expected 'command' (with 'command') or 'agent' (with 'prompt')");
				free(tp);
			}
		}
	}
	if (h->name) {
		struct sw_buf id = SW_BUF_INIT;

		sw_buf_addf(&id, "%s/%s", stem, h->name);
		h->id = sw_buf_detach(&id, NULL);
	}
out:
	free(atype);
	free(p);
	free(jp);
	if (d->errors > errors) {
		kiro_hook_free(h);
		return NULL;
	}
	return h;
}

static void push(struct kiro_hooks *hooks, struct kiro_hook *h)
{
	SW_ALLOC_GROW(hooks->v, hooks->nr + 1, hooks->alloc);
	hooks->v[hooks->nr++] = h;
}

static char *file_stem(const char *rel)
{
	const char *base = sw_basename(rel);
	size_t n = strlen(base);

	if (sw_ends_with(base, ".kiro.hook"))
		n -= strlen(".kiro.hook");
	else if (sw_ends_with(base, ".json"))
		n -= strlen(".json");
	return sw_xstrndup(base, n);
}

int kiro_hooks_load_text(struct kiro_hooks *hooks, const char *path, const char *rel, const char *text,
			 size_t len, struct sw_diags *d)
{
	struct sw_error err = SW_ERROR_INIT;
	struct kiro_source src = { rel, text, len, NULL };
	cJSON *root = NULL;
	const cJSON *list;
	char *stem = file_stem(rel);
	int added = 0, is_json = sw_ends_with(rel, ".json");

	if (sw_json_parse(&root, text, len, &err) < 0) {
		sw_diag_add(d, SW_SEV_ERROR, "hook-json", rel, err.line, err.col, "%s", err.msg);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		kiro_diag_at(d, &src, SW_SEV_ERROR, "hook-format", "$", 0, "expected a JSON object, found %s",
			     sw_json_type_name(root));
		goto out;
	}
	list = cJSON_GetObjectItemCaseSensitive(root, "hooks");
	if (list && !cJSON_GetObjectItemCaseSensitive(root, "when")) {
		const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
		const cJSON *it;
		size_t i = 0;
		static const char *const top_known[] = { "version", "hooks", NULL };

		if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "v1")) {
			kiro_diag_at(d, &src, SW_SEV_ERROR, "hook-version", ver ? "$.version" : "$", 0,
				     "hook file version must be \"v1\"%s", ver ? "" : " (missing 'version')");
			goto out;
		}
		if (!cJSON_IsArray(list)) {
			kiro_diag_at(d, &src, SW_SEV_ERROR, "hook-format", "$.hooks", 0,
				     "$.hooks: expected array, found %s", sw_json_type_name(list));
			goto out;
		}
		check_unknown(d, &src, root, "$", top_known, "hook file");
		if (!is_json)
			kiro_diag_at(d, &src, SW_SEV_WARNING, "hook-extension", "$", 0,
				     "v1 hook file named '*.kiro.hook'; Kiro reads v1 hooks from '*.json' files");
		cJSON_ArrayForEach(it, list) {
			struct kiro_hook *h = load_v1_entry(it, i++, path, rel, stem, d, &src);

			if (h) {
				push(hooks, h);
				added++;
			}
		}
		goto out;
	}
	if (cJSON_GetObjectItemCaseSensitive(root, "when") || cJSON_GetObjectItemCaseSensitive(root, "then")) {
		struct kiro_hook *h;

		if (is_json) {
			struct sw_diag *dg = kiro_diag_at(d, &src, SW_SEV_WARNING, "hook-extension", "$", 0,
				"IDE hook ('when'/'then') in a '.json' file; Kiro reads this format only from "
				"'*.kiro.hook' files");
			sw_diag_set_hint(dg, "rename it to '%s.kiro.hook'", stem);
		}
		h = load_ide(root, path, rel, stem, d, &src);
		if (h) {
			push(hooks, h);
			added++;
		}
		goto out;
	}
	{
		struct sw_diag *dg = kiro_diag_at(d, &src, SW_SEV_ERROR, "hook-format", "$", 0,
						  "not a hook file: no 'when'/'then' (IDE hook) and no "
						  "'version'/'hooks' (v1 hook file)");
		sw_diag_set_hint(dg, "a v1 file is {\"version\": \"v1\", \"hooks\": [{\"name\": ..., \"trigger\": "
			"..., \"action\": {\"type\": \"command\", \"command\": ...}}]}");
	}
out:
	cJSON_Delete(root);
	free(stem);
	return added;
}

int kiro_hooks_load(struct kiro_hooks *hooks, const char *root, struct sw_diags *d, struct sw_error *err)
{
	struct sw_strvec files = SW_STRVEC_INIT;
	struct sw_buf text = SW_BUF_INIT;
	char *dir = sw_path_join(root, ".kiro/hooks");
	size_t i;
	int rc = sw_list_dir(&files, dir, SW_LIST_MISSING_OK, err);

	if (rc < 0)
		goto out;
	for (i = 0; i < files.nr; i++) {
		struct sw_error ferr = SW_ERROR_INIT;
		char *path, *rel;

		if (!sw_ends_with(files.v[i], ".kiro.hook") && !sw_ends_with(files.v[i], ".json"))
			continue;
		path = sw_path_join(dir, files.v[i]);
		rel = sw_path_join(".kiro/hooks", files.v[i]);
		sw_buf_reset(&text);
		if (sw_read_file(&text, path, HOOK_FILE_MAX, &ferr) < 0)
			sw_diag_add(d, SW_SEV_ERROR, "hook-read", rel, 0, 0, "%s", ferr.msg);
		else
			kiro_hooks_load_text(hooks, path, rel, text.ptr, text.len, d);
		free(path);
		free(rel);
	}
out:
	sw_buf_release(&text);
	sw_strvec_clear(&files);
	free(dir);
	return rc;
}

static int matcher_search(const struct kiro_hook *h, const char *s)
{
	return !h->matcher || regexec(&h->matcher_re, s, 0, NULL, 0) == 0;
}

int kiro_hook_matches_path(const struct kiro_hook *h, const char *relpath)
{
	size_t i;

	if (h->format == KIRO_HOOK_FORMAT_V1)
		return matcher_search(h, relpath);
	for (i = 0; i < h->patterns.nr; i++)
		if (sw_glob_match(h->patterns.v[i], relpath, SW_GLOB_ANY_DEPTH))
			return 1;
	return 0;
}

int kiro_hook_matches_tool(const struct kiro_hook *h, const char *name, const char *category)
{
	size_t i;

	if (h->format == KIRO_HOOK_FORMAT_V1)
		return matcher_search(h, name);
	for (i = 0; i < h->tool_types.nr; i++) {
		const char *t = h->tool_types.v[i];
		regex_t re;

		if (!strcmp(t, "*") || !strcmp(t, name) || (category && !strcmp(t, category)))
			return 1;
		if (!strcmp(t, "@builtin")) {
			if (category)
				return 1;
			continue;
		}
		if (!strcmp(t, "@mcp")) {
			if (!category)
				return 1;
			continue;
		}
		if (t[0] == '@' && regcomp(&re, t, REG_EXTENDED | REG_NOSUB) == 0) {
			int m = regexec(&re, name, 0, NULL, 0) == 0;

			regfree(&re);
			if (m)
				return 1;
		}
	}
	return 0;
}

int kiro_hook_matches_text(const struct kiro_hook *h, const char *text)
{
	if (h->format == KIRO_HOOK_FORMAT_V1)
		return matcher_search(h, text);
	return 1;
}
