/* Remote-access connections (remote_addrs %any: conn_cfg.responder_only):
 * how many clients are on.  Set-ups, tear-downs and failures of the same
 * conns are ipsec_ike_sa_events_total and ipsec_conn_failures_total. */
#include <stdlib.h>
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

/* ---- per identity (opt-in: render_opts.identities) ------------------- */

struct render_ra_ident {
	const char *identity;   /* remote id, already redacted in the snapshot */
	uint64_t sessions, bytes_in, bytes_out;
};

static int render_ra_cmp_ident(const void *a, const void *b)
{
	return strcmp(((const struct render_ra_ident *)a)->identity,
		      ((const struct render_ra_ident *)b)->identity);
}

/* The sessions of conn v per remote identity, sorted by identity, the ones
 * past the cap summed into out[cap] ("other"); *n rows, *folded identities
 * in "other".  NULL when there is nothing (or no memory). */
static struct render_ra_ident *render_ra_idents(const struct render_ctx *c,
						 const struct conn_view *v,
						 size_t *n, size_t *folded)
{
	struct render_ra_ident *r = NULL;
	size_t i, j, k = 0, cap = c->o->identities;

	*n = *folded = 0;
	if (!v->nsas || !(r = calloc(v->nsas + 1, sizeof(*r))))
		return NULL;
	for (i = 0; i < c->m->nike && k < v->nsas; i++) {
		const struct ike_sa *sa = &c->m->ike_sas[i];

		if (strcmp(sa->conn, v->name) || !render_ra_is_session(sa))
			continue;
		r[k].identity = sa->remote_id;
		r[k].sessions = 1;
		for (j = 0; j < sa->nchildren; j++) {
			r[k].bytes_in += sa->children[j].bytes_in;
			r[k].bytes_out += sa->children[j].bytes_out;
		}
		k++;
	}
	qsort(r, k, sizeof(*r), render_ra_cmp_ident);
	for (i = 0, j = 0; i < k; i++) {   /* merge one identity's sessions */
		if (j && !strcmp(r[j - 1].identity, r[i].identity)) {
			r[j - 1].sessions += r[i].sessions;
			r[j - 1].bytes_in += r[i].bytes_in;
			r[j - 1].bytes_out += r[i].bytes_out;
		} else {
			r[j++] = r[i];
		}
	}
	if (j > cap) {
		struct render_ra_ident other = { "other", 0, 0, 0 };

		for (i = cap; i < j; i++) {
			other.sessions += r[i].sessions;
			other.bytes_in += r[i].bytes_in;
			other.bytes_out += r[i].bytes_out;
		}
		*folded = j - cap;
		r[cap] = other;
		j = cap + 1;
	}
	*n = j;
	return r;
}

static bool render_have_identities(const struct render_ctx *c)
{
	return c->m->have_sas && c->o->identities > 0;
}

static void render_ra_identity_sessions(const struct render_ctx *c,
					const struct conn_view *v, struct expo *e)
{
	size_t n, folded, i;
	struct render_ra_ident *r;

	if (!v->cfg || !v->cfg->responder_only)
		return;
	r = render_ra_idents(c, v, &n, &folded);
	for (i = 0; i < n; i++) {
		struct label l[] = { { "conn", v->name }, { "identity", r[i].identity } };

		expo_sample_u64(e, l, NL(l), r[i].sessions);
	}
	free(r);
}

static void render_ra_identity_bytes(const struct render_ctx *c,
				     const struct conn_view *v, struct expo *e)
{
	size_t n, folded, i;
	struct render_ra_ident *r;

	if (!v->cfg || !v->cfg->responder_only)
		return;
	r = render_ra_idents(c, v, &n, &folded);
	for (i = 0; i < n; i++) {
		struct label in[] = { { "conn", v->name }, { "identity", r[i].identity },
				      { "direction", "in" } };
		struct label out[] = { { "conn", v->name }, { "identity", r[i].identity },
				       { "direction", "out" } };

		expo_sample_u64(e, in, NL(in), r[i].bytes_in);
		expo_sample_u64(e, out, NL(out), r[i].bytes_out);
	}
	free(r);
}

static void render_ra_identities_folded(const struct render_ctx *c,
					const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };
	size_t n, folded;

	if (!v->cfg || !v->cfg->responder_only)
		return;
	free(render_ra_idents(c, v, &n, &folded));
	expo_sample_u64(e, l, NL(l), folded);
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

const struct render_family render_ra_families[] = {
	{ "ipsec_ra_sessions", METRIC_GAUGE,
	  "Sessions of a remote-access connection (remote_addrs %any): established IKE SAs with an installed CHILD SA.",
	  render_have_sas, NULL, render_ra_sessions },
	{ "ipsec_ra_session_duration_seconds", METRIC_HISTOGRAM,
	  "How long the IKE SAs of a remote-access connection lived (up to down, across IKE rekeys), for those that came up while ikewatch watched the event stream.",
	  render_have_durations, NULL, render_ra_duration },
	{ "ipsec_ra_identity_sessions", METRIC_GAUGE,
	  "Sessions of a remote-access connection per remote identity (opt-in: --collector.identity-labels=N; at most N identities, the rest as identity=\"other\"; redacted as peers are).",
	  render_have_identities, NULL, render_ra_identity_sessions },
	{ "ipsec_ra_identity_bytes", METRIC_GAUGE,
	  "Bytes the current CHILD SAs of an identity's sessions carried, by direction (opt-in, capped as ipsec_ra_identity_sessions).",
	  render_have_identities, NULL, render_ra_identity_bytes },
	{ "ipsec_ra_identities_folded", METRIC_GAUGE,
	  "Identities of a remote-access connection summed under identity=\"other\" because of the cap (opt-in).",
	  render_have_identities, NULL, render_ra_identities_folded },
};

const size_t render_ra_nfamilies = NL(render_ra_families);
