/* SPDX-License-Identifier: Apache-2.0 */
/*
 * knowledge.c - knowledge bases on SQLite FTS5 (the only SQLite user).
 *
 * Indexing is a merge of two sorted lists: the files a walk selects and
 * the file rows already stored for the knowledge base.  A file whose size
 * and mtime match its row is unchanged without being read; otherwise it
 * is read, hashed, and re-chunked only when the hash differs.  Rows with
 * no file left are deleted.  Work is committed in batches of whole files
 * (BATCH_BYTES), so an interrupted run keeps what it finished.
 *
 * Searching asks FTS5 for "ORDER BY rank LIMIT n" on the FTS table alone,
 * which lets FTS5 rank internally and compute snippets only for the rows
 * returned; the chunk's lines and knowledge base are looked up per hit.
 * "best" knowledge bases add a cosine ranking over stored vectors and
 * fuse the two rankings by reciprocal rank (k = 60).
 */
#include "base/compat.h"
#include "knowledge/knowledge.h"
#include "base/fs.h"
#include "base/json.h"
#include "kiro/agent.h"

#include <ctype.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH_BYTES (32u << 20)  /* commit after this much text */
#define BATCH_FILES 4000         /* ... or this many files */
#define BINARY_PROBE 8192        /* bytes looked at for a NUL */
#define EMBED_BATCH 64           /* chunks per embeddings request */
#define RRF_K 60.0               /* reciprocal rank fusion constant */
#define HEADING_ONLY_WEIGHT 0.5  /* BM25 score kept by a chunk that is a lone heading line */
#define NAME_MAX_LEN 128

struct kb_db {
	sqlite3 *db;
	char *root;      /* absolute workspace root */
	char *path;      /* absolute database path */
	int lock_fd;     /* writer lock, -1 when not held */
};

static const char schema_sql[] =
	"CREATE TABLE schema_version(version INTEGER NOT NULL);"
	"CREATE TABLE kb("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" path TEXT NOT NULL,"
	" description TEXT NOT NULL DEFAULT '',"
	" index_type TEXT NOT NULL,"
	" include TEXT NOT NULL DEFAULT '[]',"
	" exclude TEXT NOT NULL DEFAULT '[]',"
	" max_files INTEGER NOT NULL,"
	" auto_update INTEGER NOT NULL DEFAULT 0,"
	" embed_model TEXT NOT NULL DEFAULT '',"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE TABLE file("
	" id INTEGER PRIMARY KEY,"
	" kb_id INTEGER NOT NULL REFERENCES kb(id) ON DELETE CASCADE,"
	" path TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" mtime_ns INTEGER NOT NULL,"
	" hash INTEGER NOT NULL,"
	" bytes INTEGER NOT NULL,"
	" UNIQUE(kb_id, path));"
	"CREATE TABLE chunk("
	" id INTEGER PRIMARY KEY,"
	" file_id INTEGER NOT NULL REFERENCES file(id) ON DELETE CASCADE,"
	" start_line INTEGER NOT NULL,"
	" end_line INTEGER NOT NULL);"
	"CREATE INDEX chunk_file ON chunk(file_id);"
	"CREATE TABLE vec("
	" chunk_id INTEGER PRIMARY KEY REFERENCES chunk(id) ON DELETE CASCADE,"
	" v BLOB NOT NULL);";

static const char fts_sql[] =
	"CREATE VIRTUAL TABLE chunk_fts USING fts5(path, heading, body, kb UNINDEXED,"
	" tokenize = 'porter unicode61');"
	/* Path and heading weigh more than the body (BM25 column weights). */
	"INSERT INTO chunk_fts(chunk_fts, rank) VALUES('rank', 'bm25(6.0, 3.0, 1.0)');"
	/*
	 * Pending terms are flushed to a new segment each time the in-memory
	 * hash holds this much (default 1 MB): bigger segments mean far less
	 * merging while a large folder is indexed (measured 1.5x faster).
	 */
	"INSERT INTO chunk_fts(chunk_fts, rank) VALUES('hashsize', 67108864);";

/* ---- errors ---- */

static int db_fail(struct kb_db *db, struct sw_error *err, int rc, const char *what)
{
	int code = SW_EIO;

	if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
		return sw_error_set(err, SW_EPROTO,
				    "'%s' is not a usable knowledge database (%s: %s); remove it and "
				    "add the knowledge bases again",
				    db->path, what, sqlite3_errstr(rc));
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		code = SW_ETIMEOUT;
	return sw_error_set(err, code, "knowledge database '%s': %s: %s", db->path, what,
			    sqlite3_errmsg(db->db));
}

static int exec(struct kb_db *db, const char *sql, struct sw_error *err)
{
	int rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_fail(db, err, rc, sql);
}

static int prepare(struct kb_db *db, sqlite3_stmt **st, const char *sql, struct sw_error *err)
{
	int rc = sqlite3_prepare_v2(db->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : db_fail(db, err, rc, "prepare");
}

/* Runs a prepared statement with no result rows, then resets it. */
static int step_done(struct kb_db *db, sqlite3_stmt *st, struct sw_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, err, rc, "write");
}

/* ---- small helpers ---- */

const char *kb_index_type_name(enum kb_index_type t)
{
	return t == KB_INDEX_BEST ? "best" : "fast";
}

int kb_index_type_parse(enum kb_index_type *out, const char *s, struct sw_error *err)
{
	if (!strcasecmp(s, "fast"))
		*out = KB_INDEX_FAST;
	else if (!strcasecmp(s, "best"))
		*out = KB_INDEX_BEST;
	else
		return sw_error_set(err, SW_EINVAL, "index type must be 'fast' or 'best', not '%s'", s);
	return 0;
}

/* A 64-bit content hash (multiply-rotate over words, murmur finaliser); not cryptographic. */
static uint64_t hash64(const char *p, size_t n)
{
	const uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xC2B2AE3D27D4EB4Full;
	uint64_t h = k1 ^ (n * k2), w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		w *= k2;
		w = (w << 31) | (w >> 33);
		h ^= w * k1;
		h = ((h << 27) | (h >> 37)) * 5 + 0x52DCE729;
	}
	w = 0;
	memcpy(&w, p + i, n - i);
	h ^= w * k2;
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ull;
	h ^= h >> 33;
	return h;
}

static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint64_t w;
		unsigned c;
		int need;

		if (i + 8 <= n) {
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			need = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3;
		else
			return 0;
		if (i + (size_t)need >= n)
			return 0;
		for (int k = 1; k <= need; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		if (c == 0xE0 && s[i + 1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && s[i + 1] > 0x9F)
			return 0; /* surrogate */
		if (c == 0xF0 && s[i + 1] < 0x90)
			return 0;
		if (c == 0xF4 && s[i + 1] > 0x8F)
			return 0;
		i += (size_t)need + 1;
	}
	return 1;
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static char *strvec_to_json(const struct sw_strvec *v)
{
	cJSON *a = cJSON_CreateArray();
	struct sw_buf b = SW_BUF_INIT;
	size_t i;

	for (i = 0; v && i < v->nr; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v->v[i]));
	sw_json_print(&b, a, 0);
	cJSON_Delete(a);
	return sw_buf_detach(&b, NULL);
}

static void strvec_from_json(struct sw_strvec *out, const char *text)
{
	cJSON *a = NULL, *it;

	if (sw_json_parse(&a, text, strlen(text), NULL) < 0)
		return;
	cJSON_ArrayForEach(it, a)
		if (cJSON_IsString(it))
			sw_strvec_push(out, it->valuestring);
	cJSON_Delete(a);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return sw_xstrdup(t ? (const char *)t : "");
}

/* ---- open / close ---- */

static int lock_writer(struct kb_db *db, int timeout_ms, struct sw_error *err)
{
	int rc;

	if (db->lock_fd >= 0)
		return 0;
	rc = sw_file_lock(&db->lock_fd, db->path, timeout_ms > 0 ? timeout_ms : 10000, err);
	if (rc == SW_ETIMEOUT)
		sw_error_prefix(err, "another update of the knowledge bases is running");
	return rc;
}

static void unlock_writer(struct kb_db *db)
{
	if (db->lock_fd >= 0)
		sw_file_unlock(db->lock_fd, db->path);
	db->lock_fd = -1;
}

static int create_schema(struct kb_db *db, struct sw_error *err)
{
	struct sw_buf sql = SW_BUF_INIT;
	int rc;

	sw_buf_addf(&sql, "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE;%s%sINSERT INTO schema_version VALUES(%d);"
		    "COMMIT;", schema_sql,
		    fts_sql, KB_SCHEMA_VERSION);
	rc = exec(db, sql.ptr, err);
	if (rc < 0)
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
	sw_buf_release(&sql);
	return rc;
}

static int check_schema(struct kb_db *db, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step, have = 0;

	rc = sqlite3_prepare_v2(db->db, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = db_fail(db, err, rc, "read schema");
		goto out;
	}
	step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = db_fail(db, err, step, "read schema");
		goto out;
	}
	have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (!have) {
		rc = create_schema(db, err);
		goto out;
	}
	if ((rc = prepare(db, &st, "SELECT version FROM schema_version", err)) < 0)
		goto out;
	step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE ? sw_error_set(err, SW_EPROTO,
							"'%s' has no schema version; remove it and add "
							"the knowledge bases again", db->path)
					 : db_fail(db, err, step, "read schema version");
		goto out;
	}
	if (sqlite3_column_int(st, 0) != KB_SCHEMA_VERSION)
		rc = sw_error_set(err, SW_EPROTO,
				  "'%s' has schema version %d, this specwright reads version %d",
				  db->path, sqlite3_column_int(st, 0), KB_SCHEMA_VERSION);
	else
		rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * Writing needs the folder as well as the file: SQLite creates the -wal and
 * -shm files beside the database, and writers lock knowledge.db.lock.
 */
