#include "metrics/expo.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/qvalue.h"
#include "common/utf8.h"

/* Integral doubles up to 2^53 are exact and print without exponent. */
#define EXPO_EXACT_MAX 9007199254740992.0

const char *expo_content_type(enum expo_format f)
{
	if (f == EXPO_OPENMETRICS)
		return "application/openmetrics-text; version=1.0.0; charset=utf-8";
	return "text/plain; version=0.0.4; charset=utf-8";
}

/* ---- Accept negotiation ------------------------------------------------- */

/* One media range of an Accept header, borrowed from the header string. */
struct expo_range {
	const char *type, *subtype, *version;
	size_t type_len, subtype_len, version_len;
	int q;  /* thousandths, 0..1000 */
};

static bool expo_is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *expo_skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *expo_token(const char *p, size_t *len)
{
	const char *s = p;

	while (expo_is_tchar(*p))
		p++;
	*len = (size_t)(p - s);
	return s;
}

/* Parses one "name=value" parameter (value a token or quoted-string) at p,
 * recording q and version into r.  Returns the position after it, or NULL on
 * a syntax error. */
static const char *expo_parse_param(const char *p, struct expo_range *r)
{
	const char *name, *val;
	size_t nlen, vlen;

	name = expo_token(p, &nlen);
	p = expo_skip_ows(name + nlen);
	if (nlen == 0 || *p != '=')
		return NULL;
	p = expo_skip_ows(p + 1);
	if (*p == '"') {
		val = ++p;
		while (*p && *p != '"')
			p += (*p == '\\' && p[1]) ? 2 : 1;
		if (*p != '"')
			return NULL;
		vlen = (size_t)(p - val);
		p++;
	} else {
		val = expo_token(p, &vlen);
		p = val + vlen;
	}
	if (nlen == 1 && (*name == 'q' || *name == 'Q')) {
		r->q = qvalue_parse(val, vlen);
		if (r->q < 0)
			return NULL;
	} else if (nlen == 7 && !strncasecmp(name, "version", 7)) {
		r->version = val;
		r->version_len = vlen;
	}
	return p;
}

/* Parses the media range at p up to the next top-level comma.  Returns the
 * position after that comma (or at the end), and whether r is valid in *ok. */
static const char *expo_parse_range(const char *p, struct expo_range *r,
				    bool *ok)
{
	memset(r, 0, sizeof(*r));
	r->q = 1000;
	*ok = false;
	p = expo_skip_ows(p);
	r->type = expo_token(p, &r->type_len);
	p = r->type + r->type_len;
	if (r->type_len && *p == '/') {
		r->subtype = expo_token(p + 1, &r->subtype_len);
		p = r->subtype + r->subtype_len;
		*ok = r->subtype_len > 0;
	}
	for (p = expo_skip_ows(p); *ok && *p == ';'; p = expo_skip_ows(p)) {
		const char *next = expo_parse_param(expo_skip_ows(p + 1), r);

		if (!next) {
			*ok = false;
			break;
		}
		p = next;
	}
	if (*p != ',' && *p != '\0')
		*ok = false;
	/* resynchronise on the next comma after a syntax error */
	while (*p && *p != ',')
		p++;
	return *p == ',' ? p + 1 : p;
}

static bool expo_span_is(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && !strncasecmp(s, want, len);
}

/* How specifically r names type/subtype with an acceptable version
 * (3 exact, 2 type/ *, 1 * / *, 0 no match). */
static int expo_range_match(const struct expo_range *r, const char *type,
			    const char *subtype, const char *const *versions)
{
	size_t i;

	if (expo_span_is(r->type, r->type_len, "*"))
		return expo_span_is(r->subtype, r->subtype_len, "*") ? 1 : 0;
	if (!expo_span_is(r->type, r->type_len, type))
		return 0;
	if (expo_span_is(r->subtype, r->subtype_len, "*"))
		return 2;
	if (!expo_span_is(r->subtype, r->subtype_len, subtype))
		return 0;
	if (!r->version)
		return 3;
	for (i = 0; versions[i]; i++)
		if (r->version_len == strlen(versions[i]) &&
		    !memcmp(r->version, versions[i], r->version_len))
			return 3;
	return 0;
}

/* Keeps the q of the most specific matching range (RFC 7231 5.3.2); among
 * equally specific ones the highest q. */
static void expo_pref_update(int *best_spec, int *best_q, int spec, int q)
{
	if (spec == 0 || spec < *best_spec)
		return;
	if (spec > *best_spec || q > *best_q)
		*best_q = q;
	*best_spec = spec;
}

enum expo_format expo_negotiate(const char *accept)
{
	static const char *const om_versions[] = { "1.0.0", "0.0.1", NULL };
	static const char *const text_versions[] = { "0.0.4", NULL };
	int om_spec = 0, om_q = 0, text_spec = 0, text_q = 0;
	const char *p = accept;

