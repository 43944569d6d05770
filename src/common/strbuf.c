#include "common/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_init(struct strbuf *sb, size_t limit)
{
	*sb = (struct strbuf)STRBUF_INIT;
	sb->limit = limit;
}

void strbuf_release(struct strbuf *sb)
{
	size_t limit = sb->limit;

	free(sb->buf);
	strbuf_init(sb, limit);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->failed = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

bool strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want, alloc;
	char *p;

	if (sb->failed)
		return false;
	if (extra > SIZE_MAX - sb->len - 1 ||
	    (sb->limit && sb->len + extra > sb->limit)) {
		sb->failed = true;
		return false;
	}
	want = sb->len + extra + 1;
	if (want <= sb->alloc)
		return true;
	alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < want)
		alloc = alloc > SIZE_MAX / 2 ? want : alloc * 2;
	p = realloc(sb->buf, alloc);
	if (!p) {
		sb->failed = true;
		return false;
	}
	sb->buf = p;
	sb->alloc = alloc;
	return true;
}

/* Whether len more bytes and the NUL fit without growing, within the limit:
 * the renderer appends some 300,000 short pieces per scrape at 1000 tunnels,
 * and going through strbuf_grow() for each was a tenth of its CPU. */
static bool strbuf_fits(const struct strbuf *sb, size_t len)
{
	return !sb->failed && len < sb->alloc - sb->len &&
	       (!sb->limit || len <= sb->limit - sb->len);
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!strbuf_fits(sb, len) && !strbuf_grow(sb, len))
		return;
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	if (!strbuf_fits(sb, 1) && !strbuf_grow(sb, 1))
		return;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!strbuf_grow(sb, 64))
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if ((size_t)n >= sb->alloc - sb->len) {
		if (!strbuf_grow(sb, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
		va_end(ap);
	}
	if (sb->limit && sb->len + (size_t)n > sb->limit) {
		sb->failed = true;
		sb->buf[sb->len] = '\0';
		return;
	}
	sb->len += (size_t)n;
}

void strbuf_consume(struct strbuf *sb, size_t n)
{
	if (n >= sb->len) {
		strbuf_reset(sb);
		return;
	}
	memmove(sb->buf, sb->buf + n, sb->len - n + 1);
	sb->len -= n;
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p = sb->buf;

	if (len)
		*len = sb->len;
	if (!p)
		p = calloc(1, 1);
	strbuf_init(sb, sb->limit);
	return p;
}
