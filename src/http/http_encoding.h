/* Accept-Encoding, as far as the metrics need it: may the body be gzipped. */
#ifndef IKW_HTTP_ENCODING_H
#define IKW_HTTP_ENCODING_H

#include <stdbool.h>

/* Whether an Accept-Encoding header allows gzip (q > 0 for gzip, or for *
 * when gzip is not named).  NULL: no. */
bool http_accepts_gzip(const char *accept_encoding);

#endif
