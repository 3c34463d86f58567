/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Real inotify in temporary directories.  File operations run either
 * synchronously between loop turns (the kernel queues their events) or in a
 * child process while the loop runs (the races that matter: mkdir -p, moves).
 * Waits are generous bounds; assertions are on events, never on time.
 */
#include "helpers/sw_test.h"
#include "helpers/sw_loop.h"
#include "base/fs.h"
#include "base/proc.h"
#include "hooks/watch.h"

#include <sys/stat.h>
#include <unistd.h>

struct col {
	struct sw_strvec evs; /* "created a.txt", "renamed a -> b" */
	uint64_t count;
	uint64_t synthetic;
	struct sw_strvec errors;
};

static void on_ev(const struct hooks_event *ev, void *data)
{
	struct col *c = data;

	if (ev->from)
		sw_strvec_pushf(&c->evs, "%s %s -> %s", hooks_event_kind_name(ev->kind), ev->from, ev->path);
	else
		sw_strvec_pushf(&c->evs, "%s %s", hooks_event_kind_name(ev->kind), ev->path);
	c->count++;
	c->synthetic += ev->synthetic != 0;
}

static void on_err(const struct sw_error *err, void *data)
{
	struct col *c = data;

	sw_strvec_push(&c->errors, err->msg);
}

struct fixture {
	uv_loop_t loop;
	char *dir;
	struct hooks_watch *w;
	struct col c;
};

static void start(struct fixture *f, const char *const *ignore)
{
	struct hooks_watch_opts o = HOOKS_WATCH_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;

	o.root = f->dir;
	o.ignore = ignore;
	o.on_event = on_ev;
	o.on_error = on_err;
	o.data = &f->c;
	assert_sw_ok(hooks_watch_start(&f->w, &f->loop, &o, &err), &err);
}

static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	uv_loop_init(&f->loop);
	f->dir = sw_test_tmpdir();
	sw_strvec_clear(&f->c.evs);
	sw_strvec_clear(&f->c.errors);
}

static void teardown(struct fixture *f)
{
	hooks_watch_free(f->w);
	sw_test_loop_drain(&f->loop);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	sw_test_rmtree(f->dir);
	free(f->dir);
	sw_strvec_clear(&f->c.evs);
	sw_strvec_clear(&f->c.errors);
}

/* Lets queued events arrive: runs the loop until 150 ms pass without one. */
static void settle(struct fixture *f)
{
	sw_test_loop_settle(&f->loop, &f->c.count, 150, NULL, NULL, 20000);
}

struct at_least {
	const struct col *c;
	uint64_t n;
};

static int have_at_least(void *arg)
{
	const struct at_least *a = arg;

	return a->c->count >= a->n;
}

/* As settle(), but first waits for @n events in all (a move out of the tree is judged late). */
static void settle_for(struct fixture *f, uint64_t n)
{
	struct at_least a = { &f->c, n };

	sw_test_loop_settle(&f->loop, &f->c.count, 150, have_at_least, &a, 20000);
}

static int proc_done(void *arg)
{
	return ((struct sw_proc *)arg)->exited;
}

/* Runs @script with sh in the watched directory while the loop runs. */
static void run_sh(struct fixture *f, const char *script)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	const char *argv[] = { "sh", "-ec", script, NULL };
	struct sw_proc *p = NULL;

	o.argv = argv;
	o.cwd = f->dir;
	assert_sw_ok(sw_proc_start(&p, &f->loop, &o, &err), &err);
	sw_test_loop_until(&f->loop, proc_done, p, 60000);
	assert_int_equal(p->exit_status, 0);
	sw_proc_free(p);
	settle(f);
}

static void write_file(struct fixture *f, const char *rel, const char *text)
{
	sw_test_write(f->dir, rel, text);
}

static char *path_of(struct fixture *f, const char *rel)
{
	return sw_path_join(f->dir, rel);
}

static size_t count_of(const struct col *c, const char *line)
{
	size_t i, n = 0;

	for (i = 0; i < c->evs.nr; i++)
		n += !strcmp(c->evs.v[i], line);
	return n;
}

static void expect_events(const struct col *c, const char *const *want)
{
	size_t i;
	struct sw_buf got = SW_BUF_INIT;

	for (i = 0; i < c->evs.nr; i++)
		sw_buf_addf(&got, "  %s\n", c->evs.v[i]);
	for (i = 0; want[i]; i++)
		if (i >= c->evs.nr || strcmp(c->evs.v[i], want[i]))
			fail_msg("event %zu: expected '%s'; got:\n%s", i, want[i], got.ptr);
	if (c->evs.nr != i)
		fail_msg("expected %zu events, got %zu:\n%s", i, c->evs.nr, got.ptr);
	sw_buf_release(&got);
}

