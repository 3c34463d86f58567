/* SPDX-License-Identifier: Apache-2.0 */
/*
 * permission.c - may this tool call run without asking?
 *
 * Kiro's rules, in order:
 *   1. the tool must be offered: "tools" lists it (by name, alias, a glob,
 *      "*", "@builtin", or "@server"/"@server/tool" for MCP tools); the
 *      default agent offers every built-in tool;
 *   2. denials in toolsSettings always win: deniedPaths (fs_read, fs_write,
 *      glob, grep) and deniedCommands (execute_bash; regular expressions
 *      anchored at both ends, checked before allowedCommands);
 *   3. --trust-all-tools, --trust-tools and "allow always" answers allow;
 *   4. allowedTools allows (exact names and aliases, globs with * and ?,
 *      "@server", "@server/tool" globs, "@builtin"; a bare "*" is not
 *      accepted, as in Kiro);
 *   5. toolsSettings allow: allowedPaths, allowedCommands, and
 *      autoAllowReadonly for read-only shell commands;
 *   6. the read-only tools (fs_read, glob, grep) are trusted inside the
 *      working directory;
 *   7. otherwise ask, unless execute_bash has denyByDefault (then deny).
 */
#include "base/compat.h"
#include "agent/internal.h"
#include "base/fs.h"
#include "base/glob.h"

#include <ctype.h>
#include <regex.h>

/* Aliases of a canonical built-in, for matching user-written names. */
static const char *alias_of(const char *canonical)
{
	if (!strcmp(canonical, "fs_read"))
		return "read";
	if (!strcmp(canonical, "fs_write"))
		return "write";
	if (!strcmp(canonical, "execute_bash"))
		return "shell";
	if (!strcmp(canonical, "todo_list"))
		return "todo";
	if (!strcmp(canonical, "use_subagent"))
		return "subagent";
	return NULL;
}

static int glob1(const char *pattern, const char *name)
{
	/* Tool names have no '/', except "@server/tool": match the whole string. */
	return sw_glob_match(pattern, name, 0);
}

int agent__tool_pattern_match(const char *pattern, const char *name)
{
	const char *alias;

	if (!pattern || !*pattern)
		return 0;
	if (!strcmp(pattern, "*"))
		return 1;
	if (name[0] == '@') {
		/* MCP tool "@server/tool": "@server", "@server/tool", "@server/read_*", "@*-mcp/x". */
		const char *slash = strchr(name, '/');

		if (!strcmp(pattern, "@builtin"))
			return 0;
		if (slash && !strchr(pattern, '/')) {
			struct sw_buf server = SW_BUF_INIT;
			int m;

			sw_buf_add(&server, name, (size_t)(slash - name));
			m = glob1(pattern, server.ptr);
			sw_buf_release(&server);
			return m;
		}
		return glob1(pattern, name);
	}
	if (!strcmp(pattern, "@builtin"))
		return agent__builtin(name) != NULL;
	if (glob1(pattern, name))
		return 1;
	alias = alias_of(name);
	if (alias && glob1(pattern, alias))
		return 1;
	/* A pattern naming an alias ("shell") matches its canonical tool. */
	if (agent__builtin(pattern) && !strcmp(agent__builtin(pattern), name))
		return 1;
	return 0;
}

int agent__tool_enabled(const struct agent_session *s, const char *name)
{
	size_t i;

	if (s->profile.all_tools && (agent__builtin(name) || name[0] == '@'))
		return 1;
	for (i = 0; i < s->profile.tools.nr; i++)
		if (agent__tool_pattern_match(s->profile.tools.v[i], name))
			return 1;
	return 0;
}

static int in_list(const struct sw_strvec *v, const char *name, int allow_star)
{
	size_t i;

	for (i = 0; i < v->nr; i++) {
		if (!allow_star && !strcmp(v->v[i], "*"))
			continue;
		if (agent__tool_pattern_match(v->v[i], name))
			return 1;
	}
	return 0;
}

/* toolsSettings entry for @name under its canonical name or alias. */
static const cJSON *settings_for(const struct agent_session *s, const char *name)
{
	const cJSON *ts = s->profile.tools_settings, *v;
	const char *alias = alias_of(name);

	if (!ts)
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(ts, name);
	if (!v && alias)
		v = cJSON_GetObjectItemCaseSensitive(ts, alias);
	return cJSON_IsObject(v) ? v : NULL;
}

