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
