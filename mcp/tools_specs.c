/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tools_specs.c - the specs tools, resources and prompts over specs-engine.
 *
 * Every tool names its spec through one gate, open_dir(): the name must
 * pass mcp_specs_check_name() and then resolve under <root>/.kiro/specs
 * with sw_path_resolve_under(), which also refuses a symbolic link that
 * leads outside the workspace.  Only then is anything read.  Specs load
 * with spec_load_inside() on each call (display paths relative to the
 * root), and documents are read with read_inside(): both refuse a document
 * that resolves outside the workspace (a linked tasks.md, say) through the
 * one check of base/contain.h, so every tool answers the same way.  The
 * results are the spec_json.h documents the CLI prints.
 *
 * The reading tools (spec_list, spec_read, spec_lint, spec_trace,
 * spec_next) parse on the loop's thread pool, one job per call, so a huge
 * spec does not hold up other sessions: the job owns a copy of the
 * arguments and builds a private reply; only the loop thread touches the
 * call, the session and the set's job count.
 *
 * The writing tool goes through spec_set_task_state(), which locks the
 * folder, changes only bracket characters and writes with
 * sw_write_atomic(); this file never writes a spec file itself.
 */
#include "base/compat.h"
#include "tools_specs.h"
#include "base/buf.h"
#include "base/contain.h"
#include "base/fs.h"
#include "base/json.h"
#include "specs-engine/prompts.h"
#include "specs-engine/spec.h"
#include "specs-engine/spec_json.h"
#include "specs-engine/trace.h"
#include "specs-engine/waves.h"

#include <ctype.h>
#include <limits.h>

#define URI_PREFIX "spec:///"
#define NAME_MAX_LEN 255

struct specs_set {
	char *root;      /* absolute workspace root */
	char *specs_dir; /* root/.kiro/specs */
	size_t running;  /* jobs on the thread pool */
	int closing;     /* freed by the server while jobs ran: the last one frees the set */
	struct mcp_toolset set;
};

/*
 * What a reading tool answers, made on the thread pool from its own
 * private data (nothing there touches the call or the session): either an
 * error text or the structured result.  The loop thread hands it to the
 * call (reply_deliver).
 */
struct reply {
	struct sw_buf error; /* isError text; empty when the call succeeded */
	cJSON *result;       /* structuredContent, NULL with an error */
};

static void reply_error(struct reply *r, const char *fmt, ...) SW_PRINTF(2, 3);

static void reply_error(struct reply *r, const char *fmt, ...)
{
	va_list ap;

	sw_buf_reset(&r->error);
	va_start(ap, fmt);
	sw_buf_vaddf(&r->error, fmt, ap);
	va_end(ap);
}

static void reply_take(struct reply *r, cJSON *obj)
{
	cJSON_Delete(r->result);
	r->result = obj;
}

/* On the loop: the call's result from @r (emptied). */
static void reply_deliver(struct reply *r, struct mcp_call *call)
{
	if (r->error.len)
		mcp_call_error(call, "%s", r->error.ptr);
	else if (r->result)
		mcp_call_structured_take(call, r->result);
	else
		mcp_call_error(call, "the tool produced no result");
	r->result = NULL;
}

static void reply_release(struct reply *r)
{
	sw_buf_release(&r->error);
	cJSON_Delete(r->result);
	r->result = NULL;
}

/* The documents a spec folder may hold, as tools and resources name them. */
static const char *const doc_files[] = { "requirements.md", "bugfix.md", "design.md", "tasks.md" };

/* ---- names ---- */

int mcp_specs_check_name(const char *name, size_t len, struct sw_error *err)
{
	size_t i;

	if (!len)
		return sw_error_set(err, SW_EINVAL, "expected a spec name (a folder under .kiro/specs), found an empty string");
	if (memchr(name, '\0', len))
		return sw_error_set(err, SW_EINVAL, "refused spec name: it holds a NUL byte (expected a folder name under .kiro/specs)");
	if (len > NAME_MAX_LEN)
		return sw_error_set(err, SW_EINVAL, "refused spec name: longer than %d bytes", NAME_MAX_LEN);
	if (name[0] == '/')
		return sw_error_set(err, SW_EINVAL,
				    "refused spec name '%.*s': an absolute path (expected a folder name under .kiro/specs)",
				    (int)len, name);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c == '\\')
			return sw_error_set(err, SW_EINVAL,
					    "refused spec name '%.*s': expected one folder name under .kiro/specs, without '%c'",
					    (int)len, name, c);
		if (c < 0x20 || c == 0x7f)
			return sw_error_set(err, SW_EINVAL, "refused spec name: it holds control character 0x%02x", c);
	}
	if (name[0] == '.')
		return sw_error_set(err, SW_EINVAL,
				    "refused spec name '%.*s': expected a folder name under .kiro/specs, not one starting with '.'",
				    (int)len, name);
	return 0;
}

/* The spec folders under .kiro/specs (not plans/), as names. */
static int spec_names(struct specs_set *ss, struct sw_strvec *out, struct sw_error *err)
{
	struct sw_strvec dirs = SW_STRVEC_INIT;
	char *kiro = sw_dirname(ss->specs_dir);
	size_t i, n = strlen(ss->specs_dir);
	int rc = 0;

	if (!sw_is_dir(ss->specs_dir) || (rc = spec_list(&dirs, kiro, err)) < 0)
		goto out;
	for (i = 0; i < dirs.nr; i++) {
		const char *d = dirs.v[i];
		char *abs = NULL;
		struct sw_error e = SW_ERROR_INIT;

		if (strncmp(d, ss->specs_dir, n) || d[n] != '/')
			continue;
		/* a folder that is a link leading outside the workspace is not one of its specs */
		if (sw_path_resolve_under(&abs, ss->specs_dir, d + n + 1, strlen(d + n + 1), &e) == 0)
			sw_strvec_push(out, d + n + 1);
		free(abs);
	}
out:
	free(kiro);
	sw_strvec_clear(&dirs);
	return rc;
}

/* Lists the names for a message: "'a', 'b'" or "none". */
static void describe_names(struct specs_set *ss, struct sw_buf *b)
{
	struct sw_strvec names = SW_STRVEC_INIT;
	size_t i;

	spec_names(ss, &names, NULL);
	for (i = 0; i < names.nr && i < 20; i++)
		sw_buf_addf(b, "%s'%s'", i ? ", " : "", names.v[i]);
	if (names.nr > 20)
		sw_buf_addf(b, ", and %zu more", names.nr - 20);
	if (!names.nr)
		sw_buf_adds(b, "none");
	sw_strvec_clear(&names);
}

