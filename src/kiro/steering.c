/* SPDX-License-Identifier: Apache-2.0 */
/*
 * steering.c - loading steering documents and explaining their inclusion.
 *
 * fileMatchPattern globs are matched against workspace-relative paths with
 * gitignore semantics: a pattern without '/' matches a file name at any
 * depth ("*.tsx" matches "src/a.tsx"), "**" spans folders, "{a,b}" picks
 * alternatives.  The comma warning needs to know whether the whole string
 * matches any file, so the workspace is walked once, lazily, skipping dot
 * folders and node_modules and stopping after STEERING_WALK_MAX files.
 */
#include "base/compat.h"
#include "kiro/steering.h"
#include "base/contain.h"
#include "base/fs.h"
#include "base/glob.h"
#include "base/json.h"
#include "kiro/workspace.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>

#define STEERING_FILE_MAX (8u << 20)  /* one steering document */
#define STEERING_WALK_MAX 50000       /* files looked at for the comma check */

const char *kiro_inclusion_name(enum kiro_inclusion i)
{
	switch (i) {
	case KIRO_INCLUDE_FILEMATCH:
		return "fileMatch";
	case KIRO_INCLUDE_MANUAL:
		return "manual";
	case KIRO_INCLUDE_AUTO:
		return "auto";
	case KIRO_INCLUDE_ALWAYS:
	default:
		return "always";
	}
}

void kiro_steering_doc_free(struct kiro_steering_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	free(doc->name);
	free(doc->path);
	free(doc->rel);
	free(doc->inclusion_raw);
	sw_strvec_clear(&doc->patterns);
	free(doc->fm_name);
	free(doc->description);
	kiro_fm_release(&doc->fm);
	sw_buf_release(&doc->text);
	for (i = 0; i < doc->refs_nr; i++) {
		free(doc->refs[i].target);
		free(doc->refs[i].error);
	}
	free(doc->refs);
	free(doc->overrides);
	free(doc);
}

void kiro_steering_release(struct kiro_steering *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nr; i++)
		kiro_steering_doc_free(st->v[i]);
	free(st->v);
	st->v = NULL;
	st->nr = st->alloc = 0;
}

int kiro_steering_pattern_has_comma(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '{')
			depth++;
		else if (*p == '}' && depth > 0)
			depth--;
		else if (*p == ',' && depth == 0)
			return 1;
	}
	return 0;
}

/* Scalar text of a front matter value, or NULL (and a diagnostic) when it is not a scalar. */
static const char *scalar(const struct kiro_fm_node *n, const char *key, const char *rel,
			  struct sw_diags *d)
{
	if (!n)
		return NULL;
	if (n->kind == KIRO_FM_SCALAR)
		return n->value;
	sw_diag_add(d, SW_SEV_WARNING, "steering-field", rel, n->line, n->col,
		    "'%s' should be a single value, found a %s; ignored", key, kiro_fm_type_name(n));
	return NULL;
}

/* 1 if @s is a V3 line suffix "N" or "N-M"; sets *@from and *@to. */
static int line_suffix(const char *s, int *from, int *to)
{
	char *end;
	long a, b;

	if (!isdigit((unsigned char)*s))
		return 0;
	a = strtol(s, &end, 10);
	b = a;
	if (*end == '-') {
		if (!isdigit((unsigned char)end[1]))
			return 0;
		b = strtol(end + 1, &end, 10);
	}
	if (*end || a < 1 || b < a || b > INT_MAX)
		return 0;
	*from = (int)a;
	*to = (int)b;
	return 1;
}

/*
 * Checks reference target @t against the workspace @in: 0 if it is there,
 * else the SW_E* code with *@error (caller frees) saying why.
 */
static int check_target(const struct sw_inside *in, const char *t, int folder, char **error)
{
	struct sw_error e = SW_ERROR_INIT;
	char *real = NULL;
	int rc;

	*error = NULL;
	if ((rc = sw_inside_resolve(&real, in, t, &e)) < 0) {
		*error = sw_xstrdup(e.msg);
		return rc;
	}
	if (folder && !sw_is_dir(real)) {
		struct sw_buf b = SW_BUF_INIT;

		sw_buf_addf(&b, "'%s' is not a folder", t);
		*error = sw_buf_detach(&b, NULL);
		rc = SW_EINVAL;
	}
	free(real);
	return rc;
}

