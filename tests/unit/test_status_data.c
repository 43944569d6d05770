/* The data plane in the status judgment: a conn whose probe failed its
 * last failing_after runs is probe_failing, with the probe and its reason;
 * kernel errors make a conn degraded only while they rise (error_trend);
 * the order in which conditions win (down, child missing, connecting,
 * probe failing, degraded, ok); the JSON names the failing probes; the
 * status metric says the same. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/render.h"
#include "model/error_trend.h"
#include "model/view.h"
#include "status/status.h"
#include "status/status_json.h"
#include "testlib.h"

static struct child_cfg kids[] = { { .name = "net", .mode = "TUNNEL" } };

/* conns "a-down" (no SA, expected up), "b-up" and "c-up" (up, net
 * installed), each with one probe on net. */
static struct model *model(struct ledger *l)
{
	static const char *const names[] = { "a-down", "b-up", "c-up" };
	struct model *m = model_new();
	size_t i;

	m->collected_at = 1800000000;
	m->have_sas = true;
	m->conns = arena_alloc(&m->arena, 3 * sizeof(*m->conns));
	for (i = 0; i < 3; i++)
		m->conns[i] = (struct conn_cfg){ .name = names[i], .version = "IKEv2",
			.remote_addrs = "192.0.2.9", .children = kids, .nchildren = 1 };
	m->nconns = 3;
	for (i = 1; i < 3; i++) {
		struct ike_sa *ike = model_add_ike_sa(m);

		ike->conn = names[i];
		ike->uniqueid = (uint32_t)i;
		ike->state = IKE_ESTABLISHED;
		ike->established_for = 600;
		ike->remote_host = "192.0.2.9";
		ike->encr_alg = ike->integ_alg = ike->prf_alg = ike->dh_group = "";
		ike->tasks_active = "";
		ike->children = arena_alloc(&m->arena, sizeof(*ike->children));
		ike->children[0] = (struct child_sa){ .name = "net", .uniqueid = (uint32_t)(10 + i),
			.state = CHILD_INSTALLED, .mode = "TUNNEL", .protocol = "ESP",
			.spi_in = "c0000001", .spi_out = "c0000002", .cpi_in = "", .cpi_out = "",
			.encr_alg = "", .integ_alg = "", .dh_group = "", .use_in = TIME_NONE,
			.use_out = TIME_NONE, .installed_for = 500, .local_ts = "", .remote_ts = "" };
		ike->nchildren = 1;
	}
	ledger_update(l, m, true);
	model_build_views(m, NULL, l);
	m->probes.have = true;
	m->probes.n = 3;
	m->probes.v = arena_alloc(&m->arena, 3 * sizeof(*m->probes.v));
	for (i = 0; i < 3; i++)
		m->probes.v[i] = (struct probe_view){ .conn = names[i], .child = "net",
			.name = "icmp", .target = "198.19.0.1", .source = "", .type = PROBE_ICMP,
			.success = true, .loss_ratio = 0 };
	return m;
}

static void fail_probe(struct model *m, size_t i, enum probe_fail why, uint64_t runs)
{
	struct probe_view *p = &m->probes.v[i];

	p->success = false;
	p->fail = why;
	p->loss_ratio = 1;
	p->consecutive_failures = runs;
	p->failing = runs >= 3;
}

static const struct status_conn *find(const struct status_view *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nconns; i++)
		if (!strcmp(v->conns[i].name, name))
			return &v->conns[i];
	return NULL;
}

static enum status_attention judge(struct model *m, const char *name, char *reason, size_t size)
{
	struct arena a = ARENA_INIT;
	struct status_view v;
	const struct status_conn *sc;
	enum status_attention at = ST_ATTENTION_COUNT;

	CHECK_INT(status_build(m, NULL, &a, &v), 0);
	sc = find(&v, name);
	if (sc) {
		at = sc->attention;
		if (reason)
			snprintf(reason, size, "%s", sc->reason);
	}
	arena_release(&a);
	return at;
}

