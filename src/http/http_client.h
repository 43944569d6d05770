/* The client of every outgoing request (`ikewatch status --url`, the
 * remediation's notification): one request over http:// or https:// with
 * libcurl (loaded at the first request: http_curl.h), the whole answer
 * read (bounded) within a deadline, redirects never followed.
 * http_client_global_init() once at start (it loads nothing),
 * http_client_global_cleanup() at exit. */
#ifndef IKW_HTTP_CLIENT_H
#define IKW_HTTP_CLIENT_H

#include <stdbool.h>

#include "common/err.h"
#include "common/strbuf.h"

#define HTTP_CLIENT_BODY_MAX (64 * 1024 * 1024)
#define HTTP_CLIENT_SECRET_MAX 4096
/* the connection (TCP and TLS handshake) never waits longer than this,
 * whatever the request's total timeout */
#define HTTP_CLIENT_CONNECT_MAX_MS 10000

/* TLS and credentials; every field optional.  Secrets are named by file and
 * read at each request (a rotated token is picked up). */
struct http_client_tls {
	const char *ca_file;          /* verify the server against this, else the system's */
	const char *cert_file, *key_file;   /* a client certificate: both or neither */
	bool insecure_skip_verify;    /* no verification at all: warned at each request */
	const char *bearer_file;      /* Authorization: Bearer <file's first line> */
	const char *basic_user;       /* basic auth, with ... */
	const char *basic_password_file;   /* ... this file's first line */
};

struct http_client_req {
	const char *url;            /* http[s]://HOST[:PORT] with an optional path */
	const char *method;         /* "GET" or "POST" */
	const char *path;           /* appended to url (with the query), or NULL */
	const char *bearer;         /* Authorization: Bearer ..., or NULL (wins over tls's) */
	const char *body;           /* POSTed as application/json, or NULL */
	int timeout_ms;             /* the whole request; 0: 30 s */
	/* the value of this answer header into captured ("" when absent;
	 * cut to captured_size), or NULL */
	const char *capture;
	char *captured;
	size_t captured_size;
	const struct http_client_tls *tls;   /* NULL: no TLS options, no credentials */
};

int http_client_global_init(struct ikw_err *err);
void http_client_global_cleanup(void);

/* The options make sense together (a key with its certificate, one kind of
 * credentials, a password file with its user): 0 or -EINVAL with err set,
 * the message naming the options by their prefix ("--tls." or
 * "remediation.notify."). */
int http_client_tls_check(const struct http_client_tls *t, const char *prefix,
			  struct ikw_err *err);
/* url is http:// or https:// with a host: 0 or -EINVAL with err set. */
int http_client_url_check(const char *url, struct ikw_err *err);

/* *status gets the HTTP status and out the body.  Returns 0 or -errno with
 * err set (curl's own words: connection, TLS, timeout, answer too large). */
int http_client_fetch(const struct http_client_req *r, int *status, struct strbuf *out,
		      struct ikw_err *err);
/* Appends s to sb percent-encoded for a query value. */
void http_client_query_escape(struct strbuf *sb, const char *s);

#endif