static int check_writable(const char *kiro, const char *path, struct sw_error *err)
{
	if (access(kiro, W_OK) == 0 || errno == ENOENT)
		return 0;
	SW_UNUSED(path);
	return sw_error_errno(err, SW_EIO, "cannot write the knowledge database: the folder '%s' is not writable",
			      kiro);
}

/* "file:" URI of @path opened immutable: read without the -wal and -shm files a read-only folder cannot hold. */
static char *immutable_uri(const char *path)
{
	struct sw_buf b = SW_BUF_INIT;
	const unsigned char *p;

	sw_buf_adds(&b, "file:");
	for (p = (const unsigned char *)path; *p; p++) {
		if (isalnum(*p) || strchr("/-._~", *p))
			sw_buf_addch(&b, (char)*p);
		else
			sw_buf_addf(&b, "%%%02X", *p);
	}
	sw_buf_adds(&b, "?immutable=1");
	return sw_buf_detach(&b, NULL);
}

static int open_sqlite(struct kb_db *db, int mode, struct sw_error *err)
{
	int rc, flags = mode == KB_OPEN_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	rc = sqlite3_open_v2(db->path, &db->db, flags, NULL);
	if (rc != SQLITE_OK)
		return db->db ? db_fail(db, err, rc, "open") : sw_error_set(err, SW_EIO, "cannot open '%s'", db->path);
	sqlite3_busy_timeout(db->db, 10000);
	sqlite3_extended_result_codes(db->db, 0);
	/*
	 * The first statement that reads the file finds a corrupt or foreign
	 * one.  WAL mode is persistent, so it is set on a new file only.
	 */
	return exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
			"PRAGMA secure_delete = OFF; PRAGMA cache_size = -65536;"
			"PRAGMA temp_store = MEMORY", err);
}

/* Read-only, and the folder cannot hold the WAL index: read the file as it is. */
static int open_immutable(struct kb_db *db, struct sw_error *err)
{
	char *uri = immutable_uri(db->path);
	int rc;

	sqlite3_close_v2(db->db);
	db->db = NULL;
	rc = sqlite3_open_v2(uri, &db->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return db->db ? db_fail(db, err, rc, "open") : sw_error_set(err, SW_EIO, "cannot open '%s'", db->path);
	sqlite3_extended_result_codes(db->db, 0);
	return exec(db, "PRAGMA foreign_keys = ON", err);
}

int kb_open(struct kb_db **out, const char *root, int mode, struct sw_error *err)
{
	struct kb_db *db = sw_xcalloc(1, sizeof(*db));
	char *kiro = NULL;
	int rc, created = 0;

	*out = NULL;
	db->lock_fd = -1;
	db->root = sw_path_absolute(root);
	kiro = sw_path_join(db->root, ".kiro");
	db->path = sw_path_join(kiro, KB_DB_NAME);
	if (!sw_is_file(db->path)) {
		if (mode != KB_OPEN_CREATE) {
			rc = sw_error_set(err, SW_ENOTFOUND, "no knowledge bases yet (no '%s')", db->path);
			goto out;
		}
		created = 1;
	}
	if (mode != KB_OPEN_READ && (rc = check_writable(kiro, db->path, err)) < 0)
		goto out;
	if (created && (rc = sw_mkdir_p(kiro, err)) < 0)
		goto out;
	rc = open_sqlite(db, mode, err);
	if (rc < 0 && mode == KB_OPEN_READ && access(kiro, W_OK) != 0) {
		if (err)
			sw_error_clear(err);
		rc = open_immutable(db, err);
	}
	if (rc < 0 || (rc = check_schema(db, err)) < 0)
		goto out;
	if (created)
		rc = kb_gitignore_ensure(db->root, err);
out:
	free(kiro);
	if (rc < 0) {
		if (err && !err->path[0])
			sw_error_at(err, db->path, 0, 0);
		kb_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

/* A line of .gitignore that already covers the database: "knowledge.db*" with or without the slash. */
static int ignores_db(const char *text)
{
	const char *line = text, *nl;

	for (; *line; line = nl + 1) {
		size_t n;

		nl = strchr(line, '\n');
		n = nl ? (size_t)(nl - line) : strlen(line);
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if ((n == strlen(KB_GITIGNORE_LINE) && !memcmp(line, KB_GITIGNORE_LINE, n)) ||
		    (n == strlen(KB_GITIGNORE_LINE) - 1 && !memcmp(line, &KB_GITIGNORE_LINE[1], n)))
			return 1;
		if (!nl)
			break;
	}
	return 0;
}

int kb_gitignore_ensure(const char *root, struct sw_error *err)
{
	struct sw_buf text = SW_BUF_INIT;
	char *path = sw_path_join(root, ".kiro/.gitignore");
	int rc = 0;

	if (sw_is_file(path) && (rc = sw_read_file(&text, path, 1u << 20, err)) < 0)
		goto out;
	if (ignores_db(text.ptr))
		goto out;
	if (text.len && text.ptr[text.len - 1] != '\n')
		sw_buf_addch(&text, '\n');
	sw_buf_adds(&text, "# the knowledge index, rebuilt by 'specwright knowledge update'\n" KB_GITIGNORE_LINE "\n");
	rc = sw_write_atomic(path, text.ptr, text.len, err);
out:
	sw_buf_release(&text);
	free(path);
	return rc;
}

void kb_close(struct kb_db *db)
{
	if (!db)
		return;
	unlock_writer(db);
	sqlite3_close_v2(db->db);
	free(db->root);
	free(db->path);
	free(db);
}

const char *kb_db_path(const struct kb_db *db)
{
	return db->path;
}

const char *kb_db_root(const struct kb_db *db)
{
	return db->root;
}

/* ---- knowledge base rows ---- */

static void info_from_row(struct kb_info *k, sqlite3_stmt *st)
{
	memset(k, 0, sizeof(*k));
	k->include = (struct sw_strvec)SW_STRVEC_INIT;
	k->exclude = (struct sw_strvec)SW_STRVEC_INIT;
	k->id = sqlite3_column_int64(st, 0);
	k->name = col_dup(st, 1);
	k->path = col_dup(st, 2);
	k->description = col_dup(st, 3);
	k->index_type = !strcmp((const char *)sqlite3_column_text(st, 4), "best") ? KB_INDEX_BEST
										 : KB_INDEX_FAST;
	strvec_from_json(&k->include, (const char *)sqlite3_column_text(st, 5));
	strvec_from_json(&k->exclude, (const char *)sqlite3_column_text(st, 6));
	k->max_files = (size_t)sqlite3_column_int64(st, 7);
	k->auto_update = sqlite3_column_int(st, 8);
	k->embed_model = col_dup(st, 9);
	k->created = sqlite3_column_int64(st, 10);
	k->updated = sqlite3_column_int64(st, 11);
	k->files = sqlite3_column_int64(st, 12);
	k->chunks = sqlite3_column_int64(st, 13);
	k->bytes = (uint64_t)sqlite3_column_int64(st, 14);
}

#define KB_COLUMNS                                                                                  \
	"k.id, k.name, k.path, k.description, k.index_type, k.include, k.exclude, k.max_files,"    \
	" k.auto_update, k.embed_model, k.created, k.updated,"
/* Counting chunks scans them: only "list" and "get" for users pay for it. */
#define KB_COUNTS                                                                                   \
	" (SELECT count(*) FROM file f WHERE f.kb_id = k.id),"                                      \
	" (SELECT count(*) FROM chunk c JOIN file f ON f.id = c.file_id WHERE f.kb_id = k.id),"     \
	" (SELECT coalesce(sum(f.bytes), 0) FROM file f WHERE f.kb_id = k.id)"
#define KB_NO_COUNTS " 0, 0, 0"

void kb_info_release(struct kb_info *k)
{
	if (!k)
		return;
	free(k->name);
	free(k->path);
	free(k->description);
	free(k->embed_model);
	sw_strvec_clear(&k->include);
	sw_strvec_clear(&k->exclude);
	memset(k, 0, sizeof(*k));
}

void kb_list_release(struct kb_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->nr; i++)
		kb_info_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->nr = l->alloc = 0;
}

static int list_kbs(struct kb_db *db, struct kb_list *out, int counts, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = prepare(db, &st, counts ? "SELECT " KB_COLUMNS KB_COUNTS " FROM kb k ORDER BY k.name"
					  : "SELECT " KB_COLUMNS KB_NO_COUNTS " FROM kb k ORDER BY k.name", err)) < 0)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		SW_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		info_from_row(&out->v[out->nr++], st);
	}
	if (step != SQLITE_DONE)
		rc = db_fail(db, err, step, "list");
out:
	sqlite3_finalize(st);
	return rc;
}

/* The absolute directory of a stored knowledge base path. */
static char *kb_abs_root(const struct kb_db *db, const char *stored)
{
	char *j = sw_path_join(db->root, stored), *abs = sw_path_absolute(j);

	free(j);
	return abs;
}

/* What a user typed for a path, stored form: relative to the root when beneath it. */
static char *stored_path(const struct kb_db *db, const char *path)
{
	char *j = sw_path_join(db->root, path), *abs = sw_path_absolute(j), *rel;

	free(j);
	rel = sw_path_relative(abs, db->root);
	if (strcmp(rel, abs)) {
		free(abs);
		return rel;
	}
	free(rel);
	if (!strcmp(abs, db->root)) {
		free(abs);
		return sw_xstrdup(".");
	}
	return abs;
}

