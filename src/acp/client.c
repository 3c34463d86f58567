/* SPDX-License-Identifier: Apache-2.0 */
/*
 * client.c - ACP v1 client over base/jrpc (contract in client.h).
 *
 * One operation runs at a time (start, session, prompt, shutdown); its done
 * callback is kept in c->op and fired exactly once by finish_op().  One
 * timer serves the turn deadline, the cancel grace and the shutdown wait,
 * because at most one of them is armed at a time.
 *
 * Lifetime: acp_client_free() may run inside any callback; c->busy defers
 * the release until the callbacks unwind and the timer handle has closed.
 * Callbacks from the connection after free are ignored (c->freed).
 */
#include "base/compat.h"
#include "acp/client.h"
#include "base/fs.h"
#include "base/glob.h"
#include "base/jrpc.h"
#include "base/json.h"
#include "base/proc.h"

#include <signal.h>
#include <unistd.h>

extern char **environ;

#define DEFAULT_REQUEST_TIMEOUT_MS 30000
#define DEFAULT_CANCEL_GRACE_MS 5000
#define STDERR_TAIL 2048
#define FS_READ_MAX (8u << 20) /* a file handed to the agent in one answer */

enum op_kind { OP_NONE, OP_START, OP_SESSION, OP_PROMPT, OP_SHUTDOWN };
enum timer_use { T_NONE, T_DEADLINE, T_GRACE, T_SHUTDOWN };

struct terminal {
	struct acp_client *c;
	char *id;
	struct sw_proc *proc;
	struct sw_buf out;
	size_t limit;
	int truncated;
	int exited;
	struct jrpc_request **waiters;
	size_t waiters_nr, waiters_alloc;
	struct terminal *next;
};

struct acp_client {
	uv_loop_t *loop;
	struct acp_client_opts o;
	struct sw_strvec argv, env, allow;
	char *proc_cwd;
	struct jrpc *rpc;

	cJSON *agent_info;
	char *session_id;
	char *session_cwd;
	cJSON *session_info;

	enum op_kind op;
	acp_done_cb op_done;
	void *op_data;
	int64_t op_id;            /* the outstanding request of the operation */

	struct acp_turn turn;
	int turn_running;
	int cancelling;           /* session/cancel sent */
	int cancel_rc;            /* SW_ECANCELED or SW_ETIMEOUT */
	uint64_t deadline_ms;

	struct terminal *terms;
	int next_term;

	uv_timer_t timer;
	enum timer_use timer_use;
	int timer_open;

	struct sw_buf stderr_tail;
	int exited;               /* the agent process is gone */
	int busy, freed;
};

static void maybe_release(struct acp_client *c);

/* ---------- turn folding ---------- */

void acp_turn_init(struct acp_turn *t)
{
	struct acp_turn z = { NULL, 0, SW_ERROR_INIT, SW_BUF_INIT, SW_BUF_INIT, NULL, NULL, NULL, NULL, 0, 0, 0 };

	*t = z;
	t->tool_calls = cJSON_CreateArray();
}

void acp_turn_release(struct acp_turn *t)
{
	free(t->stop_reason);
	sw_buf_release(&t->text);
	sw_buf_release(&t->thought);
	cJSON_Delete(t->tool_calls);
	cJSON_Delete(t->plan);
	cJSON_Delete(t->usage);
	cJSON_Delete(t->meta);
	memset(t, 0, sizeof(*t));
	sw_buf_init(&t->text, 0);
	sw_buf_init(&t->thought, 0);
}

static cJSON *find_tool_call(cJSON *calls, const char *id)
{
	cJSON *tc;

	cJSON_ArrayForEach(tc, calls) {
		const cJSON *tid = cJSON_GetObjectItemCaseSensitive(tc, "toolCallId");

		if (cJSON_IsString(tid) && !strcmp(tid->valuestring, id))
			return tc;
	}
	return NULL;
}

/* Copies every field of @update but sessionUpdate into @dst, replacing. */
static void merge_fields(cJSON *dst, const cJSON *update)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, update) {
		if (!f->string || !strcmp(f->string, "sessionUpdate"))
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(dst, f->string);
		cJSON_AddItemToObject(dst, f->string, cJSON_Duplicate(f, 1));
	}
}

static void add_text(struct sw_buf *b, const cJSON *update)
{
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(update, "content");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(content, "type");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(content, "text");

	if (cJSON_IsString(type) && !strcmp(type->valuestring, "text") && cJSON_IsString(text))
		sw_buf_adds(b, text->valuestring);
}

void acp_turn_apply(struct acp_turn *t, const cJSON *update)
{
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(update, "sessionUpdate");
	const char *k;

	t->updates++;
	if (!cJSON_IsString(kind))
		return;
	k = kind->valuestring;
	if (!strcmp(k, "agent_message_chunk")) {
		add_text(&t->text, update);
	} else if (!strcmp(k, "agent_thought_chunk")) {
		add_text(&t->thought, update);
	} else if (!strcmp(k, "tool_call") || !strcmp(k, "tool_call_update")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(update, "toolCallId");
		cJSON *tc;

		if (!cJSON_IsString(id))
			return; /* lenient: skip a malformed item */
		tc = find_tool_call(t->tool_calls, id->valuestring);
		if (!tc) {
			tc = cJSON_CreateObject();
			cJSON_AddItemToArray(t->tool_calls, tc);
		}
		merge_fields(tc, update);
	} else if (!strcmp(k, "plan")) {
		const cJSON *entries = cJSON_GetObjectItemCaseSensitive(update, "entries");

		if (cJSON_IsArray(entries)) {
			cJSON_Delete(t->plan);
			t->plan = cJSON_Duplicate(entries, 1);
		}
	} else if (!strcmp(k, "usage_update")) {
		cJSON_Delete(t->usage);
		t->usage = cJSON_CreateObject();
		merge_fields(t->usage, update);
	}
	/* Other kinds (commands, modes, config, session info, unknown) are not folded. */
}

cJSON *acp_turn_to_json(const struct acp_turn *t)
{
	cJSON *j = cJSON_CreateObject();

	if (t->stop_reason)
		cJSON_AddStringToObject(j, "stopReason", t->stop_reason);
	else
		cJSON_AddNullToObject(j, "stopReason");
	if (t->rc < 0)
		cJSON_AddStringToObject(j, "error", t->err.msg);
	cJSON_AddStringToObject(j, "text", t->text.ptr);
	if (t->thought.len)
		cJSON_AddStringToObject(j, "thought", t->thought.ptr);
	cJSON_AddItemToObject(j, "toolCalls", t->tool_calls ? cJSON_Duplicate(t->tool_calls, 1)
							     : cJSON_CreateArray());
	if (t->plan)
		cJSON_AddItemToObject(j, "plan", cJSON_Duplicate(t->plan, 1));
	if (t->usage)
		cJSON_AddItemToObject(j, "usage", cJSON_Duplicate(t->usage, 1));
	if (t->meta)
		cJSON_AddItemToObject(j, "_meta", cJSON_Duplicate(t->meta, 1));
	cJSON_AddNumberToObject(j, "updates", (double)t->updates);
	cJSON_AddNumberToObject(j, "permissions", (double)t->permissions);
	cJSON_AddNumberToObject(j, "permissionsAllowed", (double)t->permissions_allowed);
	return j;
}

