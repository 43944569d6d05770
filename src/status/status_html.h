/* The status view as an HTML page for `/status` on the daemon: one document,
 * server-rendered, with its CSS and its few lines of script inline, so that
 * it works offline and loads nothing from anywhere.  Every string that came
 * from charon (names, identities, addresses, algorithms) and the filter the
 * client sent are HTML-escaped.
 *
 * The page's action buttons (when enabled) only call the JSON API with a
 * bearer token the operator types in; the page itself changes nothing, and a
 * plain GET of it has no effect. */
#ifndef IKW_STATUS_HTML_H
#define IKW_STATUS_HTML_H

#include <stdbool.h>

#include "common/strbuf.h"
#include "status/status.h"

struct status_html_opts {
	unsigned refresh_s;     /* reload every N seconds; 0: no refresh */
	const char *filter;     /* current conn glob, echoed in the filter box;
				   NULL or "" for none */
	bool actions;           /* terminate/initiate buttons and token box */
};

/* Appends the whole page for v to out.  Allocation failure is sticky in out
 * (see strbuf.h): the caller checks strbuf_failed(out). */
void status_html(const struct status_view *v, const struct status_html_opts *o,
		 struct strbuf *out);

#endif
