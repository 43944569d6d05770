#include "probe/probe_store.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/arena.h"
#include "common/deadline.h"
#include "probe/probe_addr.h"
#include "probe/quiet.h"

struct probe_state {
	bool ran;
	struct probe_result last;
	uint64_t runs, failures[PROBE_FAIL_COUNT];
	uint64_t buckets[PROBE_HIST_NBOUNDS];
	uint64_t rtt_count;
	double rtt_sum;
	struct probe_addrs addrs;
	struct probe_quiet quiet;
	uint64_t quiet_runs;
	bool by_traffic;              /* the last result is traffic's, not a run's */
	uint64_t consecutive_failures;  /* runs failed in a row, up to the last */
	uint64_t served;              /* the highest ticket a finished run carried */
};

struct probe_store {
	const struct probe_config *pc;
	pthread_mutex_t lock;
	pthread_cond_t served;        /* a run with a ticket finished */
	struct probe_state *st;
};

/* What the config fixes: a given target and source. */
static void probe_store_static_addrs(const struct probe_spec *sp, struct probe_addrs *a)
{
	memset(a, 0, sizeof(*a));
	if (sp->target)
		a->target_known = !probe_addr_parse(sp->target, &a->target);
	if (sp->source)
		a->has_source = !probe_addr_parse(sp->source, &a->source);
	else if (sp->source_offset != PROBE_OFFSET_NONE)
		a->source_unknown = true;
}

struct probe_store *probe_store_new(const struct probe_config *pc)
{
	struct probe_store *s = calloc(1, sizeof(*s));
	size_t i;

	if (!s)
		return NULL;
	s->st = calloc(pc->n ? pc->n : 1, sizeof(*s->st));
	if (!s->st) {
		free(s);
		return NULL;
	}
	s->pc = pc;
	for (i = 0; i < pc->n; i++)
		probe_store_static_addrs(&pc->v[i], &s->st[i].addrs);
	pthread_mutex_init(&s->lock, NULL);
	if (cond_init_monotonic(&s->served)) {
		pthread_mutex_destroy(&s->lock);
		free(s->st);
		free(s);
		return NULL;
	}
	return s;
}

void probe_store_free(struct probe_store *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->served);
	free(s->st);
	free(s);
}

static void probe_store_observe(struct probe_state *st, double rtt)
{
	size_t b;

	for (b = 0; b < PROBE_HIST_NBOUNDS; b++)
		if (rtt <= probe_hist_bounds[b]) {
			st->buckets[b]++;
			break;
		}
	st->rtt_count++;
	st->rtt_sum += rtt;
}

void probe_store_record(struct probe_store *s, size_t idx, const struct probe_result *r)
{
	struct probe_state *st;
	size_t i;

	if (idx >= s->pc->n)
		return;
	pthread_mutex_lock(&s->lock);
	st = &s->st[idx];
	st->ran = true;
	st->last = *r;
	st->runs++;
	st->by_traffic = false;
	probe_quiet_ran(&st->quiet, r->finished_at);
	if (!r->success)
		st->failures[r->fail < PROBE_FAIL_COUNT ? r->fail : PROBE_FAIL_ERROR]++;
	st->consecutive_failures = r->success ? 0 : st->consecutive_failures + 1;
	for (i = 0; i < r->nrtt && i < PROBE_COUNT_MAX; i++)
		probe_store_observe(st, r->rtt[i]);
	if (r->ticket > st->served) {
		st->served = r->ticket;
		pthread_cond_broadcast(&s->served);
	}
	pthread_mutex_unlock(&s->lock);
}

int probe_store_wait(struct probe_store *s, size_t idx, uint64_t ticket, unsigned timeout_ms,
		     struct probe_result *out)
{
	struct timespec until;
	int r = 0;

