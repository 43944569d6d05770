/* Renders a snapshot as a Prometheus exposition, in pieces, so that a scrape
 * of 10,000 tunnels never holds the whole body in memory.  The catalog of
 * what is rendered is docs/metrics.md. */
#ifndef IKW_RENDER_H
#define IKW_RENDER_H

#include <stdbool.h>

#include "common/strbuf.h"
#include "metrics/expo.h"
#include "model/metric_groups.h"
#include "model/model.h"
#include "model/scrape_info.h"

struct render_opts {
	bool peer_labels;   /* addresses of peers as labels (info metrics only) */
	unsigned identities; /* per-identity series of remote-access conns:
			      * at most this many per conn; 0 none */
	const char *conn;   /* NULL: everything; else only the samples labelled
			     * conn="conn", without HELP/TYPE (must outlive the render) */
	metric_groups_off groups_off;   /* families of these groups left out */
	bool have_scrape;   /* the daemon's scrape: the ikewatch_scrape_ families */
	struct scrape_info scrape;
};

struct render;

/* Takes a reference on m. */
struct render *render_new(struct model *m, enum expo_format f,
			  const struct render_opts *o);
/* Appends the next piece (about 16 KiB) to sb.  Returns 1 if more follows,
 * 0 at the end, -ENOMEM when sb failed. */
int render_next(void *render, struct strbuf *sb);
void render_free(void *render);

#endif
