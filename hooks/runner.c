/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runner.c - the hook engine (see runner.h).
 *
 * One struct hstate per hook id holds that hook's debouncer, its queue of
 * files waiting for a run, the run in progress, the content hashes it last
 * ran on, and the times of its recent follow-up runs.  States outlive hook
 * reloads (they are found again by id); a state whose hook disappeared is
 * freed as soon as it has no run.  Queues are drained by a zero-delay
 * "kick" timer, so every file that goes quiet in one loop turn joins the
 * same run.
 */
#include "base/compat.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/strmap.h"
#include "hooks/debounce.h"
#include "hooks/match.h"
#include "hooks/runner.h"
#include "kiro/hookfile.h"

#include <sys/stat.h>

#define HOOKS_DIR ".kiro/hooks"
#define HASH_MAX_BYTES (16u << 20) /* larger files are fingerprinted by size, mtime and inode */
#define FOLLOWUP_WINDOW_MS 60000
#define RUN_END_SLACK_MS 5 /* events read in the loop turn after the exit still count as the run's */
#define OWN_WRITE_MS 1000  /* a change last touched this close to a run's end is the run's own */

struct hstate {
	struct hooks_runner *r;
	char *id;
	const struct kiro_hook *hook;  /* in r->hooks; NULL when the hook is gone */
	struct hooks_debounce *deb;
	struct hooks_action *run;      /* the run going on, or NULL */
	uint64_t run_start_ms;         /* loop time the current (or last) run started */
	uint64_t run_end_ms;           /* loop time the last run ended (0 while none ended) */
	struct sw_strvec run_files;
	int run_followup;
	struct sw_strvec queue;        /* files waiting for the next run, in arrival order */
	struct sw_strmap queued;       /* the same files -> loop time of their latest event + 1 */
	int queue_followup;            /* something in the queue arrived during a run */
	struct sw_strmap seen;         /* path -> content hash it last ran on (as a pointer) */
	uint64_t *followup_ms;         /* start times of recent follow-up runs */
	size_t followup_nr, followup_alloc;
	int paused;
	uint64_t runs, failures, followups, unchanged, dropped;
	int last_exit;                 /* -1 before the first run, or when it did not exit */
	uint64_t last_ns;
	char *last_file;
	struct hstate *next;
};

struct hooks_runner {
	uv_loop_t *loop;
	char *root;
	struct hooks_watch *w;
	struct kiro_hooks hooks;
	struct hstate *states;
	uv_timer_t kick;
	uv_timer_t reload;
	int open_handles;
	int closing;
	long debounce_ms;
	unsigned max_followups;
	hooks_runner_run_cb on_run;
	hooks_runner_notice_cb on_notice;
	hooks_runner_file_cb on_file;
	void *data;
	uint64_t runs;
};

static void notice(struct hooks_runner *r, enum hooks_notice level, const char *fmt, ...) SW_PRINTF(3, 4);

static void notice(struct hooks_runner *r, enum hooks_notice level, const char *fmt, ...)
{
	struct sw_buf b = SW_BUF_INIT;
	va_list ap;

	if (!r->on_notice)
		return;
	va_start(ap, fmt);
	sw_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	r->on_notice(level, b.ptr, r->data);
	sw_buf_release(&b);
}

