/* http probes end to end on loopback (127.0.0.1 only): a small server
 * thread answers each path its own way (a large body, chunked, 404, a
 * stall after the head, cut short, not HTTP, silence) and every probe runs
 * at once through the real scheduler, so one that waits for its timeout
 * must not hold up the others.  Also the verdict's order, as a table. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/log.h"
#include "probe/probe_addr.h"
#include "probe/probe_http.h"
#include "probe/probe_store.h"
#include "probe/scheduler.h"
#include "testlib.h"

#define BIG 70000
#define TIMEOUT_MS 600

/* ---- the server ----------------------------------------------------------- */

static void send_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t k = send(fd, s, n, MSG_NOSIGNAL);

		if (k <= 0)
			return;
		s += k;
		n -= (size_t)k;
	}
}

static void send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

static void serve_big(int fd)
{
	char *body = malloc(BIG);
	char head[128];

	if (!body)
		return;
	memset(body, 'x', BIG);
	memcpy(body + BIG - 10, "MARKER", 6);
	snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n", BIG);
	send_str(fd, head);
	send_all(fd, body, BIG);
	free(body);
}

/* Waits until the client goes away (or 3 s): a server that hangs. */
static void hang(int fd)
{
	struct timeval tv = { 3, 0 };
	char b[64];

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (recv(fd, b, sizeof(b), 0) > 0)
		;
}

