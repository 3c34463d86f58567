/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hooks.c - "specwright hooks": the hook files of the workspace.
 *
 *   hooks list [--json]     every hook of .kiro/hooks (*.kiro.hook and v1 *.json)
 *   hooks run NAME [--file PATH]...   run one hook now (userTriggered)
 *   hooks watch [--foreground]        run file hooks on save (hooks/runner)
 *   hooks status [--json]             the watcher of this workspace, if any
 *   hooks stop                        stop it
 *
 * The watcher keeps its files in .kiro/run/ (git-ignored, never watched):
 * hooks.pid (its process id; hooks.pid.lock is held while it runs, which
 * is how status and stop tell a live watcher from a stale pid file),
 * hooks.status.json (rewritten after every run) and hooks.log (one entry
 * per run with the command's output; daemon messages too).
 *
 * When the workspace has a knowledge index (.kiro/knowledge.db), the same
 * watcher keeps it fresh: saved files are re-indexed one batch at a time
 * with kb_index_file() on the libuv thread pool, since SQLite blocks.
 *
 * The verb table below is the place to add verbs that act on hooks.
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "base/strmap.h"
#include "hooks/action.h"
#include "hooks/debounce.h"
#include "hooks/runner.h"
#include "kiro/hookfile.h"
#include "knowledge/knowledge.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_DIR ".kiro/run"

static cJSON *hook_json(const struct kiro_hook *h)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", h->id);
	sw_cmd_json_str(o, "name", h->name);
	sw_cmd_json_str(o, "description", h->description);
	cJSON_AddStringToObject(o, "file", h->rel);
	cJSON_AddNumberToObject(o, "line", h->line);
	cJSON_AddStringToObject(o, "format", h->format == KIRO_HOOK_FORMAT_V1 ? "v1" : "kiro.hook");
	sw_cmd_json_str(o, "version", h->version);
	cJSON_AddStringToObject(o, "trigger", kiro_hook_trigger_name(h->trigger));
	sw_cmd_json_str(o, "triggerAsWritten", h->trigger_raw);
	cJSON_AddItemToObject(o, "patterns", sw_cmd_json_strs(h->patterns.v, h->patterns.nr));
	cJSON_AddItemToObject(o, "toolTypes", sw_cmd_json_strs(h->tool_types.v, h->tool_types.nr));
	sw_cmd_json_str(o, "matcher", h->matcher);
	cJSON_AddStringToObject(o, "action", h->action == KIRO_HOOK_RUN_COMMAND ? "runCommand" : "askAgent");
	sw_cmd_json_str(o, "command", h->command);
	sw_cmd_json_str(o, "prompt", h->prompt);
	if (h->timeout_s == KIRO_HOOK_TIMEOUT_UNSET)
		cJSON_AddNullToObject(o, "timeout");
	else
		cJSON_AddNumberToObject(o, "timeout", (double)h->timeout_s);
	cJSON_AddBoolToObject(o, "enabled", h->enabled);
	return o;
}

