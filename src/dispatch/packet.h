/* SPDX-License-Identifier: Apache-2.0 */
/*
 * packet.h - what one task's agent is told: a focused prompt, not the
 * whole spec.
 *
 * A packet holds the task (id, title, its detail lines), the text of every
 * acceptance criterion it cites (by id, expanded from "_Requirements:_"
 * ranges), the correctness properties it names, the design sections that
 * mention one of those criterion ids or one of the task's files (each up to
 * a cap, the whole design part up to PACKET_DESIGN_MAX), and the rules of
 * the run: implement this task only, leave tasks.md to the orchestrator,
 * end with a short summary.  A retry adds the verification output.
 */
#ifndef SW_DISPATCH_PACKET_H
#define SW_DISPATCH_PACKET_H

#include "base/compat.h"
#include "base/buf.h"
#include "dispatch/plan.h"
#include "specs-engine/spec.h"

#define PACKET_DESIGN_MAX (24u << 10)  /* design excerpts in one packet */
#define PACKET_SECTION_MAX (8u << 10)  /* one design section */

/* Appends the packet of plan entry @i of @p (built from @s) to @out. */
void packet_build(struct sw_buf *out, const struct spec *s, const struct plan *p, size_t i);

/*
 * Appends the prompt of a reviewing session for plan entry @i: the task,
 * its criteria, what the implementer said (@summary) and the changes
 * (@diff), and the answer expected: a first line "ACCEPT" or "REJECT:
 * reasons".
 */
void packet_review(struct sw_buf *out, const struct spec *s, const struct plan *p, size_t i, const char *summary,
		   const char *diff);

/*
 * The verdict in a reviewer's answer @text: 1 accepted, 0 rejected (with
 * *@reasons pointing into @text), -1 when it gives none.
 */
int packet_verdict(const char *text, const char **reasons);

/* Appends the follow-up prompt after a failed verification whose output is @output. */
void packet_retry(struct sw_buf *out, const char *task_id, const char *what, const char *output, size_t len);

#endif
