#include "parse/xfrm_stat_parse.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "common/num.h"
#include "common/text.h"

#define XS_QUOTE_MAX 32  /* bytes of a bad token repeated in a message */

static bool xs_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool xs_alnum(char c)
{
	return xs_upper(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool xs_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A bad token for a message: cut and sanitized, so that the message stays
 * one short printable line whatever the file holds. */
static const char *xs_quote(char out[XS_QUOTE_MAX + 4], const char *s,
			    size_t len)
{
	size_t n = len > XS_QUOTE_MAX ? XS_QUOTE_MAX : len;

	text_sanitize(out, s, n);
	if (n < len)
		strcat(out, "...");
	return out;
}

/* Length of the token at s: up to the next blank or the end. */
static size_t xs_token(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && !xs_blank(s[i]))
		i++;
	return i;
}

static size_t xs_skip_blanks(const char *s, size_t len, size_t i)
{
	while (i < len && xs_blank(s[i]))
		i++;
	return i;
}

/* Checks the name at the start of the line; returns its length or 0 with
 * err set. */
static size_t xs_name(const char *l, size_t len, size_t line,
		      struct ikw_err *err)
{
	char q[XS_QUOTE_MAX + 4];
	size_t n = 0, tok = xs_token(l, len);

	while (n < len && xs_alnum(l[n]))
		n++;
	if (n == 0 && tok == 0) {
		err_set(err, -EBADMSG, "line %zu: no counter name", line);
		return 0;
	}
	if (n < tok) {
		err_set(err, -EBADMSG, "line %zu: counter name '%s' is not [A-Za-z0-9]",
			line, xs_quote(q, l, tok));
		return 0;
	}
	if (n > XFRM_STAT_NAME_MAX) {
		err_set(err, -EBADMSG, "line %zu: counter name '%s' longer than %d bytes",
			line, xs_quote(q, l, n), XFRM_STAT_NAME_MAX);
		return 0;
	}
	return n;
}

static int xs_value(const char *name, const char *v, size_t vlen, size_t line,
		    uint64_t *out, struct ikw_err *err)
{
	char q[XS_QUOTE_MAX + 4];
	int r;

	if (vlen == 0)
		return err_set(err, -EBADMSG, "line %zu: %s has no value", line, name);
	r = num_parse_u64(v, vlen, UINT64_MAX, out);
	if (r == -ERANGE)
		return err_set(err, -EBADMSG, "line %zu: %s value '%s' is above %llu",
			       line, name, xs_quote(q, v, vlen),
			       (unsigned long long)UINT64_MAX);
	if (r)
		return err_set(err, -EBADMSG, "line %zu: %s value '%s' is not a decimal number",
			       line, name, xs_quote(q, v, vlen));
	return 0;
}

static int xs_store(struct xfrm_stat *out, const char *name, uint64_t v,
		    size_t line, struct ikw_err *err)
{
	struct xfrm_stat_counter *c;
	size_t i;

	for (i = 0; i < out->n; i++)
		if (!strcmp(out->c[i].name, name))
			return err_set(err, -EBADMSG, "line %zu: counter %s seen twice",
				       line, name);
	if (out->n == XFRM_STAT_MAX)
		return err_set(err, -E2BIG, "line %zu: more than %d counters",
			       line, XFRM_STAT_MAX);
	c = &out->c[out->n++];
	memcpy(c->name, name, strlen(name) + 1);
	xfrm_stat_label(c->name, c->label);
	c->value = v;
	return 0;
}

static int xs_line(const char *l, size_t len, size_t line,
		   struct xfrm_stat *out, struct ikw_err *err)
{
	char name[XFRM_STAT_NAME_MAX + 1], q[XS_QUOTE_MAX + 4];
	size_t n, v, vlen, rest;
	uint64_t value;
	int r;

	if (len > XFRM_STAT_LINE_MAX)
		return err_set(err, -EBADMSG, "line %zu: longer than %d bytes",
			       line, XFRM_STAT_LINE_MAX);
	if (memchr(l, '\0', len))
		return err_set(err, -EBADMSG, "line %zu: NUL byte", line);
	if (len == 0)
		return err_set(err, -EBADMSG, "line %zu: empty line", line);
	n = xs_name(l, len, line, err);
	if (n == 0)
		return -EBADMSG;
	memcpy(name, l, n);
	name[n] = '\0';
	v = xs_skip_blanks(l, len, n);
	vlen = xs_token(l + v, len - v);
	r = xs_value(name, l + v, vlen, line, &value, err);
	if (r)
		return r;
	rest = xs_skip_blanks(l, len, v + vlen);
	if (rest < len)
		return err_set(err, -EBADMSG, "line %zu: %s: unexpected '%s' after the value",
			       line, name, xs_quote(q, l + rest, len - rest));
	return xs_store(out, name, value, line, err);
}

int xfrm_stat_parse(const char *buf, size_t len, struct xfrm_stat *out,
		    struct ikw_err *err)
{
	size_t pos = 0, line = 0;
	int r;

	if (!out || (!buf && len))
		return err_set(err, -EINVAL, "xfrm_stat: no input");
	memset(out, 0, sizeof(*out));
	while (pos < len) {
		const char *l = buf + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - l) : len - pos;

		line++;
		pos += llen + (nl != NULL);
		r = xs_line(l, llen, line, out, err);
		if (r)
			return r;
	}
	return 0;
}

/* A word starts at an uppercase letter after a lowercase one or a digit
 * ("InError"), or at the last capital of an acronym run ("MTUError"). */
static bool xs_word_start(const char *s, size_t i, size_t len)
{
	char prev = s[i - 1];

	if (!xs_upper(s[i]))
		return false;
	if (!xs_upper(prev))
		return true;
	return i + 1 < len && s[i + 1] >= 'a' && s[i + 1] <= 'z';
}

int xfrm_stat_label(const char *name, char out[XFRM_STAT_LABEL_MAX + 1])
{
	size_t len, i, start = 0, o = 0;

	out[0] = '\0';
	if (!name)
		return -EINVAL;
	len = strnlen(name, XFRM_STAT_NAME_MAX + 1);
	if (len == 0 || len > XFRM_STAT_NAME_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!xs_alnum(name[i]))
			return -EINVAL;
	/* every kernel counter starts "Xfrm": it says nothing in the label */
	if (len > 4 && !memcmp(name, "Xfrm", 4) && xs_upper(name[4]))
		start = 4;
	for (i = start; i < len; i++) {
		if (i > start && xs_word_start(name, i, len))
			out[o++] = '_';
		out[o++] = xs_upper(name[i]) ? (char)(name[i] - 'A' + 'a') : name[i];
	}
	out[o] = '\0';
	return (int)o;
}
