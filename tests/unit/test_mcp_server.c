/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MCP server core and the store tool set, driven message by message
 * through an in-memory transport (the send callback records what the
 * session sends).
 */
#include "helpers/sw_test.h"
#include "base/fs.h"
#include "base/json.h"
#include "mcp/protocol.h"
#include "mcp/server.h"
#include "mcp/tools_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct fx {
	uv_loop_t loop;
	struct mcp_server *srv;
	struct mcp_session *s;
	cJSON *sent;   /* every message sent, in order */
	int finals;    /* final sends */
	char *root;
	int next_id;
};

static void on_send(void *ctx, cJSON *msg, void *origin, int final)
{
	struct fx *f = ctx;

	SW_UNUSED(origin);
	if (msg)
		cJSON_AddItemToArray(f->sent, msg);
	f->finals += final;
}

/* The fixture with --read @read_prefixes and --write @write_prefixes (comma lists; NULL: defaults). */
static void fx_start_rw(struct fx *f, size_t page_size, const char *read_prefixes, const char *write_prefixes)
{
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_server_opts o = MCP_SERVER_OPTS_INIT;
	struct mcp_store_opts so = MCP_STORE_OPTS_INIT;
	struct sw_strvec w = SW_STRVEC_INIT, r = SW_STRVEC_INIT;
	struct mcp_toolset *set = NULL;

	memset(f, 0, sizeof(*f));
	uv_loop_init(&f->loop);
	f->root = sw_test_tmpdir();
	sw_test_write(f->root, "output/a.txt", "alpha\n");
	sw_test_write(f->root, "store/log.ndjson", "1\n2\n3\n4\n5\n");
	sw_test_write(f->root, "secret.txt", "top secret\n");
	o.page_size = page_size;
	o.loop = &f->loop;
	assert_sw_ok(mcp_server_new(&f->srv, &o, &err), &err);
	so.root = f->root;
	if (write_prefixes) {
		sw_strvec_split(&w, write_prefixes, ',');
		so.write = &w;
	}
	if (read_prefixes) {
		sw_strvec_split(&r, read_prefixes, ',');
		so.read = &r;
	}
	assert_sw_ok(mcp_store_toolset_new(&set, &so, &err), &err);
	assert_sw_ok(mcp_server_add_toolset(f->srv, set, &err), &err);
	sw_strvec_clear(&w);
	sw_strvec_clear(&r);
	f->sent = cJSON_CreateArray();
	assert_sw_ok(mcp_session_new(&f->s, f->srv, on_send, f), &err);
}

static void fx_start(struct fx *f, size_t page_size, const char *write_prefixes)
{
	fx_start_rw(f, page_size, NULL, write_prefixes);
}

static void fx_stop(struct fx *f)
{
	mcp_session_free(f->s);
	mcp_server_free(f->srv);
	cJSON_Delete(f->sent);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	uv_loop_close(&f->loop);
	sw_test_rmtree(f->root);
	free(f->root);
}

/* Sends one raw message; returns the last message sent back (borrowed) or NULL. */
static const cJSON *raw(struct fx *f, const char *json)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *msg = NULL;
	int n;

	assert_sw_ok(sw_json_parse(&msg, json, strlen(json), &err), &err);
	n = cJSON_GetArraySize(f->sent);
	mcp_session_handle(f->s, msg, NULL);
	cJSON_Delete(msg);
	if (cJSON_GetArraySize(f->sent) == n)
		return NULL;
	return cJSON_GetArrayItem(f->sent, cJSON_GetArraySize(f->sent) - 1);
}

/* A request with @params (JSON text or NULL); returns its response. */
static const cJSON *rpc(struct fx *f, const char *method, const char *params)
{
	struct sw_buf b = SW_BUF_INIT;
	const cJSON *r;

	sw_buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\"%s%s}", ++f->next_id, method,
		    params ? ",\"params\":" : "", params ? params : "");
	r = raw(f, b.ptr);
	sw_buf_release(&b);
	assert_non_null(r);
	assert_int_equal((int)cJSON_GetObjectItem(r, "id")->valuedouble, f->next_id);
	return r;
}

static long long err_code(const cJSON *r)
{
	const cJSON *e = cJSON_GetObjectItem(r, "error");

	return e ? (long long)cJSON_GetObjectItem(e, "code")->valuedouble : 0;
}

static const cJSON *result(const cJSON *r)
{
	const cJSON *res = cJSON_GetObjectItem(r, "result");

	if (!res)
		fail_msg("expected a result, got %s", cJSON_PrintUnformatted(r));
	return res;
}