static int cmd_hooks_list(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright hooks list [--json]",
		"\nLists the hooks of .kiro/hooks: IDE hooks (*.kiro.hook) and v1 hook files (*.json).",
		NULL,
	};
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	int json = ctx->json, rc = 0;
	size_t i;

	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (kiro_hooks_load(&hooks, ctx->root, &diags, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (json) {
		cJSON *arr = cJSON_CreateArray();

		for (i = 0; i < hooks.nr; i++)
			cJSON_AddItemToArray(arr, hook_json(hooks.v[i]));
		sw_cmd_json_print_list_take("hooks", arr, &diags);
	} else {
		if (!hooks.nr)
			printf("no hooks in .kiro/hooks\n");
		for (i = 0; i < hooks.nr; i++) {
			const struct kiro_hook *h = hooks.v[i];

			printf("%-32s %-18s %-10s %-8s %s\n", h->id, kiro_hook_trigger_name(h->trigger),
			       h->action == KIRO_HOOK_RUN_COMMAND ? "runCommand" : "askAgent",
			       h->enabled ? "enabled" : "disabled", h->name ? h->name : "");
		}
	}
	rc = sw_cmd_finish_list(&diags, ctx->root, json, "in hook files (see 'specwright doctor')");
out:
	kiro_hooks_release(&hooks);
	sw_diags_release(&diags);
	return rc;
}

/* ---- shared by the verbs that run hooks ---- */

static char *run_path(const struct sw_ctx *ctx, const char *name)
{
	struct sw_buf b = SW_BUF_INIT;

	sw_buf_addf(&b, "%s/" RUN_DIR "%s%s", ctx->root, *name ? "/" : "", name);
	return sw_buf_detach(&b, NULL);
}

static void utc_stamp(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static FILE *open_log(const struct sw_ctx *ctx, struct sw_error *err)
{
	char *dir = run_path(ctx, ""), *path = run_path(ctx, "hooks.log");
	FILE *fp = NULL;

	if (sw_mkdir_p(dir, err) == 0) {
		fp = fopen(path, "ae");
		if (!fp)
			sw_error_errno(err, SW_EIO, "cannot open '%s'", path);
	}
	free(dir);
	free(path);
	return fp;
}

/* Writes @b's lines to @fp, each indented and labelled ("    out| ..."). */
static void put_lines(FILE *fp, const char *label, const struct sw_buf *b)
{
	const char *p = b->ptr, *end = b->ptr + b->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		fprintf(fp, "    %s| %.*s\n", label, (int)n, p);
		p += n + (nl != NULL);
	}
}

/* "lint src/a.ts (+2 more) 53.1 ms exit 0": hook, file, duration, outcome. */
static void run_line(struct sw_buf *b, const char *hook, const char *const *files, size_t nfiles,
		     const struct hooks_action *a, const struct sw_error *err)
{
	sw_buf_addf(b, "%s %s", hook, nfiles ? files[0] : "-");
	if (nfiles > 1)
		sw_buf_addf(b, " (+%zu more)", nfiles - 1);
	if (!a)
		sw_buf_addf(b, " not run: %s", err->msg);
	else if (a->timed_out)
		sw_buf_addf(b, " %.1f ms timeout", (double)a->duration_ns / 1e6);
	else if (a->term_signal)
		sw_buf_addf(b, " %.1f ms signal %d", (double)a->duration_ns / 1e6, a->term_signal);
	else
		sw_buf_addf(b, " %.1f ms exit %d", (double)a->duration_ns / 1e6, a->exit_status);
}

static void log_entry(FILE *log, const char *kind, const char *fmt, ...) SW_PRINTF(3, 4);

/* Appends one entry to the hook log @log (if any): "<UTC time> <kind> <message>". */
static void log_entry(FILE *log, const char *kind, const char *fmt, ...)
{
	char ts[32];
	va_list ap;

	if (!log)
		return;
	utc_stamp(ts, sizeof(ts));
	fprintf(log, "%s %s ", ts, kind);
	va_start(ap, fmt);
	vfprintf(log, fmt, ap);
	va_end(ap);
	fputc('\n', log);
	fflush(log);
}

/* A run's entry, with the command's output under it, written at once. */
static void log_run(FILE *log, const char *line, const struct hooks_action *a)
{
	char ts[32];

	if (!log)
		return;
	utc_stamp(ts, sizeof(ts));
	fprintf(log, "%s run %s\n", ts, line);
	if (a) {
		put_lines(log, "out", &a->out);
		put_lines(log, "err", &a->errout);
	}
	fflush(log);
}

/* A path given on the command line, relative to the workspace.  Caller frees. */
static int workspace_rel(char **out, const struct sw_ctx *ctx, const char *arg, struct sw_error *err)
{
	char *joined = sw_path_join(ctx->cwd, arg), *abs = sw_path_absolute(joined), *rel;

	free(joined);
	rel = sw_path_relative(abs, ctx->root);
	*out = NULL;
	if (!strcmp(rel, abs) || !strcmp(rel, ".")) {
		sw_error_set(err, SW_EINVAL, "'%s' is not a file inside the workspace '%s'", arg, ctx->root);
		free(rel);
		free(abs);
		return SW_EINVAL;
	}
	free(abs);
	*out = rel;
	return 0;
}

static const struct kiro_hook *find_hook(const struct kiro_hooks *hooks, const char *key)
{
	const struct kiro_hook *h = kiro_hooks_find(hooks, key);
	size_t i, best = (size_t)-1;
	const char *near = NULL;

	if (h)
		return h;
	fprintf(stderr, "specwright: no hook named '%s' in .kiro/hooks\n", key);
	for (i = 0; i < hooks->nr; i++) {
		size_t d = sw_edit_distance(key, hooks->v[i]->id);

		if (d < best) {
			best = d;
			near = hooks->v[i]->id;
		}
	}
	if (near && best <= 3)
		fprintf(stderr, "hint: did you mean '%s'?\n", near);
	else if (hooks->nr)
		fprintf(stderr, "hint: 'specwright hooks list' shows the %zu hook%s\n", hooks->nr,
			hooks->nr == 1 ? "" : "s");
	return NULL;
}

/* ---- hooks run ---- */

static int cmd_hooks_run(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright hooks run [--file PATH]... [--json] NAME",
		"\nRuns the hook NAME (an id or name from 'hooks list') once, now, as a userTriggered",
		"event, whatever its trigger.  --file names the files the run is about: the first is",
		"SPECWRIGHT_FILE, all are in the JSON event on the command's stdin.  The command's",
		"output is shown and appended to .kiro/run/hooks.log.  Exit status: 0 when the command",
		"exited with 0, 1 otherwise.",
		NULL,
	};
	struct kiro_hooks hooks = KIRO_HOOKS_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_strvec file_args = SW_STRVEC_INIT, files = SW_STRVEC_INIT;
	struct hooks_action_opts o = HOOKS_ACTION_OPTS_INIT;
	struct hooks_action *a = NULL;
	struct sw_buf line = SW_BUF_INIT;
	const struct kiro_hook *h;
	FILE *log = NULL;
	int json = ctx->json, rc = 1;
	size_t i;
	const struct sw_opt opts[] = {
		SW_OPT_LIST(0, "file", &file_args, "PATH", "a file the run is about (repeatable)"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};

	argc = sw_cmd_parse(argc, argv, opts, usage, 1);
	if (argc < 0) {
		rc = sw_opt_exit(argc);
		goto out;
	}
	if (!argc) {
		rc = sw_usage_error(usage, "which hook? give its name");
		goto out;
	}
	if (kiro_hooks_load(&hooks, ctx->root, &diags, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	sw_cmd_print_diags(&diags, ctx->root, SW_SEV_ERROR);
	if (!(h = find_hook(&hooks, argv[0])))
		goto out;
	if (!h->enabled) {
		sw_error_set(&err, SW_EINVAL, "hook '%s' is disabled (\"enabled\": false)", h->id);
		sw_error_at(&err, h->rel, h->line, h->col);
		rc = sw_cmd_fail(&err);
		goto out;
	}
	for (i = 0; i < file_args.nr; i++) {
		char *rel;

		if (workspace_rel(&rel, ctx, file_args.v[i], &err) < 0) {
			rc = sw_cmd_fail(&err);
			goto out;
		}
		sw_strvec_push_take(&files, rel);
	}
	o.hook = h;
	o.root = ctx->root;
	o.event = kiro_hook_trigger_name(KIRO_HOOK_USER_TRIGGERED);
	o.files = (const char *const *)files.v;
	log = open_log(ctx, NULL);
	if (hooks_action_run(&a, &o, &err) < 0) {
		run_line(&line, h->id, o.files, files.nr, NULL, &err);
		log_run(log, line.ptr, NULL);
		rc = sw_cmd_fail(&err);
		goto out;
	}
	run_line(&line, h->id, o.files, files.nr, a, NULL);
	log_run(log, line.ptr, a);
	if (json) {
		cJSON *doc = cJSON_CreateObject();

		cJSON_AddStringToObject(doc, "hook", h->id);
		cJSON_AddStringToObject(doc, "event", o.event);
		cJSON_AddItemToObject(doc, "files", sw_cmd_json_strs(files.v, files.nr));
		cJSON_AddBoolToObject(doc, "ok", a->ok);
		if (a->timed_out || a->term_signal)
			cJSON_AddNullToObject(doc, "exitCode");
		else
			cJSON_AddNumberToObject(doc, "exitCode", a->exit_status);
		cJSON_AddNumberToObject(doc, "signal", a->term_signal);
		cJSON_AddBoolToObject(doc, "timedOut", a->timed_out);
		cJSON_AddNumberToObject(doc, "durationMs", (double)a->duration_ns / 1e6);
		cJSON_AddStringToObject(doc, "stdout", a->out.ptr);
		cJSON_AddStringToObject(doc, "stderr", a->errout.ptr);
		sw_cmd_json_print_take(doc);
	} else {
		struct sw_buf d = SW_BUF_INIT;

		fwrite(a->out.ptr, 1, a->out.len, stdout);
		fflush(stdout);
		fwrite(a->errout.ptr, 1, a->errout.len, stderr);
		hooks_action_describe(a, &d);
		if (a->ok)
			sw_info("hook '%s' %s in %.1f ms", h->id, d.ptr, (double)a->duration_ns / 1e6);
		else if (a->timed_out)
			sw_errorf("hook '%s' %s", h->id, d.ptr);
		else
			sw_errorf("hook '%s' %s after %.1f ms", h->id, d.ptr, (double)a->duration_ns / 1e6);
		sw_buf_release(&d);
	}
	rc = a->ok ? 0 : 1;
out:
	if (log)
		fclose(log);
	hooks_action_free(a);
	sw_buf_release(&line);
	sw_strvec_clear(&file_args);
	sw_strvec_clear(&files);
	kiro_hooks_release(&hooks);
	sw_diags_release(&diags);
	return rc;
}

/* ---- hooks watch ---- */

struct watch_ui;

/* Saved files waiting to be re-indexed, and the batch being re-indexed. */
struct reindex {
	struct watch_ui *ui;
	uv_loop_t *loop;
	char *root;
	struct hooks_debounce *deb;
	struct sw_strvec pending;
	struct sw_strmap pending_set;
	struct sw_strvec job;   /* owned by the worker while busy */
	struct kb_db *db;       /* opened and used by the worker only */
	uv_work_t work;
	int busy;
	size_t touched;         /* worker: files that belong to a knowledge base */
	int rc;                 /* worker: first failure */
	struct sw_error err;
	int reported;           /* a failure was logged already */
};

static void ui_on_notice(enum hooks_notice level, const char *msg, void *data);

static void reindex_work(uv_work_t *w)
{
	struct reindex *ri = w->data;
	size_t i, n;

	ri->touched = 0;
	ri->rc = 0;
	if (!ri->db && (ri->rc = kb_open(&ri->db, ri->root, 0, &ri->err)) < 0)
		return;
	for (i = 0; i < ri->job.nr; i++) {
		n = 0;
		if ((ri->rc = kb_index_file(ri->db, ri->job.v[i], NULL, &n, &ri->err)) < 0)
			return;
		ri->touched += n > 0;
	}
}

static void reindex_start(struct reindex *ri);

static void reindex_done(uv_work_t *w, int status)
{
	struct reindex *ri = w->data;

	SW_UNUSED(status);
	ri->busy = 0;
	if (ri->rc < 0 && !ri->reported) {
		ui_on_notice(HOOKS_NOTICE_WARNING, "cannot refresh the knowledge index", ri->ui);
		ui_on_notice(HOOKS_NOTICE_WARNING, ri->err.msg, ri->ui);
		ri->reported = 1;
	} else if (ri->touched) {
		char msg[128];

		snprintf(msg, sizeof(msg), "knowledge index refreshed for %zu file%s", ri->touched,
			 ri->touched == 1 ? "" : "s");
		ui_on_notice(HOOKS_NOTICE_INFO, msg, ri->ui);
	}
	sw_strvec_clear(&ri->job);
	reindex_start(ri);
}

static void reindex_start(struct reindex *ri)
{
	size_t i;

	if (ri->busy || !ri->pending.nr || !ri->deb)
		return;
	for (i = 0; i < ri->pending.nr; i++)
		sw_strvec_push(&ri->job, ri->pending.v[i]);
	sw_strvec_clear(&ri->pending);
	sw_strmap_release(&ri->pending_set);
	ri->busy = 1;
	ri->work.data = ri;
	uv_queue_work(ri->loop, &ri->work, reindex_work, reindex_done);
}

static void reindex_item(const struct hooks_debounce_item *it, void *data)
{
	struct reindex *ri = data;

	if (!sw_strmap_get(&ri->pending_set, it->path)) {
		sw_strmap_put(&ri->pending_set, it->path, (void *)1);
		sw_strvec_push(&ri->pending, it->path);
	}
	reindex_start(ri);
}

static void reindex_stop(struct reindex *ri)
{
	if (!ri)
		return;
	hooks_debounce_free(ri->deb);
	ri->deb = NULL; /* a batch still running finishes; nothing new starts */
}

static void reindex_free(struct reindex *ri)
{
	if (!ri)
		return;
	kb_close(ri->db);
	sw_strvec_clear(&ri->pending);
	sw_strvec_clear(&ri->job);
	sw_strmap_release(&ri->pending_set);
	free(ri->root);
	free(ri);
}

struct watch_ui {
	struct reindex *reindex; /* NULL without a knowledge index */
	const struct sw_ctx *ctx;
	FILE *log;          /* the hook log (stdout itself in a daemon) */
	int live;           /* foreground: a line per run on stdout */
	char *status_path;
	char started[32];
	uv_loop_t *loop;
	struct hooks_runner *r;
	uv_signal_t sigint, sigterm;
};

static void reindex_on_file(const struct hooks_event *ev, void *data)
{
	struct watch_ui *ui = data;

	if (ui->reindex && ui->reindex->deb)
		hooks_debounce_push(ui->reindex->deb, ev);
}

/*
 * Replaces a runtime file of .kiro/run (not a user file) by write and
 * rename, without sw_write_atomic's fsyncs: they would block the loop for
 * milliseconds after every run, delaying the next save's hook, and the
 * file is rewritten anyway.
 */
static void write_runtime_file(const char *path, const struct sw_buf *b)
{
	struct sw_buf tmp = SW_BUF_INIT;
	int fd;

	sw_buf_addf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		int ok = write(fd, b->ptr, b->len) == (ssize_t)b->len;

		if (close(fd) == 0 && ok && rename(tmp.ptr, path) == 0)
			goto out;
		unlink(tmp.ptr);
	}
out:
	sw_buf_release(&tmp);
}

static void write_status(struct watch_ui *ui)
{
	struct sw_buf b = SW_BUF_INIT;
	cJSON *doc;
	char now[32];

	if (!ui->r)
		return;
	doc = hooks_runner_status(ui->r);
	utc_stamp(now, sizeof(now));
	cJSON_AddNumberToObject(doc, "pid", (double)getpid());
	cJSON_AddStringToObject(doc, "started", ui->started);
	cJSON_AddStringToObject(doc, "updated", now);
	sw_json_print(&b, doc, 1);
	sw_buf_addch(&b, '\n');
	write_runtime_file(ui->status_path, &b);
	cJSON_Delete(doc);
	sw_buf_release(&b);
}

static void ui_on_run(const struct hooks_run_report *rep, void *data)
{
	struct watch_ui *ui = data;
	struct sw_buf line = SW_BUF_INIT;

	/*
	 * Status first: whoever sees the run in the log can then rely on
	 * 'hooks status' counting it too.
	 */
	write_status(ui);
	run_line(&line, rep->hook_id, rep->files, rep->nfiles, rep->action, rep->err);
	if (rep->followup)
		sw_buf_adds(&line, " (follow-up)");
	log_run(ui->log, line.ptr, rep->action);
	if (ui->live) {
		printf("%s\n", line.ptr);
		fflush(stdout);
		if (rep->action && !rep->action->ok)
			put_lines(stderr, rep->hook_id, &rep->action->errout);
	}
	sw_buf_release(&line);
}

static void ui_on_notice(enum hooks_notice level, const char *msg, void *data)
{
	struct watch_ui *ui = data;
	static const char *const names[] = { "info", "warning", "error" };

	log_entry(ui->log, names[level], "%s", msg);
	write_status(ui); /* a pause or reload changes what status shows */
	if (!ui->live)
		return;
	if (level == HOOKS_NOTICE_ERROR)
		sw_errorf("%s", msg);
	else if (level == HOOKS_NOTICE_WARNING)
		sw_warn("%s", msg);
	else
		sw_info("%s", msg);
}

static void on_stop_signal(uv_signal_t *s, int signum)
{
	struct watch_ui *ui = s->data;

	SW_UNUSED(signum);
	hooks_runner_free(ui->r);
	ui->r = NULL;
	reindex_stop(ui->reindex);
	uv_close((uv_handle_t *)&ui->sigint, NULL);
	uv_close((uv_handle_t *)&ui->sigterm, NULL);
}

struct watch_cfg {
	long debounce_ms;
	long max_followups;
	int live;
	int ready_fd; /* daemon: where to say "ok PID" or the error; -1 in the foreground */
};

static void tell_parent(int fd, const char *fmt, ...) SW_PRINTF(2, 3);

static void tell_parent(int fd, const char *fmt, ...)
{
	struct sw_buf b = SW_BUF_INIT;
	va_list ap;

	if (fd < 0)
		return;
	va_start(ap, fmt);
	sw_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (write(fd, b.ptr, b.len) < 0) {
		/* the parent is gone: nothing to tell */
	}
	sw_buf_release(&b);
}

/* Holds the lock, runs the engine until SIGINT/SIGTERM.  Returns the exit code. */
static int watch_run(const struct sw_ctx *ctx, const struct watch_cfg *cfg)
{
	struct hooks_runner_opts o = HOOKS_RUNNER_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct watch_ui ui;
	struct hooks_watch_stats st;
	char *dir = run_path(ctx, ""), *pid_path = run_path(ctx, "hooks.pid");
	char pidtext[32];
	uv_loop_t loop;
	int lock = -1, rc = 1, loop_open = 0;

	memset(&ui, 0, sizeof(ui));
	ui.ctx = ctx;
	ui.live = cfg->live;
	ui.status_path = run_path(ctx, "hooks.status.json");
	utc_stamp(ui.started, sizeof(ui.started));
	if (sw_mkdir_p(dir, &err) < 0)
		goto fail;
	if (sw_file_lock(&lock, pid_path, 0, &err) < 0) {
		struct sw_buf pid = SW_BUF_INIT;

		sw_read_file(&pid, pid_path, 64, NULL);
		sw_buf_trim(&pid);
		sw_error_set(&err, SW_ECONFLICT, "the hooks of '%s' are already watched by process %s "
			     "(see 'specwright hooks status')", ctx->root, pid.len ? pid.ptr : "?");
		sw_buf_release(&pid);
		goto fail;
	}
	snprintf(pidtext, sizeof(pidtext), "%ld\n", (long)getpid());
	if (sw_write_atomic(pid_path, pidtext, strlen(pidtext), &err) < 0)
		goto fail;
	if (cfg->live) {
		ui.log = open_log(ctx, &err);
		if (!ui.log)
			goto fail;
	} else {
		ui.log = stdout; /* a daemon's stdout is the log */
	}
	uv_loop_init(&loop);
	loop_open = 1;
	ui.loop = &loop;
	o.root = ctx->root;
	o.debounce_ms = cfg->debounce_ms;
	o.max_followups = (unsigned)cfg->max_followups;
	o.on_run = ui_on_run;
	o.on_notice = ui_on_notice;
	o.data = &ui;
	{
		char *db = sw_path_join(ctx->kiro_dir, KB_DB_NAME);

		if (sw_is_file(db)) {
			ui.reindex = sw_xcalloc(1, sizeof(*ui.reindex));
			ui.reindex->ui = &ui;
			ui.reindex->loop = &loop;
			ui.reindex->root = sw_xstrdup(ctx->root);
			hooks_debounce_new(&ui.reindex->deb, &loop, HOOKS_DEBOUNCE_DEFAULT_MS, reindex_item,
					   ui.reindex);
			o.on_file = reindex_on_file;
		}
		free(db);
	}
	if (hooks_runner_start(&ui.r, &loop, &o, &err) < 0)
		goto fail;
	uv_signal_init(&loop, &ui.sigint);
	uv_signal_init(&loop, &ui.sigterm);
	ui.sigint.data = ui.sigterm.data = &ui;
	uv_signal_start(&ui.sigint, on_stop_signal, SIGINT);
	uv_signal_start(&ui.sigterm, on_stop_signal, SIGTERM);
	write_status(&ui);
	hooks_watch_get_stats(hooks_runner_watcher(ui.r), &st);
	log_entry(ui.log, "info",
		  "watching '%s' (pid %ld): %zu files, %zu of %ld inotify watches, debounce %ld ms", ctx->root,
		  (long)getpid(), st.files, st.watches, st.max_user_watches,
		  cfg->debounce_ms < 0 ? (long)50 : cfg->debounce_ms);
	if (cfg->live)
		sw_info("watching '%s': %zu files, %zu of %ld inotify watches (Ctrl-C stops)", ctx->root,
			st.files, st.watches, st.max_user_watches);
	tell_parent(cfg->ready_fd, "ok %ld\n", (long)getpid());
	if (cfg->ready_fd >= 0)
		close(cfg->ready_fd);
	uv_run(&loop, UV_RUN_DEFAULT);
	rc = 0;
	goto out;
fail:
	tell_parent(cfg->ready_fd, "%s\n", err.msg);
	sw_report(&err);
out:
	hooks_runner_free(ui.r);
	reindex_stop(ui.reindex);
	if (loop_open) {
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_loop_close(&loop);
	}
	reindex_free(ui.reindex);
	if (lock >= 0) {
		unlink(pid_path);
		unlink(ui.status_path);
		sw_file_unlock(lock, pid_path);
	}
	if (ui.log && ui.log != stdout)
		fclose(ui.log);
	else
		log_entry(ui.log, "info", "stopped (pid %ld)", (long)getpid());
	free(ui.status_path);
	free(pid_path);
	free(dir);
	return rc;
}

/* Starts the watcher in the background; returns once it is watching (or has failed). */
static int watch_daemon(const struct sw_ctx *ctx, struct watch_cfg *cfg)
{
	struct sw_buf msg = SW_BUF_INIT;
	char *log_path = run_path(ctx, "hooks.log"), *dir = run_path(ctx, "");
	struct sw_error err = SW_ERROR_INIT;
	int pfd[2], status, rc = 1;
	pid_t pid;
	char buf[512];
	ssize_t n;

	if (sw_mkdir_p(dir, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		sw_error_errno(&err, SW_EIO, "cannot create a pipe");
		rc = sw_cmd_fail(&err);
		goto out;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		sw_error_errno(&err, SW_EIO, "cannot fork");
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (pid == 0) {
		int fd;

		close(pfd[0]);
		setsid();
		if (fork() != 0)
			_exit(0);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		setvbuf(stdout, NULL, _IOLBF, 0);
		cfg->live = 0;
		cfg->ready_fd = pfd[1];
		exit(watch_run(ctx, cfg));
	}
	close(pfd[1]);
	waitpid(pid, &status, 0);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			sw_buf_add(&msg, buf, (size_t)n);
	close(pfd[0]);
	sw_buf_rtrim(&msg);
	if (sw_starts_with(msg.ptr, "ok ")) {
		if (ctx->json)
			printf("{\"running\":true,\"pid\":%s,\"log\":\"" RUN_DIR "/hooks.log\"}\n", msg.ptr + 3);
		else
			printf("watching hooks of '%s' in the background (pid %s); log: " RUN_DIR "/hooks.log\n",
			       ctx->root, msg.ptr + 3);
		rc = 0;
	} else {
		fprintf(stderr, "specwright: %s\n", msg.len ? msg.ptr :
			"the hook watcher stopped before it was ready (see " RUN_DIR "/hooks.log)");
		rc = 1;
	}
out:
	sw_buf_release(&msg);
	free(log_path);
	free(dir);
	return rc;
}

static int cmd_hooks_watch(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright hooks watch [--foreground] [--debounce MS] [--max-followups N]",
		"\nWatches the workspace with inotify and runs the file hooks of .kiro/hooks",
		"(fileEdited, fileCreated, fileDeleted; v1 PostFileSave, PostFileCreate, PostFileDelete)",
		"when matching files change.  Without --foreground it runs in the background: its pid",
		"is in .kiro/run/hooks.pid, its log in .kiro/run/hooks.log; see 'hooks status' and",
		"'hooks stop'.  In the foreground it prints one line per run (hook, file, duration,",
		"exit code) until Ctrl-C.  Hook files are reloaded when they change.",
		NULL,
	};
	struct watch_cfg cfg = { -1, 0, 0, -1 };
	int foreground = 0;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL('f', "foreground", &foreground, "stay in the foreground, a line per run"),
		SW_OPT_INT(0, "debounce", &cfg.debounce_ms, "MS",
			   "quiet period per hook and file before a run (default 50)"),
		SW_OPT_INT(0, "max-followups", &cfg.max_followups, "N",
			   "follow-up runs per minute before a self-triggering hook is paused (default 10)"),
		SW_OPT_END,
	};

	argc = sw_cmd_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (cfg.debounce_ms < -1 || cfg.debounce_ms > 600000)
		return sw_usage_error(usage, "--debounce expects 0 to 600000 milliseconds");
	if (cfg.max_followups < 0 || cfg.max_followups > 100000)
		return sw_usage_error(usage, "--max-followups expects 1 to 100000");
	if (!foreground)
		return watch_daemon(ctx, &cfg);
	cfg.live = 1;
	return watch_run(ctx, &cfg);
}

/* ---- hooks status / stop ---- */

/* The pid of the live watcher of this workspace, 0 if none (its lock is free). */
static long live_watcher(const struct sw_ctx *ctx)
{
	char *pid_path = run_path(ctx, "hooks.pid");
	struct sw_buf text = SW_BUF_INIT;
	int fd = -1;
	long pid = 0;

	/*
	 * Only a lock held elsewhere (SW_ETIMEOUT) means a watcher: a
	 * workspace that never ran one has no .kiro/run to lock in.
	 */
	if (!sw_is_dir(ctx->kiro_dir))
		goto out;
	switch (sw_file_lock(&fd, pid_path, 0, NULL)) {
	case 0:
		sw_file_unlock(fd, pid_path);
		goto out;
	case SW_ETIMEOUT:
		break;
	default:
		goto out;
	}
	if (sw_read_file(&text, pid_path, 64, NULL) == 0)
		pid = strtol(text.ptr, NULL, 10);
	if (pid <= 0)
		pid = -1; /* locked, but the pid file is not written yet */
out:
	sw_buf_release(&text);
	free(pid_path);
	return pid;
}

/* The text form of 'hooks status' for the live watcher @pid, from its status file @doc. */
static void print_watcher(const cJSON *doc, long pid, const char *root)
{
	const cJSON *hooks, *h;

	printf("hook watcher running for '%s' (pid %ld, since %s)\n", root, pid,
	       cJSON_GetStringValue(cJSON_GetObjectItem(doc, "started")) ?
	       cJSON_GetStringValue(cJSON_GetObjectItem(doc, "started")) : "?");
	printf("  inotify watches: %.0f of %.0f (fs.inotify.max_user_watches); files: %.0f; runs: %.0f\n",
	       cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "watches")),
	       cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "maxUserWatches")),
	       cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "files")),
	       cJSON_GetNumberValue(cJSON_GetObjectItem(doc, "runs")));
	hooks = cJSON_GetObjectItem(doc, "hooks");
	cJSON_ArrayForEach(h, hooks) {
		const char *last = cJSON_GetStringValue(cJSON_GetObjectItem(h, "lastFile"));
		cJSON *ex = cJSON_GetObjectItem(h, "lastExit");

		printf("  %-32s %-14s %-9s runs %.0f", cJSON_GetStringValue(cJSON_GetObjectItem(h, "id")),
		       cJSON_GetStringValue(cJSON_GetObjectItem(h, "trigger")),
		       cJSON_GetStringValue(cJSON_GetObjectItem(h, "state")),
		       cJSON_GetNumberValue(cJSON_GetObjectItem(h, "runs")));
		if (cJSON_GetObjectItem(h, "lastDurationMs")) {
			printf(", last %s %.1f ms", last ? last : "-",
			       cJSON_GetNumberValue(cJSON_GetObjectItem(h, "lastDurationMs")));
			if (cJSON_IsNumber(ex))
				printf(" exit %.0f", cJSON_GetNumberValue(ex));
			else
				printf(" (no exit code)");
		}
		printf("\n");
	}
}

