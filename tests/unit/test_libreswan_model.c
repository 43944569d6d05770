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
	CHECK_STR(m->daemon.daemon, "pluto");
	CHECK_STR(m->daemon.version, "4.10");
	CHECK(m->daemon.have_stats && m->daemon.stats_ike_only);
	CHECK_U64(m->daemon.ikesas_total, 1);
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

int main(void)
{
	RUN(test_up);
	RUN(test_alpha_down);
	RUN(test_down);
	RUN(test_responder);
	RUN(test_bad_input);
	return testlib_done();
}