/* ---------- lifetime ---------- */

static void enter(struct acp_client *c)
{
	c->busy++;
}

static void leave(struct acp_client *c)
{
	c->busy--;
	maybe_release(c);
}

static void free_terminal(struct terminal *t)
{
	size_t i;

	for (i = 0; i < t->waiters_nr; i++)
		jrpc_request_drop(t->waiters[i]);
	free(t->waiters);
	sw_proc_free(t->proc);
	sw_buf_release(&t->out);
	free(t->id);
	free(t);
}

static void maybe_release(struct acp_client *c)
{
	if (!c->freed || c->busy || c->timer_open)
		return;
	sw_strvec_clear(&c->argv);
	sw_strvec_clear(&c->env);
	sw_strvec_clear(&c->allow);
	free(c->proc_cwd);
	cJSON_Delete(c->agent_info);
	free(c->session_id);
	free(c->session_cwd);
	cJSON_Delete(c->session_info);
	acp_turn_release(&c->turn);
	sw_buf_release(&c->stderr_tail);
	free(c);
}

static void timer_closed(uv_handle_t *h)
{
	struct acp_client *c = h->data;

	c->timer_open = 0;
	maybe_release(c);
}

static void stop_timer(struct acp_client *c)
{
	if (c->timer_open && !c->freed)
		uv_timer_stop(&c->timer);
	c->timer_use = T_NONE;
}

static void on_timer(uv_timer_t *t);

static void start_timer(struct acp_client *c, enum timer_use use, uint64_t ms)
{
	c->timer_use = use;
	uv_timer_start(&c->timer, on_timer, ms, 0);
}

/* Appends the agent's last stderr line to @err, which helps more than "exited with status 1". */
static void add_stderr_hint(struct acp_client *c, struct sw_error *err)
{
	struct sw_buf b = SW_BUF_INIT;
	const char *s, *e;

	sw_buf_addbuf(&b, &c->stderr_tail);
	sw_buf_rtrim(&b);
	if (!b.len)
		goto out;
	e = b.ptr + b.len;
	s = e;
	while (s > b.ptr && s[-1] != '\n')
		s--;
	if (e > s) {
		size_t used = strlen(err->msg);

		snprintf(err->msg + used, sizeof(err->msg) - used, " (stderr: %.*s)",
			 (int)(e - s > 200 ? 200 : e - s), s);
	}
out:
	sw_buf_release(&b);
}

/* Completes the running operation. */
static void finish_op(struct acp_client *c, int rc, const struct sw_error *err)
{
	acp_done_cb done = c->op_done;
	void *data = c->op_data;
	enum op_kind op = c->op;

	if (op == OP_NONE)
		return;
	c->op = OP_NONE;
	c->op_done = NULL;
	c->op_data = NULL;
	if (op == OP_PROMPT) {
		c->turn_running = 0;
		c->cancelling = 0;
		if (c->timer_use == T_DEADLINE || c->timer_use == T_GRACE)
			stop_timer(c);
		if (rc < 0 && c->turn.rc == 0) {
			c->turn.rc = rc;
			if (err)
				c->turn.err = *err;
		}
	}
	if (done && !c->freed)
		done(c, rc, err, data);
}

static void fail_op(struct acp_client *c, int rc, const struct sw_error *err)
{
	struct sw_error e = *err;

	if (rc == SW_EIO)
		add_stderr_hint(c, &e);
	finish_op(c, rc, &e);
}

/* ---------- the agent's process ---------- */

static void agent_stderr(struct sw_proc *p, const char *buf, size_t len, void *data)
{
	struct acp_client *c = data;

	SW_UNUSED(p);
	sw_buf_add(&c->stderr_tail, buf, len);
	if (c->stderr_tail.len > STDERR_TAIL)
		sw_buf_remove(&c->stderr_tail, 0, c->stderr_tail.len - STDERR_TAIL);
	if (c->o.on_stderr && !c->freed)
		c->o.on_stderr(c, buf, len, c->o.data);
}

static void agent_exited(struct sw_proc *p, void *data)
{
	struct acp_client *c = data;

	SW_UNUSED(p);
	enter(c);
	c->exited = 1;
	if (c->op == OP_SHUTDOWN) {
		stop_timer(c);
		finish_op(c, 0, NULL);
	}
	leave(c);
}

static void on_timer(uv_timer_t *t)
{
	struct acp_client *c = t->data;
	enum timer_use use = c->timer_use;
	struct sw_error err = SW_ERROR_INIT;

	enter(c);
	c->timer_use = T_NONE;
	switch (use) {
	case T_DEADLINE:
		c->cancel_rc = SW_ETIMEOUT;
		sw_error_set(&c->turn.err, SW_ETIMEOUT, "the turn exceeded its %llu ms deadline",
			     (unsigned long long)c->deadline_ms);
		c->turn.rc = SW_ETIMEOUT;
		acp_client_cancel(c);
		break;
	case T_GRACE:
		/* The agent did not end the turn after session/cancel: kill its group. */
		if (jrpc_child(c->rpc))
			sw_proc_kill(jrpc_child(c->rpc), SIGKILL);
		if (c->op == OP_PROMPT) {
			jrpc_cancel(c->rpc, c->op_id);
		}
		SW_UNUSED(err);
		break;
	case T_SHUTDOWN:
		if (jrpc_child(c->rpc))
			sw_proc_terminate(jrpc_child(c->rpc));
		break;
	case T_NONE:
		break;
	}
	leave(c);
}

/* ---------- answering the agent ---------- */

static const char *param_session(const cJSON *params)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(params, "sessionId");

	return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* 1 if the request names our session; else answers it with an error. */
static int check_session(struct acp_client *c, struct jrpc_request *req, const cJSON *params)
{
	const char *sid = param_session(params);

	if (c->session_id && sid && !strcmp(sid, c->session_id))
		return 1;
	jrpc_reply_error(req, JRPC_INVALID_PARAMS, sid ? "Session not found" : "Invalid params: sessionId",
			 NULL, NULL);
	return 0;
}

static void reply_invalid(struct jrpc_request *req, const char *what)
{
	jrpc_reply_error(req, JRPC_INVALID_PARAMS, "Invalid params", cJSON_CreateString(what), NULL);
}

