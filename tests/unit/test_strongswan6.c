/* What charon 6 adds, on messages captured from a real charon 6.0.6 in the
 * lab (tests/fixtures/vici6, tests/tools/vici_capture.py): the `alert`
 * event and its failures, trap policies, and per-CPU SAs summed into one
 * child (list-sa-percpu.bin is derived from a real listing by
 * make_percpu.py: the lab cannot make per-CPU SAs). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/strongswan_parse.h"
#include "collect/strongswan_policy.h"
#include "collect/vici_alert.h"
#include "model/ledger.h"
#include "model/view.h"
#include "vici/vici_control.h"
#include "testlib.h"

static int load(const char *name, struct vici_msg *msg)
{
	char rel[256];
	size_t len;

	snprintf(rel, sizeof(rel), "vici6/%s", name);
	msg->owned = testlib_read_fixture(rel, &len);
	return vici_msg_decode(msg->owned, len, msg, NULL);
}

static void test_version(void)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct model *m = model_new();

	CHECK_INT(load("version.bin", &msg), 0);
	CHECK_INT(strongswan_parse_version(&msg, m, NULL), 0);
	CHECK_STR(m->daemon.version, "6.0.6");
	vici_msg_release(&msg);
	model_unref(m);
}

/* ---- per-CPU SAs ------------------------------------------------------- */

static struct model *percpu_model(const char *fixture)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	struct model *m = model_new();

	CHECK_INT(load(fixture, &msg), 0);
	CHECK_INT(strongswan_parse_sa(&msg, m, &err), 0);
	m->have_sas = true;
	vici_msg_release(&msg);
	return m;
}

static const struct child_view *find_child(const struct model *m,
					   const char *conn, const char *child)
{
	size_t i, j;

	for (i = 0; i < m->nviews; i++)
		for (j = 0; !strcmp(m->views[i].name, conn) && j < m->views[i].nchildren; j++)
			if (!strcmp(m->views[i].children[j].name, child))
				return &m->views[i].children[j];
	return NULL;
}

static void test_percpu_sas_summed_once(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = percpu_model("list-sa-percpu.bin"), *again;
	const struct child_sa *a, *b;
	const struct child_view *v;

	CHECK_INT(m->nike, 1);
	CHECK_INT(m->ike_sas[0].nchildren, 2);
	a = &m->ike_sas[0].children[0];
	b = &m->ike_sas[0].children[1];
	CHECK_STR(a->name, "net1");
	CHECK_STR(b->name, "net1");
	CHECK(a->uniqueid != b->uniqueid);
	CHECK(a->bytes_in + b->bytes_in > 0);
	CHECK_INT(ledger_update(&l, m, true), 0);
	CHECK_INT(model_build_views(m, NULL, &l), 0);
	v = find_child(m, "tun1", "net1");
	CHECK(v != NULL);
	if (v) {
		CHECK_INT(v->nsas, 2);
		CHECK_INT(v->state_count[CHILD_INSTALLED], 2);
		CHECK_U64(v->totals.bytes_in, a->bytes_in + b->bytes_in);
		CHECK_U64(v->totals.bytes_out, a->bytes_out + b->bytes_out);
		CHECK_U64(v->totals.packets_in, a->packets_in + b->packets_in);
	}
	/* the same listing again (the next scrape): nothing counted twice */
	again = percpu_model("list-sa-percpu.bin");
	CHECK_INT(ledger_update(&l, again, true), 0);
	CHECK_INT(model_build_views(again, NULL, &l), 0);
	v = find_child(again, "tun1", "net1");
	CHECK(v != NULL);
	if (v)
		CHECK_U64(v->totals.bytes_in, a->bytes_in + b->bytes_in);
	model_unref(again);
	model_unref(m);
	ledger_release(&l);
}

/* ---- trap policies ------------------------------------------------------- */

static void test_trap_and_shunt(void)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	struct model *m = model_new();
	struct conn_cfg *conns = NULL;
	size_t n = 0, alloc = 0;
	const char *const files[] = { "list-conn-shuntc.bin", "list-conn-trapc.bin" };
	size_t i;

	for (i = 0; i < 2; i++) {
		CHECK_INT(load(files[i], &msg), 0);
		CHECK_INT(strongswan_parse_conn(&msg, m, &conns, &n, &alloc, &err), 0);
		vici_msg_release(&msg);
	}
	CHECK_INT(n, 2);   /* sorted: shuntc, trapc */
	CHECK_STR(conns[0].name, "shuntc");
	CHECK_STR(conns[1].name, "trapc");
	CHECK_INT(conns[1].nchildren, 1);
	CHECK(!conns[1].children[0].trap);
	CHECK_INT(load("list-policy-trap.bin", &msg), 0);
	CHECK_INT(strongswan_parse_policy(&msg, conns, n), 1);
	CHECK(conns[1].children[0].trap);
	CHECK_INT(child_cfg_start(&conns[1], &conns[1].children[0]), CHILD_START_TRAP);
	CHECK(!expect_policy_expects(NULL, &conns[1]));
	/* the same policy again marks nothing new; an unknown conn nothing */
	CHECK_INT(strongswan_parse_policy(&msg, conns, n), 0);
	CHECK_INT(strongswan_parse_policy(&msg, conns, 1), 0);
	CHECK_INT(strongswan_parse_policy(&msg, NULL, 0), 0);   /* charon has no conn */
	vici_msg_release(&msg);
	CHECK_STR(conns[0].children[0].mode, "PASS");
	CHECK_INT(child_cfg_start(&conns[0], &conns[0].children[0]), CHILD_START_SHUNT);
	CHECK(!expect_policy_expects(NULL, &conns[0]));
	free(conns);
	model_unref(m);
}

