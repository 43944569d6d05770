/* Classifier for libreswan pluto's log lines: bytes in, what happened out,
 * no I/O.  pluto has no event API, so its log is the only source of SA
 * lifecycle events, failures and the final traffic of a deleted SA.
 *
 * A line is pluto's --logfile format ("Dec  6 08:41:35.123456: " before the
 * message when logtime is on), syslog's ("... pluto[123]: "), a bare
 * journal MESSAGE, or whack's echo ("004 " in 4.x).  The message starts
 * with the state's name: "\"conn\" #12: " (5.x adds "[N] ADDR" for an
 * instance), "\"conn\": " without a state, or nothing ("packet from ...").
 * Lines are untrusted: any bytes, any length; only the first
 * LOG_CLASSIFY_MAX bytes are looked at.
 *
 * Wording: libreswan 4.10 (tests/fixtures/libreswan/4.10/log-*.log, from
 * real plutos) and 5.x (tests/fixtures/libreswan/5.x/log-*.log).  One
 * failed negotiation is one line on each side, as for charon. */
#ifndef IKW_LOG_CLASSIFY_PLUTO_H
#define IKW_LOG_CLASSIFY_PLUTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logs/log_classify.h"

enum pluto_sa_kind {
	PLUTO_SA_NONE,
	PLUTO_IKE_UP,        /* "... established IKE SA" */
	PLUTO_IKE_REKEY,     /* "... rekeyed IKE SA #OLD" */
	PLUTO_IKE_DOWN,      /* "deleting IKE SA (established IKE SA)" / 4.x "deleting state" */
	PLUTO_CHILD_UP,      /* "... established Child SA using #IKE" */
	PLUTO_CHILD_REKEY,   /* "... rekeyed Child SA #OLD using #IKE" */
	PLUTO_CHILD_TRAFFIC, /* "ESP traffic information: in=.. out=.." (a delete) */
};

/* The SA part of a pluto line; the generic part (failure, conn, message)
 * is a struct log_event as for charon, with sa_id the state's serial. */
struct pluto_sa_event {
	enum pluto_sa_kind kind;
	uint32_t old_serial;        /* REKEY: the SA replaced; else 0 */
	char spi_in[9], spi_out[9]; /* CHILD_UP/REKEY: "d8d1dc0a", else "" */
	uint64_t bytes_in, bytes_out;  /* TRAFFIC: pluto prints KB/MB cut down,
					  so these are lower bounds */
	bool bytes_exact;           /* both were printed in B */
};

/* Classifies one line (without its newline) into ev (as log_classify()
 * does: conn and message set either way) and sa.  Returns 1 when ev->kind
 * or sa->kind is set, 0 otherwise.  ev is valid while line is. */
int log_classify_pluto(const char *line, size_t len, struct log_event *ev,
		       struct pluto_sa_event *sa);

#endif
