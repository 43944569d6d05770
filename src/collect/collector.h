/* One interface for every source.  A collector reads its source into the
 * snapshot before the deadline; when it fails, the others still answer and
 * ikewatch_collector_success{collector=NAME} reads 0. */
#ifndef IKW_COLLECTOR_H
#define IKW_COLLECTOR_H

#include "common/deadline.h"
#include "common/err.h"
#include "model/metric_groups.h"
#include "model/model.h"

/* Returned by collect() when the source is absent (a /proc file of a
 * subsystem this kernel does not have): the collector is off, which is
 * not a failure and is not reported. */
#define COLLECTOR_OFF 1

struct collector {
	const char *name;
	/* Returns 0, COLLECTOR_OFF or -errno with err set.  Must return by dl. */
	int (*collect)(struct collector *c, struct model *m,
		       const struct deadline *dl, struct ikw_err *err);
	void (*destroy)(struct collector *c);
};

/* A contributor: a source that runs apart from the collection (probes,
 * remediation, the log followers, a one-shot log catch-up) and copies what
 * it holds into its own section of each snapshot.  Called once per
 * collection, after the collectors, before the snapshot is shared; it may
 * read what the collectors put there (the traffic selectors) and must write
 * only its own section. */
struct contributor {
	void (*contribute)(void *ctx, struct model *m);
	void *ctx;
};

/* The strongSwan collector: version, stats, list-conns, list-sas (noblock)
 * and get-counters over VICI at socket_path (copied); list-certs, get-pools
 * and get-counters are not called when their group is in off. */
struct collector *strongswan_collector_new(const char *socket_path,
					  metric_groups_off off);

/* The kernel: XFRM SAs and policies over netlink (in the network namespace
 * netns of `ip netns`, or ikewatch's own when NULL); the XFRM error counters
 * of /proc/net/xfrm_stat and the KLIPS table of /proc/net/ipsec_spi at the
 * given paths (off when the file is missing).  Strings are copied. */
struct collector *xfrm_collector_new(const char *netns);
struct collector *xfrm_stat_collector_new(const char *path);
struct collector *klips_collector_new(const char *path);

/* libreswan: pluto's state through `WHACK --ctlsocket CTLSOCKET ...`
 * (--status, --trafficstatus, --globalstatus), each call within the
 * deadline.  Strings are copied. */
struct collector *libreswan_collector_new(const char *whack, const char *ctlsocket);

#endif
