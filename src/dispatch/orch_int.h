/* SPDX-License-Identifier: Apache-2.0 */
/*
 * orch_int.h - what the files of the orchestrator share (orch.c, orch_git.c):
 * a run's state, one running task's state, and the semi-private functions
 * (double underscore) between them.  Not for other modules: orch.h is the
 * contract.
 */
#ifndef SW_DISPATCH_ORCH_INT_H
#define SW_DISPATCH_ORCH_INT_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "dispatch/journal.h"
#include "dispatch/orch.h"
#include "dispatch/plan.h"
#include "kiro/hookfile.h"

#include <stdio.h>
#include <uv.h>
#include <cjson/cJSON.h>

struct acp_client;
struct sw_proc;
struct hooks_action;
struct spec;

#define ORCH_TURN_DEFAULT_MS (30u * 60 * 1000)
#define ORCH_LOG_CHUNK_MAX (4u << 20) /* per task log */

struct orch;

struct slot {
	struct orch *o;
	size_t t;                   /* plan index */
	int attempt;                /* 1-based */
	struct acp_client *acp;
	int session;                /* a session is open on acp */
	struct sw_proc *proc;       /* the verify command while it runs */
	uint64_t start_ms;
	FILE *log;
	struct sw_strvec argv;      /* the agent command */
	char *packet;
	long tokens;
	double cost;
	struct hooks_action *hook;  /* the task hook running now */
	struct acp_client *rev;     /* the reviewing agent while it runs */
	struct sw_strvec rev_argv;
	char *cwd;                  /* where the task works: the root, or its worktree */
	char *wt_name;              /* its worktree and branch, NULL without one */
	size_t next_hook;           /* index in o->hooks of the next one to look at */
	int post;                   /* running the post-task hooks */
};

struct orch {
	const struct orch_opts *opts;
	struct orch_result *res;
	uv_loop_t loop;
	uv_signal_t sigint, sigterm;
	int signals_open;
	struct spec *spec;
	struct plan *plan;
	struct plan_sched *sched;
	struct journal *j;
	char *run_dir;
	size_t base_errors;         /* lint errors of the spec when the run began */
	struct slot **slots;        /* per plan index while it runs */
	unsigned char *told;        /* per plan index: its end is in the journal */
	size_t nslots;
	int cancelling;
	int ended;
	struct sw_error io_err;     /* the first journal or tasks.md failure */
	struct kiro_hooks hooks;    /* the workspace's hooks (only task events are used) */
	struct idle_agent {
		struct acp_client *c;
		char *key;          /* its command line, arguments joined by \x1f */
	} *idle;                    /* agents waiting for their next task */
	size_t nidle, aidle;
	size_t agents_started;      /* agent processes this run started */
};

/* Writes journal record @rec (consumed) under @event and hands it to on_event. */
void orch__record(struct orch *o, const char *event, cJSON *rec);
/* A new record {"task": id of plan entry @t}. */
cJSON *orch__task_rec(struct orch *o, size_t t);

/* Appends to the task's log. */
void orch__slog(struct slot *s, const char *fmt, ...) SW_PRINTF(2, 3);
/* Frees an agent client once it has shut down (an acp_done_cb). */
void orch__agent_closed(struct acp_client *c, int rc, const struct sw_error *err, void *data);
/* The agent's stderr into the task's log (an acp_stderr_cb; NULL data: an idle agent). */
void orch__on_stderr(struct acp_client *c, const char *buf, size_t len, void *data);
/* The agent command for slot @s into s->argv. */
void orch__build_agent_argv(struct slot *s);
/* A task's ends: verified; failed for @why; one attempt failed (retried while attempts are left). */
void orch__task_succeeded(struct slot *s);
void orch__task_failed(struct slot *s, const char *why);
void orch__attempt_failed(struct slot *s, const char *what, const char *output, size_t len, int agent_dead);
/* Review of a verified task by a read-only session (orch_review.c). */
void orch__start_review(struct slot *s);

/* One commit of what task @t changed in the working tree (tasks.md left out). */
void orch__commit_task(struct orch *o, size_t t);
/* At the end of a committing run: tasks.md as the run left it. */
void orch__commit_tasks_file(struct orch *o);
/* A worktree task's changes as one commit applied to the branch; -1 with the reason in @why. */
int orch__merge_task(struct slot *s, char *why, size_t n);
/* The task's own worktree from HEAD, under the run's folder. */
int orch__start_worktree(struct slot *s, struct sw_error *err);

#endif
