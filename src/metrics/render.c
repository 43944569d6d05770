#include "metrics/render.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/render_family.h"
#include "model/view.h"

#define RENDER_PIECE (16 * 1024)

struct render {
	struct model *m;
	struct render_opts opts;
	struct expo expo;
	size_t family, conn;
	bool header_done, finished;
};

static double render_ts(const struct render_ctx *c, int64_t ago)
{
	return (double)c->m->collected_at - (double)ago;
}

static const char *render_peer(const struct render_ctx *c, const char *s)
{
	return c->o->peer_labels ? s : NULL;
}

static const char *render_yes(bool b)
{
	return b ? "yes" : "no";
}

/* ---- presence --------------------------------------------------------- */

static bool render_always(const struct render_ctx *c)
{
	(void)c;
	return true;
}

static bool render_have_version(const struct render_ctx *c)
{
	return c->m->daemon.have_version;
}

static bool render_have_stats(const struct render_ctx *c)
{
	return c->m->daemon.have_stats;
}

static bool render_have_start(const struct render_ctx *c)
{
	return c->m->daemon.have_stats && c->m->daemon.start_time > 0;
}

static bool render_have_counters(const struct render_ctx *c)
{
	return c->m->daemon.have_counters;
}

static bool render_have_sas(const struct render_ctx *c)
{
	return c->m->have_sas;
}

/* ---- exporter ---------------------------------------------------------- */

static void render_build_info(const struct render_ctx *c, struct expo *e)
{
	struct label l[] = { { "version", IKW_VERSION }, { "revision", IKW_REVISION } };

	(void)c;
	expo_sample(e, l, NL(l), 1);
}

static void render_collector_success(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->ncollectors; i++) {
		struct label l[] = { { "collector", c->m->collectors[i].name } };

		expo_sample(e, l, NL(l), c->m->collectors[i].success);
	}
}

static void render_collector_duration(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->ncollectors; i++) {
		struct label l[] = { { "collector", c->m->collectors[i].name } };

		expo_sample(e, l, NL(l), c->m->collectors[i].duration_seconds);
	}
}

static void render_unlisted(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->ike_sas_unlisted);
}

/* ---- daemon ------------------------------------------------------------ */

static void render_daemon_info(const struct render_ctx *c, struct expo *e)
{
	const struct daemon_info *d = &c->m->daemon;
	struct label l[] = {
		{ "daemon", d->daemon }, { "version", d->version },
		{ "sysname", d->sysname }, { "release", d->release },
		{ "machine", d->machine },
	};

	expo_sample(e, l, NL(l), 1);
}

static void render_daemon_start(const struct render_ctx *c, struct expo *e)
{
	expo_sample(e, NULL, 0, c->m->daemon.start_time);
}

static void render_daemon_ike_sas(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->daemon.ikesas_total);
}

static void render_daemon_half_open(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->daemon.ikesas_half_open);
}

static void render_workers(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->daemon.workers_total);
}

static void render_workers_idle(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->daemon.workers_idle);
}

static void render_by_priority(struct expo *e, const uint64_t v[4])
{
	size_t i;

	for (i = 0; i < 4; i++) {
		struct label l[] = { { "priority", job_priority_names[i] } };

		expo_sample_u64(e, l, NL(l), v[i]);
	}
}

static void render_workers_active(const struct render_ctx *c, struct expo *e)
{
	render_by_priority(e, c->m->daemon.workers_active);
}

static void render_queues(const struct render_ctx *c, struct expo *e)
{
	render_by_priority(e, c->m->daemon.queues);
}

static void render_scheduled(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->daemon.scheduled);
}

