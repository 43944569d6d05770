/* The status view's judgment as a metric: the same attention the CLI, the
 * page and the JSON show (status/status.h), so that an alert or a
 * dashboard says what `ikewatch status` says. */
#include "metrics/render_family.h"
#include "status/status.h"

#include <stdlib.h>
#include <string.h>

/* One status view for all conns, built once per render: the judgment
 * needs the whole snapshot (the probes, the kernel's trend), and building
 * it per conn would cost the number of conns squared.  Only each view's
 * attention is kept, so the samples can be written per conn in pieces
 * like every other family's (one piece of 6 samples x every conn would
 * hold the whole family in memory at once). */
static const unsigned char *render_attention(const struct render_ctx *c)
{
	struct render_cache *rc = c->cache;
	struct arena a = ARENA_INIT;
	struct status_view v;
	size_t i;

	if (rc->attention_tried)
		return rc->attention;
	rc->attention_tried = true;
	if (!c->m->nviews || status_build(c->m, NULL, &a, &v)) {
		arena_release(&a);
		return NULL;
	}
	rc->attention = malloc(c->m->nviews);
	if (rc->attention) {
		memset(rc->attention, RENDER_NO_ATTENTION, c->m->nviews);
		for (i = 0; i < v.nconns; i++)
			rc->attention[v.conns[i].view - c->m->views] =
				(unsigned char)v.conns[i].attention;
	}
	arena_release(&a);
	return rc->attention;
}

static void render_conn_status(const struct render_ctx *c,
			       const struct conn_view *cv, struct expo *e)
{
	const unsigned char *att = render_attention(c);
	unsigned char mine;
	int s;

	if (!att)
		return;
	mine = att[cv - c->m->views];
	if (mine == RENDER_NO_ATTENTION)
		return;
	for (s = 0; s < ST_ATTENTION_COUNT; s++) {
		struct label l[] = { { "conn", cv->name },
				     { "status", status_attention_names[s] } };

		expo_sample(e, l, NL(l), mine == s);
	}
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

const struct render_family render_status_families[] = {
	{ "ipsec_conn_status", METRIC_GAUGE,
	  "1 for the connection's status as `ikewatch status` judges it, 0 for the others "
	  "(down, child_missing, connecting, probe_failing, degraded, ok).",
	  render_have_sas, NULL, render_conn_status },
};

const size_t render_status_nfamilies = NL(render_status_families);
