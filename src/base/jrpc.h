/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jrpc.h - JSON-RPC 2.0 connections over newline-delimited JSON.
 *
 * One connection (struct jrpc) carries requests in both directions at once,
 * as MCP and ACP need: each side numbers its own requests, so the peer's ids
 * may equal ours.  A message with "method" is the peer's request (with "id")
 * or notification (without); a message without "method" is a response and is
 * matched only against our own outstanding requests.  Messages are cJSON
 * values; every line is parsed with sw_json_parse().  Unknown fields are
 * ignored everywhere.
 *
 * Framing: one JSON value per line, "\n"-terminated, "\r\n" accepted, blank
 * lines skipped.  There is no fixed line limit, only a configurable ceiling
 * (jrpc_opts.max_message, default JRPC_MAX_MESSAGE): a longer line is dropped
 * up to its newline, reported through on_error as SW_ETOOBIG and answered with
 * -32600; the connection stays open.  The reader keeps a scan offset, so a
 * multi-megabyte line arriving in small chunks costs linear time.
 *
 * What the connection answers by itself:
 *   a line that is not JSON           -32700 (id null), connection kept open
 *   an array (batch), a non-object,
 *   a malformed request               -32600
 *   a request with no handler          -32601
 *   a notification with no handler     ignored
 *   a response to no request of ours   ignored (reported through on_error)
 *
 * Transports (STYLE R18): bytes leave through struct jrpc_transport_ops and
 * arrive through jrpc_feed()/jrpc_feed_eof().  Three transports are built in:
 * jrpc_attach_fds() (our own stdin/stdout, a socket, a socketpair end, as libuv
 * pipes/ttys/TCP handles), jrpc_attach_child() (a child's stdin/stdout through
 * base/proc.h), and anything a caller plugs in with jrpc_set_transport() (tests
 * use an in-memory one).
 *
 * Calling sequence:
 *   1. struct jrpc_opts o = JRPC_OPTS_INIT; set max_message, timeouts, hooks
 *   2. jrpc_new(&rpc, loop, &o)            (loop may be NULL: no timers)
 *   3. jrpc_on(rpc, "method", cb, data)    for each method we serve;
 *      optionally jrpc_on_default() for everything else
 *   4. attach a transport: jrpc_attach_fds / jrpc_attach_child /
 *      jrpc_set_transport (+ jrpc_feed from your reader)
 *   5. jrpc_call_take() / jrpc_notify_take() to talk; a response callback
 *      fires exactly once per accepted call: with the result, the peer's
 *      error, SW_ETIMEOUT, SW_ECANCELED or SW_EIO (connection closed).
 *      jrpc_call_sync() does the same on a running loop and waits.
 *   6. Requests from the peer arrive in method callbacks as struct
 *      jrpc_request; answer each one exactly once, now or later, with
 *      jrpc_reply_take() / jrpc_reply_error(), or jrpc_request_drop() it.
 *   7. jrpc_close(rpc) to hang up (idempotent), jrpc_free(rpc) to release;
 *      both are safe inside any callback of this connection.
 *
 * Cancellation: jrpc_cancel() (and a timeout) completes our request with
 * SW_ECANCELED (SW_ETIMEOUT), forgets its id so a late answer is ignored, and
 * calls opts.on_cancel so the protocol above can tell the peer
 * (MCP "notifications/cancelled", ACP "$/cancel_request").  In the other
 * direction the protocol layer looks the peer's request up with
 * jrpc_request_find() and calls jrpc_request_cancel(), which runs the hook the
 * handler installed with jrpc_request_on_cancel().
 *
 * Lifetime: libuv handles close asynchronously, so after jrpc_free() the
 * memory is released once the loop has run their close callbacks.  Unanswered
 * peer requests are cancelled (their hooks run) and freed by jrpc_close(); a
 * handler must not touch a request after its cancel hook ran with
 * JRPC_CANCEL_CLOSED.  One thread: everything runs on the loop (STYLE R17).
 */
#ifndef SW_JRPC_H
#define SW_JRPC_H

#include "compat.h"
#include "buf.h"
#include "error.h"
#include "proc.h"

#include <cjson/cJSON.h>
#include <uv.h>

#define JRPC_MAX_MESSAGE (16u << 20) /* default ceiling of one NDJSON message */

/* Error codes of JSON-RPC 2.0 and the two protocols built on it. */
enum {
	JRPC_PARSE_ERROR = -32700,
	JRPC_INVALID_REQUEST = -32600,
	JRPC_METHOD_NOT_FOUND = -32601,
	JRPC_INVALID_PARAMS = -32602,
	JRPC_INTERNAL_ERROR = -32603,
	JRPC_REQUEST_CANCELLED = -32800, /* ACP: the answer to a cancelled request */
	JRPC_AUTH_REQUIRED = -32000,     /* ACP */
	JRPC_RESOURCE_NOT_FOUND = -32002, /* ACP: e.g. a missing file */
};

struct jrpc;
struct jrpc_request; /* a request from the peer, awaiting our answer */

