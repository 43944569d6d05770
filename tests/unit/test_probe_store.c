/* The result store and what a scrape makes of it: the view copies the
 * probes that ran, counters and the histogram add up, one-shot views carry
 * no counters, and the rendered families name the documented labels. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/render.h"
#include "model/model.h"
#include "probe/probe_store.h"
#include "testlib.h"

static struct probe_spec specs[3];
static const struct probe_config pc = { specs, 3, 4 };

/* The config's strings are the caller's to own: strdup'd here. */
static void init_specs(void)
{
	static const struct { const char *conn, *child, *name, *target;
			      enum probe_type type; } t[3] = {
		{ "tun1", "net1", "icmp", "198.19.0.1", PROBE_ICMP },
		{ "tun2", "net2", "mtu", NULL, PROBE_MTU },
		{ "tun3", "net3", "never", "198.19.0.3", PROBE_TCP },
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		specs[i] = (struct probe_spec){
			.conn = strdup(t[i].conn), .child = strdup(t[i].child),
			.name = strdup(t[i].name), .type = t[i].type,
			.target = t[i].target ? strdup(t[i].target) : NULL,
			.target_offset = t[i].target ? PROBE_OFFSET_NONE : 1,
			.source_offset = PROBE_OFFSET_NONE, .count = 1,
		};
	}
}

static void record_runs(struct probe_store *s)
{
	struct probe_result ok = { .success = true, .loss_ratio = 1.0 / 3,
				   .rtt = { 0.0004, 0.003 }, .nrtt = 2,
				   .finished_at = 1000.5, .target = "198.19.0.1" };
	struct probe_result lost = { .success = false, .fail = PROBE_FAIL_TIMEOUT,
				     .loss_ratio = 1, .finished_at = 1030.5,
				     .target = "198.19.0.1" };
	struct probe_result mtu = { .success = true, .loss_ratio = NAN, .mtu = 1200,
				    .finished_at = 1001, .target = "198.19.1.1" };

	probe_store_record(s, 0, &ok);
	probe_store_record(s, 0, &lost);
	probe_store_record(s, 1, &mtu);
	probe_store_record(s, 99, &mtu);   /* out of range: ignored */
}

static void test_addrs(void)
{
	struct probe_store *s = probe_store_new(&pc);
	struct probe_addrs a;

	probe_store_addrs(s, 0, &a);
	CHECK(a.target_known);
	CHECK_INT(a.target.family, AF_INET);
	CHECK_U64(a.target.u.v4, 0xc6130001);
	probe_store_addrs(s, 1, &a);
	CHECK(!a.target_known);
	a.target_known = true;
	CHECK_INT(probe_addr_parse("2001:db8:19::1", &a.target), 0);
	probe_store_set_addrs(s, 1, &a);
	memset(&a, 0, sizeof(a));
	probe_store_addrs(s, 1, &a);
	CHECK(a.target_known);
	CHECK_INT(a.target.family, AF_INET6);
	CHECK_INT(a.target.u.v6[15], 1);
	probe_store_free(s);
}

static void test_view(void)
{
	struct probe_store *s = probe_store_new(&pc);
	struct arena ar = ARENA_INIT;
	struct probe_snapshot snap;
	const struct probe_view *v;

	record_runs(s);
	CHECK_INT(probe_store_view(s, &ar, true, &snap), 0);
	CHECK(snap.have && snap.cumulative);
	CHECK_INT(snap.n, 2);          /* "never" has not run */
	v = &snap.v[0];
	CHECK_STR(v->name, "icmp");
	CHECK(!v->success);
	CHECK_INT(v->fail, PROBE_FAIL_TIMEOUT);
	CHECK_U64(v->runs, 2);
	CHECK_U64(v->failures[PROBE_FAIL_TIMEOUT], 1);
	CHECK_U64(v->rtt_count, 2);
	CHECK_U64(v->buckets[0], 1);   /* 0.4 ms <= 0.5 ms */
	CHECK_U64(v->buckets[3], 1);   /* 3 ms <= 5 ms */
	CHECK(fabs(v->rtt_sum - 0.0034) < 1e-12);
	CHECK_INT(snap.v[1].mtu, 1200);
	CHECK_STR(snap.v[1].target, "198.19.1.1");
	arena_release(&ar);
	/* one-shot: gauges only */
	CHECK_INT(probe_store_view(s, &ar, false, &snap), 0);
	CHECK(!snap.cumulative);
	CHECK_U64(snap.v[0].runs, 0);
	arena_release(&ar);
	probe_store_free(s);
}

/* failing after failing_after failed runs in a row (default 3), not
 * before; one success ends the streak */
