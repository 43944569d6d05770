/* TLS for the HTTP endpoint: the certificate, key and client CA of a
 * web_config read into memory for libmicrohttpd (which is built with
 * GnuTLS), the GnuTLS priority string, and the check of a connection's
 * client certificate against client_auth_type.
 *
 * libmicrohttpd asks for a client certificate whenever it is given a trust
 * list, but leaves verifying it to the application: http_tls_check_client()
 * runs on every request before anything else. */
#ifndef IKW_HTTP_TLS_H
#define IKW_HTTP_TLS_H

#include "common/err.h"
#include "http/web_config.h"

#define HTTP_TLS_FILE_MAX (1024 * 1024)

struct http_tls {
	char *cert, *key;        /* PEM, NUL-terminated */
	char *trust;             /* PEM of client_ca_file; NULL: no client certs
				    asked for */
	char *priorities;        /* GnuTLS priority string, checked */
	enum web_client_auth client_auth;
};

/* Reads the files named in w (which must have w->tls) and checks that the
 * key matches the certificate, that the CA file holds certificates and that
 * GnuTLS accepts the priorities.  Errors name the file. */
int http_tls_load(const struct web_config *w, struct http_tls **out,
		  struct ikw_err *err);
/* Accepts NULL. */
void http_tls_free(struct http_tls *t);

/* Whether the client certificate of session (a gnutls_session_t) satisfies
 * t->client_auth; if not, *why says what is wrong. */
bool http_tls_client_ok(const struct http_tls *t, void *session, const char **why);

#endif
