/* Prometheus exposition writer (pure: appends to a strbuf).
 *   text format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/
 *   OpenMetrics 1.0.0 when negotiated.
 * Callers declare a family, then its samples.  Family names are given without
 * the type's suffix: a COUNTER "ipsec_child_sa_bytes" is exposed as samples
 * "ipsec_child_sa_bytes_total"; an INFO "ipsec_conn" as "ipsec_conn_info"
 * (0.0.4: TYPE gauge with the _info name; OpenMetrics: TYPE info).
 * Label values and HELP text are escaped here and nowhere else. */
#ifndef IKW_EXPO_H
#define IKW_EXPO_H

#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

enum expo_format {
	EXPO_TEXT,        /* text/plain; version=0.0.4 */
	EXPO_OPENMETRICS, /* application/openmetrics-text; version=1.0.0 */
};

enum metric_type {
	METRIC_GAUGE,
	METRIC_COUNTER,
	METRIC_INFO,
	METRIC_HISTOGRAM, /* samples only through expo_histogram() */
};

struct label {
	const char *name;
	const char *value;   /* NULL or "" : the label is omitted */
};

struct expo {
	enum expo_format format;
	struct strbuf *out;
	const char *family;     /* current family's base name */
	enum metric_type type;
	/* Set after expo_init to write only the samples labelled conn="only_conn",
	 * and no HELP or TYPE lines (one conn's series; NULL: everything). */
	const char *only_conn;
};

/* Content-Type header value for a format. */
const char *expo_content_type(enum expo_format f);
/* Chooses the format from an HTTP Accept header (NULL → text).  OpenMetrics
 * only when "application/openmetrics-text" (no version, 1.0.0 or 0.0.1) is
 * named with q > 0 and at least the q that text/plain gets (from the most
 * specific of text/plain, text/ *, * / *); wildcards alone, malformed headers
 * and unknown types give text. */
enum expo_format expo_negotiate(const char *accept);

void expo_init(struct expo *e, enum expo_format f, struct strbuf *out);
/* Writes # HELP (unless help is NULL) and # TYPE for the family.  name is
 * a code constant (asserted valid, without the _total/_info suffix) and must
 * stay valid while its samples are written. */
void expo_family(struct expo *e, const char *name, enum metric_type type,
		 const char *help);
/* One sample of the current family.  Label names are code constants
 * (asserted valid); a NULL or empty value omits the label.  Values: integral
 * doubles up to 2^53 print as integers, others with 15, 16 or 17 significant
 * digits, the fewest that read back as the same double (%g: the C locale's
 * decimal point is assumed); NaN, +Inf, -Inf. */
void expo_sample(struct expo *e, const struct label *labels, size_t nlabels,
		 double value);
void expo_sample_u64(struct expo *e, const struct label *labels,
		     size_t nlabels, uint64_t value);
/* One histogram of the current family (METRIC_HISTOGRAM): NAME_bucket with
 * an `le` label appended to labels (nlabels < 15) for each bound and +Inf,
 * cumulative, then NAME_sum and NAME_count.  counts[i] is the number of
 * observations in (bounds[i-1], bounds[i]], not cumulative; those above the
 * last bound are count minus their sum.  `le` reads as Go's client writes
 * it: "0.25", "1" in text, "1.0" in OpenMetrics. */
struct expo_histogram {
	const double *bounds;
	const uint64_t *counts;
	size_t nbounds;
	uint64_t count;
	double sum;
};
void expo_histogram(struct expo *e, const struct label *labels, size_t nlabels,
		    const struct expo_histogram *h);
/* Ends the exposition ("# EOF" in OpenMetrics; nothing in text). */
void expo_finish(struct expo *e);

/* Escaping, exposed for tests: label value (\\ \" \n) and HELP (\\ \n; and \"
 * in OpenMetrics).  Bytes that are not UTF-8 become U+FFFD, since Prometheus
 * fails the whole scrape on one invalid label value. */
void expo_escape_label_value(struct strbuf *out, const char *s);
void expo_escape_help(struct strbuf *out, enum expo_format f, const char *s);

#endif
