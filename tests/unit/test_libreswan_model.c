/* libreswan's whack outputs into the model (collect/libreswan_model.c), from
 * the real 4.10 captures of tests/fixtures/libreswan/4.10: conns with their
 * one child, IKE SAs per conn (a CHILD SA on another conn's IKE SA), SPIs,
 * bytes, timers, the daemon. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/libreswan_model.h"
#include "testlib.h"

struct stage {
	uint8_t *status, *traffic, *global;
	size_t ls, lt, lg;
};

static struct model *load(const char *stage, int *rc)
{
	char p[128];
	struct stage s = { 0 };
	struct lsw_model b;
	struct ikw_err err = { "" };
	struct model *m = model_new();

	snprintf(p, sizeof(p), "libreswan/4.10/%s-status.txt", stage);
	s.status = testlib_read_fixture(p, &s.ls);
	snprintf(p, sizeof(p), "libreswan/4.10/%s-trafficstatus.txt", stage);
	s.traffic = testlib_read_fixture(p, &s.lt);
	snprintf(p, sizeof(p), "libreswan/4.10/%s-globalstatus.txt", stage);
	s.global = testlib_read_fixture(p, &s.lg);
	CHECK(m && s.status && s.traffic && s.global);
	lsw_model_init(&b, m);
	*rc = lsw_model_read(&b, (char *)s.status, s.ls, (char *)s.traffic, s.lt,
			     (char *)s.global, s.lg, &err);
	if (!*rc)
		*rc = lsw_model_finish(&b, &err);
	lsw_model_release(&b);
	free(s.status);
	free(s.traffic);
	free(s.global);
	return m;
}

static const struct ike_sa *find_ike(const struct model *m, const char *conn)
{
	size_t i;

	for (i = 0; i < m->nike; i++)
		if (!strcmp(m->ike_sas[i].conn, conn))
			return &m->ike_sas[i];
	return NULL;
}

static void test_up(void)
{
	int rc;
	struct model *m = load("up", &rc);
	const struct ike_sa *a, *b;

	CHECK_INT(rc, 0);
	CHECK(m->have_sas);
	CHECK(m->sa_packets_unknown);
	CHECK_INT(m->nconns, 3);
	CHECK_STR(m->conns[0].name, "alpha");
	CHECK_STR(m->conns[0].version, "2");
	CHECK_STR(m->conns[0].remote_addrs, "192.0.2.2");
	CHECK_INT(m->conns[0].rekey_time, 28800 - 540);
	CHECK_INT(m->conns[0].nchildren, 1);
	CHECK_STR(m->conns[0].children[0].name, "alpha");
	CHECK_STR(m->conns[0].children[0].mode, "TUNNEL");
	CHECK_STR(m->conns[0].children[0].local_ts, "198.18.1.0/24");
	CHECK_STR(m->conns[0].children[0].remote_ts, "198.19.1.0/24");
	CHECK_INT(m->conns[0].children[0].life_time, 28800);
	CHECK_INT(m->nike, 2);   /* #1 under alpha, and under beta for its child */
	a = find_ike(m, "alpha");
	b = find_ike(m, "beta");
	CHECK(a && b);
	if (!a || !b)
		goto out;
	CHECK_INT(a->uniqueid, 1);
	CHECK_INT(b->uniqueid, 1);
	CHECK_INT(a->state, IKE_ESTABLISHED);
	CHECK_INT(b->state, IKE_ESTABLISHED);
	CHECK_INT(a->rekey_in, 28036);
	CHECK_INT(a->nchildren, 1);
	CHECK_INT(a->children[0].uniqueid, 2);
	CHECK_INT(a->children[0].state, CHILD_INSTALLED);
	CHECK_STR(a->children[0].spi_in, "d8d1dc0a");
	CHECK_STR(a->children[0].spi_out, "4ffaaf45");
	CHECK_STR(a->children[0].protocol, "esp");
	CHECK_U64(a->children[0].bytes_in, 252);
	CHECK_U64(a->children[0].bytes_out, 252);
	CHECK_U64(a->children[0].packets_in, 0);
	CHECK_INT(a->children[0].rekey_in, 27917);
	CHECK_INT(a->children[0].life_in, 28797);
	CHECK_INT(b->nchildren, 1);
	CHECK_STR(b->children[0].name, "beta");
	CHECK_U64(b->children[0].bytes_out, 420);
	/* the suite and identities as charon's collector fills them */
	CHECK(a->role_unknown && !ike_sa_role(a));   /* whack does not say */
	CHECK_STR(a->local_id, "192.0.2.1");
	CHECK_STR(a->remote_id, "192.0.2.2");
	CHECK_STR(a->encr_alg, "AES_CBC");
	CHECK_INT(a->encr_keysize, 256);
	CHECK_STR(a->integ_alg, "");
	CHECK_STR(a->prf_alg, "PRF_HMAC_SHA2_256");   /* charon's spelling */
	CHECK_STR(a->dh_group, "MODP_2048");
	/* beta shares alpha's IKE SA #1: alpha's lines describe it */
	CHECK_STR(b->encr_alg, "AES_CBC");
	CHECK_STR(b->dh_group, "MODP_2048");
	CHECK_STR(b->remote_id, "192.0.2.2");
	CHECK_STR(a->children[0].encr_alg, "AES_CBC");
	CHECK_INT(a->children[0].encr_keysize, 256);
	CHECK_STR(a->children[0].integ_alg, "HMAC_SHA2_256_128");
	CHECK_STR(a->children[0].dh_group, "");   /* pfsgroup=<Phase1> */
	CHECK_STR(b->children[0].integ_alg, "HMAC_SHA2_256_128");
	CHECK_STR(m->daemon.daemon, "pluto");
	CHECK_STR(m->daemon.version, "4.10");
	CHECK(m->daemon.have_stats && m->daemon.stats_ike_only);
	CHECK_U64(m->daemon.ikesas_total, 1);
	CHECK_U64(m->daemon.ikesas_half_open, 0);
	CHECK(m->daemon.have_child_sas);
	CHECK_U64(m->daemon.child_sas_total, 2);
	CHECK(m->daemon.have_negotiations);
	CHECK_U64(m->daemon.ike_established_total, 1);
	CHECK_U64(m->daemon.ike_failed_total, 0);
	CHECK(m->daemon.have_dpd);
	CHECK_U64(m->daemon.dpd_sent, 0);
