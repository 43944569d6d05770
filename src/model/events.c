#include "model/events.h"

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/arena.h"
#include "common/hmap.h"
#include "common/text.h"

const char *const event_kind_names[EV_KIND_COUNT] = {
	[EV_IKE_UP] = "ike_up", [EV_IKE_DOWN] = "ike_down",
	[EV_IKE_REKEY] = "ike_rekey", [EV_CHILD_UP] = "child_up",
	[EV_CHILD_DOWN] = "child_down", [EV_CHILD_REKEY] = "child_rekey",
};

const char *const fail_reason_names[FAIL_REASON_COUNT] = {
	[FAIL_AUTH] = "auth_failed",
	[FAIL_NO_PROPOSAL] = "no_proposal_chosen",
	[FAIL_TS_UNACCEPTABLE] = "ts_unacceptable",
	[FAIL_PEER_UNREACHABLE] = "peer_unreachable",
	[FAIL_DPD_TIMEOUT] = "dpd_timeout",
	[FAIL_REKEY] = "rekey_failed",
	[FAIL_INVALID_KE] = "invalid_ke_payload",
	[FAIL_HALF_OPEN] = "half_open",
	[FAIL_INSTALL] = "install_failed",
	[FAIL_CERT] = "certificate",
	[FAIL_NO_VIP] = "no_virtual_ip",
	[FAIL_OTHER] = "other",
};

const char *const event_record_kind_names[ER_KIND_COUNT] = {
	[ER_IKE_UP] = "ike_up", [ER_IKE_DOWN] = "ike_down",
	[ER_IKE_REKEY] = "ike_rekey", [ER_CHILD_UP] = "child_up",
	[ER_CHILD_DOWN] = "child_down", [ER_CHILD_REKEY] = "child_rekey",
	[ER_REKEY_FAILED] = "rekey_failed", [ER_REKEY_OVERDUE] = "rekey_overdue",
	[ER_FAILURE] = "failure", [ER_ALERT] = "alert",
	[ER_REMEDIATION] = "remediation",
};

const char *const fail_source_names[FAIL_SRC_COUNT] = {
	[FAIL_SRC_ERROR_NOTIFY] = "error_notify",
	[FAIL_SRC_LOG] = "log",
	[FAIL_SRC_VICI] = "vici",
};

#define EVENT_NAME_MAX 256

struct event_store {
	pthread_mutex_t lock;
	size_t max_keys, keys;
	struct hmap events;      /* "conn\0child" -> struct event_counts */
	struct hmap failures;    /* "conn" -> struct failure_counts */
	struct hmap rules;       /* "rule\0name\0value..." -> struct rule_count */
	struct hmap alerts;      /* "conn" -> struct alert_counts */
	uint64_t dropped, gaps;
	bool connected, alerts_live;
	struct sa_final *finals;  /* ring of EVENT_FINALS_MAX */
	size_t finals_head, finals_count;
	struct hmap ike_since;    /* IKE SA unique id -> Unix second it came
				     up, plus 1, in the pointer */
	struct hmap durations;    /* "conn" -> struct duration_counts */
	struct hmap ike_children; /* IKE SA unique id -> CHILD SAs negotiated,
				     the count stored in the pointer */
	event_sink_fn sink;       /* set before the sources start */
	void *sink_ctx;
};

