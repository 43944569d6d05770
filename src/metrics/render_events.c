/* The VICI event stream and the failure sources: SA up/down/rekey
 * counts per conn and child, failures by reason. */
#include <stdlib.h>
#include <string.h>

#include "metrics/render_family.h"
#include "model/alert.h"

/* ---- events (the VICI event stream and the failure sources) ------------- */

static bool render_have_stream(const struct render_ctx *c)
{
	return c->m->have_event_stream;
}

static bool render_have_sas_events(const struct render_ctx *c)
{
	return c->m->have_event_stream && c->m->have_sas;
}

static int render_cmp_event(const void *key, const void *elem)
{
	const struct event_counts *k = key, *e = elem;
	int r = strcmp(k->conn, e->conn);

	return r ? r : strcmp(k->child, e->child);
}

static const struct event_counts *render_events_of(const struct render_ctx *c,
						   const char *conn,
						   const char *child)
{
	struct event_counts key = { .conn = conn, .child = child };

	if (!c->m->events.nevents)
		return NULL;
	return bsearch(&key, c->m->events.events, c->m->events.nevents,
		       sizeof(key), render_cmp_event);
}

static const char *const render_event_names[3] = { "up", "down", "rekey" };

/* The three events of an IKE SA (first = EV_IKE_UP) or a CHILD SA
 * (first = EV_CHILD_UP): counters always, timestamps once they happened. */
static void render_events(const struct render_ctx *c, struct expo *e,
			  const char *conn, const char *child,
			  enum event_kind first, bool timestamps)
{
	const struct event_counts *ev = render_events_of(c, conn, child ? child : "");
	int i;

	for (i = 0; i < 3; i++) {
		struct label l[] = { { "conn", conn }, { "child", child },
				     { "event", render_event_names[i] } };
		struct label *lp = l;
		size_t n = 3;

		if (!child) {   /* IKE rows: no child label */
			l[1] = l[2];
			n = 2;
		}
		if (!timestamps)
			expo_sample_u64(e, lp, n, ev ? ev->count[first + i] : 0);
		else if (ev && ev->last[first + i] > 0)
			expo_sample(e, lp, n, ev->last[first + i]);
	}
}

static void render_ike_events(const struct render_ctx *c,
			      const struct conn_view *v, struct expo *e)
{
	render_events(c, e, v->name, NULL, EV_IKE_UP, false);
}

static void render_ike_event_times(const struct render_ctx *c,
				   const struct conn_view *v, struct expo *e)
{
	render_events(c, e, v->name, NULL, EV_IKE_UP, true);
}

static void render_child_events(const struct render_ctx *c,
				const struct conn_view *v,
				const struct child_view *ch, struct expo *e)
{
	render_events(c, e, v->name, ch->name, EV_CHILD_UP, false);
}
RENDER_PER_CHILD(render_child_events)

static void render_child_event_times(const struct render_ctx *c,
				     const struct conn_view *v,
				     const struct child_view *ch, struct expo *e)
{
	render_events(c, e, v->name, ch->name, EV_CHILD_UP, true);
}
RENDER_PER_CHILD(render_child_event_times)

static void render_failures(const struct render_ctx *c, struct expo *e)
{
	const struct event_view *ev = &c->m->events;
	size_t i;
	int r;

	for (i = 0; i < ev->nfailures; i++)
		for (r = 0; r < FAIL_REASON_COUNT; r++) {
			struct label l[] = { { "conn", ev->failures[i].conn },
					     { "reason", fail_reason_names[r] } };

			if (ev->failures[i].count[r])
				expo_sample_u64(e, l, NL(l), ev->failures[i].count[r]);
		}
}

static void render_last_failure_time(const struct render_ctx *c, struct expo *e)
{
	const struct event_view *ev = &c->m->events;
	size_t i;

	for (i = 0; i < ev->nfailures; i++) {
		struct label l[] = { { "conn", ev->failures[i].conn } };

		expo_sample(e, l, NL(l), ev->failures[i].last);
	}
}

