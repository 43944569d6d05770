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

bool probe_sock_netns_ok(const char *name)
{
	return name && name[0] && strlen(name) <= NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/* socket() inside netns.  Returning to our own namespace cannot fail for a
 * process that could leave it; if it ever did, this thread would go on
 * probing the wrong network without a word, so that is fatal. */
static int probe_sock_in_ns(const char *netns, int family, int type, int proto,
			    struct ikw_err *err)
{
	char path[PATH_MAX];
	int home, ns, fd, e;

	if (!netns) {
		fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		return fd < 0 ? -errno : fd;
	}
	if (!probe_sock_netns_ok(netns))
		return err_set(err, -EINVAL, "bad network namespace name '%s'", netns);
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return err_set(err, -errno, "cannot open '%s': %s", path, strerror(errno));
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || setns(ns, CLONE_NEWNET)) {
		e = errno;
		if (home >= 0)
			close(home);
		close(ns);
		return err_set(err, -e, "cannot enter '%s': %s", path, strerror(e));
	}
	fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	e = errno;
	if (setns(home, CLONE_NEWNET)) {
		log_error("probes: cannot return from network namespace '%s': %s",
			  netns, strerror(errno));
		abort();
	}
	close(home);
	close(ns);
	return fd < 0 ? -e : fd;
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

/* The same for ICMPv6: replies and the errors that quote a request. */
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

static int probe_sock_icmp_opts(int fd, bool raw, bool dont_fragment)
{
	int on = 1, pmtu = IP_PMTUDISC_PROBE;

	if (raw && probe_sock_icmp_filter(fd))
		return -errno;
	/* ping sockets report ICMP errors only through the error queue */
	if (!raw && setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on)))
		return -errno;
	if (dont_fragment &&
	    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)))
		return -errno;
	return 0;
}

int probe_sock_icmp(const struct probe_sock_opts *o, bool dont_fragment, bool *raw,
		    struct ikw_err *err)
{
	int proto = o->family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, fd, r;

	*raw = false;
	fd = probe_sock_in_ns(o->netns, o->family, SOCK_DGRAM, proto, err);
	/* EACCES: our group is outside net.ipv4.ping_group_range */
	if (fd == -EACCES || fd == -EPERM || fd == -EPROTONOSUPPORT) {
		*raw = true;
		fd = probe_sock_in_ns(o->netns, o->family, SOCK_RAW, proto, err);
	}
	if (fd < 0)
		return err->msg[0] ? fd : err_set(err, fd, "cannot open an ICMP socket: %s",
						  strerror(-fd));
	r = o->family == AF_INET6 ? probe_sock_icmp6_opts(fd, *raw, dont_fragment) :
				    probe_sock_icmp_opts(fd, *raw, dont_fragment);
	if (r) {
		err_set(err, r, "cannot set ICMP socket options: %s", strerror(-r));
		close(fd);
		return r;
	}
	r = probe_sock_bind(fd, o, err);
	if (r) {
		close(fd);
		return r;
	}
	return fd;
}

int probe_sock_tcp(const struct probe_sock_opts *o, const struct probe_ip *target,
		   uint16_t port, struct ikw_err *err)
{
	int fd = probe_sock_in_ns(o->netns, o->family, SOCK_STREAM, IPPROTO_TCP, err), r;
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