/* counters plugin names: "<exchange>-<in|out>-<req|resp>" */
static const struct {
	const char *counter, *exchange, *direction, *type;
} render_msg_counters[] = {
	{ "ike-init-in-req", "ike_sa_init", "in", "request" },
	{ "ike-init-in-resp", "ike_sa_init", "in", "response" },
	{ "ike-init-out-req", "ike_sa_init", "out", "request" },
	{ "ike-init-out-resp", "ike_sa_init", "out", "response" },
	{ "ike-auth-in-req", "ike_auth", "in", "request" },
	{ "ike-auth-in-resp", "ike_auth", "in", "response" },
	{ "ike-auth-out-req", "ike_auth", "out", "request" },
	{ "ike-auth-out-resp", "ike_auth", "out", "response" },
	{ "create-child-in-req", "create_child_sa", "in", "request" },
	{ "create-child-in-resp", "create_child_sa", "in", "response" },
	{ "create-child-out-req", "create_child_sa", "out", "request" },
	{ "create-child-out-resp", "create_child_sa", "out", "response" },
	{ "info-in-req", "informational", "in", "request" },
	{ "info-in-resp", "informational", "in", "response" },
	{ "info-out-req", "informational", "out", "request" },
	{ "info-out-resp", "informational", "out", "response" },
};

static bool render_counter(const struct daemon_info *d, const char *name,
			   uint64_t *out)
{
	size_t i;

	for (i = 0; i < d->ncounters; i++) {
		if (!strcmp(d->counter_names[i], name)) {
			*out = d->counter_values[i];
			return true;
		}
	}
	return false;
}

static void render_ike_messages(const struct render_ctx *c, struct expo *e)
{
	size_t i;
	uint64_t v;

	for (i = 0; i < NL(render_msg_counters); i++) {
		struct label l[] = {
			{ "exchange", render_msg_counters[i].exchange },
			{ "direction", render_msg_counters[i].direction },
			{ "type", render_msg_counters[i].type },
		};

		if (render_counter(&c->m->daemon, render_msg_counters[i].counter, &v))
			expo_sample_u64(e, l, NL(l), v);
	}
}

static void render_ike_rekeys(const struct render_ctx *c, struct expo *e)
{
	struct label init[] = { { "role", "initiator" } };
	struct label resp[] = { { "role", "responder" } };
	uint64_t v;

	if (render_counter(&c->m->daemon, "ike-rekey-init", &v))
		expo_sample_u64(e, init, 1, v);
	if (render_counter(&c->m->daemon, "ike-rekey-resp", &v))
		expo_sample_u64(e, resp, 1, v);
}

static void render_child_rekeys(const struct render_ctx *c, struct expo *e)
{
	uint64_t v;

	if (render_counter(&c->m->daemon, "child-rekey", &v))
		expo_sample_u64(e, NULL, 0, v);
}

static void render_invalid(const struct render_ctx *c, struct expo *e)
{
	struct label inv[] = { { "reason", "invalid" } };
	struct label spi[] = { { "reason", "invalid_spi" } };
	uint64_t v;

	if (render_counter(&c->m->daemon, "invalid", &v))
		expo_sample_u64(e, inv, 1, v);
	if (render_counter(&c->m->daemon, "invalid-spi", &v))
		expo_sample_u64(e, spi, 1, v);
}

/* ---- connections and IKE SAs ------------------------------------------- */

static void render_conn_info(const struct render_ctx *c,
			     const struct conn_view *v, struct expo *e)
{
	struct label l[4];

	if (!v->cfg)
		return;
	l[0] = (struct label){ "conn", v->name };
	l[1] = (struct label){ "version", v->cfg->version };
	l[2] = (struct label){ "local_addrs", render_peer(c, v->cfg->local_addrs) };
	l[3] = (struct label){ "remote_addrs", render_peer(c, v->cfg->remote_addrs) };
	expo_sample(e, l, NL(l), 1);
}

static void render_conn_expected(const struct render_ctx *c,
				 const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };

	(void)c;
	expo_sample(e, l, NL(l), v->expected_up);
}

static void render_conn_up(const struct render_ctx *c,
			   const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };

	(void)c;
	expo_sample(e, l, NL(l), v->newest != NULL);
}

static void render_ike_sas(const struct render_ctx *c,
			   const struct conn_view *v, struct expo *e)
{
	int s;

	(void)c;
	for (s = 0; s < IKE_STATE_COUNT; s++) {
		struct label l[] = { { "conn", v->name }, { "state", ike_state_names[s] } };

		if (s == IKE_ESTABLISHED || v->state_count[s])
			expo_sample(e, l, NL(l), v->state_count[s]);
	}
}

