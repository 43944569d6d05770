#include "logs/log_follow.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/log.h"

#define LOG_FOLLOW_CHUNK (64 * 1024)

struct log_follow {
	char *path;
	struct log_follow_opts o;
	log_follow_fn fn;
	void *ctx;

	int fd;                 /* -1 while the file is missing */
	dev_t dev;
	ino_t ino;
	off_t pos;
	char *line;             /* the partial line, line_max bytes */
	size_t line_len;
	bool skipping;          /* inside an over-long line */
	char *chunk;
	int last_err;           /* last open error logged, to log it once */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_bool stopping;

	atomic_uint_least64_t lines, long_lines, bytes, rotations, truncations;
	atomic_bool open;
};

/* ---- lines ---------------------------------------------------------------- */

static void log_follow_emit(struct log_follow *f, const char *p, size_t n,
			    unsigned flags)
{
	atomic_fetch_add(&f->lines, 1);
	if (flags & LOG_FOLLOW_TRUNCATED)
		atomic_fetch_add(&f->long_lines, 1);
	if (n || flags)
		f->fn(f->ctx, p, n, flags);
}

/* One piece of a line; complete when a newline ended it. */
static void log_follow_segment(struct log_follow *f, const char *p, size_t n,
			       bool complete)
{
	size_t room = f->o.line_max - f->line_len;

	if (f->skipping) {
		f->skipping = !complete;
		return;
	}
	if (!f->line_len && complete && n <= f->o.line_max) {
		log_follow_emit(f, p, n, 0);   /* whole line in the chunk: no copy */
		return;
	}
	if (n > room) {
		memcpy(f->line + f->line_len, p, room);
		log_follow_emit(f, f->line, f->o.line_max, LOG_FOLLOW_TRUNCATED);
		f->line_len = 0;
		f->skipping = !complete;
		return;
	}
	memcpy(f->line + f->line_len, p, n);
	f->line_len += n;
	if (complete) {
		log_follow_emit(f, f->line, f->line_len, 0);
		f->line_len = 0;
	}
}

static void log_follow_feed(struct log_follow *f, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t seg = nl ? (size_t)(nl - p) : n;

		log_follow_segment(f, p, seg, nl != NULL);
		if (!nl)
			break;
		p = nl + 1;
		n -= seg + 1;
	}
}

static void log_follow_reset_line(struct log_follow *f)
{
	f->line_len = 0;
	f->skipping = false;
}

/* ---- the file ------------------------------------------------------------- */

static void log_follow_close(struct log_follow *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	atomic_store(&f->open, false);
}

static void log_follow_open_failed(struct log_follow *f, int err, const char *why)
{
	if (err != f->last_err && err != ENOENT)
		log_warn("log follower: cannot open '%s': %s", f->path, why);
	f->last_err = err;
}

/* Starting at the end in the middle of a line: its rest is a fragment. */
static void log_follow_skip_fragment(struct log_follow *f)
{
	char c;

	if (f->pos > 0 && pread(f->fd, &c, 1, f->pos - 1) == 1 && c != '\n')
		f->skipping = true;
}

/* Opens the file at its end or its start.  Returns 0 or -errno. */
static int log_follow_open(struct log_follow *f, bool at_end)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		log_follow_open_failed(f, errno, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		log_follow_open_failed(f, EINVAL, "not a regular file");
		return -EINVAL;
	}
	f->last_err = 0;
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->pos = at_end ? st.st_size : 0;
	log_follow_reset_line(f);
	log_follow_skip_fragment(f);
	atomic_store(&f->open, true);
	return 0;
}

/* Reads to the end of the file.  Returns 0, or -errno after closing it. */
static int log_follow_drain(struct log_follow *f)
{
	while (!atomic_load(&f->stopping)) {
		ssize_t n = pread(f->fd, f->chunk, LOG_FOLLOW_CHUNK, f->pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			log_warn("log follower: cannot read '%s': %s", f->path, strerror(err));
			log_follow_close(f);
			return -err;
		}
		if (n == 0)
			return 0;
		f->pos += n;
		atomic_fetch_add(&f->bytes, (uint64_t)n);
		log_follow_feed(f, f->chunk, (size_t)n);
	}
	return 0;
}

/* copytruncate and friends: the file shrank below what we read. */
static void log_follow_check_truncate(struct log_follow *f)
{
	struct stat st;

	if (fstat(f->fd, &st) || st.st_size >= f->pos)
		return;
	f->pos = 0;
	log_follow_reset_line(f);
	atomic_fetch_add(&f->truncations, 1);
}

/* The path names another file now: finish the old one, then switch. */
static void log_follow_check_rotate(struct log_follow *f)
{
	struct stat st;

	if (stat(f->path, &st) || (st.st_dev == f->dev && st.st_ino == f->ino))
		return;   /* missing (between rename and create) or the same */
	if (log_follow_drain(f))
		return;
	if (f->line_len && !f->skipping)
		log_follow_emit(f, f->line, f->line_len, 0);
	log_follow_close(f);
	atomic_fetch_add(&f->rotations, 1);
	if (!log_follow_open(f, false))
		log_follow_drain(f);
}

static void log_follow_poll(struct log_follow *f)
{
	if (f->fd < 0 && log_follow_open(f, false))
		return;
	log_follow_check_truncate(f);
	if (log_follow_drain(f))
		return;
	log_follow_check_rotate(f);
}

