/* pluto log line classifier: a table of real libreswan 4.10 lines (from
 * tests/fixtures/libreswan/4.10/log-*.log, recorded in the qemu guest) and
 * 5.x forms (tests/fixtures/libreswan/5.x/log-*.log), the prefixes (file,
 * syslog, journal, whack), lines that must not count, the recorded logs
 * counted as a whole, and hostile input.  Lines sit right before an
 * unreadable page, so that an over-read crashes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logs/log_classify_pluto.h"
#include "testlib.h"

static int classify(const char *line, size_t len, struct log_event *ev,
		    struct pluto_sa_event *sa)
{
	struct testlib_guarded g = testlib_guarded_copy(line, len);
	int r = log_classify_pluto(g.data, len, ev, sa);

	ev->msg = NULL;
	ev->conn_raw = NULL;
	testlib_guarded_free(&g);
	return r;
}

#define T "Dec  6 08:44:03.251332: "
#define NOFAIL LOG_NONE, FAIL_OTHER

static const struct {
	const char *line;
	enum log_kind kind;
	enum fail_reason reason;
	enum pluto_sa_kind sa;
	const char *conn;
	uint32_t serial, old;
	const char *spi_in, *spi_out;
} cases[] = {
	/* 4.10, pluto's --logfile */
	{ T "\"alpha\" #1: initiator established IKE SA; authenticated peer using authby=secret and ID_IPV4_ADDR '192.0.2.2'",
	  NOFAIL, PLUTO_IKE_UP, "alpha", 1, 0, "", "" },
	{ T "\"alpha\" #1: responder established IKE SA; authenticated peer using authby=secret and ID_IPV4_ADDR '192.0.2.1'",
	  NOFAIL, PLUTO_IKE_UP, "alpha", 1, 0, "", "" },
	{ T "\"alpha\" #2: initiator established Child SA using #1; IPsec tunnel [198.18.1.0-198.18.1.255:0-65535 0] -> [198.19.1.0-198.19.1.255:0-65535 0] {ESP=>0xed92cb45 <0xcac05443 xfrm=AES_CBC_256-HMAC_SHA2_256_128 DPD=passive}",
	  NOFAIL, PLUTO_CHILD_UP, "alpha", 2, 0, "cac05443", "ed92cb45" },
	{ T "\"beta\" #3: responder established Child SA using #1; IPsec tunnel [198.19.2.0-198.19.2.255:0-65535 0] -> [198.18.2.0-198.18.2.255:0-65535 0] {ESP=>0x3eaf6940 <0x836cf02e xfrm=AES_CBC_256-HMAC_SHA2_256_128-MODP2048 DPD=passive}",
	  NOFAIL, PLUTO_CHILD_UP, "beta", 3, 0, "836cf02e", "3eaf6940" },
	{ T "\"beta\" #4: initiator rekeyed Child SA #3 using #1; IPsec tunnel [198.18.2.0-198.18.2.255:0-65535 0] -> [198.19.2.0-198.19.2.255:0-65535 0] {ESP=>0x90b7c0d7 <0x42bb2359 xfrm=AES_CBC_256-HMAC_SHA2_256_128-MODP2048 DPD=passive}",
	  NOFAIL, PLUTO_CHILD_REKEY, "beta", 4, 3, "42bb2359", "90b7c0d7" },
	{ T "\"beta\" #4: responder rekeyed Child SA #3 using #1; IPsec tunnel [198.19.2.0-198.19.2.255:0-65535 0] -> [198.18.2.0-198.18.2.255:0-65535 0] {ESP=>0x42bb2359 <0x90b7c0d7 xfrm=AES_CBC_256-HMAC_SHA2_256_128-MODP2048 DPD=passive}",
	  NOFAIL, PLUTO_CHILD_REKEY, "beta", 4, 3, "90b7c0d7", "42bb2359" },
	{ T "\"beta\" #3: ESP traffic information: in=420B out=420B",
	  NOFAIL, PLUTO_CHILD_TRAFFIC, "beta", 3, 0, "", "" },
	{ T "\"beta\" #16: initiator rekeyed IKE SA #1 {cipher=AES_CBC_256 integ=HMAC_SHA2_256_128 prf=HMAC_SHA2_256 group=MODP2048}",
	  NOFAIL, PLUTO_IKE_REKEY, "beta", 16, 1, "", "" },
	{ T "\"beta\" #1: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged 20.5s and sending notification",
	  NOFAIL, PLUTO_IKE_DOWN, "beta", 1, 0, "", "" },
	/* 4.10 failures: wrong PSK, both sides; timeouts */
	{ T "\"delta\" #5: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED",
	  LOG_FAILURE, FAIL_AUTH, PLUTO_SA_NONE, "delta", 5, 0, "", "" },
	{ T "\"delta\" #5: responding to IKE_AUTH message (ID 1) from 192.0.2.1:500 with encrypted notification AUTHENTICATION_FAILED",
	  LOG_FAILURE, FAIL_AUTH, PLUTO_SA_NONE, "delta", 5, 0, "", "" },
	{ T "\"zeta\" #12: STATE_V2_PARENT_I1: 4 second timeout exceeded after 3 retransmits.  No response (or no acceptable response) to our first IKEv2 message",
	  LOG_FAILURE, FAIL_PEER_UNREACHABLE, PLUTO_SA_NONE, "zeta", 12, 0, "", "" },
	{ T "\"eta\" #15: STATE_V2_ESTABLISHED_IKE_SA: 5 second timeout exceeded after 4 retransmits.  No response (or no acceptable response) to our IKEv2 message",
	  LOG_FAILURE, FAIL_DPD_TIMEOUT, PLUTO_SA_NONE, "eta", 15, 0, "", "" },
	{ T "\"epsilon\" #11: CREATE_CHILD_SA failed with error notification NO_PROPOSAL_CHOSEN",
	  LOG_FAILURE, FAIL_NO_PROPOSAL, PLUTO_SA_NONE, "epsilon", 11, 0, "", "" },
	/* 5.x forms (libreswan's testing/pluto outputs) */
	{ "\"west\"[1] 192.1.2.23 #2: initiator established Child SA using #1; IPsec tunnel [192.0.1.0/24===192.0.2.0/24] {ESP/ESN=>0x0a1b2c3d <0xA0B1C2 xfrm=AES_GCM_16_256 DPD=passive}",
	  NOFAIL, PLUTO_CHILD_UP, "west", 2, 0, "00a0b1c2", "0a1b2c3d" },
	{ "\"west\" #3: ESP traffic information: in=5KB out=2MB",
	  NOFAIL, PLUTO_CHILD_TRAFFIC, "west", 3, 0, "", "" },
	{ "\"west\" #1: deleting IKE SA (established IKE SA)",
	  NOFAIL, PLUTO_IKE_DOWN, "west", 1, 0, "", "" },
	{ "\"west\" #1: deleting IKE SA (ESTABLISHED_IKE_SA) and sending notification",
	  NOFAIL, PLUTO_IKE_DOWN, "west", 1, 0, "", "" },
	{ "\"west\" #1: IKE_SA_INIT_I: 60 second timeout exceeded after 7 retransmits.  No response (or no acceptable response) to our first IKEv2 message",
	  LOG_FAILURE, FAIL_PEER_UNREACHABLE, PLUTO_SA_NONE, "west", 1, 0, "", "" },
	{ "\"west\" #1: ESTABLISHED_IKE_SA: 30 second timeout exceeded after 5 retransmits.  No response (or no acceptable response) to our IKEv2 message",
	  LOG_FAILURE, FAIL_DPD_TIMEOUT, PLUTO_SA_NONE, "west", 1, 0, "", "" },
	{ "\"road\"[1] ...192.1.2.23 #1: IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE",
	  LOG_FAILURE, FAIL_TS_UNACCEPTABLE, PLUTO_SA_NONE, "road", 1, 0, "", "" },
	{ "\"west\" #1: ignoring IKE_SA_INIT response containing NO_PROPOSAL_CHOSEN notification (Message ID 0; message payloads N, missing SA,KE,Ni)",
	  LOG_FAILURE, FAIL_NO_PROPOSAL, PLUTO_SA_NONE, "west", 1, 0, "", "" },
	{ "\"east\" #1: sending notification AUTHENTICATION_FAILED to 192.1.2.45:500",
	  LOG_FAILURE, FAIL_AUTH, PLUTO_SA_NONE, "east", 1, 0, "", "" },
	/* syslog, journal and whack prefixes */
	{ "Dec  6 08:44:16 gw pluto[812]: \"delta\" #5: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED",
	  LOG_FAILURE, FAIL_AUTH, PLUTO_SA_NONE, "delta", 5, 0, "", "" },
	{ "Dec  6 08:44:16 pluto1 pluto[812]: \"delta\" #5: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED",
	  LOG_FAILURE, FAIL_AUTH, PLUTO_SA_NONE, "delta", 5, 0, "", "" },
	{ "2026-12-06T08:44:16.313016+00:00 gw pluto[812]: \"beta\" #3: ESP traffic information: in=1KB out=0B",
	  NOFAIL, PLUTO_CHILD_TRAFFIC, "beta", 3, 0, "", "" },
	{ "005 \"beta\" #3: ESP traffic information: in=420B out=420B",
	  NOFAIL, PLUTO_CHILD_TRAFFIC, "beta", 3, 0, "", "" },
	/* not counted: the responder's reason line (its notify line counts),
	 * config echoes, retransmissions, the liveness action after the
	 * timeout, notifies that are not errors */
	{ T "\"delta\" #5: authentication failed: computed hash does not match hash received from peer ID_FQDN '@a-delta'",
	  NOFAIL, PLUTO_SA_NONE, "", 5, 0, "", "" },
	{ T "\"alpha\": added IKEv2 connection", NOFAIL, PLUTO_SA_NONE, "", 0, 0, "", "" },
	{ T "\"alpha\" #1: STATE_V2_PARENT_I2: retransmission; will wait 0.5 seconds for response",
	  NOFAIL, PLUTO_SA_NONE, "", 1, 0, "", "" },
	{ T "\"eta\" #15: liveness action - clearing connection kind CK_PERMANENT",
	  NOFAIL, PLUTO_SA_NONE, "", 15, 0, "", "" },
	{ T "\"alpha\" #9: responding to IKE_SA_INIT message (ID 0) from 192.0.2.2:500 with unencrypted notification COOKIE",
	  NOFAIL, PLUTO_SA_NONE, "", 9, 0, "", "" },
	{ T "\"delta\" #5: deleting state (STATE_V2_PARENT_I2) aged 0.09001s and NOT sending notification",
	  NOFAIL, PLUTO_SA_NONE, "", 5, 0, "", "" },
	{ T "\"x\" #1: ESP traffic information: in=12QB out=3B", NOFAIL, PLUTO_SA_NONE, "", 1, 0, "", "" },
	{ T "listening for IKE messages", NOFAIL, PLUTO_SA_NONE, "", 0, 0, "", "" },
};

