#include "probe/probe_http.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/log.h"

#define PH_NS_PER_MS 1000000LL
#define PH_READS_PER_WAKE 8       /* then other probes get their turn */
#define PH_READ_BUF 16384

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

/* The scheduler's clock (CLOCK_MONOTONIC ns), read anew: a handshake's
 * key exchange and certificate checks take real time within one wake-up,
 * which the wake-up's own time would not show. */
static int64_t ph_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
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

void probe_http_tls(struct probe_http *h, const struct probe_spec *sp,
		    const struct probe_tls_cred *cred, const char *target)
{
	h->cred = cred;
	if (sp->server_name)
		snprintf(h->server_name, sizeof(h->server_name), "%s", sp->server_name);
	else
		probe_tls_default_name(sp->host, target, h->server_name, sizeof(h->server_name));
}

static bool ph_secure(const struct probe_http *h)
{
	return h->cred != NULL;
}

/* The request may go: connected, and through TLS when https. */
static bool ph_ready(const struct probe_http *h)
{
	return h->connected && (!ph_secure(h) || h->tls.handshaken);
}

short probe_http_events(const struct probe_http *h)
{
	if (h->connected && !ph_ready(h))
		return probe_tls_events(&h->tls);
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
	/* never before the handshake's own end (read after the wake-up's) */
	h->end_ns = now > h->tls_ns ? now : h->tls_ns;
	probe_tls_end(&h->tls);
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

/* ---- I/O: plain, or through TLS ------------------------------------------------ */

static ssize_t ph_write(struct probe_http *h, int fd, const void *buf, size_t len)
{
	ssize_t n;

	if (ph_secure(h))
		return probe_tls_send(&h->tls, buf, len);
	n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

static ssize_t ph_read(struct probe_http *h, int fd, void *buf, size_t len)
{
	ssize_t n;

	if (ph_secure(h))
		return probe_tls_recv(&h->tls, buf, len);
	n = recv(fd, buf, len, MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

static bool ph_again(ssize_t n)
{
	return n == -EAGAIN || n == -EWOULDBLOCK || n == -EINTR;
}

/* Decrypted bytes that poll() will not announce. */
static bool ph_pending(const struct probe_http *h)
{
	return ph_secure(h) && probe_tls_pending(&h->tls);
}

static void ph_tls_start(struct probe_http *h, const struct probe_spec *sp, int fd, int64_t now)
{
	if (probe_tls_begin(&h->tls, h->cred, h->server_name, fd)) {
		log_debug("probe %s/%s/%s: cannot start TLS: %s", sp->conn, sp->child, sp->name,
			  h->tls.why);
		ph_end(h, PROBE_FAIL_ERROR, now);
	}
}

static void ph_handshake(struct probe_http *h, const struct probe_spec *sp)
{
	enum probe_tls_step st = probe_tls_handshake(&h->tls);
	int64_t now = ph_now();

	if (st == PROBE_TLS_DONE) {
		h->tls_ns = now;
	} else if (st == PROBE_TLS_FAILED) {
		log_debug("probe %s/%s/%s: TLS handshake with '%s' failed: %s", sp->conn,
			  sp->child, sp->name, h->server_name, h->tls.why);
		ph_end(h, PROBE_FAIL_TLS, now);
	}
}

/* The handshake's deadline passed: silence, or a server whose answer began
 * and did not end (its certificate flight lost, say). */
static enum probe_fail ph_tls_timeout(const struct probe_http *h)
{
	return h->tls.pulled ? PROBE_FAIL_STALLED : PROBE_FAIL_TIMEOUT;
}

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
		n = ph_write(h, fd, h->req + h->req_off, h->req_len - h->req_off);
		if (n < 0) {
			if (!ph_again(n))
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

	/* past the limit only for what TLS holds already: one record */
	for (i = 0; i < PH_READS_PER_WAKE || ph_pending(h); i++) {
		n = ph_read(h, fd, buf, sizeof(buf));
		if (ph_again(n))
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
			ph_end(h, probe_http_verdict(sp, &h->resp, false), ph_now());
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
		if (!h->done && ph_secure(h))
			ph_tls_start(h, sp, fd, now);
		if (h->done)
			return;
	}
	if (!ph_ready(h)) {
		ph_handshake(h, sp);
		if (!ph_ready(h))
			return;
	}
	if (h->req_off < h->req_len) {
		ph_send(h, sp, fd, now);
		return;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR))
		ph_recv(h, sp, fd, now);
}

/* The handshake's deadline: tls_timeout from the connect, within the
 * whole exchange's. */
static int64_t ph_tls_deadline(const struct probe_http *h, const struct probe_spec *sp)
{
	int64_t total = h->start_ns + ph_ms(sp->timeout_ms);
	int64_t tls = sp->tls_timeout_ms ? h->connected_ns + ph_ms(sp->tls_timeout_ms) : total;

	return tls < total ? tls : total;
}

void probe_http_tick(struct probe_http *h, const struct probe_spec *sp, int64_t now)
{
	if (h->done)
		return;
	if (!h->connected && now >= h->start_ns + ph_ms(ph_connect_ms(sp)))
		ph_end(h, PROBE_FAIL_TIMEOUT, now);
	else if (h->connected && !ph_ready(h) && now >= ph_tls_deadline(h, sp))
		ph_end(h, ph_tls_timeout(h), now);
	else if (now >= h->start_ns + ph_ms(sp->timeout_ms))
		ph_end(h, probe_http_verdict(sp, &h->resp, true), now);
}

int64_t probe_http_next(const struct probe_http *h, const struct probe_spec *sp)
{
	if (h->done)
		return INT64_MAX;
	if (h->connected && !ph_ready(h))
		return ph_tls_deadline(h, sp);
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
	int64_t end = h->end_ns, ready = ph_secure(h) ? h->tls_ns : h->connected_ns;

	v->status = h->resp.status;
	v->bytes = h->resp.wire_bytes;
	v->phase[PROBE_HTTP_CONNECT] = ph_seconds(h->start_ns, h->connected ? h->connected_ns : end);
	v->phase[PROBE_HTTP_TLS] = !ph_secure(h) || !h->connected ? -1 :
		ph_seconds(h->connected_ns, h->tls_ns ? h->tls_ns : end);
	v->phase[PROBE_HTTP_FIRST_BYTE] = !ph_ready(h) ? -1 :
		ph_seconds(ready, h->first_ns ? h->first_ns : end);
	v->phase[PROBE_HTTP_TRANSFER] = h->first_ns ? ph_seconds(h->first_ns, end) : -1;
	v->tls_version = h->tls.version;
	v->tls_not_after = h->tls.not_after;
	res->success = h->fail == PROBE_FAIL_NONE;
	res->fail = h->fail;
	res->loss_ratio = NAN;
	if (h->connected)
		res->rtt[res->nrtt++] = ph_seconds(h->start_ns, h->connected_ns);
	res->finished_at = ph_realtime();
}

void probe_http_release(struct probe_http *h)
{
	probe_tls_end(&h->tls);
}
