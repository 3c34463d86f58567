/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MCP client against real servers: Specwright's own 'mcp serve' (the
 * binary under test), the reference everything server over stdio and
 * Streamable HTTP on loopback, and a scripted hostile server
 * (tests/fixtures/mcp/hostile_server.py) for peers that misbehave.
 * Cases whose peer is missing skip.
 */
#include "helpers/sw_test.h"
#include "base/json.h"
#include "base/proc.h"
#include "kiro/mcpconfig.h"
#include "mcp/client.h"

#include <arpa/inet.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define EVERYTHING "tests/node_modules/.bin/mcp-server-everything"
#define HOSTILE "tests/fixtures/mcp/hostile_server.py"

struct fx {
	uv_loop_t loop;
	struct mcp_client *c;
	int changes;
};

static void on_change(struct mcp_client *c, struct mcp_conn *conn, void *data)
{
	struct fx *f = data;

	SW_UNUSED(c);
	SW_UNUSED(conn);
	f->changes++;
}

static void fx_start(struct fx *f)
{
	struct mcp_client_opts o = MCP_CLIENT_OPTS_INIT;

	memset(f, 0, sizeof(*f));
	uv_loop_init(&f->loop);
	o.loop = &f->loop;
	o.shutdown_grace_ms = 200;
	o.on_change = on_change;
	o.data = f;
	mcp_client_new(&f->c, &o);
}

static void fx_stop(struct fx *f)
{
	mcp_client_free(f->c);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
}

static struct mcp_conn *attach_argv(struct fx *f, const char *name, const char *const *argv,
				    uint64_t connect_ms, uint64_t request_ms)
{
	struct mcp_server_spec spec = MCP_SERVER_SPEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_conn *conn = NULL;

	spec.name = name;
	spec.argv = argv;
	spec.connect_timeout_ms = connect_ms;
	spec.request_timeout_ms = request_ms;
	assert_sw_ok(mcp_client_attach(f->c, &spec, &conn, &err), &err);
	return conn;
}

static cJSON *json(const char *text)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *v = NULL;

	assert_sw_ok(sw_json_parse(&v, text, strlen(text), &err), &err);
	return v;
}

/* Calls @name with @args (JSON text); returns the result's joined text (caller frees). */
static char *call_text(struct fx *f, const char *name, const char *args, int *is_error, cJSON **keep)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	cJSON *a = json(args), *res = NULL;

	assert_sw_ok(mcp_client_call_sync(f->c, name, a, 0, NULL, NULL, &res, &err), &err);
	mcp_result_text(&b, res);
	if (is_error)
		*is_error = cJSON_IsTrue(cJSON_GetObjectItem(res, "isError"));
	if (keep)
		*keep = res;
	else
		cJSON_Delete(res);
	cJSON_Delete(a);
	return sw_buf_detach(&b, NULL);
}

static int have(const char *path)
{
	return access(path, X_OK) == 0;
}

static void mcp_client__drives_specwright_serve(void **state)
{
	const char *bin = getenv("SPECWRIGHT");
	char *root = sw_test_tmpdir();
	const char *argv[] = { bin, "mcp", "serve", "--root", root, NULL };
	struct fx f;
	struct mcp_conn *conn;
	const struct mcp_tool *t;
	char *text;
	int is_err = 0;

	SW_UNUSED(state);
	if (!bin || !have(bin)) {
		free(root);
		skip();
	}
	sw_test_write(root, "output/a.txt", "from the store\n");
	fx_start(&f);
	conn = attach_argv(&f, "store", argv, 10000, 10000);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	assert_int_equal(mcp_conn_state(conn), MCP_CONN_READY);
	assert_string_equal(mcp_conn_protocol_version(conn), "2025-11-25");
	assert_int_equal(mcp_client_tool_count(f.c), 3);
	t = mcp_client_find_tool(f.c, "@store/fs_read");
	assert_non_null(t);
	assert_string_equal(t->name, "@store/fs_read");
	assert_non_null(t->output_schema);
	text = call_text(&f, "@store/fs_read", "{\"path\":\"output/a.txt\"}", &is_err, NULL);
	assert_string_equal(text, "from the store\n");
	assert_false(is_err);
	free(text);
	text = call_text(&f, "@store/fs_read", "{\"path\":\"../../etc/passwd\"}", &is_err, NULL);
	assert_true(is_err);
	assert_non_null(strstr(text, "refused key"));
	free(text);
	fx_stop(&f);
	sw_test_rmtree(root);
	free(root);
}