static void add_ref(struct kiro_steering_doc *doc, const char *target, size_t n, int folder, int line,
		    int col, const struct sw_inside *in)
{
	struct kiro_steering_ref *r;
	char *t = sw_xstrndup(target, n);
	int rc;

	SW_ALLOC_GROW(doc->refs, doc->refs_nr + 1, doc->refs_alloc);
	r = &doc->refs[doc->refs_nr++];
	memset(r, 0, sizeof(*r));
	r->folder = folder;
	r->line = line;
	r->col = col;
	r->found = 1;
	if (in && (rc = check_target(in, t, folder, &r->error)) < 0) {
		char *c = strrchr(t, ':');
		int from, to;

		r->found = 0;
		/* V3 line suffixes: "path:12" or "path:12-20". */
		if (!folder && rc == SW_ENOTFOUND && c && line_suffix(c + 1, &from, &to)) {
			char *error = NULL;

			*c = '\0';
			rc = check_target(in, t, 0, &error);
			if (rc == SW_ENOTFOUND) {
				*c = ':';
				free(error);
			} else {
				/* the file of the range: there, or refused for its own reason */
				free(r->error);
				r->error = error;
				r->found = rc == 0;
				r->from = from;
				r->to = to;
			}
		}
	}
	r->target = t;
}

/* Finds #[[file:...]] and #[[folder:...]] outside fenced code blocks. */
static void scan_refs(struct kiro_steering_doc *doc, size_t body_off, const struct sw_inside *in)
{
	const char *text = doc->text.ptr, *p = text + body_off, *end = text + doc->text.len;
	int fence = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *q, *s;
		const char *lend = eol ? eol : end;
		const char *t = p;

		while (t < lend && (*t == ' ' || *t == '\t'))
			t++;
		if (lend - t >= 3 && (!memcmp(t, "```", 3) || !memcmp(t, "~~~", 3))) {
			fence = !fence;
			goto next;
		}
		if (fence)
			goto next;
		for (q = p; q + 3 < lend && (s = memmem(q, (size_t)(lend - q), "#[[", 3)); q = s + 3) {
			const char *body = s + 3, *close = memmem(body, (size_t)(lend - body), "]]", 2);
			int folder;
			size_t skip;
			int line, col;

			if (!close)
				break;
			if (!strncmp(body, "file:", 5)) {
				folder = 0;
				skip = 5;
			} else if (!strncmp(body, "folder:", 7)) {
				folder = 1;
				skip = 7;
			} else {
				continue;
			}
			sw_text_position(text, (size_t)(s - text), &line, &col);
			{
				const char *ts = body + skip, *te = close;

				while (ts < te && *ts == ' ')
					ts++;
				while (te > ts && te[-1] == ' ')
					te--;
				add_ref(doc, ts, (size_t)(te - ts), folder, line, col, in);
				doc->refs[doc->refs_nr - 1].off = (size_t)(s - text);
				doc->refs[doc->refs_nr - 1].len = (size_t)(close + 2 - s);
			}
		}
next:
		p = eol ? eol + 1 : end;
	}
}

