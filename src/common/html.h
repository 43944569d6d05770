/* HTML escaping, one for every page ikewatch writes. */
#ifndef IKW_HTML_H
#define IKW_HTML_H

#include "common/strbuf.h"

/* Appends s (NULL: nothing) with the five characters that can end text, an
 * attribute or a tag (& < > " ') replaced by entities. */
void html_escape(struct strbuf *out, const char *s);

#endif
