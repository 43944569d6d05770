/* charon's alerts: the fixed set of conditions that its bus raises
 * (alert_t), which the VICI `alert` event (charon 6.0.3 and later) names in
 * lower case with dashes and the error-notify plugin sends as numbers.  One
 * table says which alerts are failures of a connection and as what, so that
 * both sources count the same failure the same way. */
#ifndef IKW_ALERT_H
#define IKW_ALERT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/events.h"

/* In charon's order (libcharon/bus/listeners/listener.h, 6.0.6). */
enum alert_type {
	ALERT_RADIUS_NOT_RESPONDING, ALERT_SHUTDOWN_SIGNAL,
	ALERT_LOCAL_AUTH_FAILED, ALERT_PEER_AUTH_FAILED, ALERT_PEER_ADDR_FAILED,
	ALERT_PEER_INIT_UNREACHABLE, ALERT_INVALID_IKE_SPI,
	ALERT_PARSE_ERROR_HEADER, ALERT_PARSE_ERROR_BODY, ALERT_RETRANSMIT_SEND,
	ALERT_RETRANSMIT_SEND_CLEARED, ALERT_RETRANSMIT_SEND_TIMEOUT,
	ALERT_RETRANSMIT_RECEIVE, ALERT_HALF_OPEN_TIMEOUT,
	ALERT_PROPOSAL_MISMATCH_IKE, ALERT_PROPOSAL_MISMATCH_CHILD,
	ALERT_TS_MISMATCH, ALERT_TS_NARROWED, ALERT_INSTALL_CHILD_SA_FAILED,
	ALERT_INSTALL_CHILD_POLICY_FAILED, ALERT_UNIQUE_REPLACE, ALERT_UNIQUE_KEEP,
	ALERT_KEEP_ON_CHILD_SA_FAILURE, ALERT_VIP_FAILURE,
	ALERT_AUTHORIZATION_FAILED, ALERT_IKE_SA_EXPIRED, ALERT_CERT_EXPIRED,
	ALERT_CERT_REVOKED, ALERT_CERT_VALIDATION_FAILED, ALERT_CERT_NO_ISSUER,
	ALERT_CERT_UNTRUSTED_ROOT, ALERT_CERT_EXCEEDED_PATH_LEN,
	ALERT_CERT_POLICY_VIOLATION,
	ALERT_UNKNOWN,          /* a name this build does not know (newer charon) */
	ALERT_TYPE_COUNT
};

/* "radius-not-responding", ..., "unknown": the `type` label. */
const char *alert_type_name(enum alert_type t);

/* The type named by the len bytes at name; ALERT_UNKNOWN when none is. */
enum alert_type alert_type_from_name(const char *name, size_t len);

/* The failure an alert stands for.  False for alerts that are no failure of
 * a connection (retransmit progress, uniqueness replacements, parse errors
 * and unknown SPIs from arbitrary senders, shutdown) or that repeat another
 * alert (PEER_INIT_UNREACHABLE follows RETRANSMIT_SEND_TIMEOUT; RADIUS
 * timeouts end in an authentication failure). */
bool alert_failure_reason(enum alert_type t, enum fail_reason *out);

/* KEEP_ON_CHILD_SA_FAILURE follows the alert that says why a CHILD_SA
 * failed (proposal, selectors, install) but is also the only alert an
 * initiator gets for TS_UNACCEPTABLE.  This filter remembers the last few
 * causes per conn and counts it (as FAIL_OTHER) only without one. */
#define ALERT_FILTER_RECENT 8
#define ALERT_FILTER_SECONDS 5.0
#define ALERT_FILTER_NAME_MAX 128

struct alert_filter {
	struct {
		char conn[ALERT_FILTER_NAME_MAX];
		double ts;
	} recent[ALERT_FILTER_RECENT];
	unsigned next;
};

void alert_filter_init(struct alert_filter *f);

/* Decides whether alert t on conn (may be "") at time ts counts as a
 * failure, and as what. */
bool alert_filter_classify(struct alert_filter *f, enum alert_type t,
			   const char *conn, double ts, enum fail_reason *out);

#endif
