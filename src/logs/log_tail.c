#include "logs/log_tail.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double log_tail_time(const char *line, size_t len, double fallback)
{
	char buf[20];
	struct tm tm;
	const char *end;
	time_t t;

	if (len < 19)
		return fallback;
	memcpy(buf, line, 19);
	buf[19] = '\0';
	memset(&tm, 0, sizeof(tm));
	end = strptime(buf, "%Y-%m-%d %H:%M:%S", &tm);
	if (!end || *end)
		return fallback;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return t == (time_t)-1 ? fallback : (double)t;
}

/* The whole lines of buf (the first one cut unless from the file's start). */
static void log_tail_lines(char *buf, size_t n, bool whole_first, double mtime,
			   struct log_collect *c)
{
	char *p = buf, *end = buf + n, *nl;

	if (!whole_first) {
		nl = memchr(p, '\n', n);
		if (!nl)
			return;
		p = nl + 1;
	}
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
		size_t len = (size_t)(nl - p);

		if (len)
			log_collect_line(c, p, len, log_tail_time(p, len, mtime));
		p = nl + 1;
	}
}

int log_tail_read(const char *path, size_t max, struct log_collect *c, struct ikw_err *err)
{
	struct stat st;
	off_t from;
	ssize_t got = 0;
	size_t n = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : err_set(err, -errno, "cannot open '%s': %s", path,
						     strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, -EINVAL, "'%s' is not a readable file", path);
	}
	if (max > LOG_TAIL_MAX)
		max = LOG_TAIL_MAX;
	from = st.st_size > (off_t)max ? st.st_size - (off_t)max : 0;
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return err_set(err, -ENOMEM, "out of memory");
	}
	while (n < max && (got = pread(fd, buf + n, max - n, from + (off_t)n)) > 0)
		n += (size_t)got;
	if (got < 0)
		rc = err_set(err, -errno, "cannot read '%s': %s", path, strerror(errno));
	else
		log_tail_lines(buf, n, from == 0, (double)st.st_mtime, c);
	free(buf);
	close(fd);
	return rc;
}
