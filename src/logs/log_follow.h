/* Follows a log file like `tail -F`, in its own thread, and hands each new
 * line to a callback.
 *
 * Polls with stat() at an interval rather than inotify: a poll is one stat
 * and one fstat per file, latency up to the interval does not matter for
 * counters scraped every few seconds, and polling needs no special case for
 * the directory being replaced, a missing file, bind mounts, NFS or the
 * inotify watch limit.
 *
 * - starts at the end of an existing file (history is not counted; the
 *   rest of a line being written at that moment is skipped) unless
 *   from_start; a file that appears later, or after a rotation, is read
 *   from its start;
 * - rotation by rename (the path names another inode): the old file is read
 *   to its end, then the new one is opened;
 * - truncation (size below our offset, e.g. copytruncate): reads again
 *   from offset 0 (a rewrite past the old offset between two polls goes
 *   unnoticed);
 * - a line longer than line_max is delivered cut to line_max bytes with
 *   LOG_FOLLOW_TRUNCATED and the rest skipped as it arrives: memory stays
 *   line_max plus one read buffer, whatever the input;
 * - a last line without its newline waits for it (at a rotation it is
 *   delivered as it is, since the old file is complete). */
#ifndef IKW_LOG_FOLLOW_H
#define IKW_LOG_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_FOLLOW_LINE_MAX 8192
#define LOG_FOLLOW_INTERVAL_MS 500
#define LOG_FOLLOW_TRUNCATED 1u

/* line is not NUL-terminated, has no newline, and is valid only during the
 * call; it may contain any bytes. */
typedef void (*log_follow_fn)(void *ctx, const char *line, size_t len,
			      unsigned flags);

struct log_follow_opts {
	unsigned interval_ms;   /* 0 = LOG_FOLLOW_INTERVAL_MS */
	size_t line_max;        /* 0 = LOG_FOLLOW_LINE_MAX */
	bool from_start;        /* read an existing file from its start */
};

struct log_follow_stats {
	uint64_t lines, long_lines, bytes, rotations, truncations;
	bool open;              /* the file is open now */
};

struct log_follow;

/* Opens path if it exists (so that the end is taken at this call) and
 * starts the thread.  A missing file is not an error: it is waited for.
 * Returns 0, -EINVAL or -ENOMEM/-EAGAIN; *out is set on success. */
int log_follow_start(struct log_follow **out, const char *path,
		     const struct log_follow_opts *opts, log_follow_fn fn,
		     void *ctx);

/* Stops the thread (at most one read chunk late), closes and frees.
 * Accepts NULL. */
void log_follow_stop(struct log_follow *f);

void log_follow_get_stats(struct log_follow *f, struct log_follow_stats *st);

/* Where a one-shot reader stopped in a file, kept between runs. */
struct log_follow_pos {
	bool valid;             /* false: never read (first run) */
	uint64_t dev, ino, offset;
};

/* One-shot, for runs from cron: reads path from *pos to its end, handing
 * complete lines to fn, and updates *pos.  The first run (pos->valid
 * false) reads nothing before the end but the last incomplete line;
 * another file at the path (rotated) or a shorter one (truncated) is read
 * from its start: lines appended to a rotated file after the last run are
 * not seen.  st (may be NULL) gets the counts.  Returns 0 or -errno; a
 * missing file is -ENOENT and leaves *pos as it was. */
int log_follow_catchup(const char *path, struct log_follow_pos *pos,
		       const struct log_follow_opts *opts, log_follow_fn fn,
		       void *ctx, struct log_follow_stats *st);

#endif
