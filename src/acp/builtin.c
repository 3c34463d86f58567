/* SPDX-License-Identifier: Apache-2.0 */
/*
 * builtin.c - acp/agent's backend over the built-in agent loop (agent/).
 *
 * Each ACP session is a struct bsess holding one agent_session whose
 * events are forwarded to the session's sink.  The permission request the
 * loop is waiting on is remembered, so an answer that arrives after the
 * loop gave it up (cancel, set_mode) is dropped instead of reaching freed
 * memory.  Custom agents come from kiro/agent (agent_profile_from_kiro).
 *
 * Each session also carries what the client offered: a struct
 * agent_tool_io over the sink's fs and terminal delegation (files inside
 * the session directory only), and an MCP client with the session's
 * servers.  mcp_client_free() runs the loop, so a closed session's client
 * is freed by the serve loop between iterations (struct mcp_link), never
 * inside a callback.
 */
#include "base/compat.h"
#include "acp/builtin.h"
#include "acp/agent.h"
#include "acp/mcpservers.h"
#include "agent/agent.h"
#include "base/fs.h"
#include "kiro/agent.h"
#include "kiro/mcpconfig.h"
#include "mcp/client.h"
#include "kiro/steering.h"
#include "kiro/workspace.h"

#include <ctype.h>

#define DEFAULT_AGENT "kiro_default"

/*
 * A session's MCP client and the link its callbacks go through: the link
 * outlives the session (bs NULL then) until the serve loop frees the client
 * outside any callback (mcp_client_free runs the loop).
 */
struct mcp_link {
	struct bsess *bs;             /* NULL once the session closed */
	struct mcp_client *c;
	struct mcp_link *next;
};

struct builtin {
	const struct acp_builtin_opts *o;
	uv_loop_t *loop;
	struct kiro_agents agents;    /* custom agents, for modes */
	struct mcp_link *dead;        /* MCP clients of closed sessions, to free */
	int done;                     /* the client hung up */
};

struct bsess {
	struct builtin *b;
	struct acp_sink *sink;
	struct agent_session *s;
	char *cwd, *root, *mode;
	struct agent_permission *perm; /* the request the loop waits on */
	struct model_usage base;      /* the session's usage when the turn started */
	struct sw_buf path;           /* scratch: absolute tool path */
	struct agent_tool_io io;      /* the client's fs and terminal, as far as offered */
	struct mcp_link *mcp;         /* the session's MCP servers, or NULL */
	struct sw_strvec auto_ok;     /* "@server/tool" from mcp.json autoApprove */
	struct sw_buf mcp_notice;     /* servers that failed, told at the next turn */
	struct sw_strvec mcp_ready;   /* names of the servers that became ready */
	char *pending;                /* a prompt waiting for the MCP servers to start */
};

/* ---------- agent events -> sink ---------- */

static void ev_text(void *data, const char *s, size_t len)
{
	acp_sink_text(((struct bsess *)data)->sink, s, len);
}

static void ev_thought(void *data, const char *s, size_t len)
{
	acp_sink_thought(((struct bsess *)data)->sink, s, len);
}

static void tool_info(struct bsess *bs, struct acp_tool_info *ti, const struct agent_tool_call *tc)
{
	memset(ti, 0, sizeof(*ti));
	ti->id = tc->id;
	ti->title = tc->title ? tc->title : tc->name;
	ti->kind = tc->kind;
	ti->input = tc->input;
	ti->output = tc->output;
	ti->new_text = tc->new_text;
	ti->old_text = tc->old_text;
	switch (tc->status) {
	case AGENT_TOOL_PENDING:
		ti->status = ACP_TOOL_PENDING;
		break;
	case AGENT_TOOL_RUNNING:
		ti->status = ACP_TOOL_RUNNING;
		break;
	case AGENT_TOOL_DONE:
		ti->status = ACP_TOOL_DONE;
		break;
	case AGENT_TOOL_FAILED:
		ti->status = ACP_TOOL_FAILED;
		break;
	}
	if (tc->path) {
		/* ACP paths are absolute. */
		sw_buf_reset(&bs->path);
		if (tc->path[0] == '/')
			sw_buf_adds(&bs->path, tc->path);
		else
			sw_buf_addf(&bs->path, "%s/%s", bs->cwd, tc->path);
		ti->path = bs->path.ptr;
	}
}

