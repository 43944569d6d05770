/* The streaming engine: walks the family tables of the render_*.c files
 * in catalog order and writes the exposition in pieces. */
#include "metrics/render.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/render_family.h"
#include "model/view.h"

#define RENDER_PIECE (16 * 1024)

struct render {
	struct model *m;
	struct render_opts opts;
	struct expo expo;
	size_t family, conn;
	bool header_done, finished;
	struct render_cache cache;
};

struct render *render_new(struct model *m, enum expo_format f,
			  const struct render_opts *o)
{
	struct render *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	model_ref(m);
	r->m = m;
	r->opts = *o;
	r->expo.format = f;
	return r;
}

/* The catalog's order: each source's table after the other. */
static const struct {
	const struct render_family *f;
	const size_t *n;
} render_tables[] = {
	{ render_daemon_families, &render_daemon_nfamilies },
	{ render_scrape_families, &render_scrape_nfamilies },
	{ render_conn_families, &render_conn_nfamilies },
	{ render_status_families, &render_status_nfamilies },
	{ render_negotiation_families, &render_negotiation_nfamilies },
	{ render_certs_families, &render_certs_nfamilies },
	{ render_child_families, &render_child_nfamilies },
	{ render_events_families, &render_events_nfamilies },
	{ render_logs_families, &render_logs_nfamilies },
	{ render_eventlog_families, &render_eventlog_nfamilies },
	{ render_kernel_families, &render_kernel_nfamilies },
	{ render_probe_families, &render_probe_nfamilies },
	{ render_remediate_families, &render_remediate_nfamilies },
	{ render_pools_families, &render_pools_nfamilies },
	{ render_ra_families, &render_ra_nfamilies },
};

/* The i-th family of the catalog, NULL past its end. */
static const struct render_family *render_family_at(size_t i)
{
	size_t t;

	for (t = 0; t < NL(render_tables); t++) {
		if (i < *render_tables[t].n)
			return &render_tables[t].f[i];
		i -= *render_tables[t].n;
	}
	return NULL;
}

static void render_family_step(struct render *r, const struct render_ctx *c,
			       struct strbuf *sb)
{
	const struct render_family *f = render_family_at(r->family);

	r->expo.out = sb;
	if (!r->header_done) {
		r->header_done = true;
		r->conn = 0;
		if (!render_family_wanted(c->o, f->name) || !f->present(c)) {
			r->family++;
			r->header_done = false;
			return;
		}
		expo_family(&r->expo, f->name, f->type, f->help);
	}
	if (f->global) {
		f->global(c, &r->expo);
	} else {
		while (r->conn < r->m->nviews && sb->len < RENDER_PIECE)
			f->per_conn(c, &r->m->views[r->conn++], &r->expo);
		if (r->conn < r->m->nviews)
			return;
	}
	r->family++;
	r->header_done = false;
}

int render_next(void *render, struct strbuf *sb)
{
	struct render *r = render;
	struct render_ctx c = { r->m, &r->opts, &r->cache };

	if (r->finished)
		return 0;
	if (r->family == 0 && !r->header_done && !r->expo.out) {
		expo_init(&r->expo, r->expo.format, sb);
		r->expo.only_conn = r->opts.conn;
	}
	while (render_family_at(r->family) && sb->len < RENDER_PIECE)
		render_family_step(r, &c, sb);
	if (!render_family_at(r->family)) {
		r->expo.out = sb;
		expo_finish(&r->expo);
		r->finished = true;
	}
	if (strbuf_failed(sb))
		return -ENOMEM;
	return r->finished ? 0 : 1;
}

void render_free(void *render)
{
	struct render *r = render;

	if (!r)
		return;
	model_unref(r->m);
	free(r->cache.attention);
	free(r);
}