/* tools/call @name with @args; returns the result object. */
static const cJSON *call(struct fx *f, const char *name, const char *args)
{
	struct sw_buf p = SW_BUF_INIT;
	const cJSON *r;

	sw_buf_addf(&p, "{\"name\":\"%s\",\"arguments\":%s}", name, args);
	r = rpc(f, "tools/call", p.ptr);
	sw_buf_release(&p);
	return result(r);
}

static int is_error(const cJSON *res)
{
	return cJSON_IsTrue(cJSON_GetObjectItem(res, "isError"));
}

static const char *text0(const cJSON *res)
{
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "content"), 0);

	return cJSON_GetObjectItem(c, "text")->valuestring;
}

static const cJSON *sc(const cJSON *res, const char *key)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(res, "structuredContent"), key);
}

static void mcp_server__negotiates_protocol_version(void **state)
{
	static const char *const asked[] = { "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05",
					     "1999-01-01", "2026-07-28" };
	static const char *const got[] = { "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05",
					   "2025-11-25", "2025-11-25" };
	struct fx f;
	size_t i;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	for (i = 0; i < SW_ARRAY_SIZE(asked); i++) {
		char p[128];
		const cJSON *res;

		snprintf(p, sizeof(p), "{\"protocolVersion\":\"%s\",\"capabilities\":{},"
			 "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}", asked[i]);
		res = result(rpc(&f, "initialize", p));
		assert_string_equal(cJSON_GetObjectItem(res, "protocolVersion")->valuestring, got[i]);
		assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "capabilities"), "tools"));
		assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "capabilities"), "logging"));
		assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "capabilities"), "resources"));
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "serverInfo"), "name")->valuestring,
				    "specwright");
	}
	assert_int_equal(err_code(rpc(&f, "initialize", "{}")), MCP_INVALID_PARAMS);
	assert_int_equal(mcp_session_initialized(f.s), 0);
	assert_null(raw(&f, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
	assert_int_equal(mcp_session_initialized(f.s), 1);
	fx_stop(&f);
}

static void mcp_server__envelope_errors(void **state)
{
	struct fx f;
	const cJSON *r;
	int finals;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	assert_int_equal(err_code(rpc(&f, "no/such", NULL)), MCP_METHOD_NOT_FOUND);
	/* prompts are not offered by the store set: not found either */
	assert_int_equal(err_code(rpc(&f, "prompts/list", NULL)), MCP_METHOD_NOT_FOUND);
	r = raw(&f, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
	assert_int_equal(err_code(r), MCP_INVALID_REQUEST);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r, "id")));
	r = raw(&f, "{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}");
	assert_int_equal(err_code(r), MCP_INVALID_REQUEST);
	assert_int_equal((int)cJSON_GetObjectItem(r, "id")->valuedouble, 7);
	/* unknown notifications and stray responses are ignored, but still end their origin */
	finals = f.finals;
	assert_null(raw(&f, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}"));
	assert_null(raw(&f, "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}"));
	assert_int_equal(f.finals, finals + 2);
	assert_non_null(result(rpc(&f, "ping", NULL)));
	/* unknown fields are ignored */
	r = raw(&f, "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"ping\",\"x\":[1],\"params\":{\"_meta\":{}}}");
	assert_string_equal(cJSON_GetObjectItem(r, "id")->valuestring, "s1");
	assert_non_null(cJSON_GetObjectItem(r, "result"));
	mcp_session_parse_error(f.s, "line 1", NULL);
	r = cJSON_GetArrayItem(f.sent, cJSON_GetArraySize(f.sent) - 1);
	assert_int_equal(err_code(r), MCP_PARSE_ERROR);
	fx_stop(&f);
}

static void mcp_server__tools_list_paginates(void **state)
{
	struct fx f;
	const cJSON *res, *tools, *cur;
	char p[64];

	SW_UNUSED(state);
	fx_start(&f, 2, NULL);
	res = result(rpc(&f, "tools/list", NULL));
	tools = cJSON_GetObjectItem(res, "tools");
	assert_int_equal(cJSON_GetArraySize(tools), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(tools, 0), "name")->valuestring, "fs_read");
	assert_non_null(cJSON_GetObjectItem(cJSON_GetArrayItem(tools, 0), "inputSchema"));
	assert_non_null(cJSON_GetObjectItem(cJSON_GetArrayItem(tools, 0), "outputSchema"));
	cur = cJSON_GetObjectItem(res, "nextCursor");
	assert_true(cJSON_IsString(cur));
	snprintf(p, sizeof(p), "{\"cursor\":\"%s\"}", cur->valuestring);
	res = result(rpc(&f, "tools/list", p));
	tools = cJSON_GetObjectItem(res, "tools");
	assert_int_equal(cJSON_GetArraySize(tools), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(tools, 0), "name")->valuestring, "fs_list");
	assert_null(cJSON_GetObjectItem(res, "nextCursor"));
	assert_int_equal(err_code(rpc(&f, "tools/list", "{\"cursor\":\"bogus\"}")), MCP_INVALID_PARAMS);
	assert_int_equal(err_code(rpc(&f, "tools/list", "{\"cursor\":\"p99\"}")), MCP_INVALID_PARAMS);
	fx_stop(&f);
}

