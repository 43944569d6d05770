#include "probe/probe_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "probe/icmp_filter.h"
#include "probe/netns_cache.h"

bool probe_sock_netns_ok(const char *name)
{
	return name && name[0] && strlen(name) <= NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/* socket() inside netns.  Returning to our own namespace cannot fail for a
 * process that could leave it; if it ever did, this thread would go on
 * probing the wrong network without a word, so that is fatal. */
static int probe_sock_in_cached_ns(struct netns_cache *c, const char *netns, int family,
				   int type, int proto, struct ikw_err *err)
{
	int home = netns_cache_home(c, err), ns, fd, e;

	if (home < 0)
		return home;
	ns = netns_cache_get(c, netns, err);
	if (ns < 0)
		return ns;
	if (setns(ns, CLONE_NEWNET))
		return err_set(err, -errno, "cannot enter network namespace '%s': %s", netns,
			       strerror(errno));
	fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	e = errno;
	if (setns(home, CLONE_NEWNET)) {
		log_error("probes: cannot return from network namespace '%s': %s",
			  netns, strerror(errno));
		abort();
	}
	return fd < 0 ? -e : fd;
}

/* A socket of o's family in o's namespace. */
static int probe_sock_in_ns(const struct probe_sock_opts *o, int type, int proto,
			    struct ikw_err *err)
{
	int family = o->family == AF_INET6 ? AF_INET6 : AF_INET, fd;
	struct netns_cache once;

	if (!o->netns) {
		fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		return fd < 0 ? -errno : fd;
	}
	if (!probe_sock_netns_ok(o->netns))
		return err_set(err, -EINVAL, "bad network namespace name '%s'", o->netns);
	if (o->nsc)
		return probe_sock_in_cached_ns(o->nsc, o->netns, family, type, proto, err);
	netns_cache_init(&once);
	fd = probe_sock_in_cached_ns(&once, o->netns, family, type, proto, err);
	netns_cache_release(&once);
	return fd;
}

static int probe_sock_bind(int fd, const struct probe_sock_opts *o, struct ikw_err *err)
{
	struct sockaddr_storage sa;
	socklen_t len;

	if (o->ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->ifname,
				    (socklen_t)strlen(o->ifname)))
		return err_set(err, -errno, "cannot bind to interface '%s': %s", o->ifname,
			       strerror(errno));
	if (!o->has_source)
		return 0;
	len = probe_addr_sockaddr(&o->source, 0, &sa);
	if (bind(fd, (struct sockaddr *)&sa, len))
		return err_set(err, -errno, "cannot bind to the source address: %s",
			       strerror(errno));
	return 0;
}

/* Raw sockets see every ICMP message of the namespace: only replies and
 * the errors that quote a request get through. */
static int probe_sock_icmp_filter(int fd)
{
	struct icmp_filter f = {
		.data = ~((1U << ICMP_ECHOREPLY) | (1U << ICMP_DEST_UNREACH) |
			  (1U << ICMP_TIME_EXCEEDED)),
	};

	return setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f)) ? -errno : 0;
}

/* The same for ICMPv6: replies and the errors that quote a request.  (No
 * identifier filter: icmp_filter.h reads IPv4 headers; with CAP_NET_RAW,
 * IPv6 runs share a socket, icmp_mux.h.) */
static int probe_sock_icmp6_filter(int fd)
{
	struct icmp6_filter f;

	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
	ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
	ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f);
	ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
	return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) ? -errno : 0;
}

/* IPv6 has no Don't Fragment bit: IPV6_DONTFRAG keeps this host from
 * fragmenting, IPV6_PMTUDISC_PROBE from shrinking to a Packet Too Big
 * learnt earlier. */
static int probe_sock_icmp6_opts(int fd, bool raw, bool dont_fragment)
{
	int on = 1, pmtu = IPV6_PMTUDISC_PROBE;

	if (raw && probe_sock_icmp6_filter(fd))
		return -errno;
	if (!raw && setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on)))
		return -errno;
	if (dont_fragment &&
	    (setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu)) ||
	     setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof(on))))
		return -errno;
	return 0;
}

/* shared: a raw socket for every run, so without an identifier filter */
static int probe_sock_icmp_opts(int fd, bool raw, bool shared, uint16_t id, bool dont_fragment)
{
	int on = 1, pmtu = IP_PMTUDISC_PROBE, r;

	if (raw && probe_sock_icmp_filter(fd))
		return -errno;
	if (raw && !shared && (r = icmp_filter_attach(fd, id)))
		return r;
	/* ping sockets report ICMP errors only through the error queue */
	if (!raw && setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on)))
		return -errno;
	if (dont_fragment &&
	    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)))
		return -errno;
	return 0;
}

