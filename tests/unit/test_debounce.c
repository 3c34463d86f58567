/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The debouncer alone (net kinds, coalescing, order) and behind a real
 * watcher (vim and agent saves, a 10 000-file burst).  Counts and orders
 * only; waits are generous bounds.
 */
#include "helpers/sw_test.h"
#include "helpers/sw_loop.h"
#include "base/fs.h"
#include "base/proc.h"
#include "base/strmap.h"
#include "hooks/debounce.h"
#include "hooks/watch.h"

#include <unistd.h>

struct got {
	struct sw_strvec items; /* "edited a 3" (kind, path, events) */
	uint64_t count;
	struct sw_strmap per_path; /* path -> count (as a pointer-sized integer) */
};

static void on_item(const struct hooks_debounce_item *it, void *data)
{
	struct got *g = data;
	uintptr_t n = (uintptr_t)sw_strmap_get(&g->per_path, it->path);

	sw_strvec_pushf(&g->items, "%s %s %u", hooks_event_kind_name(it->kind), it->path, it->events);
	sw_strmap_put(&g->per_path, it->path, (void *)(n + 1));
	g->count++;
}

static void got_release(struct got *g)
{
	sw_strvec_clear(&g->items);
	sw_strmap_release(&g->per_path);
}

static void push(struct hooks_debounce *d, enum hooks_event_kind kind, const char *path, const char *from)
{
	struct hooks_event ev = { kind, path, from, 0 };

	hooks_debounce_push(d, &ev);
}

static int nothing_pending(void *arg)
{
	return hooks_debounce_pending(arg) == 0;
}

static void expect_items(const struct got *g, const char *const *want)
{
	struct sw_buf all = SW_BUF_INIT;
	size_t i;

	for (i = 0; i < g->items.nr; i++)
		sw_buf_addf(&all, "  %s\n", g->items.v[i]);
	for (i = 0; want[i]; i++)
		if (i >= g->items.nr || strcmp(g->items.v[i], want[i]))
			fail_msg("item %zu: expected '%s'; got:\n%s", i, want[i], all.ptr);
	if (i != g->items.nr)
		fail_msg("expected %zu items; got:\n%s", i, all.ptr);
	sw_buf_release(&all);
}

static void debounce__net_change_per_path(void **state)
{
	uv_loop_t loop;
	struct hooks_debounce *d;
	struct got g = { SW_STRVEC_INIT, 0, SW_STRMAP_INIT };
	const char *want[] = {
		"edited saved 2",   /* deleted (moved to backup), created: vim */
		"created new 3",    /* created, edited, edited */
		"deleted old 2",    /* edited, deleted */
		"edited same 1",
		"deleted a 1",      /* renamed a -> b */
		"created b 1",
		NULL,               /* tmp: created then deleted, cancelled */
	};

	SW_UNUSED(state);
	uv_loop_init(&loop);
	hooks_debounce_new(&d, &loop, 20, on_item, &g);
	push(d, HOOKS_CREATED, "new", NULL);
	push(d, HOOKS_EDITED, "new", NULL);
	push(d, HOOKS_DELETED, "saved", NULL);
	push(d, HOOKS_CREATED, "tmp", NULL);
	push(d, HOOKS_CREATED, "saved", NULL);
	push(d, HOOKS_EDITED, "old", NULL);
	push(d, HOOKS_EDITED, "new", NULL);
	push(d, HOOKS_DELETED, "old", NULL);
	push(d, HOOKS_DELETED, "tmp", NULL);
	push(d, HOOKS_EDITED, "same", NULL);
	push(d, HOOKS_RENAMED, "b", "a");
	assert_int_equal(hooks_debounce_pending(d), 7);
	sw_test_loop_until(&loop, nothing_pending, d, 10000);
	/* Delivered in the order the paths went quiet. */
	expect_items(&g, want);
	assert_int_equal(hooks_debounce_cancelled(d), 1);
	hooks_debounce_free(d);
	sw_test_loop_drain(&loop);
	assert_int_equal(uv_loop_close(&loop), 0);
	got_release(&g);
}

static void collect_pending(const char *path, uint64_t last_ms, void *data)
{
	struct sw_strvec *v = data;

	sw_strvec_pushf(v, "%s %llu", path, (unsigned long long)last_ms);
}

static void on_item_times(const struct hooks_debounce_item *it, void *data)
{
	struct sw_strvec *v = data;

	sw_strvec_pushf(v, "%s %llu %llu", it->path, (unsigned long long)it->first_ms,
			(unsigned long long)it->last_ms);
}

