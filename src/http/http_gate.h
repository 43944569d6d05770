/* The authentication gate in front of every route: the client certificate
 * (web-config tls_server_config) and then HTTP basic authentication
 * (basic_auth_users).  Inside http/ only. */
#ifndef IKW_HTTP_GATE_H
#define IKW_HTTP_GATE_H

#include <microhttpd.h>
#include <stdbool.h>

#include "http/http_auth.h"
#include "http/http_backoff.h"
#include "http/http_refusals.h"
#include "http/http_tls.h"

struct http_gate {
	const struct http_tls *tls;   /* NULL: no client certificate check */
	struct http_auth *auth;       /* NULL: no basic auth */
	struct http_backoff *backoff; /* with auth: failures per client */
	struct http_refusals *refusals;
};

/* Whether the request of client (its address) may go on; if not, *ret is
 * what to return: a 403, a 401 with WWW-Authenticate, a 429 with
 * Retry-After (a client backing off after failed logins) or a 503 (no
 * bcrypt turn in time) has been queued.  A client's remembered right
 * password passes even while it backs off. */
bool http_gate_pass(const struct http_gate *g, struct MHD_Connection *c,
		    const char *client, enum MHD_Result *ret);

#endif
