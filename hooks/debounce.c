/* SPDX-License-Identifier: Apache-2.0 */
/*
 * debounce.c - per-path trailing-edge debouncer (see debounce.h).
 *
 * Pending paths live in a map (path -> struct pend) and in a doubly linked
 * list ordered by deadline: a touched entry moves to the tail, and since
 * every deadline is "last touch + delay" the list stays sorted.
 */
#include "base/compat.h"
#include "base/strmap.h"
#include "hooks/debounce.h"

struct pend {
	char *path;
	int existed;    /* before the burst */
	int exists;     /* after the latest event */
	unsigned events;
	uint64_t first_ms;
	uint64_t deadline;
	struct pend *prev, *next;
};

struct hooks_debounce {
	uv_loop_t *loop;
	uv_timer_t timer;
	uint64_t delay;
	hooks_debounce_cb cb;
	void *data;
	struct sw_strmap map; /* path -> struct pend * */
	struct pend *head, *tail;
	uint64_t cancelled;
	int closing;
};

static void unlink_pend(struct hooks_debounce *d, struct pend *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		d->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		d->tail = p->prev;
	p->prev = p->next = NULL;
}

static void append(struct hooks_debounce *d, struct pend *p)
{
	p->prev = d->tail;
	p->next = NULL;
	if (d->tail)
		d->tail->next = p;
	else
		d->head = p;
	d->tail = p;
}

static void on_timer(uv_timer_t *t);

static void arm(struct hooks_debounce *d)
{
	uint64_t now = uv_now(d->loop);

	if (d->closing || !d->head)
		return;
	uv_timer_start(&d->timer, on_timer, d->head->deadline > now ? d->head->deadline - now : 0, 0);
}

static void deliver(struct hooks_debounce *d, struct pend *p)
{
	struct hooks_debounce_item item;

	sw_strmap_remove(&d->map, p->path);
	unlink_pend(d, p);
	item.path = p->path;
	item.events = p->events;
	item.first_ms = p->first_ms;
	item.last_ms = p->deadline - d->delay;
	if (!p->existed && !p->exists) {
		d->cancelled++;
	} else {
		item.kind = !p->existed ? HOOKS_CREATED : p->exists ? HOOKS_EDITED : HOOKS_DELETED;
		d->cb(&item, d->data);
	}
	free(p->path);
	free(p);
}

static void on_timer(uv_timer_t *t)
{
	struct hooks_debounce *d = t->data;
	uint64_t now = uv_now(d->loop);

	while (!d->closing && d->head && d->head->deadline <= now)
		deliver(d, d->head);
	arm(d);
}

void hooks_debounce_new(struct hooks_debounce **out, uv_loop_t *loop, uint64_t delay_ms,
			hooks_debounce_cb cb, void *data)
{
	struct hooks_debounce *d = sw_xcalloc(1, sizeof(*d));

	d->loop = loop;
	d->delay = delay_ms;
	d->cb = cb;
	d->data = data;
	uv_timer_init(loop, &d->timer);
	d->timer.data = d;
	*out = d;
}

static void touch(struct hooks_debounce *d, const char *path, int existed, int exists)
{
	struct pend *p = sw_strmap_get(&d->map, path);
	uint64_t now = uv_now(d->loop);

	if (!p) {
		p = sw_xcalloc(1, sizeof(*p));
		p->path = sw_xstrdup(path);
		p->existed = existed;
		p->first_ms = now;
		sw_strmap_put(&d->map, path, p);
	} else {
		unlink_pend(d, p);
	}
	p->exists = exists;
	p->events++;
	p->deadline = now + d->delay;
	append(d, p);
	if (!uv_is_active((uv_handle_t *)&d->timer))
		arm(d);
}

void hooks_debounce_push(struct hooks_debounce *d, const struct hooks_event *ev)
{
	if (d->closing)
		return;
	switch (ev->kind) {
	case HOOKS_CREATED:
		touch(d, ev->path, 0, 1);
		break;
	case HOOKS_EDITED:
		touch(d, ev->path, 1, 1);
		break;
	case HOOKS_DELETED:
		touch(d, ev->path, 1, 0);
		break;
	case HOOKS_RENAMED:
		if (ev->from)
			touch(d, ev->from, 1, 0);
		touch(d, ev->path, 0, 1);
		break;
	}
}

size_t hooks_debounce_pending(const struct hooks_debounce *d)
{
	return d->map.nr;
}

void hooks_debounce_each(const struct hooks_debounce *d, hooks_debounce_pending_cb fn, void *data)
{
	const struct pend *p;

	for (p = d->head; p && !d->closing; p = p->next)
		fn(p->path, p->deadline - d->delay, data);
}

uint64_t hooks_debounce_cancelled(const struct hooks_debounce *d)
{
	return d->cancelled;
}

void hooks_debounce_flush(struct hooks_debounce *d)
{
	while (!d->closing && d->head)
		deliver(d, d->head);
	uv_timer_stop(&d->timer);
}

static void on_closed(uv_handle_t *h)
{
	struct hooks_debounce *d = h->data;
	struct pend *p, *next;

	for (p = d->head; p; p = next) {
		next = p->next;
		free(p->path);
		free(p);
	}
	sw_strmap_release(&d->map);
	free(d);
}

void hooks_debounce_free(struct hooks_debounce *d)
{
	if (!d || d->closing)
		return;
	d->closing = 1;
	uv_timer_stop(&d->timer);
	uv_close((uv_handle_t *)&d->timer, on_closed);
}
