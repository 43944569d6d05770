/* Log collector: turns charon (or pluto) log lines, from followed files or from VICI
 * 'log' events, into failure counts (built-in patterns) and rule matches
 * (operator rules) in the event store.  Thread-safe: followers and the VICI
 * event thread may feed one collector at the same time. */
#ifndef IKW_LOG_COLLECT_H
#define IKW_LOG_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "logs/log_rules.h"
#include "logs/log_store.h"
#include "model/events.h"

struct log_collect_opts {
	struct event_store *store;
	const struct log_rules *rules;   /* may be NULL; must outlive the collector */
	bool builtin;                    /* count built-in failures */
	log_conn_known_fn known;         /* may be NULL (see log_rules_match) */
	void *known_ctx;
	struct log_store *lines;         /* every line, for the status view;
					    may be NULL; must outlive the collector */
	bool pluto;                      /* lines are pluto's: failures and SA
					    events (log_pluto_sa.h) */
};

struct log_collect_stats {
	uint64_t lines;          /* lines seen */
	uint64_t failures;       /* built-in failures counted */
	uint64_t rule_matches;
	uint64_t long_lines;     /* cut at the follower's line cap */
};

struct log_collect;

/* Returns NULL on ENOMEM. */
struct log_collect *log_collect_new(const struct log_collect_opts *opts);
void log_collect_free(struct log_collect *c);   /* accepts NULL */

/* One line of a charon log file (without the newline); ts is Unix time. */
void log_collect_line(struct log_collect *c, const char *line, size_t len,
		      double ts);

/* One VICI 'log' event: its "msg", "ikesa-name" and "ikesa-uniqueid" (conn
 * NULL and sa_id 0 when the event has none). */
void log_collect_vici(struct log_collect *c, const char *msg, size_t len,
		      const char *conn, uint32_t sa_id, double ts);

/* Callback for log_follow_start(): ctx is the collector, stamped with the
 * current time. */
void log_collect_on_line(void *ctx, const char *line, size_t len,
			 unsigned flags);

void log_collect_get_stats(struct log_collect *c, struct log_collect_stats *st);

/* The last LOG_COLLECT_RECENT_MAX lines that named a connection are kept
 * (cut at LOG_COLLECT_RECENT_LINE bytes, sanitized); this appends conn's,
 * oldest first, one per line, and returns how many.  c may be NULL. */
#define LOG_COLLECT_RECENT_MAX 512
#define LOG_COLLECT_RECENT_LINE 300
size_t log_collect_recent(struct log_collect *c, const char *conn, struct strbuf *out);

#endif
