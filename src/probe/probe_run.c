#include "probe/probe_run.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "probe/icmp.h"
#include "probe/icmp6.h"
#include "probe/probe_addr.h"
#include "probe/probe_sock.h"

#define PR_NS_PER_MS 1000000LL
#define PR_IP_ICMP_HDRS (ICMP_IP_HDR_MIN + ICMP_ECHO_HDR)
#define PR_IP6_ICMP6_HDRS (ICMP6_IP6_HDR + ICMP6_ECHO_HDR)
#define PR_PHASE_SHIFT 8          /* mtu: sequence = phase << 8 | rung */

static int64_t pr_ms(uint32_t ms)
{
	return (int64_t)ms * PR_NS_PER_MS;
}

static double pr_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool pr_v6(const struct probe_run *r)
{
	return r->addrs.target.family == AF_INET6;
}

static size_t pr_attempts(const struct probe_run *r)
{
	return r->spec->type == PROBE_MTU ? r->mtu.nrungs : r->spec->count;
}

static struct probe_sock_opts pr_sock_opts(const struct probe_run *r)
{
	return (struct probe_sock_opts){
		.netns = r->spec->netns, .ifname = r->spec->interface,
		.family = r->addrs.target.family,
		.has_source = r->addrs.has_source, .source = r->addrs.source,
		.icmp_id = r->id, .nsc = r->sh ? &r->sh->ns : NULL,
	};
}

static void pr_close(struct probe_run *r, size_t i)
{
	if (r->fd[i] >= 0)
		close(r->fd[i]);
	r->fd[i] = -1;
}

void probe_run_abort(struct probe_run *r)
{
	size_t i;

	for (i = 0; i < PROBE_RUN_FDS; i++)
		pr_close(r, i);
	if (r->mux_idx >= 0)
		icmp_mux_release(&r->sh->mux, r->mux_idx);
	r->mux_idx = -1;
	r->icmp_fd = -1;
	probe_http_release(&r->http);
}

/* ---- the result -------------------------------------------------------- */

static enum probe_fail pr_fail_reason(const struct probe_run *r)
{
	bool refused = false, unreach = false, error = false;
	size_t i;

	for (i = 0; i < r->spec->count && i < PROBE_COUNT_MAX; i++) {
		refused |= r->att[i] == ATT_REFUSED;
		unreach |= r->att[i] == ATT_UNREACHABLE;
		error |= r->att[i] == ATT_ERROR;
	}
	if (refused)
		return PROBE_FAIL_REFUSED;
	if (unreach)
		return PROBE_FAIL_UNREACHABLE;
	return error ? PROBE_FAIL_ERROR : PROBE_FAIL_TIMEOUT;
}

static void pr_finish_attempts(struct probe_run *r)
{
	unsigned ok = 0, answered = 0, i;

	for (i = 0; i < r->spec->count && i < PROBE_COUNT_MAX; i++) {
		ok += r->att[i] == ATT_ANSWERED;
		answered += r->att[i] == ATT_ANSWERED || r->att[i] == ATT_REFUSED;
	}
	r->res.success = ok > 0;
	r->res.loss_ratio = (double)(r->spec->count - answered) / r->spec->count;
	r->res.fail = r->res.success ? PROBE_FAIL_NONE : pr_fail_reason(r);
}

static void pr_finish_mtu(struct probe_run *r)
{
	r->res.mtu = mtu_search_result(&r->mtu);
	r->res.success = r->res.mtu > 0;
	r->res.loss_ratio = NAN;
	if (r->first_rtt >= 0)
		r->res.rtt[r->res.nrtt++] = r->first_rtt;
	/* att[0] still holds the smallest size of the only phase that ran */
	if (!r->res.success)
		r->res.fail = r->att[0] == ATT_UNREACHABLE ? PROBE_FAIL_UNREACHABLE :
			      r->att[0] == ATT_ERROR ? PROBE_FAIL_ERROR : PROBE_FAIL_TIMEOUT;
}

