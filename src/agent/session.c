/* SPDX-License-Identifier: Apache-2.0 */
/*
 * session.c - the agent loop (see agent.h for one turn's steps).
 *
 * A turn is a chain of asynchronous steps on the loop: prompt hooks ->
 * model call -> for each tool call (permission -> preToolUse hooks ->
 * tool -> postToolUse hooks) -> compaction if needed -> model call ... ->
 * stop hooks -> turn_end.  Each step ends by scheduling the next one.
 * Every continuation first checks s->canceled: cancellation stops what is
 * in flight (model call, tool process, sub-agents, hook, permission
 * request) and the first continuation to notice ends the turn with
 * "cancelled".  The conversation stays valid for the next turn: tool
 * calls left without a result get one saying they were cancelled.
 */
#include "base/compat.h"
#include "agent/internal.h"
#include "base/fs.h"
#include "base/json.h"

#include <time.h>
#include <unistd.h>

#define COMPACT_AT_PERCENT 80   /* of the context window (Kiro's IDE summarises at 80%) */
#define COMPACT_KEEP_MESSAGES 4 /* recent messages kept verbatim */
#define COMPACT_TRUNCATE 25000  /* a tool result longer than this is cut when nothing can be summarised */

static void model_step(struct agent_session *s, void *arg);
static void tools_step(struct agent_session *s, void *arg);
static void end_turn(struct agent_session *s, const char *stop, int rc, const struct sw_error *err);

/* ------------------------------------------------------------------ helpers */

static void on_defer(uv_timer_t *t)
{
	struct agent_session *s = t->data;
	agent__step_cb cb = s->defer_cb;

	s->defer_cb = NULL;
	if (cb)
		cb(s, s->defer_arg);
}

void agent__defer(struct agent_session *s, agent__step_cb cb, void *arg)
{
	s->defer_cb = cb;
	s->defer_arg = arg;
	uv_timer_start(&s->defer, on_defer, 0, 0);
}

void agent__notice(struct agent_session *s, const char *fmt, ...)
{
	struct sw_buf b = SW_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sw_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (s->ev.notice)
		s->ev.notice(s->ev.data, b.ptr);
	sw_buf_release(&b);
}

static char *new_session_id(void)
{
	struct sw_buf b = SW_BUF_INIT;
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	sw_buf_addf(&b, "%04d%02d%02dT%02d%02d%02d-%05lx", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec,
		    (unsigned long)(((uint64_t)ts.tv_nsec / 1000) ^ ((uint64_t)getpid() << 4)) & 0xfffff);
	return sw_buf_detach(&b, NULL);
}

static void profile_copy(struct agent_profile *dst, const struct agent_profile *src)
{
	size_t i;

	*dst = (struct agent_profile)AGENT_PROFILE_INIT;
	dst->name = sw_xstrdup(src->name ? src->name : "kiro_default");
	dst->prompt = src->prompt ? sw_xstrdup(src->prompt) : NULL;
	dst->model = src->model ? sw_xstrdup(src->model) : NULL;
	dst->all_tools = src->all_tools;
	sw_strvec_pushv(&dst->tools, (const char *const *)src->tools.v);
	sw_strvec_pushv(&dst->allowed_tools, (const char *const *)src->allowed_tools.v);
	dst->tools_settings = src->tools_settings ? cJSON_Duplicate(src->tools_settings, 1) : NULL;
	dst->tool_aliases = src->tool_aliases ? cJSON_Duplicate(src->tool_aliases, 1) : NULL;
	sw_strvec_pushv(&dst->resources, (const char *const *)src->resources.v);
	for (i = 0; i < src->hooks_nr; i++) {
		const struct agent_hook *h = &src->hooks[i];

		agent_profile_add_hook(dst, h->trigger, h->command, h->matcher, h->timeout_ms, h->max_output,
				       h->cache_ttl_s);
	}
	dst->include_mcp_json = src->include_mcp_json;
	dst->default_resources = src->default_resources;
}

/* ------------------------------------------------------------------ lifecycle */

int agent_session_new(struct agent_session **out, const struct agent_session_opts *o,
		      struct sw_error *err)
{
	struct agent_session *s = sw_xcalloc(1, sizeof(*s));
	struct agent_profile def = AGENT_PROFILE_INIT;
	int rc = 0;