static void test_probe_failing(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	char reason[512];

	CHECK_INT(judge(m, "b-up", NULL, 0), ST_OK);
	/* two failed runs: not yet */
	fail_probe(m, 1, PROBE_FAIL_TIMEOUT, 2);
	CHECK_INT(judge(m, "b-up", NULL, 0), ST_OK);
	fail_probe(m, 1, PROBE_FAIL_TIMEOUT, 3);
	CHECK_INT(judge(m, "b-up", reason, sizeof(reason)), ST_PROBE_FAILING);
	CHECK_STR(reason, "probe icmp through net failed 3 runs in a row: timeout");
	CHECK_INT(judge(m, "c-up", NULL, 0), ST_OK);     /* another conn's probe */
	fail_probe(m, 1, PROBE_FAIL_REFUSED, 7);
	CHECK_INT(judge(m, "b-up", reason, sizeof(reason)), ST_PROBE_FAILING);
	CHECK(strstr(reason, "7 runs in a row: connection refused") != NULL);
	model_unref(m);
	ledger_release(&l);
}

static void test_probe_reasons(void)
{
	struct probe_view p = { .name = "x", .child = "net", .type = PROBE_HTTP,
				.fail = PROBE_FAIL_STATUS, .http = { .status = 503 } };
	char b[128];

	status_probe_reason(b, sizeof(b), &p);
	CHECK_STR(b, "HTTP status 503");
	p.fail = PROBE_FAIL_TLS;
	status_probe_reason(b, sizeof(b), &p);
	CHECK_STR(b, "TLS handshake failed");
	for (p.fail = PROBE_FAIL_NONE; p.fail < PROBE_FAIL_COUNT; p.fail++) {
		status_probe_reason(b, sizeof(b), &p);     /* every one has words */
		CHECK(b[0] != '\0');
	}
	p.fail = PROBE_FAIL_UNREACHABLE;
	status_probe_reason(b, sizeof(b), &p);
	CHECK_STR(b, "unreachable");
	p = (struct probe_view){ .type = PROBE_MTU, .fail = PROBE_FAIL_TIMEOUT, .mtu_floor = 1400 };
	status_probe_reason(b, sizeof(b), &p);
	CHECK_STR(b, "path MTU below 1400 (mtu_min)");
	p.fail = PROBE_FAIL_ERROR;
	status_probe_reason(b, sizeof(b), &p);
	CHECK(strstr(b, "local error") != NULL);
	p.fail = (enum probe_fail)99;                    /* out of range: an error */
	status_probe_reason(b, sizeof(b), &p);
	CHECK(strstr(b, "local error") != NULL);
}

/* Kernel errors of b-up's net: set as kernel_join() would, then judged
 * through the trend, as the scraper does at each collection. */
static enum status_attention collect_errors(struct error_trend *t, struct model *m,
					    uint64_t integrity, time_t at)
{
	struct child_view *ch = &m->views[1].children[0];

	m->collected_at = at;
	ch->kernel.have = true;
	ch->kernel.errors.integrity = integrity;
	CHECK_INT(error_trend_update(t, m, 60), 0);
	return judge(m, "b-up", NULL, 0);
}

static void test_degraded_while_rising(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	struct error_trend t = ERROR_TREND_INIT;

	CHECK_STR(m->views[1].name, "b-up");
	/* errors counted before ikewatch looked: a baseline, not a rise */
	CHECK_INT(collect_errors(&t, m, 5, 1000), ST_OK);
	CHECK_INT(collect_errors(&t, m, 5, 1015), ST_OK);
	CHECK_INT(collect_errors(&t, m, 6, 1030), ST_DEGRADED);
	CHECK_U64((uint64_t)m->views[1].children[0].kernel.errors_rose_at, 1030);
	/* still within the window after the last growth */
	CHECK_INT(collect_errors(&t, m, 6, 1089), ST_DEGRADED);
	/* one replayed packet long ago is not a degraded tunnel */
	CHECK_INT(collect_errors(&t, m, 6, 1090), ST_OK);
	CHECK_INT(collect_errors(&t, m, 6, 5000), ST_OK);
	CHECK_INT(collect_errors(&t, m, 9, 5015), ST_DEGRADED);
	error_trend_release(&t);
	model_unref(m);
	ledger_release(&l);
}

/* A child gone from the snapshot is forgotten: back, its errors are a
 * new baseline. */
