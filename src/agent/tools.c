/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools.c - the built-in tools, with Kiro's names and aliases:
 *   fs_read (read), fs_write (write), execute_bash (shell), glob, grep,
 *   todo_list (todo), use_subagent (subagent), knowledge (knowledge/tool.h).
 * Their input shapes follow Kiro's tool index: fs_read takes a path and a
 * mode (Line, Directory, Search) or a list of such "operations"; fs_write
 * takes a command (create, str_replace, insert, append); execute_bash a
 * command; todo_list a command (create, complete, add, remove, view);
 * use_subagent {"command": "InvokeSubagents", "content": {"subagents":
 * [{"query", "relevant_context"}]}} with up to AGENT_MAX_SUBAGENTS at once.
 *
 * File tools run inline (they are short); execute_bash runs `bash -c` on
 * the loop through base/proc.  With a struct agent_tool_io (agent.h), file
 * reads, writes and commands go through it instead, asynchronously; the
 * edit itself (str_replace, insert, append) is still computed here.
 * Sub-agents are sessions of their own on the same loop, each with its own
 * context, answering with a summary.  Files are written only with
 * sw_write_atomic.
 */
#include "base/compat.h"
#include "agent/internal.h"
#include "base/fs.h"
#include "base/glob.h"
#include "base/json.h"
#include "knowledge/embed.h"
#include "knowledge/tool.h"
#include "mcp/client.h"

#include <ctype.h>
#include <dirent.h>
#include <regex.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#define READ_MAX (256u << 10)     /* bytes fs_read returns from one file */
#define GLOB_MAX 1000             /* paths glob returns */
#define GREP_MAX 500              /* matches grep returns */
#define WALK_MAX 100000           /* entries a walk visits */
#define SHELL_TIMEOUT_MS (10 * 60 * 1000)
#define SHELL_OUTPUT_MAX (1u << 20)

static const struct builtin {
	const char *name, *alias, *kind;
	int readonly;
} builtins[] = {
	{ "fs_read", "read", "read", 1 },
	{ "fs_write", "write", "edit", 0 },
	{ "execute_bash", "shell", "execute", 0 },
	{ "glob", NULL, "search", 1 },
	{ "grep", NULL, "search", 1 },
	{ "todo_list", "todo", "think", 0 },
	{ "use_subagent", "subagent", "other", 0 },
	{ "knowledge", NULL, "search", 0 },
};

const char *agent__builtin(const char *name)
{
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(builtins); i++)
		if (!strcmp(name, builtins[i].name) || (builtins[i].alias && !strcmp(name, builtins[i].alias)))
			return builtins[i].name;
	return NULL;
}

int agent__builtin_readonly(const char *canonical)
{
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(builtins); i++)
		if (!strcmp(canonical, builtins[i].name))
			return builtins[i].readonly;
	return 0;
}

static const char *builtin_kind(const char *canonical)
{
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(builtins); i++)
		if (!strcmp(canonical, builtins[i].name))
			return builtins[i].kind;
	return "other";
}

/* ------------------------------------------------------------ definitions */

static const struct {
	const char *name, *description, *schema;
} defs[] = {
	{ "fs_read",
	  "Read a file (mode Line: optional start_line/end_line, 1-based, negative counts from the end), "
	  "list a directory (mode Directory, optional depth), or find lines containing a pattern in a file "
	  "(mode Search).",
	  "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"mode\":{\"type\":\"string\","
	  "\"enum\":[\"Line\",\"Directory\",\"Search\"]},\"start_line\":{\"type\":\"integer\"},\"end_line\":"
	  "{\"type\":\"integer\"},\"pattern\":{\"type\":\"string\"},\"depth\":{\"type\":\"integer\"}},"
	  "\"required\":[\"path\"]}" },
	{ "fs_write",
	  "Create or edit a file. command create (file_text), str_replace (old_str must occur exactly once, "
	  "new_str), insert (new_str after line insert_line; 0 inserts at the top) or append (new_str).",
	  "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\",\"enum\":[\"create\","
	  "\"str_replace\",\"insert\",\"append\"]},\"path\":{\"type\":\"string\"},\"file_text\":{\"type\":"
	  "\"string\"},\"old_str\":{\"type\":\"string\"},\"new_str\":{\"type\":\"string\"},\"insert_line\":"
	  "{\"type\":\"integer\"}},\"required\":[\"command\",\"path\"]}" },
	{ "execute_bash",
	  "Run a command with bash in the working directory; returns exit status, stdout and stderr.",
	  "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"},\"summary\":{\"type\":"
	  "\"string\"}},\"required\":[\"command\"]}" },
	{ "glob",
	  "Find files whose path (relative to path, default the working directory) matches a glob such as "
	  "src/**/*.c; .gitignore is respected.",
	  "{\"type\":\"object\",\"properties\":{\"pattern\":{\"type\":\"string\"},\"path\":{\"type\":"
	  "\"string\"}},\"required\":[\"pattern\"]}" },
	{ "grep",
	  "Search file contents with an extended regular expression below path (default the working "
	  "directory); include limits the files by glob; .gitignore is respected.",
	  "{\"type\":\"object\",\"properties\":{\"pattern\":{\"type\":\"string\"},\"path\":{\"type\":"
	  "\"string\"},\"include\":{\"type\":\"string\"},\"case_sensitive\":{\"type\":\"boolean\"}},"
	  "\"required\":[\"pattern\"]}" },
	{ "todo_list",
	  "Keep a todo list for this task: create (tasks, todo_list_description), complete "
	  "(completed_indices, 0-based, context_update, modified_files), add (new_tasks), remove "
	  "(remove_indices) or view.",
	  "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\",\"enum\":[\"create\","
	  "\"complete\",\"add\",\"remove\",\"view\"]},\"tasks\":{\"type\":\"array\",\"items\":{\"type\":"
	  "\"string\"}},\"todo_list_description\":{\"type\":\"string\"},\"completed_indices\":{\"type\":"
	  "\"array\",\"items\":{\"type\":\"integer\"}},\"context_update\":{\"type\":\"string\"},"
	  "\"modified_files\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"new_tasks\":{\"type\":"
	  "\"array\",\"items\":{\"type\":\"string\"}},\"remove_indices\":{\"type\":\"array\",\"items\":"
	  "{\"type\":\"integer\"}}},\"required\":[\"command\"]}" },
	{ "use_subagent",
	  "Run up to 4 sub-agents in parallel, each with its own context and the read, write and shell "
	  "tools; each answers with a summary. command InvokeSubagents with content.subagents = [{query, "
	  "relevant_context}], or ListAgents.",
	  "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\",\"enum\":[\"ListAgents\","
	  "\"InvokeSubagents\"]},\"content\":{\"type\":\"object\",\"properties\":{\"subagents\":{\"type\":"
	  "\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},"
	  "\"agent_name\":{\"type\":\"string\"},\"relevant_context\":{\"type\":\"string\"}},\"required\":"
	  "[\"query\"]}}}}},\"required\":[\"command\"]}" },
};

const char *agent__mcp_name(const struct agent_session *s, const char *model_name)
{
	size_t i;

	for (i = 0; i + 1 < s->mcp_names.nr; i += 2)
		if (!strcmp(s->mcp_names.v[i], model_name))
			return s->mcp_names.v[i + 1];
	return NULL;
}

