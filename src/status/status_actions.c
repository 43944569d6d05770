#include "status/status_actions.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/safe_file.h"
#include "common/file.h"
#include "common/json_in.h"
#include "common/json_out.h"
#include "common/token_file.h"
#include "common/log.h"
#include "common/text.h"
#include "http/http_auth.h"

struct status_actions {
	char *token;
	char *vici_socket;
	unsigned timeout_ms;
	struct status_control control;
	int audit_fd;
	pthread_mutex_t lock;      /* one audit line at a time, and the budget */
	int64_t refusal_minute;    /* the minute the budget below is for */
	unsigned refusals;         /* refusals written in that minute */
	uint64_t suppressed;       /* refusals not written since the last summary */
};

/* Anyone who can reach the port can be refused: those lines are bounded in
 * size (the action cut to ACTIONS_AUDIT_ACTION_MAX bytes) and in rate (at
 * most ACTIONS_REFUSALS_PER_MINUTE a minute, the rest counted and summed up
 * in one "suppressed" line), so a loop of requests cannot fill the disk. */
#define ACTIONS_AUDIT_ACTION_MAX 64
#define ACTIONS_REFUSALS_PER_MINUTE 20

static void actions_audit_summary(struct status_actions *a, time_t now);

/* ---- setup ---------------------------------------------------------------- */

static int actions_load_token(struct status_actions *a, const char *path, struct ikw_err *err)
{
	return token_file_load(path, "status.token_file", STATUS_TOKEN_MIN, &a->token, err);
}

int status_actions_new(struct status_actions **out, const struct status_actions_opts *o,
		       struct ikw_err *err)
{
	struct status_actions *a = calloc(1, sizeof(*a));
	int r;

	if (!a)
		return err_set(err, -ENOMEM, "out of memory");
	a->audit_fd = -1;
	pthread_mutex_init(&a->lock, NULL);
	a->timeout_ms = o->timeout_ms ? o->timeout_ms : 10000;
	a->control = o->control;
	if (!o->token_file || !o->audit_log) {
		r = err_set(err, -EINVAL, "status.actions needs status.token_file and status.audit_log");
	} else if ((r = actions_load_token(a, o->token_file, err)) == 0) {
		a->audit_fd = safe_file_open_append(o->audit_log);
		if (a->audit_fd < 0)
			r = err_set(err, a->audit_fd, "status.audit_log '%s': %s", o->audit_log,
				    strerror(-a->audit_fd));
		else if (!(a->vici_socket = strdup(o->vici_socket)))
			r = err_set(err, -ENOMEM, "out of memory");
	}
	if (r) {
		status_actions_free(a);
		return r;
	}
	*out = a;
	return 0;
}

void status_actions_free(struct status_actions *a)
{
	if (!a)
		return;
	if (a->audit_fd >= 0) {
		actions_audit_summary(a, time(NULL));
		close(a->audit_fd);
	}
	if (a->token)
		explicit_bzero(a->token, strlen(a->token));
	free(a->token);
	free(a->vici_socket);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* ---- the audit log ---------------------------------------------------------- */

struct actions_audit {
	const char *action, *target, *result, *reason;
};

static void actions_audit_write(struct status_actions *a, const struct strbuf *sb)
{
	if (strbuf_failed(sb) || write(a->audit_fd, sb->buf, sb->len) != (ssize_t)sb->len)
		log_error("cannot write the audit log: %s", strerror(errno));
}

static void actions_audit_begin(struct json_out *j, struct strbuf *sb, time_t now)
{
	char when[32];
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_init(j, sb);
	json_obj_begin(j, NULL);
	json_str(j, "time", when);
}

/* One line for the refusals over the budget; the caller holds the lock or
 * is the last user. */
static void actions_audit_summary(struct status_actions *a, time_t now)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_out j;

	if (!a->suppressed)
		return;
	actions_audit_begin(&j, &sb, now);
	json_str(&j, "result", "suppressed");
	json_u64(&j, "refused", a->suppressed);
	json_str(&j, "reason", "over the refusals a minute the audit log takes");
	json_obj_end(&j);
	strbuf_addch(&sb, '\n');
	actions_audit_write(a, &sb);
	log_warn("status actions: %" PRIu64 " refused requests not written to the audit log",
		 a->suppressed);
	a->suppressed = 0;
	strbuf_release(&sb);
}

/* Whether a refusal may be written now (under the lock). */
static bool actions_refusal_budget(struct status_actions *a, time_t now)
{
	if (now / 60 != a->refusal_minute) {
		actions_audit_summary(a, now);
		a->refusal_minute = now / 60;
		a->refusals = 0;
	}
	if (a->refusals >= ACTIONS_REFUSALS_PER_MINUTE) {
		a->suppressed++;
		return false;
	}
	a->refusals++;
	return true;
}

static void actions_audit(struct status_actions *a, const struct http_request *req,
		     const struct actions_audit *e)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_out j;
	time_t now = time(NULL);
	bool refused = !strcmp(e->result, "refused");
	char action[ACTIONS_AUDIT_ACTION_MAX + 1];
	size_t n = strnlen(e->action, ACTIONS_AUDIT_ACTION_MAX + 1);

	text_sanitize(action, e->action, n > ACTIONS_AUDIT_ACTION_MAX ? ACTIONS_AUDIT_ACTION_MAX : n);
	pthread_mutex_lock(&a->lock);
	if (refused && !actions_refusal_budget(a, now)) {
		pthread_mutex_unlock(&a->lock);
		return;
	}
	actions_audit_begin(&j, &sb, now);
	json_str(&j, "remote", req->remote);
	json_str(&j, "action", action);
	if (n > ACTIONS_AUDIT_ACTION_MAX)
		json_bool(&j, "action_cut", true);
	json_str(&j, "target", e->target);
	json_str(&j, "result", e->result);
	json_str(&j, "reason", e->reason);
	json_obj_end(&j);
	strbuf_addch(&sb, '\n');
	actions_audit_write(a, &sb);
	pthread_mutex_unlock(&a->lock);
	log_info("action %s %s from %s: %s%s%s", action, e->target, req->remote, e->result,
		 e->reason[0] ? ": " : "", e->reason);
	strbuf_release(&sb);
}

