// SPDX-License-Identifier: Apache-2.0
/*
 * orch.c - the central orchestrator (orch.h).
 *
 * Everything runs on one private libuv loop: the agents (acp/client.h),
 * the verify commands (base/proc.h) and the two signal watchers.  A slot
 * is one running task; its life is a chain of callbacks:
 *   start_agent -> agent_started -> session_ready -> turn_done
 *     -> verify (verify_exited) -> lint -> succeeded | attempt_failed
 *   attempt_failed -> retry on the session | restart the agent | failed
 * and every end goes through end_slot(), which tells the scheduler and
 * hands out more work.  The run ends when the scheduler is over (or, when
 * cancelled, when no slot is left); then the signal watchers close and
 * uv_run() returns.
 *
 * tasks.md edits (spec_set_task_state) and the lint after each task are
 * short synchronous file work on the loop; everything that can take long
 * (agents, commands) is asynchronous.
 */
#include "dispatch/orch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "acp/client.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/proc.h"
#include "dispatch/journal.h"
#include "dispatch/packet.h"
#include "git/vcs.h"
#include "hooks/action.h"
#include "kiro/hookfile.h"
#include "specs-engine/spec.h"
#include "dispatch/orch_int.h"

/* ---- journal and events ------------------------------------------------------------------ */

void orch__record(struct orch *o, const char *event, cJSON *rec)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *copy;

	if (!rec)
		rec = cJSON_CreateObject();
	if (o->opts->on_event) {
		char ts[40];

		copy = cJSON_Duplicate(rec, 1);
		journal_timestamp(ts, sizeof(ts));
		cJSON_AddStringToObject(copy, "ts", ts);
		cJSON_AddStringToObject(copy, "event", event);
		o->opts->on_event(event, copy, o->opts->data);
		cJSON_Delete(copy);
	}
	if (o->j && journal_append(o->j, event, rec, &err) < 0 && !o->io_err.code)
		o->io_err = err;
	else if (!o->j)
		cJSON_Delete(rec);
}

static void set_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *strings(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

cJSON *orch__task_rec(struct orch *o, size_t t)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "task", plan_task_id(o->plan, t));
	return r;
}

void orch__slog(struct slot *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->log)
		return;
	va_start(ap, fmt);
	vfprintf(s->log, fmt, ap);
	va_end(ap);
	fflush(s->log);
}

/* ---- tasks.md ------------------------------------------------------------------------------ */

static void set_state(struct orch *o, size_t t, enum tasks_state st)
{
	struct sw_error err = SW_ERROR_INIT;
	struct tasks_change *ch = NULL;
	size_t n = 0;

	if (spec_set_task_state(o->opts->spec_dir, plan_task_id(o->plan, t), st, &ch, &n, &err) < 0) {
		cJSON *r = orch__task_rec(o, t);

		cJSON_AddStringToObject(r, "error", err.msg);
		orch__record(o, "status-error", r);
		if (!o->io_err.code)
			o->io_err = err;
	}
	free(ch);
}

/* ---- the end of a task and of the run ------------------------------------------------------ */

static void schedule(struct orch *o);
static void pool_put(struct orch *o, struct acp_client *c, const struct sw_strvec *argv);
static void pool_drain(struct orch *o);

void orch__agent_closed(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	SW_UNUSED(rc);
	SW_UNUSED(err);
	SW_UNUSED(data);
	acp_client_free(c);
}

static void slot_free(struct slot *s)
{
	if (s->acp)
		acp_client_shutdown(s->acp, orch__agent_closed, NULL);
	sw_proc_free(s->proc);
	hooks_action_free(s->hook);
	if (s->rev)
		acp_client_shutdown(s->rev, orch__agent_closed, NULL);
	sw_strvec_clear(&s->rev_argv);
	if (s->log)
		fclose(s->log);
	sw_strvec_clear(&s->argv);
	free(s->packet);
	if (s->wt_name) {
		struct sw_error err = SW_ERROR_INIT;

		if (vcs_worktree_remove(s->o->opts->root, s->wt_name, &err) < 0) {
			cJSON *r = orch__task_rec(s->o, s->t);

			cJSON_AddStringToObject(r, "error", err.msg);
			orch__record(s->o, "worktree-error", r);
		}
		free(s->wt_name);
	}
	free(s->cwd);
	free(s);
}

/* Journals the tasks the scheduler skipped since the last call. */
static void tell_skipped(struct orch *o)
{
	size_t i;

	for (i = 0; i < o->plan->n; i++) {
		cJSON *r;

		if (o->told[i] || o->plan->v[i].why != PLAN_RUNS || plan_sched_state(o->sched, i) != PLAN_SKIPPED)
			continue;
		o->told[i] = 1;
		set_state(o, i, TASKS_TODO);
		r = orch__task_rec(o, i);
		if (o->cancelling) {
			/* not skipped for a failure: the run stops */
			o->res->cancelled++;
			cJSON_AddStringToObject(r, "reason", "the run was cancelled");
			orch__record(o, "not-run", r);
			continue;
		}
		o->res->skipped++;
		cJSON_AddStringToObject(r, "reason", "a task it depends on failed");
		orch__record(o, "skipped", r);
	}
}

