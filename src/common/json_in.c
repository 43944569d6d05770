#include "common/json_in.h"

#include <errno.h>
#include <string.h>

#include "common/utf8.h"

/* ---- the reader ---------------------------------------------------------- */

void json_reader_init(struct json_reader *r, const char *buf, size_t len,
		      const char *what, struct ikw_err *err)
{
	*r = (struct json_reader){
		.p = (const unsigned char *)buf, .start = (const unsigned char *)buf,
		.end = (const unsigned char *)buf + (buf ? len : 0), .what = what,
		.depth_max = 8, .members_max = 256, .string_max = JSON_READER_STRING_MAX,
		.err = err,
	};
}

bool json_reader_peek(struct json_reader *r, char c)
{
	json_reader_ws(r);
	return r->p < r->end && *r->p == (unsigned char)c;
}

bool json_reader_word(struct json_reader *r, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return false;
	r->p += n;
	return true;
}

int json_reader_end(struct json_reader *r)
{
	json_reader_ws(r);
	return r->p == r->end ? 0 : json_reader_fail(r, "trailing bytes");
}

int json_reader_fail(struct json_reader *r, const char *why)
{
	return err_set(r->err, -EINVAL, "%s at byte %zu: %s", r->what,
		       (size_t)(r->p - r->start), why);
}

void json_reader_ws(struct json_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

bool json_reader_eat(struct json_reader *r, char c)
{
	json_reader_ws(r);
	if (r->p < r->end && *r->p == (unsigned char)c) {
		r->p++;
		return true;
	}
	return false;
}

static int json_reader_hex4(struct json_reader *r, unsigned *v)
{
	unsigned i;

	*v = 0;
	if (r->end - r->p < 4)
		return json_reader_fail(r, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		unsigned char c = *r->p++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return json_reader_fail(r, "invalid \\u escape");
	}
	return 0;
}

static bool json_reader_put(char *out, size_t cap, size_t *n, unsigned char c)
{
	if (*n + 1 >= cap)
		return false;
	out[(*n)++] = (char)c;
	return true;
}

static bool json_reader_put_cp(char *out, size_t cap, size_t *n, unsigned cp)
{
	if (cp < 0x80)
		return json_reader_put(out, cap, n, (unsigned char)cp);
	if (cp < 0x800)
		return json_reader_put(out, cap, n, (unsigned char)(0xc0 | cp >> 6)) &&
		       json_reader_put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
	if (cp < 0x10000)
		return json_reader_put(out, cap, n, (unsigned char)(0xe0 | cp >> 12)) &&
		       json_reader_put(out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) &&
		       json_reader_put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
	return json_reader_put(out, cap, n, (unsigned char)(0xf0 | cp >> 18)) &&
	       json_reader_put(out, cap, n, (unsigned char)(0x80 | ((cp >> 12) & 0x3f))) &&
	       json_reader_put(out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) &&
	       json_reader_put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
}

/* A string into out (cap bytes with the NUL); too long is an error. */
int json_reader_string(struct json_reader *r, char *out, size_t cap)
{
	size_t n = 0;

	if (cap > r->string_max + 1)
		cap = r->string_max + 1;
	if (!json_reader_eat(r, '"'))
		return json_reader_fail(r, "expected a string");
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = *r->p;
		unsigned cp, lo;

		if (c < 0x20)
			return json_reader_fail(r, "control character in a string");
		if (c == '\\') {
			if (++r->p >= r->end)
				return json_reader_fail(r, "unterminated escape");
			c = *r->p++;
			switch (c) {
			case '"': case '\\': case '/': cp = c; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (json_reader_hex4(r, &cp))
					return -EINVAL;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return json_reader_fail(r, "NUL or surrogate escape (a lone low surrogate)");
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
						return json_reader_fail(r, "NUL or surrogate escape (a lone high surrogate)");
					r->p += 2;
					if (json_reader_hex4(r, &lo))
						return -EINVAL;
					if (lo < 0xdc00 || lo > 0xdfff)
						return json_reader_fail(r, "NUL or surrogate escape (an invalid surrogate pair)");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				if (!cp)
					return json_reader_fail(r, "NUL or surrogate escape (NUL)");
				break;
			default:
				return json_reader_fail(r, "unknown escape");
			}
			if (!json_reader_put_cp(out, cap, &n, cp))
				return json_reader_fail(r, "string too long");
			continue;
		}
		if (c < 0x80) {
			if (!json_reader_put(out, cap, &n, c))
				return json_reader_fail(r, "string too long");
			r->p++;
			continue;
		}
		{
			size_t k = utf8_seq_len(r->p, (size_t)(r->end - r->p)), i;

			if (!k)
				return json_reader_fail(r, "invalid UTF-8");
			for (i = 0; i < k; i++)
				if (!json_reader_put(out, cap, &n, r->p[i]))
					return json_reader_fail(r, "string too long");
			r->p += k;
		}
	}
	if (r->p >= r->end)
		return json_reader_fail(r, "unterminated string");
	r->p++;
	out[n] = '\0';
	return 0;
}


