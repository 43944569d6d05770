/* The probes as the rest of ikewatch sees them: started with `serve`,
 * their addresses derived from the traffic selectors of each collection,
 * their results copied into each snapshot; or run once for a one-shot
 * command.  See docs/metrics.md "Probes". */
#ifndef IKW_PROBES_H
#define IKW_PROBES_H

#include <stdbool.h>

#include "common/err.h"
#include "probe/probe.h"

struct model;
struct probe_runtime;

/* Starts the scheduler for pc (which must outlive the runtime).  Returns 0
 * with *out set, or -errno with err set. */
int probes_start(struct probe_runtime **out, const struct probe_config *pc,
		 struct ikw_err *err);
void probes_stop(struct probe_runtime *rt);    /* accepts NULL */

/* What a fresh run of a conn's probes saw (probes_run_now). */
struct probes_fresh {
	size_t n, nfailed;            /* probes run, of which failed */
	char first_failure[200];      /* "icmp (198.19.0.1): timeout", or "" */
};

/* Runs every probe of conn (of its child, unless child is NULL or "")
 * afresh through the daemon's scheduler: runs that start after this call,
 * not the last results, and never skipped as quiet.  Blocks until all have
 * finished (each within a bound of its own timeouts).  Returns 0 with out
 * filled, -ENOENT when the conn has no probe, -ETIMEDOUT when a run did not
 * finish in its bound (counted as failed), -EINVAL without a runtime. */
int probes_run_now(struct probe_runtime *rt, const char *conn, const char *child,
		   struct probes_fresh *out);

/* Some probe's target or source comes from a traffic selector. */
bool probes_derived(const struct probe_config *pc);

/* The daemon's contributor (ctx: the runtime): for each collection derives
 * addresses from m's configured children (when m has them) and copies the
 * results into m->probes. */
void probes_contribute(void *ctx, struct model *m);

/* The one-shot commands' contributor (ctx: the const struct probe_config):
 * runs every probe once against the traffic selectors the collectors just
 * put into m, and fills m->probes (gauges only: no counters or histograms)
 * before the snapshot is shared. */
void probes_once_contribute(void *ctx, struct model *m);

/* Derives the addresses of probe i from m into a (pure; for tests and for
 * blackbox-config).  Returns 0, or -errno with err saying why. */
struct probe_addrs;
int probes_derive(const struct probe_spec *sp, const struct model *m,
		  struct probe_addrs *a, struct ikw_err *err);

#endif