/* "<server>___<tool>" with only [A-Za-z0-9_-], at most 64 bytes, unique in @s. */
static char *model_facing_name(struct agent_session *s, const struct mcp_tool *t)
{
	struct sw_buf b = SW_BUF_INIT;
	const char *p;
	int n = 1;

	for (p = t->server; *p; p++)
		sw_buf_addch(&b, isalnum((unsigned char)*p) || *p == '-' || *p == '_' ? *p : '_');
	sw_buf_adds(&b, "___");
	for (p = t->tool; *p; p++)
		sw_buf_addch(&b, isalnum((unsigned char)*p) || *p == '-' || *p == '_' ? *p : '_');
	if (b.len > 64)
		sw_buf_setlen(&b, 64);
	while (agent__mcp_name(s, b.ptr)) {
		char suffix[16];

		snprintf(suffix, sizeof(suffix), "_%d", ++n);
		if (b.len + strlen(suffix) > 64)
			sw_buf_setlen(&b, 64 - strlen(suffix));
		sw_buf_adds(&b, suffix);
	}
	return sw_buf_detach(&b, NULL);
}

static void add_mcp_defs(struct agent_session *s, cJSON *out)
{
	size_t i, n = s->mcp ? mcp_client_tool_count(s->mcp) : 0;

	sw_strvec_clear(&s->mcp_names);
	for (i = 0; i < n; i++) {
		const struct mcp_tool *t = mcp_client_tool(s->mcp, i);
		struct sw_buf desc = SW_BUF_INIT;
		cJSON *d;
		char *name;

		if (!agent__tool_enabled(s, t->name))
			continue;
		name = model_facing_name(s, t);
		sw_strvec_push(&s->mcp_names, name);
		sw_strvec_push(&s->mcp_names, t->name);
		sw_buf_addf(&desc, "%s (tool '%s' of MCP server '%s')", *t->description ? t->description : t->tool,
			    t->tool, t->server);
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "name", name);
		cJSON_AddStringToObject(d, "description", desc.ptr);
		cJSON_AddItemToObject(d, "input_schema", cJSON_Duplicate(t->input_schema, 1));
		cJSON_AddItemToArray(out, d);
		sw_buf_release(&desc);
		free(name);
	}
}

cJSON *agent__tool_defs(struct agent_session *s)
{
	cJSON *out = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(defs); i++) {
		cJSON *t, *schema = NULL;
		struct sw_error err = SW_ERROR_INIT;

		if (!agent__tool_enabled(s, defs[i].name))
			continue;
		if (!strcmp(defs[i].name, "use_subagent") && s->depth > 0)
			continue; /* sub-agents do not spawn sub-agents */
		if (!strcmp(defs[i].name, "todo_list") && s->depth > 0)
			continue;
		if (sw_json_parse(&schema, defs[i].schema, strlen(defs[i].schema), &err) < 0)
			SW_BUG("tool schema of %s: %s", defs[i].name, err.msg);
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "name", defs[i].name);
		cJSON_AddStringToObject(t, "description", defs[i].description);
		cJSON_AddItemToObject(t, "input_schema", schema);
		cJSON_AddItemToArray(out, t);
	}
	if (agent__tool_enabled(s, "knowledge") && s->depth == 0) {
		cJSON *t = cJSON_CreateObject(), *schema = NULL;
		struct sw_error err = SW_ERROR_INIT;

		if (sw_json_parse(&schema, kb_tool_input_schema(), strlen(kb_tool_input_schema()), &err) < 0)
			SW_BUG("knowledge tool schema: %s", err.msg);
		cJSON_AddStringToObject(t, "name", "knowledge");
		cJSON_AddStringToObject(t, "description", kb_tool_description());
		cJSON_AddItemToObject(t, "input_schema", schema);
		cJSON_AddItemToArray(out, t);
	}
	add_mcp_defs(s, out);
	return out;
}

/* ------------------------------------------------------------------ helpers */

static const char *in_str(const cJSON *input, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(input, key));
}

static int in_int(const cJSON *input, const char *key, long *out)
{
	const cJSON *v = cJSON_GetObjectItem(input, key);

	if (cJSON_IsNumber(v)) {
		*out = (long)v->valuedouble;
		return 1;
	}
	if (cJSON_IsString(v) && *v->valuestring) {
		char *end;

		*out = strtol(v->valuestring, &end, 10);
		return *end == '\0';
	}
	return 0;
}

/* Absolute path for a tool argument (relative to cwd, "~/" for home). Caller frees. */
static char *tool_path(struct agent_session *s, const char *p)
{
	const char *home = getenv("HOME");
	char *joined, *abs;

	if (!strncmp(p, "~/", 2) && home)
		joined = sw_path_join(home, p + 2);
	else if (!strcmp(p, "~") && home)
		joined = sw_xstrdup(home);
	else
		joined = sw_path_join(s->cwd, p);
	abs = sw_path_absolute(joined);
	free(joined);
	return abs;
}

void agent__describe_call(struct agent_session *s, struct agent__call *c)
{
	struct sw_buf t = SW_BUF_INIT;
	const char *p = in_str(c->input, "path");
	const cJSON *ops = cJSON_GetObjectItem(c->input, "operations");

	if (!p && cJSON_IsArray(ops))
		p = in_str(cJSON_GetArrayItem(ops, 0), "path");
	c->kind = agent__builtin(c->name) ? builtin_kind(c->name) : "other";
	if (p && (!strcmp(c->name, "fs_read") || !strcmp(c->name, "fs_write"))) {
		char *abs = tool_path(s, p);
		char *rel = sw_path_relative(abs, s->root ? s->root : s->cwd);

		c->path = abs;
		if (!sw_strvec_contains(&s->files, rel) && rel[0] != '/')
			sw_strvec_push(&s->files, rel);
		sw_buf_addf(&t, "%s %s", !strcmp(c->name, "fs_read") ? "Reading" : "Editing", rel);
		free(rel);
	} else if (!strcmp(c->name, "execute_bash") && in_str(c->input, "command")) {
		sw_buf_addf(&t, "Running: %.200s", in_str(c->input, "command"));
	} else if ((!strcmp(c->name, "glob") || !strcmp(c->name, "grep")) && in_str(c->input, "pattern")) {
		sw_buf_addf(&t, "Searching for %.200s", in_str(c->input, "pattern"));
	} else if (!strcmp(c->name, "todo_list")) {
		sw_buf_adds(&t, "Updating the todo list");
	} else if (!strcmp(c->name, "use_subagent")) {
		sw_buf_adds(&t, "Running sub-agents");
	} else if (!strcmp(c->name, "knowledge")) {
		sw_buf_addf(&t, "Knowledge: %s %.200s", in_str(c->input, "command") ? in_str(c->input, "command") : "",
			    in_str(c->input, "query") ? in_str(c->input, "query") : "");
	} else if (c->name[0] == '@') {
		sw_buf_addf(&t, "Calling %s", c->name);
	} else {
		sw_buf_addf(&t, "%s", c->name);
	}
	c->title = sw_buf_detach(&t, NULL);
}

static void fail(struct agent__call *c, const char *fmt, ...) SW_PRINTF(2, 3);

static void fail(struct agent__call *c, const char *fmt, ...)
{
	va_list ap;

	sw_buf_reset(&c->output);
	va_start(ap, fmt);
	sw_buf_vaddf(&c->output, fmt, ap);
	va_end(ap);
	c->is_error = 1;
}

/* ------------------------------------------------------------------- walking */

