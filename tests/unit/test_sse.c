/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "base/sse.h"

/* Collects events as "type|id|data" lines. */
static int collect(const struct sw_sse_event *ev, void *data, struct sw_error *err)
{
	struct sw_buf *b = data;

	SW_UNUSED(err);
	sw_buf_addf(b, "%s|%s|", ev->type, ev->id);
	sw_buf_add(b, ev->data, ev->data_len);
	if (ev->retry_ms >= 0)
		sw_buf_addf(b, "|retry=%ld", ev->retry_ms);
	sw_buf_addch(b, '\n');
	return 0;
}

static void parse_in_chunks(const char *in, size_t step, struct sw_buf *out)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_sse p;
	size_t len = strlen(in), i;

	sw_sse_init(&p, 0);
	for (i = 0; i < len; i += step)
		assert_sw_ok(sw_sse_feed(&p, in + i, len - i < step ? len - i : step, collect, out, &err), &err);
	sw_sse_release(&p);
}

static const struct {
	const char *in, *want;
} cases[] = {
	{ "data: hello\n\n", "message||hello\n" },
	{ "event: message_start\ndata: {\"a\":1}\n\n", "message_start||{\"a\":1}\n" },
	{ "data: one\ndata: two\n\n", "message||one\ntwo\n" },
	{ "data: crlf\r\n\r\ndata: cr\r\rdata:nospace\n\n", "message||crlf\nmessage||cr\nmessage||nospace\n" },
	{ ": comment\ndata: x\n\n", "message||x\n" },
	{ "id: 7\ndata: a\n\ndata: b\n\n", "message|7|a\nmessage|7|b\n" },
	{ "event: only\n\ndata: after\n\n", "message||after\n" },
	{ "data\n\n", "message||\n" },
	{ "data:  two spaces\n\n", "message|| two spaces\n" },
	{ "retry: 1500\ndata: r\n\nretry: x1\ndata: s\n\n", "message||r|retry=1500\nmessage||s\n" },
	{ "\xEF\xBB\xBF" "data: bom\n\n", "message||bom\n" },
	{ "data: incomplete", "" },
	{ "unknown: field\ndata: z\n\n", "message||z\n" },
	{ "data: [DONE]\n\n", "message||[DONE]\n" },
};

/* Every case gives the same events whatever the chunking (1 byte, 2, 3, whole). */
static void sse__cases_in_any_chunking(void **state)
{
	size_t i, step;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(cases); i++)
		for (step = 1; step <= strlen(cases[i].in); step = step < 4 ? step + 1 : strlen(cases[i].in) + 1) {
			struct sw_buf out = SW_BUF_INIT;

			parse_in_chunks(cases[i].in, step, &out);
			if (strcmp(out.ptr, cases[i].want))
				fail_msg("case %zu step %zu: got [%s] want [%s]", i, step, out.ptr, cases[i].want);
			sw_buf_release(&out);
		}
}

static void sse__line_ceiling(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf out = SW_BUF_INIT;
	struct sw_sse p;
	char big[200];

	SW_UNUSED(state);
	memset(big, 'x', sizeof(big));
	sw_sse_init(&p, 64);
	assert_sw_fails(sw_sse_feed(&p, big, sizeof(big), collect, &out, &err), SW_ETOOBIG, &err);
	sw_sse_release(&p);
	/* Many short data lines that add up past the ceiling are refused too. */
	sw_sse_init(&p, 64);
	{
		int i, rc = 0;

		for (i = 0; i < 20 && rc == 0; i++)
			rc = sw_sse_feed(&p, "data: 0123456789\n", 17, collect, &out, &err);
		assert_int_equal(rc, SW_ETOOBIG);
	}
	sw_sse_release(&p);
	assert_string_equal(out.ptr, "");
	sw_buf_release(&out);
}

static int stop_at_second(const struct sw_sse_event *ev, void *data, struct sw_error *err)
{
	int *n = data;

	SW_UNUSED(ev);
	if (++*n == 2)
		return sw_error_set(err, SW_ECANCELED, "stop");
	return 0;
}

static void sse__callback_stops_parsing(void **state)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_sse p;
	int n = 0;
	const char *in = "data: 1\n\ndata: 2\n\ndata: 3\n\n";

	SW_UNUSED(state);
	sw_sse_init(&p, 0);
	assert_int_equal(sw_sse_feed(&p, in, strlen(in), stop_at_second, &n, &err), SW_ECANCELED);
	assert_int_equal(n, 2);
	sw_sse_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sse__cases_in_any_chunking),
		cmocka_unit_test(sse__line_ceiling),
		cmocka_unit_test(sse__callback_stops_parsing),
	};
	return sw_run_group("sse", tests);
}