/*
 * Events @first.. are exactly the lines of @want, in any order (for
 * events whose order the kernel does not fix, such as rm -r's readdir order).
 */
static void expect_set_from(const struct col *c, size_t first, const char *const *want)
{
	struct sw_buf got = SW_BUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < c->evs.nr; i++)
		sw_buf_addf(&got, "  %s\n", c->evs.v[i]);
	for (i = 0; want[i]; i++) {
		size_t j, want_nr = 0, got_nr = 0;

		for (j = 0; want[j]; j++)
			want_nr += !strcmp(want[j], want[i]);
		for (j = first; j < c->evs.nr; j++)
			got_nr += !strcmp(c->evs.v[j], want[i]);
		if (got_nr != want_nr)
			fail_msg("'%s' expected %zu times from event %zu on, got %zu:\n%s", want[i], want_nr,
				 first, got_nr, got.ptr);
		n++;
	}
	if (c->evs.nr < first || c->evs.nr - first != n)
		fail_msg("expected %zu events from event %zu on, got %zu:\n%s", n, first,
			 c->evs.nr > first ? c->evs.nr - first : 0, got.ptr);
	sw_buf_release(&got);
}

static void watch__create_edit_delete(void **state)
{
	struct fixture f;
	char *p;
	FILE *fp;
	const char *want[] = { "created a.txt", "edited a.txt", "deleted a.txt", NULL };

	SW_UNUSED(state);
	setup(&f);
	start(&f, NULL);
	write_file(&f, "a.txt", "one\n");
	settle(&f);
	p = path_of(&f, "a.txt");
	fp = fopen(p, "a");
	assert_non_null(fp);
	fputs("two\n", fp);
	fclose(fp);
	settle(&f);
	assert_int_equal(unlink(p), 0);
	settle(&f);
	expect_events(&f.c, want);
	free(p);
	teardown(&f);
}

/* A drain reports what the kernel has queued now, without a loop turn. */
static void watch__drain_reports_queued_events_now(void **state)
{
	struct fixture f;
	const char *want[] = { "created a.txt", NULL };
	const char *want2[] = { "created a.txt", "edited a.txt", NULL };
	char *p;
	FILE *fp;

	SW_UNUSED(state);
	setup(&f);
	start(&f, NULL);
	write_file(&f, "a.txt", "one\n");
	hooks_watch_drain(f.w);
	expect_events(&f.c, want);
	hooks_watch_drain(f.w); /* nothing new queued: nothing reported */
	expect_events(&f.c, want);
	p = path_of(&f, "a.txt");
	fp = fopen(p, "a");
	assert_non_null(fp);
	fputs("two\n", fp);
	fclose(fp);
	hooks_watch_drain(f.w);
	expect_events(&f.c, want2);
	settle(&f);
	expect_events(&f.c, want2);
	free(p);
	teardown(&f);
}

/* An agent's save: a temporary file renamed over the target is one edit of the target. */
static void watch__atomic_save_is_one_edit(void **state)
{
	struct fixture f;
	struct sw_error err = SW_ERROR_INIT;
	char *p;
	const char *want[] = { "edited doc.md", NULL };

	SW_UNUSED(state);
	setup(&f);
	write_file(&f, "doc.md", "v1\n");
	start(&f, NULL);
	p = path_of(&f, "doc.md");
	assert_sw_ok(sw_write_atomic(p, "v2\n", 3, &err), &err); /* ".doc.md.tmp.PID.N" */
	settle(&f);
	expect_events(&f.c, want);
	/* A writer whose temporary name is not recognised: still no create/delete of the target. */
	sw_strvec_clear(&f.c.evs);
	run_sh(&f, "printf v3 > doc.md.new && mv doc.md.new doc.md");
	assert_int_equal(count_of(&f.c, "edited doc.md"), 1);
	assert_int_equal(count_of(&f.c, "created doc.md"), 0);
	assert_int_equal(count_of(&f.c, "deleted doc.md"), 0);
	free(p);
	teardown(&f);
}

/* vim's sequence: probe file 4913, swap file, rename to backup~, write anew, drop backup. */
static void watch__vim_save_sequence(void **state)
{
	struct fixture f;
	const char *want[] = { "deleted main.c", "created main.c", NULL };

	SW_UNUSED(state);
	setup(&f);
	write_file(&f, "main.c", "int x;\n");
	start(&f, NULL);
	run_sh(&f, "printf s > .main.c.swp; : > 4913; rm 4913; mv main.c main.c~; "
		   "printf 'int y;\\n' > main.c; rm main.c~; printf t >> .main.c.swp; rm .main.c.swp; "
		   ": > .#main.c; rm .#main.c");
	expect_events(&f.c, want); /* the debouncer turns this pair into one edit */
	teardown(&f);
}

