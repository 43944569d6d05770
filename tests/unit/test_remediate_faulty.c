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

/* Which ladder a job goes down: the data plane's (fresh probes, rekeys)
 * for a probe_failing status or an alert of probe_alerts while the control
 * plane is up; the control plane's (initiate, restart) otherwise. */
static bool dataplane(enum status_attention at, const char *child, const char *alert,
		      const char *missing, bool with_defaults)
{
	static const char *const names[] = { "IPsecChildSAProbeFailing", NULL };
	struct remediate_config rc = { .probe_alerts = { (char **)names, 1 } };
	struct remediate r = { .rc = &rc };
	struct status_view v;
	struct status_conn sc;
	struct rem_job job = { .conn = "t" };
	struct rem_check c = { .found = true };
	const char *miss[] = { missing };

	if (!with_defaults)
		rc.probe_alerts.n = 0;
	snprintf(job.child, sizeof(job.child), "%s", child);
	snprintf(job.alertname, sizeof(job.alertname), "%s", alert);
	view(&v, &sc, at);
	if (missing) {
		sc.missing = miss;
		sc.nmissing = 1;
	}
	rem_check_view(&v, &job, &c);
	return rem_dataplane_job(&r, &job, &c);
}

static void test_ladder_choice(void)
{
	CHECK(dataplane(ST_PROBE_FAILING, "", "ikewatch_self_check", NULL, true));
	CHECK(dataplane(ST_PROBE_FAILING, "net", "IPsecIKESADown", NULL, true));
	CHECK(!dataplane(ST_PROBE_FAILING, "voice", "IPsecIKESADown", NULL, true));
	CHECK(dataplane(ST_OK, "net", "IPsecChildSAProbeFailing", NULL, true));
	CHECK(!dataplane(ST_OK, "net", "IPsecChildSAProbeFailing", NULL, false));
	CHECK(!dataplane(ST_OK, "", "IPsecIKESADown", NULL, true));
	CHECK(!dataplane(ST_DOWN, "net", "IPsecChildSAProbeFailing", NULL, true));
	CHECK(!dataplane(ST_CONNECTING, "", "IPsecChildSAProbeFailing", NULL, true));
	/* the alert's child is missing: initiate it; another child missing: rekey */
	CHECK(!dataplane(ST_CHILD_MISSING, "net", "IPsecChildSAProbeFailing", "net", true));
	CHECK(dataplane(ST_CHILD_MISSING, "net", "IPsecChildSAProbeFailing", "voice", true));
	CHECK(!dataplane(ST_CHILD_MISSING, "", "IPsecChildSAProbeFailing", "voice", true));
}

int main(void)
{
	RUN(test_probe_failing_is_faulty);
	RUN(test_ladder_choice);
	return testlib_done();
}
