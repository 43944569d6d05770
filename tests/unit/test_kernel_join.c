/* The join of kernel XFRM SAs with charon's CHILD SAs: by SPI and reqid,
 * per direction; counters kept monotonic across a rekey (the old SA's
 * counters fold into the base); SAs nobody claims summed per src, dst and
 * proto; a reqid mismatch is not a match (but a CHILD SA without a reqid,
 * pluto's, is claimed by SPI alone); and the rendered families. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/render.h"
#include "model/ledger.h"
#include "model/redact.h"
#include "model/view.h"
#include "testlib.h"

struct world {
	struct ledger charon, ktraffic, kerrors;
	struct kernel_ledgers kl;
};

static struct child_cfg kids[] = { { .name = "net", .mode = "TUNNEL",
	.local_ts = "198.18.0.0/24", .remote_ts = "198.19.0.0/24" } };

/* charon's view: tun1/net with one CHILD SA per (spi_in, spi_out). */
static struct model *charon_model(struct world *w, const char *const (*spis)[2],
				  size_t n)
{
	struct model *m = model_new();
	struct ike_sa *ike;
	size_t i;

	m->collected_at = 5000;
	m->have_sas = true;
	m->conns = arena_alloc(&m->arena, sizeof(*m->conns));
	m->conns[0] = (struct conn_cfg){ .name = "tun1", .version = "2",
		.remote_addrs = "192.0.2.11", .children = kids, .nchildren = 1 };
	m->nconns = 1;
	ike = model_add_ike_sa(m);
	ike->conn = "tun1";
	ike->state = IKE_ESTABLISHED;
	ike->children = arena_alloc(&m->arena, n * sizeof(*ike->children));
	ike->nchildren = n;
	for (i = 0; i < n; i++)
		ike->children[i] = (struct child_sa){ .name = "net",
			.uniqueid = (uint32_t)strtoul(spis[i][0] + 1, NULL, 16),
			.reqid = 7, .state = CHILD_INSTALLED, .spi_in = spis[i][0],
			.spi_out = spis[i][1], .installed_for = (int64_t)(10 * (n - i)),
			.use_in = TIME_NONE, .use_out = TIME_NONE, .rekey_in = TIME_NONE,
			.life_in = TIME_NONE };
	ledger_update(&w->charon, m, true);
	model_build_views(m, NULL, &w->charon);
	return m;
}

static struct xfrm_sa_rec ksa(uint32_t spi, uint32_t reqid, const char *src,
			      const char *dst, uint64_t bytes, uint64_t packets)
{
	struct xfrm_sa_rec r;

	memset(&r, 0, sizeof(r));
	r.family = 2;
	snprintf(r.src, sizeof(r.src), "%s", src);
	snprintf(r.dst, sizeof(r.dst), "%s", dst);
	r.proto = 50;
	r.spi = spi;
	r.reqid = reqid;
	r.cur.bytes = bytes;
	r.cur.packets = packets;
	r.cur.add_time = 4000;
	r.lft.soft_add_s = 3000;
	r.lft.hard_add_s = XFRM_NO_LIMIT;
	return r;
}

static void set_kernel(struct model *m, struct xfrm_sa_rec *sas, size_t n)
{
	m->kernel.have_xfrm = true;
	m->kernel.sas = sas;
	m->kernel.nsas = n;
}

static const struct child_view *child(const struct model *m)
{
	CHECK_INT(m->nviews, 1);
	CHECK_INT(m->views[0].nchildren, 1);
	return &m->views[0].children[0];
}

static void world_init(struct world *w)
{
	w->charon = (struct ledger)LEDGER_INIT;
	w->ktraffic = (struct ledger)LEDGER_INIT;
	w->kerrors = (struct ledger)LEDGER_INIT;
	w->kl = (struct kernel_ledgers){ &w->ktraffic, &w->kerrors };
}

static void world_release(struct world *w)
{
	ledger_release(&w->charon);
	ledger_release(&w->ktraffic);
	ledger_release(&w->kerrors);
}

