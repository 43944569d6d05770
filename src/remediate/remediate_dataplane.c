/* The data-plane ladder (docs/remediation.md "The data-plane ladder"): for an SA that
 * reads up and carries nothing.  The fault is confirmed by the conn's
 * probes run afresh through the tunnel, not by their last results; then a
 * rekey of the CHILD SAs (new SAs on both ends replace a stale or lost
 * one), a rekey of the IKE SA (or a re-initiation when the peer answers
 * nothing), each followed by fresh probes, and last the restart step with
 * its rate limit. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "probe/probes.h"
#include "remediate/remediate_int.h"

static bool rem_probe_alert(const struct remediate_config *rc, const char *alertname)
{
	size_t i;

	for (i = 0; i < rc->probe_alerts.n; i++)
		if (!strcmp(rc->probe_alerts.argv[i], alertname))
			return true;
	return false;
}

bool rem_dataplane_job(const struct remediate *r, const struct rem_job *job,
		       const struct rem_check *c)
{
	if (!c->found || c->control_fault)
		return false;
	return c->probe_failing || rem_probe_alert(r->rc, job->alertname);
}

bool rem_dataplane_probe(struct remediate *r, const struct rem_job *job, char *seen,
			  size_t size, int *err)
{
	struct probes_fresh f;

	*err = probes_run_now(r->probes, job->conn, job->child, &f);
	if (*err == -ENOENT || *err == -EINVAL) {
		snprintf(seen, size, "no probe through %s%s%s", job->conn, job->child[0] ? "/" : "",
			 job->child);
		return false;
	}
	if (*err && *err != -ETIMEDOUT) {   /* out of memory: nothing was judged */
		snprintf(seen, size, "the probes could not run: %s", strerror(-*err));
		return false;
	}
	if (!f.nfailed) {
		snprintf(seen, size, "ok, %zu probe%s pass%s afresh", f.n, f.n == 1 ? "" : "s",
			 f.n == 1 ? "es" : "");
		return true;
	}
	snprintf(seen, size, "probe_failing afresh (%zu of %zu): %s", f.nfailed, f.n,
		 f.first_failure);
	return false;
}

bool rem_dataplane_confirm(struct remediate *r, const struct rem_job *job,
			   struct rem_event *e, char *seen, size_t seen_size)
{
	int err;
	bool pass = rem_dataplane_probe(r, job, seen, seen_size, &err);

	e->seen = seen;
	if (!pass && (!err || err == -ETIMEDOUT))
		return true;
	e->outcome = RO_SKIPPED;
	e->reason = pass ? RR_HEALED : err == -ENOENT || err == -EINVAL ? RR_NO_PROBE :
								   RR_NO_SNAPSHOT;
	e->detail = pass ? "the probes pass when run afresh" :
		    e->reason == RR_NO_PROBE ?
			   "nothing confirms a data-plane fault: configure a probe through it" :
			   "the probes could not run";
	rem_decide(r, e);
	return false;
}

/* The ladder's state: the steps so far, and what the last fresh probes saw
 * (e->after points here until the decision). */
struct rem_ladder {
	struct strbuf steps;
	char after[240];
};

/* How a step ended for the ladder. */
enum rem_step_end { STEP_FIXED, STEP_NOT_FIXED, STEP_STOPPED };

/* After a step's command (rc, detail when it failed): recheck_delay, fresh
 * probes, then the counters and the step's audit line. */
static enum rem_step_end rem_step_judge(struct remediate *r, const struct rem_job *job,
					struct rem_event *e, enum rem_action a, int rc,
					const char *detail, unsigned step, struct rem_ladder *l)
{
	enum rem_step_result res;
	bool fixed;
	int perr;

	rem_set_last_action(r, job->conn, rem_now(r));
	if (!rem_sleep(r, r->rc->recheck_delay_ms))
		return STEP_STOPPED;
	fixed = rem_dataplane_probe(r, job, l->after, sizeof(l->after), &perr);
	res = fixed ? RSR_FIXED : rc ? RSR_FAILED : RSR_NOT_FIXED;
	rem_count_action(r, job->conn, a, fixed ? RS_OK : RS_FAILED);
	rem_count_step(r, job->conn, a, res);
	rem_steps_add(&l->steps, a, res);
	e->outcome = RO_ACTED;
	e->detail = rc && detail[0] ? detail : NULL;
	e->after = l->after;
	e->step = step;
	rem_audit_action(r, e, a, !rc && fixed, fixed);
	e->detail = NULL;
	return fixed ? STEP_FIXED : STEP_NOT_FIXED;
}

/* Rekeys every SA in ids (CHILD SAs for rekey_child, the IKE SA for
 * rekey_ike), then judges. */
static enum rem_step_end rem_rekey_step(struct remediate *r, const struct rem_job *job,
					struct rem_event *e, enum rem_action a,
					const uint32_t *ids, size_t nids, unsigned step,
					struct rem_ladder *l)
{
	char detail[300] = "no established SA to rekey";
	struct ikw_err err = { "" };
	size_t i;
	int rc = nids ? 0 : -ENOENT;

	for (i = 0; i < nids; i++) {
		int x = r->control.rekey(&r->control, job->conn, a == RA_REKEY_CHILD,
					 ids[i], (unsigned)r->rc->initiate_timeout_ms, &err);

		if (x) {
			rc = x;
			snprintf(detail, sizeof(detail), "%s", err.msg);
		}
	}
	return rem_step_judge(r, job, e, a, rc, detail, step, l);
}

/* Step 2's fallback: the IKE rekey left the conn down or connecting (the
 * peer answered nothing), so it is initiated, then judged. */
static enum rem_step_end rem_reinitiate_step(struct remediate *r, const struct rem_job *job,
					     struct rem_check *c, struct rem_event *e,
					     unsigned step, struct rem_ladder *l)
{
	char detail[300] = "";
	int rc = rem_initiate(r, job, c, detail, sizeof(detail));

	return rem_step_judge(r, job, e, RA_INITIATE, rc, detail, step, l);
}

static void rem_dataplane_fixed(struct remediate *r, struct rem_event *e,
				const struct strbuf *steps)
{
	e->outcome = RO_ACTED;
	e->reason = RR_FIXED;
	e->steps = strbuf_str(steps);
	rem_decide(r, e);
}

void rem_dataplane_ladder(struct remediate *r, const struct rem_job *job,
			  struct rem_check *c, struct rem_event *e)
{
	struct rem_ladder l = { STRBUF_INIT, "" };
	uint32_t ike = c->ike_id;
	enum rem_step_end end;

	end = rem_rekey_step(r, job, e, RA_REKEY_CHILD, c->child_ids, c->nchild_ids, 1, &l);
	if (end == STEP_NOT_FIXED) {
		if (rem_check(r, job, c, NULL) == 0 && c->ike_id)
			ike = c->ike_id;   /* the newest IKE SA now */
		end = rem_rekey_step(r, job, e, RA_REKEY_IKE, &ike, ike ? 1 : 0, 2, &l);
	}
	if (end == STEP_NOT_FIXED && rem_check(r, job, c, NULL) == 0 && c->control_fault) {
		log_info("remediation %s: down after the IKE rekey, initiating", job->conn);
		end = rem_reinitiate_step(r, job, c, e, 2, &l);
	}
	if (end == STEP_FIXED)
		rem_dataplane_fixed(r, e, &l.steps);
	else if (end == STEP_NOT_FIXED)
		rem_step_restart(r, job, e, true, 3, &l.steps);
	/* STEP_STOPPED: ikewatch is stopping; no decision, no restart */
	e->after = NULL;
	strbuf_release(&l.steps);
}
