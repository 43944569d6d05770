/* Transport: the libmicrohttpd daemon's lifecycle, the gate, and handing
 * each request to its route (reading a POST body first). */
#include "http/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "http/http_gate.h"
#include "http/http_reply.h"
#include "http/http_stream.h"
#include "http/http_watch.h"

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_routes routes;
	struct http_gate gate;
	struct http_stream_slots slots;
	struct http_reply_headers headers;  /* on every response */
	struct http_watch *watch;           /* deadlines of every connection */
	struct http_refusals own_refusals;
	struct http_refusals *refusals;     /* own_refusals or the caller's */
	uint16_t port;
};

/* A private page is self-contained: inline style and script, fetches to
 * itself only, no frames (clickjacking of its action buttons). */
#define HTTP_PRIVATE_CSP "default-src 'none'; style-src 'unsafe-inline'; " \
	"script-src 'unsafe-inline'; connect-src 'self'; img-src data:; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/* A POST body being read; freed when the request completes. */
struct http_upload {
	struct strbuf body;
	bool too_big;
};

/* ---- requests ----------------------------------------------------------- */

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

/* Our bookkeeping of c (NULL only if it could not be allocated). */
static struct http_conn *http_conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static const char *http_client_of(struct MHD_Connection *c)
{
	const struct http_conn *conn = http_conn_of(c);

	return conn ? conn->client : "?";
}

/* The server's counters, found through the connection's watch. */
static struct http_refusals *http_refusals_of(struct MHD_Connection *c)
{
	struct http_conn *conn = http_conn_of(c);

	return conn ? http_watch_refusals(conn->watch) : NULL;
}

static void http_enter(struct MHD_Connection *c, enum http_phase phase)
{
	struct http_conn *conn = http_conn_of(c);

	if (conn)
		http_watch_enter(conn, phase);
}

static bool http_private_headers(struct MHD_Response *r)
{
	return MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				       "no-store") == MHD_YES &&
	       MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") == MHD_YES &&
	       MHD_add_response_header(r, "Content-Security-Policy",
				       HTTP_PRIVATE_CSP) == MHD_YES;
}

/* A handle route's answer, given the body read (up; NULL without one). */
static enum MHD_Result http_serve_handle(const struct http_route *route,
					 struct MHD_Connection *c, const char *url,
					 const char *method, struct http_upload *up)
{
	struct http_request req = { .method = method, .url = url, .conn = c };
	struct http_response resp = { 200, HTTP_TEXT_TYPE, STRBUF_INIT, NULL, NULL };
	struct MHD_Response *r;
	char remote[64];

	http_remote(c, remote, sizeof(remote));
	req.remote = remote;
	if (up) {
		req.body = strbuf_str(&up->body);
		req.body_len = up->body.len;
	}
	route->handle(route->ctx, &req, &resp);
	if (strbuf_failed(&resp.body)) {
		strbuf_release(&resp.body);
		return http_reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Out of memory\n");
	}
	r = http_reply_buffer(strbuf_str(&resp.body), resp.body.len, resp.content_type);
	strbuf_release(&resp.body);
	if (r && resp.header_name && resp.header_value &&
	    MHD_add_response_header(r, resp.header_name, resp.header_value) != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	if (r && route->private_page && !http_private_headers(r)) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_reply_queue(c, resp.status, r);
}

/* 413 at once, before reading the rest: libmicrohttpd then reads no more
 * of the body and closes the connection after the answer. */
static enum MHD_Result http_too_large(struct MHD_Connection *c, struct http_upload *up)
{
	log_warn("http: a request from %s with a body over %d bytes refused (413)",
		 http_client_of(c), HTTP_BODY_MAX);
	up->too_big = true;
	http_enter(c, HTTP_PHASE_RESPONSE);
	http_refusal_count(http_refusals_of(c), HTTP_REFUSED_BODY_TOO_LARGE);
	return http_reply_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "Request body too large\n");
}

/* Collects a POST body, up to HTTP_BODY_MAX bytes. */
static enum MHD_Result http_upload_add(struct MHD_Connection *c, struct http_upload *up,
				       const char *data, size_t *size)
{
	size_t n = *size;

	*size = 0;
	if (up->body.len + n > HTTP_BODY_MAX)
		return http_too_large(c, up);
	strbuf_add(&up->body, data, n);
	return MHD_YES;
}

/* The Content-Length header announces more than HTTP_BODY_MAX bytes. */
static bool http_announces_too_much(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end;
	unsigned long long n;

	if (!cl)
		return false;
	errno = 0;
	n = strtoull(cl, &end, 10);
	/* a malformed length is libmicrohttpd's to refuse */
	return end != cl && !*end && (errno == ERANGE || n > HTTP_BODY_MAX);
}

