#include "http/http_gate.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "http/http_reply.h"

static enum MHD_Result http_unauthorized(struct MHD_Connection *c)
{
	struct MHD_Response *r = http_reply_buffer("Unauthorized\n", 13, HTTP_TEXT_TYPE);

	if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					 "Basic realm=\"ikewatch\", charset=\"UTF-8\"")
	    != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_reply_queue(c, MHD_HTTP_UNAUTHORIZED, r);
}

static bool http_basic_auth_ok(struct http_auth *auth, struct MHD_Connection *c)
{
	char *pass = NULL, *user = MHD_basic_auth_get_username_password(c, &pass);
	bool ok = http_auth_check(auth, user, pass);

	if (pass) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

bool http_gate_pass(const struct http_gate *g, struct MHD_Connection *c,
		    enum MHD_Result *ret)
{
	const char *why;
	char why_nl[96];

	if (g->tls) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);

		if (!http_tls_client_ok(g->tls, ci ? ci->tls_session : NULL, &why)) {
			log_debug("http: refused a request: %s", why);
			snprintf(why_nl, sizeof(why_nl), "%s\n", why);
			*ret = http_reply_text(c, MHD_HTTP_FORBIDDEN, why_nl);
			return false;
		}
	}
	if (g->auth && !http_basic_auth_ok(g->auth, c)) {
		*ret = http_unauthorized(c);
		return false;
	}
	return true;
}
