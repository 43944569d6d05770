/* The kernel's families: XFRM SAs joined to conn/child, SAs nobody
 * negotiated, policies, the XFRM error counters and KLIPS SAs.  See
 * docs/metrics.md "Kernel". */
#include <string.h>

#include "metrics/render_family.h"

/* ---- presence --------------------------------------------------------- */

static bool rk_have_xfrm(const struct render_ctx *c)
{
	return c->m->kernel.have_xfrm;
}

static bool rk_have_joined(const struct render_ctx *c)
{
	return c->m->kernel.have_xfrm && c->m->have_sas;
}

static bool rk_have_stat(const struct render_ctx *c)
{
	return c->m->kernel.have_xfrm_stat;
}

static bool rk_have_klips(const struct render_ctx *c)
{
	return c->m->kernel.have_klips;
}

/* ---- XFRM totals ------------------------------------------------------ */

static void rk_sas(const struct render_ctx *c, struct expo *e)
{
	const struct kernel_state *k = &c->m->kernel;
	struct label yes[] = { { "joined", "yes" } }, no[] = { { "joined", "no" } };

	expo_sample_u64(e, yes, 1, k->joined);
	expo_sample_u64(e, no, 1, k->nsas - k->joined);
}

static void rk_policies(const struct render_ctx *c, struct expo *e)
{
	const struct kernel_state *k = &c->m->kernel;
	unsigned d, a;

	for (d = 0; d < XFRM_DIR_COUNT; d++)
		for (a = 0; a < XFRM_ACTION_COUNT; a++) {
			struct label l[] = { { "direction", xfrm_parse_dir_name(d) },
					     { "action", xfrm_parse_action_name(a) } };

			expo_sample_u64(e, l, NL(l), k->policies[d][a]);
		}
}

/* ---- per conn/child ---------------------------------------------------- */

typedef void (*rk_child_fn)(const struct conn_view *v, const struct child_view *ch,
			    struct expo *e);

/* Children that ever had a kernel SA: a child whose SAs live in userspace
 * (kernel-libipsec) or that never came up has no kernel series. */
static void rk_each_child(const struct conn_view *v, struct expo *e, rk_child_fn fn)
{
	size_t i;

	for (i = 0; i < v->nchildren; i++)
		if (v->children[i].kernel.have)
			fn(v, &v->children[i], e);
}

static void rk_child_bytes(const struct conn_view *v, const struct child_view *ch,
			   struct expo *e)
{
	render_in_out(v, ch, e, ch->kernel.traffic.bytes_in, ch->kernel.traffic.bytes_out);
}

static void rk_child_packets(const struct conn_view *v, const struct child_view *ch,
			     struct expo *e)
{
	render_in_out(v, ch, e, ch->kernel.traffic.packets_in, ch->kernel.traffic.packets_out);
}

static void rk_errors(struct expo *e, struct label *l, size_t nl,
		      const struct kernel_errors *err)
{
	l[nl].name = "error";
	l[nl].value = "replay";
	expo_sample_u64(e, l, nl + 1, err->replay);
	l[nl].value = "replay_window";
	expo_sample_u64(e, l, nl + 1, err->replay_window);
	l[nl].value = "integrity";
	expo_sample_u64(e, l, nl + 1, err->integrity);
}

static void rk_child_errors(const struct conn_view *v, const struct child_view *ch,
			    struct expo *e)
{
	struct label l[3] = { { "conn", v->name }, { "child", ch->name } };

	rk_errors(e, l, 2, &ch->kernel.errors);
}

static void rk_child_time(const struct conn_view *v, const struct child_view *ch,
			  struct expo *e, int64_t t)
{
	struct label l[] = { { "conn", v->name }, { "child", ch->name } };

	if (t != TIME_NONE)
		expo_sample(e, l, NL(l), (double)t);
}

static void rk_child_soft(const struct conn_view *v, const struct child_view *ch,
			  struct expo *e)
{
	rk_child_time(v, ch, e, ch->kernel.soft_expire);
}

