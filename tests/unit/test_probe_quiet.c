/* Quiet probes (probe/quiet.h): a run is skipped only when the child's
 * packets rose both ways after the previous run had ended, never on the
 * probe's own packets, and the probe store turns a skip into success by
 * traffic. */
#include <math.h>
#include <string.h>

#include "common/arena.h"
#include "probe/probe_store.h"
#include "probe/quiet.h"
#include "testlib.h"

static void test_own_packets_prove_nothing(void)
{
	struct probe_quiet q = { 0 };

	CHECK(!probe_quiet_proved(&q));          /* never ran, never seen */
	probe_quiet_seen(&q, 10, 10);
	CHECK(!probe_quiet_proved(&q));          /* no base before a run */
	probe_quiet_ran(&q);                     /* the run's 3 pings ... */
	probe_quiet_seen(&q, 13, 13);            /* ... are in the base */
	CHECK(!probe_quiet_proved(&q));
	probe_quiet_seen(&q, 13, 13);            /* no traffic since */
	CHECK(!probe_quiet_proved(&q));
}

static void test_traffic_both_ways(void)
{
	struct probe_quiet q = { 0 };

	probe_quiet_ran(&q);
	probe_quiet_seen(&q, 100, 100);
	probe_quiet_seen(&q, 150, 100);          /* inbound only */
	CHECK(!probe_quiet_proved(&q));
	probe_quiet_seen(&q, 150, 180);          /* both rose */
	CHECK(probe_quiet_proved(&q));
	CHECK(!probe_quiet_proved(&q));          /* the next skip needs a new rise */
	probe_quiet_seen(&q, 160, 190);
	CHECK(probe_quiet_proved(&q));
}

static void test_rekey_lowers_the_base(void)
{
	struct probe_quiet q = { 0 };

	probe_quiet_ran(&q);
	probe_quiet_seen(&q, 1000, 1000);
	probe_quiet_seen(&q, 5, 7);              /* the old SA went away */
	CHECK(!probe_quiet_proved(&q));
	probe_quiet_seen(&q, 9, 12);             /* the new SA carries traffic */
	CHECK(probe_quiet_proved(&q));
}

static void test_store_quiet_result(void)
{
	char conn[] = "c", child[] = "k", quiet[] = "quiet", loud[] = "loud";
	struct probe_spec specs[2] = {
		{ .conn = conn, .child = child, .name = quiet, .type = PROBE_ICMP,
		  .quiet_when_traffic = true },
		{ .conn = conn, .child = child, .name = loud, .type = PROBE_ICMP },
	};
	struct probe_config pc = { specs, 2, 4 };
	struct probe_store *s = probe_store_new(&pc);
	struct probe_result r = { .success = false, .fail = PROBE_FAIL_TIMEOUT,
				  .loss_ratio = 1.0, .finished_at = 10 };
	struct arena a = ARENA_INIT;
	struct probe_snapshot snap;
	size_t i;

	CHECK(s != NULL);
	if (!s)
		return;
	for (i = 0; i < 2; i++) {
		probe_store_record(s, i, &r);
		probe_store_traffic(s, i, 50, 50);
		probe_store_traffic(s, i, 60, 70);
	}
	CHECK(probe_store_quiet(s, 0, 20));
	CHECK(!probe_store_quiet(s, 1, 20));     /* not a quiet probe */
	CHECK(!probe_store_quiet(s, 0, 21));     /* no new traffic */
	CHECK_INT(probe_store_view(s, &a, true, &snap), 0);
	CHECK_INT(snap.n, 2);
	if (snap.n == 2) {
		CHECK(snap.v[0].success && snap.v[0].by_traffic);
		CHECK_INT(snap.v[0].fail, PROBE_FAIL_NONE);
		CHECK(isnan(snap.v[0].loss_ratio));  /* not measured: absent */
		CHECK_U64(snap.v[0].quiet_runs, 1);
		CHECK_U64(snap.v[0].runs, 1);        /* quiet runs are not runs */
		CHECK(!snap.v[1].success && !snap.v[1].by_traffic);
		CHECK_U64(snap.v[1].quiet_runs, 0);
	}
	arena_release(&a);
	/* a real run ends the traffic's result */
	r.success = true;
	r.fail = PROBE_FAIL_NONE;
	r.loss_ratio = 0;
	probe_store_record(s, 0, &r);
	CHECK_INT(probe_store_view(s, &a, true, &snap), 0);
	if (snap.n == 2)
		CHECK(snap.v[0].success && !snap.v[0].by_traffic);
	arena_release(&a);
	probe_store_free(s);
}

int main(void)
{
	RUN(test_own_packets_prove_nothing);
	RUN(test_traffic_both_ways);
	RUN(test_rekey_lowers_the_base);
	RUN(test_store_quiet_result);
	return testlib_done();
}
