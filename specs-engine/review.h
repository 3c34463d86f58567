/* SPDX-License-Identifier: Apache-2.0 */
/*
 * review.h - where a generated spec stands: its workflow, and for each
 * phase whether it was generated, approved, or failed.
 *
 * Two files in the spec's folder hold this:
 *   .config.kiro  the workflow, exactly as Kiro writes it
 *                 {"specId": "<uuid>", "workflowType": "requirements-first"|"design-first",
 *                  "specType": "feature"|"bugfix"}
 *   .review.json  Specwright's review record: the request the spec was made
 *                 from, the spec type ("quick" included) and, per phase, its
 *                 status, when it was generated and approved, and the git
 *                 blob id of the approved text, so an edit made after the
 *                 approval shows.  Unknown fields survive a rewrite.  Kiro
 *                 ignores the file; it is committed with the spec.
 * A spec without .review.json (written by Kiro or by hand) loads with the
 * workflow from .config.kiro and its existing documents as "unreviewed".
 *
 * Calling sequence: review_load (or review_init for a new spec), change
 * the phases, review_save, review_release.
 */
#ifndef REVIEW_H
#define REVIEW_H

#include "base/compat.h"
#include "base/error.h"
#include "git/vcs.h"

#include <cjson/cJSON.h>

#define REVIEW_FILE ".review.json"
#define REVIEW_CONFIG_FILE ".config.kiro"
#define REVIEW_PHASES 3

enum review_type { REVIEW_TYPE_FEATURE, REVIEW_TYPE_BUGFIX, REVIEW_TYPE_QUICK };

enum review_doc { REVIEW_DOC_REQUIREMENTS, REVIEW_DOC_BUGFIX, REVIEW_DOC_DESIGN, REVIEW_DOC_TASKS };

enum review_status {
	REVIEW_PENDING,    /* not generated yet */
	REVIEW_DRAFT,      /* generated (or refined), waiting for review */
	REVIEW_APPROVED,   /* approved; see blob for the text approved */
	REVIEW_FAILED,     /* the last generation failed its checks; the file was not written */
	REVIEW_UNREVIEWED, /* the file exists but no review was recorded (made elsewhere) */
};

struct review_phase {
	enum review_doc doc;
	enum review_status status;
	char blob[VCS_OID_HEX]; /* blob id of the approved text (tasks.md: statuses blanked); "" unless approved */
	char *generated_at;     /* ISO 8601 UTC, NULL if never */
	char *approved_at;      /* ISO 8601 UTC, NULL unless approved */
	int repairs;            /* repair turns the last generation needed */
	int refinements;        /* times the phase was refined */
	int stale;              /* approved, but an earlier phase changed afterwards */
};

struct review {
	char *request;     /* the prompt the spec was made from, NULL if unknown */
	enum review_type type;
	int design_first;  /* design before requirements */
	struct review_phase phases[REVIEW_PHASES]; /* in workflow order */
	cJSON *extra;      /* the .review.json document as read, for unknown fields */
};

/* "requirements", "bugfix", "design", "tasks" and their file names. */
const char *review_doc_name(enum review_doc doc);
const char *review_doc_file(enum review_doc doc);
/* Phase name to doc. Errors: SW_EINVAL naming the accepted names. */
int review_doc_parse(enum review_doc *out, const char *name, struct sw_error *err);
const char *review_type_name(enum review_type type);
int review_type_parse(enum review_type *out, const char *name, struct sw_error *err);
const char *review_status_name(enum review_status st);

/* A fresh record for a new spec: phases in workflow order, all pending. */
void review_init(struct review *r, enum review_type type, int design_first, const char *request);

/*
 * Loads the record of the spec in folder @dir (see above for specs
 * without one).  Errors: SW_ENOTFOUND (@dir is missing), SW_EINVAL
 * (.review.json or .config.kiro malformed, with file:line:col).
 */
int review_load(struct review *r, const char *dir, struct sw_error *err);

/* Writes .review.json atomically. Errors: SW_EIO. */
int review_save(const struct review *r, const char *dir, struct sw_error *err);

/*
 * Writes .config.kiro the way Kiro does, unless it exists (it is never
 * rewritten, so its specId stays).  Errors: SW_EIO.
 */
int review_write_config(const struct review *r, const char *dir, struct sw_error *err);

/* The entry for @doc, or NULL when the workflow has no such phase. */
struct review_phase *review_phase(struct review *r, enum review_doc doc);
/* Index of @doc in the workflow order, or -1. */
int review_phase_index(const struct review *r, enum review_doc doc);

/* Marks @p generated now (status draft, approval cleared). */
void review_mark_generated(struct review_phase *p, int repairs, int refined);
/* Marks @p approved now with the text @text (for tasks.md, its blob with checkbox statuses blanked). */
void review_mark_approved(struct review_phase *p, const char *text, size_t len);
/* Marks later approved phases stale after the phase at index @i changed. */
void review_mark_later_stale(struct review *r, int i);

/*
 * 1 when the approved phase @p's file text (@text, or NULL when missing)
 * differs from what was approved.  For tasks.md the checkbox status
 * characters do not count: ticking a task is progress, not an edit.
 */
int review_edited_since_approval(const struct review_phase *p, const char *text, size_t len);

void review_release(struct review *r);

#endif