static void serve(int fd, const char *path)
{
	if (!strcmp(path, "/big"))
		serve_big(fd);
	else if (!strcmp(path, "/chunked"))
		send_str(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			 "4\r\nhell\r\n7\r\no world\r\n0\r\n\r\n");
	else if (!strcmp(path, "/missing"))
		send_str(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnop");
	else if (!strcmp(path, "/stall")) {
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nstart");
		hang(fd);
	} else if (!strcmp(path, "/cut"))
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
	else if (!strcmp(path, "/junk"))
		send_str(fd, "SSH-2.0-OpenSSH_9.2\r\n");
	else if (!strcmp(path, "/silent"))
		hang(fd);
	else
		send_str(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nsmall");
}

/* Reads the request head and answers by its path. */
static void *conn_main(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char req[4096], path[256] = "";
	size_t n = 0;
	ssize_t k;

	while (n < sizeof(req) - 1 && (k = recv(fd, req + n, sizeof(req) - 1 - n, 0)) > 0) {
		n += (size_t)k;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[n] = '\0';
	if (sscanf(req, "GET %255s HTTP/1.1", path) == 1)
		serve(fd, path);
	close(fd);
	return NULL;
}

static void *server_main(void *arg)
{
	int lfd = (int)(intptr_t)arg, fd;
	pthread_t t;

	while ((fd = accept(lfd, NULL, NULL)) >= 0) {
		if (pthread_create(&t, NULL, conn_main, (void *)(intptr_t)fd)) {
			close(fd);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

static int listener(uint16_t *port, uint16_t *closed)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || c < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 32) ||
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

/* ---- the probes --------------------------------------------------------------- */

#define NPROBES 12
static struct probe_spec specs[NPROBES];

static struct probe_spec *spec(size_t i, const char *name, const char *path, uint16_t port)
{
	specs[i] = (struct probe_spec){
		.conn = strdup("lo"), .child = strdup("lo"), .name = strdup(name),
		.type = PROBE_HTTP, .target = strdup("127.0.0.1"),
		.target_offset = PROBE_OFFSET_NONE, .source = strdup("127.0.0.1"),
		.source_offset = PROBE_OFFSET_NONE, .port = port, .interval_ms = 5000,
		.timeout_ms = TIMEOUT_MS, .count = 1, .path = strdup(path),
	};
	return &specs[i];
}

static const struct probe_view *find(const struct probe_snapshot *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static bool fails(const struct probe_snapshot *s, const char *name, enum probe_fail why)
{
	const struct probe_view *v = find(s, name);

	if (!v || v->success || v->fail != why) {
		testlib_fail(__FILE__, __LINE__, "%s: %s, want %s", name,
			     v ? probe_fail_names[v->fail] : "missing", probe_fail_names[why]);
		return false;
	}
	return true;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_runs(void)
{
	struct probe_config pc = { specs, NPROBES, 16 };
	struct probe_store *st = probe_store_new(&pc);
	struct arena ar = ARENA_INIT;
	struct probe_snapshot snap;
	const struct probe_view *v;
	double t0 = now_s(), took;

	CHECK_INT(probe_sched_run_once(&pc, st), 0);
	took = now_s() - t0;
	CHECK_INT(probe_store_view(st, &ar, true, &snap), 0);
	CHECK_INT(snap.n, NPROBES);
	/* the stalled and silent ones end at their timeout, all in parallel */
	if (took > 2.0 * TIMEOUT_MS / 1000)
		testlib_fail(__FILE__, __LINE__, "the runs took %.2f s", took);
	v = find(&snap, "big");
	CHECK(v && v->success && v->http.status == 200 && v->http.bytes > BIG);
	CHECK(v && v->http.phase[PROBE_HTTP_CONNECT] >= 0 &&
	      v->http.phase[PROBE_HTTP_FIRST_BYTE] >= 0 && v->http.phase[PROBE_HTTP_TRANSFER] >= 0);
	CHECK(v && v->rtt_count == 1 && isnan(v->loss_ratio));
	CHECK(v && !strncmp(v->target, "127.0.0.1:", 10));
	v = find(&snap, "chunked");
	CHECK(v && v->success && v->http.status == 200);
	fails(&snap, "missing", PROBE_FAIL_STATUS);
	v = find(&snap, "missing");
	CHECK(v && v->http.status == 404);
	fails(&snap, "nobody", PROBE_FAIL_BODY);
	fails(&snap, "toosmall", PROBE_FAIL_SHORT);
	fails(&snap, "stall", PROBE_FAIL_STALLED);
	v = find(&snap, "stall");
	CHECK(v && v->http.status == 200 && v->http.phase[PROBE_HTTP_TRANSFER] >= 0);
	fails(&snap, "cut", PROBE_FAIL_SHORT);
	fails(&snap, "junk", PROBE_FAIL_PROTOCOL);
	fails(&snap, "silent", PROBE_FAIL_TIMEOUT);
	v = find(&snap, "silent");
	CHECK(v && v->http.status == 0 && v->http.bytes == 0 &&
	      v->http.phase[PROBE_HTTP_TRANSFER] < 0 && v->http.phase[PROBE_HTTP_FIRST_BYTE] >= 0);
	fails(&snap, "closed", PROBE_FAIL_REFUSED);
	v = find(&snap, "closed");
	CHECK(v && v->rtt_count == 0 && v->http.phase[PROBE_HTTP_FIRST_BYTE] < 0);
	v = find(&snap, "small");
	CHECK(v && v->success);
	fails(&snap, "nons", PROBE_FAIL_ERROR);
	v = find(&snap, "nons");
	CHECK(v && v->http.phase[PROBE_HTTP_CONNECT] < 0 && v->http.status == 0 &&
	      isnan(v->loss_ratio));
	arena_release(&ar);
	probe_store_free(st);
}

/* ---- the verdict ------------------------------------------------------------------ */

static void test_verdict(void)
{
	static const struct {
		const char *in;
		const char *needle;
		uint16_t expect;
		uint32_t min_bytes;
		bool timed_out;
		enum probe_fail want;
	} t[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", NULL, 0, 0, false, PROBE_FAIL_NONE },
		{ "HTTP/1.1 299 X\r\nContent-Length: 2\r\n\r\nok", NULL, 0, 0, false, PROBE_FAIL_NONE },
		{ "HTTP/1.1 301 Moved\r\nContent-Length: 2\r\n\r\nok", NULL, 0, 0, false, PROBE_FAIL_STATUS },
		{ "HTTP/1.1 301 Moved\r\nContent-Length: 2\r\n\r\nok", NULL, 301, 0, false, PROBE_FAIL_NONE },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", NULL, 204, 0, false, PROBE_FAIL_STATUS },
		{ "HTTP/1.1 500 Err\r\nContent-Length: 2\r\n\r\nok", "nope", 0, 0, false, PROBE_FAIL_STATUS },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "nope", 0, 0, false, PROBE_FAIL_BODY },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok", 0, 100, false, PROBE_FAIL_SHORT },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok", 0, 40, false, PROBE_FAIL_NONE },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nok", NULL, 0, 0, false, PROBE_FAIL_SHORT },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nok", NULL, 0, 0, true, PROBE_FAIL_STALLED },
		{ "HTTP/1.1 200", NULL, 0, 0, true, PROBE_FAIL_STALLED },
		{ "", NULL, 0, 0, true, PROBE_FAIL_TIMEOUT },
		{ "", NULL, 0, 0, false, PROBE_FAIL_SHORT },
		{ "HTTP/1.1 20 OK\r\n", NULL, 0, 0, true, PROBE_FAIL_PROTOCOL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct probe_spec sp = { .type = PROBE_HTTP, .min_bytes = t[i].min_bytes,
					 .expect_status = { t[i].expect },
					 .nexpect_status = t[i].expect ? 1 : 0 };
		struct http_resp r;
		enum probe_fail got;

		http_resp_init(&r, t[i].needle, t[i].needle ? strlen(t[i].needle) : 0, 0);
		http_resp_feed(&r, (const uint8_t *)t[i].in, strlen(t[i].in));
		if (!t[i].timed_out)
			http_resp_eof(&r);
		got = probe_http_verdict(&sp, &r, t[i].timed_out);
		if (got != t[i].want)
			testlib_fail(__FILE__, __LINE__, "case %zu: %s, want %s", i,
				     probe_fail_names[got], probe_fail_names[t[i].want]);
	}
}

/* The default Host header: the target as a URI host (IPv6 in brackets),
 * with the port when it is not 80. */
static void test_host_header(void)
{
	struct probe_spec sp = { .port = 8080 };
	struct probe_ip a;
	char host[PROBE_HOSTPORT_MAX];
	struct probe_http *h = calloc(1, sizeof(*h));

	CHECK(h != NULL);
	if (!h)
		return;
	CHECK_INT(probe_addr_parse("2001:db8::1", &a), 0);
	probe_addr_format_host(&a, host, sizeof(host));
	probe_http_begin(h, &sp, host, 0);
	CHECK(strstr(h->req, "\r\nHost: [2001:db8::1]:8080\r\n") != NULL);
	sp.port = 80;
	probe_http_begin(h, &sp, host, 0);
	CHECK(strstr(h->req, "\r\nHost: [2001:db8::1]\r\n") != NULL);
	CHECK_INT(probe_addr_parse("198.19.0.1", &a), 0);
	probe_addr_format_host(&a, host, sizeof(host));
	probe_http_begin(h, &sp, host, 0);
	CHECK(strstr(h->req, "\r\nHost: 198.19.0.1\r\n") != NULL);
	free(h);
}

int main(void)
{
	uint16_t port = 0, closed = 0;
	int lfd = listener(&port, &closed), r;
	pthread_t srv;
	size_t i;

	log_set_level(LOG_LEVEL_ERROR);
	CHECK(lfd >= 0);
	if (lfd < 0 || pthread_create(&srv, NULL, server_main, (void *)(intptr_t)lfd))
		return 1;
	spec(0, "big", "/big", port)->expect_body = strdup("MARKER");
	specs[0].min_bytes = 65536;
	spec(1, "chunked", "/chunked", port)->expect_body = strdup("llo wo");
	spec(2, "missing", "/missing", port);
	spec(3, "nobody", "/small", port)->expect_body = strdup("MARKER");
	spec(4, "toosmall", "/small", port)->min_bytes = 1000;
	spec(5, "stall", "/stall", port);
	spec(6, "cut", "/cut", port);
	spec(7, "junk", "/junk", port);
	spec(8, "silent", "/silent", port);
	spec(9, "closed", "/", closed);
	spec(10, "small", "/small", port)->connect_timeout_ms = 100;
	spec(11, "nons", "/small", port)->netns = strdup("ikewatch-test-no-such-namespace");
	RUN(test_verdict);
	RUN(test_host_header);
	RUN(test_runs);
	r = testlib_done();
	for (i = 0; i < NPROBES; i++)
		probe_spec_release(&specs[i]);
	shutdown(lfd, SHUT_RDWR);
	pthread_join(srv, NULL);
	close(lfd);
	return r;
}
