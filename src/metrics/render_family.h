/* Inside the renderer: a metric family is a name, a type, a help text, a
 * presence test and a function that writes its samples, globally or once
 * per connection view.  render.c holds the catalog's table; the kernel's
 * families are in render_kernel.c.  Keep docs/metrics.md in step. */
#ifndef IKW_RENDER_FAMILY_H
#define IKW_RENDER_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics/expo.h"
#include "metrics/render.h"
#include "model/model.h"

#define NL(a) (sizeof(a) / sizeof((a)[0]))

struct render_ctx {
	const struct model *m;
	const struct render_opts *o;
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

/* Two samples of a child: direction="in" and direction="out". */
void render_in_out(const struct conn_view *v, const struct child_view *ch,
		   struct expo *e, uint64_t in, uint64_t out);

extern const struct render_family render_kernel_families[];
extern const size_t render_kernel_nfamilies;
extern const struct render_family render_probe_families[];
extern const size_t render_probe_nfamilies;
extern const struct render_family render_remediate_families[];
extern const size_t render_remediate_nfamilies;

#endif
