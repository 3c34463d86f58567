/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent.c - ACP v1 agent side over base/jrpc (contract in agent.h).
 *
 * Sessions (struct acp_sink) live in a list on the agent.  A session has at
 * most one running turn: the session/prompt request is held until the
 * backend calls acp_sink_turn_end().  A cancelled turn that the backend does
 * not end within CANCEL_ANSWER_MS is answered "cancelled" by us, so a client
 * never waits more than about a second after session/cancel; a late
 * turn_end is then dropped.
 *
 * Requests we send the client (permission, fs, terminals) are given up when
 * the turn is cancelled; base/jrpc then calls our on_cancel hook, which tells
 * the client with $/cancel_request.
 */
#include "base/compat.h"
#include "acp/agent.h"
#include "acp/client.h"
#include "acp/mcpservers.h"
#include "base/jrpc.h"
#include "base/json.h"

#define DEFAULT_REQUEST_TIMEOUT_MS 60000
#define CANCEL_ANSWER_MS 900
#define DIFF_MAX (256u << 10) /* an edit larger than this goes without its diff */

struct perm {                     /* an outstanding request we may give up */
	int64_t id;
	struct perm *next;
};

struct acp_sink {
	struct acp_agent *a;
	void *sess;                   /* the backend's session */
	char *id;
	char *cwd;
	char *mode;
	struct jrpc_request *prompt;  /* the running session/prompt */
	int cancelled;                /* the running turn was cancelled */
	int answered;                 /* the prompt was answered before turn_end */
	struct acp_usage usage;
	int have_usage;
	struct perm *perms;
	uv_timer_t timer;             /* the cancel answer deadline */
	int timer_open;
	struct acp_sink *next;
};

struct acp_agent {
	uv_loop_t *loop;
	struct acp_agent_opts o;
	char *name, *version;
	struct jrpc *rpc;
	int initialized;
	int fs_read, fs_write, terminal;
	struct acp_sink *sessions;
	int handles;                  /* open session timers */
	int busy, freed;
};

static void maybe_release(struct acp_agent *a);

static void enter(struct acp_agent *a)
{
	a->busy++;
}

static void leave(struct acp_agent *a)
{
	a->busy--;
	maybe_release(a);
}

static void free_sink(struct acp_sink *k)
{
	struct perm *p;

	while ((p = k->perms)) {
		k->perms = p->next;
		free(p);
	}
	free(k->id);
	free(k->cwd);
	free(k->mode);
	free(k);
}

static void maybe_release(struct acp_agent *a)
{
	struct acp_sink *k;

	if (!a->freed || a->busy || a->handles)
		return;
	while ((k = a->sessions)) {
		a->sessions = k->next;
		free_sink(k);
	}
	free(a->name);
	free(a->version);
	free(a);
}

static void timer_closed(uv_handle_t *h)
{
	struct acp_sink *k = h->data;
	struct acp_agent *a = k->a;

	a->handles--;
	maybe_release(a);
}

/* ---------- sending ---------- */

static void send_update(struct acp_sink *k, cJSON *update)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "sessionId", k->id);
	cJSON_AddItemToObject(p, "update", update);
	jrpc_notify_take(k->a->rpc, "session/update", p, NULL);
}

static cJSON *new_update(const char *kind)
{
	cJSON *u = cJSON_CreateObject();

	cJSON_AddStringToObject(u, "sessionUpdate", kind);
	return u;
}

static cJSON *text_block(const char *s, size_t len)
{
	cJSON *b = cJSON_CreateObject();
	char *t = sw_xstrndup(s, len);

	cJSON_AddStringToObject(b, "type", "text");
	cJSON_AddStringToObject(b, "text", t);
	free(t);
	return b;
}

static void send_chunk(struct acp_sink *k, const char *kind, const char *s, size_t len)
{
	cJSON *u = new_update(kind);

	cJSON_AddItemToObject(u, "content", text_block(s, len));
	send_update(k, u);
}

/* ---------- the sink: what a backend reports ---------- */

static int turn_live(const struct acp_sink *k)
{
	return k->prompt && !k->answered;
}

void acp_sink_text(struct acp_sink *k, const char *s, size_t len)
{
	if (len)
		send_chunk(k, "agent_message_chunk", s, len);
}

void acp_sink_thought(struct acp_sink *k, const char *s, size_t len)
{
	if (len)
		send_chunk(k, "agent_thought_chunk", s, len);
}

static const char *status_name(enum acp_tool_status s)
{
	switch (s) {
	case ACP_TOOL_PENDING:
		return "pending";
	case ACP_TOOL_RUNNING:
		return "in_progress";
	case ACP_TOOL_DONE:
		return "completed";
	case ACP_TOOL_FAILED:
		return "failed";
	}
	return "pending";
}

static void add_tool_fields(cJSON *u, const struct acp_tool_info *tc, int full)
{
	cJSON_AddStringToObject(u, "toolCallId", tc->id ? tc->id : "");
	if (full || tc->title)
		cJSON_AddStringToObject(u, "title", tc->title ? tc->title : "tool");
	if (full || tc->kind)
		cJSON_AddStringToObject(u, "kind", tc->kind ? tc->kind : "other");
	cJSON_AddStringToObject(u, "status", status_name(tc->status));
	if (tc->input && full)
		cJSON_AddItemToObject(u, "rawInput", cJSON_Duplicate(tc->input, 1));
	if (tc->path && full) {
		cJSON *locs = cJSON_AddArrayToObject(u, "locations"), *l = cJSON_CreateObject();

		cJSON_AddStringToObject(l, "path", tc->path);
		cJSON_AddItemToArray(locs, l);
	}
	if (tc->output || tc->new_text) {
		cJSON *content = cJSON_AddArrayToObject(u, "content"), *c;

		/* An edit as a diff the client can show (small files only: it travels whole). */
		if (tc->new_text && tc->path && strlen(tc->new_text) <= DIFF_MAX &&
		    (!tc->old_text || strlen(tc->old_text) <= DIFF_MAX)) {
			c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "type", "diff");
			cJSON_AddStringToObject(c, "path", tc->path);
			if (tc->old_text)
				cJSON_AddStringToObject(c, "oldText", tc->old_text);
			else
				cJSON_AddNullToObject(c, "oldText");
			cJSON_AddStringToObject(c, "newText", tc->new_text);
			cJSON_AddItemToArray(content, c);
		}
		if (tc->output) {
			c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "type", "content");
			cJSON_AddItemToObject(c, "content", text_block(tc->output, strlen(tc->output)));
			cJSON_AddItemToArray(content, c);
		}
	}
}