int kb_list(struct kb_db *db, struct kb_list *out, struct sw_error *err)
{
	return list_kbs(db, out, 1, err);
}

static int get_kb(struct kb_db *db, const char *which, struct kb_info *out, int counts, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	char *sp = stored_path(db, which);
	int rc, step;

	/* Name first, then id, then path. */
	if ((rc = prepare(db, &st,
			  counts ? "SELECT " KB_COLUMNS KB_COUNTS " FROM kb k WHERE k.name = ?1"
				   " OR (?2 AND k.id = CAST(?1 AS INTEGER)) OR k.path = ?3"
				   " ORDER BY k.name = ?1 DESC, k.path = ?3 DESC LIMIT 1"
				 : "SELECT " KB_COLUMNS KB_NO_COUNTS " FROM kb k WHERE k.name = ?1"
				   " OR (?2 AND k.id = CAST(?1 AS INTEGER)) OR k.path = ?3"
				   " ORDER BY k.name = ?1 DESC, k.path = ?3 DESC LIMIT 1", err)) < 0)
		goto out;
	sqlite3_bind_text(st, 1, which, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, is_number(which));
	sqlite3_bind_text(st, 3, sp, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		info_from_row(out, st);
	else if (step == SQLITE_DONE)
		rc = sw_error_set(err, SW_ENOTFOUND, "no knowledge base named '%s' (see 'specwright knowledge list')",
				  which);
	else
		rc = db_fail(db, err, step, "find");
out:
	sqlite3_finalize(st);
	free(sp);
	return rc;
}

int kb_get(struct kb_db *db, const char *which, struct kb_info *out, struct sw_error *err)
{
	return get_kb(db, which, out, 1, err);
}

/* ---- indexing ---- */

struct indexer {
	struct kb_db *db;
	const struct kb_info *kb;
	const struct kb_index_opts *o;
	struct kb_stats *stats;
	char *abs_root;
	const char *display_prefix; /* stored kb path + "/", "" for "." */
	sqlite3_stmt *ins_file, *upd_file, *touch_file, *del_fts, *del_chunks, *del_file, *ins_chunk,
		*ins_fts, *ins_vec;
	struct kb_chunks chunks;
	struct sw_buf text;
	struct sw_buf dpath;
	int in_tx;
	uint64_t batch_bytes;
	size_t batch_files;
};

static int ix_prepare(struct indexer *ix, struct sw_error *err)
{
	struct kb_db *db = ix->db;
	int rc;

	if ((rc = prepare(db, &ix->ins_file,
			  "INSERT INTO file(kb_id, path, size, mtime_ns, hash, bytes) VALUES(?,?,?,?,?,?)",
			  err)) < 0 ||
	    (rc = prepare(db, &ix->upd_file,
			  "UPDATE file SET size = ?2, mtime_ns = ?3, hash = ?4, bytes = ?5 WHERE id = ?1",
			  err)) < 0 ||
	    (rc = prepare(db, &ix->touch_file, "UPDATE file SET size = ?2, mtime_ns = ?3 WHERE id = ?1",
			  err)) < 0 ||
	    (rc = prepare(db, &ix->del_fts,
			  "DELETE FROM chunk_fts WHERE rowid IN (SELECT id FROM chunk WHERE file_id = ?)",
			  err)) < 0 ||
	    (rc = prepare(db, &ix->del_chunks, "DELETE FROM chunk WHERE file_id = ?", err)) < 0 ||
	    (rc = prepare(db, &ix->del_file, "DELETE FROM file WHERE id = ?", err)) < 0 ||
	    (rc = prepare(db, &ix->ins_chunk, "INSERT INTO chunk(file_id, start_line, end_line) VALUES(?,?,?)",
			  err)) < 0 ||
	    (rc = prepare(db, &ix->ins_fts,
			  "INSERT INTO chunk_fts(rowid, path, heading, body, kb) VALUES(?,?,?,?,?)", err)) < 0 ||
	    (rc = prepare(db, &ix->ins_vec, "INSERT OR REPLACE INTO vec(chunk_id, v) VALUES(?,?)", err)) < 0)
		return rc;
	return 0;
}

static void ix_release(struct indexer *ix)
{
	sqlite3_finalize(ix->ins_file);
	sqlite3_finalize(ix->upd_file);
	sqlite3_finalize(ix->touch_file);
	sqlite3_finalize(ix->del_fts);
	sqlite3_finalize(ix->del_chunks);
	sqlite3_finalize(ix->del_file);
	sqlite3_finalize(ix->ins_chunk);
	sqlite3_finalize(ix->ins_fts);
	sqlite3_finalize(ix->ins_vec);
	kb_chunks_release(&ix->chunks);
	sw_buf_release(&ix->text);
	sw_buf_release(&ix->dpath);
	free(ix->abs_root);
}

static int ix_begin(struct indexer *ix, struct sw_error *err)
{
	int rc;

	if (ix->in_tx)
		return 0;
	if ((rc = exec(ix->db, "BEGIN IMMEDIATE", err)) < 0)
		return rc;
	ix->in_tx = 1;
	ix->batch_bytes = 0;
	ix->batch_files = 0;
	return 0;
}

static int ix_commit(struct indexer *ix, struct sw_error *err)
{
	int rc;

	if (!ix->in_tx)
		return 0;
	ix->in_tx = 0;
	if ((rc = exec(ix->db, "COMMIT", err)) < 0)
		sqlite3_exec(ix->db->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void ix_rollback(struct indexer *ix)
{
	if (ix->in_tx)
		sqlite3_exec(ix->db->db, "ROLLBACK", NULL, NULL, NULL);
	ix->in_tx = 0;
}

static int drop_file_chunks(struct indexer *ix, long long file_id, struct sw_error *err)
{
	int rc;

	sqlite3_bind_int64(ix->del_fts, 1, file_id);
	if ((rc = step_done(ix->db, ix->del_fts, err)) < 0)
		return rc;
	ix->stats->chunks_removed += (size_t)sqlite3_changes(ix->db->db);
	sqlite3_bind_int64(ix->del_chunks, 1, file_id);
	return step_done(ix->db, ix->del_chunks, err);
}

static int drop_file(struct indexer *ix, long long file_id, struct sw_error *err)
{
	int rc;

	if ((rc = drop_file_chunks(ix, file_id, err)) < 0)
		return rc;
	sqlite3_bind_int64(ix->del_file, 1, file_id);
	return step_done(ix->db, ix->del_file, err);
}

static void normalize(float *v, size_t dim)
{
	double s = 0;
	size_t i;

	for (i = 0; i < dim; i++)
		s += (double)v[i] * v[i];
	s = sqrt(s);
	if (s > 0)
		for (i = 0; i < dim; i++)
			v[i] = (float)(v[i] / s);
}

static int embed_chunks(struct indexer *ix, const long long *ids, size_t n, struct sw_error *err)
{
	const struct kb_embedder *e = ix->o->embedder;
	const char **texts = sw_xcalloc(n ? n : 1, sizeof(*texts));
	char **owned = sw_xcalloc(n ? n : 1, sizeof(*owned));
	float *vecs = NULL;
	size_t dim = 0, i, done;
	int rc = 0;

	for (i = 0; i < n; i++) {
		const struct kb_chunk *c = &ix->chunks.v[i];

		owned[i] = sw_xstrndup(ix->text.ptr + c->off, c->len);
		texts[i] = owned[i];
	}
	for (done = 0; done < n; done += EMBED_BATCH) {
		size_t m = n - done < EMBED_BATCH ? n - done : EMBED_BATCH;

		free(vecs);
		vecs = NULL;
		if ((rc = e->embed(e->self, texts + done, m, &vecs, &dim, err)) < 0)
			goto out;
		if (!dim) {
			rc = sw_error_set(err, SW_EPROTO, "the embedding provider returned empty vectors");
			goto out;
		}
		for (i = 0; i < m; i++) {
			normalize(vecs + i * dim, dim);
			sqlite3_bind_int64(ix->ins_vec, 1, ids[done + i]);
			sqlite3_bind_blob(ix->ins_vec, 2, vecs + i * dim, (int)(dim * sizeof(float)),
					  SQLITE_STATIC);
			if ((rc = step_done(ix->db, ix->ins_vec, err)) < 0)
				goto out;
		}
		ix->stats->embedded += m;
	}
out:
	for (i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(texts);
	free(vecs);
	return rc;
}

/* Chunks ix->text (the file's contents) and inserts the chunks of file @file_id. */
static int insert_chunks(struct indexer *ix, long long file_id, const char *rel, struct sw_error *err)
{
	long long *ids = NULL;
	size_t i;
	int rc = 0;

	kb_chunks_release(&ix->chunks);
	kb_chunk_text(&ix->chunks, ix->text.ptr, ix->text.len, kb_kind_for_path(rel), &ix->o->chunk);
	sw_buf_reset(&ix->dpath);
	sw_buf_adds(&ix->dpath, ix->display_prefix);
	sw_buf_adds(&ix->dpath, rel);
	ids = sw_xcalloc(ix->chunks.nr ? ix->chunks.nr : 1, sizeof(*ids));
	for (i = 0; i < ix->chunks.nr; i++) {
		const struct kb_chunk *c = &ix->chunks.v[i];

		sqlite3_bind_int64(ix->ins_chunk, 1, file_id);
		sqlite3_bind_int(ix->ins_chunk, 2, c->start_line);
		sqlite3_bind_int(ix->ins_chunk, 3, c->end_line);
		if ((rc = step_done(ix->db, ix->ins_chunk, err)) < 0)
			goto out;
		ids[i] = sqlite3_last_insert_rowid(ix->db->db);
		sqlite3_bind_int64(ix->ins_fts, 1, ids[i]);
		sqlite3_bind_text(ix->ins_fts, 2, ix->dpath.ptr, (int)ix->dpath.len, SQLITE_STATIC);
		sqlite3_bind_text(ix->ins_fts, 3, c->heading, -1, SQLITE_STATIC);
		sqlite3_bind_text(ix->ins_fts, 4, ix->text.ptr + c->off, (int)c->len, SQLITE_STATIC);
		sqlite3_bind_int64(ix->ins_fts, 5, ix->kb->id);
		if ((rc = step_done(ix->db, ix->ins_fts, err)) < 0)
			goto out;
	}
	ix->stats->chunks_added += ix->chunks.nr;
	if (ix->kb->index_type == KB_INDEX_BEST && ix->chunks.nr)
		rc = embed_chunks(ix, ids, ix->chunks.nr, err);
out:
	free(ids);
	return rc;
}

/* Reads a file into ix->text; returns 1 to index, 0 when skipped (counted), <0 on error. */
static int read_text(struct indexer *ix, const char *abs, struct sw_error *err)
{
	size_t max = ix->o->max_file_bytes ? ix->o->max_file_bytes : KB_MAX_FILE_BYTES;
	int fd = open(abs, O_RDONLY | O_CLOEXEC);
	int truncated = 0;

	SW_UNUSED(err);
	sw_buf_reset(&ix->text);
	if (fd < 0) {
		ix->stats->skipped_unreadable++;
		return 0;
	}
	for (;;) {
		ssize_t n;

		sw_buf_grow(&ix->text, 65536);
		n = read(fd, ix->text.ptr + ix->text.len, ix->text.cap - ix->text.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			ix->stats->skipped_unreadable++;
			return 0;
		}
		if (n == 0)
			break;
		sw_buf_setlen(&ix->text, ix->text.len + (size_t)n);
		if (ix->text.len > max) {
			truncated = 1;
			break;
		}
	}
	close(fd);
	if (memchr(ix->text.ptr, '\0', ix->text.len < BINARY_PROBE ? ix->text.len : BINARY_PROBE)) {
		ix->stats->skipped_binary++;
		return 0;
	}
	if (truncated) {
		/* Keep whole lines only, so chunk spans stay exact. */
		const char *nl = memrchr(ix->text.ptr, '\n', max);

		sw_buf_setlen(&ix->text, nl ? (size_t)(nl - ix->text.ptr) + 1 : max);
		ix->stats->truncated++;
	}
	if (!utf8_valid((const unsigned char *)ix->text.ptr, ix->text.len)) {
		ix->stats->skipped_non_utf8++;
		return 0;
	}
	return 1;
}

struct file_row {
	long long id;
	char *path;
	int64_t size, mtime_ns;
	uint64_t hash;
};

/*
 * Brings one file up to date.  @row is its stored row or NULL.  @size and
 * @mtime_ns come from the walk.
 */
static int index_one(struct indexer *ix, const char *rel, uint64_t size, int64_t mtime_ns,
		     const struct file_row *row, struct sw_error *err)
{
	char *abs = NULL;
	uint64_t h;
	long long file_id;
	int rc;

	if (row && row->size == (int64_t)size && row->mtime_ns == mtime_ns) {
		ix->stats->files_unchanged++;
		return 0;
	}
	abs = sw_path_join(ix->abs_root, rel);
	rc = read_text(ix, abs, err);
	free(abs);
	if (rc <= 0) {
		/* Skipped (counted by read_text): its old chunks must not linger. */
		if (rc == 0 && row && (rc = ix_begin(ix, err)) == 0 && (rc = drop_file(ix, row->id, err)) == 0)
			ix->stats->files_deleted++;
		return rc;
	}
	if ((rc = ix_begin(ix, err)) < 0)
		return rc;
	h = hash64(ix->text.ptr, ix->text.len);
	if (row && row->hash == h) {
		/* Same contents: remember the new size and mtime only. */
		sqlite3_bind_int64(ix->touch_file, 1, row->id);
		sqlite3_bind_int64(ix->touch_file, 2, (sqlite3_int64)size);
		sqlite3_bind_int64(ix->touch_file, 3, mtime_ns);
		ix->stats->files_unchanged++;
		return step_done(ix->db, ix->touch_file, err);
	}
	if (row) {
		if ((rc = drop_file_chunks(ix, row->id, err)) < 0)
			return rc;
		sqlite3_bind_int64(ix->upd_file, 1, row->id);
		sqlite3_bind_int64(ix->upd_file, 2, (sqlite3_int64)size);
		sqlite3_bind_int64(ix->upd_file, 3, mtime_ns);
		sqlite3_bind_int64(ix->upd_file, 4, (sqlite3_int64)h);
		sqlite3_bind_int64(ix->upd_file, 5, (sqlite3_int64)ix->text.len);
		if ((rc = step_done(ix->db, ix->upd_file, err)) < 0)
			return rc;
		file_id = row->id;
		ix->stats->files_changed++;
	} else {
		sqlite3_bind_int64(ix->ins_file, 1, ix->kb->id);
		sqlite3_bind_text(ix->ins_file, 2, rel, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ix->ins_file, 3, (sqlite3_int64)size);
		sqlite3_bind_int64(ix->ins_file, 4, mtime_ns);
		sqlite3_bind_int64(ix->ins_file, 5, (sqlite3_int64)h);
		sqlite3_bind_int64(ix->ins_file, 6, (sqlite3_int64)ix->text.len);
		if ((rc = step_done(ix->db, ix->ins_file, err)) < 0)
			return rc;
		file_id = sqlite3_last_insert_rowid(ix->db->db);
		ix->stats->files_new++;
	}
	ix->stats->bytes_indexed += ix->text.len;
	ix->batch_bytes += ix->text.len;
	ix->batch_files++;
	return insert_chunks(ix, file_id, rel, err);
}

static void file_rows_release(struct file_row *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static int load_rows(struct kb_db *db, long long kb_id, struct file_row **out, size_t *nr,
		     struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc, step;

	*out = NULL;
	*nr = 0;
	if ((rc = prepare(db, &st,
			  "SELECT id, path, size, mtime_ns, hash FROM file WHERE kb_id = ? ORDER BY path", err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, kb_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct file_row *r;

		SW_ALLOC_GROW(*out, *nr + 1, alloc);
		r = &(*out)[(*nr)++];
		r->id = sqlite3_column_int64(st, 0);
		r->path = col_dup(st, 1);
		r->size = sqlite3_column_int64(st, 2);
		r->mtime_ns = sqlite3_column_int64(st, 3);
		r->hash = (uint64_t)sqlite3_column_int64(st, 4);
	}
	if (step != SQLITE_DONE)
		rc = db_fail(db, err, step, "read files");
	sqlite3_finalize(st);
	return rc;
}

static int need_embedder(const struct kb_info *kb, const struct kb_embedder *e, struct sw_error *err)
{
	if (kb->index_type != KB_INDEX_BEST || (e && e->embed))
		return 0;
	return sw_error_set(err, SW_EINVAL,
			    "knowledge base '%s' has index type 'best', which needs an embedding provider; "
			    "set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible server) "
			    "or use --index-type fast",
			    kb->name);
}

static int indexer_init(struct indexer *ix, struct kb_db *db, const struct kb_info *kb,
			const struct kb_index_opts *o, struct kb_stats *stats, struct sw_error *err)
{
	memset(ix, 0, sizeof(*ix));
	ix->db = db;
	ix->kb = kb;
	ix->o = o;
	ix->stats = stats;
	ix->abs_root = kb_abs_root(db, kb->path);
	ix->display_prefix = "";
	ix->chunks = (struct kb_chunks)KB_CHUNKS_INIT;
	ix->text = (struct sw_buf)SW_BUF_INIT;
	ix->dpath = (struct sw_buf)SW_BUF_INIT;
	if (strcmp(kb->path, ".")) {
		sw_buf_adds(&ix->dpath, kb->path);
		sw_buf_addch(&ix->dpath, '/');
		ix->display_prefix = sw_buf_detach(&ix->dpath, NULL);
	}
	return ix_prepare(ix, err);
}

static void indexer_release(struct indexer *ix)
{
	ix_rollback(ix);
	if (*ix->display_prefix)
		free((char *)ix->display_prefix);
	ix_release(ix);
}

static int touch_kb(struct kb_db *db, long long id, const char *model, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(db, &st, "UPDATE kb SET updated = ?2, embed_model = coalesce(?3, embed_model)"
				   " WHERE id = ?1", err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	if (model)
		sqlite3_bind_text(st, 3, model, -1, SQLITE_STATIC);
	rc = step_done(db, st, err);
	sqlite3_finalize(st);
	return rc;
}

/* Brings knowledge base @kb up to date with its folder. */
static int sync_kb(struct kb_db *db, const struct kb_info *kb, const struct kb_index_opts *o,
		   struct kb_stats *stats, struct sw_error *err)
{
	struct kb_walk_opts wo = KB_WALK_OPTS_INIT;
	struct kb_walk walk = KB_WALK_INIT;
	struct indexer ix;
	struct file_row *rows = NULL;
	size_t nrows = 0, i = 0, j = 0;
	struct kb_progress pr = { kb->name, NULL, 0, 0, 0, 0 };
	int rc, model_changed = 0;

	if ((rc = indexer_init(&ix, db, kb, o, stats, err)) < 0)
		goto out;
	if ((rc = need_embedder(kb, o->embedder, err)) < 0)
		goto out;
	wo.root = ix.abs_root;
	wo.ignore_root = db->root;
	wo.include = &kb->include;
	wo.exclude = &kb->exclude;
	wo.max_files = kb->max_files;
	if ((rc = kb_walk_run(&walk, &wo, err)) < 0)
		goto out;
	stats->files_seen += walk.nr;
	if ((rc = load_rows(db, kb->id, &rows, &nrows, err)) < 0)
		goto out;
	if (kb->index_type == KB_INDEX_BEST && strcmp(kb->embed_model, o->embedder->model ? o->embedder->model : "")) {
		/* Vectors from another model cannot be compared: re-embed everything. */
		model_changed = 1;
		for (j = 0; j < nrows; j++)
			rows[j].mtime_ns = -1, rows[j].hash = 0;
	}
	pr.files_total = walk.nr;
	for (i = 0; i < walk.nr; i++)
		pr.bytes_total += walk.v[i].size;
	/* Merge the sorted walk with the sorted rows. */
	for (i = 0, j = 0; i < walk.nr || j < nrows;) {
		int cmp = i >= walk.nr ? 1 : j >= nrows ? -1 : strcmp(walk.v[i].rel, rows[j].path);

		if (cmp > 0) { /* a row without a file: deleted */
			if ((rc = ix_begin(&ix, err)) < 0 || (rc = drop_file(&ix, rows[j].id, err)) < 0)
				goto out;
			stats->files_deleted++;
			j++;
			continue;
		}
		rc = index_one(&ix, walk.v[i].rel, walk.v[i].size, walk.v[i].mtime_ns, cmp == 0 ? &rows[j] : NULL,
			       err);
		if (rc < 0)
			goto out;
		pr.path = walk.v[i].rel;
		pr.files_done = i + 1;
		pr.bytes_done += walk.v[i].size;
		if (cmp == 0)
			j++;
		i++;
		if (ix.in_tx && (ix.batch_bytes >= BATCH_BYTES || ix.batch_files >= BATCH_FILES))
			if ((rc = ix_commit(&ix, err)) < 0)
				goto out;
		if (o->progress && o->progress(&pr, o->progress_data)) {
			if ((rc = ix_commit(&ix, err)) < 0)
				goto out;
			rc = sw_error_set(err, SW_ECANCELED, "indexing of '%s' stopped after %zu of %zu files; "
					  "'specwright knowledge update %s' finishes it",
					  kb->name, pr.files_done, pr.files_total, kb->name);
			goto out;
		}
	}
	if ((rc = ix_begin(&ix, err)) < 0 ||
	    (rc = touch_kb(db, kb->id, kb->index_type == KB_INDEX_BEST ? o->embedder->model : NULL, err)) < 0)
		goto out;
	rc = ix_commit(&ix, err);
	SW_UNUSED(model_changed);
out:
	indexer_release(&ix);
	file_rows_release(rows, nrows);
	kb_walk_release(&walk);
	return rc;
}

static int valid_name(const char *name, struct sw_error *err)
{
	const unsigned char *p;

	if (!name || !*name)
		return sw_error_set(err, SW_EINVAL, "a knowledge base needs a name (--name)");
	if (strlen(name) > NAME_MAX_LEN)
		return sw_error_set(err, SW_EINVAL, "knowledge base name '%.40s…' is longer than %d bytes", name,
				    NAME_MAX_LEN);
	for (p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return sw_error_set(err, SW_EINVAL, "knowledge base name '%s' holds a control character",
					    name);
	if (is_number(name))
		return sw_error_set(err, SW_EINVAL, "knowledge base name '%s' must not be a number (numbers are ids)",
				    name);
	return 0;
}

int kb_add(struct kb_db *db, const struct kb_spec *spec, const struct kb_index_opts *opts,
	   struct kb_stats *stats, struct sw_error *err)
{
	static const struct kb_index_opts defaults = KB_INDEX_OPTS_INIT;
	const struct kb_index_opts *o = opts ? opts : &defaults;
	struct kb_info info;
	struct kb_stats dummy;
	sqlite3_stmt *st = NULL;
	char *sp = NULL, *abs = NULL, *inc = NULL, *exc = NULL;
	int rc, step;

	memset(&info, 0, sizeof(info));
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	if ((rc = valid_name(spec->name, err)) < 0)
		goto out;
	if (!spec->path || !*spec->path) {
		rc = sw_error_set(err, SW_EINVAL, "knowledge base '%s' needs a path (--path)", spec->name);
		goto out;
	}
	sp = stored_path(db, spec->path);
	abs = kb_abs_root(db, sp);
	if (!sw_path_exists(abs)) {
		rc = sw_error_set(err, SW_ENOTFOUND, "'%s' does not exist", spec->path);
		goto out;
	}
	if (!sw_is_dir(abs)) {
		rc = sw_error_set(err, SW_EINVAL, "'%s' is not a directory", spec->path);
		goto out;
	}
	if (spec->index_type == KB_INDEX_BEST && !(o->embedder && o->embedder->embed)) {
		info.name = (char *)spec->name;
		info.index_type = KB_INDEX_BEST;
		rc = need_embedder(&info, o->embedder, err);
		info.name = NULL;
		goto out;
	}
	if ((rc = lock_writer(db, o->lock_timeout_ms, err)) < 0)
		goto out;
	inc = strvec_to_json(spec->include);
	exc = strvec_to_json(spec->exclude);
	if ((rc = prepare(db, &st,
			  "INSERT INTO kb(name, path, description, index_type, include, exclude, max_files,"
			  " auto_update, created, updated) VALUES(?,?,?,?,?,?,?,?,?,?)", err)) < 0)
		goto out;
	sqlite3_bind_text(st, 1, spec->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, spec->description ? spec->description : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, kb_index_type_name(spec->index_type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, inc, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, exc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)(spec->max_files ? spec->max_files : KB_DEFAULT_MAX_FILES));
	sqlite3_bind_int(st, 8, spec->auto_update);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(st, 10, (sqlite3_int64)time(NULL));
	step = sqlite3_step(st);
	if (step == SQLITE_CONSTRAINT) {
		rc = sw_error_set(err, SW_ECONFLICT, "a knowledge base named '%s' exists already", spec->name);
		goto out;
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(db, err, step, "add");
		goto out;
	}
	if ((rc = get_kb(db, spec->name, &info, 0, err)) < 0)
		goto out;
	rc = sync_kb(db, &info, o, stats, err);
	if (rc < 0 && rc != SW_ECANCELED) {
		/* A failed add leaves nothing behind. */
		struct sw_error ignore = SW_ERROR_INIT;
		char *n = NULL;

		kb_remove(db, spec->name, &n, &ignore);
		free(n);
	}
out:
	sqlite3_finalize(st);
	unlock_writer(db);
	kb_info_release(&info);
	free(sp);
	free(abs);
	free(inc);
	free(exc);
	return rc;
}

int kb_update(struct kb_db *db, const char *which, const struct kb_index_opts *opts,
	      struct kb_stats *stats, struct sw_error *err)
{
	static const struct kb_index_opts defaults = KB_INDEX_OPTS_INIT;
	const struct kb_index_opts *o = opts ? opts : &defaults;
	struct kb_list l = KB_LIST_INIT;
	struct kb_info one;
	struct kb_stats dummy;
	size_t i;
	int rc;

	memset(&one, 0, sizeof(one));
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof(*stats));
	if (which) {
		if ((rc = get_kb(db, which, &one, 0, err)) < 0)
			goto out;
	} else if ((rc = list_kbs(db, &l, 0, err)) < 0) {
		goto out;
	}
	if ((rc = lock_writer(db, o->lock_timeout_ms, err)) < 0)
		goto out;
	if (which) {
		rc = sync_kb(db, &one, o, stats, err);
		goto out;
	}
	for (i = 0; i < l.nr; i++)
		if ((rc = sync_kb(db, &l.v[i], o, stats, err)) < 0)
			goto out;
	rc = (int)l.nr;
out:
	unlock_writer(db);
	kb_info_release(&one);
	kb_list_release(&l);
	return rc;
}

int kb_index_file(struct kb_db *db, const char *path, const struct kb_index_opts *opts, size_t *touched,
		  struct sw_error *err)
{
	static const struct kb_index_opts defaults = KB_INDEX_OPTS_INIT;
	const struct kb_index_opts *o = opts ? opts : &defaults;
	struct kb_list l = KB_LIST_INIT;
	struct kb_stats stats;
	char *j = sw_path_join(db->root, path), *abs = sw_path_absolute(j);
	size_t i, n = 0;
	int rc;

	memset(&stats, 0, sizeof(stats));
	if ((rc = list_kbs(db, &l, 0, err)) < 0)
		goto out;
	if ((rc = lock_writer(db, o->lock_timeout_ms, err)) < 0)
		goto out;
	for (i = 0; i < l.nr; i++) {
		const struct kb_info *kb = &l.v[i];
		struct kb_walk_opts wo = KB_WALK_OPTS_INIT;
		struct indexer ix;
		struct stat st;
		struct file_row row, *rowp = NULL;
		sqlite3_stmt *q = NULL;
		char *rel;
		int selected;

		if ((rc = indexer_init(&ix, db, kb, o, &stats, err)) < 0) {
			indexer_release(&ix);
			goto out;
		}
		rel = sw_path_relative(abs, ix.abs_root);
		if (!strcmp(rel, abs) || !strcmp(rel, ".")) {
			free(rel);
			indexer_release(&ix);
			continue;
		}
		wo.root = ix.abs_root;
		wo.ignore_root = db->root;
		wo.include = &kb->include;
		wo.exclude = &kb->exclude;
		selected = kb_walk_selects(&wo, rel) && stat(abs, &st) == 0 && S_ISREG(st.st_mode);
		memset(&row, 0, sizeof(row));
		rc = prepare(db, &q, "SELECT id, size, mtime_ns, hash FROM file WHERE kb_id = ? AND path = ?", err);
		if (rc == 0) {
			sqlite3_bind_int64(q, 1, kb->id);
			sqlite3_bind_text(q, 2, rel, -1, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW) {
				row.id = sqlite3_column_int64(q, 0);
				row.size = sqlite3_column_int64(q, 1);
				row.mtime_ns = sqlite3_column_int64(q, 2);
				row.hash = (uint64_t)sqlite3_column_int64(q, 3);
				rowp = &row;
			}
			sqlite3_finalize(q);
		}
		if (rc == 0 && (selected || rowp)) {
			n++;
			if (selected && (rc = need_embedder(kb, o->embedder, err)) == 0)
				rc = index_one(&ix, rel, (uint64_t)st.st_size,
					       (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec, rowp, err);
			else if (!selected && (rc = ix_begin(&ix, err)) == 0)
				rc = drop_file(&ix, rowp->id, err);
			if (rc == 0 && ix.in_tx)
				rc = ix_commit(&ix, err);
		}
		free(rel);
		indexer_release(&ix);
		if (rc < 0)
			goto out;
	}
	if (touched)
		*touched = n;
out:
	unlock_writer(db);
	kb_list_release(&l);
	free(j);
	free(abs);
	return rc;
}

/* ---- remove / clear ---- */

int kb_remove(struct kb_db *db, const char *which, char **name_out, struct sw_error *err)
{
	struct kb_info info;
	sqlite3_stmt *st = NULL;
	int rc;

	memset(&info, 0, sizeof(info));
	if (name_out)
		*name_out = NULL;
	if ((rc = get_kb(db, which, &info, 0, err)) < 0)
		goto out;
	if ((rc = lock_writer(db, 0, err)) < 0)
		goto out;
	if ((rc = exec(db, "BEGIN IMMEDIATE", err)) < 0)
		goto out;
	if ((rc = prepare(db, &st,
			  "DELETE FROM chunk_fts WHERE rowid IN (SELECT c.id FROM chunk c JOIN file f"
			  " ON f.id = c.file_id WHERE f.kb_id = ?)", err)) < 0)
		goto rollback;
	sqlite3_bind_int64(st, 1, info.id);
	if ((rc = step_done(db, st, err)) < 0)
		goto rollback;
	sqlite3_finalize(st);
	if ((rc = prepare(db, &st, "DELETE FROM kb WHERE id = ?", err)) < 0)
		goto rollback;
	sqlite3_bind_int64(st, 1, info.id);
	if ((rc = step_done(db, st, err)) < 0)
		goto rollback;
	if ((rc = exec(db, "COMMIT", err)) < 0)
		goto rollback;
	/*
	 * Give the space back: FTS5 keeps deleted rows in its segments until
	 * they are merged, and SQLite keeps free pages until a VACUUM.
	 */
	if ((rc = exec(db, "INSERT INTO chunk_fts(chunk_fts) VALUES('optimize'); VACUUM;"
			   " PRAGMA wal_checkpoint(TRUNCATE)", err)) < 0)
		goto out;
	if (name_out) {
		*name_out = info.name;
		info.name = NULL;
	}
	goto out;
rollback:
	sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_finalize(st);
	unlock_writer(db);
	kb_info_release(&info);
	return rc;
}

int kb_clear(struct kb_db *db, struct sw_error *err)
{
	struct sw_buf sql = SW_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	if ((rc = lock_writer(db, 0, err)) < 0)
		goto out;
	if ((rc = prepare(db, &st, "SELECT count(*) FROM kb", err)) < 0)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st); /* an open read would block the DROP below */
	st = NULL;
	/* Dropping and recreating the FTS table is much faster than deleting its rows. */
	sw_buf_addf(&sql, "BEGIN IMMEDIATE; DELETE FROM vec; DELETE FROM chunk; DELETE FROM file;"
			  " DELETE FROM kb; DROP TABLE chunk_fts; %s COMMIT;", fts_sql);
	if ((rc = exec(db, sql.ptr, err)) < 0) {
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	sqlite3_exec(db->db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM", NULL, NULL, NULL);
	rc = n;
out:
	sqlite3_finalize(st);
	sw_buf_release(&sql);
	unlock_writer(db);
	return rc;
}

/* ---- search ---- */

void kb_hits_release(struct kb_hits *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->nr; i++) {
		free(h->v[i].kb);
		free(h->v[i].path);
		free(h->v[i].heading);
		free(h->v[i].snippet);
		free(h->v[i].spans);
	}
	free(h->v);
	h->v = NULL;
	h->nr = h->alloc = 0;
	h->fused = 0;
}

/* 1 if @q uses FTS5 query syntax and should be passed through as written. */
static int is_fts_syntax(const char *q)
{
	const char *p = q;

	if (strchr(q, '"') || strchr(q, '^'))
		return 1;
	while (*p) {
		const char *s;
		size_t n;

		while (*p && isspace((unsigned char)*p))
			p++;
		s = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		n = (size_t)(p - s);
		if ((n == 3 && (!strncmp(s, "AND", 3) || !strncmp(s, "NOT", 3))) || (n == 2 && !strncmp(s, "OR", 2)) ||
		    (n >= 5 && !strncmp(s, "NEAR(", 5)) || (n > 1 && s[n - 1] == '*'))
			return 1;
	}
	return 0;
}

/* Quotes each word of @q as an FTS5 string, joined by @op (" " is AND). Returns terms. */
static size_t plain_query(struct sw_buf *out, const char *q, const char *op)
{
	const char *p = q;
	size_t terms = 0;

	while (*p) {
		const char *s, *c;
		int word = 0;

		while (*p && isspace((unsigned char)*p))
			p++;
		s = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		for (c = s; c < p; c++)
			if (isalnum((unsigned char)*c) || (unsigned char)*c >= 0x80)
				word = 1;
		if (!word)
			continue;
		if (terms++)
			sw_buf_adds(out, op);
		sw_buf_addch(out, '"');
		for (c = s; c < p; c++) {
			if (*c == '"')
				sw_buf_addch(out, '"');
			sw_buf_addch(out, *c);
		}
		sw_buf_addch(out, '"');
	}
	return terms;
}

/* Moves snippet markers \1 and \2 out of @s into spans. */
static void take_spans(struct kb_hit *h, const char *s)
{
	struct sw_buf b = SW_BUF_INIT;
	size_t alloc = 0, open = 0;

	for (; *s; s++) {
		if (*s == '\1') {
			open = b.len;
		} else if (*s == '\2') {
			SW_ALLOC_GROW(h->spans, h->nspans + 1, alloc);
			h->spans[h->nspans].start = open;
			h->spans[h->nspans].end = b.len;
			h->nspans++;
		} else {
			sw_buf_addch(&b, *s);
		}
	}
	h->snippet = sw_buf_detach(&b, NULL);
}

struct ranked {
	long long id;
	double score;
};

static int ranked_cmp(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->score, y = ((const struct ranked *)b)->score;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Fills a hit's file, lines and knowledge base from its chunk id. */
static int hit_details(struct kb_db *db, sqlite3_stmt *st, struct kb_hit *h, struct sw_error *err)
{
	int step;

	sqlite3_bind_int64(st, 1, h->chunk_id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		h->start_line = sqlite3_column_int(st, 0);
		h->end_line = sqlite3_column_int(st, 1);
		h->kb = col_dup(st, 2);
		if (!h->path)
			h->path = col_dup(st, 3);
		if (!h->heading)
			h->heading = col_dup(st, 4);
		if (!h->snippet) {
			/* A cosine-only hit: the chunk's first words stand as its snippet. */
			const char *body = (const char *)sqlite3_column_text(st, 5);
			size_t n = body ? strlen(body) : 0, cut = n < 300 ? n : 300;

			while (cut < n && ((unsigned char)body[cut] & 0xC0) == 0x80)
				cut++;
			h->snippet = sw_xstrndup(body ? body : "", cut);
		}
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(db, err, step, "search");
	return 0;
}

/* Cosine ranking of the chunks of "best" knowledge bases (all, or @kb_id). */
static int cosine_rank(struct kb_db *db, long long kb_id, const struct kb_query *q, struct ranked **out,
		       size_t *nout, size_t want, struct sw_error *err)
{
	const char *texts[1] = { q->text };
	float *qv = NULL;
	size_t dim = 0, nr = 0, alloc = 0;
	sqlite3_stmt *st = NULL;
	struct ranked *r = NULL;
	int rc, step;

	if ((rc = q->embedder->embed(q->embedder->self, texts, 1, &qv, &dim, err)) < 0)
		goto out;
	normalize(qv, dim);
	if ((rc = prepare(db, &st,
			  "SELECT v.chunk_id, v.v FROM vec v JOIN chunk c ON c.id = v.chunk_id JOIN file f"
			  " ON f.id = c.file_id JOIN kb k ON k.id = f.kb_id WHERE k.index_type = 'best'"
			  " AND (?1 = 0 OR k.id = ?1)", err)) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, kb_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const float *v = sqlite3_column_blob(st, 1);
		size_t n = (size_t)sqlite3_column_bytes(st, 1) / sizeof(float), i;
		double dot = 0;

		if (n != dim || !v)
			continue; /* another model's vector; re-embedded by the next update */
		for (i = 0; i < n; i++)
			dot += (double)v[i] * qv[i];
		SW_ALLOC_GROW(r, nr + 1, alloc);
		r[nr].id = sqlite3_column_int64(st, 0);
		r[nr].score = dot;
		nr++;
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(db, err, step, "search");
		goto out;
	}
	SW_QSORT(r, nr, ranked_cmp);
	if (nr > want)
		nr = want;
	*out = r;
	*nout = nr;
	r = NULL;
out:
	sqlite3_finalize(st);
	free(r);
	free(qv);
	return rc;
}

static int run_fts(struct kb_db *db, const char *match, long long kb_id, size_t limit, int tokens,
		   struct kb_hits *out, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	/*
	 * A chunk that is only a heading line is short, so BM25 ranks it above
	 * the sections under it whose text holds the words: its score is
	 * weighed down.  The inner query ranks; snippets are made only for the
	 * rows it keeps.
	 */
	if ((rc = prepare(db, &st,
			  "SELECT t.rowid, t.path, t.heading, snippet(chunk_fts, 2, char(1), char(2), '…', ?4),"
			  " r.score FROM (SELECT rowid AS id, rank * (CASE WHEN instr(body, char(10)) = 0 AND"
			  " substr(body, 1, 1) = '#' THEN ?5 ELSE 1.0 END) AS score FROM chunk_fts"
			  " WHERE chunk_fts MATCH ?1 AND (?2 = 0 OR kb = ?2) ORDER BY score LIMIT ?3) AS r"
			  " JOIN chunk_fts AS t ON t.rowid = r.id WHERE t.chunk_fts MATCH ?1 ORDER BY r.score",
			  err)) < 0)
		return rc;
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, kb_id);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	sqlite3_bind_int(st, 4, tokens);
	sqlite3_bind_double(st, 5, HEADING_ONLY_WEIGHT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kb_hit *h;

		SW_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		h = &out->v[out->nr++];
		memset(h, 0, sizeof(*h));
		h->chunk_id = sqlite3_column_int64(st, 0);
		h->path = col_dup(st, 1);
		h->heading = col_dup(st, 2);
		take_spans(h, (const char *)sqlite3_column_text(st, 3));
		h->score = -sqlite3_column_double(st, 4);
	}
	if (step != SQLITE_DONE) {
		const char *msg = sqlite3_errmsg(db->db);

		if (step == SQLITE_CORRUPT || step == SQLITE_NOTADB)
			rc = db_fail(db, err, step, "search");
		else if (step == SQLITE_ERROR) /* FTS5 reports query syntax as a plain SQL error */
			rc = sw_error_set(err, SW_EINVAL, "invalid search query '%s': %s", match, msg);
		else
			rc = db_fail(db, err, step, "search");
	}
	sqlite3_finalize(st);
	return rc;
}

int kb_search(struct kb_db *db, const struct kb_query *q, struct kb_hits *out, struct sw_error *err)
{
	struct kb_info kb;
	struct kb_hits bm = KB_HITS_INIT;
	struct sw_buf match = SW_BUF_INIT;
	struct ranked *cos = NULL, *fused = NULL;
	sqlite3_stmt *det = NULL, *bst = NULL;
	size_t limit = q->limit ? q->limit : KB_DEFAULT_LIMIT, ncos = 0, nf = 0, i, k;
	long long kb_id = 0;
	int rc, tokens = q->snippet_tokens > 0 ? q->snippet_tokens : 24, best = 0, raw, step;

	memset(&kb, 0, sizeof(kb));
	if (!q->text || !*q->text) {
		rc = sw_error_set(err, SW_EINVAL, "empty search query");
		goto out;
	}
	if (q->kb) {
		if ((rc = get_kb(db, q->kb, &kb, 0, err)) < 0)
			goto out;
		kb_id = kb.id;
		best = kb.index_type == KB_INDEX_BEST;
	} else {
		if ((rc = prepare(db, &bst, "SELECT name FROM kb WHERE index_type = 'best' AND"
					    " EXISTS (SELECT 1 FROM file f WHERE f.kb_id = kb.id) LIMIT 1", err)) < 0)
			goto out;
		step = sqlite3_step(bst);
		if (step == SQLITE_ROW) {
			best = 1;
			kb.name = col_dup(bst, 0);
			kb.index_type = KB_INDEX_BEST;
		} else if (step != SQLITE_DONE) {
			rc = db_fail(db, err, step, "search");
			goto out;
		}
	}
	if (q->lexical)
		best = 0;
	if (best && (rc = need_embedder(&kb, q->embedder, err)) < 0)
		goto out;
	raw = is_fts_syntax(q->text);
	if (raw) {
		sw_buf_adds(&match, q->text);
	} else if (!plain_query(&match, q->text, " ")) {
		rc = sw_error_set(err, SW_EINVAL, "search query '%s' has no words", q->text);
		goto out;
	}
	/* Fusion looks deeper into each ranking than the number of hits asked for. */
	k = best ? (limit * 4 < 50 ? 50 : limit * 4) : limit;
	if ((rc = run_fts(db, match.ptr, kb_id, k, tokens, &bm, err)) < 0)
		goto out;
	if (!raw && bm.nr == 0) {
		/* No chunk has every word: rank chunks having any of them. */
		sw_buf_reset(&match);
		if (plain_query(&match, q->text, " OR ") > 1 &&
		    (rc = run_fts(db, match.ptr, kb_id, k, tokens, &bm, err)) < 0)
			goto out;
	}
	if (best) {
		if ((rc = cosine_rank(db, kb_id, q, &cos, &ncos, k, err)) < 0)
			goto out;
		/* Reciprocal rank fusion: score = sum 1 / (60 + rank). */
		fused = sw_xcalloc(bm.nr + ncos + 1, sizeof(*fused));
		for (i = 0; i < bm.nr; i++) {
			fused[nf].id = bm.v[i].chunk_id;
			fused[nf++].score = 1.0 / (RRF_K + (double)i + 1);
		}
		for (i = 0; i < ncos; i++) {
			size_t f;

			for (f = 0; f < nf; f++)
				if (fused[f].id == cos[i].id)
					break;
			if (f == nf) {
				fused[nf].id = cos[i].id;
				fused[nf++].score = 0;
			}
			fused[f].score += 1.0 / (RRF_K + (double)i + 1);
		}
		SW_QSORT(fused, nf, ranked_cmp);
		for (i = 0; i < nf && i < limit; i++) {
			struct kb_hit *h;
			size_t b;

			SW_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
			h = &out->v[out->nr++];
			memset(h, 0, sizeof(*h));
			for (b = 0; b < bm.nr; b++)
				if (bm.v[b].chunk_id == fused[i].id) {
					*h = bm.v[b];
					memset(&bm.v[b], 0, sizeof(bm.v[b]));
					break;
				}
			h->chunk_id = fused[i].id;
			h->score = fused[i].score;
		}
		out->fused = 1;
	} else {
		for (i = 0; i < bm.nr; i++) {
			SW_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
			out->v[out->nr++] = bm.v[i];
		}
		bm.nr = 0;
	}
	if ((rc = prepare(db, &det,
			  "SELECT c.start_line, c.end_line, k.name, t.path, t.heading, t.body FROM chunk c"
			  " JOIN file f ON f.id = c.file_id JOIN kb k ON k.id = f.kb_id"
			  " JOIN chunk_fts t ON t.rowid = c.id WHERE c.id = ?", err)) < 0)
		goto out;
	for (i = 0; i < out->nr; i++)
		if ((rc = hit_details(db, det, &out->v[i], err)) < 0)
			goto out;
	rc = (int)out->nr;
out:
	sqlite3_finalize(det);
	sqlite3_finalize(bst);
	kb_hits_release(&bm);
	kb_info_release(&kb);
	sw_buf_release(&match);
	free(cos);
	free(fused);
	return rc;
}

/* ---- excerpts ---- */

void kb_excerpt_release(struct kb_excerpt *x)
{
	if (!x)
		return;
	free(x->kb);
	free(x->path);
	free(x->heading);
	free(x->text);
	*x = (struct kb_excerpt)KB_EXCERPT_INIT;
}

static int read_chunk(struct kb_db *db, long long id, struct kb_excerpt *out, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = prepare(db, &st,
			  "SELECT c.start_line, c.end_line, k.name, t.path, t.heading, t.body FROM chunk c"
			  " JOIN file f ON f.id = c.file_id JOIN kb k ON k.id = f.kb_id"
			  " JOIN chunk_fts t ON t.rowid = c.id WHERE c.id = ?", err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		out->start_line = sqlite3_column_int(st, 0);
		out->end_line = sqlite3_column_int(st, 1);
		out->kb = col_dup(st, 2);
		out->path = col_dup(st, 3);
		out->heading = col_dup(st, 4);
		out->text = col_dup(st, 5);
		out->chunk_id = id;
	} else if (step == SQLITE_DONE) {
		rc = sw_error_set(err, SW_ENOTFOUND, "no chunk %lld in the index (chunk ids change when a file is "
				  "re-indexed: search again)", id);
	} else {
		rc = db_fail(db, err, step, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Lines @req->start_line.. of @text into @out (the limits of kb_excerpt apply). */
static int cut_lines(const struct kb_read_req *req, const char *text, size_t len, struct kb_excerpt *out,
		     struct sw_error *err)
{
	struct sw_buf b = SW_BUF_INIT;
	int first = req->start_line > 0 ? req->start_line : 1, last = req->end_line, line = 1, total;
	const char *p = text, *end = text + len;

	total = len && text[len - 1] != '\n';
	for (; p < end; p++)
		total += *p == '\n';
	if (last && last < first)
		return sw_error_set(err, SW_EINVAL, "end_line %d is before start_line %d", last, first);
	if (first > total)
		return sw_error_set(err, SW_EINVAL, "start_line %d is past the end of '%s' (%d lines)", first,
				    out->path, total);
	if (!last || last > total)
		last = total;
	if (last - first + 1 > KB_MAX_EXCERPT_LINES) {
		last = first + KB_MAX_EXCERPT_LINES - 1;
		out->truncated = 1;
	}
	for (p = text; p < end && line <= last; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (line >= first) {
			if (b.len + n > KB_MAX_EXCERPT_BYTES) {
				out->truncated = 1;
				break;
			}
			sw_buf_add(&b, p, n);
			out->end_line = line;
		}
		p += n;
	}
	out->start_line = first;
	if (!out->end_line)
		out->end_line = first - 1; /* the first line alone is over the byte limit */
	out->total_lines = total;
	out->text = sw_buf_detach(&b, NULL);
	return 0;
}

static int read_lines(struct kb_db *db, const struct kb_read_req *req, struct kb_excerpt *out,
		      struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	struct sw_buf body = SW_BUF_INIT;
	struct sw_error ferr = SW_ERROR_INIT;
	char *want = stored_path(db, req->path), *root = NULL, *abs = NULL;
	int rc, step;

	/* The file as hits show it: the knowledge base's stored path, then the file's path under it. */
	if ((rc = prepare(db, &st,
			  "SELECT k.name, k.path, f.path FROM file f JOIN kb k ON k.id = f.kb_id WHERE"
			  " (CASE WHEN k.path = '.' THEN f.path ELSE k.path || '/' || f.path END) = ?1"
			  " ORDER BY k.name LIMIT 1", err)) < 0)
		goto out;
	sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = sw_error_set(err, SW_ENOTFOUND, "'%s' is not a file of any knowledge base", req->path);
		goto out;
	} else if (step != SQLITE_ROW) {
		rc = db_fail(db, err, step, "read");
		goto out;
	}
	out->kb = col_dup(st, 0);
	out->path = sw_xstrdup(want);
	out->heading = sw_xstrdup("");
	root = kb_abs_root(db, (const char *)sqlite3_column_text(st, 1));
	abs = sw_path_join(root, (const char *)sqlite3_column_text(st, 2));
	if (sw_read_file(&body, abs, (size_t)KB_MAX_FILE_BYTES * 4, &ferr) < 0) {
		rc = sw_error_set(err, SW_EIO, "'%s' is indexed but cannot be read (%s); run 'specwright knowledge "
				  "update' to refresh the index", want, ferr.msg);
		goto out;
	}
	rc = cut_lines(req, body.ptr, body.len, out, err);
out:
	sqlite3_finalize(st);
	sw_buf_release(&body);
	free(want);
	free(root);
	free(abs);
	return rc;
}

int kb_read(struct kb_db *db, const struct kb_read_req *req, struct kb_excerpt *out, struct sw_error *err)
{
	int rc;

	*out = (struct kb_excerpt)KB_EXCERPT_INIT;
	if (req->chunk_id > 0)
		rc = read_chunk(db, req->chunk_id, out, err);
	else if (req->path && *req->path)
		rc = read_lines(db, req, out, err);
	else
		rc = sw_error_set(err, SW_EINVAL, "say what to read: a chunk id or a path");
	if (rc < 0)
		kb_excerpt_release(out);
	return rc;
}

/* ---- status ---- */

int kb_status_get(struct kb_db *db, struct kb_status *out, struct sw_error *err)
{
	sqlite3_stmt *st = NULL;
	struct stat sb;
	struct sw_buf wal = SW_BUF_INIT;
	int rc, step;

	memset(out, 0, sizeof(*out));
	out->db_path = sw_xstrdup(db->path);
	out->sqlite_version = sw_xstrdup(sqlite3_libversion());
	out->schema_version = KB_SCHEMA_VERSION;
	if (stat(db->path, &sb) == 0)
		out->db_bytes += (uint64_t)sb.st_size;
	sw_buf_addf(&wal, "%s-wal", db->path);
	if (stat(wal.ptr, &sb) == 0)
		out->db_bytes += (uint64_t)sb.st_size;
	sw_buf_release(&wal);
	if ((rc = prepare(db, &st,
			  "SELECT (SELECT count(*) FROM kb), (SELECT count(*) FROM file),"
			  " (SELECT count(*) FROM chunk), (SELECT count(*) FROM vec),"
			  " (SELECT coalesce(sum(bytes), 0) FROM file)", err)) < 0)
		return rc;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		out->kbs = sqlite3_column_int64(st, 0);
		out->files = sqlite3_column_int64(st, 1);
		out->chunks = sqlite3_column_int64(st, 2);
		out->vectors = sqlite3_column_int64(st, 3);
		out->bytes = (uint64_t)sqlite3_column_int64(st, 4);
	} else {
		rc = db_fail(db, err, step, "status");
	}
	sqlite3_finalize(st);
	return rc;
}

void kb_status_release(struct kb_status *s)
{
	if (!s)
		return;
	free(s->db_path);
	free(s->sqlite_version);
	memset(s, 0, sizeof(*s));
}

/* ---- agents' knowledgeBase resources ---- */

int kb_spec_from_resource(struct kb_spec *out, char **out_path, const cJSON *obj, const char *json_path,
			  const char *base_dir, struct sw_error *err)
{
	const char *type = NULL, *source = NULL, *name = NULL, *desc = NULL, *itype = NULL, *rest;
	int auto_update = 0, rc;
	struct kb_spec s = KB_SPEC_INIT;

	*out_path = NULL;
	if (!cJSON_IsObject(obj))
		return sw_error_set(err, SW_EINVAL, "%s: expected object, found %s", json_path,
				    sw_json_type_name(obj));
	if ((rc = sw_json_get_string(&type, obj, "type", 1, json_path, err)) < 0 ||
	    (rc = sw_json_get_string(&source, obj, "source", 1, json_path, err)) < 0 ||
	    (rc = sw_json_get_string(&name, obj, "name", 1, json_path, err)) < 0 ||
	    (rc = sw_json_get_string(&desc, obj, "description", 0, json_path, err)) < 0 ||
	    (rc = sw_json_get_string(&itype, obj, "indexType", 0, json_path, err)) < 0 ||
	    (rc = sw_json_get_bool(&auto_update, obj, "autoUpdate", 0, json_path, err)) < 0)
		return rc;
	if (strcmp(type, "knowledgeBase"))
		return sw_error_set(err, SW_EINVAL, "%s.type: expected 'knowledgeBase', found '%s'", json_path, type);
	if (!sw_skip_prefix(source, "file://", &rest) || !*rest)
		return sw_error_set(err, SW_EINVAL, "%s.source: expected a 'file://' path, found '%s'", json_path,
				    source);
	s.index_type = KB_INDEX_BEST; /* Kiro's default */
	if (itype && kb_index_type_parse(&s.index_type, itype, err) < 0) {
		sw_error_prefix(err, "%s.indexType", json_path);
		return SW_EINVAL;
	}
	if ((rc = valid_name(name, err)) < 0) {
		sw_error_prefix(err, "%s.name", json_path);
		return rc;
	}
	if (rest[0] == '/') {
		*out_path = sw_path_absolute(rest);
	} else {
		char *j = sw_path_join(base_dir, rest);

		*out_path = sw_path_absolute(j);
		free(j);
	}
	s.name = name;
	s.path = *out_path;
	s.description = desc;
	s.auto_update = auto_update;
	*out = s;
	return 0;
}

int kb_spec_from_agent_resource(struct kb_spec *out, char **out_path, const struct kiro_agent_resource *r,
				const char *base_dir, struct sw_error *err)
{
	struct kb_spec s = KB_SPEC_INIT;
	int rc;

	*out_path = NULL;
	if (r->kind != KIRO_RESOURCE_KNOWLEDGE_BASE)
		return sw_error_set(err, SW_EINVAL, "resource '%s' is not a knowledge base", r->uri ? r->uri : "");
	if ((rc = valid_name(r->name, err)) < 0)
		return rc;
	if (!r->path || !*r->path)
		return sw_error_set(err, SW_EINVAL, "knowledge base '%s' has no source path", r->name);
	if (r->path[0] == '/') {
		*out_path = sw_path_absolute(r->path);
	} else {
		char *j = sw_path_join(base_dir, r->path);

		*out_path = sw_path_absolute(j);
		free(j);
	}
	s.name = r->name;
	s.path = *out_path;
	s.description = r->description;
	s.index_type = r->index_best ? KB_INDEX_BEST : KB_INDEX_FAST;
	s.auto_update = r->auto_update;
	*out = s;
	return 0;
}

int kb_ensure(struct kb_db *db, const struct kb_spec *spec, const struct kb_index_opts *opts, int *added,
	      struct kb_stats *stats, struct sw_error *err)
{
	struct kb_info info;
	struct sw_error probe = SW_ERROR_INIT;
	char *sp = NULL;
	int rc;

	memset(&info, 0, sizeof(info));
	if (added)
		*added = 0;
	rc = get_kb(db, spec->name, &info, 0, &probe);
	if (rc == SW_ENOTFOUND || (rc == 0 && strcmp(info.name, spec->name))) {
		rc = kb_add(db, spec, opts, stats, err);
		if (rc >= 0 && added)
			*added = 1;
		goto out;
	}
	if (rc < 0) {
		*err = probe;
		goto out;
	}
	sp = stored_path(db, spec->path);
	if (strcmp(sp, info.path)) {
		rc = sw_error_set(err, SW_ECONFLICT, "knowledge base '%s' exists with path '%s', not '%s'",
				  spec->name, info.path, sp);
		goto out;
	}
	rc = spec->auto_update ? kb_update(db, spec->name, opts, stats, err) : 0;
	if (rc > 0)
		rc = 0;
out:
	free(sp);
	kb_info_release(&info);
	return rc;
}
