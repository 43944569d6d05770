#include "common/text.h"

#include "common/utf8.h"

/* Whether the n-byte sequence at p is a C0 control or DEL, or, with c1, a
 * C1 control (U+0080..U+009F). */
static int text_is_control(const unsigned char *p, size_t n, int c1)
{
	if (n == 1)
		return p[0] < 0x20 || p[0] == 0x7f;
	return c1 && n == 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
}

/* Valid UTF-8 kept; invalid bytes and controls (but a kept newline) become
 * '?'.  The one loop under both public filters. */
static size_t text_filter(char *out, const char *s, size_t len, int c1, int keep_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (i < len) {
		size_t n = utf8_seq_len(p + i, len - i);

		if (n == 0 || (text_is_control(p + i, n, c1) && !(keep_newlines && p[i] == '\n'))) {
			out[o++] = '?';
			i += n ? n : 1;
			continue;
		}
		while (n--)
			out[o++] = (char)p[i++];
	}
	out[o] = '\0';
	return o;
}

size_t text_sanitize(char *out, const char *s, size_t len)
{
	return text_filter(out, s, len, 0, 0);
}

size_t text_for_terminal(char *out, const char *s, size_t len, int keep_newlines)
{
	return text_filter(out, s, len, 1, keep_newlines);
}
