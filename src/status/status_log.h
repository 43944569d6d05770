/* The status view's log: lines from the daemon's log store (logs/
 * log_store.h), peers redacted, ready for the page, the JSON and the
 * terminal; and each conn's event timeline (last up, down, rekey, failure)
 * from the event store's counters in the snapshot. */
#ifndef IKW_STATUS_LOG_H
#define IKW_STATUS_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/strbuf.h"
#include "logs/log_store.h"
#include "model/model.h"
#include "model/redact.h"

#define STATUS_LOG_LIMIT_DEFAULT 100
#define STATUS_LOG_LIMIT_MAX 1000
#define STATUS_LOG_PER_CONN 10       /* lines in each conn's section */

struct status_log_line {
	double ts;
	const char *conn;          /* "" none */
	uint32_t sa_id;
	enum log_line_kind kind;
	const char *text;          /* sanitized and redacted, not escaped */
};

struct status_log {
	bool have;                 /* the daemon keeps a log */
	struct status_log_line *lines;   /* newest first */
	size_t n;
};

/* The lines of store that match q, redacted by rc (may be NULL), from a.
 * store NULL: have is false.  Returns 0 or -ENOMEM. */
int status_log_build(struct log_store *store, const struct log_store_query *q,
		     const struct redact_config *rc, struct arena *a, struct status_log *out);

/* ?conn=GLOB&limit=N&kind=K,K into q (conn and kind point into the
 * arguments).  Returns 0, or -EINVAL with why in err (for a 400). */
struct ikw_err;
int status_log_query_parse(const char *conn, const char *limit, const char *kind,
			   struct log_store_query *q, char *why, size_t why_size);

/* One conn's timeline from the snapshot's event store. */
struct status_timeline {
	bool have;                 /* the snapshot has events */
	double last[4];            /* up, down, rekey, failure; 0 never */
	uint64_t count[4];
	const char *failure_reason;   /* of the last failure, "" none */
};
enum { STATUS_TL_UP, STATUS_TL_DOWN, STATUS_TL_REKEY, STATUS_TL_FAILURE, STATUS_TL_COUNT };
extern const char *const status_timeline_names[STATUS_TL_COUNT];

void status_timeline_fill(const struct model *m, const char *conn, struct status_timeline *t);

/* "2026-12-06T01:02:03Z" of a Unix time into buf; "-" for 0. */
void status_log_time(char *buf, size_t size, double ts);

#endif
