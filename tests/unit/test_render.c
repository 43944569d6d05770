/* Rendering of the catalog from a model: down tunnels as 0, absent times
 * omitted, hostile names escaped, peer labels optional, pieces bounded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/render.h"
#include "metrics/render_family.h"
#include "model/view.h"
#include "testlib.h"

static char *render_conn(struct model *m, bool peer, enum expo_format f,
			 size_t *max_piece, const char *conn)
{
	struct render_opts o = { .peer_labels = peer, .conn = conn };
	struct strbuf all = STRBUF_INIT, piece = STRBUF_INIT;
	struct render *r = render_new(m, f, &o);
	int more;

	*max_piece = 0;
	do {
		more = render_next(r, &piece);
		if (piece.len > *max_piece)
			*max_piece = piece.len;
		strbuf_add(&all, strbuf_str(&piece), piece.len);
		strbuf_reset(&piece);
	} while (more > 0);
	render_free(r);
	strbuf_release(&piece);
	return strbuf_detach(&all, NULL);
}

static char *render_all(struct model *m, bool peer, enum expo_format f,
			size_t *max_piece)
{
	return render_conn(m, peer, f, max_piece, NULL);
}

static struct model *sample_model(struct ledger *l)
{
	struct model *m = model_new();
	static struct child_cfg kids[] = { { .name = "net", .mode = "TUNNEL",
		.local_ts = "198.18.0.1/32", .remote_ts = "2001:db8::/64" } };
	struct ike_sa *ike;
	struct child_sa *c;

	m->collected_at = 1000000;
	m->have_sas = true;
	m->conns = arena_alloc(&m->arena, 2 * sizeof(*m->conns));
	m->conns[0] = (struct conn_cfg){ .name = "a\"b\\c", .version = "2",
		.local_addrs = "2001:db8::1", .remote_addrs = "2001:db8::2",
		.children = kids, .nchildren = 1 };
	m->conns[1] = (struct conn_cfg){ .name = "down.conn:1", .version = "2",
		.remote_addrs = "192.0.2.9" };
	m->nconns = 2;
	ike = model_add_ike_sa(m);
	ike->conn = "a\"b\\c";
	ike->state = IKE_ESTABLISHED;
	ike->version = 2;
	ike->established_for = 100;
	ike->remote_host = "2001:db8::2";
	ike->encr_alg = "AES_GCM_16";
	ike->children = c = arena_alloc(&m->arena, sizeof(*c));
	ike->nchildren = 1;
	*c = (struct child_sa){ .name = "net", .state = CHILD_INSTALLED,
		.spi_in = "c1", .spi_out = "c2", .bytes_in = 42, .bytes_out = 7,
		.use_in = TIME_NONE, .use_out = 3, .installed_for = 50,
		.rekey_in = 200, .life_in = TIME_NONE };
	ledger_update(l, m, true);
	model_build_views(m, NULL, l);
	return m;
}

static void test_text_render(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	size_t max_piece;
	char *out = render_all(m, true, EXPO_TEXT, &max_piece);

	/* escaping of a hostile connection name */
	CHECK(strstr(out, "ipsec_conn_up{conn=\"a\\\"b\\\\c\"} 1\n") != NULL);
	/* a configured connection without an SA is a 0, not absent */
	CHECK(strstr(out, "ipsec_conn_up{conn=\"down.conn:1\"} 0\n") != NULL);
	CHECK(strstr(out, "ipsec_ike_sas{conn=\"down.conn:1\",state=\"ESTABLISHED\"} 0\n") != NULL);
	/* timestamps: collected_at - age, collected_at + countdown */
	CHECK(strstr(out, "ipsec_ike_sa_established_timestamp_seconds{conn=\"a\\\"b\\\\c\"} 999900\n") != NULL);
	CHECK(strstr(out, "ipsec_child_sa_rekey_timestamp_seconds{conn=\"a\\\"b\\\\c\",child=\"net\"} 1000200\n") != NULL);
	CHECK(strstr(out, "ipsec_child_sa_last_packet_timestamp_seconds{conn=\"a\\\"b\\\\c\",child=\"net\",direction=\"out\"} 999997\n") != NULL);
	/* absent means never / none: no sample */
	CHECK(strstr(out, "direction=\"in\"} 999") == NULL);
	CHECK(strstr(out, "ipsec_child_sa_expire_timestamp_seconds{") == NULL);
	CHECK(strstr(out, "ipsec_ike_sa_reauth_timestamp_seconds{") == NULL);
	/* counters */
	CHECK(strstr(out, "# TYPE ipsec_child_sa_bytes_total counter\n") != NULL);
	CHECK(strstr(out, "ipsec_child_sa_bytes_total{conn=\"a\\\"b\\\\c\",child=\"net\",direction=\"in\"} 42\n") != NULL);
	/* one vocabulary: the IKE version reads alike in both info families */
	CHECK(strstr(out, "ipsec_conn_info{conn=\"a\\\"b\\\\c\",ike_version=\"2\",") != NULL);
	CHECK(strstr(out, "ipsec_ike_sa_info{conn=\"a\\\"b\\\\c\",ike_version=\"2\",") != NULL);
	CHECK(strstr(out, "version=\"IKEv") == NULL);
	/* IPv6 peers in info labels */
	CHECK(strstr(out, "remote_addrs=\"2001:db8::2\"") != NULL);
	CHECK(strstr(out, "remote_host=\"2001:db8::2\"") != NULL);
	CHECK(max_piece < 64 * 1024);
	free(out);
	out = render_all(m, false, EXPO_TEXT, &max_piece);
	CHECK(strstr(out, "2001:db8::2") == NULL);     /* peer labels off */
	CHECK(strstr(out, "remote_ts=\"2001:db8::/64\"") != NULL);
	free(out);
	ledger_release(&l);
	model_unref(m);
}