static void mcp_server__tool_call_errors(void **state)
{
	struct fx f;
	const cJSON *res;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	assert_int_equal(err_code(rpc(&f, "tools/call", "{\"name\":\"nosuch\"}")), MCP_INVALID_PARAMS);
	assert_int_equal(err_code(rpc(&f, "tools/call", "{}")), MCP_INVALID_PARAMS);
	res = call(&f, "fs_read", "{}");
	assert_true(is_error(res));
	assert_non_null(strstr(text0(res), "missing required argument 'path'"));
	res = call(&f, "fs_read", "{\"path\":3}");
	assert_true(is_error(res));
	assert_non_null(strstr(text0(res), "must be of type string"));
	res = call(&f, "fs_read", "{\"path\":\"output/a.txt\",\"bogus\":1}");
	assert_true(is_error(res));
	assert_non_null(strstr(text0(res), "unknown argument 'bogus'"));
	res = call(&f, "fs_read", "{\"path\":\"output/a.txt\",\"offset\":0,\"tail_lines\":2}");
	assert_true(is_error(res));
	fx_stop(&f);
}

/* Every hostile key is refused with isError, naming the key; nothing outside is read or written. */
static void mcp_server__store_refuses_hostile_keys(void **state)
{
	static const char *const reads[] = {
		"../etc/passwd", "/etc/passwd", "output/../../x", "..", "a/b/../../../x",
		"link/passwd", "outlink", "output/./../../etc", "output/esc/passwd", "output/esc",
	};
	static const char *const writes[] = {
		"secret.txt", "../escape.txt", "/tmp/escape.txt", "output/../secret.txt",
		"outputx/file", "link/new", "", "output", "store/../secret.txt", "output/esc/new",
		"output/esc/../../secret.txt",
	};
	struct fx f;
	struct sw_buf b = SW_BUF_INIT, content = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *outside = sw_test_tmpdir();
	size_t i;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	sw_test_write(outside, "passwd", "root:x:0:0\n");
	sw_buf_addf(&b, "%s/link", f.root);
	assert_int_equal(symlink(outside, b.ptr), 0);
	sw_buf_reset(&b);
	sw_buf_addf(&b, "%s/outlink", f.root);
	sw_buf_reset(&content);
	sw_buf_addf(&content, "%s/passwd", outside);
	assert_int_equal(symlink(content.ptr, b.ptr), 0);
	sw_buf_reset(&b);
	sw_buf_addf(&b, "%s/output/esc", f.root);
	assert_int_equal(symlink(outside, b.ptr), 0);
	for (i = 0; i < SW_ARRAY_SIZE(reads); i++) {
		const cJSON *res;

		sw_buf_reset(&b);
		sw_buf_addf(&b, "{\"path\":\"%s\"}", reads[i]);
		res = call(&f, "fs_read", b.ptr);
		if (!is_error(res))
			fail_msg("fs_read '%s' was not refused: %s", reads[i], text0(res));
		assert_null(strstr(text0(res), "root:x"));
		res = call(&f, "fs_list", b.ptr);
		if (!is_error(res))
			fail_msg("fs_list '%s' was not refused: %s", reads[i], text0(res));
	}
	for (i = 0; i < SW_ARRAY_SIZE(writes); i++) {
		const cJSON *res;

		sw_buf_reset(&b);
		sw_buf_addf(&b, "{\"path\":\"%s\",\"content\":\"pwned\"}", writes[i]);
		res = call(&f, "fs_write", b.ptr);
		if (!is_error(res))
			fail_msg("fs_write '%s' was not refused: %s", writes[i], text0(res));
		assert_non_null(strstr(text0(res), "'"));
	}
	/* nothing changed, inside or outside */
	sw_buf_reset(&content);
	sw_buf_reset(&b);
	sw_buf_addf(&b, "%s/secret.txt", f.root);
	assert_sw_ok(sw_read_file(&content, b.ptr, 1000, &err), &err);
	assert_string_equal(content.ptr, "top secret\n");
	sw_buf_reset(&b);
	sw_buf_addf(&b, "%s/new", outside);
	assert_int_equal(access(b.ptr, F_OK), -1);
	assert_int_equal(access("/tmp/escape.txt", F_OK), -1);
	sw_buf_release(&b);
	sw_buf_release(&content);
	sw_test_rmtree(outside);
	free(outside);
	fx_stop(&f);
}

