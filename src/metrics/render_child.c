/* Per CHILD SA of a connection: state, traffic, lifetimes, and whether
 * a rekey (IKE or CHILD) is overdue. */
#include <stdio.h>

#include "metrics/render_family.h"
#include "model/overdue.h"

/* ---- CHILD SAs ---------------------------------------------------------- */

static void render_child_info(const struct render_ctx *c,
			      const struct conn_view *v,
			      const struct child_view *ch, struct expo *e)
{
	struct label l[6];

	(void)c;
	if (!ch->cfg)
		return;
	l[0] = (struct label){ "conn", v->name };
	l[1] = (struct label){ "child", ch->name };
	l[2] = (struct label){ "mode", ch->cfg->mode };
	l[3] = (struct label){ "start", child_start_names[ch->start] };
	l[4] = (struct label){ "local_ts", ch->cfg->local_ts };
	l[5] = (struct label){ "remote_ts", ch->cfg->remote_ts };
	expo_sample(e, l, NL(l), 1);
}
RENDER_PER_CHILD(render_child_info)

static void render_child_expected_up(const struct render_ctx *c,
				     const struct conn_view *v,
				     const struct child_view *ch, struct expo *e)
{
	struct label l[] = { { "conn", v->name }, { "child", ch->name } };

	(void)c;
	if (ch->cfg)
		expo_sample(e, l, NL(l), ch->expected_up);
}
RENDER_PER_CHILD(render_child_expected_up)

static void render_child_up(const struct render_ctx *c,
			    const struct conn_view *v,
			    const struct child_view *ch, struct expo *e)
{
	struct label l[] = { { "conn", v->name }, { "child", ch->name } };

	(void)c;
	expo_sample(e, l, NL(l), ch->newest != NULL);
}
RENDER_PER_CHILD(render_child_up)

static void render_child_sas(const struct render_ctx *c,
			     const struct conn_view *v,
			     const struct child_view *ch, struct expo *e)
{
	int s;

	(void)c;
	for (s = 0; s < CHILD_STATE_COUNT; s++) {
		struct label l[] = { { "conn", v->name }, { "child", ch->name },
				     { "state", child_state_names[s] } };

		if (s == CHILD_INSTALLED || ch->state_count[s])
			expo_sample(e, l, NL(l), ch->state_count[s]);
	}
}
RENDER_PER_CHILD(render_child_sas)

void render_in_out(const struct conn_view *v, const struct child_view *ch,
		   struct expo *e, uint64_t in, uint64_t out)
{
	struct label li[] = { { "conn", v->name }, { "child", ch->name },
			      { "direction", "in" } };
	struct label lo[] = { { "conn", v->name }, { "child", ch->name },
			      { "direction", "out" } };

	expo_sample_u64(e, li, NL(li), in);
	expo_sample_u64(e, lo, NL(lo), out);
}

static void render_child_bytes(const struct render_ctx *c,
			       const struct conn_view *v,
			       const struct child_view *ch, struct expo *e)
{
	(void)c;
	render_in_out(v, ch, e, ch->totals.bytes_in, ch->totals.bytes_out);
}
RENDER_PER_CHILD(render_child_bytes)

static void render_child_packets(const struct render_ctx *c,
				 const struct conn_view *v,
				 const struct child_view *ch, struct expo *e)
{
	(void)c;
	render_in_out(v, ch, e, ch->totals.packets_in, ch->totals.packets_out);
}
RENDER_PER_CHILD(render_child_packets)

static void render_child_last_packet(const struct render_ctx *c,
				     const struct conn_view *v,
				     const struct child_view *ch, struct expo *e)
{
	struct label li[] = { { "conn", v->name }, { "child", ch->name },
			      { "direction", "in" } };
	struct label lo[] = { { "conn", v->name }, { "child", ch->name },
			      { "direction", "out" } };

	if (ch->use_in != TIME_NONE)
		expo_sample(e, li, NL(li), render_ts(c, ch->use_in));
	if (ch->use_out != TIME_NONE)
		expo_sample(e, lo, NL(lo), render_ts(c, ch->use_out));
}
RENDER_PER_CHILD(render_child_last_packet)

static void render_child_time(const struct render_ctx *c,
			      const struct conn_view *v,
			      const struct child_view *ch, struct expo *e,
			      int64_t ago)
{
	struct label l[] = { { "conn", v->name }, { "child", ch->name } };

	if (ago != TIME_NONE)
		expo_sample(e, l, NL(l), render_ts(c, ago));
}

static void render_child_installed(const struct render_ctx *c,
				   const struct conn_view *v,
				   const struct child_view *ch, struct expo *e)
{
	if (ch->newest)
		render_child_time(c, v, ch, e, ch->newest->installed_for);
}
RENDER_PER_CHILD(render_child_installed)

static void render_child_rekey(const struct render_ctx *c,
			       const struct conn_view *v,
			       const struct child_view *ch, struct expo *e)
{
	if (ch->newest && ch->newest->rekey_in != TIME_NONE)
		render_child_time(c, v, ch, e, -ch->newest->rekey_in);
}
RENDER_PER_CHILD(render_child_rekey)

