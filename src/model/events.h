/* Event store: what happened between scrapes.  The VICI event stream, the
 * error-notify socket and the log collector write here from their own
 * threads; a scrape copies a consistent view into its snapshot.  Counters only
 * grow while ikewatch runs.  The number of keys is capped (labels come from
 * charon and logs): past the cap, new keys are counted under conn "other"
 * and in ikewatch_events_dropped_total. */
#ifndef IKW_EVENTS_H
#define IKW_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event_record.h"

struct arena;

/* Monotonic traffic totals of one conn/child (also used by the ledger). */
struct traffic_totals {
	uint64_t bytes_in, bytes_out, packets_in, packets_out;
};

enum event_kind {
	EV_IKE_UP, EV_IKE_DOWN, EV_IKE_REKEY,
	EV_CHILD_UP, EV_CHILD_DOWN, EV_CHILD_REKEY,
	EV_KIND_COUNT
};
extern const char *const event_kind_names[EV_KIND_COUNT];

/* Why a negotiation, a rekey or an SA failed: a closed set, so that it can be
 * a label. */
enum fail_reason {
	FAIL_AUTH,               /* authentication failed (either side) */
	FAIL_NO_PROPOSAL,        /* NO_PROPOSAL_CHOSEN, IKE or CHILD */
	FAIL_TS_UNACCEPTABLE,    /* TS_UNACCEPTABLE / traffic selector mismatch */
	FAIL_PEER_UNREACHABLE,   /* retransmits exhausted */
	FAIL_DPD_TIMEOUT,        /* retransmits exhausted on a DPD exchange */
	FAIL_REKEY,              /* a rekey failed */
	FAIL_INVALID_KE,         /* INVALID_KE_PAYLOAD */
	FAIL_HALF_OPEN,          /* half-open timeout or DoS limit */
	FAIL_INSTALL,            /* installing the CHILD SA or policy failed */
	FAIL_CERT,               /* certificate expired, revoked, no issuer */
	FAIL_NO_VIP,             /* no virtual IP left (pool exhausted) */
	FAIL_OTHER,
	FAIL_REASON_COUNT
};
extern const char *const fail_reason_names[FAIL_REASON_COUNT];

/* Where a failure was seen: one source per failure, so they never double
 * count. */
enum fail_source { FAIL_SRC_ERROR_NOTIFY, FAIL_SRC_LOG, FAIL_SRC_VICI, FAIL_SRC_COUNT };
extern const char *const fail_source_names[FAIL_SRC_COUNT];

#define EVENT_LABELS_MAX 4

struct event_store;

struct event_store *event_store_new(size_t max_keys);
void event_store_free(struct event_store *s);

/* child is NULL for IKE events; ts is Unix time. */
void event_store_count(struct event_store *s, enum event_kind k,
		       const char *conn, const char *child, double ts);
/* conn may be NULL or "" (unknown) → counted under conn "".  A failure
 * that is counted is also handed to the sink (as rekey_failed or failure);
 * one the alerts already count is neither. */
void event_store_failure(struct event_store *s, enum fail_reason r,
			 enum fail_source src, const char *conn, double ts);
/* The same, with what the source knows beside (peers, ids) for the sink:
 * more may be NULL; its kind, conn, reason and source are set here. */
void event_store_failure_rec(struct event_store *s, enum fail_reason r,
			     enum fail_source src, const char *conn, double ts,
			     const struct event_record *more);

/* The event log's sink: every event the sources report is handed to it,
 * in the reporting thread, right after it is counted (fn must not block).
 * Set before any source starts; fn NULL turns it off. */
void event_store_set_sink(struct event_store *s, event_sink_fn fn, void *ctx);
/* Hands r to the sink, if any (s may be NULL); r->when {0,0} becomes now. */
void event_store_emit(struct event_store *s, const struct event_record *r);
/* An operator-defined log rule matched: counted as
 * ipsec_log_rule_matches_total{rule=NAME, label=value...}. */
void event_store_rule(struct event_store *s, const char *rule,
		      const char *const *label_names,
		      const char *const *label_values, size_t nlabels);
/* charon raised an alert (charon 6's VICI `alert` event): type is an enum
 * alert_type (model/alert.h), conn "" when it is not tied to an IKE SA. */
#define EVENT_ALERT_TYPES 34
void event_store_alert(struct event_store *s, unsigned type, const char *conn);
/* Whether the stream receives alerts.  While it does, the failures that
 * alerts report are counted from them only: the error-notify socket (the
 * same alerts) and the log lines of those reasons are not counted again. */
