/* SPDX-License-Identifier: Apache-2.0 */
/*
 * debounce.h - trailing-edge debouncing of file events, per path.
 *
 * A hook owns one debouncer.  Every event for a path restarts that path's
 * quiet period; when a path has been quiet for the delay, the burst is
 * delivered as one item whose kind is the net change across the burst:
 *
 *   existed before   exists after   delivered
 *   no               yes            CREATED
 *   yes              yes            EDITED
 *   yes              no             DELETED
 *   no               no             nothing (a temporary file came and went)
 *
 * "Existed before" is read from the burst's first event (CREATED means it
 * did not), "exists after" from its last (DELETED means it does not).  A
 * RENAMED event is split into DELETED of the old path and CREATED of the new.
 * So a vim save (the file moved to a backup name, a new file written) is
 * one EDITED, and a save by write-then-rename is one EDITED of the target.
 *
 * Items are delivered in the order their quiet periods end.  One timer
 * serves all paths: with one delay, deadlines are ordered like the list of
 * last touches, so the list is kept in that order and the timer is armed for
 * its head.
 *
 * Calling sequence:
 *   1. hooks_debounce_new(&d, loop, 50, on_item, data)
 *   2. hooks_debounce_push(d, &event) from the watcher's callback, any number of times
 *   3. on_item(item, data) fires from the loop, once per quiet path
 *   4. hooks_debounce_free(d) (pending items are dropped; flush first to keep them)
 */
#ifndef HOOKS_DEBOUNCE_H
#define HOOKS_DEBOUNCE_H

#include "base/compat.h"
#include "hooks/watch.h"

#include <uv.h>

#define HOOKS_DEBOUNCE_DEFAULT_MS 50

struct hooks_debounce_item {
	const char *path;           /* borrowed for the callback */
	enum hooks_event_kind kind; /* CREATED, EDITED or DELETED */
	unsigned events;            /* raw events coalesced into this item */
	uint64_t first_ms;          /* loop time of the first event of the burst */
	uint64_t last_ms;           /* loop time of its latest event */
};

typedef void (*hooks_debounce_cb)(const struct hooks_debounce_item *item, void *data);

struct hooks_debounce;

/* A debouncer with quiet period @delay_ms (0: deliver on the next loop turn). */
void hooks_debounce_new(struct hooks_debounce **out, uv_loop_t *loop, uint64_t delay_ms,
			hooks_debounce_cb cb, void *data);
/* Records @ev (its strings are copied). */
void hooks_debounce_push(struct hooks_debounce *d, const struct hooks_event *ev);
/* Paths waiting for their quiet period to end. */
size_t hooks_debounce_pending(const struct hooks_debounce *d);
/* Called by hooks_debounce_each() with a pending path and the loop time of its latest event. */
typedef void (*hooks_debounce_pending_cb)(const char *path, uint64_t last_ms, void *data);
/* Calls @fn for every pending path, in deadline order; @fn must not push, flush or free. */
void hooks_debounce_each(const struct hooks_debounce *d, hooks_debounce_pending_cb fn, void *data);
/* Delivers every pending item now, in order. */
void hooks_debounce_flush(struct hooks_debounce *d);
/* Items never delivered because the burst cancelled out. */
uint64_t hooks_debounce_cancelled(const struct hooks_debounce *d);
/* Releases @d once the loop has closed its timer; pending items are dropped.  Accepts NULL. */
void hooks_debounce_free(struct hooks_debounce *d);

#endif
