#include "probe/scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "probe/probe_run.h"
#include "probe/probe_tls_trust.h"
#include "probe/spread.h"

#define PS_NS_PER_MS 1000000LL
#define PS_MUX_SLOT(i) (SIZE_MAX - (size_t)(i))   /* pslot of shared socket i */

struct ps_due {
	int64_t at;               /* CLOCK_MONOTONIC ns */
	size_t idx;
};

struct probe_sched {
	const struct probe_config *pc;
	struct probe_store *store;
	struct probe_tls_trust *tls;  /* the https probes' */
	bool once;
	struct ps_due *heap;      /* min-heap on at */
	size_t nheap;
	struct probe_run *runs;   /* slots */
	bool *busy;
	size_t nslots, nactive;
	bool *running, *failing;  /* per probe */
	_Atomic uint64_t *want;   /* per probe: the last fresh-run ticket asked */
	uint64_t *started;        /* per probe: the last ticket a run took */
	uint64_t *slot_ticket;    /* per slot: the ticket its run serves */
	atomic_bool asked;        /* some probe may want a fresh run */
	struct pollfd *pfd;
	size_t *pslot;            /* slot of each pfd, or PS_MUX_SLOT */
	struct probe_shared sh;
	int wake_fd;
	atomic_bool stop;
	pthread_t thread;
	uint32_t token;
};

static int64_t ps_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the heap of due times ------------------------------------------------ */

static void ps_swap(struct ps_due *a, struct ps_due *b)
{
	struct ps_due t = *a;

	*a = *b;
	*b = t;
}

static void ps_push(struct probe_sched *s, int64_t at, size_t idx)
{
	size_t i = s->nheap++;

	s->heap[i] = (struct ps_due){ at, idx };
	while (i > 0 && s->heap[(i - 1) / 2].at > s->heap[i].at) {
		ps_swap(&s->heap[(i - 1) / 2], &s->heap[i]);
		i = (i - 1) / 2;
	}
}

static struct ps_due ps_pop(struct probe_sched *s)
{
	struct ps_due top = s->heap[0];
	size_t i = 0, c;

	s->heap[0] = s->heap[--s->nheap];
	while ((c = 2 * i + 1) < s->nheap) {
		if (c + 1 < s->nheap && s->heap[c + 1].at < s->heap[c].at)
			c++;
		if (s->heap[i].at <= s->heap[c].at)
			break;
		ps_swap(&s->heap[i], &s->heap[c]);
		i = c;
	}
	return top;
}

/* ---- setup ------------------------------------------------------------------ */

static void ps_free(struct probe_sched *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; s->runs && i < s->nslots; i++)
		if (s->busy[i])
			probe_run_abort(&s->runs[i]);
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	icmp_mux_close_all(&s->sh.mux);
	netns_cache_release(&s->sh.ns);
	probe_tls_trust_free(s->tls);
	free(s->heap);
	free(s->runs);
	free(s->busy);
	free(s->running);
	free(s->failing);
	free((void *)s->want);
	free(s->started);
	free(s->slot_ticket);
	free(s->pfd);
	free(s->pslot);
	free(s);
}

static int ps_new(struct probe_sched **out, const struct probe_config *pc,
		  struct probe_store *store, bool once, struct ikw_err *err)
{
	struct probe_sched *s = calloc(1, sizeof(*s));
	size_t n = pc->n ? pc->n : 1, npfd;
	int r;

