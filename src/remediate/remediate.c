/* The remediation engine's life (start, stop), its policy clock and its
 * counters, and what it contributes to each snapshot.  The other concerns
 * are in the files remediate_int.h lists. */
#include "remediate/remediate.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/deadline.h"
#include "common/log.h"
#include "common/safe_file.h"
#include "common/token_file.h"
#include "remediate/remediate_int.h"
#include "remediate/remediate_state.h"

#define REM_TOKEN_MIN 16

/* ---- clock --------------------------------------------------------------- */

double rem_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double rem_now(const struct remediate *r)
{
	return r->wall0 + (rem_mono() - r->mono0) * r->rc->time_scale;
}

bool rem_sleep(struct remediate *r, uint64_t policy_ms)
{
	double real = (double)policy_ms / 1000.0 / r->rc->time_scale;
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)real;
	until.tv_nsec += (long)((real - floor(real)) * 1e9);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->lock);
	while (!r->stop && pthread_cond_timedwait(&r->cond, &r->lock, &until) != ETIMEDOUT)
		;
	stop = r->stop;
	pthread_mutex_unlock(&r->lock);
	return !stop;
}

/* ---- counters and per-conn state ------------------------------------------ */

struct rem_conn *rem_conn_get(struct remediate *r, const char *name)
{
	struct rem_conn *p;
	size_t i;

	for (i = 0; i < r->nconns; i++)
		if (!strcmp(r->conns[i].name, name))
			return &r->conns[i];
	if (r->nconns >= REMEDIATE_CONNS_MAX)
		return NULL;
	p = realloc(r->conns, (r->nconns + 1) * sizeof(*p));
	if (!p)
		return NULL;
	r->conns = p;
	p += r->nconns;
	memset(p, 0, sizeof(*p));
	if (!(p->name = strdup(name)))
		return NULL;
	r->nconns++;
	return p;
}

void rem_count_step(struct remediate *r, const char *conn, enum rem_action step,
		    enum rem_step_result res)
{
	struct rem_conn *c;

	pthread_mutex_lock(&r->lock);
	if ((c = rem_conn_get(r, conn)))
		c->steps[step][res]++;
	pthread_mutex_unlock(&r->lock);
}

void rem_count_action(struct remediate *r, const char *conn, enum rem_action a,
		      enum rem_result res)
{
	struct rem_conn *c;

	pthread_mutex_lock(&r->lock);
	if ((c = rem_conn_get(r, conn))) {
		c->actions[a][res]++;
		if (a != RA_DIAGNOSTICS && res != RS_DRY_RUN)
			c->last_action_wall = (double)time(NULL);
	}
	if (a == RA_RESTART && res != RS_DRY_RUN)
		r->restarts[res]++;
	pthread_mutex_unlock(&r->lock);
}

void rem_set_last_action(struct remediate *r, const char *conn, double now)
{
	struct rem_conn *c;

	pthread_mutex_lock(&r->lock);
	if ((c = rem_conn_get(r, conn)))
		c->st.last_action = now;
	pthread_mutex_unlock(&r->lock);
	rem_state_store(r);
}

/* ---- the state file ------------------------------------------------------- */

void rem_state_restore(struct remediate *r)
{
	struct ikw_err err = { "" };
	struct rem_state s;
	double now = rem_now(r);
	size_t i;

	if (!r->rc->state_file) {
		log_warn("remediation.state_file is not set: cooldowns, the restart backoff "
			 "and the daily cap start afresh whenever ikewatch restarts");
		return;
	}
	if (rem_state_load(&s, r->rc->state_file, now, &err)) {
		/* safety first: a state we cannot read is a state that may hold
		 * a cooldown or a backoff; hold every action for a cooldown and
		 * count the restart history as a failed restart just now */
		log_error("remediation: %s; holding every action for %.0f s (policy time) "
			  "and backing off restarts", err.msg, r->limits.cooldown_s);
		r->hold_until = now + r->limits.cooldown_s;
		rem_policy_restarted(&r->host, now, false);
		rem_state_release(&s);
		return;
	}
	pthread_mutex_lock(&r->lock);
	r->host = s.host;
	for (i = 0; i < s.nconns; i++) {
		struct rem_conn *c = rem_conn_get(r, s.conns[i].name);

		if (c)
			c->st.last_action = s.conns[i].last_action;
	}
	pthread_mutex_unlock(&r->lock);
	log_info("remediation: state restored from %s (%zu conns, %zu restarts in the "
		 "history)", r->rc->state_file, s.nconns, s.host.nrestarts);
	rem_state_release(&s);
}

/* Under the lock: the state to save, the conns that acted. */
static int rem_state_snapshot(struct remediate *r, struct rem_state *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->host = r->host;
	s->conns = r->nconns ? calloc(r->nconns, sizeof(*s->conns)) : NULL;
	if (r->nconns && !s->conns)
		return -ENOMEM;
	for (i = 0; i < r->nconns; i++) {
		if (r->conns[i].st.last_action <= 0)
			continue;
		snprintf(s->conns[s->nconns].name, sizeof(s->conns[0].name), "%s",
			 r->conns[i].name);
		s->conns[s->nconns++].last_action = r->conns[i].st.last_action;
	}
	return 0;
}

