// SPDX-License-Identifier: Apache-2.0
/*
 * journal.c - a run's append-only journal (journal.h).
 *
 * O_APPEND makes each record's single write() land at the end whatever
 * else appends; fsync() after it means a record that was reported written
 * survives a crash.  A write cut short (disk full) is undone with
 * ftruncate() so the file never ends in half a record we made.
 */
#include "dispatch/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"

struct journal {
	int fd;
	char *path;
};

void journal_timestamp(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

int journal_open(struct journal **out, const char *path, struct sw_error *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	*out = NULL;
	if (fd < 0)
		return sw_error_errno(err, SW_EIO, "cannot open the run journal '%s'", path);
	*out = sw_xcalloc(1, sizeof(**out));
	(*out)->fd = fd;
	(*out)->path = sw_xstrdup(path);
	return 0;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	close(j->fd);
	free(j->path);
	free(j);
}

int journal_append(struct journal *j, const char *event, cJSON *rec, struct sw_error *err)
{
	cJSON *line = cJSON_CreateObject(), *it;
	struct sw_buf b = SW_BUF_INIT;
	char ts[40];
	struct stat st;
	off_t before = -1;
	ssize_t n;
	int rc = 0;

	journal_timestamp(ts, sizeof(ts));
	cJSON_AddStringToObject(line, "ts", ts);
	cJSON_AddStringToObject(line, "event", event);
	while (rec && (it = rec->child) != NULL) {
		cJSON_DetachItemViaPointer(rec, it);
		if (cJSON_GetObjectItemCaseSensitive(line, it->string))
			cJSON_Delete(it);
		else
			cJSON_AddItemToObject(line, it->string, it);
	}
	cJSON_Delete(rec);
	sw_json_print(&b, line, 0);
	sw_buf_addch(&b, '\n');
	if (fstat(j->fd, &st) == 0)
		before = st.st_size;
	n = write(j->fd, b.ptr, b.len);
	if (n != (ssize_t)b.len) {
		rc = n < 0 ? sw_error_errno(err, SW_EIO, "cannot write to the run journal '%s'", j->path)
			   : sw_error_set(err, SW_EIO, "short write to the run journal '%s'", j->path);
		if (n > 0 && before >= 0 && ftruncate(j->fd, before) != 0)
			rc = sw_error_errno(err, SW_EIO, "cannot undo a short write to '%s'", j->path);
		goto done;
	}
	if (fsync(j->fd) != 0)
		rc = sw_error_errno(err, SW_EIO, "cannot sync the run journal '%s'", j->path);
done:
	sw_buf_release(&b);
	cJSON_Delete(line);
	return rc;
}

int journal_read(cJSON **out, const char *path, struct sw_error *err)
{
	struct sw_buf text = SW_BUF_INIT;
	cJSON *arr = NULL;
	size_t pos = 0;
	int line = 0, rc;

	*out = NULL;
	rc = sw_read_file(&text, path, JOURNAL_MAX, err);
	if (rc < 0)
		goto done;
	arr = cJSON_CreateArray();
	while (pos < text.len) {
		const char *s = text.ptr + pos, *nl = memchr(s, '\n', text.len - pos);
		size_t len = nl ? (size_t)(nl - s) : text.len - pos;
		cJSON *rec = NULL;
		struct sw_error perr = SW_ERROR_INIT;

		line++;
		pos += len + (nl ? 1 : 0);
		if (!len)
			continue;
		if (!nl) {
			rc = sw_error_set(err, SW_EINVAL, "the journal ends in the middle of a record "
					  "(%zu bytes without a newline); was the run killed while writing?", len);
			sw_error_at(err, path, line, 1);
			goto done;
		}
		if (sw_json_parse(&rec, s, len, &perr) < 0 || !cJSON_IsObject(rec)) {
			rc = sw_error_set(err, SW_EINVAL, "expected one JSON object per line%s%s",
					  perr.code ? ": " : "", perr.code ? perr.msg : "");
			sw_error_at(err, path, line, perr.col > 0 ? perr.col : 1);
			cJSON_Delete(rec);
			goto done;
		}
		cJSON_AddItemToArray(arr, rec);
	}
	*out = arr;
	arr = NULL;
done:
	cJSON_Delete(arr);
	sw_buf_release(&text);
	return rc;
}
