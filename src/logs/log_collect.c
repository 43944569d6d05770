#include "logs/log_collect.h"

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/text.h"
#include "logs/log_classify.h"
#include "logs/log_classify_pluto.h"
#include "logs/log_follow.h"
#include "logs/log_pluto_sa.h"

/* The last lines that named a connection, for remediation's diagnostics. */
struct log_recent {
	char conn[LOG_CONN_MAX + 1];
	char line[LOG_COLLECT_RECENT_LINE];
};

struct log_collect {
	struct log_collect_opts o;
	pthread_mutex_t lock;          /* guards sa, pluto and recent */
	struct log_classify_state sa;
	struct log_pluto_sas *pluto;   /* o.pluto: pluto's SAs by serial */
	struct log_recent recent[LOG_COLLECT_RECENT_MAX];
	size_t recent_head, recent_n;
	atomic_uint_least64_t lines, failures, rule_matches, long_lines;
};

struct log_collect *log_collect_new(const struct log_collect_opts *opts)
{
	struct log_collect *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->o = *opts;
	if (opts->pluto && !(c->pluto = malloc(sizeof(*c->pluto)))) {
		free(c);
		return NULL;
	}
	if (c->pluto)
		log_pluto_sas_init(c->pluto);
	pthread_mutex_init(&c->lock, NULL);
	log_classify_state_init(&c->sa);
	return c;
}

void log_collect_free(struct log_collect *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->pluto);
	free(c);
}

static void log_collect_emit(void *ctx, const char *rule, const char *const *names,
			     const char *const *values, size_t n)
{
	struct log_collect *c = ctx;

	if (c->o.store)
		event_store_rule(c->o.store, rule, names, values, n);
}

/* A conn charon does not know (an invented name, or one loaded since the
 * last collection) is counted under "other": one key, whatever the lines
 * say, so that they cannot fill the event store. */
static const char *log_collect_label(const struct log_collect *c, const char *conn)
{
	if (!conn || !conn[0] || !c->o.known || c->o.known(c->o.known_ctx, conn))
		return conn;
	return "other";
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
		event_store_failure(c->o.store, r, FAIL_SRC_LOG,
				    log_collect_label(c, ev->conn), ts);
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

/* Keeps the line (sanitized, cut) if it names a connection. */
static void log_collect_remember(struct log_collect *c, const struct log_event *ev,
				 const char *conn)
{
	struct log_recent *r;
	size_t n = ev->msg_len < LOG_COLLECT_RECENT_LINE - 1 ? ev->msg_len :
		   LOG_COLLECT_RECENT_LINE - 1;

	if (!conn[0])
		return;
	pthread_mutex_lock(&c->lock);
	r = &c->recent[(c->recent_head + c->recent_n) % LOG_COLLECT_RECENT_MAX];
	if (c->recent_n < LOG_COLLECT_RECENT_MAX)
		c->recent_n++;
	else
		c->recent_head = (c->recent_head + 1) % LOG_COLLECT_RECENT_MAX;
	snprintf(r->conn, sizeof(r->conn), "%s", conn);
	text_sanitize(r->line, ev->msg, n);
	pthread_mutex_unlock(&c->lock);
}

size_t log_collect_recent(struct log_collect *c, const char *conn, struct strbuf *out)
{
	size_t i, n = 0;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->recent_n; i++) {
		const struct log_recent *r = &c->recent[(c->recent_head + i) % LOG_COLLECT_RECENT_MAX];

		if (strcmp(r->conn, conn))
			continue;
		strbuf_addf(out, "%s\n", r->line);
		n++;
	}
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* The status view's kind of a pluto SA line (log_line_describe knows
 * charon's wording only). */
static void log_collect_pluto_kind(const struct pluto_sa_event *sa,
				   struct log_line_info *info)
{
	if (sa->kind == PLUTO_IKE_REKEY || sa->kind == PLUTO_CHILD_REKEY)
		info->kind = LOG_LINE_REKEY;
	else if (sa->kind != PLUTO_SA_NONE)
		info->kind = LOG_LINE_UPDOWN;
	info->established = sa->kind == PLUTO_IKE_UP;
}

/* Every line goes to the status view's store, conn or not. */
static void log_collect_keep(struct log_collect *c, const struct log_event *ev,
			     const struct pluto_sa_event *sa, const char *conn, double ts)
{
	struct log_line_info info;

	if (!c->o.lines)
		return;
	log_line_describe(ev, &info);
	if (sa)
		log_collect_pluto_kind(sa, &info);
	log_store_add(c->o.lines, ts, conn, ev->sa_id, ev->msg, ev->msg_len, &info);
}

/* pluto's SA events: up/down/rekey and the final traffic, built in like
 * the failures. */
static void log_collect_pluto_sa(struct log_collect *c, const struct log_event *ev,
				 const struct pluto_sa_event *sa, double ts)
{
	if (!c->o.builtin || sa->kind == PLUTO_SA_NONE)
		return;
	pthread_mutex_lock(&c->lock);
	log_pluto_sas_apply(c->pluto, c->o.store, log_collect_label(c, ev->conn), ev, sa, ts);
	pthread_mutex_unlock(&c->lock);
}

/* The classifier of the daemon whose log it is. */
static int log_collect_classify(struct log_collect *c, const char *line, size_t len,
				struct log_event *ev, struct pluto_sa_event *sa)
{
	if (c->pluto)
		return log_classify_pluto(line, len, ev, sa);
	sa->kind = PLUTO_SA_NONE;
	return log_classify(line, len, ev);
}

void log_collect_line(struct log_collect *c, const char *line, size_t len,
		      double ts)
{
	struct log_event ev;
	struct pluto_sa_event sa;
	char conn[LOG_CONN_MAX + 1] = "";

	atomic_fetch_add(&c->lines, 1);
	if (!log_collect_classify(c, line, len, &ev, &sa) && log_rules_count(c->o.rules))
		log_classify_conn(&ev, ev.conn);   /* rules want it even so */
	if (ev.conn_raw) {
		log_classify_conn(&ev, conn);
		log_collect_remember(c, &ev, conn);
	}
	log_collect_keep(c, &ev, c->pluto ? &sa : NULL, conn, ts);
	log_collect_builtin(c, &ev, ts);
	log_collect_pluto_sa(c, &ev, &sa, ts);
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
	log_collect_remember(c, &ev, ev.conn);
	log_collect_keep(c, &ev, NULL, ev.conn, ts);
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
