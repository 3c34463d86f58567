/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sse.c - the event-stream parser; see sse.h for the rules it follows.
 *
 * Bytes are scanned for line ends; whole lines are processed at once and
 * a partial line is kept in p->line until its end arrives.
 */
#include "compat.h"
#include "sse.h"

#include <ctype.h>

void sw_sse_init(struct sw_sse *p, size_t max_event)
{
	memset(p, 0, sizeof(*p));
	sw_buf_init(&p->line, 0);
	sw_buf_init(&p->data, 0);
	sw_buf_init(&p->type, 0);
	sw_buf_init(&p->id, 0);
	p->retry_ms = -1;
	p->max_event = max_event ? max_event : SW_SSE_MAX_EVENT;
}

void sw_sse_release(struct sw_sse *p)
{
	if (!p)
		return;
	sw_buf_release(&p->line);
	sw_buf_release(&p->data);
	sw_buf_release(&p->type);
	sw_buf_release(&p->id);
}

static int dispatch(struct sw_sse *p, sw_sse_event_cb cb, void *data, struct sw_error *err)
{
	struct sw_sse_event ev;
	int rc = 0;

	if (p->has_data) {
		/* The data buffer ends with the "\n" of its last line: drop it. */
		if (p->data.len && p->data.ptr[p->data.len - 1] == '\n')
			sw_buf_setlen(&p->data, p->data.len - 1);
		ev.type = p->type.len ? p->type.ptr : "message";
		ev.data = p->data.ptr;
		ev.data_len = p->data.len;
		ev.id = p->id.ptr;
		ev.retry_ms = p->retry_ms;
		p->events++;
		rc = cb(&ev, data, err);
	}
	sw_buf_reset(&p->data);
	sw_buf_reset(&p->type);
	p->has_data = 0;
	p->retry_ms = -1;
	return rc;
}

static int process_line(struct sw_sse *p, const char *line, size_t len, sw_sse_event_cb cb,
			void *data, struct sw_error *err)
{
	const char *colon, *value;
	size_t flen, vlen;

	if (len == 0)
		return dispatch(p, cb, data, err);
	if (line[0] == ':')
		return 0;
	colon = memchr(line, ':', len);
	if (colon) {
		flen = (size_t)(colon - line);
		value = colon + 1;
		vlen = len - flen - 1;
		if (vlen && *value == ' ') {
			value++;
			vlen--;
		}
	} else {
		flen = len;
		value = "";
		vlen = 0;
	}
	if (flen == 4 && !memcmp(line, "data", 4)) {
		int rc = sw_buf_add_capped(&p->data, value, vlen, p->max_event - 1, "server-sent event",
					   err);

		if (rc < 0)
			return rc;
		sw_buf_addch(&p->data, '\n');
		p->has_data = 1;
	} else if (flen == 5 && !memcmp(line, "event", 5)) {
		sw_buf_reset(&p->type);
		sw_buf_add(&p->type, value, vlen);
	} else if (flen == 2 && !memcmp(line, "id", 2)) {
		if (!memchr(value, '\0', vlen)) {
			sw_buf_reset(&p->id);
			sw_buf_add(&p->id, value, vlen);
		}
	} else if (flen == 5 && !memcmp(line, "retry", 5)) {
		size_t i;
		long v = 0;

		for (i = 0; i < vlen && isdigit((unsigned char)value[i]) && v < 100000000; i++)
			v = v * 10 + (value[i] - '0');
		if (vlen && i == vlen)
			p->retry_ms = v;
	}
	return 0;
}

int sw_sse_feed(struct sw_sse *p, const char *buf, size_t len, sw_sse_event_cb cb, void *data,
		struct sw_error *err)
{
	size_t i = 0;
	int rc;

	if (!p->started && len) {
		struct sw_buf head = SW_BUF_INIT;
		size_t skip = 0;

		/* A BOM may arrive split over chunks: hold up to two bytes of one. */
		sw_buf_addbuf(&head, &p->line);
		sw_buf_add(&head, buf, len);
		if (head.len < 3 && !memcmp(head.ptr, "\xEF\xBB\xBF", head.len)) {
			sw_buf_release(&p->line);
			p->line = head;
			return 0;
		}
		p->started = 1;
		sw_buf_reset(&p->line);
		if (!memcmp(head.ptr, "\xEF\xBB\xBF", 3))
			skip = 3;
		rc = sw_sse_feed(p, head.ptr + skip, head.len - skip, cb, data, err);
		sw_buf_release(&head);
		return rc;
	}
	if (p->skip_lf && i < len) {
		if (buf[i] == '\n')
			i++;
		p->skip_lf = 0;
	}
	while (i < len) {
		const char *start = buf + i, *end = NULL;
		size_t j;

		for (j = i; j < len; j++)
			if (buf[j] == '\n' || buf[j] == '\r') {
				end = buf + j;
				break;
			}
		if (!end) {
			rc = sw_buf_add_capped(&p->line, start, len - i, p->max_event, "server-sent event line",
					       err);
			return rc < 0 ? rc : 0;
		}
		if (p->line.len) {
			if ((rc = sw_buf_add_capped(&p->line, start, (size_t)(end - start), p->max_event,
						    "server-sent event line", err)) < 0)
				return rc;
			rc = process_line(p, p->line.ptr, p->line.len, cb, data, err);
			sw_buf_reset(&p->line);
		} else {
			if ((size_t)(end - start) > p->max_event)
				return sw_error_set(err, SW_ETOOBIG,
						    "server-sent event line exceeds the limit of %zu bytes",
						    p->max_event);
			rc = process_line(p, start, (size_t)(end - start), cb, data, err);
		}
		if (rc < 0)
			return rc;
		i = j + 1;
		if (*end == '\r') {
			if (i < len) {
				if (buf[i] == '\n')
					i++;
			} else {
				p->skip_lf = 1;
			}
		}
	}
	return 0;
}
