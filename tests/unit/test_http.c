/* Runs the real server on the loopback and talks to it over plain sockets
 * (no HTTP client library), as Prometheus would. */
#include "http/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "common/deadline.h"
#include "common/log.h"
#include "http/http_encoding.h"
#include "testlib.h"

/* ---- fake application --------------------------------------------------- */

struct ht_app {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int pieces;             /* pieces per body */
	size_t piece_bytes;     /* 0: short numbered lines; else filler pieces */
	int fail_at;            /* next() fails at this piece; -1 never */
	bool fail;              /* metrics() fails */
	bool ready;
	bool block;             /* the first next() waits while set */
	int entered;            /* bodies that reached their first next() */
	int calls, frees;
	int last_fmt;           /* enum expo_format of the last scrape */
};

struct ht_body {
	struct ht_app *app;
	int i;
};

static void ht_app_init(struct ht_app *a, int pieces)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	a->pieces = pieces;
	a->fail_at = -1;
	a->ready = true;
}

static void ht_app_destroy(struct ht_app *a)
{
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
}

static void ht_piece(struct strbuf *sb, int i, size_t bytes)
{
	if (!bytes) {
		strbuf_addf(sb, "fake_metric{piece=\"%d\"} %d\n", i, i);
		return;
	}
	/* filler lines of 64 bytes, the piece index woven in */
	while (bytes >= 64) {
		strbuf_addf(sb, "filler_metric{piece=\"%08d\"} 1 %*s\n", i, 29, "x");
		bytes -= 64;
	}
}

static int ht_next(void *ctx, struct strbuf *sb)
{
	struct ht_body *b = ctx;
	struct ht_app *a = b->app;
	bool fail;

	pthread_mutex_lock(&a->lock);
	if (b->i == 0) {
		a->entered++;
		pthread_cond_broadcast(&a->cond);
		while (a->block)
			pthread_cond_wait(&a->cond, &a->lock);
	}
	fail = b->i == a->fail_at;
	pthread_mutex_unlock(&a->lock);
	if (fail)
		return -EIO;
	ht_piece(sb, b->i, a->piece_bytes);
	b->i++;
	return b->i < a->pieces;
}

static void ht_free(void *ctx)
{
	struct ht_body *b = ctx;

	pthread_mutex_lock(&b->app->lock);
	b->app->frees++;
	pthread_cond_broadcast(&b->app->cond);
	pthread_mutex_unlock(&b->app->lock);
	free(b);
}

static int ht_metrics(void *ctx, enum expo_format fmt,
		      struct body_source *src, struct ikw_err *err)
{
	struct ht_app *a = ctx;
	struct ht_body *b;
	bool fail;

	pthread_mutex_lock(&a->lock);
	a->calls++;
	a->last_fmt = (int)fmt;
	fail = a->fail;
	pthread_mutex_unlock(&a->lock);
	if (fail)
		return err_set(err, -ETIMEDOUT, "vici: list-sas timed out");
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->app = a;
	src->ctx = b;
	src->next = ht_next;
	src->free = ht_free;
	return 0;
}

static bool ht_ready(void *ctx)
{
	struct ht_app *a = ctx;
	bool r;

	pthread_mutex_lock(&a->lock);
	r = a->ready;
	pthread_mutex_unlock(&a->lock);
	return r;
}

/* Reads or writes a field of the app under its lock (the server's threads
 * read them). */
static int ht_get(struct ht_app *a, const int *field)
{
	int v;

	pthread_mutex_lock(&a->lock);
	v = *field;
	pthread_mutex_unlock(&a->lock);
	return v;
}

static void ht_set(struct ht_app *a, int *field, int v)
{
	pthread_mutex_lock(&a->lock);
	*field = v;
	pthread_mutex_unlock(&a->lock);
}

static void ht_set_bool(struct ht_app *a, bool *field, bool v)
{
	pthread_mutex_lock(&a->lock);
	*field = v;
	pthread_mutex_unlock(&a->lock);
}

/* Waits up to 10 s until *counter reaches want; returns its value. */
static int ht_wait_count(struct ht_app *a, const int *counter, int want)
{
	struct timespec until;
	int v;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&a->lock);
	while (*counter < want &&
	       pthread_cond_timedwait(&a->cond, &a->lock, &until) == 0)
		;
	v = *counter;
	pthread_mutex_unlock(&a->lock);
	return v;
}

static void ht_expected_body(struct strbuf *sb, int pieces, size_t bytes)
{
	int i;

	for (i = 0; i < pieces; i++)
		ht_piece(sb, i, bytes);
}

/* The application's routes: echoes what it got, so that the tests see the
 * method, the path, a query argument, a header and the body. */
static void ht_app_route(void *ctx, const struct http_request *req,
			 struct http_response *resp)
{
	const char *q = http_request_arg(req, "q"), *h = http_request_header(req, "X-Test");

	(void)ctx;
	resp->status = !strcmp(req->url, "/api/teapot") ? 418 : 200;
	resp->content_type = "application/json";
	strbuf_addf(&resp->body, "%s %s q=%s h=%s remote=%s body=%zu:%s", req->method, req->url,
		    q ? q : "-", h ? h : "-", req->remote, req->body_len,
		    req->body ? req->body : "-");
}

