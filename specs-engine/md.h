/* SPDX-License-Identifier: Apache-2.0 */
/*
 * md.h - Markdown blocks with exact source positions (the one door to cmark).
 *
 * Every spec document is parsed by cmark with source positions; this module
 * is the only one that includes <cmark.h> (STYLE R19).  It hands out the
 * block tree as opaque struct md_node pointers with accessors, and maps
 * every block to byte offsets in the ORIGINAL text, so that callers can
 * point diagnostics at a line and column and edit single bytes.
 *
 * Positions: lines are 1-based; columns are 1-based and count bytes (as
 * cmark does).  A UTF-8 byte order mark is not given to cmark, but offsets,
 * lines and columns still refer to the file as it is on disk (the BOM's
 * three bytes count on line 1).  "\n", "\r\n" and a lone "\r" end a line,
 * like cmark.
 *
 * Invalid UTF-8 never stops parsing: cmark replaces bad sequences in its
 * own strings, and md_doc_utf8_error() reports the first bad byte so that
 * the linter can say where it is.
 *
 * The tree is cmark's block tree, which cmark builds without recursion.  A
 * caller that walks it must bound its own recursion (md_node_depth() helps);
 * md_walk_next() is an iterative pre-order walk over blocks only.
 *
 * Calling sequence:
 *   struct md_doc *d = NULL;
 *   md_parse(&d, text, len, &err);          -- text must outlive d
 *   for (n = md_first_child(md_root(d)); n; n = md_next(n)) ...
 *   md_doc_free(d);
 */
#ifndef SPECS_MD_H
#define SPECS_MD_H

#include "base/compat.h"
#include "base/buf.h"
#include "base/error.h"

#define MD_MAX_DOC (256u << 20) /* one Markdown document */

enum md_type {
	MD_OTHER = 0,
	MD_DOCUMENT,
	MD_HEADING,
	MD_PARAGRAPH,
	MD_LIST,
	MD_ITEM,
	MD_CODE,  /* fenced or indented code block */
	MD_QUOTE,
	MD_HTML,
	MD_RULE,
};

struct md_doc;
struct md_node; /* borrowed from the md_doc; lives until md_doc_free() */

/*
 * Parses @len bytes at @text (borrowed: it must outlive *@out).
 * Errors: SW_ETOOBIG over MD_MAX_DOC.  Malformed Markdown does not exist;
 * invalid UTF-8 is tolerated (see md_doc_utf8_error()).
 */
int md_parse(struct md_doc **out, const char *text, size_t len, struct sw_error *err);
void md_doc_free(struct md_doc *d);

const char *md_doc_text(const struct md_doc *d);
size_t md_doc_len(const struct md_doc *d);
/* 3 when the text starts with a UTF-8 BOM, else 0. */
size_t md_doc_bom(const struct md_doc *d);
/* 1 when the first line ending is "\r\n". */
int md_doc_crlf(const struct md_doc *d);
/* Number of lines (a final line without a newline counts). */
int md_doc_lines(const struct md_doc *d);
/* Byte offset of the start of 1-based @line (clamped to the text). */
size_t md_line_start(const struct md_doc *d, int line);
/* Byte offset just past the last content byte of @line (before its line ending). */
size_t md_line_end(const struct md_doc *d, int line);
/* 1-based line and byte column of byte @off. */
void md_offset_pos(const struct md_doc *d, size_t off, int *line, int *col);
/* Byte offset of 1-based @line / @col. */
size_t md_pos_offset(const struct md_doc *d, int line, int col);
/*
 * 1 and the offset of the first byte that is not valid UTF-8 (or a NUL),
 * 0 when the text is clean.
 */
int md_doc_utf8_error(const struct md_doc *d, size_t *off);

struct md_node *md_root(const struct md_doc *d);
enum md_type md_node_type(const struct md_node *n);
/* Block children only (inline nodes are skipped). */
struct md_node *md_first_child(const struct md_node *n);
struct md_node *md_next(const struct md_node *n);
struct md_node *md_parent(const struct md_node *n);
/* Number of block ancestors (the document is 0). */
int md_node_depth(const struct md_node *n);
/*
 * Pre-order walk over the blocks under @root (iterative): returns the
 * block after @n, or NULL at the end.  With @skip_children, @n's subtree
 * is skipped.
 */
struct md_node *md_walk_next(const struct md_node *root, const struct md_node *n, int skip_children);

/* Heading level 1-6 (0 for other nodes). */
int md_heading_level(const struct md_node *n);
/* 1 for an ordered list (or an item of one), 0 otherwise. */
int md_list_ordered(const struct md_node *n);
/* Start number of an ordered list. */
int md_list_start(const struct md_node *n);
/* Fence info string of a code block ("" if none); borrowed. */
const char *md_code_info(const struct md_node *n);
/* Contents of a code block; borrowed. */
const char *md_code_literal(const struct md_node *n);

/* Source position of @n: first line/column and last line/column (inclusive). */
void md_node_pos(const struct md_doc *d, const struct md_node *n, int *line, int *col, int *end_line,
		 int *end_col);
/* Byte range [*@start, *@end) of @n in the original text. */
void md_node_range(const struct md_doc *d, const struct md_node *n, size_t *start, size_t *end);
/*
 * Appends the plain text of @n's inline content (text and code spans;
 * line breaks become one space) to @out.  Meant for headings.
 */
void md_node_text(const struct md_node *n, struct sw_buf *out);

/*
 * Appends a diagnostic located at byte @off of @md's text to @d (nothing
 * when @d is NULL); @hint may be NULL.  @path is copied.
 */
void md_diag_at(struct sw_diags *d, const struct md_doc *md, const char *path, enum sw_severity sev,
		const char *code, size_t off, const char *hint, const char *fmt, ...) SW_PRINTF(8, 9);

#endif
