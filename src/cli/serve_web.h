/* `serve`: the web configuration (--web.config.file) turned into what the
 * HTTP server takes, and the startup log line that says how ikewatch can be
 * reached. */
#ifndef IKW_SERVE_WEB_H
#define IKW_SERVE_WEB_H

#include "config/config.h"
#include "http/http_server.h"
#include "http/web_config.h"

struct serve_web {
	struct web_config cfg;
	struct http_tls *tls;      /* NULL: plain HTTP */
	struct http_auth *auth;    /* NULL: no basic auth */
};

/* Loads c->web_config_file (if set) and fills o->tls, o->auth and
 * o->headers, which point into w.  Logs why and returns -1 on failure;
 * release w either way. */
int serve_web_init(struct serve_web *w, const struct config *c,
		   struct http_server_opts *o);
void serve_web_release(struct serve_web *w);

/* "serving /metrics on https://ADDR (TLS 1.2-1.3, client certificates
 * RequireAndVerifyClientCert, basic auth for 2 users)", and a warning when
 * a non-loopback address has neither TLS nor authentication. */
void serve_web_log_start(const struct serve_web *w, const struct config *c);

#endif
