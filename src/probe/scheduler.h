/* The probe scheduler: one thread that runs every probe on its own timer.
 * Each probe first runs at its offset (spread.h) and then every interval at
 * a fixed rate, so the spread holds.  Runs are non-blocking state machines
 * (probe_run.h) driven by one ppoll(); at most max_concurrent are in flight,
 * so a probe that waits for its timeout delays no other.  Nothing here
 * touches VICI or the HTTP server: a slow charon or a slow scrape never
 * delays a probe, and results reach scrapes only through the store. */
#ifndef IKW_SCHEDULER_H
#define IKW_SCHEDULER_H

#include "common/err.h"
#include "probe/probe.h"
#include "probe/probe_store.h"

struct probe_sched;

/* pc and store must outlive the scheduler.  Returns 0 or -errno (err set). */
int probe_sched_start(struct probe_sched **out, const struct probe_config *pc,
		      struct probe_store *store, struct ikw_err *err);
/* Stops the thread, abandoning runs in flight; accepts NULL. */
void probe_sched_stop(struct probe_sched *s);

/* Asks for a fresh run of probe idx: one that starts after this call (a
 * run in flight does not count), at once when a slot is free, never
 * skipped as quiet.  Thread-safe.  Returns its ticket for
 * probe_store_wait(), 0 when s is NULL or idx out of range. */
uint64_t probe_sched_request(struct probe_sched *s, size_t idx);

/* Runs every probe once, at once (with the same concurrency cap), in the
 * calling thread, and returns when all have finished.  Returns 0, or
 * -ENOMEM, or -errno when the https probes' trust cannot be loaded
 * (logged). */
int probe_sched_run_once(const struct probe_config *pc, struct probe_store *store);

#endif
