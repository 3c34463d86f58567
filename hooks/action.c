/* SPDX-License-Identifier: Apache-2.0 */
/*
 * action.c - running a hook's action (see action.h).
 */
#include "base/compat.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/proc.h"
#include "acp/client.h"
#include "hooks/action.h"

#include <limits.h>
#include <unistd.h>

extern char **environ;

struct action_priv {
	struct sw_proc *proc;
	struct acp_client *acp;  /* askAgent: the agent, NULL for commands */
	struct sw_strvec agent_argv;
	char *prompt;            /* askAgent: the text sent */
	char *root;
	uint64_t deadline_ms;
	struct sw_strvec env;
	struct sw_buf input;
	char *command;
	hooks_action_done_cb on_done;
	void *data;
	int freed;
};

static void build_env(struct sw_strvec *env, const struct hooks_action_opts *o)
{
	static const char *const ours[] = { "SPECWRIGHT_HOOK=", "SPECWRIGHT_EVENT=", "SPECWRIGHT_FILE=",
					    "SPECWRIGHT_FILES=", "SPECWRIGHT_WORKSPACE=", "SPECWRIGHT_SPEC=",
					    "SPECWRIGHT_TASK=" };
	struct sw_buf list = SW_BUF_INIT;
	char **e;
	size_t i;

	for (e = environ; e && *e; e++) {
		int skip = 0;

		for (i = 0; i < SW_ARRAY_SIZE(ours); i++)
			skip |= sw_starts_with(*e, ours[i]);
		if (!skip)
			sw_strvec_push(env, *e);
	}
	sw_strvec_pushf(env, "SPECWRIGHT_HOOK=%s", o->hook->id);
	sw_strvec_pushf(env, "SPECWRIGHT_EVENT=%s", o->event);
	if (o->task) {
		sw_strvec_pushf(env, "SPECWRIGHT_SPEC=%s", o->spec ? o->spec : "");
		sw_strvec_pushf(env, "SPECWRIGHT_TASK=%s", o->task);
	}
	sw_strvec_pushf(env, "SPECWRIGHT_FILE=%s", o->files && o->files[0] ? o->files[0] : "");
	/* Whole paths only, and under the kernel's limit for one environment string. */
	sw_buf_adds(&list, "SPECWRIGHT_FILES=");
	for (i = 0; o->files && o->files[i]; i++) {
		if (list.len + strlen(o->files[i]) + 1 > HOOKS_ACTION_MAX_FILES_ENV)
			break;
		if (i)
			sw_buf_addch(&list, '\n');
		sw_buf_adds(&list, o->files[i]);
	}
	sw_strvec_push_take(env, sw_buf_detach(&list, NULL));
	sw_strvec_pushf(env, "SPECWRIGHT_WORKSPACE=%s", o->root);
}

static void build_input(struct sw_buf *b, const struct hooks_action_opts *o)
{
	cJSON *doc = cJSON_CreateObject(), *files = NULL;
	size_t i;

	cJSON_AddStringToObject(doc, "hook_event_name", o->event);
	cJSON_AddStringToObject(doc, "hook", o->hook->id);
	cJSON_AddStringToObject(doc, "cwd", o->root);
	if (o->task) {
		if (o->spec)
			cJSON_AddStringToObject(doc, "spec", o->spec);
		cJSON_AddStringToObject(doc, "task", o->task);
	}
	if (o->files && o->files[0])
		cJSON_AddStringToObject(doc, "file", o->files[0]);
	else
		cJSON_AddNullToObject(doc, "file");
	files = cJSON_AddArrayToObject(doc, "files");
	for (i = 0; o->files && o->files[i]; i++)
		cJSON_AddItemToArray(files, cJSON_CreateString(o->files[i]));
	sw_json_print(b, doc, 0);
	sw_buf_addch(b, '\n');
	cJSON_Delete(doc);
}

