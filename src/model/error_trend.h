/* Kernel errors that are rising, as opposed to ones counted once: the
 * status view calls a conn degraded only while its children's replay and
 * integrity failures grow, not forever after one replayed packet.  The
 * memory is the previous collection's error totals of each conn/child
 * (monotonic across rekeys, from the error ledger) and when they last grew;
 * it lives in the scraper, between snapshots. */
#ifndef IKW_ERROR_TREND_H
#define IKW_ERROR_TREND_H

#include <stdint.h>

#include "common/hmap.h"

struct model;

#define ERROR_TREND_WINDOW_DEFAULT 300   /* seconds */

struct error_trend {
	struct hmap children;     /* "conn\0child" -> struct error_trend_entry */
};

#define ERROR_TREND_INIT { HMAP_INIT }

void error_trend_release(struct error_trend *t);
/* Compares the kernel error totals of m's child views (kernel_join() has
 * filled them) with the previous call's and sets each view's
 * kernel.errors_rose_at and kernel.errors_rising: the totals grew at a
 * collection less than window seconds before m's.  A child first seen has
 * no baseline: its errors count as rising only once they grow.  Children
 * gone from m are forgotten.  Returns 0 or -ENOMEM (the trend is then
 * partial: errors seen for the first time again). */
int error_trend_update(struct error_trend *t, struct model *m, int64_t window);

#endif
