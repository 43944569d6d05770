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
	probe_quiet_seen(&q, 10, 10, 11);
	CHECK(!probe_quiet_proved(&q));          /* no base before a run */
	probe_quiet_ran(&q, 10);                     /* the run's 3 pings ... */
	probe_quiet_seen(&q, 13, 13, 11);            /* ... are in the base */
	CHECK(!probe_quiet_proved(&q));
	probe_quiet_seen(&q, 13, 13, 11);            /* no traffic since */
	CHECK(!probe_quiet_proved(&q));
}

/* A collection already under way when the run ended may have read the
 * counters before the run's last packets: it is not the baseline, or those
 * packets would prove the tunnel at the next collection. */
static void test_collection_during_run_is_no_base(void)
{
	struct probe_quiet q = { 0 };

	probe_quiet_ran(&q, 10.5);
	probe_quiet_seen(&q, 12, 12, 10);        /* read at 10.x: before the end */
	probe_quiet_seen(&q, 13, 13, 11);        /* the base: the run's last ping in */
	CHECK(!probe_quiet_proved(&q));
	probe_quiet_seen(&q, 13, 13, 12);
	CHECK(!probe_quiet_proved(&q));
	probe_quiet_seen(&q, 20, 20, 13);        /* real traffic */
	CHECK(probe_quiet_proved(&q));
}

static void test_traffic_both_ways(void)
{
	struct probe_quiet q = { 0 };

	probe_quiet_ran(&q, 10);
	probe_quiet_seen(&q, 100, 100, 11);
	probe_quiet_seen(&q, 150, 100, 11);          /* inbound only */
	CHECK(!probe_quiet_proved(&q));
	probe_quiet_seen(&q, 150, 180, 11);          /* both rose */
	CHECK(probe_quiet_proved(&q));
	CHECK(!probe_quiet_proved(&q));          /* the next skip needs a new rise */
	probe_quiet_seen(&q, 160, 190, 11);
	CHECK(probe_quiet_proved(&q));
}

static void test_rekey_lowers_the_base(void)
{
	struct probe_quiet q = { 0 };

	probe_quiet_ran(&q, 10);
	probe_quiet_seen(&q, 1000, 1000, 11);
	probe_quiet_seen(&q, 5, 7, 11);              /* the old SA went away */
	CHECK(!probe_quiet_proved(&q));
	probe_quiet_seen(&q, 9, 12, 11);             /* the new SA carries traffic */
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
		probe_store_traffic(s, i, 50, 50, 11);
		probe_store_traffic(s, i, 60, 70, 12);
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

/* A quiet run is a success by traffic: it ends a streak of failed runs, so
 * a conn whose probe failed twice and then carried traffic is not one run
 * away from probe_failing. */
static void test_quiet_run_ends_the_failure_streak(void)
{
	char conn[] = "c", child[] = "k", quiet[] = "quiet";
	struct probe_spec spec = { .conn = conn, .child = child, .name = quiet,
				   .type = PROBE_ICMP, .quiet_when_traffic = true,
				   .failing_after = 3 };
	struct probe_config pc = { &spec, 1, 4 };
	struct probe_store *s = probe_store_new(&pc);
	struct probe_result r = { .success = false, .fail = PROBE_FAIL_TIMEOUT,
				  .loss_ratio = 1.0, .finished_at = 10 };
	struct arena a = ARENA_INIT;
	struct probe_snapshot snap;

	CHECK(s != NULL);
	if (!s)
		return;
	probe_store_record(s, 0, &r);
	probe_store_record(s, 0, &r);
	probe_store_traffic(s, 0, 50, 50, 11);
	probe_store_traffic(s, 0, 60, 70, 12);
	CHECK(probe_store_quiet(s, 0, 20));
	r.finished_at = 30;
	probe_store_record(s, 0, &r);
	CHECK_INT(probe_store_view(s, &a, true, &snap), 0);
	CHECK_INT(snap.n, 1);
	if (snap.n == 1) {
		CHECK_U64(snap.v[0].consecutive_failures, 1);
		CHECK(!snap.v[0].failing);
	}
	arena_release(&a);
	probe_store_free(s);
}

int main(void)
{
	RUN(test_own_packets_prove_nothing);
	RUN(test_collection_during_run_is_no_base);
	RUN(test_traffic_both_ways);
	RUN(test_rekey_lowers_the_base);
	RUN(test_store_quiet_result);
	RUN(test_quiet_run_ends_the_failure_streak);
	return testlib_done();
}
