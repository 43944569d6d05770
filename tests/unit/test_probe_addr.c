/* Probe addresses: strict dotted quads and IPv6 addresses, their text with
 * and without a port, and a target derived from a traffic selector plus a
 * host offset, in both families. */
#include <errno.h>
#include <string.h>

#include "probe/probe_addr.h"
#include "testlib.h"

static void test_parse_v4(void)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4",
		"1..3.4", "a.b.c.d", "1.2.3.-4", "1.2.3.4/32",
	};
	char out[PROBE_IP_TEXT_MAX];
	struct probe_ip a;
	size_t i;

	CHECK_INT(probe_addr_parse("198.19.1.200", &a), 0);
	CHECK_INT(a.family, AF_INET);
	CHECK_U64(a.u.v4, 0xc61301c8);
	probe_addr_format(&a, out, sizeof(out));
	CHECK_STR(out, "198.19.1.200");
	CHECK_INT(probe_addr_parse("0.0.0.0", &a), 0);
	CHECK_INT(probe_addr_parse("255.255.255.255", &a), 0);
	CHECK_U64(a.u.v4, 0xffffffff);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (probe_addr_parse(bad[i], &a) != -EINVAL)
			testlib_fail(__FILE__, __LINE__, "'%s' parsed", bad[i]);
}

/* s parses as IPv6 and prints as want (RFC 5952's canonical text). */
static void v6_ok(const char *s, const char *want)
{
	char out[PROBE_IP_TEXT_MAX];
	struct probe_ip a;

	if (probe_addr_parse(s, &a) || a.family != AF_INET6) {
		testlib_fail(__FILE__, __LINE__, "'%s' not read as IPv6", s);
		return;
	}
	probe_addr_format(&a, out, sizeof(out));
	if (strcmp(out, want))
		testlib_fail(__FILE__, __LINE__, "'%s' prints as '%s', want '%s'", s, out, want);
}

