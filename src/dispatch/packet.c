// SPDX-License-Identifier: Apache-2.0
/*
 * packet.c - one task's prompt (packet.h).
 *
 * Design sections are cut from design.md by heading lines: a section runs
 * from its heading to the next heading of the same or a higher level.  It
 * is included when its text names a cited criterion id as a whole word
 * ("1.2" but not "11.2" or "1.23") or one of the task's file paths.
 */
#include "dispatch/packet.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define PACKET_OUTPUT_MAX (16u << 10) /* verification output sent back */

struct crit_list {
	const struct req_criterion **v;
	size_t nr, alloc;
};

static void add_crit(const struct req_criterion *c, void *data)
{
	struct crit_list *l = data;
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->v[i] == c)
			return;
	SW_ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = c;
}

/* Byte offset of the start of 1-based @line in @text. */
static size_t line_offset(const char *text, size_t len, int line)
{
	size_t off = 0;
	int at = 1;

	while (at < line && off < len) {
		const char *nl = memchr(text + off, '\n', len - off);

		if (!nl)
			return len;
		off = (size_t)(nl - text) + 1;
		at++;
	}
	return off;
}

/* 1 if @id occurs in [s, s+n) not glued to digits or dots around it. */
static int mentions_id(const char *s, size_t n, const char *id)
{
	size_t k = strlen(id), i;

	if (!k || k > n)
		return 0;
	for (i = 0; i + k <= n; i++) {
		if (memcmp(s + i, id, k))
			continue;
		if (i && (isdigit((unsigned char)s[i - 1]) || s[i - 1] == '.'))
			continue;
		if (i + k < n && (isdigit((unsigned char)s[i + k]) ||
				  (s[i + k] == '.' && i + k + 1 < n && isdigit((unsigned char)s[i + k + 1]))))
			continue;
		return 1;
	}
	return 0;
}

static int mentions(const char *s, size_t n, const struct crit_list *crit, const struct plan_task *pt)
{
	size_t i;

	for (i = 0; i < crit->nr; i++)
		if (mentions_id(s, n, crit->v[i]->id))
			return 1;
	for (i = 0; i < pt->resources.nr; i++) {
		const char *path = pt->resources.v[i];

		if (sw_skip_prefix(path, "file:", &path) && memmem(s, n, path, strlen(path)))
			return 1;
	}
	return 0;
}

static void add_design(struct sw_buf *out, const struct spec *s, const struct crit_list *crit,
		       const struct plan_task *pt)
{
	const struct design_doc *d = s->design_doc;
	const char *text = s->design.text.ptr;
	size_t len = s->design.text.len, used = 0, i, j;
	int header = 0;

	if (!d || !len)
		return;
	for (i = 0; i < d->nsections && used < PACKET_DESIGN_MAX; i++) {
		size_t from = line_offset(text, len, d->sections[i].line), to = len, n;

		for (j = i + 1; j < d->nsections; j++)
			if (d->sections[j].level <= d->sections[i].level) {
				to = line_offset(text, len, d->sections[j].line);
				break;
			}
		/* only the section's own text before its first sub-heading decides for a parent */
		if (i + 1 < d->nsections && d->sections[i + 1].level > d->sections[i].level)
			to = line_offset(text, len, d->sections[i + 1].line);
		if (to <= from || !mentions(text + from, to - from, crit, pt))
			continue;
		if (!header) {
			sw_buf_adds(out, "\n## Design sections that concern this task\n\n");
			header = 1;
		}
		n = to - from;
		if (n > PACKET_SECTION_MAX)
			n = PACKET_SECTION_MAX;
		if (n > PACKET_DESIGN_MAX - used)
			n = PACKET_DESIGN_MAX - used;
		sw_buf_add(out, text + from, n);
		if (n < to - from)
			sw_buf_adds(out, "\n[... cut here; the rest is in design.md]\n");
		sw_buf_addch(out, '\n');
		used += n;
	}
}