static void ev_tool_call(void *data, const struct agent_tool_call *tc)
{
	struct bsess *bs = data;
	struct acp_tool_info ti;

	tool_info(bs, &ti, tc);
	acp_sink_tool_call(bs->sink, &ti);
}

static void ev_tool_update(void *data, const struct agent_tool_call *tc)
{
	struct bsess *bs = data;
	struct acp_tool_info ti;

	tool_info(bs, &ti, tc);
	acp_sink_tool_update(bs->sink, &ti);
}

static void ev_plan(void *data, const cJSON *entries)
{
	acp_sink_plan(((struct bsess *)data)->sink, entries);
}

static void ev_usage(void *data, const struct model_usage *call, const struct model_usage *total,
		     long context_used, long context_size)
{
	struct bsess *bs = data;
	struct acp_usage u;

	SW_UNUSED(call);
	u.input = total->input - bs->base.input;
	u.output = total->output - bs->base.output;
	u.cache_read = total->cache_read - bs->base.cache_read;
	u.cache_write = total->cache_write - bs->base.cache_write;
	u.cost = total->cost - bs->base.cost;
	u.context_used = context_used;
	u.context_size = context_size;
	acp_sink_usage(bs->sink, &u);
}

struct perm_wait {
	struct bsess *bs;
	struct agent_permission *req;
};

static void perm_answered(enum acp_permission outcome, void *data)
{
	struct perm_wait *w = data;
	struct bsess *bs = w->bs;
	enum agent_permission_outcome o = AGENT_PERMISSION_CANCELLED;

	switch (outcome) {
	case ACP_ALLOW_ONCE:
		o = AGENT_ALLOW_ONCE;
		break;
	case ACP_ALLOW_ALWAYS:
		o = AGENT_ALLOW_ALWAYS;
		break;
	case ACP_REJECT:
		o = AGENT_REJECT;
		break;
	case ACP_PERMISSION_CANCELLED:
		break;
	}
	if (bs && bs->perm == w->req) {
		bs->perm = NULL;
		agent_permission_answer(w->req, o);
	}
	free(w);
}

static void ev_permission(void *data, struct agent_permission *req, const struct agent_tool_call *tc)
{
	struct bsess *bs = data;
	struct perm_wait *w = sw_xcalloc(1, sizeof(*w));
	struct acp_tool_info ti;

	w->bs = bs;
	w->req = req;
	bs->perm = req;
	tool_info(bs, &ti, tc);
	acp_sink_ask_permission(bs->sink, &ti, perm_answered, w);
}

/* Messages for the operator go to the command's log callback (stderr): stdout carries only the protocol. */
static void blog(const struct builtin *b, int warning, const char *fmt, ...) SW_PRINTF(3, 4);

static void blog(const struct builtin *b, int warning, const char *fmt, ...)
{
	struct sw_buf m = SW_BUF_INIT;
	va_list ap;

	if (!b->o->on_log)
		return;
	va_start(ap, fmt);
	sw_buf_vaddf(&m, fmt, ap);
	va_end(ap);
	b->o->on_log(warning, m.ptr, b->o->log_data);
	sw_buf_release(&m);
}

static void ev_notice(void *data, const char *msg)
{
	blog(((struct bsess *)data)->b, 0, "%s", msg);
}

static const char *acp_stop_reason(const char *stop)
{
	static const char *const known[] = { "end_turn", "max_tokens", "max_turn_requests", "refusal",
					     "cancelled" };
	size_t i;

	for (i = 0; stop && i < SW_ARRAY_SIZE(known); i++)
		if (!strcmp(stop, known[i]))
			return known[i];
	return "end_turn";
}