void kiro_steering_parse(struct kiro_steering_doc **out, const char *name, const char *path, const char *rel,
			 enum kiro_steering_scope scope, const char *text, size_t len, const char *root,
			 struct sw_diags *d)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_inside ws = SW_INSIDE_INIT;
	const struct sw_inside *in = NULL;
	struct kiro_steering_doc *doc = sw_xcalloc(1, sizeof(*doc));
	struct sw_strvec init = SW_STRVEC_INIT;
	struct kiro_fm init_fm = KIRO_FM_INIT;
	const struct kiro_fm_pair *pair;
	const struct kiro_fm_node *n;
	const char *v;
	size_t i;

	doc->patterns = init;
	doc->fm = init_fm;
	sw_buf_init(&doc->text, 0);
	doc->name = sw_xstrdup(name);
	doc->path = sw_xstrdup(path);
	doc->rel = sw_xstrdup(rel);
	doc->scope = scope;
	doc->inclusion = KIRO_INCLUDE_ALWAYS;
	sw_buf_add(&doc->text, text, len);
	*out = doc;
	if (root && sw_inside_init(&ws, root, "the workspace", NULL) == 0)
		in = &ws;
	if (scope == KIRO_STEERING_AGENTS_MD) {
		scan_refs(doc, 0, in);
		goto refs;
	}
	if (kiro_fm_parse(&doc->fm, doc->text.ptr, doc->text.len, &err) < 0) {
		struct sw_diag *dg = sw_diag_add(d, SW_SEV_ERROR, "steering-frontmatter", rel, err.line, err.col,
						 "%s; the document is not loaded", err.msg);

		sw_diag_set_hint(dg, "fix the front matter (or remove it: without one the document is always included)");
		doc->rejected = 1;
		goto out;
	}
	pair = kiro_fm_pair(doc->fm.root, "inclusion");
	if (pair) {
		doc->inclusion_line = pair->value->line;
		doc->inclusion_col = pair->value->col;
		v = scalar(pair->value, "inclusion", rel, d);
		doc->inclusion_raw = sw_xstrdup(v ? v : "");
		if (v && !strcmp(v, "always")) {
			doc->inclusion = KIRO_INCLUDE_ALWAYS;
		} else if (v && !strcmp(v, "fileMatch")) {
			doc->inclusion = KIRO_INCLUDE_FILEMATCH;
		} else if (v && !strcmp(v, "manual")) {
			doc->inclusion = KIRO_INCLUDE_MANUAL;
		} else if (v && !strcmp(v, "auto")) {
			doc->inclusion = KIRO_INCLUDE_AUTO;
		} else if (v) {
			struct sw_diag *dg = sw_diag_add(d, SW_SEV_WARNING, "steering-inclusion", rel,
				pair->value->line, pair->value->col,
				"unknown inclusion '%s'; Kiro treats the document as 'always'", v);

			sw_diag_set_hint(dg, "use always, fileMatch, manual or auto%s",
					 !strcmp(v, "never") || !strcmp(v, "off") || !strcmp(v, "false")
						 ? " (manual keeps it out until referenced as #name)" : "");
		}
	}
	n = kiro_fm_get(doc->fm.root, "fileMatchPattern");
	if (n) {
		if (n->kind == KIRO_FM_SCALAR && !kiro_fm_is_null(n)) {
			sw_strvec_push(&doc->patterns, n->value);
		} else if (n->kind == KIRO_FM_SEQ) {
			for (i = 0; i < n->nr; i++) {
				if (n->items[i]->kind == KIRO_FM_SCALAR)
					sw_strvec_push(&doc->patterns, n->items[i]->value);
				else
					sw_diag_add(d, SW_SEV_ERROR, "steering-pattern", rel, n->items[i]->line,
						    n->items[i]->col, "fileMatchPattern entries must be strings, found a %s",
						    kiro_fm_type_name(n->items[i]));
			}
		} else if (!kiro_fm_is_null(n)) {
			sw_diag_add(d, SW_SEV_ERROR, "steering-pattern", rel, n->line, n->col,
				    "fileMatchPattern must be a glob or a list of globs, found a %s",
				    kiro_fm_type_name(n));
		}
		if (doc->inclusion != KIRO_INCLUDE_FILEMATCH)
			sw_diag_add(d, SW_SEV_NOTE, "steering-pattern", rel, n->line, n->col,
				    "fileMatchPattern is ignored with inclusion '%s'",
				    kiro_inclusion_name(doc->inclusion));
	}
	if (doc->inclusion == KIRO_INCLUDE_FILEMATCH && !doc->patterns.nr) {
		struct sw_diag *dg = sw_diag_add(d, SW_SEV_WARNING, "steering-pattern", rel, doc->inclusion_line,
						 doc->inclusion_col,
						 "inclusion 'fileMatch' without fileMatchPattern: never loads");

		sw_diag_set_hint(dg, "add fileMatchPattern: \"src/**/*.ts\" (or a list of globs)");
	}
	n = kiro_fm_get(doc->fm.root, "name");
	if ((v = scalar(n, "name", rel, d)))
		doc->fm_name = sw_xstrdup(v);
	n = kiro_fm_get(doc->fm.root, "description");
	if ((v = scalar(n, "description", rel, d)))
		doc->description = sw_xstrdup(v);
	if (doc->inclusion == KIRO_INCLUDE_AUTO && (!doc->description || !*doc->description))
		sw_diag_add(d, SW_SEV_WARNING, "steering-auto", rel, doc->inclusion_line, doc->inclusion_col,
			    "inclusion 'auto' without a description: Kiro has nothing to match requests against");
	scan_refs(doc, doc->fm.body_off, in);
