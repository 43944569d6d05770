/* Shared raw ICMP sockets: one per (network namespace, interface, Don't
 * Fragment) for all the runs in flight, instead of one socket per run.
 * Opening a socket inside a namespace (two opens, two setns, socket, its
 * options, close) cost more than the probing itself at 1000 probes, and a
 * raw socket per run was woken for every reply of the namespace.  Runs send
 * on the shared socket with their own source address (IP_PKTINFO); the
 * scheduler reads it and hands each message to the run whose echo
 * identifier it carries.
 *
 * A socket stays in the namespace it was created in, so a namespace deleted
 * and made again under the same name would keep being probed through the
 * old one: the name is checked against the socket's namespace at most once
 * a second, and a socket whose namespace is gone takes no new runs and is
 * closed when its last one ends. */
#ifndef IKW_ICMP_MUX_H
#define IKW_ICMP_MUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"
#include "probe/probe_sock.h"

#define ICMP_MUX_MAX 64           /* sockets open at once */

struct icmp_mux_sock {
	const char *netns, *ifname;   /* the spec's strings (outlive the mux) */
	int family;                   /* AF_INET, AF_INET6 */
	bool df;
	bool stale;                   /* its namespace is no longer netns */
	int fd;                       /* -1: a free entry */
	unsigned users;               /* runs in flight on it */
	int64_t checked_ns;           /* last check of the namespace */
	dev_t ns_dev;
	ino_t ns_ino;
};

struct icmp_mux {
	struct icmp_mux_sock s[ICMP_MUX_MAX];
};

void icmp_mux_init(struct icmp_mux *m);
/* Closes every socket. */
void icmp_mux_close_all(struct icmp_mux *m);

/* A shared socket for o's namespace and interface (o's source is ignored:
 * each send names its own), opened if there is none yet; one more user.
 * now: CLOCK_MONOTONIC ns.  Returns the entry's index, or -errno: -EPERM
 * without CAP_NET_RAW, -ENOSPC when all entries are in use; err says why. */
int icmp_mux_acquire(struct icmp_mux *m, const struct probe_sock_opts *o, bool df,
		     int64_t now, struct ikw_err *err);
/* One user fewer; a stale socket is closed with its last user. */
void icmp_mux_release(struct icmp_mux *m, int idx);

#endif
