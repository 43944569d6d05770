/* NETLINK_XFRM dumps over a plain netlink socket with the kernel's headers,
 * not libmnl or libnl-xfrm: the pure parser walks the attributes itself (so
 * the fuzzer and the tests need no socket), which leaves this side only
 * socket/send/poll/recv; a library would add a dependency for that, and
 * libnl-xfrm's object caches would copy every SA, keys included. */
#include "collect/xfrm_dump.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The kernel fills dump messages up to 32 KiB (netlink_recvmsg caps its
 * max_recvmsg_len there); twice that, and MSG_TRUNC says if it ever grows. */
#define XD_BUF (64 * 1024)

/* --- the socket, possibly in another namespace --- */

static int xd_socket(struct ikw_err *err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);

	if (fd < 0)
		return err_set(err, -errno, "socket(NETLINK_XFRM): %s",
			       strerror(errno));
	return fd;
}

struct xd_ns_job {
	char path[PATH_MAX];
	int fd;                   /* the socket, or a negative errno */
	struct ikw_err err;
};

/* Runs in its own thread: setns() changes only the calling thread's network
 * namespace, and a socket stays in the namespace it was created in, so the
 * thread can end and the caller keeps the socket and its own namespace. */
static void *xd_ns_main(void *arg)
{
	struct xd_ns_job *j = arg;
	int ns = open(j->path, O_RDONLY | O_CLOEXEC);

	if (ns < 0) {
		j->fd = err_set(&j->err, -errno, "cannot open '%s': %s", j->path,
				strerror(errno));
		return NULL;
	}
	if (setns(ns, CLONE_NEWNET))
		j->fd = err_set(&j->err, -errno, "setns '%s': %s", j->path,
				strerror(errno));
	else
		j->fd = xd_socket(&j->err);
	close(ns);
	return NULL;
}

/* A name as `ip netns` makes them: one path component. */
static bool xd_netns_name_ok(const char *name)
{
	return name[0] && strlen(name) <= NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

static int xd_open(const char *netns, struct ikw_err *err)
{
	struct xd_ns_job *j;
	pthread_t t;
	int r;

	if (!netns || !netns[0])
		return xd_socket(err);
	if (!xd_netns_name_ok(netns))
		return err_set(err, -EINVAL, "bad network namespace name '%s'", netns);
	j = calloc(1, sizeof(*j));
	if (!j)
		return err_set(err, -ENOMEM, "out of memory");
	snprintf(j->path, sizeof(j->path), "/run/netns/%s", netns);
	r = pthread_create(&t, NULL, xd_ns_main, j);
	if (r) {
		free(j);
		return err_set(err, -r, "cannot start a thread: %s", strerror(r));
	}
	pthread_join(t, NULL);
	r = j->fd;
	if (r < 0 && err)
		*err = j->err;
	free(j);
	return r;
}

/* --- one dump --- */

static int xd_send(int fd, uint16_t type, uint32_t seq, struct ikw_err *err)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr h = {
		.nlmsg_len = sizeof(h),
		.nlmsg_type = type,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nlmsg_seq = seq,
	};
	ssize_t n;

	do
		n = sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, -errno, "send: %s", strerror(errno));
	return 0;
}

static int xd_wait(int fd, const struct deadline *dl, struct ikw_err *err)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, deadline_remaining_ms(dl));

		if (n > 0)
			return 0;
		if (n == 0)
			return err_set(err, -ETIMEDOUT, "timed out reading "
				       "from the kernel");
		if (errno != EINTR)
			return err_set(err, -errno, "poll: %s", strerror(errno));
	}
}

/* One datagram into buf; 0 when there was nothing for us after all. */
static ssize_t xd_recv(int fd, uint8_t *buf, struct ikw_err *err)
{
	struct sockaddr_nl from;
	socklen_t flen = sizeof(from);
	ssize_t n = recvfrom(fd, buf, XD_BUF, MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&from, &flen);

	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		return err_set(err, -errno, "recv: %s", strerror(errno));
	}
	if (n > XD_BUF)
		return err_set(err, -EMSGSIZE, "a %zd-byte netlink datagram "
			       "exceeds the %d-byte buffer", n, XD_BUF);
	/* other processes may send to our port; only the kernel answers */
	if (flen < sizeof(from) || from.nl_pid != 0)
		return 0;
	return n;
}

/* Sends one dump request and parses replies until NLMSG_DONE. */
static int xd_dump_once(int fd, uint16_t type, uint32_t seq, uint8_t *buf,
			const struct xfrm_parse_cb *cb, const struct deadline *dl,
			struct ikw_err *err)
{
	struct xfrm_parse_state st;
	int r = xd_send(fd, type, seq, err);

	xfrm_parse_init(&st, seq);
	while (!r) {
		ssize_t n;

		r = xd_wait(fd, dl, err);
		if (r)
			break;
		n = xd_recv(fd, buf, err);
		if (n < 0)
			return (int)n;
		if (n > 0)
			r = xfrm_parse(&st, buf, (size_t)n, cb, err);
	}
	return r;
}

