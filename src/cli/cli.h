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

/* libreswan is configured (--collector.libreswan.ctlsocket): pluto instead
 * of charon. */
bool cli_libreswan(const struct config *c);
/* Shared by the subcommands: the scraper with every enabled collector.
 * Sets the fields of o that the config decides; the caller sets the rest
 * (events, event_stream, ledger_state) and adds its contributors. */
struct scraper *cli_scraper_new(const struct config *c, struct scraper_opts *o);
void cli_render_opts(const struct config *c, struct render_opts *o);
/* One collection handed to emit (0, -1, or a positive exit status of its
 * own).  With ledger_state, the traffic
 * ledger is loaded from it before and saved to it after, so counters stay
 * monotonic across runs; with logs_state the same holds for the failure
 * and rule counters of the log files and journal (logs/logs_once.h).  Exit
 * status: 0, 1 when a collector failed (the output is still written), 2
 * when emit failed. */
int cli_run_once(const struct config *c,
		 int (*emit)(struct model *m, const struct config *c),
		 const char *ledger_state, const char *logs_state);

#endif