/* ---- thread --------------------------------------------------------------- */

/* Sleeps one interval unless stopped.  Returns false when stopping. */
static bool log_follow_wait(struct log_follow *f)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += f->o.interval_ms / 1000;
	until.tv_nsec += (long)(f->o.interval_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&f->lock);
	while (!atomic_load(&f->stopping) &&
	       pthread_cond_timedwait(&f->cond, &f->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&f->lock);
	return !atomic_load(&f->stopping);
}

static void *log_follow_main(void *arg)
{
	struct log_follow *f = arg;

	do
		log_follow_poll(f);
	while (log_follow_wait(f));
	return NULL;
}

static void log_follow_free(struct log_follow *f)
{
	log_follow_close(f);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	free(f->chunk);
	free(f->line);
	free(f->path);
	free(f);
}

static int log_follow_init_sync(struct log_follow *f)
{

	pthread_mutex_init(&f->lock, NULL);
	return cond_init_monotonic(&f->cond);
}

int log_follow_start(struct log_follow **out, const char *path,
		     const struct log_follow_opts *opts, log_follow_fn fn,
		     void *ctx)
{
	struct log_follow *f;
	int rc;

	if (!path || !path[0] || !fn)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	if (opts)
		f->o = *opts;
	if (!f->o.interval_ms)
		f->o.interval_ms = LOG_FOLLOW_INTERVAL_MS;
	if (!f->o.line_max)
		f->o.line_max = LOG_FOLLOW_LINE_MAX;
	f->fn = fn;
	f->ctx = ctx;
	f->fd = -1;
	f->path = strdup(path);
	f->line = malloc(f->o.line_max);
	f->chunk = malloc(LOG_FOLLOW_CHUNK);
	if (log_follow_init_sync(f) || !f->path || !f->line || !f->chunk) {
		log_follow_free(f);
		return -ENOMEM;
	}
	log_follow_open(f, !f->o.from_start);   /* missing: waited for */
	rc = pthread_create(&f->thread, NULL, log_follow_main, f);
	if (rc) {
		log_follow_free(f);
		return -rc;
	}
	*out = f;
	return 0;
}

/* ---- one-shot ------------------------------------------------------------- */

/* Where the saved position says to start in the open file: there when it
 * is the same file and not shorter, else from the start (rotated or
 * truncated since). */
static void log_follow_resume(struct log_follow *f, const struct log_follow_pos *pos)
{
	struct stat st;

	if (fstat(f->fd, &st))
		return;
	if ((uint64_t)st.st_dev != pos->dev || (uint64_t)st.st_ino != pos->ino) {
		atomic_fetch_add(&f->rotations, 1);
	} else if ((uint64_t)st.st_size < pos->offset) {
		atomic_fetch_add(&f->truncations, 1);
	} else {
		f->pos = (off_t)pos->offset;
		return;
	}
	f->pos = 0;
}

/* After a one-shot read: the start of the line not yet complete, so that
 * the next run reads it whole (an over-long one is not looked at again). */
static void log_follow_save(const struct log_follow *f, struct log_follow_pos *pos)
{
	pos->valid = true;
	pos->dev = (uint64_t)f->dev;
	pos->ino = (uint64_t)f->ino;
	pos->offset = (uint64_t)f->pos - (f->skipping ? 0 : f->line_len);
}

int log_follow_catchup(const char *path, struct log_follow_pos *pos,
		       const struct log_follow_opts *opts, log_follow_fn fn,
		       void *ctx, struct log_follow_stats *st)
{
	struct log_follow f = { .fd = -1, .fn = fn, .ctx = ctx };
	int rc;

	if (opts)
		f.o = *opts;
	f.o.line_max = f.o.line_max ? f.o.line_max : LOG_FOLLOW_LINE_MAX;
	f.path = (char *)path;
	f.line = malloc(f.o.line_max);
	f.chunk = malloc(LOG_FOLLOW_CHUNK);
	rc = f.line && f.chunk ? 0 : -ENOMEM;
	if (!rc)
		rc = log_follow_open(&f, !pos->valid);
	if (!rc && pos->valid) {
		log_follow_resume(&f, pos);
		log_follow_reset_line(&f);
	}
	if (!rc && !pos->valid && f.skipping) {
		/* first run: start after the last complete line instead */
		f.skipping = false;
		while (f.pos > 0 && pread(f.fd, f.chunk, 1, f.pos - 1) == 1 && f.chunk[0] != '\n')
			f.pos--;
	}
	if (!rc)
		rc = log_follow_drain(&f);
	if (!rc)
		log_follow_save(&f, pos);
	if (st)
		log_follow_get_stats(&f, st);
	log_follow_close(&f);
	free(f.line);
	free(f.chunk);
	return rc;
}

void log_follow_stop(struct log_follow *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	atomic_store(&f->stopping, true);
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	log_follow_free(f);
}

void log_follow_get_stats(struct log_follow *f, struct log_follow_stats *st)
{
	st->lines = atomic_load(&f->lines);
	st->long_lines = atomic_load(&f->long_lines);
	st->bytes = atomic_load(&f->bytes);
	st->rotations = atomic_load(&f->rotations);
	st->truncations = atomic_load(&f->truncations);
	st->open = atomic_load(&f->open);
}