/*
 * The gate: the folder of spec @name (caller frees *@dir).  On failure
 * fills @err (SW_EINVAL for a refused name, SW_ENOTFOUND for an unknown
 * spec) and returns the code.
 */
static int spec_dir(struct specs_set *ss, const char *name, char **dir, struct sw_error *err)
{
	struct sw_error e = SW_ERROR_INIT;
	int rc;

	*dir = NULL;
	if ((rc = mcp_specs_check_name(name, strlen(name), err)) < 0)
		return rc;
	if (!sw_is_dir(ss->specs_dir))
		return sw_error_set(err, SW_ENOTFOUND, "no spec '%s': the workspace has no .kiro/specs folder", name);
	if (sw_path_resolve_under(dir, ss->specs_dir, name, strlen(name), &e) < 0)
		return sw_error_set(err, SW_EINVAL, "refused spec name '%s': %s", name, e.msg);
	if (!sw_is_dir(*dir)) {
		struct sw_buf b = SW_BUF_INIT;

		free(*dir);
		*dir = NULL;
		describe_names(ss, &b);
		rc = sw_error_set(err, SW_ENOTFOUND, "no spec '%s' under .kiro/specs (available: %s)", name, b.ptr);
		sw_buf_release(&b);
		return rc;
	}
	return 0;
}

/*
 * Reads spec document @path only if it resolves inside the workspace: the
 * same check spec_load_inside() makes for every tool that loads a spec.
 */
static int read_inside(struct specs_set *ss, struct sw_buf *text, const char *path, struct sw_error *err)
{
	struct sw_inside in = SW_INSIDE_INIT;
	int rc;

	if ((rc = sw_inside_init(&in, ss->root, "the workspace", err)) == 0)
		rc = sw_inside_read(text, &in, path, SPEC_MAX_FILE, err);
	sw_inside_release(&in);
	return rc;
}

/* 1 if @path resolves inside the workspace (see read_inside). */
static int resolves_inside(struct specs_set *ss, const char *path)
{
	struct sw_inside in = SW_INSIDE_INIT;
	char *real = NULL;
	int ok = sw_inside_init(&in, ss->root, "the workspace", NULL) == 0 &&
		 sw_inside_resolve(&real, &in, path, NULL) == 0;

	free(real);
	sw_inside_release(&in);
	return ok;
}

/* Resolves and loads spec @name; on failure sets the call's isError and returns -1. */
static int open_spec(struct specs_set *ss, struct reply *call, const char *name, struct spec **out, char **dirp)
{
	struct sw_error err = SW_ERROR_INIT;
	char *dir = NULL;

	*out = NULL;
	if (spec_dir(ss, name, &dir, &err) < 0 || spec_load_inside(out, dir, ss->root, ss->root, &err) < 0) {
		reply_error(call, "%s", err.msg);
		free(dir);
		return -1;
	}
	if (dirp)
		*dirp = dir;
	else
		free(dir);
	return 0;
}

static const char *arg_str(const cJSON *args, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int arg_bool(const cJSON *args, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(args, key));
}

/* ---- shared schema pieces ---- */

#define S_STR "{\"type\":\"string\"}"
#define S_STR_NULL "{\"type\":[\"string\",\"null\"]}"
#define S_INT "{\"type\":\"integer\"}"
#define S_BOOL "{\"type\":\"boolean\"}"
#define S_STRS "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}"
#define S_OBJ "{\"type\":\"object\"}"
#define S_OBJ_NULL "{\"type\":[\"object\",\"null\"]}"
#define S_OBJS "{\"type\":\"array\",\"items\":{\"type\":\"object\"}}"
#define SPEC_ARG \
	"\"spec\":{\"type\":\"string\",\"description\":\"the spec's folder name under .kiro/specs (see spec_list)\"}"
#define S_DIAG                                                                                          \
	"{\"type\":\"object\",\"properties\":{\"path\":" S_STR_NULL ",\"line\":" S_INT ",\"col\":" S_INT \
	",\"severity\":{\"type\":\"string\",\"enum\":[\"error\",\"warning\",\"note\"]},\"code\":" S_STR_NULL \
	",\"message\":" S_STR_NULL ",\"hint\":" S_STR_NULL "},"                                           \
	"\"required\":[\"path\",\"line\",\"col\",\"severity\",\"code\",\"message\"]}"

/* ---- spec_list ---- */

static const char list_input[] = "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}";

static const char list_output[] =
	"{\"type\":\"object\",\"properties\":{\"specs\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	"\"properties\":{\"name\":" S_STR ",\"path\":" S_STR ",\"type\":{\"type\":\"string\",\"enum\":[\"feature\",\"bugfix\"]},"
	"\"files\":" S_OBJ ",\"requirements\":" S_INT ",\"criteria\":" S_INT ",\"properties\":" S_INT ","
	"\"tasks\":{\"type\":\"object\",\"properties\":{\"total\":" S_INT ",\"todo\":" S_INT ",\"queued\":" S_INT
	",\"doing\":" S_INT ",\"done\":" S_INT "},\"required\":[\"total\",\"done\"]},"
	"\"errors\":" S_INT ",\"warnings\":" S_INT "},"
	"\"required\":[\"name\",\"path\",\"type\",\"files\",\"tasks\",\"errors\",\"warnings\"]}},"
	"\"failed\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"name\":" S_STR
	",\"error\":" S_STR "},\"required\":[\"name\",\"error\"]}}},"
	"\"required\":[\"specs\"]}";