void event_store_set_alerts_live(struct event_store *s, bool live);
/* The same with a count, for counters restored from a state file; n 0
 * only sets the last failure (when ts is later). */
void event_store_failure_add(struct event_store *s, enum fail_reason r,
			     const char *conn, uint64_t n, double ts);
void event_store_rule_add(struct event_store *s, const char *rule,
			  const char *const *label_names,
			  const char *const *label_values, size_t nlabels,
			  uint64_t n);
/* CHILD SAs negotiated over an IKE SA's life (child up and rekey events),
 * known for IKE SAs that came up while the stream was connected; the map is
 * bounded and an IKE SA's entry goes with its down event. */
#define EVENT_IKE_CHILDREN_MAX 200000
void event_store_ike_child(struct event_store *s, uint32_t ike_id);
void event_store_ike_gone(struct event_store *s, uint32_t ike_id);
/* The count, or -1 when unknown. */
int64_t event_store_ike_children(struct event_store *s, uint32_t ike_id);

/* How long IKE SAs lived, per conn (ipsec_ra_session_duration_seconds):
 * an IKE SA's up time is remembered by unique id (bounded like the map
 * above; follows ike-rekey to the new SA) and observed at its down event.
 * IKE SAs that came up before the stream connected are not observed. */
#define SESSION_HIST_NBOUNDS 9
extern const double session_hist_bounds[SESSION_HIST_NBOUNDS];
void event_store_ike_since(struct event_store *s, uint32_t ike_id, double ts);
void event_store_ike_rekeyed(struct event_store *s, uint32_t old_id,
			     uint32_t new_id);
void event_store_ike_ended(struct event_store *s, const char *conn,
			   uint32_t ike_id, double ts);

/* The event stream lost events (charon restarted, queue overflow). */
void event_store_note_gap(struct event_store *s);

/* The last counters of a CHILD SA that went away (child-rekey's old SA,
 * child-updown down), so the ledger can count the traffic it carried after
 * the last scrape.  Kept in a bounded queue until the next scrape takes
 * them; overflow drops the oldest. */
struct sa_final {
	char conn[128], child[128];
	uint32_t uniqueid;
	char spi_in[24], spi_out[24];
	struct traffic_totals totals;
};
#define EVENT_FINALS_MAX 4096

void event_store_final(struct event_store *s, const struct sa_final *f);
/* Moves up to max queued finals into out; returns how many. */
size_t event_store_take_finals(struct event_store *s, struct sa_final *out,
			       size_t max);
/* Whether the event stream is connected (for ikewatch_event_stream_up). */
void event_store_set_connected(struct event_store *s, bool up);

/* ---- read side: a copy taken under the lock ---------------------------- */

struct event_counts {
	const char *conn, *child;           /* child "" for IKE-level rows */
	uint64_t count[EV_KIND_COUNT];
	double last[EV_KIND_COUNT];         /* Unix time, 0 = never */
};

struct failure_counts {
	const char *conn;
	uint64_t count[FAIL_REASON_COUNT];
	enum fail_reason last_reason;
	double last;                        /* Unix time of the last failure */
};

struct alert_counts {
	const char *conn;
	uint64_t count[EVENT_ALERT_TYPES];
};

struct rule_count {
	const char *rule;
	const char *label_names[EVENT_LABELS_MAX];
	const char *label_values[EVENT_LABELS_MAX];
	size_t nlabels;
	uint64_t count;
};

struct duration_counts {
	const char *conn;
	uint64_t buckets[SESSION_HIST_NBOUNDS]; /* not cumulative */
	uint64_t count;
	double sum;
};

struct event_view {
	struct event_counts *events;        /* sorted by conn, child */
	size_t nevents;
	struct failure_counts *failures;    /* sorted by conn */
	size_t nfailures;
	struct rule_count *rules;           /* sorted by rule, labels */
	size_t nrules;
	struct alert_counts *alerts;        /* sorted by conn */
	size_t nalerts;
	struct duration_counts *durations;  /* sorted by conn */
	size_t ndurations;
	bool alerts_live;
	uint64_t dropped;                   /* over the key cap */
	uint64_t gaps;
	bool connected;
};

/* Copies the store into v, allocated from the arena.  Returns 0 or
 * -ENOMEM. */
int event_store_view(struct event_store *s, struct arena *a,
		     struct event_view *v);

#endif
