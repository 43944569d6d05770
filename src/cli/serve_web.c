#include "cli/serve_web.h"

#include <string.h>

#include "cli/cli.h"
#include "common/log.h"

#ifndef IKW_VERSION
#define IKW_VERSION "unknown"
#endif

int serve_web_init(struct serve_web *w, const struct config *c,
		   struct http_server_opts *o)
{
	struct ikw_err err = { "" };

	memset(w, 0, sizeof(*w));
	web_config_init(&w->cfg);
	if (!c->web_config_file)
		return 0;
	if (web_config_load(&w->cfg, c->web_config_file, &err) ||
	    (w->cfg.tls && http_tls_load(&w->cfg, &w->tls, &err))) {
		log_error("web config: %s", err.msg);
		return -1;
	}
	if (w->cfg.n_users) {
		w->auth = http_auth_new(w->cfg.users, w->cfg.n_users);
		if (!w->auth) {
			log_error("web config: out of memory");
			return -1;
		}
	}
	if (w->cfg.http2)
		log_debug("web config: http2 is accepted; ikewatch serves HTTP/1.1");
	o->tls = w->tls;
	o->auth = w->auth;
	o->headers = w->cfg.headers;
	o->n_headers = w->cfg.n_headers;
	return 0;
}

void serve_web_release(struct serve_web *w)
{
	http_auth_free(w->auth);
	http_tls_free(w->tls);
	web_config_release(&w->cfg);
	w->auth = NULL;
	w->tls = NULL;
}

static bool serve_web_loopback(const char *addr)
{
	return !strncmp(addr, "127.", 4) || !strncmp(addr, "[::1]", 5) ||
	       !strncmp(addr, "localhost:", 10);
}

void serve_web_log_start(const struct serve_web *w, const struct config *c)
{
	char how[160], auth[64];
	size_t n = w->cfg.n_users;

	if (w->tls)
		snprintf(how, sizeof(how), "TLS 1.%u-1.%u, client certificates: %s",
			 w->cfg.min_version - 10, w->cfg.max_version - 10,
			 web_client_auth_name(w->cfg.client_auth));
	else
		snprintf(how, sizeof(how), "plain HTTP");
	if (w->auth)
		snprintf(auth, sizeof(auth), "basic auth for %zu user%s", n,
			 n == 1 ? "" : "s");
	else
		snprintf(auth, sizeof(auth), "no authentication");
	log_info("ikewatch %s serving %s on %s://%s (%s, %s), reading %s at %s",
		 IKW_VERSION, c->telemetry_path, w->tls ? "https" : "http",
		 c->listen_address, how, auth, cli_libreswan(c) ? "pluto" : "charon",
		 cli_libreswan(c) ? c->libreswan_ctlsocket : c->vici_socket);
	if (!serve_web_loopback(c->listen_address) && !w->tls && !w->auth)
		log_warn("listening on %s, a non-loopback address, without TLS or "
			 "authentication: set --web.config.file", c->listen_address);
}
