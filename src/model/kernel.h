/* The kernel's side of a snapshot: XFRM SAs and policies, the XFRM error
 * counters and the legacy KLIPS table, as the kernel collectors read them,
 * and their join with charon's CHILD SAs.
 *
 * Join: a kernel SA belongs to the CHILD SA whose inbound or outbound SPI
 * it carries (as charon prints it, "%08x") and whose reqid it has (any
 * reqid for a CHILD SA of reqid 0: pluto reports none).  Its
 * counters then count under that CHILD SA's conn/child, kept monotonic
 * across rekeys by ledgers like charon's traffic.  SAs that no CHILD SA
 * claims (set up by hand, or by another daemon) are summed per source,
 * destination and protocol. */
#ifndef IKW_KERNEL_H
#define IKW_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse/klips_parse.h"
#include "parse/xfrm_parse.h"
#include "parse/xfrm_stat_parse.h"
#include "model/events.h"

struct model;
struct ledger;

/* The kernel's replay and integrity failures, per SA only growing. */
struct kernel_errors {
	uint64_t replay;          /* replayed packets dropped */
	uint64_t replay_window;   /* packets outside the replay window */
	uint64_t integrity;       /* integrity check failed */
};

/* Kernel figures of one conn/child (in struct child_view). */
struct kernel_child {
	bool have;                      /* a kernel SA of the child was found */
	size_t nsas;                    /* live kernel SAs joined */
	struct traffic_totals traffic;  /* monotonic, from a ledger */
	struct kernel_errors errors;    /* monotonic, from a ledger */
	/* errors grew at a recent collection (model/error_trend.h; the
	 * daemon: one-shot runs have no previous collection) */
	bool errors_rising;
	int64_t errors_rose_at;         /* Unix time, TIME_NONE: never seen */
	/* the newest installed CHILD SA's inbound kernel SA: Unix times of its
	 * soft (rekey) and hard expiry by its add-time limits, TIME_NONE when
	 * the kernel has none (charon usually rekeys by its own timers) */
	int64_t soft_expire, hard_expire;
};

/* Kernel SAs no CHILD SA claims, summed per src, dst and protocol. */
struct kernel_other {
	const char *src, *dst, *proto;
	size_t nsas;
	uint64_t bytes, packets;
	struct kernel_errors errors;
};

struct kernel_state {
	bool have_xfrm;
	struct xfrm_sa_rec *sas;        /* arena copy */
	size_t nsas, joined;
	uint64_t policies[XFRM_DIR_COUNT][XFRM_ACTION_COUNT];
	uint64_t policies_other;
	struct kernel_other *other;     /* sorted by src, dst, proto */
	size_t nother;

	bool have_xfrm_stat;
	struct xfrm_stat *stat;

	bool have_klips;
	struct klips_sa *klips;
	size_t nklips;
};

/* Ledgers that keep the joined kernel counters monotonic; owned by the
 * scraper next to charon's traffic ledger. */
struct kernel_ledgers {
	struct ledger *traffic;
	struct ledger *errors;
};

/* Joins m->kernel to m's CHILD SAs and fills each child view's kernel
 * figures (the views must be built).  complete: charon's listing and the
 * kernel dump were both complete, so SAs gone from them may be folded.
 * Returns 0 or -ENOMEM. */
int kernel_join(struct model *m, const struct kernel_ledgers *l, bool complete);

/* Sorts ks->other by src, dst, proto and adds up the entries that became
 * equal (redaction gives two addresses one alias): two samples with the
 * same labels would break the scrape. */
void kernel_other_merge(struct kernel_state *ks);

#endif