static void on_progress(struct mcp_pending *call, double progress, double total, const char *message,
			void *data)
{
	int *n = data;

	SW_UNUSED(call);
	SW_UNUSED(message);
	assert_true(progress >= 1 && progress <= total);
	(*n)++;
}

/* The checks shared by the stdio and HTTP runs against the everything server. */
static void exercise_everything(struct fx *f)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *res = NULL, *args;
	const cJSON *sc;
	char *text;
	int progress = 0, is_err = 0;

	assert_true(mcp_client_tool_count(f->c) >= 10);
	assert_non_null(mcp_client_find_tool(f->c, "@everything/echo"));
	text = call_text(f, "@everything/echo", "{\"message\":\"hi\"}", NULL, NULL);
	assert_string_equal(text, "Echo: hi");
	free(text);
	text = call_text(f, "@everything/get-sum", "{\"a\":2,\"b\":3}", NULL, NULL);
	assert_non_null(strstr(text, "is 5"));
	free(text);
	text = call_text(f, "@everything/get-structured-content", "{\"location\":\"Chicago\"}", NULL, &res);
	sc = cJSON_GetObjectItem(res, "structuredContent");
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(sc, "temperature")));
	assert_non_null(mcp_client_find_tool(f->c, "@everything/get-structured-content")->output_schema);
	cJSON_Delete(res);
	free(text);
	args = json("{\"duration\":0.3,\"steps\":3}");
	assert_sw_ok(mcp_client_call_sync(f->c, "@everything/trigger-long-running-operation", args, 0,
					  on_progress, &progress, &res, &err), &err);
	assert_int_equal(progress, 3);
	cJSON_Delete(res);
	cJSON_Delete(args);
	/* bad arguments: the SDK answers isError (not a JSON-RPC error) */
	text = call_text(f, "@everything/get-sum", "{\"a\":\"two\"}", &is_err, NULL);
	assert_true(is_err);
	free(text);
}

static void mcp_client__everything_over_stdio(void **state)
{
	const char *argv[] = { EVERYTHING, NULL };
	struct fx f;

	SW_UNUSED(state);
	if (!have(EVERYTHING))
		skip();
	fx_start(&f);
	attach_argv(&f, "everything", argv, 30000, 30000);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	exercise_everything(&f);
	assert_true(f.changes >= 1);
	fx_stop(&f);
}

