/* The remediation thread: it works the queue one job at a time and, every
 * self_check interval, runs ikewatch's own check.  One job: a fresh check,
 * the cooldown and the global cap, the persistence checks (or, for a data
 * plane fault, the fresh probes: remediate_dataplane.c), a diagnostics
 * bundle, then re-initiation (or the rekeys) and, if that did not fix it,
 * the restart step. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "remediate/remediate_int.h"
#include "common/cmd_run.h"

#define REM_CHECKS_MAX 16
#define REM_GLOBAL_CAP_DETAIL "many tunnels are down at once (an uplink?): a human is needed"

/* ---- the actions ---------------------------------------------------------- */

int rem_initiate(struct remediate *r, const struct rem_job *job, const struct rem_check *c,
		 char *detail, size_t dsize)
{
	struct ikw_err err = { "" };
	size_t i;
	int rc = 0;

	detail[0] = '\0';
	for (i = 0; i < c->nchildren; i++) {
		int x = r->control.initiate(&r->control, job->conn, c->children[i],
					    (unsigned)r->rc->initiate_timeout_ms, &err);

		if (x) {
			rc = x;
			snprintf(detail, dsize, "%s: %s", c->children[i], err.msg);
		}
	}
	if (!c->nchildren)
		return -ENOENT;
	return rc;
}

static int rem_restart_cmd(struct remediate *r, char *detail, size_t dsize)
{
	struct cmd_run_result res;
	struct ikw_err err = { "" };
	struct strbuf out = STRBUF_INIT;

	if (cmd_run(r->rc->restart.argv, r->rc->restart_timeout_ms, &out, 4096, &res, &err)) {
		snprintf(detail, dsize, "%s", err.msg);
		strbuf_release(&out);
		return -1;
	}
	if (res.timed_out)
		snprintf(detail, dsize, "killed at the timeout");
	else if (res.signal)
		snprintf(detail, dsize, "killed by signal %d", res.signal);
	else
		snprintf(detail, dsize, "exit %d", res.exit_code);
	strbuf_release(&out);
	return res.exit_code == 0 ? 0 : -1;
}

void rem_audit_action(struct remediate *r, struct rem_event *e, enum rem_action a, bool ok,
		      bool fixed)
{
	e->is_action = true;
	e->action = a;
	e->result = ok ? RS_OK : RS_FAILED;
	e->reason = fixed ? RR_FIXED : RR_NOT_FIXED;
	rem_audit(r, e);
	e->is_action = false;
	e->step = 0;
}

void rem_steps_add(struct strbuf *steps, enum rem_action a, enum rem_step_result res)
{
	if (steps->len)
		strbuf_addstr(steps, ", ");
	strbuf_addf(steps, "%s: %s", rem_action_names[a], rem_step_result_names[res]);
}

/* ---- the steps ------------------------------------------------------------ */

/* After the restart: charon may not start the conn itself (only
 * start_action = start does), so it is initiated when the status says it
 * is down; then the status (control plane) or fresh probes (data plane)
 * decide.  True when still faulty. */
static bool rem_after_restart(struct remediate *r, const struct rem_job *job,
			      struct rem_check *c, bool dataplane)
{
	char d2[300];

	if (!rem_sleep(r, r->rc->restart_settle_ms) || rem_check(r, job, c, NULL))
		return true;
	if (c->control_fault || (!dataplane && c->faulty)) {
		rem_initiate(r, job, c, d2, sizeof(d2));
		if (!rem_sleep(r, r->rc->recheck_delay_ms) || rem_check(r, job, c, NULL))
			return true;
	}
	if (dataplane && !c->control_fault) {
		int err;

		return !rem_dataplane_probe(r, job, c->seen, sizeof(c->seen), &err);
	}
	return c->faulty;
}

