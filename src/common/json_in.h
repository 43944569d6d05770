/* A strict parser for the small JSON objects ikewatch accepts (action
 * requests): one flat object whose values are strings, unsigned integers,
 * true, false or null.  Bytes in, members out, no allocation; nesting,
 * duplicate keys, trailing bytes, control characters, invalid UTF-8 and
 * anything over the bounds are errors with a reason. */
#ifndef IKW_JSON_IN_H
#define IKW_JSON_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

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