static unsigned free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int port_open(unsigned port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

static void mcp_client__everything_over_streamable_http(void **state)
{
	/* timeout(1) bounds the server's life even if an assertion leaves this test early */
	const char *argv[] = { "timeout", "120", EVERYTHING, "streamableHttp", NULL };
	struct sw_proc_opts po = SW_PROC_OPTS_INIT;
	struct mcp_server_spec spec = MCP_SERVER_SPEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_strvec env = SW_STRVEC_INIT;
	struct sw_buf url = SW_BUF_INIT;
	struct sw_proc *node = NULL;
	struct mcp_conn *conn = NULL;
	extern char **environ;
	unsigned port;
	struct fx f;
	int i;

	SW_UNUSED(state);
	if (!have(EVERYTHING))
		skip();
	fx_start(&f);
	port = free_port();
	sw_strvec_pushv(&env, (const char *const *)environ);
	sw_strvec_pushf(&env, "PORT=%u", port);
	po.argv = argv;
	po.env = (const char *const *)env.v;
	po.capture_stderr = 1;
	po.capture_stdout = 1;
	assert_sw_ok(sw_proc_start(&node, &f.loop, &po, &err), &err);
	for (i = 0; i < 200 && !port_open(port); i++)
		usleep(50000);
	assert_true(port_open(port));
	sw_buf_addf(&url, "http://127.0.0.1:%u/mcp", port);
	spec.name = "everything";
	spec.url = url.ptr;
	assert_sw_ok(mcp_client_attach(f.c, &spec, &conn, &err), &err);
	if (mcp_client_wait(f.c, 30000) != 1)
		fail_msg("not ready: %s: %s", mcp_conn_state_name(mcp_conn_state(conn)), mcp_conn_error(conn));
	assert_string_equal(mcp_conn_transport(conn), "http");
	exercise_everything(&f);
	mcp_client_free(f.c);
	f.c = NULL;
	/* The node server belongs to this test: kill its group, then the port must be free. */
	sw_proc_kill(node, 9);
	while (!node->exited)
		uv_run(&f.loop, UV_RUN_ONCE);
	sw_proc_free(node);
	for (i = 0; i < 100 && port_open(port); i++)
		usleep(20000); /* the group's last process may take a moment to go */
	assert_false(port_open(port));
	sw_strvec_clear(&env);
	sw_buf_release(&url);
	fx_stop(&f);
}

/* A hostile peer in @mode; returns the connection after the start settled. */
static struct mcp_conn *hostile(struct fx *f, const char *mode, const char *arg, uint64_t connect_ms,
				uint64_t request_ms)
{
	const char *argv[] = { "python3", HOSTILE, mode, arg, NULL };

	return attach_argv(f, "h", argv, connect_ms, request_ms);
}

static void mcp_client__peer_failures_at_start(void **state)
{
	struct fx f;
	struct mcp_conn *silent, *exits, *old, *missing;
	const char *argv_missing[] = { "specwright-no-such-server", NULL };
	struct mcp_server_spec spec = MCP_SERVER_SPEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	const char *a1[] = { "python3", HOSTILE, "silent", NULL };
	const char *a2[] = { "python3", HOSTILE, "exit", NULL };
	const char *a3[] = { "python3", HOSTILE, "oldversion", NULL };

	SW_UNUSED(state);
	fx_start(&f);
	silent = attach_argv(&f, "silent", a1, 400, 1000);
	exits = attach_argv(&f, "exits", a2, 5000, 1000);
	old = attach_argv(&f, "old", a3, 5000, 1000);
	spec.name = "missing";
	spec.argv = argv_missing;
	assert_sw_ok(mcp_client_attach(f.c, &spec, &missing, &err), &err);
	assert_int_equal(mcp_client_wait(f.c, 0), 0);
	assert_int_equal(mcp_conn_state(silent), MCP_CONN_FAILED);
	assert_non_null(strstr(mcp_conn_error(silent), "within 400 ms"));
	assert_int_equal(mcp_conn_state(exits), MCP_CONN_FAILED);
	assert_non_null(strstr(mcp_conn_error(exits), "status 7"));
	assert_non_null(strstr(mcp_conn_error(exits), "missing configuration"));
	assert_int_equal(mcp_conn_state(old), MCP_CONN_FAILED);
	assert_non_null(strstr(mcp_conn_error(old), "1999-01-01"));
	assert_int_equal(mcp_conn_state(missing), MCP_CONN_FAILED);
	assert_non_null(strstr(mcp_conn_error(missing), "specwright-no-such-server"));
	assert_int_equal(mcp_client_tool_count(f.c), 0);
	assert_sw_fails(mcp_client_attach(f.c, &spec, NULL, &err), SW_EINVAL, &err);
	fx_stop(&f);
}

static void mcp_client__peer_dies_mid_call(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *res = NULL;
	struct mcp_conn *conn;
	struct fx f;

	SW_UNUSED(state);
	fx_start(&f);
	conn = hostile(&f, "die", NULL, 5000, 5000);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	assert_sw_fails(mcp_client_call_sync(f.c, "@h/t", NULL, 0, NULL, NULL, &res, &err), SW_EIO, &err);
	assert_null(res);
	while (mcp_conn_state(conn) != MCP_CONN_FAILED)
		uv_run(&f.loop, UV_RUN_ONCE);
	assert_non_null(strstr(mcp_conn_error(conn), "crashed in the middle"));
	/* a later call fails at once, naming the reason */
	assert_sw_fails(mcp_client_call_sync(f.c, "@h/t", NULL, 0, NULL, NULL, &res, &err), SW_ENOTFOUND, &err);
	fx_stop(&f);
}

static void mcp_client__peer_never_answers_a_call(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *res = NULL;
	struct fx f;

	SW_UNUSED(state);
	fx_start(&f);
	hostile(&f, "hang", NULL, 5000, 300);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	assert_sw_fails(mcp_client_call_sync(f.c, "@h/t", NULL, 0, NULL, NULL, &res, &err), SW_ETIMEOUT, &err);
	assert_non_null(strstr(err.msg, "300 ms"));
	fx_stop(&f);
}

static void cancel_result(struct mcp_pending *call, int rc, const cJSON *result, long long code,
			  const struct sw_error *err, void *data)
{
	SW_UNUSED(call);
	SW_UNUSED(result);
	SW_UNUSED(code);
	SW_UNUSED(err);
	*(int *)data = rc;
}

static void mcp_client__cancel_a_call(void **state)
{
	struct mcp_call_opts o = MCP_CALL_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_pending *call = NULL;
	struct fx f;
	int rc = 1;

	SW_UNUSED(state);
	fx_start(&f);
	hostile(&f, "hang", NULL, 5000, 60000);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	o.on_result = cancel_result;
	o.data = &rc;
	assert_sw_ok(mcp_client_call(f.c, "@h/t", NULL, &o, &call, &err), &err);
	uv_run(&f.loop, UV_RUN_NOWAIT);
	mcp_pending_cancel(call);
	while (rc == 1)
		uv_run(&f.loop, UV_RUN_ONCE);
	assert_int_equal(rc, SW_ECANCELED);
	fx_stop(&f);
}

static void mcp_client__garbage_lines_and_errors(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *res = NULL;
	char *text;
	struct fx f;

	SW_UNUSED(state);
	fx_start(&f);
	hostile(&f, "garbage", NULL, 5000, 5000);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	text = call_text(&f, "@h/t", "{}", NULL, NULL);
	assert_string_equal(text, "ok 1");
	free(text);
	fx_stop(&f);

	fx_start(&f);
	hostile(&f, "errorcall", NULL, 5000, 5000);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	assert_sw_fails(mcp_client_call_sync(f.c, "@h/t", NULL, 0, NULL, NULL, &res, &err), SW_EPROTO, &err);
	assert_non_null(strstr(err.msg, "bad arguments for t"));
	assert_sw_fails(mcp_client_call_sync(f.c, "@h/nosuch", NULL, 0, NULL, NULL, &res, &err), SW_ENOTFOUND,
			&err);
	fx_stop(&f);
}

static void mcp_client__huge_lines(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *res = NULL;
	char *text;
	struct fx f;

	SW_UNUSED(state);
	/* 3 MB in one line is fine (real servers send base64 images) */
	fx_start(&f);
	hostile(&f, "huge", "3000000", 5000, 10000);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	text = call_text(&f, "@h/t", "{}", NULL, NULL);
	assert_int_equal(strlen(text), 3000000);
	free(text);
	fx_stop(&f);
	/* over the 16 MB line ceiling the answer is dropped: the call times out, the client survives */
	fx_start(&f);
	hostile(&f, "huge", "17000000", 5000, 3000);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	assert_sw_fails(mcp_client_call_sync(f.c, "@h/t", NULL, 0, NULL, NULL, &res, &err), SW_ETIMEOUT, &err);
	fx_stop(&f);
}

static void mcp_client__follows_tools_list_changed(void **state)
{
	struct fx f;
	char *text;
	int before;

	SW_UNUSED(state);
	fx_start(&f);
	hostile(&f, "changes", NULL, 5000, 5000);
	assert_int_equal(mcp_client_wait(f.c, 0), 1);
	assert_int_equal(mcp_client_tool_count(f.c), 1);
	before = f.changes;
	text = call_text(&f, "@h/t", "{}", NULL, NULL);
	free(text);
	while (f.changes == before)
		uv_run(&f.loop, UV_RUN_ONCE);
	assert_int_equal(mcp_client_tool_count(f.c), 2);
	assert_non_null(mcp_client_find_tool(f.c, "@h/t2"));
	fx_stop(&f);
}

/* ---- configured servers (mcp.json entries) through mcp_client_attach_kiro ---- */

/* ${VAR} values for the configured-server cases: "K=V" strings. */
static const char *fake_lookup(const char *name, void *ctx)
{
	const char *const *kv = ctx;
	size_t n = strlen(name);

	for (; *kv; kv++)
		if (!strncmp(*kv, name, n) && (*kv)[n] == '=')
			return *kv + n + 1;
	return NULL;
}

static void load_config(struct kiro_mcp_config *cfg, const char *text)
{
	struct sw_diags diags = SW_DIAGS_INIT;

	if (kiro_mcp_load_text(cfg, text, strlen(text), ".kiro/settings/mcp.json", KIRO_MCP_WORKSPACE, &diags) < 0 ||
	    diags.errors)
		fail_msg("bad test config: %s", diags.nr ? diags.v[0].msg : "?");
	sw_diags_release(&diags);
}

static void mcp_client__attach_kiro_expands_and_hides(void **state)
{
	const char *bin = getenv("SPECWRIGHT");
	char *root = sw_test_tmpdir();
	struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
	struct mcp_kiro_attach_opts ko = MCP_KIRO_ATTACH_OPTS_INIT;
	struct sw_strvec vars = SW_STRVEC_INIT, auto_ok = SW_STRVEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_conn *conn = NULL, *off = NULL;
	struct fx f;
	char *text;
	int is_err = 0;

	SW_UNUSED(state);
	if (!bin || !have(bin)) {
		sw_test_rmtree(root);
		free(root);
		skip();
	}
	sw_test_write(root, "output/a.txt", "expanded root\n");
	/* The server finds its root only if env values were expanded and passed on. */
	load_config(&cfg, "{\"mcpServers\":{"
			  "\"store\":{\"command\":\"sh\",\"args\":[\"-c\",\"exec \\\"$B\\\" mcp serve --root \\\"$R\\\"\"],"
			  "\"env\":{\"B\":\"${SW_BIN}\",\"R\":\"${SW_ROOT}/\"},"
			  "\"disabledTools\":[\"fs_write\"],\"autoApprove\":[\"fs_read\"],\"timeout\":20000},"
			  "\"off\":{\"command\":\"${NOT_SET_ANYWHERE}\",\"disabled\":true}}}");
	sw_strvec_pushf(&vars, "SW_BIN=%s", bin);
	sw_strvec_pushf(&vars, "SW_ROOT=%s", root);
	ko.lookup = fake_lookup;
	ko.lookup_ctx = vars.v;
	ko.auto_approve = &auto_ok;
	fx_start(&f);
	assert_sw_ok(mcp_client_attach_kiro(f.c, kiro_mcp_find(&cfg, "store"), &ko, &conn, &err), &err);
	assert_non_null(conn);
	/* disabled: skipped, not attached, even though its ${VAR} is unset */
	off = (struct mcp_conn *)&f; /* must be reset */
	assert_sw_ok(mcp_client_attach_kiro(f.c, kiro_mcp_find(&cfg, "off"), &ko, &off, &err), &err);
	assert_null(off);
	assert_int_equal(mcp_client_conn_count(f.c), 1);
	if (mcp_client_wait(f.c, 0) != 1)
		fail_msg("not ready: %s", mcp_conn_error(conn));
	/* disabledTools are hidden from the list and from lookups */
	assert_int_equal(mcp_client_tool_count(f.c), 2);
	assert_null(mcp_client_find_tool(f.c, "@store/fs_write"));
	assert_non_null(mcp_client_find_tool(f.c, "@store/fs_list"));
	text = call_text(&f, "@store/fs_read", "{\"path\":\"output/a.txt\"}", &is_err, NULL);
	assert_false(is_err);
	assert_string_equal(text, "expanded root\n");
	free(text);
	assert_int_equal(auto_ok.nr, 1);
	assert_string_equal(auto_ok.v[0], "@store/fs_read");
	fx_stop(&f);
	sw_strvec_clear(&vars);
	sw_strvec_clear(&auto_ok);
	kiro_mcp_release(&cfg);
	sw_test_rmtree(root);
	free(root);
}

static void mcp_client__attach_kiro_unset_variable(void **state)
{
	struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
	struct mcp_kiro_attach_opts ko = MCP_KIRO_ATTACH_OPTS_INIT;
	const char *none[] = { "OTHER=1", NULL };
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_conn *conn = NULL;
	struct fx f;

	SW_UNUSED(state);
	load_config(&cfg, "{\"mcpServers\":{\n"
			  "  \"gh\":{\"command\":\"gh-mcp\",\"env\":{\"TOKEN\":\"${GITHUB_TOKEN}\"}},\n"
			  "  \"web\":{\"url\":\"http://127.0.0.1:9/mcp\",\"headers\":{\"Authorization\":\"Bearer ${API_TOKEN}\"}},\n"
			  "  \"bad\":{\"command\":\"x\",\"args\":[\"${UNTERMINATED\"]}}}");
	ko.lookup = fake_lookup;
	ko.lookup_ctx = (void *)none;
	fx_start(&f);
	assert_sw_fails(mcp_client_attach_kiro(f.c, kiro_mcp_find(&cfg, "gh"), &ko, &conn, &err), SW_ENOTFOUND,
			&err);
	assert_null(conn);
	assert_non_null(strstr(err.msg, "MCP server 'gh'"));
	assert_non_null(strstr(err.msg, "'GITHUB_TOKEN' is not set"));
	assert_string_equal(err.path, ".kiro/settings/mcp.json");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 44); /* the "${" of the reference, not the entry */
	sw_error_clear(&err);
	assert_sw_fails(mcp_client_attach_kiro(f.c, kiro_mcp_find(&cfg, "web"), &ko, &conn, &err), SW_ENOTFOUND,
			&err);
	assert_non_null(strstr(err.msg, "MCP server 'web'"));
	assert_non_null(strstr(err.msg, "'API_TOKEN'"));
	sw_error_clear(&err);
	assert_sw_fails(mcp_client_attach_kiro(f.c, kiro_mcp_find(&cfg, "bad"), &ko, &conn, &err), SW_EINVAL,
			&err);
	assert_non_null(strstr(err.msg, "MCP server 'bad'"));
	/* nothing was attached */
	assert_int_equal(mcp_client_conn_count(f.c), 0);
	fx_stop(&f);
	kiro_mcp_release(&cfg);
}

