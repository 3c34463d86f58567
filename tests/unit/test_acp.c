/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/acp: the agent side's protocol layer driven by a
 * JSON-RPC peer over a socketpair with a scripted backend behind it, and
 * the client's folding of updates and Kiro mcp.json conversion.
 */
#include "helpers/sw_test.h"
#include "acp/agent.h"
#include "acp/client.h"
#include "acp/mcpservers.h"
#include "base/jrpc.h"
#include "base/json.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---------- a scripted backend ---------- */

struct fake_sess {
	struct acp_sink *sink;
	char id[64];
	char mode[32];
	int ignore_cancel;
	int busy;
	cJSON *history;
};

struct fake {
	int opens;
	char last_prompt[512];
	char last_mcp[512];
	struct fake_sess *last;
};

static int fake_open(void *self, void **sess, const struct acp_open_params *p, struct acp_sink *sink,
		     struct sw_error *err)
{
	struct fake *f = self;
	struct fake_sess *s;
	struct sw_buf b = SW_BUF_INIT;

	if (p->resume_id && !strcmp(p->resume_id, "missing"))
		return sw_error_set(err, SW_ENOTFOUND, "no session 'missing'");
	s = sw_xcalloc(1, sizeof(*s));
	s->sink = sink;
	snprintf(s->id, sizeof(s->id), "%s", p->resume_id ? p->resume_id : "s1");
	snprintf(s->mode, sizeof(s->mode), "default");
	if (p->mcp_servers)
		sw_json_print(&b, p->mcp_servers, 0);
	snprintf(f->last_mcp, sizeof(f->last_mcp), "%s", b.ptr);
	sw_buf_release(&b);
	if (p->resume_id) {
		const char *h = "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"earlier question\"}]},"
				"{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"earlier answer\"},"
				"{\"type\":\"tool_use\",\"id\":\"tu1\",\"name\":\"fs_read\",\"input\":{\"path\":\"a\"}}]},"
				"{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"tu1\","
				"\"content\":\"file text\"}]}]";
		s->history = cJSON_Parse(h);
	}
	f->opens++;
	f->last = s;
	*sess = s;
	return 0;
}

static const char *fake_id(void *sess)
{
	return ((struct fake_sess *)sess)->id;
}

static const cJSON *fake_history(void *sess)
{
	return ((struct fake_sess *)sess)->history;
}

static void end(struct fake_sess *s, const char *reason)
{
	s->busy = 0;
	acp_sink_turn_end(s->sink, reason, 0, NULL);
}

static void after_permission(enum acp_permission outcome, void *data)
{
	struct fake_sess *s = data;
	struct acp_tool_info tc = { "t1", NULL, NULL, NULL, NULL, ACP_TOOL_DONE, "contents of a", NULL, NULL };
	struct acp_usage u = { 100, 20, 5, 0, 0.25, 125, 1000 };
	cJSON *plan;

	if (outcome == ACP_PERMISSION_CANCELLED)
		return; /* the cancel ends the turn */
	if (outcome != ACP_ALLOW_ONCE && outcome != ACP_ALLOW_ALWAYS) {
		tc.status = ACP_TOOL_FAILED;
		tc.output = "rejected";
	}
	acp_sink_tool_update(s->sink, &tc);
	plan = cJSON_Parse("[{\"content\":\"read a\",\"status\":\"completed\"}]");
	acp_sink_plan(s->sink, plan);
	cJSON_Delete(plan);
	acp_sink_usage(s->sink, &u);
	end(s, "end_turn");
}

static void after_read(int rc, const char *text, const struct sw_error *err, void *data)
{
	struct fake_sess *s = data;
	char line[600];

	snprintf(line, sizeof(line), "read %d: %.200s", rc, rc == 0 ? text : err->msg);
	acp_sink_text(s->sink, line, strlen(line));
	end(s, "end_turn");
}

static void after_run(int rc, const char *output, int code, const char *sig, const struct sw_error *err,
		      void *data)
{
	struct fake_sess *s = data;
	char line[600];

	SW_UNUSED(err);
	snprintf(line, sizeof(line), "run %d: %s exit %d %s", rc, output, code, sig ? sig : "-");
	acp_sink_text(s->sink, line, strlen(line));
	end(s, "end_turn");
}

static int fake_prompt(void *sess, const char *text, struct sw_error *err)
{
	struct fake_sess *s = sess;
	struct acp_tool_info tc = { "t1", "Reading a", "read", NULL, "/w/a", ACP_TOOL_PENDING, NULL, NULL, NULL };
	struct fake *f = NULL;

	SW_UNUSED(f);
	if (s->busy)
		return sw_error_set(err, SW_ECONFLICT, "busy");
	s->busy = 1;
	if (!strncmp(text, "work", 4)) {
		cJSON *in = cJSON_Parse("{\"path\":\"a\"}");

		acp_sink_text(s->sink, "Hel", 3);
		acp_sink_text(s->sink, "lo", 2);
		acp_sink_thought(s->sink, "hmm", 3);
		tc.input = in;
		acp_sink_tool_call(s->sink, &tc);
		acp_sink_ask_permission(s->sink, &tc, after_permission, s);
		cJSON_Delete(in);
	} else if (!strncmp(text, "read", 4)) {
		acp_sink_read_file(s->sink, "/w/notes.txt", 2, 1, after_read, s);
	} else if (!strncmp(text, "run", 3)) {
		acp_sink_run_command(s->sink, "echo hi", NULL, NULL, 0, 4096, after_run, s);
	} else if (!strncmp(text, "fail", 4)) {
		struct sw_error e = SW_ERROR_INIT;

		sw_error_set(&e, SW_EIO, "model unreachable");
		s->busy = 0;
		acp_sink_turn_end(s->sink, NULL, SW_EIO, &e);
	} else if (!strncmp(text, "deaf", 4)) {
		s->ignore_cancel = 1;
	} else if (!strncmp(text, "echo", 4)) {
		acp_sink_text(s->sink, text, strlen(text));
		end(s, "end_turn");
	}
	/* "hang": nothing until cancelled */
	return 0;
}

