/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hooks.c - agent hooks, run the way Kiro runs them.
 *
 * Each hook is `bash -c <command>` in the session's working directory
 * with one JSON event on stdin, then EOF:
 *   {"hook_event_name": "preToolUse", "cwd": "/dir", "tool_name": "fs_read",
 *    "tool_input": {...}, "tool_response": {...}}
 * ("prompt" for userPromptSubmit, which also gets USER_PROMPT in the
 * environment: at most 4096 characters, control characters other than
 * \n \r \t removed; "tool_response" only for postToolUse).  The output
 * kept is stdout when the hook exits 0, else stderr, cut to
 * max_output_size with " ... truncated"; a hook that runs past timeout_ms
 * is killed and reports "command timed out after N ms".
 *
 * Exit status: agentSpawn / userPromptSubmit 0 -> stdout joins the
 * context; preToolUse 2 -> the tool is blocked and stderr goes to the
 * model; any other failure is a warning and the work goes on.  Tool hooks
 * run when their matcher (absent or "*": all; a name, alias or glob;
 * "@builtin"; "@server", "@server/tool") matches the tool.  Results of
 * exit-0 runs are cached for cache_ttl_seconds (agentSpawn's for the
 * whole session).  Hooks of one trigger run one after the other, in the
 * order the agent lists them.
 */
#include "base/compat.h"
#include "agent/internal.h"
#include "base/json.h"

#include <time.h>

static const char *const trigger_names[AGENT_HOOK_TRIGGERS] = {
	"agentSpawn", "userPromptSubmit", "preToolUse", "postToolUse", "stop",
};

const char *agent_hook_trigger_name(enum agent_hook_trigger t)
{
	return (unsigned)t < AGENT_HOOK_TRIGGERS ? trigger_names[t] : "?";
}