void acp_sink_tool_call(struct acp_sink *k, const struct acp_tool_info *tc)
{
	cJSON *u = new_update("tool_call");

	add_tool_fields(u, tc, 1);
	send_update(k, u);
}

void acp_sink_tool_update(struct acp_sink *k, const struct acp_tool_info *tc)
{
	cJSON *u = new_update("tool_call_update");

	add_tool_fields(u, tc, 0);
	send_update(k, u);
}

void acp_sink_plan(struct acp_sink *k, const cJSON *entries)
{
	cJSON *u = new_update("plan"), *arr = cJSON_AddArrayToObject(u, "entries");
	const cJSON *e;

	cJSON_ArrayForEach(e, entries) {
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(e, "content");
		const cJSON *status = cJSON_GetObjectItemCaseSensitive(e, "status");
		const cJSON *prio = cJSON_GetObjectItemCaseSensitive(e, "priority");
		cJSON *x = cJSON_CreateObject();

		cJSON_AddStringToObject(x, "content", cJSON_IsString(content) ? content->valuestring : "");
		cJSON_AddStringToObject(x, "priority", cJSON_IsString(prio) ? prio->valuestring : "medium");
		cJSON_AddStringToObject(x, "status", cJSON_IsString(status) ? status->valuestring : "pending");
		cJSON_AddItemToArray(arr, x);
	}
	send_update(k, u);
}

void acp_sink_usage(struct acp_sink *k, const struct acp_usage *u)
{
	cJSON *up;

	k->usage = *u;
	k->have_usage = 1;
	if (u->context_used < 0 || u->context_size <= 0)
		return;
	up = new_update("usage_update");
	cJSON_AddNumberToObject(up, "used", (double)u->context_used);
	cJSON_AddNumberToObject(up, "size", (double)u->context_size);
	if (u->cost >= 0) {
		cJSON *c = cJSON_AddObjectToObject(up, "cost");

		cJSON_AddNumberToObject(c, "amount", u->cost);
		cJSON_AddStringToObject(c, "currency", "USD");
	}
	send_update(k, up);
}

static void forget_perm(struct acp_sink *k, int64_t id)
{
	struct perm **pp;

	for (pp = &k->perms; *pp; pp = &(*pp)->next)
		if ((*pp)->id == id) {
			struct perm *p = *pp;

			*pp = p->next;
			free(p);
			return;
		}
}

static void track(struct acp_sink *k, int64_t id)
{
	struct perm *p = sw_xcalloc(1, sizeof(*p));

	p->id = id;
	p->next = k->perms;
	k->perms = p;
}

struct perm_job {
	struct acp_sink *k;
	int64_t id;
	acp_sink_permission_cb cb;
	void *data;
};

static void on_permission(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct perm_job *j = data;
	enum acp_permission out = ACP_PERMISSION_CANCELLED;

	SW_UNUSED(rpc);
	forget_perm(j->k, j->id);
	if (res->rc == 0) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(res->result, "outcome");
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "outcome");
		const cJSON *opt = cJSON_GetObjectItemCaseSensitive(o, "optionId");

		if (cJSON_IsString(kind) && !strcmp(kind->valuestring, "selected") && cJSON_IsString(opt)) {
			if (!strcmp(opt->valuestring, "allow"))
				out = ACP_ALLOW_ONCE;
			else if (!strcmp(opt->valuestring, "always"))
				out = ACP_ALLOW_ALWAYS;
			else
				out = ACP_REJECT;
		}
	}
	if (j->k->cancelled)
		out = ACP_PERMISSION_CANCELLED;
	j->cb(out, j->data);
	free(j);
}

static cJSON *perm_option(const char *id, const char *name, const char *kind)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "optionId", id);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "kind", kind);
	return o;
}

/* Runs @cb from the loop, not from inside the caller's stack. */
struct later {
	uv_idle_t idle;
	void (*fn)(void *);
	void *arg;
};

static void later_closed(uv_handle_t *h)
{
	free(h->data);
}

static void later_run(uv_idle_t *h)
{
	struct later *l = h->data;

	uv_idle_stop(h);
	l->fn(l->arg);
	uv_close((uv_handle_t *)h, later_closed);
}

static void run_later(uv_loop_t *loop, void (*fn)(void *), void *arg)
{
	struct later *l = sw_xcalloc(1, sizeof(*l));

	l->fn = fn;
	l->arg = arg;
	uv_idle_init(loop, &l->idle);
	l->idle.data = l;
	uv_idle_start(&l->idle, later_run);
}

static void perm_cancelled_later(void *arg)
{
	struct perm_job *j = arg;

	j->cb(ACP_PERMISSION_CANCELLED, j->data);
	free(j);
}

