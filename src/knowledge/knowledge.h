/* SPDX-License-Identifier: Apache-2.0 */
/*
 * knowledge.h - knowledge bases: indexed, searchable folders of a workspace.
 *
 * Storage.  One SQLite database per workspace, <root>/.kiro/knowledge.db
 * (WAL mode, so searches run while an update writes; the companion files
 * knowledge.db-wal, -shm and .lock sit beside it and are git-ignored by
 * "/knowledge.db*" in .kiro/.gitignore).  This module is the only user of SQLite in
 * Specwright.  Tables: schema_version, kb (one row per knowledge base),
 * file (path, size, mtime, content hash per indexed file), chunk (file,
 * start and end line, heading), chunk_fts (FTS5, porter + unicode61, over
 * path, heading and text; BM25 weights 6, 3, 1) and vec (one embedding
 * per chunk of a "best" knowledge base).
 *
 * Index types.  "fast" ranks by FTS5 BM25.  "best" also stores an
 * embedding of every chunk, from an OpenAI-compatible /v1/embeddings
 * endpoint (struct kb_embedder), and ranks by reciprocal rank fusion of the
 * BM25 and cosine rankings.  Without an embedder a "best" knowledge base
 * cannot be added, updated or searched: the call fails with SW_EINVAL and
 * says how to configure one; there is no silent fallback to "fast".
 *
 * Consistency.  Files are indexed in transactions of whole files, so a
 * killed process (Ctrl-C) leaves every file either fully indexed in its
 * new version or still in its old one; writers take an advisory lock on
 * knowledge.db.lock so two updates do not interleave.  The progress
 * callback can also stop an update cleanly (SW_ECANCELED).
 *
 * Calling sequence:
 *   struct kb_db *db = NULL;
 *   kb_open(&db, root, KB_OPEN_CREATE, &err);        -- creates .kiro/knowledge.db
 *   kb_add(db, &spec, &opts, &stats, &err);          -- walk, chunk, index
 *   kb_search(db, &query, &hits, &err);               -- struct kb_hits
 *   kb_index_file(db, "docs/a.md", &opts, &n, &err);  -- one saved file (hooks)
 *   kb_close(db);
 *
 * Every function that takes a struct sw_error returns 0 (or a count) on
 * success and a negative SW_E* code on failure.
 */
#ifndef KB_KNOWLEDGE_H
#define KB_KNOWLEDGE_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "knowledge/chunk.h"
#include "knowledge/walk.h"

#include <cjson/cJSON.h>

#define KB_DB_NAME "knowledge.db"           /* inside the workspace's .kiro folder */
#define KB_SCHEMA_VERSION 1
#define KB_DEFAULT_LIMIT 5                  /* results per search, as Kiro */
#define KB_MAX_FILE_BYTES (4u << 20)        /* larger files are indexed truncated to this */

enum kb_index_type { KB_INDEX_FAST, KB_INDEX_BEST };

/* "fast" / "best"; parsing is case-insensitive ("Fast" as Kiro writes it). Errors: SW_EINVAL. */
const char *kb_index_type_name(enum kb_index_type t);
int kb_index_type_parse(enum kb_index_type *out, const char *s, struct sw_error *err);

/*
 * An embedding provider (STYLE R18: tests plug in doubles).  embed() sets
 * *@out to @n vectors of *@dim floats each, row after row (malloc'd, the
 * caller frees), for @texts.  Errors are the provider's (SW_EIO, SW_EPROTO,
 * SW_ETIMEOUT); messages must not contain secrets.  Vectors need not be
 * normalised.
 */
struct kb_embedder {
	const char *model; /* recorded with the vectors; another model means re-embedding */
	int (*embed)(void *self, const char *const *texts, size_t n, float **out, size_t *dim,
		     struct sw_error *err);
	void *self;
};

/* Progress of an add or update, reported after every file. */
struct kb_progress {
	const char *kb;         /* knowledge base name */
	const char *path;       /* file just handled, relative to the knowledge base */
	size_t files_done, files_total;
	uint64_t bytes_done, bytes_total;
};

/* Returns non-zero to stop: the work done so far is committed, the call returns SW_ECANCELED. */
typedef int (*kb_progress_fn)(const struct kb_progress *p, void *data);

