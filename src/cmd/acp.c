/* SPDX-License-Identifier: Apache-2.0 */
/*
 * acp.c - the Agent Client Protocol commands.
 *
 *   specwright acp [--agent NAME] [--model M]
 *       the built-in agent as an ACP agent on stdin/stdout, for editors
 *       and for specwright's own dispatchers; runs until stdin closes.
 *
 *   specwright acp-client [options] -- AGENT_CMD [ARGS...]
 *       drive any ACP agent for one prompt: the agent's message text goes
 *       to stdout as it streams, tool calls, plans and permission decisions
 *       to stderr, and the stop reason last; --json prints one document
 *       with the whole turn instead.  Exit 0 on end_turn.
 */
#include "base/compat.h"
#include "acp/builtin.h"
#include "acp/client.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "base/opt.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "version.h"

#include <limits.h>
#include <unistd.h>

struct show {
	int json;
	int text_open; /* agent text printed without a final newline */
};

static void show_update(struct acp_client *c, const char *kind, const cJSON *u, void *data)
{
	struct show *s = data;
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(u, "content");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(content, "text");

	SW_UNUSED(c);
	if (s->json)
		return;
	if (!strcmp(kind, "agent_message_chunk") && cJSON_IsString(text)) {
		fputs(text->valuestring, stdout);
		fflush(stdout);
		s->text_open = text->valuestring[0] && text->valuestring[strlen(text->valuestring) - 1] != '\n';
	} else if (!strcmp(kind, "agent_thought_chunk") && cJSON_IsString(text)) {
		if (sw_log_level() >= SW_LOG_VERBOSE)
			fprintf(stderr, "thought: %s\n", text->valuestring);
	} else if (!strcmp(kind, "tool_call")) {
		const cJSON *title = cJSON_GetObjectItemCaseSensitive(u, "title");
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(u, "kind");
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(u, "status");

		fprintf(stderr, "tool: %s [%s] %s\n", cJSON_IsString(title) ? title->valuestring : "?",
			cJSON_IsString(k) ? k->valuestring : "other",
			cJSON_IsString(st) ? st->valuestring : "pending");
	} else if (!strcmp(kind, "tool_call_update")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(u, "toolCallId");
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(u, "status");

		if (cJSON_IsString(st))
			fprintf(stderr, "tool: %s %s\n", cJSON_IsString(id) ? id->valuestring : "?",
				st->valuestring);
	} else if (!strcmp(kind, "plan")) {
		const cJSON *e;

		fprintf(stderr, "plan:\n");
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(u, "entries")) {
			const cJSON *ct = cJSON_GetObjectItemCaseSensitive(e, "content");
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");

			fprintf(stderr, "  [%s] %s\n", cJSON_IsString(st) ? st->valuestring : "?",
				cJSON_IsString(ct) ? ct->valuestring : "");
		}
	} else if (sw_log_level() >= SW_LOG_VERBOSE) {
		fprintf(stderr, "update: %s\n", kind);
	}
}

static void show_permission(struct acp_client *c, const cJSON *tool_call, const char *option_id, int allowed,
			    void *data)
{
	struct show *s = data;
	const cJSON *title = cJSON_GetObjectItemCaseSensitive(tool_call, "title");

	SW_UNUSED(c);
	if (s->json)
		return;
	fprintf(stderr, "permission: %s '%s' (%s)\n", allowed ? "allowed" : "rejected",
		cJSON_IsString(title) ? title->valuestring : "?", option_id ? option_id : "cancelled");
}

static void pass_stderr(struct acp_client *c, const char *buf, size_t len, void *data)
{
	SW_UNUSED(c);
	SW_UNUSED(data);
	if (sw_log_level() >= SW_LOG_VERBOSE)
		fwrite(buf, 1, len, stderr);
}

static int read_stdin(struct sw_buf *out, struct sw_error *err)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (sw_buf_add_capped(out, buf, n, SW_JSON_MAX_DOC, "the prompt", err) < 0)
			return err->code;
	if (ferror(stdin))
		return sw_error_errno(err, SW_EIO, "cannot read the prompt from stdin");
	return 0;
}

static int load_mcp_config(cJSON **out, const char *path, struct sw_error *err)
{
	cJSON *doc = NULL;
	const cJSON *servers = NULL;
	int rc;

	*out = NULL;
	if ((rc = sw_json_parse_file(&doc, path, err)) < 0)
		return rc;
	if ((rc = sw_json_get_object(&servers, doc, "mcpServers", 0, "$", err)) < 0 ||
	    (rc = acp_mcp_servers_from_kiro(out, servers, err)) < 0)
		sw_error_at(err, path, 0, 0);
	cJSON_Delete(doc);
	return rc;
}

