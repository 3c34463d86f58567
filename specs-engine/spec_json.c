/* SPDX-License-Identifier: Apache-2.0 */
/*
 * spec_json.c - JSON values for a loaded spec (docs/spec-json.md).
 *
 * One builder per document the "spec" command prints with --json; the MCP
 * "specs" tools reuse them for structuredContent.  Keys are added in the
 * documented order so the printed documents stay stable; absent values
 * are JSON null rather than missing, as the documented shapes say.
 */
#include "base/compat.h"
#include "specs-engine/spec_json.h"
#include "base/buf.h"

static void add_str(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

const char *spec_kind_name(const struct spec *s)
{
	return s->bugfix ? "bugfix" : "feature";
}

void spec_task_counts(const struct spec *s, size_t counts[4], size_t *total)
{
	size_t i;

	memset(counts, 0, 4 * sizeof(size_t));
	*total = 0;
	for (i = 0; s->tasks_doc && i < s->tasks_doc->ntasks; i++) {
		counts[s->tasks_doc->tasks[i].state]++;
		(*total)++;
	}
}

char *spec_criterion_text(const struct spec *s, const struct req_criterion *c)
{
	struct sw_buf b = SW_BUF_INIT;
	const char *t = s->req.text.ptr;
	size_t i;
	int space = 0;

	for (i = c->off; i < c->end && i < s->req.text.len; i++) {
		char ch = t[i];

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			space = 1;
			continue;
		}
		if (space && b.len)
			sw_buf_addch(&b, ' ');
		space = 0;
		sw_buf_addch(&b, ch);
	}
	return sw_buf_detach(&b, NULL);
}

cJSON *spec_json_diag(const struct sw_diag *g)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "path", g->path);
	cJSON_AddNumberToObject(o, "line", g->line);
	cJSON_AddNumberToObject(o, "col", g->col);
	cJSON_AddStringToObject(o, "severity", sw_severity_name(g->severity));
	add_str(o, "code", g->code);
	add_str(o, "message", g->msg);
	add_str(o, "hint", g->hint);
	return o;
}

cJSON *spec_json_diags(const struct sw_diags *d, int errors_only)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (!errors_only || d->v[i].severity == SW_SEV_ERROR)
			cJSON_AddItemToArray(arr, spec_json_diag(&d->v[i]));
	return arr;
}

cJSON *spec_json_files(const struct spec *s)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, s->bugfix ? "bugfix" : "requirements", s->req.display);
	add_str(o, "design", s->design.display);
	add_str(o, "tasks", s->tasks.display);
	return o;
}

cJSON *spec_json_summary(const struct spec *s, const char *path)
{
	cJSON *o = cJSON_CreateObject(), *t;
	size_t counts[4], total;

	spec_task_counts(s, counts, &total);
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddStringToObject(o, "type", spec_kind_name(s));
	cJSON_AddItemToObject(o, "files", spec_json_files(s));
	cJSON_AddNumberToObject(o, "requirements", s->reqs ? (double)s->reqs->nreqs : 0);
	cJSON_AddNumberToObject(o, "criteria", s->reqs ? (double)s->reqs->ncrit : 0);
	cJSON_AddNumberToObject(o, "properties", s->design_doc ? (double)s->design_doc->nprops : 0);
	t = cJSON_AddObjectToObject(o, "tasks");
	cJSON_AddNumberToObject(t, "total", (double)total);
	cJSON_AddNumberToObject(t, "todo", (double)counts[TASKS_TODO]);
	cJSON_AddNumberToObject(t, "queued", (double)counts[TASKS_QUEUED]);
	cJSON_AddNumberToObject(t, "doing", (double)counts[TASKS_DOING]);
	cJSON_AddNumberToObject(t, "done", (double)counts[TASKS_DONE]);
	cJSON_AddNumberToObject(o, "errors", (double)s->diags.errors);
	cJSON_AddNumberToObject(o, "warnings", (double)s->diags.warnings);
	return o;
}

cJSON *spec_json_refs(const struct req_refs *refs)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < refs->nr; i++) {
		const struct req_ref *r = &refs->v[i];
		char buf[REQ_ID_MAX * 2 + 4];

		switch (r->kind) {
		case REQ_REF_ALL:
			cJSON_AddItemToArray(arr, cJSON_CreateString("all"));
			break;
		case REQ_REF_RANGE:
			snprintf(buf, sizeof(buf), "%s-%s", r->id, r->to);
			cJSON_AddItemToArray(arr, cJSON_CreateString(buf));
			break;
		case REQ_REF_TEXT:
			cJSON_AddItemToArray(arr, cJSON_CreateString(r->text));
			break;
		default:
			cJSON_AddItemToArray(arr, cJSON_CreateString(r->id));
		}
	}
	return arr;
}

