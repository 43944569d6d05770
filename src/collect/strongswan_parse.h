/* Pure translation of decoded VICI messages (version, stats, list-conn and
 * list-sa events, get-counters) into the tunnel model.  No I/O: the unit
 * tests and the fuzzer feed these directly.  Each returns 0 or -EBADMSG /
 * -ENOMEM with err naming the message, the connection and the field. */
#ifndef IKW_STRONGSWAN_PARSE_H
#define IKW_STRONGSWAN_PARSE_H

#include "common/err.h"
#include "model/model.h"
#include "vici/vici_codec.h"

int strongswan_parse_version(const struct vici_msg *msg, struct model *m,
		     struct ikw_err *err);
/* `now` is the collection time, used to date "uptime.since". */
int strongswan_parse_stats(const struct vici_msg *msg, struct model *m,
		   struct ikw_err *err);
/* One list-conn event: appends its connections to *conns (a growable array
 * owned by the caller, strings in m's arena). */
int strongswan_parse_conn(const struct vici_msg *msg, struct model *m,
		  struct conn_cfg **conns, size_t *n, size_t *alloc,
		  struct ikw_err *err);
/* One list-sa event: appends its IKE SAs (with their CHILD SAs) to m. */
int strongswan_parse_sa(const struct vici_msg *msg, struct model *m,
		struct ikw_err *err);
/* A get-counters response (global counters). */
int strongswan_parse_counters(const struct vici_msg *msg, struct model *m,
		      struct ikw_err *err);
#endif
