/* The event log: the JSON line (escaping of hostile names, control bytes,
 * UTF-8, redaction, bounded fields, the journal's fields), the queue and the
 * pace, the writer end to end on a temporary file (order, reopen after a
 * move, drops counted), the file's mode, and which events the store hands
 * to the sink (the alerts' dedup: only what is counted). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/vici_events_parse.h"
#include "common/json_in.h"
#include "common/safe_file.h"
#include "config/config.h"
#include "eventlog/eventlog.h"
#include "eventlog/eventlog_line.h"
#include "eventlog/eventlog_queue.h"
#include "model/model.h"
#include "model/overdue.h"
#include "testlib.h"

/* ---- a JSON object read back: string members, other values' raw text --- */

#define MEMBERS_MAX 40

struct readback {
	size_t n;
	char key[MEMBERS_MAX][64];
	char val[MEMBERS_MAX][2048];
	bool is_str[MEMBERS_MAX];
};

static int rb_member(struct json_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct readback *rb = ctx;
	const unsigned char *start;
	size_t i = rb->n;
	int rc;

	if (i >= MEMBERS_MAX)
		return json_reader_fail(r, "too many members");
	snprintf(rb->key[i], sizeof(rb->key[i]), "%s", key);
	json_reader_ws(r);
	if (json_reader_peek(r, '"')) {
		rc = json_reader_string(r, rb->val[i], sizeof(rb->val[i]));
		rb->is_str[i] = true;
	} else {
		start = r->p;
		rc = json_reader_skip(r, depth);
		snprintf(rb->val[i], sizeof(rb->val[i]), "%.*s", (int)(r->p - start), start);
	}
	rb->n++;
	return rc;
}

/* Parses one line (without its '\n') as a JSON object; 0 or -EBADMSG. */
static int rb_parse(struct readback *rb, const char *line, size_t len)
{
	struct json_reader r;
	struct ikw_err err = { "" };
	int rc;

	memset(rb, 0, sizeof(*rb));
	json_reader_init(&r, line, len, "line", &err);
	r.depth_max = 2;
	r.members_max = MEMBERS_MAX;
	r.string_max = 2047;
	json_reader_ws(&r);
	rc = json_reader_container(&r, true, 0, rb_member, rb);
	if (!rc)
		rc = json_reader_end(&r);
	if (rc)
		fprintf(stderr, "# %s\n", err.msg);
	return rc;
}

static const char *rb_get(const struct readback *rb, const char *key)
{
	size_t i;

	for (i = 0; i < rb->n; i++)
		if (!strcmp(rb->key[i], key))
			return rb->val[i];
	return NULL;
}

/* The line of r, checked to be exactly one line of one JSON object. */
static void line_of(const struct event_record *r, const struct redact_config *rc,
		    struct readback *rb, struct strbuf *journal)
{
	struct strbuf sb = STRBUF_INIT;

	eventlog_line(r, rc, &sb, journal);
	CHECK(!strbuf_failed(&sb));
	CHECK(sb.len > 0 && sb.buf[sb.len - 1] == '\n');
	CHECK(memchr(sb.buf, '\n', sb.len) == sb.buf + sb.len - 1);
	CHECK(strlen(sb.buf) == sb.len);
	CHECK_INT(rb_parse(rb, sb.buf, sb.len - 1), 0);
	strbuf_release(&sb);
}

static void test_line_fields(void)
{
	struct event_record r = {
		.kind = ER_CHILD_REKEY, .when = { 1796500000, 123456789 },
		.conn = "tun1", .child = "net1", .ike_id = 7, .child_id = 12,
		.old_child_id = 9, .spi_in = "c1a2b3c4", .spi_out = "0badf00d",
		.old_spi_in = "11111111", .local_addr = "192.0.2.1", .local_id = "",
		.remote_addr = "192.0.2.11", .remote_id = "peer.example",
	};
	struct readback rb;

	line_of(&r, NULL, &rb, NULL);
	CHECK_STR(rb.key[0], "time");
	CHECK_STR(rb_get(&rb, "time"), "2026-12-05T19:46:40.123456Z");
	CHECK_STR(rb_get(&rb, "ts"), "1796500000.123456");
	CHECK_STR(rb_get(&rb, "event"), "child_rekey");
	CHECK_STR(rb_get(&rb, "conn"), "tun1");
	CHECK_STR(rb_get(&rb, "child"), "net1");
	CHECK_STR(rb_get(&rb, "ike_id"), "7");
	CHECK_STR(rb_get(&rb, "child_id"), "12");
	CHECK_STR(rb_get(&rb, "old_child_id"), "9");
	CHECK_STR(rb_get(&rb, "spi_in"), "c1a2b3c4");
	CHECK_STR(rb_get(&rb, "old_spi_in"), "11111111");
	CHECK_STR(rb_get(&rb, "remote_addr"), "192.0.2.11");
	CHECK_STR(rb_get(&rb, "remote_id"), "peer.example");
	/* unknown is absent, not empty */
	CHECK(rb_get(&rb, "old_spi_out") == NULL);
	CHECK(rb_get(&rb, "local_id") == NULL);
	CHECK(rb_get(&rb, "reason") == NULL);
	CHECK(rb_get(&rb, "old_ike_id") == NULL);
	CHECK(rb_get(&rb, "dry_run") == NULL);
}

