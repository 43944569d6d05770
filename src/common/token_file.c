#include "common/token_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"

int token_file_load(const char *path, const char *what, size_t min, char **out,
		    struct ikw_err *err)
{
	size_t len;
	char *buf;
	int r = file_read_secret(path, 4096, &buf, &len, err);

	if (r)
		return err_prefix(err, r, "%s", what);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	if (len < min || strlen(buf) != len || strpbrk(buf, " \t\r\n")) {
		free(buf);
		return err_set(err, -EINVAL, "%s '%s': want one line of at least %zu characters "
			       "without blanks", what, path, min);
	}
	*out = buf;
	return 0;
}
