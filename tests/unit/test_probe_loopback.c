/* The probe engine against loopback (127.0.0.1 only): ICMP echo, TCP to an
 * open and a closed port, the MTU search, an unresolved target, a missing
 * namespace, and the daemon's scheduler thread.  Needs CAP_NET_RAW unless
 * net.ipv4.ping_group_range allows ping sockets (the suite runs as root). */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/log.h"
#include "probe/probe_store.h"
#include "probe/scheduler.h"
#include "testlib.h"

#define NPROBES 6

static struct probe_spec specs[NPROBES];
static struct probe_config pc = { specs, NPROBES, 4 };

static void spec(size_t i, const char *name, enum probe_type t, const char *target,
		 uint16_t port)
{
	specs[i] = (struct probe_spec){
		.conn = strdup("lo"), .child = strdup("lo"), .name = strdup(name), .type = t,
		.target = target ? strdup(target) : NULL,
		.target_offset = target ? PROBE_OFFSET_NONE : 0,
		.source = strdup("127.0.0.1"), .source_offset = PROBE_OFFSET_NONE,
		.port = port, .interval_ms = 1000, .timeout_ms = 500, .spacing_ms = 10,
		.count = t == PROBE_TCP ? 1 : 3, .payload = 56, .mtu_min = 576, .mtu_max = 1500,
	};
}

/* A listening socket on 127.0.0.1 (its port in *port), and a port that
 * nothing listens on. */
static int listener(uint16_t *port, uint16_t *closed)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || c < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		return -1;
	*port = ntohs(sa.sin_port);
	sa.sin_port = 0;
	len = sizeof(sa);
	if (bind(c, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(c, (struct sockaddr *)&sa, &len))
		return -1;
	*closed = ntohs(sa.sin_port);
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

int main(void)
{
	uint16_t port = 0, closed = 0;
	int lfd = listener(&port, &closed), r;
	size_t i;

	log_set_level(LOG_LEVEL_ERROR);
	CHECK(lfd >= 0);
	spec(0, "icmp", PROBE_ICMP, "127.0.0.1", 0);
	spec(1, "open", PROBE_TCP, "127.0.0.1", port);
	spec(2, "closed", PROBE_TCP, "127.0.0.1", closed);
	spec(3, "mtu", PROBE_MTU, "127.0.0.1", 0);
	spec(4, "derived", PROBE_ICMP, NULL, 0);
	spec(5, "nons", PROBE_ICMP, "127.0.0.1", 0);
	specs[5].netns = strdup("ikewatch-test-no-such-namespace");
	RUN(test_once);
	RUN(test_once_cap1);
	RUN(test_thread);
	r = testlib_done();
	for (i = 0; i < NPROBES; i++)
		probe_spec_release(&specs[i]);
	close(lfd);
	return r;
}
