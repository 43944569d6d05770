/* One run of one probe, as a state machine over non-blocking sockets, so
 * that one thread drives many runs at once and a slow one delays no other:
 *   probe_run_start()  opens the socket and sends what is due;
 *   probe_run_pollfds() lists the descriptors to wait on;
 *   probe_run_io()     handles one that poll() reported;
 *   probe_run_tick()   sends the next attempt, ends attempts and phases
 *                      whose time is up;
 *   probe_run_done()   tells when r->res holds the result.
 * Times are CLOCK_MONOTONIC nanoseconds.
 *
 * icmp: `count` echo requests `spacing` apart; each answered one gives an
 *   RTT; success when any is answered, loss = unanswered / sent.
 * tcp:  `count` connects `spacing` apart; a reset (closed port) is an
 *   answer from the far side (no loss, RTT recorded) but not a success.
 * mtu:  the DF ladder of mtu.h; success when the smallest size passes.
 * http: one connect (https: and TLS handshake) and GET (probe_http.h);
 *       success when the whole answer came back as expected. */
#ifndef IKW_PROBE_RUN_H
#define IKW_PROBE_RUN_H

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/icmp.h"
#include "probe/icmp6.h"
#include "probe/icmp_mux.h"
#include "probe/mtu.h"
#include "probe/netns_cache.h"
#include "probe/probe.h"
#include "probe/probe_http.h"
#include "probe/probe_store.h"

#define PROBE_RUN_FDS PROBE_COUNT_MAX
#define PROBE_RECV_BATCH 64       /* messages read per wake-up, then poll again */
/* the largest ICMP message read: an error quoting our largest request,
 * IP options included */
#define PROBE_ICMP_RECV_MAX (ICMP_IP_HDR_MIN * 3 + ICMP_ECHO_HDR + PROBE_MTU_MAX)

/* What the runs of one scheduler share: ICMP sockets, open namespaces. */
struct probe_shared {
	struct icmp_mux mux;
	struct netns_cache ns;
};

enum probe_attempt {
	ATT_NONE,                 /* not sent yet */
	ATT_PENDING,
	ATT_ANSWERED,             /* reply, connect, or a phase rung that passed */
	ATT_REFUSED,              /* tcp reset */
	ATT_UNREACHABLE,
	ATT_ERROR,                /* local: EMSGSIZE, no route, send failed */
	ATT_TIMEOUT,
};

struct probe_run {
	const struct probe_spec *spec;
	size_t idx;
	struct probe_addrs addrs;
	int64_t next_ns;          /* next send (icmp, tcp), or phase end (mtu) */
	unsigned sent;
	enum probe_attempt att[MTU_RUNGS > PROBE_COUNT_MAX ? MTU_RUNGS : PROBE_COUNT_MAX];
	int64_t sent_ns[MTU_RUNGS > PROBE_COUNT_MAX ? MTU_RUNGS : PROBE_COUNT_MAX];
	int fd[PROBE_RUN_FDS];    /* icmp/mtu/http: fd[0]; tcp: one per attempt; -1 */
	struct probe_shared *sh;  /* the scheduler's, or NULL: nothing shared */
	int mux_idx;              /* the shared socket used, or -1: fd[0] */
	int icmp_fd;              /* icmp/mtu: where requests go (either) */
	bool raw;                 /* icmp socket with IP headers */
	uint16_t id;
	uint32_t token;
	struct mtu_search mtu;
	double first_rtt;         /* mtu: the smallest size's, phase 1; < 0 none */
	struct probe_http http;
	const struct probe_tls_cred *tls;  /* https: the trust; else NULL */
	bool done;
	struct probe_result res;
};

/* Starts a run of spec (index idx) with the addresses addrs.  token tells
 * this run's replies from any other's (its low 16 bits are the echo
 * identifier: the caller keeps them distinct among the runs in flight).
 * sh: shared sockets and namespaces to use (NULL: sockets of its own).
 * tls is an https probe's trust (probe_tls_trust.h, outliving the run),
 * else NULL.  On a local failure (socket, namespace) the run is done at once
 * with a failed result. */
void probe_run_start(struct probe_run *r, const struct probe_spec *spec, size_t idx,
		     const struct probe_addrs *addrs, uint32_t token, struct probe_shared *sh,
		     int64_t now, const struct probe_tls_cred *tls);
/* One message read from shared socket mux_idx; ignored unless it is this
 * run's. */
void probe_run_icmp(struct probe_run *r, int mux_idx, const struct icmp_msg *m, int64_t now);
/* The same for ICMPv6, whose sender comes apart from the message. */
void probe_run_icmp6(struct probe_run *r, int mux_idx, const struct icmp6_msg *m,
		     const struct sockaddr_in6 *from, int64_t now);
/* Appends this run's descriptors to pfd (room for PROBE_RUN_FDS). */
size_t probe_run_pollfds(const struct probe_run *r, struct pollfd *pfd);
void probe_run_io(struct probe_run *r, int fd, short revents, int64_t now);
void probe_run_tick(struct probe_run *r, int64_t now);
/* The next time probe_run_tick() has something to do. */
int64_t probe_run_next(const struct probe_run *r);
static inline bool probe_run_done(const struct probe_run *r) { return r->done; }
/* Closes what is still open (a stopped scheduler). */
void probe_run_abort(struct probe_run *r);

#endif
