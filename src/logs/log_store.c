#include "logs/log_store.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

/* One conn's index and negotiation. */
struct log_store_conn {
	char name[LOG_CONN_MAX + 1];         /* "" = a free slot */
	uint64_t touched;                    /* for forgetting the least recent */
	uint64_t seqs[LOG_STORE_PER_CONN];   /* ring of its lines' seq */
	size_t head, n;
	struct log_store_progress p;
	bool have_p;
	double negotiating_since;            /* 0: not seen negotiating */
};

struct log_store {
	pthread_mutex_t lock;       /* guards everything below */
	struct log_store_line *ring;
	size_t cap;
	uint64_t next_seq;          /* the seq of the next line */
	uint64_t tick;
	struct log_store_conn conns[LOG_STORE_CONNS];
	struct log_store_stats st;
};

struct log_store *log_store_new(size_t max_lines)
{
	struct log_store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (max_lines < LOG_STORE_LINES_MIN)
		max_lines = LOG_STORE_LINES_MIN;
	if (max_lines > LOG_STORE_LINES_MAX)
		max_lines = LOG_STORE_LINES_MAX;
	s->ring = calloc(max_lines, sizeof(*s->ring));
	if (!s->ring) {
		free(s);
		return NULL;
	}
	s->cap = max_lines;
	s->next_seq = 1;
	s->st.capacity = max_lines;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void log_store_free(struct log_store *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->ring);
	free(s);
}

/* ---- the per-conn index (lock held) -------------------------------------- */

static struct log_store_conn *log_store_find(struct log_store *s, const char *conn)
{
	size_t i;

	for (i = 0; i < LOG_STORE_CONNS; i++)
		if (s->conns[i].name[0] && !strcmp(s->conns[i].name, conn))
			return &s->conns[i];
	return NULL;
}

/* conn's slot, taking a free one or the least recently touched. */
static struct log_store_conn *log_store_slot(struct log_store *s, const char *conn)
{
	struct log_store_conn *c = log_store_find(s, conn), *lru = &s->conns[0];
	size_t i;

	if (c) {
		c->touched = ++s->tick;
		return c;
	}
	for (i = 0; i < LOG_STORE_CONNS; i++) {
		if (!s->conns[i].name[0]) {
			lru = &s->conns[i];
			break;
		}
		if (s->conns[i].touched < lru->touched)
			lru = &s->conns[i];
	}
	if (lru->name[0])
		s->st.conns_evicted++;
	memset(lru, 0, sizeof(*lru));
	snprintf(lru->name, sizeof(lru->name), "%s", conn);
	lru->touched = ++s->tick;
	return lru;
}

static void log_store_index(struct log_store_conn *c, uint64_t seq)
{
	c->seqs[(c->head + c->n) % LOG_STORE_PER_CONN] = seq;
	if (c->n < LOG_STORE_PER_CONN)
		c->n++;
	else
		c->head = (c->head + 1) % LOG_STORE_PER_CONN;
}

/* What a line of the current try (its IKE SA) says of it. */
static void log_store_track_try(struct log_store_progress *p, const struct log_store_line *l,
				const struct log_line_info *info)
{
	if (info->initiating) {
		if (p->established)
			p->tries = 0;
		p->sa_id = l->sa_id;
		p->started = l->ts;
		p->sent = IKE_EXCH_NONE;
		p->retransmits = 0;
		p->established = false;
		p->tries++;
	}
	if (info->sent != IKE_EXCH_NONE) {
		if (p->sent != info->sent)
			p->retransmits = 0;
		p->sent = info->sent;
	}
	if (info->retransmit > p->retransmits)
		p->retransmits = info->retransmit;
	if (info->established) {
		p->established = true;
		p->sent = IKE_EXCH_NONE;
		p->retransmits = 0;
	}
}

/* A CREATE_CHILD_SA request and its retransmits, on whichever IKE SA of
 * the conn (a rekeyed IKE SA has no "initiating" line of its own). */
static void log_store_track_child(struct log_store_progress *p, const struct log_store_line *l,
				  const struct log_line_info *info)
{
	if (info->sent == IKE_EXCH_CREATE_CHILD_SA) {
		if (!p->child_pending || p->child_sa_id != l->sa_id) {
			p->child_started = l->ts;
			p->child_retransmits = 0;
		}
		p->child_sa_id = l->sa_id;
		p->child_pending = true;
	} else if (info->sent != IKE_EXCH_NONE && l->sa_id == p->child_sa_id) {
		p->child_pending = false;
	}
	if (info->retransmit && p->child_pending && l->sa_id == p->child_sa_id &&
	    info->retransmit > p->child_retransmits)
		p->child_retransmits = info->retransmit;
}

/* What the line says about the conn's negotiation.  A line of another IKE
 * SA of the conn (the old one's DELETE retransmitting beside a new try)
 * is not about the try; a failure is the conn's whichever SA it names. */