static void test_trend_forgets(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	struct error_trend t = ERROR_TREND_INIT;

	CHECK_INT(collect_errors(&t, m, 5, 1000), ST_OK);
	m->views[1].children[0].kernel.have = false;
	CHECK_INT(error_trend_update(&t, m, 60), 0);
	CHECK(!m->views[1].children[0].kernel.errors_rising);
	CHECK_INT(collect_errors(&t, m, 8, 1030), ST_OK);
	error_trend_release(&t);
	model_unref(m);
	ledger_release(&l);
}

/* The first condition that holds wins: down > child missing > connecting >
 * probe failing > degraded > ok. */
static void test_order(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	struct arena a = ARENA_INIT;
	struct status_view v;
	char reason[512];

	/* a down conn's probe fails too: down says it */
	fail_probe(m, 0, PROBE_FAIL_TIMEOUT, 9);
	CHECK_INT(judge(m, "a-down", NULL, 0), ST_DOWN);
	/* probe failing beats rising kernel errors */
	fail_probe(m, 1, PROBE_FAIL_TIMEOUT, 3);
	m->views[1].children[0].kernel.errors_rising = true;
	m->views[2].children[0].kernel.errors_rising = true;
	CHECK_INT(judge(m, "b-up", NULL, 0), ST_PROBE_FAILING);
	CHECK_INT(judge(m, "c-up", reason, sizeof(reason)), ST_DEGRADED);
	CHECK(strstr(reason, "of net") != NULL);
	/* listed in that order */
	CHECK_INT(status_build(m, NULL, &a, &v), 0);
	CHECK_INT(v.nconns, 3);
	CHECK_STR(v.conns[0].name, "a-down");
	CHECK_STR(v.conns[1].name, "b-up");
	CHECK_STR(v.conns[2].name, "c-up");
	CHECK_INT(v.counts[ST_PROBE_FAILING], 1);
	CHECK_INT(v.counts[ST_DEGRADED], 1);
	arena_release(&a);
	/* a missing child beats a failing probe */
	m->views[1].children[0].newest = NULL;
	CHECK_INT(judge(m, "b-up", NULL, 0), ST_CHILD_MISSING);
	/* the enum's order is the documented one */
	CHECK(ST_DOWN < ST_CHILD_MISSING && ST_CHILD_MISSING < ST_CONNECTING &&
	      ST_CONNECTING < ST_PROBE_FAILING && ST_PROBE_FAILING < ST_DEGRADED &&
	      ST_DEGRADED < ST_OK);
	CHECK_STR(status_attention_names[ST_PROBE_FAILING], "probe_failing");
	model_unref(m);
	ledger_release(&l);
}

static void test_json(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	struct arena a = ARENA_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct status_view v;

	fail_probe(m, 1, PROBE_FAIL_TIMEOUT, 4);
	CHECK_INT(status_build(m, NULL, &a, &v), 0);
	status_json(&v, &sb);
	CHECK(strstr(strbuf_str(&sb), "\"probe_failing\":1,\"degraded\":0") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\"attention\":\"probe_failing\"") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\"probes_failing\":[{\"probe\":\"icmp\",\"child\":\"net\","
		     "\"type\":\"icmp\",\"fail\":\"timeout\",\"reason\":\"timeout\","
		     "\"consecutive_failures\":4}]") != NULL);
	strbuf_release(&sb);
	arena_release(&a);
	model_unref(m);
	ledger_release(&l);
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

static void test_metric(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	char *out;

	fail_probe(m, 1, PROBE_FAIL_TIMEOUT, 3);
	out = render_text(m);
	CHECK(strstr(out, "# TYPE ipsec_conn_status gauge\n") != NULL);
	CHECK(strstr(out, "ipsec_conn_status{conn=\"b-up\",status=\"probe_failing\"} 1\n") != NULL);
	CHECK(strstr(out, "ipsec_conn_status{conn=\"b-up\",status=\"ok\"} 0\n") != NULL);
	CHECK(strstr(out, "ipsec_conn_status{conn=\"a-down\",status=\"down\"} 1\n") != NULL);
	CHECK(strstr(out, "ipsec_conn_status{conn=\"c-up\",status=\"ok\"} 1\n") != NULL);
	free(out);
	model_unref(m);
	ledger_release(&l);
}

int main(void)
{
	RUN(test_probe_failing);
	RUN(test_probe_reasons);
	RUN(test_degraded_while_rising);
	RUN(test_trend_forgets);
	RUN(test_order);
	RUN(test_json);
	RUN(test_metric);
	return testlib_done();
}
