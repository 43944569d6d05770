#include "status/status.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/view.h"

const char *const status_attention_names[ST_ATTENTION_COUNT] = {
	[ST_DOWN] = "down",
	[ST_CHILD_MISSING] = "child_missing",
	[ST_CONNECTING] = "connecting",
	[ST_PROBE_FAILING] = "probe_failing",
	[ST_DEGRADED] = "degraded",
	[ST_OK] = "ok",
};

int status_exit_code(const struct status_view *v)
{
	if (!v->ok)
		return 2;
	return v->counts[ST_OK] < v->nconns ? 1 : 0;
}

/* ---- formatting helpers ------------------------------------------------ */

void status_duration(char *buf, size_t size, int64_t s)
{
	if (s == TIME_NONE || s < 0)
		snprintf(buf, size, "-");
	else if (s >= 86400)
		snprintf(buf, size, "%" PRId64 "d %" PRId64 "h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%" PRId64 "h %02" PRId64 "m", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, size, "%" PRId64 "m %02" PRId64 "s", s / 60, s % 60);
	else
		snprintf(buf, size, "%" PRId64 "s", s);
}

void status_bytes(char *buf, size_t size, uint64_t b)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)b;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (!u)
		snprintf(buf, size, "%" PRIu64 " B", b);
	else
		snprintf(buf, size, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

const char *status_nat(const struct ike_sa *sa)
{
	if (sa->nat_local && sa->nat_remote)
		return "both";
	if (sa->nat_local)
		return "local";
	if (sa->nat_remote)
		return "remote";
	return "none";
}

/* ---- building ----------------------------------------------------------- */

static bool status_wanted(const struct status_filter *f, const char *name)
{
	return !f || !f->conn || !f->conn[0] || !fnmatch(f->conn, name, 0);
}

static int status_cmp_ike(const void *a, const void *b)
{
	const struct status_ike *x = a, *y = b;

	/* newest first: established most recently, then the higher id */
	if (x->sa->established_for != y->sa->established_for) {
		if (x->sa->established_for == TIME_NONE)
			return -1;
		if (y->sa->established_for == TIME_NONE)
			return 1;
		return x->sa->established_for < y->sa->established_for ? -1 : 1;
	}
	return x->sa->uniqueid > y->sa->uniqueid ? -1 : x->sa->uniqueid < y->sa->uniqueid;
}

static int status_cmp_child(const void *a, const void *b)
{
	const struct status_child *x = a, *y = b;
	int c = strcmp(x->sa->name, y->sa->name);

	if (c)
		return c;
	if (x->sa->installed_for != y->sa->installed_for)
		return x->sa->installed_for < y->sa->installed_for ? -1 : 1;
	return x->sa->uniqueid > y->sa->uniqueid ? -1 : x->sa->uniqueid < y->sa->uniqueid;
}

/* Children sorted by name, newest first within a name: the ones after the
 * first of a name are older, i.e. rekeyed. */
static void status_mark_old_children(struct status_ike *si)
{
	size_t i;

	if (si->nchildren > 1)
		qsort(si->children, si->nchildren, sizeof(*si->children), status_cmp_child);
	for (i = 1; i < si->nchildren; i++)
		si->children[i].old = !strcmp(si->children[i].sa->name,
					      si->children[i - 1].sa->name);
}

static int status_fill_ike(struct status_ike *si, const struct ike_sa *sa,
			   struct status_view *v, struct arena *a)
{
	size_t j;

	si->sa = sa;
	si->children_life = sa->children_negotiated;
	si->nchildren = sa->nchildren;
	si->children = sa->nchildren ? arena_alloc(a, sa->nchildren * sizeof(*si->children)) : NULL;
	if (sa->nchildren && !si->children)
		return -ENOMEM;
	for (j = 0; j < sa->nchildren; j++) {
		const struct child_sa *c = &sa->children[j];
		const struct kernel_errors *e = &c->kernel_errors;

		si->children[j].sa = c;
		si->children[j].have_kernel = c->kernel_in;
		si->children[j].no_packets = v->m && v->m->sa_packets_unknown;
		si->children[j].kernel_errors = e->replay + e->replay_window + e->integrity;
	}
	status_mark_old_children(si);
	v->nchild += sa->nchildren;
	return 0;
}

/* The model's IKE SAs sorted by conn, so that each conn finds its own in
 * O(log n) rather than by a scan of all of them. */
struct status_index {
	const struct ike_sa **sas;
	size_t n;
};

static int status_cmp_sa_conn(const void *a, const void *b)
{
	const struct ike_sa *const *x = a, *const *y = b;

	return strcmp((*x)->conn, (*y)->conn);
}

static int status_index(const struct model *m, struct arena *a, struct status_index *ix)
{
	size_t i;

	ix->n = m->nike;
	ix->sas = m->nike ? arena_alloc(a, m->nike * sizeof(*ix->sas)) : NULL;
	if (m->nike && !ix->sas)
		return -ENOMEM;
	for (i = 0; i < m->nike; i++)
		ix->sas[i] = &m->ike_sas[i];
	if (ix->n > 1)
		qsort(ix->sas, ix->n, sizeof(*ix->sas), status_cmp_sa_conn);
	return 0;
}

/* [*first, return) are the SAs of conn. */
static size_t status_range(const struct status_index *ix, const char *conn, size_t *first)
{
	size_t lo = 0, hi = ix->n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->sas[mid]->conn, conn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ix->n && !strcmp(ix->sas[end]->conn, conn); end++)
		;
	*first = lo;
	return end;
}

