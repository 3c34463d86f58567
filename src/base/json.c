/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.c - cJSON wrapper: parse with positions, typed getters, path locate.
 */
#include "compat.h"
#include "json.h"
#include "fs.h"

#include <ctype.h>
#include <math.h>

void sw_text_position(const char *text, size_t off, int *line, int *col)
{
	size_t i, bol = 0;
	int ln = 1;

	for (i = 0; i < off; i++)
		if (text[i] == '\n') {
			ln++;
			bol = i + 1;
		}
	*line = ln;
	*col = (int)(off - bol) + 1;
}

int sw_json_parse(cJSON **out, const char *text, size_t len, struct sw_error *err)
{
	const char *end = NULL;
	cJSON *v;
	int line, col;

	*out = NULL;
	if (len > SW_JSON_MAX_DOC)
		return sw_error_set(err, SW_ETOOBIG, "json document exceeds %u bytes", SW_JSON_MAX_DOC);
	/* Skip a UTF-8 byte order mark, which some editors write. */
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		v = NULL;
		if (sw_json_parse(&v, text + 3, len - 3, err) < 0) {
			if (err && err->line == 1)
				err->col += 3;
			return err ? err->code : SW_EINVAL;
		}
		*out = v;
		return 0;
	}
	v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (v && end) {
		const char *p = end;

		while ((size_t)(p - text) < len && isspace((unsigned char)*p))
			p++;
		if ((size_t)(p - text) < len) {
			cJSON_Delete(v);
			v = NULL;
			end = p;
			sw_text_position(text, (size_t)(end - text), &line, &col);
			sw_error_set(err, SW_EINVAL, "unexpected '%c' after the json value", *p);
			sw_error_at(err, NULL, line, col);
			return SW_EINVAL;
		}
	}
	if (!v) {
		const char *ep = end ? end : cJSON_GetErrorPtr();
		size_t off = ep && ep >= text && ep <= text + len ? (size_t)(ep - text) : len;

		sw_text_position(text, off, &line, &col);
		if (off >= len)
			sw_error_set(err, SW_EINVAL, "invalid json: unexpected end of input");
		else
			sw_error_set(err, SW_EINVAL, "invalid json near '%.*s'",
				     (int)(len - off < 12 ? len - off : 12), text + off);
		sw_error_at(err, NULL, line, col);
		return SW_EINVAL;
	}
	*out = v;
	return 0;
}

int sw_json_parse_file(cJSON **out, const char *path, struct sw_error *err)
{
	struct sw_buf b = SW_BUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = sw_read_file(&b, path, SW_JSON_MAX_DOC, err)) < 0)
		goto out;
	if ((rc = sw_json_parse(out, b.ptr, b.len, err)) < 0)
		sw_error_at(err, path, 0, 0);
out:
	sw_buf_release(&b);
	return rc;
}

void sw_json_print(struct sw_buf *b, const cJSON *v, int pretty)
{
	char *s = pretty ? cJSON_Print(v) : cJSON_PrintUnformatted(v);

	if (!s) {
		fprintf(stderr, "specwright: out of memory printing json\n");
		abort();
	}
	sw_buf_adds(b, s);
	cJSON_free(s);
}

const char *sw_json_type_name(const cJSON *v)
{
	if (!v || cJSON_IsInvalid(v))
		return "nothing";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsArray(v))
		return "array";
	return "object";
}

static int plain_key(const char *key)
{
	const char *p = key;

	if (!*p || isdigit((unsigned char)*p))
		return 0;
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '@' && *p != '/')
			return 0;
	return 1;
}

char *sw_json_path_key(const char *parent, const char *key)
{
	struct sw_buf b = SW_BUF_INIT;

	sw_buf_adds(&b, parent ? parent : "$");
	if (plain_key(key)) {
		sw_buf_addf(&b, ".%s", key);
	} else {
		const char *p;

		sw_buf_adds(&b, "['");
		for (p = key; *p; p++) {
			if (*p == '\'' || *p == '\\')
				sw_buf_addch(&b, '\\');
			sw_buf_addch(&b, *p);
		}
		sw_buf_adds(&b, "']");
	}
	return sw_buf_detach(&b, NULL);
}

char *sw_json_path_index(const char *parent, size_t i)
{
	struct sw_buf b = SW_BUF_INIT;

	sw_buf_addf(&b, "%s[%zu]", parent ? parent : "$", i);
	return sw_buf_detach(&b, NULL);
}

static int type_error(struct sw_error *err, const char *path, const char *key, const char *want,
		      const cJSON *found)
{
	char *p = sw_json_path_key(path, key);
	int rc = sw_error_set(err, SW_EINVAL, "%s: expected %s, found %s", p, want,
			      sw_json_type_name(found));

	free(p);
	return rc;
}

