/* The event log's health (events.log_file, events.journal). */
#include "metrics/render_family.h"

static bool render_have_eventlog(const struct render_ctx *c)
{
	return c->m->eventlog.have;
}

/* One sample per configured output. */
static void render_per_output(const struct render_ctx *c, struct expo *e,
			      const uint64_t *v)
{
	size_t i;

	for (i = 0; i < EVLOG_OUT_COUNT; i++) {
		struct label l[] = { { "output", eventlog_output_names[i] } };

		if (c->m->eventlog.output[i])
			expo_sample_u64(e, l, NL(l), v[i]);
	}
}

static void render_eventlog_lines(const struct render_ctx *c, struct expo *e)
{
	render_per_output(c, e, c->m->eventlog.lines);
}

static void render_eventlog_errors(const struct render_ctx *c, struct expo *e)
{
	render_per_output(c, e, c->m->eventlog.errors);
}

static void render_eventlog_dropped(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < EVLOG_DROP_COUNT; i++) {
		struct label l[] = { { "reason", eventlog_drop_names[i] } };

		expo_sample_u64(e, l, NL(l), c->m->eventlog.dropped[i]);
	}
}

static void render_eventlog_queued(const struct render_ctx *c, struct expo *e)
{
	expo_sample(e, NULL, 0, (double)c->m->eventlog.queued);
}

static void render_eventlog_reopens(const struct render_ctx *c, struct expo *e)
{
	if (c->m->eventlog.output[EVLOG_OUT_FILE])
		expo_sample_u64(e, NULL, 0, c->m->eventlog.reopens);
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

#define G(name, type, help, fn) { name, type, help, render_have_eventlog, fn, NULL }

const struct render_family render_eventlog_families[] = {
	G("ikewatch_event_log_lines", METRIC_COUNTER,
	  "Event log lines written, by output (file, journal).",
	  render_eventlog_lines),
	G("ikewatch_event_log_dropped", METRIC_COUNTER,
	  "Event log lines lost: queue full, out of memory, or an output's write failed.",
	  render_eventlog_dropped),
	G("ikewatch_event_log_errors", METRIC_COUNTER,
	  "Event log writes, opens and reopens that failed, by output.",
	  render_eventlog_errors),
	G("ikewatch_event_log_queued_lines", METRIC_GAUGE,
	  "Event log lines waiting for the writer (paced to events.log_rate a second).",
	  render_eventlog_queued),
	G("ikewatch_event_log_reopens", METRIC_COUNTER,
	  "Times the event log file was reopened (SIGHUP, after logrotate).",
	  render_eventlog_reopens),
};

const size_t render_eventlog_nfamilies = NL(render_eventlog_families);