static void fake_cancel(void *sess)
{
	struct fake_sess *s = sess;

	if (!s->ignore_cancel && s->busy)
		end(s, "cancelled");
}

static int fake_set_mode(void *sess, const char *mode, struct sw_error *err)
{
	struct fake_sess *s = sess;

	if (strcmp(mode, "default") && strcmp(mode, "reviewer"))
		return sw_error_set(err, SW_ENOTFOUND, "no agent '%s'", mode);
	snprintf(s->mode, sizeof(s->mode), "%s", mode);
	return 0;
}

static void fake_close(void *sess)
{
	struct fake_sess *s = sess;

	cJSON_Delete(s->history);
	free(s);
}

static void fake_modes(void *self, struct sw_strvec *names)
{
	SW_UNUSED(self);
	sw_strvec_push(names, "default");
	sw_strvec_push(names, "reviewer");
}

static void fake_commands(void *sess, cJSON *out)
{
	SW_UNUSED(sess);
	cJSON_AddItemToArray(out, cJSON_Parse("{\"name\":\"review\",\"description\":\"Review\","
					      "\"input\":{\"hint\":\"what\"}}"));
}

static const struct acp_backend_ops fake_ops = {
	fake_open, fake_id, fake_history, fake_prompt, fake_cancel, fake_set_mode, fake_close, fake_modes,
	fake_commands,
};

/* ---------- the client peer ---------- */

struct peer {
	uv_loop_t loop;
	struct fake f;
	struct acp_agent *agent;
	struct jrpc *rpc;          /* the client end */
	cJSON *updates;            /* every session/update's update, in order */
	const char *permission;    /* optionId to answer; NULL: hold the request */
	struct jrpc_request *held;
	int cancel_requests;       /* $/cancel_request received */
	cJSON *seen;               /* methods the agent called, in order */
};

static void p_update(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		     void *data)
{
	struct peer *p = data;

	SW_UNUSED(rpc);
	SW_UNUSED(method);
	assert_null(req);
	cJSON_AddItemToArray(p->updates, cJSON_Duplicate(cJSON_GetObjectItem(params, "update"), 1));
}

static void p_any(struct jrpc *rpc, struct jrpc_request *req, const char *method, const cJSON *params,
		  void *data)
{
	struct peer *p = data;
	cJSON *r = NULL;

	SW_UNUSED(rpc);
	cJSON_AddItemToArray(p->seen, cJSON_CreateString(method));
	if (!strcmp(method, "$/cancel_request")) {
		p->cancel_requests++;
		return;
	}
	if (!req)
		return;
	if (!strcmp(method, "session/request_permission")) {
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(params, "toolCall"), "toolCallId")->valuestring,
				    "t1");
		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(params, "options")), 3);
		if (!p->permission) {
			p->held = req;
			return;
		}
		r = cJSON_Parse("{\"outcome\":{\"outcome\":\"selected\",\"optionId\":\"\"}}");
		cJSON_SetValuestring(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "outcome"), "optionId"), p->permission);
	} else if (!strcmp(method, "fs/read_text_file")) {
		assert_string_equal(cJSON_GetObjectItem(params, "path")->valuestring, "/w/notes.txt");
		assert_int_equal((int)cJSON_GetObjectItem(params, "line")->valuedouble, 2);
		r = cJSON_Parse("{\"content\":\"second line\\n\"}");
	} else if (!strcmp(method, "terminal/create")) {
		assert_string_equal(cJSON_GetObjectItem(params, "command")->valuestring, "bash");
		assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(params, "args"), 1)->valuestring, "echo hi");
		r = cJSON_Parse("{\"terminalId\":\"T1\"}");
	} else if (!strcmp(method, "terminal/wait_for_exit")) {
		r = cJSON_Parse("{\"exitCode\":0,\"signal\":null}");
	} else if (!strcmp(method, "terminal/output")) {
		r = cJSON_Parse("{\"output\":\"hi\\n\",\"truncated\":false,\"exitStatus\":{\"exitCode\":0}}");
	} else if (!strcmp(method, "terminal/release")) {
		r = cJSON_CreateObject();
	} else {
		jrpc_reply_error(req, JRPC_METHOD_NOT_FOUND, "Method not found", NULL, NULL);
		return;
	}
	jrpc_reply_take(req, r, NULL);
}

