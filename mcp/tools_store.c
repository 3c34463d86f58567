/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools_store.c - fs_read / fs_write / fs_list over a root directory.
 *
 * Every key goes through one gate, store_key(): normalise it and check the
 * prefix list for the operation.  Then it is opened beneath the root's
 * directory descriptor with no symbolic link followed (sw_fs_open_beneath:
 * openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, or an O_NOFOLLOW walk), so
 * the key that was checked is the path that gets opened: a link inside the
 * store (to another prefix, or out of the root) is refused, not followed,
 * and a folder swapped for a link while a call runs makes the open fail.
 * Listings show links as "link" entries and never descend into them.
 *
 * Reads are bounded (MCP_STORE_MAX_READ per call, cut on a UTF-8 boundary,
 * with next_offset to continue) and tail_lines reads the end of a log
 * backwards in blocks, so an agent watching a long NDJSON log never
 * transfers the whole file.  Writes create the missing folders and the
 * temporary file through the descriptor of the folder that was resolved
 * and rename within it (sw_fs_write_atomic_at), so no write lands outside
 * and no temporary file is left behind.  An append takes an exclusive
 * flock on that folder, reads, appends and replaces atomically, so
 * concurrent appenders (several servers on one store) never lose each
 * other's records and a crash leaves the old file or the new one, never
 * half of a record.
 */
#include "base/compat.h"
#include "tools_store.h"
#include "base/fs.h"
#include "base/fsat.h"
#include "base/json.h"
#include "protocol.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAIL_BLOCK 65536
#define LIST_DEPTH 32
#define RESOURCE_CAP 1000

struct store {
	char *root;             /* absolute */
	int root_fd;            /* the root: every key is opened beneath it */
	struct sw_strvec read;  /* normalised prefixes, no trailing slash; "" admits all */
	struct sw_strvec write;
	struct mcp_toolset set;
};

enum access { ACC_READ, ACC_WRITE, ACC_LIST };

/* ---- prefixes ---- */

static int under(const char *key, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!n)
		return 1;
	return !strncmp(key, prefix, n) && (key[n] == '\0' || key[n] == '/');
}

static int allowed(const struct sw_strvec *prefixes, const char *key)
{
	size_t i;

	for (i = 0; i < prefixes->nr; i++)
		if (under(key, prefixes->v[i]))
			return 1;
	return 0;
}

/* 1 if directory @key lies above some prefix (so listing it shows the way down). */
static int above(const struct sw_strvec *prefixes, const char *key)
{
	size_t i;

	for (i = 0; i < prefixes->nr; i++)
		if (prefixes->v[i][0] && under(prefixes->v[i], key))
			return 1;
	return 0;
}

static void describe_prefixes(struct sw_buf *b, const struct sw_strvec *prefixes)
{
	size_t i;

	for (i = 0; i < prefixes->nr; i++)
		sw_buf_addf(b, "%s'%s/'", i ? ", " : "", prefixes->v[i]);
	if (!prefixes->nr)
		sw_buf_adds(b, "none");
}

/*
 * The gate.  On success *@norm (caller frees) is the normalised key, which
 * is also the path opened beneath the root: nothing on the way may be a
 * link (sw_fs_open_beneath), so the prefix checked here is the prefix of
 * the resolved path.  On refusal, sets @err (SW_EINVAL) and returns it.
 */
static int store_key(const struct store *st, const char *key, enum access acc, char **norm,
		     struct sw_error *err)
{
	const struct sw_strvec *pre = acc == ACC_WRITE ? &st->write : &st->read;
	struct sw_error e = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	int rc;

	*norm = NULL;
	if (sw_path_normalize(norm, key, strlen(key), acc == ACC_LIST, &e) < 0)
		return sw_error_set(err, SW_EINVAL, "refused key '%s': %s", key, e.msg);
	if (allowed(pre, *norm) || (acc == ACC_LIST && above(pre, *norm)))
		return 0;
	describe_prefixes(&b, pre);
	rc = sw_error_set(err, SW_EINVAL, "refused key '%s': not under a %s prefix (%s)", key,
			  acc == ACC_WRITE ? "writable" : "readable", b.ptr);
	sw_buf_release(&b);
	free(*norm);
	*norm = NULL;
	return rc;
}

