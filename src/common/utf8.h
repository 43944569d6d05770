/* UTF-8 well-formedness (RFC 3629: no overlong forms, no surrogates, at
 * most U+10FFFF): the one check behind text_sanitize, the JSON readers and
 * the exposition's escaping. */
#ifndef IKW_UTF8_H
#define IKW_UTF8_H

#include <stddef.h>

/* Length (1-4) of the well-formed sequence at p, of which at most left bytes
 * may be read; 0 if there is none.  Bytes are read in order and reading
 * stops at the first bad one, so a NUL-terminated string may pass
 * left = SIZE_MAX. */
size_t utf8_seq_len(const unsigned char *p, size_t left);

#endif
