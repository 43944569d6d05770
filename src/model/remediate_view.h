/* What a snapshot holds of remediation (docs/remediation.md): counters of
 * decisions and actions, copied from the engine at each collection.
 * Strings live in the snapshot's arena.  Enum-to-name tables in
 * remediate_view.c. */
#ifndef IKW_REMEDIATE_VIEW_H
#define IKW_REMEDIATE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rem_outcome { RO_ACTED, RO_SKIPPED, RO_REFUSED, RO_ESCALATED, RO_DRY_RUN, RO_IGNORED,
		   RO_COUNT };
extern const char *const rem_outcome_names[RO_COUNT];

enum rem_reason {
	RR_FIXED, RR_NOT_FIXED, RR_WOULD_ACT, RR_BAD_PAYLOAD, RR_NO_CONN_LABEL, RR_NOT_ALLOWED,
	RR_UNKNOWN_CONN, RR_UNKNOWN_CHILD, RR_RESOLVED, RR_IN_PROGRESS, RR_QUEUE_FULL,
	RR_COOLDOWN, RR_HEALED, RR_GLOBAL_CAP, RR_RESTART_RATE_LIMIT, RR_RESTART_BACKOFF,
	RR_RESTART_DAY_CAP, RR_RESTART_NOT_CONFIGURED, RR_NO_SNAPSHOT, RR_NOT_ENOUGH_CHECKS,
	RR_NO_PROBE, RR_COUNT
};
extern const char *const rem_reason_names[RR_COUNT];
/* No reason (an action's plain record): not counted, written as "". */
#define RR_NONE RR_COUNT

/* The actions; all but diagnostics are also the steps of a ladder:
 * control plane initiate, restart; data plane rekey_child, rekey_ike (or
 * initiate when the peer answers nothing), restart. */
enum rem_action { RA_DIAGNOSTICS, RA_INITIATE, RA_RESTART, RA_REKEY_CHILD, RA_REKEY_IKE,
		  RA_COUNT };
extern const char *const rem_action_names[RA_COUNT];
/* How a step ended: the check (or the fresh probes) after it passed, still
 * failed, the command itself failed, or the policy held it back. */
enum rem_step_result { RSR_FIXED, RSR_NOT_FIXED, RSR_FAILED, RSR_SKIPPED, RSR_COUNT };
extern const char *const rem_step_result_names[RSR_COUNT];
enum rem_result { RS_OK, RS_FAILED, RS_DRY_RUN, RS_COUNT };
extern const char *const rem_result_names[RS_COUNT];

struct rem_conn_stats {
	const char *conn;
	uint64_t actions[RA_COUNT][RS_COUNT];
	uint64_t steps[RA_COUNT][RSR_COUNT];
	double last_action;           /* Unix time of the last action, 0: never */
};

struct remediate_snapshot {
	bool have;                    /* remediation is enabled */
	bool dry_run;
	uint64_t decisions[RO_COUNT][RR_COUNT];
	uint64_t restarts[RS_COUNT];  /* ok, failed (the command or the fix) */
	double restart_backoff_seconds;   /* current wait between restarts */
	uint64_t queue_length;
	struct rem_conn_stats *conns; /* conns ever acted on, by first action */
	size_t nconns;
};

#endif
