/* Sockets of the probes: opened inside the probe's network namespace, bound
 * to its source address and interface, non-blocking.  A socket stays in the
 * namespace it was created in, so only its creation switches namespace:
 * the calling thread enters /run/netns/NAME, creates the socket and returns
 * to its own namespace at once (setns() changes only the calling thread).
 * The scheduler thread does nothing else in between, and no thread is
 * started per socket (1000 probes at 30 s open 33 sockets a second). */
#ifndef IKW_PROBE_SOCK_H
#define IKW_PROBE_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "probe/probe_addr.h"

struct netns_cache;

struct probe_sock_opts {
	const char *netns;        /* NULL: the caller's namespace */
	struct netns_cache *nsc;  /* namespaces kept open, or NULL: opened each time */
	const char *ifname;       /* NULL: no SO_BINDTODEVICE */
	int family;               /* AF_INET or AF_INET6: the target's */
	bool has_source;
	struct probe_ip source;   /* of family */
	uint16_t icmp_id;         /* raw IPv4 ICMP sockets queue only this echo
				     identifier's messages (probe/icmp_filter.h) */
};

/* A name as `ip netns` makes them: one path component. */
bool probe_sock_netns_ok(const char *name);

/* An ICMP (o->family AF_INET) or ICMPv6 (AF_INET6) socket: a ping socket
 * (SOCK_DGRAM) when net.ipv4.ping_group_range allows it (for both
 * families), a raw one otherwise (*raw says which; raw sockets need
 * CAP_NET_RAW).  dont_fragment: IP_PMTUDISC_PROBE, i.e. DF set and the
 * cached path MTU ignored, so the path itself is measured; IPv6, which no
 * router fragments, gets IPV6_PMTUDISC_PROBE and IPV6_DONTFRAG: no
 * fragmentation by this host either, and a Packet Too Big learnt earlier
 * does not shrink what is sent.  Larger than the interface's MTU fails
 * locally with EMSGSIZE.  Returns the fd or -errno. */
int probe_sock_icmp(const struct probe_sock_opts *o, bool dont_fragment, bool *raw,
		    struct ikw_err *err);

/* A raw IPv4 ICMP socket that no run owns (probe/icmp_mux.h): o's
 * namespace and interface, not bound to a source address, every echo
 * identifier let through.  Returns the fd or -errno (-EPERM without
 * CAP_NET_RAW).  IPv6 runs have sockets of their own (probe_sock_icmp). */
int probe_sock_icmp_shared(const struct probe_sock_opts *o, bool dont_fragment,
			   struct ikw_err *err);

/* Sends one ICMP or ICMPv6 message to target from source (NULL: the
 * kernel's choice, or the socket's bound address; IP_PKTINFO or
 * IPV6_PKTINFO, so that one shared socket sends for every run).  Returns 0
 * or -errno (-EMSGSIZE: larger than the path allows with Don't Fragment). */
int probe_sock_send_icmp(int fd, const void *msg, size_t len, const struct probe_ip *target,
			 const struct probe_ip *source);

/* Starts a non-blocking TCP connect to target:port (of o->family).  Returns the fd (the
 * connect may still be in progress: wait for POLLOUT) or -errno (e.g.
 * -ECONNREFUSED, -ENETUNREACH when it failed at once). */
int probe_sock_tcp(const struct probe_sock_opts *o, const struct probe_ip *target,
		   uint16_t port, struct ikw_err *err);

#endif
