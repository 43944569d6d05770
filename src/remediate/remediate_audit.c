/* The audit log of remediation: one JSON line per decision and per action,
 * and the decision counters behind ikewatch_remediation_decisions_total. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/json_out.h"
#include "common/log.h"
#include "collect/scrape.h"
#include "model/events.h"
#include "remediate/remediate_int.h"

static const char *rem_reason_name(enum rem_reason why)
{
	return why < RR_COUNT ? rem_reason_names[why] : "";
}

static void rem_json_time(struct json_out *j, const char *key, time_t t)
{
	char when[JSON_TIME_MAX];

	json_time_format(when, (struct timespec){ .tv_sec = t }, false);
	json_str(j, key, when);
}

static void rem_json_opt(struct json_out *j, const char *key, const char *v)
{
	if (v)
		json_str(j, key, v);
}

void rem_event_json(const struct remediate *r, const struct rem_event *e, struct strbuf *sb)
{
	const struct rem_job *job = e->job;
	struct json_out j;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	json_init(&j, sb);
	json_obj_begin(&j, NULL);
	rem_json_time(&j, "time", ts.tv_sec);
	if (r->rc->time_scale > 1)
		rem_json_time(&j, "policy_time", (time_t)rem_now(r));
	json_str(&j, "source", job && job->source[0] ? job->source : "alertmanager");
	json_str(&j, "remote", job ? job->remote : "");
	json_str(&j, "alertname", job ? job->alertname : "");
	json_str(&j, "conn", job ? job->conn : "");
	json_str(&j, "child", job ? job->child : "");
	json_str(&j, "decision", rem_outcome_names[e->outcome]);
	json_str(&j, "reason", rem_reason_name(e->reason));
	if (e->is_action) {
		json_str(&j, "action", rem_action_names[e->action]);
		json_str(&j, "result", rem_result_names[e->result]);
		if (e->step)
			json_u64(&j, "step", e->step);
	}
	json_bool(&j, "dry_run", r->rc->dry_run);
	rem_json_opt(&j, "seen", e->seen);
	rem_json_opt(&j, "after", e->after);
	rem_json_opt(&j, "peer", e->peer);
	rem_json_opt(&j, "detail", e->detail);
	rem_json_opt(&j, "steps", e->steps);
	rem_json_opt(&j, "diagnostics", e->diagnostics);
	json_obj_end(&j);
}

/* "remediation initiate tun1/net1: failed not_fixed: why" or
 * "remediation skipped tun1: cooldown" */
static void rem_log_event(const struct rem_event *e)
{
	const struct rem_job *job = e->job;
	const char *reason = rem_reason_name(e->reason);

	log_info("remediation %s %s%s%s: %s%s%s%s%s",
		 e->is_action ? rem_action_names[e->action] : rem_outcome_names[e->outcome],
		 job ? job->conn : "", job && job->child[0] ? "/" : "",
		 job ? job->child : "",
		 e->is_action ? rem_result_names[e->result] : reason,
		 e->is_action && reason[0] ? " " : "", e->is_action ? reason : "",
		 e->detail ? ": " : "", e->detail ? e->detail : "");
}

/* The same facts to the event log (through the event store's sink). */
static void rem_event_record(struct remediate *r, const struct rem_event *e)
{
	const struct rem_job *job = e->job;
	struct event_record rec = {
		.kind = ER_REMEDIATION,
		.conn = job ? job->conn : "",
		.child = job && job->child[0] ? job->child : NULL,
		.source = job && job->source[0] ? job->source : "alertmanager",
		.decision = rem_outcome_names[e->outcome],
		.reason = e->reason != RR_NONE ? rem_reason_name(e->reason) : NULL,
		.action = e->is_action ? rem_action_names[e->action] : NULL,
		.result = e->is_action ? rem_result_names[e->result] : NULL,
		.dry_run = r->rc->dry_run,
		.detail = e->detail,
		.remote_addr = e->peer,
		.peers_redacted = true,   /* the conn's, from a redacted snapshot */
	};

	event_store_emit(scraper_events(r->scraper), &rec);
}

void rem_audit(struct remediate *r, const struct rem_event *e)
{
	struct strbuf sb = STRBUF_INIT;

	rem_event_record(r, e);
	rem_event_json(r, e, &sb);
	strbuf_addch(&sb, '\n');
	pthread_mutex_lock(&r->lock);
	if (strbuf_failed(&sb) || write(r->audit_fd, sb.buf, sb.len) != (ssize_t)sb.len)
		log_error("cannot write the remediation audit log: %s", strerror(errno));
	pthread_mutex_unlock(&r->lock);
	rem_log_event(e);
	strbuf_release(&sb);
}

void rem_decide(struct remediate *r, const struct rem_event *e)
{
	enum rem_outcome o = e->outcome;

	pthread_mutex_lock(&r->lock);
	if (e->reason < RR_COUNT)
		r->decisions[o][e->reason]++;
	pthread_mutex_unlock(&r->lock);
	rem_audit(r, e);
	/* a human hears of every change, of every escalation, and of steps
	 * that ended with the fault still there (a restart held back) */
	if (r->rc->notify_url && (o == RO_ACTED || o == RO_ESCALATED || o == RO_DRY_RUN ||
				  (e->steps && e->steps[0]))) {
		struct strbuf sb = STRBUF_INIT;

		rem_event_json(r, e, &sb);
		rem_notify(r, &sb);
		strbuf_release(&sb);
	}
}