static void ev_turn_end(void *data, const char *stop_reason, int rc, const struct sw_error *err)
{
	struct bsess *bs = data;

	bs->perm = NULL;
	acp_sink_turn_end(bs->sink, acp_stop_reason(stop_reason), rc, err);
}

/* ---------- tool I/O through the client ---------- */

/*
 * When the client offered fs.readTextFile / fs.writeTextFile / terminal,
 * the agent's file and shell tools reach it through these (agent.h struct
 * agent_tool_io), so the editor sees unsaved buffers and its own edits.
 * The client is asked only about files inside the session directory;
 * others are read and written here, as without the capability.
 */
struct io_job {
	agent_io_text_cb text_done;
	agent_io_exit_cb exit_done;
	void *ctx;
};

static int in_session_dir(const struct bsess *bs, const char *path)
{
	char *rel = sw_path_relative(path, bs->cwd);
	int inside = rel[0] != '/';

	free(rel);
	return inside;
}

static void job_text(int rc, const char *text, const struct sw_error *err, void *data)
{
	struct io_job *j = data;

	j->text_done(j->ctx, rc, text, err);
	free(j);
}

static void job_exit(int rc, const char *output, int exit_code, const char *signal_name, const struct sw_error *err,
		     void *data)
{
	struct io_job *j = data;

	j->exit_done(j->ctx, rc, output, exit_code, signal_name, err);
	free(j);
}

static struct io_job *new_job(agent_io_text_cb text_done, agent_io_exit_cb exit_done, void *ctx)
{
	struct io_job *j = sw_xcalloc(1, sizeof(*j));

	j->text_done = text_done;
	j->exit_done = exit_done;
	j->ctx = ctx;
	return j;
}

static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/* A file outside the session directory: read here, lines @line.. (@limit of them) as the client would. */
static void local_read(const char *path, long line, long limit, agent_io_text_cb done, void *ctx)
{
	struct sw_buf text = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	int rc = sw_read_file(&text, path, 64u << 20, &err);

	if (rc == 0 && line > 0) {
		const char *p = text.ptr, *end = text.ptr + text.len, *from;
		long i;

		for (i = 1; i < line && p < end; i++)
			p = next_line(p, end);
		from = p;
		for (i = 0; (limit <= 0 || i < limit) && p < end; i++)
			p = next_line(p, end);
		memmove(text.ptr, from, (size_t)(p - from));
		sw_buf_setlen(&text, (size_t)(p - from));
	}
	done(ctx, rc, rc == 0 ? text.ptr : NULL, rc < 0 ? &err : NULL);
	sw_buf_release(&text);
}

static void io_read_file(void *self, const char *path, long line, long limit, agent_io_text_cb done, void *ctx)
{
	struct bsess *bs = self;

	if (!acp_sink_client_reads(bs->sink) || !in_session_dir(bs, path)) {
		local_read(path, line, limit, done, ctx);
		return;
	}
	acp_sink_read_file(bs->sink, path, line, limit, job_text, new_job(done, NULL, ctx));
}

static void io_write_file(void *self, const char *path, const char *content, agent_io_text_cb done, void *ctx)
{
	struct bsess *bs = self;

	if (!acp_sink_client_writes(bs->sink) || !in_session_dir(bs, path)) {
		struct sw_error err = SW_ERROR_INIT;
		char *dir = sw_dirname(path);
		int rc = sw_mkdir_p(dir, &err);

		if (rc == 0)
			rc = sw_write_atomic(path, content, strlen(content), &err);
		free(dir);
		done(ctx, rc, NULL, rc < 0 ? &err : NULL);
		return;
	}
	acp_sink_write_file(bs->sink, path, content, job_text, new_job(done, NULL, ctx));
}

static void io_run_command(void *self, const char *command, const char *cwd, const char *const *env,
			   uint64_t timeout_ms, size_t output_limit, agent_io_exit_cb done, void *ctx)
{
	struct bsess *bs = self;

	acp_sink_run_command(bs->sink, command, cwd, env, timeout_ms, output_limit, job_exit,
			     new_job(NULL, done, ctx));
}