/* The watch on a new directory comes before its scan: nothing created right after mkdir -p is lost. */
static void watch__mkdir_p_then_touch(void **state)
{
	struct fixture f;
	int round;

	SW_UNUSED(state);
	setup(&f);
	start(&f, NULL);
	for (round = 0; round < 5; round++) {
		char script[256], line[128];

		snprintf(script, sizeof(script), "mkdir -p r%d/a/b/c && touch r%d/a/b/c/f && echo x > r%d/a/g",
			 round, round, round);
		run_sh(&f, script);
		snprintf(line, sizeof(line), "created r%d/a/b/c/f", round);
		assert_int_equal(count_of(&f.c, line), 1);
		snprintf(line, sizeof(line), "created r%d/a/g", round);
		assert_int_equal(count_of(&f.c, line), 1);
	}
	for (round = 0; round < (int)f.c.evs.nr; round++)
		assert_null(strstr(f.c.evs.v[round], "deleted"));
	teardown(&f);
}

/*
 * A file written right after its directory was created can be read by the
 * directory's scan before the write ends: watch.h allows an EDITED after
 * the CREATED then.  Drops that one EDITED of @rel if it is the last event.
 */
static void drop_edit_after_scan(struct col *c, const char *rel)
{
	char created[256], edited[256];

	snprintf(created, sizeof(created), "created %s", rel);
	snprintf(edited, sizeof(edited), "edited %s", rel);
	if (c->evs.nr >= 2 && !strcmp(c->evs.v[c->evs.nr - 2], created) &&
	    !strcmp(c->evs.v[c->evs.nr - 1], edited)) {
		free(c->evs.v[--c->evs.nr]);
		c->evs.v[c->evs.nr] = NULL;
		c->count--;
	}
}

static void watch__renames_and_directory_moves(void **state)
{
	struct fixture f;
	const char *want[] = {
		"renamed a.txt -> b.txt", "created d/x", "renamed d/x -> e/x", "created e/y", NULL,
	};
	/* Reported by the rm -r (in its readdir order) or by the move out: a set. */
	const char *gone[] = { "deleted e/x", "deleted e/y", NULL };

	SW_UNUSED(state);
	setup(&f);
	write_file(&f, "a.txt", "a");
	start(&f, NULL);
	run_sh(&f, "mv a.txt b.txt");
	run_sh(&f, "mkdir d && echo x > d/x");
	drop_edit_after_scan(&f.c, "d/x");
	run_sh(&f, "mv d e");
	run_sh(&f, "echo y > e/y"); /* the moved directory's watch follows it */
	expect_events(&f.c, want);
	run_sh(&f, "mkdir -p ../outside-$$ && mv e ../outside-$$/e && rm -r ../outside-$$");
	settle_for(&f, 6);
	expect_set_from(&f.c, 4, gone);
	teardown(&f);
}

static void watch__ignored_and_temporary_files_never_fire(void **state)
{
	struct fixture f;
	const char *extra[] = { "secret/", NULL };
	const char *want[] = { "created keep.txt", NULL };

	SW_UNUSED(state);
	setup(&f);
	write_file(&f, ".gitignore", "*.log\nout/\n");
	write_file(&f, "sub/.gitignore", "local.txt\n");
	start(&f, extra);
	run_sh(&f, "echo 1 > a.log; mkdir -p out/x && echo 1 > out/x/y; mkdir -p .git && echo 1 > .git/HEAD; "
		   "echo 1 > x.swp; echo 1 > x~; : > 4913; echo 1 > .#x; mkdir -p secret && echo 1 > secret/k; "
		   "echo 1 > sub/local.txt; mkdir -p node_modules/p && echo 1 > node_modules/p/i.js; "
		   "echo 1 > keep.txt");
	expect_events(&f.c, want);
	teardown(&f);
}