static void test_line_hostile(void)
{
	/* quotes, backslash, newline, CR, tab, ESC, DEL, invalid UTF-8 (a
	 * lone continuation byte, an overlong '/', a surrogate), valid UTF-8
	 * (é, €, 😀) and a JSON-looking injection */
	static const char conn[] = "a\"b\\c\nd\re\tf\x1b[31mg\x7fh\x80i\xc0\xafj\xed\xa0\x80k"
				   "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"event\":\"ike_up";
	struct event_record r = { .kind = ER_FAILURE, .when = { 1, 0 }, .conn = conn,
				  .reason = "auth_failed", .source = "log" };
	struct readback rb;
	const char *got;

	line_of(&r, NULL, &rb, NULL);
	got = rb_get(&rb, "conn");
	CHECK(got != NULL);
	if (!got)
		return;
	/* control bytes and invalid sequences are '?', valid UTF-8 stays */
	CHECK(!strpbrk(got, "\n\r\t\x1b\x7f"));
	CHECK(strstr(got, "a\"b\\c?d?e?f?[31mg?h?i") == got);
	CHECK(strstr(got, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") != NULL);
	CHECK_STR(rb_get(&rb, "event"), "failure");   /* not the injected one */
	CHECK_STR(rb_get(&rb, "reason"), "auth_failed");
}

static void test_line_bounded(void)
{
	char *big = malloc(100000);
	struct event_record r = { .kind = ER_IKE_UP, .when = { 1, 0 } };
	struct readback rb;
	const char *got;

	if (!big)
		return;
	memset(big, '"', 99999);   /* each escapes to two bytes */
	big[99999] = '\0';
	r.conn = big;
	r.remote_id = big;
	line_of(&r, NULL, &rb, NULL);
	got = rb_get(&rb, "conn");
	CHECK(got && strlen(got) == EVENTLOG_FIELD_MAX);
	got = rb_get(&rb, "remote_id");
	CHECK(got && strlen(got) == EVENTLOG_FIELD_MAX);
	free(big);
}

static void test_line_redaction(void)
{
	struct redact_config rc;
	struct event_record r = {
		.kind = ER_IKE_UP, .when = { 1, 0 }, .conn = "tun1",
		.local_addr = "192.0.2.1", .local_id = "hub",
		.remote_addr = "192.0.2.11", .remote_id = "spoke-1",
	};
	char want_addr[64], want_id[64];
	struct readback rb;

	redact_config_init(&rc);
	rc.mode = REDACT_HASH;
	rc.salt = strdup("s3cret");
	redact_value(&rc, "192.0.2.11", want_addr, sizeof(want_addr));
	redact_value(&rc, "spoke-1", want_id, sizeof(want_id));
	CHECK(strncmp(want_addr, "peer-", 5) == 0);
	line_of(&r, &rc, &rb, NULL);
	CHECK_STR(rb_get(&rb, "remote_addr"), want_addr);
	CHECK_STR(rb_get(&rb, "remote_id"), want_id);
	CHECK_STR(rb_get(&rb, "local_addr"), "192.0.2.1");   /* as in metrics */
	/* a snapshot's peers are redacted already: not hashed twice */
	r.peers_redacted = true;
	r.remote_addr = want_addr;
	line_of(&r, &rc, &rb, NULL);
	CHECK_STR(rb_get(&rb, "remote_addr"), want_addr);
	redact_config_release(&rc);
}

/* The journal's fields: "KEY=value" strings, NUL-separated. */
static bool journal_has(const struct strbuf *j, const char *field)
{
	size_t off = 0;

	while (off < j->len) {
		if (!strcmp(j->buf + off, field))
			return true;
		off += strlen(j->buf + off) + 1;
	}
	return false;
}

static void test_line_journal(void)
{
	struct event_record r = { .kind = ER_REKEY_FAILED, .when = { 5, 0 }, .conn = "tun\n1",
				  .reason = "rekey_failed", .source = "log" };
	struct strbuf j = STRBUF_INIT;
	struct readback rb;

	line_of(&r, NULL, &rb, &j);
	CHECK(!strbuf_failed(&j));
	CHECK(journal_has(&j, "IKEWATCH_EVENT=rekey_failed"));
	CHECK(journal_has(&j, "IKEWATCH_CONN=tun?1"));
	CHECK(journal_has(&j, "IKEWATCH_REASON=rekey_failed"));
	CHECK(journal_has(&j, "IKEWATCH_SOURCE=log"));
	CHECK(journal_has(&j, "PRIORITY=4"));
	CHECK(journal_has(&j, "SYSLOG_IDENTIFIER=ikewatch"));
	CHECK(journal_has(&j, "MESSAGE=rekey_failed tun?1: rekey_failed"));
	strbuf_release(&j);
}

static void test_line_remediation(void)
{
	struct event_record r = { .kind = ER_REMEDIATION, .when = { 5, 0 }, .conn = "tun1",
				  .decision = "acted", .action = "initiate", .result = "fixed",
				  .source = "self", .dry_run = true };
	struct readback rb;

	line_of(&r, NULL, &rb, NULL);
	CHECK_STR(rb_get(&rb, "decision"), "acted");
	CHECK_STR(rb_get(&rb, "action"), "initiate");
	CHECK_STR(rb_get(&rb, "result"), "fixed");
	CHECK_STR(rb_get(&rb, "dry_run"), "true");
	r.conn = NULL;   /* a payload without a conn: "" */
	line_of(&r, NULL, &rb, NULL);
	CHECK_STR(rb_get(&rb, "conn"), "");
}

/* ---- queue and pace --------------------------------------------------------- */

static struct evq_item item(int i)
{
	struct evq_item it = { NULL, 0, NULL, 0 };
	char buf[16];

	snprintf(buf, sizeof(buf), "%d\n", i);
	it.line = strdup(buf);
	it.len = strlen(buf);
	return it;
}

static void test_queue(void)
{
	struct evq q;
	struct evq_item it;
	int i;

	CHECK_INT(evq_init(&q, 3), 0);
	for (i = 0; i < 3; i++) {
		it = item(i);
		CHECK(evq_push(&q, &it));
	}
	it = item(3);
	CHECK(!evq_push(&q, &it));      /* full: the caller keeps it */
	evq_item_free(&it);
	CHECK(evq_pop(&q, &it));
	CHECK_STR(it.line, "0\n");
	evq_item_free(&it);
	it = item(4);                    /* wraps around */
	CHECK(evq_push(&q, &it));
	for (i = 1; i <= 4; i++) {
		char want[8];

		if (i == 3)
			continue;
		snprintf(want, sizeof(want), "%d\n", i);
		CHECK(evq_pop(&q, &it));
		CHECK_STR(it.line, want);
		evq_item_free(&it);
	}
	CHECK(!evq_pop(&q, &it));
	it = item(5);
	CHECK(evq_push(&q, &it));
	evq_release(&q);                 /* frees what is queued (ASan) */
}

static void test_pace(void)
{
	struct evrate r;
	int i, taken = 0;
	double w;

	evrate_init(&r, 10, 10, 100.0);
	for (i = 0; i < 20; i++)
		taken += evrate_take(&r, 100.0) == 0;
	CHECK_INT(taken, 10);            /* the burst */
	w = evrate_take(&r, 100.0);
	CHECK(w > 0.099 && w < 0.101);   /* one token a tenth of a second */
	CHECK(evrate_take(&r, 100.11) == 0);
	CHECK(evrate_take(&r, 100.11) > 0);
	/* a long pause refills to the burst, not beyond */
	for (i = 0, taken = 0; i < 50; i++)
		taken += evrate_take(&r, 1000.0) == 0;
	CHECK_INT(taken, 10);
	/* a clock that goes back takes nothing extra */
	CHECK(evrate_take(&r, 999.0) > 0);
}

/* ---- the writer ------------------------------------------------------------- */

static char dir[] = "/tmp/ikw-evlog-XXXXXX";

static size_t count_lines(const char *path, char *first, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t n = 0;

	if (first)
		first[0] = '\0';
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!n && first)
			snprintf(first, size, "%s", line);
		n++;
	}
	fclose(f);
	return n;
}

