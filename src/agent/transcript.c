/* SPDX-License-Identifier: Apache-2.0 */
/*
 * transcript.c - one NDJSON file per session, with secrets redacted.
 *
 * .kiro/sessions/<id>.ndjson under the workspace root (else the working
 * directory).  Each line is {"ts": RFC 3339 UTC, "type": ..., ...}:
 *   session     {id, agent, model, cwd} when a session starts or resumes
 *   message     {message} each message added to the conversation
 *   usage       {model, for, input, output, cache_read, cache_write, cost, session_cost}
 *   tool        {id, name, error}
 *   compaction  {summarised, messages} the whole history after compaction
 *   turn_end    {stop_reason, error?}
 * Resuming replays message and compaction records to rebuild the
 * conversation.  The file is append-only; every line goes through
 * agent_redact() first, so keys never reach the disk even when a tool
 * printed one.
 */
#include "base/compat.h"
#include "agent/internal.h"
#include "base/fs.h"
#include "base/json.h"

#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#define TRANSCRIPT_MAX (256u << 20) /* a transcript read back to resume */

static const char redacted[] = "[REDACTED]";

static int secret_name(const char *name, size_t n)
{
	static const char *const words[] = { "KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", NULL };
	size_t i;
	char up[128];

	if (n >= sizeof(up))
		n = sizeof(up) - 1;
	for (i = 0; i < n; i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	up[n] = '\0';
	for (i = 0; words[i]; i++)
		if (strstr(up, words[i]))
			return 1;
	return 0;
}

static void replace_all(struct sw_buf *b, const char *needle, size_t n)
{
	size_t off = 0;
	char *at;

	if (n < 8)
		return;
	while (off < b->len && (at = memmem(b->ptr + off, b->len - off, needle, n))) {
		size_t pos = (size_t)(at - b->ptr);

		sw_buf_splice(b, pos, n, redacted, sizeof(redacted) - 1);
		off = pos + sizeof(redacted) - 1;
	}
}

static int token_char(int c)
{
	return isalnum(c) || c == '-' || c == '_';
}

/* Replaces runs that start with @prefix and continue with at least @min token characters. */
static void redact_prefixed(struct sw_buf *b, const char *prefix, size_t min, int upper_only)
{
	size_t pl = strlen(prefix), i = 0;

	while (i + pl <= b->len) {
		char *at = memmem(b->ptr + i, b->len - i, prefix, pl);
		size_t pos, end;

		if (!at)
			break;
		pos = (size_t)(at - b->ptr);
		end = pos + pl;
		while (end < b->len && (upper_only ? (isupper((unsigned char)b->ptr[end]) || isdigit((unsigned char)b->ptr[end]))
						   : token_char((unsigned char)b->ptr[end])))
			end++;
		if (end - pos - pl >= min && (pos == 0 || !token_char((unsigned char)b->ptr[pos - 1]))) {
			sw_buf_splice(b, pos, end - pos, redacted, sizeof(redacted) - 1);
			i = pos + sizeof(redacted) - 1;
		} else {
			i = pos + pl;
		}
	}
}

/* "Authorization: Bearer x", "x-api-key: x" (any case, also inside JSON). */
static void redact_header(struct sw_buf *b, const char *name)
{
	size_t n = strlen(name), i = 0;

	while (i + n < b->len) {
		size_t pos, v, end;

		if (strncasecmp(b->ptr + i, name, n)) {
			i++;
			continue;
		}
		pos = i + n;
		v = pos;
		/* skip the separator: ':' or '":' then spaces and an opening quote */
		while (v < b->len && (b->ptr[v] == '"' || b->ptr[v] == '\\'))
			v++;
		if (v >= b->len || b->ptr[v] != ':') {
			i = pos;
			continue;
		}
		v++;
		while (v < b->len && (b->ptr[v] == ' ' || b->ptr[v] == '"'))
			v++;
		end = v;
		while (end < b->len && b->ptr[end] != '"' && b->ptr[end] != '\n' && b->ptr[end] != '\r' &&
		       !(b->ptr[end] == '\\' && end + 1 < b->len && (b->ptr[end + 1] == 'n' || b->ptr[end + 1] == '"')))
			end++;
		if (end > v && strncmp(b->ptr + v, redacted, sizeof(redacted) - 1)) {
			sw_buf_splice(b, v, end - v, redacted, sizeof(redacted) - 1);
			i = v + sizeof(redacted) - 1;
		} else {
			i = end;
		}
	}
}

void agent_redact(struct sw_buf *b)
{
	extern char **environ;
	char **e;

	for (e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');

		if (eq && secret_name(*e, (size_t)(eq - *e)) && strlen(eq + 1) >= 8)
			replace_all(b, eq + 1, strlen(eq + 1));
	}
	redact_header(b, "authorization");
	redact_header(b, "x-api-key");
	redact_header(b, "x-amz-security-token");
	redact_prefixed(b, "sk-", 16, 0);
	redact_prefixed(b, "AKIA", 16, 1);
	redact_prefixed(b, "ASIA", 16, 1);
	redact_prefixed(b, "ghp_", 20, 0);
	redact_prefixed(b, "xoxb-", 16, 0);
}

static void now_rfc3339(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (ts.tv_nsec / 1000000) % 1000);
}