static int run_list(struct reply *call, const cJSON *args, void *data)
{
	struct specs_set *ss = data;
	struct sw_strvec names = SW_STRVEC_INIT;
	struct sw_error lerr = SW_ERROR_INIT;
	cJSON *res, *arr, *failed = NULL;
	size_t i;

	SW_UNUSED(args);
	if (spec_names(ss, &names, &lerr) < 0) {
		reply_error(call, "cannot list specs: %s", lerr.msg);
		goto out;
	}
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "specs");
	for (i = 0; i < names.nr; i++) {
		struct spec *s = NULL;
		char *dir = sw_path_join(ss->specs_dir, names.v[i]), *rel = sw_path_relative(dir, ss->root);

		sw_error_clear(&lerr);
		if (spec_load_inside(&s, dir, ss->root, ss->root, &lerr) == 0) {
			cJSON_AddItemToArray(arr, spec_json_summary(s, rel));
		} else {
			cJSON *f = cJSON_CreateObject();

			if (!failed)
				failed = cJSON_AddArrayToObject(res, "failed");
			cJSON_AddStringToObject(f, "name", names.v[i]);
			cJSON_AddStringToObject(f, "error", lerr.msg);
			cJSON_AddItemToArray(failed, f);
		}
		spec_free(s);
		free(dir);
		free(rel);
	}
	reply_take(call, res);
out:
	sw_strvec_clear(&names);
	return 0;
}

/* ---- spec_read ---- */

static const char read_input[] =
	"{\"type\":\"object\",\"properties\":{" SPEC_ARG ","
	"\"document\":{\"type\":\"string\",\"enum\":[\"requirements\",\"bugfix\",\"design\",\"tasks\"],"
	"\"description\":\"a whole document\"},"
	"\"requirement\":{\"type\":\"string\",\"description\":\"one requirement ('3') or acceptance criterion ('3.2')\"},"
	"\"task\":{\"type\":\"string\",\"description\":\"one task by id ('2.1')\"}},"
	"\"required\":[\"spec\"],\"additionalProperties\":false}";

static const char read_output[] =
	"{\"type\":\"object\",\"properties\":{\"spec\":" S_STR ","
	"\"kind\":{\"type\":\"string\",\"enum\":[\"document\",\"requirement\",\"criterion\",\"task\"]},"
	"\"path\":" S_STR ",\"line\":" S_INT ",\"document\":" S_STR ",\"text\":" S_STR ",\"source\":" S_STR ","
	"\"requirement\":" S_OBJ ",\"criterion\":" S_OBJ ",\"task\":" S_OBJ "},"
	"\"required\":[\"spec\",\"kind\",\"path\"]}";

/* Byte offset of the start of 1-based line @line in @t (len @n), or @n. */
static size_t line_off(const char *t, size_t n, int line)
{
	size_t i = 0;
	int l = 1;

	while (l < line && i < n) {
		const char *nl = memchr(t + i, '\n', n - i);

		if (!nl)
			return n;
		i = (size_t)(nl - t) + 1;
		l++;
	}
	return i;
}

/* Lines [@from, @to) of @f's text (to <= 0: one line), right-trimmed. */
static char *source_lines(const struct spec_file *f, int from, int to)
{
	struct sw_buf b = SW_BUF_INIT;
	size_t a = line_off(f->text.ptr, f->text.len, from);
	size_t e = to > from ? line_off(f->text.ptr, f->text.len, to) : line_off(f->text.ptr, f->text.len, from + 1);

	if (e > a)
		sw_buf_add(&b, f->text.ptr + a, e - a);
	sw_buf_rtrim(&b);
	return sw_buf_detach(&b, NULL);
}

/* A task's lines: its bullet, and what follows up to the next task, a blank line or a heading. */
static char *task_source(const struct spec *s, const struct tasks_task *t)
{
	const struct spec_file *f = &s->tasks;
	int next = 0, l;
	size_t i;

	for (i = 0; i < s->tasks_doc->ntasks; i++) {
		int tl = s->tasks_doc->tasks[i].line;

		if (tl > t->line && (!next || tl < next))
			next = tl;
	}
	for (l = t->line + 1; !next || l < next; l++) {
		size_t a = line_off(f->text.ptr, f->text.len, l), k = a;

		if (a >= f->text.len)
			break;
		while (k < f->text.len && (f->text.ptr[k] == ' ' || f->text.ptr[k] == '\t'))
			k++;
		if (k >= f->text.len || f->text.ptr[k] == '\n' || f->text.ptr[k] == '\r' || f->text.ptr[k] == '#')
			break;
	}
	return source_lines(f, t->line, l);
}

static int read_document(struct specs_set *ss, struct reply *call, const char *name, const char *doc)
{
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf text = SW_BUF_INIT, rel = SW_BUF_INIT;
	char *dir = NULL, *path = NULL;
	cJSON *res;
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(doc_files); i++)
		if (!strncmp(doc_files[i], doc, strlen(doc)) && !strcmp(doc_files[i] + strlen(doc), ".md"))
			break;
	if (i == SW_ARRAY_SIZE(doc_files) || !*doc) {
		reply_error(call, "unknown document '%s' (expected requirements, bugfix, design or tasks)", doc);
		goto out;
	}
	if (spec_dir(ss, name, &dir, &err) < 0) {
		reply_error(call, "%s", err.msg);
		goto out;
	}
	sw_buf_addf(&rel, "%s/%s", name, doc_files[i]);
	path = sw_path_join(dir, doc_files[i]);
	if (!sw_is_file(path)) {
		struct sw_buf have = SW_BUF_INIT;
		size_t k;

		for (k = 0; k < SW_ARRAY_SIZE(doc_files); k++) {
			char *p = sw_path_join(dir, doc_files[k]);

			if (sw_is_file(p))
				sw_buf_addf(&have, "%s%s", have.len ? ", " : "", doc_files[k]);
			free(p);
		}
		reply_error(call, "spec '%s' has no %s (it has: %s)", name, doc_files[i], have.len ? have.ptr : "nothing");
		sw_buf_release(&have);
		goto out;
	}
	if (read_inside(ss, &text, path, &err) < 0) {
		reply_error(call, "%s", err.msg); /* the message names the file */
		goto out;
	}
	if (memchr(text.ptr, '\0', text.len)) {
		reply_error(call, "'%s' is not text (it holds a NUL byte)", rel.ptr);
		goto out;
	}
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "spec", name);
	cJSON_AddStringToObject(res, "kind", "document");
	sw_buf_reset(&rel);
	sw_buf_addf(&rel, ".kiro/specs/%s/%s", name, doc_files[i]);
	cJSON_AddStringToObject(res, "path", rel.ptr);
	cJSON_AddStringToObject(res, "document", doc_files[i]);
	cJSON_AddStringToObject(res, "text", text.ptr);
	reply_take(call, res);
out:
	free(dir);
	free(path);
	sw_buf_release(&text);
	sw_buf_release(&rel);
	return 0;
}

