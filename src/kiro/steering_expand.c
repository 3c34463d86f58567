/* SPDX-License-Identifier: Apache-2.0 */
/*
 * steering_expand.c - putting what #[[file:...]] references name into the
 * text a model reads.
 *
 * The references were found (outside fenced code blocks) when the
 * document was parsed; here each is resolved again through
 * base/contain.h, at the moment it is read, so what was checked is what
 * is read.  A file comes in whole, or the lines of its ":N-M" suffix,
 * between <file path="..."> and </file>; a folder as a sorted one-level
 * listing.  Whatever cannot come in (missing, outside the workspace, not
 * text, over a cap) leaves a bracketed note in its place, so the model
 * sees that something was meant to be there.  Inserted text is never
 * scanned again: one level, no loops.
 */
#include "base/compat.h"
#include "kiro/steering.h"
#include "base/contain.h"
#include "base/fs.h"

#include <dirent.h>
#include <unistd.h>

#define REF_READ_MAX (8u << 20) /* a file read to take a line range from */
#define REF_FOLDER_MAX 200      /* entries listed for one folder */

static void note(struct sw_buf *out, const struct kiro_steering_ref *r, const char *why)
{
	sw_buf_addf(out, "[not included: #[[%s:%s]]: %s]", r->folder ? "folder" : "file", r->target, why);
}

/* Keeps lines @from..@to (1-based, inclusive) of @b. */
static void keep_lines(struct sw_buf *b, int from, int to)
{
	size_t i = 0, start = b->len, end = b->len;
	int line = 1;

	while (i < b->len && line <= to) {
		if (line == from)
			start = i;
		while (i < b->len && b->ptr[i] != '\n')
			i++;
		if (i < b->len)
			i++;
		if (line == to)
			end = i;
		line++;
	}
	if (start > end)
		start = end;
	memmove(b->ptr, b->ptr + start, end - start);
	sw_buf_setlen(b, end - start);
}

/* Takes @n bytes from @budget if they fit both caps; else 0 with a note's reason in @why. */
static int take(struct kiro_ref_budget *budget, size_t n, char *why, size_t whylen)
{
	if (n > budget->file_max) {
		snprintf(why, whylen, "%zu bytes, over the %zu KiB a reference may bring in", n, budget->file_max >> 10);
		return 0;
	}
	if (budget->used + n > budget->total_max) {
		snprintf(why, whylen, "the references of the steering already brought in %zu KiB, the most allowed",
			 budget->used >> 10);
		return 0;
	}
	budget->used += n;
	return 1;
}

static void expand_file(struct sw_buf *out, const struct kiro_steering_ref *r, const struct sw_inside *in,
			struct kiro_ref_budget *budget)
{
	struct sw_buf text = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char why[160];

	if (sw_inside_read(&text, in, r->target, r->from ? REF_READ_MAX : budget->file_max, &err) < 0) {
		if (err.code == SW_ETOOBIG)
			snprintf(why, sizeof(why), "larger than %zu KiB, the most a reference may bring in",
				 (r->from ? (size_t)REF_READ_MAX : budget->file_max) >> 10);
		note(out, r, err.code == SW_ETOOBIG ? why : err.msg);
		goto out;
	}
	if (memchr(text.ptr, '\0', text.len)) {
		note(out, r, "not text (it holds a NUL byte)");
		goto out;
	}
	if (r->from)
		keep_lines(&text, r->from, r->to);
	if (!take(budget, text.len, why, sizeof(why))) {
		note(out, r, why);
		goto out;
	}
	if (r->from)
		sw_buf_addf(out, "<file path=\"%s\" lines=\"%d-%d\">\n", r->target, r->from, r->to);
	else
		sw_buf_addf(out, "<file path=\"%s\">\n", r->target);
	sw_buf_addbuf(out, &text);
	if (text.len && text.ptr[text.len - 1] != '\n')
		sw_buf_addch(out, '\n');
	sw_buf_adds(out, "</file>");
out:
	sw_buf_release(&text);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void expand_folder(struct sw_buf *out, const struct kiro_steering_ref *r, const struct sw_inside *in,
			  struct kiro_ref_budget *budget)
{
	struct sw_strvec names = SW_STRVEC_INIT;
	struct sw_buf list = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct dirent *de;
	DIR *dp = NULL;
	char why[160];
	size_t i;
	int fd = -1;

	if (sw_inside_open(&fd, in, r->target, 1, &err) < 0) {
		note(out, r, err.msg);
		goto out;
	}
	if (!(dp = fdopendir(fd))) {
		note(out, r, "cannot read the folder");
		goto out;
	}
	fd = -1;
	while ((de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type == DT_DIR) {
			struct sw_buf b = SW_BUF_INIT;

			sw_buf_addf(&b, "%s/", de->d_name);
			sw_strvec_push_take(&names, sw_buf_detach(&b, NULL));
		} else {
			sw_strvec_push(&names, de->d_name);
		}
	}
	SW_QSORT(names.v, names.nr, cmp_name);
	for (i = 0; i < names.nr && i < REF_FOLDER_MAX; i++)
		sw_buf_addf(&list, "%s\n", names.v[i]);
	if (names.nr > REF_FOLDER_MAX)
		sw_buf_addf(&list, "(and %zu more)\n", names.nr - REF_FOLDER_MAX);
	if (!take(budget, list.len, why, sizeof(why))) {
		note(out, r, why);
		goto out;
	}
	sw_buf_addf(out, "<folder path=\"%s\">\n", r->target);
	sw_buf_addbuf(out, &list);
	sw_buf_adds(out, "</folder>");
out:
	if (dp)
		closedir(dp);
	if (fd >= 0)
		close(fd);
	sw_strvec_clear(&names);
	sw_buf_release(&list);
}

void kiro_steering_expand(struct sw_buf *out, const struct kiro_steering_doc *doc, const char *root,
			  struct kiro_ref_budget *budget)
{
	struct sw_inside in = SW_INSIDE_INIT;
	size_t pos = doc->fm.body_off, i;
	int have_root = root && sw_inside_init(&in, root, "the workspace", NULL) == 0;

	if (pos > doc->text.len)
		pos = doc->text.len;
	for (i = 0; i < doc->refs_nr; i++) {
		const struct kiro_steering_ref *r = &doc->refs[i];

		if (r->off < pos || r->off + r->len > doc->text.len)
			continue;
		sw_buf_add(out, doc->text.ptr + pos, r->off - pos);
		if (!have_root)
			note(out, r, "no workspace to read it from");
		else if (r->folder)
			expand_folder(out, r, &in, budget);
		else
			expand_file(out, r, &in, budget);
		pos = r->off + r->len;
	}
	sw_buf_add(out, doc->text.ptr + pos, doc->text.len - pos);
	sw_inside_release(&in);
}
