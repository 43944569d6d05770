/* libreswan whack outputs: the real 4.10 captures of tests/fixtures/
 * libreswan/4.10 (tests/qemu/guest_pluto.sh) and the hand-written 5.x forms
 * of tests/fixtures/libreswan/5.x.  Inputs are guarded copies: an over-read
 * crashes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/libreswan_parse.h"
#include "testlib.h"

#define MAXREC 32

struct got {
	struct lsw_conn conns[MAXREC];
	struct lsw_state states[MAXREC];
	struct lsw_traffic traffic[MAXREC];
	struct lsw_global globals[1024];
	size_t n;
};

static int on_conn(void *ctx, const struct lsw_conn *c)
{
	struct got *g = ctx;

	if (g->n == MAXREC)
		return -E2BIG;
	g->conns[g->n++] = *c;
	return 0;
}

static int on_state(void *ctx, const struct lsw_state *s)
{
	struct got *g = ctx;

	if (g->n == MAXREC)
		return -E2BIG;
	g->states[g->n++] = *s;
	return 0;
}

static int on_traffic(void *ctx, const struct lsw_traffic *t)
{
	struct got *g = ctx;

	if (g->n == MAXREC)
		return -E2BIG;
	g->traffic[g->n++] = *t;
	return 0;
}

static int on_global(void *ctx, const struct lsw_global *gl)
{
	struct got *g = ctx;

	if (g->n == sizeof(g->globals) / sizeof(g->globals[0]))
		return -E2BIG;
	g->globals[g->n++] = *gl;
	return 0;
}

enum what { CONNS, STATES, TRAFFIC, GLOBAL };

static int parse_buf(enum what w, const void *s, size_t len, struct got *g,
		     struct ikw_err *err)
{
	struct testlib_guarded gd = testlib_guarded_copy(s, len);
	int r = 0;

	memset(g, 0, sizeof(*g));
	switch (w) {
	case CONNS: r = lsw_parse_conns(gd.data, len, on_conn, g, err); break;
	case STATES: r = lsw_parse_states(gd.data, len, on_state, g, err); break;
	case TRAFFIC: r = lsw_parse_traffic(gd.data, len, on_traffic, g, err); break;
	case GLOBAL: r = lsw_parse_global(gd.data, len, on_global, g, err); break;
	}
	testlib_guarded_free(&gd);
	return r;
}

static int parse_fixture(enum what w, const char *rel, struct got *g)
{
	struct ikw_err err = { "" };
	size_t len;
	uint8_t *buf = testlib_read_fixture(rel, &len);
	int r;

	if (!buf)
		return -ENOENT;
	r = parse_buf(w, buf, len, g, &err);
	if (r)
		fprintf(stderr, "%s: %s\n", rel, err.msg);
	free(buf);
	return r;
}

static int parse_str(enum what w, const char *s, struct got *g,
		     struct ikw_err *err)
{
	return parse_buf(w, s, strlen(s), g, err);
}

static uint64_t global_value(const struct got *g, const char *key)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (!strcmp(g->globals[i].key, key))
			return g->globals[i].value;
	return UINT64_MAX;
}

/* ---- 4.10, real ---- */

static void test_410_conns_down(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(CONNS, "libreswan/4.10/down-status.txt", &g), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.conns[0].name, "alpha");
	CHECK_STR(g.conns[1].name, "beta");
	CHECK_STR(g.conns[2].name, "gamma");
	CHECK_STR(g.conns[0].local_client, "198.18.1.0/24");
	CHECK_STR(g.conns[0].local_host, "192.0.2.1");
	CHECK_STR(g.conns[0].remote_host, "192.0.2.2");
	CHECK_STR(g.conns[0].remote_client, "198.19.1.0/24");
	CHECK_STR(g.conns[2].routing, "unrouted");
	CHECK_INT(g.conns[2].ike_version, 2);
	CHECK_INT(g.conns[2].ike_life, 28800);
	CHECK_INT(g.conns[2].ipsec_life, 28800);
	CHECK_INT(g.conns[2].rekey_margin, 540);
	CHECK_INT(g.conns[0].instance, 0);
}