	if (idx >= s->pc->n)
		return -EINVAL;
	timespec_after_ms(CLOCK_MONOTONIC, timeout_ms, &until);
	pthread_mutex_lock(&s->lock);
	while (s->st[idx].served < ticket && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&s->served, &s->lock, &until);
	if (s->st[idx].served >= ticket) {
		*out = s->st[idx].last;
		r = 0;
	} else {
		r = -ETIMEDOUT;
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

void probe_store_traffic(struct probe_store *s, size_t idx, uint64_t packets_in,
			 uint64_t packets_out, double read_at)
{
	if (idx >= s->pc->n)
		return;
	pthread_mutex_lock(&s->lock);
	probe_quiet_seen(&s->st[idx].quiet, packets_in, packets_out, read_at);
	pthread_mutex_unlock(&s->lock);
}

bool probe_store_quiet(struct probe_store *s, size_t idx, double now)
{
	struct probe_state *st;
	bool quiet = false;

	if (idx >= s->pc->n || !s->pc->v[idx].quiet_when_traffic)
		return false;
	pthread_mutex_lock(&s->lock);
	st = &s->st[idx];
	/* a probe that never ran has no result to stand in for */
	if (st->ran && probe_quiet_proved(&st->quiet)) {
		quiet = true;
		st->quiet_runs++;
		st->by_traffic = true;
		/* traffic proved the tunnel: a success, the streak ends */
		st->consecutive_failures = 0;
		st->last.success = true;
		st->last.fail = PROBE_FAIL_NONE;
		st->last.loss_ratio = NAN;    /* nothing measured */
		st->last.nrtt = 0;
		st->last.finished_at = now;
	}
	pthread_mutex_unlock(&s->lock);
	return quiet;
}

void probe_store_addrs(struct probe_store *s, size_t idx, struct probe_addrs *out)
{
	memset(out, 0, sizeof(*out));
	if (idx >= s->pc->n)
		return;
	pthread_mutex_lock(&s->lock);
	*out = s->st[idx].addrs;
	pthread_mutex_unlock(&s->lock);
}

void probe_store_set_addrs(struct probe_store *s, size_t idx, const struct probe_addrs *a)
{
	if (idx >= s->pc->n)
		return;
	pthread_mutex_lock(&s->lock);
	s->st[idx].addrs = *a;
	pthread_mutex_unlock(&s->lock);
}

static void probe_store_fill(const struct probe_spec *sp, const struct probe_state *st,
			     struct arena *a, bool cumulative, struct probe_view *v)
{
	v->conn = arena_strdup(a, sp->conn);
	v->child = arena_strdup(a, sp->child);
	v->name = arena_strdup(a, sp->name);
	v->target = arena_strdup(a, st->last.target);
	v->source = arena_strdup(a, st->last.source);
	v->type = sp->type;
	v->tls = sp->type == PROBE_HTTP && sp->tls;
	v->success = st->last.success;
	v->fail = st->last.fail;
	v->loss_ratio = st->last.loss_ratio;
	v->mtu = st->last.mtu;
	v->http = st->last.http;
	v->last_run = st->last.finished_at;
	v->by_traffic = st->by_traffic;
	v->consecutive_failures = st->consecutive_failures;
	v->failing = !st->last.success && st->consecutive_failures >=
		     (sp->failing_after ? sp->failing_after : PROBE_FAILING_AFTER_DEFAULT);
	v->mtu_floor = sp->type == PROBE_MTU ? sp->mtu_min : 0;
	if (!cumulative)
		return;
	v->quiet_runs = st->quiet_runs;
	v->runs = st->runs;
	memcpy(v->failures, st->failures, sizeof(v->failures));
	memcpy(v->buckets, st->buckets, sizeof(v->buckets));
	v->rtt_count = st->rtt_count;
	v->rtt_sum = st->rtt_sum;
}

int probe_store_view(struct probe_store *s, struct arena *a, bool cumulative,
		     struct probe_snapshot *out)
{
	size_t i, n = 0;

	memset(out, 0, sizeof(*out));
	out->have = true;
	out->cumulative = cumulative;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->pc->n; i++)
		n += s->st[i].ran;
	out->v = n ? arena_alloc(a, n * sizeof(*out->v)) : NULL;
	for (i = 0; out->v && i < s->pc->n; i++)
		if (s->st[i].ran)
			probe_store_fill(&s->pc->v[i], &s->st[i], a, cumulative, &out->v[out->n++]);
	pthread_mutex_unlock(&s->lock);
	return a->failed || (n && !out->v) ? -ENOMEM : 0;
}
