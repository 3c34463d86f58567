/* SPDX-License-Identifier: Apache-2.0 */
/*
 * orch.h - the central orchestrator: a spec's task plan carried out by
 * parallel sub-agents over ACP.
 *
 * One run: load the spec, build the plan (plan.h), check that the agent
 * command starts and speaks ACP, then create .kiro/runs/<run-id>/ with its
 * journal (journal.h) and mark the tasks that will run "[~]".  The plan's
 * scheduler hands out tasks, at most the cap at once.  Each task:
 *   1. "[-]" in tasks.md; a new agent process, a new session rooted at the
 *      workspace, the task's packet (packet.h) as the prompt, bounded by the
 *      task timeout;
 *   2. verification by something other than the implementer: the verify
 *      command (exit 0), then the spec's lint (no error that was not there
 *      when the run began), then with o->review a second agent session that
 *      may read but not write, shown the task and the working tree's
 *      changes, whose answer starts with ACCEPT or REJECT: reasons;
 *   3. on failure, the failure's output goes back to the same session (a
 *      new agent if the old one died) up to max_retries more times;
 *   4. "[x]" once verified, or back to "[ ]" when it failed; a failed
 *      task's dependants are skipped and the rest goes on;
 *   5. with o->commit, the working tree is committed (git/vcs.h), tasks.md
 *      left out, with the message "<spec>: task <id> <title>" and the
 *      trailers Spec:, Task:, Requirements: and Run:; at the end of the run
 *      tasks.md is committed on its own.  With o->worktrees each task works
 *      in its own worktree (.kiro/runs/<run>/worktrees/<task>, on branch
 *      sw-<run>-<task>, from HEAD when it starts); its verified commit is
 *      applied to the current branch like a cherry-pick, and a conflict
 *      fails the task with the paths named.
 * Status changes go through spec_set_task_state(): locked, byte-preserving,
 * so edits made to tasks.md during the run are kept.  SIGINT or SIGTERM
 * (and `run cancel`) cancel the running turns and end the run; a token or
 * cost budget stops new dispatch and cancels what runs once it is reached.
 *
 * Every step is a journal record, also handed to o->on_event as it is
 * written (the command prints it).  The orchestrator prints nothing.
 *
 * Per-task log: .kiro/runs/<run-id>/logs/<task>.log (the agent's text, its
 * tool calls, the verification output).  .kiro/runs holds a .gitignore of
 * "*": runs are this machine's record and never reach a commit.
 */
#ifndef SW_DISPATCH_ORCH_H
#define SW_DISPATCH_ORCH_H

#include "base/compat.h"
#include "base/error.h"
#include "dispatch/plan.h"

#include <cjson/cJSON.h>

/* A journal record as it is written: @event, and @rec (borrowed) with "ts" and "event". */
typedef void (*orch_event_cb)(const char *event, const cJSON *rec, void *data);

struct orch_opts {
	const char *root;                /* the workspace root (absolute) */
	const char *kiro_dir;            /* root/.kiro */
	const char *spec_dir;            /* the spec's folder */
	const char *base;                /* paths in messages are relative to it; may be NULL */
	struct plan_opts plan;
	const char *const *agent_argv;   /* the ACP agent command; NULL: "specwright acp" */
	const char *agent;               /* --agent NAME for the built-in agent, or NULL */
	const char *model;               /* --model P/M for the built-in agent, or NULL */
	int trust_all;                   /* allow every tool the agent asks for */
	const char *const *trust;        /* tools to allow (globs), NULL-terminated, or NULL */
	const char *verify;              /* shell command run in the root after each task, or NULL */
	int max_retries;                 /* further attempts after a failed one */
	uint64_t task_timeout_ms;        /* one agent turn; 0: 30 minutes */
	uint64_t verify_timeout_ms;      /* the verify command; 0: 30 minutes */
	long budget_tokens;              /* stop when the run has used this many tokens; 0: none */
	double budget_usd;               /* stop when the agents report this much cost; 0: none */
	int commit;                      /* one commit per verified task (needs a cap of 1), and the
					    spec's tasks.md at the end */
	const char *resume;              /* the run id to go on with (orch_resume_load), or NULL */
	int review;                      /* a second, read-only session accepts or rejects each task */
	int worktrees;                   /* each task in its own git worktree, its commit applied to the
					    branch once verified (a conflict fails the task) */
	orch_event_cb on_event;
	void *data;
};

#define ORCH_OPTS_INIT { .plan = PLAN_OPTS_INIT, .max_retries = 2 }

struct orch_result {
	char *run_id;        /* folder name under .kiro/runs */
	char *run_dir;
	size_t done, failed, skipped, cancelled;
	long tokens;         /* input + output tokens the agents reported */
	double cost;         /* USD the agents reported */
	int cancelled_run;   /* the run was cancelled (signal or budget) */
};

#define ORCH_RESULT_INIT { NULL, NULL, 0, 0, 0, 0, 0, 0, 0 }

/*
 * Carries out the plan.  Returns 0 once the run has ended (look at @res:
 * tasks may have failed), or an error before anything was changed:
 * SW_ENOTFOUND (spec, task), SW_EINVAL (the plan cannot run; findings in
 * @diags), SW_EPROTO/SW_EIO (the agent does not start or speak ACP).
 */
int orch_run(struct orch_result *res, const struct orch_opts *o, struct sw_diags *diags, struct sw_error *err);
void orch_result_release(struct orch_result *res);

/*
 * Going on with a run that was interrupted (killed, cancelled) or ended
 * with failures: its journal's plan record gives the spec, the options and
 * the tasks; the tasks the journal shows verified ("done") are left out,
 * every other one runs again (a task cut short starts over in a new
 * session).  The same journal grows; its "resume" record says what is left.
 *
 * Calling sequence:
 *   struct orch_resume r;
 *   orch_resume_load(&r, kiro_dir, "20261207-175330-todo-cli", &err);
 *   r.opts.root = ...; r.opts.base = ...; r.opts.on_event = ...;
 *   orch_run(&res, &r.opts, &diags, &err);
 *   orch_resume_release(&r);
 * Errors: SW_ENOTFOUND (no such run), SW_EINVAL (a journal that cannot be
 * read back, or has no plan), SW_ECONFLICT (the run is still going).
 */
struct orch_resume {
	struct orch_opts opts;       /* ready for orch_run(); points into the fields below */
	cJSON *journal;
	char *spec_dir, *run_id;
	struct sw_strvec remaining;  /* task ids that still have to run */
	struct sw_strvec agent_argv, trust;
	size_t done_before;          /* tasks the journal shows verified */
};

int orch_resume_load(struct orch_resume *r, const char *kiro_dir, const char *id, struct sw_error *err);
void orch_resume_release(struct orch_resume *r);

#endif
