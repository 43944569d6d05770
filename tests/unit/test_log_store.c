/* The status view's log store: lines kept newest first up to the bound,
 * the oldest evicted, the per-conn index bounded (and its least recent
 * conn forgotten), the kind filter and conn glob, a negotiation's tries,
 * exchange, retransmits and last error line as charon 5.9.8 logs them
 * (tests/fixtures/logs/), the query parameters, the exchange of charon's
 * tasks, and peers redacted in lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/arena.h"
#include "logs/log_collect.h"
#include "logs/log_progress.h"
#include "logs/log_redact.h"
#include "logs/log_store.h"
#include "logs/log_tail.h"
#include "model/negotiation.h"
#include "status/status_log.h"
#include "testlib.h"

static void add(struct log_store *s, double ts, const char *line)
{
	struct log_event ev;
	struct log_line_info info;
	char conn[LOG_CONN_MAX + 1];

	log_classify(line, strlen(line), &ev);
	log_classify_conn(&ev, conn);
	log_line_describe(&ev, &info);
	log_store_add(s, ts, conn, ev.sa_id, ev.msg, ev.msg_len, &info);
}

static void test_bounds_and_eviction(void)
{
	struct log_store *s = log_store_new(10);
	struct log_store_line out[20];
	struct log_store_query q = { NULL, 0, 20 };
	struct log_store_stats st;
	char line[128];
	int i;

	CHECK(s);
	for (i = 1; i <= 25; i++) {
		snprintf(line, sizeof(line), "09[IKE] <a|1> line %d", i);
		add(s, i, line);
	}
	CHECK_INT(log_store_query(s, &q, out), 10);
	CHECK_STR(out[0].text, "line 25");      /* newest first */
	CHECK_STR(out[9].text, "line 16");
	CHECK_STR(out[0].conn, "a");
	CHECK_INT(out[0].sa_id, 1);
	log_store_get_stats(s, &st);
	CHECK_U64(st.lines, 25);
	CHECK_U64(st.evicted, 15);
	q.limit = 3;
	CHECK_INT(log_store_query(s, &q, out), 3);
	/* the conn's index points at evicted lines too: only live ones come back */
	q = (struct log_store_query){ "a", 0, 20 };
	CHECK_INT(log_store_query(s, &q, out), 10);
	log_store_free(s);
	log_store_free(NULL);
}

static void test_clamped(void)
{
	struct log_store *s = log_store_new(0);
	struct log_store_stats st;

	log_store_get_stats(s, &st);
	CHECK_INT(st.capacity, LOG_STORE_LINES_MIN);
	log_store_free(s);
}

static void test_per_conn_index(void)
{
	struct log_store *s = log_store_new(LOG_STORE_LINES_MAX);
	struct log_store_line *out = calloc(LOG_STORE_PER_CONN * 2, sizeof(*out));
	struct log_store_query q = { "busy", 0, LOG_STORE_PER_CONN * 2 };
	struct log_store_stats st;
	char line[128];
	int i;

	for (i = 0; i < LOG_STORE_PER_CONN * 2; i++) {
		snprintf(line, sizeof(line), "09[IKE] <busy|2> line %d", i);
		add(s, i, line);
	}
	add(s, 999, "09[IKE] <quiet|3> only line");
	CHECK_INT(log_store_query(s, &q, out), LOG_STORE_PER_CONN);   /* bounded */
	CHECK_STR(out[0].text, "line 127");
	q.conn = "quiet";
	CHECK_INT(log_store_query(s, &q, out), 1);
	/* a glob scans every line instead */
	q.conn = "bus*";
	CHECK_INT(log_store_query(s, &q, out), LOG_STORE_PER_CONN * 2);
	/* more conns than slots: the least recent is forgotten from the index */
	for (i = 0; i < LOG_STORE_CONNS; i++) {
		snprintf(line, sizeof(line), "09[IKE] <c%d|%d> hello", i, i + 10);
		add(s, 2000 + i, line);
	}
	log_store_get_stats(s, &st);
	CHECK(st.conns_evicted >= 2);
	q.conn = "busy";
	CHECK_INT(log_store_query(s, &q, out), 0);   /* index gone... */
	q.conn = "bus?";
	CHECK_INT(log_store_query(s, &q, out), LOG_STORE_PER_CONN * 2);   /* lines not */
	free(out);
	log_store_free(s);
}

