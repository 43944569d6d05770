/* The status page's log parts: the panel (the last lines, newest first,
 * with a GET form to filter by kind) and, in each conn's section, how far
 * its negotiation got, its event timeline and its own last lines.  Every
 * byte of a line is HTML-escaped. */
#ifndef IKW_STATUS_LOG_HTML_H
#define IKW_STATUS_LOG_HTML_H

#include "common/strbuf.h"
#include "status/status.h"

/* The page's CSS for these parts. */
extern const char status_log_html_css[];

void status_log_html_conn(const struct status_conn *sc, struct strbuf *out);
/* filter: the page's conn glob (kept by the kind form), may be NULL */
void status_log_html_panel(const struct status_view *v, const char *filter,
			   struct strbuf *out);

#endif
