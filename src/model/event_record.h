/* One event as the event log writes it: what the sources (VICI event
 * stream, error-notify, logs, the scraper's overdue check, remediation) hand
 * to the event store's sink beside their counters.  Strings are borrowed for
 * the duration of the sink's call; NULL (or 0 for ids) means "not known" and
 * the field is left out of the line.  Peers are raw: the sink redacts them,
 * unless peers_redacted says the source already did (a snapshot's). */
#ifndef IKW_EVENT_RECORD_H
#define IKW_EVENT_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum event_record_kind {
	ER_IKE_UP, ER_IKE_DOWN, ER_IKE_REKEY,
	ER_CHILD_UP, ER_CHILD_DOWN, ER_CHILD_REKEY,
	ER_REKEY_FAILED,        /* a failure with reason rekey_failed */
	ER_REKEY_OVERDUE,       /* first seen overdue by a collection */
	ER_FAILURE,             /* any other counted failure */
	ER_ALERT,               /* charon 6's VICI alert */
	ER_REMEDIATION,         /* a remediation decision or action */
	ER_KIND_COUNT
};
/* "ike_up", ..., "remediation": the `event` field. */
extern const char *const event_record_kind_names[ER_KIND_COUNT];

struct event_record {
	enum event_record_kind kind;
	struct timespec when;            /* CLOCK_REALTIME; {0,0}: now */
	const char *conn, *child;
	uint32_t ike_id, child_id;       /* charon's unique ids */
	uint32_t old_ike_id, old_child_id;   /* rekeys: the SA replaced */
	const char *ike_spi_i, *ike_spi_r;   /* IKE SPIs (initiator, responder) */
	const char *spi_in, *spi_out;        /* CHILD SA (ESP/AH) SPIs */
	const char *old_spi_in, *old_spi_out;
	const char *local_addr, *local_id;   /* never redacted (as in metrics) */
	const char *remote_addr, *remote_id; /* redacted by the sink */
	bool peers_redacted;
	const char *reason;      /* failure: reason; remediation: its reason */
	const char *source;      /* failure: error_notify/log/vici; remediation: alertmanager/self */
	const char *alert;       /* alert: charon's type name */
	const char *sa;          /* rekey_overdue: "ike" or "child" */
	int64_t late_seconds;    /* rekey_overdue: how late (-1: unknown) */
	/* remediation */
	const char *decision, *action, *result, *detail;
	bool dry_run;
};

typedef void (*event_sink_fn)(void *ctx, const struct event_record *r);

#endif
