/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.h - JSON over cJSON: parsing with positions, typed getters, locating.
 *
 * cJSON is the shared JSON value type; parsing goes through sw_json_parse()
 * (a size ceiling and line:col on syntax errors) and field access through
 * the typed getters below, whose errors name the JSON path of the value,
 * e.g. "$.hooks.preToolUse[0].command: expected string, found number".
 *
 * cJSON keeps no source positions.  sw_json_locate() recovers the line and
 * column of any path by scanning the text again, so validators can point
 * at the offending value without a second parser model.
 */
#ifndef SW_JSON_H
#define SW_JSON_H

#include "compat.h"
#include "buf.h"
#include "error.h"

#include <cjson/cJSON.h>

#define SW_JSON_MAX_DOC (64u << 20) /* one JSON document read from a file or peer */

/*
 * Parses @len bytes at @text into *@out (caller frees with cJSON_Delete).
 * Trailing white space is allowed, other trailing bytes are an error.
 * Errors: SW_EINVAL with err->line/col at the failing byte; SW_ETOOBIG.
 */
int sw_json_parse(cJSON **out, const char *text, size_t len, struct sw_error *err);
/* Reads and parses a file; errors carry the path. */
int sw_json_parse_file(cJSON **out, const char *path, struct sw_error *err);

/* Appends the compact (or indented) serialisation of @v to @b. */
void sw_json_print(struct sw_buf *b, const cJSON *v, int pretty);

/* "string", "number", ... for messages. */
const char *sw_json_type_name(const cJSON *v);

/* Path building: "$" + ".key" (or "['odd key']") / "[i]". Caller frees. */
char *sw_json_path_key(const char *parent, const char *key);
char *sw_json_path_index(const char *parent, size_t i);

/*
 * Typed getters.  @obj is an object at JSON path @path ("$" for the root).
 * A missing member: if @required, SW_EINVAL "…: missing required field";
 * else returns 0 and leaves *@out at @def / NULL.  A member of the wrong
 * type: SW_EINVAL "$.path.key: expected string, found number".
 * Returned strings and objects are borrowed from @obj.
 */
int sw_json_get_string(const char **out, const cJSON *obj, const char *key, int required,
		       const char *path, struct sw_error *err);
int sw_json_get_bool(int *out, const cJSON *obj, const char *key, int def,
		     const char *path, struct sw_error *err);
int sw_json_get_int(long long *out, const cJSON *obj, const char *key, long long def,
		    const char *path, struct sw_error *err);
int sw_json_get_object(const cJSON **out, const cJSON *obj, const char *key, int required,
		       const char *path, struct sw_error *err);
int sw_json_get_array(const cJSON **out, const cJSON *obj, const char *key, int required,
		      const char *path, struct sw_error *err);
/* An array of strings (a lone string counts as one element when @allow_single). */
int sw_json_get_strings(struct sw_strvec *out, const cJSON *obj, const char *key, int allow_single,
			const char *path, struct sw_error *err);

/*
 * Finds the value at @path ("$", "$.a.b[2]", "$['x y']") in @text and
 * sets *@line and *@col (1-based) to its first byte; with @key_pos, to its key
 * instead.  Returns 0, or SW_ENOTFOUND when the path does not exist or
 * the text is not valid JSON up to it.
 */
int sw_json_locate(const char *text, size_t len, const char *path, int key_pos, int *line, int *col);

/*
 * Parses the next step of a JSON path at *@path (".key", "['key']" or
 * "[N]"), advancing *@path past it: a member sets @key and *@index to -1,
 * an element sets *@index.  Returns 0, or -1 for a malformed step.
 */
int sw_json_path_step(const char **path, struct sw_buf *key, long *index);

/*
 * cJSON decodes "\u0000" inside a string into a NUL byte, so C code sees
 * the string cut there.  Returns 1 and sets *@off to the escape's offset
 * when the JSON text @text (already known to parse) holds one inside a
 * string or a key, else 0.  Servers that take names and paths from peers
 * use it to refuse such messages instead of acting on the cut string.
 */
int sw_json_find_nul(const char *text, size_t len, size_t *off);

/* Line and column (1-based, bytes) of offset @off in @text. */
void sw_text_position(const char *text, size_t off, int *line, int *col);

#endif
