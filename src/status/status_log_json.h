/* The status view's log as JSON (/api/v1/log, `ikewatch status --log
 * --json`), and the negotiation and timeline objects that /api/v1/status
 * also carries per conn.  Documented in docs/status.md "Log". */
#ifndef IKW_STATUS_LOG_JSON_H
#define IKW_STATUS_LOG_JSON_H

#include "common/json_out.h"
#include "common/strbuf.h"
#include "status/status.h"

/* {"conns": [{name, attention, reason, negotiation, timeline}], "lines":
 * [{time, ts, conn, ike_id, kind, text}], "limit", "kinds"} */
void status_log_json(const struct status_view *v, struct strbuf *out);

/* "negotiation": {...} or null, "timeline": {...} or null, inside sc's object */
void status_log_json_conn(struct json_out *j, const struct status_conn *sc);
/* "log": [...] lines, keyed key */
void status_log_json_lines(struct json_out *j, const char *key, const struct status_log *l);

#endif