static void rk_child_hard(const struct conn_view *v, const struct child_view *ch,
			  struct expo *e)
{
	rk_child_time(v, ch, e, ch->kernel.hard_expire);
}

static void rk_child_sas(const struct conn_view *v, const struct child_view *ch,
			 struct expo *e)
{
	struct label l[] = { { "conn", v->name }, { "child", ch->name } };

	expo_sample_u64(e, l, NL(l), ch->kernel.nsas);
}

#define RK_PER_CONN(fn)                                                     \
	static void fn##_conn(const struct render_ctx *c,                   \
			      const struct conn_view *v, struct expo *e)    \
	{                                                                   \
		(void)c;                                                    \
		rk_each_child(v, e, fn);                                    \
	}
RK_PER_CONN(rk_child_bytes)
RK_PER_CONN(rk_child_packets)
RK_PER_CONN(rk_child_errors)
RK_PER_CONN(rk_child_soft)
RK_PER_CONN(rk_child_hard)
RK_PER_CONN(rk_child_sas)

/* ---- SAs nobody negotiated --------------------------------------------- */

/* With peer labels off, addresses are not labels: sums per protocol.
 * These SAs have no identity that outlives them (no CHILD SA, no ledger),
 * so the sums are gauges: they fall when an SA goes, and a _total would
 * read as a counter reset (docs/metrics.md "Label vocabulary"). */
struct rk_sum {
	const char *src, *dst, *proto;
	uint64_t nsas, bytes, packets;
	struct kernel_errors errors;
};

enum rk_what { RK_SAS, RK_BYTES, RK_PACKETS, RK_ERRORS };

static void rk_sum_emit(const struct rk_sum *s, enum rk_what w, struct expo *e)
{
	struct label l[4] = { { "src", s->src }, { "dst", s->dst }, { "protocol", s->proto } };

	switch (w) {
	case RK_SAS:
		expo_sample_u64(e, l, 3, s->nsas);
		break;
	case RK_BYTES:
		expo_sample_u64(e, l, 3, s->bytes);
		break;
	case RK_PACKETS:
		expo_sample_u64(e, l, 3, s->packets);
		break;
	case RK_ERRORS:
		rk_errors(e, l, 3, &s->errors);
		break;
	}
}

static void rk_sum_add(struct rk_sum *s, const struct kernel_other *o)
{
	s->nsas += o->nsas;
	s->bytes += o->bytes;
	s->packets += o->packets;
	s->errors.replay += o->errors.replay;
	s->errors.replay_window += o->errors.replay_window;
	s->errors.integrity += o->errors.integrity;
}

static void rk_other(const struct render_ctx *c, struct expo *e, enum rk_what w)
{
	static const char *const protos[] = { "esp", "ah", "comp", "other" };
	const struct kernel_state *k = &c->m->kernel;
	struct rk_sum sums[NL(protos)];
	size_t i, p;

	if (c->o->peer_labels) {
		for (i = 0; i < k->nother; i++) {
			struct rk_sum s = { .src = k->other[i].src, .dst = k->other[i].dst,
					    .proto = k->other[i].proto };

			rk_sum_add(&s, &k->other[i]);
			rk_sum_emit(&s, w, e);
		}
		return;
	}
	memset(sums, 0, sizeof(sums));
	for (i = 0; i < k->nother; i++)
		for (p = 0; p < NL(protos); p++)
			if (!strcmp(k->other[i].proto, protos[p]) || p == NL(protos) - 1) {
				rk_sum_add(&sums[p], &k->other[i]);
				break;
			}
	for (p = 0; p < NL(protos); p++) {
		sums[p].proto = protos[p];
		if (sums[p].nsas)
			rk_sum_emit(&sums[p], w, e);
	}
}

static void rk_other_sas(const struct render_ctx *c, struct expo *e)
{
	rk_other(c, e, RK_SAS);
}

static void rk_other_bytes(const struct render_ctx *c, struct expo *e)
{
	rk_other(c, e, RK_BYTES);
}

static void rk_other_packets(const struct render_ctx *c, struct expo *e)
{
	rk_other(c, e, RK_PACKETS);
}