struct kb_index_opts {
	kb_progress_fn progress;        /* NULL: none */
	void *progress_data;
	const struct kb_embedder *embedder; /* required for "best" knowledge bases */
	struct kb_chunk_opts chunk;
	size_t max_file_bytes;          /* 0: KB_MAX_FILE_BYTES */
	int lock_timeout_ms;            /* wait for another writer; 0: 10 s */
};

#define KB_INDEX_OPTS_INIT { NULL, NULL, NULL, KB_CHUNK_OPTS_INIT, 0, 0 }

/* What an add or update did; counts add up over the call. */
struct kb_stats {
	size_t files_seen;       /* selected by the walk */
	size_t files_new, files_changed, files_deleted, files_unchanged;
	size_t chunks_added, chunks_removed;
	uint64_t bytes_indexed;  /* bytes of new and changed files */
	size_t skipped_binary;   /* a NUL byte in the first 8 KiB */
	size_t skipped_non_utf8; /* not valid UTF-8 */
	size_t skipped_unreadable;
	size_t truncated;        /* over max_file_bytes: indexed up to the last whole line */
	size_t embedded;         /* chunks embedded ("best") */
};

/* What to add (the command line's options, or an agent's knowledgeBase resource). */
struct kb_spec {
	const char *name;
	const char *path;               /* directory; relative to the workspace root or absolute */
	const char *description;        /* NULL: none */
	const struct sw_strvec *include, *exclude; /* NULL: all files / none */
	enum kb_index_type index_type;
	size_t max_files;               /* 0: KB_DEFAULT_MAX_FILES */
	int auto_update;                /* re-index when an agent that names it starts */
};

#define KB_SPEC_INIT { NULL, NULL, NULL, NULL, NULL, KB_INDEX_FAST, 0, 0 }

/* One knowledge base as stored. */
struct kb_info {
	long long id;
	char *name;
	char *path;             /* as stored: relative to the workspace root, or absolute */
	char *description;      /* "" if none */
	enum kb_index_type index_type;
	struct sw_strvec include, exclude;
	size_t max_files;
	int auto_update;
	long long created, updated; /* Unix seconds */
	long long files, chunks;
	uint64_t bytes;
	char *embed_model;      /* "" unless "best" */
};

struct kb_list {
	struct kb_info *v;
	size_t nr, alloc;
};

#define KB_LIST_INIT { NULL, 0, 0 }

struct kb_db;

/* How kb_open() treats the database. */
enum kb_open_mode {
	KB_OPEN_CREATE = 0,   /* read and write; a missing database is created */
	KB_OPEN_EXISTING = 1, /* read and write; a missing database is SW_ENOTFOUND */
	KB_OPEN_READ = 2,     /* read only, never creates a file; works in a read-only .kiro */
};

/*
 * Opens the knowledge database of the workspace rooted at @root:
 * <root>/.kiro/knowledge.db, as @mode says.  Creating it also adds
 * "knowledge.db*" to .kiro/.gitignore (kb_gitignore_ensure), so the
 * database, its WAL files and its lock never show in "git status".
 * Errors: SW_ENOTFOUND (no database, unless KB_OPEN_CREATE); SW_EIO
 * (a read-only .kiro for a writing mode: the message names the folder);
 * SW_EPROTO when the file is not a usable database (corrupt, or written
 * by a newer schema) — the message names the file and says to remove it
 * to start over.
 */
int kb_open(struct kb_db **out, const char *root, int mode, struct sw_error *err);

/*
 * Makes sure .kiro/.gitignore under @root ignores the knowledge database
 * and its companions ("knowledge.db*"): creates the file, or appends the
 * line, atomically.  Errors: SW_EIO.
 */
int kb_gitignore_ensure(const char *root, struct sw_error *err);
#define KB_GITIGNORE_LINE "/" KB_DB_NAME "*"

void kb_close(struct kb_db *db);
/* The database file's absolute path (borrowed from @db). */
const char *kb_db_path(const struct kb_db *db);
/* The workspace root relative paths resolve against (borrowed from @db). */
const char *kb_db_root(const struct kb_db *db);

/*
 * Adds the knowledge base @spec and indexes it.  Errors: SW_ECONFLICT
 * (the name exists), SW_EINVAL (bad name or type, "best" without an
 * embedder), walk errors (SW_ENOTFOUND, SW_ETOOBIG), SW_ECANCELED.
 * After SW_ECANCELED the knowledge base exists, partly indexed; an
 * update finishes it.
 */
