/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonpos.h - the source position of every value of a parsed JSON document.
 *
 * cJSON keeps no positions, and sw_json_locate() finds one path by scanning
 * the text from the start, which is quadratic when a validator locates
 * every element of a long array.  This index scans the text once: values
 * appear in the text in the same order as a pre-order walk of the cJSON
 * tree visits them, so the n-th value scanned is the n-th node visited.
 * Lookups are by node pointer, O(1).
 *
 * Calling sequence:
 *   sw_json_parse(&root, text, len, &err);
 *   struct sw_json_pos p = SW_JSON_POS_INIT;
 *   sw_json_pos_build(&p, root, text, len);
 *   sw_json_pos_get(&p, node, &line, &col);
 *   sw_json_pos_release(&p);            -- before or after cJSON_Delete(root)
 */
#ifndef SW_JSONPOS_H
#define SW_JSONPOS_H

#include "compat.h"

#include <cjson/cJSON.h>

struct sw_json_pos {
	const void **keys;  /* node pointers, open addressing; NULL = empty */
	size_t *offs;       /* byte offset of each key's value in the text */
	size_t cap;         /* slots, a power of two (or 0) */
	size_t *lines;      /* byte offset of each line start */
	size_t nlines;
};

#define SW_JSON_POS_INIT { NULL, NULL, 0, NULL, 0 }

/*
 * Indexes every value of @root, which sw_json_parse() made from the @len
 * bytes at @text (a leading byte order mark is allowed).  Nodes of another
 * document are simply not found.
 */
void sw_json_pos_build(struct sw_json_pos *p, const cJSON *root, const char *text, size_t len);
/* Sets the 1-based line and byte column of @v's first byte; SW_ENOTFOUND when @v is unknown. */
int sw_json_pos_get(const struct sw_json_pos *p, const cJSON *v, int *line, int *col);
void sw_json_pos_release(struct sw_json_pos *p);

#endif
