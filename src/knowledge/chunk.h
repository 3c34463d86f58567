/* SPDX-License-Identifier: Apache-2.0 */
/*
 * chunk.h - splitting a text file into search chunks with exact line spans.
 *
 * A chunk is a run of whole lines [start_line, end_line] (1-based,
 * inclusive) of the file, so every search hit can be cited as
 * "path:start-end" and its text is exactly those lines.  Leading and
 * trailing blank lines are never part of a chunk.
 *
 * Markdown is cut at ATX headings ("#" to "######" outside fenced code);
 * a section never shares a chunk with the next one.  Inside a section,
 * paragraphs (runs of non-blank lines; a fenced block counts as one run,
 * blank lines included) are packed into chunks of at most max_lines lines
 * and max_bytes bytes.  Code and plain text are cut the same way with
 * blank-line blocks in place of paragraphs, which keeps functions and
 * their comments together in practice.  A single block longer than the
 * bounds is cut into windows of max_lines lines that overlap by
 * @overlap lines, so no context is lost at a forced cut; for code the
 * window prefers to end just after a line that closes a top-level block
 * ("}" or "};" in column 1).
 *
 * Each chunk carries a heading: for Markdown the heading path of its
 * section ("Install / Debian"), for code the first line of the chunk that
 * starts in column 1 with an identifier (usually a definition).
 */
#ifndef KB_CHUNK_H
#define KB_CHUNK_H

#include "base/compat.h"
#include "base/buf.h"

enum kb_kind { KB_KIND_TEXT, KB_KIND_MARKDOWN, KB_KIND_CODE };

struct kb_chunk_opts {
	int max_lines;    /* a chunk holds at most this many lines (unless one line is longer) */
	size_t max_bytes; /* ... and at most this many bytes, except a single longer line */
	int overlap;      /* lines repeated between windows of a forced cut */
};

#define KB_CHUNK_OPTS_INIT { 40, 3000, 3 }

struct kb_chunk {
	int start_line;   /* 1-based, inclusive */
	int end_line;     /* 1-based, inclusive */
	size_t off, len;  /* byte range of the lines in the text (without the last newline) */
	char *heading;    /* malloc'd, "" if none */
};

struct kb_chunks {
	struct kb_chunk *v;
	size_t nr, alloc;
};

#define KB_CHUNKS_INIT { NULL, 0, 0 }

/* The kind for a file name, by extension ("md" → Markdown, "c" → code). */
enum kb_kind kb_kind_for_path(const char *path);

/*
 * Appends the chunks of @text (@len bytes) to @out.  @opts may be NULL
 * for the defaults.  Never fails; an empty or blank text yields no chunk.
 */
void kb_chunk_text(struct kb_chunks *out, const char *text, size_t len, enum kb_kind kind,
		   const struct kb_chunk_opts *opts);

void kb_chunks_release(struct kb_chunks *c);

#endif
