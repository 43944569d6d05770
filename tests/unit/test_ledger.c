/* The traffic ledger keeps per-child totals monotonic across rekeys, charon
 * restarts and incomplete listings. */
#include <string.h>

#include "model/ledger.h"
#include "testlib.h"

struct fake {
	struct model *m;
	struct ike_sa *ike;
};

static void fake_begin(struct fake *f)
{
	f->m = model_new();
	f->ike = model_add_ike_sa(f->m);
	f->ike->conn = "site-a";
	f->ike->children = arena_alloc(&f->m->arena, 4 * sizeof(struct child_sa));
}

static void fake_child(struct fake *f, uint32_t id, const char *spi_in,
		       uint64_t bytes_in, uint64_t bytes_out)
{
	struct child_sa *c = &f->ike->children[f->ike->nchildren++];

	c->name = "net";
	c->uniqueid = id;
	c->spi_in = spi_in;
	c->spi_out = "c0ffee01";
	c->bytes_in = bytes_in;
	c->bytes_out = bytes_out;
	c->packets_in = bytes_in / 100;
	c->packets_out = bytes_out / 100;
}

static struct traffic_totals fake_end(struct fake *f, struct ledger *l,
				      bool complete)
{
	CHECK_INT(ledger_update(l, f->m, complete), 0);
	model_unref(f->m);
	return ledger_totals(l, "site-a", "net");
}

static void test_rekey_stays_monotonic(void)
{
	struct ledger l = LEDGER_INIT;
	struct traffic_totals t;
	struct fake f;

	fake_begin(&f);
	fake_child(&f, 1, "aa000001", 1000, 2000);
	t = fake_end(&f, &l, true);
	CHECK_U64(t.bytes_in, 1000);
	CHECK_U64(t.bytes_out, 2000);

	/* rekey overlap: old SA grew, new SA starts at zero */
	fake_begin(&f);
	fake_child(&f, 1, "aa000001", 1500, 2500);
	fake_child(&f, 2, "bb000002", 100, 0);
	t = fake_end(&f, &l, true);
	CHECK_U64(t.bytes_in, 1600);
	CHECK_U64(t.bytes_out, 2500);

	/* old SA deleted: its last counters are folded in, nothing is lost */
	fake_begin(&f);
	fake_child(&f, 2, "bb000002", 300, 50);
	t = fake_end(&f, &l, true);
	CHECK_U64(t.bytes_in, 1800);
	CHECK_U64(t.bytes_out, 2550);
	CHECK_U64(t.packets_in, 15 + 3);
	ledger_release(&l);
}

static void test_incomplete_listing_does_not_fold(void)
{
	struct ledger l = LEDGER_INIT;
	struct traffic_totals t;
	struct fake f;

	fake_begin(&f);
	fake_child(&f, 1, "aa000001", 1000, 0);
	fake_end(&f, &l, true);
	/* SA skipped (busy) in an incomplete listing, then seen again */
	fake_begin(&f);
	t = fake_end(&f, &l, false);
	CHECK_U64(t.bytes_in, 1000);
	fake_begin(&f);
	fake_child(&f, 1, "aa000001", 1200, 0);
	t = fake_end(&f, &l, true);
	CHECK_U64(t.bytes_in, 1200);  /* not 2200: it was never folded */
	ledger_release(&l);
}

static void test_restart_reuses_ids(void)
{
	struct ledger l = LEDGER_INIT;
	struct traffic_totals t;
	struct fake f;

	fake_begin(&f);
	fake_child(&f, 1, "aa000001", 5000, 0);
	fake_end(&f, &l, true);
	/* charon restarted: unique id 1 again, new SPI, counters from zero */
	fake_begin(&f);
	fake_child(&f, 1, "cc000003", 10, 0);
	t = fake_end(&f, &l, true);
	CHECK_U64(t.bytes_in, 5010);
	ledger_release(&l);
}

static void test_counter_glitch_never_decreases(void)
{
	struct ledger l = LEDGER_INIT;
	struct traffic_totals t;
	struct fake f;

	fake_begin(&f);
	fake_child(&f, 1, "aa000001", 5000, 0);
	fake_end(&f, &l, true);
	fake_begin(&f);
	fake_child(&f, 1, "aa000001", 4000, 0);
	t = fake_end(&f, &l, true);
	CHECK_U64(t.bytes_in, 5000);
	ledger_release(&l);
}

static bool keep_none(void *ctx, const char *conn, const char *child)
{
	(void)ctx, (void)conn, (void)child;
	return false;
}

static void test_prune_unconfigured(void)
{
	struct ledger l = LEDGER_INIT;
	struct traffic_totals t;
	struct fake f;

	fake_begin(&f);
	fake_child(&f, 1, "aa000001", 5000, 0);
	fake_end(&f, &l, true);
	ledger_prune(&l, keep_none, NULL);   /* has a live SA: kept */
	CHECK_U64(ledger_totals(&l, "site-a", "net").bytes_in, 5000);
	fake_begin(&f);
	t = fake_end(&f, &l, true);
	CHECK_U64(t.bytes_in, 5000);
	ledger_prune(&l, keep_none, NULL);   /* no SA, not configured: gone */
	CHECK_U64(ledger_totals(&l, "site-a", "net").bytes_in, 0);
	ledger_release(&l);
}

int main(void)
{
	RUN(test_rekey_stays_monotonic);
	RUN(test_incomplete_listing_does_not_fold);
	RUN(test_restart_reuses_ids);
	RUN(test_counter_glitch_never_decreases);
	RUN(test_prune_unconfigured);
	return testlib_done();
}
