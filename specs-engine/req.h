/* SPDX-License-Identifier: Apache-2.0 */
/*
 * req.h - the requirements model: requirements.md (and bugfix.md, see
 * bugfix.h) as requirements, acceptance criteria and glossary terms, each
 * with its exact source position; and reference lists ("1.1, 2.1–2.4, all")
 * as tasks.md and design.md write them.
 *
 * Shape read (KIRO-FORMATS.md §1.2): an optional Glossary section of
 * "- **Term**: definition" bullets; "### Requirement N[: Title]" headings
 * (also localised: "### 需求 1：…", "### Requisito 1: …"); an optional
 * "**User Story:** …" paragraph; a "#### Acceptance Criteria" heading (or a
 * localised one such as "#### 驗收標準", or a bold paragraph) followed by an
 * ordered list whose items are the criteria N.M, where M is the number as
 * written.  Criteria may wrap over several lines.
 *
 * Other layouts Kiro users keep load too, and what cannot be traced is a
 * warning: "- [ ] AC-3: …" bullets are criterion N.3 (also cited "AC-3");
 * criteria written as bullets without numbers are read by their order
 * (req-unnumbered); "#### REQ-01: …" is requirement 1; criteria lists
 * under no requirement (a "Non-Functional Requirements" list) are reported
 * (req-orphan-criteria); a second list in one requirement that numbers
 * from 1 again ("CAN:" then "CANNOT:") is reported, not loaded
 * (req-list-restart); headings inside the criteria group them.
 *
 * req_parse() builds the model and, when given a struct sw_diags, checks
 * what one file can check on its own: duplicate and missing numbers, EARS
 * (ears.h) of every criterion, subjects missing from the glossary.
 * Diagnostic codes: req-none, req-duplicate, req-numbering, req-no-criteria,
 * req-duplicate-criterion, req-criterion-numbering, req-unnumbered,
 * req-orphan-criteria, req-list-restart, ears-* (ears.h),
 * ears-unknown-subject, md-utf8, spec-empty.
 */
#ifndef SPECS_REQ_H
#define SPECS_REQ_H

#include "base/compat.h"
#include "base/error.h"
#include "specs-engine/ears.h"
#include "specs-engine/md.h"

#define REQ_ID_MAX 24

struct req_criterion {
	char id[REQ_ID_MAX];   /* "N.M" */
	int req;               /* N */
	int num;               /* M */
	int line, col;         /* first byte of the criterion text */
	size_t off, end;       /* byte range of the text in the file */
	enum ears_context ctx; /* feature, or the bugfix section */
	enum ears_class cls;   /* EARS class (EARS_NONE when it matches none) */
	char alias[REQ_ID_MAX]; /* the label it was written with ("AC-3"), "" if none */
	unsigned ears_flags;   /* EARS_NEGATIVE | ... */
};

struct req_requirement {
	char id[REQ_ID_MAX]; /* "N" */
	int num;
	char *title;         /* heading text after the number, "" if none */
	char *story;         /* the User Story paragraph, NULL if none */
	int line, col;       /* the heading */
	size_t ncrit;        /* number of criteria: those in doc->crit with .req == num */
};

struct req_term {
	char *name; /* as written between ** ** */
	int line, col;
};

struct req__index;

struct req_doc {
	int bugfix;                   /* 1 for bugfix.md */
	char *title;                  /* first level-1 heading, "" if none */
	struct req_term *terms;       /* glossary, in file order */
	size_t nterms, aterms;
	struct req_requirement *reqs; /* in file order */
	size_t nreqs, areqs;
	struct req_criterion *crit;   /* all criteria, in file order */
	size_t ncrit, acrit;
	struct req__index *index;     /* lookup cache (req.c), built by the first lookup; NULL until then */
};

/*
 * Parses requirements.md from @md into *@out (free with req_doc_free()).
 * When @diags is not NULL, findings are appended with file name @path.
 * Never fails on content; returns 0.
 */