int kb_add(struct kb_db *db, const struct kb_spec *spec, const struct kb_index_opts *opts,
	   struct kb_stats *stats, struct sw_error *err);

/*
 * Re-indexes the knowledge base named (or rooted at) @which, or all of
 * them when @which is NULL: new and changed files (size, mtime, then
 * content hash) are indexed, deleted ones dropped, unchanged ones left.
 * Errors: SW_ENOTFOUND, and those of kb_add.
 */
int kb_update(struct kb_db *db, const char *which, const struct kb_index_opts *opts,
	      struct kb_stats *stats, struct sw_error *err);

/*
 * Re-indexes one file, for the hook watcher to call on save: @path
 * (absolute, or relative to the workspace root) is indexed again in every
 * knowledge base that selects it, or dropped from them when it no longer
 * exists.  Sets *@touched (may be NULL) to the number of knowledge bases
 * it belongs to; 0 is not an error.  Errors: SW_EIO, SW_EINVAL ("best"
 * without an embedder).
 */
int kb_index_file(struct kb_db *db, const char *path, const struct kb_index_opts *opts,
		  size_t *touched, struct sw_error *err);

/*
 * Removes the knowledge base whose name, path or id is @which; *@name_out
 * (may be NULL) receives its name (caller frees), and gives the space back
 * (the database file shrinks).  Errors: SW_ENOTFOUND.
 */
int kb_remove(struct kb_db *db, const char *which, char **name_out, struct sw_error *err);

/* Removes every knowledge base; returns how many there were. */
int kb_clear(struct kb_db *db, struct sw_error *err);

/* Lists the knowledge bases, by name.  Errors: SW_EIO. */
int kb_list(struct kb_db *db, struct kb_list *out, struct sw_error *err);
/* Finds one by name, path or id.  Errors: SW_ENOTFOUND. */
int kb_get(struct kb_db *db, const char *which, struct kb_info *out, struct sw_error *err);
void kb_info_release(struct kb_info *info);
void kb_list_release(struct kb_list *l);

/* A search. */
struct kb_query {
	const char *text;      /* words, or FTS5 syntax (see kb_search) */
	const char *kb;        /* name, path or id; NULL: every knowledge base */
	size_t limit;          /* 0: KB_DEFAULT_LIMIT */
	const struct kb_embedder *embedder; /* needed when a "best" knowledge base is searched */
	int snippet_tokens;    /* words per snippet; 0: 24 */
	int lexical;           /* 1: BM25 only, even over "best" knowledge bases (no embedder needed) */
};

#define KB_QUERY_INIT { NULL, NULL, 0, NULL, 0, 0 }

struct kb_span {
	size_t start, end;     /* byte offsets of a matched term in the snippet */
};

struct kb_hit {
	char *kb;              /* knowledge base name */
	char *path;            /* file, relative to the workspace root when beneath it */
	int start_line, end_line;
	char *heading;         /* "" if none */
	double score;          /* higher is better (−BM25, or fused RRF score) */
	char *snippet;         /* a window of the chunk around the matches, no markers */
	struct kb_span *spans; /* matched terms within snippet, in order */
	size_t nspans;
	long long chunk_id;
};

struct kb_hits {
	struct kb_hit *v;
	size_t nr, alloc;
	int fused;             /* 1 when BM25 and cosine were fused (a "best" knowledge base) */
};

#define KB_HITS_INIT { NULL, 0, 0, 0 }

/*
 * Searches; @out receives the best hits first.  Plain words are searched
 * as terms (punctuation ignored; all terms first, any term when no chunk
 * has all of them).  A query using FTS5 syntax (double quotes, AND, OR,
 * NOT, NEAR, a trailing '*', '^') is passed to FTS5 as written.
 * Errors: SW_EINVAL for a query FTS5 rejects (the message quotes FTS5's
 * reason) or an empty query, SW_ENOTFOUND for an unknown knowledge base,
 * SW_EINVAL when a "best" knowledge base is searched without an embedder.
 */
int kb_search(struct kb_db *db, const struct kb_query *q, struct kb_hits *out, struct sw_error *err);
void kb_hits_release(struct kb_hits *h);

