#include "status/status_log_json.h"

#include <stdio.h>

static void slj_time(struct json_out *j, const char *key, double ts)
{
	char buf[32];

	if (ts <= 0) {
		json_null(j, key);
		return;
	}
	status_log_time(buf, sizeof(buf), ts);
	json_str(j, key, buf);
}

static void slj_negotiation(struct json_out *j, const struct status_conn *sc)
{
	const struct negotiation_view *n = sc->negotiation;

	if (!n) {
		json_null(j, "negotiation");
		return;
	}
	json_obj_begin(j, "negotiation");
	json_str(j, "sa", n->child ? "child" : "ike");
	json_u64(j, "ike_id", n->sa_id);
	json_str(j, "exchange", n->exchange ? ike_exchange_names[n->exchange] : NULL);
	json_str(j, "exchange_from", n->exchange ? (n->from_log ? "log" : "tasks") : NULL);
	json_bool(j, "queued", n->queued);
	slj_time(j, "since", n->since);
	if (n->since > 0)
		json_i64(j, "seconds", (int64_t)sc->log_now - (int64_t)n->since);
	else
		json_null(j, "seconds");
	json_u64(j, "retransmits", n->retransmits);
	json_u64(j, "tries", n->tries);
	json_str(j, "last_error", n->last_error[0] ? n->last_error : NULL);
	slj_time(j, "last_error_at", n->last_error_at);
	json_obj_end(j);
}

static void slj_timeline(struct json_out *j, const struct status_timeline *t)
{
	int i;

	if (!t->have) {
		json_null(j, "timeline");
		return;
	}
	json_obj_begin(j, "timeline");
	for (i = 0; i < STATUS_TL_COUNT; i++) {
		json_obj_begin(j, status_timeline_names[i]);
		slj_time(j, "last", t->last[i]);
		json_u64(j, "count", t->count[i]);
		if (i == STATUS_TL_FAILURE)
			json_str(j, "reason", t->failure_reason[0] ? t->failure_reason : NULL);
		json_obj_end(j);
	}
	json_obj_end(j);
}

void status_log_json_conn(struct json_out *j, const struct status_conn *sc)
{
	slj_negotiation(j, sc);
	slj_timeline(j, &sc->timeline);
}

void status_log_json_lines(struct json_out *j, const char *key, const struct status_log *l)
{
	size_t i;

	if (!l->have) {
		json_null(j, key);
		return;
	}
	json_arr_begin(j, key);
	for (i = 0; i < l->n; i++) {
		const struct status_log_line *x = &l->lines[i];
		char ts[32];

		snprintf(ts, sizeof(ts), "%.3f", x->ts);
		json_obj_begin(j, NULL);
		slj_time(j, "time", x->ts);
		json_number(j, "ts", ts);
		json_str(j, "conn", x->conn[0] ? x->conn : NULL);
		json_u64(j, "ike_id", x->sa_id);
		json_str(j, "kind", log_line_kind_names[x->kind]);
		json_str(j, "text", x->text);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void status_log_json(const struct status_view *v, struct strbuf *out)
{
	struct json_out j;
	size_t i;
	unsigned k;

	json_init(&j, out);
	json_obj_begin(&j, NULL);
	json_u64(&j, "collected_at", (uint64_t)v->at);
	json_bool(&j, "ok", v->ok);
	json_str(&j, "conn", v->logq.conn);
	json_u64(&j, "limit", v->logq.limit);
	json_arr_begin(&j, "kinds");
	for (k = 0; k < LOG_LINE_KIND_COUNT; k++)
		if (!v->logq.kinds || (v->logq.kinds & (1u << k)))
			json_str(&j, NULL, log_line_kind_names[k]);
	json_arr_end(&j);
	json_arr_begin(&j, "conns");
	for (i = 0; i < v->nconns; i++) {
		const struct status_conn *sc = &v->conns[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "name", sc->name);
		json_str(&j, "attention", status_attention_names[sc->attention]);
		json_str(&j, "reason", sc->reason);
		status_log_json_conn(&j, sc);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	status_log_json_lines(&j, "lines", &v->log);
	json_obj_end(&j);
	strbuf_addch(out, '\n');
}
