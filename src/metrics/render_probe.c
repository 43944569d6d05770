/* The probes' families: success, loss, RTT, MTU, HTTP answers per
 * conn/child/probe.  See
 * docs/metrics.md "Probes". */
#include <math.h>

#include "metrics/render_family.h"

/* ---- presence --------------------------------------------------------- */

static bool rp_have(const struct render_ctx *c)
{
	return c->m->probes.have;
}

/* Counters and histograms only where they accumulate: the daemon. */
static bool rp_have_cumulative(const struct render_ctx *c)
{
	return c->m->probes.have && c->m->probes.cumulative;
}

/* The http families: once an http probe has run. */
static bool rp_have_http(const struct render_ctx *c)
{
	size_t i;

	for (i = 0; c->m->probes.have && i < c->m->probes.n; i++)
		if (c->m->probes.v[i].type == PROBE_HTTP)
			return true;
	return false;
}

/* The tls families: once an https probe has run. */
static bool rp_have_https(const struct render_ctx *c)
{
	size_t i;

	for (i = 0; c->m->probes.have && i < c->m->probes.n; i++)
		if (c->m->probes.v[i].type == PROBE_HTTP && c->m->probes.v[i].tls)
			return true;
	return false;
}

/* ---- samples ------------------------------------------------------------ */

#define RP_LABELS(v) { { "conn", (v)->conn }, { "child", (v)->child }, \
		       { "probe", (v)->name }, { "target", (v)->target } }

static void rp_success(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		expo_sample(e, l, NL(l), v->success);
	}
}

static void rp_loss(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		if (!isnan(v->loss_ratio))
			expo_sample(e, l, NL(l), v->loss_ratio);
	}
}

static void rp_mtu(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		if (v->type == PROBE_MTU)
			expo_sample(e, l, NL(l), v->mtu);
	}
}

static void rp_http_status(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		if (v->type == PROBE_HTTP)
			expo_sample(e, l, NL(l), v->http.status);
	}
}

static void rp_http_bytes(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		if (v->type == PROBE_HTTP)
			expo_sample_u64(e, l, NL(l), v->http.bytes);
	}
}

/* Only the phases the last run reached. */
static void rp_http_duration(const struct render_ctx *c, struct expo *e)
{
	size_t i;
	int ph;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];

		for (ph = 0; v->type == PROBE_HTTP && ph < PROBE_HTTP_PHASES; ph++) {
			struct label l[] = { { "conn", v->conn }, { "child", v->child },
					     { "probe", v->name }, { "target", v->target },
					     { "phase", probe_http_phase_names[ph] } };

			if (v->http.phase[ph] >= 0)
				expo_sample(e, l, NL(l), v->http.phase[ph]);
		}
	}
}

/* Only after a handshake that finished. */
static void rp_tls_info(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = { { "conn", v->conn }, { "child", v->child },
				     { "probe", v->name }, { "target", v->target },
				     { "tls_version", probe_tls_version_names[v->http.tls_version] } };

		if (v->type == PROBE_HTTP && v->http.tls_version != PROBE_TLS_NONE)
			expo_sample(e, l, NL(l), 1);
	}
}

/* Only when the last run got the server's certificates. */
static void rp_tls_not_after(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		if (v->type == PROBE_HTTP && v->http.tls_not_after > 0)
			expo_sample(e, l, NL(l), v->http.tls_not_after);
	}
}

static void rp_rtt(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);
		struct expo_histogram h = { probe_hist_bounds, v->buckets, PROBE_HIST_NBOUNDS,
					    v->rtt_count, v->rtt_sum };

		expo_histogram(e, l, NL(l), &h);
	}
}

static void rp_last_run(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		expo_sample(e, l, NL(l), v->last_run);
	}
}

static void rp_runs(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		expo_sample_u64(e, l, NL(l), v->runs);
	}
}

static void rp_quiet_runs(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		expo_sample_u64(e, l, NL(l), v->quiet_runs);
	}
}

static void rp_by_traffic(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = RP_LABELS(v);

		expo_sample(e, l, NL(l), v->by_traffic);
	}
}