static void emit(struct eventlog *el, int i)
{
	char conn[32];
	struct event_record r = { .kind = ER_IKE_UP, .when = { 1000 + i, 0 }, .conn = conn };

	snprintf(conn, sizeof(conn), "tun%d", i);
	eventlog_sink(el, &r);
}

static void test_writer_order_and_reopen(void)
{
	char path[256], moved[256], line[4096], want[64];
	struct eventlog_opts o = { .rate = 100000, .queue = 1000 };
	struct eventlog *el = NULL;
	struct ikw_err err = { "" };
	struct model *m = model_new();
	FILE *f;
	struct stat st;
	mode_t old = umask(077);
	int i, n;

	snprintf(path, sizeof(path), "%s/events.log", dir);
	snprintf(moved, sizeof(moved), "%s/events.log.1", dir);
	o.file = path;
	CHECK_INT(eventlog_start(&el, &o, &err), 0);
	umask(old);
	if (!el || !m)
		return;
	/* 0640 whatever the umask, so a shipper's group can read it */
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
	for (i = 0; i < 200; i++)
		emit(el, i);
	/* logrotate: move, then SIGHUP */
	while (count_lines(path, NULL, 0) < 200)
		usleep(1000);
	CHECK_INT(rename(path, moved), 0);
	eventlog_reopen(el);
	for (i = 200; i < 250; i++)
		emit(el, i);
	eventlog_contribute(el, m);
	eventlog_stop(el);
	CHECK_INT(count_lines(moved, NULL, 0), 200);
	CHECK_INT(count_lines(path, line, sizeof(line)), 50);
	CHECK(strstr(line, "\"conn\":\"tun200\"") != NULL);
	/* every line in order */
	f = fopen(moved, "r");
	for (n = 0; f && fgets(line, sizeof(line), f); n++) {
		snprintf(want, sizeof(want), "\"conn\":\"tun%d\"", n);
		if (!strstr(line, want)) {
			CHECK(!"lines out of order");
			break;
		}
	}
	if (f)
		fclose(f);
	CHECK(m->eventlog.have);
	CHECK(m->eventlog.output[EVLOG_OUT_FILE]);
	CHECK(!m->eventlog.output[EVLOG_OUT_JOURNAL]);
	model_unref(m);
	unlink(path);
	unlink(moved);
}

