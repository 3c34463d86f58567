/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sse.h - an incremental Server-Sent Events parser (text/event-stream).
 *
 * Implements the event-stream interpretation of the HTML standard: lines
 * end in CRLF, LF or CR (a CRLF split across two chunks counts once); a
 * leading UTF-8 BOM is skipped; "field: value" with at most one space
 * removed after the colon; a line without a colon is a field with an
 * empty value; lines starting with ':' are comments; "data" lines are
 * joined with "\n"; "event" sets the type (default "message"); "id" sets
 * the last event id (ignored if it contains NUL) and persists across
 * events; "retry" takes ASCII digits only; unknown fields are ignored.
 * A blank line dispatches the event if any data line was seen (an empty
 * "data:" counts), then resets data and type.  At the end of the stream
 * an incomplete event is discarded, as the standard says.
 *
 * Bytes arrive in arbitrary chunks (sw_sse_feed); the parser holds at most
 * one partial line and one partial event, each bounded by @max_event.
 *
 * Calling sequence:
 *   struct sw_sse p; sw_sse_init(&p, 0);
 *   per chunk: rc = sw_sse_feed(&p, buf, len, on_event, data, &err);
 *   sw_sse_release(&p);
 *
 * Used by the model providers (Anthropic, OpenAI-compatible streaming) and
 * by the MCP client (Streamable HTTP).
 */
#ifndef SW_SSE_H
#define SW_SSE_H

#include "compat.h"
#include "buf.h"
#include "error.h"

#define SW_SSE_MAX_EVENT (16u << 20) /* default ceiling on one line or one event's data */

struct sw_sse_event {
	const char *type; /* "message" unless an "event" field named it; never NULL */
	const char *data; /* data lines joined with "\n", NUL-terminated */
	size_t data_len;
	const char *id;   /* the last event id seen so far ("" if none); never NULL */
	long retry_ms;    /* the retry field of this event, -1 if absent */
};

/*
 * Receives one dispatched event; the strings are borrowed until it returns.
 * Return 0 to go on, or a negative SW_E* (with @err set) to stop: sw_sse_feed
 * returns that code at once and the rest of the chunk is not parsed.
 */
typedef int (*sw_sse_event_cb)(const struct sw_sse_event *ev, void *data, struct sw_error *err);

struct sw_sse {
	struct sw_buf line;  /* the current, unterminated line */
	struct sw_buf data;  /* data of the current event */
	struct sw_buf type;  /* event type of the current event, "" = message */
	struct sw_buf id;    /* last event id */
	long retry_ms;       /* retry of the current event, -1 if none */
	size_t max_event;    /* ceiling on line and data length */
	int has_data;        /* a data field was seen in the current event */
	int skip_lf;         /* the previous chunk ended in CR: drop a leading LF */
	int started;         /* first bytes seen (BOM check done) */
	size_t events;       /* events dispatched so far */
};

/* Prepares @p; @max_event 0 means SW_SSE_MAX_EVENT. */
void sw_sse_init(struct sw_sse *p, size_t max_event);

/*
 * Parses @len bytes, calling @cb for each complete event.
 * Errors: SW_ETOOBIG (a line or an event over the ceiling), or the
 * callback's code.
 */
int sw_sse_feed(struct sw_sse *p, const char *buf, size_t len, sw_sse_event_cb cb, void *data,
		struct sw_error *err);

/* Frees the buffers; @p may be reused after sw_sse_init. Accepts NULL. */
void sw_sse_release(struct sw_sse *p);

#endif