static void render_last_failure(const struct render_ctx *c, struct expo *e)
{
	const struct event_view *ev = &c->m->events;
	size_t i;

	for (i = 0; i < ev->nfailures; i++) {
		struct label l[] = { { "conn", ev->failures[i].conn },
			{ "reason", fail_reason_names[ev->failures[i].last_reason] } };

		expo_sample(e, l, NL(l), 1);
	}
}

static bool render_have_alerts(const struct render_ctx *c)
{
	return c->m->have_event_stream &&
	       (c->m->events.alerts_live || c->m->events.nalerts);
}

static void render_alerts(const struct render_ctx *c, struct expo *e)
{
	const struct event_view *ev = &c->m->events;
	size_t i;
	unsigned t;

	for (i = 0; i < ev->nalerts; i++)
		for (t = 0; t < EVENT_ALERT_TYPES; t++) {
			struct label l[] = { { "conn", ev->alerts[i].conn },
					     { "type", alert_type_name(t) } };

			if (ev->alerts[i].count[t])
				expo_sample_u64(e, l, NL(l), ev->alerts[i].count[t]);
		}
}

static void render_alerts_up(const struct render_ctx *c, struct expo *e)
{
	expo_sample(e, NULL, 0, c->m->events.alerts_live);
}

static void render_stream_up(const struct render_ctx *c, struct expo *e)
{
	expo_sample(e, NULL, 0, c->m->events.connected);
}

static void render_stream_gaps(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->events.gaps);
}

static void render_events_dropped(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->events.dropped);
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

#define G(name, type, help, present, fn) { name, type, help, present, fn, NULL }
#define E(name, type, help, fn) { name, type, help, render_have_sas_events, NULL, fn }

const struct render_family render_events_families[] = {
	G("ikewatch_event_stream_up", METRIC_GAUGE,
	  "1 while the VICI event stream is connected.",
	  render_have_stream, render_stream_up),
	G("ikewatch_event_stream_gaps", METRIC_COUNTER,
	  "Times the event stream reconnected: events in between were not seen.",
	  render_have_stream, render_stream_gaps),
	G("ikewatch_event_stream_alerts_up", METRIC_GAUGE,
	  "1 while the event stream receives charon's alert events (charon 6.0.3 and later).",
	  render_have_stream, render_alerts_up),
	G("ikewatch_events_dropped", METRIC_COUNTER,
	  "Events not kept under their own labels (key cap reached) or final counters dropped.",
	  render_have_events, render_events_dropped),
	E("ipsec_ike_sa_events", METRIC_COUNTER,
	  "IKE SAs of the connection that came up, went down or were rekeyed (charon's VICI events, or pluto's log).",
	  render_ike_events),
	E("ipsec_ike_sa_last_event_timestamp_seconds", METRIC_GAUGE,
	  "Unix time of the connection's last IKE SA up, down or rekey event.",
	  render_ike_event_times),
	E("ipsec_child_sa_events", METRIC_COUNTER,
	  "CHILD SAs of the child that came up, went down or were rekeyed (charon's VICI events, or pluto's log).",
	  render_child_events_conn),
	E("ipsec_child_sa_last_event_timestamp_seconds", METRIC_GAUGE,
	  "Unix time of the child's last CHILD SA up, down or rekey event.",
	  render_child_event_times_conn),
	G("ipsec_conn_failures", METRIC_COUNTER,
	  "Negotiation and SA failures by reason (conn empty: not attributable).",
	  render_have_events, render_failures),
	G("ipsec_conn_last_failure_timestamp_seconds", METRIC_GAUGE,
	  "Unix time of the connection's last failure.",
	  render_have_events, render_last_failure_time),
	G("ipsec_conn_last_failure", METRIC_INFO,
	  "The reason of the connection's last failure.",
	  render_have_events, render_last_failure),
	G("ipsec_alerts", METRIC_COUNTER,
	  "Alerts charon raised, by type (conn empty: not tied to an IKE SA).",
	  render_have_alerts, render_alerts),
};

const size_t render_events_nfamilies = NL(render_events_families);
