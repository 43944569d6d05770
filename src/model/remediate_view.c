#include "model/remediate_view.h"

const char *const rem_outcome_names[RO_COUNT] = {
	[RO_ACTED] = "acted", [RO_SKIPPED] = "skipped", [RO_REFUSED] = "refused",
	[RO_ESCALATED] = "escalated", [RO_DRY_RUN] = "dry_run", [RO_IGNORED] = "ignored",
};

const char *const rem_reason_names[RR_COUNT] = {
	[RR_FIXED] = "fixed", [RR_NOT_FIXED] = "not_fixed", [RR_WOULD_ACT] = "would_act",
	[RR_BAD_PAYLOAD] = "bad_payload", [RR_NO_CONN_LABEL] = "no_conn_label",
	[RR_NOT_ALLOWED] = "not_allowed", [RR_UNKNOWN_CONN] = "unknown_conn",
	[RR_UNKNOWN_CHILD] = "unknown_child", [RR_RESOLVED] = "resolved",
	[RR_IN_PROGRESS] = "in_progress", [RR_QUEUE_FULL] = "queue_full",
	[RR_COOLDOWN] = "cooldown", [RR_HEALED] = "healed", [RR_GLOBAL_CAP] = "global_cap",
	[RR_RESTART_RATE_LIMIT] = "restart_rate_limit",
	[RR_RESTART_BACKOFF] = "restart_backoff", [RR_RESTART_DAY_CAP] = "restart_day_cap",
	[RR_RESTART_NOT_CONFIGURED] = "restart_not_configured",
	[RR_NO_SNAPSHOT] = "no_snapshot", [RR_NOT_ENOUGH_CHECKS] = "not_enough_checks",
	[RR_NO_PROBE] = "no_probe",
};

const char *const rem_action_names[RA_COUNT] = {
	[RA_DIAGNOSTICS] = "diagnostics", [RA_INITIATE] = "initiate", [RA_RESTART] = "restart",
	[RA_REKEY_CHILD] = "rekey_child", [RA_REKEY_IKE] = "rekey_ike",
};

const char *const rem_step_result_names[RSR_COUNT] = {
	[RSR_FIXED] = "fixed", [RSR_NOT_FIXED] = "not_fixed", [RSR_FAILED] = "failed",
	[RSR_SKIPPED] = "skipped",
};

const char *const rem_result_names[RS_COUNT] = {
	[RS_OK] = "ok", [RS_FAILED] = "failed", [RS_DRY_RUN] = "dry_run",
};
