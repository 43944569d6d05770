#include "remediate/alertmanager.h"

#include <errno.h>
#include <string.h>

#include "common/utf8.h"

struct am_reader {
	const unsigned char *p, *start, *end;
	struct ikw_err *err;
};

static int am_fail(struct am_reader *r, const char *why)
{
	return err_set(r->err, -EINVAL, "alertmanager payload, byte %zu: %s",
		       (size_t)(r->p - r->start), why);
}

static void am_ws(struct am_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool am_eat(struct am_reader *r, char c)
{
	am_ws(r);
	if (r->p < r->end && *r->p == (unsigned char)c) {
		r->p++;
		return true;
	}
	return false;
}

static int am_hex4(struct am_reader *r, unsigned *v)
{
	unsigned i;

	*v = 0;
	if (r->end - r->p < 4)
		return am_fail(r, "truncated \\u escape");
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
			return am_fail(r, "invalid \\u escape");
	}
	return 0;
}

static bool am_put(char *out, size_t cap, size_t *n, unsigned char c)
{
	if (*n + 1 >= cap)
		return false;
	out[(*n)++] = (char)c;
	return true;
}

static bool am_put_cp(char *out, size_t cap, size_t *n, unsigned cp)
{
	if (cp < 0x80)
		return am_put(out, cap, n, (unsigned char)cp);
	if (cp < 0x800)
		return am_put(out, cap, n, (unsigned char)(0xc0 | cp >> 6)) &&
		       am_put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
	if (cp < 0x10000)
		return am_put(out, cap, n, (unsigned char)(0xe0 | cp >> 12)) &&
		       am_put(out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) &&
		       am_put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
	return am_put(out, cap, n, (unsigned char)(0xf0 | cp >> 18)) &&
	       am_put(out, cap, n, (unsigned char)(0x80 | ((cp >> 12) & 0x3f))) &&
	       am_put(out, cap, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) &&
	       am_put(out, cap, n, (unsigned char)(0x80 | (cp & 0x3f)));
}

/* A string into out (cap bytes with the NUL); too long is an error. */
static int am_string(struct am_reader *r, char *out, size_t cap)
{
	size_t n = 0;

	if (!am_eat(r, '"'))
		return am_fail(r, "expected a string");
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = *r->p;
		unsigned cp, lo;

		if (c < 0x20)
			return am_fail(r, "control character in a string");
		if (c == '\\') {
			if (++r->p >= r->end)
				break;
			c = *r->p++;
			switch (c) {
			case '"': case '\\': case '/': cp = c; break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (am_hex4(r, &cp))
					return -EINVAL;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return am_fail(r, "lone low surrogate");
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
						return am_fail(r, "lone high surrogate");
					r->p += 2;
					if (am_hex4(r, &lo))
						return -EINVAL;
					if (lo < 0xdc00 || lo > 0xdfff)
						return am_fail(r, "invalid surrogate pair");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				if (!cp)
					return am_fail(r, "NUL in a string");
				break;
			default:
				return am_fail(r, "invalid escape");
			}
			if (!am_put_cp(out, cap, &n, cp))
				return am_fail(r, "string too long");
			continue;
		}
		if (c < 0x80) {
			if (!am_put(out, cap, &n, c))
				return am_fail(r, "string too long");
			r->p++;
			continue;
		}
		{
			size_t k = utf8_seq_len(r->p, (size_t)(r->end - r->p)), i;

			if (!k)
				return am_fail(r, "invalid UTF-8");
			for (i = 0; i < k; i++)
				if (!am_put(out, cap, &n, r->p[i]))
					return am_fail(r, "string too long");
			r->p += k;
		}
	}
	if (r->p >= r->end)
		return am_fail(r, "unterminated string");
	r->p++;
	out[n] = '\0';
	return 0;
}

static int am_skip(struct am_reader *r, unsigned depth);