struct event_store *event_store_new(size_t max_keys)
{
	struct event_store *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->finals = calloc(EVENT_FINALS_MAX, sizeof(*s->finals));
	if (!s->finals) {
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	s->max_keys = max_keys;
	return s;
}

static void event_free_events(struct hmap *m)
{
	size_t pos = 0;
	void *v;

	while (hmap_iter(m, &pos, NULL, NULL, &v)) {
		struct event_counts *e = v;

		free((char *)e->conn);
		free((char *)e->child);
		free(e);
	}
	hmap_release(m);
}

static void event_free_failures(struct hmap *m)
{
	size_t pos = 0;
	void *v;

	while (hmap_iter(m, &pos, NULL, NULL, &v)) {
		struct failure_counts *f = v;

		free((char *)f->conn);
		free(f);
	}
	hmap_release(m);
}

static void event_free_alerts(struct hmap *m)
{
	size_t pos = 0;
	void *v;

	while (hmap_iter(m, &pos, NULL, NULL, &v)) {
		struct alert_counts *a = v;

		free((char *)a->conn);
		free(a);
	}
	hmap_release(m);
}

static void event_free_durations(struct hmap *m)
{
	size_t pos = 0;
	void *v;

	while (hmap_iter(m, &pos, NULL, NULL, &v)) {
		struct duration_counts *d = v;

		free((char *)d->conn);
		free(d);
	}
	hmap_release(m);
}

static void event_free_rules(struct hmap *m)
{
	size_t pos = 0, i;
	void *v;

	while (hmap_iter(m, &pos, NULL, NULL, &v)) {
		struct rule_count *r = v;

		free((char *)r->rule);
		for (i = 0; i < r->nlabels; i++) {
			free((char *)r->label_names[i]);
			free((char *)r->label_values[i]);
		}
		free(r);
	}
	hmap_release(m);
}

void event_store_free(struct event_store *s)
{
	if (!s)
		return;
	event_free_events(&s->events);
	event_free_failures(&s->failures);
	event_free_rules(&s->rules);
	event_free_alerts(&s->alerts);
	event_free_durations(&s->durations);
	hmap_release(&s->ike_since);
	hmap_release(&s->ike_children);
	free(s->finals);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* A sanitized, bounded copy of an untrusted name. */
static char *event_name(const char *s)
{
	size_t len = s ? strnlen(s, EVENT_NAME_MAX) : 0;
	char *p = malloc(len + 1);

	if (p)
		text_sanitize(p, s ? s : "", len);
	return p;
}

/* Builds "a\0b\0..." into buf; returns its length, 0 if it does not fit. */
static size_t event_key(char *buf, size_t size, const char *const *parts,
			size_t n)
{
	size_t len = 0, i, l;

	for (i = 0; i < n; i++) {
		l = strnlen(parts[i] ? parts[i] : "", EVENT_NAME_MAX);
		if (len + l + 1 > size)
			return 0;
		memcpy(buf + len, parts[i] ? parts[i] : "", l);
		len += l;
		buf[len++] = '\0';
	}
	return len;
}

/* Whether a new key may be added; past the cap the caller uses "other". */
static bool event_room(struct event_store *s)
{
	if (s->keys < s->max_keys)
		return true;
	s->dropped++;
	return false;
}

static struct event_counts *event_counts_get(struct event_store *s,
					     const char *conn, const char *child)
{
	const char *parts[2] = { conn, child ? child : "" };
	char key[2 * EVENT_NAME_MAX + 2];
	size_t len = event_key(key, sizeof(key), parts, 2);
	struct event_counts *e = len ? hmap_get(&s->events, key, len) : NULL;

	if (e || !len)
		return e;
	/* past the cap, one "other" row (per kind of row) takes the rest */
	if (strcmp(conn, "other") && !event_room(s))
		return event_counts_get(s, "other", child ? "other" : NULL);
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->conn = event_name(conn);
	e->child = event_name(child ? child : "");
	if (!e->conn || !e->child || hmap_put(&s->events, key, len, e)) {
		free((char *)e->conn);
		free((char *)e->child);
		free(e);
		return NULL;
	}
	s->keys++;
	return e;
}

void event_store_count(struct event_store *s, enum event_kind k,
		       const char *conn, const char *child, double ts)
{
	struct event_counts *e;

	if ((unsigned)k >= EV_KIND_COUNT)
		return;
	pthread_mutex_lock(&s->lock);
	e = event_counts_get(s, conn ? conn : "", child);
	if (e) {
		e->count[k]++;
		if (ts > e->last[k])
			e->last[k] = ts;
	}
	pthread_mutex_unlock(&s->lock);
}

_Static_assert(offsetof(struct failure_counts, conn) == 0 &&
	       offsetof(struct alert_counts, conn) == 0 &&
	       offsetof(struct duration_counts, conn) == 0,
	       "event_conn_entry() names an entry through its first member");

/* The entry of conn in map: a struct of size bytes whose first member is
 * its `const char *conn`, created zeroed.  Past the key cap, conn "other"'s. */
static void *event_conn_entry(struct event_store *s, struct hmap *map,
			      const char *conn, size_t size)
{
	size_t len = strnlen(conn, EVENT_NAME_MAX);
	void *e = hmap_get(map, conn, len);
	const char **name;

	if (e)
		return e;
	if (strcmp(conn, "other") && !event_room(s))
		return event_conn_entry(s, map, "other", size);
	e = calloc(1, size);
	if (!e)
		return NULL;
	name = e;
	*name = event_name(conn);
	if (!*name || hmap_put(map, conn, len, e)) {
		free((char *)*name);
		free(e);
		return NULL;
	}
	s->keys++;
	return e;
}

/* The reasons that charon's alerts report (model/alert.c): while alerts
 * arrive, a log line of one of these describes a failure already counted. */
static bool event_alert_reports(enum fail_reason r)
{
	switch (r) {
	case FAIL_AUTH: case FAIL_NO_PROPOSAL: case FAIL_TS_UNACCEPTABLE:
	case FAIL_PEER_UNREACHABLE: case FAIL_DPD_TIMEOUT: case FAIL_HALF_OPEN:
	case FAIL_INSTALL: case FAIL_CERT: case FAIL_NO_VIP:
		return true;
	default:
		return false;
	}
}

static bool event_counted_by_alerts(struct event_store *s, enum fail_reason r,
				    enum fail_source src)
{
	bool live;

	if (src == FAIL_SRC_VICI)
		return false;
	pthread_mutex_lock(&s->lock);
	live = s->alerts_live;
	pthread_mutex_unlock(&s->lock);
	return live && (src == FAIL_SRC_ERROR_NOTIFY || event_alert_reports(r));
}

void event_store_failure(struct event_store *s, enum fail_reason r,
			 enum fail_source src, const char *conn, double ts)
{
	event_store_failure_rec(s, r, src, conn, ts, NULL);
}

void event_store_failure_rec(struct event_store *s, enum fail_reason r,
			     enum fail_source src, const char *conn, double ts,
			     const struct event_record *more)
{
	struct event_record rec = { .kind = ER_FAILURE };

	if (event_counted_by_alerts(s, r, src))
		return;
	event_store_failure_add(s, r, conn, 1, ts);
	if (more)
		rec = *more;
	if ((unsigned)r >= FAIL_REASON_COUNT)
		r = FAIL_OTHER;
	rec.kind = r == FAIL_REKEY ? ER_REKEY_FAILED : ER_FAILURE;
	rec.conn = conn ? conn : "";
	rec.reason = fail_reason_names[r];
	rec.source = (unsigned)src < FAIL_SRC_COUNT ? fail_source_names[src] : NULL;
	event_store_emit(s, &rec);
}

void event_store_set_sink(struct event_store *s, event_sink_fn fn, void *ctx)
{
	s->sink = fn;
	s->sink_ctx = ctx;
}

void event_store_emit(struct event_store *s, const struct event_record *r)
{
	struct event_record rec;

	if (!s || !s->sink)
		return;
	rec = *r;
	if (!rec.when.tv_sec && !rec.when.tv_nsec)
		clock_gettime(CLOCK_REALTIME, &rec.when);
	s->sink(s->sink_ctx, &rec);
}

void event_store_alert(struct event_store *s, unsigned type, const char *conn)
{
	struct alert_counts *a;

	if (type >= EVENT_ALERT_TYPES)
		return;
	pthread_mutex_lock(&s->lock);
	a = event_conn_entry(s, &s->alerts, conn ? conn : "", sizeof(*a));
	if (a)
		a->count[type]++;
	pthread_mutex_unlock(&s->lock);
}

void event_store_set_alerts_live(struct event_store *s, bool live)
{
	pthread_mutex_lock(&s->lock);
	s->alerts_live = live;
	pthread_mutex_unlock(&s->lock);
}

void event_store_failure_add(struct event_store *s, enum fail_reason r,
			     const char *conn, uint64_t n, double ts)
{
	struct failure_counts *f;

	if ((unsigned)r >= FAIL_REASON_COUNT)
		r = FAIL_OTHER;
	pthread_mutex_lock(&s->lock);
	f = event_conn_entry(s, &s->failures, conn ? conn : "", sizeof(*f));
	if (f) {
		f->count[r] += n;
		if (ts > 0 && ts >= f->last) {
			f->last = ts;
			f->last_reason = r;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

static struct rule_count *event_rule_new(const char *rule,
					 const char *const *names,
					 const char *const *values, size_t n)
{
	struct rule_count *r = calloc(1, sizeof(*r));
	size_t i;

	if (!r)
		return NULL;
	r->rule = event_name(rule);
	r->nlabels = n;
	for (i = 0; i < n; i++) {
		r->label_names[i] = event_name(names[i]);
		r->label_values[i] = event_name(values[i]);
	}
	return r;
}

void event_store_rule(struct event_store *s, const char *rule,
		      const char *const *label_names,
		      const char *const *label_values, size_t nlabels)
{
	event_store_rule_add(s, rule, label_names, label_values, nlabels, 1);
}

void event_store_rule_add(struct event_store *s, const char *rule,
			  const char *const *label_names,
			  const char *const *label_values, size_t nlabels,
			  uint64_t n)
{
	const char *parts[1 + 2 * EVENT_LABELS_MAX];
	char key[(1 + 2 * EVENT_LABELS_MAX) * (EVENT_NAME_MAX + 1)];
	struct rule_count *r;
	size_t i, len;

	if (nlabels > EVENT_LABELS_MAX)
		nlabels = EVENT_LABELS_MAX;
	parts[0] = rule;
	for (i = 0; i < nlabels; i++) {
		parts[1 + 2 * i] = label_names[i];
		parts[2 + 2 * i] = label_values[i];
	}
	len = event_key(key, sizeof(key), parts, 1 + 2 * nlabels);
	if (!len)
		return;
	pthread_mutex_lock(&s->lock);
	r = hmap_get(&s->rules, key, len);
	if (!r && event_room(s)) {
		r = event_rule_new(rule, label_names, label_values, nlabels);
		if (r && hmap_put(&s->rules, key, len, r)) {
			free(r);   /* strings leak only on ENOMEM: rare, bounded */
			r = NULL;
		}
		if (r)
			s->keys++;
	}
	if (r)
		r->count += n;
	pthread_mutex_unlock(&s->lock);
}

void event_store_note_gap(struct event_store *s)
{
	pthread_mutex_lock(&s->lock);
	s->gaps++;
	pthread_mutex_unlock(&s->lock);
}

void event_store_final(struct event_store *s, const struct sa_final *f)
{
	size_t slot;

	pthread_mutex_lock(&s->lock);
	slot = (s->finals_head + s->finals_count) % EVENT_FINALS_MAX;
	if (s->finals_count == EVENT_FINALS_MAX) {
		s->finals_head = (s->finals_head + 1) % EVENT_FINALS_MAX;
		s->dropped++;
	} else {
		s->finals_count++;
	}
	s->finals[slot] = *f;
	pthread_mutex_unlock(&s->lock);
}

size_t event_store_take_finals(struct event_store *s, struct sa_final *out,
			       size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&s->lock);
	while (n < max && s->finals_count) {
		out[n++] = s->finals[s->finals_head];
		s->finals_head = (s->finals_head + 1) % EVENT_FINALS_MAX;
		s->finals_count--;
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

void event_store_set_connected(struct event_store *s, bool up)
{
	pthread_mutex_lock(&s->lock);
	s->connected = up;
	pthread_mutex_unlock(&s->lock);
}

/* ---- view --------------------------------------------------------------- */

static int event_cmp_counts(const void *a, const void *b)
{
	const struct event_counts *x = a, *y = b;
	int c = strcmp(x->conn, y->conn);

	return c ? c : strcmp(x->child, y->child);
}

static int event_cmp_failures(const void *a, const void *b)
{
	return strcmp(((const struct failure_counts *)a)->conn,
		      ((const struct failure_counts *)b)->conn);
}

static int event_cmp_rules(const void *a, const void *b)
{
	const struct rule_count *x = a, *y = b;
	size_t i;
	int c = strcmp(x->rule, y->rule);

	for (i = 0; !c && i < x->nlabels && i < y->nlabels; i++) {
		c = strcmp(x->label_names[i], y->label_names[i]);
		if (!c)
			c = strcmp(x->label_values[i], y->label_values[i]);
	}
	return c ? c : (int)x->nlabels - (int)y->nlabels;
}

static const char *event_dup(struct arena *a, const char *s)
{
	const char *p = arena_strdup(a, s ? s : "");

	return p ? p : "";
}

static int event_view_events(struct event_store *s, struct arena *a,
			     struct event_view *v)
{
	size_t pos = 0;
	void *val;

	v->events = arena_alloc(a, (s->events.count + 1) * sizeof(*v->events));
	if (!v->events)
		return -ENOMEM;
	while (hmap_iter(&s->events, &pos, NULL, NULL, &val)) {
		struct event_counts *e = &v->events[v->nevents++];

		*e = *(struct event_counts *)val;
		e->conn = event_dup(a, e->conn);
		e->child = event_dup(a, e->child);
	}
	qsort(v->events, v->nevents, sizeof(*v->events), event_cmp_counts);
	return 0;
}

static int event_view_failures(struct event_store *s, struct arena *a,
			       struct event_view *v)
{
	size_t pos = 0;
	void *val;

	v->failures = arena_alloc(a, (s->failures.count + 1) * sizeof(*v->failures));
	if (!v->failures)
		return -ENOMEM;
	while (hmap_iter(&s->failures, &pos, NULL, NULL, &val)) {
		struct failure_counts *f = &v->failures[v->nfailures++];

		*f = *(struct failure_counts *)val;
		f->conn = event_dup(a, f->conn);
	}
	qsort(v->failures, v->nfailures, sizeof(*v->failures), event_cmp_failures);
	return 0;
}

static int event_cmp_alerts(const void *a, const void *b)
{
	return strcmp(((const struct alert_counts *)a)->conn,
		      ((const struct alert_counts *)b)->conn);
}

static int event_view_alerts(struct event_store *s, struct arena *a,
			     struct event_view *v)
{
	size_t pos = 0;
	void *val;

	v->alerts = arena_alloc(a, (s->alerts.count + 1) * sizeof(*v->alerts));
	if (!v->alerts)
		return -ENOMEM;
	while (hmap_iter(&s->alerts, &pos, NULL, NULL, &val)) {
		struct alert_counts *c = &v->alerts[v->nalerts++];

		*c = *(struct alert_counts *)val;
		c->conn = event_dup(a, c->conn);
	}
	qsort(v->alerts, v->nalerts, sizeof(*v->alerts), event_cmp_alerts);
	v->alerts_live = s->alerts_live;
	return 0;
}

static int event_cmp_durations(const void *a, const void *b)
{
	return strcmp(((const struct duration_counts *)a)->conn,
		      ((const struct duration_counts *)b)->conn);
}

static int event_view_durations(struct event_store *s, struct arena *a,
				struct event_view *v)
{
	size_t pos = 0;
	void *val;

	v->durations = arena_alloc(a, (s->durations.count + 1) * sizeof(*v->durations));
	if (!v->durations)
		return -ENOMEM;
	while (hmap_iter(&s->durations, &pos, NULL, NULL, &val)) {
		struct duration_counts *d = &v->durations[v->ndurations++];

		*d = *(struct duration_counts *)val;
		d->conn = event_dup(a, d->conn);
	}
	qsort(v->durations, v->ndurations, sizeof(*v->durations), event_cmp_durations);
	return 0;
}

static int event_view_rules(struct event_store *s, struct arena *a,
			    struct event_view *v)
{
	size_t pos = 0, i;
	void *val;

	v->rules = arena_alloc(a, (s->rules.count + 1) * sizeof(*v->rules));
	if (!v->rules)
		return -ENOMEM;
	while (hmap_iter(&s->rules, &pos, NULL, NULL, &val)) {
		struct rule_count *r = &v->rules[v->nrules++];

		*r = *(struct rule_count *)val;
		r->rule = event_dup(a, r->rule);
		for (i = 0; i < r->nlabels; i++) {
			r->label_names[i] = event_dup(a, r->label_names[i]);
			r->label_values[i] = event_dup(a, r->label_values[i]);
		}
	}
	qsort(v->rules, v->nrules, sizeof(*v->rules), event_cmp_rules);
	return 0;
}

int event_store_view(struct event_store *s, struct arena *a,
		     struct event_view *v)
{
	int r;

	memset(v, 0, sizeof(*v));
	pthread_mutex_lock(&s->lock);
	r = event_view_events(s, a, v);
	if (!r)
		r = event_view_failures(s, a, v);
	if (!r)
		r = event_view_rules(s, a, v);
	if (!r)
		r = event_view_alerts(s, a, v);
	if (!r)
		r = event_view_durations(s, a, v);
	v->dropped = s->dropped;
	v->gaps = s->gaps;
	v->connected = s->connected;
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* ---- CHILD SAs per IKE SA ------------------------------------------------ */

void event_store_ike_child(struct event_store *s, uint32_t ike_id)
{
	void *v;

	if (!ike_id)
		return;
	pthread_mutex_lock(&s->lock);
	v = hmap_get(&s->ike_children, &ike_id, sizeof(ike_id));
	if (v || s->ike_children.count < EVENT_IKE_CHILDREN_MAX)
		hmap_put(&s->ike_children, &ike_id, sizeof(ike_id),
			 (void *)((uintptr_t)v + 1));
	pthread_mutex_unlock(&s->lock);
}

void event_store_ike_gone(struct event_store *s, uint32_t ike_id)
{
	pthread_mutex_lock(&s->lock);
	hmap_del(&s->ike_children, &ike_id, sizeof(ike_id));
	pthread_mutex_unlock(&s->lock);
}

int64_t event_store_ike_children(struct event_store *s, uint32_t ike_id)
{
	void *v;

	pthread_mutex_lock(&s->lock);
	v = hmap_get(&s->ike_children, &ike_id, sizeof(ike_id));
	pthread_mutex_unlock(&s->lock);
	return v ? (int64_t)(uintptr_t)v : -1;
}

/* ---- session durations ---------------------------------------------------- */

/* a minute to a day: remote-access sessions last a working day at most */
const double session_hist_bounds[SESSION_HIST_NBOUNDS] = {
	60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400,
};

void event_store_ike_since(struct event_store *s, uint32_t ike_id, double ts)
{
	if (!ike_id || ts < 0 || ts > (double)UINTPTR_MAX / 2)
		return;
	pthread_mutex_lock(&s->lock);
	if (s->ike_since.count < EVENT_IKE_CHILDREN_MAX)
		hmap_put(&s->ike_since, &ike_id, sizeof(ike_id),
			 (void *)((uintptr_t)ts + 1));
	pthread_mutex_unlock(&s->lock);
}

void event_store_ike_rekeyed(struct event_store *s, uint32_t old_id,
			     uint32_t new_id)
{
	void *v;

	if (!old_id || !new_id || old_id == new_id)
		return;
	pthread_mutex_lock(&s->lock);
	v = hmap_get(&s->ike_since, &old_id, sizeof(old_id));
	if (v) {
		hmap_del(&s->ike_since, &old_id, sizeof(old_id));
		hmap_put(&s->ike_since, &new_id, sizeof(new_id), v);
	}
	pthread_mutex_unlock(&s->lock);
}

static void event_observe(struct duration_counts *d, double secs)
{
	size_t i;

	for (i = 0; i < SESSION_HIST_NBOUNDS && secs > session_hist_bounds[i]; i++)
		;
	if (i < SESSION_HIST_NBOUNDS)
		d->buckets[i]++;
	d->count++;
	d->sum += secs;
}

void event_store_ike_ended(struct event_store *s, const char *conn,
			   uint32_t ike_id, double ts)
{
	struct duration_counts *d;
	void *v;

	if (!ike_id)
		return;
	pthread_mutex_lock(&s->lock);
	v = hmap_get(&s->ike_since, &ike_id, sizeof(ike_id));
	if (v) {
		double since = (double)((uintptr_t)v - 1);

		hmap_del(&s->ike_since, &ike_id, sizeof(ike_id));
		d = event_conn_entry(s, &s->durations, conn ? conn : "", sizeof(*d));
		if (d)
			event_observe(d, ts > since ? ts - since : 0);
	}
	pthread_mutex_unlock(&s->lock);
}
