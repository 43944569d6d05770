#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/log.h"
#include "logs/logs_once.h"
#include "probe/probes.h"

#define CLI_COLLECTORS_MAX 4

static void cli_free_collectors(struct collector **cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cols[i]->destroy(cols[i]);
}

bool cli_libreswan(const struct config *c)
{
	return c->libreswan_ctlsocket && c->libreswan_ctlsocket[0];
}

/* The IKE daemon first (charon, or pluto when its control socket is
 * configured): the kernel's SAs are joined to its listing.  Returns how
 * many collectors cols holds, 0 on ENOMEM. */
static size_t cli_collectors(const struct config *c, struct collector **cols)
{
	size_t n = 0;

	if (cli_libreswan(c))
		cols[n++] = libreswan_collector_new(c->libreswan_whack,
						    c->libreswan_ctlsocket);
	else
		cols[n++] = strongswan_collector_new(c->vici_socket,
				config_collectors_off(c->collector_groups));
	if (!cols[n - 1])
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

/* Fills what the config decides in o (the caller set the rest: events,
 * ledger state) and builds the scraper. */
struct scraper *cli_scraper_new(const struct config *c, struct scraper_opts *o)
{
	struct collector **cols = calloc(CLI_COLLECTORS_MAX, sizeof(*cols));
	struct scraper *s;
	size_t n;

	o->timeout_ms = (int)c->vici_timeout_ms;
	o->rekey_overdue_margin = (int64_t)(c->rekey_overdue_margin_ms / 1000);
	/* whole seconds, rounded up: a window of 500ms is one of 1s, not none */
	o->kernel_errors_window = (int64_t)((c->status_degraded_window_ms + 999) / 1000);
	o->redact = &c->redact;
	o->policy = (struct expect_policy){
		.expect_up = (const char *const *)c->expect_up,
		.n_expect_up = c->n_expect_up,
		.ignore = (const char *const *)c->ignore,
		.n_ignore = c->n_ignore,
	};
	if (!cols)
		return NULL;
	n = cli_collectors(c, cols);
	s = n ? scraper_new(o, cols, n) : NULL;
	if (!s) {
		cli_free_collectors(cols, n);
		free(cols);
	}
	return s;
}

void cli_render_opts(const struct config *c, struct render_opts *o)
{
	*o = (struct render_opts){ .peer_labels = c->peer_labels,
				   .identities = c->identity_labels,
				   .groups_off = config_collectors_off(c->collector_groups) };
}

/* The same assembly as the daemon's: the collectors, then the one-shot
 * contributors (the log catch-up, the probes run once). */
static struct scraper *cli_once_scraper(const struct config *c, struct logs_once *lo,
					const char *ledger_state)
{
	struct scraper_opts o = {
		.events = logs_once_store(lo),
		.ledger_state = ledger_state,
	};
	struct scraper *s = cli_scraper_new(c, &o);

	if (!s)
		return NULL;
	if (lo)
		scraper_add_contributor(s, (struct contributor){ logs_once_contribute, lo });
	if (c->probes.n)
		scraper_add_contributor(s, (struct contributor){
			probes_once_contribute, (void *)&c->probes });
	return s;
}

/* 0, 1 when a collector failed (the output is still written), 2 when emit
 * failed or the snapshot could not be made, or emit's own verdict. */
static int cli_once_status(const struct model *m, int emitted)
{
	size_t i;

	if (emitted < 0)
		return 2;
	if (emitted > 0)
		return emitted;
	for (i = 0; i < m->ncollectors; i++)
		if (!m->collectors[i].success)
			return 1;
	return 0;
}

int cli_run_once(const struct config *c,
		 int (*emit)(struct model *m, const struct config *c),
		 const char *ledger_state, const char *logs_state)
{
	struct logs_once *lo = NULL;
	struct scraper *s;
	struct model *m;
	int status;

	if (logs_state && logs_once_wanted(&c->logs) &&
	    !(lo = logs_once_begin(&c->logs, logs_state)))
		return 2;
	s = cli_once_scraper(c, lo, ledger_state);
	if (!s) {
		logs_once_end(lo, NULL);
		return 2;
	}
	m = scraper_collect(s);
	logs_once_end(lo, logs_state);
	status = m ? cli_once_status(m, emit(m, c)) : 2;
	model_unref(m);
	scraper_free(s);
	return status;
}
