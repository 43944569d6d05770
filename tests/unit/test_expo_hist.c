/* Histograms in the exposition: cumulative buckets, +Inf, _sum and _count,
 * `le` as Go's client writes it in each format, and the TYPE line. */
#include <string.h>

#include "metrics/expo.h"
#include "testlib.h"

static const double bounds[] = { 0.001, 0.5, 1, 2.5 };
static const uint64_t counts[] = { 1, 0, 3, 2 };

static const char *write_hist(struct strbuf *sb, enum expo_format f)
{
	struct label l[] = { { "conn", "a\"b" }, { "child", "" } };
	struct expo_histogram h = { bounds, counts, 4, 7, 3.25 };
	struct expo e;

	expo_init(&e, f, sb);
	expo_family(&e, "x_rtt_seconds", METRIC_HISTOGRAM, "Round trips.");
	expo_histogram(&e, l, 2, &h);
	expo_finish(&e);
	return strbuf_str(sb);
}

static void test_text(void)
{
	struct strbuf sb = STRBUF_INIT;

	CHECK_STR(write_hist(&sb, EXPO_TEXT),
		  "# HELP x_rtt_seconds Round trips.\n"
		  "# TYPE x_rtt_seconds histogram\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"0.001\"} 1\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"0.5\"} 1\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"1\"} 4\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"2.5\"} 6\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"+Inf\"} 7\n"
		  "x_rtt_seconds_sum{conn=\"a\\\"b\"} 3.25\n"
		  "x_rtt_seconds_count{conn=\"a\\\"b\"} 7\n");
	strbuf_release(&sb);
}

static void test_openmetrics(void)
{
	struct strbuf sb = STRBUF_INIT;

	CHECK_STR(write_hist(&sb, EXPO_OPENMETRICS),
		  "# HELP x_rtt_seconds Round trips.\n"
		  "# TYPE x_rtt_seconds histogram\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"0.001\"} 1\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"0.5\"} 1\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"1.0\"} 4\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"2.5\"} 6\n"
		  "x_rtt_seconds_bucket{conn=\"a\\\"b\",le=\"+Inf\"} 7\n"
		  "x_rtt_seconds_sum{conn=\"a\\\"b\"} 3.25\n"
		  "x_rtt_seconds_count{conn=\"a\\\"b\"} 7\n"
		  "# EOF\n");
	strbuf_release(&sb);
}

/* No observations: zero buckets, still a complete histogram. */
static void test_empty(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct expo_histogram h = { bounds, (const uint64_t[]){ 0, 0, 0, 0 }, 4, 0, 0 };
	struct expo e;

	expo_init(&e, EXPO_TEXT, &sb);
	expo_family(&e, "y", METRIC_HISTOGRAM, NULL);
	expo_histogram(&e, NULL, 0, &h);
	CHECK_STR(strbuf_str(&sb),
		  "# TYPE y histogram\n"
		  "y_bucket{le=\"0.001\"} 0\ny_bucket{le=\"0.5\"} 0\ny_bucket{le=\"1\"} 0\n"
		  "y_bucket{le=\"2.5\"} 0\ny_bucket{le=\"+Inf\"} 0\ny_sum 0\ny_count 0\n");
	strbuf_release(&sb);
}

int main(void)
{
	RUN(test_text);
	RUN(test_openmetrics);
	RUN(test_empty);
	return testlib_done();
}
