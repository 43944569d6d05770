/* `ikewatch metrics`: one scrape printed to stdout, for a quick look or a
 * cron job.  Exits 1 when a collector failed (the output is still printed). */
#include "cli/cli.h"

#include <stdio.h>

#include "common/log.h"

static int cmd_metrics_print(struct model *m, const struct config *c)
{
	struct render_opts o;
	struct strbuf sb = STRBUF_INIT;
	struct render *r;
	int more;

	cli_render_opts(c, &o);
	r = render_new(m, EXPO_TEXT, &o);
	if (!r)
		return -1;
	do {
		more = render_next(r, &sb);
		if (more < 0)
			break;
		fwrite(sb.buf ? sb.buf : "", 1, sb.len, stdout);
		strbuf_reset(&sb);
	} while (more > 0);
	strbuf_release(&sb);
	render_free(r);
	if (fflush(stdout) || ferror(stdout) || more < 0) {
		log_error("cannot write the metrics to stdout");
		return -1;
	}
	return 0;
}

int cmd_metrics(const struct config *c)
{
	return cli_run_once(c, cmd_metrics_print, NULL, NULL);
}
