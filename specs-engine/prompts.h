/* SPDX-License-Identifier: Apache-2.0 */
/*
 * prompts.h - the generation prompts, kept as Markdown files under
 * specs-engine/prompts/ and built into the binary (so an installed
 * specwright needs no data files).  They are also what the MCP server
 * offers as prompts.
 *
 * A prompt is a template: "{{name}}" is replaced by a variable's value
 * (prompts_render); unknown names are left as they are.
 */
#ifndef PROMPTS_H
#define PROMPTS_H

#include "base/compat.h"

struct prompt_info {
	const char *name;        /* "requirements", "design", ... (the file name without .md) */
	const char *description; /* one line */
	const char *text;        /* the template, NUL-terminated; static */
	size_t len;
};

/* All prompts, in a fixed order; *@n receives the count.  Static data. */
const struct prompt_info *prompts_list(size_t *n);

/* The prompt called @name, or NULL. */
const struct prompt_info *prompts_get(const char *name);

/*
 * Returns @tmpl with each "{{key}}" replaced by its value, where @vars is
 * a NULL-terminated list of key, value pairs (caller frees the result).
 */
char *prompts_render(const char *tmpl, const char *const *vars);

#endif
