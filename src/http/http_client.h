/* A minimal HTTP/1.0 client for `ikewatch status --url`: one request to a
 * running ikewatch daemon, the whole answer read (bounded) within a
 * deadline.  Plain http:// only. */
#ifndef IKW_HTTP_CLIENT_H
#define IKW_HTTP_CLIENT_H

#include "common/err.h"
#include "common/strbuf.h"

#define HTTP_CLIENT_BODY_MAX (64 * 1024 * 1024)

struct http_client_req {
	const char *url;            /* http://HOST:PORT[/] */
	const char *method;         /* "GET" or "POST" */
	const char *path;           /* with the query, starting with '/' */
	const char *bearer;         /* Authorization: Bearer ..., or NULL */
	const char *body;           /* POSTed as application/json, or NULL */
	int timeout_ms;
	/* the value of this answer header into captured ("" when absent;
	 * cut to captured_size), or NULL */
	const char *capture;
	char *captured;
	size_t captured_size;
};

/* *status gets the HTTP status and out the body.  Returns 0 or -errno with
 * err set (connection, timeout, a malformed answer). */
int http_client_fetch(const struct http_client_req *r, int *status, struct strbuf *out,
		      struct ikw_err *err);
/* Appends s to sb percent-encoded for a query value. */
void http_client_query_escape(struct strbuf *sb, const char *s);

#endif
