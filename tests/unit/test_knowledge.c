/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/fs.h"
#include "base/json.h"
#include "knowledge/chunk.h"
#include "knowledge/knowledge.h"
#include "knowledge/tool.h"
#include "kiro/agent.h"
#include "knowledge/walk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- chunking: spans are exact ---- */

struct span {
	int start, end;
	const char *heading;
};

static void check_chunks(const char *text, enum kb_kind kind, const struct kb_chunk_opts *o,
			 const struct span *want, size_t nwant)
{
	struct kb_chunks c = KB_CHUNKS_INIT;
	size_t i;

	kb_chunk_text(&c, text, strlen(text), kind, o);
	for (i = 0; i < c.nr && i < nwant; i++) {
		if (c.v[i].start_line != want[i].start || c.v[i].end_line != want[i].end ||
		    (want[i].heading && strcmp(c.v[i].heading, want[i].heading)))
			fail_msg("chunk %zu: got %d-%d '%s', want %d-%d '%s'", i, c.v[i].start_line,
				 c.v[i].end_line, c.v[i].heading, want[i].start, want[i].end,
				 want[i].heading ? want[i].heading : "*");
	}
	if (c.nr != nwant)
		fail_msg("got %zu chunks, want %zu", c.nr, nwant);
	/* The text of each chunk is exactly its lines. */
	for (i = 0; i < c.nr; i++) {
		const char *p = text;
		int line = 1;

		while (line < c.v[i].start_line) {
			p = strchr(p, '\n') + 1;
			line++;
		}
		assert_ptr_equal(p, text + c.v[i].off);
		for (const char *q = p; q < p + c.v[i].len; q++)
			line += *q == '\n';
		assert_int_equal(line, c.v[i].end_line);
	}
	kb_chunks_release(&c);
}

static void knowledge__chunk_markdown_sections(void **state)
{
	static const char md[] =
		"Preamble line\n"          /* 1 */
		"\n"                       /* 2 */
		"# Title\n"                /* 3 */
		"Intro text.\n"            /* 4 */
		"\n"                       /* 5 */
		"## Install\n"             /* 6 */
		"\n"                       /* 7 */
		"Step one.\n"              /* 8 */
		"```sh\n"                  /* 9 */
		"# not a heading\n"        /* 10 */
		"\n"                       /* 11 */
		"make\n"                   /* 12 */
		"```\n"                    /* 13 */
		"\n"                       /* 14 */
		"### Debian ###\n"         /* 15 */
		"apt-get install x\n"      /* 16 */
		"## Usage\n"               /* 17 */
		"Run it.\n"                /* 18 */
		"\n\n";                    /* 19, 20 */
	static const struct span want[] = {
		{ 1, 1, "" },
		{ 3, 4, "Title" },
		{ 6, 13, "Title / Install" },
		{ 15, 16, "Title / Install / Debian" },
		{ 17, 18, "Title / Usage" },
	};

	SW_UNUSED(state);
	check_chunks(md, KB_KIND_MARKDOWN, NULL, want, SW_ARRAY_SIZE(want));
}

static void knowledge__chunk_paragraphs_packed_within_bounds(void **state)
{
	struct kb_chunk_opts o = { 5, 10000, 1 };
	static const char md[] =
		"# A\n"      /* 1 */
		"p1\n"       /* 2 */
		"\n"         /* 3 */
		"p2\n"       /* 4 */
		"p2\n"       /* 5 */
		"\n"         /* 6 */
		"p3\n"       /* 7 */
		"p3\n";      /* 8 */
	static const struct span want[] = { { 1, 5, "A" }, { 7, 8, "A" } };

	SW_UNUSED(state);
	check_chunks(md, KB_KIND_MARKDOWN, &o, want, SW_ARRAY_SIZE(want));
}

static void knowledge__chunk_code_blocks_and_overlap(void **state)
{
	struct kb_chunk_opts o = { 4, 10000, 1 };
	static const char code[] =
		"int a(void)\n"   /* 1 */
		"{\n"             /* 2 */
		"\treturn 1;\n"   /* 3 */
		"}\n"             /* 4 */
		"\n"              /* 5 */
		"int b(void)\n"   /* 6 */
		"{\n"             /* 7 */
		"\tx();\n"        /* 8 */
		"\ty();\n"        /* 9 */
		"\tz();\n"        /* 10 */
		"\treturn 2;\n"   /* 11 */
		"}\n";            /* 12 */
	/* b() is longer than 4 lines: cut into windows overlapping by one line. */
	static const struct span want[] = {
		{ 1, 4, "int a(void)" }, { 6, 9, "int b(void)" }, { 9, 12, "" },
	};

	SW_UNUSED(state);
	check_chunks(code, KB_KIND_CODE, &o, want, SW_ARRAY_SIZE(want));
}

static void knowledge__chunk_code_prefers_closing_brace(void **state)
{
	struct kb_chunk_opts o = { 6, 10000, 0 };
	static const char code[] =
		"int a(void)\n" /* 1 */
		"{\n"           /* 2 */
		"\tx();\n"      /* 3 */
		"}\n"           /* 4 */
		"int b(void)\n" /* 5 */
		"{\n"           /* 6 */
		"\tq();\n"      /* 7 */
		"}\n";          /* 8 */
	/* One 8-line block, windows of 6: the first ends after a's closing brace, not mid-b. */
	static const struct span want[] = { { 1, 4, "int a(void)" }, { 5, 8, "int b(void)" } };

	SW_UNUSED(state);
	check_chunks(code, KB_KIND_CODE, &o, want, SW_ARRAY_SIZE(want));
}

