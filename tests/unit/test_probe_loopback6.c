/* The probe engine over IPv6 against loopback (::1 only): ICMPv6 echo, TCP
 * to an open and a closed port, the MTU search (from 1280, whole IPv6
 * packets), and the labels in brackets.  Needs CAP_NET_RAW unless
 * net.ipv4.ping_group_range allows ping sockets (the suite runs as root);
 * a host without IPv6 on lo fails, it does not skip. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/log.h"
#include "probe/probe_store.h"
#include "probe/scheduler.h"
#include "testlib.h"

#define NPROBES 5

static struct probe_spec specs[NPROBES];
static struct probe_config pc = { specs, NPROBES, 4 };
static uint16_t open_port, closed_port;

static void spec(size_t i, const char *name, enum probe_type t, uint16_t port, unsigned mtu_max)
{
	specs[i] = (struct probe_spec){
		.conn = strdup("lo"), .child = strdup("lo"), .name = strdup(name), .type = t,
		.target = strdup("::1"), .target_offset = PROBE_OFFSET_NONE,
		.source = strdup("::1"), .source_offset = PROBE_OFFSET_NONE,
		.port = port, .interval_ms = 1000, .timeout_ms = 500, .spacing_ms = 10,
		.count = t == PROBE_TCP ? 1 : 3, .payload = 56, .mtu_min = 576, .mtu_max = mtu_max,
	};
}

/* A listening socket on ::1 (its port in *port), and a port that nothing
 * listens on. */
static int listener(uint16_t *port, uint16_t *closed)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET6, SOCK_STREAM, 0), c = socket(AF_INET6, SOCK_STREAM, 0);

	if (fd < 0 || c < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		return -1;
	*port = ntohs(sa.sin6_port);
	sa.sin6_port = 0;
	len = sizeof(sa);
	if (bind(c, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(c, (struct sockaddr *)&sa, &len))
		return -1;
	*closed = ntohs(sa.sin6_port);
	close(c);
	return fd;
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
	char want[64];

	CHECK_INT(probe_sched_run_once(&pc, st), 0);
	CHECK_INT(probe_store_view(st, &ar, true, &snap), 0);
	CHECK_INT(snap.n, NPROBES);
	v = find(&snap, "icmp");
	CHECK(v && v->success && v->loss_ratio == 0 && v->rtt_count == 3);
	CHECK(v && !strcmp(v->target, "::1") && !strcmp(v->source, "::1"));
	v = find(&snap, "open");
	CHECK(v && v->success && v->loss_ratio == 0 && v->rtt_count == 1);
	snprintf(want, sizeof(want), "[::1]:%u", open_port);
	CHECK(v && !strcmp(v->target, want));
	v = find(&snap, "closed");
	CHECK(v && !v->success && v->fail == PROBE_FAIL_REFUSED && v->loss_ratio == 0);
	snprintf(want, sizeof(want), "[::1]:%u", closed_port);
	CHECK(v && !strcmp(v->target, want));
	v = find(&snap, "mtu");
	CHECK(v && v->success && v->mtu == 1500 && isnan(v->loss_ratio));
	/* mtu_max below 1280 and mtu_min not given: only mtu_max is tried */
	v = find(&snap, "small");
	CHECK(v && v->success && v->mtu == 1000);
	arena_release(&ar);
	probe_store_free(st);
}

int main(void)
{
	int lfd = listener(&open_port, &closed_port), r;
	size_t i;

	log_set_level(LOG_LEVEL_ERROR);
	CHECK(lfd >= 0);
	spec(0, "icmp", PROBE_ICMP, 0, 1500);
	spec(1, "open", PROBE_TCP, open_port, 1500);
	spec(2, "closed", PROBE_TCP, closed_port, 1500);
	spec(3, "mtu", PROBE_MTU, 0, 1500);
	spec(4, "small", PROBE_MTU, 0, 1000);
	if (lfd >= 0)
		RUN(test_once);
	r = testlib_done();
	for (i = 0; i < NPROBES; i++)
		probe_spec_release(&specs[i]);
	if (lfd >= 0)
		close(lfd);
	return r;
}
