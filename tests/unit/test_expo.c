#include "metrics/expo.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"

static void expo_test_write_sample_set(struct expo *e)
{
	const struct label up_a[] = { { "conn", "a" } };
	const struct label up_b[] = { { "conn", "b" }, { "child", "" },
				      { "peer", NULL } };
	const struct label bytes[] = { { "conn", "a" }, { "child", "c1" },
				       { "direction", "in" } };
	const struct label info[] = { { "conn", "a" }, { "version", "ikev2" } };

	expo_family(e, "ipsec_up", METRIC_GAUGE, "Whether the tunnel is up.");
	expo_sample(e, up_a, 1, 1);
	expo_sample(e, up_b, 3, 0);
	expo_family(e, "ipsec_child_sa_bytes", METRIC_COUNTER,
		    "Bytes \"through\" a\\b\nc");
	expo_sample_u64(e, bytes, 3, UINT64_MAX);
	expo_family(e, "ipsec_conn", METRIC_INFO, "Static conn info.");
	expo_sample(e, info, 2, 1);
	expo_family(e, "ikewatch_scrape_duration_seconds", METRIC_GAUGE, NULL);
	expo_sample(e, NULL, 0, 0.25);
	expo_finish(e);
}

static void test_text_format(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct expo e;

	expo_init(&e, EXPO_TEXT, &sb);
	expo_test_write_sample_set(&e);
	CHECK(!strbuf_failed(&sb));
	CHECK_STR(strbuf_str(&sb),
		"# HELP ipsec_up Whether the tunnel is up.\n"
		"# TYPE ipsec_up gauge\n"
		"ipsec_up{conn=\"a\"} 1\n"
		"ipsec_up{conn=\"b\"} 0\n"
		"# HELP ipsec_child_sa_bytes_total Bytes \"through\" a\\\\b\\nc\n"
		"# TYPE ipsec_child_sa_bytes_total counter\n"
		"ipsec_child_sa_bytes_total{conn=\"a\",child=\"c1\",direction=\"in\"} 18446744073709551615\n"
		"# HELP ipsec_conn_info Static conn info.\n"
		"# TYPE ipsec_conn_info gauge\n"
		"ipsec_conn_info{conn=\"a\",version=\"ikev2\"} 1\n"
		"# TYPE ikewatch_scrape_duration_seconds gauge\n"
		"ikewatch_scrape_duration_seconds 0.25\n");
	strbuf_release(&sb);
}

static void test_openmetrics_format(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct expo e;

	expo_init(&e, EXPO_OPENMETRICS, &sb);
	expo_test_write_sample_set(&e);
	CHECK(!strbuf_failed(&sb));
	CHECK_STR(strbuf_str(&sb),
		"# HELP ipsec_up Whether the tunnel is up.\n"
		"# TYPE ipsec_up gauge\n"
		"ipsec_up{conn=\"a\"} 1\n"
		"ipsec_up{conn=\"b\"} 0\n"
		"# HELP ipsec_child_sa_bytes Bytes \\\"through\\\" a\\\\b\\nc\n"
		"# TYPE ipsec_child_sa_bytes counter\n"
		"ipsec_child_sa_bytes_total{conn=\"a\",child=\"c1\",direction=\"in\"} 18446744073709551615\n"
		"# HELP ipsec_conn Static conn info.\n"
		"# TYPE ipsec_conn info\n"
		"ipsec_conn_info{conn=\"a\",version=\"ikev2\"} 1\n"
		"# TYPE ikewatch_scrape_duration_seconds gauge\n"
		"ikewatch_scrape_duration_seconds 0.25\n"
		"# EOF\n");
	strbuf_release(&sb);
}

static void test_label_escaping(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain", "plain" },
		{ "a\"b", "a\\\"b" },
		{ "a\\b", "a\\\\b" },
		{ "a\nb", "a\\nb" },
		{ "\\\"\n", "\\\\\\\"\\n" },
		{ "trailing\\", "trailing\\\\" },
		{ "Zürich ✓ 東京", "Zürich ✓ 東京" },   /* UTF-8 passes through */
		{ "tab\tcr\r", "tab\tcr\r" },           /* only \\ \" \\n escape */
		{ "{}=,#", "{}=,#" },
		{ "\xF0\x9F\x94\x92 \xC2\xA0\xEF\xBF\xBF", "\xF0\x9F\x94\x92 \xC2\xA0\xEF\xBF\xBF" },
		/* not UTF-8: each bad byte becomes U+FFFD */
		{ "\xFF", "\xEF\xBF\xBD" },
		{ "a\xC3", "a\xEF\xBF\xBD" },                       /* truncated */
		{ "\xC3\x22", "\xEF\xBF\xBD\\\"" },               /* then a quote */
		{ "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD" },       /* overlong */
		{ "\xE0\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" }, /* surrogate */
		{ "\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
		{ "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF" },       /* U+10FFFF */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;

		expo_escape_label_value(&sb, cases[i].in);
		CHECK_STR(strbuf_str(&sb), cases[i].out);
		strbuf_release(&sb);
	}
}

