/* `ikewatch textfile --output DIR`: one scrape written atomically to
 * DIR/ipsec.prom for node_exporter's textfile collector (cron or a systemd
 * timer).  The file is replaced even when a collector failed, so that
 * ikewatch_collector_success says so instead of stale data lingering. */
#include "cli/cli.h"

#include <stdio.h>

#include "common/log.h"
#include "metrics/textfile.h"

static int cmd_textfile_write(struct model *m, const struct config *c)
{
	struct body_source src;
	struct ikw_err err = { "" };
	struct render_opts o;

	cli_render_opts(c, &o);
	src.ctx = render_new(m, EXPO_TEXT, &o);
	src.next = render_next;
	src.free = render_free;
	if (!src.ctx)
		return -1;
	if (textfile_write(c->output_dir, "ipsec.prom", &src, &err)) {
		log_error("textfile: %s", err.msg);
		return -1;
	}
	return 0;
}

/* The state file's path: configured, or DIR/name. */
static const char *cmd_textfile_state(const struct config *c, const char *set,
				      const char *name, char *buf, size_t size)
{
	if (set)
		return set;
	snprintf(buf, size, "%s/%s", c->output_dir, name);
	return buf;
}

int cmd_textfile(const struct config *c)
{
	char ledger[4096], logs[4096];

	if (!c->output_dir) {
		log_error("textfile: --output DIR is required");
		return 2;
	}
	return cli_run_once(c, cmd_textfile_write,
			    cmd_textfile_state(c, c->textfile_state,
					       ".ikewatch-ledger.state", ledger, sizeof(ledger)),
			    cmd_textfile_state(c, c->textfile_logs_state,
					       ".ikewatch-logs.state", logs, sizeof(logs)));
}
