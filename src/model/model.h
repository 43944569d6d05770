/* The tunnel model: one immutable snapshot of what the sources saw at one
 * collection.  Raw SAs as charon reported them, configured connections, and
 * per-connection views that aggregate SAs by the documented rules (see
 * docs/metrics.md "Aggregation").  Everything is allocated from the snapshot's
 * arena and freed with it; strings are NUL-terminated and never NULL unless
 * stated ("" when charon sent nothing). */
#ifndef IKW_MODEL_H
#define IKW_MODEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/arena.h"
#include "model/conn_certs.h"
#include "model/eventlog_view.h"
#include "model/events.h"
#include "model/kernel.h"
#include "model/negotiation.h"
#include "model/pools.h"
#include "model/probe_view.h"
#include "model/remediate_view.h"

struct ra_view;

/* Durations and ages as charon reports them, in whole seconds; TIME_NONE
 * when charon omitted the field (never used, nothing scheduled). */
#define TIME_NONE INT64_MIN

enum ike_state {
	IKE_CREATED, IKE_CONNECTING, IKE_ESTABLISHED, IKE_PASSIVE,
	IKE_REKEYING, IKE_REKEYED, IKE_DELETING, IKE_DESTROYING,
	IKE_STATE_UNKNOWN,
	IKE_STATE_COUNT
};
extern const char *const ike_state_names[IKE_STATE_COUNT];

enum child_state {
	CHILD_CREATED, CHILD_ROUTED, CHILD_INSTALLING, CHILD_INSTALLED,
	CHILD_UPDATING, CHILD_REKEYING, CHILD_REKEYED, CHILD_RETRYING,
	CHILD_DELETING, CHILD_DELETED, CHILD_DESTROYING,
	CHILD_STATE_UNKNOWN,
	CHILD_STATE_COUNT
};
extern const char *const child_state_names[CHILD_STATE_COUNT];

enum ike_state ike_state_parse(const char *s);
enum child_state child_state_parse(const char *s);

/* The label vocabulary (docs/metrics.md "Label vocabulary"): one spelling
 * per concept, whatever the source.  The IKE version: "1", "2" or "any"
 * (charon's list-conns says "IKEv2", "IKEv1", "IKEv1/2", older releases
 * "2", "1", "0"; list-sas gives the number); "" stays "" (absent),
 * anything else is "unknown". */
const char *ike_version_label(const char *charon);
/* An SA's IKE version number (1 or 2) in the same spelling. */
const char *ike_version_number_label(unsigned version);
/* The IPsec protocol, lowercase as the kernel's tables and iproute2 name
 * it: "esp", "ah", "comp" (IPComp); charon's "ESP", "AH" are read in any
 * case; "" stays ""; anything else is "other". */
const char *ipsec_protocol_label(const char *s);

struct child_sa {
	const char *name;            /* CHILD config name */
	uint32_t uniqueid, reqid;
	enum child_state state;
	const char *mode;            /* TUNNEL, as charon prints it */
	const char *protocol;        /* ipsec_protocol_label(): esp, ah */
	bool encap;                  /* UDP encapsulation (NAT-T) */
	const char *spi_in, *spi_out;/* hex as charon prints them */
	const char *cpi_in, *cpi_out;/* IPComp, "" if none */
	const char *encr_alg, *integ_alg, *prf_alg, *dh_group;
	uint32_t encr_keysize, integ_keysize;
	uint64_t bytes_in, packets_in, bytes_out, packets_out;
	int64_t use_in, use_out;     /* seconds since last packet, TIME_NONE */
	int64_t rekey_in, life_in;   /* seconds until rekey / hard expiry */
	int64_t installed_for;       /* seconds since install */
	const char *local_ts, *remote_ts; /* comma-joined */
	/* this SA's inbound kernel SA, when kernel_join() found it */
	bool kernel_in;
	struct kernel_errors kernel_errors;
};