static void finish_run(struct orch *o)
{
	size_t i;
	cJSON *r;

	if (o->ended)
		return;
	o->ended = 1;
	/* What never started goes back from "[~]" to "[ ]". */
	for (i = 0; i < o->plan->n; i++) {
		if (o->plan->v[i].why != PLAN_RUNS || o->told[i])
			continue;
		o->told[i] = 1;
		set_state(o, i, TASKS_TODO);
		r = orch__task_rec(o, i);
		cJSON_AddStringToObject(r, "reason", o->cancelling ? "the run was cancelled" : "not started");
		orch__record(o, "not-run", r);
		o->res->cancelled++;
	}
	pool_drain(o);
	if ((o->opts->commit || o->opts->worktrees) && (o->res->done || o->opts->resume))
		orch__commit_tasks_file(o);
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "status", o->res->cancelled_run ? "cancelled"
					      : o->res->failed || o->res->skipped ? "failed" : "done");
	cJSON_AddNumberToObject(r, "done", (double)o->res->done);
	cJSON_AddNumberToObject(r, "failed", (double)o->res->failed);
	cJSON_AddNumberToObject(r, "skipped", (double)o->res->skipped);
	cJSON_AddNumberToObject(r, "notRun", (double)o->res->cancelled);
	cJSON_AddNumberToObject(r, "tokens", (double)o->res->tokens);
	cJSON_AddNumberToObject(r, "costUsd", o->res->cost);
	cJSON_AddNumberToObject(r, "agentProcesses", (double)o->agents_started);
	orch__record(o, "end", r);
	if (o->signals_open) {
		uv_close((uv_handle_t *)&o->sigint, NULL);
		uv_close((uv_handle_t *)&o->sigterm, NULL);
		o->signals_open = 0;
	}
}

static void maybe_finish(struct orch *o)
{
	if (plan_sched_over(o->sched) || (o->cancelling && !o->nslots))
		finish_run(o);
}

static void end_slot(struct slot *s, int ok)
{
	struct orch *o = s->o;
	size_t t = s->t;

	o->slots[t] = NULL;
	o->nslots--;
	o->told[t] = 1;
	slot_free(s);
	plan_sched_finish(o->sched, t, ok);
	tell_skipped(o);
	schedule(o);
	maybe_finish(o);
}


/* ---- Kiro's task hooks ------------------------------------------------------------------ */

static void run_task_hooks(struct slot *s);
static int start_agent(struct slot *s, const char *prompt, struct sw_error *err);

/* After the pre-task hooks: the agent; after the post-task hooks: the end of the slot. */
static void task_hooks_done(struct slot *s)
{
	struct sw_error err = SW_ERROR_INIT;

	if (s->post) {
		end_slot(s, 1);
		return;
	}
	if (s->o->cancelling) {
		orch__task_failed(s, "the run was cancelled");
		return;
	}
	if (start_agent(s, NULL, &err) < 0)
		orch__task_failed(s, err.msg);
}

static void task_hook_done(struct hooks_action *a, void *data)
{
	struct slot *s = data;
	struct orch *o = s->o;
	const struct kiro_hook *h = o->hooks.v[s->next_hook - 1];
	int ok = !a->timed_out && !a->term_signal && a->exit_status == 0;
	cJSON *r = orch__task_rec(o, s->t);
	char why[600];

	cJSON_AddStringToObject(r, "hook", h->id);
	cJSON_AddStringToObject(r, "trigger", s->post ? "postTaskExecution" : "preTaskExecution");
	cJSON_AddBoolToObject(r, "ok", ok);
	if (!a->term_signal)
		cJSON_AddNumberToObject(r, "exit", a->exit_status);
	orch__record(o, "hook", r);
	orch__slog(s, "\n== hook %s (%s): %s\n%.*s%.*s", h->id, s->post ? "postTaskExecution" : "preTaskExecution",
	     ok ? "ok" : "failed", (int)a->out.len, a->out.ptr, (int)a->errout.len, a->errout.ptr);
	if (!ok && !s->post) {
		/* A pre-task hook that fails blocks the task (as Kiro's PreTaskExec can). */
		snprintf(why, sizeof(why), "blocked by the preTaskExecution hook '%s' (exit status %d)%s%.*s", h->id,
			 a->exit_status, a->errout.len ? ": " : "", (int)(a->errout.len > 300 ? 300 : a->errout.len),
			 a->errout.ptr);
		hooks_action_free(a);
		s->hook = NULL;
		orch__task_failed(s, why);
		return;
	}
	hooks_action_free(a);
	s->hook = NULL;
	run_task_hooks(s);
}

/* Starts the next enabled hook of this phase, or goes on when there is none left. */
static void run_task_hooks(struct slot *s)
{
	struct orch *o = s->o;
	enum kiro_hook_trigger want = s->post ? KIRO_HOOK_POST_TASK : KIRO_HOOK_PRE_TASK;
	struct sw_error err = SW_ERROR_INIT;

	while (s->next_hook < o->hooks.nr && !o->cancelling) {
		const struct kiro_hook *h = o->hooks.v[s->next_hook++];
		struct hooks_action_opts ho = HOOKS_ACTION_OPTS_INIT;
		cJSON *r;

		if (h->trigger != want || !h->enabled)
			continue;
		ho.hook = h;
		ho.root = o->opts->root;
		ho.event = s->post ? "postTaskExecution" : "preTaskExecution";
		ho.spec = o->spec->name;
		ho.task = plan_task_id(o->plan, s->t);
		ho.on_done = task_hook_done;
		ho.data = s;
		if (hooks_action_start(&s->hook, &o->loop, &ho, &err) == 0)
			return;
		r = orch__task_rec(o, s->t);
		cJSON_AddStringToObject(r, "hook", h->id);
		cJSON_AddBoolToObject(r, "ok", 0);
		cJSON_AddStringToObject(r, "error", err.msg);
		orch__record(o, "hook", r);
		if (!s->post) {
			orch__task_failed(s, err.msg);
			return;
		}
		sw_error_clear(&err);
	}
	task_hooks_done(s);
}

void orch__task_succeeded(struct slot *s)
{
	struct orch *o = s->o;
	cJSON *r;
	char why[700];

	if (s->wt_name && orch__merge_task(s, why, sizeof(why)) < 0) {
		orch__task_failed(s, why);
		return;
	}
	r = orch__task_rec(o, s->t);
	set_state(o, s->t, TASKS_DONE);
	if (o->opts->commit && !s->wt_name)
		orch__commit_task(o, s->t);
	cJSON_AddNumberToObject(r, "attempts", s->attempt);
	cJSON_AddNumberToObject(r, "elapsedMs", (double)(uv_now(&o->loop) - s->start_ms));
	cJSON_AddNumberToObject(r, "tokens", (double)s->tokens);
	cJSON_AddNumberToObject(r, "costUsd", s->cost);
	orch__record(o, "done", r);
	o->res->done++;
	/* postTaskExecution hooks, then the slot ends */
	s->post = 1;
	s->next_hook = 0;
	if (s->acp) {
		pool_put(o, s->acp, &s->argv);
		s->acp = NULL;
	}
	run_task_hooks(s);
}

