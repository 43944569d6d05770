#include "http/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/qvalue.h"
#include "common/log.h"
#include "common/num.h"

#ifndef IKW_VERSION
#define IKW_VERSION "unknown"
#endif

/* Pieces for HTTP/1.0; a chunked response's chunks are bounded by the
 * connection's memory (max_request_header_bytes) instead. */
#define HTTP_BLOCK_SIZE (32 * 1024)
#define HTTP_ALLOWED_METHODS "GET, HEAD"
#define HTTP_TEXT_TYPE "text/plain; charset=utf-8"

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_handlers h;
	char *telemetry_path;
	char *landing;          /* landing page HTML, built once */
	unsigned max_scrapes;
	atomic_uint scrapes;    /* metrics bodies currently being produced */
	uint16_t port;
	const struct http_tls *tls;         /* NULL: plain HTTP */
	struct http_auth *auth;             /* NULL: no basic auth */
	const struct web_header *headers;   /* on every response */
	size_t n_headers;
};

/* One metrics response in flight: pieces pulled from the source as
 * libmicrohttpd asks for bytes, optionally through deflate. */
struct http_stream {
	struct http_server *srv;
	struct http_body_source src;
	struct strbuf piece;    /* the current piece */
	size_t off;             /* bytes of piece already handed on */
	bool src_done;
	bool gzip;
	bool z_done;
	z_stream z;
};

/* ---- header parsing ----------------------------------------------------- */

static const char *http_skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The q of one Accept-Encoding element [s, end): 1000 without a q
 * parameter, -1 if it is malformed. */
static int http_element_q(const char *s, const char *end)
{
	const char *p = s;

	while ((p = memchr(p, ';', (size_t)(end - p))) != NULL) {
		const char *v, *e;

		p = http_skip_ows(p + 1);
		if ((*p != 'q' && *p != 'Q') || p + 1 >= end)
			continue;
		v = http_skip_ows(p + 1);
		if (v >= end || *v != '=')
			continue;
		v = http_skip_ows(v + 1);
		for (e = v; e < end && *e != ' ' && *e != '\t' && *e != ';'; e++)
			;
		return qvalue_parse(v, (size_t)(e - v));
	}
	return 1000;
}

static bool http_coding_is(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && !strncasecmp(s, name, len);
}

bool http_accepts_gzip(const char *ae)
{
	int gzip_q = -1, star_q = -1;
	const char *p = ae;

	while (p && *p) {
		const char *end = strchr(p, ','), *name = http_skip_ows(p);
		size_t len;
		int q;

		if (!end)
			end = p + strlen(p);
		len = strcspn(name, " \t;,");
		if (name + len > end)
			len = 0;
		q = http_element_q(name, end);
		if (q >= 0 && (http_coding_is(name, len, "gzip") ||
			       http_coding_is(name, len, "x-gzip")))
			gzip_q = q > gzip_q ? q : gzip_q;
		else if (q >= 0 && http_coding_is(name, len, "*"))
			star_q = q > star_q ? q : star_q;
		p = *end ? end + 1 : end;
	}
	return gzip_q >= 0 ? gzip_q > 0 : star_q > 0;
}

/* ---- listen address ----------------------------------------------------- */

