/* charon log line classifier: a table of real charon 5.9.8 lines per reason
 * (most recorded in tests/fixtures/logs/ by gen_charon_logs.sh, the rest
 * with charon's own format strings), lines that must not match, the DPD
 * memory, whole recorded logs of both sides, and hostile input: a 1 MiB
 * line, NUL bytes, invalid UTF-8.  Lines sit right before an unreadable
 * page, so that an over-read crashes.  Prints lines/s for 1M lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "logs/log_classify.h"
#include "testlib.h"

/* ---- guarded copies ------------------------------------------------------- */


/* Classifies a guarded copy; ev's pointers are cleared before unmapping. */
static int classify(const char *line, size_t len, struct log_event *ev)
{
	struct testlib_guarded g = testlib_guarded_copy(line, len);
	int r = log_classify(g.data, len, ev);

	ev->msg = NULL;
	ev->conn_raw = NULL;
	testlib_guarded_free(&g);
	return r;
}

/* ---- the table ---------------------------------------------------------- */

#define T "2026-11-23 11:21:22 10[IKE] "

static const struct {
	const char *line;
	enum log_kind kind;
	enum fail_reason reason;
	const char *conn;
	uint32_t sa_id;
} cases[] = {
	/* the initiator rejected our AUTH: the responder only sees this */
	{ "2026-11-23 12:04:18 14[ENC] <badpsk|2> parsed INFORMATIONAL request 2 [ N(AUTH_FAILED) ]",
	  LOG_FAILURE, FAIL_AUTH, "badpsk", 2 },
	{ "2026-11-23 12:04:18 14[ENC] <badpsk|2> parsed IKE_AUTH response 1 [ N(AUTH_FAILED) ]",
	  LOG_RESPONSE, FAIL_AUTH, "badpsk", 2 },
	/* authentication: responder sees the MAC, initiator the notify */
	{ T "<psk|1> tried 2 shared keys for 'b-psk' - 'a-psk', but MAC mismatched",
	  LOG_FAILURE, FAIL_AUTH, "psk", 1 },
	{ T "<a|7> tried 1 shared key for 'a' - 'b', but MAC mismatched",
	  LOG_FAILURE, FAIL_AUTH, "a", 7 },
	{ "2026-11-23 11:21:22 05[IKE] <psk|1> received AUTHENTICATION_FAILED notify error",
	  LOG_FAILURE, FAIL_AUTH, "psk", 1 },
	{ T "<x|2> no shared key found for 'moon' - 'sun'", LOG_FAILURE, FAIL_AUTH, "x", 2 },
	{ T "<x|2> authentication of 'moon' (myself) failed", LOG_FAILURE, FAIL_AUTH, "x", 2 },
	{ T "<x|2> signature validation failed, looking for another key",
	  LOG_FAILURE, FAIL_AUTH, "x", 2 },
	{ T "<x|2> received EAP_FAILURE, EAP authentication failed", LOG_FAILURE, FAIL_AUTH, "x", 2 },
	{ T "<x|2> EAP method EAP_MD5 failed for peer carol", LOG_FAILURE, FAIL_AUTH, "x", 2 },
	{ T "<x|2> constraint checking failed", LOG_FAILURE, FAIL_AUTH, "x", 2 },
	{ T "<x|2> XAuth authentication of 'carol' failed", LOG_FAILURE, FAIL_AUTH, "x", 2 },
	{ T "<x|2> verification of AUTH payload with EAP MSK failed", LOG_FAILURE, FAIL_AUTH, "x", 2 },
	/* proposals: IKE and CHILD, both sides */
	{ "2026-11-23 11:21:22 14[IKE] <prop|2> received NO_PROPOSAL_CHOSEN notify error",
	  LOG_FAILURE, FAIL_NO_PROPOSAL, "prop", 2 },
	{ "2026-11-23 11:20:40 10[IKE] <2> received proposals unacceptable",
	  LOG_FAILURE, FAIL_NO_PROPOSAL, "", 2 },
	{ "2026-11-23 11:21:22 13[IKE] <childprop|3> received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built",
	  LOG_FAILURE, FAIL_NO_PROPOSAL, "childprop", 3 },
	{ "07[IKE] <3> no IKE config found for 127.0.0.3...127.0.0.1, sending NO_PROPOSAL_CHOSEN",
	  LOG_FAILURE, FAIL_NO_PROPOSAL, "", 3 },
	{ "2026-11-23 11:21:22 16[IKE] <childprop|3> no acceptable proposal found",
	  LOG_FAILURE, FAIL_NO_PROPOSAL, "childprop", 3 },
	/* traffic selectors */
	{ "2026-11-23 11:21:22 09[IKE] <ts|4> received TS_UNACCEPTABLE notify, no CHILD_SA built",
	  LOG_FAILURE, FAIL_TS_UNACCEPTABLE, "ts", 4 },
	{ "2026-11-23 11:21:22 13[IKE] <ts|4> traffic selectors 10.2.0.99/32 === 10.1.0.4/32 unacceptable",
	  LOG_FAILURE, FAIL_TS_UNACCEPTABLE, "ts", 4 },
	{ T "<ts|4> no acceptable traffic selectors found", LOG_FAILURE, FAIL_TS_UNACCEPTABLE, "ts", 4 },
	{ T "<ts|4> received TS_UNACCEPTABLE notify error", LOG_FAILURE, FAIL_TS_UNACCEPTABLE, "ts", 4 },
	/* key exchange */
	{ "2026-11-23 11:21:22 16[IKE] <ke|5> peer didn't accept DH group ECP_256, it requested CURVE_25519",
	  LOG_FAILURE, FAIL_INVALID_KE, "ke", 5 },
	{ "2026-11-23 11:21:22 16[IKE] <5> DH group ECP_256 unacceptable, requesting CURVE_25519",
	  LOG_FAILURE, FAIL_INVALID_KE, "", 5 },
	{ T "<ke|5> received INVALID_KE_PAYLOAD notify error", LOG_FAILURE, FAIL_INVALID_KE, "ke", 5 },
	/* retransmits and DPD: the memory decides between the two */
	{ "2026-11-23 11:21:26 15[IKE] <unreach|6> giving up after 2 retransmits",
	  LOG_GIVE_UP, FAIL_PEER_UNREACHABLE, "unreach", 6 },
	{ T "<m|6> giving up after 5 path probings", LOG_GIVE_UP, FAIL_PEER_UNREACHABLE, "m", 6 },
	{ "2026-11-23 11:21:25 16[IKE] <dpd|7> sending DPD request", LOG_DPD_SENT, FAIL_OTHER, "dpd", 7 },
	{ "2026-11-23 11:21:25 16[ENC] <dpd|7> generating CREATE_CHILD_SA request 3 [ SA No TSi TSr ]",
	  LOG_REQUEST, FAIL_OTHER, "dpd", 7 },
	{ "2026-11-23 11:21:25 16[ENC] <dpd|7> parsed INFORMATIONAL response 5 [ ]",
	  LOG_RESPONSE, FAIL_OTHER, "dpd", 7 },
	/* rekeying */
	{ "2026-11-23 11:21:26 09[IKE] <rekey|8> CHILD_SA rekeying failed, trying again in 6 seconds",
	  LOG_FAILURE, FAIL_REKEY, "rekey", 8 },
	{ T "<rekey|8> IKE_SA rekeying failed, trying again in 30 seconds",
	  LOG_FAILURE, FAIL_REKEY, "rekey", 8 },
	/* half-open and DoS protection: no conn yet */
	{ "2026-11-23 11:40:01 07[NET] ignoring IKE_SA setup from 192.0.2.11, per-IP half-open IKE_SA limit of 5 reached",
	  LOG_FAILURE, FAIL_HALF_OPEN, "", 0 },
	{ "2026-11-23 11:40:01 07[NET] ignoring IKE_SA setup from 192.0.2.11, half-open IKE_SA limit of 100 reached",
	  LOG_FAILURE, FAIL_HALF_OPEN, "", 0 },
	{ T "<9> deleting half open IKE_SA with 192.0.2.11 after timeout", LOG_FAILURE, FAIL_HALF_OPEN, "", 9 },
	{ T "<c|9> abort IKE_SA initiation, half open IKE_SA count of 30 exceeds limit of 30",
	  LOG_FAILURE, FAIL_HALF_OPEN, "c", 9 },
	/* installing */
	{ "2026-11-23 11:20:00 13[IKE] <dpd|7> unable to install IPsec policies (SPD) in kernel",
	  LOG_FAILURE, FAIL_INSTALL, "dpd", 7 },
	{ T "<i|3> unable to install inbound IPsec SA (SAD) in kernel", LOG_FAILURE, FAIL_INSTALL, "i", 3 },
	{ T "<i|3> unable to install outbound IPsec SA (SAD) in kernel", LOG_FAILURE, FAIL_INSTALL, "i", 3 },
	/* certificates: the one line that ends a failed trust chain */
	{ T "<cert|4> no trusted RSA public key found for 'moon.strongswan.org'",
	  LOG_FAILURE, FAIL_CERT, "cert", 4 },
	{ T "<cert|4> peer certificate verification failed, deleting SA", LOG_FAILURE, FAIL_CERT, "cert", 4 },
	/* other notify errors */
	{ T "<c|1> received INTERNAL_ADDRESS_FAILURE notify error", LOG_FAILURE, FAIL_NO_VIP, "c", 1 },
	/* charon 5.9.8, a remote-access responder with its pool full (lab --rw) */
	{ T "<rw|42> no virtual IP found, sending INTERNAL_ADDRESS_FAILURE", LOG_FAILURE, FAIL_NO_VIP, "rw", 42 },
	{ T "<c|1> received (12345) notify error", LOG_FAILURE, FAIL_OTHER, "c", 1 },
	/* formats: no time, syslog, bare (VICI log message) */
	{ "09[IKE] <tun1|1> received AUTHENTICATION_FAILED notify error", LOG_FAILURE, FAIL_AUTH, "tun1", 1 },
	{ "Nov 23 10:50:57 gw charon: 09[IKE] <tun1|12> received AUTHENTICATION_FAILED notify error",
	  LOG_FAILURE, FAIL_AUTH, "tun1", 12 },
	{ "received AUTHENTICATION_FAILED notify error", LOG_FAILURE, FAIL_AUTH, "", 0 },
	{ "<tun|3> giving up after 5 retransmits", LOG_GIVE_UP, FAIL_PEER_UNREACHABLE, "tun", 3 },
	/* conn names: '|' inside, non-ASCII kept, control bytes replaced */
	{ T "<a|b|4> no acceptable proposal found", LOG_FAILURE, FAIL_NO_PROPOSAL, "a|b", 4 },
	{ T "<zürich|4> no acceptable proposal found", LOG_FAILURE, FAIL_NO_PROPOSAL, "zürich", 4 },
	{ T "<a\x01" "b\xff|4> no acceptable proposal found", LOG_FAILURE, FAIL_NO_PROPOSAL, "a?b?", 4 },
};

