#include "common/ct.h"

#include <string.h>

bool ct_equal(const void *want, size_t wlen, const void *got, size_t glen)
{
	const unsigned char *w = want, *g = got;
	unsigned char diff = wlen != glen;
	size_t i;

	for (i = 0; i < wlen; i++)
		diff |= (unsigned char)(w[i] ^ (i < glen ? g[i] : 0));
	return !diff;
}

bool ct_equal_str(const char *want, const char *got)
{
	return got && ct_equal(want, strlen(want), got, strlen(got));
}
