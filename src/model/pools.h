/* Virtual IP pools of a remote-access gateway, as charon's get-pools
 * reports them at one collection: size and leases per pool.  Part of the
 * snapshot (strings in its arena). */
#ifndef IKW_POOLS_H
#define IKW_POOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct va_pool {
	const char *name;
	const char *base;      /* first address, as charon prints it */
	const char *last;      /* base + size - 1, "" when not computable */
	uint64_t size;         /* addresses the pool can hand out */
	uint64_t online;       /* leases held by an IKE SA */
	uint64_t offline;      /* leases kept for a client that left */
};

struct pool_store {
	bool have;             /* get-pools answered at this collection */
	struct va_pool *pools; /* in charon's order */
	size_t n;
};

#endif
