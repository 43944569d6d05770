/* The status view's judgment as a metric: the same attention the CLI, the
 * page and the JSON show (status/status.h), so that an alert or a
 * dashboard says what `ikewatch status` says. */
#include "metrics/render_family.h"
#include "status/status.h"

/* One status view for all conns: the judgment needs the whole snapshot
 * (the probes, the kernel's trend), and building it per conn would cost
 * the number of conns squared. */
static void render_conn_status(const struct render_ctx *c, struct expo *e)
{
	struct arena a = ARENA_INIT;
	struct status_view v;
	size_t i;
	int s;

	if (status_build(c->m, NULL, &a, &v)) {
		arena_release(&a);
		return;
	}
	for (i = 0; i < v.nconns; i++)
		for (s = 0; s < ST_ATTENTION_COUNT; s++) {
			struct label l[] = { { "conn", v.conns[i].name },
					     { "status", status_attention_names[s] } };

			expo_sample(e, l, NL(l), v.conns[i].attention == (enum status_attention)s);
		}
	arena_release(&a);
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

const struct render_family render_status_families[] = {
	{ "ipsec_conn_status", METRIC_GAUGE,
	  "1 for the connection's status as `ikewatch status` judges it, 0 for the others "
	  "(down, child_missing, connecting, probe_failing, degraded, ok).",
	  render_have_sas, render_conn_status, NULL },
};

const size_t render_status_nfamilies = NL(render_status_families);