/* A fingerprint of @rel's content, never 0; 0 when it cannot be read. */
static uintptr_t content_hash(const struct hooks_runner *r, const char *rel)
{
	char *path = sw_path_join(r->root, rel);
	struct sw_buf data = SW_BUF_INIT;
	struct stat st;
	uint64_t h = 0;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	if ((uint64_t)st.st_size > HASH_MAX_BYTES || sw_read_file(&data, path, HASH_MAX_BYTES, NULL) < 0) {
		int64_t fp[3] = { (int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
				  (int64_t)st.st_ino };

		h = sw_hash64(fp, sizeof(fp), SW_HASH_SEED);
	} else {
		h = sw_hash64(data.ptr, data.len, SW_HASH_SEED);
	}
	h |= 1;
out:
	sw_buf_release(&data);
	free(path);
	return (uintptr_t)h;
}

static void on_kick(uv_timer_t *t);

/* Starts queued runs on the next loop turn (so one turn's files share a run). */
static void kick(struct hooks_runner *r)
{
	if (!r->closing && !uv_is_active((uv_handle_t *)&r->kick))
		uv_timer_start(&r->kick, on_kick, 0, 0);
}

static void hstate_free(struct hstate *hs)
{
	if (!hs)
		return;
	hooks_debounce_free(hs->deb);
	hooks_action_free(hs->run);
	sw_strvec_clear(&hs->run_files);
	sw_strvec_clear(&hs->queue);
	sw_strmap_release(&hs->queued);
	sw_strmap_release(&hs->seen);
	free(hs->followup_ms);
	free(hs->last_file);
	free(hs->id);
	free(hs);
}

static void hstate_unlink(struct hooks_runner *r, struct hstate *hs)
{
	struct hstate **pp;

	for (pp = &r->states; *pp; pp = &(*pp)->next) {
		if (*pp == hs) {
			*pp = hs->next;
			return;
		}
	}
}

static void clear_queue(struct hstate *hs)
{
	sw_strvec_clear(&hs->queue);
	sw_strmap_release(&hs->queued);
	hs->queue_followup = 0;
}

static void on_item(const struct hooks_debounce_item *item, void *data);

static struct hstate *hstate_get(struct hooks_runner *r, const char *id)
{
	struct hstate *hs;

	for (hs = r->states; hs; hs = hs->next)
		if (!strcmp(hs->id, id))
			return hs;
	hs = sw_xcalloc(1, sizeof(*hs));
	hs->r = r;
	hs->id = sw_xstrdup(id);
	hs->last_exit = -1;
	sw_strvec_clear(&hs->run_files);
	sw_strvec_clear(&hs->queue);
	hooks_debounce_new(&hs->deb, r->loop, (uint64_t)r->debounce_ms, on_item, hs);
	hs->next = r->states;
	r->states = hs;
	return hs;
}

/* ---- runs ---- */

static void report_run(struct hstate *hs, const struct hooks_action *a, const struct sw_error *err)
{
	struct hooks_runner *r = hs->r;
	struct hooks_run_report rep;

	r->runs++;
	hs->runs++;
	free(hs->last_file);
	hs->last_file = hs->run_files.nr ? sw_xstrdup(hs->run_files.v[0]) : NULL;
	if (a) {
		hs->last_exit = a->timed_out || a->term_signal ? -1 : a->exit_status;
		hs->last_ns = a->duration_ns;
		hs->failures += !a->ok;
	} else {
		hs->last_exit = -1;
		hs->last_ns = 0;
		hs->failures++;
	}
	if (!r->on_run)
		return;
	memset(&rep, 0, sizeof(rep));
	rep.hook_id = hs->id;
	rep.event = hs->hook ? kiro_hook_trigger_name(hs->hook->trigger) : "";
	rep.files = (const char *const *)hs->run_files.v;
	rep.nfiles = hs->run_files.nr;
	rep.followup = hs->run_followup;
	rep.action = a;
	rep.err = err;
	r->on_run(&rep, r->data);
}

/*
 * 1 if the change of @path last touched at loop time @last_ms is the
 * just-ended run's own write: a file the hook has run on before (as the
 * loop guard counts them; new files may be another writer's burst),
 * touched during the run, and no earlier than OWN_WRITE_MS (or the debounce
 * period, if longer) before its end.  Inotify does not say who wrote a
 * file; a write made shortly before the command exits is the common shape
 * of a hook rewriting its input, and the margin absorbs the time the exit
 * takes to reach us on a loaded machine.  An older change during a long
 * run (a save made meanwhile) stays queued.
 */
static int own_write(const struct hstate *hs, const char *path, uint64_t last_ms)
{
	uint64_t window = (uint64_t)hs->r->debounce_ms > OWN_WRITE_MS ? (uint64_t)hs->r->debounce_ms : OWN_WRITE_MS;

	return last_ms >= hs->run_start_ms && last_ms + window >= hs->run_end_ms &&
	       sw_strmap_get(&hs->seen, path) != NULL;
}

/* Records @path's content now as what the hook has seen. */
static void take_as_seen(struct hstate *hs, const char *path)
{
	uintptr_t h = content_hash(hs->r, path);

	if (h)
		sw_strmap_put(&hs->seen, path, (void *)h);
	else
		sw_strmap_remove(&hs->seen, path);
}

/* A path still settling: if the run wrote it, its change is dropped as unchanged once it settles. */
static void take_pending_as_seen(const char *path, uint64_t last_ms, void *data)
{
	struct hstate *hs = data;

	if (own_write(hs, path, last_ms))
		take_as_seen(hs, path);
}

/* Takes the run's own writes out of the queue of changes that settled during the run. */
static void unqueue_own_writes(struct hstate *hs)
{
	struct sw_strvec keep = SW_STRVEC_INIT;
	size_t i;

	for (i = 0; i < hs->queue.nr; i++) {
		const char *path = hs->queue.v[i];
		uintptr_t last = (uintptr_t)sw_strmap_get(&hs->queued, path);

		if (last && own_write(hs, path, (uint64_t)(last - 1))) {
			take_as_seen(hs, path);
			sw_strmap_remove(&hs->queued, path);
			hs->unchanged++;
		} else {
			sw_strvec_push(&keep, path);
		}
	}
	sw_strvec_clear(&hs->queue);
	hs->queue = keep;
	if (!hs->queue.nr)
		hs->queue_followup = 0;
}

static void on_done(struct hooks_action *a, void *data)
{
	struct hstate *hs = data;
	struct hooks_runner *r = hs->r;

	hs->run = NULL; /* idle again before anyone looks (the report writes the status) */
	hs->run_end_ms = uv_now(r->loop);
	if (!r->closing && hs->hook) {
		/* The kernel queued the run's last writes before its exit reached us: read them now. */
		hooks_watch_drain(r->w);
		hooks_debounce_each(hs->deb, take_pending_as_seen, hs);
		unqueue_own_writes(hs);
	}
	report_run(hs, a, NULL);
	hooks_action_free(a);
	sw_strvec_clear(&hs->run_files);
	if (!hs->hook) {
		hstate_unlink(r, hs);
		hstate_free(hs);
		return;
	}
	if (hs->queue.nr)
		kick(r);
}

/* Counts a follow-up run; 1 if the hook has had too many this minute and is now paused. */
static int too_many_followups(struct hstate *hs)
{
	struct hooks_runner *r = hs->r;
	uint64_t now = uv_now(r->loop);
	size_t i, keep = 0;

	for (i = 0; i < hs->followup_nr; i++)
		if (now - hs->followup_ms[i] < FOLLOWUP_WINDOW_MS)
			hs->followup_ms[keep++] = hs->followup_ms[i];
	hs->followup_nr = keep;
	SW_ALLOC_GROW(hs->followup_ms, hs->followup_nr + 1, hs->followup_alloc);
	hs->followup_ms[hs->followup_nr++] = now;
	hs->followups++;
	if (hs->followup_nr <= r->max_followups)
		return 0;
	hs->paused = 1;
	notice(r, HOOKS_NOTICE_WARNING,
	       "hook '%s' paused: it was re-triggered by changes made during its own runs %zu times "
	       "within a minute (limit %u); edit its hook file to resume",
	       hs->id, hs->followup_nr, r->max_followups);
	return 1;
}

static void start_run(struct hstate *hs)
{
	struct hooks_runner *r = hs->r;
	struct hooks_action_opts o = HOOKS_ACTION_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	size_t i;

	sw_strvec_clear(&hs->run_files);
	for (i = 0; i < hs->queue.nr; i++)
		sw_strvec_push(&hs->run_files, hs->queue.v[i]);
	hs->run_followup = hs->queue_followup;
	clear_queue(hs);
	if (!hs->hook || !hooks_match_on_files(hs->hook)) {
		sw_strvec_clear(&hs->run_files);
		return;
	}
	if (hs->run_followup && too_many_followups(hs)) {
		hs->dropped += hs->run_files.nr;
		sw_strvec_clear(&hs->run_files);
		return;
	}
	/* What this run starts from: a later change back to the same bytes is not new. */
	for (i = 0; i < hs->run_files.nr; i++) {
		uintptr_t h = content_hash(r, hs->run_files.v[i]);

		if (h)
			sw_strmap_put(&hs->seen, hs->run_files.v[i], (void *)h);
		else
			sw_strmap_remove(&hs->seen, hs->run_files.v[i]);
	}
	o.hook = hs->hook;
	o.root = r->root;
	o.event = kiro_hook_trigger_name(hs->hook->trigger);
	o.files = (const char *const *)hs->run_files.v;
	o.on_done = on_done;
	o.data = hs;
	hs->run_start_ms = uv_now(r->loop);
	hs->run_end_ms = 0;
	if (hooks_action_start(&hs->run, r->loop, &o, &err) < 0) {
		hs->run = NULL;
		report_run(hs, NULL, &err);
		sw_strvec_clear(&hs->run_files);
	}
}

static void on_kick(uv_timer_t *t)
{
	struct hooks_runner *r = t->data;
	struct hstate *hs;

	for (hs = r->states; hs && !r->closing; hs = hs->next)
		if (!hs->run && hs->queue.nr && !hs->paused)
			start_run(hs);
}

/*
 * 1 if a change first seen at loop time @first_ms happened while the hook
 * ran: during the current run, or during the last one (its writes are
 * usually delivered after it ended, once the debounce period is over).
 * Both ends are loop times of the same clock, so a write made just before
 * the command exited carries at most the exit's time.
 */
static int changed_during_run(const struct hstate *hs, uint64_t first_ms)
{
	if (hs->run)
		return first_ms >= hs->run_start_ms;
	return hs->run_end_ms && first_ms >= hs->run_start_ms && first_ms <= hs->run_end_ms + RUN_END_SLACK_MS;
}

/* A path of this hook went quiet: queue it if its net change fires the hook. */
static void on_item(const struct hooks_debounce_item *item, void *data)
{
	struct hstate *hs = data;

	if (!hs->hook || hs->paused || !hooks_match_kind(hs->hook, item->kind))
		return;
	if (item->kind != HOOKS_DELETED) {
		uintptr_t h = content_hash(hs->r, item->path);

		if (h && (uintptr_t)sw_strmap_get(&hs->seen, item->path) == h) {
			hs->unchanged++;
			return;
		}
	}
	if (!sw_strmap_put(&hs->queued, item->path, (void *)(uintptr_t)(item->last_ms + 1)))
		sw_strvec_push(&hs->queue, item->path);
	/*
	 * A file the hook has run on before, changed again while it ran: what a
	 * self-triggering hook looks like.  New files arriving during a run (a
	 * burst from another writer) are not.
	 */
	if (changed_during_run(hs, item->first_ms) && sw_strmap_get(&hs->seen, item->path))
		hs->queue_followup = 1;
	if (!hs->run)
		kick(hs->r);
}

/* ---- hook files ---- */

static void load_hooks(struct hooks_runner *r, int first)
{
	struct kiro_hooks fresh = KIRO_HOOKS_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct hstate *hs, *next;
	size_t i;

	if (kiro_hooks_load(&fresh, r->root, &diags, &err) < 0) {
		notice(r, HOOKS_NOTICE_ERROR, "cannot reload hooks: %s", err.msg);
		goto out;
	}
	for (i = 0; i < diags.nr; i++) {
		const struct sw_diag *d = &diags.v[i];

		notice(r, d->severity == SW_SEV_ERROR ? HOOKS_NOTICE_ERROR : HOOKS_NOTICE_WARNING,
		       "%s:%d:%d: %s", d->path ? d->path : HOOKS_DIR, d->line, d->col, d->msg);
	}
	for (hs = r->states; hs; hs = hs->next)
		hs->hook = NULL;
	for (i = 0; i < fresh.nr; i++) {
		hs = hstate_get(r, fresh.v[i]->id);
		hs->hook = fresh.v[i];
		hs->paused = 0; /* an edited hook file resumes a paused hook */
		hs->followup_nr = 0;
		if (!hooks_match_on_files(hs->hook))
			clear_queue(hs);
	}
	for (hs = r->states; hs; hs = next) {
		next = hs->next;
		if (!hs->hook && !hs->run) {
			hstate_unlink(r, hs);
			hstate_free(hs);
		} else if (!hs->hook) {
			clear_queue(hs);
		}
	}
	kiro_hooks_release(&r->hooks);
	r->hooks = fresh;
	fresh = (struct kiro_hooks)KIRO_HOOKS_INIT;
	if (!first)
		notice(r, HOOKS_NOTICE_INFO, "reloaded %zu hook%s", r->hooks.nr, r->hooks.nr == 1 ? "" : "s");
out:
	kiro_hooks_release(&fresh);
	sw_diags_release(&diags);
}

static void on_reload(uv_timer_t *t)
{
	load_hooks(t->data, 0);
}

static int is_hook_file(const char *path)
{
	const char *rest;

	return path && sw_skip_prefix(path, HOOKS_DIR "/", &rest) && *rest;
}

/* ---- watcher ---- */

static void push_if(struct hstate *hs, enum hooks_event_kind kind, const char *path)
{
	struct hooks_event ev = { kind, path, NULL, 0 };

	if (hooks_match_path(hs->hook, path))
		hooks_debounce_push(hs->deb, &ev);
}

static void on_event(const struct hooks_event *ev, void *data)
{
	struct hooks_runner *r = data;
	struct hstate *hs;

	if (r->on_file)
		r->on_file(ev, r->data);
	if (is_hook_file(ev->path) || is_hook_file(ev->from))
		uv_timer_start(&r->reload, on_reload, (uint64_t)r->debounce_ms, 0);
	for (hs = r->states; hs; hs = hs->next) {
		if (!hs->hook || !hooks_match_on_files(hs->hook))
			continue;
		if (hs->paused) {
			hs->dropped++;
			continue;
		}
		if (ev->kind == HOOKS_RENAMED) {
			/* A rename is the old path deleted and the new one created, each matched on its own. */
			push_if(hs, HOOKS_DELETED, ev->from);
			push_if(hs, HOOKS_CREATED, ev->path);
		} else {
			push_if(hs, ev->kind, ev->path);
		}
	}
}

static void on_watch_error(const struct sw_error *err, void *data)
{
	notice(data, HOOKS_NOTICE_ERROR, "%s", err->msg);
}

/* ---- lifecycle ---- */

static void on_handle_closed(uv_handle_t *h)
{
	struct hooks_runner *r = h->data;

	if (--r->open_handles == 0) {
		free(r->root);
		free(r);
	}
}

int hooks_runner_start(struct hooks_runner **out, uv_loop_t *loop, const struct hooks_runner_opts *o,
		       struct sw_error *err)
{
	struct hooks_watch_opts wo = HOOKS_WATCH_OPTS_INIT;
	struct hooks_runner *r;
	int rc;

	*out = NULL;
	assert(o->root);
	r = sw_xcalloc(1, sizeof(*r));
	r->loop = loop;
	r->root = sw_path_absolute(o->root);
	r->debounce_ms = o->debounce_ms < 0 ? HOOKS_DEBOUNCE_DEFAULT_MS : o->debounce_ms;
	r->max_followups = o->max_followups ? o->max_followups : HOOKS_DEFAULT_MAX_FOLLOWUPS;
	r->on_run = o->on_run;
	r->on_notice = o->on_notice;
	r->on_file = o->on_file;
	r->data = o->data;
	uv_timer_init(loop, &r->kick);
	uv_timer_init(loop, &r->reload);
	r->kick.data = r->reload.data = r;
	r->open_handles = 2;
	load_hooks(r, 1);
	wo.root = r->root;
	wo.ignore = o->ignore;
	wo.on_event = on_event;
	wo.on_error = on_watch_error;
	wo.data = r;
	rc = hooks_watch_start(&r->w, loop, &wo, err);
	if (rc < 0) {
		hooks_runner_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

size_t hooks_runner_running(const struct hooks_runner *r)
{
	const struct hstate *hs;
	size_t n = 0;

	for (hs = r->states; hs; hs = hs->next)
		n += hs->run != NULL;
	return n;
}

uint64_t hooks_runner_runs(const struct hooks_runner *r)
{
	return r->runs;
}

struct hooks_watch *hooks_runner_watcher(const struct hooks_runner *r)
{
	return r->w;
}

cJSON *hooks_runner_status(const struct hooks_runner *r)
{
	cJSON *doc = cJSON_CreateObject(), *arr;
	struct hooks_watch_stats st;
	size_t i;

	hooks_watch_get_stats(r->w, &st);
	cJSON_AddStringToObject(doc, "root", r->root);
	cJSON_AddNumberToObject(doc, "watches", (double)st.watches);
	cJSON_AddNumberToObject(doc, "maxUserWatches", (double)st.max_user_watches);
	cJSON_AddNumberToObject(doc, "files", (double)st.files);
	cJSON_AddNumberToObject(doc, "events", (double)st.events);
	cJSON_AddNumberToObject(doc, "overflows", (double)st.overflows);
	cJSON_AddNumberToObject(doc, "rescans", (double)st.rescans);
	cJSON_AddNumberToObject(doc, "debounceMs", (double)r->debounce_ms);
	cJSON_AddNumberToObject(doc, "runs", (double)r->runs);
	arr = cJSON_AddArrayToObject(doc, "hooks");
	for (i = 0; i < r->hooks.nr; i++) {
		const struct kiro_hook *h = r->hooks.v[i];
		const struct hstate *hs;
		cJSON *o = cJSON_CreateObject();
		const char *state = "idle";

		for (hs = r->states; hs && hs->hook != h; hs = hs->next)
			;
		if (!hooks_match_on_files(h))
			state = h->enabled ? "manual" : "disabled";
		else if (hs && hs->paused)
			state = "paused";
		else if (hs && hs->run)
			state = "running";
		cJSON_AddStringToObject(o, "id", h->id);
		cJSON_AddStringToObject(o, "trigger", kiro_hook_trigger_name(h->trigger));
		cJSON_AddStringToObject(o, "state", state);
		cJSON_AddNumberToObject(o, "runs", hs ? (double)hs->runs : 0);
		cJSON_AddNumberToObject(o, "failures", hs ? (double)hs->failures : 0);
		cJSON_AddNumberToObject(o, "followups", hs ? (double)hs->followups : 0);
		cJSON_AddNumberToObject(o, "unchanged", hs ? (double)hs->unchanged : 0);
		cJSON_AddNumberToObject(o, "queued", hs ? (double)hs->queue.nr : 0);
		if (hs && hs->runs) {
			if (hs->last_file)
				cJSON_AddStringToObject(o, "lastFile", hs->last_file);
			else
				cJSON_AddNullToObject(o, "lastFile");
			if (hs->last_exit >= 0)
				cJSON_AddNumberToObject(o, "lastExit", hs->last_exit);
			else
				cJSON_AddNullToObject(o, "lastExit");
			cJSON_AddNumberToObject(o, "lastDurationMs", (double)hs->last_ns / 1e6);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return doc;
}

void hooks_runner_free(struct hooks_runner *r)
{
	struct hstate *hs, *next;

	if (!r || r->closing)
		return;
	r->closing = 1;
	hooks_watch_free(r->w);
	for (hs = r->states; hs; hs = next) {
		next = hs->next;
		hstate_free(hs);
	}
	r->states = NULL;
	kiro_hooks_release(&r->hooks);
	uv_close((uv_handle_t *)&r->kick, on_handle_closed);
	uv_close((uv_handle_t *)&r->reload, on_handle_closed);
}
