/* SPDX-License-Identifier: Apache-2.0 */
/*
 * chat.c - `specwright chat`: the built-in agent on the terminal.
 *
 * Interactive (stdin is a terminal and --no-interactive is not given):
 * line mode; each line is a turn whose answer streams to stdout, followed
 * by a footer with the tokens and cost of the turn and of the session.
 * Tool calls that need approval are asked for on the terminal ([y]es,
 * [n]o, [a]lways).  Ctrl-C cancels the running turn; /quit or end of
 * input leaves.
 *
 * Headless (--no-interactive, or stdin not a terminal): one turn with the
 * prompt from the arguments, else from stdin; the answer goes to stdout,
 * notices and the usage footer to stderr; tool calls that need approval
 * are refused unless trusted.  Exit status as Kiro's: 0 done, 1 failure,
 * 3 an MCP server failed to start with --require-mcp-startup, 4 the agent
 * asked for does not exist; 130 after SIGINT/SIGTERM cancelled the turn.
 */
#include "base/compat.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/log.h"
#include "agent/agent.h"
#include "cmd/cmd.h"
#include "cmd/commands.h"
#include "kiro/agent.h"
#include "kiro/mcpconfig.h"
#include "kiro/workspace.h"
#include "mcp/client.h"

#include <unistd.h>

#define CHAT_EXIT_MCP 3
#define CHAT_EXIT_NO_AGENT 4
#define CHAT_EXIT_CANCELLED 130

struct chat {
	struct agent_session *s;
	uv_loop_t loop;
	uv_signal_t sigint, sigterm;
	int interactive;
	int quiet;
	int at_line_start;         /* the last byte written to stdout was a newline */
	int cancelled;
	FILE *tty_in;
};

static void out_text(void *data, const char *s, size_t len)
{
	struct chat *c = data;

	fwrite(s, 1, len, stdout);
	fflush(stdout);
	if (len)
		c->at_line_start = s[len - 1] == '\n';
}

static void out_thought(void *data, const char *s, size_t len)
{
	struct chat *c = data;

	if (c->interactive && !c->quiet) {
		fputs("\033[2m", stderr);
		fwrite(s, 1, len, stderr);
		fputs("\033[0m", stderr);
	}
}

static void end_line(struct chat *c)
{
	if (!c->at_line_start) {
		fputc('\n', stdout);
		fflush(stdout);
		c->at_line_start = 1;
	}
}

static void on_tool_call(void *data, const struct agent_tool_call *tc)
{
	struct chat *c = data;

	if (c->quiet)
		return;
	end_line(c);
	fprintf(stderr, "  > %s\n", tc->title ? tc->title : tc->name);
}

static void on_tool_update(void *data, const struct agent_tool_call *tc)
{
	struct chat *c = data;

	if (c->quiet || tc->status != AGENT_TOOL_FAILED)
		return;
	fprintf(stderr, "  ! %s: %.300s\n", tc->name, tc->output ? tc->output : "failed");
}

static void on_notice(void *data, const char *msg)
{
	struct chat *c = data;

	if (c->quiet)
		return;
	end_line(c);
	fprintf(stderr, "specwright: %s\n", msg);
}

static void on_plan(void *data, const cJSON *entries)
{
	struct chat *c = data;
	const cJSON *e;

	if (c->quiet || !c->interactive)
		return;
	end_line(c);
	cJSON_ArrayForEach(e, entries) {
		const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(e, "status"));

		fprintf(stderr, "  [%c] %s\n", st && !strcmp(st, "completed") ? 'x' : ' ',
			cJSON_GetStringValue(cJSON_GetObjectItem(e, "content")));
	}
}

static void on_permission(void *data, struct agent_permission *req, const struct agent_tool_call *tc)
{
	struct chat *c = data;
	char line[64];

	end_line(c);
	for (;;) {
		fprintf(stderr, "Allow %s (%s)? [y]es, [n]o, [a]lways: ", tc->name, tc->title ? tc->title : "");
		fflush(stderr);
		if (!c->tty_in || !fgets(line, sizeof(line), c->tty_in)) {
			agent_permission_answer(req, AGENT_REJECT);
			return;
		}
		if (line[0] == 'y' || line[0] == 'Y') {
			agent_permission_answer(req, AGENT_ALLOW_ONCE);
			return;
		}
		if (line[0] == 'a' || line[0] == 'A') {
			agent_permission_answer(req, AGENT_ALLOW_ALWAYS);
			return;
		}
		if (line[0] == 'n' || line[0] == 'N') {
			agent_permission_answer(req, AGENT_REJECT);
			return;
		}
	}
}