static void ht_ready_route(void *ctx, const struct http_request *req,
			   struct http_response *resp)
{
	(void)req;
	if (!ht_ready(ctx)) {
		resp->status = 503;
		strbuf_addstr(&resp->body, "Not ready\n");
		return;
	}
	strbuf_addstr(&resp->body, "OK\n");
}

/* The routes `serve` has, with the test's handlers; with_app adds /status
 * and the /api/ prefix. */
static void ht_routes(struct http_routes *t, struct ht_app *a, const char *telemetry_path,
		      bool with_app)
{
	const unsigned read = HTTP_GET | HTTP_HEAD;
	const struct http_route routes[] = {
		{ .path = telemetry_path, .methods = read, .stream = ht_metrics, .ctx = a },
		{ .path = "/", .methods = read, .handle = http_handle_landing,
		  .ctx = (void *)(uintptr_t)telemetry_path },
		{ .path = "/-/healthy", .methods = read, .handle = http_handle_healthy },
		{ .path = "/-/ready", .methods = read, .handle = ht_ready_route, .ctx = a },
		{ .path = "/status", .methods = read | HTTP_POST, .handle = ht_app_route,
		  .ctx = a, .private_page = true },
		{ .path = "/api/", .prefix = true, .methods = read | HTTP_POST,
		  .handle = ht_app_route, .ctx = a, .private_page = true },
	};
	size_t i;

	t->n = 0;
	for (i = 0; i < (with_app ? 6u : 4u); i++)
		http_routes_add(t, &routes[i]);
}

/* path: the telemetry path, NULL for /metrics. */
static struct http_server *ht_start(struct ht_app *a,
				    const struct http_server_opts *o, const char *path)
{
	struct http_routes t;
	struct http_server *s = NULL;
	struct ikw_err err = { "" };
	int r;

	ht_routes(&t, a, path ? path : "/metrics", true);
	r = http_server_start(o, &t, &s, &err);

	if (r < 0)
		testlib_fail(__FILE__, __LINE__, "http_server_start: %s", err.msg);
	return r < 0 ? NULL : s;
}

static struct http_server *ht_start_default(struct ht_app *a)
{
	struct http_server_opts o = { .listen_address = "127.0.0.1:0" };

	return ht_start(a, &o, NULL);
}

/* ---- raw HTTP client ---------------------------------------------------- */

struct ht_resp {
	int status;             /* 0: no status line received */
	struct strbuf head;     /* status line and headers */
	struct strbuf body;     /* de-chunked */
	bool chunked, complete; /* complete: the chunked body was terminated */
};

static int ht_connect_af(int af, uint16_t port)
{
	struct timeval tv = { 20, 0 };
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons(port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s4->sin_port = htons(port);
		len = sizeof(*s4);
	}
	fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int ht_send_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void ht_read_all(int fd, struct strbuf *sb)
{
	char buf[65536];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			strbuf_add(sb, buf, (size_t)n);
}

/* Copies the value of header name (first occurrence) into out. */
static bool ht_header(const struct ht_resp *r, const char *name, char *out,
		      size_t outlen)
{
	const char *p = strbuf_str(&r->head);
	size_t n = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 1, *e;

			while (*v == ' ')
				v++;
			e = strstr(v, "\r\n");
			if (!e || (size_t)(e - v) >= outlen)
				return false;
			memcpy(out, v, (size_t)(e - v));
			out[e - v] = '\0';
			return true;
		}
	}
	return false;
}

/* Decodes a chunked body; sets complete when the last chunk was seen.
 * Returns the position after the body (trailers not supported). */
static const char *ht_dechunk(struct ht_resp *r, const char *p, const char *end)
{
	while (p < end) {
		char *after;
		unsigned long size = strtoul(p, &after, 16);
		const char *data = strstr(after, "\r\n");

		if (after == p || !data || data + 2 > end)
			break;
		data += 2;
		if (size == 0) {
			r->complete = data + 2 <= end && !memcmp(data, "\r\n", 2);
			return r->complete ? data + 2 : end;
		}
		if ((size_t)(end - data) < size + 2)
			break;
		strbuf_add(&r->body, data, size);
		p = data + size + 2;
	}
	return end;
}

/* Parses the response starting at s; returns the position after it (for
 * pipelined responses on one connection). */
static const char *ht_parse_one(struct ht_resp *r, const char *s,
				const char *end, bool head)
{
	const char *hend;
	char v[64];

	memset(r, 0, sizeof(*r));
	if (sscanf(s, "HTTP/1.%*d %d", &r->status) != 1)
		r->status = 0;
	hend = strstr(s, "\r\n\r\n");
	if (!hend || hend >= end)
		return end;
	strbuf_add(&r->head, s, (size_t)(hend - s) + 2);
	hend += 4;
	r->chunked = ht_header(r, "Transfer-Encoding", v, sizeof(v)) &&
		     !strcasecmp(v, "chunked");
	if (head)
		return hend;
	if (r->chunked)
		return ht_dechunk(r, hend, end);
	if (ht_header(r, "Content-Length", v, sizeof(v))) {
		size_t n = strtoul(v, NULL, 10);

		if (n > (size_t)(end - hend))
			n = (size_t)(end - hend);
		strbuf_add(&r->body, hend, n);
		return hend + n;
	}
	strbuf_add(&r->body, hend, (size_t)(end - hend));
	return end;
}