void acp_sink_ask_permission(struct acp_sink *k, const struct acp_tool_info *tc, acp_sink_permission_cb cb,
			     void *data)
{
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct perm_job *j = sw_xcalloc(1, sizeof(*j));
	cJSON *p, *t, *opts;

	j->k = k;
	j->cb = cb;
	j->data = data;
	if (k->cancelled || !turn_live(k) || jrpc_closed(k->a->rpc)) {
		run_later(k->a->loop, perm_cancelled_later, j);
		return;
	}
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "sessionId", k->id);
	t = cJSON_AddObjectToObject(p, "toolCall");
	add_tool_fields(t, tc, 1);
	opts = cJSON_AddArrayToObject(p, "options");
	cJSON_AddItemToArray(opts, perm_option("allow", "Allow once", "allow_once"));
	cJSON_AddItemToArray(opts, perm_option("always", "Allow always", "allow_always"));
	cJSON_AddItemToArray(opts, perm_option("reject", "Reject", "reject_once"));
	co.on_response = on_permission;
	co.data = j;
	/* No timeout: a person may take their time to answer. */
	if (jrpc_call_take(k->a->rpc, &j->id, "session/request_permission", p, &co, NULL) < 0) {
		run_later(k->a->loop, perm_cancelled_later, j);
		return;
	}
	track(k, j->id);
}

static cJSON *usage_meta(const struct acp_sink *k)
{
	cJSON *m = cJSON_CreateObject(), *u = cJSON_AddObjectToObject(m, "usage");
	const struct acp_usage *x = &k->usage;

	if (x->input >= 0)
		cJSON_AddNumberToObject(u, "inputTokens", (double)x->input);
	if (x->output >= 0)
		cJSON_AddNumberToObject(u, "outputTokens", (double)x->output);
	if (x->cache_read >= 0)
		cJSON_AddNumberToObject(u, "cachedReadTokens", (double)x->cache_read);
	if (x->cache_write >= 0)
		cJSON_AddNumberToObject(u, "cachedWriteTokens", (double)x->cache_write);
	if (x->input >= 0 && x->output >= 0)
		cJSON_AddNumberToObject(u, "totalTokens", (double)(x->input + x->output +
					(x->cache_read > 0 ? x->cache_read : 0) + (x->cache_write > 0 ? x->cache_write : 0)));
	if (x->cost >= 0) {
		cJSON *c = cJSON_AddObjectToObject(u, "cost");

		cJSON_AddNumberToObject(c, "amount", x->cost);
		cJSON_AddStringToObject(c, "currency", "USD");
	}
	return m;
}

static void answer_prompt(struct acp_sink *k, const char *stop_reason)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "stopReason", stop_reason);
	if (k->have_usage)
		cJSON_AddItemToObject(r, "_meta", usage_meta(k));
	jrpc_reply_take(k->prompt, r, NULL);
}

static void stop_cancel_timer(struct acp_sink *k)
{
	if (k->timer_open)
		uv_timer_stop(&k->timer);
}

void acp_sink_turn_end(struct acp_sink *k, const char *stop_reason, int rc, const struct sw_error *err)
{
	struct acp_agent *a = k->a;

	enter(a);
	stop_cancel_timer(k);
	if (k->prompt && !k->answered) {
		if (k->cancelled)
			answer_prompt(k, "cancelled");
		else if (rc < 0)
			jrpc_reply_error(k->prompt, JRPC_INTERNAL_ERROR, err && err->msg[0] ? err->msg : "Internal error",
					 NULL, NULL);
		else
			answer_prompt(k, stop_reason ? stop_reason : "end_turn");
	}
	k->prompt = NULL;
	k->answered = 0;
	k->cancelled = 0;
	leave(a);
}

int acp_sink_client_reads(const struct acp_sink *k)
{
	return k->a->fs_read;
}

int acp_sink_client_writes(const struct acp_sink *k)
{
	return k->a->fs_write;
}

int acp_sink_client_terminal(const struct acp_sink *k)
{
	return k->a->terminal;
}

/* ---------- delegation to the client ---------- */

struct text_job {
	struct acp_sink *k;
	int64_t id;
	acp_text_cb cb;
	void *data;
	const char *method;
};

static int response_rc(const struct jrpc_response *res, struct sw_error *err)
{
	if (res->rc == 0)
		return 0;
	*err = *res->err;
	if (res->rc == SW_EPROTO && res->code == JRPC_RESOURCE_NOT_FOUND)
		err->code = SW_ENOTFOUND;
	return err->code;
}

static void on_text(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct text_job *j = data;
	struct sw_error err = SW_ERROR_INIT;
	int rc = response_rc(res, &err);

	SW_UNUSED(rpc);
	forget_perm(j->k, j->id);
	if (rc == 0 && !strcmp(j->method, "fs/read_text_file")) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(res->result, "content");

		if (!cJSON_IsString(c)) {
			sw_error_set(&err, SW_EPROTO, "the client's fs/read_text_file result has no 'content'");
			j->cb(SW_EPROTO, NULL, &err, j->data);
		} else {
			j->cb(0, c->valuestring, NULL, j->data);
		}
	} else {
		j->cb(rc, NULL, rc < 0 ? &err : NULL, j->data);
	}
	free(j);
}

static void text_failed_later(void *arg)
{
	struct text_job *j = arg;
	struct sw_error err = SW_ERROR_INIT;

	sw_error_set(&err, SW_EIO, "the client cannot serve '%s'", j->method);
	j->cb(SW_EIO, NULL, &err, j->data);
	free(j);
}

static void client_text_call(struct acp_sink *k, const char *method, cJSON *p, acp_text_cb cb, void *data)
{
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct text_job *j = sw_xcalloc(1, sizeof(*j));

	j->k = k;
	j->cb = cb;
	j->data = data;
	j->method = method;
	co.on_response = on_text;
	co.data = j;
	co.timeout_ms = k->a->o.request_timeout_ms;
	if (jrpc_call_take(k->a->rpc, &j->id, method, p, &co, NULL) < 0) {
		run_later(k->a->loop, text_failed_later, j);
		return;
	}
	track(k, j->id);
}

void acp_sink_read_file(struct acp_sink *k, const char *path, long line, long limit, acp_text_cb cb,
			void *data)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "sessionId", k->id);
	cJSON_AddStringToObject(p, "path", path);
	if (line > 0)
		cJSON_AddNumberToObject(p, "line", (double)line);
	if (limit > 0)
		cJSON_AddNumberToObject(p, "limit", (double)limit);
	client_text_call(k, "fs/read_text_file", p, cb, data);
}

