/* pluto's log through the log collector (daemon pluto): up/down/rekey
 * counts per conn as charon's events count them (a rekey is a rekey, not
 * also a down), failures by reason under their conn, the final traffic of
 * a deleted CHILD SA handed to the ledger with the SPIs of its
 * "established" line, and the ledger keeping bytes monotonic without
 * counting any twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "logs/log_collect.h"
#include "model/events.h"
#include "model/ledger.h"
#include "testlib.h"

#define T "Dec  6 08:44:03.251332: "

static uint64_t count(struct event_store *s, const char *conn, const char *child,
		      enum event_kind k)
{
	struct arena a = ARENA_INIT;
	struct event_view v;
	uint64_t n = 0;
	size_t i;

	if (!event_store_view(s, &a, &v))
		for (i = 0; i < v.nevents; i++)
			if (!strcmp(v.events[i].conn, conn) && !strcmp(v.events[i].child, child))
				n = v.events[i].count[k];
	arena_release(&a);
	return n;
}

static uint64_t failures(struct event_store *s, const char *conn, enum fail_reason r)
{
	struct arena a = ARENA_INIT;
	struct event_view v;
	uint64_t n = 0;
	size_t i;

	if (!event_store_view(s, &a, &v))
		for (i = 0; i < v.nfailures; i++)
			if (!strcmp(v.failures[i].conn, conn))
				n = v.failures[i].count[r];
	arena_release(&a);
	return n;
}

static bool known(void *ctx, const char *conn)
{
	(void)ctx;
	return !strcmp(conn, "beta") || !strcmp(conn, "delta") || !strcmp(conn, "eta");
}

static void feed(struct log_collect *c, const char *line)
{
	log_collect_line(c, line, strlen(line), 1000.0);
}

static struct log_collect *pluto_collector(struct event_store *s)
{
	struct log_collect_opts o = { s, NULL, true, known, NULL, NULL, true };

	return log_collect_new(&o);
}

static void test_lifecycle(void)
{
	struct event_store *s = event_store_new(100);
	struct log_collect *c = pluto_collector(s);
	struct sa_final f[4];

	feed(c, T "\"beta\" #1: initiator established IKE SA; authenticated peer using authby=secret and ID_IPV4_ADDR '192.0.2.2'");
	feed(c, T "\"beta\" #3: initiator established Child SA using #1; IPsec tunnel [198.18.2.0-198.18.2.255:0-65535 0] -> [198.19.2.0-198.19.2.255:0-65535 0] {ESP=>0x836cf02e <0x3eaf6940 xfrm=AES_CBC_256-HMAC_SHA2_256_128-MODP2048 DPD=passive}");
	feed(c, T "\"beta\" #4: initiator rekeyed Child SA #3 using #1; IPsec tunnel [198.18.2.0-198.18.2.255:0-65535 0] -> [198.19.2.0-198.19.2.255:0-65535 0] {ESP=>0x90b7c0d7 <0x42bb2359 xfrm=AES_CBC_256-HMAC_SHA2_256_128-MODP2048 DPD=passive}");
	feed(c, T "\"beta\" #3: deleting established Child SA using IKE SA #1");
	feed(c, T "\"beta\" #3: ESP traffic information: in=420B out=2KB");
	CHECK_U64(count(s, "beta", "", EV_IKE_UP), 1);
	CHECK_U64(count(s, "beta", "beta", EV_CHILD_UP), 1);
	CHECK_U64(count(s, "beta", "beta", EV_CHILD_REKEY), 1);
	CHECK_U64(count(s, "beta", "beta", EV_CHILD_DOWN), 0);   /* the rekey's old SA */
	CHECK_INT(event_store_take_finals(s, f, 4), 1);
	CHECK_STR(f[0].conn, "beta");
	CHECK_STR(f[0].child, "beta");
	CHECK_INT(f[0].uniqueid, 3);
	CHECK_STR(f[0].spi_in, "3eaf6940");
	CHECK_STR(f[0].spi_out, "836cf02e");
	CHECK_U64(f[0].totals.bytes_in, 420);
	CHECK_U64(f[0].totals.bytes_out, 2048);
	/* the new SA terminated: a down, its final */
	feed(c, T "\"beta\" #4: ESP traffic information: in=168B out=168B");
	CHECK_U64(count(s, "beta", "beta", EV_CHILD_DOWN), 1);
	CHECK_INT(event_store_take_finals(s, f, 4), 1);
	CHECK_STR(f[0].spi_in, "42bb2359");
	/* IKE SA rekeyed, the old one deleted: one rekey, no down; the new one
	 * deleted: a down */
	feed(c, T "\"beta\" #16: initiator rekeyed IKE SA #1 {cipher=AES_CBC_256 integ=HMAC_SHA2_256_128 prf=HMAC_SHA2_256 group=MODP2048}");
	feed(c, T "\"beta\" #1: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged 20.5s and sending notification");
	CHECK_U64(count(s, "beta", "", EV_IKE_REKEY), 1);
	CHECK_U64(count(s, "beta", "", EV_IKE_DOWN), 0);
	feed(c, T "\"beta\" #16: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged 1.5s and sending notification");
	CHECK_U64(count(s, "beta", "", EV_IKE_DOWN), 1);
	/* an SA that came up before the log was followed: a down, a final
	 * without SPIs (the ledger matches it by serial) */
	feed(c, T "\"beta\" #2: ESP traffic information: in=1KB out=0B");
	CHECK_U64(count(s, "beta", "beta", EV_CHILD_DOWN), 2);
	CHECK_INT(event_store_take_finals(s, f, 4), 1);
	CHECK_STR(f[0].spi_in, "");
	CHECK_INT(f[0].uniqueid, 2);
	log_collect_free(c);
	event_store_free(s);
}

