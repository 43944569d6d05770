/* Reads charon's messages from the systemd journal (sd-journal).
 *
 * Two ways in:
 * - a follower thread for the daemon: starts at the journal's end (history
 *   is not counted, like the file follower) and hands each new entry to a
 *   callback, waking at least every interval to notice a stop;
 * - a catch-up for one-shot runs (`ikewatch textfile` from cron): reads the
 *   entries after a saved cursor to the end and returns the new cursor, so
 *   that the next run goes on where this one stopped.
 *
 * Entries are filtered by matches ("FIELD=value"; several values of one
 * field are OR-ed by sd-journal, different fields AND-ed).  The default
 * takes charon's syslog identifiers: "charon" (the syslog logger of the
 * starter/charon daemon) and "charon-systemd" (its native journal logger,
 * which puts the IKE SA's name and unique id into fields of their own).
 * Messages are untrusted: cut at line_max bytes and flagged. */
#ifndef IKW_LOG_JOURNAL_H
#define IKW_LOG_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define LOG_JOURNAL_MATCHES_MAX 16
#define LOG_JOURNAL_CURSOR_MAX 512

struct log_journal_opts {
	const char *directory;           /* NULL: the local journal */
	const char *const *matches;      /* NULL or 0: the default */
	size_t nmatches;
	unsigned interval_ms;            /* 0: 500 */
	size_t line_max;                 /* 0: LOG_FOLLOW_LINE_MAX */
};

struct log_journal_entry {
	const char *msg;                 /* not NUL-terminated, any bytes */
	size_t len;
	bool truncated;                  /* cut at line_max */
	const char *conn;                /* IKE_SA_NAME, NUL-terminated, or NULL */
	uint32_t sa_id;                  /* IKE_SA_UNIQUE_ID, 0 = none */
	double ts;                       /* the entry's realtime, Unix seconds */
};

/* The raw data of an entry's fields as sd-journal hands them out: each
 * "FIELD=value", any bytes, not NUL-terminated; NULL when the entry lacks
 * it.  Written by anyone who can log (the trusted _UID is matched before). */
struct log_journal_fields {
	const void *message, *name, *id;   /* MESSAGE, IKE_SA_NAME, IKE_SA_UNIQUE_ID */
	size_t message_len, name_len, id_len;
};

/* The value after "FIELD=" in data, or NULL when data is not that field. */
const char *log_journal_value(const void *data, size_t size, const char *field,
			      size_t *len);
/* Builds *e from f (the message cut at line_max; the conn name copied into
 * conn, cut to conn_size - 1, dropped if empty or holding a NUL; a
 * malformed SA id is 0).  e->ts is left 0.  Returns 0 when there is no
 * message (e unusable), 1 for a whole one, 2 when cut. */
int log_journal_entry_build(const struct log_journal_fields *f, size_t line_max,
			    struct log_journal_entry *e, char *conn, size_t conn_size);

/* entry and its strings are valid only during the call. */
typedef void (*log_journal_fn)(void *ctx, const struct log_journal_entry *e);

struct log_journal_stats {
	uint64_t entries, long_entries, errors;
	bool open;
};

/* Checks one "FIELD=value" match as sd-journal wants it: FIELD of A-Z, 0-9
 * and '_' not starting with a digit, then '=' and a value. */
bool log_journal_match_valid(const char *m);

struct log_journal;

/* Opens the journal (so that its end is taken at this call) and starts the
 * thread.  Returns 0 or -errno with err set. */
int log_journal_start(struct log_journal **out, const struct log_journal_opts *o,
		      log_journal_fn fn, void *ctx, struct ikw_err *err);
/* Stops the thread (within interval_ms), closes and frees; accepts NULL. */
void log_journal_stop(struct log_journal *j);
void log_journal_get_stats(struct log_journal *j, struct log_journal_stats *st);

/* One-shot: hands every entry after cursor to fn, up to the journal's end,
 * and writes the cursor of the last entry seen (or of the end when there
 * were none) into cursor_out (LOG_JOURNAL_CURSOR_MAX bytes).  Without a
 * cursor (first run), or when the cursor is gone (vacuumed), nothing before
 * the end is read: history is not counted.  Returns the number of entries
 * handed over, or -errno with err set. */
long log_journal_catchup(const struct log_journal_opts *o, const char *cursor,
			 log_journal_fn fn, void *ctx, char *cursor_out,
			 struct ikw_err *err);

#endif
