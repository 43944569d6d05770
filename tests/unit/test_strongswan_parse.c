/* strongSwan message translation, on messages captured from a real charon
 * 5.9.8 (tests/fixtures/vici, made with tests/tools/vici_capture.py) and on
 * built ones for the cases a lab does not produce. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/strongswan_parse.h"
#include "model/view.h"
#include "vici/vici_control.h"
#include "testlib.h"

static int decode_fixture(const char *name, struct vici_msg *msg)
{
	char rel[256];
	size_t len;
	uint8_t *buf;

	snprintf(rel, sizeof(rel), "vici/%s", name);
	buf = testlib_read_fixture(rel, &len);
	msg->owned = buf;
	return vici_msg_decode(buf, len, msg, NULL);
}

static void test_real_list_sa(void)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	struct model *m = model_new();
	const struct ike_sa *ike;
	const struct child_sa *c;

	CHECK_INT(decode_fixture("list-sa-1.bin", &msg), 0);
	CHECK_INT(strongswan_parse_sa(&msg, m, &err), 0);
	CHECK_INT(m->nike, 1);
	ike = &m->ike_sas[0];
	CHECK_STR(ike->conn, "tun20");
	CHECK_INT(ike->uniqueid, 60);
	CHECK_INT(ike->version, 2);
	CHECK_INT(ike->state, IKE_ESTABLISHED);
	CHECK_STR(ike->remote_host, "192.0.2.12");
	CHECK_INT(ike->remote_port, 4500);
	CHECK_STR(ike->remote_id, "peer-tun20");
	CHECK_STR(ike->remote_vips, "");          /* site-to-site: none */
	CHECK(!ike->initiator);
	CHECK(ike->nat_remote);
	CHECK(!ike->nat_local);
	CHECK_STR(ike->encr_alg, "AES_GCM_16");
	CHECK_INT(ike->encr_keysize, 128);
	CHECK_INT(ike->established_for, 2);
	CHECK_INT(ike->rekey_in, 14201);
	CHECK(ike->reauth_in == TIME_NONE);   /* charon omitted it: none */
	CHECK_INT(ike->nchildren, 1);
	c = &ike->children[0];
	CHECK_STR(c->name, "net20");
	CHECK_INT(c->uniqueid, 57);
	CHECK_INT(c->reqid, 56);
	CHECK_INT(c->state, CHILD_INSTALLED);
	CHECK_STR(c->spi_in, "d3874389");
	CHECK_STR(c->spi_out, "ae5587d7");
	CHECK_STR(c->protocol, "esp");         /* charon says "ESP" */
	CHECK(c->encap);
	CHECK_U64(c->bytes_in, 0);
	CHECK(c->use_in == TIME_NONE);        /* never used: absent, not 0 */
	CHECK(c->use_out == TIME_NONE);
	CHECK(c->rekey_in > 0);
	CHECK(c->life_in > c->rekey_in);
	CHECK_STR(c->local_ts, "198.18.0.20/32");
	CHECK_STR(c->remote_ts, "198.19.0.20/32");
	vici_msg_release(&msg);
	model_unref(m);
}

static void test_real_conn_stats_version(void)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	struct model *m = model_new();
	struct conn_cfg *conns = NULL;
	size_t n = 0, alloc = 0;

	CHECK_INT(decode_fixture("list-conn-1.bin", &msg), 0);
	CHECK_INT(strongswan_parse_conn(&msg, m, &conns, &n, &alloc, &err), 0);
	CHECK_INT(n, 1);
	if (n) {
		CHECK_STR(conns[0].name, "tun1");
		/* charon says "IKEv2"; the vocabulary says "2", as list-sas does */
		CHECK_STR(conns[0].version, "2");
		CHECK_STR(conns[0].remote_addrs, "192.0.2.11");
		CHECK(!conns[0].responder_only);
		CHECK_INT(conns[0].nchildren, 1);
		CHECK_STR(conns[0].children[0].name, "net1");
		CHECK_STR(conns[0].children[0].remote_ts, "198.19.0.1/32");
	}
	free(conns);
	vici_msg_release(&msg);

	CHECK_INT(decode_fixture("stats.bin", &msg), 0);
	CHECK_INT(strongswan_parse_stats(&msg, m, &err), 0);
	CHECK_U64(m->daemon.ikesas_total, 100);
	CHECK_U64(m->daemon.workers_total, 16);
	CHECK_U64(m->daemon.workers_active[0], 4);
	CHECK_U64(m->daemon.scheduled, 600);
	CHECK(!m->daemon.counters_plugin);
	CHECK(m->daemon.start_time > 1.7e9);
	vici_msg_release(&msg);

	CHECK_INT(decode_fixture("version.bin", &msg), 0);
	CHECK_INT(strongswan_parse_version(&msg, m, &err), 0);
	CHECK_STR(m->daemon.daemon, "charon");
	CHECK_STR(m->daemon.version, "5.9.8");
	vici_msg_release(&msg);

	/* charon's answer when the counters plugin is not loaded */
	CHECK_INT(decode_fixture("get-counters.bin", &msg), 0);
	CHECK_INT(vici_check_success(&msg, "get-counters", &err), -EIO);
	CHECK_STR(err.msg, "get-counters failed: no counters available (plugin missing?)");
	vici_msg_release(&msg);
	model_unref(m);
}

