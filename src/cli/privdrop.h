/* Running as an unprivileged user: started as root, `serve --run-as=USER`
 * becomes USER (its primary group and its supplementary groups, so that the
 * group owning charon's VICI socket applies) and keeps only the
 * capabilities it needs, in the permitted, effective and bounding sets:
 *
 *   CAP_NET_ADMIN         the XFRM netlink collector (not when it is off)
 *   CAP_SYS_ADMIN         --collector.xfrm.netns (setns into another netns)
 *   CAP_NET_RAW           probes, when unprivileged ICMP sockets are not
 *                         allowed (net.ipv4.ping_group_range)
 *   CAP_NET_BIND_SERVICE  a listen port below 1024
 *
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

/* Becomes user, keeping the capabilities in *keep (a mask of 1 << CAP_...;
 * with icmp_probes, CAP_NET_RAW is added when the user's group may not open
 * ping sockets), and checks /proc/self/status afterwards.  Needs root
 * (CAP_SETUID, CAP_SETGID, CAP_SETPCAP).  Returns 0 (*keep then says what
 * was kept) or -errno with a reason in err. */
int privdrop_to(const char *user, uint64_t *keep, bool icmp_probes,
		struct ikw_err *err);

/* Whether this process may open unprivileged ICMP ("ping") sockets. */
bool privdrop_ping_sockets_allowed(gid_t gid);

/* Formats a capability mask as names ("cap_net_admin,cap_net_raw" or
 * "none") into buf. */
void privdrop_caps_str(uint64_t caps, char *buf, size_t size);

#endif