	*out = NULL;
	assert(o->loop && o->cwd);
	s->loop = o->loop;
	s->cwd = sw_xstrdup(o->cwd);
	s->root = o->root ? sw_xstrdup(o->root) : NULL;
	if (o->profile) {
		profile_copy(&s->profile, o->profile);
	} else {
		agent_profile_default(&def);
		profile_copy(&s->profile, &def);
		agent_profile_release(&def);
	}
	s->ev = o->ev;
	s->trust_all = o->trust_all;
	s->trusted = (struct sw_strvec)SW_STRVEC_INIT;
	s->files = (struct sw_strvec)SW_STRVEC_INIT;
	s->mcp_names = (struct sw_strvec)SW_STRVEC_INIT;
	s->auto_approve = (struct sw_strvec)SW_STRVEC_INIT;
	s->mcp = o->mcp;
	s->io = o->io;
	if (o->mcp_auto_approve)
		sw_strvec_pushv(&s->auto_approve, o->mcp_auto_approve);
	if (o->trust_tools)
		sw_strvec_split(&s->trusted, o->trust_tools, ',');
	s->interactive = o->interactive;
	s->depth = o->depth;
	s->messages = cJSON_CreateArray();
	sw_buf_init(&s->spawn_context, 0);
	uv_timer_init(s->loop, &s->defer);
	s->defer.data = s;
	s->defer_open = 1;
	if (o->model_cfg) {
		s->cfg = (struct model_config *)o->model_cfg;
		s->borrowed_cfg = 1;
	} else {
		struct model_config_opts mo = MODEL_CONFIG_OPTS_INIT;

		mo.model = o->model;
		mo.agent_model = s->profile.model;
		mo.agent_name = s->profile.name;
		mo.root = s->root;
		if ((rc = model_config_resolve(&s->cfg, &mo, err)) < 0)
			goto fail;
		if (s->cfg->note && s->ev.notice)
			s->ev.notice(s->ev.data, s->cfg->note);
	}
	if ((rc = model_client_new(&s->mc, s->loop, s->cfg, err)) < 0)
		goto fail;
	s->tools = agent__tool_defs(s);
	if (o->resume_last && !o->resume_id) {
		char *last = agent_last_session(s->root ? s->root : s->cwd);

		if (!last) {
			rc = sw_error_set(err, SW_ENOTFOUND, "no session to resume in '%s/.kiro/sessions'",
					  s->root ? s->root : s->cwd);
			goto fail;
		}
		s->id = last;
	} else {
		s->id = o->resume_id ? sw_xstrdup(o->resume_id) : new_session_id();
	}
	if (o->transcript || o->resume_id || o->resume_last) {
		if ((rc = agent__transcript_open(s, (o->resume_id || o->resume_last) ? s->id : NULL, err)) < 0)
			goto fail;
	}
	*out = s;
	return 0;
fail:
	agent_session_free(s);
	return rc;
}

static void on_session_closed(uv_handle_t *h)
{
	struct agent_session *s = h->data;

	free(s);
}

static void calls_release(struct agent_session *s)
{
	size_t i;

	for (i = 0; i < s->ncalls; i++) {
		struct agent__call *c = &s->calls[i];

		agent__tool_drop(c);
		free(c->id);
		free(c->name);
		free(c->raw_name);
		free(c->title);
		free(c->path);
		free(c->pre_hook_context);
		free(c->old_text);
		free(c->new_text);
		sw_buf_release(&c->output);
		free(c->subs);
		if (c->sub_results) {
			size_t j;

			for (j = 0; j < c->nsubs; j++)
				free(c->sub_results[j]);
			free(c->sub_results);
		}
	}
	free(s->calls);
	s->calls = NULL;
	s->ncalls = s->cur = 0;
	cJSON_Delete(s->results);
	s->results = NULL;
}