struct walker {
	const char *root;
	size_t max, seen;
	struct sw_ignore ign;
	int (*cb)(const char *rel, int is_dir, void *data);
	void *data;
	int stop;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(struct walker *w, const char *rel)
{
	char *dir = rel[0] ? sw_path_join(w->root, rel) : sw_xstrdup(w->root);
	struct sw_strvec names = SW_STRVEC_INIT;
	struct dirent *de;
	DIR *d;
	size_t i;

	{
		char *gi = sw_path_join(dir, ".gitignore");
		struct sw_buf text = SW_BUF_INIT;
		struct sw_error err = SW_ERROR_INIT;

		if (sw_read_file(&text, gi, 1u << 20, &err) == 0)
			sw_ignore_add_text(&w->ign, text.ptr, text.len, rel);
		sw_buf_release(&text);
		free(gi);
	}
	d = opendir(dir);
	if (!d) {
		free(dir);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, ".git"))
			sw_strvec_push(&names, de->d_name);
	closedir(d);
	SW_QSORT(names.v, names.nr, name_cmp);
	for (i = 0; i < names.nr && !w->stop; i++) {
		char *child = rel[0] ? sw_path_join(rel, names.v[i]) : sw_xstrdup(names.v[i]);
		char *full = sw_path_join(w->root, child);
		struct stat st;
		int is_dir;

		if (lstat(full, &st) == 0) {
			is_dir = S_ISDIR(st.st_mode);
			if (!sw_ignore_match(&w->ign, child, is_dir)) {
				if (++w->seen > w->max || w->cb(child, is_dir, w->data))
					w->stop = 1;
				else if (is_dir)
					walk_dir(w, child);
			}
		}
		free(full);
		free(child);
	}
	sw_strvec_clear(&names);
	free(dir);
}

void agent__walk(const char *root, const char *start, size_t max,
		 int (*cb)(const char *rel, int is_dir, void *data), void *data)
{
	struct walker w;

	memset(&w, 0, sizeof(w));
	w.root = root;
	w.max = max ? max : WALK_MAX;
	w.cb = cb;
	w.data = data;
	walk_dir(&w, start ? start : "");
	sw_ignore_release(&w.ign);
}

/* ------------------------------------------------------------------- fs_read */

/* Appends the lines of @text that @op asks for (start_line, end_line; NULL: all) to the output. */
static void slice_lines(struct agent__call *c, const char *path, const char *text, size_t len, const cJSON *op)
{
	long start = 1, end = -1, nlines = 0, i;
	const char *p, *from = NULL, *to = NULL;

	if (memchr(text, '\0', len < 8192 ? len : 8192)) {
		fail(c, "'%s' is a binary file (%zu bytes)", path, len);
		return;
	}
	in_int(op, "start_line", &start);
	in_int(op, "end_line", &end);
	for (p = text; p < text + len; p++)
		if (*p == '\n')
			nlines++;
	if (len && text[len - 1] != '\n')
		nlines++;
	if (start < 0)
		start = nlines + start + 1;
	if (end < 0)
		end = nlines + end + 1;
	if (start < 1)
		start = 1;
	if (end > nlines)
		end = nlines;
	for (i = 1, p = text; p <= text + len; i++) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));

		if (i == start)
			from = p;
		if (i == end) {
			to = nl ? nl + 1 : text + len;
			break;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (from && to && to >= from) {
		size_t n = (size_t)(to - from);

		if (n > READ_MAX) {
			sw_buf_add(&c->output, from, READ_MAX);
			sw_buf_addf(&c->output, "\n... truncated: read a smaller line range (the file has %ld lines)",
				    nlines);
		} else {
			sw_buf_add(&c->output, from, n);
		}
	}
}

static void read_lines(struct agent__call *c, const char *path, const cJSON *op)
{
	struct sw_buf text = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;

	if (sw_read_file(&text, path, 64u << 20, &err) < 0)
		fail(c, "%s", err.msg);
	else
		slice_lines(c, path, text.ptr, text.len, op);
	sw_buf_release(&text);
}

/* fs_read mode Search: the lines of @text (modified) containing @pat, case-insensitively. */
static void search_lines(struct agent__call *c, const char *p, char *text, const char *pat)
{
	char *save = NULL, *line;
	long n = 0, hits = 0;

	for (line = strtok_r(text, "\n", &save); line && hits < GREP_MAX; line = strtok_r(NULL, "\n", &save)) {
		n++;
		if (strcasestr(line, pat)) {
			sw_buf_addf(&c->output, "%ld: %.300s\n", n, line);
			hits++;
		}
	}
	if (!hits)
		sw_buf_addf(&c->output, "no line of '%s' contains '%s'", p, pat);
}

struct list_state {
	struct sw_buf *out;
	const char *root;
	long depth;
	size_t n;
};

static int list_entry(const char *rel, int is_dir, void *data)
{
	struct list_state *ls = data;
	const char *p;
	long depth = 0;

	for (p = rel; *p; p++)
		if (*p == '/')
			depth++;
	if (depth > ls->depth)
		return 0;
	if (++ls->n > GLOB_MAX) {
		sw_buf_adds(ls->out, "... more entries not shown\n");
		return 1;
	}
	sw_buf_addf(ls->out, "%s%s\n", rel, is_dir ? "/" : "");
	return 0;
}

static void read_one(struct agent_session *s, struct agent__call *c, const cJSON *op)
{
	const char *p = in_str(op, "path"), *mode = in_str(op, "mode");
	char *path;

	if (!p) {
		fail(c, "fs_read needs a 'path'");
		return;
	}
	path = tool_path(s, p);
	if (!sw_path_exists(path)) {
		fail(c, "'%s' does not exist", p);
	} else if ((mode && !strcasecmp(mode, "Directory")) || (!mode && sw_is_dir(path))) {
		struct list_state ls = { &c->output, path, 0, 0 };

		if (!sw_is_dir(path)) {
			fail(c, "'%s' is not a directory", p);
		} else {
			in_int(op, "depth", &ls.depth);
			agent__walk(path, "", WALK_MAX, list_entry, &ls);
		}
	} else if (mode && !strcasecmp(mode, "Search")) {
		const char *pat = in_str(op, "pattern");
		struct sw_buf text = SW_BUF_INIT;
		struct sw_error err = SW_ERROR_INIT;

		if (!pat)
			fail(c, "fs_read mode Search needs a 'pattern'");
		else if (sw_read_file(&text, path, 64u << 20, &err) < 0)
			fail(c, "%s", err.msg);
		else
			search_lines(c, p, text.ptr, pat);
		sw_buf_release(&text);
	} else if (sw_is_dir(path)) {
		fail(c, "'%s' is a directory: use mode Directory", p);
	} else {
		read_lines(c, path, op);
	}
	free(path);
}

static void tool_fs_read(struct agent_session *s, struct agent__call *c)
{
	const cJSON *ops = cJSON_GetObjectItem(c->input, "operations"), *op;

	if (!cJSON_IsArray(ops)) {
		read_one(s, c, c->input);
		return;
	}
	cJSON_ArrayForEach(op, ops) {
		if (cJSON_GetArraySize(ops) > 1)
			sw_buf_addf(&c->output, "=== %s\n", in_str(op, "path") ? in_str(op, "path") : "?");
		read_one(s, c, op);
		if (c->is_error)
			return;
		sw_buf_addch(&c->output, '\n');
	}
}

/* ------------------------------------------------------------------ fs_write */

/*
 * Applies fs_write's @cmd to @text, the file's current text (empty for a
 * missing file).  Returns 0, or -1 with the call failed.
 */
