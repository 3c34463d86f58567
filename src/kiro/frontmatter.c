/* SPDX-License-Identifier: Apache-2.0 */
/*
 * frontmatter.c - YAML front matter over libyaml's event parser.
 *
 * The block is cut out of the text first (opening "---" line to closing
 * "---"/"..." line), then fed to libyaml; marks from libyaml are relative
 * to the block, so the block's first line is added back.  The tree is
 * built from events with an explicit stack, so depth is bounded and no
 * recursion depends on the input except the bounded free/convert walks.
 */
#include "base/compat.h"
#include "kiro/frontmatter.h"
#include "base/json.h"

#include <yaml.h>

static struct kiro_fm_node *node_new(enum kiro_fm_kind kind, int line, int col)
{
	struct kiro_fm_node *n = sw_xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->line = line;
	n->col = col;
	return n;
}

static void node_free(struct kiro_fm_node *n)
{
	size_t i;

	if (!n)
		return;
	free(n->value);
	for (i = 0; i < n->nr; i++) {
		if (n->kind == KIRO_FM_SEQ) {
			node_free(n->items[i]);
		} else {
			free(n->pairs[i].key);
			node_free(n->pairs[i].value);
		}
	}
	free(n->items);
	free(n->pairs);
	free(n);
}

void kiro_fm_release(struct kiro_fm *fm)
{
	struct kiro_fm init = KIRO_FM_INIT;

	if (!fm)
		return;
	node_free(fm->root);
	*fm = init;
}

/* Length of the line at @p (without its terminator) and of the terminator. */
static size_t line_len(const char *p, const char *end, size_t *term)
{
	const char *e = memchr(p, '\n', (size_t)(end - p));

	if (!e) {
		*term = 0;
		return (size_t)(end - p);
	}
	*term = 1;
	if (e > p && e[-1] == '\r') {
		(*term)++;
		e--;
	}
	return (size_t)(e - p);
}

/* 1 if the line is exactly @mark, allowing trailing blanks. */
static int is_marker(const char *p, size_t n, const char *mark)
{
	size_t m = strlen(mark);

	if (n < m || memcmp(p, mark, m))
		return 0;
	for (; m < n; m++)
		if (p[m] != ' ' && p[m] != '\t')
			return 0;
	return 1;
}

struct builder {
	struct kiro_fm_node *stack[KIRO_FM_MAX_DEPTH + 1];
	int depth;
	struct kiro_fm_node *root;
	char *pending_key;           /* key waiting for its value in the innermost mapping */
	int key_line, key_col;
	int line_base;               /* file line of the block's first line, minus one */
};

static int attach(struct builder *b, struct kiro_fm_node *n, struct sw_error *err)
{
	struct kiro_fm_node *top;

	if (b->depth == 0) {
		if (b->root) {
			node_free(n);
			return sw_error_set(err, SW_EINVAL, "front matter holds more than one document");
		}
		b->root = n;
		return 0;
	}
	top = b->stack[b->depth - 1];
	if (top->kind == KIRO_FM_SEQ) {
		SW_ALLOC_GROW(top->items, top->nr + 1, top->alloc);
		top->items[top->nr++] = n;
		return 0;
	}
	/* A mapping alternates key, value. */
	if (!b->pending_key) {
		if (n->kind != KIRO_FM_SCALAR) {
			int line = n->line, col = n->col;

			node_free(n);
			sw_error_set(err, SW_EINVAL, "a mapping key must be a plain value");
			sw_error_at(err, NULL, line, col);
			return SW_EINVAL;
		}
		b->pending_key = n->value;
		b->key_line = n->line;
		b->key_col = n->col;
		n->value = NULL;
		node_free(n);
		return 0;
	}
	SW_ALLOC_GROW(top->pairs, top->nr + 1, top->alloc);
	top->pairs[top->nr].key = b->pending_key;
	top->pairs[top->nr].line = b->key_line;
	top->pairs[top->nr].col = b->key_col;
	top->pairs[top->nr].value = n;
	top->nr++;
	b->pending_key = NULL;
	return 0;
}

static int located(struct sw_error *err, const struct builder *b, const yaml_mark_t *m, const char *fmt,
		   const char *arg)
{
	sw_error_set(err, SW_EINVAL, fmt, arg);
	sw_error_at(err, NULL, b->line_base + (int)m->line + 1, (int)m->column + 1);
	return SW_EINVAL;
}