static void pr_finish(struct probe_run *r)
{
	probe_run_abort(r);
	if (r->spec->type == PROBE_MTU)
		pr_finish_mtu(r);
	else if (r->spec->type == PROBE_HTTP)
		probe_http_result(&r->http, &r->res);
	else
		pr_finish_attempts(r);
	r->res.finished_at = pr_realtime();
	r->done = true;
}

/* A run that could not start: no socket, or no address to probe. */
static void pr_fail_now(struct probe_run *r, enum probe_fail why, const char *msg)
{
	log_debug("probe %s/%s/%s: %s", r->spec->conn, r->spec->child, r->spec->name, msg);
	probe_run_abort(r);
	r->res.success = false;
	r->res.fail = why;
	r->res.loss_ratio = r->spec->type == PROBE_MTU || r->spec->type == PROBE_HTTP ? NAN : 1.0;
	r->res.finished_at = pr_realtime();
	r->done = true;
}

/* ---- ICMP --------------------------------------------------------------- */

static enum probe_attempt pr_errno_attempt(int e)
{
	if (e == ECONNREFUSED)
		return ATT_REFUSED;
	if (e == ENETUNREACH || e == EHOSTUNREACH)
		return ATT_UNREACHABLE;
	if (e == ETIMEDOUT)
		return ATT_TIMEOUT;
	return ATT_ERROR;
}

/* Sends one echo request of payload bytes as sequence seq into slot. */
static void pr_icmp_send(struct probe_run *r, size_t slot, uint16_t seq, size_t payload,
			 int64_t now)
{
	uint8_t buf[ICMP_ECHO_HDR + PROBE_MTU_MAX];
	size_t len = pr_v6(r) ? icmp6_build_echo(buf, sizeof(buf), r->id, seq, r->token, payload) :
				icmp_build_echo(buf, sizeof(buf), r->id, seq, r->token, payload);
	/* an own socket is bound to the source already */
	bool from = r->mux_idx >= 0 && r->addrs.has_source;
	int e;

	r->sent_ns[slot] = now;
	if (!len) {
		r->att[slot] = ATT_ERROR;
		return;
	}
	e = probe_sock_send_icmp(r->icmp_fd, buf, len, &r->addrs.target,
				 from ? &r->addrs.source : NULL);
	r->att[slot] = e ? pr_errno_attempt(-e) : ATT_PENDING;
}

/* Which slot a message with sequence seq answers, or -1. */
static int pr_slot(const struct probe_run *r, uint16_t seq)
{
	if (r->spec->type != PROBE_MTU)
		return seq < r->sent ? (int)seq : -1;
	if ((seq >> PR_PHASE_SHIFT) != r->mtu.phases || (seq & 0xff) >= r->mtu.nrungs)
		return -1;
	return seq & 0xff;
}

static void pr_answer(struct probe_run *r, int slot, enum probe_attempt a, int64_t now)
{
	double rtt;

	if (slot < 0 || r->att[slot] != ATT_PENDING)
		return;
	rtt = (double)(now - r->sent_ns[slot]) / 1e9;
	r->att[slot] = a;
	if (a != ATT_ANSWERED && a != ATT_REFUSED)
		return;
	if (r->spec->type == PROBE_MTU) {
		if (r->mtu.phases == 1 && slot == 0)
			r->first_rtt = rtt;
	} else if (r->res.nrtt < PROBE_COUNT_MAX) {
		r->res.rtt[r->res.nrtt++] = rtt;
	}
}

static void pr_icmp_handle(struct probe_run *r, const struct icmp_msg *m, int64_t now)
{
	if (m->kind == ICMP_KIND_ECHO_REPLY) {
		/* ping sockets see only their own replies; raw ones see all */
		if (!m->tagged || m->token != r->token ||
		    (r->raw && (m->src != htonl(r->addrs.target.u.v4) || m->id != r->id)))
			return;
		pr_answer(r, pr_slot(r, m->seq), ATT_ANSWERED, now);
	} else if (m->kind != ICMP_KIND_OTHER && r->raw &&
		   m->quoted_dst == htonl(r->addrs.target.u.v4) && m->id == r->id) {
		pr_answer(r, pr_slot(r, m->seq), ATT_UNREACHABLE, now);
	}
}

