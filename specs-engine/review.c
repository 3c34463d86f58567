/* SPDX-License-Identifier: Apache-2.0 */
/*
 * review.c - the review record of a spec (.review.json) and its Kiro
 * workflow file (.config.kiro).
 *
 * .review.json is rewritten whole; fields it does not know are kept
 * because the document read is edited in place (cJSON) rather than
 * rebuilt from the struct.
 */
#include "base/compat.h"
#include "specs-engine/review.h"
#include "base/buf.h"
#include "base/fs.h"
#include "base/json.h"

#include <fcntl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static const char *const doc_names[] = { "requirements", "bugfix", "design", "tasks" };
static const char *const doc_files[] = { "requirements.md", "bugfix.md", "design.md", "tasks.md" };
static const char *const type_names[] = { "feature", "bugfix", "quick" };
static const char *const status_names[] = { "pending", "draft", "approved", "failed", "unreviewed" };

const char *review_doc_name(enum review_doc doc)
{
	return doc_names[doc];
}

const char *review_doc_file(enum review_doc doc)
{
	return doc_files[doc];
}

int review_doc_parse(enum review_doc *out, const char *name, struct sw_error *err)
{
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(doc_names); i++)
		if (!strcmp(name, doc_names[i]) || !strcmp(name, doc_files[i])) {
			*out = (enum review_doc)i;
			return 0;
		}
	return sw_error_set(err, SW_EINVAL,
			    "unknown phase '%s': expected requirements, bugfix, design or tasks", name);
}

const char *review_type_name(enum review_type type)
{
	return type_names[type];
}

int review_type_parse(enum review_type *out, const char *name, struct sw_error *err)
{
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(type_names); i++)
		if (!strcmp(name, type_names[i])) {
			*out = (enum review_type)i;
			return 0;
		}
	return sw_error_set(err, SW_EINVAL, "unknown spec type '%s': expected feature, bugfix or quick",
			    name);
}

const char *review_status_name(enum review_status st)
{
	return status_names[st];
}

static void set_order(struct review *r)
{
	enum review_doc first = r->type == REVIEW_TYPE_BUGFIX ? REVIEW_DOC_BUGFIX : REVIEW_DOC_REQUIREMENTS;

	r->phases[0].doc = r->design_first ? REVIEW_DOC_DESIGN : first;
	r->phases[1].doc = r->design_first ? first : REVIEW_DOC_DESIGN;
	r->phases[2].doc = REVIEW_DOC_TASKS;
}

void review_init(struct review *r, enum review_type type, int design_first, const char *request)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->design_first = design_first && type != REVIEW_TYPE_BUGFIX;
	r->request = request ? sw_xstrdup(request) : NULL;
	set_order(r);
}

struct review_phase *review_phase(struct review *r, enum review_doc doc)
{
	int i = review_phase_index(r, doc);

	return i < 0 ? NULL : &r->phases[i];
}

int review_phase_index(const struct review *r, enum review_doc doc)
{
	int i;

	for (i = 0; i < REVIEW_PHASES; i++)
		if (r->phases[i].doc == doc)
			return i;
	return -1;
}