/* The hook for this session: NULL members stay local in the agent. */
static void setup_io(struct bsess *bs)
{
	int reads = acp_sink_client_reads(bs->sink), writes = acp_sink_client_writes(bs->sink);

	memset(&bs->io, 0, sizeof(bs->io));
	bs->io.self = bs;
	if (reads)
		bs->io.read_file = io_read_file;
	if (writes)
		bs->io.write_file = io_write_file; /* an edit reads the file first, through the client if it reads */
	if (acp_sink_client_terminal(bs->sink))
		bs->io.run_command = io_run_command;
}

/* ---------- MCP servers ---------- */

/*
 * A session's MCP servers: those the client passed in session/new (or
 * session/load), plus the workspace's and the agent's configured ones
 * (mcp.json when the agent includes it, its mcpServers), merged the way
 * `specwright chat` does; a name the client gives wins.  They start in the
 * background: session/new answers at once, and a prompt that arrives while
 * a server is still starting waits for it (up to its connect timeout), so
 * the model sees every tool from the first turn.  A server that cannot
 * start does not fail the session: a warning goes to stderr, and the next
 * turn begins with a message naming it; the session goes on without its
 * tools.  session/set_mode keeps the servers of the session's first agent.
 */

static int mcp_starting(const struct bsess *bs)
{
	size_t i, n = bs->mcp ? mcp_client_conn_count(bs->mcp->c) : 0;

	for (i = 0; i < n; i++)
		if (mcp_conn_state(mcp_client_conn(bs->mcp->c, i)) == MCP_CONN_STARTING)
			return 1;
	return 0;
}

static void mcp_failed(struct bsess *bs, const char *name, const char *why)
{
	blog(bs->b, 1, "MCP server '%s' did not start: %s", name, why);
	sw_buf_addf(&bs->mcp_notice, "[MCP server '%s' did not start: %s; going on without its tools]\n\n", name,
		    why);
}

static int start_turn(struct bsess *bs, const char *text, struct sw_error *err);

static void mcp_changed(struct mcp_client *c, struct mcp_conn *conn, void *data)
{
	struct mcp_link *l = data;
	struct bsess *bs = l->bs;
	struct sw_error err = SW_ERROR_INIT;
	char *text;

	SW_UNUSED(c);
	if (!bs)
		return;
	if (mcp_conn_state(conn) == MCP_CONN_FAILED) {
		if (sw_strvec_contains(&bs->mcp_ready, mcp_conn_name(conn))) {
			blog(bs->b, 1, "MCP server '%s' stopped: %s", mcp_conn_name(conn), mcp_conn_error(conn));
			sw_buf_addf(&bs->mcp_notice, "[MCP server '%s' stopped: %s; going on without its tools]\n\n",
				    mcp_conn_name(conn), mcp_conn_error(conn));
		} else {
			mcp_failed(bs, mcp_conn_name(conn), mcp_conn_error(conn));
		}
	} else if (mcp_conn_state(conn) == MCP_CONN_READY && !sw_strvec_contains(&bs->mcp_ready, mcp_conn_name(conn))) {
		sw_strvec_push(&bs->mcp_ready, mcp_conn_name(conn));
		blog(bs->b, 0, "MCP server '%s' ready with %zu tools", mcp_conn_name(conn), mcp_conn_tool_count(conn));
	}
	if (!bs->pending || mcp_starting(bs))
		return;
	text = bs->pending;
	bs->pending = NULL;
	if (start_turn(bs, text, &err) < 0)
		acp_sink_turn_end(bs->sink, "end_turn", err.code, &err);
	free(text);
}

