#include "common/json_out.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void json_init(struct json_out *j, struct strbuf *sb)
{
	j->sb = sb;
	j->depth = 0;
	j->first[0] = true;
}

void json_escape(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, (char)c);
		} else if (c == '\n') {
			strbuf_addstr(sb, "\\n");
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addstr(sb, "\\u00");
			strbuf_addch(sb, hex[c >> 4]);
			strbuf_addch(sb, hex[c & 15]);
		} else {
			strbuf_addch(sb, (char)c);
		}
	}
}

/* The comma and the key before a value. */
static void json_member(struct json_out *j, const char *key)
{
	if (!j->first[j->depth])
		strbuf_addch(j->sb, ',');
	j->first[j->depth] = false;
	if (key) {
		strbuf_addch(j->sb, '"');
		json_escape(j->sb, key);
		strbuf_addstr(j->sb, "\":");
	}
}

static void json_open(struct json_out *j, const char *key, char c)
{
	json_member(j, key);
	strbuf_addch(j->sb, c);
	assert(j->depth + 1 < JSON_DEPTH_MAX);
	if (j->depth + 1 < JSON_DEPTH_MAX)
		j->first[++j->depth] = true;
}

static void json_close(struct json_out *j, char c)
{
	assert(j->depth > 0);
	if (j->depth > 0)
		j->depth--;
	strbuf_addch(j->sb, c);
}

void json_obj_begin(struct json_out *j, const char *key)
{
	json_open(j, key, '{');
}

void json_obj_end(struct json_out *j)
{
	json_close(j, '}');
}

void json_arr_begin(struct json_out *j, const char *key)
{
	json_open(j, key, '[');
}

void json_arr_end(struct json_out *j)
{
	json_close(j, ']');
}

void json_str(struct json_out *j, const char *key, const char *v)
{
	json_member(j, key);
	if (!v) {
		strbuf_addstr(j->sb, "null");
		return;
	}
	strbuf_addch(j->sb, '"');
	json_escape(j->sb, v);
	strbuf_addch(j->sb, '"');
}

void json_u64(struct json_out *j, const char *key, uint64_t v)
{
	json_member(j, key);
	strbuf_addf(j->sb, "%" PRIu64, v);
}

void json_i64(struct json_out *j, const char *key, int64_t v)
{
	json_member(j, key);
	strbuf_addf(j->sb, "%" PRId64, v);
}

void json_bool(struct json_out *j, const char *key, bool v)
{
	json_member(j, key);
	strbuf_addstr(j->sb, v ? "true" : "false");
}

void json_null(struct json_out *j, const char *key)
{
	json_member(j, key);
	strbuf_addstr(j->sb, "null");
}

void json_number(struct json_out *j, const char *key, const char *digits)
{
	assert(digits[0] && strspn(digits, "0123456789.-") == strlen(digits));
	json_member(j, key);
	strbuf_addstr(j->sb, digits);
}

void json_time_format(char *out, struct timespec t, bool micro)
{
	char day[24];
	unsigned us = (unsigned)((unsigned long)t.tv_nsec % 1000000000UL / 1000);
	struct tm tm;

	gmtime_r(&t.tv_sec, &tm);
	if (!strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
		day[0] = '\0';
	if (micro)
		snprintf(out, JSON_TIME_MAX, "%s.%06uZ", day, us);
	else
		snprintf(out, JSON_TIME_MAX, "%sZ", day);
}
