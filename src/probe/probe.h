/* Data-plane probes: what one probe is (from the `probes:` config) and the
 * limits that bound it.  A probe sends packets through one tunnel, from the
 * tunnel's local inner address to an address behind the peer, so that "SA up
 * but no traffic passes" shows (docs/metrics.md "Probes").  IPv4 or IPv6:
 * a probe's family is its target's (probe/probe_addr.h). */
#ifndef IKW_PROBE_H
#define IKW_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/probe_view.h"

/* enum probe_type and enum probe_fail are the snapshot's: model/probe_view.h */

#define PROBES_MAX 10000              /* probes in one config */
#define PROBE_LABEL_MAX 128           /* conn, child and probe names */
#define PROBE_COUNT_MAX 16            /* attempts per run */
#define PROBE_ADDR_MAX 46             /* an IPv6 address + NUL (INET6_ADDRSTRLEN) */
#define PROBE_IFNAME_MAX 16           /* IFNAMSIZ */
#define PROBE_NETNS_MAX 255           /* NAME_MAX */
#define PROBE_INTERVAL_MIN_MS 1000
#define PROBE_INTERVAL_MAX_MS (3600 * 1000)
#define PROBE_TIMEOUT_MAX_MS 60000
#define PROBE_OFFSET_NONE (-1)        /* target/source given, not derived */
#define PROBE_MTU_MIN 68              /* RFC 791's minimum */
#define PROBE_MTU_MIN_DEFAULT 576     /* IPv4: every host accepts it (RFC 791) */
#define PROBE_MTU_MIN_V6 1280         /* IPv6: every link carries it (RFC 8200) */
#define PROBE_MTU_MAX 9000
#define PROBE_PAYLOAD_MIN 16          /* our tag: magic and token */
#define PROBE_PAYLOAD_MAX 1472
#define PROBE_CONCURRENT_MAX 1024
#define PROBE_PATH_MAX 1024           /* http: request target */
#define PROBE_HOST_MAX 255            /* http: Host header */
#define PROBE_EXPECT_BODY_MAX 256     /* http: the substring looked for */
#define PROBE_STATUS_MAX 16           /* http: expected status codes */
#define PROBE_HTTP_BODY_CAP (1024 * 1024)  /* http: body bytes read at most */
#define PROBE_HTTP_PORT 80
#define PROBE_HTTPS_PORT 443
#define PROBE_CA_FILE_MAX (1024 * 1024)    /* https: a PEM trust list at most */
#define PROBE_FAILING_AFTER_DEFAULT 3
#define PROBE_FAILING_AFTER_MAX 1000

struct probe_spec {
	char *conn, *child, *name;    /* labels; name defaults to the type */
	enum probe_type type;
	char *target;                 /* IPv4 or IPv6; NULL when derived */
	int64_t target_offset;        /* host in the child's remote_ts, or NONE */
	char *source;                 /* same family; NULL: derived or the kernel's */
	int64_t source_offset;        /* host in the child's local_ts, or NONE */
	uint16_t port;                /* tcp, http */
	uint32_t interval_ms, timeout_ms, spacing_ms;
	unsigned count;               /* attempts per run (icmp, tcp) */
	unsigned payload;             /* icmp: ICMP payload bytes */
	unsigned mtu_min, mtu_max;    /* mtu: IP packet sizes searched */
	bool mtu_min_given;           /* else IPv6 searches from PROBE_MTU_MIN_V6 */
	char *netns;                  /* `ip netns` name; NULL: ikewatch's own */
	char *interface;              /* SO_BINDTODEVICE; NULL: none */
	bool quiet_when_traffic;      /* skip a run the tunnel's traffic proved
					 (probe/quiet.h) */
	unsigned failing_after;       /* this many failed runs in a row make
					 the conn probe_failing (status.h) */
	/* http */
	char *path;                   /* request target ("/..."); NULL: "/" */
	char *host;                   /* Host header; NULL: the target address */
	char *expect_body;            /* the body must hold it; NULL: anything */
	uint16_t expect_status[PROBE_STATUS_MAX];
	unsigned nexpect_status;      /* 0: any 2xx */
	uint32_t min_bytes;           /* the answer (head and body) at least */
	uint32_t connect_timeout_ms;  /* 0: up to timeout */
	/* https (scheme: https): the exchange inside TLS (probe_tls.h) */
	bool tls;
	char *server_name;            /* SNI and the name verified; NULL: the
					 Host without its port */
	char *ca_file;                /* PEM trust list; NULL: the system's */
	bool insecure_skip_verify;    /* no certificate check (tests only) */
	uint32_t tls_timeout_ms;      /* the handshake, from the connect; 0: up
					 to timeout */
};

struct probe_config {
	struct probe_spec *v;
	size_t n;
	unsigned max_concurrent;      /* runs in flight at once */
};

#define PROBE_CONCURRENT_DEFAULT 64

/* The most time one run can take, in milliseconds. */
uint64_t probe_spec_max_run_ms(const struct probe_spec *s);
/* The smallest size an mtu probe of family (AF_INET, AF_INET6) searches:
 * mtu_min, but an IPv6 one without an mtu_min of its own starts at 1280,
 * below which no IPv6 link goes (at most mtu_max). */
unsigned probe_spec_mtu_min(const struct probe_spec *s, int family);
/* Frees the strings of one spec. */
void probe_spec_release(struct probe_spec *s);
void probe_config_init(struct probe_config *pc);
/* Frees everything and leaves pc as after probe_config_init. */
void probe_config_release(struct probe_config *pc);

#endif
