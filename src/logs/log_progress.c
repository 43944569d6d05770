#include "logs/log_progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/arena.h"

static bool log_progress_negotiating(const struct ike_sa *sa)
{
	return sa->state == IKE_CONNECTING || sa->state == IKE_CREATED;
}

static bool log_progress_up(const struct ike_sa *sa)
{
	return sa->state == IKE_ESTABLISHED || sa->state == IKE_REKEYING ||
	       sa->state == IKE_REKEYED;
}

static int log_progress_sa_cmp(const void *a, const void *b)
{
	const struct ike_sa *x = *(const struct ike_sa *const *)a;
	const struct ike_sa *y = *(const struct ike_sa *const *)b;

	return strcmp(x->conn, y->conn);
}

/* The newest negotiating IKE SA of the group sas[0..n) (one conn), or NULL
 * when one of them is up (a rekey or a second SA is not a negotiation of
 * the conn). */
static const struct ike_sa *log_progress_sa(const struct ike_sa *const *sas, size_t n)
{
	const struct ike_sa *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (log_progress_up(sas[i]))
			return NULL;
		if (log_progress_negotiating(sas[i]) && (!best || sas[i]->uniqueid > best->uniqueid))
			best = sas[i];
	}
	return best;
}

/* The conn's last failure line (p NULL: the log knows nothing of it). */
static void log_progress_last_error(struct model *m, const struct log_store_progress *p,
				    struct negotiation_view *v)
{
	v->last_error = "";
	if (p && p->last_error_at > 0) {
		v->last_error = arena_strdup(&m->arena, p->last_error);
		v->last_error_at = p->last_error_at;
		if (!v->last_error)
			v->last_error = "";
	}
}

/* One view; the log's try counts only when it is this SA's (or charon's
 * id is unknown to the log). */
static void log_progress_view(struct log_store *s, struct model *m, const struct ike_sa *sa,
			      double now, struct negotiation_view *v)
{
	struct log_store_progress p;
	bool have = log_store_progress(s, sa->conn, &p);
	bool same = have && (!p.sa_id || p.sa_id == sa->uniqueid) && !p.established;

	v->conn = sa->conn;
	v->sa_id = sa->uniqueid;
	v->exchange = negotiation_exchange(sa->tasks_active, sa->tasks_queued, &v->queued);
	if (v->exchange == IKE_EXCH_NONE && same && p.sent != IKE_EXCH_NONE) {
		v->exchange = p.sent;
		v->from_log = true;
	}
	v->since = log_store_negotiating(s, sa->conn, true, now);
	if (same && p.started > 0 && p.started < v->since)
		v->since = p.started;
	v->retransmits = same ? p.retransmits : 0;
	v->tries = same ? p.tries : 0;
	log_progress_last_error(m, have ? &p : NULL, v);
}

/* The conn's up IKE SA that is creating a CHILD SA (CHILD_CREATE active),
 * or NULL. */
static const struct ike_sa *log_progress_child_sa(const struct ike_sa *const *sas, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (log_progress_up(sas[i]) && negotiation_creates_child(sas[i]->tasks_active))
			return sas[i];
	return NULL;
}

/* A CHILD SA being created over the up IKE SA sa: since its request, the
 * retransmits that followed it on that SA, the conn's last error. */
static void log_progress_child_view(struct log_store *s, struct model *m,
				    const struct ike_sa *sa, double now,
				    struct negotiation_view *v)
{
	struct log_store_progress p;
	bool have = log_store_progress(s, sa->conn, &p);
	bool same = have && p.child_pending && p.child_sa_id == sa->uniqueid;

	memset(v, 0, sizeof(*v));
	v->conn = sa->conn;
	v->child = true;
	v->sa_id = sa->uniqueid;
	v->exchange = IKE_EXCH_CREATE_CHILD_SA;
	v->since = log_store_negotiating(s, sa->conn, true, now);
	if (same && p.child_started > 0 && p.child_started < v->since)
		v->since = p.child_started;
	v->retransmits = same ? p.child_retransmits : 0;
	log_progress_last_error(m, have ? &p : NULL, v);
}

static bool log_progress_has_sa(const struct ike_sa *const *sas, size_t n,
				const char *conn)
{
	struct ike_sa key = { .conn = conn };
	const struct ike_sa *k = &key;

	return n && bsearch(&k, sas, n, sizeof(*sas), log_progress_sa_cmp);
}

void log_progress_fill(struct log_store *s, struct model *m, double now)
{
	const struct ike_sa **sas;
	struct negotiation_view *v;
	size_t i, j, nsas = 0, n = 0;

	if (!m->have_sas)
		return;
	sas = arena_alloc(&m->arena, (m->nike + 1) * sizeof(*sas));
	v = arena_alloc(&m->arena, (m->nike + 1) * sizeof(*v));
	if (!sas || !v)
		return;
	for (i = 0; i < m->nike; i++)
		if (m->ike_sas[i].conn && m->ike_sas[i].conn[0])
			sas[nsas++] = &m->ike_sas[i];
	qsort(sas, nsas, sizeof(*sas), log_progress_sa_cmp);
	for (i = 0; i < nsas; i = j) {
		const struct ike_sa *sa;

		for (j = i + 1; j < nsas && !strcmp(sas[j]->conn, sas[i]->conn); j++)
			;
		sa = log_progress_sa(&sas[i], j - i);
		if (sa)
			log_progress_view(s, m, sa, now, &v[n++]);
		else if ((sa = log_progress_child_sa(&sas[i], j - i)))
			log_progress_child_view(s, m, sa, now, &v[n++]);
		else
			log_store_negotiating(s, sas[i]->conn, false, now);
	}
	/* configured conns without any SA are not negotiating either */
	for (i = 0; i < m->nconns; i++)
		if (!log_progress_has_sa(sas, nsas, m->conns[i].name))
			log_store_negotiating(s, m->conns[i].name, false, now);
	m->negotiation = (struct negotiation_snapshot){ true, v, n };
}

void log_progress_contribute(void *ctx, struct model *m)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	log_progress_fill(ctx, m, (double)now.tv_sec + now.tv_nsec / 1e9);
}