static void test_parse_v6(void)
{
	static const char *const bad[] = {
		":", ":::", "2001:db8::1%eth0", "fe80::1%1", "[2001:db8::1]", "2001:db8::/64",
		"2001:db8::1 ", " 2001:db8::1", "2001:db8::g", "1:2:3:4:5:6:7:8:9",
		"2001:db8:::1", "2001:db8::1::2", "12345::", "::ffff:192.0.2.1",
		"::ffff:c000:201", "2001:db8::1:", "2001:0db8:0000:0000:0000:0000:0000:00001",
		"2001:db8::1.2.3.256",
	};
	struct probe_ip a;
	size_t i;

	v6_ok("2001:db8:19::1", "2001:db8:19::1");
	v6_ok("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
	v6_ok("::", "::");
	v6_ok("::1", "::1");
	v6_ok("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	v6_ok("64:ff9b::192.0.2.33", "64:ff9b::c000:221");
	CHECK_INT(probe_addr_parse("2001:db8::a", &a), 0);
	CHECK_INT(a.u.v6[0], 0x20);
	CHECK_INT(a.u.v6[15], 0x0a);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (probe_addr_parse(bad[i], &a) != -EINVAL)
			testlib_fail(__FILE__, __LINE__, "'%s' parsed", bad[i]);
}

static void test_format_port(void)
{
	char out[PROBE_HOSTPORT_MAX];
	struct probe_ip a, b;

	CHECK_INT(probe_addr_parse("2001:db8::1", &a), 0);
	probe_addr_format_port(&a, 8080, out, sizeof(out));
	CHECK_STR(out, "[2001:db8::1]:8080");
	CHECK_INT(probe_addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &a), 0);
	probe_addr_format_port(&a, 65535, out, sizeof(out));
	CHECK_STR(out, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	CHECK_INT(probe_addr_parse("198.19.0.1", &b), 0);
	probe_addr_format_port(&b, 443, out, sizeof(out));
	CHECK_STR(out, "198.19.0.1:443");
	probe_addr_format_host(&b, out, sizeof(out));
	CHECK_STR(out, "198.19.0.1");
	probe_addr_format_host(&a, out, sizeof(out));
	CHECK_STR(out, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]");
	CHECK(!probe_addr_equal(&a, &b));
	CHECK(probe_addr_equal(&a, &a));
	CHECK_STR(probe_addr_family_name(a.family), "IPv6");
	CHECK_STR(probe_addr_family_name(b.family), "IPv4");
}

static void test_sockaddr(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct probe_ip a;

	CHECK_INT(probe_addr_parse("2001:db8::7", &a), 0);
	CHECK_INT(probe_addr_sockaddr(&a, 80, &ss), sizeof(struct sockaddr_in6));
	CHECK_INT(s6->sin6_family, AF_INET6);
	CHECK_INT(ntohs(s6->sin6_port), 80);
	CHECK_INT(s6->sin6_addr.s6_addr[15], 7);
	CHECK_INT(probe_addr_parse("198.19.0.1", &a), 0);
	CHECK_INT(probe_addr_sockaddr(&a, 22, &ss), sizeof(struct sockaddr_in));
	CHECK_INT(s4->sin_family, AF_INET);
	CHECK_U64(ntohl(s4->sin_addr.s_addr), 0xc6130001);
}

static void ts(const char *sel, uint64_t off, int family, int want_rc, const char *want)
{
	struct ikw_err err = { "" };
	char out[PROBE_IP_TEXT_MAX] = "";
	struct probe_ip a = { 0 };
	int r = probe_ts_host(sel, off, family, &a, &err);

	if (r != want_rc) {
		testlib_fail(__FILE__, __LINE__, "'%s' +%llu: %d (%s), want %d", sel,
			     (unsigned long long)off, r, err.msg, want_rc);
		return;
	}
	if (r) {
		CHECK(err.msg[0] != '\0');
		return;
	}
	probe_addr_format(&a, out, sizeof(out));
	if (strcmp(out, want))
		testlib_fail(__FILE__, __LINE__, "'%s' +%llu: %s, want %s", sel,
			     (unsigned long long)off, out, want);
}

static void test_ts_host_v4(void)
{
	ts("198.19.1.0/24", 1, AF_UNSPEC, 0, "198.19.1.1");
	ts("198.19.1.0/24", 255, AF_INET, 0, "198.19.1.255");
	ts("198.19.1.0/24", 256, AF_UNSPEC, -ERANGE, NULL);
	ts("198.19.0.1/32", 0, AF_UNSPEC, 0, "198.19.0.1");
	ts("198.19.0.1/32", 1, AF_UNSPEC, -ERANGE, NULL);
	ts("198.19.0.1", 0, AF_UNSPEC, 0, "198.19.0.1");
	ts("10.0.0.0/8", 65537, AF_UNSPEC, 0, "10.1.0.1");
	ts("0.0.0.0/0", 5, AF_UNSPEC, 0, "0.0.0.5");
	ts("0.0.0.0/0", 0xffffffffULL, AF_UNSPEC, 0, "255.255.255.255");
	ts("0.0.0.0/0", 0x100000000ULL, AF_UNSPEC, -ERANGE, NULL);
	/* host bits in the selector are ignored */
	ts("198.19.1.9/24", 2, AF_UNSPEC, 0, "198.19.1.2");
	ts("10.1.0.0/16[tcp/443],10.2.0.0/16", 1, AF_UNSPEC, 0, "10.1.0.1");
	ts("10.0.0.10-10.0.0.20", 10, AF_UNSPEC, 0, "10.0.0.20");
	ts("10.0.0.10-10.0.0.20", 11, AF_UNSPEC, -ERANGE, NULL);
	ts("", 1, AF_UNSPEC, -ENOENT, NULL);
	ts(NULL, 1, AF_UNSPEC, -ENOENT, NULL);
	ts("dynamic", 1, AF_UNSPEC, -EINVAL, NULL);
	ts("10.0.0.0/33", 1, AF_UNSPEC, -EINVAL, NULL);
	ts("10.0.0.9-10.0.0.1", 0, AF_UNSPEC, -EINVAL, NULL);
	ts("10.0.0.1-2001:db8::1", 0, AF_UNSPEC, -EINVAL, NULL);
	ts("2001:db8::/64", 1, AF_INET, -ENOENT, NULL);
}

static void test_ts_host_v6(void)
{
	ts("2001:db8:19::/64", 1, AF_UNSPEC, 0, "2001:db8:19::1");
	ts("2001:db8:19::/64", 0xfffffffffffffffeULL, AF_INET6, 0, "2001:db8:19:0:ffff:ffff:ffff:fffe");
	ts("2001:db8:19::/64", UINT64_MAX, AF_UNSPEC, 0, "2001:db8:19:0:ffff:ffff:ffff:ffff");
	ts("2001:db8:19::1/128", 0, AF_UNSPEC, 0, "2001:db8:19::1");
	ts("2001:db8:19::1/128", 1, AF_UNSPEC, -ERANGE, NULL);
	ts("2001:db8:19::1", 0, AF_UNSPEC, 0, "2001:db8:19::1");
	ts("2001:db8:19::1", 1, AF_UNSPEC, -ERANGE, NULL);
	ts("2001:db8:19::/120", 255, AF_UNSPEC, 0, "2001:db8:19::ff");
	ts("2001:db8:19::/120", 256, AF_UNSPEC, -ERANGE, NULL);
	/* a /48: any 64-bit offset fits */
	ts("2001:db8:19::/48", UINT64_MAX, AF_UNSPEC, 0, "2001:db8:19:0:ffff:ffff:ffff:ffff");
	ts("::/0", 3, AF_UNSPEC, 0, "::3");
	/* found by fuzz_probe_addr: a host that would not read back */
	ts("::/0", 0xffff5f40000eULL, AF_UNSPEC, -ERANGE, NULL);
	ts("::ffff:0:0/96", 1, AF_UNSPEC, -EINVAL, NULL);
	/* host bits in the selector are ignored, across the 64-bit halves */
	ts("2001:db8:19:5:1:2:3:4/60", 2, AF_UNSPEC, 0, "2001:db8:19::2");
	ts("2001:db8:19::ff/121", 1, AF_UNSPEC, 0, "2001:db8:19::81");
	ts("2001:db8:19::/64[tcp/443]", 7, AF_UNSPEC, 0, "2001:db8:19::7");
	ts("2001:db8::10-2001:db8::20", 16, AF_UNSPEC, 0, "2001:db8::20");
	ts("2001:db8::10-2001:db8::20", 17, AF_UNSPEC, -ERANGE, NULL);
	/* the offset carries into the upper 64 bits */
	ts("2001:db8::ffff:ffff:ffff:fff0-2001:db8:0:1::5", 0x15, AF_UNSPEC, 0, "2001:db8:0:1::5");
	ts("2001:db8::-2001:db9::", UINT64_MAX, AF_UNSPEC, 0, "2001:db8::ffff:ffff:ffff:ffff");
	ts("2001:db8::20-2001:db8::10", 0, AF_UNSPEC, -EINVAL, NULL);
	ts("2001:db8::/129", 0, AF_UNSPEC, -EINVAL, NULL);
	ts("2001:db8::1%eth0/128", 0, AF_UNSPEC, -EINVAL, NULL);
	ts("10.0.0.0/8", 1, AF_INET6, -ENOENT, NULL);
}

/* Lists that mix the families: the first selector wins unless the family
 * is fixed (by the probe's given target or source). */
static void test_ts_host_mixed(void)
{
	ts("2001:db8::/64,10.9.0.0/16", 3, AF_UNSPEC, 0, "2001:db8::3");
	ts("10.9.0.0/16, 2001:db8::/64", 3, AF_UNSPEC, 0, "10.9.0.3");
	ts("2001:db8::/64,10.9.0.0/16", 3, AF_INET, 0, "10.9.0.3");
	ts("10.9.0.0/16,2001:db8:1::/64[udp/53],2001:db8:2::/64", 3, AF_INET6, 0, "2001:db8:1::3");
	ts("10.9.0.0/16 , 2001:db8::/64", 3, AF_INET6, 0, "2001:db8::3");
	/* a bad selector of the other family is not read */
	ts("junk:1,10.9.0.0/16", 1, AF_INET, 0, "10.9.0.1");
	ts("junk:1,10.9.0.0/16", 1, AF_UNSPEC, -EINVAL, NULL);
}

int main(void)
{
	RUN(test_parse_v4);
	RUN(test_parse_v6);
	RUN(test_format_port);
	RUN(test_sockaddr);
	RUN(test_ts_host_v4);
	RUN(test_ts_host_v6);
	RUN(test_ts_host_mixed);
	return testlib_done();
}