/* --status holds the same connection lines among much else */
static void test_410_conns_from_status(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(CONNS, "libreswan/4.10/rekeyed-status.txt", &g), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.conns[0].routing, "erouted");
	CHECK_STR(g.conns[2].name, "gamma");
	CHECK_STR(g.conns[2].routing, "unrouted");
}

static void test_410_states_up(void)
{
	static struct got g;
	const struct lsw_state *s;

	CHECK_INT(parse_fixture(STATES, "libreswan/4.10/up-showstates.txt", &g), 0);
	CHECK_INT(g.n, 5);
	s = &g.states[0];
	CHECK_INT(s->kind, LSW_STATE_IKE);
	CHECK_INT(s->serial, 1);
	CHECK_STR(s->conn, "alpha");
	CHECK_STR(s->state, "V2_ESTABLISHED_IKE_SA");
	CHECK(s->established);
	CHECK(s->newest);
	CHECK(s->rekey_in > 0 && s->replace_in > s->rekey_in);
	CHECK_INT(s->expire_in, LSW_NONE);
	s = &g.states[1];
	CHECK_INT(s->kind, LSW_STATE_CHILD);
	CHECK_INT(s->serial, 2);
	CHECK_INT(s->ike_serial, 1);
	CHECK(s->established);
	s = &g.states[2];
	CHECK_INT(s->kind, LSW_STATE_SPIS);
	CHECK_INT(s->serial, 2);
	CHECK_STR(s->proto, "esp");
	CHECK_STR(s->spi_out, "4ffaaf45");
	CHECK_STR(s->spi_in, "d8d1dc0a");
	CHECK_STR(s->peer, "192.0.2.2");
	CHECK_STR(s->local, "192.0.2.1");
	/* beta's CHILD SA rides alpha's IKE SA */
	s = &g.states[3];
	CHECK_STR(s->conn, "beta");
	CHECK_INT(s->ike_serial, 1);
	/* --status (4.x's only connection list) holds the same state lines */
	CHECK_INT(parse_fixture(STATES, "libreswan/4.10/up-status.txt", &g), 0);
	CHECK_INT(g.n, 5);
}

/* The SPIs agree with the kernel's: ip -s xfrm state at the same moment. */
static void test_410_spis_in_kernel(void)
{
	static struct got g;
	size_t len;
	char *x = (char *)testlib_read_fixture("libreswan/4.10/up-xfrm-state.txt", &len);
	char want[64];
	size_t i;

	CHECK(x != NULL);
	if (!x)
		return;
	CHECK_INT(parse_fixture(STATES, "libreswan/4.10/up-showstates.txt", &g), 0);
	for (i = 0; i < g.n; i++) {
		if (g.states[i].kind != LSW_STATE_SPIS)
			continue;
		snprintf(want, sizeof(want), "src %s dst %s\n\tproto esp spi 0x%s",
			 g.states[i].local, g.states[i].peer, g.states[i].spi_out);
		CHECK(memmem(x, len, want, strlen(want)) != NULL);
		snprintf(want, sizeof(want), "src %s dst %s\n\tproto esp spi 0x%s",
			 g.states[i].peer, g.states[i].local, g.states[i].spi_in);
		CHECK(memmem(x, len, want, strlen(want)) != NULL);
	}
	free(x);
}

static void test_410_traffic(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(TRAFFIC, "libreswan/4.10/up-trafficstatus.txt", &g), 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.traffic[0].serial, 2);
	CHECK_STR(g.traffic[0].conn, "alpha");
	CHECK_STR(g.traffic[0].type, "ESP");
	CHECK_INT(g.traffic[0].add_time, 1796534758);
	CHECK_INT(g.traffic[0].in_bytes, 252);
	CHECK_INT(g.traffic[0].out_bytes, 252);
	CHECK_STR(g.traffic[0].id, "192.0.2.2");
	CHECK_INT(g.traffic[1].serial, 3);
	CHECK_INT(g.traffic[1].in_bytes, 420);
	/* after the rekey of beta: #4 replaced #3 */
	CHECK_INT(parse_fixture(TRAFFIC, "libreswan/4.10/rekeyed-trafficstatus.txt", &g), 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.traffic[1].serial, 4);
	/* down: nothing */
	CHECK_INT(parse_fixture(TRAFFIC, "libreswan/4.10/down-trafficstatus.txt", &g), 0);
	CHECK_INT(g.n, 0);
}