static void test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct log_event ev;
		int r = classify(cases[i].line, strlen(cases[i].line), &ev);

		if (r != 1 || ev.kind != cases[i].kind ||
		    (ev.kind == LOG_FAILURE && ev.reason != cases[i].reason) ||
		    strcmp(ev.conn, cases[i].conn) || ev.sa_id != cases[i].sa_id)
			testlib_fail(__FILE__, __LINE__,
				     "case %zu \"%s\": r=%d kind=%d reason=%d conn=\"%s\" id=%u",
				     i, cases[i].line, r, ev.kind, ev.reason, ev.conn, ev.sa_id);
	}
}

/* Real lines of the recorded logs that are no failure, and near misses. */
static const char *const misses[] = {
	/* the line before the refusal: counted once, from the next line */
	"2026-12-06 02:40:17 09[IKE] <rw|42> no virtual IP found for %any requested by 'rw41@ra.example'",
	"2026-11-23 11:14:23 10[NET] <1> received packet: from 192.0.2.11[500] to 192.0.2.1[500] (232 bytes)",
	"2026-11-23 11:14:23 10[NET] <tun1|1> sending packet: from 192.0.2.1[4500] to 192.0.2.11[4500] (80 bytes)",
	"2026-11-23 11:14:23 10[ENC] <1> parsed IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]",
	"2026-11-23 11:14:23 10[ENC] <1> generating IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) ]",
	"2026-11-23 11:21:25 16[ENC] <dpd|7> generating INFORMATIONAL request 5 [ ]",
	"2026-11-23 11:14:23 10[IKE] <1> received retransmit of request with ID 0, retransmitting response",
	"2026-11-23 11:21:23 16[IKE] <ke|5> retransmit 1 of request with message ID 0",
	"2026-11-23 11:21:22 16[IKE] <childprop|3> failed to establish CHILD_SA, keeping IKE_SA",
	"2026-11-23 11:21:26 15[IKE] <unreach|6> establishing IKE_SA failed, peer not responding",
	"2026-11-23 11:20:40 10[IKE] <2> no matching proposal found, trying alternative config",
	"2026-11-23 11:14:21 14[CFG] added vici connection: tun1",
	"2026-11-23 11:14:20 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux 6.18.44, x86_64)",
	"2026-11-23 11:21:22 14[IKE] <rekey|8> CHILD_SA rekey{4} established with SPIs 15dd979e_i f7a6c611_o",
	"2026-11-23 11:21:22 10[IKE] <psk|1> authentication of 'a-psk' (myself) with pre-shared key",
	"2026-11-23 11:21:22 10[IKE] <c|1> received DELETE for ESP CHILD_SA with SPI d4698257",
	"2026-11-23 11:21:22 10[IKE] <c|1> received AUTHENTICATION_FAILED notify",
	"2026-11-23 11:21:22 10[IKE] <c|1> received TEMPORARY_FAILURE notify, will retry later",
	"2026-11-23 11:21:22 10[IKE] <c|1> unable to rekey, CHILD_SA not found",
	"2026-11-23 11:21:22 10[IKE] <c|1> giving up after 5 retries",
	"2026-11-23 11:21:22 10[IKE] <c|1> tried 1 shared key for 'a' - 'b'",
	"giving up",
	"",
	"r",
	"<",
	"<|>",
	"<abc> received AUTHENTICATION_FAILED notify",
	"09[IKE] ",
	"2026-11-23 11:21:22 10[IKE] <c|99999999999> received",
};

