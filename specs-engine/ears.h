/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ears.h - classify one acceptance criterion against the EARS patterns.
 *
 * Patterns (keywords are upper case, as Kiro writes them; the words around
 * them are free text in any language):
 *   ubiquitous    THE <system> SHALL <response>
 *   event-driven  WHEN <trigger>, THE <system> SHALL <response>
 *                 WHEN <trigger> THEN the <system> SHALL <response>
 *   state-driven  WHILE <state>, THE <system> SHALL <response>
 *   unwanted      IF <condition>, THEN THE <system> SHALL <response>
 *   optional      WHERE <feature>, THE <system> SHALL <response>
 *   complex       two or more kinds of precondition (WHILE … WHEN …)
 *   property      FOR ALL <inputs>, THE <system> SHALL <what holds> (also
 *                 "FOR ALL valid X, parsing then printing X SHALL produce X"),
 *                 the quantified criteria written for property-based tests
 * A criterion with no English keyword at all but a Chinese, Japanese or
 * Korean modal ("…すること", "系统应…", "…해야 한다") is classified by its
 * condition marker and flagged with a warning (ears-localized).
 * SHALL NOT is the negative form; SHALL CONTINUE TO is the bugfix
 * "unchanged behaviour" form; SHALL may stand last (Japanese word order:
 * "WHEN … THEN … 表示される SHALL").
 *
 * What people write besides the patterns is read by its meaning, with a
 * style warning: an opener that is not an EARS keyword (ears-opener: ON,
 * AFTER, BEFORE, ONCE, UPON, EVERY, WHENEVER, AS SOON AS read as WHEN;
 * WITH, DURING, AS LONG AS as WHILE; FOR <scope> as WHERE; AT ALL TIMES as
 * ubiquitous), a precondition whose comma is missing (ears-missing-then:
 * "WHILE <state> the <system> SHALL …"), and keywords in lower case.  A
 * bugfix defect clause (EARS_CTX_BUG_CURRENT) describes today's faulty
 * behaviour: it gets class EARS_NONE and no findings.
 *
 * The classifier makes a few linear passes without allocation, so a
 * criterion of any length costs O(length).  It never fails: a criterion
 * that matches no pattern gets class EARS_NONE and, unless only its
 * precondition is unreadable (a warning), an error finding whose offset is
 * where matching stopped, with a hint naming the nearest pattern.
 *
 * Finding codes (stable; see docs/spec-json.md and README.md, Severity):
 *   errors    ears-no-shall, ears-empty-condition, ears-empty-response
 *   warnings  ears-precondition, ears-missing-then, ears-opener,
 *             ears-lowercase, ears-localized, ears-multiple-shall, ears-vague,
 *             ears-if-without-then, ears-unchanged-form, ears-property-form
 * The glossary check (ears-unknown-subject) needs the glossary and is done
 * by the caller on subject_off/subject_len.
 */
#ifndef SPECS_EARS_H
#define SPECS_EARS_H

#include "base/compat.h"
#include "base/error.h"

enum ears_class {
	EARS_NONE = 0,   /* matches no pattern */
	EARS_UBIQUITOUS,
	EARS_EVENT,
	EARS_STATE,
	EARS_UNWANTED,
	EARS_OPTIONAL,
	EARS_COMPLEX,
	EARS_PROPERTY,   /* FOR ALL <inputs>, … SHALL …: a property for property-based tests */
};

/* Where the criterion stands: bugfix sections change what is required. */
enum ears_context {
	EARS_CTX_FEATURE = 0,   /* requirements.md acceptance criterion */
	EARS_CTX_BUG_CURRENT,   /* bugfix.md 1.x: the defect, not classified (EARS_NONE) */
	EARS_CTX_BUG_EXPECTED,  /* bugfix.md 2.x */
	EARS_CTX_BUG_UNCHANGED, /* bugfix.md 3.x: SHALL CONTINUE TO expected */
};

enum {
	EARS_NEGATIVE = 1 << 0,   /* SHALL NOT */
	EARS_CONTINUE = 1 << 1,   /* SHALL CONTINUE TO */
	EARS_SHALL_LAST = 1 << 2, /* SHALL ends the sentence */
	EARS_LOWERCASE = 1 << 3,  /* keywords were written in lower case */
	EARS_LOCALIZED = 1 << 4,  /* keywords translated (Chinese, Japanese, Korean modals) */
};

#define EARS_MAX_FINDINGS 8

struct ears_finding {
	enum sw_severity severity;
	const char *code;   /* static string */
	size_t off;         /* byte offset in the criterion text */
	char msg[200];
	char hint[160];     /* "" if none */
};

struct ears_result {
	enum ears_class cls;
	unsigned flags;         /* EARS_NEGATIVE | ... */
	size_t subject_off;     /* the <system> before SHALL, without "THE" */
	size_t subject_len;     /* 0 when there is none (or SHALL stands last) */
	size_t shall_off;       /* offset of the main SHALL, (size_t)-1 if none */
	size_t nr;              /* findings used */
	struct ears_finding f[EARS_MAX_FINDINGS];
};

/*
 * Classifies @len bytes of @text (one criterion, line breaks allowed) in
 * context @ctx into *@out.  Always succeeds; see the findings.
 */
void ears_classify(struct ears_result *out, const char *text, size_t len, enum ears_context ctx);

/* "ubiquitous", "event-driven", "state-driven", "unwanted", "optional", "complex", "property", "none". */
const char *ears_class_name(enum ears_class cls);
/* The class named @name, or -1. */
int ears_class_from_name(const char *name);
/* The pattern template of @cls, for hints ("WHEN <trigger>, THE <system> SHALL <response>"). */
const char *ears_class_template(enum ears_class cls);

#endif