static void test_real_counters(void)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	struct model *m = model_new();
	size_t i;
	bool found = false;

	/* charon names the global counter set "" (an empty section name) */
	CHECK_INT(decode_fixture("get-counters-plugin.bin", &msg), 0);
	CHECK_INT(vici_check_success(&msg, "get-counters", &err), 0);
	CHECK_INT(strongswan_parse_counters(&msg, m, &err), 0);
	CHECK(m->daemon.have_counters);
	CHECK(m->daemon.ncounters >= 20);
	for (i = 0; i < m->daemon.ncounters; i++)
		if (!strcmp(m->daemon.counter_names[i], "ike-init-in-req")) {
			found = true;
			CHECK_U64(m->daemon.counter_values[i], 1);
		}
	CHECK(found);
	vici_msg_release(&msg);
	model_unref(m);
}

/* Builds a list-sa message with one IKE SA and one CHILD SA whose field
 * `field` has value `value`. */
static void build_sa(struct vici_msg *msg, const char *field, const char *value)
{
	struct vici_builder b;
	size_t len;

	vici_builder_init(&b);
	vici_section_begin(&b, "conn.with:dots");
	vici_add_kv_str(&b, "uniqueid", "1");
	vici_add_kv_str(&b, "state", "ESTABLISHED");
	vici_section_begin(&b, "child-sas");
	vici_section_begin(&b, "c-1");
	vici_add_kv_str(&b, "name", "c");
	vici_add_kv_str(&b, "state", "INSTALLED");
	vici_add_kv_str(&b, field, value);
	vici_section_end(&b);
	vici_section_end(&b);
	vici_section_end(&b);
	CHECK_INT(vici_builder_finish(&b, NULL), 0);
	msg->owned = (uint8_t *)strbuf_detach(&b.sb, &len);
	CHECK_INT(vici_msg_decode(msg->owned, len, msg, NULL), 0);
	vici_builder_release(&b);
}

static void test_malformed_numbers_rejected(void)
{
	static const struct { const char *field, *value, *msg; } t[] = {
		{ "bytes-in", "12x", "list-sa: conn.with:dots: field 'bytes-in' is not a number" },
		{ "bytes-out", "", "list-sa: conn.with:dots: field 'bytes-out' is not a number" },
		{ "packets-in", "-1", "list-sa: conn.with:dots: field 'packets-in' is not a number" },
		{ "bytes-in", "99999999999999999999999", "list-sa: conn.with:dots: field 'bytes-in' is not a number" },
		{ "use-in", "soon", "list-sa: conn.with:dots: field 'use-in' is not a number of seconds" },
		{ "uniqueid", "4294967296", "list-sa: conn.with:dots: field 'uniqueid' out of range" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct vici_msg msg = VICI_MSG_INIT;
		struct ikw_err err = { "" };
		struct model *m = model_new();

		build_sa(&msg, t[i].field, t[i].value);
		CHECK_INT(strongswan_parse_sa(&msg, m, &err), -EBADMSG);
		CHECK_STR(err.msg, t[i].msg);
		CHECK_INT(m->nike, 0);
		vici_msg_release(&msg);
		model_unref(m);
	}
}

static void test_overdue_countdown_is_negative(void)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct model *m = model_new();

	/* charon prints (scheduled - now): negative once a rekey is overdue */
	build_sa(&msg, "rekey-time", "-42");
	CHECK_INT(strongswan_parse_sa(&msg, m, NULL), 0);
	CHECK_INT(m->nike, 1);
	if (m->nike)
		CHECK_INT(m->ike_sas[0].children[0].rekey_in, -42);
	vici_msg_release(&msg);
	model_unref(m);
	m = model_new();
	build_sa(&msg, "rekey-time", "--1");
	CHECK_INT(strongswan_parse_sa(&msg, m, NULL), -EBADMSG);
	vici_msg_release(&msg);
	model_unref(m);
}

static void test_hostile_strings_sanitized(void)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct model *m = model_new();

	build_sa(&msg, "spi-in", "ab\ncd\xff");
	CHECK_INT(strongswan_parse_sa(&msg, m, NULL), 0);
	CHECK_STR(m->ike_sas[0].children[0].spi_in, "ab?cd?");
	vici_msg_release(&msg);
	model_unref(m);
}

