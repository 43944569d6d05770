/* The status view's log for a terminal (`ikewatch status --log`, and
 * /api/v1/log?format=text for `--url`): per conn how far its negotiation
 * got and its timeline, then the lines, newest first.  Every string passes
 * text_for_terminal(): no control byte reaches the terminal. */
#ifndef IKW_STATUS_LOG_TEXT_H
#define IKW_STATUS_LOG_TEXT_H

#include "common/strbuf.h"
#include "status/status.h"

void status_log_text(const struct status_view *v, struct strbuf *out);

#endif
