#include "eventlog/eventlog.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/safe_file.h"
#include "eventlog/eventlog_line.h"
#include "eventlog/eventlog_queue.h"
#include "model/model.h"

const char *const eventlog_output_names[EVLOG_OUT_COUNT] = {
	[EVLOG_OUT_FILE] = "file", [EVLOG_OUT_JOURNAL] = "journal",
};

const char *const eventlog_drop_names[EVLOG_DROP_COUNT] = {
	[EVLOG_DROP_QUEUE_FULL] = "queue_full",
	[EVLOG_DROP_NO_MEMORY] = "no_memory",
	[EVLOG_DROP_WRITE_ERROR] = "write_error",
};

/* A line is bounded by its fields' caps (eventlog_line.h); this is the
 * backstop. */
#define EVENTLOG_LINE_MAX (64 * 1024)
/* The journal's fields of one line, at most (about 30 in practice). */
#define EVENTLOG_JOURNAL_FIELDS 48

struct eventlog {
	struct eventlog_opts o;
	char *path;
	int fd;                  /* the writer's; -1 without a file */
	pthread_t thread;
	pthread_mutex_t lock;    /* everything below */
	pthread_cond_t wake;
	bool stop, reopen;
	struct evq queue;
	bool writing;            /* a line popped from the queue and not yet
				    counted: still queued for the snapshot */
	struct evrate pace;
	struct eventlog_snapshot st;
	bool error_logged[EVLOG_OUT_COUNT];   /* one warning until it works again */
};

static double eventlog_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the sources' side ------------------------------------------------- */

static void eventlog_drop(struct eventlog *el, enum eventlog_drop why)
{
	pthread_mutex_lock(&el->lock);
	el->st.dropped[why]++;
	pthread_mutex_unlock(&el->lock);
}

void eventlog_sink(void *ctx, const struct event_record *r)
{
	struct eventlog *el = ctx;
	struct strbuf line = STRBUF_INIT, journal = STRBUF_INIT;
	struct evq_item it = { NULL, 0, NULL, 0 };
	bool queued;

	strbuf_init(&line, EVENTLOG_LINE_MAX);
	strbuf_init(&journal, EVENTLOG_LINE_MAX);
	eventlog_line(r, el->o.redact, &line, el->o.journal ? &journal : NULL);
	if (strbuf_failed(&line) || strbuf_failed(&journal)) {
		strbuf_release(&line);
		strbuf_release(&journal);
		eventlog_drop(el, EVLOG_DROP_NO_MEMORY);
		return;
	}
	it.line = strbuf_detach(&line, &it.len);
	if (el->o.journal)
		it.journal = strbuf_detach(&journal, &it.jlen);
	pthread_mutex_lock(&el->lock);
	queued = evq_push(&el->queue, &it);
	if (queued)
		pthread_cond_signal(&el->wake);
	else
		el->st.dropped[EVLOG_DROP_QUEUE_FULL]++;
	pthread_mutex_unlock(&el->lock);
	if (!queued)
		evq_item_free(&it);
}

void eventlog_reopen(struct eventlog *el)
{
	if (!el)
		return;
	pthread_mutex_lock(&el->lock);
	el->reopen = true;
	pthread_cond_signal(&el->wake);
	pthread_mutex_unlock(&el->lock);
}

/* ---- the writer ----------------------------------------------------------- */

/* Under the lock: counts one output's result, warning once per outage. */
static void eventlog_account(struct eventlog *el, enum eventlog_output out, int r)
{
	if (!r) {
		el->st.lines[out]++;
		el->error_logged[out] = false;
		return;
	}
	el->st.errors[out]++;
	el->st.dropped[EVLOG_DROP_WRITE_ERROR]++;
	if (!el->error_logged[out])
		log_warn("event log: cannot write to the %s: %s (lines are dropped and "
			 "counted until it works again)",
			 out == EVLOG_OUT_FILE ? el->path : "journal", strerror(-r));
	el->error_logged[out] = true;
}

/* The NUL-separated fields as the iovecs sd_journal_sendv wants. */
static int eventlog_write_journal(const char *fields, size_t len)
{
	struct iovec iov[EVENTLOG_JOURNAL_FIELDS];
	size_t n = 0, off = 0;

	while (off < len && n < EVENTLOG_JOURNAL_FIELDS) {
		size_t l = strnlen(fields + off, len - off);

		iov[n].iov_base = (void *)(fields + off);
		iov[n++].iov_len = l;
		off += l + 1;
	}
	return sd_journal_sendv(iov, (int)n);
}

static void eventlog_write(struct eventlog *el, const struct evq_item *it)
{
	int rf = 0, rj = 0;

	if (el->fd >= 0)
		rf = safe_file_write_all(el->fd, it->line, it->len);
	if (it->journal)
		rj = eventlog_write_journal(it->journal, it->jlen);
	pthread_mutex_lock(&el->lock);
	if (el->fd >= 0)
		eventlog_account(el, EVLOG_OUT_FILE, rf);
	if (it->journal)
		eventlog_account(el, EVLOG_OUT_JOURNAL, rj);
	el->writing = false;
	pthread_mutex_unlock(&el->lock);
}

