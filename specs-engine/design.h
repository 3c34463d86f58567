/* SPDX-License-Identifier: Apache-2.0 */
/*
 * design.h - design.md: its sections and its correctness properties.
 *
 * Shape read (KIRO-FORMATS.md §1.4): sections by heading; properties as
 * "### Property N: Title" headings (any level), as paragraphs or list items
 * opening with "Property N:" / "**Property N: …**", each followed by a
 * "**Validates: Requirements 1.1, 5.5**" line (also "**Validates**: …" and
 * "_Validates: …_").  Code blocks are skipped, so a "Property 3" in a test
 * comment is not a property.
 * Diagnostic codes: design-duplicate-property, design-property-numbering,
 * design-no-validates, md-utf8, spec-empty.
 */
#ifndef SPECS_DESIGN_H
#define SPECS_DESIGN_H

#include "base/compat.h"
#include "base/error.h"
#include "specs-engine/md.h"
#include "specs-engine/req.h"

struct design_property {
	char id[REQ_ID_MAX];       /* "N" (or "N.M" where a design numbers them so) */
	int num;                   /* N */
	char *title;               /* text after "Property N:", "" if none */
	int line, col;             /* the word "Property" */
	int has_validates;         /* a Validates line was found */
	struct req_refs validates; /* what it validates */
};

struct design_section {
	int level;   /* heading level */
	char *title;
	int line;
};

struct design_doc {
	char *title;                      /* first level-1 heading, "" if none */
	struct design_section *sections;  /* every heading, in file order */
	size_t nsections, asections;
	struct design_property *props;    /* in file order */
	size_t nprops, aprops;
};

/*
 * Parses design.md from @md into *@out (free with design_doc_free()).
 * Findings go to @diags (may be NULL) under file name @path.  Returns 0.
 */
int design_parse(struct design_doc **out, const struct md_doc *md, const char *path, struct sw_diags *diags,
		 struct sw_error *err);
void design_doc_free(struct design_doc *doc);

/* The property with id @id ("3", "1.2"), or NULL. */
const struct design_property *design_find_property(const struct design_doc *doc, const char *id);

#endif
