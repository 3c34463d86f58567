/* SPDX-License-Identifier: Apache-2.0 */
/*
 * source.c - locating configuration values for diagnostics.
 */
#include "base/compat.h"
#include "kiro/source.h"
#include "base/buf.h"
#include "base/json.h"

/* Drops the last step of a JSON path in place; returns 0 when only "$" is left. */
static int parent_path(char *p)
{
	size_t n = strlen(p);

	if (n <= 1)
		return 0;
	while (n > 1) {
		n--;
		if (p[n] == '.' || (p[n] == '[' && n > 0)) {
			p[n] = '\0';
			return 1;
		}
	}
	p[1] = '\0';
	return 1;
}

void kiro_source_locate(const struct kiro_source *s, const char *jpath, int key_pos, int *line, int *col)
{
	char *p = sw_xstrdup(jpath ? jpath : "$");
	int rc;

	*line = 1;
	*col = 1;
	for (;;) {
		if (s->fm)
			rc = kiro_fm_locate(s->fm, p, key_pos, line, col);
		else if (s->text)
			rc = sw_json_locate(s->text, s->len, p, key_pos, line, col);
		else
			rc = SW_ENOTFOUND;
		if (rc == 0 || !parent_path(p))
			break;
		key_pos = 1;
	}
	if (rc < 0) {
		*line = 1;
		*col = 1;
	}
	free(p);
}

struct sw_diag *kiro_diag_at(struct sw_diags *d, const struct kiro_source *s, enum sw_severity sev,
			     const char *code, const char *jpath, int key_pos, const char *fmt, ...)
{
	struct sw_buf msg = SW_BUF_INIT;
	struct sw_diag *dg;
	va_list ap;
	int line, col;

	kiro_source_locate(s, jpath, key_pos, &line, &col);
	va_start(ap, fmt);
	sw_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	dg = sw_diag_add(d, sev, code, s->rel, line, col, "%s", msg.ptr);
	sw_buf_release(&msg);
	return dg;
}

void kiro_diag_err(struct sw_diags *d, const struct kiro_source *s, const char *code, const char *jpath,
		   const struct sw_error *err)
{
	int line = err->line, col = err->col;

	if (!line)
		kiro_source_locate(s, jpath, 0, &line, &col);
	sw_diag_add(d, SW_SEV_ERROR, code, s->rel, line, col, "%s", err->msg);
}
