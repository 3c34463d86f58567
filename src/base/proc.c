/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proc.c - subprocesses over uv_spawn.
 *
 * Lifetime: the struct is freed only when every libuv handle it owns has
 * been closed, so sw_proc_free() may be called from any callback.  The
 * child is reaped by libuv; on_exit waits for both the exit and EOF on
 * captured pipes, but never more than DRAIN_MS after the exit, because a
 * grandchild that inherited the pipe may keep it open indefinitely.
 */
#include "compat.h"
#include "proc.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#define DRAIN_MS 500

/*
 * The die_with_parent guard (see proc.h), run as /bin/sh -c GUARD sw-guard
 * argv...: a background reader of the lifeline on fd 3 kills the group
 * (kill 0) on EOF and leaves on a line; the shell drops fd 3 and becomes
 * argv.
 */
#define GUARD "{ read -r _ <&3 || kill -KILL 0; } & exec 3<&-; exec \"$@\""

struct proc_priv {
	uv_loop_t *loop;
	uv_process_t child;
	uv_pipe_t in, out, err;
	uv_timer_t timer;      /* timeout, then kill grace, then drain */
	int in_open, out_open, err_open, timer_open, child_open;
	int handles;           /* open handles; the struct is freed at 0 */
	int freed;             /* sw_proc_free called */
	int notified;          /* on_exit delivered */
	int killing;           /* SIGTERM sent, waiting for grace */
	int requested;         /* termination asked by sw_proc_terminate, not the timeout */
	int lifeline;          /* write end of the die_with_parent pipe, or -1 */
	struct sw_proc_opts o;
	struct sw_proc *self;
};

struct write_req {
	uv_write_t req;
	char *data;
};

/* Lets the guard go: with @quiet it leaves the group alone, else it kills the group. */
static void lifeline_release(struct proc_priv *pp, int quiet)
{
	if (pp->lifeline < 0)
		return;
	if (quiet && write(pp->lifeline, "\n", 1) < 0) {
		/* The guard is gone already (killed with its group): nothing to tell. */
	}
	close(pp->lifeline);
	pp->lifeline = -1;
}

static void maybe_release(struct proc_priv *pp)
{
	if (pp->freed && pp->handles == 0) {
		sw_buf_release(&pp->self->out);
		sw_buf_release(&pp->self->errout);
		free(pp->self);
		free(pp);
	}
}

static void on_close(uv_handle_t *h)
{
	struct proc_priv *pp = h->data;

	pp->handles--;
	maybe_release(pp);
}

static void close_handle(struct proc_priv *pp, uv_handle_t *h, int *open_flag)
{
	if (!*open_flag)
		return;
	assert(h->data == pp);
	*open_flag = 0;
	uv_close(h, on_close);
}

static void notify_exit(struct proc_priv *pp)
{
	if (pp->notified || !pp->self->exited)
		return;
	if (pp->out_open || pp->err_open)
		return;
	pp->notified = 1;
	close_handle(pp, (uv_handle_t *)&pp->timer, &pp->timer_open);
	pp->self->ended_ms = uv_now(pp->loop);
	if (pp->o.on_exit && !pp->freed)
		pp->o.on_exit(pp->self, pp->o.data);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	SW_UNUSED(h);
	buf->base = sw_xmalloc(suggested);
	buf->len = suggested;
}

static void read_stream(struct proc_priv *pp, uv_stream_t *s, ssize_t n, const uv_buf_t *buf, int is_err)
{
	struct sw_proc *p = pp->self;

	if (n > 0 && !pp->freed) {
		sw_proc_data_cb cb = is_err ? pp->o.on_stderr : pp->o.on_stdout;

		if (cb) {
			cb(p, buf->base, (size_t)n, pp->o.data);
		} else {
			struct sw_buf *b = is_err ? &p->errout : &p->out;
			size_t *dropped = is_err ? &p->err_dropped : &p->out_dropped;
			size_t room = b->len < pp->o.max_output ? pp->o.max_output - b->len : 0;
			size_t keep = (size_t)n < room ? (size_t)n : room;

			sw_buf_add(b, buf->base, keep);
			*dropped += (size_t)n - keep;
		}
	}
	free(buf->base);
	if (n < 0) {
		close_handle(pp, (uv_handle_t *)s, is_err ? &pp->err_open : &pp->out_open);
		notify_exit(pp);
	}
}

static void on_out(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	read_stream(s->data, s, n, buf, 0);
}

static void on_err(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	read_stream(s->data, s, n, buf, 1);
}

