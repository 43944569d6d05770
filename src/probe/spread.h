/* When each probe first runs (pure).  Probes with the same interval are
 * ordered by a hash of their labels and placed evenly over the interval, so
 * that 1000 probes at 30 s start about 3 per 100 ms and never all at once;
 * the hash keeps a probe's phase the same from one start of ikewatch to the
 * next while the set of probes stays the same, and does not depend on the
 * order of the config file. */
#ifndef IKW_SPREAD_H
#define IKW_SPREAD_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a over conn, child and probe name (with separators). */
uint64_t spread_hash(const char *conn, const char *child, const char *name);

/* offset_ms[i] in [0, interval_ms[i]) for each of n probes.  Returns 0, or
 * -ENOMEM. */
int spread_offsets(const uint64_t *hash, const uint32_t *interval_ms, size_t n,
		   uint32_t *offset_ms);

#endif