static void pr_icmp_msg(struct probe_run *r, const uint8_t *buf, size_t len, int64_t now)
{
	struct icmp_msg m;

	if (icmp_parse(buf, len, r->raw, &m) == 0)
		pr_icmp_handle(r, &m, now);
}

void probe_run_icmp(struct probe_run *r, int mux_idx, const struct icmp_msg *m, int64_t now)
{
	if (r->done || r->mux_idx < 0 || r->mux_idx != mux_idx || m->id != r->id)
		return;
	pr_icmp_handle(r, m, now);
	probe_run_tick(r, now);
}

static void pr_log_too_big(const struct probe_run *r, uint32_t mtu)
{
	log_debug("probe %s/%s/%s: packet too big (MTU %u)", r->spec->conn, r->spec->child,
		  r->spec->name, (unsigned)mtu);
}

/* The same for ICMPv6, where a raw socket gives the sender (from) apart
 * from the message.  A Packet Too Big fails its rung like an unreachable:
 * the size did not pass, whatever MTU the router names (the search, not
 * the router, says what passes; debug logs show the router's word). */
static void pr_icmp6_handle(struct probe_run *r, const struct icmp6_msg *m,
			    const struct sockaddr_in6 *from, int64_t now)
{
	if (m->kind == ICMP6_KIND_ECHO_REPLY) {
		if (!m->tagged || m->token != r->token ||
		    (r->raw && (from->sin6_family != AF_INET6 || m->id != r->id ||
				memcmp(&from->sin6_addr, r->addrs.target.u.v6, 16))))
			return;
		pr_answer(r, pr_slot(r, m->seq), ATT_ANSWERED, now);
	} else if (m->kind != ICMP6_KIND_OTHER && r->raw && m->id == r->id &&
		   !memcmp(m->quoted_dst, r->addrs.target.u.v6, 16)) {
		if (m->kind == ICMP6_KIND_TOO_BIG)
			pr_log_too_big(r, m->mtu);
		pr_answer(r, pr_slot(r, m->seq), ATT_UNREACHABLE, now);
	}
}

static void pr_icmp6_msg(struct probe_run *r, const uint8_t *buf, size_t len,
			 const struct sockaddr_in6 *from, int64_t now)
{
	struct icmp6_msg m;

	if (icmp6_parse(buf, len, &m) == 0)
		pr_icmp6_handle(r, &m, from, now);
}

void probe_run_icmp6(struct probe_run *r, int mux_idx, const struct icmp6_msg *m,
		     const struct sockaddr_in6 *from, int64_t now)
{
	if (r->done || r->mux_idx < 0 || r->mux_idx != mux_idx || m->id != r->id)
		return;
	pr_icmp6_handle(r, m, from, now);
	probe_run_tick(r, now);
}

/* An extended error of the ping socket's error queue from an ICMP (or
 * ICMPv6) message, as opposed to a local one. */
static bool pr_icmp_remote_error(const struct cmsghdr *c, struct sock_extended_err *ee)
{
	bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
	bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;

	if ((!v4 && !v6) || c->cmsg_len < CMSG_LEN(sizeof(*ee)))
		return false;
	memcpy(ee, CMSG_DATA(c), sizeof(*ee));
	return v4 ? ee->ee_origin == SO_EE_ORIGIN_ICMP : ee->ee_origin == SO_EE_ORIGIN_ICMP6;
}

/* A ping socket's error queue: ICMP errors quoting our requests (their
 * sequence number is in the quoted header); local errors are ignored here,
 * sendto() reported them. */
static void pr_icmp_errqueue(struct probe_run *r, int64_t now)
{
	uint8_t data[64], ctl[256];
	int i;

	for (i = 0; i < PROBE_RECV_BATCH; i++) {
		struct iovec iov = { data, sizeof(data) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		struct cmsghdr *c;
		ssize_t n = recvmsg(r->fd[0], &mh, MSG_ERRQUEUE | MSG_DONTWAIT);

		if (n < 0)
			return;
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			struct sock_extended_err ee;

			/* the data is our request, whose echo header is the
			 * same in both families */
			if (!pr_icmp_remote_error(c, &ee) || n < ICMP_ECHO_HDR)
				continue;
			if (ee.ee_origin == SO_EE_ORIGIN_ICMP6 && ee.ee_type == ICMP6_PKT_TOO_BIG)
				pr_log_too_big(r, ee.ee_info);
			pr_answer(r, pr_slot(r, (uint16_t)(data[6] << 8 | data[7])),
				  ATT_UNREACHABLE, now);
		}
	}
}

