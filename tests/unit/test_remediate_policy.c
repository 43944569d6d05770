/* The remediation policy over simulated time: cooldown, global cap,
 * persistence, the restart rate limit, its backoff and the daily cap. */
#include <string.h>

#include "remediate/remediate_policy.h"
#include "testlib.h"

static const struct rem_limits L = {
	.checks = 3, .cooldown_s = 600, .global_max_faulty = 3, .restart = true,
	.restart_min_interval_s = 900, .restart_backoff_max_s = 4 * 3600,
	.restart_day_cap = 4,
};

static void test_admit(void)
{
	struct rem_conn_state c = { 0 };
	enum rem_reason why;

	CHECK_INT(rem_policy_admit(&L, &c, 1000, 1, &why), REM_ACT);
	CHECK_INT(why, RR_NONE);
	CHECK_INT(rem_policy_admit(&L, &c, 1000, 3, &why), REM_ACT);
	CHECK_INT(rem_policy_admit(&L, &c, 1000, 4, &why), REM_ESCALATE);
	CHECK_STR(rem_reason_names[why], "global_cap");
	c.last_action = 1000;
	CHECK_INT(rem_policy_admit(&L, &c, 1599, 1, &why), REM_SKIP);
	CHECK_STR(rem_reason_names[why], "cooldown");
	CHECK_INT(rem_policy_admit(&L, &c, 1600, 1, &why), REM_ACT);
	/* the global cap wins over the cooldown */
	CHECK_INT(rem_policy_admit(&L, &c, 1100, 10, &why), REM_ESCALATE);
}

static void test_persisted(void)
{
	bool all[3] = { true, true, true }, blip[3] = { true, false, true };
	enum rem_reason why;

	CHECK_INT(rem_policy_persisted(&L, all, 3, &why), REM_ACT);
	CHECK_INT(rem_policy_persisted(&L, blip, 3, &why), REM_SKIP);
	CHECK_STR(rem_reason_names[why], "healed");
	CHECK_INT(rem_policy_persisted(&L, blip, 2, &why), REM_SKIP);
	CHECK_STR(rem_reason_names[why], "healed");
	CHECK_INT(rem_policy_persisted(&L, all, 2, &why), REM_SKIP);
	CHECK_STR(rem_reason_names[why], "not_enough_checks");
	CHECK_INT(rem_policy_persisted(&L, blip + 1, 1, &why), REM_SKIP);
	CHECK_STR(rem_reason_names[why], "healed");
}

static void test_restart_not_configured(void)
{
	struct rem_limits l = L;
	struct rem_host_state h;
	enum rem_reason why;
	double next;

	memset(&h, 0, sizeof(h));
	l.restart = false;
	CHECK_INT(rem_policy_restart(&l, &h, 5000, &next, &why), REM_ESCALATE);
	CHECK_STR(rem_reason_names[why], "restart_not_configured");
}

/* A peer that stays dead: every restart fails.  Over one simulated hour
 * (a decision every 10 s) restarts happen at 0 and 900+900=1800 only... */
static void test_restart_backoff_hour(void)
{
	struct rem_host_state h;
	double t, t0 = 1e9, next, times[16];
	enum rem_reason why;
	size_t n = 0;

	memset(&h, 0, sizeof(h));
	for (t = t0; t <= t0 + 3600; t += 10) {
		if (rem_policy_restart(&L, &h, t, &next, &why) != REM_ACT) {
			CHECK(next > t);
			continue;
		}
		if (n < 16)
			times[n] = t;
		n++;
		rem_policy_restarted(&h, t, false);
	}
	/* 0; then 900 * 2 = 1800 after it; then 3600 after that (past the hour) */
	CHECK_INT(n, 2);
	CHECK(times[0] == t0);
	CHECK(times[1] == t0 + 1800);
	CHECK(rem_policy_backoff(&L, &h) == 3600);
	CHECK_INT(rem_policy_restart(&L, &h, t0 + 1800 + 3599, &next, &why), REM_SKIP);
	CHECK_STR(rem_reason_names[why], "restart_backoff");
	CHECK(next == t0 + 1800 + 3600);
}

static void test_restart_rate_limit(void)
{
	struct rem_host_state h;
	enum rem_reason why;
	double next;

	memset(&h, 0, sizeof(h));
	rem_policy_restarted(&h, 1000, true);   /* it worked */
	CHECK_INT(h.failures, 0);
	CHECK_INT(rem_policy_restart(&L, &h, 1000 + 899, &next, &why), REM_SKIP);
	CHECK_STR(rem_reason_names[why], "restart_rate_limit");
	CHECK(next == 1900);
	CHECK_INT(rem_policy_restart(&L, &h, 1900, &next, &why), REM_ACT);
	/* a success after failures resets the backoff */
	rem_policy_restarted(&h, 2000, false);
	rem_policy_restarted(&h, 5000, false);
	CHECK(rem_policy_backoff(&L, &h) == 3600);
	rem_policy_restarted(&h, 9000, true);
	CHECK(rem_policy_backoff(&L, &h) == 900);
}

static void test_backoff_ceiling(void)
{
	struct rem_host_state h;

	memset(&h, 0, sizeof(h));
	h.failures = 40;
	CHECK(rem_policy_backoff(&L, &h) == 4 * 3600);
}

/* Two simulated days of a dead peer with a short backoff ceiling: never
 * more than day_cap restarts in any 24 hours. */
static void test_day_cap(void)
{
	struct rem_limits l = L;
	struct rem_host_state h;
	double t, t0 = 2e9, times[64], next;
	enum rem_reason why;
	size_t n = 0, i, j, in_day, capped = 0;

	memset(&h, 0, sizeof(h));
	l.restart_backoff_max_s = 1800;
	for (t = t0; t < t0 + 2 * 86400; t += 60) {
		enum rem_decision d = rem_policy_restart(&l, &h, t, &next, &why);

		if (d == REM_ESCALATE) {
			CHECK_STR(rem_reason_names[why], "restart_day_cap");
			capped++;
		}
		if (d != REM_ACT)
			continue;
		if (n < 64)
			times[n++] = t;
		rem_policy_restarted(&h, t, false);
	}
	CHECK(capped > 0);
	CHECK_INT(n, 8);   /* 4 a day, two days (the window rolls) */
	for (i = 0; i < n; i++) {
		for (in_day = 0, j = i; j < n && times[j] - times[i] < 86400; j++)
			in_day++;
		CHECK(in_day <= 4);
	}
}

int main(void)
{
	RUN(test_admit);
	RUN(test_persisted);
	RUN(test_restart_not_configured);
	RUN(test_restart_backoff_hour);
	RUN(test_restart_rate_limit);
	RUN(test_backoff_ceiling);
	RUN(test_day_cap);
	return testlib_done();
}