static int http_parse_host(const char *host, bool v6, uint16_t port,
			   struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;

	memset(ss, 0, sizeof(*ss));
	if (!v6) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		/* inet_pton, unlike getaddrinfo, refuses "127.1" and "0x7f.1" */
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -EINVAL;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	/* getaddrinfo for the zone ("fe80::1%eth0"); numeric only, no DNS */
	hints.ai_family = AF_INET6;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return -EINVAL;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = (socklen_t)res->ai_addrlen;
	freeaddrinfo(res);
	((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	return 0;
}

int http_parse_listen_address(const char *s, struct sockaddr_storage *ss,
			      socklen_t *len, struct ikw_err *err)
{
	char host[INET6_ADDRSTRLEN + 64];
	const char *host_start, *host_end, *port_str;
	uint64_t port;
	bool v6 = false;

	if (!s || !*s)
		return err_set(err, -EINVAL, "empty listen address");
	if (s[0] == '[') {
		host_start = s + 1;
		host_end = strchr(s, ']');
		if (!host_end || host_end[1] != ':')
			return err_set(err, -EINVAL, "invalid listen address '%s': "
				       "expected [IPv6]:port", s);
		port_str = host_end + 2;
		v6 = true;
	} else {
		host_start = s;
		host_end = strrchr(s, ':');
		if (!host_end)
			return err_set(err, -EINVAL, "invalid listen address '%s': "
				       "missing :port", s);
		port_str = host_end + 1;
		if (memchr(s, ':', (size_t)(host_end - s)))
			return err_set(err, -EINVAL, "invalid listen address '%s': "
				       "an IPv6 address needs brackets, as in [::1]:9786", s);
	}
	if (num_parse_u64_str(port_str, 65535, &port) < 0)
		return err_set(err, -EINVAL, "invalid listen address '%s': "
			       "port must be 0-65535", s);
	if ((size_t)(host_end - host_start) >= sizeof(host))
		return err_set(err, -EINVAL, "invalid listen address '%s': "
			       "address too long", s);
	memcpy(host, host_start, (size_t)(host_end - host_start));
	host[host_end - host_start] = '\0';
	if (!*host && !v6) {
		/* ":port": the IPv6 wildcard, opened dual-stack by the server */
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		memset(ss, 0, sizeof(*ss));
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_any;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*sin6);
		return 0;
	}
	if (http_parse_host(host, v6, (uint16_t)port, ss, len) < 0)
		return err_set(err, -EINVAL, "invalid listen address '%s': "
			       "'%s' is not an IP%s address", s, host, v6 ? "v6" : "v4");
	return 0;
}

/* Opens a listening socket ourselves rather than letting libmicrohttpd do
 * it, so that a bind failure reports its real errno. */
static int http_listen_on(const struct sockaddr_storage *ss, socklen_t len,
			  bool dual, int *fd_out)
{
	int one = 1, v6only = !dual, fd, e;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (ss->ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0) ||
	    bind(fd, (const struct sockaddr *)ss, len) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	*fd_out = fd;
	return 0;
}

static int http_open_listener(const char *addr, int *fd, bool *v6,
			      uint16_t *port, struct ikw_err *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool dual = addr[0] == ':';
	int r;

	r = http_parse_listen_address(addr, &ss, &len, err);
	if (r < 0)
		return r;
	r = http_listen_on(&ss, len, dual, fd);
	if (r == -EAFNOSUPPORT && dual) {
		/* ":port" on a host without IPv6: all IPv4 addresses */
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		uint16_t p = ((struct sockaddr_in6 *)&ss)->sin6_port;

		memset(&ss, 0, sizeof(ss));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
		sin->sin_port = p;
		len = sizeof(*sin);
		r = http_listen_on(&ss, len, false, fd);
	}
	if (r < 0)
		return err_set(err, r, "cannot listen on %s: %s", addr, strerror(-r));
	*v6 = ss.ss_family == AF_INET6;
	len = sizeof(ss);
	if (getsockname(*fd, (struct sockaddr *)&ss, &len) == 0)
		*port = ntohs(ss.ss_family == AF_INET6 ?
			      ((struct sockaddr_in6 *)&ss)->sin6_port :
			      ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

/* ---- responses ---------------------------------------------------------- */

/* The configured headers, found through the connection's socket context
 * (the server, set when the connection opened). */
static bool http_extra_headers(struct MHD_Connection *c, struct MHD_Response *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	const struct http_server *s = ci ? ci->socket_context : NULL;
	size_t i;

	for (i = 0; s && i < s->n_headers; i++)
		if (MHD_add_response_header(r, s->headers[i].name,
					    s->headers[i].value) != MHD_YES)
			return false;
	return true;
}

static enum MHD_Result http_queue(struct MHD_Connection *c, unsigned status,
				  struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	if (!http_extra_headers(c, r)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static struct MHD_Response *http_buffer_response(const char *body,
						 const char *type)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
					    MHD_RESPMEM_MUST_COPY);
	if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					 type) != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return r;
}

static enum MHD_Result http_text(struct MHD_Connection *c, unsigned status,
				 const char *body)
{
	return http_queue(c, status, http_buffer_response(body, HTTP_TEXT_TYPE));
}

static enum MHD_Result http_not_allowed(struct MHD_Connection *c)
{
	struct MHD_Response *r;

	r = http_buffer_response("Method Not Allowed\n", HTTP_TEXT_TYPE);
	if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
					 HTTP_ALLOWED_METHODS) != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
}

static void http_html_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		default: strbuf_addch(sb, *s); break;
		}
	}
}