static void test_410_global(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(GLOBAL, "libreswan/4.10/up-globalstatus.txt", &g), 0);
	CHECK(g.n > 300);
	CHECK_U64(global_value(&g, "current.states.ike"), 1);
	CHECK_U64(global_value(&g, "current.states.ipsec"), 2);
	CHECK_U64(global_value(&g, "current.states.iketype.halfopen"), 0);
	CHECK_U64(global_value(&g, "total.ike.ikev2.established"), 1);
	CHECK_U64(global_value(&g, "total.ike.traffic.in"), 1376);
}

static void test_410_responder(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(STATES, "libreswan/4.10/responder-showstates.txt", &g), 0);
	CHECK(g.n >= 3);
	CHECK_INT(parse_fixture(CONNS, "libreswan/4.10/responder-status.txt", &g), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.conns[0].local_host, "192.0.2.2");
}

/* ---- 5.x, hand-written ---- */

static void test_5x_states(void)
{
	static struct got g;
	const struct lsw_state *s;

	CHECK_INT(parse_fixture(STATES, "libreswan/5.x/showstates.txt", &g), 0);
	CHECK_INT(g.n, 7);
	CHECK_STR(g.states[0].state, "ESTABLISHED_IKE_SA");
	CHECK(g.states[0].established);
	CHECK_INT(g.states[1].kind, LSW_STATE_CHILD);
	s = &g.states[2];
	CHECK_STR(s->spi_out, "007b1c2e");   /* printed without leading zeros */
	CHECK_STR(s->spi_in, "c4a9f0d1");
	s = &g.states[4];
	CHECK_STR(s->conn, "road");
	CHECK_INT(s->instance, 3);
	CHECK_INT(s->liveness_in, 12);
	CHECK_INT(s->ike_serial, 5);
	s = &g.states[5];
	CHECK_INT(s->kind, LSW_STATE_SPIS);
	CHECK_STR(s->peer, "203.0.113.9");
	s = &g.states[6];
	CHECK_INT(s->kind, LSW_STATE_IKE);
	CHECK_STR(s->state, "PARENT_I1");
	CHECK(!s->established);
}

static void test_5x_traffic(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(TRAFFIC, "libreswan/5.x/trafficstatus.txt", &g), 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(g.traffic[0].out_bytes, 2688);
	CHECK_STR(g.traffic[0].id, "@east");
	CHECK_INT(g.traffic[1].instance, 3);
	CHECK_STR(g.traffic[1].id, "C=CA, O=Example, CN=road.example.net");
}

static void test_5x_conns(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(CONNS, "libreswan/5.x/connectionstatus.txt", &g), 0);
	CHECK_INT(g.n, 4);
	CHECK_STR(g.conns[0].name, "lost");
	CHECK_STR(g.conns[0].local_host, "198.51.100.45");
	CHECK_STR(g.conns[0].remote_host, "192.0.2.99");
	CHECK_INT(g.conns[0].ike_version, 2);
	CHECK_STR(g.conns[1].name, "road");
	CHECK_STR(g.conns[1].remote_host, "%any");
	CHECK_STR(g.conns[1].remote_client, "");
	CHECK_INT(g.conns[2].instance, 3);
	CHECK_STR(g.conns[2].remote_host, "203.0.113.9");
	CHECK_STR(g.conns[2].remote_client, "10.9.0.3/32");
	CHECK_STR(g.conns[3].local_host, "198.51.100.45");   /* :500 dropped */
	CHECK_STR(g.conns[3].routing, "routed-tunnel");
	CHECK_INT(g.conns[3].ike_life, 28800);
}