static int policy_allows(const struct acp_client *c, const cJSON *tool_call)
{
	const char *fields[3] = { NULL, NULL, NULL };
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(tool_call, "kind");
	const cJSON *title = cJSON_GetObjectItemCaseSensitive(tool_call, "title");
	const cJSON *raw = cJSON_GetObjectItemCaseSensitive(tool_call, "rawInput");
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(raw, "command");
	size_t i, j;

	switch (c->o.policy.mode) {
	case ACP_PERMIT_ALL:
		return 1;
	case ACP_PERMIT_NONE:
		return 0;
	case ACP_PERMIT_LISTED:
		break;
	}
	fields[0] = cJSON_IsString(kind) ? kind->valuestring : "other";
	fields[1] = cJSON_IsString(title) ? title->valuestring : NULL;
	fields[2] = cJSON_IsString(cmd) ? cmd->valuestring : NULL;
	for (i = 0; i < c->allow.nr; i++)
		for (j = 0; j < SW_ARRAY_SIZE(fields); j++)
			if (fields[j] && sw_glob_match(c->allow.v[i], fields[j], 0))
				return 1;
	return 0;
}

static const char *pick_option(const cJSON *options, const char *k1, const char *k2)
{
	const char *kinds[2] = { k1, k2 };
	const cJSON *opt;
	size_t i;

	for (i = 0; i < 2; i++)
		cJSON_ArrayForEach(opt, options) {
			const cJSON *kind = cJSON_GetObjectItemCaseSensitive(opt, "kind");
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(opt, "optionId");

			if (cJSON_IsString(kind) && cJSON_IsString(id) && !strcmp(kind->valuestring, kinds[i]))
				return id->valuestring;
		}
	return NULL;
}

static cJSON *outcome_cancelled(void)
{
	cJSON *r = cJSON_CreateObject(), *o = cJSON_AddObjectToObject(r, "outcome");

	cJSON_AddStringToObject(o, "outcome", "cancelled");
	return r;
}

static void m_permission(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			 const cJSON *params, void *data)
{
	struct acp_client *c = data;
	const cJSON *tool_call = cJSON_GetObjectItemCaseSensitive(params, "toolCall");
	const cJSON *options = cJSON_GetObjectItemCaseSensitive(params, "options");
	const char *choice = NULL;
	int allowed;
	cJSON *r;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req)
		return;
	if (!check_session(c, req, params))
		return;
	if (!cJSON_IsObject(tool_call) || !cJSON_IsArray(options)) {
		reply_invalid(req, "'toolCall' must be an object and 'options' an array");
		return;
	}
	c->turn.permissions++;
	if (c->cancelling) {
		jrpc_reply_take(req, outcome_cancelled(), NULL);
		return;
	}
	allowed = policy_allows(c, tool_call);
	if (allowed)
		choice = pick_option(options, "allow_once", "allow_always");
	if (!choice) {
		allowed = 0;
		choice = pick_option(options, "reject_once", "reject_always");
	}
	if (c->o.on_permission && !c->freed)
		c->o.on_permission(c, tool_call, choice, allowed, c->o.data);
	if (!choice) {
		jrpc_reply_take(req, outcome_cancelled(), NULL);
		return;
	}
	c->turn.permissions_allowed += (size_t)allowed;
	r = cJSON_CreateObject();
	{
		cJSON *o = cJSON_AddObjectToObject(r, "outcome");

		cJSON_AddStringToObject(o, "outcome", "selected");
		cJSON_AddStringToObject(o, "optionId", choice);
	}
	jrpc_reply_take(req, r, NULL);
}

/* Resolves the agent's absolute @path under the session cwd; answers errors itself. */
static char *session_path(struct acp_client *c, struct jrpc_request *req, const cJSON *params)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(params, "path");
	struct sw_error err = SW_ERROR_INIT;
	const char *rel, *root = c->session_cwd;
	size_t rl = strlen(root);
	char *full = NULL;

	if (!cJSON_IsString(path) || path->valuestring[0] != '/') {
		reply_invalid(req, "'path' must be an absolute path");
		return NULL;
	}
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	rel = path->valuestring;
	if (strncmp(rel, root, rl) || (rel[rl] != '/' && rel[rl] != '\0' && rl > 1)) {
		char msg[300];

		snprintf(msg, sizeof(msg), "'%.200s' is outside the session directory", path->valuestring);
		reply_invalid(req, msg);
		return NULL;
	}
	rel += rl;
	while (*rel == '/')
		rel++;
	if (sw_path_resolve_under(&full, root, rel, strlen(rel), &err) < 0) {
		reply_invalid(req, err.msg);
		return NULL;
	}
	return full;
}

static void m_read(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		   void *data)
{
	struct acp_client *c = data;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf text = SW_BUF_INIT;
	long long line = 0, limit = 0;
	char *full = NULL;
	cJSON *r;
	int rc;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req || !check_session(c, req, params))
		return;
	if (sw_json_get_int(&line, params, "line", 0, "$", &err) < 0 ||
	    sw_json_get_int(&limit, params, "limit", 0, "$", &err) < 0 || line < 0 || limit < 0) {
		reply_invalid(req, err.code ? err.msg : "'line' and 'limit' must not be negative");
		goto out;
	}
	if (!(full = session_path(c, req, params)))
		goto out;
	rc = sw_read_file(&text, full, FS_READ_MAX, &err);
	if (rc == SW_ENOTFOUND) {
		jrpc_reply_error(req, JRPC_RESOURCE_NOT_FOUND, "Resource not found",
				 cJSON_CreateString(err.msg), NULL);
		goto out;
	} else if (rc < 0) {
		jrpc_reply_error(req, JRPC_INTERNAL_ERROR, "Internal error", cJSON_CreateString(err.msg), NULL);
		goto out;
	}
	if (line > 1 || limit > 0) {
		/* @line is 1-based; @limit counts lines from there. */
		const char *end = text.ptr + text.len, *s = text.ptr, *e;
		long long n;

		for (n = 1; n < line && s < end; n++) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));

			s = nl ? nl + 1 : end;
		}
		e = s;
		if (!limit)
			e = end;
		for (n = 0; limit && n < limit && e < end; n++) {
			const char *nl = memchr(e, '\n', (size_t)(end - e));

			e = nl ? nl + 1 : end;
		}
		sw_buf_setlen(&text, (size_t)(e - text.ptr));
		sw_buf_remove(&text, 0, (size_t)(s - text.ptr));
	}
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "content", text.ptr);
	jrpc_reply_take(req, r, NULL);
out:
	free(full);
	sw_buf_release(&text);
}

