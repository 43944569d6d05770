#include "common/utf8.h"

size_t utf8_seq_len(const unsigned char *p, size_t left)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (!left)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		n = 3;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4;
	else
		return 0;
	/* the second byte's range excludes overlong forms, surrogates and
	 * code points past U+10FFFF */
	if (p[0] == 0xE0)
		lo = 0xA0;
	else if (p[0] == 0xED)
		hi = 0x9F;
	else if (p[0] == 0xF0)
		lo = 0x90;
	else if (p[0] == 0xF4)
		hi = 0x8F;
	for (i = 1; i < n; i++) {
		if (i >= left || p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
	}
	return n;
}
