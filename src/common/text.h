/* Text from untrusted sources (charon, files) made safe to show and to put in
 * labels: valid UTF-8 is kept, control bytes and invalid sequences become
 * '?'.  The result is never longer than the input. */
#ifndef IKW_TEXT_H
#define IKW_TEXT_H

#include <stddef.h>

/* Sanitizes len bytes of s into out (capacity len + 1), NUL-terminated.
 * Returns the output length. */
size_t text_sanitize(char *out, const char *s, size_t len);

#endif
