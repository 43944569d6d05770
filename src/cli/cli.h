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
struct scraper *cli_scraper_new(const struct config *c);
void cli_render_opts(const struct config *c, struct render_opts *o);

#endif