/* A stretch of an indexed file, from kb_read(). */
struct kb_excerpt {
	char *kb;              /* knowledge base name */
	char *path;            /* the file as search hits show it */
	int start_line, end_line; /* 1-based, inclusive: the lines in @text */
	int total_lines;       /* lines of the file on disk; 0 for a chunk read from the index */
	char *heading;         /* the chunk's heading, "" if none or for a line range */
	char *text;            /* the lines, each with its newline */
	long long chunk_id;    /* the chunk read, 0 for a line range */
	int truncated;         /* 1 when @text stopped at KB_MAX_EXCERPT_BYTES or KB_MAX_EXCERPT_LINES */
};

#define KB_EXCERPT_INIT { NULL, NULL, 0, 0, 0, NULL, NULL, 0, 0 }
#define KB_MAX_EXCERPT_LINES 500            /* lines per kb_read */
#define KB_MAX_EXCERPT_BYTES (64u << 10)    /* bytes per kb_read */

/* What kb_read() reads: one chunk, or lines of one indexed file. */
struct kb_read_req {
	long long chunk_id;    /* > 0: that chunk as indexed (a hit's chunk_id) */
	const char *path;      /* otherwise: an indexed file, as hits show it, or absolute */
	int start_line;        /* 0: 1 */
	int end_line;          /* 0: as far as the limits allow */
};

#define KB_READ_REQ_INIT { 0, NULL, 0, 0 }

/*
 * Reads an excerpt into @out (release with kb_excerpt_release).  A chunk
 * comes from the index, exactly as it was indexed; a line range comes from
 * the file on disk, and only a file that some knowledge base indexed can be
 * read (nothing else of the disk is reachable).  Errors: SW_ENOTFOUND (no
 * such chunk; the path is in no knowledge base), SW_EINVAL (neither a chunk
 * nor a path, lines out of order or past the end), SW_EIO (the indexed file
 * cannot be read any more: the message says to update).
 */
int kb_read(struct kb_db *db, const struct kb_read_req *req, struct kb_excerpt *out, struct sw_error *err);
void kb_excerpt_release(struct kb_excerpt *x);

/* Overall figures for "status". */
struct kb_status {
	char *db_path;
	uint64_t db_bytes;     /* database plus its WAL */
	long long kbs, files, chunks, vectors;
	uint64_t bytes;        /* indexed text */
	int schema_version;
	char *sqlite_version;
};

int kb_status_get(struct kb_db *db, struct kb_status *out, struct sw_error *err);
void kb_status_release(struct kb_status *s);

/*
 * Reads an agent's knowledgeBase resource object (KIRO-FORMATS §4.3):
 * {"type": "knowledgeBase", "source": "file://…", "name", "description",
 * "indexType": "best"|"fast", "autoUpdate"}.  @json_path names the object
 * in messages ("$.resources[2]"); a relative source resolves against
 * @base_dir (the workspace root).  Strings in @out point into @obj or into
 * @out_path (caller frees).  indexType defaults to "best", as in Kiro.
 * Errors: SW_EINVAL naming the field.
 */
int kb_spec_from_resource(struct kb_spec *out, char **out_path, const cJSON *obj, const char *json_path,
			  const char *base_dir, struct sw_error *err);

/*
 * The same from the agent loader's parsed resource (kiro/agent.h, kind
 * KIRO_RESOURCE_KNOWLEDGE_BASE): a relative source resolves against
 * @base_dir.  Strings in @out point into @r or into *@out_path (caller
 * frees).  Errors: SW_EINVAL (not a knowledge base resource, bad name).
 */
struct kiro_agent_resource;
int kb_spec_from_agent_resource(struct kb_spec *out, char **out_path, const struct kiro_agent_resource *r,
				const char *base_dir, struct sw_error *err);

/*
 * Makes sure the knowledge base of @spec exists: adds it when missing, and
 * updates it when it exists and spec->auto_update is set.  Sets *@added.
 * Errors: those of kb_add / kb_update; SW_ECONFLICT when a knowledge base of
 * that name exists with another path.
 */
int kb_ensure(struct kb_db *db, const struct kb_spec *spec, const struct kb_index_opts *opts,
	      int *added, struct kb_stats *stats, struct sw_error *err);

#endif
