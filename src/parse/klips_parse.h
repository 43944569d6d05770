/* Pure parser of the legacy KLIPS (FreeS/WAN, Openswan) /proc/net/ipsec_spi
 * table, as ipsec_spi(5) documents it and as the kernel's printer
 * (ipsec_spi_get_info / proc_spi_show in ipsec_proc.c) writes it: one SA per
 * line,
 *
 *   esp0xa7d8251a@192.0.2.45 ESP_3DES_HMAC_MD5: dir=out src=192.0.2.23
 *     iv_bits=64bits iv=0x... ooowin=64 alen=128 aklen=128 eklen=192
 *     life(c,s,h)=addtime(2,0,0)bytes(...) refcount=4 ref=15
 *
 * (one line in the file).  Bytes in (not NUL-terminated), a caller-sized
 * array of SAs out; no I/O.  A missing file means "no KLIPS" and is the
 * caller's business.
 *
 * The SAID is proto, then '.' (IPv4) or ':' (IPv6) and the SPI in hex, or
 * "0x" and the SPI (the family from the address), then '@' and the
 * destination.  The transform name ends with ':'.  Then key=value fields,
 * each printed only when non-zero: absent fields are 0 here, and `seen` says
 * which were printed.  Unknown keys are skipped, so a newer printer still
 * parses; a malformed known field, a field given twice, an unknown or bad
 * SAID, a missing transform or dir= is an error naming the line. */
#ifndef IKW_KLIPS_PARSE_H
#define IKW_KLIPS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define KLIPS_LINE_MAX   4096                    /* without the newline */
#define KLIPS_ADDR_MAX   45                      /* INET6_ADDRSTRLEN - 1 */
#define KLIPS_NET_MAX    (2 * KLIPS_ADDR_MAX + 1) /* addr/mask, mask dotted */
#define KLIPS_XFORM_MAX  47
#define KLIPS_IV_MAX     128                     /* hex digits: 512 bits */
#define KLIPS_IFNAME_MAX 15                      /* IFNAMSIZ - 1 */

enum klips_proto {
	KLIPS_AH,
	KLIPS_ESP,
	KLIPS_COMP,     /* IPCOMP */
	KLIPS_TUN,      /* IP-in-IP, the tunnel-mode outer header */
	KLIPS_PROTO_COUNT
};
/* SAID prefixes: "ah", "esp", "comp", "tun" */
extern const char *const klips_proto_names[KLIPS_PROTO_COUNT];

enum klips_dir {
	KLIPS_DIR_IN,
	KLIPS_DIR_OUT,
	KLIPS_DIR_COUNT
};
extern const char *const klips_dir_names[KLIPS_DIR_COUNT];  /* "in", "out" */

/* natencap=: "na" when the kernel was built without NAT traversal */
enum klips_nat {
	KLIPS_NAT_NA,
	KLIPS_NAT_NONE,
	KLIPS_NAT_NONIKE,
	KLIPS_NAT_NONESP,
	KLIPS_NAT_UNKNOWN,
	KLIPS_NAT_COUNT
};
extern const char *const klips_nat_names[KLIPS_NAT_COUNT];

/* One bit per field in struct klips_sa's `seen`. */
enum klips_field {
	KLIPS_F_DIR, KLIPS_F_SRC, KLIPS_F_POLICY, KLIPS_F_IV_BITS, KLIPS_F_IV,
	KLIPS_F_OOOWIN, KLIPS_F_OOO_ERRS, KLIPS_F_SEQ, KLIPS_F_BIT,
	KLIPS_F_MAX_SEQ_DIFF, KLIPS_F_FLAGS, KLIPS_F_ALEN, KLIPS_F_AKLEN,
	KLIPS_F_AUTH_ERRS, KLIPS_F_EKLEN, KLIPS_F_ENCR_SIZE_ERRS,
	KLIPS_F_ENCR_PAD_ERRS, KLIPS_F_CRYPTOID, KLIPS_F_LIFE, KLIPS_F_ALLOC,
	KLIPS_F_BYTES, KLIPS_F_ADDTIME, KLIPS_F_USETIME, KLIPS_F_PACKETS,
	KLIPS_F_IDLE, KLIPS_F_RATIO, KLIPS_F_NATENCAP, KLIPS_F_NATSPORT,
	KLIPS_F_NATDPORT, KLIPS_F_REFCOUNT, KLIPS_F_REF, KLIPS_F_REFHIM,
	KLIPS_F_OUTIF, KLIPS_F_REFTABLE, KLIPS_F_REFENTRY,
	KLIPS_F_COUNT
};
#define KLIPS_SEEN(sa, f) ((((sa)->seen) >> (f)) & 1u)

