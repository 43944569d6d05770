/* How one scrape was served, for the exporter's own families: the daemon
 * hands it to the renderer beside the snapshot (one snapshot may serve
 * several scrapes, each with its own age). */
#ifndef IKW_SCRAPE_INFO_H
#define IKW_SCRAPE_INFO_H

#include <stdint.h>

enum scrape_served {
	SCRAPE_COLLECTED,   /* this request ran the collection */
	SCRAPE_SHARED,      /* waited for a collection already under way */
	SCRAPE_REUSED,      /* a finished collection within the reuse window */
	SCRAPE_SERVED_N
};

extern const char *const scrape_served_names[SCRAPE_SERVED_N];

struct scrape_info {
	double age_seconds;         /* from the collection's start to the answer */
	uint64_t collections;       /* collections run so far */
	uint64_t served[SCRAPE_SERVED_N];   /* requests so far, by how */
};

#endif
