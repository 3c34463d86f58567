/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opt.h - one option table per command drives parsing, usage and --help
 * (STYLE R14; git parse-options, libgit2 cli_opt).
 *
 * Calling sequence:
 *   static const char *const usage[] = { "specwright spec lint [options] [NAME|PATH...]", NULL };
 *   int strict = 0; const char *fmt = NULL;
 *   const struct sw_opt opts[] = {
 *           SW_OPT_BOOL(0, "strict", &strict, "treat warnings as errors"),
 *           SW_OPT_STRING('f', "format", &fmt, "FMT", "output format"),
 *           SW_OPT_END
 *   };
 *   argc = sw_opt_parse(argc, argv, opts, usage, 0);
 *   if (argc < 0)
 *           return sw_opt_exit(argc);     -- 0 after --help, 2 after a usage error
 *   -- argv[0..argc-1] are now the positional arguments
 *
 * "--" ends option parsing.  "--name=value", "--name value", "-x value",
 * "-xvalue" and bundled short booleans ("-vq") are accepted.  --help and
 * -h are built in.  Long options may be abbreviated to a unique prefix.
 */
#ifndef SW_OPT_H
#define SW_OPT_H

#include "compat.h"
#include "buf.h"

enum sw_opt_type {
	SW_OPT_TYPE_END = 0,
	SW_OPT_TYPE_BOOL,   /* int *: set to 1 (--no-NAME sets 0) */
	SW_OPT_TYPE_COUNT,  /* int *: incremented per occurrence */
	SW_OPT_TYPE_STRING, /* const char **: borrowed from argv */
	SW_OPT_TYPE_INT,    /* long *: decimal, range-checked by the caller */
	SW_OPT_TYPE_LIST,   /* struct sw_strvec *: appended per occurrence */
	SW_OPT_TYPE_GROUP,  /* a heading in --help */
};

struct sw_opt {
	enum sw_opt_type type;
	int short_name;         /* 0 if none */
	const char *long_name;  /* NULL if none */
	void *value;            /* target, by type */
	const char *value_name; /* "FILE" in "--file FILE" */
	const char *help;       /* one line */
};

#define SW_OPT_BOOL(s, l, v, h) { SW_OPT_TYPE_BOOL, (s), (l), (v), NULL, (h) }
#define SW_OPT_COUNT(s, l, v, h) { SW_OPT_TYPE_COUNT, (s), (l), (v), NULL, (h) }
#define SW_OPT_STRING(s, l, v, n, h) { SW_OPT_TYPE_STRING, (s), (l), (v), (n), (h) }
#define SW_OPT_INT(s, l, v, n, h) { SW_OPT_TYPE_INT, (s), (l), (v), (n), (h) }
#define SW_OPT_LIST(s, l, v, n, h) { SW_OPT_TYPE_LIST, (s), (l), (v), (n), (h) }
#define SW_OPT_GROUP(h) { SW_OPT_TYPE_GROUP, 0, NULL, NULL, NULL, (h) }
/* The --json option every data command has (int *: set to 1). */
#define SW_OPT_JSON(v) SW_OPT_BOOL(0, "json", (v), "print one JSON document")
#define SW_OPT_END { SW_OPT_TYPE_END, 0, NULL, NULL, NULL, NULL }

enum {
	/* Stop at the first positional argument (for commands that take a sub-command). */
	SW_OPT_STOP_AT_NON_OPTION = 1 << 0,
};

#define SW_OPT_HELP (-1000)  /* --help was printed */
#define SW_OPT_USAGE (-1001) /* a usage error was printed */

/*
 * Parses options from argv[1..argc-1] (argv[0] is the command name).
 * Positional arguments are moved to argv[0..n-1] and n is returned.
 * On --help, prints the help to stdout and returns SW_OPT_HELP; on a usage
 * error, prints "specwright: <problem>" and the usage to stderr and returns
 * SW_OPT_USAGE.  @usage is a NULL-terminated list of usage lines, then
 * optionally the description: its first line starts with "\n" (the blank
 * line before it) and the lines after it continue it; a line of the
 * description that starts with "\n" begins a new paragraph.
 */
int sw_opt_parse(int argc, const char **argv, const struct sw_opt *opts, const char *const *usage, int flags);

/* Maps sw_opt_parse's negative returns to an exit code (0 or 2). */
int sw_opt_exit(int rc);

/* Prints usage and the option list to @fp. */
void sw_opt_print_help(FILE *fp, const struct sw_opt *opts, const char *const *usage);

/* Prints "specwright: <msg>" and the usage lines to stderr; returns 2 (the exit code). */
int sw_usage_error(const char *const *usage, const char *fmt, ...) SW_PRINTF(2, 3);

#endif
