/* Text from untrusted sources (charon, files) made safe to show and to put in
 * labels: valid UTF-8 is kept, control bytes and invalid sequences become
 * '?'.  The result is never longer than the input. */
#ifndef IKW_TEXT_H
#define IKW_TEXT_H

#include <stddef.h>

/* Sanitizes len bytes of s into out (capacity len + 1), NUL-terminated.
 * Returns the output length. */
size_t text_sanitize(char *out, const char *s, size_t len);

/* The same for a terminal: also the C1 controls (U+0080..U+009F, which some
 * terminals take as CSI and OSC) become '?', so that text from charon or a
 * daemon cannot move the cursor, retitle the window or hide a line.  With
 * keep_newlines, '\n' stays. */
size_t text_for_terminal(char *out, const char *s, size_t len, int keep_newlines);

#endif