/*
 * Opens key @norm beneath the root with @flags; on failure puts an isError
 * result naming @key on @call and returns -1.
 */
static int store_open(const struct store *st, struct mcp_call *call, const char *key, const char *norm,
		      int flags, int *fd)
{
	struct sw_error e = SW_ERROR_INIT;

	if (sw_fs_open_beneath(fd, st->root_fd, norm, flags, &e) == 0)
		return 0;
	if (e.code == SW_EINVAL)
		mcp_call_error(call, "refused key '%s': %s", key, e.msg);
	else if (e.code == SW_ENOTFOUND && !(flags & O_DIRECTORY))
		mcp_call_error(call, "no such file '%s'", norm);
	else
		mcp_call_error(call, "%s", e.msg);
	return -1;
}

/* ---- text ---- */

/* Length of the valid UTF-8 prefix of @s (stops at the first bad byte). */
static size_t utf8_valid_len(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n, k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 4;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n > len)
			return i;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n;
	}
	return i;
}

static const char *mime_of(const char *key)
{
	if (sw_ends_with(key, ".md"))
		return "text/markdown";
	if (sw_ends_with(key, ".json"))
		return "application/json";
	if (sw_ends_with(key, ".ndjson") || sw_ends_with(key, ".jsonl"))
		return "application/x-ndjson";
	return "text/plain";
}

