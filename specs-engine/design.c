/* SPDX-License-Identifier: Apache-2.0 */
/*
 * design.c - headings and "Property N" blocks of design.md.
 *
 * A pre-order walk over all blocks (md_walk_next, no recursion) looks at the
 * raw text of every heading and paragraph.  A property's scope runs until the
 * next property or the next heading of level 2 or less; a Validates line in
 * that scope belongs to it.
 */
#include "base/compat.h"
#include "specs-engine/design.h"
#include "base/strmap.h"
#include "base/buf.h"

#include <ctype.h>

void design_doc_free(struct design_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->nsections; i++)
		free(doc->sections[i].title);
	for (i = 0; i < doc->nprops; i++) {
		free(doc->props[i].title);
		req_refs_release(&doc->props[i].validates);
	}
	free(doc->sections);
	free(doc->props);
	free(doc->title);
	free(doc);
}

const struct design_property *design_find_property(const struct design_doc *doc, const char *id)
{
	size_t i;

	for (i = 0; doc && i < doc->nprops; i++)
		if (!strcmp(doc->props[i].id, id))
			return &doc->props[i];
	return NULL;
}

static size_t skip_markup(const char *t, size_t i, size_t e)
{
	while (i < e && (t[i] == '#' || t[i] == '*' || t[i] == '_' || t[i] == ' ' || t[i] == '\t'))
		i++;
	return i;
}

/* "Property N[.M][:.] Title" at @i: returns 1 and fills id/title range. */
static int property_at(const char *t, size_t i, size_t e, char id[REQ_ID_MAX], size_t *ts, size_t *te)
{
	size_t k, n;

	i = skip_markup(t, i, e);
	if (e - i < 10 || strncmp(t + i, "Property ", 9) || !isdigit((unsigned char)t[i + 9]))
		return 0;
	n = req_scan_id(t + i + 9, e - i - 9, id, REQ_ID_MAX);
	if (!n || strtol(id, NULL, 10) <= 0)
		return 0;
	k = i + 9 + n;
	if (k < e && t[k] != ':' && t[k] != '.' && t[k] != ' ' && t[k] != '*' && t[k] != '\n' && t[k] != '\r' &&
	    strncmp(t + k, "：", 3))
		return 0;
	if (k < e && (t[k] == ':' || t[k] == '.'))
		k++;
	else if (k + 3 <= e && !strncmp(t + k, "：", 3))
		k += 3;
	while (k < e && (t[k] == ' ' || t[k] == '*' || t[k] == ':'))
		k++;
	*ts = k;
	while (k < e && t[k] != '\n' && t[k] != '\r')
		k++;
	while (k > *ts && (t[k - 1] == '*' || t[k - 1] == ' ' || t[k - 1] == '_'))
		k--;
	*te = k;
	return 1;
}

/* Finds "Validates" followed by requirement ids in [s, e); sets the list's byte range. */
static int validates_in(const char *t, size_t s, size_t e, size_t *ls, size_t *le)
{
	size_t i;

	for (i = s; i + 9 <= e; i++) {
		size_t k;

		if (t[i] != 'V' || strncmp(t + i, "Validates", 9))
			continue;
		k = i + 9;
		while (k < e && (t[k] == '*' || t[k] == '_' || t[k] == ':' || t[k] == ' '))
			k++;
		if (k < e && !isdigit((unsigned char)t[k]) && strncmp(t + k, "Requirement", 11) &&
		    strncasecmp(t + k, "all", 3))
			continue;
		*ls = k;
		while (k < e && t[k] != '\n' && t[k] != '\r')
			k++;
		*le = k;
		return 1;
	}
	return 0;
}

int design_parse(struct design_doc **out, const struct md_doc *md, const char *path, struct sw_diags *diags,
		 struct sw_error *err)
{
	struct design_doc *doc = sw_xcalloc(1, sizeof(*doc));
	const char *t = md_doc_text(md);
	const struct md_node *root = md_root(md), *n;
	struct design_property *cur = NULL;
	struct sw_strmap seen = SW_STRMAP_INIT; /* property ids so far, for the duplicate check */
	int any_validates = 0, by_heading = 0;
	size_t i, bad;