/* The configured servers of agent @ka (NULL: the default agent) for @bs's workspace. */
static void load_configured(struct bsess *bs, const struct kiro_agent *ka, struct kiro_mcp_config *cfg)
{
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *global = kiro_global_dir();
	int rc = ka ? kiro_agent_mcp(cfg, ka, bs->root, global, &diags, &err)
		    : kiro_mcp_load(cfg, bs->root, global, &diags, &err);

	if (rc < 0)
		blog(bs->b, 1, "MCP configuration not loaded: %s", err.msg);
	sw_diags_release(&diags);
	free(global);
}

static struct mcp_client *session_mcp(struct bsess *bs)
{
	struct mcp_client_opts mo = MCP_CLIENT_OPTS_INIT;

	if (!bs->mcp) {
		bs->mcp = sw_xcalloc(1, sizeof(*bs->mcp));
		bs->mcp->bs = bs;
		mo.loop = bs->b->loop;
		mo.client_version = bs->b->o->version;
		mo.on_change = mcp_changed;
		mo.data = bs->mcp;
		mcp_client_new(&bs->mcp->c, &mo);
	}
	return bs->mcp->c;
}

/* Attaches the client's servers (@given, validated) and the configured ones of agent @ka. */
static int attach_mcp(struct bsess *bs, const cJSON *given, const struct kiro_agent *ka, struct sw_error *err)
{
	struct acp_mcp_list l = ACP_MCP_LIST_INIT;
	struct kiro_mcp_config cfg = KIRO_MCP_CONFIG_INIT;
	size_t i;
	int rc;

	if ((rc = acp_mcp_servers_parse(&l, given, err)) < 0)
		goto out;
	for (i = 0; i < l.nr; i++) {
		struct mcp_server_spec spec;
		struct sw_error aerr = SW_ERROR_INIT;

		acp_mcp_server_spec(&spec, &l.v[i], bs->cwd);
		if (mcp_client_attach(session_mcp(bs), &spec, NULL, &aerr) < 0)
			mcp_failed(bs, l.v[i].name, aerr.msg);
	}
	load_configured(bs, ka, &cfg);
	for (i = 0; i < cfg.nr; i++) {
		struct mcp_kiro_attach_opts ko = MCP_KIRO_ATTACH_OPTS_INIT;
		struct sw_error aerr = SW_ERROR_INIT;

		if (cfg.v[i]->disabled || acp_mcp_list_find(&l, cfg.v[i]->name))
			continue; /* the client's server of that name wins */
		ko.cwd = bs->root ? bs->root : bs->cwd;
		ko.auto_approve = &bs->auto_ok;
		if (mcp_client_attach_kiro(session_mcp(bs), cfg.v[i], &ko, NULL, &aerr) < 0)
			mcp_failed(bs, cfg.v[i]->name, aerr.msg);
	}
out:
	kiro_mcp_release(&cfg);
	acp_mcp_list_release(&l);
	return rc;
}

/* Frees the MCP clients of closed sessions; called between loop runs only. */
static void reap_mcp(struct builtin *b)
{
	struct mcp_link *l;

	while ((l = b->dead)) {
		b->dead = l->next;
		mcp_client_free(l->c);
		free(l);
	}
}

/* ---------- the backend ---------- */

/* Opens the agent session of @bs under agent @mode; with @p (session/new, load) the MCP servers attach first. */
static int open_agent(struct bsess *bs, const char *mode, const char *resume_id, const struct acp_open_params *p,
		      struct sw_error *err)
{
	struct builtin *b = bs->b;
	struct agent_session_opts so = AGENT_SESSION_OPTS_INIT;
	struct agent_profile prof = AGENT_PROFILE_INIT;
	const struct kiro_agent *ka = NULL;
	int rc;

