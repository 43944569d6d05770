/* The part the /proc collectors share: a collector with a path, read whole
 * (a missing file turns the collector off). */
#ifndef IKW_PROCFS_COLLECT_H
#define IKW_PROCFS_COLLECT_H

#include <stddef.h>

#include "collect/collector.h"

struct procfs_collector {
	struct collector base;
	char *path;
	size_t max;               /* bytes read at most */
	/* parses buf[0..len) into m; 0 or -errno with err set */
	int (*parse)(struct model *m, const char *buf, size_t len, struct ikw_err *err);
};

struct collector *procfs_collector_new(const char *name, const char *path, size_t max,
				       int (*parse)(struct model *m, const char *buf,
						    size_t len, struct ikw_err *err));

#endif