static const cJSON *member(const cJSON *obj, const char *key, int required, const char *path,
			   struct sw_error *err, int *rc)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	*rc = 0;
	if (!v && required) {
		char *p = sw_json_path_key(path, key);

		*rc = sw_error_set(err, SW_EINVAL, "%s: missing required field", p);
		free(p);
	}
	return v;
}

int sw_json_get_string(const char **out, const cJSON *obj, const char *key, int required,
		       const char *path, struct sw_error *err)
{
	int rc;
	const cJSON *v = member(obj, key, required, path, err, &rc);

	*out = NULL;
	if (!v)
		return rc;
	if (!cJSON_IsString(v))
		return type_error(err, path, key, "string", v);
	*out = v->valuestring;
	return 0;
}

int sw_json_get_bool(int *out, const cJSON *obj, const char *key, int def, const char *path,
		     struct sw_error *err)
{
	int rc;
	const cJSON *v = member(obj, key, 0, path, err, &rc);

	*out = def;
	if (!v)
		return 0;
	if (!cJSON_IsBool(v))
		return type_error(err, path, key, "boolean", v);
	*out = cJSON_IsTrue(v);
	return 0;
}

int sw_json_get_int(long long *out, const cJSON *obj, const char *key, long long def,
		    const char *path, struct sw_error *err)
{
	int rc;
	const cJSON *v = member(obj, key, 0, path, err, &rc);

	*out = def;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    fabs(v->valuedouble) > 9007199254740992.0)
		return type_error(err, path, key, "integer", v);
	*out = (long long)v->valuedouble;
	return 0;
}

int sw_json_get_object(const cJSON **out, const cJSON *obj, const char *key, int required,
		       const char *path, struct sw_error *err)
{
	int rc;
	const cJSON *v = member(obj, key, required, path, err, &rc);

	*out = NULL;
	if (!v)
		return rc;
	if (!cJSON_IsObject(v))
		return type_error(err, path, key, "object", v);
	*out = v;
	return 0;
}

int sw_json_get_array(const cJSON **out, const cJSON *obj, const char *key, int required,
		      const char *path, struct sw_error *err)
{
	int rc;
	const cJSON *v = member(obj, key, required, path, err, &rc);

	*out = NULL;
	if (!v)
		return rc;
	if (!cJSON_IsArray(v))
		return type_error(err, path, key, "array", v);
	*out = v;
	return 0;
}

int sw_json_get_strings(struct sw_strvec *out, const cJSON *obj, const char *key, int allow_single,
			const char *path, struct sw_error *err)
{
	int rc;
	const cJSON *v = member(obj, key, 0, path, err, &rc), *it;
	size_t i = 0;

	if (!v)
		return 0;
	if (allow_single && cJSON_IsString(v)) {
		sw_strvec_push(out, v->valuestring);
		return 0;
	}
	if (!cJSON_IsArray(v))
		return type_error(err, path, key, allow_single ? "string or array of strings" : "array of strings", v);
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it)) {
			char *kp = sw_json_path_key(path, key);
			char *ip = sw_json_path_index(kp, i);

			rc = sw_error_set(err, SW_EINVAL, "%s: expected string, found %s", ip,
					  sw_json_type_name(it));
			free(kp);
			free(ip);
			return rc;
		}
		sw_strvec_push(out, it->valuestring);
		i++;
	}
	return 0;
}

/* ---- locate ------------------------------------------------------------- */

/*
 * A small scanner over the JSON text: enough to walk to a path.  It
 * accepts what cJSON accepts and gives up (returns NULL) on anything else.
 */
struct scan {
	const char *p, *end;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && isspace((unsigned char)*s->p))
		s->p++;
}

/* Reads a string token into @out (raw escapes decoded only for \" and \\). */
static int scan_string(struct scan *s, struct sw_buf *out)
{
	if (s->p >= s->end || *s->p != '"')
		return -1;
	s->p++;
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\' && s->p + 1 < s->end) {
			s->p++;
			if (out)
				sw_buf_addch(out, *s->p == 'n' ? '\n' : *s->p == 't' ? '\t' : *s->p);
		} else if (out) {
			sw_buf_addch(out, *s->p);
		}
		s->p++;
	}
	if (s->p >= s->end)
		return -1;
	s->p++;
	return 0;
}