/* How bytes leave the connection (STYLE R18). */
struct jrpc_transport_ops {
	/* Queues @len bytes (one or more whole lines); copies them. */
	int (*write)(void *self, const char *buf, size_t len, struct sw_error *err);
	/* Hangs up: no more writes; the peer sees end of input. */
	void (*close)(void *self);
	/* Releases @self; called once, after close. May be NULL. */
	void (*release)(void *self);
};

/* The outcome of one of our requests, handed to its response callback. */
struct jrpc_response {
	int64_t id;               /* the id we sent */
	const char *method;       /* the method we called */
	int rc;                   /* 0: result; SW_EPROTO: the peer's error; SW_ETIMEOUT;
				   * SW_ECANCELED; SW_EIO: connection closed */
	const cJSON *result;      /* rc == 0: the result (borrowed for the callback) */
	const cJSON *error;       /* the peer's error object, else NULL (borrowed) */
	long long code;           /* the peer's error code, else 0 */
	const char *message;      /* the peer's error message, else NULL */
	const struct sw_error *err; /* rc < 0: what happened, in our words */
};

typedef void (*jrpc_response_cb)(struct jrpc *rpc, const struct jrpc_response *res, void *data);
/*
 * A method handler.  For a request @req is non-NULL and must be answered
 * (or dropped) exactly once; for a notification @req is NULL.  @method and
 * @params are borrowed for the call (@params may be NULL).
 */
typedef void (*jrpc_method_cb)(struct jrpc *rpc, struct jrpc_request *req, const char *method,
			       const cJSON *params, void *data);

enum jrpc_cancel_reason {
	JRPC_CANCEL_REQUESTED, /* jrpc_cancel() / jrpc_request_cancel() */
	JRPC_CANCEL_TIMEOUT,   /* the request's timeout passed */
	JRPC_CANCEL_CLOSED,    /* the connection closed */
};

/* Our request @id (@method) was given up; tell the peer if the protocol wants. */
typedef void (*jrpc_cancel_cb)(struct jrpc *rpc, int64_t id, const char *method,
			       enum jrpc_cancel_reason why, void *data);
/* A problem that does not end the connection (bad line, too big, stray response). */
typedef void (*jrpc_error_cb)(struct jrpc *rpc, const struct sw_error *err, void *data);
/* The peer hung up (end of input) or the transport failed; @err says which. */
typedef void (*jrpc_close_cb)(struct jrpc *rpc, const struct sw_error *err, void *data);
/* The peer's request was cancelled (or the connection closed under it). */
typedef void (*jrpc_request_cancel_cb)(struct jrpc_request *req, enum jrpc_cancel_reason why, void *data);

struct jrpc_opts {
	size_t max_message;          /* ceiling of one incoming line; 0: JRPC_MAX_MESSAGE */
	uint64_t default_timeout_ms; /* for calls that give none; 0: no timeout */
	const char *name;            /* peer name for messages ("agent", "mcp server 'x'") */
	jrpc_cancel_cb on_cancel;    /* our request given up (may be NULL) */
	jrpc_error_cb on_error;      /* recoverable protocol problems (may be NULL) */
	jrpc_close_cb on_close;      /* peer gone (may be NULL) */
	void *data;                  /* passed to the three hooks above */
	int refuse_nul;              /* answer requests whose strings hold \u0000 with -32602 */
	int drain_on_eof;            /* at end of input, answer what was read before closing */
};

#define JRPC_OPTS_INIT { 0, 0, NULL, NULL, NULL, NULL, NULL, 0, 0 }

/* Options of one outgoing request. */
struct jrpc_call_opts {
	uint64_t timeout_ms;         /* 0: jrpc_opts.default_timeout_ms */
	jrpc_response_cb on_response; /* NULL: the answer is discarded */
	void *data;
};

#define JRPC_CALL_OPTS_INIT { 0, NULL, NULL }

/*
 * Creates a connection on @loop (borrowed; NULL means no timers, for
 * fuzzing and purely synchronous use).  @o is copied; o->name is copied.
 * The caller frees with jrpc_free().
 */
void jrpc_new(struct jrpc **out, uv_loop_t *loop, const struct jrpc_opts *o);

/* Registers @cb for @method (copied), replacing an earlier handler. */
void jrpc_on(struct jrpc *rpc, const char *method, jrpc_method_cb cb, void *data);
/* Handler for every method without its own; without it: -32601 / ignored. */
void jrpc_on_default(struct jrpc *rpc, jrpc_method_cb cb, void *data);

/*
 * Plugs in a transport: @ops/@self receive our outgoing bytes; the caller
 * feeds incoming bytes with jrpc_feed().  @ops must outlive the connection;
 * ops->release(self) runs when the connection is freed.
 */
void jrpc_set_transport(struct jrpc *rpc, const struct jrpc_transport_ops *ops, void *self);

/*
 * Reads lines from @in_fd and writes to @out_fd (they may be equal, e.g. a
 * socket) through libuv handles chosen by uv_guess_handle (pipe, socket,
 * tty).  The connection owns the handles, not the descriptors' lifetime
 * beyond them: closing the connection closes the handles (and so the fds).
 * Needs a loop.  Errors: SW_EINVAL (a regular file, no loop), SW_EIO.
 */