static int pread_all(int fd, char *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* Offset where the last @lines lines of the file start (a final newline ends the last line). */
static off_t tail_start(int fd, off_t size, long long lines)
{
	char *blk = sw_xmalloc(TAIL_BLOCK);
	off_t pos = size, start = 0;
	long long seen = 0;
	int first = 1;

	while (pos > 0) {
		size_t n = pos < TAIL_BLOCK ? (size_t)pos : TAIL_BLOCK;
		size_t i;

		pos -= (off_t)n;
		if (pread_all(fd, blk, n, pos) < 0)
			break;
		for (i = n; i-- > 0;) {
			if (blk[i] != '\n')
				continue;
			if (first && pos + (off_t)i == size - 1) /* the last line's own terminator */
				continue;
			if (++seen == lines) {
				start = pos + (off_t)i + 1;
				goto out;
			}
		}
		first = 0;
	}
out:
	free(blk);
	return start;
}

/* ---- fs_read ---- */

static const char read_input[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\",\"description\":\"key of the file, relative to the store root\"},"
	"\"offset\":{\"type\":\"integer\",\"minimum\":0,\"description\":\"first byte to return (default 0)\"},"
	"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"most bytes to return (default and maximum 1048576)\"},"
	"\"tail_lines\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"return only the last N lines\"}},"
	"\"required\":[\"path\"],\"additionalProperties\":false}";

static const char read_output[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"},"
	"\"offset\":{\"type\":\"integer\"},\"size\":{\"type\":\"integer\"},"
	"\"eof\":{\"type\":\"boolean\"},\"next_offset\":{\"type\":\"integer\"}},"
	"\"required\":[\"path\",\"content\",\"offset\",\"size\",\"eof\"]}";

static long long arg_int(const cJSON *args, const char *key, long long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

	return cJSON_IsNumber(v) ? (long long)v->valuedouble : def;
}

/*
 * Reads [start, start+len) of the open file into @out, trimming to whole
 * UTF-8 characters at a cut end.  Returns 0, or -1 with @why set.
 */
static int read_span(int fd, off_t size, off_t start, size_t len, int cut_front, struct sw_buf *out,
		     size_t *skipped, const char **why)
{
	size_t valid, skip = 0;

	sw_buf_grow(out, len);
	if (len && pread_all(fd, out->ptr, len, start) < 0) {
		*why = "cannot read";
		return -1;
	}
	sw_buf_setlen(out, len);
	if (cut_front)
		while (skip < out->len && skip < 3 && ((unsigned char)out->ptr[skip] & 0xc0) == 0x80)
			skip++;
	if (skip)
		sw_buf_remove(out, 0, skip);
	*skipped = skip;
	valid = utf8_valid_len((const unsigned char *)out->ptr, out->len);
	if (valid < out->len) {
		/* A character cut by the limit is fine (it comes next time); anything else is binary. */
		if (start + (off_t)len < size && out->len - valid < 4 &&
		    utf8_valid_len((const unsigned char *)out->ptr + valid, out->len - valid) == 0 &&
		    ((unsigned char)out->ptr[valid] & 0xc0) == 0xc0) {
			sw_buf_setlen(out, valid);
			return 0;
		}
		*why = "is not UTF-8 text";
		return -1;
	}
	if (memchr(out->ptr, '\0', out->len)) {
		*why = "is not text (it contains NUL bytes)";
		return -1;
	}
	return 0;
}

static int fs_read(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	struct store *st = data;
	const char *key = cJSON_GetObjectItemCaseSensitive(args, "path")->valuestring;
	long long offset = arg_int(args, "offset", -1), limit = arg_int(args, "limit", MCP_STORE_MAX_READ);
	long long tail = arg_int(args, "tail_lines", 0);
	char *norm = NULL;
	struct sw_buf content = SW_BUF_INIT;
	struct sw_error e = SW_ERROR_INIT;
	struct stat sb;
	off_t start = 0, end;
	size_t len, skipped = 0;
	const char *why = NULL;
	cJSON *res;
	int fd = -1, cut_front = 0;

	SW_UNUSED(err);
	if (offset >= 0 && tail > 0) {
		mcp_call_error(call, "give either 'offset' or 'tail_lines', not both");
		goto out;
	}
	if (limit < 1 || limit > MCP_STORE_MAX_READ)
		limit = MCP_STORE_MAX_READ;
	if (store_key(st, key, ACC_READ, &norm, &e) < 0) {
		mcp_call_error(call, "%s", e.msg);
		goto out;
	}
	if (store_open(st, call, key, norm, O_RDONLY | O_NOCTTY | O_NONBLOCK, &fd) < 0)
		goto out;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		mcp_call_error(call, S_ISDIR(sb.st_mode) ? "'%s' is a directory (use fs_list)"
							 : "'%s' is not a regular file", norm);
		goto out;
	}
	if (tail > 0) {
		start = tail_start(fd, sb.st_size, tail);
		if (sb.st_size - start > limit) {
			start = sb.st_size - limit;
			cut_front = 1;
		}
	} else if (offset > 0) {
		start = offset > sb.st_size ? sb.st_size : (off_t)offset;
		cut_front = 1;
	}
	len = (size_t)(sb.st_size - start) < (size_t)limit ? (size_t)(sb.st_size - start) : (size_t)limit;
	if (read_span(fd, sb.st_size, start, len, cut_front, &content, &skipped, &why) < 0) {
		mcp_call_error(call, "'%s' %s", norm, why);
		goto out;
	}
	start += (off_t)skipped;
	end = start + (off_t)content.len;
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "path", norm);
	cJSON_AddStringToObject(res, "content", content.ptr);
	cJSON_AddNumberToObject(res, "offset", (double)start);
	cJSON_AddNumberToObject(res, "size", (double)sb.st_size);
	cJSON_AddBoolToObject(res, "eof", end >= sb.st_size);
	if (end < sb.st_size)
		cJSON_AddNumberToObject(res, "next_offset", (double)end);
	mcp_call_text(call, content.ptr, content.len);
	mcp_call_structured_take(call, res);
out:
	if (fd >= 0)
		close(fd);
	sw_buf_release(&content);
	free(norm);
	return 0;
}

/* ---- fs_write ---- */

static const char write_input[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\",\"description\":\"key of the file, under a writable prefix\"},"
	"\"content\":{\"type\":\"string\",\"description\":\"text to write\"},"
	"\"append\":{\"type\":\"boolean\",\"description\":\"append to the file instead of replacing it (atomic)\"}},"
	"\"required\":[\"path\",\"content\"],\"additionalProperties\":false}";

static const char write_output[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\"},\"size\":{\"type\":\"integer\"},"
	"\"written\":{\"type\":\"integer\"},\"appended\":{\"type\":\"boolean\"}},"
	"\"required\":[\"path\",\"size\",\"written\",\"appended\"]}";

static int fs_write(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	struct store *st = data;
	const char *key = cJSON_GetObjectItemCaseSensitive(args, "path")->valuestring;
	const char *text = cJSON_GetObjectItemCaseSensitive(args, "content")->valuestring;
	const cJSON *ap = cJSON_GetObjectItemCaseSensitive(args, "append");
	int append = cJSON_IsTrue(ap);
	size_t tlen = strlen(text);
	char *norm = NULL, *dir = NULL;
	const char *name;
	struct sw_buf all = SW_BUF_INIT;
	struct sw_error e = SW_ERROR_INIT;
	struct stat sb;
	int dfd = -1, fd = -1;
	cJSON *res;

	SW_UNUSED(err);
	if (store_key(st, key, ACC_WRITE, &norm, &e) < 0) {
		mcp_call_error(call, "%s", e.msg);
		goto out;
	}
	if (tlen > MCP_STORE_MAX_WRITE) {
		mcp_call_error(call, "content of %zu bytes is over the %u-byte limit", tlen, MCP_STORE_MAX_WRITE);
		goto out;
	}
	/* From here on everything goes through the folder's descriptor, never its name again. */
	name = sw_basename(norm);
	dir = name == norm ? sw_xstrdup("") : sw_xstrndup(norm, (size_t)(name - norm - 1));
	if (sw_fs_mkdir_beneath(&dfd, st->root_fd, dir, &e) < 0) {
		if (e.code == SW_EINVAL)
			mcp_call_error(call, "refused key '%s': %s", key, e.msg);
		else
			mcp_call_error(call, "cannot create the folder of '%s': %s", norm, e.msg);
		goto out;
	}
	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			mcp_call_error(call, "'%s' is a directory", norm);
			goto out;
		}
		if (!S_ISREG(sb.st_mode)) {
			mcp_call_error(call, "refused key '%s': '%s' is %s", key, norm,
				       S_ISLNK(sb.st_mode) ? "a symbolic link (links are not followed here)"
							   : "not a regular file");
			goto out;
		}
	}
	if (append) {
		/* Serialise appenders across processes; the directory is the lock. */
		if (flock(dfd, LOCK_EX) < 0) {
			mcp_call_error(call, "cannot lock the folder of '%s': %s", norm, strerror(errno));
			goto out;
		}
		fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT) {
			mcp_call_error(call, "cannot append to '%s': %s", norm, strerror(errno));
			goto out;
		}
		if (fd >= 0 && sw_fs_read_fd(&all, fd, MCP_STORE_MAX_WRITE, norm, &e) < 0) {
			mcp_call_error(call, "cannot append to '%s': %s", norm,
				       e.code == SW_ETOOBIG ? "the file is over the size limit" : e.msg);
			goto out;
		}
		if (all.len + tlen > MCP_STORE_MAX_WRITE) {
			mcp_call_error(call, "appending %zu bytes would take '%s' over the %u-byte limit", tlen,
				       norm, MCP_STORE_MAX_WRITE);
			goto out;
		}
	}
	sw_buf_add(&all, text, tlen);
	if (sw_fs_write_atomic_at(dfd, name, all.ptr, all.len, &e) < 0) {
		mcp_call_error(call, "cannot write '%s': %s", norm, e.msg);
		goto out;
	}
	mcp_call_log(call, 1, "store", "%s %s (%zu bytes)",
			append ? "appended to" : "wrote", norm, tlen);
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "path", norm);
	cJSON_AddNumberToObject(res, "size", (double)all.len);
	cJSON_AddNumberToObject(res, "written", (double)tlen);
	cJSON_AddBoolToObject(res, "appended", append);
	mcp_call_textf(call, "%s %zu bytes %s '%s' (now %zu bytes)", append ? "appended" : "wrote", tlen,
		       append ? "to" : "into", norm, all.len);
	mcp_call_structured_take(call, res);
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd); /* releases the flock */
	sw_buf_release(&all);
	free(norm);
	free(dir);
	return 0;
}