static void test_rekey_overlap_view(void)
{
	struct model *m = model_new();
	struct ledger l = LEDGER_INIT;
	struct ike_sa *a, *b;
	struct child_sa *c;
	const struct conn_view *v;

	/* two IKE SAs under one name (duplicate before uniqueness check), the
	 * newer carrying a rekey overlap of its child */
	a = model_add_ike_sa(m);
	a->conn = "x";
	a->state = IKE_ESTABLISHED;
	a->established_for = 500;
	b = model_add_ike_sa(m);
	b->conn = "x";
	b->state = IKE_ESTABLISHED;
	b->established_for = 20;
	b->children = c = arena_alloc(&m->arena, 2 * sizeof(*c));
	b->nchildren = 2;
	c[0] = (struct child_sa){ .name = "n", .state = CHILD_REKEYED, .spi_in = "1",
		.spi_out = "2", .installed_for = 300, .use_in = 5, .use_out = 1,
		.bytes_in = 100, .rekey_in = TIME_NONE, .life_in = 10 };
	c[1] = (struct child_sa){ .name = "n", .state = CHILD_INSTALLED, .spi_in = "3",
		.spi_out = "4", .installed_for = 3, .use_in = TIME_NONE, .use_out = 2,
		.bytes_in = 7, .rekey_in = 1000, .life_in = 1200 };
	CHECK_INT(ledger_update(&l, m, true), 0);
	CHECK_INT(model_build_views(m, NULL, &l), 0);
	CHECK_INT(m->nviews, 1);
	v = &m->views[0];
	CHECK_INT(v->state_count[IKE_ESTABLISHED], 2);
	CHECK(v->newest == b);
	CHECK(!v->expected_up);    /* not configured */
	CHECK_INT(v->nchildren, 1);
	CHECK_INT(v->children[0].nsas, 2);
	CHECK(v->children[0].newest == &c[1]);
	CHECK_INT(v->children[0].state_count[CHILD_REKEYED], 1);
	CHECK_INT(v->children[0].use_in, 5);
	CHECK_INT(v->children[0].use_out, 1);
	CHECK_U64(v->children[0].totals.bytes_in, 107);
	ledger_release(&l);
	model_unref(m);
}

static void test_configured_down_and_policy(void)
{
	struct model *m = model_new();
	struct ledger l = LEDGER_INIT;
	static struct child_cfg kids[] = { { .name = "k" } };
	const char *ignore[] = { "rw*" };
	struct expect_policy p = { NULL, 0, ignore, 1 };

	m->conns = arena_alloc(&m->arena, 3 * sizeof(*m->conns));
	m->conns[0] = (struct conn_cfg){ .name = "a", .children = kids, .nchildren = 1 };
	m->conns[1] = (struct conn_cfg){ .name = "b", .responder_only = true };
	m->conns[2] = (struct conn_cfg){ .name = "rw1" };
	m->nconns = 3;
	CHECK_INT(model_build_views(m, &p, &l), 0);
	CHECK_INT(m->nviews, 2);             /* rw1 ignored */
	CHECK_STR(m->views[0].name, "a");
	CHECK(m->views[0].expected_up);
	CHECK(m->views[0].newest == NULL);   /* down: a value, not absent */
	CHECK_INT(m->views[0].nchildren, 1);
	CHECK(m->views[0].children[0].newest == NULL);
	CHECK(!m->views[1].expected_up);     /* %any: responder only */
	ledger_release(&l);
	model_unref(m);
}

/* charon's spellings of one concept become the one label vocabulary
 * (docs/metrics.md "Label vocabulary"): the IKE version of list-conns
 * ("IKEv2") reads as list-sas's number, the protocol as the kernel's. */
static void test_vocabulary(void)
{
	static const struct {
		const char *in, *out;
	} versions[] = {
		{ "IKEv2", "2" }, { "IKEv1", "1" }, { "IKEv1/2", "any" },
		{ "ikev2", "2" }, { "2", "2" }, { "1", "1" }, { "0", "any" },
		{ "", "" }, { "IKEv3", "unknown" }, { "IKEv2 ", "unknown" },
	}, protocols[] = {
		{ "ESP", "esp" }, { "AH", "ah" }, { "esp", "esp" }, { "Ah", "ah" },
		{ "COMP", "comp" }, { "", "" }, { "ESP+IPComp", "other" },
		{ "tcp", "other" },
	};
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		CHECK_STR(ike_version_label(versions[i].in), versions[i].out);
	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		CHECK_STR(ipsec_protocol_label(protocols[i].in), protocols[i].out);
	CHECK_STR(ike_version_number_label(2), ike_version_label("IKEv2"));
	CHECK_STR(ike_version_number_label(1), ike_version_label("IKEv1"));
	CHECK_STR(ike_version_number_label(0), ike_version_label("IKEv1/2"));
	CHECK_STR(ike_version_number_label(7), "unknown");
}

int main(void)
{
	RUN(test_real_list_sa);
	RUN(test_real_conn_stats_version);
	RUN(test_real_counters);
	RUN(test_malformed_numbers_rejected);
	RUN(test_hostile_strings_sanitized);
	RUN(test_overdue_countdown_is_negative);
	RUN(test_rekey_overlap_view);
	RUN(test_configured_down_and_policy);
	RUN(test_vocabulary);
	return testlib_done();
}
