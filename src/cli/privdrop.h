/* Running as an unprivileged user: started as root, `serve --run-as=USER`
 * becomes USER (its primary group and its supplementary groups, so that the
 * group owning charon's VICI socket applies) and keeps only the
 * capabilities it needs, in the permitted, effective and bounding sets:
 *
 *   CAP_NET_ADMIN         the XFRM netlink collector (not when it is off),
 *                         and remediation's diagnostics commands (`ip -s xfrm
 *                         state`), which get it through the ambient set
 *   CAP_SYS_ADMIN         --collector.xfrm.netns or a probe with netns:
 *                         (setns into another netns)
 *   CAP_NET_RAW           ICMP and MTU probes, only when the user's groups
 *                         (primary and supplementary) are outside
 *                         net.ipv4.ping_group_range of the probe's netns
 *
 * A listen port below 1024 is bound before the drop, so CAP_NET_BIND_SERVICE
 * is never kept.
 * It must run before any thread starts: capabilities belong to threads, and
 * threads started later inherit the dropped set. */
#ifndef IKW_PRIVDROP_H
#define IKW_PRIVDROP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

/* Capability numbers as in <linux/capability.h>. */
#define PRIVDROP_CAP_NET_BIND_SERVICE 10
#define PRIVDROP_CAP_NET_ADMIN        12
#define PRIVDROP_CAP_NET_RAW          13
#define PRIVDROP_CAP_SYS_ADMIN        21

#define PRIVDROP_NETNS_MAX 64

/* What the configured features need. */
struct privdrop_plan {
	uint64_t keep;          /* 1 << CAP_...: permitted, effective, bounding */
	uint64_t inheritable;   /* of keep: may be raised into children's ambient set */
	/* ICMP probes open ping sockets in these namespaces (NULL: our own);
	 * CAP_NET_RAW is kept when the user may not in one of them */
	const char *icmp_netns[PRIVDROP_NETNS_MAX];
	size_t n_icmp_netns;
	bool icmp_own_netns;
};

/* Becomes user, keeping what plan says, and checks /proc/self/status
 * afterwards.  Needs root (CAP_SETUID, CAP_SETGID, CAP_SETPCAP) and no
 * other thread.  Returns 0 (*kept then says what was kept) or -errno with
 * a reason in err. */
int privdrop_to(const char *user, const struct privdrop_plan *plan, uint64_t *kept,
		struct ikw_err *err);

/* Whether net.ipv4.ping_group_range ("LOW\tHIGH", as read from range) holds
 * one of the groups. */
bool privdrop_ping_range_allows(const char *range, const gid_t *groups, size_t n);

/* Formats a capability mask as names ("cap_net_admin,cap_net_raw" or
 * "none") into buf. */
void privdrop_caps_str(uint64_t caps, char *buf, size_t size);

#endif
