#include "status/status_log_text.h"

#include <stdlib.h>
#include <string.h>

#include "common/text.h"

/* s, safe for a terminal */
static void slt_str(struct strbuf *out, const char *s)
{
	size_t n = strlen(s);
	char *clean = malloc(n + 1);

	if (!clean) {
		strbuf_addstr(out, "?");
		return;
	}
	text_for_terminal(clean, s, n, 0);
	strbuf_addstr(out, clean);
	free(clean);
}

static void slt_negotiation(const struct status_conn *sc, struct strbuf *out)
{
	const struct negotiation_view *n = sc->negotiation;
	char since[32], dur[32], at[32];

	if (!n)
		return;
	status_log_time(since, sizeof(since), n->since);
	status_duration(dur, sizeof(dur), n->since > 0 ? (int64_t)sc->log_now - (int64_t)n->since :
				     TIME_NONE);
	strbuf_addf(out, "  negotiating: %s #%u, %s %s since %s (%s), %u retransmit%s",
		    n->child ? "a CHILD SA over IKE SA" : "IKE SA", n->sa_id,
		    n->exchange ? ike_exchange_names[n->exchange] : "exchange unknown",
		    n->queued ? "queued" : "in flight", since, dur, n->retransmits,
		    n->retransmits == 1 ? "" : "s");
	if (!n->child)
		strbuf_addf(out, ", try %u", n->tries ? n->tries : 1);
	strbuf_addch(out, '\n');
	if (n->last_error[0]) {
		status_log_time(at, sizeof(at), n->last_error_at);
		strbuf_addf(out, "  last error:  %s ", at);
		slt_str(out, n->last_error);
		strbuf_addch(out, '\n');
	}
}

static void slt_timeline(const struct status_timeline *t, struct strbuf *out)
{
	char buf[32];
	int i;

	if (!t->have)
		return;
	strbuf_addstr(out, "  events:");
	for (i = 0; i < STATUS_TL_COUNT; i++) {
		status_log_time(buf, sizeof(buf), t->last[i]);
		strbuf_addf(out, " %s %s (%llu)", status_timeline_names[i], buf,
			    (unsigned long long)t->count[i]);
		if (i == STATUS_TL_FAILURE && t->failure_reason[0])
			strbuf_addf(out, " %s", t->failure_reason);
		strbuf_addch(out, i + 1 < STATUS_TL_COUNT ? ',' : '\n');
	}
}

static void slt_lines(const struct status_log *l, struct strbuf *out)
{
	size_t i;
	char ts[32];

	if (!l->have) {
		strbuf_addstr(out, "no log: ask a daemon that follows charon's log (--url), or "
			      "set logs.files in the config\n");
		return;
	}
	if (!l->n)
		strbuf_addstr(out, "no log lines\n");
	for (i = 0; i < l->n; i++) {
		const struct status_log_line *x = &l->lines[i];

		status_log_time(ts, sizeof(ts), x->ts);
		strbuf_addf(out, "%s %-11s ", ts, log_line_kind_names[x->kind]);
		if (x->conn[0]) {
			strbuf_addch(out, '<');
			slt_str(out, x->conn);
			strbuf_addf(out, "|%u> ", x->sa_id);
		}
		slt_str(out, x->text);
		strbuf_addch(out, '\n');
	}
}

void status_log_text(const struct status_view *v, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < v->nconns; i++) {
		const struct status_conn *sc = &v->conns[i];

		strbuf_addstr(out, "conn ");
		slt_str(out, sc->name);
		strbuf_addf(out, ": %s", status_attention_names[sc->attention]);
		if (sc->reason[0]) {
			strbuf_addstr(out, ", ");
			slt_str(out, sc->reason);
		}
		strbuf_addch(out, '\n');
		slt_negotiation(sc, out);
		slt_timeline(&sc->timeline, out);
	}
	strbuf_addstr(out, "log (newest first):\n");
	slt_lines(&v->log, out);
}