static void knowledge__chunk_edge_cases(void **state)
{
	struct kb_chunks c = KB_CHUNKS_INIT;
	static const struct span crlf[] = { { 1, 2, "" } };
	static const struct span nonl[] = { { 2, 2, "" } };

	SW_UNUSED(state);
	kb_chunk_text(&c, "", 0, KB_KIND_TEXT, NULL);
	kb_chunk_text(&c, "\n\n  \n", 5, KB_KIND_MARKDOWN, NULL);
	assert_int_equal(c.nr, 0);
	check_chunks("a\r\nb\r\n", KB_KIND_TEXT, NULL, crlf, 1);
	check_chunks("\nlast", KB_KIND_TEXT, NULL, nonl, 1);
	assert_int_equal(kb_kind_for_path("a/README.md"), KB_KIND_MARKDOWN);
	assert_int_equal(kb_kind_for_path("src/x.c"), KB_KIND_CODE);
	assert_int_equal(kb_kind_for_path("Makefile"), KB_KIND_CODE);
	assert_int_equal(kb_kind_for_path("notes.txt"), KB_KIND_TEXT);
	assert_int_equal(kb_kind_for_path(".bashrc"), KB_KIND_TEXT);
}

/* ---- include / exclude ---- */

struct glob_case {
	const char *include; /* ';'-separated, "" for none */
	const char *exclude;
	const char *path;
	int want;
};

static const struct glob_case glob_cases[] = {
	{ "", "", "a/b/c.txt", 1 },
	{ "*.rs", "", "main.rs", 1 },
	{ "*.rs", "", "src/deep/lib.rs", 1 },        /* *.rs is **' '/ *.rs */
	{ "**/*.rs", "", "src/lib.rs", 1 },
	{ "*.rs", "", "src/lib.c", 0 },
	{ "src/*.c", "", "src/a.c", 1 },             /* a '/' anchors at the root */
	{ "src/*.c", "", "lib/src/a.c", 0 },
	{ "src/*.c", "", "src/x/a.c", 0 },
	{ "src/**", "", "src/x/a.c", 1 },
	{ "*.md;*.c", "", "doc/a.md", 1 },
	{ "*.md;*.c", "", "doc/a.h", 0 },
	{ "*.{md,txt}", "", "x/y.txt", 1 },
	{ "", "*.log", "a/b.log", 0 },
	{ "", "target/**", "target/debug/x.rs", 0 },
	{ "", "target/**", "src/target.rs", 1 },
	{ "*.rs", "target/**", "target/a.rs", 0 },   /* exclude wins */
	{ "*.rs", "tests/*", "tests/t.rs", 0 },
	{ "*.rs", "tests/*", "src/tests/t.rs", 1 },
	{ "", "node_modules", "node_modules", 0 },
	{ "", "build", "build", 0 },
};

static void split_into(struct sw_strvec *v, const char *list)
{
	sw_strvec_split(v, list, ';');
}

static void knowledge__include_exclude_table(void **state)
{
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(glob_cases); i++) {
		struct sw_strvec inc = SW_STRVEC_INIT, exc = SW_STRVEC_INIT;
		int got;

		split_into(&inc, glob_cases[i].include);
		split_into(&exc, glob_cases[i].exclude);
		got = kb_globs_select(&inc, &exc, glob_cases[i].path);
		if (got != glob_cases[i].want)
			fail_msg("include '%s' exclude '%s' path '%s': got %d, want %d", glob_cases[i].include,
				 glob_cases[i].exclude, glob_cases[i].path, got, glob_cases[i].want);
		sw_strvec_clear(&inc);
		sw_strvec_clear(&exc);
	}
}

static void walk_names(const char *root, const char *inc, const char *exc, size_t max, struct sw_buf *out,
		       int *rc)
{
	struct kb_walk_opts o = KB_WALK_OPTS_INIT;
	struct kb_walk w = KB_WALK_INIT;
	struct sw_strvec vi = SW_STRVEC_INIT, ve = SW_STRVEC_INIT;
	struct sw_error err = SW_ERROR_INIT;
	size_t i;

	split_into(&vi, inc);
	split_into(&ve, exc);
	o.root = root;
	o.include = &vi;
	o.exclude = &ve;
	o.max_files = max;
	sw_buf_reset(out);
	*rc = kb_walk_run(&w, &o, &err);
	for (i = 0; i < w.nr; i++)
		sw_buf_addf(out, "%s%s", i ? " " : "", w.v[i].rel);
	if (*rc < 0)
		sw_buf_addf(out, "error: %s", err.msg);
	kb_walk_release(&w);
	sw_strvec_clear(&vi);
	sw_strvec_clear(&ve);
}