	if (!accept)
		return EXPO_TEXT;
	while (*p) {
		struct expo_range r;
		bool ok;
		int spec;

		p = expo_parse_range(p, &r, &ok);
		if (!ok)
			continue;
		spec = expo_range_match(&r, "application", "openmetrics-text",
					om_versions);
		/* wildcards never select OpenMetrics: only an explicit ask */
		if (spec == 3)
			expo_pref_update(&om_spec, &om_q, spec, r.q);
		spec = expo_range_match(&r, "text", "plain", text_versions);
		expo_pref_update(&text_spec, &text_q, spec, r.q);
	}
	if (om_q > 0 && om_q >= text_q)
		return EXPO_OPENMETRICS;
	return EXPO_TEXT;
}

/* ---- writer ------------------------------------------------------------- */

/* The checks below run as asserts only (sanitizer build): inline keeps the
 * release build, which defines NDEBUG, from calling them unused. */

static inline bool expo_valid_name(const char *s, bool colon_ok)
{
	size_t i;

	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || (colon_ok && c == ':')))
			return false;
	}
	return true;
}

static inline bool expo_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static const char *expo_sample_suffix(enum metric_type t)
{
	switch (t) {
	case METRIC_COUNTER:
		return "_total";
	case METRIC_INFO:
		return "_info";
	case METRIC_GAUGE:
	case METRIC_HISTOGRAM:
		break;
	}
	return "";
}

void expo_init(struct expo *e, enum expo_format f, struct strbuf *out)
{
	e->format = f;
	e->out = out;
	e->family = NULL;
	e->type = METRIC_GAUGE;
	e->only_conn = NULL;
}

/* Whether a sample with these labels is written (see only_conn). */
static bool expo_wanted(const struct expo *e, const struct label *labels, size_t nlabels)
{
	size_t i;

	if (!e->only_conn)
		return true;
	for (i = 0; i < nlabels; i++)
		if (!strcmp(labels[i].name, "conn") && labels[i].value &&
		    !strcmp(labels[i].value, e->only_conn))
			return true;
	return false;
}

/* Appends s with \\ and \n escaped, and \" too when quote is set.  Bytes
 * that are not UTF-8 become U+FFFD: Prometheus rejects the whole scrape for
 * one invalid label value, and values come from peers. */
static void expo_escape(struct strbuf *out, const char *str, bool quote)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		const unsigned char *run = s;
		size_t n;

		/* the common case: a run of plain ASCII copied in one go */
		while (*s >= 0x20 && *s < 0x7f && *s != '\\' && (*s != '"' || !quote))
			s++;
		if (s > run)
			strbuf_add(out, run, (size_t)(s - run));
		if (!*s)
			break;
		n = utf8_seq_len(s, SIZE_MAX);

		if (*s == '\\')
			strbuf_add(out, "\\\\", 2);
		else if (*s == '\n')
			strbuf_add(out, "\\n", 2);
		else if (*s == '"' && quote)
			strbuf_add(out, "\\\"", 2);
		else if (n == 0)
			strbuf_add(out, "\xEF\xBF\xBD", 3);
		else
			strbuf_add(out, s, n);
		s += n ? n : 1;
	}
}

void expo_escape_label_value(struct strbuf *out, const char *s)
{
	expo_escape(out, s, true);
}

void expo_escape_help(struct strbuf *out, enum expo_format f, const char *s)
{
	expo_escape(out, s, f == EXPO_OPENMETRICS);
}

void expo_family(struct expo *e, const char *name, enum metric_type type,
		 const char *help)
{
	bool om = e->format == EXPO_OPENMETRICS;
	/* text 0.0.4 names the family after its samples; OpenMetrics does not */
	const char *suffix = om ? "" : expo_sample_suffix(type);
	const char *tname;

	assert(expo_valid_name(name, true));
	/* the suffix is added here; a caller-supplied one would be doubled */
	assert(type != METRIC_COUNTER || !expo_has_suffix(name, "_total"));
	assert(type != METRIC_INFO || !expo_has_suffix(name, "_info"));
	e->family = name;
	e->type = type;
	if (e->only_conn)
		return;
	if (type == METRIC_COUNTER)
		tname = "counter";
	else if (type == METRIC_INFO && om)
		tname = "info";
	else if (type == METRIC_HISTOGRAM)
		tname = "histogram";
	else
		tname = "gauge";
	if (help) {
		strbuf_addf(e->out, "# HELP %s%s ", name, suffix);
		expo_escape_help(e->out, e->format, help);
		strbuf_addch(e->out, '\n');
	}
	strbuf_addf(e->out, "# TYPE %s%s %s\n", name, suffix, tname);
}