/* --- collecting into the snapshot --- */

struct xd_ctx {
	struct xfrm_snapshot *s;
	size_t alloc;
	size_t max_sas, max_policies;
};

static int xd_on_sa(void *arg, const struct xfrm_sa_rec *sa,
		    struct ikw_err *err)
{
	struct xd_ctx *c = arg;
	struct xfrm_snapshot *s = c->s;

	if (s->nsas >= c->max_sas)
		return err_set(err, -E2BIG, "more than %zu SAs in the kernel "
			       "(the max_sas cap)", c->max_sas);
	if (s->nsas == c->alloc) {
		size_t n = c->alloc ? c->alloc * 2 : 64;
		struct xfrm_sa_rec *p;

		if (n > c->max_sas)
			n = c->max_sas;
		p = realloc(s->sas, n * sizeof(*p));
		if (!p)
			return err_set(err, -ENOMEM, "out of memory for %zu SAs", n);
		s->sas = p;
		c->alloc = n;
	}
	s->sas[s->nsas++] = *sa;
	return 0;
}

static int xd_on_policy(void *arg, const struct xfrm_pol_rec *pol,
			struct ikw_err *err)
{
	struct xd_ctx *c = arg;
	struct xfrm_snapshot *s = c->s;

	if (s->npolicies >= c->max_policies)
		return err_set(err, -E2BIG, "more than %zu policies in the kernel "
			       "(the max_policies cap)", c->max_policies);
	s->npolicies++;
	if (pol->dir < XFRM_DIR_COUNT && pol->action < XFRM_ACTION_COUNT)
		s->policies[pol->dir][pol->action]++;
	else
		s->policies_other++;
	return 0;
}

/* Discards what an interrupted dump delivered. */
static void xd_reset(struct xfrm_snapshot *s, uint16_t type)
{
	if (type == XFRM_MSG_GETSA) {
		s->nsas = 0;
		return;
	}
	memset(s->policies, 0, sizeof(s->policies));
	s->policies_other = 0;
	s->npolicies = 0;
}

/* One table, dumped again while the kernel says it changed meanwhile. */
static int xd_dump_table(int fd, uint16_t type, unsigned attempts,
			 uint32_t *seq, uint8_t *buf, struct xd_ctx *c,
			 const struct deadline *dl, struct ikw_err *err)
{
	const struct xfrm_parse_cb cb = { xd_on_sa, xd_on_policy, c };
	const char *what = type == XFRM_MSG_GETSA ? "SA" : "policy";
	unsigned i;
	int r;

	for (i = 0; i < attempts; i++) {
		xd_reset(c->s, type);
		c->s->attempts++;
		r = xd_dump_once(fd, type, ++*seq, buf, &cb, dl, err);
		if (r == -EPERM)
			return err_prefix(err, r, "XFRM %s dump (needs "
					  "CAP_NET_ADMIN)", what);
		if (r < 0)
			return err_prefix(err, r, "XFRM %s dump", what);
		if (r == XFRM_PARSE_DONE)
			return 0;
	}
	return err_set(err, -EAGAIN, "XFRM %s dump: the kernel's table changed "
		       "during each of %u attempts", what, attempts);
}

void xfrm_snapshot_free(struct xfrm_snapshot *s)
{
	if (!s)
		return;
	free(s->sas);
	free(s);
}

/* Both tables, the SAs first; the caps and attempts from opts. */
static int xd_dump_all(const struct xfrm_dump_opts *o,
		       const struct deadline *dl, struct xd_ctx *c, uint8_t *buf,
		       struct ikw_err *err)
{
	unsigned attempts = o->attempts ? o->attempts : XFRM_DUMP_ATTEMPTS;
	uint32_t seq = 0;
	int fd, r;

	c->max_sas = o->max_sas ? o->max_sas : XFRM_DUMP_MAX_SAS;
	c->max_policies = o->max_policies ? o->max_policies
					  : XFRM_DUMP_MAX_POLICIES;
	fd = xd_open(o->netns, err);
	if (fd < 0)
		return fd;
	r = xd_dump_table(fd, XFRM_MSG_GETSA, attempts, &seq, buf, c, dl, err);
	if (!r)
		r = xd_dump_table(fd, XFRM_MSG_GETPOLICY, attempts, &seq, buf, c,
				  dl, err);
	close(fd);
	return r;
}

int xfrm_dump(const struct xfrm_dump_opts *opts, const struct deadline *dl,
	      struct xfrm_snapshot **out, struct ikw_err *err)
{
	static const struct xfrm_dump_opts defaults;
	struct xd_ctx c = { .s = calloc(1, sizeof(*c.s)) };
	uint8_t *buf = malloc(XD_BUF);
	int r;

	*out = NULL;
	if (!buf || !c.s)
		r = err_set(err, -ENOMEM, "out of memory");
	else
		r = xd_dump_all(opts ? opts : &defaults, dl, &c, buf, err);
	free(buf);
	if (r < 0) {
		xfrm_snapshot_free(c.s);
		return r;
	}
	*out = c.s;
	return 0;
}
