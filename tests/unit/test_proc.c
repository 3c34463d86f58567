/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/proc.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void proc__captures_output_and_status(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	const char *argv[] = { "sh", "-c", "cat; echo err >&2; exit 3", NULL };
	struct sw_proc *p = NULL;

	SW_UNUSED(state);
	o.argv = argv;
	o.stdin_data = "hello";
	o.stdin_len = 5;
	o.capture_stdout = o.capture_stderr = 1;
	assert_sw_ok(sw_proc_run(&p, &o, &err), &err);
	assert_string_equal(p->out.ptr, "hello");
	assert_string_equal(p->errout.ptr, "err\n");
	assert_int_equal(p->exit_status, 3);
	assert_int_equal(p->term_signal, 0);
	assert_int_equal(p->timed_out, 0);
	sw_proc_free(p);
}

static void proc__missing_program_is_not_found(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	const char *argv[] = { "specwright-no-such-program", NULL };
	struct sw_proc *p = NULL;

	SW_UNUSED(state);
	o.argv = argv;
	assert_int_equal(sw_proc_run(&p, &o, &err), SW_ENOTFOUND);
	assert_null(p);
	assert_non_null(strstr(err.msg, "specwright-no-such-program"));
}

/* The timeout kills the whole process group, grandchildren included. */
static void proc__timeout_kills_group(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	char *dir = sw_test_tmpdir();
	char script[512];
	const char *argv[] = { "sh", "-c", script, NULL };
	struct sw_proc *p = NULL;
	struct sw_buf pidfile = SW_BUF_INIT;
	FILE *fp;
	long gpid = 0;

	SW_UNUSED(state);
	snprintf(script, sizeof(script), "sleep 30 & echo $! > %s/pid; wait", dir);
	o.argv = argv;
	o.timeout_ms = 200;
	o.kill_grace_ms = 100;
	assert_sw_ok(sw_proc_run(&p, &o, &err), &err);
	assert_int_equal(p->timed_out, 1);
	assert_int_not_equal(p->term_signal, 0);
	sw_buf_addf(&pidfile, "%s/pid", dir);
	fp = fopen(pidfile.ptr, "r");
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%ld", &gpid), 1);
	fclose(fp);
	usleep(100000);
	/* The grandchild is gone, or a zombie waiting for a reaper that is not us. */
	if (kill((pid_t)gpid, 0) == 0) {
		char stat[64], buf[256] = "";
		FILE *sf;

		snprintf(stat, sizeof(stat), "/proc/%ld/stat", gpid);
		sf = fopen(stat, "r");
		if (sf) {
			if (!fgets(buf, sizeof(buf), sf))
				buf[0] = '\0';
			fclose(sf);
			assert_non_null(strstr(buf, ") Z "));
		}
	}
	sw_proc_free(p);
	sw_buf_release(&pidfile);
	sw_test_rmtree(dir);
	free(dir);
}

/* 1 if @pid is gone, or a zombie waiting for a reaper that is not us. */
static int proc_gone(long pid)
{
	char stat[64], buf[256] = "";
	FILE *sf;

	if (kill((pid_t)pid, 0) < 0)
		return 1;
	snprintf(stat, sizeof(stat), "/proc/%ld/stat", pid);
	sf = fopen(stat, "r");
	if (!sf)
		return 1;
	if (!fgets(buf, sizeof(buf), sf))
		buf[0] = '\0';
	fclose(sf);
	return strstr(buf, ") Z ") != NULL;
}

/* Reads "PID PID" from @path, polling up to 20 s for the file to appear. */
static int read_pids(const char *path, long *a, long *b)
{
	int i;

	for (i = 0; i < 400; i++) {
		FILE *fp = fopen(path, "r");

		if (fp) {
			int n = fscanf(fp, "%ld %ld", a, b);

			fclose(fp);
			if (n == 2)
				return 0;
		}
		usleep(50000);
	}
	return -1;
}

/*
 * die_with_parent: when the process that started the child is killed
 * outright, the child's whole group goes, grandchildren included.  The
 * starter is a forked copy of this test, killed with SIGKILL while its
 * child and grandchild sleep.
 */
static void proc__die_with_parent_kills_group(void **state)
{
	char *dir = sw_test_tmpdir();
	struct sw_buf pidfile = SW_BUF_INIT;
	long child = 0, grandchild = 0;
	pid_t starter;
	int i, status;

	SW_UNUSED(state);
	sw_buf_addf(&pidfile, "%s/pid", dir);
	starter = fork();
	assert_true(starter >= 0);
	if (starter == 0) {
		struct sw_error err = SW_ERROR_INIT;
		struct sw_proc_opts o = SW_PROC_OPTS_INIT;
		char script[512];
		const char *argv[] = { "sh", "-c", script, NULL };
		struct sw_proc *p = NULL;

		snprintf(script, sizeof(script), "sleep 30 & echo $$ $! > %s.tmp; mv %s.tmp %s; sleep 30",
			 pidfile.ptr, pidfile.ptr, pidfile.ptr);
		o.argv = argv;
		o.die_with_parent = 1;
		sw_proc_run(&p, &o, &err);
		_exit(0);
	}
	assert_int_equal(read_pids(pidfile.ptr, &child, &grandchild), 0);
	assert_true(child > 0 && grandchild > 0);
	kill(starter, SIGKILL);
	assert_int_equal(waitpid(starter, &status, 0), starter);
	/* A bound for a hang, not a measurement: the group goes as soon as the guard reads EOF. */
	for (i = 0; i < 200 && !(proc_gone(child) && proc_gone(grandchild)); i++)
		usleep(50000);
	if (!proc_gone(child) || !proc_gone(grandchild)) {
		kill((pid_t)child, SIGKILL);
		kill((pid_t)grandchild, SIGKILL);
		fail_msg("child %ld or grandchild %ld outlived the process that started them", child, grandchild);
	}
	sw_buf_release(&pidfile);
	sw_test_rmtree(dir);
	free(dir);
}