static void rk_other_errors(const struct render_ctx *c, struct expo *e)
{
	rk_other(c, e, RK_ERRORS);
}

/* ---- /proc/net/xfrm_stat ----------------------------------------------- */

static void rk_xfrm_stat(const struct render_ctx *c, struct expo *e)
{
	const struct xfrm_stat *st = c->m->kernel.stat;
	size_t i;

	for (i = 0; i < st->n; i++) {
		struct label l[] = { { "error", st->c[i].label } };

		expo_sample_u64(e, l, 1, st->c[i].value);
	}
}

/* ---- KLIPS -------------------------------------------------------------- */

/* Summed per protocol and direction (and src/dst with peer labels); SPIs,
 * which change at every rekey, are never labels. */
enum rk_klips_what { RKK_SAS, RKK_BYTES, RKK_PACKETS, RKK_ERRORS };

static void rk_klips_one(const struct klips_sa *s, uint64_t nsas, enum rk_klips_what w,
			 struct label *l, struct expo *e)
{
	switch (w) {
	case RKK_SAS:
		expo_sample_u64(e, l, 4, nsas);
		break;
	case RKK_BYTES:
		expo_sample_u64(e, l, 4, s->bytes.cur);
		break;
	case RKK_PACKETS:
		expo_sample_u64(e, l, 4, s->packets.cur);
		break;
	case RKK_ERRORS:
		l[4].name = "error";
		l[4].value = "integrity";   /* auth_errs: the ICV check, XFRM's name */
		expo_sample_u64(e, l, 5, s->auth_errs);
		l[4].value = "replay";
		expo_sample_u64(e, l, 5, s->ooo_errs);
		l[4].value = "encr_size";
		expo_sample_u64(e, l, 5, s->encr_size_errs);
		l[4].value = "encr_pad";
		expo_sample_u64(e, l, 5, s->encr_pad_errs);
		break;
	}
}

/* Two SAs with the same labels would be duplicate series: the table is
 * walked per label set, adding up the SAs that share it. */
static bool rk_klips_same(const struct render_ctx *c, const struct klips_sa *a,
			  const struct klips_sa *b)
{
	if (a->proto != b->proto || a->dir != b->dir)
		return false;
	return !c->o->peer_labels || (!strcmp(a->src, b->src) && !strcmp(a->dst, b->dst));
}

static void rk_klips(const struct render_ctx *c, struct expo *e, enum rk_klips_what w)
{
	const struct kernel_state *k = &c->m->kernel;
	size_t i, j;

	for (i = 0; i < k->nklips; i++) {
		struct klips_sa sum = k->klips[i];
		struct label l[5] = {
			{ "protocol", klips_proto_names[sum.proto] },
			{ "direction", klips_dir_names[sum.dir] },
			{ "src", c->o->peer_labels ? sum.src : NULL },
			{ "dst", c->o->peer_labels ? sum.dst : NULL },
		};
		bool first = true;
		uint64_t nsas = 1;

		for (j = 0; j < i && first; j++)
			first = !rk_klips_same(c, &k->klips[j], &k->klips[i]);
		if (!first)
			continue;
		for (j = i + 1; j < k->nklips; j++) {
			const struct klips_sa *o = &k->klips[j];

			if (!rk_klips_same(c, o, &k->klips[i]))
				continue;
			sum.bytes.cur += o->bytes.cur;
			sum.packets.cur += o->packets.cur;
			sum.auth_errs += o->auth_errs;
			sum.ooo_errs += o->ooo_errs;
			sum.encr_size_errs += o->encr_size_errs;
			sum.encr_pad_errs += o->encr_pad_errs;
			nsas++;
		}
		rk_klips_one(&sum, nsas, w, l, e);
	}
}

static void rk_klips_sas(const struct render_ctx *c, struct expo *e)
{
	rk_klips(c, e, RKK_SAS);
}

static void rk_klips_bytes(const struct render_ctx *c, struct expo *e)
{
	rk_klips(c, e, RKK_BYTES);
}

