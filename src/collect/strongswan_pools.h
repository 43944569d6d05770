/* The pool half of the strongSwan collector: get-pools on the collector's
 * second VICI connection, after list-conns (so in parallel with list-sas). */
#ifndef IKW_STRONGSWAN_POOLS_H
#define IKW_STRONGSWAN_POOLS_H

#include "common/deadline.h"
#include "model/model.h"
#include "vici/vici_conn.h"

/* Reads the virtual IP pools into scratch->pools (counts only, no
 * leases).  Optional: a failure leaves the pools unknown (metrics absent),
 * logs once, and closes *conn (NULL) when its stream state is unknown. */
void strongswan_pools_collect(struct vici_conn **conn, struct model *scratch,
			      const struct deadline *dl);

#endif
