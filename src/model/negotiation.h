/* How far a negotiation got: for an IKE SA that is not established, the
 * exchange in flight (from charon's tasks, else from the log), since when
 * it has been trying, the retransmits and tries the log shows and the
 * conn's last error line.  The IKEv2 counterpart of "Negotiating(x)".
 * Filled into the snapshot by the log store's contributor
 * (logs/log_progress.c); read by the status view and the metrics. */
#ifndef IKW_NEGOTIATION_H
#define IKW_NEGOTIATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ike_sa;

enum ike_exchange {
	IKE_EXCH_NONE,
	IKE_EXCH_IKE_SA_INIT,
	IKE_EXCH_IKE_AUTH,
	IKE_EXCH_CREATE_CHILD_SA,
	IKE_EXCH_INFORMATIONAL,
	IKE_EXCH_COUNT
};
/* "" for IKE_EXCH_NONE */
extern const char *const ike_exchange_names[IKE_EXCH_COUNT];

/* The exchange charon's active tasks (else its queued ones) belong to, as
 * list-sas names them: IKE_INIT -> IKE_SA_INIT, IKE_AUTH -> IKE_AUTH,
 * CHILD_CREATE, CHILD_REKEY, IKE_REKEY -> CREATE_CHILD_SA, IKE_DPD,
 * IKE_DELETE, CHILD_DELETE, IKE_MOBIKE -> INFORMATIONAL.  *queued is set
 * when only the queue named one. */
enum ike_exchange negotiation_exchange(const char *tasks_active, const char *tasks_queued,
				       bool *queued);

/* True when charon's active tasks create a CHILD SA (CHILD_CREATE; a
 * rekey is not a negotiation of the conn). */
bool negotiation_creates_child(const char *tasks_active);

/* One conn that has an IKE SA being negotiated, or (child) a CHILD SA
 * being created over its established IKE SA. */
struct negotiation_view {
	const char *conn;
	bool child;                    /* a CHILD SA over the up IKE SA sa_id */
	uint32_t sa_id;                /* the negotiating IKE SA */
	enum ike_exchange exchange;    /* in flight; NONE: unknown */
	bool from_log;                 /* exchange from the log, not from tasks */
	bool queued;                   /* only queued, not yet sent */
	double since;                  /* Unix time it started trying, 0 unknown */
	unsigned retransmits;          /* of this try, as the log shows them */
	unsigned tries;                /* "initiating IKE_SA" since the last up */
	const char *last_error;        /* the conn's last failure line, "" none */
	double last_error_at;          /* Unix time, 0 none */
};

struct negotiation_snapshot {
	bool have;                     /* the daemon tracks negotiations */
	struct negotiation_view *v;    /* sorted by conn */
	size_t n;
};

/* conn's entry in s, or NULL. */
const struct negotiation_view *negotiation_find(const struct negotiation_snapshot *s,
						const char *conn);

#endif