refs:
	for (i = 0; i < doc->refs_nr; i++) {
		const struct kiro_steering_ref *r = &doc->refs[i];

		if (!r->found)
			sw_diag_add(d, SW_SEV_ERROR, "steering-ref", rel, r->line, r->col, "referenced %s %s",
				    r->folder ? "folder" : "file", r->error);
	}
out:
	sw_inside_release(&ws);
}

const struct kiro_steering_doc *kiro_steering_find(const struct kiro_steering *st, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < st->nr; i++) {
		const struct kiro_steering_doc *doc = st->v[i];

		if (!strcmp(doc->name, name) || !strcmp(doc->rel, name) ||
		    (sw_ends_with(doc->name, ".md") && strlen(doc->name) == n + 3 && !strncmp(doc->name, name, n)))
			return doc;
	}
	return NULL;
}

static int cmp_doc(const void *a, const void *b)
{
	const struct kiro_steering_doc *x = *(struct kiro_steering_doc *const *)a;
	const struct kiro_steering_doc *y = *(struct kiro_steering_doc *const *)b;

	if ((x->scope == KIRO_STEERING_AGENTS_MD) != (y->scope == KIRO_STEERING_AGENTS_MD))
		return x->scope == KIRO_STEERING_AGENTS_MD ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void push(struct kiro_steering *st, struct kiro_steering_doc *doc)
{
	SW_ALLOC_GROW(st->v, st->nr + 1, st->alloc);
	st->v[st->nr++] = doc;
}

/*
 * Reads steering file @path, shown as @rel, only if it resolves inside @in:
 * 0 with the text in @text, or <0 after an error diagnostic.
 */
static int read_doc(struct sw_buf *text, const struct sw_inside *in, const char *path, const char *rel,
		    struct sw_diags *d)
{
	struct sw_error ferr = SW_ERROR_INIT;
	int rc = sw_inside_read(text, in, path, STEERING_FILE_MAX, &ferr);

	if (rc == SW_EINVAL) {
		struct sw_diag *dg = sw_diag_add(d, SW_SEV_ERROR, "steering-outside", rel, 0, 0, "%s", ferr.msg);

		sw_diag_set_hint(dg, "steering is read only from inside its own root; copy the file in instead of linking it");
	} else if (rc < 0) {
		sw_diag_add(d, SW_SEV_ERROR, "steering-read", rel, 0, 0, "%s", ferr.msg);
	}
	return rc;
}

static void push_parsed(struct kiro_steering *st, const char *name, const char *path, const char *rel,
			enum kiro_steering_scope scope, const struct sw_buf *text, const char *root,
			struct sw_diags *d)
{
	struct kiro_steering_doc *doc = NULL;

	kiro_steering_parse(&doc, name, path, rel, scope, text->ptr, text->len, root, d);
	if (doc->rejected)
		kiro_steering_doc_free(doc);
	else
		push(st, doc);
}

static int load_dir(struct kiro_steering *st, const char *dir, const char *rel_prefix,
		    enum kiro_steering_scope scope, const struct sw_inside *in, const char *root,
		    struct sw_diags *d, struct sw_error *err)
{
	struct sw_strvec files = SW_STRVEC_INIT;
	struct sw_buf text = SW_BUF_INIT;
	size_t i;
	int rc = sw_list_dir(&files, dir, SW_LIST_RECURSIVE | SW_LIST_MISSING_OK, err);

	if (rc < 0)
		goto out;
	for (i = 0; i < files.nr; i++) {
		const struct kiro_steering_doc *old;
		char *path, *rel;

		if (!sw_ends_with(files.v[i], ".md"))
			continue;
		path = sw_path_join(dir, files.v[i]);
		rel = sw_path_join(rel_prefix, files.v[i]);
		old = scope == KIRO_STEERING_GLOBAL ? kiro_steering_find(st, files.v[i]) : NULL;
		sw_buf_reset(&text);
		if (old && old->scope == KIRO_STEERING_WORKSPACE && !strcmp(old->name, files.v[i])) {
			/* The workspace wins on the same name. */
			free(((struct kiro_steering_doc *)old)->overrides);
			((struct kiro_steering_doc *)old)->overrides = sw_xstrdup(rel);
		} else if (read_doc(&text, in, path, rel, d) == 0) {
			push_parsed(st, files.v[i], path, rel, scope, &text, root, d);
		}
		free(path);
		free(rel);
	}
out:
	sw_buf_release(&text);
	sw_strvec_clear(&files);
	return rc;
}

struct walk {
	struct sw_strvec files;
	size_t count;
};

static void walk_tree(struct walk *w, const char *dir, const char *prefix, int depth)
{
	DIR *dp;
	struct dirent *de;

	if (depth > 24 || w->count >= STEERING_WALK_MAX || !(dp = opendir(dir)))
		return;
	while ((de = readdir(dp)) && w->count < STEERING_WALK_MAX) {
		char *full, *rel;
		struct stat st;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "node_modules"))
			continue;
		full = sw_path_join(dir, de->d_name);
		rel = *prefix ? sw_path_join(prefix, de->d_name) : sw_xstrdup(de->d_name);
		if (lstat(full, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				walk_tree(w, full, rel, depth + 1);
			} else {
				sw_strvec_push(&w->files, rel);
				w->count++;
			}
		}
		free(full);
		free(rel);
	}
	closedir(dp);
}