/* A lifetime triple: current value, soft limit (rekey), hard limit
 * (expiry).  For addtime/usetime, current is seconds since add/first use. */
struct klips_life {
	uint64_t cur, soft, hard;
};

/* Numbers the kernel prints with %d from a 32-bit field (seq, ref, the
 * error counters...) come back negative past 2^31 ("ref=-1"): they are read
 * back as the unsigned 32-bit value (4294967295).  Strings are
 * NUL-terminated within their arrays and hold only the characters their
 * syntax allows (addresses: what inet_pton accepts). */
struct klips_sa {
	/* SAID */
	enum klips_proto proto;
	uint32_t spi;
	bool ipv6;                            /* of dst */
	char dst[KLIPS_ADDR_MAX + 1];
	char xform[KLIPS_XFORM_MAX + 1];      /* "ESP_3DES_HMAC_MD5": [A-Za-z0-9_] */
	enum klips_dir dir;
	char src[KLIPS_ADDR_MAX + 1];         /* "" when absent */
	/* policy=A->B: inner source and destination, "addr/bits" or
	 * "addr/mask" (a non-contiguous IPv4 mask), "" when absent */
	char policy_src[KLIPS_NET_MAX + 1];
	char policy_dst[KLIPS_NET_MAX + 1];
	uint64_t iv_bits;                     /* iv_bits=64bits */
	char iv[KLIPS_IV_MAX + 1];            /* hex digits, without "0x" */
	/* replay window */
	uint64_t ooowin, ooo_errs, seq, max_seq_diff;
	uint64_t bit;                         /* bitmap, bit=0x... */
	uint64_t flags;                       /* flags=0x...<...> */
	uint64_t alen, aklen, auth_errs;      /* bits, bits, count */
	uint64_t eklen, encr_size_errs, encr_pad_errs;
	uint64_t cryptoid;                    /* OCF session */
	/* life(c,s,h)=alloc(..)bytes(..)addtime(..)usetime(..)packets(..);
	 * FreeS/WAN 1.x and the man page say add(..) and use(..) */
	struct klips_life alloc, bytes, addtime, usetime, packets;
	uint64_t idle;                        /* seconds since last use */
	uint64_t ratio_dbytes, ratio_cbytes;  /* IPCOMP ratio=D:C */
	enum klips_nat natencap;
	uint64_t natsport, natdport;          /* at most 65535 */
	uint64_t refcount, ref, refhim;
	char outif[KLIPS_IFNAME_MAX + 1];     /* outif=NAME:N */
	uint64_t outif_direct;
	uint64_t reftable, refentry;          /* debug_xform only */
	uint64_t seen;                        /* 1 << KLIPS_F_x: printed */
};

/* Parses len bytes of the file into out[0..cap) and sets *n to the number
 * of SAs.  Every line must be an SA (an empty file gives 0; a missing final
 * newline is accepted).  Returns 0, -EBADMSG (a malformed line, a line
 * longer than KLIPS_LINE_MAX, a NUL or control byte) or -E2BIG (more than
 * cap SAs), with err saying "line N: ...".  On failure out[0..*n) holds the
 * lines before the bad one and out[*n] (if < cap) is scratch. */
int klips_parse(const char *buf, size_t len, struct klips_sa *out, size_t cap,
		size_t *n, struct ikw_err *err);

#endif
