/* Probe addresses: strict dotted quads, and a target derived from a traffic
 * selector plus a host offset. */
#include <errno.h>
#include <string.h>

#include "probe/probe_addr.h"
#include "testlib.h"

static void test_parse(void)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4",
		"1..3.4", "a.b.c.d", "1.2.3.-4", "1.2.3.4/32", "::1",
	};
	char out[16];
	uint32_t a;
	size_t i;

	CHECK_INT(probe_addr_parse("198.19.1.200", &a), 0);
	CHECK_U64(a, 0xc61301c8);
	probe_addr_format(a, out, sizeof(out));
	CHECK_STR(out, "198.19.1.200");
	CHECK_INT(probe_addr_parse("0.0.0.0", &a), 0);
	CHECK_INT(probe_addr_parse("255.255.255.255", &a), 0);
	CHECK_U64(a, 0xffffffff);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (probe_addr_parse(bad[i], &a) != -EINVAL)
			testlib_fail(__FILE__, __LINE__, "'%s' parsed", bad[i]);
}

static void ts(const char *sel, uint64_t off, int want_rc, const char *want)
{
	struct ikw_err err = { "" };
	char out[16] = "";
	uint32_t a = 0;
	int r = probe_ts_host(sel, off, &a, &err);

	if (r != want_rc) {
		testlib_fail(__FILE__, __LINE__, "'%s' +%llu: %d (%s), want %d", sel,
			     (unsigned long long)off, r, err.msg, want_rc);
		return;
	}
	if (r) {
		CHECK(err.msg[0] != '\0');
		return;
	}
	probe_addr_format(a, out, sizeof(out));
	if (strcmp(out, want))
		testlib_fail(__FILE__, __LINE__, "'%s' +%llu: %s, want %s", sel,
			     (unsigned long long)off, out, want);
}

static void test_ts_host(void)
{
	ts("198.19.1.0/24", 1, 0, "198.19.1.1");
	ts("198.19.1.0/24", 255, 0, "198.19.1.255");
	ts("198.19.1.0/24", 256, -ERANGE, NULL);
	ts("198.19.0.1/32", 0, 0, "198.19.0.1");
	ts("198.19.0.1/32", 1, -ERANGE, NULL);
	ts("198.19.0.1", 0, 0, "198.19.0.1");
	ts("10.0.0.0/8", 65537, 0, "10.1.0.1");
	ts("0.0.0.0/0", 5, 0, "0.0.0.5");
	/* host bits in the selector are ignored */
	ts("198.19.1.9/24", 2, 0, "198.19.1.2");
	/* the first IPv4 selector of a list; IPv6 ones are skipped */
	ts("2001:db8::/64,10.9.0.0/16", 3, 0, "10.9.0.3");
	ts("10.1.0.0/16[tcp/443],10.2.0.0/16", 1, 0, "10.1.0.1");
	ts("10.0.0.10-10.0.0.20", 10, 0, "10.0.0.20");
	ts("10.0.0.10-10.0.0.20", 11, -ERANGE, NULL);
	ts("2001:db8::/64", 1, -ENOENT, NULL);
	ts("", 1, -ENOENT, NULL);
	ts("dynamic", 1, -EINVAL, NULL);
	ts("10.0.0.0/33", 1, -EINVAL, NULL);
	ts("10.0.0.9-10.0.0.1", 0, -EINVAL, NULL);
}

int main(void)
{
	RUN(test_parse);
	RUN(test_ts_host);
	return testlib_done();
}
