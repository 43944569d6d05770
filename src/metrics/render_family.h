/* Inside the renderer: a metric family is a name, a type, a help text, a
 * presence test and a function that writes its samples, globally or once
 * per connection view.  render.c is the streaming engine; each
 * render_<source>.c holds one source's families and their table.  Keep
 * docs/metrics.md in step. */
#ifndef IKW_RENDER_FAMILY_H
#define IKW_RENDER_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics/expo.h"
#include "metrics/render.h"
#include "model/model.h"

#define NL(a) (sizeof(a) / sizeof((a)[0]))

/* What one render works out once and several families read: built on
 * first use, freed with the render. */
struct render_cache {
	unsigned char *attention;   /* per view: its status_attention, or
				       RENDER_NO_ATTENTION */
	bool attention_tried;
};

#define RENDER_NO_ATTENTION 0xff

struct render_ctx {
	const struct model *m;
	const struct render_opts *o;
	struct render_cache *cache;
};

struct render_family {
	const char *name;
	enum metric_type type;
	const char *help;
	bool (*present)(const struct render_ctx *c);
	/* exactly one of these is set */
	void (*global)(const struct render_ctx *c, struct expo *e);
	void (*per_conn)(const struct render_ctx *c, const struct conn_view *v,
			 struct expo *e);
};

/* The group of model/metric_groups.h a family belongs to, -1 for none
 * (render_groups.c), and whether the options render it. */
int render_family_group(const char *family);
bool render_family_wanted(const struct render_opts *o, const char *family);

/* ---- helpers shared by the family files ------------------------------- */

static inline double render_ts(const struct render_ctx *c, int64_t ago)
{
	return (double)c->m->collected_at - (double)ago;
}

static inline const char *render_peer(const struct render_ctx *c, const char *s)
{
	return c->o->peer_labels ? s : NULL;
}

static inline const char *render_yes(bool b)
{
	return b ? "yes" : "no";
}

static inline bool render_always(const struct render_ctx *c)
{
	(void)c;
	return true;
}

static inline bool render_have_sas(const struct render_ctx *c)
{
	return c->m->have_sas;
}

typedef void (*render_child_fn)(const struct render_ctx *c,
				const struct conn_view *v,
				const struct child_view *ch, struct expo *e);

static inline bool render_have_events(const struct render_ctx *c)
{
	return c->m->have_events;
}

static inline void render_each_child(const struct render_ctx *c,
			      const struct conn_view *v, struct expo *e,
			      render_child_fn fn)
{
	size_t i;

	for (i = 0; i < v->nchildren; i++)
		fn(c, v, &v->children[i], e);
}

#define RENDER_PER_CHILD(name)                                              \
	static void name##_conn(const struct render_ctx *c,                 \
				const struct conn_view *v, struct expo *e)  \
	{                                                                   \
		render_each_child(c, v, e, name);                           \
	}

/* The family tables, in catalog order; render.c walks them one after the
 * other. */
extern const struct render_family render_daemon_families[];
extern const size_t render_daemon_nfamilies;
extern const struct render_family render_conn_families[];
extern const size_t render_conn_nfamilies;
extern const struct render_family render_status_families[];
extern const size_t render_status_nfamilies;
extern const struct render_family render_certs_families[];
extern const size_t render_certs_nfamilies;
extern const struct render_family render_child_families[];
extern const size_t render_child_nfamilies;
extern const struct render_family render_events_families[];
extern const size_t render_events_nfamilies;
extern const struct render_family render_logs_families[];
extern const size_t render_logs_nfamilies;
extern const struct render_family render_eventlog_families[];
extern const size_t render_eventlog_nfamilies;

/* Two samples of a child: direction="in" and direction="out". */
void render_in_out(const struct conn_view *v, const struct child_view *ch,
		   struct expo *e, uint64_t in, uint64_t out);

extern const struct render_family render_kernel_families[];
extern const size_t render_kernel_nfamilies;
extern const struct render_family render_probe_families[];
extern const size_t render_probe_nfamilies;
extern const struct render_family render_remediate_families[];
extern const size_t render_remediate_nfamilies;
extern const struct render_family render_pools_families[];
extern const size_t render_pools_nfamilies;
extern const struct render_family render_ra_families[];
extern const size_t render_ra_nfamilies;
extern const struct render_family render_scrape_families[];
extern const size_t render_scrape_nfamilies;
extern const struct render_family render_negotiation_families[];
extern const size_t render_negotiation_nfamilies;

#endif
