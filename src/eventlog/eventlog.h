/* The event log (events.log_file, events.journal): one JSON line per event
 * for log shippers, written by a thread of its own.  The sources hand
 * events to eventlog_sink() in their own threads (through the event
 * store's sink); it formats the line there and queues it under a short
 * lock, never waiting on the disk or the journal: a full queue drops the
 * line and counts it.  The writer takes at most `rate` lines a second
 * (bursts of `rate`), so a storm of events cannot flood the disk; lines
 * over that wait in the queue.  docs/eventlog.md has the schema. */
#ifndef IKW_EVENTLOG_H
#define IKW_EVENTLOG_H

#include <stdbool.h>

#include "common/err.h"
#include "model/event_record.h"
#include "model/redact.h"

struct model;

#define EVENTLOG_FILE_MODE 0640
#define EVENTLOG_RATE_DEFAULT 100
#define EVENTLOG_QUEUE_DEFAULT 10000

struct eventlog_opts {
	const char *file;                 /* NULL: no file */
	bool journal;                     /* sd_journal_sendv, structured */
	unsigned rate;                    /* lines a second (and the burst) */
	unsigned queue;                   /* lines waiting at most */
	const struct redact_config *redact;   /* NULL: none; must outlive */
};

struct eventlog;

/* Opens the file (safe_file_open_append_mode, EVENTLOG_FILE_MODE) and
 * starts the writer.  Returns 0 or -errno with err set. */
int eventlog_start(struct eventlog **out, const struct eventlog_opts *o,
		   struct ikw_err *err);
/* Writes what is queued (without the pace), stops the thread, closes;
 * accepts NULL. */
void eventlog_stop(struct eventlog *el);

/* The event store's sink (ctx: the eventlog). */
void eventlog_sink(void *ctx, const struct event_record *r);
/* Asks the writer to reopen the file by its path (after logrotate moved
 * it; SIGHUP).  Lines queued meanwhile go to the new file. */
void eventlog_reopen(struct eventlog *el);
/* The contributor (ctx: the eventlog): fills m->eventlog. */
void eventlog_contribute(void *ctx, struct model *m);

#endif