static void log_store_track(struct log_store_conn *c, const struct log_store_line *l,
			    const struct log_line_info *info)
{
	struct log_store_progress *p = &c->p;

	c->have_p = true;
	if (info->initiating || !p->sa_id || !l->sa_id || l->sa_id == p->sa_id)
		log_store_track_try(p, l, info);
	if (l->sa_id)
		log_store_track_child(p, l, info);
	if (info->kind == LOG_LINE_FAILURE) {
		p->last_error_at = l->ts;
		memcpy(p->last_error, l->text, sizeof(p->last_error));
	}
}

void log_store_add(struct log_store *s, double ts, const char *conn, uint32_t sa_id,
		   const char *msg, size_t len, const struct log_line_info *info)
{
	struct log_store_line *l;
	size_t n = len < LOG_STORE_LINE_MAX ? len : LOG_STORE_LINE_MAX;
	size_t cn = conn ? strnlen(conn, LOG_CONN_MAX) : 0;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	l = &s->ring[s->next_seq % s->cap];
	if (l->seq)
		s->st.evicted++;
	l->seq = s->next_seq++;
	l->ts = ts;
	l->sa_id = sa_id;
	l->kind = info->kind < LOG_LINE_KIND_COUNT ? info->kind : LOG_LINE_OTHER;
	text_sanitize(l->conn, conn ? conn : "", cn);
	text_sanitize(l->text, msg, n);
	s->st.lines++;
	if (l->conn[0]) {
		struct log_store_conn *c = log_store_slot(s, l->conn);

		log_store_index(c, l->seq);
		log_store_track(c, l, info);
	}
	pthread_mutex_unlock(&s->lock);
}

/* ---- reading (lock held) ----------------------------------------------------- */

static bool log_store_is_glob(const char *p)
{
	return strpbrk(p, "*?[\\") != NULL;
}

static bool log_store_wants(const struct log_store_query *q, const struct log_store_line *l)
{
	unsigned kinds = q->kinds ? q->kinds : LOG_LINE_KINDS_ALL;

	if (!(kinds & (1u << l->kind)))
		return false;
	return !q->conn || !q->conn[0] || !fnmatch(q->conn, l->conn, 0);
}

/* seq's line, if the ring still has it. */
static const struct log_store_line *log_store_get(const struct log_store *s, uint64_t seq)
{
	const struct log_store_line *l = &s->ring[seq % s->cap];

	return l->seq == seq ? l : NULL;
}

static size_t log_store_query_conn(struct log_store *s, const struct log_store_query *q,
				   struct log_store_line *out)
{
	const struct log_store_conn *c = log_store_find(s, q->conn);
	size_t i, n = 0;

	for (i = c ? c->n : 0; i > 0 && n < q->limit; i--) {
		const struct log_store_line *l =
			log_store_get(s, c->seqs[(c->head + i - 1) % LOG_STORE_PER_CONN]);

		if (l && log_store_wants(q, l))
			out[n++] = *l;
	}
	return n;
}

static size_t log_store_query_all(struct log_store *s, const struct log_store_query *q,
				  struct log_store_line *out)
{
	uint64_t seq, oldest = s->next_seq > s->cap ? s->next_seq - s->cap : 1;
	size_t n = 0;

	for (seq = s->next_seq - 1; seq >= oldest && seq > 0 && n < q->limit; seq--) {
		const struct log_store_line *l = log_store_get(s, seq);

		if (l && log_store_wants(q, l))
			out[n++] = *l;
	}
	return n;
}

size_t log_store_query(struct log_store *s, const struct log_store_query *q,
		       struct log_store_line *out)
{
	size_t n;

	if (!s || !q->limit)
		return 0;
	pthread_mutex_lock(&s->lock);
	if (q->conn && q->conn[0] && !log_store_is_glob(q->conn))
		n = log_store_query_conn(s, q, out);
	else
		n = log_store_query_all(s, q, out);
	pthread_mutex_unlock(&s->lock);
	return n;
}

bool log_store_progress(struct log_store *s, const char *conn,
			struct log_store_progress *p)
{
	const struct log_store_conn *c;
	bool ok;

	if (!s || !conn || !conn[0])
		return false;
	pthread_mutex_lock(&s->lock);
	c = log_store_find(s, conn);
	ok = c && c->have_p;
	if (ok)
		*p = c->p;
	pthread_mutex_unlock(&s->lock);
	return ok;
}

double log_store_negotiating(struct log_store *s, const char *conn, bool negotiating,
			     double now)
{
	struct log_store_conn *c;
	double since = 0;

	if (!s || !conn || !conn[0])
		return 0;
	pthread_mutex_lock(&s->lock);
	c = negotiating ? log_store_slot(s, conn) : log_store_find(s, conn);
	if (c && negotiating) {
		if (!c->negotiating_since)
			c->negotiating_since = now;
		since = c->negotiating_since;
	} else if (c) {
		c->negotiating_since = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return since;
}

void log_store_get_stats(struct log_store *s, struct log_store_stats *st)
{
	pthread_mutex_lock(&s->lock);
	*st = s->st;
	pthread_mutex_unlock(&s->lock);
}