static int write_apply(struct agent__call *c, const char *cmd, const char *p, struct sw_buf *text)
{
	if (!strcmp(cmd, "create")) {
		const char *t = in_str(c->input, "file_text");

		if (!t)
			t = in_str(c->input, "new_str");
		if (!t) {
			fail(c, "fs_write create needs 'file_text'");
			return -1;
		}
		sw_buf_reset(text);
		sw_buf_adds(text, t);
	} else if (!strcmp(cmd, "str_replace")) {
		const char *old = in_str(c->input, "old_str"), *new = in_str(c->input, "new_str"), *at;

		if (!old || !*old || !new) {
			fail(c, "fs_write str_replace needs 'old_str' and 'new_str'");
			return -1;
		}
		at = strstr(text->ptr, old);
		if (!at) {
			fail(c, "'old_str' was not found in '%s'", p);
			return -1;
		}
		if (strstr(at + 1, old)) {
			fail(c, "'old_str' occurs more than once in '%s': give more context", p);
			return -1;
		}
		sw_buf_splice(text, (size_t)(at - text->ptr), strlen(old), new, strlen(new));
	} else if (!strcmp(cmd, "insert")) {
		const char *new = in_str(c->input, "new_str");
		struct sw_buf ins = SW_BUF_INIT;
		long line = 0, i;
		size_t off = 0;

		if (!new || !in_int(c->input, "insert_line", &line) || line < 0) {
			fail(c, "fs_write insert needs 'new_str' and a non-negative 'insert_line'");
			return -1;
		}
		for (i = 0; i < line && off < text->len; i++) {
			const char *nl = memchr(text->ptr + off, '\n', text->len - off);

			off = nl ? (size_t)(nl - text->ptr) + 1 : text->len;
		}
		if (off == text->len && text->len && text->ptr[text->len - 1] != '\n')
			sw_buf_addch(text, '\n'), off = text->len;
		sw_buf_adds(&ins, new);
		if (!sw_ends_with(ins.ptr, "\n"))
			sw_buf_addch(&ins, '\n');
		sw_buf_splice(text, off, 0, ins.ptr, ins.len);
		sw_buf_release(&ins);
	} else if (!strcmp(cmd, "append")) {
		const char *new = in_str(c->input, "new_str");

		if (!new) {
			fail(c, "fs_write append needs 'new_str'");
			return -1;
		}
		if (text->len && text->ptr[text->len - 1] != '\n')
			sw_buf_addch(text, '\n');
		sw_buf_adds(text, new);
	} else {
		fail(c, "unknown fs_write command '%s': expected create, str_replace, insert or append", cmd);
		return -1;
	}
	return 0;
}

/* The file was written: the diff for the caller and the result for the model. */
static void write_done(struct agent__call *c, const char *cmd, const char *p, const struct sw_buf *text)
{
	c->new_text = sw_xstrdup(text->ptr);
	sw_buf_addf(&c->output, "%s '%s' (%zu bytes)", !strcmp(cmd, "create") ? "created" : "updated", p, text->len);
}

static void tool_fs_write(struct agent_session *s, struct agent__call *c)
{
	const char *cmd = in_str(c->input, "command"), *p = in_str(c->input, "path");
	struct sw_buf text = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *path = NULL, *dir = NULL;

	if (!cmd || !p) {
		fail(c, "fs_write needs 'command' and 'path'");
		return;
	}
	path = tool_path(s, p);
	if (strcmp(cmd, "create")) {
		int rc = sw_read_file(&text, path, 64u << 20, &err);

		if (rc < 0 && !(rc == SW_ENOTFOUND && !strcmp(cmd, "append"))) {
			fail(c, "%s", err.msg);
			goto out;
		}
		if (rc == 0)
			c->old_text = sw_xstrdup(text.ptr);
	} else if (sw_is_file(path) && sw_read_file(&text, path, 64u << 20, &err) == 0) {
		c->old_text = sw_xstrdup(text.ptr);
	}
	if (write_apply(c, cmd, p, &text) < 0)
		goto out;
	dir = sw_dirname(path);
	if (sw_mkdir_p(dir, &err) < 0 || sw_write_atomic(path, text.ptr, text.len, &err) < 0) {
		fail(c, "%s", err.msg);
		goto out;
	}
	write_done(c, cmd, p, &text);
out:
	free(dir);
	free(path);
	sw_buf_release(&text);
}

/* ------------------------------------------------------- I/O through s->io */

/*
 * One tool's I/O through the session's struct agent_tool_io.  The call
 * points at it while it runs; agent__tool_drop() cuts the link, and a
 * late completion then only frees it.
 */
struct agent__io {
	struct agent__call *c;    /* NULL once dropped */
	struct agent_session *s;
	int index;                /* fs_read: the operation being read */
	const char *p;            /* the path as the model wrote it (borrowed from the input) */
	char *path;               /* absolute */
	int ranged;               /* fs_read: the text is the range already */
	const char *pattern;      /* fs_read mode Search */
	struct sw_buf text;       /* fs_write: the new text */
};

static struct agent__io *io_start(struct agent_session *s, struct agent__call *c)
{
	struct agent__io *io = sw_xcalloc(1, sizeof(*io));

	io->c = c;
	io->s = s;
	sw_buf_init(&io->text, 0);
	c->io = io;
	return io;
}

static void io_free(struct agent__io *io)
{
	free(io->path);
	sw_buf_release(&io->text);
	free(io);
}

/* Ends the tool through agent__tool_finished(); SW_ECANCELED cancels the turn. */
static void io_finish(struct agent__io *io, int rc)
{
	struct agent__call *c = io->c;
	struct agent_session *s = io->s;

	c->io = NULL;
	io_free(io);
	if (rc == SW_ECANCELED)
		s->canceled = 1;
	agent__tool_finished(s, c);
}

/* The error of an I/O operation as the tool's result. */
static void io_fail(struct agent__call *c, int rc, const char *p, const struct sw_error *err)
{
	if (rc == SW_ENOTFOUND)
		fail(c, "'%s' does not exist", p);
	else if (rc == SW_ECANCELED)
		fail(c, "cancelled");
	else
		fail(c, "%s", err && err->msg[0] ? err->msg : "the operation failed");
}

static void io_read_next(struct agent__io *io);

static void io_read_got(void *ctx, int rc, const char *text, const struct sw_error *err)
{
	struct agent__io *io = ctx;
	struct agent__call *c = io->c;
	const cJSON *ops = cJSON_GetObjectItem(c ? c->input : NULL, "operations");

	if (!c) {
		io_free(io);
		return;
	}
	if (rc < 0) {
		io_fail(c, rc, io->p, err);
		io_finish(io, rc);
		return;
	}
	if (io->pattern) {
		char *copy = sw_xstrdup(text ? text : "");

		search_lines(c, io->p, copy, io->pattern);
		free(copy);
	} else {
		slice_lines(c, io->p, text ? text : "", text ? strlen(text) : 0,
			    io->ranged ? NULL : cJSON_IsArray(ops) ? cJSON_GetArrayItem(ops, io->index) : c->input);
	}
	if (c->is_error) {
		io_finish(io, 0);
		return;
	}
	if (cJSON_IsArray(ops))
		sw_buf_addch(&c->output, '\n');
	io->index++;
	io_read_next(io);
}

/*
 * fs_read through s->io: each operation in turn; directories are listed
 * locally, files are read through read_file (a Line range with positive
 * bounds is asked for as such, other ranges are cut from the whole text).
 */