static char *http_build_landing(const char *telemetry_path)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>"
		      "<meta charset=\"utf-8\"><title>ikewatch</title></head>\n"
		      "<body>\n<h1>ikewatch</h1>\n"
		      "<p>Prometheus exporter for strongSwan IPsec, version "
		      IKW_VERSION ".</p>\n<ul>\n<li><a href=\"");
	http_html_escape(&sb, telemetry_path);
	strbuf_addstr(&sb, "\">Metrics</a></li>\n"
		      "<li><a href=\"/-/healthy\">Health</a></li>\n"
		      "<li><a href=\"/-/ready\">Readiness</a></li>\n"
		      "</ul>\n</body>\n</html>\n");
	if (strbuf_failed(&sb)) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* ---- streamed metrics body ---------------------------------------------- */

static void http_stream_free(void *cls)
{
	struct http_stream *st = cls;

	if (st->src.free)
		st->src.free(st->src.ctx);
	if (st->gzip)
		deflateEnd(&st->z);
	atomic_fetch_sub(&st->srv->scrapes, 1);  /* taken before _new */
	strbuf_release(&st->piece);
	free(st);
}

/* Makes unsent bytes available in st->piece.  Returns 1 when there are some,
 * 0 at the end of the body, <0 on a source error. */
static int http_stream_fill(struct http_stream *st)
{
	while (st->off >= st->piece.len && !st->src_done) {
		int r;

		strbuf_reset(&st->piece);
		st->off = 0;
		r = st->src.next(st->src.ctx, &st->piece);
		if (r < 0)
			return r;
		if (strbuf_failed(&st->piece))
			return -ENOMEM;
		st->src_done = r == 0;
	}
	return st->off < st->piece.len;
}

static ssize_t http_stream_plain(struct http_stream *st, char *buf, size_t max)
{
	size_t n = 0;

	while (n < max) {
		size_t chunk;
		int r = http_stream_fill(st);

		if (r < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (r == 0)
			break;
		chunk = st->piece.len - st->off;
		if (chunk > max - n)
			chunk = max - n;
		memcpy(buf + n, st->piece.buf + st->off, chunk);
		st->off += chunk;
		n += chunk;
	}
	return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static ssize_t http_stream_gzip(struct http_stream *st, char *buf, size_t max)
{
	z_stream *z = &st->z;
	uInt room = max > UINT_MAX ? UINT_MAX : (uInt)max;

	z->next_out = (Bytef *)buf;
	z->avail_out = room;
	while (z->avail_out > 0 && !st->z_done) {
		int r;

		if (z->avail_in == 0) {
			r = http_stream_fill(st);
			if (r < 0)
				return MHD_CONTENT_READER_END_WITH_ERROR;
			if (r > 0) {
				/* deflate reads straight from the piece */
				size_t n = st->piece.len - st->off;

				if (n > UINT_MAX)
					n = UINT_MAX;
				z->next_in = (Bytef *)st->piece.buf + st->off;
				z->avail_in = (uInt)n;
				st->off += n;
			}
		}
		r = deflate(z, z->avail_in == 0 && st->src_done ? Z_FINISH : Z_NO_FLUSH);
		if (r == Z_STREAM_END)
			st->z_done = true;
		else if (r != Z_OK && r != Z_BUF_ERROR)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (z->avail_out == room)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return (ssize_t)(room - z->avail_out);
}

/* Never returns 0: with an internal polling thread libmicrohttpd would call
 * again at once and spin, so both readers block until they have bytes or the
 * end. */
static ssize_t http_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *st = cls;
	ssize_t n;

	(void)pos;
	n = st->gzip ? http_stream_gzip(st, buf, max) : http_stream_plain(st, buf, max);
	if (n == MHD_CONTENT_READER_END_WITH_ERROR)
		log_warn("http: metrics body failed; aborting the response");
	return n;
}

static struct http_stream *http_stream_new(struct http_server *s, bool gzip)
{
	struct http_stream *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->srv = s;
	strbuf_init(&st->piece, 0);
	/* windowBits 15 + 16: a gzip wrapper rather than raw zlib */
	if (gzip && deflateInit2(&st->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
				 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(st);
		return NULL;
	}
	st->gzip = gzip;
	return st;
}

/* Adds the headers of a metrics response; false on allocation failure. */
static bool http_metrics_headers(struct MHD_Response *r, enum expo_format fmt,
				 bool gzip)
{
	return MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				       expo_content_type(fmt)) == MHD_YES &&
	       MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
				       "Accept, Accept-Encoding") == MHD_YES &&
	       (!gzip || MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
						 "gzip") == MHD_YES);
}

