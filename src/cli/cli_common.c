#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/log.h"
#include "model/ledger_state.h"
#include "probe/probes.h"

#define CLI_COLLECTORS_MAX 4

static void cli_free_collectors(struct collector **cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cols[i]->destroy(cols[i]);
}

/* charon first: the kernel's SAs are joined to its listing.  Returns how
 * many collectors cols holds, 0 on ENOMEM. */
static size_t cli_collectors(const struct config *c, struct collector **cols)
{
	size_t n = 0;

	if (!(cols[n++] = strongswan_collector_new(c->vici_socket)))
		goto nomem;
	if (c->xfrm_enabled && !(cols[n++] = xfrm_collector_new(c->xfrm_netns)))
		goto nomem;
	if (c->xfrm_stat_path && c->xfrm_stat_path[0] &&
	    !(cols[n++] = xfrm_stat_collector_new(c->xfrm_stat_path)))
		goto nomem;
	if (c->klips_path && c->klips_path[0] &&
	    !(cols[n++] = klips_collector_new(c->klips_path)))
		goto nomem;
	return n;
nomem:
	cli_free_collectors(cols, n - 1);
	return 0;
}

struct scraper *cli_scraper_new(const struct config *c,
				struct event_store *events, bool event_stream,
				void (*annotate)(void *ctx, struct model *m),
				void *annotate_ctx)
{
	struct collector **cols = calloc(CLI_COLLECTORS_MAX, sizeof(*cols));
	struct scraper_opts o = {
		.timeout_ms = (int)c->vici_timeout_ms,
		.events = events,
		.event_stream = event_stream,
		.annotate = annotate,
		.annotate_ctx = annotate_ctx,
		.rekey_overdue_margin = (int64_t)(c->rekey_overdue_margin_ms / 1000),
		.redact = &c->redact,
		.policy = {
			.expect_up = (const char *const *)c->expect_up,
			.n_expect_up = c->n_expect_up,
			.ignore = (const char *const *)c->ignore,
			.n_ignore = c->n_ignore,
		},
	};
	struct scraper *s;
	size_t n;

	if (!cols)
		return NULL;
	n = cli_collectors(c, cols);
	s = n ? scraper_new(&o, cols, n) : NULL;
	if (!s) {
		cli_free_collectors(cols, n);
		free(cols);
	}
	return s;
}

void cli_render_opts(const struct config *c, struct render_opts *o)
{
	o->peer_labels = c->peer_labels;
}

static void cli_load_ledger(struct ledger *l, const char *path)
{
	struct ikw_err err = { "" };

	if (!ledger_state_load(l, path, &err))
		return;
	log_warn("ignoring the traffic state (counters restart): %s", err.msg);
	ledger_release(l);
	*l = (struct ledger)LEDGER_INIT;
}

/* The kernel's ledgers live beside charon's: PATH.kernel-traffic and
 * PATH.kernel-errors. */
static void cli_kernel_path(char *buf, size_t size, const char *path, const char *what)
{
	snprintf(buf, size, "%s.kernel-%s", path, what);
}

static void cli_load_state(struct scraper *s, const char *path)
{
	struct kernel_ledgers kl = scraper_kernel_ledgers(s);
	char kp[4200];

	cli_load_ledger(scraper_ledger(s), path);
	cli_kernel_path(kp, sizeof(kp), path, "traffic");
	cli_load_ledger(kl.traffic, kp);
	cli_kernel_path(kp, sizeof(kp), path, "errors");
	cli_load_ledger(kl.errors, kp);
}

static void cli_save_state(struct scraper *s, const struct model *m, const char *path)
{
	struct kernel_ledgers kl = scraper_kernel_ledgers(s);
	struct ikw_err err = { "" };
	char kp[4200];

	if (!m->have_sas)
		return;
	if (ledger_state_save(scraper_ledger(s), path, &err))
		log_error("%s", err.msg);
	if (!m->kernel.have_xfrm)
		return;
	cli_kernel_path(kp, sizeof(kp), path, "traffic");
	if (ledger_state_save(kl.traffic, kp, &err))
		log_error("%s", err.msg);
	cli_kernel_path(kp, sizeof(kp), path, "errors");
	if (ledger_state_save(kl.errors, kp, &err))
		log_error("%s", err.msg);
}

int cli_run_once(const struct config *c,
		 int (*emit)(struct model *m, const struct config *c),
		 const char *ledger_state, const char *logs_state)
{
	struct cli_logs_once *lo = NULL;
	struct scraper *s;
	struct model *m;
	size_t i;
	int status = 0, emitted;

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
	/* probes run after the collection: it gives their traffic selectors */
	if (m && c->probes.n && probes_run_once(&c->probes, m))
		log_error("out of memory running the probes");
	if (ledger_state && m)
		cli_save_state(s, m, ledger_state);
	cli_logs_once_end(lo, logs_state);
	emitted = m ? emit(m, c) : -1;
	if (emitted < 0)
		status = 2;
	else if (emitted > 0)
		status = emitted;   /* the command's own verdict (status) */
	for (i = 0; m && i < m->ncollectors; i++)
		if (!m->collectors[i].success && !status)
			status = 1;
	model_unref(m);
	scraper_free(s);
	return status;
}