void acp_sink_write_file(struct acp_sink *k, const char *path, const char *content, acp_text_cb cb,
			 void *data)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "sessionId", k->id);
	cJSON_AddStringToObject(p, "path", path);
	cJSON_AddStringToObject(p, "content", content);
	client_text_call(k, "fs/write_text_file", p, cb, data);
}

/* terminal/create -> wait_for_exit (raced by a timeout -> kill) -> output -> release */
struct term_job {
	struct acp_sink *k;
	char *terminal_id;
	uint64_t timeout_ms;
	uv_timer_t timer;
	int timer_open;
	int64_t wait_id;
	int killed;
	int rc;
	struct sw_error err;
	char *output;
	int exit_code;
	char *signal_name;
	acp_exit_cb cb;
	void *data;
};

static void term_job_closed(uv_handle_t *h)
{
	struct term_job *j = h->data;

	free(j->terminal_id);
	free(j->output);
	free(j->signal_name);
	free(j);
}

static void term_finish(struct term_job *j)
{
	j->cb(j->rc, j->output ? j->output : "", j->exit_code, j->signal_name, j->rc < 0 ? &j->err : NULL,
	      j->data);
	if (j->timer_open) {
		j->timer_open = 0;
		uv_close((uv_handle_t *)&j->timer, term_job_closed);
	} else {
		term_job_closed((uv_handle_t *)&j->timer);
	}
}

static int term_call(struct term_job *j, const char *method, jrpc_response_cb cb, uint64_t timeout,
		     int64_t *id)
{
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "sessionId", j->k->id);
	cJSON_AddStringToObject(p, "terminalId", j->terminal_id);
	co.on_response = cb;
	co.data = j;
	co.timeout_ms = timeout;
	return jrpc_call_take(j->k->a->rpc, id, method, p, &co, &j->err);
}

static void on_released(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(res);
	term_finish(data);
}

static void release_terminal(struct term_job *j)
{
	if (term_call(j, "terminal/release", on_released, j->k->a->o.request_timeout_ms, NULL) < 0)
		term_finish(j);
}

static void on_output(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct term_job *j = data;

	SW_UNUSED(rpc);
	if (res->rc == 0) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(res->result, "output");

		free(j->output);
		j->output = sw_xstrdup(cJSON_IsString(o) ? o->valuestring : "");
	} else if (j->rc == 0) {
		j->rc = response_rc(res, &j->err);
	}
	release_terminal(j);
}

static void term_output(struct term_job *j)
{
	if (term_call(j, "terminal/output", on_output, j->k->a->o.request_timeout_ms, NULL) < 0)
		release_terminal(j);
}

static void on_cancel_killed(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(res);
	term_output(data);
}

static void on_exited(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct term_job *j = data;

	SW_UNUSED(rpc);
	if (j->timer_open)
		uv_timer_stop(&j->timer);
	forget_perm(j->k, j->wait_id);
	if (res->rc == 0) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(res->result, "exitCode");
		const cJSON *sig = cJSON_GetObjectItemCaseSensitive(res->result, "signal");

		j->exit_code = cJSON_IsNumber(code) ? (int)code->valuedouble : -1;
		if (cJSON_IsString(sig))
			j->signal_name = sw_xstrdup(sig->valuestring);
		if (j->killed && !j->rc) {
			j->rc = SW_ETIMEOUT;
			sw_error_set(&j->err, SW_ETIMEOUT, "the command timed out after %llu ms",
				     (unsigned long long)j->timeout_ms);
		}
	} else {
		j->rc = response_rc(res, &j->err);
	}
	if (jrpc_closed(j->k->a->rpc)) {
		term_finish(j);
		return;
	}
	if (j->rc == SW_ECANCELED && !j->killed) {
		/* The turn was cancelled: stop the command, then collect and release as usual. */
		j->killed = 1;
		if (term_call(j, "terminal/kill", on_cancel_killed, j->k->a->o.request_timeout_ms, NULL) == 0)
			return;
	}
	term_output(j);
}

static void on_killed(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(res);
	SW_UNUSED(data); /* wait_for_exit answers next */
}

static void term_timeout(uv_timer_t *t)
{
	struct term_job *j = t->data;

	j->killed = 1;
	term_call(j, "terminal/kill", on_killed, j->k->a->o.request_timeout_ms, NULL);
}

static void on_created(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct term_job *j = data;
	const cJSON *id;

	SW_UNUSED(rpc);
	if ((j->rc = response_rc(res, &j->err)) < 0) {
		term_finish(j);
		return;
	}
	id = cJSON_GetObjectItemCaseSensitive(res->result, "terminalId");
	if (!cJSON_IsString(id)) {
		j->rc = sw_error_set(&j->err, SW_EPROTO, "the client's terminal/create result has no 'terminalId'");
		term_finish(j);
		return;
	}
	j->terminal_id = sw_xstrdup(id->valuestring);
	if (j->k->cancelled) {
		/* Cancelled while the terminal was being created: stop it at once. */
		j->rc = sw_error_set(&j->err, SW_ECANCELED, "the command was cancelled");
		j->killed = 1;
		if (term_call(j, "terminal/kill", on_cancel_killed, j->k->a->o.request_timeout_ms, NULL) < 0)
			term_output(j);
		return;
	}
	if (term_call(j, "terminal/wait_for_exit", on_exited, 0, &j->wait_id) < 0) {
		j->rc = j->err.code;
		term_finish(j);
		return;
	}
	track(j->k, j->wait_id);
	if (j->timeout_ms)
		uv_timer_start(&j->timer, term_timeout, j->timeout_ms, 0);
}

static void term_failed_later(void *arg)
{
	term_finish(arg);
}

