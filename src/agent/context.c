/* SPDX-License-Identifier: Apache-2.0 */
/*
 * context.c - the system prompt: the agent's prompt, steering chosen by
 * its inclusion rules, AGENTS.md, file:// resources, skill:// metadata
 * and what agentSpawn hooks printed.
 *
 * Steering (kiro/steering.h) is included as Kiro describes it: "always"
 * documents and AGENTS.md every time; "fileMatch" when a file in play (one
 * named in the prompt or touched by a tool this session) matches a
 * pattern; "manual" when the prompt names it as #name; "auto" when the
 * prompt fits its description (shares its name or two of its longer
 * words).  file:// resources are read whole, in order, until they would
 * pass 75% of the model's context window; the rest are dropped with a
 * notice.  skill:// resources contribute their front matter name and
 * description; the model reads a skill's body with fs_read when needed.
 * A steering document's #[[file:...]] references are replaced by the
 * files they name (kiro_steering_expand: inside the workspace only, capped
 * per file and for the whole prompt).  A resource whose path lies in the
 * workspace is read only if it also resolves inside it (base/contain.h),
 * so a file:// glob over .kiro/steering cannot bring in a linked outside
 * file either; "~/" and absolute paths outside name such files on purpose.
 */
#include "base/compat.h"
#include "agent/internal.h"
#include "base/contain.h"
#include "base/fs.h"
#include "base/glob.h"
#include "kiro/frontmatter.h"
#include "kiro/steering.h"
#include "kiro/workspace.h"

#include <ctype.h>
#include <time.h>

#define RESOURCE_SHARE 75 /* percent of the context window for file:// resources */

long agent__tokens(const char *text, size_t len)
{
	SW_UNUSED(text);
	return (long)(len / 4 + 1);
}

static const char default_prompt[] =
	"You are Specwright's built-in agent, working in the user's workspace through the tools "
	"you are given. Read before you change things, keep changes small and explain what you "
	"did. Paths are relative to the working directory unless absolute.";

/* 1 if @prompt mentions "#name" (with or without ".md"). */
static int mentioned(const char *prompt, const char *name)
{
	struct sw_buf stem = SW_BUF_INIT;
	const char *p = prompt;
	int found = 0;

	sw_buf_adds(&stem, sw_basename(name));
	if (sw_ends_with(stem.ptr, ".md"))
		sw_buf_setlen(&stem, stem.len - 3);
	while (!found && (p = strchr(p, '#'))) {
		p++;
		if (!strncmp(p, stem.ptr, stem.len)) {
			char c = p[stem.len];

			if (!isalnum((unsigned char)c) && c != '-' && c != '_')
				found = 1;
			else if (c == '.' && !strncmp(p + stem.len, ".md", 3))
				found = 1;
		}
	}
	sw_buf_release(&stem);
	return found;
}

static int fits_description(const char *prompt, const struct kiro_steering_doc *d)
{
	struct sw_buf lower = SW_BUF_INIT, word = SW_BUF_INIT;
	const char *p;
	int hits = 0;

	for (p = prompt; *p; p++)
		sw_buf_addch(&lower, tolower((unsigned char)*p));
	if (d->fm_name && *d->fm_name && strstr(lower.ptr, d->fm_name)) {
		sw_buf_release(&lower);
		return 1;
	}
	for (p = d->description ? d->description : ""; ; p++) {
		if (isalnum((unsigned char)*p)) {
			sw_buf_addch(&word, tolower((unsigned char)*p));
			continue;
		}
		if (word.len >= 5 && strstr(lower.ptr, word.ptr))
			hits++;
		sw_buf_reset(&word);
		if (!*p)
			break;
	}
	sw_buf_release(&lower);
	sw_buf_release(&word);
	return hits >= 2;
}

static int file_matches(struct agent_session *s, const struct kiro_steering *st, size_t i)
{
	size_t f;

	for (f = 0; f < s->files.nr; f++) {
		struct kiro_steering_why *why = NULL;
		int hit;

		kiro_steering_explain(&why, st, s->files.v[f]);
		hit = why[i].load == KIRO_LOADS;
		free(why);
		if (hit)
			return 1;
	}
	return 0;
}