static void expo_labels(struct expo *e, const struct label *labels,
			size_t nlabels)
{
	bool open = false;
	size_t i;

	for (i = 0; i < nlabels; i++) {
		assert(expo_valid_name(labels[i].name, false) &&
		       strncmp(labels[i].name, "__", 2));
		if (!labels[i].value || !*labels[i].value)
			continue;
		strbuf_addstr(e->out, open ? "," : "{");
		open = true;
		strbuf_addstr(e->out, labels[i].name);
		strbuf_add(e->out, "=\"", 2);
		expo_escape_label_value(e->out, labels[i].value);
		strbuf_addch(e->out, '"');
	}
	if (open)
		strbuf_addch(e->out, '}');
}

static void expo_sample_head(struct expo *e, const struct label *labels,
			     size_t nlabels)
{
	assert(e->family);
	strbuf_addstr(e->out, e->family);
	strbuf_addstr(e->out, expo_sample_suffix(e->type));
	expo_labels(e, labels, nlabels);
	strbuf_addch(e->out, ' ');
}

/* Appends v with the fewest of 15..17 significant digits that parse back to
 * the same double. */
static void expo_format_double(struct strbuf *out, double v)
{
	char buf[40];
	int prec;

	if (isnan(v)) {
		strbuf_addstr(out, "NaN");
		return;
	}
	if (isinf(v)) {
		strbuf_addstr(out, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == floor(v) && fabs(v) <= EXPO_EXACT_MAX) {
		strbuf_addf(out, "%" PRId64, (int64_t)v);
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (prec == 17 || strtod(buf, NULL) == v)
			break;
	}
	strbuf_addstr(out, buf);
}

void expo_sample(struct expo *e, const struct label *labels, size_t nlabels,
		 double value)
{
	if (!expo_wanted(e, labels, nlabels))
		return;
	expo_sample_head(e, labels, nlabels);
	expo_format_double(e->out, value);
	strbuf_addch(e->out, '\n');
}

void expo_sample_u64(struct expo *e, const struct label *labels,
		     size_t nlabels, uint64_t value)
{
	if (!expo_wanted(e, labels, nlabels))
		return;
	expo_sample_head(e, labels, nlabels);
	strbuf_addf(e->out, "%" PRIu64 "\n", value);
}

/* ---- histograms -------------------------------------------------------- */

static void expo_hist_line(struct expo *e, const char *suffix, const struct label *labels,
			   size_t nlabels)
{
	strbuf_addstr(e->out, e->family);
	strbuf_addstr(e->out, suffix);
	expo_labels(e, labels, nlabels);
	strbuf_addch(e->out, ' ');
}

/* An `le` value: integral bounds get ".0" in OpenMetrics, whose parsers
 * compare them as floats written canonically. */
static void expo_hist_le(const struct expo *e, double bound, char *buf, size_t size)
{
	struct strbuf sb = STRBUF_INIT;

	expo_format_double(&sb, bound);
	snprintf(buf, size, "%s%s", strbuf_str(&sb),
		 e->format == EXPO_OPENMETRICS && bound == floor(bound) ? ".0" : "");
	strbuf_release(&sb);
}

void expo_histogram(struct expo *e, const struct label *labels, size_t nlabels,
		    const struct expo_histogram *h)
{
	struct label l[16];
	char le[48];
	uint64_t cum = 0;
	size_t i;

	assert(e->type == METRIC_HISTOGRAM && nlabels < sizeof(l) / sizeof(l[0]));
	if (nlabels >= sizeof(l) / sizeof(l[0]) || !expo_wanted(e, labels, nlabels))
		return;
	if (nlabels)
		memcpy(l, labels, nlabels * sizeof(*l));
	l[nlabels].name = "le";
	l[nlabels].value = le;
	for (i = 0; i < h->nbounds; i++) {
		cum += h->counts[i];
		expo_hist_le(e, h->bounds[i], le, sizeof(le));
		expo_hist_line(e, "_bucket", l, nlabels + 1);
		strbuf_addf(e->out, "%" PRIu64 "\n", cum);
	}
	snprintf(le, sizeof(le), "+Inf");
	expo_hist_line(e, "_bucket", l, nlabels + 1);
	strbuf_addf(e->out, "%" PRIu64 "\n", h->count);
	expo_hist_line(e, "_sum", labels, nlabels);
	expo_format_double(e->out, h->sum);
	strbuf_addch(e->out, '\n');
	expo_hist_line(e, "_count", labels, nlabels);
	strbuf_addf(e->out, "%" PRIu64 "\n", h->count);
}

void expo_finish(struct expo *e)
{
	if (e->format == EXPO_OPENMETRICS)
		strbuf_addstr(e->out, "# EOF\n");
}