static void list_ids(struct sw_buf *b, const struct spec *s, int tasks)
{
	size_t i, n = tasks ? (s->tasks_doc ? s->tasks_doc->ntasks : 0) : (s->reqs ? s->reqs->nreqs : 0);

	for (i = 0; i < n && i < 30; i++)
		sw_buf_addf(b, "%s%s", i ? ", " : "", tasks ? s->tasks_doc->tasks[i].id : s->reqs->reqs[i].id);
	if (n > 30)
		sw_buf_addf(b, ", and %zu more", n - 30);
	if (!n)
		sw_buf_adds(b, "none");
}

static int read_item(struct specs_set *ss, struct reply *call, const char *name, const char *req_id,
		     const char *task_id)
{
	struct spec *s = NULL;
	struct sw_buf ids = SW_BUF_INIT;
	cJSON *res = NULL;
	char *src = NULL;

	if (open_spec(ss, call, name, &s, NULL) < 0)
		goto out;
	if (req_id) {
		const struct req_requirement *r;
		const struct req_criterion *c;
		size_t i;

		if (!s->reqs) {
			reply_error(call, "spec '%s' has no requirements.md or bugfix.md yet", name);
			goto out;
		}
		r = req_find_requirement(s->reqs, req_id);
		c = r ? NULL : req_find_criterion(s->reqs, req_id);
		if (!r && !c) {
			list_ids(&ids, s, 0);
			reply_error(call, "spec '%s' has no requirement or criterion '%s' (expected a requirement "
				       "id such as '1' or a criterion id such as '1.2'; requirements: %s)", name, req_id, ids.ptr);
			goto out;
		}
		res = cJSON_CreateObject();
		cJSON_AddStringToObject(res, "spec", s->name);
		cJSON_AddStringToObject(res, "kind", r ? "requirement" : "criterion");
		cJSON_AddStringToObject(res, "path", s->req.display);
		if (r) {
			int end = 0;

			for (i = 0; i < s->reqs->nreqs; i++)
				if (s->reqs->reqs[i].line > r->line && (!end || s->reqs->reqs[i].line < end))
					end = s->reqs->reqs[i].line;
			if (!end)
				end = INT_MAX;
			src = source_lines(&s->req, r->line, end);
			cJSON_AddNumberToObject(res, "line", r->line);
			cJSON_AddStringToObject(res, "source", src);
			cJSON_AddItemToObject(res, "requirement", spec_json_requirement(s, r));
		} else {
			struct sw_buf b = SW_BUF_INIT;

			sw_buf_add(&b, s->req.text.ptr + c->off, c->end - c->off);
			cJSON_AddNumberToObject(res, "line", c->line);
			cJSON_AddStringToObject(res, "source", b.ptr);
			sw_buf_release(&b);
			cJSON_AddItemToObject(res, "criterion", spec_json_criterion(s, c));
		}
	} else {
		size_t i;

		if (!s->tasks_doc) {
			reply_error(call, "spec '%s' has no tasks.md yet", name);
			goto out;
		}
		i = tasks_find(s->tasks_doc, task_id);
		if (i == TASKS_NONE) {
			list_ids(&ids, s, 1);
			reply_error(call, "spec '%s' has no task '%s' (expected a task id such as '2.1'; tasks: %s)", name,
				       task_id, ids.ptr);
			goto out;
		}
		src = task_source(s, &s->tasks_doc->tasks[i]);
		res = cJSON_CreateObject();
		cJSON_AddStringToObject(res, "spec", s->name);
		cJSON_AddStringToObject(res, "kind", "task");
		cJSON_AddStringToObject(res, "path", s->tasks.display);
		cJSON_AddNumberToObject(res, "line", s->tasks_doc->tasks[i].line);
		cJSON_AddStringToObject(res, "source", src);
		cJSON_AddItemToObject(res, "task", spec_json_task(s, &s->tasks_doc->tasks[i]));
	}
	reply_take(call, res);
out:
	free(src);
	sw_buf_release(&ids);
	spec_free(s);
	return 0;
}

static int run_read(struct reply *call, const cJSON *args, void *data)
{
	const char *name = arg_str(args, "spec"), *doc = arg_str(args, "document");
	const char *req = arg_str(args, "requirement"), *task = arg_str(args, "task");

	if (!!doc + !!req + !!task != 1) {
		reply_error(call, "expected exactly one of 'document' (requirements, bugfix, design, tasks), "
			       "'requirement' ('3' or '3.2') or 'task' ('2.1')");
		return 0;
	}
	if (doc)
		return read_document(data, call, name, doc);
	return read_item(data, call, name, req, task);
}

/* ---- spec_lint ---- */

static const char lint_input[] =
	"{\"type\":\"object\",\"properties\":{"
	"\"spec\":{\"type\":\"string\",\"description\":\"one spec's folder name; every spec under .kiro/specs when absent\"},"
	"\"errors_only\":{\"type\":\"boolean\",\"description\":\"list only errors (the counts still include warnings)\"}},"
	"\"additionalProperties\":false}";

static const char lint_output[] =
	"{\"type\":\"object\",\"properties\":{\"specs\":" S_INT ",\"errors\":" S_INT ",\"warnings\":" S_INT
	",\"ok\":" S_BOOL ",\"diagnostics\":{\"type\":\"array\",\"items\":" S_DIAG "}},"
	"\"required\":[\"specs\",\"errors\",\"warnings\",\"ok\",\"diagnostics\"]}";