static void m_write(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		    void *data)
{
	struct acp_client *c = data;
	struct sw_error err = SW_ERROR_INIT;
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(params, "content");
	char *full = NULL, *slash;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req || !check_session(c, req, params))
		return;
	if (!cJSON_IsString(content)) {
		reply_invalid(req, "'content' must be a string");
		return;
	}
	if (!(full = session_path(c, req, params)))
		return;
	slash = strrchr(full, '/');
	if (slash && slash != full) {
		*slash = '\0';
		if (sw_mkdir_p(full, &err) < 0)
			goto fail;
		*slash = '/';
	}
	if (sw_write_atomic(full, content->valuestring, strlen(content->valuestring), &err) < 0)
		goto fail;
	jrpc_reply_take(req, NULL, NULL);
	free(full);
	return;
fail:
	jrpc_reply_error(req, JRPC_INTERNAL_ERROR, "Internal error", cJSON_CreateString(err.msg), NULL);
	free(full);
}

/* ---------- terminals ---------- */

static struct terminal *find_terminal(struct acp_client *c, struct jrpc_request *req, const cJSON *params)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(params, "terminalId");
	struct terminal *t;

	if (cJSON_IsString(id))
		for (t = c->terms; t; t = t->next)
			if (!strcmp(t->id, id->valuestring))
				return t;
	reply_invalid(req, "unknown 'terminalId'");
	return NULL;
}

static void term_output(struct sw_proc *p, const char *buf, size_t len, void *data)
{
	struct terminal *t = data;

	SW_UNUSED(p);
	sw_buf_add(&t->out, buf, len);
	if (t->out.len > t->limit) {
		size_t cut = t->out.len - t->limit;

		/* Drop from the front, on a UTF-8 character boundary. */
		while (cut < t->out.len && ((unsigned char)t->out.ptr[cut] & 0xC0) == 0x80)
			cut++;
		sw_buf_remove(&t->out, 0, cut);
		t->truncated = 1;
	}
}

static cJSON *exit_status(const struct terminal *t)
{
	cJSON *s = cJSON_CreateObject();
	const struct sw_proc *p = t->proc;

	if (p->term_signal) {
		const char *name = sigabbrev_np(p->term_signal);
		struct sw_buf b = SW_BUF_INIT;

		cJSON_AddNullToObject(s, "exitCode");
		sw_buf_addf(&b, "SIG%s", name ? name : "UNKNOWN");
		cJSON_AddStringToObject(s, "signal", b.ptr);
		sw_buf_release(&b);
	} else {
		cJSON_AddNumberToObject(s, "exitCode", p->exit_status);
		cJSON_AddNullToObject(s, "signal");
	}
	return s;
}

static void term_exited(struct sw_proc *p, void *data)
{
	struct terminal *t = data;
	size_t i;

	SW_UNUSED(p);
	t->exited = 1;
	for (i = 0; i < t->waiters_nr; i++)
		jrpc_reply_take(t->waiters[i], exit_status(t), NULL);
	t->waiters_nr = 0;
}

static void m_term_create(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			  const cJSON *params, void *data)
{
	struct acp_client *c = data;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_strvec argv = SW_STRVEC_INIT, env = SW_STRVEC_INIT;
	struct sw_proc_opts po = SW_PROC_OPTS_INIT;
	const cJSON *command = cJSON_GetObjectItemCaseSensitive(params, "command");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "args");
	const cJSON *envs = cJSON_GetObjectItemCaseSensitive(params, "env");
	const cJSON *limit = cJSON_GetObjectItemCaseSensitive(params, "outputByteLimit");
	const cJSON *a;
	struct terminal *t = NULL;
	char *cwd = NULL;
	char **e;
	cJSON *r;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req || !check_session(c, req, params))
		return;
	if (!cJSON_IsString(command) || !command->valuestring[0]) {
		reply_invalid(req, "'command' must be a non-empty string");
		return;
	}
	sw_strvec_push(&argv, command->valuestring);
	cJSON_ArrayForEach(a, args)
		if (cJSON_IsString(a))
			sw_strvec_push(&argv, a->valuestring);
	for (e = environ; *e; e++)
		sw_strvec_push(&env, *e);
	cJSON_ArrayForEach(a, envs) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(a, "name");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "value");

		if (cJSON_IsString(n) && cJSON_IsString(v))
			sw_strvec_pushf(&env, "%s=%s", n->valuestring, v->valuestring);
	}
	if (cJSON_GetObjectItemCaseSensitive(params, "cwd") &&
	    !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(params, "cwd"))) {
		cJSON *p2 = cJSON_CreateObject();

		cJSON_AddItemToObject(p2, "path", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(params, "cwd"), 1));
		cwd = session_path(c, req, p2);
		cJSON_Delete(p2);
		if (!cwd)
			goto out;
	}
	t = sw_xcalloc(1, sizeof(*t));
	t->c = c;
	sw_buf_init(&t->out, 0);
	t->limit = cJSON_IsNumber(limit) && limit->valuedouble >= 0 ? (size_t)limit->valuedouble
								   : ACP_TERMINAL_OUTPUT_MAX;
	po.argv = (const char *const *)argv.v;
	po.env = (const char *const *)env.v;
	po.cwd = cwd ? cwd : c->session_cwd;
	po.on_stdout = term_output;
	po.on_stderr = term_output;
	po.die_with_parent = 1;
	po.on_exit = term_exited;
	po.data = t;
	if (sw_proc_start(&t->proc, c->loop, &po, &err) < 0) {
		jrpc_reply_error(req, JRPC_INTERNAL_ERROR, "Internal error", cJSON_CreateString(err.msg), NULL);
		sw_buf_release(&t->out);
		free(t);
		goto out;
	}
	{
		struct sw_buf id = SW_BUF_INIT;

		sw_buf_addf(&id, "term-%d", ++c->next_term);
		t->id = sw_buf_detach(&id, NULL);
	}
	t->next = c->terms;
	c->terms = t;
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "terminalId", t->id);
	jrpc_reply_take(req, r, NULL);
out:
	free(cwd);
	sw_strvec_clear(&argv);
	sw_strvec_clear(&env);
}

static void m_term_output(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			  const cJSON *params, void *data)
{
	struct acp_client *c = data;
	struct terminal *t;
	cJSON *r;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req || !check_session(c, req, params) || !(t = find_terminal(c, req, params)))
		return;
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "output", t->out.ptr);
	cJSON_AddBoolToObject(r, "truncated", t->truncated);
	if (t->exited)
		cJSON_AddItemToObject(r, "exitStatus", exit_status(t));
	jrpc_reply_take(req, r, NULL);
}