static void rk_klips_packets(const struct render_ctx *c, struct expo *e)
{
	rk_klips(c, e, RKK_PACKETS);
}

static void rk_klips_errors(const struct render_ctx *c, struct expo *e)
{
	rk_klips(c, e, RKK_ERRORS);
}

/* ---- the families --------------------------------------------------------- */

#define G(name, type, help, present, fn) { name, type, help, present, fn, NULL }
#define K(name, type, help, fn) { name, type, help, rk_have_joined, NULL, fn }

const struct render_family render_kernel_families[] = {
	G("ipsec_kernel_sas", METRIC_GAUGE,
	  "XFRM SAs in the kernel, joined to a CHILD SA of charon's or not.",
	  rk_have_xfrm, rk_sas),
	G("ipsec_kernel_policies", METRIC_GAUGE,
	  "XFRM policies in the kernel by direction and action.",
	  rk_have_xfrm, rk_policies),
	K("ipsec_kernel_child_sas", METRIC_GAUGE,
	  "Kernel SAs (both directions) of the child's live CHILD SAs.",
	  rk_child_sas_conn),
	K("ipsec_kernel_child_sa_bytes", METRIC_COUNTER,
	  "Bytes the kernel's SAs of the child processed, monotonic across rekeys.",
	  rk_child_bytes_conn),
	K("ipsec_kernel_child_sa_packets", METRIC_COUNTER,
	  "Packets the kernel's SAs of the child processed, monotonic across rekeys.",
	  rk_child_packets_conn),
	K("ipsec_kernel_child_sa_errors", METRIC_COUNTER,
	  "Inbound packets the kernel dropped: replayed, outside the replay window, failed integrity.",
	  rk_child_errors_conn),
	K("ipsec_kernel_child_sa_soft_expire_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest inbound kernel SA reaches its soft add-time limit.",
	  rk_child_soft_conn),
	K("ipsec_kernel_child_sa_hard_expire_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest inbound kernel SA reaches its hard add-time limit.",
	  rk_child_hard_conn),
	G("ipsec_kernel_other_sas", METRIC_GAUGE,
	  "Kernel SAs no CHILD SA of charon's claims, by source, destination, protocol.",
	  rk_have_xfrm, rk_other_sas),
	G("ipsec_kernel_other_sa_bytes", METRIC_GAUGE,
	  "Bytes the kernel SAs no CHILD SA claims have processed, summed over those present now (falls when one goes).",
	  rk_have_xfrm, rk_other_bytes),
	G("ipsec_kernel_other_sa_packets", METRIC_GAUGE,
	  "Packets the kernel SAs no CHILD SA claims have processed, summed over those present now.",
	  rk_have_xfrm, rk_other_packets),
	G("ipsec_kernel_other_sa_errors", METRIC_GAUGE,
	  "Inbound packets the kernel SAs no CHILD SA claims have dropped, summed over those present now.",
	  rk_have_xfrm, rk_other_errors),
	G("ipsec_xfrm_errors", METRIC_COUNTER,
	  "The kernel's XFRM error counters (/proc/net/xfrm_stat).",
	  rk_have_stat, rk_xfrm_stat),
	G("ipsec_klips_sas", METRIC_GAUGE,
	  "KLIPS SAs (/proc/net/ipsec_spi) by protocol and direction.",
	  rk_have_klips, rk_klips_sas),
	G("ipsec_klips_sa_bytes", METRIC_GAUGE,
	  "Bytes the KLIPS SAs have processed, summed over those present now (falls when one goes).",
	  rk_have_klips, rk_klips_bytes),
	G("ipsec_klips_sa_packets", METRIC_GAUGE,
	  "Packets the KLIPS SAs have processed, summed over those present now.",
	  rk_have_klips, rk_klips_packets),
	G("ipsec_klips_sa_errors", METRIC_GAUGE,
	  "Packets the KLIPS SAs present now have dropped: integrity, replay, encryption size and padding.",
	  rk_have_klips, rk_klips_errors),
};

const size_t render_kernel_nfamilies = NL(render_kernel_families);