void acp_sink_run_command(struct acp_sink *k, const char *command, const char *cwd, const char *const *env,
			  uint64_t timeout_ms, size_t output_limit, acp_exit_cb cb, void *data)
{
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	struct term_job *j = sw_xcalloc(1, sizeof(*j));
	cJSON *p = cJSON_CreateObject(), *args;

	j->k = k;
	j->cb = cb;
	j->data = data;
	j->timeout_ms = timeout_ms;
	j->exit_code = -1;
	uv_timer_init(k->a->loop, &j->timer);
	j->timer.data = j;
	j->timer_open = 1;
	cJSON_AddStringToObject(p, "sessionId", k->id);
	cJSON_AddStringToObject(p, "command", "bash");
	args = cJSON_AddArrayToObject(p, "args");
	cJSON_AddItemToArray(args, cJSON_CreateString("-c"));
	cJSON_AddItemToArray(args, cJSON_CreateString(command));
	cJSON_AddStringToObject(p, "cwd", cwd ? cwd : k->cwd);
	if (env && *env) {
		cJSON *e = cJSON_AddArrayToObject(p, "env");

		for (; *env; env++) {
			const char *eq = strchr(*env, '=');
			cJSON *v = cJSON_CreateObject();
			char *name = sw_xstrndup(*env, eq ? (size_t)(eq - *env) : strlen(*env));

			cJSON_AddStringToObject(v, "name", name);
			cJSON_AddStringToObject(v, "value", eq ? eq + 1 : "");
			cJSON_AddItemToArray(e, v);
			free(name);
		}
	}
	if (output_limit)
		cJSON_AddNumberToObject(p, "outputByteLimit", (double)output_limit);
	co.on_response = on_created;
	co.data = j;
	co.timeout_ms = k->a->o.request_timeout_ms;
	if (jrpc_call_take(k->a->rpc, NULL, "terminal/create", p, &co, &j->err) < 0) {
		j->rc = j->err.code;
		run_later(k->a->loop, term_failed_later, j);
	}
}

/* ---------- cancellation ---------- */

static void cancel_answer_due(uv_timer_t *t)
{
	struct acp_sink *k = t->data;

	/* The backend did not end the turn in time: answer for it (ACP: within 1 s). */
	if (k->prompt && !k->answered) {
		answer_prompt(k, "cancelled");
		k->answered = 1;
	}
}

static void cancel_turn(struct acp_sink *k)
{
	struct acp_agent *a = k->a;

	if (!k->prompt || k->cancelled)
		return;
	enter(a);
	k->cancelled = 1;
	/* Give up what we asked the client during this turn. */
	while (k->perms) {
		int64_t id = k->perms->id;

		forget_perm(k, id);
		jrpc_cancel(a->rpc, id);
	}
	if (!k->timer_open) {
		uv_timer_init(a->loop, &k->timer);
		k->timer.data = k;
		k->timer_open = 1;
		a->handles++;
	}
	uv_timer_start(&k->timer, cancel_answer_due, CANCEL_ANSWER_MS, 0);
	a->o.ops->cancel(k->sess);
	leave(a);
}

/* ---------- requests from the client ---------- */

static struct acp_sink *find_session(struct acp_agent *a, const cJSON *params)
{
	const cJSON *sid = cJSON_GetObjectItemCaseSensitive(params, "sessionId");
	struct acp_sink *k;

	if (!cJSON_IsString(sid))
		return NULL;
	for (k = a->sessions; k; k = k->next)
		if (!strcmp(k->id, sid->valuestring))
			return k;
	return NULL;
}

static void invalid(struct jrpc_request *req, const char *fmt, ...) SW_PRINTF(2, 3);

static void invalid(struct jrpc_request *req, const char *fmt, ...)
{
	struct sw_buf b = SW_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sw_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	jrpc_reply_error(req, JRPC_INVALID_PARAMS, "Invalid params", cJSON_CreateString(b.ptr), NULL);
	sw_buf_release(&b);
}

static struct acp_sink *session_or_fail(struct acp_agent *a, struct jrpc_request *req, const cJSON *params)
{
	struct acp_sink *k = find_session(a, params);
	const cJSON *sid = cJSON_GetObjectItemCaseSensitive(params, "sessionId");

	if (!k) {
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_addf(&b, "Session not found: %s", cJSON_IsString(sid) ? sid->valuestring : "(none)");
		jrpc_reply_error(req, JRPC_INVALID_PARAMS, b.ptr, NULL, NULL);
		sw_buf_release(&b);
	}
	return k;
}

static void m_initialize(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
			 void *data)
{
	struct acp_agent *a = data;
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(params, "protocolVersion");
	const cJSON *caps = cJSON_GetObjectItemCaseSensitive(params, "clientCapabilities");
	const cJSON *fs = cJSON_GetObjectItemCaseSensitive(caps, "fs");
	cJSON *r, *ac, *pc, *mc, *info;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req)
		return;
	if (!cJSON_IsNumber(ver)) {
		invalid(req, "'protocolVersion' must be an integer");
		return;
	}
	a->initialized = 1;
	a->fs_read = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fs, "readTextFile"));
	a->fs_write = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fs, "writeTextFile"));
	a->terminal = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(caps, "terminal"));
	r = cJSON_CreateObject();
	/* We speak version 1 only: echo it, or answer with ours (the client decides). */
	cJSON_AddNumberToObject(r, "protocolVersion", ACP_PROTOCOL_VERSION);
	ac = cJSON_AddObjectToObject(r, "agentCapabilities");
	cJSON_AddBoolToObject(ac, "loadSession", 1);
	pc = cJSON_AddObjectToObject(ac, "promptCapabilities");
	cJSON_AddBoolToObject(pc, "image", 0);
	cJSON_AddBoolToObject(pc, "audio", 0);
	cJSON_AddBoolToObject(pc, "embeddedContext", 1);
	mc = cJSON_AddObjectToObject(ac, "mcpCapabilities");
	cJSON_AddBoolToObject(mc, "http", 1);
	cJSON_AddBoolToObject(mc, "sse", 0);
	info = cJSON_AddObjectToObject(r, "agentInfo");
	cJSON_AddStringToObject(info, "name", a->name);
	cJSON_AddStringToObject(info, "title", "Specwright");
	cJSON_AddStringToObject(info, "version", a->version);
	cJSON_AddItemToObject(r, "authMethods", cJSON_CreateArray());
	jrpc_reply_take(req, r, NULL);
}