static void test_openmetrics_render(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	size_t max_piece;
	char *out = render_all(m, true, EXPO_OPENMETRICS, &max_piece);
	size_t len = strlen(out);

	CHECK(strstr(out, "# TYPE ipsec_child_sa_bytes counter\n") != NULL);
	CHECK(strstr(out, "# TYPE ipsec_conn info\n") != NULL);
	CHECK(len > 6 && !strcmp(out + len - 6, "# EOF\n"));
	free(out);
	ledger_release(&l);
	model_unref(m);
}

static void test_failed_collection_exports_no_tunnels(void)
{
	struct model *m = model_new();
	size_t max_piece;
	char *out;

	model_record_collector(m, "vici", false, 0.5);
	out = render_all(m, true, EXPO_TEXT, &max_piece);
	CHECK(strstr(out, "ikewatch_collector_success{collector=\"vici\"} 0\n") != NULL);
	CHECK(strstr(out, "ipsec_conn") == NULL);
	CHECK(strstr(out, "ipsec_child") == NULL);
	free(out);
	model_unref(m);
}

/* What remediation's bundle used to grep out of the whole exposition: the
 * sample lines that carry conn="NAME". */
static void grep_conn(const char *all, const char *needle, struct strbuf *out)
{
	const char *p, *nl;

	for (p = all; (nl = strchr(p, '\n')); p = nl + 1)
		if (*p != '#' && memmem(p, (size_t)(nl - p), needle, strlen(needle)))
			strbuf_add(out, p, (size_t)(nl - p + 1));
}

/* One conn's series rendered directly are exactly those lines. */
static void test_render_one_conn(void)
{
	static const char *const conns[] = { "down.conn:1", "nosuch" };
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	size_t max_piece, i;
	char *all = render_all(m, true, EXPO_TEXT, &max_piece);

	for (i = 0; i < 2; i++) {
		struct strbuf want = STRBUF_INIT;
		char needle[64];
		char *got = render_conn(m, true, EXPO_TEXT, &max_piece, conns[i]);

		snprintf(needle, sizeof(needle), "conn=\"%s\"", conns[i]);
		grep_conn(all, needle, &want);
		CHECK_STR(got, strbuf_str(&want));
		CHECK(i == 1 || strstr(got, "ipsec_conn_up{conn=\"down.conn:1\"} 0\n") != NULL);
		free(got);
		strbuf_release(&want);
	}
	free(all);
	ledger_release(&l);
	model_unref(m);
}

static char *render_opts_all(struct model *m, const struct render_opts *o)
{
	struct strbuf all = STRBUF_INIT;
	struct render *r = render_new(m, EXPO_TEXT, o);

	while (render_next(r, &all) > 0)
		;
	render_free(r);
	return strbuf_detach(&all, NULL);
}

/* Every family a group lists is in the catalog (a renamed family cannot
 * escape its flag), and every group holds at least one. */
static void test_groups_name_catalog_families(void)
{
	static const struct {
		const struct render_family *f;
		const size_t *n;
	} t[] = {
		{ render_daemon_families, &render_daemon_nfamilies },
		{ render_conn_families, &render_conn_nfamilies },
		{ render_status_families, &render_status_nfamilies },
		{ render_negotiation_families, &render_negotiation_nfamilies },
		{ render_certs_families, &render_certs_nfamilies },
		{ render_child_families, &render_child_nfamilies },
		{ render_pools_families, &render_pools_nfamilies },
		{ render_ra_families, &render_ra_nfamilies },
	};
	unsigned seen = 0, listed = 0;
	size_t i, j;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (j = 0; j < *t[i].n; j++) {
			int g = render_family_group(t[i].f[j].name);

			if (g >= 0) {
				seen |= 1u << g;
				listed++;
			}
		}
	CHECK_U64(seen, (1u << METRIC_GROUP_N) - 1);
	CHECK_INT(listed, 27);   /* the length of render_groups.c's table */
	CHECK_INT(render_family_group("ipsec_conn_up"), -1);
}

/* A group turned off leaves its families out, header and all, and
 * nothing else. */
static void test_groups_off(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct render_opts o = { .peer_labels = true,
		.groups_off = (1u << METRIC_GROUP_INFO) | (1u << METRIC_GROUP_TIMESTAMPS) };
	char *out = render_opts_all(m, &o);

	CHECK(strstr(out, "ipsec_conn_info") == NULL);
	CHECK(strstr(out, "ipsec_child_sa_info") == NULL);
	CHECK(strstr(out, "ipsec_ike_sa_established_timestamp_seconds") == NULL);
	CHECK(strstr(out, "ipsec_conn_up{conn=\"down.conn:1\"} 0\n") != NULL);
	CHECK(strstr(out, "ipsec_child_sa_rekey_timestamp_seconds{") != NULL);
	CHECK(strstr(out, "ipsec_conn_status{") != NULL);
	free(out);
	ledger_release(&l);
	model_unref(m);
}

int main(void)
{
	RUN(test_groups_name_catalog_families);
	RUN(test_groups_off);
	RUN(test_text_render);
	RUN(test_openmetrics_render);
	RUN(test_failed_collection_exports_no_tunnels);
	RUN(test_render_one_conn);
	return testlib_done();
}