void agent_session_free(struct agent_session *s)
{
	if (!s)
		return;
	s->ev = (struct agent_events){ NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
	agent__hooks_drop(s);
	calls_release(s);
	if (s->perm) {
		s->perm->s = NULL; /* an answer arriving later is ignored */
		s->perm = NULL;
	}
	model_client_free(s->mc);
	if (!s->borrowed_cfg)
		model_config_free(s->cfg);
	agent__transcript_close(s);
	agent__hook_cache_release(s);
	agent_profile_release(&s->profile);
	cJSON_Delete(s->messages);
	cJSON_Delete(s->tools);
	cJSON_Delete(s->todo);
	free(s->todo_path);
	free(s->system);
	free(s->prompt);
	free(s->final_text);
	free(s->id);
	free(s->cwd);
	free(s->root);
	sw_strvec_clear(&s->trusted);
	sw_strvec_clear(&s->files);
	sw_strvec_clear(&s->mcp_names);
	sw_strvec_clear(&s->auto_approve);
	free(s->compact_job);
	sw_buf_release(&s->spawn_context);
	free(s->transcript_path);
	if (s->defer_open) {
		uv_timer_stop(&s->defer);
		uv_close((uv_handle_t *)&s->defer, on_session_closed);
	} else {
		free(s);
	}
}

const char *agent_session_id(const struct agent_session *s) { return s->id; }
const struct model_usage *agent_session_usage(const struct agent_session *s) { return &s->usage; }
const cJSON *agent_session_messages(const struct agent_session *s) { return s->messages; }
const char *agent_session_transcript(const struct agent_session *s) { return s->transcript_path; }
const cJSON *agent_session_tools(const struct agent_session *s) { return s->tools; }

void agent_session_update_tools(struct agent_session *s)
{
	cJSON_Delete(s->tools);
	s->tools = agent__tool_defs(s);
}
int agent_session_busy(const struct agent_session *s) { return s->phase != AGENT__IDLE; }

const char *agent_session_model(const struct agent_session *s)
{
	return model_config_name(s->cfg);
}

/* ------------------------------------------------------------------ the turn */

static void add_message(struct agent_session *s, cJSON *msg_take)
{
	cJSON *rec = cJSON_CreateObject();

	cJSON_AddItemToObject(rec, "message", cJSON_Duplicate(msg_take, 1));
	agent__transcript(s, "message", rec);
	cJSON_AddItemToArray(s->messages, msg_take);
}

static void stop_hooks_done(struct agent__hook_run *r)
{
	struct agent_session *s = r->s;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *rec;
	const char *stop = s->stop_reason;
	int rc = s->turn_rc;

	s->hook = NULL;
	if (r->context.len)
		agent__notice(s, "stop hook: %s", r->context.ptr);
	agent__hook_run_free(r);
	err = s->turn_err;
	s->phase = AGENT__IDLE;
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "stop_reason", stop);
	if (rc < 0)
		cJSON_AddStringToObject(rec, "error", err.msg);
	agent__transcript(s, "turn_end", rec);
	s->turn_done = 1;
	if (s->ev.turn_end)
		s->ev.turn_end(s->ev.data, stop, rc, rc < 0 ? &err : NULL);
}

/* Gives every tool call still without a result one, so the history stays valid. */
static void close_open_calls(struct agent_session *s, const char *why)
{
	size_t i;

	if (!s->ncalls)
		return;
	if (!s->results)
		s->results = cJSON_CreateArray();
	for (i = cJSON_GetArraySize(s->results); i < s->ncalls; i++) {
		cJSON *b = cJSON_CreateObject();

		cJSON_AddStringToObject(b, "type", "tool_result");
		cJSON_AddStringToObject(b, "tool_use_id", s->calls[i].id);
		cJSON_AddStringToObject(b, "content", why);
		cJSON_AddTrueToObject(b, "is_error");
		cJSON_AddItemToArray(s->results, b);
	}
	{
		cJSON *m = cJSON_CreateObject();

		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddItemToObject(m, "content", s->results);
		s->results = NULL;
		add_message(s, m);
	}
	calls_release(s);
}

static void end_turn(struct agent_session *s, const char *stop, int rc, const struct sw_error *err)
{
	if (s->phase == AGENT__IDLE || s->phase == AGENT__STOP_HOOKS)
		return;
	if (s->ncalls)
		close_open_calls(s, rc == 0 && !strcmp(stop, "cancelled") ? "cancelled by the user"
									 : "not run: the turn ended");
	s->stop_reason = stop;
	s->turn_rc = rc;
	if (err)
		s->turn_err = *err;
	else
		sw_error_clear(&s->turn_err);
	s->phase = AGENT__STOP_HOOKS;
	if (s->canceled) {
		/* No stop hooks after a cancel: finish from the loop. */
		struct agent__hook_run *r = sw_xcalloc(1, sizeof(*r));

		r->s = s;
		sw_buf_init(&r->context, 0);
		sw_buf_init(&r->blocked, 0);
		stop_hooks_done(r);
		return;
	}
	agent__hooks_run(s, AGENT_HOOK_STOP, NULL, NULL, NULL, NULL, stop_hooks_done, NULL);
}

static const char *map_stop(const char *stop)
{
	if (!stop || !strcmp(stop, "end_turn") || !strcmp(stop, "stop_sequence") || !strcmp(stop, "tool_use"))
		return "end_turn";
	if (!strcmp(stop, "max_tokens"))
		return "max_tokens";
	if (!strcmp(stop, "refusal") || !strcmp(stop, "content_filtered") || !strcmp(stop, "guardrail_intervened"))
		return "refusal";
	return "end_turn";
}

static void on_model_text(void *data, const char *t, size_t len)
{
	struct agent_session *s = data;

	if (s->ev.text)
		s->ev.text(s->ev.data, t, len);
}

static void on_model_thought(void *data, const char *t, size_t len)
{
	struct agent_session *s = data;

	if (s->ev.thought)
		s->ev.thought(s->ev.data, t, len);
}

static void on_model_retry(void *data, int attempt, long delay, const struct sw_error *why)
{
	struct agent_session *s = data;

	agent__notice(s, "%s; retrying in %ld ms (attempt %d)", why ? why->msg : "model error", delay,
		      attempt + 1);
}