static void test_join_and_rekey(void)
{
	static const char *const one[][2] = { { "c0000001", "d0000001" } };
	static const char *const two[][2] = { { "c0000002", "d0000002" },
					       { "c0000001", "d0000001" } };
	static const char *const after[][2] = { { "c0000002", "d0000002" } };
	struct xfrm_sa_rec k1[] = {
		ksa(0xc0000001, 7, "192.0.2.11", "192.0.2.1", 1000, 10),  /* in */
		ksa(0xd0000001, 7, "192.0.2.1", "192.0.2.11", 500, 5),    /* out */
		ksa(0xe0000001, 9, "192.0.2.50", "192.0.2.1", 77, 1),     /* nobody's */
		ksa(0xc0000001, 8, "192.0.2.11", "192.0.2.1", 99, 9),     /* wrong reqid */
	};
	struct xfrm_sa_rec k2[] = {
		ksa(0xc0000001, 7, "192.0.2.11", "192.0.2.1", 1500, 15),
		ksa(0xd0000001, 7, "192.0.2.1", "192.0.2.11", 600, 6),
		ksa(0xc0000002, 7, "192.0.2.11", "192.0.2.1", 20, 2),
		ksa(0xd0000002, 7, "192.0.2.1", "192.0.2.11", 10, 1),
	};
	struct xfrm_sa_rec k3[] = {
		ksa(0xc0000002, 7, "192.0.2.11", "192.0.2.1", 30, 3),
		ksa(0xd0000002, 7, "192.0.2.1", "192.0.2.11", 40, 4),
	};
	struct world w;
	struct model *m;
	const struct child_view *ch;

	world_init(&w);
	k1[0].stats.replay = 3;
	k1[0].stats.integrity_failed = 2;
	m = charon_model(&w, one, 1);
	set_kernel(m, k1, 4);
	CHECK_INT(kernel_join(m, &w.kl, true), 0);
	ch = child(m);
	CHECK(ch->kernel.have);
	CHECK_INT(ch->kernel.nsas, 2);
	CHECK_U64(ch->kernel.traffic.bytes_in, 1000);
	CHECK_U64(ch->kernel.traffic.bytes_out, 500);
	CHECK_U64(ch->kernel.traffic.packets_in, 10);
	CHECK_U64(ch->kernel.errors.replay, 3);
	CHECK_U64(ch->kernel.errors.integrity, 2);
	CHECK_INT(ch->kernel.soft_expire, 7000);
	CHECK(ch->kernel.hard_expire == TIME_NONE);
	CHECK_INT(m->kernel.joined, 2);
	CHECK_INT(m->kernel.nother, 2);   /* the stranger and the wrong reqid */
	CHECK_STR(m->kernel.other[0].src, "192.0.2.11");
	CHECK_U64(m->kernel.other[0].bytes, 99);
	CHECK_STR(m->kernel.other[1].src, "192.0.2.50");
	CHECK_STR(m->kernel.other[1].proto, "esp");
	model_unref(m);

	/* rekeying: both SAs, the new one newest */
	m = charon_model(&w, two, 2);
	set_kernel(m, k2, 4);
	CHECK_INT(kernel_join(m, &w.kl, true), 0);
	ch = child(m);
	CHECK_U64(ch->kernel.traffic.bytes_in, 1520);
	CHECK_U64(ch->kernel.traffic.bytes_out, 610);
	CHECK_U64(ch->kernel.errors.replay, 3);
	model_unref(m);

	/* the old SA is gone: its last counters stay in the total */
	m = charon_model(&w, after, 1);
	set_kernel(m, k3, 2);
	CHECK_INT(kernel_join(m, &w.kl, true), 0);
	ch = child(m);
	CHECK_U64(ch->kernel.traffic.bytes_in, 1530);
	CHECK_U64(ch->kernel.traffic.bytes_out, 640);
	CHECK_U64(ch->kernel.traffic.packets_out, 10);
	CHECK_U64(ch->kernel.errors.replay, 3);
	CHECK_U64(ch->kernel.errors.integrity, 2);
	CHECK_INT(m->kernel.nother, 0);
	model_unref(m);
	world_release(&w);
}