/* identities and the newest suites, for the IKE SA's info and the view */
static void test_410_ids_algs(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(CONNS, "libreswan/4.10/up-status.txt", &g), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.conns[0].local_id, "192.0.2.1");
	CHECK_STR(g.conns[0].remote_id, "192.0.2.2");
	CHECK_STR(g.conns[0].ike_alg, "AES_CBC_256-HMAC_SHA2_256-MODP2048");
	CHECK_STR(g.conns[0].child_proto, "ESP");
	CHECK_STR(g.conns[0].child_alg, "AES_CBC_256-HMAC_SHA2_256_128");
	CHECK_STR(g.conns[0].pfs_group, "<Phase1>");
	/* beta's CHILD SA is on alpha's IKE SA: no IKE suite of its own */
	CHECK_STR(g.conns[1].ike_alg, "");
	CHECK_STR(g.conns[1].child_alg, "AES_CBC_256-HMAC_SHA2_256_128");
	CHECK_STR(g.conns[2].ike_alg, "");     /* gamma: never up */
	CHECK_STR(g.conns[2].child_alg, "");
	CHECK_STR(g.conns[2].remote_id, "192.0.2.2");
}

static void test_5x_ids_algs(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(CONNS, "libreswan/5.x/connectionstatus.txt", &g), 0);
	CHECK_INT(g.n, 4);
	CHECK_STR(g.conns[3].local_id, "@west");
	CHECK_STR(g.conns[3].remote_id, "@east");
	CHECK_STR(g.conns[3].ike_alg, "AES_GCM_16_256-HMAC_SHA2_512-DH19");
	CHECK_STR(g.conns[3].child_alg, "AES_GCM_16_256-NONE");
	CHECK_STR(g.conns[0].local_id, "");
}

