/* How long each conn has been negotiating an IKE SA with none up
 * (model/negotiation.h): one series per conn, 0 when it is not; the
 * exchange in flight is left to the status view, so no label churns. */
#include "metrics/render_family.h"

static bool render_have_negotiation(const struct render_ctx *c)
{
	return c->m->have_sas && c->m->negotiation.have;
}

static void render_connecting_seconds(const struct render_ctx *c, const struct conn_view *v,
				      struct expo *e)
{
	const struct negotiation_view *n = negotiation_find(&c->m->negotiation, v->name);
	struct label l[] = { { "conn", v->name } };
	double s = 0;

	if (n && !n->child && n->since > 0 && (double)c->m->collected_at > n->since)
		s = (double)c->m->collected_at - n->since;
	expo_sample(e, l, NL(l), s);
}

static void render_child_connecting_seconds(const struct render_ctx *c,
					    const struct conn_view *v, struct expo *e)
{
	const struct negotiation_view *n = negotiation_find(&c->m->negotiation, v->name);
	struct label l[] = { { "conn", v->name } };
	double s = 0;

	if (n && n->child && n->since > 0 && (double)c->m->collected_at > n->since)
		s = (double)c->m->collected_at - n->since;
	expo_sample(e, l, NL(l), s);
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

const struct render_family render_negotiation_families[] = {
	{ "ipsec_ike_sa_connecting_seconds", METRIC_GAUGE,
	  "Seconds the connection has been negotiating an IKE SA with none established "
	  "(0 when it is not negotiating).",
	  render_have_negotiation, NULL, render_connecting_seconds },
	{ "ipsec_child_sa_connecting_seconds", METRIC_GAUGE,
	  "Seconds the connection has been creating a CHILD SA over its established IKE SA "
	  "(0 when it is not).",
	  render_have_negotiation, NULL, render_child_connecting_seconds },
};

const size_t render_negotiation_nfamilies = NL(render_negotiation_families);