/* "@root/@rel" (caller frees). */
static char *at(const char *root, const char *rel)
{
	return sw_path_join(root, rel);
}

static void link_at(const char *root, const char *rel, const char *target)
{
	char *p = at(root, rel);

	if (symlink(target, p) < 0)
		fail_msg("symlink %s: %s", p, strerror(errno));
	free(p);
}

static int exists_at(const char *root, const char *rel)
{
	char *p = at(root, rel);
	int yes = sw_path_exists(p);

	free(p);
	return yes;
}

/* Number of entries (besides . and ..) in folder @dir. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

/* Fails when any file under @dir (links not followed) is a temporary file of an atomic write. */
static void assert_no_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char *p;
		struct stat sb;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = at(dir, de->d_name);
		if (strstr(de->d_name, ".tmp."))
			fail_msg("temporary file left behind: %s", p);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			assert_no_temp_files(p);
		free(p);
	}
	closedir(d);
}

/*
 * --read public --write output: links inside the root that lead to another
 * folder (private/, protected/) do not widen the scopes for any tool.
 */
static void mcp_server__store_links_do_not_widen_scopes(void **state)
{
	static const char *const reads[] = {
		"public/link_dir/secret.txt", "public/link_file", "public/link_dir",
	};
	struct fx f;
	const cJSON *res, *ents, *r;
	char *list_text, *p;
	int i;

	SW_UNUSED(state);
	fx_start_rw(&f, 0, "public", "output");
	sw_test_write(f.root, "public/ok.txt", "public data\n");
	sw_test_write(f.root, "private/secret.txt", "private data\n");
	sw_test_write(f.root, "protected/keep.txt", "keep\n");
	link_at(f.root, "public/link_dir", "../private");
	link_at(f.root, "public/link_file", "../private/secret.txt");
	link_at(f.root, "output/wlink", "../protected");
	link_at(f.root, "output/flink", "../protected/keep.txt");

	res = call(&f, "fs_read", "{\"path\":\"public/ok.txt\"}");
	assert_false(is_error(res));
	assert_string_equal(text0(res), "public data\n");
	for (i = 0; i < (int)SW_ARRAY_SIZE(reads); i++) {
		struct sw_buf a = SW_BUF_INIT;

		sw_buf_addf(&a, "{\"path\":\"%s\"}", reads[i]);
		res = call(&f, "fs_read", a.ptr);
		if (!is_error(res) || strstr(text0(res), "private data"))
			fail_msg("fs_read '%s' went through a link: %s", reads[i], text0(res));
		assert_non_null(strstr(text0(res), "symbolic link"));
		sw_buf_reset(&a);
		sw_buf_addf(&a, "{\"uri\":\"store:///%s\"}", reads[i]);
		r = rpc(&f, "resources/read", a.ptr);
		if (!err_code(r))
			fail_msg("resources/read '%s' went through a link: %s", reads[i], cJSON_PrintUnformatted(r));
		sw_buf_release(&a);
	}
	res = call(&f, "fs_list", "{\"path\":\"public/link_dir\"}");
	assert_true(is_error(res));
	assert_null(strstr(text0(res), "secret"));
	/* the links are listed as links, and nothing behind them */
	res = call(&f, "fs_list", "{\"path\":\"public\",\"recursive\":true}");
	assert_false(is_error(res));
	ents = sc(res, "entries");
	list_text = cJSON_PrintUnformatted(ents);
	assert_null(strstr(list_text, "secret"));
	assert_non_null(strstr(list_text, "{\"path\":\"public/link_dir\",\"type\":\"link\"}"));
	free(list_text);
	res = result(rpc(&f, "resources/list", NULL));
	list_text = cJSON_PrintUnformatted(res);
	assert_null(strstr(list_text, "secret"));
	assert_null(strstr(list_text, "link_"));
	free(list_text);

	/* writes neither go through a link to a folder nor replace a link */
	res = call(&f, "fs_write", "{\"path\":\"output/wlink/p.txt\",\"content\":\"pwned\"}");
	assert_true(is_error(res));
	assert_non_null(strstr(text0(res), "symbolic link"));
	res = call(&f, "fs_write", "{\"path\":\"output/wlink/deeper/p.txt\",\"content\":\"pwned\"}");
	assert_true(is_error(res));
	res = call(&f, "fs_write", "{\"path\":\"output/flink\",\"content\":\"pwned\",\"append\":true}");
	assert_true(is_error(res));
	res = call(&f, "fs_write", "{\"path\":\"output/flink\",\"content\":\"pwned\"}");
	assert_true(is_error(res));
	assert_false(exists_at(f.root, "protected/p.txt"));
	assert_false(exists_at(f.root, "protected/deeper"));
	p = at(f.root, "protected");
	assert_int_equal(count_entries(p), 1);
	free(p);
	{
		struct sw_buf b = SW_BUF_INIT;
		struct sw_error err = SW_ERROR_INIT;

		p = at(f.root, "protected/keep.txt");
		assert_sw_ok(sw_read_file(&b, p, 100, &err), &err);
		assert_string_equal(b.ptr, "keep\n");
		sw_buf_release(&b);
		free(p);
	}
	p = at(f.root, "output/flink");
	{
		struct stat sb;

		assert_int_equal(lstat(p, &sb), 0);
		assert_true(S_ISLNK(sb.st_mode));
	}
	free(p);
	assert_no_temp_files(f.root);
	fx_stop(&f);
}