static void record_usage(struct agent_session *s, const struct model_usage *u, const char *what)
{
	cJSON *rec = cJSON_CreateObject();

	model_usage_add(&s->usage, u);
	s->last_input_tokens = u->input + u->cache_read + u->cache_write;
	cJSON_AddStringToObject(rec, "model", model_config_name(s->cfg));
	cJSON_AddStringToObject(rec, "for", what);
	cJSON_AddNumberToObject(rec, "input", (double)u->input);
	cJSON_AddNumberToObject(rec, "output", (double)u->output);
	cJSON_AddNumberToObject(rec, "cache_read", (double)u->cache_read);
	cJSON_AddNumberToObject(rec, "cache_write", (double)u->cache_write);
	cJSON_AddNumberToObject(rec, "cost", u->cost);
	cJSON_AddNumberToObject(rec, "session_cost", s->usage.cost);
	agent__transcript(s, "usage", rec);
	if (s->ev.usage)
		s->ev.usage(s->ev.data, u, &s->usage, s->last_input_tokens, s->cfg->context_window);
}

static void on_model_done(struct model_call *call, struct model_response *resp, int rc,
			  const struct sw_error *err, void *data)
{
	struct agent_session *s = data;
	const cJSON *content, *b;
	size_t n = 0;

	SW_UNUSED(call);
	s->call = NULL;
	if (s->canceled || rc == SW_ECANCELED) {
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	if (rc < 0) {
		end_turn(s, "end_turn", rc, err);
		return;
	}
	record_usage(s, &resp->usage, "turn");
	free(s->final_text);
	s->final_text = model_message_text(resp->message);
	content = cJSON_GetObjectItem(resp->message, "content");
	cJSON_ArrayForEach(b, content) {
		const cJSON *t = cJSON_GetObjectItem(b, "type");

		if (cJSON_IsString(t) && !strcmp(t->valuestring, "tool_use"))
			n++;
	}
	if (cJSON_GetArraySize(content) == 0) {
		/* An empty assistant message cannot be sent back: keep a placeholder. */
		cJSON *blk = cJSON_CreateObject();

		cJSON_AddStringToObject(blk, "type", "text");
		cJSON_AddStringToObject(blk, "text", "(no answer)");
		cJSON_AddItemToArray((cJSON *)content, blk);
	}
	add_message(s, resp->message);
	resp->message = NULL;
	content = cJSON_GetObjectItem(cJSON_GetArrayItem(s->messages, cJSON_GetArraySize(s->messages) - 1),
				      "content");
	if (n == 0) {
		end_turn(s, map_stop(resp->stop_reason), 0, NULL);
		return;
	}
	calls_release(s);
	s->calls = sw_xcalloc(n, sizeof(*s->calls));
	cJSON_ArrayForEach(b, content) {
		const cJSON *t = cJSON_GetObjectItem(b, "type");
		struct agent__call *c;
		const char *id, *name, *canon;

		if (!cJSON_IsString(t) || strcmp(t->valuestring, "tool_use"))
			continue;
		c = &s->calls[s->ncalls++];
		c->owner = s;
		id = cJSON_GetStringValue(cJSON_GetObjectItem(b, "id"));
		name = cJSON_GetStringValue(cJSON_GetObjectItem(b, "name"));
		c->id = sw_xstrdup(id ? id : "");
		c->raw_name = sw_xstrdup(name ? name : "");
		canon = agent__builtin(c->raw_name);
		if (!canon)
			canon = agent__mcp_name(s, c->raw_name);
		c->name = sw_xstrdup(canon ? canon : c->raw_name);
		c->input = cJSON_GetObjectItem(b, "input");
		sw_buf_init(&c->output, 0);
		c->status = AGENT_TOOL_PENDING;
		agent__describe_call(s, c);
	}
	s->cur = 0;
	s->results = cJSON_CreateArray();
	s->phase = AGENT__TOOLS;
	tools_step(s, NULL);
}

/* ---------------------------------------------------------------- compaction */

static void render_for_summary(struct sw_buf *b, const cJSON *msgs, int upto)
{
	int i;

	for (i = 0; i < upto; i++) {
		const cJSON *m = cJSON_GetArrayItem(msgs, i), *c = cJSON_GetObjectItem(m, "content"), *blk;
		const char *role = cJSON_GetStringValue(cJSON_GetObjectItem(m, "role"));

		sw_buf_addf(b, "\n[%s]\n", role ? role : "?");
		if (cJSON_IsString(c)) {
			sw_buf_adds(b, c->valuestring);
			continue;
		}
		cJSON_ArrayForEach(blk, c) {
			const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(blk, "type"));
			const cJSON *x;

			if (!t)
				continue;
			if (!strcmp(t, "text") && (x = cJSON_GetObjectItem(blk, "text")) && cJSON_IsString(x)) {
				sw_buf_addf(b, "%s\n", x->valuestring);
			} else if (!strcmp(t, "tool_use")) {
				struct sw_buf in = SW_BUF_INIT;

				sw_json_print(&in, cJSON_GetObjectItem(blk, "input"), 0);
				sw_buf_addf(b, "(tool call %s %.2000s)\n",
					    cJSON_GetStringValue(cJSON_GetObjectItem(blk, "name")), in.ptr);
				sw_buf_release(&in);
			} else if (!strcmp(t, "tool_result")) {
				x = cJSON_GetObjectItem(blk, "content");
				sw_buf_addf(b, "(tool result %.2000s)\n",
					    cJSON_IsString(x) ? x->valuestring : "");
			}
		}
	}
}

