/* Inside the remediation engine: its state and the functions its files
 * share.  remediate.c: the engine's life, clock and counters;
 * remediate_webhook.c: the Alertmanager intake; remediate_worker.c: the
 * queue's thread and the steps of one job; remediate_check.c: one fresh
 * check of a conn; remediate_bundle.c: the diagnostics bundle;
 * remediate_audit.c: the audit log and the outgoing notification;
 * remediate_self.c: ikewatch's own trigger; remediate_dataplane.c: the
 * data-plane ladder (fresh probes, rekeys).  Not for outside use. */
#ifndef IKW_REMEDIATE_INT_H
#define IKW_REMEDIATE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"
#include "model/remediate_view.h"
#include "remediate/alertmanager.h"
#include "remediate/remediate.h"
#include "remediate/remediate_policy.h"

struct rem_job {
	char conn[AM_VALUE_MAX + 1], child[AM_VALUE_MAX + 1], alertname[AM_VALUE_MAX + 1];
	char remote[64];
	char source[16];               /* "alertmanager" or "self" */
};

struct rem_conn {
	char *name;
	struct rem_conn_state st;
	uint64_t actions[RA_COUNT][RS_COUNT];
	uint64_t steps[RA_COUNT][RSR_COUNT];
	double last_action_wall;
};

struct remediate {
	const struct remediate_config *rc;
	struct ike_control control;    /* the daemon's: vici or whack */
	struct scraper *scraper;
	struct log_collect *logs;      /* recent log lines, or NULL */
	struct probe_runtime *probes;  /* the daemon's probes, or NULL */
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
	/* the state file could not be read: no action before this (policy
	 * time), as if every conn had just acted */
	double hold_until;
	uint64_t decisions[RO_COUNT][RR_COUNT];
	uint64_t restarts[RS_COUNT];
	bool self_escalated;           /* the last self check was over the cap */
};

/* One line of the audit log: a decision, or (is_action) an action's
 * record.  The names come from the tables of model/remediate_view.h. */
struct rem_event {
	const struct rem_job *job;
	enum rem_outcome outcome;
	enum rem_reason reason;      /* RR_NONE: "" */
	bool is_action;
	enum rem_action action;
	enum rem_result result;
	const char *detail;          /* NULL or a human line */
	const char *seen;            /* NULL or what the checks saw */
	const char *diagnostics;     /* NULL or the bundle's directory */
	const char *peer;            /* NULL or the conn's remote_addrs */
	const char *after;           /* NULL or what the check after an action saw */
	unsigned step;               /* an action's place in its ladder, 1.. (0: none) */
	const char *steps;           /* NULL or the ladder so far, "rekey_child:
					not_fixed, ..." (the decision's line) */
};

#define REM_CHECK_CHILDREN_MAX 8

/* What one fresh check of a job's conn saw. */
struct rem_check {
	bool found;                  /* charon has the conn loaded */
	bool child_found;
	bool faulty;
	size_t nfaulty;              /* conns down, missing a child, connecting
					 or failing a probe */
	char seen[200];
	char peer[128];
	char children[REM_CHECK_CHILDREN_MAX][AM_VALUE_MAX + 1];   /* what to initiate */
	size_t nchildren;
	bool control_fault;          /* down, missing the child, connecting */
	bool probe_failing;          /* the status view's probe_failing (for the
					job's child, with a child label) */
	uint32_t ike_id;             /* the newest established IKE SA, 0: none */
	uint32_t child_ids[REM_CHECK_CHILDREN_MAX];   /* its installed CHILD SAs
							 (of the job's child) */
	size_t nchild_ids;
};

/* remediate.c: the clock (policy time), sleeping, the counters. */
double rem_mono(void);
double rem_now(const struct remediate *r);
/* Sleeps policy_ms of policy time; false when asked to stop. */
bool rem_sleep(struct remediate *r, uint64_t policy_ms);
void rem_count_action(struct remediate *r, const char *conn, enum rem_action a,
		      enum rem_result res);
void rem_count_step(struct remediate *r, const char *conn, enum rem_action step,
		    enum rem_step_result res);
/* Records conn's action at now (its cooldown starts) and saves the state. */
void rem_set_last_action(struct remediate *r, const char *conn, double now);
/* remediate.c: the state file (remediation.state_file): restored at start,
 * saved after every change (rem_set_last_action does; the restart step
 * calls this after recording a restart). */