static char *now_iso(void)
{
	char s[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return sw_xstrdup(s);
}

void review_mark_generated(struct review_phase *p, int repairs, int refined)
{
	free(p->generated_at);
	free(p->approved_at);
	p->generated_at = now_iso();
	p->approved_at = NULL;
	p->blob[0] = '\0';
	p->status = REVIEW_DRAFT;
	p->repairs = repairs;
	p->refinements += refined;
	p->stale = 0;
}

/*
 * @text with the status character of every checkbox bullet ("- [x] ",
 * "* [-]* ", ...) set to ' ', so that ticking a task is not an edit of
 * tasks.md.  Caller frees.
 */
static char *status_blind(const char *text, size_t len)
{
	char *t = sw_xmalloc(len + 1);
	size_t i = 0;

	memcpy(t, text, len);
	t[len] = '\0';
	while (i < len) {
		size_t k = i;

		while (k < len && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (k + 5 < len && (t[k] == '-' || t[k] == '*' || t[k] == '+') && (t[k + 1] == ' ' || t[k + 1] == '\t')) {
			k++;
			while (k < len && (t[k] == ' ' || t[k] == '\t'))
				k++;
			if (k + 2 < len && t[k] == '[' && t[k + 2] == ']' && strchr(" xX-~", t[k + 1]) &&
			    (k + 3 == len || strchr(" \t*\r\n", t[k + 3])))
				t[k + 1] = ' ';
		}
		while (i < len && t[i] != '\n')
			i++;
		i++;
	}
	return t;
}

/* The blob id approval compares: tasks.md's without its checkbox status characters. */
static void approval_id(char id[VCS_OID_HEX], enum review_doc doc, const char *text, size_t len)
{
	char *blind;

	if (doc != REVIEW_DOC_TASKS) {
		vcs_blob_id(id, text, len);
		return;
	}
	blind = status_blind(text, len);
	vcs_blob_id(id, blind, len);
	free(blind);
}

void review_mark_approved(struct review_phase *p, const char *text, size_t len)
{
	free(p->approved_at);
	p->approved_at = now_iso();
	approval_id(p->blob, p->doc, text, len);
	p->status = REVIEW_APPROVED;
	p->stale = 0;
}

void review_mark_later_stale(struct review *r, int i)
{
	for (i++; i < REVIEW_PHASES; i++)
		if (r->phases[i].status == REVIEW_APPROVED)
			r->phases[i].stale = 1;
}

int review_edited_since_approval(const struct review_phase *p, const char *text, size_t len)
{
	char id[VCS_OID_HEX];

	if (p->status != REVIEW_APPROVED)
		return 0;
	if (!text)
		return 1;
	approval_id(id, p->doc, text, len);
	if (!strcmp(id, p->blob))
		return 0;
	/* Approvals recorded before status changes were ignored hold the blob of the text as it was. */
	vcs_blob_id(id, text, len);
	return strcmp(id, p->blob) != 0;
}

/* ---- reading ------------------------------------------------------------ */

static int load_config(struct review *r, const char *dir, struct sw_error *err)
{
	char *path = sw_path_join(dir, REVIEW_CONFIG_FILE);
	cJSON *doc = NULL;
	const char *wf = NULL, *st = NULL;
	int rc = 0;

	if (!sw_path_exists(path))
		goto out;
	if ((rc = sw_json_parse_file(&doc, path, err)) < 0)
		goto out;
	if ((rc = sw_json_get_string(&wf, doc, "workflowType", 0, "$", err)) < 0 ||
	    (rc = sw_json_get_string(&st, doc, "specType", 0, "$", err)) < 0) {
		sw_error_at(err, path, 0, 0);
		goto out;
	}
	if (!wf) /* the early form: {"generationMode": "requirements-first"} */
		sw_json_get_string(&wf, doc, "generationMode", 0, "$", NULL);
	r->design_first = wf && !strcmp(wf, "design-first");
	if (st && !strcmp(st, "bugfix"))
		r->type = REVIEW_TYPE_BUGFIX;
out:
	cJSON_Delete(doc);
	free(path);
	return rc;
}

static int load_phase(struct review_phase *p, const cJSON *o, const char *jpath, struct sw_error *err)
{
	const char *s = NULL;
	long long n = 0;
	int b = 0, rc;
	size_t i;

	if ((rc = sw_json_get_string(&s, o, "status", 1, jpath, err)) < 0)
		return rc;
	for (i = 0; i < SW_ARRAY_SIZE(status_names); i++)
		if (!strcmp(s, status_names[i]))
			break;
	if (i == SW_ARRAY_SIZE(status_names))
		return sw_error_set(err, SW_EINVAL, "%s.status: unknown status '%s'", jpath, s);
	p->status = (enum review_status)i;
	if ((rc = sw_json_get_string(&s, o, "blob", 0, jpath, err)) < 0)
		return rc;
	snprintf(p->blob, sizeof(p->blob), "%s", s ? s : "");
	if ((rc = sw_json_get_string(&s, o, "generatedAt", 0, jpath, err)) < 0)
		return rc;
	p->generated_at = s ? sw_xstrdup(s) : NULL;
	if ((rc = sw_json_get_string(&s, o, "approvedAt", 0, jpath, err)) < 0)
		return rc;
	p->approved_at = s ? sw_xstrdup(s) : NULL;
	if ((rc = sw_json_get_int(&n, o, "repairs", 0, jpath, err)) < 0)
		return rc;
	p->repairs = (int)n;
	if ((rc = sw_json_get_int(&n, o, "refinements", 0, jpath, err)) < 0)
		return rc;
	p->refinements = (int)n;
	if ((rc = sw_json_get_bool(&b, o, "stale", 0, jpath, err)) < 0)
		return rc;
	p->stale = b;
	return 0;
}

static int load_record(struct review *r, const char *path, struct sw_error *err)
{
	struct sw_buf text = SW_BUF_INIT;
	const cJSON *phases = NULL;
	const char *s = NULL;
	int rc, b = 0, i;

	if ((rc = sw_read_file(&text, path, SW_JSON_MAX_DOC, err)) < 0)
		goto out;
	if ((rc = sw_json_parse(&r->extra, text.ptr, text.len, err)) < 0)
		goto located;
	if ((rc = sw_json_get_string(&s, r->extra, "type", 0, "$", err)) < 0)
		goto located;
	if (s && (rc = review_type_parse(&r->type, s, err)) < 0)
		goto located;
	if ((rc = sw_json_get_bool(&b, r->extra, "designFirst", r->design_first, "$", err)) < 0)
		goto located;
	r->design_first = b && r->type != REVIEW_TYPE_BUGFIX;
	if ((rc = sw_json_get_string(&s, r->extra, "request", 0, "$", err)) < 0)
		goto located;
	r->request = s ? sw_xstrdup(s) : NULL;
	set_order(r);
	if ((rc = sw_json_get_object(&phases, r->extra, "phases", 0, "$", err)) < 0 || !phases)
		goto located;
	for (i = 0; i < REVIEW_PHASES; i++) {
		const cJSON *o = NULL;
		char *jp = sw_json_path_key("$.phases", review_doc_name(r->phases[i].doc));

		rc = sw_json_get_object(&o, phases, review_doc_name(r->phases[i].doc), 0, "$.phases", err);
		if (rc == 0 && o)
			rc = load_phase(&r->phases[i], o, jp, err);
		free(jp);
		if (rc < 0)
			goto located;
	}
	goto out;
located:
	if (rc < 0)
		sw_error_at(err, path, 0, 0);
out:
	sw_buf_release(&text);
	return rc;
}

int review_load(struct review *r, const char *dir, struct sw_error *err)
{
	char *path = sw_path_join(dir, REVIEW_FILE);
	int rc = 0, i;

	memset(r, 0, sizeof(*r));
	if (!sw_is_dir(dir)) {
		rc = sw_error_set(err, SW_ENOTFOUND, "no spec folder '%s'", dir);
		goto out;
	}
	if ((rc = load_config(r, dir, err)) < 0)
		goto out;
	if (!sw_is_file(path)) {
		char *bug = sw_path_join(dir, "bugfix.md");

		if (sw_is_file(bug))
			r->type = REVIEW_TYPE_BUGFIX;
		free(bug);
	}
	set_order(r);
	if (sw_is_file(path)) {
		if ((rc = load_record(r, path, err)) < 0)
			goto out;
	} else {
		for (i = 0; i < REVIEW_PHASES; i++) {
			char *f = sw_path_join(dir, review_doc_file(r->phases[i].doc));

			r->phases[i].status = sw_is_file(f) ? REVIEW_UNREVIEWED : REVIEW_PENDING;
			free(f);
		}
	}
out:
	if (rc < 0)
		review_release(r);
	free(path);
	return rc;
}

/* ---- writing ------------------------------------------------------------ */

static void put(cJSON *obj, const char *key, cJSON *val)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, val);
	else
		cJSON_AddItemToObject(obj, key, val);
}

