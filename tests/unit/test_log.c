#include "common/log.h"

#include <string.h>

#include "testlib.h"

static void test_escape(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "plain text", "plain text" },
		{ "", "" },
		{ "say \"hi\"", "say \\\"hi\\\"" },
		{ "C:\\dir", "C:\\\\dir" },
		{ "two\nlines\r", "two\\nlines\\r" },
		{ "tab\there", "tab\\there" },
		{ "bell\a del\x7f", "bell\\x07 del\\x7f" },
		{ "\\\"", "\\\\\\\"" },
		{ "utf-8 \xc3\xa9 kept", "utf-8 \xc3\xa9 kept" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];

		CHECK_INT(log_escape(out, sizeof(out), cases[i].in), strlen(cases[i].want));
		CHECK_STR(out, cases[i].want);
	}
}

/* Cut at the capacity, never in the middle of an escape. */
static void test_escape_cut(void)
{
	char out[6];

	CHECK_INT(log_escape(out, sizeof(out), "abcdefgh"), 5);
	CHECK_STR(out, "abcde");
	CHECK_INT(log_escape(out, sizeof(out), "abcd\"x"), 4);
	CHECK_STR(out, "abcd");
	CHECK_INT(log_escape(out, sizeof(out), "ab\x01"), 2);
	CHECK_STR(out, "ab");
	CHECK_INT(log_escape(out, 0, "x"), 0);
}

int main(void)
{
	RUN(test_escape);
	RUN(test_escape_cut);
	return testlib_done();
}
