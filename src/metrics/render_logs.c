/* The log sources' health and the operator's log rules. */
#include "metrics/render_family.h"

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

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

#define G(name, type, help, present, fn) { name, type, help, present, fn, NULL }

const struct render_family render_logs_families[] = {
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

const size_t render_logs_nfamilies = NL(render_logs_families);
