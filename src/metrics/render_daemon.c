/* The exporter's own families (build, collectors) and the IKE daemon's
 * (version, stats, the counters plugin).  See docs/metrics.md. */
#include <string.h>

#include "metrics/render_family.h"

/* ---- presence --------------------------------------------------------- */

static bool render_have_version(const struct render_ctx *c)
{
	return c->m->daemon.have_version;
}

static bool render_have_stats(const struct render_ctx *c)
{
	return c->m->daemon.have_stats;
}

/* pluto gives IKE SA counts but has no worker pool nor job queues */
static bool render_have_workers(const struct render_ctx *c)
{
	return c->m->daemon.have_stats && !c->m->daemon.stats_ike_only;
}

static bool render_have_start(const struct render_ctx *c)
{
	return c->m->daemon.have_stats && c->m->daemon.start_time > 0;
}

static bool render_have_child_sas(const struct render_ctx *c)
{
	return c->m->daemon.have_child_sas;
}

static bool render_have_negotiations(const struct render_ctx *c)
{
	return c->m->daemon.have_negotiations;
}

static bool render_have_dpd(const struct render_ctx *c)
{
	return c->m->daemon.have_dpd;
}

static bool render_have_counters(const struct render_ctx *c)
{
	return c->m->daemon.have_counters;
}

/* ---- exporter ---------------------------------------------------------- */

static bool render_have_http(const struct render_ctx *c)
{
	return c->m->have_http;
}

static void render_http_refusals(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->nhttp_refusals; i++) {
		struct label l[] = { { "reason", c->m->http_refusals[i].reason } };

		expo_sample_u64(e, l, NL(l), c->m->http_refusals[i].count);
	}
}

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

static void render_daemon_child_sas(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->daemon.child_sas_total);
}

static void render_negotiations(const struct render_ctx *c, struct expo *e)
{
	struct label ok[] = { { "result", "established" } };
	struct label bad[] = { { "result", "failed" } };

	expo_sample_u64(e, ok, 1, c->m->daemon.ike_established_total);
	expo_sample_u64(e, bad, 1, c->m->daemon.ike_failed_total);
}

/* pluto counts DPD (IKEv1 R_U_THERE) requests sent, requests received and
 * the acks it replied with */
static void render_dpd(const struct render_ctx *c, struct expo *e)
{
	const struct daemon_info *d = &c->m->daemon;
	struct label sent[] = { { "direction", "out" }, { "type", "request" } };
	struct label recv[] = { { "direction", "in" }, { "type", "request" } };
	struct label repl[] = { { "direction", "out" }, { "type", "response" } };

	expo_sample_u64(e, sent, NL(sent), d->dpd_sent);
	expo_sample_u64(e, recv, NL(recv), d->dpd_received);
	expo_sample_u64(e, repl, NL(repl), d->dpd_replied);
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

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

#define G(name, type, help, present, fn) { name, type, help, present, fn, NULL }

const struct render_family render_daemon_families[] = {
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
	G("ikewatch_http_refusals", METRIC_COUNTER,
	  "Requests the HTTP server refused or cut, by reason (failed logins, backoff, deadlines, large bodies, scrape slots).",
	  render_have_http, render_http_refusals),
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
	G("ipsec_daemon_child_sas", METRIC_GAUGE,
	  "CHILD SAs (IPsec SAs) the daemon holds, all states (pluto).",
	  render_have_child_sas, render_daemon_child_sas),
	G("ipsec_daemon_ike_sa_negotiations", METRIC_COUNTER,
	  "IKEv2 SA negotiations that established or failed (pluto).",
	  render_have_negotiations, render_negotiations),
	G("ipsec_daemon_dpd_messages", METRIC_COUNTER,
	  "Dead peer detection messages by direction and type (pluto).",
	  render_have_dpd, render_dpd),
	G("ipsec_daemon_worker_threads", METRIC_GAUGE,
	  "Worker threads of the IKE daemon.",
	  render_have_workers, render_workers),
	G("ipsec_daemon_worker_threads_idle", METRIC_GAUGE,
	  "Idle worker threads of the IKE daemon.",
	  render_have_workers, render_workers_idle),
	G("ipsec_daemon_worker_threads_active", METRIC_GAUGE,
	  "Worker threads busy with a job, by job priority.",
	  render_have_workers, render_workers_active),
	G("ipsec_daemon_job_queue_length", METRIC_GAUGE,
	  "Jobs waiting for a worker thread, by priority.",
	  render_have_workers, render_queues),
	G("ipsec_daemon_scheduled_jobs", METRIC_GAUGE,
	  "Jobs scheduled for later (timers).",
	  render_have_workers, render_scheduled),
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
};

const size_t render_daemon_nfamilies = NL(render_daemon_families);