static void knowledge__walk_skips_dot_ignored_and_excluded(void **state)
{
	char *dir = sw_test_tmpdir();
	struct sw_buf out = SW_BUF_INIT;
	int rc;

	SW_UNUSED(state);
	sw_test_write(dir, "a.md", "a\n");
	sw_test_write(dir, ".hidden.md", "h\n");
	sw_test_write(dir, ".git/config", "x\n");
	sw_test_write(dir, ".gitignore", "*.log\nout/\n");
	sw_test_write(dir, "x.log", "l\n");
	sw_test_write(dir, "out/gen.md", "g\n");
	sw_test_write(dir, "src/main.rs", "m\n");
	sw_test_write(dir, "src/.gitignore", "secret.rs\n");
	sw_test_write(dir, "src/secret.rs", "s\n");
	sw_test_write(dir, "src/deep/lib.rs", "l\n");
	sw_test_write(dir, "target/debug/t.rs", "t\n");
	walk_names(dir, "", "", 0, &out, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out.ptr, "a.md src/deep/lib.rs src/main.rs target/debug/t.rs");
	walk_names(dir, "*.rs", "target/**", 0, &out, &rc);
	assert_string_equal(out.ptr, "src/deep/lib.rs src/main.rs");
	walk_names(dir, "", "src", 0, &out, &rc);
	assert_string_equal(out.ptr, "a.md target/debug/t.rs");
	walk_names(dir, "", "", 3, &out, &rc);
	assert_int_equal(rc, SW_ETOOBIG);
	assert_non_null(strstr(out.ptr, "more than 3 files"));
	assert_non_null(strstr(out.ptr, "--max-files"));
	sw_buf_release(&out);
	sw_test_rmtree(dir);
	free(dir);
}

static void knowledge__walk_selects_matches_walk(void **state)
{
	char *dir = sw_test_tmpdir(), *sub = NULL;
	struct kb_walk_opts o = KB_WALK_OPTS_INIT;
	struct sw_strvec exc = SW_STRVEC_INIT;

	SW_UNUSED(state);
	sw_test_write(dir, ".gitignore", "*.tmp\n");
	sw_test_write(dir, "docs/a.md", "a\n");
	sub = sw_path_join(dir, "docs");
	sw_strvec_push(&exc, "drafts/**");
	o.root = sub;
	o.ignore_root = dir; /* the parent's .gitignore applies */
	o.exclude = &exc;
	assert_int_equal(kb_walk_selects(&o, "a.md"), 1);
	assert_int_equal(kb_walk_selects(&o, "b.tmp"), 0);
	assert_int_equal(kb_walk_selects(&o, ".a.md"), 0);
	assert_int_equal(kb_walk_selects(&o, "x/.y/a.md"), 0);
	assert_int_equal(kb_walk_selects(&o, "drafts/z.md"), 0);
	sw_strvec_clear(&exc);
	sw_test_rmtree(dir);
	free(sub);
	free(dir);
}

/* ---- the database ---- */

struct ws {
	char *root;
	struct kb_db *db;
	struct sw_error err;
};

static void ws_open(struct ws *w)
{
	w->root = sw_test_tmpdir();
	sw_error_clear(&w->err);
	sw_test_write(w->root, ".kiro/steering/x.md", "x\n");
	assert_sw_ok(kb_open(&w->db, w->root, 0, &w->err), &w->err);
}

static void ws_close(struct ws *w)
{
	kb_close(w->db);
	sw_test_rmtree(w->root);
	free(w->root);
}

static int add_kb(struct ws *w, const char *name, const char *path, struct kb_stats *st,
		  const struct kb_index_opts *o)
{
	struct kb_spec s = KB_SPEC_INIT;
	char *abs = sw_path_join(w->root, path);
	int rc;

	s.name = name;
	s.path = abs;
	rc = kb_add(w->db, &s, o, st, &w->err);
	free(abs);
	return rc;
}

/* The hits of @q as "path:start-end" joined by spaces. */
static char *search_str(struct ws *w, const char *q, const char *kb)
{
	struct kb_query query = KB_QUERY_INIT;
	struct kb_hits h = KB_HITS_INIT;
	struct sw_buf b = SW_BUF_INIT;
	size_t i;

	query.text = q;
	query.kb = kb;
	query.limit = 20;
	assert_sw_ok(kb_search(w->db, &query, &h, &w->err), &w->err);
	for (i = 0; i < h.nr; i++)
		sw_buf_addf(&b, "%s%s:%d-%d", i ? " " : "", h.v[i].path, h.v[i].start_line, h.v[i].end_line);
	kb_hits_release(&h);
	return sw_buf_detach(&b, NULL);
}

#define assert_search(w, q, kb, want)                   \
	do {                                            \
		char *got_ = search_str((w), (q), (kb)); \
		assert_string_equal(got_, (want));      \
		free(got_);                             \
	} while (0)