/* ---- fs_list ---- */

static const char list_input[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\",\"description\":\"folder to list, relative to the root (default: the root)\"},"
	"\"recursive\":{\"type\":\"boolean\",\"description\":\"list the whole tree below the folder\"},"
	"\"cursor\":{\"type\":\"string\",\"description\":\"next_cursor of the previous page\"},"
	"\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000,\"description\":\"entries per page (default 200)\"}},"
	"\"additionalProperties\":false}";

static const char list_output[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\"},"
	"\"entries\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"path\":{\"type\":\"string\"},\"type\":{\"type\":\"string\",\"enum\":[\"file\",\"dir\",\"link\",\"other\"]},"
	"\"size\":{\"type\":\"integer\"}},\"required\":[\"path\",\"type\"]}},"
	"\"next_cursor\":{\"type\":\"string\"}},"
	"\"required\":[\"path\",\"entries\"]}";

struct entry {
	char *key;
	const char *type;
	long long size;
};

struct entries {
	struct entry *v;
	size_t nr, alloc;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

static void entries_release(struct entries *es)
{
	size_t i;

	for (i = 0; i < es->nr; i++)
		free(es->v[i].key);
	free(es->v);
	es->v = NULL;
	es->nr = es->alloc = 0;
}

/*
 * Adds the entries of the folder open on @dfd (borrowed) whose key is
 * @key.  Entries are looked at with fstatat(AT_SYMLINK_NOFOLLOW) and
 * sub-folders opened with O_NOFOLLOW from @dfd: links are listed, never
 * followed, and a folder swapped for a link is skipped.  Our own
 * temporary files are not store contents.
 */
static void walk(struct store *st, int dfd, const char *key, int recursive, int depth,
		 int files_only, struct entries *es, size_t cap)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) && (!cap || es->nr < cap)) {
		struct stat sb;
		char *child_key;
		const char *type;
		int dir_ok, visible;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || sw_fs_is_temp_name(de->d_name, NULL, NULL))
			continue;
		if (fstatat(fd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		child_key = *key ? sw_path_join(key, de->d_name) : sw_xstrdup(de->d_name);
		type = S_ISREG(sb.st_mode) ? "file" : S_ISDIR(sb.st_mode) ? "dir" : S_ISLNK(sb.st_mode) ? "link" : "other";
		dir_ok = S_ISDIR(sb.st_mode) && (allowed(&st->read, child_key) || above(&st->read, child_key));
		visible = allowed(&st->read, child_key) || dir_ok;
		if (visible && (!files_only || S_ISREG(sb.st_mode))) {
			SW_ALLOC_GROW(es->v, es->nr + 1, es->alloc);
			es->v[es->nr].key = sw_xstrdup(child_key);
			es->v[es->nr].type = type;
			es->v[es->nr].size = S_ISREG(sb.st_mode) ? (long long)sb.st_size : -1;
			es->nr++;
		}
		if (recursive && dir_ok && depth < LIST_DEPTH) {
			int sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				walk(st, sub, child_key, recursive, depth + 1, files_only, es, cap);
				close(sub);
			}
		}
		free(child_key);
	}
	closedir(d);
}

