/* What one-shot runs (`ikewatch textfile` from cron) keep between them for
 * the log sources: where each followed file and the journal were left, and
 * the failure and rule counters so far, so that the counters in the
 * textfile stay monotonic.  A line format, strings hex-encoded:
 *   ikewatch-logs 1
 *   file <path> <dev> <ino> <offset>
 *   journal <cursor>
 *   failure <conn> <reason> <count>
 *   last <conn> <reason> <unix seconds>
 *   rule <rule> <count> <nlabels> [<name> <value>]...
 *   end
 * The parser is pure and strict: a damaged file is an error naming the
 * line, and the caller starts afresh (counters reset, which Prometheus
 * handles) instead of trusting it. */
#ifndef IKW_LOG_STATE_H
#define IKW_LOG_STATE_H

#include <stddef.h>

#include "common/err.h"
#include "common/strbuf.h"
#include "logs/log_config.h"
#include "logs/log_follow.h"
#include "logs/log_journal.h"
#include "model/events.h"

#define LOG_STATE_MAX (16 * 1024 * 1024)
#define LOG_STATE_PATH_MAX 4096

struct log_state {
	struct log_state_file {
		char path[LOG_STATE_PATH_MAX];
		struct log_follow_pos pos;
	} files[LOG_CONFIG_FILES_MAX];
	size_t nfiles;
	char cursor[LOG_JOURNAL_CURSOR_MAX];   /* "" = none yet */
};

/* The saved position of path, or NULL. */
struct log_follow_pos *log_state_pos(struct log_state *ls, const char *path);
/* The position slot for path, added when missing; NULL when full. */
struct log_follow_pos *log_state_pos_add(struct log_state *ls, const char *path);

void log_state_format(const struct log_state *ls, const struct event_view *v,
		      struct strbuf *out);
/* Fills ls and adds the saved counters to store (which should be empty). */
int log_state_parse(struct log_state *ls, struct event_store *store,
		    const char *buf, size_t len, struct ikw_err *err);

/* Missing file: empty state, 0. */
int log_state_load(struct log_state *ls, struct event_store *store,
		   const char *path, struct ikw_err *err);
int log_state_save(const struct log_state *ls, struct event_store *store,
		   const char *path, struct ikw_err *err);

#endif