static enum MHD_Result http_stream_queue(struct MHD_Connection *c,
					 struct http_stream *st,
					 enum expo_format fmt)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, HTTP_BLOCK_SIZE,
					      http_stream_read, st,
					      http_stream_free);
	if (!r) {
		http_stream_free(st);
		return MHD_NO;
	}
	if (!http_metrics_headers(r, fmt, st->gzip)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	return http_queue(c, MHD_HTTP_OK, r);
}

/* HEAD: the headers of a scrape without collecting.  libmicrohttpd 0.9.75
 * would send the last chunk of a chunked response even to HEAD, so this is
 * an empty response (Content-Length: 0) instead. */
static enum MHD_Result http_head_metrics(struct MHD_Connection *c,
					 enum expo_format fmt, bool gzip)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(0, (void *)(uintptr_t)"",
					    MHD_RESPMEM_PERSISTENT);
	if (r && !http_metrics_headers(r, fmt, gzip)) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_queue(c, MHD_HTTP_OK, r);
}

/* Takes one of the scrape slots; false when all are in use. */
static bool http_scrape_acquire(struct http_server *s)
{
	if (atomic_fetch_add(&s->scrapes, 1) < s->max_scrapes)
		return true;
	atomic_fetch_sub(&s->scrapes, 1);
	return false;
}

static enum MHD_Result http_scrape_failed(struct MHD_Connection *c,
					  const struct ikw_err *err)
{
	struct strbuf body = STRBUF_INIT;
	enum MHD_Result ret;

	log_warn("http: scrape failed: %s", err->msg);
	strbuf_addstr(&body, err->msg[0] ? err->msg : "scrape failed");
	strbuf_addch(&body, '\n');
	ret = http_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, strbuf_str(&body));
	strbuf_release(&body);
	return ret;
}

static enum MHD_Result http_serve_metrics(struct http_server *s,
					  struct MHD_Connection *c, bool head)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT);
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ACCEPT_ENCODING);
	enum expo_format fmt = expo_negotiate(accept);
	struct ikw_err err = { "" };
	struct http_stream *st;

	if (head)
		return http_head_metrics(c, fmt, http_accepts_gzip(ae));
	if (!http_scrape_acquire(s)) {
		log_warn("http: rejecting scrape: %u already running", s->max_scrapes);
		return http_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "too many concurrent scrapes\n");
	}
	st = http_stream_new(s, http_accepts_gzip(ae));
	if (!st) {
		atomic_fetch_sub(&s->scrapes, 1);
		return http_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	}
	if (s->h.metrics(s->h.ctx, fmt, &st->src, &err) < 0 ||
	    (!st->src.next && err_set(&err, -EINVAL, "no metrics body") < 0)) {
		http_stream_free(st);  /* frees the source, releases the slot */
		return http_scrape_failed(c, &err);
	}
	return http_stream_queue(c, st, fmt);
}

enum http_route {
	HTTP_ROUTE_NONE,
	HTTP_ROUTE_METRICS,
	HTTP_ROUTE_LANDING,
	HTTP_ROUTE_HEALTHY,
	HTTP_ROUTE_READY,
	HTTP_ROUTE_APP,
};

static enum http_route http_route(const struct http_server *s, const char *url)
{
	if (!strcmp(url, s->telemetry_path))
		return HTTP_ROUTE_METRICS;
	if (!strcmp(url, "/"))
		return HTTP_ROUTE_LANDING;
	if (!strcmp(url, "/-/healthy"))
		return HTTP_ROUTE_HEALTHY;
	if (!strcmp(url, "/-/ready"))
		return HTTP_ROUTE_READY;
	if (s->h.app && (!strcmp(url, "/status") || !strncmp(url, "/api/", 5)))
		return HTTP_ROUTE_APP;
	return HTTP_ROUTE_NONE;
}

static bool http_has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (cl && strcmp(cl, "0")) ||
	       MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

