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
int cmd_status(const struct config *c);
int cmd_blackbox(const struct config *c);

/* Shared by the subcommands: the scraper with every enabled collector. */
struct scraper *cli_scraper_new(const struct config *c,
				struct event_store *events, bool event_stream,
				void (*annotate)(void *ctx, struct model *m),
				void *annotate_ctx);
void cli_render_opts(const struct config *c, struct render_opts *o);
/* One collection handed to emit (0, -1, or a positive exit status of its
 * own).  With ledger_state, the traffic
 * ledger is loaded from it before and saved to it after, so counters stay
 * monotonic across runs; with logs_state the same holds for the failure
 * and rule counters of the log files and journal (cli_logs_once_*).  Exit
 * status: 0, 1 when a collector failed (the output is still written), 2
 * when emit failed. */
int cli_run_once(const struct config *c,
		 int (*emit)(struct model *m, const struct config *c),
		 const char *ledger_state, const char *logs_state);

/* Log sources in one-shot runs, kept in the state file at path. */
struct cli_logs_once;
bool cli_logs_once_wanted(const struct config *c);
/* Loads the state and reads the logs since the last run; NULL on ENOMEM. */
struct cli_logs_once *cli_logs_once_begin(const struct config *c, const char *path);
struct event_store *cli_logs_once_store(struct cli_logs_once *lo);
/* Records the "logs" collector's result in the snapshot (annotate hook). */
void cli_logs_once_annotate(void *ctx, struct model *m);
/* Saves the state (when path) and frees; accepts NULL. */
void cli_logs_once_end(struct cli_logs_once *lo, const char *path);

#endif
