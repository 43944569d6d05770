/* The HTTP endpoint (libmicrohttpd, one thread per connection, because a
 * scrape may block while collecting): transport and the authentication
 * gate.  What answers which path is the route table's (http_route.h).
 *
 * Before any route: the client certificate (opts.tls) and then basic
 * authentication (opts.auth) are checked; 403 or 401 otherwise.  A URL no
 * route matches gets 404.
 */
#ifndef IKW_HTTP_SERVER_H
#define IKW_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "http/http_auth.h"
#include "http/http_listen.h"
#include "http/http_refusals.h"
#include "http/http_route.h"
#include "http/http_tls.h"

struct http_server;

/* Zero fields take the defaults in the comments. */
struct http_server_opts {
	/* "127.0.0.1:9786", "[::1]:9786", "[fe80::1%eth0]:9786", ":9786" = all
	 * addresses, IPv6 and IPv4 (IPv4 only where IPv6 is unavailable);
	 * "[::]:9786" = IPv6 only.  Port 0 picks a free port (see
	 * http_server_port()).  Default ":9786". */
	const char *listen_address;
	unsigned max_connections;        /* default 64 */
	/* An idle connection is closed after this; so is a keep-alive one
	 * whose next request line has not come by then.  Default 30. */
	unsigned connection_timeout_s;
	/* From a request's start, its headers and body must have arrived
	 * within this, whatever the pace (default 10 s); a response must have
	 * been sent within response_timeout_ms (default 60 s). */
	unsigned request_timeout_ms, response_timeout_ms;
	/* Scrapes of stream routes producing a body at once (default 4).  One
	 * more waits for a slot, up to request_timeout_ms, then gets 503; one
	 * client address holds at most half of them (at least one). */
	unsigned max_concurrent_scrapes;
	/* Per-connection memory of libmicrohttpd, which bounds the request
	 * line and headers (larger requests get 431 or are closed).  Default
	 * 8 KiB. */
	size_t max_request_header_bytes;
	/* Where refusals are counted; NULL: inside the server.  Given, it may
	 * be read while the server starts and stops (it must outlive it). */
	struct http_refusals *refusals;
	/* A socket bound already (http_server_listen()), taken over and closed
	 * by the server, also on failure; NULL: bind listen_address here. */
	struct http_listener *listener;
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

/* Checks the routes, binds the listening socket and starts serving.  On
 * failure returns -errno with a reason in err, e.g. "cannot listen on
 * 127.0.0.1:9786: Address already in use".  routes is copied; each route's
 * path and ctx must outlive the server. */
int http_server_start(const struct http_server_opts *o,
		      const struct http_routes *routes, struct http_server **out,
		      struct ikw_err *err);
/* Requests refused or cut so far, by reason (s may be NULL: zeros). */
void http_server_refusals(struct http_server *s, uint64_t out[HTTP_REFUSALS]);
/* "login_failed", "login_backoff", ... (the metric's reason label). */
const char *http_refusal_name(enum http_refusal k);

/* Binds o->listen_address (its default when unset) into *l, for
 * opts.listener.  0 or -errno with err set. */
int http_server_listen(const struct http_server_opts *o, struct http_listener *l,
		       struct ikw_err *err);

/* The bound port (useful with port 0). */
uint16_t http_server_port(const struct http_server *s);
/* Stops accepting, waits for the running requests (a scrape in progress is
 * finished or aborted) and frees s.  Accepts NULL. */
void http_server_stop(struct http_server *s);

#endif