static enum MHD_Result http_dispatch(struct http_server *s,
				     struct MHD_Connection *c,
				     enum http_route route, bool head)
{
	switch (route) {
	case HTTP_ROUTE_METRICS:
		return http_serve_metrics(s, c, head);
	case HTTP_ROUTE_LANDING:
		return http_queue(c, MHD_HTTP_OK,
				  http_buffer_response(s->landing,
						       "text/html; charset=utf-8"));
	case HTTP_ROUTE_HEALTHY:
		return http_text(c, MHD_HTTP_OK, "OK\n");
	case HTTP_ROUTE_READY:
		if (s->h.ready && !s->h.ready(s->h.ctx))
			return http_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "Not ready\n");
		return http_text(c, MHD_HTTP_OK, "OK\n");
	case HTTP_ROUTE_APP:    /* handled before, by http_handle_app() */
	case HTTP_ROUTE_NONE:
		break;
	}
	return http_text(c, MHD_HTTP_NOT_FOUND, "Not Found\n");
}

/* ---- the application's routes (/status, /api/) ------------------------- */

/* The status page is self-contained: inline style and script, fetches to
 * itself only, no frames (clickjacking of its action buttons). */
#define HTTP_APP_CSP "default-src 'none'; style-src 'unsafe-inline'; " \
	"script-src 'unsafe-inline'; connect-src 'self'; img-src data:; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/* A POST body being read; freed when the request completes. */
struct http_upload {
	struct strbuf body;
	bool too_big;
};

const char *http_request_header(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_request_arg(const struct http_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static void http_remote(struct MHD_Connection *c, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	char host[64] = "";

	buf[0] = '\0';
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			  host, sizeof(host));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  host, sizeof(host));
	snprintf(buf, size, "%s", host);
}

static enum MHD_Result http_serve_app(struct http_server *s, struct MHD_Connection *c,
				      const char *url, const char *method,
				      struct http_upload *up)
{
	struct http_request req = { .method = method, .url = url, .conn = c };
	struct http_response resp = { 200, HTTP_TEXT_TYPE, STRBUF_INIT };
	struct MHD_Response *r;
	char remote[64];

	if (up && up->too_big) {
		http_remote(c, remote, sizeof(remote));
		log_warn("a request from %s with a body over %d bytes refused (413)", remote,
			 HTTP_APP_BODY_MAX);
		return http_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "Request body too large\n");
	}
	http_remote(c, remote, sizeof(remote));
	req.remote = remote;
	if (up) {
		req.body = strbuf_str(&up->body);
		req.body_len = up->body.len;
	}
	s->h.app(s->h.ctx, &req, &resp);
	if (strbuf_failed(&resp.body)) {
		strbuf_release(&resp.body);
		return http_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Out of memory\n");
	}
	r = MHD_create_response_from_buffer(resp.body.len, (void *)strbuf_str(&resp.body),
					    MHD_RESPMEM_MUST_COPY);
	strbuf_release(&resp.body);
	if (r && (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					  resp.content_type) != MHD_YES ||
		  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
					  "no-store") != MHD_YES ||
		  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") != MHD_YES ||
		  MHD_add_response_header(r, "Content-Security-Policy", HTTP_APP_CSP) != MHD_YES)) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_queue(c, resp.status, r);
}

/* Collects a POST body for the app, up to HTTP_APP_BODY_MAX bytes. */
static enum MHD_Result http_app_upload(struct http_upload *up, const char *data,
				       size_t *size)
{
	if (!up->too_big && up->body.len + *size <= HTTP_APP_BODY_MAX)
		strbuf_add(&up->body, data, *size);
	else
		up->too_big = true;
	*size = 0;
	return MHD_YES;
}

static void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			   enum MHD_RequestTerminationCode code)
{
	struct http_server *s = cls;
	struct http_upload *up = *con_cls;

	(void)c;
	(void)code;
	if (up && (void *)up != (void *)s) {
		strbuf_release(&up->body);
		free(up);
	}
	*con_cls = NULL;
}

