/* Creating files safely where other users may write the directory or plant
 * links: an atomic replace through an exclusive, uniquely named temporary
 * file, and an append-only log opened without following links and checked
 * on its descriptor. */
#ifndef IKW_SAFE_FILE_H
#define IKW_SAFE_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Replaces path by buf[len] with the given mode: a temporary file in the
 * same directory created with O_EXCL|O_NOFOLLOW under a unique name, written,
 * fsync'd, renamed over path.  A planted file or link at any temporary name is
 * never written through.  Returns 0 or -errno (path untouched on failure). */
int safe_file_replace(const char *path, const void *buf, size_t len, mode_t mode);

/* Opens path for appending (O_APPEND|O_CREAT|O_NOFOLLOW|O_CLOEXEC, 0600).
 * Refuses a non-regular file (-EINVAL) and a file not owned by our euid
 * (-EPERM); clears group/other permission bits of an existing file.  Returns
 * the descriptor or -errno. */
int safe_file_open_append(const char *path);
/* The same with mode (0600 above; 0640 lets a log shipper's group read):
 * a new file gets mode, an existing one loses the bits mode does not
 * have. */
int safe_file_open_append_mode(const char *path, mode_t mode);

/* Writes all len bytes at p (retrying short writes and EINTR).  Returns 0
 * or -errno (-EIO for a write of 0). */
int safe_file_write_all(int fd, const char *p, size_t len);

#endif
