// SPDX-License-Identifier: Apache-2.0
/*
 * runs.c - runs read back from their journals (runs.h).
 *
 * The summary replays the journal: the plan record lists the tasks, each
 * later record moves its task along (dispatch: running, retry: attempts,
 * usage: tokens, done/failed/skipped/cancelled/not-run: final).  A journal
 * without its end record belongs to a run that is still going or died.
 */
#include "dispatch/runs.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fs.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int runs_list(struct sw_strvec *out, const char *kiro_dir, struct sw_error *err)
{
	char *runs = sw_path_join(kiro_dir, "runs");
	DIR *d = opendir(runs);
	struct dirent *e;
	size_t first = out->nr;

	if (!d) {
		int rc = errno == ENOENT ? 0 : sw_error_errno(err, SW_EIO, "cannot read '%s'", runs);

		free(runs);
		return rc;
	}
	while ((e = readdir(d)) != NULL) {
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = sw_path_join(runs, e->d_name);
		if (sw_is_dir(p))
			sw_strvec_push(out, e->d_name);
		free(p);
	}
	closedir(d);
	free(runs);
	SW_QSORT(out->v + first, out->nr - first, cmp_name);
	return 0;
}

int runs_dir(char **dir, const char *kiro_dir, const char *id, struct sw_error *err)
{
	char *runs, *p;

	*dir = NULL;
	if (!*id || strchr(id, '/') || id[0] == '.')
		return sw_error_set(err, SW_EINVAL, "'%s' is not a run: expected a folder name under .kiro/runs "
				    "(see 'specwright run list')", id);
	runs = sw_path_join(kiro_dir, "runs");
	p = sw_path_join(runs, id);
	free(runs);
	if (!sw_is_dir(p)) {
		free(p);
		return sw_error_set(err, SW_ENOTFOUND, "no run '%s' under .kiro/runs (see 'specwright run list')", id);
	}
	*dir = p;
	return 0;
}

const char *runs_str(const cJSON *r, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

double runs_num(const cJSON *r, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

long runs_pid(const char *dir)
{
	char *path = sw_path_join(dir, "pid");
	struct sw_buf b = SW_BUF_INIT;
	long pid = 0;

	if (sw_read_file(&b, path, 64, NULL) == 0) {
		char *end;

		pid = strtol(b.ptr, &end, 10);
		if (pid <= 1 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
			pid = 0;
	}
	sw_buf_release(&b);
	free(path);
	return pid;
}

cJSON *runs_summary(const char *id, const char *dir, const cJSON *journal)
{
	cJSON *o = cJSON_CreateObject(), *tasks = cJSON_CreateObject(), *order = cJSON_CreateArray();
	const cJSON *r, *end = NULL, *plan = NULL;
	const char *status;

	cJSON_AddStringToObject(o, "run", id);
	cJSON_ArrayForEach(r, journal) {
		const char *ev = runs_str(r, "event"), *task = runs_str(r, "task");
		cJSON *t;

		if (!strcmp(ev, "plan")) {
			const cJSON *pt;

			plan = r;
			cJSON_ArrayForEach(pt, cJSON_GetObjectItemCaseSensitive(r, "tasks")) {
				t = cJSON_CreateObject();
				cJSON_AddStringToObject(t, "id", runs_str(pt, "id"));
				cJSON_AddStringToObject(t, "title", runs_str(pt, "title"));
				cJSON_AddStringToObject(t, "state", "queued");
				cJSON_AddNumberToObject(t, "attempts", 0);
				cJSON_AddNumberToObject(t, "tokens", 0);
				cJSON_AddItemToObject(tasks, runs_str(pt, "id"), t);
				cJSON_AddItemToArray(order, cJSON_CreateString(runs_str(pt, "id")));
			}
			continue;
		}
		if (!strcmp(ev, "end")) {
			end = r;
			continue;
		}
		if (!strcmp(ev, "resume")) {
			end = NULL; /* going on again */
			continue;
		}
		t = *task ? cJSON_GetObjectItemCaseSensitive(tasks, task) : NULL;
		if (!t)
			continue;
		if (!strcmp(ev, "dispatch")) {
			cJSON_ReplaceItemInObject(t, "state", cJSON_CreateString("running"));
			cJSON_ReplaceItemInObject(t, "attempts", cJSON_CreateNumber(1));
		} else if (!strcmp(ev, "retry")) {
			cJSON_ReplaceItemInObject(t, "attempts", cJSON_CreateNumber(runs_num(r, "attempt")));
		} else if (!strcmp(ev, "usage")) {
			const cJSON *u = cJSON_GetObjectItemCaseSensitive(r, "usage");

			cJSON_ReplaceItemInObject(t, "tokens", cJSON_CreateNumber(runs_num(t, "tokens") +
										   runs_num(u, "inputTokens") +
										   runs_num(u, "outputTokens")));
		} else if (!strcmp(ev, "done") || !strcmp(ev, "failed") || !strcmp(ev, "skipped") ||
			   !strcmp(ev, "cancelled") || !strcmp(ev, "not-run")) {
			cJSON_ReplaceItemInObject(t, "state", cJSON_CreateString(ev));
			if (cJSON_GetObjectItemCaseSensitive(r, "reason"))
				cJSON_AddStringToObject(t, "reason", runs_str(r, "reason"));
			if (cJSON_GetObjectItemCaseSensitive(r, "elapsedMs"))
				cJSON_AddNumberToObject(t, "elapsedMs", runs_num(r, "elapsedMs"));
		}
	}
	if (end)
		status = runs_str(end, "status");
	else if (runs_pid(dir))
		status = "running";
	else
		status = "interrupted";
	cJSON_AddStringToObject(o, "spec", plan ? runs_str(plan, "spec") : "");
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddStringToObject(o, "started", plan ? runs_str(plan, "ts") : "");
	if (end)
		cJSON_AddStringToObject(o, "ended", runs_str(end, "ts"));
	{
		cJSON *arr = cJSON_CreateArray(), *x;
		size_t counts[6] = { 0 };
		static const char *const names[] = { "queued", "running", "done", "failed", "skipped", "other" };
		size_t k;

		cJSON_ArrayForEach(x, order) {
			cJSON *t = cJSON_GetObjectItemCaseSensitive(tasks, x->valuestring);
			const char *st = runs_str(t, "state");

			for (k = 0; k < 5 && strcmp(names[k], st); k++)
				;
			counts[k]++;
			cJSON_AddItemToArray(arr, cJSON_Duplicate(t, 1));
		}
		for (k = 0; k < 6; k++)
			cJSON_AddNumberToObject(o, names[k], (double)counts[k]);
		cJSON_AddItemToObject(o, "tasks", arr);
	}
	cJSON_Delete(tasks);
	cJSON_Delete(order);
	return o;
}