void rem_state_store(struct remediate *r)
{
	struct ikw_err err = { "" };
	struct rem_state s;
	int rc;

	if (!r->rc->state_file)
		return;
	pthread_mutex_lock(&r->lock);
	rc = rem_state_snapshot(r, &s);
	pthread_mutex_unlock(&r->lock);
	if (rc || rem_state_save(&s, r->rc->state_file, &err))
		log_error("remediation: cannot save the state to %s: %s", r->rc->state_file,
			  rc ? "out of memory" : err.msg);
	rem_state_release(&s);
}

bool rem_allowed(const struct remediate_config *rc, const char *conn)
{
	size_t i;

	if (!rc->nconns)
		return true;
	for (i = 0; i < rc->nconns; i++)
		if (!fnmatch(rc->conns[i], conn, 0))
			return true;
	return false;
}

bool rem_pending(const struct remediate *r, const char *conn)
{
	size_t i;

	if (!strcmp(r->busy, conn))
		return true;
	for (i = 0; i < r->qlen; i++)
		if (!strcmp(r->queue[(r->qhead + i) % REMEDIATE_QUEUE_MAX].conn, conn))
			return true;
	return false;
}

void remediate_contribute(void *ctx, struct model *m)
{
	struct remediate *r = ctx;
	struct remediate_snapshot *s = &m->remediation;
	size_t i;

	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	s->have = true;
	s->dry_run = r->rc->dry_run;
	memcpy(s->decisions, r->decisions, sizeof(s->decisions));
	memcpy(s->restarts, r->restarts, sizeof(s->restarts));
	s->restart_backoff_seconds = r->rc->restart.n ?
		rem_policy_backoff(&r->limits, &r->host) : 0;
	s->queue_length = r->qlen;
	s->conns = r->nconns ? arena_alloc(&m->arena, r->nconns * sizeof(*s->conns)) : NULL;
	for (i = 0; s->conns && i < r->nconns; i++) {
		s->conns[i].conn = arena_strdup(&m->arena, r->conns[i].name);
		memcpy(s->conns[i].actions, r->conns[i].actions, sizeof(s->conns[i].actions));
		memcpy(s->conns[i].steps, r->conns[i].steps, sizeof(s->conns[i].steps));
		s->conns[i].last_action = r->conns[i].last_action_wall;
		if (s->conns[i].conn)
			s->nconns = i + 1;
	}
	pthread_mutex_unlock(&r->lock);
}

/* ---- setup ----------------------------------------------------------------- */

static int rem_load_token(struct remediate *r, const char *path, struct ikw_err *err)
{
	return token_file_load(path, "remediation.token_file", REM_TOKEN_MIN, &r->token, err);
}

static void rem_init(struct remediate *r, const struct remediate_config *rc,
		     const struct ike_control *control, struct scraper *s)
{

	r->rc = rc;
	r->control = *control;
	r->scraper = s;
	r->audit_fd = -1;
	r->wall0 = (double)time(NULL);
	r->mono0 = rem_mono();
	r->limits = (struct rem_limits){
		.checks = rc->checks,
		.cooldown_s = (double)rc->cooldown_ms / 1000,
		.global_max_faulty = rc->global_max_faulty,
		.restart = rc->restart.n > 0,
		.restart_min_interval_s = (double)rc->restart_min_interval_ms / 1000,
		.restart_backoff_max_s = (double)rc->restart_backoff_max_ms / 1000,
		.restart_day_cap = rc->restart_day_cap,
	};
	pthread_mutex_init(&r->lock, NULL);
	if (cond_init_monotonic(&r->cond))
		pthread_cond_init(&r->cond, NULL);   /* waits then follow the wall clock */
}

int remediate_start(struct remediate **out, const struct remediate_config *rc,
		    const struct remediate_inputs *in, struct ikw_err *err)
{
	struct remediate *r = calloc(1, sizeof(*r));
	int rcode;

	if (!r)
		return err_set(err, -ENOMEM, "out of memory");
	rem_init(r, rc, &in->control, in->scraper);
	r->logs = in->logs;
	r->probes = in->probes;
	if ((rcode = remediate_config_check(rc, err)) ||
	    (rcode = remediate_notify_check(rc, err)) ||
	    (rcode = rem_load_token(r, rc->token_file, err)))
		goto fail;
	r->audit_fd = safe_file_open_append(rc->audit_log);
	if (r->audit_fd < 0) {
		rcode = err_set(err, r->audit_fd, "remediation.audit_log '%s': %s",
				rc->audit_log, strerror(-r->audit_fd));
		goto fail;
	}
	rem_state_restore(r);
	if ((rcode = pthread_create(&r->thread, NULL, rem_thread, r))) {
		rcode = err_set(err, -rcode, "cannot start the remediation thread");
		goto fail;
	}
	r->running = true;
	*out = r;
	return 0;
fail:
	remediate_stop(r);
	return rcode;
}

void remediate_stop(struct remediate *r)
{
	size_t i;

	if (!r)
		return;
	if (r->running) {
		pthread_mutex_lock(&r->lock);
		r->stop = true;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	if (r->audit_fd >= 0)
		close(r->audit_fd);
	if (r->token)
		explicit_bzero(r->token, strlen(r->token));
	free(r->token);
	for (i = 0; i < r->nconns; i++)
		free(r->conns[i].name);
	free(r->conns);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