static int fs_list(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	struct store *st = data;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(args, "path");
	const cJSON *cur = cJSON_GetObjectItemCaseSensitive(args, "cursor");
	int recursive = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(args, "recursive"));
	long long limit = arg_int(args, "limit", MCP_STORE_LIST_PAGE);
	const char *key = cJSON_IsString(p) ? p->valuestring : "";
	char *norm = NULL;
	struct entries es = { NULL, 0, 0 };
	struct sw_buf text = SW_BUF_INIT;
	struct sw_error e = SW_ERROR_INIT;
	size_t i, first = 0, n = 0;
	cJSON *res, *arr;
	int dfd = -1;

	SW_UNUSED(err);
	if (limit < 1 || limit > 1000)
		limit = MCP_STORE_LIST_PAGE;
	if (store_key(st, key, ACC_LIST, &norm, &e) < 0) {
		mcp_call_error(call, "%s", e.msg);
		goto out;
	}
	if (store_open(st, call, key, norm, O_RDONLY | O_DIRECTORY, &dfd) < 0)
		goto out;
	walk(st, dfd, norm, recursive, 0, 0, &es, 0);
	SW_QSORT(es.v, es.nr, entry_cmp);
	/* The cursor is the last key of the previous page: stable while files come and go. */
	if (cJSON_IsString(cur) && cur->valuestring[0])
		while (first < es.nr && strcmp(es.v[first].key, cur->valuestring) <= 0)
			first++;
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "path", norm);
	arr = cJSON_AddArrayToObject(res, "entries");
	for (i = first; i < es.nr && n < (size_t)limit; i++, n++) {
		cJSON *ent = cJSON_CreateObject();

		cJSON_AddStringToObject(ent, "path", es.v[i].key);
		cJSON_AddStringToObject(ent, "type", es.v[i].type);
		if (es.v[i].size >= 0)
			cJSON_AddNumberToObject(ent, "size", (double)es.v[i].size);
		cJSON_AddItemToArray(arr, ent);
		if (es.v[i].size >= 0)
			sw_buf_addf(&text, "%s\t%s\t%lld\n", es.v[i].type, es.v[i].key, es.v[i].size);
		else
			sw_buf_addf(&text, "%s\t%s/\n", es.v[i].type, es.v[i].key);
	}
	if (i < es.nr) {
		cJSON_AddStringToObject(res, "next_cursor", es.v[i - 1].key);
		sw_buf_addf(&text, "(more: pass cursor \"%s\")\n", es.v[i - 1].key);
	}
	if (!text.len)
		sw_buf_adds(&text, "(empty)\n");
	mcp_call_text(call, text.ptr, text.len);
	mcp_call_structured_take(call, res);
