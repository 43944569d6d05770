/* What a snapshot holds of the probes: one entry per configured probe that
 * has run, copied from the result store at the collection (see
 * probe_store.h).  Strings live in the snapshot's arena. */
#ifndef IKW_PROBE_VIEW_H
#define IKW_PROBE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum probe_type {
	PROBE_ICMP,     /* echo requests: loss and round-trip time */
	PROBE_TCP,      /* connect() to a port */
	PROBE_MTU,      /* echo requests with DF at a ladder of sizes */
	PROBE_HTTP,     /* a GET whose answer must come back whole */
	PROBE_TYPE_COUNT
};
extern const char *const probe_type_names[PROBE_TYPE_COUNT];

/* Why a run failed: a closed set, so that it can be a label. */
enum probe_fail {
	PROBE_FAIL_NONE,
	PROBE_FAIL_TIMEOUT,      /* nothing came back in time */
	PROBE_FAIL_REFUSED,      /* TCP: the peer's host answered with a reset */
	PROBE_FAIL_UNREACHABLE,  /* ICMP unreachable, or no route */
	PROBE_FAIL_ERROR,        /* a local error: socket, namespace, send */
	PROBE_FAIL_UNRESOLVED,   /* the target (or source) could not be derived */
	PROBE_FAIL_STATUS,       /* http: a status code not expected */
	PROBE_FAIL_BODY,         /* http: the expected text is not in the body */
	PROBE_FAIL_SHORT,        /* http: fewer than min_bytes, or cut short */
	PROBE_FAIL_STALLED,      /* http: the answer began, did not end in time
				  * (small packets pass, full-size ones do not:
				  * an MTU black hole's signature) */
	PROBE_FAIL_PROTOCOL,     /* http: not a well-formed HTTP/1.x answer */
	PROBE_FAIL_TLS,          /* https: the handshake failed (certificate not
				  * trusted or not for server_name, no common
				  * version or cipher, an alert) */
	PROBE_FAIL_COUNT
};
extern const char *const probe_fail_names[PROBE_FAIL_COUNT];

/* Round-trip time buckets (seconds): from a LAN-local peer (well under a
 * millisecond) to a satellite or congested tunnel, up to the longest
 * sensible timeout. */
#define PROBE_HIST_NBOUNDS 13
extern const double probe_hist_bounds[PROBE_HIST_NBOUNDS];

/* The phases of an http probe's run, one after the other: their durations
 * add up to the run's. */
enum probe_http_phase {
	PROBE_HTTP_CONNECT,      /* SYN to established */
	PROBE_HTTP_TLS,          /* https: established to the handshake's end */
	PROBE_HTTP_FIRST_BYTE,   /* established (https: handshake done) to the
				    answer's first byte */
	PROBE_HTTP_TRANSFER,     /* first byte to the last (or the deadline) */
	PROBE_HTTP_PHASES
};
extern const char *const probe_http_phase_names[PROBE_HTTP_PHASES];

/* The TLS version an https run agreed on: a closed set, so that it can be
 * a label (TLS 1.2 and later only: the client offers nothing older). */
enum probe_tls_version {
	PROBE_TLS_NONE,          /* plain http, or no handshake finished */
	PROBE_TLS_1_2,
	PROBE_TLS_1_3,
	PROBE_TLS_VERSIONS
};
/* blackbox_exporter's spelling (probe_tls_version_info): "TLS 1.3" */
extern const char *const probe_tls_version_names[PROBE_TLS_VERSIONS];

/* What an http run saw. */
struct probe_http_view {
	int status;                   /* 0: no status line read */
	uint64_t bytes;               /* received: head and body */
	double phase[PROBE_HTTP_PHASES];  /* seconds; < 0: not reached */
	enum probe_tls_version tls_version;  /* https: of the finished handshake */
	double tls_not_after;         /* https: Unix time the earliest certificate
					 the server sent expires; 0: none came */
};

struct probe_view {
	const char *conn, *child, *name, *target, *source;
	enum probe_type type;
	bool tls;                     /* http probes: https */
	bool success;                 /* of the last run */
	enum probe_fail fail;         /* why the last run failed */
	double loss_ratio;            /* last run; NaN for mtu probes */
	unsigned mtu;                 /* mtu probes: largest size that passed */
	struct probe_http_view http;  /* http probes */
	double last_run;              /* Unix time the last run ended (or the
					 last quiet run was due) */
	bool by_traffic;              /* success is traffic's (a quiet run) */
	/* runs failed in a row up to the last (a quiet run ends the streak:
	 * traffic proved the tunnel); failing once it reaches the probe's
	 * failing_after */
	uint64_t consecutive_failures;
	bool failing;
	unsigned mtu_floor;           /* mtu probes: the smallest size searched */
	uint64_t runs;                /* runs made; quiet runs not included */
	uint64_t quiet_runs;          /* runs skipped: traffic proved the tunnel */
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
