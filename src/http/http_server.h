/* The HTTP endpoint (libmicrohttpd, one thread per connection, because a
 * scrape may block while collecting).
 *
 * Routes:
 *   <telemetry path>  GET/HEAD: the metrics, streamed as produced, gzip when
 *                     the client accepts it; other methods 405.  HEAD answers
 *                     with the headers only and does not collect.
 *   /                 landing page (GET/HEAD)
 *   /-/healthy        200 "OK" while the process serves HTTP
 *   /-/ready          200 "OK" when handlers->ready says so, else 503
 *   /status, /api/... handlers->app (GET, HEAD, POST; a POST body of at
 *                     most HTTP_APP_BODY_MAX bytes is read, larger is 413)
 *   anything else     404
 *
 * Before any route: the client certificate (opts.tls) and then basic
 * authentication (opts.auth) are checked; 403 or 401 otherwise.
 */
#ifndef IKW_HTTP_SERVER_H
#define IKW_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/err.h"
#include "common/strbuf.h"
#include "http/http_auth.h"
#include "http/http_tls.h"
#include "metrics/expo.h"

struct http_server;

/* A body produced in pieces, so that a large exposition is never held in
 * memory at once. */
struct http_body_source {
	void *ctx;
	/* Appends the next piece to sb (which the caller has emptied).  Returns
	 * 1 if more follows, 0 at the end (sb may hold a last piece), <0 on
	 * error (the connection is then aborted, so the client sees a truncated
	 * body rather than a short but valid-looking one).  A failed sb counts
	 * as an error. */
	int (*next)(void *ctx, struct strbuf *sb);
	/* Called exactly once when the body is done with (also after an error
	 * or an aborted connection); may be NULL. */
	void (*free)(void *ctx);
};

#define HTTP_APP_BODY_MAX (16 * 1024)

/* A request for handlers->app; strings valid during the call. */
struct http_request {
	const char *method, *url;
	const char *remote;          /* the client's address, "" if unknown */
	const char *body;            /* POST body (NUL-terminated), or NULL */
	size_t body_len;
	void *conn;                  /* for http_request_header/_arg */
};
/* A request header or query argument, NULL when absent. */
const char *http_request_header(const struct http_request *r, const char *name);
const char *http_request_arg(const struct http_request *r, const char *name);

/* What handlers->app answers: the server has set status 200, the body to an
 * empty strbuf and the type to text/plain. */
struct http_response {
	unsigned status;
	const char *content_type;
	struct strbuf body;
};

struct http_handlers {
	void *ctx;
	/* GET <telemetry path>: fills *src (zeroed before the call) and returns
	 * 0; or returns <0, and the client gets HTTP 503 with err's message as
	 * text body.  src->free, if set, is called in both cases.  Runs on the
	 * connection's thread, concurrently with other scrapes (at most
	 * max_concurrent_scrapes at a time). */
	int (*metrics)(void *ctx, enum expo_format fmt,
		       struct http_body_source *src, struct ikw_err *err);
	/* /-/ready: 200 "OK" when true, else 503.  NULL means always ready. */
	bool (*ready)(void *ctx);
	/* /status and /api/...: fills resp.  NULL: 404.  Runs on the
	 * connection's thread. */
	void (*app)(void *ctx, const struct http_request *req,
		    struct http_response *resp);
};

/* Zero fields take the defaults in the comments. */
struct http_server_opts {
	/* "127.0.0.1:9786", "[::1]:9786", "[fe80::1%eth0]:9786", ":9786" = all
	 * addresses, IPv6 and IPv4 (IPv4 only where IPv6 is unavailable);
	 * "[::]:9786" = IPv6 only.  Port 0 picks a free port (see
	 * http_server_port()).  Default ":9786". */
	const char *listen_address;
	const char *telemetry_path;      /* default "/metrics"; must start with / */
	unsigned max_connections;        /* default 64 */
	unsigned connection_timeout_s;   /* idle connections; default 30 */
	unsigned max_concurrent_scrapes; /* default 4; beyond → 503 "too many
					    concurrent scrapes" */
	/* Per-connection memory of libmicrohttpd, which bounds the request
	 * line and headers (larger requests get 431 or are closed).  Default
	 * 8 KiB. */
	size_t max_request_header_bytes;
	/* HTTPS instead of HTTP, with the client certificate checked on every
	 * request (see http_tls.h).  NULL: plain HTTP.  Must outlive the
	 * server. */
	const struct http_tls *tls;
	/* HTTP basic authentication on every route, /-/healthy included (as
	 * the exporter-toolkit does): 401 with WWW-Authenticate otherwise.
	 * NULL: none.  Must outlive the server. */
	struct http_auth *auth;
	/* Added to every response (web-config.yml http_server_config.headers);
	 * must outlive the server. */
	const struct web_header *headers;
	size_t n_headers;
};

#define HTTP_DEFAULT_LISTEN_ADDRESS ":9786"
#define HTTP_DEFAULT_TELEMETRY_PATH "/metrics"

/* Binds the listening socket and starts serving.  On failure returns -errno
 * with a reason in err, e.g. "cannot listen on 127.0.0.1:9786: Address
 * already in use".  handlers is copied; handlers->ctx must outlive the
 * server. */
int http_server_start(const struct http_server_opts *o,
		      const struct http_handlers *h, struct http_server **out,
		      struct ikw_err *err);
/* The bound port (useful with port 0). */
uint16_t http_server_port(const struct http_server *s);
/* Stops accepting, waits for the running requests (a scrape in progress is
 * finished or aborted) and frees s.  Accepts NULL. */
void http_server_stop(struct http_server *s);

/* Exposed for tests. */
int http_parse_listen_address(const char *s, struct sockaddr_storage *ss,
			      socklen_t *len, struct ikw_err *err);
/* Whether an Accept-Encoding header allows gzip (q > 0 for gzip, or for *
 * when gzip is not named). */
bool http_accepts_gzip(const char *accept_encoding);

#endif
