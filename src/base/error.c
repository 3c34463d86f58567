/* SPDX-License-Identifier: Apache-2.0 */
/*
 * error.c - struct sw_error and struct sw_diags.
 */
#include "compat.h"
#include "error.h"
#include "buf.h"

void sw_error_clear(struct sw_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = err->path[0] = '\0';
	err->line = err->col = 0;
}

static int verror(struct sw_error *err, int code, const char *suffix, const char *fmt, va_list ap)
{
	size_t n;

	assert(code < 0);
	if (!err)
		return code;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (suffix) {
		n = strlen(err->msg);
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", suffix);
	}
	return code;
}

int sw_error_set(struct sw_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(err, code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int sw_error_errno(struct sw_error *err, int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	verror(err, code, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
	return code;
}

void sw_error_at(struct sw_error *err, const char *path, int line, int col)
{
	if (!err)
		return;
	if (path)
		snprintf(err->path, sizeof(err->path), "%s", path);
	if (line)
		err->line = line;
	if (col)
		err->col = col;
}

void sw_error_prefix(struct sw_error *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	va_list ap;
	size_t n;

	if (!err)
		return;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", old);
}

const char *sw_error_name(int code)
{
	switch (code) {
	case SW_OK: return "ok";
	case SW_EINVAL: return "invalid";
	case SW_ENOTFOUND: return "not found";
	case SW_EIO: return "i/o";
	case SW_ECONFLICT: return "conflict";
	case SW_ETOOBIG: return "too big";
	case SW_EPROTO: return "protocol";
	case SW_ETIMEOUT: return "timeout";
	case SW_ECANCELED: return "canceled";
	default: return "error";
	}
}

static char *xdup_or_null(const char *s)
{
	return s && *s ? sw_xstrdup(s) : NULL;
}

static struct sw_diag *vdiag(struct sw_diags *d, enum sw_severity sev, const char *code,
			     const char *path, int line, int col, const char *fmt, va_list ap)
{
	struct sw_diag *dg;
	struct sw_buf msg = SW_BUF_INIT;

	SW_ALLOC_GROW(d->v, d->nr + 1, d->alloc);
	dg = &d->v[d->nr++];
	sw_buf_vaddf(&msg, fmt, ap);
	dg->severity = sev;
	dg->code = sw_xstrdup(code ? code : "");
	dg->path = xdup_or_null(path);
	dg->line = line;
	dg->col = col;
	dg->msg = sw_buf_detach(&msg, NULL);
	dg->hint = NULL;
	if (sev == SW_SEV_ERROR)
		d->errors++;
	else if (sev == SW_SEV_WARNING)
		d->warnings++;
	return dg;
}

struct sw_diag *sw_diag_add(struct sw_diags *d, enum sw_severity sev, const char *code,
			    const char *path, int line, int col, const char *fmt, ...)
{
	struct sw_diag *dg;
	va_list ap;

	va_start(ap, fmt);
	dg = vdiag(d, sev, code, path, line, col, fmt, ap);
	va_end(ap);
	return dg;
}

void sw_diag_set_hint(struct sw_diag *dg, const char *fmt, ...)
{
	struct sw_buf b = SW_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sw_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(dg->hint);
	dg->hint = sw_buf_detach(&b, NULL);
}

void sw_diag_add_error(struct sw_diags *d, const char *code, const struct sw_error *err)
{
	sw_diag_add(d, SW_SEV_ERROR, code, err->path, err->line, err->col, "%s", err->msg);
}

void sw_diags_move(struct sw_diags *dst, struct sw_diags *src)
{
	size_t i;

	SW_ALLOC_GROW(dst->v, dst->nr + src->nr, dst->alloc);
	for (i = 0; i < src->nr; i++)
		dst->v[dst->nr++] = src->v[i];
	dst->errors += src->errors;
	dst->warnings += src->warnings;
	free(src->v);
	src->v = NULL;
	src->nr = src->alloc = src->errors = src->warnings = 0;
}

static int diag_cmp(const struct sw_diag *x, const struct sw_diag *y)
{
	int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

/* Stable merge sort: diagnostics at one position keep the order they were found in. */
static void merge_sort(struct sw_diag *v, struct sw_diag *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	merge_sort(v, tmp, mid);
	merge_sort(v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = diag_cmp(&v[j], &v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

void sw_diags_sort(struct sw_diags *d)
{
	struct sw_diag *tmp;

	if (d->nr < 2)
		return;
	tmp = sw_xcalloc(d->nr, sizeof(*tmp));
	merge_sort(d->v, tmp, d->nr);
	free(tmp);
}

void sw_diags_release(struct sw_diags *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nr; i++) {
		free(d->v[i].code);
		free(d->v[i].path);
		free(d->v[i].msg);
		free(d->v[i].hint);
	}
	free(d->v);
	d->v = NULL;
	d->nr = d->alloc = d->errors = d->warnings = 0;
}

const char *sw_severity_name(enum sw_severity sev)
{
	switch (sev) {
	case SW_SEV_ERROR: return "error";
	case SW_SEV_WARNING: return "warning";
	default: return "note";
	}
}
