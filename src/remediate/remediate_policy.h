/* The remediation policy, pure: given the configured limits, the state kept
 * between decisions, the (policy) time and what was observed, what to do
 * and why (a reason of model/remediate_view.h, RR_NONE when acting).  No I/O and no clock of its own, so that rate limits, backoff
 * and the daily cap can be tested over a simulated day. */
#ifndef IKW_REMEDIATE_POLICY_H
#define IKW_REMEDIATE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/remediate_view.h"

struct rem_limits {
	unsigned checks;              /* fresh checks that must all see the fault (>= 1) */
	double cooldown_s;            /* per conn, after any action */
	unsigned global_max_faulty;   /* more conns faulty at once: escalate */
	bool restart;                 /* step 2 configured */
	double restart_min_interval_s;/* at most one restart per this (default 900) */
	double restart_backoff_max_s; /* the backoff's ceiling (default 6h) */
	unsigned restart_day_cap;     /* restarts per rolling 24h (default 4) */
};

/* Per conn. */
struct rem_conn_state {
	double last_action;           /* policy time of the last action, 0: never */
};

/* Per host (the restart step). */
#define REM_DAY_MAX 64
struct rem_host_state {
	double last_restart;          /* 0: never */
	unsigned failures;            /* restarts in a row that did not fix it */
	double restarts[REM_DAY_MAX]; /* times of restarts in the last 24h, ring */
	size_t nrestarts;
};

enum rem_decision {
	REM_ACT,            /* go on to the next step */
	REM_SKIP,           /* nothing done; reason says why */
	REM_ESCALATE,       /* nothing done; a human is needed */
	REM_DECISION_COUNT
};
extern const char *const rem_decision_names[REM_DECISION_COUNT];

/* Before the persistence checks: the per-conn cooldown and the global cap.
 * nfaulty: conns faulty in the latest snapshot. */
enum rem_decision rem_policy_admit(const struct rem_limits *l, const struct rem_conn_state *c,
				   double now, size_t nfaulty, enum rem_reason *reason);

/* After the checks: faulty[i] says whether check i saw the fault; one that
 * did not is "healed" (checks stop there), fewer than checks "not_enough_checks". */
enum rem_decision rem_policy_persisted(const struct rem_limits *l, const bool *faulty,
				       size_t n, enum rem_reason *reason);

/* Whether the restart step may run now; *next_at is when it may next run
 * (policy time) when not.  The interval doubles after each failed restart
 * (min_interval * 2^failures, at most backoff_max); day_cap restarts per
 * rolling 24 hours. */
enum rem_decision rem_policy_restart(const struct rem_limits *l, const struct rem_host_state *h,
				     double now, double *next_at, enum rem_reason *reason);
/* Records a restart at now; fixed: the re-check after it saw the conn up. */
void rem_policy_restarted(struct rem_host_state *h, double now, bool fixed);
/* The current wait between restarts. */
double rem_policy_backoff(const struct rem_limits *l, const struct rem_host_state *h);

#endif