static void on_exit_cb(struct sw_proc *p, void *data)
{
	struct hooks_action *a = data;
	struct action_priv *ap = a->priv;

	a->duration_ns = uv_hrtime() - a->start_ns;
	a->exit_status = p->exit_status;
	a->term_signal = p->term_signal;
	a->timed_out = p->timed_out;
	a->ok = !p->timed_out && !p->term_signal && p->exit_status == 0;
	sw_buf_addbuf(&a->out, &p->out);
	sw_buf_addbuf(&a->errout, &p->errout);
	if (p->out_dropped)
		sw_buf_addf(&a->out, "\n[%zu more bytes not kept]\n", p->out_dropped);
	if (p->err_dropped)
		sw_buf_addf(&a->errout, "\n[%zu more bytes not kept]\n", p->err_dropped);
	sw_proc_free(p);
	ap->proc = NULL;
	if (ap->on_done)
		ap->on_done(a, ap->data);
}

/* ---- askAgent: the prompt goes to an agent over the Agent Client Protocol ---- */

static void agent_finish(struct hooks_action *a, int ok, const char *fmt, ...) SW_PRINTF(3, 4);

static void agent_shut(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct hooks_action *a = data;
	struct action_priv *ap = a->priv;

	SW_UNUSED(c);
	SW_UNUSED(rc);
	SW_UNUSED(err);
	/* The agent has exited: release it now, inside its own callback, as its header allows. */
	acp_client_free(ap->acp);
	ap->acp = NULL;
	a->duration_ns = uv_hrtime() - a->start_ns;
	if (ap->on_done)
		ap->on_done(a, ap->data);
}

static void agent_finish(struct hooks_action *a, int ok, const char *fmt, ...)
{
	struct action_priv *ap = a->priv;
	va_list ap_;

	if (fmt) {
		va_start(ap_, fmt);
		sw_buf_vaddf(&a->errout, fmt, ap_);
		va_end(ap_);
		sw_buf_addch(&a->errout, '\n');
	}
	a->ok = ok;
	a->exit_status = ok ? 0 : 1;
	a->duration_ns = uv_hrtime() - a->start_ns;
	acp_client_shutdown(ap->acp, agent_shut, a);
}

static void agent_prompted(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct hooks_action *a = data;
	const struct acp_turn *t = acp_client_turn(c);

	if (t)
		sw_buf_addbuf(&a->out, &t->text);
	if (rc < 0) {
		a->timed_out = rc == SW_ETIMEOUT;
		agent_finish(a, 0, "agent turn failed: %s", err ? err->msg : sw_error_name(rc));
		return;
	}
	if (t && t->stop_reason && strcmp(t->stop_reason, "end_turn"))
		agent_finish(a, 0, "agent stopped: %s", t->stop_reason);
	else
		agent_finish(a, 1, NULL);
}

static void agent_session(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct hooks_action *a = data;
	struct action_priv *ap = a->priv;
	struct sw_error e = SW_ERROR_INIT;

	if (rc < 0) {
		agent_finish(a, 0, "agent session failed: %s", err ? err->msg : sw_error_name(rc));
		return;
	}
	if (acp_client_prompt_text(c, ap->prompt, ap->deadline_ms, agent_prompted, a, &e) < 0)
		agent_finish(a, 0, "agent prompt failed: %s", e.msg);
}

static void agent_started(struct acp_client *c, int rc, const struct sw_error *err, void *data)
{
	struct hooks_action *a = data;
	struct action_priv *ap = a->priv;
	struct sw_error e = SW_ERROR_INIT;

	if (rc < 0) {
		agent_finish(a, 0, "agent did not start: %s", err ? err->msg : sw_error_name(rc));
		return;
	}
	if (acp_client_new_session(c, ap->root, NULL, agent_session, a, &e) < 0)
		agent_finish(a, 0, "agent session failed: %s", e.msg);
}

static void agent_stderr(struct acp_client *c, const char *buf, size_t len, void *data)
{
	struct hooks_action *a = data;

	SW_UNUSED(c);
	if (a->errout.len + len <= HOOKS_ACTION_MAX_OUTPUT)
		sw_buf_add(&a->errout, buf, len);
}

/*
 * The agent command: @o->agent_argv, else $SPECWRIGHT_HOOK_AGENT split on
 * white space, else this program's own "specwright acp" (the built-in agent).
 */