static int run_lint(struct reply *call, const cJSON *args, void *data)
{
	struct specs_set *ss = data;
	const char *name = arg_str(args, "spec");
	int errors_only = arg_bool(args, "errors_only");
	struct sw_strvec names = SW_STRVEC_INIT;
	struct sw_diags all = SW_DIAGS_INIT;
	struct sw_error lerr = SW_ERROR_INIT;
	size_t i, errors = 0, warnings = 0, specs = 0;
	cJSON *res;

	if (name) {
		sw_strvec_push(&names, name);
	} else if (spec_names(ss, &names, &lerr) < 0) {
		reply_error(call, "cannot list specs: %s", lerr.msg);
		goto out;
	}
	for (i = 0; i < names.nr; i++) {
		struct spec *s = NULL;
		struct sw_diags copy = SW_DIAGS_INIT;
		size_t d;

		if (open_spec(ss, call, names.v[i], &s, NULL) < 0)
			goto out;
		specs++;
		errors += s->diags.errors;
		warnings += s->diags.warnings;
		for (d = 0; d < s->diags.nr; d++) {
			const struct sw_diag *g = &s->diags.v[d];
			struct sw_diag *n;

			n = sw_diag_add(&copy, g->severity, g->code, g->path, g->line, g->col, "%s", g->msg);
			if (g->hint)
				sw_diag_set_hint(n, "%s", g->hint);
		}
		sw_diags_move(&all, &copy);
		sw_diags_release(&copy);
		spec_free(s);
	}
	res = cJSON_CreateObject();
	cJSON_AddNumberToObject(res, "specs", (double)specs);
	cJSON_AddNumberToObject(res, "errors", (double)errors);
	cJSON_AddNumberToObject(res, "warnings", (double)warnings);
	cJSON_AddBoolToObject(res, "ok", !errors);
	cJSON_AddItemToObject(res, "diagnostics", spec_json_diags(&all, errors_only));
	reply_take(call, res);
out:
	sw_diags_release(&all);
	sw_strvec_clear(&names);
	return 0;
}

/* ---- spec_trace ---- */

static const char spec_only_input[] =
	"{\"type\":\"object\",\"properties\":{" SPEC_ARG "},\"required\":[\"spec\"],\"additionalProperties\":false}";

static const char trace_output[] =
	"{\"type\":\"object\",\"properties\":{\"spec\":" S_STR ","
	"\"rows\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"criterion\":" S_STR
	",\"requirement\":" S_STR ",\"ears\":" S_STR ",\"tasks\":" S_STRS ",\"properties\":" S_STRS
	",\"covered\":" S_BOOL "},\"required\":[\"criterion\",\"requirement\",\"tasks\",\"properties\",\"covered\"]}},"
	"\"uncovered\":" S_STRS ","
	"\"dangling\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	"\"from\":{\"type\":\"string\",\"enum\":[\"task\",\"property\"]},\"owner\":" S_STR ",\"ref\":" S_STR
	",\"path\":" S_STR_NULL ",\"line\":" S_INT ",\"col\":" S_INT "},\"required\":[\"from\",\"owner\",\"ref\"]}}},"
	"\"required\":[\"spec\",\"rows\",\"uncovered\",\"dangling\"]}";

static int run_trace(struct reply *call, const cJSON *args, void *data)
{
	struct spec *s = NULL;
	struct trace *tr = NULL;

	if (open_spec(data, call, arg_str(args, "spec"), &s, NULL) < 0)
		return 0;
	if (!s->reqs) {
		reply_error(call, "spec '%s' has no requirements.md or bugfix.md yet: nothing to trace", s->name);
	} else {
		trace_build(&tr, s->reqs, s->design_doc, s->tasks_doc, NULL);
		reply_take(call, spec_json_trace(s, tr));
	}
	trace_free(tr);
	spec_free(s);
	return 0;
}

/* ---- spec_next ---- */

static const char next_input[] =
	"{\"type\":\"object\",\"properties\":{" SPEC_ARG ","
	"\"required\":{\"type\":\"boolean\",\"description\":\"leave out optional ('*') tasks\"}},"
	"\"required\":[\"spec\"],\"additionalProperties\":false}";

static const char next_output[] =
	"{\"type\":\"object\",\"properties\":{\"spec\":" S_STR ","
	"\"source\":{\"type\":\"string\",\"enum\":[\"graph\",\"computed\"]},"
	"\"ready\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":" S_STR ",\"title\":" S_STR
	",\"status\":" S_STR ",\"optional\":" S_BOOL ",\"line\":" S_INT "},\"required\":[\"id\",\"title\",\"status\",\"line\"]}},"
	"\"waves\":{\"type\":\"object\",\"properties\":{\"computed\":{\"type\":\"array\",\"items\":" S_STRS "},"
	"\"file\":{\"type\":[\"array\",\"null\"]},\"differences\":" S_OBJS ",\"cycle\":" S_BOOL "},"
	"\"required\":[\"computed\",\"cycle\"]}},"
	"\"required\":[\"spec\",\"source\",\"ready\",\"waves\"]}";

static int run_next(struct reply *call, const cJSON *args, void *data)
{
	struct spec *s = NULL;
	struct waves_plan *plan = NULL;
	struct waves_deps ready = { NULL, 0, 0 };
	cJSON *res, *waves;

	if (open_spec(data, call, arg_str(args, "spec"), &s, NULL) < 0)
		return 0;
	if (!s->tasks_doc) {
		reply_error(call, "spec '%s' has no tasks.md yet", s->name);
		goto out;
	}
	waves_build(&plan, s->tasks_doc, NULL);
	waves_ready(&ready, s->tasks_doc, plan);
	res = spec_json_next(s, &ready, arg_bool(args, "required"));
	waves = spec_json_waves(s, plan);
	cJSON_DeleteItemFromObjectCaseSensitive(waves, "spec");
	cJSON_AddItemToObject(res, "waves", waves);
	reply_take(call, res);
out:
	free(ready.v);
	waves_plan_free(plan);
	spec_free(s);
	return 0;
}

/* ---- spec_set_task_status ---- */

static const char status_input[] =
	"{\"type\":\"object\",\"properties\":{" SPEC_ARG ","
	"\"task\":{\"type\":\"string\",\"description\":\"the task id, e.g. '2.1'\"},"
	"\"status\":{\"type\":\"string\",\"enum\":[\"not_started\",\"queued\",\"in_progress\",\"done\"],"
	"\"description\":\"the new status; parents' markers follow the way Kiro keeps them\"}},"
	"\"required\":[\"spec\",\"task\",\"status\"],\"additionalProperties\":false}";

static const char status_output[] =
	"{\"type\":\"object\",\"properties\":{\"spec\":" S_STR ",\"task\":" S_STR ",\"status\":" S_STR ",\"path\":" S_STR ","
	"\"changes\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":" S_STR ",\"from\":" S_STR
	",\"to\":" S_STR ",\"line\":" S_INT ",\"col\":" S_INT "},\"required\":[\"id\",\"from\",\"to\",\"line\",\"col\"]}}},"
	"\"required\":[\"spec\",\"task\",\"status\",\"changes\"]}";