static void test_kinds(void)
{
	struct log_store *s = log_store_new(100);
	struct log_store_line out[10];
	struct log_store_query q = { NULL, 0, 10 };

	add(s, 1, "13[IKE] <psk|1> initiating IKE_SA psk[1] to 10.99.0.2");
	add(s, 2, "09[IKE] <psk|1> received AUTHENTICATION_FAILED notify error");
	add(s, 3, "15[IKE] <r|3> IKE_SA r[3] established between 10.99.0.1[a]...10.99.0.2[b]");
	add(s, 4, "11[IKE] <r|3> initiating IKE_SA rekeying, ...");
	add(s, 5, "11[CFG] loaded IKE shared key");
	add(s, 6, "15[IKE] <r|3> scheduling rekeying in 13985s");
	add(s, 7, "09[ENC] <r|3> parsed CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No TSi TSr ]");
	add(s, 8, "09[IKE] <r|3> inbound CHILD_SA net{4} established with SPIs 1_i 2_o and TS a === b");
	CHECK(!log_line_kinds_parse("failure", &q.kinds));
	CHECK_INT(log_store_query(s, &q, out), 1);
	CHECK_STR(out[0].text, "received AUTHENTICATION_FAILED notify error");
	CHECK_INT(out[0].kind, LOG_LINE_FAILURE);
	CHECK(!log_line_kinds_parse("updown,rekey", &q.kinds));
	CHECK_INT(log_store_query(s, &q, out), 4);
	CHECK_INT(out[0].kind, LOG_LINE_UPDOWN);    /* the rekeyed child installed */
	CHECK_INT(out[1].kind, LOG_LINE_REKEY);     /* the peer's rekey */
	CHECK_INT(out[2].kind, LOG_LINE_REKEY);
	CHECK_INT(out[3].kind, LOG_LINE_UPDOWN);
	CHECK(!log_line_kinds_parse("other", &q.kinds));
	CHECK_INT(log_store_query(s, &q, out), 2);   /* the unnamed line, "scheduling" */
	CHECK_STR(out[1].conn, "");
	CHECK(!log_line_kinds_parse("", &q.kinds));
	CHECK_INT(q.kinds, LOG_LINE_KINDS_ALL);
	CHECK(log_line_kinds_parse("failure,", &q.kinds));
	CHECK(log_line_kinds_parse("nope", &q.kinds));
	CHECK(log_line_kinds_parse(",", &q.kinds));
	log_store_free(s);
}