void rem_step_restart(struct remediate *r, const struct rem_job *job, struct rem_event *e,
		      bool dataplane, unsigned step, struct strbuf *steps)
{
	char detail[300], when[64];
	struct rem_check c = { .faulty = true };
	enum rem_reason why;
	double next_at, now = rem_now(r);
	enum rem_decision d;
	bool faulty;
	int rc;

	pthread_mutex_lock(&r->lock);
	d = rem_policy_restart(&r->limits, &r->host, now, &next_at, &why);
	pthread_mutex_unlock(&r->lock);
	if (d != REM_ACT) {
		snprintf(when, sizeof(when), "next restart allowed in %.0fs (policy time)",
			 next_at - now);
		if (r->rc->restart.n) {
			rem_count_step(r, job->conn, RA_RESTART, RSR_SKIPPED);
			rem_steps_add(steps, RA_RESTART, RSR_SKIPPED);
		}
		e->outcome = d == REM_ESCALATE ? RO_ESCALATED : RO_SKIPPED;
		e->reason = why;
		e->detail = r->rc->restart.n ? when : dataplane ? "the rekeys did not fix it" :
						  "re-initiation did not fix it";
		e->steps = steps->len ? strbuf_str(steps) : NULL;
		rem_decide(r, e);
		return;
	}
	rc = rem_restart_cmd(r, detail, sizeof(detail));
	rem_set_last_action(r, job->conn, now);
	faulty = rem_after_restart(r, job, &c, dataplane);
	pthread_mutex_lock(&r->lock);
	rem_policy_restarted(&r->host, now, !rc && !faulty);
	pthread_mutex_unlock(&r->lock);
	rem_state_store(r);
	rem_count_action(r, job->conn, RA_RESTART, !rc && !faulty ? RS_OK : RS_FAILED);
	rem_count_step(r, job->conn, RA_RESTART, rc ? RSR_FAILED : faulty ? RSR_NOT_FIXED :
							     RSR_FIXED);
	rem_steps_add(steps, RA_RESTART, rc ? RSR_FAILED : faulty ? RSR_NOT_FIXED : RSR_FIXED);
	e->detail = detail;
	e->after = c.seen;
	e->step = step;
	e->outcome = RO_ACTED;
	rem_audit_action(r, e, RA_RESTART, !rc && !faulty, !faulty);
	e->steps = strbuf_str(steps);
	rem_decide(r, e);
}

/* Step 1, re-initiation; true when the restart step is to follow. */
static bool rem_step_initiate(struct remediate *r, const struct rem_job *job,
			      struct rem_check *c, struct rem_event *e, struct strbuf *steps)
{
	char detail[300];
	int rc = rem_initiate(r, job, c, detail, sizeof(detail));
	enum rem_step_result res;

	rem_set_last_action(r, job->conn, rem_now(r));
	if (!rem_sleep(r, r->rc->recheck_delay_ms))
		return false;
	rem_check(r, job, c, NULL);
	rem_count_action(r, job->conn, RA_INITIATE, !rc && !c->faulty ? RS_OK : RS_FAILED);
	res = !c->faulty ? RSR_FIXED : rc ? RSR_FAILED : RSR_NOT_FIXED;
	rem_count_step(r, job->conn, RA_INITIATE, res);
	rem_steps_add(steps, RA_INITIATE, res);
	e->outcome = RO_ACTED;
	e->detail = rc ? detail : NULL;
	e->after = c->seen;
	e->step = 1;
	rem_audit_action(r, e, RA_INITIATE, !rc && !c->faulty, !c->faulty);
	e->detail = NULL;
	if (c->faulty)
		return true;
	e->steps = strbuf_str(steps);
	rem_decide(r, e);
	return false;
}

