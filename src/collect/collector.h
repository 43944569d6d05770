/* One interface for every source.  A collector reads its source into the
 * snapshot before the deadline; when it fails, the others still answer and
 * ikewatch_collector_success{collector=NAME} reads 0. */
#ifndef IKW_COLLECTOR_H
#define IKW_COLLECTOR_H

#include "common/deadline.h"
#include "common/err.h"
#include "model/model.h"

struct collector {
	const char *name;
	/* Returns 0 or -errno with err set.  Must return by dl. */
	int (*collect)(struct collector *c, struct model *m,
		       const struct deadline *dl, struct ikw_err *err);
	void (*destroy)(struct collector *c);
};

/* The strongSwan collector: version, stats, list-conns, list-sas (noblock)
 * and get-counters over VICI at socket_path (copied). */
struct collector *strongswan_collector_new(const char *socket_path);

#endif