static void print_footer(struct chat *c, const struct model_usage *turn)
{
	struct sw_buf b = SW_BUF_INIT, t = SW_BUF_INIT;
	const struct model_usage *total = agent_session_usage(c->s);

	if (c->quiet)
		return;
	model_usage_format(&b, turn);
	sw_buf_addf(&t, "[%s] %s (session %ld call%s, $%.4f)", agent_session_model(c->s), b.ptr, total->calls,
		    total->calls == 1 ? "" : "s", total->cost);
	end_line(c);
	fprintf(stderr, "%s\n", t.ptr);
	sw_buf_release(&b);
	sw_buf_release(&t);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct chat *c = h->data;

	SW_UNUSED(signum);
	if (agent_session_busy(c->s)) {
		c->cancelled = 1;
		agent_session_cancel(c->s);
	} else if (!c->interactive) {
		c->cancelled = 1;
	}
}

static char *read_stdin(void)
{
	struct sw_buf b = SW_BUF_INIT;
	char tmp[65536];
	size_t n;

	while ((n = fread(tmp, 1, sizeof(tmp), stdin)) > 0)
		sw_buf_add(&b, tmp, n);
	sw_buf_trim(&b);
	return sw_buf_detach(&b, NULL);
}

/*
 * Starts the MCP servers the agent uses (its own mcpServers, plus mcp.json
 * when it includes them) and waits until each is ready or failed.  Returns
 * the number that failed; their reasons are printed.  @auto collects
 * "@server/tool" patterns from autoApprove.
 */
static size_t start_mcp(struct mcp_client *mc, const char *root, const struct kiro_agent *a,
			struct sw_strvec *auto_ok, int quiet)
{
	struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *global = kiro_global_dir();
	size_t i, failed = 0, attached = 0;
	int rc = a ? kiro_agent_mcp(&cfg, a, root, global, &diags, &err)
		   : kiro_mcp_load(&cfg, root, global, &diags, &err);

	if (rc < 0) {
		sw_report(&err);
		failed++;
	}
	for (i = 0; rc == 0 && i < cfg.nr; i++) {
		struct mcp_kiro_attach_opts ko = MCP_KIRO_ATTACH_OPTS_INIT;
		struct mcp_conn *conn = NULL;

		ko.cwd = root;
		ko.auto_approve = auto_ok;
		sw_error_clear(&err);
		if (mcp_client_attach_kiro(mc, cfg.v[i], &ko, &conn, &err) < 0) {
			sw_report(&err);
			failed++;
		} else if (conn) {
			attached++;
		}
	}
	if (attached)
		mcp_client_wait(mc, 0);
	for (i = 0; i < mcp_client_conn_count(mc); i++) {
		struct mcp_conn *conn = mcp_client_conn(mc, i);

		if (mcp_conn_state(conn) != MCP_CONN_READY) {
			failed++;
			fprintf(stderr, "specwright: MCP server '%s' did not start: %s\n", mcp_conn_name(conn),
				mcp_conn_error(conn));
		} else if (!quiet) {
			sw_verbose("MCP server '%s' ready with %zu tools", mcp_conn_name(conn),
				   mcp_conn_tool_count(conn));
		}
	}
	kiro_mcp_release(&cfg);
	sw_diags_release(&diags);
	free(global);
	return failed;
}