void packet_build(struct sw_buf *out, const struct spec *s, const struct plan *p, size_t i)
{
	const struct plan_task *pt = &p->v[i];
	const struct tasks_task *t = &p->doc->tasks[pt->ti];
	struct crit_list crit = { NULL, 0, 0 };
	size_t k, at;

	sw_buf_addf(out, "# Task %s of the spec '%s'\n\n%s\n", t->id, s->name, t->title);
	for (at = t->parent; at != TASKS_NONE; at = p->doc->tasks[at].parent)
		sw_buf_addf(out, "(part of %s %s)\n", p->doc->tasks[at].id, p->doc->tasks[at].title);
	if (t->details.nr) {
		sw_buf_adds(out, "\nDetails:\n");
		for (k = 0; k < t->details.nr; k++)
			sw_buf_addf(out, "- %s\n", t->details.v[k]);
	}
	if (s->reqs)
		for (k = 0; k < t->reqs.nr; k++)
			req_ref_expand(s->reqs, &t->reqs.v[k], add_crit, &crit);
	if (crit.nr) {
		sw_buf_addf(out, "\n## Acceptance criteria this task implements (%s)\n\n",
			    s->bugfix ? "bugfix.md" : "requirements.md");
		for (k = 0; k < crit.nr; k++) {
			const struct req_criterion *c = crit.v[k];

			sw_buf_addf(out, "- %s: ", c->id);
			if (c->end > c->off && c->end <= s->req.text.len)
				sw_buf_add(out, s->req.text.ptr + c->off, c->end - c->off);
			sw_buf_addch(out, '\n');
		}
	}
	if (t->nprops && s->design_doc) {
		sw_buf_adds(out, "\n## Correctness properties to check\n\n");
		for (k = 0; k < t->nprops; k++) {
			const struct design_property *dp = design_find_property(s->design_doc, t->props[k].id);

			sw_buf_addf(out, "- Property %s%s%s\n", t->props[k].id, dp && *dp->title ? ": " : "",
				    dp ? dp->title : "");
		}
	}
	add_design(out, s, &crit, pt);
	sw_buf_addf(out,
		    "\n## How to work\n\n"
		    "- Implement task %s only, in this repository; other tasks are handled separately.\n"
		    "- Do not edit %s: the run records each task's status itself.\n"
		    "- Your work is checked after you finish by a verification you do not run, so leave the\n"
		    "  tree building and its tests passing.\n"
		    "- End with a short summary of what you changed.\n",
		    t->id, s->tasks.display ? s->tasks.display : "tasks.md");
	free(crit.v);
}

void packet_retry(struct sw_buf *out, const char *task_id, const char *what, const char *output, size_t len)
{
	sw_buf_addf(out, "The verification of task %s failed: %s.\n", task_id, what);
	if (len) {
		size_t from = len > PACKET_OUTPUT_MAX ? len - PACKET_OUTPUT_MAX : 0;

		sw_buf_adds(out, "\nIts output");
		if (from)
			sw_buf_addf(out, " (the last %u bytes)", PACKET_OUTPUT_MAX);
		sw_buf_adds(out, ":\n\n```\n");
		sw_buf_add(out, output + from, len - from);
		if (len && output[len - 1] != '\n')
			sw_buf_addch(out, '\n');
		sw_buf_adds(out, "```\n");
	}
	sw_buf_addf(out, "\nFix the problem so that task %s is complete, then end with a short summary.\n", task_id);
}

void packet_review(struct sw_buf *out, const struct spec *s, const struct plan *p, size_t i, const char *summary,
		   const char *diff)
{
	struct sw_buf task = SW_BUF_INIT;
	const char *how;

	packet_build(&task, s, p, i);
	/* the implementer's rules are not the reviewer's */
	how = strstr(task.ptr, "\n## How to work\n");
	if (how)
		sw_buf_setlen(&task, (size_t)(how - task.ptr));
	sw_buf_adds(out, "You review the work another agent did on this task. Do not change any file.\n\n");
	sw_buf_addbuf(out, &task);
	sw_buf_adds(out, "\n## What the implementer said\n\n");
	sw_buf_adds(out, summary && *summary ? summary : "(nothing)");
	sw_buf_adds(out, "\n\n## The changes in the working tree\n\n```diff\n");
	sw_buf_adds(out, diff && *diff ? diff : "(no change)\n");
	sw_buf_adds(out, "```\n\n## Your answer\n\n"
		    "Check the changes against the task and its acceptance criteria. The first line of your\n"
		    "answer is ACCEPT when the task is done as described, or REJECT: followed by the reasons\n"
		    "the implementer needs to fix it.\n");
	sw_buf_release(&task);
}

int packet_verdict(const char *text, const char **reasons)
{
	const char *s = text;

	*reasons = NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '*' || *s == '#' || *s == '`')
		s++;
	if (!strncasecmp(s, "ACCEPT", 6))
		return 1;
	if (!strncasecmp(s, "REJECT", 6)) {
		s += 6;
		while (*s == ':' || *s == ' ' || *s == '*' || *s == '-')
			s++;
		*reasons = s;
		return 0;
	}
	return -1;
}