/* a DN with ", ", AH, an id over LSW_ID_MAX (left "", the conn kept) */
static void test_ids_algs_forms(void)
{
	static struct got g;
	static char buf[2048];
	struct ikw_err err = { "" };
	char longid[400];

	CHECK_INT(parse_str(CONNS,
		"\"dn\": 10.0.0.0/8===192.0.2.1...192.0.2.2; erouted; eroute owner: #2\n"
		"\"dn\":   our idtype: ID_DER_ASN1_DN; our id=C=CA, O=Example, CN=west; "
		"their idtype: ID_DER_ASN1_DN; their id=C=CA, O=Example, CN=east\n"
		"\"dn\":   IKE algorithm newest: AES_CBC_128-HMAC_SHA1-MODP2048\n"
		"\"dn\":   AH algorithm newest: HMAC_SHA1_96; pfsgroup=MODP2048\n",
		&g, &err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.conns[0].local_id, "C=CA, O=Example, CN=west");
	CHECK_STR(g.conns[0].remote_id, "C=CA, O=Example, CN=east");
	CHECK_STR(g.conns[0].ike_alg, "AES_CBC_128-HMAC_SHA1-MODP2048");
	CHECK_STR(g.conns[0].child_proto, "AH");
	CHECK_STR(g.conns[0].child_alg, "HMAC_SHA1_96");
	CHECK_STR(g.conns[0].pfs_group, "MODP2048");

	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	snprintf(buf, sizeof(buf),
		 "\"l\": 192.0.2.1...192.0.2.2; unrouted; eroute owner: #0\n"
		 "\"l\":   our idtype: ID_FQDN; our id=@%s; their idtype: ID_FQDN; "
		 "their id=@peer\n", longid);
	CHECK_INT(parse_str(CONNS, buf, &g, &err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.conns[0].local_id, "");
	CHECK_STR(g.conns[0].remote_id, "@peer");
}

static void test_5x_global(void)
{
	static struct got g;

	CHECK_INT(parse_fixture(GLOBAL, "libreswan/5.x/globalstatus.txt", &g), 0);
	CHECK_U64(global_value(&g, "total.ike.dpd.sent"), 15);
	CHECK_U64(global_value(&g, "total.ike.ikev2.failed"), 2);
}

/* ---- the 4.x code prefix, and malformed input ---- */

static void test_prefix(void)
{
	static struct got g;
	struct ikw_err err = { "" };

	CHECK_INT(parse_str(TRAFFIC, "006 #2: \"a\", type=ESP, inBytes=1, outBytes=2\n"
			    "000\n000 \n", &g, &err), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(g.traffic[0].add_time, LSW_NONE);
	CHECK_INT(g.traffic[0].out_bytes, 2);
	/* CRLF, no final newline */
	CHECK_INT(parse_str(GLOBAL, "a.b=1\r\nc=2", &g, &err), 0);
	CHECK_INT(g.n, 2);
	CHECK_U64(g.globals[1].value, 2);
}

static void test_errors(void)
{
	static struct got g;
	static char big[LSW_LINE_MAX + 16];
	struct ikw_err err = { "" };

	CHECK_INT(parse_str(TRAFFIC, "#2: \"a\", inBytes=x\n", &g, &err), -EBADMSG);
	CHECK_STR(err.msg, "line 1: bad traffic fields");
	CHECK_INT(parse_str(TRAFFIC, "\n#2: \"a\", inBytes=1, inBytes=2\n", &g, &err),
		  -EBADMSG);
	CHECK_STR(err.msg, "line 2: bad traffic fields");
	CHECK_INT(parse_str(TRAFFIC, "#2: \"a\", id='unterminated\n", &g, &err), -EBADMSG);
	CHECK_INT(parse_str(TRAFFIC, "#99999999999: \"a\", inBytes=1\n", &g, &err), -EBADMSG);
	CHECK_INT(parse_str(STATES, "#1: \"a\":500 lower_case (x);\n", &g, &err), -EBADMSG);
	CHECK_INT(parse_str(STATES, "#1: \"a\":500 STATE_X (x); REKEY in 5m;\n", &g, &err),
		  -EBADMSG);
	CHECK_INT(parse_str(STATES, "#1: \"a\" esp.123456789@1.2.3.4 esp.1@1.2.3.5\n",
			    &g, &err), -EBADMSG);
	CHECK_INT(parse_str(STATES, "#1: \"\":500 STATE_X (x);\n", &g, &err), -EBADMSG);
	CHECK_INT(parse_str(CONNS, "\"a\": 10.0.0.0/8===1.2.3.4; unrouted;\n", &g, &err), 0);
	CHECK_INT(g.n, 0);    /* no "...": not a connection head */
	CHECK_INT(parse_str(GLOBAL, "k=99999999999999999999999\n", &g, &err), -EBADMSG);
	CHECK_INT(parse_str(GLOBAL, "k=1\0x", &g, &err), 0);
	CHECK_INT(parse_buf(GLOBAL, "k=1\nx\0y=2\n", 10, &g, &err), -EBADMSG);
	CHECK_STR(err.msg, "line 2: NUL byte");
	memset(big, 'a', sizeof(big));
	CHECK_INT(parse_buf(GLOBAL, big, sizeof(big), &g, &err), -E2BIG);
	/* a name too long for its array */
	memset(big, 'n', sizeof(big));
	memcpy(big, "#1: \"", 5);
	memcpy(big + 5 + LSW_NAME_MAX + 1, "\", inBytes=1\n", 13);
	CHECK_INT(parse_buf(TRAFFIC, big, 5 + LSW_NAME_MAX + 1 + 13, &g, &err), -EBADMSG);
}

static int stop_at_second(void *ctx, const struct lsw_global *g)
{
	(void)g;
	return ++*(int *)ctx == 2 ? -ECANCELED : 0;
}

/* a callback's error stops the parse and is returned */
static void test_callback_stops(void)
{
	int calls = 0;

	CHECK_INT(lsw_parse_global("a=1\nb=2\nc=3\n", 12, stop_at_second, &calls, NULL),
		  -ECANCELED);
	CHECK_INT(calls, 2);
}

int main(void)
{
	RUN(test_410_conns_down);
	RUN(test_410_conns_from_status);
	RUN(test_410_states_up);
	RUN(test_410_spis_in_kernel);
	RUN(test_410_traffic);
	RUN(test_410_global);
	RUN(test_410_responder);
	RUN(test_5x_states);
	RUN(test_5x_traffic);
	RUN(test_5x_conns);
	RUN(test_5x_global);
	RUN(test_410_ids_algs);
	RUN(test_5x_ids_algs);
	RUN(test_ids_algs_forms);
	RUN(test_prefix);
	RUN(test_errors);
	RUN(test_callback_stops);
	return testlib_done();
}