/* Checks ACP's McpServer shapes (acp/mcpservers.h); returns 0 or answers the error itself. */
static int check_mcp_servers(struct jrpc_request *req, const cJSON *servers)
{
	struct acp_mcp_list l = ACP_MCP_LIST_INIT;
	struct sw_error err = SW_ERROR_INIT;
	int rc = acp_mcp_servers_parse(&l, servers, &err);

	acp_mcp_list_release(&l);
	if (rc < 0)
		invalid(req, "%s", err.msg);
	return rc;
}

static cJSON *modes_json(struct acp_agent *a, const char *current)
{
	struct sw_strvec names = SW_STRVEC_INIT;
	cJSON *m = NULL, *arr;
	size_t i;

	if (a->o.ops->modes)
		a->o.ops->modes(a->o.self, &names);
	if (!names.nr)
		goto out;
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "currentModeId", current ? current : names.v[0]);
	arr = cJSON_AddArrayToObject(m, "availableModes");
	for (i = 0; i < names.nr; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "id", names.v[i]);
		cJSON_AddStringToObject(e, "name", names.v[i]);
		cJSON_AddItemToArray(arr, e);
	}
out:
	sw_strvec_clear(&names);
	return m;
}

static void add_chunk_replay(struct acp_sink *k, const char *kind, const char *text)
{
	if (text && *text)
		send_chunk(k, kind, text, strlen(text));
}

/* session/load: the history goes out as updates before the answer. */
static void replay(struct acp_sink *k, const cJSON *history)
{
	const cJSON *msg;

	cJSON_ArrayForEach(msg, history) {
		const cJSON *role = cJSON_GetObjectItemCaseSensitive(msg, "role");
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
		int user = cJSON_IsString(role) && !strcmp(role->valuestring, "user");
		const cJSON *b;

		if (cJSON_IsString(content)) {
			add_chunk_replay(k, user ? "user_message_chunk" : "agent_message_chunk", content->valuestring);
			continue;
		}
		cJSON_ArrayForEach(b, content) {
			const cJSON *type = cJSON_GetObjectItemCaseSensitive(b, "type");
			const char *t = cJSON_IsString(type) ? type->valuestring : "";

			if (!strcmp(t, "text")) {
				const cJSON *x = cJSON_GetObjectItemCaseSensitive(b, "text");

				add_chunk_replay(k, user ? "user_message_chunk" : "agent_message_chunk",
						 cJSON_IsString(x) ? x->valuestring : NULL);
			} else if (!strcmp(t, "thinking")) {
				const cJSON *x = cJSON_GetObjectItemCaseSensitive(b, "thinking");

				add_chunk_replay(k, "agent_thought_chunk", cJSON_IsString(x) ? x->valuestring : NULL);
			} else if (!strcmp(t, "tool_use")) {
				const cJSON *id = cJSON_GetObjectItemCaseSensitive(b, "id");
				const cJSON *name = cJSON_GetObjectItemCaseSensitive(b, "name");
				struct acp_tool_info tc = { 0 };

				tc.id = cJSON_IsString(id) ? id->valuestring : "";
				tc.title = cJSON_IsString(name) ? name->valuestring : "tool";
				tc.kind = "other";
				tc.input = cJSON_GetObjectItemCaseSensitive(b, "input");
				tc.status = ACP_TOOL_PENDING;
				acp_sink_tool_call(k, &tc);
			} else if (!strcmp(t, "tool_result")) {
				const cJSON *id = cJSON_GetObjectItemCaseSensitive(b, "tool_use_id");
				const cJSON *out = cJSON_GetObjectItemCaseSensitive(b, "content");
				struct acp_tool_info tc = { 0 };
				char *text = NULL;

				if (cJSON_IsArray(out)) {
					struct sw_buf all = SW_BUF_INIT;
					const cJSON *x;

					cJSON_ArrayForEach(x, out) {
						const cJSON *tx = cJSON_GetObjectItemCaseSensitive(x, "text");

						if (cJSON_IsString(tx))
							sw_buf_adds(&all, tx->valuestring);
					}
					text = sw_buf_detach(&all, NULL);
				} else if (cJSON_IsString(out)) {
					text = sw_xstrdup(out->valuestring);
				}
				tc.id = cJSON_IsString(id) ? id->valuestring : "";
				tc.status = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "is_error")) ? ACP_TOOL_FAILED
													 : ACP_TOOL_DONE;
				tc.output = text;
				acp_sink_tool_update(k, &tc);
				free(text);
			}
		}
	}
}

static void send_commands(struct acp_sink *k)
{
	cJSON *u;

	if (!k->a->o.ops->commands)
		return;
	u = new_update("available_commands_update");
	k->a->o.ops->commands(k->sess, cJSON_AddArrayToObject(u, "availableCommands"));
	send_update(k, u);
}

