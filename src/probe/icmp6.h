/* ICMPv6 echo codec (pure: bytes in, structure out), the IPv6 twin of
 * icmp.h: the same echo layout and the same tag in the payload (magic,
 * token, sequence), so that a reply is matched to its run on a raw socket,
 * which sees every ICMPv6 message of the namespace.
 *
 * Neither a ping socket (SOCK_DGRAM, IPPROTO_ICMPV6) nor a raw ICMPv6
 * socket delivers the IPv6 header, and the kernel computes and checks the
 * checksum on both (it covers a pseudo-header with the addresses, which
 * only the kernel knows for sure): requests are built with a zero checksum
 * and received messages are not checked again.  Errors (destination
 * unreachable, packet too big, time exceeded) quote as much of the request
 * as fits in 1280 bytes: its IPv6 header, then its ICMPv6 header with our
 * identifier and sequence (RFC 4443). */
#ifndef IKW_ICMP6_H
#define IKW_ICMP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICMP6_ECHO_HDR 8
#define ICMP6_IP6_HDR 40          /* the fixed IPv6 header */
#define ICMP6_PKT_TOO_BIG 2       /* the type, as the error queue gives it */

enum icmp6_kind {
	ICMP6_KIND_OTHER,         /* not for us, or not understood */
	ICMP6_KIND_ECHO_REPLY,
	ICMP6_KIND_UNREACHABLE,   /* destination unreachable */
	ICMP6_KIND_TOO_BIG,       /* packet too big, with the next hop's MTU */
	ICMP6_KIND_TIME_EXCEEDED,
};

struct icmp6_msg {
	enum icmp6_kind kind;
	uint8_t type, code;
	uint16_t id, seq;         /* of the reply, or of the quoted request */
	uint32_t token;           /* echo replies with our tag */
	bool tagged;              /* the reply carries our magic */
	uint32_t mtu;             /* packet too big: the MTU it reports */
	uint8_t quoted_dst[16];   /* errors: the request's destination */
};

/* Writes an echo request (type 128) of ICMP6_ECHO_HDR + payload bytes into
 * buf, payload >= ICMP_TAG_LEN, with our tag and a zero checksum for the
 * kernel to fill.  Returns the length, or 0 when payload is too small or
 * buf too short. */
size_t icmp6_build_echo(uint8_t *buf, size_t cap, uint16_t id, uint16_t seq,
			uint32_t token, size_t payload);

/* Parses one received ICMPv6 message (no IPv6 header before it).  Returns
 * 0 (out filled; kind OTHER for anything else, and for errors quoting
 * anything but one of our echo requests) or -EBADMSG for a truncated
 * message. */
int icmp6_parse(const uint8_t *buf, size_t len, struct icmp6_msg *out);

#endif