/* The IKE SAs of a conn, newest first; the ones after an up one are old. */
static int status_ikes(struct status_conn *sc, const struct status_index *ix,
		       struct status_view *v, struct arena *a)
{
	size_t i, first, end = status_range(ix, sc->name, &first);
	bool seen_up = false;

	if (end == first)
		return 0;
	sc->ikes = arena_alloc(a, (end - first) * sizeof(*sc->ikes));
	if (!sc->ikes)
		return -ENOMEM;
	for (i = first; i < end; i++)
		if (status_fill_ike(&sc->ikes[sc->nikes++], ix->sas[i], v, a))
			return -ENOMEM;
	qsort(sc->ikes, sc->nikes, sizeof(*sc->ikes), status_cmp_ike);
	for (i = 0; i < sc->nikes; i++) {
		bool up = ike_state_is_up(sc->ikes[i].sa->state);

		sc->ikes[i].old = seen_up && (up || sc->ikes[i].sa->state == IKE_REKEYED);
		seen_up = seen_up || up;
	}
	v->nike += sc->nikes;
	return 0;
}

/* Configured children with no installed SA under the up IKE SA; traps
 * (brought up by traffic) and shunts (never an SA) are not missing. */
static int status_missing(struct status_conn *sc, struct arena *a)
{
	const struct conn_view *cv = sc->view;
	size_t i;

	if (!cv || !cv->newest || !cv->nchildren)
		return 0;
	sc->missing = arena_alloc(a, cv->nchildren * sizeof(*sc->missing));
	if (!sc->missing)
		return -ENOMEM;
	for (i = 0; i < cv->nchildren; i++)
		if (cv->children[i].cfg && !cv->children[i].newest &&
		    cv->children[i].start != CHILD_START_TRAP &&
		    cv->children[i].start != CHILD_START_SHUNT)
			sc->missing[sc->nmissing++] = cv->children[i].name;
	return 0;
}

/* The conn's probes that are failing: a scan of the snapshot's probes per
 * conn, but only failing ones get a name compared, so with everything
 * healthy it is a bool per probe. */
static int status_failing_probes(struct status_conn *sc, const struct model *m,
				 struct arena *a)
{
	const struct probe_snapshot *ps = &m->probes;
	size_t i;

	for (i = 0; i < ps->n; i++) {
		if (!ps->v[i].failing || strcmp(ps->v[i].conn, sc->name))
			continue;
		if (!sc->failing) {
			sc->failing = arena_alloc(a, ps->n * sizeof(*sc->failing));
			if (!sc->failing)
				return -ENOMEM;
		}
		sc->failing[sc->nfailing++] = &ps->v[i];
	}
	return 0;
}

bool status_child_probe_failing(const struct status_conn *sc, const char *child)
{
	size_t i;

	for (i = 0; i < sc->nfailing; i++)
		if (!strcmp(sc->failing[i]->child, child))
			return true;
	return false;
}

/* The child whose kernel errors are rising, or NULL: the errors of one
 * replayed packet long ago do not count (model/error_trend.h). */
static const char *status_degraded(const struct status_conn *sc)
{
	size_t i;

	for (i = 0; sc->view && i < sc->view->nchildren; i++)
		if (sc->view->children[i].kernel.errors_rising)
			return sc->view->children[i].name;
	return NULL;
}

static bool status_connecting(const struct status_conn *sc)
{
	size_t i;

	for (i = 0; i < sc->nikes; i++)
		if (sc->ikes[i].sa->state == IKE_CONNECTING)
			return true;
	return false;
}

static void status_judge_probes(struct status_conn *sc, struct arena *a)
{
	const struct probe_view *p = sc->failing[0];
	char why[128], buf[512];

	status_probe_reason(why, sizeof(why), p);
	snprintf(buf, sizeof(buf), "probe %s through %s failed %" PRIu64 " runs in a row: %s%s",
		 p->name, p->child, p->consecutive_failures, why,
		 sc->nfailing > 1 ? " (and other probes)" : "");
	sc->attention = ST_PROBE_FAILING;
	sc->reason = arena_strdup(a, buf);
}

