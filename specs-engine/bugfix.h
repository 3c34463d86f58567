/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bugfix.h - bugfix.md into the requirements model (req.h).
 *
 * Shape read (KIRO-FORMATS.md §1.3): "## Bug Analysis" (repeated as
 * "## Bug Analysis — Bug 2: …" in multi-bug files) with three sections,
 * "### Current Behavior (Defect)", "### Expected Behavior (Correct)" and
 * "### Unchanged Behavior (Regression Prevention)".  Items are paragraphs
 * that start with a dotted id, "1.x" (defect), "2.x" (expected), "3.x"
 * (unchanged), and may wrap over several lines; an ordered list inside a
 * section is accepted too (item M of section S is S.M).
 *
 * Headings in other languages ("## Bug 分析", "### 当前行为（缺陷）") are
 * found by structure: "N.M" clauses with N in 1..3 open items under any
 * heading, and a section heading in unknown words takes its place among
 * the analysis sections (first = defect, second = expected, third =
 * unchanged); the item's own number still decides its section.
 *
 * The model has one pseudo-requirement per section number (1, 2, 3), so
 * tasks.md references such as "_Requirements: 2.1, 3.2_" resolve the same
 * way as for feature specs.  Each item is classified with the EARS context
 * of its section: the defect describes today's behaviour and is neither
 * classified nor linted, unchanged behaviour expects SHALL CONTINUE TO.
 * Diagnostic codes: bugfix-none, bugfix-section, req-duplicate-criterion,
 * ears-* (ears.h), md-utf8, spec-empty.
 */
#ifndef SPECS_BUGFIX_H
#define SPECS_BUGFIX_H

#include "base/compat.h"
#include "base/error.h"
#include "specs-engine/md.h"
#include "specs-engine/req.h"

/*
 * Parses bugfix.md from @md into *@out (free with req_doc_free(); bugfix
 * is set).  Findings go to @diags (may be NULL) under file name @path.
 * Never fails on content; returns 0.
 */
int bugfix_parse(struct req_doc **out, const struct md_doc *md, const char *path, struct sw_diags *diags,
		 struct sw_error *err);

#endif
