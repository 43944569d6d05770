/* The VPN log the status view shows: the last lines of charon's log (from
 * files, the journal or VICI log events), each with its conn, IKE SA and
 * kind, and per conn an index of its own last lines and what its current
 * negotiation looks like in the log (tries, exchange sent, retransmits,
 * last error line).
 *
 * Memory is bounded: max_lines lines of at most LOG_STORE_LINE_MAX bytes
 * (the oldest is overwritten), LOG_STORE_CONNS conns indexed (the one seen
 * least recently is forgotten for a new one) with LOG_STORE_PER_CONN lines
 * each.  Lines are sanitized when stored (control bytes and invalid UTF-8
 * become '?'); escaping for HTML and redaction are the reader's.
 * Thread-safe: followers and the VICI event thread add while HTTP threads
 * read. */
#ifndef IKW_LOG_STORE_H
#define IKW_LOG_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logs/log_classify.h"
#include "logs/log_line.h"

#define LOG_STORE_LINES_DEFAULT 2000
#define LOG_STORE_LINES_MIN 10
#define LOG_STORE_LINES_MAX 100000
#define LOG_STORE_LINE_MAX 512     /* bytes of a line kept */
#define LOG_STORE_CONNS 256        /* conns indexed */
#define LOG_STORE_PER_CONN 64      /* lines indexed per conn */

struct log_store;

/* max_lines is clamped to [LOG_STORE_LINES_MIN, LOG_STORE_LINES_MAX].
 * Returns NULL on ENOMEM. */
struct log_store *log_store_new(size_t max_lines);
void log_store_free(struct log_store *s);   /* accepts NULL */

/* One line: its message (msg, len: without charon's time and "<conn|id>"
 * prefix), conn ("" or NULL: none), IKE SA unique id (0 unknown), what it
 * is (log_line_describe()) and when (Unix time). */
void log_store_add(struct log_store *s, double ts, const char *conn, uint32_t sa_id,
		   const char *msg, size_t len, const struct log_line_info *info);

/* ---- reading ------------------------------------------------------------- */

struct log_store_line {
	uint64_t seq;                        /* 1, 2, ... in arrival order */
	double ts;
	uint32_t sa_id;
	enum log_line_kind kind;
	char conn[LOG_CONN_MAX + 1];
	char text[LOG_STORE_LINE_MAX + 1];
};

struct log_store_query {
	const char *conn;    /* fnmatch(3) glob, NULL or "" for all lines */
	unsigned kinds;      /* mask of 1 << kind; 0 = every kind */
	size_t limit;        /* at most this many lines */
};

/* The newest lines that match q, newest first, into out (room for
 * q->limit).  An exact conn name is answered from the conn's index (its
 * last LOG_STORE_PER_CONN lines); a glob scans every line.  Returns how
 * many. */
size_t log_store_query(struct log_store *s, const struct log_store_query *q,
		       struct log_store_line *out);

/* What the log says about conn's current negotiation. */
struct log_store_progress {
	uint32_t sa_id;            /* IKE SA of the last try */
	double started;            /* its "initiating IKE_SA" line, 0 unknown */
	enum ike_exchange sent;    /* the last request generated */
	unsigned retransmits;      /* of this try */
	unsigned tries;            /* tries since the conn was last up */
	bool established;          /* the last try got its IKE SA up */
	/* a CHILD SA requested over an IKE SA (CREATE_CHILD_SA): charon has one
	 * request out per IKE SA, so its retransmits are those that follow on
	 * that SA until the next request */
	uint32_t child_sa_id;      /* the IKE SA it was sent on */
	bool child_pending;        /* no other request on that SA since */
	double child_started;      /* the request's first line */
	unsigned child_retransmits;
	double last_error_at;      /* 0: no failure line seen */
	char last_error[LOG_STORE_LINE_MAX + 1];
};

/* Fills *p for conn; false when the store knows nothing of it. */
bool log_store_progress(struct log_store *s, const char *conn,
			struct log_store_progress *p);

/* The first time a scrape saw conn negotiating (with no IKE SA up), kept
 * until one sees it not negotiating: `negotiating` false forgets it.
 * Returns that time (now when it starts), 0 when not negotiating.  Bounded
 * like the index: the conn takes a slot. */
double log_store_negotiating(struct log_store *s, const char *conn, bool negotiating,
			     double now);

struct log_store_stats {
	uint64_t lines;            /* added */
	uint64_t evicted;          /* overwritten by newer ones */
	uint64_t conns_evicted;    /* index slots taken for another conn */
	size_t capacity;
};
void log_store_get_stats(struct log_store *s, struct log_store_stats *st);

#endif
