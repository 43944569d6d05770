#include "remediate/remediate.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/http_client.h"
#include "collect/strongswan_control.h"
#include "common/file.h"
#include "common/json_out.h"
#include "common/token_file.h"
#include "common/log.h"
#include "logs/log_collect.h"
#include "metrics/render.h"
#include "remediate/alertmanager.h"
#include "remediate/remediate_diag.h"
#include "remediate/remediate_policy.h"
#include "remediate/remediate_run.h"
#include "remediate/remediate_view.h"
#include "status/status.h"
#include "status/status_json.h"

#define REM_TOKEN_MIN 16

struct rem_job {
	char conn[AM_VALUE_MAX + 1], child[AM_VALUE_MAX + 1], alertname[AM_VALUE_MAX + 1];
	char remote[64];
	char source[16];               /* "alertmanager" or "self" */
};

struct rem_conn {
	char *name;
	struct rem_conn_state st;
	uint64_t actions[RA_COUNT][RS_COUNT];
	double last_action_wall;
};

struct remediate {
	const struct remediate_config *rc;
	const char *vici_socket;
	struct scraper *scraper;
	struct log_collect *logs;      /* recent log lines, or NULL */
	char *token;
	int audit_fd;
	struct rem_limits limits;
	/* policy time: wall0 + (mono - mono0) * scale */
	double wall0, mono0;

	pthread_t thread;
	bool running;
	pthread_mutex_t lock;          /* everything below */
	pthread_cond_t cond;
	bool stop;
	struct rem_job queue[REMEDIATE_QUEUE_MAX];
	size_t qhead, qlen;
	char busy[AM_VALUE_MAX + 1];   /* the conn being worked on, "" */
	struct rem_conn *conns;
	size_t nconns;
	struct rem_host_state host;
	uint64_t decisions[RO_COUNT][RR_COUNT];
	uint64_t restarts[RS_COUNT];
	bool self_escalated;           /* the last self check was over the cap */
};

/* ---- clock --------------------------------------------------------------- */

static double rem_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double rem_now(const struct remediate *r)
{
	return r->wall0 + (rem_mono() - r->mono0) * r->rc->time_scale;
}

/* Sleeps policy_ms of policy time; false when asked to stop. */
static bool rem_sleep(struct remediate *r, uint64_t policy_ms)
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

/* ---- stats --------------------------------------------------------------- */

/* Under the lock. */
static struct rem_conn *rem_conn_get(struct remediate *r, const char *name)
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

static void rem_count_action(struct remediate *r, const char *conn, enum rem_action a,
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

void remediate_annotate(struct remediate *r, struct model *m)
{
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
		s->conns[i].last_action = r->conns[i].last_action_wall;
		if (s->conns[i].conn)
			s->nconns = i + 1;
	}
	pthread_mutex_unlock(&r->lock);
}

/* ---- audit and notify --------------------------------------------------- */

struct rem_event {
	const struct rem_job *job;
	const char *decision;        /* an outcome, or "action" */
	const char *reason;
	const char *action, *result; /* NULL: not an action line */
	const char *detail;          /* NULL or a human line */
	const char *seen;            /* NULL or what the checks saw */
	const char *diagnostics;     /* NULL or the bundle's directory */
	const char *peer;            /* NULL or the conn's remote_addrs */
	const char *after;           /* NULL or what the check after an action saw */
};

