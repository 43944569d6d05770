/* The status view as JSON (/api/v1/status, `ikewatch status --json`).
 * Times are seconds (elapsed, until) and Unix seconds (collected_at);
 * absent times are null.  Documented in docs/status.md. */
#ifndef IKW_STATUS_JSON_H
#define IKW_STATUS_JSON_H

#include "common/strbuf.h"
#include "status/status.h"

void status_json(const struct status_view *v, struct strbuf *out);

#endif