static void check_commas(struct kiro_steering *st, const char *root, struct sw_diags *d)
{
	struct walk w = { SW_STRVEC_INIT, 0 };
	int walked = 0;
	size_t i, j, k;

	for (i = 0; i < st->nr; i++) {
		struct kiro_steering_doc *doc = st->v[i];
		const struct kiro_fm_node *n;

		if (doc->inclusion != KIRO_INCLUDE_FILEMATCH)
			continue;
		n = kiro_fm_get(doc->fm.root, "fileMatchPattern");
		for (j = 0; j < doc->patterns.nr; j++) {
			const char *pat = doc->patterns.v[j];
			const struct kiro_fm_node *at = n && n->kind == KIRO_FM_SEQ && j < n->nr ? n->items[j] : n;
			int matched = 0;
			struct sw_diag *dg;
			struct sw_buf hint = SW_BUF_INIT;
			struct sw_strvec parts = SW_STRVEC_INIT;

			if (!kiro_steering_pattern_has_comma(pat))
				continue;
			if (!walked && root) {
				walk_tree(&w, root, "", 0);
				walked = 1;
			}
			for (k = 0; k < w.files.nr && !matched; k++)
				matched = sw_glob_match(pat, w.files.v[k], SW_GLOB_ANY_DEPTH);
			if (matched)
				continue;
			dg = sw_diag_add(d, SW_SEV_WARNING, "steering-pattern-comma", doc->rel, at ? at->line : 0,
					 at ? at->col : 0,
					 "fileMatchPattern '%s' is one glob to Kiro and matches no file as a whole", pat);
			sw_strvec_split(&parts, pat, ',');
			sw_buf_adds(&hint, "use a list: fileMatchPattern: [");
			for (k = 0; k < parts.nr; k++)
				sw_buf_addf(&hint, "%s\"%s\"", k ? ", " : "", parts.v[k]);
			sw_buf_adds(&hint, "]");
			sw_diag_set_hint(dg, "%s", hint.ptr);
			sw_buf_release(&hint);
			sw_strvec_clear(&parts);
		}
	}
	sw_strvec_clear(&w.files);
}

int kiro_steering_load(struct kiro_steering *st, const char *root, const char *global_dir,
		       struct sw_diags *d, struct sw_error *err)
{
	struct sw_inside ws = SW_INSIDE_INIT, home = SW_INSIDE_INIT;
	struct sw_buf text = SW_BUF_INIT;
	char *dir = NULL, *path = NULL;
	int rc = 0;