/*
 * While another process swaps output/d between a folder and a link to a
 * folder outside the root as fast as it can, many writes to
 * output/d/... either land inside the root or are refused; none lands
 * outside and no temporary file is left anywhere.
 */
static void mcp_server__store_write_races_with_link_swaps(void **state)
{
	struct fx f;
	char *outside = sw_test_tmpdir(), *d, *spare;
	pid_t pid;
	int i, ok = 0, refused = 0, status;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	d = at(f.root, "output/d");
	spare = at(f.root, "output/spare");
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(symlink(outside, spare), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		long n;

		/* Bounded: the parent kills it after its writes; a failing parent's exit kills it too. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (n = 0; n < 2000000L; n++) {
			if (renameat2(AT_FDCWD, d, AT_FDCWD, spare, RENAME_EXCHANGE) < 0)
				_exit(1);
			usleep(20); /* each state lasts a little: writes see both */
		}
		_exit(0);
	}
	for (i = 0; i < 1500; i++) {
		const cJSON *res = call(&f, "fs_write", i % 2 ? "{\"path\":\"output/d/f.txt\",\"content\":\"x\"}"
							      : "{\"path\":\"output/d/sub/g.txt\",\"content\":\"y\",\"append\":true}");

		if (is_error(res))
			refused++;
		else
			ok++;
	}
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status)); /* still swapping when stopped: the race ran the whole time */
	print_message("%d writes inside the root, %d refused while output/d was a link\n", ok, refused);
	if (count_entries(outside))
		fail_msg("a write landed outside the root in %s", outside);
	assert_no_temp_files(f.root);
	free(d);
	free(spare);
	sw_test_rmtree(outside);
	free(outside);
	fx_stop(&f);
}

static void mcp_server__store_read_offset_limit_tail(void **state)
{
	struct fx f;
	const cJSON *res;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	res = call(&f, "fs_read", "{\"path\":\"store/log.ndjson\"}");
	assert_false(is_error(res));
	assert_string_equal(text0(res), "1\n2\n3\n4\n5\n");
	assert_true(cJSON_IsTrue(sc(res, "eof")));
	assert_int_equal((int)sc(res, "size")->valuedouble, 10);
	res = call(&f, "fs_read", "{\"path\":\"store/log.ndjson\",\"offset\":2,\"limit\":4}");
	assert_string_equal(text0(res), "2\n3\n");
	assert_int_equal((int)sc(res, "next_offset")->valuedouble, 6);
	assert_false(cJSON_IsTrue(sc(res, "eof")));
	res = call(&f, "fs_read", "{\"path\":\"store/log.ndjson\",\"tail_lines\":2}");
	assert_string_equal(text0(res), "4\n5\n");
	assert_int_equal((int)sc(res, "offset")->valuedouble, 6);
	res = call(&f, "fs_read", "{\"path\":\"store/log.ndjson\",\"tail_lines\":99}");
	assert_string_equal(text0(res), "1\n2\n3\n4\n5\n");
	res = call(&f, "fs_read", "{\"path\":\"output/missing.txt\"}");
	assert_true(is_error(res));
	assert_non_null(strstr(text0(res), "no such file"));
	res = call(&f, "fs_read", "{\"path\":\"output\"}");
	assert_true(is_error(res));
	assert_non_null(strstr(text0(res), "is a directory"));
	/* a multi-byte character is never cut: "é" is 2 bytes at offset 1 */
	sw_test_write(f.root, "output/u.txt", "a\xc3\xa9z");
	res = call(&f, "fs_read", "{\"path\":\"output/u.txt\",\"limit\":2}");
	assert_string_equal(text0(res), "a");
	assert_int_equal((int)sc(res, "next_offset")->valuedouble, 1);
	sw_test_write(f.root, "output/bin", "\xff\xfe\x00");
	res = call(&f, "fs_read", "{\"path\":\"output/bin\"}");
	assert_true(is_error(res));
	fx_stop(&f);
}

