// SPDX-License-Identifier: Apache-2.0
/*
 * sched.c - handing out a plan's tasks (plan.h, plan_sched_*).
 *
 * The tasks whose dependencies have all succeeded wait in a min-heap by
 * file position; plan_sched_next() pops until it finds one its barriers
 * (checkpoint segment, the file graph's open wave) and resources allow and
 * pushes the others back.  Failure propagates along the reverse edges and,
 * for the barriers, to every task behind the barrier.
 */
#include "dispatch/plan.h"

#include <string.h>

#include "base/strmap.h"

static void push(size_t **v, size_t *n, size_t *alloc, size_t x)
{
	SW_ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = x;
}

struct plan_sched {
	const struct plan *p;
	enum plan_state *state;
	size_t *unmet;              /* per task: dependencies not yet succeeded */
	size_t **rev;               /* per task: who depends on it */
	size_t *nrev, *arev;
	size_t *heap;               /* tasks with unmet == 0, waiting, by file position */
	size_t nheap, aheap;
	size_t *seg_left;           /* per segment: non-checkpoint tasks not succeeded */
	size_t nseg, cur_seg;
	int seg_broken;             /* a task of cur_seg (or before) failed */
	size_t *fw_left;            /* per file wave: required tasks not succeeded */
	size_t nfw, open_fw;        /* first file wave with fw_left > 0 */
	long fw_broken;             /* first file wave with a failed required task, -1 if none */
	struct sw_strmap held;      /* resource -> holder + 1 */
	size_t running, waiting;
	struct plan_conflict *conf; /* met by the last plan_sched_next() */
	size_t nconf, aconf;
};

const struct plan_conflict *plan_sched_conflicts(const struct plan_sched *s, size_t *n)
{
	*n = s->nconf;
	return s->conf;
}

static void heap_push(struct plan_sched *s, size_t t)
{
	size_t i;

	SW_ALLOC_GROW(s->heap, s->nheap + 1, s->aheap);
	i = s->nheap++;
	s->heap[i] = t;
	while (i) {
		size_t up = (i - 1) / 2, tmp;

		if (s->heap[up] <= s->heap[i])
			break;
		tmp = s->heap[up];
		s->heap[up] = s->heap[i];
		s->heap[i] = tmp;
		i = up;
	}
}

static size_t heap_pop(struct plan_sched *s)
{
	size_t top = s->heap[0], i = 0;

	s->heap[0] = s->heap[--s->nheap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i, tmp;

		if (l < s->nheap && s->heap[l] < s->heap[m])
			m = l;
		if (r < s->nheap && s->heap[r] < s->heap[m])
			m = r;
		if (m == i)
			break;
		tmp = s->heap[m];
		s->heap[m] = s->heap[i];
		s->heap[i] = tmp;
		i = m;
	}
	return top;
}

static int required_in_fw(const struct plan *p, size_t t)
{
	return p->v[t].file_wave >= 0 && !p->doc->tasks[p->v[t].ti].optional;
}

struct plan_sched *plan_sched_new(const struct plan *p)
{
	struct plan_sched *s = sw_xcalloc(1, sizeof(*s));
	size_t i, j;

	s->p = p;
	s->state = sw_xcalloc(p->n + 1, sizeof(*s->state));
	s->unmet = sw_xcalloc(p->n + 1, sizeof(*s->unmet));
	s->rev = sw_xcalloc(p->n + 1, sizeof(*s->rev));
	s->nrev = sw_xcalloc(p->n + 1, sizeof(*s->nrev));
	s->arev = sw_xcalloc(p->n + 1, sizeof(*s->arev));
	s->fw_broken = -1;
	for (i = 0; i < p->n; i++) {
		const struct plan_task *pt = &p->v[i];

		if (pt->why != PLAN_RUNS)
			continue;
		if (pt->segment + 1 > s->nseg)
			s->nseg = pt->segment + 1;
		if (pt->file_wave >= 0 && (size_t)pt->file_wave + 1 > s->nfw)
			s->nfw = (size_t)pt->file_wave + 1;
	}
	s->seg_left = sw_xcalloc(s->nseg + 1, sizeof(*s->seg_left));
	s->fw_left = sw_xcalloc(s->nfw + 1, sizeof(*s->fw_left));
	for (i = 0; i < p->n; i++) {
		const struct plan_task *pt = &p->v[i];

		if (pt->why != PLAN_RUNS)
			continue;
		s->waiting++;
		if (!pt->checkpoint)
			s->seg_left[pt->segment]++;
		if (required_in_fw(p, i))
			s->fw_left[pt->file_wave]++;
		s->unmet[i] = pt->ndeps;
		for (j = 0; j < pt->ndeps; j++)
			push(&s->rev[pt->deps[j]], &s->nrev[pt->deps[j]], &s->arev[pt->deps[j]], i);
		if (!pt->ndeps)
			heap_push(s, i);
	}
	while (s->open_fw < s->nfw && !s->fw_left[s->open_fw])
		s->open_fw++;
	return s;
}

void plan_sched_free(struct plan_sched *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->p->n; i++)
		free(s->rev[i]);
	free(s->rev);
	free(s->nrev);
	free(s->arev);
	free(s->state);
	free(s->unmet);
	free(s->heap);
	free(s->seg_left);
	free(s->fw_left);
	free(s->conf);
	sw_strmap_release(&s->held);
	free(s);
}

