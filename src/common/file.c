#include "common/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads the regular file open on fd (at most max bytes). */
static int file_read_opened(int fd, const char *path, size_t max, bool secret,
			    char **buf, size_t *len, struct ikw_err *err)
{
	struct stat st;
	size_t have = 0;
	ssize_t n;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (size_t)st.st_size > max)
		return err_set(err, -EINVAL, "'%s' is not a regular file under %zu bytes",
			       path, max);
	if (secret && (st.st_mode & 077))
		return err_set(err, -EPERM, "'%s' holds a secret but its mode is %04o: "
			       "group or others may read it (chmod 600, owned by the user "
			       "ikewatch runs as)", path, (unsigned)(st.st_mode & 07777));
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf)
		return err_set(err, -ENOMEM, "out of memory");
	while (have < (size_t)st.st_size &&
	       ((n = read(fd, *buf + have, (size_t)st.st_size - have)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			have += (size_t)n;
	(*buf)[have] = '\0';
	*len = have;
	return 0;
}

static int file_read_path(const char *path, size_t max, bool secret, char **buf,
			  size_t *len, struct ikw_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return err_set(err, -errno, "cannot open '%s': %s", path, strerror(errno));
	r = file_read_opened(fd, path, max, secret, buf, len, err);
	close(fd);
	return r;
}

int file_read_all(const char *path, size_t max, char **buf, size_t *len,
		  struct ikw_err *err)
{
	return file_read_path(path, max, false, buf, len, err);
}

int file_read_secret(const char *path, size_t max, char **buf, size_t *len,
		     struct ikw_err *err)
{
	return file_read_path(path, max, true, buf, len, err);
}

static int file_read_fd(int fd, size_t max, char **buf, size_t *len)
{
	size_t have = 0, cap = 4096;
	char *p = malloc(cap + 1), *q;
	ssize_t n;

	if (!p)
		return -ENOMEM;
	for (;;) {
		if (have == cap) {
			if (cap > max) {
				free(p);
				return -EFBIG;
			}
			cap *= 2;
			q = realloc(p, cap + 1);
			if (!q) {
				free(p);
				return -ENOMEM;
			}
			p = q;
		}
		n = read(fd, p + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;

			free(p);
			return e;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	if (have > max) {
		free(p);
		return -EFBIG;
	}
	p[have] = '\0';
	*buf = p;
	*len = have;
	return 0;
}

int file_read_proc(const char *path, size_t max, char **buf, size_t *len,
		   struct ikw_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return err_set(err, -errno, "cannot open '%s': %s", path, strerror(errno));
	r = file_read_fd(fd, max, buf, len);
	close(fd);
	if (r == -EFBIG)
		return err_set(err, r, "'%s' is larger than %zu bytes", path, max);
	if (r)
		return err_set(err, r, "cannot read '%s': %s", path, strerror(-r));
	return 0;
}