cJSON *spec_json_criterion(const struct spec *s, const struct req_criterion *c)
{
	cJSON *co = cJSON_CreateObject(), *props;
	char *text = spec_criterion_text(s, c);
	size_t i, j;

	cJSON_AddStringToObject(co, "id", c->id);
	cJSON_AddNumberToObject(co, "line", c->line);
	cJSON_AddNumberToObject(co, "col", c->col);
	cJSON_AddStringToObject(co, "text", text);
	cJSON_AddStringToObject(co, "ears", ears_class_name(c->cls));
	cJSON_AddBoolToObject(co, "negative", !!(c->ears_flags & EARS_NEGATIVE));
	if (*c->alias)
		cJSON_AddStringToObject(co, "label", c->alias);
	/* The design's correctness properties that validate it. */
	props = cJSON_AddArrayToObject(co, "properties");
	for (i = 0; s->design_doc && i < s->design_doc->nprops; i++) {
		const struct design_property *p = &s->design_doc->props[i];

		for (j = 0; j < p->validates.nr; j++)
			if (req_ref_names(&p->validates.v[j], c)) {
				cJSON_AddItemToArray(props, cJSON_CreateString(p->id));
				break;
			}
	}
	free(text);
	return co;
}

cJSON *spec_json_requirement(const struct spec *s, const struct req_requirement *r)
{
	cJSON *o = cJSON_CreateObject(), *crits;
	const size_t *idx;
	size_t j, nc;

	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "title", r->title);
	add_str(o, "story", r->story);
	cJSON_AddNumberToObject(o, "line", r->line);
	crits = cJSON_AddArrayToObject(o, "criteria");
	nc = req_criteria_of(s->reqs, r->num, &idx);
	for (j = 0; j < nc; j++)
		cJSON_AddItemToArray(crits, spec_json_criterion(s, &s->reqs->crit[idx[j]]));
	return o;
}

cJSON *spec_json_task(const struct spec *s, const struct tasks_task *t)
{
	cJSON *o = cJSON_CreateObject(), *props, *det;
	char mark[2] = { t->mark, 0 };
	size_t j;

	cJSON_AddStringToObject(o, "id", t->id);
	cJSON_AddStringToObject(o, "title", t->title);
	cJSON_AddStringToObject(o, "status", tasks_state_name(t->state));
	cJSON_AddStringToObject(o, "mark", mark);
	cJSON_AddBoolToObject(o, "optional", t->optional);
	cJSON_AddBoolToObject(o, "checkpoint", t->checkpoint);
	cJSON_AddNumberToObject(o, "line", t->line);
	add_str(o, "parent", t->parent == TASKS_NONE ? NULL : s->tasks_doc->tasks[t->parent].id);
	cJSON_AddItemToObject(o, "requirements", spec_json_refs(&t->reqs));
	cJSON_AddItemToObject(o, "validates", spec_json_refs(&t->validates));
	props = cJSON_AddArrayToObject(o, "properties");
	for (j = 0; j < t->nprops; j++)
		cJSON_AddItemToArray(props, cJSON_CreateString(t->props[j].id));
	det = cJSON_AddArrayToObject(o, "details");
	for (j = 0; j < t->details.nr; j++)
		cJSON_AddItemToArray(det, cJSON_CreateString(t->details.v[j]));
	return o;
}

