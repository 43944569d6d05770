#include "common/num.h"

#include <errno.h>
#include <string.h>

int num_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s || len == 0 || len > 20)
		return len > 20 ? -ERANGE : -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int num_parse_u64_str(const char *s, uint64_t max, uint64_t *out)
{
	return num_parse_u64(s, s ? strlen(s) : 0, max, out);
}

static int unit_ms(const char *u, size_t len, uint64_t *ms)
{
	static const struct { const char *name; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) == len && !memcmp(u, units[i].name, len)) {
			*ms = units[i].ms;
			return 0;
		}
	}
	return -EINVAL;
}

int num_parse_duration_ms(const char *s, uint64_t max_ms, uint64_t *out_ms)
{
	uint64_t total = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	while (*p) {
		const char *num = p, *unit;
		uint64_t v, mult = 1000;
		int r;

		while (*p >= '0' && *p <= '9')
			p++;
		unit = p;
		while (*p && !(*p >= '0' && *p <= '9'))
			p++;
		r = num_parse_u64(num, (size_t)(unit - num), UINT64_MAX, &v);
		if (r)
			return r;
		if (p > unit && unit_ms(unit, (size_t)(p - unit), &mult))
			return -EINVAL;
		if (p == unit && unit != s + strlen(s))
			return -EINVAL;
		if (v > (UINT64_MAX - total) / mult)
			return -ERANGE;
		total += v * mult;
	}
	if (total > max_ms)
		return -ERANGE;
	*out_ms = total;
	return 0;
}
