/* SPDX-License-Identifier: Apache-2.0 */
/*
 * frontmatter.h - the YAML front matter of Markdown files (steering docs,
 * Markdown agents, skills).
 *
 * A front matter block is a first line "---" (after an optional UTF-8
 * BOM), YAML lines, and a closing line "---" (or "...").  The YAML becomes
 * a small tree of mappings, sequences and scalars; every node and every
 * mapping key carries the 1-based line and column of its first byte in
 * the whole file, so validators can point at a value.  Unknown keys are
 * kept: the tree holds everything that was written, in order.  CRLF line
 * endings are accepted.  This module is the only user of libyaml (R19).
 *
 * Calling sequence:
 *   struct kiro_fm fm = KIRO_FM_INIT;
 *   if (kiro_fm_parse(&fm, text, len, &err) < 0) ... err has line:col
 *   v = kiro_fm_get(fm.root, "inclusion");         -- borrowed, may be NULL
 *   body = text + fm.body_off;
 *   kiro_fm_release(&fm);
 *
 * Aliases and anchors are refused (they would let a short file expand
 * without bound); nesting is limited to KIRO_FM_MAX_DEPTH.
 */
#ifndef KIRO_FRONTMATTER_H
#define KIRO_FRONTMATTER_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#include <cjson/cJSON.h>

#define KIRO_FM_MAX_DEPTH 64

enum kiro_fm_kind { KIRO_FM_SCALAR, KIRO_FM_SEQ, KIRO_FM_MAP };

struct kiro_fm_node;

struct kiro_fm_pair {
	char *key;                  /* the key's text */
	int line, col;              /* position of the key */
	struct kiro_fm_node *value; /* never NULL (an empty value is a null scalar) */
};

struct kiro_fm_node {
	enum kiro_fm_kind kind;
	int line, col;                /* 1-based position of the node's first byte in the file */
	char *value;                  /* KIRO_FM_SCALAR: the text (NUL-terminated), else NULL */
	int quoted;                   /* scalar was written quoted or as a block (never null/bool) */
	struct kiro_fm_node **items;  /* KIRO_FM_SEQ: the elements */
	struct kiro_fm_pair *pairs;   /* KIRO_FM_MAP: the members, in file order */
	size_t nr, alloc;             /* count of items or pairs */
};

struct kiro_fm {
	int present;               /* 1 if the text opens with a front matter block */
	struct kiro_fm_node *root; /* the mapping, or NULL when absent or empty */
	size_t body_off;           /* byte offset of the body (after the closing line) */
	int body_line;             /* 1-based line where the body starts */
	int open_line;             /* line of the opening "---" (1), 0 if absent */
};

#define KIRO_FM_INIT { 0, NULL, 0, 1, 0 }

/*
 * Parses the front matter at the start of @text (@len bytes).  Text
 * without a front matter block is not an error: present is 0 and the
 * body is the whole text (after a BOM).  Errors: SW_EINVAL for an
 * unclosed block, invalid YAML, a top level that is not a mapping, an
 * alias or nesting that is too deep; err->line/col locate the problem.
 */
int kiro_fm_parse(struct kiro_fm *out, const char *text, size_t len, struct sw_error *err);
void kiro_fm_release(struct kiro_fm *fm);

/* The value of @key in mapping @map (the last one if repeated), or NULL. Borrowed. */
const struct kiro_fm_node *kiro_fm_get(const struct kiro_fm_node *map, const char *key);
/* The pair of @key in @map, or NULL. Borrowed. */
const struct kiro_fm_pair *kiro_fm_pair(const struct kiro_fm_node *map, const char *key);

/* 1 if @n is a plain scalar meaning null ("", "~", "null"). */
int kiro_fm_is_null(const struct kiro_fm_node *n);
/* The YAML type name of @n for messages: "string", "list", "mapping", "null", ... */
const char *kiro_fm_type_name(const struct kiro_fm_node *n);

/*
 * Converts @n to a cJSON value (caller frees with cJSON_Delete): plain
 * scalars true/false become booleans, null/~/empty null, plain decimal
 * numbers numbers, everything else strings.  NULL @n gives an empty object.
 */
cJSON *kiro_fm_to_json(const struct kiro_fm_node *n);

/*
 * Finds the node at JSON path @path ("$", "$.a.b[2]", "$['x y']") below
 * @root and sets *@line and *@col to its position (with @key_pos, to its
 * key's).  Returns 0 or SW_ENOTFOUND.
 */
int kiro_fm_locate(const struct kiro_fm_node *root, const char *path, int key_pos, int *line, int *col);

#endif
