/* Pure parsers of libreswan's `ipsec whack` outputs, 4.x and 5.x:
 *
 *   --connectionstatus  every loaded connection, up or down
 *   --showstates        IKE SAs and CHILD SAs (states), their timers, SPIs
 *   --trafficstatus     bytes per established CHILD SA
 *   --globalstatus      daemon counters, key=value
 *
 * 4.x prefixes each line with a three-digit code and a space ("000 ",
 * "006 "), 5.x prints none; 5.x also drops the "STATE_" of state names
 * ("ESTABLISHED_CHILD_SA" for "STATE_V2_ESTABLISHED_CHILD_SA").  Both are
 * read the same.  Bytes in (not NUL-terminated), one callback per record
 * out; no I/O, no allocation.  A record the parser cannot read (a field too
 * long for its array, a number out of range, a state line without a state)
 * is an error "line N: ..." (-EBADMSG, or -E2BIG for a line over
 * LSW_LINE_MAX); lines that are no record (headers, blank lines, the
 * other detail lines of a connection) are skipped, so a newer printer
 * still parses.  A callback's non-zero return stops the parse and is
 * returned. */
#ifndef IKW_LIBRESWAN_PARSE_H
#define IKW_LIBRESWAN_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define LSW_LINE_MAX  8192   /* without the newline */
#define LSW_NAME_MAX  255    /* connection names */
#define LSW_ADDR_MAX  63     /* an address, maybe with [id] dropped */
#define LSW_TS_MAX    255    /* a client subnet, as printed */
#define LSW_STATE_MAX 63     /* state name, "STATE_" dropped */
#define LSW_SPI_MAX   8      /* hex digits */
#define LSW_ID_MAX    255
#define LSW_KEY_MAX   127    /* globalstatus keys */
#define LSW_ALG_MAX   127    /* an "algorithm newest:" suite */
#define LSW_NONE      INT64_MIN  /* a timer or number not printed */

/* The first line of a connection in --connectionstatus, and the details the
 * collector uses from the lines that follow it:
 *   "NAME"[INST]: LCLIENT===LHOST[LID]...RHOST[RID]===RCLIENT; ROUTING; ...
 *   "NAME":   ike_life: 28800s; ipsec_life: 28800s; ... rekey_margin: 540s;
 *   "NAME":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+...;
 *   "NAME":   our idtype: ID_IPV4_ADDR; our id=LID; their idtype: ...;
 *             their id=RID
 *   "NAME":   IKEv2 algorithm newest: AES_CBC_256-HMAC_SHA2_256-MODP2048
 *   "NAME":   ESP algorithm newest: AES_CBC_256-HMAC_SHA2_256_128;
 *             pfsgroup=<Phase1>
 * An identity or suite too long for its array is left "" (a detail the
 * view lacks, not a reason to lose the scrape).  A record is passed once
 * the connection's last line has been read. */
struct lsw_conn {
	char name[LSW_NAME_MAX + 1];
	uint32_t instance;               /* [N], 0 when none */
	char local_host[LSW_ADDR_MAX + 1], remote_host[LSW_ADDR_MAX + 1];
	char local_client[LSW_TS_MAX + 1], remote_client[LSW_TS_MAX + 1];
	char routing[LSW_STATE_MAX + 1]; /* "erouted", "unrouted", ... */
	unsigned ike_version;            /* 1, 2 from the policy; 0 unknown */
	char mode[16];                   /* TUNNEL or TRANSPORT (policy), "" */
	int64_t ike_life, ipsec_life, rekey_margin; /* seconds, LSW_NONE */
	char local_id[LSW_ID_MAX + 1], remote_id[LSW_ID_MAX + 1]; /* "" */
	char ike_alg[LSW_ALG_MAX + 1];   /* the newest IKE SA's suite, "" */
	char child_alg[LSW_ALG_MAX + 1]; /* the newest CHILD SA's suite, "" */
	char child_proto[8];             /* "ESP" or "AH" with child_alg */
	char pfs_group[LSW_STATE_MAX + 1]; /* "MODP2048", "<Phase1>", "" */
};

enum lsw_state_kind {
	LSW_STATE_IKE,    /* an IKE SA (IKEv1 ISAKMP SA) */
	LSW_STATE_CHILD,  /* a CHILD SA (IKEv1 IPsec SA) */
	LSW_STATE_SPIS,   /* the SPI and traffic line of a CHILD SA */
};

/* One --showstates line:
 *   #2: "NAME"[INST] ADDR:PORT STATE (text); REKEY in 27917s; REPLACE in
 *       28797s; newest; eroute owner; IKE SA #1; idle;
 *   #2: "NAME" esp.4ffaaf45@192.0.2.2 esp.d8d1dc0a@192.0.2.1 tun.0@...
 *       Traffic: ESPin=252B ESPout=252B ESPmax=2^63B
 * The first esp/ah SPI is at the peer (outbound), the second at this end
 * (inbound). */
struct lsw_state {
	enum lsw_state_kind kind;
	uint32_t serial;                 /* #N */
	char conn[LSW_NAME_MAX + 1];
	uint32_t instance;
	char state[LSW_STATE_MAX + 1];   /* "V2_ESTABLISHED_CHILD_SA"; not SPIS */
	bool established;                /* ESTABLISHED_IKE_SA / _CHILD_SA, or
					    IKEv1 MAIN_?3/4, QUICK_?2 */
	bool newest;
	uint32_t ike_serial;             /* CHILD: "IKE SA #N", 0 when none */
	int64_t rekey_in, replace_in, expire_in, liveness_in; /* s, LSW_NONE */
	char proto[8];                   /* SPIS: "esp" or "ah" */
	char spi_out[LSW_SPI_MAX + 1], spi_in[LSW_SPI_MAX + 1]; /* SPIS, 8 hex */
	char peer[LSW_ADDR_MAX + 1], local[LSW_ADDR_MAX + 1];  /* SPIS */
};

/* One --trafficstatus line:
 *   #2: "NAME"[INST], type=ESP, add_time=1796534758, inBytes=252,
 *       outBytes=252, maxBytes=2^63B, id='192.0.2.2'
 * Fields not printed are LSW_NONE (numbers) or "" (strings). */
struct lsw_traffic {
	uint32_t serial;
	char conn[LSW_NAME_MAX + 1];
	uint32_t instance;
	char type[8];                    /* "ESP", "AH", "IPCOMP" */
	int64_t add_time, in_bytes, out_bytes;
	char id[LSW_ID_MAX + 1];
};

/* One --globalstatus line: key=value with a decimal value (other values
 * are skipped). */
struct lsw_global {
	char key[LSW_KEY_MAX + 1];
	uint64_t value;
};

/* pluto's version from --status ("pluto_version=4.10, ..."): 0, or
 * -ENOENT when it is not there (out is then ""). */
int lsw_parse_version(const char *buf, size_t len, char *out, size_t cap);

int lsw_parse_conns(const char *buf, size_t len,
		    int (*cb)(void *ctx, const struct lsw_conn *c), void *ctx,
		    struct ikw_err *err);
int lsw_parse_states(const char *buf, size_t len,
		     int (*cb)(void *ctx, const struct lsw_state *s), void *ctx,
		     struct ikw_err *err);
int lsw_parse_traffic(const char *buf, size_t len,
		      int (*cb)(void *ctx, const struct lsw_traffic *t), void *ctx,
		      struct ikw_err *err);
int lsw_parse_global(const char *buf, size_t len,
		     int (*cb)(void *ctx, const struct lsw_global *g), void *ctx,
		     struct ikw_err *err);

#endif