static void test_writer_drops(void)
{
	char path[256];
	/* one line a second: everything past the first and the queue's 5 is
	 * dropped at once, never waited for */
	struct eventlog_opts o = { .rate = 1, .queue = 5 };
	struct eventlog *el = NULL;
	struct ikw_err err = { "" };
	struct model *m = model_new();
	uint64_t lost, lines;
	int i;

	snprintf(path, sizeof(path), "%s/drops.log", dir);
	o.file = path;
	CHECK_INT(eventlog_start(&el, &o, &err), 0);
	if (!el || !m)
		return;
	for (i = 0; i < 100; i++)
		emit(el, i);
	eventlog_contribute(el, m);
	lost = m->eventlog.dropped[EVLOG_DROP_QUEUE_FULL];
	lines = m->eventlog.lines[EVLOG_OUT_FILE];
	CHECK(lost >= 90);
	CHECK_U64(lost + lines + m->eventlog.queued, 100);
	eventlog_stop(el);   /* writes what is queued, without the pace */
	CHECK_U64(count_lines(path, NULL, 0), 100 - lost);
	model_unref(m);
	unlink(path);
}

static void test_writer_refuses_symlink(void)
{
	char path[256];
	struct eventlog_opts o = { .rate = 10, .queue = 5 };
	struct eventlog *el = NULL;
	struct ikw_err err = { "" };

	snprintf(path, sizeof(path), "%s/link.log", dir);
	CHECK_INT(symlink("/etc/passwd", path), 0);
	o.file = path;
	CHECK(eventlog_start(&el, &o, &err) < 0);
	CHECK(el == NULL);
	CHECK(strstr(err.msg, "events.log_file: cannot open") != NULL);
	unlink(path);
}