/* Expands "~" and makes @p absolute against @cwd. Caller frees. */
static char *abs_pattern(const char *cwd, const char *p)
{
	const char *home = getenv("HOME");
	char *j, *a;

	if (!strncmp(p, "~/", 2) && home)
		j = sw_path_join(home, p + 2);
	else if (!strcmp(p, "~") && home)
		j = sw_xstrdup(home);
	else
		j = sw_path_join(cwd, p);
	a = sw_path_absolute(j);
	free(j);
	return a;
}

/* 1 if absolute @path matches one of the (gitignore-like) path patterns in @list. */
static int path_in(const struct agent_session *s, const cJSON *list, const char *path)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, list) {
		char *pat;
		size_t n;
		int m;

		if (!cJSON_IsString(p) || !*p->valuestring)
			continue;
		pat = abs_pattern(s->cwd, p->valuestring);
		n = strlen(pat);
		/* "~/temp" matches the folder and everything below it. */
		m = sw_glob_match(pat, path, 0) || (!strncmp(path, pat, n) && path[n] == '/');
		if (!m) {
			/* A pattern matching a parent folder covers its children. */
			char *dir = sw_xstrdup(path), *slash;

			while (!m && (slash = strrchr(dir, '/')) && slash != dir) {
				*slash = '\0';
				m = sw_glob_match(pat, dir, 0);
			}
			free(dir);
		}
		free(pat);
		if (m)
			return 1;
	}
	return 0;
}

static int regex_full(const char *re_src, const char *text)
{
	struct sw_buf anchored = SW_BUF_INIT;
	regex_t re;
	int m = 0;

	/* Kiro anchors command patterns at both ends (\A...\z). */
	sw_buf_addf(&anchored, "^(%s)$", re_src);
	if (regcomp(&re, anchored.ptr, REG_EXTENDED | REG_NOSUB) == 0) {
		m = regexec(&re, text, 0, NULL, 0) == 0;
		regfree(&re);
	}
	sw_buf_release(&anchored);
	return m;
}

static int command_in(const cJSON *list, const char *cmd)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, list)
		if (cJSON_IsString(p) && regex_full(p->valuestring, cmd))
			return 1;
	return 0;
}

/* Splits a command line on ; && || | and newlines; each part trimmed. */
static void split_command(const char *cmd, struct sw_strvec *parts)
{
	struct sw_buf cur = SW_BUF_INIT;
	const char *p;

	for (p = cmd;; p++) {
		if (!*p || *p == ';' || *p == '|' || *p == '&' || *p == '\n') {
			sw_buf_trim(&cur);
			if (cur.len)
				sw_strvec_push(parts, cur.ptr);
			sw_buf_reset(&cur);
			if (!*p)
				break;
			if ((*p == '|' || *p == '&') && p[1] == *p)
				p++;
			continue;
		}
		sw_buf_addch(&cur, *p);
	}
	sw_buf_release(&cur);
}

static int readonly_command(const char *cmd)
{
	static const char *const ro[] = { "ls", "cat", "head", "tail", "wc", "grep", "rg", "find", "pwd",
		"echo", "which", "whoami", "date", "stat", "file", "diff", "tree", "du", "df", "uname",
		"env", "printenv", "sort", "uniq", "cut", "basename", "dirname", "realpath", "true", NULL };
	static const char *const git_ro[] = { "status", "log", "diff", "show", "branch", "rev-parse",
		"ls-files", "blame", NULL };
	struct sw_strvec parts = SW_STRVEC_INIT;
	size_t i;
	int ok = 1;

	if (strchr(cmd, '>') || strchr(cmd, '`') || strstr(cmd, "$("))
		return 0;
	split_command(cmd, &parts);
	for (i = 0; ok && i < parts.nr; i++) {
		struct sw_strvec words = SW_STRVEC_INIT;
		size_t k;

		sw_strvec_split(&words, parts.v[i], ' ');
		ok = 0;
		if (words.nr) {
			if (!strcmp(words.v[0], "git") && words.nr > 1) {
				for (k = 0; git_ro[k]; k++)
					if (!strcmp(words.v[1], git_ro[k]))
						ok = 1;
			} else {
				for (k = 0; ro[k]; k++)
					if (!strcmp(words.v[0], ro[k]))
						ok = 1;
			}
			/* find can run or delete things. */
			for (k = 1; ok && k < words.nr; k++)
				if (!strcmp(words.v[0], "find") &&
				    (sw_starts_with(words.v[k], "-exec") || !strcmp(words.v[k], "-delete") ||
				     sw_starts_with(words.v[k], "-ok") || sw_starts_with(words.v[k], "-fprint")))
					ok = 0;
		}
		sw_strvec_clear(&words);
	}
	sw_strvec_clear(&parts);
	return ok;
}

