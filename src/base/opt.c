/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opt.c - table-driven option parser and help printer.
 */
#include "compat.h"
#include "opt.h"

#include <limits.h>

/*
 * Usage lines come first; the first line starting with "\n" begins the
 * description, and every line after it belongs to the description too
 * (printed as written: a further leading "\n" makes a new paragraph).
 */
static void print_usage_lines(FILE *fp, const char *const *usage)
{
	size_t i;
	int described = 0;

	for (i = 0; usage && usage[i]; i++) {
		described |= usage[i][0] == '\n';
		if (described)
			fprintf(fp, "%s\n", usage[i]);
		else
			fprintf(fp, "%s %s\n", i ? "   or:" : "usage:", usage[i]);
	}
}

void sw_opt_print_help(FILE *fp, const struct sw_opt *opts, const char *const *usage)
{
	const struct sw_opt *o;

	print_usage_lines(fp, usage);
	fputc('\n', fp);
	for (o = opts; o && o->type != SW_OPT_TYPE_END; o++) {
		struct sw_buf col = SW_BUF_INIT;

		if (o->type == SW_OPT_TYPE_GROUP) {
			fprintf(fp, "\n%s\n", o->help);
			continue;
		}
		sw_buf_adds(&col, "    ");
		if (o->short_name)
			sw_buf_addf(&col, "-%c%s", o->short_name, o->long_name ? ", " : "");
		if (o->long_name)
			sw_buf_addf(&col, "--%s", o->long_name);
		if (o->value_name)
			sw_buf_addf(&col, " %s", o->value_name);
		if (col.len < 28)
			fprintf(fp, "%-28s%s\n", col.ptr, o->help ? o->help : "");
		else
			fprintf(fp, "%s\n%28s%s\n", col.ptr, "", o->help ? o->help : "");
		sw_buf_release(&col);
	}
	fprintf(fp, "    %-24s%s\n", "-h, --help", "show this help");
}

int sw_usage_error(const char *const *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("specwright: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage_lines(stderr, usage);
	return 2;
}

int sw_opt_exit(int rc)
{
	return rc == SW_OPT_HELP ? 0 : 2;
}

static int take_value(const struct sw_opt *o, const char *val, const char *const *usage, const char *shown)
{
	switch (o->type) {
	case SW_OPT_TYPE_STRING:
		*(const char **)o->value = val;
		return 0;
	case SW_OPT_TYPE_LIST:
		sw_strvec_push((struct sw_strvec *)o->value, val);
		return 0;
	case SW_OPT_TYPE_INT: {
		char *end;
		long n;

		errno = 0;
		n = strtol(val, &end, 10);
		if (!*val || *end || errno) {
			sw_usage_error(usage, "option '%s' expects a whole number, not '%s'", shown, val);
			return SW_OPT_USAGE;
		}
		*(long *)o->value = n;
		return 0;
	}
	default:
		SW_BUG("option '%s' takes no value", shown);
	}
}

static int takes_value(const struct sw_opt *o)
{
	return o->type == SW_OPT_TYPE_STRING || o->type == SW_OPT_TYPE_INT || o->type == SW_OPT_TYPE_LIST;
}

static const struct sw_opt *find_long(const struct sw_opt *opts, const char *name, size_t n, int *negated,
				      int *ambiguous)
{
	const struct sw_opt *o, *hit = NULL;
	int hits = 0;

	*negated = 0;
	*ambiguous = 0;
	for (o = opts; o && o->type != SW_OPT_TYPE_END; o++) {
		if (!o->long_name)
			continue;
		if (strlen(o->long_name) == n && !strncmp(o->long_name, name, n))
			return o;
	}
	if (n > 3 && !strncmp(name, "no-", 3)) {
		for (o = opts; o && o->type != SW_OPT_TYPE_END; o++)
			if (o->type == SW_OPT_TYPE_BOOL && o->long_name && strlen(o->long_name) == n - 3 &&
			    !strncmp(o->long_name, name + 3, n - 3)) {
				*negated = 1;
				return o;
			}
	}
	for (o = opts; o && o->type != SW_OPT_TYPE_END; o++) {
		if (o->long_name && strlen(o->long_name) > n && !strncmp(o->long_name, name, n)) {
			hit = o;
			hits++;
		}
	}
	if (hits > 1)
		*ambiguous = 1;
	return hits == 1 ? hit : NULL;
}

static void apply_flag(const struct sw_opt *o, int negated)
{
	if (o->type == SW_OPT_TYPE_BOOL)
		*(int *)o->value = !negated;
	else
		(*(int *)o->value)++;
}

int sw_opt_parse(int argc, const char **argv, const struct sw_opt *opts, const char *const *usage, int flags)
{
	int i, npos = 0, rc;
	const char **pos = sw_xcalloc((size_t)argc + 1, sizeof(*pos));

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "--")) {
			for (i++; i < argc; i++)
				pos[npos++] = argv[i];
			break;
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			sw_opt_print_help(stdout, opts, usage);
			rc = SW_OPT_HELP;
			goto out;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			if (flags & SW_OPT_STOP_AT_NON_OPTION) {
				for (; i < argc; i++)
					pos[npos++] = argv[i];
				break;
			}
			pos[npos++] = arg;
			continue;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			int negated, ambiguous;
			const struct sw_opt *o = find_long(opts, name, n, &negated, &ambiguous);

			if (!o) {
				rc = SW_OPT_USAGE;
				sw_usage_error(usage, ambiguous ? "ambiguous option '--%.*s'" : "unknown option '--%.*s'",
					       (int)n, name);
				goto out;
			}
			if (takes_value(o)) {
				const char *val = eq ? eq + 1 : NULL;

				if (!val) {
					if (i + 1 >= argc) {
						rc = SW_OPT_USAGE;
						sw_usage_error(usage, "option '--%s' requires a value", o->long_name);
						goto out;
					}
					val = argv[++i];
				}
				if ((rc = take_value(o, val, usage, arg)) < 0)
					goto out;
			} else {
				if (eq) {
					rc = SW_OPT_USAGE;
					sw_usage_error(usage, "option '--%s' takes no value", o->long_name);
					goto out;
				}
				apply_flag(o, negated);
			}
			continue;
		}
		/* short options, possibly bundled */
		for (const char *p = arg + 1; *p; p++) {
			const struct sw_opt *o;

			for (o = opts; o && o->type != SW_OPT_TYPE_END; o++)
				if (o->short_name == *p)
					break;
			if (!o || o->type == SW_OPT_TYPE_END) {
				rc = SW_OPT_USAGE;
				sw_usage_error(usage, "unknown option '-%c'", *p);
				goto out;
			}
			if (takes_value(o)) {
				const char *val = p[1] ? p + 1 : NULL;
				char shown[3] = { '-', *p, 0 };

				if (!val) {
					if (i + 1 >= argc) {
						rc = SW_OPT_USAGE;
						sw_usage_error(usage, "option '-%c' requires a value", *p);
						goto out;
					}
					val = argv[++i];
				}
				if ((rc = take_value(o, val, usage, shown)) < 0)
					goto out;
				break;
			}
			apply_flag(o, 0);
		}
	}
	for (i = 0; i < npos; i++)
		argv[i] = pos[i];
	argv[npos] = NULL;
	rc = npos;
out:
	free(pos);
	return rc;
}