void agent__transcript(struct agent_session *s, const char *type, cJSON *rec)
{
	struct sw_buf line = SW_BUF_INIT;
	cJSON *out;
	char ts[64];

	if (!s->transcript) {
		cJSON_Delete(rec);
		return;
	}
	now_rfc3339(ts, sizeof(ts));
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "ts", ts);
	cJSON_AddStringToObject(out, "type", type);
	while (rec && rec->child) {
		cJSON *item = rec->child;

		cJSON_DetachItemViaPointer(rec, item);
		cJSON_AddItemToObject(out, item->string, item);
	}
	cJSON_Delete(rec);
	sw_json_print(&line, out, 0);
	cJSON_Delete(out);
	agent_redact(&line);
	sw_buf_addch(&line, '\n');
	if (fwrite(line.ptr, 1, line.len, s->transcript) != line.len || fflush(s->transcript) != 0)
		agent__notice(s, "cannot write the transcript '%s'", s->transcript_path);
	sw_buf_release(&line);
}

static int replay(struct agent_session *s, const char *path, struct sw_error *err)
{
	struct sw_buf text = SW_BUF_INIT;
	char *line, *save = NULL;
	int rc, n = 0;

	if ((rc = sw_read_file(&text, path, TRANSCRIPT_MAX, err)) < 0)
		return rc;
	for (line = strtok_r(text.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *rec = NULL;
		struct sw_error jerr = SW_ERROR_INIT;
		const char *type;

		n++;
		if (sw_json_parse(&rec, line, strlen(line), &jerr) < 0) {
			/* A torn last line after a crash: keep what came before it. */
			continue;
		}
		type = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "type"));
		if (type && !strcmp(type, "message")) {
			cJSON *m = cJSON_DetachItemFromObject(rec, "message");

			if (cJSON_IsObject(m))
				cJSON_AddItemToArray(s->messages, m);
			else
				cJSON_Delete(m);
		} else if (type && !strcmp(type, "compaction")) {
			cJSON *m = cJSON_DetachItemFromObject(rec, "messages");

			if (cJSON_IsArray(m)) {
				cJSON_Delete(s->messages);
				s->messages = m;
			} else {
				cJSON_Delete(m);
			}
		} else if (type && !strcmp(type, "usage")) {
			struct model_usage u;

			memset(&u, 0, sizeof(u));
			u.input = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "input"));
			u.output = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "output"));
			u.cache_read = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "cache_read"));
			u.cache_write = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "cache_write"));
			u.cost = cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "cost"));
			u.calls = 1;
			model_usage_add(&s->usage, &u);
		}
		cJSON_Delete(rec);
	}
	/* A history that ends with tool calls and no results cannot be continued as is. */
	{
		int last = cJSON_GetArraySize(s->messages) - 1;
		const cJSON *m = cJSON_GetArrayItem(s->messages, last), *b;

		cJSON_ArrayForEach(b, cJSON_GetObjectItem(m, "content")) {
			const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(b, "type"));
			const char *role = cJSON_GetStringValue(cJSON_GetObjectItem(m, "role"));

			if (t && !strcmp(t, "tool_use") && role && !strcmp(role, "assistant")) {
				cJSON_DeleteItemFromArray(s->messages, last);
				break;
			}
		}
	}
	sw_buf_release(&text);
	return 0;
}