static int build(struct builder *b, const char *yaml, size_t len, struct sw_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		return sw_error_set(err, SW_ERROR, "cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
	while (!done) {
		struct kiro_fm_node *n = NULL;
		int line, col;

		if (!yaml_parser_parse(&parser, &ev)) {
			const yaml_mark_t *m = &parser.problem_mark;

			sw_error_set(err, SW_EINVAL, "invalid YAML in front matter: %s%s%s",
				     parser.problem ? parser.problem : "syntax error",
				     parser.context ? " " : "", parser.context ? parser.context : "");
			sw_error_at(err, NULL, b->line_base + (int)m->line + 1, (int)m->column + 1);
			rc = SW_EINVAL;
			break;
		}
		line = b->line_base + (int)ev.start_mark.line + 1;
		col = (int)ev.start_mark.column + 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_ALIAS_EVENT:
			rc = located(err, b, &ev.start_mark, "YAML aliases are not supported in front matter%s", "");
			break;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.anchor) {
				rc = located(err, b, &ev.start_mark, "YAML anchors are not supported in front matter%s", "");
				break;
			}
			n = node_new(KIRO_FM_SCALAR, line, col);
			n->value = sw_xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			n->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
			rc = attach(b, n, err);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			const unsigned char *anchor = ev.type == YAML_SEQUENCE_START_EVENT
				? ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;

			if (anchor) {
				rc = located(err, b, &ev.start_mark, "YAML anchors are not supported in front matter%s", "");
				break;
			}
			if (b->depth >= KIRO_FM_MAX_DEPTH) {
				rc = located(err, b, &ev.start_mark, "front matter nests deeper than %s levels", "64");
				break;
			}
			n = node_new(ev.type == YAML_SEQUENCE_START_EVENT ? KIRO_FM_SEQ : KIRO_FM_MAP, line, col);
			if (b->depth > 0 && b->stack[b->depth - 1]->kind == KIRO_FM_MAP && !b->pending_key) {
				node_free(n);
				rc = located(err, b, &ev.start_mark, "a mapping key must be a plain value%s", "");
				break;
			}
			/* Attach now so an error later frees it with the tree. */
			if ((rc = attach(b, n, err)) < 0)
				break;
			b->stack[b->depth++] = n;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			b->depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (rc < 0)
			break;
	}
	yaml_parser_delete(&parser);
	free(b->pending_key);
	b->pending_key = NULL;
	return rc;
}

int kiro_fm_parse(struct kiro_fm *out, const char *text, size_t len, struct sw_error *err)
{
	struct builder b;
	const char *p = text, *end = text + len, *block;
	size_t n, term;
	int line = 1, rc;

	kiro_fm_release(out);
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	out->body_off = (size_t)(p - text);
	out->body_line = 1;
	n = line_len(p, end, &term);
	if (!is_marker(p, n, "---"))
		return 0;
	out->present = 1;
	out->open_line = 1;
	p += n + term;
	block = p;
	for (;;) {
		line++;
		if (p >= end) {
			sw_error_set(err, SW_EINVAL, "front matter opened with '---' is not closed");
			sw_error_at(err, NULL, 1, 1);
			return SW_EINVAL;
		}
		n = line_len(p, end, &term);
		if (is_marker(p, n, "---") || is_marker(p, n, "..."))
			break;
		p += n + term;
	}
	memset(&b, 0, sizeof(b));
	b.line_base = 1;
	rc = build(&b, block, (size_t)(p - block), err);
	if (rc < 0) {
		node_free(b.root);
		out->present = 0;
		return rc;
	}
	if (b.root && !(b.root->kind == KIRO_FM_MAP) && !kiro_fm_is_null(b.root)) {
		sw_error_set(err, SW_EINVAL, "front matter must be a mapping of 'key: value' lines, found a %s",
			     kiro_fm_type_name(b.root));
		sw_error_at(err, NULL, b.root->line, b.root->col);
		node_free(b.root);
		out->present = 0;
		return SW_EINVAL;
	}
	if (b.root && b.root->kind != KIRO_FM_MAP) {
		node_free(b.root);
		b.root = NULL;
	}
	out->root = b.root;
	p += n + term;
	out->body_off = (size_t)(p - text);
	out->body_line = line + 1;
	return 0;
}

const struct kiro_fm_pair *kiro_fm_pair(const struct kiro_fm_node *map, const char *key)
{
	size_t i;

	if (!map || map->kind != KIRO_FM_MAP)
		return NULL;
	for (i = map->nr; i-- > 0;)
		if (!strcmp(map->pairs[i].key, key))
			return &map->pairs[i];
	return NULL;
}