/* A new file at the path, then the old one closed: when the open fails the
 * lines keep going to the old (moved) file rather than nowhere. */
static void eventlog_do_reopen(struct eventlog *el)
{
	int fd = safe_file_open_append_mode(el->path, EVENTLOG_FILE_MODE);

	pthread_mutex_lock(&el->lock);
	if (fd < 0)
		el->st.errors[EVLOG_OUT_FILE]++;
	else
		el->st.reopens++;
	pthread_mutex_unlock(&el->lock);
	if (fd < 0) {
		log_error("event log: cannot reopen '%s': %s (still writing to the old file)",
			  el->path, strerror(-fd));
		return;
	}
	close(el->fd);
	el->fd = fd;
	log_info("event log: reopened %s", el->path);
}

/* Under the lock: waits up to seconds, or until woken. */
static void eventlog_wait(struct eventlog *el, double seconds)
{
	struct timespec ts;
	long ns;

	if (seconds < 0) {
		pthread_cond_wait(&el->wake, &el->lock);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ns = ts.tv_nsec + (long)(seconds * 1e9);
	ts.tv_sec += ns / 1000000000L;
	ts.tv_nsec = ns % 1000000000L;
	pthread_cond_timedwait(&el->wake, &el->lock, &ts);
}

static void *eventlog_main(void *arg)
{
	struct eventlog *el = arg;
	struct evq_item it;
	double wait;

	pthread_mutex_lock(&el->lock);
	for (;;) {
		if (el->reopen) {
			el->reopen = false;
			if (!el->path)
				continue;   /* the journal only: nothing to reopen */
			pthread_mutex_unlock(&el->lock);
			eventlog_do_reopen(el);
			pthread_mutex_lock(&el->lock);
			continue;
		}
		if (!el->queue.len) {
			if (el->stop)
				break;
			eventlog_wait(el, -1);
			continue;
		}
		/* at stop, what is queued is written without the pace */
		wait = el->stop ? 0 : evrate_take(&el->pace, eventlog_mono());
		if (wait > 0) {
			eventlog_wait(el, wait);
			continue;
		}
		evq_pop(&el->queue, &it);
		el->writing = true;
		pthread_mutex_unlock(&el->lock);
		eventlog_write(el, &it);
		evq_item_free(&it);
		pthread_mutex_lock(&el->lock);
	}
	pthread_mutex_unlock(&el->lock);
	return NULL;
}

/* ---- life ---------------------------------------------------------------- */

static void eventlog_free(struct eventlog *el)
{
	evq_release(&el->queue);
	if (el->fd >= 0)
		close(el->fd);
	pthread_mutex_destroy(&el->lock);
	pthread_cond_destroy(&el->wake);
	free(el->path);
	free(el);
}

int eventlog_start(struct eventlog **out, const struct eventlog_opts *o,
		   struct ikw_err *err)
{
	struct eventlog *el = calloc(1, sizeof(*el));
	int r;

	*out = NULL;
	if (!el)
		return err_set(err, -ENOMEM, "out of memory");
	el->o = *o;
	el->fd = -1;
	pthread_mutex_init(&el->lock, NULL);
	pthread_cond_init(&el->wake, NULL);
	r = evq_init(&el->queue, o->queue ? o->queue : EVENTLOG_QUEUE_DEFAULT);
	if (!r && o->file && !(el->path = strdup(o->file)))
		r = -ENOMEM;
	if (r) {
		eventlog_free(el);
		return err_set(err, r, "out of memory");
	}
	if (el->path && (el->fd = safe_file_open_append_mode(el->path, EVENTLOG_FILE_MODE)) < 0) {
		r = el->fd;
		el->fd = -1;
		eventlog_free(el);
		return err_set(err, r, "events.log_file: cannot open '%s': %s%s", o->file,
			       strerror(-r), r == -EINVAL ? " (not a regular file, or a symlink)" :
			       r == -EPERM ? " (owned by another user)" : "");
	}
	evrate_init(&el->pace, o->rate ? o->rate : EVENTLOG_RATE_DEFAULT,
		    o->rate ? o->rate : EVENTLOG_RATE_DEFAULT, eventlog_mono());
	el->st.have = true;
	el->st.output[EVLOG_OUT_FILE] = el->path != NULL;
	el->st.output[EVLOG_OUT_JOURNAL] = o->journal;
	if (pthread_create(&el->thread, NULL, eventlog_main, el)) {
		eventlog_free(el);
		return err_set(err, -EAGAIN, "cannot start the event log's thread");
	}
	*out = el;
	return 0;
}

void eventlog_stop(struct eventlog *el)
{
	if (!el)
		return;
	pthread_mutex_lock(&el->lock);
	el->stop = true;
	pthread_cond_signal(&el->wake);
	pthread_mutex_unlock(&el->lock);
	pthread_join(el->thread, NULL);
	eventlog_free(el);
}

void eventlog_contribute(void *ctx, struct model *m)
{
	struct eventlog *el = ctx;

	pthread_mutex_lock(&el->lock);
	m->eventlog = el->st;
	m->eventlog.queued = el->queue.len + el->writing;
	pthread_mutex_unlock(&el->lock);
}
