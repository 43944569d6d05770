#include "collect/procfs_collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"

static int procfs_collect(struct collector *c, struct model *m,
			  const struct deadline *dl, struct ikw_err *err)
{
	struct procfs_collector *p = (struct procfs_collector *)c;
	char *buf = NULL;
	size_t len = 0;
	int r;

	(void)dl;   /* a /proc read does not block */
	r = file_read_proc(p->path, p->max, &buf, &len, err);
	if (r == -ENOENT)
		return COLLECTOR_OFF;
	if (r)
		return r;
	r = p->parse(m, buf, len, err);
	free(buf);
	return r ? err_prefix(err, r, "%s", p->path) : 0;
}

static void procfs_destroy(struct collector *c)
{
	struct procfs_collector *p = (struct procfs_collector *)c;

	if (!p)
		return;
	free(p->path);
	free(p);
}

struct collector *procfs_collector_new(const char *name, const char *path, size_t max,
				       int (*parse)(struct model *m, const char *buf,
						    size_t len, struct ikw_err *err))
{
	struct procfs_collector *p = calloc(1, sizeof(*p));

	if (!p || !(p->path = strdup(path))) {
		free(p);
		return NULL;
	}
	p->base.name = name;
	p->base.collect = procfs_collect;
	p->base.destroy = procfs_destroy;
	p->max = max;
	p->parse = parse;
	return &p->base;
}
