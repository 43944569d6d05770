/* The status view: every IKE and CHILD SA of a snapshot, and every
 * configured connection without one, ordered so that what needs attention
 * comes first.  Built from the model (pure); rendered as a terminal table
 * (status_table.c), JSON (status_json.c) and an HTML page (status_html.c).
 * Everything points into the snapshot or the arena it was built in. */
#ifndef IKW_STATUS_H
#define IKW_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "model/model.h"
#include "status/status_log.h"

/* Why a connection needs attention, most urgent first: the first that
 * holds wins (docs/status.md "Attention").  The control plane's faults come
 * before the data plane's: a probe through a tunnel that is down says
 * nothing new. */
enum status_attention {
	ST_DOWN,            /* expected up, no IKE SA established */
	ST_CHILD_MISSING,   /* IKE SA up, a configured child not installed */
	ST_CONNECTING,      /* an IKE SA is being negotiated */
	ST_PROBE_FAILING,   /* up, but a probe through it failed its last
			       failing_after runs in a row */
	ST_DEGRADED,        /* up, but the kernel's replay or integrity drops
			       grew within the degraded window */
	ST_OK,              /* up, or down and not expected up */
	ST_ATTENTION_COUNT
};
extern const char *const status_attention_names[ST_ATTENTION_COUNT];

/* One CHILD SA (the table shows it as two rows: in and out). */
struct status_child {
	const struct child_sa *sa;
	bool old;                   /* a newer SA of the same child exists:
				       the rekeyed one, until deleted */
	bool have_kernel;           /* its inbound kernel SA was found */
	bool no_packets;            /* the daemon counts no packets (pluto):
				       shown "-" and null, not 0 */
	uint64_t kernel_errors;     /* replay + replay window + integrity */
};

struct status_ike {
	const struct ike_sa *sa;
	bool old;                   /* rekeyed: a newer IKE SA of the conn exists */
	struct status_child *children;
	size_t nchildren;
	/* CHILD SAs negotiated over this IKE SA's life (event stream), or -1 */
	int64_t children_life;
};

struct status_conn {
	const char *name;
	const struct conn_view *view;
	enum status_attention attention;
	const char *reason;         /* one line for a human, "" when OK */
	bool expected_up, up;
	struct status_ike *ikes;    /* newest first */
	size_t nikes;
	const char **missing;       /* configured children without an
				       installed SA, while the IKE SA is up */
	size_t nmissing;
	/* the conn's probes failing now (snapshot's), in config order */
	const struct probe_view **failing;
	size_t nfailing;
	/* how far its negotiation got (no IKE SA up, one negotiating), or NULL */
	const struct negotiation_view *negotiation;
	struct status_timeline timeline;
	struct status_log log;      /* its last lines (status_log_attach) */
	time_t log_now;             /* the snapshot's time, for "seconds" */
};

struct status_view {
	const struct model *m;
	time_t at;                  /* the snapshot's collection time */
	bool ok;                    /* charon answered (vici collector) */
	const char *error;          /* why not, "" when ok */
	struct status_conn *conns;  /* attention first, then by name */
	size_t nconns;
	size_t counts[ST_ATTENTION_COUNT];
	size_t nike, nchild;        /* SAs shown */
	struct status_log log;      /* the log panel (status_log_attach) */
	struct log_store_query logq;   /* what the panel shows */
};

struct status_filter {
	const char *conn;           /* fnmatch(3) glob on the conn name, or NULL */
};

/* Builds the view of m into v, allocating from a (its lifetime bounds v's).
 * Returns 0 or -ENOMEM. */
int status_build(const struct model *m, const struct status_filter *f,
		 struct arena *a, struct status_view *v);

/* The log panel (lines of store matching panel) and each conn's last
 * STATUS_LOG_PER_CONN lines, redacted by rc, into v.  store NULL: no log.
 * Returns 0 or -ENOMEM. */
int status_log_attach(struct status_view *v, struct log_store *store,
		      const struct log_store_query *panel, const struct redact_config *rc,
		      struct arena *a);

/* `ikewatch status`'s exit status for v: 0 when every conn is ok, 1 when
 * one needs attention, 2 when charon could not be read.  The daemon sends
 * it as STATUS_EXIT_HEADER, so that `status --url` exits the same. */
int status_exit_code(const struct status_view *v);
#define STATUS_EXIT_HEADER "Ikewatch-Status-Exit"

/* Why probe p failed, for a human: "timeout", "HTTP status 503", "path
 * MTU below 1400 (mtu_min)"... into buf. */
void status_probe_reason(char *buf, size_t size, const struct probe_view *p);
/* True when one of sc's failing probes goes through child. */
bool status_child_probe_failing(const struct status_conn *sc, const char *child);

/* "1d 2h", "3h 04m", "5m 06s", "7s"; "-" for TIME_NONE or negative. */
void status_duration(char *buf, size_t size, int64_t seconds);
/* "1.2 MiB" style, 3 significant digits. */
void status_bytes(char *buf, size_t size, uint64_t bytes);
/* NAT-T as the status page says it: "none", "local", "remote", "both". */
const char *status_nat(const struct ike_sa *sa);

#endif