int agent_hook_trigger_parse(const char *s)
{
	int i;

	for (i = 0; i < AGENT_HOOK_TRIGGERS; i++)
		if (!strcmp(s, trigger_names[i]))
			return i;
	return -1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static char *cache_key(const struct agent_hook *h)
{
	struct sw_buf k = SW_BUF_INIT;

	sw_buf_addf(&k, "%d\n%s\n%s", (int)h->trigger, h->matcher ? h->matcher : "", h->command);
	return sw_buf_detach(&k, NULL);
}

static const char *cache_get(struct agent_session *s, const struct agent_hook *h)
{
	char *key;
	size_t i;
	const char *hit = NULL;

	if (h->cache_ttl_s <= 0)
		return NULL;
	key = cache_key(h);
	for (i = 0; i < s->cache_nr; i++)
		if (!strcmp(s->cache[i].key, key) &&
		    (s->cache[i].expires_ms == 0 || s->cache[i].expires_ms > now_ms()))
			hit = s->cache[i].output;
	free(key);
	return hit;
}

static void cache_put(struct agent_session *s, const struct agent_hook *h, const char *output)
{
	char *key;
	size_t i;
	struct agent__hook_cache *e = NULL;

	if (h->cache_ttl_s <= 0)
		return;
	key = cache_key(h);
	for (i = 0; i < s->cache_nr; i++)
		if (!strcmp(s->cache[i].key, key))
			e = &s->cache[i];
	if (!e) {
		SW_ALLOC_GROW(s->cache, s->cache_nr + 1, s->cache_alloc);
		e = &s->cache[s->cache_nr++];
		e->key = key;
	} else {
		free(key);
		free(e->output);
	}
	e->output = sw_xstrdup(output);
	e->expires_ms = h->trigger == AGENT_HOOK_SPAWN ? 0 : now_ms() + (uint64_t)h->cache_ttl_s * 1000;
}

void agent__hook_cache_release(struct agent_session *s)
{
	size_t i;

	for (i = 0; i < s->cache_nr; i++) {
		free(s->cache[i].key);
		free(s->cache[i].output);
	}
	free(s->cache);
	s->cache = NULL;
	s->cache_nr = s->cache_alloc = 0;
}

void agent__hook_run_free(struct agent__hook_run *r)
{
	if (!r)
		return;
	sw_proc_free(r->proc);
	free(r->tool);
	free(r->event);
	sw_buf_release(&r->context);
	sw_buf_release(&r->blocked);
	free(r);
}

static int hook_applies(const struct agent_hook *h, enum agent_hook_trigger t, const char *tool)
{
	if (h->trigger != t)
		return 0;
	if (t != AGENT_HOOK_PRE_TOOL && t != AGENT_HOOK_POST_TOOL)
		return 1;
	if (!h->matcher || !*h->matcher || !strcmp(h->matcher, "*"))
		return 1;
	return tool && agent__tool_pattern_match(h->matcher, tool);
}

static void run_next(struct agent__hook_run *r);

/* Applies one hook's result: @status is its exit code (-1 timed out or killed). */
static void apply(struct agent__hook_run *r, const struct agent_hook *h, int status, const char *output)
{
	struct agent_session *s = r->s;

	if (status == 0) {
		cache_put(s, h, output);
		if ((r->trigger == AGENT_HOOK_SPAWN || r->trigger == AGENT_HOOK_PROMPT) && *output) {
			sw_buf_adds(&r->context, output);
			if (!sw_ends_with(output, "\n"))
				sw_buf_addch(&r->context, '\n');
		}
		return;
	}
	if (r->trigger == AGENT_HOOK_PRE_TOOL && status == 2) {
		r->block = 1;
		sw_buf_adds(&r->blocked, output);
		sw_buf_rtrim(&r->blocked);
		return;
	}
	agent__notice(s, "%s hook '%.80s' failed: %.500s", agent_hook_trigger_name(r->trigger), h->command,
		      *output ? output : "(no output)");
}

static void on_hook_exit(struct sw_proc *p, void *data)
{
	struct agent__hook_run *r = data;
	const struct agent_hook *h = &r->s->profile.hooks[r->next - 1];
	struct sw_buf out = SW_BUF_INIT;
	int status;

	if (p->timed_out) {
		sw_buf_addf(&out, "command timed out after %ld ms", h->timeout_ms);
		status = -1;
	} else if (p->term_signal) {
		sw_proc_describe(p, &out);
		status = -1;
	} else {
		status = p->exit_status;
		sw_buf_addbuf(&out, status == 0 ? &p->out : &p->errout);
		if ((status == 0 ? p->out_dropped : p->err_dropped) > 0)
			sw_buf_adds(&out, " ... truncated");
	}
	r->proc = NULL;
	sw_proc_free(p);
	apply(r, h, status, out.ptr);
	sw_buf_release(&out);
	if (r->s->canceled) {
		r->next = r->s->profile.hooks_nr; /* stop running further hooks */
	}
	run_next(r);
}

static void run_next(struct agent__hook_run *r)
{
	struct agent_session *s = r->s;

	while (r->next < s->profile.hooks_nr && !r->block) {
		const struct agent_hook *h = &s->profile.hooks[r->next++];
		const char *cached;
		struct sw_proc_opts o = SW_PROC_OPTS_INIT;
		struct sw_error err = SW_ERROR_INIT;
		struct sw_strvec env = SW_STRVEC_INIT;
		const char *argv[4] = { "bash", "-c", NULL, NULL };
		extern char **environ;
		char **e;

		if (!hook_applies(h, r->trigger, r->tool))
			continue;
		if ((cached = cache_get(s, h))) {
			apply(r, h, 0, cached);
			continue;
		}
		argv[2] = h->command;
		for (e = environ; *e; e++)
			if (strncmp(*e, "USER_PROMPT=", 12))
				sw_strvec_push(&env, *e);
		if (r->trigger == AGENT_HOOK_PROMPT && s->prompt) {
			struct sw_buf v = SW_BUF_INIT;
			const char *c;

			sw_buf_adds(&v, "USER_PROMPT=");
			for (c = s->prompt; *c && v.len < 12 + 4096; c++)
				if ((unsigned char)*c >= 0x20 || *c == '\n' || *c == '\r' || *c == '\t')
					sw_buf_addch(&v, *c);
			sw_strvec_push(&env, v.ptr);
			sw_buf_release(&v);
		}
		o.argv = argv;
		o.env = (const char *const *)env.v;
		o.cwd = s->cwd;
		o.stdin_data = r->event;
		o.stdin_len = strlen(r->event);
		o.capture_stdout = o.capture_stderr = 1;
		o.max_output = h->max_output > 0 ? (size_t)h->max_output : AGENT_HOOK_MAX_OUTPUT;
		o.timeout_ms = h->timeout_ms > 0 ? (uint64_t)h->timeout_ms : AGENT_HOOK_TIMEOUT_MS;
		o.kill_grace_ms = 500;
		o.on_exit = on_hook_exit;
		o.data = r;
		if (sw_proc_start(&r->proc, s->loop, &o, &err) < 0) {
			sw_strvec_clear(&env);
			apply(r, h, -1, err.msg);
			continue;
		}
		sw_strvec_clear(&env);
		return; /* on_hook_exit continues */
	}
	if (s->hook == r)
		s->hook = NULL;
	r->done(r);
}

void agent__hooks_run(struct agent_session *s, enum agent_hook_trigger trigger, const char *tool,
		      const cJSON *tool_input, const char *tool_response, const char *prompt,
		      void (*done)(struct agent__hook_run *r), void *arg)
{
	struct agent__hook_run *r = sw_xcalloc(1, sizeof(*r));
	cJSON *ev = cJSON_CreateObject();
	struct sw_buf json = SW_BUF_INIT;

	r->s = s;
	r->trigger = trigger;
	r->tool = tool ? sw_xstrdup(tool) : NULL;
	r->done = done;
	r->arg = arg;
	r->gen = s->gen;
	sw_buf_init(&r->context, 0);
	sw_buf_init(&r->blocked, 0);
	cJSON_AddStringToObject(ev, "hook_event_name", agent_hook_trigger_name(trigger));
	cJSON_AddStringToObject(ev, "cwd", s->cwd);
	if (prompt)
		cJSON_AddStringToObject(ev, "prompt", prompt);
	if (tool)
		cJSON_AddStringToObject(ev, "tool_name", tool);
	if (tool_input)
		cJSON_AddItemToObject(ev, "tool_input", cJSON_Duplicate(tool_input, 1));
	if (tool_response) {
		cJSON *resp = NULL;
		struct sw_error err = SW_ERROR_INIT;

		if (sw_json_parse(&resp, tool_response, strlen(tool_response), &err) == 0)
			cJSON_AddItemToObject(ev, "tool_response", resp);
	}
	sw_json_print(&json, ev, 0);
	cJSON_Delete(ev);
	r->event = sw_buf_detach(&json, NULL);
	s->hook = r;
	run_next(r);
}

void agent__hooks_cancel(struct agent_session *s)
{
	if (s->hook && s->hook->proc)
		sw_proc_terminate(s->hook->proc);
}

void agent__hooks_drop(struct agent_session *s)
{
	if (!s->hook)
		return;
	agent__hook_run_free(s->hook); /* kills a running hook without callbacks */
	s->hook = NULL;
}

/* ------------------------------------------------------------------ profile */

void agent_profile_add_hook(struct agent_profile *p, enum agent_hook_trigger t, const char *command,
			    const char *matcher, long timeout_ms, long max_output, long cache_ttl_s)
{
	struct agent_hook *h;

	SW_ALLOC_GROW(p->hooks, p->hooks_nr + 1, p->hooks_alloc);
	h = &p->hooks[p->hooks_nr++];
	h->trigger = t;
	h->command = sw_xstrdup(command);
	h->matcher = matcher ? sw_xstrdup(matcher) : NULL;
	h->timeout_ms = timeout_ms > 0 ? timeout_ms : AGENT_HOOK_TIMEOUT_MS;
	h->max_output = max_output > 0 ? max_output : AGENT_HOOK_MAX_OUTPUT;
	h->cache_ttl_s = cache_ttl_s > 0 ? cache_ttl_s : 0;
}

void agent_profile_default(struct agent_profile *p)
{
	*p = (struct agent_profile)AGENT_PROFILE_INIT;
	p->name = sw_xstrdup("kiro_default");
	p->all_tools = 1;
	p->include_mcp_json = 1;
	p->default_resources = 1;
}

void agent_profile_release(struct agent_profile *p)
{
	size_t i;

	if (!p)
		return;
	free(p->name);
	free(p->prompt);
	free(p->model);
	sw_strvec_clear(&p->tools);
	sw_strvec_clear(&p->allowed_tools);
	cJSON_Delete(p->tools_settings);
	cJSON_Delete(p->tool_aliases);
	sw_strvec_clear(&p->resources);
	for (i = 0; i < p->hooks_nr; i++) {
		free(p->hooks[i].command);
		free(p->hooks[i].matcher);
	}
	free(p->hooks);
	*p = (struct agent_profile)AGENT_PROFILE_INIT;
}
