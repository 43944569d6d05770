#include "common/safe_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int safe_file_write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* PATH.tmp.PID.SEQ.NSEC: unique within the process (counter) and unlikely
 * to be guessed ahead; O_EXCL makes a guessed name fail, never a hijack. */
static int safe_tmp_name(char *tmp, size_t size, const char *path)
{
	static atomic_uint seq;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if ((size_t)snprintf(tmp, size, "%s.tmp.%ld.%u.%ld", path, (long)getpid(),
			     atomic_fetch_add(&seq, 1), (long)ts.tv_nsec) >= size)
		return -ENAMETOOLONG;
	return 0;
}

static int safe_fill(int fd, const void *buf, size_t len, mode_t mode)
{
	int r = fchmod(fd, mode) < 0 ? -errno : 0;  /* whatever the umask */

	if (r == 0)
		r = safe_file_write_all(fd, buf, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int safe_file_replace(const char *path, const void *buf, size_t len, mode_t mode)
{
	char tmp[4200];
	int fd, r, tries;

	for (tries = 0; tries < 8; tries++) {
		r = safe_tmp_name(tmp, sizeof(tmp), path);
		if (r < 0)
			return r;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  mode & 0777);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0)
		return -errno;
	r = safe_fill(fd, buf, len, mode & 0777);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int safe_file_open_append(const char *path)
{
	return safe_file_open_append_mode(path, 0600);
}

int safe_file_open_append_mode(const char *path, mode_t mode)
{
	/* O_NONBLOCK: a FIFO planted at the path fails at once (ENXIO without
	 * a reader) instead of blocking the open; cleared below */
	const int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	/* a file made here gets mode whatever the umask (systemd's UMask=0077
	 * would take a log shipper's group read away) */
	int fd = open(path, flags | O_CREAT | O_EXCL, mode & 0666);
	bool made = fd >= 0;
	struct stat st;
	int r = 0;

	if (fd < 0 && errno == EEXIST)
		fd = open(path, flags);
	if (fd < 0)
		return errno == ELOOP || errno == ENXIO ? -EINVAL : -errno;
	if (made && fchmod(fd, mode & 0666) < 0)
		r = -errno;
	else if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if (st.st_uid != geteuid())
		r = -EPERM;
	else if ((st.st_mode & 0777 & ~mode) &&
		 fchmod(fd, st.st_mode & 0777 & mode) < 0)
		r = -errno;
	else if (fcntl(fd, F_SETFL, O_APPEND) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}
