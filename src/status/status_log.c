#include "status/status_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/num.h"
#include "logs/log_redact.h"
#include "status/status.h"

const char *const status_timeline_names[STATUS_TL_COUNT] = {
	"up", "down", "rekey", "failure",
};

static const char *status_log_redacted(const struct redact_config *rc, const char *text,
				       struct arena *a)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;

	log_redact_line(rc, text, &sb);
	s = strbuf_failed(&sb) ? NULL : arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return s;
}

int status_log_build(struct log_store *store, const struct log_store_query *q,
		     const struct redact_config *rc, struct arena *a, struct status_log *out)
{
	struct log_store_line *raw;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (!store)
		return 0;
	out->have = true;
	if (!q->limit)
		return 0;
	raw = malloc(q->limit * sizeof(*raw));
	out->lines = arena_alloc(a, q->limit * sizeof(*out->lines));
	if (!raw || !out->lines) {
		free(raw);
		return -ENOMEM;
	}
	n = log_store_query(store, q, raw);
	for (i = 0; i < n; i++) {
		struct status_log_line *l = &out->lines[i];

		l->ts = raw[i].ts;
		l->sa_id = raw[i].sa_id;
		l->kind = raw[i].kind;
		l->conn = arena_strdup(a, raw[i].conn);
		l->text = status_log_redacted(rc, raw[i].text, a);
		if (!l->conn || !l->text) {
			free(raw);
			return -ENOMEM;
		}
	}
	out->n = n;
	free(raw);
	return 0;
}

int status_log_query_parse(const char *conn, const char *limit, const char *kind,
			   struct log_store_query *q, char *why, size_t why_size)
{
	uint64_t n = STATUS_LOG_LIMIT_DEFAULT;

	memset(q, 0, sizeof(*q));
	if (limit && (num_parse_u64_str(limit, STATUS_LOG_LIMIT_MAX, &n) || !n)) {
		snprintf(why, why_size, "limit: want a number from 1 to %d",
			 STATUS_LOG_LIMIT_MAX);
		return -EINVAL;
	}
	if (log_line_kinds_parse(kind, &q->kinds)) {
		snprintf(why, why_size, "kind: want a comma-separated list of failure, rekey, "
			 "updown, negotiation, other (or all)");
		return -EINVAL;
	}
	if (conn && strlen(conn) > 256) {
		snprintf(why, why_size, "conn: a glob of at most 256 bytes");
		return -EINVAL;
	}
	q->conn = conn && conn[0] ? conn : NULL;
	q->limit = (size_t)n;
	return 0;
}

/* ---- timeline ------------------------------------------------------------ */

static double status_log_max(double a, double b)
{
	return a > b ? a : b;
}

static void status_timeline_events(const struct event_view *ev, const char *conn,
				   struct status_timeline *t)
{
	size_t lo = 0, hi = ev->nevents, i;

	/* the first row of conn: rows are sorted by conn, then child */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ev->events[mid].conn, conn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < ev->nevents && !strcmp(ev->events[i].conn, conn); i++) {
		const struct event_counts *e = &ev->events[i];

		t->last[STATUS_TL_UP] = status_log_max(t->last[STATUS_TL_UP], e->last[EV_IKE_UP]);
		t->last[STATUS_TL_DOWN] = status_log_max(t->last[STATUS_TL_DOWN],
							 e->last[EV_IKE_DOWN]);
		t->last[STATUS_TL_REKEY] = status_log_max(t->last[STATUS_TL_REKEY],
			status_log_max(e->last[EV_IKE_REKEY], e->last[EV_CHILD_REKEY]));
		t->count[STATUS_TL_UP] += e->count[EV_IKE_UP];
		t->count[STATUS_TL_DOWN] += e->count[EV_IKE_DOWN];
		t->count[STATUS_TL_REKEY] += e->count[EV_IKE_REKEY] + e->count[EV_CHILD_REKEY];
	}
}

void status_timeline_fill(const struct model *m, const char *conn, struct status_timeline *t)
{
	const struct event_view *ev = &m->events;
	size_t i;
	int r;

	memset(t, 0, sizeof(*t));
	t->failure_reason = "";
	if (!m->have_events)
		return;
	t->have = true;
	status_timeline_events(ev, conn, t);
	for (i = 0; i < ev->nfailures; i++) {
		const struct failure_counts *f = &ev->failures[i];

		if (strcmp(f->conn, conn))
			continue;
		for (r = 0; r < FAIL_REASON_COUNT; r++)
			t->count[STATUS_TL_FAILURE] += f->count[r];
		if (f->last > 0) {
			t->last[STATUS_TL_FAILURE] = f->last;
			t->failure_reason = fail_reason_names[f->last_reason];
		}
	}
}

void status_log_time(char *buf, size_t size, double ts)
{
	time_t t = (time_t)ts;
	struct tm tm;

	if (ts <= 0 || !gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "-");
}

int status_log_attach(struct status_view *v, struct log_store *store,
		      const struct log_store_query *panel, const struct redact_config *rc,
		      struct arena *a)
{
	size_t i;

	v->logq = *panel;
	if (status_log_build(store, panel, rc, a, &v->log))
		return -ENOMEM;
	for (i = 0; i < v->nconns; i++) {
		struct log_store_query q = { v->conns[i].name, panel->kinds, STATUS_LOG_PER_CONN };

		if (status_log_build(store, &q, rc, a, &v->conns[i].log))
			return -ENOMEM;
	}
	return 0;
}