static void mcp_server__store_write_and_append(void **state)
{
	struct fx f;
	const cJSON *res;
	struct sw_buf b = SW_BUF_INIT, path = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	res = call(&f, "fs_write", "{\"path\":\"output/deep/new.md\",\"content\":\"# hi\\n\"}");
	assert_false(is_error(res));
	assert_int_equal((int)sc(res, "size")->valuedouble, 5);
	res = call(&f, "fs_write", "{\"path\":\"store/agent-1.ndjson\",\"content\":\"{\\\"a\\\":1}\\n\",\"append\":true}");
	assert_false(is_error(res));
	res = call(&f, "fs_write", "{\"path\":\"store/agent-1.ndjson\",\"content\":\"{\\\"a\\\":2}\\n\",\"append\":true}");
	assert_int_equal((int)sc(res, "size")->valuedouble, 16);
	assert_true(cJSON_IsTrue(sc(res, "appended")));
	sw_buf_addf(&path, "%s/store/agent-1.ndjson", f.root);
	assert_sw_ok(sw_read_file(&b, path.ptr, 1000, &err), &err);
	assert_string_equal(b.ptr, "{\"a\":1}\n{\"a\":2}\n");
	sw_buf_reset(&b);
	sw_buf_reset(&path);
	sw_buf_addf(&path, "%s/output/deep/new.md", f.root);
	assert_sw_ok(sw_read_file(&b, path.ptr, 1000, &err), &err);
	assert_string_equal(b.ptr, "# hi\n");
	/* a failing write leaves the file as it was and says why */
	setenv("SW_FAULT", "rename:1", 1);
	sw_fault_reset();
	res = call(&f, "fs_write", "{\"path\":\"output/deep/new.md\",\"content\":\"lost\"}");
	unsetenv("SW_FAULT");
	sw_fault_reset();
	assert_true(is_error(res));
	sw_buf_reset(&b);
	assert_sw_ok(sw_read_file(&b, path.ptr, 1000, &err), &err);
	assert_string_equal(b.ptr, "# hi\n");
	sw_buf_release(&b);
	sw_buf_release(&path);
	fx_stop(&f);
}

static void mcp_server__store_list_paginates_and_filters(void **state)
{
	struct fx f;
	const cJSON *res, *ents, *cur;
	struct sw_buf p = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct mcp_store_opts so = MCP_STORE_OPTS_INIT;
	struct sw_strvec rd = SW_STRVEC_INIT;
	struct mcp_toolset *set = NULL;
	struct mcp_server_opts o = MCP_SERVER_OPTS_INIT;
	int i;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	for (i = 0; i < 5; i++) {
		char rel[32];

		snprintf(rel, sizeof(rel), "output/f%d.txt", i);
		sw_test_write(f.root, rel, "x");
	}
	res = call(&f, "fs_list", "{\"path\":\"output\",\"limit\":4}");
	ents = sc(res, "entries");
	assert_int_equal(cJSON_GetArraySize(ents), 4);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ents, 0), "path")->valuestring, "output/a.txt");
	cur = sc(res, "next_cursor");
	assert_true(cJSON_IsString(cur));
	sw_buf_addf(&p, "{\"path\":\"output\",\"limit\":4,\"cursor\":\"%s\"}", cur->valuestring);
	res = call(&f, "fs_list", p.ptr);
	ents = sc(res, "entries");
	assert_int_equal(cJSON_GetArraySize(ents), 2);
	assert_null(sc(res, "next_cursor"));
	res = call(&f, "fs_list", "{\"recursive\":true}");
	assert_int_equal(cJSON_GetArraySize(sc(res, "entries")), 10); /* 2 dirs + 8 files */
	fx_stop(&f);

	/* with --read output/ the root shows only the way down to output */
	memset(&f, 0, sizeof(f));
	fx_start(&f, 0, NULL);
	mcp_session_free(f.s);
	mcp_server_free(f.srv);
	assert_sw_ok(mcp_server_new(&f.srv, &o, &err), &err);
	sw_strvec_push(&rd, "output/");
	so.root = f.root;
	so.read = &rd;
	assert_sw_ok(mcp_store_toolset_new(&set, &so, &err), &err);
	assert_sw_ok(mcp_server_add_toolset(f.srv, set, &err), &err);
	assert_sw_ok(mcp_session_new(&f.s, f.srv, on_send, &f), &err);
	res = call(&f, "fs_list", "{}");
	ents = sc(res, "entries");
	assert_int_equal(cJSON_GetArraySize(ents), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ents, 0), "path")->valuestring, "output");
	res = call(&f, "fs_read", "{\"path\":\"secret.txt\"}");
	assert_true(is_error(res));
	assert_non_null(strstr(text0(res), "readable prefix"));
	sw_strvec_clear(&rd);
	sw_buf_release(&p);
	fx_stop(&f);
}