static int t_set_status(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	struct specs_set *ss = data;
	const char *name = arg_str(args, "spec"), *task = arg_str(args, "task"), *status = arg_str(args, "status");
	struct sw_error lerr = SW_ERROR_INIT;
	struct tasks_change *changes = NULL;
	size_t n = 0;
	char *dir = NULL, *rel = NULL;
	cJSON *res;
	int st;

	SW_UNUSED(err);
	/* the engine's names, as "spec task --status" takes them (not_started, in_progress, ... too) */
	if ((st = tasks_state_from_name(status)) < 0) {
		mcp_call_error(call, "unknown status '%s' (expected not_started, queued, in_progress or done)", status);
		goto out;
	}
	if (spec_dir(ss, name, &dir, &lerr) < 0) {
		mcp_call_error(call, "%s", lerr.msg);
		goto out;
	}
	if (spec_set_task_state_inside(ss->root, dir, task, (enum tasks_state)st, &changes, &n, &lerr) < 0) {
		mcp_call_error(call, "%s", lerr.msg);
		goto out;
	}
	res = spec_json_task_changes(name, task, (enum tasks_state)st, changes, n);
	rel = sw_path_join(dir, "tasks.md");
	{
		char *shown = sw_path_relative(rel, ss->root);

		cJSON_AddStringToObject(res, "path", shown);
		free(shown);
	}
	mcp_call_structured_take(call, res);
out:
	free(changes);
	free(dir);
	free(rel);
	return 0;
}

/* ---- resources ---- */

static int list_resources(void *data, cJSON *out, struct sw_error *err)
{
	struct specs_set *ss = data;
	struct sw_strvec names = SW_STRVEC_INIT;
	size_t i, k;
	int rc;

	if ((rc = spec_names(ss, &names, err)) < 0)
		goto out;
	for (i = 0; i < names.nr; i++) {
		for (k = 0; k < SW_ARRAY_SIZE(doc_files); k++) {
			struct sw_buf rel = SW_BUF_INIT, b = SW_BUF_INIT;
			char *p = NULL;
			cJSON *r;

			sw_buf_addf(&rel, "%s/%s", names.v[i], doc_files[k]);
			p = sw_path_join(ss->specs_dir, rel.ptr);
			if (!sw_is_file(p) || !resolves_inside(ss, p)) {
				free(p);
				sw_buf_release(&rel);
				continue;
			}
			r = cJSON_CreateObject();
			sw_buf_addf(&b, URI_PREFIX "%s", rel.ptr);
			cJSON_AddStringToObject(r, "uri", b.ptr);
			cJSON_AddStringToObject(r, "name", rel.ptr);
			sw_buf_reset(&b);
			sw_buf_addf(&b, "%.*s of spec '%s'", (int)(strlen(doc_files[k]) - 3), doc_files[k], names.v[i]);
			cJSON_AddStringToObject(r, "description", b.ptr);
			cJSON_AddStringToObject(r, "mimeType", "text/markdown");
			cJSON_AddItemToArray(out, r);
			free(p);
			sw_buf_release(&rel);
			sw_buf_release(&b);
		}
	}
out:
	sw_strvec_clear(&names);
	return rc;
}

static int list_templates(void *data, cJSON *out, struct sw_error *err)
{
	cJSON *t = cJSON_CreateObject();

	SW_UNUSED(data);
	SW_UNUSED(err);
	cJSON_AddStringToObject(t, "uriTemplate", URI_PREFIX "{spec}/{document}");
	cJSON_AddStringToObject(t, "name", "spec document");
	cJSON_AddStringToObject(t, "description",
				"a document of a spec under .kiro/specs: requirements.md, bugfix.md, design.md or tasks.md");
	cJSON_AddStringToObject(t, "mimeType", "text/markdown");
	cJSON_AddItemToArray(out, t);
	return 0;
}

static int read_resource(void *data, const char *uri, cJSON *out, struct sw_error *err)
{
	struct specs_set *ss = data;
	const char *rest, *slash;
	struct sw_buf text = SW_BUF_INIT, name = SW_BUF_INIT;
	char *dir = NULL, *path = NULL;
	size_t k;
	int rc;
	cJSON *c;

	if (!sw_skip_prefix(uri, URI_PREFIX, &rest))
		return SW_ENOTFOUND;
	slash = strchr(rest, '/');
	if (!slash)
		return sw_error_set(err, SW_EINVAL, "resource '%s': expected " URI_PREFIX "<spec>/<document>.md", uri);
	sw_buf_add(&name, rest, (size_t)(slash - rest));
	if ((rc = spec_dir(ss, name.ptr, &dir, err)) < 0)
		goto out;
	for (k = 0; k < SW_ARRAY_SIZE(doc_files) && strcmp(doc_files[k], slash + 1); k++)
		;
	if (k == SW_ARRAY_SIZE(doc_files)) {
		rc = sw_error_set(err, SW_EINVAL,
				  "resource '%s': expected requirements.md, bugfix.md, design.md or tasks.md after the spec name", uri);
		goto out;
	}
	path = sw_path_join(dir, doc_files[k]);
	if (!sw_is_file(path)) {
		rc = sw_error_set(err, SW_ENOTFOUND, "spec '%s' has no %s", name.ptr, doc_files[k]);
		goto out;
	}
	if ((rc = read_inside(ss, &text, path, err)) < 0)
		goto out;
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "uri", uri);
	cJSON_AddStringToObject(c, "mimeType", "text/markdown");
	cJSON_AddStringToObject(c, "text", text.ptr);
	cJSON_AddItemToArray(out, c);
out:
	free(dir);
	free(path);
	sw_buf_release(&text);
	sw_buf_release(&name);
	return rc;
}

/* ---- prompts ---- */

/* The phase prompts, which take the user's request as an optional argument. */
static int is_phase_prompt(const char *name)
{
	return !strcmp(name, "requirements") || !strcmp(name, "bugfix") || !strcmp(name, "design") ||
	       !strcmp(name, "tasks");
}

/* The "{{name}}" variables of @text, in order of first use. */
static void template_vars(struct sw_strvec *out, const char *text)
{
	const char *p = text, *open, *close;

	while ((open = strstr(p, "{{")) && (close = strstr(open + 2, "}}"))) {
		const char *q;
		size_t i;
		char *v;

		for (q = open + 2; q < close && (isalnum((unsigned char)*q) || *q == '_' || *q == '-'); q++)
			;
		if (q != close || q == open + 2) {
			p = open + 2;
			continue;
		}
		v = sw_xstrndup(open + 2, (size_t)(close - open - 2));
		for (i = 0; i < out->nr && strcmp(out->v[i], v); i++)
			;
		if (i == out->nr)
			sw_strvec_push(out, v);
		free(v);
		p = close + 2;
	}
}