struct compact_job {
	int split;
	int before;
};

static void on_summary_done(struct model_call *call, struct model_response *resp, int rc,
			    const struct sw_error *err, void *data)
{
	struct agent_session *s = data;
	struct compact_job *job = s->compact_job;

	s->compact_job = NULL;
	cJSON *fresh, *first, *content, *blk, *rec;
	struct sw_buf text = SW_BUF_INIT;
	char *summary;
	int i, n;

	SW_UNUSED(call);
	s->call = NULL;
	if (s->canceled || rc == SW_ECANCELED) {
		free(job);
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	if (rc < 0) {
		free(job);
		end_turn(s, "end_turn", rc, err);
		return;
	}
	record_usage(s, &resp->usage, "compaction");
	summary = model_message_text(resp->message);
	fresh = cJSON_CreateArray();
	first = cJSON_CreateObject();
	content = cJSON_CreateArray();
	blk = cJSON_CreateObject();
	sw_buf_addf(&text, "[Summary of the earlier conversation]\n%s", summary);
	cJSON_AddStringToObject(first, "role", "user");
	cJSON_AddStringToObject(blk, "type", "text");
	cJSON_AddStringToObject(blk, "text", text.ptr);
	cJSON_AddItemToArray(content, blk);
	cJSON_AddItemToObject(first, "content", content);
	cJSON_AddItemToArray(fresh, first);
	n = cJSON_GetArraySize(s->messages);
	for (i = job->split; i < n; i++)
		cJSON_AddItemToArray(fresh, cJSON_Duplicate(cJSON_GetArrayItem(s->messages, i), 1));
	cJSON_Delete(s->messages);
	s->messages = fresh;
	rec = cJSON_CreateObject();
	cJSON_AddNumberToObject(rec, "summarised", job->split);
	cJSON_AddItemToObject(rec, "messages", cJSON_Duplicate(fresh, 1));
	agent__transcript(s, "compaction", rec);
	agent__notice(s, "the context window was nearly full: summarised %d earlier messages", job->split);
	sw_buf_release(&text);
	free(summary);
	free(job);
	s->compacted_at = s->model_calls;
	s->phase = AGENT__MODEL;
	model_step(s, NULL);
}

/* Cuts long tool results when there is nothing old enough to summarise. */
static int truncate_results(struct agent_session *s)
{
	const cJSON *m, *b;
	int cut = 0;

	cJSON_ArrayForEach(m, s->messages) {
		cJSON_ArrayForEach(b, cJSON_GetObjectItem(m, "content")) {
			cJSON *c = cJSON_GetObjectItem(b, "content");

			if (cJSON_IsString(c) && strlen(c->valuestring) > COMPACT_TRUNCATE) {
				struct sw_buf t = SW_BUF_INIT;

				sw_buf_add(&t, c->valuestring, COMPACT_TRUNCATE);
				sw_buf_adds(&t, "\n... truncated to fit the context window");
				cJSON_SetValuestring(c, t.ptr);
				sw_buf_release(&t);
				cut++;
			}
		}
	}
	return cut;
}

/* Starts a compaction when the history nears the window; returns 1 if it did. */
static int maybe_compact(struct agent_session *s)
{
	struct sw_buf all = SW_BUF_INIT;
	long used, limit = s->cfg->context_window * COMPACT_AT_PERCENT / 100;
	int n = cJSON_GetArraySize(s->messages), split = -1, i;
	struct model_request req = { NULL, NULL, NULL, 0 };
	struct model_stream_cb cb = { NULL, NULL, NULL, on_model_retry, s };
	struct sw_error err = SW_ERROR_INIT;
	struct compact_job *job;
	cJSON *msgs;
	int rc;

	if (s->compacted_at == s->model_calls && s->model_calls > 0)
		return 0;
	sw_json_print(&all, s->messages, 0);
	used = agent__tokens(all.ptr, all.len) + agent__tokens(s->system ? s->system : "",
								s->system ? strlen(s->system) : 0);
	if (s->last_input_tokens > used)
		used = s->last_input_tokens;
	sw_buf_release(&all);
	if (used < limit)
		return 0;
	for (i = n - COMPACT_KEEP_MESSAGES; i >= 1; i--) {
		const char *role = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(s->messages, i), "role"));

		if (role && !strcmp(role, "assistant")) {
			split = i;
			break;
		}
	}
	if (split < 1) {
		if (truncate_results(s))
			agent__notice(s, "the context window was nearly full: cut long tool results");
		return 0;
	}
	sw_buf_adds(&all, "Summarize the conversation below so that the work can continue without it. "
		    "Keep the user's goals, decisions made, files read or changed, tool results that still "
		    "matter, and what remains to be done. Answer with the summary only.\n\n<conversation>");
	render_for_summary(&all, s->messages, split);
	sw_buf_adds(&all, "\n</conversation>");
	msgs = cJSON_CreateArray();
	model_add_user_text(msgs, all.ptr);
	sw_buf_release(&all);
	req.system = "You summarise conversations between a user and a coding agent.";
	req.messages = msgs;
	job = sw_xcalloc(1, sizeof(*job));
	job->split = split;
	s->compact_job = job;
	s->phase = AGENT__COMPACT;
	rc = model_call_start(&s->call, s->mc, &req, &cb, on_summary_done, s, &err);
	cJSON_Delete(msgs);
	if (rc < 0) {
		free(job);
		s->compact_job = NULL;
		s->phase = AGENT__MODEL;
		end_turn(s, "end_turn", rc, &err);
	}
	return 1;
}

