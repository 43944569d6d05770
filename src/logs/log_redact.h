/* Redaction of peers in a log line, as the snapshot's peers are redacted
 * (model/redact.h): every IPv4 or IPv6 address, every 'quoted' identity
 * and every [identity] right after an address is replaced by what
 * redact_value() makes of it.  Charon puts peers in exactly those places
 * ("authentication of 'sun' with ...", "between 192.0.2.1[moon]...").
 * Pure; with mode none the line is copied. */
#ifndef IKW_LOG_REDACT_H
#define IKW_LOG_REDACT_H

#include "common/strbuf.h"
#include "model/redact.h"

/* Appends line, redacted by rc (NULL: copied), to out. */
void log_redact_line(const struct redact_config *rc, const char *line, struct strbuf *out);

#endif
