/* SPDX-License-Identifier: Apache-2.0 */
/*
 * generate.c - a generation phase: prompt assembly, the agent turn, the
 * self-check and repair loop, and the atomic write.
 *
 * Documents embedded in prompts are fenced with "~~~~" (four tildes), so
 * that the backtick fences inside them (a tasks.md waves block) cannot end
 * the embedding early.
 */
#include "base/compat.h"
#include "specs-engine/generate.h"
#include "base/contain.h"
#include "base/fs.h"
#include "specs-engine/prompts.h"

void gen_phase_result_release(struct gen_phase_result *res)
{
	if (!res)
		return;
	sw_buf_release(&res->text);
	sw_diags_release(&res->diags);
}

/* ---- the document in a reply -------------------------------------------- */

/* Length of the fence run opening line @p (3+ of ` or ~), else 0; *@ch gets the char. */
static size_t fence_len(const char *p, const char *end, char *ch)
{
	const char *s = p;
	size_t n = 0;

	while (s < end && s - p < 3 && *s == ' ')
		s++;
	if (s >= end || (*s != '`' && *s != '~'))
		return 0;
	*ch = *s;
	while (s + n < end && s[n] == *ch)
		n++;
	return n >= 3 ? n : 0;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

/* 1 if [@p, @e) holds only white space (line breaks included). */
static int rest_blank(const char *p, const char *e)
{
	for (; p < e; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return 0;
	return 1;
}

/* Info string of the fence line @p..@e after @n fence chars: 1 if markdown/md. */
static int info_is_markdown(const char *p, const char *e)
{
	const char *s = p, *w;

	while (s < e && *s == ' ')
		s++;
	w = s;
	while (w < e && *w != ' ' && *w != '\t' && *w != '\r')
		w++;
	return ((size_t)(w - s) == 8 && !strncasecmp(s, "markdown", 8)) ||
	       ((size_t)(w - s) == 2 && !strncasecmp(s, "md", 2));
}

/*
 * Finds the block opened at line @open (fence char @ch, length @n) and
 * closed by the LAST closing fence line in the reply: the body is
 * [*@bs, *@be).  Returns 0 if no closing fence exists.
 */
static int find_block(const char *open, const char *end, char ch, size_t n, const char **bs,
		      const char **be)
{
	const char *p = line_end(open, end), *last = NULL;

	if (p < end)
		p++;
	*bs = p;
	while (p < end) {
		const char *e = line_end(p, end);
		char c2 = 0;
		size_t m = fence_len(p, e, &c2);

		if (m >= n && c2 == ch) {
			const char *r = p;

			while (*r == ' ')
				r++;
			if (rest_blank(r + m, e))
				last = p;
		}
		p = e < end ? e + 1 : end;
	}
	if (!last)
		return 0;
	*be = last;
	return 1;
}

int gen_extract(struct sw_buf *out, const char *reply, size_t len, struct sw_error *err)
{
	const char *end = reply + len, *p = reply, *bs = NULL, *be = NULL, *first_nonblank = NULL;
	const char *heading = NULL;
	size_t start = out->len;

	/* 1. a fenced block labelled markdown/md */
	while (p < end) {
		const char *e = line_end(p, end);
		char ch = 0;
		size_t n = fence_len(p, e, &ch);

		if (!first_nonblank && !rest_blank(p, e))
			first_nonblank = p;
		if (!heading && (size_t)(e - p) >= 2 && p[0] == '#' && (p[1] == ' ' || p[1] == '#'))
			heading = p;
		if (n) {
			const char *r = p;

			while (*r == ' ')
				r++;
			if (info_is_markdown(r + n, e) && find_block(p, end, ch, n, &bs, &be))
				break;
			/* 2. the whole reply is one unlabelled block */
			if (p == first_nonblank && rest_blank(r + n, e) && find_block(p, end, ch, n, &bs, &be) &&
			    rest_blank(line_end(be, end), end))
				break;
			bs = be = NULL;
		}
		p = e < end ? e + 1 : end;
	}
	if (bs)
		sw_buf_add(out, bs, (size_t)(be - bs));
	else if (heading)
		sw_buf_add(out, heading, (size_t)(end - heading));
	else
		sw_buf_add(out, reply, len);

	/* trim blank lines at both ends, keep one final newline */
	while (out->len > start && (out->ptr[out->len - 1] == '\n' || out->ptr[out->len - 1] == '\r' ||
				    out->ptr[out->len - 1] == ' ' || out->ptr[out->len - 1] == '\t'))
		out->len--;
	{
		size_t i = start, line = start;

		while (i < out->len && (out->ptr[i] == ' ' || out->ptr[i] == '\t' || out->ptr[i] == '\r' ||
					out->ptr[i] == '\n')) {
			if (out->ptr[i] == '\n')
				line = i + 1;
			i++;
		}
		if (line > start)
			sw_buf_remove(out, start, line - start);
	}
	if (out->len == start) {
		sw_buf_setlen(out, start);
		return sw_error_set(err, SW_EPROTO, "the agent's reply holds no document");
	}
	sw_buf_setlen(out, out->len);
	sw_buf_addch(out, '\n');
	return 0;
}

/* ---- prompts -------------------------------------------------------------- */

static void add_doc(struct sw_buf *b, const char *title, const char *text, size_t len)
{
	sw_buf_addf(b, "### %s\n\n~~~~markdown\n", title);
	sw_buf_add(b, text, len);
	if (len && text[len - 1] != '\n')
		sw_buf_addch(b, '\n');
	sw_buf_adds(b, "~~~~\n\n");
}

/* Reads spec document @path for the prompt, only if it resolves inside o->root when that is set. */
static int read_for_prompt(struct sw_buf *out, const struct gen_phase_opts *o, const char *path,
			   struct sw_error *err)
{
	struct sw_inside in = SW_INSIDE_INIT;
	int rc;

	if (!o->root)
		return sw_read_file(out, path, GEN_MAX_DOC, err);
	if ((rc = sw_inside_init(&in, o->root, "the workspace", err)) == 0)
		rc = sw_inside_read(out, &in, path, GEN_MAX_DOC, err);
	sw_inside_release(&in);
	return rc;
}

/* The spec's other documents that exist: earlier phases (all of them when refining). */
static void add_other_docs(struct sw_buf *b, const struct gen_phase_opts *o)
{
	int i, self = review_phase_index(o->review, o->doc), any = 0;

	for (i = 0; i < REVIEW_PHASES; i++) {
		enum review_doc d = o->review->phases[i].doc;
		struct sw_buf t = SW_BUF_INIT;
		char *path;

		if (i == self || (!o->comment && i > self))
			continue;
		path = sw_path_join(o->dir, review_doc_file(d));
		if (read_for_prompt(&t, o, path, NULL) == 0 && t.len) {
			if (!any++)
				sw_buf_adds(b, "## The spec's other documents\n\n");
			add_doc(b, review_doc_file(d), t.ptr, t.len);
		}
		sw_buf_release(&t);
		free(path);
	}
}

void gen_build_prompt(char **system, char **message, const struct gen_phase_opts *o)
{
	const char *const svars[] = { "spec", o->spec, NULL };
	struct sw_buf b = SW_BUF_INIT;
	const char *file = review_doc_file(o->doc);
	char *head;

	*system = prompts_render(prompts_get("system")->text, svars);
	if (o->comment) {
		const char *const vars[] = { "spec", o->spec, "file", file, "comment", o->comment, NULL };
		struct sw_buf cur = SW_BUF_INIT;
		char *path = sw_path_join(o->dir, file);

		head = prompts_render(prompts_get("refine")->text, vars);
		sw_buf_adds(&b, head);
		sw_buf_adds(&b, "\n## The current document\n\n");
		if (read_for_prompt(&cur, o, path, NULL) == 0)
			add_doc(&b, file, cur.ptr, cur.len);
		sw_buf_release(&cur);
		free(path);
		sw_buf_adds(&b, "Format reminder for this document:\n\n");
		sw_buf_adds(&b, prompts_get(review_doc_name(o->doc))->text);
		sw_buf_addch(&b, '\n');
	} else {
		const char *const vars[] = { "spec", o->spec, "file", file, NULL };

		head = prompts_render(prompts_get(review_doc_name(o->doc))->text, vars);
		sw_buf_adds(&b, head);
	}
	free(head);
	sw_buf_addf(&b, "\n## The request (spec \"%s\"%s)\n\n%s\n\n", o->spec,
		    o->review->type == REVIEW_TYPE_BUGFIX ? ", a bugfix" : "",
		    o->request && *o->request ? o->request : "(not recorded: infer it from the documents)");
	if (o->steering && *o->steering)
		sw_buf_addf(&b, "## Steering (the project's conventions)\n\n%s\n\n", o->steering);
	add_other_docs(&b, o);
	if (o->knowledge && *o->knowledge)
		sw_buf_addf(&b, "## Passages from the project's knowledge base that may be relevant\n\n%s\n\n",
			    o->knowledge);
	sw_buf_rtrim(&b);
	sw_buf_addch(&b, '\n');
	*message = sw_buf_detach(&b, NULL);
}

static char *repair_message(const struct gen_phase_opts *o, const struct sw_diags *d)
{
	struct sw_buf list = SW_BUF_INIT;
	const char *vars[] = { "file", review_doc_file(o->doc), "diagnostics", NULL, NULL };
	char *msg;
	size_t i;

	for (i = 0; i < d->nr; i++) {
		const struct sw_diag *g = &d->v[i];

		if (g->severity != SW_SEV_ERROR)
			continue;
		sw_buf_addf(&list, "%s:%d:%d: error: %s [%s]\n", g->path ? g->path : review_doc_file(o->doc),
			    g->line, g->col, g->msg, g->code ? g->code : "check");
		if (g->hint)
			sw_buf_addf(&list, "    hint: %s\n", g->hint);
	}
	vars[3] = list.ptr;
	msg = prompts_render(prompts_get("repair")->text, vars);
	sw_buf_release(&list);
	return msg;
}

/* ---- the phase ----------------------------------------------------------- */

int gen_run_phase(struct gen_phase_result *res, const struct gen_phase_opts *o, struct sw_error *err)
{
	gen_check_fn check = o->check ? o->check : gen_check;
	int max = o->max_repairs < 0 ? GEN_MAX_REPAIRS_DEFAULT : o->max_repairs;
	char *system = NULL, *message = NULL, *path = sw_path_join(o->dir, review_doc_file(o->doc));
	char *display = sw_path_join(o->display ? o->display : o->dir, review_doc_file(o->doc));
	struct sw_buf reply = SW_BUF_INIT, previous = SW_BUF_INIT;
	int rc = 0, attempt;

	assert(o->agent && o->agent->turn && o->review && o->spec && o->dir);
	if (o->comment && (rc = read_for_prompt(&previous, o, path, err)) < 0)
		goto out;
	gen_build_prompt(&system, &message, o);
	for (attempt = 0;; attempt++) {
		sw_buf_reset(&reply);
		rc = o->agent->turn(o->agent->self, attempt ? NULL : system, message, &reply, err);
		if (rc < 0)
			goto out;
		sw_buf_reset(&res->text);
		sw_diags_release(&res->diags);
		if ((rc = gen_extract(&res->text, reply.ptr, reply.len, err)) < 0)
			goto out;
		if (res->text.len > GEN_MAX_DOC) {
			rc = sw_error_set(err, SW_ETOOBIG, "the generated %s is over %u bytes",
					  review_doc_file(o->doc), GEN_MAX_DOC);
			goto out;
		}
		rc = check(&res->diags, o->doc, res->text.ptr, res->text.len, o->dir, display,
			   o->comment ? previous.ptr : NULL, err);
		if (rc < 0)
			goto out;
		if (!res->diags.errors)
			break;
		if (attempt >= max) {
			rc = sw_error_set(err, SW_EINVAL,
					  "%s still has %zu error%s after %d repair%s; the file was not written",
					  display, res->diags.errors, res->diags.errors == 1 ? "" : "s", max,
					  max == 1 ? "" : "s");
			goto out;
		}
		res->repairs++;
		free(message);
		message = repair_message(o, &res->diags);
	}
	if ((rc = sw_write_atomic(path, res->text.ptr, res->text.len, err)) < 0)
		goto out;
	res->written = 1;
out:
	sw_buf_release(&reply);
	sw_buf_release(&previous);
	free(system);
	free(message);
	free(path);
	free(display);
	return rc;
}