static int am_skip_number(struct am_reader *r)
{
	const unsigned char *s = r->p;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return am_fail(r, "invalid value");
	if (*r->p == '0')
		r->p++;
	else
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return am_fail(r, "invalid number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return am_fail(r, "invalid number");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	return r->p - s > 64 ? am_fail(r, "number too long") : 0;
}

static int am_skip_word(struct am_reader *r, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return am_fail(r, "invalid value");
	r->p += n;
	return 0;
}

/* Walks an object (obj) or array, calling each for every member / item. */
typedef int (*am_member_fn)(struct am_reader *r, const char *key, unsigned depth, void *ctx);

static int am_container(struct am_reader *r, bool obj, unsigned depth, am_member_fn fn, void *ctx)
{
	char key[AM_STRING_MAX + 1];
	size_t n = 0;
	int rc;

	if (depth > AM_DEPTH_MAX)
		return am_fail(r, "nested too deep");
	if (!am_eat(r, obj ? '{' : '['))
		return am_fail(r, obj ? "expected an object" : "expected an array");
	if (am_eat(r, obj ? '}' : ']'))
		return 0;
	do {
		if (++n > AM_MEMBERS_MAX)
			return am_fail(r, "too many members");
		key[0] = '\0';
		if (obj) {
			am_ws(r);
			if ((rc = am_string(r, key, sizeof(key))))
				return rc;
			if (!am_eat(r, ':'))
				return am_fail(r, "expected ':'");
		}
		am_ws(r);
		rc = fn ? fn(r, key, depth + 1, ctx) : am_skip(r, depth + 1);
		if (rc)
			return rc;
	} while (am_eat(r, ','));
	if (!am_eat(r, obj ? '}' : ']'))
		return am_fail(r, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	return 0;
}

static int am_skip(struct am_reader *r, unsigned depth)
{
	char scratch[AM_STRING_MAX + 1];

	am_ws(r);
	if (r->p >= r->end)
		return am_fail(r, "unexpected end");
	switch (*r->p) {
	case '{': return am_container(r, true, depth, NULL, NULL);
	case '[': return am_container(r, false, depth, NULL, NULL);
	case '"': return am_string(r, scratch, sizeof(scratch));
	case 't': return am_skip_word(r, "true");
	case 'f': return am_skip_word(r, "false");
	case 'n': return am_skip_word(r, "null");
	default: return am_skip_number(r);
	}
}

/* A kept label: printable ASCII without '/' or '\\' (it names files). */
static int am_label(struct am_reader *r, char *out, const char *name)
{
	char v[AM_STRING_MAX + 1];
	size_t i;
	int rc;

	if (r->p < r->end && *r->p != '"')
		return am_fail(r, "label values must be strings");
	if ((rc = am_string(r, v, sizeof(v))))
		return rc;
	if (strlen(v) > AM_VALUE_MAX)
		return err_set(r->err, -EINVAL, "alertmanager payload: label %s longer than %d bytes",
			       name, AM_VALUE_MAX);
	for (i = 0; v[i]; i++)
		if (v[i] < 0x21 || v[i] > 0x7e || v[i] == '/' || v[i] == '\\')
			return err_set(r->err, -EINVAL, "alertmanager payload: label %s has a "
				       "character outside printable ASCII or '/' or '\\'", name);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int am_labels_member(struct am_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct am_alert *a = ctx;

	if (!strcmp(key, "alertname"))
		return am_label(r, a->alertname, key);
	if (!strcmp(key, "conn"))
		return am_label(r, a->conn, key);
	if (!strcmp(key, "child"))
		return am_label(r, a->child, key);
	if (r->p < r->end && *r->p != '"')
		return am_fail(r, "label values must be strings");
	return am_skip(r, depth);
}

/* "firing" -> 1, "resolved" -> 0, else -EINVAL. */
static int am_status(struct am_reader *r, bool *firing)
{
	char v[16];

	if (am_string(r, v, sizeof(v)))
		return am_fail(r, "status: want \"firing\" or \"resolved\"");
	if (!strcmp(v, "firing"))
		*firing = true;
	else if (!strcmp(v, "resolved"))
		*firing = false;
	else
		return am_fail(r, "status: want \"firing\" or \"resolved\"");
	return 0;
}

struct am_alert_ctx {
	struct am_alert *a;
	bool have_status, have_labels;
};

static int am_alert_member(struct am_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct am_alert_ctx *c = ctx;

	if (!strcmp(key, "status")) {
		c->have_status = true;
		return am_status(r, &c->a->firing);
	}
	if (!strcmp(key, "labels")) {
		c->have_labels = true;
		return am_container(r, true, depth, am_labels_member, c->a);
	}
	return am_skip(r, depth);
}

static int am_alert_item(struct am_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct am_payload *p = ctx;
	struct am_alert_ctx c;
	int rc;

	(void)key;
	if (p->n >= AM_ALERTS_MAX)
		return err_set(r->err, -EINVAL, "alertmanager payload: more than %d alerts",
			       AM_ALERTS_MAX);
	c = (struct am_alert_ctx){ &p->alerts[p->n], false, false };
	memset(c.a, 0, sizeof(*c.a));
	if ((rc = am_container(r, true, depth, am_alert_member, &c)))
		return rc;
	if (!c.have_status || !c.have_labels || !c.a->alertname[0])
		return err_set(r->err, -EINVAL, "alertmanager payload: alert %zu lacks status, "
			       "labels or labels.alertname", p->n);
	p->n++;
	return 0;
}

struct am_top_ctx {
	struct am_payload *p;
	bool version, status, alerts;
};

static int am_top_member(struct am_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct am_top_ctx *c = ctx;
	char v[16];

	if (!strcmp(key, "version")) {
		if (am_string(r, v, sizeof(v)) || strcmp(v, "4"))
			return err_set(r->err, -EINVAL,
				       "alertmanager payload: want \"version\": \"4\"");
		c->version = true;
		return 0;
	}
	if (!strcmp(key, "status")) {
		c->status = true;
		return am_status(r, &c->p->firing);
	}
	if (!strcmp(key, "alerts")) {
		c->alerts = true;
		return am_container(r, false, depth, am_alert_item, c->p);
	}
	return am_skip(r, depth);
}

int am_parse(const char *buf, size_t len, struct am_payload *out, struct ikw_err *err)
{
	struct am_reader r = { (const unsigned char *)buf, (const unsigned char *)buf,
			       (const unsigned char *)buf + len, err };
	struct am_top_ctx c = { out, false, false, false };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!buf)
		return err_set(err, -EINVAL, "alertmanager payload: empty");
	if ((rc = am_container(&r, true, 1, am_top_member, &c)))
		return rc;
	am_ws(&r);
	if (r.p != r.end)
		return am_fail(&r, "trailing bytes");
	if (!c.version || !c.status || !c.alerts)
		return err_set(err, -EINVAL, "alertmanager payload: want version, status and alerts");
	return 0;
}
