/* The log collector assembled from the `logs:` config: one follower thread
 * per file and the error-notify reader, all counting into one event store.
 * The VICI 'log' events (when lc->vici_log) arrive on the lead's VICI
 * event thread, which hands them to logs_collector(). */
#ifndef IKW_LOGS_H
#define IKW_LOGS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "config/config_logs.h"
#include "logs/log_collect.h"
#include "model/events.h"

struct logs_stats {
	uint64_t lines;          /* from files and VICI */
	uint64_t long_lines;     /* cut at LOG_FOLLOW_LINE_MAX */
	uint64_t rotations, truncations;
	uint64_t failures;       /* built-in failures from lines */
	uint64_t rule_matches;
	unsigned files, files_open;
	bool error_notify, error_notify_connected;
	uint64_t error_notify_messages, error_notify_failures;
};

struct logs_runtime;

/* Starts followers for lc->files and the error-notify reader when
 * lc->error_notify is set.  lc (its rules) must outlive the runtime; known
 * may be NULL (see log_rules_match).  Returns 0 or -errno with err set. */
int logs_start(struct logs_runtime **out, const struct log_config *lc,
	       struct event_store *store, log_conn_known_fn known,
	       void *known_ctx, struct ikw_err *err);
/* Stops every thread and frees; accepts NULL. */
void logs_stop(struct logs_runtime *rt);

/* The collector, for VICI 'log' events: log_collect_vici(). */
struct log_collect *logs_collector(struct logs_runtime *rt);

void logs_get_stats(struct logs_runtime *rt, struct logs_stats *st);

#endif
