/* The ICMPv6 echo codec: requests with our tag and no checksum, replies
 * matched by their tag, the three errors that quote a request (with the
 * MTU of a Packet Too Big), errors quoting anything else ignored, and every
 * truncation rejected without reading past the end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probe/icmp.h"
#include "probe/icmp6.h"
#include "testlib.h"

static const uint8_t hub[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x18, [15] = 1 };
static const uint8_t peer[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x19, [15] = 1 };

/* An error of type (and the 4 bytes after the checksum) quoting the IPv6
 * header of a request from hub to peer and its first quote bytes. */
static size_t error_of(uint8_t *out, uint8_t type, uint32_t word, const uint8_t *req,
		       size_t quote)
{
	uint8_t *ip = out + 8;

	memset(out, 0, 8 + 40);
	out[0] = type;
	out[4] = (uint8_t)(word >> 24);
	out[5] = (uint8_t)(word >> 16);
	out[6] = (uint8_t)(word >> 8);
	out[7] = (uint8_t)word;
	ip[0] = 0x60;
	ip[6] = 58;
	ip[7] = 64;
	memcpy(ip + 8, hub, 16);
	memcpy(ip + 24, peer, 16);
	memcpy(ip + 40, req, quote);
	return 8 + 40 + quote;
}

static void test_build(void)
{
	uint8_t buf[200];
	size_t n = icmp6_build_echo(buf, sizeof(buf), 0x1234, 7, 0xdeadbeef, 56);

	CHECK_INT(n, 64);
	CHECK_INT(buf[0], 128);
	CHECK_INT(buf[1], 0);
	CHECK_INT(buf[2] << 8 | buf[3], 0);    /* the kernel's to fill */
	CHECK_INT(buf[4] << 8 | buf[5], 0x1234);
	CHECK_INT(buf[6] << 8 | buf[7], 7);
	CHECK(!memcmp(buf + 8, "ikewatch", 8));
	CHECK_INT(icmp6_build_echo(buf, sizeof(buf), 1, 1, 1, ICMP_TAG_LEN - 1), 0);
	CHECK_INT(icmp6_build_echo(buf, 63, 1, 1, 1, 56), 0);
}

static void test_reply(void)
{
	uint8_t buf[100];
	struct icmp6_msg m;
	size_t n = icmp6_build_echo(buf, sizeof(buf), 0x4242, 2, 99, 16);

	buf[0] = 129;
	buf[4] = 0x77;    /* a ping socket's kernel rewrote the id */
	CHECK_INT(icmp6_parse(buf, n, &m), 0);
	CHECK_INT(m.kind, ICMP6_KIND_ECHO_REPLY);
	CHECK(m.tagged);
	CHECK_U64(m.token, 99);
	CHECK_INT(m.seq, 2);
	CHECK_INT(m.id, 0x7742);
	/* someone else's ping: a reply, not ours */
	memcpy(buf + 8, "notours!", 8);
	CHECK_INT(icmp6_parse(buf, n, &m), 0);
	CHECK_INT(m.kind, ICMP6_KIND_ECHO_REPLY);
	CHECK(!m.tagged);
	/* a reply too short for the tag is still a reply, untagged */
	CHECK_INT(icmp6_parse(buf, 12, &m), 0);
	CHECK(!m.tagged);
	/* our own request, looped back, is no reply */
	buf[0] = 128;
	CHECK_INT(icmp6_parse(buf, n, &m), 0);
	CHECK_INT(m.kind, ICMP6_KIND_OTHER);
	/* a nonzero code is no echo reply */
	buf[0] = 129;
	buf[1] = 1;
	CHECK_INT(icmp6_parse(buf, n, &m), 0);
	CHECK_INT(m.kind, ICMP6_KIND_OTHER);
}

static void test_errors(void)
{
	static const struct { uint8_t type; enum icmp6_kind kind; } t[] = {
		{ 1, ICMP6_KIND_UNREACHABLE }, { 2, ICMP6_KIND_TOO_BIG },
		{ 3, ICMP6_KIND_TIME_EXCEEDED },
	};
	uint8_t req[1500], buf[1400];
	struct icmp6_msg m;
	size_t i, n;

	icmp6_build_echo(req, sizeof(req), 0xabcd, 0x0102, 5, 1392);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* as much of the request as fits in 1280 bytes */
		n = error_of(buf, t[i].type, 1300, req, 1280 - 48);
		CHECK_INT(icmp6_parse(buf, n, &m), 0);
		CHECK_INT(m.kind, t[i].kind);
		CHECK_INT(m.type, t[i].type);
		CHECK_INT(m.id, 0xabcd);
		CHECK_INT(m.seq, 0x0102);
		CHECK(!memcmp(m.quoted_dst, peer, 16));
		CHECK(!m.tagged);
		CHECK_U64(m.mtu, t[i].type == 2 ? 1300 : 0);
	}
	/* a quote of only the ICMPv6 header is enough */
	n = error_of(buf, 2, 1280, req, 8);
	CHECK_INT(icmp6_parse(buf, n, &m), 0);
	CHECK_INT(m.kind, ICMP6_KIND_TOO_BIG);
	CHECK_U64(m.mtu, 1280);
	/* one byte short of it is malformed */
	CHECK_INT(icmp6_parse(buf, n - 1, &m), -EBADMSG);
	/* an error about a TCP segment, or about a reply, is not ours */
	buf[8 + 6] = 6;
	CHECK_INT(icmp6_parse(buf, n, &m), 0);
	CHECK_INT(m.kind, ICMP6_KIND_OTHER);
	buf[8 + 6] = 58;
	buf[8 + 40] = 129;
	CHECK_INT(icmp6_parse(buf, n, &m), 0);
	CHECK_INT(m.kind, ICMP6_KIND_OTHER);
	/* nor one whose quote is no IPv6 header */
	buf[8 + 40] = 128;
	buf[8] = 0x45;
	CHECK_INT(icmp6_parse(buf, n, &m), 0);
	CHECK_INT(m.kind, ICMP6_KIND_OTHER);
}

/* Each prefix of each message, copied to the end of a heap block so that
 * ASan sees any read past it. */
static void test_truncated(void)
{
	uint8_t req[100], buf[200];
	size_t n, k;
	struct icmp6_msg m;

	icmp6_build_echo(req, sizeof(req), 1, 2, 3, 40);
	n = error_of(buf, 2, 1280, req, 48);
	for (k = 0; k <= n; k++) {
		uint8_t *p = malloc(k ? k : 1);
		int r;

		memcpy(p, buf, k);
		r = icmp6_parse(p, k, &m);
		if (k < 8 + 48 && r != -EBADMSG)
			testlib_fail(__FILE__, __LINE__, "%zu bytes: %d", k, r);
		if (k >= 8 + 48 && (r || m.kind != ICMP6_KIND_TOO_BIG))
			testlib_fail(__FILE__, __LINE__, "%zu bytes: %d kind %d", k, r, m.kind);
		free(p);
	}
	CHECK_INT(icmp6_parse(buf, 7, &m), -EBADMSG);
	CHECK_INT(icmp6_parse(buf, 0, &m), -EBADMSG);
}

int main(void)
{
	RUN(test_build);
	RUN(test_reply);
	RUN(test_errors);
	RUN(test_truncated);
	return testlib_done();
}