	*out = NULL;
	if (!s)
		return err_set(err, -ENOMEM, "out of memory");
	s->wake_fd = -1;
	icmp_mux_init(&s->sh.mux);
	netns_cache_init(&s->sh.ns);
	s->pc = pc;
	s->store = store;
	s->once = once;
	s->nslots = pc->max_concurrent < n ? pc->max_concurrent : n;
	if (s->nslots == 0)
		s->nslots = 1;
	npfd = 1 + s->nslots * PROBE_RUN_FDS + ICMP_MUX_MAX;
	s->heap = calloc(n, sizeof(*s->heap));
	s->runs = calloc(s->nslots, sizeof(*s->runs));
	s->busy = calloc(s->nslots, sizeof(*s->busy));
	s->running = calloc(n, sizeof(*s->running));
	s->failing = calloc(n, sizeof(*s->failing));
	s->want = calloc(n, sizeof(*s->want));
	s->started = calloc(n, sizeof(*s->started));
	s->slot_ticket = calloc(s->nslots, sizeof(*s->slot_ticket));
	s->pfd = calloc(npfd, sizeof(*s->pfd));
	s->pslot = calloc(npfd, sizeof(*s->pslot));
	/* tokens tell our runs' replies apart, also from an earlier ikewatch */
	s->token = (uint32_t)getpid() * 2654435761U ^ (uint32_t)ps_now();
	if (!s->heap || !s->runs || !s->busy || !s->running || !s->failing || !s->want ||
	    !s->started || !s->slot_ticket || !s->pfd || !s->pslot) {
		ps_free(s);
		return err_set(err, -ENOMEM, "out of memory");
	}
	/* once for all runs: loading a trust store is a client's costly part */
	r = probe_tls_trust_new(pc, &s->tls, err);
	if (r) {
		ps_free(s);
		return r;
	}
	*out = s;
	return 0;
}

/* First runs: spread over each probe's interval (daemon), or all now. */
static int ps_schedule_first(struct probe_sched *s, int64_t now)
{
	size_t i, n = s->pc->n;
	uint64_t *hash;
	uint32_t *iv, *off;
	int r = -ENOMEM;

	if (s->once) {
		for (i = 0; i < n; i++)
			ps_push(s, now, i);
		return 0;
	}
	hash = calloc(n ? n : 1, sizeof(*hash));
	iv = calloc(n ? n : 1, sizeof(*iv));
	off = calloc(n ? n : 1, sizeof(*off));
	if (hash && iv && off) {
		for (i = 0; i < n; i++) {
			const struct probe_spec *sp = &s->pc->v[i];

			hash[i] = spread_hash(sp->conn, sp->child, sp->name);
			iv[i] = sp->interval_ms;
		}
		r = spread_offsets(hash, iv, n, off);
		for (i = 0; !r && i < n; i++)
			ps_push(s, now + off[i] * PS_NS_PER_MS, i);
	}
	free(hash);
	free(iv);
	free(off);
	return r;
}

/* ---- runs ------------------------------------------------------------------- */

/* A probe that starts or stops failing is logged once, not at every run. */
static void ps_log_change(struct probe_sched *s, const struct probe_run *r)
{
	const struct probe_spec *sp = r->spec;

	if (!r->res.success && !s->failing[r->idx])
		log_warn("probe %s/%s/%s (%s %s) failing: %s", sp->conn, sp->child, sp->name,
			 probe_type_names[sp->type], r->res.target[0] ? r->res.target : "?",
			 probe_fail_names[r->res.fail]);
	else if (r->res.success && s->failing[r->idx])
		log_info("probe %s/%s/%s recovered", sp->conn, sp->child, sp->name);
	s->failing[r->idx] = !r->res.success;
}

static double ps_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ps_collect(struct probe_sched *s)
{
	size_t i;

	for (i = 0; i < s->nslots; i++) {
		struct probe_run *r = &s->runs[i];

		if (!s->busy[i] || !probe_run_done(r))
			continue;
		r->res.ticket = s->slot_ticket[i];
		probe_store_record(s->store, r->idx, &r->res);
		ps_log_change(s, r);
		s->running[r->idx] = false;
		s->busy[i] = false;
		s->nactive--;
	}
}

/* The next token whose echo identifier (low 16 bits) no run in flight has:
 * replies on a shared socket go to the run of their identifier. */
static uint32_t ps_next_token(struct probe_sched *s)
{
	size_t i;
	bool taken;

	do {
		taken = false;
		++s->token;
		for (i = 0; i < s->nslots && !taken; i++)
			taken = s->busy[i] && s->runs[i].id == (uint16_t)s->token;
	} while (taken);
	return s->token;
}

static void ps_start_one(struct probe_sched *s, size_t idx, int64_t now)
{
	struct probe_addrs addrs;
	size_t slot;

	for (slot = 0; s->busy[slot]; slot++)
		;
	probe_store_addrs(s->store, idx, &addrs);
	/* a run serves every request made before it started */
	s->started[idx] = s->slot_ticket[slot] = atomic_load(&s->want[idx]);
	s->busy[slot] = true;
	s->running[idx] = true;
	s->nactive++;
	probe_run_start(&s->runs[slot], &s->pc->v[idx], idx, &addrs, ps_next_token(s), &s->sh,
			now, probe_tls_trust_get(s->tls, idx));
}