static void rem_json_event(struct remediate *r, const struct rem_event *e, struct strbuf *sb)
{
	struct json_out j;
	char when[32];
	struct timespec ts;
	struct tm tm;
	time_t pt = (time_t)rem_now(r);

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_init(&j, sb);
	json_obj_begin(&j, NULL);
	json_str(&j, "time", when);
	if (r->rc->time_scale > 1) {
		gmtime_r(&pt, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_str(&j, "policy_time", when);
	}
	json_str(&j, "source", e->job && e->job->source[0] ? e->job->source : "alertmanager");
	json_str(&j, "remote", e->job ? e->job->remote : "");
	json_str(&j, "alertname", e->job ? e->job->alertname : "");
	json_str(&j, "conn", e->job ? e->job->conn : "");
	json_str(&j, "child", e->job ? e->job->child : "");
	json_str(&j, "decision", e->decision);
	json_str(&j, "reason", e->reason);
	if (e->action) {
		json_str(&j, "action", e->action);
		json_str(&j, "result", e->result);
	}
	json_bool(&j, "dry_run", r->rc->dry_run);
	if (e->seen)
		json_str(&j, "seen", e->seen);
	if (e->after)
		json_str(&j, "after", e->after);
	if (e->peer)
		json_str(&j, "peer", e->peer);
	if (e->detail)
		json_str(&j, "detail", e->detail);
	if (e->diagnostics)
		json_str(&j, "diagnostics", e->diagnostics);
	json_obj_end(&j);
}

static void rem_audit(struct remediate *r, const struct rem_event *e)
{
	struct strbuf sb = STRBUF_INIT;

	rem_json_event(r, e, &sb);
	strbuf_addch(&sb, '\n');
	pthread_mutex_lock(&r->lock);
	if (strbuf_failed(&sb) || write(r->audit_fd, sb.buf, sb.len) != (ssize_t)sb.len)
		log_error("cannot write the remediation audit log: %s", strerror(errno));
	pthread_mutex_unlock(&r->lock);
	log_info("remediation %s %s%s%s: %s%s%s%s%s", e->action ? e->action : e->decision,
		 e->job ? e->job->conn : "", e->job && e->job->child[0] ? "/" : "",
		 e->job ? e->job->child : "", e->action ? e->result : e->reason,
		 e->action && e->reason[0] ? " " : "", e->action ? e->reason : "",
		 e->detail ? ": " : "", e->detail ? e->detail : "");
	strbuf_release(&sb);
}

/* A decision: counted, audited, and sent to the notify URL when it is one
 * a human should hear about. */
static void rem_decide(struct remediate *r, const struct rem_event *e, enum rem_outcome o)
{
	enum rem_reason why = rem_reason_from_name(e->reason);
	struct strbuf sb = STRBUF_INIT;
	struct ikw_err err = { "" };
	char base[256];
	const char *slash;
	int status = 0;

	pthread_mutex_lock(&r->lock);
	if (why < RR_COUNT)
		r->decisions[o][why]++;
	pthread_mutex_unlock(&r->lock);
	rem_audit(r, e);
	if (!r->rc->notify_url || (o != RO_ACTED && o != RO_ESCALATED && o != RO_DRY_RUN))
		return;
	rem_json_event(r, e, &sb);
	slash = strchr(r->rc->notify_url + 7, '/');
	snprintf(base, sizeof(base), "%.*s",
		 (int)(slash ? (size_t)(slash - r->rc->notify_url) : strlen(r->rc->notify_url)),
		 r->rc->notify_url);
	{
		struct strbuf answer = STRBUF_INIT;
		struct http_client_req req = { base, "POST", slash ? slash : "/", NULL, sb.buf,
					       (int)r->rc->notify_timeout_ms };

		if (strbuf_failed(&sb) || http_client_fetch(&req, &status, &answer, &err) ||
		    status / 100 != 2)
			log_warn("remediation notify %s: %s", r->rc->notify_url,
				 err.msg[0] ? err.msg : "not a 2xx answer");
		strbuf_release(&answer);
	}
	strbuf_release(&sb);
}

/* ---- checks ---------------------------------------------------------------- */

struct rem_check {
	bool found;                  /* charon has the conn loaded */
	bool child_found;
	bool faulty;
	size_t nfaulty;              /* conns down or missing a child */
	char seen[200];
	char peer[128];
	char children[8][AM_VALUE_MAX + 1];   /* what to initiate */
	size_t nchildren;
};

static bool rem_child_missing(const struct status_conn *sc, const char *child)
{
	size_t i;

	for (i = 0; i < sc->nmissing; i++)
		if (!strcmp(sc->missing[i], child))
			return true;
	return false;
}

/* One fresh check of job's conn; status JSON into json if not NULL. */
static int rem_check(struct remediate *r, const struct rem_job *job, struct rem_check *c,
		     struct strbuf *json)
{
	struct model *m = scraper_collect(r->scraper);
	const struct status_conn *sc = NULL;
	const struct conn_cfg *cfg = NULL;
	struct arena a = ARENA_INIT;
	struct status_view v;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (!m)
		return -ENOMEM;
	if (status_build(m, NULL, &a, &v)) {
		arena_release(&a);
		model_unref(m);
		return -ENOMEM;
	}
	for (i = 0; i < m->nconns; i++)
		if (!strcmp(m->conns[i].name, job->conn))
			cfg = &m->conns[i];
	for (i = 0; i < v.nconns; i++) {
		if (v.conns[i].attention == ST_DOWN || v.conns[i].attention == ST_CHILD_MISSING ||
		    v.conns[i].attention == ST_CONNECTING)
			c->nfaulty++;
		if (!strcmp(v.conns[i].name, job->conn))
			sc = &v.conns[i];
	}
	c->found = cfg != NULL;
	if (cfg) {
		snprintf(c->peer, sizeof(c->peer), "%s", cfg->remote_addrs ? cfg->remote_addrs : "");
		for (i = 0; i < cfg->nchildren; i++) {
			if (job->child[0] && !strcmp(cfg->children[i].name, job->child))
				c->child_found = true;
			if (c->nchildren < 8 && (!job->child[0] ||
						 !strcmp(cfg->children[i].name, job->child)))
				snprintf(c->children[c->nchildren++], AM_VALUE_MAX + 1, "%s",
					 cfg->children[i].name);
		}
	}
	if (sc) {
		enum status_attention at = sc->attention;

		/* anything but OK: a conn still connecting after an initiate is
		 * not fixed; with a child label, another child's trouble is not
		 * this alert's */
		if (job->child[0])
			c->faulty = at == ST_DOWN || at == ST_CONNECTING || at == ST_DEGRADED ||
				    rem_child_missing(sc, job->child);
		else
			c->faulty = at != ST_OK;
		snprintf(c->seen, sizeof(c->seen), "%s%s%s", status_attention_names[at],
			 sc->reason && sc->reason[0] ? ": " : "", sc->reason ? sc->reason : "");
		/* a conn missing children: only those are initiated */
		if (!job->child[0] && at == ST_CHILD_MISSING) {
			c->nchildren = 0;
			for (i = 0; i < sc->nmissing && i < 8; i++)
				snprintf(c->children[c->nchildren++], AM_VALUE_MAX + 1, "%s",
					 sc->missing[i]);
		}
	} else {
		snprintf(c->seen, sizeof(c->seen), "%s", v.ok ? "not in the status view" :
			 v.error);
		c->faulty = !v.ok || c->found;
	}
	if (json)
		status_json(&v, json);
	arena_release(&a);
	model_unref(m);
	return 0;
}

/* ---- the steps ------------------------------------------------------------- */

static int rem_initiate(struct remediate *r, const struct rem_job *job, const struct rem_check *c,
			char *detail, size_t dsize)
{
	struct ikw_err err = { "" };
	size_t i;
	int rc = 0;

	detail[0] = '\0';
	for (i = 0; i < c->nchildren; i++) {
		int x = ss_initiate(r->vici_socket, job->conn, c->children[i],
				    (unsigned)r->rc->initiate_timeout_ms, &err);

		if (x) {
			rc = x;
			snprintf(detail, dsize, "%s: %s", c->children[i], err.msg);
		}
	}
	if (!c->nchildren)
		return -ENOENT;
	return rc;
}

static int rem_restart_cmd(struct remediate *r, char *detail, size_t dsize)
{
	struct rem_run_result res;
	struct ikw_err err = { "" };
	struct strbuf out = STRBUF_INIT;

	if (rem_run(r->rc->restart.argv, r->rc->restart_timeout_ms, &out, 4096, &res, &err)) {
		snprintf(detail, dsize, "%s", err.msg);
		strbuf_release(&out);
		return -1;
	}
	if (res.timed_out)
		snprintf(detail, dsize, "killed at the timeout");
	else if (res.signal)
		snprintf(detail, dsize, "killed by signal %d", res.signal);
	else
		snprintf(detail, dsize, "exit %d", res.exit_code);
	strbuf_release(&out);
	return res.exit_code == 0 ? 0 : -1;
}

void remediate_set_logs(struct remediate *r, struct log_collect *lc)
{
	if (r)
		r->logs = lc;
}

/* The lines of a fresh exposition that name conn: its tunnels' state,
 * traffic, kernel figures, failures and probe results. */
static void rem_conn_metrics(struct remediate *r, const char *conn, struct strbuf *out)
{
	struct render_opts ro = { true };
	struct strbuf all = STRBUF_INIT, piece = STRBUF_INIT;
	int more = 1;
	struct model *m = scraper_collect(r->scraper);
	struct render *rd = m ? render_new(m, EXPO_TEXT, &ro) : NULL;
	char needle[AM_VALUE_MAX + 16];
	const char *p, *nl;

	snprintf(needle, sizeof(needle), "conn=\"%s\"", conn);
	/* render_next() wants an emptied buffer for each piece */
	while (rd && more > 0) {
		more = render_next(rd, &piece);
		strbuf_add(&all, strbuf_str(&piece), piece.len);
		strbuf_reset(&piece);
	}
	strbuf_release(&piece);
	for (p = strbuf_str(&all); *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if (*p != '#' && memmem(p, (size_t)(nl - p), needle, strlen(needle)))
			strbuf_add(out, p, (size_t)(nl - p + 1));
	}
	render_free(rd);
	model_unref(m);
	strbuf_release(&all);
}

static void rem_bundle(struct remediate *r, const struct rem_job *job, const struct rem_check *c,
		       const struct strbuf *status, char *path, size_t psize)
{
	struct rem_diag_opts o = {
		r->rc->diag_dir, r->rc->diag_keep, r->rc->diag_max_total_bytes,
		r->rc->diag_output_max_bytes, r->rc->diag_timeout_ms,
		r->rc->diag_commands, r->rc->ndiag_commands,
	};
	struct strbuf sum = STRBUF_INIT, metrics = STRBUF_INIT, logs = STRBUF_INIT;
	struct rem_diag_file files[4];
	struct ikw_err err = { "" };
	struct json_out j;
	int rc;

	json_init(&j, &sum);
	json_obj_begin(&j, NULL);
	json_str(&j, "alertname", job->alertname);
	json_str(&j, "conn", job->conn);
	json_str(&j, "child", job->child);
	json_str(&j, "peer", c->peer);
	json_str(&j, "seen", c->seen);
	json_u64(&j, "conns_faulty", c->nfaulty);
	json_obj_end(&j);
	strbuf_addch(&sum, '\n');
	files[0] = (struct rem_diag_file){ "summary.json", sum.buf ? sum.buf : "", sum.len };
	files[1] = (struct rem_diag_file){ "status.json", status->buf ? status->buf : "",
					   status->len };
	rem_conn_metrics(r, job->conn, &metrics);
	files[2] = (struct rem_diag_file){ "metrics.txt", strbuf_str(&metrics), metrics.len };
	if (!log_collect_recent(r->logs, job->conn, &logs))
		strbuf_addstr(&logs, r->logs ? "(no recent log lines of this connection)\n" :
			      "(no log source configured: logs: in the config)\n");
	files[3] = (struct rem_diag_file){ "log.txt", strbuf_str(&logs), logs.len };
	rc = rem_diag_bundle(&o, time(NULL), job->conn, files, 4, path, psize, &err);
	strbuf_release(&sum);
	strbuf_release(&metrics);
	strbuf_release(&logs);
	if (rc) {
		log_error("remediation diagnostics: %s", err.msg);
		path[0] = '\0';
		rem_count_action(r, job->conn, RA_DIAGNOSTICS, RS_FAILED);
		return;
	}
	rem_count_action(r, job->conn, RA_DIAGNOSTICS, RS_OK);
	rem_diag_retain(r->rc->diag_dir, r->rc->diag_keep, r->rc->diag_max_total_bytes);
}

static void rem_set_last_action(struct remediate *r, const char *conn, double now)
{
	struct rem_conn *c;

	pthread_mutex_lock(&r->lock);
	if ((c = rem_conn_get(r, conn)))
		c->st.last_action = now;
	pthread_mutex_unlock(&r->lock);
}

/* The restart step, after re-initiation did not fix it. */
static void rem_step_restart(struct remediate *r, const struct rem_job *job,
			     struct rem_event *e)
{
	char detail[300], when[64];
	struct rem_check c = { .faulty = true };
	const char *why;
	double next_at, now = rem_now(r);
	enum rem_decision d;
	int rc;

	pthread_mutex_lock(&r->lock);
	d = rem_policy_restart(&r->limits, &r->host, now, &next_at, &why);
	pthread_mutex_unlock(&r->lock);
	if (d != REM_ACT) {
		snprintf(when, sizeof(when), "next restart allowed in %.0fs (policy time)",
			 next_at - now);
		e->decision = d == REM_ESCALATE ? "escalated" : "skipped";
		e->reason = why;
		e->detail = r->rc->restart.n ? when : "re-initiation did not fix it";
		rem_decide(r, e, d == REM_ESCALATE ? RO_ESCALATED : RO_SKIPPED);
		return;
	}
	rc = rem_restart_cmd(r, detail, sizeof(detail));
	rem_set_last_action(r, job->conn, now);
	if (rem_sleep(r, r->rc->restart_settle_ms) && !rem_check(r, job, &c, NULL) && c.faulty) {
		/* charon restarted without starting the conn itself */
		char d2[300];

		rem_initiate(r, job, &c, d2, sizeof(d2));
		if (rem_sleep(r, r->rc->recheck_delay_ms))
			rem_check(r, job, &c, NULL);
	}
	pthread_mutex_lock(&r->lock);
	rem_policy_restarted(&r->host, now, !rc && !c.faulty);
	pthread_mutex_unlock(&r->lock);
	rem_count_action(r, job->conn, RA_RESTART, !rc && !c.faulty ? RS_OK : RS_FAILED);
	e->action = "restart";
	e->result = !rc && !c.faulty ? "ok" : "failed";
	e->reason = !c.faulty ? "fixed" : "not_fixed";
	e->detail = detail;
	e->after = c.seen;
	rem_audit(r, e);
	e->action = NULL;
	rem_decide(r, e, RO_ACTED);
}

static void rem_work(struct remediate *r, const struct rem_job *job)
{
	struct rem_event e = { .job = job, .decision = "", .reason = "" };
	bool faulty[16];
	struct strbuf status = STRBUF_INIT;
	char path[1024] = "", detail[300], seen0[200];
	struct rem_conn_state cs = { 0 };
	struct rem_check c;
	struct rem_conn *rcn;
	const char *why;
	enum rem_decision d;
	size_t n = 0;
	int rc;

	if (rem_check(r, job, &c, NULL)) {
		e.decision = "skipped", e.reason = "no_snapshot";
		rem_decide(r, &e, RO_SKIPPED);
		return;
	}
	e.peer = c.peer;
	e.seen = c.seen;
	if (!c.found || (job->child[0] && !c.child_found)) {
		e.decision = "refused";
		e.reason = !c.found ? "unknown_conn" : "unknown_child";
		e.detail = !c.found ? "charon has no such connection loaded" :
				      "the connection has no such child";
		log_warn("remediation: alert %s names %s '%s', refused", job->alertname,
			 !c.found ? "an unknown conn" : "an unknown child",
			 !c.found ? job->conn : job->child);
		rem_decide(r, &e, RO_REFUSED);
		return;
	}
	pthread_mutex_lock(&r->lock);
	if ((rcn = rem_conn_get(r, job->conn)))
		cs = rcn->st;
	pthread_mutex_unlock(&r->lock);
	d = rem_policy_admit(&r->limits, &cs, rem_now(r), c.nfaulty, &why);
	if (d != REM_ACT) {
		e.decision = d == REM_ESCALATE ? "escalated" : "skipped";
		e.reason = why;
		if (d == REM_ESCALATE)
			e.detail = "many tunnels are down at once (an uplink?): a human is needed";
		rem_decide(r, &e, d == REM_ESCALATE ? RO_ESCALATED : RO_SKIPPED);
		return;
	}
	/* persistence: every check must see the fault */
	faulty[n++] = c.faulty;
	while (c.faulty && n < r->limits.checks && n < 16) {
		if (!rem_sleep(r, r->rc->check_interval_ms))
			return;
		if (rem_check(r, job, &c, n + 1 == r->limits.checks ? &status : NULL))
			break;
		faulty[n++] = c.faulty;
		if (r->limits.global_max_faulty && c.nfaulty > r->limits.global_max_faulty) {
			e.decision = "escalated", e.reason = "global_cap";
			e.detail = "many tunnels are down at once (an uplink?): a human is needed";
			rem_decide(r, &e, RO_ESCALATED);
			strbuf_release(&status);
			return;
		}
	}
	if (n == 1 && c.faulty)
		rem_check(r, job, &c, &status);
	snprintf(seen0, sizeof(seen0), "%s", c.seen);
	e.seen = seen0;
	d = rem_policy_persisted(&r->limits, faulty, n, &why);
	if (d != REM_ACT) {
		char d1[64];
		size_t k, seen = 0;

		for (k = 0; k < n; k++)
			seen += faulty[k];
		snprintf(d1, sizeof(d1), "fault seen on %zu of %zu checks, then not", seen, n);
		e.decision = "skipped", e.reason = why, e.detail = d1;
		rem_decide(r, &e, RO_SKIPPED);
		strbuf_release(&status);
		return;
	}
	rem_bundle(r, job, &c, &status, path, sizeof(path));
	strbuf_release(&status);
	e.diagnostics = path[0] ? path : NULL;
	if (r->rc->dry_run) {
		rem_count_action(r, job->conn, RA_INITIATE, RS_DRY_RUN);
		rem_set_last_action(r, job->conn, rem_now(r));
		e.decision = "dry_run", e.reason = "would_act";
		e.detail = r->rc->restart.n ? "would re-initiate, then restart charon if that fails" :
					      "would re-initiate";
		rem_decide(r, &e, RO_DRY_RUN);
		return;
	}
	/* step 1: re-initiate */
	rc = rem_initiate(r, job, &c, detail, sizeof(detail));
	rem_set_last_action(r, job->conn, rem_now(r));
	if (rem_sleep(r, r->rc->recheck_delay_ms))
		rem_check(r, job, &c, NULL);
	else
		return;
	rem_count_action(r, job->conn, RA_INITIATE, !rc && !c.faulty ? RS_OK : RS_FAILED);
	e.decision = "acted";
	e.action = "initiate";
	e.result = !rc && !c.faulty ? "ok" : "failed";
	e.reason = !c.faulty ? "fixed" : "not_fixed";
	e.detail = rc ? detail : NULL;
	e.after = c.seen;
	rem_audit(r, &e);
	e.action = NULL;
	e.detail = NULL;
	if (!c.faulty) {
		rem_decide(r, &e, RO_ACTED);
		return;
	}
	/* step 2 */
	rem_step_restart(r, job, &e);
}

static bool rem_pending(const struct remediate *r, const char *conn);
static bool rem_allowed(const struct remediate_config *rc, const char *conn);

/* Under the lock: queues a job for conn unless it is pending or cooling down. */
static void rem_self_enqueue(struct remediate *r, const char *conn, double now)
{
	struct rem_conn *c;
	struct rem_job *j;

	if (rem_pending(r, conn) || r->qlen >= REMEDIATE_QUEUE_MAX)
		return;
	for (c = r->conns; c < r->conns + r->nconns; c++)
		if (!strcmp(c->name, conn) && c->st.last_action > 0 &&
		    now - c->st.last_action < r->limits.cooldown_s)
			return;
	j = &r->queue[(r->qhead + r->qlen) % REMEDIATE_QUEUE_MAX];
	memset(j, 0, sizeof(*j));
	snprintf(j->conn, sizeof(j->conn), "%s", conn);
	snprintf(j->alertname, sizeof(j->alertname), "ikewatch_self_check");
	snprintf(j->source, sizeof(j->source), "self");
	r->qlen++;
}

/* ikewatch's own trigger: conns down or missing a child (the conditions of
 * IPsecIKESADown and IPsecChildSAMissing; the persistence checks stand in
 * for the alerts' for:).  Over the global cap, one job escalates, once
 * until the site recovers. */
static void rem_self_scan(struct remediate *r)
{
	struct model *m = scraper_collect(r->scraper);
	struct arena a = ARENA_INIT;
	struct status_view v;
	size_t i, nfaulty = 0;
	double now = rem_now(r);

	if (!m)
		return;
	if (status_build(m, NULL, &a, &v) || !v.ok) {
		arena_release(&a);
		model_unref(m);
		return;
	}
	for (i = 0; i < v.nconns; i++)
		if (v.conns[i].attention == ST_DOWN || v.conns[i].attention == ST_CHILD_MISSING ||
		    v.conns[i].attention == ST_CONNECTING)
			nfaulty++;
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < v.nconns; i++) {
		const struct status_conn *sc = &v.conns[i];

		if ((sc->attention != ST_DOWN && sc->attention != ST_CHILD_MISSING) ||
		    !rem_allowed(r->rc, sc->name) || strlen(sc->name) > AM_VALUE_MAX)
			continue;
		if (r->limits.global_max_faulty && nfaulty > r->limits.global_max_faulty) {
			if (!r->self_escalated)
				rem_self_enqueue(r, sc->name, now);
			r->self_escalated = true;
			break;
		}
		rem_self_enqueue(r, sc->name, now);
	}
	if (!r->limits.global_max_faulty || nfaulty <= r->limits.global_max_faulty)
		r->self_escalated = false;
	pthread_mutex_unlock(&r->lock);
	arena_release(&a);
	model_unref(m);
}

