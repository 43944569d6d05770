/* Per connection: the notAfter of the certificates its auth rounds name
 * (model/conn_certs.h), one series per side and kind. */
#include "metrics/render_family.h"

static bool render_have_certs(const struct render_ctx *c)
{
	return c->m->have_sas && c->m->certs.have_held;
}

static void render_cert_not_after(const struct render_ctx *c,
				  const struct conn_view *v, struct expo *e)
{
	size_t n, i;
	const struct conn_cert *cc = conn_certs_of(&c->m->certs, v->name, &n);

	for (i = 0; i < n; i++) {
		struct label l[] = { { "conn", v->name },
				     { "side", cert_side_names[cc[i].side] },
				     { "kind", cert_kind_names[cc[i].kind] } };

		expo_sample(e, l, NL(l), (double)cc[i].not_after);
	}
}

static void render_cert_info(const struct render_ctx *c,
			     const struct conn_view *v, struct expo *e)
{
	size_t n, i;
	const struct conn_cert *cc = conn_certs_of(&c->m->certs, v->name, &n);

	for (i = 0; i < n; i++) {
		/* the remote side's subject names the peer */
		const char *subject = cc[i].side == CERT_SIDE_REMOTE ?
				      render_peer(c, cc[i].subject) : cc[i].subject;
		struct label l[] = { { "conn", v->name },
				     { "side", cert_side_names[cc[i].side] },
				     { "kind", cert_kind_names[cc[i].kind] },
				     { "subject", subject } };

		expo_sample(e, l, NL(l), 1);
	}
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

#define C(name, type, help, fn) { name, type, help, render_have_certs, NULL, fn }

const struct render_family render_certs_families[] = {
	C("ipsec_conn_cert_not_after_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the earliest certificate a connection side names (kind end: its own or a pinned peer certificate; ca: the CA vouching for the peer) expires (notAfter).",
	  render_cert_not_after),
	C("ipsec_conn_cert", METRIC_INFO,
	  "The certificate behind ipsec_conn_cert_not_after_timestamp_seconds: its subject (the remote side's redacted like peers).",
	  render_cert_info),
};

const size_t render_certs_nfamilies = NL(render_certs_families);