static void pr_icmp_io(struct probe_run *r, short revents, int64_t now)
{
	uint8_t buf[PROBE_ICMP_RECV_MAX];
	struct sockaddr_in6 from;
	socklen_t fromlen;
	ssize_t n;
	int i;

	if ((revents & POLLERR) && !r->raw)
		pr_icmp_errqueue(r, now);
	for (i = 0; i < PROBE_RECV_BATCH; i++) {
		fromlen = sizeof(from);
		memset(&from, 0, sizeof(from));
		n = recvfrom(r->fd[0], buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
			     &fromlen);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && !r->raw)
				pr_icmp_errqueue(r, now);
			return;
		}
		if (pr_v6(r))
			pr_icmp6_msg(r, buf, (size_t)n, &from, now);
		else
			pr_icmp_msg(r, buf, (size_t)n, now);
	}
}

/* ---- attempts spaced in time (icmp, tcp) -------------------------------- */

static void pr_tcp_send(struct probe_run *r, size_t k, int64_t now)
{
	struct probe_sock_opts o = pr_sock_opts(r);
	struct ikw_err err = { "" };
	int fd = probe_sock_tcp(&o, &r->addrs.target, r->spec->port, &err);

	r->sent_ns[k] = now;
	if (fd >= 0) {
		r->fd[k] = fd;
		r->att[k] = ATT_PENDING;
		return;
	}
	r->att[k] = pr_errno_attempt(-fd);
	if (r->att[k] == ATT_ERROR)
		log_debug("probe %s/%s/%s: %s", r->spec->conn, r->spec->child, r->spec->name,
			  err.msg[0] ? err.msg : strerror(-fd));
}

static void pr_tcp_io(struct probe_run *r, int fd, int64_t now)
{
	socklen_t len = sizeof(int);
	int e = 0;
	size_t k;

	for (k = 0; k < r->sent && r->fd[k] != fd; k++)
		;
	if (k == r->sent)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len))
		e = errno;
	pr_answer(r, (int)k, e ? pr_errno_attempt(e) : ATT_ANSWERED, now);
	pr_close(r, k);
}

static bool pr_all_decided(const struct probe_run *r)
{
	size_t i, n = pr_attempts(r);

	for (i = 0; i < n; i++)
		if (r->att[i] == ATT_NONE || r->att[i] == ATT_PENDING)
			return false;
	return true;
}

static void pr_spaced_tick(struct probe_run *r, int64_t now)
{
	size_t i;

	while (r->sent < r->spec->count && r->next_ns <= now) {
		if (r->spec->type == PROBE_TCP)
			pr_tcp_send(r, r->sent, now);
		else
			pr_icmp_send(r, r->sent, (uint16_t)r->sent, r->spec->payload, now);
		r->sent++;
		r->next_ns += pr_ms(r->spec->spacing_ms);
	}
	for (i = 0; i < r->sent; i++)
		if (r->att[i] == ATT_PENDING && now >= r->sent_ns[i] + pr_ms(r->spec->timeout_ms)) {
			r->att[i] = ATT_TIMEOUT;
			if (r->spec->type == PROBE_TCP)
				pr_close(r, i);
		}
	if (r->sent == r->spec->count && pr_all_decided(r))
		pr_finish(r);
}

/* ---- HTTP --------------------------------------------------------------- */

static const enum probe_fail pr_attempt_fail[] = {
	[ATT_REFUSED] = PROBE_FAIL_REFUSED, [ATT_UNREACHABLE] = PROBE_FAIL_UNREACHABLE,
	[ATT_TIMEOUT] = PROBE_FAIL_TIMEOUT, [ATT_ERROR] = PROBE_FAIL_ERROR,
};

