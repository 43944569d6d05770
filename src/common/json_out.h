/* A small JSON writer into a strbuf: objects and arrays with commas placed
 * for the caller, strings escaped (control bytes as \u00XX; invalid UTF-8
 * is the caller's to avoid: ikewatch's strings are sanitized on the way
 * in).  Depth is bounded; misuse is asserted in the sanitizer build. */
#ifndef IKW_JSON_OUT_H
#define IKW_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/strbuf.h"

#define JSON_DEPTH_MAX 16

struct json_out {
	struct strbuf *sb;
	unsigned depth;
	bool first[JSON_DEPTH_MAX];   /* no member written yet at this depth */
};

void json_init(struct json_out *j, struct strbuf *sb);
void json_obj_begin(struct json_out *j, const char *key);   /* key NULL in arrays */
void json_obj_end(struct json_out *j);
void json_arr_begin(struct json_out *j, const char *key);
void json_arr_end(struct json_out *j);
void json_str(struct json_out *j, const char *key, const char *v);   /* NULL: null */
void json_u64(struct json_out *j, const char *key, uint64_t v);
void json_i64(struct json_out *j, const char *key, int64_t v);
void json_bool(struct json_out *j, const char *key, bool v);
void json_null(struct json_out *j, const char *key);
/* A number the caller formatted (digits, '.', '-' only: asserted). */
void json_number(struct json_out *j, const char *key, const char *digits);
/* t as RFC 3339 in UTC ("2026-12-05T19:00:00Z", with micro: ".123456"
 * before the Z) into out (JSON_TIME_MAX bytes); the JSON lines of the
 * audit and event logs share it. */
#define JSON_TIME_MAX 40
void json_time_format(char *out, struct timespec t, bool micro);
/* Escaped string contents (without quotes), for other writers. */
void json_escape(struct strbuf *sb, const char *s);

#endif
