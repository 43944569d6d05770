#include "logs/log_redact.h"

#include <stdbool.h>
#include <string.h>

#define LOG_REDACT_TOKEN_MAX 256

static bool log_redact_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of the address at s (IPv4 dotted quad or IPv6 with two colons or
 * more), 0 when there is none. */
static size_t log_redact_addr(const char *s)
{
	size_t n = 0, dots = 0, colons = 0, digits = 0;
	bool hexletter = false;

	while (log_redact_hex(s[n]) || s[n] == '.' || s[n] == ':') {
		if (s[n] == '.')
			dots++;
		else if (s[n] == ':')
			colons++;
		else if (s[n] > '9')
			hexletter = true;
		else
			digits++;
		n++;
	}
	while (n && (s[n - 1] == '.' || (s[n - 1] == ':' && colons < 2)))
		n--, dots -= s[n] == '.', colons -= s[n] == ':';
	/* "::" or all eight groups: a time of day (10:50:57) is neither */
	if (colons >= 2 && (memmem(s, n, "::", 2) || colons == 7))
		return n;
	if (dots == 3 && !colons && !hexletter && digits >= 4)
		return n;
	return 0;
}

static void log_redact_token(const struct redact_config *rc, const char *s, size_t n,
			     struct strbuf *out)
{
	char in[LOG_REDACT_TOKEN_MAX + 1], red[REDACT_NAME_MAX + 1];

	if (n > LOG_REDACT_TOKEN_MAX)
		n = LOG_REDACT_TOKEN_MAX;
	memcpy(in, s, n);
	in[n] = '\0';
	redact_whole(rc, in, red, sizeof(red));
	strbuf_addstr(out, red);
}

/* "[...]" at s: its length, 0 if s is not one or holds only digits (a
 * port). */
static size_t log_redact_bracket(const char *s)
{
	const char *end;
	size_t i;

	if (*s != '[' || !(end = strchr(s + 1, ']')))
		return 0;
	for (i = 1; s + i < end; i++)
		if (s[i] < '0' || s[i] > '9')
			return (size_t)(end - s) + 1;
	return 0;
}

/* Whether an address may start at p: not inside a word or number; after
 * "..." (charon's "a[id]...b[id]") it may. */
static bool log_redact_boundary(const char *line, const char *p)
{
	if (p == line)
		return true;
	if (p[-1] == '.')
		return p - line >= 2 && p[-2] == '.';
	return !(log_redact_hex(p[-1]) || p[-1] == ':');
}

void log_redact_line(const struct redact_config *rc, const char *line, struct strbuf *out)
{
	const char *p = line;

	if (!rc || rc->mode == REDACT_NONE) {
		strbuf_addstr(out, line);
		return;
	}
	while (*p) {
		bool boundary = log_redact_boundary(line, p);
		size_t n = boundary ? log_redact_addr(p) : 0, b;
		const char *q;

		if (n) {
			log_redact_token(rc, p, n, out);
			p += n;
			if ((b = log_redact_bracket(p)) > 2) {
				strbuf_addch(out, '[');
				log_redact_token(rc, p + 1, b - 2, out);
				strbuf_addch(out, ']');
				p += b;
			}
		} else if (*p == '\'' && (q = strchr(p + 1, '\'')) && q > p + 1) {
			strbuf_addch(out, '\'');
			log_redact_token(rc, p + 1, (size_t)(q - p - 1), out);
			strbuf_addch(out, '\'');
			p = q + 1;
		} else {
			strbuf_addch(out, *p++);
		}
	}
}
