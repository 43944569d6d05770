/* One logging module: logfmt-style lines on stderr, as Prometheus exporters
 * print them (time, level, message).  Peer identities and secrets are never
 * passed here by default. */
#ifndef IKW_LOG_H
#define IKW_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Accepts "error", "warn", "info", "debug".  Returns 0 or -EINVAL. */
int log_parse_level(const char *s, enum log_level *out);
/* s escaped for a quoted logfmt value into out (capacity cap, NUL-
 * terminated): " and \ get a backslash, newline, return and tab become
 * \n \r \t, other control bytes \xHH; cut at cap, never inside an escape.
 * Returns the length written. */
size_t log_escape(char *out, size_t cap, const char *s);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