/* "IKE SA negotiating: IKE_SA_INIT in flight, 3 retransmits" */
static const char *status_negotiating(const struct status_conn *sc, const char *what,
				      struct arena *a)
{
	const struct negotiation_view *n = sc->negotiation;
	const char *s;
	char buf[256];

	if (!n || n->exchange == IKE_EXCH_NONE)
		return what;
	snprintf(buf, sizeof(buf), "%s: %s %s%s", what, ike_exchange_names[n->exchange],
		 n->queued ? "queued" : "in flight", n->retransmits ? ", " : "");
	if (n->retransmits)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%u retransmit%s",
			 n->retransmits, n->retransmits == 1 ? "" : "s");
	s = arena_strdup(a, buf);
	return s ? s : what;
}

static void status_judge(struct status_conn *sc, struct arena *a)
{
	const char *rising;
	char buf[256];

	sc->reason = "";
	sc->up = sc->view && sc->view->newest;
	if (sc->expected_up && !sc->up) {
		sc->attention = status_connecting(sc) ? ST_CONNECTING : ST_DOWN;
		sc->reason = sc->attention == ST_CONNECTING ?
			     status_negotiating(sc, "expected up: IKE SA still negotiating", a) :
			     "expected up: no IKE SA established";
	} else if (sc->nmissing) {
		sc->attention = ST_CHILD_MISSING;
		snprintf(buf, sizeof(buf), "IKE SA up, CHILD SA %s%s not installed",
			 sc->missing[0], sc->nmissing > 1 ? " and others" : "");
		sc->reason = arena_strdup(a, buf);
		if (sc->reason && sc->negotiation && sc->negotiation->child)
			sc->reason = status_negotiating(sc, sc->reason, a);
	} else if (sc->up && sc->nfailing) {
		status_judge_probes(sc, a);
	} else if (sc->up && (rising = status_degraded(sc))) {
		sc->attention = ST_DEGRADED;
		snprintf(buf, sizeof(buf), "the kernel is dropping inbound packets of %s "
			 "(replay or integrity failures grew lately)", rising);
		sc->reason = arena_strdup(a, buf);
	} else if (!sc->up && status_connecting(sc)) {
		sc->attention = ST_CONNECTING;
		sc->reason = status_negotiating(sc, "IKE SA negotiating", a);
	} else {
		sc->attention = ST_OK;
	}
	if (!sc->reason)
		sc->reason = "";
}

static int status_cmp_conn(const void *a, const void *b)
{
	const struct status_conn *x = a, *y = b;

	if (x->attention != y->attention)
		return x->attention < y->attention ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void status_collector(const struct model *m, struct status_view *v)
{
	size_t i;

	v->ok = m->have_sas;
	v->error = m->have_sas ? "" : "charon did not answer (see ikewatch's log)";
	for (i = 0; i < m->ncollectors; i++) {
		bool pluto = !strcmp(m->collectors[i].name, "libreswan");

		if (pluto && !m->have_sas)
			v->error = "pluto did not answer (see ikewatch's log)";
		if ((pluto || !strcmp(m->collectors[i].name, "vici")) &&
		    !m->collectors[i].success)
			v->ok = false;
	}
}

int status_build(const struct model *m, const struct status_filter *f,
		 struct arena *a, struct status_view *v)
{
	struct status_index ix;
	size_t i;

	memset(v, 0, sizeof(*v));
	v->m = m;
	v->at = m->collected_at;
	status_collector(m, v);
	if (!m->nviews)
		return 0;
	v->conns = arena_alloc(a, m->nviews * sizeof(*v->conns));
	if (!v->conns || status_index(m, a, &ix))
		return -ENOMEM;
	for (i = 0; i < m->nviews; i++) {
		struct status_conn *sc;

		if (!status_wanted(f, m->views[i].name))
			continue;
		sc = &v->conns[v->nconns++];
		sc->name = m->views[i].name;
		sc->view = &m->views[i];
		sc->expected_up = m->views[i].expected_up;
		if (status_ikes(sc, &ix, v, a) || status_missing(sc, a) ||
		    status_failing_probes(sc, m, a))
			return -ENOMEM;
		sc->negotiation = negotiation_find(&m->negotiation, sc->name);
		sc->log_now = m->collected_at;
		status_timeline_fill(m, sc->name, &sc->timeline);
		status_judge(sc, a);
		v->counts[sc->attention]++;
	}
	qsort(v->conns, v->nconns, sizeof(*v->conns), status_cmp_conn);
	return 0;
}
