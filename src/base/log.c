/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.c - stderr messages, error and diagnostic reports.
 */
#include "compat.h"
#include "log.h"
#include "buf.h"
#include "fs.h"

#include <unistd.h>

static int log_level = SW_LOG_NORMAL;
static int color_mode = -1;

void sw_log_set_level(int level)
{
	log_level = level;
}

int sw_log_level(void)
{
	return log_level;
}

void sw_log_set_color(int mode)
{
	color_mode = mode;
}

int sw_log_color(void)
{
	const char *nc;

	if (color_mode >= 0)
		return color_mode;
	nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	return isatty(STDERR_FILENO);
}

int sw_log_color_fd(int fd)
{
	const char *nc;

	if (color_mode >= 0)
		return color_mode;
	nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	return isatty(fd);
}

static const char *col(const char *code)
{
	return sw_log_color() ? code : "";
}

static void vlog(const char *label, const char *color, const char *fmt, va_list ap)
{
	fprintf(stderr, "specwright: ");
	if (label)
		fprintf(stderr, "%s%s:%s ", col(color), label, col("\033[0m"));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define LOGFN(name, min, label, color)                  \
	void name(const char *fmt, ...)                 \
	{                                               \
		va_list ap;                             \
		if (log_level < (min))                  \
			return;                         \
		va_start(ap, fmt);                      \
		vlog(label, color, fmt, ap);            \
		va_end(ap);                             \
	}

LOGFN(sw_warn, SW_LOG_NORMAL, "warning", "\033[1;33m")
LOGFN(sw_info, SW_LOG_NORMAL, NULL, "")
LOGFN(sw_verbose, SW_LOG_VERBOSE, NULL, "")
LOGFN(sw_debug, SW_LOG_DEBUG, "debug", "\033[2m")
LOGFN(sw_errorf, SW_LOG_QUIET, "error", "\033[1;31m")

void sw_print_excerpt(FILE *fp, const char *src, size_t len, int line, int column)
{
	const char *p = src, *end = src + len, *eol;
	int n = 1, i;

	if (!src || line < 1)
		return;
	while (n < line && p < end) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return;
		p++;
		n++;
	}
	if (n != line || p > end)
		return;
	eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	if (eol > p && eol[-1] == '\r')
		eol--;
	if (eol - p > 200)
		eol = p + 200; /* a 1 MB line is not an excerpt */
	fprintf(fp, "    %.*s\n", (int)(eol - p), p);
	if (column < 1)
		return;
	fputs("    ", fp);
	/* Count columns in bytes as the parser does, but keep tabs so the caret lines up. */
	for (i = 1; i < column && p + i - 1 < eol; i++)
		fputc(p[i - 1] == '\t' ? '\t' : ' ', fp);
	fprintf(fp, "%s^%s\n", col("\033[1;32m"), col("\033[0m"));
}

void sw_report(const struct sw_error *err)
{
	struct sw_buf loc = SW_BUF_INIT, src = SW_BUF_INIT;

	if (err->path[0]) {
		sw_buf_adds(&loc, err->path);
		if (err->line) {
			sw_buf_addf(&loc, ":%d", err->line);
			if (err->col)
				sw_buf_addf(&loc, ":%d", err->col);
		}
		sw_buf_adds(&loc, ": ");
	}
	fprintf(stderr, "specwright: %s%s\n", loc.ptr, err->msg[0] ? err->msg : "unknown error");
	if (err->path[0] && err->line && sw_read_file(&src, err->path, 64u << 20, NULL) == 0)
		sw_print_excerpt(stderr, src.ptr, src.len, err->line, err->col);
	sw_buf_release(&loc);
	sw_buf_release(&src);
}

void sw_report_diag(FILE *fp, const struct sw_diag *dg, const char *src, size_t src_len)
{
	const char *sevcol = dg->severity == SW_SEV_ERROR ? "\033[1;31m"
			   : dg->severity == SW_SEV_WARNING ? "\033[1;33m" : "\033[1;36m";
	int c = fp == stderr ? sw_log_color() : 0;

	if (dg->path) {
		fprintf(fp, "%s", dg->path);
		if (dg->line) {
			fprintf(fp, ":%d", dg->line);
			if (dg->col)
				fprintf(fp, ":%d", dg->col);
		}
		fputs(": ", fp);
	}
	fprintf(fp, "%s%s:%s %s", c ? sevcol : "", sw_severity_name(dg->severity),
		c ? "\033[0m" : "", dg->msg);
	if (dg->code && *dg->code)
		fprintf(fp, " [%s]", dg->code);
	fputc('\n', fp);
	if (src && dg->line)
		sw_print_excerpt(fp, src, src_len, dg->line, dg->col);
	if (dg->hint)
		fprintf(fp, "    hint: %s\n", dg->hint);
}
