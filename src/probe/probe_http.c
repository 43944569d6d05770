#include "probe/probe_http.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define PH_NS_PER_MS 1000000LL
#define PH_READS_PER_WAKE 8       /* then other probes get their turn */
#define PH_READ_BUF 16384

static int64_t ph_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t ph_ms(uint32_t ms)
{
	return (int64_t)ms * PH_NS_PER_MS;
}

static double ph_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t ph_connect_ms(const struct probe_spec *sp)
{
	return sp->connect_timeout_ms && sp->connect_timeout_ms < sp->timeout_ms ?
	       sp->connect_timeout_ms : sp->timeout_ms;
}

void probe_http_begin(struct probe_http *h, const struct probe_spec *sp, const char *target,
		      int64_t now)
{
	char host[PROBE_HOST_MAX + 8];
	int n;

	memset(h, 0, sizeof(*h));
	h->start_ns = now;
	http_resp_init(&h->resp, sp->expect_body, sp->expect_body ? strlen(sp->expect_body) : 0,
		       PROBE_HTTP_BODY_CAP);
	if (sp->host)
		snprintf(host, sizeof(host), "%s", sp->host);
	else if (sp->port != PROBE_HTTP_PORT)
		snprintf(host, sizeof(host), "%s:%u", target, sp->port);
	else
		snprintf(host, sizeof(host), "%s", target);
	/* HTTP/1.1, so that a server may answer chunked; one request only */
	n = snprintf(h->req, sizeof(h->req),
		     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: ikewatch-probe\r\n"
		     "Accept: */*\r\nConnection: close\r\n\r\n",
		     sp->path ? sp->path : "/", host);
	/* the config bounds path and host, so the request always fits */
	h->req_len = n > 0 && (size_t)n < sizeof(h->req) ? (size_t)n : 0;
}

short probe_http_events(const struct probe_http *h)
{
	return !h->connected || h->req_off < h->req_len ? POLLOUT : POLLIN;
}

/* ---- the verdict ---------------------------------------------------------- */

static bool ph_status_ok(const struct probe_spec *sp, int status)
{
	unsigned i;

	if (sp->nexpect_status == 0)
		return status >= 200 && status <= 299;
	for (i = 0; i < sp->nexpect_status && i < PROBE_STATUS_MAX; i++)
		if (sp->expect_status[i] == status)
			return true;
	return false;
}

enum probe_fail probe_http_verdict(const struct probe_spec *sp, const struct http_resp *resp,
				   bool timed_out)
{
	if (resp->state == HTTP_RESP_ERROR)
		return PROBE_FAIL_PROTOCOL;
	if (resp->state != HTTP_RESP_DONE) {
		if (timed_out)
			return resp->wire_bytes ? PROBE_FAIL_STALLED : PROBE_FAIL_TIMEOUT;
		return PROBE_FAIL_SHORT;
	}
	if (!ph_status_ok(sp, resp->status))
		return PROBE_FAIL_STATUS;
	if (!resp->found)
		return PROBE_FAIL_BODY;
	if (resp->wire_bytes < sp->min_bytes)
		return PROBE_FAIL_SHORT;
	return PROBE_FAIL_NONE;
}

static void ph_end(struct probe_http *h, enum probe_fail why, int64_t now)
{
	h->done = true;
	h->fail = why;
	h->end_ns = now;
}

static enum probe_fail ph_connect_fail(int e)
{
	if (e == ECONNREFUSED)
		return PROBE_FAIL_REFUSED;
	if (e == ENETUNREACH || e == EHOSTUNREACH)
		return PROBE_FAIL_UNREACHABLE;
	if (e == ETIMEDOUT)
		return PROBE_FAIL_TIMEOUT;
	return PROBE_FAIL_ERROR;
}

/* ---- I/O -------------------------------------------------------------------- */

