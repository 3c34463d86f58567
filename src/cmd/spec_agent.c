/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_agent.c - what generation needs around the agent: a struct
 * gen_agent backed by the built-in agent, the steering text and the
 * knowledge base's hits for a prompt.
 *
 * Each phase is one agent session (a new conversation) whose system
 * prompt is the phase's system prompt; repairs are follow-up turns of the
 * same session.  The session may use only the read-only tools (fs_read,
 * glob, grep), all allowed without asking, inside the workspace; it
 * loads no MCP servers and no default resources, because the phase
 * prompt carries the steering itself.  The reply is the text of the last
 * assistant message once the turn has ended with end_turn.
 */
#include "base/compat.h"
#include "cmd/spec_gen.h"
#include "cmd/commands.h"
#include "agent/agent.h"
#include "base/buf.h"
#include "base/log.h"
#include "kiro/agent.h"
#include "kiro/steering.h"
#include "kiro/workspace.h"
#include "knowledge/knowledge.h"
#include "model/model.h"

#include <uv.h>

static const char *const read_only_tools[] = { "fs_read", "glob", "grep" };

struct spec_agent {
	uv_loop_t loop;
	int loop_ready;
	struct agent_session *s;
	struct agent_profile prof;
	const struct sw_ctx *ctx;
	struct spec_agent_opts o;
	char *agent_prompt; /* --agent: the custom agent's prompt, put before the phase's */
	char *agent_model;  /* --agent: its "model", used unless --model */
};

static void on_tool_call(void *data, const struct agent_tool_call *tc)
{
	struct spec_agent *sa = data;

	if (!sa->o.quiet)
		sw_info("  %s", tc->title && *tc->title ? tc->title : tc->name);
}

static int new_session(struct spec_agent *sa, const char *system, struct sw_error *err)
{
	struct agent_session_opts so = AGENT_SESSION_OPTS_INIT;

	agent_session_free(sa->s);
	sa->s = NULL;
	free(sa->prof.prompt);
	if (sa->agent_prompt) {
		struct sw_buf p = SW_BUF_INIT;

		sw_buf_addf(&p, "%s\n\n%s", sa->agent_prompt, system ? system : "");
		sa->prof.prompt = sw_buf_detach(&p, NULL);
	} else {
		sa->prof.prompt = sw_xstrdup(system ? system : "");
	}
	so.loop = &sa->loop;
	so.cwd = sa->ctx->root ? sa->ctx->root : sa->ctx->cwd;
	so.root = sa->ctx->root;
	so.profile = &sa->prof;
	so.model = sa->o.model ? sa->o.model : sa->agent_model;
	so.interactive = 0; /* what the profile does not allow is refused, never asked */
	so.transcript = 1;
	so.ev.tool_call = on_tool_call;
	so.ev.data = sa;
	return agent_session_new(&sa->s, &so, err);
}

static int turn(void *self, const char *system, const char *message, struct sw_buf *reply,
		struct sw_error *err)
{
	struct spec_agent *sa = self;
	const cJSON *msgs, *last;
	const char *stop = NULL;
	char *text;
	int rc;

	if ((system || !sa->s) && (rc = new_session(sa, system, err)) < 0)
		return rc;
	if ((rc = agent_run_prompt(sa->s, message, &stop, err)) < 0)
		return rc;
	if (stop && strcmp(stop, "end_turn"))
		return sw_error_set(err, SW_EPROTO, "the agent stopped (%s) before it finished the document",
				    stop);
	msgs = agent_session_messages(sa->s);
	last = msgs ? cJSON_GetArrayItem(msgs, cJSON_GetArraySize(msgs) - 1) : NULL;
	if (!last || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(last, "role")) ||
	    strcmp(cJSON_GetObjectItemCaseSensitive(last, "role")->valuestring, "assistant"))
		return sw_error_set(err, SW_EPROTO, "the agent ended its turn without a reply");
	text = model_message_text(last);
	sw_buf_adds(reply, text ? text : "");
	free(text);
	return 0;
}

/*
 * --agent NAME: a custom agent lends its prompt and model to generation;
 * its tools do not widen the read-only set, and its hooks and MCP servers
 * are not started (generation never changes the workspace).
 */
static int load_custom(struct spec_agent *sa, const char *name, struct sw_error *err)
{
	struct kiro_agents agents = KIRO_AGENTS_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	const struct kiro_agent *a;
	char *global = kiro_global_dir();
	int rc;

	if ((rc = kiro_agents_load(&agents, sa->ctx->root, global, &diags, err)) < 0)
		goto out;
	if (!(a = kiro_agents_find(&agents, name))) {
		rc = sw_error_set(err, SW_ENOTFOUND,
				  "no agent '%s' in .kiro/agents or ~/.kiro/agents (see 'specwright agent list')",
				  name);
		goto out;
	}
	sa->agent_prompt = a->prompt ? sw_xstrdup(a->prompt) : NULL;
	sa->agent_model = a->model ? sw_xstrdup(a->model) : NULL;
out:
	kiro_agents_release(&agents);
	sw_diags_release(&diags);
	free(global);
	return rc;
}