/* A child that exits normally keeps its exact status, and what it left in the background lives on. */
static void proc__die_with_parent_keeps_status_and_leftovers(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	char *dir = sw_test_tmpdir();
	char script[512];
	const char *argv[] = { "sh", "-c", script, NULL };
	const char *kill_argv[] = { "sh", "-c", "kill -TERM $$; sleep 5", NULL };
	struct sw_proc *p = NULL;
	struct sw_buf pidfile = SW_BUF_INIT;
	long self = 0, bg = 0;

	SW_UNUSED(state);
	sw_buf_addf(&pidfile, "%s/pid", dir);
	snprintf(script, sizeof(script), "sleep 30 >/dev/null 2>&1 & echo $$ $! > %s; echo out; exit 4",
		 pidfile.ptr);
	o.argv = argv;
	o.capture_stdout = 1;
	o.die_with_parent = 1;
	assert_sw_ok(sw_proc_run(&p, &o, &err), &err);
	assert_int_equal(p->exit_status, 4);
	assert_int_equal(p->term_signal, 0);
	assert_string_equal(p->out.ptr, "out\n");
	assert_int_equal(read_pids(pidfile.ptr, &self, &bg), 0);
	assert_int_equal(self, (long)p->pid); /* the guard became the program: same pid */
	sw_proc_free(p);
	p = NULL;
	usleep(300000); /* time for a wrongly released guard to kill the group */
	assert_false(proc_gone(bg));
	kill((pid_t)bg, SIGKILL);

	o = (struct sw_proc_opts)SW_PROC_OPTS_INIT;
	o.argv = kill_argv;
	o.die_with_parent = 1;
	assert_sw_ok(sw_proc_run(&p, &o, &err), &err);
	assert_int_equal(p->term_signal, SIGTERM);
	sw_proc_free(p);
	sw_buf_release(&pidfile);
	sw_test_rmtree(dir);
	free(dir);
}

static void proc__output_ceiling_counts_dropped(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	const char *argv[] = { "sh", "-c", "head -c 100000 /dev/zero", NULL };
	struct sw_proc *p = NULL;

	SW_UNUSED(state);
	o.argv = argv;
	o.capture_stdout = 1;
	o.max_output = 1000;
	assert_sw_ok(sw_proc_run(&p, &o, &err), &err);
	assert_int_equal(p->out.len, 1000);
	assert_int_equal(p->out_dropped, 99000);
	sw_proc_free(p);
}

struct stream_state {
	struct sw_buf seen;
	int exits;
};

static void on_line(struct sw_proc *p, const char *buf, size_t len, void *data)
{
	struct stream_state *s = data;

	SW_UNUSED(p);
	sw_buf_add(&s->seen, buf, len);
}

static void on_exit_cb(struct sw_proc *p, void *data)
{
	struct stream_state *s = data;

	s->exits++;
	assert_int_equal(p->exit_status, 0);
	sw_proc_free(p);
}

static void proc__async_stream_and_write(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	const char *argv[] = { "cat", NULL };
	struct stream_state s = { SW_BUF_INIT, 0 };
	struct sw_proc *p = NULL;
	uv_loop_t loop;

	SW_UNUSED(state);
	uv_loop_init(&loop);
	o.argv = argv;
	o.keep_stdin = 1;
	o.on_stdout = on_line;
	o.on_exit = on_exit_cb;
	o.data = &s;
	assert_sw_ok(sw_proc_start(&p, &loop, &o, &err), &err);
	assert_sw_ok(sw_proc_write(p, "one\n", 4, &err), &err);
	assert_sw_ok(sw_proc_write(p, "two\n", 4, &err), &err);
	sw_proc_close_stdin(p);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(s.exits, 1);
	assert_string_equal(s.seen.ptr, "one\ntwo\n");
	assert_int_equal(uv_loop_close(&loop), 0);
	sw_buf_release(&s.seen);
}

/* A child that exits without reading stdin: our write gets EPIPE, not a fatal SIGPIPE. */
static void proc__unread_stdin_is_not_fatal(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	const char *argv[] = { "sh", "-c", "exit 4", NULL };
	struct sw_proc *p = NULL;
	char *big = sw_xmalloc(4u << 20);

	SW_UNUSED(state);
	memset(big, 'x', 4u << 20);
	o.argv = argv;
	o.stdin_data = big;
	o.stdin_len = 4u << 20;
	assert_sw_ok(sw_proc_run(&p, &o, &err), &err);
	assert_int_equal(p->exit_status, 4);
	sw_proc_free(p);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proc__unread_stdin_is_not_fatal),
		cmocka_unit_test(proc__captures_output_and_status),
		cmocka_unit_test(proc__missing_program_is_not_found),
		cmocka_unit_test(proc__timeout_kills_group),
		cmocka_unit_test(proc__die_with_parent_kills_group),
		cmocka_unit_test(proc__die_with_parent_keeps_status_and_leftovers),
		cmocka_unit_test(proc__output_ceiling_counts_dropped),
		cmocka_unit_test(proc__async_stream_and_write),
	};
	return sw_run_group("proc", tests);
}