void orch__task_failed(struct slot *s, const char *why)
{
	struct orch *o = s->o;
	cJSON *r = orch__task_rec(o, s->t);

	set_state(o, s->t, TASKS_TODO);
	cJSON_AddStringToObject(r, "reason", why);
	cJSON_AddNumberToObject(r, "attempts", s->attempt);
	cJSON_AddNumberToObject(r, "elapsedMs", (double)(uv_now(&o->loop) - s->start_ms));
	if (o->cancelling) {
		orch__record(o, "cancelled", r);
		o->res->cancelled++;
	} else {
		orch__record(o, "failed", r);
		o->res->failed++;
	}
	orch__slog(s, "\n== task failed: %s\n", why);
	end_slot(s, 0);
}

/* ---- agents --------------------------------------------------------------------------------- */

static int start_agent(struct slot *s, const char *prompt, struct sw_error *err);
static void start_verify(struct slot *s);
static void turn_done(struct acp_client *c, int rc, const struct sw_error *err, void *data);

void orch__attempt_failed(struct slot *s, const char *what, const char *output, size_t len, int agent_dead)
{
	struct orch *o = s->o;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf retry = SW_BUF_INIT;
	const char *id = plan_task_id(o->plan, s->t);
	cJSON *r;
	int rc;

	orch__slog(s, "\n== attempt %d failed: %s\n", s->attempt, what);
	if (len)
		orch__slog(s, "%.*s\n", (int)(len > 65536 ? 65536 : len), output);
	if (o->cancelling || s->attempt > o->opts->max_retries) {
		orch__task_failed(s, what);
		return;
	}
	s->attempt++;
	r = orch__task_rec(o, s->t);
	cJSON_AddNumberToObject(r, "attempt", s->attempt);
	cJSON_AddStringToObject(r, "reason", what);
	orch__record(o, "retry", r);
	packet_retry(&retry, id, what, output, len);
	if (!agent_dead && s->acp && s->session) {
		/* The same session hears what went wrong. */
		uint64_t deadline = o->opts->task_timeout_ms ? o->opts->task_timeout_ms : ORCH_TURN_DEFAULT_MS;

		rc = acp_client_prompt_text(s->acp, retry.ptr, deadline, turn_done, s, &err);
		if (rc == 0) {
			orch__slog(s, "\n== attempt %d (same session)\n", s->attempt);
			sw_buf_release(&retry);
			return;
		}
	}
	/* A fresh agent gets the whole packet and what went wrong. */
	orch__slog(s, "\n== attempt %d (new agent)\n", s->attempt);
	if (s->acp) {
		acp_client_shutdown(s->acp, orch__agent_closed, NULL);
		s->acp = NULL;
		s->session = 0;
	}
	{
		struct sw_buf full = SW_BUF_INIT;

		sw_buf_adds(&full, s->packet);
		sw_buf_adds(&full, "\n## An earlier attempt at this task failed\n\n");
		sw_buf_addbuf(&full, &retry);
		rc = start_agent(s, full.ptr, &err);
		sw_buf_release(&full);
	}
	sw_buf_release(&retry);
	if (rc < 0)
		orch__task_failed(s, err.msg);
}

static void on_update(struct acp_client *c, const char *kind, const cJSON *update, void *data)
{
	struct slot *s = data;

	SW_UNUSED(c);
	if (!s)
		return; /* an idle agent */
	if (!strcmp(kind, "agent_message_chunk")) {
		const cJSON *content = cJSON_GetObjectItemCaseSensitive(update, "content");
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(content, "text");

		if (cJSON_IsString(text))
			orch__slog(s, "%s", text->valuestring);
	} else if (!strcmp(kind, "tool_call")) {
		const cJSON *title = cJSON_GetObjectItemCaseSensitive(update, "title");
		const cJSON *tkind = cJSON_GetObjectItemCaseSensitive(update, "kind");
		cJSON *r = orch__task_rec(s->o, s->t);

		set_str(r, "title", cJSON_IsString(title) ? title->valuestring : NULL);
		set_str(r, "kind", cJSON_IsString(tkind) ? tkind->valuestring : NULL);
		orch__record(s->o, "tool", r);
		orch__slog(s, "\n[tool] %s\n", cJSON_IsString(title) ? title->valuestring : "(untitled)");
	}
}

void orch__on_stderr(struct acp_client *c, const char *buf, size_t len, void *data)
{
	struct slot *s = data;

	SW_UNUSED(c);
	if (s)
		orch__slog(s, "%.*s", (int)len, buf);
}

static long num_member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (long)v->valuedouble : -1;
}

static double cost_of(const cJSON *u)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(u, "cost");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(c, "amount");

	return cJSON_IsNumber(a) && a->valuedouble > 0 ? a->valuedouble : 0;
}

static void cancel_all(struct orch *o, const char *why);

/*
 * Usage of the turn that just ended: the prompt result's _meta.usage (the
 * built-in agent's), else the turn's last usage_update (its cost).
 */