struct ike_sa {
	const char *conn;            /* connection (config) name */
	uint32_t uniqueid;
	unsigned version;            /* 1 or 2 */
	enum ike_state state;
	const char *local_host, *remote_host, *local_id, *remote_id;
	uint16_t local_port, remote_port;
	const char *initiator_spi, *responder_spi;
	bool initiator, nat_local, nat_remote, nat_fake, nat_any;
	bool role_unknown;                /* the daemon does not say (pluto):
					     no role label, "-", null */
	const char *encr_alg, *integ_alg, *prf_alg, *dh_group;
	uint32_t encr_keysize, integ_keysize;
	const char *tasks_active;    /* exchanges under way, comma-joined, or "" */
	const char *tasks_queued;    /* exchanges waiting, comma-joined, or "" */
	const char *remote_vips;     /* virtual IPs handed to the peer, comma-joined, or "" */
	const char *pool;            /* the pool of the first of them (model/ra_view.h), or NULL */
	int64_t established_for;     /* seconds; TIME_NONE if not established */
	int64_t rekey_in, reauth_in; /* seconds until; TIME_NONE if none */
	int64_t children_negotiated; /* over its life (event stream), -1 unknown */
	struct child_sa *children;
	size_t nchildren;
};
/* "initiator" or "responder"; NULL when the daemon does not say */
const char *ike_sa_role(const struct ike_sa *s);

struct child_cfg {
	const char *name, *mode;      /* mode: TUNNEL, TRANSPORT, BEET, PASS, DROP */
	const char *local_ts, *remote_ts;
	uint64_t rekey_time, life_time; /* seconds, 0 = none */
	bool trap;                    /* a trap policy is installed (start_action
					 trap: traffic brings it up) */
};

/* How a child comes up: a shunt (PASS/DROP policy, never an SA), a trap
 * (on traffic), passive (its conn only responds), or initiated (the
 * default: start_action start, or brought up by an operator). */
enum child_start { CHILD_START_INITIATE, CHILD_START_TRAP, CHILD_START_SHUNT,
		   CHILD_START_PASSIVE, CHILD_START_COUNT };
extern const char *const child_start_names[CHILD_START_COUNT];

struct conn_cfg {
	const char *name;
	const char *version;          /* ike_version_label(): "2", "1", "any" */
	const char *local_addrs, *remote_addrs; /* comma-joined */
	uint64_t rekey_time, reauth_time;
	bool responder_only;          /* remote_addrs is %any: cannot initiate */
	struct child_cfg *children;
	size_t nchildren;
};


/* Aggregation of all CHILD SAs of one conn/child. */
struct child_view {
	const char *name;
	const struct child_cfg *cfg;      /* NULL: SA without configuration */
	enum child_start start;
	bool expected_up;                 /* its conn is, and it is initiated */
	unsigned state_count[CHILD_STATE_COUNT];
	const struct child_sa *newest;    /* newest INSTALLED, or NULL */
	struct traffic_totals totals;
	int64_t use_in, use_out;          /* most recent over all SAs, TIME_NONE */
	size_t nsas;
	struct kernel_child kernel;       /* see model/kernel.h */
};

/* Aggregation of all IKE SAs of one connection name. */
struct conn_view {
	const char *name;
	const struct conn_cfg *cfg;       /* NULL: SA without configuration */
	bool expected_up;
	unsigned state_count[IKE_STATE_COUNT];
	const struct ike_sa *newest;      /* newest ESTABLISHED, or NULL */
	struct child_view *children;      /* sorted by name */
	size_t nchildren;
	size_t nsas;
	const struct ra_view *ra;         /* remote-access conns only (model/ra_view.h) */
};