int jrpc_attach_fds(struct jrpc *rpc, int in_fd, int out_fd, struct sw_error *err);

/*
 * Starts a child from @o (argv, cwd, env, timeout, on_stderr, on_exit, data
 * are used; stdin/stdout are taken over) and speaks JSON-RPC over its
 * stdin/stdout.  The child belongs to the connection: jrpc_close() closes
 * its stdin, jrpc_free() kills what is left of its process group.  The
 * child's end of output counts as the peer hanging up (on_close), then
 * o->on_exit runs as usual.  Errors: as sw_proc_start.
 */
int jrpc_attach_child(struct jrpc *rpc, const struct sw_proc_opts *o, struct sw_error *err);
/* The child started by jrpc_attach_child (borrowed), or NULL. */
struct sw_proc *jrpc_child(struct jrpc *rpc);

/*
 * Incoming bytes from the transport (any split).  Complete lines are
 * dispatched before this returns, unless it is called from inside one of
 * this connection's callbacks, in which case they are dispatched when that
 * callback returns.
 */
void jrpc_feed(struct jrpc *rpc, const char *buf, size_t len);
/*
 * End of input: pending calls fail with SW_EIO, on_close runs.  With
 * opts.drain_on_eof the peer's unanswered requests keep the connection
 * open for writing: nothing more is read, and on_close runs (and the
 * transport closes) once the last of them is answered or dropped.
 */
void jrpc_feed_eof(struct jrpc *rpc);

/*
 * Sends a request for @method with @params (consumed, even on error; NULL
 * sends no params).  *@id_out (may be NULL) receives its id for
 * jrpc_cancel().  Errors: SW_EIO (closed or the write failed); then no
 * callback fires.
 */
int jrpc_call_take(struct jrpc *rpc, int64_t *id_out, const char *method, cJSON *params,
		   const struct jrpc_call_opts *o, struct sw_error *err);
/*
 * Sends a request and runs the loop until it is answered; *@result (caller
 * frees with cJSON_Delete) is the result.  Must not be called from inside a
 * loop callback.  Errors: SW_EPROTO (the peer answered with an error; its
 * message, code in @code_out if non-NULL), SW_ETIMEOUT, SW_EIO.
 */
int jrpc_call_sync(struct jrpc *rpc, cJSON **result, long long *code_out, const char *method,
		   cJSON *params, uint64_t timeout_ms, struct sw_error *err);
/* Sends a notification; @params consumed.  Errors: SW_EIO. */
int jrpc_notify_take(struct jrpc *rpc, const char *method, cJSON *params, struct sw_error *err);

/*
 * Gives up our request @id: its callback runs with SW_ECANCELED, then
 * opts.on_cancel.  Returns SW_ENOTFOUND if @id is not outstanding.
 */
int jrpc_cancel(struct jrpc *rpc, int64_t id);
/* Number of our requests still waiting for an answer. */
size_t jrpc_pending(const struct jrpc *rpc);

/*
 * Answers @req with @result (consumed; NULL answers {}) and frees @req.
 * Errors: SW_EIO (the write failed or the connection is closed; @req is freed
 * all the same).
 */
int jrpc_reply_take(struct jrpc_request *req, cJSON *result, struct sw_error *err);
/* Answers @req with an error; @data (consumed, may be NULL) becomes error.data. */
int jrpc_reply_error(struct jrpc_request *req, long long code, const char *message, cJSON *data,
		     struct sw_error *err);
/* Forgets @req without answering (MCP: a cancelled request gets no answer). */
void jrpc_request_drop(struct jrpc_request *req);

const char *jrpc_request_method(const struct jrpc_request *req);
/* The peer's id (borrowed; a string, number or null). */
const cJSON *jrpc_request_id(const struct jrpc_request *req);
struct jrpc *jrpc_request_rpc(const struct jrpc_request *req);
/* 1 once jrpc_request_cancel() ran on @req. */
int jrpc_request_cancelled(const struct jrpc_request *req);
/* Installs the hook jrpc_request_cancel() and jrpc_close() call. */
void jrpc_request_on_cancel(struct jrpc_request *req, jrpc_request_cancel_cb cb, void *data);
/* The unanswered peer request with id @id, or NULL. */
struct jrpc_request *jrpc_request_find(struct jrpc *rpc, const cJSON *id);
/* Marks @req cancelled and runs its hook; the hook (or later code) still answers it. */
void jrpc_request_cancel(struct jrpc_request *req);

/*
 * Hangs up: closes the transport, fails our pending calls with SW_EIO and
 * cancels the peer's unanswered requests (JRPC_CANCEL_CLOSED).  Idempotent.
 */
void jrpc_close(struct jrpc *rpc);
/* 1 after jrpc_close or end of input. */
int jrpc_closed(const struct jrpc *rpc);
/* Closes and releases @rpc (see Lifetime above). Accepts NULL. */
void jrpc_free(struct jrpc *rpc);

#endif
