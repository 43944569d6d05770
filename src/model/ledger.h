/* Traffic ledger: keeps byte and packet totals per conn/child monotonic while
 * CHILD SAs come and go.  charon's counters belong to one SA; at a rekey the
 * new SA starts at zero and the old one disappears a few seconds later.  The
 * ledger remembers the last counters of every SA it saw (keyed by unique id
 * and both SPIs, so ids reused after a charon restart do not collide) and,
 * when an SA is gone from a complete listing, folds them into a base.  The
 * total of a conn/child is base + the last counters of its known SAs.
 * Owned by one collector; not thread-safe. */
#ifndef IKW_LEDGER_H
#define IKW_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/hmap.h"
#include "model/events.h"
#include "model/model.h"

/* One CHILD SA the ledger knows, and one conn/child.  Public for the state
 * file codec (ledger_state.c); everyone else uses the functions. */
struct ledger_sa {
	uint32_t uniqueid;
	char spi_in[24], spi_out[24];
	struct traffic_totals last;
	uint64_t seen;              /* generation last seen */
};

struct ledger_entry {
	struct traffic_totals base; /* folded counters of SAs that are gone */
	struct ledger_sa *sas;
	size_t nsas, alloc;
};

struct ledger {
	struct hmap entries;   /* "conn\0child" -> struct ledger_entry */
	uint64_t generation;
};

#define LEDGER_INIT { HMAP_INIT, 0 }

/* Records every CHILD SA of the model's IKE SAs.  complete=false (charon
 * skipped or dropped SAs) keeps unseen SAs as they are instead of folding
 * them.  Returns 0 or -ENOMEM. */
int ledger_update(struct ledger *l, const struct model *m, bool complete);

/* The same in steps, for other per-SA counters (the kernel's): begin, one
 * observe per live SA (counters of one SA only grow: the maximum is kept per
 * field, so the inbound and outbound halves of one SA may be observed
 * separately), end folds the SAs not observed when the listing was
 * complete.  observe returns 0 or -ENOMEM. */
void ledger_begin(struct ledger *l);
int ledger_observe(struct ledger *l, const char *conn, const char *child,
		   uint32_t uniqueid, const char *spi_in, const char *spi_out,
		   const struct traffic_totals *t);
void ledger_end(struct ledger *l, bool complete);
/* The final counters of an SA that went away (from an event): raise its last
 * counters to them if the ledger knows the SA (by unique id and SPIs, or by
 * unique id alone when the final has no SPIs), so traffic after the last
 * scrape is not lost.  SAs the ledger never saw are ignored: counting them
 * could count twice if a listing later shows them. */
void ledger_apply_final(struct ledger *l, const struct sa_final *f);
/* Totals of a conn/child (zeros if unknown). */
struct traffic_totals ledger_totals(const struct ledger *l, const char *conn,
				    const char *child);
/* Drops entries with no live SA for which keep(conn, child) is false. */
void ledger_prune(struct ledger *l, bool (*keep)(void *ctx, const char *conn,
		  const char *child), void *ctx);
void ledger_release(struct ledger *l);

/* Recreates an entry read from a state file (replacing one of that name).
 * Returns 0 or -ENOMEM/-EINVAL. */
int ledger_restore(struct ledger *l, const char *conn, const char *child,
		   const struct traffic_totals *base,
		   const struct ledger_sa *sas, size_t nsas);

#endif