static void record_usage(struct slot *s, const struct acp_turn *turn)
{
	struct orch *o = s->o;
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(turn->meta, "usage");
	long in, out;
	double cost;
	cJSON *r;

	if (!cJSON_IsObject(u))
		u = turn->usage;
	if (!cJSON_IsObject(u))
		return;
	in = num_member(u, "inputTokens");
	out = num_member(u, "outputTokens");
	cost = cost_of(u);
	r = orch__task_rec(o, s->t);
	cJSON_AddNumberToObject(r, "attempt", s->attempt);
	cJSON_AddItemToObject(r, "usage", cJSON_Duplicate(u, 1));
	orch__record(o, "usage", r);
	if (in > 0)
		s->tokens += in;
	if (out > 0)
		s->tokens += out;
	s->cost += cost;
	o->res->tokens += (in > 0 ? in : 0) + (out > 0 ? out : 0);
	o->res->cost += cost;
	if (o->cancelling)
		return;
	if ((o->opts->budget_tokens > 0 && o->res->tokens >= o->opts->budget_tokens) ||
	    (o->opts->budget_usd > 0 && o->res->cost >= o->opts->budget_usd)) {
		r = cJSON_CreateObject();
		cJSON_AddNumberToObject(r, "tokens", (double)o->res->tokens);
		cJSON_AddNumberToObject(r, "costUsd", o->res->cost);
		if (o->opts->budget_tokens > 0)
			cJSON_AddNumberToObject(r, "budgetTokens", (double)o->opts->budget_tokens);
		if (o->opts->budget_usd > 0)
			cJSON_AddNumberToObject(r, "budgetUsd", o->opts->budget_usd);
		orch__record(o, "budget", r);
		cancel_all(o, "the budget is spent");
	}
}

static void turn_done(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct slot *s = data;
	const struct acp_turn *turn = acp_client_turn(c);
	char why[600];

	record_usage(s, turn);
	if (rc < 0) {
		snprintf(why, sizeof(why), "the agent's turn failed: %s", err->msg);
		orch__attempt_failed(s, why, NULL, 0, 1);
		return;
	}
	if (!turn->stop_reason || strcmp(turn->stop_reason, "end_turn")) {
		snprintf(why, sizeof(why), "the agent stopped with '%s', not end_turn",
			 turn->stop_reason ? turn->stop_reason : "(none)");
		orch__attempt_failed(s, why, NULL, 0, 0);
		return;
	}
	orch__slog(s, "\n== agent ended its turn; verifying\n");
	start_verify(s);
}

static void send_prompt(struct slot *s, const char *prompt)
{
	struct sw_error err = SW_ERROR_INIT;
	uint64_t deadline = s->o->opts->task_timeout_ms ? s->o->opts->task_timeout_ms : ORCH_TURN_DEFAULT_MS;

	if (acp_client_prompt_text(s->acp, prompt, deadline, turn_done, s, &err) < 0)
		orch__attempt_failed(s, err.msg, NULL, 0, 1);
}

static void session_ready(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct slot *s = data;
	char why[600];
	char *prompt;

	SW_UNUSED(c);
	if (rc < 0) {
		snprintf(why, sizeof(why), "the agent did not open a session: %s", err->msg);
		orch__attempt_failed(s, why, NULL, 0, 1);
		return;
	}
	s->session = 1;
	prompt = s->packet;
	send_prompt(s, prompt);
}

struct pending_prompt {
	struct slot *s;
	char *prompt;
};

static void agent_started(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct pending_prompt *pp = data;
	struct slot *s = pp->s;
	struct sw_error e2 = SW_ERROR_INIT;
	char why[600];

	if (rc < 0) {
		free(pp->prompt);
		free(pp);
		snprintf(why, sizeof(why), "the agent did not start: %s", err->msg);
		orch__attempt_failed(s, why, NULL, 0, 1);
		return;
	}
	/* session_ready sends s->packet; a restarted agent sends the packet with the failure */
	if (pp->prompt) {
		free(s->packet);
		s->packet = pp->prompt;
	}
	free(pp);
	if (acp_client_new_session(c, s->cwd, NULL, session_ready, s, &e2) < 0) {
		snprintf(why, sizeof(why), "the agent did not open a session: %s", e2.msg);
		orch__attempt_failed(s, why, NULL, 0, 1);
	}
}

