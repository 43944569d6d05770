/* Probes that stay quiet while real traffic flows (`quiet_when_traffic`):
 * a run is skipped when the CHILD SA's inbound and outbound packet counters
 * both rose since the previous run, because the tunnel proved itself.
 *
 * The baseline is taken from the first collection that STARTED after a
 * run had finished, so that the probe's own packets never count as traffic
 * (else a probe would prove itself and skip every other run forever); a
 * collection already under way when the run ended may have read the
 * counters before the run's last packets.  Pure: the probe store holds one
 * per probe under its lock. */
#ifndef IKW_PROBE_QUIET_H
#define IKW_PROBE_QUIET_H

#include <stdbool.h>
#include <stdint.h>

struct probe_quiet {
	bool need_base;            /* a run finished: next counters are the base */
	bool have_base, have_seen;
	double ran_at;             /* Unix time the last run finished */
	uint64_t base_in, base_out, seen_in, seen_out;
};

/* A collection that started at Unix time read_at read the child's packet
 * counters (sums over its SAs). */
void probe_quiet_seen(struct probe_quiet *q, uint64_t in, uint64_t out,
		      double read_at);
/* A real run finished at Unix time at. */
void probe_quiet_ran(struct probe_quiet *q, double at);
/* A run is due: true when traffic proved the tunnel since the previous run
 * (or the previous skip), and then the next skip needs a new rise. */
bool probe_quiet_proved(struct probe_quiet *q);

#endif
