/* Classifier for charon's log lines: bytes in, what happened out, no I/O.
 *
 * A line is either charon's file/syslog format
 *   "2026-11-23 10:50:57 09[IKE] <tun1|1> received DELETE for ..."
 * (anything before "NN[GRP] " is skipped, the "<conn|unique id>" prefix names
 * the IKE SA) or a bare message as VICI 'log' events carry it, whose conn
 * and unique id the caller knows.  Lines are untrusted: any bytes, any
 * length; only the first LOG_CLASSIFY_MAX bytes are looked at.
 *
 * Built-in messages are charon 5.9.8's wording (see tests/fixtures/logs/,
 * recorded from real charons).  One failed negotiation is counted by one
 * line on each side: e.g. the responder's "tried 1 shared key ... MAC
 * mismatched" and the initiator's "received AUTHENTICATION_FAILED notify
 * error".  A failed rekey is counted as FAIL_REKEY and, when charon names
 * one, also under its cause.
 *
 * Whether a retransmit give-up was a DPD needs memory of earlier lines:
 * struct log_classify_state, owned by the caller, bounded. */
#ifndef IKW_LOG_CLASSIFY_H
#define IKW_LOG_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/events.h"

#define LOG_CLASSIFY_MAX 8192   /* bytes of a line looked at */
#define LOG_CONN_MAX 64         /* bytes of a conn name kept */

enum log_kind {
	LOG_NONE,          /* nothing built-in */
	LOG_FAILURE,       /* reason is set */
	LOG_GIVE_UP,       /* retransmits exhausted: unreachable or DPD */
	LOG_DPD_SENT,      /* "sending DPD request" */
	LOG_REQUEST,       /* we sent a request (not the DPD's empty one) */
	LOG_RESPONSE,      /* a response to our request arrived */
};

struct log_event {
	enum log_kind kind;
	enum fail_reason reason;     /* LOG_FAILURE, LOG_GIVE_UP */
	const char *msg;             /* the message, inside the input line */
	size_t msg_len;              /* capped to LOG_CLASSIFY_MAX */
	const char *conn_raw;        /* conn name bytes in the line, or NULL */
	size_t conn_raw_len;
	uint32_t sa_id;              /* IKE SA unique id, 0 = unknown */
	char conn[LOG_CONN_MAX + 1]; /* sanitized conn; set when kind != NONE */
};

/* Classifies one line (without its newline).  Returns 1 when ev->kind is
 * not LOG_NONE, 0 otherwise; ev->msg and the conn fields are set either
 * way.  ev is valid while line is. */
int log_classify(const char *line, size_t len, struct log_event *ev);

/* The start of every classifier (charon's and pluto's): ev reset to no
 * event, *len capped at LOG_CLASSIFY_MAX.  Returns false for a NULL line
 * (ev->msg is then ""). */
bool log_event_reset(struct log_event *ev, const char *line, size_t *len);

/* Sanitized conn of the line into out (LOG_CONN_MAX + 1 bytes): "" when
 * the line names none.  Returns its length. */
size_t log_classify_conn(const struct log_event *ev, char *out);

/* The reason of an IKEv2 error notify named name (len bytes, e.g.
 * "NO_PROPOSAL_CHOSEN"); FAIL_OTHER for a name not in the table.  Shared
 * with pluto's classifier. */
enum fail_reason log_classify_notify_reason(const char *name, size_t len);

/* ---- per-SA memory --------------------------------------------------- */

#define LOG_CLASSIFY_SLOTS 256

/* Direct-mapped by unique id: a collision forgets the older SA, which at
 * worst reports a DPD timeout as peer_unreachable. */
struct log_classify_state {
	struct {
		uint32_t id;
		bool dpd;            /* our outstanding request is a DPD */
	} slot[LOG_CLASSIFY_SLOTS];
};

void log_classify_state_init(struct log_classify_state *st);

/* Feeds one classified line.  Returns true and sets *reason when the line
 * is a failure to count. */
bool log_classify_state_apply(struct log_classify_state *st, const struct log_event *ev,
			enum fail_reason *reason);

#endif
