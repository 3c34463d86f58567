/* SPDX-License-Identifier: Apache-2.0 */
/*
 * glob.h - glob matching with gitignore-style path semantics, and
 * gitignore rule sets.
 *
 * Syntax: '*' matches any run of characters except '/'; '?' one character
 * except '/'; "[abc]", "[a-z]", "[!x]"/"[^x]" a class (never '/'); "{a,b}"
 * alternatives (nestable); "\\x" a literal x.  "**" as a whole path
 * component matches zero or more directories: "**" + "/x" anywhere,
 * "a/" + "**" (everything below a), "a/" + "**" + "/b".  Elsewhere "**" acts as '*'.
 *
 * Paths are relative and '/'-separated ("src/main.c").
 */
#ifndef SW_GLOB_H
#define SW_GLOB_H

#include "compat.h"
#include "buf.h"

enum {
	/* A pattern without '/' matches the last component at any depth ("*.c" ~ "a/b.c"). */
	SW_GLOB_ANY_DEPTH = 1 << 0,
};

/* 1 if @path matches @pattern, else 0. */
int sw_glob_match(const char *pattern, const char *path, int flags);

/* 1 if @pattern contains glob metacharacters. */
int sw_glob_has_magic(const char *pattern);

/*
 * A gitignore rule set.  Rules are matched in order and the last match
 * wins ("!" re-includes).  A rule with a '/' before its end is anchored to
 * its base directory; one ending in '/' matches only directories.
 */
struct sw_ignore_rule {
	char *pattern; /* without '!', leading '/' and trailing '/' */
	char *base;    /* directory the rule came from, relative ("" at the root) */
	unsigned negate : 1, dir_only : 1, anchored : 1;
};

struct sw_ignore {
	struct sw_ignore_rule *v;
	size_t nr, alloc;
};

#define SW_IGNORE_INIT { NULL, 0, 0 }

/* Adds the rules of a .gitignore text found in directory @base ("" for the root). */
void sw_ignore_add_text(struct sw_ignore *ign, const char *text, size_t len, const char *base);
/* Adds one rule line, e.g. ".git/" or "build/". */
void sw_ignore_add(struct sw_ignore *ign, const char *line, const char *base);
/* 1 if @path (relative to the root) is ignored; checks its parent directories too. */
int sw_ignore_match(const struct sw_ignore *ign, const char *path, int is_dir);
void sw_ignore_release(struct sw_ignore *ign);

#endif
