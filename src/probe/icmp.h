/* ICMP echo codec for IPv4 (pure: bytes in, structure out; ICMPv6:
 * icmp6.h).  Requests carry a tag in
 * their payload (a magic and a token per run), so that a reply is matched to
 * its run even on a raw socket, which sees every ICMP packet of the
 * namespace, and never to another program's ping.
 *
 * A raw socket delivers the IP header too; a ping socket (SOCK_DGRAM,
 * IPPROTO_ICMP) only the ICMP message, with the identifier the kernel chose.
 * Errors (destination unreachable, time exceeded) quote the IP header and the
 * first 8 bytes of the request, i.e. its identifier and sequence number. */
#ifndef IKW_ICMP_H
#define IKW_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICMP_ECHO_HDR 8
#define ICMP_TAG_LEN 16           /* magic (8), token (4), sequence (4) */
#define ICMP_IP_HDR_MIN 20

enum icmp_kind {
	ICMP_KIND_OTHER,          /* not for us, or not understood */
	ICMP_KIND_ECHO_REPLY,
	ICMP_KIND_UNREACHABLE,    /* destination unreachable (frag needed too) */
	ICMP_KIND_TIME_EXCEEDED,
};

struct icmp_msg {
	enum icmp_kind kind;
	uint8_t type, code;
	uint16_t id, seq;         /* of the reply, or of the quoted request */
	uint32_t src;             /* network order; 0 without an IP header */
	uint32_t token;           /* echo replies with our tag */
	bool tagged;              /* the reply carries our magic */
	uint32_t quoted_dst;      /* errors: the request's destination */
};

/* Internet checksum (RFC 1071) of len bytes. */
uint16_t icmp_checksum(const void *data, size_t len);

/* Writes an echo request of ICMP_ECHO_HDR + payload bytes into buf (at least
 * that big), payload >= ICMP_TAG_LEN, with the tag and a checksum.  Returns
 * the length, or 0 when payload is too small or buf too short. */
size_t icmp_build_echo(uint8_t *buf, size_t cap, uint16_t id, uint16_t seq,
		       uint32_t token, size_t payload);

/* Reads our tag from an echo message m of len bytes (header included):
 * true with token and seq set when its payload starts with our magic.
 * Shared by the ICMPv6 codec (icmp6.h), whose echo has the same layout. */
bool icmp_read_tag(const uint8_t *m, size_t len, uint32_t *token, uint16_t *seq);

/* Parses one received message.  with_ip: the buffer starts with an IPv4
 * header (raw sockets), whose length fields and the ICMP checksum are then
 * checked.  Returns 0 (out filled; kind OTHER for anything else) or
 * -EBADMSG for a truncated or inconsistent message. */
int icmp_parse(const uint8_t *buf, size_t len, bool with_ip, struct icmp_msg *out);

#endif