out:
	if (dfd >= 0)
		close(dfd);
	entries_release(&es);
	sw_buf_release(&text);
	free(norm);
	return 0;
}

/* ---- resources ---- */

#define URI_PREFIX "store:///"

static int list_resources(void *data, cJSON *out, struct sw_error *err)
{
	struct store *st = data;
	struct entries es = { NULL, 0, 0 };
	size_t i;

	SW_UNUSED(err);
	walk(st, st->root_fd, "", 1, 0, 1, &es, RESOURCE_CAP);
	SW_QSORT(es.v, es.nr, entry_cmp);
	for (i = 0; i < es.nr; i++) {
		cJSON *r = cJSON_CreateObject();
		struct sw_buf uri = SW_BUF_INIT;

		sw_buf_addf(&uri, URI_PREFIX "%s", es.v[i].key);
		cJSON_AddStringToObject(r, "uri", uri.ptr);
		cJSON_AddStringToObject(r, "name", es.v[i].key);
		cJSON_AddStringToObject(r, "mimeType", mime_of(es.v[i].key));
		cJSON_AddNumberToObject(r, "size", (double)es.v[i].size);
		cJSON_AddItemToArray(out, r);
		sw_buf_release(&uri);
	}
	entries_release(&es);
	return 0;
}

static int list_templates(void *data, cJSON *out, struct sw_error *err)
{
	cJSON *t = cJSON_CreateObject();

	SW_UNUSED(data);
	SW_UNUSED(err);
	cJSON_AddStringToObject(t, "uriTemplate", URI_PREFIX "{+key}");
	cJSON_AddStringToObject(t, "name", "store file");
	cJSON_AddStringToObject(t, "description", "a file of the store, by key");
	cJSON_AddItemToArray(out, t);
	return 0;
}

static int read_resource(void *data, const char *uri, cJSON *out, struct sw_error *err)
{
	struct store *st = data;
	const char *key;
	char *norm = NULL;
	struct sw_buf text = SW_BUF_INIT;
	struct sw_error e = SW_ERROR_INIT;
	cJSON *c;
	int fd = -1, rc = 0;

	if (!sw_skip_prefix(uri, URI_PREFIX, &key))
		return SW_ENOTFOUND;
	if ((rc = store_key(st, key, ACC_READ, &norm, &e)) < 0) {
		rc = sw_error_set(err, SW_EINVAL, "resource '%s' is outside the readable prefixes: %s", uri, e.msg);
		goto out;
	}
	if ((rc = sw_fs_open_beneath(&fd, st->root_fd, norm, O_RDONLY | O_NOCTTY | O_NONBLOCK, &e)) < 0) {
		rc = sw_error_set(err, rc == SW_EINVAL ? SW_EINVAL : rc == SW_ENOTFOUND ? SW_ENOTFOUND : SW_EIO,
				  "resource '%s': %s", uri, e.msg);
		goto out;
	}
	if ((rc = sw_fs_read_fd(&text, fd, MCP_STORE_MAX_READ, norm, &e)) < 0) {
		if (rc == SW_ETOOBIG)
			rc = sw_error_set(err, SW_EINVAL, "resource '%s' is over %u bytes: read it with fs_read",
					  uri, MCP_STORE_MAX_READ);
		else
			rc = sw_error_set(err, rc, "resource '%s': %s", uri, e.msg);
		goto out;
	}
	if (utf8_valid_len((const unsigned char *)text.ptr, text.len) != text.len ||
	    memchr(text.ptr, '\0', text.len)) {
		rc = sw_error_set(err, SW_EINVAL, "resource '%s' is not UTF-8 text", uri);
		goto out;
	}
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "uri", uri);
	cJSON_AddStringToObject(c, "mimeType", mime_of(norm));
	cJSON_AddStringToObject(c, "text", text.ptr);
	cJSON_AddItemToArray(out, c);