static const char *var_description(const char *var)
{
	static const char *const d[][2] = {
		{ "spec", "the spec's name (its folder under .kiro/specs)" },
		{ "file", "the document's file name: requirements.md, bugfix.md, design.md, tasks.md (or a steering file)" },
		{ "comment", "the reviewer's comment to apply" },
		{ "diagnostics", "the checks that failed, one 'file:line:col: error: message' per line" },
		{ "what", "what the steering file covers: 'product', 'tech', 'structure', or your own text" },
	};
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(d); i++)
		if (!strcmp(d[i][0], var))
			return d[i][1];
	return "a value for the template";
}

static int list_prompts(void *data, cJSON *out, struct sw_error *err)
{
	const struct prompt_info *p;
	size_t n, i, k;

	SW_UNUSED(data);
	SW_UNUSED(err);
	p = prompts_list(&n);
	for (i = 0; i < n; i++) {
		struct sw_strvec vars = SW_STRVEC_INIT;
		cJSON *o = cJSON_CreateObject(), *args = cJSON_AddArrayToObject(o, "arguments");

		cJSON_AddStringToObject(o, "name", p[i].name);
		cJSON_AddStringToObject(o, "description", p[i].description);
		template_vars(&vars, p[i].text);
		for (k = 0; k < vars.nr; k++) {
			cJSON *a = cJSON_CreateObject();

			cJSON_AddStringToObject(a, "name", vars.v[k]);
			cJSON_AddStringToObject(a, "description", var_description(vars.v[k]));
			cJSON_AddBoolToObject(a, "required", 1);
			cJSON_AddItemToArray(args, a);
		}
		if (is_phase_prompt(p[i].name)) {
			cJSON *a = cJSON_CreateObject();

			cJSON_AddStringToObject(a, "name", "request");
			cJSON_AddStringToObject(a, "description", "what to build or fix, in the user's words (appended as '## The request')");
			cJSON_AddBoolToObject(a, "required", 0);
			cJSON_AddItemToArray(args, a);
		}
		cJSON_AddItemToArray(out, o);
		sw_strvec_clear(&vars);
	}
	return 0;
}

static int get_prompt(void *data, const char *name, const cJSON *args, cJSON **result, struct sw_error *err)
{
	const struct prompt_info *p = prompts_get(name);
	struct sw_strvec vars = SW_STRVEC_INIT, kv = SW_STRVEC_INIT;
	const char **pairs = NULL;
	const cJSON *a;
	struct sw_buf text = SW_BUF_INIT;
	const char *request = NULL;
	char *rendered = NULL;
	cJSON *res, *msgs, *m, *c;
	size_t i;
	int rc = 0;

	SW_UNUSED(data);
	*result = NULL;
	if (!p)
		return SW_ENOTFOUND;
	if (args && !cJSON_IsNull(args) && !cJSON_IsObject(args))
		return sw_error_set(err, SW_EINVAL, "prompt '%s': 'arguments' must be an object of strings", name);
	template_vars(&vars, p->text);
	cJSON_ArrayForEach(a, args) {
		for (i = 0; i < vars.nr && strcmp(vars.v[i], a->string); i++)
			;
		if (i == vars.nr && !(is_phase_prompt(name) && !strcmp(a->string, "request"))) {
			struct sw_buf want = SW_BUF_INIT;

			for (i = 0; i < vars.nr; i++)
				sw_buf_addf(&want, "%s'%s'", i ? ", " : "", vars.v[i]);
			if (is_phase_prompt(name))
				sw_buf_addf(&want, "%s'request'", want.len ? ", " : "");
			rc = sw_error_set(err, SW_EINVAL, "prompt '%s' has no argument '%s' (expected: %s)", name, a->string,
					  want.len ? want.ptr : "none");
			sw_buf_release(&want);
			goto out;
		}
		if (!cJSON_IsString(a)) {
			rc = sw_error_set(err, SW_EINVAL, "prompt '%s': argument '%s' must be a string, found %s", name,
					  a->string, sw_json_type_name(a));
			goto out;
		}
	}
	for (i = 0; i < vars.nr; i++) {
		const cJSON *v = args ? cJSON_GetObjectItemCaseSensitive(args, vars.v[i]) : NULL;
		const char *val;
		const struct prompt_info *sub = NULL;
		struct sw_buf subname = SW_BUF_INIT;

		if (!cJSON_IsString(v)) {
			rc = sw_error_set(err, SW_EINVAL, "prompt '%s' needs argument '%s' (%s)", name, vars.v[i],
					  var_description(vars.v[i]));
			goto out;
		}
		val = v->valuestring;
		/* "what" may name one of the steering-* prompts, whose text it then stands for */
		if (!strcmp(vars.v[i], "what")) {
			sw_buf_addf(&subname, "steering-%s", val);
			sub = prompts_get(subname.ptr);
			if (sub)
				val = sub->text;
		}
		sw_strvec_push(&kv, vars.v[i]);
		sw_strvec_push(&kv, val);
		sw_buf_release(&subname);
	}
	pairs = sw_xcalloc(kv.nr + 1, sizeof(*pairs));
	for (i = 0; i < kv.nr; i++)
		pairs[i] = kv.v[i];
	rendered = prompts_render(p->text, (const char *const *)pairs);
	sw_buf_adds(&text, rendered);
	if (is_phase_prompt(name) && args && (request = arg_str(args, "request")) && *request) {
		sw_buf_rtrim(&text);
		sw_buf_addf(&text, "\n\n## The request\n\n%s\n", request);
	}
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "description", p->description);
	msgs = cJSON_AddArrayToObject(res, "messages");
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "user");
	c = cJSON_AddObjectToObject(m, "content");
	cJSON_AddStringToObject(c, "type", "text");
	cJSON_AddStringToObject(c, "text", text.ptr);
	cJSON_AddItemToArray(msgs, m);
	*result = res;
out:
	free(pairs);
	free(rendered);
	sw_buf_release(&text);
	sw_strvec_clear(&vars);
	sw_strvec_clear(&kv);
	return rc;
}

/* ---- running the reading tools off the loop ---- */