static void rem_work_dry_run(struct remediate *r, const struct rem_job *job,
			     struct rem_event *e, bool dataplane)
{
	rem_count_action(r, job->conn, dataplane ? RA_REKEY_CHILD : RA_INITIATE, RS_DRY_RUN);
	rem_set_last_action(r, job->conn, rem_now(r));
	e->outcome = RO_DRY_RUN;
	e->reason = RR_WOULD_ACT;
	if (dataplane)
		e->detail = r->rc->restart.n ? "would rekey the CHILD SA, then the IKE SA, then "
					       "restart charon if the probes still fail" :
					       "would rekey the CHILD SA, then the IKE SA";
	else
		e->detail = r->rc->restart.n ? "would re-initiate, then restart charon if that fails" :
					       "would re-initiate";
	rem_decide(r, e);
}

/* ---- one job -------------------------------------------------------------- */

/* A conn or child charon does not have is refused; true when admitted by
 * that and by the policy (cooldown, global cap). */
static bool rem_work_admit(struct remediate *r, const struct rem_job *job,
			   const struct rem_check *c, struct rem_event *e)
{
	struct rem_conn_state cs = { 0 };
	struct rem_conn *rcn;
	enum rem_decision d;

	if (!c->found || (job->child[0] && !c->child_found)) {
		e->outcome = RO_REFUSED;
		e->reason = !c->found ? RR_UNKNOWN_CONN : RR_UNKNOWN_CHILD;
		e->detail = !c->found ? "charon has no such connection loaded" :
					"the connection has no such child";
		log_warn("remediation: alert %s names %s '%s', refused", job->alertname,
			 !c->found ? "an unknown conn" : "an unknown child",
			 !c->found ? job->conn : job->child);
		rem_decide(r, e);
		return false;
	}
	pthread_mutex_lock(&r->lock);
	if ((rcn = rem_conn_get(r, job->conn)))
		cs = rcn->st;
	pthread_mutex_unlock(&r->lock);
	/* an unreadable state file: every conn counts as having just acted */
	if (r->hold_until > 0 && cs.last_action < r->hold_until - r->limits.cooldown_s)
		cs.last_action = r->hold_until - r->limits.cooldown_s;
	d = rem_policy_admit(&r->limits, &cs, rem_now(r), c->nfaulty, &e->reason);
	if (d == REM_ACT)
		return true;
	e->outcome = d == REM_ESCALATE ? RO_ESCALATED : RO_SKIPPED;
	if (d == REM_ESCALATE)
		e->detail = REM_GLOBAL_CAP_DETAIL;
	rem_decide(r, e);
	return false;
}

/* The persistence checks: every one must see the fault.  The last check's
 * status JSON goes into status (with checks: 1, rem_work's first check
 * filled it: the decision and the bundle come from one snapshot, never
 * from a second read that nobody looks at); what it saw into seen.  True
 * when the fault persisted. */
static bool rem_work_persist(struct remediate *r, const struct rem_job *job,
			     struct rem_check *c, struct rem_event *e,
			     struct strbuf *status, char *seen, size_t seen_size)
{
	bool faulty[REM_CHECKS_MAX];
	char detail[64];
	size_t n = 0, k, nseen = 0;

	faulty[n++] = c->faulty;
	while (c->faulty && n < r->limits.checks && n < REM_CHECKS_MAX) {
		if (!rem_sleep(r, r->rc->check_interval_ms))
			return false;
		if (rem_check(r, job, c, n + 1 == r->limits.checks ? status : NULL))
			break;
		faulty[n++] = c->faulty;
		if (r->limits.global_max_faulty && c->nfaulty > r->limits.global_max_faulty) {
			e->outcome = RO_ESCALATED;
			e->reason = RR_GLOBAL_CAP;
			e->detail = REM_GLOBAL_CAP_DETAIL;
			rem_decide(r, e);
			return false;
		}
	}
	snprintf(seen, seen_size, "%s", c->seen);
	e->seen = seen;
	if (rem_policy_persisted(&r->limits, faulty, n, &e->reason) == REM_ACT)
		return true;
	for (k = 0; k < n; k++)
		nseen += faulty[k];
	snprintf(detail, sizeof(detail), "fault seen on %zu of %zu checks, then not", nseen, n);
	e->outcome = RO_SKIPPED;
	e->detail = detail;
	rem_decide(r, e);
	return false;
}