int req_parse(struct req_doc **out, const struct md_doc *md, const char *path, struct sw_diags *diags,
	      struct sw_error *err);
void req_doc_free(struct req_doc *doc);

/*
 * Lookups below are O(log n) after one O(n log n) pass that the first of
 * them makes (and repeats when criteria or requirements were added since).
 */

/* The criterion with id @id ("1.2"), or NULL. */
const struct req_criterion *req_find_criterion(const struct req_doc *doc, const char *id);
/* The requirement with id @id ("1"), or NULL. */
const struct req_requirement *req_find_requirement(const struct req_doc *doc, const char *id);
/*
 * The criteria whose requirement number is @num, as indices into
 * doc->crit in file order: sets *@idx (borrowed from @doc, valid until the
 * doc changes or is freed) and returns their number.
 */
size_t req_criteria_of(const struct req_doc *doc, int num, const size_t **idx);
/* 1 when @term names a glossary entry (case-insensitive; "A (B)" matches "A" and "B"). */
int req_glossary_has(const struct req_doc *doc, const char *name, size_t len);

/* ---- reference lists ---------------------------------------------------------------- */

enum req_ref_kind {
	REQ_REF_CRITERION,   /* "1.2", or a label such as "AC-3" */
	REQ_REF_REQUIREMENT, /* "3" (also "REQ-03"): every criterion of requirement 3 */
	REQ_REF_RANGE,       /* "2.1–2.4" (en dash, hyphen or "to") */
	REQ_REF_ALL,         /* "all", "All", "All requirements" */
	REQ_REF_TEXT,        /* anything else ("Various") */
};

struct req_ref {
	enum req_ref_kind kind;
	char id[REQ_ID_MAX]; /* criterion or requirement; range start */
	char to[REQ_ID_MAX]; /* range end */
	char text[48];       /* REQ_REF_TEXT: the words, shortened */
	int line, col;       /* in the file holding the reference */
};

struct req_refs {
	struct req_ref *v;
	size_t nr, alloc;
};

#define REQ_REFS_INIT { NULL, 0, 0 }

/*
 * Parses the reference list at bytes [@off, @end) of @md's text, e.g. the
 * part after "_Requirements:" up to the closing underscore.  A leading word
 * "Requirement(s)" is skipped; parenthesised remarks are ignored.
 */
void req_refs_parse(struct req_refs *out, const struct md_doc *md, size_t off, size_t end);
void req_refs_release(struct req_refs *refs);
/*
 * Calls @fn for every criterion of @doc that @ref names (all of them for
 * REQ_REF_ALL), in file order.  Returns the number of criteria named; 0
 * means dangling.  Costs O(log n + hits) (O(n) for REQ_REF_ALL).
 */
size_t req_ref_expand(const struct req_doc *doc, const struct req_ref *ref,
		      void (*fn)(const struct req_criterion *c, void *data), void *data);
/* 1 when @ref names criterion @c. */
int req_ref_names(const struct req_ref *ref, const struct req_criterion *c);

/* ---- helpers shared by the spec parsers ------------------------------------------- */

/* Strict "N" or "N.M[.K]" id at @s (length @n): 1 if it is one. */
int req_is_id(const char *s, size_t n);
/* Reads an id ("1", "1.2", "1.2.3", with an optional final '.') at @s; returns its length (0 if none). */
size_t req_scan_id(const char *s, size_t n, char *id, size_t idsz);
/* Compares two ids numerically component by component. */
int req_id_cmp(const char *a, const char *b);

/* ---- semi-private: shared with bugfix.c ------------------------------------------ */

/* Classifies @c (sets cls/ears_flags) and reports EARS and glossary findings. */
void req__check_criterion(struct req_criterion *c, const struct req_doc *doc, const struct md_doc *md,
			  const char *path, struct sw_diags *diags);

#endif