static int json_reader_skip_number(struct json_reader *r)
{
	const unsigned char *s = r->p;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return json_reader_fail(r, "invalid value");
	if (*r->p == '0')
		r->p++;
	else
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return json_reader_fail(r, "invalid number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return json_reader_fail(r, "invalid number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	return r->p - s > 64 ? json_reader_fail(r, "number too long") : 0;
}

static int json_reader_skip_word(struct json_reader *r, const char *w)
{
	return json_reader_word(r, w) ? 0 : json_reader_fail(r, "invalid value");
}

int json_reader_container(struct json_reader *r, bool obj, unsigned depth, json_member_fn fn, void *ctx)
{
	char key[JSON_READER_STRING_MAX + 1];
	size_t n = 0;
	int rc;

	if (depth > r->depth_max)
		return json_reader_fail(r, "nested too deep");
	if (!json_reader_eat(r, obj ? '{' : '['))
		return json_reader_fail(r, obj ? "expected an object" : "expected an array");
	if (json_reader_eat(r, obj ? '}' : ']'))
		return 0;
	do {
		if (++n > r->members_max)
			return json_reader_fail(r, "too many members");
		key[0] = '\0';
		if (obj) {
			json_reader_ws(r);
			if ((rc = json_reader_string(r, key, r->string_max + 1)))
				return rc;
			if (!json_reader_eat(r, ':'))
				return json_reader_fail(r, "expected ':'");
		}
		json_reader_ws(r);
		rc = fn ? fn(r, key, depth + 1, ctx) : json_reader_skip(r, depth + 1);
		if (rc)
			return rc;
	} while (json_reader_eat(r, ','));
	if (!json_reader_eat(r, obj ? '}' : ']'))
		return json_reader_fail(r, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	return 0;
}

int json_reader_skip(struct json_reader *r, unsigned depth)
{
	char scratch[JSON_READER_STRING_MAX + 1];

	json_reader_ws(r);
	if (r->p >= r->end)
		return json_reader_fail(r, "unexpected end");
	switch (*r->p) {
	case '{': return json_reader_container(r, true, depth, NULL, NULL);
	case '[': return json_reader_container(r, false, depth, NULL, NULL);
	case '"': return json_reader_string(r, scratch, r->string_max + 1);
	case 't': return json_reader_skip_word(r, "true");
	case 'f': return json_reader_skip_word(r, "false");
	case 'n': return json_reader_skip_word(r, "null");
	default: return json_reader_skip_number(r);
	}
}

/* ---- one flat object --------------------------------------------------- */

static int json_in_uint(struct json_reader *r, uint64_t *v)
{
	const unsigned char *s = r->p;

	*v = 0;
	if (*r->p == '0' && r->p + 1 < r->end && r->p[1] >= '0' && r->p[1] <= '9')
		return json_reader_fail(r, "leading zero");
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		unsigned d = (unsigned)(*r->p - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return json_reader_fail(r, "number too large");
		*v = *v * 10 + d;
		r->p++;
	}
	if (r->p == s)
		return json_reader_fail(r, "expected a value");
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
		return json_reader_fail(r, "only unsigned integers are accepted");
	return 0;
}

static int json_in_value(struct json_reader *r, struct json_in_member *m)
{
	json_reader_ws(r);
	if (r->p >= r->end)
		return json_reader_fail(r, "expected a value");
	if (*r->p == '"') {
		m->type = JSON_IN_STRING;
		return json_reader_string(r, m->str, sizeof(m->str));
	}
	if (*r->p == '{' || *r->p == '[')
		return json_reader_fail(r, "nested values are not accepted");
	if (json_reader_word(r, "true") || json_reader_word(r, "false")) {
		m->type = JSON_IN_BOOL;
		m->num = r->p[-1] == 'e' && r->p[-2] == 'u';
		return 0;
	}
	if (json_reader_word(r, "null")) {
		m->type = JSON_IN_NULL;
		return 0;
	}
	if (*r->p == '-')
		return json_reader_fail(r, "negative numbers are not accepted");
	m->type = JSON_IN_UINT;
	return json_in_uint(r, &m->num);
}

static int json_in_member(struct json_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct json_in_object *o = ctx;
	struct json_in_member *m = &o->m[o->n];

	(void)depth;
	if (json_in_get(o, key))
		return json_reader_fail(r, "duplicate key");
	memset(m, 0, sizeof(*m));
	memcpy(m->key, key, strlen(key) + 1);   /* at most string_max bytes */
	if (json_in_value(r, m))
		return -EINVAL;
	o->n++;
	return 0;
}

int json_in_parse(const char *buf, size_t len, struct json_in_object *out,
		  struct ikw_err *err)
{
	struct json_reader r;
	int rc;

	json_reader_init(&r, buf, len, "invalid JSON", err);
	r.depth_max = 1;
	r.members_max = JSON_IN_MEMBERS_MAX;
	r.string_max = JSON_IN_STR_MAX;
	out->n = 0;
	rc = json_reader_container(&r, true, 1, json_in_member, out);
	return rc ? rc : json_reader_end(&r);
}

const struct json_in_member *json_in_get(const struct json_in_object *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->m[i].key, key))
			return &o->m[i];
	return NULL;
}