static void pr_http_start(struct probe_run *r, int64_t now)
{
	struct probe_sock_opts o = pr_sock_opts(r);
	struct ikw_err err = { "" };
	char host[PROBE_HOSTPORT_MAX], addr[PROBE_ADDR_MAX];
	int fd = probe_sock_tcp(&o, &r->addrs.target, r->spec->port, &err);

	if (fd < 0) {
		pr_fail_now(r, pr_attempt_fail[pr_errno_attempt(-fd)],
			    err.msg[0] ? err.msg : strerror(-fd));
		return;
	}
	r->fd[0] = fd;
	probe_addr_format_host(&r->addrs.target, host, sizeof(host));
	probe_http_begin(&r->http, r->spec, host, now);
	if (r->spec->tls) {
		probe_addr_format(&r->addrs.target, addr, sizeof(addr));
		probe_http_tls(&r->http, r->spec, r->tls, addr);
	}
}

static void pr_http_tick(struct probe_run *r, int64_t now)
{
	probe_http_tick(&r->http, r->spec, now);
	if (r->http.done)
		pr_finish(r);
}

/* ---- MTU ---------------------------------------------------------------- */

/* Sends the next phase's ladder, or ends the run when the search is over. */
static void pr_mtu_phase(struct probe_run *r, int64_t now)
{
	size_t i, n = mtu_search_plan(&r->mtu);

	if (n == 0) {
		pr_finish(r);
		return;
	}
	memset(r->att, 0, sizeof(r->att));
	for (i = 0; i < n; i++)
		pr_icmp_send(r, i, (uint16_t)(r->mtu.phases << PR_PHASE_SHIFT | i),
			     r->mtu.rungs[i] - (pr_v6(r) ? PR_IP6_ICMP6_HDRS : PR_IP_ICMP_HDRS), now);
	r->next_ns = now + pr_ms(r->spec->timeout_ms);
}

static void pr_mtu_tick(struct probe_run *r, int64_t now)
{
	size_t i;

	if (now < r->next_ns && !pr_all_decided(r))
		return;
	for (i = 0; i < r->mtu.nrungs; i++)
		r->mtu.passed[i] = r->att[i] == ATT_ANSWERED;
	/* the run's verdict reads att[0] of the first phase if nothing passed */
	if (r->mtu.phases == 1 && !r->mtu.passed[0] && r->att[0] == ATT_PENDING)
		r->att[0] = ATT_TIMEOUT;
	mtu_search_end_phase(&r->mtu);
	if (mtu_search_result(&r->mtu) == 0) {
		pr_finish(r);
		return;
	}
	pr_mtu_phase(r, now);
}

/* ---- the interface ------------------------------------------------------ */

static void pr_labels(struct probe_run *r)
{
	if (r->addrs.target_known) {
		if (r->spec->type == PROBE_TCP || r->spec->type == PROBE_HTTP)
			probe_addr_format_port(&r->addrs.target, r->spec->port, r->res.target,
					       sizeof(r->res.target));
		else
			probe_addr_format(&r->addrs.target, r->res.target, sizeof(r->res.target));
	}
	if (r->addrs.has_source)
		probe_addr_format(&r->addrs.source, r->res.source, sizeof(r->res.source));
}

/* A shared socket when the scheduler has them and we may open raw ones
 * (probe/icmp_mux.h; IPv4 only: its kernel filter reads IPv4 headers); else
 * one of our own: a ping socket, or raw. */
static bool pr_open_icmp(struct probe_run *r, int64_t now)
{
	struct probe_sock_opts o = pr_sock_opts(r);
	struct ikw_err err = { "" };
	bool df = r->spec->type == PROBE_MTU;
	int fd = -EPERM;

	if (r->sh) {
		fd = icmp_mux_acquire(&r->sh->mux, &o, df, now, &err);
		if (fd >= 0) {
			r->mux_idx = fd;
			r->icmp_fd = r->sh->mux.s[fd].fd;
			r->raw = true;
			return true;
		}
	}
	if (fd == -EPERM || fd == -EACCES || fd == -ENOSPC) {
		err.msg[0] = '\0';
		fd = probe_sock_icmp(&o, df, &r->raw, &err);
	}
	if (fd < 0) {
		pr_fail_now(r, PROBE_FAIL_ERROR, err.msg);
		return false;
	}
	r->fd[0] = r->icmp_fd = fd;
	return true;
}

