/* Per connection: configuration, state and the newest IKE SA. */
#include <stdio.h>

#include "metrics/render_family.h"

/* ---- connections and IKE SAs ------------------------------------------- */

static void render_conn_info(const struct render_ctx *c,
			     const struct conn_view *v, struct expo *e)
{
	struct label l[4];

	if (!v->cfg)
		return;
	l[0] = (struct label){ "conn", v->name };
	l[1] = (struct label){ "ike_version", v->cfg->version };
	l[2] = (struct label){ "local_addrs", render_peer(c, v->cfg->local_addrs) };
	l[3] = (struct label){ "remote_addrs", render_peer(c, v->cfg->remote_addrs) };
	expo_sample(e, l, NL(l), 1);
}

static void render_conn_expected(const struct render_ctx *c,
				 const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };

	(void)c;
	expo_sample(e, l, NL(l), v->expected_up);
}

static void render_conn_up(const struct render_ctx *c,
			   const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };

	(void)c;
	expo_sample(e, l, NL(l), v->newest != NULL);
}

static void render_ike_sas(const struct render_ctx *c,
			   const struct conn_view *v, struct expo *e)
{
	int s;

	(void)c;
	for (s = 0; s < IKE_STATE_COUNT; s++) {
		struct label l[] = { { "conn", v->name }, { "state", ike_state_names[s] } };

		if (s == IKE_ESTABLISHED || v->state_count[s])
			expo_sample(e, l, NL(l), v->state_count[s]);
	}
}

static void render_ike_time(const struct render_ctx *c, const struct conn_view *v,
			    struct expo *e, int64_t ago)
{
	struct label l[] = { { "conn", v->name } };

	if (ago != TIME_NONE)
		expo_sample(e, l, NL(l), render_ts(c, ago));
}

static void render_ike_established(const struct render_ctx *c,
				   const struct conn_view *v, struct expo *e)
{
	if (v->newest)
		render_ike_time(c, v, e, v->newest->established_for);
}

static void render_ike_rekey(const struct render_ctx *c,
			     const struct conn_view *v, struct expo *e)
{
	if (v->newest && v->newest->rekey_in != TIME_NONE)
		render_ike_time(c, v, e, -v->newest->rekey_in);
}

static void render_ike_reauth(const struct render_ctx *c,
			      const struct conn_view *v, struct expo *e)
{
	if (v->newest && v->newest->reauth_in != TIME_NONE)
		render_ike_time(c, v, e, -v->newest->reauth_in);
}

static void render_ike_info(const struct render_ctx *c,
			    const struct conn_view *v, struct expo *e)
{
	const struct ike_sa *s = v->newest;
	char keysize[12];
	struct label l[13];

	if (!s)
		return;
	snprintf(keysize, sizeof(keysize), "%u", s->encr_keysize);
	l[0] = (struct label){ "conn", v->name };
	l[1] = (struct label){ "ike_version", ike_version_number_label(s->version) };
	l[2] = (struct label){ "role", ike_sa_role(s) };
	l[3] = (struct label){ "encr_alg", s->encr_alg };
	l[4] = (struct label){ "encr_keysize", s->encr_keysize ? keysize : NULL };
	l[5] = (struct label){ "integ_alg", s->integ_alg };
	l[6] = (struct label){ "prf_alg", s->prf_alg };
	l[7] = (struct label){ "dh_group", s->dh_group };
	l[8] = (struct label){ "nat_local", render_yes(s->nat_local) };
	l[9] = (struct label){ "nat_remote", render_yes(s->nat_remote) };
	l[10] = (struct label){ "nat_fake", render_yes(s->nat_fake) };
	l[11] = (struct label){ "nat_any", render_yes(s->nat_any) };
	l[12] = (struct label){ "remote_host", render_peer(c, s->remote_host) };
	expo_sample(e, l, NL(l), 1);
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

#define C(name, type, help, fn) { name, type, help, render_have_sas, NULL, fn }

const struct render_family render_conn_families[] = {
	C("ipsec_conn", METRIC_INFO,
	  "A configured connection: IKE version and addresses.", render_conn_info),
	C("ipsec_conn_expected_up", METRIC_GAUGE,
	  "1 if the connection is expected to be up (expect_up/ignore options).",
	  render_conn_expected),
	C("ipsec_conn_up", METRIC_GAUGE,
	  "1 if the connection has an IKE SA ESTABLISHED or REKEYING, else 0.",
	  render_conn_up),
	C("ipsec_ike_sas", METRIC_GAUGE,
	  "IKE SAs of the connection by state (ESTABLISHED always, others when present).",
	  render_ike_sas),
	C("ipsec_ike_sa_established_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest up IKE SA of the connection was established.",
	  render_ike_established),
	C("ipsec_ike_sa_rekey_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest up IKE SA is scheduled to rekey (absent: none scheduled).",
	  render_ike_rekey),
	C("ipsec_ike_sa_reauth_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest up IKE SA is scheduled to reauthenticate (absent: none scheduled).",
	  render_ike_reauth),
	C("ipsec_ike_sa", METRIC_INFO,
	  "The newest up IKE SA: version, role, algorithms, NAT flags.",
	  render_ike_info),
};

const size_t render_conn_nfamilies = NL(render_conn_families);
