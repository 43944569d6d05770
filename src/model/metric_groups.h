/* Groups of metric families that can be turned off (--no-collector.NAME,
 * YAML collectors: NAME: false) to cut the series per tunnel on very large
 * gateways; a group that costs charon a call is then not collected at all.
 * What is in no group (state, traffic, rekey health and the exporter's and
 * daemon's own families) is always there.  docs/metrics.md "Cardinality". */
#ifndef IKW_METRIC_GROUPS_H
#define IKW_METRIC_GROUPS_H

#include <stdbool.h>
#include <stdint.h>

enum metric_group {
	METRIC_GROUP_CERTS,        /* list-certs: certificates of conns */
	METRIC_GROUP_POOLS,        /* get-pools: virtual IP pools */
	METRIC_GROUP_COUNTERS,     /* get-counters: the counters plugin */
	METRIC_GROUP_INFO,         /* the _info families of conns, SAs, children */
	METRIC_GROUP_TIMESTAMPS,   /* established, installed, last packet, expiry */
	METRIC_GROUP_STATUS,       /* ipsec_conn_status (six series a conn) */
	METRIC_GROUP_NEGOTIATION,  /* seconds a conn has been connecting */
	METRIC_GROUP_REMOTE_ACCESS, /* ipsec_ra_* sessions */
	METRIC_GROUP_N
};

/* The flag's and the YAML key's name of each group ("certs", ...). */
extern const char *const metric_group_names[METRIC_GROUP_N];

/* A mask of groups turned off: bit (1u << group). */
typedef uint32_t metric_groups_off;

static inline bool metric_group_on(metric_groups_off off, enum metric_group g)
{
	return !(off & (1u << g));
}

#endif