/* Starts 'specwright mcp serve --http' on @port over @root, with bearer token @token; waits until it listens. */
static struct sw_proc *start_serve_http(struct fx *f, const char *bin, unsigned port, const char *root,
					const char *token)
{
	char listen[64];
	const char *argv[] = { "timeout", "120", bin, "mcp", "serve", "--root", root, "--http", listen, "--token",
			       token, NULL };
	struct sw_proc_opts po = SW_PROC_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc *p = NULL;
	int i;

	snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
	po.argv = argv;
	po.capture_stderr = 1;
	assert_sw_ok(sw_proc_start(&p, &f->loop, &po, &err), &err);
	for (i = 0; i < 200 && !port_open(port); i++)
		usleep(25000);
	assert_true(port_open(port));
	return p;
}

static void stop_serve_http(struct fx *f, struct sw_proc *p)
{
	sw_proc_kill(p, SIGTERM);
	while (!p->exited)
		uv_run(&f->loop, UV_RUN_ONCE);
	sw_proc_free(p);
}

static void mcp_client__http_session_expired_reinitializes(void **state)
{
	const char *bin = getenv("SPECWRIGHT");
	char *root = sw_test_tmpdir();
	struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
	struct mcp_kiro_attach_opts ko = MCP_KIRO_ATTACH_OPTS_INIT;
	struct sw_strvec vars = SW_STRVEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf doc = SW_BUF_INIT;
	struct mcp_conn *conn = NULL;
	struct sw_proc *srv;
	unsigned port;
	struct fx f;
	char *text;
	int is_err = 0;

	SW_UNUSED(state);
	if (!bin || !have(bin)) {
		sw_test_rmtree(root);
		free(root);
		skip();
	}
	sw_test_write(root, "output/a.txt", "first server\n");
	fx_start(&f);
	port = free_port();
	srv = start_serve_http(&f, bin, port, root, "s3cret");
	/* the url and the bearer token come through mcp.json's ${VAR} expansion */
	sw_buf_addf(&doc, "{\"mcpServers\":{\"web\":{\"url\":\"http://127.0.0.1:${PORT}/mcp\","
		    "\"headers\":{\"Authorization\":\"Bearer ${TOKEN}\"}}}}");
	load_config(&cfg, doc.ptr);
	sw_strvec_pushf(&vars, "PORT=%u", port);
	sw_strvec_push(&vars, "TOKEN=s3cret");
	ko.lookup = fake_lookup;
	ko.lookup_ctx = vars.v;
	assert_sw_ok(mcp_client_attach_kiro(f.c, kiro_mcp_find(&cfg, "web"), &ko, &conn, &err), &err);
	if (mcp_client_wait(f.c, 20000) != 1)
		fail_msg("not ready: %s", mcp_conn_error(conn));
	text = call_text(&f, "@web/fs_read", "{\"path\":\"output/a.txt\"}", &is_err, NULL);
	assert_false(is_err);
	assert_string_equal(text, "first server\n");
	free(text);

	/* A real restart: the new process knows no session, so our next request gets 404. */
	stop_serve_http(&f, srv);
	assert_false(port_open(port));
	sw_test_write(root, "output/b.txt", "second server\n");
	srv = start_serve_http(&f, bin, port, root, "s3cret");
	text = call_text(&f, "@web/fs_read", "{\"path\":\"output/b.txt\"}", &is_err, NULL);
	assert_false(is_err);
	assert_string_equal(text, "second server\n");
	free(text);
	/* and the new session carries on */
	text = call_text(&f, "@web/fs_list", "{\"path\":\"output\"}", &is_err, NULL);
	assert_false(is_err);
	assert_non_null(strstr(text, "output/b.txt"));
	free(text);
	assert_int_equal(mcp_conn_state(conn), MCP_CONN_READY);

	/* A server that is gone for good: the call fails with a reason, it does not hang. */
	stop_serve_http(&f, srv);
	{
		cJSON *a = json("{\"path\":\"output/a.txt\"}"), *res = NULL;

		assert_int_equal(mcp_client_call_sync(f.c, "@web/fs_read", a, 5000, NULL, NULL, &res, &err), SW_EPROTO);
		cJSON_Delete(a);
		cJSON_Delete(res);
	}
	fx_stop(&f);
	sw_strvec_clear(&vars);
	sw_buf_release(&doc);
	kiro_mcp_release(&cfg);
	sw_test_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mcp_client__drives_specwright_serve),
		cmocka_unit_test(mcp_client__everything_over_stdio),
		cmocka_unit_test(mcp_client__everything_over_streamable_http),
		cmocka_unit_test(mcp_client__peer_failures_at_start),
		cmocka_unit_test(mcp_client__peer_dies_mid_call),
		cmocka_unit_test(mcp_client__peer_never_answers_a_call),
		cmocka_unit_test(mcp_client__cancel_a_call),
		cmocka_unit_test(mcp_client__garbage_lines_and_errors),
		cmocka_unit_test(mcp_client__huge_lines),
		cmocka_unit_test(mcp_client__follows_tools_list_changed),
		cmocka_unit_test(mcp_client__attach_kiro_expands_and_hides),
		cmocka_unit_test(mcp_client__attach_kiro_unset_variable),
		cmocka_unit_test(mcp_client__http_session_expired_reinitializes),
	};

	return sw_run_group("mcp_client", tests);
}