void rem_state_restore(struct remediate *r);
void rem_state_store(struct remediate *r);
/* Under the lock: conn's entry, made on first use; NULL at the cap or ENOMEM. */
struct rem_conn *rem_conn_get(struct remediate *r, const char *name);
/* conn matches remediation.conns (all when none). */
bool rem_allowed(const struct remediate_config *rc, const char *conn);
/* Under the lock: whether conn is queued or being worked on. */
bool rem_pending(const struct remediate *r, const char *conn);

/* remediate_audit.c */
void rem_audit(struct remediate *r, const struct rem_event *e);
/* A decision: counted, audited, and notified when a human should hear it. */
void rem_decide(struct remediate *r, const struct rem_event *e);
/* The event as one JSON object (the audit line and the notification). */
void rem_event_json(const struct remediate *r, const struct rem_event *e, struct strbuf *sb);
/* remediate_notify.c: POSTs body (an event's JSON) to remediation.notify_url. */
void rem_notify(struct remediate *r, const struct strbuf *body);

/* remediate_check.c: one fresh check of job's conn; the status JSON into
 * json when not NULL.  0 or -ENOMEM. */
int rem_check(struct remediate *r, const struct rem_job *job, struct rem_check *c,
	      struct strbuf *json);
struct status_view;
/* The pure half of rem_check(): what the status view says of job's conn
 * (c->found and the children from the config already in c).  Faulty: any
 * attention but ok; with a child label only the conn's trouble or that
 * child's (missing, or a probe through it failing). */
void rem_check_view(const struct status_view *v, const struct rem_job *job,
		    struct rem_check *c);

/* remediate_bundle.c: the diagnostics bundle; its directory into path
 * ("" when it failed). */
void rem_bundle(struct remediate *r, const struct rem_job *job, const struct rem_check *c,
		const struct strbuf *status, char *path, size_t psize);

/* remediate_worker.c: the thread that works the queue and runs the self
 * check. */
void *rem_thread(void *arg);
/* Re-initiates the children of c; 0, or the last error (detail says which
 * child and why), -ENOENT with none. */
int rem_initiate(struct remediate *r, const struct rem_job *job, const struct rem_check *c,
		 char *detail, size_t dsize);
/* The last step of both ladders: the restart command within its policy,
 * then (dataplane) the fresh probes or the status decide; the decision. */
void rem_step_restart(struct remediate *r, const struct rem_job *job, struct rem_event *e,
		      bool dataplane, unsigned step, struct strbuf *steps);
/* An action's own audit line, before the decision it leads to. */
void rem_audit_action(struct remediate *r, struct rem_event *e, enum rem_action a, bool ok,
		      bool fixed);
/* Adds "name: result" to the ladder's summary. */
void rem_steps_add(struct strbuf *steps, enum rem_action a, enum rem_step_result res);

/* remediate_dataplane.c: the ladder for an SA that reads up and carries
 * nothing. */
/* job goes down it: its alert is one of probe_alerts, or the status says
 * probe_failing, and the control plane is up. */
bool rem_dataplane_job(const struct remediate *r, const struct rem_job *job,
		       const struct rem_check *c);
/* The confirmation: the conn's probes run afresh.  True when one fails
 * (what it saw into seen, e->seen); otherwise the decision is made here
 * (skipped: healed, or no_probe). */
bool rem_dataplane_confirm(struct remediate *r, const struct rem_job *job,
			   struct rem_event *e, char *seen, size_t seen_size);
/* The conn's (job's child's) probes run afresh: "ok, N probes pass
 * afresh" or what failed into seen; *err as probes_run_now (-ENOENT: no
 * probe).  True when they all pass. */
bool rem_dataplane_probe(struct remediate *r, const struct rem_job *job, char *seen,
			 size_t size, int *err);
/* Steps: rekey the CHILD SAs, probe; rekey the IKE SA (initiate if the peer
 * answers nothing), probe; restart. */
void rem_dataplane_ladder(struct remediate *r, const struct rem_job *job,
			  struct rem_check *c, struct rem_event *e);

/* remediate_self.c: ikewatch's own trigger. */
void rem_self_scan(struct remediate *r);

#endif
