/* Small line-based state files that one-shot runs keep between them
 * (`ikewatch textfile` from cron): hex-encoded strings, lines split on
 * single spaces, and an atomic save (write a temporary file, fsync, rename)
 * so that a crash leaves the old file or the new one, never half of one. */
#ifndef IKW_STATEFILE_H
#define IKW_STATEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "common/strbuf.h"

#define STATEFILE_FIELDS_MAX 12

/* s as lowercase hex, or "-" when empty. */
void statefile_hex(struct strbuf *out, const char *s, size_t len);
/* Decodes hex (or "-" for empty) into out[size], NUL-terminated; false if
 * malformed, too long, or if it would hold a NUL. */
bool statefile_unhex(const char *s, size_t len, char *out, size_t size);

struct statefile_line {
	const char *f[STATEFILE_FIELDS_MAX];
	size_t len[STATEFILE_FIELDS_MAX];
	size_t n;
};
/* Splits one line on single spaces; false if it has too many fields. */
bool statefile_split(const char *s, size_t len, struct statefile_line *l);
/* Whether field 0 is word. */
bool statefile_is(const struct statefile_line *l, const char *word);

/* Walks a state file: its size at most max, line 1 exactly magic, then
 * each complete line to line_fn (false: malformed), a last line without
 * its newline ignored (truncated).  *ended, which line_fn sets at the "end"
 * line, must be true at the end.  Returns 0 or -EFBIG/-EBADMSG with err
 * naming the line. */
int statefile_parse(const char *buf, size_t len, size_t max, const char *magic,
		    bool (*line_fn)(void *ctx, const char *s, size_t len), void *ctx,
		    const bool *ended, struct ikw_err *err);

/* Writes buf to path atomically (mode 0600). */
int statefile_save(const char *path, const char *buf, size_t len,
		   struct ikw_err *err);

#endif