out:
	if (fd >= 0)
		close(fd);
	sw_buf_release(&text);
	free(norm);
	return rc;
}

/* ---- the set ---- */

static const struct mcp_tool_def store_tools[] = {
	{ "fs_read", "Read a store file",
	  "Read a text file of the store by key. Use offset/limit to page through a large file "
	  "(next_offset tells where to continue) or tail_lines to read only the end of a log.",
	  read_input, read_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, fs_read },
	{ "fs_write", "Write a store file",
	  "Write a text file of the store (atomically; the folder is created). With append:true the "
	  "content is added at the end in one atomic step. Only keys under the writable prefixes are accepted.",
	  write_input, write_output, MCP_TOOL_DESTRUCTIVE, fs_write },
	{ "fs_list", "List a store folder",
	  "List the files and folders under a key (the root by default), sorted by key, one page at a "
	  "time; pass next_cursor back as cursor for the next page.",
	  list_input, list_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, fs_list },
};

static void store_free(void *data)
{
	struct store *st = data;

	if (st->root_fd >= 0)
		close(st->root_fd);
	free(st->root);
	sw_strvec_clear(&st->read);
	sw_strvec_clear(&st->write);
	free(st);
}

static int add_prefixes(struct sw_strvec *dst, const struct sw_strvec *src, struct sw_error *err)
{
	size_t i;

	for (i = 0; src && i < src->nr; i++) {
		char *norm = NULL;
		int rc = sw_path_normalize(&norm, src->v[i], strlen(src->v[i]), 1, err);

		if (rc < 0) {
			sw_error_prefix(err, "prefix '%s'", src->v[i]);
			return rc;
		}
		sw_strvec_push_take(dst, norm);
	}
	return 0;
}

int mcp_store_toolset_new(struct mcp_toolset **out, const struct mcp_store_opts *o,
			  struct sw_error *err)
{
	struct store *st = sw_xcalloc(1, sizeof(*st));
	int rc;

	st->root_fd = -1;
	*out = NULL;
	st->read = (struct sw_strvec)SW_STRVEC_INIT;
	st->write = (struct sw_strvec)SW_STRVEC_INIT;
	if (!o->root || !sw_is_dir(o->root)) {
		rc = sw_error_set(err, SW_ENOTFOUND, "store root '%s' is not a folder", o->root ? o->root : "");
		goto fail;
	}
	st->root = sw_path_absolute(o->root);
	st->root_fd = open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->root_fd < 0) {
		rc = sw_error_errno(err, SW_EIO, "cannot open store root '%s'", o->root);
		goto fail;
	}
	if (o->read && o->read->nr) {
		if ((rc = add_prefixes(&st->read, o->read, err)) < 0)
			goto fail;
	} else {
		sw_strvec_push(&st->read, "");
	}
	if (o->write) {
		if ((rc = add_prefixes(&st->write, o->write, err)) < 0)
			goto fail;
	} else {
		sw_strvec_push(&st->write, "output");
		sw_strvec_push(&st->write, "store");
	}
	st->set.name = "store";
	st->set.tools = store_tools;
	st->set.nr_tools = SW_ARRAY_SIZE(store_tools);
	st->set.data = st;
	st->set.free_data = store_free;
	st->set.list_resources = list_resources;
	st->set.list_templates = list_templates;
	st->set.read_resource = read_resource;
	*out = &st->set;
	return 0;
fail:
	store_free(st);
	return rc;
}