cJSON *spec_json_show(const struct spec *s, const char *path)
{
	cJSON *doc = cJSON_CreateObject(), *o, *arr;
	size_t i, j;

	cJSON_AddStringToObject(doc, "name", s->name);
	cJSON_AddStringToObject(doc, "path", path);
	cJSON_AddStringToObject(doc, "type", spec_kind_name(s));
	if (s->config.present) {
		o = cJSON_AddObjectToObject(doc, "config");
		add_str(o, "specId", s->config.spec_id);
		add_str(o, "workflowType", s->config.workflow_type);
		add_str(o, "specType", s->config.spec_type);
		add_str(o, "generationMode", s->config.generation_mode);
	} else {
		cJSON_AddNullToObject(doc, "config");
	}
	cJSON_AddItemToObject(doc, "files", spec_json_files(s));
	arr = cJSON_AddArrayToObject(doc, "extra");
	for (i = 0; i < s->extra.nr; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(s->extra.v[i]));

	arr = cJSON_AddArrayToObject(doc, "glossary");
	for (i = 0; s->reqs && i < s->reqs->nterms; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "term", s->reqs->terms[i].name);
		cJSON_AddNumberToObject(o, "line", s->reqs->terms[i].line);
		cJSON_AddItemToArray(arr, o);
	}
	arr = cJSON_AddArrayToObject(doc, "requirements");
	for (i = 0; s->reqs && i < s->reqs->nreqs; i++)
		cJSON_AddItemToArray(arr, spec_json_requirement(s, &s->reqs->reqs[i]));
	arr = cJSON_AddArrayToObject(doc, "properties");
	for (i = 0; s->design_doc && i < s->design_doc->nprops; i++) {
		const struct design_property *p = &s->design_doc->props[i];

		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", p->id);
		cJSON_AddStringToObject(o, "title", p->title);
		cJSON_AddNumberToObject(o, "line", p->line);
		cJSON_AddItemToObject(o, "validates", spec_json_refs(&p->validates));
		cJSON_AddItemToArray(arr, o);
	}
	arr = cJSON_AddArrayToObject(doc, "tasks");
	for (i = 0; s->tasks_doc && i < s->tasks_doc->ntasks; i++)
		cJSON_AddItemToArray(arr, spec_json_task(s, &s->tasks_doc->tasks[i]));
	if (s->tasks_doc && s->tasks_doc->graph.format != TASKS_GRAPH_NONE) {
		static const char *const fmts[] = { "none", "objects", "compact", "text", "invalid" };
		const struct tasks_graph *g = &s->tasks_doc->graph;

		o = cJSON_AddObjectToObject(doc, "graph");
		cJSON_AddStringToObject(o, "format", fmts[g->format]);
		cJSON_AddNumberToObject(o, "line", g->line);
		arr = cJSON_AddArrayToObject(o, "waves");
		for (i = 0; i < g->nwaves; i++) {
			cJSON *w = cJSON_CreateObject(), *ts = cJSON_CreateArray();

			cJSON_AddStringToObject(w, "id", g->waves[i].id);
			add_str(w, "name", g->waves[i].name);
			for (j = 0; j < g->waves[i].tasks.nr; j++)
				cJSON_AddItemToArray(ts, cJSON_CreateString(g->waves[i].tasks.v[j]));
			cJSON_AddItemToObject(w, "tasks", ts);
			cJSON_AddItemToArray(arr, w);
		}
	} else {
		cJSON_AddNullToObject(doc, "graph");
	}
	o = cJSON_AddObjectToObject(doc, "lint");
	cJSON_AddNumberToObject(o, "errors", (double)s->diags.errors);
	cJSON_AddNumberToObject(o, "warnings", (double)s->diags.warnings);
	return doc;
}

cJSON *spec_json_trace(const struct spec *s, const struct trace *tr)
{
	cJSON *doc = cJSON_CreateObject(), *rows, *unc, *dang;
	size_t i, j;

	cJSON_AddStringToObject(doc, "spec", s->name);
	rows = cJSON_AddArrayToObject(doc, "rows");
	for (i = 0; i < tr->nrows; i++) {
		const struct trace_row *r = &tr->rows[i];
		cJSON *o = cJSON_CreateObject(), *ts = cJSON_CreateArray(), *ps = cJSON_CreateArray();
		char rid[16];

		snprintf(rid, sizeof(rid), "%d", r->crit->req);
		cJSON_AddStringToObject(o, "criterion", r->crit->id);
		cJSON_AddStringToObject(o, "requirement", rid);
		cJSON_AddStringToObject(o, "ears", ears_class_name(r->crit->cls));
		for (j = 0; j < r->tasks.nr; j++)
			cJSON_AddItemToArray(ts, cJSON_CreateString(r->tasks.v[j]));
		for (j = 0; j < r->props.nr; j++)
			cJSON_AddItemToArray(ps, cJSON_CreateString(r->props.v[j]));
		cJSON_AddItemToObject(o, "tasks", ts);
		cJSON_AddItemToObject(o, "properties", ps);
		cJSON_AddBoolToObject(o, "covered", r->tasks.nr > 0 || !r->needs_task);
		cJSON_AddItemToArray(rows, o);
	}
	unc = cJSON_AddArrayToObject(doc, "uncovered");
	for (i = 0; i < tr->nrows; i++)
		if (tr->rows[i].needs_task && !tr->rows[i].tasks.nr)
			cJSON_AddItemToArray(unc, cJSON_CreateString(tr->rows[i].crit->id));
	dang = cJSON_AddArrayToObject(doc, "dangling");
	for (i = 0; i < tr->ndangling; i++) {
		const struct trace_dangling *d = &tr->dangling[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "from", d->from == TRACE_FROM_PROPERTY ? "property" : "task");
		cJSON_AddStringToObject(o, "owner", d->owner);
		cJSON_AddStringToObject(o, "ref", d->ref);
		add_str(o, "path", d->from == TRACE_FROM_PROPERTY ? s->design.display : s->tasks.display);
		cJSON_AddNumberToObject(o, "line", d->line);
		cJSON_AddNumberToObject(o, "col", d->col);
		cJSON_AddItemToArray(dang, o);
	}
	return doc;
}