/* ---- what the event store hands to the sink -------------------------------- */

struct capture {
	int n;
	enum event_record_kind kind[16];
	char conn[16][32], reason[16][32], child[16][32], spi_in[16][16];
	uint32_t child_id[16], old_child_id[16];
};

static void capture_sink(void *ctx, const struct event_record *r)
{
	struct capture *c = ctx;

	if (c->n >= 16)
		return;
	CHECK(r->when.tv_sec > 0);   /* the store stamps it */
	c->kind[c->n] = r->kind;
	snprintf(c->conn[c->n], 32, "%s", r->conn ? r->conn : "(null)");
	snprintf(c->child[c->n], 32, "%s", r->child ? r->child : "(null)");
	snprintf(c->reason[c->n], 32, "%s", r->reason ? r->reason : "(null)");
	snprintf(c->spi_in[c->n], 16, "%s", r->spi_in ? r->spi_in : "(null)");
	c->child_id[c->n] = r->child_id;
	c->old_child_id[c->n] = r->old_child_id;
	c->n++;
}

static void test_store_sink_dedup(void)
{
	struct event_store *s = event_store_new(100);
	struct capture c = { 0 };

	event_store_set_sink(s, capture_sink, &c);
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_LOG, "tun1", 1);
	event_store_set_alerts_live(s, true);
	/* counted by the alerts: neither counted again nor logged */
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_LOG, "tun1", 2);
	event_store_failure(s, FAIL_PEER_UNREACHABLE, FAIL_SRC_ERROR_NOTIFY, "tun1", 2);
	/* not a reason alerts report: counted and logged */
	event_store_failure(s, FAIL_REKEY, FAIL_SRC_LOG, "tun2", 3);
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_VICI, "tun3", 3);
	CHECK_INT(c.n, 3);
	CHECK_INT(c.kind[0], ER_FAILURE);
	CHECK_STR(c.reason[0], "auth_failed");
	CHECK_INT(c.kind[1], ER_REKEY_FAILED);
	CHECK_STR(c.conn[1], "tun2");
	CHECK_INT(c.kind[2], ER_FAILURE);
	CHECK_STR(c.conn[2], "tun3");
	event_store_free(s);
}

static int load(const char *name, struct vici_msg *msg)
{
	char rel[256];
	size_t len;

	snprintf(rel, sizeof(rel), "vici/%s", name);
	msg->owned = testlib_read_fixture(rel, &len);
	return vici_msg_decode(msg->owned, len, msg, NULL);
}

static void test_store_sink_vici(void)
{
	static const struct { const char *event, *file; } evs[] = {
		{ "ike-updown", "event-ike-up.bin" },
		{ "child-updown", "event-child-up.bin" },
		{ "child-rekey", "event-child-rekey.bin" },
		{ "child-updown", "event-child-down.bin" },
		{ "ike-updown", "event-ike-down.bin" },
	};
	struct event_store *s = event_store_new(100);
	struct capture c = { 0 };
	size_t i;

	event_store_set_sink(s, capture_sink, &c);
	for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		struct vici_msg msg = VICI_MSG_INIT;
		struct ikw_err err = { "" };

		CHECK_INT(load(evs[i].file, &msg), 0);
		CHECK_INT(vici_event_apply(s, evs[i].event, &msg, 1, NULL, NULL, &err), 0);
		vici_msg_release(&msg);
	}
	/* one line per counted event, in order */
	CHECK_INT(c.n, 5);
	CHECK_INT(c.kind[0], ER_IKE_UP);
	CHECK_INT(c.kind[1], ER_CHILD_UP);
	CHECK_INT(c.kind[2], ER_CHILD_REKEY);
	CHECK_STR(c.conn[2], "tun1");
	CHECK_STR(c.child[2], "net1");
	/* the rekey names the new SA and the old one it replaced */
	CHECK(c.child_id[2] != 0 && c.old_child_id[2] == 1);
	CHECK(c.child_id[2] != c.old_child_id[2]);
	CHECK(strcmp(c.spi_in[2], "(null)") && strcmp(c.spi_in[2], "2ef39fe1"));
	CHECK_INT(c.kind[3], ER_CHILD_DOWN);
	CHECK_INT(c.kind[4], ER_IKE_DOWN);
	event_store_free(s);
}

