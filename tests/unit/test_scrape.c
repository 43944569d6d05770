/* The scraper assembles every snapshot the same way: collectors first, then
 * the contributors in the order added, each seeing what the collectors put
 * there; with ledger_state it loads the traffic ledger before the first
 * collection and saves it after each, so totals stay monotonic across
 * one-shot runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/scrape.h"
#include "testlib.h"

/* One conn "t" with child "c" whose one SA has these counters. */
static uint32_t fake_uniqueid;
static uint64_t fake_bytes;
static unsigned fake_runs;   /* collections the fake collector ran */

static int fake_collect(struct collector *c, struct model *m,
			const struct deadline *dl, struct ikw_err *err)
{
	static struct child_cfg kids[] = { { .name = "c", .mode = "TUNNEL",
		.local_ts = "198.18.0.1/32", .remote_ts = "198.19.0.1/32" } };
	struct ike_sa *ike = model_add_ike_sa(m);
	struct child_sa *ch;

	(void)c, (void)dl, (void)err;
	fake_runs++;
	m->conns = arena_alloc(&m->arena, sizeof(*m->conns));
	m->conns[0] = (struct conn_cfg){ .name = "t", .version = "IKEv2",
		.remote_addrs = "192.0.2.2", .children = kids, .nchildren = 1 };
	m->nconns = 1;
	ike->conn = "t";
	ike->state = IKE_ESTABLISHED;
	ike->children = ch = arena_alloc(&m->arena, sizeof(*ch));
	ike->nchildren = 1;
	*ch = (struct child_sa){ .name = "c", .state = CHILD_INSTALLED,
		.uniqueid = fake_uniqueid, .spi_in = fake_uniqueid == 1 ? "c1" : "c3",
		.spi_out = fake_uniqueid == 1 ? "c2" : "c4", .bytes_in = fake_bytes,
		.use_in = TIME_NONE, .use_out = TIME_NONE, .installed_for = 1,
		.rekey_in = TIME_NONE, .life_in = TIME_NONE };
	m->have_sas = true;
	return 0;
}

static void fake_destroy(struct collector *c)
{
	free(c);
}

static struct collector **fake_collectors(void)
{
	struct collector **cols = calloc(1, sizeof(*cols));

	cols[0] = calloc(1, sizeof(**cols));
	*cols[0] = (struct collector){ "fake", fake_collect, fake_destroy };
	return cols;
}

static char calls[16];

static void contrib_a(void *ctx, struct model *m)
{
	(void)ctx;
	/* after the collectors: their record and their SAs are there */
	CHECK_INT(m->ncollectors, 1);
	CHECK_INT(m->nike, 1);
	strcat(calls, "a");
}

static void contrib_b(void *ctx, struct model *m)
{
	m->have_logs = true;             /* its own section */
	m->logs.lines = *(uint64_t *)ctx;
	strcat(calls, "b");
}

static uint64_t bytes_in_of(const struct model *m)
{
	return m->nviews == 1 && m->views[0].nchildren == 1 ?
	       m->views[0].children[0].totals.bytes_in : 0;
}

static void test_contributors_in_order(void)
{
	struct scraper_opts o = { .timeout_ms = 1000 };
	struct scraper *s = scraper_new(&o, fake_collectors(), 1);
	uint64_t lines = 7;
	struct model *m;
	int added = 2;

	fake_uniqueid = 1, fake_bytes = 10;
	calls[0] = '\0';
	CHECK_INT(scraper_add_contributor(s, (struct contributor){ contrib_a, NULL }), 0);
	CHECK_INT(scraper_add_contributor(s, (struct contributor){ contrib_b, &lines }), 0);
	m = scraper_collect(s);
	CHECK_STR(calls, "ab");
	CHECK(m->have_logs);
	CHECK_U64(m->logs.lines, 7);
	CHECK_U64(bytes_in_of(m), 10);
	model_unref(m);
	for (; added < SCRAPER_CONTRIBUTORS_MAX; added++)  /* fill the table */
		CHECK_INT(scraper_add_contributor(s, (struct contributor){ contrib_a, NULL }), 0);
	CHECK(scraper_add_contributor(s, (struct contributor){ contrib_a, NULL }) < 0);
	scraper_free(s);
}