int spec_agent_open(struct spec_agent **out, struct gen_agent *ga, const struct sw_ctx *ctx,
		    const struct spec_agent_opts *o, struct sw_error *err)
{
	struct spec_agent *sa = sw_xcalloc(1, sizeof(*sa));
	size_t i;
	int rc;

	*out = NULL;
	sa->ctx = ctx;
	sa->o = *o;
	if (o->agent && (rc = load_custom(sa, o->agent, err)) < 0) {
		spec_agent_close(sa);
		return rc;
	}
	sa->prof = (struct agent_profile)AGENT_PROFILE_INIT;
	sa->prof.name = sw_xstrdup("spec_generator");
	sa->prof.default_resources = 0;
	for (i = 0; i < SW_ARRAY_SIZE(read_only_tools); i++) {
		sw_strvec_push(&sa->prof.tools, read_only_tools[i]);
		sw_strvec_push(&sa->prof.allowed_tools, read_only_tools[i]);
	}
	if (uv_loop_init(&sa->loop) < 0) {
		spec_agent_close(sa);
		return sw_error_set(err, SW_EIO, "cannot start the event loop");
	}
	sa->loop_ready = 1;
	/* A first session checks the model configuration before anything is written. */
	if ((rc = new_session(sa, NULL, err)) < 0) {
		spec_agent_close(sa);
		return rc;
	}
	ga->turn = turn;
	ga->self = sa;
	*out = sa;
	return 0;
}

void spec_agent_close(struct spec_agent *sa)
{
	if (!sa)
		return;
	agent_session_free(sa->s);
	agent_profile_release(&sa->prof);
	free(sa->agent_prompt);
	free(sa->agent_model);
	if (sa->loop_ready) {
		uv_run(&sa->loop, UV_RUN_NOWAIT);
		uv_loop_close(&sa->loop);
	}
	free(sa);
}

/* The body of a steering document: its front matter, if any, is left out. */
/* The body of steering document @d with its #[[file:]] references expanded (kiro_steering_expand). */
static void add_body(struct sw_buf *b, const struct kiro_steering_doc *d, const char *root,
		     struct kiro_ref_budget *budget)
{
	struct sw_buf body = SW_BUF_INIT;
	const char *p;

	kiro_steering_expand(&body, d, root, budget);
	for (p = body.ptr; *p == '\n' || *p == '\r'; p++)
		;
	sw_buf_adds(b, p);
	sw_buf_release(&body);
}

char *spec_agent_steering(const struct sw_ctx *ctx)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_buf b = SW_BUF_INIT;
	struct kiro_ref_budget budget = KIRO_REF_BUDGET_INIT;
	char *global = kiro_global_dir();
	size_t i;

	/* Findings about steering are 'specwright doctor's business, not generation's. */
	if (kiro_steering_load(&st, ctx->root, global, &diags, NULL) == 0) {
		for (i = 0; i < st.nr; i++) {
			const struct kiro_steering_doc *d = st.v[i];

			if (d->inclusion != KIRO_INCLUDE_ALWAYS || !d->text.len ||
			    cmd_workspace_is_template(d->rel, d->text.ptr, d->text.len))
				continue; /* 'init' placeholders say nothing about the project */
			sw_buf_addf(&b, "### %s\n\n", d->rel);
			add_body(&b, d, ctx->root, &budget);
			sw_buf_rtrim(&b);
			sw_buf_adds(&b, "\n\n");
		}
	}
	kiro_steering_release(&st);
	sw_diags_release(&diags);
	free(global);
	if (!b.len)
		return NULL;
	sw_buf_rtrim(&b);
	return sw_buf_detach(&b, NULL);
}

static void add_hits(struct sw_buf *b, const struct kb_hits *h)
{
	size_t i;

	for (i = 0; i < h->nr; i++) {
		const struct kb_hit *x = &h->v[i];

		sw_buf_addf(b, "- %s:%d-%d%s%s: %s\n", x->path, x->start_line, x->end_line,
			    *x->heading ? " " : "", x->heading, x->snippet);
	}
}

char *spec_agent_knowledge(const struct sw_ctx *ctx, const char *query)
{
	struct kb_db *db = NULL;
	struct kb_query q = KB_QUERY_INIT;
	struct kb_hits hits = KB_HITS_INIT;
	struct kb_list list = KB_LIST_INIT;
	struct sw_buf b = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	size_t i;

	if (!ctx->root || kb_open(&db, ctx->root, KB_OPEN_READ, NULL) < 0)
		goto out; /* no knowledge index: nothing to add */
	q.text = query;
	q.limit = KB_DEFAULT_LIMIT;
	if (kb_search(db, &q, &hits, &err) == 0) {
		add_hits(&b, &hits);
	} else if (err.code == SW_EINVAL && kb_list(db, &list, NULL) == 0) {
		/* a "best" index needs an embedder; the "fast" ones answer without one */
		for (i = 0; i < list.nr; i++) {
			struct kb_hits one = KB_HITS_INIT;

			if (list.v[i].index_type != KB_INDEX_FAST)
				continue;
			q.kb = list.v[i].name;
			if (kb_search(db, &q, &one, NULL) == 0)
				add_hits(&b, &one);
			kb_hits_release(&one);
		}
	}
out:
	kb_hits_release(&hits);
	kb_list_release(&list);
	kb_close(db);
	if (!b.len)
		return NULL;
	return sw_buf_detach(&b, NULL);
}
