/* The event log's line: one event record as one JSON object on one line
 * (docs/eventlog.md has the schema), and the same fields for the journal.
 * Pure: no I/O, no clock (the record carries its time), so that unit tests
 * drive it directly. */
#ifndef IKW_EVENTLOG_LINE_H
#define IKW_EVENTLOG_LINE_H

#include "common/strbuf.h"
#include "model/event_record.h"
#include "model/redact.h"

/* Each string field is cut to this many bytes (before escaping) and made
 * valid UTF-8 without control bytes, so a line stays bounded whatever
 * charon or a log sends: about 30 fields of at most 6 bytes per byte. */
#define EVENTLOG_FIELD_MAX 512

/* Appends r as one JSON object and a '\n' to line.  rc (may be NULL: no
 * redaction) replaces the remote peer's address and identity unless
 * r->peers_redacted.  When journal is not NULL, the same fields are
 * appended to it as NUL-terminated "IKEWATCH_<FIELD>=value" strings, with
 * MESSAGE, PRIORITY and SYSLOG_IDENTIFIER, for sd_journal_sendv.  The
 * caller checks strbuf_failed(). */
void eventlog_line(const struct event_record *r, const struct redact_config *rc,
		   struct strbuf *line, struct strbuf *journal);

#endif
