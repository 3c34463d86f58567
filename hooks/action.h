/* SPDX-License-Identifier: Apache-2.0 */
/*
 * action.h - one run of one hook's action.
 *
 * runCommand: the command runs as "bash --norc -c <command>" -- the one place in
 * Specwright where a shell is used, because hook commands are shell text
 * by definition (Kiro runs them the same way) -- through base/proc, in its
 * own process group (--norc because bash would take the socketpair on its
 * stdin for a remote-shell connection and source ~/.bashrc), with:
 *   cwd    the workspace root
 *   env    ours plus SPECWRIGHT_HOOK (the hook id), SPECWRIGHT_EVENT (the
 *          trigger, e.g. "fileEdited" or "userTriggered"), SPECWRIGHT_FILE
 *          (the first file, workspace-relative; empty when none),
 *          SPECWRIGHT_FILES (every file, one per line, up to 64 KiB of
 *          whole paths) and SPECWRIGHT_WORKSPACE (the root); for task
 *          events also SPECWRIGHT_SPEC and SPECWRIGHT_TASK (the task id).  A run can be
 *          about several files (changes that went quiet together, or that
 *          queued up during the previous run): the JSON on stdin always
 *          lists them all
 *   stdin  one JSON object, then EOF:
 *          {"hook_event_name":"fileEdited","hook":"lint","cwd":"/ws",
 *           "file":"src/a.ts","files":["src/a.ts","src/b.ts"]}
 *   time   the hook's timeout (60 s unless written; 0 = none); on expiry the
 *          group gets SIGTERM, then SIGKILL
 * stdout and stderr are captured (up to max_output bytes each) for the log.
 *
 * askAgent: the hook's prompt, with the event and the files that fired it,
 * goes to an agent over the Agent Client Protocol (src/acp/client.h): the
 * command in opts.agent_argv, else $SPECWRIGHT_HOOK_AGENT (split on spaces,
 * e.g. "kiro-cli acp"), else this binary's own "specwright acp".  One
 * session rooted at the workspace, one prompt turn bounded by the hook's
 * timeout (ten minutes when none is written), then the agent is shut down.
 * Nobody is there to answer permission requests, so tools the agent's own
 * settings do not allow are refused.  The agent's answer text is the
 * action's output; a turn that ends other than with end_turn, or fails,
 * is a failed run (exit_status 1) with the reason in errout.
 *
 * Calling sequence:
 *   1. struct hooks_action_opts o = HOOKS_ACTION_OPTS_INIT; o.hook, o.root, o.event, o.files, o.on_done
 *   2. hooks_action_start(&a, loop, &o, &err)
 *   3. on_done(a, data) once the command has exited and its output is read;
 *      read a->exit_status, a->term_signal, a->timed_out, a->out, a->errout
 *   4. hooks_action_free(a) (may be called inside on_done; kills a running command)
 * Synchronous: hooks_action_run() does 2-3 on a private loop.
 */
#ifndef HOOKS_ACTION_H
#define HOOKS_ACTION_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "kiro/hookfile.h"

#include <uv.h>

#define HOOKS_ACTION_MAX_OUTPUT (1u << 20) /* captured bytes per stream */
#define HOOKS_ACTION_MAX_FILES_ENV (64u << 10) /* SPECWRIGHT_FILES, below MAX_ARG_STRLEN */

struct hooks_action;
typedef void (*hooks_action_done_cb)(struct hooks_action *a, void *data);

struct hooks_action_opts {
	const struct kiro_hook *hook; /* borrowed for the call: what the run needs is copied */
	const char *root;             /* workspace root: the command's cwd */
	const char *event;            /* trigger name given to the command */
	const char *const *files;     /* NULL-terminated workspace-relative paths, or NULL */
	const char *const *agent_argv; /* askAgent: the ACP agent command; NULL: see above */
	const char *spec;             /* task events: the spec's name, else NULL */
	const char *task;             /* task events: the task id, else NULL */
	size_t max_output;            /* per stream; 0: HOOKS_ACTION_MAX_OUTPUT */
	hooks_action_done_cb on_done;
	void *data;
};

#define HOOKS_ACTION_OPTS_INIT { NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL }

struct hooks_action {
	char *hook_id;        /* copied from the hook */
	char *event;          /* as given */
	char *file;           /* first file, NULL if none */
	size_t nfiles;        /* files given */
	int exit_status;      /* valid when term_signal == 0 and !timed_out */
	int term_signal;      /* signal that ended the command, 0 if none */
	int timed_out;        /* the timeout killed it */
	int ok;               /* exited with status 0 */
	uint64_t start_ns;    /* uv_hrtime() when the command was spawned */
	uint64_t duration_ns; /* spawn to exit */
	struct sw_buf out;    /* captured stdout */
	struct sw_buf errout; /* captured stderr */
	void *priv;
};

/*
 * Starts @o->hook's action.  Errors: SW_ENOTFOUND (bash or the agent
 * command missing), SW_EINVAL (no command or prompt), SW_EIO.  On success *@out
 * is the caller's (hooks_action_free).
 */
int hooks_action_start(struct hooks_action **out, uv_loop_t *loop, const struct hooks_action_opts *o,
		       struct sw_error *err);

/* Asks a running command to stop (SIGTERM to its group, SIGKILL after a grace period). */
void hooks_action_cancel(struct hooks_action *a);

/* "exited with status 0", "killed by signal 15", "timed out after 2000 ms". */
void hooks_action_describe(const struct hooks_action *a, struct sw_buf *b);

/* Releases @a, killing a command still running.  Accepts NULL. */
void hooks_action_free(struct hooks_action *a);

/* Runs to completion on a private loop; *@out is the finished action (caller frees). */
int hooks_action_run(struct hooks_action **out, const struct hooks_action_opts *o, struct sw_error *err);

#endif
