#include "common/text.h"

#include "common/utf8.h"

size_t text_sanitize(char *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (i < len) {
		size_t n = utf8_seq_len(p + i, len - i);

		if (n == 0 || (n == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
			out[o++] = '?';
			i++;
			continue;
		}
		while (n--)
			out[o++] = (char)p[i++];
	}
	out[o] = '\0';
	return o;
}

/* Whether the n-byte sequence at p is a C0/C1 control or DEL. */
static int text_is_control(const unsigned char *p, size_t n)
{
	if (n == 1)
		return p[0] < 0x20 || p[0] == 0x7f;
	return n == 2 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
}

size_t text_for_terminal(char *out, const char *s, size_t len, int keep_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	while (i < len) {
		size_t n = utf8_seq_len(p + i, len - i);

		if (n == 0 || (text_is_control(p + i, n) && !(keep_newlines && p[i] == '\n'))) {
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