static void test_misses(void)
{
	size_t i;

	for (i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
		struct log_event ev;

		if (classify(misses[i], strlen(misses[i]), &ev) != 0 || ev.kind != LOG_NONE)
			testlib_fail(__FILE__, __LINE__, "miss %zu \"%s\" matched (kind %d)",
				     i, misses[i], ev.kind);
	}
}

static void test_prefix_parts(void)
{
	const char *l = "2026-11-23 11:21:22 10[IKE] <tun7|42> received DELETE for IKE_SA";
	struct log_event ev;
	char conn[LOG_CONN_MAX + 1];

	CHECK_INT(log_classify(l, strlen(l), &ev), 0);
	CHECK_INT(ev.sa_id, 42);
	CHECK(ev.msg_len == strlen("received DELETE for IKE_SA"));
	CHECK(!memcmp(ev.msg, "received DELETE", 15));
	CHECK_INT(log_classify_conn(&ev, conn), 4);
	CHECK_STR(conn, "tun7");
	CHECK_STR(ev.conn, "");   /* only filled for matches */

	/* "<5>": an SA without a config yet */
	l = "10[IKE] <5> remote host is behind NAT";
	log_classify(l, strlen(l), &ev);
	CHECK_INT(ev.sa_id, 5);
	CHECK(ev.conn_raw == NULL);
	CHECK(!memcmp(ev.msg, "remote host", 11));

	/* a long conn name is cut to LOG_CONN_MAX */
	{
		char line[512];

		snprintf(line, sizeof(line), "09[IKE] <%0100d|3> no acceptable proposal found", 0);
		CHECK_INT(log_classify(line, strlen(line), &ev), 1);
		CHECK_INT(strlen(ev.conn), LOG_CONN_MAX);
	}
	CHECK_INT(log_classify(NULL, 5, &ev), 0);
}