static const char *call_path_arg(const struct agent__call *c)
{
	const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(c->input, "path"));

	return p ? p : ".";
}

enum agent__verdict agent__permission(struct agent_session *s, const struct agent__call *c, struct sw_buf *why)
{
	const cJSON *set = settings_for(s, c->name);
	int path_tool = !strcmp(c->name, "fs_read") || !strcmp(c->name, "fs_write") || !strcmp(c->name, "glob") ||
			!strcmp(c->name, "grep");
	char *path = NULL;
	enum agent__verdict v = AGENT__ASK;
	const char *cmd = NULL;

	if (path_tool) {
		path = c->path ? sw_xstrdup(c->path) : abs_pattern(s->cwd, call_path_arg(c));
		if (set && path_in(s, cJSON_GetObjectItem(set, "deniedPaths"), path)) {
			sw_buf_addf(why, "'%s' may not use '%s': the path is in the agent's deniedPaths", c->name,
				    path);
			v = AGENT__DENY;
			goto out;
		}
	}
	if (!strcmp(c->name, "execute_bash")) {
		struct sw_strvec parts = SW_STRVEC_INIT;
		size_t i;

		cmd = cJSON_GetStringValue(cJSON_GetObjectItem(c->input, "command"));
		if (!cmd)
			cmd = "";
		if (set) {
			split_command(cmd, &parts);
			for (i = 0; i < parts.nr; i++) {
				if (command_in(cJSON_GetObjectItem(set, "deniedCommands"), parts.v[i]) ||
				    command_in(cJSON_GetObjectItem(set, "deniedCommands"), cmd)) {
					sw_buf_addf(why, "the command '%.200s' matches the agent's deniedCommands",
						    parts.v[i]);
					v = AGENT__DENY;
				}
			}
			sw_strvec_clear(&parts);
			if (v == AGENT__DENY)
				goto out;
		}
	}
	if (s->trust_all || in_list(&s->trusted, c->name, 0) ||
	    in_list(&s->profile.allowed_tools, c->name, 0) ||
	    (c->name[0] == '@' && in_list(&s->auto_approve, c->name, 1))) {
		v = AGENT__ALLOW;
		goto out;
	}
	if (set && path_tool && path_in(s, cJSON_GetObjectItem(set, "allowedPaths"), path)) {
		v = AGENT__ALLOW;
		goto out;
	}
	if (cmd) {
		if (set && command_in(cJSON_GetObjectItem(set, "allowedCommands"), cmd)) {
			v = AGENT__ALLOW;
			goto out;
		}
		if (set && cJSON_IsTrue(cJSON_GetObjectItem(set, "autoAllowReadonly")) && readonly_command(cmd)) {
			v = AGENT__ALLOW;
			goto out;
		}
		if (set && cJSON_IsTrue(cJSON_GetObjectItem(set, "denyByDefault"))) {
			sw_buf_addf(why, "the command '%.200s' is not in the agent's allowedCommands "
				    "(denyByDefault is set)", cmd);
			v = AGENT__DENY;
			goto out;
		}
	}
	if (path_tool && agent__builtin_readonly(c->name)) {
		size_t n = strlen(s->cwd);

		/* Reads are trusted inside the working directory. */
		if (!strncmp(path, s->cwd, n) && (path[n] == '\0' || path[n] == '/')) {
			v = AGENT__ALLOW;
			goto out;
		}
	}
	if (!strcmp(c->name, "todo_list") || !strcmp(c->name, "knowledge"))
		v = AGENT__ALLOW; /* the session's own list; knowledge is trusted, as in Kiro */
out:
	free(path);
	return v;
}