/* Sets @key to the string @s, or removes it when @s is NULL. */
static void put_str(cJSON *obj, const char *key, const char *s)
{
	if (s)
		put(obj, key, cJSON_CreateString(s));
	else
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
}

int review_save(const struct review *r, const char *dir, struct sw_error *err)
{
	cJSON *doc = r->extra ? cJSON_Duplicate(r->extra, 1) : cJSON_CreateObject(), *phases;
	struct sw_buf out = SW_BUF_INIT;
	char *path = sw_path_join(dir, REVIEW_FILE);
	int i, rc;

	put_str(doc, "request", r->request);
	put(doc, "type", cJSON_CreateString(review_type_name(r->type)));
	put(doc, "designFirst", cJSON_CreateBool(r->design_first));
	phases = cJSON_GetObjectItemCaseSensitive(doc, "phases");
	if (!cJSON_IsObject(phases)) {
		phases = cJSON_CreateObject();
		put(doc, "phases", phases);
	}
	for (i = 0; i < REVIEW_PHASES; i++) {
		const struct review_phase *p = &r->phases[i];
		const char *name = review_doc_name(p->doc);
		cJSON *o = cJSON_GetObjectItemCaseSensitive(phases, name);

		if (!cJSON_IsObject(o)) {
			o = cJSON_CreateObject();
			put(phases, name, o);
		}
		put(o, "file", cJSON_CreateString(review_doc_file(p->doc)));
		put(o, "status", cJSON_CreateString(review_status_name(p->status)));
		put_str(o, "generatedAt", p->generated_at);
		put_str(o, "approvedAt", p->approved_at);
		put_str(o, "blob", p->blob[0] ? p->blob : NULL);
		put(o, "repairs", cJSON_CreateNumber(p->repairs));
		put(o, "refinements", cJSON_CreateNumber(p->refinements));
		put(o, "stale", cJSON_CreateBool(p->stale));
	}
	sw_json_print(&out, doc, 1);
	sw_buf_addch(&out, '\n');
	rc = sw_write_atomic(path, out.ptr, out.len, err);
	cJSON_Delete(doc);
	sw_buf_release(&out);
	free(path);
	return rc;
}