int cmd_acp_client(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright acp-client [options] -- AGENT_CMD [ARGS...]",
		"\nDrives an ACP agent (specwright acp, kiro-cli acp, gemini --acp, ...) for one\n"
		"prompt, taken from --prompt or stdin.  The agent's text streams to stdout, tool\n"
		"calls and permission decisions to stderr, the stop reason comes last.  Files are\n"
		"served to the agent only inside the session directory.  Exit 0 on end_turn.",
		NULL,
	};
	const char *cwd_opt = NULL, *prompt = NULL, *mcp_config = NULL;
	long timeout = 0, request_timeout = 30, grace = 5;
	int json = ctx->json, no_prompt = 0, allow_all = 0, deny_all = 0, no_fs = 0, read_only = 0, terminal = 0;
	struct sw_strvec allow = SW_STRVEC_INIT;
	const struct sw_opt opts[] = {
		SW_OPT_STRING(0, "cwd", &cwd_opt, "DIR", "session directory (default: the current one)"),
		SW_OPT_STRING('p', "prompt", &prompt, "TEXT", "the prompt (default: read stdin)"),
		SW_OPT_BOOL(0, "no-prompt", &no_prompt, "only initialise and open a session"),
		SW_OPT_INT(0, "timeout", &timeout, "S", "deadline of the whole turn in seconds (0: none)"),
		SW_OPT_INT(0, "request-timeout", &request_timeout, "S", "deadline of each other request (30)"),
		SW_OPT_INT(0, "cancel-grace", &grace, "S", "wait after session/cancel before killing (5)"),
		SW_OPT_LIST(0, "allow", &allow, "GLOB", "allow tools whose kind, title or command matches"),
		SW_OPT_BOOL(0, "allow-all", &allow_all, "allow every tool"),
		SW_OPT_BOOL(0, "deny-all", &deny_all, "reject every tool"),
		SW_OPT_BOOL(0, "no-fs", &no_fs, "do not offer file reads and writes"),
		SW_OPT_BOOL(0, "read-only", &read_only, "offer file reads only"),
		SW_OPT_BOOL(0, "terminal", &terminal, "offer terminals (commands run in the session directory)"),
		SW_OPT_STRING(0, "mcp-config", &mcp_config, "FILE", "attach the MCP servers of this mcp.json"),
		SW_OPT_BOOL(0, "json", &json, "print one JSON document"),
		SW_OPT_END,
	};
	struct acp_run_opts ro = ACP_RUN_OPTS_INIT;
	struct acp_run_result res = ACP_RUN_RESULT_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf in = SW_BUF_INIT;
	struct show show = { 0, 0 };
	char *cwd = NULL;
	cJSON *mcp = NULL;
	int rc = 1, n;

	n = sw_opt_parse(argc, argv, opts, usage, 0);
	if (n < 0) {
		rc = sw_opt_exit(n);
		goto out;
	}
	if (n == 0) {
		rc = sw_usage_error(usage, "no agent command given (after --)");
		goto out;
	}
	if (timeout < 0 || request_timeout <= 0 || grace <= 0) {
		rc = sw_usage_error(usage, "timeouts must be positive");
		goto out;
	}
	if (allow_all && deny_all) {
		rc = sw_usage_error(usage, "--allow-all and --deny-all exclude each other");
		goto out;
	}
	{
		struct sw_buf p = SW_BUF_INIT;
		char real[PATH_MAX];

		if (!cwd_opt)
			sw_buf_adds(&p, ctx->cwd);
		else if (cwd_opt[0] == '/')
			sw_buf_adds(&p, cwd_opt);
		else
			sw_buf_addf(&p, "%s/%s", ctx->cwd, cwd_opt);
		if (!realpath(p.ptr, real) || !sw_is_dir(real)) {
			sw_error_errno(&err, SW_EINVAL, "session directory '%s' is not usable", p.ptr);
			sw_buf_release(&p);
			rc = sw_cmd_fail(&err);
			goto out;
		}
		sw_buf_release(&p);
		cwd = sw_xstrdup(real);
	}
	if (mcp_config && load_mcp_config(&mcp, mcp_config, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (!prompt && !no_prompt) {
		if (read_stdin(&in, &err) < 0) {
			rc = sw_cmd_fail(&err);
			goto out;
		}
		prompt = in.ptr;
	}
	show.json = json;
	ro.client.argv = argv;
	argv[n] = NULL; /* the agent's argv ends with the positional arguments */
	ro.client.request_timeout_ms = (uint64_t)request_timeout * 1000;
	ro.client.cancel_grace_ms = (uint64_t)grace * 1000;
	ro.client.fs_read = !no_fs;
	ro.client.fs_write = !no_fs && !read_only;
	ro.client.terminal = terminal;
	ro.client.policy.mode = allow_all ? ACP_PERMIT_ALL : deny_all ? ACP_PERMIT_NONE : ACP_PERMIT_LISTED;
	ro.client.policy.allow = (const char *const *)allow.v;
	ro.client.on_update = show_update;
	ro.client.on_permission = show_permission;
	ro.client.on_stderr = pass_stderr;
	ro.client.data = &show;
	ro.session_cwd = cwd;
	ro.mcp_servers = mcp;
	ro.prompt = no_prompt ? NULL : prompt;
	ro.turn_timeout_ms = (uint64_t)timeout * 1000;

	n = acp_run(&res, &ro, &err);
	if (json) {
		cJSON *doc = cJSON_CreateObject();
		struct sw_buf b = SW_BUF_INIT;

		cJSON_AddItemToObject(doc, "agent", res.agent ? cJSON_Duplicate(res.agent, 1) : cJSON_CreateNull());
		if (res.session_id)
			cJSON_AddStringToObject(doc, "sessionId", res.session_id);
		else
			cJSON_AddNullToObject(doc, "sessionId");
		if (res.session)
			cJSON_AddItemToObject(doc, "session", cJSON_Duplicate(res.session, 1));
		if (!no_prompt)
			cJSON_AddItemToObject(doc, "turn", acp_turn_to_json(&res.turn));
		if (n < 0)
			cJSON_AddStringToObject(doc, "error", err.msg);
		sw_json_print(&b, doc, 1);
		puts(b.ptr);
		sw_buf_release(&b);
		cJSON_Delete(doc);
	} else {
		if (show.text_open)
			putchar('\n');
		if (no_prompt && n == 0) {
			const cJSON *info = cJSON_GetObjectItemCaseSensitive(res.agent, "agentInfo");
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(info, "name");
			const cJSON *ver = cJSON_GetObjectItemCaseSensitive(info, "version");

			printf("agent: %s %s\n", cJSON_IsString(name) ? name->valuestring : "(unnamed)",
			       cJSON_IsString(ver) ? ver->valuestring : "");
			printf("session: %s\n", res.session_id);
		} else if (res.turn.stop_reason) {
			printf("stop: %s\n", res.turn.stop_reason);
		}
		fflush(stdout);
	}
	if (n < 0) {
		sw_report(&err);
		rc = 1;
	} else if (no_prompt) {
		rc = 0;
	} else {
		rc = res.turn.stop_reason && !strcmp(res.turn.stop_reason, "end_turn") ? 0 : 1;
	}
out:
	acp_run_result_release(&res);
	cJSON_Delete(mcp);
	sw_buf_release(&in);
	sw_strvec_clear(&allow);
	free(cwd);
	return rc;
}

static void serve_log(int warning, const char *msg, void *data)
{
	SW_UNUSED(data);
	if (warning)
		sw_warn("%s", msg);
	else
		sw_verbose("%s", msg);
}

int cmd_acp(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright acp [--agent NAME] [--model PROVIDER/MODEL] [--trust-all-tools]",
		"\nServes the built-in agent over the Agent Client Protocol (v1) on stdin and\n"
		"stdout until stdin closes.  Sessions may be loaded again (session/load) from\n"
		"their transcripts in .kiro/sessions; modes are the agents (kiro_default and\n"
		"the custom agents).  The client's mcpServers join the workspace's mcp.json\n"
		"servers (the client's win on a name clash); one that fails to start is\n"
		"reported on stderr and in the next turn.  When the client offers fs or\n"
		"terminal, the file and shell tools use it.  Only protocol messages go to\n"
		"stdout.",
		NULL,
	};
	const char *agent = NULL, *model = NULL;
	int trust_all = 0, n;
	const struct sw_opt opts[] = {
		SW_OPT_STRING(0, "agent", &agent, "NAME", "agent of new sessions (default: kiro_default)"),
		SW_OPT_STRING(0, "model", &model, "PROVIDER/MODEL", "the model, e.g. openai/gpt-4o-mini"),
		SW_OPT_BOOL(0, "trust-all-tools", &trust_all, "run every tool without asking the client"),
		SW_OPT_END,
	};
	struct acp_builtin_opts o = ACP_BUILTIN_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;

	n = sw_opt_parse(argc, argv, opts, usage, 0);
	if (n < 0)
		return sw_opt_exit(n);
	if (n > 0)
		return sw_usage_error(usage, "unexpected argument '%s'", argv[0]);
	o.agent = agent;
	o.model = model;
	o.cwd = ctx->cwd;
	o.version = SPECWRIGHT_VERSION;
	o.trust_all = trust_all;
	o.on_log = serve_log;
	if (acp_builtin_serve(&o, &err) < 0)
		return sw_cmd_fail(&err);
	return 0;
}