static void io_read_next(struct agent__io *io)
{
	struct agent__call *c = io->c;
	struct agent_session *s = io->s;
	const cJSON *ops = cJSON_GetObjectItem(c->input, "operations");
	int n = cJSON_IsArray(ops) ? cJSON_GetArraySize(ops) : 1;

	while (io->index < n) {
		const cJSON *op = cJSON_IsArray(ops) ? cJSON_GetArrayItem(ops, io->index) : c->input;
		const char *mode = in_str(op, "mode");
		long start = 1, end = -1;

		io->p = in_str(op, "path");
		io->pattern = NULL;
		io->ranged = 0;
		if (n > 1)
			sw_buf_addf(&c->output, "=== %s\n", io->p ? io->p : "?");
		if (!io->p) {
			fail(c, "fs_read needs a 'path'");
			break;
		}
		free(io->path);
		io->path = tool_path(s, io->p);
		if ((mode && !strcasecmp(mode, "Directory")) || sw_is_dir(io->path)) {
			read_one(s, c, op); /* no client method lists folders */
			if (c->is_error)
				break;
			if (cJSON_IsArray(ops))
				sw_buf_addch(&c->output, '\n');
			io->index++;
			continue;
		}
		if (mode && !strcasecmp(mode, "Search")) {
			io->pattern = in_str(op, "pattern");
			if (!io->pattern) {
				fail(c, "fs_read mode Search needs a 'pattern'");
				break;
			}
			s->io->read_file(s->io->self, io->path, 0, 0, io_read_got, io);
			return;
		}
		in_int(op, "start_line", &start);
		in_int(op, "end_line", &end);
		if (start >= 1 && (end >= start || end == -1)) {
			io->ranged = 1;
			s->io->read_file(s->io->self, io->path, start, end == -1 ? 0 : end - start + 1, io_read_got, io);
		} else {
			s->io->read_file(s->io->self, io->path, 0, 0, io_read_got, io);
		}
		return;
	}
	io_finish(io, 0);
}

static void io_write_done(void *ctx, int rc, const char *text, const struct sw_error *err)
{
	struct agent__io *io = ctx;
	struct agent__call *c = io->c;

	SW_UNUSED(text);
	if (!c) {
		io_free(io);
		return;
	}
	if (rc < 0)
		io_fail(c, rc == SW_ENOTFOUND ? SW_EIO : rc, io->p, err);
	else
		write_done(c, in_str(c->input, "command"), io->p, &io->text);
	io_finish(io, rc);
}

static void io_write_got(void *ctx, int rc, const char *text, const struct sw_error *err)
{
	struct agent__io *io = ctx;
	struct agent__call *c = io->c;
	const char *cmd;

	if (!c) {
		io_free(io);
		return;
	}
	cmd = in_str(c->input, "command");
	if (rc < 0 && !strcmp(cmd, "create"))
		rc = SW_ENOTFOUND; /* the old text only makes the diff: create anyway */
	if (rc < 0 && !(rc == SW_ENOTFOUND && (!strcmp(cmd, "append") || !strcmp(cmd, "create")))) {
		io_fail(c, rc, io->p, err);
		io_finish(io, rc);
		return;
	}
	if (rc == 0) {
		c->old_text = sw_xstrdup(text ? text : "");
		sw_buf_adds(&io->text, text ? text : "");
	}
	if (write_apply(c, cmd, io->p, &io->text) < 0) {
		io_finish(io, 0);
		return;
	}
	io->s->io->write_file(io->s->io->self, io->path, io->text.ptr, io_write_done, io);
}

/* fs_write through s->io: the current text through read_file, the edit here, the result through write_file. */
static void io_fs_write(struct agent_session *s, struct agent__call *c)
{
	const char *cmd = in_str(c->input, "command"), *p = in_str(c->input, "path");
	struct agent__io *io;

	if (!cmd || !p) {
		fail(c, "fs_write needs 'command' and 'path'");
		agent__tool_finished(s, c);
		return;
	}
	io = io_start(s, c);
	io->p = p;
	io->path = tool_path(s, p);
	if (!strcmp(cmd, "create") && !sw_path_exists(io->path)) {
		io_write_got(io, SW_ENOTFOUND, NULL, NULL);
	} else if (s->io->read_file) {
		s->io->read_file(s->io->self, io->path, 0, 0, io_write_got, io);
	} else {
		/* Reads stay local: the old text from the disk. */
		struct sw_buf text = SW_BUF_INIT;
		struct sw_error err = SW_ERROR_INIT;
		int rc = sw_read_file(&text, io->path, 64u << 20, &err);

		io_write_got(io, rc, rc == 0 ? text.ptr : NULL, &err);
		sw_buf_release(&text);
	}
}

static void io_shell_done(void *ctx, int rc, const char *output, int exit_code, const char *signal_name,
			  const struct sw_error *err)
{
	struct agent__io *io = ctx;
	struct agent__call *c = io->c;
	cJSON *r;
	struct sw_buf out = SW_BUF_INIT;

	if (!c) {
		io_free(io);
		return;
	}
	if (rc < 0 && rc != SW_ETIMEOUT) {
		io_fail(c, rc, NULL, err);
		io_finish(io, rc);
		return;
	}
	/* The shape of the local result; a terminal gives stdout and stderr together. */
	r = cJSON_CreateObject();
	if (rc == SW_ETIMEOUT) {
		cJSON_AddStringToObject(r, "exit_status", err && err->msg[0] ? err->msg : "timed out");
	} else if (signal_name && *signal_name) {
		sw_buf_addf(&out, "killed by %s", signal_name);
		cJSON_AddStringToObject(r, "exit_status", out.ptr);
		sw_buf_reset(&out);
	} else {
		char num[16];

		snprintf(num, sizeof(num), "%d", exit_code);
		cJSON_AddStringToObject(r, "exit_status", num);
	}
	cJSON_AddStringToObject(r, "stdout", output ? output : "");
	cJSON_AddStringToObject(r, "stderr", "");
	sw_json_print(&out, r, 1);
	sw_buf_reset(&c->output);
	sw_buf_addbuf(&c->output, &out);
	cJSON_Delete(r);
	sw_buf_release(&out);
	io_finish(io, 0);
}

/* -------------------------------------------------------------- execute_bash */

static void shell_exit(struct sw_proc *p, void *data)
{
	struct agent__call *c = data;
	struct agent_session *s = c->owner;
	cJSON *r = cJSON_CreateObject();
	struct sw_buf out = SW_BUF_INIT, desc = SW_BUF_INIT;

	if (p->timed_out || p->term_signal) {
		sw_proc_describe(p, &desc);
		cJSON_AddStringToObject(r, "exit_status", desc.ptr);
	} else {
		char num[16];

		snprintf(num, sizeof(num), "%d", p->exit_status);
		cJSON_AddStringToObject(r, "exit_status", num);
	}
	cJSON_AddStringToObject(r, "stdout", p->out.ptr);
	cJSON_AddStringToObject(r, "stderr", p->errout.ptr);
	sw_json_print(&out, r, 1);
	sw_buf_reset(&c->output);
	sw_buf_addbuf(&c->output, &out);
	cJSON_Delete(r);
	sw_buf_release(&out);
	sw_buf_release(&desc);
	c->proc = NULL;
	sw_proc_free(p);
	agent__tool_finished(s, c);
}