/* An unreachable peer, as charon 5.9.8 logs it, then a wrong key. */
static void test_progress(void)
{
	struct log_store *s = log_store_new(100);
	struct log_store_progress p;

	CHECK(!log_store_progress(s, "unreach", &p));
	add(s, 10, "10[IKE] <unreach|6> initiating IKE_SA unreach[6] to 10.99.0.3");
	add(s, 10, "10[ENC] <unreach|6> generating IKE_SA_INIT request 0 [ SA KE No ]");
	add(s, 11, "15[IKE] <unreach|6> retransmit 1 of request with message ID 0");
	add(s, 13, "15[IKE] <unreach|6> retransmit 2 of request with message ID 0");
	CHECK(log_store_progress(s, "unreach", &p));
	CHECK_INT(p.sa_id, 6);
	CHECK_INT(p.sent, IKE_EXCH_IKE_SA_INIT);
	CHECK_INT(p.retransmits, 2);
	CHECK_INT(p.tries, 1);
	CHECK(p.started == 10);
	CHECK(p.last_error_at == 0);
	add(s, 15, "14[IKE] <unreach|6> giving up after 2 retransmits");
	CHECK(log_store_progress(s, "unreach", &p));
	CHECK_STR(p.last_error, "giving up after 2 retransmits");
	CHECK(p.last_error_at == 15);
	add(s, 16, "14[IKE] <unreach|6> initiating IKE_SA unreach[6] to 10.99.0.3");
	CHECK(log_store_progress(s, "unreach", &p));
	CHECK_INT(p.tries, 2);
	CHECK_INT(p.retransmits, 0);
	/* the old IKE SA's DELETE retransmitting beside the try: not the try's */
	add(s, 17, "14[IKE] <unreach|5> retransmit 4 of request with message ID 3");
	add(s, 17, "14[ENC] <unreach|5> generating INFORMATIONAL request 3 [ D ]");
	CHECK(log_store_progress(s, "unreach", &p));
	CHECK_INT(p.retransmits, 0);
	CHECK_INT(p.sa_id, 6);
	CHECK_INT(p.sent, IKE_EXCH_NONE);

	add(s, 20, "13[ENC] <psk|1> generating IKE_SA_INIT request 0 [ SA KE No ]");
	add(s, 21, "12[ENC] <psk|1> generating IKE_AUTH request 1 [ IDi AUTH ]");
	CHECK(log_store_progress(s, "psk", &p));
	CHECK_INT(p.sent, IKE_EXCH_IKE_AUTH);
	add(s, 22, "09[IKE] <psk|1> received AUTHENTICATION_FAILED notify error");
	CHECK(log_store_progress(s, "psk", &p));
	CHECK_STR(p.last_error, "received AUTHENTICATION_FAILED notify error");
	add(s, 30, "15[IKE] <psk|1> IKE_SA psk[1] established between 10.99.0.1[a]...10.99.0.2[b]");
	CHECK(log_store_progress(s, "psk", &p));
	CHECK(p.established);
	CHECK_INT(p.sent, IKE_EXCH_NONE);

	/* the scrapes' memory of since when */
	CHECK(log_store_negotiating(s, "psk", true, 100) == 100);
	CHECK(log_store_negotiating(s, "psk", true, 200) == 100);
	CHECK(log_store_negotiating(s, "psk", false, 300) == 0);
	CHECK(log_store_negotiating(s, "psk", true, 400) == 400);
	log_store_free(s);
}

/* A CHILD SA created over an established IKE SA: CREATE_CHILD_SA in
 * flight since its request, the retransmits that follow it on that SA (not
 * another SA's, not after the next request), and the snapshot's view of
 * it: a child negotiation, not an IKE one. */
static void test_child_progress(void)
{
	struct log_store *s = log_store_new(100);
	struct log_store_progress p;
	struct ike_sa sa = { .conn = "tun1", .uniqueid = 7, .state = IKE_ESTABLISHED,
			     .tasks_active = "CHILD_CREATE" };
	struct model m = { .have_sas = true, .ike_sas = &sa, .nike = 1 };
	const struct negotiation_view *v;

	add(s, 10, "15[IKE] <tun1|7> IKE_SA tun1[7] established between 10.99.0.1[a]...10.99.0.2[b]");
	add(s, 20, "10[ENC] <tun1|7> generating CREATE_CHILD_SA request 2 [ SA No TSi TSr ]");
	add(s, 22, "15[IKE] <tun1|7> retransmit 1 of request with message ID 2");
	add(s, 23, "15[IKE] <tun1|5> retransmit 4 of request with message ID 9");
	add(s, 25, "15[IKE] <tun1|7> retransmit 2 of request with message ID 2");
	CHECK(log_store_progress(s, "tun1", &p));
	CHECK(p.child_pending);
	CHECK_INT(p.child_sa_id, 7);
	CHECK(p.child_started == 20);
	CHECK_INT(p.child_retransmits, 2);
	CHECK(negotiation_creates_child("IKE_DPD,CHILD_CREATE"));
	CHECK(!negotiation_creates_child("CHILD_REKEY"));

	add(s, 26, "09[IKE] <tun1|7> received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built");
	log_progress_fill(s, &m, 30);
	CHECK_INT(m.negotiation.n, 1);
	v = negotiation_find(&m.negotiation, "tun1");
	CHECK(v && v->child && v->sa_id == 7 && v->exchange == IKE_EXCH_CREATE_CHILD_SA);
	CHECK(v && v->since == 20 && v->retransmits == 2);
	CHECK(v && v->last_error_at == 26 && strstr(v->last_error, "NO_PROPOSAL_CHOSEN"));
	arena_release(&m.arena);

	/* the next request on that SA: the CHILD's retransmits end there */
	add(s, 40, "10[ENC] <tun1|7> generating INFORMATIONAL request 3 [ ]");
	add(s, 41, "15[IKE] <tun1|7> retransmit 1 of request with message ID 3");
	CHECK(log_store_progress(s, "tun1", &p));
	CHECK(!p.child_pending);
	CHECK_INT(p.child_retransmits, 2);
	/* a rekey (CHILD_REKEY) is not a negotiation of the conn */
	memset(&m, 0, sizeof(m));
	m = (struct model){ .have_sas = true, .ike_sas = &sa, .nike = 1 };
	sa.tasks_active = "CHILD_REKEY";
	log_progress_fill(s, &m, 50);
	CHECK_INT(m.negotiation.n, 0);
	arena_release(&m.arena);
	log_store_free(s);
}