const struct kiro_fm_node *kiro_fm_get(const struct kiro_fm_node *map, const char *key)
{
	const struct kiro_fm_pair *p = kiro_fm_pair(map, key);

	return p ? p->value : NULL;
}

int kiro_fm_is_null(const struct kiro_fm_node *n)
{
	return n && n->kind == KIRO_FM_SCALAR && !n->quoted &&
	       (!*n->value || !strcmp(n->value, "~") || !strcmp(n->value, "null") ||
		!strcmp(n->value, "Null") || !strcmp(n->value, "NULL"));
}

static int plain_bool(const struct kiro_fm_node *n, int *v)
{
	static const char *const yes[] = { "true", "True", "TRUE" }, *const no[] = { "false", "False", "FALSE" };
	size_t i;

	if (n->kind != KIRO_FM_SCALAR || n->quoted)
		return 0;
	for (i = 0; i < SW_ARRAY_SIZE(yes); i++) {
		if (!strcmp(n->value, yes[i])) {
			*v = 1;
			return 1;
		}
		if (!strcmp(n->value, no[i])) {
			*v = 0;
			return 1;
		}
	}
	return 0;
}

static int plain_number(const struct kiro_fm_node *n, double *v)
{
	char *e;

	if (n->kind != KIRO_FM_SCALAR || n->quoted || !*n->value)
		return 0;
	if (!strchr("+-0123456789.", n->value[0]))
		return 0;
	errno = 0;
	*v = strtod(n->value, &e);
	return !*e && errno == 0;
}

const char *kiro_fm_type_name(const struct kiro_fm_node *n)
{
	int b;
	double d;

	if (!n)
		return "nothing";
	if (n->kind == KIRO_FM_SEQ)
		return "list";
	if (n->kind == KIRO_FM_MAP)
		return "mapping";
	if (kiro_fm_is_null(n))
		return "null";
	if (plain_bool(n, &b))
		return "boolean";
	if (plain_number(n, &d))
		return "number";
	return "string";
}

static cJSON *to_json(const struct kiro_fm_node *n, int depth)
{
	cJSON *v;
	size_t i;
	int b;
	double d;

	if (depth > KIRO_FM_MAX_DEPTH)
		return cJSON_CreateNull();
	switch (n->kind) {
	case KIRO_FM_SEQ:
		v = cJSON_CreateArray();
		for (i = 0; i < n->nr; i++)
			cJSON_AddItemToArray(v, to_json(n->items[i], depth + 1));
		return v;
	case KIRO_FM_MAP:
		v = cJSON_CreateObject();
		for (i = 0; i < n->nr; i++) {
			cJSON_DeleteItemFromObjectCaseSensitive(v, n->pairs[i].key);
			cJSON_AddItemToObject(v, n->pairs[i].key, to_json(n->pairs[i].value, depth + 1));
		}
		return v;
	case KIRO_FM_SCALAR:
	default:
		if (kiro_fm_is_null(n))
			return cJSON_CreateNull();
		if (plain_bool(n, &b))
			return cJSON_CreateBool(b);
		if (plain_number(n, &d))
			return cJSON_CreateNumber(d);
		return cJSON_CreateString(n->value);
	}
}

cJSON *kiro_fm_to_json(const struct kiro_fm_node *n)
{
	cJSON *v = n ? to_json(n, 0) : cJSON_CreateObject();

	if (!v)
		SW_BUG("cJSON allocation failed");
	return v;
}

int kiro_fm_locate(const struct kiro_fm_node *root, const char *path, int key_pos, int *line, int *col)
{
	struct sw_buf key = SW_BUF_INIT;
	const struct kiro_fm_node *n = root;
	const struct kiro_fm_pair *pair = NULL;
	long index;
	int rc = SW_ENOTFOUND;

	if (!n || path[0] != '$')
		goto out;
	path++;
	while (*path) {
		if (sw_json_path_step(&path, &key, &index) < 0)
			goto out;
		if (index < 0) {
			pair = kiro_fm_pair(n, key.ptr);
			if (!pair)
				goto out;
			n = pair->value;
		} else {
			if (n->kind != KIRO_FM_SEQ || (size_t)index >= n->nr)
				goto out;
			n = n->items[index];
			pair = NULL;
		}
	}
	if (key_pos && pair) {
		*line = pair->line;
		*col = pair->col;
	} else {
		*line = n->line;
		*col = n->col;
	}
	rc = 0;
out:
	sw_buf_release(&key);
	return rc;
}