/* Remembers workspace-relative paths named in @prompt (words that are existing files). */
static void files_from_prompt(struct agent_session *s, const char *prompt)
{
	const char *p = prompt;
	const char *base = s->root ? s->root : s->cwd;

	while (*p) {
		const char *start;
		char *word, *full;

		while (*p && (isspace((unsigned char)*p) || strchr("`'\"(),;", *p)))
			p++;
		start = p;
		while (*p && !isspace((unsigned char)*p) && !strchr("`'\"(),;", *p))
			p++;
		if (p == start || p - start > 512)
			continue;
		word = sw_xstrndup(start, (size_t)(p - start));
		while (*word && strchr(".:", word[strlen(word) - 1]))
			word[strlen(word) - 1] = '\0';
		if (*word && strchr(word, '.') && word[0] != '/') {
			full = sw_path_join(base, word);
			if (sw_is_file(full) && !sw_strvec_contains(&s->files, word))
				sw_strvec_push(&s->files, word);
			free(full);
		}
		free(word);
	}
}

static void add_steering(struct agent_session *s, struct sw_buf *b, const char *prompt)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags diags = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct kiro_ref_budget budget = KIRO_REF_BUDGET_INIT;
	char *global = kiro_global_dir();
	size_t i;
	int heading = 0;

	if (kiro_steering_load(&st, s->root, global, &diags, &err) < 0) {
		agent__notice(s, "steering not loaded: %s", err.msg);
		goto out;
	}
	for (i = 0; i < st.nr; i++) {
		const struct kiro_steering_doc *d = st.v[i];
		int include = 0;

		switch (d->scope == KIRO_STEERING_AGENTS_MD ? KIRO_INCLUDE_ALWAYS : d->inclusion) {
		case KIRO_INCLUDE_ALWAYS:
			include = 1;
			break;
		case KIRO_INCLUDE_FILEMATCH:
			include = file_matches(s, &st, i);
			break;
		case KIRO_INCLUDE_MANUAL:
			include = prompt && mentioned(prompt, d->name);
			break;
		case KIRO_INCLUDE_AUTO:
			include = prompt && (mentioned(prompt, d->name) || fits_description(prompt, d));
			break;
		}
		if (!include)
			continue;
		if (!heading) {
			sw_buf_adds(b, "\n\n# Steering\nProject guidance from .kiro/steering and AGENTS.md; follow it.\n");
			heading = 1;
		}
		sw_buf_addf(b, "\n## %s\n", d->rel);
		kiro_steering_expand(b, d, s->root, &budget);
		sw_buf_rtrim(b);
		sw_buf_addch(b, '\n');
	}
out:
	free(global);
	kiro_steering_release(&st);
	sw_diags_release(&diags);
}

struct glob_state {
	const char *pattern;
	struct sw_strvec *out;
};

static int collect_match(const char *rel, int is_dir, void *data)
{
	struct glob_state *g = data;

	if (!is_dir && sw_glob_match(g->pattern, rel, 0))
		sw_strvec_push(g->out, rel);
	return 0;
}

/* Expands a resource path (relative to @base, "~/" for home, or absolute) to files. */
static void expand(const char *base, const char *path, struct sw_strvec *out)
{
	char *full = NULL;
	const char *home = getenv("HOME");

	if (!strncmp(path, "~/", 2) && home)
		full = sw_path_join(home, path + 2);
	else
		full = sw_path_join(base, path);
	if (!sw_glob_has_magic(full)) {
		if (sw_is_file(full))
			sw_strvec_push(out, full);
	} else {
		/* Walk from the longest directory prefix without magic. */
		char *dir = sw_xstrdup(full), *slash;
		struct glob_state g;
		struct sw_strvec rel = SW_STRVEC_INIT;
		size_t i;

		while ((slash = strrchr(dir, '/')) && sw_glob_has_magic(dir))
			*slash = '\0';
		g.pattern = full + strlen(dir) + 1;
		g.out = &rel;
		agent__walk(dir, "", 5000, collect_match, &g);
		for (i = 0; i < rel.nr; i++)
			sw_strvec_push_take(out, sw_path_join(dir, rel.v[i]));
		sw_strvec_clear(&rel);
		free(dir);
	}
	free(full);
}

/*
 * Reads resource @file: one written under @base (the workspace) only if it
 * also resolves inside it; others were named outside on purpose.
 */
static int read_resource(struct sw_buf *text, const char *base, const char *file, size_t max,
			 struct sw_error *err)
{
	struct sw_inside in = SW_INSIDE_INIT;
	int rc;