static int cmd_hooks_status(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright hooks status [--json]",
		"\nShows whether a hook watcher runs for this workspace, its inotify watch usage and the",
		"state of each hook (idle, running, paused, disabled, manual) with its last run.",
		NULL,
	};
	char *status_path;
	cJSON *doc = NULL;
	int json = ctx->json;
	long pid;

	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	status_path = run_path(ctx, "hooks.status.json");
	pid = live_watcher(ctx);
	if (pid && sw_json_parse_file(&doc, status_path, NULL) < 0)
		doc = NULL;
	if (!doc)
		doc = cJSON_CreateObject();
	cJSON_DeleteItemFromObject(doc, "running");
	cJSON_AddBoolToObject(doc, "running", pid != 0);
	if (json) {
		sw_cmd_json_print_take(doc);
		doc = NULL;
	} else if (!pid) {
		printf("no hook watcher is running for '%s' (start one with 'specwright hooks watch')\n",
		       ctx->root);
	} else {
		print_watcher(doc, pid, ctx->root);
	}
	cJSON_Delete(doc);
	free(status_path);
	return 0;
}

static int cmd_hooks_stop(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright hooks stop",
		"\nStops the hook watcher of this workspace (SIGTERM; SIGKILL after 10 s).  Runs in",
		"progress are killed.  Stopping when none runs is not an error.",
		NULL,
	};
	struct sw_error err = SW_ERROR_INIT;
	const struct sw_opt opts[] = { SW_OPT_END };
	char *pid_path;
	int fd = -1, rc = 0;
	long pid;

	argc = sw_cmd_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	pid_path = run_path(ctx, "hooks.pid");
	pid = live_watcher(ctx);
	if (!pid) {
		printf("no hook watcher is running for '%s'\n", ctx->root);
		goto out;
	}
	if (pid < 0 || kill((pid_t)pid, SIGTERM) < 0) {
		sw_error_set(&err, SW_EIO, "cannot stop the hook watcher: %s",
			     pid < 0 ? "its pid file is not written yet" : strerror(errno));
		rc = sw_cmd_fail(&err);
		goto out;
	}
	/* It releases the lock as it exits. */
	if (sw_file_lock(&fd, pid_path, 10000, NULL) < 0) {
		kill((pid_t)pid, SIGKILL);
		if (sw_file_lock(&fd, pid_path, 5000, &err) < 0) {
			rc = sw_cmd_fail(&err);
			goto out;
		}
		unlink(pid_path);
	}
	sw_file_unlock(fd, pid_path);
	/* The lock goes a moment before the process: "stopped" means it is gone. */
	{
		int waited = 0;

		while (kill((pid_t)pid, 0) == 0 && waited < 5000) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			nanosleep(&ts, NULL);
			waited += 10;
		}
	}
	printf("stopped the hook watcher (pid %ld)\n", pid);
out:
	free(pid_path);
	return rc;
}

int cmd_hooks(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const struct sw_cmd verbs[] = {
		{ "list", cmd_hooks_list, SW_CMD_NEEDS_WORKSPACE, "List the hooks of .kiro/hooks" },
		/* verbs that run hooks go below */
		{ "run", cmd_hooks_run, SW_CMD_NEEDS_WORKSPACE, "Run one hook now" },
		{ "watch", cmd_hooks_watch, SW_CMD_NEEDS_WORKSPACE, "Run file hooks when files are saved" },
		{ "status", cmd_hooks_status, SW_CMD_NEEDS_WORKSPACE, "Show the hook watcher of this workspace" },
		{ "stop", cmd_hooks_stop, SW_CMD_NEEDS_WORKSPACE, "Stop the hook watcher of this workspace" },

		{ NULL, NULL, 0, NULL },
	};

	return sw_cmd_dispatch("hooks", verbs, argc, argv, ctx);
}
