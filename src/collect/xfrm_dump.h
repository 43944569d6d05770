/* Reads the kernel's IPsec tables over NETLINK_XFRM: one dump of the SAs
 * (XFRM_MSG_GETSA) and one of the policies (XFRM_MSG_GETPOLICY), parsed by
 * xfrm_parse.c, into a heap snapshot.  Needs CAP_NET_ADMIN (the kernel
 * refuses the dumps otherwise), and CAP_SYS_ADMIN for a named namespace.
 * Blocking, bounded by the caller's deadline. */
#ifndef IKW_XFRM_DUMP_H
#define IKW_XFRM_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "parse/xfrm_parse.h"
#include "common/deadline.h"
#include "common/err.h"

#define XFRM_DUMP_MAX_SAS 65536        /* default caps; an SA record is 680 bytes */
#define XFRM_DUMP_MAX_POLICIES 262144
#define XFRM_DUMP_ATTEMPTS 3           /* dumps tried when one is interrupted */

struct xfrm_dump_opts {
	/* a namespace of `ip netns` (/run/netns/NAME); NULL or "": the
	 * caller's.  The caller's thread never changes namespace. */
	const char *netns;
	size_t max_sas;           /* 0: XFRM_DUMP_MAX_SAS */
	size_t max_policies;      /* 0: XFRM_DUMP_MAX_POLICIES */
	unsigned attempts;        /* 0: XFRM_DUMP_ATTEMPTS */
};

struct xfrm_snapshot {
	struct xfrm_sa_rec *sas;  /* in the kernel's order */
	size_t nsas;
	/* policies counted by direction and action; those with another
	 * direction or action (the kernel sends none today) in policies_other */
	uint64_t policies[XFRM_DIR_COUNT][XFRM_ACTION_COUNT];
	uint64_t policies_other;
	size_t npolicies;         /* all of them */
	unsigned attempts;        /* dumps run, counting interrupted ones */
};

/* Dumps SAs and policies (opts NULL: the defaults).  On success *out is a new snapshot (free it with
 * xfrm_snapshot_free).  Returns 0 or a negative errno with err set:
 * -ETIMEDOUT when dl passes, -E2BIG when a cap is exceeded (the message
 * names it), -EAGAIN when every attempt was interrupted, -EPERM without
 * CAP_NET_ADMIN, -ENOENT for an unknown namespace, the parser's errors. */
int xfrm_dump(const struct xfrm_dump_opts *opts, const struct deadline *dl,
	      struct xfrm_snapshot **out, struct ikw_err *err);

/* Accepts NULL. */
void xfrm_snapshot_free(struct xfrm_snapshot *s);

#endif
