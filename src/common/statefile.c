#include "common/statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void statefile_hex(struct strbuf *out, const char *s, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (!len) {
		strbuf_addch(out, '-');
		return;
	}
	for (i = 0; i < len; i++) {
		strbuf_addch(out, digits[(unsigned char)s[i] >> 4]);
		strbuf_addch(out, digits[(unsigned char)s[i] & 15]);
	}
}

static int statefile_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool statefile_unhex(const char *s, size_t len, char *out, size_t size)
{
	size_t i;

	if (len == 1 && s[0] == '-') {
		out[0] = '\0';
		return true;
	}
	if (!len || len % 2 || len / 2 >= size)
		return false;
	for (i = 0; i < len; i += 2) {
		int hi = statefile_hexval(s[i]), lo = statefile_hexval(s[i + 1]);

		if (hi < 0 || lo < 0 || (hi | lo) == 0)
			return false;
		out[i / 2] = (char)(hi << 4 | lo);
	}
	out[len / 2] = '\0';
	return true;
}

bool statefile_split(const char *s, size_t len, struct statefile_line *l)
{
	size_t i, start = 0;

	l->n = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ' ')
			continue;
		if (l->n == STATEFILE_FIELDS_MAX)
			return false;
		l->f[l->n] = s + start;
		l->len[l->n++] = i - start;
		start = i + 1;
	}
	return true;
}

bool statefile_is(const struct statefile_line *l, const char *word)
{
	return l->n && l->len[0] == strlen(word) && !memcmp(l->f[0], word, l->len[0]);
}

static int statefile_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return fsync(fd) ? -errno : 0;
}

int statefile_save(const char *path, const char *buf, size_t len,
		   struct ikw_err *err)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, r = 0;

	strbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (strbuf_failed(&tmp)) {
		strbuf_release(&tmp);
		return err_set(err, -ENOMEM, "out of memory");
	}
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		r = err_set(err, -errno, "cannot create '%s': %s", tmp.buf, strerror(errno));
	} else if ((r = statefile_write_all(fd, buf, len)) < 0) {
		err_set(err, r, "cannot write '%s': %s", tmp.buf, strerror(errno));
		close(fd);
		unlink(tmp.buf);
	} else {
		close(fd);
		if (rename(tmp.buf, path)) {
			r = err_set(err, -errno, "cannot rename to '%s': %s", path,
				    strerror(errno));
			unlink(tmp.buf);
		}
	}
	strbuf_release(&tmp);
	return r;
}

int statefile_parse(const char *buf, size_t len, size_t max, const char *magic,
		    bool (*line_fn)(void *ctx, const char *s, size_t len), void *ctx,
		    const bool *ended, struct ikw_err *err)
{
	size_t pos = 0, line = 0, mlen = strlen(magic);

	if (len > max)
		return err_set(err, -EFBIG, "state file larger than %zu bytes", max);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		line++;
		if (!nl)
			break;   /* a last line without newline: truncated */
		if (line == 1 ? (n != mlen || memcmp(buf, magic, mlen)) :
				!line_fn(ctx, buf + pos, n))
			return err_set(err, -EBADMSG, "line %zu: malformed", line);
		pos += n + 1;
	}
	if (!*ended)
		return err_set(err, -EBADMSG, "truncated (no 'end' line)");
	return 0;
}