static void test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pluto_sa_event sa;
		struct log_event ev;
		int r = classify(cases[i].line, strlen(cases[i].line), &ev, &sa);

		if (ev.kind != cases[i].kind || sa.kind != cases[i].sa ||
		    (ev.kind == LOG_FAILURE && ev.reason != cases[i].reason) ||
		    strcmp(ev.conn, cases[i].conn) || ev.sa_id != cases[i].serial ||
		    sa.old_serial != cases[i].old || strcmp(sa.spi_in, cases[i].spi_in) ||
		    strcmp(sa.spi_out, cases[i].spi_out) ||
		    r != (cases[i].kind != LOG_NONE || cases[i].sa != PLUTO_SA_NONE))
			testlib_fail(__FILE__, __LINE__,
				     "case %zu: kind %d/%d reason %d sa %d/%d conn '%s' serial %u "
				     "old %u spis %s/%s: %s", i, ev.kind, cases[i].kind, ev.reason,
				     sa.kind, cases[i].sa, ev.conn, ev.sa_id, sa.old_serial,
				     sa.spi_in, sa.spi_out, cases[i].line);
	}
}

static void test_traffic_bytes(void)
{
	struct pluto_sa_event sa;
	struct log_event ev;
	const char *l1 = T "\"beta\" #3: ESP traffic information: in=420B out=0B";
	const char *l2 = "\"west\" #3: ESP traffic information: in=5KB out=2MB";
	const char *l3 = "\"w\" #3: ESP traffic information: in=99999999999999999999MB out=1B";

	CHECK(classify(l1, strlen(l1), &ev, &sa));
	CHECK_U64(sa.bytes_in, 420);
	CHECK_U64(sa.bytes_out, 0);
	CHECK(sa.bytes_exact);
	CHECK(classify(l2, strlen(l2), &ev, &sa));
	CHECK_U64(sa.bytes_in, 5 * 1024);           /* pluto cut it down: at least */
	CHECK_U64(sa.bytes_out, 2 * 1024 * 1024);
	CHECK(!sa.bytes_exact);
	CHECK(!classify(l3, strlen(l3), &ev, &sa));  /* overflows: not reported */
	CHECK_U64(sa.bytes_in, 0);
}

