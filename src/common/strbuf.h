/* Growable byte buffer, always NUL-terminated.  Allocation failure is sticky:
 * once an append fails, `failed` is set, later appends are ignored, and the
 * owner checks strbuf_failed() once at the end instead of after every call.
 * An optional `limit` caps the length; exceeding it also marks the buffer
 * failed (used for untrusted sizes). */
#ifndef IKW_STRBUF_H
#define IKW_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;     /* NUL-terminated when alloc > 0; NULL until first append */
	size_t len;
	size_t alloc;
	size_t limit;  /* 0 = no limit */
	bool failed;
};

#define STRBUF_INIT { NULL, 0, 0, 0, false }

void strbuf_init(struct strbuf *sb, size_t limit);
void strbuf_release(struct strbuf *sb);
/* Empties the buffer but keeps its memory; clears `failed`. */
void strbuf_reset(struct strbuf *sb);
bool strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Removes the first n bytes. */
void strbuf_consume(struct strbuf *sb, size_t n);
/* Returns the content (never NULL) */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the buffer to the caller (free() it); leaves sb empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

static inline bool strbuf_failed(const struct strbuf *sb) { return sb->failed; }

#endif
