#include <errno.h>
#include <string.h>

#include "common/num.h"
#include "common/text.h"
#include "testlib.h"

static void test_u64_strict(void)
{
	static const struct { const char *in; uint64_t max; int rc; uint64_t v; } t[] = {
		{ "0", 10, 0, 0 }, { "10", 10, 0, 10 }, { "11", 10, -ERANGE, 0 },
		{ "", 10, -EINVAL, 0 }, { " 1", 10, -EINVAL, 0 }, { "1 ", 10, -EINVAL, 0 },
		{ "+1", 10, -EINVAL, 0 }, { "-1", 10, -EINVAL, 0 }, { "0x1", 10, -EINVAL, 0 },
		{ "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", UINT64_MAX, -ERANGE, 0 },
		{ "99999999999999999999999", UINT64_MAX, -ERANGE, 0 },
		{ "12abc", UINT64_MAX, -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 0;

		CHECK_INT(num_parse_u64_str(t[i].in, t[i].max, &v), t[i].rc);
		if (t[i].rc == 0)
			CHECK_U64(v, t[i].v);
	}
}

static void test_duration(void)
{
	static const struct { const char *in; int rc; uint64_t ms; } t[] = {
		{ "10s", 0, 10000 }, { "500ms", 0, 500 }, { "1m30s", 0, 90000 },
		{ "2h", 0, 7200000 }, { "5", 0, 5000 }, { "", -EINVAL, 0 },
		{ "s", -EINVAL, 0 }, { "10x", -EINVAL, 0 }, { "-1s", -EINVAL, 0 },
		{ "1.5s", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 0;

		CHECK_INT(num_parse_duration_ms(t[i].in, UINT64_MAX, &v), t[i].rc);
		if (t[i].rc == 0)
			CHECK_U64(v, t[i].ms);
	}
}

static void test_text_sanitize(void)
{
	static const struct { const char *in; size_t len; const char *out; } t[] = {
		{ "plain", 5, "plain" },
		{ "a\nb", 3, "a?b" },
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9" },
		{ "bad\xff", 4, "bad?" },
		{ "\xc3", 1, "?" },             /* truncated sequence */
		{ "\xe0\x80\x80", 3, "???" },   /* overlong */
		{ "\xed\xa0\x80", 3, "???" },   /* surrogate */
		{ "nul\0x", 5, "nul?x" },
	};
	char out[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		text_sanitize(out, t[i].in, t[i].len);
		CHECK_STR(out, t[i].out);
	}
}

int main(void)
{
	RUN(test_u64_strict);
	RUN(test_duration);
	RUN(test_text_sanitize);
	return testlib_done();
}
