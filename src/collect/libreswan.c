/* libreswan collector: the I/O half.  Runs the installed `whack` against
 * pluto's control socket (pluto's socket protocol is build-specific: whack
 * is the interface), each call within what is left of the collection's
 * deadline (killed by pid when late), and hands the outputs to
 * parse/libreswan_parse.c.  Three calls per scrape:
 *
 *   --status         connections (4.x has no --connectionstatus) and states
 *   --trafficstatus  bytes per established CHILD SA (exact, unlike the
 *                    rounded "ESPin=29KB" of the state lines)
 *   --globalstatus   daemon counters
 *
 * The model it fills is the one charon's collector fills (see
 * libreswan_model.c), so the same families and views come out. */
#include "collect/collector.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collect/libreswan_model.h"
#include "common/cmd_run.h"
#include "common/strbuf.h"
#include "parse/libreswan_parse.h"

#define LSW_OUTPUT_MAX (64u << 20)   /* one whack output; 100k conns fit */

struct lsw_collector {
	struct collector base;
	char *whack, *ctlsocket;
};

/* Runs whack --ctlsocket S ARG into out; an error when whack cannot run,
 * is late, or fails (pluto absent: "Pluto is not running"). */
static int lsw_whack(const struct lsw_collector *l, const char *arg,
		     struct strbuf *out, const struct deadline *dl,
		     struct ikw_err *err)
{
	char *argv[] = { l->whack, (char *)"--ctlsocket", l->ctlsocket,
			 (char *)arg, NULL };
	struct cmd_run_result res;
	int left = deadline_remaining_ms(dl), r;

	strbuf_reset(out);
	if (left <= 0)
		return err_set(err, -ETIMEDOUT, "whack %s: no time left", arg);
	r = cmd_run(argv, (uint64_t)left, out, LSW_OUTPUT_MAX, &res, err);
	if (r)
		return r;
	if (res.timed_out)
		return err_set(err, -ETIMEDOUT, "whack %s: no answer within %d ms "
			       "(pluto stalled?); killed", arg, left);
	if (strbuf_failed(out) || res.truncated)
		return err_set(err, -E2BIG, "whack %s: output over %u bytes",
			       arg, LSW_OUTPUT_MAX);
	if (res.exit_code != 0) {
		const char *s = strbuf_str(out);
		size_t n = strcspn(s, "\n");

		return err_set(err, -EIO, "whack %s exited %d%s%.*s", arg,
			       res.exit_code, n ? ": " : "", (int)(n > 160 ? 160 : n), s);
	}
	return 0;
}

static int lsw_collect(struct collector *c, struct model *m,
		       const struct deadline *dl, struct ikw_err *err)
{
	struct lsw_collector *l = (struct lsw_collector *)c;
	struct strbuf status = STRBUF_INIT, traffic = STRBUF_INIT,
		      global = STRBUF_INIT;
	struct lsw_model b;
	int r;

	lsw_model_init(&b, m);
	r = lsw_whack(l, "--status", &status, dl, err);
	if (!r)
		r = lsw_whack(l, "--trafficstatus", &traffic, dl, err);
	if (!r)
		r = lsw_whack(l, "--globalstatus", &global, dl, err);
	if (!r)
		r = lsw_model_read(&b, status.buf, status.len, traffic.buf,
				   traffic.len, global.buf, global.len, err);
	if (!r)
		r = lsw_model_finish(&b, err);
	lsw_model_release(&b);
	strbuf_release(&status);
	strbuf_release(&traffic);
	strbuf_release(&global);
	if (r) {
		m->have_sas = false;
		m->nike = 0;
		m->nconns = 0;
	}
	return r;
}

static void lsw_destroy(struct collector *c)
{
	struct lsw_collector *l = (struct lsw_collector *)c;

	if (!l)
		return;
	free(l->whack);
	free(l->ctlsocket);
	free(l);
}

struct collector *libreswan_collector_new(const char *whack, const char *ctlsocket)
{
	struct lsw_collector *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->whack = strdup(whack);
	l->ctlsocket = strdup(ctlsocket);
	if (!l->whack || !l->ctlsocket) {
		lsw_destroy(&l->base);
		return NULL;
	}
	l->base.name = "libreswan";
	l->base.collect = lsw_collect;
	l->base.destroy = lsw_destroy;
	return &l->base;
}