static void open_session(struct acp_agent *a, struct jrpc_request *req, const cJSON *params, int load)
{
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(params, "cwd");
	const cJSON *servers = cJSON_GetObjectItemCaseSensitive(params, "mcpServers");
	const cJSON *sid = cJSON_GetObjectItemCaseSensitive(params, "sessionId");
	struct acp_open_params op = { NULL, NULL, NULL, NULL };
	struct sw_error err = SW_ERROR_INIT;
	struct acp_sink *k;
	cJSON *r, *modes;
	int rc;

	if (!a->initialized) {
		jrpc_reply_error(req, JRPC_INVALID_REQUEST, "Invalid Request",
				 cJSON_CreateString("'initialize' must come first"), NULL);
		return;
	}
	if (!cJSON_IsString(cwd) || cwd->valuestring[0] != '/') {
		invalid(req, "$.cwd: expected an absolute path");
		return;
	}
	if (load && (!cJSON_IsString(sid) || !sid->valuestring[0])) {
		invalid(req, "$.sessionId: missing required string");
		return;
	}
	if (check_mcp_servers(req, servers) < 0)
		return;
	if (load && find_session(a, params)) {
		invalid(req, "session '%s' is already open", sid->valuestring);
		return;
	}
	k = sw_xcalloc(1, sizeof(*k));
	k->a = a;
	k->cwd = sw_xstrdup(cwd->valuestring);
	op.cwd = k->cwd;
	op.mcp_servers = servers;
	op.resume_id = load ? sid->valuestring : NULL;
	rc = a->o.ops->open(a->o.self, &k->sess, &op, k, &err);
	if (rc < 0) {
		jrpc_reply_error(req, rc == SW_ENOTFOUND && load ? JRPC_RESOURCE_NOT_FOUND : JRPC_INTERNAL_ERROR,
				 err.msg[0] ? err.msg : "Internal error", NULL, NULL);
		free_sink(k);
		return;
	}
	k->id = sw_xstrdup(a->o.ops->session_id(k->sess));
	k->next = a->sessions;
	a->sessions = k;
	if (load && a->o.ops->history)
		replay(k, a->o.ops->history(k->sess));
	/* The client knows a loaded session's id already; a new one's only from the answer. */
	if (load)
		send_commands(k);
	r = cJSON_CreateObject();
	if (!load)
		cJSON_AddStringToObject(r, "sessionId", k->id);
	modes = modes_json(a, k->mode);
	if (modes)
		cJSON_AddItemToObject(r, "modes", modes);
	jrpc_reply_take(req, r, NULL);
	if (!load)
		send_commands(k);
}

static void m_session_new(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
			  void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (req)
		open_session(data, req, params, 0);
}

static void m_session_load(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
			   void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (req)
		open_session(data, req, params, 1);
}

/* The prompt's blocks as the text of the turn. */
static int prompt_text(struct sw_buf *out, const cJSON *prompt, struct sw_buf *why)
{
	const cJSON *b;
	int i = 0;

	if (!cJSON_IsArray(prompt)) {
		sw_buf_adds(why, "$.prompt: expected an array of content blocks");
		return -1;
	}
	cJSON_ArrayForEach(b, prompt) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(b, "type");
		const char *t = cJSON_IsString(type) ? type->valuestring : "";

		if (!strcmp(t, "text")) {
			const cJSON *x = cJSON_GetObjectItemCaseSensitive(b, "text");

			if (!cJSON_IsString(x)) {
				sw_buf_addf(why, "$.prompt[%d].text: missing required string", i);
				return -1;
			}
			if (out->len)
				sw_buf_addch(out, '\n');
			sw_buf_adds(out, x->valuestring);
		} else if (!strcmp(t, "resource_link")) {
			const cJSON *uri = cJSON_GetObjectItemCaseSensitive(b, "uri");

			if (!cJSON_IsString(uri)) {
				sw_buf_addf(why, "$.prompt[%d].uri: missing required string", i);
				return -1;
			}
			sw_buf_addf(out, "%s@%s", out->len ? "\n" : "", uri->valuestring);
		} else if (!strcmp(t, "resource")) {
			const cJSON *res = cJSON_GetObjectItemCaseSensitive(b, "resource");
			const cJSON *uri = cJSON_GetObjectItemCaseSensitive(res, "uri");
			const cJSON *text = cJSON_GetObjectItemCaseSensitive(res, "text");

			if (!cJSON_IsString(uri) || !cJSON_IsString(text)) {
				sw_buf_addf(why, "$.prompt[%d].resource: expected {uri, text}", i);
				return -1;
			}
			sw_buf_addf(out, "%s<context uri=\"%s\">\n%s\n</context>", out->len ? "\n" : "",
				    uri->valuestring, text->valuestring);
		} else {
			sw_buf_addf(why, "$.prompt[%d]: content type '%s' is not supported", i, t);
			return -1;
		}
		i++;
	}
	return 0;
}

static void prompt_cancelled(struct jrpc_request *req, enum jrpc_cancel_reason why, void *data)
{
	struct acp_sink *k = data;

	if (why == JRPC_CANCEL_CLOSED) {
		/* The client is gone: stop the turn; its end has no one to tell. */
		k->prompt = NULL;
		k->answered = 0;
		if (!k->cancelled) {
			k->cancelled = 1;
			k->a->o.ops->cancel(k->sess);
		}
		return;
	}
	SW_UNUSED(req);
	cancel_turn(k); /* $/cancel_request: answered "cancelled" when the turn ends */
}

static void m_session_prompt(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			     const cJSON *params, void *data)
{
	struct acp_agent *a = data;
	struct sw_buf text = SW_BUF_INIT, why = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct acp_sink *k;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req || !(k = session_or_fail(a, req, params)))
		goto out;
	if (k->prompt) {
		jrpc_reply_error(req, JRPC_INVALID_REQUEST, "Invalid Request",
				 cJSON_CreateString("a turn is already running in this session"), NULL);
		goto out;
	}
	if (prompt_text(&text, cJSON_GetObjectItemCaseSensitive(params, "prompt"), &why) < 0) {
		jrpc_reply_error(req, JRPC_INVALID_PARAMS, "Invalid params", cJSON_CreateString(why.ptr), NULL);
		goto out;
	}
	k->prompt = req;
	k->answered = 0;
	k->cancelled = 0;
	k->have_usage = 0;
	jrpc_request_on_cancel(req, prompt_cancelled, k);
	if (a->o.ops->prompt(k->sess, text.ptr, &err) < 0) {
		k->prompt = NULL;
		jrpc_reply_error(req, JRPC_INTERNAL_ERROR, err.msg[0] ? err.msg : "Internal error", NULL, NULL);
	}