static void render_ike_time(const struct render_ctx *c, const struct conn_view *v,
			    struct expo *e, int64_t ago)
{
	struct label l[] = { { "conn", v->name } };

	if (ago != TIME_NONE)
		expo_sample(e, l, NL(l), render_ts(c, ago));
}

static void render_ike_established(const struct render_ctx *c,
				   const struct conn_view *v, struct expo *e)
{
	if (v->newest)
		render_ike_time(c, v, e, v->newest->established_for);
}

static void render_ike_rekey(const struct render_ctx *c,
			     const struct conn_view *v, struct expo *e)
{
	if (v->newest && v->newest->rekey_in != TIME_NONE)
		render_ike_time(c, v, e, -v->newest->rekey_in);
}

static void render_ike_reauth(const struct render_ctx *c,
			      const struct conn_view *v, struct expo *e)
{
	if (v->newest && v->newest->reauth_in != TIME_NONE)
		render_ike_time(c, v, e, -v->newest->reauth_in);
}

static void render_ike_info(const struct render_ctx *c,
			    const struct conn_view *v, struct expo *e)
{
	const struct ike_sa *s = v->newest;
	char version[8], keysize[12];
	struct label l[13];

	if (!s)
		return;
	snprintf(version, sizeof(version), "%u", s->version);
	snprintf(keysize, sizeof(keysize), "%u", s->encr_keysize);
	l[0] = (struct label){ "conn", v->name };
	l[1] = (struct label){ "version", version };
	l[2] = (struct label){ "role", s->initiator ? "initiator" : "responder" };
	l[3] = (struct label){ "encr_alg", s->encr_alg };
	l[4] = (struct label){ "encr_keysize", s->encr_keysize ? keysize : NULL };
	l[5] = (struct label){ "integ_alg", s->integ_alg };
	l[6] = (struct label){ "prf_alg", s->prf_alg };
	l[7] = (struct label){ "dh_group", s->dh_group };
	l[8] = (struct label){ "nat_local", render_yes(s->nat_local) };
	l[9] = (struct label){ "nat_remote", render_yes(s->nat_remote) };
	l[10] = (struct label){ "nat_fake", render_yes(s->nat_fake) };
	l[11] = (struct label){ "nat_any", render_yes(s->nat_any) };
	l[12] = (struct label){ "remote_host", render_peer(c, s->remote_host) };
	expo_sample(e, l, NL(l), 1);
}

/* ---- CHILD SAs ---------------------------------------------------------- */

typedef void (*render_child_fn)(const struct render_ctx *c,
				const struct conn_view *v,
				const struct child_view *ch, struct expo *e);

static void render_each_child(const struct render_ctx *c,
			      const struct conn_view *v, struct expo *e,
			      render_child_fn fn)
{
	size_t i;

	for (i = 0; i < v->nchildren; i++)
		fn(c, v, &v->children[i], e);
}

#define RENDER_PER_CHILD(name)                                              \
	static void name##_conn(const struct render_ctx *c,                 \
				const struct conn_view *v, struct expo *e)  \
	{                                                                   \
		render_each_child(c, v, e, name);                           \
	}

static void render_child_info(const struct render_ctx *c,
			      const struct conn_view *v,
			      const struct child_view *ch, struct expo *e)
{
	struct label l[5];

	(void)c;
	if (!ch->cfg)
		return;
	l[0] = (struct label){ "conn", v->name };
	l[1] = (struct label){ "child", ch->name };
	l[2] = (struct label){ "mode", ch->cfg->mode };
	l[3] = (struct label){ "local_ts", ch->cfg->local_ts };
	l[4] = (struct label){ "remote_ts", ch->cfg->remote_ts };
	expo_sample(e, l, NL(l), 1);
}
RENDER_PER_CHILD(render_child_info)