static void test_exchange_of_tasks(void)
{
	bool queued;

	CHECK_INT(negotiation_exchange("IKE_VENDOR,IKE_INIT,IKE_NATD,IKE_AUTH", "", &queued),
		  IKE_EXCH_IKE_SA_INIT);
	CHECK(!queued);
	CHECK_INT(negotiation_exchange("IKE_CERT_PRE,IKE_AUTH,CHILD_CREATE", NULL, &queued),
		  IKE_EXCH_IKE_AUTH);
	CHECK_INT(negotiation_exchange("CHILD_REKEY", "", &queued), IKE_EXCH_CREATE_CHILD_SA);
	CHECK_INT(negotiation_exchange("IKE_DPD", "", &queued), IKE_EXCH_INFORMATIONAL);
	CHECK_INT(negotiation_exchange("", "IKE_INIT,IKE_AUTH", &queued), IKE_EXCH_IKE_SA_INIT);
	CHECK(queued);
	CHECK_INT(negotiation_exchange("IKE_INITX", "", &queued), IKE_EXCH_NONE);
	CHECK_INT(negotiation_exchange(NULL, NULL, &queued), IKE_EXCH_NONE);
}

static void test_query_parse(void)
{
	struct log_store_query q;
	char why[160];

	CHECK_INT(status_log_query_parse(NULL, NULL, NULL, &q, why, sizeof(why)), 0);
	CHECK_INT(q.limit, STATUS_LOG_LIMIT_DEFAULT);
	CHECK(!q.conn);
	CHECK_INT(status_log_query_parse("site-*", "5", "failure,rekey", &q, why, sizeof(why)), 0);
	CHECK_STR(q.conn, "site-*");
	CHECK_INT(q.limit, 5);
	CHECK(status_log_query_parse(NULL, "0", NULL, &q, why, sizeof(why)) < 0);
	CHECK(strstr(why, "limit"));
	CHECK(status_log_query_parse(NULL, "1001", NULL, &q, why, sizeof(why)) < 0);
	CHECK(status_log_query_parse(NULL, "12x", NULL, &q, why, sizeof(why)) < 0);
	CHECK(status_log_query_parse(NULL, NULL, "bogus", &q, why, sizeof(why)) < 0);
	CHECK(strstr(why, "kind"));
}

