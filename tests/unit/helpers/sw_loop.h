/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sw_loop.h - running a libuv loop in unit tests without timing assertions.
 *
 * sw_test_loop_until() runs @loop until @done(@arg) returns 1, checking it
 * every few milliseconds, and fails the test after a generous @limit_ms.
 * sw_test_loop_settle() runs until *@counter has not moved for @quiet_ms
 * (and @done, if given, holds): used to wait for "every event has arrived"
 * before counting them.  Both are bounds for hanging tests, not measurements.
 */
#ifndef SW_LOOP_H
#define SW_LOOP_H

#include "base/compat.h"
#include <uv.h>

typedef int (*sw_test_done_fn)(void *arg);

void sw_test_loop_until(uv_loop_t *loop, sw_test_done_fn done, void *arg, uint64_t limit_ms);
void sw_test_loop_settle(uv_loop_t *loop, const uint64_t *counter, uint64_t quiet_ms,
			 sw_test_done_fn done, void *arg, uint64_t limit_ms);
/* Runs the loop until every handle is closed (after freeing watchers and timers). */
void sw_test_loop_drain(uv_loop_t *loop);

#endif
