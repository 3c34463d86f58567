/* SPDX-License-Identifier: Apache-2.0 */
/*
 * knowledge.c - "specwright knowledge": add, search, list, update, remove,
 * clear and status of the workspace's knowledge bases.
 *
 * A thin layer over knowledge/knowledge.h: options in, one call, results
 * out as text or one JSON document.  Long indexing shows a progress bar on
 * a terminal (stderr), or JSON progress events on stderr with --json, and
 * Ctrl-C stops it after the current file with the finished files kept.
 */
#include "base/compat.h"
#include "cmd/commands.h"
#include "base/fs.h"
#include "base/json.h"
#include "base/log.h"
#include "knowledge/embed.h"
#include "knowledge/knowledge.h"

#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	SW_UNUSED(sig);
	interrupted = 1;
}

/* The first Ctrl-C stops cleanly after the current file; a second one kills. */
static void catch_sigint(struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, old);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Appends @s as a JSON string, quotes included. */
static void json_str(struct sw_buf *b, const char *s)
{
	sw_buf_addch(b, '"');
	sw_buf_add_json_escaped(b, s, strlen(s));
	sw_buf_addch(b, '"');
}

/* Appends @v as a JSON array of strings. */
static void json_strs(struct sw_buf *b, const struct sw_strvec *v)
{
	size_t i;

	sw_buf_addch(b, '[');
	for (i = 0; i < v->nr; i++) {
		if (i)
			sw_buf_addch(b, ',');
		json_str(b, v->v[i]);
	}
	sw_buf_addch(b, ']');
}

struct progress_ui {
	int tty;        /* draw a bar on stderr */
	int json;       /* NDJSON events on stderr */
	double start, last;
	int drawn;
};

static int on_progress(const struct kb_progress *p, void *data)
{
	struct progress_ui *ui = data;
	double t = now_s(), el = t - ui->start, mb = (double)p->bytes_done / 1e6;
	double rate = el > 0 ? mb / el : 0;
	double eta = rate > 0 ? ((double)p->bytes_total / 1e6 - mb) / rate : 0;

	if (t - ui->last < 0.1 && p->files_done < p->files_total)
		return interrupted;
	ui->last = t;
	if (ui->json) {
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_adds(&b, "{\"event\":\"progress\",\"kb\":");
		json_str(&b, p->kb);
		sw_buf_addf(&b, ",\"files_done\":%zu,\"files_total\":%zu,\"bytes_done\":%llu,"
			    "\"bytes_total\":%llu,\"elapsed_s\":%.3f}\n",
			    p->files_done, p->files_total, (unsigned long long)p->bytes_done,
			    (unsigned long long)p->bytes_total, el);
		fputs(b.ptr, stderr);
		sw_buf_release(&b);
	} else if (ui->tty && el > 0.3) {
		int width = 24, fill = p->bytes_total ? (int)(width * (double)p->bytes_done / (double)p->bytes_total) : width;

		fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu files, %.1f/%.1f MB, %.1f MB/s, ETA %.0fs \033[K",
			p->kb, fill, "########################", width - fill, "", p->files_done, p->files_total,
			mb, (double)p->bytes_total / 1e6, rate, eta);
		ui->drawn = 1;
	}
	return interrupted;
}

static void progress_end(struct progress_ui *ui)
{
	if (ui->drawn)
		fputs("\r\033[K", stderr);
	ui->drawn = 0;
}

static void stats_json(struct sw_buf *b, const struct kb_stats *s, double secs)
{
	sw_buf_addf(b,
		    "{\"files\":%zu,\"new\":%zu,\"changed\":%zu,\"deleted\":%zu,\"unchanged\":%zu,"
		    "\"chunks_added\":%zu,\"chunks_removed\":%zu,\"bytes_indexed\":%llu,\"embedded\":%zu,"
		    "\"skipped_binary\":%zu,\"skipped_non_utf8\":%zu,\"skipped_unreadable\":%zu,"
		    "\"truncated\":%zu,\"seconds\":%.3f}",
		    s->files_seen, s->files_new, s->files_changed, s->files_deleted, s->files_unchanged,
		    s->chunks_added, s->chunks_removed, (unsigned long long)s->bytes_indexed, s->embedded,
		    s->skipped_binary, s->skipped_non_utf8, s->skipped_unreadable, s->truncated, secs);
}