	if (strcmp(mode, DEFAULT_AGENT) && strcmp(mode, "default")) {
		ka = kiro_agents_find(&b->agents, mode);
		if (!ka)
			return sw_error_set(err, SW_ENOTFOUND, "there is no agent '%s'", mode);
		agent_profile_from_kiro(&prof, ka);
	}
	if (p && (rc = attach_mcp(bs, p->mcp_servers, ka, err)) < 0) {
		agent_profile_release(&prof);
		return rc;
	}
	so.loop = b->loop;
	so.cwd = bs->cwd;
	so.root = bs->root;
	so.profile = ka ? &prof : NULL;
	so.model = b->o->model;
	so.trust_all = b->o->trust_all;
	so.interactive = 1;
	so.resume_id = resume_id;
	so.transcript = 1;
	so.ev.text = ev_text;
	so.ev.thought = ev_thought;
	so.ev.tool_call = ev_tool_call;
	so.ev.tool_update = ev_tool_update;
	so.ev.plan = ev_plan;
	so.ev.usage = ev_usage;
	so.ev.permission = ev_permission;
	so.ev.notice = ev_notice;
	so.ev.turn_end = ev_turn_end;
	so.ev.data = bs;
	if (bs->io.read_file || bs->io.write_file || bs->io.run_command)
		so.io = &bs->io;
	so.mcp = bs->mcp ? bs->mcp->c : NULL;
	so.mcp_auto_approve = (const char *const *)bs->auto_ok.v;
	rc = agent_session_new(&bs->s, &so, err);
	agent_profile_release(&prof);
	if (rc == 0) {
		free(bs->mode);
		bs->mode = sw_xstrdup(mode);
	}
	return rc;
}

static void bsess_free(struct bsess *bs)
{
	agent_session_free(bs->s);
	if (bs->mcp) {
		/* Shut down from the serve loop: mcp_client_free() must not run inside a callback. */
		bs->mcp->bs = NULL;
		bs->mcp->next = bs->b->dead;
		bs->b->dead = bs->mcp;
	}
	sw_strvec_clear(&bs->auto_ok);
	sw_strvec_clear(&bs->mcp_ready);
	sw_buf_release(&bs->mcp_notice);
	free(bs->pending);
	free(bs->cwd);
	free(bs->root);
	free(bs->mode);
	sw_buf_release(&bs->path);
	free(bs);
}

static int b_open(void *self, void **sess, const struct acp_open_params *p, struct acp_sink *sink,
		  struct sw_error *err)
{
	struct builtin *b = self;
	struct bsess *bs = sw_xcalloc(1, sizeof(*bs));
	struct sw_error ignored = SW_ERROR_INIT;
	int rc;

	bs->b = b;
	bs->sink = sink;
	bs->cwd = sw_xstrdup(p->cwd);
	sw_buf_init(&bs->path, 0);
	sw_buf_init(&bs->mcp_notice, 0);
	bs->auto_ok = (struct sw_strvec)SW_STRVEC_INIT;
	bs->mcp_ready = (struct sw_strvec)SW_STRVEC_INIT;
	if (!sw_is_dir(bs->cwd)) {
		rc = sw_error_set(err, SW_EINVAL, "the session directory '%s' does not exist", bs->cwd);
		goto fail;
	}
	if (kiro_find_root(&bs->root, bs->cwd, &ignored) < 0)
		bs->root = NULL;
	setup_io(bs);
	rc = open_agent(bs, p->mode ? p->mode : b->o->agent ? b->o->agent : DEFAULT_AGENT, p->resume_id, p, err);
	if (rc < 0)
		goto fail;
	*sess = bs;
	return 0;
fail:
	bsess_free(bs);
	return rc;
}

static const char *b_session_id(void *sess)
{
	return agent_session_id(((struct bsess *)sess)->s);
}

static const cJSON *b_history(void *sess)
{
	return agent_session_messages(((struct bsess *)sess)->s);
}

/* Steering documents a slash command names: manual ones, and auto ones (which "#name" forces too). */
static int commandable(const struct kiro_steering_doc *d)
{
	return d->scope != KIRO_STEERING_AGENTS_MD &&
	       (d->inclusion == KIRO_INCLUDE_MANUAL || d->inclusion == KIRO_INCLUDE_AUTO);
}

