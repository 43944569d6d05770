/* Pure parser of NETLINK_XFRM dump replies: the bytes of one recv() (one or
 * more netlink messages) in, one callback per SA and per policy out.  No I/O
 * and no allocation; xfrm_dump.c does the socket side, and the unit tests
 * and the fuzzer feed this directly.
 *
 * Every length is checked before it is used (the buffer, each nlmsg_len,
 * each nla_len, each attribute's minimum payload); a violation is -EBADMSG
 * with a message naming the message's offset and the attribute.  Unknown
 * message types and unknown attributes are skipped.  Key material is never
 * copied out: only algorithm names and key sizes.
 *
 *	struct xfrm_parse_state st;
 *	xfrm_parse_init(&st, seq);
 *	do {
 *		n = recv(...);
 *		r = xfrm_parse(&st, buf, n, &cb, err);
 *	} while (r == XFRM_PARSE_MORE);
 *	r < 0: failed; XFRM_PARSE_INTR: the kernel's tables changed during the
 *	dump, discard what the callbacks got and dump again.
 */
#ifndef IKW_XFRM_PARSE_H
#define IKW_XFRM_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define XFRM_ADDR_STRLEN 46       /* INET6_ADDRSTRLEN, NUL included */
#define XFRM_ALG_NAME_LEN 64      /* the kernel's alg_name[64], NUL included */
#define XFRM_NO_LIMIT UINT64_MAX  /* a lifetime limit that is not set */

/* Policy directions and actions, with the kernel's values (the enums are
 * checked against <linux/xfrm.h> in xfrm_parse.c). */
enum xfrm_dir { XFRM_DIR_IN, XFRM_DIR_OUT, XFRM_DIR_FWD, XFRM_DIR_COUNT };
enum xfrm_action { XFRM_ACTION_ALLOW, XFRM_ACTION_BLOCK, XFRM_ACTION_COUNT };

/* Names as iproute2 prints them; NULL for values without one. */
const char *xfrm_parse_dir_name(unsigned dir);       /* in out fwd */
const char *xfrm_parse_action_name(unsigned action); /* allow block */
const char *xfrm_parse_mode_name(unsigned mode);     /* transport tunnel ro in_trigger beet */
const char *xfrm_parse_proto_name(unsigned proto);   /* esp ah comp */

/* A traffic selector.  src/dst are "" when family is neither AF_INET nor
 * AF_INET6 (the kernel allows AF_UNSPEC here). */
struct xfrm_sel_rec {
	uint16_t family;
	char src[XFRM_ADDR_STRLEN], dst[XFRM_ADDR_STRLEN];
	uint8_t src_plen, dst_plen;
	uint8_t proto;            /* 0: any */
	uint16_t sport, dport;    /* host order; 0: any */
	int32_t ifindex;
};

/* One algorithm attribute.  name is printable ASCII, NUL-terminated (other
 * bytes of the kernel's name became '?'); "" when !present. */
struct xfrm_alg_rec {
	bool present;
	char name[XFRM_ALG_NAME_LEN];
	uint32_t key_bits;
	/* auth: truncation from XFRMA_ALG_AUTH_TRUNC (0 when the kernel sent
	 * only the legacy XFRMA_ALG_AUTH); aead: ICV length; else 0 */
	uint32_t trunc_bits;
};