static int skip_value(struct scan *s, int depth)
{
	skip_ws(s);
	if (s->p >= s->end || depth > 512)
		return -1;
	if (*s->p == '"')
		return scan_string(s, NULL);
	if (*s->p == '{' || *s->p == '[') {
		char close = *s->p == '{' ? '}' : ']';
		int obj = *s->p == '{';

		s->p++;
		skip_ws(s);
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return 0;
		}
		for (;;) {
			if (obj) {
				skip_ws(s);
				if (scan_string(s, NULL) < 0)
					return -1;
				skip_ws(s);
				if (s->p >= s->end || *s->p != ':')
					return -1;
				s->p++;
			}
			if (skip_value(s, depth + 1) < 0)
				return -1;
			skip_ws(s);
			if (s->p < s->end && *s->p == ',') {
				s->p++;
				continue;
			}
			if (s->p < s->end && *s->p == close) {
				s->p++;
				return 0;
			}
			return -1;
		}
	}
	while (s->p < s->end && !strchr(",]} \t\r\n", *s->p))
		s->p++;
	return 0;
}

int sw_json_path_step(const char **path, struct sw_buf *key, long *index)
{
	const char *p = *path;

	*index = -1;
	sw_buf_reset(key);
	if (*p == '.') {
		p++;
		while (*p && *p != '.' && *p != '[')
			sw_buf_addch(key, *p++);
	} else if (p[0] == '[' && p[1] == '\'') {
		p += 2;
		while (*p && *p != '\'') {
			if (*p == '\\' && p[1])
				p++;
			sw_buf_addch(key, *p++);
		}
		if (*p != '\'' || p[1] != ']')
			return -1;
		p += 2;
	} else if (*p == '[') {
		char *e;

		*index = strtol(p + 1, &e, 10);
		if (*e != ']' || *index < 0)
			return -1;
		p = e + 1;
	} else {
		return -1;
	}
	*path = p;
	return 0;
}

int sw_json_locate(const char *text, size_t len, const char *path, int key_pos, int *line, int *col)
{
	struct scan s = { text, text + len };
	struct sw_buf key = SW_BUF_INIT, k = SW_BUF_INIT;
	const char *target = s.p, *keyat = NULL;
	long index;
	int rc = SW_ENOTFOUND;

	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		s.p += 3;
	if (path[0] != '$')
		goto out;
	path++;
	skip_ws(&s);
	target = s.p;
	while (*path) {
		if (sw_json_path_step(&path, &key, &index) < 0)
			goto out;
		skip_ws(&s);
		if (index < 0) {
			int found = 0;

			if (s.p >= s.end || *s.p != '{')
				goto out;
			s.p++;
			for (;;) {
				skip_ws(&s);
				if (s.p < s.end && *s.p == '}')
					goto out;
				keyat = s.p;
				sw_buf_reset(&k);
				if (scan_string(&s, &k) < 0)
					goto out;
				skip_ws(&s);
				if (s.p >= s.end || *s.p != ':')
					goto out;
				s.p++;
				skip_ws(&s);
				if (k.len == key.len && !memcmp(k.ptr, key.ptr, k.len)) {
					found = 1;
					break;
				}
				if (skip_value(&s, 0) < 0)
					goto out;
				skip_ws(&s);
				if (s.p < s.end && *s.p == ',')
					s.p++;
			}
			if (!found)
				goto out;
		} else {
			long i;

			if (s.p >= s.end || *s.p != '[')
				goto out;
			s.p++;
			keyat = NULL;
			for (i = 0; i < index; i++) {
				skip_ws(&s);
				if (s.p < s.end && *s.p == ']')
					goto out;
				if (skip_value(&s, 0) < 0)
					goto out;
				skip_ws(&s);
				if (s.p >= s.end || *s.p != ',')
					goto out;
				s.p++;
			}
			skip_ws(&s);
			if (s.p < s.end && *s.p == ']')
				goto out;
		}
		target = s.p;
	}
	sw_text_position(text, (size_t)((key_pos && keyat ? keyat : target) - text), line, col);
	rc = 0;
out:
	sw_buf_release(&key);
	sw_buf_release(&k);
	return rc;
}

int sw_json_find_nul(const char *text, size_t len, size_t *off)
{
	size_t i = 0;
	int in_str = 0;

	while (i < len) {
		char c = text[i];

		if (!in_str) {
			in_str = c == '"';
			i++;
		} else if (c == '"') {
			in_str = 0;
			i++;
		} else if (c == '\\' && i + 1 < len) {
			if (text[i + 1] == 'u' && i + 6 <= len && !memcmp(text + i + 2, "0000", 4)) {
				*off = i;
				return 1;
			}
			i += text[i + 1] == 'u' ? 6 : 2;
		} else {
			i++;
		}
	}
	return 0;
}
