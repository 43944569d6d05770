/* What a snapshot holds of the event log (events.log_file, events.journal):
 * its counters, copied at the collection. */
#ifndef IKW_EVENTLOG_VIEW_H
#define IKW_EVENTLOG_VIEW_H

#include <stdbool.h>
#include <stdint.h>

enum eventlog_output { EVLOG_OUT_FILE, EVLOG_OUT_JOURNAL, EVLOG_OUT_COUNT };
extern const char *const eventlog_output_names[EVLOG_OUT_COUNT];

/* Why a line was lost: before any output (queue_full, no_memory) or by
 * one output (write_error: counted once per output that failed it). */
enum eventlog_drop { EVLOG_DROP_QUEUE_FULL, EVLOG_DROP_NO_MEMORY,
		     EVLOG_DROP_WRITE_ERROR, EVLOG_DROP_COUNT };
extern const char *const eventlog_drop_names[EVLOG_DROP_COUNT];

struct eventlog_snapshot {
	bool have;                         /* the event log is on */
	bool output[EVLOG_OUT_COUNT];      /* which outputs are configured */
	uint64_t lines[EVLOG_OUT_COUNT];   /* lines written */
	uint64_t errors[EVLOG_OUT_COUNT];  /* failed writes, opens, reopens */
	uint64_t dropped[EVLOG_DROP_COUNT];
	uint64_t reopens;                  /* the file reopened (SIGHUP) */
	uint64_t queued;                   /* lines waiting now */
};

#endif
