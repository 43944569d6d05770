#include "probe/probe_addr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/num.h"

/* One part of a dotted quad: 1-3 digits, no leading zero, at most 255. */
static int probe_addr_part(const char *s, size_t len, uint32_t *acc)
{
	uint64_t v;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return -EINVAL;
	if (num_parse_u64(s, len, 255, &v))
		return -EINVAL;
	*acc = *acc << 8 | (uint32_t)v;
	return 0;
}

/* Parses exactly len bytes. */
static int probe_addr_parse_n(const char *s, size_t len, uint32_t *out)
{
	uint32_t a = 0;
	size_t start = 0, i, parts = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (parts == 4 || probe_addr_part(s + start, i - start, &a))
			return -EINVAL;
		parts++;
		start = i + 1;
	}
	if (parts != 4)
		return -EINVAL;
	*out = a;
	return 0;
}

int probe_addr_parse(const char *s, uint32_t *out)
{
	return probe_addr_parse_n(s, strlen(s), out);
}

void probe_addr_format(uint32_t a, char *out, size_t size)
{
	snprintf(out, size, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff);
}

/* First address and number of addresses of one selector (without its
 * "[proto/port]" part): "A/len", "A-B" or "A". */
static int probe_ts_range(const char *s, size_t len, uint32_t *first, uint64_t *size)
{
	const char *slash = memchr(s, '/', len), *dash = memchr(s, '-', len);
	uint32_t last;
	uint64_t plen;

	if (slash) {
		if (probe_addr_parse_n(s, (size_t)(slash - s), first) ||
		    num_parse_u64(slash + 1, len - (size_t)(slash - s) - 1, 32, &plen))
			return -EINVAL;
		*size = 1ULL << (32 - plen);
		/* charon prints the network address; be safe with host bits */
		*first &= plen ? ~0U << (32 - plen) : 0;
		return 0;
	}
	if (dash) {
		if (probe_addr_parse_n(s, (size_t)(dash - s), first) ||
		    probe_addr_parse_n(dash + 1, len - (size_t)(dash - s) - 1, &last) ||
		    last < *first)
			return -EINVAL;
		*size = (uint64_t)last - *first + 1;
		return 0;
	}
	*size = 1;
	return probe_addr_parse_n(s, len, first);
}

static bool probe_ts_is_v6(const char *s, size_t len)
{
	return memchr(s, ':', len) != NULL;
}

int probe_ts_host(const char *ts, uint64_t offset, uint32_t *out, struct ikw_err *err)
{
	const char *p = ts ? ts : "";
	uint32_t first;
	uint64_t size;

	while (*p) {
		size_t len = strcspn(p, ","), sel = strcspn(p, ",[");

		while (sel && p[sel - 1] == ' ')
			sel--;
		while (sel && *p == ' ')
			p++, sel--, len--;
		if (sel && !probe_ts_is_v6(p, sel)) {
			if (probe_ts_range(p, sel, &first, &size))
				return err_set(err, -EINVAL, "cannot read traffic selector '%.*s'",
					       (int)sel, p);
			if (offset >= size)
				return err_set(err, -ERANGE,
					       "host offset %llu is outside '%.*s' (%llu addresses)",
					       (unsigned long long)offset, (int)sel, p,
					       (unsigned long long)size);
			*out = first + (uint32_t)offset;
			return 0;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return err_set(err, -ENOENT, "no IPv4 traffic selector in '%s'", ts ? ts : "");
}