/* Counted warnings for files that were not indexed whole. */
static void warn_skips(const struct kb_stats *s, size_t max_bytes)
{
	if (s->skipped_binary)
		sw_warn("%zu binary file%s skipped", s->skipped_binary, s->skipped_binary == 1 ? "" : "s");
	if (s->skipped_non_utf8)
		sw_warn("%zu file%s skipped: not UTF-8", s->skipped_non_utf8, s->skipped_non_utf8 == 1 ? "" : "s");
	if (s->skipped_unreadable)
		sw_warn("%zu unreadable file%s skipped", s->skipped_unreadable,
			s->skipped_unreadable == 1 ? "" : "s");
	if (s->truncated)
		sw_warn("%zu file%s over %zu MiB indexed truncated", s->truncated, s->truncated == 1 ? "" : "s",
			max_bytes >> 20);
}

#define NO_KBS_HINT "add one with 'specwright knowledge add --name NAME --path PATH'"

/* Verbs find the workspace only after their options, so --help works anywhere. */
static int open_db(struct kb_db **db, struct sw_ctx *ctx, enum kb_open_mode mode)
{
	struct sw_error err = SW_ERROR_INIT;

	if (sw_cmd_need_workspace(ctx))
		return 1;
	if (kb_open(db, ctx->root, mode, &err) < 0)
		return sw_cmd_fail(&err);
	return 0;
}

/*
 * For the verbs that only read: a workspace without a database has no
 * knowledge bases, and reading must not create one.  *@db stays NULL then.
 */
static int open_db_read(struct kb_db **db, struct sw_ctx *ctx)
{
	struct sw_error err = SW_ERROR_INIT;

	*db = NULL;
	if (sw_cmd_need_workspace(ctx))
		return 1;
	if (kb_open(db, ctx->root, KB_OPEN_READ, &err) == SW_ENOTFOUND)
		return 0;
	if (!*db)
		return sw_cmd_fail(&err);
	return 0;
}

/* Where the database of the workspace is (or would be); caller frees. */
static char *db_path_of(const struct sw_ctx *ctx)
{
	return sw_path_join(ctx->root, ".kiro/" KB_DB_NAME);
}

/* A path typed by the user, relative to the current directory: made absolute. */
static char *user_path(struct sw_ctx *ctx, const char *p)
{
	char *j = sw_path_join(ctx->cwd, p), *abs = sw_path_absolute(j);

	free(j);
	return abs;
}

/*
 * A NAME|PATH|ID argument: something with a '/' (or ".") is a path from the
 * current directory; a bare word is a name, an id, or a path from the root.
 */
static char *which_arg(struct sw_ctx *ctx, const char *a)
{
	if (strchr(a, '/') || !strcmp(a, ".") || !strcmp(a, ".."))
		return user_path(ctx, a);
	return sw_xstrdup(a);
}

static int run_index(struct kb_db *db, struct sw_ctx *ctx, int json, const struct kb_spec *spec,
		     const char *which, int all, struct kb_stats *stats, double *secs, struct sw_error *err)
{
	struct kb_index_opts o = KB_INDEX_OPTS_INIT;
	struct kb_embedder_http *emb = NULL;
	struct progress_ui ui = { isatty(STDERR_FILENO) && sw_log_level() >= 0, json, 0, 0, 0 };
	struct sigaction old;
	int rc;

	SW_UNUSED(ctx);
	ui.start = ui.last = now_s();
	o.progress = on_progress;
	o.progress_data = &ui;
	if (kb_embedder_from_env(&emb, NULL, NULL) == 0)
		o.embedder = kb_embedder_http_get(emb);
	catch_sigint(&old);
	if (spec)
		rc = kb_add(db, spec, &o, stats, err);
	else
		rc = kb_update(db, all ? NULL : which, &o, stats, err);
	sigaction(SIGINT, &old, NULL);
	progress_end(&ui);
	*secs = now_s() - ui.start;
	kb_embedder_http_free(emb);
	return rc;
}

/* ---- add ---- */