/* A whole recorded log: how many of each kind. */
static void count_fixture(const char *rel, unsigned *sa_kinds, unsigned *reasons)
{
	size_t len, off = 0;
	uint8_t *buf = testlib_read_fixture(rel, &len);

	CHECK(buf != NULL);
	while (buf && off < len) {
		const char *line = (const char *)buf + off;
		const char *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off;
		struct pluto_sa_event sa;
		struct log_event ev;

		classify(line, n, &ev, &sa);
		sa_kinds[sa.kind]++;
		if (ev.kind == LOG_FAILURE)
			reasons[ev.reason]++;
		off += n + 1;
	}
	free(buf);
}

static void test_recorded_410(void)
{
	unsigned k[PLUTO_CHILD_TRAFFIC + 1] = { 0 }, r[FAIL_REASON_COUNT] = { 0 };

	count_fixture("libreswan/4.10/log-a-pluto.log", k, r);
	CHECK_INT(k[PLUTO_IKE_UP], 3);        /* alpha #1, eta #13, eta #16 */
	CHECK_INT(k[PLUTO_IKE_DOWN], 2);      /* eta's after the DPD, eta's terminated */
	CHECK_INT(k[PLUTO_CHILD_UP], 4);    /* alpha, beta, eta twice */
	CHECK_INT(k[PLUTO_CHILD_REKEY], 1);   /* beta #3 -> #4 */
	CHECK_INT(k[PLUTO_CHILD_TRAFFIC], 5);
	CHECK_INT(r[FAIL_AUTH], 4);           /* delta twice as initiator and responder */
	CHECK_INT(r[FAIL_NO_PROPOSAL], 1);    /* epsilon */
	CHECK_INT(r[FAIL_PEER_UNREACHABLE], 2);   /* zeta twice */
	CHECK_INT(r[FAIL_DPD_TIMEOUT], 1);    /* eta */
	memset(k, 0, sizeof(k));
	memset(r, 0, sizeof(r));
	count_fixture("libreswan/4.10/log-b-pluto.log", k, r);
	CHECK_INT(r[FAIL_AUTH], 4);           /* the other sides of the same four */
	CHECK_INT(k[PLUTO_CHILD_REKEY], 1);
}