/* ---- DPD memory ----------------------------------------------------------- */

static enum fail_reason feed(struct log_classify_state *st, const char *line, bool *counted)
{
	struct log_event ev;
	enum fail_reason r = FAIL_REASON_COUNT;

	log_classify(line, strlen(line), &ev);
	*counted = log_classify_state_apply(st, &ev, &r);
	return r;
}

static void test_dpd_memory(void)
{
	struct log_classify_state st;
	bool c;

	log_classify_state_init(&st);
	/* DPD outstanding, then the give-up: a DPD timeout */
	feed(&st, "09[IKE] <dpd|7> sending DPD request", &c);
	CHECK(!c);
	feed(&st, "09[ENC] <dpd|7> generating INFORMATIONAL request 8 [ ]", &c);
	CHECK(!c);
	feed(&st, "09[IKE] <dpd|7> retransmit 1 of request with message ID 8", &c);
	CHECK(!c);
	CHECK_INT(feed(&st, "09[IKE] <dpd|7> giving up after 2 retransmits", &c), FAIL_DPD_TIMEOUT);
	CHECK(c);
	/* once counted, the next give-up is not a DPD any more */
	CHECK_INT(feed(&st, "09[IKE] <dpd|7> giving up after 2 retransmits", &c), FAIL_PEER_UNREACHABLE);

	/* a DPD answered, then a rekey request lost: unreachable */
	feed(&st, "09[IKE] <r|9> sending DPD request", &c);
	feed(&st, "09[ENC] <r|9> parsed INFORMATIONAL response 3 [ ]", &c);
	feed(&st, "09[ENC] <r|9> generating CREATE_CHILD_SA request 4 [ SA No TSi TSr ]", &c);
	CHECK_INT(feed(&st, "09[IKE] <r|9> giving up after 5 retransmits", &c), FAIL_PEER_UNREACHABLE);

	/* DPD on another SA does not leak: ids are the key */
	feed(&st, "09[IKE] <a|10> sending DPD request", &c);
	CHECK_INT(feed(&st, "09[IKE] <a|11> giving up after 5 retransmits", &c), FAIL_PEER_UNREACHABLE);
	CHECK_INT(feed(&st, "09[IKE] <a|10> giving up after 5 retransmits", &c), FAIL_DPD_TIMEOUT);

	/* a colliding id evicts the older SA: bounded, never wrong the other way */
	feed(&st, "09[IKE] <a|12> sending DPD request", &c);
	feed(&st, "09[IKE] <b|268> sending DPD request", &c);   /* 268 % 256 == 12 */
	CHECK_INT(feed(&st, "09[IKE] <a|12> giving up after 5 retransmits", &c), FAIL_PEER_UNREACHABLE);
	CHECK_INT(feed(&st, "09[IKE] <b|268> giving up after 5 retransmits", &c), FAIL_DPD_TIMEOUT);

	/* a plain failure passes through */
	CHECK_INT(feed(&st, "09[IKE] <p|1> received NO_PROPOSAL_CHOSEN notify error", &c), FAIL_NO_PROPOSAL);
	CHECK(c);
	feed(&st, "09[NET] <p|1> received packet: from 1.2.3.4[500]", &c);
	CHECK(!c);
}

