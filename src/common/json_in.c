#include "common/json_in.h"

#include <errno.h>
#include <string.h>

#include "common/utf8.h"

struct ji {
	const char *p, *end, *start;
	struct ikw_err *err;
};

static int ji_fail(struct ji *j, const char *why)
{
	return err_set(j->err, -EINVAL, "invalid JSON at byte %zu: %s",
		       (size_t)(j->p - j->start), why);
}

static void ji_ws(struct ji *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool ji_eat(struct ji *j, char c)
{
	ji_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static int ji_hex4(struct ji *j, unsigned *v)
{
	int i;

	*v = 0;
	if (j->end - j->p < 4)
		return ji_fail(j, "short \\u escape");
	for (i = 0; i < 4; i++) {
		char c = *j->p++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return ji_fail(j, "bad \\u escape");
	}
	return 0;
}

/* Appends code point cp (BMP, no surrogates, not NUL) as UTF-8. */
static int ji_put_cp(struct ji *j, char *out, size_t *n, unsigned cp)
{
	unsigned char b[3];
	size_t k, len;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
		return ji_fail(j, "NUL or surrogate escape");
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		len = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		len = 2;
	} else {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		len = 3;
	}
	if (*n + len > JSON_IN_STR_MAX)
		return ji_fail(j, "string too long");
	for (k = 0; k < len; k++)
		out[(*n)++] = (char)b[k];
	return 0;
}

static int ji_escape(struct ji *j, char *out, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned cp;

	if (j->p >= j->end)
		return ji_fail(j, "unterminated escape");
	e = strchr(from, *j->p);
	if (e && *j->p) {
		j->p++;
		return ji_put_cp(j, out, n, (unsigned char)to[e - from]);
	}
	if (*j->p++ != 'u')
		return ji_fail(j, "unknown escape");
	return ji_hex4(j, &cp) ? -EINVAL : ji_put_cp(j, out, n, cp);
}

static int ji_string(struct ji *j, char *out)
{
	size_t n = 0, len;

	if (!ji_eat(j, '"'))
		return ji_fail(j, "expected a string");
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c < 0x20)
			return ji_fail(j, "control character in string");
		if (c == '\\') {
			j->p++;
			if (ji_escape(j, out, &n))
				return -EINVAL;
			continue;
		}
		len = utf8_seq_len((const unsigned char *)j->p, (size_t)(j->end - j->p));
		if (!len)
			return ji_fail(j, "invalid UTF-8");
		if (n + len > JSON_IN_STR_MAX)
			return ji_fail(j, "string too long");
		memcpy(out + n, j->p, len);
		n += len;
		j->p += len;
	}
	if (j->p >= j->end)
		return ji_fail(j, "unterminated string");
	j->p++;
	out[n] = '\0';
	return 0;
}

static int ji_uint(struct ji *j, uint64_t *v)
{
	const char *s = j->p;

	*v = 0;
	if (*j->p == '0' && j->p + 1 < j->end && j->p[1] >= '0' && j->p[1] <= '9')
		return ji_fail(j, "leading zero");
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
		unsigned d = (unsigned)(*j->p - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return ji_fail(j, "number too large");
		*v = *v * 10 + d;
		j->p++;
	}
	if (j->p == s)
		return ji_fail(j, "expected a value");
	if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E'))
		return ji_fail(j, "only unsigned integers are accepted");
	return 0;
}

static bool ji_word(struct ji *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return false;
	j->p += n;
	return true;
}

static int ji_value(struct ji *j, struct json_in_member *m)
{
	ji_ws(j);
	if (j->p >= j->end)
		return ji_fail(j, "expected a value");
	if (*j->p == '"') {
		m->type = JSON_IN_STRING;
		return ji_string(j, m->str);
	}
	if (*j->p == '{' || *j->p == '[')
		return ji_fail(j, "nested values are not accepted");
	if (ji_word(j, "true") || ji_word(j, "false")) {
		m->type = JSON_IN_BOOL;
		m->num = j->p[-1] == 'e' && j->p[-2] == 'u';
		return 0;
	}
	if (ji_word(j, "null")) {
		m->type = JSON_IN_NULL;
		return 0;
	}
	if (*j->p == '-')
		return ji_fail(j, "negative numbers are not accepted");
	m->type = JSON_IN_UINT;
	return ji_uint(j, &m->num);
}

static int ji_member(struct ji *j, struct json_in_object *o)
{
	struct json_in_member *m;

	if (o->n >= JSON_IN_MEMBERS_MAX)
		return ji_fail(j, "too many members");
	m = &o->m[o->n];
	memset(m, 0, sizeof(*m));
	if (ji_string(j, m->key))
		return -EINVAL;
	if (json_in_get(o, m->key))
		return ji_fail(j, "duplicate key");
	if (!ji_eat(j, ':'))
		return ji_fail(j, "expected ':'");
	if (ji_value(j, m))
		return -EINVAL;
	o->n++;
	return 0;
}

int json_in_parse(const char *buf, size_t len, struct json_in_object *out,
		  struct ikw_err *err)
{
	struct ji j = { buf, buf + len, buf, err };

	out->n = 0;
	if (!ji_eat(&j, '{'))
		return ji_fail(&j, "expected an object");
	if (!ji_eat(&j, '}')) {
		do {
			ji_ws(&j);
			if (ji_member(&j, out))
				return -EINVAL;
		} while (ji_eat(&j, ','));
		if (!ji_eat(&j, '}'))
			return ji_fail(&j, "expected ',' or '}'");
	}
	ji_ws(&j);
	if (j.p != j.end)
		return ji_fail(&j, "trailing bytes");
	return 0;
}

const struct json_in_member *json_in_get(const struct json_in_object *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->m[i].key, key))
			return &o->m[i];
	return NULL;
}