static void on_timer(uv_timer_t *t)
{
	struct proc_priv *pp = t->data;
	struct sw_proc *p = pp->self;

	if (p->exited) {
		/* Drain period over: stop waiting for pipes a grandchild holds. */
		close_handle(pp, (uv_handle_t *)&pp->out, &pp->out_open);
		close_handle(pp, (uv_handle_t *)&pp->err, &pp->err_open);
		notify_exit(pp);
		return;
	}
	if (!pp->killing) {
		if (!pp->requested)
			p->timed_out = 1;
		pp->killing = 1;
		sw_proc_kill(p, SIGTERM);
		uv_timer_start(&pp->timer, on_timer, pp->o.kill_grace_ms ? pp->o.kill_grace_ms : 1, 0);
		return;
	}
	sw_proc_kill(p, SIGKILL);
}

static void on_child_exit(uv_process_t *h, int64_t status, int sig)
{
	struct proc_priv *pp = h->data;
	struct sw_proc *p = pp->self;

	p->exited = 1;
	p->exit_status = (int)status;
	p->term_signal = sig;
	close_handle(pp, (uv_handle_t *)h, &pp->child_open);
	lifeline_release(pp, !pp->killing);
	/* Whatever is left of the group (grandchildren) goes too when we were killing it. */
	if (pp->killing)
		kill(-p->pid, SIGKILL);
	if (pp->out_open || pp->err_open) {
		if (pp->timer_open) {
			uv_timer_stop(&pp->timer);
			uv_timer_start(&pp->timer, on_timer, DRAIN_MS, 0);
		}
	}
	notify_exit(pp);
}

static void open_handle(struct proc_priv *pp, uv_handle_t *h, int *flag)
{
	h->data = pp;
	*flag = 1;
	pp->handles++;
}

/* 1 if @prog can be executed: a path (relative to @cwd) or a name found in PATH (of @env, else ours). */
static int program_exists(const char *prog, const char *cwd, const char *const *env)
{
	const char *path = NULL, *s, *e;
	struct sw_buf b = SW_BUF_INIT;
	size_t i;
	int ok = 0;

	if (strchr(prog, '/')) {
		if (prog[0] != '/' && cwd)
			sw_buf_addf(&b, "%s/%s", cwd, prog);
		else
			sw_buf_adds(&b, prog);
		ok = access(b.ptr, X_OK) == 0;
		sw_buf_release(&b);
		return ok;
	}
	for (i = 0; env && env[i]; i++)
		if (!strncmp(env[i], "PATH=", 5))
			path = env[i] + 5;
	if (!env)
		path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (s = path; !ok; s = e + 1) {
		e = strchr(s, ':');
		if (!e)
			e = s + strlen(s);
		sw_buf_reset(&b);
		sw_buf_addf(&b, "%.*s/%s", (int)(e - s), e > s ? s : ".", prog);
		ok = access(b.ptr, X_OK) == 0;
		if (!*e)
			break;
	}
	sw_buf_release(&b);
	return ok;
}