int agent__transcript_open(struct agent_session *s, const char *resume_id, struct sw_error *err)
{
	struct sw_buf dir = SW_BUF_INIT, path = SW_BUF_INIT;
	cJSON *rec;
	int rc = 0;

	sw_buf_addf(&dir, "%s/.kiro/sessions", s->root ? s->root : s->cwd);
	sw_buf_addf(&path, "%s/%s.ndjson", dir.ptr, s->id);
	if (strchr(s->id, '/') || s->id[0] == '.') {
		rc = sw_error_set(err, SW_EINVAL, "'%s' is not a session id", s->id);
		goto out;
	}
	if (resume_id) {
		if (!sw_is_file(path.ptr)) {
			rc = sw_error_set(err, SW_ENOTFOUND, "no session '%s' in '%s'", s->id, dir.ptr);
			goto out;
		}
		if ((rc = replay(s, path.ptr, err)) < 0)
			goto out;
	}
	if ((rc = sw_mkdir_p(dir.ptr, err)) < 0)
		goto out;
	/* Transcripts are this machine's record: git never sees them (nor a run's commits). */
	sw_buf_addf(&dir, "/.gitignore");
	if (!sw_path_exists(dir.ptr) && (rc = sw_write_atomic(dir.ptr, "*\n", 2, err)) < 0)
		goto out;
	/* Append-only log, not a user file rewritten in place: O_APPEND keeps earlier lines safe. */
	s->transcript = fopen(path.ptr, "ae");
	if (!s->transcript) {
		rc = sw_error_errno(err, SW_EIO, "cannot open '%s'", path.ptr);
		goto out;
	}
	s->transcript_path = sw_buf_detach(&path, NULL);
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "id", s->id);
	cJSON_AddStringToObject(rec, "agent", s->profile.name);
	cJSON_AddStringToObject(rec, "model", model_config_name(s->cfg));
	cJSON_AddStringToObject(rec, "cwd", s->cwd);
	if (resume_id)
		cJSON_AddTrueToObject(rec, "resumed");
	agent__transcript(s, "session", rec);
out:
	sw_buf_release(&dir);
	sw_buf_release(&path);
	return rc;
}

void agent__transcript_close(struct agent_session *s)
{
	if (s->transcript)
		fclose(s->transcript);
	s->transcript = NULL;
}

char *agent_last_session(const char *root)
{
	struct sw_buf dir = SW_BUF_INIT;
	struct dirent *de;
	DIR *d;
	char *best = NULL;
	struct timespec best_t = { 0, 0 };

	sw_buf_addf(&dir, "%s/.kiro/sessions", root);
	d = opendir(dir.ptr);
	if (!d) {
		sw_buf_release(&dir);
		return NULL;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *p;

		if (!sw_ends_with(de->d_name, ".ndjson"))
			continue;
		p = sw_path_join(dir.ptr, de->d_name);
		if (stat(p, &st) == 0 &&
		    (st.st_mtim.tv_sec > best_t.tv_sec ||
		     (st.st_mtim.tv_sec == best_t.tv_sec && st.st_mtim.tv_nsec >= best_t.tv_nsec))) {
			best_t = st.st_mtim;
			free(best);
			best = sw_xstrndup(de->d_name, strlen(de->d_name) - strlen(".ndjson"));
		}
		free(p);
	}
	closedir(d);
	sw_buf_release(&dir);
	return best;
}