static void tool_shell(struct agent_session *s, struct agent__call *c)
{
	const char *cmd = in_str(c->input, "command");
	struct sw_proc_opts o = SW_PROC_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_strvec env = SW_STRVEC_INIT;
	extern char **environ;
	const char *argv[4] = { "bash", "-c", NULL, NULL };
	char **e;

	if (!cmd) {
		fail(c, "execute_bash needs a 'command'");
		agent__tool_finished(s, c);
		return;
	}
	argv[2] = cmd;
	/* Side channel for wrapper scripts, as Kiro's shell tool exports it. */
	for (e = environ; *e; e++)
		if (strncmp(*e, "KIRO_SESSION_ID=", 16))
			sw_strvec_push(&env, *e);
	sw_strvec_pushf(&env, "KIRO_SESSION_ID=%s", s->id);
	o.argv = argv;
	o.env = (const char *const *)env.v;
	o.cwd = s->cwd;
	o.stdin_data = "";
	o.capture_stdout = o.capture_stderr = 1;
	o.max_output = SHELL_OUTPUT_MAX;
	o.timeout_ms = SHELL_TIMEOUT_MS;
	o.on_exit = shell_exit;
	o.data = c;
	if (sw_proc_start(&c->proc, s->loop, &o, &err) < 0) {
		fail(c, "%s", err.msg);
		agent__tool_finished(s, c);
	}
	sw_strvec_clear(&env);
}

/* -------------------------------------------------------------- glob / grep */

struct search_state {
	struct agent__call *c;
	const char *pattern;
	const char *include;
	const char *base;
	regex_t re;
	size_t hits;
	int truncated;
};

static int glob_entry(const char *rel, int is_dir, void *data)
{
	struct search_state *st = data;

	if (is_dir || !sw_glob_match(st->pattern, rel, 0))
		return 0;
	if (++st->hits > GLOB_MAX) {
		st->truncated = 1;
		return 1;
	}
	sw_buf_addf(&st->c->output, "%s\n", rel);
	return 0;
}

static int grep_entry(const char *rel, int is_dir, void *data)
{
	struct search_state *st = data;
	struct sw_buf text = SW_BUF_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *full, *line, *save = NULL;
	long n = 0;

	if (is_dir || (st->include && !sw_glob_match(st->include, rel, SW_GLOB_ANY_DEPTH)))
		return 0;
	full = sw_path_join(st->base, rel);
	if (sw_read_file(&text, full, 4u << 20, &err) < 0 ||
	    memchr(text.ptr, '\0', text.len < 8192 ? text.len : 8192)) {
		free(full);
		sw_buf_release(&text);
		return 0;
	}
	for (line = text.ptr; line && *line; line = save) {
		char *nl = strchr(line, '\n');

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		n++;
		if (regexec(&st->re, line, 0, NULL, 0) == 0) {
			if (++st->hits > GREP_MAX) {
				st->truncated = 1;
				break;
			}
			sw_buf_addf(&st->c->output, "%s:%ld: %.300s\n", rel, n, line);
		}
	}
	free(full);
	sw_buf_release(&text);
	return st->truncated;
}

static void tool_search(struct agent_session *s, struct agent__call *c, int grep)
{
	struct search_state st;
	const char *p = in_str(c->input, "path");
	char *base;

	memset(&st, 0, sizeof(st));
	st.c = c;
	st.pattern = in_str(c->input, "pattern");
	st.include = in_str(c->input, "include");
	if (!st.pattern) {
		fail(c, "%s needs a 'pattern'", grep ? "grep" : "glob");
		return;
	}
	base = tool_path(s, p ? p : ".");
	st.base = base;
	if (!sw_is_dir(base)) {
		fail(c, "'%s' is not a directory", p);
		free(base);
		return;
	}
	if (grep) {
		int flags = REG_EXTENDED | REG_NOSUB;
		const cJSON *cs = cJSON_GetObjectItem(c->input, "case_sensitive");
		int rc;

		if (!cJSON_IsTrue(cs))
			flags |= REG_ICASE;
		if ((rc = regcomp(&st.re, st.pattern, flags)) != 0) {
			char msg[256];

			regerror(rc, &st.re, msg, sizeof(msg));
			fail(c, "invalid regular expression '%s': %s", st.pattern, msg);
			free(base);
			return;
		}
		agent__walk(base, "", WALK_MAX, grep_entry, &st);
		regfree(&st.re);
	} else {
		agent__walk(base, "", WALK_MAX, glob_entry, &st);
	}
	if (!st.hits)
		sw_buf_addf(&c->output, "no %s for '%s'", grep ? "matches" : "files", st.pattern);
	if (st.truncated)
		sw_buf_addf(&c->output, "... stopped after %d results", grep ? GREP_MAX : GLOB_MAX);
	free(base);
}

/* ----------------------------------------------------------------- todo_list */

static void todo_plan(struct agent_session *s)
{
	cJSON *entries = cJSON_CreateArray();
	const cJSON *t;
	int current = 0;

	cJSON_ArrayForEach(t, cJSON_GetObjectItem(s->todo, "tasks")) {
		cJSON *e = cJSON_CreateObject();
		int done = cJSON_IsTrue(cJSON_GetObjectItem(t, "completed"));

		cJSON_AddStringToObject(e, "content", cJSON_GetStringValue(cJSON_GetObjectItem(t, "task")));
		cJSON_AddStringToObject(e, "priority", "medium");
		cJSON_AddStringToObject(e, "status", done ? "completed" : !current ? "in_progress" : "pending");
		if (!done)
			current = 1;
		cJSON_AddItemToArray(entries, e);
	}
	if (s->ev.plan)
		s->ev.plan(s->ev.data, entries);
	cJSON_Delete(entries);
}

static void todo_render(struct agent_session *s, struct sw_buf *b)
{
	const cJSON *t;
	int i = 0;

	sw_buf_addf(b, "%s\n", cJSON_GetStringValue(cJSON_GetObjectItem(s->todo, "description")));
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(s->todo, "tasks"))
		sw_buf_addf(b, "%d. [%c] %s\n", i++, cJSON_IsTrue(cJSON_GetObjectItem(t, "completed")) ? 'x' : ' ',
			    cJSON_GetStringValue(cJSON_GetObjectItem(t, "task")));
}

static void add_tasks(cJSON *tasks, const cJSON *list)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, list) {
		if (cJSON_IsString(x)) {
			cJSON *t = cJSON_CreateObject();

			cJSON_AddStringToObject(t, "task", x->valuestring);
			cJSON_AddFalseToObject(t, "completed");
			cJSON_AddItemToArray(tasks, t);
		}
	}
}