static void load_steering(struct bsess *bs, struct kiro_steering *st)
{
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *global = kiro_global_dir();

	if (kiro_steering_load(st, bs->root, global, &diags, &err) < 0)
		blog(bs->b, 0, "steering not loaded: %s", err.msg);
	sw_diags_release(&diags);
	free(global);
}

/* The command name of a steering document: its name below the steering folder without ".md". */
static char *command_name(const struct kiro_steering_doc *d)
{
	size_t n = strlen(d->name);

	if (n > 3 && !strcmp(d->name + n - 3, ".md"))
		n -= 3;
	return sw_xstrndup(d->name, n);
}

/*
 * Slash commands are the steering documents Kiro includes on request
 * (inclusion manual or auto): "/name rest" in a prompt becomes "#name rest",
 * the reference the agent's context builder honours.
 */
static void b_commands(void *sess, cJSON *out)
{
	struct bsess *bs = sess;
	struct kiro_steering st = KIRO_STEERING_INIT;
	size_t i;

	load_steering(bs, &st);
	for (i = 0; i < st.nr; i++) {
		const struct kiro_steering_doc *d = st.v[i];
		cJSON *c, *in;
		char *name;
		struct sw_buf desc = SW_BUF_INIT;

		if (!commandable(d))
			continue;
		name = command_name(d);
		if (d->description && *d->description)
			sw_buf_addf(&desc, "%s (steering %s)", d->description, d->rel);
		else
			sw_buf_addf(&desc, "Follow the steering document %s in this turn", d->rel);
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", name);
		cJSON_AddStringToObject(c, "description", desc.ptr);
		in = cJSON_AddObjectToObject(c, "input");
		cJSON_AddStringToObject(in, "hint", "what to do with it");
		cJSON_AddItemToArray(out, c);
		free(name);
		sw_buf_release(&desc);
	}
	kiro_steering_release(&st);
}

/* "/name rest" -> "#name rest" when name is a command (caller frees), else NULL. */
static char *expand_command(struct bsess *bs, const char *text)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	const char *end;
	char *word, *out = NULL;
	size_t i;

	if (text[0] != '/' || !text[1] || isspace((unsigned char)text[1]))
		return NULL;
	for (end = text + 1; *end && !isspace((unsigned char)*end); end++)
		;
	word = sw_xstrndup(text + 1, (size_t)(end - text - 1));
	load_steering(bs, &st);
	for (i = 0; i < st.nr && !out; i++) {
		char *name;

		if (!commandable(st.v[i]))
			continue;
		name = command_name(st.v[i]);
		if (!strcmp(name, word)) {
			/* The context builder matches "#" + the file name's stem. */
			struct sw_buf b = SW_BUF_INIT;
			const char *base = strrchr(name, '/');

			sw_buf_addf(&b, "#%s%s", base ? base + 1 : name, end);
			out = sw_buf_detach(&b, NULL);
		}
		free(name);
	}
	kiro_steering_release(&st);
	free(word);
	return out;
}

/* Starts a turn: what MCP servers failed is told first, then the tools are brought up to date. */
static int start_turn(struct bsess *bs, const char *text, struct sw_error *err)
{
	if (bs->mcp_notice.len) {
		acp_sink_text(bs->sink, bs->mcp_notice.ptr, bs->mcp_notice.len);
		sw_buf_reset(&bs->mcp_notice);
	}
	if (bs->mcp)
		agent_session_update_tools(bs->s);
	bs->base = *agent_session_usage(bs->s);
	return agent_session_prompt(bs->s, text, err);
}

static int b_prompt(void *sess, const char *text, struct sw_error *err)
{
	struct bsess *bs = sess;
	char *expanded = expand_command(bs, text);
	int rc = 0;

	if (bs->pending) {
		rc = sw_error_set(err, SW_ECONFLICT, "a turn is running");
	} else if (mcp_starting(bs)) {
		/* mcp_changed() starts it once every server is ready or failed. */
		bs->pending = expanded ? expanded : sw_xstrdup(text);
		expanded = NULL;
	} else {
		rc = start_turn(bs, expanded ? expanded : text, err);
	}
	free(expanded);
	return rc;
}