struct daemon_info {
	bool have_version, have_stats, have_counters;
	const char *daemon, *version, *sysname, *release, *machine;
	double start_time;                /* unix seconds, 0 unknown */
	uint64_t ikesas_total, ikesas_half_open;
	uint64_t workers_total, workers_idle;
	uint64_t workers_active[4];       /* critical, high, medium, low */
	uint64_t queues[4];
	uint64_t scheduled;
	bool counters_plugin;             /* listed in stats' plugins */
	bool stats_ike_only;              /* pluto: IKE SA counts, no worker
					     pool or job queues (absent) */
	/* pluto's --globalstatus; each group absent unless its keys were read */
	bool have_child_sas;              /* current.states.ipsec */
	uint64_t child_sas_total;
	bool have_negotiations;           /* total.ike.ikev2.established/failed */
	uint64_t ike_established_total, ike_failed_total;
	bool have_dpd;                    /* total.ike.dpd.sent/recv/replied */
	uint64_t dpd_sent, dpd_received, dpd_replied;
	const char **counter_names;       /* get-counters, global */
	uint64_t *counter_values;
	size_t ncounters;
};
extern const char *const job_priority_names[4];

struct collector_result {
	const char *name;
	bool success;
	double duration_seconds;
};

/* Health of the log and error-notify sources (daemon with `logs:`), as
 * logs_get_stats() reads it. */
struct log_source_stats {
	uint64_t lines;                   /* from files and VICI */
	uint64_t long_lines;              /* cut at LOG_FOLLOW_LINE_MAX */
	uint64_t rotations, truncations;
	uint64_t failures;                /* built-in failures from lines */
	uint64_t rule_matches;
	unsigned files, files_open;
	bool journal;                     /* the journal is followed */
	uint64_t journal_entries, journal_errors;
	bool error_notify, error_notify_connected;
	uint64_t error_notify_messages, error_notify_failures;
};

#define MODEL_MAX_COLLECTORS 8

/* Requests the HTTP server refused or cut, by reason (ikewatch serve);
 * reason is a static string. */
#define MODEL_HTTP_REFUSALS_MAX 8
struct http_refusal_view {
	const char *reason;
	uint64_t count;
};

struct model {
	atomic_int refs;
	struct arena arena;
	time_t collected_at;              /* unix seconds, the base of all ages */
	struct daemon_info daemon;
	bool have_sas;                    /* the SA/config data below is valid */
	struct conn_cfg *conns;           /* sorted by name */
	size_t nconns;
	struct ike_sa *ike_sas;           /* in charon's order */
	size_t nike, ike_alloc;
	uint64_t ike_sas_unlisted;        /* stats said more than list-sas gave */
	bool sa_packets_unknown;          /* the daemon counts no packets per
					     CHILD SA (pluto): absent, not 0 */
	struct conn_view *views;          /* sorted by name */
	size_t nviews;
	struct model *aux;                /* owns strings parsed in parallel */
	struct collector_result collectors[MODEL_MAX_COLLECTORS];
	size_t ncollectors;
	bool have_events;                 /* the event store is in use */
	bool have_event_stream;           /* ...and fed by the VICI event stream */
	struct event_view events;
	bool have_http;                   /* served over HTTP: refusals below */
	struct http_refusal_view http_refusals[MODEL_HTTP_REFUSALS_MAX];
	size_t nhttp_refusals;
	bool have_logs;                   /* log sources configured */
	struct log_source_stats logs;
	int64_t rekey_overdue_margin;     /* seconds */
	struct kernel_state kernel;       /* see model/kernel.h */
	struct probe_snapshot probes;     /* see model/probe_view.h */
	struct remediate_snapshot remediation; /* see model/remediate_view.h */
	struct cert_store certs;          /* see model/conn_certs.h */
	struct eventlog_snapshot eventlog; /* see model/eventlog_view.h */
	struct pool_store pools;          /* see model/pools.h */
	struct negotiation_snapshot negotiation; /* see model/negotiation.h */
};

struct model *model_new(void);
void model_ref(struct model *m);
void model_unref(struct model *m);     /* accepts NULL */

/* Appends an IKE SA slot (zeroed, times TIME_NONE); NULL on ENOMEM. */
struct ike_sa *model_add_ike_sa(struct model *m);
void model_record_collector(struct model *m, const char *name, bool success,
			    double seconds);

#endif
