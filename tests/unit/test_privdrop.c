/* The pure part of the privilege drop: whether net.ipv4.ping_group_range
 * lets one of the user's groups (primary or supplementary) open ping
 * sockets, which decides whether CAP_NET_RAW is kept. */
#include "cli/privdrop.h"

#include "testlib.h"

static void test_ping_range(void)
{
	const gid_t primary_only[] = { 1000 };
	const gid_t with_extra[] = { 1000, 998 };

	CHECK(!privdrop_ping_range_allows("1\t0\n", with_extra, 2));      /* the default: nobody */
	CHECK(privdrop_ping_range_allows("0\t2147483647\n", primary_only, 1));
	CHECK(privdrop_ping_range_allows("998\t998\n", with_extra, 2));   /* a supplementary group */
	CHECK(!privdrop_ping_range_allows("998\t998\n", primary_only, 1));
	CHECK(privdrop_ping_range_allows("1000 1000", primary_only, 1));
	CHECK(!privdrop_ping_range_allows("1001\t2000\n", with_extra, 2));
	CHECK(!privdrop_ping_range_allows("", with_extra, 2));
	CHECK(!privdrop_ping_range_allows("x\ty\n", with_extra, 2));
	CHECK(!privdrop_ping_range_allows("0\t99999999999\n", with_extra, 2)); /* not a gid */
	CHECK(!privdrop_ping_range_allows("0\t2147483647\n", with_extra, 0));  /* no groups */
}

int main(void)
{
	RUN(test_ping_range);
	return testlib_done();
}