/* Barriers only: segment and file wave. */
static int barriers_allow(const struct plan_sched *s, size_t t)
{
	const struct plan_task *pt = &s->p->v[t];

	if (pt->segment != s->cur_seg)
		return 0;
	if (pt->checkpoint && s->seg_left[s->cur_seg])
		return 0;
	if (pt->file_wave >= 0 && (size_t)pt->file_wave > s->open_fw)
		return 0;
	return 1;
}

size_t plan_sched_next(struct plan_sched *s)
{
	size_t *back = NULL, nback = 0, aback = 0, found = PLAN_NONE, i;

	s->nconf = 0;
	while (s->nheap) {
		size_t t = heap_pop(s);
		const struct plan_task *pt = &s->p->v[t];
		void *holder = NULL;

		if (s->state[t] != PLAN_WAITING)
			continue; /* skipped while queued */
		push(&back, &nback, &aback, t);
		if (!barriers_allow(s, t))
			continue;
		for (i = 0; i < pt->resources.nr && !holder; i++)
			holder = sw_strmap_get(&s->held, pt->resources.v[i]);
		if (holder) {
			SW_ALLOC_GROW(s->conf, s->nconf + 1, s->aconf);
			s->conf[s->nconf].holder = (size_t)(uintptr_t)holder - 1;
			s->conf[s->nconf].later = t;
			s->conf[s->nconf].resource = pt->resources.v[i - 1];
			s->conf[s->nconf].wave = -1;
			s->nconf++;
			continue;
		}
		found = t;
		nback--; /* the one found leaves the heap */
		break;
	}
	for (i = 0; i < nback; i++)
		heap_push(s, back[i]);
	free(back);
	return found;
}

void plan_sched_start(struct plan_sched *s, size_t t)
{
	const struct plan_task *pt = &s->p->v[t];
	size_t i;

	if (s->state[t] != PLAN_WAITING)
		SW_BUG("task %zu started twice", t);
	s->state[t] = PLAN_RUNNING;
	s->waiting--;
	s->running++;
	for (i = 0; i < pt->resources.nr; i++)
		sw_strmap_put(&s->held, pt->resources.v[i], (void *)(uintptr_t)(t + 1));
	/* a task started from outside the heap order (resume) may still be queued: state guards it */
}

static void skip_task(struct plan_sched *s, size_t t);

/* Skips every waiting task that now can never start behind a broken barrier. */
static void skip_behind_barriers(struct plan_sched *s)
{
	size_t i;

	for (i = 0; i < s->p->n; i++) {
		const struct plan_task *pt = &s->p->v[i];

		if (pt->why != PLAN_RUNS || s->state[i] != PLAN_WAITING)
			continue;
		if ((s->seg_broken && (pt->segment > s->cur_seg || pt->checkpoint)) ||
		    (s->fw_broken >= 0 && pt->file_wave > s->fw_broken))
			skip_task(s, i);
	}
}

static void skip_task(struct plan_sched *s, size_t t)
{
	size_t *stack = NULL, n = 0, a = 0, i;

	push(&stack, &n, &a, t);
	while (n) {
		size_t u = stack[--n];

		if (s->state[u] != PLAN_WAITING)
			continue;
		s->state[u] = PLAN_SKIPPED;
		s->waiting--;
		for (i = 0; i < s->nrev[u]; i++)
			push(&stack, &n, &a, s->rev[u][i]);
	}
	free(stack);
}

void plan_sched_finish(struct plan_sched *s, size_t t, int ok)
{
	const struct plan_task *pt = &s->p->v[t];
	size_t i;

	if (s->state[t] != PLAN_RUNNING)
		SW_BUG("task %zu finished while not running", t);
	s->state[t] = ok ? PLAN_SUCCEEDED : PLAN_FAILED;
	s->running--;
	for (i = 0; i < pt->resources.nr; i++) {
		void *h = sw_strmap_get(&s->held, pt->resources.v[i]);

		if (h && (size_t)(uintptr_t)h - 1 == t)
			sw_strmap_remove(&s->held, pt->resources.v[i]);
	}
	if (!ok) {
		for (i = 0; i < s->nrev[t]; i++)
			skip_task(s, s->rev[t][i]);
		s->seg_broken = 1;
		if (required_in_fw(s->p, t) && (s->fw_broken < 0 || pt->file_wave < s->fw_broken))
			s->fw_broken = pt->file_wave;
		skip_behind_barriers(s);
		return;
	}
	for (i = 0; i < s->nrev[t]; i++) {
		size_t d = s->rev[t][i];

		if (!--s->unmet[d] && s->state[d] == PLAN_WAITING)
			heap_push(s, d);
	}
	if (pt->checkpoint) {
		if (!s->seg_broken)
			s->cur_seg++;
	} else {
		s->seg_left[pt->segment]--;
	}
	if (required_in_fw(s->p, t)) {
		s->fw_left[pt->file_wave]--;
		while (s->open_fw < s->nfw && !s->fw_left[s->open_fw])
			s->open_fw++;
	}
}

enum plan_state plan_sched_state(const struct plan_sched *s, size_t t)
{
	return s->state[t];
}

size_t plan_sched_running(const struct plan_sched *s)
{
	return s->running;
}

int plan_sched_over(const struct plan_sched *s)
{
	return !s->waiting && !s->running;
}
