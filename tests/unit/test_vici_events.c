/* Event translation on events captured from a real charon 5.9.8
 * (tests/tools/vici_capture.py --events), and the event store's bounds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/vici_events_parse.h"
#include "model/ledger.h"
#include "testlib.h"

static int load(const char *name, struct vici_msg *msg)
{
	char rel[256];
	size_t len;

	snprintf(rel, sizeof(rel), "vici/%s", name);
	msg->owned = testlib_read_fixture(rel, &len);
	return vici_msg_decode(msg->owned, len, msg, NULL);
}

static void apply(struct event_store *s, const char *event, const char *file,
		  double now)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };

	CHECK_INT(load(file, &msg), 0);
	CHECK_INT(vici_event_apply(s, event, &msg, now, NULL, NULL, &err), 0);
	vici_msg_release(&msg);
}

static const struct event_counts *find(const struct event_view *v,
				       const char *conn, const char *child)
{
	size_t i;

	for (i = 0; i < v->nevents; i++)
		if (!strcmp(v->events[i].conn, conn) && !strcmp(v->events[i].child, child))
			return &v->events[i];
	return NULL;
}

static void test_real_events(void)
{
	struct event_store *s = event_store_new(100);
	struct arena a = ARENA_INIT;
	const struct event_counts *e;
	struct event_view v;
	struct sa_final f[4];

	apply(s, "ike-updown", "event-ike-down.bin", 100);
	apply(s, "ike-updown", "event-ike-up.bin", 101);
	apply(s, "child-updown", "event-child-down.bin", 100);
	apply(s, "child-updown", "event-child-up.bin", 101);
	apply(s, "child-rekey", "event-child-rekey.bin", 105);
	CHECK_INT(event_store_view(s, &a, &v), 0);
	e = find(&v, "tun2", "");
	CHECK(e != NULL);
	if (e) {
		CHECK_U64(e->count[EV_IKE_DOWN], 1);
		CHECK_U64(e->count[EV_IKE_UP], 1);
		CHECK(e->last[EV_IKE_UP] == 101);
	}
	e = find(&v, "tun2", "net2");
	CHECK(e != NULL);
	if (e) {
		CHECK_U64(e->count[EV_CHILD_DOWN], 1);
		CHECK_U64(e->count[EV_CHILD_UP], 1);
	}
	e = find(&v, "tun1", "net1");
	CHECK(e != NULL);
	if (e) {
		CHECK_U64(e->count[EV_CHILD_REKEY], 1);
		CHECK(e->last[EV_CHILD_REKEY] == 105);
	}
	/* finals: the down child (net2) and the rekeyed old SA (net1) */
	CHECK_INT(event_store_take_finals(s, f, 4), 2);
	CHECK_STR(f[1].conn, "tun1");
	CHECK_STR(f[1].child, "net1");
	CHECK_INT(f[1].uniqueid, 1);
	CHECK_STR(f[1].spi_in, "2ef39fe1");
	CHECK_U64(f[1].totals.bytes_in, 252);
	CHECK_U64(f[1].totals.packets_out, 3);
	CHECK_INT(event_store_take_finals(s, f, 4), 0);
	arena_release(&a);
	event_store_free(s);
}

static void log_cb(void *ctx, const char *conn, uint32_t sa_id,
		   const char *msg, size_t len)
{
	char *out = ctx;

	snprintf(out, 256, "%s|%u|%.*s", conn ? conn : "(none)", sa_id, (int)len, msg);
}

static void test_log_event(void)
{
	struct event_store *s = event_store_new(10);
	struct vici_msg msg = VICI_MSG_INIT;
	char got[256] = "";

	CHECK_INT(load("event-log.bin", &msg), 0);
	CHECK_INT(vici_event_apply(s, "log", &msg, 1, log_cb, got, NULL), 0);
	CHECK_STR(got, "tun2|2|sending packet: from 192.0.2.1[4500] to 192.0.2.11[4500] (65 bytes)");
	vici_msg_release(&msg);
	event_store_free(s);
}

static void test_final_raises_ledger(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model_new();
	struct ike_sa *ike = model_add_ike_sa(m);
	struct child_sa *c = arena_alloc(&m->arena, sizeof(*c));
	struct sa_final f;

	ike->conn = "tun1";
	ike->children = c;
	ike->nchildren = 1;
	*c = (struct child_sa){ .name = "net1", .uniqueid = 1, .spi_in = "a",
				.spi_out = "b", .bytes_in = 100 };
	CHECK_INT(ledger_update(&l, m, true), 0);
	memset(&f, 0, sizeof(f));
	strcpy(f.conn, "tun1");
	strcpy(f.child, "net1");
	f.uniqueid = 1;
	strcpy(f.spi_in, "a");
	strcpy(f.spi_out, "b");
	f.totals.bytes_in = 180;       /* traffic after the last scrape */
	ledger_apply_final(&l, &f);
	CHECK_U64(ledger_totals(&l, "tun1", "net1").bytes_in, 180);
	strcpy(f.spi_in, "zz");        /* an SA the ledger never saw: ignored */
	f.totals.bytes_in = 5000;
	ledger_apply_final(&l, &f);
	CHECK_U64(ledger_totals(&l, "tun1", "net1").bytes_in, 180);
	ledger_release(&l);
	model_unref(m);
}

static void test_store_cap(void)
{
	struct event_store *s = event_store_new(3);
	struct arena a = ARENA_INIT;
	struct event_view v;
	char name[32];
	int i;

	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		event_store_count(s, EV_IKE_UP, name, NULL, 1);
	}
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_LOG, "c0", 1);
	CHECK_INT(event_store_view(s, &a, &v), 0);
	CHECK_INT(v.nevents, 4);       /* c0, c1, c2, and "other" for the rest */
	CHECK_U64(v.dropped, 8);       /* 7 events + the failure row of c0 */
	CHECK_STR(v.events[3].conn, "other");
	CHECK_U64(v.events[3].count[EV_IKE_UP], 7);
	arena_release(&a);
	event_store_free(s);
}

static void test_malformed_event(void)
{
	struct event_store *s = event_store_new(10);
	struct vici_builder b;
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	size_t len;

	vici_builder_init(&b);
	vici_add_kv_str(&b, "up", "yes");
	CHECK_INT(vici_builder_finish(&b, NULL), 0);
	msg.owned = (uint8_t *)strbuf_detach(&b.sb, &len);
	CHECK_INT(vici_msg_decode(msg.owned, len, &msg, NULL), 0);
	CHECK_INT(vici_event_apply(s, "ike-updown", &msg, 1, NULL, NULL, &err), -EBADMSG);
	CHECK_STR(err.msg, "ike-updown event without an IKE SA section");
	vici_msg_release(&msg);
	vici_builder_release(&b);
	event_store_free(s);
}

int main(void)
{
	RUN(test_real_events);
	RUN(test_log_event);
	RUN(test_final_raises_ledger);
	RUN(test_store_cap);
	RUN(test_malformed_event);
	return testlib_done();
}
