/* SPDX-License-Identifier: Apache-2.0 */
/*
 * diagout.c - diagnostics and JSON output helpers shared by commands.
 */
#include "base/compat.h"
#include "cmd/diagout.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"

static char *source_path(const char *path, const char *root)
{
	const char *home = getenv("HOME");

	if (!path)
		return NULL;
	if (path[0] == '/')
		return sw_xstrdup(path);
	if (sw_starts_with(path, "~/"))
		return home ? sw_path_join(home, path + 2) : NULL;
	return root ? sw_path_join(root, path) : sw_xstrdup(path);
}

void sw_cmd_print_diags(struct sw_diags *d, const char *root, enum sw_severity min)
{
	struct sw_buf src = SW_BUF_INIT;
	const char *loaded = NULL;
	size_t i;

	sw_diags_sort(d);
	for (i = 0; i < d->nr; i++) {
		const struct sw_diag *dg = &d->v[i];

		if (dg->severity < min)
			continue;
		if (dg->severity != SW_SEV_ERROR && sw_log_level() < SW_LOG_NORMAL)
			continue;
		if (dg->path && (!loaded || strcmp(loaded, dg->path))) {
			struct sw_error err = SW_ERROR_INIT;
			char *p = source_path(dg->path, root);

			sw_buf_reset(&src);
			if (!p || sw_read_file(&src, p, 16u << 20, &err) < 0)
				sw_buf_reset(&src);
			free(p);
			loaded = dg->path;
		}
		sw_report_diag(stderr, dg, src.len ? src.ptr : NULL, src.len);
	}
	sw_buf_release(&src);
}

cJSON *sw_cmd_diags_json(const struct sw_diags *d)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < d->nr; i++) {
		const struct sw_diag *dg = &d->v[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "severity", sw_severity_name(dg->severity));
		sw_cmd_json_str(o, "code", dg->code);
		sw_cmd_json_str(o, "file", dg->path);
		cJSON_AddNumberToObject(o, "line", dg->line);
		cJSON_AddNumberToObject(o, "column", dg->col);
		sw_cmd_json_str(o, "message", dg->msg);
		sw_cmd_json_str(o, "hint", dg->hint);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

int sw_cmd_finish_list(struct sw_diags *d, const char *root, int json, const char *where)
{
	sw_cmd_print_diags(d, root, SW_SEV_ERROR);
	if (d->warnings && !json)
		sw_info("%zu warning%s %s", d->warnings, d->warnings == 1 ? "" : "s", where);
	return d->errors ? 1 : 0;
}

void sw_cmd_diag_summary(const struct sw_diags *d, const char *what)
{
	if (!d->errors && !d->warnings)
		return;
	if (!d->errors && sw_log_level() < SW_LOG_NORMAL)
		return;
	fprintf(stderr, "specwright: %s: %zu error%s, %zu warning%s\n", what, d->errors,
		d->errors == 1 ? "" : "s", d->warnings, d->warnings == 1 ? "" : "s");
}

void sw_cmd_json_str(cJSON *obj, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(obj, key, s);
	else
		cJSON_AddNullToObject(obj, key);
}

cJSON *sw_cmd_json_strs(char *const *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
	return arr;
}

static void print_take(cJSON *v, int pretty)
{
	struct sw_buf b = SW_BUF_INIT;

	sw_json_print(&b, v, pretty);
	fwrite(b.ptr, 1, b.len, stdout);
	fputc('\n', stdout);
	sw_buf_release(&b);
	cJSON_Delete(v);
}

void sw_cmd_json_print_take(cJSON *v)
{
	print_take(v, 1);
}

void sw_cmd_json_print_line_take(cJSON *v)
{
	print_take(v, 0);
}

void sw_cmd_json_print_list_take(const char *key, cJSON *items, const struct sw_diags *d)
{
	cJSON *doc = cJSON_CreateObject();

	cJSON_AddItemToObject(doc, key, items);
	cJSON_AddItemToObject(doc, "diagnostics", sw_cmd_diags_json(d));
	sw_cmd_json_print_take(doc);
}