static void peer_start(struct peer *p, int fs, int terminal)
{
	struct acp_agent_opts ao = ACP_AGENT_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	int sv[2];
	cJSON *params, *res = NULL, *caps;

	memset(p, 0, sizeof(*p));
	uv_loop_init(&p->loop);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ao.ops = &fake_ops;
	ao.self = &p->f;
	ao.version = "9.9";
	acp_agent_new(&p->agent, &p->loop, &ao);
	assert_sw_ok(acp_agent_attach_fds(p->agent, sv[0], sv[0], &err), &err);
	jrpc_new(&p->rpc, &p->loop, NULL);
	jrpc_on(p->rpc, "session/update", p_update, p);
	jrpc_on_default(p->rpc, p_any, p);
	assert_sw_ok(jrpc_attach_fds(p->rpc, sv[1], sv[1], &err), &err);
	p->updates = cJSON_CreateArray();
	p->seen = cJSON_CreateArray();
	p->permission = "allow";
	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "protocolVersion", 1);
	caps = cJSON_AddObjectToObject(params, "clientCapabilities");
	cJSON_AddItemToObject(caps, "fs", cJSON_Parse(fs ? "{\"readTextFile\":true,\"writeTextFile\":true}" : "{}"));
	cJSON_AddBoolToObject(caps, "terminal", terminal);
	assert_sw_ok(jrpc_call_sync(p->rpc, &res, NULL, "initialize", params, 5000, &err), &err);
	assert_int_equal((int)cJSON_GetObjectItem(res, "protocolVersion")->valuedouble, 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "agentCapabilities"), "loadSession")));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "agentInfo"), "version")->valuestring, "9.9");
	cJSON_Delete(res);
}

static void peer_stop(struct peer *p)
{
	jrpc_free(p->rpc);
	acp_agent_free(p->agent);
	uv_run(&p->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&p->loop), 0);
	cJSON_Delete(p->updates);
	cJSON_Delete(p->seen);
}

/* Calls @method with @params_json; returns the result or fails with the peer's error code in *code. */
static int call(struct peer *p, cJSON **res, long long *code, const char *method, const char *params_json)
{
	struct sw_error err = SW_ERROR_INIT;

	return jrpc_call_sync(p->rpc, res, code, method, cJSON_Parse(params_json), 5000, &err);
}

static char *new_session(struct peer *p)
{
	cJSON *res = NULL;
	char *id;

	assert_int_equal(call(p, &res, NULL, "session/new", "{\"cwd\":\"/w\",\"mcpServers\":[]}"), 0);
	id = sw_xstrdup(cJSON_GetObjectItem(res, "sessionId")->valuestring);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "modes"), "currentModeId")->valuestring,
			    "default");
	cJSON_Delete(res);
	/* The slash commands follow the answer (the client knows the session id by then). */
	while (cJSON_GetArraySize(p->updates) == 0)
		uv_run(&p->loop, UV_RUN_ONCE);
	assert_int_equal(cJSON_GetArraySize(p->updates), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(p->updates, 0), "sessionUpdate")->valuestring,
			    "available_commands_update");
	cJSON_Delete(p->updates);
	p->updates = cJSON_CreateArray();
	return id;
}

static const char *update_kind(const struct peer *p, int i)
{
	return cJSON_GetObjectItem(cJSON_GetArrayItem(p->updates, i), "sessionUpdate")->valuestring;
}

/* ---------- cases ---------- */

static void acp__session_new_checks_params(void **state)
{
	static const struct {
		const char *params;
		const char *what;
	} bad[] = {
		{ "{\"cwd\":\"relative\",\"mcpServers\":[]}", "absolute" },
		{ "{\"mcpServers\":[]}", "absolute" },
		{ "{\"cwd\":\"/w\",\"mcpServers\":{}}", "expected array" },
		{ "{\"cwd\":\"/w\",\"mcpServers\":[{\"name\":\"x\",\"command\":\"/bin/x\",\"env\":{\"A\":\"b\"}}]}",
		  "mcpServers[0].env" },
		{ "{\"cwd\":\"/w\",\"mcpServers\":[{\"name\":\"x\"}]}", "mcpServers[0].command" },
		{ "{\"cwd\":\"/w\",\"mcpServers\":[{\"type\":\"http\",\"name\":\"h\"}]}", "mcpServers[0].url" },
		{ "{\"cwd\":\"/w\",\"mcpServers\":[{\"type\":\"ws\",\"name\":\"h\",\"url\":\"u\"}]}", "type" },
	};
	struct peer p;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *res = NULL;
	long long code = 0;
	size_t i;

	SW_UNUSED(state);
	peer_start(&p, 1, 0);
	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		assert_int_equal(jrpc_call_sync(p.rpc, &res, &code, "session/new", cJSON_Parse(bad[i].params), 5000,
						&err), SW_EPROTO);
		assert_int_equal(code, JRPC_INVALID_PARAMS);
	}
	assert_int_equal(p.f.opens, 0);
	assert_int_equal(call(&p, &res, NULL, "session/new",
			      "{\"cwd\":\"/w\",\"mcpServers\":[{\"name\":\"fs\",\"command\":\"/usr/bin/node\","
			      "\"args\":[\"s.js\"],\"env\":[{\"name\":\"K\",\"value\":\"v\"}]},"
			      "{\"type\":\"http\",\"name\":\"web\",\"url\":\"http://127.0.0.1:1/mcp\","
			      "\"headers\":[]}],\"_meta\":{\"x\":1}}"), 0);
	assert_string_equal(cJSON_GetObjectItem(res, "sessionId")->valuestring, "s1");
	assert_non_null(strstr(p.f.last_mcp, "\"env\":[{\"name\":\"K\",\"value\":\"v\"}]"));
	cJSON_Delete(res);
	/* Unknown methods and prompts for unknown sessions. */
	assert_int_equal(call(&p, &res, &code, "session/fork", "{}"), SW_EPROTO);
	assert_int_equal(code, JRPC_METHOD_NOT_FOUND);
	assert_int_equal(call(&p, &res, &code, "session/prompt",
			      "{\"sessionId\":\"nope\",\"prompt\":[{\"type\":\"text\",\"text\":\"x\"}]}"), SW_EPROTO);
	assert_int_equal(code, JRPC_INVALID_PARAMS);
	peer_stop(&p);
}

