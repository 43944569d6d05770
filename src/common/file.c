#include "common/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_all(const char *path, size_t max, char **buf, size_t *len,
		  struct ikw_err *err)
{
	struct stat st;
	size_t have = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		close(fd);
		return err_set(err, -EINVAL, "'%s' is not a regular file under %zu bytes",
			       path, max);
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return err_set(err, -ENOMEM, "out of memory");
	}
	while (have < (size_t)st.st_size &&
	       (n = read(fd, *buf + have, (size_t)st.st_size - have)) > 0)
		have += (size_t)n;
	close(fd);
	(*buf)[have] = '\0';
	*len = have;
	return 0;
}
