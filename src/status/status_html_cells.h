/* Cells and buttons the status page's parts share (status_html.c,
 * status_ra_html.c).  Every string is HTML-escaped. */
#ifndef IKW_STATUS_HTML_CELLS_H
#define IKW_STATUS_HTML_CELLS_H

#include <stdint.h>

#include "common/strbuf.h"
#include "model/model.h"
#include "status/status.h"

/* ` name="value"`, value escaped. */
void html_attr(struct strbuf *out, const char *name, const char *value);
/* <td> with status_duration(seconds); attrs: "" or " class=..." */
void html_td_duration(struct strbuf *out, int64_t seconds, const char *attrs);
/* <td class="n"> with status_bytes(), the exact count in its title */
void html_td_bytes(struct strbuf *out, uint64_t bytes);
/* <span class="tag CLS">text</span> */
void html_tag(struct strbuf *out, const char *cls, const char *text);
/* The terminate button of IKE SA sa of sc (the page's script posts it). */
void html_button_ike(struct strbuf *out, const struct status_conn *sc,
		     const struct ike_sa *sa);

#endif
