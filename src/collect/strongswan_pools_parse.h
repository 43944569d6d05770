/* Pure translation of charon's get-pools response (VICI) into the pool
 * store.  No I/O: the unit tests and the fuzzer feed it directly. */
#ifndef IKW_STRONGSWAN_POOLS_PARSE_H
#define IKW_STRONGSWAN_POOLS_PARSE_H

#include <stddef.h>

#include "common/arena.h"
#include "common/err.h"
#include "model/pools.h"
#include "vici/vici_codec.h"

/* At most this many pools are kept; more are an error (the response would
 * be a label explosion, not a gateway). */
#define POOLS_MAX 4096

/* A get-pools response: one section per pool with base, size, online and
 * offline (leases, when present, are skipped).  Fills ps (strings in a) and
 * sets ps->have.  Returns 0, or -EBADMSG / -ENOMEM with err naming the pool
 * and field. */
int strongswan_pools_parse(const struct vici_msg *msg, struct arena *a,
			   struct pool_store *ps, struct ikw_err *err);

/* The last address of a pool of size addresses from base (IPv4 or IPv6),
 * into buf; returns 0, or -EINVAL when base is no address or size is 0 or
 * runs past the end of the address space. */
int strongswan_pools_last(const char *base, uint64_t size, char *buf,
			  size_t buflen);

#endif