out:
	model_unref(m);
}

/* alpha terminated: IKE SA #1 is still listed under alpha, but only beta's
 * CHILD SA uses it: alpha has no IKE SA in the model (it reads down) */
static void test_alpha_down(void)
{
	int rc;
	struct model *m = load("alpha-down", &rc);

	CHECK_INT(rc, 0);
	CHECK_INT(m->nike, 1);
	CHECK(find_ike(m, "alpha") == NULL);
	CHECK(find_ike(m, "beta") != NULL);
	model_unref(m);
}

static void test_down(void)
{
	int rc;
	struct model *m = load("down", &rc);

	CHECK_INT(rc, 0);
	CHECK_INT(m->nconns, 3);
	CHECK_INT(m->nike, 0);
	CHECK(m->have_sas);
	model_unref(m);
}

/* the responder: the same conns, its own ends */
static void test_responder(void)
{
	int rc;
	struct model *m = load("responder", &rc);

	CHECK_INT(rc, 0);
	CHECK_INT(m->nconns, 3);
	CHECK_STR(m->conns[0].local_addrs, "192.0.2.2");
	CHECK(find_ike(m, "beta") != NULL);
	model_unref(m);
}

static void test_bad_input(void)
{
	struct model *m = model_new();
	struct lsw_model b;
	struct ikw_err err = { "" };
	static const char bad[] = "006 #2: \"a\", inBytes=z\n";

	lsw_model_init(&b, m);
	CHECK_INT(lsw_model_read(&b, NULL, 0, bad, sizeof(bad) - 1, NULL, 0, &err),
		  -EBADMSG);
	CHECK_STR(err.msg, "whack --trafficstatus: line 1: bad traffic fields");
	lsw_model_release(&b);
	model_unref(m);
}