/* ---- alerts ------------------------------------------------------------------ */

static int apply_alert(struct event_store *s, struct alert_filter *f,
		       const char *file, double now)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	int r;

	CHECK_INT(load(file, &msg), 0);
	r = vici_alert_apply(s, f, &msg, now, &err);
	vici_msg_release(&msg);
	return r;
}

static uint64_t alert_count(const struct event_view *v, const char *conn,
			    enum alert_type t)
{
	size_t i;

	for (i = 0; i < v->nalerts; i++)
		if (!strcmp(v->alerts[i].conn, conn))
			return v->alerts[i].count[t];
	return 0;
}

static uint64_t failure_count(const struct event_view *v, const char *conn,
			      enum fail_reason r)
{
	size_t i;

	for (i = 0; i < v->nfailures; i++)
		if (!strcmp(v->failures[i].conn, conn))
			return v->failures[i].count[r];
	return 0;
}

static void test_real_alerts(void)
{
	struct event_store *s = event_store_new(100);
	struct arena a = ARENA_INIT;
	struct alert_filter f;
	struct event_view v;

	alert_filter_init(&f);
	CHECK_INT(apply_alert(s, &f, "alert-local-auth-failed.bin", 100), 0);
	CHECK_INT(apply_alert(s, &f, "alert-proposal-mismatch-child.bin", 101), 0);
	/* follows the mismatch: counted as an alert, not as a second failure */
	CHECK_INT(apply_alert(s, &f, "alert-keep-on-child-sa-failure.bin", 101), 0);
	CHECK_INT(event_store_view(s, &a, &v), 0);
	CHECK_U64(alert_count(&v, "badpsk", ALERT_LOCAL_AUTH_FAILED), 1);
	CHECK_U64(alert_count(&v, "badprop", ALERT_PROPOSAL_MISMATCH_CHILD), 1);
	CHECK_U64(alert_count(&v, "badprop", ALERT_KEEP_ON_CHILD_SA_FAILURE), 1);
	CHECK_U64(failure_count(&v, "badpsk", FAIL_AUTH), 1);
	CHECK_U64(failure_count(&v, "badprop", FAIL_NO_PROPOSAL), 1);
	CHECK_U64(failure_count(&v, "badprop", FAIL_OTHER), 0);
	arena_release(&a);
	/* a keep-on-child-sa-failure with no cause before it is a failure */
	CHECK_INT(apply_alert(s, &f, "alert-keep-on-child-sa-failure.bin", 200), 0);
	CHECK_INT(event_store_view(s, &a, &v), 0);
	CHECK_U64(failure_count(&v, "badprop", FAIL_OTHER), 1);
	arena_release(&a);
	/* the peer killed: retransmits of the established tun1 (counted as
	 * alerts only), then their timeout (a DPD timeout) */
	CHECK_INT(apply_alert(s, &f, "alert-retransmit-send.bin", 300), 0);
	CHECK_INT(apply_alert(s, &f, "alert-retransmit-send-timeout.bin", 340), 0);
	CHECK_INT(event_store_view(s, &a, &v), 0);
	CHECK_U64(alert_count(&v, "tun1", ALERT_RETRANSMIT_SEND), 1);
	CHECK_U64(alert_count(&v, "tun1", ALERT_RETRANSMIT_SEND_TIMEOUT), 1);
	CHECK_U64(failure_count(&v, "tun1", FAIL_DPD_TIMEOUT), 1);
	CHECK_U64(failure_count(&v, "tun1", FAIL_PEER_UNREACHABLE), 0);
	arena_release(&a);
	event_store_free(s);
}

static int apply_built(struct event_store *s, struct alert_filter *f,
		       const char *type, const char *conn, const char *state)
{
	struct vici_builder b;
	struct vici_msg msg = VICI_MSG_INIT;
	int r;

	vici_builder_init(&b);
	if (type)
		vici_add_kv_str(&b, "type", type);
	if (conn) {
		vici_section_begin(&b, "ike-sa");
		vici_section_begin(&b, conn);
		vici_add_kv_str(&b, "state", state);
		vici_section_end(&b);
		vici_section_end(&b);
	}
	CHECK_INT(vici_builder_finish(&b, NULL), 0);
	CHECK_INT(vici_msg_decode((const uint8_t *)b.sb.buf, b.sb.len, &msg, NULL), 0);
	r = vici_alert_apply(s, f, &msg, 300, NULL);
	vici_msg_release(&msg);
	vici_builder_release(&b);
	return r;
}