static void ht_parse(struct ht_resp *r, const struct strbuf *raw, bool head)
{
	ht_parse_one(r, strbuf_str(raw), strbuf_str(raw) + raw->len, head);
}

static void ht_resp_release(struct ht_resp *r)
{
	strbuf_release(&r->head);
	strbuf_release(&r->body);
}

/* Sends a request and reads the response up to the server's close. */
static int ht_exchange(int fd, const char *req, size_t reqlen,
		       struct ht_resp *r, bool head)
{
	struct strbuf raw = STRBUF_INIT;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	if (ht_send_all(fd, req, reqlen) < 0)
		ret = -1;  /* still read: the server may have answered early */
	ht_read_all(fd, &raw);
	ht_parse(r, &raw, head);
	strbuf_release(&raw);
	return ret;
}

/* GET (or another method) with extra header lines, "Connection: close". */
static void ht_request_af(int af, uint16_t port, const char *method,
			  const char *path, const char *headers,
			  struct ht_resp *r)
{
	struct strbuf req = STRBUF_INIT;
	int fd = ht_connect_af(af, port);

	memset(r, 0, sizeof(*r));
	if (fd < 0) {
		testlib_fail(__FILE__, __LINE__, "connect to port %u: %s",
			     port, strerror(errno));
		return;
	}
	strbuf_addf(&req, "%s %s HTTP/1.1\r\nHost: localhost\r\n%s"
		    "Connection: close\r\n\r\n", method, path, headers);
	ht_exchange(fd, req.buf, req.len, r, !strcmp(method, "HEAD"));
	close(fd);
	strbuf_release(&req);
}

static void ht_request(uint16_t port, const char *method, const char *path,
		       const char *headers, struct ht_resp *r)
{
	ht_request_af(AF_INET, port, method, path, headers, r);
}

static int ht_gunzip(const struct strbuf *in, struct strbuf *out)
{
	z_stream z;
	char buf[65536];
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return -1;
	z.next_in = (Bytef *)in->buf;
	z.avail_in = (uInt)in->len;
	do {
		z.next_out = (Bytef *)buf;
		z.avail_out = sizeof(buf);
		r = inflate(&z, Z_NO_FLUSH);
		strbuf_add(out, buf, sizeof(buf) - z.avail_out);
	} while (r == Z_OK);
	inflateEnd(&z);
	return r == Z_STREAM_END && z.avail_in == 0 ? 0 : -1;
}

static bool ht_has_header(const struct ht_resp *r, const char *name,
			  const char *want)
{
	char v[256];

	return ht_header(r, name, v, sizeof(v)) && !strcmp(v, want);
}

/* ---- pure helpers ------------------------------------------------------- */

static void test_listen_address_parsing(void)
{
	static const struct {
		const char *in;
		int rc, family;
		const char *addr;
		unsigned port;
	} cases[] = {
		{ "127.0.0.1:9786", 0, AF_INET, "127.0.0.1", 9786 },
		{ "0.0.0.0:1", 0, AF_INET, "0.0.0.0", 1 },
		{ "192.0.2.10:65535", 0, AF_INET, "192.0.2.10", 65535 },
		{ "127.0.0.1:0", 0, AF_INET, "127.0.0.1", 0 },
		{ "[::1]:9786", 0, AF_INET6, "::1", 9786 },
		{ "[::]:9786", 0, AF_INET6, "::", 9786 },
		{ "[2001:db8::5]:80", 0, AF_INET6, "2001:db8::5", 80 },
		{ "[::ffff:192.0.2.1]:80", 0, AF_INET6, "::ffff:192.0.2.1", 80 },
		{ ":9786", 0, AF_INET6, "::", 9786 },
		{ "", -EINVAL, 0, NULL, 0 },
		{ "9786", -EINVAL, 0, NULL, 0 },
		{ "127.0.0.1", -EINVAL, 0, NULL, 0 },
		{ "127.0.0.1:", -EINVAL, 0, NULL, 0 },
		{ "127.0.0.1:65536", -EINVAL, 0, NULL, 0 },
		{ "127.0.0.1:-1", -EINVAL, 0, NULL, 0 },
		{ "127.0.0.1:+80", -EINVAL, 0, NULL, 0 },
		{ "127.0.0.1:80x", -EINVAL, 0, NULL, 0 },
		{ "127.0.0.1: 80", -EINVAL, 0, NULL, 0 },
		{ "127.1:80", -EINVAL, 0, NULL, 0 },
		{ "256.0.0.1:80", -EINVAL, 0, NULL, 0 },
		{ "localhost:9786", -EINVAL, 0, NULL, 0 },
		{ "::1:9786", -EINVAL, 0, NULL, 0 },
		{ "[::1]9786", -EINVAL, 0, NULL, 0 },
		{ "[::1]:", -EINVAL, 0, NULL, 0 },
		{ "[127.0.0.1]:80", -EINVAL, 0, NULL, 0 },
		{ "[]:80", -EINVAL, 0, NULL, 0 },
		{ "[::1:80", -EINVAL, 0, NULL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss;
		struct ikw_err err = { "" };
		socklen_t len = 0;
		char buf[INET6_ADDRSTRLEN] = "";
		unsigned port = 0;
		int rc = http_parse_listen_address(cases[i].in, &ss, &len, &err);

		if (rc != cases[i].rc) {
			testlib_fail(__FILE__, __LINE__, "\"%s\": rc %d, want %d",
				     cases[i].in, rc, cases[i].rc);
			continue;
		}
		if (rc < 0) {
			CHECK(err.msg[0] != '\0');
			continue;
		}
		CHECK_INT(ss.ss_family, cases[i].family);
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof(buf));
			port = ntohs(s4->sin_port);
			CHECK_INT(len, sizeof(*s4));
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf));
			port = ntohs(s6->sin6_port);
			CHECK_INT(len, sizeof(*s6));
		}
		CHECK_STR(buf, cases[i].addr);
		CHECK_INT(port, cases[i].port);
	}
}