/* Run 1 sees SA 1 at 100 bytes; run 2 (a new process) sees only SA 2 at
 * 5: with the state the total is 105, without it 5. */
static uint64_t two_runs(const char *state)
{
	struct scraper_opts o = { .timeout_ms = 1000, .ledger_state = state };
	struct scraper *s = scraper_new(&o, fake_collectors(), 1);
	struct model *m;
	uint64_t total;

	fake_uniqueid = 1, fake_bytes = 100;
	model_unref(scraper_collect(s));
	scraper_free(s);
	s = scraper_new(&o, fake_collectors(), 1);
	fake_uniqueid = 2, fake_bytes = 5;
	m = scraper_collect(s);
	total = bytes_in_of(m);
	model_unref(m);
	scraper_free(s);
	return total;
}

static void test_ledger_state_kept_by_the_scraper(void)
{
	char dir[] = "/tmp/ikw-test-scrape-XXXXXX", path[64];

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/ledger", dir);
	CHECK_U64(two_runs(path), 105);
	CHECK(access(path, F_OK) == 0);
	CHECK_U64(two_runs(NULL), 5);
	unlink(path);
	rmdir(dir);
}

/* The window rule alone: strictly under the window, never at 0 or for a
 * clock gone backwards. */
static void test_reusable(void)
{
	CHECK(scraper_reusable(0.0, 4000));
	CHECK(scraper_reusable(3.999, 4000));
	CHECK(!scraper_reusable(4.0, 4000));
	CHECK(!scraper_reusable(10.0, 4000));
	CHECK(!scraper_reusable(0.0, 0));
	CHECK(!scraper_reusable(-1.0, 4000));
}

/* A second scrape within the window is served the same snapshot (one
 * collection, counted as reused, with its age); past the window, or with
 * the window off, or through scraper_collect, it collects again. */
static void test_reuse_window(void)
{
	struct scraper_opts o = { .timeout_ms = 1000 };
	struct scraper *s = scraper_new(&o, fake_collectors(), 1);
	struct scrape_info a, b;
	struct model *m1, *m2;

	fake_uniqueid = 1, fake_bytes = 10, fake_runs = 0;
	m1 = scraper_collect_recent(s, 60000, &a);
	m2 = scraper_collect_recent(s, 60000, &b);
	CHECK_INT(fake_runs, 1);
	CHECK(m1 == m2);
	CHECK_U64(a.served[SCRAPE_COLLECTED], 1);
	CHECK_U64(b.served[SCRAPE_REUSED], 1);
	CHECK_U64(b.collections, 1);
	CHECK(b.age_seconds >= a.age_seconds && b.age_seconds < 60);
	model_unref(m1);
	model_unref(m2);
	/* off: every scrape collects */
	model_unref(scraper_collect_recent(s, 0, &b));
	CHECK_INT(fake_runs, 2);
	CHECK_U64(b.served[SCRAPE_COLLECTED], 2);
	CHECK_U64(b.collections, 2);
	/* the plain call never reuses (remediation, /status) */
	model_unref(scraper_collect(s));
	CHECK_INT(fake_runs, 3);
	/* past the window */
	usleep(30 * 1000);
	model_unref(scraper_collect_recent(s, 20, &b));
	CHECK_INT(fake_runs, 4);
	CHECK(b.age_seconds < 0.02);
	scraper_free(s);
}

int main(void)
{
	RUN(test_reusable);
	RUN(test_reuse_window);
	RUN(test_contributors_in_order);
	RUN(test_ledger_state_kept_by_the_scraper);
	return testlib_done();
}