static void render_child_up(const struct render_ctx *c,
			    const struct conn_view *v,
			    const struct child_view *ch, struct expo *e)
{
	struct label l[] = { { "conn", v->name }, { "child", ch->name } };

	(void)c;
	expo_sample(e, l, NL(l), ch->newest != NULL);
}
RENDER_PER_CHILD(render_child_up)

static void render_child_sas(const struct render_ctx *c,
			     const struct conn_view *v,
			     const struct child_view *ch, struct expo *e)
{
	int s;

	(void)c;
	for (s = 0; s < CHILD_STATE_COUNT; s++) {
		struct label l[] = { { "conn", v->name }, { "child", ch->name },
				     { "state", child_state_names[s] } };

		if (s == CHILD_INSTALLED || ch->state_count[s])
			expo_sample(e, l, NL(l), ch->state_count[s]);
	}
}
RENDER_PER_CHILD(render_child_sas)

void render_in_out(const struct conn_view *v, const struct child_view *ch,
		   struct expo *e, uint64_t in, uint64_t out)
{
	struct label li[] = { { "conn", v->name }, { "child", ch->name },
			      { "direction", "in" } };
	struct label lo[] = { { "conn", v->name }, { "child", ch->name },
			      { "direction", "out" } };

	expo_sample_u64(e, li, NL(li), in);
	expo_sample_u64(e, lo, NL(lo), out);
}

static void render_child_bytes(const struct render_ctx *c,
			       const struct conn_view *v,
			       const struct child_view *ch, struct expo *e)
{
	(void)c;
	render_in_out(v, ch, e, ch->totals.bytes_in, ch->totals.bytes_out);
}
RENDER_PER_CHILD(render_child_bytes)

static void render_child_packets(const struct render_ctx *c,
				 const struct conn_view *v,
				 const struct child_view *ch, struct expo *e)
{
	(void)c;
	render_in_out(v, ch, e, ch->totals.packets_in, ch->totals.packets_out);
}
RENDER_PER_CHILD(render_child_packets)

static void render_child_last_packet(const struct render_ctx *c,
				     const struct conn_view *v,
				     const struct child_view *ch, struct expo *e)
{
	struct label li[] = { { "conn", v->name }, { "child", ch->name },
			      { "direction", "in" } };
	struct label lo[] = { { "conn", v->name }, { "child", ch->name },
			      { "direction", "out" } };

	if (ch->use_in != TIME_NONE)
		expo_sample(e, li, NL(li), render_ts(c, ch->use_in));
	if (ch->use_out != TIME_NONE)
		expo_sample(e, lo, NL(lo), render_ts(c, ch->use_out));
}
RENDER_PER_CHILD(render_child_last_packet)

static void render_child_time(const struct render_ctx *c,
			      const struct conn_view *v,
			      const struct child_view *ch, struct expo *e,
			      int64_t ago)
{
	struct label l[] = { { "conn", v->name }, { "child", ch->name } };

	if (ago != TIME_NONE)
		expo_sample(e, l, NL(l), render_ts(c, ago));
}

static void render_child_installed(const struct render_ctx *c,
				   const struct conn_view *v,
				   const struct child_view *ch, struct expo *e)
{
	if (ch->newest)
		render_child_time(c, v, ch, e, ch->newest->installed_for);
}
RENDER_PER_CHILD(render_child_installed)

static void render_child_rekey(const struct render_ctx *c,
			       const struct conn_view *v,
			       const struct child_view *ch, struct expo *e)
{
	if (ch->newest && ch->newest->rekey_in != TIME_NONE)
		render_child_time(c, v, ch, e, -ch->newest->rekey_in);
}
RENDER_PER_CHILD(render_child_rekey)

static void render_child_expire(const struct render_ctx *c,
				const struct conn_view *v,
				const struct child_view *ch, struct expo *e)
{
	if (ch->newest && ch->newest->life_in != TIME_NONE)
		render_child_time(c, v, ch, e, -ch->newest->life_in);
}
RENDER_PER_CHILD(render_child_expire)