static void waiter_cancelled(struct jrpc_request *req, enum jrpc_cancel_reason why, void *data)
{
	struct terminal *t = data;
	size_t i;

	for (i = 0; i < t->waiters_nr; i++)
		if (t->waiters[i] == req) {
			memmove(&t->waiters[i], &t->waiters[i + 1], (t->waiters_nr - i - 1) * sizeof(*t->waiters));
			t->waiters_nr--;
			break;
		}
	if (why == JRPC_CANCEL_REQUESTED)
		jrpc_reply_error(req, JRPC_REQUEST_CANCELLED, "Request cancelled", NULL, NULL);
}

static void m_term_wait(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			const cJSON *params, void *data)
{
	struct acp_client *c = data;
	struct terminal *t;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req || !check_session(c, req, params) || !(t = find_terminal(c, req, params)))
		return;
	if (t->exited) {
		jrpc_reply_take(req, exit_status(t), NULL);
		return;
	}
	SW_ALLOC_GROW(t->waiters, t->waiters_nr + 1, t->waiters_alloc);
	t->waiters[t->waiters_nr++] = req;
	jrpc_request_on_cancel(req, waiter_cancelled, t);
}

static void m_term_kill(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			const cJSON *params, void *data)
{
	struct acp_client *c = data;
	struct terminal *t;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req || !check_session(c, req, params) || !(t = find_terminal(c, req, params)))
		return;
	sw_proc_kill(t->proc, SIGKILL);
	jrpc_reply_take(req, NULL, NULL);
}

static void m_term_release(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			   const cJSON *params, void *data)
{
	struct acp_client *c = data;
	struct terminal *t, **tp;
	size_t i;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (!req || !check_session(c, req, params) || !(t = find_terminal(c, req, params)))
		return;
	for (tp = &c->terms; *tp != t; tp = &(*tp)->next)
		;
	*tp = t->next;
	/* Waiters learn it was killed; the id is invalid from now on. */
	for (i = 0; i < t->waiters_nr; i++) {
		cJSON *s = cJSON_CreateObject();

		cJSON_AddNullToObject(s, "exitCode");
		cJSON_AddStringToObject(s, "signal", "SIGKILL");
		jrpc_reply_take(t->waiters[i], s, NULL);
	}
	t->waiters_nr = 0;
	free_terminal(t);
	jrpc_reply_take(req, NULL, NULL);
}

/* ---------- notifications from the agent ---------- */

static void m_update(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		     void *data)
{
	struct acp_client *c = data;
	const cJSON *update = cJSON_GetObjectItemCaseSensitive(params, "update");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(update, "sessionUpdate");
	const char *sid = param_session(params);

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	if (req) { /* a notification sent as a request: answer, do not fold twice */
		jrpc_reply_error(req, JRPC_INVALID_REQUEST, "Invalid Request",
				 cJSON_CreateString("session/update is a notification"), NULL);
		return;
	}
	if (!cJSON_IsObject(update) || !cJSON_IsString(kind))
		return;
	if (c->session_id && sid && strcmp(sid, c->session_id))
		return; /* another session's: not ours to fold */
	acp_turn_apply(&c->turn, update);
	if (c->o.on_update && !c->freed)
		c->o.on_update(c, kind->valuestring, update, c->o.data);
}

/* ---------- our requests ---------- */

static void on_init_answer(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct acp_client *c = data;
	struct sw_error err = SW_ERROR_INIT;
	const cJSON *ver;

	SW_UNUSED(rpc);
	if (c->freed)
		return;
	if (res->rc < 0) {
		fail_op(c, res->rc, res->err);
		return;
	}
	ver = cJSON_GetObjectItemCaseSensitive(res->result, "protocolVersion");
	if (!cJSON_IsObject(res->result) || !cJSON_IsNumber(ver)) {
		sw_error_set(&err, SW_EPROTO, "the agent's initialize result has no integer 'protocolVersion'");
		finish_op(c, SW_EPROTO, &err);
		return;
	}
	if ((int)ver->valuedouble != ACP_PROTOCOL_VERSION) {
		sw_error_set(&err, SW_EPROTO, "the agent speaks ACP version %d, not %d", (int)ver->valuedouble,
			     ACP_PROTOCOL_VERSION);
		finish_op(c, SW_EPROTO, &err);
		return;
	}
	c->agent_info = cJSON_Duplicate(res->result, 1);
	finish_op(c, 0, NULL);
}

static int begin_op(struct acp_client *c, enum op_kind op, acp_done_cb done, void *data, struct sw_error *err)
{
	if (c->op != OP_NONE)
		return sw_error_set(err, SW_EINVAL, "another operation is still running on the agent");
	if (jrpc_closed(c->rpc))
		return sw_error_set(err, SW_EIO, "the agent is gone");
	c->op = op;
	c->op_done = done;
	c->op_data = data;
	return 0;
}

static int call(struct acp_client *c, const char *method, cJSON *params, uint64_t timeout,
		jrpc_response_cb cb, struct sw_error *err)
{
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	int rc;

	co.timeout_ms = timeout;
	co.on_response = cb;
	co.data = c;
	rc = jrpc_call_take(c->rpc, &c->op_id, method, params, &co, err);
	if (rc < 0) {
		c->op = OP_NONE;
		c->op_done = NULL;
	}
	return rc;
}

static void agent_gone(struct jrpc *rpc, const struct sw_error *err, void *data)
{
	struct acp_client *c = data;

	SW_UNUSED(rpc);
	SW_UNUSED(err);
	/* Pending calls fail on their own (SW_EIO); terminals die with the agent. */
	while (c->terms) {
		struct terminal *t = c->terms;

		c->terms = t->next;
		free_terminal(t);
	}
}

static void agent_cancel_hook(struct jrpc *rpc, int64_t id, const char *method, enum jrpc_cancel_reason why,
			      void *data)
{
	cJSON *p;

	SW_UNUSED(data);
	if (why == JRPC_CANCEL_CLOSED || !strcmp(method, "session/prompt"))
		return; /* a turn is cancelled with session/cancel instead */
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "requestId", (double)id);
	jrpc_notify_take(rpc, "$/cancel_request", p, NULL);
}

