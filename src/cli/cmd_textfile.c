/* `ikewatch textfile --output DIR`: one scrape written atomically to
 * DIR/ipsec.prom for node_exporter's textfile collector (cron or a systemd
 * timer).  The file is replaced even when a collector failed, so that
 * ikewatch_collector_success says so instead of stale data lingering. */
#include "cli/cli.h"

#include <stdio.h>

#include "common/log.h"
#include "metrics/textfile.h"

int cmd_textfile(const struct config *c)
{
	struct http_body_source src;
	struct ikw_err err = { "" };
	struct render_opts o;
	struct scraper *s;
	struct model *m;
	size_t i;
	int status = 0;

	if (!c->output_dir) {
		log_error("textfile: --output DIR is required");
		return 2;
	}
	s = cli_scraper_new(c);
	if (!s)
		return 2;
	m = scraper_collect(s);
	cli_render_opts(c, &o);
	src.ctx = m ? render_new(m, EXPO_TEXT, &o) : NULL;
	src.next = render_next;
	src.free = render_free;
	if (!src.ctx) {
		status = 2;
	} else if (textfile_write(c->output_dir, "ipsec.prom", &src, &err)) {
		log_error("textfile: %s", err.msg);
		status = 2;
	}
	for (i = 0; m && i < m->ncollectors; i++)
		if (!m->collectors[i].success && !status)
			status = 1;
	model_unref(m);
	scraper_free(s);
	return status;
}
