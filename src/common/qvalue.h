/* HTTP quality values (RFC 7231 5.3.1), shared by Accept and
 * Accept-Encoding negotiation. */
#ifndef IKW_QVALUE_H
#define IKW_QVALUE_H

#include <stddef.h>

/* Parses "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")] of len bytes into
 * thousandths (0..1000); -1 if invalid. */
int qvalue_parse(const char *s, size_t len);

#endif
