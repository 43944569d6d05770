/* Results of the probes: the scheduler writes one result per finished run,
 * the resolver writes the addresses of probes whose target or source is
 * derived from a traffic selector, and a scrape copies everything into its
 * snapshot.  One mutex, held only for copies, so neither side waits on the
 * other's I/O (like model/events.c). */
#ifndef IKW_PROBE_STORE_H
#define IKW_PROBE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"
#include "probe/probe_addr.h"
#include "model/probe_view.h"

struct arena;

/* One finished run. */
struct probe_result {
	bool success;
	enum probe_fail fail;         /* NONE when success */
	double loss_ratio;            /* NaN: not measured (mtu) */
	unsigned mtu;
	struct probe_http_view http;  /* http probes */
	double rtt[PROBE_COUNT_MAX];  /* seconds, answered attempts */
	size_t nrtt;
	double finished_at;           /* Unix time */
	char target[PROBE_HOSTPORT_MAX];  /* "A.B.C.D" or "2001:db8::1"; tcp, http
					     "A.B.C.D:PORT", "[2001:db8::1]:PORT";
					     "" unresolved */
	char source[PROBE_ADDR_MAX];  /* "" when the kernel chose */
	uint64_t ticket;              /* the fresh-run request it served, 0 none
					 (probe_sched_request) */
};

/* The addresses of the next run; a source is of the target's family. */
struct probe_addrs {
	bool target_known;
	struct probe_ip target;
	bool has_source;              /* bind to source */
	struct probe_ip source;
	bool source_unknown;          /* derived, but not (yet) derivable */
};

struct probe_store;

/* pc must outlive the store.  Addresses given in the config are known at
 * once; derived ones wait for probe_store_set_addrs().  NULL on ENOMEM. */
struct probe_store *probe_store_new(const struct probe_config *pc);
void probe_store_free(struct probe_store *s);     /* accepts NULL */

void probe_store_record(struct probe_store *s, size_t idx, const struct probe_result *r);
void probe_store_addrs(struct probe_store *s, size_t idx, struct probe_addrs *out);
void probe_store_set_addrs(struct probe_store *s, size_t idx, const struct probe_addrs *a);

/* Waits until a run of probe idx that started after the request with
 * this ticket (probe_sched_request) has finished, at most timeout_ms; that
 * run's result into out.  0, or -ETIMEDOUT, or -EINVAL for a bad idx. */
int probe_store_wait(struct probe_store *s, size_t idx, uint64_t ticket, unsigned timeout_ms,
		     struct probe_result *out);

/* A collection that started at Unix time read_at read the packet counters
 * of the probe's child (sums over its SAs, both directions). */
void probe_store_traffic(struct probe_store *s, size_t idx, uint64_t packets_in,
			 uint64_t packets_out, double read_at);
/* A run of probe idx is due at Unix time now: true when the probe has
 * quiet_when_traffic and the child's traffic proved the tunnel since its
 * previous run; the run is then not made and counted as quiet, and the
 * probe's result is success by traffic (no loss or round trip measured). */
bool probe_store_quiet(struct probe_store *s, size_t idx, double now);

/* Copies the probes that ran into out (strings in a).  Returns 0 or
 * -ENOMEM. */
int probe_store_view(struct probe_store *s, struct arena *a, bool cumulative,
		     struct probe_snapshot *out);

#endif
