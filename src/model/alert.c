#include "model/alert.h"

#include <stdio.h>
#include <string.h>

#define AL_SKIP (-1)   /* not a failure */

static const struct {
	const char *name;
	int reason;        /* enum fail_reason or AL_SKIP */
} alert_types[ALERT_TYPE_COUNT] = {
	[ALERT_RADIUS_NOT_RESPONDING] = { "radius-not-responding", AL_SKIP },
	[ALERT_SHUTDOWN_SIGNAL] = { "shutdown-signal", AL_SKIP },
	[ALERT_LOCAL_AUTH_FAILED] = { "local-auth-failed", FAIL_AUTH },
	[ALERT_PEER_AUTH_FAILED] = { "peer-auth-failed", FAIL_AUTH },
	[ALERT_PEER_ADDR_FAILED] = { "peer-addr-failed", FAIL_PEER_UNREACHABLE },
	[ALERT_PEER_INIT_UNREACHABLE] = { "peer-init-unreachable", AL_SKIP },
	[ALERT_INVALID_IKE_SPI] = { "invalid-ike-spi", AL_SKIP },
	[ALERT_PARSE_ERROR_HEADER] = { "parse-error-header", AL_SKIP },
	[ALERT_PARSE_ERROR_BODY] = { "parse-error-body", AL_SKIP },
	[ALERT_RETRANSMIT_SEND] = { "retransmit-send", AL_SKIP },
	[ALERT_RETRANSMIT_SEND_CLEARED] = { "retransmit-send-cleared", AL_SKIP },
	[ALERT_RETRANSMIT_SEND_TIMEOUT] = { "retransmit-send-timeout", FAIL_PEER_UNREACHABLE },
	[ALERT_RETRANSMIT_RECEIVE] = { "retransmit-receive", AL_SKIP },
	[ALERT_HALF_OPEN_TIMEOUT] = { "half-open-timeout", FAIL_HALF_OPEN },
	[ALERT_PROPOSAL_MISMATCH_IKE] = { "proposal-mismatch-ike", FAIL_NO_PROPOSAL },
	[ALERT_PROPOSAL_MISMATCH_CHILD] = { "proposal-mismatch-child", FAIL_NO_PROPOSAL },
	[ALERT_TS_MISMATCH] = { "ts-mismatch", FAIL_TS_UNACCEPTABLE },
	[ALERT_TS_NARROWED] = { "ts-narrowed", AL_SKIP },
	[ALERT_INSTALL_CHILD_SA_FAILED] = { "install-child-sa-failed", FAIL_INSTALL },
	[ALERT_INSTALL_CHILD_POLICY_FAILED] = { "install-child-policy-failed", FAIL_INSTALL },
	[ALERT_UNIQUE_REPLACE] = { "unique-replace", AL_SKIP },
	[ALERT_UNIQUE_KEEP] = { "unique-keep", AL_SKIP },
	[ALERT_KEEP_ON_CHILD_SA_FAILURE] = { "keep-on-child-sa-failure", FAIL_OTHER },
	[ALERT_VIP_FAILURE] = { "vip-failure", FAIL_NO_VIP },
	[ALERT_AUTHORIZATION_FAILED] = { "authorization-failed", FAIL_AUTH },
	[ALERT_IKE_SA_EXPIRED] = { "ike-sa-expired", FAIL_REKEY },
	[ALERT_CERT_EXPIRED] = { "cert-expired", FAIL_CERT },
	[ALERT_CERT_REVOKED] = { "cert-revoked", FAIL_CERT },
	[ALERT_CERT_VALIDATION_FAILED] = { "cert-validation-failed", FAIL_CERT },
	[ALERT_CERT_NO_ISSUER] = { "cert-no-issuer", FAIL_CERT },
	[ALERT_CERT_UNTRUSTED_ROOT] = { "cert-untrusted-root", FAIL_CERT },
	[ALERT_CERT_EXCEEDED_PATH_LEN] = { "cert-exceeded-path-len", FAIL_CERT },
	[ALERT_CERT_POLICY_VIOLATION] = { "cert-policy-violation", FAIL_CERT },
	[ALERT_UNKNOWN] = { "unknown", AL_SKIP },
};

const char *alert_type_name(enum alert_type t)
{
	return (unsigned)t < ALERT_TYPE_COUNT ? alert_types[t].name : "unknown";
}

enum alert_type alert_type_from_name(const char *name, size_t len)
{
	unsigned t;

	for (t = 0; t < ALERT_UNKNOWN; t++)
		if (strlen(alert_types[t].name) == len &&
		    !memcmp(alert_types[t].name, name, len))
			return (enum alert_type)t;
	return ALERT_UNKNOWN;
}

bool alert_failure_reason(enum alert_type t, enum fail_reason *out)
{
	if ((unsigned)t >= ALERT_TYPE_COUNT || alert_types[t].reason == AL_SKIP)
		return false;
	*out = (enum fail_reason)alert_types[t].reason;
	return true;
}

/* ---- filter ------------------------------------------------------------------ */

void alert_filter_init(struct alert_filter *f)
{
	memset(f, 0, sizeof(*f));
}

static bool alert_child_cause(enum alert_type t)
{
	return t == ALERT_PROPOSAL_MISMATCH_CHILD || t == ALERT_TS_MISMATCH ||
	       t == ALERT_INSTALL_CHILD_SA_FAILED ||
	       t == ALERT_INSTALL_CHILD_POLICY_FAILED;
}

static bool alert_recent_cause(struct alert_filter *f, const char *conn, double ts)
{
	unsigned i;

	for (i = 0; i < ALERT_FILTER_RECENT; i++)
		if (f->recent[i].ts > 0 && ts >= f->recent[i].ts &&
		    ts - f->recent[i].ts <= ALERT_FILTER_SECONDS &&
		    !strncmp(f->recent[i].conn, conn, sizeof(f->recent[i].conn) - 1)) {
			f->recent[i].ts = 0;   /* one cause explains one failure */
			return true;
		}
	return false;
}

bool alert_filter_classify(struct alert_filter *f, enum alert_type t,
			   const char *conn, double ts, enum fail_reason *out)
{
	if (alert_child_cause(t)) {
		snprintf(f->recent[f->next].conn, sizeof(f->recent[f->next].conn), "%s", conn);
		f->recent[f->next].ts = ts;
		f->next = (f->next + 1) % ALERT_FILTER_RECENT;
	}
	if (t == ALERT_KEEP_ON_CHILD_SA_FAILURE && alert_recent_cause(f, conn, ts))
		return false;
	return alert_failure_reason(t, out);
}

_Static_assert(ALERT_TYPE_COUNT == EVENT_ALERT_TYPES,
	       "the event store counts every alert type");