static int agent_command(struct sw_strvec *argv, const struct hooks_action_opts *o, struct sw_error *err)
{
	const char *env = getenv("SPECWRIGHT_HOOK_AGENT");
	char self[PATH_MAX];
	ssize_t n;

	if (o->agent_argv && o->agent_argv[0]) {
		sw_strvec_pushv(argv, o->agent_argv);
		return 0;
	}
	if (env && *env) {
		sw_strvec_split(argv, env, ' ');
		if (argv->nr)
			return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return sw_error_errno(err, SW_EIO, "cannot find the specwright binary for the built-in agent");
	self[n] = '\0';
	sw_strvec_push(argv, self);
	sw_strvec_push(argv, "acp");
	return 0;
}

static int start_agent(struct hooks_action *a, uv_loop_t *loop, const struct hooks_action_opts *o,
		       struct sw_error *err)
{
	struct action_priv *ap = a->priv;
	struct acp_client_opts co = ACP_CLIENT_OPTS_INIT;
	struct sw_buf prompt = SW_BUF_INIT;
	size_t i;
	long t = kiro_hook_timeout_ms(o->hook);
	int rc;

	if (!o->hook->prompt || !*o->hook->prompt)
		return sw_error_set(err, SW_EINVAL, "hook '%s' has no prompt to send", o->hook->id);
	if ((rc = agent_command(&ap->agent_argv, o, err)) < 0)
		return rc;
	sw_buf_adds(&prompt, o->hook->prompt);
	sw_buf_addf(&prompt, "\n\n(Hook '%s', event %s", o->hook->id, o->event);
	if (o->task)
		sw_buf_addf(&prompt, ", task %s of spec '%s'", o->task, o->spec ? o->spec : "");
	for (i = 0; o->files && o->files[i]; i++)
		sw_buf_addf(&prompt, "%s%s", i ? ", " : "; files: ", o->files[i]);
	sw_buf_adds(&prompt, ")");
	ap->prompt = sw_buf_detach(&prompt, NULL);
	ap->root = sw_xstrdup(o->root);
	/* An agent turn is not a command: no timeout written means ten minutes, not sixty seconds. */
	ap->deadline_ms = o->hook->timeout_s == KIRO_HOOK_TIMEOUT_UNSET ? 600000 : (uint64_t)(t > 0 ? t : 0);
	co.argv = (const char *const *)ap->agent_argv.v;
	co.cwd = o->root;
	/* Nobody is there to ask: tools the agent's own settings do not allow are refused. */
	co.policy.mode = ACP_PERMIT_NONE;
	co.on_stderr = agent_stderr;
	co.data = a;
	a->start_ns = uv_hrtime();
	rc = acp_client_start(&ap->acp, loop, &co, agent_started, a, err);
	if (rc < 0)
		sw_error_prefix(err, "hook '%s'", o->hook->id);
	return rc;
}

int hooks_action_start(struct hooks_action **out, uv_loop_t *loop, const struct hooks_action_opts *o,
		       struct sw_error *err)
{
	struct hooks_action *a = NULL;
	struct action_priv *ap;
	struct sw_proc_opts po = SW_PROC_OPTS_INIT;
	const char *argv[5];
	size_t i;
	int rc;

	*out = NULL;
	assert(o->hook && o->root && o->event);
	if (o->hook->action != KIRO_HOOK_ASK_AGENT && (!o->hook->command || !*o->hook->command))
		return sw_error_set(err, SW_EINVAL, "hook '%s' has no command to run", o->hook->id);
	a = sw_xcalloc(1, sizeof(*a));
	ap = sw_xcalloc(1, sizeof(*ap));
	a->priv = ap;
	a->hook_id = sw_xstrdup(o->hook->id);
	a->event = sw_xstrdup(o->event);
	a->file = o->files && o->files[0] ? sw_xstrdup(o->files[0]) : NULL;
	for (i = 0; o->files && o->files[i]; i++)
		a->nfiles++;
	sw_buf_init(&a->out, 0);
	sw_buf_init(&a->errout, 0);
	ap->on_done = o->on_done;
	ap->data = o->data;
	if (o->hook->action == KIRO_HOOK_ASK_AGENT) {
		rc = start_agent(a, loop, o, err);
		if (rc < 0) {
			hooks_action_free(a);
			return rc;
		}
		*out = a;
		return 0;
	}
	ap->command = sw_xstrdup(o->hook->command);
	build_env(&ap->env, o);
	build_input(&ap->input, o);

	/*
	 * The one place a shell is used: a hook's command is shell text (STYLE R16).
	 * --norc: our stdin is a socketpair (libuv pipes are), which bash takes
	 * for a remote-shell connection and would source ~/.bashrc for.
	 */
	argv[0] = "bash";
	argv[1] = "--norc";
	argv[2] = "-c";
	argv[3] = ap->command;
	argv[4] = NULL;
	po.argv = argv;
	po.env = (const char *const *)ap->env.v;
	po.cwd = o->root;
	po.stdin_data = ap->input.ptr;
	po.stdin_len = ap->input.len;
	po.capture_stdout = po.capture_stderr = 1;
	po.max_output = o->max_output ? o->max_output : HOOKS_ACTION_MAX_OUTPUT;
	po.timeout_ms = (uint64_t)kiro_hook_timeout_ms(o->hook);
	po.die_with_parent = 1; /* a watcher killed outright must not leave its hooks running */
	po.on_exit = on_exit_cb;
	po.data = a;
	a->start_ns = uv_hrtime();
	rc = sw_proc_start(&ap->proc, loop, &po, err);
	if (rc < 0) {
		sw_error_prefix(err, "hook '%s'", o->hook->id);
		hooks_action_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void hooks_action_cancel(struct hooks_action *a)
{
	struct action_priv *ap = a ? a->priv : NULL;

	if (ap && ap->proc)
		sw_proc_terminate(ap->proc);
	if (ap && ap->acp)
		acp_client_cancel(ap->acp);
}

void hooks_action_describe(const struct hooks_action *a, struct sw_buf *b)
{
	if (a->timed_out)
		sw_buf_addf(b, "timed out after %llu ms", (unsigned long long)(a->duration_ns / 1000000));
	else if (a->term_signal)
		sw_buf_addf(b, "killed by signal %d", a->term_signal);
	else
		sw_buf_addf(b, "exited with status %d", a->exit_status);
}

void hooks_action_free(struct hooks_action *a)
{
	struct action_priv *ap;

	if (!a)
		return;
	ap = a->priv;
	if (ap) {
		sw_proc_free(ap->proc);
		acp_client_free(ap->acp);
		sw_strvec_clear(&ap->agent_argv);
		free(ap->prompt);
		free(ap->root);
		sw_strvec_clear(&ap->env);
		sw_buf_release(&ap->input);
		free(ap->command);
		free(ap);
	}
	free(a->hook_id);
	free(a->event);
	free(a->file);
	sw_buf_release(&a->out);
	sw_buf_release(&a->errout);
	free(a);
}

static void walk_close(uv_handle_t *h, void *arg)
{
	SW_UNUSED(arg);
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void sync_done(struct hooks_action *a, void *data)
{
	SW_UNUSED(a);
	*(int *)data = 1;
}

int hooks_action_run(struct hooks_action **out, const struct hooks_action_opts *o, struct sw_error *err)
{
	struct hooks_action_opts copy = *o;
	struct hooks_action *a = NULL;
	uv_loop_t loop;
	int done = 0, rc;

	*out = NULL;
	copy.on_done = sync_done;
	copy.data = &done;
	uv_loop_init(&loop);
	rc = hooks_action_start(&a, &loop, &copy, err);
	while (rc == 0 && !done && uv_run(&loop, UV_RUN_ONCE))
		;
	if (a) {
		struct action_priv *ap = a->priv;

		ap->on_done = NULL;
		/* Let the agent client close its own handles before the walk closes the rest. */
		acp_client_free(ap->acp);
		ap->acp = NULL;
	}
	uv_walk(&loop, walk_close, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	if (rc == 0)
		*out = a;
	return rc;
}
