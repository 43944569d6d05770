/* Reading JSON from untrusted bytes, in two layers:
 *
 *   json_reader  a bounded pull reader (depth, members, string lengths):
 *                strings decoded and checked (escapes, surrogate pairs,
 *                UTF-8, no control characters, no NUL), objects and arrays
 *                walked with a callback per member, anything else skipped
 *                as long as it is valid JSON.  The Alertmanager payload
 *                (remediate/alertmanager.c) is read with it.
 *   json_in      one flat object whose values are strings, unsigned
 *                integers, true, false or null (action requests); nesting,
 *                duplicate keys and trailing bytes are errors.
 *
 * Bytes in, values out, no allocation; every error says where and why. */
#ifndef IKW_JSON_IN_H
#define IKW_JSON_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* ---- the reader ---------------------------------------------------------- */

#define JSON_READER_STRING_MAX 4096   /* the largest string_max */

struct json_reader {
	const unsigned char *p, *start, *end;
	const char *what;          /* errors: "WHAT at byte N: why" */
	unsigned depth_max;        /* nesting of arrays and objects */
	size_t members_max;        /* members of an object, items of an array */
	size_t string_max;         /* decoded bytes of a string or key */
	struct ikw_err *err;
};

/* Bounds start at 8 levels, 256 members, JSON_READER_STRING_MAX bytes;
 * set the fields after this to change them. */
void json_reader_init(struct json_reader *r, const char *buf, size_t len,
		      const char *what, struct ikw_err *err);
/* "WHAT at byte N: why" into r->err; returns -EINVAL. */
int json_reader_fail(struct json_reader *r, const char *why);
/* Skips whitespace. */
void json_reader_ws(struct json_reader *r);
/* Skips whitespace, then c if it is next (true). */
bool json_reader_eat(struct json_reader *r, char c);
/* Whether the next value (after whitespace) starts with c, without taking
 * it. */
bool json_reader_peek(struct json_reader *r, char c);
/* A string value into out (cap bytes with the NUL; longer than cap - 1 or
 * string_max is an error).  0 or -EINVAL. */
int json_reader_string(struct json_reader *r, char *out, size_t cap);
/* Called for each member (key) of an object or item (key "") of an array,
 * with r at its value; must read or skip that value. */
typedef int (*json_member_fn)(struct json_reader *r, const char *key, unsigned depth,
			      void *ctx);
/* Walks an object (obj) or an array at nesting depth (the top is 1);
 * fn NULL skips every value. */
int json_reader_container(struct json_reader *r, bool obj, unsigned depth,
			  json_member_fn fn, void *ctx);
/* Skips any one value at nesting depth. */
int json_reader_skip(struct json_reader *r, unsigned depth);
/* Takes the literal w ("true", ...) if it is next; false otherwise. */
bool json_reader_word(struct json_reader *r, const char *w);
/* Only whitespace left: 0, else "trailing bytes". */
int json_reader_end(struct json_reader *r);

/* ---- one flat object --------------------------------------------------- */

#define JSON_IN_MEMBERS_MAX 16
#define JSON_IN_STR_MAX 255

enum json_in_type { JSON_IN_STRING, JSON_IN_UINT, JSON_IN_BOOL, JSON_IN_NULL };

struct json_in_member {
	char key[JSON_IN_STR_MAX + 1];
	enum json_in_type type;
	char str[JSON_IN_STR_MAX + 1];   /* JSON_IN_STRING, UTF-8, no NUL inside */
	uint64_t num;                    /* JSON_IN_UINT; JSON_IN_BOOL: 0 or 1 */
};

struct json_in_object {
	struct json_in_member m[JSON_IN_MEMBERS_MAX];
	size_t n;
};

/* Returns 0 or -EINVAL with err saying where and why. */
int json_in_parse(const char *buf, size_t len, struct json_in_object *out,
		  struct ikw_err *err);
/* The member named key, or NULL. */
const struct json_in_member *json_in_get(const struct json_in_object *o, const char *key);

#endif