/* ---- recorded logs -------------------------------------------------------- */

struct tally {
	char conn[16][LOG_CONN_MAX + 1];
	unsigned count[16][FAIL_REASON_COUNT];
	size_t n;
};

static unsigned *tally_slot(struct tally *t, const char *conn, enum fail_reason r)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->conn[i], conn))
			return &t->count[i][r];
	if (t->n == 16)
		return &t->count[15][r];
	strcpy(t->conn[t->n], conn);
	return &t->count[t->n++][r];
}

static unsigned tally_get(struct tally *t, const char *conn, enum fail_reason r)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->conn[i], conn))
			return t->count[i][r];
	return 0;
}

static unsigned tally_total(const struct tally *t)
{
	unsigned s = 0;
	size_t i, r;

	for (i = 0; i < t->n; i++)
		for (r = 0; r < FAIL_REASON_COUNT; r++)
			s += t->count[i][r];
	return s;
}

static int tally_file(const char *name, struct tally *t)
{
	char path[512], line[LOG_CLASSIFY_MAX];
	struct log_classify_state st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/logs/%s", testlib_fixture_dir(), name);
	f = fopen(path, "r");
	if (!f) {
		testlib_fail(__FILE__, __LINE__, "cannot open fixture %s", path);
		return -1;
	}
	memset(t, 0, sizeof(*t));
	log_classify_state_init(&st);
	while (fgets(line, sizeof(line), f)) {
		struct log_event ev;
		enum fail_reason r;
		size_t len = strcspn(line, "\n");

		if (log_classify(line, len, &ev) && log_classify_state_apply(&st, &ev, &r))
			(*tally_slot(t, ev.conn, r))++;
	}
	fclose(f);
	return 0;
}

