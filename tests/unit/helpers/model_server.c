/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model_server.c - see model_server.h.
 */
#include "sw_test.h"
#include "model_server.h"
#include "base/fs.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

struct ms *ms_start(const char *script)
{
	struct ms *m;
	char *server, *scriptp, *portp, *outdir;
	struct sw_buf port = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	int i;

	if (access("/usr/bin/python3", X_OK) != 0 && access("/usr/local/bin/python3", X_OK) != 0)
		return NULL;
	m = sw_xcalloc(1, sizeof(*m));
	m->dir = sw_test_tmpdir();
	sw_test_write(m->dir, "script.json", script);
	scriptp = sw_path_join(m->dir, "script.json");
	outdir = sw_path_join(m->dir, "out");
	portp = sw_path_join(outdir, "port");
	server = sw_path_absolute("tests/model-server/server.py");
	m->pid = fork();
	if (m->pid == 0) {
		execlp("python3", "python3", server, "--script", scriptp, "--dir", outdir, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		sw_buf_reset(&port);
		if (sw_read_file(&port, portp, 64, &err) == 0 && port.len && port.ptr[port.len - 1] == '\n')
			break;
		usleep(10000);
	}
	m->port = (int)strtol(port.ptr, NULL, 10);
	if (m->port <= 0)
		fail_msg("model server did not start (%s)", m->dir);
	snprintf(m->url, sizeof(m->url), "http://127.0.0.1:%d", m->port);
	free(server);
	free(scriptp);
	free(portp);
	free(outdir);
	sw_buf_release(&port);
	return m;
}

void ms_read(struct ms *m, const char *name, struct sw_buf *out)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf rel = SW_BUF_INIT;
	char *p;

	sw_buf_addf(&rel, "out/%s", name);
	p = sw_path_join(m->dir, rel.ptr);
	if (sw_read_file(out, p, 64u << 20, &err) < 0)
		fail_msg("cannot read %s: %s", p, err.msg);
	free(p);
	sw_buf_release(&rel);
}

void ms_assert_clean(struct ms *m)
{
	struct sw_buf f = SW_BUF_INIT;

	ms_read(m, "failures.txt", &f);
	if (f.len)
		fail_msg("model server assertions failed:\n%s", f.ptr);
	sw_buf_release(&f);
}

void ms_stop(struct ms *m)
{
	if (!m)
		return;
	if (m->pid > 0) {
		kill(m->pid, SIGTERM);
		waitpid(m->pid, NULL, 0);
	}
	sw_test_rmtree(m->dir);
	free(m->dir);
	free(m);
}