static void test_recorded_5x(void)
{
	unsigned k[PLUTO_CHILD_TRAFFIC + 1] = { 0 }, r[FAIL_REASON_COUNT] = { 0 };

	count_fixture("libreswan/5.x/log-west.log", k, r);
	CHECK_INT(k[PLUTO_IKE_UP], 1);
	CHECK_INT(k[PLUTO_IKE_REKEY], 1);
	CHECK_INT(k[PLUTO_IKE_DOWN], 2);   /* the rekeyed one too: the collector tells */
	CHECK_INT(k[PLUTO_CHILD_UP], 1);
	CHECK_INT(k[PLUTO_CHILD_REKEY], 1);
	CHECK_INT(k[PLUTO_CHILD_TRAFFIC], 2);
	CHECK_INT(r[FAIL_AUTH], 1);
	CHECK_INT(r[FAIL_PEER_UNREACHABLE], 1);
	CHECK_INT(r[FAIL_DPD_TIMEOUT], 1);
}

static void test_hostile(void)
{
	size_t n = 1 << 20, i;
	char *big = malloc(n);
	struct pluto_sa_event sa;
	struct log_event ev;
	static const char *const shorts[] = { "", "\"", "\"\"", "\"a\" #", "\"a\" #1:",
		"pluto[", "pluto[1]: ", "000 ", "12:34:56: ", "\"a\" #1: ESP traffic information: in=",
		"\"a\" #1: initiator established Child SA {ESP=>0x", "\"a\" #1: initiator rekeyed IKE SA #",
		"\"a\" #1: sending notification ", "\"a\" #4294967296: x x x x x x x x" };

	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, '"', n);
	CHECK(!classify(big, n, &ev, &sa));
	memcpy(big, "\"a\" #1: ", 8);
	memset(big + 8, 0, n - 8);
	CHECK(!classify(big, n, &ev, &sa));
	free(big);
	for (i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++)
		classify(shorts[i], strlen(shorts[i]), &ev, &sa);
	CHECK(!log_classify_pluto(NULL, 5, &ev, &sa));
	/* a conn name with control bytes comes out sanitized */
	{
		const char l[] = "\"a\x01\x1b[31m\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED";

		CHECK(classify(l, sizeof(l) - 1, &ev, &sa));
		CHECK(strchr(ev.conn, '\x1b') == NULL);
		CHECK(strchr(ev.conn, '\x01') == NULL);
	}
}

int main(void)
{
	RUN(test_table);
	RUN(test_traffic_bytes);
	RUN(test_recorded_410);
	RUN(test_recorded_5x);
	RUN(test_hostile);
	return testlib_done();
}