static void rem_work(struct remediate *r, const struct rem_job *job)
{
	struct rem_event e = { .job = job, .reason = RR_NONE };
	struct strbuf status = STRBUF_INIT, steps = STRBUF_INIT;
	char path[1024] = "", seen[200];
	struct rem_check c;
	bool go, dataplane;

	/* with one check, this is the one: its status goes to the bundle */
	if (rem_check(r, job, &c, r->limits.checks <= 1 ? &status : NULL)) {
		e.outcome = RO_SKIPPED;
		e.reason = RR_NO_SNAPSHOT;
		rem_decide(r, &e);
		strbuf_release(&status);
		return;
	}
	e.peer = c.peer;
	e.seen = c.seen;
	dataplane = rem_dataplane_job(r, job, &c);
	go = rem_work_admit(r, job, &c, &e) &&
	     (dataplane ? rem_dataplane_confirm(r, job, &e, seen, sizeof(seen)) :
			  rem_work_persist(r, job, &c, &e, &status, seen, sizeof(seen)));
	if (go && dataplane && r->limits.checks > 1) {
		go = !rem_check(r, job, &c, &status);   /* the bundle's snapshot */
		snprintf(c.seen, sizeof(c.seen), "%s", seen);   /* and what confirmed it */
	}
	if (go)
		rem_bundle(r, job, &c, &status, path, sizeof(path));
	strbuf_release(&status);
	if (!go)
		return;
	e.diagnostics = path[0] ? path : NULL;
	if (r->rc->dry_run)
		rem_work_dry_run(r, job, &e, dataplane);
	else if (dataplane)
		rem_dataplane_ladder(r, job, &c, &e);
	else if (rem_step_initiate(r, job, &c, &e, &steps))
		rem_step_restart(r, job, &e, false, 2, &steps);
	strbuf_release(&steps);
}

/* ---- the thread ------------------------------------------------------------ */

static void rem_deadline_after(struct timespec *ts, double seconds)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)seconds;
	ts->tv_nsec += (long)((seconds - floor(seconds)) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Under the lock: waits for a job, the self check's time, or stop.  Returns
 * true with *job taken from the queue, false with *scan or *stop set. */
static bool rem_wait(struct remediate *r, const struct timespec *next, struct rem_job *job,
		     bool *scan)
{
	*scan = false;
	while (!r->stop && !r->qlen && !*scan) {
		if (!r->rc->self_check_ms)
			pthread_cond_wait(&r->cond, &r->lock);
		else if (pthread_cond_timedwait(&r->cond, &r->lock, next) == ETIMEDOUT)
			*scan = true;
	}
	if (r->stop || (*scan && !r->qlen))
		return false;
	*job = r->queue[r->qhead];
	r->qhead = (r->qhead + 1) % REMEDIATE_QUEUE_MAX;
	r->qlen--;
	snprintf(r->busy, sizeof(r->busy), "%s", job->conn);
	return true;
}

void *rem_thread(void *arg)
{
	struct remediate *r = arg;
	double every = (double)r->rc->self_check_ms / 1000.0 / r->rc->time_scale;
	struct timespec next;
	struct rem_job job;
	bool scan, got;

	rem_deadline_after(&next, every);
	for (;;) {
		pthread_mutex_lock(&r->lock);
		got = rem_wait(r, &next, &job, &scan);
		if (!got && r->stop) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		pthread_mutex_unlock(&r->lock);
		if (!got) {
			rem_self_scan(r);
			rem_deadline_after(&next, every);
			continue;
		}
		rem_work(r, &job);
		pthread_mutex_lock(&r->lock);
		r->busy[0] = '\0';
		pthread_mutex_unlock(&r->lock);
	}
}