/* Pending paths are listed in deadline order with the loop time of their latest event. */
static void debounce__each_lists_pending_paths(void **state)
{
	uv_loop_t loop;
	struct hooks_debounce *d;
	struct sw_strvec seen = SW_STRVEC_INIT, items = SW_STRVEC_INIT;
	struct sw_buf want = SW_BUF_INIT;
	uint64_t t0, t1;

	SW_UNUSED(state);
	uv_loop_init(&loop);
	hooks_debounce_new(&d, &loop, 10000, on_item_times, &items);
	t0 = uv_now(&loop);
	push(d, HOOKS_EDITED, "a", NULL);
	push(d, HOOKS_EDITED, "b", NULL);
	usleep(20000);
	uv_update_time(&loop);
	t1 = uv_now(&loop);
	assert_true(t1 > t0);
	push(d, HOOKS_EDITED, "a", NULL); /* a moves behind b */
	hooks_debounce_each(d, collect_pending, &seen);
	assert_int_equal(seen.nr, 2);
	sw_buf_addf(&want, "b %llu", (unsigned long long)t0);
	assert_string_equal(seen.v[0], want.ptr);
	sw_buf_reset(&want);
	sw_buf_addf(&want, "a %llu", (unsigned long long)t1);
	assert_string_equal(seen.v[1], want.ptr);
	hooks_debounce_flush(d);
	assert_int_equal(items.nr, 2);
	sw_buf_reset(&want);
	sw_buf_addf(&want, "a %llu %llu", (unsigned long long)t0, (unsigned long long)t1);
	assert_string_equal(items.v[1], want.ptr);
	hooks_debounce_free(d);
	sw_test_loop_drain(&loop);
	assert_int_equal(uv_loop_close(&loop), 0);
	sw_strvec_clear(&seen);
	sw_strvec_clear(&items);
	sw_buf_release(&want);
}

struct later {
	struct hooks_debounce *d;
	int fired;
};

static void on_later(uv_timer_t *t)
{
	struct later *l = t->data;

	push(l->d, HOOKS_EDITED, "a", NULL);
	l->fired = 1;
	uv_close((uv_handle_t *)t, NULL);
}

/* Trailing edge: an event inside the quiet period restarts it; one item results. */
static void debounce__event_in_quiet_period_restarts_it(void **state)
{
	uv_loop_t loop;
	uv_timer_t t;
	struct hooks_debounce *d;
	struct got g = { SW_STRVEC_INIT, 0, SW_STRMAP_INIT };
	struct later l;
	const char *want[] = { "edited a 2", NULL };

	SW_UNUSED(state);
	uv_loop_init(&loop);
	/* A long quiet period, so the second push certainly lands inside it. */
	hooks_debounce_new(&d, &loop, 400, on_item, &g);
	l.d = d;
	l.fired = 0;
	push(d, HOOKS_EDITED, "a", NULL);
	uv_timer_init(&loop, &t);
	t.data = &l;
	uv_timer_start(&t, on_later, 10, 0);
	sw_test_loop_until(&loop, nothing_pending, d, 10000);
	assert_int_equal(l.fired, 1);
	expect_items(&g, want);
	hooks_debounce_free(d);
	sw_test_loop_drain(&loop);
	assert_int_equal(uv_loop_close(&loop), 0);
	got_release(&g);
}

static void debounce__flush_delivers_now(void **state)
{
	uv_loop_t loop;
	struct hooks_debounce *d;
	struct got g = { SW_STRVEC_INIT, 0, SW_STRMAP_INIT };
	const char *want[] = { "edited x 1", "created y 1", NULL };

	SW_UNUSED(state);
	uv_loop_init(&loop);
	hooks_debounce_new(&d, &loop, 60000, on_item, &g);
	push(d, HOOKS_EDITED, "x", NULL);
	push(d, HOOKS_CREATED, "y", NULL);
	hooks_debounce_flush(d);
	expect_items(&g, want);
	assert_int_equal(hooks_debounce_pending(d), 0);
	hooks_debounce_free(d);
	sw_test_loop_drain(&loop);
	assert_int_equal(uv_loop_close(&loop), 0);
	got_release(&g);
}

/* ---- behind a real watcher ---- */

/*
 * The save sequences below run each step as its own process (mv, rm), which
 * on a loaded machine can take longer than the default 50 ms; what they
 * test is the coalescing, so they use a quiet period no step outlasts.
 */
#define SLOW_STEPS_MS 1000

struct pipe {
	uv_loop_t loop;
	char *dir;
	struct hooks_watch *w;
	struct hooks_debounce *d;
	struct got g;
	uint64_t raw;
};

static void on_raw(const struct hooks_event *ev, void *data)
{
	struct pipe *p = data;

	p->raw++;
	hooks_debounce_push(p->d, ev);
}

static void pipe_start(struct pipe *p, const char *const *seed, uint64_t delay_ms)
{
	struct hooks_watch_opts o = HOOKS_WATCH_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	size_t i;

	memset(p, 0, sizeof(*p));
	sw_strvec_clear(&p->g.items);
	uv_loop_init(&p->loop);
	p->dir = sw_test_tmpdir();
	for (i = 0; seed && seed[i]; i += 2)
		sw_test_write(p->dir, seed[i], seed[i + 1]);
	hooks_debounce_new(&p->d, &p->loop, delay_ms, on_item, &p->g);
	o.root = p->dir;
	o.on_event = on_raw;
	o.data = p;
	assert_sw_ok(hooks_watch_start(&p->w, &p->loop, &o, &err), &err);
}

