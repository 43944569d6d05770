#include "status/status_log_html.h"

#include <string.h>

#include "common/html.h"

const char status_log_html_css[] =
	".log{font:12px/1.35 ui-monospace,monospace;border-collapse:collapse;width:100%}\n"
	".log td{white-space:pre-wrap;word-break:break-all;vertical-align:top}\n"
	".log td.t,.log td.k,.log td.c{white-space:nowrap}.log td.m{width:100%}\n"
	".log tr.kind-failure td{color:var(--bad)}\n"
	".log tr.kind-rekey td.k{color:var(--busy)}\n"
	".log tr.kind-updown td.k{color:var(--ok)}\n"
	".negotiation{border:1px solid var(--busy);padding:.3rem .6rem;margin:.3rem 0}\n"
	".timeline span{margin-right:1rem}\n"
	"#log{margin-top:1.5rem}\n";

static void slh_time(struct strbuf *out, double ts)
{
	char buf[32];

	status_log_time(buf, sizeof(buf), ts);
	if (ts > 0)
		strbuf_addf(out, "<time datetime=\"%s\">%s</time>", buf, buf);
	else
		strbuf_addstr(out, "never");
}

static void slh_negotiation(const struct status_conn *sc, struct strbuf *out)
{
	const struct negotiation_view *n = sc->negotiation;
	char dur[32];

	if (!n)
		return;
	status_duration(dur, sizeof(dur), n->since > 0 ?
			(int64_t)sc->log_now - (int64_t)n->since : TIME_NONE);
	strbuf_addf(out, "<div class=\"negotiation\" data-exchange=\"%s\" data-retransmits=\"%u\">"
		    "Negotiating %s SA #%u: <b class=\"exchange\">%s</b> %s",
		    n->exchange ? ike_exchange_names[n->exchange] : "",
		    n->retransmits, n->child ? "a CHILD SA over IKE" : "IKE", n->sa_id,
		    n->exchange ? ike_exchange_names[n->exchange] : "exchange unknown",
		    n->queued ? "queued" : "in flight");
	strbuf_addf(out, ", trying for <span class=\"for\">%s</span> (since ", dur);
	slh_time(out, n->since);
	strbuf_addf(out, "), <span class=\"retransmits\">%u</span> retransmit%s",
		    n->retransmits, n->retransmits == 1 ? "" : "s");
	if (!n->child)
		strbuf_addf(out, ", try %u", n->tries ? n->tries : 1);
	if (n->last_error[0]) {
		strbuf_addstr(out, "<br>last error ");
		slh_time(out, n->last_error_at);
		strbuf_addstr(out, ": <code class=\"last-error\">");
		html_escape(out, n->last_error);
		strbuf_addstr(out, "</code>");
	}
	strbuf_addstr(out, "</div>\n");
}

static void slh_timeline(const struct status_timeline *t, struct strbuf *out)
{
	int i;

	if (!t->have)
		return;
	strbuf_addstr(out, "<p class=\"timeline\"><small>");
	for (i = 0; i < STATUS_TL_COUNT; i++) {
		strbuf_addf(out, "<span data-event=\"%s\">last %s: ", status_timeline_names[i],
			    status_timeline_names[i]);
		slh_time(out, t->last[i]);
		if (i == STATUS_TL_FAILURE && t->failure_reason[0])
			strbuf_addf(out, " (%s)", t->failure_reason);
		strbuf_addf(out, " &times;%llu</span>", (unsigned long long)t->count[i]);
	}
	strbuf_addstr(out, "</small></p>\n");
}

static void slh_lines(const struct status_log *l, bool with_conn, struct strbuf *out)
{
	size_t i;

	strbuf_addstr(out, "<table class=\"log\"><tbody>\n");
	for (i = 0; i < l->n; i++) {
		const struct status_log_line *x = &l->lines[i];

		strbuf_addf(out, "<tr class=\"line kind-%s\"", log_line_kind_names[x->kind]);
		strbuf_addstr(out, " data-conn=\"");
		html_escape(out, x->conn);
		strbuf_addstr(out, "\"><td class=\"t\">");
		slh_time(out, x->ts);
		strbuf_addf(out, "</td><td class=\"k\">%s</td>", log_line_kind_names[x->kind]);
		if (with_conn) {
			strbuf_addstr(out, "<td class=\"c\">");
			html_escape(out, x->conn);
			strbuf_addstr(out, "</td>");
		}
		strbuf_addstr(out, "<td class=\"m\">");
		html_escape(out, x->text);
		strbuf_addstr(out, "</td></tr>\n");
	}
	strbuf_addstr(out, "</tbody></table>\n");
}

void status_log_html_conn(const struct status_conn *sc, struct strbuf *out)
{
	slh_negotiation(sc, out);
	slh_timeline(&sc->timeline, out);
	if (!sc->log.have || !sc->log.n)
		return;
	strbuf_addf(out, "<details class=\"conn-log\"%s><summary>Last %zu log lines</summary>\n",
		    sc->attention != ST_OK ? " open" : "", sc->log.n);
	slh_lines(&sc->log, false, out);
	strbuf_addstr(out, "</details>\n");
}

/* A GET form: kind and limit, the conn glob kept. */
static void slh_form(const struct status_view *v, const char *filter, struct strbuf *out)
{
	unsigned k;

	strbuf_addstr(out, "<form method=\"get\" class=\"log-filter\">");
	if (filter && *filter) {
		strbuf_addstr(out, "<input type=\"hidden\" name=\"conn\" value=\"");
		html_escape(out, filter);
		strbuf_addstr(out, "\">");
	}
	strbuf_addstr(out, "<label for=\"kind\">Kind</label><select id=\"kind\" name=\"kind\">"
		      "<option value=\"all\">all</option>");
	for (k = 0; k < LOG_LINE_KIND_COUNT; k++)
		strbuf_addf(out, "<option value=\"%s\"%s>%s</option>", log_line_kind_names[k],
			    v->logq.kinds == (1u << k) ? " selected" : "", log_line_kind_names[k]);
	strbuf_addstr(out, "</select><button type=\"submit\">Show</button></form>\n");
}

void status_log_html_panel(const struct status_view *v, const char *filter,
			   struct strbuf *out)
{
	strbuf_addstr(out, "<div id=\"log\" class=\"log-panel\"><h2>VPN log "
		      "<small>newest first");
	if (filter && *filter) {
		strbuf_addstr(out, ", connections ");
		html_escape(out, filter);
	}
	strbuf_addstr(out, "</small></h2>\n");
	slh_form(v, filter, out);
	if (!v->log.have)
		strbuf_addstr(out, "<p class=\"empty\">No log: configure <code>logs:</code> "
			      "(files, journal or vici_log).</p>\n");
	else if (!v->log.n)
		strbuf_addstr(out, "<p class=\"empty\">No log lines.</p>\n");
	else
		slh_lines(&v->log, true, out);
	strbuf_addstr(out, "</div>\n");
}
