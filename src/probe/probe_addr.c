#include "probe/probe_addr.h"

#include <arpa/inet.h>
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

/* A dotted quad of exactly len bytes. */
static int probe_addr_parse_v4(const char *s, size_t len, uint32_t *out)
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

static bool probe_addr_v4_mapped(const uint8_t a[16])
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, mapped, sizeof(mapped));
}

/* An IPv6 address of exactly len bytes.  inet_pton() alone would do, but
 * it needs a NUL-terminated copy, and we want to say no to anything but
 * hex digits, colons and an embedded dotted quad before it looks (a zone
 * id "%eth0" has no meaning in a config shared by hosts).  IPv4-mapped
 * addresses are refused: the IPv4 address says the same, unambiguously. */
static int probe_addr_parse_v6(const char *s, size_t len, uint8_t out[16])
{
	char buf[PROBE_IP_TEXT_MAX];
	size_t i;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (s[i] == '\0' || !strchr("0123456789abcdefABCDEF:.", s[i]))
			return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, out) != 1 || probe_addr_v4_mapped(out))
		return -EINVAL;
	return 0;
}

/* Either family, from exactly len bytes: a colon makes it IPv6. */
static int probe_addr_parse_n(const char *s, size_t len, struct probe_ip *out)
{
	struct probe_ip a = { .family = AF_INET6 };

	if (memchr(s, ':', len)) {
		if (probe_addr_parse_v6(s, len, a.u.v6))
			return -EINVAL;
	} else {
		a.family = AF_INET;
		if (probe_addr_parse_v4(s, len, &a.u.v4))
			return -EINVAL;
	}
	*out = a;
	return 0;
}

int probe_addr_parse(const char *s, struct probe_ip *out)
{
	return probe_addr_parse_n(s, strlen(s), out);
}

void probe_addr_format(const struct probe_ip *a, char *out, size_t size)
{
	char buf[PROBE_IP_TEXT_MAX];
	uint32_t v = a->u.v4;

	if (a->family == AF_INET6 && inet_ntop(AF_INET6, a->u.v6, buf, sizeof(buf)))
		snprintf(out, size, "%s", buf);
	else if (a->family == AF_INET)
		snprintf(out, size, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff,
			 v & 0xff);
	else if (size)
		out[0] = '\0';
}

void probe_addr_format_host(const struct probe_ip *a, char *out, size_t size)
{
	char buf[PROBE_IP_TEXT_MAX];

	probe_addr_format(a, buf, sizeof(buf));
	/* an IPv6 literal's colons would read as the port's */
	snprintf(out, size, a->family == AF_INET6 ? "[%s]" : "%s", buf);
}

void probe_addr_format_port(const struct probe_ip *a, uint16_t port, char *out, size_t size)
{
	char host[PROBE_HOSTPORT_MAX];

	probe_addr_format_host(a, host, sizeof(host));
	snprintf(out, size, "%s:%u", host, port);
}

bool probe_addr_equal(const struct probe_ip *a, const struct probe_ip *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET6)
		return !memcmp(a->u.v6, b->u.v6, sizeof(a->u.v6));
	return a->family != AF_INET || a->u.v4 == b->u.v4;
}

const char *probe_addr_family_name(int family)
{
	return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "no address";
}

socklen_t probe_addr_sockaddr(const struct probe_ip *a, uint16_t port,
			      struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->u.v6, sizeof(a->u.v6));
		return sizeof(*s6);
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	s4->sin_addr.s_addr = htonl(a->u.v4);
	return sizeof(*s4);
}

/* ---- traffic selectors ----------------------------------------------------- */

/* An address as a 128-bit number (IPv4 in lo), for offsets and ranges. */
struct probe_u128 {
	uint64_t hi, lo;
};

static struct probe_u128 probe_u128_of(const struct probe_ip *a)
{
	struct probe_u128 n = { 0, a->u.v4 };
	int i;

	if (a->family != AF_INET6)
		return n;
	n.lo = 0;
	for (i = 0; i < 8; i++) {
		n.hi = n.hi << 8 | a->u.v6[i];
		n.lo = n.lo << 8 | a->u.v6[8 + i];
	}
	return n;
}

static void probe_u128_to(struct probe_u128 n, struct probe_ip *a)
{
	int i;

	if (a->family != AF_INET6) {
		a->u.v4 = (uint32_t)n.lo;
		return;
	}
	for (i = 7; i >= 0; i--) {
		a->u.v6[i] = (uint8_t)n.hi;
		a->u.v6[8 + i] = (uint8_t)n.lo;
		n.hi >>= 8;
		n.lo >>= 8;
	}
}