static void b_cancel(void *sess)
{
	struct bsess *bs = sess;

	if (bs->pending) {
		/* Still waiting for the MCP servers: the turn never started. */
		free(bs->pending);
		bs->pending = NULL;
		acp_sink_turn_end(bs->sink, "cancelled", 0, NULL);
		return;
	}
	/* A permission request in flight is answered by the protocol layer's cancel. */
	if (bs->perm)
		return;
	agent_session_cancel(bs->s);
}

static int b_set_mode(void *sess, const char *mode, struct sw_error *err)
{
	struct bsess *bs = sess;
	struct agent_session *old = bs->s;
	char *id;
	int rc;

	if (!strcmp(mode, bs->mode))
		return 0;
	if (agent_session_busy(old) || bs->pending)
		return sw_error_set(err, SW_ECONFLICT, "a turn is running");
	/* Reopen the same transcript under the other agent: the conversation carries over. */
	id = sw_xstrdup(agent_session_id(old));
	bs->s = NULL;
	rc = open_agent(bs, mode, id, NULL, err);
	if (rc < 0) {
		bs->s = old;
	} else {
		agent_session_free(old);
	}
	free(id);
	return rc;
}

static void b_close(void *sess)
{
	bsess_free(sess);
}

static void b_modes(void *self, struct sw_strvec *names)
{
	struct builtin *b = self;
	size_t i;

	sw_strvec_push(names, b->o->agent ? b->o->agent : DEFAULT_AGENT);
	if (b->o->agent && strcmp(b->o->agent, DEFAULT_AGENT))
		sw_strvec_push(names, DEFAULT_AGENT);
	for (i = 0; i < b->agents.nr; i++)
		if (!sw_strvec_contains(names, b->agents.v[i]->name))
			sw_strvec_push(names, b->agents.v[i]->name);
}

static const struct acp_backend_ops builtin_ops = {
	b_open, b_session_id, b_history, b_prompt, b_cancel, b_set_mode, b_close, b_modes, b_commands,
};

static void client_closed(struct acp_agent *a, void *data)
{
	SW_UNUSED(a);
	((struct builtin *)data)->done = 1;
}

int acp_builtin_serve(const struct acp_builtin_opts *o, struct sw_error *err)
{
	struct builtin b;
	struct acp_agent_opts ao = ACP_AGENT_OPTS_INIT;
	struct acp_agent *a = NULL;
	struct sw_diags diags = SW_DIAGS_INIT;
	uv_loop_t loop;
	char *root = NULL, *global = kiro_global_dir();
	struct sw_error ignored = SW_ERROR_INIT;
	int rc = 0;

	memset(&b, 0, sizeof(b));
	b.o = o;
	b.loop = &loop;
	b.agents = (struct kiro_agents)KIRO_AGENTS_INIT;
	uv_loop_init(&loop);
	if (o->cwd && kiro_find_root(&root, o->cwd, &ignored) < 0)
		root = NULL;
	if ((rc = kiro_agents_load(&b.agents, root, global, &diags, err)) < 0)
		goto out;
	if (o->agent && strcmp(o->agent, DEFAULT_AGENT) && !kiro_agents_find(&b.agents, o->agent)) {
		rc = sw_error_set(err, SW_ENOTFOUND, "there is no agent '%s'", o->agent);
		goto out;
	}
	ao.ops = &builtin_ops;
	ao.self = &b;
	ao.version = o->version;
	ao.on_close = client_closed;
	ao.data = &b;
	acp_agent_new(&a, &loop, &ao);
	if ((rc = acp_agent_attach_fds(a, o->in_fd, o->out_fd, err)) < 0)
		goto out;
	while (!b.done && uv_run(&loop, UV_RUN_ONCE))
		reap_mcp(&b);
out:
	acp_agent_free(a);
	reap_mcp(&b);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	kiro_agents_release(&b.agents);
	sw_diags_release(&diags);
	free(root);
	free(global);
	return rc;
}
