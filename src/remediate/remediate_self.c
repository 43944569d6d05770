/* ikewatch's own trigger: conns down or missing a child (the conditions of
 * IPsecIKESADown and IPsecChildSADown; the persistence checks stand in
 * for the alerts' for:), or failing a probe (probe_failing: failing_after
 * runs in a row; fresh probes confirm it).  Over the global cap, one job escalates, once
 * until the site recovers. */
#include <stdio.h>
#include <string.h>

#include "collect/scrape.h"
#include "common/arena.h"
#include "remediate/remediate_int.h"
#include "status/status.h"

/* Under the lock: queues a job for conn unless it is pending or cooling down. */
static void rem_self_enqueue(struct remediate *r, const char *conn, double now)
{
	struct rem_conn *c;
	struct rem_job *j;

	if (rem_pending(r, conn) || r->qlen >= REMEDIATE_QUEUE_MAX)
		return;
	for (c = r->conns; c < r->conns + r->nconns; c++)
		if (!strcmp(c->name, conn) && c->st.last_action > 0 &&
		    now - c->st.last_action < r->limits.cooldown_s)
			return;
	j = &r->queue[(r->qhead + r->qlen) % REMEDIATE_QUEUE_MAX];
	memset(j, 0, sizeof(*j));
	snprintf(j->conn, sizeof(j->conn), "%s", conn);
	snprintf(j->alertname, sizeof(j->alertname), "ikewatch_self_check");
	snprintf(j->source, sizeof(j->source), "self");
	r->qlen++;
}

static size_t rem_self_nfaulty(const struct status_view *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->nconns; i++)
		if (v->conns[i].attention == ST_DOWN || v->conns[i].attention == ST_CHILD_MISSING ||
		    v->conns[i].attention == ST_CONNECTING ||
		    v->conns[i].attention == ST_PROBE_FAILING)
			n++;
	return n;
}

/* Under the lock. */
static void rem_self_queue(struct remediate *r, const struct status_view *v, double now)
{
	size_t i, nfaulty = rem_self_nfaulty(v);
	bool over = r->limits.global_max_faulty && nfaulty > r->limits.global_max_faulty;

	for (i = 0; i < v->nconns; i++) {
		const struct status_conn *sc = &v->conns[i];

		if ((sc->attention != ST_DOWN && sc->attention != ST_CHILD_MISSING &&
		     sc->attention != ST_PROBE_FAILING) ||
		    !rem_allowed(r->rc, sc->name) || strlen(sc->name) > AM_VALUE_MAX)
			continue;
		if (over) {
			if (!r->self_escalated)
				rem_self_enqueue(r, sc->name, now);
			r->self_escalated = true;
			break;
		}
		rem_self_enqueue(r, sc->name, now);
	}
	if (!over)
		r->self_escalated = false;
}

void rem_self_scan(struct remediate *r)
{
	struct model *m = scraper_collect(r->scraper);
	struct arena a = ARENA_INIT;
	struct status_view v;
	double now = rem_now(r);

	if (!m)
		return;
	if (!status_build(m, NULL, &a, &v) && v.ok) {
		pthread_mutex_lock(&r->lock);
		rem_self_queue(r, &v, now);
		pthread_mutex_unlock(&r->lock);
	}
	arena_release(&a);
	model_unref(m);
}
