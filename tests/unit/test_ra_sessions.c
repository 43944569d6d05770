/* Remote-access sessions: durations from ike-updown and ike-rekey events
 * (built in charon's shape) into the event store, across an IKE rekey, and
 * the exposition of ipsec_ra_sessions and ipsec_ra_session_duration_seconds
 * for a conn with remote_addrs %any only; per identity (with their virtual
 * IPs and pools), and the status view's sessions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/vici_events_parse.h"
#include "metrics/render.h"
#include "model/ledger.h"
#include "model/ra_view.h"
#include "model/view.h"
#include "status/status.h"
#include "status/status_json.h"
#include "status/status_table.h"
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
 * refused IKE SA (no CHILD SA) of c@ is no session.  Virtual IPs from the
 * pool rw-pool (10.3.0.1-10.3.0.40) but b@'s, which is in no pool. */
static struct model *ra_model(struct conn_cfg *cfg, struct child_sa *ch, struct va_pool *pool,
			      struct ledger *l)
{
	struct model *m = model_new();
	const char *ids[] = { "b@ra.example", "a@ra.example", "a@ra.example", "c@ra.example" };
	const char *vips[] = { "10.4.0.9", "10.3.0.2,fd00::2", "10.3.0.1", "" };
	size_t i;

	for (i = 0; i < 4; i++) {
		struct ike_sa *sa = model_add_ike_sa(m);

		sa->conn = "rw";
		sa->uniqueid = (uint32_t)i + 1;
		sa->state = IKE_ESTABLISHED;
		sa->local_host = sa->local_id = "";
		sa->remote_host = "198.18.0.9";
		sa->remote_id = ids[i];
		sa->remote_vips = vips[i];
		sa->established_for = 65;
		sa->initiator_spi = sa->responder_spi = sa->tasks_active = "";
		if (i < 3) {
			sa->children = ch;
			sa->nchildren = 1;
		}
	}
	m->conns = cfg;
	m->nconns = 1;
	m->have_sas = true;
	m->pools.have = true;
	m->pools.pools = pool;
	m->pools.n = 1;
	ra_assign_pools(m);
	CHECK_INT(model_build_views(m, NULL, l), 0);
	return m;
}

static void ra_model_free(struct model *m, struct ledger *l)
{
	m->conns = NULL;
	m->nconns = 0;
	m->pools.pools = NULL;
	m->pools.n = 0;
	ledger_release(l);
	model_unref(m);
}

#define RA_FIXTURE                                                                     \
	struct conn_cfg cfg = { .name = "rw", .version = "2", .local_addrs = "192.0.2.1", \
				.remote_addrs = "%any", .responder_only = true };         \
	struct child_sa ch = { .name = "rw", .state = CHILD_INSTALLED, .mode = "TUNNEL",  \
			       .protocol = "esp", .bytes_in = 100, .bytes_out = 10,       \
			       .spi_in = "c1", .spi_out = "c2", .cpi_in = "", .cpi_out = "", \
			       .encr_alg = "", .integ_alg = "", .dh_group = "",          \
			       .local_ts = "", .remote_ts = "" };                        \
	struct va_pool pool = { "rw-pool", "10.3.0.1", "10.3.0.40", 40, 2, 1 };          \
	struct ledger l = LEDGER_INIT;                                                 \
	struct model *m = ra_model(&cfg, &ch, &pool, &l)

static void test_identities(void)
{
	RA_FIXTURE;
	const struct ra_view *ra;
	char *out;

	/* the pools: by the first virtual IP, only inside the range */
	CHECK(m->ike_sas[0].pool == NULL);
	CHECK_STR(m->ike_sas[1].pool, "rw-pool");
	CHECK_STR(m->ike_sas[2].pool, "rw-pool");
	CHECK(m->ike_sas[3].pool == NULL);
	CHECK_INT(m->nviews, 1);
	ra = m->views[0].ra;
	CHECK(ra != NULL);
	CHECK_INT(ra->nsessions, 3);
	CHECK_INT(ra->npools, 1);
	CHECK_INT(ra->nidents, 2);
	CHECK_STR(ra->idents[0].vips, "10.3.0.1,10.3.0.2,fd00::2");
	/* off: no identity anywhere */
	out = render_opts_all(m, 0);
	CHECK(strstr(out, "identity") == NULL);
	CHECK(strstr(out, "a@ra.example") == NULL);
	CHECK(strstr(out, "virtual_ips") == NULL);
	free(out);
	/* a cap of 1 below the 2 identities: a@ and "other" */
	out = render_opts_all(m, 1);
	CHECK(strstr(out, "ipsec_ra_sessions{conn=\"rw\"} 3\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_identity_sessions{conn=\"rw\",identity=\"a@ra.example\"} 2\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_identity_sessions{conn=\"rw\",identity=\"other\"} 1\n") != NULL);
	CHECK(strstr(out, "b@ra.example") == NULL);
	CHECK(strstr(out, "c@ra.example") == NULL);
	CHECK(strstr(out, "ipsec_ra_identity_bytes{conn=\"rw\",identity=\"a@ra.example\",direction=\"in\"} 200\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_identity_bytes{conn=\"rw\",identity=\"other\",direction=\"out\"} 10\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_identity_info{conn=\"rw\",identity=\"a@ra.example\",virtual_ips=\"10.3.0.1,10.3.0.2,fd00::2\"} 1\n") != NULL);
	/* none for "other": its addresses would defeat the cap */
	CHECK(strstr(out, "10.4.0.9") == NULL);
	CHECK(strstr(out, "ipsec_ra_identities_folded{conn=\"rw\"} 1\n") != NULL);
	free(out);
	/* a cap above: both, none folded */
	out = render_opts_all(m, 5);
	CHECK(strstr(out, "ipsec_ra_identity_sessions{conn=\"rw\",identity=\"b@ra.example\"} 1\n") != NULL);
	CHECK(strstr(out, "ipsec_ra_identity_info{conn=\"rw\",identity=\"b@ra.example\",virtual_ips=\"10.4.0.9\"} 1\n") != NULL);
	CHECK(strstr(out, "identity=\"other\"}") == NULL);
	CHECK(strstr(out, "ipsec_ra_identities_folded{conn=\"rw\"} 0\n") != NULL);
	free(out);
	ra_model_free(m, &l);
}