/* Only reasons that occurred, like ipsec_conn_failures_total. */
static void rp_failures(const struct render_ctx *c, struct expo *e)
{
	size_t i;
	int r;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];

		for (r = PROBE_FAIL_NONE + 1; r < PROBE_FAIL_COUNT; r++) {
			struct label l[] = { { "conn", v->conn }, { "child", v->child },
					     { "probe", v->name }, { "target", v->target },
					     { "reason", probe_fail_names[r] } };

			if (v->failures[r])
				expo_sample_u64(e, l, NL(l), v->failures[r]);
		}
	}
}

static void rp_info(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->probes.n; i++) {
		const struct probe_view *v = &c->m->probes.v[i];
		struct label l[] = { { "conn", v->conn }, { "child", v->child },
				     { "probe", v->name }, { "target", v->target },
				     { "type", probe_type_names[v->type] },
				     { "source", v->source } };

		expo_sample(e, l, NL(l), 1);
	}
}

/* ---- the families --------------------------------------------------------- */

#define G(name, type, help, present, fn) { name, type, help, present, fn, NULL }

const struct render_family render_probe_families[] = {
	G("ipsec_probe", METRIC_INFO,
	  "A data-plane probe: its type and source address.", rp_have, rp_info),
	G("ipsec_probe_success", METRIC_GAUGE,
	  "1 if the probe's last run got through the tunnel (tcp: connected; mtu: the smallest size passed), else 0.",
	  rp_have, rp_success),
	G("ipsec_probe_loss_ratio", METRIC_GAUGE,
	  "Share of the last run's echo requests or connects that got no answer (icmp, tcp).",
	  rp_have, rp_loss),
	G("ipsec_probe_mtu_bytes", METRIC_GAUGE,
	  "Largest IP packet with Don't Fragment that passed in the last run (mtu probes; 0: none).",
	  rp_have, rp_mtu),
	G("ipsec_probe_http_status_code", METRIC_GAUGE,
	  "Status code of the http probe's last answer (0: no status line came).",
	  rp_have_http, rp_http_status),
	G("ipsec_probe_http_response_bytes", METRIC_GAUGE,
	  "Bytes of the http probe's last answer received, head and body (the body read up to 1 MiB).",
	  rp_have_http, rp_http_bytes),
	G("ipsec_probe_http_duration_seconds", METRIC_GAUGE,
	  "Duration of each phase of the http probe's last run that it reached: connect, tls (https: the handshake), first_byte (until the answer's first byte), transfer (until its last byte or the timeout); they add up to the run.",
	  rp_have_http, rp_http_duration),
	G("ipsec_probe_tls", METRIC_INFO,
	  "The TLS version the https probe's last handshake agreed on (only after one that finished).",
	  rp_have_https, rp_tls_info),
	G("ipsec_probe_tls_cert_not_after_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the earliest certificate the server sent in the https probe's last run expires (its notAfter).",
	  rp_have_https, rp_tls_not_after),
	G("ipsec_probe_rtt_seconds", METRIC_HISTOGRAM,
	  "Round-trip time of each answered echo request or connect.",
	  rp_have_cumulative, rp_rtt),
	G("ipsec_probe_success_by_traffic", METRIC_GAUGE,
	  "1 if ipsec_probe_success is the tunnel's own traffic (a quiet run), 0 if a probe's.",
	  rp_have, rp_by_traffic),
	G("ipsec_probe_last_run_timestamp_seconds", METRIC_GAUGE,
	  "Unix time the probe's last run ended (or its last quiet run was due).", rp_have, rp_last_run),
	G("ipsec_probe_runs", METRIC_COUNTER,
	  "Runs of the probe since ikewatch started (quiet runs not included).", rp_have_cumulative, rp_runs),
	G("ipsec_probe_quiet_runs", METRIC_COUNTER,
	  "Runs not made because the child's packets rose both ways since the previous run (quiet_when_traffic).",
	  rp_have_cumulative, rp_quiet_runs),
	G("ipsec_probe_failures", METRIC_COUNTER,
	  "Failed runs of the probe by reason.", rp_have_cumulative, rp_failures),
};

const size_t render_probe_nfamilies = NL(render_probe_families);
