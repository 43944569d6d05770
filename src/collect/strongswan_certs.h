/* The certificate half of the strongSwan collector: list-certs on the
 * collector's second VICI connection, after list-conns (so in parallel with
 * list-sas), and the join with the auth sections list-conns gave. */
#ifndef IKW_STRONGSWAN_CERTS_H
#define IKW_STRONGSWAN_CERTS_H

#include "common/deadline.h"
#include "model/model.h"
#include "vici/vici_conn.h"

/* Reads the certificates charon holds into scratch->certs and joins them
 * with scratch->certs' refs.  Skipped (no VICI call) when no connection
 * names a certificate.  Optional: a failure leaves the certificates unknown
 * (metrics absent), logs, and closes *conn (NULL) when its stream state is
 * unknown. */
void strongswan_certs_collect(struct vici_conn **conn, struct model *scratch,
			      const struct deadline *dl);

#endif