/* ------------------------------------------------------------------ steps */

static void model_step(struct agent_session *s, void *arg)
{
	struct model_request req = { NULL, NULL, NULL, 0 };
	struct model_stream_cb cb = { on_model_text, on_model_thought, NULL, on_model_retry, s };
	struct sw_error err = SW_ERROR_INIT;
	int rc;

	SW_UNUSED(arg);
	if (s->canceled) {
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	if (s->model_calls >= AGENT_MAX_MODEL_CALLS) {
		end_turn(s, "max_turn_requests", 0, NULL);
		return;
	}
	free(s->system);
	s->system = agent__system_prompt(s, s->prompt);
	s->phase = AGENT__MODEL;
	if (maybe_compact(s))
		return;
	s->model_calls++;
	req.system = s->system;
	req.messages = s->messages;
	req.tools = s->tools;
	rc = model_call_start(&s->call, s->mc, &req, &cb, on_model_done, s, &err);
	if (rc < 0)
		end_turn(s, "end_turn", rc, &err);
}

static void push_result(struct agent_session *s, struct agent__call *c)
{
	cJSON *b = cJSON_CreateObject();
	struct sw_buf out = SW_BUF_INIT;

	if (c->output.len > AGENT_TOOL_OUTPUT_MAX) {
		sw_buf_add(&out, c->output.ptr, AGENT_TOOL_OUTPUT_MAX);
		sw_buf_addf(&out, "\n... truncated (%zu bytes in all)", c->output.len);
	} else {
		sw_buf_addbuf(&out, &c->output);
	}
	cJSON_AddStringToObject(b, "type", "tool_result");
	cJSON_AddStringToObject(b, "tool_use_id", c->id);
	cJSON_AddStringToObject(b, "content", out.len ? out.ptr : "(no output)");
	if (c->is_error)
		cJSON_AddTrueToObject(b, "is_error");
	cJSON_AddItemToArray(s->results, b);
	sw_buf_release(&out);
}

static void emit_update(struct agent_session *s, struct agent__call *c)
{
	struct agent_tool_call tc = { c->id, c->name, c->title, c->kind, c->input, c->status,
				      c->status >= AGENT_TOOL_DONE ? c->output.ptr : NULL, c->path,
				      c->status == AGENT_TOOL_DONE ? c->new_text : NULL, c->old_text };

	if (s->ev.tool_update)
		s->ev.tool_update(s->ev.data, &tc);
}

static void next_call(struct agent_session *s, void *arg)
{
	SW_UNUSED(arg);
	s->cur++;
	tools_step(s, NULL);
}

static void post_hooks_done(struct agent__hook_run *r)
{
	struct agent_session *s = r->s;
	struct agent__call *c = &s->calls[s->cur];

	s->hook = NULL;
	agent__hook_run_free(r);
	push_result(s, c);
	if (s->canceled) {
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	next_call(s, NULL);
}

void agent__tool_finished(struct agent_session *s, struct agent__call *c)
{
	cJSON *rec, *resp;
	struct sw_buf rj = SW_BUF_INIT;

	c->status = c->is_error ? AGENT_TOOL_FAILED : AGENT_TOOL_DONE;
	emit_update(s, c);
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "id", c->id);
	cJSON_AddStringToObject(rec, "name", c->name);
	cJSON_AddBoolToObject(rec, "error", c->is_error);
	agent__transcript(s, "tool", rec);
	if (s->canceled) {
		push_result(s, c);
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	/* postToolUse gets {"success": bool, "result": [output]} as tool_response. */
	resp = cJSON_CreateObject();
	cJSON_AddBoolToObject(resp, "success", !c->is_error);
	cJSON_AddItemToObject(resp, "result", cJSON_CreateArray());
	cJSON_AddItemToArray(cJSON_GetObjectItem(resp, "result"), cJSON_CreateString(c->output.ptr));
	sw_json_print(&rj, resp, 0);
	cJSON_Delete(resp);
	agent__hooks_run(s, AGENT_HOOK_POST_TOOL, c->name, c->input, rj.ptr, NULL, post_hooks_done, NULL);
	sw_buf_release(&rj);
}

static void pre_hooks_done(struct agent__hook_run *r)
{
	struct agent_session *s = r->s;
	struct agent__call *c = &s->calls[s->cur];

	s->hook = NULL;
	if (s->canceled) {
		agent__hook_run_free(r);
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	if (r->block) {
		/* Exit 2 from a preToolUse hook: the tool does not run; the model reads stderr. */
		sw_buf_addf(&c->output, "the tool call was blocked by a preToolUse hook: %s",
			    r->blocked.len ? r->blocked.ptr : "(no reason given)");
		c->is_error = 1;
		agent__hook_run_free(r);
		c->status = AGENT_TOOL_FAILED;
		emit_update(s, c);
		push_result(s, c);
		agent__defer(s, next_call, NULL);
		return;
	}
	agent__hook_run_free(r);
	c->status = AGENT_TOOL_RUNNING;
	emit_update(s, c);
	agent__tool_run(s, c);
}

static void refuse(struct agent_session *s, struct agent__call *c, const char *fmt, ...) SW_PRINTF(3, 4);

static void refuse(struct agent_session *s, struct agent__call *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sw_buf_vaddf(&c->output, fmt, ap);
	va_end(ap);
	c->is_error = 1;
	c->status = AGENT_TOOL_FAILED;
	emit_update(s, c);
	push_result(s, c);
	agent__defer(s, next_call, NULL);
}

static void start_call(struct agent_session *s, struct agent__call *c)
{
	agent__hooks_run(s, AGENT_HOOK_PRE_TOOL, c->name, c->input, NULL, NULL, pre_hooks_done, NULL);
}

void agent_permission_answer(struct agent_permission *req, enum agent_permission_outcome outcome)
{
	struct agent_session *s = req->s;
	struct agent__call *c;

	if (req->answered)
		return;
	req->answered = 1;
	if (!s || s->perm != req || req->gen != s->gen) {
		free(req);
		return;
	}
	s->perm = NULL;
	free(req);
	c = &s->calls[s->cur];
	if (s->canceled || outcome == AGENT_PERMISSION_CANCELLED) {
		s->canceled = 1;
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	if (outcome == AGENT_REJECT) {
		refuse(s, c, "the user did not allow this call of '%s'", c->name);
		return;
	}
	if (outcome == AGENT_ALLOW_ALWAYS && !sw_strvec_contains(&s->trusted, c->name))
		sw_strvec_push(&s->trusted, c->name);
	start_call(s, c);
}

static void tools_step(struct agent_session *s, void *arg)
{
	struct agent__call *c;
	struct sw_buf why = SW_BUF_INIT;
	enum agent__verdict v;

	SW_UNUSED(arg);
	if (s->canceled) {
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	if (s->cur >= s->ncalls) {
		cJSON *m = cJSON_CreateObject();

		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddItemToObject(m, "content", s->results);
		s->results = NULL;
		add_message(s, m);
		calls_release(s);
		model_step(s, NULL);
		return;
	}
	c = &s->calls[s->cur];
	if (s->ev.tool_call) {
		struct agent_tool_call tc = { c->id, c->name, c->title, c->kind, c->input, c->status, NULL, c->path,
					      NULL, NULL };

		s->ev.tool_call(s->ev.data, &tc);
	}
	if (!agent__tool_enabled(s, c->name)) {
		refuse(s, c, "there is no tool named '%s' available to this agent", c->raw_name);
		return;
	}
	v = agent__permission(s, c, &why);
	if (v == AGENT__DENY) {
		refuse(s, c, "%s", why.ptr);
		sw_buf_release(&why);
		return;
	}
	sw_buf_release(&why);
	if (v == AGENT__ASK) {
		if (s->interactive && s->ev.permission) {
			struct agent_permission *req = sw_xcalloc(1, sizeof(*req));
			struct agent_tool_call tc = { c->id, c->name, c->title, c->kind, c->input, c->status, NULL, c->path,
					      NULL, NULL };

			req->s = s;
			req->gen = s->gen;
			s->perm = req;
			s->ev.permission(s->ev.data, req, &tc);
			return;
		}
		refuse(s, c, "'%s' needs approval, which cannot be given in a non-interactive session; "
			     "allow it with --trust-tools=%s, --trust-all-tools, or the agent's allowedTools",
		       c->name, c->name);
		return;
	}
	start_call(s, c);
}

static void prompt_hooks_done(struct agent__hook_run *r)
{
	struct agent_session *s = r->s;
	struct sw_buf text = SW_BUF_INIT;
	cJSON *m, *content, *b;

	s->hook = NULL;
	if (s->canceled) {
		agent__hook_run_free(r);
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	sw_buf_adds(&text, s->prompt);
	if (r->context.len) {
		/* Hook output joins the prompt as context, as Kiro does. */
		sw_buf_addf(&text, "\n\n<context source=\"userPromptSubmit hooks\">\n%s</context>", r->context.ptr);
	}
	agent__hook_run_free(r);
	m = cJSON_CreateObject();
	content = cJSON_CreateArray();
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "user");
	cJSON_AddStringToObject(b, "type", "text");
	cJSON_AddStringToObject(b, "text", text.ptr);
	cJSON_AddItemToArray(content, b);
	cJSON_AddItemToObject(m, "content", content);
	add_message(s, m);
	sw_buf_release(&text);
	model_step(s, NULL);
}

static void spawn_hooks_done(struct agent__hook_run *r)
{
	struct agent_session *s = r->s;

	s->hook = NULL;
	s->spawned = 1;
	sw_buf_addbuf(&s->spawn_context, &r->context);
	agent__hook_run_free(r);
	if (s->canceled) {
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	agent__hooks_run(s, AGENT_HOOK_PROMPT, NULL, NULL, NULL, s->prompt, prompt_hooks_done, NULL);
}

static void turn_start(struct agent_session *s, void *arg)
{
	SW_UNUSED(arg);
	if (s->canceled) {
		end_turn(s, "cancelled", 0, NULL);
		return;
	}
	if (!s->spawned)
		agent__hooks_run(s, AGENT_HOOK_SPAWN, NULL, NULL, NULL, NULL, spawn_hooks_done, NULL);
	else
		agent__hooks_run(s, AGENT_HOOK_PROMPT, NULL, NULL, NULL, s->prompt, prompt_hooks_done, NULL);
}

int agent_session_prompt(struct agent_session *s, const char *text, struct sw_error *err)
{
	if (s->phase != AGENT__IDLE)
		return sw_error_set(err, SW_ECONFLICT, "a turn is already running in session '%s'", s->id);
	s->gen++;
	s->canceled = 0;
	s->model_calls = 0;
	s->compacted_at = -1;
	s->turn_done = 0;
	s->stop_reason = NULL;
	s->turn_rc = 0;
	sw_error_clear(&s->turn_err);
	free(s->prompt);
	s->prompt = sw_xstrdup(text);
	s->phase = AGENT__PROMPT_HOOKS;
	/* Start from the loop, so no callback runs before this returns. */
	agent__defer(s, turn_start, NULL);
	return 0;
}

void agent_session_cancel(struct agent_session *s)
{
	if (s->phase == AGENT__IDLE || s->phase == AGENT__STOP_HOOKS || s->canceled)
		return;
	s->canceled = 1;
	if (s->call) {
		model_call_cancel(s->call);
		return;
	}
	if (s->perm) {
		agent_permission_answer(s->perm, AGENT_PERMISSION_CANCELLED);
		return;
	}
	if (s->hook) {
		agent__hooks_cancel(s);
		return;
	}
	if (s->phase == AGENT__TOOLS && s->cur < s->ncalls && s->calls[s->cur].status == AGENT_TOOL_RUNNING) {
		agent__tool_cancel(s, &s->calls[s->cur]);
		return;
	}
	/* Between steps: the next step notices. */
}

int agent_run_prompt(struct agent_session *s, const char *text, const char **stop, struct sw_error *err)
{
	int rc;

	if ((rc = agent_session_prompt(s, text, err)) < 0)
		return rc;
	while (!s->turn_done && uv_run(s->loop, UV_RUN_ONCE))
		;
	if (stop)
		*stop = s->stop_reason;
	if (!s->turn_done)
		return sw_error_set(err, SW_ERROR, "the event loop stopped before the turn ended");
	if (s->turn_rc < 0 && err)
		*err = s->turn_err;
	return s->turn_rc;
}