static void acp__prompt_streams_updates_and_asks_permission(void **state)
{
	struct peer p;
	cJSON *res = NULL, *u, *meta;
	char *sid, params[512];

	SW_UNUSED(state);
	peer_start(&p, 1, 0);
	sid = new_session(&p);
	snprintf(params, sizeof(params),
		 "{\"sessionId\":\"%s\",\"prompt\":[{\"type\":\"text\",\"text\":\"work on\"},"
		 "{\"type\":\"resource_link\",\"uri\":\"file:///w/a\",\"name\":\"a\"},"
		 "{\"type\":\"resource\",\"resource\":{\"uri\":\"file:///w/b\",\"text\":\"B body\"}}]}", sid);
	assert_int_equal(call(&p, &res, NULL, "session/prompt", params), 0);
	assert_string_equal(cJSON_GetObjectItem(res, "stopReason")->valuestring, "end_turn");
	meta = cJSON_GetObjectItem(cJSON_GetObjectItem(res, "_meta"), "usage");
	assert_int_equal((int)cJSON_GetObjectItem(meta, "inputTokens")->valuedouble, 100);
	assert_int_equal((int)cJSON_GetObjectItem(meta, "outputTokens")->valuedouble, 20);
	assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(meta, "cost"), "amount")->valuedouble == 0.25);
	cJSON_Delete(res);
	/* The backend saw the blocks as text. */
	/* Updates in order. */
	assert_int_equal(cJSON_GetArraySize(p.updates), 7);
	assert_string_equal(update_kind(&p, 0), "agent_message_chunk");
	assert_string_equal(update_kind(&p, 1), "agent_message_chunk");
	assert_string_equal(update_kind(&p, 2), "agent_thought_chunk");
	assert_string_equal(update_kind(&p, 3), "tool_call");
	u = cJSON_GetArrayItem(p.updates, 3);
	assert_string_equal(cJSON_GetObjectItem(u, "kind")->valuestring, "read");
	assert_string_equal(cJSON_GetObjectItem(u, "status")->valuestring, "pending");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(u, "locations"), 0), "path")
			    ->valuestring, "/w/a");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "rawInput"), "path")->valuestring, "a");
	assert_string_equal(update_kind(&p, 4), "tool_call_update");
	u = cJSON_GetArrayItem(p.updates, 4);
	assert_string_equal(cJSON_GetObjectItem(u, "status")->valuestring, "completed");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(u, "content"), 0), "content"), "text")->valuestring, "contents of a");
	assert_string_equal(update_kind(&p, 5), "plan");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
		cJSON_GetArrayItem(p.updates, 5), "entries"), 0), "priority")->valuestring, "medium");
	assert_string_equal(update_kind(&p, 6), "usage_update");
	assert_int_equal((int)cJSON_GetObjectItem(cJSON_GetArrayItem(p.updates, 6), "used")->valuedouble, 125);
	assert_int_equal((int)cJSON_GetObjectItem(cJSON_GetArrayItem(p.updates, 6), "size")->valuedouble, 1000);
	/* A rejected permission fails the tool. */
	p.permission = "reject";
	cJSON_Delete(p.updates);
	p.updates = cJSON_CreateArray();
	snprintf(params, sizeof(params), "{\"sessionId\":\"%s\",\"prompt\":[{\"type\":\"text\",\"text\":\"work\"}]}",
		 sid);
	assert_int_equal(call(&p, &res, NULL, "session/prompt", params), 0);
	cJSON_Delete(res);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(p.updates, 4), "status")->valuestring, "failed");
	free(sid);
	peer_stop(&p);
}

static void acp__prompt_rejects_unsupported_content(void **state)
{
	struct peer p;
	cJSON *res = NULL;
	long long code = 0;
	char *sid, params[512];

	SW_UNUSED(state);
	peer_start(&p, 1, 0);
	sid = new_session(&p);
	snprintf(params, sizeof(params), "{\"sessionId\":\"%s\",\"prompt\":[{\"type\":\"image\",\"data\":\"AA==\","
		 "\"mimeType\":\"image/png\"}]}", sid);
	assert_int_equal(call(&p, &res, &code, "session/prompt", params), SW_EPROTO);
	assert_int_equal(code, JRPC_INVALID_PARAMS);
	/* A failing turn is an error answer, and the session stays usable. */
	snprintf(params, sizeof(params), "{\"sessionId\":\"%s\",\"prompt\":[{\"type\":\"text\",\"text\":\"fail\"}]}",
		 sid);
	assert_int_equal(call(&p, &res, &code, "session/prompt", params), SW_EPROTO);
	assert_int_equal(code, JRPC_INTERNAL_ERROR);
	snprintf(params, sizeof(params), "{\"sessionId\":\"%s\",\"prompt\":[{\"type\":\"text\",\"text\":\"echo x\"}]}",
		 sid);
	assert_int_equal(call(&p, &res, NULL, "session/prompt", params), 0);
	cJSON_Delete(res);
	free(sid);
	peer_stop(&p);
}

