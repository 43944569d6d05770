#include "logs/log_collect.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/text.h"
#include "logs/log_classify.h"
#include "logs/log_follow.h"

struct log_collect {
	struct log_collect_opts o;
	pthread_mutex_t lock;          /* guards sa */
	struct log_classify_state sa;
	atomic_uint_least64_t lines, failures, rule_matches, long_lines;
};

struct log_collect *log_collect_new(const struct log_collect_opts *opts)
{
	struct log_collect *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->o = *opts;
	pthread_mutex_init(&c->lock, NULL);
	log_classify_state_init(&c->sa);
	return c;
}

void log_collect_free(struct log_collect *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void log_collect_emit(void *ctx, const char *rule, const char *const *names,
			     const char *const *values, size_t n)
{
	struct log_collect *c = ctx;

	if (c->o.store)
		event_store_rule(c->o.store, rule, names, values, n);
}

/* Built-in failures; the SA memory is shared by all sources, hence the
 * lock (held for a few loads and stores). */
static void log_collect_builtin(struct log_collect *c, const struct log_event *ev,
				double ts)
{
	enum fail_reason r;
	bool count;

	if (!c->o.builtin || ev->kind == LOG_NONE)
		return;
	pthread_mutex_lock(&c->lock);
	count = log_classify_state_apply(&c->sa, ev, &r);
	pthread_mutex_unlock(&c->lock);
	if (!count)
		return;
	atomic_fetch_add(&c->failures, 1);
	if (c->o.store)
		event_store_failure(c->o.store, r, FAIL_SRC_LOG, ev->conn, ts);
}

static void log_collect_rules(struct log_collect *c, const struct log_event *ev)
{
	int hits;

	if (!log_rules_count(c->o.rules))
		return;
	hits = log_rules_match(c->o.rules, ev->msg, ev->msg_len, ev->conn,
			       c->o.known, c->o.known_ctx, log_collect_emit, c);
	if (hits > 0)
		atomic_fetch_add(&c->rule_matches, (uint64_t)hits);
}

void log_collect_line(struct log_collect *c, const char *line, size_t len,
		      double ts)
{
	struct log_event ev;

	atomic_fetch_add(&c->lines, 1);
	if (!log_classify(line, len, &ev) && log_rules_count(c->o.rules))
		log_classify_conn(&ev, ev.conn);   /* rules want it even so */
	log_collect_builtin(c, &ev, ts);
	log_collect_rules(c, &ev);
}

void log_collect_vici(struct log_collect *c, const char *msg, size_t len,
		      const char *conn, uint32_t sa_id, double ts)
{
	struct log_event ev;

	atomic_fetch_add(&c->lines, 1);
	log_classify(msg, len, &ev);
	if (conn && conn[0]) {
		size_t n = strnlen(conn, LOG_CONN_MAX);

		text_sanitize(ev.conn, conn, n);
	} else if (!ev.conn[0]) {
		log_classify_conn(&ev, ev.conn);
	}
	if (sa_id)
		ev.sa_id = sa_id;
	log_collect_builtin(c, &ev, ts);
	log_collect_rules(c, &ev);
}

void log_collect_on_line(void *ctx, const char *line, size_t len, unsigned flags)
{
	struct log_collect *c = ctx;
	struct timespec now;

	if (flags & LOG_FOLLOW_TRUNCATED)
		atomic_fetch_add(&c->long_lines, 1);
	clock_gettime(CLOCK_REALTIME, &now);
	log_collect_line(c, line, len, (double)now.tv_sec + now.tv_nsec / 1e9);
}

void log_collect_get_stats(struct log_collect *c, struct log_collect_stats *st)
{
	st->lines = atomic_load(&c->lines);
	st->failures = atomic_load(&c->failures);
	st->rule_matches = atomic_load(&c->rule_matches);
	st->long_lines = atomic_load(&c->long_lines);
}