static void walk_close(uv_handle_t *h, void *arg)
{
	SW_UNUSED(arg);
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static int run_turn(struct chat *c, const char *prompt, int *exit_code)
{
	struct sw_error err = SW_ERROR_INIT;
	struct model_usage before = *agent_session_usage(c->s), turn;
	const char *stop = NULL;
	int rc;

	c->at_line_start = 1;
	rc = agent_run_prompt(c->s, prompt, &stop, &err);
	end_line(c);
	turn = *agent_session_usage(c->s);
	turn.input -= before.input;
	turn.output -= before.output;
	turn.cache_read -= before.cache_read;
	turn.cache_write -= before.cache_write;
	turn.cost -= before.cost;
	turn.calls -= before.calls;
	if (rc < 0) {
		sw_report(&err);
		*exit_code = 1;
		return rc;
	}
	if (stop && !strcmp(stop, "cancelled")) {
		fprintf(stderr, "specwright: the turn was cancelled\n");
		*exit_code = CHAT_EXIT_CANCELLED;
	} else if (stop && strcmp(stop, "end_turn")) {
		fprintf(stderr, "specwright: the turn ended with '%s'\n", stop);
	}
	print_footer(c, &turn);
	return 0;
}

int cmd_chat(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright chat [--agent NAME] [--model PROVIDER/MODEL] [--no-interactive] "
		"[--trust-all-tools] [--trust-tools T,...] [--require-mcp-startup] [--resume] [PROMPT...]",
		"\nTalk to the built-in agent.  Without a terminal on stdin, or with --no-interactive,"
		"\nruns one turn: the prompt comes from the arguments or stdin and the answer goes to stdout."
		"\nModels: --model, the agent's \"model\", or \"model\" in .kiro/settings/specwright.json;"
		"\nkeys from ANTHROPIC_API_KEY, OPENAI_API_KEY (+ OPENAI_BASE_URL) or AWS credentials.",
		NULL,
	};
	const char *agent_name = NULL, *model = NULL, *trust_tools = NULL;
	int no_interactive = 0, trust_all = 0, require_mcp = 0, resume = 0;
	const struct sw_opt opts[] = {
		SW_OPT_STRING(0, "agent", &agent_name, "NAME", "the agent to use (default: kiro_default)"),
		SW_OPT_STRING(0, "model", &model, "PROVIDER/MODEL", "e.g. anthropic/claude-sonnet-4-5, openai/gpt-4o-mini, ollama/llama3.2"),
		SW_OPT_BOOL(0, "no-interactive", &no_interactive, "one turn, answer on stdout"),
		SW_OPT_BOOL(0, "trust-all-tools", &trust_all, "run every tool call without asking"),
		SW_OPT_STRING(0, "trust-tools", &trust_tools, "T,...", "run these tools without asking"),
		SW_OPT_BOOL(0, "require-mcp-startup", &require_mcp, "exit 3 if an MCP server fails to start"),
		SW_OPT_BOOL('r', "resume", &resume, "continue the most recent session of this workspace"),
		SW_OPT_END,
	};
	struct agent_session_opts o = AGENT_SESSION_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf prompt = SW_BUF_INIT;
	struct kiro_agents agents = KIRO_AGENTS_INIT;
	const struct kiro_agent *agent = NULL;
	struct agent_profile profile = AGENT_PROFILE_INIT;
	struct chat c;
	struct mcp_client *mcp = NULL;
	struct sw_strvec auto_ok = SW_STRVEC_INIT;
	char *root = NULL;
	int exit_code = 0, i;

	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	memset(&c, 0, sizeof(c));
	c.at_line_start = 1;
	c.quiet = sw_log_level() < 0;
	c.interactive = !no_interactive && isatty(0);
	for (i = 0; i < argc; i++)
		sw_buf_addf(&prompt, "%s%s", i ? " " : "", argv[i]);
	if (kiro_find_root(&root, ctx->cwd, &err) < 0)
		root = NULL;
	if (agent_name && strcmp(agent_name, "kiro_default")) {
		struct sw_diags diags = SW_DIAGS_INIT;
		char *global = kiro_global_dir();

		if (kiro_agents_load(&agents, root, global, &diags, &err) < 0) {
			free(global);
			sw_diags_release(&diags);
			sw_report(&err);
			exit_code = 1;
			goto out;
		}
		free(global);
		sw_diags_release(&diags);
		agent = kiro_agents_find(&agents, agent_name);
		if (!agent) {
			fprintf(stderr, "specwright: agent '%s' not found in .kiro/agents or ~/.kiro/agents\n",
				agent_name);
			if (!c.interactive) {
				exit_code = CHAT_EXIT_NO_AGENT;
				goto out;
			}
			fprintf(stderr, "specwright: using the default agent\n");
		} else {
			agent_profile_from_kiro(&profile, agent);
			o.profile = &profile;
		}
	}
	if (!c.interactive && !prompt.len) {
		char *in = read_stdin();

		sw_buf_adds(&prompt, in);
		free(in);
		if (!prompt.len) {
			exit_code = sw_usage_error(usage, "no prompt: give one as an argument or on stdin");
			goto out;
		}
	}
	uv_loop_init(&c.loop);
	{
		struct mcp_client_opts mo = MCP_CLIENT_OPTS_INIT;

		mo.loop = &c.loop;
		mcp_client_new(&mcp, &mo);
		if (start_mcp(mcp, root, agent, &auto_ok, c.quiet) > 0 && require_mcp) {
			fprintf(stderr, "specwright: an MCP server failed to start (--require-mcp-startup)\n");
			exit_code = CHAT_EXIT_MCP;
			goto close;
		}
	}
	o.mcp = mcp;
	o.mcp_auto_approve = (const char *const *)auto_ok.v;
	o.loop = &c.loop;
	o.cwd = ctx->cwd;
	o.root = root;
	o.model = model;
	o.trust_all = trust_all;
	o.trust_tools = trust_tools;
	o.interactive = c.interactive;
	o.resume_last = resume;
	o.transcript = 1;
	o.ev.text = out_text;
	o.ev.thought = out_thought;
	o.ev.tool_call = on_tool_call;
	o.ev.tool_update = on_tool_update;
	o.ev.plan = on_plan;
	o.ev.permission = on_permission;
	o.ev.notice = on_notice;
	o.ev.data = &c;
	c.tty_in = c.interactive ? stdin : NULL;
	if (agent_session_new(&c.s, &o, &err) < 0) {
		sw_report(&err);
		exit_code = 1;
		goto close;
	}
	uv_signal_init(&c.loop, &c.sigint);
	uv_signal_init(&c.loop, &c.sigterm);
	c.sigint.data = c.sigterm.data = &c;
	uv_signal_start(&c.sigint, on_signal, SIGINT);
	uv_signal_start(&c.sigterm, on_signal, SIGTERM);
	/* The signal handles must not keep the loop alive between turns. */
	uv_unref((uv_handle_t *)&c.sigint);
	uv_unref((uv_handle_t *)&c.sigterm);
	if (!c.interactive) {
		run_turn(&c, prompt.ptr, &exit_code);
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		if (!c.quiet)
			fprintf(stderr, "specwright chat: %s, session %s (/quit to leave)\n",
				agent_session_model(c.s), agent_session_id(c.s));
		if (prompt.len)
			run_turn(&c, prompt.ptr, &exit_code);
		for (;;) {
			exit_code = 0;
			fputs("> ", stderr);
			fflush(stderr);
			if ((n = getline(&line, &cap, stdin)) < 0)
				break;
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (!n)
				continue;
			if (!strcmp(line, "/quit") || !strcmp(line, "/exit"))
				break;
			if (!strcmp(line, "/usage")) {
				struct sw_buf b = SW_BUF_INIT;

				model_usage_format(&b, agent_session_usage(c.s));
				fprintf(stderr, "session: %s\n", b.ptr);
				sw_buf_release(&b);
				continue;
			}
			run_turn(&c, line, &exit_code);
		}
		free(line);
		exit_code = 0;
	}
	uv_signal_stop(&c.sigint);
	uv_signal_stop(&c.sigterm);
	uv_close((uv_handle_t *)&c.sigint, NULL);
	uv_close((uv_handle_t *)&c.sigterm, NULL);
close:
	agent_session_free(c.s);
	mcp_client_free(mcp);
	uv_run(&c.loop, UV_RUN_NOWAIT);
	uv_walk(&c.loop, walk_close, NULL);
	uv_run(&c.loop, UV_RUN_DEFAULT);
	uv_loop_close(&c.loop);
out:
	agent_profile_release(&profile);
	kiro_agents_release(&agents);
	sw_strvec_clear(&auto_ok);
	free(root);
	sw_buf_release(&prompt);
	return exit_code;
}