struct async_answer {
	int done;
	int rc;
	char stop[32];
};

static void got(struct jrpc *rpc, const struct jrpc_response *res, void *data)
{
	struct async_answer *a = data;

	SW_UNUSED(rpc);
	a->done = 1;
	a->rc = res->rc;
	if (res->rc == 0)
		snprintf(a->stop, sizeof(a->stop), "%s", cJSON_GetObjectItem(res->result, "stopReason")->valuestring);
}

static void run_until(struct peer *p, int *flag)
{
	while (!*flag && uv_run(&p->loop, UV_RUN_ONCE))
		;
}

/* session/cancel while a permission request is pending; $/cancel_request; a deaf backend. */
static void acp__cancel_answers_cancelled(void **state)
{
	static const char *const scripts[] = { "hang", "work", "deaf" };
	struct peer p;
	struct sw_error err = SW_ERROR_INIT;
	struct jrpc_call_opts co = JRPC_CALL_OPTS_INIT;
	char *sid, params[256];
	size_t i;

	SW_UNUSED(state);
	peer_start(&p, 1, 0);
	sid = new_session(&p);
	p.permission = NULL; /* hold permission requests */
	for (i = 0; i < SW_ARRAY_SIZE(scripts); i++) {
		struct async_answer a = { 0, 0, "" };
		int64_t id = -1;
		cJSON *c;

		co.on_response = got;
		co.data = &a;
		snprintf(params, sizeof(params), "{\"sessionId\":\"%s\",\"prompt\":[{\"type\":\"text\",\"text\":\"%s\"}]}",
			 sid, scripts[i]);
		assert_sw_ok(jrpc_call_take(p.rpc, &id, "session/prompt", cJSON_Parse(params), &co, &err), &err);
		/* Let the turn start. */
		while (!p.f.last->busy || (i == 1 && !p.held))
			uv_run(&p.loop, UV_RUN_ONCE);
		c = cJSON_CreateObject();
		if (i == 0) { /* the generic way */
			cJSON_AddNumberToObject(c, "requestId", (double)id);
			assert_sw_ok(jrpc_notify_take(p.rpc, "$/cancel_request", c, &err), &err);
		} else {
			cJSON_AddStringToObject(c, "sessionId", sid);
			assert_sw_ok(jrpc_notify_take(p.rpc, "session/cancel", c, &err), &err);
		}
		run_until(&p, &a.done);
		assert_int_equal(a.rc, 0);
		assert_string_equal(a.stop, "cancelled");
		if (i == 1) {
			/* The pending permission request was given up and the client told. */
			assert_int_equal(p.cancel_requests, 1);
			jrpc_reply_take(p.held, cJSON_Parse("{\"outcome\":{\"outcome\":\"cancelled\"}}"), NULL);
			p.held = NULL;
		}
	}
	free(sid);
	peer_stop(&p);
}

static void acp__load_replays_history_first(void **state)
{
	struct peer p;
	cJSON *res = NULL, *u;
	long long code = 0;

	SW_UNUSED(state);
	peer_start(&p, 1, 0);
	assert_int_equal(call(&p, &res, &code, "session/load", "{\"sessionId\":\"missing\",\"cwd\":\"/w\","
			      "\"mcpServers\":[]}"), SW_EPROTO);
	assert_int_equal(code, JRPC_RESOURCE_NOT_FOUND);
	assert_int_equal(call(&p, &res, NULL, "session/load", "{\"sessionId\":\"old-7\",\"cwd\":\"/w\","
			      "\"mcpServers\":[]}"), 0);
	assert_null(cJSON_GetObjectItem(res, "sessionId"));
	cJSON_Delete(res);
	/* Every update arrived before the answer, the slash commands last. */
	assert_int_equal(cJSON_GetArraySize(p.updates), 5);
	assert_string_equal(update_kind(&p, 4), "available_commands_update");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(p.updates, 4),
			"availableCommands"), 0), "name")->valuestring, "review");
	assert_string_equal(update_kind(&p, 0), "user_message_chunk");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(p.updates, 0), "content"),
						"text")->valuestring, "earlier question");
	assert_string_equal(update_kind(&p, 1), "agent_message_chunk");
	assert_string_equal(update_kind(&p, 2), "tool_call");
	assert_string_equal(update_kind(&p, 3), "tool_call_update");
	u = cJSON_GetArrayItem(p.updates, 3);
	assert_string_equal(cJSON_GetObjectItem(u, "toolCallId")->valuestring, "tu1");
	assert_string_equal(cJSON_GetObjectItem(u, "status")->valuestring, "completed");
	/* The loaded session takes prompts. */
	assert_int_equal(call(&p, &res, NULL, "session/prompt",
			      "{\"sessionId\":\"old-7\",\"prompt\":[{\"type\":\"text\",\"text\":\"echo again\"}]}"), 0);
	cJSON_Delete(res);
	peer_stop(&p);
}

