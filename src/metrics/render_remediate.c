/* Remediation's families (docs/remediation.md): decisions, actions per
 * conn, restarts.  Present only when remediation is enabled.  See
 * docs/metrics.md "Remediation". */
#include "metrics/render_family.h"

static bool rrem_have(const struct render_ctx *c)
{
	return c->m->remediation.have;
}

static void rrem_decisions(const struct render_ctx *c, struct expo *e)
{
	const struct remediate_snapshot *s = &c->m->remediation;
	unsigned d, r;

	for (d = 0; d < RO_COUNT; d++)
		for (r = 0; r < RR_COUNT; r++) {
			struct label l[] = { { "decision", rem_outcome_names[d] },
					     { "reason", rem_reason_names[r] } };

			if (s->decisions[d][r])
				expo_sample_u64(e, l, NL(l), s->decisions[d][r]);
		}
}

static void rrem_actions(const struct render_ctx *c, struct expo *e)
{
	const struct remediate_snapshot *s = &c->m->remediation;
	size_t i;
	unsigned a, r;

	for (i = 0; i < s->nconns; i++)
		for (a = 0; a < RA_COUNT; a++)
			for (r = 0; r < RS_COUNT; r++) {
				struct label l[] = { { "conn", s->conns[i].conn },
						     { "action", rem_action_names[a] },
						     { "result", rem_result_names[r] } };

				if (s->conns[i].actions[a][r])
					expo_sample_u64(e, l, NL(l), s->conns[i].actions[a][r]);
			}
}

static void rrem_steps(const struct render_ctx *c, struct expo *e)
{
	const struct remediate_snapshot *s = &c->m->remediation;
	size_t i;
	unsigned a, r;

	for (i = 0; i < s->nconns; i++)
		for (a = 0; a < RA_COUNT; a++)
			for (r = 0; r < RSR_COUNT; r++) {
				struct label l[] = { { "conn", s->conns[i].conn },
						     { "step", rem_action_names[a] },
						     { "result", rem_step_result_names[r] } };

				if (s->conns[i].steps[a][r])
					expo_sample_u64(e, l, NL(l), s->conns[i].steps[a][r]);
			}
}

static void rrem_last_action(const struct render_ctx *c, struct expo *e)
{
	const struct remediate_snapshot *s = &c->m->remediation;
	size_t i;

	for (i = 0; i < s->nconns; i++) {
		struct label l[] = { { "conn", s->conns[i].conn } };

		if (s->conns[i].last_action > 0)
			expo_sample(e, l, NL(l), s->conns[i].last_action);
	}
}

static void rrem_restarts(const struct render_ctx *c, struct expo *e)
{
	const struct remediate_snapshot *s = &c->m->remediation;
	struct label ok[] = { { "result", "ok" } }, failed[] = { { "result", "failed" } };

	expo_sample_u64(e, ok, 1, s->restarts[RS_OK]);
	expo_sample_u64(e, failed, 1, s->restarts[RS_FAILED]);
}

static void rrem_backoff(const struct render_ctx *c, struct expo *e)
{
	expo_sample(e, NULL, 0, c->m->remediation.restart_backoff_seconds);
}

static void rrem_queue(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->remediation.queue_length);
}

static void rrem_dry_run(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->m->remediation.dry_run);
}

#define G(name, type, help, present, fn) { name, type, help, present, fn, NULL }

const struct render_family render_remediate_families[] = {
	G("ipsec_remediation_decisions", METRIC_COUNTER,
	  "Remediation decisions on alerts by outcome and reason (acted, skipped, refused, escalated, dry_run, ignored).",
	  rrem_have, rrem_decisions),
	G("ipsec_remediation_actions", METRIC_COUNTER,
	  "Remediation actions taken per connection: diagnostics, initiate, rekey_child, rekey_ike, restart; by result (ok: done and the fault gone).",
	  rrem_have, rrem_actions),
	G("ipsec_remediation_steps", METRIC_COUNTER,
	  "Steps of the remediation ladders per connection (initiate, rekey_child, rekey_ike, restart) by how they ended: fixed, not_fixed, failed (the command), skipped (the restart policy).",
	  rrem_have, rrem_steps),
	G("ipsec_remediation_last_action_timestamp_seconds", METRIC_GAUGE,
	  "Unix time of the last initiate or restart for the connection.", rrem_have, rrem_last_action),
	G("ikewatch_remediation_restarts", METRIC_COUNTER,
	  "Runs of the configured IKE daemon restart command, by result (failed: the command or the re-check).",
	  rrem_have, rrem_restarts),
	G("ikewatch_remediation_restart_backoff_seconds", METRIC_GAUGE,
	  "The current minimum wait between restarts (grows after each failed restart; policy time).",
	  rrem_have, rrem_backoff),
	G("ikewatch_remediation_queue_length", METRIC_GAUGE,
	  "Alerts waiting for the remediation engine.", rrem_have, rrem_queue),
	G("ikewatch_remediation_dry_run", METRIC_GAUGE,
	  "1 if remediation only logs what it would do.", rrem_have, rrem_dry_run),
};

const size_t render_remediate_nfamilies = NL(render_remediate_families);