/* Options and binding of a new ICMP socket; closes it on failure. */
static int probe_sock_icmp_setup(int fd, const struct probe_sock_opts *o, bool raw,
				 bool shared, bool dont_fragment, struct ikw_err *err)
{
	int r = o->family == AF_INET6 ? probe_sock_icmp6_opts(fd, raw, dont_fragment) :
		probe_sock_icmp_opts(fd, raw, shared, o->icmp_id, dont_fragment);

	if (r)
		err_set(err, r, "cannot set ICMP socket options: %s", strerror(-r));
	else
		r = probe_sock_bind(fd, o, err);
	if (r) {
		close(fd);
		return r;
	}
	return fd;
}

int probe_sock_icmp(const struct probe_sock_opts *o, bool dont_fragment, bool *raw,
		    struct ikw_err *err)
{
	int proto = o->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, fd;

	*raw = false;
	fd = probe_sock_in_ns(o, SOCK_DGRAM, proto, err);
	/* EACCES: our group is outside net.ipv4.ping_group_range (which
	 * governs ICMPv6 ping sockets too) */
	if (fd == -EACCES || fd == -EPERM || fd == -EPROTONOSUPPORT) {
		*raw = true;
		fd = probe_sock_in_ns(o, SOCK_RAW, proto, err);
	}
	if (fd < 0)
		return err->msg[0] ? fd : err_set(err, fd, "cannot open an ICMP socket: %s",
						  strerror(-fd));
	return probe_sock_icmp_setup(fd, o, *raw, false, dont_fragment, err);
}

int probe_sock_icmp_shared(const struct probe_sock_opts *o, bool dont_fragment,
			   struct ikw_err *err)
{
	struct probe_sock_opts shared = { .netns = o->netns, .ifname = o->ifname,
					  .nsc = o->nsc, .family = o->family };
	int proto = o->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int fd = probe_sock_in_ns(&shared, SOCK_RAW, proto, err);

	if (fd < 0)
		return err->msg[0] ? fd : err_set(err, fd, "cannot open a raw ICMP socket: %s",
						  strerror(-fd));
	return probe_sock_icmp_setup(fd, &shared, true, true, dont_fragment, err);
}

/* The source address as a control message: IP_PKTINFO's ipi_spec_dst or
 * IPV6_PKTINFO's ipi6_addr is the source the kernel gives the packet. */
static size_t probe_sock_pktinfo(const struct probe_ip *source, void *buf)
{
	struct cmsghdr *c = buf;

	if (source->family == AF_INET6) {
		struct in6_pktinfo pi6 = { 0 };

		memcpy(&pi6.ipi6_addr, source->u.v6, 16);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi6));
		memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
		return CMSG_SPACE(sizeof(pi6));
	}
	struct in_pktinfo pi = { 0 };

	pi.ipi_spec_dst.s_addr = htonl(source->u.v4);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	return CMSG_SPACE(sizeof(pi));
}

int probe_sock_send_icmp(int fd, const void *msg, size_t len, const struct probe_ip *target,
			 const struct probe_ip *source)
{
	struct sockaddr_storage to;
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl;
	struct iovec iov = { (void *)msg, len };
	struct msghdr mh = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1 };

	mh.msg_namelen = probe_addr_sockaddr(target, 0, &to);
	if (source) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = probe_sock_pktinfo(source, ctl.buf);
	}
	return sendmsg(fd, &mh, 0) == (ssize_t)len ? 0 : -errno;
}

int probe_sock_tcp(const struct probe_sock_opts *o, const struct probe_ip *target,
		   uint16_t port, struct ikw_err *err)
{
	int fd = probe_sock_in_ns(o, SOCK_STREAM, IPPROTO_TCP, err), r;
	struct sockaddr_storage sa;
	socklen_t len = probe_addr_sockaddr(target, port, &sa);

	if (fd < 0)
		return err->msg[0] ? fd : err_set(err, fd, "cannot open a TCP socket: %s",
						  strerror(-fd));
	r = probe_sock_bind(fd, o, err);
	if (r) {
		close(fd);
		return r;
	}
	if (connect(fd, (struct sockaddr *)&sa, len) && errno != EINPROGRESS) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}