static void acp__set_mode_switches_agents(void **state)
{
	struct peer p;
	cJSON *res = NULL;
	long long code = 0;
	char *sid, params[256];

	SW_UNUSED(state);
	peer_start(&p, 1, 0);
	sid = new_session(&p);
	snprintf(params, sizeof(params), "{\"sessionId\":\"%s\",\"modeId\":\"nosuchmode\"}", sid);
	assert_int_equal(call(&p, &res, &code, "session/set_mode", params), SW_EPROTO);
	assert_int_equal(code, JRPC_INVALID_PARAMS);
	snprintf(params, sizeof(params), "{\"sessionId\":\"%s\",\"modeId\":\"reviewer\"}", sid);
	assert_int_equal(call(&p, &res, NULL, "session/set_mode", params), 0);
	cJSON_Delete(res);
	assert_string_equal(p.f.last->mode, "reviewer");
	/* The update came before the answer. */
	assert_string_equal(update_kind(&p, 0), "current_mode_update");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(p.updates, 0), "currentModeId")->valuestring,
			    "reviewer");
	free(sid);
	peer_stop(&p);
}

/* File reads and commands go through the client when it offers them. */
static void acp__delegates_files_and_terminals(void **state)
{
	struct peer p;
	cJSON *res = NULL, *u;
	char *sid, params[256];

	SW_UNUSED(state);
	peer_start(&p, 1, 1);
	sid = new_session(&p);
	snprintf(params, sizeof(params), "{\"sessionId\":\"%s\",\"prompt\":[{\"type\":\"text\",\"text\":\"read\"}]}",
		 sid);
	assert_int_equal(call(&p, &res, NULL, "session/prompt", params), 0);
	cJSON_Delete(res);
	u = cJSON_GetArrayItem(p.updates, 0);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "content"), "text")->valuestring,
			    "read 0: second line\n");
	snprintf(params, sizeof(params), "{\"sessionId\":\"%s\",\"prompt\":[{\"type\":\"text\",\"text\":\"run\"}]}",
		 sid);
	assert_int_equal(call(&p, &res, NULL, "session/prompt", params), 0);
	cJSON_Delete(res);
	u = cJSON_GetArrayItem(p.updates, 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "content"), "text")->valuestring,
			    "run 0: hi\n exit 0 -");
	assert_int_equal(cJSON_GetArraySize(p.seen), 5);
	assert_string_equal(cJSON_GetArrayItem(p.seen, 1)->valuestring, "terminal/create");
	assert_string_equal(cJSON_GetArrayItem(p.seen, 2)->valuestring, "terminal/wait_for_exit");
	assert_string_equal(cJSON_GetArrayItem(p.seen, 3)->valuestring, "terminal/output");
	assert_string_equal(cJSON_GetArrayItem(p.seen, 4)->valuestring, "terminal/release");
	free(sid);
	peer_stop(&p);
}

/* The client's side: updates folded into one turn. */
static void acp__client_folds_updates(void **state)
{
	static const char *const updates[] = {
		"{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"Hi \"}}",
		"{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"image\",\"data\":\"x\"}}",
		"{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":\"text\",\"text\":\"there\"}}",
		"{\"sessionUpdate\":\"agent_thought_chunk\",\"content\":{\"type\":\"text\",\"text\":\"hmm\"}}",
		"{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"a\",\"title\":\"Read\",\"kind\":\"read\","
		"\"status\":\"pending\",\"locations\":[{\"path\":\"/x\"},{\"path\":\"/y\"}]}",
		"{\"sessionUpdate\":\"tool_call_update\",\"toolCallId\":\"a\",\"status\":\"completed\","
		"\"locations\":[{\"path\":\"/z\"}]}",
		"{\"sessionUpdate\":\"tool_call_update\",\"toolCallId\":\"b\",\"status\":\"failed\"}",
		"{\"sessionUpdate\":\"tool_call\",\"title\":\"no id\"}",
		"{\"sessionUpdate\":\"plan\",\"entries\":[{\"content\":\"one\",\"status\":\"pending\",\"priority\":\"low\"}]}",
		"{\"sessionUpdate\":\"plan\",\"entries\":[{\"content\":\"two\",\"status\":\"completed\",\"priority\":\"low\"}]}",
		"{\"sessionUpdate\":\"usage_update\",\"used\":10,\"size\":100}",
		"{\"sessionUpdate\":\"brand_new\",\"x\":1}",
		"{\"noKind\":1}",
	};
	struct acp_turn t;
	size_t i;
	cJSON *j, *a;

	SW_UNUSED(state);
	acp_turn_init(&t);
	for (i = 0; i < SW_ARRAY_SIZE(updates); i++) {
		cJSON *u = cJSON_Parse(updates[i]);

		assert_non_null(u);
		acp_turn_apply(&t, u);
		cJSON_Delete(u);
	}
	assert_string_equal(t.text.ptr, "Hi there");
	assert_string_equal(t.thought.ptr, "hmm");
	assert_int_equal(cJSON_GetArraySize(t.tool_calls), 2);
	a = cJSON_GetArrayItem(t.tool_calls, 0);
	assert_string_equal(cJSON_GetObjectItem(a, "status")->valuestring, "completed");
	assert_string_equal(cJSON_GetObjectItem(a, "title")->valuestring, "Read");
	/* locations are replaced, not merged */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(a, "locations")), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(t.plan, 0), "content")->valuestring, "two");
	assert_int_equal((int)cJSON_GetObjectItem(t.usage, "used")->valuedouble, 10);
	assert_null(cJSON_GetObjectItem(t.usage, "sessionUpdate"));
	assert_int_equal(t.updates, SW_ARRAY_SIZE(updates));
	j = acp_turn_to_json(&t);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "stopReason")));
	assert_string_equal(cJSON_GetObjectItem(j, "text")->valuestring, "Hi there");
	cJSON_Delete(j);
	acp_turn_release(&t);
	acp_turn_release(&t); /* twice is fine */
}

