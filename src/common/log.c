#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level log_level = LOG_LEVEL_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const log_level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

int log_parse_level(const char *s, enum log_level *out)
{
	size_t i;

	for (i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++) {
		if (!strcmp(s, log_level_names[i])) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* The escape of one byte, or NULL when it stands for itself. */
static const char *log_escape_byte(unsigned char c, char tmp[5])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default: break;
	}
	if (c >= 0x20 && c != 0x7f)
		return NULL;
	snprintf(tmp, 5, "\\x%02x", c);
	return tmp;
}

size_t log_escape(char *out, size_t cap, const char *s)
{
	size_t n = 0;

	if (!cap)
		return 0;
	for (; *s; s++) {
		char tmp[5];
		const char *esc = log_escape_byte((unsigned char)*s, tmp);
		size_t len = esc ? strlen(esc) : 1;

		if (n + len >= cap)
			break;    /* never half an escape */
		memcpy(out + n, esc ? esc : s, len);
		n += len;
	}
	out[n] = '\0';
	return n;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char raw[1024], msg[2048], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* one line per message, and the value ends at its closing quote: a
	 * newline or a quote from a peer must not forge a line or a field */
	log_escape(msg, sizeof(msg), raw);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "ts=%s.%03ldZ level=%s msg=\"%s\"\n", stamp,
		ts.tv_nsec / 1000000, log_level_names[level], msg);
	pthread_mutex_unlock(&log_lock);
}