static int cmd_kb_add(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright knowledge add --name NAME --path PATH [--include GLOB]... [--exclude GLOB]... "
		"[--index-type fast|best]",
		"\nIndexes the files under PATH as a knowledge base. A glob without '/' matches at any depth\n"
		"('*.rs' is '**/*.rs'); dot-files, .gitignore'd, binary and non-UTF-8 files are skipped.",
		NULL,
	};
	const char *name = NULL, *path = NULL, *type = "fast", *desc = NULL;
	struct sw_strvec inc = SW_STRVEC_INIT, exc = SW_STRVEC_INIT;
	long max_files = KB_DEFAULT_MAX_FILES;
	int json = ctx->json, rc = 1;
	struct kb_spec spec = KB_SPEC_INIT;
	struct kb_stats stats;
	struct sw_error err = SW_ERROR_INIT;
	struct kb_db *db = NULL;
	struct sw_buf out = SW_BUF_INIT;
	char *abs = NULL;
	double secs = 0;
	const struct sw_opt opts[] = {
		SW_OPT_STRING('n', "name", &name, "NAME", "name of the knowledge base"),
		SW_OPT_STRING('p', "path", &path, "PATH", "directory to index"),
		SW_OPT_LIST(0, "include", &inc, "GLOB", "index only files matching GLOB (repeatable)"),
		SW_OPT_LIST(0, "exclude", &exc, "GLOB", "skip files and folders matching GLOB (repeatable)"),
		SW_OPT_STRING(0, "index-type", &type, "TYPE", "fast (BM25, default) or best (BM25 + embeddings)"),
		SW_OPT_STRING('d', "description", &desc, "TEXT", "what the knowledge base holds"),
		SW_OPT_INT(0, "max-files", &max_files, "N", "refuse folders with more files (default 10000)"),
		SW_OPT_BOOL(0, "json", &json, "print one JSON document (progress events on stderr)"),
		SW_OPT_END,
	};

	argc = sw_cmd_parse(argc, argv, opts, usage, 2);
	if (argc < 0) {
		rc = sw_opt_exit(argc);
		goto out;
	}
	/* Kiro also accepts the positional form: add NAME PATH. */
	if (argc >= 1 && !name)
		name = argv[0];
	if (argc >= 2 && !path)
		path = argv[1];
	if (!name || !path) {
		rc = sw_usage_error(usage, "add needs --name and --path");
		goto out;
	}
	if (max_files < 1) {
		rc = sw_usage_error(usage, "--max-files must be at least 1");
		goto out;
	}
	if (kb_index_type_parse(&spec.index_type, type, &err) < 0) {
		rc = sw_usage_error(usage, "%s", err.msg);
		goto out;
	}
	abs = user_path(ctx, path);
	spec.name = name;
	spec.path = abs;
	spec.description = desc;
	spec.include = &inc;
	spec.exclude = &exc;
	spec.max_files = (size_t)max_files;
	if ((rc = open_db(&db, ctx, KB_OPEN_CREATE)))
		goto out;
	if (run_index(db, ctx, json, &spec, NULL, 0, &stats, &secs, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	warn_skips(&stats, KB_MAX_FILE_BYTES);
	if (json) {
		sw_buf_adds(&out, "{\"name\":");
		json_str(&out, name);
		sw_buf_addf(&out, ",\"index_type\":\"%s\",\"stats\":", kb_index_type_name(spec.index_type));
		stats_json(&out, &stats, secs);
		sw_buf_adds(&out, "}\n");
		fputs(out.ptr, stdout);
	} else if (!sw_cmd_quiet()) {
		printf("added knowledge base '%s' (%s): %zu files, %zu chunks, %.1f MB in %.2f s\n", name,
		       kb_index_type_name(spec.index_type), stats.files_new, stats.chunks_added,
		       (double)stats.bytes_indexed / 1e6, secs);
	}
	rc = 0;
out:
	kb_close(db);
	sw_strvec_clear(&inc);
	sw_strvec_clear(&exc);
	sw_buf_release(&out);
	free(abs);
	return rc;
}

/* ---- update ---- */

/* A regular file, or a path that names no directory but sits in one (a deleted file). */
static int is_file_arg(struct sw_ctx *ctx, const char *a)
{
	char *abs = user_path(ctx, a), *dir = sw_dirname(abs);
	int yes = sw_is_file(abs) || (!sw_path_exists(abs) && sw_is_dir(dir) && strchr(a, '/'));

	free(abs);
	free(dir);
	return yes;
}

static int update_file(struct kb_db *db, struct sw_ctx *ctx, const char *path, int json)
{
	struct kb_index_opts o = KB_INDEX_OPTS_INIT;
	struct kb_embedder_http *emb = NULL;
	struct sw_error err = SW_ERROR_INIT;
	char *abs = user_path(ctx, path);
	size_t n = 0;
	double t0 = now_s();
	int rc;

	if (kb_embedder_from_env(&emb, NULL, NULL) == 0)
		o.embedder = kb_embedder_http_get(emb);
	rc = kb_index_file(db, abs, &o, &n, &err);
	if (rc < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (json) {
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_adds(&b, "{\"file\":");
		json_str(&b, abs);
		sw_buf_addf(&b, ",\"knowledge_bases\":%zu,\"seconds\":%.6f}\n", n, now_s() - t0);
		fputs(b.ptr, stdout);
		sw_buf_release(&b);
	} else if (!sw_cmd_quiet()) {
		printf("re-indexed '%s' in %zu knowledge base%s\n", path, n, n == 1 ? "" : "s");
	}
	rc = 0;
out:
	kb_embedder_http_free(emb);
	free(abs);
	return rc;
}

static int cmd_kb_update(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright knowledge update [NAME|PATH|FILE] [--json]",
		"\nRe-indexes new and changed files and drops deleted ones; without an argument, every\n"
		"knowledge base. A FILE is re-indexed (or dropped, once deleted) in every knowledge base\n"
		"that holds it, which is what an on-save hook wants.",
		NULL,
	};
	int json = ctx->json, rc = 1;
	struct kb_stats stats;
	struct sw_error err = SW_ERROR_INIT;
	struct kb_db *db = NULL;
	struct sw_buf out = SW_BUF_INIT;
	char *which = NULL;
	double secs = 0;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL(0, "json", &json, "print one JSON document (progress events on stderr)"),
		SW_OPT_END,
	};

	argc = sw_cmd_parse(argc, argv, opts, usage, 1);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc == 1)
		which = which_arg(ctx, argv[0]);
	if ((rc = open_db(&db, ctx, KB_OPEN_EXISTING)))
		goto out;
	if (argc == 1 && (is_file_arg(ctx, argv[0]))) {
		rc = update_file(db, ctx, argv[0], json);
		goto out;
	}
	if (run_index(db, ctx, json, NULL, which, !which, &stats, &secs, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	warn_skips(&stats, KB_MAX_FILE_BYTES);
	if (json) {
		sw_buf_adds(&out, "{\"stats\":");
		stats_json(&out, &stats, secs);
		sw_buf_adds(&out, "}\n");
		fputs(out.ptr, stdout);
	} else if (!sw_cmd_quiet()) {
		printf("updated: %zu new, %zu changed, %zu deleted, %zu unchanged files (%zu chunks added) "
		       "in %.2f s\n",
		       stats.files_new, stats.files_changed, stats.files_deleted, stats.files_unchanged,
		       stats.chunks_added, secs);
	}
	rc = 0;
out:
	kb_close(db);
	sw_buf_release(&out);
	free(which);
	return rc;
}

/* ---- search ---- */

static void print_snippet(const struct kb_hit *h, int color)
{
	const char *on = color ? "\033[1;31m" : "[[", *off = color ? "\033[0m" : "]]";
	size_t i, s = 0;

	fputs("    ", stdout);
	for (i = 0; h->snippet[i]; i++) {
		while (s < h->nspans && h->spans[s].end <= i && h->spans[s].start < i)
			s++;
		if (s < h->nspans && h->spans[s].start == i)
			fputs(on, stdout);
		if (h->snippet[i] == '\n')
			fputs("\n    ", stdout);
		else
			putchar(h->snippet[i]);
		if (s < h->nspans && h->spans[s].end == i + 1) {
			fputs(off, stdout);
			s++;
		}
	}
	putchar('\n');
}

static int cmd_kb_search(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = {
		"specwright knowledge search QUERY [--name NAME] [--limit K] [--json]",
		"\nPlain words find chunks holding all of them (any of them when none holds all);\n"
		"FTS5 syntax (\"phrases\", AND, OR, NOT, NEAR, prefix*) is used as written.",
		NULL,
	};
	const char *name = NULL;
	long limit = KB_DEFAULT_LIMIT;
	int json = ctx->json, rc = 1, color;
	struct kb_query q = KB_QUERY_INIT;
	struct kb_hits hits = KB_HITS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct kb_db *db = NULL;
	struct kb_embedder_http *emb = NULL;
	struct sw_buf text = SW_BUF_INIT, out = SW_BUF_INIT;
	char *which = NULL;
	size_t i, s;
	const struct sw_opt opts[] = {
		SW_OPT_STRING('n', "name", &name, "NAME", "search only this knowledge base (name, path or id)"),
		SW_OPT_INT('k', "limit", &limit, "K", "at most K results (default 5)"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};

	argc = sw_opt_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (argc < 1)
		return sw_usage_error(usage, "search needs a QUERY");
	if (limit < 1 || limit > 1000)
		return sw_usage_error(usage, "--limit must be between 1 and 1000");
	for (i = 0; i < (size_t)argc; i++) {
		if (i)
			sw_buf_addch(&text, ' ');
		sw_buf_adds(&text, argv[i]);
	}
	if (name)
		which = which_arg(ctx, name);
	if ((rc = open_db_read(&db, ctx)))
		goto out;
	if (!db) {
		if (json) {
			sw_buf_adds(&out, "{\"query\":");
			json_str(&out, text.ptr);
			sw_buf_adds(&out, ",\"indexed\":false,\"ranking\":\"bm25\",\"results\":[]}\n");
			fputs(out.ptr, stdout);
		} else {
			fprintf(stderr, "specwright: no knowledge bases (" NO_KBS_HINT ")\n");
		}
		goto out;
	}
	if (kb_embedder_from_env(&emb, NULL, NULL) == 0)
		q.embedder = kb_embedder_http_get(emb);
	q.text = text.ptr;
	q.kb = which;
	q.limit = (size_t)limit;
	if (kb_search(db, &q, &hits, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (json) {
		sw_buf_adds(&out, "{\"query\":");
		json_str(&out, text.ptr);
		sw_buf_addf(&out, ",\"ranking\":\"%s\",\"results\":[", hits.fused ? "bm25+cosine" : "bm25");
		for (i = 0; i < hits.nr; i++) {
			const struct kb_hit *h = &hits.v[i];

			sw_buf_adds(&out, i ? ",{\"kb\":" : "{\"kb\":");
			json_str(&out, h->kb);
			sw_buf_adds(&out, ",\"path\":");
			json_str(&out, h->path);
			sw_buf_addf(&out, ",\"start_line\":%d,\"end_line\":%d,\"heading\":", h->start_line,
				    h->end_line);
			json_str(&out, h->heading);
			sw_buf_addf(&out, ",\"score\":%.6g,\"snippet\":", h->score);
			json_str(&out, h->snippet);
			sw_buf_adds(&out, ",\"highlights\":[");
			for (s = 0; s < h->nspans; s++)
				sw_buf_addf(&out, "%s[%zu,%zu]", s ? "," : "", h->spans[s].start, h->spans[s].end);
			sw_buf_adds(&out, "]}");
		}
		sw_buf_adds(&out, "]}\n");
		fputs(out.ptr, stdout);
	} else {
		color = sw_log_color_fd(STDOUT_FILENO);
		if (!hits.nr)
			fprintf(stderr, "specwright: no results for '%s'\n", text.ptr);
		for (i = 0; i < hits.nr; i++) {
			const struct kb_hit *h = &hits.v[i];

			printf("%s%s:%d-%d%s", color ? "\033[35m" : "", h->path, h->start_line, h->end_line,
			       color ? "\033[0m" : "");
			if (*h->heading)
				printf("  %s", h->heading);
			printf("  (%s, %.3g)\n", h->kb, h->score);
			print_snippet(h, color);
		}
	}
	rc = 0;
out:
	kb_hits_release(&hits);
	kb_embedder_http_free(emb);
	kb_close(db);
	sw_buf_release(&text);
	sw_buf_release(&out);
	free(which);
	return rc;
}

/* ---- list ---- */

static void info_json(struct sw_buf *b, const struct kb_info *k)
{
	sw_buf_addf(b, "{\"id\":%lld,\"name\":", k->id);
	json_str(b, k->name);
	sw_buf_adds(b, ",\"path\":");
	json_str(b, k->path);
	sw_buf_adds(b, ",\"description\":");
	json_str(b, k->description);
	sw_buf_addf(b, ",\"index_type\":\"%s\",\"include\":", kb_index_type_name(k->index_type));
	json_strs(b, &k->include);
	sw_buf_adds(b, ",\"exclude\":");
	json_strs(b, &k->exclude);
	sw_buf_addf(b, ",\"max_files\":%zu,\"auto_update\":%s,\"files\":%lld,\"chunks\":%lld,\"bytes\":%llu,"
		    "\"created\":%lld,\"updated\":%lld,\"embed_model\":",
		    k->max_files, k->auto_update ? "true" : "false", k->files, k->chunks,
		    (unsigned long long)k->bytes, k->created, k->updated);
	json_str(b, k->embed_model);
	sw_buf_addch(b, '}');
}

static int cmd_kb_list(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright knowledge list [--json]", NULL };
	int json = ctx->json, rc = 1;
	struct kb_list l = KB_LIST_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct kb_db *db = NULL;
	struct sw_buf out = SW_BUF_INIT;
	size_t i;

	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if ((rc = open_db_read(&db, ctx)))
		goto out;
	if (db && kb_list(db, &l, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (json) {
		char *path = db_path_of(ctx);

		sw_buf_adds(&out, "{\"database\":");
		json_str(&out, path);
		free(path);
		sw_buf_addf(&out, ",\"indexed\":%s,\"knowledge_bases\":[", db ? "true" : "false");
		for (i = 0; i < l.nr; i++) {
			if (i)
				sw_buf_addch(&out, ',');
			info_json(&out, &l.v[i]);
		}
		sw_buf_adds(&out, "]}\n");
		fputs(out.ptr, stdout);
	} else if (!l.nr) {
		printf("no knowledge bases (" NO_KBS_HINT ")\n");
	} else {
		printf("%-4s %-20s %-5s %7s %8s %9s  %s\n", "ID", "NAME", "TYPE", "FILES", "CHUNKS", "MB", "PATH");
		for (i = 0; i < l.nr; i++) {
			const struct kb_info *k = &l.v[i];

			printf("%-4lld %-20s %-5s %7lld %8lld %9.1f  %s\n", k->id, k->name,
			       kb_index_type_name(k->index_type), k->files, k->chunks, (double)k->bytes / 1e6, k->path);
		}
	}
	rc = 0;
out:
	kb_list_release(&l);
	kb_close(db);
	sw_buf_release(&out);
	return rc;
}

/* ---- remove ---- */

static int cmd_kb_remove(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright knowledge remove NAME|PATH|ID [--json]", NULL };
	int json = ctx->json, rc = 1;
	struct sw_error err = SW_ERROR_INIT;
	struct kb_db *db = NULL;
	char *which = NULL, *name = NULL;

	argc = sw_cmd_parse_json(argc, argv, usage, 1, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!argc)
		return sw_usage_error(usage, "remove needs a NAME, PATH or ID");
	which = which_arg(ctx, argv[0]);
	if ((rc = open_db(&db, ctx, KB_OPEN_EXISTING)))
		goto out;
	if (kb_remove(db, which, &name, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (json) {
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_adds(&b, "{\"removed\":");
		json_str(&b, name);
		sw_buf_adds(&b, "}\n");
		fputs(b.ptr, stdout);
		sw_buf_release(&b);
	} else if (!sw_cmd_quiet()) {
		printf("removed knowledge base '%s'\n", name);
	}
	rc = 0;
out:
	kb_close(db);
	free(which);
	free(name);
	return rc;
}

/* ---- clear ---- */

static int cmd_kb_clear(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright knowledge clear [--yes] [--json]", NULL };
	int json = ctx->json, yes = 0, rc = 1, n;
	struct sw_error err = SW_ERROR_INIT;
	struct kb_db *db = NULL;
	const struct sw_opt opts[] = {
		SW_OPT_BOOL('y', "yes", &yes, "do not ask for confirmation"),
		SW_OPT_JSON(&json),
		SW_OPT_END,
	};

	argc = sw_cmd_parse(argc, argv, opts, usage, 0);
	if (argc < 0)
		return sw_opt_exit(argc);
	if (!yes) {
		char line[16] = "";

		if (!isatty(STDIN_FILENO))
			return sw_usage_error(usage, "clear removes every knowledge base; confirm with --yes");
		fputs("This will remove ALL knowledge bases. Are you sure? (y/N): ", stderr);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y')) {
			fputs("specwright: nothing removed\n", stderr);
			return 1;
		}
	}
	if ((rc = open_db(&db, ctx, KB_OPEN_EXISTING)))
		goto out;
	n = kb_clear(db, &err);
	if (n < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (json)
		printf("{\"removed\":%d}\n", n);
	else if (!sw_cmd_quiet())
		printf("removed %d knowledge base%s\n", n, n == 1 ? "" : "s");
	rc = 0;
out:
	kb_close(db);
	return rc;
}

/* ---- status ---- */

static int cmd_kb_status(int argc, const char **argv, struct sw_ctx *ctx)
{
	static const char *const usage[] = { "specwright knowledge status [--json]", NULL };
	int json = ctx->json, rc = 1;
	struct sw_error err = SW_ERROR_INIT;
	struct kb_db *db = NULL;
	struct kb_status s;
	struct kb_embedder_http *emb = NULL;
	const char *model = NULL;

	memset(&s, 0, sizeof(s));
	argc = sw_cmd_parse_json(argc, argv, usage, 0, &json);
	if (argc < 0)
		return sw_opt_exit(argc);
	if ((rc = open_db_read(&db, ctx)))
		goto out;
	if (!db) {
		char *path = db_path_of(ctx);
		struct sw_buf b = SW_BUF_INIT;

		if (json) {
			sw_buf_adds(&b, "{\"database\":");
			json_str(&b, path);
			sw_buf_adds(&b, ",\"indexed\":false,\"knowledge_bases\":0,\"files\":0,\"chunks\":0,"
				    "\"vectors\":0,\"bytes\":0}\n");
			fputs(b.ptr, stdout);
		} else {
			printf("no knowledge bases: '%s' does not exist (" NO_KBS_HINT ")\n", path);
		}
		sw_buf_release(&b);
		free(path);
		goto out;
	}
	if (kb_status_get(db, &s, &err) < 0) {
		rc = sw_cmd_fail(&err);
		goto out;
	}
	if (kb_embedder_from_env(&emb, NULL, NULL) == 0)
		model = kb_embedder_http_get(emb)->model;
	if (json) {
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_adds(&b, "{\"database\":");
		json_str(&b, s.db_path);
		sw_buf_addf(&b, ",\"indexed\":true,\"database_bytes\":%llu,\"schema_version\":%d,\"sqlite_version\":\"%s\","
			    "\"knowledge_bases\":%lld,\"files\":%lld,\"chunks\":%lld,\"vectors\":%lld,"
			    "\"bytes\":%llu,\"embedding_model\":",
			    (unsigned long long)s.db_bytes, s.schema_version, s.sqlite_version, s.kbs, s.files,
			    s.chunks, s.vectors, (unsigned long long)s.bytes);
		if (model)
			json_str(&b, model);
		else
			sw_buf_adds(&b, "null");
		sw_buf_adds(&b, "}\n");
		fputs(b.ptr, stdout);
		sw_buf_release(&b);
	} else {
		printf("database:        %s (%.1f MB, schema %d, SQLite %s)\n", s.db_path, (double)s.db_bytes / 1e6,
		       s.schema_version, s.sqlite_version);
		printf("knowledge bases: %lld\nfiles:           %lld\nchunks:          %lld\n"
		       "vectors:         %lld\nindexed text:    %.1f MB\n",
		       s.kbs, s.files, s.chunks, s.vectors, (double)s.bytes / 1e6);
		printf("embeddings:      %s\n", model ? model : "not configured (index type 'best' unavailable)");
	}
	rc = 0;
out:
	kb_status_release(&s);
	kb_embedder_http_free(emb);
	kb_close(db);
	return rc;
}

static const struct sw_cmd knowledge_verbs[] = {
	{ "add", cmd_kb_add, 0, "Index a folder as a knowledge base" },
	{ "search", cmd_kb_search, 0, "Search the knowledge bases" },
	{ "list", cmd_kb_list, 0, "List the knowledge bases" },
	{ "show", cmd_kb_list, SW_CMD_HIDDEN, "List the knowledge bases" },
	{ "update", cmd_kb_update, 0, "Re-index changed, new and deleted files" },
	{ "remove", cmd_kb_remove, 0, "Remove a knowledge base" },
	{ "clear", cmd_kb_clear, 0, "Remove every knowledge base" },
	{ "status", cmd_kb_status, 0, "Show the knowledge database and its totals" },
	{ NULL, NULL, 0, NULL },
};

int cmd_knowledge(int argc, const char **argv, struct sw_ctx *ctx)
{
	return sw_cmd_dispatch("knowledge", knowledge_verbs, argc, argv, ctx);
}
