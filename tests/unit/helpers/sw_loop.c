/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sw_loop.c - loop runners for unit tests (see sw_loop.h).
 *
 * The runners add no handle to the loop and never let it block on its
 * own: each turn is uv_run(UV_RUN_NOWAIT) followed by a poll() of the
 * loop's backend descriptor for at most TICK_MS (less if a loop timer is
 * due sooner).  The bound is measured on the monotonic clock, so a loop
 * left with no timer, or with its timers disturbed, still ends in a test
 * failure rather than a hang.
 */
#include "base/compat.h"
#include "sw_loop.h"
#include "sw_test.h"

#include <poll.h>

#define TICK_MS 5

static uint64_t now_ms(void)
{
	return uv_hrtime() / 1000000u;
}

/* Waits until the loop has something to do, a timer is due, or TICK_MS pass. */
static void wait_tick(uv_loop_t *loop)
{
	struct pollfd pfd;
	int timeout = uv_backend_timeout(loop);

	if (timeout < 0 || timeout > TICK_MS)
		timeout = TICK_MS;
	pfd.fd = uv_backend_fd(loop);
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (timeout > 0)
		(void)poll(&pfd, 1, timeout);
}

/*
 * Runs @loop until @done holds and, when @counter is given, it has not
 * moved for @quiet_ms; fails the test after @limit_ms.
 */
static void run(uv_loop_t *loop, const uint64_t *counter, uint64_t quiet_ms, sw_test_done_fn done,
		void *arg, uint64_t limit_ms)
{
	uint64_t start = now_ms(), quiet_since = start, last = counter ? *counter : 0, now;

	for (;;) {
		int ok;

		uv_run(loop, UV_RUN_NOWAIT);
		now = now_ms();
		ok = !done || done(arg);
		if (counter) {
			if (*counter != last) {
				last = *counter;
				quiet_since = now;
			}
			ok = ok && now - quiet_since >= quiet_ms;
		}
		if (ok)
			return;
		if (now - start >= limit_ms)
			break;
		wait_tick(loop);
	}
	if (counter)
		fail_msg("loop did not settle within %llu ms (condition %s, %llu events counted, last one "
			 "%llu ms ago)",
			 (unsigned long long)limit_ms, !done || done(arg) ? "met" : "not met",
			 (unsigned long long)last, (unsigned long long)(now - quiet_since));
	fail_msg("loop did not reach its condition within %llu ms", (unsigned long long)limit_ms);
}

void sw_test_loop_until(uv_loop_t *loop, sw_test_done_fn done, void *arg, uint64_t limit_ms)
{
	run(loop, NULL, 0, done, arg, limit_ms);
}

void sw_test_loop_settle(uv_loop_t *loop, const uint64_t *counter, uint64_t quiet_ms,
			 sw_test_done_fn done, void *arg, uint64_t limit_ms)
{
	run(loop, counter, quiet_ms, done, arg, limit_ms);
}

void sw_test_loop_drain(uv_loop_t *loop)
{
	int i;

	for (i = 0; i < 1000 && uv_run(loop, UV_RUN_NOWAIT); i++)
		;
}
