#include "remediate/remediate_policy.h"

const char *const rem_decision_names[REM_DECISION_COUNT] = {
	[REM_ACT] = "act", [REM_SKIP] = "skip", [REM_ESCALATE] = "escalate",
};

#define REM_DAY_S 86400.0

enum rem_decision rem_policy_admit(const struct rem_limits *l, const struct rem_conn_state *c,
				   double now, size_t nfaulty, enum rem_reason *reason)
{
	if (l->global_max_faulty && nfaulty > l->global_max_faulty) {
		*reason = RR_GLOBAL_CAP;
		return REM_ESCALATE;
	}
	if (c->last_action > 0 && now - c->last_action < l->cooldown_s) {
		*reason = RR_COOLDOWN;
		return REM_SKIP;
	}
	*reason = RR_NONE;
	return REM_ACT;
}

enum rem_decision rem_policy_persisted(const struct rem_limits *l, const bool *faulty,
				       size_t n, enum rem_reason *reason)
{
	size_t i, want = l->checks ? l->checks : 1;

	for (i = 0; i < n; i++)
		if (!faulty[i]) {
			*reason = RR_HEALED;
			return REM_SKIP;
		}
	if (n < want) {
		*reason = RR_NOT_ENOUGH_CHECKS;
		return REM_SKIP;
	}
	*reason = RR_NONE;
	return REM_ACT;
}

double rem_policy_backoff(const struct rem_limits *l, const struct rem_host_state *h)
{
	double d = l->restart_min_interval_s;
	unsigned i;

	for (i = 0; i < h->failures && d < l->restart_backoff_max_s; i++)
		d *= 2;
	return d > l->restart_backoff_max_s ? l->restart_backoff_max_s : d;
}

static size_t rem_in_day(const struct rem_host_state *h, double now)
{
	size_t i, n = 0, k = h->nrestarts < REM_DAY_MAX ? h->nrestarts : REM_DAY_MAX;

	for (i = 0; i < k; i++)
		if (now - h->restarts[i] < REM_DAY_S)
			n++;
	return n;
}

/* The earliest restart in the window: when the day cap frees a slot. */
static double rem_oldest_in_day(const struct rem_host_state *h, double now)
{
	size_t i, k = h->nrestarts < REM_DAY_MAX ? h->nrestarts : REM_DAY_MAX;
	double t = now;

	for (i = 0; i < k; i++)
		if (now - h->restarts[i] < REM_DAY_S && h->restarts[i] < t)
			t = h->restarts[i];
	return t;
}

enum rem_decision rem_policy_restart(const struct rem_limits *l, const struct rem_host_state *h,
				     double now, double *next_at, enum rem_reason *reason)
{
	double wait;

	*next_at = now;
	if (!l->restart) {
		*reason = RR_RESTART_NOT_CONFIGURED;
		return REM_ESCALATE;
	}
	if (l->restart_day_cap && rem_in_day(h, now) >= l->restart_day_cap) {
		*next_at = rem_oldest_in_day(h, now) + REM_DAY_S;
		*reason = RR_RESTART_DAY_CAP;
		return REM_ESCALATE;
	}
	wait = rem_policy_backoff(l, h);
	if (h->last_restart > 0 && now - h->last_restart < wait) {
		*next_at = h->last_restart + wait;
		*reason = h->failures ? RR_RESTART_BACKOFF : RR_RESTART_RATE_LIMIT;
		return REM_SKIP;
	}
	*reason = RR_NONE;
	return REM_ACT;
}

void rem_policy_restarted(struct rem_host_state *h, double now, bool fixed)
{
	h->last_restart = now;
	h->restarts[h->nrestarts % REM_DAY_MAX] = now;
	h->nrestarts++;
	h->failures = fixed ? 0 : h->failures + 1;
}
