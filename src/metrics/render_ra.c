/* Remote-access connections (remote_addrs %any: conn_cfg.responder_only):
 * how many clients are on.  Set-ups, tear-downs and failures of the same
 * conns are ipsec_ike_sa_events_total and ipsec_conn_failures_total. */
#include <string.h>

#include "metrics/render_family.h"

/* A session: an ESTABLISHED IKE SA with at least one INSTALLED CHILD SA.
 * A client refused a virtual IP keeps an IKE SA without a CHILD SA
 * (charon 5.9: "configuration payload negotiation failed"): not a session. */
static bool render_ra_is_session(const struct ike_sa *sa)
{
	size_t i;

	if (sa->state != IKE_ESTABLISHED)
		return false;
	for (i = 0; i < sa->nchildren; i++)
		if (sa->children[i].state == CHILD_INSTALLED)
			return true;
	return false;
}

static void render_ra_sessions(const struct render_ctx *c,
			       const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };
	size_t i, n = 0;

	if (!v->cfg || !v->cfg->responder_only)
		return;
	for (i = 0; v->nsas && i < c->m->nike; i++)
		if (!strcmp(c->m->ike_sas[i].conn, v->name) &&
		    render_ra_is_session(&c->m->ike_sas[i]))
			n++;
	expo_sample(e, l, NL(l), (double)n);
}

static bool render_have_durations(const struct render_ctx *c)
{
	return c->m->have_events && c->m->have_sas;
}

static const struct duration_counts *render_ra_durations_of(const struct render_ctx *c,
							     const char *conn)
{
	const struct event_view *ev = &c->m->events;
	size_t lo = 0, hi = ev->ndurations;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(ev->durations[mid].conn, conn);

		if (!r)
			return &ev->durations[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Only remote-access conns, and only once a session of theirs ended. */
static void render_ra_duration(const struct render_ctx *c,
			       const struct conn_view *v, struct expo *e)
{
	const struct duration_counts *d;
	struct label l[] = { { "conn", v->name } };
	struct expo_histogram h;

	if (!v->cfg || !v->cfg->responder_only)
		return;
	d = render_ra_durations_of(c, v->name);
	if (!d)
		return;
	h = (struct expo_histogram){ session_hist_bounds, d->buckets,
				     SESSION_HIST_NBOUNDS, d->count, d->sum };
	expo_histogram(e, l, NL(l), &h);
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

const struct render_family render_ra_families[] = {
	{ "ipsec_ra_sessions", METRIC_GAUGE,
	  "Sessions of a remote-access connection (remote_addrs %any): established IKE SAs with an installed CHILD SA.",
	  render_have_sas, NULL, render_ra_sessions },
	{ "ipsec_ra_session_duration_seconds", METRIC_HISTOGRAM,
	  "How long the IKE SAs of a remote-access connection lived (up to down, across IKE rekeys), for those that came up while ikewatch watched the event stream.",
	  render_have_durations, NULL, render_ra_duration },
};

const size_t render_ra_nfamilies = NL(render_ra_families);
