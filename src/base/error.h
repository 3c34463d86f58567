/* SPDX-License-Identifier: Apache-2.0 */
/*
 * error.h - the error contract and source-located diagnostics.
 *
 * Every fallible function returns int: 0 (or a count) on success, a
 * negative SW_E* code on failure, and takes an explicit struct sw_error
 * *err as its last parameter (STYLE R5).  The message is set once, where
 * the failure is detected; callers propagate the code unchanged.  err may
 * be NULL when the caller does not want the message.  The struct holds
 * fixed buffers so reporting never allocates.
 *
 * A diagnostic (struct sw_diag) is a finding about user input that does
 * not stop the work: validators collect them in a struct sw_diags with
 * severity, a stable code, and file:line:col.
 */
#ifndef SW_ERROR_H
#define SW_ERROR_H

#include "compat.h"

enum {
	SW_OK = 0,
	SW_ERROR = -1,      /* anything else */
	SW_EINVAL = -2,     /* bad user input */
	SW_ENOTFOUND = -3,  /* a named thing does not exist */
	SW_EIO = -4,        /* the operating system said no */
	SW_ECONFLICT = -5,  /* exists already, or changed under us */
	SW_ETOOBIG = -6,    /* over a named size limit */
	SW_EPROTO = -7,     /* a peer broke its protocol */
	SW_ETIMEOUT = -8,   /* a deadline passed */
	SW_ECANCELED = -9,  /* stopped on request */
};

struct sw_error {
	int code;        /* SW_E*, 0 while unset */
	char msg[512];   /* lowercase, no full stop, no secrets */
	char path[1024]; /* file the error is about, "" if none */
	int line;        /* 1-based, 0 if unknown */
	int col;         /* 1-based, 0 if unknown */
};

#define SW_ERROR_INIT { 0, "", "", 0, 0 }

void sw_error_clear(struct sw_error *err);
/* Sets code and message; returns @code (negative) so it can be returned. */
int sw_error_set(struct sw_error *err, int code, const char *fmt, ...) SW_PRINTF(3, 4);
/* Like sw_error_set, appending ": strerror(errno)"; errno is read on entry. */
int sw_error_errno(struct sw_error *err, int code, const char *fmt, ...) SW_PRINTF(3, 4);
/* Attaches a location (any of path/line/col may be NULL/0 to keep what is set). */
void sw_error_at(struct sw_error *err, const char *path, int line, int col);
/* Prefixes the message with "@fmt: ", keeping code and location. */
void sw_error_prefix(struct sw_error *err, const char *fmt, ...) SW_PRINTF(2, 3);
/* A short name for a code ("invalid", "not found", ...). */
const char *sw_error_name(int code);

enum sw_severity { SW_SEV_NOTE, SW_SEV_WARNING, SW_SEV_ERROR };

struct sw_diag {
	enum sw_severity severity;
	char *code; /* stable identifier, e.g. "steering-inclusion" */
	char *path; /* file, relative to the workspace where possible */
	int line;   /* 1-based, 0 if unknown */
	int col;    /* 1-based, 0 if unknown */
	char *msg;  /* lowercase, no full stop */
	char *hint; /* optional second line, NULL if none */
};

struct sw_diags {
	struct sw_diag *v;
	size_t nr, alloc;
	size_t errors, warnings; /* counts by severity */
};

#define SW_DIAGS_INIT { NULL, 0, 0, 0, 0 }

/* Appends a diagnostic; returns it so a hint can be attached. */
struct sw_diag *sw_diag_add(struct sw_diags *d, enum sw_severity sev, const char *code,
			    const char *path, int line, int col, const char *fmt, ...)
	SW_PRINTF(7, 8);
void sw_diag_set_hint(struct sw_diag *dg, const char *fmt, ...) SW_PRINTF(2, 3);
/* Appends an error built from @err (its path/line/col) under @code. */
void sw_diag_add_error(struct sw_diags *d, const char *code, const struct sw_error *err);
/* Moves every entry of @src to the end of @dst; @src is empty afterwards. */
void sw_diags_move(struct sw_diags *dst, struct sw_diags *src);
/* Stable sort by path, line, col. */
void sw_diags_sort(struct sw_diags *d);
void sw_diags_release(struct sw_diags *d);
const char *sw_severity_name(enum sw_severity sev);

#endif
