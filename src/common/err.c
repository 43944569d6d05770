#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct ikw_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int err_prefix(struct ikw_err *err, int code, const char *fmt, ...)
{
	char prefix[128], old[sizeof(err->msg)];
	size_t len, n;
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	/* the message is cut at the buffer's end if it must be */
	len = strlen(prefix);
	memcpy(err->msg, prefix, len);
	if (len + 2 < sizeof(err->msg)) {
		memcpy(err->msg + len, ": ", 2);
		len += 2;
		n = strlen(old);
		if (n > sizeof(err->msg) - 1 - len)
			n = sizeof(err->msg) - 1 - len;
		memcpy(err->msg + len, old, n);
		len += n;
	}
	err->msg[len] = '\0';
	return code;
}