/*
 * spec_list, spec_read, spec_lint, spec_trace and spec_next parse whole
 * specs, which for a large one takes seconds.  Each call becomes a job on
 * the loop's thread pool: the work callback runs the tool on a copy of its
 * arguments and the set's read-only fields (root, specs_dir) into a
 * struct reply; the after-work callback, on the loop, delivers the reply
 * and ends the call.  Jobs are independent, so several run at once.
 * Without a loop (a server made without one) the tool runs inline.
 */
typedef int (*run_fn)(struct reply *r, const cJSON *args, void *data);

struct spec_job {
	uv_work_t work;
	struct specs_set *ss;
	struct mcp_call *call;
	run_fn run;
	cJSON *args;      /* a copy, owned */
	struct reply rep;
};

static void set_free_now(struct specs_set *ss)
{
	free(ss->root);
	free(ss->specs_dir);
	free(ss);
}

static void job_work(uv_work_t *w)
{
	struct spec_job *j = w->data;

	j->run(&j->rep, j->args, j->ss);
}

static void job_done(uv_work_t *w, int status)
{
	struct spec_job *j = w->data;
	struct specs_set *ss = j->ss;

	if (status != UV_ECANCELED && !mcp_call_cancelled(j->call))
		reply_deliver(&j->rep, j->call);
	mcp_call_finish(j->call);
	reply_release(&j->rep);
	cJSON_Delete(j->args);
	free(j);
	if (--ss->running == 0 && ss->closing)
		set_free_now(ss);
}

/* Runs @run for @call on the thread pool (MCP_CALL_PENDING), or inline without a loop (0). */
static int run_tool(struct mcp_call *call, const cJSON *args, void *data, run_fn run)
{
	struct specs_set *ss = data;
	uv_loop_t *loop = mcp_call_loop(call);
	struct spec_job *j;

	if (!loop) {
		struct reply rep = { SW_BUF_INIT, NULL };

		run(&rep, args, ss);
		reply_deliver(&rep, call);
		reply_release(&rep);
		return 0;
	}
	j = sw_xcalloc(1, sizeof(*j));
	j->ss = ss;
	j->call = call;
	j->run = run;
	j->args = cJSON_Duplicate(args, 1);
	j->rep.error = (struct sw_buf)SW_BUF_INIT;
	j->work.data = j;
	ss->running++;
	/* Fails only without a work callback. */
	(void)uv_queue_work(loop, &j->work, job_work, job_done);
	return MCP_CALL_PENDING;
}

static int t_list(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	SW_UNUSED(err);
	return run_tool(call, args, data, run_list);
}

static int t_read(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	SW_UNUSED(err);
	return run_tool(call, args, data, run_read);
}

static int t_lint(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	SW_UNUSED(err);
	return run_tool(call, args, data, run_lint);
}

static int t_trace(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	SW_UNUSED(err);
	return run_tool(call, args, data, run_trace);
}

static int t_next(struct mcp_call *call, const cJSON *args, void *data, struct sw_error *err)
{
	SW_UNUSED(err);
	return run_tool(call, args, data, run_next);
}

/* ---- the set ---- */

static const struct mcp_tool_def specs_tools[] = {
	{ "spec_list", "List specs",
	  "The specs of the workspace (.kiro/specs): type (feature or bugfix), which documents exist, task "
	  "counts by status, and lint error and warning counts.",
	  list_input, list_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, t_list },
	{ "spec_read", "Read a spec document, requirement or task",
	  "A whole document of a spec (document: requirements, bugfix, design or tasks), or one requirement "
	  "('3') or acceptance criterion ('3.2') with its EARS class, or one task ('2.1') with its status, "
	  "references and source lines.",
	  read_input, read_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, t_read },
	{ "spec_lint", "Lint specs",
	  "Diagnostics (path, line, col, severity, code, message) for one spec or every spec: EARS wording, "
	  "numbering, task structure, references between documents and the waves graph.",
	  lint_input, lint_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, t_lint },
	{ "spec_trace", "Trace requirements to tasks",
	  "The traceability matrix of a spec: each acceptance criterion with the tasks and design properties "
	  "that name it, the uncovered criteria, and references that name nothing.",
	  spec_only_input, trace_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, t_trace },
	{ "spec_next", "Next ready tasks",
	  "The tasks ready to start (not done, not in progress, unblocked by the dependency graph or the "
	  "plan's order) and the dependency waves, computed and from the file.",
	  next_input, next_output, MCP_TOOL_READ_ONLY | MCP_TOOL_IDEMPOTENT, t_next },
	{ "spec_set_task_status", "Set a task's status",
	  "Sets a task's status in tasks.md (not_started, queued, in_progress, done) and updates its parents' "
	  "markers; only the characters between the brackets change, under a lock, written atomically.",
	  status_input, status_output, MCP_TOOL_IDEMPOTENT, t_set_status },
};

/* Called by mcp_server_free; jobs still running keep the set until the last ends. */
static void specs_free(void *data)
{
	struct specs_set *ss = data;

	if (ss->running)
		ss->closing = 1;
	else
		set_free_now(ss);
}

int mcp_specs_toolset_new(struct mcp_toolset **out, const struct mcp_specs_opts *o, struct sw_error *err)
{
	struct specs_set *ss;
	char *kiro;

	*out = NULL;
	if (!o->root)
		return sw_error_set(err, SW_ENOTFOUND, "the specs tools need a workspace (no .kiro folder found)");
	kiro = sw_path_join(o->root, ".kiro");
	if (!sw_is_dir(kiro)) {
		int rc = sw_error_set(err, SW_ENOTFOUND, "the specs tools need a workspace: '%s' has no .kiro folder",
				      o->root);

		free(kiro);
		return rc;
	}
	free(kiro);
	ss = sw_xcalloc(1, sizeof(*ss));
	ss->root = sw_path_absolute(o->root);
	ss->specs_dir = sw_path_join(ss->root, ".kiro/specs");
	ss->set.name = "specs";
	ss->set.tools = specs_tools;
	ss->set.nr_tools = SW_ARRAY_SIZE(specs_tools);
	ss->set.data = ss;
	ss->set.free_data = specs_free;
	ss->set.list_resources = list_resources;
	ss->set.list_templates = list_templates;
	ss->set.read_resource = read_resource;
	ss->set.list_prompts = list_prompts;
	ss->set.get_prompt = get_prompt;
	*out = &ss->set;
	return 0;
}
