#include "eventlog/eventlog_line.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/json_out.h"
#include "common/text.h"

/* Writes each field twice: into the JSON object and, when asked, as a
 * journal field. */
struct evl {
	struct json_out j;
	struct strbuf *journal;
};

static void evl_journal(struct evl *w, const char *key, const char *value)
{
	const char *k;

	if (!w->journal)
		return;
	strbuf_addstr(w->journal, "IKEWATCH_");
	for (k = key; *k; k++)
		strbuf_addch(w->journal, (char)toupper((unsigned char)*k));
	strbuf_addch(w->journal, '=');
	strbuf_addstr(w->journal, value);
	strbuf_addch(w->journal, '\0');
}

/* A string field, always there ("" when v is NULL). */
static void evl_str_always(struct evl *w, const char *key, const char *v)
{
	char safe[EVENTLOG_FIELD_MAX + 1];

	v = v ? v : "";
	text_sanitize(safe, v, strnlen(v, EVENTLOG_FIELD_MAX));
	json_str(&w->j, key, safe);
	evl_journal(w, key, safe);
}

/* A string field, left out when v is NULL or "" (not known). */
static void evl_str(struct evl *w, const char *key, const char *v)
{
	if (v && v[0])
		evl_str_always(w, key, v);
}

/* A charon unique id, left out when 0 (charon's ids start at 1). */
static void evl_id(struct evl *w, const char *key, uint32_t v)
{
	char num[16];

	if (!v)
		return;
	json_u64(&w->j, key, v);
	snprintf(num, sizeof(num), "%" PRIu32, v);
	evl_journal(w, key, num);
}

static void evl_i64(struct evl *w, const char *key, int64_t v)
{
	char num[24];

	json_i64(&w->j, key, v);
	snprintf(num, sizeof(num), "%" PRId64, v);
	evl_journal(w, key, num);
}

/* time: RFC 3339 in UTC with microseconds; ts: the same as Unix seconds. */
static void evl_time(struct evl *w, struct timespec when)
{
	char stamp[JSON_TIME_MAX], num[40];

	json_time_format(stamp, when, true);
	json_str(&w->j, "time", stamp);
	evl_journal(w, "time", stamp);
	snprintf(num, sizeof(num), "%lld.%06u", (long long)when.tv_sec,
		 (unsigned)((unsigned long)when.tv_nsec % 1000000000UL / 1000));
	json_number(&w->j, "ts", num);
	evl_journal(w, "ts", num);
}

static void evl_peer(struct evl *w, const char *key, const char *v,
		     const struct redact_config *rc, bool done)
{
	char out[EVENTLOG_FIELD_MAX + 1];

	if (!v || done || !rc || rc->mode == REDACT_NONE) {
		evl_str(w, key, v);
		return;
	}
	redact_value(rc, v, out, sizeof(out));
	evl_str(w, key, out);
}

static void evl_sa_fields(struct evl *w, const struct event_record *r,
			  const struct redact_config *rc)
{
	evl_id(w, "ike_id", r->ike_id);
	evl_id(w, "old_ike_id", r->old_ike_id);
	evl_str(w, "ike_spi_i", r->ike_spi_i);
	evl_str(w, "ike_spi_r", r->ike_spi_r);
	evl_id(w, "child_id", r->child_id);
	evl_str(w, "spi_in", r->spi_in);
	evl_str(w, "spi_out", r->spi_out);
	evl_id(w, "old_child_id", r->old_child_id);
	evl_str(w, "old_spi_in", r->old_spi_in);
	evl_str(w, "old_spi_out", r->old_spi_out);
	evl_str(w, "local_addr", r->local_addr);
	evl_str(w, "local_id", r->local_id);
	evl_peer(w, "remote_addr", r->remote_addr, rc, r->peers_redacted);
	evl_peer(w, "remote_id", r->remote_id, rc, r->peers_redacted);
}

static void evl_why_fields(struct evl *w, const struct event_record *r)
{
	evl_str(w, "reason", r->reason);
	evl_str(w, "source", r->source);
	evl_str(w, "alert", r->alert);
	evl_str(w, "sa", r->sa);
	if (r->kind == ER_REKEY_OVERDUE && r->late_seconds >= 0)
		evl_i64(w, "late_seconds", r->late_seconds);
	if (r->kind != ER_REMEDIATION)
		return;
	evl_str(w, "decision", r->decision);
	evl_str(w, "action", r->action);
	evl_str(w, "result", r->result);
	json_bool(&w->j, "dry_run", r->dry_run);
	evl_journal(w, "dry_run", r->dry_run ? "true" : "false");
	evl_str(w, "detail", r->detail);
}

static const char *evl_kind(enum event_record_kind k)
{
	return (unsigned)k < ER_KIND_COUNT ? event_record_kind_names[k] : "unknown";
}

/* Failures and alerts are warnings in the journal; the rest is news. */
static void evl_journal_head(struct evl *w, const struct event_record *r)
{
	char conn[EVENTLOG_FIELD_MAX + 1] = "", child[EVENTLOG_FIELD_MAX + 1] = "";
	const char *why = r->reason ? r->reason : r->alert;
	bool warn = r->kind == ER_REKEY_FAILED || r->kind == ER_REKEY_OVERDUE ||
		    r->kind == ER_FAILURE || r->kind == ER_ALERT;

	if (!w->journal)
		return;
	if (r->conn)
		text_sanitize(conn, r->conn, strnlen(r->conn, EVENTLOG_FIELD_MAX));
	if (r->child)
		text_sanitize(child, r->child, strnlen(r->child, EVENTLOG_FIELD_MAX));
	strbuf_addf(w->journal, "MESSAGE=%s %s%s%s%s%s", evl_kind(r->kind),
		    conn[0] ? conn : "-", child[0] ? "/" : "", child,
		    why ? ": " : "", why ? why : "");
	strbuf_addch(w->journal, '\0');
	strbuf_addstr(w->journal, warn ? "PRIORITY=4" : "PRIORITY=6");
	strbuf_addch(w->journal, '\0');
	strbuf_addstr(w->journal, "SYSLOG_IDENTIFIER=ikewatch");
	strbuf_addch(w->journal, '\0');
}

void eventlog_line(const struct event_record *r, const struct redact_config *rc,
		   struct strbuf *line, struct strbuf *journal)
{
	struct evl w = { .journal = journal };

	evl_journal_head(&w, r);
	json_init(&w.j, line);
	json_obj_begin(&w.j, NULL);
	evl_time(&w, r->when);
	json_str(&w.j, "event", evl_kind(r->kind));
	evl_journal(&w, "event", evl_kind(r->kind));
	evl_str_always(&w, "conn", r->conn);
	evl_str(&w, "child", r->child);
	evl_sa_fields(&w, r, rc);
	evl_why_fields(&w, r);
	json_obj_end(&w.j);
	strbuf_addch(line, '\n');
}
