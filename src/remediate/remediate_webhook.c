/* The Alertmanager webhook (POST /api/v1/alertmanager): authenticates,
 * validates and enqueues, and answers 202 at once; the worker does the
 * rest.  Alerts that cannot be queued are decided here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/json_out.h"
#include "common/log.h"
#include "http/http_auth.h"
#include "remediate/remediate_int.h"

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

static void rem_job_of(struct rem_job *job, const struct am_alert *al, const char *remote)
{
	memset(job, 0, sizeof(*job));
	snprintf(job->conn, sizeof(job->conn), "%s", al->conn);
	snprintf(job->child, sizeof(job->child), "%s", al->child);
	snprintf(job->alertname, sizeof(job->alertname), "%s", al->alertname);
	snprintf(job->remote, sizeof(job->remote), "%s", remote);
	snprintf(job->source, sizeof(job->source), "alertmanager");
}

/* Queues job unless its conn is pending or the queue is full; true when
 * queued, else e says why not. */
static bool rem_enqueue(struct remediate *r, const struct rem_job *job, struct rem_event *e)
{
	bool queued = false;

	pthread_mutex_lock(&r->lock);
	if (rem_pending(r, job->conn)) {
		e->outcome = RO_SKIPPED, e->reason = RR_IN_PROGRESS;
	} else if (r->qlen >= REMEDIATE_QUEUE_MAX) {
		e->outcome = RO_SKIPPED, e->reason = RR_QUEUE_FULL;
	} else {
		r->queue[(r->qhead + r->qlen) % REMEDIATE_QUEUE_MAX] = *job;
		r->qlen++;
		queued = true;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return queued;
}

/* One alert of a notification: 1 when queued. */
static int rem_take(struct remediate *r, const struct am_alert *al, const char *remote)
{
	struct rem_job job;
	struct rem_event e = { .job = &job, .outcome = RO_REFUSED, .reason = RR_NONE };

	rem_job_of(&job, al, remote);
	if (!al->firing) {
		e.outcome = RO_IGNORED, e.reason = RR_RESOLVED;
	} else if (!al->conn[0]) {
		e.reason = RR_NO_CONN_LABEL;
		log_warn("remediation: alert %s from %s has no conn label, refused",
			 al->alertname, remote);
	} else if (!rem_allowed(r->rc, al->conn)) {
		e.reason = RR_NOT_ALLOWED;
		log_warn("remediation: alert %s names conn '%s', not in remediation.conns; refused",
			 al->alertname, al->conn);
	} else if (rem_enqueue(r, &job, &e)) {
		return 1;
	}
	rem_decide(r, &e);
	return 0;
}

/* Method, token and Content-Type; false with the answer written. */
static bool rem_request_ok(struct remediate *r, const struct http_request *req,
			   struct http_response *resp)
{
	const char *type = http_request_header(req, "Content-Type");

	if (strcmp(req->method, "POST")) {
		rem_answer(resp, 405, "the webhook needs POST", 0, 0);
		return false;
	}
	if (!http_bearer_ok(r->token, http_request_header(req, "Authorization"))) {
		rem_answer(resp, 401, "missing or wrong bearer token", 0, 0);
		log_warn("remediation webhook: request from %s without the right token, refused",
			 req->remote);
		return false;
	}
	if (!type || strncasecmp(type, "application/json", 16)) {
		rem_answer(resp, 415, "Content-Type must be application/json", 0, 0);
		return false;
	}
	return true;
}

void remediate_handle(struct remediate *r, const struct http_request *req,
		      struct http_response *resp)
{
	struct rem_job none = { "", "", "", "", "alertmanager" };
	struct rem_event e = { .job = &none, .outcome = RO_REFUSED, .reason = RR_BAD_PAYLOAD };
	struct am_payload *p;
	struct ikw_err err = { "" };
	size_t i, accepted = 0;

	if (!r) {
		resp->status = 404;
		strbuf_addstr(&resp->body, "Not Found\n");
		return;
	}
	snprintf(none.remote, sizeof(none.remote), "%s", req->remote);
	if (!rem_request_ok(r, req, resp))
		return;
	if (!(p = malloc(sizeof(*p)))) {
		rem_answer(resp, 500, "out of memory", 0, 0);
		return;
	}
	if (!req->body || am_parse(req->body, req->body_len, p, &err)) {
		e.detail = req->body ? err.msg : "a JSON body is required";
		log_warn("remediation webhook from %s refused: %s", req->remote, e.detail);
		rem_decide(r, &e);
		rem_answer(resp, 400, e.detail, 0, 0);
		free(p);
		return;
	}
	for (i = 0; i < p->n; i++)
		accepted += (size_t)rem_take(r, &p->alerts[i], req->remote);
	rem_answer(resp, 202, NULL, accepted, p->n - accepted);
	free(p);
}