/* The overflow path, run directly: changes made behind the watcher's back are found by diffing. */
static void watch__rescan_reports_differences(void **state)
{
	struct fixture f;
	struct sw_error err = SW_ERROR_INIT;
	struct hooks_watch_stats st;
	char *p;
	int n;

	SW_UNUSED(state);
	setup(&f);
	write_file(&f, "same.txt", "s");
	write_file(&f, "changed.txt", "c");
	write_file(&f, "gone.txt", "g");
	start(&f, NULL);
	/* Done without running the loop: the watcher has not read these events yet. */
	write_file(&f, "changed.txt", "longer");
	write_file(&f, "new/dir/new.txt", "n");
	p = path_of(&f, "gone.txt");
	assert_int_equal(unlink(p), 0);
	free(p);
	n = hooks_watch_rescan(f.w, &err);
	assert_sw_ok(n, &err);
	assert_int_equal(n, 3);
	assert_int_equal(count_of(&f.c, "edited changed.txt"), 1);
	assert_int_equal(count_of(&f.c, "created new/dir/new.txt"), 1);
	assert_int_equal(count_of(&f.c, "deleted gone.txt"), 1);
	assert_int_equal(f.c.synthetic, 3);
	hooks_watch_get_stats(f.w, &st);
	assert_int_equal(st.rescans, 1);
	assert_int_equal(st.files, 3);
	assert_int_equal(st.watches, 3); /* ., new, new/dir */
	/* A second rescan finds nothing new. */
	assert_int_equal(hooks_watch_rescan(f.w, &err), 0);
	teardown(&f);
}

/*
 * A real overflow without root: more events than max_queued_events are queued
 * while the loop is not reading, so the kernel drops them and queues
 * IN_Q_OVERFLOW; the watcher must rescan and report every file.
 */
static void watch__queue_overflow_triggers_rescan(void **state)
{
	struct fixture f;
	struct hooks_watch_stats st;
	struct sw_buf b = SW_BUF_INIT;
	long max_queued = -1;
	int i, n;

	SW_UNUSED(state);
	setup(&f);
	if (sw_read_file(&b, "/proc/sys/fs/inotify/max_queued_events", 64, NULL) == 0)
		max_queued = strtol(b.ptr, NULL, 10);
	sw_buf_release(&b);
	if (max_queued <= 0 || max_queued > 100000) {
		teardown(&f);
		skip();
	}
	n = (int)max_queued / 2 + 500; /* two events per file: create and close */
	start(&f, NULL);
	for (i = 0; i < n; i++) {
		char rel[32];
		char *p;
		FILE *fp;

		snprintf(rel, sizeof(rel), "f%05d", i);
		p = path_of(&f, rel);
		fp = fopen(p, "w");
		assert_non_null(fp);
		fputs("x", fp);
		fclose(fp);
		free(p);
	}
	settle(&f);
	hooks_watch_get_stats(f.w, &st);
	assert_true(st.overflows >= 1);
	assert_true(st.rescans >= 1);
	assert_int_equal(st.files, (size_t)n);
	for (i = 0; i < n; i++) {
		char line[48];

		snprintf(line, sizeof(line), "created f%05d", i);
		if (count_of(&f.c, line) != 1)
			fail_msg("'%s' reported %zu times", line, count_of(&f.c, line));
	}
	teardown(&f);
}

static void watch__temp_names(void **state)
{
	const char *temp[] = { "a.swp", ".a.c.swp", "a.c~", "4913", ".#a.c", "#a.c#", ".a.c.tmp.123.0",
			       "a.c.tmp.4567.1700000000", "a.c___jb_tmp___", NULL };
	const char *real[] = { "a.c", "swp", "a.tmp", "tmp.c", "49130", "a#", "a.c.tmpl", NULL };
	int i;

	SW_UNUSED(state);
	for (i = 0; temp[i]; i++)
		if (!hooks_watch_is_temp_name(temp[i]))
			fail_msg("'%s' should be a temporary name", temp[i]);
	for (i = 0; real[i]; i++)
		if (hooks_watch_is_temp_name(real[i]))
			fail_msg("'%s' should not be a temporary name", real[i]);
}

static void watch__missing_root_is_not_found(void **state)
{
	struct hooks_watch_opts o = HOOKS_WATCH_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct hooks_watch *w = NULL;
	uv_loop_t loop;

	SW_UNUSED(state);
	uv_loop_init(&loop);
	o.root = "/nonexistent/specwright-watch";
	o.on_event = on_ev;
	assert_int_equal(hooks_watch_start(&w, &loop, &o, &err), SW_ENOTFOUND);
	assert_null(w);
	assert_non_null(strstr(err.msg, "no such directory"));
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(watch__create_edit_delete),
		cmocka_unit_test(watch__drain_reports_queued_events_now),
		cmocka_unit_test(watch__atomic_save_is_one_edit),
		cmocka_unit_test(watch__vim_save_sequence),
		cmocka_unit_test(watch__mkdir_p_then_touch),
		cmocka_unit_test(watch__renames_and_directory_moves),
		cmocka_unit_test(watch__ignored_and_temporary_files_never_fire),
		cmocka_unit_test(watch__rescan_reports_differences),
		cmocka_unit_test(watch__queue_overflow_triggers_rescan),
		cmocka_unit_test(watch__temp_names),
		cmocka_unit_test(watch__missing_root_is_not_found),
	};
	return sw_run_group("watch", tests);
}
