/* The probe engine against loopback (127.0.0.1 and ::1 only): ICMP echo,
 * TCP to an open and a closed port, the MTU search, an unresolved target, a
 * missing namespace, and the daemon's scheduler thread; then the same over
 * IPv6 (ICMPv6, TCP, the search from 1280 in whole IPv6 packets, targets in
 * brackets).  Needs CAP_NET_RAW unless net.ipv4.ping_group_range allows ping
 * sockets (the suite runs as root); a host without IPv6 on lo fails. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/log.h"
#include "probe/probe_addr.h"
#include "probe/probe_store.h"
#include "probe/scheduler.h"
#include "testlib.h"

#define NPROBES 6
#define NPROBES6 5

static struct probe_spec specs[NPROBES], specs6[NPROBES6];
static struct probe_config pc = { specs, NPROBES, 4 };
static struct probe_config pc6 = { specs6, NPROBES6, 4 };
static uint16_t open6, closed6;   /* the IPv6 listener's port, and a closed one */

static void spec_in(struct probe_spec *v, size_t i, const char *name, enum probe_type t,
		    const char *target, const char *source, uint16_t port)
{
	v[i] = (struct probe_spec){
		.conn = strdup("lo"), .child = strdup("lo"), .name = strdup(name), .type = t,
		.target = target ? strdup(target) : NULL,
		.target_offset = target ? PROBE_OFFSET_NONE : 0,
		.source = strdup(source), .source_offset = PROBE_OFFSET_NONE,
		.port = port, .interval_ms = 1000, .timeout_ms = 500, .spacing_ms = 10,
		.count = t == PROBE_TCP ? 1 : 3, .payload = 56, .mtu_min = 576, .mtu_max = 1500,
	};
}

static void spec(size_t i, const char *name, enum probe_type t, const char *target,
		 uint16_t port)
{
	spec_in(specs, i, name, t, target, "127.0.0.1", port);
}

/* A listening socket on the loopback address of family (its port in
 * *port), and a port that nothing listens on. */
