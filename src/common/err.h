/* Error convention: functions return 0 on success and a negative errno on
 * failure.  Where a human needs to know why, the callee also writes one line
 * into a caller-owned struct ikw_err (which may be NULL). */
#ifndef IKW_ERR_H
#define IKW_ERR_H

#include <stddef.h>

struct ikw_err {
	char msg[256];
};

/* Formats the message into err (if not NULL) and returns code, so that
 * callers can write: return err_set(err, -EBADMSG, "...", ...); */
int err_set(struct ikw_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes an existing message: "prefix: old message". */
int err_prefix(struct ikw_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