/* A peer-controlled value must not be able to close the label set or start
 * a new line (a forged series). */
static void test_hostile_label_value(void)
{
	const struct label l[] = {
		{ "conn", "x\"} 1\nipsec_up{conn=\"forged\"} 1\n#" },
		{ "peer", "C=CH, O=\"Evil\\\", CN=ü" },
	};
	struct strbuf sb = STRBUF_INIT;
	struct expo e;
	const char *s;
	int lines = 0;

	expo_init(&e, EXPO_TEXT, &sb);
	expo_family(&e, "ipsec_up", METRIC_GAUGE, "h");
	expo_sample(&e, l, 2, 1);
	for (s = strbuf_str(&sb); *s; s++)
		lines += *s == '\n';
	CHECK_INT(lines, 3);
	CHECK(strstr(strbuf_str(&sb),
		"ipsec_up{conn=\"x\\\"} 1\\nipsec_up{conn=\\\"forged\\\"} 1\\n#\","
		"peer=\"C=CH, O=\\\"Evil\\\\\\\", CN=ü\"} 1\n") != NULL);
	strbuf_release(&sb);
}

static void test_help_escaping(void)
{
	static const struct {
		enum expo_format f;
		const char *in, *out;
	} cases[] = {
		{ EXPO_TEXT, "plain text", "plain text" },
		{ EXPO_TEXT, "a\\b", "a\\\\b" },
		{ EXPO_TEXT, "line1\nline2", "line1\\nline2" },
		{ EXPO_TEXT, "say \"hi\"", "say \"hi\"" },
		{ EXPO_OPENMETRICS, "say \"hi\"", "say \\\"hi\\\"" },
		{ EXPO_OPENMETRICS, "a\\b\nc", "a\\\\b\\nc" },
		{ EXPO_OPENMETRICS, "µs ✓", "µs ✓" },
		{ EXPO_TEXT, "bad \xFE", "bad \xEF\xBF\xBD" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;

		expo_escape_help(&sb, cases[i].f, cases[i].in);
		CHECK_STR(strbuf_str(&sb), cases[i].out);
		strbuf_release(&sb);
	}
}

static void test_value_formatting(void)
{
	static const struct { double v; const char *out; } cases[] = {
		{ 0, "0" },
		{ -0.0, "0" },
		{ 1, "1" },
		{ -1, "-1" },
		{ 42, "42" },
		{ 0.25, "0.25" },
		{ 0.1, "0.1" },
		{ -2.5, "-2.5" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 123456789012.5, "123456789012.5" },
		{ 1700000000.123, "1700000000.123" },
		{ 9007199254740991.0, "9007199254740991" },
		{ 9007199254740992.0, "9007199254740992" },
		{ -9007199254740992.0, "-9007199254740992" },
		{ 9007199254740994.0, "9007199254740994" },
		{ 1e17, "1e+17" },
		{ 1152921504606846976.0, "1.152921504606847e+18" },
		{ 1e300, "1e+300" },
		{ 1.5e-7, "1.5e-07" },
		{ DBL_MAX, "1.7976931348623157e+308" },
		{ 5e-324, "4.94065645841247e-324" },
		{ NAN, "NaN" },
		{ INFINITY, "+Inf" },
		{ -INFINITY, "-Inf" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		struct expo e;
		char want[128];

		expo_init(&e, EXPO_TEXT, &sb);
		e.family = "m";
		e.type = METRIC_GAUGE;
		expo_sample(&e, NULL, 0, cases[i].v);
		snprintf(want, sizeof(want), "m %s\n", cases[i].out);
		CHECK_STR(strbuf_str(&sb), want);
		strbuf_release(&sb);
	}
}

static void test_u64_values(void)
{
	static const struct { uint64_t v; const char *out; } cases[] = {
		{ 0, "c_total 0\n" },
		{ 9007199254740993ULL, "c_total 9007199254740993\n" },
		{ UINT64_MAX, "c_total 18446744073709551615\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		struct expo e;

		expo_init(&e, EXPO_OPENMETRICS, &sb);
		e.family = "c";
		e.type = METRIC_COUNTER;
		expo_sample_u64(&e, NULL, 0, cases[i].v);
		CHECK_STR(strbuf_str(&sb), cases[i].out);
		strbuf_release(&sb);
	}
}

static void test_negotiate(void)
{
	static const struct { const char *accept; enum expo_format f; } cases[] = {
		{ NULL, EXPO_TEXT },
		{ "", EXPO_TEXT },
		/* Prometheus 2.x */
		{ "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
		  "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
		  EXPO_OPENMETRICS },
		/* Prometheus 3.x */
		{ "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
		  "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;"
		  "version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;"
		  "q=0.3,*/*;q=0.2", EXPO_OPENMETRICS },
		/* Prometheus with scrape_protocols text first */
		{ "text/plain;version=0.0.4;q=1,application/openmetrics-text;"
		  "version=1.0.0;q=0.9,*/*;q=0.1", EXPO_TEXT },
		{ "text/plain", EXPO_TEXT },
		{ "text/plain;version=0.0.4", EXPO_TEXT },
		{ "application/openmetrics-text", EXPO_OPENMETRICS },
		{ "APPLICATION/OpenMetrics-Text", EXPO_OPENMETRICS },
		{ "application/openmetrics-text; version=1.0.0", EXPO_OPENMETRICS },
		{ "application/openmetrics-text;charset=utf-8;version=\"1.0.0\"",
		  EXPO_OPENMETRICS },
		{ "application/openmetrics-text;version=1.0.0;q=0", EXPO_TEXT },
		{ "application/openmetrics-text;q=0.000", EXPO_TEXT },
		{ "application/openmetrics-text;q=0.001", EXPO_OPENMETRICS },
		{ "application/openmetrics-text;q=0.5,text/plain;q=0.6", EXPO_TEXT },
		{ "application/openmetrics-text;q=0.5,text/plain;q=0.5", EXPO_OPENMETRICS },
		{ "application/openmetrics-text, text/plain", EXPO_OPENMETRICS },
		{ "text/plain;q=0, application/openmetrics-text;q=0.1", EXPO_OPENMETRICS },
		{ "application/openmetrics-text;q=0.5,*/*", EXPO_TEXT },
		/* the specific text/plain range wins over text/ * */
		{ "application/openmetrics-text;q=0.6,text/plain;q=0.3,text/*;q=0.9",
		  EXPO_OPENMETRICS },
		{ "*/*", EXPO_TEXT },
		{ "application/*", EXPO_TEXT },
		{ "application/openmetrics-text;version=2.0.0", EXPO_TEXT },
		{ "application/openmetrics-textx", EXPO_TEXT },
		{ "application/openmetrics-text;q=2", EXPO_TEXT },
		{ "application/openmetrics-text;q=1.5", EXPO_TEXT },
		{ "application/openmetrics-text;q=0.5;version", EXPO_TEXT },
		{ "application/openmetrics-text;q=abc", EXPO_TEXT },
		/* a broken range does not hide the next one */
		{ "foo/bar;=;q=1, application/openmetrics-text", EXPO_OPENMETRICS },
		{ ",, ,application/openmetrics-text,,", EXPO_OPENMETRICS },
		{ "garbage", EXPO_TEXT },
		{ ";;;,,,==\"", EXPO_TEXT },
		{ "application/json", EXPO_TEXT },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum expo_format got = expo_negotiate(cases[i].accept);

		if (got != cases[i].f)
			testlib_fail(__FILE__, __LINE__, "Accept \"%s\": got %d, want %d",
				     cases[i].accept ? cases[i].accept : "(null)",
				     (int)got, (int)cases[i].f);
	}
}

static void test_content_type(void)
{
	CHECK_STR(expo_content_type(EXPO_TEXT),
		  "text/plain; version=0.0.4; charset=utf-8");
	CHECK_STR(expo_content_type(EXPO_OPENMETRICS),
		  "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

int main(void)
{
	RUN(test_text_format);
	RUN(test_openmetrics_format);
	RUN(test_label_escaping);
	RUN(test_hostile_label_value);
	RUN(test_help_escaping);
	RUN(test_value_formatting);
	RUN(test_u64_values);
	RUN(test_negotiate);
	RUN(test_content_type);
	return testlib_done();
}