void orch__build_agent_argv(struct slot *s)
{
	const struct orch_opts *oo = s->o->opts;
	const struct plan_task *pt = &s->o->plan->v[s->t];
	char self[PATH_MAX];
	ssize_t n;

	sw_strvec_clear(&s->argv);
	if (oo->agent_argv) {
		sw_strvec_pushv(&s->argv, oo->agent_argv);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	sw_strvec_push(&s->argv, n > 0 ? self : "specwright");
	sw_strvec_push(&s->argv, "acp");
	if (pt->agent || oo->agent) {
		sw_strvec_push(&s->argv, "--agent");
		sw_strvec_push(&s->argv, pt->agent ? pt->agent : oo->agent);
	}
	if (pt->model || oo->model) {
		sw_strvec_push(&s->argv, "--model");
		sw_strvec_push(&s->argv, pt->model ? pt->model : oo->model);
	}
}

static void client_opts(struct acp_client_opts *co, const struct orch_opts *oo, const char *cwd)
{
	co->cwd = cwd;
	co->fs_read = 1;
	co->fs_write = 1;
	co->terminal = 1;
	co->policy.mode = oo->trust_all ? ACP_PERMIT_ALL : ACP_PERMIT_LISTED;
	co->policy.allow = oo->trust;
}

/* ---- agents kept between tasks ----------------------------------------------------------- */

static char *agent_key(const struct sw_strvec *argv)
{
	struct sw_buf b = SW_BUF_INIT;
	size_t i;

	for (i = 0; i < argv->nr; i++)
		sw_buf_addf(&b, "%s%s", i ? "\x1f" : "", argv->v[i]);
	return sw_buf_detach(&b, NULL);
}

/*
 * Keeps agent @c (its task done) for a later task with the same command
 * line, or shuts it down: when the run is ending, when tasks work in
 * worktrees (an agent's own folder would be one that is removed), or when
 * as many agents as the cap are waiting already.
 */
static void pool_put(struct orch *o, struct acp_client *c, const struct sw_strvec *argv)
{
	struct sw_error err = SW_ERROR_INIT;

	if (o->cancelling || o->ended || o->opts->worktrees || o->nidle >= o->plan->parallel ||
	    acp_client_reuse(c, NULL, &err) < 0) {
		acp_client_shutdown(c, orch__agent_closed, NULL);
		return;
	}
	SW_ALLOC_GROW(o->idle, o->nidle + 1, o->aidle);
	o->idle[o->nidle].c = c;
	o->idle[o->nidle].key = agent_key(argv);
	o->nidle++;
}

/* An idle agent for @argv, now serving slot @s, or NULL. */
static struct acp_client *pool_take(struct orch *o, const struct sw_strvec *argv, struct slot *s)
{
	char *key = agent_key(argv);
	struct acp_client *c = NULL;
	size_t i;

	for (i = 0; i < o->nidle && !c; i++) {
		struct sw_error err = SW_ERROR_INIT;

		if (strcmp(o->idle[i].key, key))
			continue;
		c = o->idle[i].c;
		free(o->idle[i].key);
		o->idle[i] = o->idle[--o->nidle];
		if (acp_client_reuse(c, s, &err) < 0) {
			/* it died while it waited */
			acp_client_shutdown(c, orch__agent_closed, NULL);
			c = NULL;
			i--;
		}
	}
	free(key);
	return c;
}

static void pool_drain(struct orch *o)
{
	size_t i;

	for (i = 0; i < o->nidle; i++) {
		acp_client_shutdown(o->idle[i].c, orch__agent_closed, NULL);
		free(o->idle[i].key);
	}
	o->nidle = 0;
}

/* Starts a fresh agent for slot @s; @prompt (copied; NULL: s->packet) opens its session. */
static int start_agent(struct slot *s, const char *prompt, struct sw_error *err)
{
	struct acp_client_opts co = ACP_CLIENT_OPTS_INIT;
	struct pending_prompt *pp = sw_xcalloc(1, sizeof(*pp));
	int rc;

	orch__build_agent_argv(s);
	pp->s = s;
	pp->prompt = prompt ? sw_xstrdup(prompt) : NULL;
	s->session = 0;
	/* An idle agent with the same command line takes the task in a new session. */
	if ((s->acp = pool_take(s->o, &s->argv, s)) != NULL) {
		agent_started(s->acp, 0, NULL, pp);
		return 0;
	}
	client_opts(&co, s->o->opts, s->cwd);
	co.argv = (const char *const *)s->argv.v;
	co.on_update = on_update;
	co.on_stderr = orch__on_stderr;
	co.data = s;
	s->o->agents_started++;
	rc = acp_client_start(&s->acp, &s->o->loop, &co, agent_started, pp, err);
	if (rc < 0) {
		acp_client_free(s->acp);
		s->acp = NULL;
		free(pp->prompt);
		free(pp);
	}
	return rc;
}

/* ---- verification --------------------------------------------------------------------------- */

static void lint_check(struct slot *s)
{
	struct orch *o = s->o;
	struct sw_error err = SW_ERROR_INIT;
	struct spec *sp = NULL;
	struct sw_buf out = SW_BUF_INIT;
	cJSON *r = orch__task_rec(o, s->t);
	size_t i, errors = 0;
	int ok;

	char *wt_spec = NULL;

	/* in a worktree the task's own copy of the spec is the one it may have changed */
	if (s->wt_name) {
		char *rel = sw_path_relative(o->opts->spec_dir, o->opts->root);

		wt_spec = sw_path_join(s->cwd, rel);
		free(rel);
	}
	if (spec_load(&sp, wt_spec ? wt_spec : o->opts->spec_dir, o->opts->base, &err) < 0) {
		sw_buf_addf(&out, "%s", err.msg);
		errors = (size_t)-1;
	} else {
		for (i = 0; i < sp->diags.nr; i++) {
			const struct sw_diag *d = &sp->diags.v[i];

			if (d->severity != SW_SEV_ERROR)
				continue;
			errors++;
			sw_buf_addf(&out, "%s:%d:%d: error: %s [%s]\n", d->path, d->line, d->col, d->msg, d->code);
		}
	}
	ok = errors != (size_t)-1 && errors <= o->base_errors;
	cJSON_AddStringToObject(r, "check", "spec lint");
	cJSON_AddBoolToObject(r, "ok", ok);
	cJSON_AddNumberToObject(r, "errors", errors == (size_t)-1 ? -1 : (double)errors);
	orch__record(o, "verify", r);
	spec_free(sp);
	free(wt_spec);
	if (ok) {
		sw_buf_release(&out);
		if (o->opts->review)
			orch__start_review(s);
		else
			orch__task_succeeded(s);
		return;
	}
	{
		char what[200];

		snprintf(what, sizeof(what), "the spec's lint found %zu error%s where the run began with %zu",
			 errors, errors == 1 ? "" : "s", o->base_errors);
		orch__attempt_failed(s, errors == (size_t)-1 ? "the spec no longer loads" : what, out.ptr, out.len, 0);
	}
	sw_buf_release(&out);
}

static void verify_exited(struct sw_proc *p, void *data)
{
	struct slot *s = data;
	struct orch *o = s->o;
	struct sw_buf what = SW_BUF_INIT, out = SW_BUF_INIT;
	cJSON *r = orch__task_rec(o, s->t);
	int ok = !p->timed_out && !p->term_signal && p->exit_status == 0;

	cJSON_AddStringToObject(r, "check", o->opts->verify);
	cJSON_AddBoolToObject(r, "ok", ok);
	if (!p->term_signal)
		cJSON_AddNumberToObject(r, "exit", p->exit_status);
	cJSON_AddNumberToObject(r, "elapsedMs", (double)(p->ended_ms - p->started_ms));
	orch__record(o, "verify", r);
	s->proc = NULL;
	sw_buf_addbuf(&out, &p->out);
	sw_buf_addbuf(&out, &p->errout);
	orch__slog(s, "\n== verify: %s\n%s", o->opts->verify, out.ptr);
	if (ok) {
		sw_proc_free(p);
		sw_buf_release(&out);
		lint_check(s);
		return;
	}
	sw_buf_addf(&what, "'%s' ", o->opts->verify);
	sw_proc_describe(p, &what);
	sw_proc_free(p);
	orch__attempt_failed(s, what.ptr, out.ptr, out.len, 0);
	sw_buf_release(&what);
	sw_buf_release(&out);
}

static void start_verify(struct slot *s)
{
	struct orch *o = s->o;
	struct sw_proc_opts po = SW_PROC_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	const char *argv[4];

	if (o->cancelling) {
		orch__task_failed(s, "the run was cancelled");
		return;
	}
	if (!o->opts->verify) {
		lint_check(s);
		return;
	}
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = o->opts->verify;
	argv[3] = NULL;
	po.argv = argv;
	po.cwd = s->cwd;
	po.capture_stdout = po.capture_stderr = 1;
	po.max_output = 1u << 20;
	po.timeout_ms = o->opts->verify_timeout_ms ? o->opts->verify_timeout_ms : ORCH_TURN_DEFAULT_MS;
	po.on_exit = verify_exited;
	po.data = s;
	if (sw_proc_start(&s->proc, &o->loop, &po, &err) < 0) {
		s->proc = NULL;
		orch__task_failed(s, err.msg);
	}
}

/* ---- dispatch ------------------------------------------------------------------------------- */

static void start_task(struct orch *o, size_t t)
{
	struct slot *s = sw_xcalloc(1, sizeof(*s));
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf packet = SW_BUF_INIT;
	char *logp;
	cJSON *r;

	s->o = o;
	s->t = t;
	s->attempt = 1;
	s->cwd = sw_xstrdup(o->opts->root);
	s->start_ms = uv_now(&o->loop);
	s->argv = (struct sw_strvec)SW_STRVEC_INIT;
	o->slots[t] = s;
	o->nslots++;
	plan_sched_start(o->sched, t);
	{
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_addf(&b, "%s/logs/%s.log", o->run_dir, plan_task_id(o->plan, t));
		logp = sw_buf_detach(&b, NULL);
	}
	s->log = fopen(logp, "a");
	free(logp);
	packet_build(&packet, o->spec, o->plan, t);
	s->packet = sw_buf_detach(&packet, NULL);
	set_state(o, t, TASKS_DOING);
	orch__build_agent_argv(s);
	r = orch__task_rec(o, t);
	cJSON_AddNumberToObject(r, "attempt", 1);
	cJSON_AddItemToObject(r, "agent", strings(s->argv.v, s->argv.nr));
	cJSON_AddNumberToObject(r, "packetBytes", (double)strlen(s->packet));
	cJSON_AddNumberToObject(r, "running", (double)plan_sched_running(o->sched));
	orch__record(o, "dispatch", r);
	orch__slog(s, "== task %s, attempt 1\n", plan_task_id(o->plan, t));
	if (o->opts->worktrees && orch__start_worktree(s, &err) < 0) {
		orch__task_failed(s, err.msg);
		return;
	}
	run_task_hooks(s); /* preTaskExecution hooks, then the agent */
}

static void schedule(struct orch *o)
{
	size_t t;

	while (!o->cancelling && !o->ended && plan_sched_running(o->sched) < o->plan->parallel) {
		t = plan_sched_next(o->sched);
		if (t == PLAN_NONE)
			break;
		start_task(o, t);
	}
}

static void cancel_all(struct orch *o, const char *why)
{
	size_t i;
	cJSON *r;

	if (!o->cancelling) {
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "reason", why);
		orch__record(o, "cancel", r);
	}
	o->cancelling = 1;
	o->res->cancelled_run = 1;
	for (i = 0; i < o->plan->n; i++) {
		struct slot *s = o->slots[i];

		if (!s)
			continue;
		if (s->proc)
			sw_proc_terminate(s->proc);
		else if (s->acp)
			acp_client_cancel(s->acp);
	}
	maybe_finish(o);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct orch *o = h->data;

	cancel_all(o, signum == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)");
}

