/* The remediation engine (docs/remediation.md).  The webhook handler only
 * authenticates, validates and enqueues (202 at once); one thread works the
 * queue: persistence checks on fresh snapshots, the global cap, the per
 * conn cooldown, a diagnostics bundle, then re-initiation over VICI and, if
 * configured and allowed, the restart command.  Every decision is a JSON
 * line in the audit log and a counter in the snapshot (remediate_contribute).
 *
 * The policy's clock runs time_scale times faster than the wall clock
 * (tests); every configured duration is policy time. */
#ifndef IKW_REMEDIATE_H
#define IKW_REMEDIATE_H

#include "collect/scrape.h"
#include "common/err.h"
#include "config/config_remediate.h"
#include "control/ike_control.h"
#include "http/http_route.h"
#include "model/model.h"

#define REMEDIATE_PATH "/api/v1/alertmanager"
#define REMEDIATE_QUEUE_MAX 256

struct remediate;

struct log_collect;
struct probe_runtime;

/* What the engine works with besides its config; each must outlive it. */
struct remediate_inputs {
	struct ike_control control;    /* initiate and rekey: charon or pluto */
	struct scraper *scraper;
	struct log_collect *logs;      /* recent log lines for the bundle, or NULL */
	struct probe_runtime *probes;  /* the daemon's probes (fresh runs), or NULL */
};

/* Loads the token, opens the audit log, restores the state file, starts
 * the thread.  rc and the inputs must outlive the engine; they are given
 * here, so that the thread never sees them change.  0 or -errno. */
/* The notification's URL, TLS options and credentials make sense
 * together: 0 or -EINVAL with err set.  remediate_start checks it too. */
int remediate_notify_check(const struct remediate_config *rc, struct ikw_err *err);

int remediate_start(struct remediate **out, const struct remediate_config *rc,
		    const struct remediate_inputs *in, struct ikw_err *err);
/* Stops the thread (an action under way finishes first); accepts NULL. */
void remediate_stop(struct remediate *r);

/* POST /api/v1/alertmanager; a NULL r means remediation is off (404). */
void remediate_handle(struct remediate *r, const struct http_request *req,
		      struct http_response *resp);

/* Copies the counters into m (called by the scraper at each collection). */
void remediate_contribute(void *ctx, struct model *m);

#endif
