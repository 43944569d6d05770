#include "status/status_html_cells.h"

#include <inttypes.h>
#include <stdio.h>

#include "common/html.h"

void html_attr(struct strbuf *out, const char *name, const char *value)
{
	strbuf_addf(out, " %s=\"", name);
	html_escape(out, value);
	strbuf_addch(out, '"');
}

void html_td_duration(struct strbuf *out, int64_t seconds, const char *attrs)
{
	char buf[32];

	status_duration(buf, sizeof(buf), seconds);
	strbuf_addf(out, "<td%s>%s</td>", attrs, buf);
}

void html_td_bytes(struct strbuf *out, uint64_t bytes)
{
	char buf[32];

	status_bytes(buf, sizeof(buf), bytes);
	strbuf_addf(out, "<td class=\"n\" title=\"%" PRIu64 " bytes\">%s</td>", bytes, buf);
}

void html_tag(struct strbuf *out, const char *cls, const char *text)
{
	strbuf_addf(out, "<span class=\"tag %s\">", cls);
	html_escape(out, text);
	strbuf_addstr(out, "</span>");
}

void html_button_ike(struct strbuf *out, const struct status_conn *sc,
		     const struct ike_sa *sa)
{
	char title[64];

	snprintf(title, sizeof(title), "Terminate IKE SA #%" PRIu32, sa->uniqueid);
	strbuf_addf(out, "<button type=\"button\" data-act=\"terminate\" "
		    "data-ike-id=\"%" PRIu32 "\"", sa->uniqueid);
	html_attr(out, "data-conn", sc->name);
	html_attr(out, "title", title);
	strbuf_addstr(out, ">terminate</button>");
}
