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
};

/* Content-Type header value for a format. */
const char *expo_content_type(enum expo_format f);
/* Chooses the format from an HTTP Accept header (NULL → text).  OpenMetrics
 * only when "application/openmetrics-text" is accepted with q > 0. */
enum expo_format expo_negotiate(const char *accept);

void expo_init(struct expo *e, enum expo_format f, struct strbuf *out);
/* Writes # HELP and # TYPE for the family. */
void expo_family(struct expo *e, const char *name, enum metric_type type,
		 const char *help);
/* One sample of the current family.  Values: integers print exactly; NaN and
 * ±Inf as NaN, +Inf, -Inf. */
void expo_sample(struct expo *e, const struct label *labels, size_t nlabels,
		 double value);
void expo_sample_u64(struct expo *e, const struct label *labels,
		     size_t nlabels, uint64_t value);
/* Ends the exposition ("# EOF" in OpenMetrics; nothing in text). */
void expo_finish(struct expo *e);

/* Escaping, exposed for tests: label value (\\ \" \n) and HELP (\\ \n; and \"
 * in OpenMetrics). */
void expo_escape_label_value(struct strbuf *out, const char *s);
void expo_escape_help(struct strbuf *out, enum expo_format f, const char *s);

#endif
