/* The ICMP echo codec: requests that parse back, replies with and without an
 * IP header, errors that quote a request, and every truncation rejected
 * without reading past the end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe/icmp.h"
#include "testlib.h"

/* An IPv4 header of 20 bytes for an ICMP payload of len bytes. */
static size_t ip_wrap(uint8_t *out, const uint8_t *icmp, size_t len, const uint8_t src[4],
		      const uint8_t dst[4])
{
	size_t total = 20 + len;

	memset(out, 0, 20);
	out[0] = 0x45;
	out[2] = (uint8_t)(total >> 8);
	out[3] = (uint8_t)total;
	out[8] = 64;
	out[9] = 1;
	memcpy(out + 12, src, 4);
	memcpy(out + 16, dst, 4);
	memcpy(out + 20, icmp, len);
	return total;
}

/* Turns an echo request into its reply, as the peer's kernel does. */
static void to_reply(uint8_t *m, size_t len)
{
	m[0] = 0;
	m[2] = m[3] = 0;
	{
		uint16_t c = icmp_checksum(m, len);

		m[2] = (uint8_t)(c >> 8);
		m[3] = (uint8_t)c;
	}
}

static const uint8_t peer[4] = { 198, 19, 0, 1 }, hub[4] = { 198, 18, 0, 1 };

static void test_checksum(void)
{
	/* RFC 1071's example words sum to 0xddf2 */
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	CHECK_INT(icmp_checksum(d, sizeof(d)), (uint16_t)~0xddf2);
	CHECK_INT(icmp_checksum("\x01", 1), (uint16_t)~0x0100);
}

static void test_build(void)
{
	uint8_t buf[200];
	size_t n = icmp_build_echo(buf, sizeof(buf), 0x1234, 7, 0xdeadbeef, 56);

	CHECK_INT(n, 64);
	CHECK_INT(buf[0], 8);
	CHECK_INT(icmp_checksum(buf, n), 0);
	CHECK_INT(buf[4] << 8 | buf[5], 0x1234);
	CHECK_INT(buf[6] << 8 | buf[7], 7);
	CHECK_INT(icmp_build_echo(buf, sizeof(buf), 1, 1, 1, 15), 0);   /* no room for the tag */
	CHECK_INT(icmp_build_echo(buf, 63, 1, 1, 1, 56), 0);            /* buffer too short */
}

static void test_reply_dgram(void)
{
	uint8_t buf[100];
	struct icmp_msg m;
	size_t n = icmp_build_echo(buf, sizeof(buf), 0x4242, 2, 99, 16);

	to_reply(buf, n);
	/* a ping socket's kernel rewrote the id: only the tag matters */
	buf[4] = 0x77;
	CHECK_INT(icmp_parse(buf, n, false, &m), 0);
	CHECK_INT(m.kind, ICMP_KIND_ECHO_REPLY);
	CHECK(m.tagged);
	CHECK_U64(m.token, 99);
	CHECK_INT(m.seq, 2);
	CHECK_U64(m.src, 0);
	/* someone else's ping: no magic */
	memset(buf + 8, 'x', 8);
	CHECK_INT(icmp_parse(buf, n, false, &m), 0);
	CHECK(!m.tagged);
}

static void test_reply_raw(void)
{
	uint8_t icmp[100], pkt[200];
	struct icmp_msg m;
	size_t n = icmp_build_echo(icmp, sizeof(icmp), 0x4242, 5, 7, 56), len;
	uint32_t want;

	to_reply(icmp, n);
	len = ip_wrap(pkt, icmp, n, peer, hub);
	CHECK_INT(icmp_parse(pkt, len, true, &m), 0);
	CHECK_INT(m.kind, ICMP_KIND_ECHO_REPLY);
	CHECK_INT(m.id, 0x4242);
	CHECK_INT(m.seq, 5);
	memcpy(&want, peer, 4);
	CHECK_U64(m.src, want);
	/* a corrupted byte fails the checksum */
	pkt[40] ^= 1;
	CHECK_INT(icmp_parse(pkt, len, true, &m), -EBADMSG);
	pkt[40] ^= 1;
	/* a total length beyond what arrived */
	pkt[3]++;
	CHECK_INT(icmp_parse(pkt, len, true, &m), -EBADMSG);
	pkt[3]--;
	/* not ICMP */
	pkt[9] = 6;
	CHECK_INT(icmp_parse(pkt, len, true, &m), -EBADMSG);
}

/* Destination unreachable (fragmentation needed) quoting our request. */
static void test_unreachable(void)
{
	uint8_t req[100], quoted[200], err[300], pkt[400];
	struct icmp_msg m;
	size_t n = icmp_build_echo(req, sizeof(req), 0x0102, 9, 1, 56), q, len;
	uint32_t want;

	q = ip_wrap(quoted, req, n, hub, peer);
	memset(err, 0, 8);
	err[0] = 3;
	err[1] = 4;
	memcpy(err + 8, quoted, 28);   /* IP header and 8 bytes, as RFC 792 asks */
	{
		uint16_t c = icmp_checksum(err, 36);

		err[2] = (uint8_t)(c >> 8);
		err[3] = (uint8_t)c;
	}
	len = ip_wrap(pkt, err, 36, (const uint8_t[]){ 192, 0, 2, 11 }, hub);
	CHECK_INT(icmp_parse(pkt, len, true, &m), 0);
	CHECK_INT(m.kind, ICMP_KIND_UNREACHABLE);
	CHECK_INT(m.code, 4);
	CHECK_INT(m.id, 0x0102);
	CHECK_INT(m.seq, 9);
	memcpy(&want, peer, 4);
	CHECK_U64(m.quoted_dst, want);
	(void)q;
	/* a quote too short for the request's header */
	CHECK_INT(icmp_parse(err, 8 + 24, false, &m), -EBADMSG);
}

/* Every prefix of a valid reply parses or fails cleanly, read exactly. */
static void test_truncations(void)
{
	uint8_t icmp[100], pkt[200];
	struct icmp_msg m;
	size_t n = icmp_build_echo(icmp, sizeof(icmp), 1, 1, 1, 56), len, i;

	to_reply(icmp, n);
	len = ip_wrap(pkt, icmp, n, peer, hub);
	for (i = 0; i <= len; i++) {
		struct testlib_guarded g = testlib_guarded_copy(pkt, i);
		int r = icmp_parse(g.data, i, true, &m);

		CHECK(r == 0 || r == -EBADMSG);
		CHECK(i == len ? r == 0 : r == -EBADMSG);
		r = icmp_parse(g.data, i, false, &m);
		CHECK(r == 0 || r == -EBADMSG);
		testlib_guarded_free(&g);
	}
}

int main(void)
{
	RUN(test_checksum);
	RUN(test_build);
	RUN(test_reply_dgram);
	RUN(test_reply_raw);
	RUN(test_unreachable);
	RUN(test_truncations);
	return testlib_done();
}