static void acp__kiro_mcp_servers_to_acp_shape(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	cJSON *in = cJSON_Parse("{\"a\":{\"command\":\"sh\",\"args\":[\"-c\",\"x\"],\"env\":{\"K\":\"V\"}},"
				"\"b\":{\"url\":\"http://127.0.0.1:1/mcp\",\"headers\":{\"H\":\"1\"}},"
				"\"c\":{\"url\":\"http://127.0.0.1:2/sse\",\"type\":\"sse\"},"
				"\"d\":{\"command\":\"x\",\"disabled\":true}}");
	cJSON *out = NULL, *e;

	SW_UNUSED(state);
	assert_sw_ok(acp_mcp_servers_from_kiro(&out, in, &err), &err);
	assert_int_equal(cJSON_GetArraySize(out), 3);
	e = cJSON_GetArrayItem(out, 0);
	assert_null(cJSON_GetObjectItem(e, "type"));
	assert_true(cJSON_GetObjectItem(e, "command")->valuestring[0] == '/');
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(e, "env"), 0), "value")
			    ->valuestring, "V");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(e, "args")), 2);
	e = cJSON_GetArrayItem(out, 1);
	assert_string_equal(cJSON_GetObjectItem(e, "type")->valuestring, "http");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(e, "headers"), 0), "name")
			    ->valuestring, "H");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(out, 2), "type")->valuestring, "sse");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(out, 2), "headers")), 0);
	cJSON_Delete(out);
	cJSON_Delete(in);
	in = cJSON_Parse("{\"a\":{\"command\":\"sh\",\"env\":{\"K\":1}}}");
	assert_int_equal(acp_mcp_servers_from_kiro(&out, in, &err), SW_EINVAL);
	assert_string_equal(err.msg, "$.mcpServers.a.env.K: expected string, found number");
	assert_null(out);
	cJSON_Delete(in);
	in = cJSON_Parse("{\"a\":{\"args\":[]}}");
	assert_int_equal(acp_mcp_servers_from_kiro(&out, in, &err), SW_EINVAL);
	assert_non_null(strstr(err.msg, "expected 'command' or 'url'"));
	cJSON_Delete(in);
}