static void render_child_sa_info(const struct render_ctx *c,
				 const struct conn_view *v,
				 const struct child_view *ch, struct expo *e)
{
	const struct child_sa *s = ch->newest;
	char keysize[12];
	struct label l[9];

	(void)c;
	if (!s)
		return;
	snprintf(keysize, sizeof(keysize), "%u", s->encr_keysize);
	l[0] = (struct label){ "conn", v->name };
	l[1] = (struct label){ "child", ch->name };
	l[2] = (struct label){ "mode", s->mode };
	l[3] = (struct label){ "protocol", s->protocol };
	l[4] = (struct label){ "encap", render_yes(s->encap) };
	l[5] = (struct label){ "encr_alg", s->encr_alg };
	l[6] = (struct label){ "encr_keysize", s->encr_keysize ? keysize : NULL };
	l[7] = (struct label){ "integ_alg", s->integ_alg };
	l[8] = (struct label){ "dh_group", s->dh_group };
	expo_sample(e, l, NL(l), 1);
}
RENDER_PER_CHILD(render_child_sa_info)

/* ---- events (the VICI event stream and the failure sources) ------------- */

static bool render_have_events(const struct render_ctx *c)
{
	return c->m->have_events;
}

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

/* Overdue: the scheduled rekey is more than the margin in the past, or the SA
 * is older than its configured rekey time plus the margin. */
static bool render_overdue(const struct render_ctx *c, int64_t rekey_in,
			   int64_t age, uint64_t cfg_rekey)
{
	int64_t margin = c->m->rekey_overdue_margin;

	if (rekey_in != TIME_NONE && rekey_in < -margin)
		return true;
	return cfg_rekey && age != TIME_NONE && age > (int64_t)cfg_rekey + margin;
}

static void render_ike_overdue(const struct render_ctx *c,
			       const struct conn_view *v, struct expo *e)
{
	struct label l[] = { { "conn", v->name } };

	if (v->newest)
		expo_sample(e, l, NL(l), render_overdue(c, v->newest->rekey_in,
			    v->newest->established_for,
			    v->cfg ? v->cfg->rekey_time : 0));
}

static void render_child_overdue(const struct render_ctx *c,
				 const struct conn_view *v,
				 const struct child_view *ch, struct expo *e)
{
	struct label l[] = { { "conn", v->name }, { "child", ch->name } };

	if (ch->newest)
		expo_sample(e, l, NL(l), render_overdue(c, ch->newest->rekey_in,
			    ch->newest->installed_for,
			    ch->cfg ? ch->cfg->rekey_time : 0));
}
RENDER_PER_CHILD(render_child_overdue)

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

static void render_rules(const struct render_ctx *c, struct expo *e)
{
	const struct event_view *ev = &c->m->events;
	size_t i, j;

	for (i = 0; i < ev->nrules; i++) {
		const struct rule_count *r = &ev->rules[i];
		struct label l[1 + EVENT_LABELS_MAX];

		l[0] = (struct label){ "rule", r->rule };
		for (j = 0; j < r->nlabels; j++)
			l[1 + j] = (struct label){ r->label_names[j], r->label_values[j] };
		expo_sample_u64(e, l, 1 + r->nlabels, r->count);
	}
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

/* ---- log sources --------------------------------------------------------- */

static bool render_have_logs(const struct render_ctx *c)
{
	return c->m->have_logs;
}

static void render_log_lines(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->logs.lines);
}

static void render_log_long_lines(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->logs.long_lines);
}

static void render_log_rotations(const struct render_ctx *c, struct expo *e)
{
	struct label rot[] = { { "kind", "rotation" } };
	struct label trunc[] = { { "kind", "truncation" } };

	expo_sample_u64(e, rot, 1, c->m->logs.rotations);
	expo_sample_u64(e, trunc, 1, c->m->logs.truncations);
}

static void render_log_files(const struct render_ctx *c, struct expo *e)
{
	struct label cfg[] = { { "state", "configured" } };
	struct label open[] = { { "state", "open" } };

	expo_sample(e, cfg, 1, c->m->logs.files);
	expo_sample(e, open, 1, c->m->logs.files_open);
}