int sw_proc_start(struct sw_proc **out, uv_loop_t *loop, const struct sw_proc_opts *o, struct sw_error *err)
{
	struct proc_priv *pp = sw_xcalloc(1, sizeof(*pp));
	struct sw_proc *p = sw_xcalloc(1, sizeof(*p));
	uv_process_options_t po;
	uv_stdio_container_t stdio[4];
	const char **guard_argv = NULL;
	int lifeline[2] = { -1, -1 };
	int r, rc = 0;
	int want_in, want_out, want_err;

	*out = NULL;
	assert(o->argv && o->argv[0]);
	/* A child that exits without reading its stdin must not kill us: writes fail with EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	sw_buf_init(&p->out, 0);
	sw_buf_init(&p->errout, 0);
	p->priv = pp;
	pp->self = p;
	pp->loop = loop;
	pp->o = *o;
	pp->lifeline = -1;
	want_in = o->keep_stdin || o->stdin_data;
	want_out = o->capture_stdout || o->on_stdout;
	want_err = o->capture_stderr || o->on_stderr;

	memset(&po, 0, sizeof(po));
	memset(stdio, 0, sizeof(stdio));
	po.file = o->argv[0];
	po.args = (char **)o->argv;
	po.env = (char **)o->env;
	po.cwd = o->cwd;
	po.exit_cb = on_child_exit;
	po.flags = UV_PROCESS_DETACHED; /* setsid(): own process group, killable as a whole */
	po.stdio_count = 3;
	po.stdio = stdio;
	if (o->die_with_parent) {
		size_t n = 0, i;

		/* The guard would report a missing program as status 127: say it now, as uv_spawn does. */
		if (!program_exists(o->argv[0], o->cwd, o->env)) {
			rc = sw_error_set(err, SW_ENOTFOUND, "cannot run '%s': no such file or directory", o->argv[0]);
			free(pp);
			free(p);
			return rc;
		}
		if (pipe2(lifeline, O_CLOEXEC) < 0) {
			rc = sw_error_errno(err, SW_EIO, "cannot run '%s': cannot create a pipe", o->argv[0]);
			free(pp);
			free(p);
			return rc;
		}
		while (o->argv[n])
			n++;
		guard_argv = sw_xcalloc(n + 5, sizeof(*guard_argv));
		guard_argv[0] = "/bin/sh";
		guard_argv[1] = "-c";
		guard_argv[2] = GUARD;
		guard_argv[3] = "sw-guard";
		for (i = 0; i < n; i++)
			guard_argv[4 + i] = o->argv[i];
		po.file = guard_argv[0];
		po.args = (char **)guard_argv;
		stdio[3].flags = UV_INHERIT_FD;
		stdio[3].data.fd = lifeline[0];
		po.stdio_count = 4;
	}

	if (want_in) {
		uv_pipe_init(loop, &pp->in, 0);
		open_handle(pp, (uv_handle_t *)&pp->in, &pp->in_open);
		stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
		stdio[0].data.stream = (uv_stream_t *)&pp->in;
	} else {
		stdio[0].flags = UV_IGNORE;
	}
	if (want_out) {
		uv_pipe_init(loop, &pp->out, 0);
		open_handle(pp, (uv_handle_t *)&pp->out, &pp->out_open);
		stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
		stdio[1].data.stream = (uv_stream_t *)&pp->out;
	} else {
		stdio[1].flags = UV_INHERIT_FD;
		stdio[1].data.fd = 1;
	}
	if (want_err) {
		uv_pipe_init(loop, &pp->err, 0);
		open_handle(pp, (uv_handle_t *)&pp->err, &pp->err_open);
		stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
		stdio[2].data.stream = (uv_stream_t *)&pp->err;
	} else {
		stdio[2].flags = UV_INHERIT_FD;
		stdio[2].data.fd = 2;
	}
	uv_timer_init(loop, &pp->timer);
	open_handle(pp, (uv_handle_t *)&pp->timer, &pp->timer_open);

	pp->child.data = pp;
	r = uv_spawn(loop, &pp->child, &po);
	free(guard_argv);
	if (lifeline[0] >= 0)
		close(lifeline[0]); /* only the child holds the read end */
	pp->lifeline = lifeline[1];
	if (r < 0) {
		rc = sw_error_set(err, r == UV_ENOENT ? SW_ENOTFOUND : SW_EIO, "cannot run '%s': %s",
				  o->argv[0], uv_strerror(r));
		/* uv_spawn failed: the process handle still needs closing. */
		open_handle(pp, (uv_handle_t *)&pp->child, &pp->child_open);
		pp->freed = 1;
		close_handle(pp, (uv_handle_t *)&pp->in, &pp->in_open);
		close_handle(pp, (uv_handle_t *)&pp->out, &pp->out_open);
		close_handle(pp, (uv_handle_t *)&pp->err, &pp->err_open);
		close_handle(pp, (uv_handle_t *)&pp->timer, &pp->timer_open);
		close_handle(pp, (uv_handle_t *)&pp->child, &pp->child_open);
		lifeline_release(pp, 0);
		return rc;
	}
	open_handle(pp, (uv_handle_t *)&pp->child, &pp->child_open);
	p->pid = pp->child.pid;
	p->started_ms = uv_now(loop);
	if (want_out)
		uv_read_start((uv_stream_t *)&pp->out, alloc_cb, on_out);
	if (want_err)
		uv_read_start((uv_stream_t *)&pp->err, alloc_cb, on_err);
	if (o->stdin_data && !o->keep_stdin) {
		if (o->stdin_len)
			sw_proc_write(p, o->stdin_data, o->stdin_len, NULL);
		sw_proc_close_stdin(p);
	}
	if (o->timeout_ms)
		uv_timer_start(&pp->timer, on_timer, o->timeout_ms, 0);
	*out = p;
	return 0;
}

static void on_written(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;

	SW_UNUSED(status); /* EPIPE: the child went away; its exit is reported separately */
	free(w->data);
	free(w);
}