static void test_failures(void)
{
	struct event_store *s = event_store_new(100);
	struct log_collect *c = pluto_collector(s);

	feed(c, T "\"delta\" #5: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED");
	feed(c, T "\"delta\" #6: authentication failed: computed hash does not match hash received from peer ID_FQDN '@a-delta'");
	feed(c, T "\"delta\" #6: responding to IKE_AUTH message (ID 1) from 192.0.2.1:500 with encrypted notification AUTHENTICATION_FAILED");
	feed(c, T "\"eta\" #13: STATE_V2_ESTABLISHED_IKE_SA: 5 second timeout exceeded after 4 retransmits.  No response (or no acceptable response) to our IKEv2 message");
	feed(c, T "\"zeta\" #12: STATE_V2_PARENT_I1: 4 second timeout exceeded after 3 retransmits.  No response (or no acceptable response) to our first IKEv2 message");
	CHECK_U64(failures(s, "delta", FAIL_AUTH), 2);   /* one per side */
	CHECK_U64(failures(s, "eta", FAIL_DPD_TIMEOUT), 1);
	CHECK_U64(failures(s, "other", FAIL_PEER_UNREACHABLE), 1);   /* not configured */
	/* a conn pluto does not have gets no label of its own for events */
	feed(c, T "\"made-up\" #40: initiator established IKE SA; authenticated peer");
	CHECK_U64(count(s, "other", "", EV_IKE_UP), 1);
	log_collect_free(c);
	event_store_free(s);
}

/* charon's classifier sees none of this: a charon collector counts nothing */
static void test_charon_collector_ignores(void)
{
	struct event_store *s = event_store_new(100);
	struct log_collect_opts o = { s, NULL, true, known, NULL, NULL, false };
	struct log_collect *c = log_collect_new(&o);

	feed(c, T "\"beta\" #3: ESP traffic information: in=420B out=2KB");
	feed(c, T "\"delta\" #5: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED");
	CHECK_U64(count(s, "beta", "beta", EV_CHILD_DOWN), 0);
	CHECK_U64(failures(s, "delta", FAIL_AUTH), 0);
	log_collect_free(c);
	event_store_free(s);
}

/* The ledger: a scrape saw SA #3 at 300 bytes; the log's final (420)
 * raises it before the SA is gone from the next listing; the new SA adds
 * its own; a final for an SA the ledger never saw adds nothing. */
static void test_ledger_no_double_count(void)
{
	struct ledger l = LEDGER_INIT;
	struct traffic_totals t300 = { 300, 300, 0, 0 }, t100 = { 100, 100, 0, 0 };
	struct sa_final f;

	ledger_begin(&l);
	CHECK_INT(ledger_observe(&l, "beta", "beta", 3, "3eaf6940", "836cf02e", &t300), 0);
	ledger_end(&l, true);
	memset(&f, 0, sizeof(f));
	snprintf(f.conn, sizeof(f.conn), "beta");
	snprintf(f.child, sizeof(f.child), "beta");
	f.uniqueid = 3;
	snprintf(f.spi_in, sizeof(f.spi_in), "3eaf6940");
	snprintf(f.spi_out, sizeof(f.spi_out), "836cf02e");
	f.totals.bytes_in = f.totals.bytes_out = 420;
	ledger_apply_final(&l, &f);
	ledger_apply_final(&l, &f);   /* twice: still the maximum, not a sum */
	ledger_begin(&l);
	CHECK_INT(ledger_observe(&l, "beta", "beta", 4, "42bb2359", "90b7c0d7", &t100), 0);
	ledger_end(&l, true);
	CHECK_U64(ledger_totals(&l, "beta", "beta").bytes_in, 520);
	/* the final of a KB-rounded line is a lower bound: below what a scrape
	 * saw it changes nothing */
	f.uniqueid = 4;
	snprintf(f.spi_in, sizeof(f.spi_in), "42bb2359");
	snprintf(f.spi_out, sizeof(f.spi_out), "90b7c0d7");
	f.totals.bytes_in = 0;
	ledger_apply_final(&l, &f);
	CHECK_U64(ledger_totals(&l, "beta", "beta").bytes_in, 520);
	/* no SPIs (came up before the log was followed): by serial */
	f.spi_in[0] = f.spi_out[0] = '\0';
	f.totals.bytes_in = 150;
	ledger_apply_final(&l, &f);
	CHECK_U64(ledger_totals(&l, "beta", "beta").bytes_in, 570);   /* 420 + 150 */
	/* never seen by a scrape: ignored (a later listing could show it) */
	f.uniqueid = 9;
	f.totals.bytes_in = 5000;
	ledger_apply_final(&l, &f);
	CHECK_U64(ledger_totals(&l, "beta", "beta").bytes_in, 570);
	ledger_release(&l);
}

int main(void)
{
	RUN(test_lifecycle);
	RUN(test_failures);
	RUN(test_charon_collector_ignores);
	RUN(test_ledger_no_double_count);
	return testlib_done();
}
