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

struct netns_cache;

struct probe_sock_opts {
	const char *netns;        /* NULL: the caller's namespace */
	struct netns_cache *nsc;  /* namespaces kept open, or NULL: opened each time */
	const char *ifname;       /* NULL: no SO_BINDTODEVICE */
	bool has_source;
	uint32_t source;          /* host order */
	uint16_t icmp_id;         /* raw ICMP sockets queue only this echo
				     identifier's messages (probe/icmp_filter.h) */
};

/* A name as `ip netns` makes them: one path component. */
bool probe_sock_netns_ok(const char *name);

/* An ICMP socket: a ping socket (SOCK_DGRAM) when net.ipv4.ping_group_range
 * allows it, a raw one otherwise (*raw says which; raw sockets need
 * CAP_NET_RAW).  dont_fragment: IP_PMTUDISC_PROBE, i.e. DF set and the
 * cached path MTU ignored, so the path itself is measured; larger than the
 * interface's MTU fails locally with EMSGSIZE.  Returns the fd or -errno. */
int probe_sock_icmp(const struct probe_sock_opts *o, bool dont_fragment, bool *raw,
		    struct ikw_err *err);

/* A raw ICMP socket that no run owns (probe/icmp_mux.h): o's namespace and
 * interface, not bound to a source address, every echo identifier let
 * through.  Returns the fd or -errno (-EPERM without CAP_NET_RAW). */
int probe_sock_icmp_shared(const struct probe_sock_opts *o, bool dont_fragment,
			   struct ikw_err *err);

/* Sends one ICMP message to target from source (NULL: the kernel's choice;
 * IP_PKTINFO, so that one socket sends for every run).  Returns 0 or
 * -errno (-EMSGSIZE: larger than the path allows with Don't Fragment). */
int probe_sock_send_icmp(int fd, const void *msg, size_t len, uint32_t target,
			 const uint32_t *source);

/* Starts a non-blocking TCP connect to target:port.  Returns the fd (the
 * connect may still be in progress: wait for POLLOUT) or -errno (e.g.
 * -ECONNREFUSED, -ENETUNREACH when it failed at once). */
int probe_sock_tcp(const struct probe_sock_opts *o, uint32_t target, uint16_t port,
		   struct ikw_err *err);

#endif