int acp_client_start(struct acp_client **out, uv_loop_t *loop, const struct acp_client_opts *o,
		     acp_done_cb done, void *data, struct sw_error *err)
{
	struct acp_client *c;
	struct jrpc_opts jo = JRPC_OPTS_INIT;
	struct sw_proc_opts po = SW_PROC_OPTS_INIT;
	cJSON *p, *caps, *fs, *info;
	int rc;

	*out = NULL;
	if (!o->argv || !o->argv[0])
		return sw_error_set(err, SW_EINVAL, "no agent command given");
	c = sw_xcalloc(1, sizeof(*c));
	c->loop = loop;
	c->o = *o;
	sw_strvec_pushv(&c->argv, o->argv);
	if (o->env)
		sw_strvec_pushv(&c->env, o->env);
	if (o->policy.allow)
		sw_strvec_pushv(&c->allow, o->policy.allow);
	c->o.argv = (const char *const *)c->argv.v;
	c->o.env = o->env ? (const char *const *)c->env.v : NULL;
	c->o.policy.allow = NULL;
	c->proc_cwd = o->cwd ? sw_xstrdup(o->cwd) : NULL;
	c->o.cwd = c->proc_cwd;
	if (!c->o.request_timeout_ms)
		c->o.request_timeout_ms = DEFAULT_REQUEST_TIMEOUT_MS;
	if (!c->o.cancel_grace_ms)
		c->o.cancel_grace_ms = DEFAULT_CANCEL_GRACE_MS;
	acp_turn_init(&c->turn);
	sw_buf_init(&c->stderr_tail, 0);
	uv_timer_init(loop, &c->timer);
	c->timer.data = c;
	c->timer_open = 1;
	*out = c;

	jo.name = "agent";
	jo.on_close = agent_gone;
	jo.on_cancel = agent_cancel_hook;
	jo.data = c;
	jrpc_new(&c->rpc, loop, &jo);
	jrpc_on(c->rpc, "session/update", m_update, c);
	jrpc_on(c->rpc, "session/request_permission", m_permission, c);
	if (c->o.fs_read)
		jrpc_on(c->rpc, "fs/read_text_file", m_read, c);
	if (c->o.fs_write)
		jrpc_on(c->rpc, "fs/write_text_file", m_write, c);
	if (c->o.terminal) {
		jrpc_on(c->rpc, "terminal/create", m_term_create, c);
		jrpc_on(c->rpc, "terminal/output", m_term_output, c);
		jrpc_on(c->rpc, "terminal/wait_for_exit", m_term_wait, c);
		jrpc_on(c->rpc, "terminal/kill", m_term_kill, c);
		jrpc_on(c->rpc, "terminal/release", m_term_release, c);
	}
	po.argv = c->o.argv;
	po.env = c->o.env;
	po.cwd = c->o.cwd;
	po.die_with_parent = 1; /* an agent (and what it started) never outlives us, however we die */
	po.on_stderr = agent_stderr;
	po.on_exit = agent_exited;
	po.data = c;
	if ((rc = jrpc_attach_child(c->rpc, &po, err)) < 0) {
		c->exited = 1;
		return rc;
	}
	if ((rc = begin_op(c, OP_START, done, data, err)) < 0)
		return rc;
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "protocolVersion", ACP_PROTOCOL_VERSION);
	caps = cJSON_AddObjectToObject(p, "clientCapabilities");
	fs = cJSON_AddObjectToObject(caps, "fs");
	cJSON_AddBoolToObject(fs, "readTextFile", c->o.fs_read);
	cJSON_AddBoolToObject(fs, "writeTextFile", c->o.fs_write);
	cJSON_AddBoolToObject(caps, "terminal", c->o.terminal);
	info = cJSON_AddObjectToObject(p, "clientInfo");
	cJSON_AddStringToObject(info, "name", "specwright");
	cJSON_AddStringToObject(info, "version", "0");
	return call(c, "initialize", p, c->o.request_timeout_ms, on_init_answer, err);
}

const cJSON *acp_client_agent_info(const struct acp_client *c)
{
	return c->agent_info;
}

const char *acp_client_session_id(const struct acp_client *c)
{
	return c->session_id;
}

const cJSON *acp_client_session_info(const struct acp_client *c)
{
	return c->session_info;
}

long acp_client_pid(const struct acp_client *c)
{
	struct sw_proc *p = c->rpc ? jrpc_child(c->rpc) : NULL;

	return p && !p->exited ? (long)p->pid : 0;
}

static void on_session_answer(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct acp_client *c = data;
	struct sw_error err = SW_ERROR_INIT;
	const cJSON *sid;

	SW_UNUSED(rpc);
	if (c->freed)
		return;
	if (res->rc < 0) {
		free(c->session_id);
		c->session_id = NULL;
		fail_op(c, res->rc, res->err);
		return;
	}
	/* session/load may answer null (the prose) or {} (the schema). */
	sid = cJSON_GetObjectItemCaseSensitive(res->result, "sessionId");
	if (cJSON_IsString(sid) && sid->valuestring[0]) {
		free(c->session_id);
		c->session_id = sw_xstrdup(sid->valuestring);
	}
	if (!c->session_id) {
		sw_error_set(&err, SW_EPROTO, "the agent's session/new result has no 'sessionId'");
		finish_op(c, SW_EPROTO, &err);
		return;
	}
	cJSON_Delete(c->session_info);
	c->session_info = cJSON_IsObject(res->result) ? cJSON_Duplicate(res->result, 1) : cJSON_CreateObject();
	finish_op(c, 0, NULL);
}

static int open_session(struct acp_client *c, const char *method, const char *session_id, const char *cwd,
			cJSON *mcp_servers, acp_done_cb done, void *data, struct sw_error *err)
{
	cJSON *p;
	int rc;

	if (!cwd || cwd[0] != '/') {
		cJSON_Delete(mcp_servers);
		return sw_error_set(err, SW_EINVAL, "the session directory '%s' is not absolute", cwd ? cwd : "");
	}
	if (c->session_id && !session_id) {
		cJSON_Delete(mcp_servers);
		return sw_error_set(err, SW_EINVAL, "a session is already open");
	}
	if ((rc = begin_op(c, OP_SESSION, done, data, err)) < 0) {
		cJSON_Delete(mcp_servers);
		return rc;
	}
	free(c->session_cwd);
	c->session_cwd = sw_xstrdup(cwd);
	p = cJSON_CreateObject();
	if (session_id) {
		cJSON_AddStringToObject(p, "sessionId", session_id);
		free(c->session_id);
		c->session_id = sw_xstrdup(session_id);
	}
	cJSON_AddStringToObject(p, "cwd", cwd);
	cJSON_AddItemToObject(p, "mcpServers", mcp_servers ? mcp_servers : cJSON_CreateArray());
	/* A replay of history during session/load folds into a fresh turn. */
	acp_turn_release(&c->turn);
	acp_turn_init(&c->turn);
	return call(c, method, p, c->o.request_timeout_ms, on_session_answer, err);
}

int acp_client_new_session(struct acp_client *c, const char *cwd, cJSON *mcp_servers, acp_done_cb done,
			   void *data, struct sw_error *err)
{
	return open_session(c, "session/new", NULL, cwd, mcp_servers, done, data, err);
}