static int proc_exited(void *arg)
{
	return ((struct sw_proc *)arg)->exited;
}

/* Runs @script in the tree while the loop runs, then waits until every path has gone quiet. */
static void pipe_run(struct pipe *p, const char *script)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	const char *argv[] = { "bash", "-ec", script, NULL };
	struct sw_proc *child = NULL;

	o.argv = argv;
	o.cwd = p->dir;
	assert_sw_ok(sw_proc_start(&child, &p->loop, &o, &err), &err);
	sw_test_loop_until(&p->loop, proc_exited, child, 120000);
	assert_int_equal(child->exit_status, 0);
	sw_proc_free(child);
	sw_test_loop_settle(&p->loop, &p->raw, 300, nothing_pending, p->d, 120000);
}

static void pipe_stop(struct pipe *p)
{
	hooks_watch_free(p->w);
	hooks_debounce_free(p->d);
	sw_test_loop_drain(&p->loop);
	assert_int_equal(uv_loop_close(&p->loop), 0);
	sw_test_rmtree(p->dir);
	free(p->dir);
	got_release(&p->g);
}

static void debounce__vim_save_is_one_edit(void **state)
{
	struct pipe p;
	const char *seed[] = { "src/main.c", "int x;\n", NULL };
	const char *want[] = { "edited src/main.c 2", NULL };

	SW_UNUSED(state);
	pipe_start(&p, seed, SLOW_STEPS_MS);
	pipe_run(&p, "cd src; printf s > .main.c.swp; : > 4913; rm 4913; mv main.c main.c~; "
		     "printf 'int y;\\n' > main.c; rm main.c~; rm .main.c.swp");
	expect_items(&p.g, want);
	pipe_stop(&p);
}

static void debounce__agent_saves_are_one_edit_each(void **state)
{
	struct pipe p;
	const char *seed[] = { "a.ts", "1", "b.ts", "1", NULL };
	const char *want[] = { "edited a.ts 1", "edited b.ts 1", NULL };

	SW_UNUSED(state);
	pipe_start(&p, seed, SLOW_STEPS_MS);
	/* a.ts: an unrecognised temporary name; b.ts: temporary file kept open, then renamed. */
	pipe_run(&p, "printf 2 > a.ts.partial && mv a.ts.partial a.ts; "
		     "exec 3> b.ts.write; printf 2 >&3; mv b.ts.write b.ts; exec 3>&-");
	expect_items(&p.g, want);
	pipe_stop(&p);
}

/*
 * 10 000 files written in a burst, a fifth of them atomically (temporary
 * file, then rename): after debouncing, each is reported exactly once.  The
 * temporary names are the atomic writers' own (".name.tmp.PID.N"), which the
 * watcher never reports: with an unknown name, a rename done by a separate
 * process can land after the quiet period on a loaded machine.
 */
static void debounce__burst_of_10k_files_each_once(void **state)
{
	struct pipe p;
	size_t it = 0, n = 0;
	const char *k;
	void *v;

	SW_UNUSED(state);
	/*
	 * Each atomic save here is two processes (echo, then mv); on a loaded machine
	 * the gap between them can pass the default window, which would be a
	 * slow save, not a lost event.  A wide window tests coalescing, not speed.
	 */
	pipe_start(&p, NULL, 2000);
	pipe_run(&p, "mkdir -p burst/a burst/b; for i in $(seq 1 8000); do echo $i > burst/a/f$i; done; "
		     "for i in $(seq 1 2000); do "
		     "echo $i > burst/b/.f$i.tmp.$$.1; mv burst/b/.f$i.tmp.$$.1 burst/b/f$i; done");
	while (sw_strmap_next(&p.g.per_path, &it, &k, &v)) {
		if ((uintptr_t)v != 1)
			fail_msg("'%s' delivered %lu times", k, (unsigned long)(uintptr_t)v);
		n++;
	}
	assert_int_equal(n, 10000);
	assert_int_equal(p.g.count, 10000);
	for (it = 0; it < p.g.items.nr; it++)
		if (strncmp(p.g.items.v[it], "created burst/", 14))
			fail_msg("unexpected item '%s'", p.g.items.v[it]);
	pipe_stop(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(debounce__net_change_per_path),
		cmocka_unit_test(debounce__event_in_quiet_period_restarts_it),
		cmocka_unit_test(debounce__each_lists_pending_paths),
		cmocka_unit_test(debounce__flush_delivers_now),
		cmocka_unit_test(debounce__vim_save_is_one_edit),
		cmocka_unit_test(debounce__agent_saves_are_one_edit_each),
		cmocka_unit_test(debounce__burst_of_10k_files_each_once),
	};
	return sw_run_group("debounce", tests);
}
