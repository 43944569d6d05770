#include "common/utf8.h"

#include <stdint.h>
#include <string.h>

#include "testlib.h"

static void test_seq_len(void)
{
	static const struct { const char *in; size_t left, want; } cases[] = {
		{ "a", 1, 1 },
		{ "\xc3\xa9", 2, 2 },
		{ "\xc3\xa9", 1, 0 },              /* cut short */
		{ "\xe2\x82\xac", 3, 3 },          /* U+20AC */
		{ "\xf0\x9f\x98\x80", 4, 4 },      /* U+1F600 */
		{ "\xf4\x8f\xbf\xbf", 4, 4 },      /* U+10FFFF */
		{ "\xf4\x90\x80\x80", 4, 0 },      /* past U+10FFFF */
		{ "\xc0\xaf", 2, 0 },              /* overlong */
		{ "\xe0\x80\xaf", 3, 0 },          /* overlong */
		{ "\xf0\x80\x80\xaf", 4, 0 },      /* overlong */
		{ "\xed\xa0\x80", 3, 0 },          /* surrogate */
		{ "\xed\x9f\xbf", 3, 3 },          /* U+D7FF */
		{ "\x80", 1, 0 },                  /* lone continuation */
		{ "\xe2\x82", SIZE_MAX, 0 },       /* NUL stops it */
		{ "\xf5\x80\x80\x80", 4, 0 },
		{ "", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(utf8_seq_len((const unsigned char *)cases[i].in, cases[i].left),
			  cases[i].want);
}

int main(void)
{
	RUN(test_seq_len);
	return testlib_done();
}