static bool probe_u128_less(struct probe_u128 a, struct probe_u128 b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

/* a - b, for a >= b, or UINT64_MAX when it does not fit: offsets are 64-bit. */
static uint64_t probe_u128_span(struct probe_u128 a, struct probe_u128 b)
{
	if (a.hi - b.hi - (a.lo < b.lo) != 0)
		return UINT64_MAX;
	return a.lo - b.lo;
}

/* Clears the host bits below a prefix of plen out of bits. */
static struct probe_u128 probe_u128_mask(struct probe_u128 n, unsigned plen, unsigned bits)
{
	unsigned host = bits - plen;

	if (host >= 128)
		return (struct probe_u128){ 0, 0 };
	if (host >= 64) {
		n.lo = 0;
		n.hi &= host == 64 ? ~0ULL : ~0ULL << (host - 64);
	} else if (host > 0) {
		n.lo &= ~0ULL << host;
	}
	return n;
}

/* One selector, without its "[proto/port]" part: "A/len", "A-B" or "A",
 * as its first address and its last offset (hosts - 1, capped at 2^64-1). */
struct probe_ts_sel {
	struct probe_ip first;
	uint64_t last_offset;
};

static int probe_ts_prefix(const char *s, size_t len, const char *slash, struct probe_ts_sel *t)
{
	unsigned bits;
	uint64_t plen;
	struct probe_u128 n;

	if (probe_addr_parse_n(s, (size_t)(slash - s), &t->first))
		return -EINVAL;
	bits = t->first.family == AF_INET6 ? 128 : 32;
	if (num_parse_u64(slash + 1, len - (size_t)(slash - s) - 1, bits, &plen))
		return -EINVAL;
	/* charon prints the network address; be safe with host bits */
	n = probe_u128_mask(probe_u128_of(&t->first), (unsigned)plen, bits);
	probe_u128_to(n, &t->first);
	t->last_offset = bits - plen >= 64 ? UINT64_MAX : (1ULL << (bits - plen)) - 1;
	return 0;
}

static int probe_ts_range(const char *s, size_t len, const char *dash, struct probe_ts_sel *t)
{
	struct probe_ip last;

	if (probe_addr_parse_n(s, (size_t)(dash - s), &t->first) ||
	    probe_addr_parse_n(dash + 1, len - (size_t)(dash - s) - 1, &last) ||
	    last.family != t->first.family ||
	    probe_u128_less(probe_u128_of(&last), probe_u128_of(&t->first)))
		return -EINVAL;
	t->last_offset = probe_u128_span(probe_u128_of(&last), probe_u128_of(&t->first));
	return 0;
}

static int probe_ts_sel_parse(const char *s, size_t len, struct probe_ts_sel *t)
{
	const char *slash = memchr(s, '/', len), *dash = memchr(s, '-', len);

	if (slash)
		return probe_ts_prefix(s, len, slash, t);
	if (dash)
		return probe_ts_range(s, len, dash, t);
	t->last_offset = 0;
	return probe_addr_parse_n(s, len, &t->first);
}

/* The family a selector's text is of, without reading it all. */
static int probe_ts_family(const char *s, size_t len)
{
	return memchr(s, ':', len) ? AF_INET6 : AF_INET;
}

/* The host at offset in the selector s of len bytes. */
static int probe_ts_pick(const char *s, size_t len, uint64_t offset, struct probe_ip *out,
			 struct ikw_err *err)
{
	struct probe_ts_sel t;
	struct probe_u128 n;

	if (probe_ts_sel_parse(s, len, &t))
		return err_set(err, -EINVAL, "cannot read traffic selector '%.*s'", (int)len, s);
	if (offset > t.last_offset)
		return err_set(err, -ERANGE, "host offset %llu is outside '%.*s' (offsets 0 to %llu)",
			       (unsigned long long)offset, (int)len, s,
			       (unsigned long long)t.last_offset);
	n = probe_u128_of(&t.first);
	n.hi += n.lo + offset < n.lo;   /* the carry, within the prefix */
	n.lo += offset;
	*out = t.first;
	probe_u128_to(n, out);
	/* "::/0" reaches them; a target of the other family in disguise */
	if (out->family == AF_INET6 && probe_addr_v4_mapped(out->u.v6))
		return err_set(err, -ERANGE, "host offset %llu in '%.*s' is an IPv4-mapped address",
			       (unsigned long long)offset, (int)len, s);
	return 0;
}

int probe_ts_host(const char *ts, uint64_t offset, int family, struct probe_ip *out,
		  struct ikw_err *err)
{
	const char *p = ts ? ts : "";

	while (*p) {
		size_t len = strcspn(p, ","), sel = strcspn(p, ",[");

		while (sel && p[sel - 1] == ' ')
			sel--;
		while (sel && *p == ' ')
			p++, sel--, len--;
		if (sel && (family == AF_UNSPEC || probe_ts_family(p, sel) == family))
			return probe_ts_pick(p, sel, offset, out, err);
		p += len;
		if (*p == ',')
			p++;
	}
	return err_set(err, -ENOENT, "no %straffic selector in '%s'",
		       family == AF_INET ? "IPv4 " : family == AF_INET6 ? "IPv6 " : "",
		       ts ? ts : "");
}
