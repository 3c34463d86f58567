/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sw_loop.c - loop runners for unit tests (see sw_loop.h).
 */
#include "base/compat.h"
#include "sw_loop.h"
#include "sw_test.h"

struct tick {
	sw_test_done_fn done;
	void *arg;
	const uint64_t *counter;
	uint64_t last, quiet_since, quiet_ms, start, limit_ms;
	int finished, timed_out;
};

static void on_tick(uv_timer_t *t)
{
	struct tick *k = t->data;
	uint64_t now = uv_now(t->loop);
	int ok = !k->done || k->done(k->arg);

	if (k->counter) {
		if (*k->counter != k->last) {
			k->last = *k->counter;
			k->quiet_since = now;
		}
		ok = ok && now - k->quiet_since >= k->quiet_ms;
	}
	if (ok) {
		k->finished = 1;
	} else if (now - k->start >= k->limit_ms) {
		k->timed_out = 1;
		k->finished = 1;
	}
	if (k->finished)
		uv_timer_stop(t);
}

static void run(uv_loop_t *loop, struct tick *k)
{
	uv_timer_t t;

	uv_update_time(loop);
	k->start = k->quiet_since = uv_now(loop);
	uv_timer_init(loop, &t);
	t.data = k;
	uv_timer_start(&t, on_tick, 5, 5);
	while (!k->finished)
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	if (k->timed_out)
		fail_msg("loop did not reach its condition within %llu ms", (unsigned long long)k->limit_ms);
}

void sw_test_loop_until(uv_loop_t *loop, sw_test_done_fn done, void *arg, uint64_t limit_ms)
{
	struct tick k;

	memset(&k, 0, sizeof(k));
	k.done = done;
	k.arg = arg;
	k.limit_ms = limit_ms;
	run(loop, &k);
}

void sw_test_loop_settle(uv_loop_t *loop, const uint64_t *counter, uint64_t quiet_ms,
			 sw_test_done_fn done, void *arg, uint64_t limit_ms)
{
	struct tick k;

	memset(&k, 0, sizeof(k));
	k.done = done;
	k.arg = arg;
	k.counter = counter;
	k.last = *counter;
	k.quiet_ms = quiet_ms;
	k.limit_ms = limit_ms;
	run(loop, &k);
}

void sw_test_loop_drain(uv_loop_t *loop)
{
	int i;

	for (i = 0; i < 1000 && uv_run(loop, UV_RUN_NOWAIT); i++)
		;
}