/* Starts what is due while slots are free; the next run of each is one
 * interval after this one's due time (fixed rate), skipping runs that the
 * cap delayed past their turn. */
static void ps_start_due(struct probe_sched *s, int64_t now)
{
	while (s->nheap && s->heap[0].at <= now && s->nactive < s->nslots) {
		struct ps_due d = ps_pop(s);
		int64_t iv = (int64_t)s->pc->v[d.idx].interval_ms * PS_NS_PER_MS;

		if (!s->running[d.idx]) {
			if (!probe_store_quiet(s->store, d.idx, ps_realtime()))
				ps_start_one(s, d.idx, now);
		}
		else
			log_debug("probe %s: previous run still going, skipped",
				  s->pc->v[d.idx].name);
		if (s->once)
			continue;
		d.at += iv;
		while (d.at <= now)
			d.at += iv;
		ps_push(s, d.at, d.idx);
	}
}

/* Fresh runs asked for (probe_sched_request): started at once, never
 * quiet, when the probe is not running and a slot is free; otherwise at the
 * next pass (a run in flight started before the request, so it does not
 * serve it). */
static void ps_start_requested(struct probe_sched *s, int64_t now)
{
	bool left = false;
	size_t i;

	if (!atomic_exchange(&s->asked, false))
		return;
	for (i = 0; i < s->pc->n; i++) {
		if (atomic_load(&s->want[i]) <= s->started[i])
			continue;
		if (s->running[i] || s->nactive >= s->nslots)
			left = true;   /* again after a run ends: the loop comes round */
		else
			ps_start_one(s, i, now);
	}
	if (left)
		atomic_store(&s->asked, true);
}

static void ps_tick(struct probe_sched *s, int64_t now)
{
	size_t i;

	for (i = 0; i < s->nslots; i++)
		if (s->busy[i])
			probe_run_tick(&s->runs[i], now);
	ps_collect(s);
}

/* ---- waiting ------------------------------------------------------------------ */

static int64_t ps_next_event(const struct probe_sched *s)
{
	int64_t next = INT64_MAX, t;
	size_t i;

	if (s->nheap && s->nactive < s->nslots)
		next = s->heap[0].at;
	for (i = 0; i < s->nslots; i++)
		if (s->busy[i] && (t = probe_run_next(&s->runs[i])) < next)
			next = t;
	return next;
}

static size_t ps_pollfds(struct probe_sched *s)
{
	size_t i, j, n = 1, k;

	s->pfd[0] = (struct pollfd){ s->wake_fd, POLLIN, 0 };
	for (i = 0; i < s->nslots; i++) {
		if (!s->busy[i])
			continue;
		k = probe_run_pollfds(&s->runs[i], &s->pfd[n]);
		for (j = 0; j < k; j++)
			s->pslot[n + j] = i;
		n += k;
	}
	for (i = 0; i < ICMP_MUX_MAX; i++)
		if (s->sh.mux.s[i].fd >= 0 && s->sh.mux.s[i].users > 0) {
			s->pfd[n] = (struct pollfd){ s->sh.mux.s[i].fd, POLLIN, 0 };
			s->pslot[n++] = PS_MUX_SLOT(i);
		}
	return n;
}

/* The run in flight with echo identifier id, or NULL (identifiers are
 * distinct among them: ps_next_token). */
static struct probe_run *ps_run_of_id(struct probe_sched *s, uint16_t id)
{
	size_t k;

	for (k = 0; k < s->nslots; k++)
		if (s->busy[k] && s->runs[k].id == id)
			return &s->runs[k];
	return NULL;
}