	SW_UNUSED(err);
	doc->title = sw_xstrdup("");
	if (md_doc_utf8_error(md, &bad))
		md_diag_at(diags, md, path, SW_SEV_ERROR, "md-utf8", bad, "save the file as UTF-8",
			     "invalid UTF-8 byte 0x%02x", (unsigned char)t[bad]);
	/*
	 * When properties are headings ("### Property 1: …"), a "**Property 1**:"
	 * bullet elsewhere (the testing strategy's list) refers to one; only
	 * designs without such headings define properties in paragraphs.
	 */
	for (n = md_first_child(root); n && !by_heading; n = md_next(n)) {
		size_t s, e, ts, te;
		char id[REQ_ID_MAX];

		if (md_node_type(n) != MD_HEADING)
			continue;
		md_node_range(md, n, &s, &e);
		by_heading = property_at(t, s, e, id, &ts, &te);
	}
	for (n = md_walk_next(root, root, 0); n; n = md_walk_next(root, n, 0)) {
		enum md_type type = md_node_type(n);
		size_t s, e, ts, te, ls, le;
		char id[REQ_ID_MAX];

		if (type != MD_HEADING && type != MD_PARAGRAPH)
			continue;
		md_node_range(md, n, &s, &e);
		if (type == MD_HEADING) {
			struct design_section *sec;
			struct sw_buf b = SW_BUF_INIT;

			md_node_text(n, &b);
			sw_buf_trim(&b);
			SW_ALLOC_GROW(doc->sections, doc->nsections + 1, doc->asections);
			sec = &doc->sections[doc->nsections++];
			sec->level = md_heading_level(n);
			md_node_pos(md, n, &sec->line, NULL, NULL, NULL);
			sec->title = sw_buf_detach(&b, NULL);
			if (sec->level == 1 && !*doc->title) {
				free(doc->title);
				doc->title = sw_xstrdup(sec->title);
			}
			if (sec->level <= 2)
				cur = NULL;
		}
		if ((type == MD_HEADING || !by_heading) && property_at(t, s, e, id, &ts, &te)) {
			size_t at = skip_markup(t, s, e);

			SW_ALLOC_GROW(doc->props, doc->nprops + 1, doc->aprops);
			cur = &doc->props[doc->nprops++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->id, sizeof(cur->id), "%s", id);
			cur->num = (int)strtol(id, NULL, 10);
			cur->title = sw_xstrndup(t + ts, te - ts);
			md_offset_pos(md, at, &cur->line, &cur->col);
			/* The map only says "seen": property pointers move as the array grows. */
			if (sw_strmap_put(&seen, id, (void *)1))
				md_diag_at(diags, md, path, SW_SEV_ERROR, "design-duplicate-property", at, NULL,
					     "duplicate property %s", id);
			else if (doc->nprops > 1 && !strchr(id, '.') && !strchr(doc->props[doc->nprops - 2].id, '.') &&
				 cur->num != doc->props[doc->nprops - 2].num + 1)
				md_diag_at(diags, md, path, SW_SEV_WARNING, "design-property-numbering", at, NULL,
					     "property %s follows property %s", id, doc->props[doc->nprops - 2].id);
		}
		if (cur && !cur->has_validates && validates_in(t, s, e, &ls, &le)) {
			cur->has_validates = 1;
			any_validates = 1;
			req_refs_parse(&cur->validates, md, ls, le);
		}
	}
	for (i = 0; diags && any_validates && i < doc->nprops; i++)
		if (!doc->props[i].has_validates)
			md_diag_at(diags, md, path, SW_SEV_WARNING, "design-no-validates",
				     md_pos_offset(md, doc->props[i].line, doc->props[i].col),
				     "add '**Validates: Requirements N.M, …**' under it",
				     "property %s names no requirement it validates", doc->props[i].id);
	if (diags && md_doc_len(md) == md_doc_bom(md))
		md_diag_at(diags, md, path, SW_SEV_WARNING, "spec-empty", 0, NULL, "file is empty");
	sw_strmap_release(&seen);
	*out = doc;
	return 0;
}
