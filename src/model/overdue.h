/* Rekeys overdue: the one rule (ipsec_*_sa_rekey_overdue and the event
 * log's rekey_overdue lines use it), and the memory of which SAs were seen
 * overdue, so that an SA is reported once, at the first collection that
 * finds it overdue. */
#ifndef IKW_OVERDUE_H
#define IKW_OVERDUE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/hmap.h"

struct model;
struct event_store;

/* Overdue: the scheduled rekey (rekey_in, seconds until, TIME_NONE: none)
 * is more than margin in the past, or the SA (age seconds) is older than
 * its configured rekey time plus the margin.  *late (may be NULL) gets how
 * far past the rekey time it is. */
bool overdue_rekey(int64_t margin, int64_t rekey_in, int64_t age,
		   uint64_t cfg_rekey, int64_t *late);

/* The SAs overdue at the last collection (keys: 'i' or 'c' and the unique
 * id); as many as the snapshot had newest SAs. */
struct overdue_seen {
	struct hmap sas;
};

void overdue_seen_release(struct overdue_seen *o);
/* Emits a rekey_overdue event into s for each newest IKE or CHILD SA of m's
 * views that is overdue now and was not at the previous call, and
 * remembers the overdue ones for the next.  m's peers are already
 * redacted. */
void overdue_scan(struct overdue_seen *o, const struct model *m,
		  struct event_store *s);

#endif