static void test_built_alerts(void)
{
	struct event_store *s = event_store_new(100);
	struct arena a = ARENA_INIT;
	struct alert_filter f;
	struct event_view v;

	alert_filter_init(&f);
	/* a timeout on an established SA: the peer died under DPD; before
	 * that, never reached (and peer-init-unreachable is not counted again) */
	CHECK_INT(apply_built(s, &f, "retransmit-send-timeout", "up", "ESTABLISHED"), 0);
	CHECK_INT(apply_built(s, &f, "retransmit-send-timeout", "new", "CONNECTING"), 0);
	CHECK_INT(apply_built(s, &f, "peer-init-unreachable", "new", "CONNECTING"), 0);
	/* during a rekey or a delete of an SA that was up: a dead peer too */
	CHECK_INT(apply_built(s, &f, "retransmit-send-timeout", "rk", "REKEYING"), 0);
	CHECK_INT(apply_built(s, &f, "retransmit-send-timeout", "del", "DELETING"), 0);
	CHECK_INT(apply_built(s, &f, "retransmit-send-timeout", "half", "ESTABLISHE"), 0);
	/* not tied to an IKE SA: conn ""; a future name: "unknown" */
	CHECK_INT(apply_built(s, &f, "invalid-ike-spi", NULL, NULL), 0);
	CHECK_INT(apply_built(s, &f, "some-future-alert", NULL, NULL), 0);
	CHECK_INT(apply_built(s, &f, NULL, "x", "CONNECTING"), -EBADMSG);
	CHECK_INT(event_store_view(s, &a, &v), 0);
	CHECK_U64(failure_count(&v, "up", FAIL_DPD_TIMEOUT), 1);
	CHECK_U64(failure_count(&v, "up", FAIL_PEER_UNREACHABLE), 0);
	CHECK_U64(failure_count(&v, "new", FAIL_PEER_UNREACHABLE), 1);
	CHECK_U64(failure_count(&v, "rk", FAIL_DPD_TIMEOUT), 1);
	CHECK_U64(failure_count(&v, "del", FAIL_DPD_TIMEOUT), 1);
	CHECK_U64(failure_count(&v, "half", FAIL_PEER_UNREACHABLE), 1);
	CHECK_U64(alert_count(&v, "new", ALERT_PEER_INIT_UNREACHABLE), 1);
	CHECK_U64(alert_count(&v, "", ALERT_INVALID_IKE_SPI), 1);
	CHECK_U64(alert_count(&v, "", ALERT_UNKNOWN), 1);
	CHECK_U64(failure_count(&v, "", FAIL_OTHER), 0);
	CHECK_STR(alert_type_name(ALERT_CERT_NO_ISSUER), "cert-no-issuer");
	CHECK_STR(alert_type_name(ALERT_UNKNOWN), "unknown");
	CHECK_INT(alert_type_from_name("shutdown-signal", 15), ALERT_SHUTDOWN_SIGNAL);
	CHECK_INT(alert_type_from_name("shutdown-signa", 14), ALERT_UNKNOWN);
	arena_release(&a);
	event_store_free(s);
}

/* While alerts arrive, the other sources do not count their failures again. */
static void test_alerts_live_dedup(void)
{
	struct event_store *s = event_store_new(100);
	struct arena a = ARENA_INIT;
	struct event_view v;

	event_store_set_alerts_live(s, true);
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_LOG, "c", 1);
	event_store_failure(s, FAIL_DPD_TIMEOUT, FAIL_SRC_LOG, "c", 1);
	event_store_failure(s, FAIL_REKEY, FAIL_SRC_LOG, "c", 1);
	event_store_failure(s, FAIL_INVALID_KE, FAIL_SRC_LOG, "c", 1);
	event_store_failure(s, FAIL_REKEY, FAIL_SRC_ERROR_NOTIFY, "c", 1);
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_VICI, "c", 1);
	CHECK_INT(event_store_view(s, &a, &v), 0);
	CHECK(v.alerts_live);
	CHECK_U64(failure_count(&v, "c", FAIL_AUTH), 1);
	CHECK_U64(failure_count(&v, "c", FAIL_DPD_TIMEOUT), 0);
	CHECK_U64(failure_count(&v, "c", FAIL_REKEY), 1);
	CHECK_U64(failure_count(&v, "c", FAIL_INVALID_KE), 1);
	arena_release(&a);
	/* the stream lost: the other sources count again */
	event_store_set_alerts_live(s, false);
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_LOG, "c", 2);
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_ERROR_NOTIFY, "c", 2);
	CHECK_INT(event_store_view(s, &a, &v), 0);
	CHECK(!v.alerts_live);
	CHECK_U64(failure_count(&v, "c", FAIL_AUTH), 3);
	arena_release(&a);
	event_store_free(s);
}

int main(void)
{
	RUN(test_version);
	RUN(test_percpu_sas_summed_once);
	RUN(test_trap_and_shunt);
	RUN(test_real_alerts);
	RUN(test_built_alerts);
	RUN(test_alerts_live_dedup);
	return testlib_done();
}
