#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/html.h"
#include "status/status_html_cells.h"
#include "status/status_ra.h"

const char status_ra_html_css[] =
	"p.ra{margin:.3rem 0}\n"
	"tr.session.refused td{color:var(--warn)}\n";

static void ra_html_session(const struct status_conn *sc, const struct status_ike *si,
			    bool actions, struct strbuf *out)
{
	struct status_session ss;

	status_session_of(si->sa, &ss);
	strbuf_addf(out, "<tr class=\"session%s\"", ss.session ? "" : " refused");
	html_attr(out, "data-conn", sc->name);
	strbuf_addf(out, " data-ike=\"%" PRIu32 "\"><td>#%" PRIu32 "</td><td>",
		    ss.sa->uniqueid, ss.sa->uniqueid);
	html_escape(out, ss.sa->remote_id);
	strbuf_addstr(out, "</td><td>");
	html_escape(out, ss.state);
	strbuf_addstr(out, "</td><td>");
	html_escape(out, ss.sa->remote_host);
	strbuf_addstr(out, "</td><td>");
	html_escape(out, ss.vips[0] ? ss.vips : "-");
	strbuf_addstr(out, "</td>");
	html_td_duration(out, ss.sa->established_for, " class=\"n\"");
	html_td_bytes(out, ss.bytes_in);
	html_td_bytes(out, ss.bytes_out);
	if (actions) {
		strbuf_addstr(out, "<td>");
		html_button_ike(out, sc, ss.sa);
		strbuf_addstr(out, "</td>");
	}
	strbuf_addstr(out, "</tr>\n");
}

void status_ra_html(const struct status_conn *sc, bool actions, struct strbuf *out)
{
	char sum[512];
	size_t i;

	status_ra_summary(sc, sum, sizeof(sum));
	strbuf_addstr(out, "<p class=\"ra\">remote access: ");
	html_escape(out, sum);
	strbuf_addstr(out, "</p>\n");
	if (!sc->nikes)
		return;
	strbuf_addstr(out, "<table class=\"sessions\"><caption>Sessions</caption>\n"
		      "<thead><tr><th>Session</th><th>Identity</th><th>Status</th>"
		      "<th>Remote address</th><th>Virtual IP</th><th>Since</th>"
		      "<th>Bytes in</th><th>Bytes out</th>");
	strbuf_addstr(out, actions ? "<th></th></tr></thead>\n<tbody>\n" :
		      "</tr></thead>\n<tbody>\n");
	for (i = 0; i < sc->nikes; i++)
		ra_html_session(sc, &sc->ikes[i], actions, out);
	strbuf_addstr(out, "</tbody></table>\n");
}
