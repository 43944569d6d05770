/* IPv4 addresses of probes, and the derivation of a target from a CHILD
 * SA's traffic selector plus a host offset (pure). */
#ifndef IKW_PROBE_ADDR_H
#define IKW_PROBE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* Parses a dotted quad strictly (four decimal parts 0-255, no leading
 * zeros, nothing else) into host order.  Returns 0 or -EINVAL. */
int probe_addr_parse(const char *s, uint32_t *out);
/* Formats a host-order address into out (at least 16 bytes). */
void probe_addr_format(uint32_t a, char *out, size_t size);

/* The host at offset inside the first IPv4 subnet of a traffic selector
 * list as charon prints it ("198.19.1.0/24", "10.0.0.0/8,10.9.0.0/16",
 * "10.1.0.0/16[tcp/443]", "10.0.0.1-10.0.0.9", a bare address = /32).
 * "198.19.1.0/24" offset 1 is 198.19.1.1; a /32 takes offset 0 only.
 * Returns 0 with out set (host order), -ENOENT when no IPv4 selector is
 * listed, -ERANGE when offset is outside the subnet, -EINVAL for a selector
 * that cannot be read; err says why. */
int probe_ts_host(const char *ts, uint64_t offset, uint32_t *out, struct ikw_err *err);

#endif
