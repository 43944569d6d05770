/* Remote-access sessions: durations from ike-updown and ike-rekey events
 * (built in charon's shape) into the event store, across an IKE rekey, and
 * the exposition of ipsec_ra_sessions and ipsec_ra_session_duration_seconds
 * for a conn with remote_addrs %any only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/vici_events_parse.h"
#include "metrics/render.h"
#include "model/ledger.h"
#include "model/view.h"
#include "testlib.h"

/* ike-updown (old 0) or ike-rekey (old and new ids) of conn */
static void apply(struct event_store *s, const char *event, const char *conn,
		  bool up, unsigned id, unsigned new_id, double now)
{
	struct vici_builder b;
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	char n[16];

	vici_builder_init(&b);
	if (up)
		vici_add_kv_str(&b, "up", "yes");
	vici_section_begin(&b, conn);
	if (new_id) {
		vici_section_begin(&b, "old");
		snprintf(n, sizeof(n), "%u", id);
		vici_add_kv_str(&b, "uniqueid", n);
		vici_section_end(&b);
		vici_section_begin(&b, "new");
		snprintf(n, sizeof(n), "%u", new_id);
		vici_add_kv_str(&b, "uniqueid", n);
		vici_section_end(&b);
	} else {
		snprintf(n, sizeof(n), "%u", id);
		vici_add_kv_str(&b, "uniqueid", n);
		vici_add_kv_str(&b, "state", up ? "ESTABLISHED" : "DELETING");
	}
	vici_section_end(&b);
	CHECK_INT(vici_builder_finish(&b, &err), 0);
	msg.owned = malloc(b.sb.len);
	memcpy(msg.owned, b.sb.buf, b.sb.len);
	CHECK_INT(vici_msg_decode(msg.owned, b.sb.len, &msg, &err), 0);
	CHECK_INT(vici_event_apply(s, event, &msg, now, NULL, NULL, &err), 0);
	vici_msg_release(&msg);
	vici_builder_release(&b);
}

static void test_durations(void)
{
	struct event_store *s = event_store_new(100);
	struct model *m = model_new();
	const struct duration_counts *d;

	apply(s, "ike-updown", "rw", true, 1, 0, 1000);
	apply(s, "ike-updown", "rw", true, 2, 0, 1000);
	apply(s, "ike-updown", "rw", false, 1, 0, 1030);      /* 30 s */
	apply(s, "ike-rekey", "rw", false, 2, 3, 2000);        /* 2 goes on as 3 */
	apply(s, "ike-updown", "rw", false, 3, 0, 5000);      /* 4000 s */
	apply(s, "ike-updown", "rw", false, 9, 0, 5000);      /* up before: unknown */
	CHECK_INT(event_store_view(s, &m->arena, &m->events), 0);
	CHECK_INT(m->events.ndurations, 1);
	d = &m->events.durations[0];
	CHECK_STR(d->conn, "rw");
	CHECK_U64(d->count, 2);
	CHECK(d->sum == 4030);
	CHECK_U64(d->buckets[0], 1);   /* <= 60 */
	CHECK_U64(d->buckets[5], 1);   /* (3600, 7200] */
	model_unref(m);
	event_store_free(s);
}