static void test_accept_encoding(void)
{
	static const struct { const char *in; bool gzip; } cases[] = {
		{ NULL, false },
		{ "", false },
		{ "gzip", true },
		{ "GZIP", true },
		{ "x-gzip", true },
		{ "gzip, deflate, br", true },
		{ "br, gzip", true },
		{ "deflate", false },
		{ "identity", false },
		{ "gzip;q=0", false },
		{ "gzip; q=0.000", false },
		{ "gzip;q=0.001", true },
		{ "gzip;q=1.0", true },
		{ "gzip;q=0.5, identity;q=1", true },
		{ "*", true },
		{ "*;q=0", false },
		{ "*, gzip;q=0", false },
		{ "gzip;q=0, *", false },
		{ "deflate, *;q=0.1", true },
		{ "gzip;q=2", false },
		{ "gzip;q=abc", false },
		{ "gzipx", false },
		{ ",,gzip,,", true },
		{ " gzip ;q=0.5", true },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (http_accepts_gzip(cases[i].in) != cases[i].gzip)
			testlib_fail(__FILE__, __LINE__, "Accept-Encoding \"%s\": want %d",
				     cases[i].in ? cases[i].in : "(null)", cases[i].gzip);
}

/* ---- against the running server ----------------------------------------- */

static struct ht_app app;
static struct http_server *srv;
static uint16_t port;

static void test_get_metrics(void)
{
	struct strbuf want = STRBUF_INIT;
	struct ht_resp r;
	int frees = ht_get(&app, &app.frees);

	ht_expected_body(&want, app.pieces, 0);
	ht_request(port, "GET", "/metrics", "", &r);
	CHECK_INT(r.status, 200);
	CHECK(ht_has_header(&r, "Content-Type",
			    "text/plain; version=0.0.4; charset=utf-8"));
	CHECK(ht_has_header(&r, "Vary", "Accept, Accept-Encoding"));
	CHECK(!ht_has_header(&r, "Content-Encoding", "gzip"));
	CHECK(r.chunked && r.complete);
	CHECK_U64(r.body.len, want.len);
	CHECK(r.body.len == want.len && !memcmp(r.body.buf, want.buf, want.len));
	CHECK_INT(ht_get(&app, &app.last_fmt), EXPO_TEXT);
	CHECK_INT(ht_wait_count(&app, &app.frees, frees + 1), frees + 1);
	ht_resp_release(&r);
	strbuf_release(&want);
}

/* HTTP/1.0 has no chunked encoding: the end of the body is the close. */
static void test_get_http10(void)
{
	static const char req[] = "GET /metrics HTTP/1.0\r\n\r\n";
	struct strbuf want = STRBUF_INIT;
	struct ht_resp r;
	int fd = ht_connect_af(AF_INET, port);

	CHECK(fd >= 0);
	ht_expected_body(&want, app.pieces, 0);
	ht_exchange(fd, req, sizeof(req) - 1, &r, false);
	close(fd);
	CHECK_INT(r.status, 200);
	CHECK(!r.chunked);
	CHECK(r.body.len == want.len && !memcmp(r.body.buf, want.buf, want.len));
	ht_resp_release(&r);
	strbuf_release(&want);
}

static void test_gzip(void)
{
	struct strbuf want = STRBUF_INIT, plain = STRBUF_INIT;
	struct ht_resp r;

	ht_expected_body(&want, app.pieces, 0);
	ht_request(port, "GET", "/metrics", "Accept-Encoding: gzip, deflate\r\n", &r);
	CHECK_INT(r.status, 200);
	CHECK(ht_has_header(&r, "Content-Encoding", "gzip"));
	CHECK(ht_has_header(&r, "Vary", "Accept, Accept-Encoding"));
	CHECK(r.complete);
	CHECK(r.body.len > 0 && r.body.len < want.len / 4);
	CHECK_INT(ht_gunzip(&r.body, &plain), 0);
	CHECK_U64(plain.len, want.len);
	CHECK(plain.len == want.len && !memcmp(plain.buf, want.buf, want.len));
	ht_resp_release(&r);

	ht_request(port, "GET", "/metrics", "Accept-Encoding: gzip;q=0\r\n", &r);
	CHECK_INT(r.status, 200);
	CHECK(!ht_has_header(&r, "Content-Encoding", "gzip"));
	CHECK(r.body.len == want.len && !memcmp(r.body.buf, want.buf, want.len));
	ht_resp_release(&r);
	strbuf_release(&plain);
	strbuf_release(&want);
}

static void test_openmetrics(void)
{
	struct ht_resp r;

	ht_request(port, "GET", "/metrics",
		   "Accept: application/openmetrics-text;version=1.0.0,"
		   "application/openmetrics-text;version=0.0.1;q=0.75,"
		   "text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
		   "Accept-Encoding: gzip\r\n", &r);
	CHECK_INT(r.status, 200);
	CHECK(ht_has_header(&r, "Content-Type",
			    "application/openmetrics-text; version=1.0.0; charset=utf-8"));
	CHECK_INT(ht_get(&app, &app.last_fmt), EXPO_OPENMETRICS);
	ht_resp_release(&r);
}

static void test_head(void)
{
	struct ht_resp r;
	int calls = ht_get(&app, &app.calls);

	ht_request(port, "HEAD", "/metrics", "Accept-Encoding: gzip\r\n", &r);
	CHECK_INT(r.status, 200);
	CHECK(ht_has_header(&r, "Content-Type",
			    "text/plain; version=0.0.4; charset=utf-8"));
	CHECK(ht_has_header(&r, "Content-Encoding", "gzip"));
	CHECK_INT(r.body.len, 0);
	CHECK_INT(ht_get(&app, &app.calls), calls);  /* HEAD does not collect */
	ht_resp_release(&r);
}

/* Prometheus keeps its connection open between scrapes: three pipelined
 * requests get three answers, and HEAD's answer has no body at all. */
static void test_keep_alive(void)
{
	static const char req[] =
		"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
		"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
		"GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	struct strbuf raw = STRBUF_INIT, want = STRBUF_INIT;
	struct ht_resp r[3];
	const char *p, *end;
	int fd = ht_connect_af(AF_INET, port), i;

	CHECK(fd >= 0 && ht_send_all(fd, req, sizeof(req) - 1) == 0);
	ht_read_all(fd, &raw);
	close(fd);
	ht_expected_body(&want, app.pieces, 0);
	p = strbuf_str(&raw);
	end = p + raw.len;
	for (i = 0; i < 3; i++)
		p = ht_parse_one(&r[i], p, end, i == 1);
	CHECK(p == end);
	CHECK_INT(r[0].status, 200);
	CHECK(r[0].complete && r[0].body.len == want.len &&
	      !memcmp(r[0].body.buf, want.buf, want.len));
	CHECK(!ht_has_header(&r[0], "Connection", "close"));
	CHECK_INT(r[1].status, 200);
	CHECK_INT(r[2].status, 200);
	CHECK_STR(strbuf_str(&r[2].body), "OK\n");
	for (i = 0; i < 3; i++)
		ht_resp_release(&r[i]);
	strbuf_release(&raw);
	strbuf_release(&want);
}

static void test_method_not_allowed(void)
{
	static const char *const paths[] = { "/metrics", "/", "/-/healthy", "/-/ready" };
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct ht_resp r;

		ht_request(port, "POST", paths[i],
			   "Content-Length: 5\r\nContent-Type: text/plain\r\n", &r);
		CHECK_INT(r.status, 405);
		CHECK(ht_has_header(&r, "Allow", "GET, HEAD"));
		ht_resp_release(&r);
	}
}

