#include "metrics/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/strbuf.h"

static int textfile_write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Pulls every piece of src into fd. */
static int textfile_copy(int fd, const struct body_source *src)
{
	struct strbuf sb = STRBUF_INIT;
	int more = 1, r = 0;

	while (more > 0 && r == 0) {
		strbuf_reset(&sb);
		more = src->next(src->ctx, &sb);
		if (more < 0)
			r = more;
		else if (strbuf_failed(&sb))
			r = -ENOMEM;
		else
			r = textfile_write_all(fd, sb.buf, sb.len);
	}
	strbuf_release(&sb);
	return r;
}

/* O_EXCL with O_NOFOLLOW: a planted file or symlink at the temporary name is
 * never written through.  A leftover of an earlier process that had our pid
 * is removed once. */
static int textfile_create(const char *tmp)
{
	int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(tmp, flags, 0644);

	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
		fd = open(tmp, flags, 0644);
	if (fd < 0)
		return -errno;
	/* node_exporter usually runs as another user: 0644 whatever the umask */
	if (fchmod(fd, 0644) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static int textfile_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Writes, syncs and closes tmp.  Returns 0 or -errno. */
static int textfile_fill(const char *tmp, const struct body_source *src)
{
	int fd = textfile_create(tmp), r;

	if (fd < 0)
		return fd;
	r = textfile_copy(fd, src);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

int textfile_write(const char *dir, const char *name,
		   const struct body_source *src, struct ikw_err *err)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	int r;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		r = err_set(err, -EINVAL, "invalid textfile name '%s'", name);
		goto out;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", dir, name,
			     (long)getpid()) >= sizeof(tmp)) {
		r = err_set(err, -ENAMETOOLONG, "textfile path too long: '%s/%s'",
			    dir, name);
		goto out;
	}
	r = textfile_fill(tmp, src);
	if (r < 0) {
		if (r != -EEXIST)  /* EEXIST: the file at tmp is not ours */
			unlink(tmp);
		err_set(err, r, "cannot write '%s': %s", path, strerror(-r));
		goto out;
	}
	if (rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		err_set(err, r, "cannot rename '%s' to '%s': %s", tmp, path,
			strerror(-r));
		goto out;
	}
	r = textfile_sync_dir(dir);
	if (r < 0)
		err_set(err, r, "cannot sync directory '%s': %s", dir, strerror(-r));
out:
	if (src->free)
		src->free(src->ctx);
	return r;
}
