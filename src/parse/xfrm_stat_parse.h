/* Pure parser of Linux /proc/net/xfrm_stat: the kernel's XFRM error
 * counters, one per line as "%-24s\t%lu\n" (a name, blanks, a decimal u64).
 * Bytes in (not NUL-terminated), counters out in file order; no I/O, so the
 * unit tests and the fuzzer drive it directly.  The file is absent on a
 * kernel without CONFIG_XFRM_STATISTICS: that is the caller's business.
 *
 * The counters are exported as ipsec_xfrm_errors_total{error="..."}, with
 * the label value from xfrm_stat_label(). */
#ifndef IKW_XFRM_STAT_PARSE_H
#define IKW_XFRM_STAT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define XFRM_STAT_MAX       64    /* counters kept; a 6.18 kernel has 32 */
#define XFRM_STAT_NAME_MAX  47    /* longest name, without the NUL */
/* "XfrmAB" → "a_b": at most one '_' per character, "Xfrm" stripped */
#define XFRM_STAT_LABEL_MAX (2 * XFRM_STAT_NAME_MAX)
#define XFRM_STAT_LINE_MAX  256   /* longest line, without the newline */

struct xfrm_stat_counter {
	char name[XFRM_STAT_NAME_MAX + 1];    /* [A-Za-z0-9]+, NUL-terminated */
	char label[XFRM_STAT_LABEL_MAX + 1];  /* xfrm_stat_label(name) */
	uint64_t value;
};

struct xfrm_stat {
	size_t n;
	struct xfrm_stat_counter c[XFRM_STAT_MAX];
};

/* Parses len bytes of the file into *out (all of it overwritten).  Every
 * line must be a counter: an empty file gives n == 0, a missing final
 * newline is accepted.  Returns 0, -EBADMSG (a malformed line: no value,
 * not a number, above 2^64-1, a name too long or not [A-Za-z0-9], a line
 * too long, a NUL byte, trailing text, a counter seen twice) or -E2BIG
 * (more than XFRM_STAT_MAX counters), with err saying "line N: ...".  On
 * failure out->n counts the lines parsed before the bad one. */
int xfrm_stat_parse(const char *buf, size_t len, struct xfrm_stat *out,
		    struct ikw_err *err);

/* Label value for a counter name: "Xfrm" is dropped and CamelCase becomes
 * snake_case ("XfrmInStateProtoError" → "in_state_proto_error",
 * "XfrmInIptfsError" → "in_iptfs_error"; an acronym run stays one word:
 * "XfrmOutMTUError" → "out_mtu_error").  out has XFRM_STAT_LABEL_MAX + 1
 * bytes.  Returns the label's length, or -EINVAL when name is empty,
 * longer than XFRM_STAT_NAME_MAX or not [A-Za-z0-9] (out is then ""). */
int xfrm_stat_label(const char *name, char out[XFRM_STAT_LABEL_MAX + 1]);

#endif