static char *render_text(struct model *m, bool peer)
{
	struct render_opts o = { .peer_labels = peer };
	struct strbuf all = STRBUF_INIT, piece = STRBUF_INIT;
	struct render *r = render_new(m, EXPO_TEXT, &o);
	int more;

	do {   /* render_next() wants an emptied buffer for each piece */
		more = render_next(r, &piece);
		strbuf_add(&all, strbuf_str(&piece), piece.len);
		strbuf_reset(&piece);
	} while (more > 0);
	strbuf_release(&piece);
	render_free(r);
	return strbuf_detach(&all, NULL);
}

static void test_render_kernel(void)
{
	static const char *const one[][2] = { { "c0000001", "d0000001" } };
	struct xfrm_sa_rec k[] = {
		ksa(0xc0000001, 7, "192.0.2.11", "192.0.2.1", 1000, 10),
		ksa(0xd0000001, 7, "192.0.2.1", "192.0.2.11", 500, 5),
		ksa(0xe0000001, 9, "192.0.2.50", "192.0.2.1", 77, 1),
		ksa(0xe0000002, 9, "192.0.2.51", "192.0.2.1", 3, 1),
	};
	struct world w;
	struct model *m;
	char *out;

	world_init(&w);
	k[0].stats.replay_window = 4;
	m = charon_model(&w, one, 1);
	set_kernel(m, k, 4);
	m->kernel.policies[XFRM_DIR_OUT][XFRM_ACTION_ALLOW] = 2;
	CHECK_INT(kernel_join(m, &w.kl, true), 0);
	out = render_text(m, true);
	CHECK(strstr(out, "ipsec_kernel_sas{joined=\"yes\"} 2\n") != NULL);
	CHECK(strstr(out, "ipsec_kernel_sas{joined=\"no\"} 2\n") != NULL);
	CHECK(strstr(out, "ipsec_kernel_policies{direction=\"out\",action=\"allow\"} 2\n") != NULL);
	CHECK(strstr(out, "ipsec_kernel_child_sa_bytes_total{conn=\"tun1\",child=\"net\",direction=\"in\"} 1000\n") != NULL);
	CHECK(strstr(out, "ipsec_kernel_child_sa_packets_total{conn=\"tun1\",child=\"net\",direction=\"out\"} 5\n") != NULL);
	CHECK(strstr(out, "ipsec_kernel_child_sa_errors_total{conn=\"tun1\",child=\"net\",error=\"replay_window\"} 4\n") != NULL);
	CHECK(strstr(out, "ipsec_kernel_child_sa_soft_expire_timestamp_seconds{conn=\"tun1\",child=\"net\"} 7000\n") != NULL);
	CHECK(strstr(out, "ipsec_kernel_child_sa_hard_expire_timestamp_seconds{") == NULL);
	CHECK(strstr(out, "ipsec_kernel_other_sa_bytes{src=\"192.0.2.50\",dst=\"192.0.2.1\",protocol=\"esp\"} 77\n") != NULL);
	free(out);
	out = render_text(m, false);   /* addresses redacted: one sum per proto */
	CHECK(strstr(out, "ipsec_kernel_other_sa_bytes{protocol=\"esp\"} 80\n") != NULL);
	CHECK(strstr(out, "ipsec_kernel_other_sas{protocol=\"esp\"} 2\n") != NULL);
	CHECK(strstr(out, "192.0.2.50") == NULL);
	free(out);
	model_unref(m);
	world_release(&w);
}

/* The SAs no CHILD SA claims are summed by kernel_join() before peers are
 * redacted: their addresses are redacted too (they leaked once), and two
 * addresses that redact to one alias become one series, not two samples
 * with the same labels. */
