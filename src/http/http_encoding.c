#include "http/http_encoding.h"

#include <string.h>
#include <strings.h>

#include "common/qvalue.h"

static const char *http_skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The q of one Accept-Encoding element [s, end): 1000 without a q
 * parameter, -1 if it is malformed. */
static int http_element_q(const char *s, const char *end)
{
	const char *p = s;

	while ((p = memchr(p, ';', (size_t)(end - p))) != NULL) {
		const char *v, *e;

		p = http_skip_ows(p + 1);
		if ((*p != 'q' && *p != 'Q') || p + 1 >= end)
			continue;
		v = http_skip_ows(p + 1);
		if (v >= end || *v != '=')
			continue;
		v = http_skip_ows(v + 1);
		for (e = v; e < end && *e != ' ' && *e != '\t' && *e != ';'; e++)
			;
		return qvalue_parse(v, (size_t)(e - v));
	}
	return 1000;
}

static bool http_coding_is(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && !strncasecmp(s, name, len);
}

bool http_accepts_gzip(const char *ae)
{
	int gzip_q = -1, star_q = -1;
	const char *p = ae;

	while (p && *p) {
		const char *end = strchr(p, ','), *name = http_skip_ows(p);
		size_t len;
		int q;

		if (!end)
			end = p + strlen(p);
		len = strcspn(name, " \t;,");
		if (name + len > end)
			len = 0;
		q = http_element_q(name, end);
		if (q >= 0 && (http_coding_is(name, len, "gzip") ||
			       http_coding_is(name, len, "x-gzip")))
			gzip_q = q > gzip_q ? q : gzip_q;
		else if (q >= 0 && http_coding_is(name, len, "*"))
			star_q = q > star_q ? q : star_q;
		p = *end ? end + 1 : end;
	}
	return gzip_q >= 0 ? gzip_q > 0 : star_q > 0;
}
