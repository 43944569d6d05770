#include "collect/scrape.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "model/error_trend.h"
#include "model/ledger.h"
#include "model/ledger_state.h"
#include "model/overdue.h"

struct scraper {
	struct scraper_opts opts;
	struct collector **collectors;
	size_t ncollectors;
	struct ledger ledger;
	struct ledger kernel_traffic, kernel_errors;
	char *kernel_traffic_path, *kernel_errors_path;  /* NULL: not kept */
	struct contributor contributors[SCRAPER_CONTRIBUTORS_MAX];
	size_t ncontributors;
	pthread_mutex_t lock;
	pthread_cond_t done;
	bool running;
	uint64_t finished;          /* collections completed */
	struct model *last;         /* result of the latest collection */
	double last_started;        /* monotonic: when last's collection began */
	uint64_t served[SCRAPE_SERVED_N];   /* requests, by how they were served */
	struct overdue_seen overdue; /* SAs seen overdue (the event log) */
	struct error_trend errors;  /* kernel errors rising (the status view) */
	char last_error[MODEL_MAX_COLLECTORS][sizeof(((struct ikw_err *)0)->msg)];
};

/* "PATH.kernel-WHAT": the kernel's ledgers live beside charon's. */
static char *scraper_kernel_path(const char *path, const char *what)
{
	size_t n = strlen(path) + strlen(".kernel-") + strlen(what) + 1;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s.kernel-%s", path, what);
	return p;
}

/* A damaged state restarts the counters rather than trusting it. */
static void scraper_load_ledger(struct ledger *l, const char *path)
{
	struct ikw_err err = { "" };

	if (!ledger_state_load(l, path, &err))
		return;
	log_warn("ignoring the traffic state (counters restart): %s", err.msg);
	ledger_release(l);
	*l = (struct ledger)LEDGER_INIT;
}

static int scraper_load_state(struct scraper *s)
{
	const char *path = s->opts.ledger_state;

	s->kernel_traffic_path = scraper_kernel_path(path, "traffic");
	s->kernel_errors_path = scraper_kernel_path(path, "errors");
	if (!s->kernel_traffic_path || !s->kernel_errors_path)
		return -1;
	scraper_load_ledger(&s->ledger, path);
	scraper_load_ledger(&s->kernel_traffic, s->kernel_traffic_path);
	scraper_load_ledger(&s->kernel_errors, s->kernel_errors_path);
	return 0;
}

static void scraper_save_ledger(const struct ledger *l, const char *path)
{
	struct ikw_err err = { "" };

	if (ledger_state_save(l, path, &err))
		log_error("%s", err.msg);
}

/* Only what this collection could read: a failed read keeps the last. */
static void scraper_save_state(struct scraper *s, const struct model *m)
{
	if (!m->have_sas)
		return;
	scraper_save_ledger(&s->ledger, s->opts.ledger_state);
	if (!m->kernel.have_xfrm)
		return;
	scraper_save_ledger(&s->kernel_traffic, s->kernel_traffic_path);
	scraper_save_ledger(&s->kernel_errors, s->kernel_errors_path);
}

struct scraper *scraper_new(const struct scraper_opts *o,
			    struct collector **collectors, size_t n)
{
	struct scraper *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (n > MODEL_MAX_COLLECTORS) {
		free(s);
		return NULL;
	}
	s->opts = *o;
	s->ledger = (struct ledger)LEDGER_INIT;
	s->kernel_traffic = (struct ledger)LEDGER_INIT;
	s->kernel_errors = (struct ledger)LEDGER_INIT;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->done, NULL);
	if (o->ledger_state && scraper_load_state(s)) {
		scraper_free(s);    /* leaves the collectors to the caller */
		return NULL;
	}
	s->collectors = collectors;
	s->ncollectors = n;
	return s;
}

int scraper_add_contributor(struct scraper *s, struct contributor c)
{
	int r = 0;

	pthread_mutex_lock(&s->lock);
	if (s->ncontributors < SCRAPER_CONTRIBUTORS_MAX)
		s->contributors[s->ncontributors++] = c;
	else
		r = -ENOSPC;
	pthread_mutex_unlock(&s->lock);
	return r;
}

