#include "probe/icmp.h"

#include <errno.h>
#include <string.h>

#define ICMP_ECHOREPLY_TYPE 0
#define ICMP_UNREACH_TYPE 3
#define ICMP_ECHO_TYPE 8
#define ICMP_TIMXCEED_TYPE 11

/* "ikewatch" in the payload: not someone else's ping */
static const uint8_t icmp_magic[8] = { 'i', 'k', 'e', 'w', 'a', 't', 'c', 'h' };

static uint16_t icmp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t icmp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void icmp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void icmp_put32(uint8_t *p, uint32_t v)
{
	icmp_put16(p, (uint16_t)(v >> 16));
	icmp_put16(p + 2, (uint16_t)v);
}

uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += icmp_get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t icmp_build_echo(uint8_t *buf, size_t cap, uint16_t id, uint16_t seq,
		       uint32_t token, size_t payload)
{
	size_t len = ICMP_ECHO_HDR + payload, i;

	if (payload < ICMP_TAG_LEN || cap < len)
		return 0;
	buf[0] = ICMP_ECHO_TYPE;
	buf[1] = 0;
	icmp_put16(buf + 2, 0);
	icmp_put16(buf + 4, id);
	icmp_put16(buf + 6, seq);
	memcpy(buf + 8, icmp_magic, sizeof(icmp_magic));
	icmp_put32(buf + 16, token);
	icmp_put32(buf + 20, seq);
	/* a recognisable fill, as ping does */
	for (i = ICMP_TAG_LEN; i < payload; i++)
		buf[ICMP_ECHO_HDR + i] = (uint8_t)i;
	icmp_put16(buf + 2, icmp_checksum(buf, len));
	return len;
}

/* Length of the IPv4 header at p (len bytes), or 0 if it is not one. */
static size_t icmp_ip_header(const uint8_t *p, size_t len)
{
	size_t ihl;

	if (len < ICMP_IP_HDR_MIN || (p[0] >> 4) != 4)
		return 0;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	return ihl >= ICMP_IP_HDR_MIN && ihl <= len ? ihl : 0;
}

/* The request quoted in an error: its IP header, then 8 bytes of ICMP. */
static int icmp_parse_quote(const uint8_t *q, size_t len, struct icmp_msg *out)
{
	size_t ihl = icmp_ip_header(q, len);

	if (!ihl || len - ihl < ICMP_ECHO_HDR)
		return -EBADMSG;
	/* only our own echo requests are of interest */
	if (q[9] != 1 || q[ihl] != ICMP_ECHO_TYPE)
		return 0;
	memcpy(&out->quoted_dst, q + 16, 4);
	out->id = icmp_get16(q + ihl + 4);
	out->seq = icmp_get16(q + ihl + 6);
	out->kind = out->type == ICMP_UNREACH_TYPE ? ICMP_KIND_UNREACHABLE :
		    ICMP_KIND_TIME_EXCEEDED;
	return 0;
}

bool icmp_read_tag(const uint8_t *m, size_t len, uint32_t *token, uint16_t *seq)
{
	if (len < ICMP_ECHO_HDR + ICMP_TAG_LEN ||
	    memcmp(m + 8, icmp_magic, sizeof(icmp_magic)))
		return false;
	*token = icmp_get32(m + 16);
	*seq = (uint16_t)icmp_get32(m + 20);
	return true;
}

static void icmp_parse_echo(const uint8_t *m, size_t len, struct icmp_msg *out)
{
	out->kind = ICMP_KIND_ECHO_REPLY;
	out->id = icmp_get16(m + 4);
	out->seq = icmp_get16(m + 6);
	/* the sequence in the tag wins over the header's */
	out->tagged = icmp_read_tag(m, len, &out->token, &out->seq);
}

/* The ICMP message m of len bytes. */
static int icmp_parse_icmp(const uint8_t *m, size_t len, struct icmp_msg *out)
{
	if (len < ICMP_ECHO_HDR)
		return -EBADMSG;
	out->type = m[0];
	out->code = m[1];
	switch (m[0]) {
	case ICMP_ECHOREPLY_TYPE:
		if (m[1] == 0)
			icmp_parse_echo(m, len, out);
		return 0;
	case ICMP_UNREACH_TYPE:
	case ICMP_TIMXCEED_TYPE:
		return icmp_parse_quote(m + ICMP_ECHO_HDR, len - ICMP_ECHO_HDR, out);
	default:
		return 0;
	}
}

int icmp_parse(const uint8_t *buf, size_t len, bool with_ip, struct icmp_msg *out)
{
	size_t ihl = 0, total;

	memset(out, 0, sizeof(*out));
	if (with_ip) {
		ihl = icmp_ip_header(buf, len);
		if (!ihl)
			return -EBADMSG;
		total = icmp_get16(buf + 2);
		/* the kernel hands raw sockets the whole datagram */
		if (total < ihl + ICMP_ECHO_HDR || total > len || buf[9] != 1)
			return -EBADMSG;
		len = total;
		memcpy(&out->src, buf + 12, 4);
		if (icmp_checksum(buf + ihl, len - ihl) != 0)
			return -EBADMSG;
	}
	return icmp_parse_icmp(buf + ihl, len - ihl, out);
}
