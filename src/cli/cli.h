/* Subcommands.  Each takes the parsed configuration and returns the process
 * exit status. */
#ifndef IKW_CLI_H
#define IKW_CLI_H

#include "collect/scrape.h"
#include "config/config.h"
#include "metrics/render.h"

int cmd_serve(const struct config *c);
int cmd_metrics(const struct config *c);
int cmd_textfile(const struct config *c);

/* Shared by the subcommands: the scraper with every enabled collector. */
struct scraper *cli_scraper_new(const struct config *c,
				struct event_store *events,
				void (*annotate)(void *ctx, struct model *m),
				void *annotate_ctx);
void cli_render_opts(const struct config *c, struct render_opts *o);
/* One collection handed to emit (0 or -1).  With state_path, the traffic
 * ledger is loaded from it before and saved to it after, so counters stay
 * monotonic across runs.  Exit status: 0, 1 when a collector failed (the
 * output is still written), 2 when emit failed. */
int cli_run_once(const struct config *c,
		 int (*emit)(struct model *m, const struct config *c),
		 const char *state_path);

#endif