void scraper_free(struct scraper *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ncollectors; i++)
		if (s->collectors[i])
			s->collectors[i]->destroy(s->collectors[i]);
	free(s->collectors);
	model_unref(s->last);
	ledger_release(&s->ledger);
	ledger_release(&s->kernel_traffic);
	ledger_release(&s->kernel_errors);
	overdue_seen_release(&s->overdue);
	error_trend_release(&s->errors);
	free(s->kernel_traffic_path);
	free(s->kernel_errors_path);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->done);
	free(s);
}

/* Logs a collector's failure once when it starts or its reason changes, and
 * its recovery, instead of a warning at every scrape while charon is down. */
static void scraper_log_result(struct scraper *s, size_t i, int r,
			       const struct ikw_err *err)
{
	char *last = s->last_error[i];
	const char *name = s->collectors[i]->name;
	const char *why = err->msg[0] ? err->msg : strerror(-r);

	if (!r) {
		if (last[0])
			log_info("collector %s recovered", name);
		last[0] = '\0';
		return;
	}
	if (strcmp(last, why))
		log_warn("collector %s failed: %s", name, why);
	else
		log_debug("collector %s still failing: %s", name, why);
	snprintf(last, sizeof(s->last_error[i]), "%s", why);
}

static void scraper_run_one(struct scraper *s, size_t i, struct model *m,
			    const struct deadline *dl)
{
	struct collector *c = s->collectors[i];
	struct ikw_err err = { "" };
	double start = monotonic_seconds();
	int r = c->collect(c, m, dl, &err);

	if (r == COLLECTOR_OFF)
		return;
	scraper_log_result(s, i, r, &err);
	model_record_collector(m, c->name, r == 0, monotonic_seconds() - start);
}

/* Keeps ledger entries of connections that are still configured. */
static bool scraper_keep_entry(void *ctx, const char *conn, const char *child)
{
	const struct model *m = ctx;
	const struct conn_cfg *cfg = model_find_conn(m, conn);
	size_t i;

	for (i = 0; cfg && i < cfg->nchildren; i++)
		if (!strcmp(cfg->children[i].name, child))
			return true;
	return false;
}

/* Final counters of SAs that went away since the last scrape. */
static void scraper_apply_finals(struct scraper *s)
{
	struct sa_final batch[64];
	size_t n, i;

	while ((n = event_store_take_finals(s->opts.events, batch, 64)) > 0)
		for (i = 0; i < n; i++)
			ledger_apply_final(&s->ledger, &batch[i]);
}

/* How many CHILD SAs each IKE SA negotiated, from the event stream. */
static void scraper_ike_children(struct scraper *s, struct model *m)
{
	size_t i;

	for (i = 0; i < m->nike; i++)
		m->ike_sas[i].children_negotiated =
			event_store_ike_children(s->opts.events, m->ike_sas[i].uniqueid);
}

static void scraper_join_kernel(struct scraper *s, struct model *m)
{
	struct kernel_ledgers kl = { &s->kernel_traffic, &s->kernel_errors };

	if (kernel_join(m, &kl, m->ike_sas_unlisted == 0))
		log_error("out of memory joining the kernel's SAs");
	else if (error_trend_update(&s->errors, m, s->opts.kernel_errors_window))
		log_error("out of memory following the kernel's errors");
}