static void test_overdue_once(void)
{
	struct ike_sa ike = { .conn = "tun1", .uniqueid = 4, .rekey_in = -120,
			      .established_for = 5000, .remote_host = "peer-0123456789ab" };
	struct child_sa csa = { .name = "net1", .uniqueid = 8, .rekey_in = TIME_NONE,
				.installed_for = 4000, .spi_in = "c0ffee01" };
	struct child_cfg ccfg = { .name = "net1", .rekey_time = 3600 };
	struct child_view ch = { .name = "net1", .cfg = &ccfg, .newest = &csa };
	struct conn_view v = { .name = "tun1", .newest = &ike, .children = &ch, .nchildren = 1 };
	struct event_store *s = event_store_new(100);
	struct overdue_seen seen = { HMAP_INIT };
	struct capture c = { 0 };
	struct model m;
	int64_t late = 0;

	CHECK(overdue_rekey(60, -61, TIME_NONE, 0, &late) && late == 61);
	CHECK(!overdue_rekey(60, -60, TIME_NONE, 0, NULL));
	CHECK(overdue_rekey(60, TIME_NONE, 3661, 3600, &late) && late == 61);
	CHECK(!overdue_rekey(60, TIME_NONE, 3660, 3600, NULL));
	memset(&m, 0, sizeof(m));
	m.views = &v;
	m.nviews = 1;
	m.rekey_overdue_margin = 60;
	event_store_set_sink(s, capture_sink, &c);
	overdue_scan(&seen, &m, s);
	CHECK_INT(c.n, 2);            /* the IKE SA and the CHILD SA */
	CHECK_INT(c.kind[0], ER_REKEY_OVERDUE);
	CHECK_STR(c.child[0], "(null)");
	CHECK_STR(c.child[1], "net1");
	CHECK_STR(c.spi_in[1], "c0ffee01");
	overdue_scan(&seen, &m, s);
	CHECK_INT(c.n, 2);            /* still overdue: not again */
	csa.uniqueid = 9;             /* rekeyed in time */
	csa.installed_for = 10;
	overdue_scan(&seen, &m, s);
	CHECK_INT(c.n, 2);
	csa.installed_for = 4000;     /* the new SA overdue in its turn */
	overdue_scan(&seen, &m, s);
	CHECK_INT(c.n, 3);
	CHECK_INT(c.child_id[2], 9);
	overdue_seen_release(&seen);
	event_store_free(s);
}

static void test_config(void)
{
	static const char ok[] = "events:\n  log_file: /var/log/ikewatch/events.log\n"
				 "  journal: true\n  log_rate: 20\n  log_queue: 500\n";
	static const char bad[] = "events:\n  log_file: /x\n  log_rate: fast\n";
	struct config c;
	struct ikw_err err = { "" };

	config_init(&c);
	CHECK_INT(c.events_log_rate, EVENTLOG_RATE_DEFAULT);
	CHECK_INT(c.events_log_queue, EVENTLOG_QUEUE_DEFAULT);
	CHECK(!c.events_journal && !c.events_log_file);
	CHECK_INT(config_parse_yaml(&c, "e.yml", ok, strlen(ok), &err), 0);
	CHECK_STR(c.events_log_file, "/var/log/ikewatch/events.log");
	CHECK(c.events_journal);
	CHECK_INT(c.events_log_rate, 20);
	CHECK_INT(c.events_log_queue, 500);
	config_release(&c);
	config_init(&c);
	CHECK(config_parse_yaml(&c, "e.yml", bad, strlen(bad), &err) < 0);
	CHECK(strstr(err.msg, "e.yml:3") && strstr(err.msg, "events.log_rate"));
	config_release(&c);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_line_fields);
	RUN(test_line_hostile);
	RUN(test_line_bounded);
	RUN(test_line_redaction);
	RUN(test_line_journal);
	RUN(test_line_remediation);
	RUN(test_queue);
	RUN(test_pace);
	RUN(test_writer_order_and_reopen);
	RUN(test_writer_drops);
	RUN(test_writer_refuses_symlink);
	RUN(test_store_sink_dedup);
	RUN(test_store_sink_vici);
	RUN(test_overdue_once);
	RUN(test_config);
	rmdir(dir);
	return testlib_done();
}