static void render_child_expire(const struct render_ctx *c,
				const struct conn_view *v,
				const struct child_view *ch, struct expo *e)
{
	if (ch->newest && ch->newest->life_in != TIME_NONE)
		render_child_time(c, v, ch, e, -ch->newest->life_in);
}
RENDER_PER_CHILD(render_child_expire)

static void render_child_sa_info(const struct render_ctx *c,
				 const struct conn_view *v,
				 const struct child_view *ch, struct expo *e)
{
	const struct child_sa *s = ch->newest;
	char keysize[12];
	struct label l[9];

	(void)c;
	if (!s)
		return;
	snprintf(keysize, sizeof(keysize), "%u", s->encr_keysize);
	l[0] = (struct label){ "conn", v->name };
	l[1] = (struct label){ "child", ch->name };
	l[2] = (struct label){ "mode", s->mode };
	l[3] = (struct label){ "protocol", s->protocol };
	l[4] = (struct label){ "encap", render_yes(s->encap) };
	l[5] = (struct label){ "encr_alg", s->encr_alg };
	l[6] = (struct label){ "encr_keysize", s->encr_keysize ? keysize : NULL };
	l[7] = (struct label){ "integ_alg", s->integ_alg };
	l[8] = (struct label){ "dh_group", s->dh_group };
	expo_sample(e, l, NL(l), 1);
}
RENDER_PER_CHILD(render_child_sa_info)

/* ---- rekeys overdue ------------------------------------------------------ */

/* Overdue: model/overdue.h has the rule (the event log uses it too). */
static bool render_overdue(const struct render_ctx *c, int64_t rekey_in,
			   int64_t age, uint64_t cfg_rekey)
{
	return overdue_rekey(c->m->rekey_overdue_margin, rekey_in, age, cfg_rekey, NULL);
}

static void render_ike_overdue(const struct render_ctx *c,
			       const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };

	if (v->newest)
		expo_sample(e, l, NL(l), render_overdue(c, v->newest->rekey_in,
			    v->newest->established_for,
			    v->cfg ? v->cfg->rekey_time : 0));
}

static void render_child_overdue(const struct render_ctx *c,
				 const struct conn_view *v,
				 const struct child_view *ch, struct expo *e)
{
	struct label l[] = { { "conn", v->name }, { "child", ch->name } };

	if (ch->newest)
		expo_sample(e, l, NL(l), render_overdue(c, ch->newest->rekey_in,
			    ch->newest->installed_for,
			    ch->cfg ? ch->cfg->rekey_time : 0));
}
RENDER_PER_CHILD(render_child_overdue)

/* pluto counts bytes per CHILD SA but no packets */
static bool render_have_sa_packets(const struct render_ctx *c)
{
	return render_have_sas(c) && !c->m->sa_packets_unknown;
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

#define C(name, type, help, fn) { name, type, help, render_have_sas, NULL, fn }

const struct render_family render_child_families[] = {
	C("ipsec_child", METRIC_INFO,
	  "A configured CHILD SA: mode, how it comes up (start) and traffic selectors.",
	  render_child_info_conn),
	C("ipsec_child_expected_up", METRIC_GAUGE,
	  "1 if the child is expected up: its conn is, and it is neither a trap nor a shunt.",
	  render_child_expected_up_conn),
	C("ipsec_child_up", METRIC_GAUGE,
	  "1 if the child has a CHILD SA INSTALLED (or rekeying/updating), else 0.",
	  render_child_up_conn),
	C("ipsec_child_sas", METRIC_GAUGE,
	  "CHILD SAs of the child by state (INSTALLED always, others when present).",
	  render_child_sas_conn),
	C("ipsec_child_sa_bytes", METRIC_COUNTER,
	  "Bytes through the child's CHILD SAs, monotonic across rekeys.",
	  render_child_bytes_conn),
	{ "ipsec_child_sa_packets", METRIC_COUNTER,
	  "Packets through the child's CHILD SAs, monotonic across rekeys.",
	  render_have_sa_packets, NULL, render_child_packets_conn },
	C("ipsec_child_sa_last_packet_timestamp_seconds", METRIC_GAUGE,
	  "Unix time of the last packet through any CHILD SA of the child (absent: never).",
	  render_child_last_packet_conn),
	C("ipsec_child_sa_installed_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest installed CHILD SA was installed.",
	  render_child_installed_conn),
	C("ipsec_child_sa_rekey_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest installed CHILD SA is scheduled to rekey (absent: none).",
	  render_child_rekey_conn),
	C("ipsec_child_sa_expire_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest installed CHILD SA hits its hard lifetime (absent: none).",
	  render_child_expire_conn),
	C("ipsec_child_sa", METRIC_INFO,
	  "The newest installed CHILD SA: mode, protocol, encapsulation, algorithms.",
	  render_child_sa_info_conn),
	C("ipsec_ike_sa_rekey_overdue", METRIC_GAUGE,
	  "1 if the newest up IKE SA should have been rekeyed more than the margin ago.",
	  render_ike_overdue),
	C("ipsec_child_sa_rekey_overdue", METRIC_GAUGE,
	  "1 if the newest up CHILD SA should have been rekeyed more than the margin ago.",
	  render_child_overdue_conn),
};

const size_t render_child_nfamilies = NL(render_child_families);