static void test_not_found(void)
{
	static const char *const paths[] = {
		"/nope", "/metricsx", "/metrics/", "/-/", "/-/healthyx", "//metrics",
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct ht_resp r;

		ht_request(port, "GET", paths[i], "", &r);
		CHECK_INT(r.status, 404);
		ht_resp_release(&r);
	}
}

static void test_healthy(void)
{
	struct ht_resp r;

	ht_request(port, "GET", "/-/healthy", "", &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(strbuf_str(&r.body), "OK\n");
	ht_resp_release(&r);
}

static void test_ready(void)
{
	struct ht_resp r;

	ht_request(port, "GET", "/-/ready", "", &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(strbuf_str(&r.body), "OK\n");
	ht_resp_release(&r);
	ht_set_bool(&app, &app.ready, false);
	ht_request(port, "GET", "/-/ready", "", &r);
	CHECK_INT(r.status, 503);
	ht_resp_release(&r);
	ht_set_bool(&app, &app.ready, true);
}

static void test_landing_page(void)
{
	struct ht_resp r;
	const char *b;

	ht_request(port, "GET", "/", "", &r);
	CHECK_INT(r.status, 200);
	CHECK(ht_has_header(&r, "Content-Type", "text/html; charset=utf-8"));
	b = strbuf_str(&r.body);
	CHECK(strstr(b, "<title>ikewatch</title>") != NULL);
	CHECK(strstr(b, "href=\"/metrics\"") != NULL);
	CHECK(strstr(b, "href=\"/-/healthy\"") != NULL);
	CHECK(strstr(b, "href=\"/-/ready\"") != NULL);
	CHECK(strstr(b, "http://") == NULL && strstr(b, "https://") == NULL);
	ht_resp_release(&r);
}

static void test_huge_header(void)
{
	struct strbuf req = STRBUF_INIT;
	struct ht_resp r;
	size_t i;
	int fd = ht_connect_af(AF_INET, port);

	CHECK(fd >= 0);
	strbuf_addstr(&req, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Big: ");
	for (i = 0; i < 64 * 1024; i++)
		strbuf_addch(&req, 'a');
	strbuf_addstr(&req, "\r\nConnection: close\r\n\r\n");
	ht_exchange(fd, req.buf, req.len, &r, false);
	close(fd);
	/* a 4xx, or the connection closed without an answer */
	CHECK(r.status == 0 || r.status == 431 || r.status == 413 || r.status == 400);
	ht_resp_release(&r);
	strbuf_release(&req);
	test_healthy();  /* and the server still serves */
}

static void test_scrape_failure(void)
{
	struct ht_resp r;

	ht_set_bool(&app, &app.fail, true);
	ht_request(port, "GET", "/metrics", "", &r);
	ht_set_bool(&app, &app.fail, false);
	CHECK_INT(r.status, 503);
	CHECK_STR(strbuf_str(&r.body), "vici: list-sas timed out\n");
	ht_resp_release(&r);
}

/* An error in the middle of the body must not look like a complete (short)
 * exposition: the chunked stream ends without its last chunk. */
static void test_error_midway(void)
{
	struct ht_resp r;
	int frees = ht_get(&app, &app.frees);

	ht_set(&app, &app.fail_at, app.pieces / 2);
	ht_request(port, "GET", "/metrics", "", &r);
	ht_set(&app, &app.fail_at, -1);
	CHECK_INT(r.status, 200);
	CHECK(r.chunked && !r.complete);
	CHECK_INT(ht_wait_count(&app, &app.frees, frees + 1), frees + 1);
	ht_resp_release(&r);
}

static void test_bind_conflict(void)
{
	struct http_server_opts o = { .listen_address = NULL };
	struct http_routes h;
	struct http_server *s2 = NULL;
	struct ikw_err err = { "" };
	char addr[32], want[96];

	ht_routes(&h, &app, "/metrics", false);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
	o.listen_address = addr;
	CHECK_INT(http_server_start(&o, &h, &s2, &err), -EADDRINUSE);
	CHECK(s2 == NULL);
	snprintf(want, sizeof(want), "cannot listen on %s: Address already in use", addr);
	CHECK_STR(err.msg, want);

	o.listen_address = "localhost:1";
	CHECK_INT(http_server_start(&o, &h, &s2, &err), -EINVAL);
	o.listen_address = "127.0.0.1:0";
	ht_routes(&h, &app, "metrics", false);
	CHECK_INT(http_server_start(&o, &h, &s2, &err), -EINVAL);
}

struct ht_pending {
	int fd;
	struct ht_resp r;
};

/* A connection to the server on 127.0.0.1 from another loopback address
 * (another client, as far as per-client limits go). */
static int ht_connect_from(const char *src, uint16_t to_port)
{
	struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
	struct timeval tv = { 20, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, src, &from.sin_addr);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(to_port);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0 ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void ht_unblock(struct ht_app *a)
{
	pthread_mutex_lock(&a->lock);
	a->block = false;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
}

/* Two slots: one client holds at most one, so another client still gets
 * the second at once; a second scrape of the first client waits for a
 * slot rather than being refused, and gets its body when one frees; one
 * that waits past request_timeout gets 503. */
static void test_scrape_slots(void)
{
	struct http_server_opts o = { .listen_address = "127.0.0.1:0",
				      .max_concurrent_scrapes = 2,
				      .request_timeout_ms = 1500 };
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n"
				  "Connection: close\r\n\r\n";
	static const char *const from[] = { "127.0.0.1", "127.0.0.2", "127.0.0.1" };
	struct ht_pending p[3];
	struct strbuf want = STRBUF_INIT;
	struct http_server *s;
	struct ht_app a;
	struct ht_resp r;
	uint16_t port2;
	int i;

	ht_app_init(&a, 50);
	a.block = true;
	s = ht_start(&a, &o, NULL);
	if (!s)
		return;
	port2 = http_server_port(s);
	ht_expected_body(&want, a.pieces, 0);
	for (i = 0; i < 2; i++) {
		p[i].fd = ht_connect_from(from[i], port2);
		CHECK(p[i].fd >= 0 && ht_send_all(p[i].fd, req, sizeof(req) - 1) == 0);
		/* the other client gets the second slot: 127.0.0.1 holds one */
		CHECK_INT(ht_wait_count(&a, &a.entered, i + 1), i + 1);
	}
	ht_request(port2, "GET", "/-/healthy", "", &r);  /* not a scrape */
	CHECK_INT(r.status, 200);
	ht_resp_release(&r);
	/* another of 127.0.0.1 waits for a slot, past the limit: 503 */
	ht_request(port2, "GET", "/metrics", "", &r);
	CHECK_INT(r.status, 503);
	CHECK_STR(strbuf_str(&r.body), "too many concurrent scrapes\n");
	ht_resp_release(&r);
	/* one more waits, and is served once a slot frees */
	p[2].fd = ht_connect_from(from[2], port2);
	CHECK(p[2].fd >= 0 && ht_send_all(p[2].fd, req, sizeof(req) - 1) == 0);
	usleep(300 * 1000);
	pthread_mutex_lock(&a.lock);
	CHECK_INT(a.entered, 2);
	pthread_mutex_unlock(&a.lock);

	ht_unblock(&a);
	for (i = 0; i < 3; i++) {
		ht_exchange(p[i].fd, "", 0, &p[i].r, false);
		close(p[i].fd);
		CHECK_INT(p[i].r.status, 200);
		CHECK(p[i].r.body.len == want.len &&
		      !memcmp(p[i].r.body.buf, want.buf, want.len));
		ht_resp_release(&p[i].r);
	}
	CHECK_INT(ht_wait_count(&a, &a.frees, 3), 3);
	http_server_stop(s);
	CHECK_INT(a.frees, 3);
	ht_app_destroy(&a);
	strbuf_release(&want);
}

static void test_ipv6_and_dual_stack(void)
{
	static const struct { const char *addr; bool v4, v6; } cases[] = {
		{ "[::1]:0", false, true },
		{ ":0", true, true },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct http_server_opts o = { .listen_address = cases[i].addr };
		struct http_server *s;
		struct ht_app a;
		struct ht_resp r;

		ht_app_init(&a, 3);
		s = ht_start(&a, &o, NULL);
		if (s && cases[i].v6) {
			ht_request_af(AF_INET6, http_server_port(s), "GET", "/metrics", "", &r);
			CHECK_INT(r.status, 200);
			ht_resp_release(&r);
		}
		if (s && cases[i].v4) {
			ht_request_af(AF_INET, http_server_port(s), "GET", "/metrics", "", &r);
			CHECK_INT(r.status, 200);
			ht_resp_release(&r);
		}
		http_server_stop(s);
		ht_app_destroy(&a);
	}
}

static void test_custom_telemetry_path(void)
{
	struct http_server_opts o = { .listen_address = "127.0.0.1:0" };
	struct http_server *s;
	struct ht_app a;
	struct ht_resp r;

	ht_app_init(&a, 2);
	s = ht_start(&a, &o, "/x/<metrics>");
	if (s) {
		ht_request(http_server_port(s), "GET", "/x/<metrics>", "", &r);
		CHECK_INT(r.status, 200);
		ht_resp_release(&r);
		ht_request(http_server_port(s), "GET", "/metrics", "", &r);
		CHECK_INT(r.status, 404);
		ht_resp_release(&r);
		ht_request(http_server_port(s), "GET", "/", "", &r);
		CHECK(strstr(strbuf_str(&r.body), "href=\"/x/&lt;metrics&gt;\"") != NULL);
		ht_resp_release(&r);
	}
	http_server_stop(s);
	ht_app_destroy(&a);
}

static long ht_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* 50 MB of metrics, never held in memory at once: the process (server and
 * this client) grows by far less than the body. */
static void test_large_body_streams(void)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n"
				  "Connection: close\r\n\r\n";
	const size_t piece = 64 * 1024;
	const int pieces = 800;  /* 52 428 800 bytes */
	struct http_server *s;
	struct ht_app a;
	char buf[65536];
	uint64_t total = 0;
	long base, peak = 0;
	ssize_t n;
	int fd;

	ht_app_init(&a, pieces);
	a.piece_bytes = piece;
	s = ht_start_default(&a);
	if (!s)
		return;
	base = ht_rss_kib();
	fd = ht_connect_af(AF_INET, http_server_port(s));
	CHECK(fd >= 0 && ht_send_all(fd, req, sizeof(req) - 1) == 0);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		uint64_t before = total;

		total += (uint64_t)n;
		if (before >> 20 != total >> 20) {  /* sample each MiB */
			long rss = ht_rss_kib();

			peak = rss > peak ? rss : peak;
		}
	}
	close(fd);
	/* the body plus headers and chunk framing (under 1 %) */
	CHECK(total > (uint64_t)piece * pieces);
	CHECK(total < (uint64_t)piece * pieces / 100 * 101);
	printf("# 50 MB body: %llu bytes on the wire, RSS %ld KiB before, peak %ld KiB\n",
	       (unsigned long long)total, base, peak);
	CHECK(peak - base < 16 * 1024);
	http_server_stop(s);
	ht_app_destroy(&a);
}

/* ---- the application's routes ------------------------------------------- */

static void ht_post(const char *path, const char *body, size_t len, struct ht_resp *r)
{
	struct strbuf req = STRBUF_INIT;
	int fd = ht_connect_af(AF_INET, port);

	strbuf_addf(&req, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n", path, len);
	strbuf_add(&req, body, len);
	if (fd < 0) {
		testlib_fail(__FILE__, __LINE__, "connect: %s", strerror(errno));
		strbuf_release(&req);
		return;
	}
	ht_exchange(fd, req.buf, req.len, r, false);
	close(fd);
	strbuf_release(&req);
}

static void test_app_routes(void)
{
	struct ht_resp r;
	char *big = malloc(HTTP_BODY_MAX + 2);

	ht_request(port, "GET", "/status?q=a%20b", "X-Test: yes\r\n", &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(strbuf_str(&r.body), "GET /status q=a b h=yes remote=127.0.0.1 body=0:-");
	CHECK(ht_has_header(&r, "Content-Type", "application/json"));
	CHECK(ht_has_header(&r, "Cache-Control", "no-store"));
	ht_resp_release(&r);
	ht_request(port, "GET", "/api/teapot", "", &r);
	CHECK_INT(r.status, 418);
	ht_resp_release(&r);
	ht_post("/api/v1/x", "{\"a\":1}", 7, &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(strbuf_str(&r.body), "POST /api/v1/x q=- h=- remote=127.0.0.1 body=7:{\"a\":1}");
	ht_resp_release(&r);
	ht_request(port, "PUT", "/api/v1/x", "", &r);
	CHECK_INT(r.status, 405);
	ht_resp_release(&r);
	ht_request(port, "GET", "/statusx", "", &r);
	CHECK_INT(r.status, 404);
	ht_resp_release(&r);
	if (big) {
		memset(big, 'x', HTTP_BODY_MAX + 1);
		ht_post("/api/v1/x", big, HTTP_BODY_MAX + 1, &r);
		CHECK_INT(r.status, 413);
		ht_resp_release(&r);
		ht_post("/api/v1/x", big, HTTP_BODY_MAX, &r);
		CHECK_INT(r.status, 200);
		ht_resp_release(&r);
		free(big);
	}
}

/* ---- deadlines whatever the pace ----------------------------------------- */

/* Sends trickle one byte every step_ms (then nothing) until the server
 * closes the connection; the milliseconds that took, or -1 after max_ms.
 * What the server sent meanwhile goes to got (may be NULL). */
static int64_t ht_trickle_until_closed(int fd, const char *trickle, int step_ms,
				       int max_ms, struct strbuf *got)
{
	int64_t start = deadline_now_ms();
	size_t sent = 0;
	char buf[4096];

	while (deadline_now_ms() - start < max_ms) {
		struct pollfd pfd = { fd, POLLIN, 0 };

		if (poll(&pfd, 1, step_ms) > 0) {
			ssize_t n = recv(fd, buf, sizeof(buf), 0);

			if (n <= 0)
				return deadline_now_ms() - start;
			if (got)
				strbuf_add(got, buf, (size_t)n);
			continue;
		}
		if (trickle[sent] && send(fd, trickle + sent, 1, MSG_NOSIGNAL) == 1)
			sent++;
	}
	return -1;
}

/* libmicrohttpd's timeout is idle-only; a request that trickles in (its
 * headers, or its body) is cut at the request limit, not after 30 s of
 * silence.  A body announced over the limit is refused with 413 at once,
 * without waiting for it. */
static void test_request_deadline(void)
{
	struct http_server_opts o = { .listen_address = "127.0.0.1:0",
				      .request_timeout_ms = 700 };
	static const char headers[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "
				      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
	static const char body_head[] = "POST /api/v1/x HTTP/1.1\r\nHost: x\r\n"
					"Content-Length: 40\r\n\r\n";
	static const char big_head[] = "POST /api/v1/x HTTP/1.1\r\nHost: x\r\n"
				       "Content-Length: 100000000\r\n\r\n";
	struct strbuf got = STRBUF_INIT;
	struct http_server *s;
	struct ht_app a;
	int64_t took;
	uint16_t p;
	int fd;

	ht_app_init(&a, 3);
	s = ht_start(&a, &o, NULL);
	if (!s)
		return;
	p = http_server_port(s);
	/* headers, one byte per 100 ms: cut at 700 ms (+ the watchdog's tick) */
	fd = ht_connect_af(AF_INET, p);
	took = ht_trickle_until_closed(fd, headers, 100, 5000, NULL);
	CHECK(took >= 600 && took < 2000);
	close(fd);
	/* a body at the same pace, after headers sent at once */
	fd = ht_connect_af(AF_INET, p);
	CHECK(ht_send_all(fd, body_head, sizeof(body_head) - 1) == 0);
	took = ht_trickle_until_closed(fd, "{\"a\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}", 100,
				       5000, NULL);
	CHECK(took >= 500 && took < 2000);
	close(fd);
	/* 100 MB announced: 413 at once, no byte of it read */
	fd = ht_connect_af(AF_INET, p);
	CHECK(ht_send_all(fd, big_head, sizeof(big_head) - 1) == 0);
	took = ht_trickle_until_closed(fd, "", 100, 5000, &got);
	CHECK(took >= 0 && took < 500);
	CHECK(strncmp(strbuf_str(&got), "HTTP/1.1 413 ", 13) == 0);
	close(fd);
	/* a request at a normal pace is still served */
	{
		struct ht_resp r;

		ht_request(p, "GET", "/metrics", "", &r);
		CHECK_INT(r.status, 200);
		ht_resp_release(&r);
	}
	strbuf_release(&got);
	http_server_stop(s);
	ht_app_destroy(&a);
}

int main(void)
{
	/* the server's expected warnings (431, failed scrapes) are noise here */
	log_set_level(LOG_LEVEL_ERROR);
	RUN(test_listen_address_parsing);
	RUN(test_accept_encoding);

	ht_app_init(&app, 20000);  /* ~600 KB: many blocks, many deflate rounds */
	srv = ht_start_default(&app);
	if (!srv)
		return testlib_done() | 1;
	port = http_server_port(srv);
	CHECK(port != 0);
	RUN(test_get_metrics);
	RUN(test_get_http10);
	RUN(test_gzip);
	RUN(test_openmetrics);
	RUN(test_head);
	RUN(test_keep_alive);
	RUN(test_method_not_allowed);
	RUN(test_not_found);
	RUN(test_healthy);
	RUN(test_ready);
	RUN(test_landing_page);
	RUN(test_huge_header);
	RUN(test_scrape_failure);
	RUN(test_error_midway);
	RUN(test_bind_conflict);
	RUN(test_app_routes);
	http_server_stop(srv);
	CHECK_INT(app.frees, app.calls - 1);  /* all but the failed metrics() */
	ht_app_destroy(&app);

	RUN(test_scrape_slots);
	RUN(test_request_deadline);
	RUN(test_ipv6_and_dual_stack);
	RUN(test_custom_telemetry_path);
	RUN(test_large_body_streams);
	return testlib_done();
}