/* ---- setup ---------------------------------------------------------------------------------- */

/*
 * Starts one agent and waits for its initialize answer and a session: does
 * the command start, speak ACP and have what it needs (a model provider)?
 */
struct probe {
	int done, rc;
	struct sw_error err;
};

static void probe_started(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct probe *p = data;

	SW_UNUSED(c);
	p->done = 1;
	p->rc = rc;
	if (rc < 0)
		p->err = *err;
}

static void probe_closed(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	SW_UNUSED(c);
	SW_UNUSED(rc);
	SW_UNUSED(err);
	*(int *)data = 1;
}

static int probe_agent(struct orch *o, struct sw_error *err)
{
	struct slot tmp;
	struct acp_client_opts co = ACP_CLIENT_OPTS_INIT;
	struct acp_client *c = NULL;
	struct probe p = { 0, 0, SW_ERROR_INIT };
	int closed = 0, rc;

	memset(&tmp, 0, sizeof(tmp));
	tmp.o = o;
	tmp.t = 0;
	tmp.argv = (struct sw_strvec)SW_STRVEC_INIT;
	orch__build_agent_argv(&tmp);
	client_opts(&co, o->opts, o->opts->root);
	co.argv = (const char *const *)tmp.argv.v;
	co.request_timeout_ms = 30000;
	co.on_update = on_update; /* for when it serves a task later */
	co.on_stderr = orch__on_stderr;
	o->agents_started++;
	rc = acp_client_start(&c, &o->loop, &co, probe_started, &p, err);
	if (rc == 0) {
		while (!p.done && uv_run(&o->loop, UV_RUN_ONCE))
			;
		rc = p.rc;
		/* A session too: an agent without a model provider fails here, before tasks.md changes. */
		if (rc < 0)
			sw_error_prefix(&p.err, "the agent '%s' does not start or speak ACP", tmp.argv.v[0]);
		if (rc == 0) {
			p.done = 0;
			rc = acp_client_new_session(c, o->opts->root, NULL, probe_started, &p, &p.err);
			while (rc == 0 && !p.done && uv_run(&o->loop, UV_RUN_ONCE))
				;
			if (rc == 0)
				rc = p.rc;
			if (rc < 0)
				sw_error_prefix(&p.err, "the agent '%s' cannot open a session", tmp.argv.v[0]);
		}
		if (rc < 0)
			*err = p.err;
		if (rc == 0) {
			/* it passed: it serves the first task */
			pool_put(o, c, &tmp.argv);
			c = NULL;
		} else {
			acp_client_shutdown(c, probe_closed, &closed);
			while (!closed && uv_run(&o->loop, UV_RUN_ONCE))
				;
		}
	}
	acp_client_free(c);
	if (rc < 0 && !p.err.code)
		sw_error_prefix(err, "the agent '%s' does not start or speak ACP", tmp.argv.v[0]);
	sw_strvec_clear(&tmp.argv);
	return rc;
}

