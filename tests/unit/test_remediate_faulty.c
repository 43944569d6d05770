/* Remediation's notion of faulty, from the status view: a conn failing a
 * probe is faulty (an alert about it is not answered "healed"); with a
 * child label, only when the failing probe goes through that child; it
 * counts toward the conns faulty at once. */
#include <stdio.h>
#include <string.h>

#include "remediate/remediate_int.h"
#include "status/status.h"
#include "testlib.h"

static const struct probe_view probe = { .conn = "t", .child = "net", .name = "icmp",
					  .type = PROBE_ICMP, .fail = PROBE_FAIL_TIMEOUT,
					  .consecutive_failures = 3, .failing = true };
static const struct probe_view *failing[] = { &probe };

static void view(struct status_view *v, struct status_conn *sc, enum status_attention at)
{
	memset(v, 0, sizeof(*v));
	memset(sc, 0, sizeof(*sc));
	sc->name = "t";
	sc->attention = at;
	sc->reason = at == ST_PROBE_FAILING ? "probe icmp through net failed 3 runs in a row: timeout" : "";
	sc->up = true;
	if (at == ST_PROBE_FAILING) {
		sc->failing = failing;
		sc->nfailing = 1;
	}
	v->ok = true;
	v->conns = sc;
	v->nconns = 1;
}

static void check(enum status_attention at, const char *child, bool faulty)
{
	struct status_view v;
	struct status_conn sc;
	struct rem_job job = { .conn = "t" };
	struct rem_check c = { .found = true };

	snprintf(job.child, sizeof(job.child), "%s", child);
	view(&v, &sc, at);
	rem_check_view(&v, &job, &c);
	CHECK(c.faulty == faulty);
	CHECK_INT(c.nfaulty, at == ST_PROBE_FAILING);
	if (at == ST_PROBE_FAILING)
		CHECK(strstr(c.seen, "probe_failing: probe icmp through net") == c.seen);
}

static void test_probe_failing_is_faulty(void)
{
	check(ST_PROBE_FAILING, "", true);
	check(ST_PROBE_FAILING, "net", true);
	check(ST_PROBE_FAILING, "voice", false);     /* another child's probe */
	check(ST_OK, "", false);
	check(ST_OK, "net", false);
}

int main(void)
{
	RUN(test_probe_failing_is_faulty);
	return testlib_done();
}
