#include "cli/cli.h"

#include <stdlib.h>

#include "common/log.h"

struct scraper *cli_scraper_new(const struct config *c)
{
	struct collector **cols = calloc(1, sizeof(*cols));
	struct scraper_opts o = {
		.timeout_ms = (int)c->vici_timeout_ms,
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