static void acp__mcp_servers_translate(void **state)
{
	static const struct {
		const char *json;
		const char *msg; /* expected error message (exact) */
	} bad[] = {
		{ "{}", "$.mcpServers: expected an array of MCP servers" },
		{ "[3]", "$.mcpServers[0]: expected an object (an MCP server)" },
		{ "[{\"command\":\"/bin/x\"}]", "$.mcpServers[0].name: expected a non-empty string" },
		{ "[{\"name\":\"a/b\",\"command\":\"/bin/x\"}]", "$.mcpServers[0].name: 'a/b' cannot hold '/' or a line break" },
		{ "[{\"name\":\"a\",\"command\":\"/bin/a\"},{\"name\":\"b\"}]",
		  "$.mcpServers[1].command: expected a non-empty string" },
		{ "[{\"name\":\"a\",\"command\":\"/bin/a\",\"args\":[\"-v\",2]}]", "$.mcpServers[0].args[1]: expected a string" },
		{ "[{\"name\":\"a\",\"command\":\"/bin/a\",\"env\":{\"K\":\"v\"}}]",
		  "$.mcpServers[0].env: expected an array of {name, value}, found an object" },
		{ "[{\"name\":\"a\",\"command\":\"/bin/a\",\"env\":[{\"name\":\"K\",\"value\":1}]}]",
		  "$.mcpServers[0].env[0].value: expected a string" },
		{ "[{\"name\":\"a\",\"command\":\"/bin/a\",\"env\":[{\"name\":\"K\",\"value\":\"\"},{\"value\":\"v\"}]}]",
		  "$.mcpServers[0].env[1].name: expected a non-empty string" },
		{ "[{\"name\":\"a\",\"command\":\"/bin/a\",\"env\":[{\"name\":\"K=J\",\"value\":\"v\"}]}]",
		  "$.mcpServers[0].env[0].name: 'K=J' is not a valid variable name" },
		{ "[{\"type\":\"http\",\"name\":\"h\"}]", "$.mcpServers[0].url: expected an http:// or https:// URL" },
		{ "[{\"type\":\"http\",\"name\":\"h\",\"url\":\"ftp://x\"}]",
		  "$.mcpServers[0].url: expected an http:// or https:// URL" },
		{ "[{\"type\":\"http\",\"name\":\"h\",\"url\":\"http://x/\",\"headers\":[{\"name\":\"A\",\"value\":\"1\\r\\nB: 2\"}]}]",
		  "$.mcpServers[0].headers[0].value: a header value cannot hold a line break" },
		{ "[{\"type\":\"http\",\"name\":\"h\",\"url\":\"http://x/\",\"headers\":[{\"name\":\"A B\",\"value\":\"1\"}]}]",
		  "$.mcpServers[0].headers[0].name: 'A B' is not a valid header name" },
		{ "[{\"type\":\"sse\",\"name\":\"s\",\"url\":\"http://x/\",\"headers\":[]}]",
		  "$.mcpServers[0].type: \"sse\" is not supported (this agent offers mcpCapabilities.http only): use \"http\"" },
		{ "[{\"type\":\"ws\",\"name\":\"w\",\"url\":\"http://x/\"}]",
		  "$.mcpServers[0].type: expected \"http\" (or none for stdio), found \"ws\"" },
		{ "[{\"name\":\"a\",\"command\":\"/bin/a\"},{\"type\":\"http\",\"name\":\"a\",\"url\":\"http://x/\"}]",
		  "$.mcpServers[1].name: 'a' is given twice" },
	};
	const char *good = "[{\"name\":\"fs\",\"command\":\"/usr/bin/node\",\"args\":[\"s.js\",\"--root\"],"
			   "\"env\":[{\"name\":\"K\",\"value\":\"v=1\"},{\"name\":\"E\",\"value\":\"\"}]},"
			   "{\"type\":\"http\",\"name\":\"web\",\"url\":\"https://127.0.0.1:1/mcp\","
			   "\"headers\":[{\"name\":\"Authorization\",\"value\":\"Bearer t\"}]},"
			   "{\"type\":\"stdio\",\"name\":\"bare\",\"command\":\"srv\"}]";
	struct acp_mcp_list l = ACP_MCP_LIST_INIT;
	struct mcp_server_spec spec;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *j;
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		j = cJSON_Parse(bad[i].json);
		assert_non_null(j);
		sw_error_clear(&err);
		if (acp_mcp_servers_parse(&l, j, &err) != SW_EINVAL)
			fail_msg("case %zu: expected SW_EINVAL for %s", i, bad[i].json);
		if (strcmp(err.msg, bad[i].msg))
			fail_msg("case %zu: expected \"%s\", found \"%s\"", i, bad[i].msg, err.msg);
		assert_int_equal(l.nr, 0); /* nothing half-added */
		cJSON_Delete(j);
	}
	assert_sw_ok(acp_mcp_servers_parse(&l, NULL, &err), &err);
	assert_int_equal(l.nr, 0);
	j = cJSON_Parse(good);
	assert_sw_ok(acp_mcp_servers_parse(&l, j, &err), &err);
	cJSON_Delete(j);
	assert_int_equal(l.nr, 3);
	acp_mcp_server_spec(&spec, &l.v[0], "/w");
	assert_string_equal(spec.name, "fs");
	assert_string_equal(spec.argv[0], "/usr/bin/node");
	assert_string_equal(spec.argv[1], "s.js");
	assert_string_equal(spec.argv[2], "--root");
	assert_null(spec.argv[3]);
	assert_string_equal(spec.env[0], "K=v=1");
	assert_string_equal(spec.env[1], "E=");
	assert_null(spec.env[2]);
	assert_string_equal(spec.cwd, "/w");
	assert_null(spec.url);
	acp_mcp_server_spec(&spec, &l.v[1], "/w");
	assert_null(spec.argv);
	assert_null(spec.cwd);
	assert_string_equal(spec.url, "https://127.0.0.1:1/mcp");
	assert_string_equal(spec.headers[0], "Authorization: Bearer t");
	assert_null(spec.headers[1]);
	acp_mcp_server_spec(&spec, &l.v[2], NULL);
	assert_string_equal(spec.argv[0], "srv");
	assert_null(spec.argv[1]);
	assert_null(spec.env[0]);
	assert_non_null(acp_mcp_list_find(&l, "web"));
	assert_null(acp_mcp_list_find(&l, "nope"));
	/* A second array adds to the list; a name already there is refused. */
	j = cJSON_Parse("[{\"name\":\"web\",\"command\":\"x\"}]");
	assert_int_equal(acp_mcp_servers_parse(&l, j, &err), SW_EINVAL);
	assert_string_equal(err.msg, "$.mcpServers[0].name: 'web' is given twice");
	cJSON_Delete(j);
	assert_int_equal(l.nr, 3);
	acp_mcp_list_release(&l);
	acp_mcp_list_release(&l); /* idempotent */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(acp__session_new_checks_params),
		cmocka_unit_test(acp__prompt_streams_updates_and_asks_permission),
		cmocka_unit_test(acp__prompt_rejects_unsupported_content),
		cmocka_unit_test(acp__cancel_answers_cancelled),
		cmocka_unit_test(acp__load_replays_history_first),
		cmocka_unit_test(acp__set_mode_switches_agents),
		cmocka_unit_test(acp__delegates_files_and_terminals),
		cmocka_unit_test(acp__client_folds_updates),
		cmocka_unit_test(acp__kiro_mcp_servers_to_acp_shape),
		cmocka_unit_test(acp__mcp_servers_translate),
	};

	signal(SIGPIPE, SIG_IGN);
	return sw_run_group("acp", tests);
}
