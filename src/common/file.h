/* Reading a whole file that a person or ikewatch itself wrote (config, state),
 * with a size cap checked before allocating. */
#ifndef IKW_FILE_H
#define IKW_FILE_H

#include <stddef.h>

#include "common/err.h"

/* Reads the regular file at path (at most max bytes) into a NUL-terminated
 * malloc'd buffer.  Returns 0, -ENOENT (err set too), or another -errno with
 * err naming the path. */
int file_read_all(const char *path, size_t max, char **buf, size_t *len,
		  struct ikw_err *err);

/* The same for a secret (token, TLS key, salt): also refuses, with -EPERM, a
 * file that group or others may read or write.  The mode is the opened
 * descriptor's, so the file checked is the file read. */
int file_read_secret(const char *path, size_t max, char **buf, size_t *len,
		     struct ikw_err *err);

/* The same for files whose size stat() does not tell (/proc): reads to the
 * end, failing with -EFBIG past max bytes. */
int file_read_proc(const char *path, size_t max, char **buf, size_t *len,
		   struct ikw_err *err);

#endif