cJSON *spec_json_next(const struct spec *s, const struct waves_deps *ready, int required)
{
	cJSON *doc = cJSON_CreateObject(), *arr;
	size_t i;

	cJSON_AddStringToObject(doc, "spec", s->name);
	cJSON_AddStringToObject(doc, "source", s->tasks_doc && s->tasks_doc->graph.nwaves ? "graph" : "computed");
	arr = cJSON_AddArrayToObject(doc, "ready");
	for (i = 0; s->tasks_doc && i < ready->nr; i++) {
		const struct tasks_task *t = &s->tasks_doc->tasks[ready->v[i]];
		cJSON *o;

		if (required && t->optional)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", t->id);
		cJSON_AddStringToObject(o, "title", t->title);
		cJSON_AddStringToObject(o, "status", tasks_state_name(t->state));
		cJSON_AddBoolToObject(o, "optional", t->optional);
		cJSON_AddNumberToObject(o, "line", t->line);
		cJSON_AddItemToArray(arr, o);
	}
	return doc;
}

cJSON *spec_json_waves(const struct spec *s, const struct waves_plan *plan)
{
	const struct tasks_doc *td = s->tasks_doc;
	cJSON *doc = cJSON_CreateObject(), *comp, *diff;
	size_t w, i;

	cJSON_AddStringToObject(doc, "spec", s->name);
	comp = cJSON_AddArrayToObject(doc, "computed");
	if (td && plan->nwaves) {
		/* One array per wave, filled in one pass over the tasks (file order within a wave). */
		cJSON **arrs = sw_xcalloc(plan->nwaves, sizeof(*arrs));

		for (w = 0; w < plan->nwaves; w++)
			arrs[w] = cJSON_CreateArray();
		for (i = 0; i < td->ntasks; i++)
			if (plan->wave[i] >= 0 && (size_t)plan->wave[i] < plan->nwaves)
				cJSON_AddItemToArray(arrs[plan->wave[i]], cJSON_CreateString(td->tasks[i].id));
		for (w = 0; w < plan->nwaves; w++)
			cJSON_AddItemToArray(comp, arrs[w]);
		free(arrs);
	}
	if (td && td->graph.nwaves) {
		cJSON *file = cJSON_AddArrayToObject(doc, "file");

		for (w = 0; w < td->graph.nwaves; w++) {
			cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray();

			cJSON_AddStringToObject(o, "id", td->graph.waves[w].id);
			add_str(o, "name", td->graph.waves[w].name);
			for (i = 0; i < td->graph.waves[w].tasks.nr; i++)
				cJSON_AddItemToArray(a, cJSON_CreateString(td->graph.waves[w].tasks.v[i]));
			cJSON_AddItemToObject(o, "tasks", a);
			cJSON_AddItemToArray(file, o);
		}
	} else {
		cJSON_AddNullToObject(doc, "file");
	}
	diff = cJSON_AddArrayToObject(doc, "differences");
	for (i = 0; td && td->graph.nwaves && i < td->ntasks; i++) {
		cJSON *o;

		if (td->tasks[i].nchildren || plan->wave[i] == plan->file_wave[i])
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "task", td->tasks[i].id);
		cJSON_AddNumberToObject(o, "computed", (double)plan->wave[i]);
		if (plan->file_wave[i] >= 0)
			cJSON_AddNumberToObject(o, "file", (double)plan->file_wave[i]);
		else
			cJSON_AddNullToObject(o, "file");
		cJSON_AddItemToArray(diff, o);
	}
	cJSON_AddBoolToObject(doc, "cycle", plan->cycle);
	return doc;
}

cJSON *spec_json_task_changes(const char *spec, const char *task, enum tasks_state st,
			      const struct tasks_change *changes, size_t n)
{
	cJSON *doc = cJSON_CreateObject(), *arr;
	size_t i;

	cJSON_AddStringToObject(doc, "spec", spec);
	cJSON_AddStringToObject(doc, "task", task);
	cJSON_AddStringToObject(doc, "status", tasks_state_name(st));
	arr = cJSON_AddArrayToObject(doc, "changes");
	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "id", changes[i].id);
		cJSON_AddStringToObject(o, "from", tasks_state_name(changes[i].from));
		cJSON_AddStringToObject(o, "to", tasks_state_name(changes[i].to));
		cJSON_AddNumberToObject(o, "line", changes[i].line);
		cJSON_AddNumberToObject(o, "col", changes[i].col);
		cJSON_AddItemToArray(arr, o);
	}
	return doc;
}