static enum MHD_Result http_handle_app(struct http_server *s, struct MHD_Connection *c,
				       const char *url, const char *method,
				       const char *upload, size_t *upload_size,
				       void **con_cls)
{
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
	struct http_upload *up;

	if (!post && strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return http_not_allowed(c);
	if (!post) {
		if (!*con_cls && !http_has_body(c)) {
			*con_cls = s;
			return MHD_YES;
		}
		if (*upload_size) {
			*upload_size = 0;
			return MHD_YES;
		}
		return http_serve_app(s, c, url, method, NULL);
	}
	if (!*con_cls) {
		up = calloc(1, sizeof(*up));
		if (!up)
			return MHD_NO;
		strbuf_init(&up->body, HTTP_APP_BODY_MAX + 1);
		*con_cls = up;
		return MHD_YES;
	}
	up = *con_cls;
	if (*upload_size)
		return http_app_upload(up, upload, upload_size);
	return http_serve_app(s, c, url, method, up);
}

/* ---- client certificate and basic authentication ----------------------- */

static enum MHD_Result http_unauthorized(struct MHD_Connection *c)
{
	struct MHD_Response *r = http_buffer_response("Unauthorized\n", HTTP_TEXT_TYPE);

	if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					 "Basic realm=\"ikewatch\", charset=\"UTF-8\"")
	    != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_queue(c, MHD_HTTP_UNAUTHORIZED, r);
}

static bool http_basic_auth_ok(struct http_server *s, struct MHD_Connection *c)
{
	char *pass = NULL, *user = MHD_basic_auth_get_username_password(c, &pass);
	bool ok = http_auth_check(s->auth, user, pass);

	if (pass) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

/* Whether the request may go on; if not, *ret is what to return (a 403 or
 * 401 has been queued). */
static bool http_gate(struct http_server *s, struct MHD_Connection *c,
		      enum MHD_Result *ret)
{
	const char *why;
	char why_nl[96];

	if (s->tls) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);

		if (!http_tls_client_ok(s->tls, ci ? ci->tls_session : NULL, &why)) {
			log_debug("http: refused a request: %s", why);
			snprintf(why_nl, sizeof(why_nl), "%s\n", why);
			*ret = http_text(c, MHD_HTTP_FORBIDDEN, why_nl);
			return false;
		}
	}
	if (s->auth && !http_basic_auth_ok(s, c)) {
		*ret = http_unauthorized(c);
		return false;
	}
	return true;
}

/* libmicrohttpd calls this once with the headers, then per body piece, then
 * once more with an empty piece. */
static enum MHD_Result http_handle(void *cls, struct MHD_Connection *c,
				   const char *url, const char *method,
				   const char *version, const char *upload_data,
				   size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	enum http_route route = http_route(s, url);
	bool head = !strcmp(method, MHD_HTTP_METHOD_HEAD);
	enum MHD_Result gate_ret;

	(void)version;
	/* the first call of a request (again while a body arrives on routes
	 * that do not read one; the check is then cached) */
	if (!*con_cls && (s->tls || s->auth) && !http_gate(s, c, &gate_ret))
		return gate_ret;
	if (route == HTTP_ROUTE_APP)
		return http_handle_app(s, c, url, method, upload_data, upload_data_size,
				       con_cls);
	if (route != HTTP_ROUTE_NONE && !head &&
	    strcmp(method, MHD_HTTP_METHOD_GET))
		return http_not_allowed(c);
	/* An answer on the first call closes the connection afterwards, which
	 * is right for a request with a body (no route reads one, and reading
	 * it would let a client hold the thread); otherwise wait for the
	 * final call so that the connection is kept alive. */
	if (!*con_cls && !http_has_body(c)) {
		*con_cls = s;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	return http_dispatch(s, c, route, head);
}

/* ---- lifecycle ---------------------------------------------------------- */

static void http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	log_warn("http: %s", msg);
}

/* Points each connection's socket context at the server, for
 * http_extra_headers(). */
static void http_notify_connection(void *cls, struct MHD_Connection *c,
				   void **socket_context,
				   enum MHD_ConnectionNotificationCode code)
{
	(void)c;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		*socket_context = cls;
}

static void http_opts_defaults(const struct http_server_opts *o,
			       struct http_server_opts *d)
{
	*d = *o;
	if (!d->listen_address || !*d->listen_address)
		d->listen_address = HTTP_DEFAULT_LISTEN_ADDRESS;
	if (!d->telemetry_path || !*d->telemetry_path)
		d->telemetry_path = HTTP_DEFAULT_TELEMETRY_PATH;
	if (!d->max_connections)
		d->max_connections = 64;
	if (!d->connection_timeout_s)
		d->connection_timeout_s = 30;
	if (!d->max_concurrent_scrapes)
		d->max_concurrent_scrapes = 4;
	if (!d->max_request_header_bytes)
		d->max_request_header_bytes = 8 * 1024;
}