static void test_failure_streak(void)
{
	struct probe_store *s = probe_store_new(&pc);
	struct probe_result refused = { .success = false, .fail = PROBE_FAIL_REFUSED,
					.loss_ratio = 1, .target = "198.19.0.3" };
	struct probe_result ok = { .success = true, .loss_ratio = 0, .target = "198.19.0.3" };
	struct arena ar = ARENA_INIT;
	struct probe_snapshot snap;
	int run;

	for (run = 1; run <= 4; run++) {
		refused.finished_at = run;
		probe_store_record(s, 2, &refused);
		CHECK_INT(probe_store_view(s, &ar, true, &snap), 0);
		CHECK_U64(snap.v[0].consecutive_failures, (uint64_t)run);
		CHECK(snap.v[0].failing == (run >= PROBE_FAILING_AFTER_DEFAULT));
		arena_release(&ar);
	}
	probe_store_record(s, 2, &ok);
	CHECK_INT(probe_store_view(s, &ar, false, &snap), 0);
	CHECK_U64(snap.v[0].consecutive_failures, 0);
	CHECK(!snap.v[0].failing);
	arena_release(&ar);
	/* a probe's own threshold */
	specs[2].failing_after = 1;
	probe_store_record(s, 2, &refused);
	CHECK_INT(probe_store_view(s, &ar, false, &snap), 0);
	CHECK(snap.v[0].failing);
	CHECK_U64(snap.v[0].mtu_floor, 0);      /* not an mtu probe */
	arena_release(&ar);
	specs[2].failing_after = 0;
	probe_store_free(s);
}

static char *render_text(struct model *m)
{
	struct render_opts o = { .peer_labels = true };
	struct strbuf all = STRBUF_INIT, piece = STRBUF_INIT;
	struct render *r = render_new(m, EXPO_TEXT, &o);
	int more;

	do {
		more = render_next(r, &piece);
		strbuf_add(&all, strbuf_str(&piece), piece.len);
		strbuf_reset(&piece);
	} while (more > 0);
	render_free(r);
	strbuf_release(&piece);
	return strbuf_detach(&all, NULL);
}

static void test_render(void)
{
	struct probe_store *s = probe_store_new(&pc);
	struct model *m = model_new();
	char *out;

	record_runs(s);
	CHECK_INT(probe_store_view(s, &m->arena, true, &m->probes), 0);
	out = render_text(m);
	CHECK(strstr(out, "ipsec_probe_success{conn=\"tun1\",child=\"net1\",probe=\"icmp\",target=\"198.19.0.1\"} 0\n") != NULL);
	CHECK(strstr(out, "ipsec_probe_loss_ratio{conn=\"tun1\",child=\"net1\",probe=\"icmp\",target=\"198.19.0.1\"} 1\n") != NULL);
	/* no loss for mtu probes, no mtu for the others */
	CHECK(strstr(out, "ipsec_probe_loss_ratio{conn=\"tun2\"") == NULL);
	CHECK(strstr(out, "ipsec_probe_mtu_bytes{conn=\"tun2\",child=\"net2\",probe=\"mtu\",target=\"198.19.1.1\"} 1200\n") != NULL);
	CHECK(strstr(out, "ipsec_probe_mtu_bytes{conn=\"tun1\"") == NULL);
	CHECK(strstr(out, "# TYPE ipsec_probe_rtt_seconds histogram\n") != NULL);
	CHECK(strstr(out, "ipsec_probe_rtt_seconds_bucket{conn=\"tun1\",child=\"net1\",probe=\"icmp\",target=\"198.19.0.1\",le=\"+Inf\"} 2\n") != NULL);
	CHECK(strstr(out, "ipsec_probe_runs_total{conn=\"tun1\",child=\"net1\",probe=\"icmp\",target=\"198.19.0.1\"} 2\n") != NULL);
	CHECK(strstr(out, "ipsec_probe_failures_total{conn=\"tun1\",child=\"net1\",probe=\"icmp\",target=\"198.19.0.1\",reason=\"timeout\"} 1\n") != NULL);
	CHECK(strstr(out, "reason=\"refused\"") == NULL);
	CHECK(strstr(out, "ipsec_probe_last_run_timestamp_seconds{conn=\"tun1\",child=\"net1\",probe=\"icmp\",target=\"198.19.0.1\"} 1030.5\n") != NULL);
	CHECK(strstr(out, "ipsec_probe_info{conn=\"tun2\",child=\"net2\",probe=\"mtu\",target=\"198.19.1.1\",type=\"mtu\"} 1\n") != NULL);
	free(out);
	/* a model without probes has none of the families */
	model_unref(m);
	m = model_new();
	out = render_text(m);
	CHECK(strstr(out, "ipsec_probe") == NULL);
	free(out);
	model_unref(m);
	probe_store_free(s);
}

int main(void)
{
	size_t i;
	int r;

	init_specs();
	RUN(test_addrs);
	RUN(test_view);
	RUN(test_failure_streak);
	RUN(test_render);
	r = testlib_done();
	for (i = 0; i < 3; i++)
		probe_spec_release(&specs[i]);
	return r;
}
