/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mcp-calls-client.c - a minimal MCP stdio client for bench/mcp-calls.sh.
 *
 *   mcp-calls-client CALLS WINDOW TOOL ARGS EXPECT -- SERVER [ARGS...]
 *
 * Spawns SERVER, initializes, then sends CALLS tools/call requests for TOOL
 * with the JSON object ARGS, keeping up to WINDOW requests in flight, and
 * reads every answer.  Each answer must contain EXPECT and no "isError":true,
 * or the run fails.  Prints "calls=N seconds=S rate=R" (calls per second
 * of the timed part, after initialize).  Plain POSIX, so it measures the
 * servers and not a client library; the same binary drives every server.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char rbuf[1 << 22];
static size_t rlen;
static int from_srv;

/* Reads one line (without the newline) into a static buffer; NULL at EOF. */
static char *read_line(void)
{
	static char line[1 << 22];
	char *nl;

	for (;;) {
		nl = memchr(rbuf, '\n', rlen);
		if (nl) {
			size_t n = (size_t)(nl - rbuf);

			memcpy(line, rbuf, n);
			line[n] = '\0';
			memmove(rbuf, nl + 1, rlen - n - 1);
			rlen -= n + 1;
			return line;
		}
		if (rlen == sizeof(rbuf))
			return NULL;
		ssize_t r = read(from_srv, rbuf + rlen, sizeof(rbuf) - rlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return NULL;
		rlen += (size_t)r;
	}
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror("write to server");
			exit(1);
		}
		s += w;
		n -= (size_t)w;
	}
}

/* Reads until an answer (a line with "result" or "error" and an id) arrives. */
static char *read_answer(void)
{
	char *l;

	while ((l = read_line()))
		if (strstr(l, "\"result\"") || strstr(l, "\"error\""))
			return l;
	fprintf(stderr, "server closed its output\n");
	exit(1);
}

int main(int argc, char **argv)
{
	long calls, window, sent = 0, got = 0;
	const char *tool, *args, *expect;
	int to[2], from[2], to_srv;
	pid_t pid;
	char req[8192];
	struct timespec t0, t1;
	double secs;
	char *a;

	if (argc < 8 || strcmp(argv[6], "--")) {
		fprintf(stderr, "usage: mcp-calls-client CALLS WINDOW TOOL ARGS EXPECT -- SERVER [ARGS...]\n");
		return 2;
	}
	calls = atol(argv[1]);
	window = atol(argv[2]);
	tool = argv[3];
	args = argv[4];
	expect = argv[5];
	signal(SIGPIPE, SIG_IGN);
	if (pipe(to) < 0 || pipe(from) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		execvp(argv[7], argv + 7);
		perror(argv[7]);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	to_srv = to[1];
	from_srv = from[0];

	snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
		 "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}\n");
	write_all(to_srv, req, strlen(req));
	a = read_answer();
	if (!strstr(a, "protocolVersion")) {
		fprintf(stderr, "bad initialize answer: %.200s\n", a);
		return 1;
	}
	snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
	write_all(to_srv, req, strlen(req));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got < calls) {
		while (sent < calls && sent - got < window) {
			int n = snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\","
					 "\"params\":{\"name\":\"%s\",\"arguments\":%s}}\n", sent + 1, tool, args);
			write_all(to_srv, req, (size_t)n);
			sent++;
		}
		a = read_answer();
		if (!strstr(a, expect) || strstr(a, "\"isError\":true") || strstr(a, "\"error\"")) {
			fprintf(stderr, "unexpected answer: %.300s\n", a);
			return 1;
		}
		got++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("calls=%ld seconds=%.3f rate=%.0f\n", got, secs, (double)got / secs);
	close(to_srv);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return 0;
}