static void render_journal_entries(const struct render_ctx *c, struct expo *e)
{
	if (c->m->logs.journal)
		expo_sample_u64(e, NULL, 0, c->m->logs.journal_entries);
}

static void render_journal_errors(const struct render_ctx *c, struct expo *e)
{
	if (c->m->logs.journal)
		expo_sample_u64(e, NULL, 0, c->m->logs.journal_errors);
}

static void render_error_notify_up(const struct render_ctx *c, struct expo *e)
{
	if (c->m->logs.error_notify)
		expo_sample(e, NULL, 0, c->m->logs.error_notify_connected);
}

/* ---- the catalog (keep docs/metrics.md in step) ------------------------- */

#define G(name, type, help, present, fn) { name, type, help, present, fn, NULL }
#define C(name, type, help, fn) { name, type, help, render_have_sas, NULL, fn }
#define E(name, type, help, fn) { name, type, help, render_have_sas_events, NULL, fn }

static const struct render_family render_families[] = {
	G("ikewatch_build", METRIC_INFO, "ikewatch version and git revision.",
	  render_always, render_build_info),
	G("ikewatch_collector_success", METRIC_GAUGE,
	  "1 if the collector's last run succeeded, 0 if it failed.",
	  render_always, render_collector_success),
	G("ikewatch_collector_duration_seconds", METRIC_GAUGE,
	  "Time the collector's last run took.",
	  render_always, render_collector_duration),
	G("ikewatch_vici_ike_sas_unlisted", METRIC_GAUGE,
	  "IKE SAs charon counts in stats but list-sas did not return (busy, or dropped over 512 KiB); their data is missing from this scrape.",
	  render_have_sas, render_unlisted),
	G("ipsec_daemon", METRIC_INFO, "IKE daemon name, version and system.",
	  render_have_version, render_daemon_info),
	G("ipsec_daemon_start_time_seconds", METRIC_GAUGE,
	  "Unix time the IKE daemon started.",
	  render_have_start, render_daemon_start),
	G("ipsec_daemon_ike_sas", METRIC_GAUGE,
	  "IKE SAs the daemon holds, all states.",
	  render_have_stats, render_daemon_ike_sas),
	G("ipsec_daemon_ike_sas_half_open", METRIC_GAUGE,
	  "Half-open IKE SAs the daemon holds.",
	  render_have_stats, render_daemon_half_open),
	G("ipsec_daemon_worker_threads", METRIC_GAUGE,
	  "Worker threads of the IKE daemon.",
	  render_have_stats, render_workers),
	G("ipsec_daemon_worker_threads_idle", METRIC_GAUGE,
	  "Idle worker threads of the IKE daemon.",
	  render_have_stats, render_workers_idle),
	G("ipsec_daemon_worker_threads_active", METRIC_GAUGE,
	  "Worker threads busy with a job, by job priority.",
	  render_have_stats, render_workers_active),
	G("ipsec_daemon_job_queue_length", METRIC_GAUGE,
	  "Jobs waiting for a worker thread, by priority.",
	  render_have_stats, render_queues),
	G("ipsec_daemon_scheduled_jobs", METRIC_GAUGE,
	  "Jobs scheduled for later (timers).",
	  render_have_stats, render_scheduled),
	G("ipsec_daemon_ike_messages", METRIC_COUNTER,
	  "IKE messages by exchange, direction and type (counters plugin).",
	  render_have_counters, render_ike_messages),
	G("ipsec_daemon_ike_rekeys", METRIC_COUNTER,
	  "IKE SA rekeys by our role (counters plugin).",
	  render_have_counters, render_ike_rekeys),
	G("ipsec_daemon_child_rekeys", METRIC_COUNTER,
	  "CHILD SA rekeys (counters plugin).",
	  render_have_counters, render_child_rekeys),
	G("ipsec_daemon_invalid_messages", METRIC_COUNTER,
	  "IKE messages dropped as invalid or for an unknown SPI (counters plugin).",
	  render_have_counters, render_invalid),
	C("ipsec_conn", METRIC_INFO,
	  "A configured connection: IKE version and addresses.", render_conn_info),
	C("ipsec_conn_expected_up", METRIC_GAUGE,
	  "1 if the connection is expected to be up (expect_up/ignore options).",
	  render_conn_expected),
	C("ipsec_conn_up", METRIC_GAUGE,
	  "1 if the connection has an IKE SA ESTABLISHED or REKEYING, else 0.",
	  render_conn_up),
	C("ipsec_ike_sas", METRIC_GAUGE,
	  "IKE SAs of the connection by state (ESTABLISHED always, others when present).",
	  render_ike_sas),
	C("ipsec_ike_sa_established_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest up IKE SA of the connection was established.",
	  render_ike_established),
	C("ipsec_ike_sa_rekey_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest up IKE SA is scheduled to rekey (absent: none scheduled).",
	  render_ike_rekey),
	C("ipsec_ike_sa_reauth_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest up IKE SA is scheduled to reauthenticate (absent: none scheduled).",
	  render_ike_reauth),
	C("ipsec_ike_sa", METRIC_INFO,
	  "The newest up IKE SA: version, role, algorithms, NAT flags.",
	  render_ike_info),
	C("ipsec_child", METRIC_INFO,
	  "A configured CHILD SA: mode and traffic selectors.",
	  render_child_info_conn),
	C("ipsec_child_up", METRIC_GAUGE,
	  "1 if the child has a CHILD SA INSTALLED (or rekeying/updating), else 0.",
	  render_child_up_conn),
	C("ipsec_child_sas", METRIC_GAUGE,
	  "CHILD SAs of the child by state (INSTALLED always, others when present).",
	  render_child_sas_conn),
	C("ipsec_child_sa_bytes", METRIC_COUNTER,
	  "Bytes through the child's CHILD SAs, monotonic across rekeys.",
	  render_child_bytes_conn),
	C("ipsec_child_sa_packets", METRIC_COUNTER,
	  "Packets through the child's CHILD SAs, monotonic across rekeys.",
	  render_child_packets_conn),
	C("ipsec_child_sa_last_packet_timestamp_seconds", METRIC_GAUGE,
	  "Unix time of the last packet through any CHILD SA of the child (absent: never).",
	  render_child_last_packet_conn),
	C("ipsec_child_sa_installed_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest installed CHILD SA was installed.",
	  render_child_installed_conn),
	C("ipsec_child_sa_rekey_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest installed CHILD SA is scheduled to rekey (absent: none).",
	  render_child_rekey_conn),
	C("ipsec_child_sa_expire_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the newest installed CHILD SA hits its hard lifetime (absent: none).",
	  render_child_expire_conn),
	C("ipsec_child_sa", METRIC_INFO,
	  "The newest installed CHILD SA: mode, protocol, encapsulation, algorithms.",
	  render_child_sa_info_conn),
	C("ipsec_ike_sa_rekey_overdue", METRIC_GAUGE,
	  "1 if the newest up IKE SA should have been rekeyed more than the margin ago.",
	  render_ike_overdue),
	C("ipsec_child_sa_rekey_overdue", METRIC_GAUGE,
	  "1 if the newest up CHILD SA should have been rekeyed more than the margin ago.",
	  render_child_overdue_conn),
	G("ikewatch_event_stream_up", METRIC_GAUGE,
	  "1 while the VICI event stream is connected.",
	  render_have_stream, render_stream_up),
	G("ikewatch_event_stream_gaps", METRIC_COUNTER,
	  "Times the event stream reconnected: events in between were not seen.",
	  render_have_stream, render_stream_gaps),
	G("ikewatch_events_dropped", METRIC_COUNTER,
	  "Events not kept under their own labels (key cap reached) or final counters dropped.",
	  render_have_events, render_events_dropped),
	E("ipsec_ike_sa_events", METRIC_COUNTER,
	  "IKE SAs of the connection that came up, went down or were rekeyed (VICI events).",
	  render_ike_events),
	E("ipsec_ike_sa_last_event_timestamp_seconds", METRIC_GAUGE,
	  "Unix time of the connection's last IKE SA up, down or rekey event.",
	  render_ike_event_times),
	E("ipsec_child_sa_events", METRIC_COUNTER,
	  "CHILD SAs of the child that came up, went down or were rekeyed (VICI events).",
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
	G("ikewatch_log_lines", METRIC_COUNTER,
	  "Log lines read from followed files, the journal and charon's VICI log events.",
	  render_have_logs, render_log_lines),
	G("ikewatch_log_long_lines", METRIC_COUNTER,
	  "Log lines longer than the cap, looked at only in their first 8 KiB.",
	  render_have_logs, render_log_long_lines),
	G("ikewatch_log_file_resets", METRIC_COUNTER,
	  "Followed log files that were rotated or truncated.",
	  render_have_logs, render_log_rotations),
	G("ikewatch_log_files", METRIC_GAUGE,
	  "Followed log files, configured and currently open.",
	  render_have_logs, render_log_files),
	G("ikewatch_log_journal_entries", METRIC_COUNTER,
	  "Journal entries read (only when the journal is followed).",
	  render_have_logs, render_journal_entries),
	G("ikewatch_log_journal_errors", METRIC_COUNTER,
	  "Errors reading or waiting on the journal (only when it is followed).",
	  render_have_logs, render_journal_errors),
	G("ikewatch_error_notify_up", METRIC_GAUGE,
	  "1 while the error-notify socket is connected (only when configured).",
	  render_have_logs, render_error_notify_up),
	G("ipsec_log_rule_matches", METRIC_COUNTER,
	  "Log lines matched by an operator-defined rule.",
	  render_have_events, render_rules),
};

struct render *render_new(struct model *m, enum expo_format f,
			  const struct render_opts *o)
{
	struct render *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	model_ref(m);
	r->m = m;
	r->opts = *o;
	r->expo.format = f;
	return r;
}

/* The catalog's families, then the kernel's, the probes', remediation's. */
#define RENDER_NFAMILIES (NL(render_families) + render_kernel_nfamilies + \
			  render_probe_nfamilies + render_remediate_nfamilies)

