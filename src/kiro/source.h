/* SPDX-License-Identifier: Apache-2.0 */
/*
 * source.h - where a configuration value was written, for diagnostics.
 *
 * The .kiro loaders read JSON (agents, hooks, mcp.json) and YAML front
 * matter (steering, Markdown agents) and report findings at the line and
 * column of the value concerned.  A struct kiro_source names the file as
 * it should be shown and holds either the JSON text (located again with
 * sw_json_locate) or the front matter tree (kiro_fm_locate); the helpers
 * below turn a JSON path into a located diagnostic.  When the exact path
 * cannot be found (e.g. a missing member), the nearest existing parent is
 * used, and failing that line 1.
 */
#ifndef KIRO_SOURCE_H
#define KIRO_SOURCE_H

#include "base/compat.h"
#include "base/error.h"
#include "kiro/frontmatter.h"

struct kiro_source {
	const char *rel;               /* path shown in diagnostics (relative to the workspace) */
	const char *text;              /* JSON text, or NULL */
	size_t len;                    /* bytes of @text */
	const struct kiro_fm_node *fm; /* front matter root, when the values came from YAML */
};

/* Sets *@line and *@col for JSON path @jpath in @s (see above for the fallback). */
void kiro_source_locate(const struct kiro_source *s, const char *jpath, int key_pos, int *line, int *col);

/*
 * Adds a diagnostic located at @jpath in @s; the message is printed as
 * given (callers put the JSON path in it when that helps).  Returns the
 * diagnostic so a hint can be attached.
 */
struct sw_diag *kiro_diag_at(struct sw_diags *d, const struct kiro_source *s, enum sw_severity sev,
			     const char *code, const char *jpath, int key_pos, const char *fmt, ...)
	SW_PRINTF(7, 8);

/* Adds @err as an error diagnostic located at @jpath in @s (err's own line wins if set). */
void kiro_diag_err(struct sw_diags *d, const struct kiro_source *s, const char *code, const char *jpath,
		   const struct sw_error *err);

#endif