static void tool_todo(struct agent_session *s, struct agent__call *c)
{
	const char *cmd = in_str(c->input, "command");
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf json = SW_BUF_INIT;
	const cJSON *x;
	cJSON *tasks;

	if (!cmd) {
		fail(c, "todo_list needs a 'command'");
		return;
	}
	if (!strcmp(cmd, "create")) {
		const char *desc = in_str(c->input, "todo_list_description");
		struct sw_buf path = SW_BUF_INIT, slug = SW_BUF_INIT;
		const char *q;
		time_t now = time(NULL);

		cJSON_Delete(s->todo);
		s->todo = cJSON_CreateObject();
		cJSON_AddStringToObject(s->todo, "description", desc ? desc : "todo");
		tasks = cJSON_AddArrayToObject(s->todo, "tasks");
		add_tasks(tasks, cJSON_GetObjectItem(c->input, "tasks"));
		cJSON_AddArrayToObject(s->todo, "context");
		cJSON_AddArrayToObject(s->todo, "modified_files");
		for (q = desc ? desc : "todo"; *q && slug.len < 40; q++)
			sw_buf_addch(&slug, isalnum((unsigned char)*q) ? tolower((unsigned char)*q) : '-');
		sw_buf_addf(&path, "%s/.kiro/cli-todo-lists/%ld-%s.json", s->root ? s->root : s->cwd, (long)now,
			    slug.ptr);
		free(s->todo_path);
		s->todo_path = sw_buf_detach(&path, NULL);
		sw_buf_release(&slug);
	} else if (!s->todo) {
		fail(c, "there is no todo list yet: create one first");
		return;
	} else if (!strcmp(cmd, "complete")) {
		tasks = cJSON_GetObjectItem(s->todo, "tasks");
		cJSON_ArrayForEach(x, cJSON_GetObjectItem(c->input, "completed_indices")) {
			cJSON *t = cJSON_GetArrayItem(tasks, (int)x->valuedouble);

			if (!cJSON_IsNumber(x) || !t) {
				fail(c, "no task at index %d", cJSON_IsNumber(x) ? (int)x->valuedouble : -1);
				return;
			}
			cJSON_ReplaceItemInObject(t, "completed", cJSON_CreateTrue());
		}
		if (in_str(c->input, "context_update"))
			cJSON_AddItemToArray(cJSON_GetObjectItem(s->todo, "context"),
					     cJSON_CreateString(in_str(c->input, "context_update")));
		cJSON_ArrayForEach(x, cJSON_GetObjectItem(c->input, "modified_files"))
			if (cJSON_IsString(x))
				cJSON_AddItemToArray(cJSON_GetObjectItem(s->todo, "modified_files"),
						     cJSON_CreateString(x->valuestring));
	} else if (!strcmp(cmd, "add")) {
		x = cJSON_GetObjectItem(c->input, "new_tasks");
		add_tasks(cJSON_GetObjectItem(s->todo, "tasks"), x ? x : cJSON_GetObjectItem(c->input, "tasks"));
	} else if (!strcmp(cmd, "remove")) {
		int n = cJSON_GetArraySize(cJSON_GetObjectItem(c->input, "remove_indices")), i;
		char *gone;

		tasks = cJSON_GetObjectItem(s->todo, "tasks");
		gone = sw_xcalloc((size_t)cJSON_GetArraySize(tasks) + 1, 1);
		for (i = 0; i < n; i++) {
			x = cJSON_GetArrayItem(cJSON_GetObjectItem(c->input, "remove_indices"), i);
			if (cJSON_IsNumber(x) && x->valuedouble >= 0 && x->valuedouble < cJSON_GetArraySize(tasks))
				gone[(int)x->valuedouble] = 1;
		}
		for (i = cJSON_GetArraySize(tasks) - 1; i >= 0; i--)
			if (gone[i])
				cJSON_DeleteItemFromArray(tasks, i);
		free(gone);
	} else if (strcmp(cmd, "view")) {
		fail(c, "unknown todo_list command '%s': expected create, complete, add, remove or view", cmd);
		return;
	}
	if (strcmp(cmd, "view")) {
		char *dir = sw_dirname(s->todo_path);

		sw_json_print(&json, s->todo, 1);
		sw_buf_addch(&json, '\n');
		if (sw_mkdir_p(dir, &err) < 0 || sw_write_atomic(s->todo_path, json.ptr, json.len, &err) < 0)
			agent__notice(s, "todo list not saved: %s", err.msg);
		free(dir);
		todo_plan(s);
	}
	todo_render(s, &c->output);
	sw_buf_release(&json);
}

/* -------------------------------------------------------------- use_subagent */

struct sub_link {
	struct agent_session *parent;
	struct agent__call *call;
	size_t index;
};

static void sub_collect(struct agent_session *s, void *arg)
{
	struct agent__call *c = arg;
	size_t i;

	for (i = 0; i < c->nsubs; i++) {
		sw_buf_addf(&c->output, "## Sub-agent %zu\n%s\n\n", i + 1,
			    c->sub_results[i] ? c->sub_results[i] : "(no summary)");
		if (!c->subs[i])
			continue;
		model_usage_add(&s->usage, agent_session_usage(c->subs[i]));
		free(c->subs[i]->ev.data); /* its struct sub_link */
		agent_session_free(c->subs[i]);
		c->subs[i] = NULL;
	}
	if (s->ev.usage)
		s->ev.usage(s->ev.data, &(struct model_usage){ 0, 0, 0, 0, 0, 0 }, &s->usage,
			    s->last_input_tokens, s->cfg->context_window);
	agent__tool_finished(s, c);
}

static void sub_turn_end(void *data, const char *stop, int rc, const struct sw_error *err)
{
	struct sub_link *l = data;
	struct agent__call *c = l->call;
	struct agent_session *child = c->subs[l->index];
	struct sw_buf r = SW_BUF_INIT;

	if (rc < 0)
		sw_buf_addf(&r, "(failed: %s)", err ? err->msg : "error");
	else if (!strcmp(stop, "cancelled"))
		sw_buf_adds(&r, "(cancelled)");
	else
		sw_buf_adds(&r, child->final_text ? child->final_text : "");
	c->sub_results[l->index] = sw_buf_detach(&r, NULL);
	if (++c->subs_done == c->nsubs)
		agent__defer(l->parent, sub_collect, c); /* free the children from the loop, not here */
}

static void tool_subagent(struct agent_session *s, struct agent__call *c)
{
	const char *cmd = in_str(c->input, "command");
	const cJSON *list = cJSON_GetObjectItem(cJSON_GetObjectItem(c->input, "content"), "subagents"), *q;
	struct agent_profile prof = AGENT_PROFILE_INIT;
	size_t n, i;

	if (cmd && !strcmp(cmd, "ListAgents")) {
		sw_buf_adds(&c->output, "default: a general agent with the read, write and shell tools\n");
		agent__tool_finished(s, c);
		return;
	}
	if (s->depth > 0) {
		fail(c, "sub-agents cannot start sub-agents");
		agent__tool_finished(s, c);
		return;
	}
	n = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 0;
	if (!n || n > AGENT_MAX_SUBAGENTS) {
		fail(c, "use_subagent takes 1 to %d entries in content.subagents, not %zu", AGENT_MAX_SUBAGENTS, n);
		agent__tool_finished(s, c);
		return;
	}
	agent_profile_default(&prof);
	free(prof.name);
	prof.name = sw_xstrdup("subagent");
	prof.all_tools = 0;
	sw_strvec_push(&prof.tools, "fs_read");
	sw_strvec_push(&prof.tools, "fs_write");
	sw_strvec_push(&prof.tools, "execute_bash");
	sw_strvec_push(&prof.tools, "@*"); /* MCP tools, as Kiro's sub-agents have them */
	sw_strvec_pushv(&prof.allowed_tools, (const char *const *)s->profile.allowed_tools.v);
	if (s->profile.tools_settings)
		prof.tools_settings = cJSON_Duplicate(s->profile.tools_settings, 1);
	c->subs = sw_xcalloc(n, sizeof(*c->subs));
	c->sub_results = sw_xcalloc(n, sizeof(*c->sub_results));
	c->nsubs = n;
	for (i = 0; i < n; i++) {
		struct agent_session_opts o = AGENT_SESSION_OPTS_INIT;
		struct sub_link *l = sw_xcalloc(1, sizeof(*l));
		struct sw_error err = SW_ERROR_INIT;
		struct sw_buf prompt = SW_BUF_INIT, trust = SW_BUF_INIT;
		const char *query, *ctx;
		size_t j;

		q = cJSON_GetArrayItem(list, (int)i);
		query = in_str(q, "query");
		ctx = in_str(q, "relevant_context");
		for (j = 0; j < s->trusted.nr; j++)
			sw_buf_addf(&trust, "%s%s", j ? "," : "", s->trusted.v[j]);
		l->parent = s;
		l->call = c;
		l->index = i;
		o.loop = s->loop;
		o.cwd = s->cwd;
		o.root = s->root;
		o.profile = &prof;
		o.model_cfg = s->cfg;
		o.trust_all = s->trust_all;
		o.trust_tools = trust.len ? trust.ptr : NULL;
		o.interactive = 0;
		o.transcript = 0;
		o.depth = s->depth + 1;
		o.mcp = s->mcp;
		o.mcp_auto_approve = (const char *const *)s->auto_approve.v;
		o.io = s->io;
		o.ev.turn_end = sub_turn_end;
		o.ev.data = l;
		sw_buf_addf(&prompt, "%s%s%s\n\nWhen you are done, answer with a short summary of what you found "
			    "or changed.", query ? query : "(no query)", ctx ? "\n\nContext:\n" : "", ctx ? ctx : "");
		if (agent_session_new(&c->subs[i], &o, &err) < 0 ||
		    agent_session_prompt(c->subs[i], prompt.ptr, &err) < 0) {
			struct sw_buf r = SW_BUF_INIT;

			sw_buf_addf(&r, "(failed to start: %s)", err.msg);
			c->sub_results[i] = sw_buf_detach(&r, NULL);
			agent_session_free(c->subs[i]);
			c->subs[i] = NULL;
			free(l);
			c->subs_done++;
		}
		sw_buf_release(&prompt);
		sw_buf_release(&trust);
	}
	agent_profile_release(&prof);
	if (c->subs_done == c->nsubs) {
		/* None started: nothing will call back. */
		for (i = 0; i < n; i++) {
			sw_buf_addf(&c->output, "## Sub-agent %zu\n%s\n\n", i + 1, c->sub_results[i]);
		}
		c->is_error = 1;
		agent__tool_finished(s, c);
	}
}