static void test_redact(void)
{
	struct redact_config rc;
	struct strbuf sb = STRBUF_INIT;
	const char *line = "IKE_SA r[3] established between 10.99.0.1[moon]...10.99.0.2[sun] "
			   "at 10:50:57 via fe80::1 'carol@example.net' from 10.99.0.1[500]";

	redact_config_init(&rc);
	log_redact_line(&rc, line, &sb);
	CHECK_STR(strbuf_str(&sb), line);
	rc.mode = REDACT_HASH;
	strbuf_reset(&sb);
	log_redact_line(&rc, line, &sb);
	CHECK(!strstr(strbuf_str(&sb), "10.99.0.2"));
	CHECK(!strstr(strbuf_str(&sb), "sun"));
	CHECK(!strstr(strbuf_str(&sb), "moon"));
	CHECK(!strstr(strbuf_str(&sb), "fe80"));
	CHECK(!strstr(strbuf_str(&sb), "carol"));
	CHECK(strstr(strbuf_str(&sb), "at 10:50:57 "));   /* a time is no address */
	CHECK(strstr(strbuf_str(&sb), "[500]"));          /* nor is a port */
	CHECK(strstr(strbuf_str(&sb), "IKE_SA r[3] established between peer-"));
	strbuf_release(&sb);
	redact_config_release(&rc);
}

/* The collector feeds the store every line, named or not. */
static void test_collect_feeds(void)
{
	struct log_store *s = log_store_new(100);
	struct log_collect_opts o = { NULL, NULL, true, NULL, NULL, s, false };
	struct log_collect *c = log_collect_new(&o);
	struct log_store_line out[4];
	struct log_store_query q = { NULL, 0, 4 };
	const char *l1 = "2026-11-23 11:22:07 09[IKE] <psk|1> received AUTHENTICATION_FAILED notify error";

	log_collect_line(c, l1, strlen(l1), 5);
	log_collect_vici(c, "retransmit 3 of request with message ID 0", 41, "far", 7, 6);
	CHECK_INT(log_store_query(s, &q, out), 2);
	CHECK_STR(out[0].conn, "far");
	CHECK_INT(out[0].sa_id, 7);
	CHECK_INT(out[0].kind, LOG_LINE_NEGOTIATION);
	CHECK_STR(out[1].text, "received AUTHENTICATION_FAILED notify error");
	log_collect_free(c);
	log_store_free(s);
}

/* A one-shot run reads the end of a log file: whole lines, charon's times. */
static void test_tail(void)
{
	char path[] = "/tmp/ikw-test-tail-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "2026-11-23 11:22:07 13[IKE] <psk|1> initiating IKE_SA psk[1] to 10.99.0.2\n"
			   "2026-11-23 11:22:08 09[IKE] <psk|1> received AUTHENTICATION_FAILED notify error\n"
			   "no time here <psk|1> at all\n"
			   "a cut last line without newline";
	struct log_store *s = log_store_new(100);
	struct log_collect_opts o = { NULL, NULL, false, NULL, NULL, s, false };
	struct log_collect *c = log_collect_new(&o);
	struct log_store_line out[8];
	struct log_store_query q = { NULL, 0, 8 };
	struct ikw_err err = { "" };

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	CHECK_INT(log_tail_read(path, LOG_TAIL_MAX, c, &err), 0);
	CHECK_INT(log_store_query(s, &q, out), 3);
	CHECK_STR(out[1].text, "received AUTHENTICATION_FAILED notify error");
	CHECK(out[1].ts - out[2].ts == 1);
	CHECK(log_tail_time("2026-11-23 11:22:08 x", 21, 5) > 1700000000);
	CHECK(log_tail_time("Nov 23 11:22:08 x", 17, 5) == 5);
	/* from the middle: the first, cut line is skipped */
	s = (log_store_free(s), log_store_new(100));
	log_collect_free(c);
	o.lines = s;
	c = log_collect_new(&o);
	CHECK_INT(log_tail_read(path, strlen(text) - 10, c, &err), 0);
	CHECK_INT(log_store_query(s, &q, out), 2);
	CHECK_INT(log_tail_read("/nonexistent/ikw", LOG_TAIL_MAX, c, &err), 0);
	unlink(path);
	log_collect_free(c);
	log_store_free(s);
}

int main(void)
{
	RUN(test_bounds_and_eviction);
	RUN(test_clamped);
	RUN(test_per_conn_index);
	RUN(test_kinds);
	RUN(test_progress);
	RUN(test_child_progress);
	RUN(test_exchange_of_tasks);
	RUN(test_query_parse);
	RUN(test_redact);
	RUN(test_collect_feeds);
	RUN(test_tail);
	return testlib_done();
}