static void rem_deadline_after(struct timespec *ts, double seconds)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)seconds;
	ts->tv_nsec += (long)((seconds - floor(seconds)) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *rem_thread(void *arg)
{
	struct remediate *r = arg;
	double every = (double)r->rc->self_check_ms / 1000.0 / r->rc->time_scale;
	struct timespec next;
	struct rem_job job;

	rem_deadline_after(&next, every);
	for (;;) {
		bool scan = false;

		pthread_mutex_lock(&r->lock);
		while (!r->stop && !r->qlen && !scan) {
			if (!r->rc->self_check_ms)
				pthread_cond_wait(&r->cond, &r->lock);
			else if (pthread_cond_timedwait(&r->cond, &r->lock, &next) == ETIMEDOUT)
				scan = true;
		}
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		if (scan && !r->qlen) {
			pthread_mutex_unlock(&r->lock);
			rem_self_scan(r);
			rem_deadline_after(&next, every);
			continue;
		}
		job = r->queue[r->qhead];
		r->qhead = (r->qhead + 1) % REMEDIATE_QUEUE_MAX;
		r->qlen--;
		snprintf(r->busy, sizeof(r->busy), "%s", job.conn);
		pthread_mutex_unlock(&r->lock);
		rem_work(r, &job);
		pthread_mutex_lock(&r->lock);
		r->busy[0] = '\0';
		pthread_mutex_unlock(&r->lock);
	}
}

/* ---- the webhook ------------------------------------------------------------- */

static bool rem_token_ok(const char *want, const char *auth)
{
	size_t i, n = strlen(want), got;
	unsigned char diff = 0;

	if (!auth || strncasecmp(auth, "Bearer ", 7))
		return false;
	auth += 7;
	got = strlen(auth);
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(want[i] ^ (i < got ? auth[i] : 0));
	return !diff && got == n;
}

static void rem_answer(struct http_response *resp, unsigned status, const char *error,
		       size_t accepted, size_t refused)
{
	struct json_out j;

	resp->status = status;
	resp->content_type = "application/json";
	json_init(&j, &resp->body);
	json_obj_begin(&j, NULL);
	json_bool(&j, "ok", !error);
	if (error)
		json_str(&j, "error", error);
	else {
		json_u64(&j, "accepted", accepted);
		json_u64(&j, "refused", refused);
	}
	json_obj_end(&j);
	strbuf_addch(&resp->body, '\n');
}

static bool rem_allowed(const struct remediate_config *rc, const char *conn)
{
	size_t i;

	if (!rc->nconns)
		return true;
	for (i = 0; i < rc->nconns; i++)
		if (!fnmatch(rc->conns[i], conn, 0))
			return true;
	return false;
}

/* Under the lock: whether conn is queued or being worked on. */
static bool rem_pending(const struct remediate *r, const char *conn)
{
	size_t i;

	if (!strcmp(r->busy, conn))
		return true;
	for (i = 0; i < r->qlen; i++)
		if (!strcmp(r->queue[(r->qhead + i) % REMEDIATE_QUEUE_MAX].conn, conn))
			return true;
	return false;
}

/* One alert of a notification: 1 when queued. */
static int rem_take(struct remediate *r, const struct am_alert *al, const char *remote)
{
	struct rem_job job;
	struct rem_event e = { .job = &job, .decision = "refused", .reason = "" };
	enum rem_outcome o = RO_REFUSED;
	bool queued = false;

	memset(&job, 0, sizeof(job));
	snprintf(job.conn, sizeof(job.conn), "%s", al->conn);
	snprintf(job.child, sizeof(job.child), "%s", al->child);
	snprintf(job.alertname, sizeof(job.alertname), "%s", al->alertname);
	snprintf(job.remote, sizeof(job.remote), "%s", remote);
	snprintf(job.source, sizeof(job.source), "alertmanager");
	if (!al->firing) {
		e.decision = "ignored", e.reason = "resolved", o = RO_IGNORED;
	} else if (!al->conn[0]) {
		e.reason = "no_conn_label";
		log_warn("remediation: alert %s from %s has no conn label, refused",
			 al->alertname, remote);
	} else if (!rem_allowed(r->rc, al->conn)) {
		e.reason = "not_allowed";
		log_warn("remediation: alert %s names conn '%s', not in remediation.conns; refused",
			 al->alertname, al->conn);
	} else {
		pthread_mutex_lock(&r->lock);
		if (rem_pending(r, al->conn)) {
			e.decision = "skipped", e.reason = "in_progress", o = RO_SKIPPED;
		} else if (r->qlen >= REMEDIATE_QUEUE_MAX) {
			e.decision = "skipped", e.reason = "queue_full", o = RO_SKIPPED;
		} else {
			r->queue[(r->qhead + r->qlen) % REMEDIATE_QUEUE_MAX] = job;
			r->qlen++;
			queued = true;
			pthread_cond_broadcast(&r->cond);
		}
		pthread_mutex_unlock(&r->lock);
	}
	if (!queued)
		rem_decide(r, &e, o);
	return queued;
}

void remediate_handle(struct remediate *r, const struct http_request *req,
		      struct http_response *resp)
{
	struct rem_job none = { "", "", "", "", "alertmanager" };
	struct rem_event e = { .job = &none, .decision = "refused", .reason = "bad_payload" };
	const char *type = http_request_header(req, "Content-Type");
	struct am_payload *p;
	struct ikw_err err = { "" };
	size_t i, accepted = 0;

	if (!r) {
		resp->status = 404;
		strbuf_addstr(&resp->body, "Not Found\n");
		return;
	}
	snprintf(none.remote, sizeof(none.remote), "%s", req->remote);
	if (strcmp(req->method, "POST")) {
		rem_answer(resp, 405, "the webhook needs POST", 0, 0);
		return;
	}
	if (!rem_token_ok(r->token, http_request_header(req, "Authorization"))) {
		rem_answer(resp, 401, "missing or wrong bearer token", 0, 0);
		log_warn("remediation webhook: request from %s without the right token, refused",
			 req->remote);
		return;
	}
	if (!type || strncasecmp(type, "application/json", 16)) {
		rem_answer(resp, 415, "Content-Type must be application/json", 0, 0);
		return;
	}
	if (!(p = malloc(sizeof(*p)))) {
		rem_answer(resp, 500, "out of memory", 0, 0);
		return;
	}
	if (!req->body || am_parse(req->body, req->body_len, p, &err)) {
		e.detail = req->body ? err.msg : "a JSON body is required";
		log_warn("remediation webhook from %s refused: %s", req->remote, e.detail);
		rem_decide(r, &e, RO_REFUSED);
		rem_answer(resp, 400, e.detail, 0, 0);
		free(p);
		return;
	}
	for (i = 0; i < p->n; i++)
		accepted += (size_t)rem_take(r, &p->alerts[i], req->remote);
	rem_answer(resp, 202, NULL, accepted, p->n - accepted);
	free(p);
}

/* ---- setup ----------------------------------------------------------------- */

static int rem_load_token(struct remediate *r, const char *path, struct ikw_err *err)
{
	return token_file_load(path, "remediation.token_file", REM_TOKEN_MIN, &r->token, err);
}

int remediate_start(struct remediate **out, const struct remediate_config *rc,
		    const char *vici_socket, struct scraper *s, struct ikw_err *err)
{
	struct remediate *r = calloc(1, sizeof(*r));
	pthread_condattr_t ca;
	int rcode;

	if (!r)
		return err_set(err, -ENOMEM, "out of memory");
	r->rc = rc;
	r->vici_socket = vici_socket;
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
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	if ((rcode = remediate_config_check(rc, err)) ||
	    (rcode = rem_load_token(r, rc->token_file, err))) {
		remediate_stop(r);
		return rcode;
	}
	r->audit_fd = open(rc->audit_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (r->audit_fd < 0) {
		rcode = err_set(err, -errno, "remediation.audit_log '%s': %s", rc->audit_log,
				strerror(errno));
		remediate_stop(r);
		return rcode;
	}
	if ((rcode = pthread_create(&r->thread, NULL, rem_thread, r))) {
		remediate_stop(r);
		return err_set(err, -rcode, "cannot start the remediation thread");
	}
	r->running = true;
	*out = r;
	return 0;
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