struct xfrm_sa_rec {
	uint16_t family;          /* AF_INET or AF_INET6: of src and dst */
	char src[XFRM_ADDR_STRLEN], dst[XFRM_ADDR_STRLEN];
	uint8_t proto;            /* IPPROTO_ESP 50, IPPROTO_AH 51, IPPROTO_COMP 108 */
	uint32_t spi;             /* host order */
	uint32_t reqid;
	uint8_t mode;             /* XFRM_MODE_TRANSPORT 0, TUNNEL 1, ... */
	uint8_t flags;            /* XFRM_STATE_* (XFRM_STATE_ESN 128, ...) */
	struct xfrm_sel_rec sel;
	/* auth merges XFRMA_ALG_AUTH and XFRMA_ALG_AUTH_TRUNC (the kernel sends
	 * both; the truncated form wins) */
	struct xfrm_alg_rec crypt, auth, aead, comp;
	struct {
		uint64_t bytes, packets;
		uint64_t add_time;    /* Unix seconds */
		uint64_t use_time;    /* Unix seconds of first use; 0: unused */
	} cur;
	/* XFRM_NO_LIMIT where the kernel has XFRM_INF, and for seconds also
	 * where it has 0 (its timers treat 0 as "no expiry") */
	struct {
		uint64_t soft_bytes, hard_bytes;
		uint64_t soft_packets, hard_packets;
		uint64_t soft_add_s, hard_add_s;
		uint64_t soft_use_s, hard_use_s;
	} lft;
	/* the header's 8-bit window, or XFRMA_REPLAY_ESN_VAL's when present */
	uint32_t replay_window;
	/* sequence numbers from XFRMA_REPLAY_VAL or XFRMA_REPLAY_ESN_VAL
	 * (64-bit with ESN): how close the SA is to exhausting them */
	bool has_seq;
	uint64_t oseq, seq;
	struct {
		uint32_t replay_window;    /* packets dropped outside the window */
		uint32_t replay;           /* replayed packets dropped */
		uint32_t integrity_failed;
	} stats;
	bool has_encap;           /* XFRMA_ENCAP: NAT traversal */
	uint16_t encap_type;      /* UDP_ENCAP_ESPINUDP 2, ... */
	uint16_t encap_sport, encap_dport;  /* host order */
	bool has_mark;
	uint32_t mark, mark_mask;
	bool has_if_id;
	uint32_t if_id;
};

struct xfrm_pol_rec {
	uint8_t dir;              /* enum xfrm_dir for in/out/fwd; other values as sent */
	uint8_t action;           /* enum xfrm_action when known */
	uint8_t flags;            /* XFRM_POLICY_LOCALOK, XFRM_POLICY_ICMP */
	uint8_t type;             /* XFRMA_POLICY_TYPE: 0 main (the default), 1 sub */
	uint32_t index, priority;
	struct xfrm_sel_rec sel;
	bool has_mark;
	uint32_t mark, mark_mask;
	bool has_if_id;
	uint32_t if_id;
};

/* Callbacks get records valid only during the call.  A non-zero return
 * (a negative errno, with err set) stops the parse and is returned by
 * xfrm_parse().  Either may be NULL: the messages are still checked. */
struct xfrm_parse_cb {
	int (*sa)(void *ctx, const struct xfrm_sa_rec *sa, struct ikw_err *err);
	int (*policy)(void *ctx, const struct xfrm_pol_rec *pol,
		      struct ikw_err *err);
	void *ctx;
};

/* Kept across the recv() buffers of one dump. */
struct xfrm_parse_state {
	uint32_t seq;             /* nlmsg_seq the replies must carry; 0: any */
	bool done;                /* NLMSG_DONE seen */
	bool interrupted;         /* some message carried NLM_F_DUMP_INTR */
	size_t nsa, npolicy;      /* records passed to the callbacks */
};

enum xfrm_parse_result {
	XFRM_PARSE_MORE = 0,      /* buffer consumed, no NLMSG_DONE yet: recv again */
	XFRM_PARSE_DONE = 1,      /* NLMSG_DONE: the dump is complete */
	XFRM_PARSE_INTR = 2,      /* NLMSG_DONE, but the dump was interrupted */
};

void xfrm_parse_init(struct xfrm_parse_state *st, uint32_t seq);

/* Parses one recv() buffer.  Returns an enum xfrm_parse_result, or a
 * negative errno with err set: -EBADMSG (malformed or truncated), -EPROTO
 * (unexpected sequence number or NLMSG_ERROR code), the kernel's errno for
 * an NLMSG_ERROR or a failed NLMSG_DONE, -ENOBUFS for NLMSG_OVERRUN,
 * -EINVAL when called again after NLMSG_DONE, or a callback's error.
 * Bytes after NLMSG_DONE are ignored. */
int xfrm_parse(struct xfrm_parse_state *st, const void *buf, size_t len,
	       const struct xfrm_parse_cb *cb, struct ikw_err *err);

#endif