static int listener(int family, uint16_t *port, uint16_t *closed)
{
	struct probe_ip lo = { .family = (sa_family_t)family };
	struct sockaddr_storage sa;
	socklen_t len;
	int fd = socket(family, SOCK_STREAM, 0), c = socket(family, SOCK_STREAM, 0), r = -1;

	if (probe_addr_parse(family == AF_INET6 ? "::1" : "127.0.0.1", &lo))
		goto out;
	len = probe_addr_sockaddr(&lo, 0, &sa);
	if (fd < 0 || c < 0 || bind(fd, (struct sockaddr *)&sa, len) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		goto out;
	*port = ntohs(((struct sockaddr_in *)&sa)->sin_port);  /* same place in both */
	len = probe_addr_sockaddr(&lo, 0, &sa);
	if (bind(c, (struct sockaddr *)&sa, len) || getsockname(c, (struct sockaddr *)&sa, &len))
		goto out;
	*closed = ntohs(((struct sockaddr_in *)&sa)->sin_port);
	r = fd;
out:
	if (c >= 0)
		close(c);
	if (r < 0 && fd >= 0)
		close(fd);
	return r;
}

static const struct probe_view *find(const struct probe_snapshot *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static void test_once(void)
{
	struct probe_store *st = probe_store_new(&pc);
	struct arena ar = ARENA_INIT;
	struct probe_snapshot snap;
	const struct probe_view *v;

	CHECK_INT(probe_sched_run_once(&pc, st), 0);
	CHECK_INT(probe_store_view(st, &ar, true, &snap), 0);
	CHECK_INT(snap.n, NPROBES);
	v = find(&snap, "icmp");
	CHECK(v && v->success && v->loss_ratio == 0 && v->rtt_count == 3);
	CHECK(v && !strcmp(v->target, "127.0.0.1") && !strcmp(v->source, "127.0.0.1"));
	v = find(&snap, "open");
	CHECK(v && v->success && v->loss_ratio == 0 && v->rtt_count == 1);
	v = find(&snap, "closed");
	CHECK(v && !v->success && v->fail == PROBE_FAIL_REFUSED && v->loss_ratio == 0);
	CHECK(v && v->failures[PROBE_FAIL_REFUSED] == 1);
	v = find(&snap, "mtu");
	CHECK(v && v->success && v->mtu == 1500 && isnan(v->loss_ratio));
	v = find(&snap, "derived");
	CHECK(v && !v->success && v->fail == PROBE_FAIL_UNRESOLVED && v->loss_ratio == 1);
	CHECK(v && !strcmp(v->target, ""));
	v = find(&snap, "nons");
	CHECK(v && !v->success && v->fail == PROBE_FAIL_ERROR);
	arena_release(&ar);
	probe_store_free(st);
}

/* One run at a time: a run that ends as it starts (no address, no
 * namespace) frees its slot at once and the next due probe follows without
 * waiting for anything. */
static void test_once_cap1(void)
{
	struct probe_config one = { specs, NPROBES, 1 };
	struct probe_store *st = probe_store_new(&one);
	struct arena ar = ARENA_INIT;
	struct probe_snapshot snap;

	CHECK_INT(probe_sched_run_once(&one, st), 0);
	CHECK_INT(probe_store_view(st, &ar, true, &snap), 0);
	CHECK_INT(snap.n, NPROBES);
	arena_release(&ar);
	probe_store_free(st);
}

/* The same over IPv6: labels in brackets, and the search from 1280 */
static void test_once6(void)
{
	struct probe_store *st = probe_store_new(&pc6);
	struct arena ar = ARENA_INIT;
	struct probe_snapshot snap;
	const struct probe_view *v;
	char want[64];

	CHECK_INT(probe_sched_run_once(&pc6, st), 0);
	CHECK_INT(probe_store_view(st, &ar, true, &snap), 0);
	CHECK_INT(snap.n, NPROBES6);
	v = find(&snap, "icmp");
	CHECK(v && v->success && v->loss_ratio == 0 && v->rtt_count == 3);
	CHECK(v && !strcmp(v->target, "::1") && !strcmp(v->source, "::1"));
	v = find(&snap, "open");
	CHECK(v && v->success && v->loss_ratio == 0 && v->rtt_count == 1);
	snprintf(want, sizeof(want), "[::1]:%u", open6);
	CHECK(v && !strcmp(v->target, want));
	v = find(&snap, "closed");
	CHECK(v && !v->success && v->fail == PROBE_FAIL_REFUSED && v->loss_ratio == 0);
	snprintf(want, sizeof(want), "[::1]:%u", closed6);
	CHECK(v && !strcmp(v->target, want));
	v = find(&snap, "mtu");
	CHECK(v && v->success && v->mtu == 1500 && isnan(v->loss_ratio));
	/* mtu_max below 1280 without an mtu_min of its own: only mtu_max */
	v = find(&snap, "small");
	CHECK(v && v->success && v->mtu == 1000);
	arena_release(&ar);
	probe_store_free(st);
}

/* The daemon's thread: a 1 s interval runs about twice in 2.5 s. */
static void test_thread(void)
{
	struct probe_config one = { specs, 1, 4 };
	struct probe_store *st = probe_store_new(&one);
	struct probe_sched *s = NULL;
	struct ikw_err err = { "" };
	struct arena ar = ARENA_INIT;
	struct probe_snapshot snap;
	struct timespec ts = { 2, 500000000 };

	CHECK_INT(probe_sched_start(&s, &one, st, &err), 0);
	nanosleep(&ts, NULL);
	probe_sched_stop(s);
	CHECK_INT(probe_store_view(st, &ar, true, &snap), 0);
	CHECK_INT(snap.n, 1);
	CHECK(snap.n == 1 && snap.v[0].runs >= 2 && snap.v[0].runs <= 3);
	CHECK(snap.n == 1 && snap.v[0].success);
	arena_release(&ar);
	probe_store_free(st);
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fresh runs on request (remediation's confirmation): with a 60 s interval
 * the timer would not run them again; a request runs each at once, its
 * result is that run's, and a second request is served by a later run. */
static void test_fresh_run(void)
{
	struct probe_spec fresh[3];
	struct probe_config three = { fresh, 3, 4 };
	struct probe_store *st;
	struct probe_sched *s = NULL;
	struct ikw_err err = { "" };
	struct probe_result res[3];
	uint64_t t[3], t2;
	double start;
	size_t i;

	memcpy(fresh, specs, sizeof(fresh));   /* icmp, open, closed: shared strings */
	for (i = 0; i < 3; i++)
		fresh[i].interval_ms = 60000;
	st = probe_store_new(&three);
	CHECK_INT(probe_sched_start(&s, &three, st, &err), 0);
	CHECK_INT(probe_sched_request(NULL, 0), 0);
	CHECK_INT(probe_sched_request(s, 3), 0);
	start = mono_now();
	for (i = 0; i < 3; i++)
		t[i] = probe_sched_request(s, i);
	for (i = 0; i < 3; i++) {
		CHECK(t[i] == 1);
		CHECK_INT(probe_store_wait(st, i, t[i], 5000, &res[i]), 0);
		CHECK(res[i].ticket >= t[i]);
	}
	CHECK(mono_now() - start < 3.0);
	CHECK(res[0].success);
	CHECK(res[1].success);
	CHECK(!res[2].success && res[2].fail == PROBE_FAIL_REFUSED);
	t2 = probe_sched_request(s, 1);
	CHECK(t2 == 2);
	CHECK_INT(probe_store_wait(st, 1, t2, 5000, &res[1]), 0);
	CHECK(res[1].ticket == 2 && res[1].success);
	/* nothing asked: a wait for a ticket never given times out */
	CHECK_INT(probe_store_wait(st, 0, 99, 200, &res[0]), -ETIMEDOUT);
	probe_sched_stop(s);
	probe_store_free(st);
}

int main(void)
{
	uint16_t port = 0, closed = 0;
	int lfd = listener(AF_INET, &port, &closed), lfd6 = listener(AF_INET6, &open6, &closed6), r;
	size_t i;

	log_set_level(LOG_LEVEL_ERROR);
	CHECK(lfd >= 0);
	CHECK(lfd6 >= 0);
	spec(0, "icmp", PROBE_ICMP, "127.0.0.1", 0);
	spec(1, "open", PROBE_TCP, "127.0.0.1", port);
	spec(2, "closed", PROBE_TCP, "127.0.0.1", closed);
	spec(3, "mtu", PROBE_MTU, "127.0.0.1", 0);
	spec(4, "derived", PROBE_ICMP, NULL, 0);
	spec(5, "nons", PROBE_ICMP, "127.0.0.1", 0);
	specs[5].netns = strdup("ikewatch-test-no-such-namespace");
	spec_in(specs6, 0, "icmp", PROBE_ICMP, "::1", "::1", 0);
	spec_in(specs6, 1, "open", PROBE_TCP, "::1", "::1", open6);
	spec_in(specs6, 2, "closed", PROBE_TCP, "::1", "::1", closed6);
	spec_in(specs6, 3, "mtu", PROBE_MTU, "::1", "::1", 0);
	spec_in(specs6, 4, "small", PROBE_MTU, "::1", "::1", 0);
	specs6[4].mtu_max = 1000;
	RUN(test_once);
	RUN(test_once6);
	RUN(test_once_cap1);
	RUN(test_thread);
	RUN(test_fresh_run);
	r = testlib_done();
	for (i = 0; i < NPROBES; i++)
		probe_spec_release(&specs[i]);
	for (i = 0; i < NPROBES6; i++)
		probe_spec_release(&specs6[i]);
	if (lfd >= 0)
		close(lfd);
	if (lfd6 >= 0)
		close(lfd6);
	return r;
}
