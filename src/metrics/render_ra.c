/* Remote-access connections (remote_addrs %any: conn_cfg.responder_only):
 * how many clients are on.  Set-ups, tear-downs and failures of the same
 * conns are ipsec_ike_sa_events_total and ipsec_conn_failures_total. */
#include <string.h>

#include "metrics/render_family.h"
#include "model/ra_view.h"

static void render_ra_sessions(const struct render_ctx *c,
			       const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };

	(void)c;
	if (v->ra)
		expo_sample_u64(e, l, NL(l), v->ra->nsessions);
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

/* The identities past the cap, summed: identity="other". */
static struct ra_ident render_ra_other(const struct render_ctx *c, const struct ra_view *ra)
{
	struct ra_ident other = { "other", 0, 0, 0, "" };
	size_t i;

	for (i = c->o->identities; i < ra->nidents; i++) {
		other.sessions += ra->idents[i].sessions;
		other.bytes_in += ra->idents[i].bytes_in;
		other.bytes_out += ra->idents[i].bytes_out;
	}
	return other;
}

static size_t render_ra_kept(const struct render_ctx *c, const struct ra_view *ra)
{
	return ra->nidents < c->o->identities ? ra->nidents : c->o->identities;
}

static bool render_have_identities(const struct render_ctx *c)
{
	return c->m->have_sas && c->o->identities > 0;
}

static void render_ra_identity_session(const struct conn_view *v, const struct ra_ident *id,
				       struct expo *e)
{
	struct label l[] = { { "conn", v->name }, { "identity", id->identity } };

	expo_sample_u64(e, l, NL(l), id->sessions);
}

static void render_ra_identity_sessions(const struct render_ctx *c,
					const struct conn_view *v, struct expo *e)
{
	struct ra_ident other;
	size_t i;

	if (!v->ra)
		return;
	for (i = 0; i < render_ra_kept(c, v->ra); i++)
		render_ra_identity_session(v, &v->ra->idents[i], e);
	if (v->ra->nidents > c->o->identities) {
		other = render_ra_other(c, v->ra);
		render_ra_identity_session(v, &other, e);
	}
}

static void render_ra_identity_byte(const struct conn_view *v, const struct ra_ident *id,
				    struct expo *e)
{
	struct label in[] = { { "conn", v->name }, { "identity", id->identity },
			      { "direction", "in" } };
	struct label out[] = { { "conn", v->name }, { "identity", id->identity },
			       { "direction", "out" } };

	expo_sample_u64(e, in, NL(in), id->bytes_in);
	expo_sample_u64(e, out, NL(out), id->bytes_out);
}

static void render_ra_identity_bytes(const struct render_ctx *c,
				     const struct conn_view *v, struct expo *e)
{
	struct ra_ident other;
	size_t i;

	if (!v->ra)
		return;
	for (i = 0; i < render_ra_kept(c, v->ra); i++)
		render_ra_identity_byte(v, &v->ra->idents[i], e);
	if (v->ra->nidents > c->o->identities) {
		other = render_ra_other(c, v->ra);
		render_ra_identity_byte(v, &other, e);
	}
}

/* The virtual IPs of the identities within the cap (not of "other": a
 * list of every folded address would defeat the cap). */
static void render_ra_identity_info(const struct render_ctx *c,
				    const struct conn_view *v, struct expo *e)
{
	size_t i;

	if (!v->ra)
		return;
	for (i = 0; i < render_ra_kept(c, v->ra); i++) {
		const struct ra_ident *id = &v->ra->idents[i];
		struct label l[] = { { "conn", v->name }, { "identity", id->identity },
				     { "virtual_ips", id->vips } };

		expo_sample(e, l, NL(l), 1);
	}
}

static void render_ra_identities_folded(const struct render_ctx *c,
					const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };

	if (v->ra)
		expo_sample_u64(e, l, NL(l), v->ra->nidents - render_ra_kept(c, v->ra));
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
	{ "ipsec_ra_identity", METRIC_INFO,
	  "The virtual IPs of an identity's sessions (opt-in, capped as ipsec_ra_identity_sessions; at most 4 addresses, comma-joined; redacted as peers are).",
	  render_have_identities, NULL, render_ra_identity_info },
	{ "ipsec_ra_identities_folded", METRIC_GAUGE,
	  "Identities of a remote-access connection summed under identity=\"other\" because of the cap (opt-in).",
	  render_have_identities, NULL, render_ra_identities_folded },
};

const size_t render_ra_nfamilies = NL(render_ra_families);
