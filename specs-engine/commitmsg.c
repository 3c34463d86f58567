/* SPDX-License-Identifier: Apache-2.0 */
/*
 * commitmsg.c - spec commit messages.
 *
 * The subject lists the documents touched in workflow order so that a
 * log of a spec reads like its history ("Add spec auth: requirements",
 * "Update spec auth: design").  It never exceeds COMMITMSG_SUBJECT_MAX: the
 * document list is dropped first, then the name is shortened.
 */
#include "base/compat.h"
#include "specs-engine/commitmsg.h"
#include "base/buf.h"
#include "base/fs.h"

static const char *const doc_order[] = { "requirements.md", "bugfix.md", "design.md", "tasks.md" };

static const char *doc_label(const char *base)
{
	if (!strcmp(base, "requirements.md"))
		return "requirements";
	if (!strcmp(base, "bugfix.md"))
		return "bugfix";
	if (!strcmp(base, "design.md"))
		return "design";
	if (!strcmp(base, "tasks.md"))
		return "tasks";
	return NULL;
}

static const char *status_word(char st)
{
	return st == 'A' ? "added" : st == 'D' ? "removed" : "changed";
}

static void subject(struct sw_buf *out, const char *name, const struct vcs_spec_commit *c)
{
	size_t i, j, n = vcs_spec_nchanges(c), adds = 0, dels = 0, ndocs = 0;
	struct sw_buf docs = SW_BUF_INIT;
	const char *verb;

	for (i = 0; i < n; i++) {
		char st = vcs_spec_change(c, i)->status;

		adds += st == 'A';
		dels += st == 'D';
	}
	verb = adds == n ? "Add" : dels == n ? "Remove" : "Update";
	for (j = 0; j < SW_ARRAY_SIZE(doc_order); j++)
		for (i = 0; i < n; i++)
			if (!strcmp(sw_basename(vcs_spec_change(c, i)->path), doc_order[j])) {
				sw_buf_addf(&docs, "%s%s", ndocs++ ? ", " : "", doc_label(doc_order[j]));
				break;
			}
	sw_buf_addf(out, "%s spec %s", verb, name);
	if (ndocs && dels != n && out->len + 2 + docs.len <= COMMITMSG_SUBJECT_MAX)
		sw_buf_addf(out, ": %s", docs.ptr);
	if (out->len > COMMITMSG_SUBJECT_MAX) {
		sw_buf_setlen(out, COMMITMSG_SUBJECT_MAX - 3);
		sw_buf_adds(out, "...");
	}
	sw_buf_release(&docs);
}

char *commitmsg_build(const char *name, const struct vcs_spec_commit *c)
{
	struct sw_buf b = SW_BUF_INIT;
	size_t i, n = vcs_spec_nchanges(c);

	subject(&b, name, c);
	sw_buf_adds(&b, "\n\n");
	for (i = 0; i < n; i++) {
		const struct vcs_change *ch = vcs_spec_change(c, i);

		sw_buf_addf(&b, "- %s: %s\n", sw_basename(ch->path), status_word(ch->status));
	}
	return sw_buf_detach(&b, NULL);
}
