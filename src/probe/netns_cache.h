/* Open descriptors of the network namespaces the probes use, and of the
 * scheduler thread's own, so that a socket made inside a namespace costs
 * two setns() rather than two opens, two setns and two closes (a path walk
 * and a file each: a fifth of the probes' CPU time at 1000 probes).  A name
 * deleted and made again by `ip netns` points to a new namespace, so each
 * name is checked against its descriptor at most once a second.  Used by
 * one thread. */
#ifndef IKW_NETNS_CACHE_H
#define IKW_NETNS_CACHE_H

#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

#define NETNS_CACHE_MAX 16

struct netns_cache {
	int home;                     /* the thread's own namespace, or -1 */
	struct netns_cache_entry {
		char *name;           /* NULL: free */
		int fd;
		dev_t dev;
		ino_t ino;
		int64_t checked_ns;   /* CLOCK_MONOTONIC */
	} e[NETNS_CACHE_MAX];
	unsigned next_evict;
};

void netns_cache_init(struct netns_cache *c);
void netns_cache_release(struct netns_cache *c);
/* A descriptor of /run/netns/NAME (the cache's: do not close it).  Returns
 * it or -errno with err set. */
int netns_cache_get(struct netns_cache *c, const char *name, struct ikw_err *err);
/* A descriptor of the calling thread's namespace, opened at the first call
 * (the cache's).  Returns it or -errno. */
int netns_cache_home(struct netns_cache *c, struct ikw_err *err);

#endif
