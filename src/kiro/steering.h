/* SPDX-License-Identifier: Apache-2.0 */
/*
 * steering.h - steering documents: what they say about when they load.
 *
 * Sources, merged by name (the path below the steering folder, e.g.
 * "tech.md" or "patterns/catalog.md"):
 *   - the workspace's .kiro/steering/ (sub-folders included),
 *   - the global ~/.kiro/steering/ (a workspace document of the same
 *     name wins; the global one is remembered as overridden),
 *   - AGENTS.md at the workspace root, always included.
 * Each document's YAML front matter gives its inclusion mode:
 *   always (the default, also without front matter) | fileMatch with
 *   fileMatchPattern (a glob or a list of globs) | manual (only when
 *   referenced as #name) | auto with name and description (when a request
 *   matches the description).  Unknown keys are kept in the front matter
 *   tree.  A document whose front matter cannot be read is not loaded (an
 *   error says why): guessing "always" would put half-written or private
 *   text in front of the model.  "#[[file:path]]" references (path
 *   relative to the workspace, V3 line suffixes ":N" / ":N-M" allowed) and
 *   "#[[folder:path]]" are checked; a missing target, or one that resolves
 *   outside the workspace, is an error located at the reference.
 *
 * Containment (base/contain.h): a workspace document is read only if it
 * resolves inside the workspace, a global one only inside ~/.kiro, so a
 * link in .kiro/steering that leads elsewhere is refused with an error
 * ("steering-outside") and never read; references are held to the
 * workspace the same way, when checked and when expanded.
 *
 * Warnings worth their noise (Kiro users lose steering silently here):
 *   - an unknown inclusion value: Kiro treats the document as "always";
 *   - a fileMatchPattern string with commas outside braces that matches no
 *     file of the workspace as a whole: Kiro takes it as one glob, so it
 *     probably never matches (use a list).
 *
 * Calling sequence:
 *   struct kiro_steering st = KIRO_STEERING_INIT;
 *   kiro_steering_load(&st, root, global_dir, &diags, &err);
 *   kiro_steering_explain(&why, &st, "src/app.tsx");   -- one entry per document
 *   kiro_steering_release(&st);
 */
#ifndef KIRO_STEERING_H
#define KIRO_STEERING_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"
#include "kiro/frontmatter.h"

enum kiro_inclusion {
	KIRO_INCLUDE_ALWAYS,
	KIRO_INCLUDE_FILEMATCH,
	KIRO_INCLUDE_MANUAL,
	KIRO_INCLUDE_AUTO,
};

enum kiro_steering_scope {
	KIRO_STEERING_WORKSPACE, /* .kiro/steering */
	KIRO_STEERING_GLOBAL,    /* ~/.kiro/steering */
	KIRO_STEERING_AGENTS_MD, /* AGENTS.md at the workspace root */
};

struct kiro_steering_ref {
	char *target; /* as written, after "file:" or "folder:" (line suffix removed) */
	int folder;   /* 1 for #[[folder:...]] */
	int line, col;/* position of "#[[" in the file */
	int found;    /* 1 if the target exists inside the workspace */
	char *error;  /* why it cannot be used (missing, outside the workspace), NULL if found */
	size_t off, len; /* the whole "#[[...]]" in the document's text */
	int from, to; /* V3 line range ":N" / ":N-M" (1-based, inclusive), 0 for the whole file */
};

struct kiro_steering_doc {
	char *name;                     /* key for merging: path below the steering folder */
	char *path;                     /* absolute path */
	char *rel;                      /* shown to users: ".kiro/steering/x.md", "~/.kiro/steering/x.md" */
	enum kiro_steering_scope scope;
	enum kiro_inclusion inclusion;  /* effective mode */
	char *inclusion_raw;            /* as written, NULL when absent */
	int inclusion_line, inclusion_col;
	struct sw_strvec patterns;      /* fileMatchPattern: one entry per glob as written */
	char *fm_name;                  /* front matter "name", NULL if absent */
	char *description;              /* front matter "description", NULL if absent */
	struct kiro_fm fm;              /* the whole front matter (unknown keys included) */
	struct sw_buf text;             /* the file */
	struct kiro_steering_ref *refs; /* file/folder references in the body */
	size_t refs_nr, refs_alloc;
	char *overrides;                /* rel of the global document this one shadows, NULL if none */
	int rejected;                   /* the front matter cannot be read: not loaded */
};