void probe_run_start(struct probe_run *r, const struct probe_spec *spec, size_t idx,
		     const struct probe_addrs *addrs, uint32_t token, struct probe_shared *sh,
		     int64_t now, const struct probe_tls_cred *tls)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < PROBE_RUN_FDS; i++)
		r->fd[i] = -1;
	r->sh = sh;
	r->mux_idx = -1;
	r->icmp_fd = -1;
	r->spec = spec;
	r->idx = idx;
	r->addrs = *addrs;
	r->token = token;
	r->tls = tls;
	r->id = (uint16_t)token;
	r->first_rtt = -1;
	for (i = 0; i < PROBE_HTTP_PHASES; i++)
		r->res.http.phase[i] = -1;   /* a run that cannot start reaches none */
	r->next_ns = now;
	pr_labels(r);
	if (!addrs->target_known || addrs->source_unknown) {
		pr_fail_now(r, PROBE_FAIL_UNRESOLVED, "no address derived from the traffic selectors yet");
		return;
	}
	if (addrs->has_source && addrs->source.family != addrs->target.family) {
		pr_fail_now(r, PROBE_FAIL_ERROR, "the source and the target are of two families");
		return;
	}
	if (spec->type == PROBE_HTTP && spec->tls && !tls) {
		pr_fail_now(r, PROBE_FAIL_ERROR, "no TLS trust set up");
		return;
	}
	if (spec->type == PROBE_HTTP) {
		pr_http_start(r, now);
		return;
	}
	if (spec->type != PROBE_TCP && !pr_open_icmp(r, now))
		return;
	if (spec->type == PROBE_MTU) {
		mtu_search_init(&r->mtu, probe_spec_mtu_min(spec, addrs->target.family),
				spec->mtu_max);
		pr_mtu_phase(r, now);
	} else {
		pr_spaced_tick(r, now);
	}
}

size_t probe_run_pollfds(const struct probe_run *r, struct pollfd *pfd)
{
	size_t i, n = 0;

	for (i = 0; i < PROBE_RUN_FDS && !r->done; i++)
		if (r->fd[i] >= 0)
			pfd[n++] = (struct pollfd){ r->fd[i],
				r->spec->type == PROBE_TCP ? POLLOUT :
				r->spec->type == PROBE_HTTP ? probe_http_events(&r->http) : POLLIN, 0 };
	return n;
}

void probe_run_io(struct probe_run *r, int fd, short revents, int64_t now)
{
	if (r->done)
		return;
	if (r->spec->type == PROBE_TCP)
		pr_tcp_io(r, fd, now);
	else if (r->spec->type == PROBE_HTTP)
		probe_http_io(&r->http, r->spec, fd, revents, now);
	else
		pr_icmp_io(r, revents, now);
	probe_run_tick(r, now);
}

void probe_run_tick(struct probe_run *r, int64_t now)
{
	if (r->done)
		return;
	if (r->spec->type == PROBE_MTU)
		pr_mtu_tick(r, now);
	else if (r->spec->type == PROBE_HTTP)
		pr_http_tick(r, now);
	else
		pr_spaced_tick(r, now);
}

int64_t probe_run_next(const struct probe_run *r)
{
	int64_t next = INT64_MAX, t;
	size_t i;

	if (r->done)
		return next;
	if (r->spec->type == PROBE_MTU)
		return r->next_ns;
	if (r->spec->type == PROBE_HTTP)
		return probe_http_next(&r->http, r->spec);
	if (r->sent < r->spec->count)
		next = r->next_ns;
	for (i = 0; i < r->sent; i++)
		if (r->att[i] == ATT_PENDING) {
			t = r->sent_ns[i] + pr_ms(r->spec->timeout_ms);
			if (t < next)
				next = t;
		}
	return next;
}