/* A random (version 4) UUID, as Kiro's specId. */
static void uuid4(char out[37])
{
	unsigned char b[16];
	size_t i;
	char *p = out;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* no entropy source: time and pid still make ids distinct per spec */
		unsigned long long x = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);

		for (i = 0; i < sizeof(b); i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
			b[i] = (unsigned char)(x >> 56);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		snprintf(p, 3, "%02x", b[i]);
		p += 2;
	}
	*p = '\0';
}

int review_write_config(const struct review *r, const char *dir, struct sw_error *err)
{
	char *path = sw_path_join(dir, REVIEW_CONFIG_FILE), id[37];
	struct sw_buf b = SW_BUF_INIT;
	int rc = 0;

	if (sw_path_exists(path))
		goto out;
	uuid4(id);
	/* Kiro's own bytes: one line, ", " and ": " separators, no final newline. */
	sw_buf_addf(&b, "{\"specId\": \"%s\", \"workflowType\": \"%s\", \"specType\": \"%s\"}", id,
		    r->design_first ? "design-first" : "requirements-first",
		    r->type == REVIEW_TYPE_BUGFIX ? "bugfix" : "feature");
	rc = sw_write_atomic(path, b.ptr, b.len, err);
out:
	sw_buf_release(&b);
	free(path);
	return rc;
}

void review_release(struct review *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < REVIEW_PHASES; i++) {
		free(r->phases[i].generated_at);
		free(r->phases[i].approved_at);
	}
	free(r->request);
	cJSON_Delete(r->extra);
	memset(r, 0, sizeof(*r));
}