static void ph_connected(struct probe_http *h, int fd, int64_t now)
{
	socklen_t len = sizeof(int);
	int e = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len))
		e = errno;
	if (e) {
		ph_end(h, ph_connect_fail(e), now);
		return;
	}
	h->connected = true;
	h->connected_ns = now;
}

/* The connection ended or broke: judge what came. */
static void ph_ended(struct probe_http *h, const struct probe_spec *sp, int64_t now)
{
	http_resp_eof(&h->resp);
	ph_end(h, probe_http_verdict(sp, &h->resp, false), now);
}

static void ph_send(struct probe_http *h, const struct probe_spec *sp, int fd, int64_t now)
{
	ssize_t n;

	while (h->req_off < h->req_len) {
		n = send(fd, h->req + h->req_off, h->req_len - h->req_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				ph_ended(h, sp, now);
			return;
		}
		h->req_off += (size_t)n;
	}
}

static void ph_recv(struct probe_http *h, const struct probe_spec *sp, int fd, int64_t now)
{
	uint8_t buf[PH_READ_BUF];
	ssize_t n;
	int i;

	for (i = 0; i < PH_READS_PER_WAKE; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (n <= 0) {
			ph_ended(h, sp, now);
			return;
		}
		if (!h->first_ns)
			h->first_ns = now;
		http_resp_feed(&h->resp, buf, (size_t)n);
		if (h->resp.state == HTTP_RESP_DONE || h->resp.state == HTTP_RESP_ERROR) {
			/* the clock now, not at the wake-up: when the whole answer
			 * was queued by then, reading it is the transfer we saw */
			ph_end(h, probe_http_verdict(sp, &h->resp, false), ph_monotonic());
			return;
		}
	}
}

void probe_http_io(struct probe_http *h, const struct probe_spec *sp, int fd, short revents,
		   int64_t now)
{
	if (h->done)
		return;
	if (!h->connected) {
		ph_connected(h, fd, now);
		if (h->done)
			return;
	}
	if (h->req_off < h->req_len) {
		ph_send(h, sp, fd, now);
		return;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR))
		ph_recv(h, sp, fd, now);
}

void probe_http_tick(struct probe_http *h, const struct probe_spec *sp, int64_t now)
{
	if (h->done)
		return;
	if (!h->connected && now >= h->start_ns + ph_ms(ph_connect_ms(sp)))
		ph_end(h, PROBE_FAIL_TIMEOUT, now);
	else if (now >= h->start_ns + ph_ms(sp->timeout_ms))
		ph_end(h, probe_http_verdict(sp, &h->resp, true), now);
}

int64_t probe_http_next(const struct probe_http *h, const struct probe_spec *sp)
{
	if (h->done)
		return INT64_MAX;
	return h->start_ns + ph_ms(h->connected ? sp->timeout_ms : ph_connect_ms(sp));
}

/* ---- the result ------------------------------------------------------------- */

static double ph_seconds(int64_t from, int64_t to)
{
	return (double)(to - from) / 1e9;
}

void probe_http_result(const struct probe_http *h, struct probe_result *res)
{
	struct probe_http_view *v = &res->http;
	int64_t end = h->end_ns;

	v->status = h->resp.status;
	v->bytes = h->resp.wire_bytes;
	v->phase[PROBE_HTTP_CONNECT] = ph_seconds(h->start_ns, h->connected ? h->connected_ns : end);
	v->phase[PROBE_HTTP_FIRST_BYTE] = !h->connected ? -1 :
		ph_seconds(h->connected_ns, h->first_ns ? h->first_ns : end);
	v->phase[PROBE_HTTP_TRANSFER] = h->first_ns ? ph_seconds(h->first_ns, end) : -1;
	res->success = h->fail == PROBE_FAIL_NONE;
	res->fail = h->fail;
	res->loss_ratio = NAN;
	if (h->connected)
		res->rtt[res->nrtt++] = ph_seconds(h->start_ns, h->connected_ns);
	res->finished_at = ph_realtime();
}
