/* What one charon log line is about, for the status view's log panel:
 * its kind (failure, rekey, up/down, negotiation, other) and, for a line of
 * a negotiation, the exchange it sends or the retransmit it counts.  Pure:
 * bytes in, struct out, no I/O; lines are untrusted (any bytes, any
 * length; only the message part is looked at). */
#ifndef IKW_LOG_LINE_H
#define IKW_LOG_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "logs/log_classify.h"
#include "model/negotiation.h"

enum log_line_kind {
	LOG_LINE_FAILURE,       /* a failed negotiation, rekey or retransmit give-up */
	LOG_LINE_REKEY,         /* a rekey (started or done) */
	LOG_LINE_UPDOWN,        /* an SA established or deleted */
	LOG_LINE_NEGOTIATION,   /* an exchange sent, a retransmit */
	LOG_LINE_OTHER,
	LOG_LINE_KIND_COUNT
};
extern const char *const log_line_kind_names[LOG_LINE_KIND_COUNT];
#define LOG_LINE_KINDS_ALL ((1u << LOG_LINE_KIND_COUNT) - 1)

/* "failure,rekey" -> a mask of (1 << kind); "" or "all" -> every kind.
 * Returns 0, or -EINVAL on a name that is not a kind. */
int log_line_kinds_parse(const char *s, unsigned *mask);

struct log_line_info {
	enum log_line_kind kind;
	enum ike_exchange sent;    /* "generating X request": the exchange we sent */
	bool initiating;           /* "initiating IKE_SA conn[N] to ...": a new try */
	bool established;          /* "IKE_SA conn[N] established ..." */
	unsigned retransmit;       /* "retransmit N of request ...": N, else 0 */
};

/* Describes the message of ev (log_classify()'s result for the line). */
void log_line_describe(const struct log_event *ev, struct log_line_info *out);

#endif