	if (!sw_inside_is_under(file, base))
		return sw_read_file(text, file, max, err);
	if ((rc = sw_inside_init(&in, base, "the workspace", err)) == 0)
		rc = sw_inside_read(text, &in, file, max, err);
	sw_inside_release(&in);
	return rc;
}

static void add_resources(struct agent_session *s, struct sw_buf *b)
{
	const char *base = s->root ? s->root : s->cwd;
	long budget = s->cfg->context_window * RESOURCE_SHARE / 100, used = 0;
	struct sw_strvec files = SW_STRVEC_INIT, skills = SW_STRVEC_INIT;
	size_t i, dropped = 0;
	int heading = 0;

	for (i = 0; i < s->profile.resources.nr; i++) {
		const char *r = s->profile.resources.v[i], *rest;

		if (sw_skip_prefix(r, "file://", &rest))
			expand(base, rest, &files);
		else if (sw_skip_prefix(r, "skill://", &rest))
			expand(base, rest, &skills);
	}
	for (i = 0; i < files.nr; i++) {
		struct sw_buf text = SW_BUF_INIT;
		struct sw_error err = SW_ERROR_INIT;
		char *rel;

		if (read_resource(&text, base, files.v[i], 16u << 20, &err) < 0) {
			agent__notice(s, "resource not loaded: %s", err.msg);
			continue;
		}
		if (used + agent__tokens(text.ptr, text.len) > budget) {
			dropped++;
			sw_buf_release(&text);
			continue;
		}
		used += agent__tokens(text.ptr, text.len);
		if (!heading) {
			sw_buf_adds(b, "\n\n# Context files\n");
			heading = 1;
		}
		rel = sw_path_relative(files.v[i], base);
		sw_buf_addf(b, "\n## %s\n", rel);
		sw_buf_addbuf(b, &text);
		sw_buf_rtrim(b);
		sw_buf_addch(b, '\n');
		free(rel);
		sw_buf_release(&text);
	}
	if (dropped)
		agent__notice(s, "%zu context file(s) dropped: resources may use at most %d%% of the "
			      "context window", dropped, RESOURCE_SHARE);
	heading = 0;
	for (i = 0; i < skills.nr; i++) {
		struct sw_buf text = SW_BUF_INIT;
		struct sw_error err = SW_ERROR_INIT;
		struct kiro_fm fm = KIRO_FM_INIT;
		const struct kiro_fm_node *name, *desc;
		char *rel;

		if (read_resource(&text, base, skills.v[i], 1u << 20, &err) < 0 ||
		    kiro_fm_parse(&fm, text.ptr, text.len, &err) < 0) {
			agent__notice(s, "skill not loaded: %s: %s", skills.v[i], err.msg);
			sw_buf_release(&text);
			continue;
		}
		name = kiro_fm_get(fm.root, "name");
		desc = kiro_fm_get(fm.root, "description");
		if (!heading) {
			sw_buf_adds(b, "\n\n# Skills\nRead a skill's file with fs_read before using it.\n");
			heading = 1;
		}
		rel = sw_path_relative(skills.v[i], base);
		sw_buf_addf(b, "- %s: %s (%s)\n", name && name->value ? name->value : rel,
			    desc && desc->value ? desc->value : "", rel);
		free(rel);
		kiro_fm_release(&fm);
		sw_buf_release(&text);
	}
	sw_strvec_clear(&files);
	sw_strvec_clear(&skills);
}

char *agent__system_prompt(struct agent_session *s, const char *prompt)
{
	struct sw_buf b = SW_BUF_INIT;
	time_t now = time(NULL);
	struct tm tm;
	char date[32];

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	sw_buf_adds(&b, s->profile.prompt && *s->profile.prompt ? s->profile.prompt : default_prompt);
	sw_buf_rtrim(&b);
	sw_buf_addf(&b, "\n\n# Environment\nWorking directory: %s\nDate: %s\n", s->cwd, date);
	if (prompt)
		files_from_prompt(s, prompt);
	if (s->profile.default_resources)
		add_steering(s, &b, prompt);
	add_resources(s, &b);
	if (s->spawn_context.len)
		sw_buf_addf(&b, "\n\n# Context from agentSpawn hooks\n%s\n", s->spawn_context.ptr);
	return sw_buf_detach(&b, NULL);
}
