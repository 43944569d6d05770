/* The XFRM collector: one netlink dump of the kernel's SAs and policies per
 * scrape (xfrm_dump.c), copied into the snapshot, where kernel_join() puts
 * them under charon's conn/child. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collector.h"
#include "collect/xfrm_dump.h"

struct xfrm_collector {
	struct collector base;
	char *netns;              /* NULL: ikewatch's own */
};

static void xfrm_copy(struct model *m, const struct xfrm_snapshot *snap)
{
	struct kernel_state *ks = &m->kernel;

	memcpy(ks->policies, snap->policies, sizeof(ks->policies));
	ks->policies_other = snap->policies_other;
	ks->nsas = snap->nsas;
	ks->have_xfrm = true;
	if (snap->nsas)
		memcpy(ks->sas, snap->sas, snap->nsas * sizeof(*snap->sas));
}

static int xfrm_collect(struct collector *c, struct model *m,
			const struct deadline *dl, struct ikw_err *err)
{
	struct xfrm_collector *x = (struct xfrm_collector *)c;
	struct xfrm_dump_opts o = { .netns = x->netns };
	struct xfrm_snapshot *snap = NULL;
	int r = xfrm_dump(&o, dl, &snap, err);

	if (r)
		return r;
	if (snap->nsas) {
		m->kernel.sas = arena_alloc(&m->arena, snap->nsas * sizeof(*snap->sas));
		if (!m->kernel.sas) {
			xfrm_snapshot_free(snap);
			return err_set(err, -ENOMEM, "out of memory");
		}
	}
	xfrm_copy(m, snap);
	xfrm_snapshot_free(snap);
	return 0;
}

static void xfrm_destroy(struct collector *c)
{
	struct xfrm_collector *x = (struct xfrm_collector *)c;

	if (!x)
		return;
	free(x->netns);
	free(x);
}

struct collector *xfrm_collector_new(const char *netns)
{
	struct xfrm_collector *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	if (netns && netns[0] && !(x->netns = strdup(netns))) {
		free(x);
		return NULL;
	}
	x->base.name = "xfrm";
	x->base.collect = xfrm_collect;
	x->base.destroy = xfrm_destroy;
	return &x->base;
}
