#include "probe/icmp6.h"

#include <errno.h>
#include <string.h>

#include "probe/icmp.h"

#define ICMP6_UNREACH_TYPE 1
#define ICMP6_TIMXCEED_TYPE 3
#define ICMP6_ECHO_TYPE 128
#define ICMP6_ECHOREPLY_TYPE 129
#define ICMP6_NEXT_ICMP6 58       /* next header: ICMPv6 */

static uint16_t icmp6_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t icmp6_get32(const uint8_t *p)
{
	return (uint32_t)icmp6_get16(p) << 16 | icmp6_get16(p + 2);
}

size_t icmp6_build_echo(uint8_t *buf, size_t cap, uint16_t id, uint16_t seq,
			uint32_t token, size_t payload)
{
	/* the IPv4 echo with another type and no checksum: one tag layout */
	size_t len = icmp_build_echo(buf, cap, id, seq, token, payload);

	if (!len)
		return 0;
	buf[0] = ICMP6_ECHO_TYPE;
	buf[2] = buf[3] = 0;
	return len;
}

/* The request quoted in an error: its IPv6 header, then 8 bytes of
 * ICMPv6.  Only our echo requests without extension headers are of
 * interest (we send none). */
static int icmp6_parse_quote(const uint8_t *q, size_t len, enum icmp6_kind kind,
			     struct icmp6_msg *out)
{
	if (len < ICMP6_IP6_HDR + ICMP6_ECHO_HDR)
		return -EBADMSG;
	if ((q[0] >> 4) != 6 || q[6] != ICMP6_NEXT_ICMP6 || q[ICMP6_IP6_HDR] != ICMP6_ECHO_TYPE)
		return 0;
	memcpy(out->quoted_dst, q + 24, sizeof(out->quoted_dst));
	out->id = icmp6_get16(q + ICMP6_IP6_HDR + 4);
	out->seq = icmp6_get16(q + ICMP6_IP6_HDR + 6);
	out->kind = kind;
	return 0;
}

static void icmp6_parse_echo(const uint8_t *m, size_t len, struct icmp6_msg *out)
{
	out->kind = ICMP6_KIND_ECHO_REPLY;
	out->id = icmp6_get16(m + 4);
	out->seq = icmp6_get16(m + 6);
	/* the sequence in the tag wins over the header's */
	out->tagged = icmp_read_tag(m, len, &out->token, &out->seq);
}

int icmp6_parse(const uint8_t *m, size_t len, struct icmp6_msg *out)
{
	memset(out, 0, sizeof(*out));
	if (len < ICMP6_ECHO_HDR)
		return -EBADMSG;
	out->type = m[0];
	out->code = m[1];
	switch (m[0]) {
	case ICMP6_ECHOREPLY_TYPE:
		if (m[1] == 0)
			icmp6_parse_echo(m, len, out);
		return 0;
	case ICMP6_PKT_TOO_BIG:
		out->mtu = icmp6_get32(m + 4);
		return icmp6_parse_quote(m + ICMP6_ECHO_HDR, len - ICMP6_ECHO_HDR,
					 ICMP6_KIND_TOO_BIG, out);
	case ICMP6_UNREACH_TYPE:
		return icmp6_parse_quote(m + ICMP6_ECHO_HDR, len - ICMP6_ECHO_HDR,
					 ICMP6_KIND_UNREACHABLE, out);
	case ICMP6_TIMXCEED_TYPE:
		return icmp6_parse_quote(m + ICMP6_ECHO_HDR, len - ICMP6_ECHO_HDR,
					 ICMP6_KIND_TIME_EXCEEDED, out);
	default:
		return 0;
	}
}