int acp_client_load_session(struct acp_client *c, const char *session_id, const char *cwd,
			    cJSON *mcp_servers, acp_done_cb done, void *data, struct sw_error *err)
{
	return open_session(c, "session/load", session_id, cwd, mcp_servers, done, data, err);
}

static void on_prompt_answer(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct acp_client *c = data;
	struct sw_error err = SW_ERROR_INIT;
	const cJSON *reason, *meta;

	SW_UNUSED(rpc);
	if (c->freed)
		return;
	if (res->rc < 0) {
		if (res->rc == SW_ECANCELED && c->cancel_rc == SW_ETIMEOUT) {
			struct sw_error e = c->turn.err;

			sw_error_prefix(&e, "agent killed");
			finish_op(c, SW_ETIMEOUT, &e);
			return;
		}
		if (res->rc == SW_ECANCELED) {
			sw_error_set(&err, SW_ECANCELED, "the agent did not stop within %llu ms of session/cancel; killed",
				     (unsigned long long)c->o.cancel_grace_ms);
			finish_op(c, SW_ECANCELED, &err);
			return;
		}
		fail_op(c, res->rc, res->err);
		return;
	}
	reason = cJSON_GetObjectItemCaseSensitive(res->result, "stopReason");
	meta = cJSON_GetObjectItemCaseSensitive(res->result, "_meta");
	if (!cJSON_IsString(reason)) {
		sw_error_set(&err, SW_EPROTO, "the agent's session/prompt result has no 'stopReason'");
		finish_op(c, SW_EPROTO, &err);
		return;
	}
	c->turn.stop_reason = sw_xstrdup(reason->valuestring);
	if (meta)
		c->turn.meta = cJSON_Duplicate(meta, 1);
	if (c->turn.rc == SW_ETIMEOUT) {
		/* It stopped after our cancel, but only because the deadline passed. */
		struct sw_error e = c->turn.err;

		finish_op(c, SW_ETIMEOUT, &e);
		return;
	}
	finish_op(c, 0, NULL);
}

int acp_client_prompt(struct acp_client *c, cJSON *prompt, uint64_t deadline_ms, acp_done_cb done,
		      void *data, struct sw_error *err)
{
	cJSON *p;
	int rc;

	if (!c->session_id) {
		cJSON_Delete(prompt);
		return sw_error_set(err, SW_EINVAL, "no session is open");
	}
	if ((rc = begin_op(c, OP_PROMPT, done, data, err)) < 0) {
		cJSON_Delete(prompt);
		return rc;
	}
	acp_turn_release(&c->turn);
	acp_turn_init(&c->turn);
	c->turn_running = 1;
	c->cancelling = 0;
	c->cancel_rc = 0;
	c->deadline_ms = deadline_ms;
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "sessionId", c->session_id);
	cJSON_AddItemToObject(p, "prompt", prompt);
	if ((rc = call(c, "session/prompt", p, 0, on_prompt_answer, err)) < 0) {
		c->turn_running = 0;
		return rc;
	}
	if (deadline_ms)
		start_timer(c, T_DEADLINE, deadline_ms);
	return 0;
}

int acp_client_prompt_text(struct acp_client *c, const char *text, uint64_t deadline_ms,
			   acp_done_cb done, void *data, struct sw_error *err)
{
	cJSON *blocks = cJSON_CreateArray(), *b = cJSON_CreateObject();

	cJSON_AddStringToObject(b, "type", "text");
	cJSON_AddStringToObject(b, "text", text);
	cJSON_AddItemToArray(blocks, b);
	return acp_client_prompt(c, blocks, deadline_ms, done, data, err);
}

const struct acp_turn *acp_client_turn(const struct acp_client *c)
{
	return &c->turn;
}

void acp_client_cancel(struct acp_client *c)
{
	cJSON *p;

	if (!c->turn_running || c->cancelling)
		return;
	enter(c);
	c->cancelling = 1;
	if (!c->cancel_rc)
		c->cancel_rc = SW_ECANCELED;
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "sessionId", c->session_id);
	/*
	 * Permission requests are decided by the policy as they arrive, so none
	 * is pending here; any that comes after this is answered "cancelled"
	 * (m_permission), as ACP requires once session/cancel is sent.
	 */
	jrpc_notify_take(c->rpc, "session/cancel", p, NULL);
	if (!c->freed && c->turn_running)
		start_timer(c, T_GRACE, c->o.cancel_grace_ms);
	leave(c);
}

void acp_client_shutdown(struct acp_client *c, acp_done_cb done, void *data)
{
	struct sw_error err = SW_ERROR_INIT;

	enter(c);
	if (c->op != OP_NONE) {
		/* Whatever runs ends now. */
		sw_error_set(&err, SW_ECANCELED, "the agent is shutting down");
		if (c->op == OP_PROMPT)
			c->cancel_rc = SW_ECANCELED;
		finish_op(c, SW_ECANCELED, &err);
	}
	if (c->exited || !jrpc_child(c->rpc)) {
		jrpc_close(c->rpc);
		if (done && !c->freed)
			done(c, 0, NULL, data);
		leave(c);
		return;
	}
	c->op = OP_SHUTDOWN;
	c->op_done = done;
	c->op_data = data;
	jrpc_close(c->rpc); /* closes the agent's stdin */
	start_timer(c, T_SHUTDOWN, c->o.cancel_grace_ms);
	leave(c);
}

void acp_client_free(struct acp_client *c)
{
	if (!c || c->freed)
		return;
	enter(c);
	c->freed = 1;
	while (c->terms) {
		struct terminal *t = c->terms;

		c->terms = t->next;
		free_terminal(t);
	}
	jrpc_free(c->rpc); /* kills what is left of the agent's group */
	c->rpc = NULL;
	if (c->timer_open && !uv_is_closing((uv_handle_t *)&c->timer))
		uv_close((uv_handle_t *)&c->timer, timer_closed);
	leave(c);
}

/* ---------- Kiro mcp.json → ACP mcpServers ---------- */

static char *which(const char *cmd)
{
	const char *path = getenv("PATH");
	struct sw_strvec dirs = SW_STRVEC_INIT;
	char *found = NULL;
	size_t i;

	if (strchr(cmd, '/'))
		return sw_xstrdup(cmd);
	sw_strvec_split(&dirs, path ? path : "/usr/bin:/bin", ':');
	for (i = 0; i < dirs.nr && !found; i++) {
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_addf(&b, "%s/%s", dirs.v[i], cmd);
		if (access(b.ptr, X_OK) == 0 && sw_is_file(b.ptr))
			found = sw_buf_detach(&b, NULL);
		sw_buf_release(&b);
	}
	sw_strvec_clear(&dirs);
	return found ? found : sw_xstrdup(cmd);
}