static struct model *scraper_run(struct scraper *s, const struct contributor *cb,
				 size_t ncb)
{
	struct deadline dl = deadline_in_ms(s->opts.timeout_ms);
	struct model *m = model_new();
	size_t i;

	if (!m)
		return NULL;
	for (i = 0; i < s->ncollectors; i++)
		scraper_run_one(s, i, m, &dl);
	m->rekey_overdue_margin = s->opts.rekey_overdue_margin;
	/* contributors see the peers as charon names them (a probe derives its
	 * target from a traffic selector), and their sections are redacted too */
	for (i = 0; i < ncb; i++)
		cb[i].contribute(cb[i].ctx, m);
	/* before anything keeps or renders a peer's name */
	if (s->opts.redact && redact_model(s->opts.redact, m))
		log_error("out of memory redacting peers");
	if (s->opts.events) {
		scraper_apply_finals(s);
		m->have_events = event_store_view(s->opts.events, &m->arena,
						  &m->events) == 0;
		m->have_event_stream = m->have_events && s->opts.event_stream;
		if (m->have_event_stream)
			scraper_ike_children(s, m);
	}
	if (m->have_sas) {
		if (ledger_update(&s->ledger, m, m->ike_sas_unlisted == 0))
			log_error("out of memory updating the traffic ledger");
		ledger_prune(&s->ledger, scraper_keep_entry, m);
		if (model_build_views(m, &s->opts.policy, &s->ledger))
			log_error("out of memory building the tunnel views");
		else if (s->opts.events)
			overdue_scan(&s->overdue, m, s->opts.events);
	}
	scraper_join_kernel(s, m);
	if (s->opts.ledger_state)
		scraper_save_state(s, m);
	return m;
}

bool scraper_reusable(double age_seconds, uint64_t window_ms)
{
	/* a clock that went backwards is no proof of freshness */
	return window_ms > 0 && age_seconds >= 0 &&
	       age_seconds * 1000.0 < (double)window_ms;
}

/* Under the lock: the snapshot and how it was served into info. */
static struct model *scraper_hand_out(struct scraper *s, enum scrape_served how,
				      struct scrape_info *info)
{
	struct model *m = s->last;

	if (m)
		model_ref(m);
	s->served[how]++;
	if (info) {
		info->age_seconds = monotonic_seconds() - s->last_started;
		if (info->age_seconds < 0)
			info->age_seconds = 0;
		info->collections = s->finished;
		memcpy(info->served, s->served, sizeof(info->served));
	}
	return m;
}

struct model *scraper_collect_recent(struct scraper *s, uint64_t window_ms,
				     struct scrape_info *info)
{
	struct contributor cb[SCRAPER_CONTRIBUTORS_MAX];
	struct model *m;
	size_t ncb;
	uint64_t want;
	double started;

	pthread_mutex_lock(&s->lock);
	if (s->running) {
		/* share the collection already under way */
		want = s->finished + 1;
		while (s->finished < want)
			pthread_cond_wait(&s->done, &s->lock);
		m = scraper_hand_out(s, SCRAPE_SHARED, info);
		pthread_mutex_unlock(&s->lock);
		return m;
	}
	if (s->last && scraper_reusable(monotonic_seconds() - s->last_started, window_ms)) {
		/* an HA pair's second server: the collection just finished */
		m = scraper_hand_out(s, SCRAPE_REUSED, info);
		pthread_mutex_unlock(&s->lock);
		return m;
	}
	s->running = true;
	ncb = s->ncontributors;
	memcpy(cb, s->contributors, sizeof(cb));
	/* nobody will be handed the old snapshot again: free it now so that a
	 * large model is not held twice while the new one is built */
	model_unref(s->last);
	s->last = NULL;
	pthread_mutex_unlock(&s->lock);

	started = monotonic_seconds();
	m = scraper_run(s, cb, ncb);

	pthread_mutex_lock(&s->lock);
	s->last = m;
	s->last_started = started;
	s->running = false;
	s->finished++;
	m = scraper_hand_out(s, SCRAPE_COLLECTED, info);
	pthread_cond_broadcast(&s->done);
	pthread_mutex_unlock(&s->lock);
	return m;
}

struct model *scraper_collect(struct scraper *s)
{
	return scraper_collect_recent(s, 0, NULL);
}

struct event_store *scraper_events(struct scraper *s)
{
	return s ? s->opts.events : NULL;
}

int scraper_has_run(struct scraper *s)
{
	uint64_t n;

	pthread_mutex_lock(&s->lock);
	n = s->finished;
	pthread_mutex_unlock(&s->lock);
	return n > 0;
}