static void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			   enum MHD_RequestTerminationCode code)
{
	struct http_server *s = cls;
	struct http_upload *up = *con_cls;

	(void)code;
	/* keep-alive: the next request line must come within the idle limit */
	http_enter(c, HTTP_PHASE_IDLE);
	if (up && (void *)up != (void *)s) {
		strbuf_release(&up->body);
		free(up);
	}
	*con_cls = NULL;
}

/* ---- dispatch ------------------------------------------------------------ */

static bool http_has_body(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (cl && strcmp(cl, "0")) ||
	       MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

static unsigned http_method_bit(const char *method)
{
	if (!strcmp(method, MHD_HTTP_METHOD_GET))
		return HTTP_GET;
	if (!strcmp(method, MHD_HTTP_METHOD_HEAD))
		return HTTP_HEAD;
	if (!strcmp(method, MHD_HTTP_METHOD_POST))
		return HTTP_POST;
	return 0;
}

/* A POST to a route that takes one: the body is read in pieces into
 * *con_cls, then the route runs. */
static enum MHD_Result http_handle_post(const struct http_route *route,
					struct MHD_Connection *c, const char *url,
					const char *upload, size_t *upload_size,
					void **con_cls)
{
	struct http_upload *up = *con_cls;

	if (!up) {
		up = calloc(1, sizeof(*up));
		if (!up)
			return MHD_NO;
		strbuf_init(&up->body, HTTP_BODY_MAX + 1);
		*con_cls = up;
		return http_announces_too_much(c) ? http_too_large(c, up) : MHD_YES;
	}
	if (up->too_big) {  /* answered already */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size)
		return http_upload_add(c, up, upload, upload_size);
	http_enter(c, HTTP_PHASE_RESPONSE);
	return http_serve_handle(route, c, url, MHD_HTTP_METHOD_POST, up);
}

static enum MHD_Result http_answer(struct http_server *s, const struct http_route *route,
				   struct MHD_Connection *c, const char *url,
				   const char *method)
{
	if (!route)
		return http_reply_text(c, MHD_HTTP_NOT_FOUND, "Not Found\n");
	if (route->stream)
		return http_stream_serve(route, &s->slots, c, http_client_of(c),
					 !strcmp(method, MHD_HTTP_METHOD_HEAD));
	return http_serve_handle(route, c, url, method, NULL);
}

/* libmicrohttpd calls this once with the headers, then per body piece, then
 * once more with an empty piece. */
static enum MHD_Result http_handle(void *cls, struct MHD_Connection *c,
				   const char *url, const char *method,
				   const char *version, const char *upload_data,
				   size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	const struct http_route *route = http_routes_find(&s->routes, url);
	unsigned bit = http_method_bit(method);
	enum MHD_Result gate_ret;

	(void)version;
	/* the request is read once its headers are, but for a body that a
	 * POST route reads (http_handle_post ends that phase) */
	if (!*con_cls && !(route && bit == HTTP_POST && (route->methods & bit)))
		http_enter(c, HTTP_PHASE_RESPONSE);
	/* the first call of a request (again while a body arrives on routes
	 * that do not read one; the check is then cached) */
	if (!*con_cls && (s->gate.tls || s->gate.auth) &&
	    !http_gate_pass(&s->gate, c, http_client_of(c), &gate_ret))
		return gate_ret;
	if (route && !(route->methods & bit))
		return http_reply_not_allowed(c, route->methods);
	if (route && bit == HTTP_POST)
		return http_handle_post(route, c, url, upload_data, upload_data_size,
					con_cls);
	/* An answer on the first call closes the connection afterwards, which
	 * is right for a request with a body that the route does not read
	 * (reading it would let a client hold the thread); otherwise wait for
	 * the final call so that the connection is kept alive. */
	if (!*con_cls && !http_has_body(c)) {
		*con_cls = s;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	return http_answer(s, route, c, url, method);
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

/* Each connection's socket context is its http_conn: the deadlines, and
 * the extra headers for http_reply_queue().  libmicrohttpd notifies the
 * close before it closes the descriptor. */
static void http_notify_connection(void *cls, struct MHD_Connection *c,
				   void **socket_context,
				   enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	const union MHD_ConnectionInfo *ci;
	char remote[64];

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		http_watch_remove(*socket_context);
		*socket_context = NULL;
		return;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return;
	http_remote(c, remote, sizeof(remote));
	*socket_context = http_watch_add(s->watch, ci->connect_fd, remote);
	if (!*socket_context)
		shutdown(ci->connect_fd, SHUT_RDWR);  /* out of memory: no service */
}

/* A request line arrived (keep-alive requests after the first too): its
 * headers and body must follow within the request limit. */
static void *http_request_started(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)uri;
	http_enter(c, HTTP_PHASE_REQUEST);
	return NULL;
}

static void http_opts_defaults(const struct http_server_opts *o,
			       struct http_server_opts *d)
{
	*d = *o;
	if (!d->listen_address || !*d->listen_address)
		d->listen_address = HTTP_DEFAULT_LISTEN_ADDRESS;
	if (!d->max_connections)
		d->max_connections = 64;
	if (!d->connection_timeout_s)
		d->connection_timeout_s = 30;
	if (!d->request_timeout_ms)
		d->request_timeout_ms = 10000;
	if (!d->response_timeout_ms)
		d->response_timeout_ms = 60000;
	if (!d->max_concurrent_scrapes)
		d->max_concurrent_scrapes = 4;
	if (!d->max_request_header_bytes)
		d->max_request_header_bytes = 8 * 1024;
}

/* An eighth of the connections per client address (at least 4): one
 * noisy client, or a few, cannot take every slot from Prometheus; with the
 * request deadline, each held connection is cut within seconds. */
static unsigned http_per_ip_limit(unsigned max_connections)
{
	unsigned n = max_connections / 8;

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
		MHD_OPTION_URI_LOG_CALLBACK, http_request_started, (void *)s,
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
	http_backoff_free(s->gate.backoff);
	http_watch_stop(s->watch);
	http_stream_slots_destroy(&s->slots);
	free(s);
}

/* The server's state and its watchdog; the daemon is started apart. */
static int http_server_new(const struct http_server_opts *o,
			   const struct http_routes *routes, struct http_server **out,
			   struct ikw_err *err)
{
	const struct http_watch_limits limits = { {
		[HTTP_PHASE_REQUEST] = o->request_timeout_ms,
		[HTTP_PHASE_RESPONSE] = o->response_timeout_ms,
		[HTTP_PHASE_IDLE] = o->connection_timeout_s * 1000,
	} };
	struct http_server *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return err_set(err, -ENOMEM, "out of memory");
	s->routes = *routes;
	s->refusals = o->refusals ? o->refusals : &s->own_refusals;
	s->gate = (struct http_gate){ o->tls, o->auth, NULL, s->refusals };
	if (o->auth && !(s->gate.backoff = http_backoff_new())) {
		free(s);
		return err_set(err, -ENOMEM, "out of memory");
	}
	s->headers = (struct http_reply_headers){ o->headers, o->n_headers };
	if (http_stream_slots_init(&s->slots, o->max_concurrent_scrapes,
				   o->request_timeout_ms)) {
		http_backoff_free(s->gate.backoff);
		free(s);
		return err_set(err, -ENOMEM, "out of memory");
	}
	s->slots.refusals = s->refusals;
	r = http_watch_start(&limits, &s->headers, s->refusals, &s->watch, err);
	if (r < 0) {
		http_stream_slots_destroy(&s->slots);
		http_backoff_free(s->gate.backoff);
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

int http_server_start(const struct http_server_opts *opts,
		      const struct http_routes *routes, struct http_server **out,
		      struct ikw_err *err)
{
	struct http_server_opts o;
	struct http_server *s = NULL;
	struct stat st;
	bool v6 = false;
	int fd = -1, r;

	http_opts_defaults(opts, &o);
	r = http_routes_check(routes, err);
	if (r == 0)
		r = http_server_new(&o, routes, &s, err);
	if (r < 0) {
		if (o.listener && o.listener->fd >= 0) {
			close(o.listener->fd);
			o.listener->fd = -1;
		}
		return r;
	}
	if (o.listener) {
		fd = o.listener->fd;
		v6 = o.listener->v6;
		s->port = o.listener->port;
		o.listener->fd = -1;   /* ours now */
		r = fd < 0 ? err_set(err, -EBADF, "no listening socket") : 0;
	} else {
		r = http_open_listener(o.listen_address, &fd, &v6, &s->port, err);
	}
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

void http_server_refusals(struct http_server *s, uint64_t out[HTTP_REFUSALS])
{
	size_t i;

	for (i = 0; i < HTTP_REFUSALS; i++)
		out[i] = s ? atomic_load(&s->refusals->n[i]) : 0;
}

const char *http_refusal_name(enum http_refusal k)
{
	static const char *const names[HTTP_REFUSALS] = {
		[HTTP_REFUSED_LOGIN_FAILED] = "login_failed",
		[HTTP_REFUSED_LOGIN_BACKOFF] = "login_backoff",
		[HTTP_REFUSED_LOGIN_BUSY] = "login_busy",
		[HTTP_REFUSED_REQUEST_DEADLINE] = "request_deadline",
		[HTTP_REFUSED_RESPONSE_DEADLINE] = "response_deadline",
		[HTTP_REFUSED_BODY_TOO_LARGE] = "body_too_large",
		[HTTP_REFUSED_SCRAPE_SLOTS] = "scrape_slots",
	};

	return k < HTTP_REFUSALS ? names[k] : "?";
}

int http_server_listen(const struct http_server_opts *o, struct http_listener *l,
		       struct ikw_err *err)
{
	struct http_server_opts d;

	http_opts_defaults(o, &d);
	l->fd = -1;
	return http_open_listener(d.listen_address, &l->fd, &l->v6, &l->port, err);
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
