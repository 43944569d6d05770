/* Addresses of probes, IPv4 or IPv6, and the derivation of a target from a
 * CHILD SA's traffic selector plus a host offset (pure). */
#ifndef IKW_PROBE_ADDR_H
#define IKW_PROBE_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/err.h"

/* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" + NUL, as INET6_ADDRSTRLEN */
#define PROBE_IP_TEXT_MAX 46
/* "[" address "]:65535" + NUL */
#define PROBE_HOSTPORT_MAX (PROBE_IP_TEXT_MAX + 8)

/* One address of either family.  AF_UNSPEC: none. */
struct probe_ip {
	sa_family_t family;       /* AF_INET or AF_INET6 */
	union {
		uint32_t v4;      /* host order */
		uint8_t v6[16];   /* network order */
	} u;
};

/* Parses an address strictly: a dotted quad (four decimal parts 0-255, no
 * leading zeros) or an IPv6 address as inet_pton(3) reads it (no zone id,
 * no brackets, no prefix length, nothing around it).  Returns 0 or
 * -EINVAL. */
int probe_addr_parse(const char *s, struct probe_ip *out);
/* The canonical text of a (RFC 5952 for IPv6) into out (at least
 * PROBE_IP_TEXT_MAX bytes to hold any). */
void probe_addr_format(const struct probe_ip *a, char *out, size_t size);
/* a as the host of a URI and of an HTTP Host header: "A.B.C.D" or
 * "[IPV6]" (RFC 3986 3.2.2, RFC 7230 5.4), into out (at least
 * PROBE_HOSTPORT_MAX bytes to hold any). */
void probe_addr_format_host(const struct probe_ip *a, char *out, size_t size);
/* "A.B.C.D:PORT" or "[IPV6]:PORT" (RFC 3986's authority) into out (at least
 * PROBE_HOSTPORT_MAX bytes to hold any). */
void probe_addr_format_port(const struct probe_ip *a, uint16_t port, char *out, size_t size);
bool probe_addr_equal(const struct probe_ip *a, const struct probe_ip *b);
/* "IPv4" or "IPv6" (or "no address"), for messages. */
const char *probe_addr_family_name(int family);
/* a with port as a socket address; returns its length. */
socklen_t probe_addr_sockaddr(const struct probe_ip *a, uint16_t port,
			      struct sockaddr_storage *ss);

/* The host at offset inside one selector of a traffic selector list as
 * charon prints it ("198.19.1.0/24", "2001:db8:19::/64",
 * "10.0.0.0/8,2001:db8::/32", "10.1.0.0/16[tcp/443]", "10.0.0.1-10.0.0.9",
 * "2001:db8::1-2001:db8::9", a bare address = /32 or /128).  The selector
 * is the first of the list whose family is family (AF_INET, AF_INET6), or
 * simply the first when family is AF_UNSPEC.  "198.19.1.0/24" offset 1 is
 * 198.19.1.1; a /32 or /128 takes offset 0 only; a /64 any offset below
 * 2^64.  Returns 0 with out set, -ENOENT when no selector of the family is
 * listed, -ERANGE when offset is outside the subnet, -EINVAL for a selector
 * that cannot be read; err says why. */
int probe_ts_host(const char *ts, uint64_t offset, int family, struct probe_ip *out,
		  struct ikw_err *err);

#endif