static void mcp_server__resources(void **state)
{
	struct fx f;
	const cJSON *res, *list, *c;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	res = result(rpc(&f, "resources/list", NULL));
	list = cJSON_GetObjectItem(res, "resources");
	assert_int_equal(cJSON_GetArraySize(list), 3);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "uri")->valuestring,
			    "store:///output/a.txt");
	res = result(rpc(&f, "resources/templates/list", NULL));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(res, "resourceTemplates")), 1);
	res = result(rpc(&f, "resources/read", "{\"uri\":\"store:///output/a.txt\"}"));
	c = cJSON_GetArrayItem(cJSON_GetObjectItem(res, "contents"), 0);
	assert_string_equal(cJSON_GetObjectItem(c, "text")->valuestring, "alpha\n");
	assert_int_equal(err_code(rpc(&f, "resources/read", "{\"uri\":\"nope://x\"}")), MCP_RESOURCE_NOT_FOUND);
	assert_int_equal(err_code(rpc(&f, "resources/read", "{\"uri\":\"store:///../x\"}")), MCP_INVALID_PARAMS);
	fx_stop(&f);
}

static void mcp_server__logging_level_filters_messages(void **state)
{
	struct fx f;
	int n;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	assert_int_equal(err_code(rpc(&f, "logging/setLevel", "{\"level\":\"loud\"}")), MCP_INVALID_PARAMS);
	n = cJSON_GetArraySize(f.sent);
	call(&f, "fs_write", "{\"path\":\"output/x\",\"content\":\"1\"}");
	assert_int_equal(cJSON_GetArraySize(f.sent), n + 1); /* no log before setLevel */
	assert_non_null(result(rpc(&f, "logging/setLevel", "{\"level\":\"info\"}")));
	n = cJSON_GetArraySize(f.sent);
	call(&f, "fs_write", "{\"path\":\"output/x\",\"content\":\"2\"}");
	assert_int_equal(cJSON_GetArraySize(f.sent), n + 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(f.sent, n), "method")->valuestring,
			    "notifications/message");
	assert_non_null(result(rpc(&f, "logging/setLevel", "{\"level\":\"error\"}")));
	n = cJSON_GetArraySize(f.sent);
	call(&f, "fs_write", "{\"path\":\"output/x\",\"content\":\"3\"}");
	assert_int_equal(cJSON_GetArraySize(f.sent), n + 1);
	fx_stop(&f);
}

/* An asynchronous tool registered by the test: counts to args.steps on a timer. */
struct counter {
	struct mcp_call *call;
	uv_timer_t timer;
	int step, steps;
	int cancel_seen;
};

static void counter_closed(uv_handle_t *h)
{
	free(h->data);
}

static void counter_tick(uv_timer_t *t)
{
	struct counter *c = t->data;

	if (mcp_call_cancelled(c->call)) {
		mcp_call_finish(c->call);
		uv_close((uv_handle_t *)t, counter_closed);
		return;
	}
	if (++c->step <= c->steps) {
		mcp_call_progress(c->call, c->step, c->steps, "counting");
		return;
	}
	mcp_call_textf(c->call, "counted to %d", c->steps);
	mcp_call_finish(c->call);
	uv_close((uv_handle_t *)t, counter_closed);
}

static void counter_cancel(struct mcp_call *call, void *data)
{
	struct counter *c = data;

	SW_UNUSED(call);
	c->cancel_seen = 1;
}