/* A quarter of the connections per client address (at least 4): one noisy
 * client cannot take every slot from Prometheus. */
static unsigned http_per_ip_limit(unsigned max_connections)
{
	unsigned n = max_connections / 4;

	if (n < 4)
		n = max_connections < 4 ? max_connections : 4;
	return n;
}

static int http_start_daemon(struct http_server *s,
			     const struct http_server_opts *o, int fd, bool v6,
			     struct ikw_err *err)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
			 MHD_USE_ERROR_LOG;
	struct MHD_OptionItem tls[5] = { { MHD_OPTION_END, 0, NULL } };
	size_t n = 0;

	if (v6)
		flags |= o->listen_address[0] == ':' ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	if (o->tls) {
		flags |= MHD_USE_TLS;
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, o->tls->cert };
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, o->tls->key };
		tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
						    o->tls->priorities };
		if (o->tls->trust)
			tls[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0,
							    o->tls->trust };
		tls[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	}
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, http_handle, s,
		MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, (void *)NULL,
		MHD_OPTION_ARRAY, tls,
		MHD_OPTION_NOTIFY_CONNECTION, http_notify_connection, (void *)s,
		MHD_OPTION_NOTIFY_COMPLETED, http_completed, (void *)s,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)o->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)http_per_ip_limit(o->max_connections),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o->connection_timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)o->max_request_header_bytes,
		MHD_OPTION_END);
	if (!s->daemon)
		return err_set(err, -EIO, "cannot start HTTP server on %s",
			       o->listen_address);
	return 0;
}

/* A failed MHD_start_daemon closes the listening socket on some paths and
 * not on others; close it only if the descriptor is still that socket. */
static void http_close_if_same(int fd, const struct stat *was)
{
	struct stat now;

	if (fstat(fd, &now) == 0 && now.st_dev == was->st_dev &&
	    now.st_ino == was->st_ino)
		close(fd);
}

static void http_server_free(struct http_server *s)
{
	free(s->telemetry_path);
	free(s->landing);
	free(s);
}

static struct http_server *http_server_new(const struct http_server_opts *o,
					   const struct http_handlers *h)
{
	struct http_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->h = *h;
	s->max_scrapes = o->max_concurrent_scrapes;
	s->tls = o->tls;
	s->auth = o->auth;
	s->headers = o->headers;
	s->n_headers = o->n_headers;
	atomic_init(&s->scrapes, 0);
	s->telemetry_path = strdup(o->telemetry_path);
	s->landing = http_build_landing(o->telemetry_path);
	if (!s->telemetry_path || !s->landing) {
		http_server_free(s);
		return NULL;
	}
	return s;
}

int http_server_start(const struct http_server_opts *opts,
		      const struct http_handlers *h, struct http_server **out,
		      struct ikw_err *err)
{
	struct http_server_opts o;
	struct http_server *s;
	struct stat st;
	bool v6 = false;
	int fd = -1, r;

	http_opts_defaults(opts, &o);
	if (o.telemetry_path[0] != '/')
		return err_set(err, -EINVAL, "telemetry path '%s' must start with '/'",
			       o.telemetry_path);
	s = http_server_new(&o, h);
	if (!s)
		return err_set(err, -ENOMEM, "out of memory");
	r = http_open_listener(o.listen_address, &fd, &v6, &s->port, err);
	if (r == 0 && fstat(fd, &st) < 0) {
		r = err_set(err, -errno, "cannot listen on %s: %s",
			    o.listen_address, strerror(errno));
		close(fd);
	}
	if (r == 0) {
		r = http_start_daemon(s, &o, fd, v6, err);
		if (r < 0)
			http_close_if_same(fd, &st);
	}
	if (r < 0) {
		http_server_free(s);
		return r;
	}
	*out = s;
	return 0;
}

uint16_t http_server_port(const struct http_server *s)
{
	return s->port;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	/* closes the listening socket and joins every connection thread */
	MHD_stop_daemon(s->daemon);
	http_server_free(s);
}