/* the 5.x AEAD suite: GCM's "_16" stays in the name, NONE is no integrity */
static void test_algs_5x(void)
{
	size_t ls = 0, lt = 0;
	uint8_t *st = testlib_read_fixture("libreswan/5.x/connectionstatus.txt", &ls);
	uint8_t *sh = testlib_read_fixture("libreswan/5.x/showstates.txt", &lt);
	struct model *m = model_new();
	struct lsw_model b;
	struct ikw_err err = { "" };
	char *both;
	const struct ike_sa *we;

	CHECK(st && sh);
	both = malloc(ls + lt);
	memcpy(both, st, ls);
	memcpy(both + ls, sh, lt);
	lsw_model_init(&b, m);
	CHECK_INT(lsw_model_read(&b, both, ls + lt, NULL, 0, NULL, 0, &err), 0);
	CHECK_INT(lsw_model_finish(&b, &err), 0);
	we = find_ike(m, "west-east");
	CHECK(we);
	if (we) {
		CHECK_STR(we->encr_alg, "AES_GCM_16");
		CHECK_INT(we->encr_keysize, 256);
		CHECK_STR(we->prf_alg, "PRF_HMAC_SHA2_512");
		CHECK_STR(we->dh_group, "ECP_256");
		CHECK_STR(we->local_id, "@west");
		CHECK_INT(we->nchildren, 1);
		if (we->nchildren) {
			CHECK_STR(we->children[0].encr_alg, "AES_GCM_16");
			CHECK_STR(we->children[0].integ_alg, "");
		}
	}
	lsw_model_release(&b);
	model_unref(m);
	free(both);
	free(st);
	free(sh);
}

static struct model *from_global(const char *global, size_t len)
{
	struct model *m = model_new();
	struct lsw_model b;
	struct ikw_err err = { "" };

	lsw_model_init(&b, m);
	CHECK_INT(lsw_model_read(&b, NULL, 0, NULL, 0, global, len, &err), 0);
	CHECK_INT(lsw_model_finish(&b, &err), 0);
	lsw_model_release(&b);
	return m;
}

/* the 5.x form (no codes), with non-zero counters */
static void test_global_5x(void)
{
	size_t len = 0;
	uint8_t *g = testlib_read_fixture("libreswan/5.x/globalstatus.txt", &len);
	struct model *m;

	CHECK(g);
	m = from_global((char *)g, len);
	CHECK_U64(m->daemon.ikesas_total, 1);
	CHECK_U64(m->daemon.child_sas_total, 2);
	CHECK(m->daemon.have_negotiations && m->daemon.have_dpd);
	CHECK_U64(m->daemon.ike_established_total, 7);
	CHECK_U64(m->daemon.ike_failed_total, 2);
	CHECK_U64(m->daemon.dpd_sent, 15);
	CHECK_U64(m->daemon.dpd_received, 14);
	CHECK_U64(m->daemon.dpd_replied, 14);
	model_unref(m);
	free(g);
}

/* a key missing from an older or newer pluto: its family is absent, not a
 * made-up 0 */
static void test_global_partial(void)
{
	static const char g[] = "000 current.states.ike=3\n"
				"000 total.ike.dpd.sent=4\n"
				"000 total.ike.ikev2.established=5\n";
	struct model *m = from_global(g, sizeof(g) - 1);

	CHECK(m->daemon.have_stats);
	CHECK_U64(m->daemon.ikesas_total, 3);
	CHECK(!m->daemon.have_child_sas);
	CHECK(!m->daemon.have_negotiations);
	CHECK(!m->daemon.have_dpd);
	model_unref(m);
}

int main(void)
{
	RUN(test_up);
	RUN(test_alpha_down);
	RUN(test_down);
	RUN(test_responder);
	RUN(test_bad_input);
	RUN(test_global_5x);
	RUN(test_algs_5x);
	RUN(test_global_partial);
	return testlib_done();
}