/* One count per failed negotiation on each side (see gen_charon_logs.sh). */
static void test_recorded_initiator(void)
{
	struct tally t;

	if (tally_file("charon-5.9.8-initiator.log", &t))
		return;
	CHECK_INT(tally_get(&t, "psk", FAIL_AUTH), 1);
	CHECK_INT(tally_get(&t, "prop", FAIL_NO_PROPOSAL), 1);
	CHECK_INT(tally_get(&t, "childprop", FAIL_NO_PROPOSAL), 1);
	CHECK_INT(tally_get(&t, "ts", FAIL_TS_UNACCEPTABLE), 1);
	CHECK_INT(tally_get(&t, "ke", FAIL_INVALID_KE), 1);
	CHECK_INT(tally_get(&t, "unreach", FAIL_PEER_UNREACHABLE), 1);
	CHECK_INT(tally_get(&t, "dpd", FAIL_DPD_TIMEOUT), 1);
	/* a failed rekey, refused with NO_PROPOSAL_CHOSEN: rekey and its cause */
	CHECK_INT(tally_get(&t, "rekey", FAIL_REKEY), 1);
	CHECK_INT(tally_get(&t, "rekey", FAIL_NO_PROPOSAL), 1);
	CHECK_INT(tally_total(&t), 9);
}

static void test_recorded_responder(void)
{
	struct tally t;

	if (tally_file("charon-5.9.8-responder.log", &t))
		return;
	CHECK_INT(tally_get(&t, "psk", FAIL_AUTH), 1);
	CHECK_INT(tally_get(&t, "", FAIL_NO_PROPOSAL), 1);   /* IKE: no config yet */
	CHECK_INT(tally_get(&t, "childprop", FAIL_NO_PROPOSAL), 1);
	CHECK_INT(tally_get(&t, "ts", FAIL_TS_UNACCEPTABLE), 1);
	CHECK_INT(tally_get(&t, "", FAIL_INVALID_KE), 1);
	CHECK_INT(tally_get(&t, "rekey", FAIL_NO_PROPOSAL), 1);
	CHECK_INT(tally_total(&t), 6);
}

/* ---- hostile input -------------------------------------------------------- */

static void test_huge_line(void)
{
	size_t len = 1024 * 1024;
	char *big = malloc(len);
	struct log_event ev;
	const char *head = "09[IKE] <c|1> tried 1 shared key for '", *tail = ", but MAC mismatched";
	const char *fail = "09[IKE] <c|1> received AUTHENTICATION_FAILED notify error";

	if (!big)
		return;
	/* junk: only the first LOG_CLASSIFY_MAX bytes are looked at */
	memset(big, 'A', len);
	CHECK_INT(classify(big, len, &ev), 0);
	/* a failure message whose end lies past the cap does not match */
	memcpy(big, head, strlen(head));
	memcpy(big + len - strlen(tail), tail, strlen(tail));
	CHECK_INT(classify(big, len, &ev), 0);
	/* a failure at the start of a huge line still counts */
	memcpy(big, fail, strlen(fail));
	CHECK_INT(classify(big, len, &ev), 1);
	CHECK_INT(ev.reason, FAIL_AUTH);
	CHECK_STR(ev.conn, "c");
	free(big);
}

