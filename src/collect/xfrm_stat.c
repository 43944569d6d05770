/* /proc/net/xfrm_stat: the kernel's XFRM error counters (absent without
 * CONFIG_XFRM_STATISTICS: the collector is then off). */
#include <errno.h>

#include "collect/procfs_collect.h"

static int xfrm_stat_into(struct model *m, const char *buf, size_t len,
			  struct ikw_err *err)
{
	struct xfrm_stat *st = arena_alloc(&m->arena, sizeof(*st));
	int r;

	if (!st)
		return err_set(err, -ENOMEM, "out of memory");
	r = xfrm_stat_parse(buf, len, st, err);
	if (r)
		return r;
	m->kernel.stat = st;
	m->kernel.have_xfrm_stat = true;
	return 0;
}

struct collector *xfrm_stat_collector_new(const char *path)
{
	return procfs_collector_new("xfrm_stat", path, 64 * 1024, xfrm_stat_into);
}