static int make_run_dir(struct orch *o, struct sw_error *err)
{
	struct sw_buf b = SW_BUF_INIT;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int i, rc;

	if (o->opts->resume) {
		sw_buf_addf(&b, "%s/runs/%s", o->opts->kiro_dir, o->opts->resume);
		o->run_dir = sw_xstrdup(b.ptr);
		o->res->run_dir = sw_xstrdup(b.ptr);
		o->res->run_id = sw_xstrdup(o->opts->resume);
		goto logs;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	sw_buf_addf(&b, "%s/runs", o->opts->kiro_dir);
	if ((rc = sw_mkdir_p(b.ptr, err)) < 0)
		goto done;
	/* Runs are this machine's record, not the project's: git never sees them. */
	sw_buf_adds(&b, "/.gitignore");
	if (!sw_path_exists(b.ptr) && (rc = sw_write_atomic(b.ptr, "*\n", 2, err)) < 0)
		goto done;
	for (i = 1; i < 1000; i++) {
		sw_buf_reset(&b);
		sw_buf_addf(&b, "%s/runs/%s-%s", o->opts->kiro_dir, stamp, o->spec->name);
		if (i > 1)
			sw_buf_addf(&b, "-%d", i);
		if (mkdir(b.ptr, 0755) == 0)
			break;
		if (errno != EEXIST) {
			rc = sw_error_errno(err, SW_EIO, "cannot create the run folder '%s'", b.ptr);
			goto done;
		}
	}
	o->run_dir = sw_xstrdup(b.ptr);
	o->res->run_dir = sw_xstrdup(b.ptr);
	o->res->run_id = sw_xstrdup(sw_basename(b.ptr));
logs:
	sw_buf_reset(&b);
	sw_buf_addf(&b, "%s/logs", o->run_dir);
	if ((rc = sw_mkdir_p(b.ptr, err)) < 0)
		goto done;
	sw_buf_reset(&b);
	sw_buf_addf(&b, "%s/journal.ndjson", o->run_dir);
	rc = journal_open(&o->j, b.ptr, err);
	if (rc == 0) {
		char pid[32];

		sw_buf_reset(&b);
		sw_buf_addf(&b, "%s/pid", o->run_dir);
		snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
		rc = sw_write_atomic(b.ptr, pid, strlen(pid), err);
	}
done:
	sw_buf_release(&b);
	return rc;
}

static cJSON *opt_strings(const char *const *v)
{
	cJSON *a;
	size_t i;

	if (!v)
		return cJSON_CreateNull();
	a = cJSON_CreateArray();
	for (i = 0; v[i]; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

/* What a resume needs to run the rest the same way. */
static cJSON *options_json(const struct orch_opts *oo)
{
	cJSON *j = cJSON_CreateObject();

	cJSON_AddItemToObject(j, "agentCmd", opt_strings(oo->agent_argv));
	set_str(j, "agent", oo->agent);
	set_str(j, "model", oo->model);
	cJSON_AddBoolToObject(j, "trustAllTools", oo->trust_all);
	cJSON_AddItemToObject(j, "trustTools", opt_strings(oo->trust));
	set_str(j, "verify", oo->verify);
	cJSON_AddNumberToObject(j, "maxRetries", oo->max_retries);
	cJSON_AddNumberToObject(j, "taskTimeoutMs", (double)oo->task_timeout_ms);
	cJSON_AddNumberToObject(j, "verifyTimeoutMs", (double)oo->verify_timeout_ms);
	cJSON_AddNumberToObject(j, "budgetTokens", (double)oo->budget_tokens);
	cJSON_AddNumberToObject(j, "budgetUsd", oo->budget_usd);
	cJSON_AddBoolToObject(j, "commit", oo->commit);
	cJSON_AddBoolToObject(j, "review", oo->review);
	cJSON_AddBoolToObject(j, "worktrees", oo->worktrees);
	cJSON_AddBoolToObject(j, "includeOptional", oo->plan.include_optional);
	return j;
}

static void record_plan(struct orch *o)
{
	cJSON *r = cJSON_CreateObject(), *tasks = cJSON_CreateArray();
	size_t i;

	cJSON_AddStringToObject(r, "spec", o->spec->name);
	cJSON_AddStringToObject(r, "specDir", o->opts->spec_dir);
	cJSON_AddStringToObject(r, "runId", o->res->run_id);
	cJSON_AddNumberToObject(r, "parallel", (double)o->plan->parallel);
	cJSON_AddNumberToObject(r, "pid", (double)getpid());
	set_str(r, "verify", o->opts->verify);
	cJSON_AddNumberToObject(r, "maxRetries", o->opts->max_retries);
	cJSON_AddNumberToObject(r, "lintErrorsAtStart", (double)o->base_errors);
	cJSON_AddItemToObject(r, "options", options_json(o->opts));
	for (i = 0; i < o->plan->n; i++) {
		const struct plan_task *pt = &o->plan->v[i];
		cJSON *t;

		if (pt->why != PLAN_RUNS)
			continue;
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "id", plan_task_id(o->plan, i));
		cJSON_AddStringToObject(t, "title", o->plan->doc->tasks[pt->ti].title);
		cJSON_AddNumberToObject(t, "wave", (double)pt->wave + 1);
		cJSON_AddItemToArray(tasks, t);
	}
	cJSON_AddItemToObject(r, "tasks", tasks);
	orch__record(o, "plan", r);
}

int orch_run(struct orch_result *res, const struct orch_opts *opts, struct sw_diags *diags, struct sw_error *err)
{
	struct orch o;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(res, 0, sizeof(*res));
	o.opts = opts;
	o.res = res;
	if ((rc = uv_loop_init(&o.loop)) != 0)
		return sw_error_set(err, SW_EIO, "cannot start an event loop: %s", uv_strerror(rc));
	if ((rc = spec_load(&o.spec, opts->spec_dir, opts->base, err)) < 0)
		goto out;
	if (!o.spec->tasks_doc) {
		rc = sw_error_set(err, SW_ENOTFOUND, "spec '%s' has no tasks.md yet", o.spec->name);
		goto out;
	}
	for (i = 0; i < o.spec->diags.nr; i++) {
		const struct sw_diag *d = &o.spec->diags.v[i];

		if (d->severity != SW_SEV_ERROR)
			continue;
		o.base_errors++;
		if (!strncmp(d->code, "waves-", 6) || !strncmp(d->code, "tasks-graph", 11)) {
			struct sw_diag *copy = sw_diag_add(diags, SW_SEV_ERROR, d->code, d->path, d->line, d->col,
							   "%s", d->msg);

			SW_UNUSED(copy);
			rc = sw_error_set(err, SW_EINVAL, "%s: the task plan cannot run as written",
					  o.spec->tasks.display);
		}
	}
	if (rc < 0)
		goto out;
	rc = plan_build(&o.plan, o.spec->tasks_doc, o.spec->tasks.display, &opts->plan, diags, err);
	if (rc < 0)
		goto out;
	if (!o.plan->nrun && !opts->resume) {
		/* nothing to do is not an error, and needs no agent */
		goto out;
	}
	{
		struct sw_diags hd = SW_DIAGS_INIT;
		struct sw_error he = SW_ERROR_INIT;

		/* Broken hook files are doctor's to report; the task hooks that load still run. */
		kiro_hooks_load(&o.hooks, opts->root, &hd, &he);
		sw_diags_release(&hd);
	}
	/* (a resume with nothing left still ends the run in its journal) */
	if (o.plan->nrun && (rc = probe_agent(&o, err)) < 0)
		goto out;
	if ((rc = make_run_dir(&o, err)) < 0)
		goto out;
	o.sched = plan_sched_new(o.plan);
	o.slots = sw_xcalloc(o.plan->n + 1, sizeof(*o.slots));
	o.told = sw_xcalloc(o.plan->n + 1, 1);
	if (opts->resume) {
		cJSON *r = cJSON_CreateObject(), *left = cJSON_CreateArray(), *rec;

		/*
		 * A task the run marked [x] but did not record as done was verified when the
		 * run died: record it now (with its commit) instead of doing it twice.
		 */
		for (i = 0; i < o.plan->n; i++) {
			const char *tid = plan_task_id(o.plan, i);
			size_t k;

			if (o.plan->v[i].why != PLAN_DONE)
				continue;
			for (k = 0; k < opts->plan.ntasks && strcmp(opts->plan.tasks[k], tid); k++)
				;
			if (k == opts->plan.ntasks)
				continue;
			o.told[i] = 1;
			if (opts->commit)
				orch__commit_task(&o, i);
			rec = orch__task_rec(&o, i);
			cJSON_AddBoolToObject(rec, "recovered", 1);
			orch__record(&o, "done", rec);
			res->done++;
		}
		for (i = 0; i < o.plan->n; i++)
			if (o.plan->v[i].why == PLAN_RUNS)
				cJSON_AddItemToArray(left, cJSON_CreateString(plan_task_id(o.plan, i)));
		cJSON_AddItemToObject(r, "tasks", left);
		cJSON_AddNumberToObject(r, "pid", (double)getpid());
		orch__record(&o, "resume", r);
	} else {
		record_plan(&o);
	}
	{
		/* the whole plan queued in one write */
		const char **ids = sw_xcalloc(o.plan->n + 1, sizeof(*ids));
		size_t k = 0;
		struct sw_error qerr = SW_ERROR_INIT;

		for (i = 0; i < o.plan->n; i++)
			if (o.plan->v[i].why == PLAN_RUNS)
				ids[k++] = plan_task_id(o.plan, i);
		if (spec_set_task_states(opts->spec_dir, ids, k, TASKS_QUEUED, &qerr) < 0) {
			cJSON *r = cJSON_CreateObject();

			cJSON_AddStringToObject(r, "error", qerr.msg);
			orch__record(&o, "status-error", r);
			if (!o.io_err.code)
				o.io_err = qerr;
		}
		free(ids);
	}
	uv_signal_init(&o.loop, &o.sigint);
	uv_signal_init(&o.loop, &o.sigterm);
	o.sigint.data = o.sigterm.data = &o;
	uv_signal_start(&o.sigint, on_signal, SIGINT);
	uv_signal_start(&o.sigterm, on_signal, SIGTERM);
	o.signals_open = 1;
	schedule(&o);
	maybe_finish(&o);
	uv_run(&o.loop, UV_RUN_DEFAULT);
	rc = 0;
	if (o.io_err.code) {
		*err = o.io_err;
		rc = o.io_err.code;
	}
	{
		char *pid = sw_path_join(o.run_dir, "pid");

		unlink(pid);
		free(pid);
	}
out:
	if (o.signals_open) {
		uv_close((uv_handle_t *)&o.sigint, NULL);
		uv_close((uv_handle_t *)&o.sigterm, NULL);
	}
	uv_run(&o.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&o.loop) != 0)
		uv_run(&o.loop, UV_RUN_DEFAULT);
	journal_close(o.j);
	plan_sched_free(o.sched);
	kiro_hooks_release(&o.hooks);
	free(o.idle);
	plan_free(o.plan);
	spec_free(o.spec);
	free(o.slots);
	free(o.told);
	free(o.run_dir);
	return rc;
}

void orch_result_release(struct orch_result *res)
{
	free(res->run_id);
	free(res->run_dir);
	memset(res, 0, sizeof(*res));
}
