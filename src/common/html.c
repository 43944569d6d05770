#include "common/html.h"

void html_escape(struct strbuf *out, const char *s)
{
	const char *run = s ? s : "";

	for (s = run; *s; s++) {
		const char *rep;

		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		strbuf_add(out, run, (size_t)(s - run));
		strbuf_addstr(out, rep);
		run = s + 1;
	}
	strbuf_addstr(out, run);
}