/* ---- the answer ----------------------------------------------------------------- */

static void actions_answer(struct http_response *resp, unsigned status, bool ok, const char *why)
{
	struct json_out j;

	resp->status = status;
	resp->content_type = "application/json";
	json_init(&j, &resp->body);
	json_obj_begin(&j, NULL);
	json_bool(&j, "ok", ok);
	if (!ok)
		json_str(&j, "error", why);
	json_obj_end(&j);
	strbuf_addch(&resp->body, '\n');
}

/* ---- the checks ---------------------------------------------------------------- */

bool status_same_origin(const char *origin, const char *host)
{
	const char *h;

	if (!origin || !host)
		return false;
	if (!strncmp(origin, "http://", 7))
		h = origin + 7;
	else if (!strncmp(origin, "https://", 8))
		h = origin + 8;
	else
		return false;
	return !strcasecmp(h, host);
}

/* 0 when the request may act; else the status to refuse with and why. */
static unsigned actions_refuse(const struct status_actions *a, const struct http_request *req,
			  const char **why)
{
	const char *type = http_request_header(req, "Content-Type");
	const char *origin = http_request_header(req, "Origin");
	const char *site = http_request_header(req, "Sec-Fetch-Site");

	if (strcmp(req->method, "POST"))
		return *why = "actions need POST", 405;
	if (origin && !status_same_origin(origin, http_request_header(req, "Host")))
		return *why = "cross-origin request refused", 403;
	if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
		return *why = "cross-site request refused", 403;
	if (!type || strncasecmp(type, "application/json", 16))
		return *why = "Content-Type must be application/json", 415;
	if (!http_bearer_ok(a->token, http_request_header(req, "Authorization")))
		return *why = "missing or wrong bearer token", 401;
	return 0;
}

/* ---- the actions -------------------------------------------------------------- */

static int actions_id(const struct json_in_object *o, const char *key, uint32_t *id)
{
	const struct json_in_member *m = json_in_get(o, key);

	if (!m)
		return -ENOENT;
	if (m->type != JSON_IN_UINT || !m->num || m->num > UINT32_MAX)
		return -EINVAL;
	*id = (uint32_t)m->num;
	return 0;
}

static int actions_terminate(struct status_actions *a, const struct json_in_object *o,
			char *target, size_t tsize, struct ikw_err *err)
{
	uint32_t id;
	int ike = actions_id(o, "ike_id", &id), child = -ENOENT;

	if (ike == -ENOENT)
		child = actions_id(o, "child_id", &id);
	if (ike && child)
		return err_set(err, -EINVAL, "want {\"ike_id\": N} or {\"child_id\": N}");
	snprintf(target, tsize, "%s %u", ike ? "child" : "ike", id);
	return a->control.terminate(a->vici_socket, ike != 0, id, a->timeout_ms, err);
}

static const char *actions_str(const struct json_in_object *o, const char *key)
{
	const struct json_in_member *m = json_in_get(o, key);

	return m && m->type == JSON_IN_STRING && m->str[0] ? m->str : NULL;
}

static int actions_initiate(struct status_actions *a, const struct json_in_object *o,
		       char *target, size_t tsize, struct ikw_err *err)
{
	const char *conn = actions_str(o, "conn"), *child = actions_str(o, "child");

	if (!child)
		return err_set(err, -EINVAL, "want {\"conn\": \"NAME\", \"child\": \"NAME\"}");
	snprintf(target, tsize, "%s/%s", conn ? conn : "", child);
	return a->control.initiate(a->vici_socket, conn, child, a->timeout_ms, err);
}

void status_actions_handle(struct status_actions *a, const char *action,
			   const struct http_request *req, struct http_response *resp)
{
	struct actions_audit e = { action, "", "refused", "" };
	struct json_in_object o;
	struct ikw_err err = { "" };
	char target[600] = "";
	unsigned refuse;
	int r;

	if (!a) {
		actions_answer(resp, 403, false, "actions are disabled (status.actions in the config)");
		return;
	}
	if ((refuse = actions_refuse(a, req, &e.reason))) {
		actions_answer(resp, refuse, false, e.reason);
		actions_audit(a, req, &e);
		return;
	}
	if (!req->body || json_in_parse(req->body, req->body_len, &o, &err)) {
		e.reason = req->body ? err.msg : "a JSON body is required";
		actions_answer(resp, 400, false, e.reason);
		actions_audit(a, req, &e);
		return;
	}
	if (!strcmp(action, "terminate"))
		r = actions_terminate(a, &o, target, sizeof(target), &err);
	else if (!strcmp(action, "initiate"))
		r = actions_initiate(a, &o, target, sizeof(target), &err);
	else
		r = err_set(&err, -ENOENT, "unknown action '%s' (terminate, initiate)", action);
	e.target = target;
	e.result = r ? "failed" : "ok";
	e.reason = r ? err.msg : "";
	actions_answer(resp, r == -ENOENT ? 404 : r == -EINVAL ? 400 : r ? 502 : 200, !r, err.msg);
	actions_audit(a, req, &e);
}
