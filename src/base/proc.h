/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proc.h - subprocesses on the libuv loop (STYLE R16).
 *
 * Every child runs in its own process group (and session), so a timeout
 * or cancel kills the whole tree it started.  stdout and stderr are loop
 * pipes, either captured into buffers (with a ceiling) or streamed to
 * callbacks.  No shell is involved: argv[0] is looked up in PATH.  The one
 * caller that wants a shell (a hook's runCommand) passes "bash", "-c", ...
 * itself.
 *
 * Calling sequence (asynchronous):
 *   1. struct sw_proc_opts o = SW_PROC_OPTS_INIT;
 *   2. fill o: argv, cwd, env, capture / callbacks, timeout_ms, on_exit
 *   3. sw_proc_start(&p, loop, &o, &err)
 *   4. optionally sw_proc_write() / sw_proc_close_stdin() while it runs
 *   5. on_exit(p) fires once the child has exited and its output is drained;
 *      read p->exit_status, p->term_signal, p->timed_out, p->out, p->errout
 *   6. sw_proc_free(p) (may be called inside on_exit)
 *
 * Synchronous: sw_proc_run() does 3-5 on a private loop.
 *
 * With die_with_parent set, the child's whole process group is killed
 * when this process dies, however it dies (SIGKILL included).  The child
 * then starts under a small /bin/sh guard (a fixed script; the argv is
 * passed as its arguments, never as shell text): the guard forks a
 * watcher of a "lifeline" pipe, whose write end only this process holds,
 * and execs argv in place, keeping the pid, the group and the exit status.
 * When this process dies the kernel closes the write end, the watcher
 * reads EOF and kills its process group.  When the child exits normally,
 * on_exit's side writes a byte first, and the watcher leaves quietly (so
 * background processes the child left behind are not touched).  Unlike
 * PR_SET_PDEATHSIG, which reaches only the direct child and races with an
 * early death, this reaches grandchildren and needs no check of getppid().
 * A program missing from PATH then shows as exit status 127, not
 * SW_ENOTFOUND.
 *
 * Starting a child sets SIGPIPE to ignored for the whole process: a child
 * that exits before reading what we write to its stdin must not kill us;
 * the write fails with EPIPE instead (and is not an error: the child's exit
 * status is what reports it).
 */
#ifndef SW_PROC_H
#define SW_PROC_H

#include "compat.h"
#include "buf.h"
#include "error.h"

#include <sys/types.h>
#include <uv.h>

struct sw_proc;

typedef void (*sw_proc_data_cb)(struct sw_proc *p, const char *buf, size_t len, void *data);
typedef void (*sw_proc_exit_cb)(struct sw_proc *p, void *data);

struct sw_proc_opts {
	const char *const *argv;  /* NULL-terminated; argv[0] searched in PATH */
	const char *const *env;   /* full "K=V" environment; NULL inherits ours */
	const char *cwd;          /* NULL: ours */
	const char *stdin_data;   /* written to stdin, which is then closed */
	size_t stdin_len;
	int keep_stdin;           /* stdin stays open for sw_proc_write() */
	int capture_stdout;       /* collect into p->out */
	int capture_stderr;       /* collect into p->errout (else inherited) */
	size_t max_output;        /* per captured stream; excess counted in *_dropped */
	uint64_t timeout_ms;      /* 0: none; on expiry SIGTERM the group, then SIGKILL */
	uint64_t kill_grace_ms;   /* between SIGTERM and SIGKILL */
	sw_proc_data_cb on_stdout; /* stream stdout here instead of capturing */
	sw_proc_data_cb on_stderr; /* stream stderr here instead of capturing */
	sw_proc_exit_cb on_exit;
	void *data;               /* passed to the callbacks */
	int die_with_parent;      /* kill the child's group when this process dies (see above) */
};

#define SW_PROC_OPTS_INIT { NULL, NULL, NULL, NULL, 0, 0, 0, 0, (1u << 20), 0, 2000, NULL, NULL, NULL, NULL, 0 }

struct sw_proc {
	pid_t pid;           /* child pid, also its process group id */
	int exited;          /* 1 once the child has been reaped */
	int exit_status;     /* exit code, valid when term_signal == 0 */
	int term_signal;     /* signal that ended it, 0 if none */
	int timed_out;       /* 1 if the timeout killed it */
	struct sw_buf out;   /* captured stdout */
	struct sw_buf errout; /* captured stderr */
	size_t out_dropped;  /* bytes past max_output, not kept */
	size_t err_dropped;
	uint64_t started_ms; /* uv_now at start */
	uint64_t ended_ms;   /* uv_now when on_exit fired */
	void *priv;          /* loop handles; private */
};

/*
 * Starts a child.  Errors: SW_ENOTFOUND (program not found), SW_EIO.
 * On success *@out is owned by the caller (sw_proc_free).
 */
int sw_proc_start(struct sw_proc **out, uv_loop_t *loop, const struct sw_proc_opts *o, struct sw_error *err);

/* Queues @len bytes (copied) for the child's stdin. Errors: SW_EIO if stdin is closed. */
int sw_proc_write(struct sw_proc *p, const void *buf, size_t len, struct sw_error *err);
void sw_proc_close_stdin(struct sw_proc *p);
/* Sends @sig to the child's process group. */
void sw_proc_kill(struct sw_proc *p, int sig);
/* SIGTERM to the group now, SIGKILL after the grace period if still alive. */
void sw_proc_terminate(struct sw_proc *p);
/* Releases @p; a still-running child is killed (SIGKILL to its group). Accepts NULL. */
void sw_proc_free(struct sw_proc *p);

/*
 * Runs a child to completion on a private loop; *@out holds the finished
 * process (caller frees).  Errors: as sw_proc_start.  A non-zero exit is
 * not an error: inspect (*out)->exit_status.
 */
int sw_proc_run(struct sw_proc **out, const struct sw_proc_opts *o, struct sw_error *err);

/* "exited with status 3", "killed by signal 9", "timed out after 100 ms". */
void sw_proc_describe(const struct sw_proc *p, struct sw_buf *b);

#endif