int sw_proc_write(struct sw_proc *p, const void *buf, size_t len, struct sw_error *err)
{
	struct proc_priv *pp = p->priv;
	struct write_req *w;
	uv_buf_t b;
	int r;

	if (!pp->in_open)
		return sw_error_set(err, SW_EIO, "stdin of process %ld is closed", (long)p->pid);
	w = sw_xcalloc(1, sizeof(*w));
	w->data = sw_xmalloc(len);
	memcpy(w->data, buf, len);
	b = uv_buf_init(w->data, (unsigned int)len);
	r = uv_write(&w->req, (uv_stream_t *)&pp->in, &b, 1, on_written);
	if (r < 0) {
		free(w->data);
		free(w);
		return sw_error_set(err, SW_EIO, "cannot write to process %ld: %s", (long)p->pid, uv_strerror(r));
	}
	return 0;
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct proc_priv *pp = req->handle->data;

	SW_UNUSED(status);
	close_handle(pp, (uv_handle_t *)&pp->in, &pp->in_open);
	free(req);
}

void sw_proc_close_stdin(struct sw_proc *p)
{
	struct proc_priv *pp = p->priv;
	uv_shutdown_t *req;

	if (!pp->in_open)
		return;
	/* Shut down after queued writes flush, then close. */
	req = sw_xcalloc(1, sizeof(*req));
	if (uv_shutdown(req, (uv_stream_t *)&pp->in, on_shutdown) < 0) {
		free(req);
		close_handle(pp, (uv_handle_t *)&pp->in, &pp->in_open);
	}
}

void sw_proc_kill(struct sw_proc *p, int sig)
{
	if (p && p->pid > 0 && !p->exited)
		kill(-p->pid, sig);
}

void sw_proc_terminate(struct sw_proc *p)
{
	struct proc_priv *pp;

	if (!p || p->exited)
		return;
	pp = p->priv;
	if (pp->killing || !pp->timer_open)
		return;
	uv_timer_stop(&pp->timer);
	pp->requested = 1;
	on_timer(&pp->timer);
}

void sw_proc_free(struct sw_proc *p)
{
	struct proc_priv *pp;

	if (!p)
		return;
	pp = p->priv;
	if (!pp) { /* a finished result of sw_proc_run */
		sw_buf_release(&p->out);
		sw_buf_release(&p->errout);
		free(p);
		return;
	}
	if (pp->freed)
		return;
	pp->freed = 1;
	if (!p->exited && p->pid > 0)
		kill(-p->pid, SIGKILL);
	lifeline_release(pp, 0);
	close_handle(pp, (uv_handle_t *)&pp->in, &pp->in_open);
	close_handle(pp, (uv_handle_t *)&pp->out, &pp->out_open);
	close_handle(pp, (uv_handle_t *)&pp->err, &pp->err_open);
	close_handle(pp, (uv_handle_t *)&pp->timer, &pp->timer_open);
	/*
	 * The process handle is closed by on_child_exit; closing it earlier would
	 * leave a zombie.  If the loop stops running before then, libuv reaps it
	 * when the loop closes.
	 */
	if (p->exited)
		close_handle(pp, (uv_handle_t *)&pp->child, &pp->child_open);
	maybe_release(pp);
}

static void walk_close(uv_handle_t *h, void *arg)
{
	SW_UNUSED(arg);
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int sw_proc_run(struct sw_proc **out, const struct sw_proc_opts *o, struct sw_error *err)
{
	uv_loop_t loop;
	struct sw_proc_opts copy = *o;
	struct sw_proc *p = NULL, *res;
	int rc;

	*out = NULL;
	copy.on_exit = NULL;
	uv_loop_init(&loop);
	rc = sw_proc_start(&p, &loop, &copy, err);
	if (rc == 0) {
		struct proc_priv *pp = p->priv;

		while (!pp->notified && uv_run(&loop, UV_RUN_ONCE))
			;
		/* Hand the caller a plain copy that owns the buffers; the handles die with the loop. */
		res = sw_xcalloc(1, sizeof(*res));
		*res = *p;
		res->priv = NULL;
		sw_buf_init(&p->out, 0);
		sw_buf_init(&p->errout, 0);
		sw_proc_free(p);
		*out = res;
	}
	uv_run(&loop, UV_RUN_NOWAIT);
	uv_walk(&loop, walk_close, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	return rc;
}

void sw_proc_describe(const struct sw_proc *p, struct sw_buf *b)
{
	if (p->timed_out)
		sw_buf_addf(b, "timed out after %llu ms", (unsigned long long)(p->ended_ms - p->started_ms));
	else if (p->term_signal)
		sw_buf_addf(b, "killed by signal %d", p->term_signal);
	else
		sw_buf_addf(b, "exited with status %d", p->exit_status);
}
