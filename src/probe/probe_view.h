/* What a snapshot holds of the probes: one entry per configured probe that
 * has run, copied from the result store at the collection (see
 * probe_store.h).  Strings live in the snapshot's arena. */
#ifndef IKW_PROBE_VIEW_H
#define IKW_PROBE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"

/* Round-trip time buckets (seconds): from a LAN-local peer (well under a
 * millisecond) to a satellite or congested tunnel, up to the longest
 * sensible timeout. */
#define PROBE_HIST_NBOUNDS 13
extern const double probe_hist_bounds[PROBE_HIST_NBOUNDS];

struct probe_view {
	const char *conn, *child, *name, *target, *source;
	enum probe_type type;
	bool success;                 /* of the last run */
	enum probe_fail fail;         /* why the last run failed */
	double loss_ratio;            /* last run; NaN for mtu probes */
	unsigned mtu;                 /* mtu probes: largest size that passed */
	double last_run;              /* Unix time the last run ended */
	uint64_t runs;
	uint64_t failures[PROBE_FAIL_COUNT];
	uint64_t buckets[PROBE_HIST_NBOUNDS];  /* not cumulative */
	uint64_t rtt_count;
	double rtt_sum;
};

struct probe_snapshot {
	bool have;                    /* probes are configured */
	bool cumulative;              /* counters and histograms mean something
				       * (the daemon); not in one-shot runs */
	struct probe_view *v;         /* probes that ran, in config order */
	size_t n;
};

#endif
