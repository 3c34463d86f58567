/* SPDX-License-Identifier: Apache-2.0 */
/*
 * knowledge_driver.c - in-process timings for bench/knowledge.sh (not a test).
 *
 *   knowledge_driver query ROOT QUERIES_FILE     one kb_search per line, limit 5
 *   knowledge_driver reindex ROOT FILE N         N edits of FILE, each re-indexed
 *
 * Prints "p50_ms p99_ms mean_ms" for the timed calls.  The database is
 * opened once, as a long-lived caller (the agent, the MCP server, the hook
 * watcher) would.
 */
#include "base/compat.h"
#include "base/fs.h"
#include "knowledge/knowledge.h"

#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(double *t, size_t n)
{
	double sum = 0;
	size_t i;

	qsort(t, n, sizeof(*t), dcmp);
	for (i = 0; i < n; i++)
		sum += t[i];
	printf("%.3f %.3f %.3f\n", t[n / 2], t[(size_t)((double)n * 0.99) < n ? (size_t)((double)n * 0.99) : n - 1],
	       sum / (double)n);
}

int main(int argc, char **argv)
{
	struct sw_error err = SW_ERROR_INIT;
	struct kb_db *db = NULL;
	double t[10000];
	size_t n = 0;

	if (argc < 4 || kb_open(&db, argv[2], 1, &err) < 0) {
		fprintf(stderr, "knowledge_driver: %s\n", argc < 4 ? "usage: query|reindex ROOT ARG [N]" : err.msg);
		return 2;
	}
	if (!strcmp(argv[1], "query")) {
		FILE *fp = fopen(argv[3], "r");
		char line[512];
		int pass;

		for (pass = 0; fp && pass < 2; pass++) { /* the first pass warms the page cache */
			rewind(fp);
			n = 0;
			while (fgets(line, sizeof(line), fp) && n < SW_ARRAY_SIZE(t)) {
				struct kb_query q = KB_QUERY_INIT;
				struct kb_hits h = KB_HITS_INIT;
				double t0;

				line[strcspn(line, "\n")] = '\0';
				q.text = line;
				t0 = now_ms();
				if (kb_search(db, &q, &h, &err) < 0) {
					fprintf(stderr, "knowledge_driver: %s\n", err.msg);
					return 1;
				}
				t[n++] = now_ms() - t0;
				kb_hits_release(&h);
			}
		}
		if (fp)
			fclose(fp);
	} else {
		long i, reps = argc > 4 ? strtol(argv[4], NULL, 10) : 20;

		for (i = 0; i < reps && i < (long)SW_ARRAY_SIZE(t); i++) {
			FILE *fp = fopen(argv[3], "a");
			double t0;
			size_t touched = 0;

			fprintf(fp, "edited line %ld with a fresh word quux%ld\n", i, i);
			fclose(fp);
			t0 = now_ms();
			if (kb_index_file(db, argv[3], NULL, &touched, &err) < 0 || touched != 1) {
				fprintf(stderr, "knowledge_driver: %s (%zu)\n", err.msg, touched);
				return 1;
			}
			t[n++] = now_ms() - t0;
		}
	}
	report(t, n);
	kb_close(db);
	return 0;
}