/* the same identity with more sessions than RA_IDENT_VIPS_MAX addresses */
static void test_identity_vips_cap(void)
{
	RA_FIXTURE;
	const char *many[] = { "10.3.0.9", "10.3.0.8", "10.3.0.7", "10.3.0.6", "10.3.0.5",
			       "10.3.0.9" };
	size_t i;

	for (i = 0; i < 6; i++) {
		struct ike_sa *sa = model_add_ike_sa(m);

		*sa = m->ike_sas[2];
		sa->uniqueid = 10 + (uint32_t)i;
		sa->remote_id = "d@ra.example";
		sa->remote_vips = many[i];
	}
	CHECK_INT(model_build_views(m, NULL, &l), 0);
	CHECK_INT(m->views[0].ra->nidents, 3);
	CHECK_STR(m->views[0].ra->idents[2].identity, "d@ra.example");
	CHECK_INT(m->views[0].ra->idents[2].sessions, 6);
	CHECK_STR(m->views[0].ra->idents[2].vips, "10.3.0.5,10.3.0.6,10.3.0.7,10.3.0.8");
	ra_model_free(m, &l);
}

/* The status view: the summary always, one line per IKE SA with --conn
 * (the refused one says so), and the same in JSON. */
static void test_status(void)
{
	RA_FIXTURE;
	struct status_filter f = { NULL };
	struct status_table_opts o = { 160, false, false };
	struct arena a = ARENA_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct status_view v;
	const char *out;

	CHECK_INT(status_build(m, &f, &a, &v), 0);
	status_table(&v, &o, &sb);
	out = strbuf_str(&sb);
	CHECK(strstr(out, "3 sessions; pool rw-pool 2 of 40 addresses in use (5%), 1 offline") != NULL);
	CHECK(strstr(out, "a@ra.example") == NULL);    /* no list without --conn */
	CHECK(strstr(out, "IKE #") == NULL);
	strbuf_reset(&sb);
	o.sessions = true;
	status_table(&v, &o, &sb);
	out = strbuf_str(&sb);
	CHECK(strstr(out, "SESSION  IDENTITY") != NULL);
	CHECK(strstr(out, "#2       a@ra.example             ESTABLISHED 198.18.0.9      10.3.0.2") != NULL);
	CHECK(strstr(out, "#4       c@ra.example             no CHILD SA 198.18.0.9      -") != NULL);
	CHECK(strstr(out, "1m 05s") != NULL);
	strbuf_reset(&sb);
	status_json(&v, &sb);
	out = strbuf_str(&sb);
	CHECK(strstr(out, "\"remote_access\":{\"sessions\":3,\"pools\":[{\"name\":\"rw-pool\",\"base\":\"10.3.0.1\",\"last\":\"10.3.0.40\",\"size\":40,\"online\":2,\"offline\":1}]") != NULL);
	CHECK(strstr(out, "{\"ike_id\":2,\"identity\":\"a@ra.example\",\"state\":\"ESTABLISHED\",\"session\":true,\"remote_host\":\"198.18.0.9\",\"remote_port\":0,\"virtual_ips\":\"10.3.0.2,fd00::2\",\"pool\":\"rw-pool\",\"established_seconds\":65,\"bytes_in\":100,\"bytes_out\":10}") != NULL);
	CHECK(strstr(out, "\"identity\":\"c@ra.example\",\"state\":\"no CHILD SA\",\"session\":false") != NULL);
	strbuf_release(&sb);
	arena_release(&a);
	ra_model_free(m, &l);
}

int main(void)
{
	RUN(test_durations);
	RUN(test_render);
	RUN(test_identities);
	RUN(test_identity_vips_cap);
	RUN(test_status);
	return testlib_done();
}