/* ----------------------------------------------------------------- knowledge */

static void tool_knowledge(struct agent_session *s, struct agent__call *c)
{
	const char *cmd = in_str(c->input, "command");
	int readonly = cmd && (!strcmp(cmd, "search") || !strcmp(cmd, "show") || !strcmp(cmd, "list") ||
			       !strcmp(cmd, "status"));
	struct kb_embedder_http *eh = NULL;
	struct sw_error err = SW_ERROR_INIT;
	struct kb_db *db = NULL;
	cJSON *out = NULL;

	if (kb_open(&db, s->root ? s->root : s->cwd, readonly ? KB_OPEN_READ : KB_OPEN_CREATE, &err) < 0) {
		fail(c, "%s", err.msg);
		return;
	}
	/* "best" knowledge bases need the embedding endpoint; without one they fail with a clear message. */
	if (kb_embedder_from_env(&eh, NULL, &err) < 0)
		eh = NULL;
	sw_error_clear(&err);
	if (kb_tool_run(db, c->input, eh ? kb_embedder_http_get(eh) : NULL, &out, &err) < 0)
		fail(c, "%s", err.msg);
	else
		sw_buf_adds(&c->output, cJSON_GetStringValue(cJSON_GetObjectItem(out, "text")) ?
					cJSON_GetStringValue(cJSON_GetObjectItem(out, "text")) : "");
	cJSON_Delete(out);
	kb_embedder_http_free(eh);
	kb_close(db);
}

/* ------------------------------------------------------------------- MCP */

static void mcp_done(struct mcp_pending *call, int rc, const cJSON *result, long long code,
		     const struct sw_error *err, void *data)
{
	struct agent__call *c = data;

	SW_UNUSED(call);
	SW_UNUSED(code);
	c->mcp_call = NULL;
	if (c->mcp_dropped)
		return;
	if (rc < 0) {
		fail(c, "%s", err ? err->msg : "the MCP call failed");
	} else {
		mcp_result_text(&c->output, result);
		if (cJSON_IsTrue(cJSON_GetObjectItem(result, "isError")))
			c->is_error = 1;
	}
	agent__tool_finished(c->owner, c);
}

static void tool_mcp(struct agent_session *s, struct agent__call *c)
{
	struct mcp_call_opts o = MCP_CALL_OPTS_INIT;
	struct sw_error err = SW_ERROR_INIT;

	if (!s->mcp) {
		fail(c, "there is no tool named '%s'", c->raw_name);
		agent__tool_finished(s, c);
		return;
	}
	o.on_result = mcp_done;
	o.data = c;
	if (mcp_client_call(s->mcp, c->name, c->input, &o, &c->mcp_call, &err) < 0) {
		fail(c, "%s", err.msg);
		agent__tool_finished(s, c);
	}
}

/* ------------------------------------------------------------------ dispatch */

void agent__tool_run(struct agent_session *s, struct agent__call *c)
{
	if (!strcmp(c->name, "fs_read") && s->io && s->io->read_file) {
		io_read_next(io_start(s, c));
		return;
	} else if (!strcmp(c->name, "fs_write") && s->io && s->io->write_file) {
		io_fs_write(s, c);
		return;
	} else if (!strcmp(c->name, "execute_bash") && s->io && s->io->run_command) {
		if (!in_str(c->input, "command")) {
			fail(c, "execute_bash needs a 'command'");
		} else {
			struct sw_strvec env = SW_STRVEC_INIT;

			/* The side channel for wrapper scripts, as locally. */
			sw_strvec_pushf(&env, "KIRO_SESSION_ID=%s", s->id);
			s->io->run_command(s->io->self, in_str(c->input, "command"), s->cwd,
					   (const char *const *)env.v, SHELL_TIMEOUT_MS, SHELL_OUTPUT_MAX, io_shell_done,
					   io_start(s, c));
			sw_strvec_clear(&env);
			return;
		}
	} else if (!strcmp(c->name, "fs_read"))
		tool_fs_read(s, c);
	else if (!strcmp(c->name, "fs_write"))
		tool_fs_write(s, c);
	else if (!strcmp(c->name, "execute_bash")) {
		tool_shell(s, c);
		return; /* finishes from the loop */
	} else if (!strcmp(c->name, "glob"))
		tool_search(s, c, 0);
	else if (!strcmp(c->name, "grep"))
		tool_search(s, c, 1);
	else if (!strcmp(c->name, "todo_list"))
		tool_todo(s, c);
	else if (!strcmp(c->name, "knowledge"))
		tool_knowledge(s, c);
	else if (!strcmp(c->name, "use_subagent")) {
		tool_subagent(s, c);
		return;
	} else if (c->name[0] == '@') {
		tool_mcp(s, c);
		return;
	} else
		fail(c, "there is no tool named '%s'", c->raw_name);
	agent__tool_finished(s, c);
}

void agent__tool_cancel(struct agent_session *s, struct agent__call *c)
{
	size_t i;

	SW_UNUSED(s);
	if (c->proc)
		sw_proc_terminate(c->proc);
	if (c->mcp_call)
		mcp_pending_cancel(c->mcp_call); /* on_result follows with SW_ECANCELED */
	for (i = 0; c->subs && i < c->nsubs; i++)
		if (c->subs[i])
			agent_session_cancel(c->subs[i]);
}

void agent__tool_drop(struct agent__call *c)
{
	size_t i;

	if (c->io) {
		c->io->c = NULL; /* its completion frees it */
		c->io = NULL;
	}

	if (c->proc) {
		sw_proc_free(c->proc);
		c->proc = NULL;
	}
	if (c->mcp_call) {
		c->mcp_dropped = 1;
		mcp_pending_cancel(c->mcp_call);
		c->mcp_call = NULL;
	}
	for (i = 0; c->subs && i < c->nsubs; i++) {
		if (c->subs[i]) {
			free(c->subs[i]->ev.data);
			agent_session_free(c->subs[i]);
			c->subs[i] = NULL;
		}
	}
}