static int pairs(cJSON *dst, const char *key, const cJSON *map, const char *path, struct sw_error *err)
{
	cJSON *arr = cJSON_AddArrayToObject(dst, key);
	const cJSON *v;

	if (!map)
		return 0;
	if (!cJSON_IsObject(map))
		return sw_error_set(err, SW_EINVAL, "%s: expected object, found %s", path, sw_json_type_name(map));
	cJSON_ArrayForEach(v, map) {
		cJSON *pair;

		if (!cJSON_IsString(v))
			return sw_error_set(err, SW_EINVAL, "%s.%s: expected string, found %s", path, v->string,
					    sw_json_type_name(v));
		pair = cJSON_CreateObject();
		cJSON_AddStringToObject(pair, "name", v->string);
		cJSON_AddStringToObject(pair, "value", v->valuestring);
		cJSON_AddItemToArray(arr, pair);
	}
	return 0;
}

int acp_mcp_servers_from_kiro(cJSON **out, const cJSON *servers, struct sw_error *err)
{
	cJSON *arr = cJSON_CreateArray();
	const cJSON *s;
	int rc = 0;

	*out = NULL;
	if (servers && !cJSON_IsObject(servers)) {
		rc = sw_error_set(err, SW_EINVAL, "$.mcpServers: expected object, found %s", sw_json_type_name(servers));
		goto out;
	}
	cJSON_ArrayForEach(s, servers) {
		char *path = sw_json_path_key("$.mcpServers", s->string);
		const char *command = NULL, *url = NULL, *type = NULL;
		const cJSON *args = NULL, *env = NULL, *headers = NULL;
		int disabled = 0;
		cJSON *e;

		if ((rc = sw_json_get_bool(&disabled, s, "disabled", 0, path, err)) < 0 ||
		    (rc = sw_json_get_string(&command, s, "command", 0, path, err)) < 0 ||
		    (rc = sw_json_get_string(&url, s, "url", 0, path, err)) < 0 ||
		    (rc = sw_json_get_string(&type, s, "type", 0, path, err)) < 0 ||
		    (rc = sw_json_get_array(&args, s, "args", 0, path, err)) < 0) {
			free(path);
			goto out;
		}
		env = cJSON_GetObjectItemCaseSensitive(s, "env");
		headers = cJSON_GetObjectItemCaseSensitive(s, "headers");
		if (disabled) {
			free(path);
			continue;
		}
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", s->string);
		if (command) {
			char *abs = which(command);
			cJSON *a = cJSON_AddArrayToObject(e, "args");
			const cJSON *x;
			char *sub = sw_json_path_key(path, "env");

			cJSON_AddStringToObject(e, "command", abs);
			free(abs);
			cJSON_ArrayForEach(x, args)
				if (cJSON_IsString(x))
					cJSON_AddItemToArray(a, cJSON_CreateString(x->valuestring));
			rc = pairs(e, "env", env, sub, err);
			free(sub);
		} else if (url) {
			char *sub = sw_json_path_key(path, "headers");

			cJSON_AddStringToObject(e, "type", type && !strcmp(type, "sse") ? "sse" : "http");
			cJSON_AddStringToObject(e, "url", url);
			rc = pairs(e, "headers", headers, sub, err);
			free(sub);
		} else {
			rc = sw_error_set(err, SW_EINVAL, "%s: expected 'command' or 'url'", path);
		}
		free(path);
		cJSON_AddItemToArray(arr, e);
		if (rc < 0)
			goto out;
	}
	*out = arr;
	arr = NULL;
out:
	cJSON_Delete(arr);
	return rc;
}

/* ---------- synchronous ---------- */

struct run_state {
	struct acp_run_result *res;
	const struct acp_run_opts *o;
	int done;
	int rc;
	struct sw_error err;
};

static void run_step_done(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct run_state *s = data;

	SW_UNUSED(c);
	s->done = 1;
	s->rc = rc;
	if (rc < 0 && err)
		s->err = *err;
}

static int run_until(uv_loop_t *loop, struct run_state *s)
{
	while (!s->done && uv_run(loop, UV_RUN_ONCE))
		;
	if (!s->done)
		return sw_error_set(&s->err, SW_EIO, "the agent went away without an answer");
	return s->rc;
}

int acp_run(struct acp_run_result *res, const struct acp_run_opts *o, struct sw_error *err)
{
	uv_loop_t loop;
	struct acp_client *c = NULL;
	struct run_state s = { res, o, 0, 0, SW_ERROR_INIT };
	int rc;

	uv_loop_init(&loop);
	if ((rc = acp_client_start(&c, &loop, &o->client, run_step_done, &s, err)) < 0)
		goto out;
	if ((rc = run_until(&loop, &s)) < 0) {
		*err = s.err;
		goto out;
	}
	res->agent = cJSON_Duplicate(acp_client_agent_info(c), 1);
	s.done = 0;
	if ((rc = acp_client_new_session(c, o->session_cwd,
					 o->mcp_servers ? cJSON_Duplicate(o->mcp_servers, 1) : NULL,
					 run_step_done, &s, err)) < 0)
		goto out;
	if ((rc = run_until(&loop, &s)) < 0) {
		*err = s.err;
		goto out;
	}
	res->session_id = sw_xstrdup(acp_client_session_id(c));
	res->session = cJSON_Duplicate(acp_client_session_info(c), 1);
	if (o->prompt) {
		s.done = 0;
		if ((rc = acp_client_prompt_text(c, o->prompt, o->turn_timeout_ms, run_step_done, &s, err)) < 0)
			goto out;
		rc = run_until(&loop, &s);
		/* Hand the turn over: the client's copy is released with it. */
		res->turn = c->turn;
		acp_turn_init(&c->turn);
		if (rc < 0) {
			*err = s.err;
			if (res->turn.rc == 0) {
				res->turn.rc = rc;
				res->turn.err = s.err;
			}
			goto out;
		}
	}
out:
	if (c) {
		s.done = 0;
		acp_client_shutdown(c, run_step_done, &s);
		while (!s.done && uv_run(&loop, UV_RUN_ONCE))
			;
		acp_client_free(c);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return rc;
}

void acp_run_result_release(struct acp_run_result *res)
{
	cJSON_Delete(res->agent);
	free(res->session_id);
	cJSON_Delete(res->session);
	acp_turn_release(&res->turn);
	res->agent = res->session = NULL;
	res->session_id = NULL;
}

int acp_client_reuse(struct acp_client *c, void *data, struct sw_error *err)
{
	if (c->op != OP_NONE)
		return sw_error_set(err, SW_EINVAL, "another operation is still running on the agent");
	if (c->exited || jrpc_closed(c->rpc))
		return sw_error_set(err, SW_EIO, "the agent is gone");
	free(c->session_id);
	c->session_id = NULL;
	c->o.data = data;
	return 0;
}
