#include "common/statefile.h"

#include "common/safe_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void statefile_hex(struct strbuf *out, const char *s, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (!len) {
		strbuf_addch(out, '-');
		return;
	}
	for (i = 0; i < len; i++) {
		strbuf_addch(out, digits[(unsigned char)s[i] >> 4]);
		strbuf_addch(out, digits[(unsigned char)s[i] & 15]);
	}
}

static int statefile_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool statefile_unhex(const char *s, size_t len, char *out, size_t size)
{
	size_t i;

	if (len == 1 && s[0] == '-') {
		out[0] = '\0';
		return true;
	}
	if (!len || len % 2 || len / 2 >= size)
		return false;
	for (i = 0; i < len; i += 2) {
		int hi = statefile_hexval(s[i]), lo = statefile_hexval(s[i + 1]);

		if (hi < 0 || lo < 0 || (hi | lo) == 0)
			return false;
		out[i / 2] = (char)(hi << 4 | lo);
	}
	out[len / 2] = '\0';
	return true;
}

bool statefile_split(const char *s, size_t len, struct statefile_line *l)
{
	size_t i, start = 0;

	l->n = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ' ')
			continue;
		if (l->n == STATEFILE_FIELDS_MAX)
			return false;
		l->f[l->n] = s + start;
		l->len[l->n++] = i - start;
		start = i + 1;
	}
	return true;
}

bool statefile_is(const struct statefile_line *l, const char *word)
{
	return l->n && l->len[0] == strlen(word) && !memcmp(l->f[0], word, l->len[0]);
}

int statefile_save(const char *path, const char *buf, size_t len,
		   struct ikw_err *err)
{
	int r = safe_file_replace(path, buf, len, 0600);

	if (r < 0)
		return err_set(err, r, "cannot write '%s': %s", path, strerror(-r));
	return 0;
}

int statefile_parse(const char *buf, size_t len, size_t max, const char *magic,
		    bool (*line_fn)(void *ctx, const char *s, size_t len), void *ctx,
		    const bool *ended, struct ikw_err *err)
{
	size_t pos = 0, line = 0, mlen = strlen(magic);

	if (len > max)
		return err_set(err, -EFBIG, "state file larger than %zu bytes", max);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		line++;
		if (!nl)
			break;   /* a last line without newline: truncated */
		if (line == 1 ? (n != mlen || memcmp(buf, magic, mlen)) :
				!line_fn(ctx, buf + pos, n))
			return err_set(err, -EBADMSG, "line %zu: malformed", line);
		pos += n + 1;
	}
	if (!*ended)
		return err_set(err, -EBADMSG, "truncated (no 'end' line)");
	return 0;
}