static void write_bytes(const char *root, const char *rel, const char *data, size_t n)
{
	char *p = sw_path_join(root, rel);
	FILE *fp = fopen(p, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
	free(p);
}

/* Moves a file's mtime into the past so a rewrite of the same size is seen as a change. */
static void write_later(const char *root, const char *rel, const char *text)
{
	char *p = sw_path_join(root, rel);
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	sw_test_write(root, rel, text);
	(void)utimensat(AT_FDCWD, p, ts, 0);
	free(p);
}

static void knowledge__add_search_and_spans(void **state)
{
	struct ws w;
	struct kb_stats st;
	struct kb_query q = KB_QUERY_INIT;
	struct kb_hits h = KB_HITS_INIT;

	SW_UNUSED(state);
	ws_open(&w);
	sw_test_write(w.root, "docs/guide.md", "# Guide\n\nIntro.\n\n## Install\n\nUse the zebra installer.\n");
	sw_test_write(w.root, "docs/api.md", "# API\n\nThe zebra_open call opens a zebra.\n");
	write_bytes(w.root, "docs/blob.bin", "a\0b", 3);
	assert_sw_ok(add_kb(&w, "docs", "docs", &st, NULL), &w.err);
	assert_int_equal(st.files_new, 2);
	assert_int_equal(st.skipped_binary, 1);
	assert_search(&w, "installer", NULL, "docs/guide.md:5-7");
	/* Porter stemming: "installing" finds "installer"'s stem only if it shares it; "opens" finds "open". */
	assert_search(&w, "opening", NULL, "docs/api.md:1-3");
	/* Path and heading weigh more: "guide" is in the path and heading of guide.md only. */
	assert_search(&w, "guide", NULL, "docs/guide.md:1-3 docs/guide.md:5-7");
	q.text = "zebra";
	assert_sw_ok(kb_search(w.db, &q, &h, &w.err), &w.err);
	assert_int_equal(h.nr, 2);
	assert_true(h.v[0].score >= h.v[1].score);
	assert_true(h.v[0].nspans >= 1);
	for (size_t i = 0; i < h.v[0].nspans; i++) {
		const struct kb_span *s = &h.v[0].spans[i];

		assert_true(s->end > s->start);
		assert_int_equal(strncasecmp(h.v[0].snippet + s->start, "zebra", 5), 0);
	}
	assert_string_equal(h.v[0].kb, "docs");
	kb_hits_release(&h);
	/* All words first, then any word. */
	assert_search(&w, "zebra installer", NULL, "docs/guide.md:5-7");
	assert_search(&w, "installer nosuchword", NULL, "docs/guide.md:5-7");
	ws_close(&w);
}

static void knowledge__incremental_edit_rename_delete(void **state)
{
	struct ws w;
	struct kb_stats st;
	struct kb_list l = KB_LIST_INIT;

	SW_UNUSED(state);
	ws_open(&w);
	sw_test_write(w.root, "kb/a.md", "# A\nalpha words\n");
	sw_test_write(w.root, "kb/b.md", "# B\nbravo words\n");
	sw_test_write(w.root, "kb/c.md", "# C\ncharlie words\n");
	assert_sw_ok(add_kb(&w, "k", "kb", &st, NULL), &w.err);
	assert_int_equal(st.files_new, 3);

	/* Nothing changed: nothing read again. */
	assert_sw_ok(kb_update(w.db, "k", NULL, &st, &w.err), &w.err);
	assert_int_equal(st.files_unchanged, 3);
	assert_int_equal(st.files_new + st.files_changed + st.files_deleted, 0);

	/* Edit a, rename b to d, delete c. */
	write_later(w.root, "kb/a.md", "# A\nalpha delta\n\nmore\n");
	{
		char *from = sw_path_join(w.root, "kb/b.md"), *to = sw_path_join(w.root, "kb/d.md");

		assert_int_equal(rename(from, to), 0);
		free(from);
		free(to);
	}
	{
		char *c = sw_path_join(w.root, "kb/c.md");

		assert_int_equal(unlink(c), 0);
		free(c);
	}
	assert_sw_ok(kb_update(w.db, "k", NULL, &st, &w.err), &w.err);
	assert_int_equal(st.files_changed, 1);
	assert_int_equal(st.files_new, 1);
	assert_int_equal(st.files_deleted, 2);
	assert_int_equal(st.files_unchanged, 0);
	assert_search(&w, "delta", NULL, "kb/a.md:1-4");
	assert_search(&w, "bravo", NULL, "kb/d.md:1-2");
	assert_search(&w, "charlie", NULL, "");
	assert_search(&w, "words", NULL, "kb/d.md:1-2");

	/* Touched but identical: the hash says unchanged. */
	write_later(w.root, "kb/d.md", "# B\nbravo words\n");
	assert_sw_ok(kb_update(w.db, NULL, NULL, &st, &w.err), &w.err);
	assert_int_equal(st.files_unchanged, 2);
	assert_int_equal(st.chunks_added, 0);

	assert_sw_ok(kb_list(w.db, &l, &w.err), &w.err);
	assert_int_equal(l.nr, 1);
	assert_int_equal(l.v[0].files, 2);
	assert_string_equal(l.v[0].path, "kb");
	kb_list_release(&l);
	ws_close(&w);
}

static void knowledge__index_one_file(void **state)
{
	struct ws w;
	size_t touched = 9;
	char *abs;

	SW_UNUSED(state);
	ws_open(&w);
	sw_test_write(w.root, "kb/a.md", "# A\nalpha\n");
	assert_sw_ok(add_kb(&w, "k", "kb", NULL, NULL), &w.err);
	write_later(w.root, "kb/a.md", "# A\nomega\n");
	assert_sw_ok(kb_index_file(w.db, "kb/a.md", NULL, &touched, &w.err), &w.err);
	assert_int_equal(touched, 1);
	assert_search(&w, "omega", NULL, "kb/a.md:1-2");
	assert_search(&w, "alpha", NULL, "");
	/* A new file, by absolute path. */
	sw_test_write(w.root, "kb/n.md", "new words\n");
	abs = sw_path_join(w.root, "kb/n.md");
	assert_sw_ok(kb_index_file(w.db, abs, NULL, &touched, &w.err), &w.err);
	assert_int_equal(touched, 1);
	assert_search(&w, "new", NULL, "kb/n.md:1-1");
	/* Deleted: dropped. */
	assert_int_equal(unlink(abs), 0);
	assert_sw_ok(kb_index_file(w.db, abs, NULL, &touched, &w.err), &w.err);
	assert_int_equal(touched, 1);
	assert_search(&w, "new", NULL, "");
	/* Outside every knowledge base, or a dot-file: not an error, nothing touched. */
	sw_test_write(w.root, "other.md", "x\n");
	assert_sw_ok(kb_index_file(w.db, "other.md", NULL, &touched, &w.err), &w.err);
	assert_int_equal(touched, 0);
	sw_test_write(w.root, "kb/.h.md", "hidden\n");
	assert_sw_ok(kb_index_file(w.db, "kb/.h.md", NULL, &touched, &w.err), &w.err);
	assert_int_equal(touched, 0);
	free(abs);
	ws_close(&w);
}

static void knowledge__skips_and_truncates_with_counts(void **state)
{
	struct ws w;
	struct kb_stats st;
	struct kb_index_opts o = KB_INDEX_OPTS_INIT;
	struct sw_buf big = SW_BUF_INIT;
	int i;

	SW_UNUSED(state);
	ws_open(&w);
	sw_test_write(w.root, "kb/latin1.txt", "caf\xe9 au lait\n");
	sw_test_write(w.root, "kb/overlong.txt", "\xc0\xaf\n");
	sw_test_write(w.root, "kb/ok.txt", "caf\xc3\xa9 ok\n");
	for (i = 0; i < 200; i++)
		sw_buf_addf(&big, "line %d of a big file\n", i);
	sw_buf_adds(&big, "tailword\n");
	sw_test_write(w.root, "kb/big.txt", big.ptr);
	o.max_file_bytes = 1000;
	assert_sw_ok(add_kb(&w, "k", "kb", &st, &o), &w.err);
	assert_int_equal(st.skipped_non_utf8, 2);
	assert_int_equal(st.truncated, 1);
	assert_int_equal(st.files_new, 2);
	assert_search(&w, "caf\xc3\xa9", NULL, "kb/ok.txt:1-1");
	assert_search(&w, "tailword", NULL, "");
	sw_buf_release(&big);
	ws_close(&w);
}

static void knowledge__fts_syntax_errors_reported(void **state)
{
	static const char *const bad[] = { "\"unterminated", "foo AND", "NEAR(a b", "(x OR", "a NOT" };
	struct ws w;
	struct kb_query q = KB_QUERY_INIT;
	struct kb_hits h = KB_HITS_INIT;
	size_t i;

	SW_UNUSED(state);
	ws_open(&w);
	sw_test_write(w.root, "kb/a.md", "alpha beta\n");
	assert_sw_ok(add_kb(&w, "k", "kb", NULL, NULL), &w.err);
	for (i = 0; i < SW_ARRAY_SIZE(bad); i++) {
		q.text = bad[i];
		assert_int_equal(kb_search(w.db, &q, &h, &w.err), SW_EINVAL);
		assert_non_null(strstr(w.err.msg, "invalid search query"));
		assert_int_equal(h.nr, 0);
	}
	q.text = "+++";
	assert_int_equal(kb_search(w.db, &q, &h, &w.err), SW_EINVAL);
	/* Valid FTS5 syntax is used as written; punctuation in plain words is harmless. */
	assert_search(&w, "\"alpha beta\"", NULL, "kb/a.md:1-1");
	assert_search(&w, "alp*", NULL, "kb/a.md:1-1");
	assert_search(&w, "alpha NOT beta", NULL, "");
	assert_search(&w, "alpha(beta);", NULL, "kb/a.md:1-1");
	ws_close(&w);
}

static void knowledge__corrupt_database_is_a_clear_error(void **state)
{
	struct ws w;
	struct kb_db *db = NULL;
	char *path;

	SW_UNUSED(state);
	ws_open(&w);
	path = sw_xstrdup(kb_db_path(w.db));
	kb_close(w.db);
	w.db = NULL;
	sw_test_write(w.root, ".kiro/knowledge.db", "this is not an SQLite database, just text that is long enough"
						   " to fill a header page........................................\n");
	{
		char *wal = NULL, *shm = NULL;
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_addf(&b, "%s-wal", path);
		wal = sw_buf_detach(&b, NULL);
		sw_buf_addf(&b, "%s-shm", path);
		shm = sw_buf_detach(&b, NULL);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	assert_int_equal(kb_open(&db, w.root, 0, &w.err), SW_EPROTO);
	assert_null(db);
	assert_non_null(strstr(w.err.msg, "not a usable knowledge database"));
	assert_non_null(strstr(w.err.msg, "knowledge.db"));
	free(path);
	ws_close(&w);
}

static void knowledge__remove_clear_and_names(void **state)
{
	struct ws w;
	struct kb_info info;
	char *name = NULL;

	SW_UNUSED(state);
	ws_open(&w);
	sw_test_write(w.root, "a/x.md", "apple\n");
	sw_test_write(w.root, "b/y.md", "banana\n");
	assert_sw_ok(add_kb(&w, "first", "a", NULL, NULL), &w.err);
	assert_sw_ok(add_kb(&w, "second", "b", NULL, NULL), &w.err);
	assert_int_equal(add_kb(&w, "first", "b", NULL, NULL), SW_ECONFLICT);
	assert_int_equal(add_kb(&w, "42", "b", NULL, NULL), SW_EINVAL);
	assert_int_equal(add_kb(&w, "third", "missing", NULL, NULL), SW_ENOTFOUND);
	/* By path. */
	assert_sw_ok(kb_get(w.db, "b", &info, &w.err), &w.err);
	assert_string_equal(info.name, "second");
	kb_info_release(&info);
	assert_search(&w, "banana", "second", "b/y.md:1-1");
	assert_search(&w, "banana", "first", "");
	assert_sw_ok(kb_remove(w.db, "1", &name, &w.err), &w.err); /* by id */
	assert_string_equal(name, "first");
	free(name);
	assert_search(&w, "apple", NULL, "");
	assert_int_equal(kb_remove(w.db, "first", NULL, &w.err), SW_ENOTFOUND);
	assert_int_equal(kb_clear(w.db, &w.err), 1);
	assert_search(&w, "banana", NULL, "");
	/* The FTS table works again after a clear. */
	assert_sw_ok(add_kb(&w, "again", "b", NULL, NULL), &w.err);
	assert_search(&w, "banana", NULL, "b/y.md:1-1");
	ws_close(&w);
}

static int stop_after_two(const struct kb_progress *p, void *data)
{
	SW_UNUSED(data);
	return p->files_done >= 2;
}

static void knowledge__cancel_keeps_a_consistent_index(void **state)
{
	struct ws w;
	struct kb_index_opts o = KB_INDEX_OPTS_INIT;
	struct kb_stats st;
	struct kb_list l = KB_LIST_INIT;

	SW_UNUSED(state);
	ws_open(&w);
	sw_test_write(w.root, "kb/1.md", "one\n");
	sw_test_write(w.root, "kb/2.md", "two\n");
	sw_test_write(w.root, "kb/3.md", "three\n");
	sw_test_write(w.root, "kb/4.md", "four\n");
	o.progress = stop_after_two;
	assert_int_equal(add_kb(&w, "k", "kb", &st, &o), SW_ECANCELED);
	assert_non_null(strstr(w.err.msg, "knowledge update k"));
	assert_sw_ok(kb_list(w.db, &l, &w.err), &w.err);
	assert_int_equal(l.nr, 1);
	assert_int_equal(l.v[0].files, 2);
	kb_list_release(&l);
	assert_search(&w, "two", NULL, "kb/2.md:1-1");
	assert_sw_ok(kb_update(w.db, "k", NULL, &st, &w.err), &w.err);
	assert_int_equal(st.files_new, 2);
	assert_int_equal(st.files_unchanged, 2);
	assert_search(&w, "four", NULL, "kb/4.md:1-1");
	ws_close(&w);
}

/* ---- best: an embedding double ---- */

/* A bag-of-letters embedding: texts sharing letters point the same way. */
static int fake_embed(void *self, const char *const *texts, size_t n, float **out, size_t *dim,
		      struct sw_error *err)
{
	size_t i;

	SW_UNUSED(err);
	(*(int *)self)++;
	*dim = 26;
	*out = sw_xcalloc(n * 26, sizeof(float));
	for (i = 0; i < n; i++)
		for (const char *p = texts[i]; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				(*out)[i * 26 + (size_t)(*p - 'a')] += 1;
	return 0;
}

static void knowledge__best_needs_an_embedder_and_fuses(void **state)
{
	struct ws w;
	int calls = 0;
	struct kb_embedder e = { "fake-letters", fake_embed, &calls };
	struct kb_index_opts o = KB_INDEX_OPTS_INIT;
	struct kb_spec s = KB_SPEC_INIT;
	struct kb_stats st;
	struct kb_query q = KB_QUERY_INIT;
	struct kb_hits h = KB_HITS_INIT;
	char *abs;

	SW_UNUSED(state);
	ws_open(&w);
	sw_test_write(w.root, "kb/a.md", "zzz zzz zzz\n");
	sw_test_write(w.root, "kb/b.md", "apple banana\n");
	abs = sw_path_join(w.root, "kb");
	s.name = "k";
	s.path = abs;
	s.index_type = KB_INDEX_BEST;
	/* No provider: a clear failure, and nothing added. */
	assert_int_equal(kb_add(w.db, &s, &o, &st, &w.err), SW_EINVAL);
	assert_non_null(strstr(w.err.msg, "embedding provider"));
	assert_int_equal(kb_get(w.db, "k", &(struct kb_info){ 0 }, &w.err), SW_ENOTFOUND);
	o.embedder = &e;
	assert_sw_ok(kb_add(w.db, &s, &o, &st, &w.err), &w.err);
	assert_int_equal(st.embedded, 2);
	/* Searching a best knowledge base without a provider fails too. */
	q.text = "zzz";
	assert_int_equal(kb_search(w.db, &q, &h, &w.err), SW_EINVAL);
	q.embedder = &e;
	q.limit = 2;
	/* "zzzz" has no BM25 hit but its vector points at a.md. */
	q.text = "zzzz";
	assert_sw_ok(kb_search(w.db, &q, &h, &w.err), &w.err);
	assert_true(h.fused);
	assert_true(h.nr >= 1);
	assert_string_equal(h.v[0].path, "kb/a.md");
	assert_int_equal(h.v[0].start_line, 1);
	assert_non_null(strstr(h.v[0].snippet, "zzz"));
	kb_hits_release(&h);
	/* Both rankings agree on b.md for "banana". */
	q.text = "banana";
	assert_sw_ok(kb_search(w.db, &q, &h, &w.err), &w.err);
	assert_string_equal(h.v[0].path, "kb/b.md");
	assert_true(h.v[0].nspans == 1);
	kb_hits_release(&h);
	/* Another model: every chunk is embedded again by the next update. */
	e.model = "fake-letters-2";
	assert_sw_ok(kb_update(w.db, "k", &o, &st, &w.err), &w.err);
	assert_int_equal(st.embedded, 2);
	free(abs);
	ws_close(&w);
}

static void knowledge__resource_objects(void **state)
{
	static const char good[] = "{\"type\":\"knowledgeBase\",\"source\":\"file://./docs\",\"name\":\"Docs\","
				   "\"description\":\"d\",\"indexType\":\"fast\",\"autoUpdate\":true}";
	static const char def[] = "{\"type\":\"knowledgeBase\",\"source\":\"file:///abs/x\",\"name\":\"X\"}";
	static const char bad_src[] = "{\"type\":\"knowledgeBase\",\"source\":\"docs\",\"name\":\"X\"}";
	static const char bad_type[] = "{\"type\":\"knowledgeBase\",\"source\":\"file://d\",\"name\":\"X\","
				       "\"indexType\":\"slow\"}";
	static const char no_name[] = "{\"type\":\"knowledgeBase\",\"source\":\"file://d\"}";
	struct kb_spec s;
	struct sw_error err = SW_ERROR_INIT;
	cJSON *j = NULL;
	char *path = NULL;
	struct ws w;
	int added = 0;

	SW_UNUSED(state);
	assert_sw_ok(sw_json_parse(&j, good, strlen(good), &err), &err);
	assert_sw_ok(kb_spec_from_resource(&s, &path, j, "$.resources[1]", "/ws", &err), &err);
	assert_string_equal(s.name, "Docs");
	assert_string_equal(path, "/ws/docs");
	assert_int_equal(s.index_type, KB_INDEX_FAST);
	assert_int_equal(s.auto_update, 1);
	assert_string_equal(s.description, "d");
	free(path);
	cJSON_Delete(j);
	assert_sw_ok(sw_json_parse(&j, def, strlen(def), &err), &err);
	assert_sw_ok(kb_spec_from_resource(&s, &path, j, "$.resources[0]", "/ws", &err), &err);
	assert_string_equal(path, "/abs/x");
	assert_int_equal(s.index_type, KB_INDEX_BEST); /* Kiro's default */
	free(path);
	cJSON_Delete(j);
	assert_sw_ok(sw_json_parse(&j, bad_src, strlen(bad_src), &err), &err);
	assert_int_equal(kb_spec_from_resource(&s, &path, j, "$.resources[0]", "/ws", &err), SW_EINVAL);
	assert_non_null(strstr(err.msg, "$.resources[0].source"));
	cJSON_Delete(j);
	assert_sw_ok(sw_json_parse(&j, bad_type, strlen(bad_type), &err), &err);
	assert_int_equal(kb_spec_from_resource(&s, &path, j, "$.resources[0]", "/ws", &err), SW_EINVAL);
	assert_non_null(strstr(err.msg, "indexType"));
	cJSON_Delete(j);
	assert_sw_ok(sw_json_parse(&j, no_name, strlen(no_name), &err), &err);
	assert_int_equal(kb_spec_from_resource(&s, &path, j, "$.resources[0]", "/ws", &err), SW_EINVAL);
	assert_non_null(strstr(err.msg, "name"));
	cJSON_Delete(j);

	/* The agent loader's parsed form gives the same spec. */
	{
		struct kiro_agent_resource r;

		memset(&r, 0, sizeof(r));
		r.kind = KIRO_RESOURCE_KNOWLEDGE_BASE;
		r.uri = (char *)"file://./docs";
		r.path = (char *)"./docs";
		r.name = (char *)"Docs";
		r.index_best = 0;
		r.auto_update = 1;
		assert_sw_ok(kb_spec_from_agent_resource(&s, &path, &r, "/ws", &err), &err);
		assert_string_equal(path, "/ws/docs");
		assert_string_equal(s.name, "Docs");
		assert_int_equal(s.index_type, KB_INDEX_FAST);
		assert_int_equal(s.auto_update, 1);
		free(path);
		r.kind = KIRO_RESOURCE_FILE;
		assert_int_equal(kb_spec_from_agent_resource(&s, &path, &r, "/ws", &err), SW_EINVAL);
	}

	/* kb_ensure adds once, then updates only with autoUpdate. */
	ws_open(&w);
	sw_test_write(w.root, "docs/a.md", "ensure me\n");
	assert_sw_ok(sw_json_parse(&j, good, strlen(good), &err), &err);
	assert_sw_ok(kb_spec_from_resource(&s, &path, j, "$", w.root, &err), &err);
	assert_sw_ok(kb_ensure(w.db, &s, NULL, &added, NULL, &w.err), &w.err);
	assert_int_equal(added, 1);
	assert_sw_ok(kb_ensure(w.db, &s, NULL, &added, NULL, &w.err), &w.err);
	assert_int_equal(added, 0);
	assert_search(&w, "ensure", "Docs", "docs/a.md:1-1");
	free(path);
	cJSON_Delete(j);
	ws_close(&w);
}

static cJSON *tool(struct ws *w, const char *json, int want_rc)
{
	cJSON *args = NULL, *out = NULL;
	int rc;

	assert_sw_ok(sw_json_parse(&args, json, strlen(json), &w->err), &w->err);
	rc = kb_tool_run(w->db, args, NULL, &out, &w->err);
	cJSON_Delete(args);
	if (rc != want_rc)
		fail_msg("%s -> %d (%s), want %d", json, rc, w->err.msg, want_rc);
	if (rc == 0)
		assert_true(cJSON_IsString(cJSON_GetObjectItem(out, "text")));
	return out;
}

static void knowledge__tool_commands(void **state)
{
	struct ws w;
	cJSON *o, *schema = NULL;
	const cJSON *r;
	struct sw_error err = SW_ERROR_INIT;

	SW_UNUSED(state);
	ws_open(&w);
	assert_sw_ok(sw_json_parse(&schema, kb_tool_input_schema(), strlen(kb_tool_input_schema()), &err), &err);
	cJSON_Delete(schema);
	sw_test_write(w.root, "docs/a.md", "# A\n\nthe platypus lives here\n");
	o = tool(&w, "{\"command\":\"add\",\"name\":\"docs\",\"value\":\"docs\"}", 0);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "stats"), "new")->valueint, 1);
	cJSON_Delete(o);
	o = tool(&w, "{\"command\":\"search\",\"query\":\"platypus\",\"context_id\":\"docs\"}", 0);
	r = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "results"), 0);
	assert_string_equal(cJSON_GetObjectItem(r, "path")->valuestring, "docs/a.md");
	assert_int_equal(cJSON_GetObjectItem(r, "start_line")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(r, "end_line")->valueint, 3);
	assert_non_null(strstr(cJSON_GetObjectItem(o, "text")->valuestring, "docs/a.md:1-3"));
	cJSON_Delete(o);
	o = tool(&w, "{\"command\":\"show\"}", 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "knowledge_bases")), 1);
	cJSON_Delete(o);
	write_later(w.root, "docs/a.md", "# A\n\nthe echidna lives here\n");
	o = tool(&w, "{\"command\":\"update\",\"path\":\"docs/a.md\"}", 0);
	assert_int_equal(cJSON_GetObjectItem(o, "knowledge_bases")->valueint, 1);
	cJSON_Delete(o);
	o = tool(&w, "{\"command\":\"search\",\"query\":\"echidna\"}", 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "results")), 1);
	cJSON_Delete(o);
	tool(&w, "{\"command\":\"search\",\"query\":7}", SW_EINVAL);
	assert_non_null(strstr(w.err.msg, "$.query"));
	tool(&w, "{\"command\":\"fly\"}", SW_EINVAL);
	assert_non_null(strstr(w.err.msg, "$.command"));
	tool(&w, "{\"command\":\"search\",\"query\":\"a AND\"}", SW_EINVAL);
	tool(&w, "{\"command\":\"add\",\"name\":\"x\"}", SW_EINVAL);
	cJSON_Delete(tool(&w, "{\"command\":\"cancel\"}", 0));
	cJSON_Delete(tool(&w, "{\"command\":\"status\"}", 0));
	o = tool(&w, "{\"command\":\"remove\",\"context_id\":\"docs\"}", 0);
	assert_string_equal(cJSON_GetObjectItem(o, "removed")->valuestring, "docs");
	cJSON_Delete(o);
	ws_close(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(knowledge__chunk_markdown_sections),
		cmocka_unit_test(knowledge__chunk_paragraphs_packed_within_bounds),
		cmocka_unit_test(knowledge__chunk_code_blocks_and_overlap),
		cmocka_unit_test(knowledge__chunk_code_prefers_closing_brace),
		cmocka_unit_test(knowledge__chunk_edge_cases),
		cmocka_unit_test(knowledge__include_exclude_table),
		cmocka_unit_test(knowledge__walk_skips_dot_ignored_and_excluded),
		cmocka_unit_test(knowledge__walk_selects_matches_walk),
		cmocka_unit_test(knowledge__add_search_and_spans),
		cmocka_unit_test(knowledge__incremental_edit_rename_delete),
		cmocka_unit_test(knowledge__index_one_file),
		cmocka_unit_test(knowledge__skips_and_truncates_with_counts),
		cmocka_unit_test(knowledge__fts_syntax_errors_reported),
		cmocka_unit_test(knowledge__corrupt_database_is_a_clear_error),
		cmocka_unit_test(knowledge__remove_clear_and_names),
		cmocka_unit_test(knowledge__cancel_keeps_a_consistent_index),
		cmocka_unit_test(knowledge__best_needs_an_embedder_and_fuses),
		cmocka_unit_test(knowledge__resource_objects),
		cmocka_unit_test(knowledge__tool_commands),
	};
	return sw_run_group("knowledge", tests);
}
