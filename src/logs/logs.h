/* The log collector assembled from the `logs:` config: one follower thread
 * per file, one for the journal and the error-notify reader, all counting
 * into one event store.
 * The VICI 'log' events (when lc->vici_log) arrive on the lead's VICI
 * event thread, which hands them to logs_collector(). */
#ifndef IKW_LOGS_H
#define IKW_LOGS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "logs/log_config.h"
#include "logs/log_collect.h"
#include "logs/log_journal.h"
#include "model/events.h"
#include "model/model.h"

struct logs_runtime;

/* Starts followers for lc->files and the error-notify reader when
 * lc->error_notify is set.  lc (its rules) must outlive the runtime; known
 * may be NULL (see log_rules_match).  Returns 0 or -errno with err set. */
int logs_start(struct logs_runtime **out, const struct log_config *lc,
	       struct event_store *store, log_conn_known_fn known,
	       void *known_ctx, struct ikw_err *err);
/* The same, every line also kept in lines (may be NULL; it must outlive
 * the runtime) for the status view. */
int logs_start_lines(struct logs_runtime **out, const struct log_config *lc,
		     struct event_store *store, struct log_store *lines,
		     log_conn_known_fn known, void *known_ctx, struct ikw_err *err);
/* Stops every thread and frees; accepts NULL. */
void logs_stop(struct logs_runtime *rt);

/* The collector, for VICI 'log' events: log_collect_vici(). */
struct log_collect *logs_collector(struct logs_runtime *rt);

void logs_get_stats(struct logs_runtime *rt, struct log_source_stats *st);
/* The contributor of the log sources' health (ctx: the runtime): fills
 * m->logs and sets m->have_logs. */
void logs_contribute(void *ctx, struct model *m);

/* The journal's options from the config, and its callback into a
 * collector (ctx): also used by one-shot runs. */
void logs_journal_opts(const struct log_config *lc, struct log_journal_opts *o);
void logs_on_journal(void *ctx, const struct log_journal_entry *e);

struct log_state;

/* One-shot: reads the configured files and journal from where *ls says
 * the last run stopped to their end, counting into store, and updates *ls.
 * Sources that cannot be read are logged and make it return -errno (err
 * names the last one); the others are still read.  A missing file is not
 * an error (it may not have been created yet). */
int logs_catchup(const struct log_config *lc, struct event_store *store,
		 struct log_state *ls, struct ikw_err *err);

#endif
