/* SPDX-License-Identifier: Apache-2.0 */
/*
 * model_server.h - runs tests/model-server/server.py for a unit test.
 *
 * ms_start() writes @script (JSON text) to a temporary folder, starts the
 * server on an ephemeral loopback port and waits until it listens; the
 * test then talks to ms->url.  ms_stop() kills it and removes the folder.
 * Tests skip when python3 is missing (ms_start returns NULL).
 */
#ifndef SW_TEST_MODEL_SERVER_H
#define SW_TEST_MODEL_SERVER_H

#include "base/compat.h"
#include "base/buf.h"
#include <sys/types.h>

struct ms {
	pid_t pid;
	char *dir;      /* output folder: requests.ndjson, failures.txt */
	char url[64];   /* http://127.0.0.1:PORT */
	int port;
};

struct ms *ms_start(const char *script);
/* Reads a file of the server's output folder into @out. */
void ms_read(struct ms *m, const char *name, struct sw_buf *out);
/* Fails the test when the server recorded an assertion failure. */
void ms_assert_clean(struct ms *m);
void ms_stop(struct ms *m);

#endif