static char *render_opts_all(struct model *m, unsigned identities)
{
	struct render_opts o = { .peer_labels = false, .identities = identities };
	struct strbuf sb = STRBUF_INIT;
	struct render *r = render_new(m, EXPO_TEXT, &o);
	char *out;

	while (r && render_next(r, &sb) > 0)
		;
	render_free(r);
	out = strdup(strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

static char *render_all(struct model *m)
{
	return render_opts_all(m, 0);
}

/* rw (remote_addrs %any): two established IKE SAs, one with an installed
 * CHILD SA, one without (refused a virtual IP); tun1 site-to-site */
static void test_render(void)
{
	struct event_store *s = event_store_new(100);
	struct model *m = model_new();
	struct conn_cfg cfg[] = {
		{ .name = "rw", .version = "IKEv2", .local_addrs = "192.0.2.1",
		  .remote_addrs = "%any", .responder_only = true },
		{ .name = "tun1", .version = "IKEv2", .local_addrs = "192.0.2.1",
		  .remote_addrs = "192.0.2.11" },
	};
	struct child_sa ch = { .name = "rw", .state = CHILD_INSTALLED, .mode = "TUNNEL",
			       .protocol = "ESP" };
	struct ledger l = LEDGER_INIT;
	const char *conns[] = { "rw", "rw", "tun1" };
	size_t i;
	char *out;

	for (i = 0; i < 3; i++) {
		struct ike_sa *sa = model_add_ike_sa(m);

		sa->conn = conns[i];
		sa->uniqueid = (uint32_t)i + 1;
		sa->state = IKE_ESTABLISHED;
		sa->local_host = sa->remote_host = sa->local_id = sa->remote_id = "";
		sa->initiator_spi = sa->responder_spi = sa->tasks_active = "";
		if (i != 1) {
			sa->children = &ch;
			sa->nchildren = 1;
		}
	}
	m->conns = cfg;
	m->nconns = 2;
	m->have_sas = true;
	m->have_events = true;
	apply(s, "ike-updown", "rw", true, 7, 0, 1000);
	apply(s, "ike-updown", "rw", false, 7, 0, 1100);
	apply(s, "ike-updown", "tun1", true, 8, 0, 1000);
	apply(s, "ike-updown", "tun1", false, 8, 0, 1100);
	CHECK_INT(event_store_view(s, &m->arena, &m->events), 0);
	CHECK_INT(model_build_views(m, NULL, &l), 0);
	out = render_all(m);
	CHECK(strstr(out, "ipsec_ra_sessions{conn=\"rw\"} 1\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_sessions{conn=\"tun1\"}") == NULL);
	CHECK(strstr(out, "# TYPE ipsec_ra_session_duration_seconds histogram\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_session_duration_seconds_bucket{conn=\"rw\",le=\"60\"} 0\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_session_duration_seconds_bucket{conn=\"rw\",le=\"300\"} 1\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_session_duration_seconds_bucket{conn=\"rw\",le=\"+Inf\"} 1\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_session_duration_seconds_sum{conn=\"rw\"} 100\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_session_duration_seconds_count{conn=\"rw\"} 1\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_session_duration_seconds_count{conn=\"tun1\"}") == NULL);
	free(out);
	m->conns = NULL;
	m->nconns = 0;
	ledger_release(&l);
	model_unref(m);
	event_store_free(s);
}

/* three sessions of rw, two of identity a@ra.example, one of b@; a
 * refused IKE SA (no CHILD SA) of c@ is no session */
static void test_identities(void)
{
	struct model *m = model_new();
	struct conn_cfg cfg = { .name = "rw", .version = "IKEv2", .local_addrs = "192.0.2.1",
				.remote_addrs = "%any", .responder_only = true };
	struct child_sa ch = { .name = "rw", .state = CHILD_INSTALLED, .mode = "TUNNEL",
			       .protocol = "ESP", .bytes_in = 100, .bytes_out = 10 };
	const char *ids[] = { "b@ra.example", "a@ra.example", "a@ra.example", "c@ra.example" };
	struct ledger l = LEDGER_INIT;
	size_t i;
	char *out;

	for (i = 0; i < 4; i++) {
		struct ike_sa *sa = model_add_ike_sa(m);

		sa->conn = "rw";
		sa->uniqueid = (uint32_t)i + 1;
		sa->state = IKE_ESTABLISHED;
		sa->local_host = sa->remote_host = sa->local_id = "";
		sa->remote_id = ids[i];
		sa->initiator_spi = sa->responder_spi = sa->tasks_active = "";
		if (i < 3) {
			sa->children = &ch;
			sa->nchildren = 1;
		}
	}
	m->conns = &cfg;
	m->nconns = 1;
	m->have_sas = true;
	CHECK_INT(model_build_views(m, NULL, &l), 0);
	/* off: no identity anywhere */
	out = render_opts_all(m, 0);
	CHECK(strstr(out, "identity") == NULL);
	CHECK(strstr(out, "a@ra.example") == NULL);
	free(out);
	/* a cap of 1 below the 2 identities: a@ and "other" */
	out = render_opts_all(m, 1);
	CHECK(strstr(out, "ipsec_ra_identity_sessions{conn=\"rw\",identity=\"a@ra.example\"} 2\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_identity_sessions{conn=\"rw\",identity=\"other\"} 1\n") != NULL);
	CHECK(strstr(out, "b@ra.example") == NULL);
	CHECK(strstr(out, "c@ra.example") == NULL);
	CHECK(strstr(out, "ipsec_ra_identity_bytes{conn=\"rw\",identity=\"a@ra.example\",direction=\"in\"} 200\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_identity_bytes{conn=\"rw\",identity=\"other\",direction=\"out\"} 10\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_identities_folded{conn=\"rw\"} 1\n") != NULL);
	free(out);
	/* a cap above: both, none folded */
	out = render_opts_all(m, 5);
	CHECK(strstr(out, "ipsec_ra_identity_sessions{conn=\"rw\",identity=\"b@ra.example\"} 1\n") != NULL);
	CHECK(strstr(out, "identity=\"other\"}") == NULL);
	CHECK(strstr(out, "ipsec_ra_identities_folded{conn=\"rw\"} 0\n") != NULL);
	free(out);
	m->conns = NULL;
	m->nconns = 0;
	ledger_release(&l);
	model_unref(m);
}

int main(void)
{
	RUN(test_durations);
	RUN(test_render);
	RUN(test_identities);
	return testlib_done();
}