static void test_other_redacted(void)
{
	static const char *const one[][2] = { { "c0000001", "d0000001" } };
	struct redact_alias al[] = {
		{ (char[]){ "192.0.2.50" }, (char[]){ "rogue" } },
		{ (char[]){ "192.0.2.51" }, (char[]){ "rogue" } },
	};
	struct redact_config rc = { REDACT_ALIAS, (char[]){ "salt" }, al, 2 };
	struct xfrm_sa_rec k[] = {
		ksa(0xc0000001, 7, "192.0.2.11", "192.0.2.1", 1000, 10),
		ksa(0xe0000001, 9, "192.0.2.50", "192.0.2.1", 77, 1),
		ksa(0xe0000002, 9, "192.0.2.51", "192.0.2.1", 3, 1),
	};
	/* redaction rewrites the configured selectors, here the shared kids[] */
	const char *remote_ts = kids[0].remote_ts;
	struct world w;
	struct model *m;
	char *out;

	world_init(&w);
	m = charon_model(&w, one, 1);
	set_kernel(m, k, 3);
	CHECK_INT(kernel_join(m, &w.kl, true), 0);
	CHECK_INT(m->kernel.nother, 2);
	CHECK_INT(redact_model(&rc, m), 0);
	CHECK_INT(m->kernel.nother, 1);
	CHECK_STR(m->kernel.other[0].src, "rogue");
	CHECK(!strncmp(m->kernel.other[0].dst, "peer-", 5));
	CHECK_U64(m->kernel.other[0].bytes, 80);
	CHECK_U64(m->kernel.other[0].nsas, 2);
	out = render_text(m, true);
	CHECK(strstr(out, "192.0.2.5") == NULL);
	CHECK(strstr(out, "ipsec_kernel_other_sa_bytes{src=\"rogue\",dst=\"peer-") != NULL);
	CHECK(strstr(out, "ipsec_kernel_other_sas{src=\"rogue\",dst=\"peer-") != NULL);
	free(out);
	model_unref(m);
	kids[0].remote_ts = remote_ts;
	world_release(&w);
}

/* Without kernel SAs of a child (kernel-libipsec), no kernel series. */
static void test_no_kernel_sas(void)
{
	static const char *const one[][2] = { { "c0000001", "d0000001" } };
	struct world w;
	struct model *m;
	char *out;

	world_init(&w);
	m = charon_model(&w, one, 1);
	set_kernel(m, NULL, 0);
	CHECK_INT(kernel_join(m, &w.kl, true), 0);
	CHECK(!child(m)->kernel.have);
	out = render_text(m, true);
	CHECK(strstr(out, "ipsec_kernel_child_sa_bytes_total{") == NULL);
	CHECK(strstr(out, "ipsec_kernel_sas{joined=\"no\"} 0\n") != NULL);
	free(out);
	model_unref(m);
	world_release(&w);
}

/* pluto reports no reqid (0 in the model): the SPI alone claims the kernel's
 * SA, whatever its reqid */
static void test_no_reqid(void)
{
	static const char *const one[][2] = { { "c0000001", "d0000001" } };
	struct xfrm_sa_rec k[] = {
		ksa(0xc0000001, 16389, "192.0.2.11", "192.0.2.1", 1000, 10),
		ksa(0xd0000001, 16389, "192.0.2.1", "192.0.2.11", 500, 5),
		ksa(0xe0000001, 16393, "192.0.2.50", "192.0.2.1", 77, 1),
	};
	struct world w;
	struct model *m;
	const struct child_view *ch;

	world_init(&w);
	m = charon_model(&w, one, 1);
	m->ike_sas[0].children[0].reqid = 0;
	set_kernel(m, k, 3);
	CHECK_INT(kernel_join(m, &w.kl, true), 0);
	ch = child(m);
	CHECK_INT(ch->kernel.nsas, 2);
	CHECK_U64(ch->kernel.traffic.bytes_in, 1000);
	CHECK_U64(ch->kernel.traffic.bytes_out, 500);
	CHECK_INT(m->kernel.joined, 2);
	model_unref(m);
	world_release(&w);
}

int main(void)
{
	RUN(test_join_and_rekey);
	RUN(test_render_kernel);
	RUN(test_other_redacted);
	RUN(test_no_kernel_sas);
	RUN(test_no_reqid);
	return testlib_done();
}
