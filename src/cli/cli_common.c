#include "cli/cli.h"

#include <stdlib.h>

#include "common/log.h"
#include "model/ledger_state.h"

struct scraper *cli_scraper_new(const struct config *c,
				struct event_store *events, bool event_stream,
				void (*annotate)(void *ctx, struct model *m),
				void *annotate_ctx)
{
	struct collector **cols = calloc(1, sizeof(*cols));
	struct scraper_opts o = {
		.timeout_ms = (int)c->vici_timeout_ms,
		.events = events,
		.event_stream = event_stream,
		.annotate = annotate,
		.annotate_ctx = annotate_ctx,
		.rekey_overdue_margin = (int64_t)(c->rekey_overdue_margin_ms / 1000),
		.policy = {
			.expect_up = (const char *const *)c->expect_up,
			.n_expect_up = c->n_expect_up,
			.ignore = (const char *const *)c->ignore,
			.n_ignore = c->n_ignore,
		},
	};
	struct scraper *s;

	if (!cols)
		return NULL;
	cols[0] = strongswan_collector_new(c->vici_socket);
	if (!cols[0]) {
		free(cols);
		return NULL;
	}
	s = scraper_new(&o, cols, 1);
	if (!s) {
		cols[0]->destroy(cols[0]);
		free(cols);
	}
	return s;
}

void cli_render_opts(const struct config *c, struct render_opts *o)
{
	o->peer_labels = c->peer_labels;
}

static void cli_load_state(struct scraper *s, const char *path)
{
	struct ikw_err err = { "" };
	struct ledger *l = scraper_ledger(s);

	if (!ledger_state_load(l, path, &err))
		return;
	log_warn("ignoring the traffic state (counters restart): %s", err.msg);
	ledger_release(l);
	*l = (struct ledger)LEDGER_INIT;
}

int cli_run_once(const struct config *c,
		 int (*emit)(struct model *m, const struct config *c),
		 const char *ledger_state, const char *logs_state)
{
	struct cli_logs_once *lo = NULL;
	struct ikw_err err = { "" };
	struct scraper *s;
	struct model *m;
	size_t i;
	int status = 0;

	if (logs_state && cli_logs_once_wanted(c) &&
	    !(lo = cli_logs_once_begin(c, logs_state)))
		return 2;
	s = cli_scraper_new(c, cli_logs_once_store(lo), false,
			    lo ? cli_logs_once_annotate : NULL, lo);
	if (!s) {
		cli_logs_once_end(lo, NULL);
		return 2;
	}
	if (ledger_state)
		cli_load_state(s, ledger_state);
	m = scraper_collect(s);
	if (ledger_state && m && m->have_sas &&
	    ledger_state_save(scraper_ledger(s), ledger_state, &err))
		log_error("%s", err.msg);
	cli_logs_once_end(lo, logs_state);
	if (!m || emit(m, c))
		status = 2;
	for (i = 0; m && i < m->ncollectors; i++)
		if (!m->collectors[i].success && !status)
			status = 1;
	model_unref(m);
	scraper_free(s);
	return status;
}