static const struct render_family *render_family_at(size_t i)
{
	if (i < NL(render_families))
		return &render_families[i];
	i -= NL(render_families);
	if (i < render_kernel_nfamilies)
		return &render_kernel_families[i];
	i -= render_kernel_nfamilies;
	if (i < render_probe_nfamilies)
		return &render_probe_families[i];
	return &render_remediate_families[i - render_probe_nfamilies];
}

static void render_family_step(struct render *r, const struct render_ctx *c,
			       struct strbuf *sb)
{
	const struct render_family *f = render_family_at(r->family);

	r->expo.out = sb;
	if (!r->header_done) {
		r->header_done = true;
		r->conn = 0;
		if (!f->present(c)) {
			r->family++;
			r->header_done = false;
			return;
		}
		expo_family(&r->expo, f->name, f->type, f->help);
	}
	if (f->global) {
		f->global(c, &r->expo);
	} else {
		while (r->conn < r->m->nviews && sb->len < RENDER_PIECE)
			f->per_conn(c, &r->m->views[r->conn++], &r->expo);
		if (r->conn < r->m->nviews)
			return;
	}
	r->family++;
	r->header_done = false;
}

int render_next(void *render, struct strbuf *sb)
{
	struct render *r = render;
	struct render_ctx c = { r->m, &r->opts };

	if (r->finished)
		return 0;
	if (r->family == 0 && !r->header_done && !r->expo.out) {
		expo_init(&r->expo, r->expo.format, sb);
		r->expo.only_conn = r->opts.conn;
	}
	while (r->family < RENDER_NFAMILIES && sb->len < RENDER_PIECE)
		render_family_step(r, &c, sb);
	if (r->family == RENDER_NFAMILIES) {
		r->expo.out = sb;
		expo_finish(&r->expo);
		r->finished = true;
	}
	if (strbuf_failed(sb))
		return -ENOMEM;
	return r->finished ? 0 : 1;
}

void render_free(void *render)
{
	struct render *r = render;

	if (!r)
		return;
	model_unref(r->m);
	free(r);
}