struct kiro_steering {
	struct kiro_steering_doc **v; /* workspace and global documents by name, then AGENTS.md */
	size_t nr, alloc;
};

#define KIRO_STEERING_INIT { NULL, 0, 0 }

/*
 * Loads the steering of workspace @root (NULL for none) and global folder
 * @global_dir (NULL to skip) into @st; findings go to @diags.  Fails only
 * with SW_EIO when a folder cannot be read.
 */
int kiro_steering_load(struct kiro_steering *st, const char *root, const char *global_dir,
		       struct sw_diags *diags, struct sw_error *err);

/*
 * Parses one document (@text, @len) into a new *@out without touching the
 * file system except to check references against @root (may be NULL).
 * Findings go to @diags; a front matter error sets doc->rejected and adds
 * an error diagnostic (kiro_steering_load() then leaves the document out).
 */
void kiro_steering_parse(struct kiro_steering_doc **out, const char *name, const char *path, const char *rel,
			 enum kiro_steering_scope scope, const char *text, size_t len, const char *root,
			 struct sw_diags *diags);

void kiro_steering_doc_free(struct kiro_steering_doc *doc);
void kiro_steering_release(struct kiro_steering *st);

const char *kiro_inclusion_name(enum kiro_inclusion i);

/* The document named @name ("tech.md", "tech", or its rel path), or NULL. Borrowed. */
const struct kiro_steering_doc *kiro_steering_find(const struct kiro_steering *st, const char *name);

/* Why a document loads (or not) for a file. */
enum kiro_steering_load {
	KIRO_LOADS,            /* in context for this file */
	KIRO_LOADS_NOT,        /* not for this file */
	KIRO_LOADS_ON_REQUEST, /* manual: when referenced; auto: when the request fits */
};

struct kiro_steering_why {
	const struct kiro_steering_doc *doc; /* borrowed from the set */
	enum kiro_steering_load load;
	const char *pattern;                 /* fileMatch: the pattern that matched, else NULL */
	char reason[160];                    /* one line, e.g. "inclusion: always" */
};

/*
 * Explains, for workspace-relative @relpath (NULL for no file), every
 * document of @st in order; *@out (caller frees) gets st->nr entries.
 */
void kiro_steering_explain(struct kiro_steering_why **out, const struct kiro_steering *st, const char *relpath);

#define KIRO_REF_FILE_MAX (128u << 10)  /* bytes taken from one referenced file */
#define KIRO_REF_TOTAL_MAX (512u << 10) /* bytes of referenced content in one expansion budget */

/* What references may still bring in; one budget spans every document put in one prompt. */
struct kiro_ref_budget {
	size_t file_max;  /* per referenced file (or line range) */
	size_t total_max; /* in all */
	size_t used;      /* taken so far */
};

#define KIRO_REF_BUDGET_INIT { KIRO_REF_FILE_MAX, KIRO_REF_TOTAL_MAX, 0 }

/*
 * Appends the body of @doc (the text after its front matter) to @out with
 * each #[[file:...]] reference replaced by the referenced file (its line
 * range with a ":N-M" suffix) between <file path="..."> and </file>, and
 * each #[[folder:...]] by a one-level listing.  Targets resolve against
 * workspace @root through base/contain.h: one outside the workspace is
 * never read, and like a missing one, a binary one, or one over the
 * budget's caps it is replaced by a bracketed note that says why.
 * Referenced content is not itself expanded, so references cannot loop.
 * References in fenced code blocks stay as written, as does the file.
 */
void kiro_steering_expand(struct sw_buf *out, const struct kiro_steering_doc *doc, const char *root,
			  struct kiro_ref_budget *budget);

/*
 * 1 if @pattern holds a comma outside braces (so Kiro reads one glob
 * where the author probably meant several).
 */
int kiro_steering_pattern_has_comma(const char *pattern);

#endif