out:
	sw_buf_release(&text);
	sw_buf_release(&why);
}

static void m_session_cancel(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			     const cJSON *params, void *data)
{
	struct acp_sink *k = find_session(data, params);

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (req) { /* a notification by the spec; answer if sent as a request */
		jrpc_reply_take(req, NULL, NULL);
	}
	if (k)
		cancel_turn(k);
}

static void m_set_mode(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		       void *data)
{
	struct acp_agent *a = data;
	const cJSON *mode = cJSON_GetObjectItemCaseSensitive(params, "modeId");
	struct sw_error err = SW_ERROR_INIT;
	struct acp_sink *k;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req || !(k = session_or_fail(a, req, params)))
		return;
	if (!cJSON_IsString(mode)) {
		invalid(req, "$.modeId: missing required string");
		return;
	}
	if (k->prompt) {
		jrpc_reply_error(req, JRPC_INVALID_REQUEST, "Invalid Request",
				 cJSON_CreateString("cannot switch modes during a turn"), NULL);
		return;
	}
	if (!a->o.ops->set_mode || a->o.ops->set_mode(k->sess, mode->valuestring, &err) < 0) {
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_addf(&b, "Invalid or unavailable mode: %s", mode->valuestring);
		jrpc_reply_error(req, JRPC_INVALID_PARAMS, b.ptr, err.msg[0] ? cJSON_CreateString(err.msg) : NULL,
				 NULL);
		sw_buf_release(&b);
		return;
	}
	free(k->mode);
	k->mode = sw_xstrdup(mode->valuestring);
	{
		cJSON *u = new_update("current_mode_update");

		cJSON_AddStringToObject(u, "currentModeId", k->mode);
		send_update(k, u);
	}
	jrpc_reply_take(req, NULL, NULL);
}

static void m_cancel_request(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			     const cJSON *params, void *data)
{
	struct jrpc_request *target;

	SW_UNUSED(method);
	SW_UNUSED(data);
	if (req) {
		jrpc_reply_take(req, NULL, NULL);
		return;
	}
	target = jrpc_request_find(rpc, cJSON_GetObjectItemCaseSensitive(params, "requestId"));
	if (target)
		jrpc_request_cancel(target);
}

static void m_authenticate(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
			   void *data)
{
	SW_UNUSED(rpc);
	SW_UNUSED(method);
	SW_UNUSED(params);
	SW_UNUSED(data);
	/* No auth methods are offered; the model's keys come from the environment. */
	if (req)
		jrpc_reply_take(req, NULL, NULL);
}

/* Our request to the client was given up: say so ($/cancel_request). */
static void tell_cancel(struct jrpc *rpc, int64_t id, const char *method, enum jrpc_cancel_reason why,
			void *data)
{
	cJSON *p;

	SW_UNUSED(method);
	SW_UNUSED(data);
	if (why == JRPC_CANCEL_CLOSED)
		return;
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "requestId", (double)id);
	jrpc_notify_take(rpc, "$/cancel_request", p, NULL);
}

static void client_gone(struct jrpc *rpc, const struct sw_error *err, void *data)
{
	struct acp_agent *a = data;

	SW_UNUSED(rpc);
	SW_UNUSED(err);
	if (a->o.on_close && !a->freed)
		a->o.on_close(a, a->o.data);
}

void acp_agent_new(struct acp_agent **out, uv_loop_t *loop, const struct acp_agent_opts *o)
{
	struct acp_agent *a = sw_xcalloc(1, sizeof(*a));
	struct jrpc_opts jo = JRPC_OPTS_INIT;

	a->loop = loop;
	a->o = *o;
	a->name = sw_xstrdup(o->name ? o->name : "specwright");
	a->version = sw_xstrdup(o->version ? o->version : "0");
	if (!a->o.request_timeout_ms)
		a->o.request_timeout_ms = DEFAULT_REQUEST_TIMEOUT_MS;
	jo.name = "client";
	jo.on_cancel = tell_cancel;
	jo.on_close = client_gone;
	jo.data = a;
	jrpc_new(&a->rpc, loop, &jo);
	jrpc_on(a->rpc, "initialize", m_initialize, a);
	jrpc_on(a->rpc, "authenticate", m_authenticate, a);
	jrpc_on(a->rpc, "session/new", m_session_new, a);
	jrpc_on(a->rpc, "session/load", m_session_load, a);
	jrpc_on(a->rpc, "session/prompt", m_session_prompt, a);
	jrpc_on(a->rpc, "session/cancel", m_session_cancel, a);
	jrpc_on(a->rpc, "session/set_mode", m_set_mode, a);
	jrpc_on(a->rpc, "$/cancel_request", m_cancel_request, a);
	*out = a;
}

int acp_agent_attach_fds(struct acp_agent *a, int in_fd, int out_fd, struct sw_error *err)
{
	return jrpc_attach_fds(a->rpc, in_fd, out_fd, err);
}

struct jrpc *acp_agent_rpc(struct acp_agent *a)
{
	return a->rpc;
}

void acp_agent_free(struct acp_agent *a)
{
	struct acp_sink *k;

	if (!a || a->freed)
		return;
	enter(a);
	a->freed = 1;
	/* Pending requests fail first (backends hear SW_EIO), then sessions close. */
	jrpc_free(a->rpc);
	for (k = a->sessions; k; k = k->next) {
		if (k->sess)
			a->o.ops->close(k->sess);
		k->sess = NULL;
		if (k->timer_open) {
			k->timer_open = 0;
			uv_close((uv_handle_t *)&k->timer, timer_closed);
		}
	}
	leave(a);
}
