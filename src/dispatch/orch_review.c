// SPDX-License-Identifier: Apache-2.0
/*
 * orch_review.c - review by a second agent session that may read but not
 * write: it is shown the task, what the implementer said and the working
 * tree's changes (git/vcs.h), and its answer starts with ACCEPT or REJECT:
 * reasons (packet.h).  A rejection goes back to the implementer as a failed
 * attempt.
 */
#include "dispatch/orch_int.h"

#include <string.h>

#include "acp/client.h"
#include "dispatch/packet.h"
#include "git/vcs.h"

static void review_failed(struct slot *s, const char *why)
{
	if (s->rev) {
		acp_client_shutdown(s->rev, orch__agent_closed, NULL);
		s->rev = NULL;
	}
	orch__attempt_failed(s, why, NULL, 0, 0);
}

static void review_done(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct slot *s = data;
	const struct acp_turn *turn = acp_client_turn(c);
	const char *reasons = NULL;
	char why[600];
	cJSON *r;
	int v;

	if (rc < 0) {
		snprintf(why, sizeof(why), "the review failed: %s", err->msg);
		review_failed(s, why);
		return;
	}
	v = packet_verdict(turn->text.ptr, &reasons);
	orch__slog(s, "\n== review: %s\n", turn->text.ptr);
	r = orch__task_rec(s->o, s->t);
	cJSON_AddStringToObject(r, "check", "review");
	cJSON_AddBoolToObject(r, "ok", v == 1);
	if (v == 0)
		cJSON_AddStringToObject(r, "reasons", reasons);
	orch__record(s->o, "verify", r);
	acp_client_shutdown(s->rev, orch__agent_closed, NULL);
	s->rev = NULL;
	if (v == 1) {
		orch__task_succeeded(s);
		return;
	}
	if (v == 0) {
		snprintf(why, sizeof(why), "the reviewer rejected it");
		orch__attempt_failed(s, why, reasons, strlen(reasons), 0);
		return;
	}
	orch__attempt_failed(s, "the reviewer gave no verdict (ACCEPT or REJECT)", turn->text.ptr, turn->text.len, 0);
}

static void review_session(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct slot *s = data;
	struct orch *o = s->o;
	struct sw_buf prompt = SW_BUF_INIT, diff = SW_BUF_INIT;
	struct sw_error e2 = SW_ERROR_INIT;
	const struct acp_turn *impl = s->acp ? acp_client_turn(s->acp) : NULL;
	char why[600];
	uint64_t deadline = o->opts->task_timeout_ms ? o->opts->task_timeout_ms : ORCH_TURN_DEFAULT_MS;

	if (rc < 0) {
		snprintf(why, sizeof(why), "the reviewer did not start: %s", err->msg);
		review_failed(s, why);
		return;
	}
	if (vcs_diff_worktree(&diff, s->cwd, 48u << 10, &e2) < 0)
		sw_buf_addf(&diff, "(the changes cannot be shown: %s)\n", e2.msg);
	packet_review(&prompt, o->spec, o->plan, s->t, impl ? impl->text.ptr : NULL, diff.ptr);
	sw_buf_release(&diff);
	if (acp_client_prompt_text(c, prompt.ptr, deadline, review_done, s, &e2) < 0) {
		snprintf(why, sizeof(why), "the reviewer did not start: %s", e2.msg);
		review_failed(s, why);
	}
	sw_buf_release(&prompt);
}

static void review_started(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct slot *s = data;
	struct sw_error e2 = SW_ERROR_INIT;
	char why[600];

	if (rc < 0) {
		snprintf(why, sizeof(why), "the reviewer did not start: %s", err->msg);
		review_failed(s, why);
		return;
	}
	if (acp_client_new_session(c, s->cwd, NULL, review_session, s, &e2) < 0) {
		snprintf(why, sizeof(why), "the reviewer did not open a session: %s", e2.msg);
		review_failed(s, why);
	}
}

void orch__start_review(struct slot *s)
{
	struct acp_client_opts co = ACP_CLIENT_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_strvec keep = s->argv;

	if (s->o->cancelling) {
		orch__task_failed(s, "the run was cancelled");
		return;
	}
	/* the same agent command, in a session that may read and not write */
	s->argv = (struct sw_strvec)SW_STRVEC_INIT;
	orch__build_agent_argv(s);
	sw_strvec_clear(&s->rev_argv); /* a review after a rejection */
	s->rev_argv = s->argv;
	s->argv = keep;
	co.argv = (const char *const *)s->rev_argv.v;
	co.cwd = s->cwd;
	co.fs_read = 1;
	co.fs_write = 0;
	co.terminal = 0;
	co.policy.mode = ACP_PERMIT_NONE;
	co.on_stderr = orch__on_stderr;
	co.data = s;
	if (acp_client_start(&s->rev, &s->o->loop, &co, review_started, s, &err) < 0) {
		acp_client_free(s->rev);
		s->rev = NULL;
		orch__attempt_failed(s, err.msg, NULL, 0, 0);
	}
}

