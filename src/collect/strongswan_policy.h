/* Pure reading of charon's `list-policy` events (list-policies with
 * trap=yes): which configured children have a trap policy installed.
 * list-conns does not say a child's start_action; an installed trap
 * policy is how charon shows start_action = trap. */
#ifndef IKW_STRONGSWAN_POLICY_H
#define IKW_STRONGSWAN_POLICY_H

#include <stddef.h>

#include "model/model.h"
#include "vici/vici_codec.h"

/* Marks child_cfg.trap for every trap policy in msg whose conn (`ike`) and
 * child are configured.  conns is sorted by name.  Policies of unknown
 * connections or of another kind (pass, drop) change nothing.  Returns how
 * many children it marked. */
size_t strongswan_parse_policy(const struct vici_msg *msg, struct conn_cfg *conns,
			       size_t nconns);

#endif