static int count_tool(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	struct counter *c = sw_xcalloc(1, sizeof(*c));

	SW_UNUSED(data);
	SW_UNUSED(err);
	c->call = call;
	c->steps = (int)cJSON_GetObjectItem(args, "steps")->valuedouble;
	uv_timer_init(mcp_call_loop(call), &c->timer);
	c->timer.data = c;
	uv_timer_start(&c->timer, counter_tick, 1, 1);
	mcp_call_on_cancel(call, counter_cancel, c);
	*(struct counter **)data = c;
	return MCP_CALL_PENDING;
}

static void mcp_server__progress_and_cancellation(void **state)
{
	static const struct mcp_tool_def defs[] = {
		{ "count", NULL, "count slowly",
		  "{\"type\":\"object\",\"properties\":{\"steps\":{\"type\":\"integer\"}},\"required\":[\"steps\"]}",
		  NULL, 0, count_tool },
	};
	struct counter *last = NULL;
	struct mcp_toolset set = { "test", defs, 1, &last, NULL, NULL, NULL, NULL, NULL, NULL };
	struct sw_error err = SW_ERROR_INIT;
	struct fx f;
	const cJSON *m;
	int n, i, finals;

	SW_UNUSED(state);
	fx_start(&f, 0, NULL);
	assert_sw_ok(mcp_server_add_toolset(f.srv, &set, &err), &err);
	n = cJSON_GetArraySize(f.sent);
	assert_null(raw(&f, "{\"jsonrpc\":\"2.0\",\"id\":50,\"method\":\"tools/call\",\"params\":{\"name\":\"count\","
			    "\"arguments\":{\"steps\":3},\"_meta\":{\"progressToken\":\"tok\"}}}"));
	assert_int_equal(mcp_session_pending(f.s), 1);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	assert_int_equal(mcp_session_pending(f.s), 0);
	assert_int_equal(cJSON_GetArraySize(f.sent), n + 4);
	for (i = 0; i < 3; i++) {
		m = cJSON_GetArrayItem(f.sent, n + i);
		assert_string_equal(cJSON_GetObjectItem(m, "method")->valuestring, "notifications/progress");
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "params"), "progressToken")->valuestring,
				    "tok");
		assert_int_equal((int)cJSON_GetObjectItem(cJSON_GetObjectItem(m, "params"), "progress")->valuedouble,
				 i + 1);
	}
	m = cJSON_GetArrayItem(f.sent, n + 3);
	assert_int_equal((int)cJSON_GetObjectItem(m, "id")->valuedouble, 50);
	assert_string_equal(text0(cJSON_GetObjectItem(m, "result")), "counted to 3");

	/* cancelled: no response at all, the origin is closed, the tool saw it */
	n = cJSON_GetArraySize(f.sent);
	finals = f.finals;
	assert_null(raw(&f, "{\"jsonrpc\":\"2.0\",\"id\":51,\"method\":\"tools/call\",\"params\":{\"name\":\"count\","
			    "\"arguments\":{\"steps\":1000000}}}"));
	uv_run(&f.loop, UV_RUN_NOWAIT);
	assert_null(raw(&f, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":51,"
			    "\"reason\":\"user\"}}"));
	assert_int_equal(last->cancel_seen, 1);
	uv_run(&f.loop, UV_RUN_DEFAULT);
	assert_int_equal(cJSON_GetArraySize(f.sent), n); /* no progress token, no response */
	assert_int_equal(f.finals, finals + 2);          /* the notification's and the call's */
	assert_int_equal(mcp_session_pending(f.s), 0);
	mcp_session_free(f.s);
	f.s = NULL;
	/* the set is on the stack: take it out of the server before freeing */
	fx_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mcp_server__negotiates_protocol_version),
		cmocka_unit_test(mcp_server__envelope_errors),
		cmocka_unit_test(mcp_server__tools_list_paginates),
		cmocka_unit_test(mcp_server__tool_call_errors),
		cmocka_unit_test(mcp_server__store_refuses_hostile_keys),
		cmocka_unit_test(mcp_server__store_links_do_not_widen_scopes),
		cmocka_unit_test(mcp_server__store_write_races_with_link_swaps),
		cmocka_unit_test(mcp_server__store_read_offset_limit_tail),
		cmocka_unit_test(mcp_server__store_write_and_append),
		cmocka_unit_test(mcp_server__store_list_paginates_and_filters),
		cmocka_unit_test(mcp_server__resources),
		cmocka_unit_test(mcp_server__logging_level_filters_messages),
		cmocka_unit_test(mcp_server__progress_and_cancellation),
	};

	return sw_run_group("mcp_server", tests);
}