static void test_nul_and_utf8(void)
{
	static const char nul_in_conn[] = "09[IKE] <a\0b|3> no acceptable proposal found";
	static const char nul_in_msg[] = "09[IKE] <c|3> no acceptable\0proposal found";
	static const char nul_after[] = "09[IKE] <c|3> no acceptable proposal found\0junk";
	static const char bad_utf8[] = "09[IKE] <\xc3\x28\xe2\x82|3> received NO_PROPOSAL_CHOSEN notify error";
	struct log_event ev;

	CHECK_INT(classify(nul_in_conn, sizeof(nul_in_conn) - 1, &ev), 1);
	CHECK_STR(ev.conn, "a?b");
	CHECK_INT(classify(nul_in_msg, sizeof(nul_in_msg) - 1, &ev), 0);
	CHECK_INT(classify(nul_after, sizeof(nul_after) - 1, &ev), 1);
	CHECK_INT(classify(bad_utf8, sizeof(bad_utf8) - 1, &ev), 1);
	CHECK_INT(ev.reason, FAIL_NO_PROPOSAL);
	CHECK_STR(ev.conn, "?(??");
}

/* Every length of every table line: truncations must never over-read. */
static void test_all_prefixes(void)
{
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].line);

		for (n = 0; n <= len; n++) {
			struct log_event ev;

			classify(cases[i].line, n, &ev);
		}
	}
	CHECK(1);
}

/* ---- speed ------------------------------------------------------------------ */

static void test_speed(void)
{
	static const char *const mix[] = {
		"2026-11-23 11:14:23 10[NET] <tun12|1044> received packet: from 192.0.2.11[4500] to 192.0.2.1[4500] (80 bytes)",
		"2026-11-23 11:14:23 10[NET] <tun12|1044> sending packet: from 192.0.2.1[4500] to 192.0.2.11[4500] (80 bytes)",
		"2026-11-23 11:14:23 10[ENC] <tun12|1044> parsed INFORMATIONAL request 7 [ ]",
		"2026-11-23 11:14:23 10[ENC] <tun12|1044> generating INFORMATIONAL response 7 [ ]",
		"2026-11-23 11:14:23 10[IKE] <1> received retransmit of request with ID 0, retransmitting response",
		"2026-11-23 11:14:23 10[IKE] <1> 192.0.2.11 is initiating an IKE_SA",
		"2026-11-23 11:14:23 10[CFG] <1> selected proposal: IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE_25519",
		"2026-11-23 11:40:01 07[NET] ignoring IKE_SA setup from 192.0.2.11, half-open IKE_SA limit of 100 reached",
	};
	size_t lens[8], i, n = 1000000, hits = 0;
	struct timespec a, b;
	double s;

	for (i = 0; i < 8; i++)
		lens[i] = strlen(mix[i]);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		struct log_event ev;

		hits += (size_t)log_classify(mix[i & 7], lens[i & 7], &ev);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("# log_classify: %zu lines in %.3f s = %.0f lines/s (%zu classified)\n",
	       n, s, (double)n / s, hits);
	CHECK_INT(hits, n / 8);   /* only the half-open line */
}

int main(void)
{
	RUN(test_table);
	RUN(test_misses);
	RUN(test_prefix_parts);
	RUN(test_dpd_memory);
	RUN(test_recorded_initiator);
	RUN(test_recorded_responder);
	RUN(test_huge_line);
	RUN(test_nul_and_utf8);
	RUN(test_all_prefixes);
	RUN(test_speed);
	return testlib_done();
}