/* Reads shared socket i and hands each message to the run it is for. */
static void ps_mux_read(struct probe_sched *s, int i, int64_t now)
{
	uint8_t buf[PROBE_ICMP_RECV_MAX];
	bool v6 = s->sh.mux.s[i].family == AF_INET6;
	struct sockaddr_in6 from;
	struct probe_run *r;
	struct icmp6_msg m6;
	struct icmp_msg m;
	socklen_t fromlen;
	ssize_t n;
	int b;

	for (b = 0; b < PROBE_RECV_BATCH; b++) {
		fromlen = sizeof(from);
		memset(&from, 0, sizeof(from));
		n = recvfrom(s->sh.mux.s[i].fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			return;
		if (v6) {
			if (icmp6_parse(buf, (size_t)n, &m6) == 0 && m6.kind != ICMP6_KIND_OTHER &&
			    (r = ps_run_of_id(s, m6.id)))
				probe_run_icmp6(r, i, &m6, &from, now);
		} else if (icmp_parse(buf, (size_t)n, true, &m) == 0 && m.kind != ICMP_KIND_OTHER &&
			   (r = ps_run_of_id(s, m.id))) {
			probe_run_icmp(r, i, &m, now);
		}
	}
}

static void ps_wait(struct probe_sched *s, int64_t now)
{
	int64_t next = ps_next_event(s), wait;
	struct timespec ts, *tsp = NULL;
	size_t n = ps_pollfds(s), i;
	int r;

	/* a slot freed by ps_tick() may make a due probe startable now */
	wait = next == INT64_MAX ? -1 : next > now ? next - now : 0;
	if (wait >= 0) {
		ts.tv_sec = wait / 1000000000LL;
		ts.tv_nsec = wait % 1000000000LL;
		tsp = &ts;
	}
	/* in a one-shot run wake_fd is -1, which poll() skips */
	r = ppoll(s->pfd, n, tsp, NULL);
	if (r <= 0)
		return;
	now = ps_now();
	if (s->pfd[0].revents) {
		uint64_t v;

		if (read(s->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			log_debug("probes: cannot read the wake-up: %s", strerror(errno));
	}
	for (i = 1; i < n; i++) {
		if (!s->pfd[i].revents)
			continue;
		if (s->pslot[i] >= s->nslots)
			ps_mux_read(s, (int)(SIZE_MAX - s->pslot[i]), now);
		else
			probe_run_io(&s->runs[s->pslot[i]], s->pfd[i].fd, s->pfd[i].revents, now);
	}
	ps_collect(s);
}

static void ps_loop(struct probe_sched *s)
{
	while (!atomic_load(&s->stop)) {
		int64_t now = ps_now();

		ps_start_requested(s, now);
		ps_start_due(s, now);
		ps_tick(s, now);
		if (s->once && s->nheap == 0 && s->nactive == 0)
			break;
		ps_wait(s, now);
	}
}

static void *ps_main(void *arg)
{
	ps_loop(arg);
	return NULL;
}

/* ---- the interface ---------------------------------------------------------- */

int probe_sched_start(struct probe_sched **out, const struct probe_config *pc,
		      struct probe_store *store, struct ikw_err *err)
{
	struct probe_sched *s;
	int r = ps_new(&s, pc, store, false, err);

	*out = NULL;
	if (r)
		return r;
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->wake_fd < 0 || ps_schedule_first(s, ps_now())) {
		r = s->wake_fd < 0 ? -errno : -ENOMEM;
		ps_free(s);
		return err_set(err, r, "probes: cannot set up the scheduler: %s", strerror(-r));
	}
	r = pthread_create(&s->thread, NULL, ps_main, s);
	if (r) {
		ps_free(s);
		return err_set(err, -r, "probes: cannot start a thread: %s", strerror(r));
	}
	*out = s;
	return 0;
}

void probe_sched_stop(struct probe_sched *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	atomic_store(&s->stop, true);
	if (write(s->wake_fd, &one, sizeof(one)) < 0)
		log_debug("probes: cannot wake the scheduler: %s", strerror(errno));
	pthread_join(s->thread, NULL);
	ps_free(s);
}

uint64_t probe_sched_request(struct probe_sched *s, size_t idx)
{
	uint64_t one = 1, ticket;

	if (!s || idx >= s->pc->n)
		return 0;
	ticket = atomic_fetch_add(&s->want[idx], 1) + 1;
	atomic_store(&s->asked, true);
	if (write(s->wake_fd, &one, sizeof(one)) < 0)
		log_debug("probes: cannot wake the scheduler: %s", strerror(errno));
	return ticket;
}

int probe_sched_run_once(const struct probe_config *pc, struct probe_store *store)
{
	struct ikw_err err = { "" };
	struct probe_sched *s;
	int r = ps_new(&s, pc, store, true, &err);

	if (r) {
		log_error("%s", err.msg);
		return r;
	}
	ps_schedule_first(s, ps_now());
	ps_loop(s);
	ps_free(s);
	return 0;
}
