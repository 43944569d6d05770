/* The route table: who answers which path with which methods.  `serve` (and
 * the tests) fill one and hand it to http_server_start(); the server itself
 * knows no path, only transport and the authentication gate.
 *
 * A route answers in one of two ways:
 *   handle  a buffered answer (struct http_response), for pages, the API
 *           and the probes /-/healthy and /-/ready;
 *   stream  a body produced in pieces (struct body_source), for the
 *           metrics: gzip when the client accepts it, the exposition
 *           format negotiated from Accept, at most max_concurrent_scrapes
 *           at a time (beyond: 503 "too many concurrent scrapes"), and HEAD
 *           answered with the headers only, without calling stream.
 * A method outside the route's methods gets 405 with Allow; a POST to a
 * route that allows POST has its body (at most HTTP_BODY_MAX bytes, larger
 * is 413) read before handle runs. */
#ifndef IKW_HTTP_ROUTE_H
#define IKW_HTTP_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/body_source.h"
#include "common/err.h"
#include "common/strbuf.h"
#include "metrics/expo.h"

enum { HTTP_GET = 1u, HTTP_HEAD = 2u, HTTP_POST = 4u };

#define HTTP_BODY_MAX (16 * 1024)

/* A request for a handle route; strings valid during the call. */
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

/* What a handle route answers: the server has set status 200, the body to
 * an empty strbuf and the type to text/plain. */
struct http_response {
	unsigned status;
	const char *content_type;
	struct strbuf body;
	/* one more header, or NULL; both valid until the handler returns */
	const char *header_name, *header_value;
};

typedef void http_handle_fn(void *ctx, const struct http_request *req,
			    struct http_response *resp);
/* Fills *src (zeroed before the call) and returns 0; or returns <0, and the
 * client gets 503 with err's message as text body.  src->free, if set, is
 * called in both cases.  Runs on the connection's thread, concurrently with
 * other scrapes. */
typedef int http_stream_fn(void *ctx, enum expo_format fmt, struct body_source *src,
			   struct ikw_err *err);

struct http_route {
	const char *path;        /* starts with '/'; must outlive the server */
	bool prefix;             /* path is a leading part of the URL */
	unsigned methods;        /* HTTP_GET | HTTP_HEAD | HTTP_POST */
	http_handle_fn *handle;  /* exactly one of handle and stream */
	http_stream_fn *stream;
	void *ctx;
	/* Cache-Control: no-store, nosniff and a Content-Security-Policy
	 * that keeps a page to itself (for the status page and the API). */
	bool private_page;
};

#define HTTP_ROUTES_MAX 16

/* The first route that matches a URL wins. */
struct http_routes {
	struct http_route route[HTTP_ROUTES_MAX];
	size_t n;
};

/* Appends r; a full table is a programming error (asserted). */
void http_routes_add(struct http_routes *t, const struct http_route *r);
/* The route for url, or NULL. */
const struct http_route *http_routes_find(const struct http_routes *t, const char *url);
/* 0, or -EINVAL with err set when a path does not start with '/' or a
 * route has not exactly one of handle and stream. */
int http_routes_check(const struct http_routes *t, struct ikw_err *err);

/* Ready-made handlers.  ctx unused: "OK\n". */
void http_handle_healthy(void *ctx, const struct http_request *req,
			 struct http_response *resp);
/* The landing page; ctx is the telemetry path (const char *). */
void http_handle_landing(void *ctx, const struct http_request *req,
			 struct http_response *resp);

#endif
