/* The end of a charon log file for one-shot runs (`ikewatch status --log`
 * without a daemon): its last bytes, whole lines only, handed to a
 * collector, each stamped with the time charon wrote at its start
 * ("YYYY-MM-DD HH:MM:SS", local time, as charon's filelog with
 * time_format) or, without one, the file's modification time. */
#ifndef IKW_LOG_TAIL_H
#define IKW_LOG_TAIL_H

#include <stddef.h>

#include "common/err.h"
#include "logs/log_collect.h"

#define LOG_TAIL_MAX (1024 * 1024)   /* bytes read from the end */

/* Feeds the last max (capped at LOG_TAIL_MAX) bytes of path to c.  A
 * missing file is 0 (nothing to show yet).  Returns 0 or -errno with err
 * set. */
int log_tail_read(const char *path, size_t max, struct log_collect *c, struct ikw_err *err);

/* The Unix time at the start of line (len bytes), or fallback. */
double log_tail_time(const char *line, size_t len, double fallback);

#endif