	/* A root that cannot be resolved holds nothing to load. */
	if (root && sw_inside_init(&ws, root, "the workspace", NULL) == 0) {
		dir = sw_path_join(root, ".kiro/steering");
		rc = load_dir(st, dir, ".kiro/steering", KIRO_STEERING_WORKSPACE, &ws, root, d, err);
		free(dir);
		dir = NULL;
		if (rc < 0)
			goto out;
	}
	if ((dir = kiro_global_subdir(global_dir, root, "steering")) &&
	    sw_inside_init(&home, global_dir, "~/.kiro", NULL) == 0 &&
	    (rc = load_dir(st, dir, "~/.kiro/steering", KIRO_STEERING_GLOBAL, &home, root, d, err)) < 0)
		goto out;
	if (ws.real) {
		path = sw_path_join(root, "AGENTS.md");
		if (sw_is_file(path) && read_doc(&text, &ws, path, "AGENTS.md", d) == 0)
			push_parsed(st, "AGENTS.md", path, "AGENTS.md", KIRO_STEERING_AGENTS_MD, &text, root, d);
	}
	SW_QSORT(st->v, st->nr, cmp_doc);
	check_commas(st, root, d);
out:
	sw_inside_release(&ws);
	sw_inside_release(&home);
	sw_buf_release(&text);
	free(dir);
	free(path);
	return rc;
}

void kiro_steering_explain(struct kiro_steering_why **out, const struct kiro_steering *st, const char *relpath)
{
	struct kiro_steering_why *w = sw_xcalloc(st->nr ? st->nr : 1, sizeof(*w));
	size_t i, j;

	for (i = 0; i < st->nr; i++) {
		const struct kiro_steering_doc *doc = st->v[i];
		struct kiro_steering_why *y = &w[i];

		y->doc = doc;
		switch (doc->inclusion) {
		case KIRO_INCLUDE_ALWAYS:
			y->load = KIRO_LOADS;
			if (doc->scope == KIRO_STEERING_AGENTS_MD)
				snprintf(y->reason, sizeof(y->reason), "AGENTS.md is always included");
			else if (doc->inclusion_raw && strcmp(doc->inclusion_raw, "always"))
				snprintf(y->reason, sizeof(y->reason),
					 "inclusion '%.60s' is unknown, so Kiro includes it always", doc->inclusion_raw);
			else if (!doc->inclusion_raw)
				snprintf(y->reason, sizeof(y->reason), "no inclusion given: always");
			else
				snprintf(y->reason, sizeof(y->reason), "inclusion: always");
			break;
		case KIRO_INCLUDE_FILEMATCH:
			y->load = KIRO_LOADS_NOT;
			if (!relpath) {
				snprintf(y->reason, sizeof(y->reason), "fileMatch: no file given");
				break;
			}
			for (j = 0; j < doc->patterns.nr; j++) {
				if (sw_glob_match(doc->patterns.v[j], relpath, SW_GLOB_ANY_DEPTH)) {
					y->load = KIRO_LOADS;
					y->pattern = doc->patterns.v[j];
					snprintf(y->reason, sizeof(y->reason), "fileMatchPattern '%.120s' matches",
						 y->pattern);
					break;
				}
			}
			if (y->load == KIRO_LOADS_NOT)
				snprintf(y->reason, sizeof(y->reason), "fileMatch: no pattern matches (%zu pattern%s)",
					 doc->patterns.nr, doc->patterns.nr == 1 ? "" : "s");
			break;
		case KIRO_INCLUDE_MANUAL:
			y->load = KIRO_LOADS_ON_REQUEST;
			snprintf(y->reason, sizeof(y->reason), "manual: only when referenced as #%.100s",
				 doc->fm_name ? doc->fm_name : doc->name);
			break;
		case KIRO_INCLUDE_AUTO:
			y->load = KIRO_LOADS_ON_REQUEST;
			snprintf(y->reason, sizeof(y->reason), "auto: when a request matches its description");
			break;
		}
	}
	*out = w;
}
